//! Telegram's ids of uploaded posters, in the state file: what both the
//! scheduler's posts and `/next` look up before uploading a poster, and
//! keep after.

use std::sync::Arc;

use chrono::Utc;
use teloxide::types::Message;

use crate::events::Poster;
use crate::store::Backend;

/// Telegram's id of a poster uploaded before, if the state file knows it.
pub(super) async fn uploaded(store: &Arc<dyn Backend>, poster: &Poster) -> Option<String> {
    let (store, poster) = (Arc::clone(store), poster.clone());
    match tokio::task::spawn_blocking(move || store.poster_file(&poster)).await {
        Ok(Ok(found)) => found,
        Ok(Err(error)) => {
            tracing::warn!(%error, "cannot read a poster's id; uploading it");
            None
        }
        Err(_) => None,
    }
}

/// Keeps Telegram's id of the poster `sent` carries, just uploaded.
pub(super) async fn keep(store: &Arc<dyn Backend>, poster: &Poster, sent: &Message) {
    let Some(size) = sent.photo().and_then(|sizes| sizes.last()) else {
        return;
    };
    let (store, poster, id) = (Arc::clone(store), poster.clone(), size.file.id.0.clone());
    let kept =
        tokio::task::spawn_blocking(move || store.set_poster_file(&poster, &id, Utc::now())).await;
    if let Ok(Err(error)) = kept {
        tracing::warn!(%error, "cannot keep a poster's id; it is uploaded again next time");
    }
}
