//! The state file: what herald must remember across restarts — which chats
//! subscribed, the scheduler's memory of what it posted, organizers'
//! announcements, calendar versions and members' calendar tokens. Schema
//! changes are [`MIGRATIONS`], so an old state file upgrades itself on open.
//!
//! One SQLite file in WAL mode with `synchronous = NORMAL`: a committed
//! record survives herald being killed at any moment (the exactly-once
//! promise), while an fsync per post would cap broadcasts at the disk's
//! sync rate (a third of the throughput, measured). What NORMAL gives up is
//! an operating-system crash or power cut, after which the last records may
//! be lost and those posts repeated; the README says so. Every call is a
//! short statement; the scheduler still makes its calls off the async
//! workers, through [`ScheduleStore`].
//!
//! A state file is never silently started afresh: an empty file, or one
//! herald did not write, is refused with the reason, and a new file is
//! created (complete, under a temporary name) only where none exists.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OpenFlags, OptionalExtension};
use std::sync::atomic::AtomicU64;
use tokio::sync::Notify;

use crate::config::ChatTarget;
use crate::lang::Lang;

mod announcements;
mod backend;
mod bot;
mod calendar;
mod cards;
mod follows;
mod lease;
mod media;
mod open;
mod postgres;
mod schedule;
mod tokens;
mod topics;

pub use announcements::{Author, Delivered, NewAnnouncement, Record, State, Withdrawal};
pub use backend::ScheduleStore;
pub use bot::{Backend, BotStore};
pub use calendar::Ledger;
pub use follows::{Followed, Following};
pub use lease::{Lease, LeaseError, STANDBY_POLL};
pub use open::{check_writable, exists, open, open_async, Leader};
pub use postgres::{Copied, Fence, PgLease, PgStore};
pub use schedule::{LastPost, Outcome, Pruned};
pub use tokens::Token;
pub use topics::OpenedTopic;

