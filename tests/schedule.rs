//! The scheduler end to end: the real `herald run` binary against the fake
//! Bot API server on 127.0.0.1, with an event whose reminder falls due a
//! couple of seconds after start. What the chats receive is what is checked.

mod support;

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use chrono::{SecondsFormat, Utc};
use herald::lang::Lang;
use herald::store::Store;
use tokio::process::Child;

use support::fake_bot_api::{Chat, FakeBotApi};
use support::process::{self, stop};

/// A site whose one event starts 2 h and `lead` seconds from now, with a
/// single "2h" reminder: it falls due `lead` seconds after this call.
struct Site {
    dir: tempfile::TempDir,
}

impl Site {
    fn new(chats: &str, lead: i64) -> Site {
        Site {
            dir: support::site::launch("", chats, lead),
        }
    }

    /// The event's page in another language, beside it (`launch.zh.md`).
    fn translate(&self, lang: &str, title: &str) {
        let events = self.dir.path().join("events");
        let page = std::fs::read_to_string(events.join("launch.md")).unwrap();
        let page = page.replace("title: \"Launch <party>\"", &format!("title: \"{title}\""));
        std::fs::write(events.join(format!("launch.{lang}.md")), page).unwrap();
    }

    fn config(&self) -> PathBuf {
        self.dir.path().join("bot.toml")
    }

    fn state(&self) -> PathBuf {
        self.dir.path().join("herald.db")
    }

    fn run(&self, api: &FakeBotApi) -> Child {
        process::herald_run(&api.url(), &self.config())
            .env("RUST_LOG", "herald=info")
            .stderr(Stdio::piped())
            .spawn()
            .unwrap()
    }
}

fn group(id: i64) -> Chat {
    Chat::Group(id)
}

