//! An event's poster: the image of its page bundle that Telegram shows
//! above the event's first post. Event pages come from whoever may edit the
//! site, so a poster is only ever a regular file inside the page's own
//! bundle folder: no `..`, no absolute path, no symlink leading out of it,
//! and no file larger than Telegram takes as a photo.

use std::path::{Component, Path, PathBuf};
use std::time::UNIX_EPOCH;

use super::translation;

/// Telegram's limit for a photo sent by upload.
pub const MAX_BYTES: u64 = 10 * 1024 * 1024;

/// Wowchemy's poster beside `index.md`, in the order looked for.
const FEATURED: [&str; 4] = [
    "featured.jpg",
    "featured.jpeg",
    "featured.png",
    "featured.webp",
];

/// One version of a poster file. Size and modification time are part of
/// it, so a poster replaced under the same name is uploaded again rather
/// than shown from Telegram's copy of the old one.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Poster {
    /// The file, with symlinks resolved.
    pub file: PathBuf,
    pub bytes: u64,
    /// Nanoseconds since the Unix epoch; 0 where the system does not say.
    pub modified: i128,
}

impl Poster {
    /// What names this version of the file in the state file.
    pub fn key(&self) -> String {
        format!("{}\t{}\t{}", self.file.display(), self.bytes, self.modified)
    }
}

/// Why a poster the page points at is not used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refused {
    #[error("the poster `{0}` is not a file in the page's folder; only files beside index.md are posted")]
    Outside(String),
    #[error("the poster `{0}` is not there")]
    Missing(String),
    #[error("the poster {} is {} MB, more than Telegram's 10 MB for a photo; it is not posted", .file.display(), .bytes / (1024 * 1024))]
    TooLarge { file: PathBuf, bytes: u64 },
}

/// The poster of the page at `page`: the file its front matter's
/// `image.filename` names, else a `featured.*` beside it. Only a page
/// bundle (`<slug>/index.md`) has one; a page's own `.md` file shares its
/// folder with other pages.
pub fn find(page: &Path, named: Option<&str>) -> Result<Option<Poster>, Refused> {
    let Some(bundle) = bundle_of(page) else {
        return Ok(None);
    };
    match named {
        Some(name) => {
            if !in_folder(name) {
                return Err(Refused::Outside(name.to_string()));
            }
            let file = bundle.join(name);
            if !file.exists() {
                return Err(Refused::Missing(name.to_string()));
            }
            checked(bundle, &file, name).map(Some)
        }
        None => FEATURED
            .iter()
            .map(|name| (name, bundle.join(name)))
            .find(|(_, file)| file.exists())
            .map(|(name, file)| checked(bundle, &file, name))
            .transpose(),
    }
}

/// The bundle folder of an `index.md` (or a translation's `index.en.md`).
fn bundle_of(page: &Path) -> Option<&Path> {
    let stem = page.file_stem()?.to_str()?;
    (translation::split_lang(stem).0 == "index")
        .then(|| page.parent())
        .flatten()
}

/// A name that stays in the folder it is read in, by its spelling alone.
fn in_folder(name: &str) -> bool {
    let path = Path::new(name);
    !name.is_empty()
        && path
            .components()
            .all(|part| matches!(part, Component::Normal(_) | Component::CurDir))
        && path
            .components()
            .any(|part| matches!(part, Component::Normal(_)))
}

