//! The HTTP endpoints of `herald run`: `GET /healthz` for a supervisor or
//! a load balancer, `GET /metrics` for Prometheus, and for calendar apps
//! `GET /calendar.ics`, the community's calendar feed, and
//! `GET /calendar/<token>.ics`, one member's own. Served on
//! `[http] listen` in `bot.toml`, and on the webhook listener in webhook
//! mode.
//!
//! The metrics themselves are emitted where things happen, with the
//! `metrics` macros; this module installs the Prometheus recorder (without
//! its own HTTP listener: axum serves it here) and renders it.

use std::net::SocketAddr;
use std::sync::{Arc, OnceLock};
use std::time::{Duration, SystemTime};

use crate::events::ids;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use chrono::{DateTime, Utc};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use tokio::net::TcpListener;
use tokio::sync::watch;

use crate::blocking::off_workers as blocking;
use crate::calendar::{self, Pick, Site, Stamp};
use crate::events::Catalog;
use crate::health::Health;
use crate::lang::Lang;
use crate::store::{Backend, Followed, Following, StoreError};

/// Buckets of `herald_reply_seconds`: a reply normally takes milliseconds;
/// the upper ones show replies held by retries and queues.
const REPLY_BUCKETS: &[f64] = &[
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0,
];

/// How often histograms are folded into their buckets when no one scrapes.
const UPKEEP: Duration = Duration::from_secs(5);

/// The process's Prometheus recorder, installed on first use. `None` if
/// another recorder was installed first (a host program's).
pub fn recorder() -> Option<&'static PrometheusHandle> {
    static RECORDER: OnceLock<Option<PrometheusHandle>> = OnceLock::new();
    RECORDER
        .get_or_init(|| {
            let builder = PrometheusBuilder::new()
                .set_buckets_for_metric(
                    Matcher::Full("herald_reply_seconds".to_string()),
                    REPLY_BUCKETS,
                )
                .unwrap_or_else(|_| PrometheusBuilder::new());
            let recorder = builder.build_recorder();
            let handle = recorder.handle();
            match metrics::set_global_recorder(crate::community::Labelled(recorder)) {
                Ok(()) => Some(handle),
                Err(error) => {
                    tracing::warn!(%error, "cannot install the metrics recorder; /metrics stays empty");
                    None
                }
            }
        })
        .as_ref()
}

/// Keeps the recorder's histograms bounded between scrapes; runs until the
/// runtime stops.
pub fn spawn_upkeep() {
    if let Some(handle) = recorder() {
        tokio::spawn(async move {
            let mut every = tokio::time::interval(UPKEEP);
            loop {
                every.tick().await;
                handle.run_upkeep();
            }
        });
    }
}

/// `/healthz` and `/metrics`.
pub fn router(health: Health) -> Router {
    Router::new()
        .route("/healthz", get(healthz))
        .with_state(health)
        .merge(metrics_router())
}

/// `/metrics` alone: every community's, where one process hosts many.
pub fn metrics_router() -> Router {
    Router::new().route("/metrics", get(metrics))
}

/// 200 `ok` while every part is alive, else 503 with the reason.
async fn healthz(State(health): State<Health>) -> impl IntoResponse {
    match health.report() {
        Ok(()) => (StatusCode::OK, "ok\n".to_string()),
        Err(reason) => (StatusCode::SERVICE_UNAVAILABLE, format!("{reason}\n")),
    }
}

/// What the calendar feeds are written from: the pages in service, the
/// state file that keeps each entry's version and members' tokens, and
/// what each member follows.
#[derive(Clone)]
pub struct Feed {
    pub catalog: watch::Receiver<Arc<Catalog>>,
    pub store: Arc<dyn Backend>,
    pub followed: Arc<dyn Followed + Send + Sync>,
    pub site: Site,
    /// The feeds' names are in `language` from `bot.toml`.
    pub lang: Lang,
}

/// `/calendar.ics` and `/calendar/<token>.ics`.
pub fn calendar(feed: Feed) -> Router {
    Router::new()
        .route("/calendar.ics", get(calendar_ics))
        .route("/calendar/{file}", get(personal_ics))
        .with_state(feed)
}

/// What every unknown token gets, whatever it is: nothing to tell a
/// token that was revoked from one that never was, or a member from none.
const NO_FEED: &str = "no such calendar\n";

/// Every dated event as iCalendar, with an ETag and Last-Modified; 304
/// when the asker holds this very feed. A calendar app polls this, so an
/// unchanged feed costs it no body.
async fn calendar_ics(State(feed): State<Feed>, asked: HeaderMap) -> Response {
    let catalog = feed.catalog.borrow().clone();
    let (store, site) = (Arc::clone(&feed.store), feed.site.clone());
    let stamps = blocking(move || store.feed(catalog.events(), &site, Utc::now())).await;
    match stamps {
        Ok(stamps) => served(&asked, &feed.site.name(feed.lang), feed.site.tz, &stamps),
        Err(error) => unavailable("/calendar.ics", &error),
    }
}

