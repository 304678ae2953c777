//! Scenario tests: weeks of scheduler time in milliseconds. A simulated
//! runner takes turns exactly as the real one does — observe the pages, plan,
//! send what is due, sleep until the next post — with a clock that jumps.

use std::path::Path;
use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};

use super::*;
use crate::config::{ChatTarget, Config};
use crate::events::{parse, Event, Parsed};

const CHATS: [ChatTarget; 2] = [ChatTarget::id(-100), ChatTarget::id(42)];

fn config(zone: &str, extra: &str) -> Config {
    let src = format!(
        "timezone = \"{zone}\"\n[schedule]\ndigest = \"0 0 10 * * Mon\"\ndigest_days = 14\nreminders = [\"7d\", \"1d\", \"2h\"]\ntalk_reminders = [\"10m\"]\ncatch_up = \"1h\"\n{extra}"
    );
    Config::parse(Path::new("bot.toml"), &src).unwrap()
}

/// The agenda of [`event`]: two talks, 14:00–15:20.
const AGENDA: &str =
    "- 14:00-14:40 First talk — 周强 (PingCAP)\n- 14:40-15:20 Second talk — Jane Doe (Acme)\n";

fn event(id: &str, start: &str, extra: &str) -> Event {
    event_with(id, start, extra, AGENDA)
}

fn event_with(id: &str, start: &str, extra: &str, agenda: &str) -> Event {
    let src = format!(
        "---\ntitle: Meetup {id}\ndate: {start}\nlocation: Room 1\n{extra}---\n\n## 议程\n\n{agenda}"
    );
    match parse(
        Path::new(&format!("{id}.md")),
        &src,
        "Asia/Shanghai".parse().unwrap(),
    ) {
        Ok(Parsed::Event { event, .. }) => *event,
        other => panic!("{other:?}"),
    }
}

fn at(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text)
        .unwrap()
        .with_timezone(&Utc)
}

/// A post as a chat saw it.
#[derive(Debug, Clone, PartialEq)]
struct Delivered {
    at: DateTime<Utc>,
    chat: ChatTarget,
    key: String,
    text: String,
}

/// The runner's loop without Telegram: the same turns, a clock that jumps.
struct Sim {
    config: Config,
    events: Vec<Event>,
    memory: Memory,
    from: DateTime<Utc>,
    now: DateTime<Utc>,
    delivered: Vec<Delivered>,
    skipped: Vec<String>,
    followers: Followers,
    rules: Rules,
    /// `telegram.chats`, or [`CHATS`] where the config names none.
    chats: Vec<ChatTarget>,
}

impl Sim {
    fn new(config: Config, events: Vec<Event>, start: DateTime<Utc>) -> Sim {
        Sim {
            events,
            memory: Memory::default(),
            from: start,
            now: start,
            delivered: Vec::new(),
            skipped: Vec::new(),
            followers: Followers::default(),
            rules: Rules::new(&config, ChatTarget::clone),
            chats: match config.telegram.chats.is_empty() {
                true => CHATS.to_vec(),
                false => config.telegram.chats.clone(),
            },
            config,
        }
    }

    /// Runs turns until `until`, sleeping between them as the runner does.
    fn run_until(&mut self, until: DateTime<Utc>) {
        for _ in 0..100_000 {
            let wake = self.turn();
            if wake > until {
                self.now = until;
                return;
            }
            self.now = wake;
        }
        panic!("the scheduler did not settle: a busy loop");
    }

    fn turn(&mut self) -> DateTime<Utc> {
        self.memory.observe(&self.events, self.now);
        let input = Input {
            events: &self.events,
            schedule: &self.config.schedule,
            tz: self.config.timezone,
            chats: &self.chats,
            followers: &self.followers,
            rules: &self.rules,
            memory: &self.memory,
            now: self.now,
            from: self.from,
            until: self.now,
        };
        let turn = turn(&input);
        for post in &turn.send {
            let text = crate::render::post(
                post,
                &self.events,
                self.config.language,
                self.config.timezone,
            )
            .into_iter()
            .map(|m| crate::render::html_to_plain(&m))
            .collect::<Vec<_>>()
            .join("\n");
            self.delivered.push(Delivered {
                at: self.now,
                chat: post.chat.clone(),
                key: post.key.clone(),
                text,
            });
            self.memory.sent(post, &self.events);
        }
        for post in &turn.skip {
            self.skipped.push(post.key.clone());
            self.memory.skipped(post);
        }
        self.from = self.now;
        turn.wake
    }

    /// What one chat received, as `time kind`.
    fn log(&self, chat: &ChatTarget) -> Vec<String> {
        self.delivered
            .iter()
            .filter(|d| &d.chat == chat)
            .map(|d| {
                format!(
                    "{} {}",
                    d.at.with_timezone(&self.config.timezone)
                        .format("%m-%d %H:%M"),
                    kind(&d.key)
                )
            })
            .collect()
    }

    fn texts(&self, kind_prefix: &str) -> Vec<&str> {
        self.delivered
            .iter()
            .filter(|d| d.chat == CHATS[0] && d.key.starts_with(kind_prefix))
            .map(|d| d.text.as_str())
            .collect()
    }
}

/// `reminder/e/7d/...` → `reminder 7d`
fn kind(key: &str) -> String {
    let parts: Vec<&str> = key.split('/').collect();
    match parts[0] {
        "reminder" => format!("reminder {}", parts[2]),
        "talk" => format!("talk {}", parts[3]),
        other => other.to_string(),
    }
}

