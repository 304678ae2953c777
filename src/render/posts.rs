//! The scheduler's posts. A notice always says which event (and which talk)
//! it is about and gives the new time with its date, because a member
//! reading "time changed" in a busy channel needs to act without scrolling.

use chrono_tz::Tz;

use super::{
    bold, date, event_card, event_line, event_moment, link, pack, speakers, talk_line,
    to_be_announced, when,
};
use crate::duration::HumanDuration;
use crate::events::rich::escape_html;
use crate::events::{Event, Instant};
use crate::lang::{count, Lang};
use crate::schedule::facts::TalkFacts;
use crate::schedule::{Change, Facts, Post, What};

/// The messages of one post; empty when its event is no longer there to
/// describe (the plan never asks for that, but a reload may race it).
pub fn post(post: &Post, events: &[Event], lang: Lang, tz: Tz) -> Vec<String> {
    let find = |id: &str| events.iter().find(|e| e.id == id);
    match &post.what {
        What::Digest { events: ids, .. } => {
            let found: Vec<&Event> = ids.iter().filter_map(|id| find(id)).collect();
            digest(&found, lang, tz)
        }
        What::Reminder { event, before } => find(event)
            .map(|e| vec![reminder(e, *before, lang, tz)])
            .unwrap_or_default(),
        What::TalkReminder {
            event,
            talk,
            before,
        } => find(event)
            .and_then(|e| talk_reminder(e, *talk, *before, lang, tz))
            .into_iter()
            .collect(),
        What::Change { event, old } => find(event)
            .map(|e| vec![change(old, e, lang, tz)])
            .unwrap_or_default(),
        What::Cancellation { facts, .. } => vec![cancellation(facts, lang, tz)],
        What::Recording { event } => find(event)
            .map(|e| vec![recording(e, lang)])
            .unwrap_or_default(),
        What::Announcement(announcement) => super::announcement(&announcement.html),
    }
}

fn digest(events: &[&Event], lang: Lang, tz: Tz) -> Vec<String> {
    let mut blocks = vec![format!("📆 <b>{}</b>", lang.pick("近期活动", "Coming up"))];
    for event in events {
        let event = &*event.in_lang(lang);
        let mut lines = vec![event_line(event, None, lang, tz)];
        lines.extend(event.talks().map(|talk| talk_line(talk, lang)));
        blocks.push(lines.join("\n"));
    }
    pack(blocks)
}

fn reminder(event: &Event, before: HumanDuration, lang: Lang, tz: Tz) -> String {
    let lead = match lang {
        Lang::Zh => format!("⏰ 还有 {}", lead_time(before, lang)),
        Lang::En => format!("⏰ In {}", lead_time(before, lang)),
    };
    format!("{lead}\n\n{}", event_card(event, lang, tz))
}

fn talk_reminder(
    event: &Event,
    index: usize,
    before: HumanDuration,
    lang: Lang,
    tz: Tz,
) -> Option<String> {
    let talk = event.talks().nth(index)?;
    let slot = talk.slot?;
    let talk = event.talk_in(talk, lang);
    let lead = match lang {
        // No space before 后: a space only sets digits and Latin apart from
        // Han (`10 分钟`), never one Han word from the next.
        Lang::Zh => format!("⏰ {}后开讲", lead_time(before, lang)),
        Lang::En => format!("⏰ Starting in {}", lead_time(before, lang)),
    };
    let mut lines = vec![lead, format!("<b>{}</b>", talk.title.html())];
    if !talk.speakers.is_empty() {
        lines.push(format!("🎤 {}", speakers(&talk.speakers, lang)));
    }
    lines.push(format!("🕐 {}", event_moment(slot.start, lang, tz)));
    let event = event.in_lang(lang);
    lines.push(format!("📅 {}", bold(&event.title)));
    if let Some(location) = &event.venue.location {
        lines.push(format!("📍 {}", location.html()));
    }
    Some(lines.join("\n"))
}

