//! One reminder broadcast by the real scheduler (plan → deliver → record in
//! SQLite) to many chats through the fake Bot API server on 127.0.0.1.
//!
//! - With limits switched off (herald's and the server's): herald's own
//!   overhead per post, in posts/s. Target: over 2,000/s.
//! - With Telegram's limits enforced by the server (429 beyond 30/s overall,
//!   1/s per chat): herald's pacing should reach close to 30/s with no 429.
//!
//! `cargo bench --bench broadcast`; every run is bounded and stops itself.

#[path = "../tests/support/mod.rs"]
mod support;

use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{SecondsFormat, Utc};
use herald::clock::SystemClock;
use herald::config::{ChatTarget, Config};
use herald::events::{parse, Catalog, Parsed};
use herald::schedule::runner::Runner;
use herald::store::Store;
use herald::telegram::{Limits, TelegramDelivery};
use support::fake_bot_api::{FakeBotApi, TOKEN};
use teloxide::Bot;
use tokio::sync::watch;

/// A catalog with one event whose 2-hour reminder is due in `lead`.
fn catalog(lead: chrono::Duration) -> Catalog {
    let start = Utc::now() + chrono::Duration::hours(2) + lead;
    let src = format!(
        "---\ntitle: Launch\ndate: {}\nlocation: Hall 1\n---\n",
        start.to_rfc3339_opts(SecondsFormat::Secs, true)
    );
    match parse(std::path::Path::new("launch.md"), &src, chrono_tz::UTC) {
        Ok(Parsed::Event { event, .. }) => Catalog::new(vec![*event]),
        other => panic!("{other:?}"),
    }
}

fn config(dir: &std::path::Path, chats: usize) -> Config {
    let src = "timezone = \"UTC\"\nlanguage = \"en\"\n[schedule]\ndigest = \"0 0 10 1 1 *\"\n\
               reminders = [\"2h\"]\ntalk_reminders = []\ncatch_up = \"1h\"\n";
    let mut config = Config::parse(&dir.join("bot.toml"), src).unwrap();
    config.telegram.chats = (1..=chats as i64)
        .map(|n| ChatTarget::id(-1_000_000 - n))
        .collect();
    config
}

struct Result {
    posts: usize,
    elapsed: Duration,
    refused: usize,
}

async fn broadcast(chats: usize, limits: Option<Limits>, enforce: bool) -> Result {
    let api = FakeBotApi::start().await;
    if enforce {
        api.enforce_limits();
    }
    let dir = tempfile::tempdir().unwrap();
    let config = config(dir.path(), chats);
    let store = Arc::new(Store::open(&dir.path().join("herald.db")).unwrap());
    let bot = Bot::new(TOKEN).set_api_url(api.url().parse().unwrap());
    let (_catalog, receiver) = watch::channel(Arc::new(catalog(chrono::Duration::seconds(1))));
    let (stop, stopped) = watch::channel(false);
    let deliver = TelegramDelivery::new(bot, limits);
    let runner = Runner::new(deliver, SystemClock, store, config, receiver);
    let task = tokio::spawn(runner.run(stopped));
    let first = wait_for_sends(&api, 1, Duration::from_secs(10)).await;
    let last = wait_for_sends(&api, chats, Duration::from_secs(chats as u64 / 10 + 30)).await;
    stop.send(true).unwrap();
    let _ = tokio::time::timeout(Duration::from_secs(5), task).await;
    Result {
        posts: api.count("sendMessage"),
        elapsed: last - first,
        refused: api.refused(),
    }
}

/// When the `count`th message arrived (bounded by `limit`).
async fn wait_for_sends(api: &FakeBotApi, count: usize, limit: Duration) -> Instant {
    let deadline = Instant::now() + limit;
    loop {
        let sent = api.count("sendMessage");
        if sent >= count {
            return Instant::now();
        }
        assert!(
            Instant::now() < deadline,
            "only {sent} of {count} posts arrived"
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

fn report(name: &str, result: &Result) {
    let rate = result.posts as f64 / result.elapsed.as_secs_f64().max(1e-9);
    println!(
        "{name:<48} {:>6} posts in {:>7.2} s = {rate:>8.1} posts/s, {} refused (429)",
        result.posts,
        result.elapsed.as_secs_f64(),
        result.refused
    );
}

fn main() {
    // `cargo test --benches` runs benches with `--bench` absent: keep it quick.
    let full = std::env::args().any(|arg| arg == "--bench");
    let (unlimited, limited) = if full { (10_000, 300) } else { (200, 40) };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let result = runtime.block_on(broadcast(unlimited, None, false));
    report(&format!("limits off, {unlimited} chats"), &result);
    let result = runtime.block_on(broadcast(limited, Some(Limits::default()), true));
    report(
        &format!("Telegram's limits enforced, {limited} chats"),
        &result,
    );
}
