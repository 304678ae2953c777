//! Posters end to end: the real `herald run` binary against the fake Bot
//! API on 127.0.0.1, with a page bundle whose `featured.png` is the poster.
//! What is checked is what the chats receive: the poster once per chat as
//! a photo with a short caption, the post's text as a reply to it, and the
//! file uploaded once per bot, also across a restart.

mod support;

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use chrono::{SecondsFormat, Utc};
use tokio::process::{Child, Command};

use support::fake_bot_api::{Chat, FakeBotApi, TOKEN};
use support::members::JANE;
use support::running::Running;

/// A site whose one event, a page bundle with a poster, starts 2 h and
/// `lead` seconds from now, with a single "2h" reminder.
struct Site {
    dir: tempfile::TempDir,
}

impl Site {
    fn new(lead: i64) -> Site {
        let dir = tempfile::tempdir().unwrap();
        let bundle = dir.path().join("events").join("launch");
        std::fs::create_dir_all(&bundle).unwrap();
        let start = Utc::now() + chrono::Duration::hours(2) + chrono::Duration::seconds(lead);
        let title = "発表会 <Launch> & party ".repeat(80);
        std::fs::write(
            bundle.join("index.md"),
            format!(
                "---\ntitle: \"{title}\"\ndate: {}\nlocation: Hall 1\nevent_url: https://example.org/launch\n---\n",
                start.to_rfc3339_opts(SecondsFormat::Secs, true)
            ),
        )
        .unwrap();
        std::fs::write(bundle.join("featured.png"), b"\x89PNG\r\n\x1a\nnot really").unwrap();
        Site { dir }
    }

    /// `bot.toml` posting to `chats` the "2h" reminder, and any other
    /// `reminders` (quoted, each with its comma).
    fn configure(&self, chats: &str, reminders: &str, posts: &str) {
        std::fs::write(
            self.config(),
            format!(
                "language = \"en\"\ntimezone = \"UTC\"\n[telegram]\nchats = {chats}\n\
                 [schedule]\ndigest = \"0 0 10 1 1 *\"\nreminders = [{reminders}\"2h\"]\ntalk_reminders = []\ncatch_up = \"1h\"\n{posts}"
            ),
        )
        .unwrap();
    }

    fn config(&self) -> PathBuf {
        self.dir.path().join("bot.toml")
    }

    fn page(&self) -> PathBuf {
        self.dir.path().join("events/launch/index.md")
    }

    fn herald(&self, args: &[&str]) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_herald"));
        command
            .args(args)
            .arg("--config")
            .arg(self.config())
            .env("TELOXIDE_TOKEN", TOKEN)
            .env("RUST_LOG", "herald=info")
            .kill_on_drop(true);
        command
    }

    fn run(&self, api: &FakeBotApi) -> Child {
        self.herald(&["run"])
            .env("TELOXIDE_API_URL", api.url())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap()
    }
}

