//! The properties a history must keep, judged from what the chats received
//! (the fake Bot API's log) against what the pages said and when herald was
//! up: never from herald's own records, and never from its post keys, so a
//! planner that keys two posts differently for one reminder is still caught.
//!
//! Messages are recognised by their text: a reminder is matched exactly
//! against herald's own rendering of every version the page had, the other
//! kinds by their first symbol and the event titles they name.

use std::collections::HashMap;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use chrono_tz::Tz;
use herald::config::{ChatTarget, Config};
use herald::lang::Lang;
use herald::render;
use herald::schedule::{Post, What};

use super::history::{talk_title, History, PageState, CONFIGURED, MEMBERS, TALK_MINUTES};
use super::world::{digest_moments, Answer, Log};

/// How long herald may take to act on something, beyond its own rules
/// (retries, a `retry_after`, a turn under way).
const SLACK: Duration = Duration::minutes(2);
/// A post is owed for certain only where herald had this long to send it.
const MARGIN: Duration = Duration::minutes(10);
/// Herald renders with the pages as of its turn, which may be this old.
const STALE: Duration = Duration::minutes(10);

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    pub property: &'static str,
    pub detail: String,
}

pub const AT_MOST_ONCE: &str = "every chat got each due post at most once";
pub const NONE_LOST: &str = "no due post was lost";
pub const LAST_WORD: &str = "each chat's last word about each event matches the page";
pub const STAYS_CANCELLED: &str = "a cancelled event stays cancelled until restored";
pub const ON_TIME: &str = "nothing was posted early or more than catch_up late";
pub const AS_THE_PAGE_SAID: &str = "every post says what the page said when it went out";
pub const ORDER: &str = "posts to one chat keep their order";
pub const RECOGNISED: &str = "every message is one herald would write";
pub const PROCESS: &str = "one runner at a time, and none dies";

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Kind {
    Reminder {
        page: usize,
        start: DateTime<Utc>,
        due: DateTime<Utc>,
    },
    Talk {
        page: usize,
        talk: usize,
        start: DateTime<Utc>,
        due: DateTime<Utc>,
    },
    Digest {
        date: NaiveDate,
    },
    DigestPart {
        date: NaiveDate,
    },
    Change {
        page: usize,
    },
    Cancel {
        page: usize,
    },
    Announcement {
        marker: usize,
    },
    Other,
}

#[derive(Debug, Clone)]
struct Message {
    /// Index into the log's attempts.
    index: usize,
    at: DateTime<Utc>,
    chat: i64,
    kind: Kind,
    /// Pages whose title it names.
    pages: Vec<usize>,
}

struct Judge<'a> {
    history: &'a History,
    log: &'a Log,
    zone: Tz,
    catch_up: Duration,
    messages: Vec<Message>,
    refused: Vec<Message>,
    /// Reminder and talk reminder texts, from every page version.
    known: HashMap<String, Kind>,
    out: Vec<Violation>,
}

pub fn check(history: &History, log: &Log) -> Vec<Violation> {
    let config = Config::parse(std::path::Path::new("bot.toml"), &history.config()).unwrap();
    let mut judge = Judge {
        history,
        log,
        zone: history.zone,
        catch_up: history.catch_up(),
        messages: Vec::new(),
        refused: Vec::new(),
        known: HashMap::new(),
        out: Vec::new(),
    };
    judge.learn(&config);
    judge.classify();
    for problem in &log.problems {
        judge.fail(PROCESS, problem.clone());
    }
    judge.at_most_once();
    judge.none_lost(&config);
    judge.on_time_and_true();
    judge.stays_cancelled();
    judge.last_word();
    judge.order();
    judge.out
}

type Span = (DateTime<Utc>, DateTime<Utc>);

/// The parts of `a` inside `b`.
fn intersect(a: &[Span], b: &[Span]) -> Vec<Span> {
    let mut out = Vec::new();
    for &(a0, a1) in a {
        for &(b0, b1) in b {
            let (from, to) = (a0.max(b0), a1.min(b1));
            if from < to {
                out.push((from, to));
            }
        }
    }
    out.sort();
    out
}

