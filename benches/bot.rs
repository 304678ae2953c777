//! herald under load on Telegram: the real bot (`herald::telegram::serve`)
//! against the fake Bot API server of the tests, over HTTP on 127.0.0.1.
//! 200 members ask in their private chats and in 8 groups (half of the
//! group commands as `/cmd@botname`), half in Chinese and half in English,
//! over 300 generated meetup pages (30 of them upcoming): `/next`,
//! `/events`, `/agenda <slug>`, `/speaker <name>` (some with no match) and
//! `/talk <words>`.
//!
//! A member waits for herald's answer before asking again. Each phase sends
//! a fixed number of commands, either open loop at a fixed rate (a command
//! is due every 1/rate s, given to a member not waiting for an answer) or
//! closed loop (every member always has one command out: the most herald
//! can answer). The time of a command is from the update being queued at
//! the fake server to the last message of its reply reaching it; every
//! reply is checked against the command core's own answer.
//!
//! Targets, on the 2-core machine: at least 1,000 commands/s answered, and
//! p99 under 20 ms at 1,000 commands/s.
//!
//! `cargo bench --bench bot` prints a table. Without `--bench` (as under
//! `cargo test --benches`) it runs a short smoke version. Every phase stops
//! by itself after its commands or its time limit; the bench exits non-zero
//! if a command went unanswered or was answered wrongly. Words after `--`
//! pick phases by name (`cargo bench --bench bot -- closed`). The `cpu` and
//! `others` columns tell how much of the two cores this bench had: runs
//! beside other work on the machine give worse figures than herald's own.

#[path = "../tests/support/mod.rs"]
mod support;

#[path = "common/pages.rs"]
mod generated;

use std::collections::{HashMap, VecDeque};
use std::path::Path;
use std::time::{Duration, Instant};

use chrono::Utc;
use chrono_tz::Tz;
use herald::commands::{self, Context};
use herald::config::Config;
use herald::events::{self, Catalog};
use herald::health::Health;
use herald::lang::Lang;
use herald::telegram::{serve, BotApi};
use tokio::sync::mpsc::UnboundedReceiver;
use tokio::sync::oneshot;
use tokio::time::MissedTickBehavior;

use generated::draw;
use support::fake_bot_api::{Call, Chat, FakeBotApi, User, BOT_USERNAME, TOKEN};

const MEMBERS: u64 = 200;
const GROUPS: i64 = 8;
/// Members writing in each group (also in their private chats).
const GROUP_MEMBERS: u64 = 12;
const PAGES: usize = 300;
/// The last pages are in the future: `/events` lists them in pages of 8.
const UPCOMING: usize = 30;

// ---------------------------------------------------------------- pages

/// Pages a week apart, the last [`UPCOMING`] of them ahead of today.
fn write_pages(events: &Path) {
    let today = Utc::now().date_naive();
    let pages = (0..PAGES).map(|index| {
        let weeks = index as i64 - (PAGES - UPCOMING) as i64;
        generated::page(index, today + chrono::Duration::days(7 * weeks + 3))
    });
    generated::write(events, pages);
}

// ------------------------------------------------------------ questions

/// What members ask, by kind, with how often (in 100) each kind comes.
const MIX: &[(&str, usize)] = &[
    ("next", 20),
    ("events", 15),
    ("agenda", 25),
    ("speaker", 25),
    ("talk", 15),
];

