//! `herald console` with its input piped, as in a script or a transcript:
//! each command echoed before its reply, buttons pressed with `:press`,
//! subscriptions kept in memory, `:quit`, and a reader that goes away.
//! Every run has its own copy of the shipped `bot.toml` and `events/` in a
//! temp dir, so no state is read or written anywhere else.

use std::fs::{self, File};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use tempfile::TempDir;

/// The moment every run pretends it is: before all the events below.
const NOW: &str = "2021-04-01T09:00:00+08:00";

/// More upcoming events than `/events` shows on one page (8): the two
/// shipped pages, and eight made-up meetups between them in time.
const GENERATED: usize = 8;

struct Site {
    dir: TempDir,
}

impl Site {
    fn new() -> Site {
        let dir = tempfile::tempdir().unwrap();
        let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
        fs::copy(repo.join("bot.toml"), dir.path().join("bot.toml")).unwrap();
        copy_dir(&repo.join("events"), &dir.path().join("events"));
        for n in 1..=GENERATED {
            let page = dir.path().join(format!("events/generated-{n}/index.md"));
            fs::create_dir_all(page.parent().unwrap()).unwrap();
            let text = format!(
                "---\ntitle: Generated Meetup {n}\ndate: 2025-{n:02}-10T14:00:00+08:00\n---\n"
            );
            fs::write(page, text).unwrap();
        }
        Site { dir }
    }

    fn config(&self) -> PathBuf {
        self.dir.path().join("bot.toml")
    }

    fn console(&self, stdout: Stdio, stderr: Stdio) -> Child {
        Command::new(env!("CARGO_BIN_EXE_herald"))
            .arg("console")
            .arg("--config")
            .arg(self.config())
            .args(["--lang", "en", "--now", NOW])
            .env_remove("HERALD_CONFIG")
            .env_remove("HERALD_STATE")
            .env("RUST_LOG", "warn")
            .stdin(Stdio::piped())
            .stdout(stdout)
            .stderr(stderr)
            .spawn()
            .expect("the herald binary runs")
    }

    /// The console's answer to `input`, piped in whole.
    fn run(&self, input: &str) -> Output {
        let mut child = self.console(Stdio::piped(), Stdio::piped());
        child
            .stdin
            .take()
            .unwrap()
            .write_all(input.as_bytes())
            .unwrap();
        child.wait_with_output().unwrap()
    }
}

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), target).unwrap();
        }
    }
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// The reply to each echoed command, by the command: what follows its
/// `> command` line up to the next one.
fn replies(stdout: &str) -> Vec<(String, String)> {
    let mut replies: Vec<(String, String)> = Vec::new();
    for line in stdout.lines() {
        match line.strip_prefix("> ") {
            Some(command) => replies.push((command.to_string(), String::new())),
            None => {
                let (_, reply) = replies.last_mut().expect("output starts with an echo");
                reply.push_str(line);
                reply.push('\n');
            }
        }
    }
    replies
}

#[test]
fn piped_commands_are_echoed_before_their_replies() {
    let site = Site::new();
    let out = site.run("/next\n\n/speaker Maria Santos\n");
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    let replies = replies(&stdout);
    let commands: Vec<&str> = replies.iter().map(|(c, _)| c.as_str()).collect();
    assert_eq!(
        commands,
        ["/next", "/speaker Maria Santos"],
        "one echo per command, none for the blank line, no prompt: {stdout}"
    );
    assert!(
        replies[0].1.starts_with("云原生社区 meetup 第三期杭州站\n"),
        "{stdout}"
    );
    assert!(
        replies[1]
            .1
            .contains("Cancellation-safe services with tokio"),
        "{stdout}"
    );
}

