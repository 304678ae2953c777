//! `[posts] topics = "per-event"` on Telegram: an event's reminders and
//! notices go into a forum topic of its own, opened with
//! `createForumTopic` the first time one of them goes to a chat, and kept
//! in the state file (table `event_topics`) so a restart posts into the
//! same topic instead of opening another. Which posts go there, and the
//! topic's name, are [`crate::schedule::topics`]'s; this decides only
//! whether Telegram lets herald.
//!
//! Exactly once: the topic is recorded right after Telegram opened it,
//! before anything is posted in it, and no second `createForumTopic` is
//! made for a (chat, event) herald knows a topic of. A crash between
//! Telegram's answer and the record, or an answer lost on the way (a
//! timeout after Telegram acted), is the one window: it can leave one
//! empty topic behind, and the post then opens another. The Bot API has
//! no way to list a forum's topics that would close it.
//!
//! Where herald may not open topics (not a forum, or no right to manage
//! topics) the chat is logged once, with Telegram's reason, and its posts
//! go where they would without the option, for the rest of the run.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex, MutexGuard};

use chrono::Utc;
use teloxide::prelude::*;
use teloxide::{ApiError, RequestError};

use super::broadcast::{recipient, step, Step, TelegramDelivery, FIRST_PAUSE, TRIES};
use super::card::blocking;
use crate::config::{Chat, ChatTarget};
use crate::schedule::runner::Delivery;
use crate::schedule::topics::EventTopic;
use crate::store::{Backend, OpenedTopic};

/// The topics opened per (chat, event), and the chats that refuse them.
#[derive(Default)]
pub(super) struct EventTopics {
    /// Where they are kept across restarts; without it (benchmarks) only
    /// for this run.
    pub(super) store: Option<Arc<dyn Backend>>,
    known: Mutex<HashMap<(Chat, String), Known>>,
    /// Chats where `createForumTopic` was refused this run: logged once,
    /// not asked again.
    refused: Mutex<HashSet<Chat>>,
}

/// A topic herald opened.
#[derive(Debug, Clone, Copy)]
struct Known {
    thread: i32,
    /// Not yet in the state file (a write failed): written again at the
    /// next post to it.
    recorded: bool,
}

impl EventTopics {
    fn known(&self) -> MutexGuard<'_, HashMap<(Chat, String), Known>> {
        self.known.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn refused(&self) -> MutexGuard<'_, HashSet<Chat>> {
        self.refused.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The topic opened in `chat` for `event`: from memory, else the state
    /// file. A state file that cannot be read is a failure to try again
    /// later, not a reason to open a topic that may exist.
    async fn find(&self, chat: &Chat, event: &str) -> Result<Option<Known>, Delivery> {
        let key = (chat.clone(), event.to_string());
        let cached = self.known().get(&key).copied();
        if let Some(known) = cached {
            if !known.recorded {
                self.record(chat, event, known.thread).await;
            }
            return Ok(Some(known));
        }
        let Some(store) = &self.store else {
            return Ok(None);
        };
        let (chat_key, event_key) = (chat.clone(), event.to_string());
        let found = blocking(store, move |s| s.event_topic(&chat_key, &event_key)).await;
        match found {
            Ok(Some(thread)) => {
                let known = Known {
                    thread,
                    recorded: true,
                };
                self.known().insert(key, known);
                Ok(Some(known))
            }
            Ok(None) => Ok(None),
            Err(error) => Err(Delivery::Failed(format!(
                "cannot read which forum topic the event has: {error}"
            ))),
        }
    }

    /// Keeps topic `thread` of `chat` for `event`, in memory at once and
    /// in the state file if it takes it.
    async fn record(&self, chat: &Chat, event: &str, thread: i32) {
        let key = (chat.clone(), event.to_string());
        let recorded = match &self.store {
            None => true,
            Some(store) => {
                let opened = OpenedTopic {
                    chat: chat.clone(),
                    event: event.to_string(),
                    thread,
                    at: Utc::now(),
                };
                let written = blocking(store, move |s| s.set_event_topic(&opened)).await;
                if let Err(error) = &written {
                    tracing::warn!(%chat, event, thread, %error, "cannot keep the event's forum topic in the state file; trying again at its next post (a restart before then would open another)");
                }
                written.is_ok()
            }
        };
        self.known().insert(key, Known { thread, recorded });
    }
}

