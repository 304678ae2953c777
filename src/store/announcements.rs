//! Organizers' announcements in the state file: who wrote what, when it goes
//! out, and where it stands. What each chat got is kept with every other
//! post, in `posts`, under the announcement's keys, so the scheduler's
//! exactly-once record is also the announcement's per-chat report.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use rusqlite::types::Type;
use rusqlite::{params, OptionalExtension, Row};

use super::schedule::chat_of;
use super::{Outcome, Store, StoreError};
use crate::config::ChatTarget;
use crate::lang::Lang;
use crate::schedule::{announcement_prefix, Announcement};

/// Where an announcement stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    /// Previewed, waiting for its author's Send.
    Draft,
    /// Confirmed: goes out at its time, or is going out.
    Scheduled,
    Cancelled,
    /// Every chat had its try.
    Done,
}

/// What came of withdrawing an announcement, with it as it now stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Withdrawal {
    Withdrawn(Record),
    /// Its time has come: it is going out, or every chat had its try.
    UnderWay(Record),
    AlreadySent(Record),
    AlreadyCancelled(Record),
    /// No announcement has that id.
    Unknown,
}

impl Withdrawal {
    /// What an attempt to withdraw came to: `withdrawn` if it took, else
    /// why not, from the announcement as it now stands.
    pub(super) fn of(record: Option<Record>, withdrawn: bool) -> Withdrawal {
        let Some(record) = record else {
            return Withdrawal::Unknown;
        };
        match record.state {
            _ if withdrawn => Withdrawal::Withdrawn(record),
            State::Scheduled => Withdrawal::UnderWay(record),
            State::Done => Withdrawal::AlreadySent(record),
            State::Cancelled | State::Draft => Withdrawal::AlreadyCancelled(record),
        }
    }
}

/// Who announced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Author {
    /// A Telegram user id from `telegram.admins`.
    Admin(u64),
    /// `herald announce`, with the login name of whoever ran it.
    Shell(String),
}

/// An announcement as its author asks for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAnnouncement {
    pub author: Author,
    /// Telegram HTML, exactly as previewed.
    pub html: String,
    pub pin: bool,
    /// The language of the author's report.
    pub lang: Lang,
    /// `None`: when its author presses Send.
    pub due: Option<DateTime<Utc>>,
    /// [`State::Draft`] to wait for Send, or [`State::Scheduled`] at once.
    pub state: State,
    /// Set by a `herald announce` that posts it itself.
    pub held_until: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    pub id: i64,
    pub author: Author,
    pub created: DateTime<Utc>,
    pub html: String,
    pub pin: bool,
    pub lang: Lang,
    pub due: Option<DateTime<Utc>>,
    pub state: State,
    /// The preview message that becomes the report: chat and message id.
    pub report_to: Option<(i64, i32)>,
    pub held_until: Option<DateTime<Utc>>,
    pub finished: Option<DateTime<Utc>>,
}

/// What one chat got of an announcement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivered {
    pub chat: ChatTarget,
    pub outcome: Outcome,
    /// Why it failed, or how the pin went.
    pub detail: Option<String>,
}

const COLUMNS: &str = "id, author, created_at, html, pin, lang, due, state, \
                       report_chat, report_message, held_until, finished_at";

