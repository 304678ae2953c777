//! `@bot <words>` in any chat: events and talks offered as cards a member
//! posts where herald need not be a member, found as the commands find them
//! ([`super::search::found`]). Each card carries the Agenda and Follow
//! buttons; pressed, they come back without a chat (see
//! [`super::answer_callback`] and the adapter).

use super::{follow, search, Button, Callback, Context, Message};
use crate::events::catalog::TalkAt;
use crate::events::Event;
use crate::render;

/// Telegram takes at most 50 results per answer.
pub const MAX_CARDS: usize = 50;

/// One result of an inline query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Card {
    /// Unique within one answer, at most 64 bytes: the Follow button's
    /// data, which names the event or talk.
    pub id: String,
    /// What the result list shows, plain text.
    pub title: String,
    pub description: String,
    /// What is posted when the card is picked.
    pub message: Message,
}

/// One answer's worth of cards, and where the next answer starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page {
    pub cards: Vec<Card>,
    /// Telegram's `next_offset`: what the member's app sends back as
    /// `offset` when they scroll to the end; empty when nothing follows.
    pub next: String,
}

/// The first page of cards for `query`.
pub fn cards(ctx: &Context, query: &str) -> Vec<Card> {
    page(ctx, query, "").cards
}

/// The cards for `query` from `offset` on, at most [`MAX_CARDS`]: Telegram
/// takes no more per answer, and asks for the rest with the `next_offset`
/// herald gave, the number of cards already shown. An offset herald did
/// not give (empty, or forged) starts at the first card.
pub fn page(ctx: &Context, query: &str, offset: &str) -> Page {
    let skip: usize = offset.parse().unwrap_or(0);
    let mut cards: Vec<Card> = all(ctx, query).skip(skip).take(MAX_CARDS + 1).collect();
    let more = cards.len() > MAX_CARDS;
    cards.truncate(MAX_CARDS);
    Page {
        cards,
        next: match more {
            true => (skip + MAX_CARDS).to_string(),
            false => String::new(),
        },
    }
}

/// Every card for `query`, made as they are taken: the upcoming events for
/// no words, else the events and talks the words find, events first.
fn all<'a>(ctx: &'a Context, query: &str) -> impl Iterator<Item = Card> + 'a {
    let query = query.trim();
    let (events, talks) = if query.is_empty() {
        (ctx.catalog.upcoming(ctx.now), Vec::new())
    } else {
        let found = search::found(ctx, query);
        (found.events, found.talks)
    };
    let events = events
        .into_iter()
        .filter_map(|event| event_card(ctx, event));
    let talks = talks.into_iter().filter_map(|hit| talk_card(ctx, &hit));
    events.chain(talks)
}

/// `/next`'s card of the event. `None` for a slug too long for a button
/// (it would have no Follow, and no id to tell it apart).
fn event_card(ctx: &Context, event: &Event) -> Option<Card> {
    let follow = follow::follow_button(event, render::follow_button(false, ctx.lang))?;
    let html = render::event_card(event, ctx.lang, ctx.tz);
    Some(Card {
        id: follow.data.clone(),
        title: event.title_in(ctx.lang).to_string(),
        description: render::inline_event_line(event, ctx.lang, ctx.tz),
        message: card_message(html, vec![agenda_button(ctx, event), follow]),
    })
}

/// `/talk`'s block of the talk, with its event's agenda and the talk's 🔔.
fn talk_card(ctx: &Context, hit: &TalkAt) -> Option<Card> {
    let follow = follow::remind_button(hit.event, hit.talk, false, ctx.lang)?;
    let html = render::talk_at(hit, ctx.lang, ctx.tz);
    Some(Card {
        id: follow.data.clone(),
        title: hit.event.talk_in(hit.talk, ctx.lang).title.plain(),
        description: render::inline_talk_line(hit, ctx.lang, ctx.tz),
        message: card_message(html, vec![agenda_button(ctx, hit.event), follow]),
    })
}

fn agenda_button(ctx: &Context, event: &Event) -> Button {
    Button::new(
        render::agenda_button(ctx.lang),
        &Callback::agenda(&event.id),
    )
}