/// Schema changes in order; `migrations.version` counts those applied.
/// Append only: a released migration is never edited.
const MIGRATIONS: &[&str] = &[
    "CREATE TABLE subscriptions (
        chat_id       INTEGER PRIMARY KEY,
        subscribed_by INTEGER,
        subscribed_at TEXT NOT NULL
    ) STRICT",
    // The scheduler's memory: posts done, what each chat was told, what the
    // pages said, and how far planning got.
    "CREATE TABLE posts (
        key     TEXT PRIMARY KEY,
        chat    TEXT NOT NULL,
        outcome TEXT NOT NULL,
        at      TEXT NOT NULL
    ) STRICT;
    CREATE TABLE told (
        event TEXT NOT NULL,
        chat  TEXT NOT NULL,
        facts TEXT NOT NULL,
        PRIMARY KEY (event, chat)
    ) STRICT;
    CREATE TABLE seen (
        event TEXT PRIMARY KEY,
        facts TEXT,
        since TEXT NOT NULL
    ) STRICT;
    CREATE TABLE meta (
        name  TEXT PRIMARY KEY,
        value TEXT NOT NULL
    ) STRICT",
    // Organizers' announcements. What each chat got is a row of `posts`
    // (key `announce/<id>/<chat>`), which now says why a post failed.
    "CREATE TABLE announcements (
        id             INTEGER PRIMARY KEY,
        author         TEXT NOT NULL,
        created_at     TEXT NOT NULL,
        html           TEXT NOT NULL,
        pin            INTEGER NOT NULL,
        lang           TEXT NOT NULL,
        due            TEXT,
        state          TEXT NOT NULL,
        report_chat    INTEGER,
        report_message INTEGER,
        held_until     TEXT,
        finished_at    TEXT
    ) STRICT;
    ALTER TABLE posts ADD COLUMN detail TEXT",
    // The language of the member who subscribed a chat, where Telegram
    // said it: the chat's posts are written in it.
    "ALTER TABLE subscriptions ADD COLUMN lang TEXT",
    // `seq` numbers every write, never reused (AUTOINCREMENT), so what
    // another process wrote is read since the last look instead of whole.
    // `parts`: how many messages of a long post Telegram accepted so far.
    // `chat_keys`: the key each `@name` chat was posted under, for good.
    "CREATE TABLE posts_by_seq (
        seq     INTEGER PRIMARY KEY AUTOINCREMENT,
        key     TEXT NOT NULL UNIQUE,
        chat    TEXT NOT NULL,
        outcome TEXT NOT NULL,
        at      TEXT NOT NULL,
        detail  TEXT
    ) STRICT;
    INSERT INTO posts_by_seq (key, chat, outcome, at, detail)
        SELECT key, chat, outcome, at, detail FROM posts ORDER BY rowid;
    DROP TABLE posts;
    ALTER TABLE posts_by_seq RENAME TO posts;
    CREATE INDEX posts_at ON posts (at);
    CREATE TABLE parts (
        key    TEXT PRIMARY KEY,
        chat   TEXT NOT NULL,
        sent   INTEGER NOT NULL,
        detail TEXT,
        at     TEXT NOT NULL
    ) STRICT;
    CREATE TABLE chat_keys (
        username TEXT PRIMARY KEY,
        key      TEXT NOT NULL,
        since    TEXT NOT NULL
    ) STRICT",
    // The calendar feed: each entry as last published, and its version.
    "CREATE TABLE calendar (
        event    TEXT PRIMARY KEY,
        entry    TEXT NOT NULL,
        sequence INTEGER NOT NULL,
        modified TEXT NOT NULL
    ) STRICT",
    // Group and channel titles, as the update loop last saw them, for
    // `herald chats`.
    "CREATE TABLE chat_titles (
        chat_id INTEGER PRIMARY KEY,
        title   TEXT NOT NULL
    ) STRICT",
    // Personal calendar feeds: every timed talk's entry as last published
    // (as `calendar` keeps events'), and each member's token, looked up
    // by its digest.
    "CREATE TABLE calendar_talks (
        talk     TEXT PRIMARY KEY,
        entry    TEXT NOT NULL,
        sequence INTEGER NOT NULL,
        modified TEXT NOT NULL
    ) STRICT;
    CREATE TABLE calendar_tokens (
        member     INTEGER PRIMARY KEY,
        token      TEXT NOT NULL,
        digest     BLOB NOT NULL UNIQUE,
        created_at TEXT NOT NULL
    ) STRICT",
    // What members follow, their lead times, and chats' mutes.
    follows::MIGRATION,
    // A forum topic subscribes on its own: subscriptions are per (chat,
    // topic), 0 standing for the chat itself (a NULL would not be unique).
    "CREATE TABLE subscriptions_by_topic (
        chat_id       INTEGER NOT NULL,
        topic         INTEGER NOT NULL,
        subscribed_by INTEGER,
        subscribed_at TEXT NOT NULL,
        lang          TEXT,
        PRIMARY KEY (chat_id, topic)
    ) STRICT;
    INSERT INTO subscriptions_by_topic (chat_id, topic, subscribed_by, subscribed_at, lang)
        SELECT chat_id, 0, subscribed_by, subscribed_at, lang FROM subscriptions;
    DROP TABLE subscriptions;
    ALTER TABLE subscriptions_by_topic RENAME TO subscriptions",
    // Telegram's ids of the posters uploaded.
    media::MIGRATION,
    // The live cards: each target's pinned message and what it shows.
    cards::MIGRATION,
    // The forum topic opened for each event, per chat.
    topics::MIGRATION,
];

/// What every SQLite file starts with.
const SQLITE_HEADER: &[u8; 16] = b"SQLite format 3\0";

/// How long a write waits for another process (a CLI command) holding the
/// file before giving up.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

pub struct Store {
    path: PathBuf,
    connection: Mutex<Connection>,
    /// Woken when an announcement becomes owed, or a member follows or sets
    /// a lead time, so the scheduler in the same process plans at once.
    announced: Notify,
    /// Bumped by every change to what members follow, their lead times and
    /// chats' mutes, so the scheduler reads them again only then.
    follows_version: AtomicU64,
}

/// A chat that asked for herald's posts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subscription {
    pub chat: i64,
    /// The forum topic it was asked in, if any.
    pub topic: Option<i32>,
    /// The Telegram user who subscribed it, where known.
    pub by: Option<u64>,
    pub since: DateTime<Utc>,
    /// That user's language, where their Telegram client said it.
    pub lang: Option<Lang>,
}

impl Subscription {
    /// Where its posts go.
    pub fn target(&self) -> ChatTarget {
        ChatTarget::id(self.chat).in_topic(self.topic)
    }
}