/// Stops herald; returns its log.
async fn stop(herald: Child) -> String {
    let pid = herald.id().unwrap().to_string();
    std::process::Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .unwrap();
    let done = herald.wait_with_output();
    let output = tokio::time::timeout(Duration::from_secs(6), done)
        .await
        .expect("herald stops within 6 s")
        .unwrap();
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn caption_length(html: &str) -> usize {
    html.encode_utf16().count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_poster_is_uploaded_once_then_sent_by_its_file_id_also_after_a_restart() {
    let api = FakeBotApi::start().await;
    let site = Site::new(2);
    site.configure("[-1001, -1002]", "", "");
    let herald = site.run(&api);
    let first = api.wait_for_photos(Chat::Group(-1001), 1).await;
    let second = api.wait_for_photos(Chat::Group(-1002), 1).await;
    for chat in [-1001, -1002] {
        let text = api.wait_for_messages(Chat::Group(chat), 1).await;
        let photo = api.wait_for_photos(Chat::Group(chat), 1).await;
        assert!(text[0].html.contains("In 2 hours"), "{}", text[0].html);
        assert_eq!(
            text[0].reply_to(),
            Some(photo[0].message_id),
            "the reminder replies to its poster"
        );
        let caption = &photo[0].html;
        assert!(
            caption_length(caption) <= 1024,
            "{}",
            caption_length(caption)
        );
        assert!(caption.contains("Hall 1"), "{caption}");
        assert!(caption.contains("https://example.org/launch"), "{caption}");
        assert!(
            caption.contains('…'),
            "the long title is shortened: {caption}"
        );
    }
    let log = stop(herald).await;
    let photos = [&first[0], &second[0]];
    let uploads: Vec<_> = photos.iter().filter_map(|p| p.uploaded_photo()).collect();
    assert_eq!(uploads, ["featured.png"], "uploaded once: {log}");
    let reused: Vec<_> = photos.iter().filter_map(|p| p.photo_id()).collect();
    assert_eq!(reused.len(), 1, "the other chat got Telegram's copy");

    // After a restart, a chat added meanwhile gets the poster by its id
    // with the next reminder, due 15 s after the first; a chat that has
    // seen the poster gets the reminder as text.
    site.configure("[-1001, -1003]", "\"7187s\", ", "");
    let herald = site.run(&api);
    let due = |calls: &[support::fake_bot_api::Call]| {
        calls
            .iter()
            .any(|c| c.method == "sendPhoto" && c.params["chat_id"] == -1003)
            .then_some(())
    };
    api.wait_within(Duration::from_secs(20), "the next reminder", due)
        .await;
    let third = api.wait_for_photos(Chat::Group(-1003), 1).await;
    assert_eq!(third[0].uploaded_photo(), None);
    assert_eq!(third[0].photo_id(), reused.first().cloned());
    let text = api.wait_for_messages(Chat::Group(-1003), 1).await;
    assert_eq!(text[0].reply_to(), Some(third[0].message_id));
    let again = api.wait_for_messages(Chat::Group(-1001), 2).await;
    assert_eq!(again[1].reply_to(), None, "{}", again[1].html);
    stop(herald).await;
    assert_eq!(api.calls("sendPhoto").len(), 3, "one poster per chat");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_posters_off_the_reminder_is_text_as_before() {
    let api = FakeBotApi::start().await;
    let site = Site::new(1);
    site.configure("[-1001]", "", "[posts]\nposter = false\n");
    let herald = site.run(&api);
    let text = api.wait_for_messages(Chat::Group(-1001), 1).await;
    assert!(text[0].html.contains("In 2 hours"), "{}", text[0].html);
    assert_eq!(text[0].reply_to(), None);
    stop(herald).await;
    assert_eq!(api.calls("sendPhoto").len(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn explain_and_check_name_the_poster() {
    let site = Site::new(3600);
    site.configure("[-1001]", "", "");
    let explained = site
        .herald(&["explain"])
        .arg(site.page())
        .output()
        .await
        .unwrap();
    let explained = String::from_utf8_lossy(&explained.stdout);
    assert!(
        explained.contains("poster") && explained.contains("featured.png"),
        "{explained}"
    );
    let checked = site.herald(&["check"]).output().await.unwrap();
    let checked = String::from_utf8_lossy(&checked.stdout);
    assert!(checked.contains("poster featured.png"), "{checked}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_poster_outside_the_bundle_is_refused_with_a_warning() {
    let site = Site::new(3600);
    site.configure("[-1001]", "", "");
    let page = std::fs::read_to_string(site.page()).unwrap();
    let page = page.replacen("---\n", "---\nimage:\n  filename: ../../bot.toml\n", 1);
    std::fs::write(site.page(), page).unwrap();
    let checked = site.herald(&["check"]).output().await.unwrap();
    let warned = String::from_utf8_lossy(&checked.stderr);
    assert!(warned.contains("../../bot.toml"), "{warned}");
    assert!(!String::from_utf8_lossy(&checked.stdout).contains("poster"));
    let _: &Path = site.dir.path();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn next_in_a_private_chat_opens_with_the_poster_and_threads_the_card_under_it() {
    let start = (Utc::now() + chrono::Duration::days(3)).to_rfc3339_opts(SecondsFormat::Secs, true);
    let running = Running::start_with(&[], |config| {
        let bundle = config.events.join("launch");
        std::fs::create_dir_all(&bundle).unwrap();
        let page = format!("---\ntitle: Launch party\ndate: {start}\nlocation: Hall 1\n---\n");
        std::fs::write(bundle.join("index.md"), page).unwrap();
        std::fs::write(bundle.join("featured.jpg"), b"\xFF\xD8\xFFnot really").unwrap();
    })
    .await;
    let chat = Chat::Private(JANE.id);
    let card = running.ask(chat, &JANE, "/next").await;
    let photo = running.api.wait_for_photos(chat, 1).await;
    assert_eq!(photo[0].uploaded_photo().as_deref(), Some("featured.jpg"));
    assert!(photo[0].html.contains("Launch party"), "{}", photo[0].html);
    assert_eq!(card.reply_to(), Some(photo[0].message_id));
    assert!(card.html.contains("Hall 1"), "{}", card.html);
    // Asked again, the poster goes by Telegram's id for it.
    running.ask(chat, &JANE, "/next").await;
    let photos = running.api.wait_for_photos(chat, 2).await;
    assert_eq!(
        photos[1].photo_id().as_deref(),
        Some(&*format!("photo{}", photo[0].message_id))
    );
    // In a group, /next answers under the question, as text only.
    let group = Chat::Group(-1001);
    let answer = running.ask(group, &JANE, "/next").await;
    assert!(answer.reply_to().is_some());
    assert_eq!(running.api.calls("sendPhoto").len(), 2);
    running.stop().await;
}
