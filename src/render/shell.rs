//! What `herald announce` and `herald announcements` say in the
//! organizer's shell: plain text in the command line's language
//! ([`Lang::of_shell`]), with hints in the command line's syntax (`--at`,
//! `--yes`, `--cancel`), never the chat's.

use std::path::Path;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;

use super::stamp;
use crate::lang::{tally, Lang};

/// Followed by the OS's reason.
pub fn shell_unreadable_file(file: &Path, lang: Lang) -> String {
    let file = file.display();
    match lang {
        Lang::Zh => format!("{file}：读不了公告文件"),
        Lang::En => format!("{file}: cannot read the announcement"),
    }
}

pub fn shell_empty_file(file: &Path, lang: Lang) -> String {
    let file = file.display();
    match lang {
        Lang::Zh => format!("{file}：里面没有可以发的内容"),
        Lang::En => format!("{file}: there is nothing to announce in it"),
    }
}

/// Above the announcement, shown as members will read it.
pub fn shell_as_posted(lang: Lang) -> &'static str {
    lang.pick(
        "公告发出后是这样的：",
        "The announcement, as it will be posted:",
    )
}

/// Where and when it goes: `To 2 chats now: -1001, @rust`.
pub fn shell_audience(
    chats: &[String],
    due: Option<DateTime<Utc>>,
    pin: bool,
    lang: Lang,
    tz: Tz,
) -> String {
    let list = match chats.is_empty() {
        true => String::new(),
        false => format!("{}{}", lang.pick("：", ": "), chats.join(", ")),
    };
    match lang {
        Lang::Zh => {
            let when = due.map_or("现在发出".to_string(), |due| {
                format!("定于 {} 发出", stamp(due, tz))
            });
            let pin = if pin {
                "，能置顶的地方会置顶"
            } else {
                ""
            };
            format!("发到 {} 个聊天，{when}{pin}{list}", chats.len())
        }
        Lang::En => {
            let when = due.map_or("now".to_string(), |due| format!("at {}", stamp(due, tz)));
            let pin = if pin { ", pinned where herald may" } else { "" };
            let to = tally(chats.len(), "chat", "chats");
            format!("To {to} {when}{pin}{list}")
        }
    }
}

pub fn shell_confirm(lang: Lang) -> &'static str {
    lang.pick("发出吗？[y/N] ", "Post it? [y/N] ")
}

pub fn shell_not_posted(lang: Lang) -> &'static str {
    lang.pick("没有发出。", "Not posted.")
}

pub fn shell_no_terminal(lang: Lang) -> &'static str {
    lang.pick(
        "没有终端可以确认：加上 --yes 就不再询问，直接发出",
        "no terminal to confirm on: pass --yes to post without asking",
    )
}

/// A `herald announce --at` stored for the running bot.
pub fn shell_stored(id: i64, due: DateTime<Utc>, lang: Lang, tz: Tz) -> String {
    let due = stamp(due, tz);
    match lang {
        Lang::Zh => format!(
            "已存为公告 #{id}：运行中的 herald run 会在 {due} 发出。\
             herald announcements 可以查看，herald announcements --cancel {id} 可以撤回。"
        ),
        Lang::En => format!(
            "Stored as announcement #{id}: the running bot (herald run) posts it at {due}. \
             `herald announcements` lists it; `herald announcements --cancel {id}` withdraws it."
        ),
    }
}

/// `herald announcements --cancel` answered: withdrawn.
pub fn shell_withdrawn(id: i64, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("公告 #{id} 已撤回：herald 不会发出它。"),
        Lang::En => format!("Announcement #{id} withdrawn: herald will not post it."),
    }
}

pub fn shell_no_such_announcement(id: i64, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("没有公告 #{id}。herald announcements 列出所有公告。"),
        Lang::En => format!("There is no announcement #{id}; `herald announcements` lists them."),
    }
}

/// Too late to withdraw: every chat had its try, at `finished` if known.
pub fn shell_already_sent(id: i64, finished: Option<DateTime<Utc>>, lang: Lang, tz: Tz) -> String {
    let at = finished.map(|at| stamp(at, tz));
    match (lang, at) {
        (Lang::Zh, Some(at)) => format!("公告 #{id} 已经在 {at} 发出，无法撤回。"),
        (Lang::Zh, None) => format!("公告 #{id} 已经发出，无法撤回。"),
        (Lang::En, Some(at)) => {
            format!("Announcement #{id} was already sent ({at}); there is nothing to withdraw.")
        }
        (Lang::En, None) => {
            format!("Announcement #{id} was already sent; there is nothing to withdraw.")
        }
    }
}

pub fn shell_already_cancelled(id: i64, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("公告 #{id} 之前已经撤回了，没有发出。"),
        Lang::En => format!("Announcement #{id} was already cancelled; it was not posted."),
    }
}

pub fn shell_under_way(id: i64, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("公告 #{id} 到了发送时间，正在发出，已经不能撤回。"),
        Lang::En => {
            format!("Announcement #{id} is due and going out; it can no longer be withdrawn.")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BEIJING: Tz = chrono_tz::Asia::Shanghai;

    fn chats(n: usize) -> Vec<String> {
        (1..=n).map(|chat| format!("-{chat}")).collect()
    }

    #[test]
    fn the_audience_is_counted_in_words_that_agree() {
        let due = "2026-12-01T02:00:00Z".parse().unwrap();
        let en = |n, due| shell_audience(&chats(n), due, false, Lang::En, BEIJING);
        assert_eq!(en(0, None), "To no chats now");
        assert_eq!(en(1, None), "To 1 chat now: -1");
        assert_eq!(
            en(2, Some(due)),
            "To 2 chats at 2026-12-01 10:00 UTC+08:00: -1, -2"
        );
        assert_eq!(
            shell_audience(&chats(1), Some(due), true, Lang::Zh, BEIJING),
            "发到 1 个聊天，定于 2026-12-01 10:00 UTC+08:00 发出，能置顶的地方会置顶：-1"
        );
    }

    #[test]
    fn a_withdrawal_too_late_says_when_it_went() {
        let done = "2026-12-01T02:03:00Z".parse().unwrap();
        assert_eq!(
            shell_already_sent(4, Some(done), Lang::En, BEIJING),
            "Announcement #4 was already sent (2026-12-01 10:03 UTC+08:00); \
             there is nothing to withdraw."
        );
        assert_eq!(
            shell_already_sent(4, None, Lang::Zh, BEIJING),
            "公告 #4 已经发出，无法撤回。"
        );
    }
}
