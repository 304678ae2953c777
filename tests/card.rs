//! The live card end to end, against the fake Bot API on 127.0.0.1: what
//! a group with `live_card = true` sees pinned. First herald serving on a
//! folder of pages, edited on disk and restarted; then the card task alone
//! with an injected clock, for an admin deleting the card.

mod support;

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, SecondsFormat, Utc};
use herald::config::{ChatTarget, Config};
use herald::events::{parse, Catalog, Event, Parsed};
use herald::health::Health;
use herald::store::Store;
use herald::telegram::{serve, BotApi, LiveCards};
use serde_json::Value;
use teloxide::Bot;
use tokio::sync::{oneshot, watch};

use support::clock::Jumping;
use support::fake_bot_api::{Call, FakeBotApi, TOKEN};

const GROUP: i64 = -1001;

/// A page for "Rust Night" at `venue`, starting at `start`.
fn page(start: DateTime<Utc>, venue: &str) -> String {
    format!(
        "---\ntitle: Rust Night\ndate: {}\nlocation: {venue}\n---\n\n\
         ## Agenda\n\n- 18:00-18:40 Async Rust in production — Jane Doe (Ferrous)\n",
        start.to_rfc3339_opts(SecondsFormat::Secs, true)
    )
}

/// Posting to the group only its live card: no digest or reminder due.
fn config(dir: &Path) -> Config {
    let mut config = Config {
        events: dir.join("events"),
        state: dir.join("herald.db"),
        timezone: chrono_tz::UTC,
        language: herald::lang::Lang::En,
        ..Config::default()
    };
    config.telegram.chats = vec![ChatTarget::id(GROUP)];
    config.posts.live_card = true;
    config.schedule.digest = "0 0 10 1 1 * 2020".parse().unwrap();
    config.schedule.reminders = Vec::new();
    config.schedule.talk_reminders = Vec::new();
    config
}

/// herald serving `config` through `api` until the sender is used.
fn start(api: &FakeBotApi, config: Config) -> (oneshot::Sender<()>, tokio::task::JoinHandle<()>) {
    let bot_api = BotApi {
        url: api.url().parse().unwrap(),
        token: TOKEN.to_string(),
    };
    let (stop, stopped) = oneshot::channel();
    let served = serve(config, bot_api, Health::default(), async {
        let _ = stopped.await;
    });
    let task = tokio::spawn(async move { served.await.unwrap() });
    (stop, task)
}

async fn stop_serving((stop, task): (oneshot::Sender<()>, tokio::task::JoinHandle<()>)) {
    stop.send(()).unwrap();
    tokio::time::timeout(Duration::from_secs(5), task)
        .await
        .expect("herald stops")
        .unwrap();
}

/// What the bot sent to the group.
fn sent_to_group(api: &FakeBotApi) -> Vec<Call> {
    api.calls("sendMessage")
        .into_iter()
        .filter(|call| call.params["chat_id"] == GROUP)
        .collect()
}

