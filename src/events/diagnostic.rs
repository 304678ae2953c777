//! Problems found in event pages. An error rejects one page; a warning is
//! doubtful data on a page that still serves. Both name the file and line so
//! an organizer can go straight to it.

use std::fmt;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// Not a problem: how the page was read (`herald explain`).
    Note,
    Warning,
    Error,
}

/// A located message: `file:line[:column]: message`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    pub file: PathBuf,
    pub line: usize,
    pub column: Option<usize>,
    pub message: String,
}

impl Diagnostic {
    pub fn warning(file: &Path, line: usize, message: impl Into<String>) -> Self {
        Self::at(Severity::Warning, file, line, message)
    }

    pub fn note(file: &Path, line: usize, message: impl Into<String>) -> Self {
        Self::at(Severity::Note, file, line, message)
    }

    fn at(severity: Severity, file: &Path, line: usize, message: impl Into<String>) -> Self {
        Diagnostic {
            severity,
            file: file.to_path_buf(),
            line,
            column: None,
            message: message.into(),
        }
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match self.severity {
            Severity::Note => "note",
            Severity::Warning => "warning",
            Severity::Error => "error",
        };
        write!(f, "{}:{}", self.file.display(), self.line)?;
        if let Some(column) = self.column {
            write!(f, ":{column}")?;
        }
        write!(f, ": {kind}: {}", self.message)
    }
}

/// Why a page was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", self.diagnostic())]
pub struct PageError {
    pub file: PathBuf,
    pub line: usize,
    pub column: Option<usize>,
    pub kind: PageErrorKind,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PageErrorKind {
    #[error("the page has no front matter: it must start with a `---` (YAML), `+++` (TOML) or `{{` (JSON) line")]
    NoFrontMatter,
    #[error("the front matter opened here is never closed{}", closing_hint(.fence, .suspect))]
    Unclosed {
        fence: String,
        suspect: Option<(usize, String)>,
    },
    #[error("the front matter is not valid {format}: {message}")]
    Syntax {
        format: &'static str,
        message: String,
    },
    #[error("the page is {size} bytes; herald reads pages of up to {limit} bytes")]
    TooLarge { size: u64, limit: usize },
    #[error("the page is not UTF-8 (byte 0x{byte:02x}); save it as UTF-8")]
    NotUtf8 { byte: u8 },
    #[error("the page contains a NUL byte: is it a binary file?")]
    Nul,
    #[error("this line is {length} bytes long; herald reads lines of up to {limit} bytes")]
    LongLine { length: usize, limit: usize },
    #[error("the file cannot be read: {0}")]
    Io(String),
    #[error("this is a folder, not a page: name one page in it (`<slug>/index.md` or `<slug>.md`); `herald check` reads the whole folder")]
    Folder,
    #[error("herald failed on this page: a bug in herald, please report it with the page")]
    Bug,
}

fn closing_hint(fence: &str, suspect: &Option<(usize, String)>) -> String {
    match suspect {
        Some((line, text)) => {
            format!(" (line {line} reads `{text}`; the closing line must be exactly `{fence}`)")
        }
        None => format!(" (add a line `{fence}` after the last key)"),
    }
}

impl PageError {
    pub fn new(file: &Path, line: usize, kind: PageErrorKind) -> Self {
        PageError {
            file: file.to_path_buf(),
            line,
            column: None,
            kind,
        }
    }

    pub fn diagnostic(&self) -> Diagnostic {
        Diagnostic {
            severity: Severity::Error,
            file: self.file.clone(),
            line: self.line,
            column: self.column,
            message: self.kind.to_string(),
        }
    }
}
