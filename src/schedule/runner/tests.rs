//! The real runner on a real SQLite file, with a scripted delivery and a
//! store that can be made to fail: what chats receive and what the state
//! file and `/healthz` say are what is checked. Every wait is bounded.

use std::collections::{HashMap, VecDeque};
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Mutex;

use chrono::SecondsFormat;

use super::*;
use crate::clock::SystemClock;
use crate::events::{parse, Event, Parsed};
use crate::schedule::Announcement;
use crate::store::{Pruned, Record};

/// What a scripted delivery does with one call.
#[derive(Clone)]
enum Script {
    Answer(Delivery),
    /// Never returns: the process dies here.
    Hang,
}

/// Accepts every message unless its script says otherwise, call by call.
#[derive(Clone, Default)]
struct Fake {
    inner: Arc<FakeInner>,
}

#[derive(Default)]
struct FakeInner {
    script: Mutex<VecDeque<Option<Script>>>,
    accepted: Mutex<Vec<(ChatTarget, String)>>,
    calls: AtomicUsize,
    resolves: Mutex<HashMap<String, i64>>,
    /// Runs once, right after the first message is accepted.
    after_first: Mutex<Option<Box<dyn FnOnce() + Send>>>,
}

impl Fake {
    /// Call `n` (from 1) follows `script`; the others are accepted.
    fn at(self, n: usize, script: Script) -> Fake {
        let mut queue = self.inner.script.lock().unwrap();
        while queue.len() < n {
            queue.push_back(None);
        }
        queue[n - 1] = Some(script);
        drop(queue);
        self
    }

    fn resolving(self, name: &str, id: i64) -> Fake {
        self.inner
            .resolves
            .lock()
            .unwrap()
            .insert(name.to_string(), id);
        self
    }

    fn after_first(self, then: impl FnOnce() + Send + 'static) -> Fake {
        *self.inner.after_first.lock().unwrap() = Some(Box::new(then));
        self
    }

    fn accepted(&self) -> Vec<(ChatTarget, String)> {
        self.inner.accepted.lock().unwrap().clone()
    }

    fn calls(&self) -> usize {
        self.inner.calls.load(Ordering::SeqCst)
    }
}

impl Deliver for Fake {
    async fn deliver(&self, chat: &ChatTarget, message: &Outgoing) -> Delivery {
        let html = &message.html;
        self.inner.calls.fetch_add(1, Ordering::SeqCst);
        let script = self.inner.script.lock().unwrap().pop_front().flatten();
        match script {
            Some(Script::Hang) => std::future::pending().await,
            Some(Script::Answer(delivery)) if delivery != Delivery::Accepted(Pin::NotAsked) => {
                delivery
            }
            _ => {
                let sent = (chat.clone(), html.to_string());
                self.inner.accepted.lock().unwrap().push(sent);
                if let Some(then) = self.inner.after_first.lock().unwrap().take() {
                    then();
                }
                Delivery::Accepted(Pin::NotAsked)
            }
        }
    }

    async fn edit(&self, _chat: i64, _message: i32, _html: &str) {}

    async fn resolve(&self, chat: &ChatTarget) -> Option<i64> {
        let resolves = self.inner.resolves.lock().unwrap();
        resolves.get(&chat.to_string()).copied()
    }
}

/// The SQLite store, failing every call while `failing`, or for the next
/// `fail_next` calls.
struct Flaky {
    inner: Store,
    failing: AtomicBool,
    fail_next: AtomicUsize,
    failed: AtomicUsize,
}

impl Flaky {
    fn new(path: &Path) -> Flaky {
        Flaky {
            inner: Store::open(path).unwrap(),
            failing: AtomicBool::new(false),
            fail_next: AtomicUsize::new(0),
            failed: AtomicUsize::new(0),
        }
    }

    fn gate(&self) -> Result<(), StoreError> {
        let once = self
            .fail_next
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
            .is_ok();
        if once || self.failing.load(Ordering::SeqCst) {
            self.failed.fetch_add(1, Ordering::SeqCst);
            return Err(StoreError::unusable(
                Path::new("herald.db"),
                "disk I/O error",
            ));
        }
        Ok(())
    }
}

