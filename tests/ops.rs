//! What an operator sees of a running `herald run`: the real binary, as a
//! child process, against the fake Bot API on 127.0.0.1. `/healthz` and
//! `/metrics` over real HTTP, and a SIGTERM while a reply is under way.

mod support;
#[path = "support/visible.rs"]
mod visible;

use std::path::Path;
use std::time::Duration;

use tokio::process::Child;

use support::fake_bot_api::{Chat, FakeBotApi};
use support::http::{free_port, get_until};
use support::members::JANE;
use support::process;

/// `herald run` on an empty events folder, with `extra` in its `bot.toml`.
async fn herald_run(api: &FakeBotApi, dir: &Path, extra: &str) -> Child {
    std::fs::create_dir(dir.join("events")).unwrap();
    let config = dir.join("bot.toml");
    std::fs::write(&config, extra).unwrap();
    let herald = process::herald_run(&api.url(), &config)
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    api.wait_for_calls("setMyCommands", 2).await;
    herald
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn healthz_and_metrics_tell_an_operator_how_herald_is() {
    let api = FakeBotApi::start().await;
    let dir = tempfile::tempdir().unwrap();
    let listen = free_port();
    let _herald = herald_run(
        &api,
        dir.path(),
        &format!("[http]\nlisten = \"{listen}\"\n"),
    )
    .await;
    let patience = Duration::from_secs(10);

    let (_, body) = get_until(listen, "/healthz", patience, |status, _| status == 200).await;
    assert_eq!(body, "ok\n");

    let chat = Chat::Private(JANE.id);
    api.send_text(chat, &JANE, "/next");
    api.wait_for_messages(chat, 1).await;
    let (status, metrics) = get_until(listen, "/metrics", patience, |_, body| {
        body.contains("herald_commands_total")
    })
    .await;
    assert_eq!(status, 200);
    assert!(
        metrics
            .lines()
            .any(|l| l == "herald_commands_total{command=\"next\"} 1"),
        "{metrics}"
    );
    assert!(
        metrics.contains("herald_reply_seconds_bucket{le=\"0.1\"}"),
        "a histogram of reply times: {metrics}"
    );

    // Telegram gone: getUpdates fails again and again, and /healthz says so.
    api.go_down();
    let (_, reason) = get_until(listen, "/healthz", patience, |status, _| status == 503).await;
    assert!(reason.starts_with("updates: getUpdates failed"), "{reason}");
    api.come_back();
    let (_, body) = get_until(listen, "/healthz", Duration::from_secs(20), |status, _| {
        status == 200
    })
    .await;
    assert_eq!(body, "ok\n");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_port_in_use_for_healthz_is_an_error_at_start() {
    let api = FakeBotApi::start().await;
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("events")).unwrap();
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let listen = taken.local_addr().unwrap();
    let config = dir.path().join("bot.toml");
    std::fs::write(&config, format!("[http]\nlisten = \"{listen}\"\n")).unwrap();
    let output = process::herald_run(&api.url(), &config).output();
    let output = tokio::time::timeout(Duration::from_secs(10), output)
        .await
        .expect("herald exits")
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains(&format!(
            "cannot listen on {listen} for /healthz and /metrics"
        )),
        "{stderr}"
    );
}

/// SIGTERM while a member's reply hangs at the Bot API and `getUpdates` is
/// held open: herald still exits, with status 0, within the 5 s the README
/// promises.
#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_with_a_reply_under_way_exits_within_5_s() {
    let api = FakeBotApi::start().await;
    let dir = tempfile::tempdir().unwrap();
    let mut herald = herald_run(&api, dir.path(), "").await;
    api.hang_replies(1, Duration::from_secs(60));
    api.send_text(Chat::Private(JANE.id), &JANE, "/next");
    // The reply's first try is hanging at the fake.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    while api.errors() == 0 {
        assert!(tokio::time::Instant::now() < deadline, "no reply started");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }

    let pid = herald.id().unwrap().to_string();
    let killed = std::process::Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .unwrap();
    assert!(killed.success());
    let signalled = std::time::Instant::now();
    let status = tokio::time::timeout(Duration::from_secs(5), herald.wait())
        .await
        .expect("herald stops within 5 s")
        .unwrap();
    assert_eq!(status.code(), Some(0));
    visible::tell(
        "shutdown",
        &format!("exited {:.2?} after SIGTERM", signalled.elapsed()),
    );
}

/// Another program holds the state file's write lock (a backup tool, a
/// stray `sqlite3` shell) for longer than `catch_up`: the scheduler cannot
/// record its posts, so rather than a bot that answers but never posts,
/// `herald run` stops with status 1 and says why, for a supervisor to
/// restart it. Nothing is posted that could not be recorded.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_state_file_locked_longer_than_catch_up_stops_herald_with_status_1() {
    let api = FakeBotApi::start().await;
    let dir = tempfile::tempdir().unwrap();
    let events = dir.path().join("events");
    std::fs::create_dir(&events).unwrap();
    // The one reminder falls due a few seconds after the start.
    let start = chrono::Utc::now() + chrono::Duration::hours(1) + chrono::Duration::seconds(6);
    std::fs::write(
        events.join("soon.md"),
        format!(
            "---\ntitle: Locked Out Meetup\ndate: {}\n---\n",
            start.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
        ),
    )
    .unwrap();
    let channel = Chat::Group(-100_777);
    let config = dir.path().join("bot.toml");
    std::fs::write(
        &config,
        format!(
            "[telegram]\nchats = [{}]\n[schedule]\nreminders = [\"1h\"]\n\
             talk_reminders = []\ncatch_up = \"2s\"\n",
            channel.id()
        ),
    )
    .unwrap();
    let herald = process::herald_run(&api.url(), &config)
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    api.wait_for_calls("setMyCommands", 2).await;

    let lock = rusqlite::Connection::open(dir.path().join("herald.db")).unwrap();
    lock.execute_batch("BEGIN IMMEDIATE").unwrap();
    let output = tokio::time::timeout(Duration::from_secs(60), herald.wait_with_output())
        .await
        .expect("herald stops within a minute of the lock")
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("unusable for longer than catch_up"),
        "the log says why: {stderr}"
    );
    assert_eq!(
        support::running::count_in(&api, channel),
        0,
        "a reminder that could not be recorded was not sent"
    );
    lock.execute_batch("ROLLBACK").unwrap();
    visible::tell(
        "locked state",
        "herald run exited 1 after the state file stayed locked past catch_up",
    );
}
