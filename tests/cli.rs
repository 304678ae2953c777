//! The `herald` binary as an organizer runs it: on the shipped `bot.toml`
//! and `events/`, on a folder with a broken page, and on single pages.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn herald(args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_herald"))
        .args(args)
        .env_remove("HERALD_CONFIG")
        .env("RUST_LOG", "warn")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the herald binary runs");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

fn shipped_config() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("bot.toml")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn check_counts_the_shipped_events() {
    let out = herald(
        &["check", "--config", shipped_config().to_str().unwrap()],
        "",
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(
        lines.len(),
        3,
        "one line per page, then the totals: {stdout}"
    );
    let shipped = |page: &str| {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("events")
            .join(page)
            .join("index.md")
            .display()
            .to_string()
    };
    assert_eq!(
        cells(lines[0]),
        [
            &shipped("cloud-native-meetup-hangzhou-03") as &str,
            "2021-04-17",
            "5 talks",
            "云原生社区 meetup 第三期杭州站"
        ],
        "{stdout}"
    );
    assert_eq!(
        cells(lines[1]),
        [
            &shipped("rust-meetup-shanghai-2027-09") as &str,
            "2027-09-18",
            "4 talks, 1 break",
            "Rust Shanghai Meetup: Async in Production"
        ],
        "{stdout}"
    );
    let title_column = |line: &str, title: &str| line[..line.find(title).unwrap()].chars().count();
    assert_eq!(
        title_column(lines[0], "云原生"),
        title_column(lines[1], "Rust Shanghai"),
        "the titles line up: {stdout}"
    );
    assert!(
        lines[2].starts_with("2 events (1 upcoming), 9 talks,"),
        "{stdout}"
    );
}

#[test]
fn console_answers_what_a_member_types() {
    let config = shipped_config();
    let out = herald(
        &[
            "console",
            "--config",
            config.to_str().unwrap(),
            "--now",
            "2021-04-10T09:00:00+08:00",
        ],
        "/next\n/speaker 周 强\n/speaker nobody\n",
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("云原生社区 meetup 第三期杭州站"),
        "{stdout}"
    );
    assert!(
        stdout.contains("2021年4月17日 周六 13:00–18:00"),
        "{stdout}"
    );
    assert!(
        stdout.contains("使用 Chaos Mesh 来保障云原生系统的健壮性"),
        "{stdout}"
    );
    assert!(stdout.contains("PingCAP"), "{stdout}");
    assert!(
        !stdout.contains("<b>"),
        "HTML is turned into plain text: {stdout}"
    );
}

#[test]
fn console_speaks_english_when_asked() {
    let config = shipped_config();
    let out = herald(
        &[
            "console",
            "--config",
            config.to_str().unwrap(),
            "--lang",
            "en",
            "--now",
            "2021-04-10T09:00:00+08:00",
        ],
        "/next\n",
    );
    let stdout = text(&out.stdout);
    assert!(stdout.contains("Sat 17 Apr 2021, 13:00–18:00"), "{stdout}");
}

#[test]
fn export_is_json_with_the_agenda() {
    let out = herald(
        &["export", "--config", shipped_config().to_str().unwrap()],
        "",
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("stdout is JSON");
    assert_eq!(json["schema"], "herald.events/1");
    let hangzhou = &json["events"][0];
    assert_eq!(hangzhou["id"], "cloud-native-meetup-hangzhou-03");
    assert_eq!(hangzhou["start"], "2021-04-17T13:00:00+08:00");
    assert_eq!(hangzhou["agenda"][1]["speakers"][0]["name"], "周强");
    assert_eq!(hangzhou["agenda"][1]["speakers"][0]["company"], "PingCAP");
}

/// A folder with one good page, one broken page and a config next to them.
fn site(broken: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let events = dir.path().join("events");
    std::fs::create_dir_all(events.join("good")).unwrap();
    std::fs::write(
        events.join("good/index.md"),
        "---\ntitle: Good\ndate: 2030-01-01T10:00:00+08:00\n---\n\n### Talk\n\nSpeaker: Jane Doe\n",
    )
    .unwrap();
    std::fs::write(events.join("broken.md"), broken).unwrap();
    std::fs::write(
        dir.path().join("bot.toml"),
        "timezone = \"Asia/Shanghai\"\n",
    )
    .unwrap();
    dir
}

#[test]
fn check_fails_on_a_broken_page_and_names_file_and_line() {
    let dir = site("---\ntitle: Broken\ndate: 2030-01-01\ntags: [a, b\n---\n");
    let config = dir.path().join("bot.toml");
    let out = herald(&["check", "--config", config.to_str().unwrap()], "");
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("broken.md:4:")
            && stderr.contains("error: the front matter is not valid YAML"),
        "{stderr}"
    );
    let stdout = text(&out.stdout);
    let lines: Vec<Vec<&str>> = stdout.lines().map(cells).collect();
    let (broken, good) = (events(&dir, "broken.md"), events(&dir, "good/index.md"));
    assert_eq!(
        lines,
        [
            vec!["!", &broken, "rejected", "line 4: see the error above"],
            vec![&good as &str, "2030-01-01", "1 talk", "Good"],
            vec!["1 event (1 upcoming), 1 talk, 1 speaker"],
            vec!["1 error, 0 warnings"],
        ],
        "{stdout}"
    );
}

/// A line of aligned output as its cells: columns are two spaces or more
/// apart, and a page that needs a look is flagged `!` in the first.
fn cells(line: &str) -> Vec<&str> {
    let mut cells = Vec::new();
    if let Some(rest) = line.strip_prefix("! ") {
        cells.push("!");
        cells.extend(rest.split("  ").map(str::trim).filter(|c| !c.is_empty()));
    } else {
        cells.extend(line.split("  ").map(str::trim).filter(|c| !c.is_empty()));
    }
    cells
}

/// A page's path as herald names it in messages.
fn events(dir: &tempfile::TempDir, page: &str) -> String {
    dir.path().join("events").join(page).display().to_string()
}

#[test]
fn check_passes_with_only_warnings() {
    let dir = site("---\ntitle: Odd\ndate: 2030-01-02T10:00:00+08:00\ndate_end: 2029-01-01T10:00:00+08:00\n---\n");
    let config = dir.path().join("bot.toml");
    let out = herald(&["check", "--config", config.to_str().unwrap()], "");
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("broken.md:4: warning: `date_end`"));
    let stdout = text(&out.stdout);
    let lines: Vec<Vec<&str>> = stdout.lines().map(cells).collect();
    assert_eq!(
        lines[0],
        [
            "!",
            &events(&dir, "broken.md"),
            "2030-01-02",
            "0 talks",
            "Odd"
        ],
        "a page with no talks is flagged: {stdout}"
    );
    assert_eq!(lines[1][1..], ["2030-01-01", "1 talk", "Good"], "{stdout}");
    assert_eq!(
        lines[3],
        ["1 page has no talks (marked !): `herald explain <page>` shows how a page was read"],
        "{stdout}"
    );
}

