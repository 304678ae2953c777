//! `herald console`: one member's chat with herald, in a terminal. Lines go
//! through the same command core as the bot, and so do button presses
//! (`:press`), so every screen a member can reach in Telegram is reachable
//! here. On a terminal it is a line editor with history; piped, it echoes
//! each command before its reply, so a transcript reads like the chat.

use std::convert::Infallible;
use std::io::{self, BufRead, IsTerminal, Write};
use std::process::ExitCode;

use anyhow::{Context as _, Result};
use rustyline::error::ReadlineError;
use rustyline::DefaultEditor;

use super::{load, now, report, ConsoleArgs};
use crate::calendar;
use crate::commands::{
    self, Button, Callback, Command, Context, Follows, Mutes, Reply, Subscriptions,
};
use crate::config::Config;
use crate::duration::HumanDuration;
use crate::events::ids::Target;
use crate::events::Catalog;
use crate::render;

/// What a terminal user reads first, after herald's own welcome.
const WELCOME: &str = "This is the console: :press N or :press <label> presses a button of \
    the last reply, :help lists the console's commands, :quit or Ctrl-D leaves. \
    /subscribe is kept in memory, for this console only, until you leave.";

const HELP: &str = "\
Console commands:
  :press N        press the Nth button of the last reply, counted left to right, top to bottom
  :press <label>  press the button of the last reply with that label (any case; a unique part will do)
  :help           this list
  :quit           leave (so does Ctrl-D)
Anything else is what a member sends herald: /help lists herald's commands.
/subscribe and /unsubscribe are kept in memory, for this console only, until you leave.";

pub(super) fn console(config: &Config, args: &ConsoleArgs) -> Result<ExitCode> {
    let loaded = load(config)?;
    report(&loaded.diagnostics);
    let catalog = Catalog::new(loaded.events);
    let ctx = Context {
        catalog: &catalog,
        now: now(config, args.now.as_deref())?,
        lang: args.lang.unwrap_or(config.language),
        tz: config.timezone,
    };
    // The console keeps no state: its calendar files are at version 0.
    let site = calendar::Site::of(config);
    let stamps = calendar::unpublished(calendar::entries(catalog.events(), &site), ctx.now);
    let files = calendar::Files::new(&site, config.language, stamps);
    let mut session = Session::new(
        ctx,
        crate::schedule::default_lead(&config.schedule.talk_reminders),
    );
    let ended = if io::stdin().is_terminal() {
        interactive(&mut session, &files, &mut io::stdout())
    } else {
        piped(&mut session, &files, io::stdin().lock(), &mut io::stdout())
    };
    match ended {
        Err(error) if closed(&error) => Ok(ExitCode::SUCCESS),
        ended => ended.map(|()| ExitCode::SUCCESS),
    }
}

/// Whoever read the output has gone (`herald console | head -1`): that
/// ends the console as quietly as the end of its input would.
fn closed(error: &anyhow::Error) -> bool {
    error
        .downcast_ref::<io::Error>()
        .is_some_and(|error| error.kind() == io::ErrorKind::BrokenPipe)
}

/// A person at a terminal: a welcome, then a line editor with history (in
/// memory only). The editor ends each line itself, Ctrl-D's included, so
/// the shell's prompt starts on a line of its own after the console.
fn interactive(session: &mut Session, files: &calendar::Files, out: &mut impl Write) -> Result<()> {
    let mut editor = DefaultEditor::new().context("starting the line editor")?;
    print_reply(out, &session.answer(&Command::Start), files)?;
    print_note(out, WELCOME)?;
    loop {
        let line = match editor.readline("> ") {
            Ok(line) => line,
            // Ctrl-C drops the line being typed, as in a shell.
            Err(ReadlineError::Interrupted) => continue,
            Err(ReadlineError::Eof) => break,
            Err(error) => return Err(error).context("reading the console input"),
        };
        if !line.trim().is_empty() {
            // Only a history too full to grow fails, and then the line is
            // still answered.
            let _ = editor.add_history_entry(line.as_str());
        }
        if !show(out, session.handle(&line), files)? {
            break;
        }
    }
    Ok(())
}

/// Commands from a file or another program: each is echoed as `> line`
/// before its reply, and there is no welcome or prompt to get in the way.
fn piped(
    session: &mut Session,
    files: &calendar::Files,
    input: impl BufRead,
    out: &mut impl Write,
) -> Result<()> {
    for line in input.lines() {
        let line = line.context("reading the console input")?;
        if !line.trim().is_empty() {
            writeln!(out, "> {}", line.trim())?;
        }
        if !show(out, session.handle(&line), files)? {
            break;
        }
    }
    Ok(())
}

