//! An event written in two languages (Hugo translations, `rust-hz.md` +
//! `rust-hz.en.md`), end to end: members on Telegram read it in their own
//! language, and `herald check` and `herald export` show it page by page.

mod support;

use std::process::Command;

use chrono::Utc;

use support::fake_bot_api::Chat;
use support::members::{JANE, ZHOU};
use support::running::Running;

/// The same meetup `days` from now, as the Chinese and English pages word it.
fn pages(days: i64) -> Vec<(&'static str, String)> {
    let date = (Utc::now() + chrono::Duration::days(days)).format("%Y-%m-%d");
    let page = |title: &str, location: &str, talks: &str| {
        format!(
            "---\ntitle: \"{title}\"\nlocation: {location}\ndate: {date}T13:00:00+08:00\n\
             date_end: {date}T18:00:00+08:00\n---\n\n{talks}"
        )
    };
    vec![
        (
            "rust-hz.md",
            page(
                "Rust 杭州聚会",
                "杭州创新中心",
                "### 13:30-14:10 异步 Rust 入门\n\n讲师：周强（PingCAP）\n\n\
                 讲师介绍：周强，PingCAP 工程师。\n\n\
                 ### 14:10-14:50 嵌入式 Rust\n\n讲师：韩梅梅（Acme）\n",
            ),
        ),
        (
            "rust-hz.en.md",
            page(
                "Rust Hangzhou Meetup",
                "Hangzhou Innovation Center",
                "### 13:30-14:10 Getting started with async Rust\n\n\
                 Speaker: Zhou Qiang (PingCAP)\n\n\
                 Bio: Zhou Qiang is an engineer at PingCAP.\n\n\
                 ### 14:10-14:50 Embedded Rust\n\nSpeaker: Han Meimei (Acme)\n",
            ),
        ),
    ]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_member_reads_the_event_in_their_language() {
    let bot = Running::start(&pages(30)).await;

    let next = bot.ask(Chat::Private(JANE.id), &JANE, "/next").await;
    assert!(next.html.contains("Rust Hangzhou Meetup"), "{}", next.html);
    assert!(
        next.html.contains("Hangzhou Innovation Center"),
        "{}",
        next.html
    );
    assert!(
        next.html.contains("Getting started with async Rust"),
        "{}",
        next.html
    );
    assert!(!next.html.contains("杭州"), "{}", next.html);

    let agenda = bot.ask(Chat::Private(JANE.id), &JANE, "/agenda").await;
    assert!(
        agenda.html.contains("Rust Hangzhou Meetup"),
        "{}",
        agenda.html
    );
    assert!(agenda.html.contains("Embedded Rust"), "{}", agenda.html);
    assert!(agenda.html.contains("Han Meimei"), "{}", agenda.html);

    let next = bot.ask(Chat::Private(ZHOU.id), &ZHOU, "/next").await;
    assert!(next.html.contains("Rust 杭州聚会"), "{}", next.html);
    assert!(next.html.contains("异步 Rust 入门"), "{}", next.html);

    let by_title = bot
        .ask(Chat::Private(JANE.id), &JANE, "/agenda hangzhou")
        .await;
    assert!(
        by_title.html.contains("Getting started with async Rust"),
        "found by its English title: {}",
        by_title.html
    );

    let speaker = bot
        .ask(Chat::Private(JANE.id), &JANE, "/speaker 周强")
        .await;
    assert!(
        speaker
            .html
            .contains("Zhou Qiang is an engineer at PingCAP."),
        "the English bio: {}",
        speaker.html
    );
    assert!(
        speaker.html.contains("Getting started with async Rust"),
        "{}",
        speaker.html
    );
    let talk = bot
        .ask(Chat::Private(JANE.id), &JANE, "/talk embedded")
        .await;
    assert!(
        talk.html.contains("Embedded Rust") && talk.html.contains("Rust Hangzhou Meetup"),
        "found by its English words: {}",
        talk.html
    );
    let talk = bot
        .ask(Chat::Private(ZHOU.id), &ZHOU, "/talk embedded")
        .await;
    assert!(
        talk.html.contains("嵌入式 Rust") && talk.html.contains("Rust 杭州聚会"),
        "and shown in the member's language: {}",
        talk.html
    );

    let speaker = bot
        .ask(Chat::Private(ZHOU.id), &ZHOU, "/speaker 周强")
        .await;
    assert!(
        speaker.html.contains("周强，PingCAP 工程师。"),
        "{}",
        speaker.html
    );

    let events = bot.ask(Chat::Private(JANE.id), &JANE, "/events").await;
    assert_eq!(
        events.html.matches("Rust Hangzhou Meetup").count(),
        1,
        "one event, in English: {}",
        events.html
    );
    bot.stop().await;
}

/// The pages in `events/`, as a bundle, and a `bot.toml` beside them.
fn site() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let bundle = dir.path().join("events/rust-hz");
    std::fs::create_dir_all(&bundle).unwrap();
    let [(_, zh), (_, en)] = <[_; 2]>::try_from(pages(30)).unwrap();
    std::fs::write(bundle.join("index.md"), zh).unwrap();
    std::fs::write(bundle.join("index.en.md"), en).unwrap();
    std::fs::write(dir.path().join("bot.toml"), "language = \"zh\"\n").unwrap();
    dir
}

