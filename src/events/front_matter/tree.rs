//! One value tree for YAML, TOML and JSON front matter. Each format's parser
//! only builds this tree; every decision about what a key means is taken once,
//! on the tree, so the three formats cannot drift apart. Every node keeps its
//! file line, so that what herald ignores can be pointed at.

use std::cmp::Ordering;

/// A value and the file line it starts on.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub line: usize,
    pub value: Value,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    /// Numbers are kept as text: a title of `2023` is still a title.
    Number(String),
    Text(String),
    List(Vec<Node>),
    Map(Map),
}

/// Entries in file order, repeats included: [`Map::get`] applies Hugo's
/// "last one wins", and [`repeats`] tells the organizer about the others.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Map(pub Vec<Entry>);

#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub key: String,
    pub line: usize,
    pub node: Node,
}

impl Node {
    pub fn new(line: usize, value: Value) -> Self {
        Node { line, value }
    }

    /// A scalar as text, trimmed; `None` when blank or not a scalar.
    pub fn text(&self) -> Option<String> {
        let text = match &self.value {
            Value::Text(text) | Value::Number(text) => text.trim().to_string(),
            Value::Bool(value) => value.to_string(),
            Value::Null | Value::List(_) | Value::Map(_) => return None,
        };
        (!text.is_empty()).then_some(text)
    }

    pub fn map(&self) -> Option<&Map> {
        match &self.value {
            Value::Map(map) => Some(map),
            _ => None,
        }
    }

    /// Null, blank text, or an empty list or map: the key is as good as absent.
    pub fn is_blank(&self) -> bool {
        match &self.value {
            Value::Null => true,
            Value::Text(text) => text.trim().is_empty(),
            Value::List(items) => items.is_empty(),
            Value::Map(map) => map.0.is_empty(),
            Value::Bool(_) | Value::Number(_) => false,
        }
    }

    /// What the value is, for messages: "`tags` is a map".
    pub fn shape(&self) -> &'static str {
        match &self.value {
            Value::Null => "empty",
            Value::Bool(_) => "a true/false value",
            Value::Number(_) => "a number",
            Value::Text(_) => "text",
            Value::List(_) => "a list",
            Value::Map(_) => "a map",
        }
    }
}

impl Map {
    /// The last entry of `key`, compared as Hugo does: without case.
    pub fn get(&self, key: &str) -> Option<&Entry> {
        self.0
            .iter()
            .rev()
            .find(|entry| entry.key.eq_ignore_ascii_case(key))
    }

    /// The first of `keys` that is set to something other than blank.
    pub fn first_of(&self, keys: &[&str]) -> Option<&Entry> {
        keys.iter()
            .filter_map(|key| self.get(key))
            .find(|entry| !entry.node.is_blank())
    }

    /// For each entry, the index of the last entry with its key.
    pub fn last_of_each(&self) -> Vec<usize> {
        let mut last = vec![0; self.0.len()];
        self.each_key(|run| {
            let final_one = run[run.len() - 1];
            for &index in run {
                last[index] = final_one;
            }
        });
        last
    }

    /// Visits the indices of the entries of each key (compared without
    /// case), in file order. A map may hold many thousands of keys, so
    /// this is one sort, not a pass per key; and a sort, not a hash map,
    /// as hashing costs more for the dozen keys of most pages.
    fn each_key(&self, mut visit: impl FnMut(&[usize])) {
        let key = |index: usize| self.0[index].key.as_bytes();
        let mut order: Vec<usize> = (0..self.0.len()).collect();
        // Stable, so each key's entries stay in file order.
        order.sort_by(|&a, &b| caseless(key(a), key(b)));
        for run in order.chunk_by(|&a, &b| key(a).eq_ignore_ascii_case(key(b))) {
            visit(run);
        }
    }
}

/// Keys ordered as their ASCII-lowercase forms are.
fn caseless(a: &[u8], b: &[u8]) -> Ordering {
    a.iter()
        .map(u8::to_ascii_lowercase)
        .cmp(b.iter().map(u8::to_ascii_lowercase))
}

/// Keys written twice in one map, anywhere in the tree: (line of the
/// repeat, key path, line of the earlier one).
pub fn repeats(map: &Map) -> Vec<(usize, String, usize)> {
    let mut out = Vec::new();
    collect_repeats(map, "", &mut out);
    out.sort();
    out
}

fn collect_repeats(map: &Map, prefix: &str, out: &mut Vec<(usize, String, usize)>) {
    map.each_key(|run| {
        for pair in run.windows(2) {
            let (before, entry) = (&map.0[pair[0]], &map.0[pair[1]]);
            out.push((entry.line, format!("{prefix}{}", entry.key), before.line));
        }
    });
    for entry in &map.0 {
        if matches!(entry.node.value, Value::Map(_) | Value::List(_)) {
            visit_children(&entry.node, &format!("{prefix}{}.", entry.key), out);
        }
    }
}

fn visit_children(node: &Node, prefix: &str, out: &mut Vec<(usize, String, usize)>) {
    match &node.value {
        Value::Map(map) => collect_repeats(map, prefix, out),
        Value::List(items) => {
            for item in items {
                visit_children(item, prefix, out);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(key: &str, line: usize, value: Value) -> Entry {
        Entry {
            key: key.into(),
            line,
            node: Node::new(line, value),
        }
    }

    #[test]
    fn the_last_of_a_repeated_key_wins_and_the_repeat_is_named() {
        let inner = Map(vec![entry("a", 3, Value::Null), entry("A", 4, Value::Null)]);
        let map = Map(vec![
            entry("video", 1, Value::Text("first".into())),
            entry("event", 2, Value::Map(inner)),
            entry("Video", 5, Value::Text("second".into())),
        ]);
        assert_eq!(map.get("video").unwrap().node.text().unwrap(), "second");
        assert_eq!(
            repeats(&map),
            vec![(4, "event.A".to_string(), 3), (5, "Video".to_string(), 1)]
        );
    }

    #[test]
    fn blank_values_do_not_count_as_set() {
        let map = Map(vec![
            entry("title", 1, Value::Text("  ".into())),
            entry("topic", 2, Value::Number("2023".into())),
        ]);
        let found = map.first_of(&["title", "topic"]).unwrap();
        assert_eq!(found.node.text().as_deref(), Some("2023"));
    }
}
