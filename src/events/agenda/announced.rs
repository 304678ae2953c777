//! Talks an announcement tells as prose, for a page with no programme: a
//! title on a line of its own, its abstract, then who gives it (`by Jane
//! Doe`, a bio that opens with the name, `刘宇，腾讯云后台研发。`); or a heading
//! that names the speaker over the talk's title line. The shapes are
//! structural (a short unpunctuated line, a byline, a name heading), not any
//! one site's wording, and a talk counts only when someone closes it: a short
//! line followed by prose is not yet a talk.

use chrono::NaiveDate;

use crate::events::model::{AgendaItem, Speaker, Talk};
use crate::events::rich::Rich;

use super::blocks::{Block, Line};
use super::dates;
use super::entry::name_colon_title;
use super::labels::{self, Field};
use super::lines::{whole_bold, whole_italic};
use super::organisation;
use super::people::{self, is_cjk_name, is_latin_name, is_person, plain};
use super::times::{self, Range, Timeline};
use super::{Agenda, Frame};

/// A talk read from prose, with its time label read (the date it names,
/// and the hours): the reader places it on the event's timeline.
#[derive(Debug, Clone, PartialEq)]
pub struct Told {
    pub talk: Talk,
    pub time: Option<(Option<NaiveDate>, Range)>,
}

/// The talks `blocks` tell in prose, in page order.
pub fn talks(blocks: &[Block], authors: &[String]) -> Vec<Told> {
    let mut reading = Reading::default();
    for block in blocks {
        match block {
            Block::Heading { text, .. } => reading.heading(text, authors),
            Block::Paragraph { lines } => reading.paragraph(lines, authors),
            Block::List { items } => {
                for item in items {
                    reading.label(&item.text);
                    reading.abstract_line(&item.text);
                }
            }
            Block::Table { .. } | Block::Rule => reading.finish(),
        }
    }
    reading.finish();
    reading.told
}

/// The talk being read: its title line, once seen, and what followed it.
#[derive(Default)]
struct Open {
    title: Option<(usize, String)>,
    speakers: Vec<Speaker>,
    abstract_: Vec<String>,
    time: Option<(Option<NaiveDate>, Range)>,
    /// Someone was named for it: the talk stands.
    closed: bool,
}

#[derive(Default)]
struct Reading {
    open: Open,
    told: Vec<Told>,
}

impl Reading {
    fn heading(&mut self, text: &str, authors: &[String]) {
        self.finish();
        let text = plain(text);
        let name = text.trim_end_matches([':', '：']).trim();
        // `## Apoorv Kothari:` over the talk: the section is that person's.
        if is_named(name, authors) {
            self.open.speakers.push(Speaker {
                name: name.to_string(),
                ..Speaker::default()
            });
            // Its title is still to come.
            self.open.closed = true;
        }
    }

    fn paragraph(&mut self, lines: &[Line], authors: &[String]) {
        let text: Vec<&str> = lines.iter().map(|l| l.text.as_str()).collect();
        let joined = text.join(" ");
        if is_picture(&joined) {
            return;
        }
        for line in &text {
            self.label(line);
        }
        if let [only] = lines {
            if let Some(person) = byline(&only.text, authors) {
                self.named(person, None, Closer::Byline);
                return;
            }
            if let Some(person) = name_line(&only.text, authors) {
                self.named(Some(person), None, Closer::About);
                return;
            }
            if is_title_line(&only.text, authors) {
                self.title_line(only);
                return;
            }
        }
        if let Some(name) = bio_opening(&plain(&joined), authors) {
            let bio = Rich::from_lines(&text);
            self.named(
                Some(Speaker {
                    name,
                    ..Speaker::default()
                }),
                Some(bio),
                Closer::About,
            );
            return;
        }
        for line in text {
            self.abstract_line(line);
        }
    }

    /// A new title line starts a new talk, unless the open one is a name
    /// heading's that has no title yet.
    fn title_line(&mut self, line: &Line) {
        let awaiting = self.open.title.is_none() && self.open.closed;
        if !awaiting {
            self.finish();
        }
        self.open.title = Some((line.line, plain(&line.text)));
    }

