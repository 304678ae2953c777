//! The body of an event page read as its programme.
//!
//! Organizers write agendas in many ways (a heading per talk with labelled
//! lines, a bold line per talk, a list or a table of talks, timed lines,
//! theme shortcodes) and often several on one page, around prose that is not
//! an agenda at all. The reader walks the page's blocks once, keeping a
//! little context (are we under a programme heading? a speakers list?
//! abstracts?) and a draft of the talk being read; a heading becomes a talk
//! only when something under it says so (a speaker, a labelled part, a
//! time), so prose sections and grouping headings never turn into phantom
//! talks.

mod announced;
mod blocks;
mod complete;
mod dates;
mod draft;
mod entry;
mod html_tables;
mod labels;
mod lines;
mod mentions;
mod organisation;
mod people;
mod restated;
mod shortcodes;
mod times;

use crate::events::model::{AgendaItem, Break, Instant, Slot, Speaker, Talk};
use crate::events::rich::Rich;

use blocks::{Block, Item, Line, Row};
use entry::{name_colon_title, Entry};
use labels::Field;
use people::{is_person, plain};
use times::Timeline;

use draft::{Draft, Origin};
use lines::{
    roster_entry, split_who_title, titled_then_speaker, whole_bold, whole_italic, whole_quoted,
};

pub use people::speaker;

/// What the page's front matter tells the agenda reader.
#[derive(Debug, Clone)]
pub struct Frame<'a> {
    /// The event's start: talk times are on its date, in its offset. An
    /// undated page still has an agenda, but its talks have no times.
    pub start: Option<Instant>,
    pub end: Option<Instant>,
    /// The page's title: a single-talk page's talk is usually titled so.
    pub title: &'a str,
    /// `authors` / `author`: on many sites the speakers of the event.
    pub authors: &'a [String],
    /// `speaker` / `speakers`: the people the page itself says present.
    pub speakers: &'a [Speaker],
    /// The front matter's `abstract`, for a single-talk page's talk.
    pub abstract_: Option<&'a str>,
    /// A programme kept in the front matter (`agenda: [{time, item}]`).
    pub programme: &'a [Listed],
    /// The bot's zone: an undated page whose headings give dates has its
    /// talks at those dates in it.
    pub zone: chrono_tz::Tz,
}

/// One entry of a front-matter programme, as written.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Listed {
    pub time: Option<String>,
    pub text: String,
    /// The file line of the entry.
    pub line: usize,
}

/// The programme of a page, and the people listed apart from it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Agenda {
    pub items: Vec<AgendaItem>,
    /// A speakers list (`**嘉宾及讲师介绍**`, `### Confirmed Speakers`).
    pub roster: Vec<Speaker>,
    /// Doubtful data, by file line.
    pub warnings: Vec<(usize, String)>,
    /// Text that looked like an agenda item but was not taken as one, by file
    /// line, with the reason: `herald explain` shows it to the organizer.
    pub skipped: Vec<(usize, String)>,
}

/// Reads `body`, whose first line is line `first_line` of its file.
pub fn read(body: &str, first_line: usize, frame: &Frame) -> Agenda {
    let mut reader = Reader::new(frame);
    reader.first_line = first_line;
    reader.listed(frame.programme);
    let blocks = blocks::blocks(body, first_line);
    for block in &blocks {
        reader.block(block);
    }
    reader.finish(shortcodes::abstracts(body, first_line), &blocks)
}

/// Where in the page we are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Context {
    Prose,
    /// Under `## 话题`, `# Schedule`: lists are talks.
    Programme,
    /// After timed lines: timed items are talks, the rest commentary.
    Timed,
    /// Under a speakers list: entries are people.
    Roster,
    /// Under `### Abstracts`: headings add to talks already read.
    Abstracts,
}

/// A programme item before the page is fully read.
enum Pending {
    Talk(Talk),
    Break(Break),
    /// A break heading that only stays if talks follow it (so `### Registration`
    /// at the end of a page is not a break).
    MaybeBreak(Break),
}

