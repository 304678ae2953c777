//! A database of its own per test on the PostgreSQL test server
//! (`HERALD_TEST_DATABASE_URL`, which `. .ci/postgres` starts and sets), so
//! the PostgreSQL tests run in parallel. Without the variable a test says
//! why it is skipped, and fails instead where `CI` is set: CI never skips
//! silently.

use std::sync::atomic::{AtomicUsize, Ordering};

use herald::store::PgStore;

/// A database of its own on the test server, dropped after the test.
pub struct Database {
    admin: String,
    name: String,
    pub url: String,
}

impl Database {
    /// A new empty database, or `None` (said why) where no server is given
    /// outside CI.
    pub fn create() -> Option<Database> {
        let admin = match std::env::var("HERALD_TEST_DATABASE_URL") {
            Ok(url) => url,
            Err(_) if std::env::var_os("CI").is_some() => panic!(
                "CI is set but HERALD_TEST_DATABASE_URL is not: .ci/run starts a PostgreSQL \
                 server (.ci/postgres) and sets it; the PostgreSQL tests must not be skipped"
            ),
            Err(_) => {
                // Past the test harness's capture, so `cargo test` shows it.
                use std::io::Write;
                let _ = writeln!(
                    std::io::stderr(),
                    "skipped: HERALD_TEST_DATABASE_URL is not set; `. .ci/postgres` starts a \
                     throwaway PostgreSQL server and sets it"
                );
                return None;
            }
        };
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let name = format!(
            "herald_test_{}_{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::SeqCst)
        );
        let mut url = url::Url::parse(&admin).expect("HERALD_TEST_DATABASE_URL is a URL");
        url.set_path(&name);
        let database = Database {
            admin,
            name,
            url: url.to_string(),
        };
        database.sql(&format!(
            "DROP DATABASE IF EXISTS {0}; CREATE DATABASE {0}",
            database.name
        ));
        Some(database)
    }

    /// The database's name on the server.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Runs `sql` on the server's own database, on a thread of its own:
    /// the synchronous client must not run on an async worker.
    pub fn sql(&self, sql: &str) {
        let (admin, sql) = (self.admin.clone(), sql.to_string());
        std::thread::spawn(move || {
            let mut client = ::postgres::Client::connect(&admin, ::postgres::NoTls)
                .unwrap_or_else(|e| panic!("cannot reach the test server {admin}: {e}"));
            for statement in sql.split("; ") {
                client.batch_execute(statement).unwrap();
            }
        })
        .join()
        .unwrap();
    }

    pub fn open(&self) -> PgStore {
        let url = self.url.clone();
        std::thread::spawn(move || PgStore::open(&url))
            .join()
            .unwrap()
            .unwrap()
    }
}

impl Drop for Database {
    fn drop(&mut self) {
        self.sql(&format!(
            "DROP DATABASE IF EXISTS {} WITH (FORCE)",
            self.name
        ));
    }
}