#[test]
fn a_week_around_an_event_with_every_kind_of_post() {
    let config = config("Asia/Shanghai", "");
    let events = vec![event(
        "e",
        "2024-05-18T14:00:00+08:00",
        "date_end: 2024-05-18T17:00:00+08:00\n",
    )];
    let mut sim = Sim::new(config, events, at("2024-05-10T00:00:00+08:00"));
    sim.run_until(at("2024-05-15T12:00:00+08:00"));
    // An organizer moves the second talk and its speaker on Wednesday.
    sim.events[0] = event(
        "e",
        "2024-05-18T14:00:00+08:00",
        "date_end: 2024-05-18T17:00:00+08:00\n",
    );
    if let crate::events::AgendaItem::Talk(talk) = &mut sim.events[0].agenda[1] {
        talk.slot = talk.slot.map(|s| crate::events::Slot {
            start: s.start + Duration::minutes(30),
            end: s.end.map(|e| e + Duration::minutes(30)),
        });
        talk.speakers[0].name = "Bob Stone".into();
    }
    sim.run_until(at("2024-05-19T12:00:00+08:00"));
    // The recording goes up the day after.
    sim.events[0].links.video = Some("https://video.example/e".into());
    sim.run_until(at("2024-05-25T12:00:00+08:00"));
    assert_eq!(
        sim.log(&CHATS[0]),
        [
            "05-11 14:00 reminder 7d",
            "05-13 10:00 digest",
            "05-15 12:01 change",
            "05-17 14:00 reminder 1d",
            "05-18 12:00 reminder 2h",
            "05-18 13:50 talk 10m",
            "05-18 15:00 talk 10m",
            "05-19 12:01 recording",
        ]
    );
    assert_eq!(
        sim.log(&CHATS[1]),
        sim.log(&CHATS[0]),
        "every chat gets every post"
    );
    let change = sim.texts("change")[0];
    assert!(change.contains("Meetup e"), "{change}");
    assert!(change.contains("Second talk"), "{change}");
    assert!(change.contains("Jane Doe → Bob Stone"), "{change}");
    assert!(
        change.contains("14:40 → 2024年5月18日 周六 15:10"),
        "{change}"
    );
    assert!(sim.texts("recording")[0].contains("https://video.example/e"));
    let reminder = sim.texts("reminder")[0];
    assert!(
        reminder.contains("还有 7 天") && reminder.contains("First talk"),
        "{reminder}"
    );
}

#[test]
fn an_undated_event_is_never_scheduled() {
    let config = config("Asia/Shanghai", "");
    let undated = event("u", "TBA", "");
    assert_eq!(undated.start, None);
    let mut sim = Sim::new(config, vec![undated], at("2024-05-10T00:00:00+08:00"));
    sim.run_until(at("2024-06-10T00:00:00+08:00"));
    assert_eq!(sim.log(&CHATS[0]), Vec::<String>::new());
}

#[test]
fn an_event_moved_by_a_day_after_its_seven_day_reminder() {
    let config = config("Asia/Shanghai", "");
    let events = vec![event("e", "2024-05-18T14:00:00+08:00", "")];
    let mut sim = Sim::new(config, events, at("2024-05-10T00:00:00+08:00"));
    sim.run_until(at("2024-05-14T09:00:00+08:00"));
    sim.events[0] = event("e", "2024-05-19T14:00:00+08:00", "");
    sim.run_until(at("2024-05-21T00:00:00+08:00"));
    assert_eq!(
        sim.log(&CHATS[0]),
        [
            "05-11 14:00 reminder 7d",
            "05-13 10:00 digest",
            "05-14 09:01 change",
            "05-18 14:00 reminder 1d",
            "05-19 12:00 reminder 2h",
            "05-19 13:50 talk 10m",
            "05-19 14:30 talk 10m",
        ],
        "one notice, reminders follow the new time, the 7-day one is not repeated"
    );
    let change = sim.texts("change")[0];
    assert!(
        change.contains("2024年5月18日 周六 14:00 → 2024年5月19日 周日"),
        "{change}"
    );
}

/// The page gives no end, so members are shown the agenda's: a talk added
/// after the reminders moves it, and they are told.
#[test]
fn a_talk_added_past_the_end_the_agenda_implied_is_notified() {
    let config = config("Asia/Shanghai", "");
    let start = "2024-05-18T14:00:00+08:00";
    let events = vec![event("e", start, "")];
    let mut sim = Sim::new(config, events, at("2024-05-10T00:00:00+08:00"));
    sim.run_until(at("2024-05-18T12:30:00+08:00"));
    let longer = format!("{AGENDA}- 15:20-16:00 Third talk — Ana Lima (Acme)\n");
    sim.events[0] = event_with("e", start, "", &longer);
    sim.run_until(at("2024-05-18T13:00:00+08:00"));
    let changes = sim.texts("change");
    assert_eq!(changes.len(), 1, "{changes:?}");
    assert!(changes[0].contains("14:00–15:20 → "), "{}", changes[0]);
    assert!(changes[0].contains("16:00"), "{}", changes[0]);
}

#[test]
fn several_edits_within_a_minute_make_one_notice() {
    let config = config("Asia/Shanghai", "");
    let mut sim = Sim::new(
        config,
        vec![event("e", "2024-05-18T14:00:00+08:00", "")],
        at("2024-05-10T00:00:00+08:00"),
    );
    sim.run_until(at("2024-05-12T09:00:00+08:00"));
    for (minute_offset, day) in [(0, "19"), (20, "20"), (40, "21")] {
        sim.events[0] = event("e", &format!("2024-05-{day}T14:00:00+08:00"), "");
        sim.run_until(at("2024-05-12T09:00:00+08:00") + Duration::seconds(minute_offset));
    }
    sim.run_until(at("2024-05-12T10:00:00+08:00"));
    let changes = sim.texts("change");
    assert_eq!(changes.len(), 1, "{changes:?}");
    assert!(
        changes[0].contains("2024年5月21日"),
        "the notice has the final time: {}",
        changes[0]
    );
}

