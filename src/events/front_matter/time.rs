//! Dates and times as pages write them.

use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, NaiveTime, TimeZone};
use chrono_tz::Tz;

use crate::events::model::Instant;

/// A point in time as written on a page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageTime {
    pub at: Instant,
    /// Written as a bare `YYYY-MM-DD`.
    pub date_only: bool,
}

/// RFC 3339 with an offset (`Z` included) is taken as written, so a page in
/// UTC stays in UTC; a time without an offset or a bare date is read in the
/// configured zone.
pub fn parse_time(value: &str, tz: Tz) -> Result<PageTime, String> {
    let value = value.trim();
    let with_t = value.replacen(' ', "T", 1);
    let offset = [
        "%Y-%m-%dT%H:%M%:z",
        "%Y-%m-%dT%H:%M:%S%z",
        "%Y-%m-%dT%H:%M%z",
    ];
    let fixed = DateTime::parse_from_rfc3339(&with_t).ok().or_else(|| {
        offset
            .iter()
            .find_map(|format| DateTime::parse_from_str(&with_t, format).ok())
    });
    // `14:00-18:00` is a range, not 14:00 at UTC-18.
    let fixed = fixed.filter(|at| at.offset().local_minus_utc().abs() <= 14 * 3600);
    if let Some(at) = fixed {
        return Ok(PageTime {
            at,
            date_only: false,
        });
    }
    for format in ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%dT%H:%M"] {
        if let Ok(naive) = NaiveDateTime::parse_from_str(&with_t, format) {
            return local(naive, tz).map(|at| PageTime {
                at,
                date_only: false,
            });
        }
    }
    if let Ok(date) = NaiveDate::parse_from_str(value, "%Y-%m-%d") {
        return local(date.and_time(NaiveTime::MIN), tz).map(|at| PageTime {
            at,
            date_only: true,
        });
    }
    Err(format!(
        "`{value}` is not a date: write it as 2024-05-18T14:00:00+08:00 (or 2024-05-18 14:00, read in {tz})"
    ))
}

/// A value that starts with a date, as time blocks in front matter do:
/// `2022-05-14 14:00-18:00` is 14:00, ending at 18:00 that day. Anything
/// that does not start with a full date is not date-like.
pub fn date_like(value: &str, tz: Tz) -> Option<(PageTime, Option<PageTime>)> {
    let value = value.trim();
    if !starts_with_date(value) {
        return None;
    }
    if let Ok(start) = parse_time(value, tz) {
        return Some((start, None));
    }
    let mut words = value.split_whitespace();
    let day = words.next()?;
    let clock = words
        .next()
        .filter(|w| w.starts_with(|c: char| c.is_ascii_digit()));
    if let Some(clock) = clock {
        let (from, to) = match clock.split_once(['-', '–', '~']) {
            Some((from, to)) => (from, Some(to)),
            None => (
                clock,
                words
                    .next()
                    .filter(|w| matches!(*w, "-" | "–" | "~"))
                    .and(words.next()),
            ),
        };
        if let Ok(start) = parse_time(&format!("{day}T{from}"), tz) {
            let end = to
                .and_then(|to| NaiveTime::parse_from_str(to.trim(), "%H:%M").ok())
                .and_then(|to| {
                    let at = start.at.date_naive().and_time(to);
                    start.at.timezone().from_local_datetime(&at).single()
                })
                .filter(|end| *end > start.at)
                .map(|at| PageTime {
                    at,
                    date_only: false,
                });
            return Some((start, end));
        }
    }
    parse_time(day, tz).ok().map(|start| (start, None))
}

/// `YYYY-MM-DD`: a four-digit year, the shape every date key in the corpus
/// uses; `2019` alone or `9:15 AM` are not dates.
fn starts_with_date(value: &str) -> bool {
    let bytes = value.as_bytes();
    bytes.len() >= 10
        && bytes[..4].iter().all(u8::is_ascii_digit)
        && bytes[4] == b'-'
        && bytes[7] == b'-'
        && bytes[5..7]
            .iter()
            .chain(&bytes[8..10])
            .all(u8::is_ascii_digit)
}

fn local(naive: NaiveDateTime, tz: Tz) -> Result<Instant, String> {
    match tz.from_local_datetime(&naive).earliest() {
        Some(at) => Ok(at.fixed_offset()),
        // Skipped by a daylight-saving change: the hour after is what a
        // person means by it.
        None => tz
            .from_local_datetime(&(naive + Duration::hours(1)))
            .earliest()
            .map(|at| at.fixed_offset())
            .ok_or_else(|| format!("{naive} does not exist in {tz}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tz() -> Tz {
        "Asia/Shanghai".parse().unwrap()
    }

    #[test]
    fn times_with_and_without_offsets() {
        let t = parse_time("2021-04-17T13:00:00+08:00", tz()).unwrap();
        assert_eq!(t.at.to_rfc3339(), "2021-04-17T13:00:00+08:00");
        let t = parse_time("2024-09-02T09:00:00Z", tz()).unwrap();
        assert_eq!(t.at.to_rfc3339(), "2024-09-02T09:00:00+00:00");
        let t = parse_time("2021-02-06T15:00:00.000Z", tz()).unwrap();
        assert_eq!(t.at.to_rfc3339(), "2021-02-06T15:00:00+00:00");
        let t = parse_time("2022-07-12", tz()).unwrap();
        assert!(t.date_only);
        assert_eq!(t.at.to_rfc3339(), "2022-07-12T00:00:00+08:00");
        let t = parse_time("2022-07-12 14:30", tz()).unwrap();
        assert_eq!(t.at.to_rfc3339(), "2022-07-12T14:30:00+08:00");
        let t = parse_time("2022-05-14T14:00", tz()).unwrap();
        assert_eq!(t.at.to_rfc3339(), "2022-05-14T14:00:00+08:00");
        assert!(parse_time("next tuesday", tz())
            .unwrap_err()
            .contains("`next tuesday`"));
    }

    #[test]
    fn a_time_block_gives_start_and_end() {
        let (start, end) = date_like("2022-05-14 14:00-18:00", tz()).unwrap();
        assert_eq!(start.at.to_rfc3339(), "2022-05-14T14:00:00+08:00");
        assert_eq!(end.unwrap().at.to_rfc3339(), "2022-05-14T18:00:00+08:00");
        let (start, end) = date_like("2022-10-22 14:00 - 16:45", tz()).unwrap();
        assert_eq!(start.at.to_rfc3339(), "2022-10-22T14:00:00+08:00");
        assert_eq!(end.unwrap().at.to_rfc3339(), "2022-10-22T16:45:00+08:00");
        let (start, end) = date_like("2020-01-04 (Sat)", tz()).unwrap();
        assert!(start.date_only && end.is_none());
    }

    #[test]
    fn only_values_that_start_with_a_date_are_date_like() {
        for value in ["2019", "9:15 AM", "13:10-13:30", "", "TBA", "2019-4-5"] {
            assert!(date_like(value, tz()).is_none(), "{value}");
        }
    }
}
