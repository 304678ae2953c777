//! Dates as members read them, with the weekday, because "Saturday" is
//! what people plan around. A page's moments are read on the page's own
//! clock where it states an offset the community's zone does not have then
//! (a Berlin meetup's `+01:00` in a bot kept in Asia/Shanghai): its readers
//! expect the doors to open at 18:00, as the page says, not at 01:00. The
//! zone is then named, with the community's time beside it. Every other
//! moment, and every page that gives no offset, is on the community's zone.

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, Offset, TimeZone, Weekday};
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
    span(start, end, lang, tz)
}

/// From `start` to `end`, both on the start's clock, the end's date only
/// where it is another day: `Sat 17 Apr 2021, 13:00–18:00`.
pub fn span(start: Instant, end: Option<Instant>, lang: Lang, tz: Tz) -> String {
    let shown = on_clock(start, start, tz);
    let text = match end.map(|end| on_clock(end, start, tz)) {
        None => at(shown, lang),
        Some(end) if end.date_naive() == shown.date_naive() => {
            format!("{}–{}", at(shown, lang), end.format("%H:%M"))
        }
        Some(end) => format!("{} – {}", at(shown, lang), at(end, lang)),
    };
    text + &community_time(start, lang, tz)
}

/// A moment on the community's clock: `2026年12月1日 周二 10:00` /
/// `Tue 1 Dec 2026, 10:00`. For herald's own times (when a post is due);
/// a page's moments go through [`event_moment`].
pub fn moment<Z: TimeZone>(instant: DateTime<Z>, lang: Lang, tz: Tz) -> String {
    at(instant.with_timezone(&tz), lang)
}

/// A moment a page gives (a talk's start), on the page's clock, with the
/// zone named where that is not the community's.
pub fn event_moment(instant: Instant, lang: Lang, tz: Tz) -> String {
    span(instant, None, lang, tz)
}

/// The day of an event, for one-line lists: the page's date.
pub fn day(instant: Option<Instant>, lang: Lang, tz: Tz) -> String {
    match instant {
        Some(instant) => date(on_clock(instant, instant, tz).date_naive(), lang),
        None => to_be_announced(lang).to_string(),
    }
}

/// Where a date would be, for an event whose page gives none.
pub fn to_be_announced(lang: Lang) -> &'static str {
    lang.pick("日期待定", "date to be announced")
}

/// A talk's time on the event's clock: `13:00–13:45`, or `13:00`. The
/// event's heading names the zone.
pub fn slot(slot: &Slot, tz: Tz) -> String {
    clock_of(slot, |at| on_clock(at, slot.start, tz))
}

/// A talk's time on the community's clock, for `herald explain`, which
/// shows every time so.
pub fn community_slot(slot: &Slot, tz: Tz) -> String {
    clock_of(slot, |at| at.with_timezone(&tz).fixed_offset())
}

fn clock_of(slot: &Slot, local: impl Fn(Instant) -> DateTime<FixedOffset>) -> String {
    let start = local(slot.start).format("%H:%M");
    match slot.end {
        Some(end) => format!("{start}–{}", local(end).format("%H:%M")),
        None => start.to_string(),
    }
}

/// The page's own zone (`UTC+01:00`) where its moments are read on it,
/// for text that names the zone once for many times.
pub fn page_zone(instant: Instant, tz: Tz) -> Option<String> {
    page_clock(instant, tz).map(|offset| zone(&instant.with_timezone(&offset)))
}

/// A moment for an organizer's shell, sortable and with its zone:
/// `2026-12-01 10:00 UTC+08:00`.
pub fn stamp<Z: TimeZone>(instant: DateTime<Z>, tz: Tz) -> String {
    let local = instant.with_timezone(&tz);
    format!("{} {}", local.format("%Y-%m-%d %H:%M"), zone(&local))
}

/// The page's offset, where the community's zone has another one at that
/// moment; a time written without an offset was read in the community's
/// zone and so never has one.
fn page_clock(instant: Instant, tz: Tz) -> Option<FixedOffset> {
    let page = *instant.offset();
    (instant.with_timezone(&tz).offset().fix() != page).then_some(page)
}

/// `instant` on the clock `anchor` (the event's start) is read on, so an
/// event's end and talks stay on its start's clock.
fn on_clock(instant: Instant, anchor: Instant, tz: Tz) -> DateTime<FixedOffset> {
    match page_clock(anchor, tz) {
        Some(page) => instant.with_timezone(&page),
        None => instant.with_timezone(&tz).fixed_offset(),
    }
}

