//! A fake Telegram Bot API server on 127.0.0.1, for running the real bot
//! over real HTTP. It answers the methods herald uses the way Telegram
//! does (JSON bodies posted to `/bot<token>/<method>`, `{ok, result}`
//! answers, `getUpdates` long polling with `offset`), keeps every call so a
//! test can check what a member saw, and lets a test play the members:
//! [`FakeBotApi::send_text`], [`FakeBotApi::press_button`].
//!
//! Every wait is bounded and fails with the calls seen so far.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::routing::post;
use axum::{Json, Router};
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::sync::{mpsc, watch};
use tokio::task::JoinHandle;

/// The token the fake accepts; any other gets 401 like Telegram's answer.
pub const TOKEN: &str = "110201543:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsawQ";
pub const BOT_USERNAME: &str = "herald_test_bot";
const BOT_ID: u64 = 110201543;

/// A member of the test's chats.
#[derive(Debug, Clone, Copy)]
pub struct User {
    pub id: u64,
    pub first_name: &'static str,
    /// Telegram's `language_code`, as the member's client sends it.
    pub language: Option<&'static str>,
}

/// Where a member writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Chat {
    /// The member's private chat with the bot: its id is the member's.
    Private(u64),
    /// A supergroup, by its (negative) id.
    Group(i64),
}

impl Chat {
    pub fn id(self) -> i64 {
        match self {
            Chat::Private(user) => user as i64,
            Chat::Group(id) => id,
        }
    }

    fn json(self) -> Value {
        match self {
            Chat::Private(user) => json!({"id": user, "type": "private", "first_name": "Member"}),
            Chat::Group(id) => json!({"id": id, "type": "supergroup", "title": "Meetup group"}),
        }
    }
}

/// One request the bot made: the method, its parameters, the answer.
#[derive(Debug, Clone)]
pub struct Call {
    pub method: String,
    pub params: Value,
    /// What the fake answered.
    pub result: Value,
    /// When the request reached the fake.
    #[allow(dead_code)] // for benches/bot.rs
    pub at: std::time::Instant,
}

/// A message the bot sent (or last edited), as a member sees it.
#[derive(Debug, Clone)]
pub struct Sent {
    pub chat: i64,
    pub message_id: i64,
    /// Telegram HTML, as sent.
    pub html: String,
    pub params: Value,
}

impl Sent {
    /// Buttons as (label, callback data), row by row.
    pub fn buttons(&self) -> Vec<(String, String)> {
        let rows = self.params["reply_markup"]["inline_keyboard"].as_array();
        rows.into_iter()
            .flatten()
            .flat_map(|row| row.as_array().into_iter().flatten())
            .map(|b| {
                let text = b["text"].as_str().unwrap_or_default().to_string();
                let data = b["callback_data"].as_str().unwrap_or_default().to_string();
                (text, data)
            })
            .collect()
    }

    /// The forum topic it was sent to (`message_thread_id`), if any.
    pub fn topic(&self) -> Option<i64> {
        let topic = &self.params["message_thread_id"];
        topic
            .as_i64()
            .or_else(|| topic.as_str().and_then(|t| t.parse().ok()))
    }

    /// Sent without a sound (`disable_notification`).
    pub fn silent(&self) -> bool {
        self.params["disable_notification"] == true
    }

    /// The member's message this one replies to.
    pub fn reply_to(&self) -> Option<i64> {
        self.params["reply_parameters"]["message_id"].as_i64()
    }

    /// A photo sent by upload: its file name; `None` for one sent by
    /// Telegram's id for it, or for no photo.
    #[allow(dead_code)] // for tests/posters.rs
    pub fn uploaded_photo(&self) -> Option<String> {
        Some(self.params["photo"]["filename"].as_str()?.to_string())
    }

    /// A photo sent by Telegram's id for a file uploaded before.
    #[allow(dead_code)] // for tests/posters.rs
    pub fn photo_id(&self) -> Option<String> {
        Some(self.params["photo"].as_str()?.to_string())
    }

    /// The file sent (`sendDocument`): its name and its text.
    pub fn document(&self) -> Option<(String, String)> {
        let document = &self.params["document"];
        Some((
            document["filename"].as_str()?.to_string(),
            document["content"].as_str()?.to_string(),
        ))
    }
}

pub struct FakeBotApi {
    address: SocketAddr,
    shared: Arc<Shared>,
    server: JoinHandle<()>,
}

struct Shared {
    state: Mutex<Inner>,
    /// Bumped when an update is queued, waking a held `getUpdates`.
    queued: watch::Sender<()>,
    /// Bumped on every call, waking tests waiting for the bot.
    called: watch::Sender<()>,
    /// The one bot token this server answers.
    token: &'static str,
}

