//! Issue #14's scale, measured: 1,000 communities × 100 chats × 50 events
//! in one deployment. Three figures, each from the library's real code:
//!
//! 1. **Scheduler turn time.** Generated meetup pages (those of
//!    `benches/catalog.rs`), biweekly, are written into a folder per
//!    community and read by the real loader. Each community's scheduler
//!    memory is put in its steady state: every chat already told about
//!    every event, and the keys of what went out over the last 90 days (the
//!    runner's `KEEP`, the posts the planner owed then) done. Then `herald::schedule::turn`, the pure plan of
//!    one turn, is timed for every community, ten passes, on one thread.
//! 2. **Memory.** The resident memory (`/proc/self/statm`, so Linux only)
//!    that all the communities' libraries (`herald::telegram::Library`, the
//!    catalog in service) add, then what their scheduler memories add (what
//!    chats were told, then the post keys done).
//! 3. **PostgreSQL statements per post.** The real scheduler
//!    (`schedule::runner::Runner`) on the real `PgStore`, one community's
//!    event reminder due to its subscribed chats, Telegram faked by a
//!    deliverer that accepts everything at once. Every message the store
//!    sends the server passes through a counting relay in this process, so
//!    the statements are counted as PostgreSQL receives them, by their SQL
//!    (what `pg_stat_statements` would count, with `BEGIN` and `COMMIT`).
//!    It needs a server: `HERALD_TEST_DATABASE_URL` (`. .ci/postgres`
//!    starts a throwaway one and sets it); a scratch database is made on it
//!    and dropped afterwards. Without it, this part says so and is skipped.
//!
//! `cargo run --release --example scale -- [COMMUNITIES] [CHATS] [EVENTS]`
//! (default 1000 100 50). The default run writes 50,000 pages and holds
//! them all, about 600 MB, and takes about a minute.

use std::collections::{BTreeMap, HashMap};
use std::hint::black_box;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream, ToSocketAddrs};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration as Elapsed, Instant};

use chrono::{DateTime, Duration, NaiveDate, Utc};
use herald::clock::Clock;
use herald::config::{ChatTarget, Config};
use herald::events::load::Site;
use herald::events::{Catalog, Event};
use herald::lang::Lang;
use herald::schedule::runner::{Deliver, Delivery, Outgoing, Pin, Runner, KEEP};
use herald::schedule::{plan, turn, Facts, Followers, Input, Memory, Rules};
use herald::store::{PgStore, ScheduleStore};
use herald::telegram::Library;

#[path = "../benches/common/pages.rs"]
mod generated;
#[path = "../benches/common/resident.rs"]
mod resident;
use resident::resident;

/// The first community's first meetup; each community meets every
/// [`EVERY`] days from a day of its own in the first fortnight.
const FIRST: NaiveDate = match NaiveDate::from_ymd_opt(2025, 1, 4) {
    Some(day) => day,
    None => panic!("a date"),
};
const EVERY: i64 = 14;
/// Passes of turn timing over all communities.
const PASSES: usize = 10;
/// The relay saw nothing for this long: the scheduler is idle.
const QUIET: Elapsed = Elapsed::from_secs(1);
/// Longest wait for the scheduler at any step, so the run always ends.
const PATIENCE: Elapsed = Elapsed::from_secs(60);
/// Turns with nothing to send, each woken as an announcement would.
const IDLE_TURNS: usize = 3;

struct Scale {
    communities: usize,
    chats: i64,
    events: usize,
}

impl Scale {
    fn from_args() -> Scale {
        let mut args = std::env::args().skip(1);
        let mut next = |name: &str, default: usize| match args.next() {
            Some(n) => n
                .parse()
                .unwrap_or_else(|_| panic!("{name}: a number, not {n}")),
            None => default,
        };
        Scale {
            communities: next("COMMUNITIES", 1000),
            chats: next("CHATS", 100) as i64,
            events: next("EVENTS", 50),
        }
    }

