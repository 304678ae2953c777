//! Every post herald owes its chats, as a pure function of the events, the
//! schedule, the chats, what was already done, and a window of time. The
//! runner sends what this returns; `herald preview` prints it. Neither
//! decides anything of its own, so a preview is what will happen.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use chrono::{DateTime, Duration, NaiveDateTime, Offset, TimeZone, Timelike, Utc};
use chrono_tz::Tz;

use super::facts::{fnv, Facts};
use super::memory::Memory;
use super::private::{self, is_private, Followers};
use crate::config::{ChatTarget, Config, Kind, Posts, Routes, Schedule};
use crate::duration::HumanDuration;
use crate::events::{Event, Talk};

/// Edits this close together make one change notice, not several.
pub const SETTLE: Duration = Duration::seconds(60);

/// What one post is about; rendering and "what the chat now knows" follow
/// from it.
#[derive(Debug, Clone, PartialEq)]
pub enum What {
    Digest {
        at: DateTime<Utc>,
        events: Vec<String>,
    },
    Reminder {
        event: String,
        before: HumanDuration,
    },
    TalkReminder {
        event: String,
        talk: usize,
        before: HumanDuration,
    },
    Change {
        event: String,
        old: Box<Facts>,
    },
    Cancellation {
        event: String,
        facts: Box<Facts>,
    },
    Recording {
        event: String,
    },
    /// An organizer's own words, to every chat.
    Announcement(Arc<Announcement>),
}

/// An announcement an organizer confirmed, as the planner sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Announcement {
    pub id: i64,
    pub due: DateTime<Utc>,
    /// Telegram HTML, exactly as previewed.
    pub html: String,
    /// Pin it where herald may.
    pub pin: bool,
    /// A `herald announce` is posting it itself until then; should that
    /// process die, the bot takes over once the hold runs out.
    pub held_until: Option<DateTime<Utc>>,
}

impl Announcement {
    /// Whether a `herald announce` is posting it at `now`.
    pub fn held(&self, now: DateTime<Utc>) -> bool {
        self.held_until.is_some_and(|until| until > now)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Post {
    /// Stable across restarts and re-plans: the exactly-once identity.
    pub key: String,
    pub due: DateTime<Utc>,
    pub chat: ChatTarget,
    pub what: What,
}

/// Where a post stands at a moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Send it now.
    Due,
    /// Not yet.
    Later,
    /// Fell due more than `catch_up` ago (herald was down, or the page
    /// appeared too late): record it as skipped, never send it.
    Stale,
}

impl Post {
    pub fn verdict(&self, now: DateTime<Utc>, catch_up: HumanDuration) -> Verdict {
        if self.due > now {
            Verdict::Later
        } else if self.is_timed() && now - self.due > catch_up.to_chrono() {
            Verdict::Stale
        } else {
            Verdict::Due
        }
    }

    /// Digests, reminders and announcements are about a moment and go
    /// stale (an announcement an hour late may already be wrong); a notice
    /// of a change, cancellation or recording stays true until it is told.
    fn is_timed(&self) -> bool {
        matches!(
            self.what,
            What::Digest { .. }
                | What::Reminder { .. }
                | What::TalkReminder { .. }
                | What::Announcement(_)
        )
    }

    /// The kind `[routes]` and `[posts] silent` name it by; notices of
    /// changes, cancellations and recordings have none.
    pub fn kind(&self) -> Option<Kind> {
        match self.what {
            What::Digest { .. } => Some(Kind::Digest),
            What::Reminder { .. } | What::TalkReminder { .. } => Some(Kind::Reminders),
            What::Announcement(_) => Some(Kind::Announcements),
            What::Change { .. } | What::Cancellation { .. } | What::Recording { .. } => None,
        }
    }

    /// Whether the post is to be pinned once sent.
    pub fn pin(&self) -> bool {
        matches!(&self.what, What::Announcement(a) if a.pin)
    }

    /// The announcement this post belongs to, if it is one.
    pub fn announcement(&self) -> Option<i64> {
        match &self.what {
            What::Announcement(announcement) => Some(announcement.id),
            _ => None,
        }
    }

