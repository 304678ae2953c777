//! Chat commands: text in, [`Reply`] out. Pure: the catalog, the clock and
//! the reader's language come in a [`Context`], and every word of the reply
//! is written by [`crate::render`]. Adapters only deliver.

mod agenda;
mod announce;
mod calendar;
mod callback;
mod events;
mod follow;
mod help;
mod ics;
mod inline;
mod next;
mod search;
mod speaker;
mod subscribe;
mod talk;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;

use crate::events::ids::Target;
use crate::events::Catalog;
use crate::lang::Lang;
use crate::render;

pub use announce::{
    announce_usage, cancelled, confirmed, due, pending, preview, refuse_announcement, refuse_time,
    Act, Announce, BadTime,
};
pub use calendar::{feed, feed_in_private, feed_path, Tokens};
pub use callback::{answer_callback, Callback, SlugRef};
pub use follow::{
    follow_button, mute, personal, press, refuse_mute, remind_button, Follows, Mutes,
};
pub use inline::{cards, page as inline_page, Card, Page};
pub use subscribe::{not_saved, refuse_subscription, subscription, Subscriptions};

/// Everything an answer depends on besides the command itself.
#[derive(Debug, Clone, Copy)]
pub struct Context<'a> {
    pub catalog: &'a Catalog,
    pub now: DateTime<Utc>,
    pub lang: Lang,
    pub tz: Tz,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    Start,
    Help,
    Next,
    Events {
        past: bool,
    },
    Agenda(String),
    /// An event as a calendar file: the next one, or the one named.
    Ics(String),
    /// A member's own calendar feed link; `reset` revokes it for a new one.
    Calendar {
        reset: bool,
    },
    Speaker(String),
    Talk(String),
    Subscribe,
    Unsubscribe,
    /// Follow a speaker's talks, by name.
    Follow(String),
    Unfollow(String),
    /// `/start talk_<id>` and the like: a deep link from a web page.
    FollowLink(Target),
    /// What the member follows.
    My,
    /// How long before a followed talk to remind.
    Remind(String),
    /// Stop (or bring back) an event's talk reminders in this chat.
    Mute(String),
    Unmute(String),
    /// Delete everything kept about the member.
    Forget,
    /// An organizer's announcement to every chat.
    Announce(Announce),
    /// An organizer's list of announcements waiting to go out.
    Announcements,
    /// Plain text; adapters pass it on only from private chats, where a
    /// message is clearly meant for herald.
    Search(String),
    /// A command herald does not know, by name without the slash.
    Unknown(String),
}

impl Command {
    /// The command's name, for logs: never the member's own words.
    pub fn name(&self) -> &'static str {
        match self {
            Command::Start => "start",
            Command::Help => "help",
            Command::Next => "next",
            Command::Events { .. } => "events",
            Command::Agenda(_) => "agenda",
            Command::Ics(_) => "ics",
            Command::Calendar { .. } => "calendar",
            Command::Speaker(_) => "speaker",
            Command::Talk(_) => "talk",
            Command::Subscribe => "subscribe",
            Command::Unsubscribe => "unsubscribe",
            Command::Follow(_) => "follow",
            Command::Unfollow(_) => "unfollow",
            Command::FollowLink(_) => "start",
            Command::My => "my",
            Command::Remind(_) => "remind",
            Command::Mute(_) => "mute",
            Command::Unmute(_) => "unmute",
            Command::Forget => "forget",
            Command::Announce(_) => "announce",
            Command::Announcements => "announcements",
            Command::Search(_) => "search",
            Command::Unknown(_) => "unknown",
        }
    }
}

/// A command herald understands, described for `/help` and Telegram's
/// `setMyCommands`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CommandInfo {
    pub name: &'static str,
    pub zh: &'static str,
    pub en: &'static str,
}

impl CommandInfo {
    pub fn description(&self, lang: Lang) -> &'static str {
        lang.pick(self.zh, self.en)
    }
}

