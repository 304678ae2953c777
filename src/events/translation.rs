//! Hugo's translations: `index.zh.md` + `index.en.md` in one bundle, or
//! `post.md` + `post.en.md` side by side, are one event written in two
//! languages. Loading folds them into one [`Event`] (one id, so one set of
//! reminders and one exactly-once memory); this module holds the other
//! languages' text and shows the event in the language a member reads.
//!
//! Only what is worded differently is kept per language. The facts members
//! act on (start, end, cancelled, links) exist once, on the event, read from
//! the site's default-language page, so two languages can never disagree
//! about when an event is.

use std::borrow::Cow;
use std::path::{Path, PathBuf};

use super::model::{AgendaItem, Event, Speaker, Talk, Venue};
use super::rich::Rich;
use crate::lang::Lang;

mod group;
#[cfg(test)]
mod tests;

pub(super) use group::group;

/// The languages an event is written in.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Languages {
    /// The language of the event's own text, where its file name says it
    /// (`index.en.md`) or its translations imply it; `None` for a page in
    /// the site's default language (`language` in `bot.toml`).
    own: Option<Lang>,
    /// The other languages' pages, at most one per language and never the
    /// event's own: only [`group`] adds to it.
    translations: Vec<Translation>,
}

/// One event's text as another language's page words it. Shown only
/// through [`Event::in_lang`] and [`Event::pages`], which put it together
/// with the event's facts.
#[derive(Debug, Clone, PartialEq)]
struct Translation {
    lang: Lang,
    file: PathBuf,
    title: String,
    summary: Option<Rich>,
    description: Option<Rich>,
    venue: Venue,
    speakers: Vec<Speaker>,
    agenda: Vec<AgendaItem>,
}

impl Languages {
    /// A page read alone: in the language its file name gives, if any.
    pub fn of_page(path: &Path) -> Languages {
        Languages {
            own: page_lang(path),
            translations: Vec::new(),
        }
    }

    fn get(&self, lang: Lang) -> Option<&Translation> {
        self.translations.iter().find(|t| t.lang == lang)
    }
}

impl Translation {
    /// Takes the worded parts of a page read on its own.
    fn of(lang: Lang, event: Event) -> Translation {
        Translation {
            lang,
            file: event.file,
            title: event.title,
            summary: event.summary,
            description: event.description,
            venue: event.venue,
            speakers: event.speakers,
            agenda: event.agenda,
        }
    }
}

/// Whether two pages of an event have the same programme, talk for talk, so
/// that talk `n` of one is talk `n` of the other (which talk reminders name).
fn aligned(page: &Event, event: &Event) -> bool {
    page.talks().count() == event.talks().count()
}