/// One message: a card that outgrows Telegram's limit keeps its first part.
fn card_message(html: String, buttons: Vec<Button>) -> Message {
    let html = render::pack(vec![html])
        .into_iter()
        .next()
        .unwrap_or_default();
    Message {
        html,
        buttons: vec![buttons],
        document: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::commands::testing::*;
    use crate::events::catalog::fixtures::*;
    use crate::events::Catalog;
    use crate::lang::Lang;

    fn titles(cards: &[Card]) -> Vec<&str> {
        cards.iter().map(|card| card.title.as_str()).collect()
    }

    #[test]
    fn no_words_offer_the_upcoming_events_as_next_shows_them() {
        let catalog = community();
        let ctx = context(&catalog, "2021-07-01 00:00", Lang::En);
        let cards = cards(&ctx, "  ");
        assert_eq!(titles(&cards), ["Rust 北京 Meetup 九月"]);
        let card = &cards[0];
        assert_eq!(card.description, "Sat 18 Sep 2021, 13:00–18:00 · 北京");
        let next = crate::commands::answer(&crate::commands::Command::Next, &ctx);
        assert_eq!(card.message.html, next.messages[0].html);
        let buttons: Vec<(&str, &str)> = card.message.buttons[0]
            .iter()
            .map(|b| (b.text.as_str(), b.data.as_str()))
            .collect();
        assert_eq!(
            buttons,
            [
                ("📋 Agenda", "a:2021-09-rust"),
                ("🔔 Follow", "f:e:2021-09-rust")
            ]
        );
        assert_eq!(card.id, "f:e:2021-09-rust");
    }

    #[test]
    fn words_find_events_then_the_speaker_talks_then_talks_each_once() {
        let catalog = community();
        let ctx = context(&catalog, "2021-07-01 00:00", Lang::En);
        assert_eq!(
            titles(&cards(&ctx, "北京")),
            ["Rust 北京 Meetup 九月", "Rust 北京 Meetup 四月"]
        );
        // Jane Doe's two talks, found by her name; none twice.
        let jane = cards(&ctx, "jane doe");
        assert_eq!(titles(&jane), ["Rust in production", "嵌入式 Rust"]);
        assert_eq!(
            jane[0].description,
            "Jane Doe · Ferrous · Rust 北京 Meetup 九月 · Sat 18 Sep 2021"
        );
        let data: Vec<&str> = jane[0].message.buttons[0]
            .iter()
            .map(|b| b.data.as_str())
            .collect();
        assert_eq!(data[0], "a:2021-09-rust");
        assert!(data[1].starts_with("f:t:"), "{data:?}");
        assert!(jane[0].message.html.contains("<b>Rust in production</b>"));
        // `tokio` is a speaker of nobody, and in a title and an abstract.
        assert_eq!(
            titles(&cards(&ctx, "tokio")),
            ["Tokio 调度器", "异步 Rust 入门"]
        );
        assert!(cards(&ctx, "cobol").is_empty());
    }

    /// One event with sixty talks, "Rust 0" to "Rust 59".
    fn sixty_talks() -> Catalog {
        let mut builder = event("e", "Big day", "2031-01-02 10:00");
        for i in 0..60 {
            builder = builder.talk(talk(&format!("Rust {i}")));
        }
        Catalog::new(vec![builder.build()])
    }

    #[test]
    fn at_most_fifty_cards_with_distinct_ids() {
        let catalog = sixty_talks();
        let ctx = context(&catalog, "2021-07-01 00:00", Lang::Zh);
        let cards = cards(&ctx, "rust");
        assert_eq!(cards.len(), MAX_CARDS);
        let mut ids: Vec<&str> = cards.iter().map(|c| c.id.as_str()).collect();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), MAX_CARDS);
        assert!(ids.iter().all(|id| id.len() <= 64));
    }

    #[test]
    fn the_cards_past_fifty_come_on_the_next_page() {
        let catalog = sixty_talks();
        let ctx = context(&catalog, "2021-07-01 00:00", Lang::En);
        let first = page(&ctx, "rust", "");
        assert_eq!(first.next, "50");
        assert_eq!(first.cards[0].title, "Rust 0");
        let second = page(&ctx, "rust", &first.next);
        assert_eq!(
            titles(&second.cards),
            (50..60).map(|i| format!("Rust {i}")).collect::<Vec<_>>()
        );
        assert_eq!(second.next, "", "nothing follows");
        assert_eq!(
            page(&ctx, "rust", "x").cards,
            first.cards,
            "a forged offset starts over"
        );
        assert!(page(&ctx, "rust", "999").cards.is_empty());
    }
}