#[derive(Default)]
struct Inner {
    /// Updates not yet confirmed by an `offset`, oldest first.
    updates: Vec<Value>,
    next_update: i64,
    next_message: i64,
    /// Every call but `getUpdates`, in order.
    calls: Vec<Call>,
    /// `getChatMember` statuses by (chat, user); "member" otherwise.
    roles: HashMap<(i64, u64), &'static str>,
    /// The bot's messages by (chat, message id), for pressing their buttons.
    messages: HashMap<(i64, i64), Value>,
    /// How `sendMessage` misbehaves, for the scheduler's tests.
    faults: Faults,
    /// `getChat` answers: public usernames and their ids.
    usernames: HashMap<String, i64>,
    /// Where every call is copied as it comes: see [`FakeBotApi::call_feed`].
    feeds: Vec<mpsc::UnboundedSender<Call>>,
    /// The bot's messages an admin deleted: editing one is refused.
    deleted: Vec<(i64, i64)>,
    /// Edits refused as "message to edit not found" so far.
    edits_of_deleted: usize,
    /// Groups that are not forums: `createForumTopic` is refused there.
    not_forums: Vec<i64>,
    /// `createForumTopic` calls refused so far, as not a forum.
    topic_refusals: usize,
    /// Topics an admin deleted, by (chat, message_thread_id): a message
    /// sent into one is refused.
    deleted_topics: Vec<(i64, i64)>,
    /// The next this many `createForumTopic` calls get `429` (flood
    /// control, 1 s).
    topic_floods: usize,
}

/// Telegram's bad days, on demand.
#[derive(Default)]
struct Faults {
    /// Every `sendMessage` takes this long to answer.
    delay: Duration,
    /// The next this many `sendMessage` calls get `429 retry_after`.
    floods: usize,
    retry_after: u64,
    /// Chats that blocked the bot: `403`.
    blocked: Vec<i64>,
    /// `sendMessage` calls refused with 429 or 403 so far.
    refused: usize,
    /// Telegram's own limits, answered with 429 when broken: when each
    /// message was accepted, overall and per chat.
    enforce: bool,
    accepted: Vec<(i64, std::time::Instant)>,
    /// Messages refused by `enforce`: their chat and when.
    too_fast: Vec<(i64, std::time::Instant)>,
    /// Every method answers `502 Bad Gateway` (an HTML page, as a proxy
    /// in front of a dead server does).
    down: bool,
    /// Calls of the reply methods answered `500` instead, per cent. Which
    /// ones is drawn from `seed`, the chat and the call's number in that
    /// chat, so the same seed fails the same tries of each chat's replies
    /// however the chats' calls interleave.
    error_rate: u32,
    seed: u64,
    calls_per_chat: HashMap<i64, u64>,
    /// Reply-method calls answered 500 or 502 so far.
    errors: usize,
    /// The next this many reply-method calls hang this long, then fail.
    holds: usize,
    hold: Duration,
}

/// The methods a reply to a member uses.
const REPLY_METHODS: &[&str] = &["sendMessage", "editMessageText", "answerCallbackQuery"];

impl FakeBotApi {
    pub async fn start() -> FakeBotApi {
        FakeBotApi::for_token(TOKEN).await
    }

    /// A server for another bot than [`TOKEN`]'s, as each community of
    /// one `herald run --communities` has.
    pub async fn for_token(token: &'static str) -> FakeBotApi {
        let shared = Arc::new(Shared {
            state: Mutex::new(Inner {
                next_update: 1,
                next_message: 1000,
                ..Inner::default()
            }),
            queued: watch::Sender::new(()),
            called: watch::Sender::new(()),
            token,
        });
        let app = Router::new()
            .route("/{bot}/{method}", post(api))
            .with_state(Arc::clone(&shared));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        let server = tokio::spawn(async move {
            axum::serve(listener, app).await.unwrap();
        });
        FakeBotApi {
            address,
            shared,
            server,
        }
    }

    /// What herald takes as `TELOXIDE_API_URL`.
    pub fn url(&self) -> String {
        format!("http://{}", self.address)
    }

    /// Makes `user` the group's owner ("creator"), an "administrator", or
    /// anything else Telegram reports.
    pub fn set_role(&self, chat: Chat, user: &User, status: &'static str) {
        self.shared
            .lock()
            .roles
            .insert((chat.id(), user.id), status);
    }

    /// A member writes `text` in `chat`; returns the message's id.
    pub fn send_text(&self, chat: Chat, from: &User, text: &str) -> i64 {
        let mut state = self.shared.lock();
        let (message_id, update) = state.member_message(chat, from, text);
        state.queue(&self.shared, update);
        message_id
    }

    /// A member writes `text` in forum topic `topic` of group `chat`, as
    /// Telegram sends it: the chat a forum, the message in the topic's
    /// thread. Returns the message's id.
    pub fn send_text_in_topic(&self, chat: Chat, topic: i64, from: &User, text: &str) -> i64 {
        let mut state = self.shared.lock();
        let (message_id, mut update) = state.member_message(chat, from, text);
        let message = &mut update["message"];
        message["chat"]["is_forum"] = json!(true);
        message["message_thread_id"] = json!(topic);
        message["is_topic_message"] = json!(true);
        state.queue(&self.shared, update);
        message_id
    }

    /// Like [`FakeBotApi::send_text`], with the member's formatting:
    /// Telegram `entities` (offsets in UTF-16 units), after the command's.
    pub fn send_formatted(&self, chat: Chat, from: &User, text: &str, entities: Value) -> i64 {
        let mut state = self.shared.lock();
        let (message_id, mut update) = state.member_message(chat, from, text);
        let message = &mut update["message"];
        let mut all = message["entities"].as_array().cloned().unwrap_or_default();
        all.extend(entities.as_array().cloned().unwrap_or_default());
        message["entities"] = json!(all);
        state.queue(&self.shared, update);
        message_id
    }

