//! A `communities/` folder: one `<name>.toml` per community, each a whole
//! `bot.toml`, served together by `herald run --communities`. This module
//! says which files are communities and what each is called; reading a
//! file is [`Config::parse`]'s, and serving them is
//! `telegram::communities`'.

use std::path::{Path, PathBuf};

use super::{Config, ConfigError};

/// One community's file, read: its name (the file's stem), its text, and
/// what herald made of it.
#[derive(Debug)]
pub struct Community {
    pub name: String,
    pub file: PathBuf,
    pub text: String,
    pub config: Result<Config, ConfigError>,
}

/// Why a file in the folder is not a community.
#[derive(Debug, thiserror::Error)]
pub enum Skipped {
    #[error(
        "{}: `{name}` cannot name a community: use lowercase letters, digits, `-` and `_` \
         (it becomes the webhook path /telegram/{name} and HERALD_TOKEN_…)",
        .file.display()
    )]
    Name { file: PathBuf, name: String },
    #[error("{}: cannot read it: {cause}", .file.display())]
    Read {
        file: PathBuf,
        cause: std::io::Error,
    },
}

/// The largest community file read: a config is a few KiB, and a file
/// that is not one must not be read whole.
const MAX_FILE: u64 = 1 << 20;

/// Every `*.toml` file directly in `dir`, in name order: the communities
/// read, and the files that are not one. Other files (a README, an
/// editor's backup) are left alone.
pub fn read(dir: &Path) -> std::io::Result<(Vec<Community>, Vec<Skipped>)> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)?
        .filter_map(|entry| entry.ok().map(|entry| entry.path()))
        .filter(|path| path.extension().is_some_and(|ext| ext == "toml") && path.is_file())
        .collect();
    files.sort();
    let mut communities = Vec::new();
    let mut skipped = Vec::new();
    for file in files {
        match community(file) {
            Ok(community) => communities.push(community),
            Err(why) => skipped.push(why),
        }
    }
    Ok((communities, skipped))
}

fn community(file: PathBuf) -> Result<Community, Skipped> {
    let name = file
        .file_stem()
        .map(|stem| stem.to_string_lossy().into_owned())
        .unwrap_or_default();
    if !is_name(&name) {
        return Err(Skipped::Name { file, name });
    }
    let text = read_capped(&file).map_err(|cause| Skipped::Read {
        file: file.clone(),
        cause,
    })?;
    let config = Config::parse(&file, &text);
    Ok(Community {
        name,
        file,
        text,
        config,
    })
}

fn read_capped(file: &Path) -> std::io::Result<String> {
    use std::io::Read;
    let mut text = String::new();
    let read = std::fs::File::open(file)?
        .take(MAX_FILE + 1)
        .read_to_string(&mut text)?;
    if read as u64 > MAX_FILE {
        return Err(std::io::Error::other("larger than 1 MiB"));
    }
    Ok(text)
}

/// A name that is safe in a URL path and an environment variable's name.
pub fn is_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 64
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
}

/// The environment variable holding a community's bot token:
/// `HERALD_TOKEN_` and its name in capitals, `-` as `_`
/// (`rust-shanghai` → `HERALD_TOKEN_RUST_SHANGHAI`).
pub fn token_var(name: &str) -> String {
    format!(
        "HERALD_TOKEN_{}",
        name.to_ascii_uppercase().replace('-', "_")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_their_token_variables() {
        assert_eq!(token_var("rust-shanghai"), "HERALD_TOKEN_RUST_SHANGHAI");
        assert_eq!(token_var("go_bj2"), "HERALD_TOKEN_GO_BJ2");
        for bad in ["", "Rust", "a b", "a/b", "中文", ".."] {
            assert!(!is_name(bad), "{bad}");
        }
    }

    #[test]
    fn the_folder_read_with_what_is_not_a_community_said() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.toml"), "language = \"en\"\n").unwrap();
        std::fs::write(dir.path().join("b.toml"), "language = 3\n").unwrap();
        std::fs::write(dir.path().join("Bad Name.toml"), "").unwrap();
        std::fs::write(dir.path().join("README.md"), "not a community").unwrap();
        let (communities, skipped) = read(dir.path()).unwrap();
        let names: Vec<&str> = communities.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["a", "b"]);
        assert!(communities[0].config.is_ok());
        let broken = communities[1].config.as_ref().unwrap_err().to_string();
        assert!(broken.contains("b.toml:1"), "{broken}");
        assert_eq!(skipped.len(), 1);
        assert!(skipped[0].to_string().contains("`Bad Name` cannot name"));
    }
}
