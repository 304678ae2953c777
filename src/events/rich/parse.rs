//! Markdown into [`Rich`] with pulldown-cmark, so event pages and
//! announcements read as CommonMark says and as the Hugo site shows them.
//!
//! pulldown-cmark hands over a flat stream of events; the tree is built
//! from it with an explicit stack, and spans nested deeper than
//! [`MAX_NESTING`] are flattened into their text, so no input can make a
//! tree deep enough to hurt whatever walks it later.

use pulldown_cmark::{CowStr, Event, LinkType, Options, Parser, Tag, TagEnd};

use super::{has_markup, is_cjk, resolve_here, strip_shortcodes, Block, Inline, Marker, Rich};

/// Spans kept one inside another; deeper ones keep only their text.
pub(super) const MAX_NESTING: usize = 16;
/// List nesting shown as indentation; deeper items show at this depth.
const MAX_LIST_DEPTH: usize = 6;
/// Events a soft break looks through for the character after it.
const LOOKAHEAD: usize = 64;

pub(super) fn parse(src: &str) -> Rich {
    bare(src).unwrap_or_else(|| markdown(src))
}

pub(super) fn markdown(src: &str) -> Rich {
    let src = strip_shortcodes(src);
    // Collected so a soft break can look ahead at the next character.
    let events: Vec<Event> = Parser::new_ext(&src, Options::empty()).collect();
    let mut builder = Builder::default();
    for (at, event) in events.iter().enumerate() {
        builder.event(event, &events[at + 1..]);
    }
    builder.flush();
    Rich::from_blocks(&builder.blocks)
}

/// The line before, for [`bare`].
#[derive(Clone, Copy, PartialEq)]
enum Previous {
    Blank,
    Paragraph,
    Item,
}

/// Text that CommonMark reads as nothing but plain text in one-line
/// paragraphs and numbered one-line items, blank lines between: most
/// names, titles and labels a page holds, and abstracts with their
/// outline. Read without the parser, which sets up its tree and buffers
/// for every call (some eighteen calls a page), so a 10,000-page site
/// loads in half the time. `None` for anything else: the parser reads it.
pub(super) fn bare(src: &str) -> Option<Rich> {
    let mut builder = Builder::default();
    let (mut previous, mut list_open) = (Previous::Blank, false);
    for line in src.split('\n') {
        if line.is_empty() {
            if previous == Previous::Paragraph {
                builder.event(&Event::End(TagEnd::Paragraph), &[]);
            }
            previous = Previous::Blank;
        } else if let Some((number, text)) = plain_item(line) {
            // After a paragraph line it may be the paragraph's text.
            if previous == Previous::Paragraph {
                return None;
            }
            if !list_open {
                builder.event(&Event::Start(Tag::List(Some(number))), &[]);
                list_open = true;
            }
            builder.event(&Event::Start(Tag::Item), &[]);
            builder.event(&Event::Text(CowStr::Borrowed(text)), &[]);
            builder.event(&Event::End(TagEnd::Item), &[]);
            previous = Previous::Item;
        } else {
            // Right after a line, it would continue that line's block.
            let text = plain_text(line).filter(|_| previous == Previous::Blank)?;
            if std::mem::take(&mut list_open) {
                builder.event(&Event::End(TagEnd::List(true)), &[]);
            }
            builder.event(&Event::Start(Tag::Paragraph), &[]);
            builder.event(&Event::Text(CowStr::Borrowed(text)), &[]);
            previous = Previous::Paragraph;
        }
    }
    if previous == Previous::Paragraph {
        builder.event(&Event::End(TagEnd::Paragraph), &[]);
    }
    if list_open {
        builder.event(&Event::End(TagEnd::List(true)), &[]);
    }
    builder.flush();
    Some(Rich::from_blocks(&builder.blocks))
}

/// A line CommonMark reads as its own text: no markup, nothing to trim.
fn plain_text(line: &str) -> Option<&str> {
    let plain = line.trim() == line
        && !has_markup(line)
        && !line.bytes().any(|b| matches!(b, b'\0' | b'\r'));
    plain.then_some(line)
}

/// `1. text` with one space after the marker and plain text after it.
fn plain_item(line: &str) -> Option<(u64, &str)> {
    let digits = line.bytes().take_while(u8::is_ascii_digit).count();
    if !(1..=3).contains(&digits) {
        return None;
    }
    let text = plain_text(line[digits..].strip_prefix(". ")?).filter(|t| !t.is_empty())?;
    Some((line[..digits].parse().ok()?, text))
}

