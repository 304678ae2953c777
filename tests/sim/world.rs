//! Plays a history against the real scheduler: `herald::schedule::runner::Runner`
//! on a real SQLite state file in a temporary folder, holding the real
//! lease, fed pages through the same watch channel the live library uses,
//! delivering through a fake Bot API that fails the ways Telegram does.
//!
//! Time: the runtime's clock is paused, so the runner's sleeps take no real
//! time, and [`SimClock`] (the runner's wall clock) is tokio's clock plus a
//! start date plus jumps. The driver jumps over the quiet stretches (never
//! past a moment something could fall due), which is how months take
//! milliseconds; around each such moment the runner runs on its own.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Duration, NaiveTime, TimeZone, Utc, Weekday};
use herald::clock::Clock;
use herald::config::{ChatTarget, Config};
use herald::events::load::{id_key, one_per_id, Served};
use herald::events::{parse, Catalog, Event, Parsed};
use herald::lang::Lang;
use herald::schedule::runner::{Deliver, Delivery, Outgoing, Pin, Runner};
use herald::store::{Author, Lease, LeaseError, NewAnnouncement, State, Store};
use tokio::sync::{watch, Notify};

use super::history::{Action, History, PageState, TALK_MINUTES};
use super::rng::Rng;

/// The runner's wall clock: tokio's (paused) clock from `origin`, plus jumps.
#[derive(Clone)]
pub struct SimClock(Arc<ClockInner>);

struct ClockInner {
    wall: DateTime<Utc>,
    origin: tokio::time::Instant,
    jumped: Mutex<Duration>,
}

impl SimClock {
    fn new(wall: DateTime<Utc>) -> SimClock {
        SimClock(Arc::new(ClockInner {
            wall,
            origin: tokio::time::Instant::now(),
            jumped: Mutex::new(Duration::zero()),
        }))
    }

    /// The wall clock moves on at once (a suspended machine, or the driver
    /// skipping a quiet stretch).
    fn jump(&self, by: Duration) {
        *self.0.jumped.lock().unwrap() += by;
    }
}

impl Clock for SimClock {
    fn now(&self) -> DateTime<Utc> {
        let ran = tokio::time::Instant::now() - self.0.origin;
        self.0.wall + *self.0.jumped.lock().unwrap() + Duration::from_std(ran).unwrap()
    }
}

/// What Telegram answered to one try of one message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    Accepted,
    RetryAfter(u64),
    Failed(&'static str),
    /// 400: a bad request, for this message.
    Refused,
    /// 403: the chat blocked the bot.
    Gone,
}

#[derive(Debug, Clone)]
pub struct Attempt {
    pub at: DateTime<Utc>,
    pub chat: i64,
    pub html: String,
    pub answer: Answer,
}

/// Everything that happened, for the checks.
#[derive(Debug, Default)]
pub struct Log {
    pub attempts: Vec<Attempt>,
    /// Each `kill -9`, with the message Telegram had accepted and herald
    /// had not yet recorded, if one was under way (an index into
    /// `attempts`).
    pub kills: Vec<(DateTime<Utc>, Option<usize>)>,
    /// Each page's states over time, the first at the history's start.
    pub pages: Vec<Vec<(DateTime<Utc>, PageState)>>,
    /// Every state a page was in, as herald read it.
    pub versions: HashMap<(usize, PageState), Event>,
    /// When a runner was running (from taking the lease to its end) …
    pub up: Vec<(DateTime<Utc>, DateTime<Utc>)>,
    /// … less the machine's suspensions.
    pub suspended: Vec<(DateTime<Utc>, DateTime<Utc>)>,
    /// Subscriptions as members changed them: (when, chat, subscribed).
    pub subscriptions: Vec<(DateTime<Utc>, i64, bool)>,
    pub blocked: Vec<(DateTime<Utc>, i64)>,
    /// Announcements: marker number, due.
    pub announcements: Vec<(usize, DateTime<Utc>)>,
    /// What went wrong outside the posts (the lease, a runner's end).
    pub problems: Vec<String>,
    pub end: DateTime<Utc>,
}

/// The fake Bot API, shared by every runner of one history.
#[derive(Clone)]
struct Fake(Arc<FakeInner>);

