//! `/announce [--pin] [at TIME] text` and `/announcements`: an organizer's
//! own words to every chat. The core reads the command and words the
//! preview, its buttons and the refusals; who is an organizer, storing the
//! announcement and posting it belong to the adapter and the scheduler.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;

use super::{Button, Callback, Message, Reply};
use crate::events::front_matter::parse_time;
use crate::lang::Lang;
use crate::render::{self, Syntax};
use crate::schedule::Announcement;

/// `/announce` as typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Announce {
    /// `--pin`: pin the post where herald may.
    pub pin: bool,
    /// `at 2026-12-01 10:00`: the time as written, read in the community's
    /// zone by [`Announce::due`].
    pub at: Option<String>,
    /// The words to announce: the tail of the message, so an adapter can
    /// find their formatting there. Empty when `/announce` replies to the
    /// message to announce.
    pub text: String,
}

/// What a button under an announcement does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Act {
    /// Post it (at its time, if it has one).
    Send,
    /// Drop it, from its preview.
    Cancel,
    /// Drop it, from the `/announcements` list.
    Withdraw,
}

impl Announce {
    /// The arguments after `/announce`: options first, in any order, then
    /// the text. `at` is only an option when a date follows, so a text may
    /// begin with "at".
    pub fn parse(args: &str) -> Announce {
        let mut announce = Announce {
            pin: false,
            at: None,
            text: String::new(),
        };
        let mut rest = args.trim_start();
        loop {
            if let Some(after) = word(rest, "--pin") {
                announce.pin = true;
                rest = after;
            } else if let Some((time, after)) = word(rest, "at").and_then(time) {
                announce.at = Some(time);
                rest = after;
            } else {
                break;
            }
        }
        announce.text = rest.to_string();
        announce
    }

    /// When it goes out: `None` for at once. A time that cannot be read or
    /// has passed is answered with why.
    pub fn due(
        &self,
        now: DateTime<Utc>,
        tz: Tz,
        lang: Lang,
    ) -> Result<Option<DateTime<Utc>>, Reply> {
        due(self.at.as_deref(), now, tz).map_err(|bad| refuse_time(&bad, Syntax::Chat, lang, tz))
    }
}

/// Why an announcement cannot go out at the time written for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BadTime {
    /// Not a date and a clock time, as written.
    Unreadable(String),
    /// As written, and when that was.
    Past(String, DateTime<Utc>),
}

/// When an announcement for `at` (read in the community's zone) goes out:
/// `None` for at once.
pub fn due(at: Option<&str>, now: DateTime<Utc>, tz: Tz) -> Result<Option<DateTime<Utc>>, BadTime> {
    let Some(at) = at else {
        return Ok(None);
    };
    let due = match parse_time(at, tz) {
        Ok(time) if !time.date_only => time.at.with_timezone(&Utc),
        _ => return Err(BadTime::Unreadable(at.to_string())),
    };
    if due <= now {
        return Err(BadTime::Past(at.to_string(), due));
    }
    Ok(Some(due))
}

/// Why the time will not do, with the syntax the organizer typed it in.
pub fn refuse_time(bad: &BadTime, syntax: Syntax, lang: Lang, tz: Tz) -> Reply {
    Reply::html(match bad {
        BadTime::Unreadable(at) => render::announce_bad_time(at, syntax, lang, tz),
        BadTime::Past(at, due) => render::announce_past(at, *due, syntax, lang, tz),
    })
}

/// `rest` after `word` and the spaces following it, if it starts with that
/// word (any case).
fn word<'a>(rest: &'a str, word: &str) -> Option<&'a str> {
    let head = rest.get(..word.len())?;
    let after = &rest[word.len()..];
    let ends = after.is_empty() || after.starts_with(char::is_whitespace);
    (head.eq_ignore_ascii_case(word) && ends).then(|| after.trim_start())
}

/// A time at the start of `rest`: `2026-12-01 10:00`, or one RFC 3339
/// word; and what follows it.
fn time(rest: &str) -> Option<(String, &str)> {
    let (first, after) = split_word(rest);
    let is_date = first.len() >= 10
        && first.as_bytes()[..4].iter().all(u8::is_ascii_digit)
        && first.as_bytes()[4] == b'-';
    if !is_date {
        return None;
    }
    let (clock, after_clock) = split_word(after);
    let is_clock = first.len() == 10
        && !clock.is_empty()
        && clock.bytes().all(|b| b.is_ascii_digit() || b == b':');
    Some(match is_clock {
        true => (format!("{first} {clock}"), after_clock),
        false => (first.to_string(), after),
    })
}

fn split_word(text: &str) -> (&str, &str) {
    text.split_once(char::is_whitespace)
        .map_or((text, ""), |(word, rest)| (word, rest.trim_start()))
}

/// The preview: the announcement exactly as it will be posted, then what
/// will happen, with Send (or Schedule) and Cancel under it.
pub fn preview(
    id: i64,
    html: &str,
    chats: usize,
    pin: bool,
    due: Option<DateTime<Utc>>,
    lang: Lang,
    tz: Tz,
) -> Reply {
    let mut messages: Vec<Message> = render::announcement(html)
        .into_iter()
        .map(|html| Message {
            html,
            buttons: Vec::new(),
            document: None,
        })
        .collect();
    let button = |text, act| Button::new(text, &Callback::Announcement { id, act });
    messages.push(Message {
        html: render::announce_preview(chats, pin, due, lang, tz),
        buttons: vec![vec![
            button(render::announce_send_button(due.is_some(), lang), Act::Send),
            button(render::announce_cancel_button(lang), Act::Cancel),
        ]],
        document: None,
    });
    Reply { messages }
}

