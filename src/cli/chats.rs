//! `herald chats`: every chat herald posts to, configured in `bot.toml` or
//! subscribed in Telegram, and the last post each got. It reads the state
//! file if there is one and never creates it, so it is safe to run beside
//! the bot, or before it ever ran.

use std::collections::HashMap;
use std::io::Write;
use std::process::ExitCode;

use anyhow::Result;
use chrono::{DateTime, Utc};
use chrono_tz::Tz;

use super::{aligned, count};
use crate::config::{Chat, ChatTarget, Config};
use crate::store::{LastPost, Outcome, Subscription};

/// What an organizer with no chat at all is told, here and in `preview`.
pub(super) const NO_CHATS: &str = "(no chats yet: add chats to bot.toml or /subscribe in Telegram)";

/// One chat herald serves, and why.
struct Served {
    chat: ChatTarget,
    source: Source,
    /// Where its posts are recorded: a configured `@name` is posted to
    /// under its numeric id once herald has resolved it.
    key: ChatTarget,
}

enum Source {
    Configured,
    Subscribed(DateTime<Utc>),
}

pub fn chats(config: &Config) -> Result<ExitCode> {
    let mut out = std::io::stdout().lock();
    let tz = config.timezone;
    let (served, last, titles) = match crate::store::exists(config) {
        true => from_state(config)?,
        false => {
            writeln!(
                out,
                "(no state file at {} yet: only the chats in bot.toml are listed)",
                config.state.display()
            )?;
            (configured(config, |_| None), HashMap::new(), HashMap::new())
        }
    };
    if served.is_empty() {
        writeln!(out, "{NO_CHATS}")?;
        return Ok(ExitCode::SUCCESS);
    }
    let rows = served.iter().map(|chat| {
        let title = chat
            .key
            .chat_id()
            .and_then(|id| titles.get(&id))
            .map(String::as_str);
        row(chat, title, last.get(&chat.key), tz)
    });
    for line in aligned(rows) {
        writeln!(out, "{line}")?;
    }
    let subscribed = served
        .iter()
        .filter(|chat| matches!(chat.source, Source::Subscribed(_)))
        .count();
    writeln!(
        out,
        "{}: {} configured, {} subscribed",
        count(served.len(), "chat", "chats"),
        served.len() - subscribed,
        subscribed
    )?;
    Ok(ExitCode::SUCCESS)
}

/// What the state file says of the chats: who they are, their last post
/// and their titles.
type Known = (
    Vec<Served>,
    HashMap<ChatTarget, LastPost>,
    HashMap<i64, String>,
);

/// The configured chats and the subscribers, each once, with every
/// chat's last post and title, from the state file.
fn from_state(config: &Config) -> Result<Known> {
    let store = crate::store::open(config)?;
    let mut keys = HashMap::new();
    for chat in &config.telegram.chats {
        if let Chat::Username(name) = &chat.chat {
            if let Some(key) = store.chat_key(name)? {
                keys.insert(name.clone(), key);
            }
        }
    }
    let mut served = configured(config, |name| keys.get(name).cloned());
    let subscribers = store.subscribers()?;
    let last = store.last_posts()?;
    let titles = store.titles()?;
    store.close()?;
    for Subscription { chat, since, .. } in subscribers {
        let chat = ChatTarget::id(chat);
        if !served.iter().any(|s| s.chat == chat || s.key == chat) {
            served.push(Served {
                key: chat.clone(),
                chat,
                source: Source::Subscribed(since),
            });
        }
    }
    Ok((served, last, titles))
}

/// The chats of `bot.toml`, with the key `resolved` gives an `@name`.
fn configured(config: &Config, resolved: impl Fn(&str) -> Option<ChatTarget>) -> Vec<Served> {
    let served = config.telegram.chats.iter().map(|chat| {
        let key = match &chat.chat {
            Chat::Username(name) => resolved(name).map(|key| key.in_topic(chat.topic)),
            Chat::Id(_) => None,
        };
        Served {
            key: key.unwrap_or_else(|| chat.clone()),
            chat: chat.clone(),
            source: Source::Configured,
        }
    });
    served.collect()
}

/// `@rustlang (-1001)  configured  2027-09-17 14:00  reminder`
fn row(served: &Served, title: Option<&str>, last: Option<&LastPost>, tz: Tz) -> [String; 4] {
    let mut chat = match served.key == served.chat {
        true => served.chat.to_string(),
        false => format!("{} ({})", served.chat, served.key),
    };
    if let Some(title) = title {
        chat += &format!(" “{title}”");
    }
    let local = |at: DateTime<Utc>| at.with_timezone(&tz).format("%Y-%m-%d %H:%M").to_string();
    let source = match served.source {
        Source::Configured => "configured".to_string(),
        Source::Subscribed(since) => format!("subscribed {}", local(since)),
    };
    let Some(last) = last else {
        return [chat, source, "never posted to".to_string(), String::new()];
    };
    let what = match last.outcome {
        Outcome::Undeliverable => format!("{} (undeliverable: blocked or gone)", kind(&last.key)),
        Outcome::Sent | Outcome::Skipped => kind(&last.key),
    };
    [chat, source, local(last.at), what]
}

/// A post's kind, read from its key (`reminder/<event>/…`,
/// `announce/<id>/<chat>`): keys never change once written, so old
/// records read the same.
fn kind(key: &str) -> String {
    let mut parts = key.split('/');
    match parts.next().unwrap_or_default() {
        "digest" => "digest".to_string(),
        "reminder" => "reminder".to_string(),
        "talk" => "talk reminder".to_string(),
        "change" => "change notice".to_string(),
        "cancel" => "cancellation".to_string(),
        "recording" => "recordings".to_string(),
        "announce" => format!("announcement #{}", parts.next().unwrap_or("?")),
        other => other.to_string(),
    }
}
