//! A forum topic per event (`[posts] topics = "per-event"`), end to end:
//! the real scheduler with an injected clock, the SQLite state file on
//! disk, and Telegram delivery over HTTP to the fake Bot API on
//! 127.0.0.1. What the forum shows is checked: which topics herald opened,
//! and which topic each post landed in (`message_thread_id`).
//!
//! Also here, for topics named in `bot.toml`: a change notice follows its
//! reminder into the topic the reminder was routed to.

mod support;

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use herald::config::{ChatTarget, Config, Routes, Topics};
use herald::events::{parse, Catalog, Parsed};
use herald::schedule::runner::Runner;
use herald::store::{Store, StoreError};
use herald::telegram::TelegramDelivery;
use teloxide::Bot;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use support::clock::Jumping;
use support::fake_bot_api::{Chat, FakeBotApi, Sent, TOKEN};
use support::logs::{capture_logs, logs};

const FORUM: i64 = -1001234500001;
const TALK: &str = "Async Rust in production";

fn at(text: &str) -> DateTime<Utc> {
    text.parse().unwrap()
}

/// Rust Night on 18 May 2030 at 18:00 UTC at `venue`, with one talk.
fn catalog(venue: &str) -> Arc<Catalog> {
    let page = format!(
        "---\ntitle: Rust Night\ndate: 2030-05-18T18:00:00Z\nlocation: {venue}\n---\n\n\
         ## Agenda\n\n- 18:00-18:40 {TALK} — Jane Doe (Ferrous)\n"
    );
    match parse(Path::new("rust-night.md"), &page, chrono_tz::UTC) {
        Ok(Parsed::Event { event, .. }) => Arc::new(Catalog::new(vec![*event])),
        other => panic!("{other:?}"),
    }
}

/// Posting to `chat` a 2 h reminder (16:00) and a 10 m talk reminder
/// (17:50), with a topic per event, and no digest.
fn config(dir: &Path, chat: i64) -> Config {
    let mut config = Config {
        state: dir.join("herald.db"),
        timezone: chrono_tz::UTC,
        language: herald::lang::Lang::En,
        ..Config::default()
    };
    config.telegram.chats = vec![ChatTarget::id(chat)];
    config.posts.topics = Topics::PerEvent;
    config.schedule.digest = "0 0 10 1 1 * 2020".parse().unwrap();
    config.schedule.reminders = vec!["2h".parse().unwrap()];
    config.schedule.talk_reminders = vec!["10m".parse().unwrap()];
    config
}

/// The scheduler running on the state file, with its clock and pages.
struct Scheduler {
    store: Arc<Store>,
    clock: Jumping,
    pages: watch::Sender<Arc<Catalog>>,
    stop: watch::Sender<bool>,
    task: JoinHandle<Result<(), StoreError>>,
}

impl Scheduler {
    fn start(api: &FakeBotApi, config: Config, now: &str, pages: Arc<Catalog>) -> Scheduler {
        let store = Arc::new(Store::open(&config.state).unwrap());
        let clock = Jumping::at(at(now));
        let (pages, catalog) = watch::channel(pages);
        let bot = Bot::new(TOKEN).set_api_url(api.url().parse().unwrap());
        let deliver = TelegramDelivery::new(bot, None)
            .keeping_topics(Arc::clone(&store) as Arc<dyn herald::store::Backend>);
        let runner = Runner::new(deliver, clock.clone(), Arc::clone(&store), config, catalog);
        let (stop, stopped) = watch::channel(false);
        let task = tokio::spawn(runner.run(stopped));
        Scheduler {
            store,
            clock,
            pages,
            stop,
            task,
        }
    }

    /// Moves the clock to `to` and wakes the scheduler (it sleeps until
    /// its next post, at most a minute; a look at the pages wakes it).
    fn jump(&self, to: &str) {
        self.clock.set(at(to));
        self.pages.send_modify(|_| {});
    }