/// Waits for an edit of `message` whose text holds `words`.
async fn edited_to(api: &FakeBotApi, message: i64, words: &str) -> Call {
    api.wait_within(
        Duration::from_secs(15),
        &format!("an edit of {message} saying {words}"),
        |calls| {
            calls
                .iter()
                .find(|c| {
                    c.method == "editMessageText"
                        && c.params["message_id"] == message
                        && c.params["text"].as_str().is_some_and(|t| t.contains(words))
                })
                .cloned()
        },
    )
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_live_card_is_pinned_once_edited_after_a_page_edit_and_unchanged_after_a_restart() {
    let api = FakeBotApi::start().await;
    let dir = tempfile::tempdir().unwrap();
    let start_at = Utc::now() + chrono::Duration::days(10);
    let events = dir.path().join("events");
    std::fs::create_dir(&events).unwrap();
    let file = events.join("rust-night.md");
    std::fs::write(&file, page(start_at, "Hall 1")).unwrap();

    let herald = start(&api, config(dir.path()));
    let card = api
        .wait_for_messages(support::fake_bot_api::Chat::Group(GROUP), 1)
        .await;
    let card = &card[0];
    assert!(card.html.starts_with("<b>Rust Night</b>"), "{}", card.html);
    assert!(card.html.contains("Hall 1"), "{}", card.html);
    assert!(
        card.html.contains("Async Rust in production"),
        "{}",
        card.html
    );
    assert_eq!(
        card.params["disable_notification"], true,
        "a new card is silent"
    );
    let pins = api.wait_for_calls("pinChatMessage", 1).await;
    assert_eq!(pins[0].params["message_id"], card.message_id);
    assert_eq!(
        pins[0].params["disable_notification"], true,
        "pinned silently"
    );

    // The venue moves: the same message is edited, nothing new is sent.
    std::fs::write(&file, page(start_at, "Hall 2")).unwrap();
    let edit = edited_to(&api, card.message_id, "Hall 2").await;
    assert_eq!(edit.params["chat_id"], GROUP);
    assert!(
        edit.params.get("disable_notification").is_none(),
        "{:?}",
        edit.params
    );
    assert_eq!(
        api.message_text(GROUP, card.message_id).as_deref(),
        edit.params["text"].as_str(),
        "the group sees the new text in the pinned message"
    );
    stop_serving(herald).await;

    // A restart finds the card as it left it. A later page edit is then
    // the one edit after the restart: the restart itself edited nothing.
    let herald = start(&api, config(dir.path()));
    api.wait_for_calls("setMyCommands", 4).await;
    std::fs::write(&file, page(start_at, "Hall 3")).unwrap();
    edited_to(&api, card.message_id, "Hall 3").await;
    stop_serving(herald).await;
    assert_eq!(sent_to_group(&api).len(), 1, "one card, ever");
    assert_eq!(api.count("pinChatMessage"), 1, "pinned once");
    let edits: Vec<Value> = api
        .calls("editMessageText")
        .into_iter()
        .map(|c| c.params["text"].clone())
        .collect();
    assert_eq!(edits.len(), 2, "one edit per page edit: {edits:?}");
}

fn at(text: &str) -> DateTime<Utc> {
    text.parse().unwrap()
}

/// The event page `file` holds `text`.
fn event(file: &str, text: &str) -> Event {
    match parse(Path::new(file), text, chrono_tz::UTC) {
        Ok(Parsed::Event { event, .. }) => *event,
        other => panic!("{other:?}"),
    }
}

fn catalog(venue: &str) -> Arc<Catalog> {
    let text = page(at("2030-05-18T18:00:00Z"), venue);
    Arc::new(Catalog::new(vec![event("rust-night.md", &text)]))
}

/// The card task alone on a state file in `dir`, from `now` on a clock
/// the test moves, showing `pages`.
struct Cards {
    clock: Jumping,
    pages: watch::Sender<Arc<Catalog>>,
    stop: watch::Sender<bool>,
    task: tokio::task::JoinHandle<()>,
}

impl Cards {
    fn start(api: &FakeBotApi, dir: &Path, now: &str, pages: Arc<Catalog>) -> Cards {
        let config = config(dir);
        let store = Arc::new(Store::open(&config.state).unwrap());
        let clock = Jumping::at(at(now));
        let (pages, catalog) = watch::channel(pages);
        let bot = Bot::new(TOKEN).set_api_url(api.url().parse().unwrap());
        let cards = LiveCards::new(bot, clock.clone(), store, &config, catalog);
        let (stop, stopped) = watch::channel(false);
        let task = tokio::spawn(cards.run(stopped));
        Cards {
            clock,
            pages,
            stop,
            task,
        }
    }

    async fn stop(self) {
        self.stop.send(true).unwrap();
        tokio::time::timeout(Duration::from_secs(5), self.task)
            .await
            .expect("the card task stops")
            .unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_deleted_card_is_posted_again_once_and_not_again_within_the_hour() {
    let api = FakeBotApi::start().await;
    let dir = tempfile::tempdir().unwrap();
    let cards = Cards::start(&api, dir.path(), "2030-05-18T10:00:00Z", catalog("Hall 1"));
    let (clock, pages) = (&cards.clock, &cards.pages);
    let group = support::fake_bot_api::Chat::Group(GROUP);

    let first = api.wait_for_messages(group, 1).await[0].clone();
    api.delete_message(GROUP, first.message_id);

    // The next page edit finds the card gone: a new one, pinned.
    clock.set(at("2030-05-18T10:10:00Z"));
    pages.send_replace(catalog("Hall 2"));
    let second = api.wait_for_messages(group, 2).await[1].clone();
    assert!(second.html.contains("Hall 2"), "{}", second.html);
    assert_eq!(api.edits_of_deleted(), 1);
    let pins = api.wait_for_calls("pinChatMessage", 2).await;
    assert_eq!(pins[1].params["message_id"], second.message_id);

    // Deleted again within the hour: herald tries its edit, and leaves it.
    api.delete_message(GROUP, second.message_id);
    clock.set(at("2030-05-18T10:30:00Z"));
    pages.send_replace(catalog("Hall 3"));
    for _ in 0..100 {
        if api.edits_of_deleted() == 2 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(api.edits_of_deleted(), 2, "the edit found the card gone");
    clock.set(at("2030-05-18T11:05:00Z"));
    pages.send_replace(catalog("Hall 4"));
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(
        api.count("sendMessage"),
        2,
        "not posted again within the hour"
    );

    // An hour after it was last posted, it is posted once more.
    clock.set(at("2030-05-18T11:11:00Z"));
    pages.send_modify(|_| {});
    let third = api.wait_for_messages(group, 3).await[2].clone();
    assert!(third.html.contains("Hall 4"), "{}", third.html);
    api.wait_for_calls("pinChatMessage", 3).await;
    cards.stop().await;
}

/// Rust Night (over at 18:40 on 18 May 2030) and Go Night a fortnight on.
fn two_events() -> Arc<Catalog> {
    let go = page(at("2030-06-01T18:00:00Z"), "Hall 7").replace("Rust Night", "Go Night");
    Arc::new(Catalog::new(vec![
        event("rust-night.md", &page(at("2030-05-18T18:00:00Z"), "Hall 1")),
        event("go-night.md", &go),
    ]))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_card_is_replaced_by_the_next_events_when_its_event_is_over() {
    let api = FakeBotApi::start().await;
    let dir = tempfile::tempdir().unwrap();
    let cards = Cards::start(&api, dir.path(), "2030-05-18T17:00:00Z", two_events());
    let group = support::fake_bot_api::Chat::Group(GROUP);

    let first = api.wait_for_messages(group, 1).await[0].clone();
    assert!(
        first.html.starts_with("<b>Rust Night</b>"),
        "{}",
        first.html
    );

    // Rust Night ends at 18:40; at the next look the card is Go Night's.
    cards.clock.set(at("2030-05-18T18:45:00Z"));
    cards.pages.send_modify(|_| {});
    let second = api.wait_for_messages(group, 2).await[1].clone();
    assert!(
        second.html.starts_with("<b>Go Night</b>"),
        "{}",
        second.html
    );
    assert!(second.html.contains("Hall 7"), "{}", second.html);
    assert!(second.silent(), "a new card makes no sound");
    let pins = api.wait_for_calls("pinChatMessage", 2).await;
    assert_eq!(pins[1].params["message_id"], second.message_id);
    let unpins = api.wait_for_calls("unpinChatMessage", 1).await;
    assert_eq!(
        unpins[0].params["message_id"], first.message_id,
        "the old card is unpinned"
    );
    assert_eq!(
        api.message_text(GROUP, first.message_id).as_deref(),
        Some(first.html.as_str()),
        "the old card is left as it was, not edited into the new one"
    );
    assert_eq!(api.count("editMessageText"), 0);
    cards.stop().await;
}
