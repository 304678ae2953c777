//! herald serving in-process, on a folder of pages, through a fresh fake Bot
//! API server: what the end-to-end tests start, talk to and stop.

use std::path::PathBuf;
use std::time::Duration;

use herald::config::Config;
use herald::health::Health;
use herald::telegram::{serve, BotApi, RunError};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use super::fake_bot_api::{Chat, FakeBotApi, Sent, User, TOKEN};
use super::logs::capture_logs;

/// herald serving a folder of pages through a fresh fake server.
pub struct Running {
    pub api: FakeBotApi,
    pub dir: tempfile::TempDir,
    /// What herald reports for `/healthz`.
    pub health: Health,
    stop: oneshot::Sender<()>,
    bot: JoinHandle<Result<(), RunError>>,
}

impl Running {
    pub async fn start(pages: &[(&str, String)]) -> Running {
        Running::start_with(pages, |_| {}).await
    }

    /// Starts with `configure` making changes to the test's config.
    pub async fn start_with(
        pages: &[(&str, String)],
        configure: impl FnOnce(&mut Config),
    ) -> Running {
        capture_logs();
        let api = FakeBotApi::start().await;
        let dir = tempfile::tempdir().unwrap();
        let events = dir.path().join("events");
        std::fs::create_dir(&events).unwrap();
        for (name, text) in pages {
            std::fs::write(events.join(name), text).unwrap();
        }
        let mut config = Config {
            events,
            state: dir.path().join("herald.db"),
            ..Config::default()
        };
        configure(&mut config);
        let bot_api = BotApi {
            url: api.url().parse().unwrap(),
            token: TOKEN.to_string(),
        };
        let (stop, stopped) = oneshot::channel();
        let health = Health::default();
        let bot = tokio::spawn(serve(config, bot_api, health.clone(), async {
            let _ = stopped.await;
        }));
        // The command menu is set once events are loaded and watched.
        api.wait_for_calls("setMyCommands", 2).await;
        Running {
            api,
            dir,
            health,
            stop,
            bot,
        }
    }

    pub fn page(&self, name: &str) -> PathBuf {
        self.dir.path().join("events").join(name)
    }

    pub fn state(&self) -> PathBuf {
        self.dir.path().join("herald.db")
    }

    /// A member asks in `chat` and reads herald's next message there.
    pub async fn ask(&self, chat: Chat, from: &User, text: &str) -> Sent {
        let seen = count_in(&self.api, chat);
        self.api.send_text(chat, from, text);
        let sent = self.api.wait_for_messages(chat, seen + 1).await;
        sent[seen].clone()
    }

    /// Stops herald as SIGTERM would. With no reply under way it stops at
    /// once, well before its grace for replies runs out (3 of the 5 s it
    /// has). The fake server and the folder stay for a look at what is left.
    pub async fn stop(self) -> (FakeBotApi, tempfile::TempDir) {
        self.stop.send(()).unwrap();
        let stopped = tokio::time::timeout(Duration::from_secs(3), self.bot).await;
        stopped.expect("herald stops at once").unwrap().unwrap();
        (self.api, self.dir)
    }
}

pub fn count_in(api: &FakeBotApi, chat: Chat) -> usize {
    api.calls("sendMessage")
        .iter()
        .filter(|c| c.params["chat_id"] == chat.id())
        .count()
}