    /// The meetup moves to `venue`, as the folder watcher reports it;
    /// once the scheduler has taken the page in (the state file says so),
    /// the clock goes to `then`, past the minute edits settle in.
    async fn move_venue(&self, venue: &str, then: &str) {
        let seen = || {
            let memory = self.store.memory().unwrap();
            memory.seen.get("rust-night").map(|seen| seen.fingerprint)
        };
        let before = seen();
        self.pages.send_replace(catalog(venue));
        let deadline = std::time::Instant::now() + Duration::from_secs(5);
        while seen() == before {
            assert!(
                std::time::Instant::now() < deadline,
                "the page was never read"
            );
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        self.jump(then);
    }

    async fn stop(self) {
        self.stop.send(true).unwrap();
        tokio::time::timeout(Duration::from_secs(5), self.task)
            .await
            .expect("the scheduler stops")
            .unwrap()
            .unwrap();
    }
}

fn text(sent: &Sent) -> &str {
    &sent.html
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_forum_gets_one_topic_for_the_event_holding_its_reminder_and_change_notice() {
    let api = FakeBotApi::start().await;
    let dir = tempfile::tempdir().unwrap();
    let forum = Chat::Group(FORUM);
    let mut config = config(dir.path(), FORUM);
    config.schedule.digest = "0 0 16 * * *".parse().unwrap();
    let scheduler = Scheduler::start(&api, config, "2030-05-18T15:55:00Z", catalog("Hall 1"));

    scheduler.jump("2030-05-18T16:00:00Z");
    let sent = api.wait_for_messages(forum, 2).await;
    let topics = api.topics(FORUM);
    assert_eq!(topics.len(), 1, "one topic: {topics:?}");
    let (thread, name) = topics[0].clone();
    assert_eq!(name, "Rust Night", "named after the event");
    assert_eq!(sent.len(), 2, "{sent:#?}");
    let (digest, reminder) = (&sent[0], &sent[1]);
    assert!(
        text(digest).starts_with("📆 <b>Coming up</b>"),
        "{}",
        text(digest)
    );
    assert_eq!(digest.topic(), None, "the digest stays in the chat");
    assert_eq!(
        reminder.topic(),
        Some(thread),
        "the reminder is in the topic"
    );
    assert!(
        text(reminder).contains("Rust Night") && text(reminder).contains("Hall 1"),
        "{}",
        text(reminder)
    );

    // The venue moves: the notice goes to the event's topic too.
    scheduler.move_venue("Hall 2", "2030-05-18T16:02:00Z").await;
    let sent = api.wait_for_messages(forum, 3).await;
    let notice = &sent[2];
    assert!(
        text(notice).starts_with("📣 <b>Change:</b> Rust Night"),
        "{}",
        text(notice)
    );
    assert!(text(notice).contains("Hall 2"), "{}", text(notice));
    assert_eq!(notice.topic(), Some(thread), "the notice is in the topic");
    assert_eq!(api.count("createForumTopic"), 1, "opened once");
    scheduler.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restart_posts_into_the_topic_it_opened_before() {
    let api = FakeBotApi::start().await;
    let dir = tempfile::tempdir().unwrap();
    let forum = Chat::Group(FORUM);
    let config = config(dir.path(), FORUM);
    let scheduler = Scheduler::start(
        &api,
        config.clone(),
        "2030-05-18T15:59:00Z",
        catalog("Hall 1"),
    );
    scheduler.jump("2030-05-18T16:00:00Z");
    let reminder = api.wait_for_messages(forum, 1).await[0].clone();
    let thread = reminder.topic().expect("in the event's topic");
    scheduler.stop().await;

    // A new process on the same state file: the talk's reminder goes to
    // the same topic, and no second one is opened.
    let scheduler = Scheduler::start(&api, config, "2030-05-18T17:45:00Z", catalog("Hall 1"));
    scheduler.jump("2030-05-18T17:50:00Z");
    let talk = api.wait_for_messages(forum, 2).await[1].clone();
    assert!(text(&talk).contains(TALK), "{}", text(&talk));
    assert_eq!(
        talk.topic(),
        Some(thread),
        "the same topic after the restart"
    );
    assert_eq!(api.topics(FORUM), [(thread, "Rust Night".to_string())]);
    scheduler.stop().await;
    assert_eq!(
        Store::open(&dir.path().join("herald.db"))
            .unwrap()
            .event_topic(&herald::config::Chat::Id(FORUM), "rust-night")
            .unwrap(),
        Some(thread as i32),
        "kept in the state file"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_topic_held_back_by_flood_control_is_opened_once_when_it_lets_go() {
    let api = FakeBotApi::start().await;
    let dir = tempfile::tempdir().unwrap();
    let forum = Chat::Group(FORUM);
    api.flood_topics(2);
    let config = config(dir.path(), FORUM);
    let scheduler = Scheduler::start(&api, config, "2030-05-18T15:59:00Z", catalog("Hall 1"));
    scheduler.jump("2030-05-18T16:00:00Z");
    let reminder = api.wait_for_messages(forum, 1).await[0].clone();
    assert_eq!(api.topic_floods_left(), 0, "both tries were held back");
    let topics = api.topics(FORUM);
    assert_eq!(topics.len(), 1, "opened once: {topics:?}");
    assert_eq!(reminder.topic(), Some(topics[0].0), "the reminder is in it");
    scheduler.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_post_for_a_topic_an_admin_deleted_goes_to_the_chat_and_no_topic_is_reopened() {
    let api = FakeBotApi::start().await;
    let dir = tempfile::tempdir().unwrap();
    let forum = Chat::Group(FORUM);
    let scheduler = Scheduler::start(
        &api,
        config(dir.path(), FORUM),
        "2030-05-18T15:59:00Z",
        catalog("Hall 1"),
    );
    scheduler.jump("2030-05-18T16:00:00Z");
    let reminder = api.wait_for_messages(forum, 1).await[0].clone();
    let thread = reminder.topic().expect("in the event's topic");
    api.delete_topic(FORUM, thread);

    scheduler.move_venue("Hall 2", "2030-05-18T16:02:00Z").await;
    let notice = api.wait_for_messages(forum, 2).await[1].clone();
    assert!(text(&notice).contains("Hall 2"), "{}", text(&notice));
    assert_eq!(notice.topic(), None, "in the chat itself");
    assert_eq!(api.count("createForumTopic"), 1, "not opened again");
    scheduler.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_group_that_is_not_a_forum_is_logged_once_and_gets_the_posts_itself() {
    capture_logs();
    const GROUP: i64 = -1001234500002;
    let api = FakeBotApi::start().await;
    api.not_a_forum(GROUP);
    let dir = tempfile::tempdir().unwrap();
    let group = Chat::Group(GROUP);
    let config = config(dir.path(), GROUP);
    let scheduler = Scheduler::start(&api, config, "2030-05-18T15:59:00Z", catalog("Hall 1"));

    scheduler.jump("2030-05-18T16:00:00Z");
    let reminder = api.wait_for_messages(group, 1).await[0].clone();
    assert!(
        text(&reminder).contains("Rust Night"),
        "{}",
        text(&reminder)
    );
    assert_eq!(reminder.topic(), None, "posted in the chat itself");
    scheduler.move_venue("Hall 2", "2030-05-18T16:02:00Z").await;
    let notice = api.wait_for_messages(group, 2).await[1].clone();
    assert!(text(&notice).contains("Hall 2"), "{}", text(&notice));
    assert_eq!(notice.topic(), None);
    scheduler.jump("2030-05-18T17:50:00Z");
    let talk = api.wait_for_messages(group, 3).await[2].clone();
    assert!(text(&talk).contains(TALK), "{}", text(&talk));
    assert_eq!(talk.topic(), None);
    scheduler.stop().await;

    assert_eq!(api.topic_refusals(), 1, "asked once, not at every post");
    assert!(api.topics(GROUP).is_empty());
    let logs = logs();
    let said: Vec<&str> = logs
        .lines()
        .filter(|line| line.contains("herald may not open forum topics in this chat"))
        .filter(|line| line.contains(&GROUP.to_string()))
        .collect();
    assert_eq!(said.len(), 1, "logged once: {said:?}");
    assert!(
        said[0].contains("the chat is not a forum"),
        "with Telegram's reason: {}",
        said[0]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_change_notice_follows_its_reminder_into_the_topic_it_was_routed_to() {
    let api = FakeBotApi::start().await;
    let dir = tempfile::tempdir().unwrap();
    let forum = Chat::Group(FORUM);
    let mut config = config(dir.path(), FORUM);
    let topic = ChatTarget::id(FORUM).in_topic(Some(5));
    config.telegram.chats = vec![ChatTarget::id(FORUM), topic.clone()];
    config.routes = Routes {
        reminders: Some(vec![topic]),
        ..Routes::default()
    };
    config.posts.topics = Topics::Off;
    let scheduler = Scheduler::start(&api, config, "2030-05-18T15:59:00Z", catalog("Hall 1"));
    scheduler.jump("2030-05-18T16:00:00Z");
    let reminder = api.wait_for_messages(forum, 1).await[0].clone();
    assert_eq!(reminder.topic(), Some(5), "{}", text(&reminder));

    scheduler.move_venue("Hall 2", "2030-05-18T16:02:00Z").await;
    let notice = api.wait_for_messages(forum, 2).await[1].clone();
    assert!(
        text(&notice).starts_with("📣 <b>Change:</b> Rust Night")
            && text(&notice).contains("Hall 2"),
        "{}",
        text(&notice)
    );
    assert_eq!(notice.topic(), Some(5), "where the reminder was read");
    scheduler.stop().await;
    let sent = api.wait_for_messages(forum, 2).await;
    assert_eq!(sent.len(), 2, "nothing to the chat itself: {sent:#?}");
    assert_eq!(api.count("createForumTopic"), 0, "no topic of its own");
}
