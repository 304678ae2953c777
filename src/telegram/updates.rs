//! Updates in, replies out: the long-polling loop (or the webhook, in
//! [`super::webhook`]) hands each member's command to the [`Fair`] queue,
//! and a pool of reply workers answers them through [`super::handlers`].
//!
//! herald polls itself rather than through teloxide's `Polling` for three
//! reasons: a stop ends the `getUpdates` held open at once (teloxide's
//! waits for it to return, up to the poll timeout); a 5xx is seen at once
//! (teloxide sleeps 10 s first); and every poll's outcome reaches
//! [`Health`], an empty one included, so `/healthz` can tell a quiet bot
//! from one that cannot reach Telegram.

use std::sync::Arc;
use std::time::{Duration, Instant};

use serde::Serialize;
use serde_json::Value;
use teloxide::prelude::*;
use teloxide::requests::Payload;
use teloxide::types::{InlineQuery, MessageId, UpdateKind};
use tokio::sync::watch;
use tokio::task::JoinSet;

use super::call::{self, Failure};
use super::fair::{Admit, Fair, Member};
use super::handlers::{self, Herald};
use crate::health::{Condition, Health};
use crate::lang::Lang;

/// How long one `getUpdates` waits for news.
pub const POLL_TIMEOUT: Duration = Duration::from_secs(10);
/// Replies answered at once, each for a different member: at a 100 ms
/// Bot API round trip, 640 replies/s, far above the 30 messages/s Telegram
/// allows a bot.
pub const WORKERS: usize = 64;
/// The updates herald reads; Telegram sends no others.
const ALLOWED_UPDATES: [&str; 3] = ["message", "callback_query", "inline_query"];
/// `getUpdates` failing this many times in a row is trouble for `/healthz`.
const FAILURES_FOR_TROUBLE: u32 = 3;
/// The pause after a failed poll; it doubles up to [`LONGEST_PAUSE`].
const FIRST_PAUSE: Duration = Duration::from_millis(500);
const LONGEST_PAUSE: Duration = Duration::from_secs(5);

/// One thing for a reply worker to do.
pub(super) enum Job {
    // Boxed: a message is large, and queues hold many jobs.
    Message(Box<Message>, Instant),
    Button(Box<CallbackQuery>, Instant),
    /// `@bot <words>` typed in some chat.
    Inline(Box<InlineQuery>, Instant),
    /// The member's commands were dropped: say so, once.
    SlowDown {
        chat: ChatId,
        reply_to: Option<MessageId>,
        lang: Lang,
    },
}

/// Where updates go: the commands herald answers, into the fair queue.
#[derive(Clone)]
pub(super) struct Intake {
    pub herald: Arc<Herald>,
    pub fair: Arc<Fair<Job>>,
    /// Whose updates these are, where one process hosts many communities:
    /// a webhook's request is not served in the community's task.
    pub community: Option<Arc<str>>,
}

impl Intake {
    /// Queues the update if it is a command for herald or a button press.
    pub fn take(&self, update: Update) {
        crate::community::within(self.community.clone(), || self.queue(update));
    }

    fn queue(&self, update: Update) {
        let now = Instant::now();
        match update.kind {
            UpdateKind::Message(msg) => {
                if self.herald.understand(&msg).is_none() {
                    return;
                }
                let member: Member = msg.from.as_ref().map_or(msg.chat.id.0, |u| u.id.0 as i64);
                let slow_down = Job::SlowDown {
                    chat: msg.chat.id,
                    reply_to: (!msg.chat.is_private()).then_some(msg.id),
                    lang: self.herald.lang(msg.from.as_ref()),
                };
                self.admit(
                    member,
                    Job::Message(Box::new(msg), now),
                    Some(slow_down),
                    now,
                );
            }
            UpdateKind::CallbackQuery(query) => {
                let member = query.from.id.0 as i64;
                let chat = query
                    .message
                    .as_ref()
                    .map_or(query.from.id.into(), |m| m.chat().id);
                let slow_down = Job::SlowDown {
                    chat,
                    reply_to: None,
                    lang: self.herald.lang(Some(&query.from)),
                };
                self.admit(
                    member,
                    Job::Button(Box::new(query), now),
                    Some(slow_down),
                    now,
                );
            }
            // Typed in a chat herald may not be in, a query a keystroke:
            // one dropped is overtaken by the next, and nobody is told.
            UpdateKind::InlineQuery(query) => {
                let member = query.from.id.0 as i64;
                self.admit(member, Job::Inline(Box::new(query), now), None, now);
            }
            other => tracing::debug!(?other, "not for herald"),
        }
    }

    fn admit(&self, member: Member, job: Job, slow_down: Option<Job>, now: Instant) {
        let admitted = self.fair.with(|queues| {
            let admitted = queues.push(member, job, now);
            if let (Admit::Dropped { tell: true }, Some(slow_down)) = (admitted, slow_down) {
                queues.push_over_cap(member, slow_down);
            }
            admitted
        });
        if admitted == (Admit::Dropped { tell: true }) {
            tracing::warn!(
                member,
                "a member sends commands faster than herald answers them; skipping some"
            );
        }
        if matches!(admitted, Admit::Dropped { .. }) {
            metrics::counter!("herald_commands_dropped_total").increment(1);
        }
    }
}

