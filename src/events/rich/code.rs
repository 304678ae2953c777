//! A [`Rich`](super::Rich) text as it is kept: one buffer of tokens
//! instead of a tree.
//!
//! A library holds every event's text for as long as its page is there. As
//! a tree (a vector of blocks, each a vector of spans, each span a string)
//! a one-line title took three allocations and about a hundred bytes for
//! thirty of text, and such trees were half of what herald held at rest.
//! Encoded, a text is one allocation a few bytes longer than its
//! characters. Texts are only ever read front to back (a reply, a post,
//! the search index), which a stream of tokens serves as well as a tree.
//!
//! The buffer is written only by [`encode`], so [`Tokens`] meets nothing
//! else; should it ever, it stops at what it cannot read rather than panic.

use super::{walk, Block, Inline, Marker, Step};

const PARAGRAPH: u8 = 1;
/// Then the depth.
const BULLET: u8 = 2;
/// Then the number and the depth.
const NUMBER: u8 = 3;
/// Text and code: then the length and the bytes.
const TEXT: u8 = 4;
const CODE: u8 = 5;
const STRONG: u8 = 6;
const EMPHASIS: u8 = 7;
/// Then the target's length and bytes.
const LINK: u8 = 8;
const END_STRONG: u8 = 9;
const END_EMPHASIS: u8 = 10;
const END_LINK: u8 = 11;

/// One step through a text: a block begins, or a piece of its content.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Token<'a> {
    Paragraph,
    Item { marker: Marker, depth: u8 },
    Piece(Piece<'a>),
}

/// A block's content in document order: text, and the spans around it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Piece<'a> {
    Text(&'a str),
    Code(&'a str),
    Strong,
    Emphasis,
    /// A link's start, with its target.
    Link(&'a str),
    End(Style),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Style {
    Strong,
    Emphasis,
    Link,
}

pub(super) fn encode(blocks: &[Block]) -> Box<[u8]> {
    let mut out = Vec::new();
    for block in blocks {
        let content = match block {
            Block::Paragraph(content) => {
                out.push(PARAGRAPH);
                content
            }
            Block::Item {
                marker,
                depth,
                content,
            } => {
                match marker {
                    Marker::Bullet => out.push(BULLET),
                    Marker::Number(n) => {
                        out.push(NUMBER);
                        push_number(&mut out, *n as usize);
                    }
                }
                out.push(*depth);
                content
            }
        };
        walk(content, |step| match step {
            Step::Enter(Inline::Text(text)) => push_bytes(&mut out, TEXT, text),
            Step::Enter(Inline::Code(code)) => push_bytes(&mut out, CODE, code),
            Step::Enter(Inline::Strong(_)) => out.push(STRONG),
            Step::Enter(Inline::Emphasis(_)) => out.push(EMPHASIS),
            Step::Enter(Inline::Link(link)) => push_bytes(&mut out, LINK, &link.url),
            Step::Leave(Inline::Strong(_)) => out.push(END_STRONG),
            Step::Leave(Inline::Emphasis(_)) => out.push(END_EMPHASIS),
            Step::Leave(Inline::Link(_)) => out.push(END_LINK),
            Step::Leave(Inline::Text(_) | Inline::Code(_)) => {}
        });
    }
    out.into_boxed_slice()
}

fn push_bytes(out: &mut Vec<u8>, tag: u8, text: &str) {
    out.push(tag);
    push_number(out, text.len());
    out.extend_from_slice(text.as_bytes());
}

/// Seven bits a byte, low first; the high bit says more follow. Most
/// lengths take one byte.
fn push_number(out: &mut Vec<u8>, mut n: usize) {
    while n >= 0x80 {
        out.push((n as u8 & 0x7F) | 0x80);
        n >>= 7;
    }
    out.push(n as u8);
}

/// The tokens of an encoded text, in order.
#[derive(Clone)]
pub(super) struct Tokens<'a> {
    rest: &'a [u8],
}

impl<'a> Tokens<'a> {
    pub(super) fn new(code: &'a [u8]) -> Self {
        Tokens { rest: code }
    }

    fn byte(&mut self) -> Option<u8> {
        let (&first, rest) = self.rest.split_first()?;
        self.rest = rest;
        Some(first)
    }

    fn number(&mut self) -> Option<usize> {
        let mut n = 0usize;
        for shift in (0..usize::BITS).step_by(7) {
            let byte = self.byte()?;
            n |= usize::from(byte & 0x7F).checked_shl(shift)?;
            if byte & 0x80 == 0 {
                return Some(n);
            }
        }
        None
    }

    fn text(&mut self) -> Option<&'a str> {
        let len = self.number()?;
        if len > self.rest.len() {
            return None;
        }
        let (text, rest) = self.rest.split_at(len);
        self.rest = rest;
        std::str::from_utf8(text).ok()
    }

    fn token(&mut self) -> Option<Token<'a>> {
        let piece = match self.byte()? {
            PARAGRAPH => return Some(Token::Paragraph),
            BULLET => {
                let depth = self.byte()?;
                return Some(Token::Item {
                    marker: Marker::Bullet,
                    depth,
                });
            }
            NUMBER => {
                let n = u32::try_from(self.number()?).ok()?;
                let depth = self.byte()?;
                return Some(Token::Item {
                    marker: Marker::Number(n),
                    depth,
                });
            }
            TEXT => Piece::Text(self.text()?),
            CODE => Piece::Code(self.text()?),
            STRONG => Piece::Strong,
            EMPHASIS => Piece::Emphasis,
            LINK => Piece::Link(self.text()?),
            END_STRONG => Piece::End(Style::Strong),
            END_EMPHASIS => Piece::End(Style::Emphasis),
            END_LINK => Piece::End(Style::Link),
            _ => return None,
        };
        Some(Token::Piece(piece))
    }
}

