//! The stores on the real thing: one behaviour suite run against SQLite
//! and a real PostgreSQL server, the scheduler posting over PostgreSQL
//! across a kill, and `herald migrate` from a state file.
//!
//! PostgreSQL comes from `HERALD_TEST_DATABASE_URL` (`. .ci/postgres`
//! starts one); each test makes its own database on it, so tests run in
//! parallel. Without the variable a PostgreSQL test prints why it is
//! skipped, and fails instead where `CI` is set: CI never skips silently.

mod support;

use std::collections::HashSet;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration as StdDuration;

use chrono::{DateTime, Duration, Utc};
use herald::calendar::Site;
use herald::config::{Chat, ChatTarget};
use herald::events::ids::Target;
use herald::events::Poster;
use herald::events::{parse, Event, Parsed};
use herald::lang::Lang;
use herald::schedule::card::{posted, Wanted, Why};
use herald::schedule::{announcement_posts, Memory, Post, Seen, What};
use herald::store::{
    Author, Backend, Delivered, Followed, NewAnnouncement, OpenedTopic, Outcome, PgLease, PgStore,
    State, Store,
};

pub use support::database::Database;

fn at(text: &str) -> DateTime<Utc> {
    text.parse().unwrap()
}

fn event(slug: &str, start: &str) -> Event {
    let src = format!("---\ntitle: Rust Night {slug}\ndate: {start}\nlocation: Hall 1\n---\n");
    match parse(Path::new(&format!("{slug}.md")), &src, chrono_tz::UTC) {
        Ok(Parsed::Event { event, .. }) => *event,
        other => panic!("{other:?}"),
    }
}

fn reminder(event: &str, chat: ChatTarget) -> Post {
    Post {
        key: format!("reminder/{event}/2h/{chat}"),
        due: at("2030-01-01T00:00:00Z"),
        chat,
        what: What::Reminder {
            event: event.into(),
            before: "2h".parse().unwrap(),
        },
    }
}

/// Posts, parts, what chats were told and what the pages said: kept
/// across reopening, each post once however often it is recorded, and
/// pruned as SQLite prunes.
fn memory_is_kept_once_across_reopening<S: Backend>(open: &dyn Fn() -> S) {
    let store = open();
    let now = at("2029-12-25T00:00:00Z");
    let events = vec![event("rust-night", "2030-01-01T10:00:00Z")];
    let mut memory = Memory::default();
    let changed: Vec<(String, Seen)> = memory.observe(&events, now);
    store.record_seen(&changed).unwrap();
    let chan = ChatTarget::username("@chan");
    let post = reminder("rust-night", chan.clone());
    store.record_part(&post, 2, Some("pinned"), now).unwrap();
    assert_eq!(
        store.parts().unwrap()[&post.key],
        (2, Some("pinned".to_string()))
    );
    assert!(store.has_history(&chan).unwrap(), "a part is history");
    let told = memory.sent(&post, &events);
    store
        .record_post(&post, Outcome::Sent, None, &told, now)
        .unwrap();
    store
        .record_post(&post, Outcome::Sent, None, &told, now)
        .unwrap();
    store.set_planned_until(now).unwrap();
    store
        .set_chat_key("@chan", &ChatTarget::id(-100), now)
        .unwrap();
    store
        .set_chat_key("@chan", &ChatTarget::id(-200), now)
        .unwrap();
    drop(store);

    let store = open();
    assert!(
        store.parts().unwrap().is_empty(),
        "a post done forgets its parts"
    );
    let kept = store.memory().unwrap();
    assert_eq!(kept, memory);
    assert_eq!(kept.done, HashSet::from([post.key.clone()]), "once");
    assert_eq!(store.planned_until().unwrap(), Some(now));
    assert_eq!(
        store.chat_key("@chan").unwrap(),
        Some(ChatTarget::id(-100)),
        "first key kept"
    );
    assert_eq!(store.chat_key("@other").unwrap(), None);
    assert!(!store.has_history(&ChatTarget::id(5)).unwrap());

    let later = at("2030-06-01T00:00:00Z");
    let pruned = store.prune(later, Duration::days(90)).unwrap();
    assert_eq!((pruned.posts, pruned.events), (1, 1));
    assert!(store.memory().unwrap().done.is_empty());
    store.forget_chat(&chan).unwrap();
}