    fn pages(&self) -> usize {
        self.communities * self.events
    }
}

/// What every community's turn shares: the config, its chats, no members.
struct Fixed {
    config: Config,
    chats: Vec<ChatTarget>,
    rules: Rules,
    followers: Followers,
}

fn main() {
    // As `herald` itself does.
    herald::allocator::tune();
    let scale = Scale::from_args();
    println!(
        "{} communities × {} chats × {} events",
        scale.communities, scale.chats, scale.events
    );
    let dir = tempfile::tempdir().expect("a temporary folder");
    let started = Instant::now();
    let bytes = write_pages(dir.path(), &scale);
    println!(
        "wrote {} pages, {:.1} MB, in {:.1} s",
        scale.pages(),
        bytes as f64 / 1e6,
        started.elapsed().as_secs_f64()
    );

    let libraries = open_libraries(dir.path(), &scale);
    let catalogs: Vec<Arc<Catalog>> = libraries.iter().map(Library::catalog).collect();
    let fixed = fixed(scale.chats);
    let now = middle(scale.events) - Duration::days(3);
    let memories = steady_memories(&catalogs, &fixed, now, &scale);
    time_turns(&catalogs, &memories, &fixed, now);
    drop(memories);

    match std::env::var("HERALD_TEST_DATABASE_URL") {
        Ok(admin) => queries_per_post(&admin, &libraries[0], &fixed),
        Err(_) => println!(
            "\nPostgreSQL statements per post: skipped, HERALD_TEST_DATABASE_URL is not set \
             (`. .ci/postgres` starts a throwaway server and sets it)"
        ),
    }
}

fn folder(dir: &Path, community: usize) -> PathBuf {
    dir.join(format!("c{community:04}"))
}

/// The day of community `community`'s `k`th meetup.
fn day(community: usize, k: usize) -> NaiveDate {
    let offset = generated::draw(community, 4, EVERY as usize) as i64;
    FIRST + Duration::days(EVERY * k as i64 + offset)
}

/// 13:00 in Shanghai, where the pages hold their meetups, on the day of
/// the middle meetup of a community that starts on [`FIRST`].
fn middle(events: usize) -> DateTime<Utc> {
    let day = FIRST + Duration::days(EVERY * (events / 2) as i64);
    day.and_hms_opt(5, 0, 0).expect("a time").and_utc()
}

/// Writes every community's pages into its own folder; returns their size.
fn write_pages(dir: &Path, scale: &Scale) -> usize {
    let mut bytes = 0;
    for community in 0..scale.communities {
        let pages = (0..scale.events).map(|k| {
            let (path, src) = generated::page(community * scale.events + k, day(community, k));
            bytes += src.len();
            (path, src)
        });
        generated::write(&folder(dir, community), pages);
    }
    bytes
}

/// Every community's library, as `herald run` serves it, and the memory
/// they hold.
fn open_libraries(dir: &Path, scale: &Scale) -> Vec<Library> {
    let site = Site::new(chrono_tz::Asia::Shanghai, Lang::Zh);
    let before = resident();
    let started = Instant::now();
    let libraries: Vec<Library> = (0..scale.communities)
        .map(|community| Library::open(&folder(dir, community), site.clone()))
        .collect();
    let after = resident();
    let served: usize = libraries.iter().map(|l| l.catalog().events().len()).sum();
    assert_eq!(served, scale.pages(), "every page served");
    println!(
        "loaded them as {} libraries in {:.1} s",
        scale.communities,
        started.elapsed().as_secs_f64()
    );
    report_memory("the libraries (catalogs in service)", before, after, scale);
    libraries
}

fn report_memory(what: &str, before: u64, after: u64, scale: &Scale) {
    let added = after.saturating_sub(before) as f64;
    println!(
        "memory, {what}: {:.1} MiB resident in all, {:.1} KiB per community, {:.2} KiB per page",
        added / (1 << 20) as f64,
        added / 1024.0 / scale.communities as f64,
        added / 1024.0 / scale.pages() as f64,
    );
}

