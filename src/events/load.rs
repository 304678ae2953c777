//! Pages in, events out. [`parse`] is pure and holds every decision;
//! [`load_dir`] is the only code that reads the disk, and one bad page never
//! stops the others.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use chrono::Duration;
use chrono_tz::Tz;

use super::agenda::{self, Frame};
use super::diagnostic::{Diagnostic, PageError, PageErrorKind};
use super::front_matter::{self, FrontMatter, PageTime};
use super::input;
use super::model::{AgendaItem, Event, Instant, Venue};
use super::rich::Rich;
use super::translation::{self, Languages};
use crate::lang::Lang;

/// What one page holds.
#[derive(Debug, Clone, PartialEq)]
pub enum Parsed {
    Event {
        event: Box<Event>,
        /// The front-matter key the start was read from (`date`,
        /// `eventdates.from`), for `herald explain`; `None` when undated.
        date_key: Option<String>,
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
    input::check(path, src)?;
    let split = front_matter::split(path, src)?;
    let map = front_matter::parse(path, &split)?;
    let fm = front_matter::read(&map, tz);
    if fm.draft {
        return Ok(Parsed::Draft);
    }
    let mut warnings: Vec<Diagnostic> = fm
        .warnings
        .iter()
        .map(|(line, message)| Diagnostic::warning(path, *line, message.clone()))
        .collect();
    let start = fm.start.clone();
    if start.is_none() {
        warnings.push(Diagnostic::warning(
            path,
            split.text_line,
            "the page gives no date (no `date` or other date key); the event is listed as undated and never scheduled",
        ));
    }
    let title = match fm.title.clone().or_else(|| first_heading(split.body)) {
        Some(title) => title,
        None => {
            warnings.push(Diagnostic::warning(
                path,
                split.text_line,
                "the page has no `title` and no heading; its file name stands in",
            ));
            id_of(path)
        }
    };
    let frame = Frame {
        start: start.as_ref().map(|start| start.time.at),
        end: end_instant(fm.end),
        title: &title,
        authors: &fm.authors,
        speakers: &fm.speakers,
        abstract_: fm.abstract_.as_deref(),
        programme: &fm.programme,
        zone: tz,
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
    let date_key = start.as_ref().map(|start| start.key.clone());
    let event = build(path, fm, title, start.map(|start| start.time), agenda);
    Ok(Parsed::Event {
        event: Box::new(event),
        date_key,
        warnings,
        skipped,
    })
}

/// The text of the body's first ATX heading, outside code fences.
fn first_heading(body: &str) -> Option<String> {
    let mut fenced = false;
    for line in body.lines() {
        let line = line.trim_start();
        if line.starts_with("```") || line.starts_with("~~~") {
            fenced = !fenced;
        }
        let Some(rest) = line.strip_prefix('#').filter(|_| !fenced) else {
            continue;
        };
        let rest = rest.trim_start_matches('#');
        if !rest.starts_with([' ', '\t']) {
            continue;
        }
        let text = Rich::inline(rest.trim().trim_end_matches('#').trim()).plain();
        if !text.trim().is_empty() {
            return Some(text.trim().to_string());
        }
    }
    None
}

fn build(
    path: &Path,
    fm: FrontMatter,
    title: String,
    start: Option<PageTime>,
    agenda: agenda::Agenda,
) -> Event {
    let all_day = fm
        .all_day
        .unwrap_or(start.is_some_and(|start| start.date_only));
    let end = end_instant(fm.end);
    let items = agenda.items;
    let has_talks = items.iter().any(|item| matches!(item, AgendaItem::Talk(_)));
    let speakers = match (agenda.roster.is_empty(), has_talks) {
        (false, _) => agenda.roster,
        (true, false) => fm
            .authors
            .iter()
            .map(|name| agenda::speaker(name))
            .collect(),
        (true, true) => Vec::new(),
    };
    let rich = |text: String| Rich::from_lines(&text.lines().collect::<Vec<_>>());
    Event {
        id: id_of(path),
        file: path.to_path_buf(),
        title,
        start: start.map(|start| start.at),
        end,
        all_day,
        summary: fm.summary.map(rich),
        description: fm.abstract_.map(rich),
        venue: Venue {
            location: fm.location.map(|l| Rich::inline(&l)),
            street: fm.address.street,
            city: fm.address.city,
            region: fm.address.region,
            postcode: fm.address.postcode,
            country: fm.address.country,
        },
        links: fm.links,
        authors: fm.authors,
        speakers,
        tags: fm.tags,
        cancelled: fm.cancelled,
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
    loaded.events.sort_by(Event::chronological);
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
    let src = input::read(path)?;
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

#[cfg(test)]
mod tests {
    use super::*;

    fn tz() -> Tz {
        "Asia/Shanghai".parse().unwrap()
    }

    fn page(src: &str) -> (Event, Option<String>, Vec<String>) {
        match parse(Path::new("e.md"), src, tz()) {
            Ok(Parsed::Event {
                event,
                date_key,
                warnings,
                ..
            }) => (
                *event,
                date_key,
                warnings.iter().map(|w| w.to_string()).collect(),
            ),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_page_without_a_date_loads_undated_with_a_warning() {
        let (event, date_key, warnings) =
            page("---\ntitle: Rust 秋季\nspeaker: 吴明\n---\n\nTalk abstract.\n");
        assert_eq!((event.start, date_key), (None, None));
        assert!(!event.all_day);
        assert_eq!(
            warnings,
            ["e.md:2: warning: the page gives no date (no `date` or other date key); the event is listed as undated and never scheduled"]
        );
    }

    #[test]
    fn the_key_that_gave_the_start_is_kept() {
        let (event, date_key, _) =
            page("---\ntitle: x\ndate: 2024-03-06\neventdates:\n  from: 2024-04-15\n---\n");
        assert_eq!(date_key.as_deref(), Some("eventdates.from"));
        assert_eq!(
            event.start.unwrap().to_rfc3339(),
            "2024-04-15T00:00:00+08:00"
        );
        assert!(event.all_day, "a bare date is a whole day");
    }

    #[test]
    fn the_title_falls_back_to_the_first_heading_then_the_file_name() {
        let (event, _, warnings) = page(
            "---\ndate: 2024-03-19\n---\n\n```\n# not this\n```\n\n### Fearless FFI ###\n\ntext\n",
        );
        assert_eq!(event.title, "Fearless FFI");
        assert!(warnings.is_empty(), "{warnings:?}");
        let (event, _, warnings) = page("---\ndate: 2024-03-19\n---\n\ntext\n");
        assert_eq!(event.title, "e");
        assert_eq!(
            warnings,
            ["e.md:2: warning: the page has no `title` and no heading; its file name stands in"]
        );
    }

    #[test]
    fn front_matter_speakers_reach_the_event() {
        let (event, _, _) = page("+++\ntitle = \"ML-guided nanobody design\"\n[extra]\nauthor = \"Zelda Mariet\"\ninstitution = \"Google Brain\"\n+++\n\nAbstract.\n");
        let names: Vec<_> = event
            .talks()
            .flat_map(|t| t.speakers.iter())
            .chain(&event.speakers)
            .map(|s| (s.name.as_str(), s.company.as_deref()))
            .collect();
        assert!(
            names.contains(&("Zelda Mariet", Some("Google Brain"))),
            "{names:?}"
        );
    }

    #[test]
    fn list_pages_are_skipped() {
        let dir = tempfile::tempdir().unwrap();
        let page = "---\ntitle: x\ndate: 2024-01-01\n---\n";
        std::fs::write(dir.path().join("_index.md"), page).unwrap();
        std::fs::create_dir(dir.path().join("meetup")).unwrap();
        std::fs::write(dir.path().join("meetup/index.md"), page).unwrap();
        std::fs::write(dir.path().join("meetup/_index.md"), page).unwrap();
        let loaded = load_dir(dir.path(), tz(), crate::lang::Lang::Zh);
        let ids: Vec<_> = loaded.events.iter().map(|e| e.id.as_str()).collect();
        assert_eq!(ids, ["meetup"]);
        assert!(loaded.diagnostics.is_empty(), "{:?}", loaded.diagnostics);
    }

    #[test]
    fn bad_pages_are_each_reported_at_their_line_and_skipped() {
        let dir = tempfile::tempdir().unwrap();
        let write =
            |name: &str, bytes: &[u8]| std::fs::write(dir.path().join(name), bytes).unwrap();
        let head = "---\ntitle: x\ndate: 2024-01-01\n---\n";
        write("good.md", head.as_bytes());
        write(
            "huge.md",
            format!("{head}{}", "word ".repeat(10 << 20)).as_bytes(),
        );
        write(
            "line.md",
            format!("{head}{}\n", "y".repeat(1 << 20)).as_bytes(),
        );
        write(
            "flow.md",
            format!("---\ntitle: {}\n---\n", "[".repeat(10_000)).as_bytes(),
        );
        let deep: String = (0..2_000)
            .map(|i| format!("{}k{i}:\n", " ".repeat(i)))
            .collect();
        write("deep.md", format!("---\n{deep}---\n").as_bytes());
        write("nul.md", format!("{head}a\0b\n").as_bytes());
        write("latin1.md", b"---\ntitle: caf\xe9\n---\n");
        let loaded = load_dir(dir.path(), tz(), crate::lang::Lang::Zh);
        let ids: Vec<_> = loaded.events.iter().map(|e| e.id.as_str()).collect();
        assert_eq!(ids, ["good"]);
        let errors: Vec<String> = loaded
            .errors()
            .map(|d| {
                let name = d.file.file_name().unwrap().to_string_lossy();
                format!("{name}:{}: {}", d.line, d.message)
            })
            .collect();
        let expect = [
            "deep.md:18: the front matter is not valid YAML: values are nested too deep",
            "flow.md:2: the front matter is not valid YAML",
            "huge.md:5: the page is 52428834 bytes; herald reads pages of up to 4194304 bytes",
            "latin1.md:2: the page is not UTF-8 (byte 0xe9)",
            "line.md:5: this line is 1048577 bytes long",
            "nul.md:5: the page contains a NUL byte",
        ];
        assert_eq!(errors.len(), expect.len(), "{errors:#?}");
        for (error, expect) in errors.iter().zip(expect) {
            assert!(
                error.starts_with(expect),
                "{error} should start with {expect}"
            );
        }
    }
}
