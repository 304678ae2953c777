//! Loading translated pages from real folders.

use std::fs;
use std::path::Path;

use super::*;
use crate::events::{load_dir, Loaded, Severity};

const TZ: chrono_tz::Tz = chrono_tz::Asia::Shanghai;

fn page(title: &str, date: &str, body: &str) -> String {
    format!("---\ntitle: {title}\ndate: {date}\nlocation: {title} hall\n---\n{body}")
}

const DATE: &str = "2030-05-01T14:00:00+08:00";

fn write(dir: &Path, file: &str, text: &str) {
    let path = dir.join(file);
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, text).unwrap();
}

fn load(dir: &Path, lang: Lang) -> Loaded {
    load_dir(dir, &crate::events::Site::new(TZ, lang)).unwrap()
}

fn warnings(loaded: &Loaded) -> Vec<String> {
    loaded
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Warning)
        .map(|d| d.to_string())
        .collect()
}

fn files(event: &Event) -> Vec<(Option<Lang>, String)> {
    event
        .pages()
        .map(|(lang, page)| {
            (
                lang,
                page.file.file_name().unwrap().to_string_lossy().into(),
            )
        })
        .collect()
}

#[test]
fn a_bundle_in_two_languages_is_one_event() {
    let dir = tempfile::tempdir().unwrap();
    let talks = "- 14:00-14:40 Async Rust — Li Lei (Acme)\n";
    write(
        dir.path(),
        "rust-0501/index.zh.md",
        &page(
            "Rust 聚会",
            DATE,
            "- 14:00-14:40 异步 Rust — 李雷（Acme）\n",
        ),
    );
    write(
        dir.path(),
        "rust-0501/index.en.md",
        &page("Rust Meetup", DATE, talks),
    );
    let loaded = load(dir.path(), Lang::Zh);
    assert_eq!(warnings(&loaded), Vec::<String>::new());
    let [event] = loaded.events.as_slice() else {
        panic!("{:?}", loaded.events)
    };
    assert_eq!(event.id, "rust-0501");
    assert_eq!(event.title, "Rust 聚会");
    assert!(event.file.ends_with("rust-0501/index.zh.md"));
    let english = event.in_lang(Lang::En);
    assert_eq!(english.title, "Rust Meetup");
    assert_eq!(english.id, "rust-0501");
    assert_eq!(english.talks().next().unwrap().title.plain(), "Async Rust");
    assert_eq!(
        english.venue.location.as_ref().unwrap().plain(),
        "Rust Meetup hall"
    );
    assert_eq!(event.in_lang(Lang::Zh).title, "Rust 聚会");
    let talk = event.talks().next().unwrap();
    assert_eq!(event.talk_in(talk, Lang::En).title.plain(), "Async Rust");
    assert_eq!(event.talk_in(talk, Lang::Zh).title.plain(), "异步 Rust");
    assert_eq!(
        files(event),
        [
            (Some(Lang::Zh), "index.zh.md".to_string()),
            (Some(Lang::En), "index.en.md".to_string())
        ]
    );
}

#[test]
fn side_by_side_files_follow_the_sites_language() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "talks/post.zh.md", &page("中文标题", DATE, ""));
    write(
        dir.path(),
        "talks/post.en.md",
        &page("English title", DATE, ""),
    );
    let loaded = load(dir.path(), Lang::En);
    let [event] = loaded.events.as_slice() else {
        panic!("{:?}", loaded.events)
    };
    assert_eq!(
        (event.id.as_str(), event.title.as_str()),
        ("post", "English title")
    );
    assert_eq!(event.in_lang(Lang::Zh).title, "中文标题");
}

#[test]
fn an_unsuffixed_page_is_in_the_sites_language() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "post.md", &page("中文标题", DATE, ""));
    write(dir.path(), "post.en.md", &page("English title", DATE, ""));
    let loaded = load(dir.path(), Lang::Zh);
    assert_eq!(warnings(&loaded), Vec::<String>::new());
    let [event] = loaded.events.as_slice() else {
        panic!("{:?}", loaded.events)
    };
    assert_eq!(event.title, "中文标题");
    assert_eq!(
        files(event),
        [
            (None, "post.md".to_string()),
            (Some(Lang::En), "post.en.md".to_string())
        ]
    );
}

