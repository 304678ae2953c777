use super::*;

#[test]
fn links_and_emphasis_keep_their_meaning() {
    let rich = Rich::inline("See **the [slides](https://x.io/a_(b))** and _notes_ <b>now</b>");
    assert_eq!(
        rich.html(),
        "See <b>the <a href=\"https://x.io/a_(b)\">slides</a></b> and <i>notes</i> <b>now</b>"
    );
    assert_eq!(rich.plain(), "See the slides and notes now");
}

#[test]
fn text_is_escaped_for_telegram() {
    let rich = Rich::inline("a < b & \"c\" <script>x</script>");
    assert_eq!(rich.html(), "a &lt; b &amp; &quot;c&quot; x");
}

#[test]
fn images_comments_and_shortcodes_are_dropped() {
    let rich = Rich::from_lines(&[
        "{{<callout note>}}",
        "![poster](poster.jpg)Hello <!-- hidden --> world",
        "{{</callout>}}",
    ]);
    assert_eq!(rich.plain(), "Hello  world");
}

#[test]
fn snake_case_is_not_emphasis() {
    assert_eq!(
        Rich::inline("use snake_case_names here").plain(),
        "use snake_case_names here"
    );
    assert_eq!(
        Rich::inline("use snake_case_names here").html(),
        "use snake_case_names here"
    );
}

#[test]
fn lists_and_wrapped_lines() {
    let rich = Rich::from_lines(&[
        "first line",
        "second line",
        "",
        "1. one",
        "   1. nested",
        "- two",
        "中文",
        "续行",
    ]);
    // An unindented line ends the list, though CommonMark would read it as
    // the item's lazy continuation; an indented one continues the item.
    assert_eq!(
        rich.plain(),
        "first line second line\n1. one\n  1. nested\n• two\n中文续行"
    );
    assert_eq!(
        Rich::from_lines(&["- one", "  more", "", "  still", "two"]).plain(),
        "• one more still\ntwo"
    );
}

#[test]
fn links_with_shortcode_targets_keep_their_text() {
    let rich = Rich::inline("[Carla Cisternas]({{< relref \"../authors/x\" >}}) taught");
    assert_eq!(rich.html(), "Carla Cisternas taught");
    assert_eq!(
        Rich::inline("<https://a.b/c>").links(),
        vec!["https://a.b/c"]
    );
}

#[test]
fn emphasis_around_cjk() {
    assert_eq!(Rich::inline("**云原生技术**").html(), "<b>云原生技术</b>");
    assert_eq!(Rich::inline("*注：敬请谅解。*").plain(), "注：敬请谅解。");
}

/// Runs `f` on a thread with a small stack, so deep recursion anywhere in
/// parsing or rendering overflows instead of passing unnoticed.
fn on_small_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::Builder::new()
        .stack_size(256 * 1024)
        .spawn(f)
        .expect("a thread starts")
        .join()
        .expect("no panic")
}

/// The `<b>`/`<i>` depth of rendered HTML: what the tree's depth shows.
fn tag_depth(html: &str) -> usize {
    let (mut depth, mut max) = (0usize, 0);
    for (at, _) in html.match_indices('<') {
        let tag = &html[at..];
        if tag.starts_with("<b>") || tag.starts_with("<i>") || tag.starts_with("<a ") {
            depth += 1;
            max = max.max(depth);
        } else if tag.starts_with("</") {
            depth = depth.saturating_sub(1);
        }
    }
    max
}

#[test]
fn ten_thousand_nested_links_are_text_with_one_link() {
    let src = format!(
        "{}a{}",
        "[".repeat(10_000),
        "](https://x.io)".repeat(10_000)
    );
    let (plain, links, html) = on_small_stack(move || {
        let rich = Rich::inline(&src);
        let links = rich.links().len();
        (rich.plain(), links, rich.html())
    });
    // CommonMark: the innermost brackets are the link, the rest text.
    assert_eq!(links, 1);
    assert!(plain.starts_with("[[[") && plain.contains("a](https://x.io)"));
    assert_eq!(tag_depth(&html), 1);
}