/// What another process records is seen by its version and read since the
/// last look; this process's own writes do not look like another's.
fn another_process_writes_are_seen<S: Backend>(open: &dyn Fn() -> S) {
    let bot = open();
    let now = at("2030-01-01T00:00:00Z");
    bot.record_post(
        &reminder("a", ChatTarget::id(1)),
        Outcome::Sent,
        None,
        &[],
        now,
    )
    .unwrap();
    let seq = bot.last_post().unwrap();
    let version = bot.data_version().unwrap();
    bot.record_post(
        &reminder("own", ChatTarget::id(1)),
        Outcome::Sent,
        None,
        &[],
        now,
    )
    .unwrap();
    assert_eq!(bot.data_version().unwrap(), version, "its own write");
    let (own, seq) = bot.posts_after(seq).unwrap();
    assert_eq!(own, ["reminder/own/2h/1"]);

    let other = open();
    other
        .record_post(
            &reminder("b", ChatTarget::id(1)),
            Outcome::Sent,
            None,
            &[],
            now,
        )
        .unwrap();
    other
        .record_post(
            &reminder("c", ChatTarget::id(1)),
            Outcome::Skipped,
            None,
            &[],
            now,
        )
        .unwrap();
    assert_ne!(bot.data_version().unwrap(), version, "another's write");
    let (keys, last) = bot.posts_after(seq).unwrap();
    assert_eq!(keys, ["reminder/b/2h/1", "reminder/c/2h/1"]);
    assert_eq!(bot.posts_after(last).unwrap(), (Vec::new(), last));
}

/// Subscriptions, follows, lead times, mutes and calendar tokens, and
/// forgetting a member.
fn members_are_kept_and_forgotten<S: Backend>(open: &dyn Fn() -> S) {
    let store = open();
    let now = at("2026-01-02T03:04:05Z");
    assert!(store
        .subscribe((-1001, None), Some(42), Some(Lang::En), now)
        .unwrap());
    assert!(!store.subscribe((-1001, None), Some(43), None, now).unwrap());
    assert!(store.subscribe((7, None), None, None, now).unwrap());
    let talk = Target::Talk("0123456789ab".into());
    let meetup = Target::Event("2021-09-rust".into());
    let version = store.follows_version();
    assert!(store.follow(7, &talk, now).unwrap());
    assert!(!store.follow(7, &talk, now).unwrap());
    assert!(store.follow(7, &meetup, now).unwrap());
    assert!(store.follow(8, &meetup, now).unwrap());
    assert_ne!(
        store.follows_version(),
        version,
        "the scheduler reads follows again"
    );
    store.set_lead(7, "15m".parse().unwrap()).unwrap();
    assert!(store.set_mute(-1001, "2021-09-rust", true).unwrap());
    assert!(!store.set_mute(-1001, "2021-09-rust", true).unwrap());
    let token = store.calendar_token(7, now).unwrap();
    drop(store);

    let store = open();
    let configured = [ChatTarget::username("@chan"), ChatTarget::id(7)];
    assert_eq!(
        store.targets(&configured).unwrap(),
        [
            configured[0].clone(),
            ChatTarget::id(7),
            ChatTarget::id(-1001)
        ]
    );
    assert_eq!(store.languages().unwrap()[&ChatTarget::id(-1001)], Lang::En);
    let following = store.followed(7).unwrap();
    assert_eq!(following.talks, ["0123456789ab"]);
    assert_eq!(following.events, ["2021-09-rust"]);
    assert_eq!(
        store.lead(7).unwrap().map(|l| l.to_string()),
        Some("15m".into())
    );
    let followers = store.followers().unwrap();
    let members: Vec<i64> = followers.members.iter().map(|f| f.member).collect();
    assert_eq!(members, [7, 8]);
    assert_eq!(followers.members[0].follows.len(), 2);
    assert!(followers
        .mutes
        .contains(&(-1001, "2021-09-rust".to_string())));
    assert_eq!(store.calendar_token(7, now).unwrap(), token, "kept");
    assert_eq!(store.calendar_member(token.as_str()).unwrap(), Some(7));
    assert_eq!(store.calendar_member(&token.as_str()[1..]).unwrap(), None);
    let fresh = store.replace_calendar_token(7, now).unwrap();
    assert_eq!(
        store.calendar_member(token.as_str()).unwrap(),
        None,
        "the old link is dead"
    );

    assert!(store.forget_member(7).unwrap());
    assert!(!store.forget_member(7).unwrap());
    assert!(store.followed(7).unwrap().is_empty());
    assert_eq!(store.lead(7).unwrap(), None);
    assert_eq!(store.calendar_member(fresh.as_str()).unwrap(), None);
    assert!(store.unfollow(8, &meetup).unwrap());
    assert!(!store.unfollow(8, &meetup).unwrap());
    assert!(store.unsubscribe((7, None)).unwrap());
    assert!(!store.unsubscribe((7, None)).unwrap());
}

