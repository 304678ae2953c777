//! What `/talk` searches: every talk's words, worked out once per catalog.
//!
//! The words of every talk sit in one buffer, and each event's tags once
//! for all its talks: a library keeps this for as long as it serves, and a
//! string per talk, each with its event's tags copied in, was a sixth of
//! what herald held at rest.

use std::ops::Range;

use super::words::{key, Chars, Words};
use super::{newest_first, talk_in, talks_at, TalkAt};
use crate::events::model::{Event, Talk};

#[derive(Debug, Clone, Default)]
pub(super) struct Talks {
    /// The [`key`] of each talk's title and abstract, and of each event's
    /// tags, one after another.
    text: String,
    /// Newest event first, as `/talk` lists them.
    talks: Vec<TalkText>,
    /// Each event's tags, by the event's place in the catalog.
    tags: Vec<Part>,
}

/// A talk's place in the catalog and its words.
#[derive(Debug, Clone)]
struct TalkText {
    event: usize,
    /// The talk's place in the event's agenda.
    talk: usize,
    own: Part,
}

/// A stretch of [`Talks::text`] and the characters it holds.
#[derive(Debug, Clone)]
struct Part {
    range: Range<usize>,
    chars: Chars,
}

impl Talks {
    /// Every talk of the catalog, each searchable in every language its
    /// event's pages word it in.
    pub(super) fn new(events: &[Event]) -> Self {
        let mut index = Talks::default();
        for event in events {
            let tags = index.part(event.tags.iter().map(String::as_str));
            index.tags.push(tags);
        }
        for (event_at, event) in newest_first(events) {
            let translated: Vec<Event> = event.translated().collect();
            for (n, (talk_at, talk)) in talks_at(event).enumerate() {
                let same = translated.iter().filter_map(|shown| shown.talks().nth(n));
                let own = index.part(std::iter::once(talk).chain(same).flat_map(words_of));
                index.talks.push(TalkText {
                    event: event_at,
                    talk: talk_at,
                    own,
                });
            }
        }
        // Kept for as long as the catalog serves: no slack from the pushes.
        index.text.shrink_to_fit();
        index.talks.shrink_to_fit();
        index
    }

    /// Adds the [`key`] of each text to the buffer, as one part.
    fn part<S: AsRef<str>>(&mut self, texts: impl Iterator<Item = S>) -> Part {
        let start = self.text.len();
        for text in texts {
            self.text.push_str(&key(text.as_ref()));
        }
        let range = start..self.text.len();
        Part {
            chars: Chars::of(&self.text[range.clone()]),
            range,
        }
    }

    /// The talks whose own words, or those with their event's tags, hold
    /// every word, newest first. Most talks lack some character of the
    /// query, which rules them out without reading their text.
    pub(super) fn holding<'a>(
        &self,
        words: &Words,
        with_tags: bool,
        events: &'a [Event],
    ) -> Vec<TalkAt<'a>> {
        self.talks
            .iter()
            .filter(|talk| {
                let own = &self.text[talk.own.range.clone()];
                if !with_tags {
                    return talk.own.chars.covers(words.chars()) && words.all_in(own);
                }
                let tags = &self.tags[talk.event];
                talk.own.chars.and(tags.chars).covers(words.chars())
                    && words.all_in_any(&[own, &self.text[tags.range.clone()]])
            })
            .map(|talk| {
                let event = &events[talk.event];
                TalkAt {
                    event,
                    talk: talk_in(event, talk.talk),
                }
            })
            .collect()
    }
}

/// A talk's title and abstract as plain text.
fn words_of(talk: &Talk) -> impl Iterator<Item = String> + '_ {
    std::iter::once(talk.title.plain()).chain(talk.abstract_.as_ref().map(|a| a.plain()))
}