#[derive(Debug, thiserror::Error)]
#[error("{}: state file: {source}", .path.display())]
pub struct StoreError {
    path: PathBuf,
    #[source]
    source: StoreProblem,
}

#[derive(Debug, thiserror::Error)]
enum StoreProblem {
    #[error(transparent)]
    Sqlite(#[from] rusqlite::Error),
    #[error(transparent)]
    Postgres(#[from] ::postgres::Error),
    #[error(transparent)]
    Io(#[from] std::io::Error),
    #[error(
        "it is empty (0 bytes): herald will not start afresh over it, as \
         subscriptions and post history would be lost without a word; \
         restore it from a backup, or delete it to start with no history"
    )]
    Empty,
    #[error(
        "it is not a herald state file ({0}); point `state` in bot.toml \
         at herald's own file, or at a path that does not exist yet"
    )]
    Foreign(&'static str),
    #[error(
        "cannot be written: {0}; herald keeps subscriptions and what it posted \
         there, so give it a writable place: in a container, mount a writable \
         volume at /data and set HERALD_STATE=/data/herald.db; otherwise point \
         `state` in bot.toml (or HERALD_STATE) at a folder herald may write"
    )]
    Unwritable(String),
    #[error("{0}")]
    Unusable(String),
    #[error(
        "this herald's leader lock is gone, and another may lead the scheduler \
         now: it records no more posts, and stops posting"
    )]
    Fenced,
    #[error("a stored record is unreadable: {0}")]
    Record(String),
    #[error(
        "it has {found} schema migrations, this herald knows {known}: \
         it was written by a newer herald"
    )]
    Newer { found: usize, known: usize },
}

impl StoreError {
    /// The post was refused as this process no longer leads: not a
    /// trouble to wait out, as it will not pass again.
    pub fn fenced(&self) -> bool {
        matches!(self.source, StoreProblem::Fenced)
    }

    /// A store other than SQLite's (or a test's) that cannot be used now.
    pub fn unusable(path: &Path, reason: impl Into<String>) -> StoreError {
        StoreError {
            path: path.to_path_buf(),
            source: StoreProblem::Unusable(reason.into()),
        }
    }
}

impl Store {
    /// Whether herald may write its state at `path`: the file, if there is
    /// one, and its folder, where SQLite keeps its journal beside it. The
    /// folder is tried by creating and removing a file there, so nothing is
    /// left behind. Said before anything else, because SQLite's own word for
    /// it is `unable to open database file`, without the path or the cause.
    pub fn check_writable(path: &Path) -> Result<(), StoreError> {
        writable(path).map_err(|reason| StoreError {
            path: path.to_path_buf(),
            source: StoreProblem::Unwritable(reason),
        })
    }

