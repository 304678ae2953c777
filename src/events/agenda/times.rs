//! Talk times as organizers write them (`13:00-13:40`, `１３：００～１３：４０`,
//! `9.30 - 10.45`, `11-11:30`, `**10:05 - 10:50**:`, `2:30` after noon) and
//! how a run of them becomes instants on the event's own wall clock.

use chrono::{
    Datelike, Duration, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, Offset, TimeZone,
};
use chrono_tz::Tz;

use crate::events::model::{Instant, Slot};

/// A time of day as written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClockTime {
    pub hour: u32,
    pub minute: u32,
    /// A one-digit hour such as `2:30` may be 12-hour shorthand for 14:30;
    /// `02:30` or `14:30` may not.
    pub ambiguous: bool,
    /// Written with am/pm (or 上午/下午), so the hour is certain.
    pub meridiem: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Range {
    pub start: ClockTime,
    pub end: Option<ClockTime>,
    /// `8月6号20:00`: a month and day written before the time.
    pub date: Option<(u32, u32)>,
}

/// A range at the start of `text`, and the text after it with separators
/// (`:`, `-`, `**`) removed.
pub fn leading(text: &str) -> Option<(Range, &str)> {
    let body = text.trim_start();
    let bold = body.starts_with("**");
    let (date, body) = month_day(body.trim_start_matches("**").trim_start());
    let (mut range, rest) = range(body)?;
    range.date = date;
    // `8月6号20:00（周四）`: the weekday after the time says nothing more.
    let rest = skip_weekday(rest);
    // `**10:05 - 10:50**: …` closes its bold; `15.10 - 16.00 **Name**` does not.
    let rest = match bold {
        true => rest.trim_start().trim_start_matches("**"),
        false => rest,
    };
    let rest = rest.trim_start_matches(|c: char| {
        c.is_whitespace() || matches!(c, ':' | '：' | '-' | '–' | '—' | '|' | ',' | '，')
    });
    Some((range, rest))
}

/// `8月6号`, `8月6日 `: a Chinese month and day before a time.
fn month_day(text: &str) -> (Option<(u32, u32)>, &str) {
    let parsed = (|| {
        let (month, rest) = digits(text)?;
        let rest = rest.strip_prefix('月')?;
        let (day, rest) = digits(rest)?;
        let rest = rest.strip_prefix(['日', '号'])?;
        let (month, day) = (number(&month)?, number(&day)?);
        ((1..=12).contains(&month) && (1..=31).contains(&day))
            .then_some(((month, day), rest.trim_start()))
    })();
    match parsed {
        Some((date, rest)) => (Some(date), rest),
        None => (None, text),
    }
}

fn skip_weekday(text: &str) -> &str {
    let trimmed = text.trim_start();
    for (open, close) in [('（', '）'), ('(', ')')] {
        if let Some(inner) = trimmed.strip_prefix(open) {
            if let Some(end) = inner.find(close) {
                let day = &inner[..end];
                if day.starts_with(['周', '星']) && day.chars().count() <= 3 {
                    return &inner[end + close.len_utf8()..];
                }
            }
        }
    }
    text
}

/// A range in parentheses at the end of a heading: `Session 1: Intro (09:00 - 10:30)`.
pub fn trailing(text: &str) -> Option<(Range, &str)> {
    let trimmed = text.trim_end();
    let inner = trimmed
        .strip_suffix(')')
        .or_else(|| trimmed.strip_suffix('）'))?;
    let open = inner.rfind(['(', '（'])?;
    let (range, rest) = range(inner[open..].trim_start_matches(['(', '（']))?;
    if !rest.trim().is_empty() {
        return None;
    }
    Some((range, inner[..open].trim_end()))
}

/// A `时间：` / `Time:` value.
pub fn whole(text: &str) -> Option<Range> {
    let (range, rest) = leading(text)?;
    rest.trim().is_empty().then_some(range)
}

