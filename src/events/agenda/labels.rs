//! The labels organizers put before a talk's parts: `讲师：`, `**演讲概要**`,
//! `Speaker:`. A label names the field its value fills; the value may start
//! on the label's line or in the paragraphs below it.

use std::borrow::Cow;

/// What a label's value fills in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Speaker,
    Company,
    Bio,
    Abstract,
    Takeaways,
    Time,
    Title,
}

const LABELS: &[(Field, &[&str])] = &[
    (
        Field::Speaker,
        &[
            "讲师",
            "主讲人",
            "主讲",
            "嘉宾",
            "演讲嘉宾",
            "分享嘉宾",
            "分享人",
            "演讲者",
            "讲者",
            "演讲人",
            "主持人",
            "主持",
            "speaker",
            "speakers",
            "presenter",
            "presenters",
            "moderator",
            "host",
        ],
    ),
    (
        Field::Company,
        &[
            "公司",
            "单位",
            "所在公司",
            "company",
            "affiliation",
            "organization",
            "organisation",
        ],
    ),
    (
        Field::Bio,
        &[
            "讲师介绍",
            "嘉宾介绍",
            "个人介绍",
            "讲师简介",
            "嘉宾简介",
            "个人简介",
            "讲者介绍",
            "讲者简介",
            "讲者信息",
            "嘉宾信息",
            "讲师信息",
            "bio",
            "about the speaker",
            "speaker bio",
        ],
    ),
    (
        Field::Abstract,
        &[
            "演讲概要",
            "议题简介",
            "内容简介",
            "演讲简介",
            "议题大纲",
            "议题介绍",
            "演讲大纲",
            "话题简介",
            "议题概要",
            "内容概要",
            "大纲",
            "概要",
            "摘要",
            "topic 摘要",
            "abstract",
            "summary",
            "description",
        ],
    ),
    (
        Field::Takeaways,
        &["听众收益", "收益", "takeaways", "takeaway"],
    ),
    (Field::Time, &["时间", "time"]),
    (
        Field::Title,
        &["议题", "主题", "题目", "话题", "topic", "title"],
    ),
];

/// A label at the start of a line, and the value after it (possibly empty).
/// Accepts `讲师：x`, `Speaker: x`, `**讲师**：x`, `**讲师：** x`, and a bold
/// label alone on its line (`**演讲概要**`).
pub fn label(line: &str) -> Option<(Field, &str)> {
    let line = line.trim();
    // Bold is `**…**` or `__…__`.
    let marker = if line.starts_with("__") { "__" } else { "**" };
    if let Some(inner) = line.strip_prefix(marker) {
        if let Some(end) = inner.find(marker) {
            let (bold, after) = (&inner[..end], &inner[end + 2..]);
            let after = after.trim_start();
            // `**讲师：** value`
            if let Some(name) = bold.trim().strip_suffix(['：', ':']) {
                return field(name).map(|f| (f, after));
            }
            // `**讲师**：value` or `**演讲概要**` alone
            if let Some(value) = after.strip_prefix(['：', ':']) {
                return field(bold).map(|f| (f, value.trim()));
            }
            if after.is_empty() {
                // `**Talk: Small models, big wins**`: label and value in bold.
                return field(bold)
                    .map(|f| (f, ""))
                    .or_else(|| label(bold).filter(|(_, value)| !value.is_empty()));
            }
            return None;
        }
    }
    let at = line.find(['：', ':'])?;
    let name = &line[..at];
    let separator = line[at..].chars().next().expect("found a separator");
    field(name).map(|f| (f, line[at + separator.len_utf8()..].trim()))
}

/// `Recap: our first meetup`, `第三期活动回顾`: a page written after the
/// event, about it.
pub fn is_recap(title: &str) -> bool {
    let lower = lowercase(title);
    has_word(&lower, &["recap", "wrapup", "retrospective", "recapped"])
        || lower.contains("wrap-up")
        || ["回顾", "复盘", "纪要", "实录"]
            .iter()
            .any(|w| lower.contains(w))
}

