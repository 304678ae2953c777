//! herald's own sentences: help, usage, "nothing found". Anything a member
//! typed is quoted back escaped, since it is as untrusted as page text.

use chrono_tz::Tz;

use crate::events::rich::escape_html;
use crate::events::Event;
use crate::lang::Lang;

use super::{bold, event_line};

/// `/start` and `/help`: what herald is for, then every command.
pub fn help<'a>(commands: impl IntoIterator<Item = (&'a str, &'a str)>, lang: Lang) -> String {
    let mut lines = vec![
        lang.pick(
            "👋 我是 herald，社区活动小助手：下一场活动、议程、讲者和往期分享，问我就好。",
            "👋 I'm herald, this community's meetup helper: ask me about the next event, \
             its agenda, speakers and past talks.",
        )
        .to_string(),
        String::new(),
    ];
    lines.extend(
        commands
            .into_iter()
            .map(|(name, description)| format!("/{name} — {}", escape_html(description))),
    );
    lines.push(String::new());
    lines.push(
        lang.pick(
            "私聊时直接发送名字或关键词，我会帮你找讲者和分享。",
            "In a private chat, just send a name or some words to look for speakers and talks.",
        )
        .to_string(),
    );
    lines.join("\n")
}

/// `/next` with nothing ahead: say so, and point at the last event.
pub fn no_upcoming(last: Option<&Event>, lang: Lang, tz: Tz) -> String {
    let mut text = lang
        .pick("暂时没有即将举行的活动。", "No upcoming events yet.")
        .to_string();
    if let Some(event) = last {
        text.push_str(lang.pick("\n最近一次活动：\n", "\nThe most recent one:\n"));
        text.push_str(&event_line(event, None, lang, tz));
    }
    text
}

/// Heading of an `/events` page; the page count only when there are several.
pub fn events_heading(past: bool, page: usize, pages: usize, lang: Lang) -> String {
    let title = if past {
        lang.pick("往期活动", "Past events")
    } else {
        lang.pick("即将举行的活动", "Upcoming events")
    };
    let mut text = format!("<b>{title}</b>");
    if pages > 1 {
        text.push_str(&match lang {
            Lang::Zh => format!("（第 {}/{pages} 页）", page + 1),
            Lang::En => format!(" (page {}/{pages})", page + 1),
        });
    }
    text
}

pub fn no_events(past: bool, lang: Lang) -> String {
    if past {
        lang.pick("还没有往期活动。", "No past events yet.")
    } else {
        lang.pick(
            "暂时没有即将举行的活动。发送 /events past 查看往期活动。",
            "No upcoming events yet. Send /events past for past ones.",
        )
    }
    .to_string()
}

/// Lines under an `/events` page: the buttons open agendas.
pub fn events_hint(lang: Lang) -> &'static str {
    lang.pick("点按钮查看议程。", "Tap a button for the agenda.")
}

pub fn no_such_event(query: &str, lang: Lang) -> String {
    let query = escape_html(query);
    match lang {
        Lang::Zh => format!(
            "找不到活动“{query}”。\n可以用 /events 列表里的编号（/agenda 1）、\
             活动标识或标题里的词（/agenda meetup）。"
        ),
        Lang::En => format!(
            "No event matches “{query}”.\nName one by its number in /events (/agenda 1), \
             its slug, or words of its title (/agenda meetup)."
        ),
    }
}

pub fn several_events(query: &str, lang: Lang) -> String {
    let query = escape_html(query);
    match lang {
        Lang::Zh => format!("有多个活动与“{query}”匹配，请选择："),
        Lang::En => format!("Several events match “{query}”; pick one:"),
    }
}

/// `/agenda` when there is no next event to default to.
pub fn no_next_agenda(lang: Lang) -> String {
    lang.pick(
        "暂时没有即将举行的活动。用 /agenda 加编号或标题查看往期议程，例如 /agenda meetup。",
        "No upcoming event. Name a past one, e.g. /agenda meetup; /events past lists them.",
    )
    .to_string()
}

pub fn speaker_usage(lang: Lang) -> String {
    lang.pick(
        "用法：/speaker 名字，例如 /speaker 周强",
        "Usage: /speaker name, e.g. /speaker Jane Doe",
    )
    .to_string()
}

pub fn talk_usage(lang: Lang) -> String {
    lang.pick(
        "用法：/talk 关键词，例如 /talk async tokio",
        "Usage: /talk words, e.g. /talk async tokio",
    )
    .to_string()
}

pub fn several_speakers(query: &str, names: &[&str], lang: Lang) -> String {
    let query = escape_html(query);
    let mut text = match lang {
        Lang::Zh => format!("有多位讲者与“{query}”匹配："),
        Lang::En => format!("Several speakers match “{query}”:"),
    };
    for name in names {
        // `<code>` so a tap copies the whole command, name included.
        text.push_str(&format!("\n• <code>/speaker {}</code>", escape_html(name)));
    }
    text
}

pub fn no_speaker(query: &str, suggestions: &[&str], lang: Lang) -> String {
    let query = escape_html(query);
    let mut text = match lang {
        Lang::Zh => format!("没有叫“{query}”的讲者。"),
        Lang::En => format!("No speaker named “{query}”."),
    };
    if !suggestions.is_empty() {
        let names: Vec<String> = suggestions.iter().map(|name| bold(name)).collect();
        text.push_str(&match lang {
            Lang::Zh => format!("\n你是不是要找：{}", names.join("、")),
            Lang::En => format!("\nDid you mean: {}", names.join(", ")),
        });
    }
    text
}

