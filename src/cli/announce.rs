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

use crate::commands;
use crate::config::{ChatTarget, Config};
use crate::lang::Lang;
use crate::render::{self, Syntax};
use crate::store::{Author, Delivered, NewAnnouncement, Outcome, Record, State, Withdrawal};
use crate::telegram::BotApi;

use super::{indent, telegram_failed};

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

/// `herald announcements [--cancel ID]`.
#[derive(Debug, Args)]
pub struct AnnouncementsArgs {
    /// Withdraw this announcement, if it has not gone out yet: the running
    /// bot will not post it.
    #[arg(long, value_name = "ID")]
    pub cancel: Option<i64>,
}

/// Who posts a `herald announce`: this process, now, or the running bot
/// at its time.
enum Delivery {
    Now(BotApi),
    At(DateTime<Utc>),
}

/// `herald announce`: the preview and the chats, a confirmation, then the
/// posts and a report (exit 1 if a chat did not get it); with `--at`, only
/// stored for the running bot's scheduler. Everything that can refuse it
/// is checked before the state file is opened, so a refusal leaves no
/// `herald.db` behind.
pub(super) fn announce(config: Config, args: &AnnounceArgs, shell: Lang) -> Result<ExitCode> {
    let file = &args.file;
    let text = std::fs::read_to_string(file)
        .with_context(|| render::shell_unreadable_file(file, shell))?;
    let html = render::markdown(&text);
    if html.trim().is_empty() {
        anyhow::bail!(render::shell_empty_file(file, shell));
    }
    let tz = config.timezone;
    let due = commands::due(args.at.as_deref(), Utc::now(), tz).map_err(|bad| {
        anyhow::anyhow!(commands::refuse_time(&bad, Syntax::Shell, shell, tz).plain("\n"))
    })?;
    // The token is checked before anything is stored or asked.
    let delivery = match due {
        None => match BotApi::from_env(&config) {
            Ok(api) => Delivery::Now(api),
            Err(error) => return Ok(telegram_failed(&error)),
        },
        Some(due) => Delivery::At(due),
    };
    let chats = chats(&config)?;
    println!("{}\n", render::shell_as_posted(shell));
    for message in render::announcement(&html) {
        println!("{}\n", indent(&render::html_to_plain(&message)));
    }
    let names: Vec<String> = chats.iter().map(ToString::to_string).collect();
    println!(
        "{}",
        render::shell_audience(&names, due, args.pin, shell, tz)
    );
    if !args.yes && !confirmed(shell)? {
        println!("{}", render::shell_not_posted(shell));
        return Ok(ExitCode::SUCCESS);
    }
    let store = crate::store::open(&config)?;
    let announcement = NewAnnouncement {
        author: Author::Shell(login()),
        html,
        pin: args.pin,
        lang: shell,
        due,
        state: State::Scheduled,
        held_until: None,
    };
    let api = match delivery {
        Delivery::Now(api) => api,
        Delivery::At(due) => {
            let id = store.add_announcement(&announcement, Utc::now())?;
            println!("{}", render::shell_stored(id, due, shell, tz));
            return Ok(ExitCode::SUCCESS);
        }
    };
    let runtime = tokio::runtime::Runtime::new().context("starting the async runtime")?;
    let posted = crate::telegram::announce(config, api, Arc::clone(&store), announcement);
    let (id, deliveries) = match runtime.block_on(posted) {
        Ok(done) => done,
        Err(error) => return Ok(telegram_failed(&error)),
    };
    println!(
        "\n{}",
        render::html_to_plain(&render::announcement_report(id, &deliveries, shell))
    );
    let all = deliveries.iter().all(|d| d.outcome == Outcome::Sent);
    Ok(if all {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// The chats an announcement goes to (those `[routes]` gives it), read
/// without creating the state file: with none yet, only the configured
/// chats.
fn chats(config: &Config) -> Result<Vec<ChatTarget>> {
    let mut chats = match crate::store::exists(config) {
        false => config.telegram.chats.clone(),
        true => {
            let store = crate::store::open(config)?;
            let chats = store.targets(&config.telegram.chats)?;
            store.close()?;
            chats
        }
    };
    let rules = crate::schedule::Rules::new(config, ChatTarget::clone);
    chats.retain(|chat| rules.takes(crate::config::Kind::Announcements, chat));
    Ok(chats)
}

/// Asks on the terminal; without one, there is no one to ask.
fn confirmed(shell: Lang) -> Result<bool> {
    let stdin = std::io::stdin();
    if !stdin.is_terminal() {
        anyhow::bail!(render::shell_no_terminal(shell));
    }
    print!("{}", render::shell_confirm(shell));
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
pub(super) fn announcements(
    config: &Config,
    args: &AnnouncementsArgs,
    shell: Lang,
) -> Result<ExitCode> {
    if let Some(id) = args.cancel {
        return withdraw(config, id, shell);
    }
    if !crate::store::exists(config) {
        println!(
            "(no announcements yet: {} does not exist)",
            config.state.display()
        );
        return Ok(ExitCode::SUCCESS);
    }
    let store = crate::store::open(config)?;
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

/// `herald announcements --cancel ID`: the same withdrawal as the Cancel
/// button of `/announcements`. Exit 1 unless it is (or already was)
/// withdrawn.
fn withdraw(config: &Config, id: i64, shell: Lang) -> Result<ExitCode> {
    if !crate::store::exists(config) {
        println!("{}", render::shell_no_such_announcement(id, shell));
        return Ok(ExitCode::FAILURE);
    }
    let store = crate::store::open(config)?;
    let withdrawal = store.withdraw_announcement(id, Utc::now())?;
    store.close()?;
    let tz = config.timezone;
    let (said, code) = match withdrawal {
        Withdrawal::Withdrawn(_) => (render::shell_withdrawn(id, shell), ExitCode::SUCCESS),
        Withdrawal::AlreadyCancelled(_) => (
            render::shell_already_cancelled(id, shell),
            ExitCode::SUCCESS,
        ),
        Withdrawal::AlreadySent(record) => (
            render::shell_already_sent(id, record.finished, shell, tz),
            ExitCode::FAILURE,
        ),
        Withdrawal::UnderWay(_) => (render::shell_under_way(id, shell), ExitCode::FAILURE),
        Withdrawal::Unknown => (
            render::shell_no_such_announcement(id, shell),
            ExitCode::FAILURE,
        ),
    };
    println!("{said}");
    Ok(code)
}

/// `#3 · done · by Telegram user 123 · written 2026-11-25 16:30 UTC+08:00 · pinned`
fn summary(record: &Record, config: &Config) -> String {
    let time = |at: DateTime<Utc>| render::stamp(at, config.timezone);
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
