//! Speakers named in running text, for a page that is one talk with no
//! programme: `Harsha lead the talk covering …`, `presented by Jane Doe`,
//! `our speaker [Hussein Al Abry](…) will share`, or a bio that opens with the
//! speaker's name (`Christian Amsüss is active in …`).

use crate::events::model::Speaker;

use super::labels::lowercase;
use super::organisation;
use super::people::{is_cjk_name, is_han, is_latin_name, is_person, plain};

/// Verbs that say a person gives the talk.
const PRESENTS: &[&str] = &[
    "lead",
    "leads",
    "led",
    "present",
    "presents",
    "presented",
    "will",
    "gives",
    "gave",
    "talks",
    "shares",
    "shared",
    "speaks",
    "spoke",
    "hosts",
    "hosted",
];

/// Words before a name that introduce the speaker.
const BEFORE: &[&str] = &[
    "by",
    "speaker",
    "speaker,",
    "speaker:",
    "presenter",
    "presenter:",
];

/// Words that open a sentence capitalised but never name anyone.
const NOT_NAMES: &[&str] = &[
    "this", "that", "these", "those", "it", "we", "they", "there", "here", "he", "she", "you", "i",
    "our", "the", "a", "an", "everyone", "today", "tonight", "who",
];

/// The person a paragraph presents, if it names one plainly.
pub fn presenter(paragraph: &str) -> Option<String> {
    let text = plain(paragraph);
    let words: Vec<&str> = text.split_whitespace().collect();
    introduced(&words)
        .or_else(|| opening(&words))
        .or_else(|| who_will(&words))
}

/// `we have Scott Hanselman who will enlighten us`, `This month Hussein Al
/// Abry will help us`: a full name (two words or more) anywhere, followed by
/// `will` or `who will`.
fn who_will(words: &[&str]) -> Option<String> {
    (1..words.len()).find_map(|at| {
        let next = |n: usize| words.get(at + n).map(|w| lowercase(w));
        let will = next(0).as_deref() == Some("will")
            || next(0).as_deref() == Some("who") && next(1).as_deref() == Some("will");
        if !will {
            return None;
        }
        (2..=at.min(4)).rev().find_map(|take| {
            let run = &words[at - take..at];
            let before = at.checked_sub(take + 1).map(|i| words[i]);
            // The whole run of capitalised words, not its tail.
            let whole = before.is_none_or(|w| !w.starts_with(char::is_uppercase));
            let name = run.join(" ");
            (whole && is_latin_name(&name) && !NOT_NAMES.contains(&lowercase(run[0]).as_ref()))
                .then_some(name)
        })
    })
}

/// `… by Jane Doe`, `our speaker Hussein Al Abry will …`.
fn introduced(words: &[&str]) -> Option<String> {
    let at = words
        .iter()
        .position(|w| BEFORE.contains(&lowercase(w).as_ref()))?;
    name_at(&words[at + 1..], 2)
}

/// `Harsha lead the talk`, `Christian Amsüss is active in …`: the paragraph
/// opens with a name and a verb of presenting (or, for two or more words,
/// `is`: a bio).
fn opening(words: &[&str]) -> Option<String> {
    let name = name_at(words, 1)?;
    if NOT_NAMES.contains(&lowercase(&name).as_ref()) {
        return None;
    }
    let next = lowercase(words.get(name.split_whitespace().count())?);
    let two_words = name.split_whitespace().count() >= 2;
    (PRESENTS.contains(&next.as_ref())
        || two_words && matches!(next.as_ref(), "is" | "has" | "was"))
    .then_some(name)
}

/// The longest run of capitalised words (up to four) at the start of
/// `words` that reads as a name, of at least `least` words unless a verb
/// of presenting follows.
fn name_at(words: &[&str], least: usize) -> Option<String> {
    for take in (1..=words.len().min(4)).rev() {
        let candidate = words[..take].join(" ");
        let candidate = candidate.trim_end_matches([',', '.', ':', ';']);
        let follows = words.get(take).map(|w| lowercase(w));
        let verb = follows.as_deref().is_some_and(|w| PRESENTS.contains(&w));
        if is_latin_name(candidate) && (take >= least || verb) {
            return Some(candidate.to_string());
        }
    }
    None
}

/// Words between a speaker and the title they gave, in a recap's prose.
const GAVE: &[&str] = &[
    "带来的",
    "带来了",
    "分享的",
    "分享了",
    "主讲的",
    "讲解的",
    "介绍的",
    "的",
];

/// Talks a recap tells in running text, each a 《title》 after who gave it
/// with their job (`Westar实验室研究员方圆带来的《深入浅出Tokio异步编程》`):
/// the title, and the speaker with the organisation before the job.
pub fn titled_in_prose(text: &str) -> Vec<(String, Speaker)> {
    let mut talks = Vec::new();
    let mut from = 0;
    while let Some(open) = text[from..].find('《').map(|at| from + at) {
        let Some(close) = text[open..].find('》').map(|at| open + at) else {
            break;
        };
        let title = text[open + '《'.len_utf8()..close].trim();
        let clause = text[from..open]
            .rsplit(['，', ',', '。', '；', ';', '、'])
            .next()
            .unwrap_or_default();
        if let Some(speaker) = giver(clause) {
            if !title.is_empty() {
                talks.push((title.to_string(), speaker));
            }
        }
        from = close + '》'.len_utf8();
    }
    talks
}

