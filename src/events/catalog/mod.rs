//! All events, and the questions members ask about them: what is next, what
//! was there, who spoke about what. Answers are data, never text, so the
//! same lookup serves every language and adapter.

use std::cmp::Ordering;
use std::collections::HashMap;

use chrono::{DateTime, Days, Utc};

use super::model::{AgendaItem, Event, Instant, Speaker, Talk};

mod talks;
mod words;

use talks::Talks;
use words::{key, Words};

/// Events sorted by start, the order every list and number is based on.
///
/// `/speaker` and `/talk` look through every talk ever given, so what they
/// search is worked out once here rather than on each question: a catalog
/// never changes once built (a reload builds a new one).
#[derive(Debug, Clone, Default)]
pub struct Catalog {
    events: Vec<Event>,
    people: People,
    talks: Talks,
}

/// What `/agenda <words>` can resolve to.
#[derive(Debug, PartialEq)]
pub enum Lookup<'a> {
    Found(&'a Event),
    /// Several titles hold the words, newest first: the member picks one.
    Several(Vec<&'a Event>),
    NotFound,
}

/// One time a speaker appeared: at a talk, or on an event's speakers list
/// when the page names no talk for them.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Appearance<'a> {
    pub event: &'a Event,
    pub speaker: &'a Speaker,
    pub talk: Option<&'a Talk>,
}

/// A talk together with the event it was given at.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TalkAt<'a> {
    pub event: &'a Event,
    pub talk: &'a Talk,
}