#[test]
fn a_removed_page_cancels_its_posts_with_one_notice() {
    let config = config("Asia/Shanghai", "");
    let events = vec![
        event("e", "2024-05-18T14:00:00+08:00", ""),
        event("other", "2024-06-18T14:00:00+08:00", ""),
    ];
    let mut sim = Sim::new(config, events, at("2024-05-10T00:00:00+08:00"));
    sim.run_until(at("2024-05-12T00:00:00+08:00"));
    sim.events.remove(0);
    sim.run_until(at("2024-05-20T00:00:00+08:00"));
    assert_eq!(
        sim.log(&CHATS[0]),
        ["05-11 14:00 reminder 7d", "05-12 00:01 cancel"]
    );
    assert!(
        sim.texts("cancel")[0].contains("Meetup e")
            && sim.texts("cancel")[0].contains("2024年5月18日")
    );
}

#[test]
fn a_cancelled_event_stays_cancelled_and_is_not_announced_again() {
    let config = config("Asia/Shanghai", "");
    let mut sim = Sim::new(
        config,
        vec![event("e", "2024-05-18T14:00:00+08:00", "")],
        at("2024-05-10T00:00:00+08:00"),
    );
    sim.run_until(at("2024-05-12T00:00:00+08:00"));
    sim.events[0] = event("e", "2024-05-18T14:00:00+08:00", "cancelled: true\n");
    sim.run_until(at("2024-05-14T00:00:00+08:00"));
    sim.events[0] = event(
        "e",
        "2024-05-18T14:00:00+08:00",
        "cancelled: true\naddress:\n  city: Elsewhere\n",
    );
    sim.run_until(at("2024-05-20T00:00:00+08:00"));
    assert_eq!(
        sim.log(&CHATS[0]),
        ["05-11 14:00 reminder 7d", "05-12 00:01 cancel"]
    );
}

#[test]
fn a_restart_repeats_nothing_and_loses_nothing() {
    let config = config("Asia/Shanghai", "");
    let events = vec![event("e", "2024-05-18T14:00:00+08:00", "")];
    let mut sim = Sim::new(
        config.clone(),
        events.clone(),
        at("2024-05-10T00:00:00+08:00"),
    );
    sim.run_until(at("2024-05-17T20:00:00+08:00"));
    // A new process: only what the state file holds survives.
    let mut restarted = Sim::new(config.clone(), events.clone(), sim.now);
    restarted.memory = sim.memory.clone();
    restarted.run_until(at("2024-05-19T00:00:00+08:00"));
    let mut whole = Sim::new(config, events, at("2024-05-10T00:00:00+08:00"));
    whole.run_until(at("2024-05-19T00:00:00+08:00"));
    let mut both = sim.log(&CHATS[0]);
    both.extend(restarted.log(&CHATS[0]));
    assert_eq!(both, whole.log(&CHATS[0]));
}

#[test]
fn three_hours_down_with_a_one_hour_catch_up() {
    let config = config("Asia/Shanghai", "");
    let events = vec![event("e", "2024-05-18T14:00:00+08:00", "")];
    let mut sim = Sim::new(config, events, at("2024-05-18T08:00:00+08:00"));
    sim.run_until(at("2024-05-18T11:00:00+08:00"));
    // Down from 11:00 to 14:10: the 2h reminder (12:00) and the first talk
    // reminder (13:50) fall due meanwhile. 13:50 is within the hour.
    sim.now = at("2024-05-18T14:10:00+08:00");
    sim.run_until(at("2024-05-18T16:00:00+08:00"));
    assert_eq!(
        sim.log(&CHATS[0]),
        ["05-18 14:10 talk 10m", "05-18 14:30 talk 10m"]
    );
    assert_eq!(
        sim.skipped
            .iter()
            .filter(|k| k.starts_with("reminder/e/2h"))
            .count(),
        2,
        "one per chat"
    );
    let mut again = Sim::new(sim.config.clone(), sim.events.clone(), sim.now);
    again.memory = sim.memory.clone();
    again.run_until(at("2024-05-19T00:00:00+08:00"));
    assert!(again.delivered.is_empty(), "skipped posts stay skipped");
}

#[test]
fn a_page_that_appears_late_does_not_get_old_reminders() {
    let config = config("Asia/Shanghai", "");
    let mut sim = Sim::new(config, Vec::new(), at("2024-05-10T00:00:00+08:00"));
    sim.run_until(at("2024-05-17T20:00:00+08:00"));
    sim.events.push(event("e", "2024-05-18T14:00:00+08:00", ""));
    sim.run_until(at("2024-05-18T13:00:00+08:00"));
    assert_eq!(sim.log(&CHATS[0]), ["05-18 12:00 reminder 2h"]);
}

#[test]
fn digests_keep_local_time_across_daylight_saving() {
    let config = config("Europe/Berlin", "");
    // Berlin moves its clocks on Sunday 31 March 2024.
    let events = vec![event("spring", "2024-04-06T19:00:00+02:00", "")];
    let mut sim = Sim::new(config, events, at("2024-03-20T00:00:00+01:00"));
    sim.run_until(at("2024-04-05T00:00:00+02:00"));
    let digests: Vec<String> = sim
        .delivered
        .iter()
        .filter(|d| d.chat == CHATS[0] && d.key.starts_with("digest"))
        .map(|d| d.at.to_rfc3339())
        .collect();
    assert_eq!(
        digests,
        ["2024-03-25T09:00:00+00:00", "2024-04-01T08:00:00+00:00"],
        "10:00 in Berlin, before and after"
    );
}

#[test]
fn no_digest_when_nothing_is_coming() {
    let config = config("Asia/Shanghai", "");
    let mut sim = Sim::new(
        config,
        vec![event("far", "2025-05-18T14:00:00+08:00", "")],
        at("2024-05-10T00:00:00+08:00"),
    );
    sim.run_until(at("2024-06-10T00:00:00+08:00"));
    assert!(sim.delivered.is_empty());
}