/// Prints what a line led to; false once the console should end.
fn show(out: &mut impl Write, step: Step, files: &calendar::Files) -> io::Result<bool> {
    match step {
        Step::Reply(reply) => print_reply(out, &reply, files)?,
        Step::Note(note) => print_note(out, &note)?,
        Step::Nothing => {}
        Step::Quit => return Ok(false),
    }
    out.flush()?;
    Ok(true)
}

/// A reply as a member would read it: the text, then a file sent with it
/// (its name, then its text), then the buttons in brackets, each after the
/// number `:press` takes.
fn print_reply(out: &mut impl Write, reply: &Reply, files: &calendar::Files) -> io::Result<()> {
    let mut number = 0;
    for message in &reply.messages {
        writeln!(out, "{}", render::html_to_plain(&message.html))?;
        if let Some(document) = &message.document {
            writeln!(out, "📎 {}", document.filename)?;
            write!(out, "{}", files.of(&document.event).replace("\r\n", "\n"))?;
        }
        for row in &message.buttons {
            let cells: Vec<String> = row
                .iter()
                .map(|button| {
                    number += 1;
                    format!("({number}) [{}]", button.text)
                })
                .collect();
            writeln!(out, "{}", cells.join("  "))?;
        }
        writeln!(out)?;
    }
    Ok(())
}

/// The console's own words, set apart from herald's by their place only:
/// a line or a few, then a blank line like a reply.
fn print_note(out: &mut impl Write, note: &str) -> io::Result<()> {
    writeln!(out, "{note}\n")
}

/// What one line of input led to.
#[derive(Debug)]
enum Step {
    /// herald answered, as it would in the chat.
    Reply(Reply),
    /// The console itself speaks: help, or why a press went nowhere.
    Note(String),
    /// A blank line.
    Nothing,
    Quit,
}

/// One member's chat: the context every answer is written in, the chat's
/// subscription, and the buttons of the last reply, which `:press` presses.
struct Session<'a> {
    ctx: Context<'a>,
    chat: Chat,
    /// The config's lead time for followed talks.
    lead: HumanDuration,
    buttons: Vec<Button>,
}

impl<'a> Session<'a> {
    fn new(ctx: Context<'a>, lead: HumanDuration) -> Session<'a> {
        Session {
            ctx,
            chat: Chat::default(),
            lead,
            buttons: Vec::new(),
        }
    }

    fn handle(&mut self, line: &str) -> Step {
        let line = line.trim();
        let Some(console) = line.strip_prefix(':') else {
            return match commands::parse(line, None) {
                Some(command) => Step::Reply(self.answer(&command)),
                None => Step::Nothing,
            };
        };
        let (name, arg) = console
            .split_once(char::is_whitespace)
            .map_or((console, ""), |(name, arg)| (name, arg.trim()));
        match name {
            "quit" => Step::Quit,
            "help" => Step::Note(HELP.to_string()),
            "press" => match Press::parse(arg) {
                Some(press) => self.press(&press),
                None => Step::Note("Press which button? :press N, or :press <label>.".into()),
            },
            _ => Step::Note(format!(
                "There is no console command :{name}. :help lists them."
            )),
        }
    }

    /// A member's message, answered by the core; what the chat keeps (its
    /// subscription) is kept in this session's memory.
    fn answer(&mut self, command: &Command) -> Reply {
        let reply = match command {
            Command::Subscribe => commands::subscription(true, &mut self.chat, self.ctx.lang),
            Command::Unsubscribe => commands::subscription(false, &mut self.chat, self.ctx.lang),
            Command::Mute(query) => commands::mute(&self.ctx, query, true, &mut self.chat),
            Command::Unmute(query) => commands::mute(&self.ctx, query, false, &mut self.chat),
            command if command.is_personal() => {
                commands::personal(command, &mut self.chat, &self.ctx, self.lead)
            }
            command => commands::answer(command, &self.ctx),
        };
        self.shown(reply)
    }

    /// A button of the last reply, handled as the bot handles its callback:
    /// data it cannot read gets the bot's "no longer works" pop-up.
    fn press(&mut self, press: &Press) -> Step {
        let button = match find(&self.buttons, press) {
            Ok(button) => button,
            Err(missing) => return Step::Note(missing.to_string()),
        };
        match Callback::decode(&button.data) {
            // The console's member is in a private chat: the pop-up is all.
            Some(Callback::Follow(target)) => {
                let Ok((text, _)) = commands::press(&target, &mut self.chat, &self.ctx);
                Step::Note(text)
            }
            Some(callback) => {
                let reply = commands::answer_callback(&callback, &self.ctx);
                Step::Reply(self.shown(reply))
            }
            None => Step::Note(render::stale_button(self.ctx.lang).to_string()),
        }
    }

    /// The reply about to be printed, whose buttons `:press` presses next.
    fn shown(&mut self, reply: Reply) -> Reply {
        self.buttons = buttons(&reply);
        reply
    }
}

/// Every button of a reply, left to right, top to bottom, message after
/// message: the order `:press N` counts in.
fn buttons(reply: &Reply) -> Vec<Button> {
    reply
        .messages
        .iter()
        .flat_map(|message| message.buttons.iter().flatten())
        .cloned()
        .collect()
}

/// The console's one chat, with its one member (member 0). What it keeps
/// lives as long as the console: the console never writes the bot's state
/// file.
#[derive(Debug, Default)]
struct Chat {
    subscribed: bool,
    follows: Vec<Target>,
    lead: Option<HumanDuration>,
    muted: Vec<String>,
}

impl Follows for Chat {
    type Error = Infallible;

