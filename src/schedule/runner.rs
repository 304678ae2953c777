//! The scheduler at work: plan, deliver what is due, record it, sleep until
//! the next post or a change of pages. Delivery, time and the state file
//! come in from outside ([`Deliver`], [`Clock`], [`ScheduleStore`]), so this
//! loop holds the whole exactly-once logic and nothing of Telegram or
//! SQLite.
//!
//! Exactly once: each message is recorded in the state file right after
//! the Bot API accepted it, and messages go out one at a time, so a post
//! split into several messages sends only what is left after a failure or
//! a crash. A crash between the accept and the record (a `kill -9`, a
//! power cut) can therefore repeat that one message, and nothing else; the
//! Bot API has no idempotency key that would close that window.
//!
//! Never dying: a state file that fails (disk full, a lock) is retried
//! with a growing pause, and what could not be written waits in order in
//! memory, so nothing done is forgotten or done twice. `/healthz` says so
//! meanwhile. Only a store unusable for longer than `catch_up` — after
//! which the posts it holds back are lost anyway — ends [`Runner::run`]
//! with the error, so the process exits and a supervisor restarts it.
//!
//! Announcements are posts like any other, one per chat; once every chat
//! had its try the announcement is done and its preview becomes the report.

use std::collections::{HashMap, HashSet, VecDeque};
use std::future::Future;
use std::path::Path;
use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use chrono_tz::Tz;
use tokio::sync::watch;

use super::private::is_private;
use super::topics::{event_topic, EventTopic};
use super::{announcement_posts, turn, Facts, Followers, Input, Memory, Post, Rules, Seen, What};
use crate::clock::Clock;
use crate::commands::{remind_button, Button};
use crate::config::{Chat, ChatTarget, Config};
use crate::events::{Catalog, Event, Poster};
use crate::health::{Condition, Health};
use crate::lang::Lang;
use crate::render;
use crate::store::{Delivered, Outcome, ScheduleStore, Store, StoreError};

/// A `herald announce` whose post failed tries again this soon.
const RETRY: Duration = Duration::seconds(30);
/// A post that keeps failing for a passing reason is given up on, and
/// logged as an error, after this many tries (with [`Backoff`] between).
const ATTEMPTS: u32 = 10;
/// How often the state file is checked for what another process wrote to
/// it (`herald announce`).
const POLL: std::time::Duration = std::time::Duration::from_secs(10);
/// The longest sleep: the wall clock is looked at again at least this
/// often, since a sleep on the monotonic clock does not count time the
/// machine spent suspended.
pub const WAKE_AT_LEAST: std::time::Duration = std::time::Duration::from_secs(60);
/// How long post records and what chats were told about past events are
/// kept (at least twice `catch_up`): see [`Store::prune`].
pub const KEEP: Duration = Duration::days(90);
/// How often the state file is pruned.
const PRUNE_EVERY: Duration = Duration::days(1);
/// How long a `herald announce` holds its announcement past each post: the
/// longest one post may take with Telegram's waits. The bot takes over an
/// announcement whose holder stopped renewing.
pub const HOLD: Duration = Duration::minutes(10);

/// What became of one message's delivery.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Delivery {
    /// The Bot API accepted the message.
    Accepted(Pin),
    /// The chat blocked herald, removed it, or does not exist.
    Gone(String),
    /// Telegram refused this message for what it is (a bad request): no
    /// retry would change that.
    Refused(String),
    /// Anything else (network, server errors), after the deliverer's own
    /// retries: worth trying again later.
    Failed(String),
}

/// Whether a post's first message was pinned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Pin {
    NotAsked,
    Pinned,
    /// Sent, but not pinned (herald may not pin there).
    Refused(String),
}

/// The details of a pinned post in the state file, and of one that was
/// not, before its reason.
const PINNED: &str = "pinned";
const NOT_PINNED: &str = "not pinned: ";

impl Pin {
    /// What the state file says of it.
    fn detail(&self) -> Option<String> {
        match self {
            Pin::NotAsked => None,
            Pin::Pinned => Some(PINNED.to_string()),
            Pin::Refused(reason) => Some(format!("{NOT_PINNED}{reason}")),
        }
    }

    /// How the pin of a post sent went, from the state file.
    pub fn of(delivered: &Delivered) -> Pin {
        match delivered.detail.as_deref() {
            Some(PINNED) => Pin::Pinned,
            Some(detail) => match detail.strip_prefix(NOT_PINNED) {
                Some(reason) => Pin::Refused(reason.to_string()),
                None => Pin::NotAsked,
            },
            None => Pin::NotAsked,
        }
    }
}

