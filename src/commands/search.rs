//! Plain text in a private chat: whoever is named, then talks about it.

use super::{speaker, talk, Context, Reply};
use crate::render;

pub(super) fn answer(ctx: &Context, text: &str) -> Reply {
    let mut blocks = speaker::matched(ctx, text).unwrap_or_default();
    blocks.extend(talk::hits(ctx, text));
    if blocks.is_empty() {
        return Reply::html(render::nothing_found(text, ctx.lang));
    }
    Reply::blocks(blocks)
}

#[cfg(test)]
mod tests {
    use crate::commands::testing::*;
    use crate::commands::{answer, Command};
    use crate::lang::Lang;

    fn search(text: &str, lang: Lang) -> String {
        let catalog = community();
        seen(&answer(
            &Command::Search(text.into()),
            &context(&catalog, "2021-07-01 00:00", lang),
        ))
    }

    #[test]
    fn speakers_come_before_talks() {
        let text = search("tokio", Lang::En);
        assert!(text.starts_with("Talks about “tokio”: 2"), "{text}");
        let text = search("Jane", Lang::En);
        assert!(text.starts_with("🎤 Jane Doe · Ferrous\n"), "{text}");
        assert!(!text.contains("Talks about"));
    }

    #[test]
    fn nothing_found_points_to_help() {
        assert_eq!(
            search("<b>cobol</b>", Lang::En),
            "No speakers or talks match “<b>cobol</b>”. Send /help to see what I can do."
        );
    }
}
