//! `/calendar` and `/calendar reset`: a member's own feed link, private
//! chats only, since whoever holds the link reads the member's follows.
//! Where tokens are kept is the adapter's business (the bot's state file);
//! the core asks through [`Tokens`] and words the link, so the address is
//! written in one place.

use url::Url;

use super::{not_saved, Reply};
use crate::lang::Lang;
use crate::render;

/// The asking member's calendar token, wherever the adapter keeps it.
pub trait Tokens {
    type Error;
    /// The member's token, made if they have none; with `reset`, a new one
    /// in place of the old. An error is the adapter's to log: the member
    /// is only told that nothing was saved.
    fn token(&mut self, reset: bool) -> Result<String, Self::Error>;
}

/// `/calendar` (`reset`: `/calendar reset`) in a private chat. `public` is
/// the address herald's HTTP listener is reached at from outside; without
/// it the member gets the path and is told to ask for the rest.
pub fn feed(reset: bool, tokens: &mut impl Tokens, public: Option<&Url>, lang: Lang) -> Reply {
    let Ok(token) = tokens.token(reset) else {
        return not_saved(lang);
    };
    let path = feed_path(&token);
    let url = public.and_then(|base| feed_url(base, &token));
    Reply::html(render::feed_link(url.as_deref(), &path, reset, lang))
}

/// `/calendar` in a group, where a link would be everyone's: ask in a
/// private chat, opened in one tap where the bot's username is known.
pub fn feed_in_private(bot: Option<&str>, lang: Lang) -> Reply {
    let start = bot.map(|bot| format!("https://t.me/{}", bot.trim_start_matches('@')));
    Reply::html(render::feed_in_private(start.as_deref(), lang))
}

/// Where a member's feed is served, as [`crate::http`] routes it.
pub fn feed_path(token: &str) -> String {
    format!("/calendar/{token}.ics")
}

/// The feed's address under `base`, which may have a path of its own (a
/// reverse proxy's `/herald/`), with or without the final slash.
fn feed_url(base: &Url, token: &str) -> Option<String> {
    let mut base = base.clone();
    if !base.path().ends_with('/') {
        base.set_path(&format!("{}/", base.path()));
    }
    let relative = feed_path(token);
    let url = base.join(relative.trim_start_matches('/')).ok()?;
    Some(url.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::commands::testing::*;
    use crate::commands::{answer, parse, Command};

    /// One member's token as a counter: `t1`, then `t2` after a reset.
    struct Counter {
        made: u32,
        broken: bool,
    }

    impl Tokens for Counter {
        type Error = ();
        fn token(&mut self, reset: bool) -> Result<String, ()> {
            if self.broken {
                return Err(());
            }
            if reset || self.made == 0 {
                self.made += 1;
            }
            Ok(format!("t{}", self.made))
        }
    }

    #[test]
    fn calendar_and_reset_are_parsed_in_both_languages() {
        assert_eq!(
            parse("/calendar", None),
            Some(Command::Calendar { reset: false })
        );
        assert_eq!(
            parse("/calendar RESET", None),
            Some(Command::Calendar { reset: true })
        );
        assert_eq!(
            parse("/calendar 重置", None),
            Some(Command::Calendar { reset: true })
        );
    }

    #[test]
    fn the_link_is_under_the_public_address_and_a_reset_changes_it() {
        let mut tokens = Counter {
            made: 0,
            broken: false,
        };
        let base: Url = "https://bot.example.org/herald".parse().unwrap();
        let first = seen(&feed(false, &mut tokens, Some(&base), Lang::En));
        assert!(
            first.contains("\nhttps://bot.example.org/herald/calendar/t1.ics\n"),
            "{first}"
        );
        assert!(first.contains("/calendar reset revokes it"), "{first}");
        let again = seen(&feed(false, &mut tokens, Some(&base), Lang::En));
        assert_eq!(again, first, "the same link until a reset");
        let reset = seen(&feed(true, &mut tokens, Some(&base), Lang::Zh));
        assert!(reset.starts_with("旧的日历链接已失效"), "{reset}");
        assert!(
            reset.contains("https://bot.example.org/herald/calendar/t2.ics"),
            "{reset}"
        );
    }

    #[test]
    fn without_a_public_address_the_path_is_given_and_the_gap_said() {
        let mut tokens = Counter {
            made: 0,
            broken: false,
        };
        let reply = seen(&feed(false, &mut tokens, None, Lang::En));
        assert!(reply.contains("\n/calendar/t1.ics\n"), "{reply}");
        assert!(
            reply.contains("The operator has not set herald's web address yet"),
            "{reply}"
        );
    }

    #[test]
    fn a_group_is_sent_to_a_private_chat_and_a_failure_saves_nothing() {
        let reply = feed_in_private(Some("@HeraldBot"), Lang::En);
        assert!(
            reply.messages[0]
                .html
                .contains("<a href=\"https://t.me/HeraldBot\">"),
            "{}",
            reply.messages[0].html
        );
        assert_eq!(
            seen(&feed_in_private(None, Lang::En)),
            "Your calendar link is sent in a private chat only: send me /calendar there."
        );
        let mut broken = Counter {
            made: 0,
            broken: true,
        };
        assert_eq!(
            seen(&feed(false, &mut broken, None, Lang::En)),
            "Sorry, I couldn't save that just now. Please try again later."
        );
        let catalog = community();
        let ctx = context(&catalog, "2021-05-01 00:00", Lang::En);
        assert_eq!(
            seen(&answer(&Command::Calendar { reset: false }, &ctx)),
            "Your calendar link comes from the bot, in a private chat."
        );
    }
}