impl TelegramDelivery {
    /// Where a message for `topic` goes: the event's topic in `chat`'s
    /// chat, opened now if the post may open it; else `chat` itself.
    pub(super) async fn place(
        &self,
        chat: &ChatTarget,
        topic: &EventTopic,
    ) -> Result<ChatTarget, Delivery> {
        let topics = &self.topics;
        if topics.refused().contains(&chat.chat) {
            return Ok(chat.clone());
        }
        if let Some(known) = topics.find(&chat.chat, &topic.event).await? {
            return Ok(chat.clone().in_topic(Some(known.thread)));
        }
        if !topic.open {
            return Ok(chat.clone());
        }
        match self.open(chat, topic).await? {
            Some(thread) => {
                topics.record(&chat.chat, &topic.event, thread).await;
                Ok(chat.clone().in_topic(Some(thread)))
            }
            None => Ok(chat.clone()),
        }
    }

    /// `createForumTopic`, paced and retried as a message is. `None` where
    /// Telegram will not let herald open one (logged once per chat).
    async fn open(&self, chat: &ChatTarget, topic: &EventTopic) -> Result<Option<i32>, Delivery> {
        let mut pause = FIRST_PAUSE;
        let mut last = String::new();
        for _ in 0..TRIES {
            self.pace(&chat.chat).await;
            let opened = self
                .bot
                .create_forum_topic(recipient(&chat.chat), topic.name.clone())
                .await;
            let error = match opened {
                Ok(opened) => {
                    let thread = opened.thread_id.0 .0;
                    tracing::info!(chat = %chat.chat, event = %topic.event, thread, name = %topic.name, "opened a forum topic for the event");
                    return Ok(Some(thread));
                }
                Err(error) => error,
            };
            tracing::debug!(chat = %chat.chat, %error, "createForumTopic failed");
            match step(&error) {
                Step::Wait(wait) => tokio::time::sleep(wait).await,
                Step::Pause => {
                    tokio::time::sleep(pause).await;
                    pause *= 2;
                }
                Step::Stop(Delivery::Failed(reason)) => return Err(Delivery::Failed(reason)),
                // Not a forum, no right to manage topics, a kicked bot:
                // the post goes where it would without the option (and a
                // chat that is gone is found so by the post itself).
                Step::Stop(_) => {
                    if self.topics.refused().insert(chat.chat.clone()) {
                        tracing::warn!(chat = %chat.chat, reason = %error, "herald may not open forum topics in this chat (it needs a forum and the right to manage topics): its event posts go to the chat as without [posts] topics");
                    }
                    return Ok(None);
                }
            }
            last = error.to_string();
        }
        Err(Delivery::Failed(format!(
            "cannot open the event's forum topic: {last}"
        )))
    }
}

/// A refusal teloxide does not name (`Unknown`), told by Telegram's own
/// words: "Bad Request: the chat is not a forum", "Bad Request: not
/// enough rights to create a topic". A server error reads otherwise.
pub(super) fn is_refusal(error: &RequestError) -> bool {
    match error {
        RequestError::Api(ApiError::Unknown(text)) => {
            text.starts_with("Bad Request") || text.starts_with("Forbidden")
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn telegrams_own_refusals_are_told_from_server_errors() {
        let unknown = |text: &str| RequestError::Api(ApiError::Unknown(text.into()));
        assert!(is_refusal(&unknown("Bad Request: the chat is not a forum")));
        assert!(is_refusal(&unknown(
            "Bad Request: not enough rights to create a topic"
        )));
        assert!(!is_refusal(&unknown("Internal Server Error")));
        assert!(!is_refusal(&RequestError::Api(ApiError::BotKicked)));
    }
}
