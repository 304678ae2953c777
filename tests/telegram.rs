//! herald on Telegram, end to end: the real bot against a fake Bot API
//! server over HTTP on 127.0.0.1, members played by the test. Each test
//! asserts what a member would see.

mod support;

use std::net::SocketAddr;
use std::time::Duration;

use chrono::{Datelike, Utc};
use herald::config::{Config, Webhook};
use herald::health::Health;
use herald::lang::Lang;
use herald::store::Store;
use herald::telegram::{serve, BotApi, RunError};

use support::fake_bot_api::{Chat, FakeBotApi, User, BOT_USERNAME, TOKEN};
use support::logs::logs;
use support::members::{JANE, ZHOU};
use support::process;
use support::running::{count_in, Running};

const GROUP: Chat = Chat::Group(-1001234567890);

/// The slug of the Chinese meetup page, [`meetup`].
const MEETUP: &str = "rust-hangzhou-01";

/// A meetup `days` from now, with two talks, in the style of the
/// community's pages.
fn meetup(title: &str, days: i64) -> String {
    let date = (Utc::now() + chrono::Duration::days(days)).format("%Y-%m-%d");
    format!(
        r#"---
title: "{title}"
event_url: "https://example.com/register"
location: 杭州
address:
  city: 杭州
summary: '异步 Rust 与混沌工程。'
date: {date}T13:00:00+08:00
date_end: {date}T18:00:00+08:00
---

### 使用 Chaos Mesh 保障系统健壮性

讲师：周强

公司：PingCAP

### 异步 Rust 入门

讲师：Jane Doe
"#
    )
}

/// An English page whose organizer wrote markup into the text.
fn night(days: i64) -> String {
    let date = (Utc::now() + chrono::Duration::days(days)).format("%Y-%m-%d");
    format!(
        r#"---
title: "Community Night <script>alert(1)</script>"
date: {date}T19:00:00+08:00
---

### Tokio internals

Speaker: Alice Smith
"#
    )
}

/// The date of the meetup `days` from now as `/next` shows it in Chinese.
/// The date `meetup(_, days)` writes on its page, as herald shows it.
fn chinese_day(days: i64) -> String {
    let day = (Utc::now() + chrono::Duration::days(days)).date_naive();
    format!("{}年{}月{}日", day.year(), day.month(), day.day())
}