#[test]
fn ten_thousand_nested_emphasis_is_flattened_past_a_depth() {
    let src = format!("{}x{}", "*a ".repeat(10_000), " b*".repeat(10_000));
    let (plain, html) = on_small_stack(move || {
        let rich = Rich::inline(&src);
        (rich.plain(), rich.html())
    });
    assert_eq!(
        plain,
        format!("{}x{}", "a ".repeat(10_000), " b".repeat(10_000))
    );
    assert_eq!(tag_depth(&html), parse::MAX_NESTING);
    assert!(html.starts_with("<i>a <i>a <i>a "), "{}", &html[..40]);
}

#[test]
fn deep_strong_and_html_tags_are_bounded_too() {
    let src = format!(
        "{}y{} {}z",
        "**".repeat(10_000),
        "**".repeat(10_000),
        "<b><em>".repeat(10_000)
    );
    let (plain, html) = on_small_stack(move || {
        let rich = Rich::inline(&src);
        (rich.plain(), rich.html())
    });
    assert_eq!(plain, "y z");
    assert!(tag_depth(&html) <= parse::MAX_NESTING, "{html}");
}

#[test]
fn ten_thousand_deep_quotes_and_lists_read_as_their_text() {
    let (quote, list) = on_small_stack(|| {
        let quote = Rich::inline(&format!("{} deep", ">".repeat(10_000)));
        let list = Rich::from_lines(&[format!("{}deep", "- ".repeat(10_000))]);
        (quote.plain(), list.plain())
    });
    assert_eq!(quote, "deep");
    // Depth shows as indentation, up to a limit.
    let bare: String = (0..6)
        .map(|depth| format!("{}•\n", "  ".repeat(depth)))
        .collect();
    assert_eq!(list, format!("{bare}{}• deep", "  ".repeat(6)));
}

#[test]
fn a_megabyte_line_is_read_in_one_pass() {
    let mb = 1 << 20;
    let cases = [
        "word ".repeat(mb / 5),
        "[".repeat(mb),
        "*a".repeat(mb / 2),
        "<".repeat(mb),
        "{{<".repeat(mb / 3),
        "`".repeat(mb),
        "[a](".repeat(mb / 4),
        "<b>".repeat(mb / 3),
        "&amp;".repeat(mb / 5),
    ];
    let started = std::time::Instant::now();
    let lens = on_small_stack(move || {
        cases
            .iter()
            .map(|src| Rich::inline(src).html().len())
            .collect::<Vec<_>>()
    });
    assert_eq!(lens[0], "word ".repeat(mb / 5).trim_end().len());
    assert_eq!(lens[3], "&lt;".len() * mb);
    assert_eq!(lens[4], 0, "an unclosed shortcode runs to the end");
    // Linear work is well under a second each, even in a debug build; a
    // quadratic pass over a megabyte would take minutes.
    assert!(started.elapsed().as_secs() < 30, "{:?}", started.elapsed());
}

#[test]
fn only_safe_link_schemes_become_links() {
    for src in [
        "[x](javascript:alert(1))",
        "[x](JaVaScRiPt:alert(1))",
        "[x](&#106;avascript:alert(1))",
        "[x](&#x6A;&#x61;vascript&#58;alert(1))",
        "[x](java&#x09;script:alert(1))",
        "[x](<java\\tscript:alert(1)>)",
        "[x](%6Aavascript:alert(1))",
        "[x](data:text/html;base64,PHNjcmlwdD4=)",
        "[x](vbscript:msgbox)",
        "[x](file:///etc/passwd)",
        "[x](../authors/x)",
        "[x](#top)",
        "[x](//evil.example)",
        "<a href=\"javascript:alert(1)\">x</a>",
    ] {
        let rich = Rich::inline(src);
        assert!(rich.links().is_empty(), "{src}: {:?}", rich.links());
        assert!(!rich.html().contains("href"), "{src}: {}", rich.html());
        assert!(rich.plain().starts_with('x'), "{src}: {}", rich.plain());
    }
    let rich = Rich::inline("<javascript:alert(1)> <JaVaScRiPt:alert(1)>");
    assert_eq!(rich.html(), "javascript:alert(1) JaVaScRiPt:alert(1)");
}

