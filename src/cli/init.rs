//! `herald init`: a new organizer's first files. It writes a `bot.toml`
//! that names nobody (no admins, no chats: whoever runs it chooses), and
//! either a sample page dated a month from now, so the console has
//! something to show at once, or, with `--from-site`, points `events` at a
//! Hugo site's event section and takes the site's `baseURL`.
//!
//! Everything is decided and checked before the first file is written: a
//! refused init leaves the folder as it was.

use std::fs::{self, OpenOptions};
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{bail, Context as _, Result};
use chrono::{Datelike as _, Days, NaiveDate, Utc, Weekday};
use chrono_tz::Tz;
use clap::Args;
use serde_json::Value as Json;
use toml_edit::DocumentMut;

use super::out;

use crate::config::{self, Config};
use crate::lang::Lang;

/// The shipped `bot.toml` is the template, so the comments an organizer
/// reads after `herald init` are the ones the repository documents.
const TEMPLATE: &str = include_str!("../../bot.toml");

/// Where the sample page goes, under `events/`.
const SAMPLE: &str = "sample-meetup/index.md";

/// How far ahead the sample event is, at least.
const SAMPLE_DAYS_AHEAD: u64 = 30;

/// Hugo's config files, in the order Hugo itself prefers them.
const HUGO_CONFIGS: [&str; 8] = [
    "hugo.toml",
    "hugo.yaml",
    "hugo.yml",
    "hugo.json",
    "config.toml",
    "config.yaml",
    "config.yml",
    "config.json",
];

/// The names Hugo sites give their events section.
const SECTIONS: [&str; 2] = ["event", "events"];

#[derive(Debug, Args)]
pub struct InitArgs {
    /// The folder to write `bot.toml` (and `events/`) into; created if missing.
    #[arg(default_value = ".")]
    pub dir: PathBuf,
    /// A Hugo site: point `events` at its event section and take its
    /// `baseURL` as `site_url`, instead of writing a sample page.
    #[arg(long, value_name = "PATH_TO_HUGO_SITE")]
    pub from_site: Option<PathBuf>,
}

/// What the Hugo site says that `bot.toml` needs.
struct Site {
    /// The event section, resolved, so a path relative to the new
    /// `bot.toml` can be made from it.
    section: PathBuf,
    site_url: Option<url::Url>,
    timezone: Option<Tz>,
    language: Option<Lang>,
    /// What was found and where, for the organizer to check.
    notes: Vec<String>,
}

pub(super) fn init(args: &InitArgs) -> Result<ExitCode> {
    let site = args.from_site.as_deref().map(read_site).transpose()?;
    let config_path = args.dir.join("bot.toml");
    let sample_path = args.dir.join("events").join(SAMPLE);
    let mut writes = vec![config_path.clone()];
    if site.is_none() {
        writes.push(sample_path.clone());
    }
    for path in &writes {
        refuse_existing(path)?;
    }

    fs::create_dir_all(&args.dir)
        .with_context(|| format!("{}: cannot create the folder", args.dir.display()))?;
    let config = match &site {
        Some(site) => site_config(site, &args.dir)?,
        None => TEMPLATE.to_string(),
    };
    // The file must be one `herald check` takes: a bug here is said here.
    let parsed = Config::parse(&config_path, &config).map_err(|error| {
        anyhow::anyhow!("herald init made a bot.toml it cannot read (a bug): {error}")
    })?;
    write_new(&config_path, &config)?;
    let written: Vec<String> = writes.iter().map(|p| p.display().to_string()).collect();
    match &site {
        Some(site) => {
            for note in &site.notes {
                out(format_args!("{note}\n"))?;
            }
            out(format_args!("Wrote {}.\n", written.join(" and ")))?;
        }
        None => {
            let day = sample_day(parsed.timezone);
            write_new(&sample_path, &sample_page(day, parsed.timezone))?;
            out(format_args!(
                "Wrote {} (a sample meetup on {}).\n",
                written.join(" and "),
                day.format("%a %-d %b %Y")
            ))?;
        }
    }
    print_next_steps(&args.dir)?;
    Ok(ExitCode::SUCCESS)
}

/// A file already there is the organizer's; init never writes over it.
fn refuse_existing(path: &Path) -> Result<()> {
    if fs::symlink_metadata(path).is_ok() {
        bail!(
            "{}: already exists, and herald init never overwrites a file: move it away, \
             or give init another folder",
            path.display()
        );
    }
    Ok(())
}

fn write_new(path: &Path, text: &str) -> Result<()> {
    let fail = || format!("{}: cannot write", path.display());
    if let Some(folder) = path.parent() {
        fs::create_dir_all(folder).with_context(fail)?;
    }
    // `create_new`, so a file that appeared since the check is not replaced.
    let mut file = OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .with_context(fail)?;
    file.write_all(text.as_bytes()).with_context(fail)
}

