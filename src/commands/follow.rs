//! Following talks, events and speakers, and muting an event's talk
//! reminders in a chat. Like [`super::subscribe`], where it is kept is the
//! adapter's business: the core asks through [`Follows`] (one member's) and
//! [`Mutes`] (one chat's), and words the outcome, so the bot and the
//! console answer alike.

use chrono::Utc;

use super::{Button, Callback, Command, Context, Reply};
use crate::duration::HumanDuration;
use crate::events::catalog::SpeakerSearch;
use crate::events::ids::{find_talk, speaker_id, talk_id, Target};
use crate::events::{Event, Instant, Talk};
use crate::render;

/// What one member follows and how early they want to hear, wherever the
/// adapter keeps it. Errors are the adapter's to log: the member is only
/// told that nothing was saved.
pub trait Follows {
    type Error;
    fn targets(&self) -> Result<Vec<Target>, Self::Error>;
    /// Follows (`on`) or unfollows; `Ok(false)` when it already was so.
    fn set_follow(&mut self, target: &Target, on: bool) -> Result<bool, Self::Error>;
    fn lead(&self) -> Result<Option<HumanDuration>, Self::Error>;
    fn set_lead(&mut self, lead: HumanDuration) -> Result<(), Self::Error>;
    /// Deletes everything kept about the member; `Ok(false)` if nothing was.
    fn forget(&mut self) -> Result<bool, Self::Error>;
}

/// One chat's muted events.
pub trait Mutes {
    type Error;
    /// Mutes (`on`) or unmutes the event's talk reminders; `Ok(false)`
    /// when it already was so.
    fn set_mute(&mut self, event: &str, on: bool) -> Result<bool, Self::Error>;
}

/// The shortest and longest lead a member may ask for.
const LEAD_MIN: u64 = 60;
const LEAD_MAX: u64 = 7 * 24 * 3600;

impl Command {
    /// A command about the member's own follows, answered by [`personal`].
    pub fn is_personal(&self) -> bool {
        matches!(
            self,
            Command::Follow(_)
                | Command::Unfollow(_)
                | Command::FollowLink(_)
                | Command::My
                | Command::Remind(_)
                | Command::Forget
        )
    }
}

/// Answers an [`Command::is_personal`] command for the member whose
/// follows are `follows`; `lead` is the config's first talk reminder,
/// for a member who set none.
pub fn personal(
    command: &Command,
    follows: &mut impl Follows,
    ctx: &Context,
    lead: HumanDuration,
) -> Reply {
    let lead = follows.lead().ok().flatten().unwrap_or(lead);
    let answered = match command {
        Command::Follow(name) => by_name(ctx, name, true, follows, lead),
        Command::Unfollow(name) => by_name(ctx, name, false, follows, lead),
        Command::FollowLink(target) => set(ctx, target, true, follows, lead),
        Command::My => my(ctx, follows, lead),
        Command::Remind(text) => remind(ctx, text, follows, lead),
        Command::Forget => follows
            .forget()
            .map(|any| Reply::html(render::forgotten(any, ctx.lang))),
        _ => return super::answer(command, ctx),
    };
    answered.unwrap_or_else(|_| super::not_saved(ctx.lang))
}

/// A 🔔 press: follows or unfollows, whichever undoes the state. Returns
/// the pop-up text and whether the member now follows.
pub fn press<F: Follows>(
    target: &Target,
    follows: &mut F,
    ctx: &Context,
) -> Result<(String, bool), F::Error> {
    let on = !follows.targets()?.contains(target);
    follows.set_follow(target, on)?;
    let name = describe(ctx, target).map_or_else(|| target.key().to_string(), |d| d.name);
    Ok((render::pressed(&name, on, ctx.lang), on))
}

/// `/mute <event>` (`on`) or `/unmute <event>` for the chat of `mutes`.
pub fn mute(ctx: &Context, query: &str, on: bool, mutes: &mut impl Mutes) -> Reply {
    let event = match super::agenda::chosen(ctx, query) {
        Ok(event) => event,
        Err(None) => return Reply::html(render::no_next_agenda(ctx.lang)),
        Err(Some(reply)) => return reply,
    };
    match mutes.set_mute(&event.id, on) {
        Ok(changed) => Reply::html(render::muted(
            &event.in_lang(ctx.lang).title,
            on,
            changed,
            ctx.lang,
        )),
        Err(_) => super::not_saved(ctx.lang),
    }
}