/// One message of a post, as its chat will see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outgoing {
    /// Telegram HTML.
    pub html: String,
    /// Pin it: a pinned post's first message.
    pub pin: bool,
    /// Rows of inline buttons (a talk reminder's 🔔), on a post's last
    /// message, where a reader's eye ends.
    pub buttons: Vec<Vec<Button>>,
    /// Sent without a sound (`disable_notification`): a reminder or notice
    /// inside the target's quiet hours.
    pub silent: bool,
    /// Sent as this poster, `html` its caption: an event's first post.
    pub photo: Option<Poster>,
    /// A reply to the poster sent just before it, in the same chat: the
    /// rest of a post whose first message is a poster. After a restart
    /// between the two, the rest goes out on its own.
    pub reply: bool,
    /// Sent into this event's own forum topic rather than to the target
    /// as it is (`[posts] topics = "per-event"`), where herald may open
    /// one; the deliverer decides where it can.
    pub topic: Option<EventTopic>,
}

/// How posts reach chats.
pub trait Deliver: Send + Sync + 'static {
    /// Sends one message of a post to one chat, and pins it if asked (a
    /// pinned post's first message). One message at a time, so the runner
    /// records each as it is accepted.
    fn deliver(
        &self,
        chat: &ChatTarget,
        message: &Outgoing,
    ) -> impl Future<Output = Delivery> + Send;
    /// Replaces a message herald sent (an announcement's preview, with its
    /// report). A failure is only logged: the report is also in the state
    /// file.
    fn edit(&self, chat: i64, message: i32, html: &str) -> impl Future<Output = ()> + Send;
    /// A public username's numeric id, so a chat written both ways in
    /// `bot.toml` and subscriptions is posted to once.
    fn resolve(&self, chat: &ChatTarget) -> impl Future<Output = Option<i64>> + Send;
}

/// Pauses between tries of what failed: doubling from `first`, at most
/// `most`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Backoff {
    pub first: std::time::Duration,
    pub most: std::time::Duration,
}

impl Default for Backoff {
    fn default() -> Backoff {
        Backoff {
            first: std::time::Duration::from_secs(1),
            most: std::time::Duration::from_secs(60),
        }
    }
}

impl Backoff {
    /// The pause after the `tries`th failure in a row.
    pub fn after(&self, tries: u32) -> std::time::Duration {
        let doubled = self
            .first
            .saturating_mul(1 << tries.saturating_sub(1).min(20));
        doubled.min(self.most)
    }
}

pub struct Runner<D, C, S: ?Sized = Store> {
    pub deliver: D,
    pub clock: C,
    pub store: Arc<S>,
    pub config: Config,
    pub catalog: watch::Receiver<Arc<Catalog>>,
    /// Where the scheduler says how it is, for `/healthz`.
    pub health: Health,
    pub backoff: Backoff,
}

/// A write the state file has not taken yet. Writes are made in order, and
/// one that failed is made again before anything after it.
enum Write {
    Post {
        post: Post,
        outcome: Outcome,
        detail: Option<String>,
        told: Vec<(String, Facts)>,
        at: DateTime<Utc>,
    },
    Part {
        post: Post,
        sent: usize,
        detail: Option<String>,
        at: DateTime<Utc>,
    },
    Seen(Vec<(String, Seen)>),
    Forget(ChatTarget),
    Unsubscribe((i64, Option<i32>)),
    ForgetMember(i64),
    PlannedUntil(DateTime<Utc>),
}

impl Write {
    fn apply<S: ScheduleStore + ?Sized>(&self, store: &S) -> Result<(), StoreError> {
        match self {
            Write::Post {
                post,
                outcome,
                detail,
                told,
                at,
            } => store.record_post(post, *outcome, detail.as_deref(), told, *at),
            Write::Part {
                post,
                sent,
                detail,
                at,
            } => store.record_part(post, *sent, detail.as_deref(), *at),
            Write::Seen(changed) => store.record_seen(changed),
            Write::Forget(chat) => store.forget_chat(chat),
            Write::Unsubscribe(chat) => store.unsubscribe(*chat).map(drop),
            Write::ForgetMember(member) => store.forget_member(*member).map(drop),
            Write::PlannedUntil(at) => store.set_planned_until(*at),
        }
    }
}

