//! The scheduler at work: plan, deliver what is due, record it, sleep until
//! the next post or a change of pages. Delivery and time come in from
//! outside ([`Deliver`], [`Clock`]), so this loop holds the whole
//! exactly-once logic and nothing of Telegram.
//!
//! Exactly once: a post is recorded in the state file right after the Bot
//! API accepted it, and posts go out one at a time. A crash between the
//! accept and the record (a `kill -9`, a power cut) can therefore repeat
//! that one post, and nothing else; the Bot API has no idempotency key that
//! would close that window.
//!
//! Announcements are posts like any other, one per chat; once every chat
//! had its try the announcement is done and its preview becomes the report.

use std::collections::{HashMap, HashSet};
use std::future::Future;
use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use tokio::sync::watch;

use super::{announcement_posts, turn, Input, Memory, Post};
use crate::clock::Clock;
use crate::config::{ChatTarget, Config};
use crate::events::Catalog;
use crate::lang::Lang;
use crate::render;
use crate::store::{Delivered, Outcome, Store, StoreError};

/// A delivery that failed for a passing reason is tried again this soon…
const RETRY: Duration = Duration::seconds(30);
/// …this many times over, before it is given up on and logged as an error.
const ATTEMPTS: u32 = 5;
/// How often the state file is checked for what another process wrote to
/// it (`herald announce`).
const POLL: std::time::Duration = std::time::Duration::from_secs(10);
/// How long a `herald announce` holds its announcement past each post: the
/// longest one post may take with Telegram's waits. The bot takes over an
/// announcement whose holder stopped renewing.
pub const HOLD: Duration = Duration::minutes(10);

/// What became of one post's delivery.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Delivery {
    /// The Bot API accepted every message of the post.
    Accepted(Pin),
    /// The chat blocked herald, removed it, or does not exist.
    Gone(String),
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

/// How posts reach chats.
pub trait Deliver: Send + Sync + 'static {
    /// Sends the messages of one post to one chat, in order, and pins the
    /// first if asked.
    fn deliver(
        &self,
        chat: &ChatTarget,
        messages: &[String],
        pin: bool,
    ) -> impl Future<Output = Delivery> + Send;
    /// Replaces a message herald sent (an announcement's preview, with its
    /// report). A failure is only logged: the report is also in the state
    /// file.
    fn edit(&self, chat: i64, message: i32, html: &str) -> impl Future<Output = ()> + Send;
    /// A public username's numeric id, so a chat written both ways in
    /// `bot.toml` and subscriptions is posted to once.
    fn resolve(&self, chat: &ChatTarget) -> impl Future<Output = Option<i64>> + Send;
}

pub struct Runner<D, C> {
    pub deliver: D,
    pub clock: C,
    pub store: Arc<Store>,
    pub config: Config,
    pub catalog: watch::Receiver<Arc<Catalog>>,
}

/// The loop's working state.
struct State {
    memory: Memory,
    from: DateTime<Utc>,
    catalog: Arc<Catalog>,
    configured: Vec<ChatTarget>,
    /// The chats whose language is known (their subscriber's), as of this
    /// turn; the others get `language` from `bot.toml`.
    languages: HashMap<ChatTarget, Lang>,
    /// Chats that blocked herald or vanished, for the rest of this run.
    gone: HashSet<ChatTarget>,
    failures: HashMap<String, u32>,
    /// The state file's version as of the last look for other writers.
    version: i64,
}

impl<D: Deliver, C: Clock> Runner<D, C> {
    /// Runs until `stop` turns true; a post under way is finished first.
    pub async fn run(mut self, mut stop: watch::Receiver<bool>) -> Result<(), StoreError> {
        let mut state = self.start().await?;
        loop {
            let wake = self.turn(&mut state, &stop).await?;
            let sleep = (wake - self.clock.now()).to_std().unwrap_or_default();
            tokio::select! {
                () = tokio::time::sleep(sleep) => {}
                changed = self.catalog.changed() => {
                    if changed.is_ok() {
                        state.catalog = self.catalog.borrow_and_update().clone();
                        self.observe(&mut state)?;
                    }
                }
                () = self.store.announced() => {}
                written = written_elsewhere(&self.store, state.version) => {
                    state.version = written?;
                    // What a `herald announce` posted, should it stop
                    // before it is done and this runner take over.
                    state.memory.done.extend(self.store.done_keys()?);
                }
                _ = stop.wait_for(|stop| *stop) => {}
            }
            if *stop.borrow() {
                return Ok(());
            }
        }
    }

    async fn start(&mut self) -> Result<State, StoreError> {
        let mut state = self.state().await?;
        state.catalog = self.catalog.borrow_and_update().clone();
        self.observe(&mut state)?;
        tracing::info!(from = %state.from, "scheduler started");
        Ok(state)
    }

    /// The working state from the state file and the config.
    async fn state(&self) -> Result<State, StoreError> {
        let memory = self.store.memory()?;
        let now = self.clock.now();
        let from = self.store.planned_until()?.unwrap_or(now).min(now);
        let mut configured = Vec::new();
        for chat in &self.config.telegram.chats {
            let resolved = match chat {
                ChatTarget::Username(_) => self.deliver.resolve(chat).await.map(ChatTarget::Id),
                ChatTarget::Id(_) => None,
            };
            let chat = resolved.unwrap_or_else(|| chat.clone());
            if !configured.contains(&chat) {
                configured.push(chat);
            }
        }
        Ok(State {
            memory,
            from,
            catalog: self.catalog.borrow().clone(),
            configured,
            languages: HashMap::new(),
            gone: HashSet::new(),
            failures: HashMap::new(),
            version: self.store.data_version()?,
        })
    }