/// An announcement confirmed once, owed until done, reported per chat.
fn announcements_go_out_once<S: Backend>(open: &dyn Fn() -> S) {
    let store = open();
    let now = at("2026-12-01T02:00:00Z");
    let draft = NewAnnouncement {
        author: Author::Admin(42),
        html: "<b>Hello</b> &amp; welcome".into(),
        pin: true,
        lang: Lang::En,
        due: None,
        state: State::Draft,
        held_until: None,
    };
    let id = store.add_announcement(&draft, now).unwrap();
    assert!(
        store.owed_announcements().unwrap().is_empty(),
        "drafts are not owed"
    );
    let confirmed = store
        .confirm_announcement(id, now, (42, 7))
        .unwrap()
        .unwrap();
    assert_eq!(
        (confirmed.state, confirmed.due, confirmed.report_to),
        (State::Scheduled, Some(now), Some((42, 7)))
    );
    assert_eq!(
        store.confirm_announcement(id, now, (42, 7)).unwrap(),
        None,
        "a second Send"
    );
    let owed = store.owed_announcements().unwrap();
    let chats = [ChatTarget::id(-1), ChatTarget::username("@chan")];
    let posts = announcement_posts(&owed[0], &chats, &Default::default(), chrono_tz::UTC);
    store
        .record_post(&posts[0], Outcome::Sent, Some("pinned"), &[], now)
        .unwrap();
    store
        .record_post(&posts[1], Outcome::Undeliverable, Some("blocked"), &[], now)
        .unwrap();
    store.hold_announcement(id, now).unwrap();
    drop(store);

    let store = open();
    let held = store.memory().unwrap().announcements;
    assert_eq!(
        (held.len(), held[0].id, held[0].held_until),
        (1, id, Some(now))
    );
    assert_eq!(
        store.deliveries(id).unwrap(),
        [
            Delivered {
                chat: chats[0].clone(),
                outcome: Outcome::Sent,
                detail: Some("pinned".into())
            },
            Delivered {
                chat: chats[1].clone(),
                outcome: Outcome::Undeliverable,
                detail: Some("blocked".into())
            },
        ]
    );
    let done = store.finish_announcement(id, now).unwrap().unwrap();
    assert_eq!(
        (done.state, done.finished, done.held_until),
        (State::Done, Some(now), None)
    );
    assert_eq!(store.finish_announcement(id, now).unwrap(), None);
    assert!(store.owed_announcements().unwrap().is_empty());
    let pruned = store
        .prune(now + Duration::days(400), Duration::days(90))
        .unwrap();
    assert_eq!(pruned.posts, 0, "announcement reports are kept");
}

