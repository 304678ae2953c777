//! The real event pages organizers published: every good page loads, every
//! broken one is rejected with its file and line, and the talks come out as
//! the pages mean them.
//!
//! The corpus lives outside the repository, where `HERALD_CORPUS` points
//! (`.ci/run` points it at `../shared/events-corpus`). Without it, as on a
//! fresh clone, the corpus-wide tests are `#[ignore]`d (see `build.rs`), so
//! `cargo test` lists them as ignored with the reason rather than passing
//! them unchecked; a `HERALD_CORPUS` that points nowhere fails them. The
//! Hangzhou page also ships in `events/`, so its test always runs.

use std::path::{Path, PathBuf};

use chrono_tz::Tz;
use herald::events::{load_dir, parse, AgendaItem, Event, Parsed, Severity, Site, Talk};
use herald::lang::Lang;

fn tz() -> Tz {
    "Asia/Shanghai".parse().unwrap()
}

/// The corpus folder: `HERALD_CORPUS` as this run has it, else as the
/// build had it (a test run with `--include-ignored` and no corpus fails
/// here, saying why).
fn corpus() -> PathBuf {
    let dir = std::env::var_os("HERALD_CORPUS")
        .map(PathBuf::from)
        .or_else(|| option_env!("HERALD_CORPUS").map(PathBuf::from))
        .expect("HERALD_CORPUS is unset: point it at the shared events corpus");
    assert!(
        dir.is_dir(),
        "HERALD_CORPUS is {}, which is not a folder",
        dir.display()
    );
    dir
}

fn event(path: &Path) -> Event {
    let src = std::fs::read_to_string(path).unwrap();
    match parse(path, &src, tz()) {
        Ok(Parsed::Event { event, .. }) => *event,
        other => panic!("{}: {other:?}", path.display()),
    }
}

fn corpus_event(name: &str) -> Event {
    event(&corpus().join("cloudnative.to").join(name))
}

fn talks(event: &Event) -> Vec<&Talk> {
    event.talks().collect()
}

fn names(talk: &Talk) -> Vec<&str> {
    talk.speakers.iter().map(|s| s.name.as_str()).collect()
}

#[test]
#[cfg_attr(
    not(herald_corpus),
    ignore = "needs HERALD_CORPUS: the shared events corpus"
)]
fn every_good_page_loads_and_every_invalid_page_is_rejected_with_its_line() {
    let dir = corpus();
    for folder in ["cloudnative.to", "other"] {
        let loaded = load_dir(&dir.join(folder), &Site::new(tz(), Lang::Zh)).unwrap();
        let errors: Vec<String> = loaded.errors().map(ToString::to_string).collect();
        assert!(errors.is_empty(), "{folder}: {errors:#?}");
        let files = std::fs::read_dir(dir.join(folder)).unwrap().count();
        assert_eq!(
            loaded.events.len(),
            files,
            "{folder}: every page is an event"
        );
    }
    let invalid = load_dir(&dir.join("invalid"), &Site::new(tz(), Lang::Zh)).unwrap();
    assert!(invalid.events.is_empty());
    let pages = std::fs::read_dir(dir.join("invalid")).unwrap().count();
    assert_eq!(invalid.errors().count(), pages);
    for error in invalid.errors() {
        assert!(error.line > 0, "{error}");
        assert!(error.file.starts_with(dir.join("invalid")), "{error}");
    }
    let nicolas = invalid.errors().find(|e| {
        e.file
            .ends_with("kantorovich__kantorovich-site__KI-Seminar-Nicolas.md")
    });
    let nicolas = nicolas
        .expect("the page with the `---%` fence is reported")
        .to_string();
    assert!(
        nicolas.contains(".md:43: error:") && nicolas.contains("`---%`"),
        "{nicolas}"
    );
}

#[test]
#[cfg_attr(
    not(herald_corpus),
    ignore = "needs HERALD_CORPUS: the shared events corpus"
)]
fn one_bad_page_does_not_stop_the_others() {
    let dir = corpus();
    let mixed = tempfile::tempdir().unwrap();
    for (from, to) in [
        ("cloudnative.to/service-mesh-meetup-02.md", "a.md"),
        (
            "invalid/kantorovich__kantorovich-site__KI-Seminar-Nicolas.md",
            "b.md",
        ),
        (
            "other/catrincm__truthandsemantics-website__fotr.md",
            "c/index.md",
        ),
    ] {
        let target = mixed.path().join(to);
        std::fs::create_dir_all(target.parent().unwrap()).unwrap();
        std::fs::copy(dir.join(from), target).unwrap();
    }
    let loaded = load_dir(mixed.path(), &Site::new(tz(), Lang::Zh)).unwrap();
    let ids: Vec<&str> = loaded.events.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(ids, ["a", "c"]);
    assert_eq!(loaded.errors().count(), 1);
}

