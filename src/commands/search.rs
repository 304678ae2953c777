//! Plain text in a private chat: whoever is named, then talks about it.
//! The same words typed after `@bot` in any chat ([`super::inline`]) find
//! events and talks through [`found`].

use super::{speaker, talk, Context, Reply};
use crate::events::catalog::{Lookup, SpeakerSearch, TalkAt};
use crate::events::Event;
use crate::render;

/// What some words name, read as the commands read them: events by slug,
/// number or title (`/agenda`), then the talks of the speaker named
/// (`/speaker`) and the talks holding the words (`/talk`), each talk once.
pub(super) struct Found<'c> {
    pub events: Vec<&'c Event>,
    pub talks: Vec<TalkAt<'c>>,
}

pub(super) fn found<'c>(ctx: &Context<'c>, words: &str) -> Found<'c> {
    let events = match ctx.catalog.find(words, ctx.now) {
        Lookup::Found(event) => vec![event],
        Lookup::Several(events) => events,
        Lookup::NotFound => Vec::new(),
    };
    let spoken = match ctx.catalog.search_speakers(words) {
        SpeakerSearch::Found { appearances, .. } => appearances
            .into_iter()
            .filter_map(|at| {
                Some(TalkAt {
                    event: at.event,
                    talk: at.talk?,
                })
            })
            .collect(),
        _ => Vec::new(),
    };
    let mut talks: Vec<TalkAt<'c>> = Vec::new();
    for hit in spoken.into_iter().chain(ctx.catalog.search_talks(words)) {
        let seen = |t: &TalkAt| std::ptr::eq(t.talk, hit.talk);
        if !talks.iter().any(seen) {
            talks.push(hit);
        }
    }
    Found { events, talks }
}

pub(super) fn answer(ctx: &Context, text: &str) -> Reply {
    let mut blocks = speaker::matched(ctx, text).unwrap_or_default();
    blocks.extend(talk::hits(ctx, text));
    if blocks.is_empty() {
        return Reply::html(render::nothing_found(text, ctx.lang));
    }
    Reply::blocks(blocks)
}

#[cfg(test)]
mod tests {
    use crate::commands::testing::*;
    use crate::commands::{answer, Command};
    use crate::lang::Lang;

    fn search(text: &str, lang: Lang) -> String {
        let catalog = community();
        seen(&answer(
            &Command::Search(text.into()),
            &context(&catalog, "2021-07-01 00:00", lang),
        ))
    }

    #[test]
    fn speakers_come_before_talks() {
        let text = search("tokio", Lang::En);
        assert!(text.starts_with("Talks about “tokio”: 2"), "{text}");
        let text = search("Jane", Lang::En);
        assert!(text.starts_with("🎤 Jane Doe · Ferrous\n"), "{text}");
        assert!(!text.contains("Talks about"));
    }

    #[test]
    fn nothing_found_points_to_help() {
        assert_eq!(
            search("<b>cobol</b>", Lang::En),
            "No speakers or talks match “<b>cobol</b>”. Send /help to see what I can do."
        );
    }
}
