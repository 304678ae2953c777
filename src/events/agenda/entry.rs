//! One line of a programme — a list item, a table row's title, a timed line —
//! read as a talk, a break, or nothing in particular.
//!
//! The forms, tried in order:
//! - `[Title - Speaker，Speaker](video)` and `[Title](video)，Speaker，Company`
//! - `**Name** (Affiliation): Title`
//! - `Name: Title`
//! - `Title — Speaker (Company)`
//! - `Name, Affiliation` (the title comes later, from an abstract)
//! - a break (`Coffee`, `合影`), or else unknown.

use crate::events::model::Speaker;
use crate::events::rich::Rich;

use super::labels::{is_break, is_titled_panel, label, Field};
use super::people::{
    self, first_part, is_latin_name, is_person, looks_like_name, parenthesised, plain, speaker,
    speakers, trailing_speakers,
};

#[derive(Debug, Clone, PartialEq)]
pub enum Entry {
    Talk {
        /// Markdown text of the title; empty when the line names only people.
        title: String,
        speakers: Vec<Speaker>,
        video: Option<String>,
    },
    Break(String),
    Unknown(String),
}

pub fn entry(text: &str, authors: &[String]) -> Entry {
    let text = text.trim();
    if let Some(talk) = linked(text, authors) {
        return talk;
    }
    if let Some(talk) = bold_name_first(text, authors) {
        return talk;
    }
    let plain_text = plain(text);
    // `Software Textbooks:` over a nested list names no talk.
    let named = name_colon_title(&plain_text, authors).filter(|(_, title)| !title.is_empty());
    if let Some((who, title)) = named {
        return Entry::Talk {
            title: title.to_string(),
            speakers: vec![speaker(who)],
            video: None,
        };
    }
    if let Some((title, speakers)) = trailing_speakers(&plain_text, authors) {
        return talk(title, speakers);
    }
    if let Some(speakers) = name_comma_affiliation(&plain_text) {
        return talk(String::new(), speakers);
    }
    if is_titled_panel(&plain_text) {
        return talk(plain_text, Vec::new());
    }
    if is_break(&plain_text) {
        return Entry::Break(plain_text);
    }
    Entry::Unknown(plain_text)
}

/// A line that starts with a time: the time already says it is a programme
/// item, so `续本达：Debian 技术分享` names a speaker even without a known
/// surname, as long as the part before the colon is shaped like a name.
pub fn timed_entry(text: &str, authors: &[String]) -> Entry {
    let plain_text = plain(text.trim());
    if let Some(talk) = labelled_parts(&plain_text) {
        return talk;
    }
    if let Some((kind, rest)) = split_colon(&plain_text) {
        // `Talk: "Typing in practice" by Sara Kim`: what kind of item it is,
        // then the item; a kind that says more (`Keynote: …`) stays in the
        // title. Neither is who speaks.
        match kind_of_talk(kind) {
            Some(Kind::Bare) if !rest.trim().is_empty() => return entry(rest, authors),
            Some(_) => return entry(text, authors),
            None => {}
        }
    }
    if let Some((who, title)) = split_colon(&plain_text) {
        if !title.is_empty() && looks_like_name(who) && !is_break(who) && !is_kind_of_item(who) {
            return talk(title.to_string(), vec![speaker(who)]);
        }
    }
    entry(text, authors)
}

/// What a word before a programme item's title says of it.
enum Kind {
    /// `Talk:`, `Presentation:`: only that it is a talk.
    Bare,
    /// `Keynote:`, `Workshop:`: what kind, part of its title.
    Named,
}

fn kind_of_talk(text: &str) -> Option<Kind> {
    match text.trim().to_lowercase().as_str() {
        "talk" | "presentation" | "lecture" => Some(Kind::Bare),
        "keynote" | "lightning talk" | "workshop" | "tutorial" | "demo" => Some(Kind::Named),
        _ => None,
    }
}