    /// Someone gives the open talk (with their bio, when that named them).
    fn named(&mut self, person: Option<Speaker>, bio: Option<Rich>, closer: Closer) {
        // A byline or a bio with no title line above it names nobody's talk.
        if self.open.title.is_none() && !self.open.closed {
            return;
        }
        // `Thanks to everyone` over `Jane Doe is our organizer …`: a line
        // about someone shows a talk only once something told what it is.
        let told = !self.open.abstract_.is_empty();
        if closer == Closer::About && !self.open.closed && !told {
            return;
        }
        if let Some(mut person) = person {
            match self
                .open
                .speakers
                .iter_mut()
                .find(|s| s.name == person.name)
            {
                Some(known) => known.bio = known.bio.take().or(bio),
                None => {
                    person.bio = person.bio.or(bio);
                    self.open.speakers.push(person);
                }
            }
        }
        self.open.closed = true;
    }

    fn label(&mut self, line: &str) {
        if let Some((Field::Time, value)) = labels::label(line) {
            if self.open.time.is_none() {
                self.open.time = times::first(value).map(|range| (dates::full_date(value), range));
            }
        }
    }

    fn abstract_line(&mut self, line: &str) {
        if self.open.title.is_some() && !self.open.closed && labels::label(line).is_none() {
            self.open.abstract_.push(line.to_string());
        }
    }

    fn finish(&mut self) {
        let open = std::mem::take(&mut self.open);
        let Some((line, title)) = open.title.filter(|_| open.closed) else {
            return;
        };
        let abstract_ = (!open.abstract_.is_empty()).then(|| Rich::from_lines(&open.abstract_));
        self.told.push(Told {
            talk: Talk {
                title: Rich::inline(&title),
                speakers: open.speakers,
                abstract_,
                line,
                ..Talk::default()
            },
            time: open.time,
        });
    }
}

impl Agenda {
    /// A page whose blocks hold no talk may tell its talks as prose.
    pub(super) fn announced(&mut self, blocks: &[Block], frame: &Frame, timeline: &mut Timeline) {
        // A page whose front matter names its speakers is their one talk.
        let has_talks = self
            .items
            .iter()
            .any(|item| matches!(item, AgendaItem::Talk(_)));
        if has_talks || !frame.speakers.is_empty() {
            return;
        }
        for Told { mut talk, time } in talks(blocks, frame.authors) {
            if let Some((date, range)) = time {
                // `2019-11-07 10:00-12:00` on the second day of two.
                if let Some(date) = date {
                    timeline.set_date(date);
                }
                talk.slot = Some(timeline.slot(range));
            }
            self.items.push(AgendaItem::Talk(talk));
        }
    }
}

/// What names who gives a talk: a byline is said of the line above it; a
/// line or bio about someone, only of a talk something has described.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Closer {
    Byline,
    About,
}

/// A person's name, by itself.
fn is_named(text: &str, authors: &[String]) -> bool {
    is_person(text, authors)
        && (is_cjk_name(text)
            || text.split_whitespace().count() >= 2
            || authors.iter().any(|a| a == text))
}

/// A paragraph of nothing but images (`![Austen Collins](…)`): decoration,
/// whatever its alt text says.
fn is_picture(text: &str) -> bool {
    let text = text.trim();
    text.starts_with("![") && text.ends_with(')') && plain(text).is_empty()
        || text.starts_with('<') && text.ends_with('>') && plain(text).is_empty()
}

/// A title on its own line: short, not a sentence (no closing full stop,
/// question or colon), not a label, a time, a link or a name; written plain,
/// since a bold line in prose is a label (`**讲师介绍**`, `**他是谁？**`).
fn is_title_line(text: &str, authors: &[String]) -> bool {
    let raw = text.trim();
    if whole_bold(raw).is_some() || whole_italic(raw).is_some() || raw.contains("://") {
        return false;
    }
    let text = plain(raw);
    let chars = text.chars().count();
    let words = text.split_whitespace().count();
    let cjk = text.chars().any(people::is_han);
    let short = if cjk {
        (4..=60).contains(&chars)
    } else {
        (2..=14).contains(&words) && chars <= 90
    };
    short
        && !text.ends_with([
            '.', '。', '!', '！', '?', '？', ':', '：', ';', '；', ',', '，', '、',
        ])
        && text.starts_with(|c: char| c.is_uppercase() || c.is_ascii_digit() || !c.is_ascii())
        && labels::label(&text).is_none()
        && times::leading(&text).is_none()
        && !is_person(&text, authors)
        && name_colon_title(&text, authors).is_none()
        && !is_job(&text, cjk)
        && !organisation::has_suffix(&text)
}

