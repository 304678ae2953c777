//! Who speaks: names as pages write them. `周强（PingCAP）` carries a company,
//! `赵新（于雨）` a nickname; `汪晟杰，黄金浩` is two people, while
//! `宋净超，ServiceMesher 社区联合创始人` is one person and what they do.

use crate::events::model::Speaker;

use super::organisation;
use crate::events::rich::{has_markup, is_cjk, Rich};

/// Speakers in a value such as `鲁直、涵畅、张超盟` or
/// `Raghav Somani, UW CSE, and Raghav Tripathi, UW Math`. A part that is
/// not a name describes the speaker before it.
pub fn speakers(value: &str) -> Vec<Speaker> {
    let value = plain(value);
    let mut out: Vec<Speaker> = Vec::new();
    for (group_index, group) in split_top(&value, &[", and ", " and ", " & ", "&", "/", "／"])
        .into_iter()
        .enumerate()
    {
        // `UW Aeronautics and Astronautics`: an `and` inside an affiliation.
        // `张三 / 阿里云`: after a slash, Han characters with no surname are
        // where the person before works.
        let first = first_part(group);
        let slashed = value[..offset(&value, group)]
            .trim_end()
            .ends_with(['/', '／']);
        let employer = slashed && is_cjk_name(first) && !is_person(first, &[]);
        if group_index > 0 && (!is_strong_name(first) || employer) {
            if let Some(last) = out.last_mut() {
                let group = group.trim();
                let organisation = organisation::has_role(group)
                    .then(|| organisation::of_description(group))
                    .flatten();
                append_company(last, organisation.as_deref().unwrap_or(group), " and ");
                continue;
            }
        }
        // A line break (`<br>` in a table cell) parts people as `、` does.
        let parts = split_top(group, &["、", "，", ",", "；", ";", "\n"]);
        let mut company_from: Option<usize> = None;
        for (index, part) in parts.iter().enumerate() {
            let trimmed = part.trim();
            if trimmed.is_empty() {
                continue;
            }
            // `王五，PingCAP`, `Rita Costa, Google`: one Latin word after a
            // whole name is where they work (a list of people is written
            // with `、`, and its names are whole too).
            let employer = index > 0
                && !trimmed.contains(char::is_whitespace)
                && trimmed.starts_with(|c: char| c.is_ascii_alphabetic())
                && !group[..offset(group, part)].trim_end().ends_with('、')
                && out
                    .last()
                    .is_some_and(|l| is_strong_name(&l.name) && l.company.is_none());
            // `简海青，视源股份，运维负责人`: a part followed by a job is where
            // the job is held, whatever it looks like.
            let before_job = index > 0
                && !group[..offset(group, part)].trim_end().ends_with('、')
                && parts.get(index + 1).is_some_and(|next| {
                    let next = next.trim();
                    organisation::has_role(next) && !looks_like_name(next)
                });
            match out.last_mut() {
                Some(last)
                    if index > 0
                        && (employer
                            || before_job
                            || !looks_like_name(trimmed)
                            || organisation::has_role(trimmed)
                            || organisation::has_suffix(trimmed)) =>
                {
                    // What a person does runs to the next name, separators
                    // kept; the company is the organisation it names.
                    let from = *company_from.get_or_insert(offset(group, part));
                    let to = offset(group, part) + part.len();
                    let description = group[from..to].trim();
                    last.company = organisation::of_description(description).or_else(|| {
                        (!organisation::has_role(description)).then(|| description.to_string())
                    });
                }
                _ => {
                    company_from = None;
                    out.extend(split_on_he(trimmed).into_iter().map(speaker));
                }
            }
        }
    }
    out.retain(|speaker| !is_placeholder(&speaker.name));
    out
}

/// `TBA`, `待定`, `everyone`: a speaker's place held, nobody named.
pub fn is_placeholder(name: &str) -> bool {
    const PLACEHOLDERS: &[&str] = &[
        "tba",
        "tbd",
        "tbc",
        "n/a",
        "na",
        "-",
        "?",
        "everyone",
        "all",
        "you",
        "待定",
        "待公布",
        "待确认",
    ];
    let name = name.trim().trim_end_matches(['.', '。']).to_lowercase();
    PLACEHOLDERS.contains(&name.as_str())
}

