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

/// Drops steps, one at a time, while the history still breaks `property`:
/// what is left is a reproduction with no step that does not matter.
/// Bounded: at most `budget` histories are played (what is printed is then
/// smaller, if not minimal).
pub fn shrink(failing: &Outcome, property: &str, budget: usize) -> Outcome {
    let wanted = [property];
    let mut runs = 0;
    let mut best = Outcome {
        history: failing.history.clone(),
        violations: failing.violations.clone(),
        messages: failing.messages,
    };
    loop {
        let mut smaller = None;
        for step in (0..best.history.steps.len()).rev() {
            runs += 1;
            if runs > budget {
                return best;
            }
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

/// A failing seed as a person reads it: each property it breaks, with a
/// history shrunk for that property and what went wrong in it.
pub fn report(failing: &Outcome, budget: usize) -> String {
    let mut text = String::new();
    for property in properties(&failing.violations) {
        let shrunk = shrink(failing, property, budget);
        text.push_str(&format!(
            "seed {} breaks “{property}”; minimal reproduction ({} of {} steps):\n",
            failing.history.seed,
            shrunk.history.steps.len(),
            failing.history.steps.len()
        ));
        text.push_str(&details(&shrunk, Some(property)));
    }
    text
}

/// A history and what it broke (of `property`, or all).
pub fn details(outcome: &Outcome, property: Option<&str>) -> String {
    let mut text = outcome.history.to_string();
    let shown: Vec<&Violation> = outcome
        .violations
        .iter()
        .filter(|v| property.is_none_or(|p| v.property == p))
        .collect();
    for violation in shown.iter().take(8) {
        text.push_str(&format!(
            "  ✗ {}: {}\n",
            violation.property, violation.detail
        ));
    }
    if shown.len() > 8 {
        text.push_str(&format!("  … and {} more\n", shown.len() - 8));
    }
    text
}