/// The commands of one kind, and herald's answer to each in each language
/// (the HTML of every message), from the command core itself.
struct Questions {
    kinds: Vec<(&'static str, usize, Vec<Question>)>,
}

struct Question {
    text: String,
    zh: Vec<String>,
    en: Vec<String>,
}

impl Questions {
    fn new(catalog: &Catalog, tz: Tz) -> Questions {
        let events = catalog.events();
        let mut speakers: Vec<&str> = events
            .iter()
            .flat_map(|e| e.talks())
            .flat_map(|t| t.speakers.iter().map(|s| s.name.as_str()))
            .collect();
        speakers.sort_unstable();
        speakers.dedup();
        assert!(speakers.len() > 100, "{} speakers", speakers.len());
        let texts = |kind: &str| -> Vec<String> {
            match kind {
                "next" => vec!["/next".into()],
                "events" => vec!["/events".into()],
                "agenda" => (0..60)
                    .map(|i| format!("/agenda {}", events[draw(i, 7, events.len())].id))
                    .collect(),
                "speaker" => (0..60)
                    .map(|i| format!("/speaker {}", speakers[draw(i, 8, speakers.len())]))
                    // No such people: the "did you mean" path.
                    .chain(
                        [
                            "/speaker 周墙",
                            "/speaker Jane Dough",
                            "/speaker 李",
                            "/speaker nobody",
                        ]
                        .map(String::from),
                    )
                    .collect(),
                "talk" => [
                    "tokio",
                    "async tokio",
                    "Kubernetes scale",
                    "eBPF",
                    "Chaos Mesh 落地",
                    "性能优化",
                    "WebAssembly production",
                    "TiDB 源码",
                    "gRPC",
                    "debugging etcd",
                ]
                .map(|words| format!("/talk {words}"))
                .into(),
                other => unreachable!("{other}"),
            }
        };
        let now = Utc::now();
        let html = |text: &str, lang| -> Vec<String> {
            let command = commands::parse(text, None).expect("a command");
            let ctx = Context {
                catalog,
                now,
                lang,
                tz,
            };
            let reply = commands::answer(&command, &ctx);
            assert!(!reply.messages.is_empty(), "{text}: no reply");
            reply.messages.into_iter().map(|m| m.html).collect()
        };
        let kinds = MIX
            .iter()
            .map(|&(kind, weight)| {
                let questions = texts(kind)
                    .into_iter()
                    .map(|text| Question {
                        zh: html(&text, Lang::Zh),
                        en: html(&text, Lang::En),
                        text,
                    })
                    .collect();
                (kind, weight, questions)
            })
            .collect();
        Questions { kinds }
    }

    /// The `seq`-th question of member `actor`, from the kinds in `mix`.
    fn pick(&self, mix: Mix, actor: usize, seq: usize) -> &Question {
        let kinds = || self.kinds.iter().filter(|(kind, ..)| mix.has(kind));
        let total: usize = kinds().map(|k| k.1).sum();
        let mut roll = draw(actor * 1_000_003 + seq, 11, total);
        for (_, weight, questions) in kinds() {
            if roll < *weight {
                return &questions[draw(actor * 1_000_003 + seq, 12, questions.len())];
            }
            roll -= weight;
        }
        unreachable!("weights add up")
    }
}

// -------------------------------------------------------------- members

/// A member in one chat: their private chat with herald, or a group.
struct Actor {
    chat: Chat,
    user: User,
    lang: Lang,
    /// Writes `/cmd@botname`, as group members' clients do on a tap.
    at_bot: bool,
    asked: usize,
}

fn actors() -> Vec<Actor> {
    let user = |m: u64| User {
        id: 5_000 + m,
        first_name: "Member",
        language: Some(if m.is_multiple_of(2) { "zh-hans" } else { "en" }),
    };
    let lang = |m: u64| {
        if m.is_multiple_of(2) {
            Lang::Zh
        } else {
            Lang::En
        }
    };
    let mut actors: Vec<Actor> = (0..MEMBERS)
        .map(|m| Actor {
            chat: Chat::Private(user(m).id),
            user: user(m),
            lang: lang(m),
            at_bot: false,
            asked: 0,
        })
        .collect();
    for g in 0..GROUPS {
        for i in 0..GROUP_MEMBERS {
            let m = (g as u64 * GROUP_MEMBERS + i * 7) % MEMBERS;
            actors.push(Actor {
                chat: Chat::Group(-1_001_000_000_000 - g),
                user: user(m),
                lang: lang(m),
                at_bot: i % 2 == 0,
                asked: 0,
            });
        }
    }
    actors
}

// ----------------------------------------------------------------- load

/// Which questions members ask.
#[derive(Clone, Copy)]
enum Mix {
    /// All of [`MIX`].
    All,
    /// [`MIX`] without `/speaker` and `/talk`, whose catalog searches cost
    /// the most: shows what the rest of the way costs.
    NoSearch,
}

impl Mix {
    fn has(self, kind: &str) -> bool {
        match self {
            Mix::All => true,
            Mix::NoSearch => !matches!(kind, "speaker" | "talk"),
        }
    }
}

#[derive(Clone, Copy)]
enum Pace {
    /// Open loop: this many commands a second.
    Rate(f64),
    /// Closed loop: every member always has one command out.
    Closed,
}

/// A command waiting for its reply.
struct Pending<'q> {
    actor: usize,
    asked: Instant,
    expected: &'q [String],
    received: usize,
}

