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
mod call;
mod card;
mod communities;
mod entities;
mod fair;
mod handlers;
mod inline;
mod library;
mod posters;
mod topics;
mod updates;
mod webhook;

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use teloxide::prelude::*;
use teloxide::types::BotCommand;
use teloxide::{ApiError, RequestError};
use url::Url;

use tokio::sync::watch;
use tokio::task::JoinHandle;
use tokio::time::Instant;

use crate::clock::{Clock, SystemClock};
use crate::commands::COMMANDS;
use crate::config::Config;
use crate::events::Catalog;
use crate::health::{Condition, Health};
use crate::lang::Lang;
use crate::schedule::runner::{Runner, HOLD};
use crate::store::{Backend, Delivered, Leader, LeaseError, NewAnnouncement, StoreError};

pub use broadcast::{Limits, TelegramDelivery};
pub use card::LiveCards;
pub use communities::{host, Shared};
pub use library::{Library, Watch};

use handlers::Herald;
use updates::Intake;

/// Where the Bot API is and who herald is there. Deliberately not `Debug`,
/// so the token cannot end up in a log by accident.
#[derive(Clone)]
pub struct BotApi {
    pub url: Url,
    pub token: String,
}

/// Telegram's own Bot API server.
const TELEGRAM: &str = "https://api.telegram.org";

/// After a stop is asked for, the replies under way, the scheduler's post
/// under way and the HTTP servers all get this long together to finish;
/// with the state file's close the whole stop fits in 5 s.
const GRACE: Duration = Duration::from_secs(3);

