//! Telegram's ids of the posters herald uploaded, so a poster goes up once
//! per bot: later posts name the file Telegram already holds. An id is kept
//! by the poster's version (path, size, modification time), so a replaced
//! poster is uploaded again.

use chrono::{DateTime, Utc};
use rusqlite::{params, OptionalExtension};

use super::{Store, StoreError};
use crate::events::Poster;

pub(super) const MIGRATION: &str = "CREATE TABLE poster_files (
        poster      TEXT PRIMARY KEY,
        file_id     TEXT NOT NULL,
        uploaded_at TEXT NOT NULL
    ) STRICT";

impl Store {
    /// Telegram's id of this version of the poster, if it was uploaded.
    pub fn poster_file(&self, poster: &Poster) -> Result<Option<String>, StoreError> {
        let found = self
            .connection()
            .query_row(
                "SELECT file_id FROM poster_files WHERE poster = ?1",
                [poster.key()],
                |row| row.get(0),
            )
            .optional();
        self.check(found)
    }

    /// Telegram holds the poster as `file_id` from now on; an id Telegram
    /// no longer takes is replaced the same way.
    pub fn set_poster_file(
        &self,
        poster: &Poster,
        file_id: &str,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let stored = self.connection().execute(
            "INSERT OR REPLACE INTO poster_files (poster, file_id, uploaded_at) VALUES (?1, ?2, ?3)",
            params![poster.key(), file_id, at],
        );
        self.check(stored).map(drop)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_poster_is_remembered_by_its_version() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("herald.db")).unwrap();
        let poster = Poster {
            file: "/events/meetup/featured.jpg".into(),
            bytes: 10,
            modified: 1,
        };
        assert_eq!(store.poster_file(&poster).unwrap(), None);
        store.set_poster_file(&poster, "AgAD1", Utc::now()).unwrap();
        assert_eq!(
            store.poster_file(&poster).unwrap().as_deref(),
            Some("AgAD1")
        );
        let edited = Poster {
            modified: 2,
            ..poster.clone()
        };
        assert_eq!(store.poster_file(&edited).unwrap(), None);
    }
}