/// The loop's working state.
struct State {
    memory: Memory,
    from: DateTime<Utc>,
    catalog: Arc<Catalog>,
    /// The pages' sender is gone (nothing more will change).
    catalog_closed: bool,
    configured: Vec<ChatTarget>,
    /// `[routes]` and `[posts]` for the targets as posted to.
    rules: Rules,
    /// The chats whose language is known (their subscriber's), as of this
    /// turn; the others get `language` from `bot.toml`.
    languages: HashMap<ChatTarget, Lang>,
    /// Chats that blocked herald or vanished, for the rest of this run.
    gone: HashSet<ChatTarget>,
    failures: HashMap<String, u32>,
    /// Long posts part-way out: messages accepted, the first one's pin.
    parts: HashMap<String, (usize, Option<String>)>,
    /// Writes the state file has not taken yet, oldest first.
    pending: VecDeque<Write>,
    /// The state file's version as of the last look for other writers,
    /// and the last post record read.
    version: i64,
    seq: i64,
    pruned: Option<DateTime<Utc>>,
    /// What members follow, as read at a [`ScheduleStore::follows_version`]
    /// and a [`State::version`] (another process may have written them).
    followers: Option<((u64, i64), Arc<Followers>)>,
    /// Why nothing got through in the last turn that tried to post.
    undeliverable: Option<String>,
}

/// A run of store failures.
struct Trouble {
    since: Option<DateTime<Utc>>,
    tries: u32,
}

impl<D: Deliver, C: Clock> Runner<D, C, Store> {
    /// A runner on the SQLite state file, healthy by default, with the
    /// usual pauses.
    pub fn new(
        deliver: D,
        clock: C,
        store: Arc<Store>,
        config: Config,
        catalog: watch::Receiver<Arc<Catalog>>,
    ) -> Self {
        Runner::on(deliver, clock, store, config, catalog)
    }
}

impl<D: Deliver, C: Clock, S: ScheduleStore + ?Sized> Runner<D, C, S> {
    /// A runner on any store.
    pub fn on(
        deliver: D,
        clock: C,
        store: Arc<S>,
        config: Config,
        catalog: watch::Receiver<Arc<Catalog>>,
    ) -> Self {
        Runner {
            deliver,
            clock,
            store,
            config,
            catalog,
            health: Health::default(),
            backoff: Backoff::default(),
        }
    }

    /// Runs until `stop` turns true (a post under way is finished first),
    /// or until the state file has been unusable for longer than
    /// `catch_up`: that error is returned, for the process to exit on.
    pub async fn run(mut self, mut stop: watch::Receiver<bool>) -> Result<(), StoreError> {
        let mut trouble = Trouble {
            since: None,
            tries: 0,
        };
        let mut state = loop {
            match self.start().await {
                Ok(state) => break state,
                Err(error) => {
                    if !self.wait_out(&mut trouble, error, &mut stop).await? {
                        return Ok(());
                    }
                }
            }
        };
        tracing::info!(from = %state.from, "scheduler started");
        loop {
            let cycled = match self.cycle(&mut state, &stop).await {
                Ok(wake) => {
                    self.well(&mut trouble, &state);
                    self.idle(&mut state, wake, &mut stop).await
                }
                Err(error) => Err(error),
            };
            if let Err(error) = cycled {
                if !self.wait_out(&mut trouble, error, &mut stop).await? {
                    return Ok(());
                }
            }
            if stopping(&stop) {
                return Ok(());
            }
        }
    }

    /// Writes left over, pruning now and then, and one turn; returns when
    /// to look again.
    async fn cycle(
        &mut self,
        state: &mut State,
        stop: &watch::Receiver<bool>,
    ) -> Result<DateTime<Utc>, StoreError> {
        self.flush(state).await?;
        self.prune(state).await?;
        self.turn(state, stop).await
    }

    /// Sleeps until `wake` (a minute at most), new pages, an announcement
    /// or another process's write, or the stop.
    async fn idle(
        &mut self,
        state: &mut State,
        wake: DateTime<Utc>,
        stop: &mut watch::Receiver<bool>,
    ) -> Result<(), StoreError> {
        let sleep = nap(self.clock.now(), wake);
        let store = Arc::clone(&self.store);
        tokio::select! {
            () = tokio::time::sleep(sleep) => {}
            changed = self.catalog.changed(), if !state.catalog_closed => {
                match changed {
                    Ok(()) => {
                        state.catalog = self.catalog.borrow_and_update().clone();
                        self.observe(state).await?;
                    }
                    Err(_) => state.catalog_closed = true,
                }
            }
            () = store.announced().notified() => {}
            written = written_elsewhere(&store, state.version) => {
                state.version = written?;
                // What a `herald announce` posted, should it stop before
                // it is done and this runner take over: read since the
                // last look, not whole.
                let seq = state.seq;
                let (keys, last) = call(&self.store, move |s| s.posts_after(seq)).await?;
                state.seq = last;
                state.memory.done.extend(keys);
            }
            () = stopped(stop) => {}
        }
        Ok(())
    }

