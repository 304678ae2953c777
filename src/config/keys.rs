//! Finds which key an offset in a TOML document belongs to. toml reports
//! type errors and unknown keys with a span only; this recovers the dotted
//! key (`telegram.admins[1]`) to name in the message.

use std::fmt;

use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use toml::Spanned;

/// The last key (or array item) starting at or before `offset`.
pub(super) fn key_at(text: &str, offset: usize) -> Option<String> {
    keys(text)
        .into_iter()
        .filter(|(start, _)| *start <= offset)
        .max_by_key(|(start, _)| *start)
        .map(|(_, key)| key)
}

/// Every key and array item of the document, as `(start, dotted key)`.
pub(super) fn keys(text: &str) -> Vec<(usize, String)> {
    let mut found = Vec::new();
    // A document that fails to parse here failed the real reading too;
    // the keys found before the failure are still right.
    let _ = Keys {
        prefix: "",
        found: &mut found,
    }
    .deserialize(toml::Deserializer::new(text));
    found
}

/// Collects `(start, dotted key)` for every key and array item under
/// `prefix`.
struct Keys<'a> {
    prefix: &'a str,
    found: &'a mut Vec<(usize, String)>,
}

impl<'de> DeserializeSeed<'de> for Keys<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Keys<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any TOML value")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key::<Spanned<String>>()? {
            let path = match self.prefix {
                "" => key.get_ref().clone(),
                prefix => format!("{prefix}.{}", key.get_ref()),
            };
            self.found.push((key.span().start, path.clone()));
            map.next_value_seed(Keys {
                prefix: &path,
                found: &mut *self.found,
            })?;
        }
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let mut index = 0;
        while let Some(item) = seq.next_element::<Spanned<IgnoredAny>>()? {
            self.found
                .push((item.span().start, format!("{}[{index}]", self.prefix)));
            index += 1;
        }
        Ok(())
    }

    fn visit_bool<E>(self, _: bool) -> Result<(), E> {
        Ok(())
    }

    fn visit_i64<E>(self, _: i64) -> Result<(), E> {
        Ok(())
    }

    fn visit_u64<E>(self, _: u64) -> Result<(), E> {
        Ok(())
    }

    fn visit_f64<E>(self, _: f64) -> Result<(), E> {
        Ok(())
    }

    fn visit_str<E>(self, _: &str) -> Result<(), E> {
        Ok(())
    }
}