struct Reader<'a> {
    frame: &'a Frame<'a>,
    timeline: Timeline,
    context: Context,
    context_level: u8,
    items: Vec<Pending>,
    draft: Option<Draft>,
    roster: Vec<Speaker>,
    /// A roster entry still waiting for its affiliation or bio.
    roster_open: Option<usize>,
    /// `主讲人：…`, `Time: …`, `课程主题：…` outside any talk: a single-talk
    /// page's details.
    loose: Vec<(Field, String)>,
    /// What was read and not taken, with why: for `herald explain`.
    skipped: Vec<(usize, String)>,
    /// The body's first line: where a page that is one talk starts it.
    first_line: usize,
    /// People running text presents (`Harsha lead the talk`).
    presenters: Vec<String>,
    /// People a speaker heading names together on one line
    /// (`张伟，Alice，Bob`): on a page with no programme, who present it.
    together: Vec<Speaker>,
    /// The level of the heading just read, when nothing came after it yet.
    heading_before: Option<u8>,
    /// Every text line and list item, plain, by file line: where a speaker's
    /// description may be (`吴晟是 tetrate.io 的创始工程师`) when their talk
    /// line names no organisation.
    prose: Vec<(usize, String)>,
}

impl<'a> Reader<'a> {
    fn new(frame: &'a Frame<'a>) -> Self {
        Reader {
            frame,
            timeline: Timeline::new(frame.start, frame.zone),
            context: Context::Prose,
            context_level: 0,
            items: Vec::new(),
            draft: None,
            roster: Vec::new(),
            roster_open: None,
            loose: Vec::new(),
            heading_before: None,
            presenters: Vec::new(),
            together: Vec::new(),
            first_line: 0,
            skipped: Vec::new(),
            prose: Vec::new(),
        }
    }

    /// The front matter's programme reads as a programme section would.
    fn listed(&mut self, programme: &[Listed]) {
        self.context = Context::Programme;
        for entry in programme {
            let range = entry
                .time
                .as_deref()
                .and_then(|t| times::whole(t).or_else(|| times::first(t)));
            let slot = range.map(|range| self.timeline.slot(range));
            self.entry(&entry.text, slot, entry.line);
        }
        self.context = Context::Prose;
    }

    fn block(&mut self, block: &Block) {
        let previous = self.heading_before.take();
        self.keep_prose(block);
        match block {
            Block::Heading { level, text, line } => {
                // `### 《English title》` then `### （中文标题）`: the second
                // heading only translates the first, unless it opens a
                // section of its own (`## 分享者自我介绍`).
                let subtitle = previous == Some(*level)
                    && !labels::opens_section(&plain(text))
                    && self.draft.as_ref().is_some_and(|d| {
                        d.origin == Origin::Heading && !d.confirmed && d.is_empty()
                    });
                if !subtitle {
                    self.heading(*level, text, *line);
                }
                self.heading_before = Some(*level);
            }
            Block::Paragraph { lines } => self.paragraph(lines),
            Block::List { items } => self.list(items),
            Block::Table { rows } => self.table(rows),
            Block::Rule => {}
        }
    }

    // ----- headings -------------------------------------------------------

    fn keep_prose(&mut self, block: &Block) {
        match block {
            Block::Paragraph { lines } => self
                .prose
                .extend(lines.iter().map(|l| (l.line, plain(&l.text)))),
            Block::List { items } => self
                .prose
                .extend(items.iter().map(|i| (i.line, plain(&i.text)))),
            _ => {}
        }
    }

    fn heading(&mut self, level: u8, text: &str, line: usize) {
        let title = plain(text);
        let title = match labels::after_title_label(&title) {
            Some(value) => value.to_string(),
            None => title,
        };
        // `#### Speaker: [Guillaume Claret](…)` under the talk's own heading.
        if let Some((field @ (Field::Speaker | Field::Time), value)) = labels::label(&title) {
            match &mut self.draft {
                Some(draft) => draft.label(field, value, &mut self.timeline),
                None => self.loose.push((field, value.to_string())),
            }
            return;
        }
        self.finish_draft();
        self.roster_open = None;
        if let Some(date) = dates::full_date(&title).filter(|_| title.chars().count() <= 60) {
            self.timeline.set_date(date);
            return;
        }
        if let Some(day) = labels::day_heading(&title) {
            self.timeline.set_day(day);
            return;
        }
        if labels::names_a_day(&title) {
            self.timeline.next_day();
            return;
        }
        if self.context != Context::Prose && level <= self.context_level {
            self.context = Context::Prose;
        }
        for (is, context) in [
            (
                labels::is_roster_heading as fn(&str) -> bool,
                Context::Roster,
            ),
            (labels::is_abstracts_heading, Context::Abstracts),
            (labels::is_agenda_heading, Context::Programme),
        ] {
            if is(&title) {
                self.context = context;
                self.context_level = level;
                return;
            }
        }
        if self.abstract_heading(&title, line) {
            return;
        }
        let (slot, title) = self.timed(&title);
        if labels::is_pause(&title) {
            let pause = Break { title, slot, line };
            self.items.push(match slot {
                Some(_) => Pending::Break(pause),
                None => Pending::MaybeBreak(pause),
            });
            return;
        }
        let mut draft = Draft::new(Rich::inline(&title), line, Origin::Heading);
        draft.talk.slot = slot;
        draft.confirmed = slot.is_some();
        self.draft = Some(draft);
    }

