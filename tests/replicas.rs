//! Three `herald run` replicas on one PostgreSQL database, in webhook mode
//! behind a round-robin load balancer, against the fake Bot API with
//! Telegram's rate limits enforced: the real binary, as a deployment runs
//! it. Every replica answers members; one leads the scheduler; killed with
//! `kill -9` in the middle of a reminder to 300 chats, another takes over
//! within 10 s, and every chat gets the reminder once (at most the one
//! message in flight twice), never faster than Telegram allows.

mod support;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use tokio::process::Child;

use support::database::Database;
use support::fake_bot_api::{Call, Chat, FakeBotApi};
use support::http::{free_port, get, get_until, Balancer};
use support::members::JANE;
use support::process::{self, stop};

const REPLICAS: usize = 3;
const CHATS: i64 = 300;
/// Seconds from the site's writing to the reminder: time for the three
/// replicas to start and the members' commands to be answered first.
const LEAD: i64 = 15;

/// The configured chats, as `bot.toml` lists them.
fn chats() -> Vec<i64> {
    (1..=CHATS).map(|n| -1_000_000 - n).collect()
}

/// A replica: its process (`None` once killed), where it listens, its log.
struct Replica {
    herald: Option<Child>,
    listen: SocketAddr,
    log: PathBuf,
}

/// The site's `bot.toml` once per replica, each listening on a port of its
/// own for the same public webhook address.
fn replicas(api: &FakeBotApi, dir: &Path) -> Vec<Replica> {
    let base = std::fs::read_to_string(dir.join("bot.toml")).unwrap();
    (0..REPLICAS)
        .map(|n| {
            let listen = free_port();
            let config = dir.join(format!("replica-{n}.toml"));
            let webhook = format!(
                "[telegram]\nwebhook_url = \"https://bot.example.org/telegram\"\nlisten = \"{listen}\"\n"
            );
            std::fs::write(&config, base.replace("[telegram]\n", &webhook)).unwrap();
            let log = dir.join(format!("replica-{n}.log"));
            let herald = process::herald_run(&api.url(), &config)
                .env("RUST_LOG", "herald=info")
                .stdin(Stdio::null())
                .stderr(std::fs::File::create(&log).unwrap())
                .spawn()
                .unwrap();
            Replica {
                herald: Some(herald),
                listen,
                log,
            }
        })
        .collect()
}

/// Every replica's log, for a failure to show.
fn logs(replicas: &[Replica]) -> String {
    replicas
        .iter()
        .map(|r| std::fs::read_to_string(&r.log).unwrap_or_default())
        .collect::<Vec<_>>()
        .join("\n----\n")
}

/// The value of a metric line `name` (no labels) on a replica's `/metrics`.
async fn metric(listen: SocketAddr, name: &str) -> Option<f64> {
    let (_, body) = get(listen, "/metrics").await?;
    body.lines()
        .find_map(|line| line.strip_prefix(name)?.strip_prefix(' ')?.parse().ok())
}

/// The live replicas leading the scheduler now.
async fn leaders(replicas: &[Replica]) -> Vec<usize> {
    let mut leading = Vec::new();
    for (n, replica) in replicas.iter().enumerate() {
        let live = replica.herald.is_some();
        if live && metric(replica.listen, "herald_scheduler_leader").await == Some(1.0) {
            leading.push(n);
        }
    }
    leading
}