    /// Many members write at once: queued under one lock, with one wake-up
    /// of a held `getUpdates`, so a load generator adds few calls of its
    /// own. Returns the messages' ids, in order.
    #[allow(dead_code)] // for benches/bot.rs
    pub fn send_texts<'a>(
        &self,
        messages: impl IntoIterator<Item = (Chat, &'a User, &'a str)>,
    ) -> Vec<i64> {
        let mut state = self.shared.lock();
        let ids = messages
            .into_iter()
            .map(|(chat, from, text)| {
                let (message_id, update) = state.member_message(chat, from, text);
                state.updates.push(update);
                message_id
            })
            .collect();
        self.shared.queued.send_replace(());
        ids
    }

    /// Every call from now on but `getUpdates`, as it reaches the fake, with
    /// no scan of the calls kept: what a load generator waits on.
    #[allow(dead_code)] // for benches/bot.rs
    pub fn call_feed(&self) -> mpsc::UnboundedReceiver<Call> {
        let (feed, calls) = mpsc::unbounded_channel();
        self.shared.lock().feeds.push(feed);
        calls
    }

    /// Like [`FakeBotApi::send_text`], but delivered as Telegram does in
    /// webhook mode: posted to herald's `listen` address, at the path and
    /// with the secret token herald registered with `setWebhook`.
    pub async fn send_text_by_webhook(
        &self,
        listen: SocketAddr,
        chat: Chat,
        from: &User,
        text: &str,
    ) -> i64 {
        let secret = self.webhook_secret().await;
        let (message_id, answer) = self
            .post_to_webhook(listen, chat, from, text, Some(&secret))
            .await;
        assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
        message_id
    }

    /// The secret token herald registered with `setWebhook`.
    pub async fn webhook_secret(&self) -> String {
        let registered = self.wait_for_calls("setWebhook", 1).await.remove(0).params;
        registered["secret_token"]
            .as_str()
            .unwrap_or_default()
            .to_string()
    }

    /// Posts a member's message to herald's webhook as anyone could, with
    /// `secret` in Telegram's header (or none): the message id and herald's
    /// whole HTTP answer.
    pub async fn post_to_webhook(
        &self,
        listen: SocketAddr,
        chat: Chat,
        from: &User,
        text: &str,
        secret: Option<&str>,
    ) -> (i64, String) {
        let registered = self.wait_for_calls("setWebhook", 1).await.remove(0).params;
        let url: url::Url = registered["url"].as_str().unwrap().parse().unwrap();
        let (message_id, update) = self.shared.lock().member_message(chat, from, text);
        let body = update.to_string();
        let header = secret
            .map(|secret| format!("X-Telegram-Bot-Api-Secret-Token: {secret}\r\n"))
            .unwrap_or_default();
        let request = format!(
            "POST {} HTTP/1.1\r\nHost: {listen}\r\nContent-Type: application/json\r\n\
             {header}Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
            url.path(),
            body.len()
        );
        let mut stream = tokio::net::TcpStream::connect(listen).await.unwrap();
        stream.write_all(request.as_bytes()).await.unwrap();
        let mut answer = String::new();
        stream.read_to_string(&mut answer).await.unwrap();
        (message_id, answer)
    }

    /// A member presses the button carrying `data` under the bot's
    /// message `on`. Any data can be pressed, as a forged client could.
    pub fn press_button(&self, from: &User, on: &Sent, data: &str) {
        let mut state = self.shared.lock();
        let message = state.messages[&(on.chat, on.message_id)].clone();
        let id = format!("cb{}", state.next_update);
        let update = state.update(json!({ "callback_query": {
            "id": id,
            "from": user_json(from),
            "message": message,
            "chat_instance": "fake-instance",
            "data": data,
        }}));
        state.queue(&self.shared, update);
    }

    /// A member types `@bot <query>` in some chat: an inline query.
    pub fn send_inline_query(&self, from: &User, query: &str) {
        self.scroll_inline_query(from, query, "");
    }

    /// The member scrolled to the end of the results: Telegram asks again
    /// with the `next_offset` of the last answer as `offset`.
    pub fn scroll_inline_query(&self, from: &User, query: &str, offset: &str) {
        let mut state = self.shared.lock();
        let id = format!("iq{}", state.next_update);
        let update = state.update(json!({ "inline_query": {
            "id": id,
            "from": user_json(from),
            "query": query,
            "offset": offset,
            "chat_type": "supergroup",
        }}));
        state.queue(&self.shared, update);
    }

    /// A member presses the button carrying `data` under a card posted
    /// through inline mode: Telegram sends the card's id, and no message.
    pub fn press_inline_button(&self, from: &User, inline_message_id: &str, data: &str) {
        let mut state = self.shared.lock();
        let id = format!("cb{}", state.next_update);
        let update = state.update(json!({ "callback_query": {
            "id": id,
            "from": user_json(from),
            "inline_message_id": inline_message_id,
            "chat_instance": "fake-instance",
            "data": data,
        }}));
        state.queue(&self.shared, update);
    }

    /// Slows every `sendMessage` down, as a busy Telegram would.
    pub fn delay_sends(&self, delay: Duration) {
        self.shared.lock().faults.delay = delay;
    }

    /// The next `count` messages are refused with `429 Too Many Requests`
    /// and `retry_after` seconds.
    pub fn flood(&self, count: usize, retry_after: u64) {
        let mut state = self.shared.lock();
        state.faults.floods = count;
        state.faults.retry_after = retry_after;
    }

    /// The chat blocked the bot: messages to it get `403 Forbidden`.
    pub fn block(&self, chat: i64) {
        self.shared.lock().faults.blocked.push(chat);
    }

    /// Answers 429 to messages beyond 30 a second overall or 1 a second
    /// per chat, as Telegram does.
    pub fn enforce_limits(&self) {
        self.shared.lock().faults.enforce = true;
    }

    /// `percent` of the calls herald makes to reply (`sendMessage`,
    /// `editMessageText`, `answerCallbackQuery`) get `500 Internal Server
    /// Error`. Which ones is drawn from `seed`, so a run is repeatable.
    pub fn fail_replies(&self, percent: u32, seed: u64) {
        let mut state = self.shared.lock();
        state.faults.error_rate = percent;
        state.faults.seed = seed;
    }

    /// Whether the `n`-th reply call (from 0) to `chat` fails under
    /// `fail_replies(percent, seed)`: what a test can check its seed with.
    pub fn fails(percent: u32, seed: u64, chat: i64, n: u64) -> bool {
        let draw = splitmix(splitmix(seed ^ (chat as u64).wrapping_mul(0x9E37_79B9)) ^ n);
        draw % 100 < u64::from(percent)
    }

    /// The next `count` reply calls hang for `hold`, then fail with `504`:
    /// a Bot API that stopped answering.
    pub fn hang_replies(&self, count: usize, hold: Duration) {
        let mut state = self.shared.lock();
        state.faults.holds = count;
        state.faults.hold = hold;
    }

    /// Every call answers `502 Bad Gateway` until [`FakeBotApi::come_back`],
    /// a held `getUpdates` at once.
    pub fn go_down(&self) {
        self.shared.lock().faults.down = true;
        self.shared.queued.send_replace(());
    }

    pub fn come_back(&self) {
        self.shared.lock().faults.down = false;
    }

    /// Reply calls failed on purpose so far (500, 502 or hung).
    pub fn errors(&self) -> usize {
        self.shared.lock().faults.errors
    }

    /// The messages refused as over Telegram's limits: to which chat, when.
    pub fn too_fast(&self) -> Vec<(i64, std::time::Instant)> {
        self.shared.lock().faults.too_fast.clone()
    }

    /// How many `sendMessage` calls were refused (429 or 403).
    pub fn refused(&self) -> usize {
        self.shared.lock().faults.refused
    }

    /// A public chat `getChat` can find by `@username`.
    pub fn add_username(&self, username: &str, id: i64) {
        self.shared
            .lock()
            .usernames
            .insert(username.to_string(), id);
    }

    /// An admin deletes the bot's message: from now on an edit of it
    /// answers 400 "message to edit not found", as Telegram does.
    #[allow(dead_code)] // for tests/card.rs
    pub fn delete_message(&self, chat: i64, message_id: i64) {
        let mut state = self.shared.lock();
        state.messages.remove(&(chat, message_id));
        state.deleted.push((chat, message_id));
    }

    /// The group is a plain supergroup, not a forum: `createForumTopic`
    /// answers Telegram's "Bad Request: the chat is not a forum".
    #[allow(dead_code)] // for tests/event_topics.rs
    pub fn not_a_forum(&self, chat: i64) {
        self.shared.lock().not_forums.push(chat);
    }

    /// An admin deletes a forum topic: messages sent into it answer
    /// Telegram's "Bad Request: message thread not found".
    #[allow(dead_code)] // for tests/event_topics.rs
    pub fn delete_topic(&self, chat: i64, thread: i64) {
        self.shared.lock().deleted_topics.push((chat, thread));
    }

    /// How many `createForumTopic` calls were refused as not a forum.
    #[allow(dead_code)] // for tests/event_topics.rs
    pub fn topic_refusals(&self) -> usize {
        self.shared.lock().topic_refusals
    }

    /// The next `count` `createForumTopic` calls are refused by flood
    /// control (`429`, retry after 1 s), having opened nothing.
    #[allow(dead_code)] // for tests/event_topics.rs
    pub fn flood_topics(&self, count: usize) {
        self.shared.lock().topic_floods = count;
    }

    /// How many of the floods [`FakeBotApi::flood_topics`] asked for are
    /// still to come.
    #[allow(dead_code)] // for tests/event_topics.rs
    pub fn topic_floods_left(&self) -> usize {
        self.shared.lock().topic_floods
    }

    /// The topics the bot opened in `chat`, as (message_thread_id, name).
    #[allow(dead_code)] // for tests/event_topics.rs
    pub fn topics(&self, chat: i64) -> Vec<(i64, String)> {
        let state = self.shared.lock();
        let opened = state
            .calls
            .iter()
            .filter(|c| c.method == "createForumTopic");
        opened
            .filter(|c| c.params["chat_id"] == chat)
            .map(|c| {
                let thread = c.result["message_thread_id"].as_i64().unwrap_or_default();
                let name = c.result["name"].as_str().unwrap_or_default().to_string();
                (thread, name)
            })
            .collect()
    }

    /// How many edits of a deleted message were refused so far.
    #[allow(dead_code)] // for tests/card.rs
    pub fn edits_of_deleted(&self) -> usize {
        self.shared.lock().edits_of_deleted
    }

    /// The text a chat sees in the bot's message now, after any edits;
    /// `None` once deleted.
    #[allow(dead_code)] // for tests/card.rs
    pub fn message_text(&self, chat: i64, message_id: i64) -> Option<String> {
        let state = self.shared.lock();
        let message = state.messages.get(&(chat, message_id))?;
        message["text"].as_str().map(str::to_string)
    }

    /// How many calls of `method` so far, without copying them.
    pub fn count(&self, method: &str) -> usize {
        self.shared
            .lock()
            .calls
            .iter()
            .filter(|c| c.method == method)
            .count()
    }

    /// Every call of `method` so far.
    pub fn calls(&self, method: &str) -> Vec<Call> {
        let state = self.shared.lock();
        state
            .calls
            .iter()
            .filter(|c| c.method == method)
            .cloned()
            .collect()
    }

    /// Waits until the bot has sent at least `count` messages to `chat`;
    /// returns all it sent there.
    pub async fn wait_for_messages(&self, chat: Chat, count: usize) -> Vec<Sent> {
        self.wait_until(
            &format!("{count} message(s) in chat {}", chat.id()),
            |calls| {
                let sent: Vec<Sent> = calls
                    .iter()
                    .filter(|c| c.method == "sendMessage" && c.params["chat_id"] == chat.id())
                    .map(sent)
                    .collect();
                (sent.len() >= count).then_some(sent)
            },
        )
        .await
    }

    /// Waits until the bot has sent at least `count` photos to `chat`;
    /// returns all it sent there, each with its caption as `html`.
    #[allow(dead_code)] // for tests/posters.rs
    pub async fn wait_for_photos(&self, chat: Chat, count: usize) -> Vec<Sent> {
        self.wait_until(&format!("{count} photos in {chat:?}"), |calls| {
            let photos: Vec<Sent> = calls
                .iter()
                .filter(|c| c.method == "sendPhoto" && c.params["chat_id"] == chat.id())
                .map(sent)
                .collect();
            (photos.len() >= count).then_some(photos)
        })
        .await
    }

    /// Waits until the bot has sent at least `count` files to `chat`;
    /// returns all it sent there, each with its caption as `html`.
    pub async fn wait_for_documents(&self, chat: Chat, count: usize) -> Vec<Sent> {
        self.wait_until(&format!("{count} file(s) in chat {}", chat.id()), |calls| {
            let sent: Vec<Sent> = calls
                .iter()
                .filter(|c| c.method == "sendDocument" && c.params["chat_id"] == chat.id())
                .map(sent)
                .collect();
            (sent.len() >= count).then_some(sent)
        })
        .await
    }

    /// Waits until `method` has been called `count` times; returns those calls.
    pub async fn wait_for_calls(&self, method: &str, count: usize) -> Vec<Call> {
        self.wait_until(&format!("{count} {method} call(s)"), |calls| {
            let found: Vec<Call> = calls
                .iter()
                .filter(|c| c.method == method)
                .cloned()
                .collect();
            (found.len() >= count).then_some(found)
        })
        .await
    }

    /// Waits (at most 5 s) until `check` finds what it looks for in the
    /// calls so far.
    pub async fn wait_until<T>(&self, what: &str, check: impl Fn(&[Call]) -> Option<T>) -> T {
        self.wait_within(Duration::from_secs(5), what, check).await
    }

    /// Like [`FakeBotApi::wait_until`], waiting at most `patience`.
    pub async fn wait_within<T>(
        &self,
        patience: Duration,
        what: &str,
        check: impl Fn(&[Call]) -> Option<T>,
    ) -> T {
        let mut called = self.shared.called.subscribe();
        let deadline = tokio::time::Instant::now() + patience;
        loop {
            called.borrow_and_update();
            if let Some(found) = check(&self.shared.lock().calls) {
                return found;
            }
            if tokio::time::timeout_at(deadline, called.changed())
                .await
                .is_err()
            {
                let calls = self.shared.lock().calls.clone();
                panic!("timed out waiting for {what}; calls so far: {calls:#?}");
            }
        }
    }
}

