//! The memory allocator, and how it gives memory back.
//!
//! mimalloc rather than glibc's allocator: reading pages makes millions of
//! small, short-lived allocations, which glibc's bins spend a quarter of
//! the load on (see **Benchmarks** in the README). Declared in the library,
//! so the binary, the tests, the benches and the examples all measure the
//! same.
//!
//! mimalloc is built for speed under load, and a bot is mostly at rest
//! holding its catalog, so two of its habits are changed. It backs its
//! arenas with transparent huge pages, where one touched byte makes 2 MiB
//! resident (the `no_thp` feature, in `Cargo.toml`); and it delays giving
//! freed pages back, to reuse them, so what a load or a burst of writes
//! freed stays resident ([`tune`]). At 10,000 pages the two held a third of
//! the process.

use libmimalloc_sys::{mi_collect, mi_option_set, mi_option_t};

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// `mi_option_purge_delay` in mimalloc.h (v3, the version the crate builds):
/// the crate names no constant for it.
const PURGE_DELAY: mi_option_t = 15;

/// Freed pages go back to the system at once. Call it first thing: it
/// costs a load about a tenth more time (0.1 s at 10,000 pages) and saves
/// the process a tenth of its memory at rest.
pub fn tune() {
    // SAFETY: takes no pointers; mimalloc reads the option at each purge,
    // so it may be set at any time from any thread.
    unsafe { mi_option_set(PURGE_DELAY, 0) };
}

/// Gives back what ended threads freed. Pages are read on worker threads
/// that end with the load, and mimalloc keeps what an ended thread's heap
/// freed until another thread reclaims it, which a bot at rest, allocating
/// little, may never do. Called once a catalog is in service.
pub fn release_freed() {
    // SAFETY: takes no pointers and may be called from any thread at any
    // time; it only walks mimalloc's own structures.
    unsafe { mi_collect(true) };
}