    /// A turn went through: the store is well again, and the health says
    /// whether posts get through.
    fn well(&self, trouble: &mut Trouble, state: &State) {
        if let Some(since) = trouble.since.take() {
            tracing::info!(%since, "the state file is usable again");
        }
        trouble.tries = 0;
        self.health.scheduler(match &state.undeliverable {
            None => Condition::Alive,
            Some(reason) => Condition::Trouble(format!("posts are not getting through: {reason}")),
        });
    }

    /// The store failed: says so, and waits before the next try. Ok(false)
    /// if a stop came meanwhile; the error itself once the store has been
    /// failing for longer than `catch_up`.
    async fn wait_out(
        &self,
        trouble: &mut Trouble,
        error: StoreError,
        stop: &mut watch::Receiver<bool>,
    ) -> Result<bool, StoreError> {
        if error.fenced() {
            tracing::error!(%error, "another herald leads the scheduler now: stopping");
            return Err(error);
        }
        let now = self.clock.now();
        let since = *trouble.since.get_or_insert(now);
        self.health
            .scheduler(Condition::Trouble(format!("state file: {error}")));
        if now - since > self.config.schedule.catch_up.to_chrono() {
            tracing::error!(%error, %since, "the state file has been unusable for longer than catch_up: stopping, for a supervisor to restart herald");
            return Err(error);
        }
        trouble.tries += 1;
        let pause = self.backoff.after(trouble.tries);
        tracing::warn!(%error, retry_in = ?pause, "the state file failed; the scheduler tries again");
        tokio::select! {
            () = tokio::time::sleep(pause) => Ok(!stopping(stop)),
            () = stopped(stop) => Ok(false),
        }
    }

    async fn start(&mut self) -> Result<State, StoreError> {
        let mut state = self.state().await?;
        state.catalog = self.catalog.borrow_and_update().clone();
        self.observe(&mut state).await?;
        Ok(state)
    }

    /// The working state from the state file and the config.
    async fn state(&self) -> Result<State, StoreError> {
        // The last record first: what is written after it is read again
        // later, whatever `memory` saw of it.
        let seq = call(&self.store, |s| s.last_post()).await?;
        let memory = call(&self.store, |s| s.memory()).await?;
        let parts = call(&self.store, |s| s.parts()).await?;
        let planned = call(&self.store, |s| s.planned_until()).await?;
        let version = call(&self.store, |s| s.data_version()).await?;
        let now = self.clock.now();
        // A first start (a new state file) owes what fell due within
        // `catch_up` before it, digests as well as reminders, like any start
        // after downtime.
        let first = now - self.config.schedule.catch_up.to_chrono();
        let from = planned.unwrap_or(first).min(now);
        let mut configured = Vec::new();
        let mut keys = HashMap::new();
        for chat in &self.config.telegram.chats {
            let key = match &chat.chat {
                Chat::Username(name) => {
                    let whole = ChatTarget::from(chat.chat.clone());
                    self.chat_key(&whole, name).await?.in_topic(chat.topic)
                }
                Chat::Id(_) => chat.clone(),
            };
            keys.insert(chat.clone(), key.clone());
            if !configured.contains(&key) {
                configured.push(key);
            }
        }
        let rules = Rules::new(&self.config, |target| {
            keys.get(target).cloned().unwrap_or_else(|| target.clone())
        });
        Ok(State {
            memory,
            from,
            catalog: self.catalog.borrow().clone(),
            catalog_closed: false,
            configured,
            rules,
            languages: HashMap::new(),
            gone: HashSet::new(),
            failures: HashMap::new(),
            parts,
            pending: VecDeque::new(),
            version,
            seq,
            pruned: None,
            followers: None,
            undeliverable: None,
        })
    }

    /// The key a `@name` chat is posted under, settled once for good: the
    /// id it resolved to, or the name itself if posts went out under it
    /// (its `getChat` failed then). Until settled, a failed `getChat`
    /// posts by name, and the name is then its key.
    async fn chat_key(&self, chat: &ChatTarget, name: &str) -> Result<ChatTarget, StoreError> {
        let username = name.to_string();
        if let Some(key) = call(&self.store, move |s| s.chat_key(&username)).await? {
            return Ok(key);
        }
        let named = chat.clone();
        let key = if call(&self.store, move |s| s.has_history(&named)).await? {
            chat.clone()
        } else {
            match self.deliver.resolve(chat).await {
                Some(id) => ChatTarget::id(id),
                None => return Ok(chat.clone()),
            }
        };
        let (username, settled, now) = (name.to_string(), key.clone(), self.clock.now());
        call(&self.store, move |s| {
            s.set_chat_key(&username, &settled, now)
        })
        .await?;
        tracing::info!(chat = name, key = %key, "chat key settled");
        Ok(key)
    }

