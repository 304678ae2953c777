//! The one place herald's messages are written, as Telegram HTML in both
//! languages. Event text is shown as the organizer wrote it and always goes
//! through [`Rich::html`] or [`escape_html`]; herald's own labels, dates
//! and sentences follow the reader's [`Lang`], and so does an event's text
//! where its page has a translation in that language ([`Event::in_lang`]).
//! Renderers take the event as loaded and pick the language themselves.
//!
//! Renderers return blocks (a card, a talk, a list line); [`pack`] turns
//! blocks into messages that fit Telegram's limit.

mod announce;
mod calendar;
mod caption;
mod date;
mod follow;
mod inline;
mod notices;
mod plain;
mod posts;
mod shell;
mod split;

use chrono_tz::Tz;

use crate::events::catalog::{Appearance, TalkAt};
use crate::events::rich::{escape_html, is_safe_url};
use crate::events::{AgendaItem, Break, Event, Rich, Speaker, Talk};
use crate::lang::Lang;

pub use announce::*;
pub use calendar::*;
pub use caption::{caption, CAPTION_LIMIT};
pub use date::{
    community_slot, day, event_moment, moment, page_zone, slot, span, stamp, to_be_announced, when,
};
pub use follow::*;
pub use inline::*;
pub use notices::*;
pub use plain::html_to_plain;
pub use posts::{lead_time, post};
pub use shell::*;
pub use split::{pack, telegram_len, MESSAGE_LIMIT};

/// Inline buttons show plain text and get cramped past this many characters.
const BUTTON_TEXT_MAX: usize = 40;

/// What `/next` shows: everything needed to decide to come.
pub fn event_card(event: &Event, lang: Lang, tz: Tz) -> String {
    let event = &*event.in_lang(lang);
    let mut lines = heading(event, lang, tz);
    if let Some(summary) = &event.summary {
        lines.push(String::new());
        lines.push(summary.html());
    }
    let talks: Vec<String> = event.talks().map(|talk| talk_line(talk, lang)).collect();
    if !talks.is_empty() {
        lines.push(String::new());
        lines.push(format!("<b>{}</b>", lang.pick("议程", "Talks")));
        lines.extend(talks);
    } else if !event.speakers.is_empty() {
        // A page with no agenda may still say who is coming to speak.
        lines.push(String::new());
        lines.push(format!("<b>{}</b>", lang.pick("讲者", "Speakers")));
        lines.push(speakers(&event.speakers, lang));
    }
    if let Some(links) = links(event, lang) {
        lines.push(String::new());
        lines.push(links);
    }
    lines.join("\n")
}

/// The whole programme as blocks, one per agenda item, so a long agenda
/// splits between talks.
pub fn agenda(event: &Event, lang: Lang, tz: Tz) -> Vec<String> {
    let event = &*event.in_lang(lang);
    let mut head = heading(event, lang, tz);
    if let Some(links) = links(event, lang) {
        head.push(links);
    }
    let mut blocks = vec![head.join("\n")];
    if event.agenda.is_empty() {
        blocks.push(
            lang.pick("议程尚未公布。", "The agenda is not out yet.")
                .to_string(),
        );
    }
    blocks.extend(event.agenda.iter().map(|item| match item {
        AgendaItem::Talk(talk) => agenda_talk(talk, lang, tz),
        AgendaItem::Break(pause) => agenda_break(pause, tz),
    }));
    blocks
}

/// One line of `/events`: `3. 2021年4月17日 周六 · <b>Title</b> · 北京`.
pub fn event_line(event: &Event, number: Option<usize>, lang: Lang, tz: Tz) -> String {
    let mut parts = vec![day(event.start, lang, tz), bold(event.title_in(lang))];
    if let Some(city) = &event.venue.city {
        parts.push(escape_html(city));
    }
    if event.cancelled {
        parts.push(cancelled(lang).to_string());
    }
    let line = parts.join(" · ");
    match number {
        Some(n) => format!("{n}. {line}"),
        None => format!("• {line}"),
    }
}

