//! `herald migrate`: a state file's every table copied into PostgreSQL,
//! row for row, in one transaction that checks the counts before it
//! commits, so the target holds all of it or none.
//!
//! The SQLite side is read in one read transaction: a running bot may go
//! on writing the file, and what is copied is the file as it stood at one
//! moment. A table this copy does not know refuses the whole copy, rather
//! than leaving something behind without a word.

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use postgres::types::ToSql;
use postgres::Transaction;
use rusqlite::Row;

use super::PgStore;
use crate::store::{Store, StoreError, StoreProblem};

/// How a column is read from SQLite and written to PostgreSQL.
#[derive(Clone, Copy)]
enum Kind {
    Int,
    /// PostgreSQL `integer`.
    Int4,
    Text,
    Time,
    Bool,
    Bytes,
}

use Kind::{Bool, Bytes, Int, Int4, Text, Time};

/// Every table of herald's state, with its columns, in an order that
/// needs nothing before it.
const TABLES: &[(&str, &[(&str, Kind)])] = &[
    (
        "subscriptions",
        &[
            ("chat_id", Int),
            ("topic", Int4),
            ("subscribed_by", Int),
            ("subscribed_at", Time),
            ("lang", Text),
        ],
    ),
    (
        "posts",
        &[
            ("seq", Int),
            ("key", Text),
            ("chat", Text),
            ("outcome", Text),
            ("at", Time),
            ("detail", Text),
        ],
    ),
    ("told", &[("event", Text), ("chat", Text), ("facts", Text)]),
    ("seen", &[("event", Text), ("facts", Text), ("since", Time)]),
    ("meta", &[("name", Text), ("value", Text)]),
    (
        "announcements",
        &[
            ("id", Int),
            ("author", Text),
            ("created_at", Time),
            ("html", Text),
            ("pin", Bool),
            ("lang", Text),
            ("due", Time),
            ("state", Text),
            ("report_chat", Int),
            ("report_message", Int4),
            ("held_until", Time),
            ("finished_at", Time),
        ],
    ),
    (
        "parts",
        &[
            ("key", Text),
            ("chat", Text),
            ("sent", Int),
            ("detail", Text),
            ("at", Time),
        ],
    ),
    (
        "chat_keys",
        &[("username", Text), ("key", Text), ("since", Time)],
    ),
    (
        "calendar",
        &[
            ("event", Text),
            ("entry", Text),
            ("sequence", Int),
            ("modified", Time),
        ],
    ),
    ("chat_titles", &[("chat_id", Int), ("title", Text)]),
    (
        "calendar_talks",
        &[
            ("talk", Text),
            ("entry", Text),
            ("sequence", Int),
            ("modified", Time),
        ],
    ),
    (
        "calendar_tokens",
        &[
            ("member", Int),
            ("token", Text),
            ("digest", Bytes),
            ("created_at", Time),
        ],
    ),
    (
        "follows",
        &[
            ("member", Int),
            ("kind", Text),
            ("key", Text),
            ("since", Time),
        ],
    ),
    (
        "members",
        &[("member", Int), ("lead", Text), ("started", Bool)],
    ),
    ("mutes", &[("chat", Int), ("event", Text)]),
    (
        "poster_files",
        &[("poster", Text), ("file_id", Text), ("uploaded_at", Time)],
    ),
    (
        "cards",
        &[
            ("target", Text),
            ("message", Int4),
            ("event", Text),
            ("fingerprint", Text),
            ("changed_at", Time),
            ("reposted_at", Time),
            ("deleted_at", Time),
        ],
    ),
    (
        "event_topics",
        &[
            ("chat", Text),
            ("event", Text),
            ("thread", Int4),
            ("created_at", Time),
        ],
    ),
];

/// SQLite's own bookkeeping, not state to copy.
const SQLITE_ONLY: &[&str] = &["migrations", "sqlite_sequence"];

/// The bigserial columns, whose sequences must go on past what was copied.
const SERIALS: &[(&str, &str)] = &[("posts", "seq"), ("announcements", "id")];

/// What a copy wrote: each table, with its rows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Copied {
    pub tables: Vec<(&'static str, u64)>,
}

impl Copied {
    pub fn rows(&self) -> u64 {
        self.tables.iter().map(|(_, rows)| rows).sum()
    }
}

type Values = Vec<Box<dyn ToSql + Sync>>;

