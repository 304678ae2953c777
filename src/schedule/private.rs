//! Private reminders: what members follow, reminded in their own chats.
//! They are posts like any other, keyed as the group posts are with the
//! member's private chat as the chat, so exactly-once, change notices,
//! cancellations and recordings hold for them unchanged: a member told of
//! an event is owed its notices as any chat is.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};

use super::plan::{owed, Input, Post, TalkKey, What};
use crate::config::{Chat, ChatTarget};
use crate::duration::HumanDuration;
use crate::events::ids::{speaker_id, talk_id, Target};
use crate::events::Event;

/// Every member who follows something, and the chats' mutes.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Followers {
    pub members: Vec<Follower>,
    /// Chats, and the events whose talk reminders they muted.
    pub mutes: HashSet<(i64, String)>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Follower {
    /// The member's Telegram id, which is also their private chat's.
    pub member: i64,
    /// `None`: [`default_lead`].
    pub lead: Option<HumanDuration>,
    pub follows: Vec<Target>,
}

/// The lead time of a member who has not sent `/remind`: the config's
/// first `talk_reminders` offset, else ten minutes.
pub fn default_lead(talk_reminders: &[HumanDuration]) -> HumanDuration {
    let first = talk_reminders.first().copied();
    first.unwrap_or_else(|| HumanDuration::from_secs(10 * 60))
}

/// Whether a chat is a member's own: Telegram gives people positive ids,
/// groups and channels negative ones.
pub fn is_private(chat: &ChatTarget) -> bool {
    matches!(chat.chat, Chat::Id(id) if id > 0)
}

impl Followers {
    /// The members' private chats, which notices are owed to as well.
    pub fn chats(&self) -> impl Iterator<Item = ChatTarget> + '_ {
        self.members.iter().map(|f| ChatTarget::id(f.member))
    }

    /// Whether `chat` muted `event`'s talk reminders.
    pub fn muted(&self, chat: &ChatTarget, event: &str) -> bool {
        match chat.chat {
            Chat::Id(id) => !self.mutes.is_empty() && self.mutes.contains(&(id, event.to_string())),
            Chat::Username(_) => false,
        }
    }
}

/// A talk that can be reminded of, found by id, speaker and event.
struct Slotted<'a> {
    event: &'a Event,
    index: usize,
    start: DateTime<Utc>,
    key: TalkKey,
}

/// Every private reminder owed in the window.
///
/// Only talks and events that can fall due in the window are indexed, so a
/// turn over many members costs a look-up per follow, not a talk id per
/// talk of the whole calendar.
pub(super) fn reminders(input: &Input, posts: &mut Vec<Post>) {
    if input.followers.members.is_empty() {
        return;
    }
    let default = default_lead(&input.schedule.talk_reminders);
    let leads = input
        .followers
        .members
        .iter()
        .map(|f| f.lead.unwrap_or(default));
    let longest_lead = leads.max().unwrap_or(default).to_chrono();
    let longest_reminder = input.schedule.reminders.iter().max();
    let longest_reminder = longest_reminder.map_or(chrono::Duration::zero(), |r| r.to_chrono());
    let earliest = input
        .from
        .min(input.now - input.schedule.catch_up.to_chrono());
    let can_fall_due = |start: DateTime<Utc>, lead: chrono::Duration| {
        start >= earliest && start - lead <= input.until
    };
    let mut talks: Vec<Slotted> = Vec::new();
    let mut by_talk: HashMap<String, usize> = HashMap::new();
    let mut by_speaker: HashMap<String, Vec<usize>> = HashMap::new();
    let mut by_event: HashMap<&str, (&Event, Vec<usize>)> = HashMap::new();
    for event in input.events.iter().filter(|e| !e.cancelled) {
        let Some(written) = event.start else { continue };
        let reminded = can_fall_due(written.with_timezone(&Utc), longest_reminder);
        let slotted = event.talks().enumerate().filter_map(|(index, talk)| {
            let start = talk.slot?.start.with_timezone(&Utc);
            can_fall_due(start, longest_lead).then_some((index, talk, start))
        });
        let mut indices = Vec::new();
        for (index, talk, start) in slotted {
            let at = talks.len();
            by_talk.insert(talk_id(&event.id, talk), at);
            for speaker in &talk.speakers {
                by_speaker
                    .entry(speaker_id(&speaker.name))
                    .or_default()
                    .push(at);
            }
            indices.push(at);
            talks.push(Slotted {
                event,
                index,
                start,
                key: TalkKey::of(&event.id, talk),
            });
        }
        if reminded || !indices.is_empty() {
            by_event.insert(event.id.as_str(), (event, indices));
        }
    }
    if by_event.is_empty() {
        return;
    }
    let mut chosen = HashSet::new();
    for follower in &input.followers.members {
        let lead = follower.lead.unwrap_or(default);
        let chat = ChatTarget::id(follower.member);
        chosen.clear();
        for target in &follower.follows {
            match target {
                Target::Talk(id) => chosen.extend(by_talk.get(id).copied()),
                Target::Speaker(id) => {
                    chosen.extend(by_speaker.get(id).into_iter().flatten().copied())
                }
                Target::Event(slug) => {
                    let Some((event, indices)) = by_event.get(slug.as_str()) else {
                        continue;
                    };
                    chosen.extend(indices.iter().copied());
                    event_reminders(input, event, &chat, posts);
                }
            }
        }
        for &at in &chosen {
            let slotted = &talks[at];
            let due = slotted.start - lead.to_chrono();
            if !owed(input, slotted.event, due) {
                continue;
            }
            let key = slotted.key.key(lead, &chat);
            posts.push(Post {
                key,
                due,
                chat: chat.clone(),
                what: What::TalkReminder {
                    event: slotted.event.id.clone(),
                    talk: slotted.index,
                    before: lead,
                },
            });
        }
    }
}

/// A followed event's reminders, as its chats get them, in private.
fn event_reminders(input: &Input, event: &Event, chat: &ChatTarget, posts: &mut Vec<Post>) {
    let Some(written) = event.start else { return };
    for &before in &input.schedule.reminders {
        let due = written.with_timezone(&Utc) - before.to_chrono();
        if owed(input, event, due) {
            posts.push(Post {
                key: format!(
                    "reminder/{}/{before}/{}/{chat}",
                    event.id,
                    written.to_rfc3339()
                ),
                due,
                chat: chat.clone(),
                what: What::Reminder {
                    event: event.id.clone(),
                    before,
                },
            });
        }
    }
}
