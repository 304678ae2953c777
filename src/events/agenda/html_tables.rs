//! Programmes written as HTML tables (`<table><tr><td>…`), as sites do
//! that paste their agenda from an editor or a WeChat article. CommonMark
//! passes such a table through as raw HTML, and cuts it into several HTML
//! blocks at any blank line inside it, so tables are taken out of the page
//! text before it is parsed and read here as rows of cells, the same rows
//! a markdown table gives.

use std::borrow::Cow;

/// A table cut out of the text: where it started, and its rows of cells
/// with where each row starts, each cell its text with `<br>` kept (it
/// separates people).
#[derive(Debug, PartialEq, Eq)]
pub struct Cut {
    pub offset: usize,
    pub rows: Vec<(usize, Vec<String>)>,
}

/// `text` with every HTML table blanked (its line breaks kept, so lines
/// stay true), and the tables. Most pages have none, and are not copied.
pub fn cut(text: &str) -> (Cow<'_, str>, Vec<Cut>) {
    let opens_table = |(at, _): (usize, &str)| {
        text.as_bytes()
            .get(at + 1..at + 6)
            .is_some_and(|name| name.eq_ignore_ascii_case(b"table"))
    };
    if !text.match_indices('<').any(opens_table) {
        return (Cow::Borrowed(text), Vec::new());
    }
    // ASCII lowercasing keeps every byte offset.
    let lower = text.to_ascii_lowercase();
    let mut out = String::with_capacity(text.len());
    let mut tables = Vec::new();
    let mut done = 0;
    while let Some(start) = find_tag(&lower, done, "table") {
        let end = lower[start..]
            .find("</table>")
            .map_or(text.len(), |at| start + at + "</table>".len());
        out.push_str(&text[done..start]);
        out.extend(text[start..end].chars().filter(|&c| c == '\n'));
        let rows = rows(&text[start..end], &lower[start..end], start);
        if !rows.is_empty() {
            tables.push(Cut {
                offset: start,
                rows,
            });
        }
        done = end;
    }
    out.push_str(&text[done..]);
    (Cow::Owned(out), tables)
}

/// Where the next `<name` tag opens at or after `from` (`<tr` but not `<track`).
fn find_tag(lower: &str, from: usize, name: &str) -> Option<usize> {
    find_tags(lower, from, &[name])
}

/// Where the next tag of any of `names` opens: one pass over the text, so
/// that looking for the next cell never reads a row more than once.
fn find_tags(lower: &str, from: usize, names: &[&str]) -> Option<usize> {
    let mut at = from;
    while let Some(found) = lower[at..].find('<').map(|i| at + i) {
        let rest = &lower[found + 1..];
        let opens = names.iter().any(|name| {
            let after = rest.strip_prefix(name).and_then(|r| r.chars().next());
            matches!(after, Some(c) if c == '>' || c == '/' || c.is_whitespace())
        });
        if opens {
            return Some(found);
        }
        at = found + 1;
    }
    None
}

/// The rows of a table that starts at `offset` in the text.
fn rows(table: &str, lower: &str, offset: usize) -> Vec<(usize, Vec<String>)> {
    let mut rows = Vec::new();
    let mut at = 0;
    while let Some(start) = find_tag(lower, at, "tr") {
        let end = find_tag(lower, start + 1, "tr").unwrap_or(table.len());
        let cells = cells(&table[start..end], &lower[start..end]);
        if !cells.is_empty() {
            rows.push((offset + start, cells));
        }
        at = end;
    }
    rows
}

fn cells(row: &str, lower: &str) -> Vec<String> {
    const CELLS: &[&str] = &["td", "th"];
    let mut cells = Vec::new();
    let mut next = find_tags(lower, 0, CELLS);
    while let Some(start) = next {
        let content = row[start..].find('>').map_or(row.len(), |i| start + i + 1);
        next = find_tags(lower, content, CELLS);
        // A cell left open ends where the next begins.
        let stop = next.unwrap_or(row.len());
        let inside = &lower[content..stop];
        let end = [inside.find("</td"), inside.find("</th")]
            .into_iter()
            .flatten()
            .min()
            .map_or(stop, |i| content + i);
        cells.push(cell_text(&row[content..end]));
    }
    cells
}

/// A cell's text: tags dropped but `<br>`, whitespace (line breaks of the
/// source among it) as single spaces.
fn cell_text(html: &str) -> String {
    let mut text = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(open) = rest.find('<') {
        text.push_str(&rest[..open]);
        let Some(close) = rest[open..].find('>').map(|i| open + i) else {
            rest = &rest[open..];
            break;
        };
        let name = rest[open + 1..close].trim_start_matches('/');
        if name.get(..2).is_some_and(|n| n.eq_ignore_ascii_case("br")) {
            text.push_str("<br>");
        } else {
            text.push(' ');
        }
        rest = &rest[close + 1..];
    }
    text.push_str(rest);
    let words: Vec<&str> = text.split_whitespace().collect();
    words
        .join(" ")
        .replace(" <br>", "<br>")
        .replace("<br> ", "<br>")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_table_becomes_rows_and_leaves_its_lines_blank() {
        let text = "Intro\n<table>\n<tr><th>时间</th><th>讲师</th></tr>\n\n<TR>\n  <td><p>10:00</p></td>\n  <td>陈杰<br/>刘洋</td>\n</tr>\n</table>\nAfter";
        let (rest, tables) = cut(text);
        assert_eq!(rest, "Intro\n\n\n\n\n\n\n\n\nAfter");
        assert_eq!(
            tables,
            [Cut {
                offset: 6,
                rows: vec![
                    (14, vec!["时间".to_string(), "讲师".to_string()]),
                    (55, vec!["10:00".to_string(), "陈杰<br>刘洋".to_string()]),
                ],
            }]
        );
    }

    #[test]
    fn unclosed_tags_and_cells_end_where_the_next_begins() {
        let (rest, tables) = cut("<table><tr><td>a<td>b<tr><td>c");
        assert_eq!(rest, "");
        let cells: Vec<&[String]> = tables[0].rows.iter().map(|(_, c)| &c[..]).collect();
        assert_eq!(cells, [vec!["a", "b"], vec!["c"]]);
        // A tag that only starts like one is not a table.
        let (rest, tables) = cut("<tablet> <tr><td>x</td>");
        assert_eq!(rest, "<tablet> <tr><td>x</td>");
        assert!(tables.is_empty());
    }
}
