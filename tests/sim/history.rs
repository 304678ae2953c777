//! Seeded random histories: weeks to months of an organizer editing pages,
//! members subscribing, an operator restarting, killing and suspending the
//! bot, and Telegram failing. A history is plain data, so a failing one can
//! be shrunk (steps dropped) and printed.

use std::fmt;

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use chrono_tz::Tz;

use super::rng::Rng;

/// Chats in `bot.toml`.
pub const CONFIGURED: [i64; 2] = [-1001, -1002];
/// Chats that may `/subscribe`.
pub const MEMBERS: [i64; 3] = [11, 12, 13];
/// Speakers a talk may have.
pub const SPEAKERS: [&str; 5] = ["周强", "Jane Doe", "Li Lei", "Ada Byron", "Sam Ortiz"];
/// Talks an event may have, by position: each has its own slot.
pub const TALKS: [&str; 4] = ["alpha", "beta", "gamma", "delta"];
/// Each talk is this long, and the next starts when it ends.
pub const TALK_MINUTES: i64 = 40;

#[derive(Debug, Clone)]
pub struct History {
    pub seed: u64,
    pub zone: Tz,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    /// When the first `herald run` starts (after `start` when the bot was
    /// first deployed late).
    pub first_run: DateTime<Utc>,
    pub reminders: Vec<&'static str>,
    pub talk_reminders: Vec<&'static str>,
    pub catch_up_minutes: i64,
    pub pages: Vec<PageSpec>,
    pub steps: Vec<Step>,
}

/// One event page: the starts it moves between, and how it begins.
#[derive(Debug, Clone)]
pub struct PageSpec {
    pub slug: String,
    pub title: String,
    /// Moves go back and forth between these (A→B→A→B).
    pub starts: Vec<DateTime<Utc>>,
    /// Talk positions on the page at first, with their speakers.
    pub talks: Vec<(usize, &'static str)>,
    /// Whether the page exists when the history begins.
    pub present: bool,
}

#[derive(Debug, Clone)]
pub struct Step {
    pub at: DateTime<Utc>,
    pub action: Action,
}

#[derive(Debug, Clone)]
pub enum Action {
    /// The page's date moves to `starts[to]` (its talks move with it).
    Move {
        page: usize,
        to: usize,
    },
    Speaker {
        page: usize,
        talk: usize,
        speaker: &'static str,
    },
    AddTalk {
        page: usize,
        talk: usize,
        speaker: &'static str,
    },
    RemoveTalk {
        page: usize,
        talk: usize,
    },
    Cancel {
        page: usize,
    },
    Restore {
        page: usize,
    },
    /// The page file is deleted.
    Remove {
        page: usize,
    },
    /// The page file comes back, as it was.
    Readd {
        page: usize,
    },
    Subscribe {
        chat: i64,
    },
    Unsubscribe {
        chat: i64,
    },
    /// The chat blocks the bot: Telegram answers 403 from now on.
    Block {
        chat: i64,
    },
    /// `herald announce --at`: due `after` from now.
    Announce {
        number: u32,
        after: Duration,
    },
    /// `kill -9`, at the next message Telegram accepts if `mid_send`
    /// (between the accept and herald's record of it), else now; back
    /// after `down`.
    Kill {
        mid_send: bool,
        down: Duration,
    },
    /// SIGTERM, back after `down`.
    Stop {
        down: Duration,
    },
    /// The machine is suspended for `length`: the wall clock jumps.
    Suspend {
        length: Duration,
    },
    /// A second `herald run` on the same state file: refused by the lease.
    Overlap,
    /// A `herald run --standby`: takes over when the running one dies.
    Standby,
    /// A second page with the page's slug appears beside it
    /// (`z-copy/<slug>.md` beside `<slug>.md`), two days later and titled
    /// `Impostor …`: it must never be served while the page is.
    Impostor {
        page: usize,
    },
    /// That second page is deleted.
    ImpostorGone {
        page: usize,
    },
}

/// What a page says at one moment.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PageState {
    pub start: usize,
    pub talks: Vec<(usize, &'static str)>,
    pub cancelled: bool,
    pub present: bool,
}

impl PageSpec {
    pub fn initial(&self) -> PageState {
        PageState {
            start: 0,
            talks: self.talks.clone(),
            cancelled: false,
            present: self.present,
        }
    }

