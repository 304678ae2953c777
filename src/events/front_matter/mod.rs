//! The front matter of a page, as Hugo reads it: YAML between `---` lines,
//! TOML between `+++` lines, or a JSON object opening the file. Each format
//! is parsed into one value tree ([`tree`]) and every field is read from that
//! tree by one lenient reader ([`fields`]), so a key of an unexpected shape
//! costs a warning, never the page; only front matter that does not parse at
//! all rejects it.

mod dates;
mod fields;
mod json;
mod people;
mod programme;
mod time;
mod toml;
pub mod tree;
mod yaml;

use std::path::Path;

use super::diagnostic::{PageError, PageErrorKind};

pub use fields::{read, FrontMatter};
pub use time::{parse_time, PageTime};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Yaml,
    Toml,
    Json,
}

impl Format {
    fn name(self) -> &'static str {
        match self {
            Format::Yaml => "YAML",
            Format::Toml => "TOML",
            Format::Json => "JSON",
        }
    }
}

/// A page cut in two. Line numbers are 1-based lines of the whole file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Split<'a> {
    pub format: Format,
    /// The front matter without its fences (JSON keeps its braces).
    pub text: &'a str,
    /// Line of the first line of `text`.
    pub text_line: usize,
    pub body: &'a str,
    /// Line of the first body line.
    pub body_line: usize,
}

/// Finds the fences. A closing fence must be exactly `---` / `+++` (trailing
/// spaces allowed), a JSON object ends at a line `}`; a near miss such as
/// `---%` is named in the error, since that is what an organizer needs to fix.
pub fn split<'a>(path: &Path, src: &'a str) -> Result<Split<'a>, PageError> {
    let src = src.strip_prefix('\u{feff}').unwrap_or(src);
    let mut lines = src.split_inclusive('\n');
    let first = lines.next().unwrap_or("");
    let (format, fences): (_, &[&str]) = match first.trim_end() {
        "---" => (Format::Yaml, &["---", "..."]),
        "+++" => (Format::Toml, &["+++"]),
        text if text.starts_with('{') => (Format::Json, &["}"]),
        _ => return Err(PageError::new(path, 1, PageErrorKind::NoFrontMatter)),
    };
    // A one-line object: `{"title": "…"}`.
    if format == Format::Json && first.trim_end().len() > 1 && first.trim_end().ends_with('}') {
        return Ok(Split {
            format,
            text: first,
            text_line: 1,
            body: &src[first.len()..],
            body_line: 2,
        });
    }
    // JSON's braces are part of the object; YAML and TOML fences are not.
    let start = match format {
        Format::Json => 0,
        Format::Yaml | Format::Toml => first.len(),
    };
    let mut offset = first.len();
    let mut suspect = None;
    for (index, line) in lines.enumerate() {
        let number = index + 2;
        let text = line.trim_end();
        if fences.contains(&text) {
            let end = match format {
                Format::Json => offset + line.len(),
                Format::Yaml | Format::Toml => offset,
            };
            return Ok(Split {
                format,
                text: &src[start..end],
                text_line: if start == 0 { 1 } else { 2 },
                body: &src[offset + line.len()..],
                body_line: number + 1,
            });
        }
        if suspect.is_none() && text.len() > 1 && text.starts_with(fences[0]) {
            suspect = Some((number, text.chars().take(40).collect()));
        }
        offset += line.len();
    }
    let line = suspect.as_ref().map_or(1, |(line, _)| *line);
    let fence = fences[0].to_string();
    Err(PageError::new(
        path,
        line,
        PageErrorKind::Unclosed { fence, suspect },
    ))
}

/// Parses the front matter into its top-level map.
pub fn parse(path: &Path, split: &Split) -> Result<tree::Map, PageError> {
    let parsed = match split.format {
        Format::Yaml => yaml::parse(split.text, split.text_line),
        Format::Toml => toml::parse(split.text, split.text_line),
        Format::Json => json::parse(split.text, split.text_line),
    };
    let node = parsed.map_err(|problem| PageError {
        file: path.to_path_buf(),
        line: problem.line,
        column: problem.column,
        kind: PageErrorKind::Syntax {
            format: split.format.name(),
            message: problem.message,
        },
    })?;
    match node.value {
        tree::Value::Map(map) => Ok(map),
        tree::Value::Null => Ok(tree::Map::default()),
        _ => Err(PageError::new(
            path,
            node.line,
            PageErrorKind::Syntax {
                format: split.format.name(),
                message: format!("the front matter is {}, not keys and values", node.shape()),
            },
        )),
    }
}

/// Why a front matter does not parse, in file lines.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Problem {
    line: usize,
    column: Option<usize>,
    message: String,
}

/// Byte offsets to file lines, for parsers that report bytes.
struct Lines {
    starts: Vec<usize>,
    first_line: usize,
}

impl Lines {
    fn new(text: &str, first_line: usize) -> Self {
        let starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(at, _)| at + 1))
            .collect();
        Lines { starts, first_line }
    }

    fn index(&self, at: usize) -> usize {
        self.starts.partition_point(|&start| start <= at).max(1) - 1
    }

    fn line(&self, at: usize) -> usize {
        self.first_line + self.index(at)
    }

    fn column(&self, text: &str, at: usize) -> usize {
        let start = self.starts[self.index(at)];
        text.get(start..at)
            .map_or(1, |before| before.chars().count() + 1)
    }
}

#[cfg(test)]
mod tests;