pub fn refuse_mute(lang: crate::lang::Lang) -> Reply {
    Reply::html(render::mute_admins_only(lang))
}

/// The 🔔 of a talk, for `/agenda`, `/speaker` and talk reminders; `on`
/// where the reader is known to follow it (their own reminder).
pub fn remind_button(
    event: &Event,
    talk: &Talk,
    on: bool,
    lang: crate::lang::Lang,
) -> Option<Button> {
    let target = Target::Talk(talk_id(&event.id, talk));
    let callback = Callback::follow(&target)?;
    let label = format!(
        "{} · {}",
        render::remind_button(on, lang),
        talk.title.plain()
    );
    Some(Button::new(
        label.chars().take(BUTTON_CHARS).collect(),
        &callback,
    ))
}

/// One 🔔 row per talk of `talks` whose event is not over yet: a past
/// talk has nothing left to remind of.
pub(super) fn remind_rows<'e>(
    ctx: &Context,
    talks: impl Iterator<Item = (&'e Event, &'e Talk)>,
) -> Vec<Vec<Button>> {
    talks
        .filter(|(event, _)| {
            event
                .effective_end()
                .is_some_and(|end| end.with_timezone(&Utc) > ctx.now)
        })
        .filter_map(|(event, talk)| remind_button(event, talk, false, ctx.lang))
        .map(|button| vec![button])
        .collect()
}

/// Inline buttons get cramped past this.
const BUTTON_CHARS: usize = 40;

/// The 🔔 of an event, for `/next` and `/events`; `None` for a slug too
/// long for a button.
pub fn follow_button(event: &Event, label: String) -> Option<Button> {
    let callback = Callback::follow(&Target::Event(event.id.clone()))?;
    Some(Button::new(label, &callback))
}

fn by_name<F: Follows>(
    ctx: &Context,
    name: &str,
    on: bool,
    follows: &mut F,
    lead: HumanDuration,
) -> Result<Reply, F::Error> {
    let name = name.trim();
    if name.is_empty() {
        return Ok(Reply::html(render::follow_usage(ctx.lang)));
    }
    match ctx.catalog.search_speakers(name) {
        SpeakerSearch::Found { speaker, .. } => set(
            ctx,
            &Target::Speaker(speaker_id(&speaker.name)),
            on,
            follows,
            lead,
        ),
        SpeakerSearch::Several(names) => Ok(Reply::html(render::several_speakers(
            name, &names, ctx.lang,
        ))),
        SpeakerSearch::NotFound { suggestions } => Ok(Reply::html(render::no_speaker(
            name,
            &suggestions,
            ctx.lang,
        ))),
    }
}

fn set<F: Follows>(
    ctx: &Context,
    target: &Target,
    on: bool,
    follows: &mut F,
    lead: HumanDuration,
) -> Result<Reply, F::Error> {
    let changed = follows.set_follow(target, on)?;
    let name = describe(ctx, target).map_or_else(|| target.key().to_string(), |d| d.name);
    Ok(Reply::html(render::followed(
        &name, on, changed, lead, ctx.lang,
    )))
}

fn my<F: Follows>(ctx: &Context, follows: &mut F, lead: HumanDuration) -> Result<Reply, F::Error> {
    let targets = follows.targets()?;
    if targets.is_empty() {
        return Ok(Reply::html(render::my_empty(ctx.lang)));
    }
    let mut found: Vec<(Target, Option<Described>)> = targets
        .into_iter()
        .map(|t| {
            let d = describe(ctx, &t);
            (t, d)
        })
        .collect();
    // Soonest first: upcoming by time, then undated, past, and gone ones.
    found.sort_by_key(|(target, described)| {
        let at = described.as_ref().and_then(|d| d.at);
        let upcoming = at.filter(|at| *at >= ctx.now);
        (
            described.is_none(),
            upcoming.is_none(),
            upcoming,
            std::cmp::Reverse(at),
            target.clone(),
        )
    });
    let mut lines = vec![render::my_heading(lead, ctx.lang)];
    let mut buttons = Vec::new();
    for (target, described) in &found {
        let Some(described) = described else {
            lines.push(render::my_gone(target.kind(), ctx.lang));
            continue;
        };
        let when = described
            .at
            .map(|at| render::event_moment(at, ctx.lang, ctx.tz));
        lines.push(render::my_line(&described.html, when.as_deref(), ctx.lang));
        if let Some(callback) = Callback::follow(target) {
            buttons.push(vec![Button::new(
                render::unfollow_button(&described.name, ctx.lang),
                &callback,
            )]);
        }
    }
    Ok(Reply::html(lines.join("\n")).with_buttons(buttons))
}