fn fixed(chats: i64) -> Fixed {
    let config =
        Config::parse(Path::new("bot.toml"), "timezone = \"Asia/Shanghai\"\n").expect("a config");
    Fixed {
        rules: Rules::new(&config, ChatTarget::clone),
        config,
        chats: (1..=chats).map(|id| ChatTarget::id(-id)).collect(),
        followers: Followers::default(),
    }
}

/// One turn's input for a community.
fn input<'a>(
    events: &'a [Event],
    fixed: &'a Fixed,
    memory: &'a Memory,
    now: DateTime<Utc>,
    from: DateTime<Utc>,
) -> Input<'a> {
    Input {
        events,
        schedule: &fixed.config.schedule,
        tz: fixed.config.timezone,
        chats: &fixed.chats,
        followers: &fixed.followers,
        rules: &fixed.rules,
        memory,
        now,
        from,
        until: now,
    }
}

/// Every community's scheduler memory in its steady state, and the memory
/// it holds: first what the chats were told, then the post keys done.
fn steady_memories(
    catalogs: &[Arc<Catalog>],
    fixed: &Fixed,
    now: DateTime<Utc>,
    scale: &Scale,
) -> Vec<Memory> {
    let before = resident();
    let mut memories: Vec<Memory> = catalogs
        .iter()
        .map(|catalog| told(catalog.events(), fixed, now))
        .collect();
    let told = resident();
    for (memory, catalog) in memories.iter_mut().zip(catalogs) {
        done(memory, catalog.events(), fixed, now);
    }
    let after = resident();
    let keys: usize = memories.iter().map(|m| m.done.len()).sum();
    println!(
        "\nsteady state at {now}: every chat told of every event, {:.0} post keys done per \
         community (what went out in the last {} days, the runner's KEEP)",
        keys as f64 / scale.communities as f64,
        KEEP.num_days()
    );
    report_memory(
        "the scheduler memories, what chats were told",
        before,
        told,
        scale,
    );
    report_memory("the scheduler memories, post keys done", told, after, scale);
    report_memory("the scheduler memories in all", before, after, scale);
    memories
}

/// A long-running community's scheduler memory, every chat told of every
/// event as the pages say it now.
fn told(events: &[Event], fixed: &Fixed, now: DateTime<Utc>) -> Memory {
    let mut memory = Memory::default();
    memory.observe(events, now - KEEP - Duration::days(30));
    for event in events {
        let facts = Facts::of(event);
        for chat in &fixed.chats {
            memory.tell(&event.id, chat, facts.clone());
        }
    }
    memory
}

/// What went out over the last [`KEEP`], done (the runner prunes older
/// records): the posts the planner owed in that time, marked sent.
fn done(memory: &mut Memory, events: &[Event], fixed: &Fixed, now: DateTime<Utc>) {
    let sent = plan(&input(events, fixed, memory, now, now - KEEP));
    for post in &sent {
        memory.sent(post, events);
    }
}

/// Times one turn of every community, [`PASSES`] times over, as the runner
/// plans it ten minutes after its last turn.
fn time_turns(catalogs: &[Arc<Catalog>], memories: &[Memory], fixed: &Fixed, now: DateTime<Utc>) {
    let mut each = Vec::with_capacity(PASSES * catalogs.len());
    let mut passes = Vec::with_capacity(PASSES);
    let mut owed = 0;
    for _ in 0..PASSES {
        let pass = Instant::now();
        for (catalog, memory) in catalogs.iter().zip(memories) {
            let started = Instant::now();
            let from = now - Duration::minutes(10);
            let planned = black_box(turn(&input(catalog.events(), fixed, memory, now, from)));
            each.push(started.elapsed());
            owed += planned.send.len() + planned.skip.len();
        }
        passes.push(pass.elapsed());
    }
    each.sort_unstable();
    passes.sort_unstable();
    println!(
        "\nscheduler turn (herald::schedule::turn), {PASSES} passes over {} communities on one \
         thread, {} posts due in all:",
        catalogs.len(),
        owed
    );
    println!(
        "  per community: median {}, p99 {}, max {}",
        micros(quantile(&each, 0.5)),
        micros(quantile(&each, 0.99)),
        micros(each[each.len() - 1]),
    );
    println!(
        "  all {} communities: median {:.1} ms (fastest pass {:.1} ms, slowest {:.1} ms)",
        catalogs.len(),
        millis(quantile(&passes, 0.5)),
        millis(passes[0]),
        millis(passes[passes.len() - 1]),
    );
}