impl Drop for FakeBotApi {
    fn drop(&mut self) {
        self.server.abort();
    }
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }
}

impl Inner {
    fn message_id(&mut self) -> i64 {
        self.next_message += 1;
        self.next_message
    }

    /// An update with a member's text message; and the message's id.
    fn member_message(&mut self, chat: Chat, from: &User, text: &str) -> (i64, Value) {
        let message_id = self.message_id();
        let mut message = json!({
            "message_id": message_id,
            "date": now(),
            "chat": chat.json(),
            "from": user_json(from),
            "text": text,
        });
        if let Some(length) = text.starts_with('/').then(|| command_length(text)) {
            message["entities"] = json!([{"type": "bot_command", "offset": 0, "length": length}]);
        }
        (message_id, self.update(json!({ "message": message })))
    }

    fn update(&mut self, mut update: Value) -> Value {
        update["update_id"] = json!(self.next_update);
        self.next_update += 1;
        update
    }

    fn queue(&mut self, shared: &Shared, update: Value) {
        self.updates.push(update);
        shared.queued.send_replace(());
    }

    /// The message the bot posted or edited, kept for its buttons.
    fn keep_message(&mut self, chat: i64, message_id: i64, params: &Value) -> Value {
        let mut message = json!({
            "message_id": message_id,
            "date": now(),
            "chat": chat_json(chat),
            "from": bot_json(),
        });
        match params["document"].as_object() {
            Some(file) => {
                message["caption"] = params["caption"].clone();
                message["document"] = json!({
                    "file_id": format!("file{message_id}"),
                    "file_unique_id": format!("unique{message_id}"),
                    "file_name": file["filename"],
                    "mime_type": file["mime"],
                    "file_size": file["content"].as_str().map_or(0, str::len),
                });
            }
            None if !params["photo"].is_null() => {
                message["caption"] = params["caption"].clone();
                // An upload gets a new id; a photo sent by id keeps it.
                let file_id = match params["photo"].as_str() {
                    Some(id) => id.to_string(),
                    None => format!("photo{message_id}"),
                };
                message["photo"] = json!([{
                    "file_id": file_id,
                    "file_unique_id": format!("unique-{file_id}"),
                    "width": 1280,
                    "height": 720,
                }]);
            }
            None => message["text"] = params["text"].clone(),
        }
        let keyboard = &params["reply_markup"]["inline_keyboard"];
        if keyboard.as_array().is_some_and(|rows| !rows.is_empty()) {
            message["reply_markup"] = json!({ "inline_keyboard": keyboard });
        }
        // Sent into a forum topic: Telegram says so on the message.
        let topic = &params["message_thread_id"];
        let topic = topic
            .as_i64()
            .or_else(|| topic.as_str().and_then(|t| t.parse().ok()));
        if let Some(topic) = topic {
            message["chat"]["is_forum"] = json!(true);
            message["message_thread_id"] = json!(topic);
            message["is_topic_message"] = json!(true);
        }
        self.messages.insert((chat, message_id), message.clone());
        message
    }
}

