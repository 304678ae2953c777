//! Organizers' announcements on Telegram: `/announce` and its preview, the
//! Send and Cancel buttons, `/announcements`. Who is an organizer is decided
//! here, by user id from `telegram.admins` alone: usernames change hands and
//! are never trusted. Posting is the scheduler's, as for any post: Send only
//! makes the announcement due and wakes the scheduler.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use teloxide::prelude::*;
use teloxide::requests::{HasPayload, JsonRequest};
use teloxide::types::{MaybeInaccessibleMessage, MessageId, User};

use super::handlers::{edit, off_workers, Herald};
use super::{call, entities};
use crate::commands::{self, Act, Announce, Reply};
use crate::config::Kind;
use crate::lang::Lang;
use crate::render;
use crate::schedule::Announcement;
use crate::store::{Author, NewAnnouncement, State, StoreError, Withdrawal};

/// What pressing an announcement's button comes to.
enum Pressed {
    /// A pop-up saying why not; nothing changes.
    Refused(String),
    /// The message with the button now shows `here`; `preview`, if any, is
    /// the announcement's preview to update as well.
    Shows {
        here: Reply,
        preview: Option<((i64, i32), Reply)>,
    },
}

impl Herald {
    /// `/announce`: keeps the announcement as a draft and previews it.
    pub(super) fn announce(&self, msg: &Message, request: &Announce, lang: Lang) -> Reply {
        let Some(author) = self.organizer(msg.from.as_ref(), msg.chat.id, "announce") else {
            return commands::refuse_announcement(lang);
        };
        let now = Utc::now();
        let due = match request.due(now, self.tz, lang) {
            Ok(due) => due,
            Err(reply) => return reply,
        };
        let Some(html) = announced_html(msg, request).filter(|html| !html.trim().is_empty()) else {
            return commands::announce_usage(lang);
        };
        let draft = NewAnnouncement {
            author: Author::Admin(author),
            html,
            pin: request.pin,
            lang,
            due,
            state: State::Draft,
            held_until: None,
        };
        let stored = self.store.targets(&self.chats).and_then(|chats| {
            let id = self.store.add_announcement(&draft, now)?;
            let routed = chats
                .iter()
                .filter(|chat| self.rules.takes(Kind::Announcements, chat));
            Ok((id, routed.count()))
        });
        match stored {
            Ok((id, chats)) => {
                tracing::info!(
                    user = author,
                    announcement = id,
                    chats,
                    "announcement previewed"
                );
                commands::preview(id, &draft.html, chats, draft.pin, due, lang, self.tz)
            }
            Err(error) => failed(&error, lang),
        }
    }

    /// `/announcements`: what is waiting to go out, for organizers.
    pub(super) fn announcements(&self, msg: &Message, lang: Lang) -> Reply {
        if self
            .organizer(msg.from.as_ref(), msg.chat.id, "announcements")
            .is_none()
        {
            return commands::refuse_announcement(lang);
        }
        self.pending(Utc::now(), lang)
            .unwrap_or_else(|error| failed(&error, lang))
    }

    /// A press of Send, Cancel, or a Cancel of `/announcements`.
    pub(super) async fn announcement_button(
        self: &Arc<Self>,
        bot: &Bot,
        query: &CallbackQuery,
        shown: &MaybeInaccessibleMessage,
        (id, act): (i64, Act),
        lang: Lang,
    ) -> ResponseResult<()> {
        let chat = shown.chat().id;
        let answer = bot.answer_callback_query(query.id.clone());
        let Some(user) = self.organizer(Some(&query.from), chat, "announcement button") else {
            return answered(bot, answer.text(render::announce_refused(lang))).await;
        };
        let at = (chat.0, shown.id().0);
        let pressed = off_workers(self, move |herald| herald.press(user, at, id, act, lang)).await;
        let pressed = pressed.unwrap_or_else(|error| {
            tracing::error!(%error, announcement = id, "cannot update an announcement");
            Pressed::Refused(render::not_saved(lang))
        });
        match pressed {
            Pressed::Refused(why) => answered(bot, answer.text(why)).await,
            Pressed::Shows { here, preview } => {
                answered(bot, answer).await?;
                if let Some(((chat, message), reply)) = preview {
                    edit(bot, ChatId(chat).into(), MessageId(message), &reply).await?;
                }
                edit(bot, chat.into(), shown.id(), &here).await
            }
        }
    }

    /// The user's id if they are an organizer. Anyone else is logged by id,
    /// with what they tried.
    fn organizer(&self, user: Option<&User>, chat: ChatId, tried: &str) -> Option<u64> {
        let id = user.map(|user| user.id.0);
        let organizer = id.filter(|id| self.admins.contains(id));
        if organizer.is_none() {
            tracing::warn!(user = ?id, chat = chat.0, tried, "refused: not in telegram.admins");
        }
        organizer
    }