/// A span being filled. The `Html` kinds were opened by a tag such as
/// `<b>`, which nothing obliges to close, so they close with what holds them.
#[derive(PartialEq)]
enum Kind {
    Strong,
    Emphasis,
    Link(String),
    HtmlStrong,
    HtmlEmphasis,
}

struct Span {
    kind: Kind,
    content: Vec<Inline>,
}

/// What the block being filled will be.
#[derive(Clone, Copy)]
enum Open {
    Paragraph,
    /// At this depth; its marker is taken when it is kept.
    Item(u8),
}

#[derive(Default)]
struct Builder {
    blocks: Vec<Block>,
    /// The open lists, innermost last: the next item's number, if ordered.
    lists: Vec<Option<u64>>,
    open: Option<Open>,
    content: Vec<Inline>,
    spans: Vec<Span>,
    /// Spans opened past [`MAX_NESTING`], whose ends are still to come.
    flattened: usize,
    /// Depth inside an image, whose alt text is dropped with it.
    image: usize,
    /// The text of the code block being read.
    code: Option<String>,
    /// The last character of text so far, for joining wrapped lines.
    last: Option<char>,
}

impl Builder {
    fn event(&mut self, event: &Event, ahead: &[Event]) {
        if self.image > 0 {
            match event {
                Event::Start(_) => self.image += 1,
                Event::End(_) => self.image -= 1,
                _ => {}
            }
            return;
        }
        match event {
            Event::Start(tag) => self.start(tag),
            Event::End(tag) => self.end(*tag),
            Event::Text(text) => match &mut self.code {
                Some(code) => code.push_str(text),
                None => self.text(text),
            },
            Event::Code(code) => {
                self.last = code.chars().next_back().or(self.last);
                self.push(Inline::Code(code.to_string()));
            }
            // pulldown-cmark hands over an inline tag whole.
            Event::InlineHtml(html) => {
                if let Some(inside) = html.strip_prefix('<').and_then(|h| h.strip_suffix('>')) {
                    self.tag(inside);
                }
            }
            Event::Html(html) => self.html(html),
            Event::SoftBreak => self.soft_break(ahead),
            Event::HardBreak => self.text("\n"),
            // Rules, and the events of extensions herald does not enable.
            _ => {}
        }
    }

    fn start(&mut self, tag: &Tag) {
        match tag {
            Tag::Paragraph | Tag::HtmlBlock => self.open_block(),
            Tag::Heading { .. } => {
                self.open_block();
                self.open_span(Kind::Strong);
            }
            Tag::CodeBlock(_) => {
                self.open_block();
                self.code = Some(String::new());
            }
            Tag::List(start) => {
                // `3. 1. one`: item 3 is shown, bare, above its nested list.
                let depth = self.lists.len().saturating_sub(1);
                self.flush_keeping_bare(depth < MAX_LIST_DEPTH);
                self.lists.push(*start);
            }
            Tag::Item => {
                self.flush();
                let depth = self.lists.len().saturating_sub(1).min(MAX_LIST_DEPTH) as u8;
                self.open = Some(Open::Item(depth));
            }
            Tag::Emphasis => self.open_span(Kind::Emphasis),
            Tag::Strong => self.open_span(Kind::Strong),
            Tag::Link {
                link_type,
                dest_url,
                ..
            } => self.open_span(Kind::Link(target(*link_type, dest_url))),
            Tag::Image { .. } => self.image = 1,
            // Block quotes read as their paragraphs.
            _ => {}
        }
    }

    fn end(&mut self, tag: TagEnd) {
        match tag {
            TagEnd::Paragraph | TagEnd::HtmlBlock => self.end_block(),
            TagEnd::Heading(_) => {
                self.close_span();
                self.end_block();
            }
            TagEnd::CodeBlock => {
                if let Some(code) = self.code.take() {
                    let code = code.trim_end_matches('\n');
                    if !code.is_empty() {
                        self.push(Inline::Code(code.to_string()));
                    }
                }
                self.end_block();
            }
            TagEnd::Item => self.flush(),
            TagEnd::List(_) => {
                self.flush();
                self.lists.pop();
            }
            TagEnd::Emphasis | TagEnd::Strong | TagEnd::Link => self.close_span(),
            _ => {}
        }
    }

