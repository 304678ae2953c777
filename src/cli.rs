//! The `herald` command line: every way an organizer drives herald from a
//! shell. Each subcommand loads the same config and events and hands them to
//! the same core the bot uses, so what the console answers is what members
//! will see.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context as _, Result};
use chrono::{DateTime, Utc};
use clap::{Args, CommandFactory, Parser, Subcommand};

use crate::config::{ChatTarget, Config};
use crate::events::load::{self, FolderError};
use crate::events::{front_matter, load_dir, Diagnostic, Event, Loaded};
use crate::export::{Export, ExportArgs, Format};
use crate::lang::{count, Lang};
use crate::telegram::RunError;

mod announce;
mod chats;
mod check;
mod console;
mod explain;
mod init;
mod links;
mod migrate;
mod preview;

pub use announce::{AnnounceArgs, AnnouncementsArgs};
pub use explain::ExplainArgs;
pub use init::InitArgs;
pub use migrate::MigrateArgs;

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
    /// The language of herald's own words here (zh or en): English unless
    /// the locale (LC_ALL, LC_MESSAGES, LANG) is Chinese.
    #[arg(long, global = true)]
    pub lang: Option<Lang>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Write a commented bot.toml and a sample event page to start from
    /// (or, with --from-site, point bot.toml at a Hugo site's events).
    Init(InitArgs),
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
    /// The deep link of every event and talk, for members to follow in
    /// one tap from the community's pages.
    Links,
    /// Run the Telegram bot (token in TELOXIDE_TOKEN).
    Run(RunArgs),
    /// Post an announcement from a markdown file to every chat (token in
    /// TELOXIDE_TOKEN), or with --at leave it to the running bot.
    Announce(AnnounceArgs),
    /// Every announcement in the state file, with what each chat got; or
    /// withdraw one with --cancel.
    Announcements(AnnouncementsArgs),
    /// The chats herald posts to, configured and subscribed, and the last
    /// post to each.
    Chats,
    /// A shell completion script on stdout, e.g.
    /// `herald completions bash > /etc/bash_completion.d/herald`.
    Completions(CompletionsArgs),
    /// Copy a state file's every table into PostgreSQL.
    Migrate(MigrateArgs),
}

#[derive(Debug, Args)]
pub struct RunArgs {
    /// If another `herald run` holds the state file, wait and take over
    /// when it stops or dies, instead of exiting with status 2.
    #[arg(long)]
    pub standby: bool,
    /// Serve every community in this folder, one `<name>.toml` (a whole
    /// bot.toml) each, with its token in HERALD_TOKEN_<NAME>; --config is
    /// not read.
    #[arg(long, value_name = "DIR", conflicts_with = "standby")]
    pub communities: Option<PathBuf>,
    /// With --communities: one listener for every community's webhook, at
    /// /telegram/<name> (needs --public-url).
    #[arg(
        long,
        value_name = "ADDR",
        requires = "communities",
        requires = "public_url"
    )]
    pub listen: Option<std::net::SocketAddr>,
    /// With --listen: the https address Telegram reaches that listener at.
    #[arg(long, value_name = "URL", requires = "listen")]
    pub public_url: Option<url::Url>,
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    pub shell: clap_complete::Shell,
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
    let shell = Lang::of_shell(cli.lang);
    match cli.command {
        Command::Init(ref args) => init::init(args),
        Command::Check => check::check(&config()?),
        Command::Explain(ref args) => explain::explain(&cli.config, args),
        Command::Console(ref args) => console::console(&config()?, args),
        Command::Preview(ref args) => preview::preview(&config()?, args),
        Command::Export(ref args) => export(&config()?, args),
        Command::Links => links::links(&config()?),
        Command::Run(RunArgs {
            communities: Some(ref dir),
            ref listen,
            ref public_url,
            ..
        }) => {
            let shared = listen
                .zip(public_url.clone())
                .map(|(listen, public_url)| crate::telegram::Shared { listen, public_url });
            Ok(run_communities(dir.clone(), shared))
        }
        Command::Run(ref args) => Ok(run_bot(config()?, args.standby)),
        Command::Announce(ref args) => announce::announce(config()?, args, shell),
        Command::Announcements(ref args) => announce::announcements(&config()?, args, shell),
        Command::Chats => chats::chats(&config()?),
        Command::Completions(ref args) => completions(args.shell),
        Command::Migrate(ref args) => migrate::migrate(args),
    }
}

/// The events, or why the folder cannot be read at all: an error naming
/// it, never an empty library that looks like a site with no events.
fn load(config: &Config) -> Result<Loaded> {
    load_dir(&config.events, &config.site()).map_err(|error| anyhow::anyhow!(folder_hint(&error)))
}

/// Writes to stdout without `print!`'s panic when the reader has gone:
/// the error reaches `main`, which ends quietly on a closed pipe.
fn out(text: std::fmt::Arguments) -> Result<()> {
    std::io::stdout().lock().write_fmt(text)?;
    Ok(())
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

fn chat_list(chats: &[ChatTarget]) -> String {
    chats
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ")
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
    // Fallible writes all the way (never `println!`, which panics when
    // the reader has gone), so `herald export | head` ends quietly.
    let mut stdout = std::io::stdout().lock();
    if args.format == Format::Ics {
        let calendar = crate::export::calendar(&loaded.events, config)?;
        stdout
            .write_all(calendar.as_bytes())
            .context("writing the calendar")?;
        return Ok(ExitCode::SUCCESS);
    }
    // Stdout is line-buffered: unbuffered, pretty JSON would be one
    // write(2) per line, about half of the time for 10,000 pages.
    let mut out = std::io::BufWriter::with_capacity(1 << 16, stdout);
    serde_json::to_writer_pretty(&mut out, &Export::new(&loaded.events, config.language))
        .map_err(std::io::Error::from)
        .context("writing the JSON")?;
    writeln!(out).context("writing the JSON")?;
    out.flush().context("writing the JSON")?;
    Ok(ExitCode::SUCCESS)
}

/// The script is made in memory and written in one fallible write: clap's
/// generator panics if its writer fails, as `| head` makes it.
fn completions(shell: clap_complete::Shell) -> Result<ExitCode> {
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "herald", &mut script);
    std::io::stdout()
        .lock()
        .write_all(&script)
        .context("writing the completions")?;
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
    // Before the lease, whose lock file lives beside the state: a place
    // herald cannot write is told as such, with the fix.
    if let Err(error) = crate::store::check_writable(&config) {
        eprintln!("herald: {error}");
        return ExitCode::from(2);
    }
    on_runtime(|| crate::telegram::run(config, standby))
}

/// `herald run --communities`: until Ctrl-C or SIGTERM.
fn run_communities(dir: PathBuf, shared: Option<crate::telegram::Shared>) -> ExitCode {
    if !dir.is_dir() {
        eprintln!("herald: --communities {}: not a folder", dir.display());
        return ExitCode::from(2);
    }
    on_runtime(|| crate::telegram::host(dir, shared, crate::telegram::stop_signal()))
}

/// Serves on a new async runtime until `serving` ends, as an exit code.
/// `serving` is called inside the runtime, as signal handlers need it.
fn on_runtime<F>(serving: impl FnOnce() -> F) -> ExitCode
where
    F: std::future::Future<Output = Result<(), RunError>>,
{
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("herald: cannot start the async runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(async { serving().await }) {
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