    async fn observe(&self, state: &mut State) -> Result<(), StoreError> {
        let changed = state
            .memory
            .observe(state.catalog.events(), self.clock.now());
        if changed.is_empty() {
            return Ok(());
        }
        self.write(state, Write::Seen(changed)).await
    }

    /// Queues a write and makes every write queued, in order.
    async fn write(&self, state: &mut State, write: Write) -> Result<(), StoreError> {
        state.pending.push_back(write);
        self.flush(state).await
    }

    async fn flush(&self, state: &mut State) -> Result<(), StoreError> {
        while let Some(write) = state.pending.pop_front() {
            let (write, written) = call(&self.store, move |s| {
                let written = write.apply(s);
                Ok((write, written))
            })
            .await?;
            if let Err(error) = written {
                state.pending.push_front(write);
                return Err(error);
            }
        }
        Ok(())
    }

    /// Once a day, forgets what is long past (see [`KEEP`]), and reloads
    /// the memory so it stays as small as the file.
    async fn prune(&self, state: &mut State) -> Result<(), StoreError> {
        let now = self.clock.now();
        if state.pruned.is_some_and(|at| now - at < PRUNE_EVERY) || !state.pending.is_empty() {
            return Ok(());
        }
        let keep = KEEP.max(self.config.schedule.catch_up.to_chrono() * 2);
        let pruned = call(&self.store, move |s| s.prune(now, keep)).await?;
        state.pruned = Some(now);
        if pruned.posts > 0 || pruned.events > 0 {
            tracing::info!(
                posts = pruned.posts,
                events = pruned.events,
                "forgot history older than {} days",
                keep.num_days()
            );
            state.memory = call(&self.store, |s| s.memory()).await?;
            state.parts = call(&self.store, |s| s.parts()).await?;
        }
        Ok(())
    }

    /// Every chat posted to: configured ones, then subscribers, each once.
    async fn chats(&self, state: &State) -> Result<Vec<ChatTarget>, StoreError> {
        let configured = state.configured.clone();
        let mut chats = call(&self.store, move |s| s.targets(&configured)).await?;
        chats.retain(|chat| !state.gone.contains(chat));
        Ok(chats)
    }

    /// What members follow, read again only when it changed. Members who
    /// blocked herald during this run are left out.
    async fn followers(&self, state: &mut State) -> Result<Arc<Followers>, StoreError> {
        let version = (self.store.follows_version(), state.version);
        if let Some((read, followers)) = &state.followers {
            if *read == version {
                return Ok(Arc::clone(followers));
            }
        }
        let mut followers = call(&self.store, |s| s.followers()).await?;
        followers
            .members
            .retain(|f| !state.gone.contains(&ChatTarget::id(f.member)));
        let followers = Arc::new(followers);
        state.followers = Some((version, Arc::clone(&followers)));
        Ok(followers)
    }

    /// One turn; returns when to look again.
    async fn turn(
        &self,
        state: &mut State,
        stop: &watch::Receiver<bool>,
    ) -> Result<DateTime<Utc>, StoreError> {
        let now = self.clock.now();
        let chats = self.chats(state).await?;
        let (languages, owed) = call(&self.store, |s| {
            Ok((s.languages()?, s.owed_announcements()?))
        })
        .await?;
        state.languages = languages;
        state.memory.announcements = owed;
        let followers = self.followers(state).await?;
        let schedule = &self.config.schedule;
        let planned = turn(&Input {
            events: state.catalog.events(),
            schedule,
            tz: self.config.timezone,
            chats: &chats,
            followers: &followers,
            rules: &state.rules,
            memory: &state.memory,
            now,
            from: state.from,
            until: now,
        });
        for post in planned.skip {
            tracing::warn!(post = %post.key, due = %post.due, "skipped: fell due more than catch_up ago");
            state.memory.skipped(&post);
            let skipped = Write::Post {
                post,
                outcome: Outcome::Skipped,
                detail: None,
                told: Vec::new(),
                at: now,
            };
            self.write(state, skipped).await?;
        }
        let mut owed: Option<DateTime<Utc>> = None;
        let mut retry: Option<std::time::Duration> = None;
        let mut unfinished = HashSet::new();
        let (mut through, mut failed) = (false, None);
        for post in &planned.send {
            let sent = if stopping(stop) {
                Sent::Owed
            } else {
                self.send(state, post).await?
            };
            let done = matches!(sent, Sent::Done);
            match sent {
                Sent::Done => through = true,
                Sent::Failed(reason) => {
                    let tries = state.failures.get(&post.key).copied().unwrap_or(1);
                    let pause = self.backoff.after(tries);
                    retry = Some(retry.map_or(pause, |r| r.min(pause)));
                    failed = Some(reason);
                }
                Sent::Owed => {}
            }
            if !done {
                owed = Some(owed.map_or(post.due, |o| o.min(post.due)));
                unfinished.extend(post.announcement());
            }
        }
        if through || failed.is_some() {
            state.undeliverable = if through { None } else { failed };
        }
        self.finish_announcements(state, now, &unfinished).await?;
        // Timed posts due before `from` are never planned again, so `from`
        // stays at the oldest post still owed.
        state.from = owed.unwrap_or(now).min(now);
        self.write(state, Write::PlannedUntil(state.from)).await?;
        let retry = retry.map(|pause| now + Duration::from_std(pause).unwrap_or(RETRY));
        Ok(match (owed, retry) {
            (Some(_), Some(retry)) => planned.wake.min(retry),
            (Some(_), None) => planned.wake.min(now + RETRY),
            (None, _) => planned.wake,
        })
    }

