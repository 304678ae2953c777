//! A deterministic simulation of the real scheduler (issue 10): seeded
//! random histories played against the real `Runner` and SQLite state
//! file, then judged. Shared by `tests/simulation.rs` (a few hundred seeds
//! on every `cargo test`) and `examples/simulate.rs` (as many as asked),
//! which include this folder by path: it needs nothing of herald that the
//! library does not already expose, so no test-only feature is added to
//! the library.

#![allow(dead_code)]

pub mod check;
pub mod history;
pub mod rng;
pub mod world;

pub use check::Violation;
pub use history::History;

/// What one seed came to.
pub struct Outcome {
    pub history: History,
    pub violations: Vec<Violation>,
    /// Messages Telegram accepted.
    pub messages: usize,
}

pub fn run(history: &History) -> Outcome {
    let log = world::play(history);
    let violations = check::check(history, &log);
    let messages = log
        .attempts
        .iter()
        .filter(|a| a.answer == world::Answer::Accepted)
        .count();
    Outcome {
        history: history.clone(),
        violations,
        messages,
    }
}

pub fn run_seed(seed: u64) -> Outcome {
    run(&History::generate(seed))
}

/// The properties `violations` break, each once.
pub fn properties(violations: &[Violation]) -> Vec<&'static str> {
    let mut names: Vec<&'static str> = violations.iter().map(|v| v.property).collect();
    names.sort();
    names.dedup();
    names
}

/// Drops steps, one at a time, while the history still breaks one of the
/// properties it broke at first: what is left is a reproduction with no
/// step that does not matter. Bounded by the number of steps squared.
pub fn shrink(failing: &Outcome) -> Outcome {
    let wanted = properties(&failing.violations);
    let mut best = Outcome {
        history: failing.history.clone(),
        violations: failing.violations.clone(),
        messages: failing.messages,
    };
    loop {
        let mut smaller = None;
        for step in (0..best.history.steps.len()).rev() {
            let candidate = run(&best.history.without(step));
            if properties(&candidate.violations)
                .iter()
                .any(|p| wanted.contains(p))
            {
                smaller = Some(candidate);
                break;
            }
        }
        match smaller {
            Some(candidate) => best = candidate,
            None => return best,
        }
    }
}

/// A failing seed as a person reads it: the properties, the shrunk
/// history's steps, and what went wrong.
pub fn report(outcome: &Outcome) -> String {
    let mut text = format!(
        "seed {} breaks: {}\nminimal reproduction ({} of its steps):\n{}",
        outcome.history.seed,
        properties(&outcome.violations).join("; "),
        outcome.history.steps.len(),
        outcome.history
    );
    for violation in outcome.violations.iter().take(8) {
        text.push_str(&format!("  ✗ {}: {}\n", violation.property, violation.detail));
    }
    if outcome.violations.len() > 8 {
        text.push_str(&format!("  … and {} more\n", outcome.violations.len() - 8));
    }
    text
}
