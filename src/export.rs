//! `herald export`: the events as JSON, for websites, calendars and scripts.
//!
//! The JSON is a published interface, so it is written from view types of
//! its own rather than from the model: the model can change freely while
//! the schema stays put. A breaking change to the schema gets a new
//! `schema` value.
//!
//! # Schema `herald.events/1`
//!
//! ```json
//! {
//!   "schema": "herald.events/1",
//!   "events": [
//!     {
//!       "id": "2024-05-rust-meetup",
//!       "file": "events/2024-05-rust-meetup/index.md",
//!       "lang": "en",
//!       "title": "Rust Meetup May",
//!       "start": "2024-05-18T14:00:00+08:00",
//!       "end": "2024-05-18T17:30:00+08:00",
//!       "all_day": false,
//!       "cancelled": false,
//!       "venue": {
//!         "location": "Room 301, Innovation Center",
//!         "street": "1 Tech Road",
//!         "city": "Shanghai",
//!         "region": null,
//!         "postcode": "200000",
//!         "country": "China"
//!       },
//!       "links": {
//!         "register": "https://example.org/register",
//!         "slides": null,
//!         "video": null,
//!         "pdf": null,
//!         "code": null
//!       },
//!       "tags": ["rust", "async"],
//!       "authors": ["admin"],
//!       "speakers": [],
//!       "summary": "Two talks about async Rust.",
//!       "agenda": [
//!         {
//!           "kind": "talk",
//!           "title": "Async in practice",
//!           "start": "2024-05-18T14:00:00+08:00",
//!           "end": "2024-05-18T14:45:00+08:00",
//!           "speakers": [{ "name": "Li Lei", "alias": null, "company": "Example Co", "bio": "Writes Rust." }],
//!           "abstract": "What we learned moving to tokio.",
//!           "takeaways": "• Measure first",
//!           "video": "https://example.org/v/1"
//!         },
//!         {
//!           "kind": "break",
//!           "title": "Coffee",
//!           "start": "2024-05-18T14:45:00+08:00",
//!           "end": null,
//!           "speakers": [],
//!           "abstract": null,
//!           "takeaways": null,
//!           "video": null
//!         }
//!       ]
//!     }
//!   ]
//! }
//! ```
//!
//! - Every key is always present; what the page does not say is `null`
//!   (or `[]` for lists).
//! - Times are RFC 3339 with the offset the organizer's time zone gives, to
//!   the second. `start` is always known; `end` may be `null`. An `all_day`
//!   event's `start` is the beginning of its day.
//! - Text (`venue.location`, `summary`, titles, `abstract`, `takeaways`,
//!   `bio`) is plain text: markdown formatting and link targets are
//!   dropped, list items start with `• ` or `1. `, lines are joined by `\n`.
//! - `events` are in the order herald holds them (by start); `agenda` items
//!   are in the page's order. Break items have no speakers and no
//!   `abstract`, `takeaways` or `video`, which are then `null`.
//! - There is one object per page file. `id` is the page's slug; `file` is
//!   the page's path as herald read it; `lang` (`zh` or `en`) is the
//!   page's language: its file name's suffix, else `language` in
//!   `bot.toml`. The pages of one event in several languages (Hugo
//!   translations) share their `id` and follow each other, the site's
//!   default language first; each has its own text and agenda, and the
//!   event's `start`, `end` and `cancelled`, which are the default-language
//!   page's.
//! - `speakers` (per event) lists people named apart from any talk: a
//!   speakers list on the page, or the `authors` of a page with no agenda.
//!   A speaker's `alias` is a nickname written in parentheses (`赵新（于雨）`).

use std::borrow::Cow;

use chrono::SecondsFormat;
use serde::ser::{SerializeSeq, SerializeStruct, Serializer};
use serde::Serialize;

use crate::events::{AgendaItem, Break, Event, Instant, Links, Rich, Slot, Speaker, Talk, Venue};
use crate::lang::Lang;

/// The value of the top-level `schema` key.
pub const SCHEMA: &str = "herald.events/1";