impl ScheduleStore for Flaky {
    fn followers(&self) -> Result<crate::schedule::Followers, StoreError> {
        self.gate()?;
        self.inner.followers()
    }
    fn follows_version(&self) -> u64 {
        self.inner.follows_version()
    }
    fn forget_member(&self, member: i64) -> Result<bool, StoreError> {
        self.gate()?;
        self.inner.forget_member(member)
    }
    fn memory(&self) -> Result<Memory, StoreError> {
        self.gate()?;
        self.inner.memory()
    }
    fn last_post(&self) -> Result<i64, StoreError> {
        self.gate()?;
        self.inner.last_post()
    }
    fn posts_after(&self, seq: i64) -> Result<(Vec<String>, i64), StoreError> {
        self.gate()?;
        self.inner.posts_after(seq)
    }
    fn data_version(&self) -> Result<i64, StoreError> {
        self.gate()?;
        self.inner.data_version()
    }
    fn announced(&self) -> &tokio::sync::Notify {
        ScheduleStore::announced(&self.inner)
    }
    fn parts(&self) -> Result<HashMap<String, (usize, Option<String>)>, StoreError> {
        self.gate()?;
        self.inner.parts()
    }
    fn record_part(
        &self,
        post: &Post,
        sent: usize,
        detail: Option<&str>,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        self.gate()?;
        self.inner.record_part(post, sent, detail, at)
    }
    fn record_post(
        &self,
        post: &Post,
        outcome: Outcome,
        detail: Option<&str>,
        told: &[(String, Facts)],
        at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        self.gate()?;
        self.inner.record_post(post, outcome, detail, told, at)
    }
    fn record_seen(&self, changed: &[(String, Seen)]) -> Result<(), StoreError> {
        self.gate()?;
        self.inner.record_seen(changed)
    }
    fn forget_chat(&self, chat: &ChatTarget) -> Result<(), StoreError> {
        self.gate()?;
        self.inner.forget_chat(chat)
    }
    fn unsubscribe(&self, chat: (i64, Option<i32>)) -> Result<bool, StoreError> {
        self.gate()?;
        self.inner.unsubscribe(chat)
    }
    fn planned_until(&self) -> Result<Option<DateTime<Utc>>, StoreError> {
        self.gate()?;
        self.inner.planned_until()
    }
    fn set_planned_until(&self, at: DateTime<Utc>) -> Result<(), StoreError> {
        self.gate()?;
        self.inner.set_planned_until(at)
    }
    fn prune(&self, now: DateTime<Utc>, keep: Duration) -> Result<Pruned, StoreError> {
        self.gate()?;
        self.inner.prune(now, keep)
    }
    fn targets(&self, configured: &[ChatTarget]) -> Result<Vec<ChatTarget>, StoreError> {
        self.gate()?;
        self.inner.targets(configured)
    }
    fn languages(&self) -> Result<HashMap<ChatTarget, Lang>, StoreError> {
        self.gate()?;
        self.inner.languages()
    }
    fn chat_key(&self, username: &str) -> Result<Option<ChatTarget>, StoreError> {
        self.gate()?;
        self.inner.chat_key(username)
    }
    fn set_chat_key(
        &self,
        username: &str,
        key: &ChatTarget,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        self.gate()?;
        self.inner.set_chat_key(username, key, at)
    }
    fn has_history(&self, chat: &ChatTarget) -> Result<bool, StoreError> {
        self.gate()?;
        self.inner.has_history(chat)
    }
    fn owed_announcements(&self) -> Result<Vec<Arc<Announcement>>, StoreError> {
        self.gate()?;
        self.inner.owed_announcements()
    }
    fn finish_announcement(
        &self,
        id: i64,
        at: DateTime<Utc>,
    ) -> Result<Option<Record>, StoreError> {
        self.gate()?;
        self.inner.finish_announcement(id, at)
    }
    fn hold_announcement(&self, id: i64, until: DateTime<Utc>) -> Result<(), StoreError> {
        self.gate()?;
        self.inner.hold_announcement(id, until)
    }
    fn deliveries(&self, id: i64) -> Result<Vec<Delivered>, StoreError> {
        self.gate()?;
        self.inner.deliveries(id)
    }
}

fn page(name: &str, title: &str, start: DateTime<Utc>) -> Event {
    let src = format!(
        "---\ntitle: \"{title}\"\ndate: {}\nlocation: Hall 1\n---\n",
        start.to_rfc3339_opts(SecondsFormat::Millis, true)
    );
    match parse(Path::new(name), &src, chrono_tz::UTC) {
        Ok(Parsed::Event { event, .. }) => *event,
        other => panic!("{other:?}"),
    }
}

