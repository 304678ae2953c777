//! `/events`: upcoming events soonest first, or past ones newest first, a
//! page at a time, each with a button opening its agenda.

use super::{Button, Callback, Context, Message, Reply};
use crate::events::Event;
use crate::render;

/// Events per page: a page and its buttons stay on one phone screen.
const PAGE_SIZE: usize = 8;

/// Page `page` (0-based) of the list; a stale page number shows the last page.
pub(super) fn answer(ctx: &Context, past: bool, page: usize) -> Reply {
    let events = if past {
        ctx.catalog.past(ctx.now)
    } else {
        ctx.catalog.upcoming(ctx.now)
    };
    if events.is_empty() {
        return Reply::html(render::no_events(past, ctx.lang));
    }
    let pages = events.len().div_ceil(PAGE_SIZE);
    let page = page.min(pages - 1);
    // Only upcoming events are numbered: numbers are what `/agenda 2` takes.
    let entries: Vec<(Option<usize>, &Event)> = events
        .into_iter()
        .enumerate()
        .map(|(i, event)| ((!past).then_some(i + 1), event))
        .skip(page * PAGE_SIZE)
        .take(PAGE_SIZE)
        .collect();
    let heading = render::events_heading(past, page, pages, ctx.lang);
    let mut message = list(ctx, heading, &entries);
    let turn = |page| Callback::EventsPage { past, page };
    let mut paging = Vec::new();
    if page > 0 {
        paging.push(Button::new(render::PREVIOUS_PAGE.into(), &turn(page - 1)));
    }
    if page + 1 < pages {
        paging.push(Button::new(render::NEXT_PAGE.into(), &turn(page + 1)));
    }
    if !paging.is_empty() {
        message.buttons.push(paging);
    }
    Reply {
        messages: vec![message],
    }
}