/// Where `part`, a slice of `whole`, begins in it.
pub(super) fn offset(whole: &str, part: &str) -> usize {
    part.as_ptr() as usize - whole.as_ptr() as usize
}

/// The first of several comma-separated parts, parentheses kept whole.
pub fn first_part(group: &str) -> &str {
    split_top(group, &["、", "，", ","])[0].trim()
}

/// A name beyond doubt: Chinese, or at least two capitalised Latin words.
pub fn is_strong_name(text: &str) -> bool {
    let bare = parenthesised(text).map_or(text, |(name, _)| name).trim();
    is_cjk_name(bare) || (is_latin_name(bare) && bare.split_whitespace().count() >= 2)
}

/// `张伟，Alice`: one Latin word after a Chinese name reads as where they
/// work, but one of the page's own authors is a person: they are two.
pub fn with_authors(people: Vec<Speaker>, authors: &[String]) -> Vec<Speaker> {
    let mut out = Vec::with_capacity(people.len());
    for mut person in people {
        let author = person
            .company
            .take_if(|company| authors.iter().any(|a| a == company));
        out.push(person);
        out.extend(author.map(|name| speaker(&name)));
    }
    out
}

/// One person, with what parentheses after the name hold.
pub fn speaker(text: &str) -> Speaker {
    let text = plain(text);
    let text = text.trim();
    if let Some((name, organisation)) = at_organisation(text) {
        let mut speaker = speaker(name);
        speaker.company = speaker.company.or(Some(organisation.to_string()));
        return speaker;
    }
    let Some((name, inside)) = parenthesised(text) else {
        if let Some((name, description)) = name_then_description(text) {
            let mut speaker = speaker(name);
            speaker.company = speaker
                .company
                .or_else(|| organisation::of_description(description));
            return speaker;
        }
        return Speaker {
            name: text.to_string(),
            ..Speaker::default()
        };
    };
    let mut speaker = Speaker {
        name: name.to_string(),
        ..Speaker::default()
    };
    if let Some(alias) = inside
        .strip_prefix("花名")
        .map(|a| a.trim_start_matches(['：', ':', ' ']))
    {
        speaker.alias = Some(alias.to_string());
    } else if is_nickname(name, inside) || inside.starts_with('@') {
        speaker.alias = Some(inside.to_string());
    } else if organisation::has_role(inside) {
        // `（Tetrate 布道师、云原生社区创始人）`: the organisation, not the job.
        speaker.company = organisation::of_description(inside);
    } else {
        speaker.company = Some(inside.to_string());
    }
    speaker
}

/// `李雷 @ 七牛云`, `Jane Doe@Acme`: a name, then where they work. Not an
/// address (`jane@example.org`) nor a handle (`@jane`, `王渊命(@jolestar)`).
fn at_organisation(text: &str) -> Option<(&str, &str)> {
    let (name, organisation) = text.split_once('@')?;
    let (name, organisation) = (name.trim(), organisation.trim());
    let address = !text.contains(" @") && organisation.contains('.');
    let one = !organisation.is_empty() && !organisation.contains('@') && !address;
    (one && looks_like_name(name)).then_some((name, organisation))
}

/// `name（inside）` or `name (inside)`, with mixed full- and half-width marks.
pub fn parenthesised(text: &str) -> Option<(&str, &str)> {
    let text = text.trim();
    let inner = text.strip_suffix(')').or_else(|| text.strip_suffix('）'))?;
    let open = top_open(inner)?;
    let name = inner[..open].trim();
    let inside = inner[open..].trim_start_matches(['(', '（']).trim();
    (!name.is_empty() && !inside.is_empty()).then_some((name, inside))
}

