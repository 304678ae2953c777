//! The page body as markdown blocks, each with the file line it starts on.
//! Only the structure the agenda reader needs: headings, paragraphs, lists,
//! tables and rules. Hugo shortcodes, HTML comments and tag-only lines are
//! blanked first, line for line, so every line number stays true.

use std::ops::Range;

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

use super::html_tables;
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
    /// Its first row is the header.
    Table {
        rows: Vec<Row>,
    },
    Rule,
}

/// A table row's cells, as their source text, and the line it starts on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub cells: Vec<String>,
    pub line: usize,
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
///
/// The structure is CommonMark's, as Hugo's own renderer reads it; the text
/// of each block is its source (inline markup kept), so the reader sees
/// `**bold**` and links as the organizer wrote them.
pub fn blocks(body: &str, first_line: usize) -> Vec<Block> {
    let shown = blank_out(body);
    let (cleaned, tables) = html_tables::cut(&shown);
    let source = Source::new(&cleaned, first_line);
    let mut builder = Builder::default();
    let options = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH;
    for (event, range) in Parser::new_ext(&cleaned, options).into_offset_iter() {
        builder.event(&source, event, range);
    }
    if tables.is_empty() {
        return builder.blocks;
    }
    // The cut keeps every line break, so lines are the same in both texts.
    with_tables(builder.blocks, tables, &Source::new(&shown, first_line))
}

/// The HTML tables put back among the blocks, where they stood; `source`
/// is the text the tables were cut from.
fn with_tables(blocks: Vec<Block>, tables: Vec<html_tables::Cut>, source: &Source) -> Vec<Block> {
    let table = |cut: html_tables::Cut| Block::Table {
        rows: cut
            .rows
            .into_iter()
            .map(|(offset, cells)| Row {
                cells,
                line: source.line_of(offset),
            })
            .collect(),
    };
    let mut tables = tables.into_iter().peekable();
    let mut out = Vec::with_capacity(blocks.len() + tables.len());
    for block in blocks {
        while let Some(cut) = tables
            .next_if(|t| first_line(&block).is_some_and(|line| source.line_of(t.offset) < line))
        {
            out.push(table(cut));
        }
        out.push(block);
    }
    out.extend(tables.map(table));
    out
}

/// The line a block starts on; a rule keeps none.
fn first_line(block: &Block) -> Option<usize> {
    match block {
        Block::Heading { line, .. } => Some(*line),
        Block::Table { rows } => rows.first().map(|r| r.line),
        Block::Paragraph { lines } => lines.first().map(|l| l.line),
        Block::List { items } => items.first().map(|i| i.line),
        Block::Rule => None,
    }
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
        out.push_str(&shown_time(&rest[at..end]));
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

/// A shortcode that displays a time (`{{< timedisplay datetime="2021-10-09
/// 01:00:00 UTC" >}}`) leaves that time in the text: it is what the page shows.
fn shown_time(code: &str) -> String {
    if code.starts_with("<!--") || code.contains('\n') {
        return String::new();
    }
    code.split('"')
        .skip(1)
        .step_by(2)
        .find(|value| super::times::first(value).is_some())
        .unwrap_or_default()
        .to_string()
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

/// The page text with a line number for every byte offset.
struct Source<'a> {
    text: &'a str,
    first_line: usize,
    /// Byte offset where each line starts.
    starts: Vec<usize>,
}

impl<'a> Source<'a> {
    fn new(text: &'a str, first_line: usize) -> Self {
        let starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(at, _)| at + 1))
            .collect();
        Source {
            text,
            first_line,
            starts,
        }
    }

    fn line_of(&self, offset: usize) -> usize {
        let index = match self.starts.binary_search(&offset) {
            Ok(index) => index,
            Err(index) => index - 1,
        };
        self.first_line + index
    }

    /// The source lines a range covers, blockquote markers removed.
    fn lines(&self, range: Range<usize>) -> Vec<Line> {
        let first = self.line_of(range.start);
        let from = self.starts[first - self.first_line];
        let end = range.end.min(self.text.len());
        self.text[from..end]
            .lines()
            .enumerate()
            .map(|(index, raw)| Line {
                text: unquote(raw.trim_end()).to_string(),
                line: first + index,
            })
            .collect()
    }
}

/// An item of the list being read, whose own text ends where a nested list
/// starts.
struct OpenItem {
    index: usize,
    start: usize,
    own_end: Option<usize>,
    depth: usize,
}

#[derive(Default)]
struct Builder {
    blocks: Vec<Block>,
    items: Vec<Item>,
    open: Vec<OpenItem>,
    list_depth: usize,
    table: Vec<Row>,
    row: Vec<String>,
    row_line: usize,
}

