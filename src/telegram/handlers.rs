//! One update in, one reply out. Everything a member reads is written by
//! [`crate::commands`]; this module decides whether an update is for herald,
//! in which language to answer, and how to deliver the [`Reply`].

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Instant;

use chrono::Utc;
use chrono_tz::Tz;
use teloxide::prelude::*;
use teloxide::requests::HasPayload;
use teloxide::types::{
    FileId, InlineKeyboardButton, InlineKeyboardMarkup, InputFile, LinkPreviewOptions,
    MaybeInaccessibleMessage, MessageId, ParseMode, ReplyParameters, ThreadId, User,
};
use teloxide::{ApiError, RequestError};

use super::{call, posters, Library};
use crate::blocking::off_workers as blocking;
use crate::calendar;
use crate::commands::{self, Callback, Command, Context, Reply};
use crate::config::ChatTarget;
use crate::duration::HumanDuration;
use crate::events::ids::Target;
use crate::lang::Lang;
use crate::render;
use crate::store::Backend;

/// What every handler shares.
pub(super) struct Herald {
    pub library: Arc<Library>,
    pub store: Arc<dyn Backend>,
    /// The bot's own username, to tell `/next@herald` from `/next@otherbot`.
    pub username: String,
    pub tz: Tz,
    /// For members whose Telegram client says nothing of their language.
    pub language: Lang,
    /// `telegram.admins`: the user ids that may announce.
    pub admins: Vec<u64>,
    /// `telegram.chats`: posted to besides subscribers.
    pub chats: Vec<ChatTarget>,
    /// `[routes]`: an announcement's preview counts the chats it goes to.
    pub rules: crate::schedule::Rules,
    /// What calendar entries are written from.
    pub site: calendar::Site,
    /// Group and channel titles already in the state file, so a title is
    /// written only when it is new or changed.
    pub titles: std::sync::Mutex<HashMap<i64, String>>,
    /// `[http] public_url`: where members reach the calendar feeds.
    pub public_url: Option<url::Url>,
    /// How early a followed talk is reminded of, for members who set none.
    pub lead: HumanDuration,
    /// `[posts] poster`: `/next` in a private chat opens with the poster.
    pub poster: bool,
}

/// Calendar files a reply carries, written out, by event id.
type Files = HashMap<String, String>;

/// A member's message, taken `started` (when it reached herald, so the
/// time spent queued behind other members counts in the reply's latency).
pub(super) async fn message(
    bot: Bot,
    msg: Message,
    herald: Arc<Herald>,
    started: Instant,
) -> ResponseResult<()> {
    herald.note_title(&msg.chat);
    let Some(command) = herald.understand(&msg) else {
        return Ok(());
    };
    let lang = herald.lang(msg.from.as_ref());
    let member = msg.from.as_ref().map(|u| u.id.0 as i64);
    if let (true, Some(member)) = (msg.chat.is_private(), member) {
        // A member who writes to herald in private may be written to.
        let store = Arc::clone(&herald.store);
        blocking(move || store.mark_started(member))
            .await
            .unwrap_or_else(
                |error| tracing::error!(%error, member, "cannot note a started member"),
            );
    }
    let reply = match command {
        Command::Subscribe => herald.subscription(&bot, &msg, true, lang).await?,
        Command::Unsubscribe => herald.subscription(&bot, &msg, false, lang).await?,
        Command::Calendar { reset } => herald.calendar(&msg, reset, lang).await,
        Command::Mute(ref query) => herald.mute(&bot, &msg, query, true, lang).await?,
        Command::Unmute(ref query) => herald.mute(&bot, &msg, query, false, lang).await?,
        ref personal if personal.is_personal() => match member {
            Some(member) => herald.personal(personal, member, lang).await,
            None => commands::answer(personal, &herald.snapshot(lang).context()),
        },
        Command::Announce(ref request) => {
            let (asked, request) = (msg.clone(), request.clone());
            off_workers(&herald, move |herald| {
                herald.announce(&asked, &request, lang)
            })
            .await
        }
        Command::Announcements => {
            let asked = msg.clone();
            off_workers(&herald, move |herald| herald.announcements(&asked, lang)).await
        }
        _ => commands::answer(&command, &herald.snapshot(lang).context()),
    };
    // In a group, answers thread under the question they answer; in a
    // private chat, `/next` threads under the event's poster.
    let reply_to = match (&command, msg.chat.is_private()) {
        (_, false) => Some(msg.id),
        (Command::Next, true) => herald.next_poster(&bot, msg.chat.id, lang).await,
        (_, true) => None,
    };
    let files = herald.files(&reply).await;
    let sent = send(&bot, To::asker(&msg), &reply.messages, reply_to, &files).await;
    handled(msg.chat.id, command.name(), started);
    sent
}