struct FakeInner {
    clock: SimClock,
    rng: Mutex<Rng>,
    attempts: Mutex<Vec<Attempt>>,
    blocked: Mutex<HashSet<i64>>,
    /// The message accepted whose answer is still on its way back.
    in_flight: Mutex<Option<usize>>,
    /// A kill waits for the next accept.
    armed: AtomicBool,
    accepted: Notify,
    last: Mutex<tokio::time::Instant>,
}

/// One try's time on the wire, each way.
const LATENCY: std::time::Duration = std::time::Duration::from_millis(40);
/// Tries per message inside the deliverer, as `TelegramDelivery` makes.
const TRIES: usize = 4;

impl Fake {
    fn answer(&self, chat: i64) -> Answer {
        if self.0.blocked.lock().unwrap().contains(&chat) {
            return Answer::Gone;
        }
        match self.0.rng.lock().unwrap().below(1000) {
            roll @ 0..=24 => Answer::RetryAfter(1 + roll % 20),
            25..=54 => Answer::Failed("502 Bad Gateway"),
            55..=74 => Answer::Failed("timed out before Telegram had it"),
            75..=76 => Answer::Refused,
            _ => Answer::Accepted,
        }
    }

    fn log(&self, chat: i64, html: &str, answer: Answer) -> usize {
        *self.0.last.lock().unwrap() = tokio::time::Instant::now();
        let mut attempts = self.0.attempts.lock().unwrap();
        attempts.push(Attempt {
            at: self.0.clock.now(),
            chat,
            html: html.to_string(),
            answer,
        });
        attempts.len() - 1
    }
}

impl Deliver for Fake {
    async fn deliver(&self, chat: &ChatTarget, message: &Outgoing) -> Delivery {
        let html = &message.html;
        let Some(chat) = chat.chat_id() else {
            panic!("the simulation names chats by id, got {chat}");
        };
        let mut pause = std::time::Duration::from_millis(500);
        let mut last = "";
        for _ in 0..TRIES {
            tokio::time::sleep(LATENCY).await;
            let answer = self.answer(chat);
            let index = self.log(chat, html, answer.clone());
            match answer {
                Answer::Accepted => {
                    *self.0.in_flight.lock().unwrap() = Some(index);
                    if self.0.armed.swap(false, Ordering::SeqCst) {
                        self.0.accepted.notify_one();
                    }
                    tokio::time::sleep(LATENCY).await;
                    *self.0.in_flight.lock().unwrap() = None;
                    return Delivery::Accepted(Pin::NotAsked);
                }
                Answer::RetryAfter(seconds) => {
                    tokio::time::sleep(std::time::Duration::from_secs(seconds)).await;
                }
                Answer::Failed(why) => {
                    tokio::time::sleep(pause).await;
                    pause *= 2;
                    last = why;
                }
                Answer::Refused => {
                    return Delivery::Refused("Bad Request: can't parse entities".into())
                }
                Answer::Gone => {
                    return Delivery::Gone("Forbidden: bot was blocked by the user".into())
                }
            }
        }
        Delivery::Failed(last.to_string())
    }

    async fn edit(&self, _chat: i64, _message: i32, _html: &str) {}

    async fn resolve(&self, _chat: &ChatTarget) -> Option<i64> {
        None
    }
}

/// One `herald run` process.
struct Instance {
    task: tokio::task::JoinHandle<()>,
    stop: watch::Sender<bool>,
    /// Its state file, once it holds the lease.
    store: Arc<Mutex<Option<Arc<Store>>>>,
    started: Arc<Mutex<Option<DateTime<Utc>>>>,
}

impl Instance {
    /// Whether it holds the lease (a standby is waiting for it).
    fn holds(&self) -> bool {
        self.store.lock().unwrap().is_some()
    }
}

/// What the driver does at a moment.
enum Item {
    Step(Action),
    /// The operator (or a supervisor) starts herald again.
    Restart,
    /// Nothing: a moment something may fall due, not to be jumped over.
    Wake,
}

/// A gap shorter than this is run through, not jumped.
const LEAD: Duration = Duration::seconds(65);
/// How long the runner must be idle before the driver jumps.
const QUIET: std::time::Duration = std::time::Duration::from_secs(70);

struct Driver {
    history: History,
    config: Config,
    path: PathBuf,
    clock: SimClock,
    fake: Fake,
    pages: watch::Sender<Arc<Catalog>>,
    states: Vec<PageState>,
    /// Whether each page has a duplicate beside it.
    impostors: Vec<bool>,
    /// Which file serves each slug, as herald's library keeps it.
    served: Served,
    log: Arc<Mutex<Log>>,
    running: Option<Instance>,
    standby: Option<Instance>,
    items: BTreeMap<(DateTime<Utc>, u64), Item>,
    sequence: u64,
    announced: usize,
}

