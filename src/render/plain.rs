//! Our Telegram HTML read back as terminal text, for the console: tags go,
//! entities are unescaped, and link targets stay visible since a terminal
//! cannot follow a hidden href.

/// `<b>Rust</b> &amp; <a href="https://x.io">slides</a>` → `Rust & slides (https://x.io)`.
pub fn html_to_plain(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    // Open links: their target and where their text starts in `out`.
    let mut links: Vec<(String, usize)> = Vec::new();
    let mut rest = html;
    while let Some(c) = rest.chars().next() {
        if c == '<' {
            if let Some(end) = rest.find('>') {
                let tag = &rest[1..end];
                if tag.trim() == "/a" {
                    if let Some((url, from)) = links.pop() {
                        if out[from..] != url {
                            out.push_str(&format!(" ({url})"));
                        }
                    }
                } else if let Some(url) = href(tag) {
                    links.push((unescape(url), out.len()));
                }
                rest = &rest[end + 1..];
                continue;
            }
        }
        if c == '&' {
            if let Some((decoded, len)) = entity(rest) {
                out.push(decoded);
                rest = &rest[len..];
                continue;
            }
        }
        out.push(c);
        rest = &rest[c.len_utf8()..];
    }
    out
}

/// The `href` of an `a` tag's inside (`a href="…"`).
fn href(tag: &str) -> Option<&str> {
    let attrs = tag.strip_prefix("a ")?;
    let value = &attrs[attrs.find("href=\"")? + "href=\"".len()..];
    Some(&value[..value.find('"')?])
}

fn unescape(text: &str) -> String {
    html_to_plain(text)
}

/// An entity at the start of `text`: the character and the entity's length.
fn entity(text: &str) -> Option<(char, usize)> {
    let end = text.get(..12).unwrap_or(text).find(';')?;
    let name = &text[1..end];
    let decoded = match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        "nbsp" => ' ',
        _ => {
            let number = name.strip_prefix('#')?;
            let code = match number.strip_prefix(['x', 'X']) {
                Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                None => number.parse().ok()?,
            };
            char::from_u32(code)?
        }
    };
    Some((decoded, end + 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_go_and_entities_come_back() {
        assert_eq!(
            html_to_plain("<b>a &lt;script&gt; &amp; &quot;b&quot;</b> <i>c</i> &#39;d&#x27;"),
            "a <script> & \"b\" c 'd'"
        );
    }

    #[test]
    fn links_keep_their_target_visible() {
        assert_eq!(
            html_to_plain("<a href=\"https://x.io/?a=1&amp;b=2\">报名</a> · <a href=\"https://y.io\">https://y.io</a>"),
            "报名 (https://x.io/?a=1&b=2) · https://y.io"
        );
    }

    #[test]
    fn stray_markup_is_left_as_text() {
        assert_eq!(html_to_plain("a < b & c;"), "a < b & c;");
    }
}
