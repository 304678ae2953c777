//! The live cards: per target, the pinned message herald keeps current
//! and what it shows, so a restart edits the same message (or leaves it
//! be) instead of posting another.

use chrono::{DateTime, Utc};
use rusqlite::{params, OptionalExtension, Row};

use super::{Store, StoreError};
use crate::config::ChatTarget;
use crate::schedule::card::Card;

pub(super) const MIGRATION: &str = "CREATE TABLE cards (
        target      TEXT PRIMARY KEY,
        message     INTEGER NOT NULL,
        event       TEXT NOT NULL,
        fingerprint TEXT NOT NULL,
        changed_at  TEXT NOT NULL,
        reposted_at TEXT,
        deleted_at  TEXT
    ) STRICT";

impl Store {
    /// The card last sent to `target`, if any.
    pub fn card(&self, target: &ChatTarget) -> Result<Option<Card>, StoreError> {
        let found = self
            .connection()
            .query_row(
                "SELECT message, event, fingerprint, changed_at, reposted_at, deleted_at
                 FROM cards WHERE target = ?1",
                [target.to_string()],
                card,
            )
            .optional();
        self.check(found)
    }

    /// `card` is what `target` shows from now on.
    pub fn set_card(&self, target: &ChatTarget, card: &Card) -> Result<(), StoreError> {
        let stored = self.connection().execute(
            "INSERT OR REPLACE INTO cards
             (target, message, event, fingerprint, changed_at, reposted_at, deleted_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![
                target.to_string(),
                card.message,
                card.event,
                card.fingerprint,
                card.changed_at,
                card.reposted_at,
                card.deleted_at
            ],
        );
        self.check(stored).map(drop)
    }
}

fn card(row: &Row<'_>) -> rusqlite::Result<Card> {
    Ok(Card {
        message: row.get(0)?,
        event: row.get(1)?,
        fingerprint: row.get(2)?,
        changed_at: row.get::<_, DateTime<Utc>>(3)?,
        reposted_at: row.get(4)?,
        deleted_at: row.get(5)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schedule::card::{posted, Wanted, Why};

    #[test]
    fn a_card_survives_reopening_per_target() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("herald.db");
        let group = ChatTarget::id(-1001);
        let topic = ChatTarget::id(-1001).in_topic(Some(7));
        let now: DateTime<Utc> = "2030-05-18T10:00:00Z".parse().unwrap();
        let wanted = Wanted {
            event: "rust-night".into(),
            text: "Rust Night".into(),
        };
        let sent = posted(None, Why::First, &wanted, 42, now).deleted(now);
        {
            let store = Store::open(&path).unwrap();
            assert_eq!(store.card(&group).unwrap(), None);
            store.set_card(&group, &sent).unwrap();
        }
        let store = Store::open(&path).unwrap();
        assert_eq!(store.card(&group).unwrap(), Some(sent.clone()));
        assert_eq!(store.card(&topic).unwrap(), None, "a topic has its own");
        let edited = sent.edited(&wanted, now);
        store.set_card(&group, &edited).unwrap();
        assert_eq!(store.card(&group).unwrap(), Some(edited));
    }
}