    /// A time leading or trailing a title, placed on the event's timeline.
    fn timed(&mut self, title: &str) -> (Option<Slot>, String) {
        match times::leading(title).or_else(|| times::trailing(title)) {
            Some((range, rest)) if !rest.is_empty() => {
                (Some(self.timeline.slot(range)), rest.to_string())
            }
            _ => (None, title.to_string()),
        }
    }

    /// `#### Martin Fischer (LMU Munich): Title` under abstracts, or naming a
    /// speaker already on the programme: the text below is that talk's abstract.
    fn abstract_heading(&mut self, title: &str, line: usize) -> bool {
        let Some((who, talk_title)) = name_colon_title(title, self.frame.authors) else {
            return false;
        };
        let person = people::speaker(who);
        if let Some(index) = self.talk_by(&person.name) {
            if let Pending::Talk(talk) = &mut self.items[index] {
                if talk.title.is_empty() && !talk_title.is_empty() {
                    talk.title = Rich::inline(talk_title);
                }
            }
            let mut draft = Draft::new(Rich::default(), line, Origin::Existing(index));
            draft.names_open = false;
            self.draft = Some(draft);
            return true;
        }
        // `### 孙七：大模型推理加速实践`: a whole name with a surname (or
        // one of the page's authors) before the colon heads their talk.
        let named = !talk_title.trim().is_empty()
            && is_person(who, self.frame.authors)
            && people::is_strong_name(who);
        if self.context != Context::Abstracts && !named {
            return false;
        }
        let mut draft = Draft::new(Rich::inline(talk_title), line, Origin::Heading);
        draft.talk.speakers.push(person);
        draft.confirmed = true;
        draft.names_open = false;
        self.draft = Some(draft);
        true
    }

    fn talk_by(&self, name: &str) -> Option<usize> {
        self.items.iter().position(|item| match item {
            Pending::Talk(talk) => talk.speakers.iter().any(|s| s.name == name),
            _ => false,
        })
    }

    // ----- paragraphs -----------------------------------------------------

