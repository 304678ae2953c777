//! Events as iCalendar (RFC 5545): the community feed (`GET /calendar.ics`,
//! `herald export --format ics`), a member's own feed
//! (`GET /calendar/<token>.ics`) and one event's `.ics` file (`/ics`).
//!
//! Pure, in two steps so a feed can be any list of entries (a member's
//! followed events and talks, one event for `/ics`): [`entries`] reads the
//! events into [`Entry`]s (and [`talks`] their timed talks), plain data
//! with a [`Entry::fingerprint`]; [`personal`] says which of them a
//! member's feed holds;
//! [`write`] turns entries and their [`Version`]s into the calendar text.
//! Versions are what calendar apps need to replace an entry they hold
//! (SEQUENCE and LAST-MODIFIED), so they must outlive a restart: [`revise`]
//! says how they move when the pages change, and the state file keeps them.
//!
//! Times go out in UTC (`…Z`), which every calendar reads the same way;
//! `X-WR-TIMEZONE` names the community's zone for apps that show it. A
//! page with its own offset (`+01:00`) keeps its instant the same way: a
//! fixed offset names no place, so there is no TZID to write that would
//! not be a guess (`Europe/Berlin` and `Africa/Lagos` share `+01:00` in
//! March and part in July); the description names the offset its agenda
//! times are on.
//! Escaping and line folding are the `icalendar` crate's.

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use chrono_tz::Tz;
use icalendar::{Calendar, Component, EventLike, EventStatus};
use serde::{Deserialize, Serialize};
use url::Url;

use crate::events::load::page_url;
use crate::events::{AgendaItem, Event, Speaker, Talk};
use crate::lang::Lang;
use crate::render;
use crate::schedule::facts::fnv;

/// How long an event whose page gives no end (and no timed talk that
/// ends) is taken to last.
pub const DEFAULT_LENGTH: Duration = Duration::hours(2);

/// The calendar's own product identifier.
const PRODID: &str = "-//herald//herald calendar//EN";

/// What every entry of a site shares, from `bot.toml`.
#[derive(Debug, Clone)]
pub struct Site {
    /// `timezone`: the clock talk times are shown on.
    pub tz: Tz,
    /// `site_url`: gives each event its page's address, and UIDs their host.
    pub url: Option<Url>,
    /// `events`: where the pages live, for their addresses on the site.
    pub events: PathBuf,
}

impl Site {
    pub fn of(config: &crate::config::Config) -> Site {
        Site {
            tz: config.timezone,
            url: config.site_url.clone(),
            events: config.events.clone(),
        }
    }

    /// The site's host: after `@` in UIDs (`herald` without one), which
    /// makes them unique across communities, and in the feed's name.
    pub fn host(&self) -> Option<&str> {
        self.url.as_ref().and_then(|url| url.host_str())
    }

    /// The feed's name in calendar apps.
    pub fn name(&self, lang: Lang) -> String {
        render::calendar_name(self.host(), lang)
    }

    /// A member's own feed's name in calendar apps.
    pub fn personal_name(&self, lang: Lang) -> String {
        render::personal_calendar_name(self.host(), lang)
    }

    fn uid(&self, id: &str) -> String {
        format!("{id}@{}", self.host().unwrap_or("herald"))
    }
}

/// One VEVENT, as plain data: what a calendar app shows of an event.
/// Stored as JSON in the state file, so a field added later needs a
/// `#[serde(default)]` for the entries stored before it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    /// The event's slug, or a talk's [`talk_id`]: the key of its
    /// [`Version`].
    pub id: String,
    /// `<id>@<host>`: the same for the life of the page.
    pub uid: String,
    pub summary: String,
    pub when: When,
    pub location: Option<String>,
    pub url: Option<String>,
    pub description: String,
    pub cancelled: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum When {
    /// `last` is the event's last day: the file says the day after, as
    /// iCalendar's end of an all-day event is exclusive.
    AllDay { first: NaiveDate, last: NaiveDate },
    Timed {
        start: DateTime<Utc>,
        end: DateTime<Utc>,
    },
}

/// How many times an entry changed, and when it last did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Version {
    /// SEQUENCE: 0 for the entry as first seen, one more per change.
    pub sequence: u32,
    /// LAST-MODIFIED (and DTSTAMP): when herald saw the change.
    pub modified: DateTime<Utc>,
}

impl Version {
    /// An entry no one has published before.
    pub fn first(at: DateTime<Utc>) -> Version {
        Version {
            sequence: 0,
            modified: at,
        }
    }
}

