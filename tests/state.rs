//! The state file between processes: the real `herald` binary against the
//! fake Bot API server on 127.0.0.1. One `herald run` holds the file; a
//! second says who holds it, or stands by and takes over when the first
//! dies; `herald announce` and the read-only subcommands work alongside.

mod support;

use std::path::PathBuf;
use std::process::{Output, Stdio};
use std::time::{Duration, Instant};

use tokio::process::{Child, Command};

use support::fake_bot_api::{FakeBotApi, TOKEN};

struct Site {
    dir: tempfile::TempDir,
}

impl Site {
    fn new() -> Site {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("events")).unwrap();
        std::fs::write(
            dir.path().join("bot.toml"),
            "language = \"en\"\ntimezone = \"UTC\"\n[telegram]\nchats = [-1001]\n",
        )
        .unwrap();
        Site { dir }
    }

    fn config(&self) -> PathBuf {
        self.dir.path().join("bot.toml")
    }

    fn state(&self) -> PathBuf {
        self.dir.path().join("herald.db")
    }

    fn herald(&self, api: &FakeBotApi, args: &[&str]) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_herald"));
        command
            .args(args)
            .arg("--config")
            .arg(self.config())
            .env("TELOXIDE_TOKEN", TOKEN)
            .env("TELOXIDE_API_URL", api.url())
            .env("RUST_LOG", "herald=info")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true);
        command
    }

    fn run(&self, api: &FakeBotApi, args: &[&str]) -> Child {
        self.herald(api, args).spawn().unwrap()
    }

    /// A subcommand run to its end, within 20 s.
    async fn output(&self, api: &FakeBotApi, args: &[&str]) -> Output {
        let run = self.herald(api, args).output();
        tokio::time::timeout(Duration::from_secs(20), run)
            .await
            .expect("the subcommand ends")
            .unwrap()
    }
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

async fn terminate(mut herald: Child) {
    let pid = herald.id().unwrap().to_string();
    std::process::Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .unwrap();
    let waited = tokio::time::timeout(Duration::from_secs(6), herald.wait()).await;
    assert!(waited.expect("herald stops within 5 s").unwrap().success());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_run_says_who_holds_the_state_file_and_exits_2() {
    let api = FakeBotApi::start().await;
    let site = Site::new();
    let first = site.run(&api, &["run"]);
    api.wait_for_calls("setMyCommands", 2).await;
    let second = site.output(&api, &["run"]).await;
    let said = stderr(&second);
    assert_eq!(second.status.code(), Some(2), "{said}");
    assert!(
        said.contains(&format!("pid {} on ", first.id().unwrap())),
        "{said}"
    );
    assert!(said.contains("--standby"), "{said}");
    assert_eq!(
        api.count("setMyCommands"),
        2,
        "the second never served: {said}"
    );
    terminate(first).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn announce_and_read_only_commands_work_while_run_holds_the_file() {
    let api = FakeBotApi::start().await;
    let site = Site::new();
    let bot = site.run(&api, &["run"]);
    api.wait_for_calls("setMyCommands", 2).await;
    let message = site.dir.path().join("message.md");
    std::fs::write(&message, "Doors open at **19:00**").unwrap();
    let file = message.to_str().unwrap();
    let stored = site
        .output(
            &api,
            &[
                "announce",
                "--file",
                file,
                "--at",
                "2040-01-01 10:00",
                "--yes",
            ],
        )
        .await;
    assert!(stored.status.success(), "{}", stderr(&stored));
    let listed = site.output(&api, &["announcements"]).await;
    assert!(listed.status.success(), "{}", stderr(&listed));
    let out = String::from_utf8_lossy(&listed.stdout);
    assert!(out.contains("Doors open at"), "{out}");
    let preview = site.output(&api, &["preview"]).await;
    assert!(preview.status.success(), "{}", stderr(&preview));
    terminate(bot).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_standby_takes_over_within_seconds_of_the_holder_being_killed() {
    let api = FakeBotApi::start().await;
    let site = Site::new();
    let mut holder = site.run(&api, &["run"]);
    api.wait_for_calls("setMyCommands", 2).await;
    let standby = site.run(&api, &["run", "--standby"]);
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert_eq!(api.count("setMyCommands"), 2, "the standby waits");
    assert!(api.count("getMe") <= 2, "the standby does not serve yet");

    holder.start_kill().unwrap(); // SIGKILL: the lease goes with the process
    holder.wait().await.unwrap();
    let killed = Instant::now();
    api.wait_for_calls("setMyCommands", 4).await;
    let took = killed.elapsed();
    assert!(took < Duration::from_secs(10), "took over in {took:?}");
    terminate(standby).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_empty_state_file_is_refused_not_started_afresh() {
    let api = FakeBotApi::start().await;
    let site = Site::new();
    std::fs::write(site.state(), "").unwrap();
    let run = site.output(&api, &["run"]).await;
    let said = stderr(&run);
    assert_eq!(run.status.code(), Some(1), "{said}");
    assert!(
        said.contains("herald.db: state file: it is empty"),
        "{said}"
    );
    assert_eq!(std::fs::metadata(site.state()).unwrap().len(), 0);
    let listed = site.output(&api, &["announcements"]).await;
    assert!(!listed.status.success());
    assert!(
        stderr(&listed).contains("it is empty"),
        "{}",
        stderr(&listed)
    );
}
