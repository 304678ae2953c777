//! What `GET /healthz` reports. The scheduler and the update loop each say
//! how they are; the endpoint answers 200 only while both are well, so a
//! supervisor notices a part that stopped while the process stays up.

use std::sync::{Arc, Mutex, PoisonError};

/// A shared handle: cheap to clone, one per running herald.
#[derive(Debug, Clone, Default)]
pub struct Health(Arc<Mutex<Parts>>);

#[derive(Debug, Default)]
struct Parts {
    scheduler: Condition,
    updates: Condition,
}

/// How one part of herald is doing.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Condition {
    #[default]
    Starting,
    Alive,
    /// Still running, but failing: the reason is what `/healthz` says.
    Trouble(String),
    /// This part is not used by this run (no scheduler in a console).
    Off,
    /// Healthy, and waiting: a replica whose scheduler stands by while
    /// another replica leads.
    Standby,
}

impl Health {
    pub fn scheduler(&self, condition: Condition) {
        self.parts().scheduler = condition;
    }

    pub fn updates(&self, condition: Condition) {
        self.parts().updates = condition;
    }

    /// `Ok` while every part is alive (or off); else why not, part by part.
    pub fn report(&self) -> Result<(), String> {
        let parts = self.parts();
        let troubles: Vec<String> = [("scheduler", &parts.scheduler), ("updates", &parts.updates)]
            .into_iter()
            .filter_map(|(part, condition)| match condition {
                Condition::Alive | Condition::Off | Condition::Standby => None,
                Condition::Starting => Some(format!("{part}: starting")),
                Condition::Trouble(reason) => Some(format!("{part}: {reason}")),
            })
            .collect();
        if troubles.is_empty() {
            Ok(())
        } else {
            Err(troubles.join("; "))
        }
    }

    fn parts(&self) -> std::sync::MutexGuard<'_, Parts> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn healthy_only_while_every_part_is_alive() {
        let health = Health::default();
        assert_eq!(
            health.report(),
            Err("scheduler: starting; updates: starting".into())
        );
        health.scheduler(Condition::Alive);
        health.updates(Condition::Off);
        assert_eq!(health.report(), Ok(()));
        health.scheduler(Condition::Trouble("state file: disk full".into()));
        assert_eq!(
            health.report(),
            Err("scheduler: state file: disk full".into())
        );
    }
}