/// `邓启明 Westar实验室 技术专家`, `王渊命(@jolestar) Westar实验室 首席架构师`,
/// `Ted Yin 康奈尔大学博士`: a name, a space, and what the person is. Only
/// a description that names a role or an organisation splits the text.
fn name_then_description(text: &str) -> Option<(&str, &str)> {
    let at = match text.find(char::is_whitespace) {
        Some(at) if is_cjk_name(bare_name(&text[..at])) => at,
        _ => text
            .char_indices()
            .find(|&(_, c)| is_han(c))
            .map(|(at, _)| at)
            .filter(|&at| at > 0 && is_latin_name(text[..at].trim()))?,
    };
    let (name, description) = (text[..at].trim(), text[at..].trim());
    (organisation::has_role(description) || organisation::of_description(description).is_some())
        .then_some((name, description))
}

/// A name without a handle or nickname after it (`王渊命(@jolestar)`).
fn bare_name(text: &str) -> &str {
    parenthesised(text).map_or(text, |(name, _)| name)
}

/// What follows a parenthesis opening `text` (` (Felix Yan)：…` → `：…`).
pub fn parenthesised_prefix(text: &str) -> Option<&str> {
    let trimmed = text.trim_start();
    let close = match trimmed.chars().next()? {
        '(' => ')',
        '（' => '）',
        _ => return None,
    };
    let end = trimmed.find(close)?;
    Some(&trimmed[end + close.len_utf8()..])
}

/// The opening parenthesis matching the final closing one.
fn top_open(inner: &str) -> Option<usize> {
    let mut depth = 0usize;
    for (at, c) in inner.char_indices().rev() {
        match c {
            ')' | '）' => depth += 1,
            '(' | '（' if depth == 0 => return Some(at),
            '(' | '（' => depth -= 1,
            _ => {}
        }
    }
    None
}

/// A nickname is a short Chinese word after a Chinese name (`于雨`, `卓与`,
/// `涵畅`); a company is anything longer, Latin, or a known short company.
fn is_nickname(name: &str, inside: &str) -> bool {
    let count = inside.chars().count();
    is_cjk_name(name)
        && (2..=3).contains(&count)
        && inside.chars().all(is_han)
        && !SHORT_COMPANIES.contains(&inside)
        && !COMPANY_MARKS.iter().any(|mark| inside.ends_with(mark))
}

const SHORT_COMPANIES: &[&str] = &[
    "华为",
    "网易",
    "百度",
    "腾讯",
    "阿里",
    "京东",
    "美团",
    "字节",
    "小米",
    "滴滴",
    "快手",
    "蚂蚁",
    "携程",
    "新浪",
    "搜狐",
    "联想",
    "中兴",
    "浪潮",
    "七牛",
    "青云",
    "谐云",
    "有赞",
    "知乎",
    "微博",
    "爱奇艺",
    "唯品会",
    "拼多多",
    "微软",
    "谷歌",
    "亚马逊",
    "英特尔",
    "阿里云",
    "腾讯云",
    "华为云",
    "百度云",
    "京东云",
    "金山云",
    "虎牙",
    "斗鱼",
    "陌陌",
    "饿了么",
    "招行",
    "平安",
    "中信",
];

const COMPANY_MARKS: &[&str] = &[
    "科技",
    "集团",
    "公司",
    "银行",
    "大学",
    "学院",
    "研究院",
    "实验室",
    "社区",
    "云",
    "网",
];

/// Does this read as a person's name rather than a title or a description?
pub fn looks_like_name(text: &str) -> bool {
    let text = text.trim();
    let bare = parenthesised(text).map_or(text, |(name, _)| name);
    is_cjk_name(bare) || is_latin_name(bare)
}

/// A name where free text might hold anything (`活动介绍：<link>` is not a
/// talk by 活动介绍): a Chinese name must be one of the page's `authors` or
/// start with a common surname; a Latin name must read as one.
pub fn is_person(text: &str, authors: &[String]) -> bool {
    let text = text.trim();
    let bare = parenthesised(text).map_or(text, |(name, _)| name);
    if authors.iter().any(|author| author == bare) {
        return true;
    }
    if is_cjk_name(bare) {
        return bare.chars().next().is_some_and(|c| SURNAMES.contains(c));
    }
    is_strong_name(bare)
}