/// A button press. The pop-up is answered first, so the member's client
/// stops waiting whatever comes next.
pub(super) async fn button(
    bot: Bot,
    query: CallbackQuery,
    herald: Arc<Herald>,
    started: Instant,
) -> ResponseResult<()> {
    let lang = herald.lang(Some(&query.from));
    let callback = query.data.as_deref().and_then(Callback::decode);
    // A card posted by inline mode has no message herald can see.
    if let (Some(callback), None, Some(inline)) =
        (&callback, &query.message, &query.inline_message_id)
    {
        let name = super::inline::button(&bot, &query, inline, callback, &herald, lang).await?;
        handled(query.from.id.into(), name, started);
        return Ok(());
    }
    // herald's other buttons are all on messages in chats; one without is forged.
    let (Some(callback), Some(shown)) = (callback, &query.message) else {
        let answer = bot
            .answer_callback_query(query.id.clone())
            .text(render::stale_button(lang));
        let answered = call::retried(&bot, answer.payload_ref()).await;
        let chat = query
            .message
            .as_ref()
            .map_or(query.from.id.into(), |m| m.chat().id);
        handled(chat, "button:stale", started);
        return answered.map(drop);
    };
    let chat = shown.chat().id;
    if let Callback::Follow(target) = &callback {
        let private = shown.chat().is_private();
        let pressed = herald
            .follow_button(&bot, &query, private, target, lang)
            .await;
        handled(chat, "button:follow", started);
        return pressed;
    }
    if let Callback::Announcement { id, act } = callback {
        let pressed = herald
            .announcement_button(&bot, &query, shown, (id, act), lang)
            .await;
        handled(chat, "button:announcement", started);
        return pressed;
    }
    call::retried(
        &bot,
        bot.answer_callback_query(query.id.clone()).payload_ref(),
    )
    .await?;
    let reply = commands::answer_callback(&callback, &herald.snapshot(lang).context());
    let delivered = match (&callback, shown) {
        // A page of a list replaces the page shown.
        (Callback::EventsPage { .. }, MaybeInaccessibleMessage::Regular(list)) => {
            edit(&bot, To::asker(list), list.id, &reply).await
        }
        // An agenda or a file comes as a new message, leaving the list for
        // more taps.
        _ => {
            let files = herald.files(&reply).await;
            let to = match shown {
                MaybeInaccessibleMessage::Regular(shown) => To::asker(shown),
                MaybeInaccessibleMessage::Inaccessible(_) => chat.into(),
            };
            send(&bot, to, &reply.messages, None, &files).await
        }
    };
    let name = match callback {
        Callback::Agenda(_) => "button:agenda",
        Callback::Ics(_) => "button:ics",
        Callback::EventsPage { .. } => "button:page",
        Callback::Announcement { .. } => "button:announcement",
        Callback::Follow(_) => "button:follow",
    };
    handled(chat, name, started);
    delivered
}

/// Told once per burst to a member whose commands were dropped (see
/// [`super::fair`]), in their language, under their last question in a
/// group.
pub(super) async fn slow_down(
    bot: Bot,
    chat: ChatId,
    reply_to: Option<MessageId>,
    lang: Lang,
) -> ResponseResult<()> {
    let message = commands::Message {
        html: render::slow_down(lang),
        buttons: Vec::new(),
        document: None,
    };
    send(&bot, chat.into(), &[message], reply_to, &Files::new()).await
}