/// ` (UTC+01:00 · 01:30 Asia/Shanghai)` after a time on a page's clock,
/// with the weekday where the community's day is another: nothing for a
/// time on the community's clock.
fn community_time(start: Instant, lang: Lang, tz: Tz) -> String {
    if page_clock(start, tz).is_none() {
        return String::new();
    }
    let ours = start.with_timezone(&tz);
    let clock = ours.format("%H:%M");
    let day = (ours.date_naive() != start.date_naive()).then(|| ours.weekday());
    let page = zone(&start);
    let name = tz.name();
    match (lang, day) {
        (Lang::Zh, None) => format!("（{page} · {name} {clock}）"),
        (Lang::Zh, Some(day)) => format!("（{page} · {name} {} {clock}）", weekday_zh(day)),
        (Lang::En, None) => format!(" ({page} · {clock} {name})"),
        (Lang::En, Some(day)) => format!(" ({page} · {day} {clock} {name})"),
    }
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

    fn page(start: &str, end: &str) -> Event {
        let mut event = event("e", "E", "2021-04-17 13:00").build();
        event.start = Some(DateTime::parse_from_rfc3339(start).unwrap());
        event.end = Some(DateTime::parse_from_rfc3339(end).unwrap());
        event
    }

    #[test]
    fn a_page_in_the_community_zone_names_no_zone() {
        let berlin = page("2031-03-14T18:30:00+01:00", "2031-03-14T21:30:00+01:00");
        let tz = chrono_tz::Europe::Berlin;
        assert_eq!(when(&berlin, Lang::En, tz), "Fri 14 Mar 2031, 18:30–21:30");
        assert_eq!(day(berlin.start, Lang::En, tz), "Fri 14 Mar 2031");
    }

    #[test]
    fn a_page_with_its_own_offset_is_read_on_it_with_ours_beside() {
        let morning = page("2031-03-14T10:00:00+01:00", "2031-03-14T12:00:00+01:00");
        assert_eq!(
            when(&morning, Lang::En, BEIJING),
            "Fri 14 Mar 2031, 10:00–12:00 (UTC+01:00 · 17:00 Asia/Shanghai)"
        );
        assert_eq!(
            when(&morning, Lang::Zh, BEIJING),
            "2031年3月14日 周五 10:00–12:00（UTC+01:00 · Asia/Shanghai 17:00）"
        );
        let talk = Slot {
            start: DateTime::parse_from_rfc3339("2031-03-14T10:30:00+01:00").unwrap(),
            end: Some(DateTime::parse_from_rfc3339("2031-03-14T11:15:00+01:00").unwrap()),
        };
        assert_eq!(slot(&talk, BEIJING), "10:30–11:15");
        assert_eq!(community_slot(&talk, BEIJING), "17:30–18:15");
        assert_eq!(
            event_moment(talk.start, Lang::En, BEIJING),
            "Fri 14 Mar 2031, 10:30 (UTC+01:00 · 17:30 Asia/Shanghai)"
        );
        assert_eq!(page_zone(talk.start, BEIJING).as_deref(), Some("UTC+01:00"));
        // A page in UTC is a page with an offset too.
        let utc = page("2031-03-14T09:00:00Z", "2031-03-14T10:00:00Z");
        assert_eq!(
            when(&utc, Lang::En, BEIJING),
            "Fri 14 Mar 2031, 09:00–10:00 (UTC · 17:00 Asia/Shanghai)"
        );
    }

    #[test]
    fn the_community_day_is_named_where_the_evening_is_its_next_morning() {
        let evening = page("2031-03-14T18:30:00+01:00", "2031-03-14T21:30:00+01:00");
        assert_eq!(
            when(&evening, Lang::En, BEIJING),
            "Fri 14 Mar 2031, 18:30–21:30 (UTC+01:00 · Sat 01:30 Asia/Shanghai)"
        );
        assert_eq!(
            when(&evening, Lang::Zh, BEIJING),
            "2031年3月14日 周五 18:30–21:30（UTC+01:00 · Asia/Shanghai 周六 01:30）"
        );
        // Lists show the page's day, not Saturday.
        assert_eq!(day(evening.start, Lang::En, BEIJING), "Fri 14 Mar 2031");
    }

    #[test]
    fn daylight_saving_in_our_zone_is_our_zone_still() {
        let tz = chrono_tz::Europe::Berlin;
        let summer = page("2031-07-14T18:30:00+02:00", "2031-07-14T21:30:00+02:00");
        assert_eq!(when(&summer, Lang::En, tz), "Mon 14 Jul 2031, 18:30–21:30");
        // A winter offset in summer is not Berlin's clock that day.
        let winter_clock = page("2031-07-14T18:30:00+01:00", "2031-07-14T21:30:00+01:00");
        assert_eq!(
            when(&winter_clock, Lang::En, tz),
            "Mon 14 Jul 2031, 18:30–21:30 (UTC+01:00 · 19:30 Europe/Berlin)"
        );
        assert_eq!(page_zone(summer.start.unwrap(), tz), None);
    }

    #[test]
    fn herald_own_moments_stay_on_the_community_clock() {
        let due: DateTime<chrono::Utc> = "2031-03-14T17:30:00Z".parse().unwrap();
        assert_eq!(moment(due, Lang::En, BEIJING), "Sat 15 Mar 2031, 01:30");
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