fn quantile(sorted: &[Elapsed], q: f64) -> Elapsed {
    sorted[((sorted.len() - 1) as f64 * q).round() as usize]
}

fn micros(elapsed: Elapsed) -> String {
    format!("{:.1} µs", elapsed.as_secs_f64() * 1e6)
}

fn millis(elapsed: Elapsed) -> f64 {
    elapsed.as_secs_f64() * 1e3
}

// ---- PostgreSQL statements per post ----

/// What the store sent the server, counted message by message.
#[derive(Debug, Clone, Default)]
struct Tally {
    /// Every message: nothing new for a while means the store is idle.
    messages: u64,
    /// Statements run: each Execute, and each simple Query.
    statements: u64,
    /// Statements prepared (Parse), each a round trip before it runs.
    prepared: u64,
    /// Requests the server answers: Sync and simple Query messages (a
    /// prepared statement's Close is one too, which the client does not
    /// wait for).
    requests: u64,
    /// Transactions committed.
    transactions: u64,
    /// Statements run, by their SQL.
    by_sql: BTreeMap<String, u64>,
}

impl Tally {
    fn since(&self, earlier: &Tally) -> Tally {
        let by_sql = self
            .by_sql
            .iter()
            .map(|(sql, n)| (sql.clone(), n - earlier.by_sql.get(sql).unwrap_or(&0)))
            .filter(|(_, n)| *n > 0)
            .collect();
        Tally {
            messages: self.messages - earlier.messages,
            statements: self.statements - earlier.statements,
            prepared: self.prepared - earlier.prepared,
            requests: self.requests - earlier.requests,
            transactions: self.transactions - earlier.transactions,
            by_sql,
        }
    }

    fn ran(&mut self, sql: String) {
        self.statements += 1;
        if sql == "COMMIT" {
            self.transactions += 1;
        }
        *self.by_sql.entry(sql).or_default() += 1;
    }
}

/// A relay between the store and the server, counting what the store says.
struct Relay {
    tally: Arc<Mutex<Tally>>,
    address: SocketAddr,
}

impl Relay {
    fn start(server: SocketAddr) -> std::io::Result<Relay> {
        let listener = TcpListener::bind("127.0.0.1:0")?;
        let address = listener.local_addr()?;
        let tally = Arc::new(Mutex::new(Tally::default()));
        let counting = Arc::clone(&tally);
        std::thread::spawn(move || {
            for client in listener.incoming().flatten() {
                let tally = Arc::clone(&counting);
                std::thread::spawn(move || relay(client, server, &tally));
            }
        });
        Ok(Relay { tally, address })
    }

    fn now(&self) -> Tally {
        self.tally.lock().expect("the tally").clone()
    }

    /// Waits until nothing was sent for [`QUIET`]; false after [`PATIENCE`].
    fn quiet(&self) -> bool {
        let deadline = Instant::now() + PATIENCE;
        let (mut last, mut since) = (self.now().messages, Instant::now());
        while Instant::now() < deadline {
            std::thread::sleep(Elapsed::from_millis(20));
            let messages = self.now().messages;
            if messages != last {
                (last, since) = (messages, Instant::now());
            } else if since.elapsed() >= QUIET {
                return true;
            }
        }
        false
    }
}