const SURNAMES: &str = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝粟宣朵慕蔺诸扈郦雍郗璩桓濮冀郏阎茹宦庾暨匡禄阙殳沃蔚夔厍晁訾阚乜鞠蒯竺逯鄢缑亢郈谯笪";

/// Two to four Han characters, or a transliterated name with `·`.
pub fn is_cjk_name(text: &str) -> bool {
    let count = text.chars().filter(|&c| c != '·').count();
    (2..=4).contains(&count) && text.chars().all(|c| is_han(c) || c == '·')
        || (5..=12).contains(&count)
            && text.contains('·')
            && text.chars().all(|c| is_han(c) || c == '·')
}

/// `Jane Doe`, `Paul Égré`, `J.L. Austin`, `Anelda van der Walt`: capitalised
/// words (with the usual particles), no acronyms, no institution words.
pub fn is_latin_name(text: &str) -> bool {
    let words: Vec<&str> = text.split_whitespace().collect();
    if words.is_empty() || words.len() > 5 || text.chars().count() > 40 {
        return false;
    }
    let capitalised = words.iter().filter(|w| is_capitalised(w)).count();
    capitalised >= 1
        && words
            .iter()
            .all(|w| is_capitalised(w) || PARTICLES.contains(w))
        && !words.iter().any(|w| INSTITUTION_WORDS.contains(w))
}

fn is_capitalised(word: &str) -> bool {
    let mut chars = word.chars();
    let first = chars.next();
    let rest: String = chars.collect();
    first.is_some_and(char::is_uppercase)
        && rest.chars().any(char::is_lowercase)
        && word
            .chars()
            .all(|c| c.is_alphabetic() || matches!(c, '-' | '\'' | '’' | '.'))
        || is_initials(word)
}

/// `J.L.` or `J.`
fn is_initials(word: &str) -> bool {
    word.ends_with('.')
        && word
            .split('.')
            .filter(|p| !p.is_empty())
            .all(|p| p.chars().count() == 1 && p.chars().all(char::is_uppercase))
}

const PARTICLES: &[&str] = &[
    "van", "der", "de", "von", "da", "di", "du", "le", "la", "bin", "del",
];

const INSTITUTION_WORDS: &[&str] = &[
    "University",
    "Universität",
    "Université",
    "Università",
    "Institute",
    "College",
    "School",
    "Lab",
    "Laboratory",
    "Department",
    "Centre",
    "Center",
    "Inc",
    "Inc.",
    "Ltd",
    "Corp",
    "Company",
    "Foundation",
    "Group",
    "Team",
    "Hospital",
    "Research",
    "Welcome",
    "Opening",
    "Break",
    "Coffee",
    "Lunch",
    "Session",
    "Panel",
    "Keynote",
    "Registration",
    "Posters",
    "Demos",
    "Summit",
    "Symposium",
    "Conference",
    "Meetup",
    "Workshop",
    "Seminar",
    "Forum",
    "Hackathon",
    "Festival",
    "Track",
];

pub fn is_han(c: char) -> bool {
    is_cjk(c) && !matches!(c as u32, 0x3000..=0x303F | 0xFF00..=0xFFEF)
}

fn append_company(speaker: &mut Speaker, text: &str, joiner: &str) {
    speaker.company = Some(match speaker.company.take() {
        Some(company) => format!("{company}{joiner}{text}"),
        None => text.to_string(),
    });
}

/// `张三和李四`: split on 和 only when both sides are names.
fn split_on_he(part: &str) -> Vec<&str> {
    match part.split_once('和') {
        Some((left, right)) if is_cjk_name(left.trim()) && looks_like_name(right.trim()) => {
            vec![left.trim(), right.trim()]
        }
        _ => vec![part],
    }
}

