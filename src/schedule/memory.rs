//! What herald has done and seen, as plain data: the state file stores it,
//! the planner reads it, and these updates are the only ways it changes, so
//! the runner and the scenario tests move it forward the same way.
//!
//! Facts are kept once per version with a fingerprint per chat, because a
//! long-running bot has told every chat about every event: comparing one
//! number per chat keeps a turn fast however long the history grows.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;

use chrono::{DateTime, Utc};

use super::facts::Facts;
use super::plan::{Announcement, Post, What};
use crate::config::ChatTarget;
use crate::events::Event;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Memory {
    /// Keys of posts sent, or skipped as too late: never planned again.
    pub done: HashSet<String>,
    /// What each chat was last told about each event, by event id.
    pub told: BTreeMap<String, Told>,
    /// Each event's facts as last seen (by fingerprint), and since when.
    pub seen: HashMap<String, Sighting>,
    /// Announcements organizers confirmed that are not yet done: herald
    /// owes them to its chats as it owes reminders.
    pub announcements: Vec<Arc<Announcement>>,
}

/// What the chats were told about one event.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Told {
    /// Each chat's version, as a fingerprint.
    pub chats: BTreeMap<ChatTarget, u64>,
    /// The versions some chat holds, by fingerprint.
    pub versions: HashMap<u64, Version>,
}

/// One version of an event's facts, and how many chats hold it: counted,
/// so telling one chat costs the same however many chats there are.
#[derive(Debug, Clone, PartialEq)]
pub struct Version {
    pub facts: Facts,
    holders: usize,
}

impl Told {
    /// What `chat` was last told.
    pub fn facts(&self, chat: &ChatTarget) -> Option<&Facts> {
        self.versions.get(self.chats.get(chat)?).map(|v| &v.facts)
    }

    /// A chat no longer holds `fingerprint`; the last holder drops it.
    fn release(&mut self, fingerprint: u64) {
        if let Some(version) = self.versions.get_mut(&fingerprint) {
            version.holders -= 1;
            if version.holders == 0 {
                self.versions.remove(&fingerprint);
            }
        }
    }
}

/// What a page said when its facts last changed, as the state file keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Seen {
    /// `None` once the page is gone (removed, or now a draft).
    pub facts: Option<Facts>,
    pub since: DateTime<Utc>,
}

impl Seen {
    pub fn sighting(&self) -> Sighting {
        Sighting {
            fingerprint: self.facts.as_ref().map(Facts::fingerprint),
            since: self.since,
        }
    }
}

/// A [`Seen`] as the scheduler keeps it: the fingerprint of the facts, not
/// the facts, which are the catalog's. A second copy of every page's
/// title, venue and talks would be a second copy of the catalog's text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sighting {
    /// `None` once the page is gone (removed, or now a draft).
    pub fingerprint: Option<u64>,
    pub since: DateTime<Utc>,
}

impl Memory {
    /// Notes what the pages say now; call it when they are (re)loaded.
    /// Returns what changed, for the state file.
    pub fn observe(&mut self, events: &[Event], now: DateTime<Utc>) -> Vec<(String, Seen)> {
        let mut changed = Vec::new();
        let mut present = HashSet::with_capacity(events.len());
        for event in events {
            present.insert(event.id.as_str());
            let facts = Facts::of(event);
            let fingerprint = Some(facts.fingerprint());
            if self.seen.get(&event.id).map(|seen| seen.fingerprint) != Some(fingerprint) {
                let sighting = Sighting {
                    fingerprint,
                    since: now,
                };
                self.seen.insert(event.id.clone(), sighting);
                let seen = Seen {
                    facts: Some(facts),
                    since: now,
                };
                changed.push((event.id.clone(), seen));
            }
        }
        for (id, sighting) in &mut self.seen {
            if sighting.fingerprint.is_some() && !present.contains(id.as_str()) {
                *sighting = Sighting {
                    fingerprint: None,
                    since: now,
                };
                let seen = Seen {
                    facts: None,
                    since: now,
                };
                changed.push((id.clone(), seen));
            }
        }
        changed
    }

    /// What `chat` was last told about `event`.
    pub fn told(&self, event: &str, chat: &ChatTarget) -> Option<&Facts> {
        self.told.get(event)?.facts(chat)
    }

    /// A post Telegram accepted: done, and its chat now knows what it said.
    /// Returns the facts told, per event, for the state file.
    pub fn sent(&mut self, post: &Post, events: &[Event]) -> Vec<(String, Facts)> {
        self.done.insert(post.key.clone());
        let mut out = Vec::new();
        for id in post.events() {
            let facts = match &post.what {
                What::Cancellation { facts, .. } => Some(Facts {
                    cancelled: true,
                    ..(**facts).clone()
                }),
                _ => events.iter().find(|e| e.id == id).map(Facts::of),
            };
            if let Some(facts) = facts {
                self.tell(id, &post.chat, facts.clone());
                out.push((id.to_string(), facts));
            }
        }
        out
    }

    /// Records that `chat` knows `facts` about `event` (also used to load
    /// the state file).
    pub fn tell(&mut self, event: &str, chat: &ChatTarget, facts: Facts) {
        let told = self.told.entry(event.to_string()).or_default();
        let fingerprint = facts.fingerprint();
        let previous = told.chats.insert(chat.clone(), fingerprint);
        if previous == Some(fingerprint) {
            return;
        }
        told.versions
            .entry(fingerprint)
            .or_insert(Version { facts, holders: 0 })
            .holders += 1;
        if let Some(previous) = previous {
            told.release(previous);
        }
    }

    /// A post that fell due too long ago: never sent, never planned again.
    pub fn skipped(&mut self, post: &Post) {
        self.done.insert(post.key.clone());
    }

    /// A chat that blocked herald or no longer exists: nothing more is owed to it.
    pub fn forget_chat(&mut self, chat: &ChatTarget) {
        for told in self.told.values_mut() {
            if let Some(fingerprint) = told.chats.remove(chat) {
                told.release(fingerprint);
            }
        }
    }
}
