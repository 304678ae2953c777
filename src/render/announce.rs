//! Announcements: the organizer's words go out as they wrote them; herald's
//! own words here are the preview around them, the report after, and the
//! refusals. An organizer reads the report to know which chats to follow
//! up by hand, so it names every chat that did not get the post, and why.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;

use super::{moment, pack, shorten, stamp};
use crate::events::rich::escape_html;
use crate::events::Rich;
use crate::lang::{count, tally, Lang};
use crate::schedule::runner::Pin;
use crate::store::{Delivered, Outcome};

use super::plain::html_to_plain;

/// How much of an announcement `/announcements` quotes.
const EXCERPT: usize = 60;
/// Chats named per list in a report, so it stays one message however many
/// chats failed; `herald announcements` names them all.
const NAMED: usize = 20;

/// An announcement's messages: the organizer's HTML, cut where Telegram's
/// limit needs it.
pub fn announcement(html: &str) -> Vec<String> {
    pack([html.to_string()])
}

/// Markdown from an organizer's file as Telegram HTML, read by the same
/// CommonMark parser as event text ([`Rich`]): links, emphasis, code and
/// lists kept, headings bold, `<b>`, `<i>` and `<br>` kept and other HTML
/// tags dropped as on the site, everything else escaped, and paragraphs a
/// blank line apart as written.
pub fn markdown(text: &str) -> String {
    let mut blocks = Vec::new();
    let mut lines: Vec<&str> = Vec::new();
    let mut fence = None;
    for line in text.lines() {
        // In a fenced code block, blank and `#` lines are code.
        if let Some(marker) = fence {
            lines.push(line);
            if line.trim_start().starts_with(marker) {
                fence = None;
            }
            continue;
        }
        // ```` ```code``` ```` on one line is a code span, not a fence.
        let opening = line.trim_start();
        fence = ["```", "~~~"]
            .into_iter()
            .find(|marker| opening.starts_with(marker) && !opening[3..].contains(marker));
        let heading = heading(line).filter(|_| fence.is_none());
        if (line.trim().is_empty() || heading.is_some()) && !lines.is_empty() {
            blocks.push(Rich::from_lines(&lines).html());
            lines.clear();
        }
        match heading {
            Some(title) => blocks.push(format!("<b>{}</b>", Rich::inline(title).html())),
            None if !line.trim().is_empty() => lines.push(line),
            None => {}
        }
    }
    if !lines.is_empty() {
        blocks.push(Rich::from_lines(&lines).html());
    }
    blocks.join("\n\n")
}

/// `## Title` → `Title`; `#rust` is a hashtag, not a heading.
fn heading(line: &str) -> Option<&str> {
    let marked = line.trim_start();
    let title = marked.trim_start_matches('#');
    let level = marked.len() - title.len();
    ((1..=6).contains(&level) && title.starts_with(' ')).then(|| title.trim())
}

/// The message under the preview, with the Send and Cancel buttons.
pub fn announce_preview(
    chats: usize,
    pin: bool,
    due: Option<DateTime<Utc>>,
    lang: Lang,
    tz: Tz,
) -> String {
    let mut text = match lang {
        Lang::Zh => format!("📣 <b>预览</b>：上面的公告将发到 {chats} 个聊天"),
        Lang::En => format!(
            "📣 <b>Preview</b>: the announcement above goes to {}",
            tally(chats, "chat", "chats")
        ),
    };
    if pin {
        text.push_str(lang.pick("，能置顶的地方会置顶", ", pinned where herald may pin"));
    }
    if let Some(due) = due {
        text.push_str(&match lang {
            Lang::Zh => format!("，定于 <b>{}</b> 发出", moment(due, lang, tz)),
            Lang::En => format!(" at <b>{}</b>", moment(due, lang, tz)),
        });
    }
    text.push_str(match (lang, due.is_some()) {
        (Lang::Zh, false) => "。\n点「发送」发出，或者取消。",
        (Lang::Zh, true) => "。\n点「定时发送」确认，或者取消。",
        (Lang::En, false) => ".\nPress Send to post it, or Cancel.",
        (Lang::En, true) => ".\nPress Schedule to confirm, or Cancel.",
    });
    text
}