/// `Senior Engineer at Acme`, `腾讯云高级产品经理`: who someone is, not a
/// talk. A Chinese job ends with its role; a title that names one
/// (`Serverless.com CEO 首次来华布道`) goes on past it.
fn is_job(text: &str, cjk: bool) -> bool {
    if cjk {
        organisation::job_end(text) == Some(text.len())
    } else {
        organisation::has_role(text) && text.split_whitespace().count() <= 6
    }
}

/// `by Andreas Monitzer` closing a talk: the person, when the byline names
/// one (`by me` names the writer, whom the page does not name here).
/// A lowercase `by` continues the title above; a capitalised one opens a
/// sentence (`By the way, …`) unless a name follows it.
fn byline(text: &str, authors: &[String]) -> Option<Option<Speaker>> {
    let text = plain(text);
    if text.chars().count() > 80 {
        return None;
    }
    let (rest, lowercase) = if let Some(rest) = text.strip_prefix("by ") {
        (rest, true)
    } else {
        (text.strip_prefix("By ")?, false)
    };
    let who = rest
        .split([',', ';', '…', '|'])
        .next()
        .unwrap_or_default()
        .split(" - ")
        .next()
        .unwrap_or_default()
        .trim()
        .trim_end_matches('.');
    let person = people::speaker(who);
    if is_person(&person.name, authors) {
        return Some(Some(person));
    }
    lowercase.then_some(None)
}

/// `刘宇，腾讯云Serverless团队后台研发。`: a line that is one person and their
/// job (a job title, or set in bold as a line about someone) names who gives
/// the talk, with their organisation.
fn name_line(text: &str, authors: &[String]) -> Option<Speaker> {
    let bold = whole_bold(text.trim());
    let text = plain(bold.unwrap_or(text));
    let text = text.trim_end_matches(['。', '.', '；', ';']);
    let (name, rest) = text.split_once(['，', ','])?;
    let name = name.trim();
    let about = bold.is_some() || organisation::has_role(rest);
    if !is_named(name, authors) || !about || rest.chars().count() > 60 {
        return None;
    }
    Some(Speaker {
        name: name.to_string(),
        company: organisation::of_description(rest),
        ..Speaker::default()
    })
}

