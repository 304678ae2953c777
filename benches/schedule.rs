//! How long the scheduler takes to plan: 10,000 events with 5 talks each,
//! 100 chats, every chat already told about every event (the steady state of
//! a long-running bot). Target: one turn under 50 ms. And the same with
//! 100,000 members following 5 talks each (issue #12's scale).

use std::hint::black_box;
use std::path::Path;

use chrono::{DateTime, Duration, Utc};
use criterion::{criterion_group, criterion_main, Criterion};
use herald::config::{ChatTarget, Config};
use herald::events::ids::{talk_id, Target};
use herald::events::{parse, Event, Parsed};
use herald::schedule::{turn, Facts, Follower, Followers, Input, Memory};

const EVENTS: usize = 10_000;
const CHATS: i64 = 100;
const MEMBERS: i64 = 100_000;

/// Each member follows 5 talks of the events around `middle`, spread so
/// that popular and rare talks both occur.
fn followers(events: &[Event], middle: usize) -> Followers {
    let near: Vec<Target> = events[middle - 50..middle + 50]
        .iter()
        .flat_map(|event| {
            event
                .talks()
                .map(|talk| Target::Talk(talk_id(&event.id, talk)))
        })
        .collect();
    let members = (1..=MEMBERS)
        .map(|member| Follower {
            member,
            lead: None,
            follows: (0..5)
                .map(|k| near[(member as usize * 7 + k * 131) % near.len()].clone())
                .collect(),
        })
        .collect();
    Followers {
        members,
        mutes: Default::default(),
    }
}

fn page(index: usize) -> String {
    let start = DateTime::parse_from_rfc3339("2020-01-04T14:00:00+08:00").unwrap()
        + Duration::hours(7 * index as i64);
    let talks: String = (0..5)
        .map(|t| {
            format!(
                "- {:02}:00-{:02}:40 Talk {index}.{t} — Speaker{t} Person (Company {t})\n",
                14 + t,
                14 + t
            )
        })
        .collect();
    format!(
        "---\ntitle: Meetup {index}\ndate: {}\nlocation: Room {index}\n---\n\n## Programme\n\n{talks}",
        start.to_rfc3339()
    )
}

fn events() -> Vec<Event> {
    let tz = "Asia/Shanghai".parse().unwrap();
    (0..EVENTS)
        .map(
            |i| match parse(Path::new(&format!("e{i}.md")), &page(i), tz) {
                Ok(Parsed::Event { event, .. }) => *event,
                other => panic!("{other:?}"),
            },
        )
        .collect()
}

fn bench_turn(c: &mut Criterion) {
    let config = Config::parse(Path::new("bot.toml"), "timezone = \"Asia/Shanghai\"\n").unwrap();
    let events = events();
    let chats: Vec<ChatTarget> = (1..=CHATS).map(|id| ChatTarget::id(-id)).collect();
    // The middle of the calendar: some events past, some ahead.
    let middle = events[EVENTS / 2].start.expect("bench pages are dated");
    let now: DateTime<Utc> = middle.with_timezone(&Utc) - Duration::days(3);
    let mut memory = Memory::default();
    memory.observe(&events, now - Duration::days(30));
    for event in &events {
        let facts = Facts::of(event);
        for chat in &chats {
            memory.tell(&event.id, chat, facts.clone());
        }
    }
    let input = Input {
        events: &events,
        schedule: &config.schedule,
        tz: config.timezone,
        chats: &chats,
        followers: &herald::schedule::Followers::default(),
        rules: &herald::schedule::Rules::default(),
        memory: &memory,
        now,
        from: now - Duration::minutes(10),
        until: now,
    };
    let mut group = c.benchmark_group("schedule");
    group.sample_size(10);
    group.bench_function("turn: 10k events x 5 talks x 100 chats", |b| {
        b.iter(|| black_box(turn(black_box(&input))))
    });
    let followed = followers(&events, EVENTS / 2);
    let with_members = Input {
        followers: &followed,
        ..input
    };
    group.bench_function("turn: the same, and 100k members x 5 followed talks", |b| {
        b.iter(|| black_box(turn(black_box(&with_members))))
    });
    let mut seen = Memory::default();
    seen.observe(&events, now);
    group.bench_function("observe: reload of 10k unchanged events", |b| {
        b.iter(|| black_box(seen.observe(&events, now)))
    });
    group.finish();
}

criterion_group!(benches, bench_turn);
criterion_main!(benches);