/// `a` without the parts in `b`.
fn subtract(a: &[Span], b: &[Span]) -> Vec<Span> {
    let mut out = a.to_vec();
    for &(b0, b1) in b {
        out = out
            .into_iter()
            .flat_map(|(a0, a1)| {
                let mut parts = Vec::new();
                if a0 < b0.min(a1) {
                    parts.push((a0, b0.min(a1)));
                }
                if b1.max(a0) < a1 {
                    parts.push((b1.max(a0), a1));
                }
                parts
            })
            .collect();
    }
    out
}

impl<'a> Judge<'a> {
    fn fail(&mut self, property: &'static str, detail: String) {
        self.out.push(Violation { property, detail });
    }

    fn local(&self, at: DateTime<Utc>) -> String {
        at.with_timezone(&self.zone)
            .format("%m-%d %H:%M:%S %Z")
            .to_string()
    }

    fn title(&self, page: usize) -> &str {
        &self.history.pages[page].title
    }

    /// Renders every reminder herald could send of every version a page had.
    fn learn(&mut self, config: &Config) {
        for ((page, state), event) in &self.log.versions {
            let Some(start) = event.start.map(|s| s.with_timezone(&Utc)) else {
                continue;
            };
            let post = |what: What| Post {
                key: String::new(),
                due: start,
                chat: ChatTarget::id(0),
                what,
            };
            for before in &config.schedule.reminders {
                let what = What::Reminder {
                    event: event.id.clone(),
                    before: *before,
                };
                for html in render::post(
                    &post(what),
                    std::slice::from_ref(event),
                    Lang::En,
                    self.zone,
                ) {
                    let due = start - before.to_chrono();
                    self.known.insert(
                        html,
                        Kind::Reminder {
                            page: *page,
                            start,
                            due,
                        },
                    );
                }
            }
            for (index, talk) in event.talks().enumerate() {
                let Some(slot) = talk.slot else { continue };
                let position = state.talks[index].0;
                for before in &config.schedule.talk_reminders {
                    let what = What::TalkReminder {
                        event: event.id.clone(),
                        talk: index,
                        before: *before,
                    };
                    let slot_start = slot.start.with_timezone(&Utc);
                    for html in render::post(
                        &post(what),
                        std::slice::from_ref(event),
                        Lang::En,
                        self.zone,
                    ) {
                        let due = slot_start - before.to_chrono();
                        self.known.insert(
                            html,
                            Kind::Talk {
                                page: *page,
                                talk: position,
                                start,
                                due,
                            },
                        );
                    }
                }
            }
        }
    }

    fn classify(&mut self) {
        for (index, attempt) in self.log.attempts.iter().enumerate() {
            if !matches!(attempt.answer, Answer::Accepted | Answer::Refused) {
                continue;
            }
            let html = &attempt.html;
            // Cards and lists show a title in bold; notices name it after
            // their bold heading (`❌ <b>Cancelled:</b> Meetup e1`).
            let heading = html.lines().next().unwrap_or_default();
            let pages: Vec<usize> = (0..self.history.pages.len())
                .filter(|p| {
                    let title = self.title(*p);
                    html.contains(&format!("<b>{title}</b>"))
                        || heading.ends_with(&format!("</b> {title}"))
                })
                .collect();
            let date = attempt.at.with_timezone(&self.zone).date_naive();
            let first = pages.first().copied();
            let kind = if html.starts_with("⏰") {
                match self.known.get(html) {
                    Some(kind) => kind.clone(),
                    None => {
                        self.fail(
                            RECOGNISED,
                            format!(
                                "{} chat {}: a reminder no page version gives: {html}",
                                self.local(attempt.at),
                                attempt.chat
                            ),
                        );
                        continue;
                    }
                }
            } else if html.starts_with("📆") {
                Kind::Digest { date }
            } else if html.starts_with("• ") {
                Kind::DigestPart { date }
            } else if let (true, Some(page)) = (html.starts_with("📣"), first) {
                Kind::Change { page }
            } else if let (true, Some(page)) = (html.starts_with("❌"), first) {
                Kind::Cancel { page }
            } else if let Some(marker) = html
                .strip_prefix("📢 <b>ANN-")
                .and_then(|rest| rest.split('<').next())
                .and_then(|n| n.parse().ok())
            {
                Kind::Announcement { marker }
            } else {
                Kind::Other
            };
            let message = Message {
                index,
                at: attempt.at,
                chat: attempt.chat,
                kind,
                pages,
            };
            if attempt.answer == Answer::Accepted {
                self.messages.push(message);
            } else {
                self.refused.push(message);
            }
        }
    }

