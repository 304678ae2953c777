//! The talk being read: its title and speakers so far, and its labelled
//! parts still as markdown lines until the section ends.

use crate::events::model::{Speaker, Talk};
use crate::events::rich::Rich;

use super::labels::Field;
use super::organisation;
use super::people::{self, is_person, parenthesised, plain};
use super::times::{self, Timeline};

/// Where the draft came from, which decides how much evidence it needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Origin {
    Heading,
    BoldLine,
    /// A paragraph of labels (`Time:`, `Title:`, `Speaker:`).
    Record,
    /// Adds to the talk at this index of `items`.
    Existing(usize),
}

/// The talk being read, with its labelled parts still as markdown lines.
pub(super) struct Draft {
    pub(super) talk: Talk,
    pub(super) origin: Origin,
    /// Something under it says it is a talk.
    pub(super) confirmed: bool,
    pub(super) field: Option<Open>,
    pub(super) abstract_lines: Vec<String>,
    pub(super) takeaway_lines: Vec<String>,
    pub(super) bios: Vec<(usize, Vec<String>)>,
    /// `Name bio` paragraphs may still name speakers.
    pub(super) names_open: bool,
}

/// The labelled part collecting lines, and whether it ends with its paragraph.
#[derive(Debug, Clone, Copy)]
pub(super) struct Open {
    pub(super) field: Field,
    /// A value begun on the label's line (`个人简介：…`) ends with that
    /// paragraph, except abstracts and takeaways which run on.
    pub(super) inline: bool,
}

impl Field {
    /// Abstracts and takeaways often run over several paragraphs even when
    /// they begin on the label's line.
    pub(super) fn runs_on(self) -> bool {
        matches!(self, Field::Abstract | Field::Takeaways)
    }
}

impl Draft {
    pub(super) fn new(title: Rich, line: usize, origin: Origin) -> Self {
        Draft {
            talk: Talk {
                title,
                line,
                ..Talk::default()
            },
            origin,
            confirmed: false,
            field: None,
            abstract_lines: Vec::new(),
            takeaway_lines: Vec::new(),
            bios: Vec::new(),
            names_open: true,
        }
    }

    /// Under `**周强（PingCAP）：Title**`, a first paragraph that opens with
    /// the speaker's name is the speaker's bio, not the abstract.
    pub(super) fn opens_bio(&self, line: &str) -> bool {
        self.origin == Origin::BoldLine
            && self.field.is_none()
            && self.bios.is_empty()
            && self.abstract_lines.is_empty()
            && self.talk.speakers.len() == 1
            && line.trim_start().starts_with(&self.talk.speakers[0].name)
    }

    pub(super) fn is_empty(&self) -> bool {
        self.talk.speakers.is_empty() && self.abstract_lines.iter().all(|l| l.trim().is_empty())
    }

    pub(super) fn label(&mut self, field: Field, value: &str, timeline: &mut Timeline) {
        // `活动时间：…` under `## 活动指南` is the event's, not a talk's: a time
        // alone does not make a section a talk.
        self.confirmed |= field != Field::Time;
        self.names_open = false;
        self.field = None;
        match field {
            Field::Speaker => self.talk.speakers.extend(people::speakers(value)),
            Field::Company => {
                for speaker in self
                    .talk
                    .speakers
                    .iter_mut()
                    .filter(|s| s.company.is_none())
                {
                    speaker.company = Some(plain(value));
                }
            }
            Field::Time => {
                if let Some(range) = times::whole(value).or_else(|| times::first(value)) {
                    // A record gave its time with its title: a later time
                    // (`Time: 21:00` among the event's details) is not its.
                    let recorded = self.origin == Origin::Record && self.talk.slot.is_some();
                    if !recorded {
                        self.talk.slot = Some(timeline.slot(range));
                    }
                }
            }
            Field::Title => {
                // `### 郭炜` over `分享的主题是：…`: a section headed by a
                // person is their talk.
                let heading = self.talk.title.plain();
                if self.talk.speakers.is_empty() && people::is_person(&heading, &[]) {
                    self.talk.speakers.push(people::speaker(&heading));
                    // What the section said of them before naming the talk
                    // is who they are.
                    let said = std::mem::take(&mut self.abstract_lines);
                    if said.iter().any(|line| !line.trim().is_empty()) {
                        self.bios.push((0, said));
                    }
                }
                self.talk.title = Rich::inline(value);
            }
            Field::Bio | Field::Abstract | Field::Takeaways => {
                self.field = Some(Open {
                    field,
                    inline: !value.is_empty(),
                });
                if field == Field::Bio {
                    let target = self.bio_target(value);
                    self.bios.push((target, Vec::new()));
                }
                self.push_line(value);
            }
        }
    }

