//! Short, stable names for talks and speakers, for deep links
//! (`https://t.me/<bot>?start=talk_<id>`) and inline buttons, whose
//! payloads Telegram limits to 64 characters of `A-Za-z0-9_-`.
//!
//! A talk is named by its event and its title, not by its place in the
//! agenda or its time: following a talk must survive the organizer moving
//! it or changing its speaker, which is exactly when the follower is to be
//! told. Editing the title makes it another talk. A speaker is named by
//! their name alone, so a follow reaches their talks at every event.

use siphasher::sip::SipHasher13;
use std::hash::Hasher;

use super::{Event, Talk};

/// Hex digits in an id: 48 bits, so thousands of talks are safely apart
/// while `talk_<id>` stays far under the deep-link limit.
const DIGITS: usize = 12;

/// What a member follows: one talk, every talk of an event, or every
/// talk, current and future, of one speaker.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Target {
    /// A [`talk_id`].
    Talk(String),
    /// An event's slug.
    Event(String),
    /// A [`speaker_id`].
    Speaker(String),
}

impl Target {
    /// The kind's name, as the state file and deep links spell it.
    pub fn kind(&self) -> &'static str {
        match self {
            Target::Talk(_) => "talk",
            Target::Event(_) => "event",
            Target::Speaker(_) => "speaker",
        }
    }

    pub fn key(&self) -> &str {
        match self {
            Target::Talk(key) | Target::Event(key) | Target::Speaker(key) => key,
        }
    }

    /// From a kind and key as [`Target::kind`] and [`Target::key`] give them.
    pub fn of(kind: &str, key: &str) -> Option<Target> {
        let key = key.to_string();
        match kind {
            "talk" => Some(Target::Talk(key)),
            "event" => Some(Target::Event(key)),
            "speaker" => Some(Target::Speaker(key)),
            _ => None,
        }
    }

    /// The `/start` payload that follows it in one tap: `talk_<id>`,
    /// `event_<slug>`, `speaker_<id>`; `None` for a slug that cannot travel
    /// in one (over 64 characters, or outside `A-Za-z0-9_-`).
    pub fn payload(&self) -> Option<String> {
        let payload = format!("{}_{}", self.kind(), self.key());
        let fits = payload.len() <= PAYLOAD_LIMIT
            && payload
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
        fits.then_some(payload)
    }

    /// A `/start` payload read back; `None` for anything
    /// [`Target::payload`] would not have written.
    pub fn from_payload(payload: &str) -> Option<Target> {
        let (kind, key) = payload.split_once('_')?;
        let target = Target::of(kind, key)?;
        let valid = match &target {
            Target::Talk(id) | Target::Speaker(id) => is_id(id),
            Target::Event(slug) => !slug.is_empty(),
        };
        (valid && target.payload().as_deref() == Some(payload)).then_some(target)
    }
}

/// Telegram's limit on a `/start` payload.
const PAYLOAD_LIMIT: usize = 64;

/// The id of `talk` at `event`.
pub fn talk_id(event: &str, talk: &Talk) -> String {
    talk_id_of(event, &talk.title.plain())
}

/// The id of the talk titled `title` at `event`.
pub fn talk_id_of(event: &str, title: &str) -> String {
    hashed(&[event, &normalise(title)])
}

/// The id of the speaker named `name`.
pub fn speaker_id(name: &str) -> String {
    hashed(&[&normalise(name)])
}

/// The talk of `catalog`'s events that `id` names, with its event.
pub fn find_talk<'e>(events: &'e [Event], id: &str) -> Option<(&'e Event, &'e Talk)> {
    events.iter().find_map(|event| {
        let talk = event.talks().find(|talk| talk_id(&event.id, talk) == id)?;
        Some((event, talk))
    })
}

/// Whether `text` could be an id at all: what a forged payload is checked
/// against before any lookup.
pub fn is_id(text: &str) -> bool {
    text.len() == DIGITS
        && text
            .bytes()
            .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
}

/// Case and spacing are not part of a name: `Jane  DOE` is `jane doe`.
fn normalise(text: &str) -> String {
    text.split_whitespace()
        .map(str::to_lowercase)
        .collect::<Vec<_>>()
        .join(" ")
}

/// SipHash-1-3 with fixed keys: the same in every build and release, so an
/// id printed into a web page keeps working after an upgrade.
fn hashed(parts: &[&str]) -> String {
    let mut hasher = SipHasher13::new_with_keys(0x6865_7261_6c64, 0x0069_6473);
    for part in parts {
        hasher.write(part.as_bytes());
        // A separator, so `ab` + `c` differs from `a` + `bc`.
        hasher.write_u8(0xff);
    }
    format!("{:0width$x}", hasher.finish() >> 16, width = DIGITS)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::events::catalog::fixtures::*;

    #[test]
    fn ids_fit_deep_links_and_are_stable() {
        let id = talk_id_of("2021-09-rust", "Rust in production");
        assert!(is_id(&id), "{id}");
        assert!(format!("talk_{id}").len() <= 64);
        // Written down once: an id in a published page must keep working.
        assert_eq!(id, talk_id_of("2021-09-rust", "Rust in production"));
        assert_eq!(speaker_id("周强").len(), DIGITS);
    }

    #[test]
    fn spacing_and_case_do_not_change_an_id_but_the_title_and_event_do() {
        let id = talk_id_of("e", "Rust in production");
        assert_eq!(id, talk_id_of("e", "  rust IN   production "));
        assert_ne!(id, talk_id_of("e", "Rust in production, part 2"));
        assert_ne!(id, talk_id_of("other", "Rust in production"));
        assert_eq!(speaker_id("Jane Doe"), speaker_id("jane  doe"));
        assert_ne!(speaker_id("Jane Doe"), speaker_id("John Doe"));
    }

    #[test]
    fn a_moved_talk_keeps_its_id() {
        let at = |time: &str| {
            event("e", "Meetup", "2021-09-18 13:00")
                .talk(talk("Rust in production").slot(time, "2021-09-18 18:00"))
                .build()
        };
        let (early, late) = (at("2021-09-18 13:30"), at("2021-09-18 16:00"));
        let early_talk = early.talks().next().unwrap();
        let late_talk = late.talks().next().unwrap();
        assert_eq!(talk_id("e", early_talk), talk_id("e", late_talk));
        let events = [late];
        let found = find_talk(&events, &talk_id("e", early_talk));
        assert_eq!(
            found.map(|(e, t)| (e.id.as_str(), t.title.plain())),
            Some(("e", "Rust in production".into()))
        );
        assert!(find_talk(&events, "000000000000").is_none());
    }

    #[test]
    fn payloads_round_trip_and_forgeries_do_not() {
        let talk = Target::Talk(talk_id_of("e", "Rust"));
        for target in [
            talk,
            Target::Event("2021-09-rust".into()),
            Target::Speaker(speaker_id("周强")),
        ] {
            let payload = target.payload().unwrap();
            assert_eq!(Target::from_payload(&payload), Some(target));
        }
        assert_eq!(Target::Event("北京".into()).payload(), None);
        assert_eq!(Target::Event("x".repeat(70)).payload(), None);
        for forged in [
            "",
            "talk_",
            "talk_xyz",
            "event_",
            "user_1",
            "talk",
            "event_a b",
        ] {
            assert_eq!(Target::from_payload(forged), None, "{forged}");
        }
    }

    #[test]
    fn forged_ids_are_not_ids() {
        for text in ["", "abc", "ABCDEF012345", "abcdef01234g", "abcdef0123456"] {
            assert!(!is_id(text), "{text}");
        }
    }
}
