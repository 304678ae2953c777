//! Dates as members read them: in the community's zone, with the weekday,
//! because "Saturday" is what people plan around.

use chrono::{DateTime, Datelike, NaiveDate, Offset, TimeZone, Weekday};
use chrono_tz::Tz;

use crate::events::{Event, Instant, Slot};
use crate::lang::Lang;

/// When an event takes place: `2021年4月17日 周六 13:00–18:00` /
/// `Sat 17 Apr 2021, 13:00–18:00`. All-day events show only dates; events
/// over several days show both dates; undated events say so.
pub fn when(event: &Event, lang: Lang, tz: Tz) -> String {
    let Some(start) = event.start else {
        return to_be_announced(lang).to_string();
    };
    let end = event
        .end
        .or_else(|| event.effective_end().filter(|end| *end > start));
    if event.all_day {
        // An all-day date belongs to the page, not to a clock: converting its
        // midnight to another zone could move it to the day before.
        let first = start.date_naive();
        return match end.map(|end| end.date_naive()) {
            Some(last) if last > first => format!("{} – {}", date(first, lang), date(last, lang)),
            _ => date(first, lang),
        };
    }
    let start = start.with_timezone(&tz);
    match end.map(|end| end.with_timezone(&tz)) {
        None => at(start, lang),
        Some(end) if end.date_naive() == start.date_naive() => {
            format!("{}–{}", at(start, lang), end.format("%H:%M"))
        }
        Some(end) => format!("{} – {}", at(start, lang), at(end, lang)),
    }
}

/// A moment on the community's clock: `2026年12月1日 周二 10:00` /
/// `Tue 1 Dec 2026, 10:00`.
pub fn moment<Z: TimeZone>(instant: DateTime<Z>, lang: Lang, tz: Tz) -> String {
    at(instant.with_timezone(&tz), lang)
}

/// The day of an event, for one-line lists.
pub fn day(instant: Option<Instant>, lang: Lang, tz: Tz) -> String {
    match instant {
        Some(instant) => date(instant.with_timezone(&tz).date_naive(), lang),
        None => to_be_announced(lang).to_string(),
    }
}

/// Where a date would be, for an event whose page gives none.
pub fn to_be_announced(lang: Lang) -> &'static str {
    lang.pick("日期待定", "date to be announced")
}

/// A talk's time on the community's clock: `13:00–13:45`, or `13:00`.
pub fn slot(slot: &Slot, tz: Tz) -> String {
    let start = slot.start.with_timezone(&tz).format("%H:%M");
    match slot.end {
        Some(end) => format!("{start}–{}", end.with_timezone(&tz).format("%H:%M")),
        None => start.to_string(),
    }
}

/// A moment for an organizer's shell, sortable and with its zone:
/// `2026-12-01 10:00 UTC+08:00`.
pub fn stamp<Z: TimeZone>(instant: DateTime<Z>, tz: Tz) -> String {
    let local = instant.with_timezone(&tz);
    format!("{} {}", local.format("%Y-%m-%d %H:%M"), zone(&local))
}

/// The zone of a moment as its offset from UTC: `UTC+08:00`, `UTC-05:00`,
/// `UTC`. Never an abbreviation: `CST` is China's and America's Central
/// time at once, and `%Z` prints it for Asia/Shanghai.
fn zone<Z: TimeZone>(instant: &DateTime<Z>) -> String {
    let seconds = instant.offset().fix().local_minus_utc();
    if seconds == 0 {
        return "UTC".to_string();
    }
    let sign = if seconds < 0 { '-' } else { '+' };
    let minutes = seconds.unsigned_abs() / 60;
    format!("UTC{sign}{:02}:{:02}", minutes / 60, minutes % 60)
}

fn at<Z: TimeZone>(instant: DateTime<Z>, lang: Lang) -> String
where
    Z::Offset: std::fmt::Display,
{
    let day = date(instant.date_naive(), lang);
    let time = instant.format("%H:%M");
    match lang {
        Lang::Zh => format!("{day} {time}"),
        Lang::En => format!("{day}, {time}"),
    }
}

