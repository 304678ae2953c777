//! herald on Telegram: updates in, [`crate::commands`] answers out. This
//! module starts and stops the bot; [`handlers`] turns one update into a
//! reply, `announce` takes organizers' announcements, [`library`] keeps
//! the events current.
//!
//! The token lives only inside the [`Bot`]: it is never formatted into an
//! error or a log line (teloxide puts it in every request URL, so request
//! URLs are never logged either).

mod announce;
mod broadcast;
mod entities;
mod handlers;
mod library;
mod webhook;

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use teloxide::dispatching::{DefaultKey, Dispatcher};
use teloxide::error_handlers::ErrorHandler;
use teloxide::prelude::*;
use teloxide::types::BotCommand;
use teloxide::update_listeners::{Polling, UpdateListener};
use teloxide::{ApiError, RequestError};
use url::Url;

use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::clock::{Clock, SystemClock};
use crate::commands::COMMANDS;
use crate::config::Config;
use crate::events::Catalog;
use crate::lang::Lang;
use crate::schedule::runner::{Runner, HOLD};
use crate::store::{Delivered, NewAnnouncement, Store, StoreError};

pub use broadcast::{Limits, TelegramDelivery};
pub use library::{Library, Watch};

use handlers::Herald;

/// Where the Bot API is and who herald is there. Deliberately not `Debug`,
/// so the token cannot end up in a log by accident.
#[derive(Clone)]
pub struct BotApi {
    pub url: Url,
    pub token: String,
}

/// Telegram's own Bot API server.
const TELEGRAM: &str = "https://api.telegram.org";

/// How long one `getUpdates` waits for news. It must stay under teloxide's
/// 17 s HTTP timeout.
const POLL_TIMEOUT: Duration = Duration::from_secs(10);

/// After a stop is asked for, replies under way get this long to finish;
/// the whole stop then fits in 5 s.
const GRACE: Duration = Duration::from_secs(4);

type HeraldDispatcher = Dispatcher<Bot, RequestError, DefaultKey>;

/// Why herald could not run, worded for the organizer starting it.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error("TELOXIDE_TOKEN is not set: set it to the bot token @BotFather gave you")]
    MissingToken,
    #[error("Telegram rejected the bot token in TELOXIDE_TOKEN: check it with @BotFather")]
    RejectedToken,
    #[error("the Bot API address `{url}` is not usable: {problem}")]
    ApiUrl { url: String, problem: String },
    #[error("cannot talk to the Telegram Bot API: {0}")]
    Telegram(String),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("webhook: {0}")]
    Webhook(String),
}

impl RunError {
    /// 2 for what the organizer must fix before starting again (the token,
    /// an address), 1 for a failure while running.
    pub fn exit_code(&self) -> i32 {
        match self {
            RunError::MissingToken | RunError::RejectedToken | RunError::ApiUrl { .. } => 2,
            RunError::Telegram(_) | RunError::Store(_) | RunError::Webhook(_) => 1,
        }
    }

    /// A failed request, worded without the token: teloxide already
    /// redacts it from URLs, and any other mention is cut here as well.
    fn request(error: RequestError, token: &str) -> RunError {
        match error {
            RequestError::Api(ApiError::InvalidToken) => RunError::RejectedToken,
            error => RunError::Telegram(error.to_string().replace(token, "<token>")),
        }
    }
}

impl BotApi {
    /// The token from `TELOXIDE_TOKEN`; the address from `TELOXIDE_API_URL`,
    /// else `telegram.api_url`, else Telegram's own.
    pub fn from_env(config: &Config) -> Result<BotApi, RunError> {
        let var = |name| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
        let token = var("TELOXIDE_TOKEN").ok_or(RunError::MissingToken)?;
        let url = var("TELOXIDE_API_URL")
            .or_else(|| config.telegram.api_url.clone())
            .unwrap_or_else(|| TELEGRAM.to_string());
        Ok(BotApi {
            url: parse_api_url(&url)?,
            token: token.trim().to_string(),
        })
    }
}

/// teloxide appends `/bot<token>/<method>` to the address, so a trailing
/// slash would double up.
fn parse_api_url(url: &str) -> Result<Url, RunError> {
    let problem = |problem: String| RunError::ApiUrl {
        url: url.to_string(),
        problem,
    };
    let parsed =
        Url::parse(url.trim().trim_end_matches('/')).map_err(|e| problem(e.to_string()))?;
    match parsed.scheme() {
        "http" | "https" => Ok(parsed),
        scheme => Err(problem(format!("`{scheme}` is not http or https"))),
    }
}

/// `herald run`: serves until Ctrl-C or SIGTERM.
pub async fn run(config: Config) -> Result<(), RunError> {
    let api = BotApi::from_env(&config)?;
    serve(config, api, stop_signal()).await
}