/// `Westar实验室研究员方圆带来的` → 方圆 of Westar实验室: a Chinese name right
/// after a job.
fn giver(clause: &str) -> Option<Speaker> {
    let mut clause = clause.trim().trim_end_matches(['[', '：', ':', ' ']);
    if let Some(word) = GAVE.iter().find(|word| clause.ends_with(*word)) {
        clause = &clause[..clause.len() - word.len()];
    }
    let job_end = organisation::job_end(clause)?;
    let name = clause[job_end..].trim();
    if !is_cjk_name(name) {
        return None;
    }
    // `分别是…`, `由…`: the description starts after the sentence's verb.
    let description = &clause[..job_end];
    let description = description
        .rfind(['是', '由'])
        .map_or(description, |at| &description[at + '是'.len_utf8()..]);
    Some(Speaker {
        name: name.to_string(),
        company: organisation::of_description(description),
        ..Speaker::default()
    })
}

/// Verbs between a speaker and the talk they give, in running text.
const GIVES: &[&str] = &[
    "为我们分享",
    "为大家分享",
    "分享",
    "带来",
    "主讲",
    "讲解",
    "介绍",
];

/// The person running text says gives the talk `title`
/// (`…认证讲师的孟凡浩为我们分享 Kubernetes 的入门介绍`): a Chinese name right
/// before a verb of giving, in the sentence that names the title.
pub fn named_before(prose: &[(usize, String)], title: &str) -> Option<String> {
    if title.chars().count() < 4 {
        return None;
    }
    prose.iter().find_map(|(_, text)| {
        let at = text.find(title)?;
        let sentence = text[..at].rsplit(['。', '！', '？', '；']).next()?;
        let sentence = sentence.trim_end();
        let before_verb = GIVES.iter().find_map(|verb| sentence.strip_suffix(verb))?;
        let before_verb = before_verb.trim_end();
        // The name is the last two or three Han characters, after a
        // particle or punctuation.
        [3, 2].into_iter().find_map(|len| {
            let start = before_verb.char_indices().rev().nth(len - 1)?.0;
            let name = &before_verb[start..];
            let opens = before_verb[..start].chars().next_back();
            let set_off = opens.is_none_or(|c| !is_han(c) || matches!(c, '的' | '由' | '是'));
            (set_off && is_person(name, &[])).then(|| name.to_string())
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn presenters_in_running_text() {
        for (text, name) in [
            (
                "Harsha lead the talk covering the approach for deploying",
                "Harsha",
            ),
            (
                "Christian Amsüss is active in Free Software communities since 2005",
                "Christian Amsüss",
            ),
            (
                "This month, our speaker [Hussein Al Abry](https://z.tech) will share his insights",
                "Hussein Al Abry",
            ),
            ("A workshop presented by Jane Doe.", "Jane Doe"),
            (
                "luckily for us we have Scott Hanselman who will enlighten us on WSL",
                "Scott Hanselman",
            ),
            (
                "This month [Hussein Al Abry](https://z.tech) will help us identify patterns",
                "Hussein Al Abry",
            ),
        ] {
            assert_eq!(presenter(text).as_deref(), Some(name), "{text}");
        }
    }

    #[test]
    fn talks_told_in_a_recaps_prose() {
        let text = "包含三个主题，分别是Westar实验室研究员方圆带来的《深入浅出Tokio异步编程》,\
                    PingCAP资深开发者沈泰宁带来的《Rust network programming》。读过《三体》的人";
        let talks: Vec<(String, String, Option<String>)> = titled_in_prose(text)
            .into_iter()
            .map(|(title, s)| (title, s.name, s.company))
            .collect();
        assert_eq!(
            talks,
            [
                (
                    "深入浅出Tokio异步编程".to_string(),
                    "方圆".to_string(),
                    Some("Westar实验室".to_string())
                ),
                (
                    "Rust network programming".to_string(),
                    "沈泰宁".to_string(),
                    Some("PingCAP".to_string())
                ),
            ]
        );
    }

    #[test]
    fn who_gives_a_programme_talk_said_in_prose() {
        let prose = [(
            3,
            "本次活动首先由认证讲师（LFAI）的孟凡浩为我们分享 Kubernetes 的入门介绍。".to_string(),
        )];
        assert_eq!(
            named_before(&prose, "Kubernetes 的入门介绍").as_deref(),
            Some("孟凡浩")
        );
        assert_eq!(named_before(&prose, "容器存储实践"), None);
    }

    #[test]
    fn prose_names_no_presenter() {
        for text in [
            "Dear cRustecians, we are happy to announce",
            "Rust can be used on embedded systems in various ways.",
            "Thank you so much to our speakers, who spent a great deal of time",
            "The OpenPOWER Foundation will be sharing a talk with Jabil",
            "This will be a demo filled session where Scott will take us through",
            "Next time Docker will be our topic",
        ] {
            assert_eq!(presenter(text), None, "{text}");
        }
    }
}
