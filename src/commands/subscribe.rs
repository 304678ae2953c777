//! `/subscribe` and `/unsubscribe`. Storing who subscribed belongs to the
//! Telegram adapter; the core only words the outcome.

use super::Reply;
use crate::lang::Lang;
use crate::render;

/// The reply once a chat's subscription is set: `changed` is false when it
/// already was as asked, so a repeated command is acknowledged, not redone.
pub fn confirm_subscription(subscribed: bool, changed: bool, lang: Lang) -> Reply {
    Reply::html(render::subscription(subscribed, changed, lang))
}

/// A group member who is not an admin asked to change the subscription.
pub fn refuse_subscription(lang: Lang) -> Reply {
    Reply::html(render::admins_only(lang))
}

/// The state file could not be written (a subscription, an announcement).
pub fn not_saved(lang: Lang) -> Reply {
    Reply::html(render::not_saved(lang))
}

#[cfg(test)]
mod tests {
    use crate::commands::testing::*;
    use crate::commands::{answer, Command};
    use crate::lang::Lang;

    #[test]
    fn the_console_confirms_as_if_stored() {
        let catalog = community();
        let ctx = context(&catalog, "2021-07-01 00:00", Lang::En);
        assert!(seen(&answer(&Command::Subscribe, &ctx)).starts_with("✅ Subscribed"));
        assert!(seen(&answer(&Command::Unsubscribe, &ctx)).starts_with("Unsubscribed"));
    }
}
