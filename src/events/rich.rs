//! Event text keeps its meaning, not its markdown: links stay links and
//! emphasis stays emphasis, so the same text renders as Telegram HTML, as plain
//! text for the console and search, or as JSON — and escaping happens in one
//! place, at render time.

use std::borrow::Cow;
use std::fmt::Write;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Rich {
    pub blocks: Vec<Block>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    Paragraph(Vec<Inline>),
    Item {
        marker: Marker,
        depth: u8,
        content: Vec<Inline>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Marker {
    Bullet,
    Number(u32),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Inline {
    Text(String),
    Strong(Vec<Inline>),
    Emphasis(Vec<Inline>),
    Code(String),
    Link { text: Vec<Inline>, url: String },
}

impl Rich {
    /// Text from a single line of markdown (a title, a name, a value).
    pub fn inline(src: &str) -> Rich {
        Rich::from_lines(&[src])
    }

    /// Markdown lines (a paragraph run, lists) into blocks. Blank lines end a
    /// paragraph; wrapped lines of a paragraph are joined.
    pub fn from_lines<S: AsRef<str>>(lines: &[S]) -> Rich {
        let mut blocks = Vec::new();
        let mut para = String::new();
        let flush = |para: &mut String, blocks: &mut Vec<Block>| {
            let content = parse_inline(para);
            if !content.is_empty() {
                blocks.push(Block::Paragraph(content));
            }
            para.clear();
        };
        for line in lines {
            let line = line.as_ref();
            if line.trim().is_empty() {
                flush(&mut para, &mut blocks);
                continue;
            }
            if let Some((marker, depth, rest)) = list_item(line) {
                flush(&mut para, &mut blocks);
                let content = parse_inline(rest);
                if !content.is_empty() {
                    blocks.push(Block::Item {
                        marker,
                        depth,
                        content,
                    });
                }
                continue;
            }
            let text = line.trim();
            // A continuation of a list item stays with that item.
            if para.is_empty() && line.starts_with("  ") {
                if let Some(Block::Item { content, .. }) = blocks.last_mut() {
                    content.extend(parse_inline(&format!(" {text}")));
                    continue;
                }
            }
            join_wrapped(&mut para, text);
        }
        flush(&mut para, &mut blocks);
        Rich { blocks }
    }

    pub fn is_empty(&self) -> bool {
        self.blocks.is_empty()
    }

    /// The text without formatting; links keep only their text.
    pub fn plain(&self) -> String {
        let mut out = String::new();
        for (i, block) in self.blocks.iter().enumerate() {
            if i > 0 {
                out.push('\n');
            }
            match block {
                Block::Paragraph(content) => plain_inlines(content, &mut out),
                Block::Item {
                    marker,
                    depth,
                    content,
                } => {
                    push_marker(&mut out, *marker, *depth);
                    plain_inlines(content, &mut out);
                }
            }
        }
        out
    }

    /// Telegram HTML, with every piece of text escaped.
    pub fn html(&self) -> String {
        let mut out = String::new();
        for (i, block) in self.blocks.iter().enumerate() {
            if i > 0 {
                out.push('\n');
            }
            match block {
                Block::Paragraph(content) => html_inlines(content, &mut out),
                Block::Item {
                    marker,
                    depth,
                    content,
                } => {
                    push_marker(&mut out, *marker, *depth);
                    html_inlines(content, &mut out);
                }
            }
        }
        out
    }

    /// Links in the text, in order, for "the link is that talk's video".
    pub fn links(&self) -> Vec<&str> {
        fn walk<'a>(inlines: &'a [Inline], out: &mut Vec<&'a str>) {
            for inline in inlines {
                match inline {
                    Inline::Link { text, url } => {
                        out.push(url);
                        walk(text, out);
                    }
                    Inline::Strong(inner) | Inline::Emphasis(inner) => walk(inner, out),
                    Inline::Text(_) | Inline::Code(_) => {}
                }
            }
        }
        let mut out = Vec::new();
        for block in &self.blocks {
            match block {
                Block::Paragraph(content) | Block::Item { content, .. } => walk(content, &mut out),
            }
        }
        out
    }
}

fn push_marker(out: &mut String, marker: Marker, depth: u8) {
    for _ in 0..depth {
        out.push_str("  ");
    }
    match marker {
        Marker::Bullet => out.push_str("• "),
        Marker::Number(n) => {
            let _ = write!(out, "{n}. ");
        }
    }
}

/// Joins a wrapped line: no space between two CJK characters, one otherwise.
fn join_wrapped(para: &mut String, text: &str) {
    if let (Some(last), Some(first)) = (para.chars().last(), text.chars().next()) {
        if !(is_cjk(last) && is_cjk(first)) {
            para.push(' ');
        }
    }
    para.push_str(text);
}

pub fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3000..=0x303F | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0xFF00..=0xFFEF)
}

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

