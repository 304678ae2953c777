//! Text as members search it: reduced to what they would call the same,
//! split into the words a query must all hold, and a cheap test that rules
//! most texts out before any is read.

/// Text reduced to what a member would consider the same: lower case with
/// whitespace removed, so spacing inside CJK or Latin names does not matter.
pub(super) fn key(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_lowercase)
        .collect()
}

/// The words of a query; each must appear somewhere, in any order.
pub(super) struct Words {
    keys: Vec<String>,
    chars: Chars,
}

impl Words {
    pub(super) fn new(query: &str) -> Self {
        let keys: Vec<String> = query.split_whitespace().map(key).collect();
        let chars = Chars::of(&keys.concat());
        Words { keys, chars }
    }

    pub(super) fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// Every character of every word.
    pub(super) fn chars(&self) -> Chars {
        self.chars
    }

    /// Whether every word is in `text`, already reduced by [`key`].
    pub(super) fn all_in(&self, text: &str) -> bool {
        self.all_in_any(&[text])
    }

    /// Whether every word is in one of `texts`, each reduced by [`key`].
    pub(super) fn all_in_any(&self, texts: &[&str]) -> bool {
        self.keys
            .iter()
            .all(|word| texts.iter().any(|text| text.contains(word.as_str())))
    }
}

/// The characters a text holds, folded into 64 bits: a text cannot hold a
/// word unless it holds all of the word's characters. Latin letters and
/// digits, what most searches are made of, get a bit each; other characters
/// share the rest.
#[derive(Debug, Clone, Copy)]
pub(super) struct Chars(u64);

impl Chars {
    pub(super) fn of(text: &str) -> Self {
        Chars(text.chars().fold(0, |set, c| set | 1 << Chars::bit(c)))
    }

    fn bit(c: char) -> u32 {
        match c {
            'a'..='z' => u32::from(c) - u32::from('a'),
            '0'..='9' => 26 + u32::from(c) - u32::from('0'),
            _ => 36 + u32::from(c) % 28,
        }
    }

    pub(super) fn covers(self, other: Chars) -> bool {
        self.0 & other.0 == other.0
    }

    /// The characters of both texts.
    pub(super) fn and(self, other: Chars) -> Chars {
        Chars(self.0 | other.0)
    }
}