pub const COMMANDS: &[CommandInfo] = &[
    CommandInfo {
        name: "next",
        zh: "下一场活动",
        en: "The next event",
    },
    CommandInfo {
        name: "events",
        zh: "即将举行的活动（/events past 查看往期）",
        en: "Upcoming events (/events past for past ones)",
    },
    CommandInfo {
        name: "agenda",
        zh: "活动议程：/agenda [编号或标题]",
        en: "An event's agenda: /agenda [number or title]",
    },
    CommandInfo {
        name: "ics",
        zh: "把活动加入日历：/ics [编号或标题]",
        en: "Add an event to your calendar: /ics [number or title]",
    },
    CommandInfo {
        name: "calendar",
        zh: "你关注的活动和分享的个人日历链接（私聊）",
        en: "Your own calendar of what you follow (private chat)",
    },
    CommandInfo {
        name: "speaker",
        zh: "讲者和他们的分享：/speaker 名字",
        en: "A speaker's talks: /speaker name",
    },
    CommandInfo {
        name: "talk",
        zh: "按关键词找分享：/talk 关键词",
        en: "Find talks: /talk words",
    },
    CommandInfo {
        name: "subscribe",
        zh: "在这里接收新活动和提醒",
        en: "Get new events and reminders here",
    },
    CommandInfo {
        name: "unsubscribe",
        zh: "不再接收提醒",
        en: "Stop reminders",
    },
    CommandInfo {
        name: "follow",
        zh: "关注讲者，私信提醒他们的分享：/follow 名字",
        en: "Follow a speaker's talks, reminded in private: /follow name",
    },
    CommandInfo {
        name: "unfollow",
        zh: "取消关注讲者：/unfollow 名字",
        en: "Stop following a speaker: /unfollow name",
    },
    CommandInfo {
        name: "my",
        zh: "我关注的分享、活动和讲者",
        en: "The talks, events and speakers you follow",
    },
    CommandInfo {
        name: "remind",
        zh: "关注的分享提前多久提醒：/remind 15m",
        en: "How early to remind you of followed talks: /remind 15m",
    },
    CommandInfo {
        name: "mute",
        zh: "本聊天不再收到某活动的分享提醒：/mute [活动]",
        en: "No talk reminders of an event in this chat: /mute [event]",
    },
    CommandInfo {
        name: "unmute",
        zh: "恢复某活动的分享提醒：/unmute [活动]",
        en: "Talk reminders of an event again: /unmute [event]",
    },
    CommandInfo {
        name: "forget",
        zh: "删除我保存的关于你的一切",
        en: "Delete everything herald keeps about you",
    },
    CommandInfo {
        name: "help",
        zh: "所有命令",
        en: "All commands",
    },
];

/// Words after `/events` asking for past events instead of upcoming ones.
const PAST: &[&str] = &["past", "过去", "往期"];

/// The word after `/calendar` asking for a new link.
const RESET: &[&str] = &["reset", "重置"];

/// Parses chat text. `/cmd@botname args` is accepted when botname is ours
/// (case-insensitive); a command addressed to another bot in a group is
/// none of our business. Plain text is a search; empty text is nothing.
pub fn parse(text: &str, bot_username: Option<&str>) -> Option<Command> {
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    let Some(command) = text.strip_prefix('/') else {
        return Some(Command::Search(text.to_string()));
    };
    let (head, args) = command
        .split_once(char::is_whitespace)
        .map_or((command, ""), |(head, args)| (head, args.trim()));
    let (name, addressee) = head
        .split_once('@')
        .map_or((head, None), |(name, bot)| (name, Some(bot)));
    if let (Some(addressee), Some(ours)) = (addressee, bot_username) {
        if !addressee.eq_ignore_ascii_case(ours.trim_start_matches('@')) {
            return None;
        }
    }
    let args = args.to_string();
    Some(match name.to_ascii_lowercase().as_str() {
        "start" => match Target::from_payload(&args) {
            Some(target) => Command::FollowLink(target),
            None => Command::Start,
        },
        "help" => Command::Help,
        "next" => Command::Next,
        "events" => Command::Events {
            past: PAST.iter().any(|word| args.eq_ignore_ascii_case(word)),
        },
        "agenda" => Command::Agenda(args),
        "ics" => Command::Ics(args),
        "calendar" => Command::Calendar {
            reset: RESET.iter().any(|word| args.eq_ignore_ascii_case(word)),
        },
        "speaker" => Command::Speaker(args),
        "talk" => Command::Talk(args),
        "subscribe" => Command::Subscribe,
        "unsubscribe" => Command::Unsubscribe,
        "follow" => Command::Follow(args),
        "unfollow" => Command::Unfollow(args),
        "my" => Command::My,
        "remind" => Command::Remind(args),
        "mute" => Command::Mute(args),
        "unmute" => Command::Unmute(args),
        "forget" => Command::Forget,
        "announce" => Command::Announce(Announce::parse(&args)),
        "announcements" => Command::Announcements,
        _ => Command::Unknown(name.to_string()),
    })
}

