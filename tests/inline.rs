//! Inline mode end to end: a member types `@bot <words>` in a chat herald
//! is not in, and the real bot answers through the fake Bot API with cards
//! to post; the buttons of a posted card work without a chat.

mod support;

use chrono::{Duration, Utc};
use herald::events::ids::talk_id_of;
use serde_json::Value;

use support::fake_bot_api::Chat;
use support::members::{JANE, ZHOU};
use support::running::Running;

const TALK: &str = "Ownership in practice";

fn pages() -> Vec<(&'static str, String)> {
    let soon = (Utc::now() + Duration::days(3)).format("%Y-%m-%d");
    let past = (Utc::now() - Duration::days(60)).format("%Y-%m-%d");
    vec![
        (
            "rust-night.md",
            format!(
                "---\ntitle: Rust Night\ndate: {soon}T18:00:00Z\nlocation: Hall 1\n---\n\n\
                 ## Agenda\n\n- 18:00-18:45 {TALK} — Jane Doe (Ferrous)\n\
                 - 19:00-19:30 Embedded Rust — Li Lei\n"
            ),
        ),
        (
            "go-day.md",
            format!(
                "---\ntitle: Go Day\ndate: {past}T10:00:00Z\n---\n\n\
                 ## Agenda\n\n- 10:00-10:30 Go generics — Jane Doe (Ferrous)\n"
            ),
        ),
    ]
}

/// The answer to the `n`-th inline query (from 0): its parameters.
async fn answer(bot: &Running, n: usize) -> Value {
    bot.api
        .wait_for_calls("answerInlineQuery", n + 1)
        .await
        .remove(n)
        .params
}

fn results(answer: &Value) -> Vec<&Value> {
    answer["results"].as_array().unwrap().iter().collect()
}

fn buttons(result: &Value) -> Vec<(String, String)> {
    result["reply_markup"]["inline_keyboard"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|row| row.as_array().unwrap().clone())
        .map(|b| {
            let text = b["text"].as_str().unwrap().to_string();
            (text, b["callback_data"].as_str().unwrap().to_string())
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn inline_queries_answered_with_cards_and_their_buttons_work() {
    let bot = Running::start_with(&pages(), |config| config.timezone = chrono_tz::UTC).await;
    // No words: the upcoming events, as /next shows them.
    bot.api.send_inline_query(&JANE, "");
    let upcoming = answer(&bot, 0).await;
    assert_eq!(upcoming["is_personal"], false);
    assert!(upcoming["cache_time"].as_u64().unwrap() <= 60);
    let cards = results(&upcoming);
    assert_eq!(cards.len(), 1, "{upcoming}");
    let card = cards[0];
    assert_eq!(card["type"], "article");
    assert_eq!(card["title"], "Rust Night");
    let content = &card["input_message_content"];
    assert_eq!(content["parse_mode"], "HTML");
    let text = content["message_text"].as_str().unwrap();
    assert!(text.starts_with("<b>Rust Night</b>\n🗓 "), "{text}");
    assert!(text.contains(TALK), "{text}");
    assert_eq!(
        buttons(card),
        [
            ("📋 Agenda".to_string(), "a:rust-night".to_string()),
            ("🔔 Follow".to_string(), "f:e:rust-night".to_string()),
        ]
    );

    // A speaker's name: her talks, past ones too, with the talk's 🔔.
    bot.api.send_inline_query(&ZHOU, "jane doe");
    let jane = answer(&bot, 1).await;
    let titles: Vec<&str> = results(&jane)
        .iter()
        .map(|r| r["title"].as_str().unwrap())
        .collect();
    assert_eq!(titles, [TALK, "Go generics"]);
    let first = results(&jane)[0];
    assert!(
        first["description"]
            .as_str()
            .unwrap()
            .starts_with("Jane Doe · Ferrous · Rust Night · "),
        "{first}"
    );
    let talk_follow = format!("f:t:{}", talk_id_of("rust-night", TALK));
    assert_eq!(
        buttons(first),
        [
            ("📋 议程".to_string(), "a:rust-night".to_string()),
            (format!("🔔 提醒我 · {TALK}"), talk_follow.clone()),
        ]
    );

    // Words nothing holds: no cards.
    bot.api.send_inline_query(&JANE, "cobol");
    assert!(results(&answer(&bot, 2).await).is_empty());

    // The card posted in some chat, its Agenda pressed: the agenda takes
    // the card's place.
    bot.api
        .press_inline_button(&JANE, "inline-card-1", "a:rust-night");
    let edited = bot
        .api
        .wait_until("the card edited", |calls| {
            calls
                .iter()
                .find(|c| c.method == "editMessageText")
                .cloned()
        })
        .await;
    assert_eq!(edited.params["inline_message_id"], "inline-card-1");
    let agenda = edited.params["text"].as_str().unwrap();
    assert!(
        agenda.contains(&format!("🕐 18:00–18:45 <b>{TALK}</b>")),
        "{agenda}"
    );
    assert!(agenda.contains("Embedded Rust"), "{agenda}");
    assert_eq!(
        bot.api.wait_for_calls("answerCallbackQuery", 1).await.len(),
        1
    );

    // Follow on the card: Jane follows the talk, told by the pop-up.
    bot.api
        .press_inline_button(&JANE, "inline-card-2", &talk_follow);
    let popped = bot.api.wait_for_calls("answerCallbackQuery", 2).await;
    let popup = popped[1].params["text"].as_str().unwrap_or_default();
    assert!(popup.contains(TALK), "{popup}");
    let my = bot.ask(Chat::Private(JANE.id), &JANE, "/my").await;
    assert!(my.html.contains(TALK), "{}", my.html);
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn more_than_fifty_cards_come_fifty_at_a_time_as_the_member_scrolls() {
    let pages: Vec<(String, String)> = (1..=55)
        .map(|n| {
            let day = (Utc::now() + Duration::days(n)).format("%Y-%m-%d");
            let page = format!("---\ntitle: Meetup {n:02}\ndate: {day}T18:00:00Z\n---\n");
            (format!("meetup-{n:02}.md"), page)
        })
        .collect();
    let pages: Vec<(&str, String)> = pages.iter().map(|(f, p)| (f.as_str(), p.clone())).collect();
    let bot = Running::start_with(&pages, |config| config.timezone = chrono_tz::UTC).await;
    let titles = |answer: &Value| -> Vec<String> {
        results(answer)
            .iter()
            .map(|r| r["title"].as_str().unwrap().to_string())
            .collect()
    };
    bot.api.send_inline_query(&JANE, "");
    let first = answer(&bot, 0).await;
    let shown = titles(&first);
    assert_eq!(shown.len(), 50, "Telegram's most per answer");
    assert_eq!(
        (shown[0].as_str(), shown[49].as_str()),
        ("Meetup 01", "Meetup 50")
    );
    let next = first["next_offset"].as_str().expect("a next offset");
    assert_eq!(next, "50");

    // Scrolled to the end: the rest, and nothing after.
    bot.api.scroll_inline_query(&JANE, "", next);
    let second = answer(&bot, 1).await;
    let rest: Vec<String> = (51..=55).map(|n| format!("Meetup {n}")).collect();
    assert_eq!(titles(&second), rest);
    assert_eq!(second["next_offset"].as_str().unwrap_or_default(), "");
    bot.stop().await;
}
