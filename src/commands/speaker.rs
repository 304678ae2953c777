//! `/speaker <name>`: everything a person presented, newest first.

use super::{Context, Reply};
use crate::events::catalog::SpeakerSearch;
use crate::events::Speaker;
use crate::render;

pub(super) fn answer(ctx: &Context, name: &str) -> Reply {
    let name = name.trim();
    if name.is_empty() {
        return Reply::html(render::speaker_usage(ctx.lang));
    }
    let blocks = matched(ctx, name)
        .unwrap_or_else(|suggestions| vec![render::no_speaker(name, &suggestions, ctx.lang)]);
    let buttons = match ctx.catalog.search_speakers(name) {
        SpeakerSearch::Found { appearances, .. } => super::follow::remind_rows(
            ctx,
            appearances
                .iter()
                .filter_map(|at| Some((at.event, at.talk?))),
        ),
        _ => Vec::new(),
    };
    Reply::blocks(blocks).with_buttons(buttons)
}

/// Blocks for whoever matched: a person's introduction and appearances, or
/// the names to choose from. With no match, the closest names instead.
pub(super) fn matched<'c>(ctx: &Context<'c>, name: &str) -> Result<Vec<String>, Vec<&'c str>> {
    match ctx.catalog.search_speakers(name) {
        SpeakerSearch::Found {
            speaker,
            appearances,
        } => {
            // The newest bio written in the member's language, if any page
            // has one; else the newest in any.
            let translated = appearances.iter().find_map(|at| {
                let speaker = at.event.speaker_in(at.talk, at.speaker, ctx.lang)?;
                speaker.bio
            });
            let speaker = Speaker {
                bio: translated.or(speaker.bio),
                ..speaker
            };
            let intro = render::speaker_intro(&speaker, ctx.lang);
            let talks = appearances
                .iter()
                .map(|appearance| render::appearance(appearance, ctx.lang, ctx.tz));
            Ok(std::iter::once(intro).chain(talks).collect())
        }
        SpeakerSearch::Several(names) => Ok(vec![render::several_speakers(name, &names, ctx.lang)]),
        SpeakerSearch::NotFound { suggestions } => Err(suggestions),
    }
}

#[cfg(test)]
mod tests {
    use crate::commands::testing::*;
    use crate::commands::{answer, Command};
    use crate::events::catalog::fixtures::*;
    use crate::events::{Catalog, Rich, Speaker};
    use crate::lang::Lang;

    fn ask(query: &str, lang: Lang) -> String {
        let catalog = community();
        seen(&answer(
            &Command::Speaker(query.into()),
            &context(&catalog, "2021-07-01 00:00", lang),
        ))
    }

    const ZHOU: &str = "🎤 周强 · PingCAP\n\
        \n\
        • Tokio 调度器 — 周强\n\
        📅 Rust 上海 Meetup 六月 · 2021年6月12日 周六\n\
        \n\
        • 异步 Rust 入门 — 周强 · PingCAP\n\
        📅 Rust 北京 Meetup 四月 · 2021年4月17日 周六\n\
        async/await 与 tokio";

    #[test]
    fn every_talk_of_a_speaker_newest_first() {
        assert_eq!(ask("周强", Lang::Zh), ZHOU);
    }

    #[test]
    fn spaces_and_case_do_not_matter() {
        assert_eq!(ask("周 强", Lang::Zh), ZHOU);
        assert!(
            ask("jane DOE", Lang::En).starts_with("🎤 Jane Doe · Ferrous\n\n• Rust in production")
        );
    }

    #[test]
    fn unknown_names_get_the_closest_ones() {
        assert_eq!(
            ask("周墙", Lang::Zh),
            "没有叫“周墙”的讲者。\n你是不是要找：周强"
        );
        assert_eq!(
            ask("Jane Deo", Lang::En),
            "No speaker named “Jane Deo”.\nDid you mean: Jane Doe"
        );
        assert_eq!(ask("zhou", Lang::En), "No speaker named “zhou”.");
    }

    #[test]
    fn several_people_are_listed_to_choose_from() {
        let catalog = Catalog::new(vec![event("e", "E", "2021-01-01 10:00")
            .talk(talk("A").by(speaker_at("王伟", "X")))
            .talk(talk("B").by(speaker("王芳")))
            .build()]);
        let reply = answer(
            &Command::Speaker("王".into()),
            &context(&catalog, "2021-07-01 00:00", Lang::En),
        );
        assert_eq!(
            seen(&reply),
            "Several speakers match “王”:\n• /speaker 王伟\n• /speaker 王芳"
        );
    }

    #[test]
    fn nickname_company_and_bio_are_shown() {
        let zhao = Speaker {
            alias: Some("于雨".into()),
            bio: Some(Rich::inline("dubbo-go 负责人")),
            ..speaker_at("赵新", "Ant Group")
        };
        let catalog = Catalog::new(vec![event("e", "Gopher Day", "2021-01-02 10:00")
            .talk(talk("Dubbo-go").by(zhao))
            .build()]);
        let reply = answer(
            &Command::Speaker("于雨".into()),
            &context(&catalog, "2021-07-01 00:00", Lang::Zh),
        );
        assert_eq!(
            seen(&reply),
            "🎤 赵新（于雨） · Ant Group\ndubbo-go 负责人\n\n\
             • Dubbo-go — 赵新（于雨） · Ant Group\n📅 Gopher Day · 2021年1月2日 周六"
        );
    }

    #[test]
    fn no_name_shows_usage() {
        assert_eq!(
            ask(" ", Lang::En),
            "Usage: /speaker name, e.g. /speaker Jane Doe"
        );
    }
}