    /// What organizer `user` pressing `act` on announcement `id`, under the
    /// message `at`, does.
    fn press(
        &self,
        user: u64,
        at: (i64, i32),
        id: i64,
        act: Act,
        lang: Lang,
    ) -> Result<Pressed, StoreError> {
        let now = Utc::now();
        let settled = || Ok(Pressed::Refused(render::announce_settled(lang).to_string()));
        let Some(record) = self.store.announcement(id)? else {
            return settled();
        };
        if act == Act::Send {
            if record.author != Author::Admin(user) {
                tracing::warn!(
                    user,
                    announcement = id,
                    "refused: Send pressed by an organizer who did not write it"
                );
                return Ok(Pressed::Refused(
                    render::announce_not_yours(lang).to_string(),
                ));
            }
            let Some(confirmed) = self.store.confirm_announcement(id, now, at)? else {
                return settled();
            };
            let due = confirmed.due.unwrap_or(now);
            tracing::info!(user, announcement = id, %due, "announcement confirmed");
            return Ok(Pressed::Shows {
                here: commands::confirmed(id, due, now, lang, self.tz),
                preview: None,
            });
        }
        match self.store.withdraw_announcement(id, now)? {
            Withdrawal::Withdrawn(_) => {}
            Withdrawal::UnderWay(_) => {
                return Ok(Pressed::Refused(
                    render::announce_under_way(lang).to_string(),
                ))
            }
            _ => return settled(),
        }
        tracing::info!(user, announcement = id, "announcement cancelled");
        let cancelled = commands::cancelled(id, lang);
        Ok(match act {
            Act::Withdraw => Pressed::Shows {
                here: self.pending(now, lang)?,
                preview: record.report_to.map(|preview| (preview, cancelled)),
            },
            _ => Pressed::Shows {
                here: cancelled,
                preview: None,
            },
        })
    }

    /// The announcements confirmed and still ahead.
    fn pending(&self, now: DateTime<Utc>, lang: Lang) -> Result<Reply, StoreError> {
        let owed = self.store.owed_announcements()?;
        let waiting: Vec<&Announcement> =
            owed.iter().map(|a| &**a).filter(|a| a.due > now).collect();
        Ok(commands::pending(&waiting, lang, self.tz))
    }
}

/// The announcement's text as Telegram HTML: the words after the command
/// and its options, or, with none, the message `/announce` replies to.
fn announced_html(msg: &Message, request: &Announce) -> Option<String> {
    if !request.text.is_empty() {
        // The parsed text is the tail of the message, trailing spaces aside.
        let text = msg.text()?.trim_end();
        let from = text.len().checked_sub(request.text.len())?;
        return Some(entities::html(
            text,
            msg.entities().unwrap_or_default(),
            from,
        ));
    }
    let quoted = msg.reply_to_message()?;
    let (text, formatting) = match quoted.text() {
        Some(text) => (text, quoted.entities()),
        None => (quoted.caption()?, quoted.caption_entities()),
    };
    Some(entities::html(text, formatting.unwrap_or_default(), 0))
}

fn failed(error: &StoreError, lang: Lang) -> Reply {
    tracing::error!(%error, "cannot use the state file for an announcement");
    commands::not_saved(lang)
}

/// A button's answer, through the retried call like every other reply.
async fn answered(
    bot: &Bot,
    answer: JsonRequest<teloxide::payloads::AnswerCallbackQuery>,
) -> ResponseResult<()> {
    call::retried(bot, answer.payload_ref()).await.map(drop)
}

#[cfg(test)]
mod tests {
    use serde_json::{json, Value};

    use super::*;
    use crate::commands::Command;

    fn message(text_key: &str, text: &str, entities: Value, reply_to: Option<Value>) -> Value {
        let mut message = json!({
            "message_id": 5,
            "date": 0,
            "chat": {"id": 7001, "type": "private", "first_name": "Olga"},
            "from": {"id": 7001, "is_bot": false, "first_name": "Olga"},
            text_key: text,
        });
        let entities_key = match text_key {
            "caption" => "caption_entities",
            _ => "entities",
        };
        message[entities_key] = entities;
        if let Some(quoted) = reply_to {
            message["reply_to_message"] = quoted;
        }
        message
    }

    fn announced(message: Value) -> Option<String> {
        let message: Message = serde_json::from_value(message).unwrap();
        let Some(Command::Announce(request)) = commands::parse(message.text()?, None) else {
            panic!("not an announcement");
        };
        announced_html(&message, &request)
    }

    #[test]
    fn the_text_after_the_options_keeps_its_formatting() {
        let text = "/announce --pin 周六 <b>见</b>  ";
        let entities = json!([
            {"type": "bot_command", "offset": 0, "length": 9},
            {"type": "bold", "offset": 16, "length": 2},
        ]);
        assert_eq!(
            announced(message("text", text, entities, None)).unwrap(),
            "<b>周六</b> &lt;b&gt;见&lt;/b&gt;"
        );
    }

    #[test]
    fn a_reply_announces_the_message_replied_to_caption_and_all() {
        let mut quoted = message(
            "caption",
            "Slides 🎉 here",
            json!([{"type": "italic", "offset": 10, "length": 4}]),
            None,
        );
        quoted["photo"] = json!([{"file_id": "p", "file_unique_id": "u", "width": 1, "height": 1}]);
        let reply = message(
            "text",
            "/announce --pin",
            json!([{"type": "bot_command", "offset": 0, "length": 9}]),
            Some(quoted),
        );
        assert_eq!(announced(reply).unwrap(), "Slides 🎉 <i>here</i>");
        let alone = message("text", "/announce", json!([]), None);
        assert_eq!(announced(alone), None, "nothing to announce");
    }
}
