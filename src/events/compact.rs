//! Cutting an event's buffers to size once it is read. The reader grows its
//! vectors and strings as it goes (a vector of spans grows to four slots for
//! one, a joined line keeps its doubling slack), and a library keeps every
//! event for as long as its page is there: in a 10,000-page community that
//! slack was a third of what herald held at rest.

use super::model::{AgendaItem, Event, Links, Speaker, Talk, Venue};
use super::rich::{Block, Inline, Rich};

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

impl Compact for Inline {
    fn compact(&mut self) {
        match self {
            Inline::Text(text) | Inline::Code(text) => text.compact(),
            Inline::Strong(inner) | Inline::Emphasis(inner) => inner.compact(),
            Inline::Link(link) => {
                link.text.compact();
                link.url.compact();
            }
        }
    }
}

impl Compact for Block {
    fn compact(&mut self) {
        match self {
            Block::Paragraph(content) | Block::Item { content, .. } => content.compact(),
        }
    }
}

impl Compact for Rich {
    fn compact(&mut self) {
        self.blocks.compact();
    }
}

impl Compact for Speaker {
    fn compact(&mut self) {
        self.name.compact();
        self.alias.compact();
        self.company.compact();
        self.bio.compact();
    }
}

impl Compact for Talk {
    fn compact(&mut self) {
        self.title.compact();
        self.speakers.compact();
        self.abstract_.compact();
        self.takeaways.compact();
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
        self.location.compact();
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
        self.summary.compact();
        self.description.compact();
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
        let mut grown = Vec::with_capacity(64);
        let mut text = String::with_capacity(256);
        text.push_str("张三");
        grown.push(Inline::Text(text));
        let mut rich = Rich {
            blocks: vec![Block::Paragraph(grown)],
        };
        let before = rich.clone();
        rich.compact();
        assert_eq!(rich, before);
        let Block::Paragraph(content) = &rich.blocks[0] else {
            panic!("a paragraph");
        };
        assert_eq!(content.capacity(), 1);
        let Inline::Text(text) = &content[0] else {
            panic!("text");
        };
        assert_eq!(text.capacity(), "张三".len());
    }
}
