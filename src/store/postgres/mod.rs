//! herald's state in PostgreSQL: the same promises as SQLite's [`Store`]
//! (every write atomic, what another process wrote seen through
//! [`PgStore::data_version`] and [`PgStore::posts_after`]), for a
//! deployment past one machine.
//!
//! The client is the synchronous `postgres` crate, as every store call is
//! synchronous and made off the async workers (the scheduler's `call`, the
//! bot's `spawn_blocking`): it runs its own small runtime per connection,
//! so it must never be called on an async worker, where it would panic.
//! One connection, behind a lock, as SQLite's: a call is one short
//! statement or transaction. A connection the server closed is opened
//! again on the next call, so a restarted server costs one failed call
//! (which the scheduler retries), not the process.
//!
//! [`Store`]: super::Store

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard};

use chrono::{DateTime, Utc};
use postgres::{Client, NoTls, Transaction};
use tokio::sync::Notify;

use super::{StoreError, StoreProblem, Subscription};
use crate::lang::Lang;

mod announcements;
mod calendar;
mod cards;
mod copy;
mod follows;
mod lease;
mod media;
mod migrations;
mod schedule;
mod tokens;
mod topics;

pub use copy::Copied;
pub use lease::{Fence, PgLease};

pub struct PgStore {
    /// The server's address without its password: what errors name.
    name: PathBuf,
    config: postgres::Config,
    /// `None` once the server closed it, until the next call opens another.
    client: Mutex<Option<Client>>,
    /// This process's row in `writes`: bumped by each of its writes, so
    /// [`PgStore::data_version`] counts only other processes'.
    writer: String,
    /// As SQLite's: woken when an announcement becomes owed, or follows
    /// change, in this process.
    announced: Notify,
    follows_version: AtomicU64,
    /// Set once this process leads the scheduler: posts are recorded
    /// only while its lease holds (see [`Fence`]).
    fence: Mutex<Option<Fence>>,
}

impl PgStore {
    /// Connects to `url` (`postgres://user@host/db`) and brings its schema
    /// up to date. An empty database gets herald's schema; one with other
    /// tables and none of herald's is refused.
    pub fn open(url: &str) -> Result<PgStore, StoreError> {
        let name = PathBuf::from(redacted(url));
        let fail = |source: StoreProblem| StoreError {
            path: name.clone(),
            source,
        };
        let config: postgres::Config = url.parse().map_err(|e| fail(StoreProblem::from(e)))?;
        let mut client = config.connect(NoTls).map_err(|e| fail(e.into()))?;
        migrations::migrate(&mut client).map_err(fail)?;
        let writer = writer_id().map_err(fail)?;
        Ok(PgStore {
            name,
            config,
            client: Mutex::new(Some(client)),
            writer,
            announced: Notify::new(),
            follows_version: AtomicU64::new(0),
            fence: Mutex::new(None),
        })
    }

    /// From now on, records posts only while `fence`'s lease holds.
    pub fn fence(&self, fence: Fence) {
        *self.fence.lock().unwrap_or_else(|p| p.into_inner()) = Some(fence);
    }

    /// Refuses, inside a post's transaction, when this process is fenced
    /// and its lease no longer holds: another herald may lead by now.
    fn check_fence(&self, tx: &mut Transaction<'_>) -> Result<(), StoreProblem> {
        let fence = self.fence.lock().unwrap_or_else(|p| p.into_inner()).clone();
        match fence {
            Some(fence) if !fence.holds(tx)? => Err(StoreProblem::Fenced),
            _ => Ok(()),
        }
    }

    /// Subscribes a chat, by a user speaking `lang` where known; false if
    /// it already was.
    pub fn subscribe(
        &self,
        (chat, topic): (i64, Option<i32>),
        by: Option<u64>,
        lang: Option<Lang>,
        at: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let by = by.map(|id| id as i64);
        let lang = lang.map(|lang| lang.to_string());
        let topic = topic.unwrap_or(0);
        let subscribed = self.write(|tx| {
            tx.execute(
                "INSERT INTO subscriptions (chat_id, topic, subscribed_by, subscribed_at, lang)
                 VALUES ($1, $2, $3, $4, $5) ON CONFLICT (chat_id, topic) DO NOTHING",
                &[&chat, &topic, &by, &at, &lang],
            )
        })?;
        // A reminder may be owed to it at once: the scheduler plans now.
        self.announced.notify_one();
        Ok(subscribed == 1)
    }

    /// Unsubscribes a chat (or one of its topics); false if it was not
    /// subscribed.
    pub fn unsubscribe(&self, (chat, topic): (i64, Option<i32>)) -> Result<bool, StoreError> {
        let topic = topic.unwrap_or(0);
        self.write(|tx| {
            tx.execute(
                "DELETE FROM subscriptions WHERE chat_id = $1 AND topic = $2",
                &[&chat, &topic],
            )
        })
        .map(|rows| rows == 1)
    }

    /// Every subscribed chat, oldest subscription first.
    pub fn subscribers(&self) -> Result<Vec<Subscription>, StoreError> {
        let rows = self.read(|client| {
            client.query(
                "SELECT chat_id, subscribed_by, subscribed_at, lang, topic FROM subscriptions
                 ORDER BY subscribed_at, chat_id, topic",
                &[],
            )
        })?;
        Ok(rows
            .iter()
            .map(|row| Subscription {
                chat: row.get(0),
                by: row.get::<_, Option<i64>>(1).map(|id| id as u64),
                since: row.get(2),
                lang: row
                    .get::<_, Option<String>>(3)
                    .and_then(|lang| lang.parse().ok()),
                topic: Some(row.get(4)).filter(|&topic: &i32| topic != 0),
            })
            .collect())
    }