/// The first clock time or range anywhere in `text` (`2021.1.17周日，北京时间
/// 21:00～21:40`, `2021-10-09 01:00:00 UTC`): only forms with a colon or
/// am/pm count here, so dates and version numbers are never read as times.
pub fn first(text: &str) -> Option<Range> {
    let mut previous = None;
    for (at, c) in text.char_indices() {
        let boundary = !previous
            .is_some_and(|p: char| p.is_ascii_digit() || matches!(p, '.' | ':' | '：' | '-' | '/'));
        previous = Some(c);
        if !boundary || !(c.is_ascii_digit() || ('０'..='９').contains(&c)) {
            continue;
        }
        // `下午 5:00`: the day part before the digits belongs to the time.
        let before = text[..at].trim_end();
        let from = ["上午", "早上", "中午", "下午", "晚上"]
            .iter()
            .find(|part| before.ends_with(*part))
            .map_or(at, |part| before.len() - part.len());
        let Some((range, _)) = range(&text[from..]) else {
            continue;
        };
        let written = &text[at..];
        let clear =
            written.chars().take(8).any(|c| matches!(c, ':' | '：')) || range.start.meridiem;
        if clear {
            return Some(range);
        }
    }
    None
}

fn range(text: &str) -> Option<(Range, &str)> {
    let (start, bare, rest) = clock(text)?;
    let trimmed = rest.trim_start();
    let after_dash = trimmed
        .strip_prefix(DASHES)
        .map(|r| r.trim_start_matches(DASHES).trim_start())
        .or_else(|| trimmed.strip_prefix("to ").map(str::trim_start));
    if let Some((end, _, rest)) = after_dash.and_then(clock) {
        return Some((
            Range {
                start,
                end: Some(end),
                date: None,
            },
            rest,
        ));
    }
    // A bare hour only counts as a start when an end follows: `11-11:30`,
    // never `11 Demos`.
    (!bare).then_some((
        Range {
            start,
            end: None,
            date: None,
        },
        rest,
    ))
}

const DASHES: [char; 8] = ['-', '－', '–', '—', '~', '～', '至', '到'];

/// `H:MM`, `HH.MM`, full-width digits and colons, or a bare `H` (reported,
/// so the caller can insist on what must follow it).
fn clock(text: &str) -> Option<(ClockTime, bool, &str)> {
    let (part, text) = day_part(text);
    let (hour_digits, after_hour) = digits(text)?;
    if hour_digits.len() > 2 {
        return None;
    }
    let hour = number(&hour_digits)?;
    let separator = after_hour
        .chars()
        .next()
        .filter(|c| matches!(c, ':' | '：' | '.'));
    let (minute, rest) = match separator {
        Some(sep) => {
            let (minute_digits, rest) = digits(&after_hour[sep.len_utf8()..])?;
            if minute_digits.len() != 2 {
                return None;
            }
            (number(&minute_digits)?, rest)
        }
        None => (0, after_hour),
    };
    // `:00` seconds, as in `01:00:00`.
    let rest = match rest.strip_prefix(':').and_then(digits) {
        Some((seconds, after)) if seconds.len() == 2 => after,
        _ => rest,
    };
    let (suffix, rest) = meridiem(rest);
    let afternoon = match (part, suffix) {
        (_, Some(pm)) | (Some(pm), None) => Some(pm),
        (None, None) => None,
    };
    if hour > 24 || minute > 59 || afternoon.is_some() && hour > 12 && hour != 0 && part.is_none() {
        return None;
    }
    let hour = match afternoon {
        Some(true) if hour < 12 => hour + 12,
        Some(false) if hour == 12 => 0,
        _ => hour,
    };
    let time = ClockTime {
        hour,
        minute,
        ambiguous: hour_digits.len() == 1 && afternoon.is_none(),
        meridiem: afternoon.is_some(),
    };
    let bare = separator.is_none() && afternoon.is_none();
    Some((time, bare, rest))
}

