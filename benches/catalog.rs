//! How herald copes with a large community: 10,000 event pages of five talks
//! each, half Chinese and half English, written the ways organizers write
//! them. `load` reads them from disk, `parse` reads the same pages from
//! memory (so disk and parsing costs can be told apart), and `commands`
//! answers `/speaker` and `/talk` over all of them through the real command
//! core. Targets: loading under 1 s, each answer under 1 ms.
//!
//! Fixtures are built lazily, inside the first benchmark that needs them, so
//! a filtered run (`cargo bench --bench catalog -- load`) does only that
//! group's work and its peak memory is that group's own.

use std::cell::OnceCell;
use std::path::PathBuf;
use std::time::Duration;

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use criterion::{
    criterion_group, criterion_main, BenchmarkGroup, Criterion, SamplingMode, Throughput,
};
use herald::commands::{self, Context};
use herald::events::catalog::SpeakerSearch;
use herald::events::{self, Catalog, Event, Parsed};
use herald::lang::Lang;
use tempfile::TempDir;

#[path = "common/pages.rs"]
mod generated;

use generated::{draw, TALKS_PER_PAGE};

const PAGES: usize = 10_000;

/// Pages spread over 2019–2026.
fn pages() -> impl Iterator<Item = (PathBuf, String)> {
    let first = NaiveDate::from_ymd_opt(2019, 1, 1).expect("a date");
    (0..PAGES).map(move |index| {
        let day = first + chrono::Duration::days(draw(index, 4, 8 * 365) as i64);
        generated::page(index, day)
    })
}

fn write_pages() -> TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    generated::write(dir.path(), pages());
    dir
}

fn tz() -> Tz {
    "Asia/Shanghai".parse().expect("time zone")
}

fn event_of(path: &std::path::Path, src: &str) -> Event {
    match events::parse(path, src, tz()) {
        Ok(Parsed::Event {
            event, warnings, ..
        }) if warnings.is_empty() => *event,
        other => panic!("{}: {other:?}", path.display()),
    }
}

/// Every page parsed, checked to hold the talks it was written with: a
/// benchmark of pages herald misreads would measure the wrong work.
fn catalog() -> Catalog {
    let events: Vec<Event> = pages().map(|(path, src)| event_of(&path, &src)).collect();
    for event in &events {
        assert_eq!(event.talks().count(), TALKS_PER_PAGE, "{}", event.id);
        assert!(event.talks().all(|t| t.speakers.len() == 1), "{}", event.id);
    }
    Catalog::new(events)
}

/// Few samples of equal size: a single pass over 10,000 pages can take a
/// second or more, and `cargo bench` should still finish in minutes on two
/// cores.
fn small(group: &mut BenchmarkGroup<'_, criterion::measurement::WallTime>, seconds: u64) {
    group
        .sample_size(10)
        .sampling_mode(SamplingMode::Flat)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(seconds));
}

/// Every page loads, cleanly. Its own function so the checked events are
/// dropped before measuring and do not add to the peak memory.
fn check_load(dir: &TempDir) {
    let loaded =
        events::load_dir(dir.path(), &events::Site::new(tz(), Lang::Zh)).expect("the folder");
    assert_eq!((loaded.events.len(), loaded.diagnostics.len()), (PAGES, 0));
}

fn load(c: &mut Criterion) {
    // The allocator as `herald` tunes it: freed pages go back at once.
    herald::allocator::tune();
    let dir = OnceCell::new();
    let mut group = c.benchmark_group("load");
    small(&mut group, 20);
    group.throughput(Throughput::Elements(PAGES as u64));
    group.bench_function("load_dir 10000 pages", |b| {
        let dir: &TempDir = dir.get_or_init(write_pages);
        check_load(dir);
        // What a community waits for is the load; the old library is dropped
        // after the new one serves (on reload), so dropping is not timed.
        b.iter_with_large_drop(|| {
            events::load_dir(dir.path(), &events::Site::new(tz(), Lang::Zh)).expect("the folder")
        });
    });
    group.finish();
}

fn parse(c: &mut Criterion) {
    let sources = OnceCell::new();
    let mut group = c.benchmark_group("parse");
    small(&mut group, 12);
    group.throughput(Throughput::Elements(PAGES as u64));
    group.bench_function("parse 10000 pages in memory", |b| {
        let sources: &Vec<(PathBuf, String)> = sources.get_or_init(|| pages().collect());
        // Kept, as `load_dir` keeps them, so the two differ only by the disk.
        b.iter_with_large_drop(|| {
            sources
                .iter()
                .map(|(path, src)| events::parse(path, src, tz()))
                .collect::<Vec<_>>()
        });
    });
    group.finish();
}

/// One chat command over the whole catalog, from text to reply.
fn answer(catalog: &Catalog, text: &str, lang: Lang) -> commands::Reply {
    let now: DateTime<Utc> = "2025-06-01T00:00:00Z".parse().expect("now");
    let command = commands::parse(text, None).expect("a command");
    let ctx = Context {
        catalog,
        now,
        lang,
        tz: tz(),
    };
    commands::answer(&command, &ctx)
}

/// The queries, checked to take the path each benchmark is named after.
fn check_paths(catalog: &Catalog) {
    match catalog.search_speakers("周强") {
        SpeakerSearch::Found { appearances, .. } => assert!(appearances.len() > 1),
        other => panic!("周强: {other:?}"),
    }
    match catalog.search_speakers("周墙") {
        SpeakerSearch::NotFound { suggestions } => assert!(!suggestions.is_empty()),
        other => panic!("周墙: {other:?}"),
    }
    assert!(!catalog.search_talks("async tokio").is_empty());
}

fn queries(c: &mut Criterion) {
    let catalog = OnceCell::new();
    let catalog = || {
        catalog.get_or_init(|| {
            let catalog = self::catalog();
            check_paths(&catalog);
            catalog
        })
    };
    let mut group = c.benchmark_group("commands");
    small(&mut group, 5);
    let cases = [
        ("speaker found", "/speaker 周强", Lang::Zh),
        ("speaker not found, suggestions", "/speaker 周墙", Lang::Zh),
        ("talk two words", "/talk async tokio", Lang::En),
    ];
    for (name, text, lang) in cases {
        group.bench_function(name, |b| {
            let catalog = catalog();
            b.iter(|| answer(catalog, text, lang));
        });
    }
    group.finish();
}

criterion_group!(benches, load, parse, queries);
criterion_main!(benches);
