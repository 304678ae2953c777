//! `herald links`: the deep link of every event and talk, for organizers
//! to paste into their pages, so a member follows in one tap. The bot's
//! username is not in `bot.toml`, so the links carry `<bot>` for the
//! organizer to replace with it.

use std::io::Write;
use std::process::ExitCode;

use anyhow::Result;

use super::{load, report};
use crate::config::Config;
use crate::events::ids::{talk_id, Target};
use crate::events::Event;

/// Where the bot's username goes.
const BOT: &str = "<bot>";

pub(super) fn links(config: &Config) -> Result<ExitCode> {
    let loaded = load(config)?;
    report(&loaded.diagnostics);
    eprintln!("herald: replace {BOT} with your bot's username (without @)");
    let mut out = std::io::stdout().lock();
    let written = write_links(&mut out, &loaded.events);
    match written {
        // Whoever read the output has gone: that ends it quietly.
        Err(error) if error.kind() == std::io::ErrorKind::BrokenPipe => Ok(ExitCode::SUCCESS),
        written => written.map(|()| ExitCode::SUCCESS).map_err(Into::into),
    }
}

/// Each event's link, then its talks' indented under it; a slug that
/// cannot travel in a link is said to be so.
fn write_links(out: &mut impl Write, events: &[Event]) -> std::io::Result<()> {
    for event in events {
        let target = Target::Event(event.id.clone());
        match link(&target) {
            Some(link) => writeln!(out, "{}\t{link}", event.title)?,
            None => writeln!(
                out,
                "{}\t(slug {} cannot be a deep link: over 64 characters or not A-Za-z0-9_-)",
                event.title, event.id
            )?,
        }
        for talk in event.talks() {
            let target = Target::Talk(talk_id(&event.id, talk));
            if let Some(link) = link(&target) {
                writeln!(out, "  {}\t{link}", talk.title.plain())?;
            }
        }
    }
    out.flush()
}

fn link(target: &Target) -> Option<String> {
    Some(format!("https://t.me/{BOT}?start={}", target.payload()?))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::events::catalog::fixtures::*;
    use crate::events::ids::talk_id_of;

    #[test]
    fn every_event_and_talk_has_its_link() {
        let events = [event("2021-09-rust", "Rust Night", "2021-09-18 13:00")
            .talk(talk("Rust in production"))
            .build()];
        let mut out = Vec::new();
        write_links(&mut out, &events).unwrap();
        let id = talk_id_of("2021-09-rust", "Rust in production");
        assert_eq!(
            String::from_utf8(out).unwrap(),
            format!(
                "Rust Night\thttps://t.me/<bot>?start=event_2021-09-rust\n  \
                 Rust in production\thttps://t.me/<bot>?start=talk_{id}\n"
            )
        );
    }
}
