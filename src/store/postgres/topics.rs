//! The forum topics opened per event in PostgreSQL, as `store/topics.rs`
//! keeps them in SQLite.

use super::PgStore;
use crate::config::Chat;
use crate::store::{OpenedTopic, StoreError};

impl PgStore {
    /// The `message_thread_id` of the topic herald opened in `chat` for
    /// `event`, if it did.
    pub fn event_topic(&self, chat: &Chat, event: &str) -> Result<Option<i32>, StoreError> {
        let row = self.read(|client| {
            client.query_opt(
                "SELECT thread FROM event_topics WHERE chat = $1 AND event = $2",
                &[&chat.to_string(), &event],
            )
        })?;
        Ok(row.map(|row| row.get(0)))
    }

    /// herald opened `topic`; the first topic recorded for its chat and
    /// event stays.
    pub fn set_event_topic(&self, topic: &OpenedTopic) -> Result<(), StoreError> {
        self.write(|tx| {
            tx.execute(
                "INSERT INTO event_topics (chat, event, thread, created_at) VALUES ($1, $2, $3, $4)
                 ON CONFLICT (chat, event) DO NOTHING",
                &[
                    &topic.chat.to_string(),
                    &topic.event,
                    &topic.thread,
                    &topic.at,
                ],
            )
        })
        .map(drop)
    }
}