fn announcement(id: i64, due: &str, held_until: Option<&str>) -> Arc<Announcement> {
    Arc::new(Announcement {
        id,
        due: at(due),
        html: "<b>Registration</b> is open &amp; free".into(),
        pin: true,
        held_until: held_until.map(at),
    })
}

#[test]
fn a_scheduled_announcement_goes_out_at_its_time_once() {
    let config = config("Asia/Shanghai", "");
    let mut sim = Sim::new(config, Vec::new(), at("2026-11-30T00:00:00+08:00"));
    sim.memory
        .announcements
        .push(announcement(1, "2026-12-01T10:00:00+08:00", None));
    sim.run_until(at("2026-12-01T09:59:59+08:00"));
    assert!(sim.delivered.is_empty(), "not a second early");
    sim.run_until(at("2026-12-03T00:00:00+08:00"));
    for chat in &CHATS {
        assert_eq!(sim.log(chat), ["12-01 10:00 announce"]);
    }
    assert_eq!(sim.texts("announce/1/"), ["Registration is open & free"]);
    // A new process with the state file's memory owes nothing more.
    let mut again = Sim::new(sim.config.clone(), Vec::new(), sim.now);
    again.memory = sim.memory.clone();
    again.run_until(at("2026-12-10T00:00:00+08:00"));
    assert!(again.delivered.is_empty());
}

#[test]
fn a_held_announcement_waits_for_its_holder_to_stop() {
    let config = config("Asia/Shanghai", "");
    let mut sim = Sim::new(config, Vec::new(), at("2026-12-01T09:00:00+08:00"));
    // `herald announce` took it at 10:00 and died: its hold runs to 10:10.
    sim.memory.announcements.push(announcement(
        2,
        "2026-12-01T10:00:00+08:00",
        Some("2026-12-01T10:10:00+08:00"),
    ));
    sim.memory.done.insert(announcement_key(2, &CHATS[0]));
    sim.run_until(at("2026-12-01T12:00:00+08:00"));
    assert!(sim.log(&CHATS[0]).is_empty(), "the holder posted there");
    assert_eq!(sim.log(&CHATS[1]), ["12-01 10:10 announce"]);
}

#[test]
fn an_announcement_missed_by_more_than_catch_up_is_skipped() {
    let config = config("Asia/Shanghai", "");
    let mut sim = Sim::new(config, Vec::new(), at("2026-12-01T08:00:00+08:00"));
    sim.memory
        .announcements
        .push(announcement(3, "2026-12-01T10:00:00+08:00", None));
    sim.run_until(at("2026-12-01T09:00:00+08:00"));
    // Down from 09:00 to 11:30, with a one-hour catch-up.
    sim.now = at("2026-12-01T11:30:00+08:00");
    sim.run_until(at("2026-12-02T00:00:00+08:00"));
    assert!(sim.delivered.is_empty());
    assert_eq!(sim.skipped.len(), 2, "one per chat: {:?}", sim.skipped);
}

/// `config` with its `[schedule]` lines replaced by `schedule`.
fn config_with(zone: &str, schedule: &str) -> Config {
    let src = format!("timezone = \"{zone}\"\n[schedule]\n{schedule}");
    Config::parse(Path::new("bot.toml"), &src).unwrap()
}

/// The page of [`event`] with only its start time changed.
fn moved(sim: &mut Sim, start: &str) {
    sim.events[0] = event("e", start, "");
}

#[test]
fn a_time_moved_back_and_forth_is_told_at_every_step() {
    let config = config("Asia/Shanghai", "");
    let mut sim = Sim::new(
        config,
        vec![event("e", "2024-05-18T14:00:00+08:00", "")],
        at("2024-05-10T00:00:00+08:00"),
    );
    sim.run_until(at("2024-05-12T09:00:00+08:00"));
    for (start, until) in [
        ("2024-05-18T15:00:00+08:00", "2024-05-12T10:00:00+08:00"),
        ("2024-05-18T14:00:00+08:00", "2024-05-12T11:00:00+08:00"),
        ("2024-05-18T15:00:00+08:00", "2024-05-12T12:00:00+08:00"),
    ] {
        moved(&mut sim, start);
        sim.run_until(at(until));
    }
    // A new process from the state file's memory owes nothing more.
    let mut restarted = Sim::new(sim.config.clone(), sim.events.clone(), sim.now);
    restarted.memory = sim.memory.clone();
    restarted.run_until(at("2024-05-17T16:00:00+08:00"));
    let mut log = sim.log(&CHATS[0]);
    log.extend(restarted.log(&CHATS[0]));
    assert_eq!(
        log,
        [
            "05-11 14:00 reminder 7d",
            "05-12 09:01 change",
            "05-12 10:01 change",
            "05-12 11:01 change",
            "05-13 10:00 digest",
            "05-17 15:00 reminder 1d",
        ],
        "three notices, and the reminder follows the last time"
    );
    let changes = sim.texts("change");
    let told = |text: &str| {
        let line = text.lines().find(|l| l.contains(" → ")).unwrap_or(text);
        line.to_string()
    };
    assert!(
        told(changes[0]).contains("14:00–15:20 → 2024年5月18日 周六 15:00"),
        "{}",
        changes[0]
    );
    assert!(
        told(changes[1]).contains("15:00–15:20 → 2024年5月18日 周六 14:00"),
        "{}",
        changes[1]
    );
    assert!(
        told(changes[2]).contains("14:00–15:20 → 2024年5月18日 周六 15:00"),
        "{}",
        changes[2]
    );
}

