//! Which files below the events folder are pages, found without trusting
//! the folder: a symlink loop, a FIFO, a device or an unreadable sub-folder
//! is one diagnostic with its path, never a hang, a page read twice or an
//! empty library.
//!
//! The rules, so that what is read is known before anything is opened:
//! - the events folder itself may be a symlink (it is followed);
//! - a symlink to a folder below it is never followed: one that points
//!   inside the events folder is a second name for a folder read anyway
//!   (or a loop, `loop -> .`), one that points outside leaves it;
//! - a symlink to a file is read only if its target is a regular file
//!   inside the events folder (compared as canonical paths);
//! - a page is read only if it is a regular file, checked before opening
//!   it (opening a FIFO for reading blocks until a writer comes);
//! - every folder is read once, by its device and inode, so even a bind
//!   mount cannot make the walk go round.

use std::collections::HashSet;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use walkdir::WalkDir;

use crate::events::diagnostic::{Diagnostic, Severity};
use crate::events::translation;

/// The events folder itself cannot be read: nothing can be served from it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FolderError {
    #[error("the events folder {} does not exist", .0.display())]
    Missing(PathBuf),
    #[error("the events folder {} is not a folder", .0.display())]
    NotAFolder(PathBuf),
    #[error("the events folder {} cannot be read: {}", .0.display(), .1)]
    Unreadable(PathBuf, String),
}

/// The page files found, sorted, and what was passed over and why.
#[derive(Debug, Default)]
pub struct Found {
    pub pages: Vec<PathBuf>,
    /// Warnings for files that are not pages, errors for sub-folders that
    /// cannot be read (their pages' last good versions stay in service).
    pub diagnostics: Vec<Diagnostic>,
}

/// Checks that `dir` is a readable folder, following a symlink to it.
pub fn folder(dir: &Path) -> Result<(), FolderError> {
    match fs::metadata(dir) {
        Err(error) if error.kind() == io::ErrorKind::NotFound => {
            Err(FolderError::Missing(dir.to_path_buf()))
        }
        Err(error) => Err(FolderError::Unreadable(
            dir.to_path_buf(),
            error.to_string(),
        )),
        Ok(meta) if !meta.is_dir() => Err(FolderError::NotAFolder(dir.to_path_buf())),
        Ok(_) => fs::read_dir(dir)
            .map(drop)
            .map_err(|error| FolderError::Unreadable(dir.to_path_buf(), error.to_string())),
    }
}

/// `<slug>/index.md` and `<slug>.md` pages anywhere below `dir`, skipping
/// hidden files and folders, `README.md` and `_index.md` section pages
/// (which list events, they are not one).
pub fn pages(dir: &Path) -> Result<Found, FolderError> {
    folder(dir)?;
    let root = fs::canonicalize(dir)
        .map_err(|error| FolderError::Unreadable(dir.to_path_buf(), error.to_string()))?;
    let mut found = Found::default();
    let mut seen: HashSet<FolderId> = HashSet::new();
    let walk = WalkDir::new(dir)
        .follow_links(false)
        .follow_root_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|entry| {
            let shown = entry.depth() == 0 || !hidden(entry.file_name());
            // A folder reached again under another name (a bind mount) is
            // not read twice.
            let first = !entry.file_type().is_dir()
                || FolderId::of(entry.path()).is_none_or(|id| seen.insert(id));
            shown && first
        });
    for entry in walk {
        let entry = match entry {
            Ok(entry) => entry,
            Err(error) => {
                found.diagnostics.push(walk_error(dir, &error));
                continue;
            }
        };
        let path = entry.path();
        let kind = entry.file_type();
        if kind.is_dir() {
            continue;
        }
        if !is_page_name(entry.file_name()) {
            if kind.is_symlink() && entry.depth() > 0 {
                if let Some(warning) = symlinked_folder(path, &root) {
                    found.diagnostics.push(warning);
                }
            }
            continue;
        }
        match page_file(path, kind, &root) {
            Ok(()) => found.pages.push(path.to_path_buf()),
            Err(warning) => found.diagnostics.push(warning),
        }
    }
    found.pages.sort();
    Ok(found)
}