    /// The events this post tells its chat about, for change notices later.
    pub fn events(&self) -> Vec<&str> {
        match &self.what {
            What::Digest { events, .. } => events.iter().map(String::as_str).collect(),
            What::Reminder { event, .. }
            | What::TalkReminder { event, .. }
            | What::Change { event, .. }
            | What::Cancellation { event, .. }
            | What::Recording { event } => vec![event],
            What::Announcement(_) => Vec::new(),
        }
    }
}

/// Everything the plan depends on.
#[derive(Debug, Clone, Copy)]
pub struct Input<'a> {
    pub events: &'a [Event],
    pub schedule: &'a Schedule,
    pub tz: Tz,
    /// Every chat posted to: configured and subscribed, each once.
    pub chats: &'a [ChatTarget],
    /// What members follow, reminded in private, and the chats' mutes.
    pub followers: &'a Followers,
    /// Which targets get which kinds, and their quiet hours.
    pub rules: &'a Rules,
    pub memory: &'a Memory,
    pub now: DateTime<Utc>,
    /// Timed posts (digests, reminders) falling due in `[from, until]` are
    /// planned; `from` is where the last run left off, so what fell due
    /// while herald was down is seen (and sent or skipped) once.
    pub from: DateTime<Utc>,
    pub until: DateTime<Utc>,
}

/// `[routes]`, `[posts]` and `[chat."…"]`, keyed by the targets as posted
/// to (a configured `@name` is posted to under the id it resolved to).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Rules {
    routes: Routes,
    /// The configured targets: a route limits these, not subscribers.
    configured: HashSet<ChatTarget>,
    posts: Posts,
    chat: HashMap<ChatTarget, Posts>,
}

impl Rules {
    /// The config's rules, each target under `key(target)`.
    pub fn new(config: &Config, key: impl Fn(&ChatTarget) -> ChatTarget) -> Rules {
        let keyed = |list: &Option<Vec<ChatTarget>>| {
            list.as_ref()
                .map(|list| list.iter().map(&key).collect::<Vec<_>>())
        };
        Rules {
            routes: Routes {
                digest: keyed(&config.routes.digest),
                reminders: keyed(&config.routes.reminders),
                announcements: keyed(&config.routes.announcements),
            },
            configured: config.telegram.chats.iter().map(&key).collect(),
            posts: config.posts.clone(),
            chat: config
                .chat
                .iter()
                .map(|(target, posts)| (key(target), posts.clone()))
                .collect(),
        }
    }

    /// Whether `target` gets posts of `kind`.
    pub fn takes(&self, kind: Kind, target: &ChatTarget) -> bool {
        match self.routes.of(kind) {
            None => true,
            Some(route) => route.contains(target) || !self.configured.contains(target),
        }
    }

    /// `target`'s `[posts]` settings: its `[chat."…"]` table's, or else
    /// `[posts]`.
    pub fn posts(&self, target: &ChatTarget) -> &Posts {
        self.chat.get(target).unwrap_or(&self.posts)
    }

    /// Whether `post` goes out without a sound when sent at `at`: inside
    /// its target's quiet hours, or of a kind `[posts] silent` names.
    pub fn silent(&self, post: &Post, at: DateTime<Utc>, tz: Tz) -> bool {
        let named = post
            .kind()
            .is_some_and(|kind| self.posts(&post.chat).silent.contains(&kind));
        named || self.quiet(&post.chat, at, tz)
    }

    /// Whether `at` is inside `target`'s quiet hours: what is sent then
    /// goes without a sound.
    pub fn quiet(&self, target: &ChatTarget, at: DateTime<Utc>, tz: Tz) -> bool {
        self.posts(target)
            .quiet_hours
            .is_some_and(|quiet| quiet.contains(at.with_timezone(&tz).time()))
    }

    /// When a digest or announcement due at `due` goes to `target`: at
    /// the end of its quiet hours if it falls inside them, else on time.
    pub fn hold(&self, target: &ChatTarget, due: DateTime<Utc>, tz: Tz) -> DateTime<Utc> {
        let Some(quiet) = self.posts(target).quiet_hours else {
            return due;
        };
        let local = due.with_timezone(&tz);
        if !quiet.contains(local.time()) {
            return due;
        }
        let day = match quiet.end > local.time() {
            true => local.date_naive(),
            false => local.date_naive() + Duration::days(1),
        };
        instant(tz, day.and_time(quiet.end))
    }
}

/// The longest a post is held for quiet hours: a digest that fell due
/// this long before a turn's window may be due inside it.
const LONGEST_HOLD: Duration = Duration::days(1);

