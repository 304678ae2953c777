use super::*;
use chrono_tz::Tz;

fn tz() -> Tz {
    "Asia/Shanghai".parse().unwrap()
}

fn page(src: &str) -> Result<FrontMatter, PageError> {
    let path = Path::new("e.md");
    let split = split(path, src)?;
    Ok(read(&parse(path, &split)?, tz()))
}

fn warnings(fm: &FrontMatter) -> String {
    fm.warnings
        .iter()
        .map(|(line, message)| format!("{line}: {message}\n"))
        .collect()
}

fn start(fm: &FrontMatter) -> (String, String) {
    let start = fm.start.as_ref().expect("a start");
    (start.key.clone(), start.time.at.to_rfc3339())
}

#[test]
fn fences_and_lines() {
    let split = split(Path::new("e.md"), "---\ntitle: a\n---\n\nbody\n").unwrap();
    assert_eq!((split.format, split.text), (Format::Yaml, "title: a\n"));
    assert_eq!((split.body, split.body_line), ("\nbody\n", 4));
    let split = split_of("+++\ntitle = 'a'\n+++\nbody\n");
    assert_eq!(
        (split.format, split.text, split.body),
        (Format::Toml, "title = 'a'\n", "body\n")
    );
    let split = split_of("{\n  \"title\": \"a\"\n}\nbody\n");
    assert_eq!(split.format, Format::Json);
    assert_eq!(
        (split.text, split.text_line),
        ("{\n  \"title\": \"a\"\n}\n", 1)
    );
    assert_eq!((split.body, split.body_line), ("body\n", 4));
    let split = split_of("{\"title\": \"a\"}\nbody\n");
    assert_eq!(
        (split.text, split.body, split.body_line),
        ("{\"title\": \"a\"}\n", "body\n", 2)
    );
}

fn split_of(src: &str) -> Split<'_> {
    split(Path::new("e.md"), src).unwrap()
}

#[test]
fn a_near_miss_closing_fence_is_named() {
    let error = split(Path::new("e.md"), "---\ntitle: a\nurl: \n---%  ").unwrap_err();
    assert_eq!(error.line, 4);
    assert!(error.to_string().contains("e.md:4: error:"), "{error}");
    assert!(error.to_string().contains("`---%`"), "{error}");
    let error = split(Path::new("e.md"), "+++\ntitle = 'a'\n").unwrap_err();
    assert!(error.to_string().contains("add a line `+++`"), "{error}");
}

#[test]
fn no_front_matter() {
    let error = split(Path::new("e.md"), "# Just markdown\n").unwrap_err();
    assert_eq!(error.kind, PageErrorKind::NoFrontMatter);
}

#[test]
fn the_three_formats_read_alike() {
    let yaml =
        "---\ntitle: Rust night\ndate: 2024-05-18T19:00:00+02:00\ntags: [rust, meetup]\n---\n";
    let toml = "+++\ntitle = \"Rust night\"\ndate = 2024-05-18T19:00:00+02:00\ntags = [\"rust\", \"meetup\"]\n+++\n";
    let json = "{\n\"title\": \"Rust night\",\n\"date\": \"2024-05-18T19:00:00+02:00\",\n\"tags\": [\"rust\", \"meetup\"]\n}\n";
    for src in [yaml, toml, json] {
        let fm = page(src).unwrap();
        assert_eq!(fm.title.as_deref(), Some("Rust night"), "{src}");
        assert_eq!(
            start(&fm),
            ("date".into(), "2024-05-18T19:00:00+02:00".into())
        );
        assert_eq!(fm.start.unwrap().line, 3, "{src}");
        assert_eq!(fm.tags, ["rust", "meetup"], "{src}");
    }
}

#[test]
fn lenient_values() {
    let fm = page("---\ntitle: 2023\ntags: solo\nauthors:\nsummary:\naddress:\n  city: 杭州\n  postcode: 03000\n---\n").unwrap();
    assert_eq!(fm.title.as_deref(), Some("2023"));
    assert_eq!(fm.tags, ["solo"]);
    assert!(fm.authors.is_empty());
    assert_eq!(fm.address.postcode.as_deref(), Some("03000"));
}

