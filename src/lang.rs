//! The bot's own words come in two languages. Event text is never translated;
//! only herald's labels, dates and messages follow the reader's language.

use std::fmt;
use std::str::FromStr;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Lang {
    #[default]
    Zh,
    En,
}

impl Lang {
    /// From a Telegram `language_code` (`zh-hans`, `en-US`, …): Chinese for
    /// any `zh*`, English for anything else we know nothing better about.
    pub fn from_telegram(code: Option<&str>, fallback: Lang) -> Lang {
        match code {
            Some(code) if code.to_ascii_lowercase().starts_with("zh") => Lang::Zh,
            Some(code) if !code.is_empty() => Lang::En,
            _ => fallback,
        }
    }

    /// Picks the Chinese or English text.
    pub fn pick<'a>(self, zh: &'a str, en: &'a str) -> &'a str {
        match self {
            Lang::Zh => zh,
            Lang::En => en,
        }
    }
}

/// The environment variables that name the shell's locale, in the order
/// POSIX reads them: the first one set decides.
const LOCALE_VARS: [&str; 3] = ["LC_ALL", "LC_MESSAGES", "LANG"];

impl Lang {
    /// The language the command line speaks: `--lang` if given, else
    /// Chinese when the shell's locale is Chinese, else English. The
    /// config's `language` is for members, who may not share the
    /// organizer's shell.
    pub fn of_shell(flag: Option<Lang>) -> Lang {
        flag.unwrap_or_else(|| Lang::of_locale(|name| std::env::var(name).ok()))
    }

    /// `zh_CN.UTF-8` and the like are Chinese; `C`, `en_US.UTF-8` or none
    /// at all are English. `var` reads an environment variable.
    fn of_locale(var: impl Fn(&str) -> Option<String>) -> Lang {
        let locale = LOCALE_VARS
            .iter()
            .find_map(|name| var(name).filter(|value| !value.is_empty()));
        match locale {
            Some(locale) if locale.to_ascii_lowercase().starts_with("zh") => Lang::Zh,
            _ => Lang::En,
        }
    }
}

/// `1 talk`, `2 talks`, `0 talks`: an English count with its noun, so
/// that no reply or report reads "1 talks" or "chat(s)". Chinese counts
/// need no plural and are written in place (`3 个聊天`).
pub fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// [`count`] for a total in a sentence, where none reads better as a word:
/// `no speakers`, `1 speaker`, `2 speakers`.
pub fn tally(n: usize, one: &str, many: &str) -> String {
    match n {
        0 => format!("no {many}"),
        _ => count(n, one, many),
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown language `{0}`: use \"zh\" or \"en\"")]
pub struct UnknownLang(pub String);

impl FromStr for Lang {
    type Err = UnknownLang;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "zh" | "cn" | "zh-cn" | "zh-hans" | "chinese" => Ok(Lang::Zh),
            "en" | "english" => Ok(Lang::En),
            _ => Err(UnknownLang(s.to_string())),
        }
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.pick("zh", "en"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn telegram_codes() {
        assert_eq!(Lang::from_telegram(Some("zh-hans"), Lang::En), Lang::Zh);
        assert_eq!(Lang::from_telegram(Some("en-US"), Lang::Zh), Lang::En);
        assert_eq!(Lang::from_telegram(Some("de"), Lang::Zh), Lang::En);
        assert_eq!(Lang::from_telegram(None, Lang::Zh), Lang::Zh);
        assert_eq!("EN".parse::<Lang>(), Ok(Lang::En));
        assert!("fr".parse::<Lang>().is_err());
    }

    fn locale(vars: &[(&str, &str)]) -> Lang {
        Lang::of_locale(|name| {
            vars.iter()
                .find(|(set, _)| *set == name)
                .map(|(_, value)| value.to_string())
        })
    }

    #[test]
    fn the_shell_speaks_english_unless_its_locale_is_chinese() {
        assert_eq!(locale(&[]), Lang::En);
        assert_eq!(locale(&[("LANG", "zh_CN.UTF-8")]), Lang::Zh);
        assert_eq!(locale(&[("LANG", "en_US.UTF-8")]), Lang::En);
        assert_eq!(
            locale(&[("LC_MESSAGES", "zh_TW.UTF-8"), ("LANG", "en_US.UTF-8")]),
            Lang::Zh,
            "LC_MESSAGES comes before LANG"
        );
        assert_eq!(
            locale(&[("LC_ALL", "C"), ("LANG", "zh_CN.UTF-8")]),
            Lang::En,
            "the first one set decides"
        );
        assert_eq!(
            locale(&[("LC_ALL", ""), ("LANG", "zh_CN.UTF-8")]),
            Lang::Zh,
            "an empty one is not set"
        );
        assert_eq!(Lang::of_shell(Some(Lang::Zh)), Lang::Zh, "--lang wins");
    }

    #[test]
    fn counts_agree_with_their_nouns() {
        assert_eq!(count(0, "chat", "chats"), "0 chats");
        assert_eq!(count(1, "chat", "chats"), "1 chat");
        assert_eq!(count(2, "chat", "chats"), "2 chats");
        assert_eq!(tally(0, "speaker", "speakers"), "no speakers");
        assert_eq!(tally(1, "speaker", "speakers"), "1 speaker");
        assert_eq!(tally(12, "speaker", "speakers"), "12 speakers");
    }
}
