//! Members' replies on the Bot API's bad days, end to end: the real bot
//! against the fake Bot API over HTTP on 127.0.0.1. Server errors, flood
//! control and a hung request must not lose an answer, and one member's
//! flood must not hold up everyone else's.

mod support;

use std::time::Duration;

use chrono::Utc;

use support::fake_bot_api::{Call, Chat, FakeBotApi, User};
use support::members::{JANE, ZHOU};
use support::running::Running;

/// Tries herald makes per reply (`src/telegram/call.rs`).
const TRIES: u64 = 8;
/// Commands queued per member (`src/telegram/fair.rs`).
const CAP: usize = 10;

fn meetup() -> Vec<(&'static str, String)> {
    let date = (Utc::now() + chrono::Duration::days(20)).format("%Y-%m-%d");
    let page = format!(
        "---\ntitle: \"Rust Night\"\ndate: {date}T19:00:00+08:00\n---\n\n### Tokio internals\n\nSpeaker: Alice Smith\n"
    );
    vec![("rust-night.md", page)]
}

fn member(n: u64) -> User {
    User {
        id: 7_000 + n,
        first_name: "Member",
        language: Some("en"),
    }
}

fn answers_in(calls: &[Call], chat: i64) -> Vec<String> {
    calls
        .iter()
        .filter(|c| c.method == "sendMessage" && c.params["chat_id"] == chat)
        .map(|c| c.params["text"].as_str().unwrap_or_default().to_string())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_member_is_answered_at_a_50_percent_error_rate() {
    const SEED: u64 = 2026;
    let members: Vec<User> = (0..20).map(member).collect();
    // What the seed does to each member's first reply: how many tries it
    // takes. The test means something only if some need several, and it
    // can pass only if none needs more than herald makes.
    let tries: Vec<u64> = members
        .iter()
        .map(|m| {
            (0..)
                .find(|&n| !FakeBotApi::fails(50, SEED, m.id as i64, n))
                .unwrap()
                + 1
        })
        .collect();
    assert!(tries.iter().any(|&t| t >= 3), "{tries:?}");
    assert!(tries.iter().all(|&t| t <= TRIES), "{tries:?}");

    let bot = Running::start(&meetup()).await;
    bot.api.fail_replies(50, SEED);
    for member in &members {
        bot.api.send_text(Chat::Private(member.id), member, "/next");
    }
    let calls = bot
        .api
        .wait_within(
            Duration::from_secs(15),
            "an answer for each member",
            |calls| {
                members
                    .iter()
                    .all(|m| !answers_in(calls, m.id as i64).is_empty())
                    .then(|| calls.to_vec())
            },
        )
        .await;
    for member in &members {
        let answers = answers_in(&calls, member.id as i64);
        assert_eq!(answers.len(), 1, "one answer each: {answers:?}");
        assert!(answers[0].contains("Rust Night"), "{}", answers[0]);
    }
    let failed: u64 = tries.iter().map(|t| t - 1).sum();
    assert_eq!(bot.api.errors() as u64, failed, "the 500s the seed drew");
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_flood_control_answer_is_waited_out() {
    let bot = Running::start(&meetup()).await;
    bot.api.flood(1, 1);
    let asked = tokio::time::Instant::now();
    let next = bot.ask(Chat::Private(JANE.id), &JANE, "/next").await;
    assert!(next.html.contains("Rust Night"), "{}", next.html);
    assert_eq!(bot.api.refused(), 1);
    // Telegram said to wait a second: asking sooner would be refused again.
    assert!(asked.elapsed() >= Duration::from_secs(1));
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reply_whose_first_try_hangs_still_arrives() {
    let bot = Running::start(&meetup()).await;
    bot.api.hang_replies(1, Duration::from_secs(30));
    let chat = Chat::Private(JANE.id);
    bot.api.send_text(chat, &JANE, "/next");
    let answers = bot
        .api
        .wait_within(
            Duration::from_secs(10),
            "the answer after a hung try",
            |calls| {
                let answers = answers_in(calls, chat.id());
                (!answers.is_empty()).then_some(answers)
            },
        )
        .await;
    assert_eq!(answers.len(), 1);
    assert!(answers[0].contains("Rust Night"), "{}", answers[0]);
    assert_eq!(bot.api.errors(), 1, "the first try hung");
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_members_flood_waits_behind_another_members_question() {
    let bot = Running::start(&meetup()).await;
    // Each message takes a while, as on a busy day, so the flood queues up.
    bot.api.delay_sends(Duration::from_millis(200));
    let flooder = Chat::Private(ZHOU.id);
    let flood = vec![(flooder, &ZHOU, "/next"); 1_000];
    bot.api.send_texts(flood);
    bot.api.send_text(Chat::Private(JANE.id), &JANE, "/next");

    let jane = bot.api.wait_for_messages(Chat::Private(JANE.id), 1).await;
    assert!(jane[0].html.contains("Rust Night"), "{}", jane[0].html);
    let slow_down = "你发得太快了";
    let answered = bot
        .api
        .wait_within(
            Duration::from_secs(10),
            "the flooder's slow-down word",
            |calls| {
                let answers = answers_in(calls, flooder.id());
                answers
                    .iter()
                    .any(|a| a.starts_with(slow_down))
                    .then_some(answers)
            },
        )
        .await;
    // Once the flood's answers are all out, nothing else comes.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let later = answers_in(&bot.api.calls("sendMessage"), flooder.id());
    assert_eq!(
        later.len(),
        answered.len(),
        "nothing after the slow-down word: {later:#?}"
    );

    let told: Vec<&String> = later.iter().filter(|a| a.starts_with(slow_down)).collect();
    assert_eq!(told.len(), 1, "told once: {told:?}");
    assert_eq!(
        later.last(),
        told.last().copied(),
        "after the answers queued"
    );
    let flood_answers = later.len() - 1;
    assert!(
        (CAP..100).contains(&flood_answers),
        "{flood_answers} of 1,000 answered: the rest were skipped"
    );
    // Jane asked after all 1,000, yet was answered before the flood's end.
    let sends = bot.api.calls("sendMessage");
    let jane_at = sends
        .iter()
        .position(|c| c.params["chat_id"] == JANE.id as i64)
        .unwrap();
    let flood_done = sends
        .iter()
        .rposition(|c| c.params["chat_id"] == flooder.id())
        .unwrap();
    assert!(jane_at < flood_done, "Jane waited for the whole flood");
    bot.stop().await;
}
