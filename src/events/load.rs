//! Pages in, events out. `parse` is pure; `load_dir` is the only code that
//! reads the disk.
//!
//! Planned interface (being written):
//! ```ignore
//! pub enum Parsed { Event { event: Event, warnings: Vec<Diagnostic> }, Draft }
//! pub fn parse(path: &Path, src: &str, tz: chrono_tz::Tz) -> Result<Parsed, PageError>;
//! pub struct Loaded { pub events: Vec<Event>, pub diagnostics: Vec<Diagnostic> }
//! pub fn load_dir(dir: &Path, tz: chrono_tz::Tz) -> Loaded; // events sorted by start
//! ```
