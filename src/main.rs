use std::io::IsTerminal;
use std::process::ExitCode;

use clap::Parser;
use tracing_subscriber::EnvFilter;

fn main() -> ExitCode {
    herald::allocator::tune();
    if let Err(problem) = init_logs() {
        eprintln!("herald: {problem}");
        return ExitCode::from(2);
    }
    let cli = herald::cli::Cli::parse();
    match herald::cli::run(cli) {
        Ok(code) => code,
        // `herald export | head -1`: the reader has all it wanted.
        Err(error) if broken_pipe(&error) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("herald: {error:#}");
            ExitCode::FAILURE
        }
    }
}

/// How log lines are written, from `HERALD_LOG_FORMAT`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum LogFormat {
    /// One line per event for people, coloured on a terminal.
    Text,
    /// One JSON object per line, for log shippers.
    Json,
}

impl LogFormat {
    /// A value other than `text` or `json` is refused rather than guessed:
    /// a shipper fed text it cannot parse loses the logs without a word.
    fn from_env() -> Result<LogFormat, String> {
        match std::env::var("HERALD_LOG_FORMAT").as_deref().map(str::trim) {
            Err(_) | Ok("" | "text") => Ok(LogFormat::Text),
            Ok("json") => Ok(LogFormat::Json),
            Ok(other) => Err(format!(
                "HERALD_LOG_FORMAT is `{other}`: set it to `json` or `text`, or unset it"
            )),
        }
    }
}

/// Logs go to stderr so that `herald export` output stays clean JSON.
/// Colour only on a terminal, and never when `NO_COLOR` is set
/// (<https://no-color.org>): `docker logs` and files must not fill with
/// escape codes.
fn init_logs() -> Result<(), String> {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    match LogFormat::from_env()? {
        LogFormat::Text => builder.with_ansi(colour()).init(),
        LogFormat::Json => builder.json().with_ansi(false).init(),
    }
    Ok(())
}

fn colour() -> bool {
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|value| !value.is_empty());
    std::io::stderr().is_terminal() && !no_color
}

/// Whether the error is stdout's reader having gone away (`| head`), which
/// ends a listing early but is no failure of herald's.
fn broken_pipe(error: &anyhow::Error) -> bool {
    error.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