#[test]
fn a_lone_translation_is_its_slug() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "post.en.md", &page("English only", DATE, ""));
    write(dir.path(), "v1.2.md", &page("Dotted slug", DATE, ""));
    let loaded = load(dir.path(), Lang::Zh);
    let ids: Vec<&str> = loaded.events.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(ids, ["post", "v1.2"]);
    assert_eq!(
        files(&loaded.events[0]),
        [(Some(Lang::En), "post.en.md".to_string())]
    );
    assert_eq!(loaded.events[0].in_lang(Lang::Zh).title, "English only");
}

#[test]
fn a_translation_that_moves_the_date_is_warned_about_at_its_line() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "meetup/index.md", &page("聚会", DATE, ""));
    write(
        dir.path(),
        "meetup/index.en.md",
        &page("Meetup", "2030-05-02T14:00:00+08:00", ""),
    );
    let loaded = load(dir.path(), Lang::Zh);
    assert_eq!(loaded.events.len(), 1);
    assert_eq!(loaded.events[0].start.unwrap().to_rfc3339(), DATE);
    let warned = warnings(&loaded);
    assert_eq!(warned.len(), 1, "{warned:?}");
    let file = dir.path().join("meetup/index.en.md");
    assert!(
        warned[0].starts_with(&format!(
            "{}:3: warning: `date` (2030-05-02T14:00:00+08:00) differs from",
            file.display()
        )),
        "{}",
        warned[0]
    );
}

#[test]
fn a_translated_programme_that_does_not_match_gives_way() {
    let dir = tempfile::tempdir().unwrap();
    let two = "- 14:00-14:40 异步 Rust — 李雷\n- 14:40-15:20 嵌入式 — 韩梅梅\n";
    write(dir.path(), "meetup/index.md", &page("聚会", DATE, two));
    write(
        dir.path(),
        "meetup/index.en.md",
        &page("Meetup", DATE, "- 14:00-14:40 Async — Li Lei\n"),
    );
    let loaded = load(dir.path(), Lang::Zh);
    let warned = warnings(&loaded);
    assert!(
        warned.iter().any(|w| w.contains("does not match")),
        "{warned:?}"
    );
    let english = loaded.events[0].in_lang(Lang::En);
    assert_eq!(english.title, "Meetup");
    assert_eq!(english.talks().count(), 2);
    let second = loaded.events[0].talks().nth(1).unwrap();
    assert_eq!(
        loaded.events[0].talk_in(second, Lang::En).title.plain(),
        "嵌入式"
    );
    let (_, page) = loaded.events[0].pages().nth(1).unwrap();
    assert_eq!(page.talks().count(), 1, "the page itself, as read");
}

#[test]
fn beside_a_default_language_page_an_unsuffixed_page_is_the_other_language() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "keynote.md", &page("Keynote", DATE, ""));
    write(dir.path(), "keynote.zh.md", &page("主题演讲", DATE, ""));
    let loaded = load(dir.path(), Lang::Zh);
    let [event] = loaded.events.as_slice() else {
        panic!("{:?}", loaded.events)
    };
    assert_eq!(event.title, "主题演讲");
    assert_eq!(event.in_lang(Lang::En).title, "Keynote");
    let warned = warnings(&loaded);
    assert!(
        warned.len() == 1
            && warned[0].contains("keynote.md:1: warning: a page with no language suffix"),
        "{warned:?}"
    );
}

#[test]
fn section_pages_in_any_language_are_skipped() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "_index.en.md", "---\ntitle: Events\n---\n");
    write(dir.path(), "_index.md", "---\ntitle: 活动\n---\n");
    let loaded = load(dir.path(), Lang::Zh);
    assert!(loaded.events.is_empty() && loaded.diagnostics.is_empty());
}

#[test]
fn language_suffixes() {
    assert_eq!(split_lang("index.en"), ("index", Some(Lang::En)));
    assert_eq!(split_lang("post.zh-cn"), ("post", Some(Lang::Zh)));
    assert_eq!(split_lang("post.zh_Hans"), ("post", Some(Lang::Zh)));
    assert_eq!(split_lang("post.EN-us"), ("post", Some(Lang::En)));
    assert_eq!(split_lang("rust.conf"), ("rust.conf", None));
    assert_eq!(split_lang("v1.2"), ("v1.2", None));
    assert_eq!(split_lang(".en"), (".en", None));
    assert_eq!(split_lang("post.en-"), ("post.en-", None));
}
