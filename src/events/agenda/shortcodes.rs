//! `{{< abstract title="…" author="…" affiliation="…" >}} text {{< /abstract >}}`:
//! a theme's shortcode that carries a talk's title and abstract, matched to
//! the schedule item of the same speaker.

/// One abstract shortcode.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AbstractCode {
    pub title: Option<String>,
    pub author: Option<String>,
    pub affiliation: Option<String>,
    pub text: Vec<String>,
    pub line: usize,
}

/// Every abstract shortcode in `body` (whose first line is `first_line`).
pub fn abstracts(body: &str, first_line: usize) -> Vec<AbstractCode> {
    let mut out = Vec::new();
    let mut rest = body;
    let mut consumed = 0;
    while let Some(at) = find_open(rest) {
        let open_end = match rest[at..].find(">}}") {
            Some(end) => at + end + 3,
            None => break,
        };
        let args = &rest[at..open_end];
        let after = &rest[open_end..];
        let close = find_close(after);
        let text_end = close.map_or(after.len(), |(start, _)| start);
        let line = first_line + body[..consumed + at].matches('\n').count();
        out.push(AbstractCode {
            title: attribute(args, "title"),
            author: attribute(args, "author"),
            affiliation: attribute(args, "affiliation"),
            text: after[..text_end].lines().map(str::to_string).collect(),
            line,
        });
        let advance = open_end + close.map_or(after.len(), |(_, end)| end);
        consumed += advance;
        rest = &rest[advance..];
    }
    out
}

fn find_open(text: &str) -> Option<usize> {
    let mut from = 0;
    while let Some(at) = text[from..].find("{{<") {
        let start = from + at;
        if text[start + 3..].trim_start().starts_with("abstract") {
            return Some(start);
        }
        from = start + 3;
    }
    None
}

/// Start and end of the closing `{{< /abstract >}}`.
fn find_close(text: &str) -> Option<(usize, usize)> {
    let mut from = 0;
    while let Some(at) = text[from..].find("{{<") {
        let start = from + at;
        let end = text[start..].find(">}}")? + start + 3;
        let inner = text[start + 3..end - 3].trim();
        if inner
            .strip_prefix('/')
            .is_some_and(|n| n.trim() == "abstract")
        {
            return Some((start, end));
        }
        from = end;
    }
    None
}

/// `name="value"` inside a shortcode's opening tag.
fn attribute(args: &str, name: &str) -> Option<String> {
    let mut from = 0;
    while let Some(at) = args[from..].find(name) {
        let start = from + at;
        let before_ok = args[..start].ends_with(char::is_whitespace);
        let after = args[start + name.len()..].trim_start();
        if before_ok {
            if let Some(value) = after.strip_prefix('=') {
                let value = value.trim_start();
                let quote = value.chars().next().filter(|c| matches!(c, '"' | '\''))?;
                let inner = &value[1..];
                let end = inner.find(quote)?;
                let text = inner[..end].trim();
                return (!text.is_empty()).then(|| text.to_string());
            }
        }
        from = start + name.len();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_attributes_text_and_line() {
        let body = "## Abstracts\n\n{{< abstract\n  title=\"Gradient flows\"\n  author=\"Raghav Somani and Raghav Tripathi\"\n  affiliation=\"UW, USA\"\n  slides=\"S.pdf\" >}}\nNeural Networks.\nMore.\n{{< /abstract >}}\n{{< pihotCRG >}}\n";
        let codes = abstracts(body, 55);
        assert_eq!(codes.len(), 1);
        let code = &codes[0];
        assert_eq!(code.title.as_deref(), Some("Gradient flows"));
        assert_eq!(
            code.author.as_deref(),
            Some("Raghav Somani and Raghav Tripathi")
        );
        assert_eq!(code.affiliation.as_deref(), Some("UW, USA"));
        assert_eq!(code.line, 57);
        assert!(code.text.iter().any(|l| l == "Neural Networks."));
    }
}