impl Builder {
    fn event(&mut self, source: &Source, event: Event, range: Range<usize>) {
        match event {
            Event::Start(Tag::List(_)) => {
                if let Some(item) = self.open.last_mut() {
                    item.own_end.get_or_insert(range.start);
                }
                self.list_depth += 1;
            }
            Event::End(TagEnd::List(_)) => {
                self.list_depth -= 1;
                if self.list_depth == 0 {
                    self.flush_list();
                }
            }
            Event::Start(Tag::Item) => {
                self.open.push(OpenItem {
                    index: self.items.len(),
                    start: range.start,
                    own_end: None,
                    depth: self.list_depth,
                });
                self.items.push(Item {
                    text: String::new(),
                    nested: self.list_depth > 1,
                    line: source.line_of(range.start),
                    raw: Vec::new(),
                });
            }
            Event::End(TagEnd::Item) => self.close_item(source, range),
            _ if self.list_depth > 0 => {}
            Event::End(TagEnd::Paragraph) => self.paragraph(source.lines(range)),
            Event::End(TagEnd::Heading(level)) => {
                let lines = source.lines(range);
                if let Some((_, text)) = lines.first().and_then(|l| heading(l.text.trim())) {
                    self.blocks.push(Block::Heading {
                        level: level as u8,
                        text: text.to_string(),
                        line: lines[0].line,
                    });
                } else if let Some(first) = lines.first() {
                    // A setext heading: its text is above the underline.
                    self.blocks.push(Block::Heading {
                        level: level as u8,
                        text: first.text.trim().to_string(),
                        line: first.line,
                    });
                }
            }
            Event::End(TagEnd::CodeBlock) => {
                let mut lines = source.lines(range);
                lines.retain(|l| !is_fence(&l.text));
                self.text_lines(lines);
            }
            Event::End(TagEnd::HtmlBlock) => self.text_lines(source.lines(range)),
            Event::Rule => self.blocks.push(Block::Rule),
            Event::Start(Tag::TableHead | Tag::TableRow) => {
                self.row_line = source.line_of(range.start);
            }
            Event::Start(Tag::TableCell) => {
                let cell = source.text[range].trim().trim_matches('|').trim();
                self.row.push(cell.to_string());
            }
            Event::End(TagEnd::TableHead | TagEnd::TableRow) => {
                self.table.push(Row {
                    cells: std::mem::take(&mut self.row),
                    line: self.row_line,
                });
            }
            Event::End(TagEnd::Table) => {
                let rows = std::mem::take(&mut self.table);
                self.blocks.push(Block::Table { rows });
            }
            _ => {}
        }
    }

    fn close_item(&mut self, source: &Source, range: Range<usize>) {
        let Some(open) = self.open.pop() else {
            return;
        };
        let own = open.start..open.own_end.unwrap_or(range.end);
        let mut lines = source.lines(own);
        // Unindented lines after an item are CommonMark's lazy continuation,
        // but an organizer who wrote `11-11:30 Coffee` there meant a line of
        // its own: it ends the list.
        let lazy = (1..lines.len())
            .find(|&i| !lines[i].text.starts_with([' ', '\t']) && !lines[i - 1].text.is_empty())
            .filter(|_| open.depth == 1);
        let after = lazy.map(|at| lines.split_off(at));
        let raw: Vec<String> = lines.into_iter().map(|l| l.text).collect();
        let mut text = String::new();
        for (index, line) in raw.iter().enumerate() {
            let line = match index {
                0 => list_item(line).map_or(line.trim(), |(_, _, rest)| rest.trim()),
                _ => line.trim(),
            };
            if !line.is_empty() {
                if !text.is_empty() {
                    text.push(' ');
                }
                text.push_str(line);
            }
        }
        let item = &mut self.items[open.index];
        item.text = text;
        item.raw = raw;
        item.nested = open.depth > 1;
        if let Some(after) = after {
            self.flush_list();
            self.text_lines(after);
        }
    }

    fn flush_list(&mut self) {
        if !self.items.is_empty() {
            let items = std::mem::take(&mut self.items);
            self.blocks.push(Block::List { items });
        }
    }

    /// A paragraph, where `####Title` (no space, so CommonMark text) is the
    /// heading the organizer meant.
    fn paragraph(&mut self, lines: Vec<Line>) {
        let Some(first) = lines.first() else {
            return;
        };
        match heading(first.text.trim()) {
            Some((level, text)) => {
                self.blocks.push(Block::Heading {
                    level,
                    text: text.to_string(),
                    line: first.line,
                });
                self.text_lines(lines.into_iter().skip(1).collect());
            }
            None => self.text_lines(lines),
        }
    }

    /// Text lines as paragraphs, split at lines holding only tags or nothing.
    fn text_lines(&mut self, lines: Vec<Line>) {
        let mut paragraph = Vec::new();
        for line in lines {
            if is_blank(&line.text) {
                self.flush(&mut paragraph);
            } else {
                paragraph.push(Line {
                    text: line.text.trim().to_string(),
                    line: line.line,
                });
            }
        }
        self.flush(&mut paragraph);
    }

    fn flush(&mut self, paragraph: &mut Vec<Line>) {
        if !paragraph.is_empty() {
            let lines = std::mem::take(paragraph);
            self.blocks.push(Block::Paragraph { lines });
        }
    }
}

fn is_fence(line: &str) -> bool {
    let line = line.trim();
    line.starts_with("```") || line.starts_with("~~~")
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

#[cfg(test)]
mod tests {
    use super::*;

    fn line(block: &Block) -> usize {
        first_line(block).unwrap_or(0)
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
        let Block::Table { rows } = &blocks[4] else {
            panic!()
        };
        let cells: Vec<&[String]> = rows.iter().map(|r| &r.cells[..]).collect();
        assert_eq!(cells, [vec!["时间", "议题"], vec!["13:00", "A"]]);
        // The delimiter row between them is not one.
        assert_eq!((rows[0].line, rows[1].line), (61, 63));
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
