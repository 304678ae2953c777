//! `herald explain <page>`: how herald read one page, for the organizer
//! fixing it. Every agenda item points back at its line, and what was left
//! out says why, so "why is my talk missing?" is answered without reading
//! herald's source.

use std::io::ErrorKind;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Result;
use chrono::{Duration, NaiveDate};
use chrono_tz::Tz;
use clap::Args;

use crate::config::{Config, ConfigError};
use crate::events::load::read_page;
use crate::events::{AgendaItem, Diagnostic, Event, Instant, Parsed, Speaker, Talk};
use crate::render;

use super::{aligned, out, programme};

#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// The page file, e.g. `events/rust-meetup/index.md`.
    pub page: PathBuf,
}

/// The zone times are read and shown in, and where it came from: one page
/// can be explained with no `bot.toml` at all.
struct Zone {
    tz: Tz,
    source: String,
}

pub(super) fn explain(config: &Path, args: &ExplainArgs) -> Result<ExitCode> {
    let zone = zone(config)?;
    let page = &args.page;
    match read_page(page, zone.tz) {
        Ok(Parsed::Event {
            event,
            warnings,
            skipped,
            date_key,
            ..
        }) => {
            out(format_args!(
                "{}",
                explanation(&event, date_key.as_deref(), &skipped, &warnings, &zone)
            ))?;
            Ok(ExitCode::SUCCESS)
        }
        Ok(Parsed::Draft) => {
            out(format_args!(
                "{}: a draft (`draft: true`): herald does not serve it\n",
                page.display()
            ))?;
            Ok(ExitCode::SUCCESS)
        }
        Err(error) => {
            eprintln!("{}", error.diagnostic());
            out(format_args!(
                "{}: rejected, herald does not serve it\n",
                page.display()
            ))?;
            Ok(ExitCode::FAILURE)
        }
    }
}

/// A config that exists must be valid; a missing one only costs the zone.
fn zone(config: &Path) -> Result<Zone> {
    match Config::load(config) {
        Ok(loaded) => Ok(Zone {
            tz: loaded.timezone,
            source: format!("from {}", config.display()),
        }),
        Err(ConfigError::Read { cause, .. }) if cause.kind() == ErrorKind::NotFound => Ok(Zone {
            tz: Config::default().timezone,
            source: format!(
                "the default; {} not found, --config names one",
                config.display()
            ),
        }),
        Err(error) => Err(error.into()),
    }
}

fn explanation(
    event: &Event,
    date_key: Option<&str>,
    skipped: &[Diagnostic],
    warnings: &[Diagnostic],
    zone: &Zone,
) -> String {
    let mut out = format!("How herald read {}\n\n", event.file.display());
    out += "Event\n";
    for line in aligned(facts(event, date_key, zone)) {
        out += &format!("  {line}\n");
    }
    out += &format!("\nAgenda: {}\n", programme(event));
    if event.agenda.is_empty() {
        out += "  (no talks or breaks found in the body)\n";
    }
    for line in aligned(agenda(event, zone.tz)) {
        out += &format!("  {line}\n");
    }
    out += &notes("Skipped (read, but not taken as an agenda item)", skipped);
    out += &notes("Warnings", warnings);
    out
}

/// The event's own facts, as `[label, value]` rows; absent ones are left
/// out, except an end: an organizer should see that herald has none.
fn facts(event: &Event, date_key: Option<&str>, zone: &Zone) -> Vec<[String; 2]> {
    let row = |label: &str, value: String| [label.to_string(), value];
    let mut rows = vec![
        row("title", event.title.clone()),
        row(
            "start",
            match (event.start, date_key) {
                (Some(start), Some(key)) => {
                    format!("{} (from `{key}`)", when(start, event.all_day, zone.tz))
                }
                (Some(start), None) => when(start, event.all_day, zone.tz),
                (None, _) => "undated: the page gives no usable date".to_string(),
            },
        ),
        row(
            "end",
            event
                .end
                .map_or("unknown".to_string(), |end| match event.all_day {
                    // An all-day end is exclusive: a page's `date_end: 2030-03-02`
                    // is held as the midnight after that day.
                    true => when(end - Duration::nanoseconds(1), true, zone.tz),
                    false => when(end, false, zone.tz),
                }),
        ),
        row("zone", format!("{} ({})", zone.tz, zone.source)),
    ];
    if event.cancelled {
        rows.push(row("status", "cancelled".to_string()));
    }
    let place: Vec<String> = event.venue.parts().collect();
    if !place.is_empty() {
        rows.push(row("venue", place.join(", ")));
    }
    let links = &event.links;
    for (label, link) in [
        ("register", &links.register),
        ("slides", &links.slides),
        ("video", &links.video),
        ("pdf", &links.pdf),
        ("code", &links.code),
    ] {
        if let Some(link) = link {
            rows.push(row(label, link.clone()));
        }
    }
    if !event.speakers.is_empty() {
        let people: Vec<String> = event.speakers.iter().map(person).collect();
        rows.push(row("people", people.join("; ")));
    }
    if let Some(poster) = &event.poster {
        rows.push(row("poster", poster_line(poster)));
    }
    rows
}