/// The live card of each target, as posted, edited and found deleted:
/// kept across reopening, a topic's apart from its chat's.
fn live_cards_are_kept_per_target<S: Backend>(open: &dyn Fn() -> S) {
    let group = ChatTarget::id(-1001);
    let topic = ChatTarget::id(-1001).in_topic(Some(7));
    let wanted = Wanted {
        event: "rust-night".into(),
        text: "Rust Night\n📍 Hall 1".into(),
    };
    let first = posted(None, Why::First, &wanted, 42, at("2030-01-01T10:00:00Z"));
    {
        let store = open();
        assert_eq!(store.card(&group).unwrap(), None);
        store.set_card(&group, &first).unwrap();
    }
    let store = open();
    assert_eq!(store.card(&group).unwrap(), Some(first.clone()));
    assert_eq!(
        store.card(&topic).unwrap(),
        None,
        "a topic has its own card"
    );
    let gone = first.deleted(at("2030-01-01T11:00:00Z"));
    store.set_card(&group, &gone).unwrap();
    let again = posted(
        Some(&gone),
        Why::Deleted,
        &wanted,
        43,
        at("2030-01-01T11:00:00Z"),
    );
    store.set_card(&topic, &again).unwrap();
    assert_eq!(store.card(&group).unwrap(), Some(gone));
    assert_eq!(store.card(&topic).unwrap(), Some(again));
}

/// The forum topic opened for each event, per chat: kept across
/// reopening, and never replaced by a second one.
fn event_topics_are_kept_per_chat_and_event<S: Backend>(open: &dyn Fn() -> S) {
    let forum = Chat::Id(-1001);
    let named = Chat::Username("@community".into());
    let opened = |chat: &Chat, thread| OpenedTopic {
        chat: chat.clone(),
        event: "rust-night".into(),
        thread,
        at: at("2030-01-01T10:00:00Z"),
    };
    {
        let store = open();
        assert_eq!(store.event_topic(&forum, "rust-night").unwrap(), None);
        store.set_event_topic(&opened(&forum, 42)).unwrap();
        store.set_event_topic(&opened(&named, 7)).unwrap();
    }
    let store = open();
    assert_eq!(store.event_topic(&forum, "rust-night").unwrap(), Some(42));
    assert_eq!(store.event_topic(&named, "rust-night").unwrap(), Some(7));
    assert_eq!(store.event_topic(&forum, "go-night").unwrap(), None);
    store.set_event_topic(&opened(&forum, 43)).unwrap();
    assert_eq!(
        store.event_topic(&forum, "rust-night").unwrap(),
        Some(42),
        "the first topic stays"
    );
}

/// What the bot keeps beside the scheduler's memory, as `herald run` on
/// either store needs it: chats' titles, the calendar feed's versions
/// (moved only by a change, a gone page kept as cancelled), posters'
/// Telegram ids by version, and each chat's last post.
fn bot_state_is_kept<S: Backend>(open: &dyn Fn() -> S) {
    let store = open();
    store.note_title(-1001, "Rust Shanghai").unwrap();
    store.note_title(-1001, "Rust Shanghai 2").unwrap();
    assert_eq!(store.titles().unwrap()[&-1001], "Rust Shanghai 2");

    let site = Site {
        tz: chrono_tz::UTC,
        url: None,
        events: "events".into(),
    };
    let events = vec![
        event("rust-night", "2030-01-01T10:00:00Z"),
        event("go-night", "2030-02-01T10:00:00Z"),
    ];
    let first = at("2029-12-01T00:00:00Z");
    let published = store.feed(&events, &site, first).unwrap();
    assert_eq!(published.len(), 2);
    assert!(published.iter().all(|s| s.version.sequence == 0));
    let again = store
        .feed(&events, &site, at("2029-12-02T00:00:00Z"))
        .unwrap();
    assert_eq!(again, published, "nothing changed, nothing moves");

    let poster = Poster {
        file: "/events/rust-night/featured.jpg".into(),
        bytes: 10,
        modified: 1,
    };
    assert_eq!(store.poster_file(&poster).unwrap(), None);
    store.set_poster_file(&poster, "AgAD1", first).unwrap();
    store.set_poster_file(&poster, "AgAD2", first).unwrap();
    assert_eq!(
        store.poster_file(&poster).unwrap().as_deref(),
        Some("AgAD2")
    );

    let chat = ChatTarget::id(-1001);
    let post = reminder("rust-night", chat.clone());
    store
        .record_post(&post, Outcome::Sent, None, &[], first)
        .unwrap();
    drop(store);

    let store = open();
    let gone = store
        .feed(&events[..1], &site, at("2029-12-03T00:00:00Z"))
        .unwrap();
    let cancelled: Vec<(&str, u32, bool)> = gone
        .iter()
        .map(|s| (s.entry.id.as_str(), s.version.sequence, s.entry.cancelled))
        .collect();
    assert_eq!(
        cancelled[1].1, 1,
        "the gone page's entry moved on: {cancelled:?}"
    );
    assert!(cancelled[1].2, "and is cancelled: {cancelled:?}");
    assert!(!cancelled[0].2, "{cancelled:?}");
    assert_eq!(store.last_posts().unwrap()[&chat].key, post.key);
    assert_eq!(store.titles().unwrap().len(), 1, "kept across reopening");
}