fn hidden(name: &std::ffi::OsStr) -> bool {
    name.to_str().is_some_and(|name| name.starts_with('.'))
}

fn is_page_name(name: &std::ffi::OsStr) -> bool {
    let Some(name) = name.to_str() else {
        return false;
    };
    name.ends_with(".md")
        && !translation::is_section(name)
        && !name.eq_ignore_ascii_case("README.md")
}

/// Whether a page file may be opened: a regular file, or a symlink to a
/// regular file inside the events folder. Otherwise the warning says why not.
fn page_file(path: &Path, kind: fs::FileType, root: &Path) -> Result<(), Diagnostic> {
    let warn = |message: String| Diagnostic::warning(path, 0, message);
    if kind.is_file() {
        return Ok(());
    }
    if !kind.is_symlink() {
        return Err(warn(format!(
            "this is {}, not a page file; it is not read",
            describe(kind)
        )));
    }
    let target = fs::canonicalize(path).map_err(|error| {
        warn(format!(
            "this symlink leads nowhere readable ({error}); it is not read"
        ))
    })?;
    if !target.starts_with(root) {
        return Err(warn(format!(
            "this symlink leads to {}, outside the events folder; it is not read",
            target.display()
        )));
    }
    let meta = fs::metadata(&target).map_err(|error| {
        warn(format!(
            "this symlink's target cannot be read ({error}); it is not read"
        ))
    })?;
    match meta.is_file() {
        true => Ok(()),
        false => Err(warn(format!(
            "this symlink leads to {}, not a page file; it is not read",
            describe(meta.file_type())
        ))),
    }
}

/// A symlink to a folder, which is never followed: worth a word, since
/// the organizer may expect its pages to load.
fn symlinked_folder(path: &Path, root: &Path) -> Option<Diagnostic> {
    let target = fs::canonicalize(path).ok()?;
    if !target.is_dir() {
        return None;
    }
    let message = match target.starts_with(root) {
        true => format!(
            "this symlink leads to {}, a folder inside the events folder that is read \
             there; it is not followed, so no page loads twice",
            target.display()
        ),
        false => format!(
            "this symlink leads to {}, outside the events folder; it is not followed",
            target.display()
        ),
    };
    Some(Diagnostic::warning(path, 0, message))
}

fn describe(kind: fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if kind.is_fifo() {
            return "a FIFO (named pipe)";
        }
        if kind.is_socket() {
            return "a socket";
        }
        if kind.is_block_device() || kind.is_char_device() {
            return "a device";
        }
    }
    match kind.is_dir() {
        true => "a folder",
        false => "not a regular file",
    }
}

/// A sub-folder or file the walk could not read. It is an error at that
/// path: the live library keeps the last good versions of the pages below
/// it, and `herald check` fails, since pages are missing.
fn walk_error(dir: &Path, error: &walkdir::Error) -> Diagnostic {
    let path = error.path().unwrap_or(dir);
    let reason = error
        .io_error()
        .map_or_else(|| error.to_string(), ToString::to_string);
    Diagnostic {
        severity: Severity::Error,
        file: path.to_path_buf(),
        line: 0,
        column: None,
        message: format!(
            "this folder cannot be read ({reason}); the pages below it are not loaded"
        ),
    }
}

/// A folder's identity: its device and inode.
#[derive(PartialEq, Eq, Hash)]
struct FolderId(u64, u64);

impl FolderId {
    #[cfg(unix)]
    fn of(path: &Path) -> Option<FolderId> {
        use std::os::unix::fs::MetadataExt;
        let meta = fs::metadata(path).ok()?;
        Some(FolderId(meta.dev(), meta.ino()))
    }

    #[cfg(not(unix))]
    fn of(_path: &Path) -> Option<FolderId> {
        None
    }
}