/// The poster's file and size, as `herald check` and this show it.
fn poster_line(poster: &crate::events::Poster) -> String {
    format!(
        "{} ({} KB)",
        poster.file.display(),
        poster.bytes.div_ceil(1024)
    )
}

/// `2021-04-17 Sat 13:00` on the community's clock; an all-day date as the
/// page wrote it, since moving its midnight could change the day.
fn when(instant: Instant, all_day: bool, tz: Tz) -> String {
    match all_day {
        true => instant.format("%Y-%m-%d %a (all day)").to_string(),
        false => instant
            .with_timezone(&tz)
            .format("%Y-%m-%d %a %H:%M")
            .to_string(),
    }
}

/// One `[file:line, time, text]` row per item, then one per speaker and
/// abstract under a talk's title.
fn agenda(event: &Event, tz: Tz) -> Vec<[String; 3]> {
    let day = event
        .start
        .map(|start| start.with_timezone(&tz).date_naive());
    let mut rows = Vec::new();
    for item in &event.agenda {
        let (line, title) = match item {
            AgendaItem::Talk(talk) => (talk.line, talk.title.plain()),
            AgendaItem::Break(pause) => (pause.line, format!("break: {}", pause.title)),
        };
        let time = item.slot().map_or("no time".to_string(), |slot| {
            let start = slot.start.with_timezone(&tz).date_naive();
            let clock = render::community_slot(&slot, tz);
            match Some(start) == day {
                true => clock,
                false => format!("{} {clock}", short_date(start)),
            }
        });
        rows.push([format!("{}:{line}", event.file.display()), time, title]);
        if let AgendaItem::Talk(talk) = item {
            rows.extend(
                details(talk)
                    .into_iter()
                    .map(|detail| [String::new(), String::new(), format!("  {detail}")]),
            );
        }
    }
    rows
}

/// A later day of a multi-day programme: `Fri 11 Mar`.
fn short_date(day: NaiveDate) -> String {
    day.format("%a %-d %b").to_string()
}

/// What a talk carries besides its title, as the organizer will want to
/// check it: who, from where, and whether an abstract was found.
fn details(talk: &Talk) -> Vec<String> {
    let mut out: Vec<String> = match talk.speakers.is_empty() {
        true => vec!["speaker: none found".to_string()],
        false => talk
            .speakers
            .iter()
            .map(|s| format!("speaker: {}", person(s)))
            .collect(),
    };
    if let Some(text) = &talk.abstract_ {
        out.push(format!("abstract: {}", render::excerpt(&text.html())));
    }
    if let Some(video) = &talk.video {
        out.push(format!("video: {video}"));
    }
    out
}

/// `赵新 (于雨) · no company`, `周强 · PingCAP`
fn person(speaker: &Speaker) -> String {
    let alias = speaker
        .alias
        .as_ref()
        .map_or(String::new(), |alias| format!(" ({alias})"));
    let company = speaker.company.as_deref().unwrap_or("no company");
    format!("{}{alias} · {company}", speaker.name)
}

fn notes(heading: &str, notes: &[Diagnostic]) -> String {
    if notes.is_empty() {
        return format!("\n{heading}: none\n");
    }
    let mut out = format!("\n{heading}: {}\n", notes.len());
    let rows = notes.iter().map(|note| {
        let mut at = format!("{}:{}", note.file.display(), note.line);
        if let Some(column) = note.column {
            at += &format!(":{column}");
        }
        [at, note.message.clone()]
    });
    for line in aligned(rows) {
        out += &format!("  {line}\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::events::parse;

    /// The reader's notes are few today; how they are shown is fixed here,
    /// on a note made by hand.
    #[test]
    fn skipped_text_is_listed_with_its_line_and_reason() {
        let file = Path::new("events/night.md");
        let src = "---\ntitle: Night\ndate: 2030-03-01T19:00:00+08:00\n---\n\nSee you there!\n";
        let tz = Config::default().timezone;
        let Ok(Parsed::Event { event, .. }) = parse(file, src, tz) else {
            panic!("the page loads");
        };
        let zone = Zone {
            tz,
            source: "the default".to_string(),
        };
        let notes = [
            Diagnostic::note(file, 6, "prose, not a programme item"),
            Diagnostic::note(file, 12, "a heading that only groups talks"),
        ];
        let text = explanation(&event, Some("date"), &notes, &[], &zone);
        let skipped: Vec<&str> = text
            .lines()
            .skip_while(|line| !line.starts_with("Skipped"))
            .take_while(|line| !line.is_empty())
            .collect();
        assert_eq!(
            skipped,
            [
                "Skipped (read, but not taken as an agenda item): 2",
                "  events/night.md:6   prose, not a programme item",
                "  events/night.md:12  a heading that only groups talks",
            ]
        );
        assert!(text.contains("Agenda: 0 talks\n  (no talks or breaks found in the body)\n"));
        assert!(text.ends_with("\nWarnings: none\n"));
    }
}
