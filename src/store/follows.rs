//! What members follow, how early they want to hear of a talk, whether
//! they started the bot (so herald may write to them), and which events'
//! talk reminders a chat muted. Members are Telegram user ids, which are
//! also their private chats' ids.

use std::collections::HashMap;
use std::sync::atomic::Ordering;

use chrono::{DateTime, Utc};
use rusqlite::params;

use super::{Store, StoreError};
use crate::duration::HumanDuration;
use crate::events::ids::Target;
use crate::schedule::{Follower, Followers};

/// The migration that keeps all of it.
pub(super) const MIGRATION: &str = "CREATE TABLE follows (
        member INTEGER NOT NULL,
        kind   TEXT NOT NULL,
        key    TEXT NOT NULL,
        since  TEXT NOT NULL,
        PRIMARY KEY (member, kind, key)
    ) STRICT, WITHOUT ROWID;
    CREATE TABLE members (
        member  INTEGER PRIMARY KEY,
        lead    TEXT,
        started INTEGER NOT NULL DEFAULT 0
    ) STRICT;
    CREATE TABLE mutes (
        chat  INTEGER NOT NULL,
        event TEXT NOT NULL,
        PRIMARY KEY (chat, event)
    ) STRICT, WITHOUT ROWID";

/// What one member follows, for personal calendar feeds.
pub trait Followed {
    fn followed(&self, member: i64) -> Result<Following, StoreError>;
}

/// What one member follows, by kind, each sorted.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Following {
    /// Event ids (slugs).
    pub events: Vec<String>,
    /// Talk ids.
    pub talks: Vec<String>,
    /// Speaker ids.
    pub speakers: Vec<String>,
}

impl Following {
    pub fn is_empty(&self) -> bool {
        self.events.is_empty() && self.talks.is_empty() && self.speakers.is_empty()
    }

    pub fn contains(&self, target: &Target) -> bool {
        let (list, key) = match target {
            Target::Talk(id) => (&self.talks, id),
            Target::Event(slug) => (&self.events, slug),
            Target::Speaker(id) => (&self.speakers, id),
        };
        list.contains(key)
    }

    pub(super) fn add(&mut self, target: Target) {
        match target {
            Target::Talk(id) => self.talks.push(id),
            Target::Event(slug) => self.events.push(slug),
            Target::Speaker(id) => self.speakers.push(id),
        }
    }
}

impl Followed for Store {
    fn followed(&self, member: i64) -> Result<Following, StoreError> {
        let connection = self.connection();
        let rows = connection
            .prepare_cached("SELECT kind, key FROM follows WHERE member = ?1 ORDER BY kind, key")
            .and_then(|mut statement| {
                statement
                    .query_map([member], |row| {
                        Ok((row.get::<_, String>(0)?, row.get::<_, String>(1)?))
                    })?
                    .collect::<rusqlite::Result<Vec<_>>>()
            });
        let mut following = Following::default();
        for (kind, key) in self.check(rows)? {
            if let Some(target) = Target::of(&kind, &key) {
                following.add(target);
            }
        }
        Ok(following)
    }
}

impl Store {
    /// `member` follows `target` from `at`; false if they already did.
    pub fn follow(
        &self,
        member: i64,
        target: &Target,
        at: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let inserted = self.connection().execute(
            "INSERT INTO follows (member, kind, key, since) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT DO NOTHING",
            params![member, target.kind(), target.key(), at],
        );
        let followed = self.check(inserted).map(|rows| rows == 1)?;
        self.follows_changed();
        Ok(followed)
    }

    /// `member` no longer follows `target`; false if they did not.
    pub fn unfollow(&self, member: i64, target: &Target) -> Result<bool, StoreError> {
        let deleted = self.connection().execute(
            "DELETE FROM follows WHERE member = ?1 AND kind = ?2 AND key = ?3",
            params![member, target.kind(), target.key()],
        );
        let unfollowed = self.check(deleted).map(|rows| rows == 1)?;
        self.follows_changed();
        Ok(unfollowed)
    }

