//! Members' calendar tokens in PostgreSQL, looked up by digest as
//! `store/tokens.rs` explains.

use chrono::{DateTime, Utc};

use super::PgStore;
use crate::store::tokens::digest;
use crate::store::{StoreError, Token};

impl PgStore {
    /// The member's token, made at `at` if they have none yet.
    pub fn calendar_token(&self, member: i64, at: DateTime<Utc>) -> Result<Token, StoreError> {
        let held = self.read(|client| {
            client.query_opt(
                "SELECT token FROM calendar_tokens WHERE member = $1",
                &[&member],
            )
        })?;
        match held {
            Some(row) => Ok(Token(row.get(0))),
            None => self.replace_calendar_token(member, at),
        }
    }

    /// A new token for the member, in place of any they had.
    pub fn replace_calendar_token(
        &self,
        member: i64,
        at: DateTime<Utc>,
    ) -> Result<Token, StoreError> {
        let token = Token::new().map_err(|problem| self.fail(problem))?;
        self.write(|tx| {
            tx.execute(
                "INSERT INTO calendar_tokens (member, token, digest, created_at)
                 VALUES ($1, $2, $3, $4)
                 ON CONFLICT (member) DO UPDATE
                 SET token = excluded.token, digest = excluded.digest, created_at = excluded.created_at",
                &[&member, &token.as_str(), &digest(token.as_str()), &at],
            )
        })?;
        Ok(token)
    }

    /// The member whose token `token` is; `None` for any other text.
    pub fn calendar_member(&self, token: &str) -> Result<Option<i64>, StoreError> {
        let row = self.read(|client| {
            client.query_opt(
                "SELECT member FROM calendar_tokens WHERE digest = $1",
                &[&digest(token)],
            )
        })?;
        Ok(row.map(|row| row.get(0)))
    }
}
