//! `bot.toml`: everything an organizer sets, read once at start.
//!
//! This module is the only code that knows the file's layout. Reading takes
//! two steps: serde checks the shape (unknown keys are rejected, because a
//! typo in a config file should never be silently ignored), then each value is
//! checked and turned into its real type. Values keep their position through
//! the first step, so every error names the file, the key, the line and
//! column, and says what is expected instead.
//!
//! The bot token is deliberately not part of the file: it comes from the
//! environment (`TELOXIDE_TOKEN`), so the file can be committed and shared.

use std::collections::BTreeMap;
use std::fmt;
use std::fs;
use std::io;
use std::net::SocketAddr;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use chrono::NaiveTime;
use chrono_tz::Tz;
use cron::TimeUnitSpec;
use serde::Deserialize;
use toml::Spanned;

use crate::duration::HumanDuration;
use crate::lang::Lang;

pub mod communities;
mod keys;

/// The environment variable that overrides `state`.
pub const STATE_VAR: &str = "HERALD_STATE";

/// The environment variable that puts the state in PostgreSQL whatever
/// `state` says, so a deployment's secret stays out of `bot.toml`.
pub const DATABASE_VAR: &str = "HERALD_DATABASE_URL";

/// The ids herald's own documentation and shipped `bot.toml` give as
/// examples: a file still carrying one would hand announce rights to a
/// stranger, or post to a chat nobody chose.
const EXAMPLE_ADMIN: i64 = 123456789;
const EXAMPLE_CHAT: i64 = -1001234567890;

#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// How times are shown, and the zone of event dates written without an
    /// offset.
    pub timezone: Tz,
    /// The bot's own words where a user's Telegram language is unknown;
    /// also the site's default language, that of event pages without a
    /// language suffix, and of posts to chats whose language is unknown.
    pub language: Lang,
    /// The folder of event pages.
    pub events: PathBuf,
    /// The SQLite file holding subscriptions and what was sent, unless
    /// `database` is set.
    pub state: PathBuf,
    /// The PostgreSQL database holding all of the state instead
    /// (`state = "postgres://…"` or [`DATABASE_VAR`]).
    pub database: Option<DatabaseUrl>,
    /// `site_url`: the Hugo site's `baseURL`, against which relative links on
    /// the pages (`/talks/x/`, `../slides.pdf`) are made absolute; without
    /// it they are shown as text.
    pub site_url: Option<url::Url>,
    pub telegram: Telegram,
    pub schedule: Schedule,
    pub routes: Routes,
    /// `[posts]`: how every target is posted to, unless `chat` says
    /// otherwise for it.
    pub posts: Posts,
    /// `[chat."<target>"]`: each table's target and its `[posts]` with the
    /// table's keys set over it.
    pub chat: Vec<(ChatTarget, Posts)>,
    /// What herald works with but was probably not meant, for `herald check`.
    pub warnings: Vec<ConfigWarning>,
    pub http: Http,
}

/// The `[http]` section: where `herald run` serves `/healthz` and
/// `/metrics`. Off unless `listen` is set (webhook mode serves them on its
/// own listener as well).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Http {
    pub listen: Option<SocketAddr>,
    /// Where members reach that listener from outside (a reverse proxy's
    /// address), for the calendar feed links `/calendar` gives them.
    pub public_url: Option<url::Url>,
}

/// The `[telegram]` section.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Telegram {
    /// A self-hosted Bot API server; the `TELOXIDE_API_URL` environment
    /// variable wins over it.
    pub api_url: Option<String>,
    /// Telegram user ids allowed to `/announce`.
    pub admins: Vec<u64>,
    /// Chats and channels that always get agendas, reminders and
    /// announcements.
    pub chats: Vec<ChatTarget>,
    /// Set for webhook mode; `None` means long polling.
    pub webhook: Option<Webhook>,
}

/// Where a post goes: a chat, and in a forum supergroup perhaps one of its
/// topics. Its [`Display`](fmt::Display) (`-100…`, `@name`, `-100…/42`) is
/// its key in the state file, so a target without a topic keeps the key it
/// had before topics existed, and a topic is a target of its own: what it
/// was told, and its subscription, are apart from its chat's.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ChatTarget {
    pub chat: Chat,
    /// The forum topic's `message_thread_id`; `None` posts to the chat
    /// itself (a forum's General topic).
    pub topic: Option<i32>,
}

/// A chat, by id or by public name.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Chat {
    Id(i64),
    /// A public channel or group, always with its leading `@`, which is how
    /// the Bot API expects it as a `chat_id`.
    Username(String),
}

impl ChatTarget {
    /// The chat with this id, no topic.
    pub const fn id(id: i64) -> ChatTarget {
        ChatTarget {
            chat: Chat::Id(id),
            topic: None,
        }
    }

    /// The public chat `@name`, no topic.
    pub fn username(name: impl Into<String>) -> ChatTarget {
        Chat::Username(name.into()).into()
    }

    /// The same chat, in topic `topic`.
    pub fn in_topic(self, topic: Option<i32>) -> ChatTarget {
        ChatTarget { topic, ..self }
    }

    /// The numeric id, where the chat is named by one.
    pub fn chat_id(&self) -> Option<i64> {
        match self.chat {
            Chat::Id(id) => Some(id),
            Chat::Username(_) => None,
        }
    }
}

impl From<Chat> for ChatTarget {
    fn from(chat: Chat) -> ChatTarget {
        ChatTarget { chat, topic: None }
    }
}

/// The inverse of `Display`, for keys read back from the state file. A key
/// written by herald always reads back; anything else is taken as a name.
impl FromStr for ChatTarget {
    type Err = std::convert::Infallible;

    fn from_str(text: &str) -> Result<ChatTarget, Self::Err> {
        let (chat, topic) = match text.rsplit_once('/') {
            Some((chat, topic)) => match topic.parse() {
                Ok(topic) => (chat, Some(topic)),
                Err(_) => (text, None),
            },
            None => (text, None),
        };
        let chat = match chat.parse() {
            Ok(id) => Chat::Id(id),
            Err(_) => Chat::Username(chat.to_string()),
        };
        Ok(ChatTarget { chat, topic })
    }
}

/// The kinds of post `[routes]` may send to some of `chats` only.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Digest,
    /// Event and talk reminders.
    Reminders,
    Announcements,
}

/// `[routes]`: which of `chats` get which kind of post. A kind not named
/// goes to every one of them; chats that subscribed get every kind, as
/// they asked for herald's posts, not for some.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Routes {
    pub digest: Option<Vec<ChatTarget>>,
    pub reminders: Option<Vec<ChatTarget>>,
    pub announcements: Option<Vec<ChatTarget>>,
}

impl Routes {
    /// The targets `kind` is limited to, if it is.
    pub fn of(&self, kind: Kind) -> Option<&[ChatTarget]> {
        match kind {
            Kind::Digest => self.digest.as_deref(),
            Kind::Reminders => self.reminders.as_deref(),
            Kind::Announcements => self.announcements.as_deref(),
        }
    }
}

/// The `[posts]` keys, which a `[chat."<target>"]` table may set for one
/// target. A key is one field here, one in `RawPosts`, and one line in
/// `Source::posts`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Posts {
    pub quiet_hours: Option<QuietHours>,
    /// An event's first post goes out as its page bundle's poster, with
    /// the rest of the post as a reply to it.
    pub poster: bool,
    /// One pinned message per target, the next event's card, kept
    /// current by editing it in place.
    pub live_card: bool,
    /// Where an event's own posts go in a forum: a topic per event, or
    /// wherever the target is.
    pub topics: Topics,
    /// Kinds of post that always go out without a sound, quiet hours or
    /// not (a digest nobody needs to be woken for).
    pub silent: Vec<Kind>,
}

impl Default for Posts {
    fn default() -> Posts {
        Posts {
            quiet_hours: None,
            poster: true,
            live_card: false,
            topics: Topics::Off,
            silent: Vec::new(),
        }
    }
}

/// `[posts] topics`: whether an event's reminders and notices get a forum
/// topic of their own, so a forum reads as one thread per meetup.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Topics {
    /// Every post goes where its target is (the chat, or its topic).
    #[default]
    Off,
    /// herald opens a topic per upcoming event (`createForumTopic`) where
    /// it may, and posts that event's reminders and notices there.
    PerEvent,
}

impl fmt::Display for Topics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Topics::Off => "off",
            Topics::PerEvent => "per-event",
        })
    }
}

/// A daily stretch of wall-clock time in `timezone` when herald keeps
/// quiet: digests and announcements wait for its end, reminders go out
/// on time without a sound. It may wrap past midnight (`22:00-08:00`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QuietHours {
    pub start: NaiveTime,
    pub end: NaiveTime,
}

impl QuietHours {
    /// Whether `time` falls inside: from `start` up to, not at, `end`.
    pub fn contains(&self, time: NaiveTime) -> bool {
        match self.start < self.end {
            true => self.start <= time && time < self.end,
            false => time >= self.start || time < self.end,
        }
    }
}

impl fmt::Display for QuietHours {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}-{}",
            self.start.format("%H:%M"),
            self.end.format("%H:%M")
        )
    }
}