pub fn answer(command: &Command, ctx: &Context) -> Reply {
    match command {
        Command::Start | Command::Help => help::answer(ctx),
        Command::Next => next::answer(ctx),
        Command::Events { past } => events::answer(ctx, *past, 0),
        Command::Agenda(query) => agenda::answer(ctx, query),
        Command::Ics(query) => ics::answer(ctx, query),
        // Tokens are kept by the bot: adapters that keep them answer this
        // through `feed`.
        Command::Calendar { .. } => Reply::html(render::feed_elsewhere(ctx.lang)),
        Command::Speaker(name) => speaker::answer(ctx, name),
        Command::Talk(words) => talk::answer(ctx, words),
        // A context keeps no chat's state: adapters that keep subscriptions
        // answer these through `subscription`. Here nothing is kept, and
        // the reply does not pretend otherwise.
        Command::Subscribe | Command::Unsubscribe => not_saved(ctx.lang),
        // The same for what a member follows and a chat mutes.
        Command::Follow(_)
        | Command::Unfollow(_)
        | Command::FollowLink(_)
        | Command::My
        | Command::Remind(_)
        | Command::Mute(_)
        | Command::Unmute(_)
        | Command::Forget => not_saved(ctx.lang),
        // Announcing takes an organizer on Telegram, or `herald announce`.
        Command::Announce(_) | Command::Announcements => {
            Reply::html(render::announce_elsewhere(ctx.lang))
        }
        Command::Search(text) => search::answer(ctx, text),
        Command::Unknown(name) => Reply::html(render::unknown_command(name, ctx.lang)),
    }
}

/// What herald sends back: one or more messages, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    pub messages: Vec<Message>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    /// Telegram HTML, at most [`render::MESSAGE_LIMIT`] long.
    pub html: String,
    /// Rows of inline buttons.
    pub buttons: Vec<Vec<Button>>,
    /// A file sent with `html` as its caption.
    pub document: Option<Document>,
}

/// An event's calendar file. The command names it; the adapter writes it
/// from the feed it keeps (see [`crate::calendar`]), because the file's
/// SEQUENCE must be the feed's, which lives in the state file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document {
    /// The event's slug.
    pub event: String,
    /// `<slug>.ics`.
    pub filename: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Button {
    pub text: String,
    /// A [`Callback`], encoded.
    pub data: String,
}

impl Reply {
    /// Everything the reply says as terminal text, `between` its messages.
    pub fn plain(&self, between: &str) -> String {
        let texts: Vec<String> = self
            .messages
            .iter()
            .map(|m| render::html_to_plain(&m.html))
            .collect();
        texts.join(between)
    }

    fn html(html: String) -> Reply {
        Reply::blocks(vec![html])
    }

    /// Blocks packed into as many messages as Telegram's limit needs.
    fn blocks(blocks: Vec<String>) -> Reply {
        let messages = render::pack(blocks)
            .into_iter()
            .map(|html| Message {
                html,
                buttons: Vec::new(),
                document: None,
            })
            .collect();
        Reply { messages }
    }

    /// Buttons go under the last message, where the reader ends up.
    fn with_buttons(mut self, buttons: Vec<Vec<Button>>) -> Reply {
        if let Some(last) = self.messages.last_mut() {
            last.buttons = buttons;
        }
        self
    }
}

impl Button {
    fn new(text: String, callback: &Callback) -> Button {
        Button {
            text,
            data: callback.encode(),
        }
    }
}

/// Small catalogs and contexts for the command tests.
#[cfg(test)]
pub(crate) mod testing {
    use super::*;
    use crate::events::catalog::fixtures::*;

    pub(crate) const BEIJING: Tz = chrono_tz::Asia::Shanghai;