    /// Opens the state file and brings its schema up to date. A new file is
    /// created only where the path does not exist; an empty or foreign file
    /// is refused.
    pub fn open(path: &Path) -> Result<Store, StoreError> {
        let fail = |source: StoreProblem| StoreError {
            path: path.to_path_buf(),
            source,
        };
        Store::check_writable(path)?;
        match std::fs::metadata(path) {
            Ok(_) => recognise(path).map_err(fail)?,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
                create(path).map_err(fail)?
            }
            Err(error) => return Err(fail(error.into())),
        }
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let mut connection =
            Connection::open_with_flags(path, flags).map_err(|e| fail(e.into()))?;
        configure(&connection).map_err(|e| fail(e.into()))?;
        if !has_migrations(&connection).map_err(|e| fail(e.into()))? {
            return Err(fail(StoreProblem::Foreign(
                "an SQLite database of something else",
            )));
        }
        migrate(&mut connection).map_err(fail)?;
        Ok(Store {
            path: path.to_path_buf(),
            connection: Mutex::new(connection),
            announced: Notify::new(),
            follows_version: AtomicU64::new(0),
        })
    }

    /// Subscribes a chat (or one of its forum topics), by a user speaking
    /// `lang` where known; false if it already was.
    pub fn subscribe(
        &self,
        (chat, topic): (i64, Option<i32>),
        by: Option<u64>,
        lang: Option<Lang>,
        at: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        // Telegram user ids fit in 52 bits; SQLite integers are i64.
        let by = by.map(|id| id as i64);
        let lang = lang.map(|lang| lang.to_string());
        let inserted = self.connection().execute(
            "INSERT INTO subscriptions (chat_id, topic, subscribed_by, subscribed_at, lang)
             VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (chat_id, topic) DO NOTHING",
            params![chat, topic.unwrap_or(0), by, at, lang],
        );
        let subscribed = self.check(inserted).map(|rows| rows == 1)?;
        // A reminder may be owed to it at once: the scheduler plans now,
        // not at its next wake-up.
        self.announced.notify_one();
        Ok(subscribed)
    }

    /// Unsubscribes a chat (or one of its topics); false if it was not
    /// subscribed.
    pub fn unsubscribe(&self, (chat, topic): (i64, Option<i32>)) -> Result<bool, StoreError> {
        let deleted = self.connection().execute(
            "DELETE FROM subscriptions WHERE chat_id = ?1 AND topic = ?2",
            [chat, topic.unwrap_or(0).into()],
        );
        self.check(deleted).map(|rows| rows == 1)
    }

    /// Keeps a group's or channel's title as last seen.
    pub fn note_title(&self, chat: i64, title: &str) -> Result<(), StoreError> {
        let written = self.connection().execute(
            "INSERT INTO chat_titles (chat_id, title) VALUES (?1, ?2)
             ON CONFLICT (chat_id) DO UPDATE SET title = excluded.title",
            params![chat, title],
        );
        self.check(written).map(|_| ())
    }

    /// The titles of the chats herald has seen, by chat id.
    pub fn titles(&self) -> Result<HashMap<i64, String>, StoreError> {
        let connection = self.connection();
        let rows = connection
            .prepare_cached("SELECT chat_id, title FROM chat_titles")
            .and_then(|mut statement| {
                statement
                    .query_map([], |row| Ok((row.get(0)?, row.get(1)?)))?
                    .collect::<Result<HashMap<i64, String>, _>>()
            });
        self.check(rows)
    }

    /// Every subscribed chat, oldest subscription first.
    pub fn subscribers(&self) -> Result<Vec<Subscription>, StoreError> {
        let connection = self.connection();
        let rows = connection
            .prepare_cached(
                "SELECT chat_id, subscribed_by, subscribed_at, lang, topic FROM subscriptions
                 ORDER BY subscribed_at, chat_id, topic",
            )
            .and_then(|mut statement| {
                statement
                    .query_map([], |row| {
                        Ok(Subscription {
                            chat: row.get(0)?,
                            by: row.get::<_, Option<i64>>(1)?.map(|id| id as u64),
                            since: row.get(2)?,
                            lang: row
                                .get::<_, Option<String>>(3)?
                                .and_then(|lang| lang.parse().ok()),
                            topic: Some(row.get(4)?).filter(|&topic: &i32| topic != 0),
                        })
                    })?
                    .collect()
            });
        self.check(rows)
    }

    /// Every chat herald posts to: `configured` ones, then subscribers,
    /// each once.
    pub fn targets(&self, configured: &[ChatTarget]) -> Result<Vec<ChatTarget>, StoreError> {
        Ok(targets_of(configured, self.subscribers()?))
    }

    /// The chats whose language herald knows: that of the member who
    /// subscribed them. Every other chat is written to in `language` from
    /// `bot.toml`.
    pub fn languages(&self) -> Result<HashMap<ChatTarget, Lang>, StoreError> {
        Ok(languages_of(self.subscribers()?))
    }

    /// Changes whenever another connection (another herald process) has
    /// written to the file, and only then.
    pub fn data_version(&self) -> Result<i64, StoreError> {
        let version = self
            .connection()
            .query_row("PRAGMA data_version", [], |row| row.get(0));
        self.check(version)
    }

    /// Closes the file, reporting what a plain drop would swallow (such as
    /// a failed final checkpoint).
    pub fn close(self) -> Result<(), StoreError> {
        let connection = self
            .connection
            .into_inner()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let closed = connection.close().map_err(|(_, error)| error);
        StoreError::wrap(&self.path, closed)
    }

    /// A panic elsewhere while holding the lock leaves SQLite consistent
    /// (a statement either ran or not), so the lock is taken anyway.
    fn connection(&self) -> MutexGuard<'_, Connection> {
        self.connection
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn check<T>(&self, result: rusqlite::Result<T>) -> Result<T, StoreError> {
        StoreError::wrap(&self.path, result)
    }
}

impl StoreError {
    fn wrap<T>(path: &Path, result: rusqlite::Result<T>) -> Result<T, StoreError> {
        result.map_err(|error| StoreError {
            path: path.to_path_buf(),
            source: error.into(),
        })
    }
}

