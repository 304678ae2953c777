//! The `herald` command line: every way an organizer drives herald from a
//! shell. Each subcommand loads the same config and events and hands them to
//! the same core the bot uses, so what the console answers is what members
//! will see.

use std::collections::HashMap;
use std::io::{BufRead, IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context as _, Result};
use chrono::{DateTime, Duration, Utc};
use clap::{Args, Parser, Subcommand};

use crate::calendar;
use crate::commands::{self, Context, Reply};
use crate::config::{ChatTarget, Config};
use crate::events::load::{self, FolderError};
use crate::events::{front_matter, load_dir, Catalog, Diagnostic, Event, Loaded};
use crate::export::{Export, ExportArgs, Format};
use crate::lang::Lang;
use crate::render;
use crate::schedule::{plan, Input, Memory, Post, What};
use crate::store::Store;
use crate::telegram::RunError;

mod announce;
mod check;
mod explain;

pub use announce::AnnounceArgs;
pub use explain::ExplainArgs;

#[derive(Debug, Parser)]
#[command(
    name = "herald",
    version,
    about = "A Telegram bot for tech communities, driven by Hugo / Wowchemy event pages"
)]
pub struct Cli {
    /// The config file; `events` and `state` in it are relative to it.
    #[arg(long, global = true, default_value = "bot.toml", env = "HERALD_CONFIG")]
    pub config: PathBuf,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Validate bot.toml and every event page; exit 1 if any page is broken.
    Check,
    /// How herald read one page: the event, each agenda item with its line,
    /// what was skipped and why, and the warnings; exit 1 if it is rejected.
    Explain(ExplainArgs),
    /// Type what a chat member would type and read herald's replies.
    Console(ConsoleArgs),
    /// Every post the scheduler would send in a window, in time order.
    Preview(PreviewArgs),
    /// Everything herald understood of the events, as JSON (or the
    /// calendar, with --format ics) on stdout.
    Export(ExportArgs),
    /// Run the Telegram bot (token in TELOXIDE_TOKEN).
    Run(RunArgs),
    /// Post an announcement from a markdown file to every chat (token in
    /// TELOXIDE_TOKEN), or with --at leave it to the running bot.
    Announce(AnnounceArgs),
    /// Every announcement in the state file, with what each chat got.
    Announcements,
}

#[derive(Debug, Args)]
pub struct RunArgs {
    /// If another `herald run` holds the state file, wait and take over
    /// when it stops or dies, instead of exiting with status 2.
    #[arg(long)]
    pub standby: bool,
}

#[derive(Debug, Args)]
pub struct ConsoleArgs {
    /// Pretend it is this moment (RFC 3339, or `YYYY-MM-DD HH:MM` in the config's zone).
    #[arg(long)]
    pub now: Option<String>,
    /// Answer in this language instead of the config's.
    #[arg(long)]
    pub lang: Option<Lang>,
}

#[derive(Debug, Args)]
pub struct PreviewArgs {
    /// Pretend it is this moment (RFC 3339, or `YYYY-MM-DD HH:MM` in the config's zone).
    #[arg(long)]
    pub now: Option<String>,
    /// How many days ahead to look.
    #[arg(long, default_value_t = 14)]
    pub days: u32,
    /// Print each post in full rather than one line per post.
    #[arg(long)]
    pub full: bool,
}

/// Runs one subcommand; the exit code says how it went.
pub fn run(cli: Cli) -> Result<ExitCode> {
    // One page can be explained without a config; everything else needs it.
    let config = || Config::load(&cli.config);
    match cli.command {
        Command::Check => check::check(&config()?),
        Command::Explain(ref args) => explain::explain(&cli.config, args),
        Command::Console(ref args) => console(&config()?, args),
        Command::Preview(ref args) => preview(&config()?, args),
        Command::Export(ref args) => export(&config()?, args),
        Command::Run(ref args) => Ok(run_bot(config()?, args.standby)),
        Command::Announce(ref args) => announce::announce(config()?, args),
        Command::Announcements => announce::announcements(&config()?),
    }
}

/// The events, or why the folder cannot be read at all: an error naming
/// it, never an empty library that looks like a site with no events.
fn load(config: &Config) -> Result<Loaded> {
    load_dir(&config.events, &config.site()).map_err(|error| anyhow::anyhow!(folder_hint(&error)))
}

/// The folder error, with where the folder is set.
fn folder_hint(error: &FolderError) -> String {
    format!("{error} (`events` in the config file, relative to it)")
}

/// Diagnostics go to stderr as `file:line: level: message`, so editors and
/// CI logs can jump to them.
fn report(diagnostics: &[Diagnostic]) {
    for diagnostic in diagnostics {
        eprintln!("{diagnostic}");
    }
}