/// Each behaviour, once per store: `sqlite::name` and `postgres::name`.
macro_rules! both {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[test]
                fn $name() {
                    let dir = tempfile::tempdir().unwrap();
                    let path = dir.path().join("herald.db");
                    super::$name(&|| herald::store::Store::open(&path).unwrap());
                }
            )*
        }
        mod postgres {
            $(
                #[test]
                fn $name() {
                    let Some(database) = super::Database::create() else { return };
                    super::$name(&|| database.open());
                }
            )*
        }
    };
}

both!(
    memory_is_kept_once_across_reopening,
    another_process_writes_are_seen,
    members_are_kept_and_forgotten,
    announcements_go_out_once,
    live_cards_are_kept_per_target,
    event_topics_are_kept_per_chat_and_event,
    bot_state_is_kept,
);

/// The real scheduler over PostgreSQL, posting an announcement to 40
/// chats through the fake Bot API, killed part-way (its task dropped
/// mid-send, as `kill -9` leaves it) and started again on a new
/// connection: every chat gets the announcement, and at most the one
/// message in flight at the kill is sent twice.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_scheduler_killed_mid_broadcast_over_postgres_repeats_at_most_the_post_in_flight() {
    use herald::clock::SystemClock;
    use herald::config::Config;
    use herald::events::Catalog;
    use herald::schedule::runner::Runner;
    use herald::telegram::TelegramDelivery;
    use support::fake_bot_api::FakeBotApi;
    use teloxide::Bot;
    use tokio::sync::watch;

    const CHATS: i64 = 40;
    let Some(database) = tokio::task::spawn_blocking(Database::create).await.unwrap() else {
        return;
    };
    let api = FakeBotApi::start().await;
    api.delay_sends(std::time::Duration::from_millis(20));
    let database = Arc::new(database);
    let setup = Arc::clone(&database);
    let id = tokio::task::spawn_blocking(move || {
        let store = setup.open();
        let now = Utc::now();
        for chat in 1..=CHATS {
            store
                .subscribe((-1000 - chat, None), None, None, now)
                .unwrap();
        }
        let new = NewAnnouncement {
            author: Author::Shell("ops".into()),
            html: "Doors open at 18:30".into(),
            pin: false,
            lang: Lang::En,
            due: Some(now),
            state: State::Scheduled,
            held_until: None,
        };
        store.add_announcement(&new, now).unwrap()
    })
    .await
    .unwrap();

    let (_pages, catalog) = watch::channel(Arc::new(Catalog::new(Vec::new())));
    let start = |store: PgStore| {
        let bot = Bot::new(support::fake_bot_api::TOKEN).set_api_url(api.url().parse().unwrap());
        let runner = Runner::on(
            TelegramDelivery::new(bot, None),
            SystemClock,
            Arc::new(store),
            Config::default(),
            catalog.clone(),
        );
        let (stop, stopped) = watch::channel(false);
        (stop, tokio::spawn(runner.run(stopped)))
    };
    let open = || {
        let database = Arc::clone(&database);
        tokio::task::spawn_blocking(move || database.open())
    };

    let (_stop, first) = start(open().await.unwrap());
    for _ in 0..1000 {
        if api.count("sendMessage") >= 10 {
            break;
        }
        tokio::time::sleep(StdDuration::from_millis(5)).await;
    }
    assert!(api.count("sendMessage") >= 10, "the broadcast under way");
    first.abort();
    let _ = first.await;
    let before = api.count("sendMessage");
    assert!(before < CHATS as usize, "killed part-way: {before} sent");

    let (stop, second) = start(open().await.unwrap());
    for chat in 1..=CHATS {
        api.wait_for_messages(support::fake_bot_api::Chat::Group(-1000 - chat), 1)
            .await;
    }
    let checked = Arc::clone(&database);
    let delivered = tokio::task::spawn_blocking(move || {
        let store = checked.open();
        for _ in 0..500 {
            if store.deliveries(id).unwrap().len() == CHATS as usize {
                break;
            }
            std::thread::sleep(StdDuration::from_millis(10));
        }
        store.deliveries(id).unwrap()
    })
    .await
    .unwrap();
    stop.send(true).unwrap();
    tokio::time::timeout(StdDuration::from_secs(5), second)
        .await
        .expect("the scheduler stops")
        .unwrap()
        .unwrap();

    assert_eq!(delivered.len(), CHATS as usize, "one report per chat");
    let sent = api.calls("sendMessage");
    assert!(sent
        .iter()
        .all(|c| c.params["text"] == "Doors open at 18:30"));
    let repeats = sent.len() - CHATS as usize;
    assert!(
        repeats <= 1,
        "{repeats} repeats: at most the message in flight"
    );
}

