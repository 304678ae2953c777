//! Telegram's ids of the posters herald uploaded, in PostgreSQL, as
//! `store/media.rs` keeps them: a poster goes up once per bot.

use chrono::{DateTime, Utc};

use super::PgStore;
use crate::events::Poster;
use crate::store::StoreError;

impl PgStore {
    /// Telegram's id of this version of the poster, if it was uploaded.
    pub fn poster_file(&self, poster: &Poster) -> Result<Option<String>, StoreError> {
        let row = self.read(|client| {
            client.query_opt(
                "SELECT file_id FROM poster_files WHERE poster = $1",
                &[&poster.key()],
            )
        })?;
        Ok(row.map(|row| row.get(0)))
    }

    /// Telegram holds the poster as `file_id` from now on.
    pub fn set_poster_file(
        &self,
        poster: &Poster,
        file_id: &str,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        self.write(|tx| {
            tx.execute(
                "INSERT INTO poster_files (poster, file_id, uploaded_at) VALUES ($1, $2, $3)
                 ON CONFLICT (poster) DO UPDATE SET
                 file_id = excluded.file_id, uploaded_at = excluded.uploaded_at",
                &[&poster.key(), &file_id, &at],
            )
        })
        .map(drop)
    }
}
