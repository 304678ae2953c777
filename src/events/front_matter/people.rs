//! People in front matter: `author`, `authors`, `speaker(s)`, `presenters`,
//! written by sites as a string, a comma-separated string, a list of strings,
//! a list of maps or a map, or inside a Hugo shortcode.

use crate::events::agenda;
use crate::events::model::Speaker;
use crate::events::rich::Rich;

use super::fields::Reader;
use super::tree::{Map, Node, Value};

/// Keys that name the people who present; `authors` are kept apart because
/// many sites use them for whoever wrote the page.
const SPEAKER_KEYS: &[&str] = &[
    "speaker",
    "speakers",
    "presenter",
    "presenters",
    "speakers_info",
    "speaker_info",
];
const AUTHOR_KEYS: &[&str] = &["authors", "author"];
const NAME_KEYS: &[&str] = &["name", "title", "id"];
const COMPANY_KEYS: &[&str] = &[
    "institution",
    "affiliation",
    "company",
    "organization",
    "organisation",
    "org",
];

/// Names in `authors` then `author`, each once.
pub fn authors(reader: &mut Reader) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for person in people(reader, AUTHOR_KEYS) {
        if !names.contains(&person.name) {
            names.push(person.name);
        }
    }
    names
}

/// The speakers the front matter names. A page-level `institution` (Zola
/// seminar pages: `author` + `institution`) is the company of its one
/// speaker, who is the one author when no speaker key is set.
pub fn speakers(reader: &mut Reader, authors: &[String]) -> Vec<Speaker> {
    let mut speakers = people(reader, SPEAKER_KEYS);
    let company = reader.text(COMPANY_KEYS);
    if let (Some(company), [author]) = (company, authors) {
        match speakers.as_mut_slice() {
            [] => speakers.push(Speaker {
                name: author.clone(),
                company: Some(company),
                ..Speaker::default()
            }),
            [one] if one.company.is_none() => one.company = Some(company),
            _ => {}
        }
    }
    speakers
}

fn people(reader: &mut Reader, keys: &[&str]) -> Vec<Speaker> {
    let mut out = Vec::new();
    for key in keys {
        if let Some(entry) = reader.entry(&[key]) {
            read_people(reader, &entry.key, &entry.node, &mut out);
        }
    }
    out
}

fn read_people(reader: &mut Reader, key: &str, node: &Node, out: &mut Vec<Speaker>) {
    match &node.value {
        Value::Text(_) | Value::Number(_) => {
            let text = node.text().unwrap_or_default();
            out.extend(split_names(&unshortcode(&text)).map(agenda::speaker));
        }
        Value::List(items) => {
            for item in items {
                match &item.value {
                    Value::List(_) => reader.ignored(key, item, "has a list inside a list"),
                    _ => read_people(reader, key, item, out),
                }
            }
        }
        Value::Map(map) => match person(map) {
            Some(speaker) => out.push(speaker),
            None => reader.ignored(key, node, "is a map without a `name`"),
        },
        Value::Null | Value::Bool(_) => {}
    }
}

/// `{name, institution, bio}` and the spellings other themes use.
fn person(map: &Map) -> Option<Speaker> {
    let name = map.first_of(NAME_KEYS)?.node.text()?;
    let mut speaker = agenda::speaker(&unshortcode(&name));
    let company = map.first_of(COMPANY_KEYS).and_then(|e| e.node.text());
    speaker.company = company.or(speaker.company);
    speaker.bio = map
        .first_of(&["bio"])
        .and_then(|e| e.node.text())
        .map(|bio| Rich::inline(&bio));
    Some(speaker)
}

/// `Go 夜读 SIG 小组，曹春晖，John` is three people.
fn split_names(text: &str) -> impl Iterator<Item = &str> {
    text.split([',', '，', '、', ';', '；'])
        .map(str::trim)
        .filter(|name| !name.is_empty())
}

/// `{{% mention "Sebastiano Vigna" %}}` names Sebastiano Vigna: the
/// shortcode's quoted argument, else its words after the shortcode's name.
fn unshortcode(text: &str) -> String {
    let Some(open) = text.find("{{") else {
        return text.to_string();
    };
    let inner = &text[open + 2..];
    let inner = inner.split("}}").next().unwrap_or(inner);
    let inner = inner.trim_matches(|c: char| matches!(c, '%' | '<' | '>') || c.is_whitespace());
    let quoted = inner.split('"').nth(1).filter(|q| !q.trim().is_empty());
    let words = || {
        let mut words = inner.split_whitespace();
        words.next();
        words.collect::<Vec<_>>().join(" ")
    };
    let name = quoted.map_or_else(words, |q| q.trim().to_string());
    let outside = format!(
        "{}{}",
        &text[..open],
        text.rsplit("}}").next().unwrap_or("")
    );
    format!("{} {}", outside.trim(), name).trim().to_string()
}
