//! The `herald` binary as an organizer runs it: on the shipped `bot.toml`
//! and `events/`, on a folder with a broken page, and on single pages.
//!
//! No test runs the binary on the repository's `bot.toml` in place: that
//! would read (and could create) the `herald.db` beside it, which following
//! the README's "Running the bot" leaves in a clone. [`Shipped`] runs the
//! shipped config with its state in a temp dir instead.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn herald(args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_herald"))
        .args(args)
        .env_remove("HERALD_CONFIG")
        .env_remove("HERALD_STATE")
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

/// The repository: where the shipped `bot.toml` and `events/` are.
fn repository() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The `bot.toml` of a repository layout at `root`, as shipped but for two
/// keys: `events` names the root's own folder, and `state` a file in a
/// temp dir of the test's own. Whatever lies beside the shipped file (a
/// `herald.db` left by running the bot) is never read.
struct Shipped {
    dir: tempfile::TempDir,
    config: PathBuf,
}

impl Shipped {
    fn at(root: &Path) -> Shipped {
        let dir = tempfile::tempdir().unwrap();
        let shipped = std::fs::read_to_string(root.join("bot.toml")).unwrap();
        let config = dir.path().join("bot.toml");
        let quoted = |path: PathBuf| format!("{:?}", path.display().to_string());
        let mut text = format!(
            "events = {}\nstate = {}\n",
            quoted(root.join("events")),
            quoted(dir.path().join("herald.db"))
        );
        text += &without_top_level_keys(&shipped, &["events", "state"]);
        std::fs::write(&config, text).unwrap();
        Shipped { dir, config }
    }

    fn config(&self) -> &str {
        self.config.to_str().unwrap()
    }

    fn state(&self) -> PathBuf {
        self.dir.path().join("herald.db")
    }
}