#[derive(Debug, PartialEq)]
pub enum SpeakerSearch<'a> {
    /// One person: their appearances newest first, and who they are, each
    /// detail taken from the newest entry that gives it.
    Found {
        speaker: Speaker,
        appearances: Vec<Appearance<'a>>,
    },
    /// Distinct people matched; their names as most recently written.
    Several(Vec<&'a str>),
    /// Nobody matched; the closest names, best first (possibly none).
    NotFound { suggestions: Vec<&'a str> },
}

/// How many names a "did you mean" offers.
const MAX_SUGGESTIONS: usize = 5;

impl Catalog {
    pub fn new(mut events: Vec<Event>) -> Self {
        events.sort_by(Event::chronological);
        Catalog {
            people: People::new(&events),
            talks: Talks::new(&events),
            events,
        }
    }

    /// All events, oldest first.
    pub fn events(&self) -> &[Event] {
        &self.events
    }

    /// Events not over yet (including cancelled ones, which the list marks),
    /// soonest first. Position `i` here is number `i + 1` in `/events`.
    pub fn upcoming(&self, now: DateTime<Utc>) -> Vec<&Event> {
        self.events.iter().filter(|e| !is_over(e, now)).collect()
    }

    /// Events that are over, newest first.
    pub fn past(&self, now: DateTime<Utc>) -> Vec<&Event> {
        self.events
            .iter()
            .rev()
            .filter(|e| is_over(e, now))
            .collect()
    }

    /// The event members can still go to: happening now or the soonest to
    /// come; an undated event is not one they can plan for.
    pub fn next(&self, now: DateTime<Utc>) -> Option<&Event> {
        self.upcoming(now)
            .into_iter()
            .find(|e| !e.cancelled && e.start.is_some())
    }

    /// The most recent event that took place.
    pub fn last(&self, now: DateTime<Utc>) -> Option<&Event> {
        self.past(now).into_iter().find(|e| !e.cancelled)
    }

    pub fn by_slug(&self, slug: &str) -> Option<&Event> {
        self.events.iter().find(|e| e.id.eq_ignore_ascii_case(slug))
    }

    /// The one event whose slug starts with `prefix`, for slugs that had to
    /// be cut short to fit in a button.
    pub fn by_slug_prefix(&self, prefix: &str) -> Option<&Event> {
        let mut matches = self.events.iter().filter(|e| e.id.starts_with(prefix));
        let first = matches.next()?;
        matches.next().is_none().then_some(first)
    }

    /// `n`-th (1-based) entry of the `/events` list.
    pub fn by_number(&self, n: usize, now: DateTime<Utc>) -> Option<&Event> {
        self.upcoming(now).get(n.checked_sub(1)?).copied()
    }

    /// An event named by slug, by number in `/events`, or by words of its
    /// title (in any of its languages), tried in that order so a slug never
    /// loses to a title.
    pub fn find(&self, query: &str, now: DateTime<Utc>) -> Lookup<'_> {
        let query = query.trim();
        if let Some(event) = self.by_slug(query) {
            return Lookup::Found(event);
        }
        // A number beyond the list may still be a title word: a year, say.
        let number = query.trim_start_matches('#').parse().ok();
        if let Some(event) = number.and_then(|n| self.by_number(n, now)) {
            return Lookup::Found(event);
        }
        let words = Words::new(query);
        if words.is_empty() {
            return Lookup::NotFound;
        }
        let mut found: Vec<&Event> = self
            .events
            .iter()
            .rev()
            .filter(|e| e.titles().any(|title| words.all_in(&key(title))))
            .collect();
        match found.len() {
            0 => Lookup::NotFound,
            1 => Lookup::Found(found.remove(0)),
            _ => Lookup::Several(found),
        }
    }

    /// Speakers whose name or alias holds `query`, ignoring case and spaces
    /// (`周 强` finds `周强`, `jane doe` finds `Jane Doe`).
    pub fn search_speakers(&self, query: &str) -> SpeakerSearch<'_> {
        let query_key = key(query);
        if query_key.is_empty() {
            return SpeakerSearch::NotFound {
                suggestions: Vec::new(),
            };
        }
        let words = Words::new(query);
        // An exact name wins over longer names that merely contain it.
        let matched: Vec<&Person> = match self.people.named(&query_key) {
            Some(person) => vec![person],
            None => self.people.holding(&words).collect(),
        };
        match matched.as_slice() {
            [] => SpeakerSearch::NotFound {
                suggestions: self.people.closest(&query_key, &self.events),
            },
            [person] => SpeakerSearch::Found {
                speaker: person.profile(&self.events),
                appearances: person
                    .appearances
                    .iter()
                    .map(|at| at.appearance(&self.events))
                    .collect(),
            },
            several => {
                SpeakerSearch::Several(several.iter().map(|p| p.name(&self.events)).collect())
            }
        }
    }

    /// Talks whose title, abstract or event tags hold every word, newest first.
    pub fn search_talks(&self, query: &str) -> Vec<TalkAt<'_>> {
        let words = Words::new(query);
        if words.is_empty() {
            return Vec::new();
        }
        // A talk's own words outrank its event's tags: `/talk chaos mesh`
        // finds the Chaos Mesh talk, not every talk of an event tagged
        // `ChaosMesh`. Tags still find talks when nothing else does.
        let own = self.talks.holding(&words, false, &self.events);
        if own.is_empty() {
            self.talks.holding(&words, true, &self.events)
        } else {
            own
        }
    }
}

/// An event is over once its effective end has passed; an all-day event
/// lasts until the end of its last day, since its times are only dates. An
/// undated event is never over: it is still to come, after the dated ones.
fn is_over(event: &Event, now: DateTime<Utc>) -> bool {
    over_at(event).is_some_and(|over| now >= over)
}

fn over_at(event: &Event) -> Option<Instant> {
    let end = event.effective_end()?;
    if !event.all_day {
        return Some(end);
    }
    let next_day = end.date_naive().checked_add_days(Days::new(1));
    let midnight = next_day
        .and_then(|day| day.and_hms_opt(0, 0, 0))
        .and_then(|midnight| midnight.and_local_timezone(*end.offset()).single());
    Some(midnight.unwrap_or(end))
}