    /// Keeps a group's or channel's title as last seen.
    pub fn note_title(&self, chat: i64, title: &str) -> Result<(), StoreError> {
        self.write(|tx| {
            tx.execute(
                "INSERT INTO chat_titles (chat_id, title) VALUES ($1, $2)
                 ON CONFLICT (chat_id) DO UPDATE SET title = excluded.title",
                &[&chat, &title],
            )
        })
        .map(drop)
    }

    /// The titles of the chats herald has seen, by chat id.
    pub fn titles(&self) -> Result<HashMap<i64, String>, StoreError> {
        let rows =
            self.read(|client| client.query("SELECT chat_id, title FROM chat_titles", &[]))?;
        Ok(rows.iter().map(|row| (row.get(0), row.get(1))).collect())
    }

    /// Changes whenever another process (another `PgStore`) has written,
    /// and only then: the sum of the other writers' counts.
    pub fn data_version(&self) -> Result<i64, StoreError> {
        let row = self.read(|client| {
            client.query_one(
                "SELECT coalesce(sum(count), 0)::bigint FROM writes WHERE writer <> $1",
                &[&self.writer],
            )
        })?;
        Ok(row.get(0))
    }

    /// Reads on the connection.
    fn read<T>(
        &self,
        f: impl FnOnce(&mut Client) -> Result<T, postgres::Error>,
    ) -> Result<T, StoreError> {
        let mut client = self.client()?;
        f(client.as_mut().expect("connected")).map_err(|e| self.fail(e.into()))
    }

    /// One write, atomic: `f` and this process's count in `writes`, in one
    /// transaction.
    fn write<T>(
        &self,
        f: impl FnOnce(&mut Transaction<'_>) -> Result<T, postgres::Error>,
    ) -> Result<T, StoreError> {
        self.write_checked(|tx| f(tx).map_err(StoreProblem::from))
    }

    /// [`PgStore::write`] for a write that may find a broken record.
    fn write_checked<T>(
        &self,
        f: impl FnOnce(&mut Transaction<'_>) -> Result<T, StoreProblem>,
    ) -> Result<T, StoreError> {
        let mut client = self.client()?;
        let client = client.as_mut().expect("connected");
        let done = (|| {
            let mut tx = client.transaction()?;
            let value = f(&mut tx)?;
            tx.execute(
                "INSERT INTO writes (writer, count) VALUES ($1, 1)
                 ON CONFLICT (writer) DO UPDATE SET count = writes.count + 1",
                &[&self.writer],
            )?;
            tx.commit()?;
            Ok(value)
        })();
        done.map_err(|problem| self.fail(problem))
    }

    /// The connection (`Some`), opened again if the server closed it.
    fn client(&self) -> Result<MutexGuard<'_, Option<Client>>, StoreError> {
        let mut client = self
            .client
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if client.as_ref().is_none_or(Client::is_closed) {
            tracing::warn!(store = %self.name.display(), "the PostgreSQL connection closed: connecting again");
            *client = None;
            *client = Some(
                self.config
                    .connect(NoTls)
                    .map_err(|e| self.fail(e.into()))?,
            );
        }
        Ok(client)
    }

    fn fail(&self, source: StoreProblem) -> StoreError {
        StoreError {
            path: self.name.clone(),
            source,
        }
    }

    /// The version of what [`PgStore::followers`] reads, in this process.
    pub fn follows_version(&self) -> u64 {
        self.follows_version.load(Ordering::SeqCst)
    }

    /// A point in the follows' version: the scheduler reads them again,
    /// and plans now.
    fn follows_changed(&self) {
        self.follows_version.fetch_add(1, Ordering::SeqCst);
        self.announced.notify_one();
    }
}

/// The client closes its connection by blocking on its own runtime, which
/// panics on a thread that drives async tasks; the last holder of a store
/// may well be one (a scheduler task ending), so it is closed on a thread
/// of its own there.
impl Drop for PgStore {
    fn drop(&mut self) {
        close_off_runtime(
            self.client
                .get_mut()
                .unwrap_or_else(|poisoned| poisoned.into_inner())
                .take(),
        );
    }
}

/// Closes a connection where closing may block: on a thread of its own
/// when called on an async worker.
fn close_off_runtime(client: Option<Client>) {
    if tokio::runtime::Handle::try_current().is_ok() {
        std::thread::spawn(move || drop(client));
    }
}

/// `url` without its password, for errors and logs.
pub(super) fn redacted(url: &str) -> String {
    crate::config::redacted(url)
}

/// A name for this process's writes no other process has.
fn writer_id() -> Result<String, StoreProblem> {
    let mut bytes = [0u8; 8];
    getrandom::fill(&mut bytes)
        .map_err(|error| StoreProblem::Unusable(format!("no random bytes: {error}")))?;
    let random: String = bytes.iter().map(|byte| format!("{byte:02x}")).collect();
    Ok(format!("{}-{random}", std::process::id()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_name_the_server_without_its_password() {
        assert_eq!(
            redacted("postgres://herald:s3cret@db.example:5432/herald"),
            "postgres://herald@db.example:5432/herald"
        );
        assert_eq!(
            redacted("postgres://herald@127.0.0.1/herald"),
            "postgres://herald@127.0.0.1/herald"
        );
    }
}
