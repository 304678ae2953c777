//! The scheduler: what herald posts on its own (digests, reminders, and
//! notices of changes, cancellations and recordings), exactly once.
//!
//! [`plan`] is pure: events, schedule, chats, [`Memory`] and a window in,
//! posts out. [`Memory`] changes only through its own methods, called by the
//! runner after Telegram accepts a post, so planning again after a restart
//! yields exactly what is still owed.

pub mod card;
pub mod facts;
pub mod memory;
pub mod plan;
pub mod private;
pub mod runner;
pub mod topics;

pub use facts::{Change, Facts};
pub use memory::{Memory, Seen, Sighting};
pub use plan::{
    announcement_key, announcement_posts, announcement_prefix, plan, turn, Announcement, Input,
    Post, Rules, Turn, Verdict, What,
};
pub use private::{default_lead, Follower, Followers};

#[cfg(test)]
mod tests;
