//! Event fields read from the value tree. Themes spell and shape keys in
//! many ways, so every field is read leniently: a value of a shape herald
//! cannot use is left out with a warning at its line, never an error.

use chrono_tz::Tz;

use crate::events::agenda::Listed;
use crate::events::model::{Links, Speaker};

use super::dates;
use super::people;
use super::programme;
use super::time::PageTime;
use super::tree::{self, Entry, Map, Node, Value};

/// What herald reads of the front matter. Unknown keys are ignored: themes
/// add many that mean nothing to a chat bot.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FrontMatter {
    /// `title`, else `event` (text, or a map's `name`), else `topic`.
    pub title: Option<String>,
    pub start: Option<Start>,
    pub end: Option<PageTime>,
    pub all_day: Option<bool>,
    pub draft: bool,
    /// herald's own key: the event will not take place.
    pub cancelled: bool,
    pub summary: Option<String>,
    pub abstract_: Option<String>,
    pub location: Option<String>,
    pub address: Address,
    pub links: Links,
    pub authors: Vec<String>,
    /// `speaker` / `speakers` / `presenters`: the people the page names.
    pub speakers: Vec<Speaker>,
    pub tags: Vec<String>,
    /// A programme kept in the front matter, for the agenda reader.
    pub programme: Vec<Listed>,
    /// `image.filename`, by its line: the poster the page names.
    pub image: Option<(usize, String)>,
    /// What was ignored or doubtful, by file line.
    pub warnings: Vec<(usize, String)>,
}

/// When the event starts, and which key said so (`date`, `eventdates.from`).
#[derive(Debug, Clone, PartialEq)]
pub struct Start {
    pub time: PageTime,
    pub key: String,
    pub line: usize,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Address {
    pub street: Option<String>,
    pub city: Option<String>,
    pub region: Option<String>,
    pub postcode: Option<String>,
    pub country: Option<String>,
}

/// Reads every field herald knows from the top-level map.
pub fn read(map: &Map, tz: Tz) -> FrontMatter {
    let mut reader = Reader {
        map,
        warnings: Vec::new(),
    };
    for (line, key, first) in tree::repeats(map) {
        reader.warnings.push((
            line,
            format!("`{key}` is written twice (first at line {first}); herald keeps this last value, as Hugo does"),
        ));
    }
    let title = title(&mut reader);
    let (start, end) = dates::read(&mut reader, tz);
    let authors = people::authors(&mut reader);
    let speakers = people::speakers(&mut reader, &authors);
    let address = address(&mut reader);
    let links = Links {
        register: reader.link(&[
            "event_url",
            "register",
            "registration",
            "signupurl",
            "signup_url",
        ]),
        slides: reader.link(&["url_slides", "slides"]),
        video: reader.link(&["url_video", "video", "youtube"]),
        pdf: reader.link(&["url_pdf"]),
        code: reader.link(&["url_code"]),
    };
    let mut fm = FrontMatter {
        title,
        start,
        end,
        all_day: reader.flag("all_day"),
        draft: reader.flag("draft").unwrap_or(false),
        cancelled: reader.flag("cancelled").unwrap_or(false),
        summary: reader.text(&["summary", "description", "desc"]),
        abstract_: reader.text(&["abstract"]),
        location: reader.text(&["location", "place", "venue", "eventplace"]),
        address,
        links,
        authors,
        speakers,
        tags: reader.list("tags"),
        programme: programme::read(&mut reader),
        image: image(&reader),
        warnings: Vec::new(),
    };
    fm.warnings = reader.warnings;
    fm.warnings.sort_by_key(|(line, _)| *line);
    fm
}

/// `event:` is the title on some themes and a map of event details on others.
fn title(reader: &mut Reader) -> Option<String> {
    for key in ["title", "event", "topic"] {
        let Some(entry) = reader.entry(&[key]) else {
            continue;
        };
        let text = match &entry.node.value {
            Value::Map(map) => map.first_of(&["name", "title"]).and_then(|e| e.node.text()),
            _ => reader.scalar(entry),
        };
        if let Some(text) = text {
            // A folded or literal block title still reads as one line; a
            // no-break space is the page's own and stays.
            return Some(text.split_ascii_whitespace().collect::<Vec<_>>().join(" "));
        }
    }
    None
}

/// Wowchemy's `image: {filename: …}`; the rest of the block (caption,
/// focal point) is for the web page.
fn image(reader: &Reader) -> Option<(usize, String)> {
    let entry = reader.entry(&["image"])?.node.map()?.get("filename")?;
    Some((entry.line, entry.node.text()?))
}

fn address(reader: &mut Reader) -> Address {
    let Some(entry) = reader.entry(&["address"]) else {
        return Address::default();
    };
    let Some(map) = entry.node.map() else {
        return Address {
            street: reader.scalar(entry),
            ..Address::default()
        };
    };
    let part = |key: &str| map.get(key).and_then(|e| e.node.text());
    Address {
        street: part("street"),
        city: part("city"),
        region: part("region"),
        postcode: part("postcode"),
        country: part("country"),
    }
}

/// The map being read, and what it had to leave out.
pub struct Reader<'a> {
    pub map: &'a Map,
    pub warnings: Vec<(usize, String)>,
}