/// What the state file keeps per entry: the version, and the entry as last
/// published, so an event whose page goes stays in the feed as cancelled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stamp {
    pub entry: Entry,
    pub fingerprint: u64,
    pub version: Version,
}

impl Stamp {
    pub fn new(entry: Entry, version: Version) -> Stamp {
        Stamp {
            fingerprint: entry.fingerprint(),
            entry,
            version,
        }
    }
}

/// The entries of every dated event, in the order given. Undated events
/// have no place in a calendar and are left out.
pub fn entries(events: &[Event], site: &Site) -> Vec<Entry> {
    events
        .iter()
        .filter_map(|event| Entry::of(event, site))
        .collect()
}

impl Entry {
    /// `None` for an undated event.
    pub fn of(event: &Event, site: &Site) -> Option<Entry> {
        let start = event.start?;
        let end = event.effective_end().filter(|end| *end > start);
        let when = if event.all_day {
            // The page's own dates: its midnight moved to another zone
            // could fall on the day before.
            let first = start.date_naive();
            let last = end.map_or(first, |end| end.date_naive()).max(first);
            When::AllDay { first, last }
        } else {
            let start = start.with_timezone(&Utc);
            let end = end.map_or(start + DEFAULT_LENGTH, |end| end.with_timezone(&Utc));
            When::Timed { start, end }
        };
        let page = site
            .url
            .as_ref()
            .and_then(|url| page_url(url, &site.events, &event.file));
        Some(Entry {
            id: event.id.clone(),
            uid: site.uid(&event.id),
            summary: event.title.clone(),
            when,
            location: location(event),
            url: event
                .links
                .register
                .clone()
                .or_else(|| page.map(String::from)),
            description: description(event, site.tz),
            cancelled: event.cancelled,
        })
    }

    /// Talk `index` (of `event.agenda`) as its own entry, in the event's
    /// place: `None` for a talk with no time, which no calendar can place.
    /// A talk's slot with no end ends where the event would, by default
    /// length.
    fn of_talk(event: &Event, talk: &Talk, site: &Site) -> Option<Entry> {
        let slot = talk.slot?;
        let start = slot.start.with_timezone(&Utc);
        let end = slot
            .end
            .map(|end| end.with_timezone(&Utc))
            .filter(|end| *end > start)
            .unwrap_or(start + DEFAULT_LENGTH);
        let event_entry = Entry::of(event, site)?;
        let id = talk_id(event, talk);
        let mut lines: Vec<String> = Vec::new();
        if !talk.speakers.is_empty() {
            let names: Vec<String> = talk.speakers.iter().map(speaker).collect();
            lines.push(names.join(", "));
        }
        lines.push(event.title.clone());
        if let Some(abstract_) = &talk.abstract_ {
            lines.push(String::new());
            lines.push(abstract_.plain());
        }
        Some(Entry {
            uid: site.uid(&id),
            id,
            summary: talk.title.plain(),
            when: When::Timed { start, end },
            description: lines.join("\n"),
            ..event_entry
        })
    }

    /// Equal entries, equal fingerprints, in every build: what tells a
    /// change that calendar apps must hear of from a reload that changed
    /// nothing they show.
    pub fn fingerprint(&self) -> u64 {
        // Serializing plain data cannot fail.
        fnv(&serde_json::to_string(self).unwrap_or_default())
    }

    /// The entry of an event whose page is gone: herald tells the chats it
    /// is cancelled, and the feed says the same.
    fn withdrawn(&self) -> Entry {
        Entry {
            cancelled: true,
            ..self.clone()
        }
    }
}

/// Every timed talk of every dated event as its own entry, in the order
/// given: what a member's feed picks its talks from. One ledger of
/// versions for all, so a talk's SEQUENCE is the same in every feed that
/// holds it, and a member's feed keeps nothing of its own.
pub fn talks(events: &[Event], site: &Site) -> Vec<Entry> {
    events
        .iter()
        .flat_map(|event| {
            event.agenda.iter().filter_map(move |item| match item {
                AgendaItem::Talk(talk) => Entry::of_talk(event, talk, site),
                AgendaItem::Break(_) => None,
            })
        })
        .collect()
}

/// The entry id of a talk: `<slug>-talk-<talk id>`, with the talk id a
/// member follows it by (`events::ids`), so the entry survives talks added
/// before it, a move or a new speaker.
pub fn talk_id(event: &Event, talk: &Talk) -> String {
    format!(
        "{}-talk-{}",
        event.id,
        crate::events::ids::talk_id(&event.id, talk)
    )
}

