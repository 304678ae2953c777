//! The events folder as an unlucky operator or a hostile organizer leaves
//! it: symlink loops, symlinks out of it, FIFOs, devices, unreadable
//! sub-folders, two pages with one slug, a folder that is not there. Each
//! is built on disk in a temporary folder and loaded as herald loads it.

use std::fs;
use std::os::unix::fs::{symlink, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::mpsc;
use std::time::Duration;

use herald::events::{load_dir, Loaded, Severity, Site};
use herald::lang::Lang;

fn site() -> Site {
    Site::new(chrono_tz::Asia::Shanghai, Lang::Zh)
}

fn page(title: &str) -> String {
    format!("---\ntitle: {title}\ndate: 2030-05-01T14:00:00+08:00\n---\n")
}

fn write(path: &Path, text: &str) {
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, text).unwrap();
}

/// Loads on another thread, so a walk that hangs (a FIFO opened, a loop
/// never left) fails the test instead of stalling the suite.
fn load(dir: &Path) -> Loaded {
    let (done, result) = mpsc::channel();
    let dir = dir.to_path_buf();
    std::thread::spawn(move || {
        let _ = done.send(load_dir(&dir, &site()));
    });
    result
        .recv_timeout(Duration::from_secs(60))
        .expect("the load finishes")
        .expect("the folder is there")
}

fn ids(loaded: &Loaded) -> Vec<&str> {
    let mut ids: Vec<&str> = loaded.events.iter().map(|e| e.id.as_str()).collect();
    ids.sort();
    ids
}

/// `severity file: message` with the file below `dir`, for assertions.
fn said(loaded: &Loaded, dir: &Path) -> Vec<String> {
    loaded
        .diagnostics
        .iter()
        .map(|d| {
            let file = d.file.strip_prefix(dir).unwrap_or(&d.file);
            let level = match d.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
                Severity::Note => "note",
            };
            format!("{level} {}: {}", file.display(), d.message)
        })
        .collect()
}

fn mkfifo(path: &Path) {
    let status = Command::new("mkfifo")
        .arg(path)
        .status()
        .expect("mkfifo runs");
    assert!(status.success(), "mkfifo {}", path.display());
}

#[test]
fn symlink_loops_finish_and_load_each_page_once() {
    let dir = tempfile::tempdir().unwrap();
    let events = dir.path();
    write(&events.join("meetup/index.md"), &page("Meetup"));
    write(&events.join("2021/talk.md"), &page("Talk"));
    symlink(".", events.join("loop")).unwrap();
    symlink("..", events.join("2021/back")).unwrap();
    symlink("../meetup", events.join("2021/again")).unwrap();

    let loaded = load(events);
    assert_eq!(ids(&loaded), ["meetup", "talk"]);
    let said = said(&loaded, events);
    assert_eq!(said.len(), 3, "{said:#?}");
    for link in ["2021/again", "2021/back", "loop"] {
        assert!(
            said.iter().any(|s| s.starts_with(&format!("warning {link}: this symlink leads to "))
                && s.ends_with("a folder inside the events folder that is read there; it is not followed, so no page loads twice")),
            "{link}: {said:#?}"
        );
    }
}

#[test]
fn symlinks_out_of_the_folder_are_not_followed() {
    let outside = tempfile::tempdir().unwrap();
    write(&outside.path().join("secret/index.md"), &page("Secret"));
    write(&outside.path().join("leaf.md"), &page("Leaf"));
    let dir = tempfile::tempdir().unwrap();
    let events = dir.path();
    write(&events.join("meetup.md"), &page("Meetup"));
    symlink(outside.path().join("secret"), events.join("secret")).unwrap();
    symlink(outside.path().join("leaf.md"), events.join("leaf.md")).unwrap();
    symlink("/dev/zero", events.join("zero.md")).unwrap();
    symlink(events.join("meetup.md"), events.join("alias.md")).unwrap();
    symlink(events.join("nowhere.md"), events.join("dangling.md")).unwrap();

    let loaded = load(events);
    // A symlink to a page inside the folder is read: it is the organizer's.
    assert_eq!(ids(&loaded), ["alias", "meetup"]);
    let said = said(&loaded, events);
    let outside = fs::canonicalize(outside.path()).unwrap();
    let expect = [
        "warning dangling.md: this symlink leads nowhere readable".to_string(),
        format!(
            "warning leaf.md: this symlink leads to {}, outside the events folder; it is not read",
            outside.join("leaf.md").display()
        ),
        format!(
            "warning secret: this symlink leads to {}, outside the events folder; it is not followed",
            outside.join("secret").display()
        ),
        "warning zero.md: this symlink leads to /dev/zero, outside the events folder; it is not read"
            .to_string(),
    ];
    assert_eq!(said.len(), expect.len(), "{said:#?}");
    for (said, expect) in said.iter().zip(&expect) {
        assert!(
            said.starts_with(expect.as_str()),
            "{said}\nshould start with\n{expect}"
        );
    }
}