/// A button's label for an event. Buttons are plain text, not HTML.
pub fn event_button(event: &Event, number: Option<usize>, lang: Lang) -> String {
    let title = event.title_in(lang);
    let title = match number {
        Some(n) => format!("{n}. {title}"),
        None => title.to_string(),
    };
    shorten(&title, BUTTON_TEXT_MAX)
}

/// Who a speaker is: name, alias and company, then their bio.
pub fn speaker_intro(speaker: &Speaker, lang: Lang) -> String {
    let mut text = format!("🎤 {}", speaker_label(speaker, lang, true));
    if let Some(bio) = &speaker.bio {
        text.push('\n');
        text.push_str(&bio.html());
    }
    text
}

/// One of a speaker's appearances: the talk, or the event they spoke at
/// when the page names no talk.
pub fn appearance(appearance: &Appearance, lang: Lang, tz: Tz) -> String {
    match appearance.talk {
        Some(talk) => talk_at(
            &TalkAt {
                event: appearance.event,
                talk,
            },
            lang,
            tz,
        ),
        None => event_line(appearance.event, None, lang, tz),
    }
}

/// A talk found by search: title, speakers, where and when, abstract.
pub fn talk_at(hit: &TalkAt, lang: Lang, tz: Tz) -> String {
    let talk = hit.event.talk_in(hit.talk, lang);
    let mut lines = vec![talk_line(&talk, lang)];
    lines.push(format!(
        "📅 {} · {}",
        escape_html(hit.event.title_in(lang)),
        day(hit.event.start, lang, tz)
    ));
    lines.extend(rich(&talk.abstract_));
    lines.join("\n")
}

fn heading(event: &Event, lang: Lang, tz: Tz) -> Vec<String> {
    let mut lines = Vec::new();
    if event.cancelled {
        lines.push(format!("<b>{}</b>", cancelled(lang)));
    }
    lines.push(bold(&event.title));
    lines.push(format!("🗓 {}", when(event, lang, tz)));
    lines.extend(venue(event).map(|venue| format!("📍 {venue}")));
    lines
}

fn venue(event: &Event) -> Option<String> {
    let venue = &event.venue;
    let parts: Vec<String> = venue
        .location
        .iter()
        .map(Rich::html)
        .chain(
            [&venue.street, &venue.city]
                .into_iter()
                .flatten()
                .map(|s| escape_html(s)),
        )
        .filter(|part| !part.is_empty())
        .collect();
    (!parts.is_empty()).then(|| parts.join(", "))
}

fn links(event: &Event, lang: Lang) -> Option<String> {
    let links = &event.links;
    let labelled = [
        (&links.register, lang.pick("报名", "Register")),
        (&links.slides, lang.pick("幻灯片", "Slides")),
        (&links.video, lang.pick("视频", "Video")),
    ];
    let parts: Vec<String> = labelled
        .into_iter()
        .filter_map(|(url, label)| link(url.as_deref()?, label))
        .collect();
    (!parts.is_empty()).then(|| format!("🔗 {}", parts.join(" · ")))
}

/// `• <b>Title</b> — Speaker · Company, Speaker`
fn talk_line(talk: &Talk, lang: Lang) -> String {
    let mut line = format!("• <b>{}</b>", talk.title.html());
    if !talk.speakers.is_empty() {
        line.push_str(" — ");
        line.push_str(&speakers(&talk.speakers, lang));
    }
    line
}

fn agenda_talk(talk: &Talk, lang: Lang, tz: Tz) -> String {
    let mut lines = Vec::new();
    let title = format!("<b>{}</b>", talk.title.html());
    lines.push(match &talk.slot {
        Some(time) => format!("🕐 {} {title}", slot(time, tz)),
        None => title,
    });
    if !talk.speakers.is_empty() {
        lines.push(format!("🎤 {}", speakers(&talk.speakers, lang)));
    }
    lines.extend(rich(&talk.abstract_));
    if let Some(video) = talk
        .video
        .as_deref()
        .and_then(|url| link(url, lang.pick("视频", "Video")))
    {
        lines.push(format!("▶️ {video}"));
    }
    lines.join("\n")
}