    fn paragraph(&mut self, lines: &[Line]) {
        if self.draft.is_none() {
            self.note_labels(lines.iter().map(|l| l.text.as_str()));
            // `"Large Memory Server Design Overview"` over `Abstract:`: a
            // quoted line right before the abstract names the page's talk.
            if let [first, second, ..] = lines {
                let abstract_follows =
                    matches!(labels::label(&second.text), Some((Field::Abstract, _)));
                if let Some(title) = whole_quoted(&first.text).filter(|_| abstract_follows) {
                    self.loose.push((Field::Title, title.to_string()));
                }
            }
            // Only a page with no programme uses a presenter, and only its first.
            if self.presenters.is_empty() && self.items.is_empty() {
                let text: Vec<&str> = lines.iter().map(|l| l.text.as_str()).collect();
                self.presenters.extend(mentions::presenter(&text.join(" ")));
            }
        }
        let single_bold = match lines {
            [only] => whole_bold(&only.text),
            _ => None,
        };
        // `Agenda:` or `**活动议程**` alone on its line heads a programme.
        let lead_in = match lines {
            [only] => single_bold.or_else(|| only.text.trim().strip_suffix([':', '：'])),
            _ => None,
        };
        if lead_in.is_some_and(labels::is_agenda_heading) {
            self.finish_draft();
            self.context = Context::Programme;
            self.context_level = 7;
            return;
        }
        if let Some(inner) = single_bold {
            if labels::is_roster_heading(inner) {
                self.finish_draft();
                self.context = Context::Roster;
                self.context_level = 7;
                return;
            }
            if let Some(draft) = self.bold_line_talk(inner, lines[0].line) {
                self.finish_draft();
                self.draft = Some(draft);
                return;
            }
            // `**1、深入浅出聊一聊 Libra 架构**` over `讲师：…`: a bold line is a
            // heading when what follows says it is a talk.
            let asks = inner.ends_with(['?', '？', ':', '：']);
            if labels::label(&lines[0].text).is_none() && times::leading(inner).is_none() && !asks {
                self.finish_draft();
                let title = people::numbered(inner);
                self.draft = Some(Draft::new(
                    Rich::inline(title),
                    lines[0].line,
                    Origin::Heading,
                ));
                return;
            }
        }
        if let Some(draft) = self.bold_by_talk(lines) {
            self.finish_draft();
            self.draft = Some(draft);
            return;
        }
        let timed =
            |l: &Line| times::leading(&l.text).is_some() && labels::label(&l.text).is_none();
        if let Some(draft) = self.label_block(lines) {
            self.finish_draft();
            self.draft = Some(draft);
            return;
        }
        if self.draft.is_none() && self.context != Context::Roster {
            let talks: Vec<Talk> = lines.iter().filter_map(titled_then_speaker).collect();
            if !talks.is_empty() {
                self.items.extend(talks.into_iter().map(Pending::Talk));
                return;
            }
        }
        if self.context == Context::Roster && self.draft.is_none() {
            self.roster_paragraph(lines);
        } else if self.draft.is_some() && !timed(&lines[0]) {
            self.talk_paragraph(lines);
        } else if lines.iter().any(timed) {
            self.finish_draft();
            // Timed lines make a programme of what follows, up to the next heading.
            self.context = Context::Timed;
            self.context_level = 7;
            for line in lines {
                self.timed_line(line);
            }
        }
    }

    /// `Time: 19:00` / `Title: Vapor mode explained` / `Speaker: Lena Berg`:
    /// a paragraph of labels alone, one a title, is a talk written as a
    /// record. What follows (its abstract) is its own, as under a heading.
    fn label_block(&mut self, lines: &[Line]) -> Option<Draft> {
        if lines.len() < 2 || self.context == Context::Roster {
            return None;
        }
        let labelled: Vec<(Field, &str)> = lines
            .iter()
            .map(|l| labels::label(&l.text))
            .collect::<Option<_>>()?;
        let has = |wanted: Field| {
            labelled
                .iter()
                .any(|(field, value)| *field == wanted && !value.is_empty())
        };
        if !(has(Field::Title) && (has(Field::Speaker) || has(Field::Time))) {
            return None;
        }
        let mut draft = Draft::new(Rich::default(), lines[0].line, Origin::Record);
        for (field, value) in labelled {
            draft.label(field, value, &mut self.timeline);
        }
        Some(draft)
    }

    /// Under a programme heading, `**Modern C++** by @lancern` alone in its
    /// paragraph opens a talk: what follows (abstract, speaker details) is its.
    fn bold_by_talk(&self, lines: &[Line]) -> Option<Draft> {
        let [only] = lines else {
            return None;
        };
        if self.context != Context::Programme || !only.text.trim_start().starts_with("**") {
            return None;
        }
        let Entry::Talk {
            title, speakers, ..
        } = entry::entry(&only.text, self.frame.authors)
        else {
            return None;
        };
        if speakers.is_empty() || title.is_empty() {
            return None;
        }
        let mut draft = Draft::new(Rich::inline(&title), only.line, Origin::BoldLine);
        draft.talk.speakers = speakers;
        draft.confirmed = true;
        draft.names_open = false;
        Some(draft)
    }

    /// `**张亮（京东金融）：Service Mesh 的延伸**` or `**张超盟（华为）——Title**`.
    fn bold_line_talk(&self, inner: &str, line: usize) -> Option<Draft> {
        let (who, title) = split_who_title(inner)?;
        if !is_person(who, self.frame.authors) || title.is_empty() {
            return None;
        }
        let mut draft = Draft::new(Rich::inline(title), line, Origin::BoldLine);
        draft.talk.speakers.push(people::speaker(who));
        draft.confirmed = true;
        draft.names_open = false;
        Some(draft)
    }

