//! Members' commands, answered fairly. Each member has a queue of their own;
//! the reply workers take one command at a time from each member in turn
//! (round robin), and never two of one member's at once, so a member's
//! replies keep their order and one member's burst waits behind everyone
//! else's single questions instead of in front of them.
//!
//! A member's queue holds at most [`CAP`] commands. Beyond that, commands
//! are dropped until the queue has drained (so the member's last message
//! of a burst is the one saying so), and the member is told once: not
//! again within [`QUIET`] of being told.
//!
//! The queue itself is plain data, driven with an explicit `now`, so its
//! rules are tested without a clock.

use std::collections::{HashMap, VecDeque};
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use tokio::sync::Notify;

/// Commands queued per member, beyond the one being answered.
pub const CAP: usize = 10;
/// A member told to slow down is not told again this soon.
pub const QUIET: Duration = Duration::from_secs(30);

/// Who a command is from: a Telegram user id (or a chat's, for posts made
/// as a chat).
pub type Member = i64;

/// What happened to a command offered to the queue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Admit {
    Queued,
    /// The member's queue is full; `tell` is true for the first drop of a
    /// burst, when the member should hear why.
    Dropped {
        tell: bool,
    },
}

/// The queues, shared by the intake and the reply workers.
pub struct Fair<J> {
    queues: Mutex<Queues<J>>,
    ready: Notify,
}

/// Every member's queue, and whose turn it is.
pub struct Queues<J> {
    members: HashMap<Member, Queue<J>>,
    /// Members with a command waiting and none being answered, in turn.
    turns: VecDeque<Member>,
    closed: bool,
}

struct Queue<J> {
    jobs: VecDeque<J>,
    /// One of the member's commands is being answered.
    busy: bool,
    /// Commands were dropped and the queue has not drained since.
    overflowing: bool,
    /// When the member was last told to slow down.
    told: Option<Instant>,
}

impl<J> Default for Queues<J> {
    fn default() -> Self {
        Queues {
            members: HashMap::new(),
            turns: VecDeque::new(),
            closed: false,
        }
    }
}

impl<J> Queues<J> {
    /// Queues `job` for `member`, unless their queue is full.
    pub fn push(&mut self, member: Member, job: J, now: Instant) -> Admit {
        let queue = self.members.entry(member).or_insert_with(|| Queue {
            jobs: VecDeque::new(),
            busy: false,
            overflowing: false,
            told: None,
        });
        if queue.overflowing || queue.jobs.len() >= CAP {
            queue.overflowing = true;
            let tell = queue.told.is_none_or(|at| now.duration_since(at) >= QUIET);
            if tell {
                queue.told = Some(now);
            }
            return Admit::Dropped { tell };
        }
        queue.jobs.push_back(job);
        if !queue.busy && queue.jobs.len() == 1 {
            self.turns.push_back(member);
        }
        Admit::Queued
    }

    /// Queues `job` for `member` even past the cap: the one word about the
    /// commands dropped, which follows the answers already queued.
    pub fn push_over_cap(&mut self, member: Member, job: J) {
        let Some(queue) = self.members.get_mut(&member) else {
            return;
        };
        queue.jobs.push_back(job);
        if !queue.busy && queue.jobs.len() == 1 {
            self.turns.push_back(member);
        }
    }

    /// The next member's next command; the member is busy until
    /// [`Queues::done`].
    pub fn take(&mut self) -> Option<(Member, J)> {
        let member = self.turns.pop_front()?;
        let queue = self.members.get_mut(&member)?;
        let job = queue.jobs.pop_front()?;
        queue.busy = true;
        Some((member, job))
    }