impl Store {
    /// Stores a new announcement; returns its id.
    pub fn add_announcement(
        &self,
        new: &NewAnnouncement,
        at: DateTime<Utc>,
    ) -> Result<i64, StoreError> {
        let connection = self.connection();
        let inserted = connection
            .execute(
                "INSERT INTO announcements (author, created_at, html, pin, lang, due, state, held_until)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                params![
                    new.author.encode(),
                    at,
                    new.html,
                    new.pin,
                    new.lang.to_string(),
                    new.due,
                    new.state.as_str(),
                    new.held_until,
                ],
            )
            .map(|_| connection.last_insert_rowid());
        let id = self.check(inserted)?;
        if new.state == State::Scheduled {
            self.announced.notify_one();
        }
        Ok(id)
    }

    /// Returns once an announcement has become owed in this process
    /// (another process's are seen through [`Store::data_version`]).
    pub async fn announced(&self) {
        self.announced.notified().await
    }

    pub fn announcement(&self, id: i64) -> Result<Option<Record>, StoreError> {
        let found = self
            .connection()
            .query_row(
                &format!("SELECT {COLUMNS} FROM announcements WHERE id = ?1"),
                [id],
                record,
            )
            .optional();
        self.check(found)
    }

    /// Every announcement, oldest first.
    pub fn announcements(&self) -> Result<Vec<Record>, StoreError> {
        let connection = self.connection();
        let rows = connection
            .prepare(&format!("SELECT {COLUMNS} FROM announcements ORDER BY id"))
            .and_then(|mut statement| statement.query_map([], record)?.collect());
        self.check(rows)
    }

    /// Confirmed announcements not yet done, as the scheduler plans them.
    pub fn owed_announcements(&self) -> Result<Vec<Arc<Announcement>>, StoreError> {
        let connection = self.connection();
        let rows = connection
            .prepare(&format!(
                "SELECT {COLUMNS} FROM announcements WHERE state = 'scheduled' ORDER BY id"
            ))
            .and_then(|mut statement| statement.query_map([], record)?.collect());
        let records: Vec<Record> = self.check(rows)?;
        Ok(records
            .iter()
            .filter_map(Record::planned)
            .map(Arc::new)
            .collect())
    }

    /// Its author's Send: a draft becomes due (now, unless it has a time),
    /// and its report will replace `report_to`. `None` if it was no longer
    /// a draft, so a second press sends nothing twice.
    pub fn confirm_announcement(
        &self,
        id: i64,
        now: DateTime<Utc>,
        report_to: (i64, i32),
    ) -> Result<Option<Record>, StoreError> {
        let updated = self.connection().execute(
            "UPDATE announcements
             SET state = 'scheduled', due = coalesce(due, ?2), report_chat = ?3, report_message = ?4
             WHERE id = ?1 AND state = 'draft'",
            params![id, now, report_to.0, report_to.1],
        );
        if self.check(updated)? == 0 {
            return Ok(None);
        }
        self.announced.notify_one();
        self.announcement(id)
    }

    /// Withdraws a draft, or a confirmed announcement whose time has not
    /// come: the scheduler rereads what is owed every turn, and wakes on
    /// another process's write, so a running bot never posts it. One whose
    /// time has come may be going out already, and stays.
    pub fn withdraw_announcement(
        &self,
        id: i64,
        now: DateTime<Utc>,
    ) -> Result<Withdrawal, StoreError> {
        let updated = self.connection().execute(
            "UPDATE announcements SET state = 'cancelled', finished_at = ?2
             WHERE id = ?1 AND (state = 'draft' OR (state = 'scheduled' AND due > ?2))",
            params![id, now],
        );
        let withdrawn = self.check(updated)? == 1;
        Ok(Withdrawal::of(self.announcement(id)?, withdrawn))
    }

    /// Every chat had its try; `None` if it was already done (or cancelled).
    pub fn finish_announcement(
        &self,
        id: i64,
        at: DateTime<Utc>,
    ) -> Result<Option<Record>, StoreError> {
        let updated = self.connection().execute(
            "UPDATE announcements SET state = 'done', finished_at = ?2, held_until = NULL
             WHERE id = ?1 AND state = 'scheduled'",
            params![id, at],
        );
        if self.check(updated)? == 0 {
            return Ok(None);
        }
        self.announcement(id)
    }

    /// `herald announce` keeps the bot off an announcement it is posting.
    pub fn hold_announcement(&self, id: i64, until: DateTime<Utc>) -> Result<(), StoreError> {
        let updated = self.connection().execute(
            "UPDATE announcements SET held_until = ?2 WHERE id = ?1",
            params![id, until],
        );
        self.check(updated).map(drop)
    }

    /// What each chat got of announcement `id`, in the order they got it.
    pub fn deliveries(&self, id: i64) -> Result<Vec<Delivered>, StoreError> {
        let connection = self.connection();
        let rows = connection
            .prepare(
                "SELECT chat, outcome, detail FROM posts
                 WHERE substr(key, 1, length(?1)) = ?1 ORDER BY at, rowid",
            )
            .and_then(|mut statement| {
                statement
                    .query_map([announcement_prefix(id)], |row| {
                        Ok(Delivered {
                            chat: chat_of(&row.get::<_, String>(0)?),
                            outcome: parsed(row, 1, Outcome::parse)?,
                            detail: row.get(2)?,
                        })
                    })?
                    .collect()
            });
        self.check(rows)
    }
}

