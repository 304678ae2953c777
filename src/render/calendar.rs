//! What herald says around a calendar file: the 📅 button, the caption of
//! an `/ics` file, and the feed's name in calendar apps. The file itself is
//! [`crate::calendar`]'s.

use chrono_tz::Tz;

use super::{bold, when};
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