#[test]
fn cancel_restore_cancel_tells_each_step() {
    let config = config("Asia/Shanghai", "");
    let mut sim = Sim::new(
        config,
        vec![event("e", "2024-05-18T14:00:00+08:00", "")],
        at("2024-05-10T00:00:00+08:00"),
    );
    sim.run_until(at("2024-05-12T00:00:00+08:00"));
    let on = event("e", "2024-05-18T14:00:00+08:00", "");
    let off = event("e", "2024-05-18T14:00:00+08:00", "cancelled: true\n");
    for (page, until) in [
        (off.clone(), "2024-05-12T12:00:00+08:00"),
        (on, "2024-05-13T00:00:00+08:00"),
        (off, "2024-05-14T00:00:00+08:00"),
    ] {
        sim.events[0] = page;
        sim.run_until(at(until));
    }
    sim.run_until(at("2024-05-20T00:00:00+08:00"));
    assert_eq!(
        sim.log(&CHATS[0]),
        [
            "05-11 14:00 reminder 7d",
            "05-12 00:01 cancel",
            "05-12 12:01 change",
            "05-13 00:01 cancel",
        ],
        "cancelled, back on, cancelled again: and no reminder while cancelled"
    );
    let restored = sim.texts("change")[0];
    assert!(
        restored.contains("恢复举行") && restored.contains("Meetup e"),
        "{restored}"
    );
    assert_eq!(sim.log(&CHATS[1]), sim.log(&CHATS[0]));
}

#[test]
fn a_page_removed_re_added_and_removed_is_cancelled_twice() {
    let config = config("Asia/Shanghai", "");
    let page = event("e", "2024-05-18T14:00:00+08:00", "");
    let mut sim = Sim::new(config, vec![page.clone()], at("2024-05-10T00:00:00+08:00"));
    sim.run_until(at("2024-05-12T00:00:00+08:00"));
    sim.events.clear();
    sim.run_until(at("2024-05-12T12:00:00+08:00"));
    sim.events.push(page);
    sim.run_until(at("2024-05-13T00:00:00+08:00"));
    sim.events.clear();
    sim.run_until(at("2024-05-20T00:00:00+08:00"));
    assert_eq!(
        sim.log(&CHATS[0]),
        [
            "05-11 14:00 reminder 7d",
            "05-12 00:01 cancel",
            "05-12 12:01 change",
            "05-13 00:01 cancel",
        ]
    );
}

#[test]
fn duplicate_reminder_offsets_post_once() {
    let config = config_with(
        "Asia/Shanghai",
        "reminders = [\"1h\", \"60m\"]\ntalk_reminders = [\"10m\", \"600s\"]\n",
    );
    let keys: Vec<&str> = config.warnings.iter().map(|w| w.key.as_str()).collect();
    assert_eq!(
        keys,
        ["schedule.reminders[1]", "schedule.talk_reminders[1]"]
    );
    let mut sim = Sim::new(
        config.clone(),
        vec![event("e", "2024-05-18T14:00:00+08:00", "")],
        at("2024-05-18T08:00:00+08:00"),
    );
    sim.run_until(at("2024-05-19T00:00:00+08:00"));
    let expected = [
        "05-18 13:00 reminder 1h",
        "05-18 13:50 talk 10m",
        "05-18 14:30 talk 10m",
    ];
    assert_eq!(sim.log(&CHATS[0]), expected);
    // A schedule built in code, with the repeat kept, posts once as well.
    let mut config = config;
    config.schedule.reminders = ["1h", "60m"].map(|d| d.parse().unwrap()).to_vec();
    let mut sim = Sim::new(
        config,
        vec![event("e", "2024-05-18T14:00:00+08:00", "")],
        at("2024-05-18T08:00:00+08:00"),
    );
    sim.run_until(at("2024-05-19T00:00:00+08:00"));
    assert_eq!(sim.log(&CHATS[0]), expected);
}

/// When each digest went out, in UTC.
fn digest_times_sent(sim: &Sim) -> Vec<String> {
    sim.delivered
        .iter()
        .filter(|d| d.chat == CHATS[0] && d.key.starts_with("digest"))
        .map(|d| d.at.to_rfc3339())
        .collect()
}

#[test]
fn a_digest_in_the_hour_that_happens_twice_posts_once() {
    // Berlin's clocks go from 03:00 CEST back to 02:00 CET on Sunday 27
    // October 2024: 02:30 happens twice.
    let config = config_with("Europe/Berlin", "digest = \"0 30 2 * * Sun\"\n");
    let events = vec![event("autumn", "2024-11-02T19:00:00+01:00", "")];
    let mut whole = Sim::new(
        config.clone(),
        events.clone(),
        at("2024-10-26T00:00:00+02:00"),
    );
    whole.run_until(at("2024-10-28T00:00:00+01:00"));
    assert_eq!(
        digest_times_sent(&whole),
        ["2024-10-27T00:30:00+00:00"],
        "once, at the first 02:30 (CEST)"
    );
    // Stopped at 02:50 CEST, restarted in the repeated hour at 02:10 CET.
    let mut sim = Sim::new(config, events, at("2024-10-26T00:00:00+02:00"));
    sim.run_until(at("2024-10-27T02:50:00+02:00"));
    let mut restarted = Sim::new(
        sim.config.clone(),
        sim.events.clone(),
        at("2024-10-27T02:10:00+01:00"),
    );
    restarted.memory = sim.memory.clone();
    restarted.from = sim.now;
    restarted.run_until(at("2024-10-28T00:00:00+01:00"));
    let mut sent = digest_times_sent(&sim);
    sent.extend(digest_times_sent(&restarted));
    assert_eq!(sent, digest_times_sent(&whole));
}

/// First started at 02:29 CET, an hour after the first 02:30 (CEST) and
/// beyond `catch_up`: the digest goes out at the second 02:30, which herald
/// is up for, rather than not at all (found by simulation seed 6041).
#[test]
fn a_digest_missed_at_the_first_of_two_0230s_goes_out_at_the_second() {
    let config = config_with(
        "Europe/Berlin",
        "digest = \"0 30 2 * * Sun\"\ncatch_up = \"30m\"\n",
    );
    let events = vec![event("autumn", "2024-11-02T19:00:00+01:00", "")];
    let mut sim = Sim::new(config, events, at("2024-10-27T02:29:00+01:00"));
    sim.run_until(at("2024-10-28T00:00:00+01:00"));
    assert_eq!(digest_times_sent(&sim), ["2024-10-27T01:30:00+00:00"]);
}

