//! `herald migrate --from herald.db --to postgres://…`: a community's state
//! file copied into PostgreSQL, every table, with what was copied said
//! table by table. The copy itself is the store's
//! ([`PgStore::copy_from`]): all of it or none, counts checked.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{bail, Result};
use clap::Args;

use crate::store::{PgStore, Store};

#[derive(Debug, Args)]
pub struct MigrateArgs {
    /// The SQLite state file to copy (it is only read; a running bot may
    /// go on using it).
    #[arg(long)]
    pub from: PathBuf,
    /// The PostgreSQL database to copy it into (`postgres://user@host/db`);
    /// herald's schema is made there if it is empty.
    #[arg(long, env = "HERALD_DATABASE_URL")]
    pub to: String,
    /// Replace what the database already holds of herald's state.
    #[arg(long)]
    pub force: bool,
}

pub(super) fn migrate(args: &MigrateArgs) -> Result<ExitCode> {
    // Opening would make a new, empty state file where none is: a typo
    // would copy nothing and look done.
    if !args.from.is_file() {
        bail!("{}: no such state file", args.from.display());
    }
    let from = Store::open(&args.from)?;
    let to = PgStore::open(&args.to)?;
    let copied = to.copy_from(&from, args.force)?;
    for (table, rows) in &copied.tables {
        println!("{table:<16} {rows:>8}");
    }
    println!(
        "herald: copied {} rows in {} tables from {} to PostgreSQL; counts checked",
        copied.rows(),
        copied.tables.len(),
        args.from.display()
    );
    Ok(ExitCode::SUCCESS)
}
