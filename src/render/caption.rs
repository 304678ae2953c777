//! A poster's caption: what a member scrolling past needs under the image
//! (title, time, venue, links), within Telegram's 1024 characters. The
//! rest of the post follows as a reply, so nothing is lost to the limit.
//! Each line is whole HTML: a line is left out, or the title shortened as
//! text before it is escaped, so no cut ever falls inside a tag or an
//! entity.

use chrono_tz::Tz;

use super::{cancelled, links, shorten, telegram_len, venue, when};
use crate::events::rich::escape_html;
use crate::events::Event;
use crate::lang::Lang;

/// Telegram's limit on a photo's caption.
pub const CAPTION_LIMIT: usize = 1024;
/// The most of the limit the title may take, so the time always fits.
const TITLE_SHARE: usize = CAPTION_LIMIT / 3;

/// The caption of an event's poster.
pub fn caption(event: &Event, lang: Lang, tz: Tz) -> String {
    let event = &*event.in_lang(lang);
    let mut lines = Vec::new();
    if event.cancelled {
        lines.push(format!("<b>{}</b>", cancelled(lang)));
    }
    lines.push(format!(
        "<b>{}</b>",
        escape_within(&event.title, TITLE_SHARE)
    ));
    let rest = [
        Some(format!("🗓 {}", when(event, lang, tz))),
        venue(event).map(|venue| format!("📍 {venue}")),
        links(event, lang),
    ];
    for line in rest.into_iter().flatten() {
        let joined = lines.iter().map(|l| telegram_len(l) + 1).sum::<usize>();
        if joined + telegram_len(&line) <= CAPTION_LIMIT {
            lines.push(line);
        }
    }
    lines.join("\n")
}

/// `text` escaped, shortened with `…` until the escaped form fits `budget`.
fn escape_within(text: &str, budget: usize) -> String {
    let mut max = text.chars().count();
    loop {
        let escaped = escape_html(&shorten(text, max.max(1)));
        if telegram_len(&escaped) <= budget || max <= 1 {
            return escaped;
        }
        max = max.saturating_sub((telegram_len(&escaped) - budget).div_ceil(5).max(1));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::events::catalog::fixtures::event;

    fn zone() -> Tz {
        chrono_tz::Asia::Shanghai
    }

    /// Tags open and close in pairs, and no `&` starts anything but an
    /// entity: what Telegram's parser needs of a caption.
    fn balanced(html: &str) -> bool {
        let opened = html.matches("<b>").count() + html.matches("<a ").count();
        let closed = html.matches("</b>").count() + html.matches("</a>").count();
        let amps = html.match_indices('&').all(|(at, _)| {
            ["&amp;", "&lt;", "&gt;", "&quot;"]
                .iter()
                .any(|entity| html[at..].starts_with(entity))
        });
        opened == closed && amps && html.matches('<').count() == html.matches('>').count()
    }

    #[test]
    fn a_caption_has_title_time_venue_and_link() {
        let event = event("meetup", "Rust Meetup", "2031-03-14 18:30")
            .location("Shanghai Library", "")
            .register("https://example.org/r")
            .build();
        let caption = caption(&event, Lang::En, zone());
        assert!(caption.starts_with("<b>Rust Meetup</b>\n🗓 "), "{caption}");
        assert!(caption.contains("📍 Shanghai Library"), "{caption}");
        assert!(
            caption.contains("href=\"https://example.org/r\""),
            "{caption}"
        );
    }

    #[test]
    fn long_cjk_and_html_heavy_titles_stay_within_1024_and_balanced() {
        for title in [
            "云原生".repeat(600),
            "<&>\"".repeat(500),
            "a".repeat(5000),
            "🎉".repeat(800),
        ] {
            let event = event("meetup", &title, "2031-03-14 18:30")
                .location(&"<b>&".repeat(400), "")
                .register(&format!("https://example.org/{}", "x".repeat(900)))
                .build();
            let caption = caption(&event, Lang::Zh, zone());
            assert!(
                telegram_len(&caption) <= CAPTION_LIMIT,
                "{}",
                telegram_len(&caption)
            );
            assert!(balanced(&caption), "{caption}");
            assert!(caption.contains('…'), "the title is shortened: {caption}");
            assert!(caption.contains("🗓 "), "the time always fits: {caption}");
        }
    }
}
