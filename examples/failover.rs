//! Replicas behind a load balancer, measured (issue #14): how long the
//! scheduler is without a leader when the leader dies, and how many
//! commands a second one replica and three replicas answer.
//!
//! Real `herald run` processes in webhook mode on one PostgreSQL database
//! (`HERALD_TEST_DATABASE_URL`, which `. .ci/postgres` starts and sets),
//! against the fake Bot API of the tests, everything on 127.0.0.1:
//!
//! - **failover**: three replicas; the leader (the one whose
//!   `herald_scheduler_leader` gauge on `/metrics` is 1) is killed with
//!   SIGKILL, the survivors' gauges are polled every 5 ms until one says 1,
//!   the killed replica is started again and waits as a standby; 20 times.
//!   Also timed: until a survivor holds the leader lock in PostgreSQL
//!   (`pg_locks`, polled every 2 ms), which is 1 s before its gauge says
//!   so (herald's pause for Telegram's window). Printed: min / median / max
//!   and each kill.
//! - **throughput**: 2,000 `/next` from 2,000 distinct members, posted as
//!   Telegram posts updates to the webhook, through a round-robin balancer,
//!   by 16 concurrent clients, each posting its next update as soon as the
//!   last one was accepted; timed from the first post to the last reply
//!   reaching the fake Bot API. One replica, then three, each on a
//!   database of its own; three rounds, alternating.
//!
//! ```sh
//! . .ci/postgres
//! cargo build --release --bin herald --example failover
//! target/release/examples/failover [failover|throughput|all]
//! ```
//!
//! The herald measured is `target/release/herald` beside the example (the
//! example's build does not build it), or `HERALD_BIN`. `FAILOVER_KILLS`,
//! `THROUGHPUT_COMMANDS`, `THROUGHPUT_CLIENTS` and `THROUGHPUT_ROUNDS`
//! change the counts. Every wait is bounded; the replicas are killed when
//! the example ends, fails or panics. Without a PostgreSQL server it says
//! why and exits 0.

use std::collections::HashSet;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use chrono::Utc;
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::process::Child;

#[path = "../tests/support/database.rs"]
#[allow(dead_code)]
mod database;
#[path = "../tests/support/fake_bot_api.rs"]
#[allow(dead_code)]
mod fake_bot_api;
#[path = "../benches/common/pages.rs"]
#[allow(dead_code)]
mod generated;
#[path = "../tests/support/http.rs"]
#[allow(dead_code)]
mod http;

use database::Database;
use fake_bot_api::{FakeBotApi, TOKEN};
use http::{free_port, get, Balancer};

/// The whole run stops by itself after this, whatever is left.
const RUN_LIMIT: Duration = Duration::from_secs(20 * 60);
/// How long a replica may take to start, or a leader to appear.
const PATIENCE: Duration = Duration::from_secs(30);
/// Generated meetup pages in the site (those of `benches/`), the last
/// [`UPCOMING`] of them ahead of today, so `/next` has work to do.
const PAGES: usize = 300;
const UPCOMING: usize = 30;
/// Commands before each measured throughput run, not counted: connections
/// opened, caches warm.
const WARM_UP: usize = 90;

fn main() -> Result<()> {
    let what = std::env::args().nth(1).unwrap_or_else(|| "all".to_string());
    if !["all", "failover", "throughput"].contains(&what.as_str()) {
        bail!("failover, throughput or all, not {what}");
    }
    let bin = herald_binary()?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    runtime.block_on(async {
        match tokio::time::timeout(RUN_LIMIT, run(&what, &bin)).await {
            Ok(ran) => ran,
            Err(_) => bail!("stopped after {} s", RUN_LIMIT.as_secs()),
        }
    })
}

