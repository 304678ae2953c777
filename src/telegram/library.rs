//! The live catalog: `events/` as it is now, reloaded when a page changes,
//! so organizers publish by editing files and never restart herald.
//!
//! A reload reads the whole folder again with [`load::load_dir`] (milliseconds for
//! a community's pages, and it sees renames and new folders without
//! tracking them). A page that fails to parse keeps its last good version
//! in service: a typo saved mid-edit must not make an event vanish from
//! `/next`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use notify::event::{AccessKind, AccessMode};
use notify::{EventKind, RecursiveMode, Watcher};
use tokio::sync::{mpsc, watch};
use tokio::task::JoinHandle;

use crate::events::load::{self, load_dir_serving, FolderError, Served, Site};
use crate::events::{Catalog, Diagnostic, Event, Loaded, Severity};
use crate::lang::count;

/// A burst of file events (an editor's save, a `git pull`) ends when the
/// folder has been quiet this long…
const QUIET: Duration = Duration::from_millis(200);
/// …or, for a folder that never settles, after this long at most, so a
/// change shows within two seconds.
const MAX_DELAY: Duration = Duration::from_secs(1);
/// How often a missing events folder is looked for: a watch ends with the
/// folder it watched, so its return can only be seen by looking.
const RECHECK: Duration = Duration::from_secs(2);

pub struct Library {
    dir: PathBuf,
    site: Site,
    pages: Mutex<Pages>,
    /// The catalog in service. A watch channel rather than a lock: readers
    /// take an `Arc` and never block a reload, and the scheduler can wait
    /// for changes on it.
    current: watch::Sender<Arc<Catalog>>,
}

impl Library {
    /// Loads `dir`, logging every problem found. A missing folder serves
    /// nothing until it appears (`herald run` refuses to start without it;
    /// this is for one that goes between that check and here).
    pub fn open(dir: &Path, site: Site) -> Library {
        let library = Library {
            dir: dir.to_path_buf(),
            site,
            pages: Mutex::new(Pages::default()),
            current: watch::Sender::new(Arc::new(Catalog::default())),
        };
        // Logged by `reload`.
        let _ = library.reload();
        library
    }

    /// How many pages the last load rejected (each serves its last good
    /// version, if it had one).
    pub fn broken(&self) -> usize {
        let pages = self.pages.lock().unwrap_or_else(|p| p.into_inner());
        pages.broken
    }

    /// The catalog in service now.
    pub fn catalog(&self) -> Arc<Catalog> {
        self.current.borrow().clone()
    }

    /// Every catalog put in service from now on, for the scheduler to wake on.
    pub fn changes(&self) -> watch::Receiver<Arc<Catalog>> {
        self.current.subscribe()
    }

    /// Reads the folder again and puts the result in service. If the folder
    /// itself is gone or unreadable, the catalog in service stays, with a
    /// warning: a deploy that swaps the folder must not empty the bot.
    pub fn reload(&self) -> Result<(), FolderError> {
        let mut pages = self.pages.lock().unwrap_or_else(|p| p.into_inner());
        let loaded = match load_dir_serving(&self.dir, &self.site, &pages.served) {
            Ok(loaded) => loaded,
            Err(error) => {
                tracing::warn!(
                    "{error}; keeping the {} loaded before in service until it is back",
                    count(pages.served.len(), "event", "events")
                );
                return Err(error);
            }
        };
        let broken = loaded.broken();
        pages.broken = broken;
        let serving = self.catalog();
        let (catalog, news) = pages.update(loaded, &serving);
        drop(serving);
        log(&news);
        let events = catalog.events().len();
        drop(self.current.send_replace(Arc::new(catalog)));
        crate::allocator::release_freed();
        metrics::gauge!("herald_pages_loaded").set(events as f64);
        metrics::gauge!("herald_pages_broken").set(broken as f64);
        tracing::debug!(events, broken, "events loaded");
        Ok(())
    }