/// What a member may follow, as their feed asks about it.
#[derive(Debug, Clone, Copy)]
pub enum Pick<'e> {
    Event(&'e Event),
    /// `index` is the talk's place in `event.agenda`.
    Talk {
        event: &'e Event,
        index: usize,
        talk: &'e Talk,
    },
}

/// The entries a member's feed holds, by id: each event and each talk
/// that `follows` says the member follows. Who follows what, by which ids,
/// is the caller's: this only asks.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Picked(HashSet<String>);

impl Picked {
    pub fn holds(&self, stamp: &Stamp) -> bool {
        self.0.contains(&stamp.entry.id)
    }
}

/// A member's feed: of `events`, what `follows` picks. Talks are picked
/// one by one (followed directly or through a speaker, as the caller
/// decides), apart from their event: following an event is not following
/// each of its talks.
pub fn personal(events: &[Event], follows: impl Fn(Pick<'_>) -> bool) -> Picked {
    let mut picked = HashSet::new();
    for event in events {
        if follows(Pick::Event(event)) {
            picked.insert(event.id.clone());
        }
        for (index, item) in event.agenda.iter().enumerate() {
            if let AgendaItem::Talk(talk) = item {
                if follows(Pick::Talk { event, index, talk }) {
                    picked.insert(talk_id(event, talk));
                }
            }
        }
    }
    Picked(picked)
}

/// Where: the venue's name, then its address.
fn location(event: &Event) -> Option<String> {
    let parts: Vec<String> = event
        .venue
        .parts()
        .map(|part| part.trim().to_string())
        .filter(|part| !part.is_empty())
        .collect();
    (!parts.is_empty()).then(|| parts.join(", "))
}

/// The summary, then the agenda a line per item: time, title, speakers.
fn description(event: &Event, tz: Tz) -> String {
    let mut lines = Vec::new();
    if let Some(summary) = &event.summary {
        lines.push(summary.plain());
    }
    let agenda: Vec<String> = event.agenda.iter().map(|item| line(item, tz)).collect();
    if !agenda.is_empty() {
        if !lines.is_empty() {
            lines.push(String::new());
        }
        // Agenda times are on the page's clock; a calendar app shows the
        // entry on the reader's, so the page's zone is named once.
        lines.extend(event.start.and_then(|start| render::page_zone(start, tz)));
        lines.extend(agenda);
    }
    lines.join("\n")
}

/// `13:30–14:15 Rust in production — Jane Doe (Ferrous)`
fn line(item: &AgendaItem, tz: Tz) -> String {
    let (title, speakers) = match item {
        AgendaItem::Talk(talk) => (talk.title.plain(), talk.speakers.as_slice()),
        AgendaItem::Break(pause) => (pause.title.clone(), &[][..]),
    };
    let mut line = match item.slot() {
        Some(slot) => format!("{} {title}", render::slot(&slot, tz)),
        None => title,
    };
    if !speakers.is_empty() {
        let names: Vec<String> = speakers.iter().map(speaker).collect();
        line.push_str(" — ");
        line.push_str(&names.join(", "));
    }
    line
}

fn speaker(speaker: &Speaker) -> String {
    match &speaker.company {
        Some(company) => format!("{} ({company})", speaker.name),
        None => speaker.name.clone(),
    }
}

/// The stamps after the pages said `now_entries` at `at`, from those the
/// state file held: an entry new or changed since gets a new version
/// (SEQUENCE one more), an entry whose page is gone is withdrawn as
/// cancelled (once), and the rest stay as they were. Returns every stamp,
/// current entries first, and which of them changed, for the state file.
///
/// A change is dated to the second after every change before it, at the
/// least: HTTP dates are to the second, so a feed's Last-Modified moves
/// with each change, and an app asking `If-Modified-Since` never misses
/// one made in the second it last looked.
pub fn revise(
    mut held: HashMap<String, Stamp>,
    now_entries: Vec<Entry>,
    at: DateTime<Utc>,
) -> (Vec<Stamp>, Vec<usize>) {
    let second = |at: DateTime<Utc>| DateTime::from_timestamp(at.timestamp(), 0).unwrap_or(at);
    let at = match last_modified(held.values()) {
        Some(last) => second(at).max(second(last) + Duration::seconds(1)),
        None => second(at),
    };
    let mut revised: Vec<(Stamp, bool)> = Vec::with_capacity(now_entries.len());
    for entry in now_entries {
        revised.push(match held.remove(&entry.id) {
            Some(old) if old.fingerprint == entry.fingerprint() => (old, false),
            Some(old) => (Stamp::new(entry, bumped(old.version, at)), true),
            None => (Stamp::new(entry, Version::first(at)), true),
        });
    }
    let mut gone: Vec<Stamp> = held.into_values().collect();
    gone.sort_by(|a, b| a.entry.id.cmp(&b.entry.id));
    revised.extend(gone.into_iter().map(|old| match old.entry.cancelled {
        true => (old, false),
        false => (
            Stamp::new(old.entry.withdrawn(), bumped(old.version, at)),
            true,
        ),
    }));
    let changed = revised
        .iter()
        .enumerate()
        .filter_map(|(index, (_, changed))| changed.then_some(index))
        .collect();
    (
        revised.into_iter().map(|(stamp, _)| stamp).collect(),
        changed,
    )
}

fn bumped(version: Version, at: DateTime<Utc>) -> Version {
    Version {
        sequence: version.sequence + 1,
        modified: at,
    }
}

/// The stamps of entries no feed has published: where there is no state
/// file (the console, an export before the bot ever ran).
pub fn unpublished(entries: Vec<Entry>, at: DateTime<Utc>) -> Vec<Stamp> {
    revise(HashMap::new(), entries, at).0
}

/// The calendar text of `stamps`, named `name`. Deterministic: the same
/// entries and versions give the same bytes, so a hash of the text is a
/// good ETag.
pub fn write<'s>(name: &str, tz: Tz, stamps: impl IntoIterator<Item = &'s Stamp>) -> String {
    let mut calendar = Calendar::empty();
    calendar
        .append_property(("VERSION", "2.0"))
        .append_property(("PRODID", PRODID))
        .append_property(("CALSCALE", "GREGORIAN"))
        .name(name)
        .timezone(tz.name());
    for stamp in stamps {
        calendar.push(vevent(&stamp.entry, stamp.version));
    }
    calendar.to_string()
}