    fn talk_paragraph(&mut self, lines: &[Line]) {
        let authors = self.frame.authors;
        let draft = self.draft.as_mut().expect("called with a draft");
        if draft.opens_bio(&lines[0].text) {
            let text: Vec<String> = lines.iter().map(|l| l.text.clone()).collect();
            draft.bios.push((0, text));
            return;
        }
        if draft
            .field
            .is_some_and(|open| open.inline && !open.field.runs_on())
        {
            draft.field = None;
        }
        let mut named = false;
        for line in lines {
            if let Some((field, value)) = labels::label(&line.text) {
                draft.label(field, value, &mut self.timeline);
                continue;
            }
            if draft.field.is_none() && draft.names_open && draft.name_line(&line.text, authors) {
                named = true;
                continue;
            }
            draft.push_line(&line.text);
        }
        draft.names_open = named;
        draft.push_line("");
    }

    fn timed_line(&mut self, line: &Line) {
        let text = whole_bold(&line.text).unwrap_or(&line.text);
        if let Some((range, rest)) = times::leading(text) {
            let slot = self.timeline.slot(range);
            self.entry(rest, Some(slot), line.line);
        }
    }

    fn roster_paragraph(&mut self, lines: &[Line]) {
        let first = &lines[0].text;
        if let Some(entry) = roster_entry(first, self.frame.authors) {
            let has_bio = entry.bio.is_some();
            self.roster.push(entry);
            self.roster_open = (!has_bio).then_some(self.roster.len() - 1);
            return;
        }
        let Some(index) = self.roster_open.take() else {
            // `严松，蚂蚁集团技术专家` alone on its line: the people it names.
            if let [only] = lines {
                let authors = self.frame.authors;
                let people: Vec<Speaker> =
                    people::with_authors(people::speakers(&only.text), authors)
                        .into_iter()
                        .filter(|p| is_person(&p.name, authors) && !organisation::is_group(&p.name))
                        .collect();
                if people.len() > 1 {
                    self.together.extend(people.iter().cloned());
                }
                self.roster.extend(people);
            }
            return;
        };
        let person = &mut self.roster[index];
        let text: Vec<&str> = lines.iter().map(|l| l.text.as_str()).collect();
        match whole_italic(first) {
            Some(affiliation) if lines.len() == 1 && person.company.is_none() => {
                person.company = Some(plain(affiliation));
            }
            _ => person.bio = Some(Rich::from_lines(&text)),
        }
    }

    // ----- lists and tables -----------------------------------------------