/// `herald export`'s options.
#[derive(Debug, Clone, clap::Args)]
pub struct ExportArgs {
    /// `json` (the schema above) or `ics` (the community calendar, as
    /// `GET /calendar.ics` serves it).
    #[arg(long, value_enum, default_value_t = Format::Json)]
    pub format: Format,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Json,
    Ics,
}

/// The community calendar, with the versions the state file keeps (and
/// moves on, as serving the feed does), so an export and the bot's feed
/// agree. Without a state file, nothing has been published: every entry
/// is at version 0, and no file is created.
pub fn calendar(
    events: &[Event],
    config: &crate::config::Config,
) -> Result<String, crate::store::StoreError> {
    let site = crate::calendar::Site::of(config);
    let now = chrono::Utc::now();
    let stamps = match crate::store::exists(config) {
        true => {
            let store = crate::store::open(config)?;
            let stamps = store.feed(events, &site, now)?;
            store.close()?;
            stamps
        }
        false => crate::calendar::unpublished(crate::calendar::entries(events, &site), now),
    };
    let name = site.name(config.language);
    Ok(crate::calendar::write(&name, config.timezone, &stamps))
}

/// The whole export document; serialize it with `serde_json`.
#[derive(Debug)]
pub struct Export<'a> {
    events: &'a [Event],
    /// The site's language: that of pages without a language suffix.
    lang: Lang,
}

impl<'a> Export<'a> {
    pub fn new(events: &'a [Event], lang: Lang) -> Self {
        Export { events, lang }
    }
}

impl Serialize for Export<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut document = serializer.serialize_struct("Export", 2)?;
        document.serialize_field("schema", SCHEMA)?;
        document.serialize_field("events", &Pages(self))?;
        document.end()
    }
}

/// Every page of every event, one object each: a translated page is worded
/// apart from the event's own, so it is written out on the spot rather
/// than borrowed from the model.
struct Pages<'e, 'a>(&'e Export<'a>);

impl Serialize for Pages<'_, '_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut pages = serializer.serialize_seq(None)?;
        for event in self.0.events {
            for (lang, page) in event.pages() {
                pages.serialize_element(&ExportEvent::new(&page, lang.unwrap_or(self.0.lang)))?;
            }
        }
        pages.end()
    }
}

#[derive(Debug, Serialize)]
struct ExportEvent<'a> {
    id: &'a str,
    file: Cow<'a, str>,
    lang: String,
    title: &'a str,
    /// `null` for an undated event.
    start: Option<String>,
    end: Option<String>,
    all_day: bool,
    cancelled: bool,
    venue: ExportVenue<'a>,
    links: ExportLinks<'a>,
    tags: &'a [String],
    authors: &'a [String],
    speakers: Vec<ExportSpeaker<'a>>,
    summary: Option<String>,
    agenda: Vec<ExportItem<'a>>,
}

#[derive(Debug, Serialize)]
struct ExportVenue<'a> {
    location: Option<String>,
    street: Option<&'a str>,
    city: Option<&'a str>,
    region: Option<&'a str>,
    postcode: Option<&'a str>,
    country: Option<&'a str>,
}

#[derive(Debug, Serialize)]
struct ExportLinks<'a> {
    register: Option<&'a str>,
    slides: Option<&'a str>,
    video: Option<&'a str>,
    pdf: Option<&'a str>,
    code: Option<&'a str>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "lowercase")]
enum ItemKind {
    Talk,
    Break,
}

/// Talks and breaks share one shape so that consumers need one parser.
#[derive(Debug, Serialize)]
struct ExportItem<'a> {
    kind: ItemKind,
    title: String,
    start: Option<String>,
    end: Option<String>,
    speakers: Vec<ExportSpeaker<'a>>,
    #[serde(rename = "abstract")]
    abstract_: Option<String>,
    takeaways: Option<String>,
    video: Option<&'a str>,
}

#[derive(Debug, Serialize)]
struct ExportSpeaker<'a> {
    name: &'a str,
    alias: Option<&'a str>,
    company: Option<&'a str>,
    bio: Option<String>,
}