fn vevent(entry: &Entry, version: Version) -> icalendar::Event {
    let mut vevent = icalendar::Event::with_uid(&entry.uid);
    vevent
        .summary(&entry.summary)
        .sequence(version.sequence)
        .last_modified(version.modified)
        // A published calendar's DTSTAMP is when the entry last changed,
        // not when the file was written: the bytes stay the same.
        .timestamp(version.modified)
        .status(match entry.cancelled {
            true => EventStatus::Cancelled,
            false => EventStatus::Confirmed,
        });
    match entry.when {
        When::AllDay { first, last } => {
            vevent.starts(first).ends(last + Duration::days(1));
        }
        When::Timed { start, end } => {
            vevent.starts(start).ends(end);
        }
    }
    if !entry.description.is_empty() {
        vevent.description(&entry.description);
    }
    if let Some(location) = &entry.location {
        vevent.location(location);
    }
    if let Some(url) = &entry.url {
        vevent.url(url);
    }
    vevent.done()
}

/// One event's file at a time, from a feed: what `/ics` and the 📅 button
/// send, with the feed's versions.
pub struct Files {
    name: String,
    tz: Tz,
    stamps: Vec<Stamp>,
}

impl Files {
    pub fn new(site: &Site, lang: Lang, stamps: Vec<Stamp>) -> Files {
        Files {
            name: site.name(lang),
            tz: site.tz,
            stamps,
        }
    }

    /// The file of event `id`: a calendar of that one entry.
    pub fn of(&self, id: &str) -> String {
        write(
            &self.name,
            self.tz,
            self.stamps.iter().filter(|s| s.entry.id == id),
        )
    }
}

/// The latest change among `stamps`: the feed's Last-Modified.
pub fn last_modified<'s>(stamps: impl IntoIterator<Item = &'s Stamp>) -> Option<DateTime<Utc>> {
    stamps.into_iter().map(|stamp| stamp.version.modified).max()
}

