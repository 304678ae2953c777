//! A clock the tests move: the wall clock's pace from a set moment, so the
//! real scheduler can be sent ahead to where it would otherwise wait.

use std::sync::{Arc, Mutex};

use chrono::{DateTime, Utc};
use herald::clock::Clock;

/// The wall clock from a set moment, moved by [`Jumping::set`].
#[derive(Clone)]
pub struct Jumping(Arc<Mutex<(DateTime<Utc>, std::time::Instant)>>);

impl Jumping {
    pub fn at(start: DateTime<Utc>) -> Jumping {
        Jumping(Arc::new(Mutex::new((start, std::time::Instant::now()))))
    }

    pub fn set(&self, to: DateTime<Utc>) {
        *self.0.lock().unwrap() = (to, std::time::Instant::now());
    }
}

impl Clock for Jumping {
    fn now(&self) -> DateTime<Utc> {
        let (at, since) = *self.0.lock().unwrap();
        at + chrono::Duration::from_std(since.elapsed()).unwrap()
    }
}
