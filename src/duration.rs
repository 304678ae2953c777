//! Durations as organizers write them: `90m`, `1h 30m`, `1h30m`, `7d`, `1w`.
//!
//! Only single-letter units are accepted, so a value reads the same in any
//! language and cannot be mistaken (`m` is minutes; there is no month).

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

/// A whole number of seconds that parses from and formats to the short
/// human form. Formatting stops at days (`7d`, not `1w`), because that is
/// how reminders are usually written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct HumanDuration(Duration);

/// Units from largest to smallest: the letter and its length in seconds.
/// Weeks come first so that formatting can skip them.
const UNITS: [(char, u64); 5] = [
    ('w', 7 * 24 * 3600),
    ('d', 24 * 3600),
    ('h', 3600),
    ('m', 60),
    ('s', 1),
];

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DurationError {
    #[error("the duration is empty: write it as `2h`, `1h 30m` or `7d`")]
    Empty,
    #[error("`{0}` is not a duration: write a number followed by w, d, h, m or s, as in `1h 30m`")]
    Malformed(String),
    #[error("`{unit}` in `{input}` is not a unit: use w (weeks), d (days), h (hours), m (minutes) or s (seconds), as in `7d`")]
    UnknownUnit { input: String, unit: String },
    #[error("`{0}` is too long")]
    TooLong(String),
}

impl HumanDuration {
    pub const fn from_secs(secs: u64) -> Self {
        HumanDuration(Duration::from_secs(secs))
    }

    pub fn as_secs(self) -> u64 {
        self.0.as_secs()
    }

    pub fn is_zero(self) -> bool {
        self.0.is_zero()
    }

    /// For arithmetic on event times, which are chrono values.
    pub fn to_chrono(self) -> chrono::TimeDelta {
        // Parsing caps durations far below `i64::MAX` seconds.
        chrono::TimeDelta::seconds(self.as_secs() as i64)
    }
}

impl FromStr for HumanDuration {
    type Err = DurationError;

    fn from_str(input: &str) -> Result<Self, Self::Err> {
        let compact: String = input.chars().filter(|c| !c.is_whitespace()).collect();
        if compact.is_empty() {
            return Err(DurationError::Empty);
        }
        let mut rest = compact.as_str();
        let mut total: u64 = 0;
        while !rest.is_empty() {
            let digits = rest
                .find(|c: char| !c.is_ascii_digit())
                .unwrap_or(rest.len());
            if digits == 0 {
                return Err(DurationError::Malformed(input.to_string()));
            }
            let unit_len = rest[digits..]
                .find(|c: char| c.is_ascii_digit())
                .unwrap_or(rest.len() - digits);
            let unit = &rest[digits..digits + unit_len];
            let seconds = unit_seconds(unit).ok_or_else(|| unknown_unit(input, unit))?;
            let too_long = || DurationError::TooLong(input.to_string());
            let count: u64 = rest[..digits].parse().map_err(|_| too_long())?;
            total = count
                .checked_mul(seconds)
                .and_then(|part| total.checked_add(part))
                .filter(|&total| total <= MAX_SECS)
                .ok_or_else(too_long)?;
            rest = &rest[digits + unit_len..];
        }
        Ok(HumanDuration::from_secs(total))
    }
}

/// About a hundred years: longer is surely a typo, and the cap keeps every
/// duration representable as a chrono delta.
const MAX_SECS: u64 = 100 * 366 * 24 * 3600;

fn unit_seconds(unit: &str) -> Option<u64> {
    let mut chars = unit.chars();
    let letter = chars.next()?;
    if chars.next().is_some() {
        return None;
    }
    UNITS
        .iter()
        .find(|(name, _)| *name == letter)
        .map(|&(_, seconds)| seconds)
}

fn unknown_unit(input: &str, unit: &str) -> DurationError {
    if unit.is_empty() {
        DurationError::Malformed(input.to_string())
    } else {
        DurationError::UnknownUnit {
            input: input.to_string(),
            unit: unit.to_string(),
        }
    }
}

impl fmt::Display for HumanDuration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_zero() {
            return f.write_str("0s");
        }
        let mut rest = self.as_secs();
        let mut first = true;
        for &(letter, seconds) in UNITS.iter().skip(1) {
            let count = rest / seconds;
            rest %= seconds;
            if count == 0 {
                continue;
            }
            if !first {
                f.write_str(" ")?;
            }
            write!(f, "{count}{letter}")?;
            first = false;
        }
        Ok(())
    }
}

impl From<HumanDuration> for Duration {
    fn from(duration: HumanDuration) -> Duration {
        duration.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secs(input: &str) -> u64 {
        input.parse::<HumanDuration>().unwrap().as_secs()
    }

    #[test]
    fn parses_the_forms_organizers_write() {
        assert_eq!(secs("90m"), 90 * 60);
        assert_eq!(secs("1h 30m"), 90 * 60);
        assert_eq!(secs("1h30m"), 90 * 60);
        assert_eq!(secs("7d"), 7 * 24 * 3600);
        assert_eq!(secs("1w"), 7 * 24 * 3600);
        assert_eq!(secs("2h"), 2 * 3600);
        assert_eq!(secs("45s"), 45);
        assert_eq!(secs(" 1 h 5 m "), 3900);
        assert_eq!(secs("0m"), 0);
    }

    #[test]
    fn formats_back_in_the_short_form() {
        let shown = |input: &str| input.parse::<HumanDuration>().unwrap().to_string();
        assert_eq!(shown("90m"), "1h 30m");
        assert_eq!(shown("1w"), "7d");
        assert_eq!(shown("1d 2h 3m 4s"), "1d 2h 3m 4s");
        assert_eq!(shown("0h"), "0s");
        assert_eq!(shown("10m"), "10m");
    }

    #[test]
    fn rejects_what_is_not_a_duration() {
        let error = |input: &str| input.parse::<HumanDuration>().unwrap_err();
        assert_eq!(error(""), DurationError::Empty);
        assert_eq!(error("   "), DurationError::Empty);
        assert_eq!(
            error("7 days?"),
            DurationError::UnknownUnit {
                input: "7 days?".into(),
                unit: "days?".into()
            }
        );
        assert_eq!(error("h"), DurationError::Malformed("h".into()));
        assert_eq!(error("15"), DurationError::Malformed("15".into()));
        assert_eq!(error("-5m"), DurationError::Malformed("-5m".into()));
        assert_eq!(
            error("1.5h"),
            DurationError::UnknownUnit {
                input: "1.5h".into(),
                unit: ".".into()
            }
        );
        assert!(matches!(
            error("99999999999999999999w"),
            DurationError::TooLong(_)
        ));
        assert!(matches!(error("999999w"), DurationError::TooLong(_)));
    }

    #[test]
    fn converts_for_time_arithmetic() {
        let duration: HumanDuration = "2h".parse().unwrap();
        assert_eq!(duration.to_chrono(), chrono::TimeDelta::hours(2));
        assert_eq!(Duration::from(duration), Duration::from_secs(7200));
    }
}
