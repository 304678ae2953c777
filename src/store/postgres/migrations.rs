//! PostgreSQL's schema changes, in order: `schema_version` counts those
//! applied. They mirror SQLite's tables as they stand after its own
//! [`MIGRATIONS`](super::super::MIGRATIONS) (a PostgreSQL store started at
//! SQLite's latest), so `herald migrate` copies column for column. Append
//! only: a released migration is never edited.

use chrono::Utc;
use postgres::Client;

use super::super::StoreProblem;

pub(super) const MIGRATIONS: &[&str] = &[
    // Everything SQLite keeps, as its 9 migrations left it, plus `writes`:
    // each writing process's count of writes, so one process sees that
    // another wrote (SQLite's `PRAGMA data_version`).
    "CREATE TABLE subscriptions (
        chat_id       bigint PRIMARY KEY,
        subscribed_by bigint,
        subscribed_at timestamptz NOT NULL,
        lang          text
    );
    CREATE TABLE posts (
        seq     bigserial PRIMARY KEY,
        key     text NOT NULL UNIQUE,
        chat    text NOT NULL,
        outcome text NOT NULL,
        at      timestamptz NOT NULL,
        detail  text
    );
    CREATE INDEX posts_at ON posts (at);
    CREATE INDEX posts_chat ON posts (chat);
    CREATE TABLE told (
        event text NOT NULL,
        chat  text NOT NULL,
        facts text NOT NULL,
        PRIMARY KEY (event, chat)
    );
    CREATE INDEX told_chat ON told (chat);
    CREATE TABLE seen (
        event text PRIMARY KEY,
        facts text,
        since timestamptz NOT NULL
    );
    CREATE TABLE meta (
        name  text PRIMARY KEY,
        value text NOT NULL
    );
    CREATE TABLE announcements (
        id             bigserial PRIMARY KEY,
        author         text NOT NULL,
        created_at     timestamptz NOT NULL,
        html           text NOT NULL,
        pin            boolean NOT NULL,
        lang           text NOT NULL,
        due            timestamptz,
        state          text NOT NULL,
        report_chat    bigint,
        report_message integer,
        held_until     timestamptz,
        finished_at    timestamptz
    );
    CREATE TABLE parts (
        key    text PRIMARY KEY,
        chat   text NOT NULL,
        sent   bigint NOT NULL,
        detail text,
        at     timestamptz NOT NULL
    );
    CREATE TABLE chat_keys (
        username text PRIMARY KEY,
        key      text NOT NULL,
        since    timestamptz NOT NULL
    );
    CREATE TABLE calendar (
        event    text PRIMARY KEY,
        entry    text NOT NULL,
        sequence bigint NOT NULL,
        modified timestamptz NOT NULL
    );
    CREATE TABLE chat_titles (
        chat_id bigint PRIMARY KEY,
        title   text NOT NULL
    );
    CREATE TABLE calendar_talks (
        talk     text PRIMARY KEY,
        entry    text NOT NULL,
        sequence bigint NOT NULL,
        modified timestamptz NOT NULL
    );
    CREATE TABLE calendar_tokens (
        member     bigint PRIMARY KEY,
        token      text NOT NULL,
        digest     bytea NOT NULL UNIQUE,
        created_at timestamptz NOT NULL
    );
    CREATE TABLE follows (
        member bigint NOT NULL,
        kind   text NOT NULL,
        key    text NOT NULL,
        since  timestamptz NOT NULL,
        PRIMARY KEY (member, kind, key)
    );
    CREATE TABLE members (
        member  bigint PRIMARY KEY,
        lead    text,
        started boolean NOT NULL DEFAULT false
    );
    CREATE TABLE mutes (
        chat  bigint NOT NULL,
        event text NOT NULL,
        PRIMARY KEY (chat, event)
    );
    CREATE TABLE writes (
        writer text PRIMARY KEY,
        count  bigint NOT NULL
    )",
    // A forum topic subscribes on its own (0: the chat itself), as in
    // SQLite's migration of the same name; and Telegram's ids of the
    // posters uploaded.
    "ALTER TABLE subscriptions ADD COLUMN topic integer NOT NULL DEFAULT 0;
    ALTER TABLE subscriptions DROP CONSTRAINT subscriptions_pkey;
    ALTER TABLE subscriptions ADD PRIMARY KEY (chat_id, topic);
    CREATE TABLE poster_files (
        poster      text PRIMARY KEY,
        file_id     text NOT NULL,
        uploaded_at timestamptz NOT NULL
    )",
    // The live cards, as SQLite's `cards::MIGRATION`.
    "CREATE TABLE cards (
        target      text PRIMARY KEY,
        message     integer NOT NULL,
        event       text NOT NULL,
        fingerprint text NOT NULL,
        changed_at  timestamptz NOT NULL,
        reposted_at timestamptz,
        deleted_at  timestamptz
    )",
    // The forum topic opened for each event, per chat, as SQLite's
    // `topics::MIGRATION`.
    "CREATE TABLE event_topics (
        chat       text NOT NULL,
        event      text NOT NULL,
        thread     integer NOT NULL,
        created_at timestamptz NOT NULL,
        PRIMARY KEY (chat, event)
    )",
];

/// Serialises migrating among processes starting at once: any fixed key,
/// herald's own.
const MIGRATION_LOCK: i64 = 0x6865_7261_6c64_0001;

/// Applies the migrations this database has not had yet, all in one
/// transaction (PostgreSQL's DDL is transactional), so a crash never
/// half-applies one. A database holding tables but no `schema_version` is
/// someone else's, and refused untouched.
pub(super) fn migrate(client: &mut Client) -> Result<(), StoreProblem> {
    let mut transaction = client.transaction()?;
    transaction.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK])?;
    let ours: bool = transaction
        .query_one("SELECT to_regclass('schema_version') IS NOT NULL", &[])?
        .get(0);
    if !ours {
        let tables: i64 = transaction
            .query_one(
                "SELECT count(*) FROM information_schema.tables
                 WHERE table_schema = current_schema()",
                &[],
            )?
            .get(0);
        if tables > 0 {
            return Err(StoreProblem::Foreign(
                "a PostgreSQL database of something else: it has tables, none of them herald's",
            ));
        }
        transaction.batch_execute(
            "CREATE TABLE schema_version (
                 version    integer PRIMARY KEY,
                 applied_at timestamptz NOT NULL
             )",
        )?;
    }
    let applied: i32 = transaction
        .query_one("SELECT coalesce(max(version), 0) FROM schema_version", &[])?
        .get(0);
    let applied = applied as usize;
    if applied > MIGRATIONS.len() {
        return Err(StoreProblem::Newer {
            found: applied,
            known: MIGRATIONS.len(),
        });
    }
    for (index, sql) in MIGRATIONS.iter().enumerate().skip(applied) {
        transaction.batch_execute(sql)?;
        transaction.execute(
            "INSERT INTO schema_version (version, applied_at) VALUES ($1, $2)",
            &[&(index as i32 + 1), &Utc::now()],
        )?;
    }
    Ok(transaction.commit()?)
}