/// Plays `history` to its end and returns what happened.
pub fn play(history: &History) -> Log {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .start_paused(true)
        .build()
        .unwrap();
    let dir = scratch();
    let log = runtime.block_on(async {
        let mut driver = Driver::new(history.clone(), dir.path());
        driver.run().await;
        driver.finish().await
    });
    runtime.shutdown_timeout(std::time::Duration::from_secs(5));
    log
}

/// A folder for the state file: in memory where the machine has
/// `/dev/shm`, since a disk's syncs (the file's creation, checkpoints, the
/// lease) would make up most of a history's time; still a real SQLite
/// file, with its WAL and locks.
fn scratch() -> tempfile::TempDir {
    let shm = Path::new("/dev/shm");
    let in_memory = shm
        .is_dir()
        .then(|| tempfile::tempdir_in(shm).ok())
        .flatten();
    in_memory.unwrap_or_else(|| tempfile::tempdir().unwrap())
}

impl Driver {
    fn new(history: History, dir: &Path) -> Driver {
        let config = Config::parse(Path::new("bot.toml"), &history.config()).unwrap();
        let clock = SimClock::new(history.start);
        let fake = Fake(Arc::new(FakeInner {
            clock: clock.clone(),
            rng: Mutex::new(Rng::new(history.seed ^ 0xFA17)),
            attempts: Mutex::new(Vec::new()),
            blocked: Mutex::new(HashSet::new()),
            in_flight: Mutex::new(None),
            armed: AtomicBool::new(false),
            accepted: Notify::new(),
            last: Mutex::new(tokio::time::Instant::now()),
        }));
        let states: Vec<PageState> = history.pages.iter().map(|p| p.initial()).collect();
        let log = Log {
            pages: states
                .iter()
                .map(|s| vec![(history.start, s.clone())])
                .collect(),
            ..Log::default()
        };
        let (pages, _) = watch::channel(Arc::new(Catalog::default()));
        let mut driver = Driver {
            config,
            path: dir.join("herald.db"),
            clock,
            fake,
            pages,
            impostors: vec![false; states.len()],
            states,
            served: Served::new(),
            log: Arc::new(Mutex::new(log)),
            running: None,
            standby: None,
            items: BTreeMap::new(),
            sequence: 0,
            announced: 0,
            history,
        };
        driver.publish();
        driver.schedule_all();
        driver
    }

    fn at(&mut self, at: DateTime<Utc>, item: Item) {
        self.sequence += 1;
        self.items.insert((at, self.sequence), item);
    }

    /// The steps, the first start, and every moment a post may fall due.
    fn schedule_all(&mut self) {
        let history = self.history.clone();
        self.at(history.first_run, Item::Restart);
        for step in &history.steps {
            if step.action.page().is_some() {
                // A change notice is due a minute after the edit.
                self.at(step.at + Duration::seconds(61), Item::Wake);
            }
            self.at(step.at, Item::Step(step.action.clone()));
        }
        let offsets: Vec<Duration> = self
            .config
            .schedule
            .reminders
            .iter()
            .map(|r| r.to_chrono())
            .collect();
        let talk_offsets: Vec<Duration> = self
            .config
            .schedule
            .talk_reminders
            .iter()
            .map(|r| r.to_chrono())
            .collect();
        for (n, page) in history.pages.iter().enumerate() {
            // Only the starts and talks the page ever has: each moment
            // costs a few minutes of the runner's time.
            let steps = history.steps.iter().map(|s| &s.action);
            let mut starts = vec![0];
            let mut talks: Vec<usize> = page.talks.iter().map(|(t, _)| *t).collect();
            for action in steps.filter(|a| a.page() == Some(n)) {
                match action {
                    Action::Move { to, .. } => starts.push(*to),
                    Action::AddTalk { talk, .. } => talks.push(*talk),
                    _ => {}
                }
            }
            for start in starts.iter().map(|s| &page.starts[*s]) {
                for offset in &offsets {
                    self.at(*start - *offset, Item::Wake);
                }
                for &talk in &talks {
                    let slot = *start + Duration::minutes(TALK_MINUTES * talk as i64);
                    for offset in &talk_offsets {
                        self.at(slot - *offset, Item::Wake);
                    }
                }
            }
        }
        for due in digest_moments(&history) {
            self.at(due, Item::Wake);
        }
        self.at(history.end, Item::Wake);
    }