impl<'a> Iterator for Tokens<'a> {
    type Item = Token<'a>;

    fn next(&mut self) -> Option<Token<'a>> {
        let token = self.token();
        if token.is_none() {
            self.rest = &[];
        }
        token
    }
}

#[cfg(test)]
mod tests {
    use super::super::Link;
    use super::*;

    fn text(text: &str) -> Inline {
        Inline::Text(text.to_string())
    }

    #[test]
    fn every_kind_of_block_and_span_reads_back_in_order() {
        let long = "长".repeat(100);
        let blocks = vec![
            Block::Paragraph(vec![
                text("a "),
                Inline::Strong(vec![Inline::Emphasis(vec![text("b")])]),
                Inline::Link(Box::new(Link {
                    text: vec![Inline::Code("c".to_string())],
                    url: "https://example.org/".to_string(),
                })),
            ]),
            Block::Item {
                marker: Marker::Number(300),
                depth: 2,
                content: vec![text(&long)],
            },
            Block::Item {
                marker: Marker::Bullet,
                depth: 0,
                content: vec![],
            },
        ];
        let code = encode(&blocks);
        let tokens: Vec<Token> = Tokens::new(&code).collect();
        use Piece::{Code, Emphasis, End, Strong, Text};
        assert_eq!(
            tokens,
            vec![
                Token::Paragraph,
                Token::Piece(Text("a ")),
                Token::Piece(Strong),
                Token::Piece(Emphasis),
                Token::Piece(Text("b")),
                Token::Piece(End(Style::Emphasis)),
                Token::Piece(End(Style::Strong)),
                Token::Piece(Piece::Link("https://example.org/")),
                Token::Piece(Code("c")),
                Token::Piece(End(Style::Link)),
                Token::Item {
                    marker: Marker::Number(300),
                    depth: 2
                },
                Token::Piece(Text(&long)),
                Token::Item {
                    marker: Marker::Bullet,
                    depth: 0
                },
            ]
        );
    }

    #[test]
    fn a_text_is_kept_in_a_few_bytes_more_than_its_own() {
        let code = encode(&[Block::Paragraph(vec![text("Async Rust in production")])]);
        assert_eq!(code.len(), "Async Rust in production".len() + 3);
    }

    #[test]
    fn a_cut_or_foreign_buffer_ends_the_tokens_instead_of_panicking() {
        let code = encode(&[Block::Paragraph(vec![text("héllo")])]);
        for cut in 0..code.len() {
            // Never more than what was whole before the cut.
            assert!(Tokens::new(&code[..cut]).count() <= 1, "cut at {cut}");
        }
        // A length running past the end, a split character, an unknown tag,
        // a number that never ends.
        for bad in [
            &[TEXT, 9, b'a'][..],
            &[TEXT, 1, 0xC3],
            &[99],
            &[
                NUMBER, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
            ],
        ] {
            assert_eq!(Tokens::new(bad).count(), 0, "{bad:?}");
        }
    }
}