    /// Delivers what is left of one post, message by message, recording
    /// each as it is accepted, and records what became of the post.
    async fn send(&self, state: &mut State, post: &Post) -> Result<Sent, StoreError> {
        let catalog = Arc::clone(&state.catalog);
        let events = catalog.events();
        let lang = state.languages.get(&post.chat).copied();
        let lang = lang.unwrap_or(self.config.language);
        let zone = self.config.timezone;
        let silent = state.rules.silent(post, self.clock.now(), zone);
        let poster = (state.rules.posts(&post.chat).poster)
            .then(|| first_poster(post, events, &state.memory))
            .flatten();
        let topic = event_topic(post, events, &state.rules);
        let mut messages = outgoing(post, events, poster, lang, zone, silent);
        for message in &mut messages {
            message.topic.clone_from(&topic);
        }
        if messages.is_empty() {
            return Ok(Sent::Done);
        }
        let (mut sent, mut detail) = state.parts.get(&post.key).cloned().unwrap_or_default();
        let kind = kind(&post.what);
        while sent < messages.len() {
            let delivery = self.deliver.deliver(&post.chat, &messages[sent]).await;
            let now = self.clock.now();
            let reason = match delivery {
                Delivery::Accepted(pinned) => {
                    if sent == 0 {
                        detail = pinned.detail();
                    }
                    sent += 1;
                    if sent < messages.len() {
                        state.parts.insert(post.key.clone(), (sent, detail.clone()));
                        let part = Write::Part {
                            post: post.clone(),
                            sent,
                            detail: detail.clone(),
                            at: now,
                        };
                        self.write(state, part).await?;
                    }
                    continue;
                }
                Delivery::Gone(reason) => {
                    metrics::counter!("herald_posts_total", "kind" => kind, "outcome" => "gone")
                        .increment(1);
                    self.gone(state, &post.chat, &reason).await?;
                    state.memory.skipped(post);
                    self.give_up(state, post, reason, now).await?;
                    return Ok(Sent::Done);
                }
                Delivery::Refused(reason) => {
                    tracing::error!(post = %post.key, chat = %post.chat, %reason, "Telegram refused the post; it is not tried again");
                    reason
                }
                Delivery::Failed(reason) => {
                    let attempts = state.failures.entry(post.key.clone()).or_default();
                    *attempts += 1;
                    if *attempts < ATTEMPTS {
                        tracing::warn!(post = %post.key, chat = %post.chat, %reason, attempt = *attempts, "delivery failed; will retry");
                        metrics::counter!("herald_posts_total", "kind" => kind, "outcome" => "retried")
                            .increment(1);
                        return Ok(Sent::Failed(reason));
                    }
                    tracing::error!(post = %post.key, chat = %post.chat, %reason, "delivery failed {ATTEMPTS} times; giving up on this post");
                    reason
                }
            };
            metrics::counter!("herald_posts_total", "kind" => kind, "outcome" => "failed")
                .increment(1);
            state.failures.remove(&post.key);
            state.memory.skipped(post);
            self.give_up(state, post, reason, now).await?;
            return Ok(Sent::Done);
        }
        let now = self.clock.now();
        state.parts.remove(&post.key);
        state.failures.remove(&post.key);
        let told = state.memory.sent(post, events);
        let record = Write::Post {
            post: post.clone(),
            outcome: Outcome::Sent,
            detail,
            told,
            at: now,
        };
        self.write(state, record).await?;
        metrics::counter!("herald_posts_total", "kind" => kind, "outcome" => "sent").increment(1);
        let late = (now - post.due).num_milliseconds().max(0) as f64 / 1000.0;
        metrics::gauge!("herald_scheduler_lag_seconds").set(late);
        tracing::info!(post = %post.key, chat = %post.chat, messages = messages.len(), "posted");
        Ok(Sent::Done)
    }