    /// Reloads whenever something changes below the folder, until the
    /// returned [`Watch`] is dropped. If the folder goes, the watch waits
    /// for it to come back (looking every [`RECHECK`]) and watches it again.
    pub fn watch(self: &Arc<Self>) -> notify::Result<Watch> {
        let (changed, mut changes) = mpsc::unbounded_channel();
        let mut watcher = notify::recommended_watcher(move |event: notify::Result<_>| {
            if event.as_ref().map_or(true, is_change) {
                // The receiver is gone only once the watch is dropped.
                let _ = changed.send(());
            }
        })?;
        let mut missing = match watcher.watch(&self.dir, RecursiveMode::Recursive) {
            Ok(()) => false,
            Err(_) if load::folder(&self.dir).is_err() => true,
            Err(error) => return Err(error),
        };
        let library = Arc::clone(self);
        let task = tokio::spawn(crate::community::carry(async move {
            let mut recheck = tokio::time::interval(RECHECK);
            loop {
                if missing {
                    tokio::select! {
                        change = changes.recv() => if change.is_none() { return },
                        _ = recheck.tick() => {}
                    }
                    if load::folder(&library.dir).is_err() {
                        continue;
                    }
                    // The old watch, if any, is on a folder that is gone.
                    let _ = watcher.unwatch(&library.dir);
                    if let Err(error) = watcher.watch(&library.dir, RecursiveMode::Recursive) {
                        tracing::warn!(%error, "the events folder is back but cannot be watched yet");
                        continue;
                    }
                    tracing::info!(dir = %library.dir.display(), "the events folder is back");
                } else {
                    if changes.recv().await.is_none() {
                        return;
                    }
                    settle(&mut changes).await;
                }
                let reloading = Arc::clone(&library);
                missing =
                    match tokio::task::spawn_blocking(crate::community::carry_blocking(move || {
                        reloading.reload()
                    }))
                    .await
                    {
                        Ok(result) => result.is_err(),
                        Err(error) => {
                            tracing::error!(%error, "reloading events failed");
                            false
                        }
                    };
            }
        }));
        Ok(Watch { task })
    }
}

/// Keeps the folder watched; dropping it stops the watching. The watcher
/// lives in the task, which re-arms it when the folder comes back.
pub struct Watch {
    task: JoinHandle<()>,
}