/// One connection: the server's answers go back as they are, the client's
/// messages are counted on their way.
fn relay(client: TcpStream, server: SocketAddr, tally: &Mutex<Tally>) {
    let Ok(upstream) = TcpStream::connect(server) else {
        return;
    };
    // Small messages go at once: Nagle's delay would slow every statement.
    let _ = (client.set_nodelay(true), upstream.set_nodelay(true));
    let (Ok(mut back), Ok(mut answers)) = (client.try_clone(), upstream.try_clone()) else {
        return;
    };
    std::thread::spawn(move || {
        let _ = std::io::copy(&mut answers, &mut back);
        let _ = back.shutdown(std::net::Shutdown::Both);
    });
    let _ = count_through(client, &upstream, tally);
    let _ = upstream.shutdown(std::net::Shutdown::Both);
}

/// The frontend protocol: untyped start-up messages (an SSL request, then
/// the start-up itself), then `type, length, body` messages.
fn count_through(
    mut from: TcpStream,
    mut to: &TcpStream,
    tally: &Mutex<Tally>,
) -> std::io::Result<()> {
    const SSL_REQUEST: u32 = 80877103;
    const GSS_REQUEST: u32 = 80877104;
    loop {
        let mut length = [0u8; 4];
        from.read_exact(&mut length)?;
        let mut body = vec![0u8; (u32::from_be_bytes(length) as usize).saturating_sub(4)];
        from.read_exact(&mut body)?;
        to.write_all(&[&length[..], &body].concat())?;
        let code = body
            .get(..4)
            .map(|c| u32::from_be_bytes([c[0], c[1], c[2], c[3]]));
        if !matches!(code, Some(SSL_REQUEST | GSS_REQUEST)) {
            break;
        }
    }
    let mut statements: HashMap<String, String> = HashMap::new();
    let mut bound = String::new();
    loop {
        let mut head = [0u8; 5];
        from.read_exact(&mut head)?;
        let length = u32::from_be_bytes([head[1], head[2], head[3], head[4]]) as usize;
        let mut body = vec![0u8; length.saturating_sub(4)];
        from.read_exact(&mut body)?;
        let mut tally = tally.lock().expect("the tally");
        tally.messages += 1;
        match head[0] {
            b'P' => {
                let (name, rest) = c_string(&body);
                statements.insert(name.to_string(), label(c_string(rest).0));
                tally.prepared += 1;
            }
            b'B' => {
                let name = c_string(c_string(&body).1).0;
                bound = statements.get(name).cloned().unwrap_or_default();
            }
            b'E' => tally.ran(bound.clone()),
            b'Q' => {
                tally.requests += 1;
                tally.ran(label(c_string(&body).0));
            }
            b'S' => tally.requests += 1,
            _ => {}
        }
        drop(tally);
        to.write_all(&[&head[..], &body].concat())?;
    }
}

/// A NUL-terminated string at the start of `bytes`, and what follows it.
fn c_string(bytes: &[u8]) -> (&str, &[u8]) {
    let end = bytes.iter().position(|&b| b == 0).unwrap_or(bytes.len());
    let text = std::str::from_utf8(&bytes[..end]).unwrap_or("?");
    (text, bytes.get(end + 1..).unwrap_or_default())
}

/// A statement's SQL on one line, cut short.
fn label(sql: &str) -> String {
    let line = sql.split_whitespace().collect::<Vec<_>>().join(" ");
    match line.char_indices().nth(90) {
        Some((cut, _)) => format!("{}…", &line[..cut]),
        None => line,
    }
}

/// A database of its own on the server, dropped afterwards.
struct Scratch {
    admin: String,
    name: String,
    url: url::Url,
}

impl Scratch {
    fn create(admin: &str) -> Result<Scratch, String> {
        let mut url = url::Url::parse(admin).map_err(|e| format!("{admin}: {e}"))?;
        let name = format!("herald_scale_{}", std::process::id());
        url.set_path(&name);
        let scratch = Scratch {
            admin: admin.to_string(),
            name,
            url,
        };
        scratch.sql(&format!("DROP DATABASE IF EXISTS {}", scratch.name))?;
        scratch.sql(&format!("CREATE DATABASE {}", scratch.name))?;
        Ok(scratch)
    }