/// One event whose "2h" reminder falls due in a second (planning looks
/// forward from the runner's start).
fn due_now() -> Vec<Event> {
    let start = Utc::now() + Duration::hours(2) + Duration::seconds(1);
    vec![page("launch.md", "Launch", start)]
}

fn config(chats: &str, digest: &str, catch_up: &str) -> Config {
    let src = format!(
        "timezone = \"UTC\"\nlanguage = \"en\"\n[telegram]\nchats = {chats}\n[schedule]\n\
         digest = \"{digest}\"\nreminders = [\"2h\"]\ntalk_reminders = []\ncatch_up = \"{catch_up}\"\n"
    );
    Config::parse(Path::new("bot.toml"), &src).unwrap()
}

const NO_DIGEST: &str = "0 0 10 1 1 *";

struct Started {
    stop: watch::Sender<bool>,
    task: tokio::task::JoinHandle<Result<(), StoreError>>,
    health: Health,
    _pages: watch::Sender<Arc<Catalog>>,
}

fn start<S: ScheduleStore>(
    deliver: Fake,
    store: Arc<S>,
    config: Config,
    events: Vec<Event>,
) -> Started {
    let (pages, catalog) = watch::channel(Arc::new(Catalog::new(events)));
    let (stop, stopped) = watch::channel(false);
    let mut runner = Runner::on(deliver, SystemClock, store, config, catalog);
    runner.backoff = Backoff {
        first: std::time::Duration::from_millis(10),
        most: std::time::Duration::from_millis(40),
    };
    let health = runner.health.clone();
    // Only the scheduler's part is under test.
    health.updates(Condition::Off);
    let task = tokio::spawn(runner.run(stopped));
    Started {
        stop,
        task,
        health,
        _pages: pages,
    }
}

impl Started {
    async fn stop(self) {
        self.stop.send(true).unwrap();
        let ran = tokio::time::timeout(std::time::Duration::from_secs(5), self.task).await;
        ran.expect("stops promptly").unwrap().unwrap();
    }
}

