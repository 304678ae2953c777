//! What herald has done and seen, as plain data: the state file stores it,
//! the planner reads it, and these updates are the only ways it changes, so
//! the runner and the scenario tests move it forward the same way.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};

use super::facts::Facts;
use super::plan::{Post, What};
use crate::config::ChatTarget;
use crate::events::Event;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Memory {
    /// Keys of posts sent, or skipped as too late: never planned again.
    pub done: HashSet<String>,
    /// The last facts each chat was told about each event.
    pub told: HashMap<(String, ChatTarget), Facts>,
    /// Each event's facts as last seen, and since when.
    pub seen: HashMap<String, Seen>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Seen {
    /// `None` once the page is gone (removed, or now a draft).
    pub facts: Option<Facts>,
    pub since: DateTime<Utc>,
}

impl Memory {
    /// Notes what the pages say now. Returns whether anything changed, so
    /// the runner knows what to store.
    pub fn observe(&mut self, events: &[Event], now: DateTime<Utc>) -> Vec<String> {
        let mut changed = Vec::new();
        for event in events {
            let facts = Some(Facts::of(event));
            if self.seen.get(&event.id).map(|seen| &seen.facts) != Some(&facts) {
                self.seen
                    .insert(event.id.clone(), Seen { facts, since: now });
                changed.push(event.id.clone());
            }
        }
        for (id, seen) in &mut self.seen {
            let gone = seen.facts.is_some() && !events.iter().any(|e| &e.id == id);
            if gone {
                *seen = Seen {
                    facts: None,
                    since: now,
                };
                changed.push(id.clone());
            }
        }
        changed
    }

    /// A post Telegram accepted: done, and its chat now knows what it said.
    /// Returns the `told` entries that changed.
    pub fn sent(&mut self, post: &Post, events: &[Event]) -> Vec<(String, Facts)> {
        self.done.insert(post.key.clone());
        let mut told = Vec::new();
        for id in post.events() {
            let facts = match &post.what {
                What::Cancellation { facts, .. } => Some(Facts {
                    cancelled: true,
                    ..(**facts).clone()
                }),
                _ => events.iter().find(|e| e.id == id).map(Facts::of),
            };
            if let Some(facts) = facts {
                self.told
                    .insert((id.to_string(), post.chat.clone()), facts.clone());
                told.push((id.to_string(), facts));
            }
        }
        told
    }

    /// A post that fell due too long ago: never sent, never planned again.
    pub fn skipped(&mut self, post: &Post) {
        self.done.insert(post.key.clone());
    }

    /// A chat that blocked herald or no longer exists: nothing more is owed to it.
    pub fn forget_chat(&mut self, chat: &ChatTarget) {
        self.told.retain(|(_, told_chat), _| told_chat != chat);
    }
}
