//! `[posts] topics = "per-event"`: which posts go into their event's own
//! forum topic, and what that topic is called. Pure, as the plan is: the
//! Telegram side opens the topic (or finds the one it opened) and posts
//! there, or, where herald may not manage topics, where it would have
//! posted without the option.
//!
//! A post keeps its target, key and memory whichever topic it lands in,
//! so exactly-once and change notices do not depend on the option.

use super::private::is_private;
use super::{Post, Rules, What};
use crate::config::Topics;
use crate::events::Event;

/// Telegram's limit on a topic's name, in UTF-16 code units (1–128
/// "characters", counted as the Bot API counts text).
pub const NAME_LIMIT: usize = 128;

/// The event topic a post goes to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventTopic {
    /// The event's id: with the chat, what the topic is kept by.
    pub event: String,
    /// The topic's name, within [`NAME_LIMIT`].
    pub name: String,
    /// Whether this post may open the topic: reminders and change notices
    /// are about an event still ahead, so they may; a cancellation or a
    /// recording goes to the topic only if there is one already, rather
    /// than open a topic for an event that will not be, or was.
    pub open: bool,
}

/// Where `post` goes under `rules`: its event's topic, or `None` for
/// where its target is. Digests (several events) and announcements are
/// about no one event, and members' private chats have no topics.
pub fn event_topic(post: &Post, events: &[Event], rules: &Rules) -> Option<EventTopic> {
    if rules.posts(&post.chat).topics != Topics::PerEvent || is_private(&post.chat) {
        return None;
    }
    let (id, open) = match &post.what {
        What::Reminder { event, .. }
        | What::TalkReminder { event, .. }
        | What::Change { event, .. } => (event, true),
        What::Cancellation { event, .. } | What::Recording { event } => (event, false),
        What::Digest { .. } | What::Announcement(_) => return None,
    };
    let title = events
        .iter()
        .find(|e| &e.id == id)
        .map_or(id.as_str(), |e| e.title.as_str());
    Some(EventTopic {
        event: id.clone(),
        name: topic_name(title, id),
        open,
    })
}

/// `title` as a topic's name: trimmed, on one line, and cut with `…` to
/// Telegram's limit (never inside a character). An empty title names the
/// topic by the event's id, since Telegram refuses an empty name.
pub fn topic_name(title: &str, id: &str) -> String {
    let line = title.split_whitespace().collect::<Vec<_>>().join(" ");
    let line = match line.is_empty() {
        true => id.to_string(),
        false => line,
    };
    if line.encode_utf16().count() <= NAME_LIMIT {
        return line;
    }
    let mut name = String::new();
    let mut units = 0;
    for c in line.chars() {
        // Room for the `…` (one unit) at the end.
        if units + c.len_utf16() > NAME_LIMIT - 1 {
            break;
        }
        units += c.len_utf16();
        name.push(c);
    }
    format!("{}…", name.trim_end())
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::config::{ChatTarget, Config, Posts};
    use crate::schedule::Announcement;

    fn rules(topics: Topics) -> Rules {
        let config = Config {
            posts: Posts {
                topics,
                ..Posts::default()
            },
            ..Config::default()
        };
        Rules::new(&config, ChatTarget::clone)
    }

    fn post(chat: ChatTarget, what: What) -> Post {
        Post {
            key: "k".into(),
            due: chrono::Utc::now(),
            chat,
            what,
        }
    }

    #[test]
    fn an_events_own_posts_go_to_its_topic_in_groups_only() {
        let forum = ChatTarget::id(-1001);
        let reminder = What::Reminder {
            event: "rust-night".into(),
            before: "2h".parse().unwrap(),
        };
        let on = rules(Topics::PerEvent);
        let topic = event_topic(&post(forum.clone(), reminder.clone()), &[], &on).unwrap();
        assert_eq!((topic.event.as_str(), topic.open), ("rust-night", true));
        assert_eq!(topic.name, "rust-night", "no page: named by its id");
        let recording = What::Recording {
            event: "rust-night".into(),
        };
        let later = event_topic(&post(forum.clone(), recording), &[], &on).unwrap();
        assert!(!later.open, "a recording opens no topic");
        let member = ChatTarget::id(7);
        assert_eq!(event_topic(&post(member, reminder.clone()), &[], &on), None);
        let digest = What::Digest {
            at: chrono::Utc::now(),
            events: vec!["rust-night".into()],
        };
        assert_eq!(event_topic(&post(forum.clone(), digest), &[], &on), None);
        let announcement = What::Announcement(Arc::new(Announcement {
            id: 1,
            due: chrono::Utc::now(),
            html: "Hi".into(),
            pin: false,
            held_until: None,
        }));
        assert_eq!(
            event_topic(&post(forum.clone(), announcement), &[], &on),
            None
        );
        let off = rules(Topics::Off);
        assert_eq!(event_topic(&post(forum, reminder), &[], &off), None);
    }

    #[test]
    fn a_long_title_is_cut_to_telegrams_limit() {
        assert_eq!(topic_name("  Rust\n Night ", "x"), "Rust Night");
        assert_eq!(topic_name(" ", "rust-night"), "rust-night");
        let long = "云原生".repeat(50);
        let name = topic_name(&long, "x");
        assert_eq!(name.encode_utf16().count(), NAME_LIMIT);
        assert!(name.ends_with('…') && long.starts_with(name.trim_end_matches('…')));
        // A character of two UTF-16 units is never split.
        let emoji = "🦀".repeat(100);
        let name = topic_name(&emoji, "x");
        assert!(name.encode_utf16().count() <= NAME_LIMIT, "{name}");
        assert_eq!(name, format!("{}…", "🦀".repeat(63)));
        let exact = "a".repeat(NAME_LIMIT);
        assert_eq!(topic_name(&exact, "x"), exact, "128 fits as it is");
    }
}
