//! The state as the bot's handlers need it (members' subscriptions,
//! follows and tokens, posters, cards, topics, announcements), and
//! [`Backend`]: that and the scheduler's [`ScheduleStore`] in one, so
//! `herald run` holds `Arc<dyn Backend>` and never knows which database
//! stands behind it.
//!
//! Both stores keep each promise under the same inherent method's name;
//! [`bot_store!`] writes the trait once and its two impls from one list of
//! signatures, so a method cannot be added to one store's impl and
//! forgotten in the other's (that fails to compile).

use std::collections::HashMap;
use std::sync::Arc;

use chrono::{DateTime, Utc};

use super::{
    Followed, LastPost, Ledger, NewAnnouncement, OpenedTopic, PgStore, Record, ScheduleStore,
    Store, StoreError, Subscription, Token, Withdrawal,
};
use crate::calendar::{entries, talks, Entry, Site, Stamp};
use crate::config::{Chat, ChatTarget};
use crate::duration::HumanDuration;
use crate::events::ids::Target;
use crate::events::{Event, Poster};
use crate::lang::Lang;
use crate::schedule::card::Card;

/// Declares [`BotStore`] with these methods, each a call to the store's
/// inherent method of the same name, for SQLite's [`Store`] and
/// PostgreSQL's [`PgStore`].
macro_rules! bot_store {
    ($(
        $(#[$doc:meta])*
        fn $name:ident(&self $(, $arg:ident: $ty:ty)* $(,)?) -> $ret:ty;
    )*) => {
        pub trait BotStore: Followed + Send + Sync + 'static {
            $( $(#[$doc])* fn $name(&self $(, $arg: $ty)*) -> $ret; )*

            /// Closes the store once this is its last holder, reporting
            /// what a plain drop would swallow; a store still held
            /// elsewhere closes when its last holder lets go.
            fn close(self: Arc<Self>) -> Result<(), StoreError>;

            /// The community feed as the pages say it at `at`: every dated
            /// event, versioned (see `store/calendar.rs`).
            fn feed(
                &self,
                events: &[Event],
                site: &Site,
                at: DateTime<Utc>,
            ) -> Result<Vec<Stamp>, StoreError> {
                self.calendar(entries(events, site), at)
            }

            /// Every timed talk as its own entry at `at`, in a ledger of
            /// its own: what members' feeds pick their talks from.
            fn talk_feed(
                &self,
                events: &[Event],
                site: &Site,
                at: DateTime<Utc>,
            ) -> Result<Vec<Stamp>, StoreError> {
                self.versions(Ledger::Talks, talks(events, site), at)
            }

            /// `entries` with their versions moved on for what changed.
            fn calendar(
                &self,
                entries: Vec<Entry>,
                at: DateTime<Utc>,
            ) -> Result<Vec<Stamp>, StoreError> {
                self.versions(Ledger::Events, entries, at)
            }
        }

        impl BotStore for Store {
            $( fn $name(&self $(, $arg: $ty)*) -> $ret { Store::$name(self $(, $arg)*) } )*

            fn close(self: Arc<Self>) -> Result<(), StoreError> {
                match Arc::into_inner(self) {
                    Some(store) => Store::close(store),
                    None => {
                        tracing::warn!("the state file is still in use; it closes on exit");
                        Ok(())
                    }
                }
            }
        }

        impl BotStore for PgStore {
            $( fn $name(&self $(, $arg: $ty)*) -> $ret { PgStore::$name(self $(, $arg)*) } )*

            /// The connection closes with the last holder (off the async
            /// workers, see `PgStore`'s `Drop`): nothing is left to report.
            fn close(self: Arc<Self>) -> Result<(), StoreError> {
                drop(self);
                Ok(())
            }
        }
    };
}

bot_store! {
    /// Subscribes a chat (or one of its topics); false if it already was.
    fn subscribe(
        &self,
        chat: (i64, Option<i32>),
        by: Option<u64>,
        lang: Option<Lang>,
        at: DateTime<Utc>,
    ) -> Result<bool, StoreError>;
    /// Keeps a group's or channel's title as last seen.
    fn note_title(&self, chat: i64, title: &str) -> Result<(), StoreError>;
    /// The titles of the chats herald has seen, by chat id.
    fn titles(&self) -> Result<HashMap<i64, String>, StoreError>;
    /// Every subscribed chat, oldest subscription first.
    fn subscribers(&self) -> Result<Vec<Subscription>, StoreError>;
    /// The last post each chat was sent or refused, for `herald chats`.
    fn last_posts(&self) -> Result<HashMap<ChatTarget, LastPost>, StoreError>;

    /// `member` follows `target` from `at`; false if they already did.
    fn follow(&self, member: i64, target: &Target, at: DateTime<Utc>) -> Result<bool, StoreError>;
    fn unfollow(&self, member: i64, target: &Target) -> Result<bool, StoreError>;
    /// How early `member` wants to hear of a talk, if they said.
    fn lead(&self, member: i64) -> Result<Option<HumanDuration>, StoreError>;
    fn set_lead(&self, member: i64, lead: HumanDuration) -> Result<(), StoreError>;
    /// The member started the bot: herald may write to them.
    fn mark_started(&self, member: i64) -> Result<(), StoreError>;
    fn has_started(&self, member: i64) -> Result<bool, StoreError>;
    /// Mutes (or unmutes) an event's talk reminders in a chat; false if
    /// nothing changed.
    fn set_mute(&self, chat: i64, event: &str, on: bool) -> Result<bool, StoreError>;

    /// `entries` (the pages as they are at `at`) and those whose page is
    /// gone, in `ledger`, their versions moved on for what changed.
    fn versions(
        &self,
        ledger: Ledger,
        entries: Vec<Entry>,
        at: DateTime<Utc>,
    ) -> Result<Vec<Stamp>, StoreError>;
    /// The member's calendar token, made at `at` if they had none.
    fn calendar_token(&self, member: i64, at: DateTime<Utc>) -> Result<Token, StoreError>;
    fn replace_calendar_token(&self, member: i64, at: DateTime<Utc>) -> Result<Token, StoreError>;
    /// Whose token `token` is.
    fn calendar_member(&self, token: &str) -> Result<Option<i64>, StoreError>;

    /// Telegram's id of this version of the poster, if it was uploaded.
    fn poster_file(&self, poster: &Poster) -> Result<Option<String>, StoreError>;
    fn set_poster_file(
        &self,
        poster: &Poster,
        file_id: &str,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError>;
    /// The live card last sent to `target`, if any.
    fn card(&self, target: &ChatTarget) -> Result<Option<Card>, StoreError>;
    fn set_card(&self, target: &ChatTarget, card: &Card) -> Result<(), StoreError>;
    /// The forum topic herald opened in `chat` for `event`, if it did.
    fn event_topic(&self, chat: &Chat, event: &str) -> Result<Option<i32>, StoreError>;
    fn set_event_topic(&self, topic: &OpenedTopic) -> Result<(), StoreError>;

    /// An organizer's announcement stored (a draft, or scheduled).
    fn add_announcement(&self, new: &NewAnnouncement, at: DateTime<Utc>)
        -> Result<i64, StoreError>;
    fn announcement(&self, id: i64) -> Result<Option<Record>, StoreError>;
    /// Every announcement, oldest first.
    fn announcements(&self) -> Result<Vec<Record>, StoreError>;
    /// A draft's Send: scheduled, its report to go to `report_to`.
    fn confirm_announcement(
        &self,
        id: i64,
        now: DateTime<Utc>,
        report_to: (i64, i32),
    ) -> Result<Option<Record>, StoreError>;
    fn withdraw_announcement(&self, id: i64, now: DateTime<Utc>) -> Result<Withdrawal, StoreError>;
}

/// Every piece of state `herald run` keeps, in whichever database:
/// what [`open`](super::open) gives.
pub trait Backend: ScheduleStore + BotStore {}

impl<T: ScheduleStore + BotStore> Backend for T {}
