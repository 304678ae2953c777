//! The live card: one pinned message per target showing the next event,
//! kept current. Pure: what was last sent to a target, the card it should
//! show now and the time in, what to do out. The Telegram task
//! (`telegram::card`) only applies the answer and records what happened.

use chrono::{DateTime, Duration, Utc};
use sha2::{Digest, Sha256};

/// Edits in one chat (all its topics' cards together) are at least this
/// far apart: Telegram allows a group about 20 edits a minute, and a card
/// edited more often than that is read by nobody anyway.
pub const EDIT_GAP: Duration = Duration::seconds(3);

/// After an admin deleted the card, it is posted again at most once in
/// this long: a deletion may be a wish to be rid of it.
pub const REPOST_GAP: Duration = Duration::hours(1);

/// The card a target should show: the next event's, rendered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Wanted {
    pub event: String,
    pub text: String,
}

/// What was last sent to a target, as the state file keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Card {
    /// Telegram's id of the pinned message.
    pub message: i32,
    /// The event it shows.
    pub event: String,
    /// [`fingerprint`] of the text it shows.
    pub fingerprint: String,
    /// When it was posted or last edited.
    pub changed_at: DateTime<Utc>,
    /// When it was last posted again because an admin had deleted it.
    pub reposted_at: Option<DateTime<Utc>>,
    /// When an edit found the message gone; it is then posted anew
    /// rather than edited.
    pub deleted_at: Option<DateTime<Utc>>,
}

/// Why a new card is posted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Why {
    /// The target had none yet.
    First,
    /// The event shown is over (or gone): this is the next one's. Holds
    /// the old message, to unpin.
    Next(i32),
    /// An admin deleted the card.
    Deleted,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// Nothing to do, and nothing to wake for but a page change or the
    /// next look.
    Nothing,
    /// Send `text` and pin it without a sound.
    Post(Why),
    /// Edit `message` to the new text (never re-pinned, never notified).
    Edit(i32),
    /// The text changed, but the last edit was too recent: look again at
    /// this time.
    Wait(DateTime<Utc>),
}