#[test]
fn a_key_of_an_unexpected_shape_is_ignored_with_a_warning() {
    let fm =
        page("---\ntitle: x\n\ndraft: maybe\ntags: {a: 1}\nevent:\n  name: Summit\n---\n").unwrap();
    assert!(!fm.draft);
    assert!(fm.tags.is_empty());
    let said = warnings(&fm);
    assert!(
        said.contains("4: `draft` is `maybe`, not true or false; herald ignored it"),
        "{said}"
    );
    assert!(
        said.contains("5: `tags` is a map; herald ignored it"),
        "{said}"
    );
    assert_eq!(fm.title.as_deref(), Some("x"));
}

#[test]
fn speakers_in_every_shape() {
    let one = |src: &str| -> Vec<(String, Option<String>)> {
        let fm = page(src).unwrap();
        fm.speakers
            .into_iter()
            .map(|s| (s.name, s.company))
            .collect()
    };
    let named = |name: &str, company: Option<&str>| (name.to_string(), company.map(String::from));
    assert_eq!(
        one("---\nspeaker: Jane Doe\n---\n"),
        [named("Jane Doe", None)]
    );
    assert_eq!(
        one("---\nspeaker: '{{% mention \"Sebastiano Vigna\" %}}'\n---\n"),
        [named("Sebastiano Vigna", None)]
    );
    assert_eq!(
        one("---\nspeaker:\n  name: Nicolas Garcia\n  affiliation: UW Madison\n---\n"),
        [named("Nicolas Garcia", Some("UW Madison"))]
    );
    assert_eq!(
        one("---\nspeakers:\n  - name: Taiten Peng\n    company: Canonical\n  - Ann Lee\n---\n"),
        [
            named("Taiten Peng", Some("Canonical")),
            named("Ann Lee", None)
        ]
    );
    assert_eq!(
        one("---\npresenters: \"李心恺,赵玉威\"\n---\n"),
        [named("李心恺", None), named("赵玉威", None)]
    );
    assert_eq!(
        one("+++\ntitle = \"t\"\n[extra]\nauthor = \"Zelda Mariet\"\ninstitution = \"Google Brain\"\n+++\n"),
        [named("Zelda Mariet", Some("Google Brain"))]
    );
    let fm = page("---\nspeaker:\n  bio: no name here\n---\n").unwrap();
    assert!(warnings(&fm).contains("3: `speaker` is a map without a `name`; herald ignored it"));
}

#[test]
fn authors_as_a_string_a_list_or_maps_and_author_singular() {
    let authors = |src: &str| page(src).unwrap().authors;
    assert_eq!(authors("---\nauthors: Ann\n---\n"), ["Ann"]);
    assert_eq!(
        authors("---\nauthors: [Ann, Bob]\nauthor: Cy\n---\n"),
        ["Ann", "Bob", "Cy"]
    );
    assert_eq!(
        authors("---\nauthors:\n  - name: Vincent Wong\n    bio: x\n---\n"),
        ["Vincent Wong"]
    );
    assert_eq!(
        authors("---\nauthor: \"曹春晖，John\"\n---\n"),
        ["曹春晖", "John"]
    );
}

#[test]
fn location_as_a_list_is_joined() {
    let fm = page("---\nlocation:\n  - 北京 | 腾讯云\n  - Room 2\n---\n").unwrap();
    assert_eq!(fm.location.as_deref(), Some("北京 | 腾讯云, Room 2"));
}

#[test]
fn a_repeated_key_keeps_its_last_value_with_a_warning() {
    let fm = page("---\ntitle: first\nvideo: https://a.example/v\nvideo: https://b.example/v\ntitle: second\n---\n").unwrap();
    assert_eq!(fm.title.as_deref(), Some("second"));
    assert_eq!(fm.links.video.as_deref(), Some("https://b.example/v"));
    let said = warnings(&fm);
    assert!(
        said.contains(
            "4: `video` is written twice (first at line 3); herald keeps this last value"
        ),
        "{said}"
    );
    assert!(
        said.contains("5: `title` is written twice (first at line 2)"),
        "{said}"
    );
    let fm = page("{\n\"title\": \"first\",\n\"title\": \"second\"\n}\n").unwrap();
    assert_eq!(fm.title.as_deref(), Some("second"));
    assert!(warnings(&fm).contains("3: `title` is written twice (first at line 2)"));
}