fn herald(dir: &tempfile::TempDir, command: &str) -> (String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_herald"))
        .args([command, "--config"])
        .arg(dir.path().join("bot.toml"))
        .env_remove("HERALD_CONFIG")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "{stderr}");
    (String::from_utf8_lossy(&out.stdout).into_owned(), stderr)
}

#[test]
fn check_has_a_line_per_page_and_counts_the_event_once() {
    let dir = site();
    let (stdout, stderr) = herald(&dir, "check");
    assert_eq!(stderr, "");
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 3, "{stdout}");
    assert!(
        lines[0].contains("rust-hz/index.en.md") && lines[0].contains("Rust Hangzhou Meetup"),
        "{stdout}"
    );
    assert!(
        lines[1].contains("rust-hz/index.md") && lines[1].contains("Rust 杭州聚会"),
        "{stdout}"
    );
    assert_eq!(lines[2], "1 event (1 upcoming), 2 talks, 2 speakers");
}

#[test]
fn check_marks_each_page_with_no_talks() {
    let dir = site();
    let bundle = dir.path().join("events/party");
    std::fs::create_dir_all(&bundle).unwrap();
    let page = |title: &str| format!("---\ntitle: {title}\ndate: 2030-01-01T19:00:00+08:00\n---\n");
    std::fs::write(bundle.join("index.md"), page("聚会")).unwrap();
    std::fs::write(bundle.join("index.en.md"), page("Party")).unwrap();
    let (stdout, _) = herald(&dir, "check");
    let marked = stdout.lines().filter(|line| line.starts_with("! ")).count();
    assert_eq!(marked, 2, "{stdout}");
    assert!(
        stdout.contains("\n2 events (2 upcoming), 2 talks, 2 speakers\n"),
        "{stdout}"
    );
    assert!(
        stdout.contains("\n2 pages have no talks (marked !)"),
        "{stdout}"
    );
}

#[test]
fn export_has_an_object_per_page_with_one_id() {
    let dir = site();
    let (stdout, _) = herald(&dir, "export");
    let json: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let pages: Vec<(&str, &str, &str, &str)> = json["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|page| {
            let file = page["file"].as_str().unwrap();
            let name = &file[file.find("rust-hz/").unwrap()..];
            (
                page["id"].as_str().unwrap(),
                page["lang"].as_str().unwrap(),
                name,
                page["agenda"][1]["title"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        pages,
        [
            ("rust-hz", "zh", "rust-hz/index.md", "嵌入式 Rust"),
            ("rust-hz", "en", "rust-hz/index.en.md", "Embedded Rust"),
        ]
    );
    let start = &json["events"][0]["start"];
    assert_eq!(&json["events"][1]["start"], start);
}
