//! `herald preview`: the posts the scheduler would send in a window, from
//! the same [`plan`] the runner sends from, with the state file's memory,
//! so what is previewed is what will happen. An empty window says when
//! the next post falls due and how to see it.

use std::collections::HashMap;
use std::fmt;
use std::io::Write;
use std::process::ExitCode;

use anyhow::Result;
use chrono::Duration;
use chrono_tz::Tz;

use super::chats::NO_CHATS;
use super::{chat_list, indent, load, now, report, PreviewArgs};
use crate::config::{ChatTarget, Config};
use crate::events::Event;
use crate::lang::count;
use crate::lang::Lang;
use crate::render;
use crate::schedule::{plan, Input, Memory, Post, What};

/// How far past an empty window the preview looks for the next post:
/// over a year, so a yearly conference is found, and bounded, so a site
/// with nothing ahead answers at once.
const AHEAD: Duration = Duration::days(400);

pub fn preview(config: &Config, args: &PreviewArgs) -> Result<ExitCode> {
    let loaded = load(config)?;
    report(&loaded.diagnostics);
    let now = now(config, args.now.as_deref())?;
    let until = now + Duration::days(args.days.into());
    let (mut memory, chats, languages) = remembered(config)?;
    let audience = Audience::new(chats);
    memory.observe(&loaded.events, now);
    let rules = crate::schedule::Rules::new(config, ChatTarget::clone);
    let input = Input {
        rules: &rules,
        events: &loaded.events,
        schedule: &config.schedule,
        tz: config.timezone,
        chats: audience.planned(),
        followers: &crate::schedule::Followers::default(),
        memory: &memory,
        now,
        from: now,
        until,
    };
    let posts = plan(&input);
    let (lang, tz) = (config.language, config.timezone);
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "Posts from {} to {} ({}){audience}:",
        now.with_timezone(&tz).format("%Y-%m-%d %H:%M"),
        render::stamp(until, tz),
        count(args.days as usize, "day", "days"),
    )?;
    for post in &posts {
        writeln!(out, "{}", line(post, &loaded.events, tz, &audience))?;
        if args.full {
            let lang = languages.get(&post.chat).copied().unwrap_or(lang);
            for message in render::post(post, &loaded.events, lang, tz) {
                writeln!(out, "{}\n", indent(&render::html_to_plain(&message)))?;
            }
        }
    }
    if posts.is_empty() {
        writeln!(out, "(nothing to post)")?;
        writeln!(out, "{}", next(&input, &audience))?;
    }
    Ok(ExitCode::SUCCESS)
}

/// `2027-09-17 Fri 14:00  reminder, 1d before · Rust Meetup  → -1001`
fn line(post: &Post, events: &[Event], tz: Tz, audience: &Audience) -> String {
    format!(
        "{}  {}{}",
        post.due.with_timezone(&tz).format("%Y-%m-%d %a %H:%M"),
        describe(post, events),
        audience.to(&post.chat)
    )
}

/// After an empty window: the first post due in the [`AHEAD`] after it,
/// and the `--now` that previews it (a minute before it falls due), or
/// why there is none.
fn next(input: &Input, audience: &Audience) -> String {
    let later = Input {
        from: input.until,
        until: input.until + AHEAD,
        ..*input
    };
    let next = plan(&later).into_iter().find(|post| post.due > input.until);
    let Some(post) = next else {
        let ahead = input
            .events
            .iter()
            .any(|e| e.start.is_some_and(|start| start > input.now));
        return match ahead {
            false => "next: none, no events ahead".to_string(),
            true => format!(
                "next: none in the {} after that (see `reminders` and `digest` in [schedule])",
                count(AHEAD.num_days() as usize, "day", "days")
            ),
        };
    };
    let at = (post.due - Duration::minutes(1)).with_timezone(&input.tz);
    format!(
        "next: {}; see it with --now {}",
        line(&post, input.events, input.tz, audience),
        at.format("%Y-%m-%dT%H:%M:%S%:z")
    )
}

/// Who the posts go to. With no chat at all the plan is made for one
/// stand-in, so the organizer still sees what would go out.
enum Audience {
    Chats(Vec<ChatTarget>),
    NoneYet([ChatTarget; 1]),
}

impl Audience {
    fn new(chats: Vec<ChatTarget>) -> Audience {
        match chats.is_empty() {
            true => Audience::NoneYet([ChatTarget::id(0)]),
            false => Audience::Chats(chats),
        }
    }

    fn planned(&self) -> &[ChatTarget] {
        match self {
            Audience::Chats(chats) => chats,
            Audience::NoneYet(stand_in) => stand_in,
        }
    }

    /// The end of a post's line: where it goes, unless that is the stand-in.
    fn to(&self, chat: &ChatTarget) -> String {
        match self {
            Audience::Chats(_) => format!("  → {chat}"),
            Audience::NoneYet(_) => String::new(),
        }
    }
}

/// The end of the heading.
impl fmt::Display for Audience {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Audience::Chats(chats) => write!(f, ", to {}", chat_list(chats)),
            Audience::NoneYet(_) => write!(f, " {NO_CHATS}"),
        }
    }
}

/// What the running bot remembers (posts done, announcements owed) and the
/// chats it posts to, with the languages it knows them to read, from the
/// state file if there is one, so the preview matches what the bot will do.
fn remembered(config: &Config) -> Result<(Memory, Vec<ChatTarget>, HashMap<ChatTarget, Lang>)> {
    if !crate::store::exists(config) {
        let chats = config.telegram.chats.clone();
        return Ok((Memory::default(), chats, HashMap::new()));
    }
    let store = crate::store::open(config)?;
    let memory = store.memory()?;
    let chats = store.targets(&config.telegram.chats)?;
    let languages = store.languages()?;
    store.close()?;
    Ok((memory, chats, languages))
}

/// `reminder, 7 days before · Rust Meetup`
fn describe(post: &Post, events: &[Event]) -> String {
    let title = |id: &str| {
        events
            .iter()
            .find(|e| e.id == id)
            .map_or(id.to_string(), |e| e.title.clone())
    };
    match &post.what {
        What::Digest { events: ids, .. } => {
            format!("digest: {}", count(ids.len(), "event", "events"))
        }
        What::Reminder { event, before } => {
            format!("reminder, {before} before · {}", title(event))
        }
        What::TalkReminder {
            event,
            talk,
            before,
        } => {
            let talk = events
                .iter()
                .find(|e| &e.id == event)
                .and_then(|e| e.talks().nth(*talk))
                .map(|t| t.title.plain())
                .unwrap_or_default();
            format!("talk reminder, {before} before · {talk} · {}", title(event))
        }
        What::Change { event, .. } => format!("change notice · {}", title(event)),
        What::Cancellation { facts, .. } => format!("cancellation · {}", facts.title),
        What::Recording { event } => format!("recordings · {}", title(event)),
        What::Announcement(announcement) => format!(
            "announcement #{} · {}",
            announcement.id,
            render::excerpt(&announcement.html)
        ),
    }
}
