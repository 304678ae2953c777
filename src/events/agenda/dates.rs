//! Whole dates in headings (`Monday (Nov. 23rd 2020)`, `23 November 2020`,
//! `2020年11月23日`, `2020-11-23`): a course schedule's day headings date its
//! sessions even when the page's front matter has no date.

use chrono::NaiveDate;

use super::labels::lowercase;

const MONTHS: &[&str] = &[
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
];

/// The first whole date (day, month and year) in `text`.
pub fn full_date(text: &str) -> Option<NaiveDate> {
    numeric(text).or_else(|| worded(text))
}

/// `2020-11-23`, `2020/11/23`, `2020年11月23日`, `2020.11.23`.
fn numeric(text: &str) -> Option<NaiveDate> {
    let runs = runs_of_digits(text);
    let joined = |(_, end): (usize, usize), (start, _): (usize, usize)| {
        matches!(text[end..start].trim(), "-" | "/" | "." | "年" | "月")
    };
    runs.windows(3).find_map(|w| {
        let [year, month, day] = [w[0], w[1], w[2]];
        let number = |(from, to): (usize, usize)| text[from..to].parse::<u32>().ok();
        (year.1 - year.0 == 4 && joined(year, month) && joined(month, day))
            .then(|| {
                let year = i32::try_from(number(year)?).ok()?;
                NaiveDate::from_ymd_opt(year, number(month)?, number(day)?)
            })
            .flatten()
    })
}

/// Each run of ASCII digits, as byte offsets.
fn runs_of_digits(text: &str) -> Vec<(usize, usize)> {
    let mut runs = Vec::new();
    let mut start = None;
    for (at, c) in text.char_indices().chain([(text.len(), ' ')]) {
        match (c.is_ascii_digit(), start) {
            (true, None) => start = Some(at),
            (false, Some(from)) => {
                runs.push((from, at));
                start = None;
            }
            _ => {}
        }
    }
    runs
}

/// `Nov. 23rd 2020`, `November 23, 2020`, `23 November 2020`, `23rd of Nov 2020`.
fn worded(text: &str) -> Option<NaiveDate> {
    let lower = lowercase(text);
    let words: Vec<&str> = lower
        .split(|c: char| c.is_whitespace() || matches!(c, ',' | '.' | '(' | ')'))
        .filter(|w| !w.is_empty() && *w != "of")
        .collect();
    words.windows(3).find_map(|w| {
        let (month, day, year) = match (month_of(w[0]), month_of(w[1])) {
            (Some(month), _) => (month, w[1], w[2]),
            (None, Some(month)) => (month, w[0], w[2]),
            _ => return None,
        };
        let digits = day.trim_end_matches(|c: char| c.is_ascii_alphabetic());
        let ordinal = &day[digits.len()..];
        if !matches!(ordinal, "" | "st" | "nd" | "rd" | "th") {
            return None;
        }
        let day = digits.parse().ok()?;
        let year = year.parse().ok().filter(|y| (1900..=2200).contains(y))?;
        NaiveDate::from_ymd_opt(year, month, day)
    })
}

fn month_of(word: &str) -> Option<u32> {
    let long = [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ];
    (word.len() >= 3)
        .then(|| {
            MONTHS
                .iter()
                .position(|m| word == *m || long.iter().any(|l| l.starts_with(m) && *l == word))
                .or_else(|| (word == "sept").then_some(8))
        })
        .flatten()
        .map(|i| i as u32 + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_as_headings_write_them() {
        let date = |y, m, d| NaiveDate::from_ymd_opt(y, m, d);
        for (text, want) in [
            ("Monday (Nov. 23rd 2020)", date(2020, 11, 23)),
            ("Check-in II (Nov. 16th 2020)", date(2020, 11, 16)),
            ("Tuesday, November 24, 2020", date(2020, 11, 24)),
            ("24 September 2021", date(2021, 9, 24)),
            ("2020年11月23日 周一", date(2020, 11, 23)),
            ("Day 1 — 2024-03-17", date(2024, 3, 17)),
            ("Monday", None),
            ("November 2020", None),
            ("Rust 1.0 turns 10 in 2025", None),
        ] {
            assert_eq!(full_date(text), want, "{text}");
        }
    }
}
