//! The `herald` binary as an organizer runs it: on the shipped `bot.toml`
//! and `events/`, and on a folder with a broken page.

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
    assert!(
        stdout.starts_with("2 events (1 upcoming), 9 talks,"),
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
    assert!(text(&out.stdout).starts_with("1 events (1 upcoming), 1 talks, 1 speakers"));
}

#[test]
fn check_passes_with_only_warnings() {
    let dir = site("---\ntitle: Odd\ndate: 2030-01-02T10:00:00+08:00\ndate_end: 2029-01-01T10:00:00+08:00\n---\n");
    let config = dir.path().join("bot.toml");
    let out = herald(&["check", "--config", config.to_str().unwrap()], "");
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("broken.md:4: warning: `date_end`"));
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