/// Messages each chat got, once the deliveries have had time to settle.
async fn settled_counts(api: &FakeBotApi, chats: &[i64]) -> Vec<usize> {
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let sent = api.calls("sendMessage");
    chats
        .iter()
        .map(|chat| sent.iter().filter(|c| c.params["chat_id"] == *chat).count())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reminder_reaches_every_chat_once() {
    let api = FakeBotApi::start().await;
    // `@launches` is chat -1004, also listed by id: one chat, posted to once.
    api.add_username("@launches", -1004);
    let site = Site::new("[-1001, -1002, \"@launches\", -1004]", 2);
    let herald = site.run(&api);
    for chat in [-1001, -1002, -1004] {
        let sent = api.wait_for_messages(group(chat), 1).await;
        assert!(sent[0].html.contains("In 2 hours"), "{}", sent[0].html);
        assert!(
            sent[0].html.contains("Launch &lt;party&gt;"),
            "escaped: {}",
            sent[0].html
        );
    }
    assert_eq!(
        settled_counts(&api, &[-1001, -1002, -1004]).await,
        [1, 1, 1]
    );
    assert!(api
        .calls("sendMessage")
        .iter()
        .all(|c| c.params["chat_id"] != "@launches"));
    stop(herald).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killed_mid_broadcast_and_restarted_it_repeats_nothing() {
    let api = FakeBotApi::start().await;
    let chats: Vec<i64> = (1..=30).map(|n| -2000 - n).collect();
    let site = Site::new(&format!("{chats:?}"), 2);
    api.delay_sends(Duration::from_millis(80));
    let mut herald = site.run(&api);
    api.wait_until("a third of the broadcast", |calls| {
        (calls.iter().filter(|c| c.method == "sendMessage").count() >= 10).then_some(())
    })
    .await;
    herald.start_kill().unwrap(); // SIGKILL: no chance to tidy up
    herald.wait().await.unwrap();
    let before = api.calls("sendMessage").len();
    assert!(before < chats.len(), "killed mid-broadcast ({before} sent)");

    let herald = site.run(&api);
    api.wait_until("the whole broadcast", |calls| {
        let reached = chats
            .iter()
            .filter(|chat| {
                calls
                    .iter()
                    .any(|c| c.method == "sendMessage" && c.params["chat_id"] == **chat)
            })
            .count();
        (reached == chats.len()).then_some(())
    })
    .await;
    let counts = settled_counts(&api, &chats).await;
    let repeated: usize = counts.iter().map(|n| n.saturating_sub(1)).sum();
    assert!(counts.iter().all(|n| *n >= 1), "{counts:?}");
    assert!(
        repeated <= 1,
        "at most the one post in flight repeats: {counts:?}"
    );
    stop(herald).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn flood_control_is_waited_out_and_every_post_arrives() {
    let api = FakeBotApi::start().await;
    api.flood(3, 1);
    let site = Site::new("[-3001, -3002, -3003]", 1);
    let herald = site.run(&api);
    for chat in [-3001, -3002, -3003] {
        api.wait_for_messages(group(chat), 1).await;
    }
    assert_eq!(api.refused(), 3, "the 429 answers were given");
    assert_eq!(
        settled_counts(&api, &[-3001, -3002, -3003]).await,
        [1, 1, 1]
    );
    stop(herald).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_chat_that_blocked_the_bot_is_reported_once_and_unsubscribed() {
    let api = FakeBotApi::start().await;
    api.block(4002);
    let site = Site::new("[-4001]", 2);
    subscribe(&site.state(), &[4002, 4003]);
    let herald = site.run(&api);
    api.wait_for_messages(group(-4001), 1).await;
    api.wait_for_messages(Chat::Private(4003), 1).await;
    let stderr = stop(herald).await;
    assert_eq!(stderr.matches("chat unreachable").count(), 1, "{stderr}");
    let store = Store::open(&site.state()).unwrap();
    let subscribed: Vec<i64> = store
        .subscribers()
        .unwrap()
        .iter()
        .map(|s| s.chat)
        .collect();
    assert_eq!(subscribed, [4003]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_event_in_two_languages_is_one_reminder_in_each_chats_language() {
    let api = FakeBotApi::start().await;
    let site = Site::new("[-5001]", 2);
    site.translate("zh", "发布会");
    let store = Store::open(&site.state()).unwrap();
    store
        .subscribe((5002, None), Some(5002), Some(Lang::Zh), Utc::now())
        .unwrap();
    store.close().unwrap();
    let herald = site.run(&api);
    let configured = api.wait_for_messages(group(-5001), 1).await;
    assert!(
        configured[0].html.contains("Launch &lt;party&gt;"),
        "bot.toml's language: {}",
        configured[0].html
    );
    let subscribed = api.wait_for_messages(Chat::Private(5002), 1).await;
    assert!(
        subscribed[0].html.contains("发布会") && subscribed[0].html.contains("还有 2 小时"),
        "the subscriber's language: {}",
        subscribed[0].html
    );
    assert_eq!(settled_counts(&api, &[-5001, 5002]).await, [1, 1]);
    stop(herald).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn at_first_start_a_reminder_31_minutes_late_is_sent_once() {
    let api = FakeBotApi::start().await;
    // The 2h reminder fell due 31 minutes before herald starts; catch_up is 1h.
    let site = Site::new("[-6001]", -31 * 60);
    let herald = site.run(&api);
    let sent = api.wait_for_messages(group(-6001), 1).await;
    assert!(
        sent[0].html.contains("Launch &lt;party&gt;"),
        "{}",
        sent[0].html
    );
    assert_eq!(settled_counts(&api, &[-6001]).await, [1]);
    stop(herald).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_page_added_while_running_gets_a_reminder_due_ten_minutes_ago() {
    let api = FakeBotApi::start().await;
    // The shipped event's reminder is an hour away: it stays out of the way.
    let site = Site::new("[-6002]", 3600);
    let herald = site.run(&api);
    api.wait_until("herald serving", |calls| {
        let menus = calls.iter().filter(|c| c.method == "setMyCommands");
        (menus.count() == 2).then_some(())
    })
    .await;
    // Let the scheduler take its first turn with the page not there yet.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let start = Utc::now() + chrono::Duration::hours(2) - chrono::Duration::minutes(10);
    std::fs::write(
        site.dir.path().join("events/late.md"),
        format!(
            "---\ntitle: Late page\ndate: {}\nlocation: Hall 2\n---\n",
            start.to_rfc3339_opts(SecondsFormat::Secs, true)
        ),
    )
    .unwrap();
    let sent = api.wait_for_messages(group(-6002), 1).await;
    assert!(
        sent[0].html.contains("Late page") && sent[0].html.contains("In 2 hours"),
        "{}",
        sent[0].html
    );
    assert_eq!(settled_counts(&api, &[-6002]).await, [1]);
    stop(herald).await;
}

fn subscribe(state: &Path, chats: &[i64]) {
    let store = Store::open(state).unwrap();
    for chat in chats {
        store
            .subscribe((*chat, None), None, None, Utc::now())
            .unwrap();
    }
    store.close().unwrap();
}
