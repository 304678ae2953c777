//! Which store, from the config: the one place that reads `state` (a
//! SQLite file, the default) or `database` (PostgreSQL), for every command
//! that opens the state, and the matching lease for `herald run`.

use std::sync::Arc;

use super::{Backend, Lease, LeaseError, PgLease, PgStore, Store, StoreError};
use crate::blocking::off_workers;
use crate::config::Config;

/// Opens the state `config` names, its schema brought up to date. It may
/// block on the disk or the network: call it off the async workers.
pub fn open(config: &Config) -> Result<Arc<dyn Backend>, StoreError> {
    Ok(match &config.database {
        Some(database) => Arc::new(PgStore::open(database.secret())?),
        None => Arc::new(Store::open(&config.state)?),
    })
}

/// [`open`] on a blocking thread, for async callers.
pub async fn open_async(config: &Config) -> Result<Arc<dyn Backend>, StoreError> {
    let config = config.clone();
    off_workers(move || open(&config)).await
}

/// Whether herald may write its state: for a SQLite file, its place (see
/// [`Store::check_writable`]); a database says so when connected to, which
/// [`open`] does.
pub fn check_writable(config: &Config) -> Result<(), StoreError> {
    match &config.database {
        Some(_) => Ok(()),
        None => Store::check_writable(&config.state),
    }
}

/// Whether there is state to read: a SQLite file that exists, or a
/// database (which is made on first use anyway). Read-only commands skip
/// the store where there is none, rather than create an empty file.
pub fn exists(config: &Config) -> bool {
    config.database.is_some() || config.state.exists()
}

/// The right to run the scheduler on this state: held for the life of
/// `herald run`, dropped (or lost with the process) to let another lead.
pub enum Leader {
    /// The lock file beside a SQLite state file.
    File(Lease),
    /// An advisory lock on a connection of its own.
    Postgres(Box<PgLease>),
}

impl Leader {
    /// Takes the lease now, or says who holds it.
    pub async fn take(config: &Config) -> Result<Leader, LeaseError> {
        match &config.database {
            None => Lease::take(&config.state).map(Leader::File),
            Some(database) => {
                let database = database.clone();
                let taken = off_workers(move || PgLease::take(&database)).await;
                taken.map(|lease| Leader::Postgres(Box::new(lease)))
            }
        }
    }

    /// Waits for the lease while another holds it (`--standby`).
    pub async fn wait(config: &Config) -> Result<Leader, LeaseError> {
        super::lease::stand_by(|| Leader::take(config)).await
    }

    /// The fencing token posts are recorded under, for a lease that can
    /// be lost while the process lives (PostgreSQL's).
    pub fn fence(&self) -> Option<super::Fence> {
        match self {
            Leader::File(_) => None,
            Leader::Postgres(lease) => Some(lease.fence()),
        }
    }

    /// What is leased, for the log.
    pub fn name(&self) -> String {
        match self {
            Leader::File(lease) => lease.path().display().to_string(),
            Leader::Postgres(lease) => lease.database().to_string(),
        }
    }

    /// Returns only once the lease is lost: never for a lock file (the
    /// operating system keeps it while the process lives); for PostgreSQL,
    /// when the connection holding the lock stops answering, looked at
    /// every `every`.
    pub async fn lost(self, every: std::time::Duration) -> LeaseError {
        let mut lease = match self {
            Leader::File(lease) => {
                let _held = lease;
                return std::future::pending().await;
            }
            Leader::Postgres(lease) => lease,
        };
        loop {
            tokio::time::sleep(every).await;
            let checked = off_workers(move || {
                let checked = lease.check();
                (lease, checked)
            })
            .await;
            match checked {
                (held, Ok(())) => lease = held,
                (_, Err(lost)) => return lost,
            }
        }
    }
}
