//! A page that lists its talks twice: a schedule of times and titles, then
//! a section per talk with its speaker and abstract (or the other way
//! round, a schedule that names talks only as `Talk 1`). Both are one talk:
//! where the day puts it, with everything either place says about it.

use crate::events::model::{AgendaItem, Speaker, Talk};

use super::labels::lowercase;
use super::Agenda;

/// Words a reference may have: `Talk 1`, `Keynote`, `议题一`.
const MAX_REFERENCE_WORDS: usize = 3;

impl Agenda {
    /// Folds each talk the page restates into the one it restates.
    pub(super) fn merge_restated(&mut self) {
        let mut keys = self.keys();
        let mut at = 0;
        while at < self.items.len() {
            match self.restating(at, &keys) {
                Some(earlier) => {
                    self.fold(earlier, at);
                    // Rare: most pages restate nothing.
                    keys = self.keys();
                }
                None => at += 1,
            }
        }
    }

    /// Each talk's keys, worked out once: pages compare every pair.
    fn keys(&self) -> Vec<Option<Keys>> {
        self.items
            .iter()
            .map(|item| match item {
                AgendaItem::Talk(talk) => Some(Keys::of(talk)),
                AgendaItem::Break(_) => None,
            })
            .collect()
    }

    /// The one earlier talk that the talk at `at` restates, if exactly one.
    fn restating(&self, at: usize, keys: &[Option<Keys>]) -> Option<usize> {
        let (AgendaItem::Talk(later), Some(later_keys)) = (&self.items[at], &keys[at]) else {
            return None;
        };
        let mut found = (0..at).filter(|&index| match (&self.items[index], &keys[index]) {
            (AgendaItem::Talk(talk), Some(talk_keys)) => {
                same_talk(talk, talk_keys, later, later_keys)
            }
            _ => false,
        });
        let first = found.next()?;
        found.next().is_none().then_some(first)
    }

    /// One talk from two: in the place of the one the day's times give,
    /// titled by the fuller title, each detail from whichever has it.
    fn fold(&mut self, earlier: usize, later: usize) {
        let AgendaItem::Talk(second) = self.items.remove(later) else {
            return;
        };
        let AgendaItem::Talk(first) = &mut self.items[earlier] else {
            return;
        };
        let mut merged = std::mem::take(first);
        if merged.slot.is_none() && second.slot.is_some() {
            // The schedule's place: where the timed one stood.
            self.items.remove(earlier);
            merged = combine(second, merged);
            self.items.insert(later - 1, AgendaItem::Talk(merged));
        } else {
            self.items[earlier] = AgendaItem::Talk(combine(merged, second));
        }
    }
}

/// What two mentions of a talk are compared by.
struct Keys {
    title: String,
    /// The title is a few words, so may refer to a talk (`Talk 1`).
    short: bool,
    /// What the title has before a colon or dash, where something follows.
    heads: Vec<String>,
    speakers: Vec<String>,
}

impl Keys {
    fn of(talk: &Talk) -> Keys {
        let title = talk.title.plain();
        let heads = [":", "：", " - ", " — ", " – "]
            .iter()
            .filter_map(|separator| title.split_once(separator))
            .filter(|(_, rest)| !rest.trim().is_empty())
            .map(|(head, _)| key(head))
            .collect();
        Keys {
            short: title.split_whitespace().count() <= MAX_REFERENCE_WORDS,
            title: key(&title),
            heads,
            speakers: talk.speakers.iter().map(name_key).collect(),
        }
    }

    /// `Talk 1` for `Talk 1: Great Expectations in practice`.
    fn refers_to(&self, other: &Keys) -> bool {
        self.short && other.heads.contains(&self.title)
    }
}

/// `kept` with what it lacks taken from `other`.
fn combine(mut kept: Talk, other: Talk) -> Talk {
    if key(&kept.title.plain()).chars().count() < key(&other.title.plain()).chars().count() {
        kept.title = other.title;
    }
    kept.slot = kept.slot.or(other.slot);
    kept.abstract_ = kept.abstract_.or(other.abstract_);
    kept.takeaways = kept.takeaways.or(other.takeaways);
    kept.video = kept.video.or(other.video);
    if kept.speakers.is_empty() {
        kept.speakers = other.speakers;
    } else {
        for speaker in &mut kept.speakers {
            if let Some(same) = other
                .speakers
                .iter()
                .find(|s| name_key(s) == name_key(speaker))
            {
                speaker.alias = speaker.alias.take().or_else(|| same.alias.clone());
                speaker.company = speaker.company.take().or_else(|| same.company.clone());
                speaker.bio = speaker.bio.take().or_else(|| same.bio.clone());
            }
        }
    }
    kept
}

