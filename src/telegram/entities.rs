//! An organizer's formatted Telegram message as Telegram HTML, so their
//! announcement goes out looking as they wrote it. Telegram sends text and
//! its formatting apart: entities, with offsets in UTF-16 code units.
//!
//! Entities that Telegram finds by itself in any text (links, mentions,
//! hashtags) stay plain text, and so do custom emoji, which bots may only
//! send with a paid username: their fallback emoji is in the text.

use std::ops::Range;

use teloxide::types::{MessageEntity, MessageEntityKind};

use crate::events::rich::escape_html;

/// `text[from..]` as Telegram HTML, with the entities that fall in it.
/// Overlapping entities, which Telegram should never send, are closed and
/// reopened around each other, so the HTML is always well formed.
pub fn html(text: &str, entities: &[MessageEntity], from: usize) -> String {
    let start = utf16_len(&text[..from]);
    let end = start + utf16_len(&text[from..]);
    let mut spans: Vec<Span> = entities
        .iter()
        .filter_map(|entity| Span::new(entity, start..end))
        .collect();
    // Outer first: earlier start, then longer.
    spans.sort_by_key(|span| (span.range.start, std::cmp::Reverse(span.range.end)));
    let mut out = String::with_capacity(text.len() - from);
    let mut open: Vec<&Span> = Vec::new();
    let mut next = spans.iter().peekable();
    let mut at = start;
    for c in text[from..].chars() {
        close_ended(&mut open, at, &mut out);
        while let Some(span) = next.next_if(|span| span.range.start <= at) {
            out.push_str(&span.open);
            open.push(span);
        }
        out.push_str(&escape_html(c.encode_utf8(&mut [0; 4])));
        at += c.len_utf16();
    }
    while let Some(span) = open.pop() {
        out.push_str(span.close);
    }
    out
}

/// One entity as the tags around its text, in the caller's range.
struct Span {
    range: Range<usize>,
    open: String,
    close: &'static str,
}

impl Span {
    fn new(entity: &MessageEntity, within: Range<usize>) -> Option<Span> {
        let from = entity.offset.max(within.start);
        let to = (entity.offset + entity.length).min(within.end);
        if from >= to {
            return None;
        }
        let (open, close) = tags(&entity.kind)?;
        Some(Span {
            range: from..to,
            open,
            close,
        })
    }
}

fn tags(kind: &MessageEntityKind) -> Option<(String, &'static str)> {
    use MessageEntityKind as K;
    let simple = |tag: &str, close| Some((format!("<{tag}>"), close));
    match kind {
        K::Bold => simple("b", "</b>"),
        K::Italic => simple("i", "</i>"),
        K::Underline => simple("u", "</u>"),
        K::Strikethrough => simple("s", "</s>"),
        K::Spoiler => simple("tg-spoiler", "</tg-spoiler>"),
        K::Code => simple("code", "</code>"),
        K::Blockquote => simple("blockquote", "</blockquote>"),
        K::ExpandableBlockquote => simple("blockquote expandable", "</blockquote>"),
        K::Pre { language: None } => simple("pre", "</pre>"),
        K::Pre {
            language: Some(language),
        } => Some((
            format!("<pre><code class=\"language-{}\">", escape_html(language)),
            "</code></pre>",
        )),
        K::TextLink { url } => Some((
            format!("<a href=\"{}\">", escape_html(url.as_str())),
            "</a>",
        )),
        K::TextMention { user } => {
            Some((format!("<a href=\"tg://user?id={}\">", user.id.0), "</a>"))
        }
        K::Mention
        | K::Hashtag
        | K::Cashtag
        | K::BotCommand
        | K::Url
        | K::Email
        | K::PhoneNumber
        | K::CustomEmoji { .. } => None,
    }
}

/// Closes the spans ending at `at`. Spans opened inside one of them but
/// going on are closed with it and reopened, keeping the tags nested.
fn close_ended(open: &mut Vec<&Span>, at: usize, out: &mut String) {
    let Some(first) = open.iter().position(|span| span.range.end <= at) else {
        return;
    };
    let closed = open.split_off(first);
    for span in closed.iter().rev() {
        out.push_str(span.close);
    }
    for span in closed {
        if span.range.end > at {
            out.push_str(&span.open);
            open.push(span);
        }
    }
}

fn utf16_len(text: &str) -> usize {
    text.chars().map(char::len_utf16).sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entity(kind: MessageEntityKind, offset: usize, length: usize) -> MessageEntity {
        MessageEntity::new(kind, offset, length)
    }

    #[test]
    fn formatting_becomes_tags_and_text_is_escaped() {
        let text = "Rust <meetup> & talks: code here";
        let entities = [
            MessageEntity::bold(0, 4),
            MessageEntity::italic(5, 8),
            MessageEntity::code(23, 4),
        ];
        assert_eq!(
            html(text, &entities, 0),
            "<b>Rust</b> <i>&lt;meetup&gt;</i> &amp; talks: <code>code</code> here"
        );
    }

    #[test]
    fn offsets_count_utf16_units_past_cjk_and_emoji() {
        // 🎉 is two UTF-16 units, each CJK character one.
        let text = "🎉 报名开始 now";
        let entities = [MessageEntity::bold(3, 4), MessageEntity::underline(8, 3)];
        assert_eq!(html(text, &entities, 0), "🎉 <b>报名开始</b> <u>now</u>");
        let text = "a👩‍💻b";
        // 👩‍💻 is 👩 (2) + ZWJ (1) + 💻 (2).
        assert_eq!(
            html(text, &[MessageEntity::strikethrough(1, 5)], 0),
            "a<s>👩‍💻</s>b"
        );
    }

    #[test]
    fn only_the_tail_is_converted_and_entities_are_cut_to_it() {
        let text = "/announce --pin 周六 **见**";
        let from = "/announce --pin ".len();
        let entities = [
            entity(MessageEntityKind::BotCommand, 0, 9),
            // Bold from the option into the text: only its part in the tail.
            MessageEntity::bold(10, 8),
        ];
        assert_eq!(html(text, &entities, from), "<b>周六</b> **见**");
    }

    #[test]
    fn nested_links_and_blocks() {
        let url: url::Url = "https://example.com/?a=1&b=\"2\"".parse().unwrap();
        let text = "Register here\nfn main() {}";
        let entities = [
            MessageEntity::bold(0, 13),
            MessageEntity::text_link(url, 9, 4),
            MessageEntity::pre(Some("rust".into()), 14, 12),
        ];
        assert_eq!(
            html(text, &entities, 0),
            "<b>Register <a href=\"https://example.com/?a=1&amp;b=%222%22\">here</a></b>\n\
             <pre><code class=\"language-rust\">fn main() {}</code></pre>"
        );
    }

    #[test]
    fn overlapping_entities_still_nest() {
        let text = "abcdef";
        let entities = [MessageEntity::bold(0, 4), MessageEntity::italic(2, 4)];
        assert_eq!(html(text, &entities, 0), "<b>ab<i>cd</i></b><i>ef</i>");
    }

    #[test]
    fn self_detected_entities_stay_plain() {
        let text = "see https://x.io #rust @herald";
        let entities = [
            entity(MessageEntityKind::Url, 4, 12),
            entity(MessageEntityKind::Hashtag, 17, 5),
            entity(MessageEntityKind::Mention, 23, 7),
        ];
        assert_eq!(html(text, &entities, 0), text);
    }
}
