//! The scheduler's leader lease on PostgreSQL: one `herald run` per
//! database posts, as the lock file beside a SQLite state file ensures for
//! one file.
//!
//! The lease is a session-level advisory lock held on a connection of its
//! own for the life of the process. PostgreSQL drops it when that
//! connection closes, which the operating system does when the holder dies
//! (even by `kill -9`), so a standby takes over without anyone cleaning
//! up. The connection's `application_name` says who holds it (pid, host,
//! since when), for the error a second `herald run` prints.

use std::time::Duration;

use postgres::{Client, GenericClient, NoTls};

use crate::config::DatabaseUrl;
use crate::store::lease::{me, LeaseError};

/// The advisory lock's key, herald's own beside the migrations' and the
/// post records' (`…0001`, `…0002`): advisory locks are per database, so
/// one fixed key gives each database one leader.
const KEY: i64 = 0x6865_7261_6c64_0003;

/// How long the lease's connection may go unanswered before it counts as
/// lost.
const WITHIN: Duration = Duration::from_secs(10);

/// The lease; dropping it (or the process ending) gives it up.
pub struct PgLease {
    database: String,
    /// `None` only while being dropped.
    client: Option<Client>,
    fence: Fence,
}

/// The fencing token of a lease: the server session holding the lock
/// (its backend pid, and when it started, as a pid is reused). A post is
/// recorded only while that session still holds the lock, so a leader
/// cut off from its lock without knowing it (its session ended by the
/// server, a partition it has not noticed yet) stops at its next post,
/// whatever its own checks say.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fence {
    pid: i32,
    /// `None` only for a session of another role, whose start is hidden.
    started: Option<String>,
}

impl Fence {
    /// Whether the session of the fence still holds the leader lock, read
    /// in `tx`: the post records' transaction, so that the record and the
    /// check are one.
    pub(super) fn holds(
        &self,
        tx: &mut postgres::Transaction<'_>,
    ) -> Result<bool, postgres::Error> {
        let holder = PgLease::holding(tx)?;
        Ok(holder.is_some_and(|holder| holder.fence == *self))
    }
}

/// The session holding the leader lock.
#[derive(Debug, Clone)]
pub struct Holder {
    /// The name its connection gave itself (`herald pid … on …, since …`).
    pub name: Option<String>,
    /// Its backend's pid on the server.
    pub pid: i32,
    fence: Fence,
}

impl PgLease {
    /// Takes the lease on the database now, or says who holds it. It
    /// blocks on the network: call it off the async workers.
    pub fn take(url: &DatabaseUrl) -> Result<PgLease, LeaseError> {
        let database = url.to_string();
        let failed = |source| LeaseError::Database {
            database: database.clone(),
            source,
        };
        let mut config: postgres::Config = url.secret().parse().map_err(failed)?;
        // The server cuts a name past 63 bytes; the pid comes first.
        config.application_name(&format!("herald {}", me()));
        // A connection cut without a word (a partition) fails a check in
        // seconds rather than when the kernel gives up, so this leader
        // stops long before the server frees the lock for another.
        config
            .connect_timeout(WITHIN)
            .tcp_user_timeout(WITHIN)
            .keepalives(true)
            .keepalives_idle(WITHIN / 2)
            .keepalives_interval(WITHIN / 5)
            .keepalives_retries(3);
        let mut client = config.connect(NoTls).map_err(failed)?;
        let row = client
            .query_one("SELECT pg_try_advisory_lock($1)", &[&KEY])
            .map_err(failed)?;
        if row.get::<_, bool>(0) {
            let fence = match PgLease::holding(&mut client).map_err(failed)? {
                Some(holder) => holder.fence,
                // Only a session of another role is hidden from us.
                None => {
                    return Err(LeaseError::Lost {
                        database,
                        reason: "the lock just taken is not in pg_locks".to_string(),
                    })
                }
            };
            return Ok(PgLease {
                database,
                client: Some(client),
                fence,
            });
        }
        let holder = holder(&mut client).map_err(failed)?;
        super::close_off_runtime(Some(client));
        Err(LeaseError::DatabaseHeld { database, holder })
    }

    /// Whether the lease is still held: its connection answers. A lost
    /// connection lost the lock with it, and another may lead by now. It
    /// blocks on the network: call it off the async workers.
    pub fn check(&mut self) -> Result<(), LeaseError> {
        let client = self.client.as_mut().expect("held until dropped");
        let answered = client.simple_query("SELECT 1").map(drop);
        answered.map_err(|error| LeaseError::Lost {
            database: self.database.clone(),
            reason: error.to_string(),
        })
    }

    /// The lease's fencing token, for the store that records posts.
    pub fn fence(&self) -> Fence {
        self.fence.clone()
    }

    /// The database, without its password.
    pub fn database(&self) -> &str {
        &self.database
    }
}

impl Drop for PgLease {
    fn drop(&mut self) {
        super::close_off_runtime(self.client.take());
    }
}

/// Who holds the lock, as its connection named itself.
fn holder(client: &mut Client) -> Result<String, postgres::Error> {
    Ok(match PgLease::holding(client)? {
        Some(Holder { name, pid, .. }) => match name
            .as_deref()
            .and_then(|name| name.strip_prefix("herald "))
        {
            Some(said) if !said.is_empty() => said.to_string(),
            _ => format!("PostgreSQL backend pid {pid}"),
        },
        // Let go between the try and the look.
        None => "a process that has just let go".to_string(),
    })
}

impl PgLease {
    /// The session holding the lock on the database, if any: for the
    /// refusal of a second `herald run`, the fencing check, and tools that
    /// watch who leads.
    pub fn holding(client: &mut impl GenericClient) -> Result<Option<Holder>, postgres::Error> {
        let row = client.query_opt(
            "SELECT a.application_name, a.pid, a.backend_start::text FROM pg_locks l
             JOIN pg_stat_activity a ON a.pid = l.pid
             WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1
               AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
               AND ((l.classid::bigint << 32) | l.objid::bigint) = $1",
            &[&KEY],
        )?;
        Ok(row.map(|row| Holder {
            name: row.get(0),
            pid: row.get(1),
            fence: Fence {
                pid: row.get(1),
                started: row.get(2),
            },
        }))
    }
}