fn remind<F: Follows>(
    ctx: &Context,
    text: &str,
    follows: &mut F,
    lead: HumanDuration,
) -> Result<Reply, F::Error> {
    let asked = text.trim().parse::<HumanDuration>().ok();
    match asked.filter(|lead| (LEAD_MIN..=LEAD_MAX).contains(&lead.as_secs())) {
        Some(asked) => {
            follows.set_lead(asked)?;
            Ok(Reply::html(render::lead_set(asked, ctx.lang)))
        }
        None => Ok(Reply::html(render::remind_usage(lead, ctx.lang))),
    }
}

/// What a follow is of, as the pages say it now.
struct Described {
    /// Plain text, for buttons and pop-ups.
    name: String,
    /// HTML, for `/my`.
    html: String,
    /// When it is (next) on, on the page's clock.
    at: Option<Instant>,
}

/// `None` when no page holds it any more.
fn describe(ctx: &Context, target: &Target) -> Option<Described> {
    match target {
        Target::Talk(id) => {
            let (event, talk) = find_talk(ctx.catalog.events(), id)?;
            let name = talk.title.plain();
            let title = crate::events::rich::escape_html(&event.in_lang(ctx.lang).title);
            Some(Described {
                html: format!("{} — {title}", talk.title.html()),
                name,
                at: talk.slot.map(|s| s.start).or(event.start),
            })
        }
        Target::Event(slug) => {
            let event = ctx.catalog.by_slug(slug)?;
            let name = event.in_lang(ctx.lang).title.clone();
            Some(Described {
                html: format!("<b>{}</b>", crate::events::rich::escape_html(&name)),
                name,
                at: event.start,
            })
        }
        Target::Speaker(id) => {
            let mut name = None;
            let mut next: Option<Instant> = None;
            for event in ctx.catalog.events() {
                for talk in event.talks() {
                    let Some(speaker) = talk.speakers.iter().find(|s| speaker_id(&s.name) == *id)
                    else {
                        continue;
                    };
                    name.get_or_insert_with(|| speaker.name.clone());
                    let at = talk.slot.map(|s| s.start).or(event.start);
                    if let Some(at) = at.filter(|at| *at >= ctx.now) {
                        next = Some(next.map_or(at, |n| n.min(at)));
                    }
                }
            }
            let name = name?;
            Some(Described {
                html: format!("👤 {}", crate::events::rich::escape_html(&name)),
                name,
                at: next,
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::commands::parse;
    use crate::commands::testing::*;
    use crate::lang::Lang;

    /// One member's follows, in memory.
    #[derive(Default)]
    struct Kept {
        targets: Vec<Target>,
        lead: Option<HumanDuration>,
    }

    impl Follows for Kept {
        type Error = ();
        fn targets(&self) -> Result<Vec<Target>, ()> {
            Ok(self.targets.clone())
        }
        fn set_follow(&mut self, target: &Target, on: bool) -> Result<bool, ()> {
            let had = self.targets.contains(target);
            self.targets.retain(|t| t != target);
            if on {
                self.targets.push(target.clone());
            }
            Ok(had != on)
        }
        fn lead(&self) -> Result<Option<HumanDuration>, ()> {
            Ok(self.lead)
        }
        fn set_lead(&mut self, lead: HumanDuration) -> Result<(), ()> {
            self.lead = Some(lead);
            Ok(())
        }
        fn forget(&mut self) -> Result<bool, ()> {
            let any = !self.targets.is_empty() || self.lead.is_some();
            *self = Kept::default();
            Ok(any)
        }
    }

    fn say(kept: &mut Kept, text: &str) -> Reply {
        let catalog = community();
        let ctx = context(&catalog, "2021-07-01 00:00", Lang::En);
        let command = parse(text, None).unwrap();
        personal(&command, kept, &ctx, "10m".parse().unwrap())
    }

    #[test]
    fn follow_a_speaker_list_it_and_unfollow_it() {
        let mut kept = Kept::default();
        let reply = seen(&say(&mut kept, "/follow jane doe"));
        assert!(
            reply.starts_with("🔔 Following Jane Doe: I'll message you privately 10m before"),
            "{reply}"
        );
        assert_eq!(
            seen(&say(&mut kept, "/follow Jane Doe")),
            "You already follow Jane Doe."
        );
        let my = say(&mut kept, "/my");
        assert_eq!(
            seen(&my),
            "What you follow (reminded 10m before each talk)\n• 👤 Jane Doe · Sat 18 Sep 2021, 13:30"
        );
        let button = &my.messages[0].buttons[0][0];
        assert_eq!(button.text, "✖ Unfollow Jane Doe");
        assert_eq!(
            Callback::decode(&button.data),
            Some(Callback::Follow(Target::Speaker(speaker_id("Jane Doe"))))
        );
        assert_eq!(
            seen(&say(&mut kept, "/unfollow jane doe")),
            "You no longer follow Jane Doe."
        );
        assert!(seen(&say(&mut kept, "/my")).starts_with("You don't follow anything yet."));
    }

    #[test]
    fn deep_links_follow_and_my_lists_soonest_first_and_the_gone() {
        let mut kept = Kept::default();
        let talk = talk_id_of_fixture();
        say(&mut kept, &format!("/start talk_{talk}"));
        say(&mut kept, "/start event_2021-06-rust");
        say(
            &mut kept,
            &format!(
                "/start talk_{}",
                crate::events::ids::talk_id_of("2021-06-rust", "gone")
            ),
        );
        let my = seen(&say(&mut kept, "/my"));
        assert_eq!(
            my,
            "What you follow (reminded 10m before each talk)\n\
             • Rust in production — Rust 北京 Meetup 九月 · Sat 18 Sep 2021, 13:30\n\
             • Rust 上海 Meetup 六月 · Sat 12 Jun 2021, 13:00\n\
             • A talk no longer on the programme"
        );
    }

    fn talk_id_of_fixture() -> String {
        crate::events::ids::talk_id_of("2021-09-rust", "Rust in production")
    }

    #[test]
    fn remind_sets_the_lead_within_bounds_and_forget_clears_all() {
        let mut kept = Kept::default();
        assert_eq!(
            seen(&say(&mut kept, "/remind 15m")),
            "Done: I'll remind you 15m before each talk you follow."
        );
        assert!(
            seen(&say(&mut kept, "/remind")).starts_with("You're reminded 15m before each talk.")
        );
        assert!(seen(&say(&mut kept, "/remind 5s")).starts_with("You're reminded 15m"));
        assert!(seen(&say(&mut kept, "/remind soon")).starts_with("You're reminded 15m"));
        say(&mut kept, "/follow 周强");
        assert!(seen(&say(&mut kept, "/forget")).starts_with("🗑 Deleted everything"));
        assert!(kept.targets.is_empty() && kept.lead.is_none());
        assert_eq!(
            seen(&say(&mut kept, "/forget")),
            "I kept nothing about you."
        );
    }

    #[test]
    fn a_press_toggles_and_says_the_state() {
        let catalog = community();
        let ctx = context(&catalog, "2021-07-01 00:00", Lang::En);
        let mut kept = Kept::default();
        let target = Target::Talk(talk_id_of_fixture());
        let (text, on) = press(&target, &mut kept, &ctx).unwrap();
        assert!(on);
        assert_eq!(
            text,
            "🔔 Following Rust in production: reminders come in private"
        );
        let (text, on) = press(&target, &mut kept, &ctx).unwrap();
        assert!(!on);
        assert_eq!(text, "No longer following Rust in production");
    }

    #[test]
    fn mute_names_the_event() {
        struct Muted(Vec<String>);
        impl Mutes for Muted {
            type Error = ();
            fn set_mute(&mut self, event: &str, on: bool) -> Result<bool, ()> {
                let had = self.0.iter().any(|e| e == event);
                self.0.retain(|e| e != event);
                if on {
                    self.0.push(event.to_string());
                }
                Ok(had != on)
            }
        }
        let catalog = community();
        let ctx = context(&catalog, "2021-07-01 00:00", Lang::En);
        let mut muted = Muted(Vec::new());
        let said = seen(&mute(&ctx, "", true, &mut muted));
        assert!(
            said.starts_with("🔇 This chat gets no more talk reminders for Rust 北京 Meetup 九月."),
            "{said}"
        );
        assert_eq!(muted.0, vec!["2021-09-rust".to_string()]);
        assert!(seen(&mute(&ctx, "2021-09-rust", false, &mut muted))
            .starts_with("🔔 This chat gets talk reminders"));
        assert!(muted.0.is_empty());
    }
}