impl Event {
    /// The event as a member reading `lang` sees it: that language's page
    /// where there is one, else the event as it is. A field the translation
    /// leaves out keeps the event's own text, and a translated programme
    /// that does not match the event's talk for talk gives way to the
    /// event's, so a talk reminder always names the talk it is about.
    pub fn in_lang(&self, lang: Lang) -> Cow<'_, Event> {
        let Some(translation) = self.languages.get(lang) else {
            return Cow::Borrowed(self);
        };
        let mut shown = self.page(translation);
        shown.summary = shown.summary.or_else(|| self.summary.clone());
        shown.description = shown.description.or_else(|| self.description.clone());
        let venue = &mut shown.venue;
        let own = &self.venue;
        venue.location = venue.location.take().or_else(|| own.location.clone());
        for (field, own) in [
            (&mut venue.street, &own.street),
            (&mut venue.city, &own.city),
            (&mut venue.region, &own.region),
            (&mut venue.postcode, &own.postcode),
            (&mut venue.country, &own.country),
        ] {
            *field = field.take().or_else(|| own.clone());
        }
        if !aligned(&shown, self) {
            shown.agenda = self.agenda.clone();
            shown.speakers = self.speakers.clone();
        }
        Cow::Owned(shown)
    }

    /// The title a member reading `lang` sees, without the rest of
    /// [`Event::in_lang`]: for lists and buttons.
    pub fn title_in(&self, lang: Lang) -> &str {
        self.languages.get(lang).map_or(&self.title, |t| &t.title)
    }

    /// One of this event's talks as a member reading `lang` sees it: the
    /// same talk in [`Event::in_lang`]'s programme, which matches the
    /// event's talk for talk.
    pub fn talk_in<'a>(&self, talk: &'a Talk, lang: Lang) -> Cow<'a, Talk> {
        let index = self.talks().position(|own| std::ptr::eq(own, talk));
        let shown = match (self.in_lang(lang), index) {
            (Cow::Owned(shown), Some(index)) => shown.talks().nth(index).cloned(),
            _ => None,
        };
        shown.map_or(Cow::Borrowed(talk), Cow::Owned)
    }

    /// One of this event's speakers (in `talk`, or on its speakers list
    /// when `None`) as the page in `lang` words them, bio and all: the one
    /// in the same place in [`Event::in_lang`]'s programme. `None` where
    /// that page has no such place.
    pub fn speaker_in(
        &self,
        talk: Option<&Talk>,
        speaker: &Speaker,
        lang: Lang,
    ) -> Option<Speaker> {
        let Cow::Owned(shown) = self.in_lang(lang) else {
            return None;
        };
        let (own, theirs) = match talk {
            Some(talk) => {
                let index = self.talks().position(|own| std::ptr::eq(own, talk))?;
                (&talk.speakers, &shown.talks().nth(index)?.speakers)
            }
            None => (&self.speakers, &shown.speakers),
        };
        let at = own.iter().position(|own| std::ptr::eq(own, speaker))?;
        (own.len() == theirs.len()).then(|| theirs[at].clone())
    }

    /// The event as members reading each of its other languages see it
    /// ([`Event::in_lang`]), for searching its words in every language.
    pub fn translated(&self) -> impl Iterator<Item = Event> + '_ {
        let langs = self.languages.translations.iter().map(|t| t.lang);
        langs.map(|lang| self.in_lang(lang).into_owned())
    }

    /// The event's title in each of its languages, its own first: what
    /// `/agenda <words>` looks through.
    pub fn titles(&self) -> impl Iterator<Item = &str> {
        let translated = self.languages.translations.iter().map(|t| t.title.as_str());
        std::iter::once(self.title.as_str()).chain(translated)
    }

    /// Every page of the event as that page reads, the event's own first,
    /// each with its language (`None`: the site's default): what `herald
    /// export` and `herald check` show file by file.
    pub fn pages(&self) -> impl Iterator<Item = (Option<Lang>, Cow<'_, Event>)> {
        let own = std::iter::once((self.languages.own, Cow::Borrowed(self)));
        let translated = self
            .languages
            .translations
            .iter()
            .map(|t| (Some(t.lang), Cow::Owned(self.page(t))));
        own.chain(translated)
    }

    /// The event with one translation's text in place of its own.
    fn page(&self, translation: &Translation) -> Event {
        Event {
            file: translation.file.clone(),
            title: translation.title.clone(),
            summary: translation.summary.clone(),
            description: translation.description.clone(),
            venue: translation.venue.clone(),
            speakers: translation.speakers.clone(),
            agenda: translation.agenda.clone(),
            languages: Languages {
                own: Some(translation.lang),
                translations: Vec::new(),
            },
            ..self.clone()
        }
    }
}

/// `index.en` → (`index`, English); `post.zh-cn` → (`post`, Chinese). A dot
/// followed by anything else (`v1.2`, `rust.conf`) is part of the name.
pub fn split_lang(stem: &str) -> (&str, Option<Lang>) {
    match stem.rsplit_once('.') {
        Some((name, code)) if !name.is_empty() => match lang_code(code) {
            Some(lang) => (name, Some(lang)),
            None => (stem, None),
        },
        _ => (stem, None),
    }
}

/// The language a page's file name is in, if it says.
fn page_lang(path: &Path) -> Option<Lang> {
    let stem = path.file_stem()?.to_str()?;
    split_lang(stem).1
}

/// A Hugo language code herald answers in: `zh`, `en`, with a region or
/// script (`zh-cn`, `zh-Hans`, `en_US`), or the `cn` some sites use.
fn lang_code(code: &str) -> Option<Lang> {
    let code = code.to_ascii_lowercase();
    let (primary, subtag) = match code.split_once(['-', '_']) {
        Some((primary, subtag)) => (primary, Some(subtag)),
        None => (code.as_str(), None),
    };
    let subtag_ok = subtag.is_none_or(|tag| {
        (2..=8).contains(&tag.len()) && tag.chars().all(|c| c.is_ascii_alphanumeric())
    });
    match primary {
        "zh" | "cn" if subtag_ok => Some(Lang::Zh),
        "en" if subtag_ok => Some(Lang::En),
        _ => None,
    }
}

/// `_index.md`, `_index.en.md`: a section's list page, in any language.
pub fn is_section(file_name: &str) -> bool {
    let stem = file_name.strip_suffix(".md").unwrap_or(file_name);
    split_lang(stem).0 == "_index"
}
