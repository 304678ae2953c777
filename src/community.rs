//! Which community the running task serves, so that one process hosting
//! many (`herald run --communities`) labels each one's metrics
//! `community="<name>"`. A task-local, not a parameter: metrics are
//! emitted deep in the scheduler, the handlers and the library, which
//! should not have to know that they are hosted. A lone `herald run` has
//! no community, and its metrics no such label. A task spawned on a
//! community's behalf is [`carry`]'d, which also keeps it in the
//! community's log span.

use std::borrow::Cow;
use std::future::Future;
use std::sync::Arc;

use metrics::{
    Counter, Gauge, Histogram, Key, KeyName, Label, Metadata, Recorder, SharedString, Unit,
};
use tokio::task::futures::TaskLocalFuture;
use tracing::instrument::Instrumented;
use tracing::Instrument;

tokio::task_local! {
    static COMMUNITY: Option<Arc<str>>;
}

/// `future`, run on behalf of the community `name`.
pub fn scope<F: Future>(name: &str, future: F) -> TaskLocalFuture<Option<Arc<str>>, F> {
    COMMUNITY.scope(Some(Arc::from(name)), future)
}

/// `future` on behalf of the current task's community and in its log
/// span, for a task about to be spawned: a spawned task inherits neither.
pub fn carry<F: Future>(future: F) -> Instrumented<TaskLocalFuture<Option<Arc<str>>, F>> {
    COMMUNITY.scope(current(), future).in_current_span()
}

/// `work` on behalf of the current task's community and in its log span,
/// for a blocking thread.
pub fn carry_blocking<R>(work: impl FnOnce() -> R) -> impl FnOnce() -> R {
    let (community, span) = (current(), tracing::Span::current());
    move || span.in_scope(|| within(community, work))
}

/// `work` on behalf of `community`, for work done outside its tasks.
pub fn within<R>(community: Option<Arc<str>>, work: impl FnOnce() -> R) -> R {
    COMMUNITY.sync_scope(community, work)
}

/// The community the current task serves, if any.
pub fn current() -> Option<Arc<str>> {
    COMMUNITY.try_with(Clone::clone).ok().flatten()
}

/// A recorder that adds the current community's label to every metric.
pub struct Labelled<R>(pub R);

impl<R: Recorder> Labelled<R> {
    fn key<'k>(key: &'k Key) -> Cow<'k, Key> {
        match current() {
            Some(name) => {
                Cow::Owned(key.with_extra_labels(vec![Label::new("community", name.to_string())]))
            }
            None => Cow::Borrowed(key),
        }
    }
}

impl<R: Recorder> Recorder for Labelled<R> {
    fn describe_counter(&self, key: KeyName, unit: Option<Unit>, description: SharedString) {
        self.0.describe_counter(key, unit, description);
    }

    fn describe_gauge(&self, key: KeyName, unit: Option<Unit>, description: SharedString) {
        self.0.describe_gauge(key, unit, description);
    }

    fn describe_histogram(&self, key: KeyName, unit: Option<Unit>, description: SharedString) {
        self.0.describe_histogram(key, unit, description);
    }

    fn register_counter(&self, key: &Key, metadata: &Metadata<'_>) -> Counter {
        self.0.register_counter(&Self::key(key), metadata)
    }

    fn register_gauge(&self, key: &Key, metadata: &Metadata<'_>) -> Gauge {
        self.0.register_gauge(&Self::key(key), metadata)
    }

    fn register_histogram(&self, key: &Key, metadata: &Metadata<'_>) -> Histogram {
        self.0.register_histogram(&Self::key(key), metadata)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use metrics_exporter_prometheus::PrometheusBuilder;

    fn recorded(work: impl FnOnce()) -> String {
        let recorder = PrometheusBuilder::new().build_recorder();
        let handle = recorder.handle();
        metrics::with_local_recorder(&Labelled(recorder), work);
        handle.render()
    }

    #[tokio::test]
    async fn a_communitys_metrics_carry_its_name_and_a_lone_bots_none() {
        let text = recorded(|| {
            metrics::counter!("herald_commands_total", "command" => "next").increment(1);
            within(Some(Arc::from("rust-sh")), || {
                metrics::counter!("herald_commands_total", "command" => "next").increment(2);
            });
        });
        assert!(
            text.contains("herald_commands_total{command=\"next\"} 1"),
            "{text}"
        );
        assert!(
            text.contains("herald_commands_total{command=\"next\",community=\"rust-sh\"} 2"),
            "{text}"
        );
    }

    #[tokio::test]
    async fn spawned_tasks_and_blocking_work_keep_the_community() {
        let (spawned, blocking) = scope("go-bj", async {
            let spawned = tokio::spawn(carry(async { current() }));
            let blocking = tokio::task::spawn_blocking(carry_blocking(current));
            (spawned.await.unwrap(), blocking.await.unwrap())
        })
        .await;
        assert_eq!(spawned.as_deref(), Some("go-bj"));
        assert_eq!(blocking.as_deref(), Some("go-bj"));
        assert_eq!(tokio::spawn(async { current() }).await.unwrap(), None);
    }
}