/// How far ahead a turn looks for its next wake-up. Sleeping longer than
/// this is harmless: the runner simply plans again.
pub const LOOKAHEAD: Duration = Duration::days(1);

/// One turn of the scheduler at `now`: what to send, what to skip as too
/// late, and when to look again.
#[derive(Debug, Clone, PartialEq)]
pub struct Turn {
    pub send: Vec<Post>,
    pub skip: Vec<Post>,
    pub wake: DateTime<Utc>,
}

/// Plans `[input.from, input.now + LOOKAHEAD]` and sorts it by
/// [`Post::verdict`]. `input.until` is ignored: a turn always looks the same
/// distance ahead.
pub fn turn(input: &Input) -> Turn {
    let now = input.now;
    let until = now + LOOKAHEAD;
    let posts = plan(&Input { until, ..*input });
    let catch_up = input.schedule.catch_up;
    let mut turn = Turn {
        send: Vec::new(),
        skip: Vec::new(),
        wake: until,
    };
    for post in posts {
        match post.verdict(now, catch_up) {
            Verdict::Due => turn.send.push(post),
            Verdict::Stale => turn.skip.push(post),
            Verdict::Later => turn.wake = turn.wake.min(post.due),
        }
    }
    // Chats first, then members' own chats by due time: a talk followed by
    // thousands must not hold up the group posts behind its reminders.
    turn.send.sort_by_key(|post| is_private(&post.chat));
    // A held announcement is looked at again when its hold runs out.
    let holds = input
        .memory
        .announcements
        .iter()
        .filter_map(|a| a.held_until);
    turn.wake = holds
        .filter(|until| *until > now)
        .fold(turn.wake, DateTime::min);
    turn
}

/// The posts not yet done, soonest first.
pub fn plan(input: &Input) -> Vec<Post> {
    let mut posts = Vec::new();
    digests(input, &mut posts);
    for event in input.events.iter().filter(|e| !e.cancelled) {
        reminders(input, event, &mut posts);
    }
    private::reminders(input, &mut posts);
    notices(input, &mut posts);
    for announcement in &input.memory.announcements {
        if !announcement.held(input.now) && announcement.due <= input.until {
            posts.extend(announcement_posts(
                announcement,
                input.chats,
                input.rules,
                input.tz,
            ));
        }
    }
    posts.retain(|post| !input.memory.done.contains(&post.key));
    posts.sort_by(|a, b| (a.due, &a.key).cmp(&(b.due, &b.key)));
    // One key, one post: offsets written twice (`1h` and `60m`) name the
    // same reminder.
    posts.dedup_by(|a, b| a.key == b.key);
    posts
}

fn digests(input: &Input, posts: &mut Vec<Post>) {
    let schedule = input.schedule;
    let horizon = Duration::days(schedule.digest_days.into());
    let mut times = digest_times(&schedule.digest, input.tz, input.from, input.until);
    // Digests that fell due before the window, which quiet hours may hold
    // into it; a time the window has already is its own.
    let earlier = digest_times(
        &schedule.digest,
        input.tz,
        input.from - LONGEST_HOLD,
        input.from,
    );
    let held: Vec<DigestTime> = earlier
        .into_iter()
        .filter(|time| !times.iter().any(|known| known.first == time.first))
        .collect();
    times.extend(held);
    for DigestTime { due: at, first } in times {
        let events: Vec<String> = input
            .events
            .iter()
            .filter(|e| !e.cancelled)
            .filter(|e| {
                e.start
                    .is_some_and(|start| (at..at + horizon).contains(&start.with_timezone(&Utc)))
            })
            .map(|e| e.id.clone())
            .collect();
        if events.is_empty() {
            continue;
        }
        let key = format!("digest/{}", first.to_rfc3339());
        let what = What::Digest { at, events };
        // Held in quiet hours under the same key, so held or not it is
        // one digest.
        let held = every_chat(routed(input, Kind::Digest), at, &key, &what)
            .map(|post| Post {
                due: input.rules.hold(&post.chat, at, input.tz),
                ..post
            })
            .filter(|post| in_window(input, post.due));
        posts.extend(held);
    }
}

/// The targets that get posts of `kind`.
fn routed<'a>(input: &Input<'a>, kind: Kind) -> impl Iterator<Item = &'a ChatTarget> + 'a {
    let rules = input.rules;
    input
        .chats
        .iter()
        .filter(move |chat| rules.takes(kind, chat))
}