/// The confirming button: it sends now, or schedules.
pub fn announce_send_button(scheduled: bool, lang: Lang) -> String {
    match scheduled {
        false => lang.pick("✅ 发送", "✅ Send"),
        true => lang.pick("🗓 定时发送", "🗓 Schedule"),
    }
    .to_string()
}

pub fn announce_cancel_button(lang: Lang) -> String {
    lang.pick("✖️ 取消", "✖️ Cancel").to_string()
}

/// The preview once Send is pressed, until the report replaces it.
pub fn announce_sending(id: i64, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("⏳ 公告 #{id} 正在发送……发完后这里会显示结果。"),
        Lang::En => format!("⏳ Announcement #{id} is going out; the report will appear here."),
    }
}

pub fn announce_scheduled(id: i64, due: DateTime<Utc>, lang: Lang, tz: Tz) -> String {
    let due = moment(due, lang, tz);
    match lang {
        Lang::Zh => format!(
            "🗓 公告 #{id} 定于 <b>{due}</b> 发出。发完后这里会显示结果；\
             发送 /announcements 可以查看或取消。"
        ),
        Lang::En => format!(
            "🗓 Announcement #{id} goes out at <b>{due}</b>; the report will appear here. \
             /announcements lists it, with a Cancel button."
        ),
    }
}

pub fn announce_cancelled(id: i64, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("✖️ 公告 #{id} 已取消，没有发出任何消息。"),
        Lang::En => format!("✖️ Announcement #{id} cancelled: nothing was posted."),
    }
}

/// What became of an announcement in every chat.
pub fn announcement_report(id: i64, deliveries: &[Delivered], lang: Lang) -> String {
    let total = deliveries.len();
    if total == 0 {
        return match lang {
            Lang::Zh => format!("⚠️ 公告 #{id}：没有可以发送的聊天。"),
            Lang::En => format!("⚠️ Announcement #{id}: there were no chats to post to."),
        };
    }
    let sent: Vec<&Delivered> = deliveries
        .iter()
        .filter(|d| d.outcome == Outcome::Sent)
        .collect();
    let icon = if sent.len() == total { "✅" } else { "⚠️" };
    let mut lines = vec![match lang {
        Lang::Zh => format!("{icon} 公告 #{id} 已送达 {}/{total} 个聊天。", sent.len()),
        Lang::En => format!(
            "{icon} Announcement #{id} delivered to {} of {}.",
            sent.len(),
            count(total, "chat", "chats")
        ),
    }];
    let failed: Vec<String> = deliveries
        .iter()
        .filter(|d| d.outcome != Outcome::Sent)
        .map(|d| chat_line(d, &failure(d, lang)))
        .collect();
    if !failed.is_empty() {
        lines.push(lang.pick("未送达：", "Not delivered:").to_string());
        lines.extend(named(failed, lang));
    }
    let pins: Vec<Pin> = sent.iter().map(|d| Pin::of(d)).collect();
    let pinned = pins.iter().filter(|p| **p == Pin::Pinned).count();
    let unpinned: Vec<String> = sent
        .iter()
        .zip(&pins)
        .filter_map(|(d, pin)| match pin {
            Pin::Refused(reason) => Some(chat_line(d, reason)),
            _ => None,
        })
        .collect();
    if pinned > 0 || !unpinned.is_empty() {
        lines.push(match lang {
            Lang::Zh => format!("📌 已在 {pinned} 个聊天置顶。"),
            Lang::En => format!("📌 Pinned in {}.", count(pinned, "chat", "chats")),
        });
    }
    if !unpinned.is_empty() {
        lines.push(lang.pick("未能置顶：", "Not pinned:").to_string());
        lines.extend(named(unpinned, lang));
    }
    lines.join("\n")
}

/// The first [`NAMED`] lines of a list, and how many more there are.
fn named(mut lines: Vec<String>, lang: Lang) -> Vec<String> {
    let more = lines.len().saturating_sub(NAMED);
    if more > 0 {
        lines.truncate(NAMED);
        lines.push(match lang {
            Lang::Zh => format!("……还有 {more} 个，herald announcements 命令可以列出全部。"),
            Lang::En => format!("… and {more} more; `herald announcements` lists them all."),
        });
    }
    lines
}

/// `• -1001234 — bot was blocked by the user`
fn chat_line(delivered: &Delivered, why: &str) -> String {
    format!(
        "• <code>{}</code> — {}",
        escape_html(&delivered.chat.to_string()),
        escape_html(why)
    )
}