/// `议题一：Kotlin 协程`, `主题：…`, `Topic 2: …`: the title after a title
/// label, numbered or not. Not `Session 1: …` nor `Talk 1: …`, which name
/// the item as the page's own title does.
pub fn after_title_label(text: &str) -> Option<&str> {
    let (name, value) = text.split_once(['：', ':'])?;
    let name = lowercase(name.trim());
    let name =
        name.trim_end_matches(|c: char| c.is_ascii_digit() || "一二三四五六七八九十".contains(c));
    let value = value.trim();
    let titles = LABELS.iter().find(|(field, _)| *field == Field::Title);
    let labelled = titles.is_some_and(|(_, names)| names.contains(&name.trim()));
    (labelled && !value.is_empty()).then_some(value)
}

/// `Talk starts`, `Presentation`, `主题分享`: a programme line that only says
/// a talk happens then, not which.
pub fn is_talk_slot(text: &str) -> bool {
    let lower = lowercase(text.trim());
    let words: Vec<&str> = lower
        .split(|c: char| !c.is_alphanumeric() && !super::people::is_han(c))
        .filter(|w| {
            !w.is_empty() && !["starts", "start", "begins", "begin", "the", "main"].contains(w)
        })
        .collect();
    matches!(
        words.as_slice(),
        ["talk"
            | "talks"
            | "presentation"
            | "lecture"
            | "演讲"
            | "分享"
            | "讲座"
            | "主题分享"
            | "主题演讲"]
    )
}

/// Names of labels that give the event's practical details.
const DETAILS: &[&str] = &[
    "地点",
    "地址",
    "场地",
    "会场",
    "时间",
    "日期",
    "报名",
    "费用",
    "门票",
    "联系",
    "交通",
    "venue",
    "location",
    "address",
    "where",
    "when",
    "date",
    "time",
    "registration",
    "register",
    "fee",
    "price",
    "tickets",
    "contact",
    "directions",
    "parking",
];

/// `地点：北京嘉里大酒店`, `Time: 2019-11-06 14:30-17:00`: a list item that is
/// one practical detail of the event, not an agenda item.
pub fn is_detail(line: &str) -> bool {
    let line = super::people::plain(line);
    let Some(at) = line.find(['：', ':']) else {
        return false;
    };
    let name = lowercase(line[..at].trim());
    DETAILS.contains(&name.as_ref())
}

fn field(name: &str) -> Option<Field> {
    let name = lowercase(name.trim());
    LABELS
        .iter()
        .find(|(_, names)| names.contains(&name.as_ref()))
        .map(|(field, _)| *field)
        .or_else(|| compound(&name))
}

/// Labels compose: `课程讲师`, `主讲及简介`, `分享者`, `日期/时间`,
/// `Session title`, `Instructor`. A short label is read by the roots it
/// holds, the person before the thing about them (`讲师简介` is a bio).
fn compound(name: &str) -> Option<Field> {
    let short = name.chars().count() <= 12 && name.split_whitespace().count() <= 3;
    let worded = name
        .chars()
        .all(|c| c.is_alphanumeric() || matches!(c, ' ' | '/' | '-' | '&'));
    if !short || !worded {
        return None;
    }
    let has = |roots: &[&str]| roots.iter().any(|root| name.contains(root));
    let person = has(&[
        "讲师",
        "主讲",
        "嘉宾",
        "分享者",
        "分享人",
        "讲者",
        "演讲者",
        "主持",
        "speaker",
        "presenter",
        "instructor",
        "lecturer",
        "moderator",
        "chair",
        "host",
    ]);
    let about = has(&["简介", "介绍", "bio", "about"]);
    if person && about && !name.contains('及') {
        return Some(Field::Bio);
    }
    if person {
        return Some(Field::Speaker);
    }
    if has(&["时间", "日期", "time", "when", "date"]) {
        return Some(Field::Time);
    }
    if has(&[
        "主题", "议题", "题目", "话题", "topic", "title", "session", "talk",
    ]) {
        return Some(Field::Title);
    }
    if has(&[
        "公司",
        "单位",
        "机构",
        "company",
        "affiliation",
        "organi",
        "institution",
    ]) {
        return Some(Field::Company);
    }
    if has(&[
        "概要",
        "摘要",
        "简介",
        "大纲",
        "abstract",
        "outline",
        "description",
    ]) {
        return Some(Field::Abstract);
    }
    None
}

