//! `/subscribe` and `/unsubscribe`. Where a subscription is kept is the
//! adapter's business (the bot's state file, the console's memory); the
//! core asks it through [`Subscriptions`] and words the outcome, so both
//! adapters answer alike.

use super::Reply;
use crate::lang::Lang;
use crate::render;

/// The one chat's subscription, wherever the adapter keeps it.
pub trait Subscriptions {
    type Error;
    /// Subscribes the chat (`on`) or unsubscribes it; `Ok(false)` when it
    /// already was as asked, so a repeated command is acknowledged, not
    /// redone. An error is the adapter's to log: the member is only told
    /// that nothing was saved.
    fn set(&mut self, on: bool) -> Result<bool, Self::Error>;
}

/// `/subscribe` (`on`) or `/unsubscribe`, kept in `subscriptions`.
pub fn subscription(on: bool, subscriptions: &mut impl Subscriptions, lang: Lang) -> Reply {
    match subscriptions.set(on) {
        Ok(changed) => Reply::html(render::subscription(on, changed, lang)),
        Err(_) => not_saved(lang),
    }
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
    use super::*;
    use crate::commands::testing::*;
    use crate::commands::{answer, Command};

    /// A chat's subscription as a flag, failing when told to.
    struct Flag {
        on: bool,
        broken: bool,
    }

    impl Subscriptions for Flag {
        type Error = ();
        fn set(&mut self, on: bool) -> Result<bool, ()> {
            if self.broken {
                return Err(());
            }
            Ok(std::mem::replace(&mut self.on, on) != on)
        }
    }

    #[test]
    fn a_repeated_request_is_acknowledged_not_redone() {
        let mut chat = Flag {
            on: false,
            broken: false,
        };
        let said = |chat: &mut Flag, on| seen(&subscription(on, chat, Lang::En));
        assert!(said(&mut chat, true).starts_with("✅ Subscribed"));
        assert_eq!(said(&mut chat, true), "This chat is already subscribed.");
        assert!(said(&mut chat, false).starts_with("Unsubscribed"));
        assert_eq!(said(&mut chat, false), "This chat is not subscribed.");
    }

    #[test]
    fn a_store_that_fails_is_reported_as_not_saved() {
        let mut chat = Flag {
            on: false,
            broken: true,
        };
        let reply = seen(&subscription(true, &mut chat, Lang::En));
        assert!(reply.starts_with("Sorry, I couldn't save that"), "{reply}");
    }

    #[test]
    fn without_a_place_to_keep_it_nothing_is_claimed() {
        let catalog = community();
        let ctx = context(&catalog, "2021-07-01 00:00", Lang::En);
        for command in [Command::Subscribe, Command::Unsubscribe] {
            let reply = seen(&answer(&command, &ctx));
            assert!(reply.starts_with("Sorry, I couldn't save that"), "{reply}");
        }
    }
}