    /// A post that will not be delivered: recorded so, never tried again.
    async fn give_up(
        &self,
        state: &mut State,
        post: &Post,
        reason: String,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        state.parts.remove(&post.key);
        let record = Write::Post {
            post: post.clone(),
            outcome: Outcome::Undeliverable,
            detail: Some(reason),
            told: Vec::new(),
            at: now,
        };
        self.write(state, record).await
    }

    /// Announcements due whose every chat had its try are done: recorded
    /// so, and reported where their author previewed them.
    async fn finish_announcements(
        &self,
        state: &mut State,
        now: DateTime<Utc>,
        unfinished: &HashSet<i64>,
    ) -> Result<(), StoreError> {
        let finished: Vec<i64> = state
            .memory
            .announcements
            .iter()
            .filter(|a| a.due <= now && !a.held(now))
            .map(|a| a.id)
            .filter(|id| !unfinished.contains(id))
            .collect();
        state
            .memory
            .announcements
            .retain(|a| !finished.contains(&a.id));
        for id in finished {
            self.finish(id, now).await?;
        }
        Ok(())
    }

    async fn finish(&self, id: i64, now: DateTime<Utc>) -> Result<(), StoreError> {
        let Some(record) = call(&self.store, move |s| s.finish_announcement(id, now)).await? else {
            return Ok(());
        };
        let deliveries = call(&self.store, move |s| s.deliveries(id)).await?;
        let sent = deliveries
            .iter()
            .filter(|d| d.outcome == Outcome::Sent)
            .count();
        tracing::info!(
            announcement = id,
            sent,
            chats = deliveries.len(),
            "announcement done"
        );
        if let Some((chat, message)) = record.report_to {
            let report = render::announcement_report(id, &deliveries, record.lang);
            self.deliver.edit(chat, message, &report).await;
        }
        Ok(())
    }

    /// `herald announce`: posts announcement `id` to every chat now and
    /// returns what each got. The announcement is held while this runs, so a
    /// bot running on the same state file keeps off it; were this process
    /// to die, the bot finishes it once the hold runs out.
    pub async fn announce(&self, id: i64) -> Result<Vec<Delivered>, StoreError> {
        let mut state = self.state().await?;
        let owed = state.memory.announcements.iter().find(|a| a.id == id);
        if let Some(announcement) = owed.cloned() {
            loop {
                let chats = self.chats(&state).await?;
                let tz = self.config.timezone;
                let mut posts = announcement_posts(&announcement, &chats, &state.rules, tz);
                posts.retain(|post| !state.memory.done.contains(&post.key));
                let mut left = false;
                for post in &posts {
                    let until = self.clock.now() + HOLD;
                    call(&self.store, move |s| s.hold_announcement(id, until)).await?;
                    left |= !matches!(self.send(&mut state, post).await?, Sent::Done);
                }
                if !left {
                    break;
                }
                tokio::time::sleep(RETRY.to_std().unwrap_or_default()).await;
            }
            self.finish(id, self.clock.now()).await?;
        }
        call(&self.store, move |s| s.deliveries(id)).await
    }

    /// Reported once: the chat is unsubscribed and posted to no more.
    async fn gone(
        &self,
        state: &mut State,
        chat: &ChatTarget,
        reason: &str,
    ) -> Result<(), StoreError> {
        if !state.gone.insert(chat.clone()) {
            return Ok(());
        }
        tracing::warn!(%chat, %reason, "chat unreachable: it is unsubscribed and gets no more posts");
        if let Chat::Id(id) = chat.chat {
            self.write(state, Write::Unsubscribe((id, chat.topic)))
                .await?;
            // A member who blocked herald is forgotten, as `/forget` would.
            if super::private::is_private(chat) {
                self.write(state, Write::ForgetMember(id)).await?;
            }
        }
        state.memory.forget_chat(chat);
        self.write(state, Write::Forget(chat.clone())).await
    }
}

/// What became of one post this turn.
enum Sent {
    /// Sent, or given up on: not owed any more.
    Done,
    /// Failed for a passing reason: tried again after a pause.
    Failed(String),
    /// Not tried (a stop came).
    Owed,
}

