//! The scheduler's [`Memory`] in the state file. A post is recorded in one
//! transaction with what its chat was told, right after Telegram accepted
//! it, and each message of a long post as it is accepted: a crash can lose
//! at most the record of the one message in flight.
//!
//! Bounded: [`Store::prune`] forgets what is long past (see its doc for why
//! that cannot make a post repeat).

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Duration, Utc};
use rusqlite::{params, OptionalExtension};

use super::{Store, StoreError, StoreProblem};
use crate::config::ChatTarget;
use crate::schedule::{Facts, Memory, Post, Seen};

/// What [`Store::prune`] forgot.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Pruned {
    /// Post records.
    pub posts: usize,
    /// Events whose history (what chats were told) went.
    pub events: usize,
}

/// A chat's latest post record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LastPost {
    /// The post's key: its kind is the part before the first `/`.
    pub key: String,
    pub outcome: Outcome,
    pub at: DateTime<Utc>,
}

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
            for (event, facts, since) in seen_rows(&connection)? {
                let facts = match facts.as_deref().map(decode).transpose() {
                    Ok(facts) => facts,
                    Err(problem) => return Ok(Err(problem)),
                };
                memory.seen.insert(event, Seen { facts, since }.sighting());
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

    /// The number of the latest post record (0 for none): what
    /// [`Store::posts_after`] reads on from.
    pub fn last_post(&self) -> Result<i64, StoreError> {
        let last =
            self.connection()
                .query_row("SELECT coalesce(max(seq), 0) FROM posts", [], |row| {
                    row.get(0)
                });
        self.check(last)
    }

    /// The keys recorded after record `seq` (by any process), and the
    /// latest record's number: what another process did, read since the
    /// last look rather than whole.
    pub fn posts_after(&self, seq: i64) -> Result<(Vec<String>, i64), StoreError> {
        let connection = self.connection();
        let rows = connection
            .prepare_cached("SELECT seq, key FROM posts WHERE seq > ?1 ORDER BY seq")
            .and_then(|mut statement| {
                statement
                    .query_map([seq], |row| Ok((row.get::<_, i64>(0)?, row.get(1)?)))?
                    .collect::<rusqlite::Result<Vec<(i64, String)>>>()
            });
        let rows = self.check(rows)?;
        let last = rows.last().map_or(seq, |(seq, _)| *seq);
        Ok((rows.into_iter().map(|(_, key)| key).collect(), last))
    }

    /// Long posts part-way out: by key, how many of their messages Telegram
    /// accepted, and how the first one's pin went.
    pub fn parts(&self) -> Result<HashMap<String, (usize, Option<String>)>, StoreError> {
        let connection = self.connection();
        let rows = connection
            .prepare("SELECT key, sent, detail FROM parts")
            .and_then(|mut statement| {
                statement
                    .query_map([], |row| {
                        let sent: i64 = row.get(1)?;
                        Ok((row.get(0)?, (sent as usize, row.get(2)?)))
                    })?
                    .collect()
            });
        self.check(rows)
    }

    /// The first `sent` messages of a long post were accepted.
    pub fn record_part(
        &self,
        post: &Post,
        sent: usize,
        detail: Option<&str>,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let written = self.connection().execute(
            "INSERT OR REPLACE INTO parts (key, chat, sent, detail, at) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![post.key, post.chat.to_string(), sent as i64, detail, at],
        );
        self.check(written).map(drop)
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
            transaction.execute("DELETE FROM parts WHERE key = ?1", [&post.key])?;
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
    pub fn record_seen(&self, changed: &[(String, Seen)]) -> Result<(), StoreError> {
        let mut connection = self.connection();
        let written = (|| {
            let transaction = connection.transaction()?;
            for (id, seen) in changed {
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

    /// The key `@name` in `bot.toml` is posted under, once settled: its
    /// numeric id once resolved, or the name itself if posts went out
    /// under it first. Keys never change once used.
    pub fn chat_key(&self, username: &str) -> Result<Option<ChatTarget>, StoreError> {
        let key = self
            .connection()
            .query_row(
                "SELECT key FROM chat_keys WHERE username = ?1",
                [username],
                |row| row.get::<_, String>(0),
            )
            .optional();
        Ok(self.check(key)?.map(|key| chat_of(&key)))
    }

    pub fn set_chat_key(
        &self,
        username: &str,
        key: &ChatTarget,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let written = self.connection().execute(
            "INSERT INTO chat_keys (username, key, since) VALUES (?1, ?2, ?3)
             ON CONFLICT (username) DO NOTHING",
            params![username, key.to_string(), at],
        );
        self.check(written).map(drop)
    }

    /// The last post each chat was sent or refused (never one skipped as
    /// too late), by the key it was posted under: what `herald chats`
    /// shows, read without writing.
    pub fn last_posts(&self) -> Result<HashMap<ChatTarget, LastPost>, StoreError> {
        let connection = self.connection();
        let rows = connection.prepare(LAST_POSTS).and_then(|mut statement| {
            statement
                .query_map([], |row| {
                    Ok((
                        row.get::<_, String>(0)?,
                        row.get::<_, String>(1)?,
                        row.get::<_, String>(2)?,
                        row.get::<_, DateTime<Utc>>(3)?,
                    ))
                })?
                .collect::<rusqlite::Result<Vec<_>>>()
        });
        drop(connection);
        let mut last = HashMap::new();
        for (chat, key, outcome, at) in self.check(rows)? {
            let (chat, post) = last_post(&chat, key, &outcome, at).map_err(|p| self.fail(p))?;
            last.insert(chat, post);
        }
        Ok(last)
    }

    /// Whether anything was posted to `chat` under this very key.
    pub fn has_history(&self, chat: &ChatTarget) -> Result<bool, StoreError> {
        let found = self.connection().query_row(
            "SELECT EXISTS (SELECT 1 FROM posts WHERE chat = ?1)
                 OR EXISTS (SELECT 1 FROM told WHERE chat = ?1)
                 OR EXISTS (SELECT 1 FROM parts WHERE chat = ?1)",
            [chat.to_string()],
            |row| row.get(0),
        );
        self.check(found)
    }

    /// Forgets what is long past: post records older than `keep`, and what
    /// chats were told about events that started more than `keep` ago or
    /// whose page has been gone that long. Announcements and their
    /// per-chat reports are kept.
    ///
    /// Why no post can repeat for it: a timed post (digest, reminder) is
    /// recorded at or after it fell due, so a forgotten one fell due more
    /// than `keep` ago; the plan only looks back to where it left off, and
    /// anything older than `catch_up` it finds is skipped, never sent, so
    /// `keep` must exceed `catch_up` (the runner ensures it). Notices are
    /// planned from what chats were told, and an event whose told facts
    /// are forgotten gets no notice at all.
    pub fn prune(&self, now: DateTime<Utc>, keep: Duration) -> Result<Pruned, StoreError> {
        let cut = now - keep;
        let mut connection = self.connection();
        let pruned = (|| -> rusqlite::Result<Result<Pruned, StoreProblem>> {
            let transaction = connection.transaction()?;
            let posts = transaction.execute(
                "DELETE FROM posts WHERE at < ?1 AND substr(key, 1, 9) != 'announce/'",
                [cut],
            )?;
            transaction.execute("DELETE FROM parts WHERE at < ?1", [cut])?;
            let mut past = Vec::new();
            for (event, facts, since) in seen_rows(&transaction)? {
                let gone = match facts.as_deref().map(decode).transpose() {
                    Ok(None) => since < cut,
                    Ok(Some(facts)) => facts.start.is_some_and(|start| start < cut),
                    Err(problem) => return Ok(Err(problem)),
                };
                if gone {
                    past.push((event, facts.is_none()));
                }
            }
            let mut events = 0;
            for (event, removed) in &past {
                events += usize::from(
                    transaction.execute("DELETE FROM told WHERE event = ?1", [event])? > 0,
                );
                if *removed {
                    transaction.execute("DELETE FROM seen WHERE event = ?1", [event])?;
                }
            }
            transaction.commit()?;
            Ok(Ok(Pruned { posts, events }))
        })();
        match pruned {
            Ok(result) => result.map_err(|problem| self.fail(problem)),
            Err(error) => Err(self.fail(error.into())),
        }
    }

    fn fail(&self, problem: StoreProblem) -> StoreError {
        StoreError {
            path: self.path.clone(),
            source: problem,
        }
    }
}

/// A row of `seen`: the event, its facts as stored (none once its page is
/// gone), and since when.
type SeenRow = (String, Option<String>, DateTime<Utc>);

fn seen_rows(connection: &rusqlite::Connection) -> rusqlite::Result<Vec<SeenRow>> {
    let mut seen = connection.prepare("SELECT event, facts, since FROM seen")?;
    let rows = seen.query_map([], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))?;
    rows.collect()
}

pub(super) fn encode(facts: &Facts) -> String {
    serde_json::to_string(facts).expect("facts are plain data")
}

pub(super) fn decode(text: &str) -> Result<Facts, StoreProblem> {
    serde_json::from_str(text).map_err(|e| StoreProblem::Record(format!("told facts: {e}")))
}

/// The inverse of `ChatTarget`'s display: `@name` or a numeric id, and
/// `/topic` after it where there is one.
/// The statement both stores read each chat's last post with.
pub(super) const LAST_POSTS: &str = "SELECT chat, key, outcome, at FROM posts WHERE seq IN (
         SELECT max(seq) FROM posts WHERE outcome != 'skipped' GROUP BY chat
     )";

/// One chat's last post as read, its outcome checked.
pub(super) fn last_post(
    chat: &str,
    key: String,
    outcome: &str,
    at: DateTime<Utc>,
) -> Result<(ChatTarget, LastPost), StoreProblem> {
    let outcome = Outcome::parse(outcome)
        .ok_or_else(|| StoreProblem::Record(format!("post `{key}` has the outcome `{outcome}`")))?;
    Ok((chat_of(chat), LastPost { key, outcome, at }))
}

pub(super) fn chat_of(text: &str) -> ChatTarget {
    match text.parse() {
        Ok(chat) => chat,
        Err(never) => match never {},
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
        let changed: Vec<(String, Seen)> = memory.observe(&events, now);
        store.record_seen(&changed).unwrap();
        let post = Post {
            key: "reminder/e/7d/x/@chan".into(),
            due: now,
            chat: ChatTarget::username("@chan"),
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
        store.forget_chat(&ChatTarget::username("@chan")).unwrap();
        assert!(store
            .memory()
            .unwrap()
            .told
            .values()
            .all(|t| t.chats.is_empty()));
    }

    #[test]
    fn what_a_chat_was_told_under_an_old_key_is_still_its_own() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("herald.db")).unwrap();
        let now: DateTime<Utc> = "2030-01-01T00:00:00Z".parse().unwrap();
        let events = vec![event()];
        let mut memory = Memory::default();
        memory.observe(&events, now);
        // A row as herald wrote it before topics existed, and one for a topic.
        let old = reminder("e", -1001);
        let topic = Post {
            key: "reminder/e/2h/-1001/42".into(),
            chat: ChatTarget::id(-1001).in_topic(Some(42)),
            ..reminder("e", -1001)
        };
        for post in [&old, &topic] {
            let told = memory.sent(post, &events);
            store
                .record_post(post, Outcome::Sent, None, &told, now)
                .unwrap();
        }
        let memory = store.memory().unwrap();
        assert!(memory.done.contains("reminder/e/2h/-1001"));
        let told: Vec<&ChatTarget> = memory.told["e"].chats.keys().collect();
        assert_eq!(
            told,
            [
                &ChatTarget::id(-1001),
                &ChatTarget::id(-1001).in_topic(Some(42))
            ]
        );
        assert_eq!(chat_of("-1001"), ChatTarget::id(-1001));
        assert_eq!(chat_of("@chan"), ChatTarget::username("@chan"));
        assert_eq!(
            chat_of("@chan/7"),
            ChatTarget::username("@chan").in_topic(Some(7))
        );
    }

    fn reminder(event: &str, chat: i64) -> Post {
        Post {
            key: format!("reminder/{event}/2h/{chat}"),
            due: "2030-01-01T00:00:00Z".parse().unwrap(),
            chat: ChatTarget::id(chat),
            what: What::Reminder {
                event: event.into(),
                before: "2h".parse().unwrap(),
            },
        }
    }

    #[test]
    fn another_process_writes_are_read_from_where_the_last_look_ended() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("herald.db");
        let bot = Store::open(&path).unwrap();
        let now: DateTime<Utc> = "2030-01-01T00:00:00Z".parse().unwrap();
        bot.record_post(&reminder("a", 1), Outcome::Sent, None, &[], now)
            .unwrap();
        let seq = bot.last_post().unwrap();
        let other = Store::open(&path).unwrap();
        other
            .record_post(&reminder("b", 1), Outcome::Sent, None, &[], now)
            .unwrap();
        other
            .record_post(&reminder("c", 1), Outcome::Sent, None, &[], now)
            .unwrap();
        let (keys, last) = bot.posts_after(seq).unwrap();
        assert_eq!(keys, ["reminder/b/2h/1", "reminder/c/2h/1"]);
        assert_eq!(bot.posts_after(last).unwrap(), (Vec::new(), last));
    }

    #[test]
    fn pruning_forgets_old_posts_and_past_events_but_keeps_announcements() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("herald.db")).unwrap();
        let now: DateTime<Utc> = "2030-06-01T00:00:00Z".parse().unwrap();
        let long_ago = now - Duration::days(200);
        let mut memory = Memory::default();
        let past = event();
        let seen: Vec<(String, Seen)> = memory.observe(std::slice::from_ref(&past), long_ago);
        store.record_seen(&seen).unwrap();
        let old = reminder("e", 1);
        let told = memory.sent(&old, std::slice::from_ref(&past));
        store
            .record_post(&old, Outcome::Sent, None, &told, long_ago)
            .unwrap();
        let announced = Post {
            key: "announce/1/1".into(),
            ..reminder("x", 1)
        };
        store
            .record_post(&announced, Outcome::Sent, None, &[], long_ago)
            .unwrap();
        let recent = reminder("f", 2);
        store
            .record_post(&recent, Outcome::Sent, None, &[], now)
            .unwrap();

        let pruned = store.prune(now, Duration::days(90)).unwrap();
        assert_eq!(
            pruned,
            Pruned {
                posts: 1,
                events: 1
            }
        );
        let memory = store.memory().unwrap();
        assert!(!memory.done.contains(&old.key));
        assert!(
            memory.done.contains(&announced.key),
            "announcements are kept"
        );
        assert!(memory.done.contains(&recent.key));
        assert!(memory.told.is_empty(), "{:?}", memory.told);
        assert!(memory.seen.contains_key("e"), "the page is still there");
        assert_eq!(
            store.prune(now, Duration::days(90)).unwrap(),
            Pruned::default()
        );
    }
}
