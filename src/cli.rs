//! The `herald` command line: every way an organizer drives herald from a
//! shell. Each subcommand loads the same config and events and hands them to
//! the same core the bot uses, so what the console answers is what members
//! will see.

use std::io::{BufRead, IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{Context as _, Result};
use chrono::{DateTime, Duration, Utc};
use clap::{Args, Parser, Subcommand};

use crate::commands::{self, Announce, Context, Reply};
use crate::config::{ChatTarget, Config};
use crate::events::{front_matter, load_dir, Catalog, Diagnostic, Loaded, Severity};
use crate::export::Export;
use crate::lang::Lang;
use crate::render;
use crate::schedule::{plan, Input, Memory, Post, What};
use crate::store::{Author, Delivered, NewAnnouncement, Outcome, Record, State, Store};
use crate::telegram::{BotApi, RunError};

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
    /// Type what a chat member would type and read herald's replies.
    Console(ConsoleArgs),
    /// Every post the scheduler would send in a window, in time order.
    Preview(PreviewArgs),
    /// Everything herald understood of the events, as JSON on stdout.
    Export,
    /// Run the Telegram bot (token in TELOXIDE_TOKEN).
    Run,
    /// Post an announcement from a markdown file to every chat (token in
    /// TELOXIDE_TOKEN), or with --at leave it to the running bot.
    Announce(AnnounceArgs),
    /// Every announcement in the state file, with what each chat got.
    Announcements,
}

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
    let config = Config::load(&cli.config)?;
    match cli.command {
        Command::Check => check(&config),
        Command::Console(args) => console(&config, &args),
        Command::Preview(args) => preview(&config, &args),
        Command::Export => export(&config),
        Command::Run => Ok(run_bot(config)),
        Command::Announce(args) => announce(config, &args),
        Command::Announcements => announcements(&config),
    }
}

fn load(config: &Config) -> Loaded {
    load_dir(&config.events, config.timezone)
}

/// Diagnostics go to stderr as `file:line: level: message`, so editors and
/// CI logs can jump to them.
fn report(diagnostics: &[Diagnostic]) {
    for diagnostic in diagnostics {
        eprintln!("{diagnostic}");
    }
}

fn check(config: &Config) -> Result<ExitCode> {
    let loaded = load(config);
    report(&loaded.diagnostics);
    let now = Utc::now();
    let events = &loaded.events;
    let upcoming = events
        .iter()
        .filter(|e| e.effective_end().is_some_and(|end| end >= now))
        .count();
    let talks: usize = events.iter().map(|e| e.talks().count()).sum();
    println!(
        "{} events ({} upcoming), {} talks, {} speakers",
        events.len(),
        upcoming,
        talks,
        speaker_count(events)
    );
    let errors = loaded.errors().count();
    let warnings = loaded
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Warning)
        .count();
    if errors + warnings > 0 {
        println!("{errors} errors, {warnings} warnings");
    }
    Ok(if errors > 0 {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

/// Distinct people on the programme: talk speakers and the events' own lists.
fn speaker_count(events: &[crate::events::Event]) -> usize {
    let mut names: Vec<&str> = events
        .iter()
        .flat_map(|e| e.talks().flat_map(|t| &t.speakers).chain(&e.speakers))
        .map(|s| s.name.as_str())
        .collect();
    names.sort_unstable();
    names.dedup();
    names.len()
}

fn console(config: &Config, args: &ConsoleArgs) -> Result<ExitCode> {
    let loaded = load(config);
    report(&loaded.diagnostics);
    let catalog = Catalog::new(loaded.events);
    let ctx = Context {
        catalog: &catalog,
        now: now(config, args.now.as_deref())?,
        lang: args.lang.unwrap_or(config.language),
        tz: config.timezone,
    };
    let stdin = std::io::stdin();
    let interactive = stdin.is_terminal();
    let mut out = std::io::stdout().lock();
    if interactive {
        let welcome = commands::answer(&commands::Command::Start, &ctx);
        print_reply(&mut out, &welcome)?;
        prompt(&mut out)?;
    }
    for line in stdin.lock().lines() {
        let line = line.context("reading the console input")?;
        if let Some(command) = commands::parse(&line, None) {
            print_reply(&mut out, &commands::answer(&command, &ctx))?;
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

/// A reply as a member would read it: the text, then the buttons in brackets.
fn print_reply(out: &mut impl Write, reply: &Reply) -> Result<()> {
    for message in &reply.messages {
        writeln!(out, "{}", render::html_to_plain(&message.html))?;
        for row in &message.buttons {
            let labels: Vec<String> = row.iter().map(|b| format!("[{}]", b.text)).collect();
            writeln!(out, "{}", labels.join(" "))?;
        }
        writeln!(out)?;
    }
    Ok(())
}

fn preview(config: &Config, args: &PreviewArgs) -> Result<ExitCode> {
    let loaded = load(config);
    report(&loaded.diagnostics);
    let now = now(config, args.now.as_deref())?;
    let until = now + Duration::days(args.days.into());
    let (mut memory, chats) = remembered(config)?;
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
/// chats it posts to, read from the state file if there is one, so the
/// preview matches what the bot will do.
fn remembered(config: &Config) -> Result<(Memory, Vec<ChatTarget>)> {
    if !config.state.exists() {
        return Ok((Memory::default(), config.telegram.chats.clone()));
    }
    let store = Store::open(&config.state)?;
    let memory = store.memory()?;
    let chats = store.targets(&config.telegram.chats)?;
    store.close()?;
    Ok((memory, chats))
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
fn describe(post: &Post, events: &[crate::events::Event]) -> String {
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

fn export(config: &Config) -> Result<ExitCode> {
    let loaded = load(config);
    report(&loaded.diagnostics);
    let stdout = std::io::stdout().lock();
    serde_json::to_writer_pretty(stdout, &Export::new(&loaded.events))
        .context("writing the JSON")?;
    println!();
    Ok(ExitCode::SUCCESS)
}

/// The bot: Telegram's address and token come from the environment, so a
/// missing or rejected token is a one-line error (exit 2), never a trace.
fn run_bot(config: Config) -> ExitCode {
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("herald: cannot start the async runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(crate::telegram::run(config)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => telegram_failed(&error),
    }
}

/// A Telegram failure as one line and its exit code.
fn telegram_failed(error: &RunError) -> ExitCode {
    eprintln!("herald: {error}");
    ExitCode::from(u8::try_from(error.exit_code()).unwrap_or(1))
}

/// `herald announce`: the preview and the chats, a confirmation, then the
/// posts and a report (exit 1 if a chat did not get it); with `--at`, only
/// stored for the running bot's scheduler.
fn announce(config: Config, args: &AnnounceArgs) -> Result<ExitCode> {
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
fn announcements(config: &Config) -> Result<ExitCode> {
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

/// `--now`, or the real clock.
fn now(config: &Config, flag: Option<&str>) -> Result<DateTime<Utc>> {
    let Some(text) = flag else {
        return Ok(Utc::now());
    };
    let time = front_matter::parse_time(text, config.timezone)
        .map_err(|e| anyhow::anyhow!("--now: {e}"))?;
    Ok(time.at.with_timezone(&Utc))
}
