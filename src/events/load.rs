//! Pages in, events out. [`parse`] is pure and holds every decision;
//! [`load_dir`] is the only code that reads the disk, and one bad page never
//! stops the others.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use chrono::Duration;
use chrono_tz::Tz;
use url::Url;

use super::agenda::{self, Frame};
use super::compact::Compact;
use super::diagnostic::{Diagnostic, PageError, PageErrorKind};
use super::front_matter::{self, FrontMatter, PageTime};
use super::input;
use super::model::Links;
use super::model::{AgendaItem, Event, Instant, Venue};
use super::poster;
use super::rich::{self, Rich};
use super::translation::{self, Languages};
use crate::lang::Lang;

mod walk;

pub use walk::{folder, FolderError};

/// What every page of one site shares, from `bot.toml`.
#[derive(Debug, Clone, PartialEq)]
pub struct Site {
    /// The zone of times written without an offset.
    pub tz: Tz,
    /// The site's default language: that of pages without a language suffix.
    pub lang: Lang,
    /// `site_url`, the Hugo site's `baseURL`: relative links on the pages
    /// point into it. Without it they are shown as text.
    pub url: Option<Url>,
}

impl Site {
    pub fn new(tz: Tz, lang: Lang) -> Site {
        Site {
            tz,
            lang,
            url: None,
        }
    }
}

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
        /// The poster the front matter names (`image.filename`), by its
        /// line: the loader looks for it beside the page.
        image: Option<(usize, String)>,
    },
    /// `draft: true`: not published, so not served.
    Draft,
}

/// Reads one page. `path` names the page in messages and gives its id: the
/// folder of `<slug>/index.md`, or the stem of `<slug>.md`. Relative links
/// on it stay text; [`parse_at`] resolves them.
pub fn parse(path: &Path, src: &str, tz: Tz) -> Result<Parsed, PageError> {
    parse_at(path, src, tz, None)
}

/// [`parse`] for a page whose address on the site is known ([`page_url`]):
/// relative links on it are made absolute against it, here, so what is
/// served is shown without knowing the site.
pub fn parse_at(
    path: &Path,
    src: &str,
    tz: Tz,
    address: Option<&Url>,
) -> Result<Parsed, PageError> {
    rich::with_base(address, || parse_page(path, src, tz, address))
}

