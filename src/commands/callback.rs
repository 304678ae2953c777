//! Inline buttons carry a [`Callback`] in Telegram's callback data: 64
//! bytes, sent back verbatim by any client, so possibly stale (the event is
//! gone) or forged. Decoding is strict and answering tolerates the stale.

use super::{agenda, events, ics, not_saved, Act, Context, Reply};
use crate::events::ids::{is_id, Target};
use crate::events::Event;
use crate::render;

/// Telegram's limit on callback data, in bytes.
const DATA_LIMIT: usize = 64;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Callback {
    /// Show an event's agenda.
    Agenda(SlugRef),
    /// Send an event's calendar file.
    Ics(SlugRef),
    /// Show a page (0-based) of `/events`.
    EventsPage { past: bool, page: usize },
    /// Follow or unfollow (🔔): only the adapter, which keeps follows,
    /// may act on it.
    Follow(Target),
    /// Send or cancel an announcement. Only the adapter, which knows the
    /// organizers, may act on it.
    Announcement { id: i64, act: Act },
}

/// An event's slug as it fits in a button: whole, or cut short and matched
/// by prefix, so a cut slug is never taken for a whole one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SlugRef {
    Whole(String),
    Prefix(String),
}

const AGENDA: &str = "a:";
const AGENDA_PREFIX: &str = "a~";
const ICS: &str = "c:";
const ICS_PREFIX: &str = "c~";
const UPCOMING_PAGE: &str = "e:u:";
const PAST_PAGE: &str = "e:p:";
const FOLLOW_TALK: &str = "f:t:";
const FOLLOW_EVENT: &str = "f:e:";
const FOLLOW_SPEAKER: &str = "f:s:";
const SEND: &str = "n:s:";
const CANCEL: &str = "n:c:";
const WITHDRAW: &str = "n:w:";

/// The prefix of each announcement button's data.
fn act_prefix(act: Act) -> &'static str {
    match act {
        Act::Send => SEND,
        Act::Cancel => CANCEL,
        Act::Withdraw => WITHDRAW,
    }
}

impl Callback {
    /// The agenda button of an event, fitting any slug in the data limit.
    pub fn agenda(slug: &str) -> Callback {
        Callback::Agenda(SlugRef::fitting(slug, AGENDA.len()))
    }

    /// The 📅 button of an event.
    pub fn ics(slug: &str) -> Callback {
        Callback::Ics(SlugRef::fitting(slug, ICS.len()))
    }

    /// The 🔔 of `target`; `None` for an event whose slug does not fit.
    pub fn follow(target: &Target) -> Option<Callback> {
        let callback = Callback::Follow(target.clone());
        (callback.encode().len() <= DATA_LIMIT).then_some(callback)
    }

    pub fn encode(&self) -> String {
        match self {
            Callback::Agenda(SlugRef::Whole(slug)) => format!("{AGENDA}{slug}"),
            Callback::Agenda(SlugRef::Prefix(prefix)) => format!("{AGENDA_PREFIX}{prefix}"),
            Callback::Ics(SlugRef::Whole(slug)) => format!("{ICS}{slug}"),
            Callback::Ics(SlugRef::Prefix(prefix)) => format!("{ICS_PREFIX}{prefix}"),
            Callback::EventsPage { past: false, page } => format!("{UPCOMING_PAGE}{page}"),
            Callback::EventsPage { past: true, page } => format!("{PAST_PAGE}{page}"),
            Callback::Announcement { id, act } => format!("{}{id}", act_prefix(*act)),
            Callback::Follow(Target::Talk(id)) => format!("{FOLLOW_TALK}{id}"),
            Callback::Follow(Target::Event(slug)) => format!("{FOLLOW_EVENT}{slug}"),
            Callback::Follow(Target::Speaker(id)) => format!("{FOLLOW_SPEAKER}{id}"),
        }
    }

    /// `None` for anything [`Callback::encode`] would not have written.
    pub fn decode(data: &str) -> Option<Callback> {
        if data.len() > DATA_LIMIT {
            return None;
        }
        let slug = |s: &str| (!s.is_empty()).then(|| s.to_string());
        let digits = |s: &str, most: usize| {
            !s.is_empty() && s.len() <= most && s.bytes().all(|b| b.is_ascii_digit())
        };
        let page = |s: &str| digits(s, 4).then(|| s.parse().ok()).flatten();
        let id = |s: &str| digits(s, 18).then(|| s.parse().ok()).flatten();
        if let Some(rest) = data.strip_prefix(AGENDA) {
            return slug(rest).map(|s| Callback::Agenda(SlugRef::Whole(s)));
        }
        if let Some(rest) = data.strip_prefix(AGENDA_PREFIX) {
            return slug(rest).map(|s| Callback::Agenda(SlugRef::Prefix(s)));
        }
        if let Some(rest) = data.strip_prefix(ICS) {
            return slug(rest).map(|s| Callback::Ics(SlugRef::Whole(s)));
        }
        if let Some(rest) = data.strip_prefix(ICS_PREFIX) {
            return slug(rest).map(|s| Callback::Ics(SlugRef::Prefix(s)));
        }
        if let Some(rest) = data.strip_prefix(UPCOMING_PAGE) {
            return page(rest).map(|page| Callback::EventsPage { past: false, page });
        }
        if let Some(rest) = data.strip_prefix(PAST_PAGE) {
            return page(rest).map(|page| Callback::EventsPage { past: true, page });
        }
        let id_of = |s: &str| is_id(s).then(|| s.to_string());
        if let Some(rest) = data.strip_prefix(FOLLOW_TALK) {
            return id_of(rest).map(|id| Callback::Follow(Target::Talk(id)));
        }
        if let Some(rest) = data.strip_prefix(FOLLOW_EVENT) {
            return slug(rest).map(|s| Callback::Follow(Target::Event(s)));
        }
        if let Some(rest) = data.strip_prefix(FOLLOW_SPEAKER) {
            return id_of(rest).map(|id| Callback::Follow(Target::Speaker(id)));
        }
        for act in [Act::Send, Act::Cancel, Act::Withdraw] {
            if let Some(rest) = data.strip_prefix(act_prefix(act)) {
                return id(rest).map(|id| Callback::Announcement { id, act });
            }
        }
        None
    }
}