/// Events newest first with their place in the catalog, the order in which
/// both indexes are built so that their results come out newest first.
fn newest_first(events: &[Event]) -> impl Iterator<Item = (usize, &Event)> {
    events.iter().enumerate().rev()
}

/// An event's talks with their place in its agenda.
fn talks_at(event: &Event) -> impl Iterator<Item = (usize, &Talk)> {
    event
        .agenda
        .iter()
        .enumerate()
        .filter_map(|(at, item)| match item {
            AgendaItem::Talk(talk) => Some((at, talk)),
            AgendaItem::Break(_) => None,
        })
}

/// The talk at `at` in an event's agenda, as found by [`talks_at`].
fn talk_in(event: &Event, at: usize) -> &Talk {
    match &event.agenda[at] {
        AgendaItem::Talk(talk) => talk,
        AgendaItem::Break(_) => unreachable!("indexes only point at talks"),
    }
}

/// Where one speaker entry is written: in a talk or on an event's speakers
/// list. Positions rather than references, as the catalog owns the events.
#[derive(Debug, Clone, Copy)]
struct EntryAt {
    event: usize,
    /// The talk's place in the agenda; `None` for the event's speakers list.
    talk: Option<usize>,
    speaker: usize,
}

impl EntryAt {
    /// The entry as the appearance it stands for.
    fn appearance(self, events: &[Event]) -> Appearance<'_> {
        let event = &events[self.event];
        let talk = self.talk.map(|at| talk_in(event, at));
        let speakers = talk.map_or(&event.speakers, |talk| &talk.speakers);
        Appearance {
            event,
            speaker: &speakers[self.speaker],
            talk,
        }
    }

    fn speaker(self, events: &[Event]) -> &Speaker {
        self.appearance(events).speaker
    }
}

/// One speaker entry of an event while the people are gathered.
struct Entry {
    at: EntryAt,
    /// The [`key`] of the name, which tells people apart.
    id: String,
}

/// Every speaker entry of an event: each talk's speakers, then the event's
/// own speakers list.
fn entries(event_at: usize, event: &Event) -> Vec<Entry> {
    let in_talks = talks_at(event).flat_map(|(talk_at, talk)| {
        talk.speakers
            .iter()
            .enumerate()
            .map(move |(speaker, entry)| (Some(talk_at), entry, speaker))
    });
    let listed = event
        .speakers
        .iter()
        .enumerate()
        .map(|(speaker, entry)| (None, entry, speaker));
    in_talks
        .chain(listed)
        .map(|(talk, entry, speaker)| Entry {
            at: EntryAt {
                event: event_at,
                talk,
                speaker,
            },
            id: key(&entry.name),
        })
        .collect()
}

/// The appearances among an event's entries: every talk per speaker, then
/// speakers of the event's own list who have no talk on the page.
fn appearances(entries: &[Entry]) -> Vec<&Entry> {
    let mut found: Vec<&Entry> = Vec::new();
    for entry in entries {
        if entry.at.talk.is_some() || !found.iter().any(|a| a.id == entry.id) {
            found.push(entry);
        }
    }
    found
}

/// Everyone who spoke, newest appearance first, one entry per person.
#[derive(Debug, Clone, Default)]
struct People {
    list: Vec<Person>,
    /// The first person in `list` going by each name or alias key.
    by_name: HashMap<String, usize>,
}

impl People {
    fn new(events: &[Event]) -> Self {
        let mut gathering = Gathering::default();
        for (event_at, event) in newest_first(events) {
            let entries = entries(event_at, event);
            for entry in appearances(&entries) {
                gathering.person(&entry.id).appearances.push(entry.at);
            }
            for entry in &entries {
                gathering.person(&entry.id).entries.push(entry.at);
            }
        }
        let list: Vec<Person> = gathering
            .people
            .into_iter()
            .map(|person| person.spelled(events))
            .collect();
        let mut by_name = HashMap::new();
        for (at, person) in list.iter().enumerate() {
            for name in &person.names {
                by_name.entry(name.clone()).or_insert(at);
            }
        }
        People { list, by_name }
    }