/// Where Telegram delivers updates in webhook mode.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Webhook {
    /// The public address Telegram posts updates to.
    pub url: String,
    /// The local address herald's server listens on.
    pub listen: SocketAddr,
}

/// The `[schedule]` section: what herald posts on its own, and when.
#[derive(Debug, Clone, PartialEq)]
pub struct Schedule {
    /// When to post the coming agenda, read in the configured time zone.
    pub digest: cron::Schedule,
    /// How many days ahead a digest looks.
    pub digest_days: u32,
    /// How long before each event starts to remind its chats.
    pub reminders: Vec<HumanDuration>,
    /// How long before each talk with a known start time to remind.
    pub talk_reminders: Vec<HumanDuration>,
    /// A post missed while the bot was down is still sent if at most this
    /// late; older ones are dropped as stale.
    pub catch_up: HumanDuration,
}

/// A config file that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The OS cause is part of the message rather than a `source`, so a
    /// report that prints the chain says it once.
    #[error("{}: cannot read the config file: {cause}{}", .file.display(), read_hint(.file, .cause))]
    Read { file: PathBuf, cause: io::Error },
    #[error("{}{message}", heading(.file, .position, .key))]
    Invalid {
        file: PathBuf,
        position: Option<Position>,
        /// The dotted key, such as `schedule.reminders[1]`, where known (a
        /// TOML syntax error may not be inside any key).
        key: Option<String>,
        /// What is wrong and what is expected.
        message: String,
    },
}

/// A value herald can work with that was probably not meant, such as a
/// reminder offset written twice. `herald check` prints it; nothing stops.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigWarning {
    pub file: PathBuf,
    pub position: Option<Position>,
    /// The dotted key, such as `schedule.reminders[1]`.
    pub key: String,
    pub message: String,
}

impl fmt::Display for ConfigWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if let Some(Position { line, column }) = self.position {
            write!(f, ":{line}:{column}")?;
        }
        write!(f, ": warning: {}: {}", self.key, self.message)
    }
}

/// A place in the file, both 1-based; the column counts characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

impl ConfigError {
    /// The key the error is about, for callers and tests that react to it.
    pub fn key(&self) -> Option<&str> {
        match self {
            ConfigError::Read { .. } => None,
            ConfigError::Invalid { key, .. } => key.as_deref(),
        }
    }
}

/// For a file that is not there, the command that writes one where it was
/// looked for.
fn read_hint(file: &Path, cause: &io::Error) -> String {
    if cause.kind() != io::ErrorKind::NotFound {
        return String::new();
    }
    match file.parent().filter(|dir| !dir.as_os_str().is_empty()) {
        Some(dir) if file.file_name().is_some_and(|name| name == "bot.toml") => {
            format!("; `herald init {}` writes one to start from", dir.display())
        }
        _ => "; `herald init` writes a bot.toml to start from".to_string(),
    }
}

/// `file:line:column: key: `, with the parts that are known.
fn heading(file: &Path, position: &Option<Position>, key: &Option<String>) -> String {
    let mut out = file.display().to_string();
    if let Some(Position { line, column }) = position {
        out += &format!(":{line}:{column}");
    }
    out += ": ";
    if let Some(key) = key {
        out += &format!("{key}: ");
    }
    out
}

impl Default for Config {
    /// The values of the example `bot.toml`, with no admins or chats. Paths
    /// are relative to the working directory.
    fn default() -> Self {
        Config {
            timezone: chrono_tz::Asia::Shanghai,
            language: Lang::Zh,
            events: PathBuf::from("events"),
            state: PathBuf::from("herald.db"),
            database: None,
            site_url: None,
            telegram: Telegram::default(),
            schedule: Schedule::default(),
            routes: Routes::default(),
            posts: Posts::default(),
            chat: Vec::new(),
            http: Http::default(),
            warnings: Vec::new(),
        }
    }
}

impl Default for Schedule {
    fn default() -> Self {
        const HOUR: u64 = 3600;
        const DAY: u64 = 24 * HOUR;
        Schedule {
            digest: "0 0 10 * * Mon"
                .parse()
                .expect("the default digest is valid cron"),
            digest_days: 14,
            reminders: [7 * DAY, DAY, 2 * HOUR]
                .map(HumanDuration::from_secs)
                .to_vec(),
            talk_reminders: vec![HumanDuration::from_secs(10 * 60)],
            catch_up: HumanDuration::from_secs(HOUR),
        }
    }
}

impl Config {
    /// Reads and checks the config file; the environment variable
    /// [`STATE_VAR`] wins over its `state`.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let src = fs::read_to_string(path).map_err(|cause| ConfigError::Read {
            file: path.to_path_buf(),
            cause,
        })?;
        let var = |name| std::env::var_os(name).filter(|value| !value.is_empty());
        let database = var(DATABASE_VAR).map(|url| DatabaseUrl(url.to_string_lossy().into_owned()));
        Ok(Config::parse(path, &src)?
            .with_state(var(STATE_VAR).map(PathBuf::from))
            .with_database(database))
    }

    /// The state put in PostgreSQL from outside the file
    /// (`HERALD_DATABASE_URL`), over whatever `state` says.
    pub fn with_database(self, database: Option<DatabaseUrl>) -> Config {
        match database {
            Some(database) => Config {
                database: Some(database),
                ..self
            },
            None => self,
        }
    }

    /// Where the state is, for logs and messages: the file, or the
    /// database without its password.
    pub fn state_name(&self) -> String {
        match &self.database {
            Some(database) => database.to_string(),
            None => self.state.display().to_string(),
        }
    }

    /// The state file set from outside the file (`HERALD_STATE`), as a
    /// container image does to put it on its volume whatever the mounted
    /// `bot.toml` says. A relative path is the shell's: relative to the
    /// working directory, not to the file.
    pub fn with_state(self, state: Option<PathBuf>) -> Config {
        match state {
            Some(state) => match DatabaseUrl::of(&state.to_string_lossy()) {
                Some(database) => self.with_database(Some(database)),
                None => Config { state, ..self },
            },
            None => self,
        }
    }

    /// Checks the text of a config file. `path` names the file in errors,
    /// and relative paths in the file are resolved against its directory.
    pub fn parse(path: &Path, src: &str) -> Result<Config, ConfigError> {
        let file = Source { path, text: src };
        let raw: RawConfig = toml::from_str(src).map_err(|error| file.toml_error(&error))?;
        let defaults = Config::default();
        let base = path.parent().unwrap_or(Path::new(""));
        let mut warnings = Vec::new();
        let telegram = file.telegram(raw.telegram)?;
        let routes = file.routes(raw.routes, &telegram.chats)?;
        let posts = file.posts("posts", raw.posts, &Posts::default())?;
        let chat = file.chat_tables(raw.chat, &posts, &telegram.chats, &mut warnings)?;
        file.shared_event_topics(&telegram.chats, &routes, &posts, &chat, &mut warnings);
        file.unknown_post_keys(&mut warnings)?;
        // A database's address is no path: `state` keeps the default file
        // (never the address, whose password must not be printed).
        let database = raw
            .state
            .as_ref()
            .and_then(|state| DatabaseUrl::of(state.get_ref()));
        let state = match database {
            Some(_) => None,
            None => file.optional("state", raw.state, path_value)?,
        };
        Ok(Config {
            timezone: file
                .optional("timezone", raw.timezone, timezone)?
                .unwrap_or(defaults.timezone),
            language: file
                .optional("language", raw.language, language)?
                .unwrap_or(defaults.language),
            events: base.join(
                file.optional("events", raw.events, path_value)?
                    .unwrap_or(defaults.events),
            ),
            database,
            state: base.join(state.unwrap_or(defaults.state)),
            site_url: file.optional("site_url", raw.site_url, site_url)?,
            schedule: file.schedule(raw.schedule, &mut warnings)?,
            telegram,
            routes,
            posts,
            chat,
            http: Http {
                listen: file.optional("http.listen", raw.http.listen, listen_address)?,
                public_url: file.optional("http.public_url", raw.http.public_url, site_url)?,
            },
            warnings,
        })
    }

    /// How the event pages are read: what every page of the site shares.
    pub fn site(&self) -> crate::events::load::Site {
        crate::events::load::Site {
            tz: self.timezone,
            lang: self.language,
            url: self.site_url.clone(),
        }
    }
}

/// A PostgreSQL address (`postgres://user:password@host/db`). It prints
/// (`Display` and `Debug`) without its password, so it may be logged and
/// named in errors; only [`DatabaseUrl::secret`] gives the whole of it, to
/// connect with.
#[derive(Clone, PartialEq, Eq)]
pub struct DatabaseUrl(String);

impl DatabaseUrl {
    /// `state` as a database, if it names one rather than a file.
    pub fn of(state: &str) -> Option<DatabaseUrl> {
        let state = state.trim();
        ["postgres://", "postgresql://"]
            .iter()
            .any(|scheme| state.starts_with(scheme))
            .then(|| DatabaseUrl(state.to_string()))
    }

    /// The address with its password: for connecting, never for printing.
    pub fn secret(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&redacted(&self.0))
    }
}

impl fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DatabaseUrl({self})")
    }
}