    fn html(&self, message: &Message) -> &str {
        &self.log.attempts[message.index].html
    }

    fn state_at(&self, page: usize, at: DateTime<Utc>) -> &PageState {
        let timeline = &self.log.pages[page];
        let after = timeline.partition_point(|(t, _)| *t <= at);
        &timeline[after.saturating_sub(1)].1
    }

    /// Whether `page` was in a state for which `holds` at some moment of
    /// `[from, to]`.
    fn ever(
        &self,
        page: usize,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        holds: impl Fn(&PageState) -> bool,
    ) -> bool {
        holds(self.state_at(page, from))
            || self.log.pages[page]
                .iter()
                .any(|(t, state)| *t > from && *t <= to && holds(state))
    }

    fn changed_between(&self, page: usize, from: DateTime<Utc>, to: DateTime<Utc>) -> bool {
        self.log.pages[page]
            .iter()
            .any(|(t, _)| *t > from && *t <= to)
    }

    /// When the page was in a state for which `holds`.
    fn spans(&self, page: usize, holds: impl Fn(&PageState) -> bool) -> Vec<Span> {
        let timeline = &self.log.pages[page];
        let far = self.log.end + Duration::days(1);
        timeline
            .iter()
            .enumerate()
            .filter(|(_, (_, state))| holds(state))
            .map(|(n, (t, _))| (*t, timeline.get(n + 1).map_or(far, |next| next.0)))
            .collect()
    }

    fn start_of(&self, page: usize, state: &PageState) -> DateTime<Utc> {
        self.history.pages[page].starts[state.start]
    }

    fn up(&self) -> Vec<Span> {
        subtract(&self.log.up, &self.log.suspended)
    }

    fn blocked_at(&self, chat: i64) -> Option<DateTime<Utc>> {
        self.log
            .blocked
            .iter()
            .find(|(_, c)| *c == chat)
            .map(|(t, _)| *t)
    }

    /// When herald was to post to `chat`: configured, or subscribed, and
    /// not blocked.
    fn target(&self, chat: i64) -> Vec<Span> {
        let far = self.log.end + Duration::days(1);
        let mut spans = Vec::new();
        if CONFIGURED.contains(&chat) {
            spans.push((self.history.start, far));
        } else {
            let mut since = None;
            for (t, c, subscribed) in &self.log.subscriptions {
                if *c != chat {
                    continue;
                }
                match (subscribed, since) {
                    (true, None) => since = Some(*t),
                    (false, Some(from)) => {
                        spans.push((from, *t));
                        since = None;
                    }
                    _ => {}
                }
            }
            if let Some(from) = since {
                spans.push((from, far));
            }
        }
        match self.blocked_at(chat) {
            Some(at) => subtract(&spans, &[(at, far)]),
            None => spans,
        }
    }

    fn chats() -> impl Iterator<Item = i64> {
        CONFIGURED.into_iter().chain(MEMBERS)
    }

