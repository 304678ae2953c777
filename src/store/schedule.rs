//! The scheduler's [`Memory`] in the state file. A post is recorded in one
//! transaction with what its chat was told, right after Telegram accepted
//! it: a crash can lose at most the record of the one post in flight.

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use rusqlite::{params, OptionalExtension};

use super::{Store, StoreError, StoreProblem};
use crate::config::ChatTarget;
use crate::schedule::{Facts, Memory, Post, Seen};

/// How a post ended, as the state file says it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Sent,
    /// Fell due too long ago (herald was down): never sent.
    Skipped,
    /// The chat blocked herald or no longer exists.
    Undeliverable,
}

impl Outcome {
    const ALL: [Outcome; 3] = [Outcome::Sent, Outcome::Skipped, Outcome::Undeliverable];

    pub(super) fn as_str(self) -> &'static str {
        match self {
            Outcome::Sent => "sent",
            Outcome::Skipped => "skipped",
            Outcome::Undeliverable => "undeliverable",
        }
    }

    pub(super) fn parse(text: &str) -> Option<Outcome> {
        Outcome::ALL.into_iter().find(|o| o.as_str() == text)
    }
}

impl Store {
    /// Everything the scheduler remembers.
    pub fn memory(&self) -> Result<Memory, StoreError> {
        let mut memory = Memory::default();
        let connection = self.connection();
        let loaded = (|| -> rusqlite::Result<Result<(), StoreProblem>> {
            let mut told = connection.prepare("SELECT event, chat, facts FROM told")?;
            let rows = told.query_map([], |row| {
                Ok((
                    row.get::<_, String>(0)?,
                    row.get::<_, String>(1)?,
                    row.get::<_, String>(2)?,
                ))
            })?;
            for row in rows {
                let (event, chat, facts) = row?;
                match decode(&facts) {
                    Ok(facts) => memory.tell(&event, &chat_of(&chat), facts),
                    Err(problem) => return Ok(Err(problem)),
                }
            }
            let mut seen = connection.prepare("SELECT event, facts, since FROM seen")?;
            let rows = seen.query_map([], |row| {
                Ok((
                    row.get::<_, String>(0)?,
                    row.get::<_, Option<String>>(1)?,
                    row.get::<_, DateTime<Utc>>(2)?,
                ))
            })?;
            for row in rows {
                let (event, facts, since) = row?;
                let facts = match facts.as_deref().map(decode).transpose() {
                    Ok(facts) => facts,
                    Err(problem) => return Ok(Err(problem)),
                };
                let fingerprint = facts.as_ref().map_or(0, Facts::fingerprint);
                memory.seen.insert(
                    event,
                    Seen {
                        facts,
                        fingerprint,
                        since,
                    },
                );
            }
            Ok(Ok(()))
        })();
        drop(connection);
        match loaded {
            Ok(Ok(())) => {
                memory.done = self.done_keys()?;
                memory.announcements = self.owed_announcements()?;
                Ok(memory)
            }
            Ok(Err(problem)) => Err(self.fail(problem)),
            Err(error) => Err(self.fail(error.into())),
        }
    }

    /// The keys of every post sent or given up on.
    pub fn done_keys(&self) -> Result<HashSet<String>, StoreError> {
        let connection = self.connection();
        let keys = connection
            .prepare("SELECT key FROM posts")
            .and_then(|mut statement| statement.query_map([], |row| row.get(0))?.collect());
        self.check(keys)
    }

    /// A post done, and what its chat now knows, in one transaction.
    /// `detail` says why it failed, or how a pin went.
    pub fn record_post(
        &self,
        post: &Post,
        outcome: Outcome,
        detail: Option<&str>,
        told: &[(String, Facts)],
        at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let mut connection = self.connection();
        let written = (|| {
            let transaction = connection.transaction()?;
            transaction.execute(
                "INSERT OR REPLACE INTO posts (key, chat, outcome, detail, at)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
                params![
                    post.key,
                    post.chat.to_string(),
                    outcome.as_str(),
                    detail,
                    at
                ],
            )?;
            for (event, facts) in told {
                transaction.execute(
                    "INSERT OR REPLACE INTO told (event, chat, facts) VALUES (?1, ?2, ?3)",
                    params![event, post.chat.to_string(), encode(facts)],
                )?;
            }
            transaction.commit()
        })();
        self.check(written)
    }

