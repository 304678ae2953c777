//! The live card on Telegram: beside the scheduler, a task that keeps one
//! pinned message per `live_card` target showing the next event. What to
//! do is [`crate::schedule::card::decide`]'s; this task renders the card,
//! asks, applies the answer and keeps the outcome in the state file.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use teloxide::prelude::*;
use teloxide::types::{MessageId, ParseMode, ThreadId};
use teloxide::{ApiError, RequestError};
use tokio::sync::watch;

use super::broadcast::recipient;
use super::handlers::NO_PREVIEW;
use crate::clock::Clock;
use crate::config::{Chat, ChatTarget, Config};
use crate::events::Catalog;
use crate::lang::Lang;
use crate::render;
use crate::schedule::card::{decide, posted, Card, Decision, Wanted, Why};
use crate::schedule::Rules;
use crate::store::{Backend, StoreError};

/// The card looks at the pages at least this often, so an event that
/// ends is replaced by the next one's within a minute.
const LOOK: Duration = Duration::from_secs(60);

/// Keeps the live cards of every target that asked for one.
pub struct LiveCards<C> {
    bot: Bot,
    clock: C,
    store: Arc<dyn Backend>,
    catalog: watch::Receiver<Arc<Catalog>>,
    chats: Vec<ChatTarget>,
    rules: Rules,
    tz: chrono_tz::Tz,
    language: Lang,
    /// When a card was last posted or edited in each chat, for edits to
    /// keep their distance across its topics.
    edited: HashMap<Chat, DateTime<Utc>>,
}

impl<C: Clock> LiveCards<C> {
    pub fn new(
        bot: Bot,
        clock: C,
        store: Arc<dyn Backend>,
        config: &Config,
        catalog: watch::Receiver<Arc<Catalog>>,
    ) -> LiveCards<C> {
        LiveCards {
            bot,
            clock,
            store,
            catalog,
            chats: config.telegram.chats.clone(),
            rules: Rules::new(config, ChatTarget::clone),
            tz: config.timezone,
            language: config.language,
            edited: HashMap::new(),
        }
    }

    /// Keeps the cards until `stop` turns true: at once, on every page
    /// change, at least every minute, and when a held-back edit is due.
    pub async fn run(mut self, mut stop: watch::Receiver<bool>) {
        loop {
            let wake = self.look().await;
            let wait = wake
                .and_then(|at| (at - self.clock.now()).to_std().ok())
                .map_or(LOOK, |wait| wait.min(LOOK));
            tokio::select! {
                _ = stop.wait_for(|stop| *stop) => return,
                changed = self.catalog.changed() => if changed.is_err() { return },
                () = tokio::time::sleep(wait) => {}
            }
        }
    }

    /// One look at every card; the earliest time an edit held back is due.
    async fn look(&mut self) -> Option<DateTime<Utc>> {
        let chats = self.chats.clone();
        let known = blocking(&self.store, move |store| {
            Ok((store.targets(&chats)?, store.languages()?))
        });
        let (targets, languages) = match known.await {
            Ok(known) => known,
            Err(error) => {
                tracing::warn!(%error, "cannot read the chats; the live cards wait");
                return None;
            }
        };
        let catalog = Arc::clone(&self.catalog.borrow());
        let mut wake = None;
        for target in targets {
            if !self.rules.posts(&target).live_card {
                continue;
            }
            let lang = languages.get(&target).copied().unwrap_or(self.language);
            let wanted = self.wanted(&catalog, lang);
            if let Some(at) = self.keep(&target, wanted.as_ref()).await {
                wake = Some(wake.map_or(at, |wake: DateTime<Utc>| wake.min(at)));
            }
        }
        wake
    }

    /// The next event's card, as `/next` shows it.
    fn wanted(&self, catalog: &Catalog, lang: Lang) -> Option<Wanted> {
        let event = catalog.next(self.clock.now())?;
        Some(Wanted {
            event: event.id.clone(),
            text: render::event_card(event, lang, self.tz),
        })
    }

    /// Brings one target's card to `wanted`; when to look again if an
    /// edit is held back.
    async fn keep(
        &mut self,
        target: &ChatTarget,
        wanted: Option<&Wanted>,
    ) -> Option<DateTime<Utc>> {
        // With no event ahead the card stays as it is.
        let wanted = wanted?;
        let key = target.clone();
        let mut sent = match blocking(&self.store, move |store| store.card(&key)).await {
            Ok(sent) => sent,
            Err(error) => {
                tracing::warn!(%error, %target, "cannot read the live card; it waits");
                return None;
            }
        };
        // At most twice: an edit that finds the card deleted decides again.
        for _ in 0..2 {
            let now = self.clock.now();
            let chat_edited = self.edited.get(&target.chat).copied();
            let decision = decide(sent.as_ref(), Some(wanted), chat_edited, now);
            tracing::debug!(%target, ?decision, "live card");
            let card = match decision {
                Decision::Nothing => return None,
                Decision::Wait(at) => return Some(at),
                Decision::Post(why) => self
                    .post(target, why, wanted)
                    .await
                    .map(|message| posted(sent.as_ref(), why, wanted, message.0, now)),
                Decision::Edit(message) => {
                    let edited = self.edit(target, MessageId(message), &wanted.text).await;
                    match (edited, &sent) {
                        (Edited::Done, Some(sent)) => Some(sent.edited(wanted, now)),
                        (Edited::Deleted, Some(sent)) => Some(sent.deleted(now)),
                        _ => None,
                    }
                }
            };
            let card = card?;
            let deleted = card.deleted_at.is_some();
            self.record(target, &card).await;
            sent = Some(card);
            if !deleted {
                self.edited.insert(target.chat.clone(), now);
                return None;
            }
        }
        None
    }