    async fn run(&mut self) {
        while let Some(((at, _), item)) = self.items.pop_first() {
            self.reach(at).await;
            match item {
                Item::Step(action) => self.apply(action).await,
                Item::Restart => self.restart(),
                Item::Wake => {}
            }
        }
        self.reach(self.history.end + Duration::minutes(30)).await;
    }

    /// Moves time on to `at`: lets the runner finish what it is doing,
    /// jumps the quiet stretch, and runs the last minutes for real.
    async fn reach(&mut self, at: DateTime<Utc>) {
        let now = self.clock.now();
        if at - now > LEAD * 2 {
            self.settle().await;
            let now = self.clock.now();
            if at - now > LEAD {
                self.clock.jump(at - LEAD - now);
            }
        }
        let now = self.clock.now();
        if at > now {
            tokio::time::sleep((at - now).to_std().unwrap()).await;
        }
    }

    /// Runs until the fake Bot API has heard nothing for [`QUIET`]
    /// (bounded: an hour at most).
    async fn settle(&self) {
        tokio::time::sleep(QUIET).await;
        for _ in 0..60 {
            let last = *self.fake.0.last.lock().unwrap();
            if tokio::time::Instant::now() - last >= QUIET {
                return;
            }
            tokio::time::sleep(std::time::Duration::from_secs(60)).await;
        }
    }

    async fn apply(&mut self, action: Action) {
        let now = self.clock.now();
        if let Some(page) = action.page() {
            let next = self.states[page].apply(&action);
            if next != self.states[page] {
                self.states[page] = next.clone();
                self.log.lock().unwrap().pages[page].push((now, next));
                self.publish();
            }
            return;
        }
        match action {
            Action::Impostor { page } | Action::ImpostorGone { page } => {
                self.impostors[page] = matches!(action, Action::Impostor { .. });
                self.publish();
            }
            Action::Subscribe { chat } | Action::Unsubscribe { chat } => {
                let subscribe = matches!(action, Action::Subscribe { .. });
                // Members reach only a running bot.
                let Some(store) = self.store() else { return };
                let changed = if subscribe {
                    store.subscribe((chat, None), Some(chat as u64), Some(Lang::En), now)
                } else {
                    store.unsubscribe((chat, None))
                };
                if changed.unwrap() {
                    self.log
                        .lock()
                        .unwrap()
                        .subscriptions
                        .push((now, chat, subscribe));
                }
            }
            Action::Block { chat } => {
                self.fake.0.blocked.lock().unwrap().insert(chat);
                self.log.lock().unwrap().blocked.push((now, chat));
            }
            Action::Announce { number, after } => self.announce(number, now + after),
            Action::Kill { mid_send, down } => {
                if self.running.is_some() {
                    if mid_send {
                        self.fake.0.armed.store(true, Ordering::SeqCst);
                        let accepted = self.fake.0.accepted.notified();
                        let _ = tokio::time::timeout(std::time::Duration::from_secs(600), accepted)
                            .await;
                        self.fake.0.armed.store(false, Ordering::SeqCst);
                    }
                    self.kill().await;
                    let back = self.clock.now() + down;
                    self.at(back, Item::Restart);
                }
            }
            Action::Stop { down } => {
                if let Some(instance) = self.running.take() {
                    let _ = instance.stop.send(true);
                    let task = instance.task;
                    let stopped = tokio::time::timeout(std::time::Duration::from_secs(60), task);
                    if stopped.await.is_err() {
                        self.problem("a stopped runner was still running a minute later");
                    }
                    self.ended(&instance.started);
                    self.take_over();
                    let back = self.clock.now() + down;
                    self.at(back, Item::Restart);
                }
            }
            Action::Suspend { length } => {
                if self.running.is_some() {
                    self.log.lock().unwrap().suspended.push((now, now + length));
                    self.clock.jump(length);
                }
            }
            Action::Overlap => match Lease::take(&self.path) {
                Err(LeaseError::Held { .. }) => {}
                // A standby that took over this very moment may not hold the
                // lease yet: then the second run simply got there first.
                Ok(_) if !self.running.as_ref().is_some_and(Instance::holds) => {}
                Ok(_) => self.problem("a second herald run took the lease from a running one"),
                Err(error) => self.problem(&format!("lease: {error}")),
            },
            Action::Standby => {
                if self.running.is_none() {
                    self.running = Some(self.spawn(true));
                } else if self.standby.is_none() {
                    self.standby = Some(self.spawn(true));
                }
            }
            _ => unreachable!("page actions are applied above"),
        }
    }