#[test]
fn a_bad_config_names_its_key() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("bot.toml");
    std::fs::write(&config, "timezone = \"Asia/Shangai\"\n").unwrap();
    let out = herald(&["check", "--config", config.to_str().unwrap()], "");
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("timezone") && stderr.contains("Asia/Shangai"),
        "{stderr}"
    );
}

#[test]
fn preview_prints_the_schedulers_plan() {
    let config = shipped_config();
    let out = herald(
        &[
            "preview",
            "--config",
            config.to_str().unwrap(),
            "--now",
            "2027-09-17 09:00",
            "--days",
            "2",
        ],
        "",
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    let lines: Vec<&str> = stdout.lines().skip(1).collect();
    assert_eq!(lines.len(), 6, "{stdout}");
    assert!(
        lines[0].starts_with("2027-09-17 Fri 14:00  reminder, 1d before · Rust Shanghai Meetup"),
        "{stdout}"
    );
    assert!(
        lines[2].contains("talk reminder, 10m before · Welcome"),
        "{stdout}"
    );
}

/// One page in a temp folder, with a `bot.toml` in `zone` next to it
/// (none if `zone` is `None`).
fn one_page(src: &str, zone: Option<&str>) -> (tempfile::TempDir, String, String) {
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("night.md");
    std::fs::write(&page, src).unwrap();
    let config = dir.path().join("bot.toml");
    if let Some(zone) = zone {
        std::fs::write(&config, format!("timezone = \"{zone}\"\n")).unwrap();
    }
    let (page, config) = (page.display().to_string(), config.display().to_string());
    (dir, page, config)
}

const NIGHT: &str = "---
title: Rust Night
date: 2030-03-01T19:00:00+08:00
date_end: 2030-02-01T21:00:00+08:00
location: Room 1
event_url: https://example.org/rust-night
---

## Programme

- 19:00 - 19:30 Async in practice — Jane Doe (Acme)
- 19:30 - 19:45 Coffee break
- 19:45 - 20:30 **John Roe** (Ferrous Labs): Unsafe, carefully

#### Day 2

- 10:00 - 10:30 **Ada Lovelace**: Programs before computers
";

/// The lines of one section of `herald explain`: from its heading to the
/// blank line after it.
fn section<'a>(stdout: &'a str, heading: &str) -> Vec<&'a str> {
    stdout
        .lines()
        .skip_while(|line| !line.starts_with(heading))
        .take_while(|line| !line.is_empty())
        .collect()
}