/// `Rust 嵌入式开发入门 | 讲师：陈晨（大疆）`: a line in parts, a speaker
/// label among them; the parts that are not labels are the title.
fn labelled_parts(text: &str) -> Option<Entry> {
    let parts: Vec<&str> = text.split(['|', '｜']).map(str::trim).collect();
    if parts.len() < 2 {
        return None;
    }
    let mut speakers = Vec::new();
    let mut title = Vec::new();
    for part in parts.iter().filter(|p| !p.is_empty()) {
        match label(part) {
            Some((Field::Speaker, value)) => speakers.extend(people::speakers(value)),
            Some((Field::Company, value)) => {
                for speaker in speakers
                    .iter_mut()
                    .filter(|s: &&mut Speaker| s.company.is_none())
                {
                    speaker.company = Some(value.to_string());
                }
            }
            Some((Field::Title, value)) => title.push(value),
            _ => title.push(part),
        }
    }
    (!speakers.is_empty() && !title.is_empty()).then(|| talk(title.join(" "), speakers))
}

/// `实战：部署一个应用`, `案例：…`: two characters before a colon that say
/// what kind of item it is, shaped like a name but none.
fn is_kind_of_item(text: &str) -> bool {
    const KINDS: &[&str] = &[
        "实战", "实践", "实操", "案例", "演示", "练习", "总结", "介绍", "答疑", "互动", "动手",
        "实验", "上机", "分享", "专题", "主题", "议题", "话题", "讲座", "课程", "环节",
    ];
    KINDS.contains(&text.trim())
}

fn talk(title: String, speakers: Vec<Speaker>) -> Entry {
    Entry::Talk {
        title,
        speakers,
        video: None,
    }
}

/// A line that opens with a link: the link text is the talk (possibly with
/// its speakers), the target its recording, and text after it the speakers.
fn linked(text: &str, authors: &[String]) -> Option<Entry> {
    if !text.starts_with('[') {
        return None;
    }
    let rich = Rich::inline(text);
    let link = rich.opening_link()?;
    let (label, url, after) = (link.text, link.url, link.after);
    let after = after
        .trim()
        .trim_start_matches(['，', ',', '、', '-', '—', ' ']);
    let video = url.starts_with("http").then(|| url.to_string());
    let (title, who) = if !after.is_empty() && is_person(first_part(after), authors) {
        (label, speakers(after))
    } else if let Some((_, who)) = trailing_speakers(&format!("{label} {after}"), authors)
        .filter(|_| after.starts_with("by ") || after.starts_with("By "))
    {
        // `[Title](link) by 朱明`: the link is the title, `by` names who.
        (label, who)
    } else {
        trailing_speakers(&label, authors).unwrap_or((label, Vec::new()))
    };
    Some(Entry::Talk {
        title,
        speakers: who,
        video,
    })
}

/// `**Carlo Nicolai** (KCL): Internal and External Theories`
fn bold_name_first(text: &str, authors: &[String]) -> Option<Entry> {
    let inner = text.strip_prefix("**")?;
    let end = inner.find("**")?;
    let name = inner[..end].trim();
    if !is_person(name, authors) {
        return None;
    }
    let after = inner[end + 2..].trim_start();
    let (affiliation, after) = match after.strip_prefix(['(', '（']) {
        Some(inside) => {
            let close = inside.find([')', '）'])?;
            let mark = inside[close..].chars().next()?;
            (
                Some(inside[..close].trim()),
                &inside[close + mark.len_utf8()..],
            )
        }
        None => (None, after),
    };
    // `: Title`, or `. *Title.*` as symposium programmes write it.
    let title = after
        .trim_start()
        .strip_prefix([':', '：', '.', ',', '，', '–', '—', '-'])?
        .trim();
    let title = plain(title);
    Some(talk(
        title,
        vec![Speaker {
            name: name.to_string(),
            company: affiliation.map(str::to_string),
            ..Speaker::default()
        }],
    ))
}

/// `Alan Wing: Welcome and overview`, `Martin Fischer (LMU Munich): Title`:
/// the person and the title, split at the first colon outside parentheses.
pub fn name_colon_title<'a>(text: &'a str, authors: &[String]) -> Option<(&'a str, &'a str)> {
    split_colon(text).filter(|(who, _)| is_person(who, authors))
}

