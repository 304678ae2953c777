//! A new organizer's first commands: `herald init`, then `check`, `console`
//! and `run` on what it wrote, and the errors for a config or state file
//! that cannot work. Every run has its own temp folder for config and state.

use std::fs;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

fn herald(args: &[&str], env: &[(&str, &str)], stdin: &str) -> Output {
    output(command(args, env), stdin)
}

/// The binary with a clean environment: only `env` of herald's variables.
fn command(args: &[&str], env: &[(&str, &str)]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_herald"));
    command
        .args(args)
        .env_remove("HERALD_CONFIG")
        .env_remove("HERALD_STATE")
        .env_remove("TELOXIDE_TOKEN")
        .env_remove("TELOXIDE_API_URL")
        .env("RUST_LOG", "warn")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (name, value) in env {
        command.env(name, value);
    }
    command
}

fn output(mut command: Command, stdin: &str) -> Output {
    let mut child = command.spawn().expect("the herald binary runs");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn path(path: &Path) -> &str {
    path.to_str().unwrap()
}

/// Every file under `dir`, relative to it, sorted.
fn files(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut folders = vec![dir.to_path_buf()];
    while let Some(folder) = folders.pop() {
        for entry in fs::read_dir(&folder).unwrap() {
            let entry = entry.unwrap().path();
            if entry.is_dir() {
                folders.push(entry);
            } else {
                let name = entry.strip_prefix(dir).unwrap();
                out.push(name.display().to_string());
            }
        }
    }
    out.sort();
    out
}

#[test]
fn init_writes_a_bot_that_checks_and_answers() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("bot");
    let out = herald(&["init", path(&dir)], &[], "");
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let config = dir.join("bot.toml");
    assert!(
        stdout.starts_with(&format!(
            "Wrote {} and {} (a sample meetup on Sat ",
            config.display(),
            dir.join("events/sample-meetup/index.md").display()
        )),
        "{stdout}"
    );
    let flag = format!("--config {}", config.display());
    for step in [
        "1. Ask herald what a member would".to_string(),
        format!("herald console {flag}"),
        "2. Check the config and every page".to_string(),
        format!("herald check {flag}"),
        "3. Put your Telegram user id in `admins`".to_string(),
        format!("TELOXIDE_TOKEN=123456:ABC... herald run {flag}"),
    ] {
        assert!(stdout.contains(&step), "{step:?} in {stdout}");
    }
    assert_eq!(files(&dir), ["bot.toml", "events/sample-meetup/index.md"]);

    let written = fs::read_to_string(&config).unwrap();
    assert!(written.contains("\nadmins = []\n"), "{written}");
    assert!(written.contains("\nchats = []\n"), "{written}");
    assert!(written.contains("@userinfobot"), "{written}");
    assert!(written.contains("getUpdates"), "{written}");

    let check = herald(&["check", "--config", path(&config)], &[], "");
    let report = text(&check.stdout);
    assert!(check.status.success(), "{}{report}", text(&check.stderr));
    assert!(
        report.contains("2 talks, 1 break  Sample Meetup: Getting Started"),
        "{report}"
    );
    assert!(
        report.ends_with("1 event (1 upcoming), 2 talks, 2 speakers\n"),
        "the sample is in the future: {report}"
    );
    assert_eq!(
        text(&check.stderr),
        "",
        "no warnings on the sample, and check leaves no state behind"
    );
    assert_eq!(files(&dir), ["bot.toml", "events/sample-meetup/index.md"]);

    let console = herald(
        &["console", "--config", path(&config), "--lang", "en"],
        &[],
        "/next\n/agenda\n",
    );
    let replies = text(&console.stdout);
    assert!(console.status.success(), "{}", text(&console.stderr));
    for expected in [
        "Sample Meetup: Getting Started\n🗓 Sat ",
        "14:00–17:00",
        "🕐 14:00–14:45 Writing your first event page\n🎤 Ada Lovelace · Analytical Engines",
        "🕐 15:00–15:45 Reminders members actually read\n🎤 Grace Hopper · COBOL Foundation",
    ] {
        assert!(replies.contains(expected), "{expected:?} in {replies}");
    }
}

