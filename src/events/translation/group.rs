//! Folding the pages of one event in several languages into one [`Event`].

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::{aligned, split_lang, Translation};
use crate::events::diagnostic::Diagnostic;
use crate::events::front_matter;
use crate::events::model::Event;
use crate::lang::Lang;

/// Every language herald answers in, for telling which one an unsuffixed
/// page must be when its sibling already holds the default.
const LANGS: [Lang; 2] = [Lang::Zh, Lang::En];

/// Pages that are one event in several languages (same folder and slug,
/// `index.md`/`<slug>.md` with or without a language suffix) become one
/// event: the page in `default` (the site's language) gives the facts and
/// its own text, the others their text. What the pages disagree on is
/// warned about, with the translation's file and line.
pub(in crate::events) fn group(
    events: Vec<Event>,
    default: Lang,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<Event> {
    let mut bundles: BTreeMap<PathBuf, Vec<Event>> = BTreeMap::new();
    for event in events {
        bundles
            .entry(slug_path(&event.file))
            .or_default()
            .push(event);
    }
    bundles
        .into_values()
        .map(|pages| match pages.len() {
            1 => pages.into_iter().next().expect("one page"),
            _ => one_event(pages, default, diagnostics),
        })
        .collect()
}

/// Where an event lives, whatever its language: `talks/rust/index.en.md`
/// and `talks/rust/index.md` are both `talks/rust/index`. `talks/rust.md`
/// is `talks/rust`: a second page with that slug, not a translation.
fn slug_path(file: &Path) -> PathBuf {
    let stem = file
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or_default();
    let folder = file.parent().unwrap_or(Path::new(""));
    folder.join(split_lang(stem).0)
}

/// A page and the language it is in.
struct Page {
    event: Event,
    lang: Lang,
    /// No suffix in its file name: the site's default language page.
    unsuffixed: bool,
}

fn one_event(pages: Vec<Event>, default: Lang, diagnostics: &mut Vec<Diagnostic>) -> Event {
    let mut pages = languages(pages, default, diagnostics);
    let primary = pages
        .iter()
        .position(|p| p.lang == default && p.unsuffixed)
        .or_else(|| pages.iter().position(|p| p.lang == default))
        .or_else(|| pages.iter().position(|p| p.unsuffixed))
        .unwrap_or(0);
    let Page {
        event: mut primary,
        lang,
        unsuffixed,
    } = pages.remove(primary);
    primary.languages.own = (lang != default || !unsuffixed).then_some(lang);
    for page in pages {
        let file = page.event.file.clone();
        let taken = page.lang == lang
            || primary
                .languages
                .translations
                .iter()
                .any(|t| t.lang == page.lang);
        if taken {
            let message = format!(
                "this page is also the {} version of `{}`, as {} is; only that one is served",
                page.lang,
                primary.id,
                served(&primary, page.lang).display()
            );
            diagnostics.push(Diagnostic::warning(&file, 1, message));
            continue;
        }
        if page.event.start != primary.start {
            let message = format!(
                "`date` ({}) differs from {} ({}), the {lang} page this one translates; \
                 the event keeps {}",
                moment(page.event.start),
                primary.file.display(),
                moment(primary.start),
                moment(primary.start)
            );
            diagnostics.push(Diagnostic::warning(&file, date_line(&file), message));
        }
        if !aligned(&page.event, &primary) {
            let message = format!(
                "this page's programme does not match {} talk for talk; \
                 members reading {} get that page's programme",
                primary.file.display(),
                page.lang
            );
            diagnostics.push(Diagnostic::warning(&file, 1, message));
        }
        let translation = Translation::of(page.lang, page.event);
        primary.languages.translations.push(translation);
    }
    primary
}

/// Each page's language: its suffix, else the site's default, unless a
/// sibling is already in the default, in which case the unsuffixed page
/// must be the other language (a site whose real default is not the one
/// in `bot.toml`).
fn languages(pages: Vec<Event>, default: Lang, diagnostics: &mut Vec<Diagnostic>) -> Vec<Page> {
    let suffixed: Vec<Lang> = pages.iter().filter_map(|p| p.languages.own).collect();
    pages
        .into_iter()
        .map(|event| {
            if let Some(lang) = event.languages.own {
                return Page {
                    event,
                    lang,
                    unsuffixed: false,
                };
            }
            let free = |lang: &Lang| !suffixed.contains(lang);
            let lang = match free(&default) {
                true => default,
                false => LANGS.into_iter().find(free).unwrap_or(default),
            };
            if lang != default {
                let message = format!(
                    "a page with no language suffix is in the site's language ({default}, \
                     `language` in bot.toml), but a {default} page of `{}` is beside it; \
                     this one is read as {lang}",
                    event.id
                );
                diagnostics.push(Diagnostic::warning(&event.file, 1, message));
            }
            Page {
                event,
                lang,
                unsuffixed: true,
            }
        })
        .collect()
}

/// The file that serves `lang` for the event.
fn served(event: &Event, lang: Lang) -> &Path {
    match event.languages.get(lang) {
        Some(translation) => &translation.file,
        None => &event.file,
    }
}

/// The line of a page's `date`, for a warning about it. The page is read
/// again, on `load_dir`'s behalf and only for this rare warning, since an
/// event keeps no front-matter lines.
fn date_line(file: &Path) -> usize {
    // Bounded like the first read: the file may have changed since.
    let Ok(src) = crate::events::input::read(file) else {
        return 1;
    };
    match front_matter::split(file, &src) {
        Ok(split) => front_matter::parse(file, &split)
            .ok()
            .and_then(|map| map.get("date").map(|entry| entry.line))
            .unwrap_or(split.text_line),
        Err(_) => 1,
    }
}

fn moment(start: Option<crate::events::Instant>) -> String {
    start.map_or_else(|| "no date".to_string(), |at| at.to_rfc3339())
}