    /// The page an organizer copied without renaming: the same slug, two
    /// days later, another title.
    pub fn impostor(&self) -> PageSpec {
        PageSpec {
            title: format!("Impostor {}", self.title),
            starts: self.starts.iter().map(|s| *s + Duration::days(2)).collect(),
            ..self.clone()
        }
    }

    /// The page file as an organizer wrote it, or `None` while removed.
    pub fn markdown(&self, state: &PageState, zone: Tz) -> Option<String> {
        if !state.present {
            return None;
        }
        let start = self.starts[state.start].with_timezone(&zone);
        let mut page = format!(
            "---\ntitle: \"{}\"\ndate: {}\nlocation: Hall {}\n",
            self.title,
            start.to_rfc3339(),
            self.slug
        );
        if state.cancelled {
            page.push_str("cancelled: true\n");
        }
        page.push_str("---\n\n## 议程\n\n");
        for (talk, speaker) in &state.talks {
            let from = start + Duration::minutes(TALK_MINUTES * *talk as i64);
            let to = from + Duration::minutes(TALK_MINUTES);
            page.push_str(&format!(
                "- {}-{} {} — {speaker} (Acme)\n",
                from.format("%H:%M"),
                to.format("%H:%M"),
                talk_title(&self.slug, *talk)
            ));
        }
        Some(page)
    }
}

pub fn talk_title(slug: &str, talk: usize) -> String {
    format!("Talk {slug} {}", TALKS[talk])
}

impl PageState {
    /// The page after `action`; actions that do not apply (restoring a page
    /// not cancelled, removing a talk it lacks) change nothing, so any
    /// subset of a history's steps is a history too.
    pub fn apply(&self, action: &Action) -> PageState {
        let mut next = self.clone();
        match action {
            Action::Move { to, .. } => next.start = *to,
            Action::Speaker { talk, speaker, .. } => {
                for (t, s) in &mut next.talks {
                    if t == talk {
                        *s = speaker;
                    }
                }
            }
            Action::AddTalk { talk, speaker, .. } if !next.talks.iter().any(|(t, _)| t == talk) => {
                next.talks.push((*talk, speaker));
                next.talks.sort();
            }
            // A page keeps at least one talk.
            Action::RemoveTalk { talk, .. } if next.talks.len() > 1 => {
                next.talks.retain(|(t, _)| t != talk);
            }
            Action::Cancel { .. } => next.cancelled = true,
            Action::Restore { .. } => next.cancelled = false,
            Action::Remove { .. } => next.present = false,
            Action::Readd { .. } => next.present = true,
            _ => {}
        }
        next
    }

