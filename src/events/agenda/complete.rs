//! The page read: abstracts from theme shortcodes reach their talks, a page
//! with no programme becomes its one talk, roster details and bios complete
//! the speakers.

use crate::events::model::{AgendaItem, Slot, Speaker, Talk};
use crate::events::rich::Rich;

use super::labels::{self, Field};
use super::people::{self, is_person, plain};
use super::times::{self, Timeline};
use super::{mentions, organisation, shortcodes, Agenda, Frame};

/// Where a page's one talk goes.
enum Place {
    /// The programme has no talk: the page is one.
    Empty,
    /// `7:30pm :: Talk starts`: its only talk is a slot named "talk", with
    /// no speaker; the page's talk takes that slot.
    Placeholder(usize, Option<Slot>),
    /// Its only talk has a title but names nobody: it takes the page's
    /// speakers.
    Unnamed(usize),
}

impl Agenda {
    /// Theme abstracts go to the talk of the same speaker; one with no such
    /// talk is a talk of its own.
    pub(super) fn attach_abstracts(&mut self, abstracts: Vec<shortcodes::AbstractCode>) {
        for code in abstracts {
            let author = code.author.clone().unwrap_or_default();
            let text = Rich::from_lines(&code.text);
            let talk = self.items.iter_mut().find_map(|item| match item {
                AgendaItem::Talk(talk)
                    if talk
                        .speakers
                        .iter()
                        .any(|s| !s.name.is_empty() && author.contains(&s.name)) =>
                {
                    Some(talk)
                }
                _ => None,
            });
            match talk {
                Some(talk) => {
                    if talk.title.is_empty() {
                        talk.title = Rich::inline(code.title.as_deref().unwrap_or_default());
                    }
                    talk.abstract_ = Some(text);
                }
                None => {
                    let mut speakers = people::speakers(&author);
                    for speaker in speakers.iter_mut().filter(|s| s.company.is_none()) {
                        speaker.company = code.affiliation.clone();
                    }
                    self.items.push(AgendaItem::Talk(Talk {
                        title: Rich::inline(code.title.as_deref().unwrap_or_default()),
                        speakers,
                        abstract_: Some(text),
                        line: code.line,
                        ..Talk::default()
                    }));
                }
            }
        }
    }

    /// A page with no programme that names who presents is one talk: its
    /// speakers from the front matter, else a `主讲人：` / `Speaker:` line,
    /// else the person running text presents, else the page's person-like
    /// authors; its title from a `Topic:` line or
    /// the page; its time from a `Time:` line or the event. A programme
    /// whose one talk names nobody takes its speakers from the same places.
    pub(super) fn single_talk(
        &mut self,
        frame: &Frame,
        loose: &[(Field, String)],
        presenters: &[String],
        together: &[Speaker],
        timeline: &mut Timeline,
        line: usize,
    ) {
        let place = match self.talk_slots() {
            Some(place) => place,
            None => return,
        };
        let label = |field: Field| {
            loose
                .iter()
                .find(|(f, _)| *f == field)
                .map(|(_, value)| value.as_str())
        };
        let mut speakers = self.page_speakers(frame, label(Field::Speaker), presenters, together);
        // A page that titles its talk (`Title:`) is one even when it names
        // nobody; the talk is then reported as having no speaker.
        let titled = matches!(place, Place::Empty) && label(Field::Title).is_some();
        if speakers.is_empty() && !titled {
            return;
        }
        if let Some(company) = label(Field::Company) {
            for speaker in speakers.iter_mut().filter(|s| s.company.is_none()) {
                speaker.company = Some(plain(company));
            }
        }
        let placeholder = match place {
            Place::Unnamed(at) => {
                if let AgendaItem::Talk(talk) = &mut self.items[at] {
                    talk.speakers = speakers;
                }
                return;
            }
            Place::Placeholder(at, slot) => Some((at, slot)),
            Place::Empty => None,
        };
        let title = label(Field::Title).unwrap_or(people::without_issue(frame.title));
        let slot = match label(Field::Time).and_then(times::first) {
            _ if placeholder.is_some() => placeholder.and_then(|(_, slot)| slot),
            Some(range) if frame.start.is_some() => Some(timeline.slot(range)),
            _ => frame
                .start
                .filter(|start| start.time() != chrono::NaiveTime::MIN)
                .map(|start| Slot {
                    start,
                    end: frame.end,
                }),
        };
        let talk = AgendaItem::Talk(Talk {
            title: Rich::inline(title),
            speakers,
            slot,
            abstract_: frame
                .abstract_
                .map(|s| Rich::from_lines(&s.lines().collect::<Vec<_>>())),
            line,
            ..Talk::default()
        });
        match placeholder {
            Some((at, _)) => self.items[at] = talk,
            None => self.items.push(talk),
        }
    }

