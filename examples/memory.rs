//! How much memory herald holds per event page at rest, the figure that
//! decides how many communities one machine can host (issue #14). It writes
//! generated meetup pages (those of `benches/catalog.rs`) into a temporary
//! folder, then reads them as `herald run` does (the library and the
//! catalog it serves) and as `herald check` does (a load alone), and prints
//! the resident memory each adds, per page.
//!
//! `cargo run --release --example memory -- run|check [PAGES]` (default
//! 10,000): one way of reading per process, so that what one freed cannot
//! hide what the other holds. Resident memory is read from
//! `/proc/self/statm`, so this runs on Linux.

use std::path::Path;

use chrono::NaiveDate;
use herald::events::load::{load_dir, Site};
use herald::lang::Lang;
use herald::telegram::Library;

#[path = "../benches/common/pages.rs"]
mod generated;
#[path = "../benches/common/resident.rs"]
mod resident;
use resident::resident;

fn main() {
    // As `herald` itself does.
    herald::allocator::tune();
    let mut args = std::env::args().skip(1);
    let mode = args.next().unwrap_or_else(|| "run".to_string());
    let pages: usize = match args.next() {
        Some(n) => n.parse().expect("PAGES: a number"),
        None => 10_000,
    };
    let dir = tempfile::tempdir().expect("a temporary folder");
    let first = NaiveDate::from_ymd_opt(2019, 1, 1).expect("a date");
    let bytes = write(dir.path(), pages, first);
    let site = Site::new(chrono_tz::Asia::Shanghai, Lang::Zh);
    println!(
        "{pages} pages, {:.1} KB each on average",
        bytes as f64 / pages as f64 / 1000.0
    );

    let before = resident();
    match mode.as_str() {
        "check" => {
            let loaded = load_dir(dir.path(), &site).expect("the pages load");
            assert_eq!(loaded.events.len(), pages, "every page loads");
            report("herald check (a load)", before, resident(), pages);
        }
        "run" => {
            let library = Library::open(dir.path(), site);
            assert_eq!(library.catalog().events().len(), pages, "every page served");
            report(
                "herald run (the catalog in service)",
                before,
                resident(),
                pages,
            );
        }
        other => panic!("run or check, not {other}"),
    }
}

/// Writes the pages one at a time; returns their total size.
fn write(dir: &Path, pages: usize, first: NaiveDate) -> usize {
    let mut bytes = 0;
    let generated = (0..pages).map(|index| {
        let day = first + chrono::Duration::days(generated::draw(index, 4, 8 * 365) as i64);
        let (path, src) = generated::page(index, day);
        bytes += src.len();
        (path, src)
    });
    generated::write(dir, generated);
    bytes
}

fn report(what: &str, before: u64, after: u64, pages: usize) {
    let added = after.saturating_sub(before);
    println!(
        "{what}: {:.1} MiB resident, {:.1} KiB per page",
        added as f64 / (1 << 20) as f64,
        added as f64 / 1024.0 / pages as f64,
    );
}
