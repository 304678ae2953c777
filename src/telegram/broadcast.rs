//! Posts from the scheduler to chats over the Bot API, within Telegram's
//! limits: teloxide's throttle keeps to ~30 messages/s overall and 1/s per
//! chat, `retry_after` answers are waited out, and network and server
//! errors are retried with a growing pause before the post is reported as
//! failed (the scheduler then tries again later).

use std::time::Duration;

use teloxide::adaptors::throttle::{Limits, Throttle};
use teloxide::prelude::*;
use teloxide::types::{ChatId, ParseMode, Recipient};
use teloxide::{ApiError, RequestError};

use super::handlers::NO_PREVIEW;
use crate::config::ChatTarget;
use crate::schedule::runner::{Deliver, Delivery};

/// Tries per message for errors that may pass (network, 5xx, flood control).
const TRIES: u32 = 6;
/// The first pause after a network or server error; it doubles each time.
const FIRST_PAUSE: Duration = Duration::from_millis(500);

pub struct TelegramDelivery {
    bot: Throttle<Bot>,
}

impl TelegramDelivery {
    /// With Telegram's own limits; `None` switches them off (for a
    /// self-hosted Bot API server without limits, and benchmarks).
    pub fn new(bot: Bot, limits: Option<Limits>) -> TelegramDelivery {
        let limits = limits.unwrap_or(Limits {
            messages_per_sec_chat: u32::MAX,
            messages_per_min_chat: u32::MAX,
            messages_per_min_channel_or_supergroup: u32::MAX,
            messages_per_sec_overall: u32::MAX,
        });
        TelegramDelivery {
            bot: Throttle::new_spawn(bot, limits),
        }
    }

    async fn send(&self, chat: &ChatTarget, html: &str) -> Delivery {
        let mut pause = FIRST_PAUSE;
        let mut last = String::new();
        for _ in 0..TRIES {
            let sent = self
                .bot
                .send_message(recipient(chat), html)
                .parse_mode(ParseMode::Html)
                .link_preview_options(NO_PREVIEW)
                .await;
            let error = match sent {
                Ok(_) => return Delivery::Accepted,
                Err(error) => error,
            };
            match &error {
                RequestError::RetryAfter(wait) => {
                    tracing::info!(%chat, seconds = wait.seconds(), "flood control: waiting as Telegram asks");
                    tokio::time::sleep(wait.duration()).await;
                }
                RequestError::Api(api) if is_gone(api) => return Delivery::Gone(api.to_string()),
                RequestError::Network(_)
                | RequestError::InvalidJson { .. }
                | RequestError::Io(_)
                | RequestError::Api(ApiError::Unknown(_)) => {
                    tokio::time::sleep(pause).await;
                    pause *= 2;
                }
                _ => return Delivery::Failed(error.to_string()),
            }
            last = error.to_string();
        }
        Delivery::Failed(last)
    }
}

impl Deliver for TelegramDelivery {
    async fn deliver(&self, chat: &ChatTarget, messages: &[String]) -> Delivery {
        for html in messages {
            let delivery = self.send(chat, html).await;
            if delivery != Delivery::Accepted {
                return delivery;
            }
        }
        Delivery::Accepted
    }

    async fn resolve(&self, chat: &ChatTarget) -> Option<i64> {
        match self.bot.get_chat(recipient(chat)).await {
            Ok(found) => Some(found.id.0),
            Err(error) => {
                tracing::warn!(%chat, %error, "cannot look this chat up; posting to it by name");
                None
            }
        }
    }
}

fn recipient(chat: &ChatTarget) -> Recipient {
    match chat {
        ChatTarget::Id(id) => Recipient::Id(ChatId(*id)),
        ChatTarget::Username(name) => Recipient::ChannelUsername(name.clone()),
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