fn date(day: NaiveDate, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!(
            "{}年{}月{}日 {}",
            day.year(),
            day.month(),
            day.day(),
            weekday_zh(day.weekday())
        ),
        Lang::En => day.format("%a %-d %b %Y").to_string(),
    }
}

fn weekday_zh(weekday: Weekday) -> &'static str {
    match weekday {
        Weekday::Mon => "周一",
        Weekday::Tue => "周二",
        Weekday::Wed => "周三",
        Weekday::Thu => "周四",
        Weekday::Fri => "周五",
        Weekday::Sat => "周六",
        Weekday::Sun => "周日",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::events::catalog::fixtures::*;

    const BEIJING: Tz = chrono_tz::Asia::Shanghai;

    #[test]
    fn an_afternoon_in_both_languages() {
        let event = event("e", "E", "2021-04-17 13:00")
            .ends("2021-04-17 18:00")
            .build();
        assert_eq!(
            when(&event, Lang::Zh, BEIJING),
            "2021年4月17日 周六 13:00–18:00"
        );
        assert_eq!(
            when(&event, Lang::En, BEIJING),
            "Sat 17 Apr 2021, 13:00–18:00"
        );
    }

    #[test]
    fn times_follow_the_configured_zone() {
        let event = event("e", "E", "2021-04-17 13:00").build();
        assert_eq!(
            when(&event, Lang::En, chrono_tz::UTC),
            "Sat 17 Apr 2021, 05:00"
        );
    }

    #[test]
    fn the_agenda_gives_the_end_a_page_left_out() {
        let event = event("e", "E", "2021-04-17 13:00")
            .talk(talk("T").slot("2021-04-17 14:00", "2021-04-17 14:45"))
            .build();
        assert_eq!(
            when(&event, Lang::Zh, BEIJING),
            "2021年4月17日 周六 13:00–14:45"
        );
    }

    #[test]
    fn zones_are_offsets_that_cannot_be_misread() {
        let winter: DateTime<chrono::Utc> = "2026-12-01T02:00:00Z".parse().unwrap();
        let summer: DateTime<chrono::Utc> = "2026-07-01T02:00:00Z".parse().unwrap();
        assert_eq!(stamp(winter, BEIJING), "2026-12-01 10:00 UTC+08:00");
        assert_eq!(stamp(winter, chrono_tz::UTC), "2026-12-01 02:00 UTC");
        let chicago = chrono_tz::America::Chicago;
        assert_eq!(stamp(winter, chicago), "2026-11-30 20:00 UTC-06:00");
        assert_eq!(stamp(summer, chicago), "2026-06-30 21:00 UTC-05:00");
        let kolkata = chrono_tz::Asia::Kolkata;
        assert_eq!(stamp(winter, kolkata), "2026-12-01 07:30 UTC+05:30");
        assert_eq!(
            stamp(winter, chrono_tz::Europe::London),
            "2026-12-01 02:00 UTC"
        );
        for tz in [BEIJING, chicago] {
            assert!(!stamp(winter, tz).contains("CST"));
        }
    }

    #[test]
    fn all_day_and_multi_day_events() {
        let one = event("e", "E", "2021-04-17 00:00").all_day().build();
        assert_eq!(
            when(&one, Lang::En, chrono_tz::America::New_York),
            "Sat 17 Apr 2021"
        );
        let two = event("e", "E", "2021-04-17 00:00")
            .ends("2021-04-18 00:00")
            .all_day()
            .build();
        assert_eq!(
            when(&two, Lang::Zh, BEIJING),
            "2021年4月17日 周六 – 2021年4月18日 周日"
        );
        let overnight = event("e", "E", "2021-04-17 20:00")
            .ends("2021-04-18 02:00")
            .build();
        assert_eq!(
            when(&overnight, Lang::En, BEIJING),
            "Sat 17 Apr 2021, 20:00 – Sun 18 Apr 2021, 02:00"
        );
    }
}