/// The one log line per command, and its metrics: commands by name, and
/// the time from the update reaching herald to the reply sent.
pub(super) fn handled(chat: ChatId, command: &str, started: Instant) {
    let elapsed = started.elapsed();
    // Whole microseconds: a reply takes well under a millisecond, and a
    // float of seconds reads as `43.875591000000006`.
    tracing::info!(
        chat = chat.0,
        command,
        elapsed_us = u64::try_from(elapsed.as_micros()).unwrap_or(u64::MAX),
        "handled"
    );
    metrics::counter!("herald_commands_total", "command" => command.to_string()).increment(1);
    metrics::histogram!("herald_reply_seconds").record(elapsed.as_secs_f64());
}

impl Herald {
    /// The command in a message, if it is for herald. In a group, plain
    /// talk and unknown commands are members talking to each other (or to
    /// another bot), so herald stays quiet.
    /// Remembers a group's or channel's title for `herald chats`. Private
    /// chats have none: herald keeps no member's name.
    fn note_title(&self, chat: &teloxide::types::Chat) {
        let Some(title) = chat.title() else {
            return;
        };
        let id = chat.id.0;
        {
            let mut known = self.titles.lock().unwrap_or_else(|e| e.into_inner());
            if known.get(&id).is_some_and(|seen| seen == title) {
                return;
            }
            known.insert(id, title.to_string());
        }
        let (store, title) = (Arc::clone(&self.store), title.to_string());
        tokio::task::spawn_blocking(move || {
            if let Err(error) = store.note_title(id, &title) {
                tracing::warn!(%error, chat = id, "cannot store a chat's title");
            }
        });
    }

    pub(super) fn understand(&self, msg: &Message) -> Option<Command> {
        let command = commands::parse(msg.text()?, Some(&self.username))?;
        match command {
            Command::Search(_) | Command::Unknown(_) if !msg.chat.is_private() => None,
            command => Some(command),
        }
    }

    pub(super) fn lang(&self, user: Option<&User>) -> Lang {
        let code = user.and_then(|u| u.language_code.as_deref());
        Lang::from_telegram(code, self.language)
    }

    /// The calendar files `reply` names, from the community feed, so a
    /// file's SEQUENCE is the feed's: writing them moves the feed's
    /// versions as serving it does. Should the state file fail, the files
    /// still go out, as versions no feed has published.
    async fn files(&self, reply: &Reply) -> Files {
        let wanted: Vec<String> = reply
            .messages
            .iter()
            .filter_map(|message| Some(message.document.as_ref()?.event.clone()))
            .collect();
        if wanted.is_empty() {
            return Files::new();
        }
        let catalog = self.library.catalog();
        let (store, site) = (Arc::clone(&self.store), self.site.clone());
        let events = Arc::clone(&catalog);
        // SQLite blocks; it runs beside the async workers, not on them.
        let feed = blocking(move || store.feed(events.events(), &site, Utc::now())).await;
        let stamps = feed.unwrap_or_else(|error| {
            tracing::error!(%error, "cannot read the calendar versions; the file goes out as version 0");
            calendar::unpublished(calendar::entries(catalog.events(), &self.site), Utc::now())
        });
        let files = calendar::Files::new(&self.site, self.language, stamps);
        wanted
            .into_iter()
            .map(|id| {
                let text = files.of(&id);
                (id, text)
            })
            .collect()
    }

    pub(super) fn snapshot(&self, lang: Lang) -> Snapshot {
        Snapshot {
            catalog: self.library.catalog(),
            lang,
            tz: self.tz,
        }
    }