    /// A paragraph starts, or goes on the item it is in.
    fn open_block(&mut self) {
        match self.open {
            Some(Open::Item(..)) if !self.content.is_empty() => self.text(" "),
            Some(_) => {}
            None => self.open = Some(Open::Paragraph),
        }
    }

    /// A paragraph ends its block; an item's paragraphs end with the item.
    fn end_block(&mut self) {
        if let Some(Open::Paragraph) = self.open {
            self.flush();
        }
    }

    /// Closes what is open and keeps the block if it has any text.
    fn flush(&mut self) {
        self.flush_keeping_bare(false);
    }

    /// [`Builder::flush`], keeping an item with no text of its own if
    /// `bare`. An item takes its number only when kept, so an empty one
    /// leaves no gap in the numbers.
    fn flush_keeping_bare(&mut self, bare: bool) {
        while let Some(span) = self.spans.pop() {
            self.attach(span);
        }
        self.flattened = 0;
        self.last = None;
        let mut content = std::mem::take(&mut self.content);
        trim_edges(&mut content);
        let Some(open) = self.open.take() else {
            return;
        };
        let block = match open {
            Open::Paragraph if !content.is_empty() => Block::Paragraph(content),
            Open::Item(depth) if bare || !content.is_empty() => Block::Item {
                marker: self.number(),
                depth,
                content,
            },
            _ => return,
        };
        self.blocks.push(block);
    }

    /// The next marker of the innermost list.
    fn number(&mut self) -> Marker {
        match self.lists.last_mut() {
            Some(Some(next)) => {
                let number = u32::try_from(*next).unwrap_or(u32::MAX);
                *next = next.saturating_add(1);
                Marker::Number(number)
            }
            _ => Marker::Bullet,
        }
    }

    fn open_span(&mut self, kind: Kind) {
        if self.flattened > 0 || self.spans.len() >= MAX_NESTING {
            self.flattened += 1;
            return;
        }
        self.spans.push(Span {
            kind,
            content: Vec::new(),
        });
    }

    /// Ends the innermost markdown span, and any HTML span left open in it.
    fn close_span(&mut self) {
        if self.flattened > 0 {
            self.flattened -= 1;
            return;
        }
        while let Some(span) = self.spans.pop() {
            let html = matches!(span.kind, Kind::HtmlStrong | Kind::HtmlEmphasis);
            self.attach(span);
            if !html {
                break;
            }
        }
    }

    /// An HTML tag opens a span only where a markdown one could, so the
    /// count of flattened markdown spans stays matched with their ends.
    fn open_html(&mut self, kind: Kind) {
        if self.flattened == 0 && self.spans.len() < MAX_NESTING {
            self.open_span(kind);
        }
    }

    /// A closing tag closes its span if it is the innermost; a stray one
    /// is dropped.
    fn close_html(&mut self, kind: Kind) {
        if self.flattened == 0 && self.spans.last().is_some_and(|span| span.kind == kind) {
            if let Some(span) = self.spans.pop() {
                self.attach(span);
            }
        }
    }

    /// A finished span into what holds it. A link to an unsafe target (or a
    /// relative one with no page address to resolve it against), and
    /// a span with nothing in it, leave only their text.
    fn attach(&mut self, span: Span) {
        if span.content.is_empty() {
            return;
        }
        let inline = match span.kind {
            Kind::Strong | Kind::HtmlStrong => Inline::Strong(span.content),
            Kind::Emphasis | Kind::HtmlEmphasis => Inline::Emphasis(span.content),
            Kind::Link(url) => match resolve_here(&url) {
                Some(url) => Inline::Link(Box::new(super::Link {
                    text: span.content,
                    url,
                })),
                None => {
                    for inline in span.content {
                        self.push(inline);
                    }
                    return;
                }
            },
        };
        self.push(inline);
    }

    /// Where text goes now; text outside any block starts a paragraph.
    fn current(&mut self) -> &mut Vec<Inline> {
        if self.open.is_none() {
            self.open = Some(Open::Paragraph);
        }
        match self.spans.last_mut() {
            Some(span) => &mut span.content,
            None => &mut self.content,
        }
    }

    fn push(&mut self, inline: Inline) {
        let content = self.current();
        match (content.last_mut(), inline) {
            (Some(Inline::Text(last)), Inline::Text(text)) => last.push_str(&text),
            (_, inline) => content.push(inline),
        }
    }

