//! The real scheduler under seeded random histories (issue 10): months of
//! page edits, subscribers, announcements, restarts, `kill -9`, suspends,
//! a second `herald run`, and Telegram failing, each judged on what the
//! chats received. A failing seed is shrunk and printed as a reproduction;
//! `cargo run --release --example simulate -- --seed N` replays it.

mod sim;

use std::ops::Range;

/// Seeds run by `cargo test`, split over two tests so both cores work;
/// `HERALD_SIM_SEEDS` sets another count.
fn count() -> u64 {
    std::env::var("HERALD_SIM_SEEDS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(300)
}

/// Failing seeds shrunk and printed in full; the rest are listed.
const SHRUNK: usize = 2;

fn seeds(range: Range<u64>) {
    let mut failing = Vec::new();
    for seed in range {
        let outcome = sim::run_seed(seed);
        if !outcome.violations.is_empty() {
            failing.push(outcome);
        }
    }
    if failing.is_empty() {
        return;
    }
    for outcome in failing.iter().take(SHRUNK) {
        eprintln!("{}", sim::report(&sim::shrink(outcome)));
    }
    let list: Vec<String> = failing
        .iter()
        .map(|o| format!("seed {}: {}", o.history.seed, sim::properties(&o.violations).join("; ")))
        .collect();
    panic!("{} histories broke a property:\n{}", failing.len(), list.join("\n"));
}

#[test]
fn histories_keep_every_property_first_half() {
    seeds(0..count() / 2);
}

#[test]
fn histories_keep_every_property_second_half() {
    seeds(count() / 2..count());
}

#[test]
fn a_seed_replays_the_same_history_and_posts() {
    let (first, again) = (sim::run_seed(7), sim::run_seed(7));
    assert_eq!(first.history.to_string(), again.history.to_string());
    assert_eq!(first.messages, again.messages);
    assert_eq!(first.violations, again.violations);
    assert!(first.messages > 0, "the history posted nothing");
}
