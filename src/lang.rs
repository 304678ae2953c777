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
}
