//! Pages in, events out. [`parse`] is pure and holds every decision;
//! [`load_dir`] is the only code that reads the disk, and one bad page never
//! stops the others.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use chrono::Duration;
use chrono_tz::Tz;

use super::agenda::{self, Frame};
use super::diagnostic::{Diagnostic, PageError, PageErrorKind};
use super::front_matter::{self, text, FrontMatter, PageTime, Split};
use super::model::{AgendaItem, Event, Instant, Links, Speaker, Venue};
use super::rich::Rich;
use super::translation::{self, Languages};
use crate::lang::Lang;

/// What one page holds.
#[derive(Debug, Clone, PartialEq)]
pub enum Parsed {
    Event {
        event: Box<Event>,
        warnings: Vec<Diagnostic>,
        /// What the agenda reader saw and left out, with why: for `herald
        /// explain`, not for the log.
        skipped: Vec<Diagnostic>,
    },
    /// `draft: true`: not published, so not served.
    Draft,
}

/// Reads one page. `path` names the page in messages and gives its id: the
/// folder of `<slug>/index.md`, or the stem of `<slug>.md`.
pub fn parse(path: &Path, src: &str, tz: Tz) -> Result<Parsed, PageError> {
    let split = front_matter::split(path, src)?;
    let fm = front_matter::parse(path, &split)?;
    if fm.draft == Some(true) {
        return Ok(Parsed::Draft);
    }
    let mut warnings = Vec::new();
    let (start, end) = dates(path, &split, &fm, tz, &mut warnings)?;
    let authors = fm.authors.clone().map(|a| a.into_vec()).unwrap_or_default();
    let title = match text(fm.title.clone()).or_else(|| text(fm.event.clone())) {
        Some(title) => title,
        None => {
            let line = split.yaml_line;
            warnings.push(Diagnostic::warning(
                path,
                line,
                "the page has no `title`; its file name stands in",
            ));
            id_of(path)
        }
    };
    let speakers: Vec<Speaker> = fm.speaker.iter().filter_map(seminar_speaker).collect();
    let abstract_ = text(fm.abstract_.clone());
    let frame = Frame {
        start: Some(start.at),
        end: end_instant(end),
        title: &title,
        authors: &authors,
        speakers: &speakers,
        abstract_: abstract_.as_deref(),
    };
    let agenda = agenda::read(split.body, split.body_line, &frame);
    warnings.extend(
        agenda
            .warnings
            .iter()
            .map(|(line, message)| Diagnostic::warning(path, *line, message.clone())),
    );
    let skipped = agenda
        .skipped
        .iter()
        .map(|(line, reason)| Diagnostic::note(path, *line, reason.clone()))
        .collect();
    let event = build(path, fm, title, start, end, authors, agenda);
    Ok(Parsed::Event {
        event: Box::new(event),
        warnings,
        skipped,
    })
}

/// `date` is required; `date_end` before it is doubtful, not fatal.
fn dates(
    path: &Path,
    split: &Split,
    fm: &FrontMatter,
    tz: Tz,
    warnings: &mut Vec<Diagnostic>,
) -> Result<(PageTime, Option<PageTime>), PageError> {
    let field_error = |key: &str, problem: String| {
        let line = front_matter::key_line(split, key);
        let key = key.to_string();
        PageError::new(path, line, PageErrorKind::Field { key, problem })
    };
    let Some(date) = text(fm.date.clone()) else {
        let line = front_matter::key_line(split, "date");
        return Err(PageError::new(path, line, PageErrorKind::MissingDate));
    };
    let start = front_matter::parse_time(&date, tz).map_err(|e| field_error("date", e))?;
    let end = match text(fm.date_end.clone()) {
        Some(value) => {
            Some(front_matter::parse_time(&value, tz).map_err(|e| field_error("date_end", e))?)
        }
        None => None,
    };
    let end = end.filter(|end| {
        let before = end.at < start.at;
        if before {
            let line = front_matter::key_line(split, "date_end");
            warnings.push(Diagnostic::warning(
                path,
                line,
                format!(
                    "`date_end` ({}) is before `date` ({}); the end is treated as unknown",
                    end.at.to_rfc3339(),
                    start.at.to_rfc3339()
                ),
            ));
        }
        !before
    });
    Ok((start, end))
}