/// One digest the cron names: when it falls due, and the instant it is
/// known by, the first occurrence of its wall time (its key: one digest
/// whichever occurrence it goes out at).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DigestTime {
    pub due: DateTime<Utc>,
    pub first: DateTime<Utc>,
}

/// The moments in `[from, until]` the digest cron names in `tz`, each once.
///
/// The cron is read on the wall clock, not on instants, so daylight saving
/// cannot double or drop a digest: a time in an hour that happens twice
/// (autumn) is its first occurrence, or its second when the window opens
/// between them (herald was down at the first), and a time in an hour that
/// is skipped (spring) is the first moment after the gap (02:30 → 03:00 in
/// Berlin).
pub fn digest_times(
    cron: &cron::Schedule,
    tz: Tz,
    from: DateTime<Utc>,
    until: DateTime<Utc>,
) -> Vec<DigestTime> {
    // A wall time can map an hour before its place in the sequence
    // (autumn), so the walk starts a little early; the window check below
    // keeps only what falls in it.
    let start = from.with_timezone(&tz).naive_local() - Duration::hours(3) - Duration::seconds(1);
    let mut times: Vec<DigestTime> = Vec::new();
    // Bounded: config refuses a digest more often than once a minute, and
    // a long window stops here.
    for wall in cron.after(&start.and_utc()).take(10_000) {
        let (first, second) = instants(tz, wall.naive_utc());
        if first > until {
            break;
        }
        let due = match second {
            Some(second) if first < from => second,
            _ => first,
        };
        let known = times.last().map(|t| t.first) == Some(first);
        if due >= from && due <= until && !known {
            times.push(DigestTime { due, first });
        }
    }
    times
}

/// The instants a wall-clock time names in `tz`: its first occurrence and,
/// when it happens twice, its second; the end of the gap when it never
/// happens.
fn instants(tz: Tz, wall: NaiveDateTime) -> (DateTime<Utc>, Option<DateTime<Utc>>) {
    match tz.from_local_datetime(&wall) {
        chrono::offset::LocalResult::Ambiguous(first, second) => {
            (first.with_timezone(&Utc), Some(second.with_timezone(&Utc)))
        }
        _ => (instant(tz, wall), None),
    }
}

/// The instant a wall-clock time names in `tz`: its first occurrence when
/// it happens twice, the end of the gap when it never happens.
fn instant(tz: Tz, wall: NaiveDateTime) -> DateTime<Utc> {
    use chrono::offset::LocalResult;
    match tz.from_local_datetime(&wall) {
        LocalResult::Single(at) | LocalResult::Ambiguous(at, _) => at.with_timezone(&Utc),
        LocalResult::None => {
            // Gaps are whole minutes and under a day long in every zone.
            let after = (1..=24 * 60)
                .map(|minute| wall.with_second(0).unwrap_or(wall) + Duration::minutes(minute))
                .find_map(|later| tz.from_local_datetime(&later).earliest());
            let offset = tz.offset_from_utc_datetime(&wall).fix().local_minus_utc();
            after.map_or_else(
                || wall.and_utc() - Duration::seconds(offset.into()),
                |at| at.with_timezone(&Utc),
            )
        }
    }
}

/// An undated event has nothing to remind of. Reminders that a page gave
/// no occasion for (the page appeared, or its event moved, after they fell
/// due) are planned back to `catch_up` before now, so they go out late
/// rather than never; their keys hold the event's start, so reminders for
/// a time the event has left are never planned.
fn reminders(input: &Input, event: &Event, posts: &mut Vec<Post>) {
    let Some(written) = event.start else {
        return;
    };
    let owed = |due: DateTime<Utc>| owed(input, event, due);
    let start = written.with_timezone(&Utc);
    for &before in &input.schedule.reminders {
        let due = start - before.to_chrono();
        if owed(due) {
            let key = format!("reminder/{}/{before}/{}", event.id, written.to_rfc3339());
            let what = What::Reminder {
                event: event.id.clone(),
                before,
            };
            posts.extend(every_chat(routed(input, Kind::Reminders), due, &key, &what));
        }
    }
    for (index, talk) in event.talks().enumerate() {
        let Some(slot) = talk.slot else { continue };
        for &before in &input.schedule.talk_reminders {
            let due = slot.start.with_timezone(&Utc) - before.to_chrono();
            if owed(due) {
                let what = What::TalkReminder {
                    event: event.id.clone(),
                    talk: index,
                    before,
                };
                // A chat that muted the event gets none of its talks.
                let chats = routed(input, Kind::Reminders)
                    .filter(|chat| !input.followers.muted(chat, &event.id));
                posts.extend(chats.map(|chat| Post {
                    key: talk_key(&event.id, talk, before, chat),
                    due,
                    chat: chat.clone(),
                    what: what.clone(),
                }));
            }
        }
    }
}

