//! `herald run` as an operator starts it, the real binary against the fake
//! Bot API on 127.0.0.1: what its logs say at start-up, in text and in
//! JSON, and how it fails when the Bot API cannot be reached.

mod support;

use std::path::Path;
use std::time::Duration;

use support::fake_bot_api::{FakeBotApi, TOKEN};
use support::process;

/// A folder with one good page, one broken page and a `bot.toml` serving
/// two chats.
fn site() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let events = dir.path().join("events");
    std::fs::create_dir(&events).unwrap();
    std::fs::write(
        events.join("good.md"),
        "---\ntitle: Good\ndate: 2030-01-01T10:00:00+08:00\n---\n",
    )
    .unwrap();
    std::fs::write(events.join("broken.md"), "---\ntitle: [unclosed\n---\n").unwrap();
    std::fs::write(
        dir.path().join("bot.toml"),
        "[telegram]\nchats = [-1001, -1002]\n",
    )
    .unwrap();
    dir
}

fn herald_run(dir: &Path, api_url: &str) -> tokio::process::Command {
    let mut command = process::herald_run(api_url, &dir.join("bot.toml"));
    command
        .env("RUST_LOG", "info")
        .env_remove("NO_COLOR")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .kill_on_drop(true);
    command
}

/// Starts `herald run` on [`site`], waits (10 s at most) until it logs that
/// it serves, stops it with SIGTERM and returns all it wrote to stderr.
async fn start_and_stop(log_format: Option<&str>) -> (String, tempfile::TempDir) {
    use tokio::io::{AsyncBufReadExt, AsyncReadExt, BufReader};

    let api = FakeBotApi::start().await;
    let dir = site();
    let mut command = herald_run(dir.path(), &api.url());
    if let Some(format) = log_format {
        command.env("HERALD_LOG_FORMAT", format);
    }
    let mut herald = command.spawn().unwrap();
    let mut stderr = BufReader::new(herald.stderr.take().unwrap());
    let mut seen = String::new();
    let serving = async {
        while !seen.contains("herald is serving") {
            if stderr.read_line(&mut seen).await.unwrap() == 0 {
                break;
            }
        }
    };
    tokio::time::timeout(Duration::from_secs(10), serving)
        .await
        .expect("herald starts serving");
    let pid = herald.id().unwrap().to_string();
    let killed = std::process::Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .unwrap();
    assert!(killed.success());
    let rest = async {
        stderr.read_to_string(&mut seen).await.unwrap();
        herald.wait().await.unwrap()
    };
    let status = tokio::time::timeout(Duration::from_secs(10), rest)
        .await
        .expect("herald stops");
    assert_eq!(status.code(), Some(0), "{seen}");
    (seen, dir)
}

#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn start_up_is_one_plain_line_saying_what_is_served() {
    let (stderr, dir) = start_and_stop(None).await;
    assert!(
        !stderr.contains("\x1b["),
        "no colour codes when stderr is not a terminal: {stderr}"
    );
    assert!(!stderr.contains(TOKEN), "the token leaked: {stderr}");
    let started: Vec<&str> = stderr
        .lines()
        .filter(|line| line.contains("herald is serving"))
        .collect();
    assert_eq!(started.len(), 1, "{stderr}");
    let state = dir.path().join("herald.db");
    for field in [
        format!("version={}", env!("CARGO_PKG_VERSION")),
        "events=1".to_string(),
        "broken=1".to_string(),
        "chats=2".to_string(),
        "mode=polling".to_string(),
        format!("state={}", state.display()),
    ] {
        assert!(started[0].contains(&field), "{field} in: {}", started[0]);
    }
}

#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn json_logs_are_one_object_a_line() {
    let (stderr, dir) = start_and_stop(Some("json")).await;
    let lines: Vec<serde_json::Value> = stderr
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: not JSON: {line}")))
        .collect();
    let started: Vec<&serde_json::Value> = lines
        .iter()
        .filter(|line| line["fields"]["message"] == "herald is serving")
        .collect();
    assert_eq!(started.len(), 1, "{stderr}");
    let fields = &started[0]["fields"];
    assert_eq!(started[0]["level"], "INFO");
    assert_eq!(fields["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(
        (&fields["events"], &fields["broken"]),
        (&1.into(), &1.into())
    );
    assert_eq!(fields["chats"], 2);
    assert_eq!(fields["mode"], "polling");
    let state = dir.path().join("herald.db");
    assert_eq!(fields["state"], state.display().to_string());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unknown_log_format_is_refused() {
    let dir = site();
    let mut command = herald_run(dir.path(), "http://127.0.0.1:9");
    command.env("HERALD_LOG_FORMAT", "jsno");
    let output = tokio::time::timeout(Duration::from_secs(10), command.output())
        .await
        .expect("herald exits")
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert_eq!(
        stderr.trim(),
        "herald: HERALD_LOG_FORMAT is `jsno`: set it to `json` or `text`, or unset it"
    );
}

/// A Bot API address nothing listens on (a port bound, then let go) is a
/// setting to fix: exit 2, one line naming the address and the cause, and
/// never the token that teloxide puts in every request URL.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreachable_api_exits_2_naming_the_address_and_the_cause() {
    let address = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap()
    };
    let dir = site();
    let output = herald_run(dir.path(), &format!("http://{address}")).output();
    let output = tokio::time::timeout(Duration::from_secs(10), output)
        .await
        .expect("herald exits")
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    let errors: Vec<&str> = stderr
        .lines()
        .filter(|line| line.starts_with("herald: "))
        .collect();
    assert_eq!(errors.len(), 1, "{stderr}");
    let error = errors[0];
    assert!(
        error.contains(&format!("cannot reach the Bot API at http://{address}/")),
        "{error}"
    );
    assert!(error.contains("connection refused"), "{error}");
    assert!(error.contains("TELOXIDE_API_URL"), "{error}");
    assert!(
        !stderr.contains(TOKEN) && !stderr.contains("/bot"),
        "the token leaked: {stderr}"
    );
    assert!(!dir.path().join("herald.db").exists(), "nothing opened");
}
