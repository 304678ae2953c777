//! `herald check`: the site's CI gate. Besides the problems, one line per
//! page says what herald made of it, so a page that yielded no talks stands
//! out before members ever ask for its agenda. An event in several
//! languages (Hugo translations) has a line per page and counts once.
//! The state file's place is checked too, so a deploy that could not
//! record a post fails here rather than at the bot's start.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Result;
use chrono::Utc;

use crate::config::Config;
use crate::events::{Event, Severity};
use crate::lang::{count, tally};

use super::{aligned, load, programme, report};

pub(super) fn check(config: &Config) -> Result<ExitCode> {
    let loaded = load(config)?;
    // The config's own warnings first, in the same `file:line: warning:` form.
    for warning in &config.warnings {
        eprintln!("{warning}");
    }
    report(&loaded.diagnostics);
    // What `herald run` would trip over at its first write, said now.
    let state = crate::store::check_writable(config).inspect_err(|error| eprintln!("{error}"));
    let events = &loaded.events;
    let rejected = loaded.errors().map(|error| Page {
        file: error.file.clone(),
        flagged: true,
        summary: "rejected".to_string(),
        title: format!("line {}: see the error above", error.line),
    });
    let read: Vec<Page> = events
        .iter()
        .flat_map(|event| event.pages().map(|(_, shown)| page(&shown, config)))
        .collect();
    // Counted by page, as they are marked: each language's page has its own.
    let empty = read.iter().filter(|page| page.flagged).count();
    let mut pages: Vec<Page> = read.into_iter().chain(rejected).collect();
    pages.sort_by(|a, b| a.file.cmp(&b.file));
    // Fallible writes, so `herald check | head` ends quietly.
    let mut out = std::io::stdout().lock();
    print_pages(&mut out, &pages)?;

    let now = Utc::now();
    let upcoming = events
        .iter()
        .filter(|e| e.effective_end().is_some_and(|end| end >= now))
        .count();
    let talks: usize = events.iter().map(|e| e.talks().count()).sum();
    writeln!(
        out,
        "{} ({} upcoming), {}, {}",
        count(events.len(), "event", "events"),
        upcoming,
        tally(talks, "talk", "talks"),
        tally(speaker_count(events), "speaker", "speakers")
    )?;
    if empty > 0 {
        writeln!(
            out,
            "{} no talks (marked !): `herald explain <page>` shows how a page was read",
            count(empty, "page has", "pages have")
        )?;
    }
    let errors = loaded.errors().count() + usize::from(state.is_err());
    let warnings = loaded
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Warning)
        .count()
        + config.warnings.len();
    if errors + warnings > 0 {
        writeln!(
            out,
            "{}, {}",
            count(errors, "error", "errors"),
            count(warnings, "warning", "warnings")
        )?;
    }
    Ok(if errors > 0 {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

/// One page's line: where it is, what was found, and its title last, since
/// titles are the one column whose width a terminal cannot be trusted with.
struct Page {
    file: PathBuf,
    /// No talks found, or rejected: the page an organizer should look at.
    flagged: bool,
    summary: String,
    title: String,
}

fn page(event: &Event, config: &Config) -> Page {
    let date = match (event.start, event.all_day) {
        (None, _) => "undated".to_string(),
        (Some(start), true) => start.date_naive().to_string(),
        (Some(start), false) => start
            .with_timezone(&config.timezone)
            .date_naive()
            .to_string(),
    };
    Page {
        file: event.file.clone(),
        flagged: event.talks().next().is_none(),
        summary: match &event.poster {
            Some(poster) => format!(
                "{date}  {}, poster {}",
                programme(event),
                poster_name(poster)
            ),
            None => format!("{date}  {}", programme(event)),
        },
        title: event.title.clone(),
    }
}

/// The poster's file name: the page's line already says which folder.
fn poster_name(poster: &crate::events::Poster) -> String {
    poster
        .file
        .file_name()
        .map_or_else(String::new, |name| name.to_string_lossy().into_owned())
}

fn print_pages(out: &mut impl Write, pages: &[Page]) -> std::io::Result<()> {
    let rows = pages.iter().map(|page| {
        let flag = if page.flagged { "!" } else { " " };
        [
            format!("{flag} {}", page.file.display()),
            page.summary.clone(),
            page.title.clone(),
        ]
    });
    for line in aligned(rows) {
        writeln!(out, "{line}")?;
    }
    Ok(())
}

/// Distinct people on the programme: talk speakers and the events' own lists.
fn speaker_count(events: &[Event]) -> usize {
    let mut names: Vec<&str> = events
        .iter()
        .flat_map(|e| e.talks().flat_map(|t| &t.speakers).chain(&e.speakers))
        .map(|s| s.name.as_str())
        .collect();
    names.sort_unstable();
    names.dedup();
    names.len()
}