    /// `member`'s command has been answered: their next one, if any, waits
    /// for its turn behind the members already waiting.
    pub fn done(&mut self, member: Member, now: Instant) {
        let Some(queue) = self.members.get_mut(&member) else {
            return;
        };
        queue.busy = false;
        if !queue.jobs.is_empty() {
            self.turns.push_back(member);
            return;
        }
        queue.overflowing = false;
        if queue.told.is_none_or(|at| now.duration_since(at) >= QUIET) {
            // Nothing left to remember: the map stays as small as the
            // members asking right now.
            self.members.remove(&member);
        }
    }

    /// Commands waiting, all members together.
    pub fn waiting(&self) -> usize {
        self.members.values().map(|q| q.jobs.len()).sum()
    }
}

impl<J> Default for Fair<J> {
    fn default() -> Self {
        Fair {
            queues: Mutex::new(Queues::default()),
            ready: Notify::new(),
        }
    }
}

impl<J> Fair<J> {
    /// Runs `change` on the queues, then wakes a worker if there is work.
    pub fn with<T>(&self, change: impl FnOnce(&mut Queues<J>) -> T) -> T {
        let mut queues = self.queues.lock().unwrap_or_else(PoisonError::into_inner);
        let result = change(&mut queues);
        if !queues.turns.is_empty() || queues.closed {
            // Every waiting worker looks; those that find nothing wait again.
            self.ready.notify_waiters();
        }
        result
    }

    /// Waits for the next command to answer; `None` once closed and empty.
    pub async fn next(&self) -> Option<(Member, J)> {
        loop {
            let ready = self.ready.notified();
            {
                let mut queues = self.queues.lock().unwrap_or_else(PoisonError::into_inner);
                if let Some(next) = queues.take() {
                    return Some(next);
                }
                if queues.closed && queues.waiting() == 0 {
                    return None;
                }
            }
            ready.await;
        }
    }

    /// No more commands come: workers finish what is queued, then stop.
    pub fn close(&self) {
        self.with(|queues| queues.closed = true);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn members_take_turns_and_keep_their_order() {
        let now = Instant::now();
        let mut queues = Queues::default();
        for n in 0..5 {
            assert_eq!(queues.push(1, format!("flood {n}"), now), Admit::Queued);
        }
        queues.push(2, "next".to_string(), now);
        let (member, job) = queues.take().unwrap();
        assert_eq!((member, job.as_str()), (1, "flood 0"));
        // The flooder is busy: the other member is next, not flood 1.
        let (member, job) = queues.take().unwrap();
        assert_eq!((member, job.as_str()), (2, "next"));
        assert!(queues.take().is_none(), "one command per member at a time");
        queues.done(1, now);
        assert_eq!(queues.take().unwrap().1, "flood 1");
    }

    #[test]
    fn a_burst_past_the_cap_is_dropped_and_told_once() {
        let start = Instant::now();
        let mut queues = Queues::default();
        let admitted: Vec<Admit> = (0..CAP + 5).map(|n| queues.push(7, n, start)).collect();
        assert!(admitted[..CAP].iter().all(|a| *a == Admit::Queued));
        assert_eq!(admitted[CAP], Admit::Dropped { tell: true });
        assert!(admitted[CAP + 1..]
            .iter()
            .all(|a| *a == Admit::Dropped { tell: false }));
        // The queue drains and takes commands again, but a new overflow
        // this soon gets no second word.
        while let Some((member, _)) = queues.take() {
            queues.done(member, start + Duration::from_secs(1));
        }
        let later = start + Duration::from_secs(2);
        for n in 0..CAP {
            queues.push(7, n, later);
        }
        assert_eq!(queues.push(7, 0, later), Admit::Dropped { tell: false });
        // After a quiet spell, a new burst is told again.
        let quiet = later + QUIET;
        assert_eq!(queues.push(7, 0, quiet), Admit::Dropped { tell: true });
    }

    #[test]
    fn members_are_forgotten_once_answered() {
        let now = Instant::now();
        let mut queues = Queues::default();
        queues.push(1, (), now);
        let (member, ()) = queues.take().unwrap();
        queues.done(member, now);
        assert!(queues.members.is_empty());
    }
}