#[test]
fn web_mail_and_telegram_links_are_kept() {
    let rich = Rich::inline(
        "[a](https://x.io) [b](HTTP://y.io) <mailto:me@x.io> <me@y.io> [c](tg://resolve?domain=rust)",
    );
    assert_eq!(
        rich.links(),
        [
            "https://x.io",
            "HTTP://y.io",
            "mailto:me@x.io",
            "mailto:me@y.io",
            "tg://resolve?domain=rust"
        ]
    );
    assert_eq!(rich.plain(), "a b mailto:me@x.io me@y.io c");
}

#[test]
fn text_and_urls_are_escaped_exactly_once() {
    let rich = Rich::inline("[a&b <\"c\">](https://x.io/?a=1&amp;b=\"2\") &lt;tag&gt; & 1 < 2");
    assert_eq!(
        rich.html(),
        "<a href=\"https://x.io/?a=1&amp;b=&quot;2&quot;\">a&amp;b &lt;&quot;c&quot;&gt;</a> \
         &lt;tag&gt; &amp; 1 &lt; 2"
    );
    assert_eq!(rich.plain(), "a&b <\"c\"> <tag> & 1 < 2");
    // A quote in a url cannot end the href.
    assert_eq!(
        Rich::inline("[x](https://x.io/a\"onmouseover=\"alert(1))").html(),
        "<a href=\"https://x.io/a&quot;onmouseover=&quot;alert(1)\">x</a>"
    );
}

#[test]
fn breaks_and_html_tags() {
    let rich = Rich::from_lines(&[
        "one<br>two  ",
        "three\\",
        "four <em>five</em> <span>six</span>",
    ]);
    assert_eq!(rich.plain(), "one\ntwo\nthree\nfour five six");
    assert_eq!(rich.html(), "one\ntwo\nthree\nfour <i>five</i> six");
    assert_eq!(
        Rich::inline("<a href=\"x>y\" title='<'>link</a> `a`\nb").plain(),
        "link a b"
    );
    // In an HTML block too, a `>` in a quoted attribute does not end the tag.
    assert_eq!(
        Rich::from_lines(&["<p title=\"a>b\">Hi <br/> there</p>"]).plain(),
        "Hi \n there"
    );
    // A tag left open ends with its paragraph; a stray close is dropped.
    assert_eq!(Rich::inline("<b>open </i>end").html(), "<b>open end</b>");
}

#[test]
fn blocks_read_as_commonmark() {
    let rich = Rich::from_lines(&[
        "# Title",
        "> quoted *text*",
        "",
        "3) three",
        "1) four",
        "",
        "```",
        "let x = 1 < 2;",
        "```",
        "<div align=\"center\">",
        "Centered &amp; <b>bold</b>",
        "</div>",
    ]);
    assert_eq!(
        rich.html(),
        "<b>Title</b>\nquoted <i>text</i>\n3. three\n4. four\n<code>let x = 1 &lt; 2;</code>\n\
         Centered &amp;amp; <b>bold</b>"
    );
}

#[test]
fn markup_checks_cover_what_the_parser_reads() {
    for text in ["张三", "Alice Smith", "Rust 1.0 launch"] {
        assert!(!has_markup(text));
        assert_eq!(Rich::inline(text).plain(), text);
    }
    for text in ["*x*", "a &amp; b", "1) x", "# x", "> x", "- x", "a\\*"] {
        assert!(has_markup(text), "{text}");
        assert_ne!(Rich::inline(text).plain(), text, "{text}");
    }
}