    fn targets(&self) -> Result<Vec<Target>, Infallible> {
        Ok(self.follows.clone())
    }

    fn set_follow(&mut self, target: &Target, on: bool) -> Result<bool, Infallible> {
        Ok(toggle(&mut self.follows, target, on))
    }

    fn lead(&self) -> Result<Option<HumanDuration>, Infallible> {
        Ok(self.lead)
    }

    fn set_lead(&mut self, lead: HumanDuration) -> Result<(), Infallible> {
        self.lead = Some(lead);
        Ok(())
    }

    fn forget(&mut self) -> Result<bool, Infallible> {
        let any = !self.follows.is_empty() || self.lead.is_some();
        self.follows.clear();
        self.lead = None;
        Ok(any)
    }
}

impl Mutes for Chat {
    type Error = Infallible;

    fn set_mute(&mut self, event: &str, on: bool) -> Result<bool, Infallible> {
        Ok(toggle(&mut self.muted, &event.to_string(), on))
    }
}

/// Puts `item` in `list` (`on`) or takes it out; whether that changed it.
fn toggle<T: PartialEq + Clone>(list: &mut Vec<T>, item: &T, on: bool) -> bool {
    let had = list.contains(item);
    list.retain(|kept| kept != item);
    if on {
        list.push(item.clone());
    }
    had != on
}

impl Subscriptions for Chat {
    type Error = Infallible;

    fn set(&mut self, on: bool) -> Result<bool, Infallible> {
        Ok(std::mem::replace(&mut self.subscribed, on) != on)
    }
}

/// Which button `:press` means.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Press {
    /// 1-based.
    Number(usize),
    Label(String),
}

impl Press {
    fn parse(arg: &str) -> Option<Press> {
        let arg = arg.trim();
        if arg.is_empty() {
            return None;
        }
        Some(match arg.parse() {
            Ok(number) => Press::Number(number),
            Err(_) => Press::Label(arg.to_string()),
        })
    }
}

/// Why `:press` found no button, in words for the person at the console.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
enum Missing {
    #[error("The last reply has no buttons to press.")]
    NoButtons,
    #[error("There is no button {asked}: the last reply has {}.", count(*.buttons))]
    OutOfRange { asked: usize, buttons: usize },
    #[error("No button of the last reply reads “{asked}”. Its buttons: {}.", listed(.labels))]
    NoLabel { asked: String, labels: Vec<String> },
    #[error("“{asked}” could be any of {}. Press one by its number.", listed(.labels))]
    Ambiguous { asked: String, labels: Vec<String> },
}

fn count(buttons: usize) -> String {
    match buttons {
        1 => "1 button".to_string(),
        n => format!("{n} buttons, 1 to {n}"),
    }
}

fn listed(labels: &[String]) -> String {
    labels
        .iter()
        .map(|label| format!("[{label}]"))
        .collect::<Vec<_>>()
        .join(" ")
}

