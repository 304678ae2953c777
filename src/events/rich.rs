//! Event text keeps its meaning, not its markdown: links stay links and
//! emphasis stays emphasis, so the same text renders as Telegram HTML, as plain
//! text for the console and search, or as JSON — and escaping happens in one
//! place, at render time.
//!
//! The markdown is CommonMark, read by pulldown-cmark (in `rich/parse.rs`), so a
//! page reads here as it does on the Hugo site. Trees are shallow by
//! construction and every walk below is iterative, so no text can exhaust
//! the stack.

mod code;
mod lines;
mod parse;
#[cfg(test)]
mod tests;

use std::cell::RefCell;
use std::fmt::Write;

use url::Url;

use code::{Piece, Style, Token, Tokens};

pub use lines::{has_markup, list_item, strip_shortcodes};

/// Kept encoded (see `rich/code.rs`): one buffer per text, read front to
/// back as tokens. Two texts are equal when their blocks and spans are.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Rich {
    code: Box<[u8]>,
}

/// The tree a text is parsed into, before it is encoded.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Block {
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

/// A span of text. A line break is a `Text` holding `"\n"`, which Telegram
/// HTML and plain text both show as one.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Inline {
    Text(String),
    Strong(Vec<Inline>),
    Emphasis(Vec<Inline>),
    Code(String),
    Link(Box<Link>),
}

/// The parser builds one only for a url that [`is_safe_url`] accepts, after
/// making a relative one absolute (see [`with_base`]).
#[derive(Debug, Clone, PartialEq, Eq)]
struct Link {
    text: Vec<Inline>,
    url: String,
}

/// The link a one-line text opens with, as [`Rich::opening_link`] finds it.
#[derive(Debug, PartialEq)]
pub struct OpeningLink<'a> {
    pub text: String,
    pub url: &'a str,
    /// What follows the link on its line.
    pub after: String,
}

impl Rich {
    /// Text from a single line of markdown (a title, a name, a value).
    pub fn inline(src: &str) -> Rich {
        parse::parse(src.trim())
    }

    /// Markdown lines (a paragraph run, lists) into blocks. Blank lines end a
    /// paragraph; wrapped lines of a paragraph are joined, with no space
    /// between two CJK characters; an unindented line ends a list.
    pub fn from_lines<S: AsRef<str>>(lines: &[S]) -> Rich {
        parse::parse(&lines::source(lines))
    }

    fn from_blocks(blocks: &[Block]) -> Rich {
        Rich {
            code: code::encode(blocks),
        }
    }

    fn tokens(&self) -> Tokens<'_> {
        Tokens::new(&self.code)
    }

    pub fn is_empty(&self) -> bool {
        self.code.is_empty()
    }

    /// The text without formatting; links keep only their text.
    pub fn plain(&self) -> String {
        self.render(|piece, out| {
            if let Piece::Text(text) | Piece::Code(text) = piece {
                out.push_str(text);
            }
        })
    }

    /// Telegram HTML, with every piece of text escaped.
    pub fn html(&self) -> String {
        self.render(|piece, out| match piece {
            Piece::Text(text) => push_escaped(out, text),
            Piece::Code(text) => {
                out.push_str("<code>");
                push_escaped(out, text);
                out.push_str("</code>");
            }
            Piece::Strong => out.push_str("<b>"),
            Piece::End(Style::Strong) => out.push_str("</b>"),
            Piece::Emphasis => out.push_str("<i>"),
            Piece::End(Style::Emphasis) => out.push_str("</i>"),
            Piece::Link(url) => {
                out.push_str("<a href=\"");
                push_escaped(out, url);
                out.push_str("\">");
            }
            Piece::End(Style::Link) => out.push_str("</a>"),
        })
    }

    /// Links in the text, in order, for "the link is that talk's video".
    pub fn links(&self) -> Vec<&str> {
        self.tokens()
            .filter_map(|token| match token {
                Token::Piece(Piece::Link(url)) => Some(url),
                _ => None,
            })
            .collect()
    }

    /// The link the text opens with, for a `[Title](url)，Speaker` line:
    /// its text, its target, and the rest of its paragraph, all plain.
    pub fn opening_link(&self) -> Option<OpeningLink<'_>> {
        let mut tokens = self.tokens();
        let (Some(Token::Paragraph), Some(Token::Piece(Piece::Link(url)))) =
            (tokens.next(), tokens.next())
        else {
            return None;
        };
        let (mut text, mut after) = (String::new(), String::new());
        let mut in_link = true;
        for token in tokens {
            match token {
                Token::Piece(Piece::End(Style::Link)) => in_link = false,
                Token::Piece(Piece::Text(piece) | Piece::Code(piece)) => match in_link {
                    true => text.push_str(piece),
                    false => after.push_str(piece),
                },
                Token::Piece(_) => {}
                Token::Paragraph | Token::Item { .. } => break,
            }
        }
        Some(OpeningLink { text, url, after })
    }

    /// Blocks a line apart, items after their marker, each piece of content
    /// rendered by `visit`.
    fn render(&self, mut visit: impl FnMut(Piece<'_>, &mut String)) -> String {
        let mut out = String::new();
        let mut tokens = self.tokens().peekable();
        let mut first = true;
        while let Some(token) = tokens.next() {
            if !matches!(token, Token::Piece(_)) && !std::mem::take(&mut first) {
                out.push('\n');
            }
            match token {
                Token::Paragraph => {}
                Token::Item { marker, depth } => {
                    push_marker(&mut out, marker, depth);
                    if !matches!(tokens.peek(), Some(Token::Piece(_))) {
                        // A bare item above its nested list: no space after it.
                        out.pop();
                    }
                }
                Token::Piece(piece) => visit(piece, &mut out),
            }
        }
        out
    }
}

