//! Meetup pages for the benchmarks, generated the ways organizers write
//! them: half Chinese (a `###` heading per talk with `讲师：` lines), half
//! English (a timed programme list with a coffee break), five talks each,
//! speakers drawn from fixed pools so that they come back across events.
//! Generation is repeatable: every run measures the same pages.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;

pub const TALKS_PER_PAGE: usize = 5;

/// 25 × 40 = 1,000 Chinese names. `墙` is deliberately absent, so `周墙`
/// matches nobody and takes the "did you mean" path.
const SURNAMES: &[&str] = &[
    "周", "王", "李", "张", "刘", "陈", "杨", "赵", "黄", "吴", "徐", "孙", "胡", "朱", "高", "林",
    "何", "郭", "马", "罗", "梁", "宋", "郑", "谢", "韩",
];
const GIVEN_NAMES: &[&str] = &[
    "强", "伟", "芳", "娜", "敏", "静", "磊", "洋", "勇", "艳", "杰", "军", "涛", "明", "超",
    "秀英", "霞", "平", "刚", "桂英", "佰平", "健波", "义飞", "净超", "晓辉", "青", "国峰", "德惠",
    "川胡", "新", "雨", "博", "宇", "浩", "然", "婷", "欣", "琳", "阳", "鹏",
];
/// 25 × 40 = 1,000 English names.
const FIRST_NAMES: &[&str] = &[
    "Jane", "Maria", "Li", "Alex", "Sam", "Priya", "Omar", "Lena", "Chen", "Tom", "Ana", "Ravi",
    "Kenji", "Sara", "Ivan", "Nora", "Diego", "Mei", "Paul", "Zoe", "Hugo", "Aisha", "Finn",
    "Yuki", "Carl",
];
const LAST_NAMES: &[&str] = &[
    "Doe", "Santos", "Wei", "Stone", "Kim", "Patel", "Novak", "Berg", "Silva", "Okafor", "Rossi",
    "Meyer", "Tanaka", "Haddad", "Costa", "Brown", "Nguyen", "Park", "Olsen", "Duarte", "Ivanova",
    "Moreau", "Fischer", "Walsh", "Reyes", "Lind", "Kowalski", "Sato", "Baker", "Hale", "Quinn",
    "Ward", "Frost", "Lowe", "Price", "Marsh", "Pike", "Reed", "Shaw", "Voss",
];
const ZH_COMPANIES: &[&str] = &[
    "PingCAP",
    "网易",
    "阿里巴巴",
    "腾讯",
    "字节跳动",
    "华为",
    "蚂蚁集团",
    "美团",
    "京东",
    "百度",
    "Tetrate",
];
const EN_COMPANIES: &[&str] = &[
    "Acme",
    "Ferrous Labs",
    "Initech",
    "Globex",
    "Hooli",
    "Umbrella",
    "Cyberdyne",
];
const CITIES: &[&str] = &[
    "杭州", "上海", "北京", "深圳", "成都", "南京", "Shanghai", "Beijing",
];
const TOPICS: &[&str] = &[
    "Rust",
    "tokio",
    "Kubernetes",
    "Envoy",
    "Istio",
    "eBPF",
    "WebAssembly",
    "Chaos Mesh",
    "TiDB",
    "Prometheus",
    "KubeVela",
    "gRPC",
    "OpenTelemetry",
    "Cilium",
    "etcd",
    "Dapr",
];