#[test]
fn init_into_the_current_folder_needs_no_config_flag() {
    let tmp = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_herald"))
        .arg("init")
        .current_dir(tmp.path())
        .env_remove("HERALD_CONFIG")
        .output()
        .unwrap();
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(stdout.contains("\n       herald console\n"), "{stdout}");
    assert!(!stdout.contains("--config"), "{stdout}");
    assert_eq!(
        files(tmp.path()),
        ["bot.toml", "events/sample-meetup/index.md"]
    );
}

#[test]
fn init_never_overwrites_and_writes_nothing_when_it_refuses() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let page = dir.join("events/sample-meetup/index.md");
    fs::create_dir_all(page.parent().unwrap()).unwrap();
    fs::write(&page, "my own page\n").unwrap();
    let out = herald(&["init", path(dir)], &[], "");
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        text(&out.stderr),
        format!(
            "herald: {}: already exists, and herald init never overwrites a file: move it \
             away, or give init another folder\n",
            page.display()
        )
    );
    assert_eq!(
        files(dir),
        ["events/sample-meetup/index.md"],
        "bot.toml, which was free, is not written either"
    );
    assert_eq!(fs::read_to_string(&page).unwrap(), "my own page\n");

    fs::remove_file(&page).unwrap();
    fs::write(dir.join("bot.toml"), "language = \"en\"\n").unwrap();
    let out = herald(&["init", path(dir)], &[], "");
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains(&format!(
            "{}: already exists",
            dir.join("bot.toml").display()
        )),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(files(dir), ["bot.toml"]);
    assert_eq!(
        fs::read_to_string(dir.join("bot.toml")).unwrap(),
        "language = \"en\"\n"
    );
}

/// A page dated a year after the run, so `check` counts it upcoming.
fn hugo_page() -> String {
    let year = chrono::Utc::now().format("%Y").to_string();
    let next: i32 = year.parse::<i32>().unwrap() + 1;
    format!(
        "---\ntitle: Site Meetup\ndate: {next}-05-16T14:00:00+08:00\n\
         url_slides: /slides/site-meetup.pdf\n---\n\n\
         - 14:00 - 14:40 Talk one — Ann Lee\n\
         - 14:40 - 15:20 Talk two — Bo Chen\n"
    )
}

#[test]
fn init_from_a_hugo_site_points_at_its_event_section_and_base_url() {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    fs::create_dir_all(site.join("content/event/site-meetup")).unwrap();
    fs::write(site.join("content/event/site-meetup/index.md"), hugo_page()).unwrap();
    fs::write(
        site.join("config.yaml"),
        "baseURL: https://meetup.example.org/community\ntitle: Our meetups\nlanguageCode: en-us\nparams:\n  a: 1\n",
    )
    .unwrap();
    let dir = tmp.path().join("bot");
    let out = herald(&["init", path(&dir), "--from-site", path(&site)], &[], "");
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let section = site.canonicalize().unwrap().join("content/event");
    assert!(
        stdout.starts_with(&format!(
            "events: {} (the site's event section)\nsite_url: \
             https://meetup.example.org/community/ (baseURL in {})\n",
            section.display(),
            site.canonicalize().unwrap().join("config.yaml").display()
        )),
        "{stdout}"
    );
    assert!(stdout.contains("language: en"), "{stdout}");
    assert!(
        stdout.contains(&format!("Wrote {}.", dir.join("bot.toml").display())),
        "{stdout}"
    );
    assert_eq!(files(&dir), ["bot.toml"], "no sample page over a real site");
    let written = fs::read_to_string(dir.join("bot.toml")).unwrap();
    assert!(
        written.contains("\nevents = \"../site/content/event\" "),
        "relative to the new bot.toml: {written}"
    );
    assert!(
        written.contains("\nsite_url = \"https://meetup.example.org/community/\" "),
        "{written}"
    );
    assert!(written.contains("\nlanguage = \"en\" "), "{written}");

    let config = dir.join("bot.toml");
    let check = herald(&["check", "--config", path(&config)], &[], "");
    let report = text(&check.stdout);
    assert!(check.status.success(), "{}{report}", text(&check.stderr));
    assert!(
        report.ends_with("1 event (1 upcoming), 2 talks, 2 speakers\n"),
        "{report}"
    );
    // The site's address is what relative links on its pages are joined to.
    let export = text(&herald(&["export", "--config", path(&config)], &[], "").stdout);
    assert!(
        export.contains("https://meetup.example.org/slides/site-meetup.pdf"),
        "{export}"
    );
}

