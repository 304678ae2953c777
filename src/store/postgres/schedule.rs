//! The scheduler's memory in PostgreSQL, as SQLite keeps it (see
//! `store/schedule.rs` for what each table promises), and
//! [`ScheduleStore`] over it.
//!
//! `posts.seq` comes from a sequence, which hands out numbers when rows are
//! inserted, not when they commit: two writers could commit 11 before 10,
//! and a reader between the two would skip 10 for good. So a post is
//! recorded under a transaction lock that every post record takes: records
//! commit in the order of their numbers, as SQLite's single writer does.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Duration, Utc};
use postgres::Transaction;

use super::PgStore;
use crate::config::ChatTarget;
use crate::lang::Lang;
use crate::schedule::{Facts, Memory, Post, Seen};
use crate::store::schedule::{chat_of, decode, encode, last_post, LAST_POSTS};
use crate::store::{LastPost, Outcome, Pruned, StoreError, StoreProblem};

/// The lock every post record takes (any fixed key, herald's own).
const POSTS_LOCK: i64 = 0x6865_7261_6c64_0002;

impl PgStore {
    /// Everything the scheduler remembers.
    pub fn memory(&self) -> Result<Memory, StoreError> {
        let mut memory = Memory::default();
        let told = self.read(|client| client.query("SELECT event, chat, facts FROM told", &[]))?;
        for row in told {
            let facts = decode(row.get(2)).map_err(|p| self.fail(p))?;
            memory.tell(row.get(0), &chat_of(row.get(1)), facts);
        }
        let seen = self.read(|client| client.query("SELECT event, facts, since FROM seen", &[]))?;
        for row in seen {
            let facts = row
                .get::<_, Option<&str>>(1)
                .map(decode)
                .transpose()
                .map_err(|p| self.fail(p))?;
            let since = row.get(2);
            memory
                .seen
                .insert(row.get(0), Seen { facts, since }.sighting());
        }
        memory.done = self.done_keys()?;
        memory.announcements = self.owed_announcements()?;
        Ok(memory)
    }

    /// The keys of every post sent or given up on.
    pub fn done_keys(&self) -> Result<HashSet<String>, StoreError> {
        let rows = self.read(|client| client.query("SELECT key FROM posts", &[]))?;
        Ok(rows.iter().map(|row| row.get(0)).collect())
    }

    /// The number of the latest post record (0 for none).
    pub fn last_post(&self) -> Result<i64, StoreError> {
        let row = self.read(|client| {
            client.query_one("SELECT coalesce(max(seq), 0)::bigint FROM posts", &[])
        })?;
        Ok(row.get(0))
    }

    /// The keys recorded after record `seq` (by any process), and the
    /// latest record's number.
    pub fn posts_after(&self, seq: i64) -> Result<(Vec<String>, i64), StoreError> {
        let rows = self.read(|client| {
            client.query(
                "SELECT seq, key FROM posts WHERE seq > $1 ORDER BY seq",
                &[&seq],
            )
        })?;
        let last = rows.last().map_or(seq, |row| row.get(0));
        Ok((rows.iter().map(|row| row.get(1)).collect(), last))
    }

    /// Long posts part-way out: messages accepted, and the first one's pin.
    pub fn parts(&self) -> Result<HashMap<String, (usize, Option<String>)>, StoreError> {
        let rows = self.read(|client| client.query("SELECT key, sent, detail FROM parts", &[]))?;
        Ok(rows
            .iter()
            .map(|row| (row.get(0), (row.get::<_, i64>(1) as usize, row.get(2))))
            .collect())
    }

    /// The first `sent` messages of a long post were accepted.
    pub fn record_part(
        &self,
        post: &Post,
        sent: usize,
        detail: Option<&str>,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        self.write_checked(|tx| {
            self.check_fence(tx)?;
            tx.execute(
                "INSERT INTO parts (key, chat, sent, detail, at) VALUES ($1, $2, $3, $4, $5)
                 ON CONFLICT (key) DO UPDATE
                 SET chat = excluded.chat, sent = excluded.sent, detail = excluded.detail, at = excluded.at",
                &[&post.key, &post.chat.to_string(), &(sent as i64), &detail, &at],
            )?;
            Ok(())
        })
    }

    /// A post done, and what its chat now knows, in one transaction; a
    /// record made again takes a new number, as SQLite's REPLACE does.
    pub fn record_post(
        &self,
        post: &Post,
        outcome: Outcome,
        detail: Option<&str>,
        told: &[(String, Facts)],
        at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let chat = post.chat.to_string();
        self.write_checked(|tx| {
            self.check_fence(tx)?;
            tx.execute("SELECT pg_advisory_xact_lock($1)", &[&POSTS_LOCK])?;
            tx.execute("DELETE FROM parts WHERE key = $1", &[&post.key])?;
            tx.execute("DELETE FROM posts WHERE key = $1", &[&post.key])?;
            tx.execute(
                "INSERT INTO posts (key, chat, outcome, detail, at) VALUES ($1, $2, $3, $4, $5)",
                &[&post.key, &chat, &outcome.as_str(), &detail, &at],
            )?;
            for (event, facts) in told {
                tx.execute(
                    "INSERT INTO told (event, chat, facts) VALUES ($1, $2, $3)
                     ON CONFLICT (event, chat) DO UPDATE SET facts = excluded.facts",
                    &[event, &chat, &encode(facts)],
                )?;
            }
            Ok(())
        })
    }