/// The figures of one phase.
struct Row {
    name: String,
    sent: usize,
    answered: usize,
    elapsed: Duration,
    times: Vec<Duration>,
    /// The most commands overdue at once, every member being busy.
    backlog: usize,
    wrong: usize,
    stray: usize,
    /// Cores busy with this process, and with other work on the machine.
    cpu: Option<(f64, f64)>,
}

/// CPU time, in clock ticks, of the whole machine and of this process, as
/// Linux counts it: to tell how much other work shared the cores.
#[derive(Clone, Copy)]
struct CpuTicks {
    machine: u64,
    own: u64,
}

impl CpuTicks {
    fn now() -> Option<CpuTicks> {
        let stat = std::fs::read_to_string("/proc/stat").ok()?;
        let fields: Vec<u64> = stat
            .lines()
            .next()?
            .split_whitespace()
            .skip(1)
            .map(|n| n.parse().unwrap_or(0))
            .collect();
        // user nice system idle iowait irq softirq steal: all but idle and iowait.
        let all: u64 = fields.iter().take(8).sum();
        let machine = all.checked_sub(fields.get(3)? + fields.get(4)?)?;
        let own_stat = std::fs::read_to_string("/proc/self/stat").ok()?;
        // utime and stime, the 14th and 15th fields, after the name in parentheses.
        let after_name = own_stat.rsplit_once(')')?.1;
        let own = after_name
            .split_whitespace()
            .skip(11)
            .take(2)
            .map(|n| n.parse::<u64>().unwrap_or(0))
            .sum();
        Some(CpuTicks { machine, own })
    }

    /// Cores busy with this process and with others since `self`, `elapsed` ago.
    fn since(self, elapsed: Duration) -> Option<(f64, f64)> {
        let now = CpuTicks::now()?;
        // Linux counts both in USER_HZ ticks, 100 a second.
        let cores = |ticks: u64| ticks as f64 / 100.0 / elapsed.as_secs_f64().max(1e-9);
        let own = now.own.saturating_sub(self.own);
        let machine = now.machine.saturating_sub(self.machine);
        Some((cores(own), cores(machine.saturating_sub(own))))
    }
}

struct Load<'a> {
    api: &'a FakeBotApi,
    calls: UnboundedReceiver<Call>,
    actors: Vec<Actor>,
    questions: &'a Questions,
}

