//! `herald run` on PostgreSQL: the real binary with `state =
//! "postgres://…"` in bot.toml, against the fake Bot API and a database of
//! its own on the test server (see `support::database`). It answers
//! members, posts a due reminder once and not again after a restart, and
//! one `herald run` leads per database: a second is refused, a standby
//! takes over within 10 s of the leader's `kill -9`, repeating nothing.
//!
//! The address carries a password the test server (trust auth) never asks
//! for, so every log and error can be searched for it.

mod support;

use std::path::PathBuf;
use std::process::{Output, Stdio};
use std::time::{Duration, Instant};

use herald::store::PgStore;
use tokio::io::AsyncReadExt;
use tokio::process::Child;

use support::database::Database;
use support::fake_bot_api::{Call, Chat, FakeBotApi};
use support::members::JANE;
use support::process::{self, stop};

/// What must never be printed.
const PASSWORD: &str = "pg-s3cret-never-printed";

/// The configured chat the reminder goes to.
const GROUP: Chat = Chat::Group(-1001);

/// A site whose one event's "2h" reminder falls due `lead` seconds after
/// this call, its state in `database`.
struct Site {
    dir: tempfile::TempDir,
    database: Database,
}

impl Site {
    fn new(database: Database, lead: i64) -> Site {
        let mut url = url::Url::parse(&database.url).unwrap();
        url.set_password(Some(PASSWORD)).unwrap();
        let state = format!("state = \"{url}\"\n");
        let dir = support::site::launch(&state, &format!("[{}]", GROUP.id()), lead);
        Site { dir, database }
    }

    fn config(&self) -> PathBuf {
        self.dir.path().join("bot.toml")
    }

    fn herald(&self, api: &FakeBotApi, extra: &[&str]) -> tokio::process::Command {
        let mut command = process::herald_run(&api.url(), &self.config());
        command
            .args(extra)
            .env("RUST_LOG", "herald=info")
            .stdin(Stdio::null())
            .stderr(Stdio::piped());
        command
    }

    fn run(&self, api: &FakeBotApi, extra: &[&str]) -> Child {
        self.herald(api, extra).spawn().unwrap()
    }

    /// `herald <command> <args>` run to its end (within 20 s), which must
    /// succeed and never print the password.
    async fn output(&self, api: &FakeBotApi, command: &str, args: &[&str]) -> Output {
        let mut herald = process::herald(command, &api.url(), &self.config());
        herald
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let output = tokio::time::timeout(Duration::from_secs(20), herald.output())
            .await
            .expect("the subcommand ends")
            .unwrap();
        let said = String::from_utf8_lossy(&output.stderr);
        assert!(output.status.success(), "herald {command}: {said}");
        never_shows_the_password(&format!(
            "{said}{}",
            String::from_utf8_lossy(&output.stdout)
        ));
        output
    }