/// `herald migrate` on a state file with posts, subscriptions, an
/// announcement, follows and a calendar token: all of it in PostgreSQL
/// after, said table by table; a second copy refused without `--force`.
#[test]
fn herald_migrate_copies_a_state_file_into_postgres_losing_nothing() {
    let Some(database) = Database::create() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("herald.db");
    let now = at("2026-11-01T10:00:00Z");
    let sqlite = Store::open(&path).unwrap();
    sqlite
        .subscribe((-1001, None), Some(42), Some(Lang::Zh), now)
        .unwrap();
    sqlite.subscribe((7, None), None, None, now).unwrap();
    let talk = Target::Talk("0123456789ab".into());
    sqlite.follow(7, &talk, now).unwrap();
    sqlite.set_lead(7, "30m".parse().unwrap()).unwrap();
    sqlite.set_mute(-1001, "rust-night", true).unwrap();
    let token = sqlite.calendar_token(7, now).unwrap();
    let new = NewAnnouncement {
        author: Author::Shell("ops".into()),
        html: "Doors open".into(),
        pin: true,
        lang: Lang::En,
        due: Some(now),
        state: State::Scheduled,
        held_until: None,
    };
    let id = sqlite.add_announcement(&new, now).unwrap();
    let owed = sqlite.owed_announcements().unwrap();
    for post in announcement_posts(
        &owed[0],
        &[ChatTarget::id(-1001), ChatTarget::id(7)],
        &Default::default(),
        chrono_tz::UTC,
    ) {
        sqlite
            .record_post(&post, Outcome::Sent, Some("pinned"), &[], now)
            .unwrap();
    }
    let reminder = reminder("rust-night", ChatTarget::id(-1001));
    sqlite
        .record_post(&reminder, Outcome::Sent, None, &[], now)
        .unwrap();
    sqlite.set_planned_until(now).unwrap();
    sqlite.note_title(-1001, "Rust Meetup").unwrap();
    let wanted = Wanted {
        event: "rust-night".into(),
        text: "Rust Night".into(),
    };
    let card = posted(None, Why::First, &wanted, 42, now).deleted(now);
    sqlite.set_card(&ChatTarget::id(-1001), &card).unwrap();
    let topic = OpenedTopic {
        chat: Chat::Id(-1001),
        event: "rust-night".into(),
        thread: 1042,
        at: now,
    };
    sqlite.set_event_topic(&topic).unwrap();
    let memory = sqlite.memory().unwrap();
    let deliveries = sqlite.deliveries(id).unwrap();
    let last = sqlite.last_post().unwrap();
    sqlite.close().unwrap();

    let migrate = |force: bool| {
        let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_herald"));
        command
            .current_dir(dir.path())
            .env_remove("HERALD_DATABASE_URL")
            .args(["migrate", "--from"])
            .arg(&path)
            .args(["--to", &database.url]);
        if force {
            command.arg("--force");
        }
        command.output().unwrap()
    };
    let copied = migrate(false);
    let stdout = String::from_utf8_lossy(&copied.stdout);
    assert!(
        copied.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&copied.stderr)
    );
    for line in [
        "subscriptions           2",
        "posts                   3",
        "follows                 1",
        "calendar_tokens         1",
        "announcements           1",
        "cards                   1",
        "event_topics            1",
    ] {
        assert!(stdout.contains(line), "{line:?} in\n{stdout}");
    }
    assert!(
        stdout.contains("herald: copied 14 rows in 18 tables"),
        "{stdout}"
    );

    let pg = database.open();
    assert_eq!(pg.memory().unwrap(), memory, "posts, announcements owed");
    assert_eq!(pg.deliveries(id).unwrap(), deliveries);
    let subscribers = pg.subscribers().unwrap();
    assert_eq!(subscribers.len(), 2);
    assert_eq!(
        (
            subscribers[0].chat,
            subscribers[0].by,
            subscribers[0].since,
            subscribers[0].lang
        ),
        (-1001, Some(42), now, Some(Lang::Zh))
    );
    assert_eq!(pg.followed(7).unwrap().talks, ["0123456789ab"]);
    assert_eq!(
        pg.lead(7).unwrap().map(|l| l.to_string()),
        Some("30m".into())
    );
    assert!(pg
        .followers()
        .unwrap()
        .mutes
        .contains(&(-1001, "rust-night".to_string())));
    assert_eq!(
        pg.calendar_member(token.as_str()).unwrap(),
        Some(7),
        "the feed link works"
    );
    assert_eq!(pg.planned_until().unwrap(), Some(now));
    assert_eq!(
        pg.card(&ChatTarget::id(-1001)).unwrap(),
        Some(card),
        "the live card is edited, not posted again"
    );
    assert_eq!(
        pg.event_topic(&Chat::Id(-1001), "rust-night").unwrap(),
        Some(1042),
        "the event's posts go on in its topic"
    );
    assert_eq!(pg.last_post().unwrap(), last);
    pg.record_post(
        &self::reminder("next", ChatTarget::id(7)),
        Outcome::Sent,
        None,
        &[],
        now,
    )
    .unwrap();
    assert!(
        pg.last_post().unwrap() > last,
        "numbering goes on past the copy"
    );
    let next = pg.add_announcement(&new, now).unwrap();
    assert!(next > id, "announcement ids go on past the copy");
    drop(pg);

    let again = migrate(false);
    let stderr = String::from_utf8_lossy(&again.stderr);
    assert!(!again.status.success());
    assert!(
        stderr.contains("already holds herald's state") && stderr.contains("--force"),
        "{stderr}"
    );
    let forced = migrate(true);
    assert!(
        forced.status.success(),
        "{}",
        String::from_utf8_lossy(&forced.stderr)
    );
    let pg = database.open();
    assert_eq!(pg.memory().unwrap(), memory, "replaced by the file's state");
    assert_eq!(pg.announcements().unwrap().len(), 1);

    // A table this herald does not know is never left behind silently.
    rusqlite::Connection::open(&path)
        .unwrap()
        .execute_batch("CREATE TABLE photos (id INTEGER PRIMARY KEY)")
        .unwrap();
    let unknown = migrate(true);
    let stderr = String::from_utf8_lossy(&unknown.stderr);
    assert!(!unknown.status.success());
    assert!(
        stderr.contains("a table `photos` this herald cannot copy"),
        "{stderr}"
    );
}