/// Why `path` cannot be written, in the operating system's words.
fn writable(path: &Path) -> Result<(), String> {
    use std::fs::OpenOptions;
    match OpenOptions::new().read(true).write(true).open(path) {
        Ok(_) => {}
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {}
        Err(error) => return Err(error.to_string()),
    }
    let folder = match path.parent() {
        Some(folder) if !folder.as_os_str().is_empty() => folder,
        _ => Path::new("."),
    };
    let mut probe = path.as_os_str().to_os_string();
    probe.push(format!(".probe-{}", std::process::id()));
    let probe = PathBuf::from(probe);
    OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .open(&probe)
        .map_err(|error| format!("cannot create a file in {}: {error}", folder.display()))?;
    std::fs::remove_file(&probe)
        .map_err(|error| format!("cannot remove {}: {error}", probe.display()))
}

/// An existing file must be non-empty SQLite: an empty one is what a lost
/// or truncated state file looks like, and is not taken as new.
fn recognise(path: &Path) -> Result<(), StoreProblem> {
    use std::io::Read;
    let file = std::fs::File::open(path)?;
    if file.metadata()?.len() == 0 {
        return Err(StoreProblem::Empty);
    }
    let mut header = Vec::with_capacity(SQLITE_HEADER.len());
    file.take(SQLITE_HEADER.len() as u64)
        .read_to_end(&mut header)?;
    if header != SQLITE_HEADER {
        return Err(StoreProblem::Foreign("it is not an SQLite database"));
    }
    Ok(())
}

/// A new state file, complete with its schema before it takes its name:
/// a crash while creating it never leaves a half-made file at `path`.
/// `hard_link` does not replace, so of two herald starting at once one
/// file wins and the other opens it.
fn create(path: &Path) -> Result<(), StoreProblem> {
    let mut name = path.as_os_str().to_os_string();
    name.push(format!(".new-{}", std::process::id()));
    let draft = PathBuf::from(name);
    let made = (|| -> Result<(), StoreProblem> {
        let _ = std::fs::remove_file(&draft);
        let mut connection = Connection::open(&draft)?;
        configure(&connection)?;
        migrate(&mut connection)?;
        connection.close().map_err(|(_, error)| error)?;
        match std::fs::hard_link(&draft, path) {
            Ok(()) => Ok(()),
            Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
            // A file system without hard links: a plain rename.
            Err(_) => Ok(std::fs::rename(&draft, path)?),
        }
    })();
    for leftover in ["", "-wal", "-shm"] {
        let mut name = draft.as_os_str().to_os_string();
        name.push(leftover);
        let _ = std::fs::remove_file(PathBuf::from(name));
    }
    made
}

/// Every chat herald posts to: `configured` ones, then the subscribed, each
/// once.
fn targets_of(configured: &[ChatTarget], subscribed: Vec<Subscription>) -> Vec<ChatTarget> {
    let mut chats = configured.to_vec();
    for subscription in subscribed {
        let chat = subscription.target();
        if !chats.contains(&chat) {
            chats.push(chat);
        }
    }
    chats
}

/// The chats whose language herald knows: that of the member who
/// subscribed them.
fn languages_of(subscribed: Vec<Subscription>) -> HashMap<ChatTarget, Lang> {
    subscribed
        .into_iter()
        .filter_map(|subscription| Some((subscription.target(), subscription.lang?)))
        .collect()
}

fn has_migrations(connection: &Connection) -> rusqlite::Result<bool> {
    connection.query_row(
        "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'migrations')",
        [],
        |row| row.get(0),
    )
}

fn configure(connection: &Connection) -> rusqlite::Result<()> {
    connection.busy_timeout(BUSY_TIMEOUT)?;
    connection.pragma_update(None, "journal_mode", "WAL")?;
    connection.pragma_update(None, "synchronous", "NORMAL")?;
    connection.pragma_update(None, "foreign_keys", "ON")
}