    pub(crate) fn context<'c>(catalog: &'c Catalog, now: &str, lang: Lang) -> Context<'c> {
        Context {
            catalog,
            now: utc(now),
            lang,
            tz: BEIJING,
        }
    }

    /// Two past meetups and one to come, with talks by 周强 and Jane Doe.
    pub(crate) fn community() -> Catalog {
        Catalog::new(vec![
            event("2021-04-rust", "Rust 北京 Meetup 四月", "2021-04-17 13:00")
                .ends("2021-04-17 18:00")
                .city("北京")
                .tags(&["rust"])
                .talk(
                    talk("异步 Rust 入门")
                        .by(speaker_at("周强", "PingCAP"))
                        .abstract_("async/await 与 tokio"),
                )
                .build(),
            event("2021-06-rust", "Rust 上海 Meetup 六月", "2021-06-12 13:00")
                .ends("2021-06-12 18:00")
                .city("上海")
                .tags(&["rust", "embedded"])
                .talk(talk("嵌入式 Rust").by(speaker_at("Jane Doe", "Ferrous")))
                .talk(talk("Tokio 调度器").by(speaker("周强")))
                .build(),
            event("2021-09-rust", "Rust 北京 Meetup 九月", "2021-09-18 13:00")
                .ends("2021-09-18 18:00")
                .city("北京")
                .register("https://example.com/register")
                .talk(
                    talk("Rust in production")
                        .slot("2021-09-18 13:30", "2021-09-18 14:15")
                        .by(speaker_at("Jane Doe", "Ferrous")),
                )
                .build(),
        ])
    }

    /// Everything a reader sees, as terminal text, messages joined.
    pub(crate) fn seen(reply: &Reply) -> String {
        reply.plain("\n---\n")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands_and_arguments() {
        assert_eq!(parse("/start", None), Some(Command::Start));
        assert_eq!(parse("  /HELP  ", None), Some(Command::Help));
        assert_eq!(
            parse("/events", None),
            Some(Command::Events { past: false })
        );
        assert_eq!(
            parse("/events past", None),
            Some(Command::Events { past: true })
        );
        assert_eq!(
            parse("/events 过去", None),
            Some(Command::Events { past: true })
        );
        assert_eq!(
            parse("/agenda  rust  meetup ", None),
            Some(Command::Agenda("rust  meetup".into()))
        );
        assert_eq!(
            parse("/speaker 周 强", None),
            Some(Command::Speaker("周 强".into()))
        );
        assert_eq!(
            parse("/speaker\n周强", None),
            Some(Command::Speaker("周强".into()))
        );
        assert_eq!(
            parse("/frobnicate x", None),
            Some(Command::Unknown("frobnicate".into()))
        );
    }

    #[test]
    fn commands_addressed_to_bots() {
        assert_eq!(
            parse("/next@HeraldBot", Some("heraldbot")),
            Some(Command::Next)
        );
        assert_eq!(
            parse("/next@herald_bot", Some("@Herald_Bot")),
            Some(Command::Next)
        );
        assert_eq!(parse("/next@otherbot", Some("heraldbot")), None);
        assert_eq!(
            parse("/talk@HeraldBot async", Some("heraldbot")),
            Some(Command::Talk("async".into()))
        );
    }

    #[test]
    fn plain_text_is_a_search_and_empty_text_nothing() {
        assert_eq!(parse("周强", None), Some(Command::Search("周强".into())));
        assert_eq!(parse("   ", None), None);
    }

    #[test]
    fn unknown_commands_point_to_help() {
        let catalog = testing::community();
        let ctx = testing::context(&catalog, "2021-05-01 00:00", Lang::En);
        let reply = answer(&Command::Unknown("frobnicate".into()), &ctx);
        assert_eq!(
            testing::seen(&reply),
            "I don't know /frobnicate. Send /help for the commands."
        );
    }

    #[test]
    fn every_command_is_described_in_both_languages() {
        for command in COMMANDS {
            assert!(!command.zh.is_empty() && !command.en.is_empty());
            let parsed = parse(&format!("/{}", command.name), None);
            assert!(
                !matches!(parsed, Some(Command::Unknown(_)) | None),
                "{}",
                command.name
            );
            assert_eq!(parsed.map(|c| c.name()), Some(command.name));
        }
    }
}