#[test]
fn the_hangzhou_seed_yields_five_talks_in_order_with_bios_and_abstracts() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("events/cloud-native-meetup-hangzhou-03/index.md");
    let event = event(&path);
    assert_eq!(event.id, "cloud-native-meetup-hangzhou-03");
    assert_eq!(event.title, "云原生社区 meetup 第三期杭州站");
    let talks = talks(&event);
    let expected = [
        ("开场致辞", "宋净超", None),
        (
            "使用 Chaos Mesh 来保障云原生系统的健壮性",
            "周强",
            Some("PingCAP"),
        ),
        ("Envoy 在轻舟微服务中落地实践", "王佰平", Some("网易")),
        (
            "KubeVela：阿里巴巴新一代应用交付管理系统实践",
            "孙健波",
            Some("阿里巴巴"),
        ),
        ("Envoy 在阿里巴巴内部的落地实践", "张义飞", Some("阿里巴巴")),
    ];
    assert_eq!(talks.len(), expected.len());
    for (talk, (title, name, company)) in talks.iter().zip(expected) {
        assert_eq!(talk.title.plain(), title);
        assert_eq!(names(talk), [name]);
        let speaker = &talk.speakers[0];
        if let Some(company) = company {
            assert_eq!(speaker.company.as_deref(), Some(company), "{title}");
            assert!(talk.abstract_.is_some(), "{title} has an abstract");
            assert!(talk.takeaways.is_some(), "{title} has takeaways");
        }
        assert!(speaker.bio.is_some(), "{name} has a bio");
    }
    assert_eq!(talks[0].speakers[0].company.as_deref(), Some("Tetrate"));
    let zhou = talks[1].speakers[0].bio.as_ref().unwrap().plain();
    assert!(zhou.starts_with("周强，PingCAP 工程效率负责人"), "{zhou}");
    let chaos = talks[1].abstract_.as_ref().unwrap().plain();
    assert!(
        chaos.starts_with("在云原生的世界中") && chaos.contains("5. 混沌工程平台的构建实践"),
        "{chaos}"
    );
    assert!(talks[1]
        .takeaways
        .as_ref()
        .unwrap()
        .plain()
        .contains("case study"));
    assert!(
        !talks[1]
            .abstract_
            .as_ref()
            .unwrap()
            .plain()
            .contains("case study"),
        "takeaways stay out of the abstract"
    );
}

#[test]
#[cfg_attr(
    not(herald_corpus),
    ignore = "needs HERALD_CORPUS: the shared events corpus"
)]
fn nicknames_breaks_and_shortcodes() {
    let event = corpus_event("cloud-native-meetup-beijing-02.md");
    let kinds: Vec<String> = event
        .agenda
        .iter()
        .map(|item| match item {
            AgendaItem::Talk(talk) => names(talk).join("+"),
            AgendaItem::Break(pause) => format!("break:{}", pause.title),
        })
        .collect();
    assert_eq!(
        kinds,
        [
            "宋净超",
            "孙召昌",
            "赵新",
            "break:合影、中场休息、签售",
            "张城",
            "刘硕然"
        ]
    );
    let zhao = &talks(&event)[2].speakers[0];
    // The nickname is never the company; the bio's first sentence names
    // the community he leads, then where he works now (`目前在蚂蚁集团…`).
    assert_eq!(
        (zhao.alias.as_deref(), zhao.company.as_deref()),
        (Some("于雨"), Some("蚂蚁集团"))
    );
    assert_eq!(
        talks(&event)[4].speakers[0].company.as_deref(),
        Some("OPPO")
    );

    let shanghai = corpus_event("cloud-native-meetup-shanghai-01.md");
    let titles: Vec<String> = talks(&shanghai).iter().map(|t| t.title.plain()).collect();
    assert_eq!(titles.len(), 6);
    assert_eq!(titles[0], "开场演讲", "the callout shortcode is no talk");
    assert_eq!(titles[4], "云原生技术在风控 SaaS 领域的踩坑与最佳实践");
}

#[test]
#[cfg_attr(
    not(herald_corpus),
    ignore = "needs HERALD_CORPUS: the shared events corpus"
)]
fn bold_line_talks_and_heading_groups() {
    let event = corpus_event("service-mesh-meetup-02.md");
    let talks = talks(&event);
    assert_eq!(
        talks.len(),
        4,
        "`## 讲师与演讲话题` groups the talks, it is not one"
    );
    assert_eq!(
        talks[0].title.plain(),
        "Service Mesh 的延伸 —— 论道 Database Mesh"
    );
    assert_eq!(names(talks[0]), ["张亮"]);
    assert_eq!(talks[0].speakers[0].company.as_deref(), Some("京东金融"));
    assert!(talks[0].speakers[0]
        .bio
        .as_ref()
        .unwrap()
        .plain()
        .starts_with("张亮，京东金融"));
    assert!(talks[0]
        .abstract_
        .as_ref()
        .unwrap()
        .plain()
        .starts_with("随着 Service Mesh 概念"));
    assert_eq!(talks[2].speakers[0].company.as_deref(), Some("蚂蚁集团"));

    let sm4 = corpus_event("service-mesh-meetup-04.md");
    let sm4 = self::talks(&sm4);
    assert_eq!(
        names(sm4[1]),
        ["敖小剑", "张瑜标"],
        "two `Name bio` lines under one heading"
    );
}