/// Why herald could not run, worded for the organizer starting it.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error("TELOXIDE_TOKEN is not set: set it to the bot token @BotFather gave you")]
    MissingToken,
    #[error("{0} is not set: set it to this community's bot token from @BotFather")]
    MissingCommunityToken(String),
    #[error("Telegram rejected the bot token in TELOXIDE_TOKEN: check it with @BotFather")]
    RejectedToken,
    #[error("the Bot API address `{url}` is not usable: {problem}")]
    ApiUrl { url: String, problem: String },
    #[error(
        "cannot reach the Bot API at {url}: {cause}; the address is TELOXIDE_API_URL, \
         else telegram.api_url, else Telegram's own"
    )]
    Unreachable { url: String, cause: String },
    #[error("cannot talk to the Telegram Bot API: {0}")]
    Telegram(String),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Leased(#[from] LeaseError),
    #[error("webhook: {0}")]
    Webhook(String),
    #[error(transparent)]
    Http(#[from] crate::http::ListenError),
    #[error("{0} (`events` in the config file, relative to it)")]
    Events(#[from] crate::events::load::FolderError),
}

impl RunError {
    /// 2 for what the organizer must fix before starting again (the token,
    /// an address), 1 for a failure while running.
    pub fn exit_code(&self) -> i32 {
        match self {
            RunError::MissingToken
            | RunError::MissingCommunityToken(_)
            | RunError::Events(_)
            | RunError::RejectedToken
            | RunError::ApiUrl { .. }
            | RunError::Unreachable { .. } => 2,
            RunError::Leased(LeaseError::Held { .. } | LeaseError::DatabaseHeld { .. }) => 2,
            RunError::Telegram(_)
            | RunError::Store(_)
            | RunError::Leased(_)
            | RunError::Webhook(_)
            | RunError::Http(_) => 1,
        }
    }

    /// A failed request, worded without the token: teloxide already
    /// redacts it from URLs, and any other mention is cut here as well.
    /// A request that never reached a server names the address herald was
    /// given (which holds no token) and why.
    fn request(error: RequestError, api: &BotApi) -> RunError {
        let hide = |text: String| text.replace(&api.token, "<token>");
        match error {
            RequestError::Api(ApiError::InvalidToken) => RunError::RejectedToken,
            RequestError::Network(error) => RunError::Unreachable {
                url: api.url.to_string(),
                cause: hide(unreachable_cause(
                    error.as_ref(),
                    api.url.scheme() == "https",
                )),
            },
            error => RunError::Telegram(hide(error.to_string())),
        }
    }
}

/// Why a request never got an answer, from the innermost error (the
/// operating system's words, said once), named by kind where the chain
/// tells: `connection refused`, a DNS failure, TLS. Over `https`, data
/// that makes no sense on a connection made is the TLS handshake failing
/// (a server speaking plain HTTP, say).
fn unreachable_cause(error: &(dyn std::error::Error + 'static), tls: bool) -> String {
    let chain: Vec<&(dyn std::error::Error + 'static)> =
        std::iter::successors(Some(error), |e| e.source()).collect();
    let innermost = chain.last().map_or_else(String::new, ToString::to_string);
    let said = |words: &[&str]| {
        chain.iter().any(|e| {
            let text = e.to_string().to_lowercase();
            words.iter().any(|word| text.contains(word))
        })
    };
    // An I/O error wrapping another hides it from `source()`: its kinds
    // are read inside out, and the first that says more than `Other` wins.
    let kind = chain
        .iter()
        .filter_map(|e| e.downcast_ref::<std::io::Error>())
        .flat_map(|io| {
            std::iter::successors(Some(io), |io| {
                io.get_ref()?.downcast_ref::<std::io::Error>()
            })
        })
        .map(std::io::Error::kind)
        .find(|kind| *kind != std::io::ErrorKind::Other);
    match kind {
        Some(std::io::ErrorKind::ConnectionRefused) => {
            "connection refused: nothing listens there".to_string()
        }
        Some(std::io::ErrorKind::TimedOut) => format!("no answer in time: {innermost}"),
        Some(std::io::ErrorKind::InvalidData) if tls => format!("TLS failed: {innermost}"),
        _ if said(&["dns error", "failed to lookup address"]) => {
            format!("DNS lookup failed: {innermost}")
        }
        _ if said(&["certificate", "tls", "handshake"]) => format!("TLS failed: {innermost}"),
        _ => innermost,
    }
}

impl BotApi {
    /// The token from `TELOXIDE_TOKEN`; the address from `TELOXIDE_API_URL`,
    /// else `telegram.api_url`, else Telegram's own.
    pub fn from_env(config: &Config) -> Result<BotApi, RunError> {
        let token = env_var("TELOXIDE_TOKEN").ok_or(RunError::MissingToken)?;
        let url = env_var("TELOXIDE_API_URL").or_else(|| config.telegram.api_url.clone());
        BotApi::at(url, &token)
    }

    /// A community's bot (`herald run --communities`): the token from
    /// `var`; the address from its own `telegram.api_url`, else
    /// `TELOXIDE_API_URL`, else Telegram's own, since one community may
    /// use a Bot API server of its own where the others do not.
    pub fn of_community(config: &Config, var: &str) -> Result<BotApi, RunError> {
        let token = env_var(var).ok_or_else(|| RunError::MissingCommunityToken(var.to_string()))?;
        let url = config
            .telegram
            .api_url
            .clone()
            .or_else(|| env_var("TELOXIDE_API_URL"));
        BotApi::at(url, &token)
    }

    fn at(url: Option<String>, token: &str) -> Result<BotApi, RunError> {
        let url = url.unwrap_or_else(|| TELEGRAM.to_string());
        Ok(BotApi {
            url: parse_api_url(&url)?,
            token: token.trim().to_string(),
        })
    }
}

/// An environment variable that is set to something.
fn env_var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
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

/// `herald run`: serves until Ctrl-C or SIGTERM, holding the lease on the
/// state (its file's lock, or the database's advisory lock) throughout.
/// With `standby`, waits for the lease while another `herald run` holds
/// it, and takes over when that one stops or dies.
///
/// On PostgreSQL with a webhook, every `herald run` is a replica: it
/// answers the updates a load balancer hands it at once, and only the
/// scheduler waits for the lease, so one replica posts (see [`Lead`]).
pub async fn run(config: Config, standby: bool) -> Result<(), RunError> {
    let api = BotApi::from_env(&config)?;
    let mut shutdown = Box::pin(stop_signal());
    let lead = if config.database.is_some() && config.telegram.webhook.is_some() {
        let contended = config.clone();
        Lead::Contended(Box::pin(async move { take_over(&contended).await }))
    } else if standby {
        tokio::select! {
            leader = take_over(&config) => Lead::Held(leader?),
            () = &mut shutdown => return Ok(()),
        }
    } else {
        Lead::Held(Leader::take(&config).await?)
    };
    serve_led(config, api, Health::default(), shutdown, Some(lead), None).await
}

/// Waits for the lease while another holds it, then lets a second pass
/// before posting: Telegram counts its limits over the last second, which
/// the herald that led may have used up, ending with a message in flight
/// to a chat this one is about to post to.
async fn take_over(config: &Config) -> Result<Leader, LeaseError> {
    let leader = Leader::wait(config).await?;
    tokio::time::sleep(Duration::from_secs(1)).await;
    Ok(leader)
}

/// A community's place on the listener `herald run --communities` serves:
/// its name in [`webhook::Hooks`] and the public address Telegram posts to.
struct Hosted {
    hooks: webhook::Hooks,
    name: String,
    url: Url,
}

/// The lease the scheduler runs under. A lease lost while posting (the
/// database connection holding it gone) stops the scheduler at once and
/// herald with exit status 1: another may lead by then, and two must
/// never post.
pub enum Lead {
    /// Taken before serving: one `herald run` per state.
    Held(Leader),
    /// Waited for while serving: a replica among others on one database.
    Contended(std::pin::Pin<Box<dyn Future<Output = Result<Leader, LeaseError>> + Send>>),
}

/// How often a PostgreSQL leader makes sure its lease's connection still
/// answers.
const LEASE_CHECK: Duration = Duration::from_secs(2);

/// `herald announce`: posts an announcement to every chat now, paced and
/// retried as the scheduler's posts are, and returns its id and what each
/// chat got. It is stored only once Telegram has taken the token, and
/// held while posting, so a bot on the same state file keeps off it.
pub async fn announce(
    config: Config,
    api: BotApi,
    store: Arc<dyn Backend>,
    announcement: NewAnnouncement,
) -> Result<(i64, Vec<Delivered>), RunError> {
    let bot = Bot::new(api.token.clone()).set_api_url(api.url.clone());
    bot.get_me().await.map_err(|e| RunError::request(e, &api))?;
    let now = SystemClock.now();
    let held = NewAnnouncement {
        held_until: Some(now + HOLD),
        due: Some(now),
        ..announcement
    };
    let id = card::blocking(&store, move |store| store.add_announcement(&held, now)).await?;
    let (_pages, catalog) = watch::channel(Arc::new(Catalog::default()));
    let deliver = TelegramDelivery::new(bot, Some(Limits::default()));
    let deliver = deliver.keeping_posters(Arc::clone(&store));
    let runner = Runner::on(deliver, SystemClock, store, config, catalog);
    Ok((id, runner.announce(id).await?))
}

/// Serves until `shutdown` completes, then stops taking updates, lets the
/// replies and the post under way finish (within [`GRACE`] in all) and
/// closes the state file. The update loop and the scheduler report how
/// they are on `health`, which `/healthz` serves.
pub async fn serve(
    config: Config,
    api: BotApi,
    health: Health,
    shutdown: impl Future<Output = ()> + Send,
) -> Result<(), RunError> {
    serve_led(config, api, health, shutdown, None, None).await
}

/// [`serve`] with the scheduler under `lead`; with none it schedules at
/// once, holding nothing (the tests' herald, alone on its state). With
/// `hosted`, updates come in by a webhook on a listener that serves many
/// communities, rather than as `config` says.
async fn serve_led(
    config: Config,
    api: BotApi,
    health: Health,
    shutdown: impl Future<Output = ()> + Send,
    lead: Option<Lead>,
    hosted: Option<Hosted>,
) -> Result<(), RunError> {
    let bot = Bot::new(api.token.clone()).set_api_url(api.url.clone());
    let me = bot.get_me().await.map_err(|e| RunError::request(e, &api))?;
    let store = crate::store::open_async(&config).await?;
    // Before the first load, whose page counts would go nowhere.
    crate::http::spawn_upkeep();
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
    let herald = Arc::new(Herald {
        library: Arc::clone(&library),
        store: Arc::clone(&store),
        username: me.username().to_string(),
        tz: config.timezone,
        language: config.language,
        admins: config.telegram.admins.clone(),
        chats: config.telegram.chats.clone(),
        rules: crate::schedule::Rules::new(&config, crate::config::ChatTarget::clone),
        site: crate::calendar::Site::of(&config),
        titles: std::sync::Mutex::new(card::blocking(&store, |store| store.titles()).await?),
        public_url: config.http.public_url.clone(),
        lead: crate::schedule::default_lead(&config.schedule.talk_reminders),
        poster: config.posts.poster,
    });
    let intake = Intake {
        herald,
        fair: Arc::default(),
        community: crate::community::current(),
    };
    let (stop_serving, stopping) = watch::channel(false);
    let mut servers = listen(
        &bot,
        &config,
        &intake,
        &health,
        &api,
        &stopping,
        hosted.as_ref(),
    )
    .await?;
    let scheduler = start_scheduler(&bot, &config, &store, &library, &health, lead);
    // A scheduler that gave up (its state file unusable too long) stops
    // herald, for a supervisor to restart it.
    let mut gave_up = scheduler.gave_up.clone();
    let shutdown = async move {
        tokio::select! {
            () = shutdown => {}
            _ = gave_up.wait_for(|gave_up| *gave_up) => {}
        }
    };
    let mut workers = updates::workers(&bot, &intake);
    let chats = card::blocking(&store, {
        let configured = config.telegram.chats.clone();
        move |store| store.targets(&configured)
    });
    let by_webhook = hosted.is_some() || config.telegram.webhook.is_some();
    started(&config, &me, &library, chats.await, by_webhook);

    let scheduled = {
        let polling = async {
            match (&config.telegram.webhook, &hosted) {
                (None, None) => updates::poll(&bot, &intake, &health, stopping.clone()).await,
                _ => drop(stopping.clone().wait_for(|stop| *stop).await),
            }
        };
        tokio::pin!(polling);
        tokio::select! {
            () = shutdown => {}
            () = &mut polling => {}
        }
        tracing::info!("stopping: finishing the replies and the post under way");
        let deadline = Instant::now() + GRACE;
        let _ = stop_serving.send(true);
        intake.fair.close();
        let finishing = async {
            polling.await;
            while workers.join_next().await.is_some() {}
            while servers.join_next().await.is_some() {}
        };
        let (finished, scheduled) = tokio::join!(
            tokio::time::timeout_at(deadline, finishing),
            stop(scheduler, deadline),
        );
        if finished.is_err() {
            tracing::warn!("replies still under way were abandoned to stop in time");
        }
        scheduled
    };
    workers.abort_all();
    servers.abort_all();
    if let Some(hosted) = &hosted {
        hosted.hooks.remove(&hosted.name);
    }
    drop(intake);
    close(store);
    tracing::info!("herald stopped");
    scheduled
}

/// The one line an operator reads to know what started: which herald,
/// what it serves and where it keeps its state (never the token).
fn started(
    config: &Config,
    me: &teloxide::types::Me,
    library: &Library,
    chats: Result<Vec<crate::config::ChatTarget>, StoreError>,
    by_webhook: bool,
) {
    let configured = config.telegram.chats.len();
    let chats = chats.map_or_else(
        |error| {
            tracing::warn!(%error, "cannot read the subscribed chats; counting the configured");
            configured
        },
        |chats| chats.len(),
    );
    let mode = if by_webhook { "webhook" } else { "polling" };
    tracing::info!(
        version = %env!("CARGO_PKG_VERSION"),
        bot = %me.username(),
        events = library.catalog().events().len(),
        broken = library.broken(),
        chats,
        mode = %mode,
        state = %config.state_name(),
        "herald is serving"
    );
}

/// Opens where updates and operators come in: the webhook (with `/healthz`
/// and `/metrics` beside it) where configured, and `[http] listen`. The
/// servers stop when `stopping` turns true.
async fn listen(
    bot: &Bot,
    config: &Config,
    intake: &Intake,
    health: &Health,
    api: &BotApi,
    stopping: &watch::Receiver<bool>,
    hosted: Option<&Hosted>,
) -> Result<tokio::task::JoinSet<()>, RunError> {
    let mut servers = tokio::task::JoinSet::new();
    let stop = || {
        let mut stopping = stopping.clone();
        async move {
            let _ = stopping.wait_for(|stop| *stop).await;
        }
    };
    let ops = config
        .http
        .listen
        .filter(|listen| config.telegram.webhook.as_ref().map(|w| w.listen) != Some(*listen));
    let herald = &intake.herald;
    let feed = crate::http::Feed {
        catalog: herald.library.changes(),
        store: Arc::clone(&herald.store),
        followed: Arc::clone(&herald.store) as Arc<dyn crate::store::Followed + Send + Sync>,
        site: herald.site.clone(),
        lang: herald.language,
    };
    let endpoints =
        || crate::http::router(health.clone()).merge(crate::http::calendar(feed.clone()));
    if let Some(listen) = ops {
        let socket = crate::http::bind(listen).await?;
        tracing::info!(%listen, "serving /healthz, /metrics and the calendar feeds");
        servers.spawn(crate::http::serve(socket, endpoints(), stop()));
    }
    if let Some(hosted) = hosted {
        // Open to updates before Telegram is told where to send them: it
        // starts at once.
        hosted
            .hooks
            .insert(&hosted.name, intake.clone(), &api.token);
        if let Err(error) = webhook::register(bot, &hosted.url, api).await {
            hosted.hooks.remove(&hosted.name);
            return Err(error);
        }
        health.updates(Condition::Alive);
        return Ok(servers);
    }
    match &config.telegram.webhook {
        None => {
            if let Err(error) = bot.delete_webhook().await {
                tracing::warn!(%error, "deleteWebhook failed; long polling may be refused");
            }
        }
        Some(options) => {
            let (socket, route) = webhook::listen(bot, options, intake.clone(), api).await?;
            let router = route.merge(endpoints());
            servers.spawn(crate::http::serve(socket, router, stop()));
            health.updates(Condition::Alive);
        }
    }
    Ok(servers)
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
pub fn stop_signal() -> impl Future<Output = ()> + Send {
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
pub fn stop_signal() -> impl Future<Output = ()> + Send {
    async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending().await
        }
    }
}

/// The scheduler beside the dispatcher: how to stop it, its task, and
/// whether it gave up.
struct Scheduler {
    stop: watch::Sender<bool>,
    task: JoinHandle<Result<(), RunError>>,
    gave_up: watch::Receiver<bool>,
}

/// The scheduler runs beside the dispatcher, on the same state file and
/// the same live catalog, once it leads under `lead`. It only ever ends by
/// a stop, by giving up on a state file unusable for longer than
/// `catch_up`, or by losing its lease.
fn start_scheduler(
    bot: &Bot,
    config: &Config,
    store: &Arc<dyn Backend>,
    library: &Arc<Library>,
    health: &Health,
    lead: Option<Lead>,
) -> Scheduler {
    let (stop, stopped) = watch::channel(false);
    let (gave_up, gave_up_seen) = watch::channel(false);
    let deliver = TelegramDelivery::new(bot.clone(), Some(Limits::default()))
        .keeping_posters(Arc::clone(store))
        .keeping_topics(Arc::clone(store));
    let mut runner = Runner::on(
        deliver,
        SystemClock,
        Arc::clone(store),
        config.clone(),
        library.changes(),
    );
    runner.health = health.clone();
    let cards = LiveCards::new(
        bot.clone(),
        SystemClock,
        Arc::clone(store),
        config,
        library.changes(),
    );
    let health = health.clone();
    let fenced = Arc::clone(store);
    let task = tokio::spawn(crate::community::carry(async move {
        let Some(holding) = leading(lead, &health, stopped.clone()).await? else {
            return Ok(());
        };
        if let Some(fence) = holding.fence() {
            fenced.fence(fence);
        }
        let cards = tokio::spawn(crate::community::carry(cards.run(stopped.clone())));
        let lost = async move {
            match holding {
                Holding::Lease(leader) => leader.lost(LEASE_CHECK).await,
                Holding::Nothing => std::future::pending().await,
            }
        };
        let ran = tokio::select! {
            ran = runner.run(stopped) => ran.map_err(RunError::from),
            error = lost => {
                tracing::error!(%error, "the lease was lost: herald stops");
                cards.abort();
                Err(error.into())
            }
        };
        if let Err(RunError::Store(error)) = &ran {
            tracing::error!(%error, "the scheduler gave up: herald stops, for a supervisor to restart it");
        }
        if ran.is_err() {
            let _ = gave_up.send(true);
        }
        let _ = cards.await;
        ran
    }));
    Scheduler {
        stop,
        task,
        gave_up: gave_up_seen,
    }
}

/// What the scheduler holds while it runs.
enum Holding {
    /// No lease: the tests' herald, alone on its state.
    Nothing,
    Lease(Leader),
}

impl Holding {
    fn fence(&self) -> Option<crate::store::Fence> {
        match self {
            Holding::Nothing => None,
            Holding::Lease(leader) => leader.fence(),
        }
    }
}

/// Waits for `lead`: what to hold while scheduling, or `None` if stopped
/// first. A replica waiting says so on `/healthz` and in the
/// `herald_scheduler_leader` gauge.
async fn leading(
    lead: Option<Lead>,
    health: &Health,
    mut stopped: watch::Receiver<bool>,
) -> Result<Option<Holding>, RunError> {
    let leader = match lead {
        None => return Ok(Some(Holding::Nothing)),
        Some(Lead::Held(leader)) => leader,
        Some(Lead::Contended(wait)) => {
            health.scheduler(Condition::Standby);
            metrics::gauge!("herald_scheduler_leader").set(0.0);
            tokio::select! {
                leader = wait => leader?,
                _ = stopped.wait_for(|stop| *stop) => return Ok(None),
            }
        }
    };
    tracing::info!(lease = %leader.name(), "leading: this herald runs the scheduler");
    metrics::gauge!("herald_scheduler_leader").set(1.0);
    Ok(Some(Holding::Lease(leader)))
}

/// Lets the post under way finish, until `deadline`; the error the
/// scheduler gave up on, if it did.
async fn stop(scheduler: Scheduler, deadline: Instant) -> Result<(), RunError> {
    let _ = scheduler.stop.send(true);
    match tokio::time::timeout_at(deadline, scheduler.task).await {
        Ok(Ok(ran)) => ran,
        Ok(Err(error)) => {
            tracing::error!(%error, "the scheduler crashed");
            Ok(())
        }
        Err(_) => {
            tracing::warn!("the scheduler was still posting and was stopped");
            Ok(())
        }
    }
}

/// Closes the state once nothing else holds it.
fn close(store: Arc<dyn Backend>) {
    if let Err(error) = store.close() {
        tracing::error!(%error, "closing the state file failed");
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

    fn api(token: &str) -> BotApi {
        BotApi {
            url: parse_api_url("http://127.0.0.1:8081").unwrap(),
            token: token.to_string(),
        }
    }

    #[test]
    fn token_problems_are_for_the_organizer_to_fix() {
        assert_eq!(RunError::MissingToken.exit_code(), 2);
        let rejected = RunError::request(RequestError::Api(ApiError::InvalidToken), &api("t"));
        assert!(matches!(rejected, RunError::RejectedToken));
        assert_eq!(rejected.exit_code(), 2);
    }

    #[test]
    fn an_unreachable_address_says_why_once() {
        let wrapped = |kind, text: &str| {
            let inner = std::io::Error::new(kind, text.to_string());
            std::io::Error::other(inner)
        };
        let refused = wrapped(std::io::ErrorKind::ConnectionRefused, "Connection refused");
        assert_eq!(
            unreachable_cause(&refused, false),
            "connection refused: nothing listens there"
        );
        let garbled = wrapped(std::io::ErrorKind::InvalidData, "corrupt message");
        assert_eq!(
            unreachable_cause(&garbled, true),
            "TLS failed: corrupt message"
        );
        let dns = std::io::Error::other("dns error: failed to lookup address information");
        assert_eq!(
            unreachable_cause(&dns, true),
            "DNS lookup failed: dns error: failed to lookup address information"
        );
        let unknown = RequestError::Io(Arc::new(std::io::Error::other("odd")));
        let error = RunError::request(unknown, &api("t"));
        assert_eq!(
            error.exit_code(),
            1,
            "only a request never sent is an address problem"
        );
    }

    #[test]
    fn errors_never_show_the_token() {
        let token = "123:secret";
        let error = RequestError::Api(ApiError::Unknown(format!("no bot {token} here")));
        let message = RunError::request(error, &api(token)).to_string();
        assert!(!message.contains(token), "{message}");
    }
}
