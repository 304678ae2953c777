//! Organizers' announcements in PostgreSQL, as `store/announcements.rs`
//! keeps them in SQLite: each chat's delivery is a row of `posts`.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use postgres::Row;

use super::PgStore;
use crate::schedule::{announcement_prefix, Announcement};
use crate::store::schedule::chat_of;
use crate::store::{
    Author, Delivered, NewAnnouncement, Outcome, Record, State, StoreError, StoreProblem,
    Withdrawal,
};

const COLUMNS: &str = "id, author, created_at, html, pin, lang, due, state, \
                       report_chat, report_message, held_until, finished_at";

impl PgStore {
    /// Stores a new announcement; returns its id.
    pub fn add_announcement(
        &self,
        new: &NewAnnouncement,
        at: DateTime<Utc>,
    ) -> Result<i64, StoreError> {
        let row = self.write(|tx| {
            tx.query_one(
                "INSERT INTO announcements (author, created_at, html, pin, lang, due, state, held_until)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
                &[
                    &new.author.encode(),
                    &at,
                    &new.html,
                    &new.pin,
                    &new.lang.to_string(),
                    &new.due,
                    &new.state.as_str(),
                    &new.held_until,
                ],
            )
        })?;
        if new.state == State::Scheduled {
            self.announced.notify_one();
        }
        Ok(row.get(0))
    }

    pub fn announcement(&self, id: i64) -> Result<Option<Record>, StoreError> {
        let row = self.read(|client| {
            client.query_opt(
                &format!("SELECT {COLUMNS} FROM announcements WHERE id = $1"),
                &[&id],
            )
        })?;
        row.as_ref().map(|row| self.record(row)).transpose()
    }

    /// Every announcement, oldest first.
    pub fn announcements(&self) -> Result<Vec<Record>, StoreError> {
        self.records("ORDER BY id")
    }

    /// Confirmed announcements not yet done, as the scheduler plans them.
    pub fn owed_announcements(&self) -> Result<Vec<Arc<Announcement>>, StoreError> {
        let records = self.records("WHERE state = 'scheduled' ORDER BY id")?;
        Ok(records
            .iter()
            .filter_map(Record::planned)
            .map(Arc::new)
            .collect())
    }

    /// Its author's Send; `None` if it was no longer a draft.
    pub fn confirm_announcement(
        &self,
        id: i64,
        now: DateTime<Utc>,
        report_to: (i64, i32),
    ) -> Result<Option<Record>, StoreError> {
        let updated = self.write(|tx| {
            tx.execute(
                "UPDATE announcements
                 SET state = 'scheduled', due = coalesce(due, $2), report_chat = $3, report_message = $4
                 WHERE id = $1 AND state = 'draft'",
                &[&id, &now, &report_to.0, &report_to.1],
            )
        })?;
        if updated == 0 {
            return Ok(None);
        }
        self.announced.notify_one();
        self.announcement(id)
    }

    /// Withdraws a draft, or a confirmed announcement whose time has not
    /// come (see SQLite's for why one under way stays).
    pub fn withdraw_announcement(
        &self,
        id: i64,
        now: DateTime<Utc>,
    ) -> Result<Withdrawal, StoreError> {
        let withdrawn = self.write(|tx| {
            tx.execute(
                "UPDATE announcements SET state = 'cancelled', finished_at = $2
                 WHERE id = $1 AND (state = 'draft' OR (state = 'scheduled' AND due > $2))",
                &[&id, &now],
            )
        })? == 1;
        Ok(Withdrawal::of(self.announcement(id)?, withdrawn))
    }

    /// Every chat had its try; `None` if it was already done (or cancelled).
    pub fn finish_announcement(
        &self,
        id: i64,
        at: DateTime<Utc>,
    ) -> Result<Option<Record>, StoreError> {
        let updated = self.write(|tx| {
            tx.execute(
                "UPDATE announcements SET state = 'done', finished_at = $2, held_until = NULL
                 WHERE id = $1 AND state = 'scheduled'",
                &[&id, &at],
            )
        })?;
        if updated == 0 {
            return Ok(None);
        }
        self.announcement(id)
    }

    /// `herald announce` keeps the bot off an announcement it is posting.
    pub fn hold_announcement(&self, id: i64, until: DateTime<Utc>) -> Result<(), StoreError> {
        self.write(|tx| {
            tx.execute(
                "UPDATE announcements SET held_until = $2 WHERE id = $1",
                &[&id, &until],
            )
        })
        .map(drop)
    }

    /// What each chat got of announcement `id`, in the order they got it.
    pub fn deliveries(&self, id: i64) -> Result<Vec<Delivered>, StoreError> {
        let rows = self.read(|client| {
            client.query(
                "SELECT chat, outcome, detail FROM posts
                 WHERE starts_with(key, $1) ORDER BY at, seq",
                &[&announcement_prefix(id)],
            )
        })?;
        rows.iter()
            .map(|row| {
                let outcome: &str = row.get(1);
                Ok(Delivered {
                    chat: chat_of(row.get(0)),
                    outcome: Outcome::parse(outcome)
                        .ok_or_else(|| self.unreadable("outcome", outcome))?,
                    detail: row.get(2),
                })
            })
            .collect()
    }

    fn records(&self, filter: &str) -> Result<Vec<Record>, StoreError> {
        let rows = self.read(|client| {
            client.query(
                &format!("SELECT {COLUMNS} FROM announcements {filter}"),
                &[],
            )
        })?;
        rows.iter().map(|row| self.record(row)).collect()
    }

    fn record(&self, row: &Row) -> Result<Record, StoreError> {
        let report_to = match (row.get(8), row.get(9)) {
            (Some(chat), Some(message)) => Some((chat, message)),
            _ => None,
        };
        let text = |column: usize| -> &str { row.get(column) };
        Ok(Record {
            id: row.get(0),
            author: Author::decode(text(1)).ok_or_else(|| self.unreadable("author", text(1)))?,
            created: row.get(2),
            html: row.get(3),
            pin: row.get(4),
            lang: text(5)
                .parse()
                .map_err(|_| self.unreadable("language", text(5)))?,
            due: row.get(6),
            state: State::parse(text(7)).ok_or_else(|| self.unreadable("state", text(7)))?,
            report_to,
            held_until: row.get(10),
            finished: row.get(11),
        })
    }

    fn unreadable(&self, what: &str, text: &str) -> StoreError {
        self.fail(StoreProblem::Record(format!(
            "an announcement's {what} is unreadable: `{text}`"
        )))
    }
}
