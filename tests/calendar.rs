//! The calendars a member or a calendar app gets, read back with an
//! independent parser (the `ical` crate, not the `icalendar` crate herald
//! writes with): `herald export --format ics`, `GET /calendar.ics` and
//! members' `GET /calendar/<token>.ics` over real HTTP on 127.0.0.1, and
//! `/ics` files and `/calendar` links through the fake Bot API.

mod support;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use herald::calendar::Site;
use herald::events::Catalog;
use herald::lang::Lang;
use herald::store::{Followed, Following, Store, StoreError};
use ical::parser::ical::component::IcalEvent;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::sync::watch;

use support::fake_bot_api::Chat;
use support::members::{JANE, ZHOU};
use support::running::Running;

/// A meetup in Shanghai (UTC+8) whose title has what iCalendar escapes.
const MEETUP: &str = r#"---
title: "Rust; Go, 与 云原生 \\ 第一期"
event_url: "https://example.org/register"
location: 创新中心, Room 301
address:
  street: 88 Keyuan Road
  city: Shanghai
summary: "Two talks, then pizza; bring a laptop."
date: 2030-05-18T14:00:00+08:00
date_end: 2030-05-18T17:30:00+08:00
---

## Agenda

- 14:00-14:45 Async in practice — Li Lei (Example Co)
- 15:00-15:45 嵌入式 Rust — 周强 (PingCAP)
"#;

/// No end and no timed talks: two hours long in the calendar.
const OPEN_END: &str = "---\ntitle: Open end\ndate: 2030-06-01T19:00:00Z\n---\n";

const UNDATED: &str = "---\ntitle: Some day\n---\n";

fn events(text: &str) -> Vec<IcalEvent> {
    let mut calendars = ical::IcalParser::new(text.as_bytes());
    let calendar = calendars
        .next()
        .expect("a VCALENDAR")
        .unwrap_or_else(|e| panic!("{e}: {text}"));
    assert!(calendars.next().is_none(), "one VCALENDAR");
    calendar.events
}

/// A property's value, unescaped as RFC 5545 §3.3.11 says.
fn value(event: &IcalEvent, name: &str) -> Option<String> {
    let property = event.properties.iter().find(|p| p.name == name)?;
    let raw = property.value.clone()?;
    let mut out = String::new();
    let mut chars = raw.chars();
    while let Some(c) = chars.next() {
        match (c, c == '\\') {
            (_, true) => match chars.next() {
                Some('n' | 'N') => out.push('\n'),
                Some(other) => out.push(other),
                None => {}
            },
            (c, false) => out.push(c),
        }
    }
    Some(out)
}

fn by_uid<'e>(events: &'e [IcalEvent], uid: &str) -> &'e IcalEvent {
    events
        .iter()
        .find(|e| value(e, "UID").as_deref() == Some(uid))
        .unwrap_or_else(|| panic!("no {uid}"))
}

/// A site: `bot.toml`, the pages, and the state file once `stateful`.
fn site(dir: &Path, pages: &[(&str, &str)], stateful: bool) -> std::path::PathBuf {
    let events = dir.join("events");
    std::fs::create_dir_all(&events).unwrap();
    for (name, text) in pages {
        std::fs::write(events.join(name), text).unwrap();
    }
    let config = dir.join("bot.toml");
    std::fs::write(
        &config,
        "timezone = \"Asia/Shanghai\"\nlanguage = \"en\"\nsite_url = \"https://meetup.example.org/\"\n",
    )
    .unwrap();
    if stateful {
        herald::store::Store::open(&dir.join("herald.db"))
            .unwrap()
            .close()
            .unwrap();
    }
    config
}

