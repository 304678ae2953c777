//! Runs the scheduler simulation of `tests/simulation.rs` over as many
//! seeds as asked, and prints seeds/s:
//!
//! ```sh
//! cargo run --release --example simulate -- --seeds 10000 [--from 0] [--shrink | --why]
//! cargo run --release --example simulate -- --seed 1234    # one seed, shrunk and printed
//! ```

#[path = "../tests/sim/mod.rs"]
mod sim;

use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let value = |name: &str| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
            .map(|v| v.parse::<u64>().expect("a number"))
    };
    if let Some(seed) = value("--seed") {
        let outcome = sim::run_seed(seed);
        if outcome.violations.is_empty() {
            println!(
                "seed {seed}: every property holds ({} messages)\n{}",
                outcome.messages, outcome.history
            );
        } else {
            println!("{}", sim::report(&outcome, 1000));
            std::process::exit(1);
        }
        return;
    }
    let seeds = value("--seeds").unwrap_or(1000);
    let from = value("--from").unwrap_or(0);
    let shrink = args.iter().any(|a| a == "--shrink");
    let why = args.iter().any(|a| a == "--why");
    let started = Instant::now();
    let (mut failing, mut messages) = (Vec::new(), 0);
    for seed in from..from + seeds {
        let outcome = sim::run_seed(seed);
        messages += outcome.messages;
        if !outcome.violations.is_empty() {
            println!(
                "seed {seed}: {}",
                sim::properties(&outcome.violations).join("; ")
            );
            if shrink {
                println!("{}", sim::report(&outcome, 1000));
            } else if why {
                println!("{}", sim::details(&outcome, None));
            }
            failing.push(seed);
        }
    }
    let took = started.elapsed().as_secs_f64();
    println!(
        "{seeds} seeds in {took:.1} s: {:.1} seeds/s, {messages} messages, {} failing",
        seeds as f64 / took,
        failing.len()
    );
    if !failing.is_empty() {
        std::process::exit(1);
    }
}