    /// The person going by exactly this name key.
    fn named(&self, name_key: &str) -> Option<&Person> {
        self.by_name.get(name_key).map(|&at| &self.list[at])
    }

    /// People with a name or alias holding every word.
    fn holding<'p>(&'p self, words: &'p Words) -> impl Iterator<Item = &'p Person> + 'p {
        self.list
            .iter()
            .filter(|p| p.names.iter().any(|n| words.all_in(n)))
    }

    /// Names within a few typos of the query: whole names (CJK names are a
    /// single word) and single words of Latin names (a family name alone).
    fn closest<'a>(&self, query: &str, events: &'a [Event]) -> Vec<&'a str> {
        let query = Spelling::new(query.to_string());
        let tolerance = tolerance(&query.key);
        let mut scored: Vec<(usize, &str)> = self
            .list
            .iter()
            .filter_map(|person| {
                let distance = person
                    .spellings
                    .iter()
                    .filter(|spelling| spelling.bag_distance(&query) <= tolerance)
                    .map(|spelling| distance(&query.key, &spelling.key))
                    .min()?;
                (distance <= tolerance).then_some((distance, person.name(events)))
            })
            .collect();
        scored.sort();
        scored
            .into_iter()
            .take(MAX_SUGGESTIONS)
            .map(|(_, name)| name)
            .collect()
    }
}

/// People as they are found, event by event, before their names are known.
#[derive(Default)]
struct Gathering {
    people: Vec<Person>,
    by_id: HashMap<String, usize>,
}

impl Gathering {
    fn person(&mut self, id: &str) -> &mut Person {
        let at = match self.by_id.get(id) {
            Some(&at) => at,
            None => {
                self.people.push(Person::default());
                self.by_id.insert(id.to_string(), self.people.len() - 1);
                self.people.len() - 1
            }
        };
        &mut self.people[at]
    }
}

/// One person across events, identified by their name's [`key`].
#[derive(Debug, Clone, Default)]
struct Person {
    /// Newest first; never empty once built.
    appearances: Vec<EntryAt>,
    /// Every entry naming them, newest first: an event's speakers list may
    /// carry the bio or alias a talk leaves out.
    entries: Vec<EntryAt>,
    /// Keys of every name and alias they go by, for matching a query.
    names: Vec<String>,
    /// Names and their single words, for suggesting them.
    spellings: Vec<Spelling>,
}

impl Person {
    /// The person with the names of their entries worked out.
    fn spelled(mut self, events: &[Event]) -> Self {
        // People mostly write their name the same way every time.
        let mut written: Vec<&str> = Vec::new();
        for name in self.speakers(events).flat_map(names_of) {
            push_new(&mut written, name);
        }
        for name in written {
            push_new(&mut self.names, key(name));
            for spelling in std::iter::once(name).chain(name.split_whitespace()) {
                push_new(&mut self.spellings, Spelling::new(key(spelling)));
            }
        }
        // Kept for as long as the catalog serves: no slack from the pushes.
        for list in [&mut self.appearances, &mut self.entries] {
            list.shrink_to_fit();
        }
        self.names.shrink_to_fit();
        self.spellings.shrink_to_fit();
        self
    }