#[test]
fn explain_shows_the_event_each_item_with_its_line_and_the_warnings() {
    let (_dir, page, config) = one_page(NIGHT, Some("Asia/Shanghai"));
    let out = herald(&["explain", &page, "--config", &config], "");
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert_eq!(
        stdout.lines().next(),
        Some(&*format!("How herald read {page}"))
    );
    let event: Vec<Vec<&str>> = section(&stdout, "Event").iter().map(|l| cells(l)).collect();
    assert_eq!(
        event,
        [
            vec!["Event"],
            vec!["title", "Rust Night"],
            vec!["start", "2030-03-01 Fri 19:00 (from `date`)"],
            vec!["end", "unknown"],
            vec!["zone", &format!("Asia/Shanghai (from {config})")],
            vec!["venue", "Room 1"],
            vec!["register", "https://example.org/rust-night"],
        ],
        "{stdout}"
    );
    let at = |line: usize| format!("{page}:{line}");
    let agenda: Vec<Vec<&str>> = section(&stdout, "Agenda")
        .iter()
        .map(|l| cells(l))
        .collect();
    assert_eq!(
        agenda,
        [
            vec!["Agenda: 3 talks, 1 break"],
            vec![&at(11), "19:00–19:30", "Async in practice"],
            vec!["speaker: Jane Doe · Acme"],
            vec![&at(12), "19:30–19:45", "break: Coffee break"],
            vec![&at(13), "19:45–20:30", "Unsafe, carefully"],
            vec!["speaker: John Roe · Ferrous Labs"],
            vec![
                &at(17),
                "Sat 2 Mar 10:00–10:30",
                "Programs before computers"
            ],
            vec!["speaker: Ada Lovelace · no company"],
        ],
        "{stdout}"
    );
    let lines = section(&stdout, "Agenda");
    let title =
        |line: &str| line.chars().count() - line.split("  ").last().unwrap().chars().count();
    assert!(
        [1, 3, 4, 6]
            .iter()
            .all(|&i| title(lines[i]) == title(lines[1])),
        "the titles line up: {stdout}"
    );
    assert_eq!(
        section(&stdout, "Skipped"),
        ["Skipped (read, but not taken as an agenda item): none"],
        "{stdout}"
    );
    let warnings: Vec<Vec<&str>> = section(&stdout, "Warnings")
        .iter()
        .map(|l| cells(l))
        .collect();
    assert_eq!(warnings.len(), 2, "{stdout}");
    assert_eq!(warnings[0], ["Warnings: 1"]);
    assert_eq!(warnings[1][0], at(4), "{stdout}");
    assert!(warnings[1][1].starts_with("`date_end` (2030-02-01T21:00:00+08:00) is before `date`"));
}

#[test]
fn explain_shows_times_in_the_configs_zone_and_says_when_it_has_none() {
    let explained = |zone: Option<&str>| {
        let (_dir, page, config) = one_page(NIGHT, zone);
        let out = herald(&["explain", &page, "--config", &config], "");
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
        let stdout = text(&out.stdout);
        let row = |first: &str| {
            let line = stdout.lines().find(|l| l.trim_start().starts_with(first));
            line.map(|l| cells(l).join(" | ")).unwrap_or_default()
        };
        let first_talk = row(&format!("{page}:11"));
        (row("start"), row("zone"), first_talk, page, config)
    };
    let (start, zone, talk, page, config) = explained(Some("Europe/Berlin"));
    assert_eq!(start, "start | 2030-03-01 Fri 12:00 (from `date`)");
    assert_eq!(zone, format!("zone | Europe/Berlin (from {config})"));
    assert_eq!(talk, format!("{page}:11 | 12:00–12:30 | Async in practice"));

    let (start, zone, talk, page, config) = explained(None);
    assert_eq!(start, "start | 2030-03-01 Fri 19:00 (from `date`)");
    assert_eq!(
        zone,
        format!("zone | Asia/Shanghai (the default; {config} not found, --config names one)")
    );
    assert_eq!(talk, format!("{page}:11 | 19:00–19:30 | Async in practice"));

    let (_dir, page, config) = one_page(NIGHT, Some("Asia/Shangai"));
    let out = herald(&["explain", &page, "--config", &config], "");
    assert_eq!(
        out.status.code(),
        Some(1),
        "a config that exists must be valid"
    );
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("timezone") && stderr.contains("Asia/Shangai"),
        "{stderr}"
    );
}

