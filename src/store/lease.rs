//! Who may run the scheduler on a state file: one `herald run` at a time.
//!
//! SQLite's own locks last one transaction, so two bots on one file would
//! each post every reminder. The lease is an exclusive lock on a sidecar
//! file (`herald.db.lock`), held for the life of the process: the operating
//! system drops it when the holder dies, even by `kill -9`, so a standby
//! takes over without anyone cleaning up. The file also says who holds it
//! (pid, host, since when), for the error a second `herald run` prints.
//!
//! `herald announce` and the read-only subcommands take no lease: they are
//! made to write alongside a running bot (see `announcements.rs`).

use std::fs::{File, OpenOptions, TryLockError};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::{SecondsFormat, Utc};

/// How often a standby tries for the lease: it takes over within this of
/// the holder's death.
pub const STANDBY_POLL: Duration = Duration::from_millis(500);

/// The lease; dropping it (or the process ending) gives it up.
#[derive(Debug)]
pub struct Lease {
    path: PathBuf,
    _file: File,
}

#[derive(Debug, thiserror::Error)]
pub enum LeaseError {
    #[error(
        "{}: the state file is in use by another herald run ({holder}); \
         stop that one first, or start this one with --standby to take over when it stops",
        .state.display()
    )]
    Held { state: PathBuf, holder: String },
    #[error(
        "{database}: the database is in use by another herald run ({holder}); \
         stop that one first, or start this one with --standby to take over when it stops"
    )]
    DatabaseHeld { database: String, holder: String },
    #[error("{database}: cannot take the scheduler's lease in the database: {source}")]
    Database {
        database: String,
        #[source]
        source: ::postgres::Error,
    },
    #[error(
        "{database}: the connection holding the scheduler's lease was lost \
         ({reason}); herald stops so that it never posts beside a new leader"
    )]
    Lost { database: String, reason: String },
    #[error("{}: cannot take the lease on the state file: {source}", .path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

impl Lease {
    /// The lock file beside `state`.
    pub fn path_for(state: &Path) -> PathBuf {
        let mut name = state.as_os_str().to_os_string();
        name.push(".lock");
        PathBuf::from(name)
    }

    /// Takes the lease on `state` now, or says who holds it.
    pub fn take(state: &Path) -> Result<Lease, LeaseError> {
        let path = Lease::path_for(state);
        let io = |source| LeaseError::Io {
            path: path.clone(),
            source,
        };
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(io)?;
        match file.try_lock() {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => {
                return Err(LeaseError::Held {
                    state: state.to_path_buf(),
                    holder: holder(&mut file),
                })
            }
            Err(TryLockError::Error(error)) => return Err(io(error)),
        }
        let me = format!("{}\n", me());
        (|| {
            file.set_len(0)?;
            file.seek(SeekFrom::Start(0))?;
            file.write_all(me.as_bytes())?;
            file.sync_data()
        })()
        .map_err(io)?;
        Ok(Lease { path, _file: file })
    }

    /// Waits for the lease (`herald run --standby`), trying every
    /// [`STANDBY_POLL`]; says once who holds it meanwhile.
    pub async fn wait(state: &Path) -> Result<Lease, LeaseError> {
        stand_by(|| std::future::ready(Lease::take(state))).await
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

/// Tries `take` every [`STANDBY_POLL`] while another holds the lease
/// (`herald run --standby`), saying once who holds it meanwhile.
pub async fn stand_by<L, F>(mut take: impl FnMut() -> F) -> Result<L, LeaseError>
where
    F: std::future::Future<Output = Result<L, LeaseError>>,
{
    let mut told = false;
    loop {
        match take().await {
            Err(held @ (LeaseError::Held { .. } | LeaseError::DatabaseHeld { .. })) => {
                if !told {
                    tracing::info!(%held, "standing by: another herald run holds the state");
                    told = true;
                }
                tokio::time::sleep(STANDBY_POLL).await;
            }
            taken => return taken,
        }
    }
}

/// Who this process is, for whoever finds the lease held: its pid, host
/// and since when.
pub(super) fn me() -> String {
    format!(
        "pid {} on {}, since {}",
        std::process::id(),
        hostname(),
        Utc::now().to_rfc3339_opts(SecondsFormat::Secs, true)
    )
}

/// What the holder wrote about itself.
fn holder(file: &mut File) -> String {
    let mut text = String::new();
    // Bounded: the holder writes one short line.
    let read = file.take(512).read_to_string(&mut text);
    match read.map(|_| text.trim().to_string()) {
        Ok(line) if !line.is_empty() => line,
        _ => "a process that has not said who it is yet".to_string(),
    }
}

fn hostname() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .or_else(|| std::env::var("HOSTNAME").ok())
        .map(|name| name.trim().to_string())
        .filter(|name| !name.is_empty())
        .unwrap_or_else(|| "an unknown host".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_holder_is_told_who_holds_it_until_the_first_lets_go() {
        let dir = tempfile::tempdir().unwrap();
        let state = dir.path().join("herald.db");
        let first = Lease::take(&state).unwrap();
        assert_eq!(first.path(), dir.path().join("herald.db.lock"));
        let error = Lease::take(&state).unwrap_err().to_string();
        assert!(
            error.contains(&format!("pid {} on ", std::process::id())),
            "{error}"
        );
        assert!(error.contains("in use by another herald run"), "{error}");
        assert!(error.contains("--standby"), "{error}");
        drop(first);
        Lease::take(&state).expect("free once the holder let go");
    }
}
