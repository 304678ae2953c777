//! `bot.toml` parsing on arbitrary input: a config or a located error,
//! never a crash.
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(src) = std::str::from_utf8(data) else {
        return;
    };
    if let Err(error) = herald::config::Config::parse(Path::new("bot.toml"), src) {
        // Messages are built from spans into the text: make them.
        let _ = error.to_string();
    }
});