    /// `/subscribe` (`on`) or `/unsubscribe`: stored for the chat, by an
    /// admin where it is a group.
    async fn subscription(
        &self,
        bot: &Bot,
        msg: &Message,
        on: bool,
        lang: Lang,
    ) -> ResponseResult<Reply> {
        if !may_change_subscription(bot, msg).await? {
            return Ok(commands::refuse_subscription(lang));
        }
        let To { chat, topic } = To::asker(msg);
        let chat = (chat.0, topic.map(|ThreadId(MessageId(id))| id));
        let from = msg.from.as_ref();
        // The chat's posts follow the subscriber's language, where their
        // client says it; otherwise `language` from `bot.toml`.
        let spoken = from
            .and_then(|u| u.language_code.as_deref())
            .map(|code| Lang::from_telegram(Some(code), self.language));
        let mut stored = Stored {
            store: Arc::clone(&self.store),
            chat,
            subscriber: from.map(|u| u.id.0),
            spoken,
        };
        // SQLite blocks; it runs beside the async workers, not on them.
        Ok(blocking(move || commands::subscription(on, &mut stored, lang)).await)
    }
}

impl Herald {
    /// Sends the next event's poster, captioned, for `/next`'s card to
    /// reply to; `None` where there is none, or it could not be sent (the
    /// card then goes alone, as for a page with no poster).
    async fn next_poster(&self, bot: &Bot, chat: ChatId, lang: Lang) -> Option<MessageId> {
        if !self.poster {
            return None;
        }
        let snapshot = self.snapshot(lang);
        let event = snapshot.catalog.next(Utc::now())?;
        let poster = event.poster.as_ref()?;
        let caption = render::caption(event, lang, self.tz);
        let mut uploaded = posters::uploaded(&self.store, poster).await;
        loop {
            let file = match &uploaded {
                Some(id) => InputFile::file_id(FileId(id.clone())),
                None => InputFile::file(poster.file.clone()),
            };
            let sent = bot
                .send_photo(chat, file)
                .caption(&caption)
                .parse_mode(ParseMode::Html)
                .await;
            match sent {
                Ok(sent) => {
                    if uploaded.is_none() {
                        posters::keep(&self.store, poster, &sent).await;
                    }
                    return Some(sent.id);
                }
                // Telegram no longer knows its copy: upload it again.
                Err(RequestError::Api(_)) if uploaded.is_some() => uploaded = None,
                Err(error) => {
                    tracing::warn!(chat = chat.0, %error, "cannot send the poster; /next goes as text");
                    return None;
                }
            }
        }
    }

    /// `/calendar` (or `reset`): the member's feed link, in a private chat
    /// only, at `[http] public_url`.
    async fn calendar(&self, msg: &Message, reset: bool, lang: Lang) -> Reply {
        let member = msg.from.as_ref().filter(|_| msg.chat.is_private());
        let Some(member) = member else {
            return commands::feed_in_private(Some(&self.username), lang);
        };
        let public = self.public_url.clone();
        let mut kept = Kept {
            store: Arc::clone(&self.store),
            member: member.id.0 as i64,
        };
        // SQLite blocks; it runs beside the async workers, not on them.
        blocking(move || commands::feed(reset, &mut kept, public.as_ref(), lang)).await
    }
    /// A command about the member's own follows, kept in the state file.
    async fn personal(&self, command: &Command, member: i64, lang: Lang) -> Reply {
        let mut kept = Member {
            store: Arc::clone(&self.store),
            member,
        };
        let (snapshot, command, lead) = (self.snapshot(lang), command.clone(), self.lead);
        blocking(move || {
            Ok::<_, std::convert::Infallible>(commands::personal(
                &command,
                &mut kept,
                &snapshot.context(),
                lead,
            ))
        })
        .await
        .unwrap_or_else(|never| match never {})
    }

    /// `/mute` (`on`) or `/unmute`: kept for the chat, by an admin where it
    /// is a group.
    async fn mute(
        &self,
        bot: &Bot,
        msg: &Message,
        query: &str,
        on: bool,
        lang: Lang,
    ) -> ResponseResult<Reply> {
        if !may_change_subscription(bot, msg).await? {
            return Ok(commands::refuse_mute(lang));
        }
        let mut mutes = ChatMutes {
            store: Arc::clone(&self.store),
            chat: msg.chat.id.0,
        };
        let (snapshot, query) = (self.snapshot(lang), query.to_string());
        let reply = blocking(move || {
            Ok::<_, std::convert::Infallible>(commands::mute(
                &snapshot.context(),
                &query,
                on,
                &mut mutes,
            ))
        });
        Ok(reply.await.unwrap_or_else(|never| match never {}))
    }

