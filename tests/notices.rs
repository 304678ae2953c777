//! Change notices to a member, end to end: the real scheduler with an
//! injected clock, the SQLite state file, and Telegram delivery over HTTP
//! to the fake Bot API on 127.0.0.1. The clock jumps ahead where the
//! scheduler would wait; what the member's chat receives is checked.

mod support;

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use herald::config::Config;
use herald::events::ids::{talk_id_of, Target};
use herald::events::{parse, Catalog, Parsed};
use herald::schedule::runner::Runner;
use herald::store::Store;
use herald::telegram::TelegramDelivery;
use teloxide::Bot;
use tokio::sync::watch;

use support::clock::Jumping;
use support::fake_bot_api::{Chat, FakeBotApi, TOKEN};

const MEMBER: u64 = 7;
const TALK: &str = "Async Rust in production";

fn at(text: &str) -> DateTime<Utc> {
    text.parse().unwrap()
}

/// The meetup, with its one talk at `talk` (`HH:MM-HH:MM`, UTC).
fn catalog(talk: &str) -> Arc<Catalog> {
    let page = format!(
        "---\ntitle: Rust Night\ndate: 2030-05-18T14:00:00Z\nlocation: Hall 1\n---\n\n\
         ## Agenda\n\n- {talk} {TALK} — Jane Doe (Ferrous)\n"
    );
    match parse(Path::new("rust-night.md"), &page, chrono_tz::UTC) {
        Ok(Parsed::Event { event, .. }) => Arc::new(Catalog::new(vec![*event])),
        other => panic!("{other:?}"),
    }
}

/// The member's chat after the scheduler has had a moment: what it got.
async fn member_chat(api: &FakeBotApi, count: usize) -> Vec<String> {
    let sent = api.wait_for_messages(Chat::Private(MEMBER), count).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let settled = api.wait_for_messages(Chat::Private(MEMBER), count).await;
    assert_eq!(settled.len(), sent.len(), "nothing more");
    settled.into_iter().map(|s| s.html).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_followed_talk_that_moves_after_its_reminder_is_notified_then_reminded_anew() {
    let api = FakeBotApi::start().await;
    let dir = tempfile::tempdir().unwrap();
    let config = Config {
        state: dir.path().join("herald.db"),
        timezone: chrono_tz::UTC,
        language: herald::lang::Lang::En,
        ..Config::default()
    };
    let store = Arc::new(Store::open(&config.state).unwrap());
    let target = Target::Talk(talk_id_of("rust-night", TALK));
    store
        .follow(MEMBER as i64, &target, at("2030-05-18T12:00:00Z"))
        .unwrap();
    let clock = Jumping::at(at("2030-05-18T13:45:00Z"));
    let (pages, catalog_rx) = watch::channel(catalog("14:00-14:40"));
    let bot = Bot::new(TOKEN).set_api_url(api.url().parse().unwrap());
    let deliver = TelegramDelivery::new(bot, None);
    let runner = Runner::new(deliver, clock.clone(), store, config, catalog_rx);
    let (stop, stopped) = watch::channel(false);
    let running = tokio::spawn(runner.run(stopped));
    // The scheduler sleeps until its next wake-up, at most a minute; a
    // look at the pages wakes it at once after the clock jumps.
    let jump = |to: &str| {
        clock.set(at(to));
        pages.send_modify(|_| {});
    };

    jump("2030-05-18T13:50:00Z");
    let chat = member_chat(&api, 1).await;
    assert!(
        chat[0].contains(TALK) && chat[0].contains("14:00"),
        "{}",
        chat[0]
    );

    // The talk moves half an hour after the member was reminded of it.
    pages.send_replace(catalog("14:30-15:10"));
    tokio::time::sleep(Duration::from_millis(300)).await;
    jump("2030-05-18T13:51:30Z");
    let chat = member_chat(&api, 2).await;
    let notice = &chat[1];
    assert!(
        notice.starts_with("📣 <b>Change:</b> Rust Night"),
        "{notice}"
    );
    assert!(notice.contains(TALK), "{notice}");
    assert!(notice.contains("14:00 → "), "old → new: {notice}");
    assert!(notice.contains("14:30"), "old → new: {notice}");

    // And the reminder comes again at the talk's new time.
    jump("2030-05-18T14:20:00Z");
    let chat = member_chat(&api, 3).await;
    assert!(
        chat[2].contains(TALK) && chat[2].contains("14:30"),
        "{}",
        chat[2]
    );

    stop.send(true).unwrap();
    tokio::time::timeout(Duration::from_secs(5), running)
        .await
        .expect("the scheduler stops")
        .unwrap()
        .unwrap();
}