    fn note_labels<'t>(&mut self, lines: impl Iterator<Item = &'t str>) {
        for line in lines {
            if let Some((field, value)) = labels::label(line) {
                if !value.is_empty() {
                    self.loose.push((field, value.to_string()));
                }
            }
        }
    }

    fn list(&mut self, items: &[Item]) {
        if self.draft.is_none() {
            self.note_labels(items.iter().map(|i| i.text.as_str()));
        }
        let authors = self.frame.authors;
        if let Some(draft) = &mut self.draft {
            // `- 郭杨斌，中海庭云端平台科室经理`: a list of people and their jobs
            // under a talk that names nobody is who gives it.
            if draft.field.is_none() && draft.talk.speakers.is_empty() {
                if let Some(people) = listed_people(items, authors) {
                    draft.talk.speakers = people;
                    draft.confirmed = true;
                    return;
                }
            }
            let is_group = draft.origin == Origin::Heading && !draft.confirmed && draft.is_empty();
            if draft.field.is_some() || !is_group || !self.is_programme_list(items) {
                let draft = self.draft.as_mut().expect("checked above");
                for item in items {
                    for raw in &item.raw {
                        draft.push_line(raw);
                    }
                }
                return;
            }
            // The heading only grouped the talks listed under it.
            self.draft = None;
        }
        let timed = items
            .iter()
            .filter(|i| times::leading(&i.text).is_some())
            .count();
        if self.context == Context::Roster && timed * 2 > items.len() {
            // `嘉宾介绍及活动日程`: the people, then the timed programme.
            self.context = Context::Timed;
        }
        if self.context == Context::Roster {
            self.roster_list(items);
            return;
        }
        let navigation = timed == 0 && self.context == Context::Prose && self.is_navigation(items);
        for item in items.iter().filter(|item| !item.nested) {
            match times::leading(&item.text) {
                Some((range, rest)) => {
                    let slot = self.timeline.slot(range);
                    self.entry(rest, Some(slot), item.line);
                }
                // Its details are still the event's, and said so.
                None if navigation => {
                    self.detail(&item.text, item.line);
                }
                None => self.entry(&item.text, None, item.line),
            }
        }
    }

    /// People, one an item; an item that also gives a title
    /// (`**Name** (University). *Title.*`) is that person's talk.
    fn roster_list(&mut self, items: &[Item]) {
        let authors = self.frame.authors;
        for item in items.iter().filter(|i| !i.nested) {
            // `王雪瑞：Gentoo 开发者` says what a person does; only a title set
            // off as one (italic, quoted, 《》) makes a talk.
            let set_off = item
                .text
                .chars()
                .skip(2)
                .any(|c| matches!(c, '*' | '_' | '《' | '“' | '"'));
            match entry::entry(&item.text, authors) {
                Entry::Talk {
                    title,
                    speakers,
                    video,
                } if set_off && !title.is_empty() && !speakers.is_empty() => {
                    self.items.push(Pending::Talk(Talk {
                        title: Rich::inline(&title),
                        speakers,
                        video,
                        line: item.line,
                        ..Talk::default()
                    }));
                }
                _ => {
                    if let Some(person) = roster_entry(&item.text, authors) {
                        self.roster.push(person);
                        continue;
                    }
                    let person = people::speaker(&item.text);
                    if is_person(&person.name, authors) {
                        self.roster.push(person);
                    }
                }
            }
        }
    }

    /// Links to other places (`[Rust Paris](…)`, `[Rust TLV (Tel Aviv)](…)`),
    /// not recordings: in prose, a list most of whose items name nobody is
    /// not a list of talks, whatever one of them looks like.
    fn is_navigation(&self, items: &[Item]) -> bool {
        let top: Vec<&Item> = items.iter().filter(|item| !item.nested).collect();
        let talks = top
            .iter()
            .filter(|item| {
                matches!(entry::entry(&item.text, self.frame.authors), Entry::Talk { ref speakers, .. } if !speakers.is_empty())
            })
            .count();
        top.len() >= 3 && talks * 2 < top.len()
    }

    fn is_programme_list(&self, items: &[Item]) -> bool {
        items.iter().any(|item| {
            times::leading(&item.text).is_some()
                || matches!(entry::entry(&item.text, self.frame.authors), Entry::Talk { ref speakers, .. } if !speakers.is_empty())
        })
    }

    /// `地点：…`, `Date: …`: a detail of the event, noted as skipped. Returns
    /// whether `text` is one.
    fn detail(&mut self, text: &str, line: usize) -> bool {
        let detail = labels::is_detail(text);
        if detail {
            self.skipped.push((
                line,
                format!(
                    "“{}” is a detail of the event, not an agenda item",
                    plain(text)
                ),
            ));
        }
        detail
    }

    /// One programme line, timed or not. Outside a programme section only
    /// timed lines and recorded talks with speakers count: a list of links
    /// or `Label: value` lines in prose is not an agenda.
    fn entry(&mut self, text: &str, slot: Option<Slot>, line: usize) {
        if slot.is_none() && self.detail(text, line) {
            return;
        }
        let in_programme = matches!(self.context, Context::Programme | Context::Timed);
        // Under `## Agenda`, a bare title is a talk whose speaker is not named;
        // among timed lines, an untimed line is commentary.
        let titles_count = self.context == Context::Programme;
        let read = match slot {
            Some(_) => entry::timed_entry(text, self.frame.authors),
            None => entry::entry(text, self.frame.authors),
        };
        match read {
            Entry::Talk {
                title,
                speakers,
                video,
            } if in_programme || slot.is_some() || (video.is_some() && !speakers.is_empty()) => {
                self.items.push(Pending::Talk(Talk {
                    title: Rich::inline(&title),
                    speakers,
                    slot,
                    video,
                    line,
                    ..Talk::default()
                }));
            }
            Entry::Break(title) if slot.is_some() && labels::is_session(&title) => {
                self.skipped.push((
                    line,
                    format!("“{title}” heads a session: the talks under it are the items"),
                ));
            }
            Entry::Break(title) if in_programme || slot.is_some() => {
                self.items.push(Pending::Break(Break { title, slot, line }));
            }
            Entry::Unknown(title) if slot.is_none() && is_sentence(&title) => {
                self.skipped.push((
                    line,
                    format!("“{title}” reads as a sentence about the event, not a title"),
                ));
            }
            Entry::Unknown(title) if slot.is_some() || titles_count => {
                self.items.push(Pending::Talk(Talk {
                    title: Rich::inline(&title),
                    slot,
                    line,
                    ..Talk::default()
                }));
            }
            _ => {}
        }
    }

    fn table(&mut self, rows: &[Row]) {
        self.finish_draft();
        let Some((header, body)) = rows.split_first() else {
            return;
        };
        let columns: Vec<Option<Field>> = header.cells.iter().map(|h| labels::column(h)).collect();
        if !columns.contains(&Some(Field::Title)) {
            return;
        }
        let titles: Vec<usize> = (0..columns.len())
            .filter(|&i| columns[i] == Some(Field::Title))
            .collect();
        for row in body {
            // `| Time | Track A | Track B |`: a talk per track, the row's
            // other cells shared; a break across the tracks is one break.
            let mut read: Vec<&str> = Vec::new();
            for &at in &titles {
                let text = row.cells.get(at).map_or("", |cell| cell.trim());
                if titles.len() > 1 && (text.is_empty() || read.contains(&text)) {
                    continue;
                }
                read.push(text);
                let track: Vec<Option<Field>> = (0..columns.len())
                    .map(|i| columns[i].filter(|f| *f != Field::Title || i == at))
                    .collect();
                self.table_row(&track, &row.cells, row.line);
            }
        }
    }

    fn table_row(&mut self, columns: &[Option<Field>], row: &[String], line: usize) {
        let cell = |field: Field| {
            columns
                .iter()
                .position(|c| *c == Some(field))
                .and_then(|i| row.get(i))
                .map(|text| text.trim())
                .filter(|text| !text.is_empty())
        };
        let has_speaker_column = columns.contains(&Some(Field::Speaker));
        let title = cell(Field::Title).unwrap_or_default();
        let slot = cell(Field::Time)
            .and_then(|time| times::whole(time).or_else(|| times::first(time)))
            .map(|range| self.timeline.slot(range));
        let mut speakers = cell(Field::Speaker)
            .map(people::speakers)
            .unwrap_or_default();
        let mut title = Rich::inline(title);
        let mut video = None;
        if speakers.is_empty() && !has_speaker_column {
            // `[Title (Speaker, Speaker)](video)` in a table of sessions.
            if let Entry::Talk {
                title: named,
                speakers: found,
                video: link,
            } = entry::entry(cell(Field::Title).unwrap_or_default(), self.frame.authors)
            {
                if !found.is_empty() {
                    title = Rich::inline(&named);
                    speakers = found;
                    video = link;
                }
            }
        }
        if let Some(company) = cell(Field::Company) {
            for speaker in speakers.iter_mut().filter(|s| s.company.is_none()) {
                speaker.company = Some(plain(company));
            }
        }
        // A row with nobody in a table that names who presents is a break;
        // one whose speaker is still to be announced (`TBA`) is a talk.
        let held = cell(Field::Speaker).is_some_and(people::is_placeholder);
        let unpeopled = speakers.is_empty() && has_speaker_column && !held;
        if title.is_empty()
            || speakers.is_empty() && (unpeopled || labels::is_break(&title.plain()))
        {
            if !title.is_empty() {
                let title = title.plain();
                self.items.push(Pending::Break(Break { title, slot, line }));
            }
            return;
        }
        self.items.push(Pending::Talk(Talk {
            title,
            speakers,
            slot,
            abstract_: cell(Field::Abstract).map(Rich::inline),
            video,
            line,
            ..Talk::default()
        }));
    }

    // ----- the end ----------------------------------------------------------

    /// Under `## 活动议程`, a heading with an abstract below it is a talk even
    /// when the page names nobody for it.
    fn titles_count(&self, draft: &Draft) -> bool {
        self.context == Context::Programme
            && draft.origin == Origin::Heading
            && !draft.abstract_lines.iter().all(|l| l.trim().is_empty())
    }

    fn finish_draft(&mut self) {
        let Some(draft) = self.draft.take() else {
            return;
        };
        match draft.origin {
            Origin::Existing(index) => {
                if let Some(Pending::Talk(talk)) = self.items.get_mut(index) {
                    let extra = draft.into_talk();
                    talk.abstract_ = talk.abstract_.take().or(extra.abstract_);
                }
            }
            // A timed heading is a programme item: `### 6:30 PM – Doors
            // open`, with nobody under it, is the day's running, as the same
            // line in a list would be.
            Origin::Heading if is_running(&draft.talk) => {
                self.items.push(Pending::Break(Break {
                    title: draft.talk.title.plain(),
                    slot: draft.talk.slot,
                    line: draft.talk.line,
                }));
            }
            _ if draft.confirmed
                || !draft.talk.speakers.is_empty()
                || self.titles_count(&draft) =>
            {
                self.items.push(Pending::Talk(draft.into_talk()));
            }
            _ => {}
        }
    }

    fn finish(mut self, abstracts: Vec<shortcodes::AbstractCode>, blocks: &[Block]) -> Agenda {
        self.finish_draft();
        let mut items = Vec::with_capacity(self.items.len());
        let mut pending = self.items.into_iter().peekable();
        while let Some(item) = pending.next() {
            let talk_next = matches!(pending.peek(), Some(Pending::Talk(_)));
            match item {
                Pending::Talk(talk) => items.push(AgendaItem::Talk(talk)),
                Pending::Break(pause) => items.push(AgendaItem::Break(pause)),
                Pending::MaybeBreak(pause) if talk_next => items.push(AgendaItem::Break(pause)),
                Pending::MaybeBreak(_) => {}
            }
        }
        let mut agenda = Agenda {
            items,
            roster: self.roster,
            warnings: Vec::new(),
            skipped: self.skipped,
        };
        agenda.merge_restated();
        agenda.attach_abstracts(abstracts);
        agenda.announced(blocks, self.frame, &mut self.timeline);
        agenda.told_in_prose(&self.prose);
        agenda.single_talk(
            self.frame,
            &self.loose,
            &self.presenters,
            &self.together,
            &mut self.timeline,
            self.first_line,
        );
        agenda.timed_by_page(self.frame, &self.loose, &mut self.timeline);
        if self.frame.start.is_none() {
            for item in &mut agenda.items {
                if !item.slot().is_some_and(|slot| self.timeline.knows(&slot)) {
                    item.clear_slot();
                }
            }
        }
        // The front matter's abstract is running text about the event too.
        let abstract_lines = self.frame.abstract_.into_iter().flat_map(str::lines);
        self.prose
            .extend(abstract_lines.map(|line| (self.first_line, line.trim().to_string())));
        agenda.complete_talks(&self.prose);
        agenda
    }
}