    fn at_most_once(&mut self) {
        let mut seen: HashMap<(i64, Kind, String), Vec<usize>> = HashMap::new();
        for (n, message) in self.messages.iter().enumerate() {
            let key = match &message.kind {
                Kind::Reminder { .. }
                | Kind::Talk { .. }
                | Kind::Digest { .. }
                | Kind::Announcement { .. } => (message.chat, message.kind.clone(), String::new()),
                _ => (
                    message.chat,
                    message.kind.clone(),
                    self.html(message).to_string(),
                ),
            };
            seen.entry(key).or_default().push(n);
        }
        let mut windows: Vec<(DateTime<Utc>, Option<usize>)> = self.log.kills.clone();
        let mut repeats: Vec<(usize, usize)> = Vec::new();
        for ((_, kind, _), sent) in &seen {
            for pair in sent.windows(2) {
                let (first, again) = (&self.messages[pair[0]], &self.messages[pair[1]]);
                let notice = matches!(
                    kind,
                    Kind::Change { .. }
                        | Kind::Cancel { .. }
                        | Kind::Other
                        | Kind::DigestPart { .. }
                );
                // The same notice again after the page changed and came back
                // is news again.
                if notice
                    && first
                        .pages
                        .iter()
                        .any(|p| self.changed_between(*p, first.at, again.at))
                {
                    continue;
                }
                repeats.push((pair[0], pair[1]));
            }
        }
        repeats.sort();
        for (first, again) in repeats {
            let (first, again) = (self.messages[first].clone(), self.messages[again].clone());
            let html = self.html(&first).to_string();
            // One message may repeat per kill: the one Telegram accepted
            // as herald died, before herald recorded it.
            let window = windows.iter_mut().find(|(at, window)| {
                *at >= first.at
                    && *at <= again.at
                    && window.is_some_and(|w| {
                        let attempt = &self.log.attempts[w];
                        attempt.chat == first.chat && attempt.html == html
                    })
            });
            if let Some(window) = window {
                window.1 = None;
                continue;
            }
            self.fail(
                AT_MOST_ONCE,
                format!(
                    "chat {} got this at {} and again at {}: {}",
                    first.chat,
                    self.local(first.at),
                    self.local(again.at),
                    shorten(&html)
                ),
            );
        }
    }

    /// Whether `chat` was owed a post due at `due` that herald had
    /// `MARGIN` to send while `valid`: the chat a target from `due` on.
    fn owed(&self, chat: i64, due: DateTime<Utc>, valid: &[Span]) -> Option<DateTime<Utc>> {
        let window = [(due, due + self.catch_up)];
        let chance = intersect(&intersect(&self.up(), &window), valid);
        let (from, _) = *chance.iter().find(|(a, b)| *b - *a >= MARGIN)?;
        let target = self.target(chat);
        target
            .iter()
            .any(|(a, b)| *a <= due && *b >= from + MARGIN)
            .then_some(from)
    }

    /// The chats owed `kind`, due at `due` while `valid`, that never got
    /// it, each with when herald first had the chance.
    fn lost(&self, due: DateTime<Utc>, valid: &[Span], kind: &Kind) -> Vec<(i64, DateTime<Utc>)> {
        Self::chats()
            .filter_map(|chat| Some((chat, self.owed(chat, due, valid)?)))
            .filter(|(chat, _)| !self.got(*chat, kind))
            .collect()
    }

    fn got(&self, chat: i64, kind: &Kind) -> bool {
        let any = |m: &Message| m.chat == chat && m.kind == *kind;
        self.messages.iter().any(any) || self.refused.iter().any(any)
    }