/// Polls `check` every 5 ms for at most 5 s.
async fn until(what: &str, mut check: impl FnMut() -> bool) {
    for _ in 0..1000 {
        if check() {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
    panic!("gave up waiting for {what}");
}

/// A digest that fell due 30 s ago, of five events with long titles: it
/// goes out as three messages.
fn long_digest(dir: &Path) -> (Config, Vec<Event>, Vec<String>) {
    let due = Utc::now() - Duration::seconds(30);
    let cron = due.format("%S %M %H %d %m *").to_string();
    let config = config("[-100]", &cron, "1h");
    let events: Vec<Event> = (1..=5)
        .map(|n| {
            let title = format!("Event {n} {}", "long title words ".repeat(95));
            page(&format!("e{n}.md"), &title, due + Duration::days(3))
        })
        .collect();
    let store = Store::open(&dir.join("herald.db")).unwrap();
    store.set_planned_until(due - Duration::minutes(1)).unwrap();
    store.close().unwrap();
    let post = Post {
        key: String::new(),
        due,
        chat: ChatTarget::id(-100),
        what: What::Digest {
            at: due,
            events: events.iter().map(|e| e.id.clone()).collect(),
        },
    };
    let messages = render::post(&post, &events, Lang::En, chrono_tz::UTC);
    assert_eq!(messages.len(), 3, "the digest is three messages");
    (config, events, messages)
}

fn texts(accepted: &[(ChatTarget, String)]) -> Vec<String> {
    accepted.iter().map(|(_, html)| html.clone()).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_long_post_failing_on_its_third_message_sends_only_the_third_again() {
    let dir = tempfile::tempdir().unwrap();
    let (config, events, messages) = long_digest(dir.path());
    let fake = Fake::default().at(3, Script::Answer(Delivery::Failed("502".into())));
    let store = Arc::new(Store::open(&dir.path().join("herald.db")).unwrap());
    let started = start(fake.clone(), Arc::clone(&store), config, events);
    until("the third message, retried", || fake.accepted().len() >= 3).await;
    until("the digest recorded", || {
        store.parts().unwrap().is_empty() && store.done_keys().unwrap().len() == 1
    })
    .await;
    started.stop().await;
    assert_eq!(
        texts(&fake.accepted()),
        messages,
        "each message once, in order"
    );
    assert_eq!(fake.calls(), 4, "only the third was sent again");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_long_post_killed_between_messages_sends_only_what_is_left_after_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let (config, events, messages) = long_digest(dir.path());
    let first = Fake::default().at(3, Script::Hang);
    let store = Arc::new(Store::open(&dir.path().join("herald.db")).unwrap());
    let started = start(first.clone(), store, config.clone(), events.clone());
    until("the third message under way", || first.calls() == 3).await;
    // As `kill -9` would: the runner is dropped mid-send, no tidying up.
    started.task.abort();
    let _ = started.task.await;
    assert_eq!(texts(&first.accepted()), messages[..2]);

    let second = Fake::default();
    let store = Arc::new(Store::open(&dir.path().join("herald.db")).unwrap());
    let restarted = start(second.clone(), Arc::clone(&store), config, events);
    until("the rest of the digest", || !second.accepted().is_empty()).await;
    until("the digest recorded", || store.parts().unwrap().is_empty()).await;
    restarted.stop().await;
    assert_eq!(texts(&second.accepted()), messages[2..], "only the third");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_scheduler_outlives_a_failing_store_and_says_so_on_health() {
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(Flaky::new(&dir.path().join("herald.db")));
    // The disk fails once the first chat has its reminder: the record of
    // what Telegram accepted waits in memory.
    let failing = Arc::clone(&store);
    let fake = Fake::default().after_first(move || failing.failing.store(true, Ordering::SeqCst));
    let config = config("[-1, -2]", NO_DIGEST, "1h");
    let started = start(fake.clone(), Arc::clone(&store), config, due_now());
    until("the failure reported", || {
        started
            .health
            .report()
            .is_err_and(|reason| reason.contains("disk I/O error"))
    })
    .await;
    until("a few retries", || store.failed.load(Ordering::SeqCst) >= 3).await;
    store.failing.store(false, Ordering::SeqCst);
    until("both chats told", || fake.accepted().len() >= 2).await;
    until("healthy again", || started.health.report().is_ok()).await;
    until("both recorded", || {
        store.inner.done_keys().unwrap().len() == 2
    })
    .await;
    let chats: Vec<ChatTarget> = fake.accepted().into_iter().map(|(c, _)| c).collect();
    assert_eq!(chats, [ChatTarget::id(-1), ChatTarget::id(-2)], "once each");
    assert!(!started.task.is_finished(), "the scheduler lives on");
    started.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_store_failing_at_start_then_mid_record_loses_and_repeats_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(Flaky::new(&dir.path().join("herald.db")));
    store.fail_next.store(4, Ordering::SeqCst);
    let fake = Fake::default();
    let started = start(
        fake.clone(),
        Arc::clone(&store),
        config("[-7]", NO_DIGEST, "1h"),
        due_now(),
    );
    until("the reminder", || !fake.accepted().is_empty()).await;
    until("recorded", || store.inner.done_keys().unwrap().len() == 1).await;
    started.stop().await;
    assert_eq!(fake.accepted().len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_store_unusable_for_longer_than_catch_up_ends_the_run_with_its_error() {
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(Flaky::new(&dir.path().join("herald.db")));
    store.failing.store(true, Ordering::SeqCst);
    let started = start(
        Fake::default(),
        Arc::clone(&store),
        config("[-1]", NO_DIGEST, "1s"),
        due_now(),
    );
    let ran = tokio::time::timeout(std::time::Duration::from_secs(5), started.task)
        .await
        .expect("gives up after catch_up")
        .unwrap();
    let error = ran.unwrap_err().to_string();
    assert!(error.contains("disk I/O error"), "{error}");
    let health = started.health.report().unwrap_err();
    assert!(health.starts_with("scheduler: state file: "), "{health}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_username_keeps_the_key_it_was_first_posted_under() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("herald.db");
    let config = config("[\"@launches\"]", NO_DIGEST, "1h");
    let events = due_now();
    // getChat fails at the first start: posted by name.
    let first = Fake::default();
    let store = Arc::new(Store::open(&path).unwrap());
    let started = start(
        first.clone(),
        Arc::clone(&store),
        config.clone(),
        events.clone(),
    );
    until("the reminder", || !first.accepted().is_empty()).await;
    until("recorded", || store.done_keys().unwrap().len() == 1).await;
    started.stop().await;
    assert_eq!(first.accepted()[0].0, ChatTarget::username("@launches"));

    // It resolves now, but the key stays: nothing is posted twice.
    let second = Fake::default().resolving("@launches", -1009);
    let started = start(second.clone(), Arc::clone(&store), config, events);
    until("settled", || store.chat_key("@launches").unwrap().is_some()).await;
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    started.stop().await;
    assert_eq!(second.calls(), 0, "{:?}", second.accepted());
    assert_eq!(
        store.chat_key("@launches").unwrap(),
        Some(ChatTarget::username("@launches"))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_resolved_username_keeps_its_id_when_get_chat_fails_later() {
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(Store::open(&dir.path().join("herald.db")).unwrap());
    let config = config("[\"@launches\"]", NO_DIGEST, "1h");
    let mut events = due_now();
    let first = Fake::default().resolving("@launches", -1009);
    let started = start(
        first.clone(),
        Arc::clone(&store),
        config.clone(),
        events.clone(),
    );
    until("the reminder", || !first.accepted().is_empty()).await;
    until("recorded", || store.done_keys().unwrap().len() == 1).await;
    started.stop().await;
    assert_eq!(first.accepted()[0].0, ChatTarget::id(-1009));

    // A later event; getChat now fails, and the id is still the key.
    events.push(page(
        "next.md",
        "Next",
        Utc::now() + Duration::hours(2) + Duration::seconds(1),
    ));
    let second = Fake::default();
    let started = start(second.clone(), Arc::clone(&store), config, events);
    until("the next reminder", || !second.accepted().is_empty()).await;
    started.stop().await;
    assert_eq!(second.accepted()[0].0, ChatTarget::id(-1009));
}

#[test]
fn a_long_wait_is_taken_a_minute_at_a_time() {
    assert_eq!(WAKE_AT_LEAST, std::time::Duration::from_secs(60));
    let now = Utc::now();
    assert_eq!(nap(now, now + Duration::days(1)), WAKE_AT_LEAST);
    assert_eq!(
        nap(now, now + Duration::seconds(5)),
        std::time::Duration::from_secs(5)
    );
    assert_eq!(
        nap(now, now - Duration::seconds(5)),
        std::time::Duration::ZERO
    );
}

#[test]
fn pauses_double_up_to_the_cap() {
    let backoff = Backoff::default();
    let secs = |tries| backoff.after(tries).as_secs();
    assert_eq!([1, 2, 3, 6, 7, 8, 40].map(secs), [1, 2, 4, 32, 60, 60, 60]);
}

#[test]
fn a_digest_opens_with_the_first_poster_its_chat_has_not_seen() {
    use crate::events::catalog::fixtures::event;
    let poster = |name: &str| Poster {
        file: format!("/events/{name}/featured.jpg").into(),
        bytes: 1,
        modified: 0,
    };
    let mut plain = event("plain", "No poster", "2031-03-10 18:00").build();
    plain.poster = None;
    let mut seen = event("seen", "Seen", "2031-03-11 18:00").build();
    seen.poster = Some(poster("seen"));
    let mut fresh = event("fresh", "Fresh", "2031-03-12 18:00").build();
    fresh.poster = Some(poster("fresh"));
    let events = vec![plain, seen.clone(), fresh];
    let chat = ChatTarget::id(-1001);
    let mut memory = Memory::default();
    memory.tell("seen", &chat, Facts::of(&seen));
    let digest = Post {
        key: "digest".into(),
        due: Utc::now(),
        chat: chat.clone(),
        what: What::Digest {
            at: Utc::now(),
            events: vec!["plain".into(), "seen".into(), "fresh".into()],
        },
    };
    let chosen = first_poster(&digest, &events, &memory).map(|e| e.id.as_str());
    assert_eq!(chosen, Some("fresh"));
    let messages = outgoing(
        &digest,
        &events,
        chosen.and(events.get(2)),
        Lang::En,
        Tz::UTC,
        false,
    );
    assert!(messages[0].photo.is_some() && !messages[0].reply);
    assert!(
        messages[0].html.starts_with("<b>Fresh</b>"),
        "{}",
        messages[0].html
    );
    assert!(messages[1..].iter().all(|m| m.photo.is_none() && m.reply));
    assert!(
        messages[1].html.contains("No poster"),
        "the whole digest follows"
    );
    memory.tell("fresh", &chat, Facts::of(&events[2]));
    assert_eq!(
        first_poster(&digest, &events, &memory),
        None,
        "every poster seen"
    );
    let elsewhere = Post {
        chat: ChatTarget::id(-1002),
        ..digest
    };
    assert_eq!(
        first_poster(&elsewhere, &events, &memory).map(|e| e.id.as_str()),
        Some("seen"),
        "each chat sees each poster once"
    );
}