    /// The speaker a bio is about: the one it names first, else the first
    /// without a bio.
    pub(super) fn bio_target(&self, value: &str) -> usize {
        let speakers = &self.talk.speakers;
        speakers
            .iter()
            .position(|s| !s.name.is_empty() && value.starts_with(&s.name))
            .or_else(|| (0..speakers.len()).find(|i| !self.bios.iter().any(|(t, _)| t == i)))
            .unwrap_or(0)
    }

    /// `郑德惠 唯品会 Java 资深开发工程师…` or `赵化冰（中兴通讯网管软件资深专家）`.
    pub(super) fn name_line(&mut self, text: &str, authors: &[String]) -> bool {
        let text = text.trim();
        if let Some(speaker) = bold_name_line(text, authors) {
            self.talk.speakers.push(speaker);
            self.confirmed = true;
            return true;
        }
        if let Some((name, _)) = parenthesised(text) {
            if is_person(name, authors) && people::is_cjk_name(name) {
                self.talk.speakers.push(people::speaker(text));
                self.confirmed = true;
                return true;
            }
        }
        let Some((name, bio)) = text.split_once(' ') else {
            return false;
        };
        if !(people::is_cjk_name(name) && is_person(name, authors)) {
            return false;
        }
        self.talk.speakers.push(Speaker {
            name: name.to_string(),
            bio: Some(Rich::inline(bio)),
            ..Speaker::default()
        });
        self.confirmed = true;
        true
    }

    pub(super) fn push_line(&mut self, text: &str) {
        let lines = match self.field.map(|open| open.field) {
            Some(Field::Bio) => match self.bios.last_mut() {
                Some((_, lines)) => lines,
                None => return,
            },
            Some(Field::Takeaways) => &mut self.takeaway_lines,
            _ => &mut self.abstract_lines,
        };
        if !(text.is_empty() && lines.is_empty()) {
            lines.push(text.to_string());
        }
    }

    pub(super) fn into_talk(self) -> Talk {
        let mut talk = self.talk;
        for (target, lines) in self.bios {
            let bio = rich(&lines);
            if let (Some(speaker), Some(bio)) = (talk.speakers.get_mut(target), bio) {
                speaker.bio = Some(bio);
            }
        }
        talk.abstract_ = rich(&self.abstract_lines);
        talk.takeaways = rich(&self.takeaway_lines);
        talk
    }
}

/// `**Jane Doe** – Staff Engineer at Stripe`, `**Bob Stone** (Datadog)`: a
/// line that opens with a name in bold and says no more than who they are.
/// A bold name that starts a sentence (`**Jane** will show…`) is not one.
fn bold_name_line(text: &str, authors: &[String]) -> Option<Speaker> {
    let (name, rest) = text.strip_prefix("**")?.split_once("**")?;
    let name = name.trim();
    if !(is_person(name, authors) && people::is_strong_name(name)) || text.chars().count() > 120 {
        return None;
    }
    let rest = rest.trim();
    if rest.is_empty() || rest.starts_with(['(', '（']) {
        return Some(people::speaker(&format!("{name}{rest}")));
    }
    let description = rest
        .strip_prefix(['–', '—', '-', ',', '，', ':', '：', '|'])?
        .trim();
    if description.is_empty() {
        // `**潘娟**：` over a paragraph about them introduces, it does not credit.
        return None;
    }
    Some(Speaker {
        name: name.to_string(),
        company: organisation::of_description(description),
        ..Speaker::default()
    })
}

pub(super) fn rich(lines: &[String]) -> Option<Rich> {
    Some(Rich::from_lines(lines)).filter(|rich| !rich.is_empty())
}
