//! Following, end to end: the real bot against the fake Bot API on
//! 127.0.0.1, members played by the test. What a member sees is checked:
//! confirmations, `/my`, the pop-ups of 🔔, and the private reminder.

mod support;

use std::time::Duration;

use chrono::{DurationRound, Utc};
use herald::config::{ChatTarget, Config};
use herald::events::ids::{talk_id_of, Target};
use herald::health::Health;
use herald::store::Store;
use herald::telegram::{serve, BotApi};

use support::fake_bot_api::{Call, Chat, FakeBotApi, BOT_USERNAME, TOKEN};
use support::members::{JANE, ZHOU};
use support::running::{count_in, Running};

const GROUP: Chat = Chat::Group(-1001234567890);
const SLUG: &str = "rust-night";
const TALK: &str = "Async Rust in production";

/// A meetup starting at `start` (UTC), with one talk at that minute.
fn night(start: chrono::DateTime<Utc>) -> Vec<(&'static str, String)> {
    let (day, time) = (start.format("%Y-%m-%d"), start.format("%H:%M"));
    let end = (start + chrono::Duration::hours(1)).format("%H:%M");
    let page = format!(
        "---\ntitle: \"Rust Night\"\ndate: {day}T{time}:00Z\nlocation: Hall 1\n---\n\n\
         ## Agenda\n\n- {time}-{end} {TALK} — Jane Doe (Ferrous)\n"
    );
    vec![("rust-night.md", page)]
}