#[test]
fn a_fifo_or_a_device_is_one_warning_and_the_rest_loads() {
    let dir = tempfile::tempdir().unwrap();
    let events = dir.path();
    write(&events.join("meetup/index.md"), &page("Meetup"));
    mkfifo(&events.join("pipe.md"));
    fs::create_dir(events.join("bundle")).unwrap();
    mkfifo(&events.join("bundle/index.md"));
    mkfifo(&events.join("not-a-page"));

    let loaded = load(events);
    assert_eq!(ids(&loaded), ["meetup"]);
    assert_eq!(
        said(&loaded, events),
        [
            "warning bundle/index.md: this is a FIFO (named pipe), not a page file; it is not read",
            "warning pipe.md: this is a FIFO (named pipe), not a page file; it is not read",
        ]
    );
}

#[test]
fn a_page_folder_that_is_a_file_and_a_missing_folder_are_errors_naming_them() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("events");
    let error = load_dir(&missing, &site()).unwrap_err();
    assert_eq!(
        error.to_string(),
        format!("the events folder {} does not exist", missing.display())
    );
    fs::write(&missing, "not a folder").unwrap();
    let error = load_dir(&missing, &site()).unwrap_err();
    assert_eq!(
        error.to_string(),
        format!("the events folder {} is not a folder", missing.display())
    );
}

#[test]
fn two_pages_with_one_slug_serve_the_first_and_name_both() {
    // "First" is path order, folder by folder: `dup/…` before `dup.md`.
    let dir = tempfile::tempdir().unwrap();
    let events = dir.path();
    write(&events.join("dup.md"), &page("Leaf"));
    write(&events.join("dup/index.md"), &page("Bundle"));
    write(&events.join("2021/meetup/index.md"), &page("Meetup 2021"));
    write(&events.join("2022/meetup/index.md"), &page("Meetup 2022"));
    write(&events.join("2022/Meetup.md"), &page("Meetup, capitalised"));
    // Translations are one event, not duplicates.
    write(&events.join("rust/index.zh.md"), &page("Rust 聚会"));
    write(&events.join("rust/index.en.md"), &page("Rust Meetup"));

    let loaded = load(events);
    let titles: Vec<(&str, &str)> = loaded
        .events
        .iter()
        .map(|e| (e.id.as_str(), e.title.as_str()))
        .collect();
    assert_eq!(
        titles,
        [
            ("dup", "Bundle"),
            ("meetup", "Meetup 2021"),
            ("rust", "Rust 聚会")
        ],
    );
    let first = |path: &str| events.join(path).display().to_string();
    assert_eq!(
        said(&loaded, events),
        [
            format!("error 2022/Meetup.md: the id `Meetup` is already that of {}, which is served; this page is not served until one of them is renamed (the id keys its commands and reminders)", first("2021/meetup/index.md")),
            format!("error 2022/meetup/index.md: the id `meetup` is already that of {}, which is served; this page is not served until one of them is renamed (the id keys its commands and reminders)", first("2021/meetup/index.md")),
            format!("error dup.md: the id `dup` is already that of {}, which is served; this page is not served until one of them is renamed (the id keys its commands and reminders)", first("dup/index.md")),
        ]
    );
}

#[test]
fn relative_links_resolve_against_site_url_or_stay_text() {
    let dir = tempfile::tempdir().unwrap();
    let events = dir.path().join("event");
    let text = "---\ntitle: Meetup\ndate: 2030-05-01T14:00:00+08:00\nevent_url: /register/\nsummary: \"[Slides](../slides.pdf), [talk](/talks/x/), [bad](javascript:alert(1)) and [here](#agenda)\"\n---\n";
    write(&events.join("2021/Meetup/index.md"), text);

    let plain = load(&events);
    let event = &plain.events[0];
    assert_eq!(event.summary.as_ref().unwrap().links(), Vec::<&str>::new());
    assert_eq!(
        event.summary.as_ref().unwrap().plain(),
        "Slides, talk, bad and here"
    );

    let mut site = site();
    site.url = Some("https://example.org/community/".parse().unwrap());
    let resolved = load_dir(&events, &site).unwrap();
    let event = &resolved.events[0];
    assert_eq!(
        event.summary.as_ref().unwrap().links(),
        [
            "https://example.org/community/event/2021/slides.pdf",
            "https://example.org/talks/x/",
            "https://example.org/community/event/2021/meetup/#agenda",
        ]
    );
    assert_eq!(
        event.links.register.as_deref(),
        Some("https://example.org/register/")
    );
}