#[test]
fn buttons_reach_the_second_page_of_events_and_its_agendas() {
    let site = Site::new();
    let out =
        site.run("/events\n:press ▶\n:press 7\n:press 1\n/events\n:press 25\n:press 4\n:press 1\n");
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    let replies = replies(&stdout);
    let reply = |i: usize| replies[i].1.as_str();
    let opens = |i: usize, first: &str| {
        assert!(reply(i).starts_with(first), "reply {i}: {stdout}");
    };
    let has = |i: usize, part: &str| assert!(reply(i).contains(part), "reply {i}: {stdout}");

    // Page 1: the first eight events, each with its agenda, 📅 and 🔔
    // buttons, then ▶ as the twenty-fifth button.
    opens(0, "Upcoming events (page 1/2)\n");
    has(0, "Generated Meetup 7");
    assert!(!reply(0).contains("Rust Shanghai"), "{stdout}");
    has(0, "(25) [▶]");

    // ▶ by its label: page 2, with the last two events and ◀.
    opens(1, "Upcoming events (page 2/2)\n");
    has(1, "Generated Meetup 8");
    has(1, "Rust Shanghai Meetup: Async in Production");
    assert!(!reply(1).contains("Generated Meetup 7"), "{stdout}");
    has(1, "(7) [◀]");

    // ◀ by its number goes back to page 1.
    opens(2, "Upcoming events (page 1/2)\n");

    // The first button of page 1 opens the first event's agenda.
    opens(3, "云原生社区 meetup 第三期杭州站\n");
    has(3, "Envoy 在阿里巴巴内部的落地实践");

    // Again by number: ▶ is the twenty-fifth button, and page 2's fourth
    // button is the agenda of the Shanghai meetup.
    opens(5, "Upcoming events (page 2/2)\n");
    opens(6, "Rust Shanghai Meetup: Async in Production\n");
    has(6, "Cancellation-safe services with tokio");
    // An agenda has a 🔔 under each talk to come, and pressing one follows
    // it for the console's member.
    has(
        6,
        "(1) [🔔 Remind me · Welcome]\n(2) [🔔 Remind me · Cancellation-safe services]",
    );
    opens(7, "🔔 Following Welcome: reminders come in private");
}

#[test]
fn presses_that_find_no_button_say_why() {
    let site = Site::new();
    let out = site.run(":press 1\n/events\n:press 30\n:press workshop\n:press meetup\n");
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    let replies = replies(&stdout);
    assert_eq!(
        replies[0].1, "The last reply has no buttons to press.\n\n",
        "{stdout}"
    );
    assert_eq!(
        replies[2].1, "There is no button 30: the last reply has 25 buttons, 1 to 25.\n\n",
        "{stdout}"
    );
    assert!(
        replies[3]
            .1
            .starts_with("No button of the last reply reads “workshop”."),
        "{stdout}"
    );
    assert!(
        replies[4].1.starts_with("“meetup” could be any of ["),
        "{stdout}"
    );
}

#[test]
fn subscriptions_are_kept_in_memory_for_the_session() {
    let site = Site::new();
    let out = site.run("/subscribe\n/subscribe\n/unsubscribe\n/unsubscribe\n/subscribe\n");
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    let said: Vec<String> = replies(&stdout)
        .into_iter()
        .map(|(_, reply)| reply.trim().to_string())
        .collect();
    assert!(said[0].starts_with("✅ Subscribed"), "{stdout}");
    assert_eq!(said[1], "This chat is already subscribed.", "{stdout}");
    assert!(said[2].starts_with("Unsubscribed"), "{stdout}");
    assert_eq!(said[3], "This chat is not subscribed.", "{stdout}");
    assert!(said[4].starts_with("✅ Subscribed"), "{stdout}");
    assert!(
        !site.dir.path().join("herald.db").exists(),
        "the console writes no state file"
    );

    // A new console starts unsubscribed.
    let again = text(&site.run("/unsubscribe\n").stdout);
    assert!(again.contains("This chat is not subscribed."), "{again}");
}

#[test]
fn quit_ends_the_console_with_status_0() {
    let site = Site::new();
    let out = site.run(":help\n:quit\n/next\n");
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    let replies = replies(&stdout);
    let commands: Vec<&str> = replies.iter().map(|(c, _)| c.as_str()).collect();
    assert_eq!(commands, [":help", ":quit"], "{stdout}");
    assert!(replies[0].1.contains(":press N"), "{stdout}");
    assert!(replies[0].1.contains("in memory"), "{stdout}");
    assert_eq!(replies[1].1, "", "nothing after :quit: {stdout}");
}

#[test]
fn a_reader_that_goes_away_ends_the_console_quietly() {
    let site = Site::new();
    let errors = site.dir.path().join("stderr.txt");
    let mut child = site.console(Stdio::piped(), Stdio::from(File::create(&errors).unwrap()));
    // Far more output than a pipe holds, so the console is still writing
    // when its reader leaves.
    let input = "/events\n".repeat(300);
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    assert_eq!(first, "> /events\n");
    // The reader is dropped here, as `head -1` exits.
    let deadline = Instant::now() + Duration::from_secs(120);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            child.kill().unwrap();
            panic!("the console kept running after its reader left");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let stderr = fs::read_to_string(&errors).unwrap();
    assert!(status.success(), "{status}: {stderr}");
    assert!(!stderr.contains("Broken pipe"), "{stderr}");
    assert!(!stderr.contains("os error"), "{stderr}");
}
