//! A line every `cargo test` run shows, not only `--nocapture` ones: the
//! test harness captures `println!` and `eprintln!` of passing tests, so a
//! skipped corpus or the fidelity figures would otherwise go unseen. Writing
//! to the stderr handle itself is not captured.
//!
//! Included with `#[path]` by the tests that need it, so they do not compile
//! the fake Bot API of the rest of `support/`.

use std::io::Write;

/// `[corpus] skipped: …`, on the terminal whatever the harness captures.
pub fn tell(topic: &str, line: &str) {
    let mut stderr = std::io::stderr().lock();
    // A test's verdict never depends on its log reaching the terminal.
    let _ = writeln!(stderr, "[{topic}] {line}");
}