/// A timed talk that names nobody and whose title is the day's running:
/// a pause, or a break word with no title of its own after it (`Session 1:
/// Graphical Models` is a session someone gives).
fn is_running(talk: &Talk) -> bool {
    let title = talk.title.plain();
    let own_title = title
        .split_once([':', '：'])
        .is_some_and(|(_, rest)| rest.chars().filter(|c| c.is_alphanumeric()).count() >= 2);
    talk.slot.is_some()
        && talk.speakers.is_empty()
        && (labels::is_pause(&title) || labels::is_break(&title) && !own_title)
}

/// `Retro: feedback collected in the pad and offline. The most recurring
/// item was …`: a line of many words that ends as a sentence tells about
/// the event; a title is short and rarely ends with a full stop.
fn is_sentence(text: &str) -> bool {
    let text = text.trim();
    let long = text.split_whitespace().count() > 10 || text.chars().count() > 60;
    long && text.ends_with(['.', '。'])
}

/// Each item one person and their job (`郭杨斌，中海庭云端平台科室经理`,
/// `Jane Doe, Engineer at Acme`), or `None`.
fn listed_people(items: &[Item], authors: &[String]) -> Option<Vec<Speaker>> {
    let top = items.iter().filter(|item| !item.nested);
    let mut people = Vec::new();
    for item in top {
        let text = plain(&item.text);
        let text = text.trim().trim_end_matches(['；', ';', '。', '.']);
        let [person] = <[Speaker; 1]>::try_from(people::speakers(text)).ok()?;
        let rest = text.strip_prefix(person.name.as_str())?;
        if !is_person(&person.name, authors) || !organisation::has_role(rest) {
            return None;
        }
        people.push(person);
    }
    (!people.is_empty()).then_some(people)
}

#[cfg(test)]
mod tests;