impl PgStore {
    /// Copies every table of `from` here. A target already holding state
    /// is refused unless `force`, which replaces what it holds.
    pub fn copy_from(&self, from: &Store, force: bool) -> Result<Copied, StoreError> {
        let fail = |source: StoreProblem| StoreError {
            path: from.path.clone(),
            source,
        };
        let mut sqlite = from.connection();
        let tables = sqlite
            .transaction()
            .map_err(StoreProblem::from)
            .and_then(|snapshot| read(&snapshot))
            .map_err(fail)?;
        drop(sqlite);
        self.write_checked(|tx| {
            let held = held(tx)?;
            if held > 0 && !force {
                return Err(StoreProblem::Unusable(format!(
                    "it already holds herald's state ({held} rows): herald migrate will not \
                     mix two communities' state; pass --force to replace it"
                )));
            }
            let names: Vec<&str> = TABLES.iter().map(|(table, _)| *table).collect();
            tx.batch_execute(&format!("TRUNCATE {}", names.join(", ")))?;
            let mut copied = Vec::new();
            for ((table, columns), rows) in TABLES.iter().zip(&tables) {
                insert(tx, table, columns, rows)?;
                let count: i64 = tx
                    .query_one(&format!("SELECT count(*) FROM {table}"), &[])?
                    .get(0);
                if count as usize != rows.len() {
                    return Err(StoreProblem::Unusable(format!(
                        "`{table}`: {} rows read, {count} written; nothing was copied",
                        rows.len()
                    )));
                }
                copied.push((*table, count as u64));
            }
            for (table, column) in SERIALS {
                tx.execute(
                    &format!(
                        "SELECT setval(pg_get_serial_sequence('{table}', '{column}'),
                                       coalesce(max({column}), 0) + 1, false) FROM {table}"
                    ),
                    &[],
                )?;
            }
            Ok(Copied { tables: copied })
        })
    }
}

/// Every table's rows, in [`TABLES`]' order, read in one transaction.
fn read(snapshot: &rusqlite::Transaction<'_>) -> Result<Vec<Vec<Values>>, StoreProblem> {
    if let Some(table) = unknown_table(snapshot)? {
        return Err(StoreProblem::Unusable(format!(
            "it has a table `{table}` this herald cannot copy: copy it with the herald that wrote it"
        )));
    }
    TABLES
        .iter()
        .map(|&(table, columns)| Ok(rows(snapshot, table, columns)?))
        .collect()
}

/// A table in the file that is neither state this copy knows nor
/// SQLite's bookkeeping.
fn unknown_table(connection: &rusqlite::Connection) -> rusqlite::Result<Option<String>> {
    let mut statement =
        connection.prepare("SELECT name FROM sqlite_master WHERE type = 'table'")?;
    let names = statement
        .query_map([], |row| row.get::<_, String>(0))?
        .collect::<rusqlite::Result<BTreeSet<String>>>()?;
    Ok(names.into_iter().find(|name| {
        !SQLITE_ONLY.contains(&name.as_str()) && !TABLES.iter().any(|(table, _)| table == name)
    }))
}

fn rows(
    connection: &rusqlite::Connection,
    table: &str,
    columns: &[(&str, Kind)],
) -> rusqlite::Result<Vec<Values>> {
    let names: Vec<&str> = columns.iter().map(|(name, _)| *name).collect();
    let mut statement = connection.prepare(&format!("SELECT {} FROM {table}", names.join(", ")))?;
    let rows = statement.query_map([], |row| {
        columns
            .iter()
            .enumerate()
            .map(|(index, (_, kind))| value(row, index, *kind))
            .collect::<rusqlite::Result<Values>>()
    })?;
    rows.collect()
}

fn value(row: &Row, index: usize, kind: Kind) -> rusqlite::Result<Box<dyn ToSql + Sync>> {
    Ok(match kind {
        Int => Box::new(row.get::<_, Option<i64>>(index)?),
        Int4 => Box::new(row.get::<_, Option<i32>>(index)?),
        Text => Box::new(row.get::<_, Option<String>>(index)?),
        Time => Box::new(row.get::<_, Option<DateTime<Utc>>>(index)?),
        Bool => Box::new(row.get::<_, Option<bool>>(index)?),
        Bytes => Box::new(row.get::<_, Option<Vec<u8>>>(index)?),
    })
}

fn insert(
    tx: &mut Transaction<'_>,
    table: &str,
    columns: &[(&str, Kind)],
    rows: &[Values],
) -> Result<(), postgres::Error> {
    let names: Vec<&str> = columns.iter().map(|(name, _)| *name).collect();
    let slots: Vec<String> = (1..=columns.len()).map(|n| format!("${n}")).collect();
    let statement = tx.prepare(&format!(
        "INSERT INTO {table} ({}) VALUES ({})",
        names.join(", "),
        slots.join(", ")
    ))?;
    for row in rows {
        let params: Vec<&(dyn ToSql + Sync)> = row.iter().map(|value| value.as_ref()).collect();
        tx.execute(&statement, &params)?;
    }
    Ok(())
}

/// How many rows of state the target holds.
fn held(tx: &mut Transaction<'_>) -> Result<i64, postgres::Error> {
    let counts: Vec<String> = TABLES
        .iter()
        .map(|(table, _)| format!("(SELECT count(*) FROM {table})"))
        .collect();
    Ok(tx
        .query_one(&format!("SELECT ({})::bigint", counts.join(" + ")), &[])?
        .get(0))
}