/// Column headers of an agenda table.
pub fn column(header: &str) -> Option<Field> {
    let header = lowercase(header.trim().trim_matches('*').trim());
    let by_name = field(&header);
    if by_name.is_some() {
        return by_name;
    }
    // `Track A`, `Room 101`, `分会场一`: one of parallel tracks, each cell a
    // session's title.
    let first_word = header.split_whitespace().next().unwrap_or_default();
    let track = ["track", "room", "hall", "stage"].contains(&first_word) || header.contains("会场");
    match header.as_ref() {
        "talk" | "session" | "演讲" | "演讲主题" | "议题名称" => Some(Field::Title),
        "time slot" | "时段" | "日程" => Some(Field::Time),
        _ if track => Some(Field::Title),
        _ => None,
    }
}

/// A heading or bold line that introduces the list of speakers rather than
/// a talk: `**嘉宾及讲师介绍**`, `Confirmed Speakers`, `Instructors`.
/// A heading for the speakers, the abstracts or the programme.
pub fn opens_section(text: &str) -> bool {
    is_roster_heading(text) || is_abstracts_heading(text) || is_agenda_heading(text)
}

pub fn is_roster_heading(text: &str) -> bool {
    let lower = lowercase(text);
    let english = [
        "speakers",
        "instructors",
        "keynote speakers",
        "presenters",
        "lecturers",
    ]
    .iter()
    .any(|w| lower.trim_end_matches(':').ends_with(w));
    let people = [
        "嘉宾",
        "讲师",
        "分享人",
        "分享者",
        "讲者",
        "主讲人",
        "演讲者",
    ];
    let chinese = people.iter().any(|who| lower.contains(who))
        && (lower.contains("介绍") || lower.contains("简介"))
        && !lower.contains("话题");
    english || chinese
}

/// A heading over the whole programme (`## 讲师与演讲话题`, `# Schedule`):
/// it groups talks, it is not one.
pub fn is_agenda_heading(text: &str) -> bool {
    let lower = lowercase(text);
    let lower = lower.trim_end_matches([':', '：']).trim();
    const WORDS: &[&str] = &[
        "话题",
        "议题",
        "议程",
        "日程",
        "讲师分享",
        "讲师与演讲话题",
        "演讲话题",
        "演讲嘉宾与话题",
        "schedule",
        "programme",
        "program",
        "agenda",
        "talks",
        "sessions",
        "draft programme",
        "line-up",
        "lineup",
        "the line-up",
    ];
    let short = lower.chars().count() <= 12 && lower.split_whitespace().count() <= 4;
    let compound = ["议程", "日程", "agenda", "schedule", "programme", "program"]
        .iter()
        .any(|root| lower.contains(root));
    WORDS.contains(&lower) || short && compound
}

/// A heading over talks' abstracts (`### Abstracts:`): what follows adds to
/// the talks already listed.
pub fn is_abstracts_heading(text: &str) -> bool {
    let lower = lowercase(text);
    matches!(
        lower.trim_end_matches([':', '：']).trim(),
        "abstracts" | "abstract" | "talk abstracts" | "摘要" | "议题介绍" | "议题简介"
    )
}

/// `Day 2`, `第二天`: the day of a multi-day event that follows.
pub fn day_heading(text: &str) -> Option<i64> {
    let lower = lowercase(text.trim());
    if let Some(rest) = lower.strip_prefix("day") {
        let rest = rest.trim_start();
        let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
        let after = rest[digits.len()..].trim_start();
        let ends = after.is_empty() || after.starts_with(|c: char| !c.is_alphanumeric());
        return ends
            .then(|| digits.parse::<i64>().ok().map(|n| n - 1))
            .flatten();
    }
    let inner = lower.strip_prefix('第')?.strip_suffix('天')?;
    let numerals = ["一", "二", "三", "四", "五", "六", "七"];
    numerals
        .iter()
        .position(|n| *n == inner)
        .map(|i| i as i64)
        .or_else(|| inner.parse::<i64>().ok().map(|n| n - 1))
}

