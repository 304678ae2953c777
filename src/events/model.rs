//! What herald understood of an event page. Everything downstream (commands,
//! rendering, the scheduler, the JSON export) reads these types only, never
//! markdown or YAML, so the page formats can grow without touching them.

use std::path::PathBuf;

use chrono::{DateTime, FixedOffset};

use super::poster::Poster;
use super::rich::Rich;
use super::translation::Languages;

/// A point in time as the organizer wrote it: the offset is kept so that a
/// talk time like `14:00` stays on the event's own wall clock.
pub type Instant = DateTime<FixedOffset>;

#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    /// The slug: folder name for `<slug>/index.md`, file stem for `<slug>.md`.
    pub id: String,
    pub file: PathBuf,
    pub title: String,
    /// `None` for an undated event: it is found by `/speaker` and `/talk`
    /// and listed after the dated ones, but never scheduled.
    pub start: Option<Instant>,
    /// `None` where the page gives no end, or an end before the start.
    pub end: Option<Instant>,
    pub all_day: bool,
    pub summary: Option<Rich>,
    pub description: Option<Rich>,
    pub venue: Venue,
    pub links: Links,
    pub authors: Vec<String>,
    /// People of the event outside any one talk: a speakers list on the page
    /// (with bios where given), else the `authors` of a page with no agenda,
    /// so `/speaker` still finds them.
    pub speakers: Vec<Speaker>,
    pub tags: Vec<String>,
    /// herald's own front-matter key: the event will not take place.
    pub cancelled: bool,
    pub agenda: Vec<AgendaItem>,
    /// The language of the text above, and the event's other languages'
    /// pages (Hugo translations), read into this one event.
    pub languages: Languages,
    /// The page bundle's poster, as the loader found it on disk.
    pub poster: Option<Poster>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Venue {
    /// `location`: a room or place name, possibly with a link.
    pub location: Option<Rich>,
    pub street: Option<String>,
    pub city: Option<String>,
    pub region: Option<String>,
    pub postcode: Option<String>,
    pub country: Option<String>,
}

impl Venue {
    /// The venue's name, then its address, as far as the page gives them.
    pub fn parts(&self) -> impl Iterator<Item = String> + '_ {
        let address = [
            &self.street,
            &self.city,
            &self.region,
            &self.postcode,
            &self.country,
        ];
        let name = self.location.iter().map(|location| location.plain());
        name.chain(address.into_iter().flatten().cloned())
    }
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Links {
    /// `event_url`: where members register.
    pub register: Option<String>,
    pub slides: Option<String>,
    pub video: Option<String>,
    pub pdf: Option<String>,
    pub code: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum AgendaItem {
    Talk(Talk),
    Break(Break),
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Talk {
    pub title: Rich,
    pub speakers: Vec<Speaker>,
    pub slot: Option<Slot>,
    pub abstract_: Option<Rich>,
    pub takeaways: Option<Rich>,
    /// A recording of this talk alone (the corpus links list items to videos).
    pub video: Option<String>,
    /// Where the talk starts in its page, for messages about it.
    pub line: usize,
}

/// A programme item that is not a talk: coffee, lunch, a group photo,
/// registration, a session opening. Kept so the agenda reads as the day runs.
#[derive(Debug, Clone, PartialEq)]
pub struct Break {
    pub title: String,
    pub slot: Option<Slot>,
    pub line: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Slot {
    pub start: Instant,
    pub end: Option<Instant>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Speaker {
    pub name: String,
    /// A nickname written in parentheses (`赵新（于雨）`): shown and searched,
    /// but never mistaken for a company.
    pub alias: Option<String>,
    pub company: Option<String>,
    pub bio: Option<Rich>,
}

impl Event {
    pub fn talks(&self) -> impl Iterator<Item = &Talk> {
        self.agenda.iter().filter_map(|item| match item {
            AgendaItem::Talk(talk) => Some(talk),
            AgendaItem::Break(_) => None,
        })
    }

    /// Dated events by start, then undated ones; ties by id.
    pub fn chronological(a: &Event, b: &Event) -> std::cmp::Ordering {
        let key = |e: &Event| (e.start.is_none(), e.start);
        key(a).cmp(&key(b)).then_with(|| a.id.cmp(&b.id))
    }

    /// The end used for "is it over yet": the given end, else the last known
    /// talk end, else the start; `None` for an undated event.
    pub fn effective_end(&self) -> Option<Instant> {
        let start = self.start?;
        let end = self.end.or_else(|| {
            self.agenda
                .iter()
                .filter_map(|item| item.slot())
                .filter_map(|slot| slot.end.or(Some(slot.start)))
                .max()
        });
        Some(end.unwrap_or(start).max(start))
    }
}

impl AgendaItem {
    pub(crate) fn clear_slot(&mut self) {
        match self {
            AgendaItem::Talk(talk) => talk.slot = None,
            AgendaItem::Break(pause) => pause.slot = None,
        }
    }

    pub fn slot(&self) -> Option<Slot> {
        match self {
            AgendaItem::Talk(talk) => talk.slot,
            AgendaItem::Break(pause) => pause.slot,
        }
    }
}
