//! Forum topics, routes and quiet hours, end to end: the real bot against
//! the fake Bot API on 127.0.0.1. A post or reply is checked where a member
//! would see it: in which topic, and whether it made a sound.

mod support;

use std::path::Path;

use chrono::{Duration, SecondsFormat, Utc};
use herald::config::Config;
use herald::store::{Store, Subscription};

use support::fake_bot_api::{Chat, Sent};
use support::members::JANE;
use support::running::Running;

const FORUM: i64 = -1009876543210;
const GROUP: Chat = Chat::Group(FORUM);

/// An event whose 2 h reminder fell due two minutes ago, so a first start
/// owes it (within `catch_up`), as it owes the digest of three minutes ago.
fn launch() -> Vec<(&'static str, String)> {
    let start = Utc::now() + Duration::hours(2) - Duration::minutes(2);
    let page = format!(
        "---\ntitle: \"Launch party\"\ndate: {}\nlocation: Hall 1\n---\n",
        start.to_rfc3339_opts(SecondsFormat::Secs, true)
    );
    vec![("launch.md", page)]
}

/// `bot.toml` with the forum's chat and two of its topics, the digest
/// routed to topic 3 and reminders to topic 5, and `extra` after.
fn bot_toml(extra: &str) -> String {
    let digest = Utc::now() - Duration::minutes(3);
    format!(
        "timezone = \"UTC\"\nlanguage = \"en\"\n\
         [telegram]\nchats = [{FORUM}, \"{FORUM}/3\", \"{FORUM}/5\"]\n\
         [routes]\ndigest = \"{FORUM}/3\"\nreminders = \"{FORUM}/5\"\n\
         [schedule]\ndigest = \"{}\"\nreminders = [\"2h\"]\ntalk_reminders = []\ncatch_up = \"1h\"\n\
         {extra}",
        digest.format("0 %M %H * * *")
    )
}

/// The test's config, read from `src` as `herald run` would, with the
/// folder and state file the test made.
fn from_toml(src: String) -> impl FnOnce(&mut Config) {
    move |config| {
        let parsed = Config::parse(Path::new("bot.toml"), &src).unwrap();
        *config = Config {
            events: config.events.clone(),
            state: config.state.clone(),
            ..parsed
        };
    }
}