/// `herald announce`: posts an announcement to every chat now, paced and
/// retried as the scheduler's posts are, and returns its id and what each
/// chat got. It is stored only once Telegram has taken the token, and
/// held while posting, so a bot on the same state file keeps off it.
pub async fn announce(
    config: Config,
    api: BotApi,
    store: Arc<Store>,
    announcement: NewAnnouncement,
) -> Result<(i64, Vec<Delivered>), RunError> {
    let bot = Bot::new(api.token.clone()).set_api_url(api.url);
    bot.get_me()
        .await
        .map_err(|e| RunError::request(e, &api.token))?;
    let now = SystemClock.now();
    let held = NewAnnouncement {
        held_until: Some(now + HOLD),
        due: Some(now),
        ..announcement
    };
    let id = store.add_announcement(&held, now)?;
    let (_pages, catalog) = watch::channel(Arc::new(Catalog::default()));
    let runner = Runner {
        deliver: TelegramDelivery::new(bot, Some(Limits::default())),
        clock: SystemClock,
        store,
        config,
        catalog,
    };
    Ok((id, runner.announce(id).await?))
}

/// Serves until `shutdown` completes, then stops taking updates, lets the
/// replies under way finish and closes the state file.
pub async fn serve(
    config: Config,
    api: BotApi,
    shutdown: impl Future<Output = ()> + Send,
) -> Result<(), RunError> {
    let bot = Bot::new(api.token.clone()).set_api_url(api.url);
    let me = bot
        .get_me()
        .await
        .map_err(|e| RunError::request(e, &api.token))?;
    let store = Arc::new(Store::open(&config.state)?);
    let library = Arc::new(Library::open(&config.events, config.site()));
    let _watch = library.watch().inspect_err(|error| {
        tracing::error!(
            %error,
            dir = %config.events.display(),
            "cannot watch the events folder; page changes need a restart"
        );
    });
    if let Err(error) = describe_commands(&bot).await {
        tracing::warn!(%error, "setMyCommands failed; the command menu may be out of date");
    }
    let (stop_scheduler, scheduler) = start_scheduler(&bot, &config, &store, &library);
    let herald = Arc::new(Herald {
        library,
        store: Arc::clone(&store),
        username: me.username().to_string(),
        tz: config.timezone,
        language: config.language,
        admins: config.telegram.admins.clone(),
        chats: config.telegram.chats.clone(),
    });
    let mut dispatcher = Dispatcher::builder(bot.clone(), handlers::schema())
        .dependencies(dptree::deps![Arc::clone(&herald)])
        .error_handler(Arc::new(LogError("handling an update failed")))
        .build();
    tracing::info!(bot = %me.username(), "herald is serving");
    let served = dispatch(&mut dispatcher, bot, &config, &api.token, shutdown).await;
    drop(dispatcher);
    stop(stop_scheduler, scheduler).await;
    drop(herald);
    close(store);
    tracing::info!("herald stopped");
    served
}

/// Receives updates by long polling, or by webhook where configured, until
/// `shutdown`.
async fn dispatch(
    dispatcher: &mut HeraldDispatcher,
    bot: Bot,
    config: &Config,
    token: &str,
    shutdown: impl Future<Output = ()>,
) -> Result<(), RunError> {
    let served = match &config.telegram.webhook {
        None => {
            let polling = Polling::builder(bot)
                .timeout(POLL_TIMEOUT)
                .delete_webhook()
                .await
                .build();
            listen(dispatcher, polling, shutdown).await
        }
        Some(options) => {
            let listener = webhook::listener(bot, options, token).await?;
            listen(dispatcher, listener, shutdown).await
        }
    };
    served.map_err(|e| RunError::request(e, token))
}

/// Dispatches the listener's updates until `shutdown`, then stops the
/// listener: the dispatcher returns once the handlers running have
/// finished, or herald stops waiting after [`GRACE`].
///
/// Stopping the listener rather than using teloxide's `ShutdownToken`: the
/// token's wake-up is lost when it comes while the dispatcher is busy with
/// an update, and the dispatcher then waits for the next update to notice.
async fn listen<L>(
    dispatcher: &mut HeraldDispatcher,
    mut listener: L,
    shutdown: impl Future<Output = ()>,
) -> Result<(), RequestError>
where
    L: UpdateListener + Send,
    L::Err: std::fmt::Display + std::fmt::Debug + Send + 'static,
{
    let stop = listener.stop_token();
    let errors = Arc::new(LogError("receiving updates failed; retrying"));
    let dispatching = dispatcher.try_dispatch_with_listener(listener, errors);
    tokio::pin!(dispatching);
    tokio::select! {
        done = &mut dispatching => return done,
        () = shutdown => {}
    }
    tracing::info!("stopping: finishing the replies under way");
    stop.stop();
    match tokio::time::timeout(GRACE, dispatching).await {
        Ok(done) => done,
        Err(_) => {
            tracing::warn!("replies still under way were abandoned to stop in time");
            Ok(())
        }
    }
}