#[test]
fn explain_rejects_a_broken_page_with_its_line() {
    let (_dir, page, config) = one_page(
        "---\ntitle: Broken\ndate: 2030-01-01\ntags: [a, b\n---\n",
        None,
    );
    let out = herald(&["explain", &page, "--config", &config], "");
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    assert!(stderr.starts_with(&format!("{page}:4:")), "{stderr}");
    assert_eq!(
        text(&out.stdout),
        format!("{page}: rejected, herald does not serve it\n")
    );
}

#[test]
fn explain_says_what_a_talk_lacks_the_last_day_and_when_a_page_is_a_draft() {
    let table = "---
title: 表格
date: 2030-03-01T13:00:00+08:00
---

| 时间 | 议题 |
|---|---|
| 13:30-14:10 | Rust 异步实践 —— 李雷（某科技） |
| 14:10-14:50 | 无人认领的话题 |
";
    let (_dir, page, config) = one_page(table, None);
    let out = herald(&["explain", &page, "--config", &config], "");
    let stdout = text(&out.stdout);
    let at = |line: usize| format!("{page}:{line}");
    let agenda: Vec<Vec<&str>> = section(&stdout, "Agenda")
        .iter()
        .map(|l| cells(l))
        .collect();
    assert_eq!(
        agenda,
        [
            vec!["Agenda: 2 talks"],
            vec![&at(8), "13:30–14:10", "Rust 异步实践"],
            vec!["speaker: 李雷 · 某科技"],
            vec![&at(9), "14:10–14:50", "无人认领的话题"],
            vec!["speaker: none found"],
        ],
        "{stdout}"
    );
    let warnings = section(&stdout, "Warnings");
    assert_eq!(
        cells(warnings[1]),
        [&at(9) as &str, "the talk “无人认领的话题” names no speaker"],
        "{stdout}"
    );

    let camp = "---\ntitle: Camp\ndate: 2030-03-01\ndate_end: 2030-03-02\n---\n";
    let (_dir, page, config) = one_page(camp, None);
    let stdout = text(&herald(&["explain", &page, "--config", &config], "").stdout);
    let event: Vec<Vec<&str>> = section(&stdout, "Event").iter().map(|l| cells(l)).collect();
    assert_eq!(
        event[2..4],
        [
            ["start", "2030-03-01 Fri (all day) (from `date`)"],
            ["end", "2030-03-02 Sat (all day)"]
        ],
        "an all-day end is the page's last day: {stdout}"
    );

    let (_dir, page, config) = one_page(
        "---\ntitle: Soon\ndate: 2030-03-01\ndraft: true\n---\n",
        None,
    );
    let out = herald(&["explain", &page, "--config", &config], "");
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(
        text(&out.stdout),
        format!("{page}: a draft (`draft: true`): herald does not serve it\n")
    );
}

#[test]
fn check_warns_of_a_reminder_offset_written_twice() {
    let dir = site("---\ntitle: Fine\ndate: 2030-01-03T10:00:00+08:00\n---\n");
    let config = dir.path().join("bot.toml");
    std::fs::write(
        &config,
        "timezone = \"Asia/Shanghai\"\n[schedule]\nreminders = [\"1h\", \"60m\"]\n",
    )
    .unwrap();
    let out = herald(&["check", "--config", config.to_str().unwrap()], "");
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "a warning only: {stderr}");
    assert!(
        stderr.contains(&format!(
            "{}:3:20: warning: schedule.reminders[1]: \"60m\" is the same lead time as \"1h\"",
            config.display()
        )),
        "{stderr}"
    );
    assert!(
        text(&out.stdout).contains("0 errors, 1 warning"),
        "{}",
        text(&out.stdout)
    );
}
