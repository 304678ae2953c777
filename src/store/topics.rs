//! The forum topics herald opened, one per (chat, event), so an event's
//! posts keep going to the topic opened for it, across restarts: a restart
//! that forgot would open a second topic for the same event.

use chrono::{DateTime, Utc};
use rusqlite::{params, OptionalExtension};

use super::{Store, StoreError};
use crate::config::Chat;

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

    /// herald opened topic `thread` in `chat` for `event`. The first topic
    /// recorded stays: the event's posts never move to another.
    pub fn set_event_topic(
        &self,
        chat: &Chat,
        event: &str,
        thread: i32,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let stored = self.connection().execute(
            "INSERT INTO event_topics (chat, event, thread, created_at) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (chat, event) DO NOTHING",
            params![chat.to_string(), event, thread, at],
        );
        self.check(stored).map(drop)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_topic_survives_reopening_per_chat_and_event() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("herald.db");
        let forum = Chat::Id(-1001);
        let now: DateTime<Utc> = "2030-05-18T10:00:00Z".parse().unwrap();
        {
            let store = Store::open(&path).unwrap();
            assert_eq!(store.event_topic(&forum, "rust-night").unwrap(), None);
            store
                .set_event_topic(&forum, "rust-night", 42, now)
                .unwrap();
        }
        let store = Store::open(&path).unwrap();
        assert_eq!(store.event_topic(&forum, "rust-night").unwrap(), Some(42));
        assert_eq!(store.event_topic(&forum, "go-night").unwrap(), None);
        let other = Chat::Username("@community".into());
        assert_eq!(store.event_topic(&other, "rust-night").unwrap(), None);
        store
            .set_event_topic(&forum, "rust-night", 43, now)
            .unwrap();
        assert_eq!(
            store.event_topic(&forum, "rust-night").unwrap(),
            Some(42),
            "the first topic stays"
        );
    }
}