#[test]
fn a_digest_in_the_skipped_hour_posts_once_when_the_clocks_have_moved() {
    // Berlin's clocks go from 02:00 CET to 03:00 CEST on Sunday 31 March
    // 2024: 02:30 never happens.
    let config = config_with("Europe/Berlin", "digest = \"0 30 2 * * Sun\"\n");
    let events = vec![event("spring", "2024-04-06T19:00:00+02:00", "")];
    let mut sim = Sim::new(config, events, at("2024-03-30T00:00:00+01:00"));
    sim.run_until(at("2024-04-01T00:00:00+02:00"));
    assert_eq!(
        digest_times_sent(&sim),
        ["2024-03-31T01:00:00+00:00"],
        "once, at 03:00 CEST, the first moment after the gap"
    );
}

#[test]
fn a_page_added_while_running_gets_a_reminder_due_ten_minutes_ago() {
    let config = config("Asia/Shanghai", "");
    let mut sim = Sim::new(config, Vec::new(), at("2024-05-18T08:00:00+08:00"));
    sim.run_until(at("2024-05-18T12:05:00+08:00"));
    // A turn after the reminder fell due, before the page exists.
    sim.run_until(at("2024-05-18T12:10:00+08:00"));
    sim.events.push(event("e", "2024-05-18T14:00:00+08:00", ""));
    sim.run_until(at("2024-05-19T00:00:00+08:00"));
    assert_eq!(
        sim.log(&CHATS[0]),
        [
            "05-18 12:10 reminder 2h",
            "05-18 13:50 talk 10m",
            "05-18 14:30 talk 10m",
        ],
        "the 2h reminder is 10 minutes late; the 1d one, a day late, is not sent"
    );
    assert_eq!(sim.log(&CHATS[1]), sim.log(&CHATS[0]));
}

#[test]
fn at_first_start_a_reminder_31_minutes_late_is_sent_and_61_is_not() {
    let config = config("Asia/Shanghai", "");
    let events = vec![event("e", "2024-05-18T14:00:00+08:00", "")];
    let mut sim = Sim::new(
        config.clone(),
        events.clone(),
        at("2024-05-18T12:31:00+08:00"),
    );
    sim.run_until(at("2024-05-18T13:00:00+08:00"));
    assert_eq!(sim.log(&CHATS[0]), ["05-18 12:31 reminder 2h"]);
    let mut sim = Sim::new(config, events, at("2024-05-18T13:01:00+08:00"));
    sim.run_until(at("2024-05-18T13:30:00+08:00"));
    assert!(sim.log(&CHATS[0]).is_empty(), "{:?}", sim.log(&CHATS[0]));
}

#[test]
fn an_event_moved_earlier_gets_its_new_reminder_late_and_none_for_its_old_time() {
    let config = config("Asia/Shanghai", "");
    let mut sim = Sim::new(
        config,
        vec![event("e", "2024-05-18T15:00:00+08:00", "")],
        at("2024-05-17T20:00:00+08:00"),
    );
    sim.run_until(at("2024-05-18T12:02:00+08:00"));
    // A turn at 12:02, then the event moves from 15:00 to 14:00 at 12:05:
    // its new 2h reminder fell due at 12:00.
    sim.run_until(at("2024-05-18T12:05:00+08:00"));
    moved(&mut sim, "2024-05-18T14:00:00+08:00");
    sim.run_until(at("2024-05-19T00:00:00+08:00"));
    assert_eq!(
        sim.log(&CHATS[0]),
        [
            "05-18 12:05 reminder 2h",
            "05-18 13:50 talk 10m",
            "05-18 14:30 talk 10m",
        ],
        "no 13:00 reminder for the old time; no change notice, as no chat was told of 15:00"
    );
    assert!(
        sim.texts("reminder")[0].contains("14:00"),
        "{}",
        sim.texts("reminder")[0]
    );
}

#[test]
fn a_chat_that_joins_is_not_sent_what_fell_due_before() {
    let config = config("Asia/Shanghai", "");
    let events = vec![event("e", "2024-05-18T14:00:00+08:00", "")];
    let mut sim = Sim::new(config, events, at("2024-05-18T08:00:00+08:00"));
    sim.run_until(at("2024-05-18T12:20:00+08:00"));
    assert_eq!(sim.log(&CHATS[0]), ["05-18 12:00 reminder 2h"]);
    let joined = [CHATS[0].clone(), CHATS[1].clone(), ChatTarget::id(7)];
    let posts = plan(&Input {
        events: &sim.events,
        schedule: &sim.config.schedule,
        tz: sim.config.timezone,
        chats: &joined,
        followers: &crate::schedule::Followers::default(),
        rules: &sim.rules,
        memory: &sim.memory,
        now: sim.now,
        from: sim.now,
        until: sim.now + Duration::hours(1),
    });
    assert!(posts.is_empty(), "{posts:?}");
    // Though a page edited now would let a reminder due within catch_up go
    // out late to the chats that have not had it.
    sim.events[0].title = "Meetup e, room 2".into();
    sim.memory.observe(&sim.events, sim.now);
    let posts = plan(&Input {
        events: &sim.events,
        schedule: &sim.config.schedule,
        tz: sim.config.timezone,
        chats: &joined,
        followers: &crate::schedule::Followers::default(),
        rules: &sim.rules,
        memory: &sim.memory,
        now: sim.now,
        from: sim.now,
        until: sim.now + Duration::hours(1),
    });
    let owed: Vec<(String, String)> = posts
        .iter()
        .map(|p| (kind(&p.key), p.chat.to_string()))
        .collect();
    assert_eq!(owed, [("reminder 2h".to_string(), "7".to_string())]);
}

