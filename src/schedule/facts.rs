//! What a chat was told about an event, kept so herald can say what changed
//! ("14:00 → 15:00") after an organizer edits a page, and can still announce
//! a cancellation when the page is gone.

use serde::{Deserialize, Serialize};

use crate::events::{Event, Instant, Talk};

/// The facts of an event that members act on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Facts {
    pub title: String,
    /// `None` for an undated event (facts stored before undated events
    /// existed read as `Some`).
    pub start: Option<Instant>,
    pub end: Option<Instant>,
    /// The end the agenda implies (its last talk's), where the page gives
    /// none: what members are shown. `None` in facts kept before herald
    /// kept it, which are not compared on it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shown_end: Option<Instant>,
    pub venue: String,
    pub talks: Vec<TalkFacts>,
    pub cancelled: bool,
    pub video: Option<String>,
    pub slides: Option<String>,
    pub register: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TalkFacts {
    pub title: String,
    pub start: Option<Instant>,
    pub speakers: Vec<String>,
}

impl Facts {
    pub fn of(event: &Event) -> Facts {
        Facts {
            title: event.title.clone(),
            start: event.start,
            end: event.end,
            shown_end: implied_end(event),
            venue: venue(event),
            talks: event.talks().map(TalkFacts::of).collect(),
            cancelled: event.cancelled,
            video: event.links.video.clone(),
            slides: event.links.slides.clone(),
            register: event.links.register.clone(),
        }
    }

    /// Equal facts, equal fingerprints: a stable FNV-1a of every field.
    pub fn fingerprint(&self) -> u64 {
        let mut hash = Fnv::default();
        hash.add(&self.title);
        // A dated event hashes as before undated events existed, so stored
        // fingerprints stay valid.
        hash.add(
            &self
                .start
                .map_or("-".to_string(), |start| start.to_rfc3339()),
        );
        hash.add(&format!("{:?}", self.end.map(|end| end.to_rfc3339())));
        // Facts kept without it hash as they did.
        if let Some(shown) = self.shown_end {
            hash.add(&shown.to_rfc3339());
        }
        hash.add(&self.venue);
        for talk in &self.talks {
            hash.add(&talk.title);
            hash.add(&format!("{:?}", talk.start.map(|start| start.to_rfc3339())));
            for speaker in &talk.speakers {
                hash.add(speaker);
            }
        }
        hash.add(if self.cancelled { "cancelled" } else { "on" });
        for link in [&self.video, &self.slides, &self.register] {
            hash.add(link.as_deref().unwrap_or("-"));
        }
        hash.0
    }

    /// What a change notice reports, oldest first: that a cancelled event
    /// is back on, the event's time and venue, and each talk whose time or
    /// speakers moved. Links and wording are not news.
    pub fn changes(&self, now: &Facts) -> Vec<Change> {
        let mut out = Vec::new();
        if self.cancelled && !now.cancelled {
            out.push(Change::Restored);
        }
        let shown_moved = self.shown_end.is_some() && self.shown_end != now.shown_end;
        if (self.start, self.end) != (now.start, now.end) || shown_moved {
            out.push(Change::Time);
        }
        if self.venue != now.venue {
            out.push(Change::Venue {
                old: self.venue.clone(),
            });
        }
        for talk in &now.talks {
            let Some(before) = self.talks.iter().find(|t| t.title == talk.title) else {
                continue;
            };
            if before.start != talk.start || before.speakers != talk.speakers {
                out.push(Change::Talk {
                    old: before.clone(),
                    new: talk.clone(),
                });
            }
        }
        out
    }

    /// The recording and slides, if they are new since `told`.
    pub fn new_recording(&self, told: &Facts) -> bool {
        let appeared = |now: &Option<String>, then: &Option<String>| now.is_some() && now != then;
        appeared(&self.video, &told.video) || appeared(&self.slides, &told.slides)
    }
}

impl TalkFacts {
    fn of(talk: &Talk) -> TalkFacts {
        TalkFacts {
            title: talk.title.plain(),
            start: talk.slot.map(|slot| slot.start),
            speakers: talk.speakers.iter().map(|s| s.name.clone()).collect(),
        }
    }
}

/// One line of a change notice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// The chat was told the event is cancelled, and the page is on again.
    Restored,
    /// The event's start or end moved, or the end its agenda implies; the
    /// notice shows the old and new times.
    Time,
    Venue {
        old: String,
    },
    Talk {
        old: TalkFacts,
        new: TalkFacts,
    },
}

/// The end of the last talk, for a page that gives no end: an event shown
/// as 14:00–17:40 because its agenda runs so.
fn implied_end(event: &Event) -> Option<Instant> {
    if event.end.is_some() {
        return None;
    }
    event
        .effective_end()
        .filter(|end| Some(*end) != event.start)
}

fn venue(event: &Event) -> String {
    let venue = &event.venue;
    let location = venue.location.as_ref().map(|l| l.plain());
    [
        location.as_deref(),
        venue.street.as_deref(),
        venue.city.as_deref(),
    ]
    .into_iter()
    .flatten()
    .filter(|part| !part.is_empty())
    .collect::<Vec<_>>()
    .join(", ")
}

/// FNV-1a: unlike std's hasher, the same in every build, so fingerprints and
/// post keys stay stable across upgrades.
pub(crate) struct Fnv(pub u64);

impl Default for Fnv {
    fn default() -> Self {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
}

impl Fnv {
    pub fn add(&mut self, text: &str) {
        // A separator, so `ab` + `c` differs from `a` + `bc`.
        for byte in text.bytes().chain([0xff]) {
            self.0 = (self.0 ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3);
        }
    }
}

/// The FNV-1a fingerprint of one text.
pub(crate) fn fnv(text: &str) -> u64 {
    let mut hash = Fnv::default();
    hash.add(text);
    hash.0
}
