//! What herald says around a calendar: the 📅 button, the caption of an
//! `/ics` file, the feeds' names in calendar apps, and `/calendar`'s
//! replies with a member's feed link. The file itself is
//! [`crate::calendar`]'s.

use chrono_tz::Tz;

use super::{bold, when};
use crate::events::rich::escape_html;
use crate::events::Event;
use crate::lang::Lang;

/// The button that sends an event's `.ics` file.
pub fn calendar_button(lang: Lang) -> String {
    lang.pick("📅 添加到日历", "📅 Add to calendar").to_string()
}

/// The same, where a row has room for the icon only (`/events`).
pub const CALENDAR_ICON: &str = "📅";

/// The caption of an event's `.ics` file.
pub fn calendar_caption(event: &Event, lang: Lang, tz: Tz) -> String {
    let event = &*event.in_lang(lang);
    let hint = lang.pick(
        "打开这个文件，即可把活动加入日历。",
        "Open this file to add the event to your calendar.",
    );
    format!(
        "{}\n🗓 {}\n{hint}",
        bold(&event.title),
        when(event, lang, tz)
    )
}

/// `/ics` for an event whose page gives no date.
pub fn no_calendar_date(event: &Event, lang: Lang) -> String {
    let title = bold(event.title_in(lang));
    match lang {
        Lang::Zh => format!("{title} 还没有日期，暂时无法加入日历。"),
        Lang::En => format!("{title} has no date yet, so it cannot go in a calendar."),
    }
}

/// The feed's name, as a calendar app lists it (`X-WR-CALNAME`).
pub fn calendar_name(host: Option<&str>, lang: Lang) -> String {
    let host = host.unwrap_or("herald");
    match lang {
        Lang::Zh => format!("{host} 活动"),
        Lang::En => format!("{host} events"),
    }
}

/// A member's own feed's name, as a calendar app lists it.
pub fn personal_calendar_name(host: Option<&str>, lang: Lang) -> String {
    let host = host.unwrap_or("herald");
    match lang {
        Lang::Zh => format!("{host} 我关注的"),
        Lang::En => format!("{host}: what I follow"),
    }
}

/// `/calendar`: the member's feed link. `url` is the whole address, or
/// `None` where the operator has not said herald's public address yet: the
/// path is then shown, for the member to ask for the rest.
pub fn feed_link(url: Option<&str>, path: &str, reset: bool, lang: Lang) -> String {
    let mut lines = Vec::new();
    if reset {
        lines.push(
            lang.pick(
                "旧的日历链接已失效，这是新的：",
                "Your old calendar link no longer works. Here is the new one:",
            )
            .to_string(),
        );
    } else {
        lines.push(
            lang.pick(
                "你的个人日历：你关注的活动和分享。在日历应用里订阅这个链接：",
                "Your own calendar of the events and talks you follow. \
                 Subscribe to this link in your calendar app:",
            )
            .to_string(),
        );
    }
    match url {
        Some(url) => lines.push(format!("<code>{}</code>", escape_html(url))),
        None => {
            lines.push(format!("<code>{}</code>", escape_html(path)));
            lines.push(
                lang.pick(
                    "（管理员还没有设置 herald 的网址：请向他们要链接的前半部分。）",
                    "(The operator has not set herald's web address yet: \
                     ask them for the part before this path.)",
                )
                .to_string(),
            );
        }
    }
    lines.push(String::new());
    lines.push(
        lang.pick(
            "这个链接只属于你，请勿分享。/calendar reset 会让它失效并换一个新的。",
            "The link is yours alone: keep it private. \
             /calendar reset revokes it and gives you a new one.",
        )
        .to_string(),
    );
    lines.join("\n")
}

/// `/calendar` in a group: a feed link is private. `start` is the bot's
/// deep link, where its username is known.
pub fn feed_in_private(start: Option<&str>, lang: Lang) -> String {
    let ask = lang.pick(
        "个人日历链接只在私聊中发送：",
        "Your calendar link is sent in a private chat only:",
    );
    match start {
        Some(start) => format!(
            "{ask} <a href=\"{}\">{}</a>",
            escape_html(start),
            lang.pick("私聊我发送 /calendar", "send me /calendar there")
        ),
        None => format!(
            "{ask} {}",
            lang.pick("私聊我发送 /calendar。", "send me /calendar there.")
        ),
    }
}

/// `/calendar` where no feed is kept: the console.
pub fn feed_elsewhere(lang: Lang) -> String {
    lang.pick(
        "个人日历链接由机器人在私聊中发送。",
        "Your calendar link comes from the bot, in a private chat.",
    )
    .to_string()
}