/// Splits on any separator outside parentheses.
fn split_top<'a>(text: &'a str, separators: &[&str]) -> Vec<&'a str> {
    let mut parts = Vec::new();
    let mut depth = 0usize;
    let mut from = 0;
    let mut at = 0;
    while at < text.len() {
        let rest = &text[at..];
        let c = rest.chars().next().expect("at is inside text");
        match c {
            '(' | '（' | '[' => depth += 1,
            ')' | '）' | ']' => depth = depth.saturating_sub(1),
            _ => {}
        }
        // A separator is looked for only where one could begin: comparing
        // every separator at every character is most of what this costs.
        let may_begin = || {
            separators
                .iter()
                .any(|sep| sep.as_bytes().first() == rest.as_bytes().first())
        };
        if depth == 0 && may_begin() {
            if let Some(sep) = separators.iter().find(|sep| rest.starts_with(**sep)) {
                parts.push(&text[from..at]);
                at += sep.len();
                from = at;
                continue;
            }
        }
        at += c.len_utf8();
    }
    parts.push(&text[from..]);
    parts
}

/// Markdown emphasis and links reduced to their text: names are plain.
pub fn plain(text: &str) -> String {
    if !has_markup(text) {
        return text.trim().to_string();
    }
    Rich::inline(text).plain()
}

/// The last name-like part at the end of a title: `Title - 张三，李四`,
/// `Title，宣超`, `Title，唐博，谭崇康`. Returns the title and the speakers.
pub fn trailing_speakers(text: &str, authors: &[String]) -> Option<(String, Vec<Speaker>)> {
    let text = text.trim();
    for dash in [" —— ", " — ", " – ", " - ", "——"] {
        if let Some(at) = text.rfind(dash) {
            let (title, who) = (&text[..at], &text[at + dash.len()..]);
            let people = speakers(who);
            let all_people = people.iter().all(|s| is_person(&s.name, authors));
            if !title.trim().is_empty() && !people.is_empty() && all_people {
                return Some(described_before(title.trim(), people));
            }
        }
    }
    if let Some(found) = by_speakers(text)
        .or_else(|| book_title_first(text, authors))
        .or_else(|| parenthesised_speakers(text, authors))
        .or_else(|| from_speaker(text))
    {
        return Some(found);
    }
    let parts = split_top(text, &["，", ", ", "、"]);
    let names = parts
        .iter()
        .rev()
        .take_while(|part| is_person(part, authors) && !is_latin_name(part.trim()))
        .count();
    if names == 0 || names == parts.len() {
        return None;
    }
    let title_end = parts[parts.len() - names].as_ptr() as usize - text.as_ptr() as usize;
    let title = text[..title_end].trim_end_matches(['，', ',', ' ', '、']);
    let who = parts[parts.len() - names..]
        .iter()
        .map(|p| speaker(p))
        .collect();
    Some((title.to_string(), who))
}

/// `基于OVN的Kubernetes网络实践 灵雀云高级工程师——刘梦馨`: a title's last
/// word that holds a job describes the one speaker after it, and is not
/// part of the title.
fn described_before(title: &str, mut people: Vec<Speaker>) -> (String, Vec<Speaker>) {
    if let ([speaker], Some((head, last))) = (people.as_mut_slice(), title.rsplit_once(' ')) {
        let job = organisation::has_role(last) && last.chars().any(is_han);
        if job && !head.trim().is_empty() {
            if speaker.company.is_none() {
                speaker.company = organisation::of_description(last);
            }
            return (head.trim().to_string(), people);
        }
    }
    (title.to_string(), people)
}

/// `1、Title`, `2. Title`: the number a programme gives its items.
pub fn numbered(text: &str) -> &str {
    let rest = text.trim_start_matches(|c: char| c.is_ascii_digit());
    if rest.len() == text.len() {
        return text.trim();
    }
    match rest.strip_prefix(['、', '.', '．', ')', '）']) {
        Some(title) if !title.trim().is_empty() => title.trim(),
        _ => text.trim(),
    }
}

/// `第 82 期聊聊…`: the issue number of a series that titles its pages,
/// which is not part of the talk's title.
pub fn without_issue(title: &str) -> &str {
    let Some(rest) = title.trim().strip_prefix('第') else {
        return title.trim();
    };
    let rest = rest.trim_start();
    let digits = rest.trim_start_matches(|c: char| c.is_ascii_digit());
    if digits.len() == rest.len() {
        return title.trim();
    }
    match digits.trim_start().strip_prefix(['期', '场', '届', '次']) {
        Some(title) if !title.trim().is_empty() => title.trim(),
        _ => title.trim(),
    }
}

