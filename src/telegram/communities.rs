//! `herald run --communities DIR`: many communities' bots in one process,
//! each a whole herald (its own token, events, state, scheduler and
//! exactly-once memory) started from `DIR/<name>.toml`. The folder is
//! looked at every [`RESCAN`]: a community added, changed or removed is
//! started, restarted or stopped without a restart of the others, and a
//! file that does not read is reported and skipped (a community already
//! serving keeps its last good config).
//!
//! With a shared listener every community's updates come in on it, at
//! `/telegram/<name>` of the public address; without, each serves as its
//! own file says (long polling, or a webhook of its own).

use std::collections::HashMap;
use std::future::Future;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use tracing::Instrument;
use url::Url;

use super::webhook::Hooks;
use super::{serve_led, BotApi, Hosted, Lead, RunError, GRACE};
use crate::config::communities::{self, Community};
use crate::config::Config;
use crate::health::Health;
use crate::store::Leader;

/// How often the folder is looked at for communities added, changed or
/// removed.
pub const RESCAN: Duration = Duration::from_secs(2);

/// One listener for every community's webhook: where it listens, and the
/// public address Telegram reaches it at.
#[derive(Debug, Clone)]
pub struct Shared {
    pub listen: SocketAddr,
    pub public_url: Url,
}

/// A community being served: the file text it was started from, and how
/// to stop it.
struct Serving {
    text: String,
    stop: oneshot::Sender<()>,
    task: JoinHandle<()>,
}

/// Serves every community in `dir` until `shutdown`, following the folder.
pub async fn host(
    dir: PathBuf,
    shared: Option<Shared>,
    shutdown: impl Future<Output = ()> + Send,
) -> Result<(), RunError> {
    let hooks = Hooks::default();
    let mut server = None;
    if let Some(shared) = &shared {
        let socket = crate::http::bind(shared.listen).await?;
        let (stop, stopped) = oneshot::channel::<()>();
        let routes = hooks.router().merge(crate::http::metrics_router());
        let serving = crate::http::serve(socket, routes, async {
            let _ = stopped.await;
        });
        tracing::info!(listen = %shared.listen, "serving the communities' webhooks at /telegram/<name>, and /metrics");
        server = Some((stop, tokio::spawn(serving)));
    }
    let mut host = Host {
        dir,
        shared,
        hooks,
        serving: HashMap::new(),
        reported: HashMap::new(),
    };
    tokio::pin!(shutdown);
    loop {
        host.follow().await;
        tokio::select! {
            () = tokio::time::sleep(RESCAN) => {}
            () = &mut shutdown => break,
        }
    }
    let names: Vec<String> = host.serving.keys().cloned().collect();
    let stopping: Vec<_> = names.iter().map(|name| host.stop(name)).collect();
    all(stopping).await;
    if let Some((stop, task)) = server {
        let _ = stop.send(());
        let _ = task.await;
    }
    tracing::info!("every community stopped");
    Ok(())
}

struct Host {
    dir: PathBuf,
    shared: Option<Shared>,
    hooks: Hooks,
    serving: HashMap<String, Serving>,
    /// What was last said about each file that does not serve, so that it
    /// is said once, not every rescan.
    reported: HashMap<PathBuf, String>,
}

impl Host {
    /// Brings what is served in line with the folder.
    async fn follow(&mut self) {
        let (found, skipped) = match communities::read(&self.dir) {
            Ok(read) => read,
            Err(error) => {
                let problem = format!("{}: cannot read the folder: {error}", self.dir.display());
                self.report(&self.dir.clone(), problem);
                return;
            }
        };
        for skipped in skipped {
            let file = match &skipped {
                communities::Skipped::Name { file, .. }
                | communities::Skipped::Read { file, .. } => file.clone(),
            };
            self.report(&file, skipped.to_string());
        }
        let names: Vec<String> = found.iter().map(|c| c.name.clone()).collect();
        let gone: Vec<String> = self
            .serving
            .keys()
            .filter(|name| !names.contains(name))
            .cloned()
            .collect();
        for name in gone {
            tracing::info!(community = %name, "its file is gone: stopping it");
            self.stop(&name).await;
        }
        for community in found {
            self.take(community).await;
        }
    }

