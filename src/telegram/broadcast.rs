//! Posts from the scheduler to chats over the Bot API, within Telegram's
//! limits (about 30 messages/s overall, 1/s per chat, 20/min per group):
//! [`Pace`] spaces the sends, `retry_after` answers are waited out, and
//! network and server errors are retried with a growing pause before the
//! message is reported as failed (the scheduler then tries again later).
//! A post goes out one message per call, so the scheduler records each
//! message of a long post as Telegram accepts it.
//!
//! Why not teloxide's `Throttle` adaptor: it releases queued requests in
//! ticks of 250 ms, so a sender with one request in flight gets 4 messages
//! a second. herald sends one post at a time on purpose (that keeps the
//! exactly-once window to a single post), so it spaces the sends itself.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use teloxide::prelude::*;
use teloxide::types::{
    ChatId, FileId, InputFile, MessageId, ParseMode, Recipient, ReplyParameters, ThreadId,
};
use teloxide::{ApiError, RequestError};
use tokio::time::Instant;

use super::handlers::{keyboard, NO_PREVIEW};
use super::posters;
use super::topics::{is_refusal, EventTopics};
use crate::config::{Chat, ChatTarget};
use crate::schedule::runner::{Deliver, Delivery, Outgoing, Pin};
use crate::store::Backend;

/// Tries per message for errors that may pass (network, 5xx, flood control).
pub(super) const TRIES: u32 = 6;
/// The first pause after a network or server error; it doubles each time.
pub(super) const FIRST_PAUSE: Duration = Duration::from_millis(500);

pub struct TelegramDelivery {
    pub(super) bot: Bot,
    /// `None`: no limits (a self-hosted Bot API server, benchmarks).
    pace: Option<Mutex<Pace>>,
    /// Where Telegram's ids of uploaded posters are kept; without it every
    /// poster is uploaded each time.
    posters: Option<Arc<dyn Backend>>,
    /// The poster last sent to each chat, for the rest of its post to
    /// reply to.
    photos: Mutex<HashMap<ChatTarget, MessageId>>,
    /// The forum topics opened for events (`[posts] topics = "per-event"`).
    pub(super) topics: EventTopics,
}

impl TelegramDelivery {
    pub fn new(bot: Bot, limits: Option<Limits>) -> TelegramDelivery {
        TelegramDelivery {
            bot,
            pace: limits.map(|limits| Mutex::new(Pace::new(limits))),
            posters: None,
            photos: Mutex::new(HashMap::new()),
            topics: EventTopics::default(),
        }
    }

    /// Keeps the forum topics opened for events in the state file, so a
    /// restart posts into them rather than opening others; without it
    /// they are known for this run only.
    pub fn keeping_topics(mut self, store: Arc<dyn Backend>) -> TelegramDelivery {
        self.topics.store = Some(store);
        self
    }

    /// Uploads each poster once, naming Telegram's copy from then on.
    pub fn keeping_posters(self, store: Arc<dyn Backend>) -> TelegramDelivery {
        TelegramDelivery {
            posters: Some(store),
            ..self
        }
    }

    /// One try at sending a message: a poster by Telegram's id for it
    /// (`uploaded`) or by upload, or text.
    async fn request(
        &self,
        chat: &ChatTarget,
        message: &Outgoing,
        uploaded: Option<&str>,
    ) -> Result<teloxide::types::Message, RequestError> {
        let markup = (!message.buttons.is_empty()).then(|| keyboard(&message.buttons));
        let reply = match message.reply {
            true => self.lock_photos().get(chat).copied(),
            false => None,
        };
        let thread = chat.topic.map(|topic| ThreadId(MessageId(topic)));
        let Some(poster) = &message.photo else {
            let mut request = self
                .bot
                .send_message(recipient(&chat.chat), &message.html)
                .parse_mode(ParseMode::Html)
                .link_preview_options(NO_PREVIEW)
                .disable_notification(message.silent);
            if let Some(thread) = thread {
                request = request.message_thread_id(thread);
            }
            if let Some(markup) = markup {
                request = request.reply_markup(markup);
            }
            if let Some(reply) = reply {
                request = request.reply_parameters(ReplyParameters::new(reply));
            }
            return request.await;
        };
        let file = match uploaded {
            Some(id) => InputFile::file_id(FileId(id.to_string())),
            None => InputFile::file(poster.file.clone()),
        };
        let mut request = self
            .bot
            .send_photo(recipient(&chat.chat), file)
            .caption(&message.html)
            .parse_mode(ParseMode::Html)
            .disable_notification(message.silent);
        if let Some(thread) = thread {
            request = request.message_thread_id(thread);
        }
        if let Some(markup) = markup {
            request = request.reply_markup(markup);
        }
        request.await
    }