    /// Whether the event is on: its page is there and not cancelled.
    pub fn live(&self) -> bool {
        self.present && !self.cancelled
    }
}

impl Action {
    pub fn page(&self) -> Option<usize> {
        match self {
            Action::Move { page, .. }
            | Action::Speaker { page, .. }
            | Action::AddTalk { page, .. }
            | Action::RemoveTalk { page, .. }
            | Action::Cancel { page }
            | Action::Restore { page }
            | Action::Remove { page }
            | Action::Readd { page } => Some(*page),
            _ => None,
        }
    }
}

/// The zones histories run in: two with daylight saving, two without.
const ZONES: [&str; 4] = ["Europe/Berlin", "America/New_York", "Asia/Shanghai", "UTC"];

impl History {
    pub fn generate(seed: u64) -> History {
        let mut rng = Rng::new(seed);
        let zone: Tz = rng.pick(&ZONES).parse().unwrap();
        // Around a daylight-saving change of 2027 (Europe: 28 Mar, 31 Oct;
        // New York: 14 Mar, 7 Nov), so digests and reminders cross it.
        let around = *rng.pick(&[(3, 1), (10, 1), (2, 20), (10, 20)]);
        let first_day = NaiveDate::from_ymd_opt(2027, around.0, around.1).unwrap()
            + Duration::days(rng.range(0, 20));
        let start = Utc.from_utc_datetime(
            &first_day
                .and_hms_opt(rng.range(0, 23) as u32, 7, 0)
                .unwrap(),
        );
        let days = rng.range(20, 60);
        let end = start + Duration::days(days);
        let first_run = if rng.chance(0.2) {
            start + Duration::minutes(rng.range(1, 90))
        } else {
            start
        };
        let mut reminders = vec!["1d", "2h"];
        if rng.chance(0.3) {
            // The same offset twice, as `herald check` warns of.
            reminders.push("120m");
        }
        let talk_reminders = vec!["10m"];
        let catch_up_minutes = *rng.pick(&[30, 60, 60, 120]);
        let long = rng.chance(0.25);
        let pages: Vec<PageSpec> = (0..rng.range(2, 5))
            .map(|n| page(&mut rng, n as usize, start, days, zone, long))
            .collect();
        let mut steps = Vec::new();
        for _ in 0..rng.range(10, 45) {
            let at = start + Duration::minutes(rng.range(1, days * 24 * 60 - 60));
            if let Some(action) = action(&mut rng, &pages, at) {
                steps.push(Step { at, action });
            }
        }
        // A burst of edits close together, and edits right before a
        // reminder, where races live.
        if let Some(page_no) = (!pages.is_empty()).then(|| rng.below(pages.len() as u64) as usize) {
            let due = pages[page_no].starts[0] - Duration::hours(2);
            let at = due - Duration::seconds(rng.range(5, 300));
            for (n, to) in [1, 0, 1].into_iter().enumerate() {
                steps.push(Step {
                    at: at + Duration::seconds(n as i64 * rng.range(1, 200)),
                    action: Action::Move { page: page_no, to },
                });
            }
        }
        // Duplicate slugs, drawn from a stream of their own so that the
        // rest of each seed's history stays as it was before they were added.
        let mut duplicates = Rng::new(seed ^ 0x00D0_B1E5);
        if !pages.is_empty() && duplicates.chance(0.3) {
            for _ in 0..duplicates.range(1, 4) {
                let at = start + Duration::minutes(duplicates.range(1, days * 24 * 60 - 60));
                let page = duplicates.below(pages.len() as u64) as usize;
                let action = match duplicates.chance(0.6) {
                    true => Action::Impostor { page },
                    false => Action::ImpostorGone { page },
                };
                steps.push(Step { at, action });
            }
        }
        steps.retain(|step| step.at > first_run && step.at < end);
        steps.sort_by_key(|step| step.at);
        History {
            seed,
            zone,
            start,
            end,
            first_run,
            reminders,
            talk_reminders,
            catch_up_minutes,
            pages,
            steps,
        }
    }

    pub fn config(&self) -> String {
        let quote = |items: &[&str]| {
            items
                .iter()
                .map(|i| format!("\"{i}\""))
                .collect::<Vec<_>>()
                .join(", ")
        };
        format!(
            "timezone = \"{}\"\nlanguage = \"en\"\n[telegram]\nchats = [{}]\n[schedule]\n\
             digest = \"0 30 2 * * Sun\"\ndigest_days = 14\nreminders = [{}]\n\
             talk_reminders = [{}]\ncatch_up = \"{}m\"\n",
            self.zone,
            CONFIGURED.map(|c| c.to_string()).join(", "),
            quote(&self.reminders),
            quote(&self.talk_reminders),
            self.catch_up_minutes
        )
    }

    pub fn catch_up(&self) -> Duration {
        Duration::minutes(self.catch_up_minutes)
    }

    /// One event three days out in UTC, its chats told a day before, and
    /// nothing else: for hand-written histories.
    pub fn quiet() -> History {
        let start = Utc.with_ymd_and_hms(2027, 5, 3, 8, 0, 0).unwrap();
        let event = start + Duration::days(3);
        History {
            seed: 0,
            zone: chrono_tz::UTC,
            start,
            end: start + Duration::days(5),
            first_run: start,
            reminders: vec!["1d", "2h"],
            talk_reminders: vec!["10m"],
            catch_up_minutes: 60,
            pages: vec![PageSpec {
                slug: "e0".into(),
                title: "Meetup e0".into(),
                starts: vec![
                    event,
                    event + Duration::hours(1),
                    event - Duration::minutes(30),
                ],
                talks: vec![(0, "Jane Doe"), (1, "Li Lei")],
                present: true,
            }],
            steps: Vec::new(),
        }
    }

    /// The history with `action` `before` its event's first start.
    pub fn with(mut self, before: Duration, action: Action) -> History {
        let at = self.pages[0].starts[0] - before;
        self.steps.push(Step { at, action });
        self.steps.sort_by_key(|step| step.at);
        self
    }

