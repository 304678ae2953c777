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
        let mut at = 0;
        while at < self.items.len() {
            match self.restating(at) {
                Some(earlier) => self.fold(earlier, at),
                None => at += 1,
            }
        }
    }

    /// The one earlier talk that the talk at `at` restates, if exactly one.
    fn restating(&self, at: usize) -> Option<usize> {
        let AgendaItem::Talk(later) = &self.items[at] else {
            return None;
        };
        let mut found =
            self.items[..at]
                .iter()
                .enumerate()
                .filter_map(|(index, item)| match item {
                    AgendaItem::Talk(talk) if same_talk(talk, later) => Some(index),
                    _ => None,
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

/// `kept` with what it lacks taken from `other`.
fn combine(mut kept: Talk, other: Talk) -> Talk {
    if title_key(&kept).chars().count() < title_key(&other).chars().count() {
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
fn same_talk(a: &Talk, b: &Talk) -> bool {
    let (key_a, key_b) = (title_key(a), title_key(b));
    if key_a.chars().count() < 2 || key_b.chars().count() < 2 {
        return false;
    }
    let titled = key_a == key_b || refers_to(a, b) || refers_to(b, a);
    let timed_apart = matches!((a.slot, b.slot), (Some(x), Some(y)) if x != y);
    let people_apart = !a.speakers.is_empty()
        && !b.speakers.is_empty()
        && !a
            .speakers
            .iter()
            .any(|s| b.speakers.iter().any(|t| name_key(s) == name_key(t)));
    titled && !timed_apart && !people_apart
}

/// `Talk 1` for `Talk 1: Great Expectations in practice`: a few words that
/// are all the other title has before its colon or dash.
fn refers_to(reference: &Talk, talk: &Talk) -> bool {
    let reference = reference.title.plain();
    let reference = reference.trim();
    if reference.split_whitespace().count() > MAX_REFERENCE_WORDS {
        return false;
    }
    let title = talk.title.plain();
    [":", "：", " - ", " — ", " – "].iter().any(|separator| {
        title
            .split_once(separator)
            .is_some_and(|(head, rest)| !rest.trim().is_empty() && key(head) == key(reference))
    })
}

fn title_key(talk: &Talk) -> String {
    key(&talk.title.plain())
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