/// The `herald` binary on a config whose folder is `events`.
fn herald(config: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_herald"))
        .args(args)
        .arg("--config")
        .arg(config)
        .env_remove("HERALD_CONFIG")
        .env_remove("TELOXIDE_TOKEN")
        .env("RUST_LOG", "warn")
        .stdin(std::process::Stdio::null())
        .output()
        .expect("the herald binary runs")
}

fn config_in(dir: &Path) -> PathBuf {
    let config = dir.join("bot.toml");
    fs::write(&config, "events = \"events\"\nstate = \"herald.db\"\n").unwrap();
    config
}

#[test]
fn every_subcommand_refuses_a_missing_events_folder_by_name() {
    let dir = tempfile::tempdir().unwrap();
    let config = config_in(dir.path());
    let folder = dir.path().join("events");
    let said = format!(
        "herald: the events folder {} does not exist (`events` in the config file, relative to it)\n",
        folder.display()
    );
    for (command, code) in [("check", 1), ("export", 1), ("console", 1), ("run", 2)] {
        let out = herald(&config, &[command]);
        assert_eq!(out.status.code(), Some(code), "{command}");
        assert_eq!(String::from_utf8_lossy(&out.stderr), said, "{command}");
        assert!(out.stdout.is_empty(), "{command}");
    }
}

#[test]
fn an_unreadable_sub_folder_is_an_error_and_the_rest_loads() {
    let dir = tempfile::tempdir().unwrap();
    // Writable by `nobody` too: check also tries the state file's place.
    fs::set_permissions(dir.path(), fs::Permissions::from_mode(0o777)).unwrap();
    let config = config_in(dir.path());
    let events = dir.path().join("events");
    write(&events.join("open/index.md"), &page("Open"));
    write(&events.join("locked/inner/index.md"), &page("Locked"));
    write(&events.join("locked.md"), &page("Unreadable page"));
    fs::set_permissions(events.join("locked"), fs::Permissions::from_mode(0o000)).unwrap();
    fs::set_permissions(events.join("locked.md"), fs::Permissions::from_mode(0o000)).unwrap();

    // Root reads any folder whatever its mode, and these tests run as root
    // in CI; so the check runs as `nobody` there, in a child process, on the
    // binary an operator runs.
    let mut check = Command::new(env!("CARGO_BIN_EXE_herald"));
    check
        .args(["check", "--config"])
        .arg(&config)
        .env_remove("HERALD_CONFIG")
        .env("RUST_LOG", "warn");
    if is_root() {
        use std::os::unix::process::CommandExt;
        check.uid(65534).gid(65534);
    }
    let out = check.output().expect("herald check runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stderr}{stdout}");
    let locked = events.join("locked");
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 2, "{stderr}");
    assert!(
        lines[0].starts_with(&format!(
            "{}:0: error: this folder cannot be read (Permission denied",
            locked.display()
        )) && lines[0].ends_with("the pages below it are not loaded"),
        "{stderr}"
    );
    assert!(
        lines[1].starts_with(&format!(
            "{}.md:0: error: the file cannot be read: Permission denied",
            locked.display()
        )),
        "{stderr}"
    );
    assert!(
        stdout.contains("\n1 event (1 upcoming), no talks, no speakers\n"),
        "{stdout}"
    );
    assert!(stdout.contains("  Open\n"), "{stdout}");
    assert!(!stdout.contains("Locked"), "{stdout}");
    fs::set_permissions(&locked, fs::Permissions::from_mode(0o755)).unwrap();
}

fn is_root() -> bool {
    fs::metadata("/proc/self")
        .map(|m| std::os::unix::fs::MetadataExt::uid(&m) == 0)
        .unwrap_or(false)
}

#[test]
fn explain_refuses_a_fifo_or_a_device_instead_of_hanging() {
    let dir = tempfile::tempdir().unwrap();
    let pipe = dir.path().join("pipe.md");
    mkfifo(&pipe);
    let config = dir.path().join("absent.toml");
    for page in [pipe.as_path(), Path::new("/dev/zero")] {
        let out = herald(&config, &["explain", page.to_str().unwrap()]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{}", page.display());
        assert!(
            stderr.contains(&format!("{}", page.display()))
                && stderr.contains("not a regular file"),
            "{stderr}"
        );
    }
}