/// The parser is skipped for text it would read as plain one-line
/// paragraphs and numbered items, so all such text must read as the parser
/// reads it: lines drawn from characters markdown cares about, spaces and
/// CJK text, some numbered, some blank.
#[test]
fn text_read_without_the_parser_reads_as_the_parser_reads_it() {
    let alphabet: Vec<char> = "ab 张三：，1.)-*_#>+~=|!\\[]()<>`{}&;\t\u{3000}\u{a0}'\""
        .chars()
        .collect();
    let mut state = 0x9e37_79b9_7f4a_7c15_u64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let mut skipped = 0;
    for _ in 0..20_000 {
        let count = 1 + next() % 4;
        let lines: Vec<String> = (0..count)
            .map(|_| {
                let random = next();
                let len = (random % 9) as usize;
                let text: String = (0..len)
                    .map(|i| alphabet[((random >> (i * 6)) % alphabet.len() as u64) as usize])
                    .collect();
                match (random >> 58) % 4 {
                    0 if count > 1 => String::new(),
                    1 => format!("{}. {text}", random % 12),
                    _ => text,
                }
            })
            .collect();
        let src = lines.join("\n");
        for src in [src.clone(), format!("{src}\n")] {
            if let Some(rich) = parse::bare(&src) {
                skipped += 1;
                assert_eq!(rich, parse::markdown(&src), "{src:?}");
            }
        }
    }
    assert!(skipped > 1_000, "only {skipped} texts took the short way");
}

#[test]
fn shortcodes_go_in_one_pass() {
    assert_eq!(
        strip_shortcodes("a {{< x >}}b{{% y %}} {c} <d> <!-- e -->f"),
        "a b {c} <d> f"
    );
    assert_eq!(strip_shortcodes("a {{< open"), "a ");
}

#[test]
fn nested_lists_keep_their_items_and_numbers() {
    let rich = Rich::from_lines(&["1. a", "", "2. b", "3.", "3. 1. c", "   2. d", "", "4. e"]);
    // The empty item 3 is dropped and takes no number; the next one shows
    // bare above its nested list.
    assert_eq!(rich.plain(), "1. a\n2. b\n3.\n  1. c\n  2. d\n4. e");
}

#[test]
fn a_dropped_image_between_wrapped_lines_leaves_one_join() {
    let rich = Rich::from_lines(&[
        "一段 *详解*",
        "![](images/4.jpg)",
        "锁元",
        "*and* ![x](y.png)",
        "more",
    ]);
    assert_eq!(rich.plain(), "一段 详解锁元 and more");
}

#[test]
fn relative_links_resolve_only_against_a_base() {
    let base: url::Url = "https://example.org/event/meetup/".parse().unwrap();
    let read = |src: &str, base: Option<&url::Url>| {
        super::with_base(base, || Rich::inline(src))
            .links()
            .iter()
            .map(|l| l.to_string())
            .collect::<Vec<_>>()
    };
    let src = "[a](/talks/x/) [b](../slides.pdf) [c](slides.pdf) [d](https://x.org/) \
               [e](javascript:alert(1)) [f](data:text/html,x) [g](//cdn.example.org/v.mp4)";
    assert_eq!(
        read(src, Some(&base)),
        [
            "https://example.org/talks/x/",
            "https://example.org/event/slides.pdf",
            "https://example.org/event/meetup/slides.pdf",
            "https://x.org/",
            "https://cdn.example.org/v.mp4",
        ]
    );
    assert_eq!(read(src, None), ["https://x.org/"]);
    // Outside `with_base` again, nothing is resolved.
    assert_eq!(Rich::inline("[a](/talks/x/)").links(), Vec::<&str>::new());
    assert_eq!(Rich::inline("[a](/talks/x/)").plain(), "a");
}

#[test]
fn a_tab_in_a_scheme_is_not_stripped_into_a_link() {
    let base: url::Url = "https://example.org/".parse().unwrap();
    assert_eq!(
        super::resolve_url("java\tscript:alert(1)", Some(&base)),
        None
    );
    assert_eq!(super::resolve_url("/a b", Some(&base)), None);
    assert_eq!(
        super::resolve_url("/a", Some(&base)).as_deref(),
        Some("https://example.org/a")
    );
}