    fn speakers<'s, 'a: 's>(
        &'s self,
        events: &'a [Event],
    ) -> impl Iterator<Item = &'a Speaker> + 's {
        self.entries.iter().map(|at| at.speaker(events))
    }

    fn name<'a>(&self, events: &'a [Event]) -> &'a str {
        &self.entries[0].speaker(events).name
    }

    /// Pages often give a company, alias or bio only once, and a talk's
    /// entry may be bare where the event's speakers list is not.
    fn profile(&self, events: &[Event]) -> Speaker {
        Speaker {
            name: self.name(events).to_string(),
            alias: self.newest(events, |s| s.alias.as_ref()),
            company: self.newest(events, |s| s.company.as_ref()),
            bio: self.newest(events, |s| s.bio.as_ref()),
        }
    }

    fn newest<'a, T: Clone + 'a>(
        &self,
        events: &'a [Event],
        field: impl Fn(&'a Speaker) -> Option<&'a T>,
    ) -> Option<T> {
        self.speakers(events).find_map(field).cloned()
    }
}

/// A speaker entry's name and alias.
fn names_of(speaker: &Speaker) -> impl Iterator<Item = &str> {
    std::iter::once(speaker.name.as_str()).chain(speaker.alias.as_deref())
}

/// Adds `item` unless already there: the lists it keeps are a few long.
fn push_new<T: PartialEq>(items: &mut Vec<T>, item: T) {
    if !items.contains(&item) {
        items.push(item);
    }
}

/// A name key as suggestions compare it.
#[derive(Debug, Clone, PartialEq)]
struct Spelling {
    key: String,
    /// The characters sorted, to bound the edit distance cheaply.
    sorted: Vec<char>,
}

impl Spelling {
    fn new(key: String) -> Self {
        let mut sorted: Vec<char> = key.chars().collect();
        sorted.sort_unstable();
        Spelling { key, sorted }
    }

    /// Characters one spelling has beyond the other, whichever has more: no
    /// more than the edit distance, since an edit changes the characters by
    /// at most one and a swap not at all. Most names share too few
    /// characters with the query to be worth aligning.
    fn bag_distance(&self, other: &Spelling) -> usize {
        let (a, b) = (&self.sorted, &other.sorted);
        let (mut i, mut j, mut shared) = (0, 0, 0);
        while i < a.len() && j < b.len() {
            match a[i].cmp(&b[j]) {
                Ordering::Less => i += 1,
                Ordering::Greater => j += 1,
                Ordering::Equal => {
                    shared += 1;
                    i += 1;
                    j += 1;
                }
            }
        }
        self.sorted.len().max(other.sorted.len()) - shared
    }
}

/// Edits allowed before a name stops looking like the query: one for short
/// (CJK) names, about one in three characters for longer ones.
fn tolerance(query: &str) -> usize {
    (query.chars().count() / 3).max(1)
}

/// Optimal string alignment distance over characters: Levenshtein plus
/// swapping two neighbours, the most common typo (`Jnae`, `强周`).
fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut rows = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in rows.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in rows[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (rows[i - 1][j] + 1)
                .min(rows[i][j - 1] + 1)
                .min(rows[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(rows[i - 2][j - 2] + 1);
            }
            rows[i][j] = best;
        }
    }
    rows[a.len()][b.len()]
}

/// Small hand-made events for tests across the crate: times are written as
/// `"2021-04-17 13:00"` on Beijing's clock (+08:00).
#[cfg(test)]
pub(crate) mod fixtures {
    use chrono::{DateTime, FixedOffset, NaiveDateTime, TimeZone, Utc};

    use crate::events::{AgendaItem, Break, Event, Instant, Rich, Slot, Speaker, Talk};

    pub(crate) fn at(text: &str) -> Instant {
        let naive = NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M").expect("fixture time");
        FixedOffset::east_opt(8 * 3600)
            .expect("offset")
            .from_local_datetime(&naive)
            .unwrap()
    }

    pub(crate) fn utc(text: &str) -> DateTime<Utc> {
        at(text).with_timezone(&Utc)
    }

    pub(crate) fn event(id: &str, title: &str, start: &str) -> EventBuilder {
        EventBuilder(Event {
            id: id.to_string(),
            file: format!("content/event/{id}/index.md").into(),
            title: title.to_string(),
            start: Some(at(start)),
            end: None,
            all_day: false,
            summary: None,
            description: None,
            venue: Default::default(),
            links: Default::default(),
            authors: Vec::new(),
            speakers: Vec::new(),
            tags: Vec::new(),
            cancelled: false,
            agenda: Vec::new(),
            languages: Default::default(),
            poster: None,
        })
    }