    /// `Time: **12:00 - 13:00 UTC**` among the page's details, over its one
    /// talk by someone (`### Title` / `#### Speaker: …`): the page is that
    /// talk, at that time. A programme's lone untitled-speaker line stays
    /// untimed: the time may be its session's.
    pub(super) fn timed_by_page(
        &mut self,
        frame: &Frame,
        loose: &[(Field, String)],
        timeline: &mut Timeline,
    ) {
        let mut talks = self.items.iter_mut().filter_map(|item| match item {
            AgendaItem::Talk(talk) => Some(talk),
            AgendaItem::Break(_) => None,
        });
        let (Some(talk), None) = (talks.next(), talks.next()) else {
            return;
        };
        if talk.speakers.is_empty() {
            return;
        }
        // `Date:` is a time label too: the first that gives an hour.
        let range = loose
            .iter()
            .filter(|(field, _)| *field == Field::Time)
            .find_map(|(_, value)| times::first(&plain(value)));
        if let (None, Some(range), Some(_)) = (talk.slot, range, frame.start) {
            talk.slot = Some(timeline.slot(range));
        }
    }

    /// Who the page says presents, strongest evidence first.
    fn page_speakers(
        &self,
        frame: &Frame,
        label: Option<&str>,
        presenters: &[String],
        together: &[Speaker],
    ) -> Vec<Speaker> {
        let mut speakers = frame.speakers.to_vec();
        if speakers.is_empty() {
            speakers = label.map(people::speakers).unwrap_or_default();
        }
        // `## 分享人简介` over one person: the page's presenter. Several are
        // the people of an event with several talks.
        if speakers.is_empty() && self.roster.len() == 1 {
            speakers = self.roster.clone();
        }
        // Several named together on one line, and nobody else: who present
        // the page's one talk together.
        if speakers.is_empty() && !together.is_empty() && self.roster.len() == together.len() {
            speakers = together.to_vec();
        }
        if speakers.is_empty() {
            speakers.extend(presenters.first().map(|name| people::speaker(name)));
        }
        // Many authors, or a list of the event's speakers, are the people of
        // an event with several talks, not the presenters of one.
        // A recap's authors wrote about the event; they did not present it.
        let recap = labels::is_recap(frame.title);
        if speakers.is_empty() && frame.authors.len() <= 3 && self.roster.is_empty() && !recap {
            speakers = frame
                .authors
                .iter()
                .map(|author| super::lines::author_speaker(author))
                .filter(|s| is_person(&s.name, &[]))
                .collect();
        }
        // `Nov 09th - Argenis Arriojas`: a page titled with who presents.
        if speakers.is_empty() {
            if let Some((_, named)) = people::trailing_speakers(frame.title, &[]) {
                speakers = named
                    .into_iter()
                    .filter(|s| people::is_strong_name(&s.name))
                    .collect();
            }
        }
        speakers
    }

    /// A page with no programme that tells its talks in prose, each a
    /// 《title》 after who gave it, has those talks.
    pub(super) fn told_in_prose(&mut self, prose: &[(usize, String)]) {
        if self
            .items
            .iter()
            .any(|item| matches!(item, AgendaItem::Talk(_)))
        {
            return;
        }
        for (line, text) in prose {
            for (title, speaker) in mentions::titled_in_prose(text) {
                self.items.push(AgendaItem::Talk(Talk {
                    title: Rich::inline(&title),
                    speakers: vec![speaker],
                    line: *line,
                    ..Talk::default()
                }));
            }
        }
    }

    /// Where the page's single talk goes, or `None` when the programme has
    /// talks that name their speakers.
    fn talk_slots(&self) -> Option<Place> {
        let mut talks = self
            .items
            .iter()
            .enumerate()
            .filter_map(|(at, item)| match item {
                AgendaItem::Talk(talk) => Some((at, talk)),
                AgendaItem::Break(_) => None,
            });
        match (talks.next(), talks.next()) {
            (None, _) => Some(Place::Empty),
            (Some((at, talk)), None) if talk.speakers.is_empty() => {
                Some(if labels::is_talk_slot(&talk.title.plain()) {
                    Place::Placeholder(at, talk.slot)
                } else {
                    Place::Unnamed(at)
                })
            }
            _ => None,
        }
    }

    /// Roster details reach the talks' speakers, then a description of the
    /// speaker elsewhere on the page (`prose`); talks that still lack a title
    /// are named by their speakers; talks with no speaker are reported.
    pub(super) fn complete_talks(&mut self, prose: &[(usize, String)]) {
        for item in &mut self.items {
            let AgendaItem::Talk(talk) = item else {
                continue;
            };
            for speaker in &mut talk.speakers {
                named_by_bio(speaker);
                if let Some(known) = self.roster.iter().find(|r| r.name == speaker.name) {
                    speaker.company = speaker.company.take().or_else(|| known.company.clone());
                    speaker.bio = speaker.bio.take().or_else(|| known.bio.clone());
                    speaker.alias = speaker.alias.take().or_else(|| known.alias.clone());
                }
                if speaker.company.is_none() {
                    speaker.company = speaker
                        .bio
                        .as_ref()
                        .and_then(|bio| company_in_bio(&bio.plain()))
                        .or_else(|| described(prose, &speaker.name, talk.line));
                }
            }
            if talk.title.is_empty() {
                let names: Vec<&str> = talk.speakers.iter().map(|s| s.name.as_str()).collect();
                talk.title = Rich::inline(&names.join(", "));
            }
            if talk.speakers.is_empty() {
                talk.speakers
                    .extend(
                        mentions::named_before(prose, &talk.title.plain()).map(|name| {
                            crate::events::model::Speaker {
                                name,
                                ..Default::default()
                            }
                        }),
                    );
            }
            if talk.speakers.is_empty() {
                self.warnings.push((
                    talk.line,
                    format!("the talk “{}” names no speaker", talk.title.plain()),
                ));
            }
        }
    }
}