#[test]
fn init_from_a_multilingual_site_takes_the_default_languages_folder_and_says_so() {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    for lang in ["en", "zh"] {
        fs::create_dir_all(site.join(format!("content/{lang}/events/site-meetup"))).unwrap();
        fs::write(
            site.join(format!("content/{lang}/events/site-meetup/index.md")),
            hugo_page(),
        )
        .unwrap();
    }
    fs::create_dir_all(site.join("config/_default")).unwrap();
    fs::write(
        site.join("config/_default/hugo.toml"),
        "BaseURL = \"https://cloudnative.example/\"\ndefaultContentLanguage = \"zh\"\n\
         timeZone = \"Asia/Hong_Kong\"\n[params]\nsince = 2020-01-01\n",
    )
    .unwrap();
    let dir = tmp.path().join("bot");
    let out = herald(&["init", path(&dir), "--from-site", path(&site)], &[], "");
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let root = site.canonicalize().unwrap();
    assert!(
        stdout.starts_with(&format!(
            "events: {} (the site's event section); also found content/en/events, which \
             herald does not read: it serves one folder\n",
            root.join("content/zh/events").display()
        )),
        "{stdout}"
    );
    assert!(stdout.contains("timezone: Asia/Hong_Kong"), "{stdout}");
    let written = fs::read_to_string(dir.join("bot.toml")).unwrap();
    assert!(
        written.contains("\nevents = \"../site/content/zh/events\" "),
        "{written}"
    );
    assert!(
        written.contains("\ntimezone = \"Asia/Hong_Kong\" "),
        "{written}"
    );
    assert!(written.contains("\nlanguage = \"zh\" "), "{written}");
    let check = herald(&["check", "--config", path(&dir.join("bot.toml"))], &[], "");
    assert!(check.status.success(), "{}", text(&check.stderr));
}

#[test]
fn init_from_a_folder_with_no_event_section_says_what_it_looked_for() {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    fs::create_dir_all(site.join("content/post")).unwrap();
    let dir = tmp.path().join("bot");
    let out = herald(&["init", path(&dir), "--from-site", path(&site)], &[], "");
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    assert!(
        stderr.starts_with(&format!(
            "herald: --from-site {}: no event section found: looked for content/event, \
             content/events, content/<lang>/event and content/<lang>/events",
            site.canonicalize().unwrap().display()
        )),
        "{stderr}"
    );
    assert!(!dir.exists(), "nothing is written");
}

/// A config in its own folder with one page, its state at `state`.
fn bot(dir: &Path, state: &str, extra: &str) -> String {
    fs::create_dir_all(dir.join("events")).unwrap();
    fs::write(dir.join("events/meetup.md"), hugo_page()).unwrap();
    let config = dir.join("bot.toml");
    fs::write(&config, format!("state = \"{state}\"\n{extra}")).unwrap();
    config.display().to_string()
}

/// `herald run` as far as it gets with no Telegram: the address is a
/// closed local port, so nothing leaves the machine.
fn run_command(config: &str) -> Command {
    let env = [
        ("TELOXIDE_TOKEN", "123:abc"),
        ("TELOXIDE_API_URL", "http://127.0.0.1:9/"),
    ];
    command(&["run", "--config", config], &env)
}

fn run(config: &str) -> Output {
    output(run_command(config), "")
}

#[test]
fn a_state_folder_that_is_missing_is_named_with_the_cause_and_the_fix() {
    let tmp = tempfile::tempdir().unwrap();
    let config = bot(tmp.path(), "gone/herald.db", "");
    let state = tmp.path().join("gone/herald.db");
    let expected = format!(
        "{}: state file: cannot be written: cannot create a file in {}: No such file or \
         directory (os error 2); herald keeps subscriptions and what it posted there, so give \
         it a writable place: in a container, mount a writable volume at /data and set \
         HERALD_STATE=/data/herald.db; otherwise point `state` in bot.toml (or HERALD_STATE) \
         at a folder herald may write\n",
        state.display(),
        tmp.path().join("gone").display()
    );
    let out = run(&config);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    assert_eq!(text(&out.stderr), format!("herald: {expected}"));

    let out = herald(&["check", "--config", &config], &[], "");
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(text(&out.stderr), expected);
    assert!(
        text(&out.stdout).ends_with("1 error, 0 warnings\n"),
        "{}",
        text(&out.stdout)
    );
    assert_eq!(files(tmp.path()), ["bot.toml", "events/meetup.md"]);
}

