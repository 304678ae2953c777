//! The page body as markdown blocks, each with the file line it starts on.
//! Only the structure the agenda reader needs: headings, paragraphs, lists,
//! tables and rules. Hugo shortcodes, HTML comments and tag-only lines are
//! blanked first, line for line, so every line number stays true.

use crate::events::rich::{list_item, strip_shortcodes};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    Heading {
        level: u8,
        text: String,
        line: usize,
    },
    /// Consecutive text lines.
    Paragraph {
        lines: Vec<Line>,
    },
    /// Consecutive list items with their indented continuations.
    List {
        items: Vec<Item>,
    },
    Table {
        rows: Vec<Vec<String>>,
        line: usize,
    },
    Rule,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    pub text: String,
    pub line: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    /// The item's own text, without its marker.
    pub text: String,
    /// Indented under an earlier item of the same list.
    pub nested: bool,
    pub line: usize,
    /// The raw source lines of the item (marker included), for values that
    /// keep list structure.
    pub raw: Vec<String>,
}

/// Blocks of `body`, whose first line is line `first_line` of the file.
pub fn blocks(body: &str, first_line: usize) -> Vec<Block> {
    let cleaned = blank_out(body);
    let mut builder = Builder::default();
    for (index, raw) in cleaned.lines().enumerate() {
        builder.push(raw, first_line + index);
    }
    builder.finish()
}

