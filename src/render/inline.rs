//! What an inline query's result list shows before a card is picked: a
//! title and one line, plain text, as Telegram lists them.

use chrono_tz::Tz;

use super::{day, speakers, when};
use crate::events::catalog::TalkAt;
use crate::events::Event;
use crate::lang::Lang;

/// `Fri 14 Mar 2031, 18:30–21:30 · Berlin`: when and where.
pub fn inline_event_line(event: &Event, lang: Lang, tz: Tz) -> String {
    let mut parts = vec![when(event, lang, tz)];
    parts.extend(event.venue.city.clone());
    parts.join(" · ")
}

/// `Jane Doe · Rust Night · Fri 14 Mar 2031`: who, at which event, when.
pub fn inline_talk_line(hit: &TalkAt, lang: Lang, tz: Tz) -> String {
    let talk = hit.event.talk_in(hit.talk, lang);
    let mut parts = Vec::new();
    if !talk.speakers.is_empty() {
        parts.push(super::html_to_plain(&speakers(&talk.speakers, lang)));
    }
    parts.push(hit.event.title_in(lang).to_string());
    parts.push(day(hit.event.start, lang, tz));
    parts.join(" · ")
}