impl<'a> Load<'a> {
    /// Sends `total` commands at `pace`; returns when all are answered or
    /// `limit` has passed.
    async fn phase(&mut self, plan: Plan) -> Row {
        let Plan {
            name,
            mix,
            pace,
            total,
            limit,
        } = plan;
        // Calls left from an earlier phase are none of this one's.
        while self.calls.try_recv().is_ok() {}
        let mut free: VecDeque<usize> = (0..self.actors.len()).collect();
        let mut pending: HashMap<(i64, i64), Pending<'a>> = HashMap::new();
        let mut row = Row {
            name: name.to_string(),
            sent: 0,
            answered: 0,
            elapsed: Duration::ZERO,
            times: Vec::with_capacity(total),
            backlog: 0,
            wrong: 0,
            stray: 0,
            cpu: None,
        };
        let ticks = CpuTicks::now();
        let start = Instant::now();
        let deadline = tokio::time::Instant::from_std(start + limit);
        let mut last_answer = start;
        let mut tick = tokio::time::interval(Duration::from_millis(1));
        tick.set_missed_tick_behavior(MissedTickBehavior::Skip);
        let mut calls = Vec::new();
        while row.answered < total {
            // Who asks now.
            let due = match pace {
                Pace::Rate(rate) => {
                    let due = ((start.elapsed().as_secs_f64() * rate) as usize + 1).min(total);
                    due.saturating_sub(row.sent)
                }
                Pace::Closed => total - row.sent,
            };
            let asking: Vec<usize> = (0..due).map_while(|_| free.pop_front()).collect();
            if matches!(pace, Pace::Rate(_)) {
                row.backlog = row.backlog.max(due - asking.len());
            }
            if !asking.is_empty() {
                self.ask(mix, &asking, &mut pending);
                row.sent += asking.len();
            }
            // What herald sent meanwhile.
            tokio::select! {
                got = self.calls.recv_many(&mut calls, 1024) => {
                    if got == 0 {
                        break;
                    }
                }
                _ = tick.tick(), if row.sent < total => {}
                () = tokio::time::sleep_until(deadline) => break,
            }
            for call in calls.drain(..) {
                if call.method != "sendMessage" {
                    continue;
                }
                let chat = call.params["chat_id"].as_i64().unwrap_or_default();
                let replying_to = &call.params["reply_parameters"]["message_id"];
                let key = match chat < 0 {
                    true => (chat, replying_to.as_i64().unwrap_or(-1)),
                    false => (chat, 0),
                };
                let Some(waiting) = pending.get_mut(&key) else {
                    row.stray += 1;
                    continue;
                };
                let html = call.params["text"].as_str().unwrap_or_default();
                if waiting.expected.get(waiting.received).map(String::as_str) != Some(html) {
                    row.wrong += 1;
                }
                waiting.received += 1;
                if waiting.received >= waiting.expected.len() {
                    let done = pending.remove(&key).expect("a pending command");
                    row.times
                        .push(call.at.saturating_duration_since(done.asked));
                    row.answered += 1;
                    last_answer = last_answer.max(call.at);
                    free.push_back(done.actor);
                }
            }
        }
        row.elapsed = last_answer.saturating_duration_since(start);
        row.cpu = ticks.and_then(|t| t.since(start.elapsed()));
        row
    }

    /// The members `asking` each send their next question, queued at once.
    fn ask(&mut self, mix: Mix, asking: &[usize], pending: &mut HashMap<(i64, i64), Pending<'a>>) {
        let questions: &'a Questions = self.questions;
        let mut texts = Vec::with_capacity(asking.len());
        let mut expected = Vec::with_capacity(asking.len());
        for &index in asking {
            let actor = &mut self.actors[index];
            let question = questions.pick(mix, index, actor.asked);
            actor.asked += 1;
            let text = match actor.at_bot {
                true => match question.text.split_once(' ') {
                    Some((command, args)) => format!("{command}@{BOT_USERNAME} {args}"),
                    None => format!("{}@{BOT_USERNAME}", question.text),
                },
                false => question.text.clone(),
            };
            texts.push(text);
            expected.push(match actor.lang {
                Lang::Zh => question.zh.as_slice(),
                Lang::En => question.en.as_slice(),
            });
        }
        let actors = &self.actors;
        let messages = asking
            .iter()
            .zip(&texts)
            .map(|(&i, text)| (actors[i].chat, &actors[i].user, text.as_str()));
        let asked = Instant::now();
        let ids = self.api.send_texts(messages);
        for ((&actor, id), expected) in asking.iter().zip(ids).zip(expected) {
            let chat = self.actors[actor].chat;
            let key = match chat {
                Chat::Private(_) => (chat.id(), 0),
                Chat::Group(_) => (chat.id(), id),
            };
            let waiting = Pending {
                actor,
                asked,
                expected,
                received: 0,
            };
            assert!(
                pending.insert(key, waiting).is_none(),
                "one command out per member"
            );
        }
    }
}

