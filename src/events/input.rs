//! What a page file must be before herald reads it as a page: bounded in
//! size and line length, UTF-8, and text. Anything else is reported with the
//! line where it goes wrong and the page is skipped, so a stray binary, a
//! dump or a generated file cannot stall or bloat the bot.

use std::io::Read;
use std::path::Path;

use super::diagnostic::{PageError, PageErrorKind};

/// Far above any event page (the corpus's largest is under 100 KiB).
pub const MAX_PAGE: usize = 4 * 1024 * 1024;
/// Markdown wraps; a longer line is data, not prose.
pub const MAX_LINE: usize = 256 * 1024;

/// Reads at most [`MAX_PAGE`] bytes of the file, then checks them.
pub fn read(path: &Path) -> Result<String, PageError> {
    let io = |e: std::io::Error| PageError::new(path, 0, PageErrorKind::Io(e.to_string()));
    let file = std::fs::File::open(path).map_err(io)?;
    // The walk checked the type before opening; this catches a file swapped
    // for something else since, which must not be read without end.
    if !file.metadata().map_err(io)?.is_file() {
        let kind = PageErrorKind::Io("not a regular file".to_string());
        return Err(PageError::new(path, 0, kind));
    }
    let mut bytes = Vec::new();
    file.take(MAX_PAGE as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(io)?;
    if bytes.len() > MAX_PAGE {
        let size = std::fs::metadata(path).map_or(bytes.len() as u64, |m| m.len());
        let line = line_at(&bytes, MAX_PAGE);
        return Err(PageError::new(
            path,
            line,
            PageErrorKind::TooLarge {
                size,
                limit: MAX_PAGE,
            },
        ));
    }
    decode(path, bytes)
}

/// The bytes as text, or the line and column of the first invalid byte.
pub fn decode(path: &Path, bytes: Vec<u8>) -> Result<String, PageError> {
    String::from_utf8(bytes).map_err(|error| {
        let bytes = error.as_bytes();
        let at = error.utf8_error().valid_up_to();
        located(path, bytes, at, PageErrorKind::NotUtf8 { byte: bytes[at] })
    })
}

/// NUL bytes and overlong lines, checked on the text as `parse` gets it.
pub fn check(path: &Path, src: &str) -> Result<(), PageError> {
    if let Some(at) = src.find('\0') {
        return Err(located(path, src.as_bytes(), at, PageErrorKind::Nul));
    }
    // A page no longer than a line cannot hold an overlong line.
    if src.len() <= MAX_LINE {
        return Ok(());
    }
    let mut start = 0;
    for line in src.split_inclusive('\n') {
        if line.len() > MAX_LINE {
            let kind = PageErrorKind::LongLine {
                length: line.len(),
                limit: MAX_LINE,
            };
            return Err(PageError::new(path, line_at(src.as_bytes(), start), kind));
        }
        start += line.len();
    }
    Ok(())
}

fn located(path: &Path, bytes: &[u8], at: usize, kind: PageErrorKind) -> PageError {
    let line_start = bytes[..at]
        .iter()
        .rposition(|b| *b == b'\n')
        .map_or(0, |n| n + 1);
    let column = String::from_utf8_lossy(&bytes[line_start..at])
        .chars()
        .count()
        + 1;
    PageError {
        column: Some(column),
        ..PageError::new(path, line_at(bytes, at), kind)
    }
}

/// The 1-based line of byte `at`.
fn line_at(bytes: &[u8], at: usize) -> usize {
    bytes[..at.min(bytes.len())]
        .iter()
        .filter(|b| **b == b'\n')
        .count()
        + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    fn path() -> &'static Path {
        Path::new("e.md")
    }

    #[test]
    fn a_page_over_the_cap_is_reported_with_its_size_not_read_whole() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("big.md");
        let line = format!("{}\n", "x".repeat(999));
        std::fs::write(&file, line.repeat(50_000)).unwrap();
        let error = read(&file).unwrap_err();
        assert_eq!(error.line, MAX_PAGE / 1000 + 1);
        assert!(
            error
                .to_string()
                .contains("the page is 50000000 bytes; herald reads pages of up to 4194304 bytes"),
            "{error}"
        );
    }

    #[test]
    fn a_page_within_the_cap_is_read() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("ok.md");
        std::fs::write(&file, "---\ntitle: 北京\n---\n").unwrap();
        assert_eq!(read(&file).unwrap(), "---\ntitle: 北京\n---\n");
    }

    #[test]
    fn invalid_utf8_names_line_and_column() {
        let error = decode(path(), b"---\ntitle: ab\xffc\n---\n".to_vec()).unwrap_err();
        assert_eq!((error.line, error.column), (2, Some(10)));
        assert!(
            error.to_string().contains("not UTF-8 (byte 0xff)"),
            "{error}"
        );
    }

    #[test]
    fn nul_bytes_name_their_line() {
        let error = check(path(), "---\ntitle: x\n---\n\nab\0c\n").unwrap_err();
        assert_eq!((error.line, error.column), (5, Some(3)));
        assert!(error.to_string().contains("NUL byte"), "{error}");
    }

    #[test]
    fn a_megabyte_line_is_reported() {
        let src = format!("---\ntitle: x\n---\n{}\n", "y".repeat(1 << 20));
        let error = check(path(), &src).unwrap_err();
        assert_eq!(error.line, 4);
        assert!(
            error.to_string().contains("line is 1048577 bytes long"),
            "{error}"
        );
        assert!(check(path(), "---\ntitle: x\n---\nshort\n").is_ok());
    }
}
