//! Webhook mode: Telegram posts updates to `telegram.webhook_url`, herald
//! listens on `telegram.listen`. herald registers the webhook with a secret
//! token, so only Telegram's posts are accepted, and removes it on stop.
//! The same listener serves `/healthz` and `/metrics` ([`crate::http`]).
//!
//! herald serves the route itself rather than through teloxide's webhook
//! listener, so updates go straight to the fair queue and the route shares
//! a server with the operations endpoints.

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use axum::Router;
use teloxide::prelude::*;
use teloxide::types::Update;
use tokio::net::TcpListener;
use url::Url;

use super::updates::Intake;
use super::{BotApi, RunError};
use crate::config::Webhook;

/// The header Telegram sends the secret token in.
const SECRET_HEADER: &str = "x-telegram-bot-api-secret-token";

/// Binds the address first, so a port in use is an error here, then
/// registers the webhook. Returns the socket and the route, for the server
/// to serve beside the operations endpoints.
pub(super) async fn listen(
    bot: &Bot,
    options: &Webhook,
    intake: Intake,
    api: &BotApi,
) -> Result<(TcpListener, Router), RunError> {
    let url = Url::parse(&options.url)
        .map_err(|e| RunError::Webhook(format!("`{}` is not a URL: {e}", options.url)))?;
    let socket = TcpListener::bind(options.listen)
        .await
        .map_err(|e| RunError::Webhook(format!("cannot listen on {}: {e}", options.listen)))?;
    let secret = secret();
    bot.set_webhook(url.clone())
        .secret_token(secret.clone())
        .allowed_updates(vec![
            teloxide::types::AllowedUpdate::Message,
            teloxide::types::AllowedUpdate::CallbackQuery,
            teloxide::types::AllowedUpdate::InlineQuery,
        ])
        .await
        .map_err(|e| RunError::request(e, api))?;
    let path = match url.path() {
        "" => "/".to_string(),
        path => path.to_string(),
    };
    let router = Router::new()
        .route(&path, post(update))
        .with_state((intake, secret));
    Ok((socket, router))
}

/// Removes the webhook on stop, so a later long-polling run works.
pub(super) async fn remove(bot: &Bot) {
    if let Err(error) = bot.delete_webhook().await {
        tracing::warn!(%error, "could not remove the webhook");
    }
}

/// One update posted by Telegram.
async fn update(
    State((intake, secret)): State<(Intake, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> StatusCode {
    let given = headers.get(SECRET_HEADER).and_then(|v| v.to_str().ok());
    if given != Some(secret.as_str()) {
        return StatusCode::UNAUTHORIZED;
    }
    match serde_json::from_slice::<Update>(&body) {
        Ok(update) => intake.take(update),
        // Telegram would post it again and again on an error status.
        Err(error) => tracing::warn!(%error, "skipping an update herald cannot read"),
    }
    StatusCode::OK
}

/// 32 hex digits from the standard library's random hash keys: enough that
/// no one guesses it, and only characters Telegram allows in the token.
fn secret() -> String {
    (0..2)
        .map(|_| format!("{:016x}", RandomState::new().build_hasher().finish()))
        .collect()
}