/// `1 talk`, `2 talks`: organizers read these lines, so they read right.
fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// What the agenda reader found: `5 talks, 1 break`, or `0 talks`.
fn programme(event: &Event) -> String {
    let talks = event.talks().count();
    let breaks = event.agenda.len() - talks;
    let mut out = count(talks, "talk", "talks");
    if breaks > 0 {
        out += &format!(", {}", count(breaks, "break", "breaks"));
    }
    out
}

/// Rows as lines with every column but the last padded to its widest cell;
/// the last is left ragged, since titles may be wide CJK text.
fn aligned<const N: usize>(rows: impl IntoIterator<Item = [String; N]>) -> Vec<String> {
    let rows: Vec<[String; N]> = rows.into_iter().collect();
    let width = |cell: &String| cell.chars().count();
    let mut widths = [0; N];
    for row in &rows {
        for (widest, cell) in widths.iter_mut().zip(row) {
            *widest = (*widest).max(width(cell));
        }
    }
    rows.iter()
        .map(|row| {
            let mut line = String::new();
            for (i, cell) in row.iter().enumerate() {
                line += cell;
                if i + 1 < N {
                    line += &" ".repeat(widths[i] - width(cell) + 2);
                }
            }
            line.trim_end().to_string()
        })
        .collect()
}