    /// How long before a followed talk `member` wants to hear of it.
    pub fn set_lead(&self, member: i64, lead: HumanDuration) -> Result<(), StoreError> {
        let set = self.connection().execute(
            "INSERT INTO members (member, lead) VALUES (?1, ?2)
             ON CONFLICT (member) DO UPDATE SET lead = excluded.lead",
            params![member, lead.to_string()],
        );
        self.check(set)?;
        self.follows_changed();
        Ok(())
    }

    /// `member`'s own lead time, if they set one.
    pub fn lead(&self, member: i64) -> Result<Option<HumanDuration>, StoreError> {
        let lead: rusqlite::Result<Option<Option<String>>> = self
            .connection()
            .query_row(
                "SELECT lead FROM members WHERE member = ?1",
                [member],
                |row| row.get(0),
            )
            .or_else(none_if_missing);
        Ok(self
            .check(lead)?
            .flatten()
            .and_then(|lead| lead.parse().ok()))
    }

    /// `member` wrote to herald in private, so herald may write to them.
    pub fn mark_started(&self, member: i64) -> Result<(), StoreError> {
        let set = self.connection().execute(
            "INSERT INTO members (member, started) VALUES (?1, 1)
             ON CONFLICT (member) DO UPDATE SET started = 1",
            [member],
        );
        self.check(set).map(drop)
    }

    pub fn has_started(&self, member: i64) -> Result<bool, StoreError> {
        let started: rusqlite::Result<Option<bool>> = self
            .connection()
            .query_row(
                "SELECT started FROM members WHERE member = ?1",
                [member],
                |row| row.get(0),
            )
            .or_else(none_if_missing);
        Ok(self.check(started)?.unwrap_or(false))
    }

    /// Everything kept about `member` is deleted: follows, lead time, that
    /// they started the bot. False if nothing was kept.
    pub fn forget_member(&self, member: i64) -> Result<bool, StoreError> {
        let mut connection = self.connection();
        let forgotten = (|| {
            let transaction = connection.transaction()?;
            let follows = transaction.execute("DELETE FROM follows WHERE member = ?1", [member])?;
            let rows = transaction.execute("DELETE FROM members WHERE member = ?1", [member])?;
            // Their calendar feed's link stops working with the rest.
            let token =
                transaction.execute("DELETE FROM calendar_tokens WHERE member = ?1", [member])?;
            transaction.commit()?;
            Ok(follows + rows + token > 0)
        })();
        let forgotten = self.check(forgotten)?;
        self.follows_changed();
        Ok(forgotten)
    }

    /// Mutes (`on`) or unmutes `event`'s talk reminders in `chat`; false if
    /// it already was as asked.
    pub fn set_mute(&self, chat: i64, event: &str, on: bool) -> Result<bool, StoreError> {
        let sql = match on {
            true => "INSERT INTO mutes (chat, event) VALUES (?1, ?2) ON CONFLICT DO NOTHING",
            false => "DELETE FROM mutes WHERE chat = ?1 AND event = ?2",
        };
        let changed = self.connection().execute(sql, params![chat, event]);
        let changed = self.check(changed).map(|rows| rows == 1)?;
        self.follows_changed();
        Ok(changed)
    }

    /// The version of what [`Store::followers`] reads, in this process:
    /// the scheduler keeps what it read until this changes.
    pub fn follows_version(&self) -> u64 {
        self.follows_version.load(Ordering::SeqCst)
    }

    /// A reminder may be owed at once: the scheduler reads the follows
    /// again, and plans now.
    fn follows_changed(&self) {
        self.follows_version.fetch_add(1, Ordering::SeqCst);
        self.announced.notify_one();
    }