fn sent_to(api: &support::fake_bot_api::FakeBotApi, chat: Chat) -> Vec<Sent> {
    let calls = api.calls("sendMessage");
    let mine = calls.iter().filter(|c| c.params["chat_id"] == chat.id());
    mine.map(|call| Sent {
        chat: chat.id(),
        message_id: call.result["message_id"].as_i64().unwrap_or_default(),
        html: call.params["text"].as_str().unwrap_or_default().to_string(),
        params: call.params.clone(),
    })
    .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_kind_goes_to_the_topic_its_route_names() {
    let bot = Running::start_with(&launch(), from_toml(bot_toml(""))).await;
    bot.api.wait_for_messages(GROUP, 2).await;
    let (api, _dir) = bot.stop().await;
    let sent = sent_to(&api, GROUP);
    // Sent in the order they fell due: the digest first. Had the chat
    // itself (routed nothing) been sent one, it would be here first.
    let seen: Vec<(Option<i64>, bool)> = sent
        .iter()
        .map(|s| (s.topic(), s.html.contains("Launch party")))
        .collect();
    assert_eq!(seen, [(Some(3), true), (Some(5), true)], "{sent:#?}");
    assert!(sent[1].html.contains("In 2 hours"), "{}", sent[1].html);
    assert!(!sent[1].silent(), "no quiet hours: it notifies");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_kinds_posts_silent_names_make_no_sound_and_a_topic_may_name_its_own() {
    let silent = "[posts]\nsilent = [\"digest\"]\n";
    let bot = Running::start_with(&launch(), from_toml(bot_toml(silent))).await;
    let sent = bot.api.wait_for_messages(GROUP, 2).await;
    let loud: Vec<(Option<i64>, bool)> = sent.iter().map(|s| (s.topic(), s.silent())).collect();
    assert_eq!(loud, [(Some(3), true), (Some(5), false)], "{sent:#?}");
    bot.stop().await;

    // Topic 5's own table: its reminders are silent too.
    let own = format!("{silent}[chat.\"{FORUM}/5\"]\nsilent = [\"reminders\"]\n");
    let bot = Running::start_with(&launch(), from_toml(bot_toml(&own))).await;
    let sent = bot.api.wait_for_messages(GROUP, 2).await;
    assert!(sent[1].html.contains("In 2 hours"), "{}", sent[1].html);
    assert_eq!((sent[1].topic(), sent[1].silent()), (Some(5), true));
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn quiet_hours_hold_the_digest_and_silence_the_reminder() {
    let (from, to) = (
        Utc::now() - Duration::minutes(30),
        Utc::now() + Duration::minutes(60),
    );
    let quiet = format!(
        "[posts]\nquiet_hours = \"{}-{}\"\n",
        from.format("%H:%M"),
        to.format("%H:%M")
    );
    let bot = Running::start_with(&launch(), from_toml(bot_toml(&quiet))).await;
    let reminder = bot.api.wait_for_messages(GROUP, 1).await.remove(0);
    let (api, dir) = bot.stop().await;
    assert!(reminder.html.contains("In 2 hours"), "{}", reminder.html);
    assert_eq!(reminder.topic(), Some(5));
    assert!(
        reminder.silent(),
        "inside quiet hours a reminder makes no sound"
    );
    // The digest fell due before the reminder: sent, it would be first.
    assert_eq!(sent_to(&api, GROUP).len(), 1);
    let done = Store::open(&dir.path().join("herald.db"))
        .unwrap()
        .done_keys()
        .unwrap();
    assert!(
        done.iter().all(|key| !key.starts_with("digest/")),
        "the digest waits for the end of the quiet hours: {done:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_question_in_a_topic_is_answered_and_subscribed_there() {
    let in_utc = |config: &mut Config| config.timezone = chrono_tz::UTC;
    let bot = Running::start_with(&launch(), in_utc).await;
    bot.api.set_role(GROUP, &JANE, "administrator");
    let asked = bot.api.send_text_in_topic(GROUP, 9, &JANE, "/next");
    let next = bot.api.wait_for_messages(GROUP, 1).await.remove(0);
    assert!(next.html.contains("Launch party"), "{}", next.html);
    assert_eq!(next.topic(), Some(9), "answered in the topic asked in");
    assert_eq!(next.reply_to(), Some(asked));

    bot.api.send_text_in_topic(GROUP, 9, &JANE, "/subscribe");
    let subscribed = bot.api.wait_for_messages(GROUP, 2).await.remove(1);
    assert_eq!(subscribed.topic(), Some(9));
    let (_api, dir) = bot.stop().await;
    let subscribers = Store::open(&dir.path().join("herald.db"))
        .unwrap()
        .subscribers()
        .unwrap();
    let topics: Vec<(i64, Option<i32>)> = subscribers
        .iter()
        .map(|Subscription { chat, topic, .. }| (*chat, *topic))
        .collect();
    assert_eq!(topics, [(FORUM, Some(9))], "the topic, not the whole forum");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_announcement_goes_to_the_topic_its_route_names() {
    const ORGANIZER: support::fake_bot_api::User = support::fake_bot_api::User {
        id: 7001,
        first_name: "Olga",
        language: Some("en"),
    };
    let src = format!(
        "timezone = \"UTC\"\nlanguage = \"en\"\n\
         [telegram]\nadmins = [{}]\nchats = [{FORUM}, \"{FORUM}/3\"]\n\
         [routes]\nannouncements = \"{FORUM}/3\"\n\
         [schedule]\ndigest = \"0 0 10 1 1 *\"\nreminders = []\ntalk_reminders = []\n",
        ORGANIZER.id
    );
    let bot = Running::start_with(&[], from_toml(src)).await;
    let desk = Chat::Private(ORGANIZER.id);
    bot.api
        .send_text(desk, &ORGANIZER, "/announce Doors open at 19:00");
    let preview = bot.api.wait_for_messages(desk, 2).await;
    let controls = &preview[1];
    assert!(
        controls.html.contains("goes to 1 chat"),
        "{}",
        controls.html
    );
    let (_, send) = controls
        .buttons()
        .into_iter()
        .find(|(label, _)| label.contains("Send"))
        .expect("a Send button");
    bot.api.press_button(&ORGANIZER, controls, &send);
    let posted = bot.api.wait_for_messages(GROUP, 1).await.remove(0);
    assert_eq!(posted.html, "Doors open at 19:00");
    assert_eq!(posted.topic(), Some(3), "into the routed topic");
    let (api, _dir) = bot.stop().await;
    assert_eq!(sent_to(&api, GROUP).len(), 1, "the chat itself gets none");
}