/// The button `press` means: by number, or by label, ignoring case; a
/// label matching no button whole may be a part of exactly one.
fn find<'b>(buttons: &'b [Button], press: &Press) -> Result<&'b Button, Missing> {
    if buttons.is_empty() {
        return Err(Missing::NoButtons);
    }
    let asked = match press {
        Press::Number(n) => {
            return n
                .checked_sub(1)
                .and_then(|i| buttons.get(i))
                .ok_or(Missing::OutOfRange {
                    asked: *n,
                    buttons: buttons.len(),
                })
        }
        Press::Label(label) => label.to_lowercase(),
    };
    let labels = || buttons.iter().map(|b| b.text.clone()).collect();
    if let Some(button) = buttons.iter().find(|b| b.text.to_lowercase() == asked) {
        return Ok(button);
    }
    let partial: Vec<&Button> = buttons
        .iter()
        .filter(|b| b.text.to_lowercase().contains(&asked))
        .collect();
    match partial[..] {
        [button] => Ok(button),
        [] => Err(Missing::NoLabel {
            asked: asked.clone(),
            labels: labels(),
        }),
        _ => Err(Missing::Ambiguous {
            asked,
            labels: partial.iter().map(|b| b.text.clone()).collect(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn button(text: &str) -> Button {
        Button {
            text: text.to_string(),
            data: format!("data of {text}"),
        }
    }

    fn pressed<'b>(buttons: &'b [Button], arg: &str) -> Result<&'b str, String> {
        let press = Press::parse(arg).expect("an argument");
        find(buttons, &press)
            .map(|b| b.text.as_str())
            .map_err(|missing| missing.to_string())
    }

    fn list() -> Vec<Button> {
        ["1. Rust Meetup", "2. Go Meetup", "3. Rust Workshop", "▶"]
            .map(button)
            .to_vec()
    }

    #[test]
    fn buttons_are_numbered_from_one_in_reading_order() {
        let buttons = list();
        assert_eq!(pressed(&buttons, "1"), Ok("1. Rust Meetup"));
        assert_eq!(pressed(&buttons, " 4 "), Ok("▶"));
    }

    #[test]
    fn numbers_outside_the_buttons_say_how_many_there_are() {
        let buttons = list();
        let expected = "There is no button 5: the last reply has 4 buttons, 1 to 4.";
        assert_eq!(pressed(&buttons, "5"), Err(expected.to_string()));
        let expected = "There is no button 0: the last reply has 4 buttons, 1 to 4.";
        assert_eq!(pressed(&buttons, "0"), Err(expected.to_string()));
        let one = [button("▶")];
        let expected = "There is no button 2: the last reply has 1 button.";
        assert_eq!(pressed(&one, "2"), Err(expected.to_string()));
    }

    #[test]
    fn labels_match_in_any_case_whole_or_by_a_unique_part() {
        let buttons = list();
        assert_eq!(pressed(&buttons, "2. go meetup"), Ok("2. Go Meetup"));
        assert_eq!(pressed(&buttons, "▶"), Ok("▶"));
        assert_eq!(pressed(&buttons, "WORKSHOP"), Ok("3. Rust Workshop"));
        assert_eq!(
            pressed(&buttons, "rust"),
            Err(
                "“rust” could be any of [1. Rust Meetup] [3. Rust Workshop]. \
                 Press one by its number."
                    .to_string()
            )
        );
        assert_eq!(
            pressed(&buttons, "◀"),
            Err("No button of the last reply reads “◀”. Its buttons: \
                 [1. Rust Meetup] [2. Go Meetup] [3. Rust Workshop] [▶]."
                .to_string())
        );
    }

    #[test]
    fn a_whole_label_wins_over_longer_ones_containing_it() {
        let buttons = ["Agenda", "Agenda (full)"].map(button);
        assert_eq!(pressed(&buttons, "agenda"), Ok("Agenda"));
    }

    #[test]
    fn no_buttons_is_said_plainly() {
        assert_eq!(
            pressed(&[], "1"),
            Err("The last reply has no buttons to press.".to_string())
        );
        assert_eq!(Press::parse("  "), None);
    }

    #[test]
    fn the_console_chat_remembers_its_subscription() {
        let mut chat = Chat::default();
        assert_eq!(chat.set(true), Ok(true));
        assert_eq!(chat.set(true), Ok(false));
        assert_eq!(chat.set(false), Ok(true));
        assert_eq!(chat.set(false), Ok(false));
    }
}