/// The command menu in both languages: Chinese for Telegram clients set to
/// Chinese, English for everyone else.
async fn describe_commands(bot: &Bot) -> Result<(), RequestError> {
    for (code, lang) in [(None, Lang::En), (Some("zh"), Lang::Zh)] {
        let list = COMMANDS
            .iter()
            .map(|command| BotCommand::new(command.name, command.description(lang)));
        let mut request = bot.set_my_commands(list);
        if let Some(code) = code {
            request = request.language_code(code);
        }
        request.await?;
    }
    Ok(())
}

/// Ctrl-C or SIGTERM (what `docker stop` and systemd send). The handlers
/// are installed at once, so a signal during start-up is not lost.
#[cfg(unix)]
fn stop_signal() -> impl Future<Output = ()> + Send {
    use tokio::signal::unix::{signal, SignalKind};
    let signals = [SignalKind::interrupt(), SignalKind::terminate()].map(signal);
    async move {
        match signals {
            [Ok(mut interrupt), Ok(mut terminate)] => {
                tokio::select! {
                    _ = interrupt.recv() => {}
                    _ = terminate.recv() => {}
                }
            }
            _ => {
                tracing::warn!("cannot catch Ctrl-C and SIGTERM: they will end herald abruptly");
                std::future::pending().await
            }
        }
    }
}

#[cfg(not(unix))]
fn stop_signal() -> impl Future<Output = ()> + Send {
    async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending().await
        }
    }
}

/// The scheduler runs beside the dispatcher, on the same state file and
/// the same live catalog.
fn start_scheduler(
    bot: &Bot,
    config: &Config,
    store: &Arc<Store>,
    library: &Arc<Library>,
) -> (watch::Sender<bool>, JoinHandle<()>) {
    let (stop, stopped) = watch::channel(false);
    let runner = Runner {
        deliver: TelegramDelivery::new(bot.clone(), Some(Limits::default())),
        clock: SystemClock,
        store: Arc::clone(store),
        config: config.clone(),
        catalog: library.changes(),
    };
    let task = tokio::spawn(async move {
        if let Err(error) = runner.run(stopped).await {
            tracing::error!(%error, "the scheduler stopped: no more digests or reminders until a restart");
        }
    });
    (stop, task)
}

/// Lets the post under way finish, within the grace period.
async fn stop(stop: watch::Sender<bool>, scheduler: JoinHandle<()>) {
    let _ = stop.send(true);
    if tokio::time::timeout(GRACE, scheduler).await.is_err() {
        tracing::warn!("the scheduler was still posting and was stopped");
    }
}

/// Closes the state file once nothing else holds it.
fn close(store: Arc<Store>) {
    let Some(store) = Arc::into_inner(store) else {
        tracing::warn!("the state file is still in use; it closes on exit");
        return;
    };
    if let Err(error) = store.close() {
        tracing::error!(%error, "closing the state file failed");
    }
}

/// Logs an error with tracing (teloxide's own handler logs through `log`,
/// with less context).
struct LogError(&'static str);

impl<E: std::fmt::Display + Send + 'static> ErrorHandler<E> for LogError {
    fn handle_error(
        self: Arc<Self>,
        error: E,
    ) -> std::pin::Pin<Box<dyn Future<Output = ()> + Send>> {
        tracing::warn!(%error, "{}", self.0);
        Box::pin(async {})
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn api_addresses() {
        assert_eq!(
            parse_api_url("http://127.0.0.1:8081/").unwrap().as_str(),
            "http://127.0.0.1:8081/"
        );
        assert_eq!(
            parse_api_url("https://example.org/tba/").unwrap().as_str(),
            "https://example.org/tba"
        );
        assert!(parse_api_url("127.0.0.1:8081").is_err());
        assert!(parse_api_url("ftp://example.org").is_err());
    }

    #[test]
    fn token_problems_are_for_the_organizer_to_fix() {
        assert_eq!(RunError::MissingToken.exit_code(), 2);
        let rejected = RunError::request(RequestError::Api(ApiError::InvalidToken), "t");
        assert!(matches!(rejected, RunError::RejectedToken));
        assert_eq!(rejected.exit_code(), 2);
    }

    #[test]
    fn errors_never_show_the_token() {
        let token = "123:secret";
        let error = RequestError::Api(ApiError::Unknown(format!("no bot {token} here")));
        let message = RunError::request(error, token).to_string();
        assert!(!message.contains(token), "{message}");
    }
}
