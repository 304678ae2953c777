//! What members read about following: confirmations, `/my`, `/remind`,
//! `/mute`, `/forget`, and the labels of the 🔔 buttons.

use crate::duration::HumanDuration;
use crate::events::rich::escape_html;
use crate::lang::Lang;

/// The 🔔 under an event: its label says whether the member follows it.
pub fn follow_button(on: bool, lang: Lang) -> String {
    match on {
        false => lang.pick("🔔 关注", "🔔 Follow"),
        true => lang.pick("✅ 已关注", "✅ Following"),
    }
    .to_string()
}

/// The 🔔 where a row has room for the icon only (`/events`).
pub const FOLLOW_ICON: &str = "🔔";

/// The 🔔 under a talk.
pub fn remind_button(on: bool, lang: Lang) -> String {
    match on {
        false => lang.pick("🔔 提醒我", "🔔 Remind me"),
        true => lang.pick("✅ 会提醒", "✅ Reminding"),
    }
    .to_string()
}

/// The button of one line of `/my`.
pub fn unfollow_button(name: &str, lang: Lang) -> String {
    let name: String = name.chars().take(30).collect();
    format!("{} {name}", lang.pick("✖ 取消", "✖ Unfollow"))
}

/// Following (`on`) or not `name` (plain text, escaped here), and whether
/// that `changed` anything; `lead` is when a talk's reminder comes.
pub fn followed(name: &str, on: bool, changed: bool, lead: HumanDuration, lang: Lang) -> String {
    let name = escape_html(name);
    match (on, changed, lang) {
        (true, true, Lang::Zh) => format!(
            "🔔 已关注 <b>{name}</b>：每个分享开始前 {lead} 私信提醒你。\n/my 查看关注，/remind 调整提前多久。"
        ),
        (true, true, Lang::En) => format!(
            "🔔 Following <b>{name}</b>: I'll message you privately {lead} before each talk starts.\n/my lists what you follow, /remind sets how early."
        ),
        (true, false, Lang::Zh) => format!("你已经关注了 <b>{name}</b>。"),
        (true, false, Lang::En) => format!("You already follow <b>{name}</b>."),
        (false, true, Lang::Zh) => format!("已取消关注 <b>{name}</b>。"),
        (false, true, Lang::En) => format!("You no longer follow <b>{name}</b>."),
        (false, false, Lang::Zh) => format!("你没有关注 <b>{name}</b>。"),
        (false, false, Lang::En) => format!("You don't follow <b>{name}</b>."),
    }
}

/// The pop-up of a 🔔 press: short, plain text.
pub fn pressed(name: &str, on: bool, lang: Lang) -> String {
    let name: String = name.chars().take(60).collect();
    match (on, lang) {
        (true, Lang::Zh) => format!("🔔 已关注：{name}，会私信提醒你"),
        (true, Lang::En) => format!("🔔 Following {name}: reminders come in private"),
        (false, Lang::Zh) => format!("已取消关注：{name}"),
        (false, Lang::En) => format!("No longer following {name}"),
    }
}

/// Added to a press in a group by a member herald may not write to yet.
pub fn start_me(lang: Lang) -> &'static str {
    lang.pick(
        "先私聊我一次（点开后按“开始”），我才能私信提醒你。",
        "Open a private chat with me (press Start) so I can send you the reminders.",
    )
}

pub fn follow_usage(lang: Lang) -> String {
    lang.pick(
        "关注谁？/follow 讲者名字，例如 /follow 周强",
        "Follow whom? /follow speaker name, for example /follow Jane Doe",
    )
    .to_string()
}

/// The first line of `/my`.
pub fn my_heading(lead: HumanDuration, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("<b>你关注的</b>（分享开始前 {lead} 提醒）"),
        Lang::En => format!("<b>What you follow</b> (reminded {lead} before each talk)"),
    }
}

/// A line of `/my`: what it is (HTML) and when.
pub fn my_line(what: &str, when: Option<&str>, lang: Lang) -> String {
    match when {
        Some(when) => format!("• {what} · {when}"),
        None => format!(
            "• {what} · {}",
            lang.pick("时间待定", "time to be announced")
        ),
    }
}

/// A line of `/my` for a talk or event no longer on any page: the follow
/// is kept, so it comes back should the page.
pub fn my_gone(kind: &str, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("• 一个已不在议程上的{}", zh_kind(kind)),
        Lang::En => format!("• A {kind} no longer on the programme"),
    }
}

fn zh_kind(kind: &str) -> &'static str {
    match kind {
        "talk" => "分享",
        "event" => "活动",
        _ => "讲者",
    }
}

pub fn my_empty(lang: Lang) -> String {
    lang.pick(
        "你还没有关注任何分享、活动或讲者。在 /agenda 里点 🔔，或 /follow 讲者名字。",
        "You don't follow anything yet. Press 🔔 in /agenda, or send /follow speaker name.",
    )
    .to_string()
}

pub fn lead_set(lead: HumanDuration, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("好的：关注的分享开始前 {lead} 提醒你。"),
        Lang::En => format!("Done: I'll remind you {lead} before each talk you follow."),
    }
}

pub fn remind_usage(lead: HumanDuration, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("现在是开始前 {lead} 提醒。换一个：/remind 15m（或 1h、30m）"),
        Lang::En => {
            format!(
                "You're reminded {lead} before each talk. To change it: /remind 15m (or 1h, 30m)"
            )
        }
    }
}

/// `/mute` (`on`) or `/unmute` of an event's talk reminders in this chat.
pub fn muted(event: &str, on: bool, changed: bool, lang: Lang) -> String {
    let event = escape_html(event);
    match (on, changed, lang) {
        (true, true, Lang::Zh) => {
            format!("🔇 本聊天不再收到 <b>{event}</b> 的分享提醒。/unmute 恢复。")
        }
        (true, true, Lang::En) => format!(
            "🔇 This chat gets no more talk reminders for <b>{event}</b>. /unmute brings them back."
        ),
        (true, false, Lang::Zh) => format!("<b>{event}</b> 的分享提醒已经静音。"),
        (true, false, Lang::En) => {
            format!("Talk reminders for <b>{event}</b> are already muted here.")
        }
        (false, true, Lang::Zh) => format!("🔔 本聊天会再收到 <b>{event}</b> 的分享提醒。"),
        (false, true, Lang::En) => {
            format!("🔔 This chat gets talk reminders for <b>{event}</b> again.")
        }
        (false, false, Lang::Zh) => format!("<b>{event}</b> 的分享提醒没有静音。"),
        (false, false, Lang::En) => {
            format!("Talk reminders for <b>{event}</b> are not muted here.")
        }
    }
}

pub fn mute_admins_only(lang: Lang) -> String {
    lang.pick(
        "只有群管理员可以为本群静音或取消静音。",
        "Only this group's admins can mute or unmute it.",
    )
    .to_string()
}

/// `/forget`: whether anything was kept.
pub fn forgotten(any: bool, lang: Lang) -> String {
    match any {
        true => lang.pick(
            "🗑 已删除我保存的关于你的一切：关注、提醒时间。",
            "🗑 Deleted everything I kept about you: what you follow and your reminder time.",
        ),
        false => lang.pick("我没有保存关于你的任何信息。", "I kept nothing about you."),
    }
    .to_string()
}