    pub(crate) struct EventBuilder(Event);

    impl EventBuilder {
        pub(crate) fn ends(mut self, end: &str) -> Self {
            self.0.end = Some(at(end));
            self
        }

        pub(crate) fn undated(mut self) -> Self {
            self.0.start = None;
            self
        }

        pub(crate) fn all_day(mut self) -> Self {
            self.0.all_day = true;
            self
        }

        pub(crate) fn cancelled(mut self) -> Self {
            self.0.cancelled = true;
            self
        }

        pub(crate) fn city(mut self, city: &str) -> Self {
            self.0.venue.city = Some(city.to_string());
            self
        }

        pub(crate) fn location(mut self, location: &str, street: &str) -> Self {
            self.0.venue.location = Some(Rich::inline(location));
            self.0.venue.street = Some(street.to_string());
            self
        }

        pub(crate) fn register(mut self, url: &str) -> Self {
            self.0.links.register = Some(url.to_string());
            self
        }

        pub(crate) fn tags(mut self, tags: &[&str]) -> Self {
            self.0.tags = tags.iter().map(|t| t.to_string()).collect();
            self
        }

        pub(crate) fn speaker(mut self, speaker: Speaker) -> Self {
            self.0.speakers.push(speaker);
            self
        }

        pub(crate) fn talk(mut self, talk: TalkBuilder) -> Self {
            self.0.agenda.push(AgendaItem::Talk(talk.0));
            self
        }

        pub(crate) fn pause(mut self, title: &str, start: &str, end: &str) -> Self {
            self.0.agenda.push(AgendaItem::Break(Break {
                title: title.to_string(),
                slot: Some(Slot {
                    start: at(start),
                    end: Some(at(end)),
                }),
                line: 0,
            }));
            self
        }

        pub(crate) fn build(self) -> Event {
            self.0
        }
    }

    pub(crate) fn talk(title: &str) -> TalkBuilder {
        TalkBuilder(Talk {
            title: Rich::inline(title),
            ..Talk::default()
        })
    }

    pub(crate) struct TalkBuilder(Talk);

    impl TalkBuilder {
        pub(crate) fn by(mut self, speaker: Speaker) -> Self {
            self.0.speakers.push(speaker);
            self
        }

        pub(crate) fn slot(mut self, start: &str, end: &str) -> Self {
            self.0.slot = Some(Slot {
                start: at(start),
                end: Some(at(end)),
            });
            self
        }

        pub(crate) fn abstract_(mut self, text: &str) -> Self {
            self.0.abstract_ = Some(Rich::inline(text));
            self
        }
    }

    pub(crate) fn speaker(name: &str) -> Speaker {
        Speaker {
            name: name.to_string(),
            ..Speaker::default()
        }
    }

