//! Telegram refuses messages over 4096 characters, so long answers go out as
//! several messages. Cuts fall between blocks (a talk, an event) so each
//! message reads on its own, and never inside a tag or an entity, which
//! Telegram would reject as broken HTML.

/// Telegram's limit on a message's text.
pub const MESSAGE_LIMIT: usize = 4096;

/// Length as Telegram counts it (UTF-16 code units). Measured on the HTML
/// source, which is never shorter than the text it shows, so it errs safe.
pub fn telegram_len(text: &str) -> usize {
    text.encode_utf16().count()
}

/// Packs blocks into as few messages as fit, a blank line between blocks.
/// A block too long for one message is cut at line ends, or as a last
/// resort anywhere outside markup, closing and reopening tags around the cut.
pub fn pack<I>(blocks: I) -> Vec<String>
where
    I: IntoIterator<Item = String>,
{
    join_within(blocks.into_iter().flat_map(fit), "\n\n")
}

/// Greedily joins pieces (each within the limit) while they fit.
fn join_within(pieces: impl Iterator<Item = String>, separator: &str) -> Vec<String> {
    let mut messages = Vec::new();
    let mut current = String::new();
    for piece in pieces.filter(|p| !p.is_empty()) {
        if current.is_empty() {
            current = piece;
        } else if telegram_len(&current) + telegram_len(separator) + telegram_len(&piece)
            <= MESSAGE_LIMIT
        {
            current.push_str(separator);
            current.push_str(&piece);
        } else {
            messages.push(std::mem::replace(&mut current, piece));
        }
    }
    if !current.is_empty() {
        messages.push(current);
    }
    messages
}

/// A block as pieces that each fit in a message. Our markup never spans a
/// line end, so lines are safe places to cut.
fn fit(block: String) -> Vec<String> {
    if telegram_len(&block) <= MESSAGE_LIMIT {
        return vec![block];
    }
    let lines = block.lines().flat_map(|line| {
        if telegram_len(line) <= MESSAGE_LIMIT {
            vec![line.to_string()]
        } else {
            cut(line)
        }
    });
    join_within(lines, "\n")
}

/// Cuts an over-long line between characters, keeping tags and entities
/// whole and well nested: tags open at the cut are closed before it and
/// opened again after it.
fn cut(line: &str) -> Vec<String> {
    let mut pieces = Vec::new();
    let mut current = String::new();
    // Open tags, as written (`<a href="…">`), innermost last.
    let mut open: Vec<&str> = Vec::new();
    for token in tokens(line) {
        let closing: usize = open.iter().map(|tag| telegram_len(&close(tag))).sum();
        if !current.is_empty()
            && telegram_len(&current) + telegram_len(token) + closing > MESSAGE_LIMIT
        {
            open.iter()
                .rev()
                .for_each(|tag| current.push_str(&close(tag)));
            pieces.push(std::mem::replace(&mut current, open.concat()));
        }
        if let Some(name) = token.strip_prefix("</") {
            let name = name.trim_end_matches('>');
            if let Some(at) = open.iter().rposition(|tag| tag_name(tag) == name) {
                open.truncate(at);
            }
        } else if token.starts_with('<') {
            open.push(token);
        }
        current.push_str(token);
    }
    pieces.push(current);
    pieces
}

/// Splits HTML into tags, entities and single characters.
fn tokens(html: &str) -> impl Iterator<Item = &str> {
    let mut rest = html;
    std::iter::from_fn(move || {
        let first = rest.chars().next()?;
        let len = match first {
            '<' => rest.find('>').map_or(1, |end| end + 1),
            '&' => rest
                .find(';')
                .filter(|&end| end < 12)
                .map_or(1, |end| end + 1),
            c => c.len_utf8(),
        };
        let (token, tail) = rest.split_at(len);
        rest = tail;
        Some(token)
    })
}

fn tag_name(tag: &str) -> &str {
    let inner = tag.trim_start_matches('<').trim_end_matches('>');
    inner.split_whitespace().next().unwrap_or(inner)
}

fn close(tag: &str) -> String {
    format!("</{}>", tag_name(tag))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_answers_stay_one_message() {
        let messages = pack(vec!["<b>a</b>".to_string(), "b".to_string()]);
        assert_eq!(messages, ["<b>a</b>\n\nb"]);
    }

    #[test]
    fn long_answers_split_between_blocks() {
        let talk = |i: usize| format!("<b>Talk {i}</b>\n{}", "讲".repeat(1000));
        let blocks: Vec<String> = (0..10).map(talk).collect();
        let messages = pack(blocks.clone());
        assert!(messages.len() > 1);
        for message in &messages {
            assert!(telegram_len(message) <= MESSAGE_LIMIT);
            assert!(
                message.starts_with("<b>Talk "),
                "a message starts with a talk"
            );
        }
        assert_eq!(messages.join("\n\n"), blocks.join("\n\n"), "nothing lost");
    }

    #[test]
    fn length_is_counted_in_utf16_units() {
        assert_eq!(telegram_len("周"), 1);
        assert_eq!(telegram_len("🦀"), 2);
        let crabs = vec!["🦀".repeat(3000)];
        assert_eq!(pack(crabs).len(), 2, "6000 units need two messages");
    }

    #[test]
    fn a_huge_paragraph_is_cut_outside_markup() {
        let line = format!(
            "<a href=\"https://x.io\"><b>{}</b></a>",
            "a &amp; ".repeat(1500)
        );
        let messages = pack(vec![line]);
        assert!(messages.len() > 1);
        for message in &messages {
            assert!(telegram_len(message) <= MESSAGE_LIMIT);
            assert!(message.starts_with("<a href=\"https://x.io\"><b>"));
            assert!(message.ends_with("</b></a>"));
            assert!(!message.contains("&am\n") && !message.ends_with('&'));
        }
    }
}
