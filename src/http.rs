//! The operations endpoints of `herald run`: `GET /healthz` for a
//! supervisor or a load balancer, `GET /metrics` for Prometheus. Served on
//! `[http] listen` in `bot.toml`, and on the webhook listener in webhook
//! mode.
//!
//! The metrics themselves are emitted where things happen, with the
//! `metrics` macros; this module installs the Prometheus recorder (without
//! its own HTTP listener: axum serves it here) and renders it.

use std::net::SocketAddr;
use std::sync::OnceLock;
use std::time::Duration;

use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::IntoResponse;
use axum::routing::get;
use axum::Router;
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use tokio::net::TcpListener;

use crate::health::Health;

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
            match builder.install_recorder() {
                Ok(handle) => Some(handle),
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
        .route("/metrics", get(metrics))
        .with_state(health)
}

/// 200 `ok` while every part is alive, else 503 with the reason.
async fn healthz(State(health): State<Health>) -> impl IntoResponse {
    match health.report() {
        Ok(()) => (StatusCode::OK, "ok\n".to_string()),
        Err(reason) => (StatusCode::SERVICE_UNAVAILABLE, format!("{reason}\n")),
    }
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
