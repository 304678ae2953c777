//! A programme kept in the front matter (`agenda: [{time: 13:00-13:30,
//! item: 签到}]`), handed to the agenda reader as it was written. Which
//! field holds the time and which the title is read from the values, not
//! from the theme's key names: a value that is a clock time is the time, the
//! longest other text is the item.

use crate::events::agenda::Listed;

use super::fields::Reader;
use super::tree::{Node, Value};

pub fn read(reader: &mut Reader) -> Vec<Listed> {
    let Some(entry) = reader.entry(&["agenda", "schedule", "programme", "program"]) else {
        return Vec::new();
    };
    let Value::List(items) = &entry.node.value else {
        return Vec::new();
    };
    items.iter().filter_map(listed).collect()
}

fn listed(node: &Node) -> Option<Listed> {
    let (time, text) = match &node.value {
        Value::Map(map) => {
            let texts: Vec<String> = map.0.iter().filter_map(|e| e.node.text()).collect();
            let time = texts.iter().find(|t| looks_like_time(t)).cloned();
            let text = texts
                .iter()
                .filter(|t| Some(*t) != time.as_ref())
                .max_by_key(|t| t.chars().count())
                .cloned()?;
            (time, text)
        }
        _ => (None, node.text()?),
    };
    Some(Listed {
        time,
        text,
        line: node.line,
    })
}

/// `13:00-13:30`, `9:30`, `7pm`: short text that starts with a digit and
/// holds a clock time.
fn looks_like_time(text: &str) -> bool {
    text.chars().count() <= 24
        && text.starts_with(|c: char| c.is_ascii_digit())
        && (text.contains(':') || text.to_lowercase().ends_with(['m']))
}