#[test]
fn odd_but_valid_yaml() {
    let fm =
        page("---\ntitle: \"Dromara Soul 01\"\t\ndate: 2021-02-06T15:00:00.000Z\n---\n").unwrap();
    assert_eq!(fm.title.as_deref(), Some("Dromara Soul 01"));
    assert_eq!(start(&fm).1, "2021-02-06T15:00:00+00:00", "Z stays UTC");
    let fm = page("---\ntitle: >\n    CI/CD with Snap \n    package deployment  \ndate: 2022-05-14T14:00\n---\n").unwrap();
    assert_eq!(
        fm.title.as_deref(),
        Some("CI/CD with Snap package deployment")
    );
    assert_eq!(start(&fm).1, "2022-05-14T14:00:00+08:00");
    let fm = page("---\ntitle: |\n  Serverless\u{a0}技术行沙龙\n  2019\n---\n").unwrap();
    assert_eq!(fm.title.as_deref(), Some("Serverless\u{a0}技术行沙龙 2019"));
    let fm = page("---\ndate: 2019-06-25\nn: no\ntitle: yes\n---\n").unwrap();
    assert_eq!(fm.title.as_deref(), Some("yes"));
    assert!(fm.start.unwrap().time.date_only);
}

#[test]
fn titles_fall_back_to_event_and_topic() {
    let title = |src: &str| page(src).unwrap().title;
    assert_eq!(
        title("+++\nTitle = \"SRE and SLOs\"\n+++\n").as_deref(),
        Some("SRE and SLOs")
    );
    assert_eq!(
        title("---\nevent: KI Seminar\n---\n").as_deref(),
        Some("KI Seminar")
    );
    assert_eq!(
        title("---\nevent:\n  url: x\ntopic: 持续交付工作坊\n---\n").as_deref(),
        Some("持续交付工作坊")
    );
    assert_eq!(title("---\ndate: 2020-01-01\n---\n"), None);
}

#[test]
fn a_dedicated_event_date_wins_over_the_post_date() {
    let fm =
        page("---\neventdates:\n  from: 2024-04-24\n  to: 2024-04-26\ndate: 2024-04-21\n---\n")
            .unwrap();
    assert_eq!(
        start(&fm),
        ("eventdates.from".into(), "2024-04-24T00:00:00+08:00".into())
    );
    assert_eq!(fm.end.unwrap().at.to_rfc3339(), "2024-04-26T00:00:00+08:00");
    let fm = page("---\nhostDate: 2019-04-25\nyear: 2019\n---\n").unwrap();
    assert_eq!(start(&fm).0, "hostDate");
    let fm =
        page("---\ntitle: x\nsection1:\n  type: iframe\n  time: 2022-05-14 14:00-18:00\n---\n")
            .unwrap();
    assert_eq!(
        start(&fm),
        ("section1.time".into(), "2022-05-14T14:00:00+08:00".into())
    );
    assert_eq!(fm.end.unwrap().at.to_rfc3339(), "2022-05-14T18:00:00+08:00");
    let fm = page("---\ndate: 2025-05-09T15:30:00+11:00\ndate_end: 2025-05-09T16:30:00+11:00\npublishDate: 2025-04-29T09:00:00+11:00\nlastmod: 2025-06-01\n---\n").unwrap();
    assert_eq!(start(&fm).0, "date");
    assert_eq!(fm.end.unwrap().at.to_rfc3339(), "2025-05-09T16:30:00+11:00");
}

#[test]
fn other_date_like_keys_are_the_last_resort() {
    let fm = page("---\npublishDate: 2022-09-21\nlastmod: 2023-01-17\n---\n").unwrap();
    assert_eq!(start(&fm).0, "publishDate");
    let fm = page("+++\nTalk_date = \"\"\ntime = \"9:15 AM\"\n+++\n").unwrap();
    assert!(fm.start.is_none());
    let fm = page("---\ntitle: x\ndate: TBA\n---\n").unwrap();
    assert!(fm.start.is_none());
    assert!(warnings(&fm).contains("3: `date` (`TBA`) is not a date; herald ignored it"));
}

#[test]
fn an_end_before_the_start_is_dropped_with_a_warning() {
    let fm = page("---\ndate: 2030-01-02\ndate_end: 2030-01-01\n---\n").unwrap();
    assert!(fm.end.is_none());
    assert!(warnings(&fm).contains(
        "3: `date_end` (2030-01-01T00:00:00+08:00) is before `date` (2030-01-02T00:00:00+08:00)"
    ));
}