    /// A 🔔 press: the pop-up says what the member now follows. Pressed in
    /// a group, the confirmation is private: a message to a member who
    /// started herald, else the pop-up opens a private chat with herald,
    /// whose Start follows (once more, harmlessly).
    pub(super) async fn follow_button(
        &self,
        bot: &Bot,
        query: &CallbackQuery,
        private: bool,
        target: &Target,
        lang: Lang,
    ) -> ResponseResult<()> {
        let member = query.from.id.0 as i64;
        let mut kept = Member {
            store: Arc::clone(&self.store),
            member,
        };
        let (snapshot, pressed) = (self.snapshot(lang), target.clone());
        let outcome = blocking(move || {
            let (text, on) = commands::press(&pressed, &mut kept, &snapshot.context())?;
            let started = kept.store.has_started(member)?;
            Ok::<_, crate::store::StoreError>((text, on, started))
        })
        .await;
        let mut answer = bot.answer_callback_query(query.id.clone());
        let dm = match outcome {
            Ok((text, on, started)) => {
                let dm = (!private && started).then(|| text.clone());
                answer = answer.text(text);
                if !private && !started && on {
                    if let Some(link) = target.payload().and_then(|p| self.deep_link(&p)) {
                        answer = answer.url(link);
                    }
                }
                dm
            }
            Err(error) => {
                tracing::error!(%error, member, "cannot store a follow");
                answer = answer.text(render::html_to_plain(&render::not_saved(lang)));
                None
            }
        };
        call::retried(bot, answer.payload_ref()).await?;
        if let Some(text) = dm {
            let message = commands::Message {
                html: crate::events::rich::escape_html(&text),
                buttons: Vec::new(),
                document: None,
            };
            // A member who blocked herald since is no reason to fail the press.
            if let Err(error) =
                send(bot, ChatId(member).into(), &[message], None, &Files::new()).await
            {
                tracing::warn!(%error, member, "cannot confirm a follow in private");
            }
        }
        Ok(())
    }

    /// `https://t.me/<bot>?start=<payload>`.
    fn deep_link(&self, payload: &str) -> Option<url::Url> {
        url::Url::parse(&format!("https://t.me/{}?start={payload}", self.username)).ok()
    }
}

/// A handler that calls the store, on a blocking thread: a store may
/// block on the disk or the network (PostgreSQL's client must never run on
/// an async worker).
pub(super) async fn off_workers<T: Send + 'static>(
    herald: &Arc<Herald>,
    work: impl FnOnce(&Herald) -> T + Send + 'static,
) -> T {
    let herald = Arc::clone(herald);
    blocking(move || work(&herald)).await
}

/// One member's follows in the state file.
struct Member {
    store: Arc<dyn Backend>,
    member: i64,
}

/// A member's calendar token in the state file.
struct Kept {
    store: Arc<dyn Backend>,
    member: i64,
}

impl commands::Tokens for Kept {
    type Error = crate::store::StoreError;

    fn token(&mut self, reset: bool) -> Result<String, Self::Error> {
        let token = match reset {
            true => self.store.replace_calendar_token(self.member, Utc::now()),
            false => self.store.calendar_token(self.member, Utc::now()),
        };
        token
            .map(|token| token.as_str().to_string())
            .inspect_err(|error| {
                tracing::error!(%error, member = self.member, "cannot store a calendar token");
            })
    }
}

impl commands::Follows for Member {
    type Error = crate::store::StoreError;

