//! Work that may block on the disk or the network (a store call, a
//! database lease), run on a blocking thread beside the async workers: the
//! PostgreSQL client panics on an async worker, and SQLite would stall it.
//! A panic in the work is raised again in the caller, as if it ran there.

pub async fn off_workers<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> T {
    tokio::task::spawn_blocking(crate::community::carry_blocking(work))
        .await
        .unwrap_or_else(|panic| std::panic::resume_unwind(panic.into_panic()))
}
