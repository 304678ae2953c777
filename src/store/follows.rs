//! TEMPORARY copy of the follows engineer's trait (branch `follow`), so
//! personal calendar feeds build before the merge; their
//! `src/store/follows.rs` replaces this file.

use super::StoreError;

/// What one member follows, for personal calendar feeds.
pub trait Followed {
    fn followed(&self, member: i64) -> Result<Following, StoreError>;
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Following {
    /// event ids (slugs)
    pub events: Vec<String>,
    /// talk ids
    pub talks: Vec<String>,
    /// speaker ids
    pub speakers: Vec<String>,
}

/// TEMPORARY: no one follows anything, until follows are kept. What
/// `herald run` serves personal feeds from before the merge, which puts
/// the store in its place.
pub struct NothingFollowed;

impl Followed for NothingFollowed {
    fn followed(&self, _member: i64) -> Result<Following, StoreError> {
        Ok(Following::default())
    }
}