/// Whether two talks are one written twice: the same title, or one title
/// a short reference that opens the other (`Talk 1` → `Talk 1: Great
/// Expectations`), and nothing that tells them apart: not two different
/// times, not two different sets of people.
fn same_talk(a: &Talk, ka: &Keys, b: &Talk, kb: &Keys) -> bool {
    if ka.title.chars().count() < 2 || kb.title.chars().count() < 2 {
        return false;
    }
    let titled = ka.title == kb.title || ka.refers_to(kb) || kb.refers_to(ka);
    let timed_apart = matches!((a.slot, b.slot), (Some(x), Some(y)) if x != y);
    let people_apart = !ka.speakers.is_empty()
        && !kb.speakers.is_empty()
        && !ka.speakers.iter().any(|s| kb.speakers.contains(s));
    titled && !timed_apart && !people_apart
}

fn name_key(speaker: &Speaker) -> String {
    key(&speaker.name)
}

/// Text as two mentions of one thing share it: letters and digits, lower case.
fn key(text: &str) -> String {
    lowercase(text)
        .chars()
        .filter(|c| c.is_alphanumeric())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::super::tests::{outline, read_with};

    #[test]
    fn a_schedule_then_a_section_per_talk_is_one_talk_each() {
        let body = "## Agenda\n\n- 18:00 Doors open, pizza\n- 18:30 Async Rust in production — Jane Doe\n- 19:15 Fearless FFI — Bob Stone\n\n## Talks\n\n### Async Rust in production\n\nJane shows how her team runs tokio.\n\n### Fearless FFI\n\nBob talks about cxx.\n";
        let agenda = read_with(body, "2024-09-12T18:00:00+02:00", "Rust", &[]);
        assert_eq!(
            outline(&agenda),
            [
                "break 18:00 Doors open, pizza",
                "18:30 Async Rust in production / Jane Doe",
                "19:15 Fearless FFI / Bob Stone"
            ]
        );
        let abstracts: Vec<String> = agenda
            .items
            .iter()
            .filter_map(|item| match item {
                crate::events::model::AgendaItem::Talk(t) => {
                    t.abstract_.as_ref().map(|a| a.plain())
                }
                _ => None,
            })
            .collect();
        assert_eq!(
            abstracts,
            [
                "Jane shows how her team runs tokio.",
                "Bob talks about cxx."
            ]
        );
    }

    #[test]
    fn a_schedule_that_refers_to_talks_gives_them_their_times() {
        let body = "### Talk 1: Great Expectations in practice\n\n**Speaker:** Priya Raman (Adyen)\n\nData pipelines fail silently.\n\n### Talk 2: Catching drift\n\n**Speaker:** Tom de Vries (Booking.com)\n\nMonitoring models.\n\n### Agenda\n\n- 18:00 Walk-in with food and drinks\n- 18:45 Talk 1\n- 19:30 Break\n- 19:45 Talk 2\n";
        let agenda = read_with(body, "2024-09-12T18:00:00+02:00", "PyData", &[]);
        assert_eq!(
            outline(&agenda),
            [
                "break 18:00 Walk-in with food and drinks",
                "18:45 Talk 1: Great Expectations in practice / Priya Raman(Adyen)",
                "break 19:30 Break",
                "19:45 Talk 2: Catching drift / Tom de Vries(Booking.com)"
            ]
        );
    }

    #[test]
    fn talks_told_apart_by_time_or_people_stay_two() {
        let body = "- 18:00 Lightning talks — Ana Lopes\n- 20:00 Lightning talks — Rui Costa\n- 21:00 Async Rust — Jane Doe\n- 21:30 Async Rust — Bob Stone\n";
        let agenda = read_with(body, "2024-09-12T18:00:00+02:00", "Meetup", &[]);
        assert_eq!(
            outline(&agenda),
            [
                "18:00 Lightning talks / Ana Lopes",
                "20:00 Lightning talks / Rui Costa",
                "21:00 Async Rust / Jane Doe",
                "21:30 Async Rust / Bob Stone"
            ]
        );
    }
}