/// The preview once Send is pressed: going out, or waiting for its time.
pub fn confirmed(id: i64, due: DateTime<Utc>, now: DateTime<Utc>, lang: Lang, tz: Tz) -> Reply {
    Reply::html(match due > now {
        true => render::announce_scheduled(id, due, lang, tz),
        false => render::announce_sending(id, lang),
    })
}

pub fn cancelled(id: i64, lang: Lang) -> Reply {
    Reply::html(render::announce_cancelled(id, lang))
}

/// `/announce` or `/announcements` from someone not in `telegram.admins`.
pub fn refuse_announcement(lang: Lang) -> Reply {
    Reply::html(render::announce_refused(lang).to_string())
}

/// `/announce` with nothing to announce.
pub fn announce_usage(lang: Lang) -> Reply {
    Reply::html(render::announce_usage(lang))
}

/// `/announcements`: what is waiting to go out, each with a Cancel button.
pub fn pending(announcements: &[&Announcement], lang: Lang, tz: Tz) -> Reply {
    let listed: Vec<(i64, DateTime<Utc>, &str)> = announcements
        .iter()
        .map(|a| (a.id, a.due, a.html.as_str()))
        .collect();
    let buttons = announcements
        .iter()
        .map(|a| {
            let act = Callback::Announcement {
                id: a.id,
                act: Act::Withdraw,
            };
            vec![Button::new(
                render::announcement_cancel_button(a.id, lang),
                &act,
            )]
        })
        .collect();
    Reply::html(render::announcements_list(&listed, lang, tz)).with_buttons(buttons)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::commands::testing::{seen, BEIJING};
    use crate::commands::{parse, Command};

    fn announce(text: &str) -> Announce {
        match parse(text, Some("herald_bot")) {
            Some(Command::Announce(announce)) => announce,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn options_come_before_the_text() {
        assert_eq!(
            announce("/announce --pin at 2026-12-01 10:00 Doors open\nat 9"),
            Announce {
                pin: true,
                at: Some("2026-12-01 10:00".into()),
                text: "Doors open\nat 9".into(),
            }
        );
        assert_eq!(
            announce("/announce@herald_bot AT 2026-12-01T10:00:00+08:00 --PIN 报名开始"),
            Announce {
                pin: true,
                at: Some("2026-12-01T10:00:00+08:00".into()),
                text: "报名开始".into(),
            }
        );
    }

    #[test]
    fn a_text_may_begin_with_at() {
        let announce = announce("/announce at last: the recordings are up");
        assert_eq!(announce.at, None);
        assert_eq!(announce.text, "at last: the recordings are up");
        assert_eq!(self::announce("/announce --pinned").text, "--pinned");
    }

    #[test]
    fn the_text_is_the_tail_of_the_message() {
        let message = "/announce  --pin   **Hello**  \n";
        let text = announce(message).text;
        assert!(message.trim_end().ends_with(&text), "{text:?}");
        assert_eq!(text, "**Hello**");
        assert_eq!(announce("/announce").text, "");
    }

    #[test]
    fn times_are_read_in_the_community_zone_and_must_be_ahead() {
        let now = "2026-11-01T00:00:00Z".parse().unwrap();
        let due = announce("/announce at 2026-12-01 10:00 x").due(now, BEIJING, Lang::En);
        assert_eq!(due.unwrap(), Some("2026-12-01T02:00:00Z".parse().unwrap()));
        let past = announce("/announce at 2025-12-01 10:00 x").due(now, BEIJING, Lang::En);
        assert!(seen(&past.unwrap_err()).starts_with("Mon 1 Dec 2025, 10:00 has passed."));
        let day_only = announce("/announce at 2026-12-01 x").due(now, BEIJING, Lang::En);
        assert!(seen(&day_only.unwrap_err()).contains("“2026-12-01”"));
        let nonsense = announce("/announce at 2026-13-01 10:00 x").due(now, BEIJING, Lang::Zh);
        assert!(seen(&nonsense.unwrap_err()).starts_with("看不懂时间"));
    }

    #[test]
    fn the_preview_shows_the_post_then_the_buttons() {
        let reply = preview(9, "<b>Hi</b>", 3, false, None, Lang::En, BEIJING);
        assert_eq!(reply.messages.len(), 2);
        assert_eq!(reply.messages[0].html, "<b>Hi</b>");
        assert!(reply.messages[0].buttons.is_empty());
        let buttons = &reply.messages[1].buttons[0];
        assert_eq!(
            buttons.iter().map(|b| b.text.as_str()).collect::<Vec<_>>(),
            ["✅ Send", "✖️ Cancel"]
        );
        assert_eq!(
            Callback::decode(&buttons[0].data),
            Some(Callback::Announcement {
                id: 9,
                act: Act::Send
            })
        );
    }
}