/// A post's messages as its chat will see them. A talk reminder carries
/// the talk's 🔔, so a member in the group can follow it from there; in the
/// follower's own chat it shows as followed, and undoes.
/// With a poster, the post's first message is the poster, captioned, and
/// its text follows as a reply.
fn outgoing(
    post: &Post,
    events: &[Event],
    poster: Option<&Event>,
    lang: Lang,
    zone: Tz,
    silent: bool,
) -> Vec<Outgoing> {
    let texts = render::post(post, events, lang, zone);
    if texts.is_empty() {
        return Vec::new();
    }
    let last = texts.len().saturating_sub(1);
    let buttons = reminder_button(post, events, lang);
    let photo = poster.and_then(|event| {
        Some(Outgoing {
            html: render::caption(event, lang, zone),
            pin: post.pin(),
            silent,
            buttons: Vec::new(),
            photo: Some(event.poster.clone()?),
            reply: false,
            topic: None,
        })
    });
    let first = photo.is_none();
    let texts = texts.into_iter().enumerate().map(|(n, html)| Outgoing {
        html,
        pin: first && post.pin() && n == 0,
        silent,
        buttons: match (&buttons, n == last) {
            (Some(button), true) => vec![vec![button.clone()]],
            _ => Vec::new(),
        },
        photo: None,
        reply: !first,
        topic: None,
    });
    photo.into_iter().chain(texts).collect()
}

/// The event whose poster opens this post: a digest's or an event
/// reminder's first event with a poster that the chat was told nothing
/// of yet, so each chat sees an event's poster once, on its first post.
fn first_poster<'a>(post: &Post, events: &'a [Event], memory: &Memory) -> Option<&'a Event> {
    let ids: Vec<&str> = match &post.what {
        What::Digest { events, .. } => events.iter().map(String::as_str).collect(),
        What::Reminder { event, .. } => vec![event.as_str()],
        _ => return None,
    };
    ids.into_iter()
        .filter(|id| memory.told(id, &post.chat).is_none())
        .find_map(|id| events.iter().find(|e| e.id == id && e.poster.is_some()))
}

fn reminder_button(post: &Post, events: &[Event], lang: Lang) -> Option<Button> {
    let What::TalkReminder { event, talk, .. } = &post.what else {
        return None;
    };
    let event = events.iter().find(|e| &e.id == event)?;
    let talk = event.talks().nth(*talk)?;
    remind_button(event, talk, is_private(&post.chat), lang)
}

/// The `kind` label of `herald_posts_total`.
fn kind(what: &What) -> &'static str {
    match what {
        What::Digest { .. } => "digest",
        What::Reminder { .. } => "reminder",
        What::TalkReminder { .. } => "talk_reminder",
        What::Change { .. } => "change",
        What::Cancellation { .. } => "cancellation",
        What::Recording { .. } => "recording",
        What::Announcement(_) => "announcement",
    }
}

/// A store call, off the async workers: it may block on the disk.
async fn call<S, T, F>(store: &Arc<S>, f: F) -> Result<T, StoreError>
where
    S: ScheduleStore + ?Sized,
    T: Send + 'static,
    F: FnOnce(&S) -> Result<T, StoreError> + Send + 'static,
{
    let store = Arc::clone(store);
    match tokio::task::spawn_blocking(move || f(&store)).await {
        Ok(result) => result,
        Err(error) if error.is_panic() => std::panic::resume_unwind(error.into_panic()),
        Err(_) => Err(StoreError::unusable(
            Path::new("state file"),
            "the runtime is shutting down",
        )),
    }
}

/// Returns once another process has written to the state file since
/// `version`, with the file's new version.
async fn written_elsewhere<S: ScheduleStore + ?Sized>(
    store: &Arc<S>,
    version: i64,
) -> Result<i64, StoreError> {
    loop {
        tokio::time::sleep(POLL).await;
        let now = call(store, |s| s.data_version()).await?;
        if now != version {
            return Ok(now);
        }
    }
}

/// How long to sleep at `now` for `wake`: never more than
/// [`WAKE_AT_LEAST`], so a suspended machine's lost time is noticed.
fn nap(now: DateTime<Utc>, wake: DateTime<Utc>) -> std::time::Duration {
    (wake - now).to_std().unwrap_or_default().min(WAKE_AT_LEAST)
}

/// A stop was asked for, or whoever could ask is gone.
fn stopping(stop: &watch::Receiver<bool>) -> bool {
    *stop.borrow() || stop.has_changed().is_err()
}

async fn stopped(stop: &mut watch::Receiver<bool>) {
    let _ = stop.wait_for(|stop| *stop).await;
}

#[cfg(test)]
mod tests;