/// A database address without its password, wherever it is written: after
/// the user (`user:password@`) or as a parameter (`?password=`). What
/// cannot be read as an address is not shown at all.
pub fn redacted(url: &str) -> String {
    let Ok(mut parsed) = url::Url::parse(url) else {
        return "PostgreSQL".to_string();
    };
    let _ = parsed.set_password(None);
    let kept: Vec<(String, String)> = parsed
        .query_pairs()
        .filter(|(key, _)| !key.eq_ignore_ascii_case("password"))
        .map(|(key, value)| (key.into_owned(), value.into_owned()))
        .collect();
    if kept.is_empty() {
        parsed.set_query(None);
    } else {
        parsed.query_pairs_mut().clear().extend_pairs(kept);
    }
    parsed.to_string()
}

/// The file as serde sees it: every value keeps its span for messages.
#[derive(Deserialize, Default)]
#[serde(default, deny_unknown_fields, expecting = "a bot.toml file")]
struct RawConfig {
    timezone: Option<Spanned<String>>,
    language: Option<Spanned<String>>,
    events: Option<Spanned<String>>,
    state: Option<Spanned<String>>,
    site_url: Option<Spanned<String>>,
    telegram: RawTelegram,
    schedule: RawSchedule,
    http: RawHttp,
    routes: RawRoutes,
    posts: RawPosts,
    /// `[chat."<target>"]` tables.
    chat: BTreeMap<Spanned<String>, RawPosts>,
}

#[derive(Deserialize, Default)]
#[serde(default, deny_unknown_fields, expecting = "a [routes] table")]
struct RawRoutes {
    digest: Option<Spanned<toml::Value>>,
    reminders: Option<Spanned<toml::Value>>,
    announcements: Option<Spanned<toml::Value>>,
}

/// Unknown keys are let through here and found by their place in the file
/// instead (`Source::unknown_post_keys`): one in `[posts]` is an error as
/// anywhere else, one in a `[chat."…"]` table a warning, since such a
/// table may be written for a herald that knows more keys.
#[derive(Deserialize, Default)]
#[serde(default, expecting = "a table of [posts] keys")]
struct RawPosts {
    quiet_hours: Option<Spanned<String>>,
    poster: Option<Spanned<bool>>,
    live_card: Option<Spanned<bool>>,
    topics: Option<Spanned<String>>,
    silent: Option<Vec<Spanned<String>>>,
}

#[derive(Deserialize, Default)]
#[serde(default, deny_unknown_fields, expecting = "an [http] table")]
struct RawHttp {
    listen: Option<Spanned<String>>,
    public_url: Option<Spanned<String>>,
}

#[derive(Deserialize, Default)]
#[serde(default, deny_unknown_fields, expecting = "a [telegram] table")]
struct RawTelegram {
    api_url: Option<Spanned<String>>,
    admins: Vec<Spanned<i64>>,
    chats: Vec<Spanned<toml::Value>>,
    webhook_url: Option<Spanned<String>>,
    listen: Option<Spanned<String>>,
}

/// Lists are optional rather than defaulted: an empty list means "none",
/// a missing one means "the default".
#[derive(Deserialize, Default)]
#[serde(default, deny_unknown_fields, expecting = "a [schedule] table")]
struct RawSchedule {
    digest: Option<Spanned<String>>,
    digest_days: Option<Spanned<i64>>,
    reminders: Option<Vec<Spanned<String>>>,
    talk_reminders: Option<Vec<Spanned<String>>>,
    catch_up: Option<Spanned<String>>,
}

/// The file being checked, for locating errors.
struct Source<'a> {
    path: &'a Path,
    text: &'a str,
}

impl Source<'_> {
    fn error(
        &self,
        key: &str,
        span: Option<Range<usize>>,
        message: impl Into<String>,
    ) -> ConfigError {
        self.invalid(Some(key.to_string()), span, message.into())
    }

    fn invalid(
        &self,
        key: Option<String>,
        span: Option<Range<usize>>,
        message: String,
    ) -> ConfigError {
        ConfigError::Invalid {
            file: self.path.to_path_buf(),
            position: span.map(|span| self.position(span.start)),
            key,
            message,
        }
    }

    /// A syntax or shape error from toml and serde. They carry a span but no
    /// key, so the key is found from the span.
    fn toml_error(&self, error: &toml::de::Error) -> ConfigError {
        let span = error.span();
        let key = span
            .as_ref()
            .and_then(|span| keys::key_at(self.text, span.start));
        let message = match &key {
            Some(key) if key == "token" || key.ends_with(".token") => {
                "the bot token does not belong in this file: set the environment variable \
                 TELOXIDE_TOKEN instead, and remove this line"
                    .to_string()
            }
            // serde names Rust types; an organizer knows numbers.
            _ => error
                .message()
                .trim()
                .replace("expected i64", "expected a whole number"),
        };
        self.invalid(key, span, message)
    }

    fn position(&self, offset: usize) -> Position {
        let before = self.text.get(..offset).unwrap_or(self.text);
        Position {
            line: before.matches('\n').count() + 1,
            column: before.rsplit('\n').next().unwrap_or("").chars().count() + 1,
        }
    }

    /// Checks one value with `read`, blaming `key` at the value on failure.
    fn check<T, R>(
        &self,
        key: &str,
        value: Spanned<T>,
        read: impl FnOnce(T) -> Result<R, String>,
    ) -> Result<R, ConfigError> {
        let span = value.span();
        read(value.into_inner()).map_err(|message| self.error(key, Some(span), message))
    }

    fn optional<T, R>(
        &self,
        key: &str,
        value: Option<Spanned<T>>,
        read: impl FnOnce(T) -> Result<R, String>,
    ) -> Result<Option<R>, ConfigError> {
        value.map(|value| self.check(key, value, read)).transpose()
    }

    /// Checks each item, naming the failing one as `key[index]`.
    fn list<T, R>(
        &self,
        key: &str,
        values: Vec<Spanned<T>>,
        read: impl Fn(T) -> Result<R, String>,
    ) -> Result<Vec<R>, ConfigError> {
        values
            .into_iter()
            .enumerate()
            .map(|(index, value)| self.check(&format!("{key}[{index}]"), value, &read))
            .collect()
    }

    fn telegram(&self, raw: RawTelegram) -> Result<Telegram, ConfigError> {
        Ok(Telegram {
            api_url: self.optional("telegram.api_url", raw.api_url, web_address)?,
            admins: self.list("telegram.admins", raw.admins, user_id)?,
            chats: self.list("telegram.chats", raw.chats, chat_target)?,
            webhook: self.webhook(raw.webhook_url, raw.listen)?,
        })
    }

    /// Webhook mode needs both its keys; one alone is a half-done setup.
    fn webhook(
        &self,
        url: Option<Spanned<String>>,
        listen: Option<Spanned<String>>,
    ) -> Result<Option<Webhook>, ConfigError> {
        match (url, listen) {
            (None, None) => Ok(None),
            (Some(url), Some(listen)) => Ok(Some(Webhook {
                url: self.check("telegram.webhook_url", url, web_address)?,
                listen: self.check("telegram.listen", listen, listen_address)?,
            })),
            (Some(url), None) => Err(self.error(
                "telegram.webhook_url",
                Some(url.span()),
                "webhook mode also needs `listen`, the local address to serve on, such as \"0.0.0.0:8443\"",
            )),
            (None, Some(listen)) => Err(self.error(
                "telegram.listen",
                Some(listen.span()),
                "webhook mode also needs `webhook_url`, the public address Telegram posts to, \
                 such as \"https://bot.example.org/telegram\"",
            )),
        }
    }

    fn schedule(
        &self,
        raw: RawSchedule,
        warnings: &mut Vec<ConfigWarning>,
    ) -> Result<Schedule, ConfigError> {
        let defaults = Schedule::default();
        Ok(Schedule {
            digest: self
                .optional("schedule.digest", raw.digest, cron_schedule)?
                .unwrap_or(defaults.digest),
            digest_days: self
                .optional("schedule.digest_days", raw.digest_days, digest_days)?
                .unwrap_or(defaults.digest_days),
            reminders: raw
                .reminders
                .map(|list| self.offsets("schedule.reminders", list, warnings))
                .transpose()?
                .unwrap_or(defaults.reminders),
            talk_reminders: raw
                .talk_reminders
                .map(|list| self.offsets("schedule.talk_reminders", list, warnings))
                .transpose()?
                .unwrap_or(defaults.talk_reminders),
            catch_up: self
                .optional("schedule.catch_up", raw.catch_up, duration)?
                .unwrap_or(defaults.catch_up),
        })
    }
}