    /// What the pages say now, for the events whose facts changed.
    pub fn record_seen(&self, memory: &Memory, changed: &[String]) -> Result<(), StoreError> {
        let mut connection = self.connection();
        let written = (|| {
            let transaction = connection.transaction()?;
            for id in changed {
                let Some(seen) = memory.seen.get(id) else {
                    continue;
                };
                transaction.execute(
                    "INSERT OR REPLACE INTO seen (event, facts, since) VALUES (?1, ?2, ?3)",
                    params![id, seen.facts.as_ref().map(encode), seen.since],
                )?;
            }
            transaction.commit()
        })();
        self.check(written)
    }

    /// A chat nothing more is owed to: what it was told is forgotten.
    pub fn forget_chat(&self, chat: &ChatTarget) -> Result<(), StoreError> {
        let deleted = self
            .connection()
            .execute("DELETE FROM told WHERE chat = ?1", [chat.to_string()]);
        self.check(deleted).map(|_| ())
    }

    /// Where planning left off: timed posts due after this are still owed.
    pub fn planned_until(&self) -> Result<Option<DateTime<Utc>>, StoreError> {
        let value = self
            .connection()
            .query_row(
                "SELECT value FROM meta WHERE name = 'planned_until'",
                [],
                |row| row.get::<_, String>(0),
            )
            .optional();
        let value = self.check(value)?;
        value
            .map(|text| {
                DateTime::parse_from_rfc3339(&text)
                    .map(|at| at.with_timezone(&Utc))
                    .map_err(|e| {
                        self.fail(StoreProblem::Record(format!("planned_until `{text}`: {e}")))
                    })
            })
            .transpose()
    }

    pub fn set_planned_until(&self, at: DateTime<Utc>) -> Result<(), StoreError> {
        let written = self.connection().execute(
            "INSERT OR REPLACE INTO meta (name, value) VALUES ('planned_until', ?1)",
            [at.to_rfc3339()],
        );
        self.check(written).map(|_| ())
    }

    fn fail(&self, problem: StoreProblem) -> StoreError {
        StoreError {
            path: self.path.clone(),
            source: problem,
        }
    }
}

fn encode(facts: &Facts) -> String {
    serde_json::to_string(facts).expect("facts are plain data")
}

fn decode(text: &str) -> Result<Facts, StoreProblem> {
    serde_json::from_str(text).map_err(|e| StoreProblem::Record(format!("told facts: {e}")))
}

/// The inverse of `ChatTarget`'s display: `@name` or a numeric id.
pub(super) fn chat_of(text: &str) -> ChatTarget {
    match text.parse::<i64>() {
        Ok(id) => ChatTarget::Id(id),
        Err(_) => ChatTarget::Username(text.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::events::{parse, Parsed};
    use crate::schedule::What;

    fn event() -> crate::events::Event {
        let src = "---\ntitle: T\ndate: 2030-01-01T10:00:00+08:00\n---\n";
        match parse(Path::new("e.md"), src, chrono_tz::Asia::Shanghai) {
            Ok(Parsed::Event { event, .. }) => *event,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn memory_survives_reopening() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("herald.db");
        let store = Store::open(&path).unwrap();
        let events = vec![event()];
        let mut memory = Memory::default();
        let now: DateTime<Utc> = "2029-12-25T00:00:00Z".parse().unwrap();
        let changed = memory.observe(&events, now);
        store.record_seen(&memory, &changed).unwrap();
        let post = Post {
            key: "reminder/e/7d/x/@chan".into(),
            due: now,
            chat: ChatTarget::Username("@chan".into()),
            what: What::Reminder {
                event: "e".into(),
                before: "7d".parse().unwrap(),
            },
        };
        let told = memory.sent(&post, &events);
        store
            .record_post(&post, Outcome::Sent, None, &told, now)
            .unwrap();
        store.set_planned_until(now).unwrap();
        store.close().unwrap();

        let store = Store::open(&path).unwrap();
        assert_eq!(store.memory().unwrap(), memory);
        assert_eq!(store.planned_until().unwrap(), Some(now));
        store
            .forget_chat(&ChatTarget::Username("@chan".into()))
            .unwrap();
        assert!(store
            .memory()
            .unwrap()
            .told
            .values()
            .all(|t| t.chats.is_empty()));
    }
}