/// `Title by Jane Doe & 崔`: after an explicit `by`, short names count
/// even when they would not pass as names on their own (handles, one
/// character nicknames).
fn by_speakers(text: &str) -> Option<(String, Vec<Speaker>)> {
    let at = text.rfind(" by ").or_else(|| text.rfind(" By "))?;
    let (title, who) = (text[..at].trim(), text[at + 4..].trim());
    // `by @icy, (link TBA)`: after the first, a comma part goes on the list
    // only while it still looks like someone (capitalised, a handle, Han).
    let mut names: Vec<&str> = Vec::new();
    for (index, part) in split_top(who, &["，", ", "]).into_iter().enumerate() {
        let part = part.trim().trim_end_matches(['.', '。']);
        let someone = part.starts_with(|c: char| c.is_uppercase() || c == '@' || is_cjk(c));
        if index > 0 && !someone {
            break;
        }
        names.extend(split_top(part, &[" & ", "&", " and ", "、"]));
    }
    let people: Vec<Speaker> = names
        .into_iter()
        .filter(|part| !part.trim().is_empty())
        .map(speaker)
        .collect();
    let short = |s: &Speaker| {
        let words = s.name.split_whitespace().count();
        (1..=4).contains(&words) && s.name.chars().count() <= 40
    };
    (!title.is_empty() && !people.is_empty() && people.iter().all(short))
        .then(|| (quoted(title).unwrap_or(title).to_string(), people))
}

/// `Welcome message from Mark Shuttleworth`: a full name after `from` gives
/// the item; its title keeps the name, as the page wrote it.
fn from_speaker(text: &str) -> Option<(String, Vec<Speaker>)> {
    let at = text.rfind(" from ")?;
    let who = text[at + 6..].trim().trim_end_matches(['.', '。']);
    let full_name = is_latin_name(who) && who.split_whitespace().count() >= 2;
    (!text[..at].trim().is_empty() && full_name).then(|| (text.to_string(), vec![speaker(who)]))
}

/// `《Go 泛型实践》 李雷 @ 七牛云`: the title marks end the title, and
/// people after it are who gives it.
fn book_title_first(text: &str, authors: &[String]) -> Option<(String, Vec<Speaker>)> {
    let (title, rest) = text.strip_prefix('《')?.split_once('》')?;
    let who = rest.trim_start_matches([' ', '-', '—', '–', '：', ':', '|', '/', '，', ',']);
    let people = speakers(who);
    let all_people = people.iter().all(|s| is_person(&s.name, authors));
    (!title.trim().is_empty() && !people.is_empty() && all_people)
        .then(|| (title.trim().to_string(), people))
}

/// `"Niksi", a presentation`: the quoted part is the title.
fn quoted(text: &str) -> Option<&str> {
    let (open, close) = match text.chars().next()? {
        '"' => ('"', '"'),
        '“' => ('“', '”'),
        _ => return None,
    };
    let inner = &text[open.len_utf8()..];
    let end = inner.find(close)?;
    Some(inner[..end].trim()).filter(|title| !title.is_empty())
}

