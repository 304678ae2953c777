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

use std::collections::{HashMap, HashSet};
use std::future::Future;
use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use tokio::sync::watch;

use super::{turn, Input, Memory, Post};
use crate::clock::Clock;
use crate::config::{ChatTarget, Config};
use crate::events::Catalog;
use crate::render;
use crate::store::{Outcome, Store, StoreError};

/// A delivery that failed for a passing reason is tried again this soon…
const RETRY: Duration = Duration::seconds(30);
/// …this many times over, before it is given up on and logged as an error.
const ATTEMPTS: u32 = 5;

/// What became of one post's delivery.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Delivery {
    /// The Bot API accepted every message of the post.
    Accepted,
    /// The chat blocked herald, removed it, or does not exist.
    Gone(String),
    /// Anything else (network, server errors), after the deliverer's own
    /// retries: worth trying again later.
    Failed(String),
}

/// How posts reach chats.
pub trait Deliver: Send + Sync + 'static {
    /// Sends the messages of one post to one chat, in order.
    fn deliver(
        &self,
        chat: &ChatTarget,
        messages: &[String],
    ) -> impl Future<Output = Delivery> + Send;
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
    /// Chats that blocked herald or vanished, for the rest of this run.
    gone: HashSet<ChatTarget>,
    failures: HashMap<String, u32>,
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
                _ = stop.wait_for(|stop| *stop) => {}
            }
            if *stop.borrow() {
                return Ok(());
            }
        }
    }

    async fn start(&mut self) -> Result<State, StoreError> {
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
        let mut state = State {
            memory,
            from,
            catalog: self.catalog.borrow_and_update().clone(),
            configured,
            gone: HashSet::new(),
            failures: HashMap::new(),
        };
        self.observe(&mut state)?;
        tracing::info!(from = %from, "scheduler started");
        Ok(state)
    }

    fn observe(&self, state: &mut State) -> Result<(), StoreError> {
        let changed = state
            .memory
            .observe(state.catalog.events(), self.clock.now());
        self.store.record_seen(&state.memory, &changed)
    }

    /// Every chat posted to: configured ones, then subscribers, each once.
    fn chats(&self, state: &State) -> Result<Vec<ChatTarget>, StoreError> {
        let mut chats = state.configured.clone();
        for subscription in self.store.subscribers()? {
            let chat = ChatTarget::Id(subscription.chat);
            if !chats.contains(&chat) {
                chats.push(chat);
            }
        }
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
            self.store.record_post(post, Outcome::Skipped, &[], now)?;
        }
        let mut owed: Option<DateTime<Utc>> = None;
        for post in &planned.send {
            if *stop.borrow() {
                owed = Some(owed.map_or(post.due, |o| o.min(post.due)));
                continue;
            }
            if !self.send(state, post).await? {
                owed = Some(owed.map_or(post.due, |o| o.min(post.due)));
            }
        }
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
        let messages = render::post(post, events, self.config.language, self.config.timezone);
        if messages.is_empty() {
            return Ok(true);
        }
        let delivery = self.deliver.deliver(&post.chat, &messages).await;
        let now = self.clock.now();
        match delivery {
            Delivery::Accepted => {
                let told = state.memory.sent(post, events);
                self.store.record_post(post, Outcome::Sent, &told, now)?;
                tracing::info!(post = %post.key, chat = %post.chat, "posted");
                Ok(true)
            }
            Delivery::Gone(reason) => {
                self.gone(state, &post.chat, &reason)?;
                state.memory.skipped(post);
                self.store
                    .record_post(post, Outcome::Undeliverable, &[], now)?;
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
                    .record_post(post, Outcome::Undeliverable, &[], now)?;
                Ok(true)
            }
        }
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