#[test]
fn broken_front_matter_has_line_and_column() {
    let error = page("---\ntitle: x\ntags: [a, b\ndate: 2021-01-01\n---\n").unwrap_err();
    assert!(error.to_string().contains("not valid YAML"), "{error}");
    assert!(error.line >= 3 && error.column.is_some(), "{error}");
    let error = page("+++\ntitle = \"x\"\ndate = = 1\n+++\n").unwrap_err();
    assert_eq!((error.line, error.column), (3, Some(8)), "{error}");
    assert!(error.to_string().contains("not valid TOML"), "{error}");
    let error = page("{\n\"title\": \"x\",\n\"date\" 1\n}\n").unwrap_err();
    assert_eq!(error.line, 3, "{error}");
    assert!(
        error.to_string().contains("not valid JSON: expected `:`"),
        "{error}"
    );
    let error = page("+++\na = 1\na = 2\n+++\n").unwrap_err();
    assert!(error.to_string().contains("duplicate key"), "{error}");
}

#[test]
fn a_yaml_alias_bomb_is_rejected_at_its_line() {
    let mut src = String::from("---\ntitle: lol\na: &a [x, x, x, x, x, x, x, x, x]\n");
    for (name, previous) in ["b", "c", "d", "e", "f", "g", "h"]
        .iter()
        .zip(["a", "b", "c", "d", "e", "f", "g"])
    {
        let refs = vec![format!("*{previous}"); 9].join(", ");
        src.push_str(&format!("{name}: &{name} [{refs}]\n"));
    }
    src.push_str("---\n");
    let error = page(&src).unwrap_err();
    assert!(error.to_string().contains("alias bomb"), "{error}");
    assert!((3..=10).contains(&error.line), "{error}");
}

#[test]
fn deep_nesting_is_rejected_not_overflowing_the_stack() {
    let flow = format!("---\ntitle: {}\n---\n", "[".repeat(10_000));
    let error = page(&flow).unwrap_err();
    assert_eq!(error.line, 2, "{error}");
    let block: String = (0..10_000)
        .map(|i| format!("{}k{i}:\n", " ".repeat(i)))
        .collect();
    let error = page(&format!("---\n{block}---\n")).unwrap_err();
    assert!(error.to_string().contains("nested too deep"), "{error}");
    let toml = format!(
        "+++\na = {}1{}\n+++\n",
        "[".repeat(10_000),
        "]".repeat(10_000)
    );
    assert_eq!(page(&toml).unwrap_err().line, 2);
    let dotted: Vec<String> = (0..10_000).map(|i| format!("k{i}")).collect();
    let toml = format!("+++\n[{}]\nx = 1\n+++\n", dotted.join("."));
    assert!(page(&toml)
        .unwrap_err()
        .to_string()
        .contains("not valid TOML"));
    let toml = format!("+++\n{} = 1\n+++\n", dotted.join("."));
    assert!(page(&toml)
        .unwrap_err()
        .to_string()
        .contains("not valid TOML"));
    let json = format!("{{\n\"a\": {}\n}}\n", "[".repeat(10_000));
    assert!(page(&json)
        .unwrap_err()
        .to_string()
        .contains("recursion limit"));
}

#[test]
fn a_front_matter_of_many_keys_reads_in_one_pass() {
    let keys: String = (0..100_000).map(|i| format!("k{i} = {i}\n")).collect();
    let fm = page(&format!("+++\n{keys}title = \"Big\"\nk7 = 1\n+++\n")).unwrap_err();
    assert!(fm.to_string().contains("duplicate key"), "{fm}");
    let keys: String = (0..100_000).map(|i| format!("\"k{i}\": {i},\n")).collect();
    let fm = page(&format!("{{\n{keys}\"title\": \"Big\",\n\"k7\": 1\n}}\n")).unwrap();
    assert_eq!(fm.title.as_deref(), Some("Big"));
    assert_eq!(fm.warnings.len(), 1, "k7 is repeated");
}

#[test]
fn a_programme_list_in_the_front_matter_is_handed_on_with_its_lines() {
    let fm = page(
        "---\ntitle: x\ndate: 2019-08-24\nagenda:\n- time: 13:00-13:30\n  item: 签到\n- item: Jenkins 社区在国内的发展——赵晓杰\n  time: 13:30-14:00\n---\n",
    )
    .unwrap();
    let read: Vec<(Option<&str>, &str, usize)> = fm
        .programme
        .iter()
        .map(|l| (l.time.as_deref(), l.text.as_str(), l.line))
        .collect();
    assert_eq!(
        read,
        [
            (Some("13:00-13:30"), "签到", 5),
            (Some("13:30-14:00"), "Jenkins 社区在国内的发展——赵晓杰", 7)
        ]
    );
}