fn one_meetup() -> Vec<(&'static str, String)> {
    vec![
        ("rust-hangzhou-01.md", meetup("Rust 杭州 Meetup 第一期", 30)),
        ("community-night.md", night(60)),
    ]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn next_shows_the_coming_event_in_the_members_language() {
    let bot = Running::start(&one_meetup()).await;
    let chat = Chat::Private(ZHOU.id);

    let next = bot.ask(chat, &ZHOU, "/next").await;
    assert!(
        next.html.contains("Rust 杭州 Meetup 第一期"),
        "{}",
        next.html
    );
    assert!(next.html.contains(&chinese_day(30)), "{}", next.html);
    assert!(next.html.contains("议程"), "{}", next.html);
    assert_eq!(next.params["parse_mode"], "HTML");
    assert_eq!(next.params["link_preview_options"]["is_disabled"], true);
    assert_eq!(next.reply_to(), None, "private answers are not replies");

    let next = bot.ask(Chat::Private(JANE.id), &JANE, "/next").await;
    assert!(next.html.contains("Talks"), "{}", next.html);
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn speakers_are_found_by_name_or_said_to_be_unknown() {
    let bot = Running::start(&one_meetup()).await;
    let chat = Chat::Private(ZHOU.id);

    let found = bot.ask(chat, &ZHOU, "/speaker 周强").await;
    assert!(found.html.contains("周强"), "{}", found.html);
    assert!(
        found.html.contains("使用 Chaos Mesh 保障系统健壮性"),
        "{}",
        found.html
    );

    let missing = bot.ask(chat, &ZHOU, "/speaker 无名氏").await;
    assert!(
        missing.html.starts_with("没有叫“无名氏”的讲者"),
        "{}",
        missing.html
    );
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn agenda_by_slug_lists_the_talks() {
    let bot = Running::start(&one_meetup()).await;
    let agenda = bot
        .ask(Chat::Private(JANE.id), &JANE, &format!("/agenda {MEETUP}"))
        .await;
    for talk in [
        "使用 Chaos Mesh 保障系统健壮性",
        "异步 Rust 入门",
        "Jane Doe",
    ] {
        assert!(agenda.html.contains(talk), "{talk}: {}", agenda.html);
    }
    assert_eq!(agenda.params["link_preview_options"]["is_disabled"], true);
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_events_button_opens_the_agenda_and_forged_ones_are_declined() {
    let bot = Running::start(&one_meetup()).await;
    let chat = Chat::Private(ZHOU.id);
    let list = bot.ask(chat, &ZHOU, "/events").await;
    let (_, data) = list
        .buttons()
        .into_iter()
        .find(|(_, data)| data.ends_with(MEETUP))
        .unwrap_or_else(|| panic!("no agenda button: {:?}", list.buttons()));

    bot.api.press_button(&ZHOU, &list, &data);
    let sent = bot.api.wait_for_messages(chat, 2).await;
    assert!(sent[1].html.contains("异步 Rust 入门"), "{}", sent[1].html);
    let answered = bot.api.wait_for_calls("answerCallbackQuery", 1).await;
    assert_eq!(answered[0].params.get("text"), None, "{answered:?}");

    bot.api.press_button(&ZHOU, &list, "a:../../etc/passwd<b>");
    let sent = bot.api.wait_for_messages(chat, 3).await;
    assert!(
        sent[2]
            .html
            .starts_with("找不到活动“../../etc/passwd&lt;b&gt;”"),
        "{}",
        sent[2].html
    );

    bot.api.press_button(&ZHOU, &list, "not herald's data");
    let answered = bot.api.wait_for_calls("answerCallbackQuery", 3).await;
    assert_eq!(
        answered[2].params["text"],
        "这个按钮已经失效了，请重新发送命令。"
    );
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn events_pages_turn_in_place() {
    let pages: Vec<(String, String)> = (1..=10)
        .map(|n| {
            (
                format!("meetup-{n:02}.md"),
                meetup(&format!("Meetup {n}"), n),
            )
        })
        .collect();
    let pages: Vec<(&str, String)> = pages.iter().map(|(n, t)| (n.as_str(), t.clone())).collect();
    let bot = Running::start(&pages).await;
    let chat = Chat::Private(JANE.id);
    let list = bot.ask(chat, &JANE, "/events").await;
    let (_, next_page) = list
        .buttons()
        .into_iter()
        .find(|(label, _)| label == "▶")
        .expect("a next-page button");

    bot.api.press_button(&JANE, &list, &next_page);
    let edits = bot.api.wait_for_calls("editMessageText", 1).await;
    assert_eq!(edits[0].params["message_id"], list.message_id);
    let text = edits[0].params["text"].as_str().unwrap();
    assert!(text.contains("<b>Meetup 9</b>"), "{text}");
    assert!(!text.contains("<b>Meetup 1</b>"), "{text}");
    assert_eq!(
        count_in(&bot.api, chat),
        1,
        "no new message for a page turn"
    );
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn in_groups_herald_answers_only_what_is_addressed_to_it() {
    let bot = Running::start(&one_meetup()).await;
    bot.api.send_text(GROUP, &JANE, "/next@otherbot");
    bot.api
        .send_text(GROUP, &JANE, "anyone going to the meetup?");
    bot.api.send_text(GROUP, &JANE, "/frobnicate");
    let asked = bot
        .api
        .send_text(GROUP, &JANE, &format!("/next@{BOT_USERNAME}"));

    let sent = bot.api.wait_for_messages(GROUP, 1).await;
    assert!(sent[0].html.contains("Rust 杭州 Meetup 第一期"));
    assert_eq!(sent[0].reply_to(), Some(asked), "a reply to the member");
    // A later command in the same chat is answered after the earlier ones,
    // so had any of those been answered, it would show by now.
    bot.ask(GROUP, &JANE, "/help").await;
    assert_eq!(count_in(&bot.api, GROUP), 2);
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn private_chats_get_hints_and_searches() {
    let bot = Running::start(&one_meetup()).await;
    let chat = Chat::Private(JANE.id);
    let hint = bot.ask(chat, &JANE, "/frobnicate").await;
    assert_eq!(
        hint.html,
        "I don't know /frobnicate. Send /help for the commands."
    );
    let found = bot.ask(chat, &JANE, "Chaos Mesh").await;
    assert!(
        found.html.contains("使用 Chaos Mesh 保障系统健壮性"),
        "{}",
        found.html
    );
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_group_admins_change_its_subscription() {
    let bot = Running::start(&one_meetup()).await;
    let admin = User {
        id: 1003,
        first_name: "Admin",
        language: Some("en"),
    };
    bot.api.set_role(GROUP, &admin, "administrator");

    let refused = bot.ask(GROUP, &JANE, "/subscribe").await;
    assert_eq!(
        refused.html,
        "Only this group's admins can subscribe or unsubscribe it."
    );
    let accepted = bot.ask(GROUP, &admin, "/subscribe").await;
    assert!(
        accepted.html.starts_with("✅ Subscribed"),
        "{}",
        accepted.html
    );
    let again = bot.ask(GROUP, &admin, "/subscribe").await;
    assert_eq!(again.html, "This chat is already subscribed.");
    let private = bot.ask(Chat::Private(JANE.id), &JANE, "/subscribe").await;
    assert!(
        private.html.starts_with("✅ Subscribed"),
        "{}",
        private.html
    );

    let asked: Vec<u64> = bot
        .api
        .calls("getChatMember")
        .iter()
        .map(|c| c.params["user_id"].as_u64().unwrap())
        .collect();
    assert_eq!(asked, [JANE.id, admin.id, admin.id]);

    let state = bot.state();
    let (_api, _dir) = bot.stop().await;
    let subscribers = Store::open(&state).unwrap().subscribers().unwrap();
    let chats: Vec<(i64, Option<u64>, Option<Lang>)> =
        subscribers.iter().map(|s| (s.chat, s.by, s.lang)).collect();
    // Each chat's posts follow its subscriber's Telegram language, where given.
    assert_eq!(
        chats,
        [
            (GROUP.id(), Some(admin.id), Some(Lang::En)),
            (JANE.id as i64, Some(JANE.id), Some(Lang::En))
        ]
    );
    // The group's title is kept for `herald chats`; a private chat's
    // member is not named.
    let titles = Store::open(&state).unwrap().titles().unwrap();
    assert_eq!(
        titles.into_iter().collect::<Vec<_>>(),
        [(GROUP.id(), "Meetup group".to_string())]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_page_edited_while_running_is_served_within_two_seconds() {
    let bot = Running::start(&one_meetup()).await;
    let chat = Chat::Private(JANE.id);
    let page = bot.page("rust-hangzhou-01.md");
    std::fs::write(&page, meetup("Rust 杭州 Meetup 第一期（改期）", 30)).unwrap();
    let edited = tokio::time::Instant::now();

    loop {
        let next = bot.ask(chat, &JANE, "/next").await;
        if next.html.contains("（改期）") {
            break;
        }
        assert!(
            edited.elapsed() < Duration::from_secs(2),
            "still the old page: {}",
            next.html
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn markup_in_event_text_arrives_escaped() {
    let bot = Running::start(&one_meetup()).await;
    let agenda = bot
        .ask(Chat::Private(JANE.id), &JANE, "/agenda community-night")
        .await;
    assert!(
        agenda
            .html
            .contains("Community Night &lt;script&gt;alert(1)&lt;/script&gt;"),
        "{}",
        agenda.html
    );
    assert!(!agenda.html.contains("<script>"), "{}", agenda.html);
    bot.stop().await;
}

/// Only Telegram knows the secret: a request without it, or with another,
/// is refused with 401 and answers nobody. Every replica of one bot
/// registers the same secret, so each accepts what Telegram posts to any,
/// and a stopping replica leaves the webhook to the others.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn webhook_mode_answers_telegram_refuses_forgeries_and_replicas_share_the_secret() {
    let (bot, listen) = by_webhook().await;
    let chat = Chat::Private(JANE.id);
    let secret = bot.api.webhook_secret().await;
    for forged in [None, Some("0123456789abcdef0123456789abcdef")] {
        let (_, answer) = bot
            .api
            .post_to_webhook(listen, chat, &JANE, "/next", forged)
            .await;
        assert!(answer.starts_with("HTTP/1.1 401"), "{forged:?}: {answer}");
    }
    bot.api
        .send_text_by_webhook(listen, chat, &JANE, "/next")
        .await;
    let sent = bot.api.wait_for_messages(chat, 1).await;
    assert!(
        sent[0].html.contains("Rust 杭州 Meetup 第一期"),
        "{}",
        sent[0].html
    );
    assert!(bot.api.calls("deleteWebhook").is_empty());
    let (api, _) = bot.stop().await;
    assert!(
        api.calls("deleteWebhook").is_empty(),
        "a stopping replica leaves the webhook to the others"
    );

    // Another replica of the same bot, on its own port.
    let (replica, other) = by_webhook().await;
    assert_eq!(replica.api.webhook_secret().await, secret);
    let (_, answer) = replica
        .api
        .post_to_webhook(other, chat, &JANE, "/next", Some(&secret))
        .await;
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    replica.stop().await;
}

/// herald in webhook mode on one meetup, and where it listens.
async fn by_webhook() -> (Running, SocketAddr) {
    let listen = free_port();
    let bot = Running::start_with(&one_meetup(), |config| {
        config.telegram.webhook = Some(Webhook {
            url: "https://bot.example.org/telegram/updates".to_string(),
            listen,
        });
    })
    .await;
    (bot, listen)
}

/// A port nothing listens on (free a moment ago).
fn free_port() -> SocketAddr {
    let socket = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    socket.local_addr().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn logs_name_each_command_and_never_the_token() {
    let bot = Running::start(&one_meetup()).await;
    bot.ask(Chat::Private(JANE.id), &JANE, "/next").await;
    bot.stop().await;

    let unreachable = BotApi {
        url: format!("http://{}", free_port()).parse().unwrap(),
        token: TOKEN.to_string(),
    };
    let dir = tempfile::tempdir().unwrap();
    let config = Config {
        events: dir.path().join("events"),
        state: dir.path().join("herald.db"),
        ..Config::default()
    };
    let error = serve(
        config,
        unreachable,
        Health::default(),
        std::future::pending(),
    )
    .await
    .unwrap_err();
    assert_eq!(
        error.exit_code(),
        2,
        "an address nothing listens on is to fix"
    );

    let secret = TOKEN.split_once(':').unwrap().1;
    assert!(!error.to_string().contains(secret), "{error}");
    let logs = logs();
    assert!(!logs.contains(secret), "the token is in the logs");
    let handled = format!("chat={} command=\"next\"", JANE.id);
    assert!(
        logs.lines()
            .any(|l| l.contains("handled") && l.contains(&handled)),
        "no line for the command in:\n{logs}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rejected_token_is_reported_without_the_token() {
    let api = FakeBotApi::start().await;
    let dir = tempfile::tempdir().unwrap();
    let config = Config {
        events: dir.path().join("events"),
        state: dir.path().join("herald.db"),
        ..Config::default()
    };
    let bot_api = BotApi {
        url: api.url().parse().unwrap(),
        token: "123:not-the-token".to_string(),
    };
    let error = serve(config, bot_api, Health::default(), std::future::pending())
        .await
        .unwrap_err();
    assert!(matches!(error, RunError::RejectedToken), "{error:?}");
    assert_eq!(error.exit_code(), 2);
    assert!(!error.to_string().contains("not-the-token"));
    assert!(!dir.path().join("herald.db").exists(), "nothing opened");
}

/// The real binary: `herald run` with a token Telegram rejects exits 2
/// with one line naming the problem, and never the token.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn herald_run_with_a_bad_token_exits_2() {
    let api = FakeBotApi::start().await;
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("events")).unwrap();
    let config = dir.path().join("bot.toml");
    std::fs::write(&config, "").unwrap();
    let output = process::herald_run(&api.url(), &config)
        .env("TELOXIDE_TOKEN", "bad-token-4711")
        .output();
    let output = tokio::time::timeout(Duration::from_secs(10), output)
        .await
        .expect("herald exits")
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("TELOXIDE_TOKEN"), "{stderr}");
    assert!(
        !stderr.contains("bad-token-4711"),
        "the token leaked: {stderr}"
    );
    assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
}

/// The real binary stops on SIGTERM (what `docker stop` sends) within 5 s,
/// with exit status 0.
#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn herald_run_stops_on_sigterm() {
    let api = FakeBotApi::start().await;
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("events")).unwrap();
    let config = dir.path().join("bot.toml");
    std::fs::write(&config, "").unwrap();
    let mut herald = process::herald_run(&api.url(), &config)
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    api.wait_for_calls("setMyCommands", 2).await;

    let pid = herald.id().unwrap().to_string();
    let killed = std::process::Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .unwrap();
    assert!(killed.success());
    let status = tokio::time::timeout(Duration::from_secs(5), herald.wait())
        .await
        .expect("herald stops within 5 s")
        .unwrap();
    assert_eq!(status.code(), Some(0));
    assert!(dir.path().join("herald.db").exists());
}
