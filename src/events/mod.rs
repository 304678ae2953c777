//! Event pages: from markdown files to [`Event`]s.
//!
//! `parse` works on a string and is where all the understanding lives;
//! `load_dir` is the only part that touches the disk.

pub mod agenda;
pub mod catalog;
mod compact;
pub mod diagnostic;
pub mod front_matter;
pub mod ids;
mod input;
pub mod load;
pub mod model;
pub mod poster;
pub mod rich;
pub mod translation;

pub use catalog::Catalog;
pub use diagnostic::{Diagnostic, PageError, Severity};
pub use load::{load_dir, parse, Loaded, Parsed, Site};
pub use model::{AgendaItem, Break, Event, Instant, Links, Slot, Speaker, Talk, Venue};
pub use poster::Poster;
pub use rich::Rich;
pub use translation::Languages;