impl Source<'_> {
    /// `[routes]`: each a target or a list of them, every one of `chats`.
    fn routes(&self, raw: RawRoutes, chats: &[ChatTarget]) -> Result<Routes, ConfigError> {
        let route = |key: &str, value: Option<Spanned<toml::Value>>| {
            value
                .map(|value| self.route(&format!("routes.{key}"), value, chats))
                .transpose()
        };
        Ok(Routes {
            digest: route("digest", raw.digest)?,
            reminders: route("reminders", raw.reminders)?,
            announcements: route("announcements", raw.announcements)?,
        })
    }

    /// A route names targets of `chats` only: a route chooses among the
    /// chats herald posts to, so a target it alone named would be a chat
    /// nobody listed (most likely a typo of one that is).
    fn route(
        &self,
        key: &str,
        value: Spanned<toml::Value>,
        chats: &[ChatTarget],
    ) -> Result<Vec<ChatTarget>, ConfigError> {
        let span = value.span();
        let targets = match value.into_inner() {
            toml::Value::Array(items) => items
                .into_iter()
                .enumerate()
                .map(|(index, item)| {
                    chat_target(item).map_err(|message| (format!("{key}[{index}]"), message))
                })
                .collect::<Result<Vec<_>, _>>(),
            one => chat_target(one)
                .map(|target| vec![target])
                .map_err(|message| (key.to_string(), message)),
        }
        .map_err(|(key, message)| self.error(&key, Some(span.clone()), message))?;
        match targets.iter().find(|target| !chats.contains(target)) {
            Some(stray) => Err(self.error(
                key,
                Some(span),
                format!(
                    "\"{stray}\" is not one of [telegram] chats: a route sends a kind of post \
                     to some of them, so add it to chats (or fix the route to name one)"
                ),
            )),
            None => Ok(targets),
        }
    }

    /// `[posts]` keys, each over `base` where set: `[posts]` over the
    /// defaults, a `[chat."…"]` table over `[posts]`.
    fn posts(&self, table: &str, raw: RawPosts, base: &Posts) -> Result<Posts, ConfigError> {
        let key = |name: &str| format!("{table}.{name}");
        Ok(Posts {
            quiet_hours: match raw.quiet_hours {
                Some(value) => Some(self.check(&key("quiet_hours"), value, quiet_hours)?),
                None => base.quiet_hours,
            },
            poster: raw.poster.map_or(base.poster, Spanned::into_inner),
            live_card: raw.live_card.map_or(base.live_card, Spanned::into_inner),
            topics: match raw.topics {
                Some(value) => self.check(&key("topics"), value, topics)?,
                None => base.topics,
            },
            silent: match raw.silent {
                Some(values) => self.list(&key("silent"), values, post_kind)?,
                None => base.silent.clone(),
            },
        })
    }

    /// `[chat."<target>"]` tables: a target that is not a target is an
    /// error; one herald does not post to (not in `chats`) is a warning,
    /// since it may be a chat that subscribes.
    fn chat_tables(
        &self,
        tables: BTreeMap<Spanned<String>, RawPosts>,
        posts: &Posts,
        chats: &[ChatTarget],
        warnings: &mut Vec<ConfigWarning>,
    ) -> Result<Vec<(ChatTarget, Posts)>, ConfigError> {
        let mut out = Vec::new();
        for (name, raw) in tables {
            let span = name.span();
            let table = format!("chat.\"{}\"", name.get_ref());
            let target = self.check(&table, name, |name| target_text(name.trim()))?;
            if !chats.contains(&target) {
                warnings.push(self.warning(
                    &table,
                    span.start,
                    format!(
                        "\"{target}\" is not one of [telegram] chats: these settings apply \
                         only if it subscribes"
                    ),
                ));
            }
            out.push((target, self.posts(&table, raw, posts)?));
        }
        Ok(out)
    }

    /// Keys the `[posts]` tables do not have: an error in `[posts]`, a
    /// warning in a `[chat."…"]` table.
    fn unknown_post_keys(&self, warnings: &mut Vec<ConfigWarning>) -> Result<(), ConfigError> {
        for (start, key) in keys::keys(self.text) {
            let Some((table, name)) = key.rsplit_once('.') else {
                continue;
            };
            if POSTS_KEYS.contains(&name) || name.contains('[') {
                continue;
            }
            let message = format!(
                "unknown key `{name}`: the keys of [posts] are {}",
                POSTS_KEYS.join(", ")
            );
            if table == "posts" {
                return Err(self.error(&key, Some(start..start), message));
            }
            if table.starts_with("chat.") && !table["chat.".len()..].contains('.') {
                warnings.push(self.warning(&key, start, message));
            }
        }
        Ok(())
    }

    /// With a topic per event, an event's reminders go to one topic per
    /// chat: two targets of one chat that both take reminders would put
    /// each reminder in it twice (each target still gets its own post). A
    /// warning at the `topics` key that asks for it.
    fn shared_event_topics(
        &self,
        chats: &[ChatTarget],
        routes: &Routes,
        posts: &Posts,
        tables: &[(ChatTarget, Posts)],
        warnings: &mut Vec<ConfigWarning>,
    ) {
        let table = |target: &ChatTarget| tables.iter().find(|(t, _)| t == target);
        let per_event = |target: &&ChatTarget| {
            let settings = table(target).map_or(posts, |(_, posts)| posts);
            let reminded = routes.reminders.as_ref();
            settings.topics == Topics::PerEvent && reminded.is_none_or(|r| r.contains(target))
        };
        let mut by_chat: BTreeMap<&Chat, Vec<&ChatTarget>> = BTreeMap::new();
        for target in chats.iter().filter(per_event) {
            by_chat.entry(&target.chat).or_default().push(target);
        }
        let keys = keys::keys(self.text);
        for (chat, targets) in by_chat.into_iter().filter(|(_, t)| t.len() > 1) {
            let mut asked = targets
                .iter()
                .map(|target| format!("chat.{target}.topics"))
                .chain(["posts.topics".to_string()]);
            let Some((offset, key)) =
                asked.find_map(|key| keys.iter().find(|(_, k)| *k == key).cloned())
            else {
                continue;
            };
            let names: Vec<String> = targets.iter().map(|t| format!("\"{t}\"")).collect();
            warnings.push(self.warning(
                &key,
                offset,
                format!(
                    "{} all get reminders, and with topics = \"per-event\" they all go to the \
                     event's one topic in {chat}, which then shows each reminder {} times: \
                     route reminders to one of them ([routes] reminders), or set topics = \"off\" \
                     for the others in their [chat.\"…\"] tables",
                    names.join(", "),
                    targets.len()
                ),
            ));
        }
    }

    fn warning(&self, key: &str, offset: usize, message: String) -> ConfigWarning {
        ConfigWarning {
            file: self.path.to_path_buf(),
            position: Some(self.position(offset)),
            key: key.to_string(),
            message,
        }
    }

    /// Reminder offsets, each once: `"1h"` and `"60m"` are one reminder,
    /// kept at its first place, and the repeat is a warning naming its key.
    fn offsets(
        &self,
        key: &str,
        values: Vec<Spanned<String>>,
        warnings: &mut Vec<ConfigWarning>,
    ) -> Result<Vec<HumanDuration>, ConfigError> {
        let mut offsets: Vec<(HumanDuration, usize, String)> = Vec::new();
        for (index, value) in values.into_iter().enumerate() {
            let span = value.span();
            let written = value.get_ref().clone();
            let offset = self.check(&format!("{key}[{index}]"), value, reminder)?;
            match offsets.iter().find(|(known, ..)| *known == offset) {
                Some((_, first, first_written)) => warnings.push(ConfigWarning {
                    file: self.path.to_path_buf(),
                    position: Some(self.position(span.start)),
                    key: format!("{key}[{index}]"),
                    message: format!(
                        "\"{written}\" is the same lead time as \"{first_written}\" \
                         ({key}[{first}]): herald posts that reminder once; remove one of them"
                    ),
                }),
                None => offsets.push((offset, index, written)),
            }
        }
        Ok(offsets.into_iter().map(|(offset, ..)| offset).collect())
    }
}

/// The keys of `RawPosts`, for naming the unknown ones.
const POSTS_KEYS: &[&str] = &["quiet_hours", "poster", "live_card", "topics", "silent"];

/// A kind of post, by the name `[routes]` gives it.
fn post_kind(name: String) -> Result<Kind, String> {
    match name.trim() {
        "digest" => Ok(Kind::Digest),
        "reminders" => Ok(Kind::Reminders),
        "announcements" => Ok(Kind::Announcements),
        _ => Err(format!(
            "\"{name}\" is not a kind of post: write \"digest\", \"reminders\" (event and \
             talk reminders) or \"announcements\""
        )),
    }
}

/// `"per-event"` or `"off"`.
fn topics(text: String) -> Result<Topics, String> {
    match text.trim() {
        "per-event" => Ok(Topics::PerEvent),
        "off" => Ok(Topics::Off),
        _ => Err(format!(
            "\"{text}\" is not a way to use forum topics: write \"per-event\" (a topic per \
             upcoming event, for its reminders and notices) or \"off\""
        )),
    }
}

/// `"22:00-08:00"`: two times of day, which may wrap past midnight.
fn quiet_hours(text: String) -> Result<QuietHours, String> {
    let expected = "write from-to as two times of day in `timezone`, such as \"22:00-08:00\" \
                    (it may wrap past midnight)";
    let time = |part: &str| NaiveTime::parse_from_str(part.trim(), "%H:%M").ok();
    let Some((start, end)) = text.split_once('-') else {
        return Err(format!("\"{text}\" is not quiet hours: {expected}"));
    };
    match (time(start), time(end)) {
        (Some(start), Some(end)) if start != end => Ok(QuietHours { start, end }),
        (Some(_), Some(_)) => Err(format!(
            "\"{text}\" starts and ends at the same time, so it is never or always quiet: \
             {expected}, or leave quiet_hours out"
        )),
        _ => Err(format!("\"{text}\" is not quiet hours: {expected}")),
    }
}