    /// Starts a community new or changed; leaves one unchanged alone, and
    /// one whose new text does not read on its last good config.
    async fn take(&mut self, community: Community) {
        let unchanged = self
            .serving
            .get(&community.name)
            .is_some_and(|serving| serving.text == community.text);
        if unchanged {
            return;
        }
        let config = match community.config {
            Ok(config) => config,
            Err(error) => {
                let kept = if self.serving.contains_key(&community.name) {
                    "; it keeps serving on its last good config"
                } else {
                    "; skipped"
                };
                self.report(&community.file, format!("{error}{kept}"));
                return;
            }
        };
        self.reported.remove(&community.file);
        if self.serving.contains_key(&community.name) {
            tracing::info!(community = %community.name, "its file changed: restarting it");
            self.stop(&community.name).await;
        }
        let hosted = self.shared.as_ref().map(|shared| Hosted {
            hooks: self.hooks.clone(),
            name: community.name.clone(),
            url: webhook_url(&shared.public_url, &community.name),
        });
        let (stop, stopped) = oneshot::channel();
        let span = tracing::info_span!("community", name = %community.name);
        let task =
            tokio::spawn(run(community.name.clone(), config, hosted, stopped).instrument(span));
        let serving = Serving {
            text: community.text,
            stop,
            task,
        };
        self.serving.insert(community.name, serving);
    }

    /// Stops a community and waits for it (its replies and post under way
    /// get the same grace as a stopping `herald run`).
    fn stop(&mut self, name: &str) -> impl Future<Output = ()> + use<> {
        let serving = self.serving.remove(name);
        async move {
            let Some(serving) = serving else { return };
            let _ = serving.stop.send(());
            let mut task = serving.task;
            if tokio::time::timeout(GRACE * 2, &mut task).await.is_err() {
                task.abort();
            }
        }
    }

    fn report(&mut self, file: &Path, problem: String) {
        if self.reported.get(file) != Some(&problem) {
            tracing::error!("{problem}");
            self.reported.insert(file.to_path_buf(), problem);
        }
    }
}

/// `<public>/telegram/<name>`, whatever path the public address has.
fn webhook_url(public: &Url, name: &str) -> Url {
    let mut url = public.clone();
    let path = format!("{}/telegram/{name}", public.path().trim_end_matches('/'));
    url.set_path(&path);
    url
}

/// One community, as `herald run` would serve its file, until `stopped`;
/// what ends it is logged under its name, and the others go on.
async fn run(name: String, config: Config, hosted: Option<Hosted>, stopped: oneshot::Receiver<()>) {
    let served = async {
        crate::events::load::folder(&config.events)?;
        let api = BotApi::of_community(&config, &communities::token_var(&name))?;
        let lead = Lead::Held(Leader::take(&config).await?);
        let shutdown = async {
            let _ = stopped.await;
        };
        serve_led(config, api, Health::default(), shutdown, Some(lead), hosted).await
    };
    match crate::community::scope(&name, served).await {
        Ok(()) => tracing::info!("stopped"),
        Err(error) => tracing::error!(%error, "not serving until its file changes"),
    }
}

/// Waits for every future, together.
async fn all(futures: Vec<impl Future<Output = ()> + Send + 'static>) {
    let mut set = tokio::task::JoinSet::new();
    for future in futures {
        set.spawn(future);
    }
    while set.join_next().await.is_some() {}
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_community_has_its_path_under_the_public_address() {
        let public: Url = "https://bots.example.org".parse().unwrap();
        assert_eq!(
            webhook_url(&public, "rust-sh").as_str(),
            "https://bots.example.org/telegram/rust-sh"
        );
        let under: Url = "https://example.org/herald/".parse().unwrap();
        assert_eq!(
            webhook_url(&under, "go").as_str(),
            "https://example.org/herald/telegram/go"
        );
    }
}