/// One member's followed events and talks, found by the token in
/// `<token>.ics`, served as the community feed is. Any text that is not a
/// member's token, revoked or never made, gets the same 404.
async fn personal_ics(
    State(feed): State<Feed>,
    Path(file): Path<String>,
    asked: HeaderMap,
) -> Response {
    let catalog = feed.catalog.borrow().clone();
    let (store, site, followed) = (
        Arc::clone(&feed.store),
        feed.site.clone(),
        Arc::clone(&feed.followed),
    );
    let token = file.strip_suffix(".ics").unwrap_or_default().to_string();
    let stamps =
        blocking(move || personal(&*store, &*followed, &token, catalog.events(), &site)).await;
    match stamps {
        Ok(Some(stamps)) => served(
            &asked,
            &feed.site.personal_name(feed.lang),
            feed.site.tz,
            &stamps,
        ),
        Ok(None) => (StatusCode::NOT_FOUND, NO_FEED).into_response(),
        Err(error) => unavailable("a personal calendar", &error),
    }
}

/// The stamps of the feed of the member whose token is `token`, or `None`
/// for no member's. Events' versions are the community feed's and talks'
/// are the talk ledger's, so a member's feed keeps nothing of its own.
fn personal(
    store: &dyn Backend,
    followed: &dyn Followed,
    token: &str,
    events: &[crate::events::Event],
    site: &Site,
) -> Result<Option<Vec<Stamp>>, StoreError> {
    let Some(member) = store.calendar_member(token)? else {
        return Ok(None);
    };
    let following = followed.followed(member)?;
    let picked = calendar::personal(events, |pick| follows(&following, pick));
    let at = Utc::now();
    let mut stamps = store.feed(events, site, at)?;
    stamps.extend(store.talk_feed(events, site, at)?);
    stamps.retain(|stamp| picked.holds(stamp));
    Ok(Some(stamps))
}

/// Whether `following` holds `pick`: an event by its slug; a talk by its
/// id or one of its speakers' ids.
fn follows(following: &Following, pick: Pick<'_>) -> bool {
    match pick {
        Pick::Event(event) => following.events.contains(&event.id),
        Pick::Talk { event, talk, .. } => {
            following.talks.contains(&ids::talk_id(&event.id, talk))
                || talk
                    .speakers
                    .iter()
                    .any(|s| following.speakers.contains(&ids::speaker_id(&s.name)))
        }
    }
}

/// Versions it cannot vouch for would go backwards for apps that hold
/// newer ones: better no feed for now.
fn unavailable(what: &str, error: &StoreError) -> Response {
    tracing::error!(%error, "cannot serve {what}");
    let body = "the calendar is unavailable for now: the state file cannot be read\n";
    (StatusCode::SERVICE_UNAVAILABLE, body).into_response()
}

/// `stamps` as the calendar `name`, with an ETag and Last-Modified, or 304
/// when the asker holds this very text.
fn served(asked: &HeaderMap, name: &str, tz: chrono_tz::Tz, stamps: &[Stamp]) -> Response {
    let body = calendar::write(name, tz, stamps);
    let etag = calendar::etag(&body);
    let modified = calendar::last_modified(stamps);
    let mut headers = HeaderMap::new();
    headers.insert(header::ETAG, header_value(&etag));
    if let Some(modified) = modified {
        let date = httpdate::fmt_http_date(SystemTime::from(modified));
        headers.insert(header::LAST_MODIFIED, header_value(&date));
    }
    if unchanged(asked, &etag, modified) {
        return (StatusCode::NOT_MODIFIED, headers).into_response();
    }
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/calendar; charset=utf-8"),
    );
    (StatusCode::OK, headers, body).into_response()
}

/// Whether the asker already holds this feed (RFC 9110 §13.1): by ETag
/// where it sends one (`If-None-Match` wins), else by date.
fn unchanged(asked: &HeaderMap, etag: &str, modified: Option<DateTime<Utc>>) -> bool {
    let text = |name| {
        asked
            .get(name)
            .and_then(|value: &HeaderValue| value.to_str().ok())
    };
    if let Some(tags) = text(header::IF_NONE_MATCH) {
        return tags
            .split(',')
            .map(|tag| tag.trim().trim_start_matches("W/"))
            .any(|tag| tag == "*" || tag == etag);
    }
    let since =
        text(header::IF_MODIFIED_SINCE).and_then(|date| httpdate::parse_http_date(date).ok());
    match (since, modified) {
        // HTTP dates are to the second.
        (Some(since), Some(modified)) => {
            modified.timestamp() <= DateTime::<Utc>::from(since).timestamp()
        }
        _ => false,
    }
}

/// Our own ETags and HTTP dates are ASCII.
fn header_value(text: &str) -> HeaderValue {
    HeaderValue::from_str(text).unwrap_or_else(|_| HeaderValue::from_static(""))
}

async fn metrics() -> impl IntoResponse {
    let text = recorder()
        .map(|handle| {
            handle.run_upkeep();
            handle.render()
        })
        .unwrap_or_default();
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        text,
    )
}

/// Why the endpoints could not be served.
#[derive(Debug, thiserror::Error)]
#[error("cannot listen on {listen} for /healthz and /metrics: {source}")]
pub struct ListenError {
    pub listen: SocketAddr,
    #[source]
    pub source: std::io::Error,
}

/// Binds `listen` now, so a port in use is an error at start.
pub async fn bind(listen: SocketAddr) -> Result<TcpListener, ListenError> {
    TcpListener::bind(listen)
        .await
        .map_err(|source| ListenError { listen, source })
}

/// Serves `router` on `socket` until `stop` completes.
pub async fn serve(
    socket: TcpListener,
    router: Router,
    stop: impl std::future::Future<Output = ()> + Send + 'static,
) {
    if let Err(error) = axum::serve(socket, router)
        .with_graceful_shutdown(stop)
        .await
    {
        tracing::error!(%error, "the HTTP server failed");
    }
}