    /// Everything the scheduler needs of members, in two reads.
    pub fn followers(&self) -> Result<Followers, StoreError> {
        let connection = self.connection();
        let read = (|| -> rusqlite::Result<Followers> {
            let mut leads = HashMap::new();
            let mut statement = connection
                .prepare_cached("SELECT member, lead FROM members WHERE lead IS NOT NULL")?;
            for row in statement.query_map([], |row| {
                Ok((row.get::<_, i64>(0)?, row.get::<_, String>(1)?))
            })? {
                let (member, lead) = row?;
                leads.insert(member, lead.parse::<HumanDuration>().ok());
            }
            let mut statement = connection
                .prepare_cached("SELECT member, kind, key FROM follows ORDER BY member")?;
            let rows = statement.query_map([], |row| {
                Ok((
                    row.get::<_, i64>(0)?,
                    row.get::<_, String>(1)?,
                    row.get::<_, String>(2)?,
                ))
            })?;
            // Read as they come: with many members they are many.
            let mut failed = None;
            let targets = rows.filter_map(|row| match row {
                Ok((member, kind, key)) => Some((member, Target::of(&kind, &key))),
                Err(error) => {
                    failed = Some(error);
                    None
                }
            });
            let members = grouped(targets, &leads);
            if let Some(error) = failed {
                return Err(error);
            }
            let mut statement = connection.prepare_cached("SELECT chat, event FROM mutes")?;
            let mutes = statement
                .query_map([], |row| Ok((row.get(0)?, row.get(1)?)))?
                .collect::<rusqlite::Result<_>>()?;
            Ok(Followers { members, mutes })
        })();
        self.check(read)
    }
}

/// Each member's follows, from rows ordered by member, with their lead
/// times; a follow of a kind this herald does not know (`None`) is passed
/// over.
pub(super) fn grouped(
    rows: impl Iterator<Item = (i64, Option<Target>)>,
    leads: &HashMap<i64, Option<HumanDuration>>,
) -> Vec<Follower> {
    let mut members: Vec<Follower> = Vec::new();
    for (member, target) in rows {
        let Some(target) = target else {
            continue;
        };
        if members.last().map(|f| f.member) != Some(member) {
            members.push(Follower {
                member,
                lead: leads.get(&member).copied().flatten(),
                follows: Vec::new(),
            });
        }
        if let Some(last) = members.last_mut() {
            last.follows.push(target);
        }
    }
    members
}

fn none_if_missing<T>(error: rusqlite::Error) -> rusqlite::Result<Option<T>> {
    match error {
        rusqlite::Error::QueryReturnedNoRows => Ok(None),
        error => Err(error),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> DateTime<Utc> {
        text.parse().unwrap()
    }

    #[test]
    fn follows_leads_and_mutes_survive_reopening_and_forget_removes_them() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("herald.db");
        let store = Store::open(&path).unwrap();
        let talk = Target::Talk("0123456789ab".into());
        let event = Target::Event("2021-09-rust".into());
        assert!(store.follow(7, &talk, at("2026-01-01T00:00:00Z")).unwrap());
        assert!(!store.follow(7, &talk, at("2026-01-02T00:00:00Z")).unwrap());
        assert!(store.follow(7, &event, at("2026-01-01T00:00:00Z")).unwrap());
        assert!(store.follow(8, &event, at("2026-01-01T00:00:00Z")).unwrap());
        store.set_lead(7, "15m".parse().unwrap()).unwrap();
        store.mark_started(7).unwrap();
        assert!(store.set_mute(-100, "2021-09-rust", true).unwrap());
        assert!(!store.set_mute(-100, "2021-09-rust", true).unwrap());
        store.close().unwrap();

        let store = Store::open(&path).unwrap();
        let following = store.followed(7).unwrap();
        assert_eq!(following.talks, vec!["0123456789ab".to_string()]);
        assert_eq!(following.events, vec!["2021-09-rust".to_string()]);
        assert!(following.speakers.is_empty());
        assert_eq!(
            store.lead(7).unwrap().map(|l| l.to_string()),
            Some("15m".into())
        );
        assert!(store.has_started(7).unwrap() && !store.has_started(8).unwrap());
        let followers = store.followers().unwrap();
        assert_eq!(
            followers
                .members
                .iter()
                .map(|f| f.member)
                .collect::<Vec<_>>(),
            vec![7, 8]
        );
        assert!(followers
            .mutes
            .contains(&(-100, "2021-09-rust".to_string())));

        assert!(store.forget_member(7).unwrap());
        assert!(!store.forget_member(7).unwrap());
        assert!(store.followed(7).unwrap().is_empty());
        assert_eq!(store.lead(7).unwrap(), None);
        assert!(!store.has_started(7).unwrap());
        assert_eq!(store.followed(8).unwrap().events.len(), 1);
        assert!(store.unfollow(8, &event).unwrap());
        assert!(!store.unfollow(8, &event).unwrap());
        assert!(store.set_mute(-100, "2021-09-rust", false).unwrap());
    }
}