fn console(config: &Config, args: &ConsoleArgs) -> Result<ExitCode> {
    let loaded = load(config)?;
    report(&loaded.diagnostics);
    let catalog = Catalog::new(loaded.events);
    let ctx = Context {
        catalog: &catalog,
        now: now(config, args.now.as_deref())?,
        lang: args.lang.unwrap_or(config.language),
        tz: config.timezone,
    };
    // The console keeps no state: its calendar files are at version 0.
    let site = calendar::Site::of(config);
    let stamps = calendar::unpublished(calendar::entries(catalog.events(), &site), ctx.now);
    let files = calendar::Files::new(&site, config.language, stamps);
    let stdin = std::io::stdin();
    let interactive = stdin.is_terminal();
    let mut out = std::io::stdout().lock();
    if interactive {
        let welcome = commands::answer(&commands::Command::Start, &ctx);
        print_reply(&mut out, &welcome, &files)?;
        prompt(&mut out)?;
    }
    for line in stdin.lock().lines() {
        let line = line.context("reading the console input")?;
        if let Some(command) = commands::parse(&line, None) {
            print_reply(&mut out, &commands::answer(&command, &ctx), &files)?;
        }
        if interactive {
            prompt(&mut out)?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn prompt(out: &mut impl Write) -> Result<()> {
    write!(out, "> ")?;
    Ok(out.flush()?)
}

/// A reply as a member would read it: the text, then a file sent with it
/// (its name, then its text), then the buttons in brackets.
fn print_reply(out: &mut impl Write, reply: &Reply, files: &calendar::Files) -> Result<()> {
    for message in &reply.messages {
        writeln!(out, "{}", render::html_to_plain(&message.html))?;
        if let Some(document) = &message.document {
            writeln!(out, "📎 {}", document.filename)?;
            write!(out, "{}", files.of(&document.event).replace("\r\n", "\n"))?;
        }
        for row in &message.buttons {
            let labels: Vec<String> = row.iter().map(|b| format!("[{}]", b.text)).collect();
            writeln!(out, "{}", labels.join(" "))?;
        }
        writeln!(out)?;
    }
    Ok(())
}

fn preview(config: &Config, args: &PreviewArgs) -> Result<ExitCode> {
    let loaded = load(config)?;
    report(&loaded.diagnostics);
    let now = now(config, args.now.as_deref())?;
    let until = now + Duration::days(args.days.into());
    let (mut memory, chats, languages) = remembered(config)?;
    let chats = preview_chats(chats);
    memory.observe(&loaded.events, now);
    let input = Input {
        events: &loaded.events,
        schedule: &config.schedule,
        tz: config.timezone,
        chats: &chats,
        memory: &memory,
        now,
        from: now,
        until,
    };
    let posts = plan(&input);
    let (lang, tz) = (config.language, config.timezone);
    println!(
        "Posts from {} to {} ({} days), to {}:",
        now.with_timezone(&tz).format("%Y-%m-%d %H:%M"),
        until.with_timezone(&tz).format("%Y-%m-%d %H:%M %Z"),
        args.days,
        chat_list(&chats)
    );
    for post in &posts {
        println!(
            "{}  {}  → {}",
            post.due.with_timezone(&tz).format("%Y-%m-%d %a %H:%M"),
            describe(post, &loaded.events),
            post.chat
        );
        if args.full {
            let lang = languages.get(&post.chat).copied().unwrap_or(lang);
            for message in render::post(post, &loaded.events, lang, tz) {
                println!("{}\n", indent(&render::html_to_plain(&message)));
            }
        }
    }
    if posts.is_empty() {
        println!("(nothing to post)");
    }
    Ok(ExitCode::SUCCESS)
}

/// What the running bot remembers (posts done, announcements owed) and the
/// chats it posts to, with the languages it knows them to read, from the
/// state file if there is one, so the preview matches what the bot will do.
fn remembered(config: &Config) -> Result<(Memory, Vec<ChatTarget>, HashMap<ChatTarget, Lang>)> {
    if !config.state.exists() {
        let chats = config.telegram.chats.clone();
        return Ok((Memory::default(), chats, HashMap::new()));
    }
    let store = Store::open(&config.state)?;
    let memory = store.memory()?;
    let chats = store.targets(&config.telegram.chats)?;
    let languages = store.languages()?;
    store.close()?;
    Ok((memory, chats, languages))
}

/// With no chats at all, a stand-in, so the organizer still sees what
/// would go out.
fn preview_chats(mut chats: Vec<ChatTarget>) -> Vec<ChatTarget> {
    if chats.is_empty() {
        chats.push(ChatTarget::Username("@each-subscribed-chat".to_string()));
    }
    chats
}

fn chat_list(chats: &[ChatTarget]) -> String {
    chats
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

/// `reminder, 7 days before · Rust Meetup`
fn describe(post: &Post, events: &[Event]) -> String {
    let title = |id: &str| {
        events
            .iter()
            .find(|e| e.id == id)
            .map_or(id.to_string(), |e| e.title.clone())
    };
    match &post.what {
        What::Digest { events: ids, .. } => format!("digest: {} events", ids.len()),
        What::Reminder { event, before } => {
            format!("reminder, {before} before · {}", title(event))
        }
        What::TalkReminder {
            event,
            talk,
            before,
        } => {
            let talk = events
                .iter()
                .find(|e| &e.id == event)
                .and_then(|e| e.talks().nth(*talk))
                .map(|t| t.title.plain())
                .unwrap_or_default();
            format!("talk reminder, {before} before · {talk} · {}", title(event))
        }
        What::Change { event, .. } => format!("change notice · {}", title(event)),
        What::Cancellation { facts, .. } => format!("cancellation · {}", facts.title),
        What::Recording { event } => format!("recordings · {}", title(event)),
        What::Announcement(announcement) => format!(
            "announcement #{} · {}",
            announcement.id,
            render::excerpt(&announcement.html)
        ),
    }
}

fn indent(text: &str) -> String {
    text.lines()
        .map(|line| format!("    {line}"))
        .collect::<Vec<_>>()
        .join("\n")
}

fn export(config: &Config, args: &ExportArgs) -> Result<ExitCode> {
    let loaded = load(config)?;
    report(&loaded.diagnostics);
    if args.format == Format::Ics {
        print!("{}", crate::export::calendar(&loaded.events, config)?);
        return Ok(ExitCode::SUCCESS);
    }
    let stdout = std::io::stdout().lock();
    serde_json::to_writer_pretty(stdout, &Export::new(&loaded.events, config.language))
        .context("writing the JSON")?;
    println!();
    Ok(ExitCode::SUCCESS)
}

/// The bot: Telegram's address and token come from the environment, so a
/// missing or rejected token is a one-line error (exit 2), never a trace.
fn run_bot(config: Config, standby: bool) -> ExitCode {
    // A folder that is not there is a config problem, like a bad token: the
    // bot would otherwise serve no events and watch nothing.
    if let Err(error) = load::folder(&config.events) {
        eprintln!("herald: {}", folder_hint(&error));
        return ExitCode::from(2);
    }
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("herald: cannot start the async runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(crate::telegram::run(config, standby)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => telegram_failed(&error),
    }
}

/// A Telegram failure as one line and its exit code.
fn telegram_failed(error: &RunError) -> ExitCode {
    eprintln!("herald: {error}");
    ExitCode::from(u8::try_from(error.exit_code()).unwrap_or(1))
}

/// `--now`, or the real clock.
fn now(config: &Config, flag: Option<&str>) -> Result<DateTime<Utc>> {
    let Some(text) = flag else {
        return Ok(Utc::now());
    };
    let time = front_matter::parse_time(text, config.timezone)
        .map_err(|e| anyhow::anyhow!("--now: {e}"))?;
    Ok(time.at.with_timezone(&Utc))
}
