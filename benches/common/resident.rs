//! Resident memory of this process, for the examples that measure what
//! herald holds at rest. Linux only: it reads `/proc/self/statm`.

/// Resident bytes, from `/proc/self/statm` (its second field, in pages).
pub fn resident() -> u64 {
    let statm = std::fs::read_to_string("/proc/self/statm").expect("Linux's /proc");
    let pages: u64 = statm
        .split_whitespace()
        .nth(1)
        .and_then(|field| field.parse().ok())
        .expect("statm's resident field");
    pages * 4096
}