// ---------------------------------------------------------------- flood

/// What one member's flood did to everyone else.
struct Flood {
    asked: usize,
    answered: usize,
    told: usize,
}

impl Load<'_> {
    /// One member sends 1,000 `/next` at once; meanwhile 100 other members
    /// ask `/next` in turn, one every 10 ms. Every `sendMessage` takes
    /// `SEND` at the fake, as a Bot API round trip does, so the flood would
    /// queue for seconds if it were served first. Prints the others' reply
    /// times and what the flooder got.
    async fn flood(&mut self, full: bool) -> Flood {
        const SEND: Duration = Duration::from_millis(40);
        let others: u64 = if full { 100 } else { 20 };
        while self.calls.try_recv().is_ok() {}
        self.api.delay_sends(SEND);
        let flooder = User {
            id: 4_000,
            first_name: "Flooder",
            language: Some("en"),
        };
        let members: Vec<User> = (0..others)
            .map(|m| User {
                id: 4_100 + m,
                first_name: "Member",
                language: Some(if m % 2 == 0 { "zh-hans" } else { "en" }),
            })
            .collect();
        let start = Instant::now();
        self.api
            .send_texts(vec![(Chat::Private(flooder.id), &flooder, "/next"); 1_000]);
        let mut asked_at = HashMap::new();
        let mut times = Vec::new();
        let (mut flood_answers, mut told, mut flood_done) = (0, 0, start);
        let mut next = 0;
        let deadline = start + Duration::from_secs(30);
        let mut tick = tokio::time::interval(Duration::from_millis(10));
        while (times.len() < members.len()
            || Instant::now() < flood_done + Duration::from_millis(500))
            && Instant::now() < deadline
        {
            tokio::select! {
                _ = tick.tick() => {
                    if let Some(member) = members.get(next) {
                        asked_at.insert(member.id as i64, Instant::now());
                        self.api.send_text(Chat::Private(member.id), member, "/next");
                        next += 1;
                    }
                }
                Some(call) = self.calls.recv() => {
                    if call.method != "sendMessage" { continue; }
                    let chat = call.params["chat_id"].as_i64().unwrap_or_default();
                    if chat == flooder.id as i64 {
                        flood_answers += 1;
                        flood_done = call.at;
                        let text = call.params["text"].as_str().unwrap_or_default();
                        told += usize::from(text.starts_with("You're sending commands"));
                    } else if let Some(asked) = asked_at.remove(&chat) {
                        times.push(call.at.saturating_duration_since(asked));
                    }
                }
            }
        }
        self.api.delay_sends(Duration::ZERO);
        times.sort_unstable();
        println!(
            "\nflood: 1 member sends 1,000 /next at once, {others} others ask /next every 10 ms, \
             each sendMessage takes {} ms at the fake",
            SEND.as_millis()
        );
        println!(
            "others: {} of {} answered, p50 {} ms, p99 {} ms, max {} ms; \
             the flooder: {} messages ({} slow-down), the last {} ms after the flood",
            times.len(),
            members.len(),
            ms(percentile(&times, 50.0)),
            ms(percentile(&times, 99.0)),
            ms(times.last().copied().unwrap_or_default()),
            flood_answers,
            told,
            ms(flood_done.saturating_duration_since(start)),
        );
        Flood {
            asked: members.len(),
            answered: times.len(),
            told,
        }
    }
}

// ---------------------------------------------------------------- report

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

fn ms(d: Duration) -> String {
    format!("{:.2}", d.as_secs_f64() * 1000.0)
}