impl Drop for Watch {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Reading a page is not a change; anything else (writes, creates, renames,
/// removals, and events the platform cannot classify) may be.
fn is_change(event: &notify::Event) -> bool {
    match event.kind {
        EventKind::Access(AccessKind::Close(AccessMode::Write)) => true,
        EventKind::Access(_) => false,
        _ => true,
    }
}

/// Waits until no change has arrived for [`QUIET`], or [`MAX_DELAY`] passed.
async fn settle(changes: &mut mpsc::UnboundedReceiver<()>) {
    let deadline = tokio::time::Instant::now() + MAX_DELAY;
    loop {
        let quiet_until = (tokio::time::Instant::now() + QUIET).min(deadline);
        match tokio::time::timeout_at(quiet_until, changes.recv()).await {
            Ok(Some(())) if quiet_until < deadline => continue,
            _ => return,
        }
    }
}

/// Every event in service, by the file it came from, and the diagnostics
/// of the last load (so a reload logs only what is new).
#[derive(Default)]
/// What the last load found, beside the catalog it made. The events
/// themselves are only in the catalog: one copy of each in service.
struct Pages {
    /// Each id in service and the file serving it, so a reload keeps it there.
    served: Served,
    diagnostics: Vec<Diagnostic>,
    /// Pages with an error in the last load.
    broken: usize,
}

impl Pages {
    /// Takes a fresh load over the catalog `serving`, and makes the next
    /// catalog. An event whose file (or folder) now has an error stays as
    /// it was; one whose file is gone, or became a draft, goes. Also returns
    /// the diagnostics not reported by the previous load.
    fn update(&mut self, loaded: Loaded, serving: &Catalog) -> (Catalog, Vec<Diagnostic>) {
        let broken: Vec<PathBuf> = loaded.errors().map(|d| d.file.clone()).collect();
        let mut events: BTreeMap<PathBuf, Event> = loaded
            .events
            .into_iter()
            .map(|event| (event.file.clone(), event))
            .collect();
        for event in serving.events() {
            let file = &event.file;
            let kept = !events.contains_key(file) && broken.iter().any(|b| file.starts_with(b));
            if kept {
                tracing::warn!(
                    file = %file.display(),
                    "the page has an error; its last good version stays in service"
                );
                // Its translations, standing alone while it is broken, are
                // in that version already: one event, never two.
                events.retain(|_, other| other.id != event.id);
                events.insert(file.clone(), event.clone());
            }
        }
        let news = loaded
            .diagnostics
            .iter()
            .filter(|d| !self.diagnostics.contains(d))
            .cloned()
            .collect();
        self.served = events
            .values()
            .map(|event| (load::id_key(&event.id), event.file.clone()))
            .collect();
        self.diagnostics = loaded.diagnostics;
        (Catalog::new(events.into_values().collect()), news)
    }
}

fn log(diagnostics: &[Diagnostic]) {
    for diagnostic in diagnostics {
        match diagnostic.severity {
            Severity::Error => tracing::error!("{diagnostic}"),
            Severity::Warning => tracing::warn!("{diagnostic}"),
            Severity::Note => tracing::debug!("{diagnostic}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::Lang;
    use chrono_tz::Tz;
    use std::fs;

    const TZ: Tz = chrono_tz::Asia::Shanghai;

    fn site() -> Site {
        Site::new(TZ, Lang::Zh)
    }

    fn page(title: &str) -> String {
        format!("---\ntitle: {title}\ndate: 2030-05-01T14:00:00+08:00\n---\n")
    }

    fn titles(library: &Library) -> Vec<String> {
        let catalog = library.catalog();
        catalog.events().iter().map(|e| e.title.clone()).collect()
    }

    #[test]
    fn a_broken_page_keeps_its_last_good_version() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("meetup.md");
        fs::write(&file, page("Rust Meetup")).unwrap();
        fs::write(dir.path().join("other.md"), page("Other")).unwrap();
        let library = Library::open(dir.path(), site());
        assert_eq!(titles(&library), ["Rust Meetup", "Other"]);

        fs::write(&file, "---\ntitle: [unclosed\n").unwrap();
        library.reload().unwrap();
        assert_eq!(titles(&library), ["Rust Meetup", "Other"]);

        fs::write(&file, page("Rust Meetup, fixed")).unwrap();
        library.reload().unwrap();
        assert_eq!(titles(&library), ["Rust Meetup, fixed", "Other"]);
    }

    #[test]
    fn a_broken_page_with_a_translation_stays_one_event() {
        let dir = tempfile::tempdir().unwrap();
        let bundle = dir.path().join("meetup");
        fs::create_dir(&bundle).unwrap();
        fs::write(bundle.join("index.md"), page("Rust 聚会")).unwrap();
        fs::write(bundle.join("index.en.md"), page("Rust Meetup")).unwrap();
        let library = Library::open(dir.path(), site());
        assert_eq!(titles(&library), ["Rust 聚会"]);

        fs::write(bundle.join("index.md"), "---\ntitle: [unclosed\n").unwrap();
        library.reload().unwrap();
        assert_eq!(titles(&library), ["Rust 聚会"]);
        let catalog = library.catalog();
        assert_eq!(catalog.events()[0].in_lang(Lang::En).title, "Rust Meetup");
    }

    #[test]
    fn removed_and_draft_pages_leave_service() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("meetup.md");
        fs::write(&file, page("Rust Meetup")).unwrap();
        fs::write(dir.path().join("other.md"), page("Other")).unwrap();
        let library = Library::open(dir.path(), site());

        fs::write(
            &file,
            page("Rust Meetup").replace("---\ntitle", "---\ndraft: true\ntitle"),
        )
        .unwrap();
        library.reload().unwrap();
        assert_eq!(titles(&library), ["Other"]);

        fs::remove_file(dir.path().join("other.md")).unwrap();
        library.reload().unwrap();
        assert!(titles(&library).is_empty());
    }

    #[test]
    fn an_unreadable_folder_keeps_everything() {
        let dir = tempfile::tempdir().unwrap();
        let events = dir.path().join("events");
        fs::create_dir(&events).unwrap();
        fs::write(events.join("meetup.md"), page("Rust Meetup")).unwrap();
        let library = Library::open(&events, site());

        fs::rename(&events, dir.path().join("moved")).unwrap();
        let error = library.reload().unwrap_err();
        assert_eq!(error, FolderError::Missing(events.clone()));
        assert_eq!(titles(&library), ["Rust Meetup"]);
    }

    #[test]
    fn only_new_diagnostics_are_reported() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("broken.md"), "no front matter").unwrap();
        let mut pages = Pages::default();
        let serving = Catalog::default();
        let load = || load::load_dir(dir.path(), &site()).unwrap();
        assert_eq!(pages.update(load(), &serving).1.len(), 1);
        assert!(pages.update(load(), &serving).1.is_empty());
    }

    #[tokio::test]
    async fn edits_on_disk_are_served_within_two_seconds() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("meetup.md");
        fs::write(&file, page("Before")).unwrap();
        let library = Arc::new(Library::open(dir.path(), site()));
        let _watch = library.watch().unwrap();

        fs::write(&file, page("After")).unwrap();
        let deadline = tokio::time::Instant::now() + Duration::from_secs(2);
        while titles(&library) != ["After"] {
            assert!(
                tokio::time::Instant::now() < deadline,
                "{:?}",
                titles(&library)
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    fn served(library: &Library) -> Vec<(String, String)> {
        let catalog = library.catalog();
        catalog
            .events()
            .iter()
            .map(|e| (e.id.clone(), e.title.clone()))
            .collect()
    }

    #[test]
    fn a_slug_stays_with_the_page_that_served_it_across_reloads() {
        let dir = tempfile::tempdir().unwrap();
        let later = dir.path().join("2022/meetup/index.md");
        fs::create_dir_all(later.parent().unwrap()).unwrap();
        fs::write(&later, page("Meetup 2022")).unwrap();
        let library = Library::open(dir.path(), site());
        assert_eq!(served(&library), [("meetup".into(), "Meetup 2022".into())]);

        // A page that sorts first appears with the same slug: it does not
        // take the slug over, and is not served beside it.
        let earlier = dir.path().join("2021/meetup/index.md");
        fs::create_dir_all(earlier.parent().unwrap()).unwrap();
        fs::write(&earlier, page("Meetup 2021")).unwrap();
        library.reload().unwrap();
        assert_eq!(served(&library), [("meetup".into(), "Meetup 2022".into())]);
        let pages = library.pages.lock().unwrap();
        let errors: Vec<String> = pages
            .diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .map(|d| d.to_string())
            .collect();
        assert_eq!(
            errors,
            [format!(
                "{}:1: error: the id `meetup` is already that of {}, which is served; this page is not served until one of them is renamed (the id keys its commands and reminders)",
                earlier.display(),
                later.display()
            )]
        );
        drop(pages);

        // While the serving page is broken, its last good version serves.
        fs::write(&later, "---\ntitle: [unclosed\n").unwrap();
        library.reload().unwrap();
        assert_eq!(served(&library), [("meetup".into(), "Meetup 2022".into())]);

        // Gone, the slug passes to the other page.
        fs::remove_file(&later).unwrap();
        library.reload().unwrap();
        assert_eq!(served(&library), [("meetup".into(), "Meetup 2021".into())]);
    }

    #[test]
    fn each_reload_sets_the_page_gauges() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("one.md"), page("One")).unwrap();
        fs::write(dir.path().join("two.md"), page("Two")).unwrap();
        fs::write(dir.path().join("broken.md"), "no front matter").unwrap();
        let recorder = metrics_exporter_prometheus::PrometheusBuilder::new().build_recorder();
        let handle = recorder.handle();
        let library = metrics::with_local_recorder(&recorder, || Library::open(dir.path(), site()));
        let text = handle.render();
        assert!(text.contains("herald_pages_loaded 2\n"), "{text}");
        assert!(text.contains("herald_pages_broken 1\n"), "{text}");

        fs::write(dir.path().join("broken.md"), page("Three")).unwrap();
        metrics::with_local_recorder(&recorder, || library.reload()).unwrap();
        let text = handle.render();
        assert!(text.contains("herald_pages_loaded 3\n"), "{text}");
        assert!(text.contains("herald_pages_broken 0\n"), "{text}");
    }

    #[tokio::test]
    async fn a_folder_that_goes_and_comes_back_is_served_again() {
        let dir = tempfile::tempdir().unwrap();
        let events = dir.path().join("events");
        fs::create_dir(&events).unwrap();
        fs::write(events.join("meetup.md"), page("Before")).unwrap();
        let library = Arc::new(Library::open(&events, site()));
        let _watch = library.watch().unwrap();

        fs::rename(&events, dir.path().join("old")).unwrap();
        // Bounded waits: the watch is event-driven, these only cap a hang.
        let wait = |want: &'static [&'static str]| {
            let library = Arc::clone(&library);
            async move {
                let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
                while titles(&library) != want {
                    assert!(
                        tokio::time::Instant::now() < deadline,
                        "{:?}, not {want:?}",
                        titles(&library)
                    );
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
            }
        };
        // Gone: the last good library stays in service.
        tokio::time::sleep(QUIET * 3).await;
        wait(&["Before"]).await;

        fs::create_dir(&events).unwrap();
        fs::write(events.join("meetup.md"), page("After")).unwrap();
        wait(&["After"]).await;
        // And it is watched again: an edit is seen.
        fs::write(events.join("meetup.md"), page("Edited")).unwrap();
        wait(&["Edited"]).await;
    }
}