/// The member who follows, in the scenarios of private reminders.
const MEMBER: ChatTarget = ChatTarget::id(7);

fn following(follows: Vec<crate::events::ids::Target>, lead: Option<&str>) -> Followers {
    Followers {
        members: vec![Follower {
            member: 7,
            lead: lead.map(|lead| lead.parse().unwrap()),
            follows,
        }],
        mutes: Default::default(),
    }
}

fn second_talk() -> crate::events::ids::Target {
    crate::events::ids::Target::Talk(crate::events::ids::talk_id_of("e", "Second talk"))
}

#[test]
fn a_followed_talk_is_reminded_once_in_private_at_the_members_lead_time() {
    let events = vec![event("e", "2024-05-18T14:00:00+08:00", "")];
    let mut sim = Sim::new(
        config("Asia/Shanghai", ""),
        events,
        at("2024-05-18T08:00:00+08:00"),
    );
    sim.followers = following(vec![second_talk()], Some("15m"));
    sim.run_until(at("2024-05-18T18:00:00+08:00"));
    assert_eq!(sim.log(&MEMBER), ["05-18 14:25 talk 15m"]);
    let text = sim
        .delivered
        .iter()
        .find(|d| d.chat == MEMBER)
        .unwrap()
        .text
        .clone();
    assert!(text.contains("Second talk"), "{text}");
    // Planning again, as after a restart, owes nothing more.
    sim.from = at("2024-05-18T08:00:00+08:00");
    sim.run_until(at("2024-05-18T20:00:00+08:00"));
    assert_eq!(sim.log(&MEMBER), ["05-18 14:25 talk 15m"]);
}

/// The plan looks a day ahead; a lead of three days still falls due in
/// it, three days before, and a talk months away is reminded in its time.
#[test]
fn a_lead_longer_than_the_plans_day_ahead_is_kept() {
    let events = vec![
        event("e", "2024-05-18T14:00:00+08:00", ""),
        event("later", "2024-09-18T14:00:00+08:00", ""),
    ];
    let mut sim = Sim::new(
        config("Asia/Shanghai", ""),
        events,
        at("2024-05-10T08:00:00+08:00"),
    );
    let later = crate::events::ids::talk_id_of("later", "Second talk");
    let follows = vec![second_talk(), crate::events::ids::Target::Talk(later)];
    sim.followers = following(follows, Some("3d"));
    sim.run_until(at("2024-09-20T00:00:00+08:00"));
    assert_eq!(
        sim.log(&MEMBER),
        ["05-15 14:40 talk 3d", "09-15 14:40 talk 3d"]
    );
}

#[test]
fn a_followed_speaker_or_event_is_reminded_with_the_default_lead() {
    use crate::events::ids::{speaker_id, Target};
    let events = vec![event("e", "2024-05-18T14:00:00+08:00", "")];
    let mut sim = Sim::new(
        config("Asia/Shanghai", ""),
        events.clone(),
        at("2024-05-18T08:00:00+08:00"),
    );
    sim.followers = following(vec![Target::Speaker(speaker_id("jane doe"))], None);
    sim.run_until(at("2024-05-18T18:00:00+08:00"));
    assert_eq!(sim.log(&MEMBER), ["05-18 14:30 talk 10m"]);

    let mut sim = Sim::new(
        config("Asia/Shanghai", ""),
        events,
        at("2024-05-18T08:00:00+08:00"),
    );
    sim.followers = following(vec![Target::Event("e".into()), second_talk()], None);
    sim.run_until(at("2024-05-18T18:00:00+08:00"));
    assert_eq!(
        sim.log(&MEMBER),
        [
            "05-18 12:00 reminder 2h",
            "05-18 13:50 talk 10m",
            "05-18 14:30 talk 10m"
        ]
    );
}

#[test]
fn a_followed_talk_that_moves_is_told_to_its_follower_and_reminded_anew() {
    let events = vec![event("e", "2024-05-18T14:00:00+08:00", "")];
    let mut sim = Sim::new(
        config("Asia/Shanghai", ""),
        events,
        at("2024-05-18T08:00:00+08:00"),
    );
    sim.followers = following(vec![second_talk()], Some("1h"));
    sim.run_until(at("2024-05-18T13:45:00+08:00"));
    assert_eq!(sim.log(&MEMBER), ["05-18 13:40 talk 1h"]);
    if let crate::events::AgendaItem::Talk(talk) = &mut sim.events[0].agenda[1] {
        talk.slot = talk.slot.map(|s| crate::events::Slot {
            start: s.start + Duration::hours(2),
            end: s.end.map(|e| e + Duration::hours(2)),
        });
    }
    sim.run_until(at("2024-05-18T20:00:00+08:00"));
    assert_eq!(
        sim.log(&MEMBER),
        [
            "05-18 13:40 talk 1h",
            "05-18 13:46 change",
            "05-18 15:40 talk 1h"
        ]
    );
    let change = sim
        .delivered
        .iter()
        .find(|d| d.chat == MEMBER && d.key.starts_with("change"))
        .unwrap();
    assert!(
        change.text.contains("14:40") && change.text.contains("16:40"),
        "{}",
        change.text
    );
}