/// The one live replica leading the scheduler, once there is one (and
/// never two) by `deadline`.
async fn one_leader(replicas: &[Replica], deadline: Instant) -> usize {
    loop {
        match leaders(replicas).await[..] {
            [leader] => return leader,
            [] => {}
            ref several => panic!("{} leaders: {}", several.len(), logs(replicas)),
        }
        assert!(
            Instant::now() < deadline,
            "no leader in time: {}",
            logs(replicas)
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Messages sent to each configured chat so far.
fn per_chat(calls: &[Call]) -> Vec<usize> {
    chats()
        .into_iter()
        .map(|chat| {
            let to = |call: &&Call| call.params["chat_id"] == chat;
            calls.iter().filter(to).count()
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_replicas_answer_members_and_a_leader_killed_mid_broadcast_repeats_at_most_one() {
    let Some(database) = tokio::task::spawn_blocking(Database::create).await.unwrap() else {
        return;
    };
    let api = FakeBotApi::start().await;
    api.enforce_limits();
    let state = format!("state = \"{}\"\n", database.url);
    let dir = support::site::launch(&state, &format!("{:?}", chats()), LEAD);
    let mut replicas = replicas(&api, dir.path());
    let patience = Duration::from_secs(20);
    for replica in &replicas {
        get_until(replica.listen, "/healthz", patience, |status, _| {
            status == 200
        })
        .await;
    }
    let balancer = Balancer::start(replicas.iter().map(|r| r.listen).collect()).await;

    // Members' commands, through the balancer: each replica answers some.
    let secret = api.webhook_secret().await;
    let asking: Vec<Chat> = (1..=3 * REPLICAS as i64)
        .map(|n| Chat::Group(-2000 - n))
        .collect();
    for chat in &asking {
        let (_, answer) = api
            .post_to_webhook(balancer.addr, *chat, &JANE, "/next", Some(&secret))
            .await;
        assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    }
    for chat in &asking {
        let replied = api.wait_for_messages(*chat, 1).await;
        assert!(
            replied[0].html.contains("Launch &lt;party&gt;"),
            "{replied:?}"
        );
    }
    for replica in &replicas {
        let answered = get_until(replica.listen, "/metrics", patience, |_, body| {
            body.contains("herald_commands_total{command=\"next\"}")
        });
        assert!(
            answered
                .await
                .1
                .contains("herald_commands_total{command=\"next\"} 3"),
            "each replica answers its share: {}",
            logs(&replicas)
        );
    }
    let leading = one_leader(&replicas, Instant::now() + patience).await;

    // The reminder to 300 chats: the leader killed a third of the way.
    api.wait_within(
        Duration::from_secs(LEAD as u64 + 20),
        "a third sent",
        |calls| {
            let reached = per_chat(calls).iter().filter(|sent| **sent > 0).count();
            (reached >= CHATS as usize / 3).then_some(())
        },
    )
    .await;
    let mut leader = replicas[leading].herald.take().unwrap();
    leader.start_kill().unwrap();
    leader.wait().await.unwrap();
    let killed = Instant::now();
    let calls_at_kill = per_chat(&api.calls("sendMessage"));
    assert!(calls_at_kill.contains(&0), "killed mid-broadcast");
    let successor = one_leader(&replicas, killed + Duration::from_secs(10)).await;
    assert_ne!(successor, leading);

    api.wait_within(Duration::from_secs(40), "every chat reminded", |calls| {
        per_chat(calls).iter().all(|sent| *sent > 0).then_some(())
    })
    .await;
    tokio::time::sleep(Duration::from_millis(2500)).await;
    let calls = api.calls("sendMessage");
    let sent = per_chat(&calls);
    let repeated = sent.iter().filter(|sent| **sent > 1).count();
    assert!(
        sent.iter().all(|sent| (1..=2).contains(sent)) && repeated <= 1,
        "once each, at most the one in flight twice: {repeated} repeated"
    );
    assert!(
        calls
            .iter()
            .filter(|call| chats().contains(&call.params["chat_id"].as_i64().unwrap_or(0)))
            .all(|call| call.params["text"]
                .as_str()
                .unwrap_or("")
                .contains("Launch")),
        "the reminder, not something else"
    );
    let since_kill = |at: Instant| match at.checked_duration_since(killed) {
        Some(after) => format!("+{}ms", after.as_millis()),
        None => format!("-{}ms", killed.duration_since(at).as_millis()),
    };
    let too_fast: Vec<String> = api
        .too_fast()
        .into_iter()
        .map(|(chat, at)| format!("{chat} at {}", since_kill(at)))
        .collect();
    assert!(
        too_fast.is_empty(),
        "never faster than Telegram allows: {too_fast:?}"
    );
    drop(balancer);
    for replica in &mut replicas {
        if let Some(herald) = replica.herald.take() {
            stop(herald).await;
        }
    }
}