/// `下午5:00`, `晚上 7 点`: a day part before the time; `Some(true)` is
/// afternoon or evening.
fn day_part(text: &str) -> (Option<bool>, &str) {
    for (prefix, pm) in [
        ("上午", false),
        ("早上", false),
        ("中午", true),
        ("下午", true),
        ("晚上", true),
    ] {
        if let Some(rest) = text.strip_prefix(prefix) {
            return (Some(pm), rest.trim_start());
        }
    }
    (None, text)
}

/// `7:00pm`, `7 PM`, `9.30 a.m.`: the suffix, and the text after it.
fn meridiem(text: &str) -> (Option<bool>, &str) {
    let trimmed = text.trim_start();
    let lower: String = trimmed.chars().take(4).collect::<String>().to_lowercase();
    for (mark, pm) in [("a.m.", false), ("p.m.", true), ("am", false), ("pm", true)] {
        if lower.starts_with(mark) {
            let rest = &trimmed[mark.len()..];
            if !rest.starts_with(|c: char| c.is_alphanumeric()) {
                return (Some(pm), rest);
            }
        }
    }
    (None, text)
}

/// ASCII or full-width digits at the start, as ASCII.
fn digits(text: &str) -> Option<(String, &str)> {
    let mut out = String::new();
    let mut end = 0;
    for (at, c) in text.char_indices() {
        let ascii = match c {
            '0'..='9' => c,
            '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32)?,
            _ => break,
        };
        out.push(ascii);
        end = at + c.len_utf8();
    }
    (!out.is_empty()).then(|| (out, &text[end..]))
}

fn number(digits: &str) -> Option<u32> {
    digits.parse().ok()
}

/// Turns a run of clock times into instants on the event's days. Times are
/// read in order: a one-digit hour earlier than the last start is afternoon
/// shorthand when that fits (`12:30 - 2:30`), any other earlier time is the
/// next day (a course's second morning).
#[derive(Debug, Clone)]
pub struct Timeline {
    date: NaiveDate,
    offset: FixedOffset,
    day: i64,
    last: Option<NaiveDateTime>,
    /// The event's own start time, where the page gives one: an evening
    /// meetup's first `7:00` is 19:00.
    opens: Option<NaiveTime>,
    /// The first date the page gave (the event's, or a dated heading's):
    /// slots before it sit on a placeholder date and are dropped.
    known_from: Option<NaiveDate>,
    /// An undated page's zone, for the offset of the date a heading gives.
    zone: Option<Tz>,
}

impl Timeline {
    /// A timeline on the event's date, or for an undated page one that
    /// knows no date until a heading gives one (read in `zone`).
    pub fn new(start: Option<Instant>, zone: Tz) -> Self {
        let placeholder = Instant::default();
        let at = start.unwrap_or(placeholder);
        let time = at.time();
        Timeline {
            date: at.date_naive(),
            offset: *at.offset(),
            day: 0,
            last: None,
            opens: (start.is_some() && time != NaiveTime::MIN).then_some(time),
            known_from: start.map(|s| s.date_naive()),
            zone: start.is_none().then_some(zone),
        }
    }

    /// A heading that names a whole date (`Monday (Nov. 23rd 2020)`): what
    /// follows is on that date. On an undated page the first such heading
    /// dates the programme.
    pub fn set_date(&mut self, date: NaiveDate) {
        match (self.known_from, self.zone) {
            (None, Some(zone)) => {
                self.date = date;
                self.day = 0;
                self.known_from = Some(date);
                if let Some(noon) = date.and_hms_opt(12, 0, 0) {
                    self.offset = zone
                        .offset_from_local_datetime(&noon)
                        .earliest()
                        .map_or(self.offset, |offset| offset.fix());
                }
            }
            _ => self.day = (date - self.date).num_days(),
        }
        self.last = None;
    }

    /// Whether `slot` was placed on a date the page gave, not on the
    /// placeholder of an undated page.
    pub fn knows(&self, slot: &Slot) -> bool {
        self.known_from
            .is_some_and(|from| slot.start.date_naive() >= from)
    }