/// Whether a reminder of `event` due at `due` is to be planned now.
pub(super) fn owed(input: &Input, event: &Event, due: DateTime<Utc>) -> bool {
    in_window(input, due) || came_late(input, event, due)
}

/// A talk reminder's key: the talk, how long before, its start (so a moved
/// talk is reminded at its new time), and the chat.
pub(super) fn talk_key(
    event: &str,
    talk: &Talk,
    before: HumanDuration,
    chat: &ChatTarget,
) -> String {
    TalkKey::of(event, talk).key(before, chat)
}

/// What the keys of one talk's reminders share, worked out once for the
/// many members who may follow it.
pub(super) struct TalkKey {
    talk: String,
    start: String,
}

impl TalkKey {
    pub(super) fn of(event: &str, talk: &Talk) -> TalkKey {
        let start = talk.slot.map(|slot| slot.start.to_rfc3339());
        TalkKey {
            talk: format!("talk/{event}/{}", talk_id(talk)),
            start: start.unwrap_or_default(),
        }
    }

    pub(super) fn key(&self, before: HumanDuration, chat: &ChatTarget) -> String {
        format!("{}/{before}/{}/{chat}", self.talk, self.start)
    }
}

/// Timed posts are planned only in `[from, until]`; checked before any key
/// is written, since most of a long history is outside it.
fn in_window(input: &Input, due: DateTime<Utc>) -> bool {
    due >= input.from && due <= input.until
}

/// A reminder that fell due before the window, within `catch_up` of now,
/// while its page did not yet say so: the page appeared (or the event
/// moved) after it fell due, so no earlier turn could have planned it.
/// Chats that got it are kept from a repeat by the done set; a chat that
/// subscribed since is not sent what fell due before the page was read.
fn came_late(input: &Input, event: &Event, due: DateTime<Utc>) -> bool {
    // The cheap tests first: most of a long history is far outside.
    let catch_up = input.schedule.catch_up.to_chrono();
    due < input.from
        && input.now - due <= catch_up
        && (input.memory.seen.get(&event.id)).is_some_and(|seen| seen.since > due)
}

/// One post to each chat, keyed `<key>/<chat>`.
fn every_chat<'a>(
    chats: impl Iterator<Item = &'a ChatTarget> + 'a,
    due: DateTime<Utc>,
    key: &'a str,
    what: &'a What,
) -> impl Iterator<Item = Post> + 'a {
    chats.map(move |chat| Post {
        key: format!("{key}/{chat}"),
        due,
        chat: chat.clone(),
        what: what.clone(),
    })
}

/// Change, cancellation and recording notices: owed to chats that were told
/// about an event, when the event is no longer what they were told.
///
/// A notice's key names the event's page *generation* (when the page took
/// its present facts) and what the chat was told before, not the new facts
/// alone: a page that goes 14:00 → 15:00 → 14:00 → 15:00 owes a notice at
/// each step, and so does cancel → restore → cancel, while planning again
/// at one generation yields the same keys.
fn notices(input: &Input, posts: &mut Vec<Post>) {
    // Members were told of what they follow in private, and are owed its
    // notices there.
    // Looked up only where a chat was told something else than the page
    // says now: with many members, building it is most of the work.
    let mut chats: Option<HashSet<ChatTarget>> = None;
    let mut posted_to = |chat: &ChatTarget| {
        let chats = chats.get_or_insert_with(|| {
            let members = input.followers.chats();
            input.chats.iter().cloned().chain(members).collect()
        });
        chats.contains(chat)
    };
    // The page's facts now, from the catalog, for the events some chat
    // knows otherwise: indexed only once one is found.
    let mut pages: Option<HashMap<&str, &Event>> = None;
    for (id, told) in &input.memory.told {
        let seen = input.memory.seen.get(id);
        // The steady state, in one look: every chat knows what the page says.
        let fingerprint = seen.and_then(|seen| seen.fingerprint);
        if told.versions.len() == 1 && fingerprint.is_some_and(|f| told.versions.contains_key(&f)) {
            continue;
        }
        let current = fingerprint.and_then(|_| {
            let pages = pages
                .get_or_insert_with(|| input.events.iter().map(|e| (e.id.as_str(), e)).collect());
            pages.get(id.as_str()).map(|event| Facts::of(event))
        });
        let current = current.as_ref();
        let due = seen.map_or(input.now, |seen| seen.since + SETTLE);
        let generation = Generation(seen.map(|seen| seen.since));
        for (chat, version) in &told.chats {
            // The common case, cheaply: the chat knows what the page says.
            if fingerprint == Some(*version) || !posted_to(chat) {
                continue;
            }
            let Some(facts) = told.versions.get(version).map(|v| &v.facts) else {
                continue;
            };
            let notice = match current {
                // Gone or cancelled, and the chat already knows it is off.
                None if facts.cancelled => None,
                Some(now) if now.cancelled && facts.cancelled => None,
                None => Some(cancellation(id, facts, generation)),
                Some(now) if now.cancelled => Some(cancellation(id, facts, generation)),
                Some(now) => change_or_recording(id, now, facts, generation, input),
            };
            if let Some((key, what)) = notice {
                posts.push(Post {
                    key: format!("{key}/{chat}"),
                    due,
                    chat: chat.clone(),
                    what,
                });
            }
        }
    }
}