fn print_table(rows: &mut [Row]) {
    println!(
        "\n{:<22} {:>6} {:>8} {:>10} {:>7} {:>7} {:>7} {:>7} {:>7} {:>5} {:>5} {:>6}",
        "phase",
        "sent",
        "answered",
        "answered/s",
        "p50 ms",
        "p90 ms",
        "p99 ms",
        "max ms",
        "backlog",
        "wrong",
        "cpu",
        "others"
    );
    for row in rows.iter_mut() {
        row.times.sort_unstable();
        let rate = row.answered as f64 / row.elapsed.as_secs_f64().max(1e-9);
        let cores =
            |pick: fn((f64, f64)) -> f64| row.cpu.map_or("-".into(), |c| format!("{:.2}", pick(c)));
        println!(
            "{:<22} {:>6} {:>8} {:>10.0} {:>7} {:>7} {:>7} {:>7} {:>7} {:>5} {:>5} {:>6}",
            row.name,
            row.sent,
            row.answered,
            rate,
            ms(percentile(&row.times, 50.0)),
            ms(percentile(&row.times, 90.0)),
            ms(percentile(&row.times, 99.0)),
            ms(row.times.last().copied().unwrap_or_default()),
            row.backlog,
            row.wrong + row.stray,
            cores(|c| c.0),
            cores(|c| c.1),
        );
    }
    println!(
        "times: update queued at the fake → last message of its reply received there. \
         backlog: most commands overdue at once, every member waiting. \
         cpu / others: cores busy with this bench (bot, fake server, load) / with other \
         processes during the phase: figures taken with others > 0.1 are skewed."
    );
}

// ------------------------------------------------------------------ main

/// One phase of the run.
#[derive(Clone, Copy)]
struct Plan {
    name: &'static str,
    mix: Mix,
    pace: Pace,
    /// Commands sent.
    total: usize,
    /// The phase stops then, whatever is still unanswered.
    limit: Duration,
}

fn plan(name: &'static str, mix: Mix, pace: Pace, total: usize, secs: u64) -> Plan {
    Plan {
        name,
        mix,
        pace,
        total,
        limit: Duration::from_secs(secs),
    }
}

/// The warm-up (not reported), then the phases of the table.
fn plans(full: bool) -> (Plan, Vec<Plan>) {
    use Mix::*;
    use Pace::*;
    match full {
        true => (
            plan("warm-up", All, Closed, 2_000, 20),
            vec![
                plan("open 500/s", All, Rate(500.0), 3_000, 16),
                plan("open 1000/s", All, Rate(1_000.0), 10_000, 20),
                plan("open 1500/s", All, Rate(1_500.0), 9_000, 16),
                plan("closed, all members", All, Closed, 20_000, 40),
                plan("no search open 1000/s", NoSearch, Rate(1_000.0), 10_000, 20),
                plan("no search closed", NoSearch, Closed, 20_000, 40),
            ],
        ),
        false => (
            plan("warm-up", All, Closed, 200, 10),
            vec![
                plan("open 200/s", All, Rate(200.0), 200, 10),
                plan("closed, all members", All, Closed, 500, 10),
            ],
        ),
    }
}

/// The command core alone on this catalog, one thread, no Telegram: the
/// mean and slowest time of each kind's answers.
fn core_alone(catalog: &Catalog, questions: &Questions, tz: Tz, rounds: usize) {
    println!(
        "
command core alone (commands::answer, one thread, no HTTP):"
    );
    println!(
        "{:<10} {:>9} {:>9} {:>9}",
        "kind", "answers", "mean ms", "max ms"
    );
    let now = Utc::now();
    for (kind, _, list) in &questions.kinds {
        let mut times = Vec::new();
        for round in 0..rounds {
            for question in list {
                let lang = if round % 2 == 0 { Lang::Zh } else { Lang::En };
                let command = commands::parse(&question.text, None).expect("a command");
                let ctx = Context {
                    catalog,
                    now,
                    lang,
                    tz,
                };
                let started = Instant::now();
                std::hint::black_box(commands::answer(&command, &ctx));
                times.push(started.elapsed());
            }
        }
        let mean = times.iter().sum::<Duration>() / times.len() as u32;
        let max = times.iter().max().copied().unwrap_or_default();
        println!(
            "{kind:<10} {:>9} {:>9} {:>9}",
            times.len(),
            ms(mean),
            ms(max)
        );
    }
}

