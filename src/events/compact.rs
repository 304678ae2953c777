//! Cutting an event's buffers to size once it is read. The reader grows its
//! vectors and strings as it goes (a list of speakers grows to four slots
//! for one, a joined line keeps its doubling slack), and a library keeps
//! every event for as long as its page is there: in a 10,000-page community
//! that slack was a third of what herald held at rest. Text read as
//! [`Rich`](super::rich::Rich) needs none of this: it is encoded to size.

use super::model::{AgendaItem, Event, Links, Speaker, Talk, Venue};

pub trait Compact {
    fn compact(&mut self);
}

impl Compact for String {
    fn compact(&mut self) {
        self.shrink_to_fit();
    }
}

impl<T: Compact> Compact for Option<T> {
    fn compact(&mut self) {
        if let Some(inner) = self {
            inner.compact();
        }
    }
}

impl<T: Compact> Compact for Vec<T> {
    fn compact(&mut self) {
        self.iter_mut().for_each(Compact::compact);
        self.shrink_to_fit();
    }
}

impl Compact for Speaker {
    fn compact(&mut self) {
        self.name.compact();
        self.alias.compact();
        self.company.compact();
    }
}

impl Compact for Talk {
    fn compact(&mut self) {
        self.speakers.compact();
        self.video.compact();
    }
}

impl Compact for AgendaItem {
    fn compact(&mut self) {
        match self {
            AgendaItem::Talk(talk) => talk.compact(),
            AgendaItem::Break(pause) => pause.title.compact(),
        }
    }
}

impl Compact for Venue {
    fn compact(&mut self) {
        for part in [
            &mut self.street,
            &mut self.city,
            &mut self.region,
            &mut self.postcode,
            &mut self.country,
        ] {
            part.compact();
        }
    }
}

impl Compact for Links {
    fn compact(&mut self) {
        for link in [
            &mut self.register,
            &mut self.slides,
            &mut self.video,
            &mut self.pdf,
            &mut self.code,
        ] {
            link.compact();
        }
    }
}

impl Compact for Event {
    fn compact(&mut self) {
        self.id.compact();
        self.title.compact();
        self.venue.compact();
        self.links.compact();
        self.authors.compact();
        self.speakers.compact();
        self.tags.compact();
        self.agenda.compact();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compacting_keeps_the_text_and_drops_the_slack() {
        let mut name = String::with_capacity(256);
        name.push_str("张三");
        let mut speakers = Vec::with_capacity(64);
        speakers.push(Speaker {
            name,
            ..Speaker::default()
        });
        let mut talk = Talk {
            speakers,
            ..Talk::default()
        };
        let before = talk.clone();
        talk.compact();
        assert_eq!(talk, before);
        assert_eq!(talk.speakers.capacity(), 1);
        assert_eq!(talk.speakers[0].name.capacity(), "张三".len());
    }
}