/// A pause in the day: coffee, lunch, a group photo. Strict enough for
/// headings, where `### Registration` is usually prose about registering.
/// A short heading naming a weekday or a date (`Monday (Nov. 23rd 2020)`,
/// `7月4日 周六`): the programme below is another day's.
pub fn names_a_day(text: &str) -> bool {
    let lower = lowercase(text);
    if lower.chars().count() > 60 {
        return false;
    }
    const WEEKDAYS: &[&str] = &[
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
    ];
    let weekday = has_word(&lower, WEEKDAYS)
        || ["周", "星期"].iter().any(|p| {
            lower.match_indices(p).any(|(at, _)| {
                lower[at + p.len()..].starts_with(|c| "一二三四五六日天".contains(c))
            })
        });
    let cjk_date = lower.contains('月') && lower.contains(['日', '号']);
    weekday || cjk_date
}

/// `Talks session A (chair: …)`, `分会场一`: a line that heads the talks under
/// it rather than being one.
pub fn is_session(text: &str) -> bool {
    let lower = lowercase(text);
    has_word(&lower, &["session", "sessions", "track", "chair"])
        && !is_pause(text)
        && !has_word(&lower, &["poster", "posters", "demos"])
        || ["分会场", "专场", "分论坛"]
            .iter()
            .any(|w| lower.contains(w))
}

pub fn is_pause(text: &str) -> bool {
    let lower = lowercase(text);
    const CJK: &[&str] = &[
        "合影",
        "休息",
        "茶歇",
        "签到",
        "午餐",
        "午休",
        "签售",
        "自由交流",
        "抽奖",
        "晚餐",
    ];
    if CJK.iter().any(|w| lower.contains(w)) {
        return lower.chars().count() <= 24;
    }
    has_word(
        &lower,
        &[
            "coffee",
            "tea",
            "lunch",
            "break",
            "dinner",
            "reception",
            "breakfast",
            "food",
            "drinks",
            "pizza",
            "snacks",
            "beer",
            "beers",
            "refreshments",
        ],
    )
}

/// A programme line that is not a talk: a pause, or the running of the day
/// (registration, a session's opening line, a panel, the lab tours).
pub fn is_break(text: &str) -> bool {
    const WORDS: &[&str] = &[
        "registration",
        "opens",
        "posters",
        "depart",
        "departure",
        "networking",
        "session",
        "chair",
        "tours",
        "demos",
        "discussion",
        "panel",
        "closing",
        "doors",
        "finish",
        "introductions",
        "wrap",
        "welcome",
        "raffle",
        "hangout",
        "check-in",
        "gathering",
    ];
    const CJK: &[&str] = &[
        "开场", "讨论", "复盘", "入场", "问答", "提问", "致辞", "闭幕",
    ];
    let lower = lowercase(text);
    is_pause(text)
        || has_word(&lower, WORDS)
        || lower.contains("q&a")
        || CJK.iter().any(|w| lower.contains(w)) && lower.chars().count() <= 24
}

/// `圆桌讨论：Go 的未来`, `Panel: The next ten years of Linux`: a panel
/// with a title of its own is a session someone gives, not a pause, even
/// with nobody named.
pub fn is_titled_panel(text: &str) -> bool {
    const PANELS: &[&str] = &[
        "圆桌",
        "panel",
        "roundtable",
        "round table",
        "fireside chat",
    ];
    let lower = lowercase(text);
    let Some(at) = lower.find(['：', ':']).or_else(|| lower.find(" - ")) else {
        return false;
    };
    let (head, title) = (
        &lower[..at],
        lower[at..].trim_start_matches(['：', ':', ' ', '-']),
    );
    PANELS.iter().any(|w| head.contains(w))
        && head.chars().count() <= 20
        && title.chars().filter(|c| c.is_alphanumeric()).count() >= 2
        && !is_pause(title)
}

/// `text` lowercased, borrowed when lowercasing changes nothing: most
/// headings and labels are Chinese or already lowercase, and the checks
/// below lowercase every heading and line several times over. Text of
/// ASCII and caseless characters only (`TiDB 源码解读`) takes the ASCII
/// lowercasing, which is then the same; any other takes Unicode's.
pub fn lowercase(text: &str) -> Cow<'_, str> {
    if !text.chars().all(|c| c.is_ascii() || has_no_case(c)) {
        Cow::Owned(text.to_lowercase())
    } else if text.bytes().any(|b| b.is_ascii_uppercase()) {
        Cow::Owned(text.to_ascii_lowercase())
    } else {
        Cow::Borrowed(text)
    }
}

