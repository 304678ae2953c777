//! Scenario tests: weeks of scheduler time in milliseconds. A simulated
//! runner takes turns exactly as the real one does — observe the pages, plan,
//! send what is due, sleep until the next post — with a clock that jumps.

use std::path::Path;
use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};

use super::*;
use crate::config::{ChatTarget, Config};
use crate::events::{parse, Event, Parsed};

const CHATS: [ChatTarget; 2] = [ChatTarget::Id(-100), ChatTarget::Id(42)];

fn config(zone: &str, extra: &str) -> Config {
    let src = format!(
        "timezone = \"{zone}\"\n[schedule]\ndigest = \"0 0 10 * * Mon\"\ndigest_days = 14\nreminders = [\"7d\", \"1d\", \"2h\"]\ntalk_reminders = [\"10m\"]\ncatch_up = \"1h\"\n{extra}"
    );
    Config::parse(Path::new("bot.toml"), &src).unwrap()
}

fn event(id: &str, start: &str, extra: &str) -> Event {
    let src = format!(
        "---\ntitle: Meetup {id}\ndate: {start}\nlocation: Room 1\n{extra}---\n\n## 议程\n\n- 14:00-14:40 First talk — 周强 (PingCAP)\n- 14:40-15:20 Second talk — Jane Doe (Acme)\n"
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
}

impl Sim {
    fn new(config: Config, events: Vec<Event>, start: DateTime<Utc>) -> Sim {
        Sim {
            config,
            events,
            memory: Memory::default(),
            from: start,
            now: start,
            delivered: Vec::new(),
            skipped: Vec::new(),
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
            chats: &CHATS,
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
