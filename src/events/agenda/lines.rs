//! Line shapes the reader asks about: a bold line, a roster line, a title
//! followed by a speaker label, `Name：Title`.

use crate::events::model::{Speaker, Talk};
use crate::events::rich::Rich;

use super::blocks::Line;
use super::labels::{self, Field};
use super::people::{self, is_person, plain};
use super::{organisation, times};

/// `**1、初识openEuler**  讲师：朱延朋`: a title, then a speaker label on the
/// same line.
pub(super) fn titled_then_speaker(line: &Line) -> Option<Talk> {
    let text = line.text.trim();
    if times::leading(text).is_some() {
        return None;
    }
    // Each colon may end a label; the label starts after the space (or the
    // closing `**`) before it. Looking back a few characters only keeps a
    // megabyte line linear.
    let (at, value) = text.match_indices([':', '：']).find_map(|(colon, _)| {
        let from = text[..colon]
            .char_indices()
            .rev()
            .take(16)
            .find(|&(i, c)| c.is_whitespace() || text[..i + c.len_utf8()].ends_with("**"))
            .map(|(i, c)| i + c.len_utf8())?;
        match labels::label(&text[from..]) {
            Some((Field::Speaker, value)) if from > 0 && !value.is_empty() => Some((from, value)),
            _ => None,
        }
    })?;
    let title = plain(text[..at].trim());
    let title = people::numbered(title.trim_start_matches(['\u{200b}', ' ']));
    let speakers = people::speakers(value);
    (!title.is_empty() && !speakers.is_empty()).then(|| Talk {
        title: Rich::inline(title),
        speakers,
        line: line.line,
        ..Talk::default()
    })
}

/// `杜旻翔@斗鱼`: some sites write an author as name@organisation.
pub(super) fn author_speaker(author: &str) -> Speaker {
    match author.split_once('@') {
        Some((name, company)) if !name.trim().is_empty() && !company.trim().is_empty() => Speaker {
            name: name.trim().to_string(),
            company: Some(company.trim().to_string()),
            ..Speaker::default()
        },
        _ => people::speaker(author),
    }
}

/// The text of a line that is bold from end to end.
pub(super) fn whole_bold(text: &str) -> Option<&str> {
    let inner = text.trim().strip_prefix("**")?.strip_suffix("**")?;
    (!inner.contains("**")).then_some(inner.trim())
}

pub(super) fn whole_italic(text: &str) -> Option<&str> {
    let text = text.trim();
    let inner = text
        .strip_prefix('*')
        .and_then(|t| t.strip_suffix('*'))
        .or_else(|| text.strip_prefix('_').and_then(|t| t.strip_suffix('_')))?;
    (!inner.starts_with('*')).then_some(inner.trim())
}

/// `"Large Memory Server Design Overview"`: a line that is one quotation.
pub(super) fn whole_quoted(text: &str) -> Option<&str> {
    let text = text.trim();
    let inner = [('"', '"'), ('“', '”'), ('「', '」')]
        .iter()
        .find_map(|&(open, close)| text.strip_prefix(open)?.strip_suffix(close))?;
    let inner = inner.trim();
    (!inner.is_empty() && !inner.contains(['"', '“', '”'])).then_some(inner)
}

/// `Name（Company）：Title` or `Name（Company）——Title`, split outside parentheses.
pub(super) fn split_who_title(text: &str) -> Option<(&str, &str)> {
    let mut depth = 0usize;
    for (at, c) in text.char_indices() {
        match c {
            '(' | '（' => depth += 1,
            ')' | '）' => depth = depth.saturating_sub(1),
            '：' | ':' if depth == 0 => {
                return Some((text[..at].trim(), text[at + c.len_utf8()..].trim()))
            }
            '—' if depth == 0 => {
                let title = text[at..].trim_start_matches(['—', ' ']);
                return Some((text[..at].trim(), title.trim()));
            }
            _ => {}
        }
    }
    None
}

/// A roster line: `**Name**`, `Name：`, or `Name：bio`.
pub(super) fn roster_entry(text: &str, authors: &[String]) -> Option<Speaker> {
    let text = text.trim();
    if let Some(name) = whole_bold(text) {
        return is_person(name, authors).then(|| people::speaker(name));
    }
    let at = text.find(['：', ':'])?;
    let name = text[..at].trim();
    let rest = text[at..].trim_start_matches(['：', ':']).trim();
    if !is_person(name, authors) {
        return None;
    }
    let mut person = people::speaker(name);
    person.bio = (!rest.is_empty()).then(|| Rich::inline(rest));
    if person.company.is_none() {
        person.company = organisation::of_description(&plain(rest));
    }
    Some(person)
}