/// Characters outside ASCII that are their own lowercase: general
/// punctuation, the CJK blocks, and the full-width forms other than
/// capitals. (Not all such characters: a quick check, not Unicode's.)
fn has_no_case(c: char) -> bool {
    match c {
        '\u{2000}'..='\u{206f}' | '\u{3000}'..='\u{9fff}' => true,
        '\u{ff00}'..='\u{ffef}' => !('Ａ'..='Ｚ').contains(&c),
        _ => false,
    }
}

fn has_word(lower: &str, words: &[&str]) -> bool {
    lower
        .split(|c: char| !c.is_alphanumeric())
        .any(|word| words.contains(&word))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn label_forms() {
        assert_eq!(label("讲师：周强"), Some((Field::Speaker, "周强")));
        assert_eq!(label("主讲人：贾岛 "), Some((Field::Speaker, "贾岛")));
        assert_eq!(label("**讲师**：周强"), Some((Field::Speaker, "周强")));
        assert_eq!(label("**讲师：** 周强"), Some((Field::Speaker, "周强")));
        assert_eq!(label("__Title:__ A model"), Some((Field::Title, "A model")));
        assert_eq!(label("**演讲概要**"), Some((Field::Abstract, "")));
        assert_eq!(label("演讲概要："), Some((Field::Abstract, "")));
        assert_eq!(label("Topic 摘要：随着"), Some((Field::Abstract, "随着")));
        assert_eq!(label("Speaker: Jane"), Some((Field::Speaker, "Jane")));
        assert_eq!(label("听众收益："), Some((Field::Takeaways, "")));
        assert_eq!(label("个人简介：张亮"), Some((Field::Bio, "张亮")));
        assert_eq!(label("PPT：见 GitHub"), None);
        assert_eq!(label("张晓辉："), None);
        assert_eq!(label("**张亮（京东）：Service Mesh**"), None);
    }

    #[test]
    fn lowercase_is_unicode_lowercasing() {
        for text in [
            "TiDB 在PingCAP的落地实践",
            "讲师：周强",
            "Async tokio — Jane Doe (Acme)",
            "ＡＢＣ：（ｘ）",
            "ΟΔΟΣ",
            "İstanbul",
            "\u{212a}eynote",
            "Ⅻ Ⓐ ǅ",
        ] {
            assert_eq!(lowercase(text), text.to_lowercase(), "{text}");
        }
    }

    #[test]
    fn headings() {
        assert!(is_roster_heading("嘉宾及讲师介绍"));
        assert!(is_roster_heading("Confirmed Speakers"));
        assert!(is_roster_heading("Instructors"));
        assert!(is_roster_heading("分享人简介"));
        assert!(!is_roster_heading("讲师与演讲话题"));
        assert!(is_agenda_heading("讲师与演讲话题"));
        assert!(is_agenda_heading("Schedule"));
        assert!(!is_agenda_heading("开场致辞"));
        assert!(is_abstracts_heading("Abstracts:"));
        assert_eq!(day_heading("Day 2"), Some(1));
        assert_eq!(day_heading("第二天"), Some(1));
        assert_eq!(day_heading("Dayton talk"), None);
    }

    #[test]
    fn pauses_are_stricter_than_breaks() {
        assert!(is_pause("合影、中场休息、签售"));
        assert!(!is_pause(
            "Registration for online and in-person attendance"
        ));
        assert!(!is_pause("Session 1: Introduction to Graphical Models"));
        assert!(is_break("Session 1: Introduction to Graphical Models"));
    }

    #[test]
    fn breaks() {
        for text in [
            "合影、中场休息、签售",
            "Coffee.",
            "Lunch Break",
            "Room opens.",
            "Talks session A (chair: Tina)",
            "Depart",
        ] {
            assert!(is_break(text), "{text}");
        }
        for text in [
            "使用 Chaos Mesh 来保障云原生系统的健壮性",
            "Truth up to definability",
            "Breaking changes in Rust",
        ] {
            assert!(!is_break(text), "{text}");
        }
    }
}
