//! `herald run --communities DIR`: the real binary serving several
//! communities' bots at once, each against a fake Bot API of its own (its
//! own token), each with its own events and state file. Communities added,
//! changed and removed while it runs are followed; a broken file is
//! reported and the others keep serving; with `--listen` every community's
//! webhook is on one listener at `/telegram/<name>`, beside `/metrics`
//! with each community's figures under its name.

mod support;

use std::path::PathBuf;
use std::process::Stdio;
use std::time::{Duration, Instant};

use chrono::{SecondsFormat, Utc};
use tokio::process::Child;

use support::fake_bot_api::{Chat, FakeBotApi};
use support::http::free_port;
use support::members::JANE;
use support::process::{self, stop};

const TOKENS: [(&str, &str); 3] = [
    ("alpha", "1001:alpha-token-for-tests"),
    ("beta", "1002:beta-token-for-tests"),
    ("gamma-x", "1003:gamma-token-for-tests"),
];

/// A deployment folder: `communities/`, and beside it each community's
/// events and state.
struct Deployment {
    dir: tempfile::TempDir,
}

impl Deployment {
    fn new() -> Deployment {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("communities")).unwrap();
        Deployment { dir }
    }

    fn communities(&self) -> PathBuf {
        self.dir.path().join("communities")
    }

    fn log(&self) -> PathBuf {
        self.dir.path().join("herald.log")
    }

    fn said(&self) -> String {
        std::fs::read_to_string(self.log()).unwrap_or_default()
    }

    /// `communities/<name>.toml` for a community whose one event is
    /// `<Title> Night`, served by `api`, with `extra` in its file.
    fn add(&self, name: &str, api: &FakeBotApi, extra: &str) {
        let events = self.dir.path().join(format!("{name}-events"));
        std::fs::create_dir_all(&events).unwrap();
        let start = Utc::now() + chrono::Duration::days(3);
        std::fs::write(
            events.join("night.md"),
            format!(
                "---\ntitle: \"{} Night\"\ndate: {}\nlocation: Hall 1\n---\n",
                title(name),
                start.to_rfc3339_opts(SecondsFormat::Secs, true)
            ),
        )
        .unwrap();
        self.write(
            name,
            &format!(
                "events = \"../{name}-events\"\nstate = \"../{name}.db\"\nlanguage = \"en\"\n\
                 timezone = \"UTC\"\n{extra}[telegram]\napi_url = \"{}\"\n",
                api.url()
            ),
        );
    }

    fn write(&self, name: &str, text: &str) {
        std::fs::write(self.communities().join(format!("{name}.toml")), text).unwrap();
    }

    fn remove(&self, name: &str) {
        std::fs::remove_file(self.communities().join(format!("{name}.toml"))).unwrap();
    }

    fn run(&self, args: &[&str]) -> Child {
        let mut command = process::bare();
        command
            .args(["run", "--communities"])
            .arg(self.communities())
            .args(args)
            .env("RUST_LOG", "herald=info")
            .stdin(Stdio::null())
            .stderr(std::fs::File::create(self.log()).unwrap());
        for (name, token) in TOKENS {
            let var = format!("HERALD_TOKEN_{}", name.to_uppercase().replace('-', "_"));
            command.env(var, token);
        }
        command.spawn().unwrap()
    }

    /// Waits (at most 10 s) until the log says `words`.
    async fn says(&self, words: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let said = self.said();
            if said.contains(words) {
                return said;
            }
            assert!(Instant::now() < deadline, "never said {words:?}: {said}");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

fn title(name: &str) -> String {
    let mut title = name.split('-').next().unwrap().to_string();
    title[..1].make_ascii_uppercase();
    title
}

fn token(name: &str) -> &'static str {
    TOKENS.iter().find(|(n, _)| *n == name).unwrap().1
}