    fn store(&self) -> Option<Arc<Store>> {
        self.running.as_ref()?.store.lock().unwrap().clone()
    }

    fn problem(&self, what: &str) {
        let at = self.clock.now();
        self.log
            .lock()
            .unwrap()
            .problems
            .push(format!("{at}: {what}"));
    }

    /// `herald announce --at`, from another process.
    fn announce(&mut self, number: u32, due: DateTime<Utc>) {
        self.announced += 1;
        let marker = self.announced;
        let store = Store::open(&self.path).unwrap();
        let new = NewAnnouncement {
            author: Author::Shell("sim".into()),
            html: format!("📢 <b>ANN-{marker}</b> news number {number}"),
            pin: false,
            lang: Lang::En,
            due: Some(due),
            state: State::Scheduled,
            held_until: None,
        };
        store.add_announcement(&new, self.clock.now()).unwrap();
        store.close().unwrap();
        self.log.lock().unwrap().announcements.push((marker, due));
        self.at(due, Item::Wake);
    }

    /// `kill -9` of the running herald: its task is dropped where it
    /// stands, and the OS lets go of its lease.
    async fn kill(&mut self) {
        let Some(instance) = self.running.take() else {
            return;
        };
        instance.task.abort();
        let _ = instance.task.await;
        let window = self.fake.0.in_flight.lock().unwrap().take();
        let now = self.clock.now();
        self.log.lock().unwrap().kills.push((now, window));
        self.ended(&instance.started);
        self.take_over();
    }

    fn ended(&self, started: &Mutex<Option<DateTime<Utc>>>) {
        if let Some(from) = *started.lock().unwrap() {
            let now = self.clock.now();
            self.log.lock().unwrap().up.push((from, now));
        }
    }

    fn take_over(&mut self) {
        self.running = self.standby.take();
    }

    /// herald starts again: as the running one, or as a standby where one
    /// took over meanwhile.
    fn restart(&mut self) {
        if self.running.is_none() {
            self.running = Some(self.spawn(false));
        } else if self.standby.is_none() {
            self.standby = Some(self.spawn(true));
        }
    }

    fn spawn(&self, standby: bool) -> Instance {
        let (stop, stopped) = watch::channel(false);
        let store = Arc::new(Mutex::new(None));
        let started = Arc::new(Mutex::new(None));
        let (slot, since) = (Arc::clone(&store), Arc::clone(&started));
        let (path, clock, fake) = (self.path.clone(), self.clock.clone(), self.fake.clone());
        let (config, catalog, log) = (
            self.config.clone(),
            self.pages.subscribe(),
            Arc::clone(&self.log),
        );
        let task = tokio::spawn(async move {
            let problem = |what: String| log.lock().unwrap().problems.push(what);
            let lease = if standby {
                // As `herald run --standby` does, a stop ends the wait.
                let mut stopping = stopped.clone();
                tokio::select! {
                    lease = Lease::wait(&path) => lease,
                    _ = stopping.wait_for(|stop| *stop) => return,
                }
            } else {
                Lease::take(&path)
            };
            let _lease = match lease {
                Ok(lease) => lease,
                Err(error) => return problem(format!("herald run could not start: {error}")),
            };
            let opened = match Store::open(&path) {
                Ok(store) => Arc::new(store),
                Err(error) => return problem(format!("herald run could not start: {error}")),
            };
            *slot.lock().unwrap() = Some(Arc::clone(&opened));
            *since.lock().unwrap() = Some(clock.now());
            let runner = Runner::new(fake, clock.clone(), opened, config, catalog);
            if let Err(error) = runner.run(stopped).await {
                problem(format!("{}: the runner ended: {error}", clock.now()));
            }
        });
        Instance {
            task,
            stop,
            store,
            started,
        }
    }

