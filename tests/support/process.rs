//! The real `herald` binary as the end-to-end tests start it.

use std::path::Path;
use std::time::Duration;

use super::fake_bot_api::TOKEN;

/// `herald run --config <config>` against the fake Bot API at `api_url`,
/// with none of the test runner's own herald settings leaking in, killed if
/// the test drops it. Callers add their log level and output pipes.
pub fn herald_run(api_url: &str, config: &Path) -> tokio::process::Command {
    herald("run", api_url, config)
}

/// `herald <subcommand> --config <config>`, set up as [`herald_run`].
pub fn herald(subcommand: &str, api_url: &str, config: &Path) -> tokio::process::Command {
    let mut command = bare();
    command
        .args([subcommand, "--config"])
        .arg(config)
        .env("TELOXIDE_TOKEN", TOKEN)
        .env("TELOXIDE_API_URL", api_url);
    command
}

/// The real `herald` with none of the test runner's own herald settings
/// (no token, no Bot API address), killed if the test drops it.
pub fn bare() -> tokio::process::Command {
    let mut command = tokio::process::Command::new(env!("CARGO_BIN_EXE_herald"));
    command
        .env_remove("TELOXIDE_TOKEN")
        .env_remove("TELOXIDE_API_URL")
        .env_remove("RUST_LOG")
        .env_remove("HERALD_CONFIG")
        .env_remove("HERALD_STATE")
        .env_remove("HERALD_DATABASE_URL")
        .env_remove("HERALD_LOG_FORMAT")
        .kill_on_drop(true);
    command
}

/// Stops `herald` with SIGTERM, as `docker stop` does, and returns what it
/// wrote on stderr (when piped); it must be gone within 6 s.
pub async fn stop(mut herald: tokio::process::Child) -> String {
    let pid = herald.id().unwrap().to_string();
    std::process::Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .unwrap();
    let output = tokio::time::timeout(Duration::from_secs(6), async {
        let mut stderr = String::new();
        if let Some(mut pipe) = herald.stderr.take() {
            use tokio::io::AsyncReadExt;
            pipe.read_to_string(&mut stderr).await.unwrap();
        }
        herald.wait().await.unwrap();
        stderr
    });
    output.await.expect("herald stops within 5 s")
}