impl<'a> ExportEvent<'a> {
    fn new(event: &'a Event, lang: Lang) -> Self {
        ExportEvent {
            id: &event.id,
            file: event.file.to_string_lossy(),
            lang: lang.to_string(),
            title: &event.title,
            start: event.start.as_ref().map(time),
            end: event.end.as_ref().map(time),
            all_day: event.all_day,
            cancelled: event.cancelled,
            venue: ExportVenue::new(&event.venue),
            links: ExportLinks::new(&event.links),
            tags: &event.tags,
            authors: &event.authors,
            speakers: event.speakers.iter().map(ExportSpeaker::new).collect(),
            summary: plain(&event.summary),
            agenda: event.agenda.iter().map(ExportItem::new).collect(),
        }
    }
}

impl<'a> ExportVenue<'a> {
    fn new(venue: &'a Venue) -> Self {
        ExportVenue {
            location: plain(&venue.location),
            street: venue.street.as_deref(),
            city: venue.city.as_deref(),
            region: venue.region.as_deref(),
            postcode: venue.postcode.as_deref(),
            country: venue.country.as_deref(),
        }
    }
}

impl<'a> ExportLinks<'a> {
    fn new(links: &'a Links) -> Self {
        ExportLinks {
            register: links.register.as_deref(),
            slides: links.slides.as_deref(),
            video: links.video.as_deref(),
            pdf: links.pdf.as_deref(),
            code: links.code.as_deref(),
        }
    }
}

impl<'a> ExportItem<'a> {
    fn new(item: &'a AgendaItem) -> Self {
        match item {
            AgendaItem::Talk(talk) => ExportItem::talk(talk),
            AgendaItem::Break(pause) => ExportItem::pause(pause),
        }
    }

    fn talk(talk: &'a Talk) -> Self {
        let (start, end) = slot_times(talk.slot);
        ExportItem {
            kind: ItemKind::Talk,
            title: talk.title.plain(),
            start,
            end,
            speakers: talk.speakers.iter().map(ExportSpeaker::new).collect(),
            abstract_: plain(&talk.abstract_),
            takeaways: plain(&talk.takeaways),
            video: talk.video.as_deref(),
        }
    }

    fn pause(pause: &'a Break) -> Self {
        let (start, end) = slot_times(pause.slot);
        ExportItem {
            kind: ItemKind::Break,
            title: pause.title.clone(),
            start,
            end,
            speakers: Vec::new(),
            abstract_: None,
            takeaways: None,
            video: None,
        }
    }
}

impl<'a> ExportSpeaker<'a> {
    fn new(speaker: &'a Speaker) -> Self {
        ExportSpeaker {
            name: &speaker.name,
            alias: speaker.alias.as_deref(),
            company: speaker.company.as_deref(),
            bio: plain(&speaker.bio),
        }
    }
}

/// RFC 3339 to the second, keeping the organizer's offset (`+08:00`, never
/// `Z`), so that consumers see the event's own wall clock.
fn time(instant: &Instant) -> String {
    instant.to_rfc3339_opts(SecondsFormat::Secs, false)
}

fn slot_times(slot: Option<Slot>) -> (Option<String>, Option<String>) {
    match slot {
        Some(slot) => (Some(time(&slot.start)), slot.end.as_ref().map(time)),
        None => (None, None),
    }
}