async fn run(what: &str, bin: &Path) -> Result<()> {
    println!(
        "herald: {} ({} cores here; the replicas, PostgreSQL, the fake Bot API, the balancer \
         and the clients all share them)",
        bin.display(),
        std::thread::available_parallelism().map_or(0, |n| n.get())
    );
    if what != "throughput" {
        let kills = count("FAILOVER_KILLS", 20)?;
        let Some(database) = database().await? else {
            return Ok(());
        };
        failover(bin, &database, kills).await?;
    }
    if what != "failover" {
        let commands = count("THROUGHPUT_COMMANDS", 2_000)?;
        let clients = count("THROUGHPUT_CLIENTS", 16)?;
        let rounds = count("THROUGHPUT_ROUNDS", 3)?;
        let mut figures: Vec<(usize, f64)> = Vec::new();
        for round in 1..=rounds {
            for replicas in [1, 3] {
                let Some(database) = database().await? else {
                    return Ok(());
                };
                let rate = throughput(bin, &database, replicas, commands, clients)
                    .await
                    .with_context(|| format!("round {round}, {replicas} replica(s)"))?;
                figures.push((replicas, rate));
            }
        }
        println!("\nthroughput, {commands} /next by {clients} clients, {rounds} round(s):");
        for replicas in [1, 3] {
            let mut rates: Vec<f64> = figures
                .iter()
                .filter(|(n, _)| *n == replicas)
                .map(|(_, rate)| *rate)
                .collect();
            let each: Vec<String> = rates.iter().map(|rate| format!("{rate:.0}")).collect();
            rates.sort_by(f64::total_cmp);
            println!(
                "  {replicas} replica(s): best {:.0}, median {:.0} commands/s (each: {})",
                rates[rates.len() - 1],
                rates[rates.len() / 2],
                each.join(", ")
            );
        }
        println!(
            "  (on {} cores the three replicas share the same cores as the one did, with \
             PostgreSQL and this load generator: more replicas add availability here, not \
             CPU)",
            std::thread::available_parallelism().map_or(0, |n| n.get())
        );
    }
    Ok(())
}

/// The `herald` binary measured: `HERALD_BIN`, or the one cargo built beside
/// this example (`target/<profile>/herald`).
fn herald_binary() -> Result<PathBuf> {
    let bin = match std::env::var_os("HERALD_BIN") {
        Some(bin) => PathBuf::from(bin),
        None => {
            let me = std::env::current_exe()?;
            let profile = me
                .parent()
                .and_then(Path::parent)
                .context("the example sits in target/<profile>/examples")?;
            profile.join("herald")
        }
    };
    if !bin.is_file() {
        bail!(
            "no herald binary at {}: build it (`cargo build --release --bin herald`) or set \
             HERALD_BIN",
            bin.display()
        );
    }
    Ok(bin)
}

/// A count from the environment, or `default`.
fn count(name: &str, default: usize) -> Result<usize> {
    match std::env::var(name) {
        Ok(value) => {
            let n: usize = value.parse().with_context(|| format!("{name}: a number"))?;
            if n == 0 {
                bail!("{name}: at least 1");
            }
            Ok(n)
        }
        Err(_) => Ok(default),
    }
}

/// A new database on the test server, or `None` (said why) without one.
async fn database() -> Result<Option<Database>> {
    if std::env::var_os("HERALD_TEST_DATABASE_URL").is_none() {
        println!(
            "skipped: HERALD_TEST_DATABASE_URL is not set; `. .ci/postgres` starts a throwaway \
             PostgreSQL server and sets it"
        );
        return Ok(None);
    }
    Ok(tokio::task::spawn_blocking(Database::create).await?)
}

// ----------------------------------------------------------------- replicas

/// The site: generated pages and a `bot.toml` in webhook mode whose
/// scheduler has nothing to post (no chats), with `[telegram]` left for each
/// replica's `listen`.
fn site(database: &Database) -> Result<tempfile::TempDir> {
    let dir = tempfile::tempdir()?;
    let events = dir.path().join("events");
    std::fs::create_dir(&events)?;
    let today = Utc::now().date_naive();
    generated::write(
        &events,
        (0..PAGES).map(|index| {
            let weeks = index as i64 - (PAGES - UPCOMING) as i64;
            generated::page(index, today + chrono::Duration::days(7 * weeks + 3))
        }),
    );
    std::fs::write(
        dir.path().join("bot.toml"),
        format!(
            "state = \"{}\"\nlanguage = \"en\"\ntimezone = \"UTC\"\n[telegram]\nchats = []\n\
             [schedule]\ndigest = \"0 0 10 1 1 *\"\nreminders = [\"2h\"]\ntalk_reminders = []\n\
             catch_up = \"1h\"\n",
            database.url
        ),
    )?;
    Ok(dir)
}