/// A stable digest of a card's text: what is kept to tell whether the text
/// changed, across restarts.
pub fn fingerprint(text: &str) -> String {
    Sha256::digest(text.as_bytes())
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

/// What to do for a target that had `sent`, should show `wanted` (`None`
/// with no event ahead: the card stays as it is until there is one), at
/// `now`; `chat_edited` is when a card was last posted or edited in the
/// same chat (another topic's), which an edit keeps its distance from too.
pub fn decide(
    sent: Option<&Card>,
    wanted: Option<&Wanted>,
    chat_edited: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Decision {
    let Some(wanted) = wanted else {
        return Decision::Nothing;
    };
    let Some(sent) = sent else {
        return Decision::Post(Why::First);
    };
    if sent.deleted_at.is_some() {
        return match sent.reposted_at {
            Some(at) if now < at + REPOST_GAP => Decision::Nothing,
            _ => Decision::Post(Why::Deleted),
        };
    }
    if sent.event != wanted.event {
        return Decision::Post(Why::Next(sent.message));
    }
    if sent.fingerprint == fingerprint(&wanted.text) {
        return Decision::Nothing;
    }
    let last = chat_edited.map_or(sent.changed_at, |at| at.max(sent.changed_at));
    match last + EDIT_GAP {
        next if now < next => Decision::Wait(next),
        _ => Decision::Edit(sent.message),
    }
}

/// The record after posting `wanted` as `message` at `now`, for `why`.
pub fn posted(
    before: Option<&Card>,
    why: Why,
    wanted: &Wanted,
    message: i32,
    now: DateTime<Utc>,
) -> Card {
    let reposted_at = match why {
        Why::Deleted => Some(now),
        Why::First | Why::Next(_) => before.and_then(|card| card.reposted_at),
    };
    Card {
        message,
        event: wanted.event.clone(),
        fingerprint: fingerprint(&wanted.text),
        changed_at: now,
        reposted_at,
        deleted_at: None,
    }
}

impl Card {
    /// The record after editing it to `wanted` at `now`.
    pub fn edited(&self, wanted: &Wanted, now: DateTime<Utc>) -> Card {
        Card {
            fingerprint: fingerprint(&wanted.text),
            changed_at: now,
            ..self.clone()
        }
    }

    /// The record after an edit found the message deleted at `now`.
    pub fn deleted(&self, now: DateTime<Utc>) -> Card {
        Card {
            deleted_at: Some(now),
            ..self.clone()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> DateTime<Utc> {
        format!("2030-05-18T{text}:00Z").parse().unwrap()
    }

    fn wanted(event: &str, text: &str) -> Wanted {
        Wanted {
            event: event.into(),
            text: text.into(),
        }
    }

    fn card(event: &str, text: &str, changed: &str) -> Card {
        posted(None, Why::First, &wanted(event, text), 42, at(changed))
    }

    #[test]
    fn a_target_without_a_card_gets_one_once_there_is_an_event() {
        assert_eq!(decide(None, None, None, at("10:00")), Decision::Nothing);
        let night = wanted("rust-night", "Rust Night\n🗓 18:00");
        assert_eq!(
            decide(None, Some(&night), None, at("10:00")),
            Decision::Post(Why::First)
        );
    }

    #[test]
    fn the_same_text_is_left_alone_a_new_one_edited() {
        let sent = card("rust-night", "Rust Night\n🗓 18:00", "10:00");
        let same = wanted("rust-night", "Rust Night\n🗓 18:00");
        assert_eq!(
            decide(Some(&sent), Some(&same), None, at("11:00")),
            Decision::Nothing
        );
        let moved = wanted("rust-night", "Rust Night\n🗓 19:00");
        assert_eq!(
            decide(Some(&sent), Some(&moved), None, at("11:00")),
            Decision::Edit(42)
        );
        let edited = sent.edited(&moved, at("11:00"));
        assert_eq!(
            decide(Some(&edited), Some(&moved), None, at("11:01")),
            Decision::Nothing
        );
    }

    #[test]
    fn edits_are_spaced_to_stay_within_telegrams_limit() {
        let sent = card("rust-night", "Rust Night\n🗓 18:00", "10:00");
        let moved = wanted("rust-night", "Rust Night\n🗓 19:00");
        let soon = at("10:00") + Duration::seconds(1);
        assert_eq!(
            decide(Some(&sent), Some(&moved), None, soon),
            Decision::Wait(at("10:00") + EDIT_GAP)
        );
        assert_eq!(
            decide(Some(&sent), Some(&moved), None, at("10:00") + EDIT_GAP),
            Decision::Edit(42)
        );
    }

    #[test]
    fn edits_in_one_chat_keep_their_distance_across_its_topics() {
        let sent = card("rust-night", "Rust Night\n🗓 18:00", "10:00");
        let moved = wanted("rust-night", "Rust Night\n🗓 19:00");
        let other_topic = at("10:05");
        assert_eq!(
            decide(Some(&sent), Some(&moved), Some(other_topic), at("10:05")),
            Decision::Wait(other_topic + EDIT_GAP)
        );
        assert_eq!(
            decide(
                Some(&sent),
                Some(&moved),
                Some(other_topic),
                other_topic + EDIT_GAP
            ),
            Decision::Edit(42)
        );
    }

    #[test]
    fn the_next_event_gets_a_new_card_and_no_event_keeps_the_old() {
        let sent = card("rust-night", "Rust Night", "10:00");
        let next = wanted("go-night", "Go Night");
        assert_eq!(
            decide(Some(&sent), Some(&next), None, at("23:00")),
            Decision::Post(Why::Next(42))
        );
        assert_eq!(
            decide(Some(&sent), None, None, at("23:00")),
            Decision::Nothing
        );
    }

    #[test]
    fn a_deleted_card_is_posted_again_once_an_hour_at_most() {
        let night = wanted("rust-night", "Rust Night");
        let gone = card("rust-night", "Rust Night", "10:00").deleted(at("10:30"));
        assert_eq!(
            decide(Some(&gone), Some(&night), None, at("10:30")),
            Decision::Post(Why::Deleted)
        );
        let again = posted(Some(&gone), Why::Deleted, &night, 43, at("10:30"));
        assert_eq!(again.reposted_at, Some(at("10:30")));
        let gone_again = again.deleted(at("10:40"));
        assert_eq!(
            decide(Some(&gone_again), Some(&night), None, at("11:29")),
            Decision::Nothing,
            "not again within the hour"
        );
        assert_eq!(
            decide(Some(&gone_again), Some(&night), None, at("11:30")),
            Decision::Post(Why::Deleted)
        );
    }

    #[test]
    fn the_next_events_card_keeps_when_it_was_last_reposted() {
        let night = wanted("rust-night", "Rust Night");
        let gone = card("rust-night", "Rust Night", "10:00").deleted(at("10:30"));
        let again = posted(Some(&gone), Why::Deleted, &night, 43, at("10:30"));
        let next = posted(
            Some(&again),
            Why::Next(43),
            &wanted("go-night", "Go"),
            44,
            at("10:50"),
        );
        assert_eq!(next.reposted_at, Some(at("10:30")));
        assert_eq!(next.deleted_at, None);
    }

    #[test]
    fn fingerprints_tell_texts_apart_and_stay_the_same() {
        assert_eq!(fingerprint("Rust Night"), fingerprint("Rust Night"));
        assert_ne!(fingerprint("Rust Night"), fingerprint("Rust Night "));
        assert_eq!(fingerprint("").len(), 64);
    }
}
