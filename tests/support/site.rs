//! The site the scheduler's end-to-end tests run on: one event whose
//! single "2h" reminder falls due a few seconds after the test starts.

use chrono::{SecondsFormat, Utc};

/// A folder with `events/launch.md` (titled "Launch <party>"), whose
/// reminder falls due `lead` seconds from now, and a `bot.toml` posting to
/// `chats` (a TOML array), with `top` (such as a `state = …` line) at its
/// head.
pub fn launch(top: &str, chats: &str, lead: i64) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let events = dir.path().join("events");
    std::fs::create_dir(&events).unwrap();
    let start = Utc::now() + chrono::Duration::hours(2) + chrono::Duration::seconds(lead);
    std::fs::write(
        events.join("launch.md"),
        format!(
            "---\ntitle: \"Launch <party>\"\ndate: {}\nlocation: Hall 1\n---\n",
            start.to_rfc3339_opts(SecondsFormat::Secs, true)
        ),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("bot.toml"),
        format!(
            "{top}language = \"en\"\ntimezone = \"UTC\"\n[telegram]\nchats = {chats}\n\
             [schedule]\ndigest = \"0 0 10 1 1 *\"\nreminders = [\"2h\"]\ntalk_reminders = []\ncatch_up = \"1h\"\n"
        ),
    )
    .unwrap();
    dir
}