fn failure(delivered: &Delivered, lang: Lang) -> String {
    match (delivered.outcome, &delivered.detail) {
        (Outcome::Skipped, _) => lang
            .pick(
                "herald 停机太久，错过了发送时间",
                "herald was down past the time it was due",
            )
            .to_string(),
        (_, Some(reason)) => reason.clone(),
        (_, None) => lang.pick("原因不明", "no reason given").to_string(),
    }
}

/// `/announce` from someone not in `telegram.admins`.
pub fn announce_refused(lang: Lang) -> &'static str {
    lang.pick(
        "抱歉，只有 herald 设置里的组织者可以发公告。",
        "Sorry, only the organizers named in herald's settings can make announcements.",
    )
}

pub fn announce_usage(lang: Lang) -> String {
    lang.pick(
        "用法：/announce 公告内容，或者回复一条消息发送 /announce。\n\
         /announce --pin 内容：发出后置顶。\n\
         /announce at 2026-12-01 10:00 内容：定时发送。",
        "Usage: /announce your text, or reply /announce to a message.\n\
         /announce --pin text: pin it once posted.\n\
         /announce at 2026-12-01 10:00 text: post it at that time.",
    )
    .to_string()
}

/// Where an organizer typed `/announce` or `herald announce`, so that a
/// hint shows the syntax they use: `at 2026-12-01 10:00` in a chat,
/// `--at "2026-12-01 10:00"` in a shell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Syntax {
    Chat,
    Shell,
}

/// A time for `at` that is not a date and a clock time.
pub fn announce_bad_time(time: &str, syntax: Syntax, lang: Lang, tz: Tz) -> String {
    let time = escape_html(time);
    let zone = tz.name();
    match (syntax, lang) {
        (Syntax::Chat, Lang::Zh) => format!("看不懂时间“{time}”。请写成 2026-12-01 10:00 这样。"),
        (Syntax::Chat, Lang::En) => {
            format!("I can't read the time “{time}”. Write it as 2026-12-01 10:00.")
        }
        (Syntax::Shell, Lang::Zh) => format!(
            "--at {time} 不是日期和时间：请写成 --at \"2026-12-01 10:00\"（{zone} 时间）\
             或者 RFC 3339 格式。"
        ),
        (Syntax::Shell, Lang::En) => format!(
            "--at {time} is not a date and time: write it as --at \"2026-12-01 10:00\" \
             (read in {zone}) or in RFC 3339."
        ),
    }
}

/// A time for `at` that has passed: `written` as the organizer wrote it.
pub fn announce_past(
    written: &str,
    due: DateTime<Utc>,
    syntax: Syntax,
    lang: Lang,
    tz: Tz,
) -> String {
    let written = escape_html(written);
    match (syntax, lang) {
        (Syntax::Chat, Lang::Zh) => format!(
            "{} 已经过去了。要现在发，去掉 at 和时间即可。",
            moment(due, lang, tz)
        ),
        (Syntax::Chat, Lang::En) => format!(
            "{} has passed. To post now, leave out `at` and the time.",
            moment(due, lang, tz)
        ),
        (Syntax::Shell, Lang::Zh) => format!(
            "--at {written} 已经过去了（{}）。要现在发，去掉 --at 即可。",
            stamp(due, tz)
        ),
        (Syntax::Shell, Lang::En) => format!(
            "--at {written} is in the past ({}); leave out --at to post now.",
            stamp(due, tz)
        ),
    }
}

/// A pop-up (plain text) for a Send pressed by someone other than the author.
pub fn announce_not_yours(lang: Lang) -> &'static str {
    lang.pick(
        "只有写这条公告的组织者可以发送它。",
        "Only the organizer who wrote this announcement can send it.",
    )
}

/// A pop-up for a button of an announcement already sent or cancelled.
pub fn announce_settled(lang: Lang) -> &'static str {
    lang.pick(
        "这条公告已经发出或取消了。",
        "This announcement was already sent or cancelled.",
    )
}

/// A pop-up for Cancel once the announcement is going out.
pub fn announce_under_way(lang: Lang) -> &'static str {
    lang.pick(
        "这条公告已经在发送了，不能再取消。",
        "This announcement is already going out and can no longer be cancelled.",
    )
}