/// The template with the site's values in place of the defaults, each
/// keeping the comment beside it.
fn site_config(site: &Site, dir: &Path) -> Result<String> {
    let mut doc: DocumentMut = TEMPLATE.parse().context("the shipped bot.toml is TOML")?;
    let dir = dir
        .canonicalize()
        .with_context(|| format!("{}: cannot resolve the folder", dir.display()))?;
    // Relative where it can be, so the pair can move together.
    let events = pathdiff::diff_paths(&site.section, &dir).unwrap_or(site.section.clone());
    set(&mut doc, "events", &events.to_string_lossy(), None);
    if let Some(zone) = site.timezone {
        set(&mut doc, "timezone", zone.name(), None);
    }
    if let Some(language) = site.language {
        set(&mut doc, "language", &language.to_string(), None);
    }
    if let Some(url) = &site.site_url {
        let comment = "# the Hugo site's baseURL: relative links on pages point into it";
        set(&mut doc, "site_url", url.as_str(), Some(comment));
    }
    Ok(doc.to_string())
}

/// Sets a top-level key, keeping its place and the comment beside it (or
/// adding `comment`), lined up with the template's other comments.
fn set(doc: &mut DocumentMut, key: &str, value: &str, comment: Option<&str>) {
    const COMMENT_COLUMN: usize = 32;
    let old = doc.get(key).and_then(toml_edit::Item::as_value);
    let comment = old
        .and_then(|old| old.decor().suffix())
        .and_then(toml_edit::RawString::as_str)
        .map(str::trim)
        .or(comment)
        .unwrap_or("");
    let line = format!("{key} = {}", toml::Value::String(value.to_string()));
    let pad = COMMENT_COLUMN.saturating_sub(line.chars().count()).max(1);
    let mut new = toml_edit::Value::from(value);
    new.decor_mut().set_prefix(" ");
    if !comment.is_empty() {
        new.decor_mut()
            .set_suffix(format!("{}{comment}", " ".repeat(pad)));
    }
    doc[key] = toml_edit::Item::Value(new);
}

/// What to do next, with the `--config` each command needs from here.
fn print_next_steps(dir: &Path) -> Result<()> {
    let config = match dir.as_os_str().to_str() {
        Some("." | "") => String::new(),
        _ => format!(" --config {}", dir.join("bot.toml").display()),
    };
    out(format_args!(
        "\nNext:\n\
         \x20 1. Ask herald what a member would (/next, /agenda, /help; --lang en for English):\n\
         \x20      herald console{config}\n\
         \x20 2. Check the config and every page, as your site's CI can:\n\
         \x20      herald check{config}\n\
         \x20 3. Put your Telegram user id in `admins` and your chats in `chats` (the comments\n\
         \x20    in bot.toml say how to find them), then run the bot with a token from @BotFather:\n\
         \x20      TELOXIDE_TOKEN=123456:ABC... herald run{config}\n"
    ))
}

/// A Saturday about a month from now in the bot's zone: far enough for
/// reminders and a digest to be planned, near enough for `/next`.
fn sample_day(tz: Tz) -> NaiveDate {
    let ahead = (Utc::now().with_timezone(&tz).date_naive())
        .checked_add_days(Days::new(SAMPLE_DAYS_AHEAD))
        .expect("a month ahead is a date");
    let to_saturday =
        (Weekday::Sat.num_days_from_monday() + 7 - ahead.weekday().num_days_from_monday()) % 7;
    ahead + Days::new(to_saturday.into())
}

/// A page in the shape real meetup pages have: front matter, then a timed
/// programme with two talks and a break, in the afternoon of `day`.
fn sample_page(day: NaiveDate, tz: Tz) -> String {
    let at = |hour: u32| {
        day.and_hms_opt(hour, 0, 0)
            .and_then(|time| time.and_local_timezone(tz).earliest())
            .map_or_else(String::new, |time| time.to_rfc3339())
    };
    let (start, end) = (at(14), at(17));
    format!(
        r#"---
title: "Sample Meetup: Getting Started"
event: "Sample Meetup"
location: "Community Space, Room 1"
address:
  street: 1 Example Road
  city: Shanghai
  country: China
summary: 'A sample event written by herald init: edit it, or replace it with your own pages.'
date: {start}
date_end: {end}
all_day: false
authors: ["Ada Lovelace", "Grace Hopper"]
tags: ["sample"]
---

This page was written by `herald init` so that `/next` and `/agenda` have
something to show. Edit it, or delete it and add your own pages: one
`events/<slug>/index.md` per event, as on a Hugo site.

## Programme

- 14:00 - 14:45 **Ada Lovelace** (Analytical Engines): Writing your first event page
- 14:45 - 15:00 Coffee break
- 15:00 - 15:45 Reminders members actually read — Grace Hopper (COBOL Foundation)
"#
    )
}

