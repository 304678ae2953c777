//! The YAML between the `---` fences: split from the body, typed, and turned
//! into event fields. Pages come from many Wowchemy themes, so values are
//! read leniently (a number where a string is expected, a single tag instead
//! of a list, `null` for "not set"), but a value that cannot mean what its key
//! asks for is an error with the line it sits on.

use std::path::Path;

use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, TimeZone};
use chrono_tz::Tz;
use serde::de::{self, Deserializer};
use serde::Deserialize;

use super::diagnostic::{PageError, PageErrorKind};
use super::model::Instant;

/// A page cut in two. Line numbers are 1-based lines of the whole file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Split<'a> {
    pub yaml: &'a str,
    /// Line of the first YAML line (the one after the opening fence).
    pub yaml_line: usize,
    pub body: &'a str,
    /// Line of the first body line.
    pub body_line: usize,
}

/// Finds the fences. The closing fence must be exactly `---` (trailing
/// spaces allowed); a near miss such as `---%` is named in the error, since
/// that is what an organizer needs to fix.
pub fn split<'a>(path: &Path, src: &'a str) -> Result<Split<'a>, PageError> {
    let src = src.strip_prefix('\u{feff}').unwrap_or(src);
    let mut lines = src.split_inclusive('\n');
    let first = lines.next().unwrap_or("");
    if first.trim_end() != "---" {
        let line = 1;
        return Err(PageError::new(path, line, PageErrorKind::NoFrontMatter));
    }
    let yaml_start = first.len();
    let mut offset = yaml_start;
    let mut suspect = None;
    for (index, line) in lines.enumerate() {
        let number = index + 2;
        let text = line.trim_end();
        if text == "---" || text == "..." {
            return Ok(Split {
                yaml: &src[yaml_start..offset],
                yaml_line: 2,
                body: &src[offset + line.len()..],
                body_line: number + 1,
            });
        }
        if text.starts_with("---") && suspect.is_none() {
            suspect = Some((number, text.to_string()));
        }
        offset += line.len();
    }
    let line = suspect.as_ref().map_or(1, |(line, _)| *line);
    Err(PageError::new(
        path,
        line,
        PageErrorKind::Unclosed { suspect },
    ))
}