/// `Christian Amsüss is active in …`, `Austen Collins 是 Serverless Inc. 的…`:
/// a bio opens with its person's full name and says what they are.
fn bio_opening(text: &str, authors: &[String]) -> Option<String> {
    let words: Vec<&str> = text.split_whitespace().collect();
    (2..=words.len().min(4)).rev().find_map(|take| {
        let name = words[..take].join(" ");
        let next = words.get(take)?;
        let says =
            matches!(*next, "is" | "was" | "has" | "works" | "joined") || next.starts_with('是');
        (says && is_latin_name(&name) && is_person(&name, authors)).then_some(name)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::events::agenda::blocks::blocks;

    fn read(body: &str) -> Vec<(String, Vec<String>)> {
        talks(&blocks(body, 1), &[])
            .into_iter()
            .map(|told| {
                let names = told.talk.speakers.iter().map(|s| s.name.clone()).collect();
                (told.talk.title.plain(), names)
            })
            .collect()
    }

    #[test]
    fn a_title_line_its_abstract_and_a_byline() {
        let body = "Hello all,\n\nThe talks:\n\nRust's Future in 2019\n\nModern programs have to cope with concurrency. This talk introduces async.\n\nby Andreas Monitzer\n\nFunctional experiments in Rust\n\nAn experiment of how functional concepts apply.\n\nby me ... You have been warned ;)\n";
        assert_eq!(
            read(body),
            vec![
                (
                    "Rust's Future in 2019".to_string(),
                    vec!["Andreas Monitzer".to_string()]
                ),
                ("Functional experiments in Rust".to_string(), vec![]),
            ]
        );
    }

    #[test]
    fn a_bio_that_opens_with_the_name_closes_the_talk() {
        let body = "Our first talk will be:\n\nEmbedded Rust, by example of RIOT-OS applications\n\nRust can be used on embedded systems in various ways.\n\nChristian Amsüss is active in Free Software communities since 2005.\n\nothers TBA.\n";
        let told = talks(&blocks(body, 1), &[]);
        assert_eq!(told.len(), 1);
        assert_eq!(
            told[0].talk.title.plain(),
            "Embedded Rust, by example of RIOT-OS applications"
        );
        assert_eq!(told[0].talk.speakers[0].name, "Christian Amsüss");
        assert!(told[0].talk.speakers[0].bio.is_some());
        assert!(told[0]
            .talk
            .abstract_
            .as_ref()
            .unwrap()
            .plain()
            .contains("embedded systems"));
    }

    #[test]
    fn a_name_heading_over_a_title_line() {
        let body = "# Welcome!\n\nIntro text here.\n\n## Apoorv Kothari:\n\nI will be presenting Fin, a web application.\n\n## Andreas Monitzer:\n\nRust for Web Development\n\nWeb Assembly support has come a long way.\n";
        assert_eq!(
            read(body),
            vec![(
                "Rust for Web Development".to_string(),
                vec!["Andreas Monitzer".to_string()]
            )]
        );
    }

    #[test]
    fn a_tagline_then_people_with_their_jobs_and_a_time() {
        let body = "## 动手实验室\n\n两小时，教你构建一款电商H5\n\n来跟专家一起动手，亲自开发一款应用吧。\n\n**讲师介绍**\n\n![刘宇](https://example.com/a.jpg)\n\n**刘宇，腾讯云Serverless团队后台研发。**\n\n毕业于浙江大学。\n\n**丁坤方，腾讯云高级产品经理。**\n\n- 时间：2019-11-07 10:00-12:00\n";
        let told = talks(&blocks(body, 1), &[]);
        assert_eq!(told.len(), 1, "{told:?}");
        let talk = &told[0].talk;
        assert_eq!(talk.title.plain(), "两小时，教你构建一款电商H5");
        let people: Vec<(&str, Option<&str>)> = talk
            .speakers
            .iter()
            .map(|s| (s.name.as_str(), s.company.as_deref()))
            .collect();
        assert_eq!(people[0].0, "刘宇");
        assert_eq!(people[1], ("丁坤方", Some("腾讯云")));
        let (date, range) = told[0].time.expect("the lab's time");
        assert_eq!(date, NaiveDate::from_ymd_opt(2019, 11, 7));
        let end = range.end.map(|end| (end.hour, end.minute));
        assert_eq!(
            ((range.start.hour, range.start.minute), end),
            ((10, 0), Some((12, 0))),
            "{range:?}"
        );
    }

    #[test]
    fn a_line_about_someone_right_under_a_short_line_is_no_talk() {
        let body = "We had a great meetup last week!\n\nThanks to everyone\n\nJane Doe is our organizer and did an amazing job.\n";
        assert_eq!(read(body), vec![]);
        let roster = "## Speakers\n\n### Jane Doe\n\nSenior Engineer at Acme\n\nJane works on compilers.\n\n### John Roe\n\nAcme Labs\n\n### 刘宇\n\n腾讯云高级产品经理\n";
        assert_eq!(read(roster), vec![]);
    }

    #[test]
    fn short_lines_in_prose_that_nobody_gives_are_not_talks() {
        let body = "Dear all,\n\nNext Meetup at Metalab\n\nWe are always open for any level of talk.\n\nSee you there\n\nBring your laptop.\n\nBy the way, the password is cRu.\n";
        assert_eq!(read(body), vec![]);
    }
}
