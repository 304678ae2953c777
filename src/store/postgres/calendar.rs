//! The calendar feeds' versions in PostgreSQL, as `store/calendar.rs`
//! keeps them in SQLite: the same pure [`revise`] over what was published,
//! in one transaction that locks the ledger before reading it, so two
//! replicas writing a feed at once cannot both bump one change.

use std::collections::HashMap;

use chrono::{DateTime, Utc};

use super::PgStore;
use crate::calendar::{revise, Entry, Stamp, Version};
use crate::store::calendar::{stamp, Ledger};
use crate::store::StoreError;

impl PgStore {
    /// The stamps of `entries` at `at`, then of entries whose page is
    /// gone, versions moved on and changes stored, as SQLite's
    /// [`Store::versions`](crate::store::Store::versions).
    pub fn versions(
        &self,
        ledger: Ledger,
        entries: Vec<Entry>,
        at: DateTime<Utc>,
    ) -> Result<Vec<Stamp>, StoreError> {
        let (table, key) = ledger.table();
        self.write_checked(|tx| {
            // Writers wait for each other; readers of the feed do not.
            tx.batch_execute(&format!("LOCK TABLE {table} IN SHARE ROW EXCLUSIVE MODE"))?;
            let mut held = HashMap::new();
            for row in tx.query(
                &format!("SELECT entry, sequence, modified FROM {table}"),
                &[],
            )? {
                let sequence = u32::try_from(row.get::<_, i64>(1)).unwrap_or(u32::MAX);
                let version = Version {
                    sequence,
                    modified: row.get(2),
                };
                let stamp = stamp(row.get(0), version)?;
                held.insert(stamp.entry.id.clone(), stamp);
            }
            let (stamps, changed) = revise(held, entries, at);
            let insert = format!(
                "INSERT INTO {table} ({key}, entry, sequence, modified) VALUES ($1, $2, $3, $4)
                 ON CONFLICT ({key}) DO UPDATE SET entry = excluded.entry,
                 sequence = excluded.sequence, modified = excluded.modified"
            );
            for &index in &changed {
                let stamp = &stamps[index];
                let entry = serde_json::to_string(&stamp.entry).unwrap_or_default();
                let sequence = i64::from(stamp.version.sequence);
                tx.execute(
                    &insert,
                    &[&stamp.entry.id, &entry, &sequence, &stamp.version.modified],
                )?;
            }
            Ok(stamps)
        })
    }
}