/// `Survival of The Fittest (Nur Rahman)`, `Title (Bokmi Han, Joowon Jung)`:
/// a closing parenthesis that holds only names.
fn parenthesised_speakers(text: &str, authors: &[String]) -> Option<(String, Vec<Speaker>)> {
    let (title, inside) = parenthesised(text)?;
    let people = speakers(inside);
    let all_people = people.iter().all(|s| {
        authors.contains(&s.name) || is_strong_name(&s.name) && is_person(&s.name, authors)
    });
    (!people.is_empty() && all_people && !title.is_empty()).then(|| (title.to_string(), people))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_author_read_as_an_employer_is_a_person() {
        let authors = vec!["Alice".to_string()];
        let people = with_authors(speakers("张伟，Alice"), &authors);
        let named: Vec<(&str, Option<&str>)> = people
            .iter()
            .map(|p| (p.name.as_str(), p.company.as_deref()))
            .collect();
        assert_eq!(named, [("张伟", None), ("Alice", None)]);
        let kept = with_authors(speakers("王五，PingCAP"), &authors);
        assert_eq!(kept[0].company.as_deref(), Some("PingCAP"));
    }

    #[test]
    fn one_word_after_a_whole_latin_name_is_where_they_work() {
        assert_eq!(
            names("Rita Costa, Google"),
            [one("Rita Costa", Some("Google"), None)]
        );
        // Whole names after it are people, and so is a page's author.
        assert_eq!(
            names("Xiaoya Xia, Divya Mohan"),
            [
                one("Xiaoya Xia", None, None),
                one("Divya Mohan", None, None)
            ]
        );
        let authors = vec!["Jakob".to_string()];
        let people = with_authors(speakers("Anna Berg, Jakob"), &authors);
        let named: Vec<&str> = people.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(named, ["Anna Berg", "Jakob"]);
    }

    #[test]
    fn an_issue_number_is_not_part_of_the_title() {
        assert_eq!(without_issue("第 82 期聊聊我们的故事"), "聊聊我们的故事");
        assert_eq!(without_issue("第3场 Rust 实战"), "Rust 实战");
        assert_eq!(without_issue("第一次见面"), "第一次见面");
        assert_eq!(without_issue("第 82 期"), "第 82 期");
    }

    fn names(value: &str) -> Vec<(String, Option<String>, Option<String>)> {
        speakers(value)
            .into_iter()
            .map(|s| (s.name, s.company, s.alias))
            .collect()
    }

    fn one(
        name: &str,
        company: Option<&str>,
        alias: Option<&str>,
    ) -> (String, Option<String>, Option<String>) {
        (name.into(), company.map(Into::into), alias.map(Into::into))
    }

    #[test]
    fn company_or_nickname() {
        assert_eq!(
            names("周强（PingCAP）"),
            [one("周强", Some("PingCAP"), None)]
        );
        assert_eq!(names("赵新（于雨）"), [one("赵新", None, Some("于雨"))]);
        assert_eq!(names("周涛 (广侯）"), [one("周涛", None, Some("广侯"))]);
        assert_eq!(
            names("白西原（乐天创研）"),
            [one("白西原", Some("乐天创研"), None)]
        );
        assert_eq!(names("张超盟（华为）"), [one("张超盟", Some("华为"), None)]);
        assert_eq!(
            names("Jane Doe (Acme)"),
            [one("Jane Doe", Some("Acme"), None)]
        );
        assert_eq!(
            names("宋净超（Tetrate 布道师、云原生社区创始人）"),
            [one("宋净超", Some("Tetrate"), None)]
        );
    }

    #[test]
    fn a_name_then_what_the_person_is() {
        assert_eq!(
            names("邓启明 Westar实验室 技术专家"),
            [one("邓启明", Some("Westar实验室"), None)]
        );
        assert_eq!(
            names("吴啸 纯白矩阵CEO"),
            [one("吴啸", Some("纯白矩阵"), None)]
        );
        assert_eq!(
            names("王渊命(@jolestar) Westar实验室 首席架构师"),
            [one("王渊命", Some("Westar实验室"), Some("@jolestar"))]
        );
        // A Latin name with a Chinese description; two names stay two.
        assert_eq!(names("Ted Yin 康奈尔大学博士")[0].0, "Ted Yin");
        assert_eq!(names("王 涛")[0].0, "王 涛");
    }

    #[test]
    fn several_speakers() {
        assert_eq!(names("鲁直、涵畅、张超盟").len(), 3);
        assert_eq!(
            names("曾凡松（逐灵） 、汪萌海（木苏） "),
            [
                one("曾凡松", None, Some("逐灵")),
                one("汪萌海", None, Some("木苏"))
            ]
        );
        assert_eq!(names("汪晟杰，黄金浩").len(), 2);
        assert_eq!(
            names("简海青，视源股份，运维负责人"),
            [one("简海青", Some("视源股份"), None)]
        );
        assert_eq!(names("张三和李四").len(), 2);
        assert_eq!(names("Alice Smith & Bob Jones").len(), 2);
        assert_eq!(
            names("宋净超，ServiceMesher 社区联合创始人"),
            [one("宋净超", Some("ServiceMesher 社区"), None)]
        );
        assert_eq!(
            names("Raghav Somani, UW CSE, and Raghav Tripathi, UW Math"),
            [
                one("Raghav Somani", Some("UW CSE"), None),
                one("Raghav Tripathi", Some("UW Math"), None)
            ]
        );
        assert_eq!(
            names("Nabarun Deb, incoming KI postdoc, Columbia University"),
            [one("Nabarun Deb", Some("Columbia University"), None)]
        );
    }

    #[test]
    fn and_inside_an_affiliation() {
        assert_eq!(
            names("Amir Taghvei, UW Aeronautics and Astronautics"),
            [one(
                "Amir Taghvei",
                Some("UW Aeronautics and Astronautics"),
                None
            )]
        );
        assert_eq!(
            names("宋净超，云原生社区创始人、Tetrate 布道师"),
            [one("宋净超", Some("Tetrate"), None)]
        );
    }

    #[test]
    fn names_and_not_names() {
        for name in [
            "周强",
            "Paul Égré",
            "J.L. Austin",
            "Anelda van der Walt",
            "Max Di Luca",
        ] {
            assert!(looks_like_name(name), "{name}");
        }
        for text in [
            "UW Applied Math",
            "Columbia University",
            "incoming KI postdoc",
            "云原生社区创始人",
            "Lunch Break",
        ] {
            assert!(!looks_like_name(text), "{text}");
        }
    }

    #[test]
    fn a_job_between_the_title_and_the_speaker_describes_the_speaker() {
        let (title, who) =
            trailing_speakers("基于OVN的Kubernetes网络实践 灵雀云高级工程师——刘梦馨", &[]).unwrap();
        assert_eq!(title, "基于OVN的Kubernetes网络实践");
        let who: Vec<_> = who.into_iter().map(|s| (s.name, s.company)).collect();
        assert_eq!(who, [("刘梦馨".to_string(), Some("灵雀云".to_string()))]);
    }

    #[test]
    fn speakers_at_the_end_of_a_title() {
        let (title, who) =
            trailing_speakers("云原生场景下的开发和调试 - 汪晟杰，黄金浩", &[]).unwrap();
        assert_eq!(title, "云原生场景下的开发和调试");
        assert_eq!(who.len(), 2);
        let (title, who) = trailing_speakers(
            "攀登规模化的高峰 —— 蚂蚁集团大规模 Sigma 集群 ApiServer 优化实践，唐博，谭崇康",
            &[],
        )
        .unwrap();
        assert_eq!(
            title,
            "攀登规模化的高峰 —— 蚂蚁集团大规模 Sigma 集群 ApiServer 优化实践"
        );
        assert_eq!(who[1].name, "谭崇康");
        let (title, who) =
            trailing_speakers("基于云原生技术的服务最大化可用性，白西原（乐天创研）", &[]).unwrap();
        assert_eq!(title, "基于云原生技术的服务最大化可用性");
        assert_eq!(who[0].company.as_deref(), Some("乐天创研"));
        assert!(trailing_speakers("欢迎来到云原生社区大连站", &[]).is_none());
        let (title, who) =
            trailing_speakers("Welcome message from Mark Shuttleworth", &[]).unwrap();
        assert_eq!(
            (title.as_str(), who[0].name.as_str()),
            (
                "Welcome message from Mark Shuttleworth",
                "Mark Shuttleworth"
            )
        );
        assert!(trailing_speakers("Slides from the last meetup", &[]).is_none());
        // A panel is a talk of the people in its parentheses.
        let (title, who) = trailing_speakers(
            "Panel 开源社区的发展和维护（赵晓杰、刘天栋、慕睿涛、曹勇华）",
            &[],
        )
        .unwrap();
        assert_eq!(
            (title.as_str(), who.len()),
            ("Panel 开源社区的发展和维护", 4)
        );
    }
}