fn timezone(name: String) -> Result<Tz, String> {
    name.parse().map_err(|_| {
        format!("unknown time zone \"{name}\" — use an IANA name such as \"Asia/Shanghai\"")
    })
}

fn language(code: String) -> Result<Lang, String> {
    code.parse()
        .map_err(|error: crate::lang::UnknownLang| error.to_string())
}

fn path_value(path: String) -> Result<PathBuf, String> {
    if path.trim().is_empty() {
        return Err(
            "the path is empty: give one relative to this file, or an absolute one".to_string(),
        );
    }
    Ok(PathBuf::from(path))
}

fn web_address(url: String) -> Result<String, String> {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"));
    match rest {
        Some(rest) if !rest.is_empty() && !rest.starts_with('/') && !url.contains(char::is_whitespace) => Ok(url),
        _ => Err(format!(
            "\"{url}\" is not a web address: it must start with https:// (or http://) and a host name"
        )),
    }
}

/// The site's address, which relative links are joined to: so a path
/// after the host counts (`https://example.org/community/`), and a missing
/// closing slash is added, as Hugo's `baseURL` means a folder.
pub(crate) fn site_url(address: String) -> Result<url::Url, String> {
    let web = web_address(address.clone())?;
    let mut url = url::Url::parse(&web)
        .ok()
        .filter(|url| url.host_str().is_some_and(|host| !host.is_empty()))
        .ok_or_else(|| format!("\"{address}\" is not a web address: give the site's baseURL, such as \"https://example.org/\""))?;
    if url.query().is_some() || url.fragment().is_some() {
        return Err(format!(
            "\"{address}\" has a query or fragment; give the site's baseURL, such as \"https://example.org/\""
        ));
    }
    if !url.path().ends_with('/') {
        let path = format!("{}/", url.path());
        url.set_path(&path);
    }
    Ok(url)
}

fn listen_address(address: String) -> Result<SocketAddr, String> {
    address
        .parse()
        .map_err(|_| format!("\"{address}\" is not an address to listen on: give an IP and a port, such as \"0.0.0.0:8443\""))
}

fn user_id(id: i64) -> Result<u64, String> {
    if id == EXAMPLE_ADMIN {
        return Err(format!(
            "{id} is the example id from herald's documentation, not an admin of yours: \
             put your own Telegram user id (@userinfobot tells you yours), or leave admins = []"
        ));
    }
    u64::try_from(id).ok().filter(|&id| id > 0).ok_or_else(|| {
        format!("{id} is not a Telegram user id: user ids are positive (negative ids are groups and channels, which go in `chats`)")
    })
}

const CHAT_EXPECTED: &str = "a chat id (a group or channel's is negative), or a channel username \
     such as \"@rustlang\", with a forum topic after a / where posts go to one (\"-100…/42\")";

fn chat_target(value: toml::Value) -> Result<ChatTarget, String> {
    match value {
        toml::Value::Integer(id) => chat_id(id).map(ChatTarget::from),
        toml::Value::String(text) => target_text(text.trim()),
        other => Err(format!(
            "expected {CHAT_EXPECTED}, found a {}",
            other.type_str()
        )),
    }
}

/// `chat` or `chat/topic`.
fn target_text(text: &str) -> Result<ChatTarget, String> {
    let Some((chat, topic)) = text.split_once('/') else {
        return chat_text(text).map(ChatTarget::from);
    };
    let chat = chat_text(chat.trim())?;
    let topic = topic.trim();
    match topic.parse::<i32>() {
        Ok(topic) if topic > 1 => Ok(ChatTarget::from(chat).in_topic(Some(topic))),
        _ => Err(format!(
            "\"{topic}\" in \"{text}\" is not a forum topic: after the / comes the topic's \
             message_thread_id, a whole number above 1 (the number after the chat in a link \
             to a message in the topic, t.me/c/…/42/…); the General topic is the chat itself, \
             so leave out the /"
        )),
    }
}

fn chat_id(id: i64) -> Result<Chat, String> {
    match id {
        0 => Err(format!("0 is not a chat id: expected {CHAT_EXPECTED}")),
        EXAMPLE_CHAT => Err(format!(
            "{id} is the example chat id from herald's documentation, not a chat of yours: \
             put your own (forward a message from the chat to @userinfobot, or add the bot and \
             read its getUpdates), or leave chats = []"
        )),
        id => Ok(Chat::Id(id)),
    }
}

/// A numeric id (even quoted), or a username with its `@`. A bare name is
/// refused rather than guessed at: `"rustlang"` may be a typo'd id or a
/// title, and the Bot API only takes `@rustlang`.
fn chat_text(text: &str) -> Result<Chat, String> {
    if let Ok(id) = text.parse() {
        return chat_id(id);
    }
    let (at, name) = match text.strip_prefix('@') {
        Some(name) => (true, name),
        None => (false, text),
    };
    let valid = (5..=32).contains(&name.len())
        && name.starts_with(|c: char| c.is_ascii_alphabetic())
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    match (valid, at) {
        (true, true) => Ok(Chat::Username(text.to_string())),
        (true, false) => Err(format!(
            "\"{text}\" is not a chat: a public chat or channel is named with its @, so \
             write \"@{text}\"; a private group needs its numeric id"
        )),
        (false, _) => Err(format!(
            "\"{text}\" is not a channel username: it must be 5 to 32 letters, digits or \
             underscores, starting with a letter, such as \"@rustlang\""
        )),
    }
}

impl fmt::Display for Chat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Chat::Id(id) => write!(f, "{id}"),
            Chat::Username(name) => f.write_str(name),
        }
    }
}

impl fmt::Display for ChatTarget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.chat)?;
        match self.topic {
            Some(topic) => write!(f, "/{topic}"),
            None => Ok(()),
        }
    }
}

fn cron_schedule(expression: String) -> Result<cron::Schedule, String> {
    let example = "such as \"0 0 10 * * Mon\" for Mondays at 10:00";
    let schedule = cron::Schedule::from_str(&expression).map_err(|_| {
        let hint = match expression.split_whitespace().count() {
            5 => " (this has five: herald's cron starts with seconds, so put a 0 in front)",
            _ => "",
        };
        format!(
            "\"{expression}\" is not a cron schedule: write six fields, sec min hour day month \
             weekday{hint}, {example}"
        )
    })?;
    if schedule.upcoming(chrono::Utc).next().is_none() {
        return Err(format!("\"{expression}\" never happens: {example}"));
    }
    // Several seconds in the first field fire several times within one
    // minute; one second means at most once a minute.
    if schedule.seconds().count() > 1 {
        return Err(format!(
            "\"{expression}\" posts the digest more than once a minute: herald posts a \
             digest at most once a minute, so give one second in the first field, {example}"
        ));
    }
    Ok(schedule)
}

fn digest_days(days: i64) -> Result<u32, String> {
    u32::try_from(days)
        .ok()
        .filter(|days| (1..=366).contains(days))
        .ok_or_else(|| {
            format!("{days} is not a number of days to look ahead: expected 1 to 366, such as 14")
        })
}

fn duration(text: String) -> Result<HumanDuration, String> {
    text.parse()
        .map_err(|error: crate::duration::DurationError| error.to_string())
}