/// Starts the reply workers. They stop once the queue is closed and empty.
pub(super) fn workers(bot: &Bot, intake: &Intake) -> JoinSet<()> {
    let mut set = JoinSet::new();
    for _ in 0..WORKERS {
        let (bot, intake) = (bot.clone(), intake.clone());
        set.spawn(crate::community::carry(async move {
            while let Some((member, job)) = intake.fair.next().await {
                // Its own task, so a panic in one reply frees the member.
                let answered = tokio::spawn(crate::community::carry(answer(
                    bot.clone(),
                    Arc::clone(&intake.herald),
                    job,
                )));
                match answered.await {
                    Ok(Ok(())) => {}
                    Ok(Err(error)) => tracing::warn!(%error, "a reply failed"),
                    Err(error) => tracing::error!(%error, "a reply panicked"),
                }
                intake
                    .fair
                    .with(|queues| queues.done(member, Instant::now()));
            }
        }));
    }
    set
}

async fn answer(bot: Bot, herald: Arc<Herald>, job: Job) -> ResponseResult<()> {
    let answered = match job {
        Job::Message(msg, at) => handlers::message(bot, *msg, herald, at).await,
        Job::Button(query, at) => handlers::button(bot, *query, herald, at).await,
        Job::Inline(query, at) => super::inline::query(bot, *query, herald, at).await,
        Job::SlowDown {
            chat,
            reply_to,
            lang,
        } => handlers::slow_down(bot, chat, reply_to, lang).await,
    };
    if answered.is_err() {
        metrics::counter!("herald_posts_total", "kind" => "reply", "outcome" => "failed")
            .increment(1);
    }
    answered
}

/// `getUpdates`, with the updates left as JSON so one herald cannot read
/// is skipped rather than failing the whole batch again and again.
#[derive(Serialize)]
struct GetUpdates {
    offset: i32,
    timeout: u32,
    allowed_updates: [&'static str; 3],
}

impl Payload for GetUpdates {
    type Output = Vec<Value>;
    const NAME: &'static str = "getUpdates";
}

/// Long polling until `stop` turns true. Each poll's outcome goes to
/// `health`: alive after any answer, trouble after
/// [`FAILURES_FOR_TROUBLE`] failures in a row.
pub(super) async fn poll(
    bot: &Bot,
    intake: &Intake,
    health: &Health,
    mut stop: watch::Receiver<bool>,
) {
    let mut offset = 0;
    let mut failures = 0u32;
    let mut pause = FIRST_PAUSE;
    // The first poll, and the first after a failure, answer at once, so
    // `health` hears at once that Telegram is reachable (again).
    let mut probe = true;
    loop {
        let wait = if probe { Duration::ZERO } else { POLL_TIMEOUT };
        let request = GetUpdates {
            offset,
            timeout: wait.as_secs() as u32,
            allowed_updates: ALLOWED_UPDATES,
        };
        let polled = tokio::select! {
            polled = call::once(bot, &request, POLL_TIMEOUT + Duration::from_secs(5)) => polled,
            _ = stop.wait_for(|stop| *stop) => break,
        };
        match polled {
            Ok(updates) => {
                probe = false;
                failures = 0;
                pause = FIRST_PAUSE;
                health.updates(Condition::Alive);
                for update in updates {
                    let id = update["update_id"].as_i64().unwrap_or_default();
                    offset = offset.max(id as i32 + 1);
                    // From text, as teloxide reads it: some of its types
                    // read from a `Value` differently (and fail).
                    match serde_json::from_str::<Update>(&update.to_string()) {
                        Ok(update) => intake.take(update),
                        Err(error) => {
                            tracing::warn!(id, %error, "skipping an update herald cannot read")
                        }
                    }
                }
            }
            Err(failure) => {
                let (asked, error) = match failure {
                    Failure::Wait(wait, error) => (wait, error),
                    Failure::Passing(error) | Failure::Final(error) => (Duration::ZERO, error),
                };
                probe = true;
                failures += 1;
                tracing::warn!(%error, failures, "getUpdates failed; retrying");
                if failures >= FAILURES_FOR_TROUBLE {
                    health.updates(Condition::Trouble(format!(
                        "getUpdates failed {failures} times in a row: {error}"
                    )));
                }
                tokio::select! {
                    () = tokio::time::sleep(pause.max(asked)) => {}
                    _ = stop.wait_for(|stop| *stop) => break,
                }
                pause = (pause * 2).min(LONGEST_PAUSE);
            }
        }
    }
    confirm(bot, offset).await;
}

/// Tells Telegram which updates were taken, so a restart does not get them
/// again: one short `getUpdates` with the last offset, as teloxide does.
async fn confirm(bot: &Bot, offset: i32) {
    if offset == 0 {
        return;
    }
    let request = GetUpdates {
        offset,
        timeout: 0,
        allowed_updates: ALLOWED_UPDATES,
    };
    if let Err(error) = call::once(bot, &request, Duration::from_secs(1)).await {
        tracing::warn!(
            ?error,
            "could not confirm the last updates; they may come again"
        );
    }
}