    fn text(&mut self, text: &str) {
        if let Some(c) = text.chars().next_back() {
            self.last = Some(c);
            self.push(Inline::Text(text.to_string()));
        }
    }

    /// A wrapped line joins with a space, but two CJK characters join with
    /// none, as Chinese text is written without spaces. The next character
    /// is looked for past span tags, images (dropped) and further breaks,
    /// within [`LOOKAHEAD`] events so the work per break stays constant.
    fn soft_break(&mut self, ahead: &[Event]) {
        if self.last.is_none_or(char::is_whitespace) {
            return;
        }
        let mut image = 0usize;
        let mut next = None;
        for event in ahead.iter().take(LOOKAHEAD) {
            match event {
                Event::Start(Tag::Image { .. }) => image += 1,
                Event::End(TagEnd::Image) => image = image.saturating_sub(1),
                _ if image > 0 => {}
                Event::Start(Tag::Emphasis | Tag::Strong | Tag::Link { .. })
                | Event::End(TagEnd::Emphasis | TagEnd::Strong | TagEnd::Link)
                | Event::SoftBreak => {}
                Event::Text(text) | Event::Code(text) => {
                    next = text.chars().next();
                    break;
                }
                _ => break,
            }
        }
        if !(self.last.is_some_and(is_cjk) && next.is_some_and(is_cjk)) {
            self.text(" ");
        }
    }

    /// A block of raw HTML: `<br>` breaks the line, `<b>`, `<strong>`,
    /// `<i>` and `<em>` keep their meaning, other tags are dropped and the
    /// text between them kept.
    fn html(&mut self, raw: &str) {
        let mut rest = raw;
        while let Some(at) = rest.find('<') {
            self.text(&rest[..at]);
            let after = &rest[at + 1..];
            match tag_end(after) {
                Some(end) if self.tag(&after[..end]) => rest = &after[end + 1..],
                _ => {
                    self.text("<");
                    rest = after;
                }
            }
        }
        self.text(rest);
    }

    /// One tag's inside (`b`, `/em`, `br /`, `!-- … --`): whether it was a
    /// tag at all.
    fn tag(&mut self, inside: &str) -> bool {
        if inside.starts_with(['!', '?']) {
            return true;
        }
        let closing = inside.starts_with('/');
        let name = inside.trim_start_matches('/');
        let len = name
            .find(|c: char| !c.is_ascii_alphanumeric())
            .unwrap_or(name.len());
        let name = name[..len].to_ascii_lowercase();
        if !name.starts_with(|c: char| c.is_ascii_alphabetic()) {
            return false;
        }
        let kind = match name.as_str() {
            "br" => {
                self.text("\n");
                return true;
            }
            "b" | "strong" => Kind::HtmlStrong,
            "i" | "em" => Kind::HtmlEmphasis,
            _ => return true,
        };
        if closing {
            self.close_html(kind);
        } else {
            self.open_html(kind);
        }
        true
    }
}

/// Where the tag that `after` (the text after a `<`) begins ends: its `>`,
/// outside quoted attribute values. None if another `<` comes first, which
/// also keeps a run of `<` linear.
fn tag_end(after: &str) -> Option<usize> {
    let mut quote = None;
    for (at, c) in after.char_indices() {
        match (c, quote) {
            ('<', _) => return None,
            ('>', None) => return Some(at),
            ('"' | '\'', None) => quote = Some(c),
            (c, Some(open)) if c == open => quote = None,
            _ => {}
        }
    }
    None
}

/// A link's target as written; an email autolink is a `mailto:` link.
fn target(link_type: LinkType, dest: &CowStr) -> String {
    match link_type {
        LinkType::Email => format!("mailto:{dest}"),
        _ => dest.to_string(),
    }
}

/// Trims in place: every block passes here, and most have nothing to trim.
fn trim_edges(inlines: &mut Vec<Inline>) {
    if let Some(Inline::Text(first)) = inlines.first_mut() {
        let blank = first.len() - first.trim_start().len();
        first.drain(..blank);
    }
    if let Some(Inline::Text(last)) = inlines.last_mut() {
        last.truncate(last.trim_end().len());
    }
    inlines.retain(|inline| !matches!(inline, Inline::Text(t) if t.is_empty()));
}
