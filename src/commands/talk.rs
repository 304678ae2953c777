//! `/talk <words>`: talks about something, newest first.

use super::{Context, Reply};
use crate::render;

/// Results shown at once; a broad word should not flood a group chat.
const MAX_TALKS: usize = 10;

pub(super) fn answer(ctx: &Context, words: &str) -> Reply {
    let words = words.trim();
    if words.is_empty() {
        return Reply::html(render::talk_usage(ctx.lang));
    }
    let found = hits(ctx, words);
    if found.is_empty() {
        return Reply::html(render::no_talks(words, ctx.lang));
    }
    Reply::blocks(found)
}

/// A heading and one block per matching talk; nothing when none match.
pub(super) fn hits(ctx: &Context, words: &str) -> Vec<String> {
    let found = ctx.catalog.search_talks(words);
    if found.is_empty() {
        return Vec::new();
    }
    let shown = found.len().min(MAX_TALKS);
    let heading = render::talks_heading(words, shown, found.len(), ctx.lang);
    let talks = found[..shown]
        .iter()
        .map(|hit| render::talk_at(hit, ctx.lang, ctx.tz));
    std::iter::once(heading).chain(talks).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::commands::testing::*;
    use crate::commands::{answer, Command};
    use crate::events::catalog::fixtures::*;
    use crate::events::Catalog;
    use crate::lang::Lang;

    fn talks(query: &str, lang: Lang) -> String {
        let catalog = community();
        seen(&answer(
            &Command::Talk(query.into()),
            &context(&catalog, "2021-07-01 00:00", lang),
        ))
    }

    #[test]
    fn talks_with_all_the_words() {
        assert_eq!(
            talks("TOKIO async", Lang::En),
            "Talks about “TOKIO async”: 1\n\n\
             • 异步 Rust 入门 — 周强 · PingCAP\n\
             📅 Rust 北京 Meetup 四月 · Sat 17 Apr 2021\n\
             async/await 与 tokio"
        );
        assert!(talks("embedded", Lang::Zh)
            .starts_with("与“embedded”相关的分享：2 个\n\n• 嵌入式 Rust"));
    }

    #[test]
    fn nothing_found_or_nothing_asked() {
        assert_eq!(talks("cobol", Lang::Zh), "没有找到包含“cobol”的分享。");
        assert_eq!(
            talks("", Lang::En),
            "Usage: /talk words, e.g. /talk async tokio"
        );
    }

    #[test]
    fn broad_searches_show_the_newest_few() {
        let mut builder = event("e", "E", "2021-01-02 10:00");
        for i in 0..15 {
            builder = builder.talk(talk(&format!("Rust {i}")));
        }
        let catalog = Catalog::new(vec![builder.build()]);
        let reply = answer(
            &Command::Talk("rust".into()),
            &context(&catalog, "2021-07-01 00:00", Lang::En),
        );
        let text = seen(&reply);
        assert!(text.starts_with("Talks about “rust”: 15\nShowing the newest 10; add words"));
        assert_eq!(text.matches("• Rust ").count(), MAX_TALKS);
    }
}