fn change(old: &Facts, event: &Event, lang: Lang, tz: Tz) -> String {
    let new = Facts::of(event);
    let mut lines = vec![format!(
        "📣 <b>{}</b> {}",
        lang.pick("活动变更：", "Change:"),
        escape_html(event.title_in(lang))
    )];
    for change in old.changes(&new) {
        lines.push(match change {
            Change::Restored => format!(
                "✅ <b>{}</b>",
                lang.pick("恢复举行，不再取消", "Back on: no longer cancelled")
            ),
            Change::Time => format!(
                "🕐 {} → <b>{}</b>",
                span(old.start, old.end.or(old.shown_end), lang, tz),
                when(event, lang, tz)
            ),
            Change::Venue { old } => format!(
                "📍 {} → <b>{}</b>",
                escape_html(&old),
                escape_html(&new.venue)
            ),
            Change::Talk { old, new } => talk_change(&old, &new, lang, tz),
        });
    }
    lines.push(format!("🗓 {}", when(event, lang, tz)));
    if !new.venue.is_empty() {
        lines.push(format!("📍 {}", escape_html(&new.venue)));
    }
    lines.join("\n")
}

fn talk_change(old: &TalkFacts, new: &TalkFacts, lang: Lang, tz: Tz) -> String {
    let mut line = format!("🎤 <b>{}</b>", escape_html(&new.title));
    if old.speakers != new.speakers {
        line.push_str(&format!(
            "\n   {} → <b>{}</b>",
            escape_html(&old.speakers.join(", ")),
            escape_html(&new.speakers.join(", "))
        ));
    } else if !new.speakers.is_empty() {
        line.push_str(&format!(" — {}", escape_html(&new.speakers.join(", "))));
    }
    if old.start != new.start {
        let show = |t: Option<Instant>| t.map_or("?".to_string(), |t| event_moment(t, lang, tz));
        line.push_str(&format!(
            "\n   🕐 {} → <b>{}</b>",
            show(old.start),
            show(new.start)
        ));
    }
    line
}

fn cancellation(facts: &Facts, lang: Lang, tz: Tz) -> String {
    format!(
        "❌ <b>{}</b> {}\n🗓 {}",
        lang.pick("活动取消：", "Cancelled:"),
        escape_html(&facts.title),
        span(facts.start, facts.end, lang, tz)
    )
}

fn recording(event: &Event, lang: Lang) -> String {
    let mut lines = vec![format!(
        "🎬 <b>{}</b> {}",
        lang.pick("回放与资料：", "Recordings and slides:"),
        escape_html(event.title_in(lang))
    )];
    let video = event.links.video.as_deref();
    if let Some(video) = video.and_then(|url| link(url, lang.pick("视频", "Video"))) {
        lines.push(format!("▶️ {video}"));
    }
    let slides = event.links.slides.as_deref();
    if let Some(slides) = slides.and_then(|url| link(url, lang.pick("幻灯片", "Slides"))) {
        lines.push(format!("📑 {slides}"));
    }
    lines.join("\n")
}

/// An event's time as stored facts give it.
fn span(start: Option<Instant>, end: Option<Instant>, lang: Lang, tz: Tz) -> String {
    match start {
        Some(start) => date::span(start, end, lang, tz),
        None => to_be_announced(lang).to_string(),
    }
}