    /// The pages as they are now, to the runner, one per slug as herald's
    /// loader chooses: a duplicate beside a served page is an error and is
    /// not served.
    fn publish(&mut self) {
        let zone = self.history.zone;
        let mut events = Vec::new();
        let mut log = self.log.lock().unwrap();
        for (n, (page, state)) in self.history.pages.iter().zip(&self.states).enumerate() {
            let Some(markdown) = page.markdown(state, zone) else {
                continue;
            };
            let event = log
                .versions
                .entry((n, state.clone()))
                .or_insert_with(|| read(&page.slug, &markdown, zone))
                .clone();
            events.push(event);
            if self.impostors[n] {
                let copy = page.impostor().markdown(state, zone).expect("present");
                // After the page in path order, so that when both come back
                // at once the page is the one served, as its first.
                // (Slugs are `e0`, `e1`, …: `z-copy/` sorts after them.)
                let path = format!("z-copy/{}.md", page.slug);
                events.push(read_at(&path, &copy, zone));
            }
        }
        let copies = events.len();
        let mut diagnostics = Vec::new();
        let events = one_per_id(events, &self.served, &mut diagnostics);
        if diagnostics.len() != copies - events.len() {
            log.problems.push(format!(
                "{}: {} duplicate pages, but {} errors: {diagnostics:?}",
                self.clock.now(),
                copies - events.len(),
                diagnostics.len()
            ));
        }
        self.served = events
            .iter()
            .map(|event| (id_key(&event.id), event.file.clone()))
            .collect();
        self.pages.send_replace(Arc::new(Catalog::new(events)));
    }

    /// Lets the last posts go out, stops herald, and hands over the log.
    async fn finish(mut self) -> Log {
        self.settle().await;
        if let Some(instance) = self.running.take() {
            let _ = instance.stop.send(true);
            let _ = tokio::time::timeout(std::time::Duration::from_secs(60), instance.task).await;
            self.ended(&instance.started);
        }
        if let Some(standby) = self.standby.take() {
            standby.task.abort();
            let _ = standby.task.await;
        }
        let mut log = std::mem::take(&mut *self.log.lock().unwrap());
        log.attempts = std::mem::take(&mut *self.fake.0.attempts.lock().unwrap());
        log.end = self.clock.now();
        log
    }
}

/// A page as herald reads it.
pub fn read(slug: &str, markdown: &str, zone: chrono_tz::Tz) -> Event {
    read_at(&format!("{slug}.md"), markdown, zone)
}

fn read_at(path: &str, markdown: &str, zone: chrono_tz::Tz) -> Event {
    match parse(Path::new(path), markdown, zone) {
        Ok(Parsed::Event { event, .. }) => *event,
        other => panic!("the simulation wrote a page herald does not read: {other:?}\n{markdown}"),
    }
}

/// Each Sunday's 02:30 digest in the history's zone, from `catch_up` before
/// the history starts: the instant itself,
/// or, on a day that skips 02:30, the first instant after the gap. Both
/// readings of a repeated 02:30 are included.
pub fn digest_moments(history: &History) -> Vec<DateTime<Utc>> {
    let zone = history.zone;
    let mut out = Vec::new();
    let owed_from = history.start - Duration::minutes(history.catch_up_minutes);
    let mut day = owed_from.with_timezone(&zone).date_naive();
    while zone
        .from_utc_datetime(&day.and_hms_opt(0, 0, 0).unwrap())
        .with_timezone(&Utc)
        <= history.end + Duration::days(1)
    {
        if day.weekday_is(Weekday::Sun) {
            let local = day.and_time(NaiveTime::from_hms_opt(2, 30, 0).unwrap());
            match zone.from_local_datetime(&local) {
                chrono::LocalResult::Single(at) => out.push(at.with_timezone(&Utc)),
                chrono::LocalResult::Ambiguous(a, b) => {
                    out.push(a.with_timezone(&Utc));
                    out.push(b.with_timezone(&Utc));
                }
                chrono::LocalResult::None => {
                    let after = day.and_time(NaiveTime::from_hms_opt(3, 0, 0).unwrap());
                    if let Some(at) = zone.from_local_datetime(&after).earliest() {
                        out.push(at.with_timezone(&Utc));
                        out.push(at.with_timezone(&Utc) + Duration::minutes(30));
                    }
                }
            }
        }
        day = day.succ_opt().unwrap();
    }
    // A first start owes a digest that fell due within `catch_up` before it.
    out.retain(|at| *at >= owed_from && *at <= history.end);
    out
}

trait WeekdayIs {
    fn weekday_is(&self, day: Weekday) -> bool;
}

impl WeekdayIs for chrono::NaiveDate {
    fn weekday_is(&self, day: Weekday) -> bool {
        chrono::Datelike::weekday(self) == day
    }
}