/// The poster at `file`, if it really is a regular file in `bundle` once
/// symlinks are followed, and small enough.
fn checked(bundle: &Path, file: &Path, name: &str) -> Result<Poster, Refused> {
    let outside = || Refused::Outside(name.to_string());
    let folder = bundle.canonicalize().map_err(|_| outside())?;
    let real = file.canonicalize().map_err(|_| outside())?;
    if !real.starts_with(&folder) {
        return Err(outside());
    }
    let meta = std::fs::metadata(&real).map_err(|_| outside())?;
    if !meta.is_file() {
        return Err(outside());
    }
    if meta.len() > MAX_BYTES {
        return Err(Refused::TooLarge {
            file: file.to_path_buf(),
            bytes: meta.len(),
        });
    }
    let modified = meta
        .modified()
        .ok()
        .and_then(|at| at.duration_since(UNIX_EPOCH).ok())
        .map_or(0, |since| since.as_nanos() as i128);
    Ok(Poster {
        file: real,
        bytes: meta.len(),
        modified,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bundle() -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let page = dir.path().join("meetup").join("index.md");
        std::fs::create_dir_all(page.parent().unwrap()).unwrap();
        std::fs::write(&page, "---\ntitle: Meetup\n---\n").unwrap();
        (dir, page)
    }

    fn put(page: &Path, name: &str, bytes: usize) -> PathBuf {
        let file = page.parent().unwrap().join(name);
        std::fs::write(&file, vec![0xFF; bytes]).unwrap();
        file
    }

    #[test]
    fn a_featured_image_beside_index_md_is_the_poster() {
        let (_dir, page) = bundle();
        assert_eq!(find(&page, None), Ok(None), "no image, no poster");
        put(&page, "featured.png", 10);
        let poster = find(&page, None).unwrap().expect("featured.png");
        assert!(poster.file.ends_with("meetup/featured.png"), "{poster:?}");
        assert_eq!(poster.bytes, 10);
    }

    #[test]
    fn the_front_matter_names_a_file_in_the_bundle() {
        let (_dir, page) = bundle();
        put(&page, "featured.jpg", 3);
        std::fs::create_dir(page.parent().unwrap().join("img")).unwrap();
        put(&page, "img/poster.webp", 5);
        let poster = find(&page, Some("img/poster.webp")).unwrap().unwrap();
        assert!(poster.file.ends_with("img/poster.webp"));
        assert_eq!(
            find(&page, Some("gone.jpg")),
            Err(Refused::Missing("gone.jpg".into()))
        );
    }

    #[test]
    fn nothing_outside_the_bundle_is_posted() {
        let (dir, page) = bundle();
        std::fs::write(dir.path().join("secret.jpg"), b"x").unwrap();
        for name in [
            "../secret.jpg",
            "/etc/passwd",
            "img/../../secret.jpg",
            "",
            ".",
        ] {
            assert_eq!(
                find(&page, Some(name)),
                Err(Refused::Outside(name.into())),
                "{name}"
            );
        }
        #[cfg(unix)]
        {
            let link = page.parent().unwrap().join("featured.jpg");
            std::os::unix::fs::symlink(dir.path().join("secret.jpg"), &link).unwrap();
            assert_eq!(
                find(&page, None),
                Err(Refused::Outside("featured.jpg".into()))
            );
        }
    }

    #[test]
    fn a_poster_over_10_mb_is_refused_with_its_name() {
        let (_dir, page) = bundle();
        let file = put(&page, "featured.jpg", MAX_BYTES as usize + 1);
        let refused = find(&page, None).unwrap_err();
        assert_eq!(
            refused,
            Refused::TooLarge {
                file: file.clone(),
                bytes: MAX_BYTES + 1
            }
        );
        assert!(refused.to_string().contains("featured.jpg"), "{refused}");
    }

    #[test]
    fn only_a_page_bundle_has_a_poster() {
        let dir = tempfile::tempdir().unwrap();
        let page = dir.path().join("meetup.md");
        std::fs::write(&page, "").unwrap();
        std::fs::write(dir.path().join("featured.jpg"), b"x").unwrap();
        assert_eq!(find(&page, None), Ok(None));
    }

    #[test]
    fn an_edited_poster_is_a_new_version() {
        let (_dir, page) = bundle();
        put(&page, "featured.jpg", 3);
        let before = find(&page, None).unwrap().unwrap();
        put(&page, "featured.jpg", 4);
        let after = find(&page, None).unwrap().unwrap();
        assert_ne!(before.key(), after.key());
    }
}