    fn sql(&self, sql: &str) -> Result<(), String> {
        let mut client = postgres::Client::connect(&self.admin, postgres::NoTls).map_err(|e| {
            format!(
                "cannot reach {}: {e}",
                herald::config::redacted(&self.admin)
            )
        })?;
        client.batch_execute(sql).map_err(|e| format!("{sql}: {e}"))
    }

    /// The server's address, for the relay.
    fn server(&self) -> Result<SocketAddr, String> {
        let host = self.url.host_str().ok_or("a URL without a host")?;
        let port = self.url.port().unwrap_or(5432);
        (host, port)
            .to_socket_addrs()
            .map_err(|e| format!("{host}:{port}: {e}"))?
            .next()
            .ok_or_else(|| format!("{host}:{port}: no address"))
    }

    /// The database's URL, through the relay at `relay`.
    fn through(&self, relay: SocketAddr) -> String {
        let mut url = self.url.clone();
        let _ = url.set_host(Some(&relay.ip().to_string()));
        let _ = url.set_port(Some(relay.port()));
        url.to_string()
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = self.sql(&format!(
            "DROP DATABASE IF EXISTS {} WITH (FORCE)",
            self.name
        ));
    }
}

/// A clock stopped at one instant.
struct At(DateTime<Utc>);

impl Clock for At {
    fn now(&self) -> DateTime<Utc> {
        self.0
    }
}

/// Telegram, accepting every message at once; each delivery notes the
/// relay's count as it stood, so the count between two deliveries is what
/// recording one post took.
struct Accepting {
    relay: Arc<Mutex<Tally>>,
    deliveries: Arc<Mutex<Vec<Tally>>>,
}

impl Deliver for Accepting {
    async fn deliver(&self, _chat: &ChatTarget, _message: &Outgoing) -> Delivery {
        let seen = self.relay.lock().expect("the tally").clone();
        self.deliveries.lock().expect("the deliveries").push(seen);
        Delivery::Accepted(Pin::NotAsked)
    }

    async fn edit(&self, _chat: i64, _message: i32, _html: &str) {}

    async fn resolve(&self, _chat: &ChatTarget) -> Option<i64> {
        None
    }
}

fn queries_per_post(admin: &str, library: &Library, fixed: &Fixed) {
    println!(
        "\nPostgreSQL statements per post (the scheduler runner on PgStore, {} subscribed chats, \
         counted on the wire):",
        fixed.chats.len()
    );
    if let Err(why) = Scratch::create(admin).and_then(|scratch| measure(&scratch, library, fixed)) {
        println!("  not measured: {why}");
    }
}

/// When the first event ahead of [`middle`] has its last reminder (the
/// config's shortest) one second overdue.
fn reminder_due(catalog: &Catalog, fixed: &Fixed, events: usize) -> Result<DateTime<Utc>, String> {
    let event = catalog
        .upcoming(middle(events))
        .into_iter()
        .next()
        .ok_or("no event ahead")?;
    let start = event.start.ok_or("an undated event")?.with_timezone(&Utc);
    let shortest = fixed.config.schedule.reminders.iter().min();
    let before = shortest.ok_or("no reminders configured")?.to_chrono();
    Ok(start - before + Duration::seconds(1))
}