    /// What the pages say now, for the events whose facts changed.
    pub fn record_seen(&self, changed: &[(String, Seen)]) -> Result<(), StoreError> {
        self.write(|tx| {
            for (id, seen) in changed {
                tx.execute(
                    "INSERT INTO seen (event, facts, since) VALUES ($1, $2, $3)
                     ON CONFLICT (event) DO UPDATE SET facts = excluded.facts, since = excluded.since",
                    &[id, &seen.facts.as_ref().map(encode), &seen.since],
                )?;
            }
            Ok(())
        })
    }

    /// A chat nothing more is owed to: what it was told is forgotten.
    pub fn forget_chat(&self, chat: &ChatTarget) -> Result<(), StoreError> {
        self.write(|tx| tx.execute("DELETE FROM told WHERE chat = $1", &[&chat.to_string()]))
            .map(drop)
    }

    /// Where planning left off.
    pub fn planned_until(&self) -> Result<Option<DateTime<Utc>>, StoreError> {
        let row = self.read(|client| {
            client.query_opt("SELECT value FROM meta WHERE name = 'planned_until'", &[])
        })?;
        row.map(|row| {
            let text: &str = row.get(0);
            DateTime::parse_from_rfc3339(text)
                .map(|at| at.with_timezone(&Utc))
                .map_err(|e| {
                    self.fail(StoreProblem::Record(format!("planned_until `{text}`: {e}")))
                })
        })
        .transpose()
    }

    pub fn set_planned_until(&self, at: DateTime<Utc>) -> Result<(), StoreError> {
        self.write(|tx| {
            tx.execute(
                "INSERT INTO meta (name, value) VALUES ('planned_until', $1)
                 ON CONFLICT (name) DO UPDATE SET value = excluded.value",
                &[&at.to_rfc3339()],
            )
        })
        .map(drop)
    }

    /// The key `@name` in `bot.toml` is posted under, once settled.
    pub fn chat_key(&self, username: &str) -> Result<Option<ChatTarget>, StoreError> {
        let row = self.read(|client| {
            client.query_opt(
                "SELECT key FROM chat_keys WHERE username = $1",
                &[&username],
            )
        })?;
        Ok(row.map(|row| chat_of(row.get(0))))
    }

    pub fn set_chat_key(
        &self,
        username: &str,
        key: &ChatTarget,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        self.write(|tx| {
            tx.execute(
                "INSERT INTO chat_keys (username, key, since) VALUES ($1, $2, $3)
                 ON CONFLICT (username) DO NOTHING",
                &[&username, &key.to_string(), &at],
            )
        })
        .map(drop)
    }

    /// Whether anything was posted to `chat` under this very key.
    pub fn has_history(&self, chat: &ChatTarget) -> Result<bool, StoreError> {
        let row = self.read(|client| {
            client.query_one(
                "SELECT EXISTS (SELECT 1 FROM posts WHERE chat = $1)
                     OR EXISTS (SELECT 1 FROM told WHERE chat = $1)
                     OR EXISTS (SELECT 1 FROM parts WHERE chat = $1)",
                &[&chat.to_string()],
            )
        })?;
        Ok(row.get(0))
    }

    /// Forgets what is long past, as [`crate::store::Store::prune`] does
    /// (its doc says why no post can repeat for it).
    pub fn prune(&self, now: DateTime<Utc>, keep: Duration) -> Result<Pruned, StoreError> {
        let cut = now - keep;
        self.write_checked(|tx| {
            let posts = tx.execute(
                "DELETE FROM posts WHERE at < $1 AND NOT starts_with(key, 'announce/')",
                &[&cut],
            )? as usize;
            tx.execute("DELETE FROM parts WHERE at < $1", &[&cut])?;
            let mut events = 0;
            for (event, removed) in past(tx, cut)? {
                events +=
                    usize::from(tx.execute("DELETE FROM told WHERE event = $1", &[&event])? > 0);
                if removed {
                    tx.execute("DELETE FROM seen WHERE event = $1", &[&event])?;
                }
            }
            Ok(Pruned { posts, events })
        })
    }

    /// The last post each chat was sent or refused, for `herald chats`.
    pub fn last_posts(&self) -> Result<HashMap<ChatTarget, LastPost>, StoreError> {
        let rows = self.read(|client| client.query(LAST_POSTS, &[]))?;
        let read = rows.iter().map(|row| {
            last_post(row.get(0), row.get(1), row.get(2), row.get(3)).map_err(|p| self.fail(p))
        });
        read.collect()
    }

    /// Every chat herald posts to: `configured` ones, then subscribers.
    pub fn targets(&self, configured: &[ChatTarget]) -> Result<Vec<ChatTarget>, StoreError> {
        Ok(super::super::targets_of(configured, self.subscribers()?))
    }

    /// The chats whose language herald knows.
    pub fn languages(&self) -> Result<HashMap<ChatTarget, Lang>, StoreError> {
        Ok(super::super::languages_of(self.subscribers()?))
    }
}

/// The events past `cut`, each with whether its page is gone.
fn past(tx: &mut Transaction<'_>, cut: DateTime<Utc>) -> Result<Vec<(String, bool)>, StoreProblem> {
    let mut past = Vec::new();
    for row in tx.query("SELECT event, facts, since FROM seen", &[])? {
        let facts = row.get::<_, Option<&str>>(1).map(decode).transpose()?;
        let since: DateTime<Utc> = row.get(2);
        let gone = match &facts {
            None => since < cut,
            Some(facts) => facts.start.is_some_and(|start| start < cut),
        };
        if gone {
            past.push((row.get(0), facts.is_none()));
        }
    }
    Ok(past)
}

super::super::backend::by_inherent_methods!(PgStore, fence: super::Fence);