fn plain_inlines(inlines: &[Inline], out: &mut String) {
    for inline in inlines {
        match inline {
            Inline::Text(text) | Inline::Code(text) => out.push_str(text),
            Inline::Strong(inner) | Inline::Emphasis(inner) | Inline::Link { text: inner, .. } => {
                plain_inlines(inner, out)
            }
        }
    }
}

fn html_inlines(inlines: &[Inline], out: &mut String) {
    for inline in inlines {
        match inline {
            Inline::Text(text) => out.push_str(&escape_html(text)),
            Inline::Code(text) => {
                let _ = write!(out, "<code>{}</code>", escape_html(text));
            }
            Inline::Strong(inner) => {
                out.push_str("<b>");
                html_inlines(inner, out);
                out.push_str("</b>");
            }
            Inline::Emphasis(inner) => {
                out.push_str("<i>");
                html_inlines(inner, out);
                out.push_str("</i>");
            }
            Inline::Link { text, url } => {
                let _ = write!(out, "<a href=\"{}\">", escape_html(url));
                html_inlines(text, out);
                out.push_str("</a>");
            }
        }
    }
}

/// Escapes text for Telegram's HTML parse mode (and attribute values).
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            _ => out.push(c),
        }
    }
    out
}

/// Removes Hugo shortcodes (`{{< … >}}`, `{{% … %}}`) and HTML comments.
pub fn strip_shortcodes(src: &str) -> Cow<'_, str> {
    // Most text has neither; it is returned as it is.
    if !src.contains("{{") && !src.contains("<!--") {
        return Cow::Borrowed(src);
    }
    let mut out = String::with_capacity(src.len());
    let mut rest = src;
    loop {
        let next = [rest.find("{{<"), rest.find("{{%"), rest.find("<!--")]
            .into_iter()
            .flatten()
            .min();
        let Some(at) = next else { break };
        out.push_str(&rest[..at]);
        let close = if rest[at..].starts_with("<!--") {
            "-->"
        } else if rest[at..].starts_with("{{<") {
            ">}}"
        } else {
            "%}}"
        };
        match rest[at..].find(close) {
            Some(end) => rest = &rest[at + end + close.len()..],
            None => {
                rest = "";
                break;
            }
        }
    }
    out.push_str(rest);
    Cow::Owned(out)
}

/// Only these bytes can start an inline construct; the rest is text.
fn opens_markup(byte: u8) -> bool {
    matches!(byte, b'\\' | b'!' | b'[' | b'<' | b'`' | b'*' | b'_')
}

/// Whether `Rich::inline` would change `text` beyond trimming it: inline
/// markup, or a Hugo shortcode. Most names and titles have neither.
pub fn has_markup(text: &str) -> bool {
    text.bytes().any(|byte| opens_markup(byte) || byte == b'{')
}

/// One line of inline markdown into inlines. Raw HTML tags are dropped with
/// their text kept; images are dropped whole.
pub fn parse_inline(src: &str) -> Vec<Inline> {
    let cleaned = strip_shortcodes(src);
    let mut inlines = Inliner::new(cleaned.trim()).run();
    trim_edges(&mut inlines);
    inlines
}

fn trim_edges(inlines: &mut Vec<Inline>) {
    if let Some(Inline::Text(first)) = inlines.first_mut() {
        *first = first.trim_start().to_string();
    }
    if let Some(Inline::Text(last)) = inlines.last_mut() {
        *last = last.trim_end().to_string();
    }
    inlines.retain(|inline| !matches!(inline, Inline::Text(t) if t.is_empty()));
}