fn reminder(text: String) -> Result<HumanDuration, String> {
    let duration = duration(text)?;
    if duration.is_zero() {
        return Err(
            "a reminder 0 before the start is no reminder: give a lead time such as \"10m\""
                .to_string(),
        );
    }
    Ok(duration)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The example from the design, verbatim.
    const EXAMPLE: &str = r#"
timezone = "Asia/Shanghai"      # IANA zone: how times are shown; the zone of dates written without an offset
language = "zh"                 # "zh" or "en": the bot's own words; a user's Telegram language wins where known
events = "events"               # folder of event pages, relative to this file
state = "herald.db"             # SQLite file (subscriptions, what was sent), relative to this file

[telegram]
# the token comes from the environment variable TELOXIDE_TOKEN, never from this file
# api_url = "http://127.0.0.1:8081/"   # a self-hosted Bot API server; env TELOXIDE_API_URL wins
admins = [42]                   # Telegram user ids allowed to /announce
chats = [-1009876543210]        # chats and channels that always get agendas, reminders and announcements

[schedule]
digest = "0 0 10 * * Mon"       # cron (sec min hour day month weekday) in `timezone`: post the coming agenda
digest_days = 14                # how far ahead a digest looks
reminders = ["7d", "1d", "2h"]  # before each event starts
talk_reminders = ["10m"]        # before each talk whose start time is known
catch_up = "1h"                 # a post missed while the bot was down is still sent if at most this late
"#;

    fn parse(src: &str) -> Result<Config, ConfigError> {
        Config::parse(Path::new("/srv/herald/bot.toml"), src)
    }

    fn rejected(src: &str) -> ConfigError {
        parse(src).expect_err("the config should be rejected")
    }

    fn minutes(minutes: u64) -> HumanDuration {
        HumanDuration::from_secs(minutes * 60)
    }

    #[test]
    fn the_example_file_parses() {
        let config = parse(EXAMPLE).unwrap();
        let expected = Config {
            events: PathBuf::from("/srv/herald/events"),
            state: PathBuf::from("/srv/herald/herald.db"),
            telegram: Telegram {
                admins: vec![42],
                chats: vec![ChatTarget::id(-1009876543210)],
                ..Telegram::default()
            },
            ..Config::default()
        };
        assert_eq!(config, expected);
        assert_eq!(config.timezone, chrono_tz::Asia::Shanghai);
        assert_eq!(config.language, Lang::Zh);
        let schedule = &config.schedule;
        assert_eq!(schedule.digest.source(), "0 0 10 * * Mon");
        assert_eq!(schedule.digest_days, 14);
        assert_eq!(
            schedule.reminders,
            [minutes(7 * 24 * 60), minutes(24 * 60), minutes(120)]
        );
        assert_eq!(schedule.talk_reminders, [minutes(10)]);
        assert_eq!(schedule.catch_up, minutes(60));
    }

    #[test]
    fn the_shipped_bot_toml_is_valid() {
        let config = Config::parse(Path::new("bot.toml"), include_str!("../bot.toml")).unwrap();
        assert_eq!(config.events, PathBuf::from("events"));
        // Nobody's id: whoever runs it first chooses who may announce, and where.
        assert_eq!(config.telegram, Telegram::default());
    }

    #[test]
    fn missing_sections_and_keys_take_the_defaults() {
        assert_eq!(
            Config::parse(Path::new("bot.toml"), "").unwrap(),
            Config::default()
        );
        let config = parse("[schedule]\ndigest_days = 7\nreminders = []\n").unwrap();
        assert_eq!(config.schedule.digest_days, 7);
        assert!(config.schedule.reminders.is_empty());
        assert_eq!(
            config.schedule.talk_reminders,
            Schedule::default().talk_reminders
        );
        assert_eq!(config.telegram, Telegram::default());
    }

    #[test]
    fn the_public_url_is_a_web_address_like_the_site_url() {
        let config = parse("[http]\npublic_url = \"https://bot.example.org/herald\"\n").unwrap();
        assert_eq!(
            config.http.public_url.as_ref().map(|u| u.as_str()),
            Some("https://bot.example.org/herald/")
        );
        let error = parse("[http]\npublic_url = \"bot.example.org\"\n").unwrap_err();
        assert!(error.to_string().contains("http.public_url"), "{error}");
    }

    #[test]
    fn site_url_is_a_web_address_that_relative_links_join() {
        let site = |value: &str| parse(&format!("site_url = \"{value}\"\n"));
        assert_eq!(parse("").unwrap().site_url, None);
        let config = site("https://example.org/community").unwrap();
        // A closing slash is added: `baseURL` names a folder, and a link to
        // `/x` or `x` must not lose `community`.
        assert_eq!(
            config.site_url.as_ref().map(|u| u.as_str()),
            Some("https://example.org/community/")
        );
        assert_eq!(config.site().url, config.site_url);
        for bad in [
            "example.org",
            "ftp://example.org/",
            "https:///x",
            "https://example.org/?a=1",
        ] {
            let error = site(bad).unwrap_err();
            assert_eq!(error.key(), Some("site_url"), "{bad}: {error}");
            let text = error.to_string();
            assert!(
                text.starts_with("/srv/herald/bot.toml:1:12: site_url: ") && text.contains(bad),
                "{text}"
            );
        }
    }

    #[test]
    fn paths_are_relative_to_the_file() {
        let config = parse("events = \"../pages\"\nstate = \"/data/herald.db\"\n").unwrap();
        assert_eq!(config.events, PathBuf::from("/srv/herald/../pages"));
        assert_eq!(config.state, PathBuf::from("/data/herald.db"));
    }

    #[test]
    fn every_kind_of_error_names_its_key() {
        let cases = [
            ("timezone = \"Asia/Shangai\"", "timezone"),
            ("language = \"fr\"", "language"),
            ("state = \"\"", "state"),
            ("events = 5", "events"),
            ("colour = \"red\"", "colour"),
            ("[telegram]\ntokn = \"x\"", "telegram.tokn"),
            ("[telegram]\nadmins = [1, \"x\"]", "telegram.admins[1]"),
            ("[telegram]\nadmins = [-5]", "telegram.admins[0]"),
            ("[telegram]\nchats = [-100, \"@ab\"]", "telegram.chats[1]"),
            ("[telegram]\nchats = [true]", "telegram.chats[0]"),
            (
                "[telegram]\napi_url = \"localhost:8081\"",
                "telegram.api_url",
            ),
            (
                "[telegram]\nwebhook_url = \"ftp://x\"\nlisten = \"0.0.0.0:8443\"",
                "telegram.webhook_url",
            ),
            (
                "[telegram]\nwebhook_url = \"https://x.org/\"\nlisten = \"8443\"",
                "telegram.listen",
            ),
            (
                "[telegram]\nwebhook_url = \"https://x.org/\"",
                "telegram.webhook_url",
            ),
            ("[telegram]\nlisten = \"0.0.0.0:8443\"", "telegram.listen"),
            ("[schedule]\ndigest = \"garbage\"", "schedule.digest"),
            ("[schedule]\ndigest_days = 0", "schedule.digest_days"),
            (
                "[schedule]\ndigest_days = \"two weeks\"",
                "schedule.digest_days",
            ),
            ("[schedule]\ndigest = 2024-01-01", "schedule.digest"),
            (
                "[schedule]\nreminders = [\"1d\", \"7 days?\"]",
                "schedule.reminders[1]",
            ),
            ("[schedule]\nreminders = [\"0m\"]", "schedule.reminders[0]"),
            (
                "[schedule]\ntalk_reminders = [\"\"]",
                "schedule.talk_reminders[0]",
            ),
            ("[schedule]\ncatch_up = \"soon\"", "schedule.catch_up"),
            ("schedule = 3", "schedule"),
        ];
        for (src, key) in cases {
            let error = rejected(src);
            assert_eq!(error.key(), Some(key), "{src:?} gave {error}");
            assert!(error.to_string().contains(&format!(": {key}: ")), "{error}");
        }
    }

    #[test]
    fn errors_give_file_line_column_and_what_is_expected() {
        let error = rejected("language = \"en\"\ntimezone = \"Asia/Shangai\"\n");
        assert_eq!(
            error.to_string(),
            "/srv/herald/bot.toml:2:12: timezone: unknown time zone \"Asia/Shangai\" \
             — use an IANA name such as \"Asia/Shanghai\""
        );
        let error = rejected("[schedule]\nreminders = [\"1d\",\n  \"7 days?\"]\n");
        assert!(
            error
                .to_string()
                .starts_with("/srv/herald/bot.toml:3:3: schedule.reminders[1]: "),
            "{error}"
        );
        assert!(
            error.to_string().contains("use w (weeks), d (days)"),
            "{error}"
        );
    }

    #[test]
    fn syntax_errors_are_located() {
        let error = rejected("timezone = \"Asia/Shanghai\ndigest_days = 3\n");
        let ConfigError::Invalid { position, .. } = &error else {
            panic!("{error}")
        };
        assert_eq!(position.map(|p| p.line), Some(1), "{error}");
    }

    #[test]
    fn a_token_in_the_file_points_to_the_environment() {
        for src in ["token = \"123:abc\"", "[telegram]\ntoken = \"123:abc\""] {
            let error = rejected(src);
            assert!(
                error.key().is_some_and(|key| key.ends_with("token")),
                "{error}"
            );
            assert!(error.to_string().contains("TELOXIDE_TOKEN"), "{error}");
        }
    }

    #[test]
    fn chats_take_ids_and_usernames() {
        let config = parse("[telegram]\nchats = [-100123, \"@rust_zh\", \"-42\"]").unwrap();
        assert_eq!(
            config.telegram.chats,
            [
                ChatTarget::id(-100123),
                ChatTarget::username("@rust_zh"),
                ChatTarget::id(-42),
            ]
        );
        assert_eq!(config.telegram.chats[1].to_string(), "@rust_zh");
        assert_eq!(config.telegram.chats[0].to_string(), "-100123");
    }

    #[test]
    fn a_target_may_name_a_forum_topic() {
        let config =
            parse("[telegram]\nchats = [-100123, \"-100123/42\", \"@community/7\"]").unwrap();
        assert_eq!(
            config.telegram.chats,
            [
                ChatTarget::id(-100123),
                ChatTarget::id(-100123).in_topic(Some(42)),
                ChatTarget::username("@community").in_topic(Some(7)),
            ]
        );
        let keys: Vec<String> = config
            .telegram
            .chats
            .iter()
            .map(|c| c.to_string())
            .collect();
        // A target without a topic keeps the key state files already hold.
        assert_eq!(keys, ["-100123", "-100123/42", "@community/7"]);
        for key in keys {
            assert_eq!(key.parse::<ChatTarget>().unwrap().to_string(), key);
        }
    }

    #[test]
    fn a_bad_topic_is_refused_where_it_stands() {
        for (target, says) in [
            ("-100123/x", "\"x\" in \"-100123/x\" is not a forum topic"),
            ("-100123/1", "the General topic is the chat itself"),
            ("-100123/", "is not a forum topic"),
            ("@ab/3", "\"@ab\" is not a channel username"),
            ("rustlang/3", "write \"@rustlang\""),
        ] {
            let error = rejected(&format!("[telegram]\nchats = [-100,\n  \"{target}\"]\n"));
            let text = error.to_string();
            assert!(
                text.starts_with("/srv/herald/bot.toml:3:3: telegram.chats[1]: "),
                "{target}: {text}"
            );
            assert!(text.contains(says), "{target}: {text}");
        }
    }

    const TOPICS: &str = "[telegram]\nchats = [-100, \"-100/3\", \"@community/7\"]\n";

    #[test]
    fn routes_take_a_target_or_a_list_of_chats() {
        let config = parse(&format!(
            "{TOPICS}[routes]\ndigest = \"-100/3\"\nannouncements = [-100, \"@community/7\"]\n"
        ))
        .unwrap();
        let topic = |chat: ChatTarget, id| chat.in_topic(Some(id));
        assert_eq!(
            config.routes,
            Routes {
                digest: Some(vec![topic(ChatTarget::id(-100), 3)]),
                reminders: None,
                announcements: Some(vec![
                    ChatTarget::id(-100),
                    topic(ChatTarget::username("@community"), 7)
                ]),
            }
        );
    }

    #[test]
    fn a_route_to_a_chat_not_in_chats_is_refused_where_it_stands() {
        let error = rejected(&format!("{TOPICS}[routes]\nreminders = \"-100/5\"\n"));
        assert_eq!(
            error.to_string(),
            "/srv/herald/bot.toml:4:13: routes.reminders: \"-100/5\" is not one of [telegram] \
             chats: a route sends a kind of post to some of them, so add it to chats (or fix \
             the route to name one)"
        );
        let error = rejected(&format!("{TOPICS}[routes]\ndigest = [-100, \"x/3\"]\n"));
        assert_eq!(error.key(), Some("routes.digest[1]"), "{error}");
        let error = rejected(&format!("{TOPICS}[routes]\nnotices = -100\n"));
        assert_eq!(error.key(), Some("routes.notices"), "{error}");
    }

    #[test]
    fn quiet_hours_are_two_times_of_day() {
        let quiet = |value: &str| parse(&format!("[posts]\nquiet_hours = \"{value}\"\n"));
        let hours = quiet("22:00-08:00").unwrap().posts.quiet_hours.unwrap();
        assert_eq!(hours.to_string(), "22:00-08:00");
        let time = |text| NaiveTime::parse_from_str(text, "%H:%M").unwrap();
        assert!(hours.contains(time("23:59")) && hours.contains(time("07:59")));
        assert!(!hours.contains(time("08:00")) && !hours.contains(time("21:59")));
        for (bad, says) in [
            ("22:00", "is not quiet hours"),
            ("25:00-08:00", "is not quiet hours"),
            ("10pm-8am", "such as \"22:00-08:00\""),
            ("08:00-08:00", "never or always quiet"),
        ] {
            let error = quiet(bad).unwrap_err();
            let text = error.to_string();
            assert!(
                text.starts_with("/srv/herald/bot.toml:2:15: posts.quiet_hours: "),
                "{text}"
            );
            assert!(text.contains(says), "{bad}: {text}");
        }
    }

    #[test]
    fn a_chat_table_sets_posts_keys_for_one_target() {
        let config = parse(&format!(
            "{TOPICS}[posts]\nquiet_hours = \"22:00-08:00\"\n\
             [chat.\"-100/3\"]\nquiet_hours = \"23:00-07:00\"\n[chat.\"@community/7\"]\n"
        ))
        .unwrap();
        let hours = |target: &ChatTarget| {
            let table = config.chat.iter().find(|(chat, _)| chat == target);
            let posts = table.map_or(&config.posts, |(_, posts)| posts);
            posts.quiet_hours.map(|q| q.to_string())
        };
        let topic = ChatTarget::id(-100).in_topic(Some(3));
        assert_eq!(hours(&topic).as_deref(), Some("23:00-07:00"));
        assert_eq!(hours(&ChatTarget::id(-100)).as_deref(), Some("22:00-08:00"));
        let community = ChatTarget::username("@community").in_topic(Some(7));
        assert_eq!(
            hours(&community).as_deref(),
            Some("22:00-08:00"),
            "a key the table leaves out is [posts]'"
        );
        assert!(config.warnings.is_empty(), "{:?}", config.warnings);
    }

    #[test]
    fn unknown_chat_targets_and_keys_are_warned_of() {
        let config = parse(&format!(
            "{TOPICS}[chat.\"-200\"]\nquiet_hours = \"23:00-07:00\"\n[chat.\"-100/3\"]\nlive_cards = true\n"
        ))
        .unwrap();
        let warnings: Vec<String> = config.warnings.iter().map(|w| w.to_string()).collect();
        assert_eq!(
            warnings,
            [
                "/srv/herald/bot.toml:3:7: warning: chat.\"-200\": \"-200\" is not one of \
                 [telegram] chats: these settings apply only if it subscribes",
                "/srv/herald/bot.toml:6:1: warning: chat.-100/3.live_cards: unknown key \
                 `live_cards`: the keys of [posts] are quiet_hours, poster, live_card, topics, silent",
            ]
        );
        let error = rejected("[posts]\nquite_hours = \"23:00-07:00\"\n");
        assert_eq!(
            error.to_string(),
            "/srv/herald/bot.toml:2:1: posts.quite_hours: unknown key `quite_hours`: the keys \
             of [posts] are quiet_hours, poster, live_card, topics, silent"
        );
        let error = rejected("[chat.\"nobody\"]\n");
        assert!(error.to_string().contains("write \"@nobody\""), "{error}");
    }

    #[test]
    fn a_chat_name_without_its_at_is_refused_with_the_fix() {
        let error = rejected("[telegram]\nchats = [-100123,\n  \"rustlang\"]\n");
        assert_eq!(
            error.to_string(),
            "/srv/herald/bot.toml:3:3: telegram.chats[1]: \"rustlang\" is not a chat: a public \
             chat or channel is named with its @, so write \"@rustlang\"; a private group needs \
             its numeric id"
        );
    }

    #[test]
    fn the_documented_example_ids_are_refused_where_they_stand() {
        let error = rejected("language = \"en\"\n[telegram]\nadmins = [42, 123456789]\n");
        let text = error.to_string();
        assert_eq!(error.key(), Some("telegram.admins[1]"), "{text}");
        assert!(
            text.starts_with(
                "/srv/herald/bot.toml:3:15: telegram.admins[1]: 123456789 is the example id"
            ),
            "{text}"
        );
        assert!(
            text.contains("@userinfobot") && text.contains("admins = []"),
            "{text}"
        );
        for chats in ["[-1001234567890]", "[\"-1001234567890\"]"] {
            let error = rejected(&format!("[telegram]\nchats = {chats}\n"));
            let text = error.to_string();
            assert!(
                text.starts_with("/srv/herald/bot.toml:2:10: telegram.chats[0]: -1001234567890 is the example chat id"),
                "{text}"
            );
            assert!(text.contains("chats = []"), "{text}");
        }
    }

    #[test]
    fn the_state_set_from_outside_wins_over_the_file() {
        let config = parse("state = \"herald.db\"\n").unwrap();
        assert_eq!(config.state, PathBuf::from("/srv/herald/herald.db"));
        let moved = config.clone().with_state(Some("/data/herald.db".into()));
        assert_eq!(moved.state, PathBuf::from("/data/herald.db"));
        assert_eq!(config.clone().with_state(None), config);
    }

    #[test]
    fn a_database_address_as_state_is_postgres_and_never_printed_with_its_password() {
        let config = parse("state = \"postgres://herald:s3cret@db.example/herald\"\n").unwrap();
        let database = config.database.clone().expect("a database");
        assert_eq!(
            database.secret(),
            "postgres://herald:s3cret@db.example/herald"
        );
        assert_eq!(database.to_string(), "postgres://herald@db.example/herald");
        let shown = format!("{config:?} {}", config.state_name());
        assert!(!shown.contains("s3cret"), "{shown}");
        assert_eq!(
            config.state,
            PathBuf::from("/srv/herald/herald.db"),
            "not a path"
        );
        assert!(parse("state = \"herald.db\"\n").unwrap().database.is_none());
    }

    #[test]
    fn the_database_set_from_outside_wins_over_a_state_file() {
        let config = parse("state = \"herald.db\"\n").unwrap();
        let url = DatabaseUrl::of("postgresql://herald@127.0.0.1/herald");
        let moved = config.clone().with_database(url.clone());
        assert_eq!(moved.database, url);
        assert_eq!(moved.state_name(), "postgresql://herald@127.0.0.1/herald");
        let by_state = config.with_state(Some("postgres://herald@db/herald".into()));
        assert!(by_state.database.is_some(), "HERALD_STATE may name one too");
    }

    #[test]
    fn a_password_given_as_a_parameter_is_redacted_too() {
        assert_eq!(
            redacted("postgres://herald@db/herald?password=s3cret&sslmode=disable"),
            "postgres://herald@db/herald?sslmode=disable"
        );
        assert_eq!(
            redacted("postgres://db/herald?PASSWORD=s3cret"),
            "postgres://db/herald"
        );
        assert_eq!(redacted("not a url s3cret"), "PostgreSQL");
    }

    #[test]
    fn webhook_takes_both_keys() {
        let config = parse(
            "[telegram]\nwebhook_url = \"https://bot.example.org/tg\"\nlisten = \"0.0.0.0:8443\"",
        )
        .unwrap();
        assert_eq!(
            config.telegram.webhook,
            Some(Webhook {
                url: "https://bot.example.org/tg".into(),
                listen: "0.0.0.0:8443".parse().unwrap(),
            })
        );
    }

    #[test]
    fn posters_are_on_unless_set_off_for_all_or_one_target() {
        assert!(parse("").unwrap().posts.poster);
        let config = parse(
            "[telegram]\nchats = [-1001]\n[posts]\nposter = false\n[chat.\"-1001\"]\nposter = true\n",
        )
        .unwrap();
        assert!(!config.posts.poster);
        assert!(config.chat[0].1.poster, "the chat's own table wins");
        let error = parse("[posts]\nposter = \"no\"\n").unwrap_err();
        assert_eq!(error.key(), Some("posts.poster"), "{error}");
    }

    #[test]
    fn the_live_card_is_off_unless_set_on_for_all_or_one_target() {
        assert!(!parse("").unwrap().posts.live_card);
        let config = parse(
            "[telegram]\nchats = [-1001, \"-1001/7\"]\n[chat.\"-1001/7\"]\nlive_card = true\n",
        )
        .unwrap();
        assert!(!config.posts.live_card);
        assert!(config.chat[0].1.live_card, "the topic's own table wins");
        let error = parse("[posts]\nlive_card = \"yes\"\n").unwrap_err();
        assert_eq!(error.key(), Some("posts.live_card"), "{error}");
    }

    #[test]
    fn a_topic_per_event_shared_by_two_reminded_targets_of_one_chat_is_a_warning() {
        let warnings = |src: &str| -> Vec<String> {
            let config = parse(src).unwrap();
            let warnings = config.warnings.iter().filter(|w| w.key.ends_with("topics"));
            warnings.map(ToString::to_string).collect()
        };
        let both = "[telegram]\nchats = [-100, \"-100/3\"]\n[posts]\ntopics = \"per-event\"\n";
        assert_eq!(
            warnings(both),
            [
                "/srv/herald/bot.toml:4:1: warning: posts.topics: \"-100\", \"-100/3\" all get \
              reminders, and with topics = \"per-event\" they all go to the event's one topic in \
              -100, which then shows each reminder 2 times: route reminders to one of them \
              ([routes] reminders), or set topics = \"off\" for the others in their \
              [chat.\"…\"] tables"
            ]
        );
        let routed = format!("{both}[routes]\nreminders = \"-100/3\"\n");
        assert_eq!(warnings(&routed), Vec::<String>::new());
        let one_off = format!("{both}[chat.\"-100\"]\ntopics = \"off\"\n");
        assert_eq!(warnings(&one_off), Vec::<String>::new());
        let apart = "[telegram]\nchats = [-100, -200]\n[posts]\ntopics = \"per-event\"\n";
        assert_eq!(warnings(apart), Vec::<String>::new());
    }

    #[test]
    fn silent_kinds_are_named_as_routes_name_them() {
        assert_eq!(parse("").unwrap().posts.silent, []);
        let config = parse(
            "[telegram]\nchats = [-1001]\n[posts]\nsilent = [\"digest\"]\n\
             [chat.\"-1001\"]\nsilent = [\"reminders\", \"announcements\"]\n",
        )
        .unwrap();
        assert_eq!(config.posts.silent, [Kind::Digest]);
        assert_eq!(
            config.chat[0].1.silent,
            [Kind::Reminders, Kind::Announcements]
        );
        let error = parse("[posts]\nsilent = [\"digest\", \"notices\"]\n").unwrap_err();
        assert_eq!(
            error.to_string(),
            "/srv/herald/bot.toml:2:21: posts.silent[1]: \"notices\" is not a kind of post: \
             write \"digest\", \"reminders\" (event and talk reminders) or \"announcements\""
        );
    }

    #[test]
    fn a_topic_per_event_is_off_unless_asked_for_all_or_one_target() {
        assert_eq!(parse("").unwrap().posts.topics, Topics::Off);
        let config = parse(
            "[telegram]\nchats = [-1001, -1002]\n[posts]\ntopics = \"per-event\"\n\
             [chat.\"-1002\"]\ntopics = \"off\"\n",
        )
        .unwrap();
        assert_eq!(config.posts.topics, Topics::PerEvent);
        assert_eq!(config.chat[0].1.topics, Topics::Off, "the chat's own wins");
        let error = parse("[posts]\ntopics = \"per-talk\"\n").unwrap_err();
        assert_eq!(
            error.to_string(),
            "/srv/herald/bot.toml:2:10: posts.topics: \"per-talk\" is not a way to use forum \
             topics: write \"per-event\" (a topic per upcoming event, for its reminders and \
             notices) or \"off\""
        );
        let error = parse("[chat.\"-1001\"]\ntopics = true\n").unwrap_err();
        assert!(error.to_string().contains("topics"), "{error}");
    }

    #[test]
    fn health_and_metrics_are_served_only_where_asked() {
        assert_eq!(parse("").unwrap().http.listen, None);
        let config = parse("[http]\nlisten = \"127.0.0.1:9090\"").unwrap();
        assert_eq!(config.http.listen, Some("127.0.0.1:9090".parse().unwrap()));
        let error = parse("[http]\nlisten = \"9090\"").unwrap_err();
        assert_eq!(error.key(), Some("http.listen"));
        assert!(
            error.to_string().contains("is not an address to listen on"),
            "{error}"
        );
    }

    #[test]
    fn cron_schedules_are_checked() {
        let digest = |cron: &str| parse(&format!("[schedule]\ndigest = \"{cron}\""));
        assert!(digest("0 0 10 * * Mon").is_ok());
        assert!(digest("0 30 9 * * Mon-Fri").is_ok());
        let five_fields = digest("0 10 * * Mon").unwrap_err();
        assert_eq!(five_fields.key(), Some("schedule.digest"));
        assert!(
            five_fields.to_string().contains("put a 0 in front"),
            "{five_fields}"
        );
        let never = digest("0 0 0 30 Feb *").unwrap_err();
        assert!(never.to_string().contains("never happens"), "{never}");
    }

    #[test]
    fn a_digest_more_than_once_a_minute_is_refused() {
        let digest = |cron: &str| parse(&format!("[schedule]\ndigest = \"{cron}\""));
        for cron in ["* * * * * *", "*/30 * * * * *", "0,30 0 10 * * Mon"] {
            let error = digest(cron).unwrap_err();
            assert_eq!(error.key(), Some("schedule.digest"), "{cron}: {error}");
            assert!(
                error.to_string().contains("more than once a minute"),
                "{cron}: {error}"
            );
        }
        assert!(digest("0 * * * * *").is_ok(), "once a minute is allowed");
    }

    #[test]
    fn a_reminder_offset_written_twice_is_kept_once_with_a_warning() {
        let config = parse(
            "[schedule]\nreminders = [\"1h\", \"1d\", \"60m\"]\ntalk_reminders = [\"10m\", \"10m\"]\n",
        )
        .unwrap();
        assert_eq!(
            config.schedule.reminders,
            [minutes(60), minutes(24 * 60)],
            "the first place is kept"
        );
        assert_eq!(config.schedule.talk_reminders, [minutes(10)]);
        let warnings: Vec<String> = config.warnings.iter().map(|w| w.to_string()).collect();
        assert_eq!(
            warnings,
            [
                "/srv/herald/bot.toml:2:26: warning: schedule.reminders[2]: \"60m\" is the same \
                 lead time as \"1h\" (schedule.reminders[0]): herald posts that reminder once; \
                 remove one of them",
                "/srv/herald/bot.toml:3:26: warning: schedule.talk_reminders[1]: \"10m\" is the \
                 same lead time as \"10m\" (schedule.talk_reminders[0]): herald posts that \
                 reminder once; remove one of them",
            ]
        );
        assert!(parse(EXAMPLE).unwrap().warnings.is_empty());
    }

    #[test]
    fn a_missing_file_is_a_clear_error() {
        let path = Path::new("/nonexistent/herald/bot.toml");
        let error = Config::load(path).unwrap_err();
        assert!(
            matches!(&error, ConfigError::Read { cause, .. } if cause.kind() == io::ErrorKind::NotFound)
        );
        assert_eq!(
            error.to_string(),
            "/nonexistent/herald/bot.toml: cannot read the config file: No such file or \
             directory (os error 2); `herald init /nonexistent/herald` writes one to start from"
        );
        // Said once, even where the whole chain is printed.
        assert_eq!(
            format!("{:#}", anyhow::Error::from(error))
                .matches("os error")
                .count(),
            1
        );
    }

    #[test]
    fn load_reads_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("bot.toml");
        fs::write(&path, "language = \"en\"\n").unwrap();
        let config = Config::load(&path).unwrap();
        assert_eq!(config.language, Lang::En);
        assert_eq!(config.events, dir.path().join("events"));
    }
}