    /// A heading that names a weekday or a date: a new day of the
    /// programme, whose first times are read afresh.
    pub fn next_day(&mut self) {
        if self.last.is_some() {
            self.day += 1;
        }
        self.last = None;
    }

    /// A `Day 2` heading: what follows is on that day of the event.
    pub fn set_day(&mut self, day: i64) {
        self.day = day.max(0);
        self.last = None;
    }

    pub fn slot(&mut self, range: Range) -> Slot {
        if let Some(date) = range.date.and_then(|(m, d)| self.dated(m, d)) {
            self.day = (date - self.date).num_days();
            self.last = None;
        }
        let start = self.place(range.start);
        self.last = Some(start);
        let end = range.end.map(|end| {
            let mut at = self.on_day(end, start.date());
            if at < start && end.ambiguous && end.hour < 12 {
                at += Duration::hours(12);
            }
            if at < start {
                at += Duration::days(1);
            }
            at
        });
        Slot {
            start: self.instant(start),
            end: end.map(|end| self.instant(end)),
        }
    }

    fn place(&mut self, time: ClockTime) -> NaiveDateTime {
        let day = self.date + Duration::days(self.day);
        let at = self.on_day(time, day);
        let Some(last) = self.last else {
            return self.first_of_day(time, at);
        };
        if at >= last {
            return at;
        }
        let afternoon = at + Duration::hours(12);
        if time.ambiguous && time.hour < 12 && afternoon >= last {
            return afternoon;
        }
        let days_behind = (last.date() - at.date()).num_days() + 1;
        self.day += days_behind;
        at + Duration::days(days_behind)
    }

    /// A month and day in the event's year, or the next year's where that is
    /// months before the event (a series announced in December).
    fn dated(&self, month: u32, day: u32) -> Option<NaiveDate> {
        let year = self.date.year();
        let date = NaiveDate::from_ymd_opt(year, month, day)?;
        match (self.date - date).num_days() > 180 {
            true => NaiveDate::from_ymd_opt(year + 1, month, day),
            false => Some(date),
        }
    }

    /// A one-digit hour hours before the event opens, whose afternoon reading
    /// falls near the opening, is that afternoon (`7:15` at a 19:00 meetup).
    fn first_of_day(&self, time: ClockTime, at: NaiveDateTime) -> NaiveDateTime {
        let Some(opens) = self.opens else { return at };
        let opens = at.date().and_time(opens);
        let afternoon = at + Duration::hours(12);
        let near =
            afternoon >= opens - Duration::hours(1) && afternoon <= opens + Duration::hours(3);
        match time.ambiguous && time.hour < 12 && at < opens - Duration::hours(3) && near {
            true => afternoon,
            false => at,
        }
    }

    fn on_day(&self, time: ClockTime, day: NaiveDate) -> NaiveDateTime {
        let base = day.and_time(NaiveTime::MIN);
        base + Duration::hours(time.hour.into()) + Duration::minutes(time.minute.into())
    }