impl Record {
    /// The scheduler's view, once confirmed.
    pub(super) fn planned(&self) -> Option<Announcement> {
        Some(Announcement {
            id: self.id,
            due: self.due?,
            html: self.html.clone(),
            pin: self.pin,
            held_until: self.held_until,
        })
    }
}

fn record(row: &Row) -> rusqlite::Result<Record> {
    let report_to = match (row.get(8)?, row.get(9)?) {
        (Some(chat), Some(message)) => Some((chat, message)),
        _ => None,
    };
    Ok(Record {
        id: row.get(0)?,
        author: parsed(row, 1, Author::decode)?,
        created: row.get(2)?,
        html: row.get(3)?,
        pin: row.get(4)?,
        lang: parsed(row, 5, |text| text.parse().ok())?,
        due: row.get(6)?,
        state: parsed(row, 7, State::parse)?,
        report_to,
        held_until: row.get(10)?,
        finished: row.get(11)?,
    })
}

/// A text column read with `parse`; text it cannot read is a broken record.
fn parsed<T>(row: &Row, column: usize, parse: impl Fn(&str) -> Option<T>) -> rusqlite::Result<T> {
    let text: String = row.get(column)?;
    parse(&text).ok_or_else(|| {
        let problem = format!("unreadable value `{text}`");
        rusqlite::Error::FromSqlConversionFailure(column, Type::Text, problem.into())
    })
}

impl State {
    const ALL: [State; 4] = [
        State::Draft,
        State::Scheduled,
        State::Cancelled,
        State::Done,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            State::Draft => "draft",
            State::Scheduled => "scheduled",
            State::Cancelled => "cancelled",
            State::Done => "done",
        }
    }

    pub(super) fn parse(text: &str) -> Option<State> {
        State::ALL.into_iter().find(|s| s.as_str() == text)
    }
}

impl Author {
    pub(super) fn encode(&self) -> String {
        match self {
            Author::Admin(id) => format!("admin:{id}"),
            Author::Shell(name) => format!("shell:{name}"),
        }
    }

