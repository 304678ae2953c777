//! TOML front matter (`+++`) into the value tree. `toml_edit` is the parser
//! under the `toml` crate; it is used directly because it keeps the span of
//! every key and value, which is what file:line messages need. It bounds
//! nesting itself, and TOML forbids repeated keys, so a repeat is a parse
//! error here, as it is for Hugo.

use toml_edit::{ImDocument, InlineTable, Item, Table, Value as Toml};

use super::tree::{Entry, Map, Node, Value};
use super::{Lines, Problem};

/// `first_line` is the file line of the TOML's first line.
pub fn parse(text: &str, first_line: usize) -> Result<Node, Problem> {
    let lines = Lines::new(text, first_line);
    let document = ImDocument::parse(text).map_err(|error| {
        let at = error.span().map_or(0, |span| span.start);
        Problem {
            line: lines.line(at),
            column: Some(lines.column(text, at)),
            message: error.message().trim().to_string(),
        }
    })?;
    Ok(Node::new(
        first_line,
        table(document.as_table(), &lines, first_line),
    ))
}

impl Lines {
    fn of(&self, span: Option<std::ops::Range<usize>>, otherwise: usize) -> usize {
        span.map_or(otherwise, |span| self.line(span.start))
    }
}

fn table(table: &Table, lines: &Lines, line: usize) -> Value {
    let entries = table.iter().filter_map(|(key, item)| {
        let key_line = lines.of(table.key(key).and_then(|k| k.span()), line);
        let node = item_node(item, lines, key_line)?;
        Some(Entry {
            key: key.to_string(),
            line: key_line,
            node,
        })
    });
    Value::Map(Map(entries.collect()))
}

fn item_node(item: &Item, lines: &Lines, line: usize) -> Option<Node> {
    match item {
        Item::None => None,
        Item::Value(value) => Some(value_node(value, lines, line)),
        Item::Table(inner) => Some(Node::new(line, table(inner, lines, line))),
        Item::ArrayOfTables(tables) => {
            let items = tables.iter().map(|inner| {
                let at = lines.of(inner.span(), line);
                Node::new(at, table(inner, lines, at))
            });
            Some(Node::new(line, Value::List(items.collect())))
        }
    }
}

fn value_node(value: &Toml, lines: &Lines, line: usize) -> Node {
    let line = lines.of(value.span(), line);
    let value = match value {
        Toml::String(text) => Value::Text(text.value().clone()),
        Toml::Integer(number) => Value::Number(number.value().to_string()),
        Toml::Float(number) => Value::Number(number.value().to_string()),
        Toml::Boolean(flag) => Value::Bool(*flag.value()),
        Toml::Datetime(at) => Value::Text(at.value().to_string()),
        Toml::Array(items) => Value::List(
            items
                .iter()
                .map(|item| value_node(item, lines, line))
                .collect(),
        ),
        Toml::InlineTable(inner) => inline_table(inner, lines, line),
    };
    Node::new(line, value)
}

fn inline_table(table: &InlineTable, lines: &Lines, line: usize) -> Value {
    let entries = table.iter().map(|(key, value)| {
        let key_line = lines.of(table.key(key).and_then(|k| k.span()), line);
        Entry {
            key: key.to_string(),
            line: key_line,
            node: value_node(value, lines, key_line),
        }
    });
    Value::Map(Map(entries.collect()))
}