struct Inliner<'a> {
    src: &'a str,
    pos: usize,
}

impl<'a> Inliner<'a> {
    fn new(src: &'a str) -> Self {
        Inliner { src, pos: 0 }
    }

    fn rest(&self) -> &'a str {
        &self.src[self.pos..]
    }

    /// Parses until `stop` (a closing delimiter) or the end.
    fn run(&mut self) -> Vec<Inline> {
        let mut out = Vec::new();
        let mut text = String::new();
        while self.pos < self.src.len() {
            let rest = self.rest();
            if opens_markup(rest.as_bytes()[0]) {
                if let Some(inlines) = self.special(&mut text) {
                    if !inlines.is_empty() && !text.is_empty() {
                        out.push(Inline::Text(std::mem::take(&mut text)));
                    }
                    out.extend(inlines);
                    continue;
                }
            }
            let c = rest.chars().next().expect("pos is inside src");
            text.push(c);
            self.pos += c.len_utf8();
        }
        if !text.is_empty() {
            out.push(Inline::Text(text));
        }
        out
    }

    /// Tries a construct at the cursor: `Some` with what it emits (possibly
    /// nothing, for an image or an HTML tag), `None` for a plain character.
    fn special(&mut self, text: &mut String) -> Option<Vec<Inline>> {
        let rest = self.rest();
        if rest.starts_with('\\') && rest.len() > 1 {
            let c = rest[1..].chars().next()?;
            if c.is_ascii_punctuation() {
                text.push(c);
                self.pos += 1 + c.len_utf8();
                return Some(Vec::new());
            }
        }
        if rest.starts_with("![") {
            let (_, _, len) = link_parts(&rest[1..])?;
            self.pos += 1 + len;
            return Some(Vec::new());
        }
        if rest.starts_with('[') {
            let (label, url, len) = link_parts(rest)?;
            self.pos += len;
            let text = Inliner::new(label).run();
            let url = url.trim();
            // A link with no usable target is just its text.
            return Some(if url.is_empty() || url.starts_with('#') {
                text
            } else {
                vec![Inline::Link {
                    text,
                    url: url.to_string(),
                }]
            });
        }
        if rest.starts_with('<') {
            let end = rest.find('>')?;
            let inner = &rest[1..end];
            if inner.starts_with("http://") || inner.starts_with("https://") {
                self.pos += end + 1;
                return Some(vec![Inline::Link {
                    text: vec![Inline::Text(inner.to_string())],
                    url: inner.to_string(),
                }]);
            }
            if inner.starts_with("mailto:") || inner.contains('@') && !inner.contains(' ') {
                self.pos += end + 1;
                return Some(vec![Inline::Text(
                    inner.trim_start_matches("mailto:").to_string(),
                )]);
            }
            let tag = inner.trim_start_matches('/');
            if tag.starts_with(|c: char| c.is_ascii_alphabetic()) {
                self.pos += end + 1;
                return Some(Vec::new());
            }
            return None;
        }
        if let Some(code) = rest.strip_prefix('`') {
            let end = code.find('`')?;
            self.pos += end + 2;
            return Some(vec![Inline::Code(code[..end].to_string())]);
        }
        for (delim, strong) in [("**", true), ("__", true), ("*", false), ("_", false)] {
            if !rest.starts_with(delim) || !self.opens(delim) {
                continue;
            }
            let close = self.closing(delim)?;
            let inner = &rest[delim.len()..close];
            self.pos += close + delim.len();
            let content = Inliner::new(inner).run();
            return Some(vec![if strong {
                Inline::Strong(content)
            } else {
                Inline::Emphasis(content)
            }]);
        }
        None
    }

    /// A delimiter opens emphasis if followed by non-space and, for `_`, not
    /// inside a word (so `snake_case` stays text).
    fn opens(&self, delim: &str) -> bool {
        let after = self.rest()[delim.len()..].chars().next();
        if after.is_none_or(char::is_whitespace) {
            return false;
        }
        if delim.starts_with('_') {
            let before = self.src[..self.pos].chars().last();
            if before.is_some_and(|c| c.is_alphanumeric()) {
                return false;
            }
        }
        true
    }

    fn closing(&self, delim: &str) -> Option<usize> {
        let rest = self.rest();
        let first = rest[delim.len()..].chars().next().map_or(1, char::len_utf8);
        let mut from = delim.len() + first;
        while from <= rest.len() {
            let at = from + rest.get(from..)?.find(delim)?;
            let before = rest[..at].chars().last();
            let after = rest[at + delim.len()..].chars().next();
            let single = delim.len() == 1 && after == delim.chars().next();
            if before.is_some_and(|c| !c.is_whitespace()) && !single {
                if delim.starts_with('_') && after.is_some_and(|c| c.is_alphanumeric()) {
                    from = at + 1;
                    continue;
                }
                return Some(at);
            }
            from = at + delim.len() + usize::from(single);
        }
        None
    }
}