fn build(
    path: &Path,
    fm: FrontMatter,
    title: String,
    start: PageTime,
    end: Option<PageTime>,
    authors: Vec<String>,
    agenda: agenda::Agenda,
) -> Event {
    let all_day = fm.all_day.unwrap_or(false) || (start.date_only && fm.all_day.is_none());
    let end = end_instant(end);
    let address = fm.address.unwrap_or_default();
    let items = agenda.items;
    let has_talks = items.iter().any(|item| matches!(item, AgendaItem::Talk(_)));
    let speakers = match (agenda.roster.is_empty(), has_talks) {
        (false, _) => agenda.roster,
        (true, false) => authors.iter().map(|name| agenda::speaker(name)).collect(),
        (true, true) => Vec::new(),
    };
    Event {
        id: id_of(path),
        file: path.to_path_buf(),
        title,
        start: start.at,
        end,
        all_day,
        summary: text(fm.summary).map(|s| Rich::from_lines(&s.lines().collect::<Vec<_>>())),
        description: text(fm.abstract_).map(|s| Rich::from_lines(&s.lines().collect::<Vec<_>>())),
        venue: Venue {
            location: text(fm.location).map(|l| Rich::inline(&l)),
            street: text(address.street),
            city: text(address.city),
            region: text(address.region),
            postcode: text(address.postcode),
            country: text(address.country),
        },
        links: Links {
            register: text(fm.event_url),
            slides: text(fm.url_slides),
            video: text(fm.url_video),
            pdf: text(fm.url_pdf),
            code: text(fm.url_code),
        },
        authors,
        speakers,
        tags: fm.tags.map(|t| t.into_vec()).unwrap_or_default(),
        cancelled: fm.cancelled.unwrap_or(false),
        agenda: items,
        languages: Languages::of_page(path),
    }
}

/// A bare end date of an all-day event includes that whole day.
fn end_instant(end: Option<PageTime>) -> Option<Instant> {
    end.map(|end| match end.date_only {
        true => end.at + Duration::days(1),
        false => end.at,
    })
}

/// A seminar page's `speaker:` map: the one speaker of its one talk.
fn seminar_speaker(speaker: &front_matter::SeminarSpeaker) -> Option<Speaker> {
    Some(Speaker {
        name: text(speaker.name.clone())?,
        company: text(speaker.institution.clone()),
        ..Speaker::default()
    })
}

/// The slug: `<slug>/index.md` → folder name, `<slug>.md` → file stem,
/// without a language suffix (`index.en.md`, `<slug>.zh.md`).
pub fn id_of(path: &Path) -> String {
    let stem = path
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or_default();
    let stem = translation::split_lang(stem).0;
    let is_bundle = matches!(stem, "index" | "_index");
    let named = match is_bundle {
        true => path
            .parent()
            .and_then(|p| p.file_name())
            .and_then(|s| s.to_str()),
        false => Some(stem),
    };
    named.unwrap_or(stem).to_string()
}

/// Every event below a folder, and everything worth telling about the pages.
#[derive(Debug, Clone, Default)]
pub struct Loaded {
    /// Sorted by start.
    pub events: Vec<Event>,
    /// Errors (pages skipped) and warnings (pages served), in file order.
    pub diagnostics: Vec<Diagnostic>,
}

impl Loaded {
    pub fn errors(&self) -> impl Iterator<Item = &Diagnostic> {
        self.diagnostics
            .iter()
            .filter(|d| d.severity == super::Severity::Error)
    }
}

