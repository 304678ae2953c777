//! Marks the build `cfg(herald_corpus)` when `HERALD_CORPUS` names the
//! shared corpus of real event pages. The tests that need it are
//! `#[ignore]`d without it, so `cargo test` lists them as ignored, with
//! the reason, instead of passing them unchecked.

fn main() {
    println!("cargo:rustc-check-cfg=cfg(herald_corpus)");
    println!("cargo:rerun-if-env-changed=HERALD_CORPUS");
    println!("cargo:rerun-if-changed=build.rs");
    let set = std::env::var_os("HERALD_CORPUS").is_some_and(|dir| !dir.is_empty());
    if set {
        println!("cargo:rustc-cfg=herald_corpus");
    }
}