/// A heading, one line per event, and a button per event for its agenda.
pub(super) fn list(ctx: &Context, heading: String, entries: &[(Option<usize>, &Event)]) -> Message {
    let mut lines = vec![heading];
    lines.extend(
        entries
            .iter()
            .map(|&(number, event)| render::event_line(event, number, ctx.lang, ctx.tz)),
    );
    lines.push(render::events_hint(ctx.lang).to_string());
    let buttons = entries
        .iter()
        .map(|&(number, event)| {
            let label = render::event_button(event, number, ctx.lang);
            let mut row = vec![Button::new(label, &Callback::agenda(&event.id))];
            // Only a dated event can go in a calendar.
            if event.start.is_some() {
                row.push(Button::new(
                    render::CALENDAR_ICON.into(),
                    &Callback::ics(&event.id),
                ));
            }
            // A past event has nothing left to follow.
            let over = event
                .effective_end()
                .is_some_and(|end| end.with_timezone(&chrono::Utc) <= ctx.now);
            if !over {
                row.extend(super::follow_button(event, render::FOLLOW_ICON.into()));
            }
            row
        })
        .collect();
    Message {
        html: lines.join("\n"),
        buttons,
        document: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::commands::testing::*;
    use crate::commands::{answer, answer_callback, Command};
    use crate::events::catalog::fixtures::*;
    use crate::events::Catalog;
    use crate::lang::Lang;

    fn monthly(count: u32) -> Catalog {
        Catalog::new(
            (1..=count)
                .map(|month| {
                    let start = format!("2030-{month:02}-01 19:00");
                    event(&format!("m{month}"), &format!("Meetup {month}"), &start).build()
                })
                .collect(),
        )
    }

    fn labels(message: &Message) -> Vec<Vec<&str>> {
        message
            .buttons
            .iter()
            .map(|row| row.iter().map(|b| b.text.as_str()).collect())
            .collect()
    }

    #[test]
    fn upcoming_events_numbered_soonest_first() {
        let catalog = community();
        let reply = answer(
            &Command::Events { past: false },
            &context(&catalog, "2021-05-01 00:00", Lang::Zh),
        );
        assert_eq!(
            seen(&reply),
            "即将举行的活动\n\
             1. 2021年6月12日 周六 · Rust 上海 Meetup 六月 · 上海\n\
             2. 2021年9月18日 周六 · Rust 北京 Meetup 九月 · 北京\n\
             点按钮查看议程。"
        );
        let message = &reply.messages[0];
        assert_eq!(
            labels(message),
            [
                ["1. Rust 上海 Meetup 六月", "📅", "🔔"],
                ["2. Rust 北京 Meetup 九月", "📅", "🔔"]
            ]
        );
        assert_eq!(
            Callback::decode(&message.buttons[1][0].data),
            Some(Callback::agenda("2021-09-rust"))
        );
        assert_eq!(
            Callback::decode(&message.buttons[1][1].data),
            Some(Callback::ics("2021-09-rust"))
        );
    }

    #[test]
    fn an_undated_event_is_listed_last_with_its_date_to_be_announced() {
        let mut events = community().events().to_vec();
        events.push(
            event("tba", "Rust 秋季 Meetup", "2000-01-01 00:00")
                .undated()
                .build(),
        );
        let catalog = Catalog::new(events);
        let list = |lang| {
            let reply = answer(
                &Command::Events { past: false },
                &context(&catalog, "2021-07-01 00:00", lang),
            );
            seen(&reply)
        };
        assert_eq!(
            list(Lang::Zh),
            "即将举行的活动\n\
             1. 2021年9月18日 周六 · Rust 北京 Meetup 九月 · 北京\n\
             2. 日期待定 · Rust 秋季 Meetup\n\
             点按钮查看议程。"
        );
        assert!(
            list(Lang::En).contains("2. date to be announced · Rust 秋季 Meetup"),
            "{}",
            list(Lang::En)
        );
        let reply = answer(
            &Command::Events { past: false },
            &context(&catalog, "2021-07-01 00:00", Lang::En),
        );
        assert_eq!(
            labels(&reply.messages[0]),
            [
                vec!["1. Rust 北京 Meetup 九月", "📅", "🔔"],
                vec!["2. Rust 秋季 Meetup", "🔔"]
            ],
            "no calendar button for an event with no date"
        );
    }

    #[test]
    fn past_events_newest_first() {
        let catalog = community();
        let reply = answer(
            &Command::Events { past: true },
            &context(&catalog, "2021-07-01 00:00", Lang::En),
        );
        assert_eq!(
            seen(&reply),
            "Past events\n\
             • Sat 12 Jun 2021 · Rust 上海 Meetup 六月 · 上海\n\
             • Sat 17 Apr 2021 · Rust 北京 Meetup 四月 · 北京\n\
             Tap a button for the agenda."
        );
    }

    #[test]
    fn long_lists_page_with_arrows() {
        let catalog = monthly(12);
        let ctx = context(&catalog, "2029-01-01 00:00", Lang::En);
        let first = answer(&Command::Events { past: false }, &ctx);
        let message = &first.messages[0];
        assert!(message
            .html
            .starts_with("<b>Upcoming events</b> (page 1/2)\n1. "));
        assert_eq!(message.buttons.len(), PAGE_SIZE + 1);
        assert_eq!(labels(message)[PAGE_SIZE], ["▶"]);
        let forward = Callback::decode(&message.buttons[PAGE_SIZE][0].data).unwrap();
        assert_eq!(
            forward,
            Callback::EventsPage {
                past: false,
                page: 1
            }
        );

        let second = answer_callback(&forward, &ctx);
        let message = &second.messages[0];
        assert!(seen(&second).contains("(page 2/2)\n9. Sun 1 Sep 2030 · Meetup 9\n"));
        assert_eq!(message.buttons.len(), 4 + 1);
        assert_eq!(labels(message)[4], ["◀"]);
        assert_eq!(labels(message)[0], ["9. Meetup 9", "📅", "🔔"]);
    }

    #[test]
    fn a_stale_page_shows_the_last_one() {
        let catalog = monthly(12);
        let ctx = context(&catalog, "2029-01-01 00:00", Lang::En);
        let reply = answer_callback(
            &Callback::EventsPage {
                past: false,
                page: 7,
            },
            &ctx,
        );
        assert!(reply.messages[0].html.contains("(page 2/2)"));
    }

    #[test]
    fn no_events_at_all() {
        let catalog = Catalog::default();
        let reply = answer(
            &Command::Events { past: false },
            &context(&catalog, "2021-05-01 00:00", Lang::En),
        );
        assert_eq!(
            seen(&reply),
            "No upcoming events yet. Send /events past for past ones."
        );
    }
}