/// Which version of a page a notice is about: the moment the page took
/// its present facts (or vanished). It changes with every edit that
/// matters and stays put across restarts, since the state file keeps it.
#[derive(Debug, Clone, Copy)]
struct Generation(Option<DateTime<Utc>>);

impl std::fmt::Display for Generation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.0 {
            Some(since) => write!(f, "{}", since.timestamp_millis()),
            None => f.write_str("unseen"),
        }
    }
}

fn cancellation(id: &str, facts: &Facts, generation: Generation) -> (String, What) {
    let start = facts
        .start
        .map_or("undated".to_string(), |s| s.to_rfc3339());
    let key = format!("cancel/{id}/{start}/{generation}");
    let what = What::Cancellation {
        event: id.to_string(),
        facts: Box::new(facts.clone()),
    };
    (key, what)
}

fn change_or_recording(
    id: &str,
    now: &Facts,
    told: &Facts,
    generation: Generation,
    input: &Input,
) -> Option<(String, What)> {
    if !told.changes(now).is_empty() {
        let key = format!(
            "change/{id}/{:016x}-{:016x}/{generation}",
            told.fingerprint(),
            now.fingerprint()
        );
        let what = What::Change {
            event: id.to_string(),
            old: Box::new(told.clone()),
        };
        return Some((key, what));
    }
    let event = input.events.iter().find(|e| e.id == id)?;
    let over = event
        .effective_end()
        .is_some_and(|end| end.with_timezone(&Utc) <= input.now);
    if over && now.new_recording(told) {
        let links = format!("{:?}{:?}", now.video, now.slides);
        let key = format!("recording/{id}/{:016x}/{generation}", fnv(&links));
        return Some((
            key,
            What::Recording {
                event: id.to_string(),
            },
        ));
    }
    None
}

/// One announcement to each chat its route names, held where it falls in
/// quiet hours. Unlike reminders it is owed whatever the window: it is
/// planned until it is done. Keys hold the announcement's id, so the state
/// file tells which chats got which announcement.
pub fn announcement_posts(
    announcement: &Arc<Announcement>,
    chats: &[ChatTarget],
    rules: &Rules,
    tz: Tz,
) -> Vec<Post> {
    let key = format!("announce/{}", announcement.id);
    let what = What::Announcement(Arc::clone(announcement));
    let chats = chats
        .iter()
        .filter(|chat| rules.takes(Kind::Announcements, chat));
    every_chat(chats, announcement.due, &key, &what)
        .map(|post| Post {
            due: rules.hold(&post.chat, post.due, tz),
            ..post
        })
        .collect()
}

pub fn announcement_key(id: i64, chat: &ChatTarget) -> String {
    format!("{}{chat}", announcement_prefix(id))
}

/// What the keys of one announcement's posts start with.
pub fn announcement_prefix(id: i64) -> String {
    format!("announce/{id}/")
}

/// A talk's identity across edits of other talks: its title.
fn talk_id(talk: &Talk) -> String {
    format!("{:016x}", fnv(&talk.title.plain()))
}
