//! The README's agenda examples read as the README says: each ```markdown
//! block in "The agenda" section is followed by a ```text block beginning
//! `herald reads:` that lists what herald makes of it, one item a line.

use std::path::Path;

use herald::events::{parse, AgendaItem, Parsed, Slot};

const README: &str = include_str!("../README.md");

/// (markdown, expected lines) for every example in the agenda section.
fn examples() -> Vec<(String, Vec<String>)> {
    let start = README
        .find("### The agenda: how herald reads a page body")
        .expect("the README has its agenda section");
    let section = &README[start..];
    let end = section
        .find("\n**Theme shortcodes.**")
        .expect("the examples end");
    let section = &section[..end];
    let mut out = Vec::new();
    let mut rest = section;
    while let Some(at) = rest.find("```markdown\n") {
        let body_start = at + "```markdown\n".len();
        let body_end = body_start + rest[body_start..].find("\n```").expect("closed fence");
        let body = rest[body_start..body_end].to_string();
        rest = &rest[body_end + 4..];
        let reads = rest
            .find("```text\nherald reads:\n")
            .expect("every example says how it is read");
        let lines_start = reads + "```text\nherald reads:\n".len();
        let lines_end = lines_start + rest[lines_start..].find("\n```").expect("closed fence");
        let lines = rest[lines_start..lines_end]
            .lines()
            .map(str::to_string)
            .collect();
        rest = &rest[lines_end + 4..];
        out.push((body, lines));
    }
    out
}

fn time(slot: Option<Slot>) -> String {
    match slot {
        Some(Slot {
            start,
            end: Some(end),
        }) => {
            format!("{}-{} ", start.format("%H:%M"), end.format("%H:%M"))
        }
        Some(Slot { start, end: None }) => format!("{} ", start.format("%H:%M")),
        None => String::new(),
    }
}

fn read(body: &str) -> Vec<String> {
    let page = format!("---\ntitle: Example\ndate: 2030-05-18T00:00:00+08:00\n---\n{body}\n");
    let tz = "Asia/Shanghai".parse().unwrap();
    let Ok(Parsed::Event { event, .. }) = parse(Path::new("example.md"), &page, tz) else {
        panic!("the example page loads:\n{body}");
    };
    event
        .agenda
        .iter()
        .map(|item| match item {
            AgendaItem::Talk(talk) => {
                let who: Vec<String> = talk
                    .speakers
                    .iter()
                    .map(|s| match &s.company {
                        Some(company) => format!("{} ({company})", s.name),
                        None => s.name.clone(),
                    })
                    .collect();
                let title = format!("{}{}", time(talk.slot), talk.title.plain());
                match who.is_empty() {
                    true => title,
                    false => format!("{title} — {}", who.join(", ")),
                }
            }
            AgendaItem::Break(pause) => format!("break {}{}", time(pause.slot), pause.title),
        })
        .collect()
}

#[test]
fn every_agenda_example_in_the_readme_reads_as_it_says() {
    let examples = examples();
    assert!(examples.len() >= 8, "found {} examples", examples.len());
    for (body, expected) in examples {
        assert_eq!(read(&body), expected, "README example:\n{body}");
    }
}
