//! YAML front matter into the value tree, through `serde-saphyr`: it does not
//! panic on hostile input and bounds nesting, node counts and alias
//! expansion, so a "billion laughs" page is an error, not a stalled bot.

use serde::de::{self, Deserialize, Deserializer};
use serde_saphyr::{budget::BudgetBreach, DuplicateKeyPolicy, Error, Spanned};

use super::tree::{Entry, Map, Node, Value};
use super::Problem;

const MAX_DEPTH: usize = 16;

/// Front matter is a few dozen keys; these limits are far above any real
/// page and far below what would cost the loader noticeable time.
fn options() -> serde_saphyr::Options {
    serde_saphyr::options! {
        budget: serde_saphyr::budget! {
            max_nodes: 100_000,
            // Real front matter nests three or four levels; each level costs
            // the deserializer a deep stack frame.
            max_depth: MAX_DEPTH,
            max_aliases: 1_000,
        },
        // Hugo keeps the last of a repeated key; the tree keeps them all so
        // that the repeat can be warned about.
        duplicate_keys: DuplicateKeyPolicy::PassThrough,
        // `no`, `on` and `y` are words in titles and names, not booleans.
        strict_booleans: true,
        // A postcode of `03000` keeps its zero.
        leading_zero_numbers_as_strings: true,
        with_snippet: false,
    }
}

/// `first_line` is the file line of the YAML's first line.
pub fn parse(yaml: &str, first_line: usize) -> Result<Node, Problem> {
    let parsed: Option<Yaml> = serde_saphyr::from_str_with_options(yaml, options())
        .map_err(|e| problem(&e, first_line))?;
    let offset = first_line - 1;
    Ok(
        parsed.map_or(Node::new(first_line, Value::Map(Map::default())), |yaml| {
            yaml.into_node(offset)
        }),
    )
}

fn problem(error: &Error, first_line: usize) -> Problem {
    let (line, column) = match error.location() {
        Some(at) if at.line() > 0 => (
            first_line + at.line() as usize - 1,
            Some(at.column() as usize),
        ),
        _ => (first_line, None),
    };
    Problem {
        line,
        column,
        message: message(error),
    }
}

fn message(error: &Error) -> String {
    let mut inner = error.without_snippet();
    while let Error::AliasError { error, .. } = inner {
        inner = error.without_snippet();
    }
    match inner {
        Error::Budget {
            breach: BudgetBreach::Depth { .. },
            ..
        } => format!("values are nested too deep (more than {MAX_DEPTH} levels)"),
        Error::Budget { .. }
        | Error::AliasReplayLimitExceeded { .. }
        | Error::AliasExpansionLimitExceeded { .. }
        | Error::AliasReplayStackDepthExceeded { .. } => {
            "aliases (`*name`) expand to far too many values: an alias bomb?".to_string()
        }
        other => {
            // The position is reported apart; drop the copy at the front.
            let text = other.to_string();
            match text.split_once(": ") {
                Some((at, rest)) if at.starts_with("line ") => rest.to_string(),
                _ => text,
            }
        }
    }
}

/// What serde-saphyr hands over, with its positions; turned into a [`Node`]
/// once parsed, so the tree does not depend on the YAML crate.
struct Yaml(Spanned<Raw>);

enum Raw {
    Null,
    Bool(bool),
    Number(String),
    Text(String),
    List(Vec<Yaml>),
    Map(Vec<(Spanned<Key>, Yaml)>),
}

struct Key(String);

impl Yaml {
    fn into_node(self, offset: usize) -> Node {
        let line = offset + self.0.referenced.line() as usize;
        let value = match self.0.value {
            Raw::Null => Value::Null,
            Raw::Bool(value) => Value::Bool(value),
            Raw::Number(text) => Value::Number(text),
            Raw::Text(text) => Value::Text(text),
            Raw::List(items) => {
                Value::List(items.into_iter().map(|i| i.into_node(offset)).collect())
            }
            Raw::Map(entries) => Value::Map(Map(entries
                .into_iter()
                .map(|(key, value)| Entry {
                    key: key.value.0,
                    line: offset + key.referenced.line() as usize,
                    node: value.into_node(offset),
                })
                .collect())),
        };
        Node::new(line, value)
    }
}

impl<'de> Deserialize<'de> for Yaml {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Spanned::<Raw>::deserialize(deserializer).map(Yaml)
    }
}

impl<'de> Deserialize<'de> for Key {
    /// Asked for as a string, so that a key `n` or `yes` stays a name.
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer
            .deserialize_string(RawVisitor)
            .and_then(|raw| match raw {
                Raw::Text(text) | Raw::Number(text) => Ok(Key(text)),
                Raw::Bool(value) => Ok(Key(value.to_string())),
                Raw::Null => Ok(Key(String::new())),
                Raw::List(_) | Raw::Map(_) => Err(de::Error::custom(
                    "a list or map is used as a key; write the key as text",
                )),
            })
    }
}

impl<'de> Deserialize<'de> for Raw {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(RawVisitor)
    }
}

struct RawVisitor;

impl<'de> de::Visitor<'de> for RawVisitor {
    type Value = Raw;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("any YAML value")
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Raw, E> {
        Ok(Raw::Bool(v))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Raw, E> {
        Ok(Raw::Number(v.to_string()))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Raw, E> {
        Ok(Raw::Number(v.to_string()))
    }
    fn visit_i128<E: de::Error>(self, v: i128) -> Result<Raw, E> {
        Ok(Raw::Number(v.to_string()))
    }
    fn visit_u128<E: de::Error>(self, v: u128) -> Result<Raw, E> {
        Ok(Raw::Number(v.to_string()))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Raw, E> {
        Ok(Raw::Number(v.to_string()))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Raw, E> {
        Ok(Raw::Text(v.to_string()))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Raw, E> {
        Ok(Raw::Text(v))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Raw, E> {
        Ok(Raw::Null)
    }
    fn visit_none<E: de::Error>(self) -> Result<Raw, E> {
        Ok(Raw::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Raw, D::Error> {
        Raw::deserialize(deserializer)
    }
    fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<Raw, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Raw::List(items))
    }
    fn visit_map<A: de::MapAccess<'de>>(self, mut map: A) -> Result<Raw, A::Error> {
        let mut entries = Vec::new();
        while let Some(key) = map.next_key()? {
            entries.push((key, map.next_value()?));
        }
        Ok(Raw::Map(entries))
    }
}