fn in_utc(config: &mut Config) {
    config.timezone = chrono_tz::UTC;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn follow_by_name_by_deep_link_and_by_button_then_my_and_forget() {
    let start = Utc::now() + chrono::Duration::days(3);
    let bot = Running::start_with(&night(start), in_utc).await;
    let private = Chat::Private(JANE.id);

    let followed = bot.ask(private, &JANE, "/follow jane doe").await;
    assert!(
        followed.html.starts_with("🔔 Following <b>Jane Doe</b>"),
        "{}",
        followed.html
    );

    let linked = bot
        .ask(private, &JANE, &format!("/start event_{SLUG}"))
        .await;
    assert!(
        linked.html.starts_with("🔔 Following <b>Rust Night</b>"),
        "{}",
        linked.html
    );

    // 🔔 under the talk in /agenda, pressed in the group: the pop-up says
    // so, and Jane, who has started herald, is told in private as well.
    let agenda = bot.ask(GROUP, &JANE, "/agenda").await;
    let (label, data) = agenda
        .buttons()
        .into_iter()
        .find(|(label, _)| label.starts_with("🔔 Remind me"))
        .expect("a 🔔 under the talk");
    assert_eq!(label, format!("🔔 Remind me · {TALK}"));
    assert_eq!(data, format!("f:t:{}", talk_id_of(SLUG, TALK)));
    let before = count_in(&bot.api, private);
    bot.api.press_button(&JANE, &agenda, &data);
    let answered = bot.api.wait_for_calls("answerCallbackQuery", 1).await;
    assert_eq!(
        answered[0].params["text"],
        format!("🔔 Following {TALK}: reminders come in private")
    );
    let told = bot.api.wait_for_messages(private, before + 1).await;
    assert!(told[before].html.contains(TALK), "{}", told[before].html);

    let my = bot.ask(private, &JANE, "/my").await;
    let lines: Vec<&str> = my.html.lines().collect();
    assert_eq!(lines.len(), 4, "{}", my.html);
    assert!(
        lines[0].starts_with("<b>What you follow</b> (reminded 10m"),
        "{}",
        my.html
    );
    for followed in ["Jane Doe", "Rust Night", TALK] {
        assert!(my.html.contains(followed), "{}", my.html);
    }
    let unfollow: Vec<String> = my.buttons().into_iter().map(|(label, _)| label).collect();
    assert_eq!(unfollow.len(), 3, "{unfollow:?}");
    assert!(
        unfollow.iter().all(|label| label.starts_with("✖ Unfollow")),
        "{unfollow:?}"
    );

    // Pressed again, it undoes, and says so in private too.
    let before = count_in(&bot.api, private);
    bot.api.press_button(&JANE, &agenda, &data);
    let answered = bot.api.wait_for_calls("answerCallbackQuery", 2).await;
    assert_eq!(
        answered[1].params["text"],
        format!("No longer following {TALK}")
    );
    let told = bot.api.wait_for_messages(private, before + 1).await;
    assert_eq!(told[before].html, format!("No longer following {TALK}"));

    let forgot = bot.ask(private, &JANE, "/forget").await;
    assert!(
        forgot.html.starts_with("🗑 Deleted everything"),
        "{}",
        forgot.html
    );
    let my = bot.ask(private, &JANE, "/my").await;
    assert!(
        my.html.starts_with("You don't follow anything yet."),
        "{}",
        my.html
    );
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_press_in_a_group_by_a_member_who_never_started_herald_links_to_it() {
    let start = Utc::now() + chrono::Duration::days(3);
    let bot = Running::start_with(&night(start), in_utc).await;
    let next = bot.ask(GROUP, &ZHOU, "/next").await;
    let (_, data) = next
        .buttons()
        .into_iter()
        .find(|(label, _)| label == "🔔 关注")
        .expect("a 🔔 under the event");
    bot.api.press_button(&ZHOU, &next, &data);
    let answered = bot.api.wait_for_calls("answerCallbackQuery", 1).await;
    assert_eq!(
        answered[0].params["url"],
        format!("https://t.me/{BOT_USERNAME}?start=event_{SLUG}")
    );
    assert!(
        answered[0].params["text"]
            .as_str()
            .unwrap()
            .starts_with("🔔 已关注：Rust Night"),
        "{:?}",
        answered[0].params
    );
    assert_eq!(
        count_in(&bot.api, Chat::Private(ZHOU.id)),
        0,
        "no message to a member who never wrote"
    );
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mute_is_for_group_admins() {
    let start = Utc::now() + chrono::Duration::days(3);
    let bot = Running::start_with(&night(start), in_utc).await;
    bot.api.set_role(GROUP, &JANE, "member");
    let refused = bot.ask(GROUP, &JANE, "/mute").await;
    assert_eq!(
        refused.html,
        "Only this group's admins can mute or unmute it."
    );
    bot.api.set_role(GROUP, &JANE, "administrator");
    let muted = bot.ask(GROUP, &JANE, "/mute").await;
    assert!(
        muted
            .html
            .starts_with("🔇 This chat gets no more talk reminders for <b>Rust Night</b>"),
        "{}",
        muted.html
    );
    let unmuted = bot.ask(GROUP, &JANE, &format!("/unmute {SLUG}")).await;
    assert!(
        unmuted
            .html
            .starts_with("🔔 This chat gets talk reminders for <b>Rust Night</b> again"),
        "{}",
        unmuted.html
    );
    bot.stop().await;
}

/// The talk starts on a whole minute at least two hours ahead; the member
/// sets a lead that makes its reminder fall due three seconds from now.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_private_reminder_arrives_once_and_not_again_after_a_restart() {
    let start = Utc::now()
        .duration_trunc(chrono::Duration::minutes(1))
        .unwrap()
        + chrono::Duration::hours(2)
        + chrono::Duration::minutes(1);
    let bot = Running::start_with(&night(start), in_utc).await;
    let private = Chat::Private(JANE.id);
    let linked = bot
        .ask(
            private,
            &JANE,
            &format!("/start talk_{}", talk_id_of(SLUG, TALK)),
        )
        .await;
    assert!(
        linked
            .html
            .starts_with(&format!("🔔 Following <b>{TALK}</b>")),
        "{}",
        linked.html
    );
    let lead = (start - Utc::now()).num_seconds() - 3;
    let set = bot.ask(private, &JANE, &format!("/remind {lead}s")).await;
    assert!(
        set.html.starts_with("Done: I'll remind you"),
        "{}",
        set.html
    );
    // The scheduler planned before the follow; a page touch, or its next
    // wake-up, finds it: herald plans again when state changes.
    let seen = count_in(&bot.api, private);
    let reminded = bot.api.wait_for_messages(private, seen + 1).await;
    let reminder = &reminded[seen];
    assert!(reminder.html.contains(TALK), "{}", reminder.html);
    // Its button shows the talk as followed, and undoes the follow.
    let buttons = reminder.buttons();
    assert_eq!(buttons.len(), 1, "{buttons:?}");
    assert_eq!(
        buttons[0].0,
        format!("✅ 会提醒 · {TALK}"),
        "in the post's language"
    );
    let (api, dir) = bot.stop().await;
    assert_eq!(count_in(&api, private), seen + 1, "one reminder");

    // Started again on the same state file: the reminder is not sent twice.
    let api = FakeBotApi::start().await;
    let config = Config {
        events: dir.path().join("events"),
        state: dir.path().join("herald.db"),
        timezone: chrono_tz::UTC,
        ..Config::default()
    };
    let bot_api = BotApi {
        url: api.url().parse().unwrap(),
        token: TOKEN.to_string(),
    };
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let served = tokio::spawn(serve(config, bot_api, Health::default(), async {
        let _ = stopped.await;
    }));
    api.wait_for_calls("setMyCommands", 2).await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(count_in(&api, private), 0, "nothing owed after a restart");
    stop.send(()).unwrap();
    tokio::time::timeout(Duration::from_secs(3), served)
        .await
        .unwrap()
        .unwrap()
        .unwrap();
}

/// A talk many members follow: the group's reminder goes out first, then
/// every follower's, each once, and never faster than Telegram's 30
/// messages a second, as herald paces itself. The scale figures (10,000 followers) are in the README, from
/// `benches/schedule.rs`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_popular_talk_reminds_the_group_first_then_each_follower_once_within_the_limits() {
    const FOLLOWERS: i64 = 150;
    let start = Utc::now()
        .duration_trunc(chrono::Duration::minutes(1))
        .unwrap()
        + chrono::Duration::hours(2)
        + chrono::Duration::minutes(1);
    let bot = Running::start_with(&night(start), |config| {
        in_utc(config);
        // The group's and the members' reminders fall due together, four
        // seconds from now.
        let lead = (start - Utc::now()).num_seconds() - 4;
        config.schedule.talk_reminders = vec![format!("{lead}s").parse().unwrap()];
        config.schedule.reminders = Vec::new();
        config.telegram.chats = vec![ChatTarget::id(GROUP.id())];
        let store = Store::open(&config.state).unwrap();
        let target = Target::Talk(talk_id_of(SLUG, TALK));
        for member in 1..=FOLLOWERS {
            store.follow(member, &target, Utc::now()).unwrap();
        }
    })
    .await;
    // Four seconds to fall due, five at 30 a second, and some to spare.
    let private = |calls: &[Call]| {
        let to_members = calls
            .iter()
            .filter(|c| c.method == "sendMessage" && c.params["chat_id"].as_i64() > Some(0));
        (to_members.count() >= FOLLOWERS as usize).then_some(())
    };
    let patience = Duration::from_secs(20);
    bot.api
        .wait_within(patience, "every follower's reminder", private)
        .await;
    tokio::time::sleep(Duration::from_secs(1)).await;
    let sent = bot.api.calls("sendMessage");
    let group = sent.iter().position(|c| c.params["chat_id"] == GROUP.id());
    let first_private = sent
        .iter()
        .position(|c| c.params["chat_id"].as_i64() > Some(0));
    assert!(
        group < first_private,
        "the group first: {group:?} {first_private:?}"
    );
    for member in 1..=FOLLOWERS {
        let chat = Chat::Private(member as u64);
        assert_eq!(count_in(&bot.api, chat), 1, "member {member}");
    }
    let reminder = &sent[first_private.unwrap()];
    let text = reminder.params["text"].as_str().unwrap();
    assert!(text.contains(TALK), "{text}");
    // At most 30 messages reach the server in any second.
    let accepted: Vec<_> = sent.iter().map(|c| c.at).collect();
    for (n, at) in accepted.iter().enumerate() {
        let within = accepted[n..]
            .iter()
            .take_while(|later| later.duration_since(*at) < Duration::from_secs(1))
            .count();
        assert!(within <= 30, "{within} messages within a second");
    }
    bot.stop().await;
}
