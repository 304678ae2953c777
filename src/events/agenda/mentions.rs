//! Speakers named in running text, for a page that is one talk with no
//! programme: `Harsha lead the talk covering …`, `presented by Jane Doe`,
//! `our speaker [Hussein Al Abry](…) will share`, or a bio that opens with the
//! speaker's name (`Christian Amsüss is active in …`).

use super::people::{is_latin_name, plain};

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

/// The person a paragraph presents, if it names one plainly.
pub fn presenter(paragraph: &str) -> Option<String> {
    let text = plain(paragraph);
    let words: Vec<&str> = text.split_whitespace().collect();
    introduced(&words).or_else(|| opening(&words))
}

/// `… by Jane Doe`, `our speaker Hussein Al Abry will …`.
fn introduced(words: &[&str]) -> Option<String> {
    let at = words
        .iter()
        .position(|w| BEFORE.contains(&w.to_lowercase().as_str()))?;
    name_at(&words[at + 1..], 2)
}

/// `Harsha lead the talk`, `Christian Amsüss is active in …`: the paragraph
/// opens with a name and a verb of presenting (or, for two or more words,
/// `is`: a bio).
fn opening(words: &[&str]) -> Option<String> {
    let name = name_at(words, 1)?;
    let next = words.get(name.split_whitespace().count())?.to_lowercase();
    let two_words = name.split_whitespace().count() >= 2;
    (PRESENTS.contains(&next.as_str())
        || two_words && matches!(next.as_str(), "is" | "has" | "was"))
    .then_some(name)
}

/// The longest run of capitalised words (up to four) at the start of
/// `words` that reads as a name, of at least `least` words unless a verb
/// of presenting follows.
fn name_at(words: &[&str], least: usize) -> Option<String> {
    for take in (1..=words.len().min(4)).rev() {
        let candidate = words[..take].join(" ");
        let candidate = candidate.trim_end_matches([',', '.', ':', ';']);
        let follows = words.get(take).map(|w| w.to_lowercase());
        let verb = follows.as_deref().is_some_and(|w| PRESENTS.contains(&w));
        if is_latin_name(candidate) && (take >= least || verb) {
            return Some(candidate.to_string());
        }
    }
    None
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
        ] {
            assert_eq!(presenter(text).as_deref(), Some(name), "{text}");
        }
    }

    #[test]
    fn prose_names_no_presenter() {
        for text in [
            "Dear cRustecians, we are happy to announce",
            "Rust can be used on embedded systems in various ways.",
            "Thank you so much to our speakers, who spent a great deal of time",
            "The OpenPOWER Foundation will be sharing a talk with Jabil",
        ] {
            assert_eq!(presenter(text), None, "{text}");
        }
    }
}