/// A leader whose lock is gone without its knowing (its session ended by
/// the server) records no more posts once another leads: the fencing
/// token is checked in each post's own transaction, so a failover repeats
/// at most the post in flight.
#[test]
fn a_leader_that_lost_its_lock_records_no_more_posts() {
    let Some(database) = Database::create() else {
        return;
    };
    let url = herald::config::DatabaseUrl::of(&database.url).unwrap();
    let store = database.open();
    let (first, second) = (
        reminder("a", ChatTarget::id(-1001)),
        reminder("b", ChatTarget::id(-1002)),
    );
    let now = at("2029-12-31T22:00:00Z");
    let taken = url.clone();
    let lease = std::thread::spawn(move || PgLease::take(&taken).unwrap())
        .join()
        .unwrap();
    store.fence(lease.fence());
    store
        .record_post(&first, Outcome::Sent, None, &[], now)
        .unwrap();

    // The server ends the lease's session; another herald takes the lock.
    database.sql(&format!(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
         WHERE datname = '{}' AND application_name LIKE 'herald %'",
        database.name()
    ));
    let next = std::thread::spawn(move || PgLease::take(&url))
        .join()
        .unwrap();
    assert!(next.is_ok(), "another leads: {:?}", next.err());

    let refused = store
        .record_post(&second, Outcome::Sent, None, &[], now)
        .unwrap_err();
    assert!(refused.fenced(), "{refused}");
    assert!(
        refused.to_string().contains("leader lock is gone"),
        "{refused}"
    );
    let done = store.memory().unwrap().done;
    assert!(
        done.contains(&first.key) && !done.contains(&second.key),
        "{done:?}"
    );
    // A store that does not lead (a replica's replies) is not fenced.
    database
        .open()
        .record_post(&second, Outcome::Sent, None, &[], now)
        .unwrap();
    drop(lease);
}