    fn none_lost(&mut self, config: &Config) {
        let mut offsets: Vec<Duration> = config
            .schedule
            .reminders
            .iter()
            .map(|r| r.to_chrono())
            .collect();
        offsets.sort();
        offsets.dedup();
        let talk_offsets: Vec<Duration> = config
            .schedule
            .talk_reminders
            .iter()
            .map(|r| r.to_chrono())
            .collect();
        let mut missing = Vec::new();
        for (page, spec) in self.history.pages.iter().enumerate() {
            for (index, start) in spec.starts.iter().enumerate() {
                let live = self.spans(page, |s| s.live() && s.start == index);
                for offset in &offsets {
                    let due = *start - *offset;
                    let kind = Kind::Reminder {
                        page,
                        start: *start,
                        due,
                    };
                    for (chat, from) in self.lost(due, &live, &kind) {
                        let what =
                            format!("the {} reminder of {}", humanize(*offset), self.title(page));
                        missing.push((chat, due, from, what));
                    }
                }
                for talk in 0..super::history::TALKS.len() {
                    let with = self.spans(page, |s| {
                        s.live() && s.start == index && s.talks.iter().any(|(t, _)| *t == talk)
                    });
                    let slot = *start + Duration::minutes(TALK_MINUTES * talk as i64);
                    for offset in &talk_offsets {
                        let due = slot - *offset;
                        let kind = Kind::Talk {
                            page,
                            talk,
                            start: *start,
                            due,
                        };
                        for (chat, from) in self.lost(due, &with, &kind) {
                            let what =
                                format!("the talk reminder of {}", talk_title(&spec.slug, talk));
                            missing.push((chat, due, from, what));
                        }
                    }
                }
            }
        }
        let mut dates: Vec<(NaiveDate, DateTime<Utc>)> = Vec::new();
        for at in digest_moments(self.history) {
            let date = at.with_timezone(&self.zone).date_naive();
            if !dates.iter().any(|(d, _)| *d == date) {
                dates.push((date, at));
            }
        }
        for (date, at) in dates {
            // Owed for certain when an event on the page throughout is
            // well inside the digest's fortnight.
            let listed = (0..self.history.pages.len()).any(|page| {
                let state = self.state_at(page, at - Duration::minutes(1));
                let start = self.start_of(page, state);
                state.live()
                    && !self.changed_between(page, at - Duration::minutes(1), at + self.catch_up)
                    && start >= at + Duration::hours(1)
                    && start <= at + Duration::days(13)
            });
            if !listed {
                continue;
            }
            let always = [(self.history.start, self.log.end + Duration::days(1))];
            for (chat, from) in self.lost(at, &always, &Kind::Digest { date }) {
                missing.push((chat, at, from, format!("the digest of {date}")));
            }
        }
        for &(marker, due) in &self.log.announcements {
            let always = [(self.history.start, self.log.end + Duration::days(1))];
            for (chat, from) in self.lost(due, &always, &Kind::Announcement { marker }) {
                missing.push((chat, due, from, format!("announcement ANN-{marker}")));
            }
        }
        for (chat, due, from, what) in missing {
            let detail = format!(
                "chat {chat} never got {what}, due {} (herald was up and the page said so from {})",
                self.local(due),
                self.local(from)
            );
            self.fail(NONE_LOST, detail);
        }
    }

    fn on_time_and_true(&mut self) {
        let moments = digest_moments(self.history);
        let catch_up = self.catch_up;
        for message in self.messages.clone() {
            let at = message.at;
            let due = match &message.kind {
                Kind::Reminder { due, .. } | Kind::Talk { due, .. } => Some(*due),
                Kind::Digest { date } => {
                    // Of a wall time that happens twice, the reading it went
                    // out after: the second, for a chat that joined, or a
                    // herald that started, between them.
                    let readings: Vec<DateTime<Utc>> = moments
                        .iter()
                        .copied()
                        .filter(|m| m.with_timezone(&self.zone).date_naive() == *date)
                        .collect();
                    let due = readings
                        .iter()
                        .copied()
                        .rfind(|m| *m <= at + Duration::seconds(1))
                        .or(readings.first().copied());
                    if due.is_none() {
                        self.fail(
                            ON_TIME,
                            format!(
                                "chat {} got a digest at {}, a day the cron does not name",
                                message.chat,
                                self.local(at)
                            ),
                        );
                    }
                    due
                }
                Kind::Announcement { marker } => self
                    .log
                    .announcements
                    .iter()
                    .find(|(m, _)| m == marker)
                    .map(|(_, due)| *due),
                _ => None,
            };
            if let Some(due) = due {
                if at < due - Duration::seconds(1) || at > due + catch_up + SLACK {
                    let detail = format!(
                        "chat {} got it at {}, due {}: {}",
                        message.chat,
                        self.local(at),
                        self.local(due),
                        shorten(self.html(&message))
                    );
                    self.fail(ON_TIME, detail);
                }
            }
            let said = match &message.kind {
                Kind::Reminder { page, start, .. } => {
                    let start = *start;
                    Some((
                        *page,
                        self.ever(*page, at - STALE, at, |s| {
                            s.live() && self.start_of(*page, s) == start
                        }),
                    ))
                }
                Kind::Talk {
                    page, talk, start, ..
                } => {
                    let (start, talk) = (*start, *talk);
                    let holds = |s: &PageState| {
                        s.live()
                            && self.start_of(*page, s) == start
                            && s.talks.iter().any(|(t, _)| *t == talk)
                    };
                    Some((*page, self.ever(*page, at - STALE, at, holds)))
                }
                Kind::Cancel { page } => {
                    Some((*page, self.ever(*page, at - STALE, at, |s| !s.live())))
                }
                _ => None,
            };
            if let Some((page, false)) = said {
                let detail = format!(
                    "chat {} got this at {}, which {} did not say then: {}",
                    message.chat,
                    self.local(at),
                    self.history.pages[page].slug,
                    shorten(self.html(&message))
                );
                self.fail(AS_THE_PAGE_SAID, detail);
            }
        }
    }