/// The text before and after the first colon outside parentheses.
fn split_colon(text: &str) -> Option<(&str, &str)> {
    let mut depth = 0usize;
    for (at, c) in text.char_indices() {
        match c {
            '(' | '（' => depth += 1,
            ')' | '）' => depth = depth.saturating_sub(1),
            ':' | '：' if depth == 0 => {
                return Some((text[..at].trim(), text[at + c.len_utf8()..].trim()));
            }
            _ => {}
        }
    }
    None
}

/// `Jingwei Hu, UW Applied Math`: a schedule line naming only who speaks.
fn name_comma_affiliation(text: &str) -> Option<Vec<Speaker>> {
    let (first, _) = text.split_once(", ")?;
    let first = parenthesised(first).map_or(first, |(name, _)| name);
    is_latin_name(first.trim()).then(|| speakers(text))
}

#[cfg(test)]
mod tests {
    use super::*;

    type Who = (String, Option<String>);

    fn summary(entry: Entry) -> (String, Vec<Who>, Option<String>) {
        match entry {
            Entry::Talk {
                title,
                speakers,
                video,
            } => (
                title,
                speakers.into_iter().map(|s| (s.name, s.company)).collect(),
                video,
            ),
            other => panic!("not a talk: {other:?}"),
        }
    }

    fn who(name: &str, company: Option<&str>) -> Who {
        (name.to_string(), company.map(str::to_string))
    }

    #[test]
    fn linked_items() {
        let (title, speakers, video) = summary(entry(
            "[云原生场景下的开发和调试 - 汪晟杰，黄金浩](https://www.bilibili.com/video/BV1hf4y1E7KJ)",
            &[],
        ));
        assert_eq!(title, "云原生场景下的开发和调试");
        assert_eq!(speakers, [who("汪晟杰", None), who("黄金浩", None)]);
        assert_eq!(
            video.as_deref(),
            Some("https://www.bilibili.com/video/BV1hf4y1E7KJ")
        );

        let (title, speakers, _) = summary(entry(
            "[Layotto: 开启服务网格 + 应用运行时新篇章](https://b.tv/x)，石建伟（卓与），蚂蚁集团高级技术专家",
            &[],
        ));
        assert_eq!(title, "Layotto: 开启服务网格 + 应用运行时新篇章");
        assert_eq!(speakers, [who("石建伟", Some("蚂蚁集团"))]);

        let (title, speakers, _) =
            summary(entry("[欢迎来到云原生社区大连站](https://b.tv/y)", &[]));
        assert_eq!(title, "欢迎来到云原生社区大连站");
        assert!(speakers.is_empty());
    }

    #[test]
    fn english_programme_lines() {
        let (title, speakers, _) = summary(entry(
            "**Carlo Nicolai** (KCL): Internal and External Theories",
            &[],
        ));
        assert_eq!(title, "Internal and External Theories");
        assert_eq!(speakers, [who("Carlo Nicolai", Some("KCL"))]);

        let (title, speakers, _) = summary(entry("Alan Wing: Welcome and overview (5 mins)", &[]));
        assert_eq!(title, "Welcome and overview (5 mins)");
        assert_eq!(speakers, [who("Alan Wing", None)]);

        let (title, speakers, _) = summary(entry("Jingwei Hu, UW Applied Math", &[]));
        assert_eq!(title, "");
        assert_eq!(speakers, [who("Jingwei Hu", Some("UW Applied Math"))]);

        let (title, speakers, _) = summary(entry("Chaos in practice — Jane Doe (Acme)", &[]));
        assert_eq!(title, "Chaos in practice");
        assert_eq!(speakers, [who("Jane Doe", Some("Acme"))]);
    }

    #[test]
    fn breaks_and_prose() {
        assert_eq!(
            entry("Lunch Break", &[]),
            Entry::Break("Lunch Break".into())
        );
        assert!(matches!(
            entry("活动介绍：<https://hdxu.cn/ysqsP>", &[]),
            Entry::Unknown(_)
        ));
        assert!(matches!(
            entry("**Venue:** Protea Hotel", &[]),
            Entry::Unknown(_)
        ));
        assert!(matches!(
            entry("1) Becca Hirst Open Science Tools Foyer", &[]),
            Entry::Unknown(_)
        ));
        assert!(matches!(
            entry("[回顾文章](https://mp.weixin.qq.com/s/x)", &[]),
            Entry::Talk { .. }
        ));
    }
}
