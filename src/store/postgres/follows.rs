//! What members follow, their lead times, whether they started the bot,
//! and chats' mutes, in PostgreSQL, as `store/follows.rs` keeps them.

use std::collections::HashMap;

use chrono::{DateTime, Utc};

use super::PgStore;
use crate::duration::HumanDuration;
use crate::events::ids::Target;
use crate::schedule::Followers;
use crate::store::{Followed, Following, StoreError};

impl Followed for PgStore {
    fn followed(&self, member: i64) -> Result<Following, StoreError> {
        let rows = self.read(|client| {
            client.query(
                "SELECT kind, key FROM follows WHERE member = $1 ORDER BY kind, key",
                &[&member],
            )
        })?;
        let mut following = Following::default();
        for row in &rows {
            if let Some(target) = Target::of(row.get(0), row.get(1)) {
                following.add(target);
            }
        }
        Ok(following)
    }
}

impl PgStore {
    /// `member` follows `target` from `at`; false if they already did.
    pub fn follow(
        &self,
        member: i64,
        target: &Target,
        at: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let inserted = self.write(|tx| {
            tx.execute(
                "INSERT INTO follows (member, kind, key, since) VALUES ($1, $2, $3, $4)
                 ON CONFLICT DO NOTHING",
                &[&member, &target.kind(), &target.key(), &at],
            )
        })?;
        self.follows_changed();
        Ok(inserted == 1)
    }

    /// `member` no longer follows `target`; false if they did not.
    pub fn unfollow(&self, member: i64, target: &Target) -> Result<bool, StoreError> {
        let deleted = self.write(|tx| {
            tx.execute(
                "DELETE FROM follows WHERE member = $1 AND kind = $2 AND key = $3",
                &[&member, &target.kind(), &target.key()],
            )
        })?;
        self.follows_changed();
        Ok(deleted == 1)
    }

    /// How long before a followed talk `member` wants to hear of it.
    pub fn set_lead(&self, member: i64, lead: HumanDuration) -> Result<(), StoreError> {
        self.write(|tx| {
            tx.execute(
                "INSERT INTO members (member, lead) VALUES ($1, $2)
                 ON CONFLICT (member) DO UPDATE SET lead = excluded.lead",
                &[&member, &lead.to_string()],
            )
        })?;
        self.follows_changed();
        Ok(())
    }

    /// `member`'s own lead time, if they set one.
    pub fn lead(&self, member: i64) -> Result<Option<HumanDuration>, StoreError> {
        let row = self.read(|client| {
            client.query_opt("SELECT lead FROM members WHERE member = $1", &[&member])
        })?;
        Ok(row
            .and_then(|row| row.get::<_, Option<String>>(0))
            .and_then(|lead| lead.parse().ok()))
    }

    /// `member` wrote to herald in private, so herald may write to them.
    pub fn mark_started(&self, member: i64) -> Result<(), StoreError> {
        self.write(|tx| {
            tx.execute(
                "INSERT INTO members (member, started) VALUES ($1, true)
                 ON CONFLICT (member) DO UPDATE SET started = true",
                &[&member],
            )
        })
        .map(drop)
    }

    pub fn has_started(&self, member: i64) -> Result<bool, StoreError> {
        let row = self.read(|client| {
            client.query_opt("SELECT started FROM members WHERE member = $1", &[&member])
        })?;
        Ok(row.is_some_and(|row| row.get(0)))
    }

    /// Everything kept about `member` is deleted: follows, lead time, that
    /// they started the bot, their calendar token. False if nothing was
    /// kept.
    pub fn forget_member(&self, member: i64) -> Result<bool, StoreError> {
        let forgotten = self.write(|tx| {
            let mut rows = 0;
            for table in ["follows", "members", "calendar_tokens"] {
                rows += tx.execute(
                    &format!("DELETE FROM {table} WHERE member = $1"),
                    &[&member],
                )?;
            }
            Ok(rows > 0)
        })?;
        self.follows_changed();
        Ok(forgotten)
    }

    /// Mutes (`on`) or unmutes `event`'s talk reminders in `chat`; false if
    /// it already was as asked.
    pub fn set_mute(&self, chat: i64, event: &str, on: bool) -> Result<bool, StoreError> {
        let sql = match on {
            true => "INSERT INTO mutes (chat, event) VALUES ($1, $2) ON CONFLICT DO NOTHING",
            false => "DELETE FROM mutes WHERE chat = $1 AND event = $2",
        };
        let changed = self.write(|tx| tx.execute(sql, &[&chat, &event]))?;
        self.follows_changed();
        Ok(changed == 1)
    }

    /// Everything the scheduler needs of members.
    pub fn followers(&self) -> Result<Followers, StoreError> {
        let (leads, follows, mutes) = self.read(|client| {
            Ok((
                client.query(
                    "SELECT member, lead FROM members WHERE lead IS NOT NULL",
                    &[],
                )?,
                client.query("SELECT member, kind, key FROM follows ORDER BY member", &[])?,
                client.query("SELECT chat, event FROM mutes", &[])?,
            ))
        })?;
        let leads: HashMap<i64, Option<HumanDuration>> = leads
            .iter()
            .map(|row| (row.get(0), row.get::<_, &str>(1).parse().ok()))
            .collect();
        let rows = (follows.iter()).map(|row| (row.get(0), Target::of(row.get(1), row.get(2))));
        let members = super::super::follows::grouped(rows, &leads);
        let mutes = mutes.iter().map(|row| (row.get(0), row.get(1))).collect();
        Ok(Followers { members, mutes })
    }
}