/// Finds the site's event section and reads what its config says.
fn read_site(site: &Path) -> Result<Site> {
    let root = site
        .canonicalize()
        .with_context(|| format!("--from-site {}: cannot open the site", site.display()))?;
    let mut notes = Vec::new();
    let hugo = hugo_config(&root)?;
    let value = |key: &str| hugo.as_ref().and_then(|(_, config)| lookup(config, key));
    let language = value("defaultContentLanguage").or_else(|| value("languageCode"));
    let section = event_section(&root, language.as_deref(), &mut notes)?;

    let Some((file, _)) = &hugo else {
        notes.push(format!(
            "No Hugo config ({}, also under config/_default/) in {}: site_url, timezone \
             and language are left as bot.toml's defaults.",
            HUGO_CONFIGS.join(", "),
            root.display()
        ));
        return Ok(Site {
            section,
            site_url: None,
            timezone: None,
            language: None,
            notes,
        });
    };
    let file = file.display();
    let site_url = match value("baseURL") {
        Some(base) => match config::site_url(base.clone()) {
            Ok(url) => {
                notes.push(format!("site_url: {url} (baseURL in {file})"));
                Some(url)
            }
            Err(why) => {
                notes.push(format!(
                    "site_url left unset: baseURL in {file}: {why}; set site_url in bot.toml"
                ));
                None
            }
        },
        None => {
            notes.push(format!(
                "site_url left unset: {file} has no baseURL; set site_url in bot.toml to the \
                 site's address so relative links on pages work"
            ));
            None
        }
    };
    let timezone = value("timeZone").and_then(|zone| zone.parse::<Tz>().ok());
    if let Some(zone) = timezone {
        notes.push(format!("timezone: {zone} (timeZone in {file})"));
    }
    // Pages in a language herald has no words for are read as English.
    let language = language.map(|code| Lang::from_telegram(Some(&code), Lang::En));
    if let Some(language) = language {
        notes.push(format!(
            "language: {language} (the site's default language)"
        ));
    }
    Ok(Site {
        section,
        site_url,
        timezone,
        language,
        notes,
    })
}

/// `content/event` or `content/events`, else the same under a language
/// folder (`content/zh/event`), the site's default language first.
fn event_section(root: &Path, language: Option<&str>, notes: &mut Vec<String>) -> Result<PathBuf> {
    let content = root.join("content");
    let mut languages: Vec<PathBuf> = fs::read_dir(&content)
        .map(|entries| {
            entries
                .filter_map(|entry| entry.ok().map(|entry| entry.path()))
                .filter(|path| path.is_dir())
                .collect()
        })
        .unwrap_or_default();
    languages.sort();
    let is_default = |path: &PathBuf| {
        language.is_some_and(|code| path.file_name().is_some_and(|name| name == code))
    };
    languages.sort_by_key(|path| !is_default(path));
    let found: Vec<PathBuf> = std::iter::once(content.clone())
        .chain(languages)
        .flat_map(|folder| SECTIONS.map(|name| folder.join(name)))
        .filter(|path| path.is_dir())
        .collect();
    let Some(section) = found.first() else {
        bail!(
            "--from-site {}: no event section found: looked for content/event, \
             content/events, content/<lang>/event and content/<lang>/events; \
             run herald init without --from-site and set `events` in bot.toml \
             to the folder of event pages",
            root.display()
        );
    };
    let shown = |path: &Path| {
        path.strip_prefix(root)
            .unwrap_or(path)
            .display()
            .to_string()
    };
    let mut note = format!("events: {} (the site's event section)", section.display());
    if found.len() > 1 {
        let others: Vec<String> = found[1..].iter().map(|path| shown(path)).collect();
        note += &format!(
            "; also found {}, which herald does not read: it serves one folder",
            others.join(", ")
        );
    }
    notes.push(note);
    Ok(section.clone())
}

/// The first Hugo config file there is, read as a tree.
fn hugo_config(root: &Path) -> Result<Option<(PathBuf, Json)>> {
    let folders = [root.to_path_buf(), root.join("config").join("_default")];
    let Some(file) = folders
        .iter()
        .flat_map(|folder| HUGO_CONFIGS.map(|name| folder.join(name)))
        .find(|path| path.is_file())
    else {
        return Ok(None);
    };
    let text =
        fs::read_to_string(&file).with_context(|| format!("{}: cannot read", file.display()))?;
    let parsed = match file.extension().and_then(|e| e.to_str()) {
        Some("toml") => toml::from_str::<Json>(&text).map_err(|e| e.to_string()),
        Some("json") => serde_json::from_str::<Json>(&text).map_err(|e| e.to_string()),
        _ => serde_saphyr::from_str::<Json>(&text).map_err(|e| e.to_string()),
    };
    let config = parsed.map_err(|error| anyhow::anyhow!("{}: {}", file.display(), error.trim()))?;
    Ok(Some((file, config)))
}

/// A top-level string; Hugo's keys are case-insensitive (`baseURL`,
/// `baseurl`).
fn lookup(config: &Json, key: &str) -> Option<String> {
    config
        .as_object()?
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case(key))
        .and_then(|(_, value)| value.as_str())
        .map(str::to_string)
}