fn agenda_break(pause: &Break, tz: Tz) -> String {
    let title = format!("<i>{}</i>", escape_html(&pause.title));
    match &pause.slot {
        Some(time) => format!("☕ {} {title}", slot(time, tz)),
        None => format!("☕ {title}"),
    }
}

fn speakers(speakers: &[Speaker], lang: Lang) -> String {
    let names: Vec<String> = speakers
        .iter()
        .map(|s| speaker_label(s, lang, false))
        .collect();
    names.join(lang.pick("、", ", "))
}

/// `赵新（于雨）· Ant Group`: an alias sits in brackets by the name; the
/// company comes after, so the two are never confused.
fn speaker_label(speaker: &Speaker, lang: Lang, strong: bool) -> String {
    let name = escape_html(&speaker.name);
    let mut label = if strong {
        format!("<b>{name}</b>")
    } else {
        name
    };
    if let Some(alias) = &speaker.alias {
        let alias = escape_html(alias);
        label.push_str(&match lang {
            Lang::Zh => format!("（{alias}）"),
            Lang::En => format!(" ({alias})"),
        });
    }
    if let Some(company) = &speaker.company {
        label.push_str(" · ");
        label.push_str(&escape_html(company));
    }
    label
}

fn rich(text: &Option<Rich>) -> Option<String> {
    text.as_ref().filter(|t| !t.is_empty()).map(Rich::html)
}

fn bold(text: &str) -> String {
    format!("<b>{}</b>", escape_html(text))
}

/// A link to a url from a page's front matter, which is as untrusted as
/// its text: none unless [`is_safe_url`] allows the url.
fn link(url: &str, label: &str) -> Option<String> {
    is_safe_url(url).then(|| {
        format!(
            "<a href=\"{}\">{}</a>",
            escape_html(url),
            escape_html(label)
        )
    })
}

fn cancelled(lang: Lang) -> &'static str {
    lang.pick("❌ 已取消", "❌ Cancelled")
}

fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let mut short: String = text.chars().take(max - 1).collect();
    short.push('…');
    short
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::events::catalog::fixtures::*;

    const BEIJING: Tz = chrono_tz::Asia::Shanghai;

    fn meetup() -> Event {
        event("2021-04-rust", "Rust 北京 Meetup", "2021-04-17 13:00")
            .ends("2021-04-17 18:00")
            .location("PingCAP 大会议室", "西城区 1 号")
            .city("北京")
            .register("https://example.com/r?a=1&b=2")
            .talk(
                talk("Tokio 调度器")
                    .slot("2021-04-17 13:30", "2021-04-17 14:15")
                    .by(speaker_at("周强", "PingCAP"))
                    .by(Speaker {
                        alias: Some("于雨".into()),
                        ..speaker_at("赵新", "Ant Group")
                    })
                    .abstract_("work **stealing**"),
            )
            .pause("茶歇", "2021-04-17 14:15", "2021-04-17 14:30")
            .build()
    }

    #[test]
    fn an_event_card_in_chinese() {
        assert_eq!(
            event_card(&meetup(), Lang::Zh, BEIJING),
            "<b>Rust 北京 Meetup</b>\n\
             🗓 2021年4月17日 周六 13:00–18:00\n\
             📍 PingCAP 大会议室, 西城区 1 号, 北京\n\
             \n\
             <b>议程</b>\n\
             • <b>Tokio 调度器</b> — 周强 · PingCAP、赵新（于雨） · Ant Group\n\
             \n\
             🔗 <a href=\"https://example.com/r?a=1&amp;b=2\">报名</a>"
        );
    }

    #[test]
    fn an_agenda_in_english_keeps_breaks_in_order() {
        let blocks = agenda(&meetup(), Lang::En, BEIJING);
        assert_eq!(blocks.len(), 3);
        assert_eq!(
            blocks[1],
            "🕐 13:30–14:15 <b>Tokio 调度器</b>\n\
             🎤 周强 · PingCAP, 赵新 (于雨) · Ant Group\n\
             work <b>stealing</b>"
        );
        assert_eq!(blocks[2], "☕ 14:15–14:30 <i>茶歇</i>");
    }

    #[test]
    fn hostile_event_text_is_escaped() {
        let evil = event("x", "<script>alert(1)</script> & co", "2021-04-17 13:00")
            .city("<b>")
            .talk(talk("<img src=x>").by(speaker_at("<i>Eve", "\"Corp\"")))
            .build();
        let card = event_card(&evil, Lang::En, BEIJING);
        assert!(card.starts_with("<b>&lt;script&gt;alert(1)&lt;/script&gt; &amp; co</b>"));
        assert!(card.contains("&lt;i&gt;Eve · &quot;Corp&quot;"));
        assert!(!card.contains("<script>") && !card.contains("<img"));
        let line = event_line(&evil, Some(1), Lang::En, BEIJING);
        assert_eq!(
            line,
            "1. Sat 17 Apr 2021 · <b>&lt;script&gt;alert(1)&lt;/script&gt; &amp; co</b> · &lt;b&gt;"
        );
        assert_eq!(
            html_to_plain(&line),
            "1. Sat 17 Apr 2021 · <script>alert(1)</script> & co · <b>"
        );
    }

    #[test]
    fn a_card_without_talks_names_the_speakers() {
        let event = event("x", "Rust Summer", "2021-07-10 13:00")
            .speaker(speaker_at("Jane Doe", "Ferrous"))
            .speaker(speaker("周强"))
            .build();
        assert!(event_card(&event, Lang::En, BEIJING)
            .ends_with("\n\n<b>Speakers</b>\nJane Doe · Ferrous, 周强"));
    }

    #[test]
    fn list_lines_mark_cancelled_events() {
        let event = event("x", "Rust Summer", "2021-07-10 13:00")
            .cancelled()
            .build();
        assert_eq!(
            event_line(&event, None, Lang::Zh, BEIJING),
            "• 2021年7月10日 周六 · <b>Rust Summer</b> · ❌ 已取消"
        );
    }

    #[test]
    fn a_front_matter_link_to_an_unsafe_scheme_is_left_out() {
        let mut event = meetup();
        event.links.register = Some("JavaScript:alert(1)".into());
        event.links.slides = Some("https://x.io/s".into());
        let card = event_card(&event, Lang::En, BEIJING);
        assert!(
            card.ends_with("🔗 <a href=\"https://x.io/s\">Slides</a>"),
            "{card}"
        );
        assert!(!card.to_lowercase().contains("javascript"), "{card}");
    }

    #[test]
    fn a_speaker_is_introduced_with_alias_company_and_bio() {
        let speaker = Speaker {
            alias: Some("于雨".into()),
            bio: Some(Rich::inline("Dubbo-go <maintainer>")),
            ..speaker_at("赵新", "Ant Group")
        };
        assert_eq!(
            speaker_intro(&speaker, Lang::Zh),
            "🎤 <b>赵新</b>（于雨） · Ant Group\nDubbo-go"
        );
    }

    #[test]
    fn buttons_are_plain_and_short() {
        let event = event(
            "x",
            "A very long title about <async> Rust in production",
            "2021-07-10 13:00",
        )
        .build();
        let label = event_button(&event, Some(2), Lang::En);
        assert_eq!(label.chars().count(), BUTTON_TEXT_MAX);
        assert!(label.starts_with("2. A very long title about <async>"));
    }
}