/// Applies the migrations this file has not had yet, each in its own
/// transaction together with its record, so a crash never half-applies one.
fn migrate(connection: &mut Connection) -> Result<(), StoreProblem> {
    connection.execute(
        "CREATE TABLE IF NOT EXISTS migrations (
             version    INTEGER PRIMARY KEY,
             applied_at TEXT NOT NULL
         ) STRICT",
        [],
    )?;
    let applied: Option<i64> = connection
        .query_row("SELECT max(version) FROM migrations", [], |row| row.get(0))
        .optional()?
        .flatten();
    let applied = applied.unwrap_or(0) as usize;
    if applied > MIGRATIONS.len() {
        return Err(StoreProblem::Newer {
            found: applied,
            known: MIGRATIONS.len(),
        });
    }
    for (index, sql) in MIGRATIONS.iter().enumerate().skip(applied) {
        let transaction = connection.transaction()?;
        transaction.execute_batch(sql)?;
        transaction.execute(
            "INSERT INTO migrations (version, applied_at) VALUES (?1, ?2)",
            params![index as i64 + 1, Utc::now()],
        )?;
        transaction.commit()?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> DateTime<Utc> {
        text.parse().unwrap()
    }

    fn open(dir: &tempfile::TempDir) -> Store {
        Store::open(&dir.path().join("herald.db")).unwrap()
    }

    #[test]
    fn subscriptions_are_kept_across_reopening() {
        let dir = tempfile::tempdir().unwrap();
        let store = open(&dir);
        assert!(store
            .subscribe(
                (-1001, None),
                Some(42),
                Some(Lang::En),
                at("2026-01-02T03:04:05Z")
            )
            .unwrap());
        assert!(store
            .subscribe((7, None), None, None, at("2026-01-03T00:00:00Z"))
            .unwrap());
        store.close().unwrap();

        let store = open(&dir);
        assert_eq!(
            store.subscribers().unwrap(),
            vec![
                Subscription {
                    chat: -1001,
                    topic: None,
                    by: Some(42),
                    since: at("2026-01-02T03:04:05Z"),
                    lang: Some(Lang::En),
                },
                Subscription {
                    chat: 7,
                    topic: None,
                    by: None,
                    since: at("2026-01-03T00:00:00Z"),
                    lang: None,
                },
            ]
        );
        let languages = store.languages().unwrap();
        assert_eq!(languages.len(), 1);
        assert_eq!(languages[&ChatTarget::id(-1001)], Lang::En);
    }

    #[test]
    fn repeating_a_change_reports_no_change() {
        let dir = tempfile::tempdir().unwrap();
        let store = open(&dir);
        let now = at("2026-01-02T03:04:05Z");
        assert!(store.subscribe((5, None), Some(1), None, now).unwrap());
        assert!(!store
            .subscribe((5, None), Some(2), Some(Lang::Zh), now)
            .unwrap());
        assert_eq!(store.subscribers().unwrap()[0].by, Some(1));
        assert!(store.unsubscribe((5, None)).unwrap());
        assert!(!store.unsubscribe((5, None)).unwrap());
        assert!(store.subscribers().unwrap().is_empty());
    }

    #[test]
    fn a_forum_topic_subscribes_apart_from_its_chat() {
        let dir = tempfile::tempdir().unwrap();
        let store = open(&dir);
        let now = at("2026-01-02T03:04:05Z");
        assert!(store
            .subscribe((-1001, Some(42)), Some(1), Some(Lang::En), now)
            .unwrap());
        assert!(store.subscribe((-1001, None), Some(1), None, now).unwrap());
        assert!(!store
            .subscribe((-1001, Some(42)), Some(2), None, now)
            .unwrap());
        let configured = [ChatTarget::id(-1001).in_topic(Some(7))];
        let keys: Vec<String> = store
            .targets(&configured)
            .unwrap()
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(keys, ["-1001/7", "-1001", "-1001/42"]);
        let languages = store.languages().unwrap();
        assert_eq!(
            languages.get(&ChatTarget::id(-1001).in_topic(Some(42))),
            Some(&Lang::En)
        );
        assert!(store.unsubscribe((-1001, Some(42))).unwrap());
        assert_eq!(store.subscribers().unwrap().len(), 1, "the chat stays");
    }

    #[test]
    fn subscriptions_of_an_older_file_are_kept_as_the_chats_own() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("herald.db");
        let mut connection = Connection::open(&path).unwrap();
        configure(&connection).unwrap();
        connection
            .execute_batch(
                "CREATE TABLE migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL) STRICT",
            )
            .unwrap();
        // The state file as it was before subscriptions had topics.
        let before = MIGRATIONS
            .iter()
            .position(|sql| sql.contains("subscriptions_by_topic"))
            .unwrap();
        let transaction = connection.transaction().unwrap();
        for (index, sql) in MIGRATIONS[..before].iter().enumerate() {
            transaction.execute_batch(sql).unwrap();
            transaction
                .execute(
                    "INSERT INTO migrations (version, applied_at) VALUES (?1, 'then')",
                    [index as i64 + 1],
                )
                .unwrap();
        }
        transaction
            .execute(
                "INSERT INTO subscriptions (chat_id, subscribed_by, subscribed_at, lang)
                 VALUES (-1001, 42, '2026-01-02T03:04:05Z', 'en')",
                [],
            )
            .unwrap();
        transaction.commit().unwrap();
        connection.close().unwrap();

        let store = Store::open(&path).unwrap();
        assert_eq!(
            store.subscribers().unwrap(),
            [Subscription {
                chat: -1001,
                topic: None,
                by: Some(42),
                since: at("2026-01-02T03:04:05Z"),
                lang: Some(Lang::En),
            }]
        );
        assert_eq!(store.targets(&[]).unwrap(), [ChatTarget::id(-1001)]);
    }

    #[test]
    fn migrations_run_once() {
        let dir = tempfile::tempdir().unwrap();
        open(&dir).close().unwrap();
        let store = open(&dir);
        let versions: i64 = store
            .connection()
            .query_row("SELECT count(*) FROM migrations", [], |row| row.get(0))
            .unwrap();
        assert_eq!(versions, MIGRATIONS.len() as i64);
    }

    #[test]
    fn a_file_from_a_newer_herald_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let store = open(&dir);
        store
            .connection()
            .execute(
                "INSERT INTO migrations (version, applied_at) VALUES (999, 'later')",
                [],
            )
            .unwrap();
        store.close().unwrap();
        let error = Store::open(&dir.path().join("herald.db"))
            .err()
            .unwrap()
            .to_string();
        assert!(error.contains("written by a newer herald"), "{error}");
    }

    #[test]
    fn an_empty_or_foreign_file_is_refused_and_left_as_it_is() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("herald.db");
        std::fs::write(&path, "").unwrap();
        let error = Store::open(&path).err().unwrap().to_string();
        assert!(
            error.starts_with(&format!("{}: state file: it is empty", path.display())),
            "{error}"
        );
        assert_eq!(
            std::fs::metadata(&path).unwrap().len(),
            0,
            "not re-initialised"
        );

        std::fs::write(&path, "title = \"not a database\"\n").unwrap();
        let error = Store::open(&path).err().unwrap().to_string();
        assert!(error.contains("is not a herald state file"), "{error}");

        std::fs::remove_file(&path).unwrap();
        let other = Connection::open(&path).unwrap();
        other
            .execute_batch("CREATE TABLE photos (id INTEGER PRIMARY KEY)")
            .unwrap();
        other.close().unwrap();
        let error = Store::open(&path).err().unwrap().to_string();
        assert!(
            error.contains("is not a herald state file (an SQLite database of something else)"),
            "{error}"
        );
    }

    #[test]
    fn a_new_file_is_complete_under_its_name_with_nothing_left_beside_it() {
        let dir = tempfile::tempdir().unwrap();
        open(&dir).close().unwrap();
        let names: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, ["herald.db"]);
        assert!(
            std::fs::metadata(dir.path().join("herald.db"))
                .unwrap()
                .len()
                > 0
        );
        open(&dir).close().unwrap();
    }

    #[test]
    fn an_unusable_path_names_the_file_the_cause_and_the_fix() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("missing");
        let path = missing.join("herald.db");
        let error = Store::open(&path).err().unwrap().to_string();
        assert!(
            error.starts_with(&format!(
                "{}: state file: cannot be written: cannot create a file in {}: No such file \
                 or directory (os error 2); ",
                path.display(),
                missing.display()
            )),
            "{error}"
        );
        assert!(
            error.contains("set HERALD_STATE=/data/herald.db"),
            "{error}"
        );
        assert_eq!(error.matches("os error").count(), 1, "{error}");
        assert!(!missing.exists(), "nothing is created");
    }

    #[test]
    fn checking_a_writable_place_leaves_nothing_behind() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("herald.db");
        Store::check_writable(&path).unwrap();
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
        open(&dir).close().unwrap();
        Store::check_writable(&path).unwrap();
        let names: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, ["herald.db"]);
    }
}