pub fn no_talks(query: &str, lang: Lang) -> String {
    let query = escape_html(query);
    match lang {
        Lang::Zh => format!("没有找到包含“{query}”的分享。"),
        Lang::En => format!("No talks about “{query}”."),
    }
}

/// A private message that matched neither a speaker nor a talk.
pub fn nothing_found(query: &str, lang: Lang) -> String {
    let query = escape_html(query);
    match lang {
        Lang::Zh => format!("没有找到与“{query}”相关的讲者或分享。发送 /help 查看我能做什么。"),
        Lang::En => {
            format!("No speakers or talks match “{query}”. Send /help to see what I can do.")
        }
    }
}

/// Whether a chat now gets reminders, said so that repeating a command is
/// harmless: "already subscribed" rather than a second confirmation.
pub fn subscription(subscribed: bool, changed: bool, lang: Lang) -> String {
    match (subscribed, changed) {
        (true, true) => lang.pick(
            "✅ 已订阅：新活动和活动提醒会发到这里。发送 /unsubscribe 取消。",
            "✅ Subscribed: new events and reminders will be posted here. Send /unsubscribe to stop.",
        ),
        (true, false) => lang.pick("这里已经订阅过了。", "This chat is already subscribed."),
        (false, true) => lang.pick(
            "已取消订阅，不会再发送提醒。发送 /subscribe 重新订阅。",
            "Unsubscribed: no more reminders. Send /subscribe to start again.",
        ),
        (false, false) => lang.pick("这里没有订阅。", "This chat is not subscribed."),
    }
    .to_string()
}

/// `/subscribe` or `/unsubscribe` in a group from a member who is not an
/// admin: a group's posts are its admins' decision.
pub fn admins_only(lang: Lang) -> String {
    lang.pick(
        "只有群管理员可以为本群订阅或取消订阅。",
        "Only this group's admins can subscribe or unsubscribe it.",
    )
    .to_string()
}

/// The state file could not be written; the member may simply retry.
pub fn not_saved(lang: Lang) -> String {
    lang.pick(
        "抱歉，现在没能保存，请稍后再试。",
        "Sorry, I couldn't save that just now. Please try again later.",
    )
    .to_string()
}

/// Told once to a member who sent more commands at once than herald
/// queues for one person: the rest were skipped, so others get answers.
pub fn slow_down(lang: Lang) -> String {
    lang.pick(
        "你发得太快了，有些命令我跳过了。请稍等片刻，再一条一条地发。",
        "You're sending commands faster than I can answer, so I skipped some. \
         Please wait a moment and send them one at a time.",
    )
    .to_string()
}

/// The pop-up for a button herald cannot read (an old version's, or made
/// up). Plain text: Telegram shows pop-ups without formatting.
pub fn stale_button(lang: Lang) -> &'static str {
    lang.pick(
        "这个按钮已经失效了，请重新发送命令。",
        "This button no longer works. Please send the command again.",
    )
}

pub fn unknown_command(name: &str, lang: Lang) -> String {
    let name = escape_html(name);
    match lang {
        Lang::Zh => format!("我不认识 /{name}。发送 /help 查看所有命令。"),
        Lang::En => format!("I don't know /{name}. Send /help for the commands."),
    }
}

/// Paging buttons; arrows read the same in every language.
pub const PREVIOUS_PAGE: &str = "◀";
pub const NEXT_PAGE: &str = "▶";

pub fn agenda_button(lang: Lang) -> String {
    lang.pick("📋 议程", "📋 Agenda").to_string()
}

/// Heading of talk results; says when only the newest are shown, so a
/// broad word does not flood the chat.
pub fn talks_heading(query: &str, shown: usize, total: usize, lang: Lang) -> String {
    let query = escape_html(query);
    let mut text = match lang {
        Lang::Zh => format!("<b>与“{query}”相关的分享：{total} 个</b>"),
        Lang::En => format!("<b>Talks about “{query}”: {total}</b>"),
    };
    if shown < total {
        text.push_str(&match lang {
            Lang::Zh => format!("\n只列出最新的 {shown} 个，加几个词可以缩小范围。"),
            Lang::En => format!("\nShowing the newest {shown}; add words to narrow it down."),
        });
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_input_is_escaped() {
        assert_eq!(
            no_speaker("<b>x", &[], Lang::En),
            "No speaker named “&lt;b&gt;x”."
        );
        assert_eq!(
            unknown_command("<x>", Lang::Zh),
            "我不认识 /&lt;x&gt;。发送 /help 查看所有命令。"
        );
    }

    #[test]
    fn suggestions_follow_the_language() {
        assert_eq!(
            no_speaker("周墙", &["周强", "周强强"], Lang::Zh),
            "没有叫“周墙”的讲者。\n你是不是要找：<b>周强</b>、<b>周强强</b>"
        );
    }

    #[test]
    fn repeating_a_subscription_is_acknowledged_as_such() {
        assert_eq!(
            subscription(true, false, Lang::En),
            "This chat is already subscribed."
        );
        assert!(subscription(false, true, Lang::Zh).starts_with("已取消订阅"));
    }
}