    fn lock_photos(&self) -> std::sync::MutexGuard<'_, HashMap<ChatTarget, MessageId>> {
        self.photos.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Waits until a message to `chat` keeps within the limits, which are
    /// the chat's whatever topic it goes to.
    pub(super) async fn pace(&self, chat: &Chat) {
        let Some(pace) = &self.pace else { return };
        loop {
            let wait = pace
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .wait(chat, Instant::now());
            match wait {
                Some(wait) => tokio::time::sleep(wait).await,
                None => return,
            }
        }
    }

    /// Sends one message; `Ok` with its id once Telegram accepted it.
    async fn send(&self, chat: &ChatTarget, message: &Outgoing) -> Result<MessageId, Delivery> {
        let mut pause = FIRST_PAUSE;
        let mut last = String::new();
        let mut uploaded = match (&message.photo, &self.posters) {
            (Some(poster), Some(store)) => posters::uploaded(store, poster).await,
            _ => None,
        };
        for _ in 0..TRIES {
            self.pace(&chat.chat).await;
            let sent = self.request(chat, message, uploaded.as_deref()).await;
            let error = match sent {
                Ok(sent) => {
                    if let Some(poster) = &message.photo {
                        if let (None, Some(store)) = (&uploaded, &self.posters) {
                            posters::keep(store, poster, &sent).await;
                        }
                        self.lock_photos().insert(chat.clone(), sent.id);
                    }
                    return Ok(sent.id);
                }
                Err(error) => error,
            };
            // Telegram no longer knows its copy (another bot token, a
            // wiped test server): upload the file again.
            if matches!(error, RequestError::Api(_)) && uploaded.is_some() {
                tracing::info!(%chat, %error, "Telegram refused the poster's id; uploading it again");
                uploaded = None;
                last = error.to_string();
                continue;
            }
            match step(&error) {
                Step::Wait(wait) => {
                    tracing::info!(%chat, seconds = wait.as_secs(), "flood control: waiting as Telegram asks");
                    tokio::time::sleep(wait).await;
                }
                Step::Pause => {
                    tokio::time::sleep(pause).await;
                    pause *= 2;
                }
                Step::Stop(delivery) => return Err(delivery),
            }
            last = error.to_string();
        }
        Err(Delivery::Failed(last))
    }

    /// Pins a message just sent, quietly: the post itself already notified
    /// the chat. Where herald may not pin, the post stands unpinned.
    async fn pin(&self, chat: &ChatTarget, message: MessageId) -> Pin {
        let pinned = self
            .bot
            .pin_chat_message(recipient(&chat.chat), message)
            .disable_notification(true)
            .await;
        match pinned {
            Ok(_) => Pin::Pinned,
            Err(error) => {
                tracing::warn!(%chat, %error, "sent, but could not pin");
                Pin::Refused(error.to_string())
            }
        }
    }
}

impl Deliver for TelegramDelivery {
    async fn deliver(&self, chat: &ChatTarget, message: &Outgoing) -> Delivery {
        let place = match &message.topic {
            Some(topic) => match self.place(chat, topic).await {
                Ok(place) => place,
                Err(delivery) => return delivery,
            },
            None => chat.clone(),
        };
        let mut sent = self.send(&place, message).await;
        // The event's topic was deleted or closed by an admin: the post
        // goes to the chat rather than nowhere, and no other topic is
        // opened against the admin's wish.
        if let (Err(Delivery::Refused(reason)), true) = (&sent, place != *chat) {
            tracing::warn!(%chat, topic = ?place.topic, %reason, "cannot post in the event's forum topic; posting to the chat instead");
            sent = self.send(chat, message).await;
        }
        match sent {
            Ok(id) if message.pin => Delivery::Accepted(self.pin(&place, id).await),
            Ok(_) => Delivery::Accepted(Pin::NotAsked),
            Err(delivery) => delivery,
        }
    }

    async fn edit(&self, chat: i64, message: i32, html: &str) {
        let edited = self
            .bot
            .edit_message_text(ChatId(chat), MessageId(message), html)
            .parse_mode(ParseMode::Html)
            .link_preview_options(NO_PREVIEW)
            .await;
        if let Err(error) = edited {
            tracing::warn!(chat, %error, "could not put the report in place of the preview");
        }
    }

    async fn resolve(&self, chat: &ChatTarget) -> Option<i64> {
        match self.bot.get_chat(recipient(&chat.chat)).await {
            Ok(found) => Some(found.id.0),
            Err(error) => {
                tracing::warn!(%chat, %error, "cannot look this chat up; posting to it by name");
                None
            }
        }
    }
}

