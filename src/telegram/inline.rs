//! Inline mode: `@bot <words>` typed in any chat is answered with cards
//! ([`commands::cards`]) a member posts there, herald a member of that
//! chat or not. A press on a card's button comes back with the inline
//! message's id and no message or chat: Agenda puts the agenda in the
//! card's place, Follow follows as anywhere else.

use std::sync::Arc;
use std::time::Instant;

use teloxide::prelude::*;
use teloxide::requests::HasPayload;
use teloxide::types::{
    InlineQuery, InlineQueryResult, InlineQueryResultArticle, InputMessageContent,
    InputMessageContentText, ParseMode,
};
use teloxide::{ApiError, RequestError};

use super::call;
use super::handlers::{handled, keyboard, Herald, NO_PREVIEW};
use crate::commands::{self, Callback, Card};
use crate::lang::Lang;
use crate::render;

/// Seconds Telegram may keep an answer: short, so an edited page shows
/// soon; the answer is the same for everyone, so it may share it.
const CACHE_SECONDS: u32 = 30;

/// Answers an inline query in the language of the member typing.
pub(super) async fn query(
    bot: Bot,
    query: InlineQuery,
    herald: Arc<Herald>,
    started: Instant,
) -> ResponseResult<()> {
    let lang = herald.lang(Some(&query.from));
    let ctx = herald.snapshot(lang);
    let page = commands::inline_page(&ctx.context(), &query.query, &query.offset);
    let answer = bot
        .answer_inline_query(query.id.clone(), page.cards.into_iter().map(article))
        .next_offset(page.next)
        .cache_time(CACHE_SECONDS)
        .is_personal(false);
    let answered = call::retried(&bot, answer.payload_ref()).await;
    handled(ChatId::from(query.from.id), "inline", started);
    answered.map(drop)
}

fn article(card: Card) -> InlineQueryResult {
    let text = InputMessageContentText::new(card.message.html)
        .parse_mode(ParseMode::Html)
        .link_preview_options(NO_PREVIEW);
    let article =
        InlineQueryResultArticle::new(card.id, card.title, InputMessageContent::Text(text))
            .description(card.description)
            .reply_markup(keyboard(&card.message.buttons));
    InlineQueryResult::Article(article)
}

/// A press on a button of a posted card, which Telegram sends with the
/// card's `inline_message` id in place of a message.
pub(super) async fn button(
    bot: &Bot,
    query: &CallbackQuery,
    inline: &str,
    callback: &Callback,
    herald: &Herald,
    lang: Lang,
) -> ResponseResult<&'static str> {
    match callback {
        Callback::Follow(target) => {
            // The chat is not told: it may be any chat, with anyone in it.
            herald
                .follow_button(bot, query, false, target, lang)
                .await?;
            Ok("button:follow")
        }
        Callback::Agenda(_) => {
            let answer = bot.answer_callback_query(query.id.clone());
            call::retried(bot, answer.payload_ref()).await?;
            let reply = commands::answer_callback(callback, &herald.snapshot(lang).context());
            edit(bot, inline, &reply).await?;
            Ok("button:agenda")
        }
        // Cards carry no other buttons: these are forged.
        Callback::Ics(_) | Callback::EventsPage { .. } | Callback::Announcement { .. } => {
            let answer = bot
                .answer_callback_query(query.id.clone())
                .text(render::stale_button(lang));
            call::retried(bot, answer.payload_ref()).await?;
            Ok("button:stale")
        }
    }
}

/// Puts `reply` in the card's place. A card is one message, so an agenda
/// longer than one keeps its first part, with the buttons of its last.
async fn edit(bot: &Bot, inline: &str, reply: &commands::Reply) -> ResponseResult<()> {
    let (Some(first), Some(last)) = (reply.messages.first(), reply.messages.last()) else {
        return Ok(());
    };
    let request = bot
        .edit_message_text_inline(inline, &first.html)
        .parse_mode(ParseMode::Html)
        // teloxide 0.13 has no `link_preview_options` for inline edits.
        .disable_web_page_preview(true)
        .reply_markup(keyboard(&last.buttons));
    match call::retried(bot, request.payload_ref()).await {
        // Pressed twice: the agenda is already there.
        Ok(_) | Err(RequestError::Api(ApiError::MessageNotModified)) => Ok(()),
        Err(error) => Err(error),
    }
}