/// `7 天` / `7 days`, `1 小时 30 分钟` / `1 hour 30 minutes`.
pub fn lead_time(duration: HumanDuration, lang: Lang) -> String {
    let mut left = duration.as_secs();
    let mut parts = Vec::new();
    for (unit, zh, one, many) in [
        (86_400, "天", "day", "days"),
        (3_600, "小时", "hour", "hours"),
        (60, "分钟", "minute", "minutes"),
        (1, "秒", "second", "seconds"),
    ] {
        let n = left / unit;
        left %= unit;
        if n == 0 {
            continue;
        }
        parts.push(match lang {
            Lang::Zh => format!("{n} {zh}"),
            Lang::En => count(n as usize, one, many),
        });
    }
    parts.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::events::catalog::fixtures::*;

    const BEIJING: Tz = chrono_tz::Asia::Shanghai;

    fn meetup() -> Event {
        event("m", "Rust 北京 Meetup", "2021-04-17 13:00")
            .location("PingCAP", "西城区")
            .talk(
                talk("Tokio 调度器")
                    .slot("2021-04-17 13:30", "2021-04-17 14:15")
                    .by(speaker_at("周强", "PingCAP")),
            )
            .build()
    }

    fn lead(before: &str, lang: Lang) -> String {
        let before = before.parse().unwrap();
        let reminder = talk_reminder(&meetup(), 0, before, lang, BEIJING).unwrap();
        reminder.lines().next().unwrap().to_string()
    }

    #[test]
    fn a_talk_reminder_in_chinese_has_no_space_between_han_words() {
        assert_eq!(lead("10m", Lang::Zh), "⏰ 10 分钟后开讲");
        assert_eq!(lead("1h 30m", Lang::Zh), "⏰ 1 小时 30 分钟后开讲");
        assert_eq!(
            talk_reminder(&meetup(), 0, "10m".parse().unwrap(), Lang::Zh, BEIJING).unwrap(),
            "⏰ 10 分钟后开讲\n<b>Tokio 调度器</b>\n🎤 周强 · PingCAP\n\
             🕐 2021年4月17日 周六 13:30\n📅 <b>Rust 北京 Meetup</b>\n📍 PingCAP"
        );
    }

    #[test]
    fn a_talk_reminder_in_english_counts_right() {
        assert_eq!(lead("1m", Lang::En), "⏰ Starting in 1 minute");
        assert_eq!(lead("2h 1m", Lang::En), "⏰ Starting in 2 hours 1 minute");
    }

    #[test]
    fn lead_times_in_both_languages() {
        let en = |text: &str| lead_time(text.parse().unwrap(), Lang::En);
        let zh = |text: &str| lead_time(text.parse().unwrap(), Lang::Zh);
        assert_eq!(en("1d"), "1 day");
        assert_eq!(en("7d"), "7 days");
        assert_eq!(en("1d 1h 1m 1s"), "1 day 1 hour 1 minute 1 second");
        assert_eq!(en("2d 2h 2m 2s"), "2 days 2 hours 2 minutes 2 seconds");
        assert_eq!(zh("7d"), "7 天");
        assert_eq!(zh("1d 2h"), "1 天 2 小时");
        assert_eq!(zh("90m"), "1 小时 30 分钟");
        let reminder = reminder(&meetup(), "1d".parse().unwrap(), Lang::Zh, BEIJING);
        assert!(reminder.starts_with("⏰ 还有 1 天\n\n"), "{reminder}");
    }

    #[test]
    fn a_berlin_page_moved_reads_old_and_new_on_its_clock() {
        let berlin = |text: &str| chrono::DateTime::parse_from_rfc3339(text).unwrap();
        let mut event = meetup();
        event.agenda.clear();
        event.start = Some(berlin("2031-03-14T18:30:00+01:00"));
        event.end = Some(berlin("2031-03-14T21:30:00+01:00"));
        let old = Facts::of(&event);
        event.start = Some(berlin("2031-03-14T19:00:00+01:00"));
        let notice = change(&old, &event, Lang::En, BEIJING);
        let moved = notice.lines().nth(1).unwrap();
        assert_eq!(
            moved,
            "🕐 Fri 14 Mar 2031, 18:30–21:30 (UTC+01:00 · Sat 01:30 Asia/Shanghai) → \
             <b>Fri 14 Mar 2031, 19:00–21:30 (UTC+01:00 · Sat 02:00 Asia/Shanghai)</b>"
        );
    }
}
