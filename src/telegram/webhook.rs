//! Webhook mode: Telegram posts updates to `telegram.webhook_url`, herald
//! listens on `telegram.listen`. teloxide registers the webhook (with a
//! secret token, so only Telegram's posts are accepted) and removes it
//! again on stop.

use teloxide::update_listeners::{webhooks, UpdateListener};
use teloxide::Bot;
use tokio::net::TcpListener;
use url::Url;

use super::RunError;
use crate::config::Webhook;

/// Binds the address first, so a port in use is an error here rather than
/// a panic inside teloxide's server task, then registers the webhook.
pub(super) async fn listener(
    bot: Bot,
    options: &Webhook,
    token: &str,
) -> Result<impl UpdateListener<Err = std::convert::Infallible>, RunError> {
    let url = Url::parse(&options.url)
        .map_err(|e| RunError::Webhook(format!("`{}` is not a URL: {e}", options.url)))?;
    let socket = TcpListener::bind(options.listen)
        .await
        .map_err(|e| RunError::Webhook(format!("cannot listen on {}: {e}", options.listen)))?;
    let (listener, stopped, router) =
        webhooks::axum_to_router(bot, webhooks::Options::new(options.listen, url))
            .await
            .map_err(|e| RunError::request(e, token))?;
    tokio::spawn(async move {
        if let Err(error) = axum::serve(socket, router)
            .with_graceful_shutdown(stopped)
            .await
        {
            tracing::error!(%error, "the webhook server failed");
        }
    });
    Ok(listener)
}
