//! `/start` and `/help`: what herald is for, and every command.

use super::{Context, Reply, COMMANDS};
use crate::render;

pub(super) fn answer(ctx: &Context) -> Reply {
    let commands = COMMANDS.iter().map(|c| (c.name, c.description(ctx.lang)));
    Reply::html(render::help(commands, ctx.lang))
}

#[cfg(test)]
mod tests {
    use crate::commands::testing::*;
    use crate::commands::{answer, Command, COMMANDS};
    use crate::lang::Lang;

    #[test]
    fn help_lists_every_command_in_the_readers_language() {
        let catalog = community();
        for (lang, next) in [
            (Lang::Zh, "/next — 下一场活动"),
            (Lang::En, "/next — The next event"),
        ] {
            let text = seen(&answer(
                &Command::Help,
                &context(&catalog, "2021-05-01 00:00", lang),
            ));
            assert!(text.contains(next), "{text}");
            for command in COMMANDS {
                assert!(text.contains(&format!("/{} — ", command.name)));
            }
        }
        let start = answer(
            &Command::Start,
            &context(&catalog, "2021-05-01 00:00", Lang::En),
        );
        assert!(seen(&start).starts_with("👋 I'm herald"));
    }
}