    fn stays_cancelled(&mut self) {
        for message in self.messages.clone() {
            let Kind::Cancel { page } = message.kind else {
                continue;
            };
            let later = self.messages.iter().find(|m| {
                m.chat == message.chat
                    && m.at > message.at
                    && m.pages.contains(&page)
                    && matches!(
                        m.kind,
                        Kind::Reminder { .. }
                            | Kind::Talk { .. }
                            | Kind::Digest { .. }
                            | Kind::DigestPart { .. }
                            | Kind::Change { .. }
                    )
                    && !self.ever(page, message.at, m.at, |s| s.live())
            });
            if let Some(later) = later {
                let detail = format!(
                    "chat {} was told {} is cancelled at {}, then at {}, with no restore between: {}",
                    message.chat,
                    self.history.pages[page].slug,
                    self.local(message.at),
                    self.local(later.at),
                    shorten(self.html(later))
                );
                self.fail(STAYS_CANCELLED, detail);
            }
        }
    }

    fn last_word(&mut self) {
        let end = self.log.end;
        for chat in Self::chats() {
            if !self
                .target(chat)
                .iter()
                .any(|(a, b)| *a <= end && *b >= end)
            {
                continue;
            }
            for page in 0..self.history.pages.len() {
                if self
                    .refused
                    .iter()
                    .any(|m| m.chat == chat && m.pages.contains(&page))
                {
                    continue;
                }
                let about = |m: &&Message| {
                    m.chat == chat
                        && m.pages.contains(&page)
                        && !matches!(m.kind, Kind::Talk { .. } | Kind::Announcement { .. })
                };
                let Some(last) = self.messages.iter().rfind(about).cloned() else {
                    continue;
                };
                let state = self.state_at(page, end).clone();
                // A chat that was not posted to between the page's last
                // change and the event's start, and subscribed only after,
                // is owed nothing about an event already over.
                let since = self.spans(page, |s| *s == state).last().map(|span| span.0);
                let before_start = since
                    .map(|since| vec![(since, self.start_of(page, &state))])
                    .filter(|window| window[0].0 < window[0].1);
                if before_start
                    .is_some_and(|window| intersect(&self.target(chat), &window).is_empty())
                {
                    continue;
                }
                let html = self.html(&last).to_string();
                let slug = &self.history.pages[page].slug;
                let wrong = if !state.live() {
                    (!matches!(last.kind, Kind::Cancel { .. })).then(|| {
                        format!(
                            "{slug} is {} but the last word was not a cancellation",
                            if state.present { "cancelled" } else { "gone" }
                        )
                    })
                } else if matches!(last.kind, Kind::Cancel { .. }) {
                    Some(format!(
                        "{slug} is on again, but the last word was its cancellation"
                    ))
                } else {
                    let event = &self.log.versions[&(page, state.clone())];
                    let says = match last.kind {
                        Kind::Digest { .. } | Kind::DigestPart { .. } => {
                            render::event_line(event, None, Lang::En, self.zone)
                        }
                        _ => {
                            let card = render::event_card(event, Lang::En, self.zone);
                            card.lines()
                                .find(|l| l.starts_with("🗓 "))
                                .unwrap_or_default()
                                .to_string()
                        }
                    };
                    (!html.contains(&says)).then(|| format!("{slug} now says “{says}”"))
                };
                if let Some(wrong) = wrong {
                    self.fail(
                        LAST_WORD,
                        format!(
                            "chat {chat}: {wrong}; last told at {}: {}",
                            self.local(last.at),
                            shorten(&html)
                        ),
                    );
                    continue;
                }
                if !state.live() {
                    continue;
                }
                for (talk, speaker) in &state.talks {
                    let bold = format!("<b>{}</b>", talk_title(slug, *talk));
                    let last = self
                        .messages
                        .iter()
                        .rfind(|m| m.chat == chat && self.html(m).contains(&bold));
                    if let Some(last) = last {
                        let html = self.html(last);
                        if !html.contains(speaker) {
                            let detail = format!(
                                "chat {chat}: {} is now given by {speaker}; last told at {}: {}",
                                talk_title(slug, *talk),
                                self.local(last.at),
                                shorten(html)
                            );
                            self.fail(LAST_WORD, detail);
                        }
                    }
                }
            }
        }
    }