/// A well-spread, repeatable draw, so every run benchmarks the same pages.
pub fn draw(seed: usize, salt: usize, len: usize) -> usize {
    let mut x = (seed as u64) ^ (salt as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    ((x ^ (x >> 31)) % len as u64) as usize
}

/// Title patterns; `{t}` is the topic, `{c}` the speaker's company.
const ZH_TITLES: &[&str] = &[
    "{t} 在{c}的落地实践",
    "使用 {t} 构建高可用服务",
    "{t} 源码解读",
    "基于 {t} 的可观测性实践",
    "{t} 性能优化之路",
];
const EN_TITLES: &[&str] = &[
    "Async {t} in production",
    "{t} at scale",
    "Debugging {t} the hard way",
    "What we learned running {t}",
    "Zero-downtime upgrades with {t}",
];

/// A talk as the generator means it, before it is written into a page.
struct Planned {
    title: String,
    topic: &'static str,
    name: String,
    company: &'static str,
}

/// The `talk`-th talk of page `page`. A speaker always works at the same
/// company, as real people mostly do.
fn plan(page: usize, talk: usize, chinese: bool) -> Planned {
    let seed = page * TALKS_PER_PAGE + talk;
    let (first, last, companies, titles) = match chinese {
        true => (SURNAMES, GIVEN_NAMES, ZH_COMPANIES, ZH_TITLES),
        false => (FIRST_NAMES, LAST_NAMES, EN_COMPANIES, EN_TITLES),
    };
    let person = draw(seed, 2, first.len() * last.len());
    let (a, b) = (first[person / last.len()], last[person % last.len()]);
    let topic = TOPICS[draw(seed, 1, TOPICS.len())];
    let company = companies[person % companies.len()];
    let title = titles[draw(seed, 3, titles.len())]
        .replace("{t}", topic)
        .replace("{c}", company);
    let name = match chinese {
        true => format!("{a}{b}"),
        false => format!("{a} {b}"),
    };
    Planned {
        title,
        topic,
        name,
        company,
    }
}

fn plans(page: usize, chinese: bool) -> Vec<Planned> {
    (0..TALKS_PER_PAGE)
        .map(|talk| plan(page, talk, chinese))
        .collect()
}

/// Front matter as Wowchemy writes it, the speakers as `authors` and the
/// topics as `tags`.
fn front_matter(page: usize, day: NaiveDate, title: &str, talks: &[Planned]) -> String {
    let authors: Vec<&str> = talks.iter().map(|t| t.name.as_str()).collect();
    let mut tags: Vec<&str> = talks.iter().map(|t| t.topic).collect();
    tags.sort_unstable();
    tags.dedup();
    let city = CITIES[draw(page, 5, CITIES.len())];
    format!(
        "---\ntitle: \"{title}\"\nevent: \"{title}\"\nlocation: {city}\naddress:\n  city: {city}\n  \
         country: 中国\nsummary: 'Talks on {}.'\ndate: {day}T13:00:00+08:00\n\
         date_end: {day}T18:00:00+08:00\nall_day: false\nauthors: {authors:?}\ntags: {tags:?}\n\
         url_slides: ''\n---\n\n",
        tags.join(", "),
    )
}

/// A cloudnative.to-style page: one `###` heading per talk, then labelled
/// lines for speaker, company, bio and abstract.
fn chinese_page(page: usize, day: NaiveDate) -> String {
    let talks = plans(page, true);
    let mut out = front_matter(page, day, &format!("云原生社区 meetup 第{page}期"), &talks);
    for Planned {
        title,
        topic,
        name,
        company,
    } in &talks
    {
        out.push_str(&format!(
            "### {title}\n\n讲师：{name}\n\n公司：{company}\n\n\
             讲师介绍：{name}，{company} 资深工程师，专注 {topic} 的开发与性能优化。\n\n\
             演讲概要：\n\n本次分享介绍 {topic} 的核心原理，以及我们在生产环境中使用 {topic} 的经验。\n\n\
             1. {topic} 架构与关键特性\n2. 生产实践中遇到的问题\n3. 未来规划\n\n\
             听众收益：\n\n1. 了解 {topic} 的落地经验\n\n"
        ));
    }
    out
}

/// Times of the English talks; the coffee break sits before the third.
const SLOTS: [&str; TALKS_PER_PAGE] = [
    "13:00 - 13:40",
    "13:40 - 14:20",
    "14:40 - 15:20",
    "15:20 - 16:00",
    "16:00 - 16:40",
];

/// A Rust-meetup-style page: a timed `## Programme` list with a break.
fn english_page(page: usize, day: NaiveDate) -> String {
    let talks = plans(page, false);
    let mut out = front_matter(page, day, &format!("Rust Meetup #{page}"), &talks);
    out.push_str(
        "An afternoon of talks from teams who run this in production.\n\n## Programme\n\n",
    );
    for (slot, talk) in SLOTS.iter().zip(&talks) {
        if *slot == SLOTS[2] {
            out.push_str("- 14:20 - 14:40 Coffee break\n");
        }
        let Planned {
            title,
            name,
            company,
            ..
        } = talk;
        out.push_str(&format!("- {slot} {title} — {name} ({company})\n"));
    }
    out
}

/// Page `index`, held on `day`: its path relative to the events folder and
/// its text. Chinese pages are `<slug>/index.md` bundles, English ones plain
/// `<slug>.md` files.
pub fn page(index: usize, day: NaiveDate) -> (PathBuf, String) {
    match index % 2 {
        0 => (
            PathBuf::from(format!("meetup-{index:05}/index.md")),
            chinese_page(index, day),
        ),
        _ => (
            PathBuf::from(format!("rust-{index:05}.md")),
            english_page(index, day),
        ),
    }
}

/// Writes pages into `dir` one at a time, so generating them adds nothing
/// to the memory the load itself needs.
pub fn write(dir: &Path, pages: impl Iterator<Item = (PathBuf, String)>) {
    for (path, src) in pages {
        let path = dir.join(path);
        std::fs::create_dir_all(path.parent().expect("page folder")).expect("create folder");
        std::fs::write(path, src).expect("write page");
    }
}