/// `@lancern` with the bio `牟思睿/Lancern/musf，目前在…`: a speaker known by a
/// handle is named by the name their bio opens with; the handle stays as
/// the alias.
fn named_by_bio(speaker: &mut crate::events::model::Speaker) {
    if !speaker.name.starts_with('@') {
        return;
    }
    let Some(bio) = &speaker.bio else {
        return;
    };
    let bio = bio.plain();
    let head = bio
        .split(['/', '／', '，', ',', '：', ':', '（', '('])
        .next()
        .unwrap_or_default()
        .trim();
    if people::is_cjk_name(head) || people::is_latin_name(head) {
        let handle = std::mem::replace(&mut speaker.name, head.to_string());
        speaker.alias = speaker.alias.take().or(Some(handle));
    }
}

/// A short bio is a description (`IoT Field Engineer, Canonical`); a long
/// one counts only where it clearly names an organisation.
fn company_in_bio(bio: &str) -> Option<String> {
    const DESCRIPTION: usize = 80;
    if bio.chars().count() <= DESCRIPTION {
        organisation::of_description(bio)
    } else {
        organisation::in_bio(bio)
    }
}

/// The organisation a line opening with `name` gives (`姜宁，ASF Member，华为技术专家`,
/// `Echo Tang: Executive Editor-in-Chief of CSDN`): the first such line after
/// the talk's own, else the last before it.
fn described(prose: &[(usize, String)], name: &str, talk_line: usize) -> Option<String> {
    if name.is_empty() {
        return None;
    }
    let (before, after): (Vec<_>, Vec<_>) = prose
        .iter()
        .filter(|(line, _)| *line != talk_line)
        .filter_map(|(line, text)| Some((*line, description_of(text, name)?)))
        .partition(|(line, _)| *line < talk_line);
    after
        .iter()
        .chain(before.iter().rev())
        .find_map(|(_, description)| organisation::of_description(description))
}

/// What follows `name` at the start of `text`, when the text describes the
/// person: after a separator (`，`, `:`), `是` or ` is `, past a parenthesis
/// (`肥猫 (Felix Yan)：Arch Linux 开发者`).
fn description_of<'t>(text: &'t str, name: &str) -> Option<&'t str> {
    let text = text.trim_start();
    let Some(rest) = text.strip_prefix(name).or_else(|| after_a_word(text, name)) else {
        return by_first_names(text, name);
    };
    let rest = match people::parenthesised_prefix(rest) {
        Some(after) => after,
        None => rest,
    };
    if rest.starts_with('是') {
        return Some(rest);
    }
    if let Some(after) = rest.strip_prefix(" is ") {
        return Some(after);
    }
    // `郑德惠 唯品会 Java 资深开发工程师`: after a Chinese name a space
    // separates too (after a Latin one it begins a sentence).
    let separators: &[char] = if people::is_cjk_name(name) {
        &['，', ',', '：', ':', ' ']
    } else {
        &['，', ',', '：', ':']
    };
    let after = rest.strip_prefix(separators)?;
    Some(after.trim_start())
}

/// `讲者鲍亦澄，来自…`: a word or two (who the person is here) may come before
/// the name, not a sentence.
fn after_a_word<'t>(text: &'t str, name: &str) -> Option<&'t str> {
    let at = text.find(name)?;
    let before = text[..at].trim_end_matches(['：', ':', ' ']);
    let word = (1..=4).contains(&before.chars().count()) && before.chars().all(people::is_han);
    word.then(|| &text[at + name.len()..])
}

/// `Hong Phuc is the founder of FOSSASIA`, `Divya 是 SUSE 的高级技术布道师`:
/// a bio often calls the person by their first names, then says what they are.
fn by_first_names<'t>(text: &'t str, name: &str) -> Option<&'t str> {
    let words: Vec<&str> = name.split_whitespace().collect();
    (1..words.len()).rev().find_map(|count| {
        let rest = text.strip_prefix(&words[..count].join(" "))?;
        rest.strip_prefix(" is ")
            .or_else(|| rest.strip_prefix(" 是").map(|_| rest.trim_start()))
    })
}
