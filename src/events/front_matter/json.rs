//! JSON front matter (`{ … }`) into the value tree. serde_json keeps no
//! positions in its values, so the parser reads through a counter and each
//! node takes the line the parser had reached when it was read: exact for
//! keys and scalars, which is what messages point at. serde_json bounds
//! nesting itself.

use std::cell::Cell;
use std::io::Read;

use serde::de::{self, DeserializeSeed, Deserializer};

use super::tree::{Entry, Map, Node, Value};
use super::{Lines, Problem};

/// `first_line` is the file line of the opening `{`.
pub fn parse(text: &str, first_line: usize) -> Result<Node, Problem> {
    let lines = Lines::new(text, first_line);
    let read = Cell::new(0);
    let source = Counting {
        rest: text.as_bytes(),
        read: &read,
    };
    let mut deserializer = serde_json::Deserializer::from_reader(source);
    let seed = Seed {
        read: &read,
        lines: &lines,
    };
    let node = seed
        .deserialize(&mut deserializer)
        .and_then(|node| deserializer.end().map(|()| node))
        .map_err(|error| Problem {
            line: first_line + error.line().max(1) - 1,
            column: Some(error.column()),
            message: strip_position(&error.to_string()),
        })?;
    Ok(node)
}

/// serde_json ends its message with the position, reported apart.
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(at) => message[..at].to_string(),
        None => message.to_string(),
    }
}

/// Hands the parser one byte at a time, so the count is where it stands.
struct Counting<'a> {
    rest: &'a [u8],
    read: &'a Cell<usize>,
}

impl Read for Counting<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        match (self.rest.split_first(), buf.first_mut()) {
            (Some((byte, rest)), Some(slot)) => {
                *slot = *byte;
                self.rest = rest;
                self.read.set(self.read.get() + 1);
                Ok(1)
            }
            _ => Ok(0),
        }
    }
}

#[derive(Clone, Copy)]
struct Seed<'a> {
    read: &'a Cell<usize>,
    lines: &'a Lines,
}

impl Seed<'_> {
    fn node(&self, value: Value) -> Node {
        let line = self.lines.line(self.read.get().saturating_sub(1));
        Node::new(line, value)
    }
}

impl<'de> DeserializeSeed<'de> for Seed<'_> {
    type Value = Node;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Node, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> de::Visitor<'de> for Seed<'_> {
    type Value = Node;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Node, E> {
        Ok(self.node(Value::Bool(v)))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Node, E> {
        Ok(self.node(Value::Number(v.to_string())))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Node, E> {
        Ok(self.node(Value::Number(v.to_string())))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Node, E> {
        Ok(self.node(Value::Number(v.to_string())))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Node, E> {
        Ok(self.node(Value::Text(v.to_string())))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Node, E> {
        Ok(self.node(Value::Null))
    }
    fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<Node, A::Error> {
        let start = self.node(Value::Null).line;
        let mut items = Vec::new();
        while let Some(item) = seq.next_element_seed(self)? {
            items.push(item);
        }
        Ok(Node::new(start, Value::List(items)))
    }
    fn visit_map<A: de::MapAccess<'de>>(self, mut map: A) -> Result<Node, A::Error> {
        let start = self.node(Value::Null).line;
        let mut entries = Vec::new();
        while let Some(key) = map.next_key::<String>()? {
            let line = self.node(Value::Null).line;
            let node = map.next_value_seed(self)?;
            entries.push(Entry { key, line, node });
        }
        Ok(Node::new(start, Value::Map(Map(entries))))
    }
}