#[test]
#[cfg_attr(
    not(herald_corpus),
    ignore = "needs HERALD_CORPUS: the shared events corpus"
)]
fn linked_list_items_are_recorded_talks() {
    let event = corpus_event("cloud-native-meetup-shanghai-08.md");
    let talks = talks(&event);
    assert_eq!(talks.len(), 6);
    assert_eq!(
        talks[4].title.plain(),
        "攀登规模化的高峰 —— 蚂蚁集团大规模 Sigma 集群 ApiServer 优化实践"
    );
    assert_eq!(names(talks[4]), ["唐博", "谭崇康"]);
    assert_eq!(
        talks[4].video.as_deref(),
        Some("https://www.bilibili.com/video/BV1uf4y137xC")
    );

    let chengdu = corpus_event("cloud-native-meetup-chengdu-05.md");
    let last = *self::talks(&chengdu).last().unwrap();
    assert_eq!(names(last), ["石建伟"]);
    assert_eq!(last.speakers[0].alias.as_deref(), Some("卓与"));
    assert_eq!(last.speakers[0].company.as_deref(), Some("蚂蚁集团"));
}

#[test]
#[cfg_attr(
    not(herald_corpus),
    ignore = "needs HERALD_CORPUS: the shared events corpus"
)]
fn a_speakers_list_is_people_not_talks() {
    let event = corpus_event("cloud-native-meetup-chengdu-12.md");
    assert!(event.agenda.is_empty());
    let people: Vec<&str> = event.speakers.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(
        people,
        ["张晓辉", "王青", "叶天星", "王璞", "王祖熙", "彭柳"]
    );
    assert!(event.speakers.iter().all(|s| s.bio.is_some()));
    assert!(
        event.end.is_none(),
        "date_end before date is treated as unknown"
    );
}

#[test]
#[cfg_attr(
    not(herald_corpus),
    ignore = "needs HERALD_CORPUS: the shared events corpus"
)]
fn english_programmes_with_times_abstracts_and_afternoon_shorthand() {
    let dir = corpus();
    let retreat = event(&dir.join("other/kantorovich__kantorovich-site__KI-retreat-2022.md"));
    let talks = talks(&retreat);
    assert_eq!(talks.len(), 7);
    assert_eq!(
        talks[0].title.plain(),
        "Particle method for the Landau Equation - A gradient flow perspective"
    );
    assert!(talks[0].abstract_.is_some());
    assert_eq!(names(talks[3]), ["Raghav Somani", "Raghav Tripathi"]);
    let start = talks[3].slot.unwrap().start;
    assert_eq!(
        start.to_rfc3339(),
        "2022-03-18T14:30:00-07:00",
        "`2:30` after lunch is 14:30"
    );

    let truth = event(&dir.join("other/catrincm__truthandsemantics-website__fotr.md"));
    let talks = self::talks(&truth);
    assert_eq!(talks.len(), 6);
    assert!(
        talks.iter().all(|t| t.abstract_.is_some()),
        "every abstract reaches its talk"
    );
    let day2 = talks[3].slot.unwrap().start;
    assert_eq!(
        day2.format("%d %H:%M").to_string(),
        "10 09:30",
        "`#### Day 2` moves to the next day"
    );

    let touch = event(&dir.join("other/maxdiluca__Adaptive-Touch-Testing__workshop.md"));
    let talks = self::talks(&touch);
    assert_eq!(
        talks.len(),
        9,
        "numbered `Name: Title` lines under timed lines"
    );
    assert_eq!(names(talks[2]), ["Nick Holmes"]);
    assert!(touch
        .agenda
        .iter()
        .any(|i| matches!(i, AgendaItem::Break(b) if b.title == "Coffee and posters")));
}

#[test]
#[cfg_attr(
    not(herald_corpus),
    ignore = "needs HERALD_CORPUS: the shared events corpus"
)]
fn pages_without_an_agenda_name_their_authors() {
    let event = corpus_event("service-mesh-summit-2022.md");
    assert!(event.agenda.is_empty());
    assert_eq!(event.speakers.len(), 10);
    assert_eq!(event.speakers[0].name, "张晓辉");
}

#[test]
#[cfg_attr(
    not(herald_corpus),
    ignore = "needs HERALD_CORPUS: the shared events corpus"
)]
fn warnings_are_located_and_pages_still_serve() {
    let dir = corpus();
    let loaded = load_dir(&dir.join("cloudnative.to"), &Site::new(tz(), Lang::Zh)).unwrap();
    let warning = loaded
        .diagnostics
        .iter()
        .find(|d| d.file.ends_with("cloud-native-meetup-chengdu-12.md"))
        .expect("date_end before date is reported");
    assert_eq!(warning.severity, Severity::Warning);
    assert_eq!(warning.line, 16);
    assert!(loaded
        .events
        .iter()
        .any(|e| e.id == "cloud-native-meetup-chengdu-12"));
}