    pub fn without(&self, step: usize) -> History {
        let mut smaller = self.clone();
        smaller.steps.remove(step);
        smaller
    }
}

fn page(
    rng: &mut Rng,
    n: usize,
    start: DateTime<Utc>,
    days: i64,
    zone: Tz,
    long: bool,
) -> PageSpec {
    let slug = format!("e{n}");
    let title = if long {
        // Long enough that a digest of a few of them is several messages.
        format!(
            "Meetup {slug} {}",
            "long title words ".repeat(90).trim_end()
        )
    } else {
        format!("Meetup {slug}")
    };
    let day = (start + Duration::days(rng.range(1, days - 1))).with_timezone(&zone);
    let hour = rng.range(9, 19) as u32;
    let local = day
        .date_naive()
        .and_hms_opt(hour, *rng.pick(&[0, 30]), 0)
        .unwrap();
    let first = zone
        .from_local_datetime(&local)
        .earliest()
        .unwrap_or_else(|| zone.from_utc_datetime(&local))
        .with_timezone(&Utc);
    let starts = vec![
        first,
        first + Duration::hours(rng.range(1, 3)),
        first - Duration::minutes(30 * rng.range(1, 4)),
    ];
    let talks = (0..rng.range(1, 3) as usize)
        .map(|t| (t, *rng.pick(&SPEAKERS)))
        .collect();
    PageSpec {
        slug,
        title,
        starts,
        talks,
        present: rng.chance(0.85),
    }
}

fn action(rng: &mut Rng, pages: &[PageSpec], at: DateTime<Utc>) -> Option<Action> {
    let page = rng.below(pages.len() as u64) as usize;
    // Edits of an event happen before it.
    let editable = at < pages[page].starts.iter().min().copied()? - Duration::hours(1);
    let talk = rng.below(TALKS.len() as u64) as usize;
    let speaker = *rng.pick(&SPEAKERS);
    let chat = *rng.pick(&MEMBERS);
    let down = Duration::minutes(*rng.pick(&[1, 5, 20, 45, 90, 200]));
    let action = match rng.below(20) {
        0..=3 => Action::Move {
            page,
            to: rng.below(3) as usize,
        },
        4 => Action::Speaker {
            page,
            talk,
            speaker,
        },
        5 => Action::AddTalk {
            page,
            talk,
            speaker,
        },
        6 => Action::RemoveTalk { page, talk },
        7 => Action::Cancel { page },
        8 => Action::Restore { page },
        9 => Action::Remove { page },
        10 => Action::Readd { page },
        11 => Action::Subscribe { chat },
        12 => Action::Unsubscribe { chat },
        13 if rng.chance(0.3) => Action::Block { chat },
        13 | 14 => Action::Announce {
            number: rng.below(1000) as u32,
            after: Duration::minutes(*rng.pick(&[0, 0, 10, 120])),
        },
        15 | 16 => Action::Kill {
            mid_send: rng.chance(0.6),
            down,
        },
        17 => Action::Stop { down },
        18 => {
            if rng.chance(0.5) {
                Action::Suspend {
                    length: Duration::minutes(*rng.pick(&[3, 30, 180])),
                }
            } else {
                Action::Overlap
            }
        }
        _ => Action::Standby,
    };
    if action.page().is_some() && !editable {
        return None;
    }
    Some(action)
}

impl fmt::Display for History {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let zone = self.zone;
        let local = |at: DateTime<Utc>| at.with_timezone(&zone).format("%Y-%m-%d %H:%M:%S %Z");
        // (Times in violations below are local too, with the zone's abbreviation.)
        writeln!(
            f,
            "seed {}: {} to {} in {zone}",
            self.seed,
            local(self.start),
            local(self.end)
        )?;
        writeln!(
            f,
            "  reminders {:?}, talk reminders {:?}, catch_up {} min, first run {}",
            self.reminders,
            self.talk_reminders,
            self.catch_up_minutes,
            local(self.first_run)
        )?;
        for page in &self.pages {
            let starts: Vec<String> = page.starts.iter().map(|s| local(*s).to_string()).collect();
            writeln!(
                f,
                "  page {} ({} chars of title){}: starts {starts:?}, talks {:?}",
                page.slug,
                page.title.len(),
                if page.present { "" } else { " absent at first" },
                page.talks
            )?;
        }
        for step in &self.steps {
            writeln!(f, "  {}  {:?}", local(step.at), step.action)?;
        }
        Ok(())
    }
}
