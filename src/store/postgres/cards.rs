//! The live cards in PostgreSQL, as `store/cards.rs` keeps them in SQLite.

use postgres::Row;

use super::PgStore;
use crate::config::ChatTarget;
use crate::schedule::card::Card;
use crate::store::StoreError;

impl PgStore {
    /// The card last sent to `target`, if any.
    pub fn card(&self, target: &ChatTarget) -> Result<Option<Card>, StoreError> {
        let row = self.read(|client| {
            client.query_opt(
                "SELECT message, event, fingerprint, changed_at, reposted_at, deleted_at
                 FROM cards WHERE target = $1",
                &[&target.to_string()],
            )
        })?;
        Ok(row.as_ref().map(card))
    }

    /// `card` is what `target` shows from now on.
    pub fn set_card(&self, target: &ChatTarget, card: &Card) -> Result<(), StoreError> {
        self.write(|tx| {
            tx.execute(
                "INSERT INTO cards
                 (target, message, event, fingerprint, changed_at, reposted_at, deleted_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7)
                 ON CONFLICT (target) DO UPDATE SET
                 message = excluded.message, event = excluded.event,
                 fingerprint = excluded.fingerprint, changed_at = excluded.changed_at,
                 reposted_at = excluded.reposted_at, deleted_at = excluded.deleted_at",
                &[
                    &target.to_string(),
                    &card.message,
                    &card.event,
                    &card.fingerprint,
                    &card.changed_at,
                    &card.reposted_at,
                    &card.deleted_at,
                ],
            )
        })
        .map(drop)
    }
}

fn card(row: &Row) -> Card {
    Card {
        message: row.get(0),
        event: row.get(1),
        fingerprint: row.get(2),
        changed_at: row.get(3),
        reposted_at: row.get(4),
        deleted_at: row.get(5),
    }
}