/// `[label](url)` at the start of `src`: the label, the url and the length.
/// Labels may nest brackets; urls may hold balanced parentheses.
fn link_parts(src: &str) -> Option<(&str, &str, usize)> {
    let mut depth = 0usize;
    let mut label_end = None;
    for (i, c) in src.char_indices() {
        match c {
            '[' => depth += 1,
            ']' => {
                depth -= 1;
                if depth == 0 {
                    label_end = Some(i);
                    break;
                }
            }
            _ => {}
        }
    }
    let label_end = label_end?;
    let after = &src[label_end + 1..];
    if !after.starts_with('(') {
        return None;
    }
    let mut depth = 0usize;
    for (i, c) in after.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => {
                depth -= 1;
                if depth == 0 {
                    let url = after[1..i].split_whitespace().next().unwrap_or("");
                    return Some((&src[1..label_end], url, label_end + 1 + i + 1));
                }
            }
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_and_emphasis_keep_their_meaning() {
        let rich = Rich::inline("See **the [slides](https://x.io/a_(b))** and _notes_ <b>now</b>");
        assert_eq!(
            rich.html(),
            "See <b>the <a href=\"https://x.io/a_(b)\">slides</a></b> and <i>notes</i> now"
        );
        assert_eq!(rich.plain(), "See the slides and notes now");
    }

    #[test]
    fn text_is_escaped_for_telegram() {
        let rich = Rich::inline("a < b & \"c\" <script>x</script>");
        assert_eq!(rich.html(), "a &lt; b &amp; &quot;c&quot; x");
    }

    #[test]
    fn images_comments_and_shortcodes_are_dropped() {
        let rich = Rich::from_lines(&[
            "{{<callout note>}}",
            "![poster](poster.jpg)Hello <!-- hidden --> world",
            "{{</callout>}}",
        ]);
        assert_eq!(rich.plain(), "Hello  world");
    }

    #[test]
    fn snake_case_is_not_emphasis() {
        assert_eq!(
            Rich::inline("use snake_case_names here").plain(),
            "use snake_case_names here"
        );
        assert_eq!(
            Rich::inline("use snake_case_names here").html(),
            "use snake_case_names here"
        );
    }

    #[test]
    fn lists_and_wrapped_lines() {
        let rich = Rich::from_lines(&[
            "first line",
            "second line",
            "",
            "1. one",
            "   1. nested",
            "- two",
            "中文",
            "续行",
        ]);
        assert_eq!(
            rich.plain(),
            "first line second line\n1. one\n  1. nested\n• two\n中文续行"
        );
    }

    #[test]
    fn links_with_shortcode_targets_keep_their_text() {
        let rich = Rich::inline("[Carla Cisternas]({{< relref \"../authors/x\" >}}) taught");
        assert_eq!(rich.html(), "Carla Cisternas taught");
        assert_eq!(
            Rich::inline("<https://a.b/c>").links(),
            vec!["https://a.b/c"]
        );
    }

    #[test]
    fn emphasis_around_cjk() {
        assert_eq!(Rich::inline("**云原生技术**").html(), "<b>云原生技术</b>");
        assert_eq!(Rich::inline("*注：敬请谅解。*").plain(), "注：敬请谅解。");
    }
}