fn plain(text: &Option<Rich>) -> Option<String> {
    text.as_ref().map(Rich::plain)
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use serde_json::{json, Value};

    use super::*;

    fn at(text: &str) -> Instant {
        Instant::parse_from_rfc3339(text).unwrap()
    }

    fn meetup() -> Event {
        Event {
            id: "2024-05-rust".into(),
            file: PathBuf::from("events/2024-05-rust/index.md"),
            title: "Rust Meetup May".into(),
            start: Some(at("2024-05-18T14:00:00+08:00")),
            end: None,
            all_day: false,
            summary: Some(Rich::inline(
                "Two talks about **async** [Rust](https://rust-lang.org)",
            )),
            description: Some(Rich::inline("Not exported")),
            venue: Venue {
                location: Some(Rich::inline("[Room 301](https://map.example/301)")),
                city: Some("Shanghai".into()),
                ..Venue::default()
            },
            links: Links {
                register: Some("https://example.org/register".into()),
                ..Links::default()
            },
            authors: vec!["admin".into()],
            speakers: Vec::new(),
            tags: vec!["rust".into(), "async".into()],
            cancelled: true,
            agenda: vec![
                AgendaItem::Talk(Talk {
                    title: Rich::inline("Async _in practice_"),
                    speakers: vec![Speaker {
                        name: "Li Lei".into(),
                        alias: None,
                        company: Some("Example Co".into()),
                        bio: Some(Rich::inline("Writes `Rust`.")),
                    }],
                    slot: Some(Slot {
                        start: at("2024-05-18T14:00:00+08:00"),
                        end: Some(at("2024-05-18T14:45:00+08:00")),
                    }),
                    abstract_: Some(Rich::inline("Moving to tokio.")),
                    takeaways: Some(Rich::from_lines(&["- Measure first", "- Then tune"])),
                    video: Some("https://example.org/v/1".into()),
                    line: 20,
                }),
                AgendaItem::Break(Break {
                    title: "Coffee".into(),
                    slot: None,
                    line: 30,
                }),
            ],
            languages: Default::default(),
            poster: None,
        }
    }

    fn exported(events: &[Event]) -> Value {
        serde_json::to_value(Export::new(events, Lang::En)).unwrap()
    }

    #[test]
    fn the_document_names_its_schema() {
        assert_eq!(
            exported(&[]),
            json!({ "schema": "herald.events/1", "events": [] })
        );
    }

    #[test]
    fn an_event_exports_every_field() {
        let json = exported(&[meetup()]);
        let event = &json["events"][0];
        // Every key is present, null or not (`Value` lists them sorted).
        let keys: Vec<&str> = event
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(
            keys,
            [
                "agenda",
                "all_day",
                "authors",
                "cancelled",
                "end",
                "file",
                "id",
                "lang",
                "links",
                "speakers",
                "start",
                "summary",
                "tags",
                "title",
                "venue"
            ]
        );
        assert_eq!(event["id"], "2024-05-rust");
        assert_eq!(event["file"], "events/2024-05-rust/index.md");
        assert_eq!(event["title"], "Rust Meetup May");
        assert_eq!(event["start"], "2024-05-18T14:00:00+08:00");
        assert_eq!(event["end"], Value::Null);
        assert_eq!(event["all_day"], false);
        assert_eq!(event["cancelled"], true);
        assert_eq!(event["summary"], "Two talks about async Rust");
        assert_eq!(event["tags"], json!(["rust", "async"]));
        assert_eq!(event["authors"], json!(["admin"]));
        assert_eq!(
            event["venue"],
            json!({
                "location": "Room 301", "street": null, "city": "Shanghai",
                "region": null, "postcode": null, "country": null
            })
        );
        assert_eq!(
            event["links"],
            json!({
                "register": "https://example.org/register",
                "slides": null, "video": null, "pdf": null, "code": null
            })
        );
    }

    #[test]
    fn agenda_items_keep_their_order_and_one_shape() {
        let json = exported(&[meetup()]);
        assert_eq!(
            json["events"][0]["agenda"],
            json!([
                {
                    "kind": "talk",
                    "title": "Async in practice",
                    "start": "2024-05-18T14:00:00+08:00",
                    "end": "2024-05-18T14:45:00+08:00",
                    "speakers": [{ "name": "Li Lei", "alias": null, "company": "Example Co", "bio": "Writes Rust." }],
                    "abstract": "Moving to tokio.",
                    "takeaways": "• Measure first\n• Then tune",
                    "video": "https://example.org/v/1"
                },
                {
                    "kind": "break",
                    "title": "Coffee",
                    "start": null,
                    "end": null,
                    "speakers": [],
                    "abstract": null,
                    "takeaways": null,
                    "video": null
                }
            ])
        );
    }

    #[test]
    fn times_keep_their_offset() {
        let mut event = meetup();
        event.start = Some(at("2024-05-18T06:00:00Z"));
        event.end = Some(at("2024-05-18T09:30:15-04:00"));
        let json = exported(&[event]);
        assert_eq!(json["events"][0]["start"], "2024-05-18T06:00:00+00:00");
        assert_eq!(json["events"][0]["end"], "2024-05-18T09:30:15-04:00");
    }
}