/// A strong ETag for a calendar's text.
pub fn etag(text: &str) -> String {
    format!("\"{:016x}\"", fnv(text))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::events::catalog::fixtures::*;

    const SHANGHAI: Tz = chrono_tz::Asia::Shanghai;

    fn site() -> Site {
        Site {
            tz: SHANGHAI,
            url: Some("https://meetup.example.org/".parse().unwrap()),
            events: PathBuf::from("events"),
        }
    }

    fn at(text: &str) -> DateTime<Utc> {
        text.parse().unwrap()
    }

    #[test]
    fn an_event_reads_as_a_calendar_entry() {
        let event = event("2021-09-rust", "Rust 北京 Meetup 九月", "2021-09-18 13:00")
            .ends("2021-09-18 18:00")
            .city("北京")
            .talk(
                talk("Rust in production")
                    .slot("2021-09-18 13:30", "2021-09-18 14:15")
                    .by(speaker_at("Jane Doe", "Ferrous")),
            )
            .build();
        let entry = Entry::of(&event, &site()).unwrap();
        assert_eq!(entry.uid, "2021-09-rust@meetup.example.org");
        assert_eq!(
            entry.when,
            When::Timed {
                start: at("2021-09-18T05:00:00Z"),
                end: at("2021-09-18T10:00:00Z"),
            }
        );
        assert_eq!(entry.location.as_deref(), Some("北京"));
        assert_eq!(
            entry.description,
            "13:30–14:15 Rust in production — Jane Doe (Ferrous)"
        );
    }

    #[test]
    fn an_event_without_an_end_lasts_the_default_and_an_undated_one_is_left_out() {
        let open = event("open", "Open end", "2021-09-18 19:00").build();
        let entry = Entry::of(&open, &site()).unwrap();
        assert_eq!(
            entry.when,
            When::Timed {
                start: at("2021-09-18T11:00:00Z"),
                end: at("2021-09-18T13:00:00Z"),
            }
        );
        let mut undated = open.clone();
        undated.start = None;
        assert_eq!(entries(&[undated, open], &site()).len(), 1);
    }

    #[test]
    fn versions_move_only_when_what_a_calendar_shows_changes() {
        let page = |title: &str| event("e", title, "2021-09-18 19:00").build();
        let first = at("2026-01-01T00:00:00Z");
        let (stamps, changed) = revise(HashMap::new(), entries(&[page("A")], &site()), first);
        assert_eq!(
            (stamps[0].version, changed),
            (Version::first(first), vec![0])
        );

        let held = |stamps: Vec<Stamp>| {
            stamps
                .into_iter()
                .map(|s| (s.entry.id.clone(), s))
                .collect::<HashMap<_, _>>()
        };
        let later = at("2026-01-02T00:00:00Z");
        let (same, changed) = revise(held(stamps.clone()), entries(&[page("A")], &site()), later);
        assert_eq!((same[0].version, changed.len()), (Version::first(first), 0));

        let (edited, changed) = revise(held(stamps), entries(&[page("B")], &site()), later);
        assert_eq!(edited[0].version.sequence, 1);
        assert_eq!(edited[0].version.modified, later);
        assert_eq!(changed, vec![0]);

        let gone_at = at("2026-01-03T00:00:00Z");
        let (gone, changed) = revise(held(edited.clone()), Vec::new(), gone_at);
        assert!(gone[0].entry.cancelled);
        assert_eq!((gone[0].version.sequence, changed), (2, vec![0]));
        let (still, changed) = revise(held(gone), Vec::new(), at("2026-01-04T00:00:00Z"));
        assert_eq!((still[0].version.sequence, changed.len()), (2, 0));
    }

    #[test]
    fn an_all_day_event_is_written_as_dates_ending_the_day_after() {
        let mut day = event("fest", "Rust Fest", "2021-09-18 00:00")
            .ends("2021-09-19 00:00")
            .build();
        day.all_day = true;
        let stamps = unpublished(entries(&[day], &site()), at("2026-01-01T00:00:00Z"));
        let text = write("Rust", SHANGHAI, &stamps);
        assert!(text.contains("DTSTART;VALUE=DATE:20210918\r\n"), "{text}");
        assert!(text.contains("DTEND;VALUE=DATE:20210920\r\n"), "{text}");
    }

    /// A meetup with a timed talk, a break and a talk with no time.
    fn meetup(talk_title: &str) -> Event {
        event("2021-09-rust", "Rust 北京 Meetup 九月", "2021-09-18 13:00")
            .ends("2021-09-18 18:00")
            .city("北京")
            .talk(
                talk(talk_title)
                    .slot("2021-09-18 13:30", "2021-09-18 14:15")
                    .by(speaker_at("Jane Doe", "Ferrous"))
                    .abstract_("Lessons from two years."),
            )
            .talk(talk("Lightning talks").by(crate::events::catalog::fixtures::speaker("周强")))
            .build()
    }

    #[test]
    fn a_timed_talk_is_its_own_entry_and_an_untimed_one_has_none() {
        let talks = talks(&[meetup("Rust in production")], &site());
        assert_eq!(talks.len(), 1, "{talks:?}");
        let entry = &talks[0];
        let id = format!(
            "2021-09-rust-talk-{}",
            crate::events::ids::talk_id_of("2021-09-rust", "Rust in production")
        );
        assert_eq!(entry.id, id);
        assert_eq!(entry.uid, format!("{id}@meetup.example.org"));
        assert_eq!(entry.summary, "Rust in production");
        assert_eq!(
            entry.when,
            When::Timed {
                start: at("2021-09-18T05:30:00Z"),
                end: at("2021-09-18T06:15:00Z"),
            }
        );
        assert_eq!(entry.location.as_deref(), Some("北京"));
        assert_eq!(
            entry.description,
            "Jane Doe (Ferrous)\nRust 北京 Meetup 九月\n\nLessons from two years."
        );
    }

    #[test]
    fn a_member_feed_holds_what_they_follow_and_nothing_else() {
        let events = [
            meetup("Rust in production"),
            event("other", "Other", "2021-10-01 19:00").build(),
        ];
        let site = site();
        let at = at("2026-01-01T00:00:00Z");
        let mut stamps = unpublished(entries(&events, &site), at);
        stamps.extend(unpublished(talks(&events, &site), at));
        let ids = |picked: &Picked| -> Vec<String> {
            stamps
                .iter()
                .filter(|s| picked.holds(s))
                .map(|s| s.entry.id.clone())
                .collect()
        };
        let talk_only = personal(
            &events,
            |pick| matches!(pick, Pick::Talk { talk, .. } if talk.speakers[0].name == "Jane Doe"),
        );
        let talk = crate::events::ids::talk_id_of("2021-09-rust", "Rust in production");
        assert_eq!(ids(&talk_only), [format!("2021-09-rust-talk-{talk}")]);
        let event_only = personal(
            &events,
            |pick| matches!(pick, Pick::Event(event) if event.id == "other"),
        );
        assert_eq!(ids(&event_only), ["other"]);
        let untimed = personal(&events, |pick| matches!(pick, Pick::Talk { index: 1, .. }));
        assert_eq!(ids(&untimed), Vec::<String>::new(), "no time, no entry");
    }

    #[test]
    fn a_retitled_talk_is_a_new_entry_and_the_old_one_is_cancelled() {
        let site = site();
        let first = at("2026-01-01T00:00:00Z");
        let (stamps, _) = revise(
            HashMap::new(),
            talks(&[meetup("Rust in production")], &site),
            first,
        );
        let held: HashMap<_, _> = stamps
            .into_iter()
            .map(|s| (s.entry.id.clone(), s))
            .collect();
        let later = at("2026-01-02T00:00:00Z");
        let (edited, _) = revise(held, talks(&[meetup("Rust at scale")], &site), later);
        let seen: Vec<(&str, bool, u32)> = edited
            .iter()
            .map(|s| {
                (
                    s.entry.summary.as_str(),
                    s.entry.cancelled,
                    s.version.sequence,
                )
            })
            .collect();
        // The talk id comes from its title: a new title is a new talk, which
        // followers of the old one hear of as its cancellation.
        assert_eq!(
            seen,
            [("Rust at scale", false, 0), ("Rust in production", true, 1)]
        );
        let text = write("Mine", SHANGHAI, &edited);
        assert!(text.contains("SUMMARY:Rust at scale\r\n"), "{text}");
        assert!(text.contains("STATUS:CANCELLED\r\n"), "{text}");
    }

    #[test]
    fn each_change_moves_the_date_on_by_a_second_at_least() {
        let page = |title: &str| entries(&[event("e", title, "2021-09-18 19:00").build()], &site());
        let held = |stamps: Vec<Stamp>| {
            stamps
                .into_iter()
                .map(|s| (s.entry.id.clone(), s))
                .collect::<HashMap<_, _>>()
        };
        let (first, _) = revise(HashMap::new(), page("A"), at("2026-01-01T00:00:00.200Z"));
        assert_eq!(first[0].version.modified, at("2026-01-01T00:00:00Z"));
        let (next, _) = revise(held(first), page("B"), at("2026-01-01T00:00:00.700Z"));
        assert_eq!(next[0].version.modified, at("2026-01-01T00:00:01Z"));
    }
}