/// Removes shortcodes and comments spanning lines, keeping line breaks.
fn blank_out(body: &str) -> String {
    let mut out = String::with_capacity(body.len());
    let mut rest = body;
    while let Some(at) = next_hidden(rest) {
        out.push_str(&rest[..at]);
        let close = closing_of(&rest[at..]);
        let end = rest[at..]
            .find(close)
            .map_or(rest.len(), |end| at + end + close.len());
        out.extend(rest[at..end].chars().filter(|&c| c == '\n'));
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

fn next_hidden(text: &str) -> Option<usize> {
    ["{{<", "{{%", "<!--"]
        .into_iter()
        .filter_map(|open| text.find(open))
        .min()
}

fn closing_of(text: &str) -> &'static str {
    if text.starts_with("<!--") {
        "-->"
    } else if text.starts_with("{{<") {
        ">}}"
    } else {
        "%}}"
    }
}

#[derive(Default)]
struct Builder {
    blocks: Vec<Block>,
    paragraph: Vec<Line>,
    items: Vec<Item>,
    table: Vec<Vec<String>>,
    table_line: usize,
}

impl Builder {
    fn push(&mut self, raw: &str, line: usize) {
        let raw = raw.trim_end();
        let unquoted = unquote(raw);
        if is_blank(unquoted) {
            self.flush();
            return;
        }
        let trimmed = unquoted.trim_start();
        if let Some((level, text)) = heading(trimmed) {
            self.flush();
            self.blocks.push(Block::Heading {
                level,
                text: text.to_string(),
                line,
            });
        } else if is_rule(trimmed) {
            self.flush();
            self.blocks.push(Block::Rule);
        } else if trimmed.starts_with('|') {
            self.flush_text();
            if self.table.is_empty() {
                self.table_line = line;
            }
            if !is_table_separator(trimmed) {
                self.table.push(cells(trimmed));
            }
        } else if let Some((_, _, text)) = list_item(unquoted) {
            self.flush_paragraph();
            self.flush_table();
            let indent = indent_of(unquoted);
            let base = self
                .items
                .first()
                .map_or(indent, |first| indent_of(&first.raw[0]));
            self.items.push(Item {
                text: text.to_string(),
                nested: indent > base,
                line,
                raw: vec![unquoted.to_string()],
            });
        } else if !self.items.is_empty() && unquoted.starts_with(' ') {
            let item = self.items.last_mut().expect("checked non-empty");
            item.raw.push(unquoted.to_string());
            if item.text.is_empty() {
                item.text = trimmed.to_string();
            } else {
                item.text.push(' ');
                item.text.push_str(trimmed);
            }
        } else {
            self.flush_list();
            self.flush_table();
            self.paragraph.push(Line {
                text: trimmed.to_string(),
                line,
            });
        }
    }

    fn flush_paragraph(&mut self) {
        if !self.paragraph.is_empty() {
            let lines = std::mem::take(&mut self.paragraph);
            self.blocks.push(Block::Paragraph { lines });
        }
    }

    fn flush_list(&mut self) {
        if !self.items.is_empty() {
            let items = std::mem::take(&mut self.items);
            self.blocks.push(Block::List { items });
        }
    }

    fn flush_table(&mut self) {
        if !self.table.is_empty() {
            let rows = std::mem::take(&mut self.table);
            self.blocks.push(Block::Table {
                rows,
                line: self.table_line,
            });
        }
    }

    fn flush_text(&mut self) {
        self.flush_paragraph();
        self.flush_list();
    }

    fn flush(&mut self) {
        self.flush_text();
        self.flush_table();
    }

    fn finish(mut self) -> Vec<Block> {
        self.flush();
        self.blocks
    }
}

fn indent_of(line: &str) -> usize {
    line.chars()
        .take_while(|c| c.is_whitespace())
        .map(|c| if c == '\t' { 4 } else { 1 })
        .sum()
}

/// Blockquote markers are presentation; their content is read like any other.
fn unquote(line: &str) -> &str {
    let mut rest = line;
    while let Some(inner) = rest.trim_start().strip_prefix('>') {
        rest = inner.strip_prefix(' ').unwrap_or(inner);
    }
    rest
}

/// Blank, or only HTML tags (`<br></br>`, `<div>`) and shortcode leftovers.
fn is_blank(line: &str) -> bool {
    let text = strip_shortcodes(line);
    let mut rest = text.trim();
    while let Some(inner) = rest.strip_prefix('<') {
        let is_tag = inner.starts_with(|c: char| c.is_ascii_alphabetic() || c == '/');
        match inner.find('>') {
            Some(end) if is_tag && !inner[..end].starts_with("http") => {
                rest = inner[end + 1..].trim_start()
            }
            _ => return false,
        }
    }
    rest.is_empty()
}

/// `## Title`, and the common slip `####Title` that Hugo renders as text but
/// an organizer meant as a heading.
fn heading(line: &str) -> Option<(u8, &str)> {
    let hashes = line.bytes().take_while(|&b| b == b'#').count();
    if hashes == 0 || hashes > 6 {
        return None;
    }
    let text = line[hashes..].trim().trim_end_matches('#').trim();
    if text.is_empty() {
        return None;
    }
    Some((hashes as u8, text))
}

fn is_rule(line: &str) -> bool {
    let Some(mark) = line.chars().next().filter(|c| matches!(c, '-' | '*' | '_')) else {
        return false;
    };
    let marks = line.chars().filter(|&c| c == mark).count();
    marks >= 3 && line.chars().all(|c| c == mark || c.is_whitespace())
}

fn is_table_separator(line: &str) -> bool {
    line.chars()
        .all(|c| matches!(c, '|' | '-' | ':' | ' ' | '\t'))
}

fn cells(line: &str) -> Vec<String> {
    let inner = line.trim().trim_start_matches('|').trim_end_matches('|');
    inner
        .split('|')
        .map(|cell| cell.trim().to_string())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(block: &Block) -> usize {
        match block {
            Block::Heading { line, .. } | Block::Table { line, .. } => *line,
            Block::Paragraph { lines } => lines[0].line,
            Block::List { items } => items[0].line,
            Block::Rule => 0,
        }
    }

    fn kinds(blocks: &[Block]) -> Vec<&'static str> {
        blocks
            .iter()
            .map(|b| match b {
                Block::Heading { .. } => "h",
                Block::Paragraph { .. } => "p",
                Block::List { .. } => "l",
                Block::Table { .. } => "t",
                Block::Rule => "r",
            })
            .collect()
    }

    #[test]
    fn structure_and_lines() {
        let body = "\n### 开场致辞\n\n讲师：宋净超\n\n1. one\n2. two\n   2.1 more\n\n---\n| 时间 | 议题 |\n|---|---|\n| 13:00 | A |\n";
        let blocks = blocks(body, 51);
        assert_eq!(kinds(&blocks), ["h", "p", "l", "r", "t"]);
        assert_eq!(line(&blocks[0]), 52);
        assert_eq!(line(&blocks[1]), 54);
        let Block::List { items } = &blocks[2] else {
            panic!()
        };
        assert_eq!(items[1].text, "two 2.1 more");
        let Block::Table { rows, .. } = &blocks[4] else {
            panic!()
        };
        assert_eq!(rows, &[vec!["时间", "议题"], vec!["13:00", "A"]]);
    }

    #[test]
    fn shortcodes_comments_and_tags_are_blank_but_keep_lines() {
        let body = "{{<callout note>}}\n提示\n{{</callout>}}\n<!--\nhidden\n-->\n<br></br>\n## H\n";
        let blocks = blocks(body, 1);
        assert_eq!(kinds(&blocks), ["p", "h"]);
        assert_eq!(line(&blocks[0]), 2);
        assert_eq!(line(&blocks[1]), 8);
    }

    #[test]
    fn headings_without_space_and_quotes() {
        let blocks = blocks(
            "####Kentaro Fujimoto (Bristol):\n\n> ## Prerequisites\n> ---\n> - basics\n",
            1,
        );
        assert_eq!(kinds(&blocks), ["h", "h", "r", "l"]);
    }
}