    /// `read` on the database, by a store of the test's own.
    async fn read<T: Send + 'static>(&self, read: fn(&PgStore) -> T) -> T {
        let url = self.database.url.clone();
        let read = tokio::task::spawn_blocking(move || read(&PgStore::open(&url).unwrap()));
        read.await.unwrap()
    }

    /// Waits (at most 10 s) until a post is recorded in the database.
    async fn recorded(&self) {
        let deadline = Instant::now() + Duration::from_secs(10);
        while self.read(|store| store.last_post().unwrap()).await == 0 {
            assert!(Instant::now() < deadline, "no post recorded in 10 s");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

/// A database of the test's own, or `None` where there is no server
/// (said why; fails under CI).
async fn database() -> Option<Database> {
    tokio::task::spawn_blocking(Database::create).await.unwrap()
}

/// A site whose reminder falls due `lead` seconds from now, on a database
/// of its own, and a `herald run` leading on it, serving; `None` where
/// there is no server (said why; fails under CI).
async fn leading(lead: i64) -> Option<(FakeBotApi, Site, Child)> {
    let database = database().await?;
    let api = FakeBotApi::start().await;
    let site = Site::new(database, lead);
    let herald = site.run(&api, &[]);
    api.wait_for_calls("setMyCommands", 2).await;
    Some((api, site, herald))
}

/// Messages sent to `chat` so far, once deliveries have had time to settle.
async fn settled(api: &FakeBotApi, chat: Chat) -> usize {
    tokio::time::sleep(Duration::from_millis(2500)).await;
    sent_to(&api.calls("sendMessage"), chat)
}

/// How many of `calls` sent a message to `chat`.
fn sent_to(calls: &[Call], chat: Chat) -> usize {
    let to = |call: &&Call| call.method == "sendMessage" && call.params["chat_id"] == chat.id();
    calls.iter().filter(to).count()
}

fn never_shows_the_password(said: &str) {
    assert!(!said.contains(PASSWORD), "the password was printed: {said}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn run_on_postgres_answers_posts_a_reminder_once_and_not_again_after_a_restart() {
    let Some((api, site, herald)) = leading(6).await else {
        return;
    };

    let private = Chat::Private(JANE.id);
    api.send_text(private, &JANE, "/subscribe");
    let replied = api.wait_for_messages(private, 1).await;
    assert!(!replied[0].html.is_empty());
    api.wait_within(
        Duration::from_secs(15),
        "the reminder in both chats",
        |calls| (sent_to(calls, GROUP) >= 1 && sent_to(calls, private) >= 2).then_some(()),
    )
    .await;
    let subscribed = site.read(|store| store.subscribers().unwrap()).await;
    assert_eq!(subscribed[0].chat, JANE.id as i64, "kept in PostgreSQL");
    assert_eq!(settled(&api, GROUP).await, 1, "posted once");
    let said = stop(herald).await;
    assert!(said.contains("state=postgres://"), "{said}");
    never_shows_the_password(&said);

    let again = site.run(&api, &[]);
    api.wait_for_calls("setMyCommands", 4).await;
    assert_eq!(settled(&api, GROUP).await, 1, "not posted again");
    assert_eq!(settled(&api, private).await, 2, "not posted again");
    never_shows_the_password(&stop(again).await);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_run_is_refused_and_a_standby_takes_over_after_a_kill_repeating_nothing() {
    let Some((api, site, mut leader)) = leading(3).await else {
        return;
    };

    let second = tokio::time::timeout(Duration::from_secs(20), site.herald(&api, &[]).output())
        .await
        .expect("the second run ends")
        .unwrap();
    let said = String::from_utf8_lossy(&second.stderr);
    assert_eq!(second.status.code(), Some(2), "{said}");
    assert!(said.contains("in use by another herald run"), "{said}");
    assert!(
        said.contains(&format!("pid {} on ", leader.id().unwrap())),
        "{said}"
    );
    assert!(said.contains("--standby"), "{said}");
    never_shows_the_password(&said);
    assert_eq!(api.count("setMyCommands"), 2, "the second never served");

    let standby = site.run(&api, &["--standby"]);
    api.wait_within(Duration::from_secs(15), "the leader's reminder", |calls| {
        (sent_to(calls, GROUP) >= 1).then_some(())
    })
    .await;
    assert_eq!(api.count("setMyCommands"), 2, "the standby waits");
    // At most the post in flight may repeat (README, Exactly once): this
    // one is recorded before the kill.
    site.recorded().await;

    leader.start_kill().unwrap(); // SIGKILL: the lock goes with its connection
    leader.wait().await.unwrap();
    let killed = Instant::now();
    api.wait_within(Duration::from_secs(10), "the standby serving", |calls| {
        let menus = calls.iter().filter(|c| c.method == "setMyCommands").count();
        (menus >= 4).then_some(())
    })
    .await;
    let took = killed.elapsed();
    assert!(took < Duration::from_secs(10), "took over in {took:?}");
    assert_eq!(
        settled(&api, GROUP).await,
        1,
        "the reminder is not repeated"
    );
    never_shows_the_password(&stop(standby).await);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_leader_whose_lease_connection_is_cut_stops_with_status_1() {
    let Some((_api, site, mut leader)) = leading(3600).await else {
        return;
    };
    let cut = format!(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
         WHERE datname = '{}' AND application_name LIKE 'herald pid %'",
        site.database.name()
    );
    site.database.sql(&cut);
    let ended = tokio::time::timeout(Duration::from_secs(10), leader.wait())
        .await
        .expect("herald stops once its lease is gone")
        .unwrap();
    let mut said = String::new();
    leader
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut said)
        .await
        .unwrap();
    assert_eq!(ended.code(), Some(1), "{said}");
    assert!(said.contains("lease was lost"), "{said}");
    never_shows_the_password(&said);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn announce_and_the_read_only_commands_work_on_the_database_beside_run() {
    let Some((api, site, bot)) = leading(3600).await else {
        return;
    };
    let message = site.dir.path().join("message.md");
    std::fs::write(&message, "Doors open at **19:00**").unwrap();
    let file = message.to_str().unwrap();
    let at = ["--file", file, "--at", "2040-01-01 10:00", "--yes"];
    let stored = site.output(&api, "announce", &at).await;
    let listed = site.output(&api, "announcements", &[]).await;
    assert!(
        String::from_utf8_lossy(&listed.stdout).contains("Doors open at"),
        "{listed:?} after {stored:?}"
    );
    for (command, args) in [
        ("preview", &[][..]),
        ("chats", &[]),
        ("export", &["--format", "ics"]),
    ] {
        site.output(&api, command, args).await;
    }
    let listed = site.read(|store| store.announcements().unwrap()).await;
    assert_eq!(listed.len(), 1, "kept in PostgreSQL");
    never_shows_the_password(&stop(bot).await);
}