/// Loads `<slug>/index.md` and `<slug>.md` pages anywhere below `dir`.
/// Pages are read and parsed on every core: a community's whole history
/// loads at start and on every reload. `lang` is the site's default
/// language, that of pages without a language suffix.
pub fn load_dir(dir: &Path, tz: Tz, lang: Lang) -> Loaded {
    let mut loaded = Loaded::default();
    let pages = match pages(dir) {
        Ok(pages) => pages,
        Err(error) => {
            let kind = PageErrorKind::Io(format!("cannot read the events folder: {error}"));
            loaded
                .diagnostics
                .push(PageError::new(dir, 0, kind).diagnostic());
            return loaded;
        }
    };
    for parsed in parse_all(&pages, tz) {
        match parsed {
            Ok(Parsed::Event {
                event, warnings, ..
            }) => {
                loaded.diagnostics.extend(warnings);
                loaded.events.push(*event);
            }
            Ok(Parsed::Draft) => {}
            Err(error) => loaded.diagnostics.push(error.diagnostic()),
        }
    }
    loaded.events = translation::group(
        std::mem::take(&mut loaded.events),
        lang,
        &mut loaded.diagnostics,
    );
    loaded.diagnostics.extend(duplicate_ids(&loaded.events));
    loaded
        .events
        .sort_by(|a, b| a.start.cmp(&b.start).then_with(|| a.id.cmp(&b.id)));
    loaded
}

/// Reads and parses pages in parallel chunks, keeping the pages' order.
fn parse_all(pages: &[PathBuf], tz: Tz) -> Vec<Result<Parsed, PageError>> {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let chunk = pages.len().div_ceil(threads).max(1);
    std::thread::scope(|scope| {
        let workers: Vec<_> = pages
            .chunks(chunk)
            .map(|chunk| {
                scope.spawn(move || {
                    chunk
                        .iter()
                        .map(|path| read_and_parse(path, tz))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|worker| worker.join().expect("read_and_parse catches panics"))
            .collect()
    })
}

/// A page that trips a bug in herald is reported like a broken page, so the
/// other pages (and the bot) keep going.
fn read_and_parse(path: &Path, tz: Tz) -> Result<Parsed, PageError> {
    let src = std::fs::read_to_string(path)
        .map_err(|e| PageError::new(path, 0, PageErrorKind::Io(e.to_string())))?;
    std::panic::catch_unwind(|| parse(path, &src, tz))
        .unwrap_or_else(|_| Err(PageError::new(path, 1, PageErrorKind::Bug)))
}

/// Two pages with one slug: both serve, but `/agenda <slug>` can only mean one.
fn duplicate_ids(events: &[Event]) -> Vec<Diagnostic> {
    let mut first: HashMap<&str, &Path> = HashMap::with_capacity(events.len());
    let mut out = Vec::new();
    for event in events {
        match first.get(event.id.as_str()) {
            Some(file) => {
                let message = format!(
                    "the id `{}` is also used by {}; `/agenda {}` finds only one of them",
                    event.id,
                    file.display(),
                    event.id
                );
                out.push(Diagnostic::warning(&event.file, 1, message));
            }
            None => {
                first.insert(&event.id, &event.file);
            }
        }
    }
    out
}

/// Page files below `dir`, sorted, skipping hidden folders and `_index.md`
/// (or `_index.en.md`) section pages (which list events, they are not one).
fn pages(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(folder) = stack.pop() {
        for entry in std::fs::read_dir(&folder)? {
            let path = entry?.path();
            let name = path
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or_default();
            if name.starts_with('.') {
                continue;
            }
            if path.is_dir() {
                stack.push(path);
            } else if name.ends_with(".md")
                && !translation::is_section(name)
                && !name.eq_ignore_ascii_case("README.md")
            {
                out.push(path);
            }
        }
    }
    out.sort();
    Ok(out)
}