fn export(config: &Path) -> String {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_herald"))
        .args(["export", "--format", "ics", "--config"])
        .arg(config)
        .env_remove("RUST_LOG")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn export_writes_every_dated_event_as_another_parser_reads_it() {
    let dir = tempfile::tempdir().unwrap();
    let config = site(
        dir.path(),
        &[
            ("meetup.md", MEETUP),
            ("open.md", OPEN_END),
            ("someday.md", UNDATED),
        ],
        false,
    );
    let text = export(&config);
    assert!(text.contains("\r\n"), "lines end in CRLF");
    let events = events(&text);
    assert_eq!(events.len(), 2, "the undated event is left out: {text}");

    let meetup = by_uid(&events, "meetup@meetup.example.org");
    assert_eq!(
        value(meetup, "SUMMARY").as_deref(),
        Some("Rust; Go, 与 云原生 \\ 第一期")
    );
    assert_eq!(
        value(meetup, "DTSTART").as_deref(),
        Some("20300518T060000Z")
    );
    assert_eq!(value(meetup, "DTEND").as_deref(), Some("20300518T093000Z"));
    assert_eq!(
        value(meetup, "LOCATION").as_deref(),
        Some("创新中心, Room 301, 88 Keyuan Road, Shanghai")
    );
    assert_eq!(
        value(meetup, "URL").as_deref(),
        Some("https://example.org/register")
    );
    assert_eq!(
        value(meetup, "DESCRIPTION").as_deref(),
        Some(
            "Two talks, then pizza; bring a laptop.\n\n\
             14:00–14:45 Async in practice — Li Lei (Example Co)\n\
             15:00–15:45 嵌入式 Rust — 周强 (PingCAP)"
        )
    );
    assert_eq!(value(meetup, "STATUS").as_deref(), Some("CONFIRMED"));
    assert_eq!(value(meetup, "SEQUENCE").as_deref(), Some("0"));

    let open = by_uid(&events, "open@meetup.example.org");
    assert_eq!(value(open, "DTSTART").as_deref(), Some("20300601T190000Z"));
    assert_eq!(value(open, "DTEND").as_deref(), Some("20300601T210000Z"));
    assert_eq!(
        value(open, "URL").as_deref(),
        Some("https://meetup.example.org/events/open/"),
        "no register link: the page's address"
    );
    assert!(
        !dir.path().join("herald.db").exists(),
        "no state file is made"
    );
}

#[test]
fn a_page_edit_bumps_the_sequence_and_cancelled_or_removed_events_stay_cancelled() {
    let dir = tempfile::tempdir().unwrap();
    let config = site(
        dir.path(),
        &[("meetup.md", MEETUP), ("open.md", OPEN_END)],
        true,
    );
    let first = export(&config);
    assert_eq!(
        export(&config),
        first,
        "nothing changed: the same bytes, versions and all"
    );
    let uid = "meetup@meetup.example.org";
    let before = value(by_uid(&events(&first), uid), "LAST-MODIFIED").unwrap();

    let page = dir.path().join("events/meetup.md");
    std::fs::write(&page, MEETUP.replace("T14:00:00+08:00", "T15:00:00+08:00")).unwrap();
    let moved = events(&export(&config));
    let meetup = by_uid(&moved, uid);
    assert_eq!(
        value(meetup, "DTSTART").as_deref(),
        Some("20300518T070000Z")
    );
    assert_eq!(value(meetup, "SEQUENCE").as_deref(), Some("1"));
    assert!(value(meetup, "LAST-MODIFIED").unwrap() > before);
    let open = by_uid(&moved, "open@meetup.example.org");
    assert_eq!(
        value(open, "SEQUENCE").as_deref(),
        Some("0"),
        "an event not edited keeps its version"
    );

    let cancelled = MEETUP.replace("date_end:", "cancelled: true\ndate_end:");
    std::fs::write(
        &page,
        cancelled.replace("T14:00:00+08:00", "T15:00:00+08:00"),
    )
    .unwrap();
    std::fs::remove_file(dir.path().join("events/open.md")).unwrap();
    let off = events(&export(&config));
    let meetup = by_uid(&off, uid);
    assert_eq!(value(meetup, "STATUS").as_deref(), Some("CANCELLED"));
    assert_eq!(value(meetup, "SEQUENCE").as_deref(), Some("2"));
    let open = by_uid(&off, "open@meetup.example.org");
    assert_eq!(
        value(open, "STATUS").as_deref(),
        Some("CANCELLED"),
        "a removed page stays, cancelled"
    );
    assert_eq!(value(open, "SEQUENCE").as_deref(), Some("1"));
    assert_eq!(value(open, "SUMMARY").as_deref(), Some("Open end"));
}

/// A free port on 127.0.0.1 (free a moment ago).
fn free_port() -> SocketAddr {
    let socket = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    socket.local_addr().unwrap()
}

/// An HTTP/1.1 answer: status, headers (names in lower case), body.
struct Answer {
    status: u16,
    headers: Vec<(String, String)>,
    body: String,
}

impl Answer {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Connects to `address`, where herald may still be binding the port
/// (it does so after the command menu is set): tries for at most 5 s.
async fn connect(address: SocketAddr) -> tokio::net::TcpStream {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    loop {
        match tokio::net::TcpStream::connect(address).await {
            Ok(stream) => return stream,
            Err(_) if tokio::time::Instant::now() < deadline => {
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            Err(error) => panic!("nothing listens on {address}: {error}"),
        }
    }
}

async fn get(address: SocketAddr, path: &str, extra: &str) -> Answer {
    let mut stream = connect(address).await;
    let request =
        format!("GET {path} HTTP/1.1\r\nHost: {address}\r\n{extra}Connection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut answer = String::new();
    tokio::time::timeout(Duration::from_secs(5), stream.read_to_string(&mut answer))
        .await
        .expect("an answer within 5 s")
        .unwrap();
    let (head, body) = answer.split_once("\r\n\r\n").unwrap();
    let mut lines = head.lines();
    let status = lines
        .next()
        .unwrap()
        .split(' ')
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    let headers = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(name, value)| (name.to_ascii_lowercase(), value.trim().to_string()))
        .collect();
    Answer {
        status,
        headers,
        body: body.to_string(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_feed_is_served_with_validators_and_changes_after_a_page_edit() {
    let listen = free_port();
    let herald = Running::start_with(&[("meetup.md", MEETUP.to_string())], |config| {
        config.http.listen = Some(listen);
    })
    .await;
    let first = get(listen, "/calendar.ics", "").await;
    assert_eq!(first.status, 200, "{}", first.body);
    assert_eq!(
        first.header("content-type"),
        Some("text/calendar; charset=utf-8")
    );
    let etag = first.header("etag").unwrap().to_string();
    let modified = first.header("last-modified").unwrap().to_string();
    let uid = "meetup@herald";
    assert_eq!(
        value(by_uid(&events(&first.body), uid), "SEQUENCE").as_deref(),
        Some("0")
    );

    let same = get(
        listen,
        "/calendar.ics",
        &format!("If-None-Match: {etag}\r\n"),
    )
    .await;
    assert_eq!((same.status, same.body.as_str()), (304, ""));
    assert_eq!(same.header("etag"), Some(etag.as_str()));
    let same = get(
        listen,
        "/calendar.ics",
        &format!("If-Modified-Since: {modified}\r\n"),
    )
    .await;
    assert_eq!(same.status, 304);

    std::fs::write(
        herald.page("meetup.md"),
        MEETUP.replace("T14:00:00+08:00", "T15:00:00+08:00"),
    )
    .unwrap();
    // The library reloads within about a second of the edit.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    let changed = loop {
        let answer = get(
            listen,
            "/calendar.ics",
            &format!("If-None-Match: {etag}\r\n"),
        )
        .await;
        if answer.status == 200 {
            break answer;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "the feed never changed"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    let meetup = events(&changed.body);
    let meetup = by_uid(&meetup, uid);
    assert_eq!(value(meetup, "SEQUENCE").as_deref(), Some("1"));
    assert_eq!(
        value(meetup, "DTSTART").as_deref(),
        Some("20300518T070000Z")
    );
    assert_ne!(changed.header("etag"), Some(etag.as_str()));
    let later = get(
        listen,
        "/calendar.ics",
        &format!("If-Modified-Since: {modified}\r\n"),
    )
    .await;
    assert_eq!(later.status, 200, "modified since the first look");
    herald.stop().await;
}

/// A meetup a week from now, so `/next` shows it.
fn next_week() -> String {
    let date = (Utc::now() + chrono::Duration::days(7)).format("%Y-%m-%d");
    MEETUP.replace("2030-05-18", &date.to_string())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ics_and_the_calendar_button_send_a_file_that_parses() {
    let herald = Running::start(&[("meetup.md", next_week())]).await;
    let chat = Chat::Private(JANE.id);
    herald.api.send_text(chat, &JANE, "/ics");
    let sent = herald.api.wait_for_documents(chat, 1).await;
    let (filename, text) = sent[0].document().unwrap();
    assert_eq!(filename, "meetup.ics");
    assert!(
        sent[0]
            .html
            .contains("Open this file to add the event to your calendar."),
        "{}",
        sent[0].html
    );
    let events = events(&text);
    assert_eq!(events.len(), 1);
    assert_eq!(
        value(&events[0], "SUMMARY").as_deref(),
        Some("Rust; Go, 与 云原生 \\ 第一期")
    );
    assert_eq!(value(&events[0], "UID").as_deref(), Some("meetup@herald"));

    let card = herald.ask(chat, &JANE, "/next").await;
    let (label, data) = card
        .buttons()
        .into_iter()
        .find(|(label, _)| label.starts_with("📅"))
        .expect("a calendar button on /next");
    assert_eq!(label, "📅 Add to calendar");
    herald.api.press_button(&JANE, &card, &data);
    let sent = herald.api.wait_for_documents(chat, 2).await;
    assert_eq!(sent[1].document(), sent[0].document(), "the same file");

    let group = Chat::Group(-1001234567890);
    let asked = herald.api.send_text(group, &ZHOU, "/ics meetup");
    let sent = herald.api.wait_for_documents(group, 1).await;
    assert_eq!(
        sent[0].reply_to(),
        Some(asked),
        "threaded under the question"
    );
    assert!(sent[0].html.contains("打开这个文件"), "{}", sent[0].html);
    herald.stop().await;
}

/// What each member follows, for the personal feeds: events by slug.
struct Follows(HashMap<i64, Vec<&'static str>>);

impl Followed for Follows {
    fn followed(&self, member: i64) -> Result<Following, StoreError> {
        let events = self.0.get(&member).cloned().unwrap_or_default();
        Ok(Following {
            events: events.into_iter().map(String::from).collect(),
            ..Following::default()
        })
    }
}

/// The calendar feeds served on 127.0.0.1 from a folder of pages, whose
/// catalog a test reloads by hand (no file watcher, no bot).
struct Feeds {
    listen: SocketAddr,
    dir: tempfile::TempDir,
    store: Arc<Store>,
    catalog: watch::Sender<Arc<Catalog>>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
}

impl Feeds {
    async fn serve(pages: &[(&str, &str)], follows: Follows) -> Feeds {
        let dir = tempfile::tempdir().unwrap();
        let events = dir.path().join("events");
        std::fs::create_dir(&events).unwrap();
        for (name, text) in pages {
            std::fs::write(events.join(name), text).unwrap();
        }
        let store = Arc::new(Store::open(&dir.path().join("herald.db")).unwrap());
        let (catalog, changes) = watch::channel(Arc::new(Catalog::new(Vec::new())));
        let socket = herald::http::bind("127.0.0.1:0".parse().unwrap())
            .await
            .unwrap();
        let listen = socket.local_addr().unwrap();
        let feed = herald::http::Feed {
            catalog: changes,
            store: Arc::clone(&store) as Arc<dyn herald::store::Backend>,
            followed: Arc::new(follows),
            site: Site {
                tz: chrono_tz::Asia::Shanghai,
                url: None,
                events,
            },
            lang: Lang::En,
        };
        let (stop, stopped) = tokio::sync::oneshot::channel();
        tokio::spawn(herald::http::serve(
            socket,
            herald::http::calendar(feed),
            async {
                let _ = stopped.await;
            },
        ));
        let feeds = Feeds {
            listen,
            dir,
            store,
            catalog,
            stop: Some(stop),
        };
        feeds.reload();
        feeds
    }

    /// The pages as they are now, in service.
    fn reload(&self) {
        let site = herald::events::Site {
            tz: chrono_tz::Asia::Shanghai,
            lang: Lang::En,
            url: None,
        };
        let loaded = herald::events::load_dir(&self.dir.path().join("events"), &site).unwrap();
        self.catalog
            .send(Arc::new(Catalog::new(loaded.events)))
            .unwrap();
    }

    fn token(&self, member: i64) -> String {
        let token = self.store.calendar_token(member, Utc::now()).unwrap();
        token.as_str().to_string()
    }

    async fn get(&self, path: &str, extra: &str) -> Answer {
        get(self.listen, path, extra).await
    }
}

impl Drop for Feeds {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

fn uids(text: &str) -> Vec<String> {
    events(text)
        .iter()
        .filter_map(|event| value(event, "UID"))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_members_feed_holds_what_they_follow_and_a_token_reveals_nothing_else() {
    let follows = Follows(HashMap::from([(1, vec!["meetup"]), (2, vec!["open"])]));
    let feeds = Feeds::serve(&[("meetup.md", MEETUP), ("open.md", OPEN_END)], follows).await;
    let (jane, zhou) = (feeds.token(1), feeds.token(2));
    assert_ne!(jane, zhou);

    let mine = feeds.get(&format!("/calendar/{jane}.ics"), "").await;
    assert_eq!(mine.status, 200, "{}", mine.body);
    assert_eq!(
        mine.header("content-type"),
        Some("text/calendar; charset=utf-8")
    );
    assert_eq!(uids(&mine.body), ["meetup@herald"]);
    assert!(
        mine.body.contains("X-WR-CALNAME:herald: what I follow\r\n"),
        "{}",
        mine.body
    );
    let meetup = events(&mine.body);
    assert_eq!(
        value(&meetup[0], "DTSTART").as_deref(),
        Some("20300518T060000Z")
    );
    let theirs = feeds.get(&format!("/calendar/{zhou}.ics"), "").await;
    assert_eq!(uids(&theirs.body), ["open@herald"]);

    // Anything but a live token: the same answer, byte for byte.
    let forged = "0".repeat(jane.len());
    let near = format!("{}{}", &jane[..jane.len() - 1], "x");
    let unknown = [
        format!("/calendar/{forged}.ics"),
        format!("/calendar/{near}.ics"),
        format!("/calendar/{jane}"),
        format!("/calendar/{}.ics", jane.to_uppercase()),
    ];
    for path in &unknown {
        let answer = feeds.get(path, "").await;
        assert_eq!(
            (answer.status, answer.body.as_str()),
            (404, "no such calendar\n"),
            "{path}"
        );
        assert_eq!(answer.header("etag"), None, "{path}");
    }

    let jane_again = feeds.store.replace_calendar_token(1, Utc::now()).unwrap();
    let revoked = feeds.get(&format!("/calendar/{jane}.ics"), "").await;
    assert_eq!(
        (revoked.status, revoked.body.as_str()),
        (404, "no such calendar\n"),
        "a reset revokes the old link"
    );
    let renewed = feeds
        .get(&format!("/calendar/{}.ics", jane_again.as_str()), "")
        .await;
    assert_eq!(uids(&renewed.body), ["meetup@herald"]);

    assert!(feeds.store.forget_member(2).unwrap());
    let forgotten = feeds.get(&format!("/calendar/{zhou}.ics"), "").await;
    assert_eq!(
        (forgotten.status, forgotten.body.as_str()),
        (404, "no such calendar\n")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_page_edit_bumps_the_personal_sequence_and_an_unchanged_feed_is_304() {
    let follows = Follows(HashMap::from([(1, vec!["meetup"])]));
    let feeds = Feeds::serve(&[("meetup.md", MEETUP)], follows).await;
    let path = format!("/calendar/{}.ics", feeds.token(1));
    let first = feeds.get(&path, "").await;
    let etag = first.header("etag").unwrap().to_string();
    let modified = first.header("last-modified").unwrap().to_string();
    assert_eq!(
        value(&events(&first.body)[0], "SEQUENCE").as_deref(),
        Some("0")
    );
    let same = feeds
        .get(&path, &format!("If-None-Match: {etag}\r\n"))
        .await;
    assert_eq!((same.status, same.body.as_str()), (304, ""));
    assert_eq!(same.header("etag"), Some(etag.as_str()));
    let same = feeds
        .get(&path, &format!("If-Modified-Since: {modified}\r\n"))
        .await;
    assert_eq!(same.status, 304);

    std::fs::write(
        feeds.dir.path().join("events/meetup.md"),
        MEETUP.replace("T14:00:00+08:00", "T15:00:00+08:00"),
    )
    .unwrap();
    feeds.reload();
    let moved = feeds
        .get(&path, &format!("If-None-Match: {etag}\r\n"))
        .await;
    assert_eq!(moved.status, 200);
    assert_ne!(moved.header("etag"), Some(etag.as_str()));
    let meetup = &events(&moved.body)[0];
    assert_eq!(value(meetup, "SEQUENCE").as_deref(), Some("1"));
    assert_eq!(
        value(meetup, "DTSTART").as_deref(),
        Some("20300518T070000Z")
    );
    let later = feeds
        .get(&path, &format!("If-Modified-Since: {modified}\r\n"))
        .await;
    assert_eq!(later.status, 200, "modified since the first look");
    let community = feeds.get("/calendar.ics", "").await;
    assert_eq!(
        value(
            by_uid(&events(&community.body), "meetup@herald"),
            "SEQUENCE"
        )
        .as_deref(),
        Some("1"),
        "one version of an event in every feed"
    );
}

/// The feed path in a `/calendar` reply.
fn feed_path(html: &str) -> String {
    let start = html.find("/calendar/").expect("a feed link");
    let end = start + html[start..].find(".ics").expect("an .ics link") + ".ics".len();
    html[start..end].to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn calendar_in_a_private_chat_links_a_feed_that_serves_and_reset_revokes_it() {
    let listen = free_port();
    let herald = Running::start_with(&[("meetup.md", MEETUP.to_string())], |config| {
        config.http.listen = Some(listen);
    })
    .await;
    let chat = Chat::Private(JANE.id);
    let reply = herald.ask(chat, &JANE, "/calendar").await;
    assert!(
        reply
            .html
            .starts_with("Your own calendar of the events and talks you follow."),
        "{}",
        reply.html
    );
    let path = feed_path(&reply.html);
    let feed = get(listen, &path, "").await;
    assert_eq!(feed.status, 200, "{}", feed.body);
    assert!(
        feed.body.contains("X-WR-CALNAME:herald 我关注的\r\n"),
        "named in `language` from bot.toml: {}",
        feed.body
    );
    assert_eq!(
        uids(&feed.body),
        Vec::<String>::new(),
        "nothing followed yet"
    );
    // Following 周强 by name puts his timed talk in the same feed.
    let followed = herald.ask(chat, &JANE, "/follow 周强").await;
    assert!(followed.html.contains("周强"), "{}", followed.html);
    let feed = get(listen, &path, "").await;
    let talks: Vec<String> = events(&feed.body)
        .iter()
        .filter_map(|event| value(event, "SUMMARY"))
        .collect();
    assert_eq!(talks, ["嵌入式 Rust"], "{}", feed.body);
    let again = herald.ask(chat, &JANE, "/calendar").await;
    assert_eq!(feed_path(&again.html), path, "the same link until a reset");

    let reset = herald.ask(chat, &JANE, "/calendar reset").await;
    assert!(
        reset
            .html
            .starts_with("Your old calendar link no longer works."),
        "{}",
        reset.html
    );
    let renewed = feed_path(&reset.html);
    assert_ne!(renewed, path);
    assert_eq!(get(listen, &path, "").await.status, 404);
    assert_eq!(get(listen, &renewed, "").await.status, 200);

    let group = Chat::Group(-1001234567890);
    let asked = herald.api.send_text(group, &ZHOU, "/calendar");
    let sent = herald.api.wait_for_messages(group, 1).await;
    assert_eq!(sent[0].reply_to(), Some(asked));
    assert!(
        sent[0].html.starts_with("个人日历链接只在私聊中发送")
            && sent[0].html.contains("https://t.me/herald_test_bot"),
        "{}",
        sent[0].html
    );
    assert!(!sent[0].html.contains("/calendar/"), "no link in a group");
    herald.stop().await;
}