    fn observe(&self, state: &mut State) -> Result<(), StoreError> {
        let changed = state
            .memory
            .observe(state.catalog.events(), self.clock.now());
        self.store.record_seen(&state.memory, &changed)
    }

    /// Every chat posted to: configured ones, then subscribers, each once.
    fn chats(&self, state: &State) -> Result<Vec<ChatTarget>, StoreError> {
        let mut chats = self.store.targets(&state.configured)?;
        chats.retain(|chat| !state.gone.contains(chat));
        Ok(chats)
    }

    /// One turn; returns when to look again.
    async fn turn(
        &self,
        state: &mut State,
        stop: &watch::Receiver<bool>,
    ) -> Result<DateTime<Utc>, StoreError> {
        let now = self.clock.now();
        let chats = self.chats(state)?;
        state.languages = self.store.languages()?;
        state.memory.announcements = self.store.owed_announcements()?;
        let schedule = &self.config.schedule;
        let planned = turn(&Input {
            events: state.catalog.events(),
            schedule,
            tz: self.config.timezone,
            chats: &chats,
            memory: &state.memory,
            now,
            from: state.from,
            until: now,
        });
        for post in &planned.skip {
            tracing::warn!(post = %post.key, due = %post.due, "skipped: fell due more than catch_up ago");
            state.memory.skipped(post);
            self.store
                .record_post(post, Outcome::Skipped, None, &[], now)?;
        }
        let mut owed: Option<DateTime<Utc>> = None;
        let mut unfinished = HashSet::new();
        for post in &planned.send {
            if *stop.borrow() || !self.send(state, post).await? {
                owed = Some(owed.map_or(post.due, |o| o.min(post.due)));
                unfinished.extend(post.announcement());
            }
        }
        self.finish_announcements(state, now, &unfinished).await?;
        // Timed posts due before `from` are never planned again, so `from`
        // stays at the oldest post still owed.
        state.from = owed.unwrap_or(now).min(now);
        self.store.set_planned_until(state.from)?;
        Ok(match owed {
            Some(_) => planned.wake.min(now + RETRY),
            None => planned.wake,
        })
    }

    /// Delivers one post and records what became of it; false if it is
    /// still owed.
    async fn send(&self, state: &mut State, post: &Post) -> Result<bool, StoreError> {
        let events = state.catalog.events();
        let lang = state.languages.get(&post.chat).copied();
        let lang = lang.unwrap_or(self.config.language);
        let messages = render::post(post, events, lang, self.config.timezone);
        if messages.is_empty() {
            return Ok(true);
        }
        let delivery = self
            .deliver
            .deliver(&post.chat, &messages, post.pin())
            .await;
        let now = self.clock.now();
        match delivery {
            Delivery::Accepted(pin) => {
                let told = state.memory.sent(post, events);
                let detail = pin.detail();
                self.store
                    .record_post(post, Outcome::Sent, detail.as_deref(), &told, now)?;
                tracing::info!(post = %post.key, chat = %post.chat, "posted");
                Ok(true)
            }
            Delivery::Gone(reason) => {
                self.gone(state, &post.chat, &reason)?;
                state.memory.skipped(post);
                self.store
                    .record_post(post, Outcome::Undeliverable, Some(&reason), &[], now)?;
                Ok(true)
            }
            Delivery::Failed(reason) => {
                let attempts = state.failures.entry(post.key.clone()).or_default();
                *attempts += 1;
                if *attempts < ATTEMPTS {
                    tracing::warn!(post = %post.key, chat = %post.chat, %reason, attempt = *attempts, "delivery failed; will retry");
                    return Ok(false);
                }
                tracing::error!(post = %post.key, chat = %post.chat, %reason, "delivery failed {ATTEMPTS} times; giving up on this post");
                state.memory.skipped(post);
                self.store
                    .record_post(post, Outcome::Undeliverable, Some(&reason), &[], now)?;
                Ok(true)
            }
        }
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
        let Some(record) = self.store.finish_announcement(id, now)? else {
            return Ok(());
        };
        let deliveries = self.store.deliveries(id)?;
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
                let chats = self.chats(&state)?;
                let mut posts = announcement_posts(&announcement, &chats);
                posts.retain(|post| !state.memory.done.contains(&post.key));
                let mut left = false;
                for post in &posts {
                    self.store.hold_announcement(id, self.clock.now() + HOLD)?;
                    left |= !self.send(&mut state, post).await?;
                }
                if !left {
                    break;
                }
                tokio::time::sleep(RETRY.to_std().unwrap_or_default()).await;
            }
            self.finish(id, self.clock.now()).await?;
        }
        self.store.deliveries(id)
    }

    /// Reported once: the chat is unsubscribed and posted to no more.
    fn gone(&self, state: &mut State, chat: &ChatTarget, reason: &str) -> Result<(), StoreError> {
        if !state.gone.insert(chat.clone()) {
            return Ok(());
        }
        tracing::warn!(%chat, %reason, "chat unreachable: it is unsubscribed and gets no more posts");
        if let ChatTarget::Id(id) = chat {
            self.store.unsubscribe(*id)?;
        }
        state.memory.forget_chat(chat);
        self.store.forget_chat(chat)
    }
}

/// Returns once another process has written to the state file since
/// `version`, with the file's new version.
async fn written_elsewhere(store: &Store, version: i64) -> Result<i64, StoreError> {
    loop {
        tokio::time::sleep(POLL).await;
        let now = store.data_version()?;
        if now != version {
            return Ok(now);
        }
    }
}