    pub(crate) fn speaker_at(name: &str, company: &str) -> Speaker {
        Speaker {
            company: Some(company.to_string()),
            ..speaker(name)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::fixtures::*;
    use super::*;
    use crate::events::Rich;

    fn meetups() -> Catalog {
        Catalog::new(vec![
            event("2021-06-rust", "Rust 北京 Meetup 六月", "2021-06-12 13:00")
                .ends("2021-06-12 18:00")
                .tags(&["rust", "async"])
                .talk(
                    talk("Tokio 调度器")
                        .by(speaker_at("周强", "PingCAP"))
                        .abstract_("work stealing"),
                )
                .talk(talk("嵌入式 Rust").by(speaker("Jane Doe")))
                .build(),
            event("2021-04-rust", "Rust 北京 Meetup 四月", "2021-04-17 13:00")
                .ends("2021-04-17 18:00")
                .talk(talk("异步 Rust 入门").by(speaker("周强")))
                .speaker(Speaker {
                    bio: Some(Rich::inline("Tokio contributor")),
                    ..speaker("周强")
                })
                .speaker(speaker("周强强"))
                .build(),
            event("2021-08-go", "Gopher Day", "2021-08-01 09:00")
                .ends("2021-08-01 17:00")
                .build(),
            event("2021-07-cancelled", "Rust Summer", "2021-07-10 13:00")
                .cancelled()
                .build(),
        ])
    }

    #[test]
    fn an_undated_event_comes_after_the_dated_ones_and_is_never_next() {
        let catalog = Catalog::new(vec![
            event("tba", "Rust 秋季", "2000-01-01 00:00")
                .undated()
                .talk(talk("无日期的演讲").by(speaker("吴明")))
                .build(),
            event("2021-08-go", "Gopher Day", "2021-08-01 09:00").build(),
        ]);
        let ids = |events: Vec<&Event>| events.iter().map(|e| e.id.clone()).collect::<Vec<_>>();
        let now = utc("2021-07-01 00:00");
        assert_eq!(ids(catalog.upcoming(now)), ["2021-08-go", "tba"]);
        let later = utc("2030-01-01 00:00");
        assert_eq!(ids(catalog.upcoming(later)), ["tba"]);
        assert_eq!(ids(catalog.past(later)), ["2021-08-go"]);
        assert!(catalog.next(later).is_none());
        assert_eq!(
            found_talks(catalog.search_speakers("吴明")),
            ["无日期的演讲"]
        );
        assert_eq!(catalog.search_talks("无日期")[0].event.id, "tba");
    }

    #[test]
    fn upcoming_and_past_split_at_the_end_of_an_event() {
        let catalog = meetups();
        let during = utc("2021-06-12 15:00");
        let ids = |events: Vec<&Event>| events.iter().map(|e| e.id.clone()).collect::<Vec<_>>();
        assert_eq!(
            ids(catalog.upcoming(during)),
            ["2021-06-rust", "2021-07-cancelled", "2021-08-go"]
        );
        assert_eq!(ids(catalog.past(during)), ["2021-04-rust"]);
        assert_eq!(catalog.next(during).unwrap().id, "2021-06-rust");
        let after = utc("2021-06-12 18:00");
        assert_eq!(
            catalog.next(after).unwrap().id,
            "2021-08-go",
            "cancelled is skipped"
        );
        assert_eq!(
            catalog.last(utc("2030-01-01 00:00")).unwrap().id,
            "2021-08-go"
        );
    }

    #[test]
    fn an_all_day_event_lasts_its_whole_day() {
        let catalog = Catalog::new(vec![event("conf", "RustConf", "2021-09-01 00:00")
            .all_day()
            .build()]);
        assert!(catalog.next(utc("2021-09-01 23:59")).is_some());
        assert!(catalog.next(utc("2021-09-02 00:00")).is_none());
    }

    #[test]
    fn events_are_found_by_slug_number_or_title_words() {
        let catalog = meetups();
        let now = utc("2021-05-01 00:00");
        let found = |q| match catalog.find(q, now) {
            Lookup::Found(e) => Some(e.id.clone()),
            _ => None,
        };
        assert_eq!(found("2021-04-rust").as_deref(), Some("2021-04-rust"));
        assert_eq!(found("1").as_deref(), Some("2021-06-rust"));
        assert_eq!(found("#3").as_deref(), Some("2021-08-go"));
        assert_eq!(found("9"), None);
        assert_eq!(found("#0"), None);
        assert_eq!(found("gopher").as_deref(), Some("2021-08-go"));
        assert_eq!(found("meetup 四月").as_deref(), Some("2021-04-rust"));
        match catalog.find("rust meetup", now) {
            Lookup::Several(events) => assert_eq!(events[0].id, "2021-06-rust", "newest first"),
            other => panic!("{other:?}"),
        }
        assert_eq!(catalog.find("python", now), Lookup::NotFound);
        let year = Catalog::new(vec![
            event("y", "Rust 2021 年会", "2021-12-01 09:00").build()
        ]);
        assert!(matches!(year.find("2021", now), Lookup::Found(e) if e.id == "y"));
    }

    fn found_talks(search: SpeakerSearch) -> Vec<String> {
        match search {
            SpeakerSearch::Found { appearances, .. } => appearances
                .iter()
                .map(|a| a.talk.map_or("-".into(), |t| t.title.plain()))
                .collect(),
            other => panic!("expected one speaker, got {other:?}"),
        }
    }

    #[test]
    fn speakers_are_found_ignoring_case_and_spaces() {
        let catalog = meetups();
        assert_eq!(
            found_talks(catalog.search_speakers("周强")),
            ["Tokio 调度器", "异步 Rust 入门"]
        );
        assert_eq!(
            found_talks(catalog.search_speakers("周 强")),
            ["Tokio 调度器", "异步 Rust 入门"]
        );
        assert_eq!(
            found_talks(catalog.search_speakers("jane doe")),
            ["嵌入式 Rust"]
        );
        assert_eq!(found_talks(catalog.search_speakers("DOE")), ["嵌入式 Rust"]);
        assert_eq!(found_talks(catalog.search_speakers("周强强")), ["-"]);
    }

    #[test]
    fn a_speaker_is_introduced_by_the_entry_with_a_bio() {
        let catalog = meetups();
        let SpeakerSearch::Found { speaker, .. } = catalog.search_speakers("周强") else {
            panic!("not found");
        };
        assert_eq!(speaker.bio.as_ref().unwrap().plain(), "Tokio contributor");
    }

    #[test]
    fn several_names_are_offered_to_choose_from() {
        assert_eq!(
            meetups().search_speakers("周"),
            SpeakerSearch::Several(vec!["周强", "周强强"])
        );
    }

    #[test]
    fn aliases_are_searched() {
        let catalog = Catalog::new(vec![event("e", "E", "2021-01-01 10:00")
            .talk(talk("Dubbo").by(Speaker {
                alias: Some("于雨".into()),
                ..speaker("赵新")
            }))
            .build()]);
        assert_eq!(found_talks(catalog.search_speakers("于雨")), ["Dubbo"]);
    }

    #[test]
    fn unknown_speakers_get_the_closest_names() {
        let catalog = meetups();
        let suggested = |q| match catalog.search_speakers(q) {
            SpeakerSearch::NotFound { suggestions } => suggestions,
            other => panic!("{other:?}"),
        };
        assert_eq!(suggested("周墙"), ["周强"]);
        assert_eq!(suggested("强周"), ["周强"]);
        assert_eq!(suggested("Jnae Doe"), ["Jane Doe"]);
        assert_eq!(suggested("dow"), ["Jane Doe"]);
        assert!(suggested("zhou").is_empty(), "no pinyin guessing");
    }

    #[test]
    fn talks_match_all_words_in_title_abstract_or_tags() {
        let catalog = meetups();
        let titles = |q| {
            catalog
                .search_talks(q)
                .iter()
                .map(|hit| hit.talk.title.plain())
                .collect::<Vec<_>>()
        };
        assert_eq!(titles("rust"), ["嵌入式 Rust", "异步 Rust 入门"]);
        assert_eq!(
            titles("async"),
            ["Tokio 调度器", "嵌入式 Rust"],
            "tags count when no talk's own text matches"
        );
        assert_eq!(titles("TOKIO stealing"), ["Tokio 调度器"]);
        assert_eq!(titles("async 嵌入式"), ["嵌入式 Rust"]);
        assert!(titles("python").is_empty());
        assert!(titles("  ").is_empty());
    }
}