/// What herald reads of the front matter. Unknown keys are ignored: themes
/// add many that mean nothing to a chat bot.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct FrontMatter {
    pub title: Option<Text>,
    pub event: Option<Text>,
    pub event_url: Option<Text>,
    pub location: Option<Text>,
    pub address: Option<Address>,
    pub summary: Option<Text>,
    #[serde(rename = "abstract")]
    pub abstract_: Option<Text>,
    pub date: Option<Text>,
    pub date_end: Option<Text>,
    pub all_day: Option<bool>,
    pub authors: Option<OneOrMany>,
    pub tags: Option<OneOrMany>,
    pub url_slides: Option<Text>,
    pub url_video: Option<Text>,
    pub url_pdf: Option<Text>,
    pub url_code: Option<Text>,
    pub draft: Option<bool>,
    /// herald's own key: the event will not take place.
    pub cancelled: Option<bool>,
    /// Seminar pages: the one speaker of a single-talk event.
    pub speaker: Option<SeminarSpeaker>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Address {
    pub street: Option<Text>,
    pub city: Option<Text>,
    pub region: Option<Text>,
    pub postcode: Option<Text>,
    pub country: Option<Text>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct SeminarSpeaker {
    pub name: Option<Text>,
    pub institution: Option<Text>,
    pub url: Option<Text>,
}

/// A scalar read as text: strings, numbers and booleans all are (a title of
/// `2023` is still a title). Blank text counts as not set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Text(pub String);

impl<'de> Deserialize<'de> for Text {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl de::Visitor<'_> for Visitor {
            type Value = Text;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a text value")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Text, E> {
                Ok(Text(v.trim().to_string()))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Text, E> {
                Ok(Text(v.to_string()))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Text, E> {
                Ok(Text(v.to_string()))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Text, E> {
                Ok(Text(v.to_string()))
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Text, E> {
                Ok(Text(v.to_string()))
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}

/// `tags: [a, b]` or `tags: a`. Written as a visitor rather than an
/// untagged enum so that a wrong value keeps its key and line in the error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OneOrMany(Vec<String>);

impl<'de> Deserialize<'de> for OneOrMany {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> de::Visitor<'de> for Visitor {
            type Value = OneOrMany;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a text value or a list of them")
            }
            fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<OneOrMany, A::Error> {
                let mut items = Vec::new();
                while let Some(item) = seq.next_element::<Option<Text>>()? {
                    items.extend(item.map(|text| text.0));
                }
                Ok(OneOrMany(items))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<OneOrMany, E> {
                Ok(OneOrMany(vec![v.trim().to_string()]))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<OneOrMany, E> {
                Ok(OneOrMany(vec![v.to_string()]))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<OneOrMany, E> {
                Ok(OneOrMany(vec![v.to_string()]))
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}

impl OneOrMany {
    pub fn into_vec(self) -> Vec<String> {
        self.0.into_iter().filter(|text| !text.is_empty()).collect()
    }
}

/// Text of an optional value, `None` when blank.
pub fn text(value: Option<Text>) -> Option<String> {
    value.map(|text| text.0).filter(|text| !text.is_empty())
}

/// Reads the YAML. Lines in errors are lines of the file.
pub fn parse(path: &Path, split: &Split) -> Result<FrontMatter, PageError> {
    if split.yaml.trim().is_empty() {
        return Ok(FrontMatter::default());
    }
    serde_yaml::from_str::<Option<FrontMatter>>(split.yaml)
        .map(Option::unwrap_or_default)
        .map_err(|error| yaml_error(path, split, &error))
}

fn yaml_error(path: &Path, split: &Split, error: &serde_yaml::Error) -> PageError {
    let (line, column) = match error.location() {
        Some(location) => (
            split.yaml_line + location.line() - 1,
            Some(location.column()),
        ),
        None => (split.yaml_line, None),
    };
    // serde_yaml repeats the position at the end of its message.
    let message = error.to_string();
    let message = match message.find(" at line ") {
        Some(at) => message[..at].to_string(),
        None => message,
    };
    let kind = match message.split_once(": ") {
        Some((key, problem)) if is_key_path(key) => PageErrorKind::Field {
            key: key.to_string(),
            problem: problem.to_string(),
        },
        _ => PageErrorKind::Yaml(message),
    };
    PageError {
        file: path.to_path_buf(),
        line,
        column,
        kind,
    }
}

fn is_key_path(text: &str) -> bool {
    !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '_' | '.' | '[' | ']'))
}

/// The file line where a top-level key is written, for errors about its value.
pub fn key_line(split: &Split, key: &str) -> usize {
    split
        .yaml
        .lines()
        .position(|line| {
            line.strip_prefix(key)
                .is_some_and(|rest| rest.trim_start().starts_with(':'))
        })
        .map_or(split.yaml_line, |index| split.yaml_line + index)
}

/// A point in time as written on a page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageTime {
    pub at: Instant,
    /// Written as a bare `YYYY-MM-DD`.
    pub date_only: bool,
}

/// RFC 3339 with an offset is taken as written; a time without an offset or
/// a bare date is read in the configured zone.
pub fn parse_time(value: &str, tz: Tz) -> Result<PageTime, String> {
    let value = value.trim();
    if let Ok(at) = DateTime::parse_from_rfc3339(value) {
        return Ok(PageTime {
            at,
            date_only: false,
        });
    }
    let with_space = value.replacen(' ', "T", 1);
    if let Ok(at) = DateTime::parse_from_str(&with_space, "%Y-%m-%dT%H:%M%:z") {
        return Ok(PageTime {
            at,
            date_only: false,
        });
    }
    for format in ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%dT%H:%M"] {
        if let Ok(naive) = NaiveDateTime::parse_from_str(&with_space, format) {
            return local(naive, tz).map(|at| PageTime {
                at,
                date_only: false,
            });
        }
    }
    if let Ok(date) = NaiveDate::parse_from_str(value, "%Y-%m-%d") {
        let midnight = date.and_hms_opt(0, 0, 0).expect("midnight exists");
        return local(midnight, tz).map(|at| PageTime {
            at,
            date_only: true,
        });
    }
    Err(format!(
        "`{value}` is not a date: write it as 2024-05-18T14:00:00+08:00 (or 2024-05-18 14:00, read in {tz})"
    ))
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

    fn page(src: &str) -> Result<FrontMatter, PageError> {
        let path = Path::new("e.md");
        parse(path, &split(path, src)?)
    }

    #[test]
    fn fences_and_lines() {
        let src = "---\ntitle: a\n---\n\nbody\n";
        let split = split(Path::new("e.md"), src).unwrap();
        assert_eq!(split.yaml, "title: a\n");
        assert_eq!(split.body, "\nbody\n");
        assert_eq!(split.body_line, 4);
    }

    #[test]
    fn a_near_miss_closing_fence_is_named() {
        let error = split(Path::new("e.md"), "---\ntitle: a\nurl: \n---%  ").unwrap_err();
        assert_eq!(error.line, 4);
        assert!(error.to_string().contains("e.md:4: error:"), "{error}");
        assert!(error.to_string().contains("`---%`"), "{error}");
    }

    #[test]
    fn no_front_matter() {
        let error = split(Path::new("e.md"), "# Just markdown\n").unwrap_err();
        assert_eq!(error.kind, PageErrorKind::NoFrontMatter);
    }

    #[test]
    fn lenient_values() {
        let fm = page("---\ntitle: 2023\ntags: solo\nauthors:\nsummary:\naddress:\n  city: 杭州\n  postcode: 35122\n---\n").unwrap();
        assert_eq!(text(fm.title), Some("2023".into()));
        assert_eq!(fm.tags.unwrap().into_vec(), vec!["solo"]);
        assert!(fm.authors.is_none());
        assert_eq!(text(fm.address.unwrap().postcode), Some("35122".into()));
    }

    #[test]
    fn wrong_type_names_key_and_line() {
        let error = page("---\ntitle: x\n\ndraft: maybe\n---\n").unwrap_err();
        assert_eq!(error.line, 4, "{error}");
        assert!(
            matches!(&error.kind, PageErrorKind::Field { key, .. } if key == "draft"),
            "{error}"
        );
    }

    #[test]
    fn a_map_where_a_list_belongs_keeps_key_and_line() {
        let error = page("---\ntitle: x\ndate: 2030-01-01\ntags: {a: 1}\n---\n").unwrap_err();
        assert_eq!(error.line, 4, "{error}");
        assert!(
            error.to_string().contains("`tags`: invalid type: map"),
            "{error}"
        );
    }

    #[test]
    fn broken_yaml_has_line_and_column() {
        let error = page("---\ntitle: x\ntags: [a, b\ndate: 2021-01-01\n---\n").unwrap_err();
        assert!(matches!(error.kind, PageErrorKind::Yaml(_)), "{error}");
        assert!(error.line >= 3 && error.column.is_some(), "{error}");
    }

    #[test]
    fn times_with_and_without_offsets() {
        let tz: Tz = "Asia/Shanghai".parse().unwrap();
        let t = parse_time("2021-04-17T13:00:00+08:00", tz).unwrap();
        assert_eq!(t.at.to_rfc3339(), "2021-04-17T13:00:00+08:00");
        let t = parse_time("2024-09-02T09:00:00Z", tz).unwrap();
        assert_eq!(t.at.to_rfc3339(), "2024-09-02T09:00:00+00:00");
        let t = parse_time("2022-07-12", tz).unwrap();
        assert!(t.date_only);
        assert_eq!(t.at.to_rfc3339(), "2022-07-12T00:00:00+08:00");
        let t = parse_time("2022-07-12 14:30", tz).unwrap();
        assert_eq!(t.at.to_rfc3339(), "2022-07-12T14:30:00+08:00");
        assert!(parse_time("next tuesday", tz)
            .unwrap_err()
            .contains("`next tuesday`"));
    }
}