/// The schema is made once and brought up to date at start; a database
/// from a newer herald, or of something else, is refused untouched.
#[test]
fn postgres_migrations_run_once_and_refuse_a_newer_or_foreign_database() {
    let Some(database) = Database::create() else {
        return;
    };
    drop(database.open());
    drop(database.open());
    let mut client = ::postgres::Client::connect(&database.url, ::postgres::NoTls).unwrap();
    let applied = client
        .query_one(
            "SELECT count(*), max(version)::bigint FROM schema_version",
            &[],
        )
        .unwrap();
    let (count, latest): (i64, i64) = (applied.get(0), applied.get(1));
    assert!(latest >= 1, "migrations ran");
    assert_eq!(count, latest, "each migration applied once");
    client
        .execute("INSERT INTO schema_version VALUES (999, now())", &[])
        .unwrap();
    let url = database.url.clone();
    let error = std::thread::spawn(move || PgStore::open(&url).err().unwrap().to_string())
        .join()
        .unwrap();
    assert!(error.contains("written by a newer herald"), "{error}");
    assert!(
        error.starts_with(&format!("{}: ", database.url)),
        "the database is named: {error}"
    );

    let Some(other) = Database::create() else {
        return;
    };
    let mut client = ::postgres::Client::connect(&other.url, ::postgres::NoTls).unwrap();
    client
        .batch_execute("CREATE TABLE photos (id int)")
        .unwrap();
    let url = other.url.clone();
    let error = std::thread::spawn(move || PgStore::open(&url).err().unwrap().to_string())
        .join()
        .unwrap();
    assert!(
        error.contains("is not a herald state file (a PostgreSQL database of something else"),
        "{error}"
    );
    let tables: i64 = client
        .query_one(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(tables, 1, "left as it was");
}