    fn targets(&self) -> Result<Vec<Target>, Self::Error> {
        let following = self.store.followed(self.member).inspect_err(|error| {
            tracing::error!(%error, member = self.member, "cannot read follows");
        })?;
        let talks = following.talks.into_iter().map(Target::Talk);
        let events = following.events.into_iter().map(Target::Event);
        let speakers = following.speakers.into_iter().map(Target::Speaker);
        Ok(talks.chain(events).chain(speakers).collect())
    }

    fn set_follow(&mut self, target: &Target, on: bool) -> Result<bool, Self::Error> {
        let stored = match on {
            true => self.store.follow(self.member, target, Utc::now()),
            false => self.store.unfollow(self.member, target),
        };
        stored.inspect_err(
            |error| tracing::error!(%error, member = self.member, "cannot store a follow"),
        )
    }

    fn lead(&self) -> Result<Option<HumanDuration>, Self::Error> {
        self.store.lead(self.member)
    }

    fn set_lead(&mut self, lead: HumanDuration) -> Result<(), Self::Error> {
        self.store.set_lead(self.member, lead).inspect_err(
            |error| tracing::error!(%error, member = self.member, "cannot store a lead time"),
        )
    }

    fn forget(&mut self) -> Result<bool, Self::Error> {
        self.store.forget_member(self.member).inspect_err(
            |error| tracing::error!(%error, member = self.member, "cannot forget a member"),
        )
    }
}

/// One chat's mutes in the state file.
struct ChatMutes {
    store: Arc<dyn Backend>,
    chat: i64,
}

impl commands::Mutes for ChatMutes {
    type Error = crate::store::StoreError;

    fn set_mute(&mut self, event: &str, on: bool) -> Result<bool, Self::Error> {
        self.store
            .set_mute(self.chat, event, on)
            .inspect_err(|error| tracing::error!(%error, chat = self.chat, "cannot store a mute"))
    }
}

/// A chat's subscription in the state file, with who asked for it.
struct Stored {
    store: Arc<dyn Backend>,
    /// The chat, and the forum topic the command was asked in.
    chat: (i64, Option<i32>),
    subscriber: Option<u64>,
    spoken: Option<Lang>,
}

impl commands::Subscriptions for Stored {
    type Error = crate::store::StoreError;

    fn set(&mut self, on: bool) -> Result<bool, Self::Error> {
        let stored = match on {
            true => self
                .store
                .subscribe(self.chat, self.subscriber, self.spoken, Utc::now()),
            false => self.store.unsubscribe(self.chat),
        };
        stored.inspect_err(|error| {
            tracing::error!(%error, chat = self.chat.0, "cannot store a subscription");
        })
    }
}

/// The catalog as it is now, held while one answer is written.
pub(super) struct Snapshot {
    catalog: Arc<crate::events::Catalog>,
    lang: Lang,
    tz: Tz,
}

impl Snapshot {
    pub(super) fn context(&self) -> Context<'_> {
        Context {
            catalog: &self.catalog,
            now: Utc::now(),
            lang: self.lang,
            tz: self.tz,
        }
    }
}

/// Anyone may subscribe their private chat; a group's subscription is for
/// its owner and admins, including an admin posting anonymously (as the
/// group itself).
async fn may_change_subscription(bot: &Bot, msg: &Message) -> ResponseResult<bool> {
    if msg.chat.is_private()
        || msg
            .sender_chat
            .as_ref()
            .is_some_and(|c| c.id == msg.chat.id)
    {
        return Ok(true);
    }
    let Some(user) = &msg.from else {
        return Ok(false);
    };
    let asked = bot.get_chat_member(msg.chat.id, user.id);
    let member = call::retried(bot, asked.payload_ref()).await?;
    Ok(member.is_privileged())
}

/// Sends messages in order; one with a document goes as that file from
/// `files`, its text the caption.
/// Where an answer goes: the chat, and in a forum the topic it was asked
/// in, so a question in a topic is never answered in General.
#[derive(Debug, Clone, Copy)]
pub(super) struct To {
    chat: ChatId,
    topic: Option<ThreadId>,
}

impl To {
    /// Where `msg` was written.
    fn asker(msg: &Message) -> To {
        To {
            chat: msg.chat.id,
            topic: msg.thread_id.filter(|_| msg.is_topic_message),
        }
    }
}

