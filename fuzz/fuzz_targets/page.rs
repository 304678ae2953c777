//! Page parsing on arbitrary input: must return (a page or an error), never
//! crash, hang or overflow the stack. The first line names the file (so the
//! id, bundle and language-suffix logic run too); the rest is the page.
#![no_main]

use std::path::PathBuf;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let (name, src) = text.split_once('\n').unwrap_or(("e.md", text));
    // A name with separators would be a path elsewhere; keep it one file
    // in a bundle folder, as the walk hands them over.
    let name: String = name.chars().filter(|c| *c != '/' && *c != '\0').take(64).collect();
    let path = PathBuf::from("events/meetup").join(format!("{name}.md"));
    let site = url::Url::parse("https://example.org/event/meetup/").unwrap();
    let tz = chrono_tz::Asia::Shanghai;
    let _ = herald::events::load::parse_at(&path, src, tz, Some(&site));
});