/// The TOML text without the lines setting `keys` before the first table,
/// so they can be set again at the top.
fn without_top_level_keys(toml: &str, keys: &[&str]) -> String {
    let mut in_table = false;
    let mut out = String::new();
    for line in toml.lines() {
        in_table |= line.trim_start().starts_with('[');
        let key = line.split('=').next().unwrap_or_default().trim();
        if in_table || !line.contains('=') || !keys.contains(&key) {
            out += line;
            out += "\n";
        }
    }
    out
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn check_counts_the_shipped_events() {
    check_counts_the_shipped_events_at(&repository());
}

fn check_counts_the_shipped_events_at(root: &Path) {
    let shipped_config = Shipped::at(root);
    let out = herald(&["check", "--config", shipped_config.config()], "");
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(
        lines.len(),
        3,
        "one line per page, then the totals: {stdout}"
    );
    let shipped = |page: &str| {
        root.join("events")
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
    console_answers_what_a_member_types_at(&repository());
}

fn console_answers_what_a_member_types_at(root: &Path) {
    let shipped = Shipped::at(root);
    let out = herald(
        &[
            "console",
            "--config",
            shipped.config(),
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
    console_speaks_english_when_asked_at(&repository());
}

fn console_speaks_english_when_asked_at(root: &Path) {
    let shipped = Shipped::at(root);
    let out = herald(
        &[
            "console",
            "--config",
            shipped.config(),
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
    export_is_json_with_the_agenda_at(&repository());
}

fn export_is_json_with_the_agenda_at(root: &Path) {
    let shipped = Shipped::at(root);
    let out = herald(&["export", "--config", shipped.config()], "");
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
    preview_prints_the_schedulers_plan_at(&repository());
}

fn preview_prints_the_schedulers_plan_at(root: &Path) {
    let shipped = Shipped::at(root);
    let out = herald(
        &[
            "preview",
            "--config",
            shipped.config(),
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

/// The test trap of issue 11: running the bot from a clone, as the README
/// shows, leaves a `herald.db` beside the shipped `bot.toml`, and the CLI
/// tests above must not read it.
///
/// Putting a junk `herald.db` into the real repository would race the
/// other tests running at the same moment (and could clobber a
/// developer's real one), so this test builds a copy of the repository's
/// layout (`bot.toml` and `events/`) in a temp dir of its own, with a junk
/// `herald.db` beside the `bot.toml`, and runs each test of the shipped
/// config on that copy. First it shows the junk is a trap: the copy's
/// `bot.toml` used in place fails on it.
#[test]
fn the_cli_tests_pass_with_a_herald_db_in_the_repository() {
    let clone = tempfile::tempdir().unwrap();
    let root = clone.path();
    std::fs::copy(repository().join("bot.toml"), root.join("bot.toml")).unwrap();
    copy_dir(&repository().join("events"), &root.join("events"));
    let junk = root.join("herald.db");
    std::fs::write(&junk, "left here by a run of the bot").unwrap();

    let config = root.join("bot.toml");
    let in_place = herald(&["preview", "--config", config.to_str().unwrap()], "");
    let stderr = text(&in_place.stderr);
    assert_eq!(in_place.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains(&junk.display().to_string())
            && stderr.contains("it is not a herald state file"),
        "{stderr}"
    );

    check_counts_the_shipped_events_at(root);
    console_answers_what_a_member_types_at(root);
    console_speaks_english_when_asked_at(root);
    export_is_json_with_the_agenda_at(root);
    preview_prints_the_schedulers_plan_at(root);
    assert_eq!(
        std::fs::read_to_string(&junk).unwrap(),
        "left here by a run of the bot",
        "the junk is left as it was"
    );
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        match entry.file_type().unwrap().is_dir() {
            true => copy_dir(&entry.path(), &target),
            false => drop(std::fs::copy(entry.path(), &target).unwrap()),
        }
    }
}

#[test]
fn the_shipped_config_runs_with_its_state_in_a_temp_dir() {
    let shipped = Shipped::at(&repository());
    let out = herald(&["chats", "--config", shipped.config()], "");
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        stdout.contains(&format!(
            "(no state file at {} yet",
            shipped.state().display()
        )),
        "{stdout}"
    );
}

/// A site of one page, in a temp dir, with `settings` as its `bot.toml`.
fn meetup_site(date: &str, settings: &str) -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    let events = dir.path().join("events");
    std::fs::create_dir(&events).unwrap();
    std::fs::write(
        events.join("meetup.md"),
        format!("---\ntitle: Rust Meetup\ndate: {date}\n---\n\n### Async\n\nSpeaker: Jane Doe\n"),
    )
    .unwrap();
    let config = dir.path().join("bot.toml");
    std::fs::write(
        &config,
        format!("timezone = \"Asia/Shanghai\"\nlanguage = \"en\"\n{settings}"),
    )
    .unwrap();
    (dir, config.display().to_string())
}

const ONE_CHAT: &str =
    "[telegram]\nchats = [-1001]\n[schedule]\nreminders = [\"1d\"]\ntalk_reminders = []\n";

#[test]
fn an_empty_preview_says_when_the_next_post_is_and_how_to_see_it() {
    let (_dir, config) = meetup_site("2030-03-01T19:00:00+08:00", ONE_CHAT);
    let preview = |now: &str, days: &str| {
        let out = herald(
            &["preview", "--config", &config, "--now", now, "--days", days],
            "",
        );
        assert!(out.status.success(), "{}", text(&out.stderr));
        text(&out.stdout)
    };
    let stdout = preview("2030-01-01 09:00", "14");
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(
        lines[1..],
        [
            "(nothing to post)",
            "next: 2030-02-18 Mon 10:00  digest: 1 event  → -1001; \
             see it with --now 2030-02-18T09:59:00+08:00",
        ],
        "{stdout}"
    );

    let stdout = preview("2030-02-18T09:59:00+08:00", "1");
    assert_eq!(
        stdout.lines().nth(1),
        Some("2030-02-18 Mon 10:00  digest: 1 event  → -1001"),
        "the --now it names shows the post: {stdout}"
    );

    let (_dir, config) = meetup_site("2020-03-01T19:00:00+08:00", ONE_CHAT);
    let out = herald(&["preview", "--config", &config], "");
    let stdout = text(&out.stdout);
    assert_eq!(
        stdout.lines().skip(1).collect::<Vec<_>>(),
        ["(nothing to post)", "next: none, no events ahead"],
        "{stdout}"
    );
}

#[test]
fn a_preview_with_no_chats_says_how_to_add_them_and_lists_the_posts() {
    let (_dir, config) = meetup_site(
        "2030-03-01T19:00:00+08:00",
        "[schedule]\nreminders = [\"1d\"]\ntalk_reminders = []\n",
    );
    let out = herald(
        &[
            "preview",
            "--config",
            &config,
            "--now",
            "2030-02-28 09:00",
            "--days",
            "2",
        ],
        "",
    );
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let lines: Vec<&str> = stdout.lines().collect();
    assert!(
        lines[0].starts_with("Posts from 2030-02-28 09:00 to 2030-03-02 09:00")
            && lines[0].ends_with(
                "(2 days) (no chats yet: add chats to bot.toml or /subscribe in Telegram):"
            ),
        "{stdout}"
    );
    assert_eq!(
        lines[1..],
        ["2030-02-28 Thu 19:00  reminder, 1d before · Rust Meetup"],
        "what would go out, to no chat in particular: {stdout}"
    );
}

#[test]
fn chats_lists_configured_and_subscribed_chats_with_their_titles_and_last_post() {
    use chrono::{TimeZone, Utc};
    use herald::config::ChatTarget;
    use herald::lang::Lang;
    use herald::schedule::{Post, What};
    use herald::store::{Outcome, Store};

    let (dir, config) = meetup_site(
        "2030-03-01T19:00:00+08:00",
        "[telegram]\nchats = [-1001, \"@rustlang\", \"@quiet\"]\n",
    );
    let state = dir.path().join("herald.db");
    let out = herald(&["chats", "--config", &config], "");
    assert_eq!(
        text(&out.stdout).lines().collect::<Vec<_>>(),
        [
            &*format!(
                "(no state file at {} yet: only the chats in bot.toml are listed)",
                state.display()
            ),
            "-1001      configured  never posted to",
            "@rustlang  configured  never posted to",
            "@quiet     configured  never posted to",
            "3 chats: 3 configured, 0 subscribed",
        ],
    );
    assert!(!state.exists(), "chats creates no state file");

    let store = Store::open(&state).unwrap();
    let at = |h: u32| Utc.with_ymd_and_hms(2030, 2, 28, h, 0, 0).unwrap();
    store
        .subscribe((42, None), Some(7), Some(Lang::En), at(1))
        .unwrap();
    store
        .subscribe((-1001, None), Some(7), None, at(1))
        .unwrap();
    store
        .set_chat_key("@rustlang", &ChatTarget::id(-1002), at(1))
        .unwrap();
    let post = |key: &str, chat: i64| Post {
        key: key.to_string(),
        due: at(2),
        chat: ChatTarget::id(chat),
        what: What::Recording {
            event: "meetup".to_string(),
        },
    };
    let sent = |key: &str, chat: i64, outcome: Outcome, h: u32| {
        store
            .record_post(&post(key, chat), outcome, None, &[], at(h))
            .unwrap();
    };
    sent(
        "digest/2030-02-25T02:00:00+00:00/-1001",
        -1001,
        Outcome::Sent,
        2,
    );
    sent(
        "reminder/meetup/1d/2030-03-01T19:00:00+08:00/-1001",
        -1001,
        Outcome::Sent,
        3,
    );
    sent(
        "digest/2030-02-25T02:00:00+00:00/-1002",
        -1002,
        Outcome::Sent,
        2,
    );
    sent("announce/3/-1002", -1002, Outcome::Sent, 4);
    sent(
        "talk/meetup/x/10m/2030-03-01T19:00:00+08:00/-1002",
        -1002,
        Outcome::Skipped,
        5,
    );
    sent(
        "reminder/meetup/1d/2030-03-01T19:00:00+08:00/42",
        42,
        Outcome::Undeliverable,
        3,
    );
    store.note_title(-1001, "Rust 中文社区").unwrap();
    store.close().unwrap();

    let out = herald(&["chats", "--config", &config], "");
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(
        text(&out.stdout).lines().collect::<Vec<_>>(),
        [
            "-1001 “Rust 中文社区”  configured                   2030-02-28 11:00  reminder",
            "@rustlang (-1002)  configured                   2030-02-28 12:00  announcement #3",
            "@quiet             configured                   never posted to",
            "42                 subscribed 2030-02-28 09:00  2030-02-28 11:00  reminder (undeliverable: blocked or gone)",
            "4 chats: 3 configured, 1 subscribed",
        ],
        "times in the config's zone; a post skipped as too late is no post"
    );
}

#[test]
fn completions_name_every_subcommand() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_herald"))
        .args(["completions", "bash"])
        .current_dir(dir.path())
        .env_remove("HERALD_CONFIG")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let script = text(&out.stdout);
    assert!(script.contains("_herald()"), "a bash function: {script}");
    for subcommand in [
        "check", "explain", "console", "preview", "export", "run", "chats",
    ] {
        assert!(script.contains(subcommand), "{subcommand} is missing");
    }
    assert!(script.contains("--config"), "{script}");
    assert!(!dir.path().join("herald.db").exists());
}

/// `herald <args> | head -1`, with `head` gone before herald writes: its
/// stdout is a pipe whose read end is already closed, so every write
/// fails with EPIPE, whatever the timing.
fn into_a_closed_pipe(args: &[&str]) -> Output {
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    Command::new(env!("CARGO_BIN_EXE_herald"))
        .args(args)
        .env_remove("HERALD_CONFIG")
        .env("RUST_LOG", "warn")
        .stdin(Stdio::null())
        .stdout(writer)
        .stderr(Stdio::piped())
        .output()
        .unwrap()
}

#[test]
fn export_preview_check_and_explain_end_quietly_when_the_reader_is_gone() {
    let shipped = Shipped::at(&repository());
    let page = repository()
        .join("events/cloud-native-meetup-hangzhou-03/index.md")
        .display()
        .to_string();
    for args in [
        vec!["export", "--config", shipped.config()],
        vec![
            "preview",
            "--config",
            shipped.config(),
            "--now",
            "2027-09-17 09:00",
        ],
        vec!["preview", "--config", shipped.config(), "--full"],
        vec!["check", "--config", shipped.config()],
        vec!["explain", &page],
    ] {
        let out = into_a_closed_pipe(&args);
        assert_eq!(
            (out.status.code(), text(&out.stderr)),
            (Some(0), String::new()),
            "herald {}",
            args.join(" ")
        );
    }
}
