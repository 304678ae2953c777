//! The state file as the scheduler needs it: one trait, so the runner
//! works on any store that keeps these promises (SQLite's [`Store`] today,
//! PostgreSQL later), and tests can put a failing store behind it.
//!
//! Calls are synchronous and may block (disk, network); the runner makes
//! them off the async workers. Every write is atomic: it happened whole or
//! not at all, so the runner may simply repeat a write that failed.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use tokio::sync::Notify;

use super::{Delivered, Fence, Outcome, Pruned, Record, Store, StoreError};
use crate::config::ChatTarget;
use crate::lang::Lang;
use crate::schedule::{Announcement, Facts, Followers, Memory, Post, Seen};

pub trait ScheduleStore: Send + Sync + 'static {
    /// Everything the scheduler remembers.
    fn memory(&self) -> Result<Memory, StoreError>;
    /// The number of the latest post record.
    fn last_post(&self) -> Result<i64, StoreError>;
    /// Keys recorded after record `seq`, by any process, and the latest
    /// record's number.
    fn posts_after(&self, seq: i64) -> Result<(Vec<String>, i64), StoreError>;
    /// Changes whenever another process wrote to the store.
    fn data_version(&self) -> Result<i64, StoreError>;
    /// Woken when an announcement becomes owed in this process.
    fn announced(&self) -> &Notify;

    /// Long posts part-way out: messages accepted, and the first one's pin.
    fn parts(&self) -> Result<HashMap<String, (usize, Option<String>)>, StoreError>;
    fn record_part(
        &self,
        post: &Post,
        sent: usize,
        detail: Option<&str>,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError>;
    /// A post done, what its chat now knows, and its parts forgotten.
    fn record_post(
        &self,
        post: &Post,
        outcome: Outcome,
        detail: Option<&str>,
        told: &[(String, Facts)],
        at: DateTime<Utc>,
    ) -> Result<(), StoreError>;
    fn record_seen(&self, changed: &[(String, Seen)]) -> Result<(), StoreError>;
    fn forget_chat(&self, chat: &ChatTarget) -> Result<(), StoreError>;
    fn unsubscribe(&self, chat: (i64, Option<i32>)) -> Result<bool, StoreError>;
    /// What members follow, and the chats' mutes.
    fn followers(&self) -> Result<Followers, StoreError>;
    /// Changes whenever this process changed what
    /// [`ScheduleStore::followers`] reads, so the runner reads it again only
    /// then (or after another process wrote): with many members, reading
    /// every follow each turn would be most of the turn.
    fn follows_version(&self) -> u64;
    /// Everything kept about a member (one who blocked herald).
    fn forget_member(&self, member: i64) -> Result<bool, StoreError>;
    fn planned_until(&self) -> Result<Option<DateTime<Utc>>, StoreError>;
    fn set_planned_until(&self, at: DateTime<Utc>) -> Result<(), StoreError>;
    fn prune(&self, now: DateTime<Utc>, keep: Duration) -> Result<Pruned, StoreError>;

    fn targets(&self, configured: &[ChatTarget]) -> Result<Vec<ChatTarget>, StoreError>;
    fn languages(&self) -> Result<HashMap<ChatTarget, Lang>, StoreError>;
    fn chat_key(&self, username: &str) -> Result<Option<ChatTarget>, StoreError>;
    fn set_chat_key(
        &self,
        username: &str,
        key: &ChatTarget,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError>;
    fn has_history(&self, chat: &ChatTarget) -> Result<bool, StoreError>;

    fn owed_announcements(&self) -> Result<Vec<Arc<Announcement>>, StoreError>;
    fn finish_announcement(&self, id: i64, at: DateTime<Utc>)
        -> Result<Option<Record>, StoreError>;
    fn hold_announcement(&self, id: i64, until: DateTime<Utc>) -> Result<(), StoreError>;
    fn deliveries(&self, id: i64) -> Result<Vec<Delivered>, StoreError>;

    /// From now on, record posts only while `fence`'s lease holds. A store
    /// whose lease cannot be lost while the process lives (SQLite's lock
    /// file) has nothing to fence.
    fn fence(&self, _fence: Fence) {}
}

/// A store whose inherent methods keep the trait's promises, under the
/// same names: each call is the inherent method (SQLite's [`Store`],
/// PostgreSQL's store).
macro_rules! by_inherent_methods {
    ($store:ty $(, fence: $fence:ty)?) => {
        impl $crate::store::ScheduleStore for $store {
            fn memory(&self) -> Result<$crate::schedule::Memory, $crate::store::StoreError> {
                <$store>::memory(self)
            }
            fn last_post(&self) -> Result<i64, $crate::store::StoreError> {
                <$store>::last_post(self)
            }
            fn posts_after(
                &self,
                seq: i64,
            ) -> Result<(Vec<String>, i64), $crate::store::StoreError> {
                <$store>::posts_after(self, seq)
            }
            fn data_version(&self) -> Result<i64, $crate::store::StoreError> {
                <$store>::data_version(self)
            }
            fn announced(&self) -> &tokio::sync::Notify {
                &self.announced
            }
            fn parts(
                &self,
            ) -> Result<
                std::collections::HashMap<String, (usize, Option<String>)>,
                $crate::store::StoreError,
            > {
                <$store>::parts(self)
            }
            fn record_part(
                &self,
                post: &$crate::schedule::Post,
                sent: usize,
                detail: Option<&str>,
                at: chrono::DateTime<chrono::Utc>,
            ) -> Result<(), $crate::store::StoreError> {
                <$store>::record_part(self, post, sent, detail, at)
            }
            fn record_post(
                &self,
                post: &$crate::schedule::Post,
                outcome: $crate::store::Outcome,
                detail: Option<&str>,
                told: &[(String, $crate::schedule::Facts)],
                at: chrono::DateTime<chrono::Utc>,
            ) -> Result<(), $crate::store::StoreError> {
                <$store>::record_post(self, post, outcome, detail, told, at)
            }
            fn record_seen(
                &self,
                changed: &[(String, $crate::schedule::Seen)],
            ) -> Result<(), $crate::store::StoreError> {
                <$store>::record_seen(self, changed)
            }
            fn forget_chat(
                &self,
                chat: &$crate::config::ChatTarget,
            ) -> Result<(), $crate::store::StoreError> {
                <$store>::forget_chat(self, chat)
            }
            fn followers(&self) -> Result<$crate::schedule::Followers, $crate::store::StoreError> {
                <$store>::followers(self)
            }
            fn follows_version(&self) -> u64 {
                <$store>::follows_version(self)
            }
            fn forget_member(&self, member: i64) -> Result<bool, $crate::store::StoreError> {
                <$store>::forget_member(self, member)
            }
            fn unsubscribe(
                &self,
                chat: (i64, Option<i32>),
            ) -> Result<bool, $crate::store::StoreError> {
                <$store>::unsubscribe(self, chat)
            }
            fn planned_until(
                &self,
            ) -> Result<Option<chrono::DateTime<chrono::Utc>>, $crate::store::StoreError> {
                <$store>::planned_until(self)
            }
            fn set_planned_until(
                &self,
                at: chrono::DateTime<chrono::Utc>,
            ) -> Result<(), $crate::store::StoreError> {
                <$store>::set_planned_until(self, at)
            }
            fn prune(
                &self,
                now: chrono::DateTime<chrono::Utc>,
                keep: chrono::Duration,
            ) -> Result<$crate::store::Pruned, $crate::store::StoreError> {
                <$store>::prune(self, now, keep)
            }
            fn targets(
                &self,
                configured: &[ChatTarget],
            ) -> Result<Vec<$crate::config::ChatTarget>, $crate::store::StoreError> {
                <$store>::targets(self, configured)
            }
            fn languages(
                &self,
            ) -> Result<
                std::collections::HashMap<$crate::config::ChatTarget, $crate::lang::Lang>,
                $crate::store::StoreError,
            > {
                <$store>::languages(self)
            }
            fn chat_key(
                &self,
                username: &str,
            ) -> Result<Option<$crate::config::ChatTarget>, $crate::store::StoreError> {
                <$store>::chat_key(self, username)
            }
            fn set_chat_key(
                &self,
                username: &str,
                key: &$crate::config::ChatTarget,
                at: chrono::DateTime<chrono::Utc>,
            ) -> Result<(), $crate::store::StoreError> {
                <$store>::set_chat_key(self, username, key, at)
            }
            fn has_history(
                &self,
                chat: &$crate::config::ChatTarget,
            ) -> Result<bool, $crate::store::StoreError> {
                <$store>::has_history(self, chat)
            }
            fn owed_announcements(
                &self,
            ) -> Result<
                Vec<std::sync::Arc<$crate::schedule::Announcement>>,
                $crate::store::StoreError,
            > {
                <$store>::owed_announcements(self)
            }
            fn finish_announcement(
                &self,
                id: i64,
                at: chrono::DateTime<chrono::Utc>,
            ) -> Result<Option<$crate::store::Record>, $crate::store::StoreError> {
                <$store>::finish_announcement(self, id, at)
            }
            fn hold_announcement(
                &self,
                id: i64,
                until: chrono::DateTime<chrono::Utc>,
            ) -> Result<(), $crate::store::StoreError> {
                <$store>::hold_announcement(self, id, until)
            }
            fn deliveries(
                &self,
                id: i64,
            ) -> Result<Vec<$crate::store::Delivered>, $crate::store::StoreError> {
                <$store>::deliveries(self, id)
            }
            $(
                fn fence(&self, fence: $fence) {
                    <$store>::fence(self, fence)
                }
            )?
        }
    };
}
pub(crate) use by_inherent_methods;

by_inherent_methods!(Store);