#[tokio::main]
async fn main() {
    // `cargo bench` passes `--bench`; `cargo test --benches` does not.
    let full = std::env::args().any(|a| a == "--bench");
    // herald logs a line per command at `info`, formatted as in service
    // but written nowhere, so its cost is counted and the table stays clean.
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::new("info"))
        .with_writer(std::io::sink)
        .init();

    let dir = tempfile::tempdir().expect("temp dir");
    let events_dir = dir.path().join("events");
    write_pages(&events_dir);
    let config = Config {
        events: events_dir.clone(),
        state: dir.path().join("herald.db"),
        ..Config::default()
    };
    let loaded = events::load_dir(&events_dir, &config.site()).expect("the events folder");
    assert_eq!(
        (loaded.events.len(), loaded.diagnostics.len()),
        (PAGES, 0),
        "the pages load cleanly"
    );
    let catalog = Catalog::new(loaded.events);
    assert_eq!(catalog.upcoming(Utc::now()).len(), UPCOMING);
    let tz = config.timezone;
    let questions = Questions::new(&catalog, tz);

    let api = FakeBotApi::start().await;
    let bot_api = BotApi {
        url: api.url().parse().expect("the fake's address"),
        token: TOKEN.to_string(),
    };
    let (stop, stopped) = oneshot::channel::<()>();
    let bot = tokio::spawn(serve(config, bot_api, Health::default(), async {
        let _ = stopped.await;
    }));
    api.wait_for_calls("setMyCommands", 2).await;

    let mut load = Load {
        api: &api,
        calls: api.call_feed(),
        actors: actors(),
        questions: &questions,
    };
    let (warm_up, mut phases) = plans(full);
    // Like criterion: words after `--` pick the phases whose names hold them.
    let filters: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    if !filters.is_empty() {
        phases.retain(|p| filters.iter().any(|f| p.name.contains(f.as_str())));
    }
    println!(
        "herald bot bench: {} members in private chats and {GROUPS} groups, {PAGES} pages, \
         {} worker threads, fake Bot API at {}",
        MEMBERS,
        tokio::runtime::Handle::current().metrics().num_workers(),
        api.url(),
    );
    // Other work on the machine skews every figure: say so up front.
    if let Ok(load) = std::fs::read_to_string("/proc/loadavg") {
        let busy: Vec<&str> = load.split_whitespace().take(3).collect();
        println!("load average before the run: {}", busy.join(" "));
    }
    let warm = load.phase(warm_up).await;
    assert_eq!(
        warm.answered, warm_up.total,
        "warm-up: every command answered"
    );
    let mut rows = Vec::new();
    for plan in phases {
        rows.push(load.phase(plan).await);
    }
    print_table(&mut rows);
    let flooded = match filters.is_empty() || filters.iter().any(|f| "flood".contains(f.as_str())) {
        true => Some(load.flood(full).await),
        false => None,
    };
    core_alone(&catalog, &questions, tz, if full { 10 } else { 1 });

    stop.send(()).expect("herald is running");
    let served = tokio::time::timeout(Duration::from_secs(6), bot).await;
    let stopped_well = matches!(served, Ok(Ok(Ok(()))));

    let mut failed = !stopped_well;
    for row in &rows {
        if row.answered < row.sent || row.sent == 0 || row.wrong + row.stray > 0 {
            eprintln!(
                "{}: {} of {} answered, {} wrong, {} stray",
                row.name, row.answered, row.sent, row.wrong, row.stray
            );
            failed = true;
        }
    }
    if let Some(flood) = &flooded {
        if flood.answered < flood.asked || flood.told != 1 {
            eprintln!(
                "flood: {} of {} others answered, the flooder told {} times",
                flood.answered, flood.asked, flood.told
            );
            failed = true;
        }
    }
    if !stopped_well {
        eprintln!("herald did not stop cleanly");
    }
    if failed {
        std::process::exit(1);
    }
}