fn parse_page(path: &Path, src: &str, tz: Tz, address: Option<&Url>) -> Result<Parsed, PageError> {
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
    let image = fm.image.clone();
    let mut event = build(path, fm, title, start.map(|start| start.time), agenda);
    if let Some(address) = address {
        resolve_links(&mut event.links, address);
    }
    event.compact();
    Ok(Parsed::Event {
        event: Box::new(event),
        date_key,
        warnings,
        skipped,
        image,
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
        poster: None,
    }
}

/// Front-matter links (`event_url: /register/`) made absolute; one that
/// cannot be is left as written, and rendering shows no link for it.
fn resolve_links(links: &mut Links, address: &Url) {
    let Links {
        register,
        slides,
        video,
        pdf,
        code,
    } = links;
    for link in [register, slides, video, pdf, code].into_iter().flatten() {
        if let Some(url) = rich::resolve_url(link, Some(address)) {
            *link = url;
        }
    }
}

/// The page's address on the site, as Hugo serves it: `site` then the
/// events folder's name (Hugo's section: `content/event/`), the folders
/// below it and the slug, in lower case, with a closing slash. So
/// `content/event/2021/meetup/index.md` is `<site>event/2021/meetup/`, and a
/// link to `slides.pdf` in it is the bundle's file.
pub fn page_url(site: &Url, dir: &Path, file: &Path) -> Option<Url> {
    let below = file.strip_prefix(dir).ok()?;
    let section = match dir.file_name() {
        Some(name) => PathBuf::from(name),
        None => PathBuf::from(std::fs::canonicalize(dir).ok()?.file_name()?),
    };
    let folders = below.parent().unwrap_or(Path::new(""));
    let mut parts: Vec<String> = section
        .iter()
        .chain(folders.iter())
        .map(|part| part.to_string_lossy().to_lowercase())
        .collect();
    let stem = file.file_stem()?.to_str()?;
    let stem = translation::split_lang(stem).0;
    if stem != "index" {
        parts.push(stem.to_lowercase());
    }
    let mut url = site.clone();
    url.path_segments_mut()
        .ok()?
        .pop_if_empty()
        .extend(parts.iter().filter(|p| !p.is_empty()))
        .push("");
    Some(url)
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
    /// Sorted by start; never two with one id (compared ignoring case).
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

    /// Files (or folders) with an error: pages that could not be served.
    pub fn broken(&self) -> usize {
        self.errors()
            .map(|d| d.file.as_path())
            .collect::<HashSet<_>>()
            .len()
    }
}

/// The file each id was served from, by the id in lower case: the page that
/// had a slug first keeps it across reloads, even when a page that sorts
/// before it appears.
pub type Served = HashMap<String, PathBuf>;

/// Loads `<slug>/index.md` and `<slug>.md` pages anywhere below `dir` (see
/// [`walk`] for which files are read). Pages are read and parsed on every
/// core: a community's whole history loads at start and on every reload.
/// Two pages with one slug: the first in path order serves.
pub fn load_dir(dir: &Path, site: &Site) -> Result<Loaded, FolderError> {
    load_dir_serving(dir, site, &Served::new())
}

/// [`load_dir`] for a library that serves already: an id in `served` stays
/// with its file while that page (or its folder) is still there.
pub fn load_dir_serving(dir: &Path, site: &Site, served: &Served) -> Result<Loaded, FolderError> {
    let found = walk::pages(dir)?;
    let mut loaded = Loaded {
        diagnostics: found.diagnostics,
        ..Loaded::default()
    };
    let addresses: Vec<Option<Url>> = found
        .pages
        .iter()
        .map(|file| site.url.as_ref().and_then(|url| page_url(url, dir, file)))
        .collect();
    for parsed in parse_all(&found.pages, &addresses, site.tz) {
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
        site.lang,
        &mut loaded.diagnostics,
    );
    loaded.events = one_per_id(
        std::mem::take(&mut loaded.events),
        served,
        &mut loaded.diagnostics,
    );
    loaded.events.sort_by(Event::chronological);
    Ok(loaded)
}

/// Reads and parses pages in parallel chunks, keeping the pages' order.
fn parse_all(
    pages: &[PathBuf],
    addresses: &[Option<Url>],
    tz: Tz,
) -> Vec<Result<Parsed, PageError>> {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let chunk = pages.len().div_ceil(threads).max(1);
    std::thread::scope(|scope| {
        let workers: Vec<_> = pages
            .chunks(chunk)
            .zip(addresses.chunks(chunk))
            .map(|(chunk, addresses)| {
                scope.spawn(move || {
                    chunk
                        .iter()
                        .zip(addresses)
                        .map(|(path, address)| read_and_parse(path, tz, address.as_ref()))
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
/// One page named on its own (`herald explain`): read only if it is a
/// regular file, under the same cap as the folder's pages, so a FIFO or a
/// device named by mistake cannot hang or flood the command.
pub fn read_page(path: &Path, tz: Tz) -> Result<Parsed, PageError> {
    let meta = std::fs::metadata(path)
        .map_err(|e| PageError::new(path, 0, PageErrorKind::Io(e.to_string())))?;
    if meta.is_dir() {
        // Most likely the events folder itself, given for one of its pages.
        return Err(PageError::new(path, 0, PageErrorKind::Folder));
    }
    if !meta.is_file() {
        let kind = PageErrorKind::Io("not a regular file".to_string());
        return Err(PageError::new(path, 0, kind));
    }
    read_and_parse(path, tz, None)
}

fn read_and_parse(path: &Path, tz: Tz, address: Option<&Url>) -> Result<Parsed, PageError> {
    let src = input::read(path)?;
    let mut parsed = std::panic::catch_unwind(|| parse_at(path, &src, tz, address))
        .unwrap_or_else(|_| Err(PageError::new(path, 1, PageErrorKind::Bug)))?;
    if let Parsed::Event {
        event,
        warnings,
        image,
        ..
    } = &mut parsed
    {
        let (line, named) = image.as_ref().map_or((1, None), |(l, n)| (*l, Some(n)));
        match poster::find(path, named.map(String::as_str)) {
            Ok(found) => event.poster = found,
            Err(refused) => warnings.push(Diagnostic::warning(path, line, refused.to_string())),
        }
    }
    Ok(parsed)
}

/// The slug is the key everywhere (commands, reminders, what was sent), so
/// only one event may have it. Which one: the page that served it before,
/// while it is there or broken (its last good version stays in service),
/// else the first in path order. The others are errors naming both files.
/// Public for the scheduler's simulation, which serves pages without a
/// folder.
pub fn one_per_id(
    mut events: Vec<Event>,
    served: &Served,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<Event> {
    events.sort_by(|a, b| a.file.cmp(&b.file));
    let broken: Vec<PathBuf> = diagnostics
        .iter()
        .filter(|d| d.severity == super::Severity::Error)
        .map(|d| d.file.clone())
        .collect();
    let mut by_id: HashMap<String, Vec<usize>> = HashMap::with_capacity(events.len());
    for (at, event) in events.iter().enumerate() {
        by_id.entry(id_key(&event.id)).or_default().push(at);
    }
    let mut rejected = vec![false; events.len()];
    let mut duplicates = Vec::new();
    for (key, pages) in &by_id {
        let served = served.get(key);
        let holder: &Path = match served {
            Some(file) if broken.iter().any(|b| file.starts_with(b)) => {
                for &at in pages {
                    rejected[at] = true;
                    // A translation of the broken page, standing alone
                    // while it is: already in that page's last good version.
                    if !same_page(&events[at].file, file) {
                        duplicates.push(duplicate(&events[at], file));
                    }
                }
                continue;
            }
            _ => {
                let incumbent = served.and_then(|file| {
                    pages
                        .iter()
                        .copied()
                        .find(|&at| same_page(&events[at].file, file))
                });
                &events[incumbent.unwrap_or(pages[0])].file
            }
        };
        for &at in pages {
            if events[at].file != holder {
                rejected[at] = true;
                duplicates.push(duplicate(&events[at], holder));
            }
        }
    }
    duplicates.sort_by(|a: &Diagnostic, b: &Diagnostic| a.file.cmp(&b.file));
    diagnostics.extend(duplicates);
    let mut rejected = rejected.into_iter();
    events.retain(|_| !rejected.next().unwrap_or(false));
    events
}

/// Ids are compared as `/agenda` finds them: ignoring case.
pub fn id_key(id: &str) -> String {
    id.to_lowercase()
}

/// Two files of one page, perhaps in different languages (`index.md` and
/// `index.en.md`, `post.md` and `post.en.md`): the same folder.
fn same_page(a: &Path, b: &Path) -> bool {
    a.parent() == b.parent()
}

fn duplicate(event: &Event, holder: &Path) -> Diagnostic {
    let message = format!(
        "the id `{}` is already that of {}, which is served; this page is not served \
         until one of them is renamed (the id keys its commands and reminders)",
        event.id,
        holder.display()
    );
    Diagnostic {
        severity: super::Severity::Error,
        file: event.file.clone(),
        line: 1,
        column: None,
        message,
    }
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
    fn a_folder_named_as_a_page_is_told_to_name_a_page() {
        let dir = tempfile::tempdir().unwrap();
        let events = dir.path().join("events");
        std::fs::create_dir(&events).unwrap();
        let error = read_page(&events, tz()).unwrap_err();
        assert_eq!(
            error.to_string(),
            format!(
                "{}:0: error: this is a folder, not a page: name one page in it \
                 (`<slug>/index.md` or `<slug>.md`); `herald check` reads the whole folder",
                events.display()
            )
        );
        let missing = dir.path().join("nope.md");
        assert_eq!(
            read_page(&missing, tz()).unwrap_err().to_string(),
            format!(
                "{}:0: error: the file cannot be read: No such file or directory (os error 2)",
                missing.display()
            ),
            "the file and the OS's reason, once"
        );
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
        let loaded = load_dir(dir.path(), &Site::new(tz(), Lang::Zh)).unwrap();
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
        let loaded = load_dir(dir.path(), &Site::new(tz(), Lang::Zh)).unwrap();
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

    /// Found by the issue's attack (and the kind of input the fuzz target
    /// makes): links nested 10,000 deep in a talk's label value, in a
    /// heading, a list and a table. Read on a test thread's small stack.
    #[test]
    fn deeply_nested_links_do_not_overflow_the_stack() {
        let nested = format!("{}a{}", "[".repeat(10_000), "](u)".repeat(10_000));
        let src = format!(
            "---\ntitle: x\ndate: 2030-01-01T14:00:00+08:00\n---\n\n## 议程\n\n### 14:00 Talk {nested}\n\n讲师：{nested}\n\n- 15:00 {nested} — {nested}\n\n| 时间 | 主题 |\n|---|---|\n| 16:00 | {nested} |\n"
        );
        let (event, _, _) = page(&src);
        assert!(event.talks().count() >= 1, "{:?}", event.agenda);
    }
}