#[test]
fn herald_state_overrides_the_files_state() {
    let tmp = tempfile::tempdir().unwrap();
    let config = bot(tmp.path(), "herald.db", "");
    let elsewhere = tmp.path().join("data/herald.db");
    let env = [("HERALD_STATE", path(&elsewhere))];
    let out = herald(&["check", "--config", &config], &env, "");
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).starts_with(&format!(
            "{}: state file: cannot be written",
            elsewhere.display()
        )),
        "{}",
        text(&out.stderr)
    );
    fs::create_dir(tmp.path().join("data")).unwrap();
    let out = herald(&["check", "--config", &config], &env, "");
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(
        files(tmp.path()),
        ["bot.toml", "events/meetup.md"],
        "the probe is removed"
    );
}

#[test]
fn a_read_only_state_folder_is_permission_denied() {
    use std::os::unix::fs::PermissionsExt;
    use std::os::unix::process::CommandExt;
    let tmp = tempfile::tempdir().unwrap();
    fs::set_permissions(tmp.path(), fs::Permissions::from_mode(0o755)).unwrap();
    let config = bot(tmp.path(), "ro/herald.db", "");
    let folder = tmp.path().join("ro");
    fs::create_dir(&folder).unwrap();
    fs::set_permissions(&folder, fs::Permissions::from_mode(0o555)).unwrap();
    let mut run = run_command(&config);
    // Root writes anywhere, and CI runs as root: then herald runs as
    // `nobody`, whom the folder's mode refuses.
    let probe = folder.join("probe");
    if fs::write(&probe, "").is_ok() {
        fs::remove_file(&probe).unwrap();
        run.uid(65534).gid(65534);
    }
    let out = output(run, "");
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.starts_with(&format!(
            "herald: {}: state file: cannot be written: cannot create a file in {}: \
             Permission denied (os error 13); ",
            folder.join("herald.db").display(),
            folder.display()
        )),
        "{stderr}"
    );
    assert!(stderr.contains("HERALD_STATE=/data/herald.db"), "{stderr}");
    assert_eq!(fs::read_dir(&folder).unwrap().count(), 0);
}

#[test]
fn the_documented_example_ids_stop_check_and_run_at_their_line() {
    let tmp = tempfile::tempdir().unwrap();
    let config = bot(
        tmp.path(),
        "herald.db",
        "[telegram]\nadmins = [123456789]\nchats = [\"@rust_zh\"]\n",
    );
    for out in [
        herald(&["check", "--config", &config], &[], ""),
        run(&config),
    ] {
        assert_eq!(out.status.code(), Some(1));
        let stderr = text(&out.stderr);
        assert!(
            stderr.starts_with(&format!(
                "herald: {config}:3:11: telegram.admins[0]: 123456789 is the example id from \
                 herald's documentation"
            )),
            "{stderr}"
        );
    }
    let config = bot(
        tmp.path(),
        "herald.db",
        "[telegram]\nchats = [\"rustlang\"]\n",
    );
    let out = herald(&["check", "--config", &config], &[], "");
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains(&format!(
            "{config}:3:10: telegram.chats[0]: \"rustlang\" is not a chat: a public chat or \
             channel is named with its @, so write \"@rustlang\""
        )),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(files(tmp.path()), ["bot.toml", "events/meetup.md"]);
}

#[test]
fn a_missing_config_is_one_line_with_the_cause_and_init() {
    let tmp = tempfile::tempdir().unwrap();
    let config = tmp.path().join("site/bot.toml");
    let out = herald(&["check", "--config", path(&config)], &[], "");
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        text(&out.stderr),
        format!(
            "herald: {}: cannot read the config file: No such file or directory (os error 2); \
             `herald init {}` writes one to start from\n",
            config.display(),
            tmp.path().join("site").display()
        )
    );
}
