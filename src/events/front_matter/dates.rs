//! When the event is. Hugo's `date` is often when the page was posted, and
//! sites that know better add their own key (`eventdates.from`, `hostDate`,
//! a `time` block, `event_date`). Such keys are found by shape — a
//! date-like value under a key named like a date or time — rather than by
//! one site's names, and win over `date`; other date-like keys are the last
//! resort.

use chrono_tz::Tz;

use super::fields::{Reader, Start};
use super::time::{date_like, PageTime};
use super::tree::{Map, Value};

/// Deep enough for `section1.time`, `event.dates.from`.
const MAX_DEPTH: usize = 3;

/// A date-like value found in the tree.
struct Found<'a> {
    path: String,
    name: &'a str,
    line: usize,
    start: PageTime,
    /// The end a range value gives (`14:00-18:00`).
    range_end: Option<PageTime>,
    /// The map it sits in, for its end sibling.
    parent: &'a Map,
}

/// The start (with its key) and the end.
pub fn read(reader: &mut Reader, tz: Tz) -> (Option<Start>, Option<PageTime>) {
    let mut found = Vec::new();
    collect(reader.map, "", 0, tz, &mut found);
    warn_unreadable_date(reader, tz);
    let usable = |f: &&Found| !is_end(f.name) && !is_bookkeeping(f.name);
    let dedicated = found
        .iter()
        .filter(usable)
        .find(|f| f.path != "date" && names_a_time(f.name) && !is_publication(f.name));
    let chosen = dedicated
        .or_else(|| found.iter().find(|f| f.path == "date"))
        .or_else(|| found.iter().find(usable));
    let Some(chosen) = chosen else {
        return (None, None);
    };
    // An end key beside the start (`date_end`, `eventdates.to`), else the
    // end of a range the start's own value gives.
    let end = chosen
        .parent
        .0
        .iter()
        .filter(|entry| is_end(&entry.key))
        .find_map(|entry| {
            let (end, _) = date_like(&entry.node.text()?, tz)?;
            Some((entry.key.as_str(), entry.line, end))
        })
        .or_else(|| Some((chosen.name, chosen.line, chosen.range_end?)));
    let start = Start {
        time: chosen.start,
        key: chosen.path.clone(),
        line: chosen.line,
    };
    let end = end.and_then(|(key, line, end)| {
        if end.at >= start.time.at {
            return Some(end);
        }
        reader.warnings.push((
            line,
            format!(
                "`{key}` ({}) is before `{}` ({}); the end is treated as unknown",
                end.at.to_rfc3339(),
                start.key,
                start.time.at.to_rfc3339()
            ),
        ));
        None
    });
    (Some(start), end)
}

fn collect<'a>(map: &'a Map, prefix: &str, depth: usize, tz: Tz, out: &mut Vec<Found<'a>>) {
    let last = map.last_of_each();
    for (index, entry) in map.0.iter().enumerate() {
        // A repeated key counts once, with its last value.
        if last[index] != index {
            continue;
        }
        let path = || format!("{prefix}{}", entry.key);
        match &entry.node.value {
            Value::Map(inner) if depth + 1 < MAX_DEPTH => {
                collect(inner, &format!("{}.", path()), depth + 1, tz, out)
            }
            _ => {
                let Some((start, range_end)) = entry.node.text().and_then(|t| date_like(&t, tz))
                else {
                    continue;
                };
                out.push(Found {
                    path: path(),
                    name: &entry.key,
                    line: entry.line,
                    start,
                    range_end,
                    parent: map,
                });
            }
        }
    }
}

/// `date: TBA` is worth a word: the organizer meant a date.
fn warn_unreadable_date(reader: &mut Reader, tz: Tz) {
    let Some(entry) = reader.map.get("date") else {
        return;
    };
    let readable = entry
        .node
        .text()
        .is_some_and(|t| date_like(&t, tz).is_some());
    if !readable && !entry.node.is_blank() {
        let shown = entry
            .node
            .text()
            .unwrap_or_else(|| entry.node.shape().to_string());
        let message = format!("`date` (`{shown}`) is not a date; herald ignored it");
        reader.warnings.push((entry.line, message));
    }
}

/// `hostDate` → host, date; `date_end` → date, end; `eventdates.from`.
fn words(key: &str) -> Vec<String> {
    let mut words = vec![String::new()];
    let mut previous_lower = false;
    for c in key.chars() {
        if !c.is_alphanumeric() {
            words.push(String::new());
        } else {
            if c.is_uppercase() && previous_lower {
                words.push(String::new());
            }
            words
                .last_mut()
                .expect("never empty")
                .extend(c.to_lowercase());
        }
        previous_lower = c.is_lowercase();
    }
    words.retain(|word| !word.is_empty());
    words
}

fn names_a_time(key: &str) -> bool {
    words(key).iter().any(|word| {
        word.contains("date")
            || word.contains("time")
            || matches!(
                word.as_str(),
                "start" | "starts" | "from" | "when" | "day" | "begin" | "begins"
            )
    })
}

fn is_end(key: &str) -> bool {
    words(key).iter().any(|word| {
        word.starts_with("end") || matches!(word.as_str(), "to" | "until" | "till" | "finish")
    })
}

/// When the page was published: a start only when nothing else is.
fn is_publication(key: &str) -> bool {
    words(key)
        .iter()
        .any(|word| word.starts_with("publish") || word == "pubdate")
}

/// When the page was edited or expires: never when the event is.
fn is_bookkeeping(key: &str) -> bool {
    words(key).iter().any(|word| {
        matches!(
            word.as_str(),
            "lastmod"
                | "modified"
                | "updated"
                | "expiry"
                | "expirydate"
                | "expires"
                | "created"
                | "timestamp"
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_words() {
        assert_eq!(words("hostDate"), ["host", "date"]);
        assert_eq!(words("date_end"), ["date", "end"]);
        assert!(is_end("endDate") && is_end("to") && !is_end("agenda"));
        assert!(names_a_time("eventdates") && names_a_time("Talk_date"));
        assert!(is_publication("publishDate") && is_bookkeeping("lastmod"));
        assert!(is_bookkeeping("last_modified_at") && is_bookkeeping("timestamp"));
    }
}