    /// Sends the card and pins it without a sound; unpins the card it
    /// replaces. `None` if Telegram refused it (tried again next look).
    async fn post(&self, target: &ChatTarget, why: Why, wanted: &Wanted) -> Option<MessageId> {
        let chat = recipient(&target.chat);
        let mut request = self
            .bot
            .send_message(chat.clone(), &wanted.text)
            .parse_mode(ParseMode::Html)
            .link_preview_options(NO_PREVIEW)
            .disable_notification(true);
        if let Some(topic) = target.topic {
            request = request.message_thread_id(ThreadId(MessageId(topic)));
        }
        let message = match request.await {
            Ok(message) => message.id,
            Err(error) => {
                tracing::warn!(%error, %target, "cannot post the live card; trying again later");
                return None;
            }
        };
        tracing::info!(%target, event = %wanted.event, ?why, "live card posted");
        let pin = self.bot.pin_chat_message(chat.clone(), message);
        if let Err(error) = pin.disable_notification(true).await {
            tracing::warn!(%error, %target, "cannot pin the live card: herald needs the right to pin");
        }
        if let Why::Next(old) = why {
            let unpin = self.bot.unpin_chat_message(chat).message_id(MessageId(old));
            if let Err(error) = unpin.await {
                tracing::info!(%error, %target, "cannot unpin the last event's card");
            }
        }
        Some(message)
    }

    async fn edit(&self, target: &ChatTarget, message: MessageId, text: &str) -> Edited {
        let edited = self
            .bot
            .edit_message_text(recipient(&target.chat), message, text)
            .parse_mode(ParseMode::Html)
            .link_preview_options(NO_PREVIEW)
            .await;
        let outcome = Edited::of(edited.map(drop));
        if let Edited::Failed = outcome {
            tracing::warn!(%target, "cannot edit the live card; trying again later");
        }
        outcome
    }

    async fn record(&self, target: &ChatTarget, card: &Card) {
        let (key, card) = (target.clone(), card.clone());
        if let Err(error) = blocking(&self.store, move |store| store.set_card(&key, &card)).await {
            tracing::warn!(%error, %target, "cannot keep the live card; it may be posted again");
        }
    }
}

/// How an edit went.
#[derive(Debug, PartialEq, Eq)]
enum Edited {
    /// The card shows the text (also when it already did).
    Done,
    /// An admin deleted the card.
    Deleted,
    /// Anything else: tried again on a later look.
    Failed,
}

impl Edited {
    fn of(result: Result<(), RequestError>) -> Edited {
        match result {
            Ok(()) | Err(RequestError::Api(ApiError::MessageNotModified)) => Edited::Done,
            Err(RequestError::Api(ApiError::MessageToEditNotFound)) => Edited::Deleted,
            Err(error) => {
                tracing::debug!(%error, "the live card's edit failed");
                Edited::Failed
            }
        }
    }
}

/// A store call, off the async workers: it may block on the disk.
pub(super) async fn blocking<T: Send + 'static>(
    store: &Arc<dyn Backend>,
    f: impl FnOnce(&dyn Backend) -> Result<T, StoreError> + Send + 'static,
) -> Result<T, StoreError> {
    let store = Arc::clone(store);
    match tokio::task::spawn_blocking(move || f(&*store)).await {
        Ok(result) => result,
        Err(error) if error.is_panic() => std::panic::resume_unwind(error.into_panic()),
        Err(_) => Err(StoreError::unusable(
            std::path::Path::new("state file"),
            "the runtime is shutting down",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unchanged_text_is_an_edit_done_and_a_missing_message_deleted() {
        let api = |error| Err(RequestError::Api(error));
        assert_eq!(Edited::of(Ok(())), Edited::Done);
        assert_eq!(Edited::of(api(ApiError::MessageNotModified)), Edited::Done);
        assert_eq!(
            Edited::of(api(ApiError::MessageToEditNotFound)),
            Edited::Deleted
        );
        assert_eq!(Edited::of(api(ApiError::BotKicked)), Edited::Failed);
    }
}