#[test]
fn a_muted_chat_gets_no_talk_reminders_but_the_others_do_and_members_come_last() {
    let events = vec![event("e", "2024-05-18T14:00:00+08:00", "")];
    let mut sim = Sim::new(
        config("Asia/Shanghai", ""),
        events,
        at("2024-05-18T08:00:00+08:00"),
    );
    sim.followers = following(vec![second_talk()], Some("10m"));
    sim.followers.mutes.insert((-100, "e".into()));
    sim.run_until(at("2024-05-18T18:00:00+08:00"));
    assert_eq!(sim.log(&CHATS[0]), ["05-18 12:00 reminder 2h"]);
    assert_eq!(
        sim.log(&CHATS[1]),
        [
            "05-18 12:00 reminder 2h",
            "05-18 13:50 talk 10m",
            "05-18 14:30 talk 10m"
        ]
    );
    // At 14:30 the group's and the member's reminders fall due together:
    // the group's goes first.
    let at_1430: Vec<&ChatTarget> = sim
        .delivered
        .iter()
        .filter(|d| d.at == at("2024-05-18T14:30:00+08:00"))
        .map(|d| &d.chat)
        .collect();
    assert_eq!(at_1430, [&CHATS[1], &MEMBER]);
}

const TOPICS: &str = "[telegram]\nchats = [-100, \"-100/3\", \"-100/5\"]\n";

fn topic(id: i32) -> ChatTarget {
    ChatTarget::id(-100).in_topic(Some(id))
}

#[test]
fn routes_send_each_kind_to_its_topic_and_the_rest_everywhere() {
    let routes = "[routes]\ndigest = \"-100/3\"\nreminders = [\"-100/5\"]\n";
    let config = config("Asia/Shanghai", &format!("{TOPICS}{routes}"));
    let events = vec![event("e", "2024-05-18T14:00:00+08:00", "")];
    let mut sim = Sim::new(config, events, at("2024-05-10T00:00:00+08:00"));
    sim.run_until(at("2024-05-15T12:00:00+08:00"));
    if let crate::events::AgendaItem::Talk(talk) = &mut sim.events[0].agenda[1] {
        talk.slot = talk.slot.map(|s| crate::events::Slot {
            start: s.start + Duration::minutes(30),
            end: s.end.map(|e| e + Duration::minutes(30)),
        });
    }
    sim.run_until(at("2024-05-19T00:00:00+08:00"));
    assert_eq!(
        sim.log(&topic(3)),
        ["05-13 10:00 digest", "05-15 12:01 change"],
        "the change notice goes where the event was told"
    );
    assert_eq!(
        sim.log(&topic(5)),
        [
            "05-11 14:00 reminder 7d",
            "05-15 12:01 change",
            "05-17 14:00 reminder 1d",
            "05-18 12:00 reminder 2h",
            "05-18 13:50 talk 10m",
            "05-18 15:00 talk 10m",
        ]
    );
    assert!(
        sim.log(&ChatTarget::id(-100)).is_empty(),
        "no kind left for it"
    );
    // Each topic's keys are its own; a topic-less target's are as before.
    assert!(sim
        .delivered
        .iter()
        .all(|d| d.key.ends_with(&format!("/{}", d.chat))));
}

#[test]
fn a_subscriber_gets_every_kind_whatever_the_routes() {
    let config = config(
        "Asia/Shanghai",
        &format!("{TOPICS}[routes]\ndigest = \"-100/3\"\n"),
    );
    let rules = Rules::new(&config, ChatTarget::clone);
    assert!(rules.takes(crate::config::Kind::Digest, &topic(3)));
    assert!(!rules.takes(crate::config::Kind::Digest, &topic(5)));
    assert!(rules.takes(crate::config::Kind::Reminders, &topic(5)));
    assert!(rules.takes(crate::config::Kind::Digest, &ChatTarget::id(-200)));
}

#[test]
fn quiet_hours_hold_a_digest_and_let_a_reminder_out_on_time() {
    let quiet = "[posts]\nquiet_hours = \"09:00-12:00\"\n";
    let config = config("Asia/Shanghai", quiet);
    // A reminder at 11:00 Monday wakes the scheduler while the digest is held.
    let events = vec![
        event("e", "2024-05-18T14:00:00+08:00", ""),
        event("m", "2024-05-13T13:00:00+08:00", ""),
    ];
    let mut sim = Sim::new(config, events, at("2024-05-13T08:00:00+08:00"));
    sim.run_until(at("2024-05-13T13:00:00+08:00"));
    let log = sim.log(&CHATS[0]);
    assert_eq!(
        log.iter()
            .filter(|line| line.contains("digest"))
            .collect::<Vec<_>>(),
        ["05-13 12:00 digest"],
        "{log:?}"
    );
    assert!(
        log.contains(&"05-13 11:00 reminder 2h".to_string()),
        "{log:?}"
    );
    let digest = sim.delivered.iter().find(|d| d.key.starts_with("digest/"));
    assert_eq!(
        digest.map(|d| d.key.as_str()),
        Some("digest/2024-05-13T02:00:00+00:00/-100"),
        "held under the key of its time"
    );
    let tz = sim.config.timezone;
    assert!(sim
        .rules
        .quiet(&CHATS[0], at("2024-05-13T11:00:00+08:00"), tz));
    assert!(!sim
        .rules
        .quiet(&CHATS[0], at("2024-05-13T12:00:00+08:00"), tz));
}

#[test]
fn quiet_hours_may_wrap_midnight_and_be_set_for_one_target() {
    let extra = format!(
        "{TOPICS}[posts]\nquiet_hours = \"22:00-08:00\"\n[chat.\"-100/3\"]\nquiet_hours = \"23:30-07:00\"\n"
    );
    let mut config = config("Asia/Shanghai", &extra);
    config.schedule.digest = "0 0 23 * * Sun".parse().unwrap();
    let events = vec![event("e", "2024-05-18T14:00:00+08:00", "")];
    let mut sim = Sim::new(config, events, at("2024-05-12T20:00:00+08:00"));
    sim.run_until(at("2024-05-13T12:00:00+08:00"));
    assert_eq!(sim.log(&ChatTarget::id(-100)), ["05-13 08:00 digest"]);
    assert_eq!(sim.log(&topic(5)), ["05-13 08:00 digest"]);
    assert_eq!(sim.log(&topic(3)), ["05-12 23:00 digest"], "its own hours");
}