    pub(super) fn decode(text: &str) -> Option<Author> {
        if let Some(id) = text.strip_prefix("admin:") {
            return id.parse().ok().map(Author::Admin);
        }
        text.strip_prefix("shell:")
            .map(|name| Author::Shell(name.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schedule::{announcement_posts, Post};

    fn at(text: &str) -> DateTime<Utc> {
        text.parse().unwrap()
    }

    fn draft() -> NewAnnouncement {
        NewAnnouncement {
            author: Author::Admin(42),
            html: "<b>Hello</b> &amp; welcome".into(),
            pin: true,
            lang: Lang::En,
            due: None,
            state: State::Draft,
            held_until: None,
        }
    }

    #[test]
    fn a_draft_is_sent_once_and_reported_per_chat() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("herald.db");
        let store = Store::open(&path).unwrap();
        let now = at("2026-12-01T02:00:00Z");
        let id = store.add_announcement(&draft(), now).unwrap();
        assert!(
            store.owed_announcements().unwrap().is_empty(),
            "drafts are not owed"
        );
        let confirmed = store
            .confirm_announcement(id, now, (42, 7))
            .unwrap()
            .unwrap();
        assert_eq!(confirmed.state, State::Scheduled);
        assert_eq!(confirmed.due, Some(now));
        assert_eq!(confirmed.report_to, Some((42, 7)));
        assert_eq!(
            store.confirm_announcement(id, now, (42, 7)).unwrap(),
            None,
            "a second Send does nothing"
        );
        let owed = store.owed_announcements().unwrap();
        assert_eq!(owed.len(), 1);
        let chats = [ChatTarget::id(-1), ChatTarget::username("@chan")];
        let posts: Vec<Post> =
            announcement_posts(&owed[0], &chats, &Default::default(), chrono_tz::UTC);
        store
            .record_post(&posts[0], Outcome::Sent, Some("pinned"), &[], now)
            .unwrap();
        store
            .record_post(&posts[1], Outcome::Undeliverable, Some("blocked"), &[], now)
            .unwrap();
        store.close().unwrap();

        let store = Store::open(&path).unwrap();
        let memory = store.memory().unwrap();
        assert_eq!(memory.announcements, owed, "the scheduler remembers it");
        assert!(memory.done.contains(&posts[1].key));
        assert_eq!(
            store.deliveries(id).unwrap(),
            [
                Delivered {
                    chat: chats[0].clone(),
                    outcome: Outcome::Sent,
                    detail: Some("pinned".into()),
                },
                Delivered {
                    chat: chats[1].clone(),
                    outcome: Outcome::Undeliverable,
                    detail: Some("blocked".into()),
                },
            ]
        );
        let done = store.finish_announcement(id, now).unwrap().unwrap();
        assert_eq!((done.state, done.finished), (State::Done, Some(now)));
        assert_eq!(store.finish_announcement(id, now).unwrap(), None);
        assert!(
            matches!(
                store.withdraw_announcement(id, now).unwrap(),
                Withdrawal::AlreadySent(Record {
                    state: State::Done,
                    ..
                })
            ),
            "too late"
        );
        assert!(store.owed_announcements().unwrap().is_empty());
    }

    #[test]
    fn scheduled_announcements_can_be_cancelled_and_held() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("herald.db")).unwrap();
        let now = at("2026-11-01T00:00:00Z");
        let later = NewAnnouncement {
            author: Author::Shell("alice".into()),
            due: Some(at("2026-12-01T02:00:00Z")),
            state: State::Scheduled,
            ..draft()
        };
        let first = store.add_announcement(&later, now).unwrap();
        let second = store.add_announcement(&later, now).unwrap();
        store.hold_announcement(second, now).unwrap();
        let withdrawn = store.withdraw_announcement(first, now).unwrap();
        assert!(matches!(
            withdrawn,
            Withdrawal::Withdrawn(Record {
                state: State::Cancelled,
                ..
            })
        ));
        assert!(matches!(
            store.withdraw_announcement(first, now).unwrap(),
            Withdrawal::AlreadyCancelled(_)
        ));
        assert_eq!(
            store.withdraw_announcement(99, now).unwrap(),
            Withdrawal::Unknown
        );
        let due = at("2026-12-01T02:00:00Z");
        assert!(
            matches!(
                store.withdraw_announcement(second, due).unwrap(),
                Withdrawal::UnderWay(Record {
                    state: State::Scheduled,
                    ..
                })
            ),
            "at its time it may be going out"
        );
        let owed = store.owed_announcements().unwrap();
        assert_eq!(owed.len(), 1);
        assert_eq!((owed[0].id, owed[0].held_until), (second, Some(now)));
        let all = store.announcements().unwrap();
        assert_eq!(all[0].state, State::Cancelled);
        assert_eq!(all[1].author, Author::Shell("alice".into()));
        assert_eq!(all[1].lang, Lang::En);
    }
}