    fn order(&mut self) {
        let moments = digest_moments(self.history);
        let due = |m: &Message| -> Option<DateTime<Utc>> {
            match &m.kind {
                Kind::Reminder { due, .. } | Kind::Talk { due, .. } => Some(*due),
                Kind::Digest { date } => moments
                    .iter()
                    .copied()
                    .find(|t| t.with_timezone(&self.zone).date_naive() == *date),
                Kind::Announcement { marker } => self
                    .log
                    .announcements
                    .iter()
                    .find(|(n, _)| n == marker)
                    .map(|(_, due)| *due),
                _ => None,
            }
        };
        let mut wrong = Vec::new();
        for chat in Self::chats() {
            let sent: Vec<&Message> = self.messages.iter().filter(|m| m.chat == chat).collect();
            let mut header: Option<NaiveDate> = None;
            for (i, first) in sent.iter().enumerate() {
                match first.kind {
                    Kind::Digest { date } => header = Some(date),
                    Kind::DigestPart { date } if header != Some(date) => wrong.push(format!(
                        "chat {chat}: a later part of a long post came at {} before its first part: {}",
                        self.local(first.at),
                        shorten(self.html(first))
                    )),
                    _ => {}
                }
                let Some(due_first) = due(first) else {
                    continue;
                };
                for later in &sent[i + 1..] {
                    let Some(due_later) = due(later) else {
                        continue;
                    };
                    let owed_then = due_later + Duration::minutes(1) <= first.at
                        && match &later.kind {
                            Kind::Reminder { page, start, .. } | Kind::Talk { page, start, .. } => {
                                let state = self.state_at(*page, first.at - Duration::minutes(1));
                                state.live() && self.start_of(*page, state) == *start
                            }
                            _ => true,
                        };
                    if due_later < due_first && owed_then {
                        wrong.push(format!(
                            "chat {chat}: {} (due {}) went out at {}, before {} (due {}) at {}",
                            shorten(self.html(first)),
                            self.local(due_first),
                            self.local(first.at),
                            shorten(self.html(later)),
                            self.local(due_later),
                            self.local(later.at)
                        ));
                        break;
                    }
                }
            }
        }
        for detail in wrong {
            self.fail(ORDER, detail);
        }
    }
}

fn humanize(offset: Duration) -> String {
    if offset.num_minutes() % (24 * 60) == 0 {
        format!("{}d", offset.num_days())
    } else if offset.num_minutes() % 60 == 0 {
        format!("{}h", offset.num_hours())
    } else {
        format!("{}m", offset.num_minutes())
    }
}

/// A message's first line, for a report.
fn shorten(html: &str) -> String {
    let first: String = html.lines().take(2).collect::<Vec<_>>().join(" / ");
    if first.chars().count() > 90 {
        format!("{}…", first.chars().take(90).collect::<String>())
    } else {
        first
    }
}