impl From<ChatId> for To {
    fn from(chat: ChatId) -> To {
        To { chat, topic: None }
    }
}

async fn send(
    bot: &Bot,
    to: To,
    messages: &[commands::Message],
    reply_to: Option<MessageId>,
    files: &Files,
) -> ResponseResult<()> {
    for message in messages {
        let file = message
            .document
            .as_ref()
            .and_then(|document| Some((document, files.get(&document.event)?)));
        if let Some((document, text)) = file {
            send_file(bot, to, message, document, text, reply_to).await?;
            continue;
        }
        let mut request = bot
            .send_message(to.chat, &message.html)
            .parse_mode(ParseMode::Html)
            .link_preview_options(NO_PREVIEW)
            .reply_markup(keyboard(&message.buttons));
        if let Some(topic) = to.topic {
            request = request.message_thread_id(topic);
        }
        if let Some(id) = reply_to {
            request =
                request.reply_parameters(ReplyParameters::new(id).allow_sending_without_reply());
        }
        call::retried(bot, request.payload_ref()).await?;
    }
    Ok(())
}

/// A calendar file, with the message's text as its caption and its buttons.
async fn send_file(
    bot: &Bot,
    to: To,
    message: &commands::Message,
    document: &commands::Document,
    text: &str,
    reply_to: Option<MessageId>,
) -> ResponseResult<()> {
    // Bot API objects in a form are JSON text; teloxide's types serialize.
    fn json(value: &impl serde::Serialize) -> String {
        serde_json::to_string(value).unwrap_or_default()
    }
    let mut params = vec![
        ("chat_id", to.chat.0.to_string()),
        ("caption", message.html.clone()),
        ("parse_mode", "HTML".to_string()),
        ("reply_markup", json(&keyboard(&message.buttons))),
    ];
    if let Some(ThreadId(MessageId(topic))) = to.topic {
        params.push(("message_thread_id", topic.to_string()));
    }
    if let Some(id) = reply_to {
        let reply = ReplyParameters::new(id).allow_sending_without_reply();
        params.push(("reply_parameters", json(&reply)));
    }
    let upload = call::Upload {
        method: "sendDocument",
        field: "document",
        filename: document.filename.clone(),
        mime: "text/calendar",
        bytes: text.as_bytes().to_vec(),
        params,
    };
    call::send_file(bot, &upload).await.map(drop)
}

/// Puts the first message of `reply` in place of message `id`; any further
/// messages follow as new ones. Pressing the button of the page already
/// shown changes nothing, which Telegram reports as an error: it is none.
pub(super) async fn edit(bot: &Bot, to: To, id: MessageId, reply: &Reply) -> ResponseResult<()> {
    let Some((first, rest)) = reply.messages.split_first() else {
        return Ok(());
    };
    let request = bot
        .edit_message_text(to.chat, id, &first.html)
        .parse_mode(ParseMode::Html)
        .link_preview_options(NO_PREVIEW)
        .reply_markup(keyboard(&first.buttons));
    let edited = call::retried(bot, request.payload_ref()).await;
    match edited {
        Ok(_) | Err(RequestError::Api(ApiError::MessageNotModified)) => {}
        Err(error) => return Err(error),
    }
    send(bot, to, rest, None, &Files::new()).await
}

/// herald's replies are about events: a preview of the first link (often a
/// registration page) would push the agenda out of view.
pub(super) const NO_PREVIEW: LinkPreviewOptions = LinkPreviewOptions {
    is_disabled: true,
    url: None,
    prefer_small_media: false,
    prefer_large_media: false,
    show_above_text: false,
};

pub(super) fn keyboard(rows: &[Vec<commands::Button>]) -> InlineKeyboardMarkup {
    InlineKeyboardMarkup::new(rows.iter().map(|row| {
        row.iter()
            .map(|b| InlineKeyboardButton::callback(b.text.clone(), b.data.clone()))
    }))
}