impl<'a> Reader<'a> {
    /// The first of `keys` set at the top level, or in Zola's `[extra]` or
    /// Hugo's `params`, where themes put their own keys.
    pub fn entry(&self, keys: &[&str]) -> Option<&'a Entry> {
        let nested = ["extra", "params"]
            .into_iter()
            .filter_map(|key| self.map.get(key).and_then(|e| e.node.map()));
        std::iter::once(self.map)
            .chain(nested)
            .find_map(|map| map.first_of(keys))
    }

    /// A text field: a list of texts is joined (`location: [a, b]`).
    pub fn text(&mut self, keys: &[&str]) -> Option<String> {
        let entry = self.entry(keys)?;
        self.scalar(entry)
    }

    pub fn scalar(&mut self, entry: &Entry) -> Option<String> {
        match &entry.node.value {
            Value::List(items) => {
                let texts: Vec<String> = items.iter().filter_map(Node::text).collect();
                if texts.len() < items.len() {
                    self.ignored(&entry.key, &entry.node, "has items that are not text");
                }
                (!texts.is_empty()).then(|| texts.join(", "))
            }
            Value::Map(_) => {
                self.ignored(&entry.key, &entry.node, "is a map");
                None
            }
            _ => entry.node.text(),
        }
    }

    fn link(&mut self, keys: &[&str]) -> Option<String> {
        let entry = self.entry(keys)?;
        self.scalar(entry)
            .filter(|url| url.contains("://") || url.starts_with('/'))
    }

    fn flag(&mut self, key: &str) -> Option<bool> {
        let entry = self.entry(&[key])?;
        let text = entry.node.text()?.to_ascii_lowercase();
        match text.as_str() {
            "true" | "yes" => Some(true),
            "false" | "no" => Some(false),
            _ => {
                let message = format!("is `{text}`, not true or false");
                self.ignored(&entry.key, &entry.node, &message);
                None
            }
        }
    }

    /// `tags: [a, b]` or `tags: a`.
    fn list(&mut self, key: &str) -> Vec<String> {
        let Some(entry) = self.entry(&[key]) else {
            return Vec::new();
        };
        match &entry.node.value {
            Value::List(items) => {
                let texts: Vec<String> = items.iter().filter_map(Node::text).collect();
                if texts.len() < items.len() {
                    self.ignored(&entry.key, &entry.node, "has items that are not text");
                }
                texts
            }
            _ => self.scalar(entry).into_iter().collect(),
        }
    }

    /// "`tags` is a map; herald ignored it".
    pub fn ignored(&mut self, key: &str, node: &Node, why: &str) {
        self.warnings
            .push((node.line, format!("`{key}` {why}; herald ignored it")));
    }
}