/// One `herald run`: its process (`None` while killed), where it listens.
struct Replica {
    herald: Option<Child>,
    listen: SocketAddr,
    log: PathBuf,
}

/// The replicas of one measurement, on one site and one fake Bot API. They
/// are killed when it is dropped, a panic's unwinding included.
struct Fleet {
    bin: PathBuf,
    api_url: String,
    dir: PathBuf,
    log_level: &'static str,
    replicas: Vec<Replica>,
    started: usize,
}

impl Fleet {
    fn new(bin: &Path, api: &FakeBotApi, dir: &Path, log_level: &'static str) -> Fleet {
        Fleet {
            bin: bin.to_path_buf(),
            api_url: api.url(),
            dir: dir.to_path_buf(),
            log_level,
            replicas: Vec::new(),
            started: 0,
        }
    }

    /// Starts replica `n` (a new one past the end), on a port of its own.
    fn start(&mut self, n: usize) -> Result<()> {
        let base = std::fs::read_to_string(self.dir.join("bot.toml"))?;
        let listen = free_port();
        self.started += 1;
        let config = self.dir.join(format!("replica-{n}-{}.toml", self.started));
        let webhook = format!(
            "[telegram]\nwebhook_url = \"https://bot.example.org/telegram\"\nlisten = \"{listen}\"\n"
        );
        std::fs::write(&config, base.replace("[telegram]\n", &webhook))?;
        let log = self.dir.join(format!("replica-{n}-{}.log", self.started));
        let herald = tokio::process::Command::new(&self.bin)
            .args(["run", "--config"])
            .arg(&config)
            .env_remove("TELOXIDE_TOKEN")
            .env_remove("TELOXIDE_API_URL")
            .env_remove("HERALD_CONFIG")
            .env_remove("HERALD_STATE")
            .env_remove("HERALD_DATABASE_URL")
            .env_remove("HERALD_LOG_FORMAT")
            .env("TELOXIDE_TOKEN", TOKEN)
            .env("TELOXIDE_API_URL", &self.api_url)
            .env("RUST_LOG", self.log_level)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(&log)?)
            .kill_on_drop(true)
            .spawn()
            .with_context(|| format!("starting {}", self.bin.display()))?;
        let replica = Replica {
            herald: Some(herald),
            listen,
            log,
        };
        match self.replicas.get_mut(n) {
            Some(slot) => *slot = replica,
            None => self.replicas.push(replica),
        }
        Ok(())
    }

    /// Waits until replica `n` answers `/healthz` with 200.
    async fn healthy(&mut self, n: usize) -> Result<()> {
        let deadline = Instant::now() + PATIENCE;
        loop {
            if let Some((200, _)) = get(self.replicas[n].listen, "/healthz").await {
                return Ok(());
            }
            if let Some(herald) = self.replicas[n].herald.as_mut() {
                if let Some(status) = herald.try_wait()? {
                    bail!("replica {n} exited ({status}): {}", self.log(n));
                }
            }
            if Instant::now() > deadline {
                bail!("replica {n} not healthy in time: {}", self.log(n));
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// SIGKILL (`kill -9`) to replica `n`, and waits for it to be gone.
    async fn kill(&mut self, n: usize) -> Result<()> {
        if let Some(mut herald) = self.replicas[n].herald.take() {
            herald.start_kill()?;
            herald.wait().await?;
        }
        Ok(())
    }

    /// The live replicas whose scheduler gauge is 1 now, asked at once.
    async fn leaders(&self) -> Vec<usize> {
        let asked = self
            .replicas
            .iter()
            .enumerate()
            .filter(|(_, r)| r.herald.is_some())
            .map(|(n, r)| (n, r.listen))
            .map(|(n, listen)| async move { (n, leader_gauge(listen).await) });
        let gauges = futures_join(asked).await;
        gauges
            .into_iter()
            .filter(|(_, gauge)| *gauge == Some(1.0))
            .map(|(n, _)| n)
            .collect()
    }

    /// The one leader, once there is one (never two), within [`PATIENCE`].
    async fn one_leader(&self) -> Result<usize> {
        let deadline = Instant::now() + PATIENCE;
        loop {
            match self.leaders().await[..] {
                [leader] => return Ok(leader),
                [] => {}
                ref several => bail!("{} leaders at once: {}", several.len(), self.logs()),
            }
            if Instant::now() > deadline {
                bail!("no leader in time: {}", self.logs());
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// The end of replica `n`'s log, for a failure to show.
    fn log(&self, n: usize) -> String {
        let log = std::fs::read_to_string(&self.replicas[n].log).unwrap_or_default();
        let lines: Vec<&str> = log.lines().collect();
        lines[lines.len().saturating_sub(20)..].join("\n")
    }

    fn logs(&self) -> String {
        (0..self.replicas.len())
            .map(|n| format!("\n-- replica {n}:\n{}", self.log(n)))
            .collect()
    }

    /// CPU seconds (user + system) the live replicas used so far.
    fn cpu(&self) -> f64 {
        self.replicas
            .iter()
            .filter_map(|r| r.herald.as_ref()?.id())
            .map(|pid| cpu_seconds(&format!("/proc/{pid}/stat")))
            .sum()
    }
}

impl Drop for Fleet {
    fn drop(&mut self) {
        for replica in &mut self.replicas {
            if let Some(mut herald) = replica.herald.take() {
                let _ = herald.start_kill();
                // Reaped at once where it is already gone; otherwise the
                // runtime reaps it.
                let _ = herald.try_wait();
            }
        }
    }
}

/// Polls every future at once: `futures::future::join_all` without the
/// crate.
async fn futures_join<F>(futures: impl Iterator<Item = F>) -> Vec<F::Output>
where
    F: std::future::Future + Send + 'static,
    F::Output: Send + 'static,
{
    let tasks: Vec<_> = futures.map(tokio::spawn).collect();
    let mut outputs = Vec::with_capacity(tasks.len());
    for task in tasks {
        if let Ok(output) = task.await {
            outputs.push(output);
        }
    }
    outputs
}

/// `herald_scheduler_leader` on a replica's `/metrics`.
async fn leader_gauge(listen: SocketAddr) -> Option<f64> {
    metric(listen, "herald_scheduler_leader").await
}

/// The value of the metric line `name` (labels included in `name`).
async fn metric(listen: SocketAddr, name: &str) -> Option<f64> {
    let (_, body) = get(listen, "/metrics").await?;
    body.lines()
        .find_map(|line| line.strip_prefix(name)?.strip_prefix(' ')?.parse().ok())
}

/// User + system CPU seconds of a `/proc/<pid>/stat` (clock ticks of 1/100 s,
/// Linux's `USER_HZ`); 0 where it cannot be read.
fn cpu_seconds(stat: &str) -> f64 {
    let Ok(stat) = std::fs::read_to_string(stat) else {
        return 0.0;
    };
    // Fields after the command (which may hold spaces), from field 3 on:
    // utime and stime are fields 14 and 15.
    let Some((_, rest)) = stat.rsplit_once(')') else {
        return 0.0;
    };
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| fields.get(i).and_then(|f| f.parse::<u64>().ok());
    match (ticks(11), ticks(12)) {
        (Some(user), Some(system)) => (user + system) as f64 / 100.0,
        _ => 0.0,
    }
}

// ----------------------------------------------------------------- failover

async fn failover(bin: &Path, database: &Database, kills: usize) -> Result<()> {
    let api = FakeBotApi::start().await;
    let site = site(database)?;
    let mut fleet = Fleet::new(bin, &api, site.path(), "herald=info");
    for n in 0..3 {
        fleet.start(n)?;
    }
    for n in 0..3 {
        fleet.healthy(n).await?;
    }
    println!("\nfailover: 3 replicas, the leader killed with SIGKILL {kills} times");
    // Per kill: until a survivor holds the lock, until its gauge says 1.
    let mut took: Vec<(Duration, Duration)> = Vec::new();
    for kill in 1..=kills {
        let leader = fleet.one_leader().await?;
        // Every replica up and standing by (gauge 0) but the leader.
        for n in (0..3).filter(|n| *n != leader) {
            let deadline = Instant::now() + PATIENCE;
            while leader_gauge(fleet.replicas[n].listen).await != Some(0.0) {
                if Instant::now() > deadline {
                    bail!("replica {n} not standing by: {}", fleet.log(n));
                }
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        }
        let pid = fleet.replicas[leader]
            .herald
            .as_ref()
            .and_then(Child::id)
            .context("the leader's pid")?;
        // A kill at a moment of its own against the standbys' tries
        // (twice a second, from when each started): spread over 0-1 s,
        // the same spread every run.
        tokio::time::sleep(Duration::from_millis((kill as u64 * 379) % 1000)).await;
        let watcher = LockWatcher::start(&database.url, pid).await?;
        let killed = Instant::now();
        fleet.kill(leader).await?;
        let gone = killed.elapsed();
        let successor = loop {
            match fleet.leaders().await[..] {
                [successor] => break successor,
                [] => {}
                ref several => bail!("{} leaders at once: {}", several.len(), fleet.logs()),
            }
            if killed.elapsed() > PATIENCE {
                bail!("no new leader in time: {}", fleet.logs());
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        };
        let gauge = killed.elapsed();
        let (locked_at, holder) = watcher.taken().await?;
        let locked = locked_at.saturating_duration_since(killed);
        let successor_pid = fleet.replicas[successor]
            .herald
            .as_ref()
            .and_then(Child::id);
        if successor_pid != Some(holder) {
            bail!("the lock went to pid {holder}, the gauge says replica {successor}");
        }
        took.push((locked, gauge));
        println!(
            "  kill {kill:2}: replica {leader} killed (gone after {:.1} ms); replica \
             {successor} holds the lock after {:.0} ms, leads (gauge 1) after {:.0} ms",
            gone.as_secs_f64() * 1000.0,
            locked.as_secs_f64() * 1000.0,
            gauge.as_secs_f64() * 1000.0
        );
        fleet.start(leader)?;
        fleet.healthy(leader).await?;
    }
    let ms = |d: Duration| format!("{:.0} ms", d.as_secs_f64() * 1000.0);
    let summary = |what: &str, times: Vec<Duration>| {
        let mut sorted = times.clone();
        sorted.sort();
        let middle = sorted.len() / 2;
        let median = match sorted.len() % 2 {
            1 => sorted[middle],
            _ => (sorted[middle - 1] + sorted[middle]) / 2,
        };
        println!(
            "  {what}: min {}, median {}, max {}\n    each: {}",
            ms(sorted[0]),
            ms(median),
            ms(sorted[sorted.len() - 1]),
            times.iter().map(|d| ms(*d)).collect::<Vec<_>>().join(", ")
        );
    };
    println!("failover over {} kills, from the SIGKILL:", took.len());
    summary(
        "until a survivor leads (its herald_scheduler_leader gauge reads 1; /metrics polled \
         every 5 ms)",
        took.iter().map(|(_, gauge)| *gauge).collect(),
    );
    summary(
        "until a survivor holds the leader lock (pg_locks polled every 2 ms; the gauge \
         follows 1 s later, herald's deliberate pause for Telegram's window)",
        took.iter().map(|(locked, _)| *locked).collect(),
    );
    Ok(())
}

/// Watches `pg_locks`, on a thread of its own (the synchronous client must
/// not run on an async worker), for the leader lock to pass from one herald
/// to another.
struct LockWatcher {
    thread: std::thread::JoinHandle<Result<(Instant, u32)>>,
}

impl LockWatcher {
    /// Starts watching once the lock is seen held by herald `pid`.
    async fn start(url: &str, pid: u32) -> Result<LockWatcher> {
        let url = url.to_string();
        let (ready, seen) = std::sync::mpsc::channel::<Result<()>>();
        let thread = std::thread::spawn(move || {
            let connected = ::postgres::Client::connect(&url, ::postgres::NoTls);
            let mut client = match connected {
                Ok(client) => client,
                Err(error) => {
                    let _ = ready.send(Err(error.into()));
                    bail!("no connection");
                }
            };
            let first = lock_holder(&mut client);
            let held = match first {
                Ok(Some(holder)) if holder == pid => Ok(()),
                Ok(holder) => Err(anyhow::anyhow!("the lock is held by {holder:?}, not {pid}")),
                Err(error) => Err(error),
            };
            let failed = held.is_err();
            let _ = ready.send(held);
            if failed {
                bail!("not watching");
            }
            let deadline = Instant::now() + PATIENCE;
            while Instant::now() < deadline {
                let holder = lock_holder(&mut client)?;
                let at = Instant::now();
                if let Some(holder) = holder.filter(|holder| *holder != pid) {
                    return Ok((at, holder));
                }
                std::thread::sleep(Duration::from_millis(2));
            }
            bail!(
                "the lock still not taken over after {} s",
                PATIENCE.as_secs()
            )
        });
        let started = tokio::task::spawn_blocking(move || seen.recv()).await?;
        started.context("the lock watcher stopped")??;
        Ok(LockWatcher { thread })
    }

    /// When another herald than the one watched held the lock, and its pid.
    async fn taken(self) -> Result<(Instant, u32)> {
        let thread = self.thread;
        match tokio::task::spawn_blocking(move || thread.join()).await? {
            Ok(taken) => taken,
            Err(_) => bail!("the lock watcher panicked"),
        }
    }
}

/// The pid of the herald holding the leader lock on this database now, as
/// its connection's name says.
fn lock_holder(client: &mut ::postgres::Client) -> Result<Option<u32>> {
    let Some(holder) = herald::store::PgLease::holding(client)? else {
        return Ok(None);
    };
    let name = holder.name.unwrap_or_default();
    let pid = name
        .strip_prefix("herald pid ")
        .and_then(|rest| rest.split(' ').next())
        .and_then(|pid| pid.parse().ok())
        .with_context(|| format!("the lock's connection is named {name:?}"))?;
    Ok(Some(pid))
}

// --------------------------------------------------------------- throughput

/// Commands a second answered by `replicas` replicas behind the balancer.
async fn throughput(
    bin: &Path,
    database: &Database,
    replicas: usize,
    commands: usize,
    clients: usize,
) -> Result<f64> {
    let api = FakeBotApi::start().await;
    let site = site(database)?;
    // herald's own default level, as deployed.
    let mut fleet = Fleet::new(bin, &api, site.path(), "info");
    for n in 0..replicas {
        fleet.start(n)?;
    }
    for n in 0..replicas {
        fleet.healthy(n).await?;
    }
    fleet.one_leader().await?;
    let balancer = Balancer::start(fleet.replicas.iter().map(|r| r.listen).collect()).await;
    let secret = api.webhook_secret().await;
    let registered = api.calls("setWebhook").remove(0).params;
    let path = url::Url::parse(registered["url"].as_str().unwrap_or_default())?
        .path()
        .to_string();
    let webhook = Webhook {
        to: balancer.addr,
        path,
        secret,
    };
    let mut feed = api.call_feed();

    // Warm-up, then the measured commands, from members of their own.
    let warm: Vec<u64> = (0..WARM_UP as u64).map(|n| 500_000 + n).collect();
    send(&webhook, &warm, clients).await?;
    answered(&mut feed, &warm, Instant::now() + PATIENCE).await?;
    let members: Vec<u64> = (0..commands as u64).map(|n| 1_000_000 + n).collect();
    let cpu_before = fleet.cpu();
    let own_before = cpu_seconds("/proc/self/stat");
    let started = Instant::now();
    let sending = tokio::spawn({
        let webhook = webhook.clone();
        let members = members.clone();
        async move { send(&webhook, &members, clients).await }
    });
    let deadline = started + Duration::from_secs(120);
    let last = answered(&mut feed, &members, deadline).await;
    let posted = sending.await??;
    let last = last?;
    let cpu = fleet.cpu() - cpu_before;
    let own = cpu_seconds("/proc/self/stat") - own_before;
    let elapsed = last.duration_since(started);
    let rate = commands as f64 / elapsed.as_secs_f64();
    // The counters move once each reply's send has returned: a moment on.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let mut shares = Vec::new();
    for replica in &fleet.replicas {
        let next = metric(replica.listen, "herald_commands_total{command=\"next\"}").await;
        shares.push(format!("{:.0}", next.unwrap_or(0.0)));
    }
    let dropped = futures_join(
        fleet
            .replicas
            .iter()
            .map(|r| metric(r.listen, "herald_commands_dropped_total")),
    )
    .await;
    println!(
        "\nthroughput, {replicas} replica(s): {commands} /next in {:.2} s = {rate:.0} commands/s \
         (all posted after {:.2} s; /next answered per replica, warm-up included: {}; \
         dropped: {}; herald CPU {:.2} s = {:.2} ms a command; clients, balancer and fake \
         Bot API CPU {own:.2} s)",
        elapsed.as_secs_f64(),
        posted.as_secs_f64(),
        shares.join(" / "),
        dropped.iter().map(|d| d.unwrap_or(0.0)).sum::<f64>(),
        cpu,
        cpu * 1000.0 / commands as f64
    );
    drop(balancer);
    drop(fleet);
    Ok(rate)
}

/// Where Telegram posts updates: the balancer, the route, the secret.
#[derive(Clone)]
struct Webhook {
    to: SocketAddr,
    path: String,
    secret: String,
}

/// Update ids, unique over the run.
static NEXT_UPDATE: AtomicUsize = AtomicUsize::new(1);

impl Webhook {
    /// Posts `/next` from `member` in their private chat, as Telegram does:
    /// one connection per update, answered once herald has queued it.
    async fn post(&self, member: u64) -> Result<()> {
        let update = NEXT_UPDATE.fetch_add(1, Ordering::Relaxed);
        let body = json!({
            "update_id": update,
            "message": {
                "message_id": update,
                "date": Utc::now().timestamp(),
                "chat": {"id": member, "type": "private", "first_name": "Member"},
                "from": {
                    "id": member,
                    "is_bot": false,
                    "first_name": "Member",
                    "language_code": "en",
                },
                "text": "/next",
                "entities": [{"type": "bot_command", "offset": 0, "length": 5}],
            },
        })
        .to_string();
        let request = format!(
            "POST {} HTTP/1.1\r\nHost: {}\r\nContent-Type: application/json\r\n\
             X-Telegram-Bot-Api-Secret-Token: {}\r\nContent-Length: {}\r\n\
             Connection: close\r\n\r\n{body}",
            self.path,
            self.to,
            self.secret,
            body.len()
        );
        let mut stream = tokio::time::timeout(
            Duration::from_secs(10),
            tokio::net::TcpStream::connect(self.to),
        )
        .await??;
        stream.write_all(request.as_bytes()).await?;
        let mut answer = String::new();
        tokio::time::timeout(Duration::from_secs(10), stream.read_to_string(&mut answer)).await??;
        if !answer.starts_with("HTTP/1.1 200") {
            bail!("the webhook refused an update: {answer}");
        }
        Ok(())
    }
}

/// Posts `/next` from each member, by `clients` clients at once; returns
/// how long it took.
async fn send(webhook: &Webhook, members: &[u64], clients: usize) -> Result<Duration> {
    let started = Instant::now();
    let members: Arc<Vec<u64>> = Arc::new(members.to_vec());
    let next = Arc::new(AtomicUsize::new(0));
    let tasks: Vec<_> = (0..clients)
        .map(|_| {
            let (webhook, members, next) = (webhook.clone(), members.clone(), next.clone());
            tokio::spawn(async move {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(member) = members.get(i) else {
                        return Ok::<_, anyhow::Error>(());
                    };
                    webhook.post(*member).await?;
                }
            })
        })
        .collect();
    for task in tasks {
        task.await??;
    }
    Ok(started.elapsed())
}

/// Waits until every member has had a reply at the fake Bot API, at most
/// until `deadline`; returns when the last one arrived.
async fn answered(
    feed: &mut tokio::sync::mpsc::UnboundedReceiver<fake_bot_api::Call>,
    members: &[u64],
    deadline: Instant,
) -> Result<Instant> {
    let mut waiting: HashSet<i64> = members.iter().map(|m| *m as i64).collect();
    let mut last = Instant::now();
    while !waiting.is_empty() {
        let left = deadline.saturating_duration_since(Instant::now());
        let call = match tokio::time::timeout(left, feed.recv()).await {
            Ok(Some(call)) => call,
            Ok(None) => bail!("the fake Bot API stopped"),
            Err(_) => bail!("{} of {} never answered", waiting.len(), members.len()),
        };
        if call.method != "sendMessage" {
            continue;
        }
        let chat = call.params["chat_id"].as_i64().unwrap_or_default();
        if waiting.remove(&chat) {
            let text = call.params["text"].as_str().unwrap_or_default();
            if text.contains("faster than I can answer") {
                bail!("member {chat} was told to slow down");
            }
            last = call.at;
        }
    }
    Ok(last)
}