/// The methods faked; all but the first few just answer `true`.
const METHODS: &[&str] = &[
    "getMe",
    "getUpdates",
    "sendMessage",
    "sendDocument",
    "sendPhoto",
    "getChat",
    "editMessageText",
    "getChatMember",
    "getWebhookInfo",
    "answerCallbackQuery",
    "setMyCommands",
    "setWebhook",
    "deleteWebhook",
    "pinChatMessage",
    "unpinChatMessage",
    "answerInlineQuery",
    "createForumTopic",
];

async fn api(
    State(shared): State<Arc<Shared>>,
    Path((bot, method)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> (StatusCode, Json<Value>) {
    let at = std::time::Instant::now();
    if bot != format!("bot{}", shared.token) {
        return failure(StatusCode::UNAUTHORIZED, "Unauthorized");
    }
    // Method names are case-insensitive (teloxide writes `GetMe`); calls
    // are kept under the names the Bot API documents.
    let Some(method) = METHODS.iter().find(|m| m.eq_ignore_ascii_case(&method)) else {
        return failure(StatusCode::NOT_IMPLEMENTED, "Bad Request: not faked");
    };
    let params = params(&headers, &body);
    if shared.lock().faults.down {
        return bad_gateway();
    }
    if REPLY_METHODS.contains(method) {
        if let Some(failure) = unreliable(&shared, &params).await {
            return failure;
        }
    }
    if *method == "getUpdates" {
        let updates = updates(&shared, &params).await;
        // Gone while the request was held.
        if shared.lock().faults.down {
            return bad_gateway();
        }
        return success(updates);
    }
    if *method == "sendMessage" {
        if let Some(refusal) = misbehave(&shared, &params).await {
            return refusal;
        }
    }
    let mut state = shared.lock();
    let result = match *method {
        "getMe" => bot_json(),
        "sendMessage" | "sendDocument" | "sendPhoto"
            if state.deleted_topics.contains(&(
                chat_of(&params),
                params["message_thread_id"].as_i64().unwrap_or_default(),
            )) =>
        {
            shared.called.send_replace(());
            return failure(
                StatusCode::BAD_REQUEST,
                "Bad Request: message thread not found",
            );
        }
        "sendMessage" | "sendDocument" | "sendPhoto" => {
            let chat = params["chat_id"].as_i64().unwrap_or_default();
            let id = state.message_id();
            state.keep_message(chat, id, &params)
        }
        // An inline message's edit is answered `true`: no message to return.
        "editMessageText" if params["inline_message_id"].is_string() => json!(true),
        "editMessageText" if state.deleted.contains(&edited(&params)) => {
            state.edits_of_deleted += 1;
            shared.called.send_replace(());
            return failure(
                StatusCode::BAD_REQUEST,
                "Bad Request: message to edit not found",
            );
        }
        "editMessageText" => {
            let chat = params["chat_id"].as_i64().unwrap_or_default();
            let id = params["message_id"].as_i64().unwrap_or_default();
            state.keep_message(chat, id, &params)
        }
        "getChatMember" => {
            let chat = params["chat_id"].as_i64().unwrap_or_default();
            let user = params["user_id"].as_u64().unwrap_or_default();
            let status = state.roles.get(&(chat, user)).copied().unwrap_or("member");
            member_json(user, status)
        }
        "getChat" => {
            let name = params["chat_id"].as_str().unwrap_or_default();
            match state.usernames.get(name) {
                Some(id) => json!({
                    "id": id,
                    "type": "channel",
                    "title": name,
                    "username": name.trim_start_matches('@'),
                    "accepted_gift_types": {
                        "unlimited_gifts": false,
                        "limited_gifts": false,
                        "unique_gifts": false,
                        "premium_subscription": false,
                    },
                    "max_reaction_count": 11,
                }),
                None => return failure(StatusCode::BAD_REQUEST, "Bad Request: chat not found"),
            }
        }
        "getWebhookInfo" => {
            json!({"url": "", "has_custom_certificate": false, "pending_update_count": 0})
        }
        "createForumTopic" if state.topic_floods > 0 => {
            state.topic_floods -= 1;
            shared.called.send_replace(());
            let body = json!({
                "ok": false,
                "error_code": 429,
                "description": "Too Many Requests: retry after 1",
                "parameters": {"retry_after": 1},
            });
            return (StatusCode::TOO_MANY_REQUESTS, Json(body));
        }
        "createForumTopic" if state.not_forums.contains(&chat_of(&params)) => {
            state.topic_refusals += 1;
            shared.called.send_replace(());
            return failure(
                StatusCode::BAD_REQUEST,
                "Bad Request: the chat is not a forum",
            );
        }
        // Telegram numbers a topic by the message that opens it.
        "createForumTopic" => json!({
            "message_thread_id": state.message_id(),
            "name": params["name"],
            "icon_color": 0x6FB9F0,
        }),
        _ => json!(true),
    };
    let call = Call {
        method: method.to_string(),
        params,
        result: result.clone(),
        at,
    };
    state.feeds.retain(|feed| feed.send(call.clone()).is_ok());
    state.calls.push(call);
    shared.called.send_replace(());
    success(result)
}

/// A reply call on a bad day: hung, or a server error drawn from the seed.
async fn unreliable(shared: &Shared, params: &Value) -> Option<(StatusCode, Json<Value>)> {
    let hold = {
        let mut state = shared.lock();
        let faults = &mut state.faults;
        match faults.holds {
            0 => None,
            _ => {
                faults.holds -= 1;
                faults.errors += 1;
                Some(faults.hold)
            }
        }
    };
    if let Some(hold) = hold {
        tokio::time::sleep(hold).await;
        return Some(failure(StatusCode::GATEWAY_TIMEOUT, "Gateway Timeout"));
    }
    let mut state = shared.lock();
    let faults = &mut state.faults;
    if faults.error_rate == 0 {
        return None;
    }
    let chat = params["chat_id"].as_i64().unwrap_or_default();
    let n = faults.calls_per_chat.entry(chat).or_default();
    let fails = FakeBotApi::fails(faults.error_rate, faults.seed, chat, *n);
    *n += 1;
    if fails {
        faults.errors += 1;
        return Some(failure(
            StatusCode::INTERNAL_SERVER_ERROR,
            "Internal Server Error",
        ));
    }
    None
}

/// The next number of a seeded sequence (SplitMix64).
fn splitmix(state: u64) -> u64 {
    let mut z = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// What a proxy says when the server behind it is gone: HTML, not JSON.
fn bad_gateway() -> (StatusCode, Json<Value>) {
    // Json of a string is a JSON string, not an object: no `ok` field, as
    // unreadable to a client as the proxy's HTML page.
    (
        StatusCode::BAD_GATEWAY,
        Json(json!("<html>502 Bad Gateway</html>")),
    )
}

/// `sendMessage` on a bad day: slow, flooded, or blocked.
async fn misbehave(shared: &Shared, params: &Value) -> Option<(StatusCode, Json<Value>)> {
    let delay = shared.lock().faults.delay;
    if !delay.is_zero() {
        tokio::time::sleep(delay).await;
    }
    let chat = params["chat_id"].as_i64().unwrap_or_default();
    let mut state = shared.lock();
    let faults = &mut state.faults;
    if faults.blocked.contains(&chat) {
        faults.refused += 1;
        return Some(failure(
            StatusCode::FORBIDDEN,
            "Forbidden: bot was blocked by the user",
        ));
    }
    if faults.enforce && faults.over_limit(chat) {
        faults.floods += 1;
        faults.too_fast.push((chat, std::time::Instant::now()));
    }
    if faults.floods > 0 {
        faults.floods -= 1;
        faults.refused += 1;
        let body = json!({
            "ok": false,
            "error_code": 429,
            "description": format!("Too Many Requests: retry after {}", faults.retry_after),
            "parameters": {"retry_after": faults.retry_after},
        });
        return Some((StatusCode::TOO_MANY_REQUESTS, Json(body)));
    }
    None
}

impl Faults {
    /// Would one more message to `chat` now break Telegram's limits? If not,
    /// it is counted as accepted.
    fn over_limit(&mut self, chat: i64) -> bool {
        let now = std::time::Instant::now();
        let second = Duration::from_secs(1);
        self.accepted
            .retain(|(_, at)| now.duration_since(*at) < second);
        let to_chat = self.accepted.iter().filter(|(c, _)| *c == chat).count();
        if self.accepted.len() >= 30 || to_chat >= 1 {
            self.retry_after = 1;
            return true;
        }
        self.accepted.push((chat, now));
        false
    }
}

/// `getUpdates`: confirms what is below `offset`, then answers with what is
/// queued, holding the request up to `timeout` seconds while nothing is.
async fn updates(shared: &Shared, params: &Value) -> Value {
    let offset = params["offset"].as_i64().unwrap_or(0);
    let limit = params["limit"].as_u64().unwrap_or(100) as usize;
    let timeout = Duration::from_secs(params["timeout"].as_u64().unwrap_or(0));
    let deadline = tokio::time::Instant::now() + timeout;
    let mut queued = shared.queued.subscribe();
    loop {
        queued.borrow_and_update();
        {
            let mut state = shared.lock();
            state
                .updates
                .retain(|u| u["update_id"].as_i64().unwrap_or_default() >= offset);
            if state.faults.down {
                return json!([]);
            }
            if !state.updates.is_empty() {
                return json!(state.updates.iter().take(limit).collect::<Vec<_>>());
            }
        }
        if tokio::time::timeout_at(deadline, queued.changed())
            .await
            .is_err()
        {
            return json!([]);
        }
    }
}

/// A call's parameters: a JSON body, or the fields of a multipart form
/// (for methods that upload a file, such as `sendDocument`): objects and
/// ids read as JSON, as the Bot API reads them, and a file as
/// `{filename, mime, content}`.
fn params(headers: &HeaderMap, body: &[u8]) -> Value {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    match content_type.split_once("boundary=") {
        Some((_, boundary)) => form_fields(&String::from_utf8_lossy(body), boundary),
        None => serde_json::from_slice(body).unwrap_or_else(|_| json!({})),
    }
}

fn form_fields(body: &str, boundary: &str) -> Value {
    let mut fields = serde_json::Map::new();
    for part in body.split(&format!("--{boundary}")) {
        let Some((head, value)) = part.split_once("\r\n\r\n") else {
            continue;
        };
        let name = head
            .split("name=\"")
            .nth(1)
            .and_then(|rest| rest.split('"').next());
        if let Some(name) = name {
            let value = value.strip_suffix("\r\n").unwrap_or(value);
            let filename = head
                .split("filename=\"")
                .nth(1)
                .and_then(|rest| rest.split('"').next());
            let mime = head
                .lines()
                .find_map(|line| line.strip_prefix("content-type: "))
                .or_else(|| {
                    head.lines()
                        .find_map(|line| line.strip_prefix("Content-Type: "))
                });
            let value = match filename {
                Some(filename) => json!({"filename": filename, "mime": mime, "content": value}),
                None => match serde_json::from_str::<Value>(value) {
                    Ok(parsed @ (Value::Object(_) | Value::Array(_))) => parsed,
                    Ok(id @ Value::Number(_)) if name.ends_with("_id") => id,
                    _ => json!(value),
                },
            };
            fields.insert(name.to_string(), value);
        }
    }
    // A file uploaded by reference (`photo: "attach://<part>"`), as
    // teloxide sends photos: the field reads as the part it names.
    let attached: Vec<(String, Value)> = fields
        .iter()
        .filter_map(|(name, value)| {
            let part = value.as_str()?.strip_prefix("attach://")?;
            Some((name.clone(), fields.get(part)?.clone()))
        })
        .collect();
    fields.extend(attached);
    Value::Object(fields)
}

fn success(result: Value) -> (StatusCode, Json<Value>) {
    (StatusCode::OK, Json(json!({"ok": true, "result": result})))
}

fn failure(status: StatusCode, description: &str) -> (StatusCode, Json<Value>) {
    let body = json!({"ok": false, "error_code": status.as_u16(), "description": description});
    (status, Json(body))
}

/// The chat a call names by id; 0 for one named by `@username`.
fn chat_of(params: &Value) -> i64 {
    params["chat_id"].as_i64().unwrap_or_default()
}

/// The (chat, message) an `editMessageText` call edits.
fn edited(params: &Value) -> (i64, i64) {
    let id = |key: &str| params[key].as_i64().unwrap_or_default();
    (id("chat_id"), id("message_id"))
}

fn sent(call: &Call) -> Sent {
    Sent {
        chat: call.params["chat_id"].as_i64().unwrap_or_default(),
        message_id: call.result["message_id"].as_i64().unwrap_or_default(),
        html: call.params["text"]
            .as_str()
            .or(call.params["caption"].as_str())
            .unwrap_or_default()
            .to_string(),
        params: call.params.clone(),
    }
}

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

fn command_length(text: &str) -> usize {
    text.encode_utf16()
        .take_while(|&unit| !char::from_u32(unit.into()).is_some_and(char::is_whitespace))
        .count()
}

fn user_json(user: &User) -> Value {
    let mut json = json!({"id": user.id, "is_bot": false, "first_name": user.first_name});
    if let Some(code) = user.language {
        json["language_code"] = json!(code);
    }
    json
}

fn bot_json() -> Value {
    json!({
        "id": BOT_ID,
        "is_bot": true,
        "first_name": "Herald",
        "username": BOT_USERNAME,
        "can_join_groups": true,
        "can_read_all_group_messages": false,
        "supports_inline_queries": false,
        "has_main_web_app": false,
    })
}

fn chat_json(id: i64) -> Value {
    match id {
        id if id < 0 => Chat::Group(id).json(),
        id => Chat::Private(id as u64).json(),
    }
}

fn member_json(user: u64, status: &str) -> Value {
    let mut member = json!({
        "user": {"id": user, "is_bot": false, "first_name": "Member"},
        "status": status,
        "is_anonymous": false,
    });
    if status == "administrator" {
        for right in [
            "can_be_edited",
            "can_manage_chat",
            "can_change_info",
            "can_delete_messages",
            "can_manage_video_chats",
            "can_invite_users",
            "can_restrict_members",
            "can_promote_members",
        ] {
            member[right] = json!(false);
        }
    }
    member
}
