//! Line-level helpers for readers that look at markdown a line at a time
//! (the agenda reader), and the shortcode pass that runs before any parse.

use std::borrow::Cow;

use super::Marker;

/// `- x`, `* x`, `+ x`, `1. x`, `1) x`, with the nesting depth from indentation.
pub fn list_item(line: &str) -> Option<(Marker, u8, &str)> {
    let indent = line.len() - line.trim_start().len();
    let tabs = line[..indent].matches('\t').count();
    let depth = ((indent - tabs + tabs * 4) / 3).min(6) as u8;
    let rest = line.trim_start();
    for bullet in ["- ", "* ", "+ ", "-\t", "*\t"] {
        if let Some(body) = rest.strip_prefix(bullet) {
            return Some((Marker::Bullet, depth, body.trim()));
        }
    }
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    if digits == 0 || digits > 3 {
        return None;
    }
    let after = &rest[digits..];
    let body = after
        .strip_prefix(". ")
        .or_else(|| after.strip_prefix(") "))
        .or_else(|| after.strip_prefix(".\t"))?;
    let number = rest[..digits].parse().ok()?;
    Some((Marker::Number(number), depth, body.trim()))
}

/// The lines as one markdown text, with a blank line before an unindented
/// line that follows a list: CommonMark reads such a line as the last
/// item's lazy continuation, but an organizer who wrote `#rust` or an image
/// caption there meant a line of its own, as the agenda reader also holds
/// (and it hands over a list and the paragraph after it with no blank
/// line between).
pub(super) fn source<S: AsRef<str>>(lines: &[S]) -> String {
    let mut src = String::new();
    let (mut in_list, mut after_blank) = (false, true);
    for line in lines {
        let line = line.as_ref();
        let blank = line.trim().is_empty();
        if list_item(line).is_some() {
            in_list = true;
        } else if !blank && !line.starts_with([' ', '\t']) {
            if in_list && !after_blank {
                src.push('\n');
            }
            in_list = false;
        }
        src.push_str(line);
        src.push('\n');
        after_blank = blank;
    }
    src
}

/// Removes Hugo shortcodes (`{{< … >}}`, `{{% … %}}`) and HTML comments;
/// an unclosed one runs to the end. Hugo expands shortcodes before the
/// markdown is read, so they go before the parser sees the text.
pub fn strip_shortcodes(src: &str) -> Cow<'_, str> {
    // Most text has neither; it is returned as it is.
    if !src.contains("{{") && !src.contains("<!--") {
        return Cow::Borrowed(src);
    }
    let mut out = String::with_capacity(src.len());
    let mut rest = src;
    // One pass: each byte is looked at once for an opener, once for a closer.
    while let Some(at) = rest.find(['{', '<']) {
        let here = &rest[at..];
        let (open, close) = if here.starts_with("<!--") {
            (4, "-->")
        } else if here.starts_with("{{<") {
            (3, ">}}")
        } else if here.starts_with("{{%") {
            (3, "%}}")
        } else {
            out.push_str(&rest[..=at]);
            rest = &rest[at + 1..];
            continue;
        };
        out.push_str(&rest[..at]);
        rest = match here[open..].find(close) {
            Some(end) => &here[open + end + close.len()..],
            None => "",
        };
    }
    out.push_str(rest);
    Cow::Owned(out)
}

/// Whether `Rich::inline` could read `text` as more than the trimmed text:
/// inline markup, an entity, a shortcode, or a line start CommonMark reads
/// as a block (`# `, `> `, `- `, `1. `). Most names and titles have none.
pub fn has_markup(text: &str) -> bool {
    let starts_block = text
        .trim_start()
        .starts_with(|c: char| c.is_ascii_digit() || "#>-+~".contains(c));
    starts_block
        || text.bytes().any(|byte| {
            matches!(
                byte,
                b'\\' | b'!' | b'[' | b'<' | b'`' | b'*' | b'_' | b'{' | b'&' | b'\n'
            )
        })
}