/// Telegram's limits for bots.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    pub per_second: u32,
    pub per_chat_gap: Duration,
    pub per_group_minute: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            per_second: 30,
            per_chat_gap: Duration::from_secs(1),
            per_group_minute: 20,
        }
    }
}

/// When the last messages went out, overall and per chat.
struct Pace {
    limits: Limits,
    last: Option<Instant>,
    chats: HashMap<Chat, VecDeque<Instant>>,
}

impl Pace {
    fn new(limits: Limits) -> Pace {
        Pace {
            limits,
            last: None,
            chats: HashMap::new(),
        }
    }

    /// How long to wait before a message to `chat`; `None` means send now,
    /// and the send is counted.
    fn wait(&mut self, chat: &Chat, now: Instant) -> Option<Duration> {
        let gap = Duration::from_secs(1) / self.limits.per_second.max(1);
        let minute = Duration::from_secs(60);
        let sent = self.chats.entry(chat.clone()).or_default();
        while sent
            .front()
            .is_some_and(|at| now.duration_since(*at) >= minute)
        {
            sent.pop_front();
        }
        let mut ready = self.last.map_or(now, |last| last + gap);
        if let Some(previous) = sent.back() {
            ready = ready.max(*previous + self.limits.per_chat_gap);
        }
        if is_group(chat) && sent.len() >= self.limits.per_group_minute {
            ready = ready.max(sent[sent.len() - self.limits.per_group_minute] + minute);
        }
        if ready > now {
            return Some(ready - now);
        }
        sent.push_back(now);
        self.last = Some(now);
        None
    }
}

/// Groups and channels have negative ids, or public usernames.
fn is_group(chat: &Chat) -> bool {
    match chat {
        Chat::Id(id) => *id < 0,
        Chat::Username(_) => true,
    }
}

pub(super) fn recipient(chat: &Chat) -> Recipient {
    match chat {
        Chat::Id(id) => Recipient::Id(ChatId(*id)),
        Chat::Username(name) => Recipient::ChannelUsername(name.clone()),
    }
}

/// What to do after a failed try of a request.
pub(super) enum Step {
    /// Flood control: wait as long as Telegram asks, then try again.
    Wait(Duration),
    /// A network or server error: pause, then try again.
    Pause,
    /// No try would change it.
    Stop(Delivery),
}

/// How a failed try goes on: errors that may pass are tried again; a
/// refusal Telegram names, in teloxide's words or its own ("Bad Request:
/// …", which teloxide leaves `Unknown`), is not.
pub(super) fn step(error: &RequestError) -> Step {
    match error {
        RequestError::RetryAfter(wait) => Step::Wait(wait.duration()),
        RequestError::Api(api) if is_gone(api) => Step::Stop(Delivery::Gone(api.to_string())),
        RequestError::Api(ApiError::Unknown(_)) if is_refusal(error) => {
            Step::Stop(Delivery::Refused(error.to_string()))
        }
        RequestError::Network(_)
        | RequestError::InvalidJson { .. }
        | RequestError::Io(_)
        | RequestError::Api(ApiError::Unknown(_)) => Step::Pause,
        RequestError::Api(api) => Step::Stop(Delivery::Refused(api.to_string())),
        _ => Step::Stop(Delivery::Failed(error.to_string())),
    }
}

/// The chat will not take posts from herald again without someone acting.
fn is_gone(error: &ApiError) -> bool {
    matches!(
        error,
        ApiError::BotBlocked
            | ApiError::ChatNotFound
            | ApiError::BotKicked
            | ApiError::BotKickedFromSupergroup
            | ApiError::BotKickedFromChannel
            | ApiError::UserDeactivated
            | ApiError::CantInitiateConversation
            | ApiError::GroupDeactivated
            | ApiError::NotEnoughRightsToPostMessages
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sends_are_spaced_overall_per_chat_and_per_group() {
        let mut pace = Pace::new(Limits::default());
        let start = Instant::now();
        let (a, b) = (Chat::Id(1), Chat::Id(-2));
        assert_eq!(pace.wait(&a, start), None);
        let gap = pace.wait(&b, start).unwrap();
        assert!(
            gap > Duration::from_millis(30) && gap <= Duration::from_millis(34),
            "{gap:?}"
        );
        assert_eq!(pace.wait(&b, start + gap), None);
        let again = pace.wait(&a, start + Duration::from_millis(100)).unwrap();
        assert_eq!(again, Duration::from_millis(900), "one per second per chat");
        let mut at = start + Duration::from_secs(2);
        for _ in 1..20 {
            assert_eq!(pace.wait(&b, at), None);
            at += Duration::from_secs(1);
        }
        let wait = pace.wait(&b, at).unwrap();
        assert!(
            wait > Duration::from_secs(30),
            "20 a minute in a group: {wait:?}"
        );
    }
}