fn measure(scratch: &Scratch, library: &Library, fixed: &Fixed) -> Result<(), String> {
    let catalog = library.catalog();
    let now = reminder_due(&catalog, fixed, catalog.events().len())?;
    let setup = PgStore::open(scratch.url.as_str()).map_err(|e| e.to_string())?;
    for chat in &fixed.chats {
        let id = chat.chat_id().ok_or("chats by id")?;
        setup
            .subscribe((id, None), None, None, now - Duration::days(30))
            .map_err(|e| e.to_string())?;
    }
    drop(setup);
    let relay = Relay::start(scratch.server()?).map_err(|e| e.to_string())?;
    let store = PgStore::open(&scratch.through(relay.address)).map_err(|e| e.to_string())?;
    let opened = relay.now();
    println!(
        "  opening the store (schema up to date): {} statements",
        opened.statements
    );
    let store = Arc::new(store);
    let deliveries = Arc::new(Mutex::new(Vec::new()));
    let deliver = Accepting {
        relay: Arc::clone(&relay.tally),
        deliveries: Arc::clone(&deliveries),
    };
    let runner = Runner::on(
        deliver,
        At(now),
        Arc::clone(&store),
        fixed.config.clone(),
        library.changes(),
    );
    let runtime = tokio::runtime::Runtime::new().map_err(|e| e.to_string())?;
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let running = runtime.spawn(runner.run(stopped));
    let watched = watch(&relay, &store, &deliveries);
    stop.send_replace(true);
    let ran = runtime.block_on(running).map_err(|e| e.to_string())?;
    ran.map_err(|e| e.to_string())?;
    let (broadcast, idle) = watched?;
    let deliveries = deliveries.lock().expect("the deliveries");
    report_posts(&opened, &deliveries, &broadcast, &idle);
    Ok(())
}

/// Waits out the broadcast, then wakes [`IDLE_TURNS`] turns with nothing
/// to send; returns the count after the broadcast, and each idle turn's.
fn watch(
    relay: &Relay,
    store: &PgStore,
    deliveries: &Mutex<Vec<Tally>>,
) -> Result<(Tally, Vec<Tally>), String> {
    let started = Instant::now();
    while deliveries.lock().expect("the deliveries").is_empty() {
        if started.elapsed() > PATIENCE {
            return Err("the scheduler posted nothing".to_string());
        }
        std::thread::sleep(Elapsed::from_millis(20));
    }
    if !relay.quiet() {
        return Err("the scheduler never went idle".to_string());
    }
    let broadcast = relay.now();
    let mut idle = Vec::new();
    for _ in 0..IDLE_TURNS {
        let before = relay.now();
        store.announced().notify_one();
        if !relay.quiet() {
            return Err("an idle turn never ended".to_string());
        }
        idle.push(relay.now().since(&before));
    }
    Ok((broadcast, idle))
}

fn report_posts(opened: &Tally, deliveries: &[Tally], broadcast: &Tally, idle: &[Tally]) {
    let (first, last) = (&deliveries[0], &deliveries[deliveries.len() - 1]);
    println!(
        "  start-up and the first turn up to its first post: {} statements",
        first.since(opened).statements
    );
    let posts = deliveries.len();
    if posts > 1 {
        let each = last.since(first);
        let n = (posts - 1) as f64;
        println!(
            "  per post sent (between one delivery and the next, over {posts} posts): \
             {:.2} statements in {:.2} transactions, {:.2} of them prepared first: \
             {:.2} round trips the store waits on ({:.2} requests the server answers)",
            each.statements as f64 / n,
            each.transactions as f64 / n,
            each.prepared as f64 / n,
            (each.statements + each.prepared) as f64 / n,
            each.requests as f64 / n,
        );
        for (sql, count) in &each.by_sql {
            println!("    {:>5.2}  {sql}", *count as f64 / n);
        }
    }
    println!(
        "  after the last post, to the end of the turn (its record, and where planning got): \
         {} statements",
        broadcast.since(last).statements
    );
    let whole = broadcast.since(opened);
    println!(
        "  the whole broadcast, start-up included: {} statements for {posts} posts, {:.2} per post",
        whole.statements,
        whole.statements as f64 / posts as f64
    );
    let counts: Vec<String> = idle.iter().map(|t| t.statements.to_string()).collect();
    println!(
        "  a turn with nothing to send, {} times: {} statements",
        idle.len(),
        counts.join(", ")
    );
    for (sql, count) in &idle[0].by_sql {
        println!("    {count:>5}  {sql}");
    }
}
