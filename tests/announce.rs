//! Organizers' announcements end to end: the real bot against the fake Bot
//! API server, organizers and members played by the test. What the chats
//! receive, what the organizer reads, and what the state file keeps is
//! what is checked.

mod support;

use std::time::Duration;

use chrono::{SecondsFormat, Utc};
use herald::config::ChatTarget;
use herald::store::{Author, Outcome, State, Store};
use serde_json::{json, Value};

use support::fake_bot_api::{Call, Chat, FakeBotApi, Sent, User, TOKEN};
use support::logs::logs;
use support::running::{count_in, Running};

/// In `telegram.admins`, and writes announcements.
const ORGANIZER: User = User {
    id: 7001,
    first_name: "Olga",
    language: Some("en"),
};
/// Also in `telegram.admins`.
const COLLEAGUE: User = User {
    id: 7002,
    first_name: "晨",
    language: Some("zh-hans"),
};
/// Not an admin.
const MEMBER: User = User {
    id: 7100,
    first_name: "Max",
    language: Some("en"),
};
/// `telegram.chats`.
const GROUPS: [i64; 3] = [-5001, -5002, -5003];
const DESK: Chat = Chat::Private(ORGANIZER.id);

/// herald with organizers and chats, and no events.
async fn start() -> Running {
    Running::start_with(&[], |config| {
        config.telegram.admins = vec![ORGANIZER.id, COLLEAGUE.id];
        config.telegram.chats = GROUPS.map(ChatTarget::id).to_vec();
    })
    .await
}

/// `from` writes `text` in their private chat with herald; returns the
/// preview: the post as it will go out, and the message with the buttons.
async fn announce(herald: &Running, from: &User, text: &str, entities: Value) -> (Sent, Sent) {
    let chat = Chat::Private(from.id);
    let before = count_in(&herald.api, chat);
    herald.api.send_formatted(chat, from, text, entities);
    let sent = herald.api.wait_for_messages(chat, before + 2).await;
    (sent[before].clone(), sent[before + 1].clone())
}

/// Presses the button labelled `label` under `on`, as `from`.
fn press(herald: &Running, from: &User, on: &Sent, label: &str) {
    let buttons = on.buttons();
    let (_, data) = buttons
        .iter()
        .find(|(text, _)| text.contains(label))
        .unwrap_or_else(|| panic!("no {label} button in {buttons:?}"));
    herald.api.press_button(from, on, data);
}

/// Waits until message `on` is edited to contain `text`; returns its HTML.
async fn edited(herald: &Running, on: &Sent, text: &str) -> String {
    let wanted = |c: &Call| {
        c.method == "editMessageText"
            && c.params["chat_id"] == on.chat
            && c.params["message_id"] == on.message_id
            && c.params["text"].as_str().is_some_and(|t| t.contains(text))
    };
    let what = format!("message {} edited to “{text}”", on.message_id);
    herald
        .api
        .wait_until(&what, |calls| {
            calls
                .iter()
                .find(|c| wanted(c))
                .map(|c| c.params["text"].to_string())
        })
        .await
}