/// `/announcements`: what is waiting to go out, oldest first.
pub fn announcements_list(pending: &[(i64, DateTime<Utc>, &str)], lang: Lang, tz: Tz) -> String {
    if pending.is_empty() {
        return lang
            .pick(
                "没有等待发出的公告。",
                "No announcements are waiting to go out.",
            )
            .to_string();
    }
    let mut lines = vec![format!(
        "<b>{}</b>",
        lang.pick("等待发出的公告", "Announcements waiting to go out")
    )];
    for (id, due, html) in pending {
        lines.push(format!(
            "#{id} · {} · {}",
            moment(*due, lang, tz),
            escape_html(&excerpt(html))
        ));
    }
    lines.join("\n")
}

pub fn announcement_cancel_button(id: i64, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("✖️ 取消 #{id}"),
        Lang::En => format!("✖️ Cancel #{id}"),
    }
}

/// The first line of an announcement, as plain text, short.
pub fn excerpt(html: &str) -> String {
    let plain = html_to_plain(html);
    shorten(plain.lines().next().unwrap_or_default(), EXCERPT)
}

/// `/announce` in `herald console`, where nothing is ever posted.
pub fn announce_elsewhere(lang: Lang) -> String {
    lang.pick(
        "公告请在 Telegram 里用 /announce 发，或者用 herald announce 命令。",
        "Announcements are made in Telegram with /announce, or with `herald announce`.",
    )
    .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::ChatTarget;

    const BEIJING: Tz = chrono_tz::Asia::Shanghai;

    fn delivered(chat: i64, outcome: Outcome, detail: Option<&str>) -> Delivered {
        Delivered {
            chat: ChatTarget::id(chat),
            outcome,
            detail: detail.map(str::to_string),
        }
    }

    #[test]
    fn markdown_files_keep_their_paragraphs_links_and_emphasis() {
        let text = "## Rust <b>Meetup</b> > 9000\nDoors open **19:00**,\nsee [the page](https://x.io/?a=1&b=2).\n\n\n- `cargo` talk\n- 周强 & *friends*\n#rust\n";
        assert_eq!(
            markdown(text),
            "<b>Rust <b>Meetup</b> &gt; 9000</b>\n\n\
             Doors open <b>19:00</b>, see <a href=\"https://x.io/?a=1&amp;b=2\">the page</a>.\n\n\
             • <code>cargo</code> talk\n• 周强 &amp; <i>friends</i>\n#rust"
        );
    }

    #[test]
    fn a_fenced_code_block_keeps_its_blank_and_hash_lines() {
        let text =
            "```cargo``` first:\n\n```\nfn main() {\n\n# not a heading\n}\n```\nthen <b>run</b> it";
        assert_eq!(
            markdown(text),
            "<code>cargo</code> first:\n\n<code>fn main() {\n\n# not a heading\n}</code>\nthen <b>run</b> it"
        );
    }

    #[test]
    fn a_report_names_each_chat_that_missed_out() {
        let report = announcement_report(
            3,
            &[
                delivered(-1, Outcome::Sent, Some("pinned")),
                delivered(-2, Outcome::Sent, Some("not pinned: not enough rights")),
                delivered(
                    5,
                    Outcome::Undeliverable,
                    Some("bot was blocked <by> the user"),
                ),
            ],
            Lang::En,
        );
        assert_eq!(
            html_to_plain(&report),
            "⚠️ Announcement #3 delivered to 2 of 3 chats.\n\
             Not delivered:\n\
             • 5 — bot was blocked <by> the user\n\
             📌 Pinned in 1 chat.\n\
             Not pinned:\n\
             • -2 — not enough rights"
        );
        assert!(report.contains("&lt;by&gt;"), "escaped: {report}");
    }

    #[test]
    fn a_report_stays_one_message_however_many_chats_failed() {
        let failed: Vec<Delivered> = (0..5000)
            .map(|chat| {
                delivered(
                    chat,
                    Outcome::Undeliverable,
                    Some("Forbidden: bot was blocked"),
                )
            })
            .collect();
        let report = announcement_report(4, &failed, Lang::En);
        assert!(crate::render::telegram_len(&report) < crate::render::MESSAGE_LIMIT);
        assert!(report.ends_with("… and 4980 more; `herald announcements` lists them all."));
    }

    #[test]
    fn report_counts_agree_with_their_nouns() {
        let first_line = |deliveries: &[Delivered]| {
            let report = announcement_report(2, deliveries, Lang::En);
            html_to_plain(&report).lines().next().unwrap().to_string()
        };
        let sent = delivered(-1, Outcome::Sent, Some("pinned"));
        let missed = delivered(-2, Outcome::Undeliverable, Some("blocked"));
        assert_eq!(
            first_line(&[]),
            "⚠️ Announcement #2: there were no chats to post to."
        );
        assert_eq!(
            first_line(std::slice::from_ref(&sent)),
            "✅ Announcement #2 delivered to 1 of 1 chat."
        );
        assert_eq!(
            first_line(&[missed.clone(), missed.clone()]),
            "⚠️ Announcement #2 delivered to 0 of 2 chats."
        );
        let pinned = announcement_report(2, &[sent.clone(), sent, missed], Lang::En);
        assert!(pinned.contains("\n📌 Pinned in 2 chats."), "{pinned}");
    }

    #[test]
    fn a_clean_report_is_one_line() {
        let report = announcement_report(1, &[delivered(-1, Outcome::Sent, None)], Lang::Zh);
        assert_eq!(report, "✅ 公告 #1 已送达 1/1 个聊天。");
    }

    #[test]
    fn the_preview_says_where_when_and_whether_pinned() {
        let due = "2026-12-01T02:00:00Z".parse().unwrap();
        assert_eq!(
            html_to_plain(&announce_preview(4, true, Some(due), Lang::En, BEIJING)),
            "📣 Preview: the announcement above goes to 4 chats, pinned where herald may pin \
             at Tue 1 Dec 2026, 10:00.\nPress Schedule to confirm, or Cancel."
        );
        let to = |chats| {
            let plain = html_to_plain(&announce_preview(chats, false, None, Lang::En, BEIJING));
            plain.lines().next().unwrap().to_string()
        };
        assert_eq!(
            to(0),
            "📣 Preview: the announcement above goes to no chats."
        );
        assert_eq!(to(1), "📣 Preview: the announcement above goes to 1 chat.");
        assert_eq!(to(2), "📣 Preview: the announcement above goes to 2 chats.");
        assert_eq!(
            html_to_plain(&announce_preview(2, false, None, Lang::Zh, BEIJING)),
            "📣 预览：上面的公告将发到 2 个聊天。\n点「发送」发出，或者取消。"
        );
    }

    #[test]
    fn a_refused_time_is_answered_in_the_syntax_it_was_typed_in() {
        let due = "2020-01-01T02:00:00Z".parse().unwrap();
        let past = |syntax, lang| announce_past("2020-01-01 10:00", due, syntax, lang, BEIJING);
        assert_eq!(
            past(Syntax::Shell, Lang::En),
            "--at 2020-01-01 10:00 is in the past (2020-01-01 10:00 UTC+08:00); \
             leave out --at to post now."
        );
        assert_eq!(
            past(Syntax::Shell, Lang::Zh),
            "--at 2020-01-01 10:00 已经过去了（2020-01-01 10:00 UTC+08:00）。要现在发，去掉 --at 即可。"
        );
        assert_eq!(
            past(Syntax::Chat, Lang::Zh),
            "2020年1月1日 周三 10:00 已经过去了。要现在发，去掉 at 和时间即可。"
        );
        assert_eq!(
            html_to_plain(&announce_bad_time(
                "<soon>",
                Syntax::Shell,
                Lang::En,
                BEIJING
            )),
            "--at <soon> is not a date and time: write it as --at \"2026-12-01 10:00\" \
             (read in Asia/Shanghai) or in RFC 3339."
        );
    }

    #[test]
    fn the_list_quotes_the_first_line_escaped() {
        let due = "2026-12-01T02:00:00Z".parse().unwrap();
        let list = announcements_list(
            &[(7, due, "<b>Doors</b> &lt;open&gt;\nsecond line")],
            Lang::En,
            BEIJING,
        );
        assert_eq!(
            list,
            "<b>Announcements waiting to go out</b>\n#7 · Tue 1 Dec 2026, 10:00 · Doors &lt;open&gt;"
        );
    }
}
