//! `herald announce` and `herald announcements`: an organizer's
//! announcement posted from the shell or left to the running bot, and the
//! record of what each chat got.

use std::io::{BufRead, IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{Context as _, Result};
use chrono::{DateTime, Utc};
use clap::Args;

use crate::commands::Announce;
use crate::config::Config;
use crate::render;
use crate::store::{Author, Delivered, NewAnnouncement, Outcome, Record, State, Store};
use crate::telegram::BotApi;

use super::{chat_list, indent, telegram_failed};

#[derive(Debug, Args)]
pub struct AnnounceArgs {
    /// The announcement, in markdown.
    #[arg(long)]
    pub file: PathBuf,
    /// Post it at this time (`YYYY-MM-DD HH:MM` in the config's zone, or
    /// RFC 3339) through the running bot, instead of now from here.
    #[arg(long)]
    pub at: Option<String>,
    /// Pin it in the chats where herald may pin.
    #[arg(long)]
    pub pin: bool,
    /// Do not ask for confirmation (for scripts and CI).
    #[arg(long)]
    pub yes: bool,
}

/// `herald announce`: the preview and the chats, a confirmation, then the
/// posts and a report (exit 1 if a chat did not get it); with `--at`, only
/// stored for the running bot's scheduler.
pub(super) fn announce(config: Config, args: &AnnounceArgs) -> Result<ExitCode> {
    let file = &args.file;
    let text = std::fs::read_to_string(file)
        .with_context(|| format!("{}: cannot read the announcement", file.display()))?;
    let html = render::markdown(&text);
    if html.trim().is_empty() {
        anyhow::bail!("{}: there is nothing to announce in it", file.display());
    }
    let (lang, tz) = (config.language, config.timezone);
    let request = Announce {
        pin: args.pin,
        at: args.at.clone(),
        text: String::new(),
    };
    let due = request
        .due(Utc::now(), tz, lang)
        .map_err(|reply| anyhow::anyhow!("--at: {}", reply.plain("\n")))?;
    // The token is checked before anything is stored or asked.
    let api = match due {
        None => match BotApi::from_env(&config) {
            Ok(api) => Some(api),
            Err(error) => return Ok(telegram_failed(&error)),
        },
        Some(_) => None,
    };
    let store = Arc::new(Store::open(&config.state)?);
    let chats = store.targets(&config.telegram.chats)?;
    println!(
        "The announcement, as it will be posted:
"
    );
    for message in render::announcement(&html) {
        println!(
            "{}
",
            indent(&render::html_to_plain(&message))
        );
    }
    let when = due.map_or("now".to_string(), |due| {
        due.with_timezone(&tz)
            .format("at %Y-%m-%d %H:%M %Z")
            .to_string()
    });
    let pinned = if args.pin {
        ", pinned where herald may"
    } else {
        ""
    };
    println!(
        "To {} chat(s) {when}{pinned}: {}",
        chats.len(),
        chat_list(&chats)
    );
    if !args.yes && !confirmed()? {
        println!("Not posted.");
        return Ok(ExitCode::SUCCESS);
    }
    let announcement = NewAnnouncement {
        author: Author::Shell(login()),
        html,
        pin: args.pin,
        lang,
        due,
        state: State::Scheduled,
        held_until: None,
    };
    let Some(api) = api else {
        let id = store.add_announcement(&announcement, Utc::now())?;
        println!(
            "Stored as announcement #{id}: the running bot (herald run) posts it {when}. \
             `herald announcements` lists it."
        );
        return Ok(ExitCode::SUCCESS);
    };
    let runtime = tokio::runtime::Runtime::new().context("starting the async runtime")?;
    let posted = crate::telegram::announce(config, api, Arc::clone(&store), announcement);
    let (id, deliveries) = match runtime.block_on(posted) {
        Ok(done) => done,
        Err(error) => return Ok(telegram_failed(&error)),
    };
    println!(
        "\n{}",
        render::html_to_plain(&render::announcement_report(id, &deliveries, lang))
    );
    let all = deliveries.iter().all(|d| d.outcome == Outcome::Sent);
    Ok(if all {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// Asks on the terminal; without one, there is no one to ask.
fn confirmed() -> Result<bool> {
    let stdin = std::io::stdin();
    if !stdin.is_terminal() {
        anyhow::bail!("no terminal to confirm on: pass --yes to post without asking");
    }
    print!("Post it? [y/N] ");
    std::io::stdout().flush()?;
    let mut answer = String::new();
    stdin.lock().read_line(&mut answer)?;
    Ok(matches!(answer.trim().to_lowercase().as_str(), "y" | "yes"))
}

/// Who ran `herald announce`, for the record.
fn login() -> String {
    ["USER", "LOGNAME", "USERNAME"]
        .iter()
        .find_map(|name| std::env::var(name).ok().filter(|v| !v.is_empty()))
        .unwrap_or_else(|| "unknown".to_string())
}

/// `herald announcements`: every announcement, oldest first, with what
/// each chat got.
pub(super) fn announcements(config: &Config) -> Result<ExitCode> {
    if !config.state.exists() {
        println!(
            "(no announcements yet: {} does not exist)",
            config.state.display()
        );
        return Ok(ExitCode::SUCCESS);
    }
    let store = Store::open(&config.state)?;
    let all = store.announcements()?;
    for record in &all {
        println!("{}", summary(record, config));
        println!("    {}", render::excerpt(&record.html));
        for delivered in store.deliveries(record.id)? {
            println!("    {}", outcome(&delivered));
        }
    }
    if all.is_empty() {
        println!("(no announcements yet)");
    }
    store.close()?;
    Ok(ExitCode::SUCCESS)
}

/// `#3 · done · by Telegram user 123 · written 2026-11-25 16:30 · for 2026-11-25 16:31 · pinned`
fn summary(record: &Record, config: &Config) -> String {
    let time = |at: DateTime<Utc>| {
        at.with_timezone(&config.timezone)
            .format("%Y-%m-%d %H:%M")
            .to_string()
    };
    let by = match &record.author {
        Author::Admin(id) => format!("Telegram user {id}"),
        Author::Shell(login) => format!("{login}, herald announce"),
    };
    let mut parts = vec![
        format!("#{}", record.id),
        record.state.as_str().to_string(),
        format!("by {by}"),
        format!("written {}", time(record.created)),
    ];
    parts.extend(record.due.map(|due| format!("for {}", time(due))));
    if record.pin {
        parts.push("pinned".to_string());
    }
    parts.join(" · ")
}

/// `-1001234  sent (pinned)`, `42  undeliverable: bot was blocked by the user`
fn outcome(delivered: &Delivered) -> String {
    let outcome = match delivered.outcome {
        Outcome::Sent => "sent",
        Outcome::Skipped => "skipped: herald was down past its time",
        Outcome::Undeliverable => "undeliverable",
    };
    match &delivered.detail {
        Some(detail) if delivered.outcome == Outcome::Sent => {
            format!("{}  {outcome} ({detail})", delivered.chat)
        }
        Some(detail) => format!("{}  {outcome}: {detail}", delivered.chat),
        None => format!("{}  {outcome}", delivered.chat),
    }
}
