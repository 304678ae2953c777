//! `/ics [event]`: an event as a calendar file, which any calendar app
//! opens. The event is found as `/agenda` finds it; the file itself is
//! written by the adapter from the feed (see [`Document`]).

use super::{agenda, Context, Document, Message, Reply};
use crate::events::Event;
use crate::render;

pub(super) fn answer(ctx: &Context, query: &str) -> Reply {
    match agenda::chosen(ctx, query) {
        Ok(event) => of(ctx, event),
        Err(Some(reply)) => reply,
        Err(None) => Reply::html(render::no_upcoming(
            ctx.catalog.last(ctx.now),
            ctx.lang,
            ctx.tz,
        )),
    }
}

/// The event's file with a caption, or why an undated event has none.
pub(super) fn of(ctx: &Context, event: &Event) -> Reply {
    if event.start.is_none() {
        return Reply::html(render::no_calendar_date(event, ctx.lang));
    }
    let message = Message {
        html: render::calendar_caption(event, ctx.lang, ctx.tz),
        buttons: Vec::new(),
        document: Some(Document {
            event: event.id.clone(),
            filename: format!("{}.ics", event.id),
        }),
    };
    Reply {
        messages: vec![message],
    }
}

#[cfg(test)]
mod tests {
    use crate::commands::testing::*;
    use crate::commands::{answer, answer_callback, Callback, Command, Document};
    use crate::events::catalog::fixtures::*;
    use crate::events::Catalog;
    use crate::lang::Lang;

    fn document(reply: &crate::commands::Reply) -> Option<&Document> {
        reply.messages.last()?.document.as_ref()
    }

    #[test]
    fn the_next_event_or_a_named_one_comes_as_a_file() {
        let catalog = community();
        let ctx = context(&catalog, "2021-07-01 00:00", Lang::En);
        let next = answer(&Command::Ics(String::new()), &ctx);
        assert_eq!(
            document(&next).map(|d| d.filename.as_str()),
            Some("2021-09-rust.ics")
        );
        assert_eq!(
            seen(&next),
            "Rust 北京 Meetup 九月\n🗓 Sat 18 Sep 2021, 13:00–18:00\n\
             Open this file to add the event to your calendar."
        );
        let named = answer(&Command::Ics("上海".into()), &ctx);
        assert_eq!(
            document(&named).map(|d| d.event.as_str()),
            Some("2021-06-rust")
        );
    }

    #[test]
    fn several_matches_are_offered_and_nothing_is_sent() {
        let catalog = community();
        let ctx = context(&catalog, "2021-05-01 00:00", Lang::En);
        let reply = answer(&Command::Ics("北京".into()), &ctx);
        assert!(seen(&reply).starts_with("Several events match “北京”; pick one:"));
        assert_eq!(document(&reply), None);
        let row = &reply.messages[0].buttons[0];
        assert_eq!(
            Callback::decode(&row[1].data),
            Some(Callback::ics("2021-09-rust"))
        );
    }

    #[test]
    fn an_undated_event_has_no_file_and_nothing_ahead_names_the_last() {
        let undated = event("tba", "Rust Conf", "2021-10-01 09:00")
            .undated()
            .build();
        let catalog = Catalog::new(vec![undated]);
        let ctx = context(&catalog, "2021-05-01 00:00", Lang::En);
        let reply = answer_callback(&Callback::ics("tba"), &ctx);
        assert_eq!(
            seen(&reply),
            "Rust Conf has no date yet, so it cannot go in a calendar."
        );
        assert_eq!(document(&reply), None);

        let catalog = community();
        let ctx = context(&catalog, "2022-01-01 00:00", Lang::Zh);
        let reply = answer(&Command::Ics(String::new()), &ctx);
        assert!(seen(&reply).starts_with("暂时没有即将举行的活动。"));
    }
}
