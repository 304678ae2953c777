//! Members' calendar tokens: the secret part of a personal feed's address
//! (`/calendar/<token>.ics`). One per member, made on their first
//! `/calendar`, replaced by `/calendar reset`, deleted by `/forget`.
//!
//! A token is 160 bits from the operating system's RNG, so no one guesses
//! one. It is looked up by its SHA-256 digest, never by itself: the
//! database's comparisons (and their timing) are of digests, which say
//! nothing of a token to someone who does not hold it. The token itself is
//! kept beside its digest only so `/calendar` can show the member their
//! link again.

use chrono::{DateTime, Utc};
use rusqlite::{params, OptionalExtension};
use sha2::{Digest, Sha256};

use super::{Store, StoreError, StoreProblem};

/// Random bytes in a token: 160 bits, above the 128 that make guessing
/// hopeless.
const TOKEN_BYTES: usize = 20;

/// A member's calendar token. Its `Debug` hides it: member data stays out
/// of logs.
#[derive(Clone, PartialEq, Eq)]
pub struct Token(pub(super) String);

impl Token {
    pub(super) fn new() -> Result<Token, StoreProblem> {
        let mut bytes = [0u8; TOKEN_BYTES];
        getrandom::fill(&mut bytes)
            .map_err(|error| StoreProblem::Unusable(format!("no random bytes: {error}")))?;
        Ok(Token(
            bytes.iter().map(|byte| format!("{byte:02x}")).collect(),
        ))
    }

    /// The token as it goes in the feed's address.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Token {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Token(…)")
    }
}

/// What the database looks a token up by.
pub(super) fn digest(token: &str) -> Vec<u8> {
    Sha256::digest(token.as_bytes()).to_vec()
}

impl Store {
    /// The member's token, made at `at` if they have none yet.
    pub fn calendar_token(&self, member: i64, at: DateTime<Utc>) -> Result<Token, StoreError> {
        let held = self.check(
            self.connection()
                .query_row(
                    "SELECT token FROM calendar_tokens WHERE member = ?1",
                    [member],
                    |row| row.get::<_, String>(0),
                )
                .optional(),
        )?;
        match held {
            Some(token) => Ok(Token(token)),
            None => self.replace_calendar_token(member, at),
        }
    }

    /// A new token for the member, in place of any they had: the old one
    /// answers as any unknown token does from now on.
    pub fn replace_calendar_token(
        &self,
        member: i64,
        at: DateTime<Utc>,
    ) -> Result<Token, StoreError> {
        let token = Token::new().map_err(|source| StoreError {
            path: self.path.clone(),
            source,
        })?;
        let stored = self.connection().execute(
            "INSERT OR REPLACE INTO calendar_tokens (member, token, digest, created_at)
             VALUES (?1, ?2, ?3, ?4)",
            params![member, token.as_str(), digest(token.as_str()), at],
        );
        self.check(stored)?;
        Ok(token)
    }

    /// The member whose token `token` is; `None` for any other text,
    /// however close to a token it is.
    pub fn calendar_member(&self, token: &str) -> Result<Option<i64>, StoreError> {
        let member = self
            .connection()
            .query_row(
                "SELECT member FROM calendar_tokens WHERE digest = ?1",
                [digest(token)],
                |row| row.get(0),
            )
            .optional();
        self.check(member)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> DateTime<Utc> {
        text.parse().unwrap()
    }

    #[test]
    fn a_token_is_kept_replaced_and_forgotten() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("herald.db");
        let store = Store::open(&path).unwrap();
        let now = at("2026-01-01T00:00:00Z");
        let first = store.calendar_token(7, now).unwrap();
        assert_eq!(first.as_str().len(), 2 * TOKEN_BYTES);
        assert!(first.as_str().bytes().all(|b| b.is_ascii_hexdigit()));
        assert_eq!(format!("{first:?}"), "Token(…)", "never in logs");
        let other = store.calendar_token(8, now).unwrap();
        assert_ne!(first, other);
        store.close().unwrap();

        let store = Store::open(&path).unwrap();
        assert_eq!(store.calendar_token(7, now).unwrap(), first, "kept");
        assert_eq!(store.calendar_member(first.as_str()).unwrap(), Some(7));
        assert_eq!(store.calendar_member(other.as_str()).unwrap(), Some(8));

        let second = store.replace_calendar_token(7, now).unwrap();
        assert_ne!(second, first);
        assert_eq!(store.calendar_member(first.as_str()).unwrap(), None);
        assert_eq!(store.calendar_member(second.as_str()).unwrap(), Some(7));

        assert!(store.forget_member(7).unwrap());
        assert!(!store.forget_member(7).unwrap());
        assert_eq!(store.calendar_member(second.as_str()).unwrap(), None);
        assert_eq!(store.calendar_member(other.as_str()).unwrap(), Some(8));
        let fresh = store.calendar_token(7, now).unwrap();
        assert_ne!(fresh, second, "a forgotten member starts afresh");
    }

    #[test]
    fn text_near_a_token_is_no_token() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("herald.db")).unwrap();
        let token = store.calendar_token(7, at("2026-01-01T00:00:00Z")).unwrap();
        let token = token.as_str();
        for near in [&token[1..], &token.to_uppercase(), "", &format!("{token}0")] {
            assert_eq!(store.calendar_member(near).unwrap(), None, "{near}");
        }
    }
}