/// The pop-up answer to the `nth` button press (from 1).
async fn popup(herald: &Running, nth: usize) -> String {
    let answers = herald.api.wait_for_calls("answerCallbackQuery", nth).await;
    answers[nth - 1].params["text"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

/// Messages in the groups, after a moment for any stray ones to arrive.
async fn posted_to_groups(herald: &Running) -> usize {
    tokio::time::sleep(Duration::from_millis(300)).await;
    GROUPS
        .map(|id| count_in(&herald.api, Chat::Group(id)))
        .iter()
        .sum()
}

/// Stops herald and opens the state file it leaves.
async fn kept(herald: Running) -> (Store, tempfile::TempDir) {
    let (_api, dir) = herald.stop().await;
    let store = Store::open(&dir.path().join("herald.db")).unwrap();
    (store, dir)
}

/// The offset of `part` in `text`, in Telegram's UTF-16 units.
fn utf16_at(text: &str, part: &str) -> usize {
    text[..text.find(part).unwrap()].encode_utf16().count()
}

fn styled(text: &str, spans: &[(&str, &str)]) -> Value {
    let entities: Vec<Value> = spans
        .iter()
        .map(|(kind, part)| {
            json!({
                "type": kind,
                "offset": utf16_at(text, part),
                "length": part.encode_utf16().count(),
            })
        })
        .collect();
    json!(entities)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_organizer_previews_sends_and_reads_the_report() {
    let herald = start().await;
    herald.api.block(-5003);
    let text = "/announce --pin 🎉 Doors open at 19:00 <3\n报名 here";
    let entities = styled(text, &[("bold", "Doors open"), ("italic", "报名")]);
    let (post, controls) = announce(&herald, &ORGANIZER, text, entities).await;
    assert_eq!(
        post.html,
        "🎉 <b>Doors open</b> at 19:00 &lt;3\n<i>报名</i> here"
    );
    assert!(
        controls.html.contains("goes to 3 chats, pinned"),
        "{}",
        controls.html
    );
    assert_eq!(posted_to_groups(&herald).await, 0, "nothing before Send");

    press(&herald, &ORGANIZER, &controls, "Send");
    for chat in [-5001, -5002] {
        let got = herald.api.wait_for_messages(Chat::Group(chat), 1).await;
        assert_eq!(got[0].html, post.html, "exactly as previewed");
    }
    let report = edited(&herald, &controls, "delivered").await;
    assert!(
        report.contains("Announcement #1 delivered to 2 of 3 chats.")
            && report.contains("-5003")
            && report.contains("blocked")
            && report.contains("Pinned in 2 chats."),
        "{report}"
    );
    let pinned: Vec<Value> = herald
        .api
        .calls("pinChatMessage")
        .iter()
        .map(|c| c.params["chat_id"].clone())
        .collect();
    assert_eq!(pinned, [json!(-5001), json!(-5002)]);
    assert_eq!(posted_to_groups(&herald).await, 2, "once per chat");

    let (store, _dir) = kept(herald).await;
    let kept = store.announcements().unwrap();
    assert_eq!(kept.len(), 1);
    assert_eq!(kept[0].author, Author::Admin(ORGANIZER.id));
    assert_eq!(kept[0].state, State::Done);
    assert_eq!(kept[0].html, post.html);
    let outcomes: Vec<(String, Outcome)> = store
        .deliveries(kept[0].id)
        .unwrap()
        .into_iter()
        .map(|d| (d.chat.to_string(), d.outcome))
        .collect();
    assert_eq!(
        outcomes,
        [
            ("-5001".into(), Outcome::Sent),
            ("-5002".into(), Outcome::Sent),
            ("-5003".into(), Outcome::Undeliverable),
        ]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_member_who_is_not_an_organizer_is_refused_and_logged() {
    let herald = start().await;
    let group = Chat::Group(GROUPS[0]);
    herald
        .api
        .send_text(group, &MEMBER, "/announce Free pizza for everyone!");
    let reply = herald.api.wait_for_messages(group, 1).await;
    assert_eq!(
        reply[0].html,
        "Sorry, only the organizers named in herald's settings can make announcements."
    );
    herald.api.send_text(group, &MEMBER, "/announcements");
    herald.api.wait_for_messages(group, 2).await;
    assert_eq!(posted_to_groups(&herald).await, 2, "only the two refusals");
    let logged = logs();
    assert!(
        logged.contains("refused: not in telegram.admins")
            && logged.contains("user=Some(7100)")
            && logged.contains("tried=\"announce\""),
        "{logged}"
    );
    let (store, _dir) = kept(herald).await;
    assert!(store.announcements().unwrap().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancel_posts_nothing_and_a_late_send_is_declined() {
    let herald = start().await;
    let (_, controls) =
        announce(&herald, &ORGANIZER, "/announce Oops, wrong date", json!([])).await;
    press(&herald, &ORGANIZER, &controls, "Cancel");
    let cancelled = edited(&herald, &controls, "cancelled").await;
    assert!(cancelled.contains("nothing was posted"), "{cancelled}");
    // The Send button of the old preview, pressed anyway.
    press(&herald, &ORGANIZER, &controls, "Send");
    assert_eq!(
        popup(&herald, 2).await,
        "This announcement was already sent or cancelled."
    );
    assert_eq!(posted_to_groups(&herald).await, 0);
    let (store, _dir) = kept(herald).await;
    assert_eq!(store.announcements().unwrap()[0].state, State::Cancelled);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_its_author_can_send_an_announcement() {
    let herald = start().await;
    let (_, controls) = announce(&herald, &ORGANIZER, "/announce Venue moved", json!([])).await;
    // A forged press: a member's client sends the organizer's Send data.
    press(&herald, &MEMBER, &controls, "Send");
    assert_eq!(
        popup(&herald, 1).await,
        "Sorry, only the organizers named in herald's settings can make announcements."
    );
    press(&herald, &COLLEAGUE, &controls, "Send");
    assert_eq!(
        popup(&herald, 2).await,
        "只有写这条公告的组织者可以发送它。"
    );
    assert_eq!(posted_to_groups(&herald).await, 0);
    assert!(logs().contains("user=Some(7100) chat=7001 tried=\"announcement button\""));
    let (store, _dir) = kept(herald).await;
    assert_eq!(store.announcements().unwrap()[0].state, State::Draft);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_scheduled_announcement_goes_out_at_its_time() {
    let herald = start().await;
    let written =
        (Utc::now() + chrono::Duration::seconds(2)).to_rfc3339_opts(SecondsFormat::Secs, true);
    let due: chrono::DateTime<Utc> = written.parse().unwrap();
    let text = format!("/announce at {written} The first talk starts now");
    let (_, controls) = announce(&herald, &ORGANIZER, &text, json!([])).await;
    press(&herald, &ORGANIZER, &controls, "Schedule");
    edited(&herald, &controls, "goes out at").await;
    for chat in GROUPS {
        let got = herald.api.wait_for_messages(Chat::Group(chat), 1).await;
        assert_eq!(got[0].html, "The first talk starts now");
    }
    assert!(Utc::now() >= due, "not before its time");
    edited(&herald, &controls, "delivered to 3 of 3").await;
    herald.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pending_announcements_are_listed_and_can_be_withdrawn() {
    let herald = start().await;
    let (_, controls) = announce(
        &herald,
        &ORGANIZER,
        "/announce at 2030-01-01 10:00 New year meetup!",
        json!([]),
    )
    .await;
    press(&herald, &ORGANIZER, &controls, "Schedule");
    edited(&herald, &controls, "goes out at").await;

    herald.api.send_text(DESK, &ORGANIZER, "/announcements");
    let sent = herald.api.wait_for_messages(DESK, 3).await;
    let list = &sent[2];
    assert_eq!(
        list.html,
        "<b>Announcements waiting to go out</b>\n#1 · Tue 1 Jan 2030, 10:00 · New year meetup!"
    );
    press(&herald, &ORGANIZER, list, "Cancel #1");
    edited(&herald, list, "No announcements are waiting").await;
    edited(&herald, &controls, "cancelled").await;
    assert_eq!(posted_to_groups(&herald).await, 0);
    herald.stop().await;
}

/// A site for the `herald` binary: organizer [`ORGANIZER`], `chats`, no
/// events, and times in UTC.
fn site(chats: &[i64]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("events")).unwrap();
    std::fs::write(
        dir.path().join("bot.toml"),
        format!(
            "language = \"en\"\ntimezone = \"UTC\"\n[telegram]\nadmins = [{}]\nchats = {chats:?}\n",
            ORGANIZER.id
        ),
    )
    .unwrap();
    dir
}

/// `herald <args> --config <site>/bot.toml`, talking to `api`.
fn herald(site: &tempfile::TempDir, api: &FakeBotApi, args: &[&str]) -> tokio::process::Command {
    let mut command = tokio::process::Command::new(env!("CARGO_BIN_EXE_herald"));
    command
        .args(args)
        .arg("--config")
        .arg(site.path().join("bot.toml"))
        .env("TELOXIDE_TOKEN", TOKEN)
        .env("TELOXIDE_API_URL", api.url())
        .env("RUST_LOG", "herald=info")
        // The command line speaks the shell's language: English here,
        // whatever the machine running the tests is set to.
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env_remove("LANG")
        .stdin(std::process::Stdio::null())
        .kill_on_drop(true);
    command
}

/// How many messages each chat got, in `calls`.
fn counts(calls: &[Call], chats: &[i64]) -> Vec<usize> {
    let sent = |chat: &i64| {
        let to_chat = |c: &&Call| c.method == "sendMessage" && c.params["chat_id"] == *chat;
        calls.iter().filter(to_chat).count()
    };
    chats.iter().map(sent).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killed_between_send_and_the_end_of_the_broadcast_it_repeats_no_chat() {
    let api = FakeBotApi::start().await;
    let chats: Vec<i64> = (1..=30).map(|n| -6000 - n).collect();
    let site = site(&chats);
    api.delay_sends(Duration::from_millis(80));
    let mut running = herald(&site, &api, &["run"])
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    api.wait_for_calls("setMyCommands", 2).await;
    api.send_text(DESK, &ORGANIZER, "/announce Registration is open");
    let preview = api.wait_for_messages(DESK, 2).await;
    let send = &preview[1].buttons()[0].1;
    api.press_button(&ORGANIZER, &preview[1], send);
    api.wait_until("a third of the broadcast", |calls| {
        (counts(calls, &chats).iter().sum::<usize>() >= 10).then_some(())
    })
    .await;
    running.start_kill().unwrap(); // SIGKILL: no chance to tidy up
    running.wait().await.unwrap();
    let before: usize = counts(&api.calls("sendMessage"), &chats).iter().sum();
    assert!(before < chats.len(), "killed mid-broadcast ({before} sent)");

    let mut restarted = herald(&site, &api, &["run"])
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let controls = &preview[1];
    api.wait_until("the report, from the restarted herald", |calls| {
        calls
            .iter()
            .find(|c| {
                c.method == "editMessageText"
                    && c.params["message_id"] == controls.message_id
                    && c.params["text"]
                        .as_str()
                        .is_some_and(|t| t.contains("delivered to 30 of 30"))
            })
            .map(drop)
    })
    .await;
    let counts = counts(&api.calls("sendMessage"), &chats);
    let repeated: usize = counts.iter().map(|n| n.saturating_sub(1)).sum();
    assert!(counts.iter().all(|n| *n >= 1), "{counts:?}");
    assert!(
        repeated <= 1,
        "at most the one post in flight repeats: {counts:?}"
    );
    restarted.start_kill().unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn herald_announce_posts_a_markdown_file_and_reports() {
    let api = FakeBotApi::start().await;
    api.block(-7003);
    let site = site(&[-7001, -7002, -7003]);
    let file = site.path().join("message.md");
    std::fs::write(
        &file,
        "## Meetup #3\n\nSlides are up: [here](https://x.io/s?a=1&b=2).\n",
    )
    .unwrap();
    let file = file.to_str().unwrap();

    let unasked = herald(&site, &api, &["announce", "--file", file])
        .output()
        .await
        .unwrap();
    assert_eq!(unasked.status.code(), Some(1), "no terminal, no --yes");
    assert!(String::from_utf8_lossy(&unasked.stderr).contains("pass --yes"));
    assert!(api.calls("sendMessage").is_empty());

    let out = herald(&site, &api, &["announce", "--file", file, "--yes"])
        .output()
        .await
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "one chat missed it: {stdout}");
    assert!(
        stdout.contains("    Meetup #3\n")
            && stdout.contains("\n    Slides are up: here (https://x.io/s?a=1&b=2).\n"),
        "{stdout}"
    );
    assert!(
        stdout.contains("To 3 chats now: -7001, -7002, -7003"),
        "{stdout}"
    );
    assert!(
        stdout.contains("Announcement #1 delivered to 2 of 3 chats."),
        "{stdout}"
    );
    let html =
        "<b>Meetup #3</b>\n\nSlides are up: <a href=\"https://x.io/s?a=1&amp;b=2\">here</a>.";
    for chat in [-7001, -7002] {
        assert_eq!(
            api.wait_for_messages(Chat::Group(chat), 1).await[0].html,
            html
        );
    }

    let listed = herald(&site, &api, &["announcements"])
        .output()
        .await
        .unwrap();
    let listed = String::from_utf8_lossy(&listed.stdout);
    assert!(listed.starts_with("#1 · done · by "), "{listed}");
    assert!(
        listed.contains(
            "\n    Meetup #3\n    -7001  sent\n    -7002  sent\n    -7003  undeliverable: "
        ),
        "{listed}"
    );

    let late = herald(&site, &api, &["announcements", "--cancel", "1"])
        .output()
        .await
        .unwrap();
    let said = String::from_utf8_lossy(&late.stdout);
    assert_eq!(late.status.code(), Some(1), "{said}");
    assert!(
        said.starts_with("Announcement #1 was already sent (")
            && said.ends_with(" UTC); there is nothing to withdraw.\n"),
        "{said}"
    );
}

/// What `herald <args>` printed: exit code, stdout, stderr.
async fn ran(command: &mut tokio::process::Command) -> (Option<i32>, String, String) {
    let out = command.output().await.unwrap();
    let text = |bytes: &[u8]| String::from_utf8_lossy(bytes).into_owned();
    (out.status.code(), text(&out.stdout), text(&out.stderr))
}

/// The names in the site's folder, sorted.
fn files(site: &tempfile::TempDir) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(site.path())
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_announce_speaks_the_shells_language_and_writes_nothing() {
    let api = FakeBotApi::start().await;
    let site = site(&[-8001]);
    // Members read Chinese; the organizer's shell still speaks English.
    let config = site.path().join("bot.toml");
    let toml = std::fs::read_to_string(&config).unwrap();
    std::fs::write(
        &config,
        toml.replace("language = \"en\"", "language = \"zh\""),
    )
    .unwrap();
    let file = site.path().join("message.md");
    std::fs::write(&file, "Doors open at *19:00*\n").unwrap();
    let empty = site.path().join("empty.md");
    std::fs::write(&empty, "  \n\n").unwrap();
    let (file, empty) = (file.to_str().unwrap(), empty.to_str().unwrap());
    let before = files(&site);

    let announce = |args: &[&str]| {
        let mut command = herald(&site, &api, &["announce"]);
        command.args(args);
        command
    };
    let past = ["--file", file, "--at", "2020-01-01 10:00", "--yes"];
    let (code, _, stderr) = ran(&mut announce(&past)).await;
    assert_eq!(code, Some(1));
    assert_eq!(
        stderr,
        "herald: --at 2020-01-01 10:00 is in the past (2020-01-01 10:00 UTC); \
         leave out --at to post now.\n"
    );
    let (_, _, stderr) = ran(announce(&past).env("LANG", "zh_CN.UTF-8")).await;
    assert_eq!(
        stderr,
        "herald: --at 2020-01-01 10:00 已经过去了（2020-01-01 10:00 UTC）。要现在发，去掉 --at 即可。\n"
    );
    let (_, _, stderr) = ran(announce(&past)
        .args(["--lang", "en"])
        .env("LANG", "zh_CN.UTF-8"))
    .await;
    assert!(stderr.contains("is in the past"), "--lang wins: {stderr}");

    let (code, _, stderr) = ran(&mut announce(&[
        "--file",
        file,
        "--at",
        "tomorrow 9am",
        "--yes",
    ]))
    .await;
    assert_eq!(code, Some(1));
    assert!(
        stderr.starts_with("herald: --at tomorrow 9am is not a date and time: write it as --at \"2026-12-01 10:00\" (read in UTC)"),
        "{stderr}"
    );
    let missing = site.path().join("nope.md");
    let (code, _, stderr) = ran(&mut announce(&[
        "--file",
        missing.to_str().unwrap(),
        "--yes",
    ]))
    .await;
    assert_eq!(code, Some(1));
    assert_eq!(
        stderr,
        format!(
            "herald: {}: cannot read the announcement: No such file or directory (os error 2)\n",
            missing.display()
        )
    );
    let (code, _, stderr) = ran(&mut announce(&["--file", empty, "--yes"])).await;
    assert_eq!(code, Some(1));
    assert!(
        stderr.ends_with("empty.md: there is nothing to announce in it\n"),
        "{stderr}"
    );
    let unasked = ["--file", file, "--at", "2030-01-01 10:00"];
    let (code, stdout, stderr) = ran(&mut announce(&unasked)).await;
    assert_eq!(code, Some(1));
    assert!(
        stdout.contains("To 1 chat at 2030-01-01 10:00 UTC: -8001"),
        "{stdout}"
    );
    assert!(stderr.contains("pass --yes"), "{stderr}");

    assert_eq!(files(&site), before, "no herald.db after a refusal");
    assert!(api.calls("sendMessage").is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn herald_announcements_cancel_withdraws_what_has_not_gone_out() {
    let api = FakeBotApi::start().await;
    let site = site(&[-8001]);
    let file = site.path().join("message.md");
    let file = file.to_str().unwrap();
    for (text, at) in [
        ("First", "2030-01-01 10:00"),
        ("Second", "2030-01-02 10:00"),
    ] {
        std::fs::write(file, text).unwrap();
        let (code, stdout, _) = ran(herald(
            &site,
            &api,
            &["announce", "--file", file, "--at", at, "--yes"],
        )
        .env_remove("TELOXIDE_TOKEN"))
        .await;
        assert_eq!(code, Some(0), "{stdout}");
    }
    let cancel = |id: &str| herald(&site, &api, &["announcements", "--cancel", id]);
    assert_eq!(
        ran(&mut cancel("1")).await,
        (
            Some(0),
            "Announcement #1 withdrawn: herald will not post it.\n".to_string(),
            String::new()
        )
    );
    let (code, again, _) = ran(&mut cancel("1")).await;
    assert_eq!(
        (code, again.as_str()),
        (
            Some(0),
            "Announcement #1 was already cancelled; it was not posted.\n"
        )
    );
    let (code, unknown, _) = ran(&mut cancel("9")).await;
    assert_eq!(
        (code, unknown.as_str()),
        (
            Some(1),
            "There is no announcement #9; `herald announcements` lists them.\n"
        )
    );

    // What the running bot would post: the second, never the first.
    let (_, preview, _) = ran(&mut herald(
        &site,
        &api,
        &["preview", "--now", "2029-12-31 12:00", "--days", "3"],
    ))
    .await;
    assert!(!preview.contains("announcement #1"), "{preview}");
    assert!(preview.contains("announcement #2 · Second"), "{preview}");
    let store = Store::open(&site.path().join("herald.db")).unwrap();
    let owed: Vec<i64> = store
        .owed_announcements()
        .unwrap()
        .iter()
        .map(|a| a.id)
        .collect();
    assert_eq!(owed, [2], "the scheduler owes only the second");
    assert_eq!(
        store.announcement(1).unwrap().unwrap().state,
        State::Cancelled
    );
    // One whose time has come may be on its way out: it stays.
    store
        .add_announcement(
            &herald::store::NewAnnouncement {
                author: Author::Shell("olga".into()),
                html: "Now".into(),
                pin: false,
                lang: herald::lang::Lang::En,
                due: Some(Utc::now() - chrono::Duration::minutes(1)),
                state: State::Scheduled,
                held_until: None,
            },
            Utc::now(),
        )
        .unwrap();
    store.close().unwrap();
    let (code, due, _) = ran(&mut cancel("3")).await;
    assert_eq!(
        (code, due.as_str()),
        (
            Some(1),
            "Announcement #3 is due and going out; it can no longer be withdrawn.\n"
        )
    );
    let (_, listed, _) = ran(&mut herald(&site, &api, &["announcements"])).await;
    assert!(listed.starts_with("#1 · cancelled · by "), "{listed}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn herald_announce_at_a_time_leaves_it_to_the_bot_and_preview_shows_it() {
    let api = FakeBotApi::start().await;
    let site = site(&[-8001]);
    let file = site.path().join("message.md");
    std::fs::write(&file, "Doors open at *19:00*\n").unwrap();
    let file = file.to_str().unwrap();
    let out = herald(
        &site,
        &api,
        &[
            "announce",
            "--file",
            file,
            "--at",
            "2030-01-01 10:00",
            "--pin",
            "--yes",
        ],
    )
    .env_remove("TELOXIDE_TOKEN")
    .output()
    .await
    .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains("To 1 chat at 2030-01-01 10:00 UTC, pinned where herald may: -8001"),
        "{stdout}"
    );
    assert!(stdout.contains("Stored as announcement #1"), "{stdout}");
    assert!(
        api.calls("sendMessage").is_empty(),
        "nothing posted from here"
    );

    let preview = herald(
        &site,
        &api,
        &["preview", "--now", "2029-12-31 12:00", "--days", "2"],
    )
    .output()
    .await
    .unwrap();
    let preview = String::from_utf8_lossy(&preview.stdout);
    assert!(
        preview.contains("2030-01-01 Tue 10:00  announcement #1 · Doors open at 19:00  → -8001"),
        "{preview}"
    );
}
