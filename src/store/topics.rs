//! The forum topics herald opened, one per (chat, event), so an event's
//! posts keep going to the topic opened for it, across restarts: a restart
//! that forgot would open a second topic for the same event.

use chrono::{DateTime, Utc};
use rusqlite::{params, OptionalExtension};

use super::{Store, StoreError};
use crate::config::Chat;

/// A forum topic herald opened for an event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenedTopic {
    pub chat: Chat,
    pub event: String,
    /// Its `message_thread_id`.
    pub thread: i32,
    pub at: DateTime<Utc>,
}

/// Kept for good, as announcements are: a row per event per forum is
/// small, and a forgotten one could open a second topic.
pub(super) const MIGRATION: &str = "CREATE TABLE event_topics (
        chat       TEXT NOT NULL,
        event      TEXT NOT NULL,
        thread     INTEGER NOT NULL,
        created_at TEXT NOT NULL,
        PRIMARY KEY (chat, event)
    ) STRICT";

impl Store {
    /// The `message_thread_id` of the topic herald opened in `chat` for
    /// `event`, if it did.
    pub fn event_topic(&self, chat: &Chat, event: &str) -> Result<Option<i32>, StoreError> {
        let found = self
            .connection()
            .query_row(
                "SELECT thread FROM event_topics WHERE chat = ?1 AND event = ?2",
                params![chat.to_string(), event],
                |row| row.get(0),
            )
            .optional();
        self.check(found)
    }

    /// herald opened `topic`. The first topic recorded for its chat and
    /// event stays: the event's posts never move to another.
    pub fn set_event_topic(&self, topic: &OpenedTopic) -> Result<(), StoreError> {
        let stored = self.connection().execute(
            "INSERT INTO event_topics (chat, event, thread, created_at) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (chat, event) DO NOTHING",
            params![topic.chat.to_string(), topic.event, topic.thread, topic.at],
        );
        self.check(stored).map(drop)
    }
}