/// The text as it reads, with its markup: what a failing test shows.
impl std::fmt::Debug for Rich {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("Rich").field(&self.html()).finish()
    }
}

impl Inline {
    fn children(&self) -> Option<&[Inline]> {
        match self {
            Inline::Strong(inner) | Inline::Emphasis(inner) => Some(inner),
            Inline::Link(link) => Some(&link.text),
            Inline::Text(_) | Inline::Code(_) => None,
        }
    }
}

/// Entering an inline (before its children) or leaving it (after them).
#[derive(Clone, Copy)]
enum Step<'a> {
    Enter(&'a Inline),
    Leave(&'a Inline),
}

/// Visits the tree in document order with an explicit stack, so a tree
/// however deep cannot overflow the call stack here.
fn walk<'a>(inlines: &'a [Inline], mut visit: impl FnMut(Step<'a>)) {
    let mut stack: Vec<(std::slice::Iter<'a, Inline>, Option<&'a Inline>)> =
        vec![(inlines.iter(), None)];
    while let Some((siblings, parent)) = stack.last_mut() {
        match siblings.next() {
            Some(inline) => {
                visit(Step::Enter(inline));
                match inline.children() {
                    Some(children) => stack.push((children.iter(), Some(inline))),
                    None => visit(Step::Leave(inline)),
                }
            }
            None => {
                if let Some(parent) = parent.take() {
                    visit(Step::Leave(parent));
                }
                stack.pop();
            }
        }
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

pub fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3000..=0x303F | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0xFF00..=0xFFEF)
}

/// Whether `url` may be a link's target: an absolute `http(s)`, `mailto`
/// or `tg` url. Anything else — `javascript:`, `data:`, `file:`, a
/// relative path, which nothing here could resolve — stays text, and so
/// does a url with whitespace or control characters, which browsers strip
/// before reading the scheme (`java\tscript:`).
pub fn is_safe_url(url: &str) -> bool {
    if url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return false;
    }
    let Some((scheme, rest)) = url.split_once(':') else {
        return false;
    };
    match scheme.to_ascii_lowercase().as_str() {
        "http" | "https" => rest.len() > 2 && rest.starts_with("//"),
        "mailto" | "tg" => !rest.is_empty(),
        _ => false,
    }
}

thread_local! {
    /// Where relative links in the text being read point from. Set by
    /// [`with_base`] while one page is read, so every piece of its text,
    /// wherever in the agenda reader it is parsed, resolves links alike
    /// without each caller handing the page's address down.
    static BASE: RefCell<Option<Url>> = const { RefCell::new(None) };
}

/// Runs `read` with relative links resolved against `base` (a page's own
/// address), then restores what was set before, even if `read` panics.
/// Outside it (announcements, replies) relative links stay text.
pub fn with_base<R>(base: Option<&Url>, read: impl FnOnce() -> R) -> R {
    struct Restore(Option<Url>);
    impl Drop for Restore {
        fn drop(&mut self) {
            BASE.with(|base| *base.borrow_mut() = self.0.take());
        }
    }
    let _restore = Restore(BASE.with(|now| now.replace(base.cloned())));
    read()
}

/// A link target as it may go out: `url` itself when [`is_safe_url`]
/// allows it; a relative one (`/talks/x/`, `../slides.pdf`, `#agenda`)
/// made absolute against `base` when there is one and the result is safe;
/// else `None`, and the link is shown as text.
pub fn resolve_url(url: &str, base: Option<&Url>) -> Option<String> {
    if is_safe_url(url) {
        return Some(url.to_string());
    }
    // Whitespace and control characters are rejected before the url crate
    // sees them: it strips tabs and newlines, so `java\tscript:` would
    // come out as a scheme.
    if url.is_empty() || url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return None;
    }
    let base = base?;
    match Url::parse(url) {
        Err(url::ParseError::RelativeUrlWithoutBase) => base
            .join(url)
            .ok()
            .map(String::from)
            .filter(|url| is_safe_url(url)),
        // Absolute with a scheme that is not allowed (`javascript:`, `data:`).
        _ => None,
    }
}

/// [`resolve_url`] against the address [`with_base`] set, if any.
fn resolve_here(url: &str) -> Option<String> {
    BASE.with(|base| resolve_url(url, base.borrow().as_ref()))
}

/// Escapes text for Telegram's HTML parse mode (and attribute values).
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    push_escaped(&mut out, text);
    out
}

fn push_escaped(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            _ => out.push(c),
        }
    }
}