    fn instant(&self, at: NaiveDateTime) -> Instant {
        self.offset
            .from_local_datetime(&at)
            .single()
            .expect("a fixed offset maps every local time once")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hm(range: Range) -> (u32, u32, Option<(u32, u32)>) {
        (
            range.start.hour,
            range.start.minute,
            range.end.map(|e| (e.hour, e.minute)),
        )
    }

    #[test]
    fn written_forms() {
        for (text, expected) in [
            ("13:00-13:40 开场", (13, 0, Some((13, 40)))),
            ("13:00 - 13:40", (13, 0, Some((13, 40)))),
            ("13:00～13:40", (13, 0, Some((13, 40)))),
            ("13:00–13:40", (13, 0, Some((13, 40)))),
            ("１３：００－１３：４０", (13, 0, Some((13, 40)))),
            ("9.30 - 10.45: talk", (9, 30, Some((10, 45)))),
            ("11-11:30 Coffee", (11, 0, Some((11, 30)))),
            ("**10:05 - 10:50**: Jingwei Hu", (10, 5, Some((10, 50)))),
            ("9:00 Registration", (9, 0, None)),
            ("7:00pm Doors", (19, 0, None)),
            ("7pm Doors", (19, 0, None)),
            ("3:55pm – 4:15pm", (15, 55, Some((16, 15)))),
            ("9:30 to 10:15 Intro", (9, 30, Some((10, 15)))),
            ("下午5:00 开始", (17, 0, None)),
            ("12:00 PM lunch", (12, 0, None)),
            ("8月6号20:00（周四）  iSula 容器", (20, 0, None)),
        ] {
            let (range, _) = leading(text).unwrap_or_else(|| panic!("{text}"));
            assert_eq!(hm(range), expected, "{text}");
        }
        assert_eq!(leading("**10:00** - Room opens.").unwrap().1, "Room opens.");
        assert_eq!(leading("15.10 - 16.00 **Thomas**").unwrap().1, "**Thomas**");
    }

    #[test]
    fn not_times() {
        for text in ["1.8 新特性", "2023 年", "5G 网络", "11 Demos", "Istio 1.8"] {
            assert!(leading(text).is_none(), "{text}");
        }
    }

    #[test]
    fn a_time_anywhere_in_a_cell() {
        let found = |text: &str| first(text).map(hm);
        assert_eq!(
            found("2021.1.17周日，北京时间21:00～21:40"),
            Some((21, 0, Some((21, 40))))
        );
        assert_eq!(found("2021-10-09 01:00:00 UTC"), Some((1, 0, None)));
        assert_eq!(
            found("Time: 3:55pm – 4:15pm"),
            Some((15, 55, Some((16, 15))))
        );
        assert_eq!(found("2021.1.17 Istio 1.8"), None);
        assert_eq!(
            found("2020 年 9 月 29 日，星期二，下午 5:00（北京时间）"),
            Some((17, 0, None))
        );
    }

    #[test]
    fn an_evening_meetup_reads_its_first_time_in_the_evening() {
        let start = chrono::DateTime::parse_from_rfc3339("2023-07-26T19:00:00+04:00").unwrap();
        let mut line = Timeline::new(Some(start), chrono_tz::UTC);
        let slot = line.slot(leading("7:15 Doors open").unwrap().0);
        assert_eq!(slot.start.to_rfc3339(), "2023-07-26T19:15:00+04:00");
        let mut morning = Timeline::new(Some(start), chrono_tz::UTC);
        let slot = morning.slot(leading("17:15 Doors open").unwrap().0);
        assert_eq!(slot.start.format("%H:%M").to_string(), "17:15");
    }

    #[test]
    fn trailing_range_in_heading() {
        let (range, title) = trailing("Session 1: Introduction (09:00 - 10:30)").unwrap();
        assert_eq!(title, "Session 1: Introduction");
        assert_eq!(hm(range), (9, 0, Some((10, 30))));
    }

    #[test]
    fn afternoon_shorthand_and_next_days() {
        let start = chrono::DateTime::parse_from_rfc3339("2022-03-18T10:00:00-07:00").unwrap();
        let mut line = Timeline::new(Some(start), chrono_tz::UTC);
        let mut at = |text: &str| {
            let slot = line.slot(leading(text).unwrap().0);
            (
                slot.start.to_rfc3339(),
                slot.end.map(|e| e.format("%d %H:%M").to_string()),
            )
        };
        assert_eq!(at("11:45 - 12:30").0, "2022-03-18T11:45:00-07:00");
        assert_eq!(at("12:30 - 2:30").1.unwrap(), "18 14:30");
        assert_eq!(at("2:30 - 3:20").0, "2022-03-18T14:30:00-07:00");
        assert_eq!(at("16:00 - 17:30").0, "2022-03-18T16:00:00-07:00");
        // A course's second morning.
        assert_eq!(at("09:00 - 10:30").0, "2022-03-19T09:00:00-07:00");
    }
}
