//! The calendar feed's memory: each entry as last published, with its
//! SEQUENCE and LAST-MODIFIED, so a calendar app that subscribed sees every
//! change as newer than what it holds, across restarts, and an event whose
//! page is gone as cancelled rather than silently dropped.
//!
//! Versions move when a feed is written (served, sent as `/ics`, exported),
//! not when the pages load: the feed is what calendar apps see, so that is
//! where a change becomes one for them, and every way of getting a feed
//! (the bot, `herald export`) moves them the same way, with no part in the
//! scheduler. A change made and undone between two reads is no change.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use rusqlite::{params, TransactionBehavior};

use super::{Store, StoreError, StoreProblem};
use crate::calendar::{revise, Entry, Stamp, Version};

impl Store {
    /// What [`BotStore::calendar`](super::BotStore::calendar) and the feeds
    /// stand on: the stamps of `entries` (the pages as they are at `at`),
    /// then of entries whose page is gone, with their versions moved on
    /// for what changed since the last call, and the changes stored. One
    /// transaction, taken before reading, so two processes writing feeds at
    /// once cannot both bump one change.
    pub fn versions(
        &self,
        ledger: Ledger,
        entries: Vec<Entry>,
        at: DateTime<Utc>,
    ) -> Result<Vec<Stamp>, StoreError> {
        let mut connection = self.connection();
        let revised = (|| -> rusqlite::Result<Result<Vec<Stamp>, StoreProblem>> {
            let transaction =
                connection.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let held = match held(&transaction, ledger)? {
                Ok(held) => held,
                Err(problem) => return Ok(Err(problem)),
            };
            let (stamps, changed) = revise(held, entries, at);
            for &index in &changed {
                let stamp = &stamps[index];
                transaction.execute(
                    ledger.insert(),
                    params![
                        stamp.entry.id,
                        serde_json::to_string(&stamp.entry).unwrap_or_default(),
                        stamp.version.sequence,
                        stamp.version.modified
                    ],
                )?;
            }
            transaction.commit()?;
            Ok(Ok(stamps))
        })();
        let problem = match revised {
            Ok(Ok(stamps)) => return Ok(stamps),
            Ok(Err(problem)) => problem,
            Err(error) => error.into(),
        };
        Err(StoreError {
            path: self.path.clone(),
            source: problem,
        })
    }
}

/// Where versions are kept: events' for every feed, talks' for members'.
#[derive(Debug, Clone, Copy)]
pub enum Ledger {
    Events,
    Talks,
}

impl Ledger {
    /// Its table and the table's key, for PostgreSQL's statements.
    pub(super) fn table(self) -> (&'static str, &'static str) {
        match self {
            Ledger::Events => ("calendar", "event"),
            Ledger::Talks => ("calendar_talks", "talk"),
        }
    }

    fn insert(self) -> &'static str {
        match self {
            Ledger::Events => {
                "INSERT OR REPLACE INTO calendar (event, entry, sequence, modified)
                 VALUES (?1, ?2, ?3, ?4)"
            }
            Ledger::Talks => {
                "INSERT OR REPLACE INTO calendar_talks (talk, entry, sequence, modified)
                 VALUES (?1, ?2, ?3, ?4)"
            }
        }
    }

    fn select(self) -> &'static str {
        match self {
            Ledger::Events => "SELECT entry, sequence, modified FROM calendar",
            Ledger::Talks => "SELECT entry, sequence, modified FROM calendar_talks",
        }
    }
}

/// Every entry the ledger has published, by entry id.
fn held(
    connection: &rusqlite::Connection,
    ledger: Ledger,
) -> rusqlite::Result<Result<HashMap<String, Stamp>, StoreProblem>> {
    let mut statement = connection.prepare(ledger.select())?;
    let rows = statement.query_map([], |row| {
        Ok((
            row.get::<_, String>(0)?,
            row.get::<_, u32>(1)?,
            row.get::<_, DateTime<Utc>>(2)?,
        ))
    })?;
    let mut held = HashMap::new();
    for row in rows {
        let (entry, sequence, modified) = row?;
        match stamp(&entry, Version { sequence, modified }) {
            Ok(stamp) => held.insert(stamp.entry.id.clone(), stamp),
            Err(problem) => return Ok(Err(problem)),
        };
    }
    Ok(Ok(held))
}

/// One published entry as stored (its JSON) at its version.
pub(super) fn stamp(entry: &str, version: Version) -> Result<Stamp, StoreProblem> {
    let entry: Entry = serde_json::from_str(entry)
        .map_err(|error| StoreProblem::Record(format!("calendar entry: {error}")))?;
    Ok(Stamp::new(entry, version))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::When;
    use crate::store::BotStore;

    fn at(text: &str) -> DateTime<Utc> {
        text.parse().unwrap()
    }

    fn entry(id: &str, summary: &str) -> Entry {
        Entry {
            id: id.to_string(),
            uid: format!("{id}@herald"),
            summary: summary.to_string(),
            when: When::Timed {
                start: at("2026-05-18T06:00:00Z"),
                end: at("2026-05-18T08:00:00Z"),
            },
            location: None,
            url: None,
            description: String::new(),
            cancelled: false,
        }
    }

    #[test]
    fn versions_survive_reopening_and_a_gone_page_stays_cancelled() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("herald.db");
        let store = Store::open(&path).unwrap();
        let first = at("2026-01-01T00:00:00Z");
        let stamps = store
            .calendar(vec![entry("a", "A"), entry("b", "B")], first)
            .unwrap();
        assert!(stamps.iter().all(|s| s.version == Version::first(first)));
        store.close().unwrap();

        let store = Store::open(&path).unwrap();
        let edited = at("2026-01-02T00:00:00Z");
        let stamps = store.calendar(vec![entry("a", "A moved")], edited).unwrap();
        let versions: Vec<(&str, u32, bool)> = stamps
            .iter()
            .map(|s| (s.entry.id.as_str(), s.version.sequence, s.entry.cancelled))
            .collect();
        assert_eq!(versions, [("a", 1, false), ("b", 1, true)]);
        assert_eq!(
            stamps[1].entry.summary, "B",
            "the last facts of a gone page"
        );

        let again = store
            .calendar(vec![entry("a", "A moved")], at("2026-01-03T00:00:00Z"))
            .unwrap();
        assert_eq!(again, stamps, "nothing changed, nothing moves");
    }
}
