//! `/next`: the event members can still go to.

use super::{Button, Callback, Context, Reply};
use crate::render;

pub(super) fn answer(ctx: &Context) -> Reply {
    let Some(event) = ctx.catalog.next(ctx.now) else {
        let last = ctx.catalog.last(ctx.now);
        return Reply::html(render::no_upcoming(last, ctx.lang, ctx.tz));
    };
    let card = render::event_card(event, ctx.lang, ctx.tz);
    let agenda = Button::new(
        render::agenda_button(ctx.lang),
        &Callback::agenda(&event.id),
    );
    let calendar = Button::new(render::calendar_button(ctx.lang), &Callback::ics(&event.id));
    let mut rows = vec![vec![agenda, calendar]];
    rows.extend(
        super::follow_button(event, render::follow_button(false, ctx.lang)).map(|b| vec![b]),
    );
    Reply::html(card).with_buttons(rows)
}

#[cfg(test)]
mod tests {
    use crate::commands::testing::*;
    use crate::commands::{answer, Callback, Command};
    use crate::lang::Lang;

    #[test]
    fn the_next_event_with_an_agenda_button() {
        let catalog = community();
        let reply = answer(
            &Command::Next,
            &context(&catalog, "2021-07-01 00:00", Lang::Zh),
        );
        assert_eq!(
            seen(&reply),
            "Rust 北京 Meetup 九月\n\
             🗓 2021年9月18日 周六 13:00–18:00\n\
             📍 北京\n\
             \n\
             议程\n\
             • Rust in production — Jane Doe · Ferrous\n\
             \n\
             🔗 报名 (https://example.com/register)"
        );
        let [agenda, calendar] = &reply.messages[0].buttons[0][..] else {
            panic!("{:?}", reply.messages[0].buttons);
        };
        assert_eq!(agenda.text, "📋 议程");
        assert_eq!(
            Callback::decode(&agenda.data),
            Some(Callback::agenda("2021-09-rust"))
        );
        assert_eq!(calendar.text, "📅 添加到日历");
        assert_eq!(
            Callback::decode(&calendar.data),
            Some(Callback::ics("2021-09-rust"))
        );
    }

    #[test]
    fn an_event_under_way_is_still_next() {
        let catalog = community();
        let reply = answer(
            &Command::Next,
            &context(&catalog, "2021-09-18 17:00", Lang::En),
        );
        assert!(seen(&reply).starts_with("Rust 北京 Meetup 九月\n🗓 Sat 18 Sep 2021, 13:00–18:00"));
    }

    #[test]
    fn with_nothing_ahead_the_last_event_is_named() {
        let catalog = community();
        let reply = answer(
            &Command::Next,
            &context(&catalog, "2022-01-01 00:00", Lang::En),
        );
        assert_eq!(
            seen(&reply),
            "No upcoming events yet.\nThe most recent one:\n• Sat 18 Sep 2021 · Rust 北京 Meetup 九月 · 北京"
        );
        assert!(reply.messages[0].buttons.is_empty());
    }
}
