//! Webhook mode: Telegram posts updates to `telegram.webhook_url`, herald
//! listens on `telegram.listen`. herald registers the webhook with a secret
//! token, so only Telegram's posts are accepted; any other request gets 401.
//! The same listener serves `/healthz` and `/metrics` ([`crate::http`]).
//!
//! Replicas behind a load balancer share one webhook, so every replica must
//! accept the secret the last one registered: it is derived from the bot's
//! token, not drawn at random, and the webhook stays registered when a
//! replica stops (a rolling deploy must not cut the others off). A later
//! long-polling run removes it as it starts.
//!
//! herald serves the route itself rather than through teloxide's webhook
//! listener, so updates go straight to the fair queue and the route shares
//! a server with the operations endpoints.

use std::collections::HashMap;
use std::sync::{Arc, PoisonError, RwLock};

use axum::body::Bytes;
use axum::extract::{Path as AxumPath, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use axum::Router;
use sha2::{Digest, Sha256};
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
    let secret = register(bot, &url, api).await?;
    let path = match url.path() {
        "" => "/".to_string(),
        path => path.to_string(),
    };
    let router = Router::new()
        .route(&path, post(update))
        .with_state((intake, secret));
    Ok((socket, router))
}

/// Tells Telegram where to post the bot's updates, with the secret it
/// must send along; returns the secret.
pub(super) async fn register(bot: &Bot, url: &Url, api: &BotApi) -> Result<String, RunError> {
    let secret = secret(&api.token);
    bot.set_webhook(url.clone())
        .secret_token(secret.clone())
        .allowed_updates(vec![
            teloxide::types::AllowedUpdate::Message,
            teloxide::types::AllowedUpdate::CallbackQuery,
            teloxide::types::AllowedUpdate::InlineQuery,
        ])
        .await
        .map_err(|e| RunError::request(e, api))?;
    Ok(secret)
}

/// The webhooks of the communities one `herald run --communities` serves,
/// by name, each with its secret: one listener, `/telegram/<name>` each.
/// Communities come and go while it serves, so the route looks the name
/// up on every update.
#[derive(Clone, Default)]
pub struct Hooks(Arc<RwLock<HashMap<String, (Intake, String)>>>);

impl Hooks {
    /// Takes `name`'s updates, checked against the secret its `token`
    /// registers.
    pub(super) fn insert(&self, name: &str, intake: Intake, token: &str) {
        let mut hooks = self.0.write().unwrap_or_else(PoisonError::into_inner);
        hooks.insert(name.to_string(), (intake, secret(token)));
    }

    pub(super) fn remove(&self, name: &str) {
        let mut hooks = self.0.write().unwrap_or_else(PoisonError::into_inner);
        hooks.remove(name);
    }

    /// `POST /telegram/{name}`: a community's update, or 404 for a name
    /// not served (now).
    pub fn router(&self) -> Router {
        Router::new()
            .route("/telegram/{name}", post(hosted))
            .with_state(self.clone())
    }
}

async fn hosted(
    State(hooks): State<Hooks>,
    AxumPath(name): AxumPath<String>,
    headers: HeaderMap,
    body: Bytes,
) -> StatusCode {
    let hook = {
        let hooks = hooks.0.read().unwrap_or_else(PoisonError::into_inner);
        hooks.get(&name).cloned()
    };
    match hook {
        Some(hook) => update(State(hook), headers, body).await,
        None => StatusCode::NOT_FOUND,
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

/// 32 hex digits of a hash of the token: the same on every replica, and
/// no one who lacks the token can work it out. Only characters Telegram
/// allows in a secret token.
fn secret(token: &str) -> String {
    let digest = Sha256::digest(format!("herald webhook secret\n{token}"));
    digest[..16]
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_secret_is_the_same_for_one_token_and_differs_between_tokens() {
        let secret = secret("123:abc");
        assert_eq!(secret, super::secret("123:abc"));
        assert_ne!(secret, super::secret("123:abd"));
        assert_eq!(secret.len(), 32);
        assert!(secret.bytes().all(|b| b.is_ascii_hexdigit()));
        assert!(!secret.contains("abc"));
    }
}