/// `/next` from Jane in her private chat with the community's bot: the
/// reply she sees.
async fn next(api: &FakeBotApi, replies_before: usize) -> String {
    let chat = Chat::Private(JANE.id);
    api.send_text(chat, &JANE, "/next");
    let replies = api.wait_for_messages(chat, replies_before + 1).await;
    replies[replies_before].html.clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn communities_are_served_apart_and_followed_as_their_files_come_change_and_go() {
    let alpha = FakeBotApi::for_token(token("alpha")).await;
    let beta = FakeBotApi::for_token(token("beta")).await;
    let gamma = FakeBotApi::for_token(token("gamma-x")).await;
    let deployment = Deployment::new();
    deployment.add("alpha", &alpha, "");
    deployment.add("beta", &beta, "");
    let herald = deployment.run(&[]);
    alpha.wait_for_calls("setMyCommands", 2).await;
    beta.wait_for_calls("setMyCommands", 2).await;

    assert!(next(&alpha, 0).await.contains("Alpha Night"));
    assert!(next(&beta, 0).await.contains("Beta Night"));
    assert!(
        !alpha
            .calls("sendMessage")
            .iter()
            .any(|c| c.params["text"].as_str().unwrap_or("").contains("Beta")),
        "each bot answers from its own events"
    );
    assert!(deployment.dir.path().join("alpha.db").exists());
    assert!(deployment.dir.path().join("beta.db").exists());

    // A broken file is reported with its line; the others keep serving.
    deployment.write("broken", "language = 3\n");
    deployment.write("Bad Name", "");
    let said = deployment.says("broken.toml:1").await;
    assert!(said.contains("skipped"), "{said}");
    deployment.says("`Bad Name` cannot name a community").await;
    assert!(next(&alpha, 1).await.contains("Alpha Night"));

    // Added while running: served within a rescan.
    deployment.add("gamma-x", &gamma, "");
    gamma.wait_for_calls("setMyCommands", 2).await;
    assert!(next(&gamma, 0).await.contains("Gamma Night"));

    // Changed: restarted on its new file; broken: kept on its last good one.
    deployment.add("beta", &beta, "[schedule]\nreminders = [\"1h\"]\n");
    beta.wait_for_calls("setMyCommands", 4).await;
    assert!(next(&beta, 1).await.contains("Beta Night"));
    deployment.write("beta", "language = [\n");
    deployment
        .says("it keeps serving on its last good config")
        .await;
    assert!(next(&beta, 2).await.contains("Beta Night"));

    // Removed: that bot stops answering, the others do not.
    deployment.remove("alpha");
    deployment.says("its file is gone").await;
    let polls = alpha.count("getUpdates");
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert!(
        alpha.count("getUpdates") <= polls + 1,
        "alpha no longer polls"
    );
    assert!(next(&gamma, 1).await.contains("Gamma Night"));

    let said = stop(herald).await + &deployment.said();
    assert!(said.contains("every community stopped"), "{said}");
    for (_, token) in TOKENS {
        assert!(!said.contains(token), "a token was printed: {said}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_listener_serves_every_community_webhook_at_its_own_path() {
    let alpha = FakeBotApi::for_token(token("alpha")).await;
    let beta = FakeBotApi::for_token(token("beta")).await;
    let deployment = Deployment::new();
    deployment.add("alpha", &alpha, "");
    deployment.add("beta", &beta, "");
    let listen = free_port();
    let listening = listen.to_string();
    let herald = deployment.run(&[
        "--listen",
        &listening,
        "--public-url",
        "https://bots.example.org",
    ]);
    for (api, name) in [(&alpha, "alpha"), (&beta, "beta")] {
        let registered = api.wait_for_calls("setWebhook", 1).await.remove(0).params;
        assert_eq!(
            registered["url"],
            format!("https://bots.example.org/telegram/{name}")
        );
    }
    let chat = Chat::Private(JANE.id);
    alpha
        .send_text_by_webhook(listen, chat, &JANE, "/next")
        .await;
    assert!(alpha.wait_for_messages(chat, 1).await[0]
        .html
        .contains("Alpha Night"));
    beta.send_text_by_webhook(listen, chat, &JANE, "/next")
        .await;
    assert!(beta.wait_for_messages(chat, 1).await[0]
        .html
        .contains("Beta Night"));

    // Each community's metrics on the one listener, under its own name (a
    // command is counted once its reply is sent, so they are waited for).
    let lines: Vec<String> = ["alpha", "beta"]
        .iter()
        .flat_map(|name| {
            [
                format!("herald_commands_total{{command=\"next\",community=\"{name}\"}} 1"),
                format!("herald_pages_loaded{{community=\"{name}\"}} 1"),
            ]
        })
        .collect();
    let (_, metrics) = support::http::get_until(
        listen,
        "/metrics",
        Duration::from_secs(5),
        |status, text| status == 200 && lines.iter().all(|line| text.contains(line)),
    )
    .await;
    assert!(
        !metrics.contains("herald_commands_total{command=\"next\"}"),
        "every command is some community's: {metrics}"
    );

    // Beta's secret does not open alpha's webhook.
    let beta_secret = beta.webhook_secret().await;
    let (_, answer) = alpha
        .post_to_webhook(listen, chat, &JANE, "/next", Some(&beta_secret))
        .await;
    assert!(answer.starts_with("HTTP/1.1 401"), "{answer}");
    assert_eq!(alpha.calls("sendMessage").len(), 1, "nothing answered");
    assert_eq!(
        alpha.count("getUpdates"),
        0,
        "no polling beside the webhook"
    );

    stop(herald).await;
}