/// Answers a button press. The event behind an old button may be gone;
/// that gets the same answer as asking for a missing event by name.
pub fn answer_callback(callback: &Callback, ctx: &Context) -> Reply {
    match callback {
        Callback::Agenda(slug) => on_event(ctx, slug, agenda::of),
        Callback::Ics(slug) => on_event(ctx, slug, ics::of),
        Callback::EventsPage { past, page } => events::answer(ctx, *past, *page),
        Callback::Announcement { .. } => Reply::html(render::announce_elsewhere(ctx.lang)),
        Callback::Follow(_) => not_saved(ctx.lang),
    }
}

/// `show` the button's event, or say it is gone.
fn on_event(ctx: &Context, slug: &SlugRef, show: fn(&Context, &Event) -> Reply) -> Reply {
    let (event, shown) = match slug {
        SlugRef::Whole(slug) => (ctx.catalog.by_slug(slug), slug),
        SlugRef::Prefix(prefix) => (ctx.catalog.by_slug_prefix(prefix), prefix),
    };
    match event {
        Some(event) => show(ctx, event),
        None => Reply::html(render::no_such_event(shown, ctx.lang)),
    }
}

impl SlugRef {
    /// `slug` in what is left of the data limit after a `used`-byte prefix.
    fn fitting(slug: &str, used: usize) -> SlugRef {
        let room = DATA_LIMIT - used;
        if slug.len() <= room {
            return SlugRef::Whole(slug.to_string());
        }
        let cut = (0..=room)
            .rev()
            .find(|&at| slug.is_char_boundary(at))
            .unwrap_or(0);
        SlugRef::Prefix(slug[..cut].to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::commands::testing::*;
    use crate::lang::Lang;

    #[test]
    fn callbacks_survive_the_round_trip() {
        for callback in [
            Callback::agenda("2021-04-rust"),
            Callback::agenda("活动-2021"),
            Callback::ics("2021-04-rust"),
            Callback::ics(&"北京".repeat(20)),
            Callback::EventsPage {
                past: true,
                page: 3,
            },
            Callback::EventsPage {
                past: false,
                page: 0,
            },
            Callback::Announcement {
                id: 12,
                act: Act::Send,
            },
            Callback::Announcement {
                id: 999_999_999_999,
                act: Act::Withdraw,
            },
            Callback::Follow(Target::Talk("0123456789ab".into())),
            Callback::Follow(Target::Event("2021-09-rust".into())),
            Callback::Follow(Target::Speaker("ba9876543210".into())),
        ] {
            let data = callback.encode();
            assert!(data.len() <= DATA_LIMIT);
            assert_eq!(Callback::decode(&data), Some(callback));
        }
    }

    #[test]
    fn long_slugs_travel_as_prefixes() {
        let slug = "北京".repeat(20);
        let callback = Callback::agenda(&slug);
        let data = callback.encode();
        assert!(data.len() <= DATA_LIMIT);
        let Some(Callback::Agenda(SlugRef::Prefix(prefix))) = Callback::decode(&data) else {
            panic!("{data}");
        };
        assert!(slug.starts_with(&prefix));
    }

    #[test]
    fn forged_or_stale_data_decodes_to_none() {
        for data in [
            "",
            "a:",
            "a~",
            "c:",
            "c~",
            "e:u:",
            "e:x:1",
            "e:u:-1",
            "e:u:+1",
            "e:p:99999",
            "e:u:1a",
            "n:s:",
            "n:s:-1",
            "n:x:1",
            "n:c:1 ",
            "n:w:1234567890123456789",
            "x:y",
            "f:t:",
            "f:t:zz",
            "f:s:0123456789AB",
            "f:e:",
            "A:2021",
            &format!("a:{}", "x".repeat(80)),
        ] {
            assert_eq!(Callback::decode(data), None, "{data:?}");
        }
    }

    #[test]
    fn a_button_for_a_removed_event_says_it_is_gone() {
        let catalog = community();
        let ctx = context(&catalog, "2021-05-01 00:00", Lang::En);
        let reply = answer_callback(&Callback::agenda("2019-gone"), &ctx);
        assert!(seen(&reply).starts_with("No event matches “2019-gone”."));
        let reply = answer_callback(&Callback::agenda("2021-06-rust"), &ctx);
        assert!(seen(&reply).starts_with("Rust 上海 Meetup 六月\n"));
    }
}
