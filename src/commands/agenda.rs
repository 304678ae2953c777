//! `/agenda [event]`: the whole programme of the next event, or of the one
//! named by slug, number in `/events`, or words of its title.

use super::{events, Context, Reply};
use crate::events::catalog::Lookup;
use crate::events::Event;
use crate::render;

/// Title matches listed for the member to pick from.
const MAX_CHOICES: usize = 8;

pub(super) fn answer(ctx: &Context, query: &str) -> Reply {
    match chosen(ctx, query) {
        Ok(event) => of(ctx, event),
        Err(None) => Reply::html(render::no_next_agenda(ctx.lang)),
        Err(Some(reply)) => reply,
    }
}

/// The event a command naming one means (`/agenda`, `/ics`): the next
/// event for no words, else by slug, number or title. Otherwise the reply
/// offering the matches or saying there are none, or `None` when nothing
/// is coming up, which each command words its own way.
pub(super) fn chosen<'c>(ctx: &Context<'c>, query: &str) -> Result<&'c Event, Option<Reply>> {
    let query = query.trim();
    if query.is_empty() {
        return ctx.catalog.next(ctx.now).ok_or(None);
    }
    match ctx.catalog.find(query, ctx.now) {
        Lookup::Found(event) => Ok(event),
        Lookup::Several(found) => {
            let entries: Vec<(Option<usize>, &Event)> = found
                .into_iter()
                .take(MAX_CHOICES)
                .map(|e| (None, e))
                .collect();
            let heading = render::several_events(query, ctx.lang);
            Err(Some(Reply {
                messages: vec![events::list(ctx, heading, &entries)],
            }))
        }
        Lookup::NotFound => Err(Some(Reply::html(render::no_such_event(query, ctx.lang)))),
    }
}

/// An event's agenda, split between items when it is long.
pub(super) fn of(ctx: &Context, event: &Event) -> Reply {
    let buttons = super::follow::remind_rows(ctx, event.talks().map(|talk| (event, talk)));
    Reply::blocks(render::agenda(event, ctx.lang, ctx.tz)).with_buttons(buttons)
}

#[cfg(test)]
mod tests {
    use crate::commands::testing::*;
    use crate::commands::{answer, Command};
    use crate::events::catalog::fixtures::*;
    use crate::events::Catalog;
    use crate::lang::Lang;
    use crate::render::{telegram_len, MESSAGE_LIMIT};

    fn agenda(query: &str, now: &str, lang: Lang) -> String {
        let catalog = community();
        seen(&answer(
            &Command::Agenda(query.into()),
            &context(&catalog, now, lang),
        ))
    }

    #[test]
    fn the_next_events_agenda_by_default() {
        assert_eq!(
            agenda("", "2021-07-01 00:00", Lang::En),
            "Rust 北京 Meetup 九月\n\
             🗓 Sat 18 Sep 2021, 13:00–18:00\n\
             📍 北京\n\
             🔗 Register (https://example.com/register)\n\
             \n\
             🕐 13:30–14:15 Rust in production\n\
             🎤 Jane Doe · Ferrous"
        );
    }

    #[test]
    fn events_by_number_slug_or_title() {
        let now = "2021-05-01 00:00";
        assert!(agenda("2", now, Lang::En).starts_with("Rust 北京 Meetup 九月\n"));
        assert!(agenda("2021-04-rust", now, Lang::En).starts_with("Rust 北京 Meetup 四月\n"));
        assert!(agenda("上海", now, Lang::En).starts_with("Rust 上海 Meetup 六月\n"));
    }

    #[test]
    fn several_titles_are_offered_as_buttons() {
        let catalog = community();
        let ctx = context(&catalog, "2021-05-01 00:00", Lang::En);
        let reply = answer(&Command::Agenda("北京".into()), &ctx);
        assert!(seen(&reply).starts_with(
            "Several events match “北京”; pick one:\n\
             • Sat 18 Sep 2021 · Rust 北京 Meetup 九月 · 北京\n\
             • Sat 17 Apr 2021 · Rust 北京 Meetup 四月 · 北京"
        ));
        assert_eq!(reply.messages[0].buttons.len(), 2);
    }

    #[test]
    fn an_unknown_event_explains_how_to_name_one() {
        assert_eq!(
            agenda("python", "2021-05-01 00:00", Lang::Zh),
            "找不到活动“python”。\n可以用 /events 列表里的编号（/agenda 1）、活动标识或标题里的词（/agenda meetup）。"
        );
    }

    #[test]
    fn a_long_agenda_splits_between_talks() {
        let abstract_ = "调度".repeat(600);
        let mut builder = event("big", "Rust Conf", "2021-10-01 09:00");
        for i in 0..8 {
            builder = builder.talk(
                talk(&format!("Talk {i}"))
                    .by(speaker("周强"))
                    .abstract_(&abstract_),
            );
        }
        let catalog = Catalog::new(vec![builder.build()]);
        let reply = answer(
            &Command::Agenda("big".into()),
            &context(&catalog, "2021-05-01 00:00", Lang::Zh),
        );
        assert!(reply.messages.len() >= 3);
        for message in &reply.messages[1..] {
            assert!(telegram_len(&message.html) <= MESSAGE_LIMIT);
            assert!(
                message.html.starts_with("<b>Talk "),
                "{}",
                &message.html[..40]
            );
        }
        let text = seen(&reply);
        assert!((0..8).all(|i| text.contains(&format!("Talk {i}\n🎤 周强\n"))));
    }
}
