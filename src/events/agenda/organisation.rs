//! The organisation a bio or a short description names, for speakers whose
//! talk line gives none: `清华大学副教授` → 清华大学, `吴晟是 tetrate.io 的创始工程师`
//! → tetrate.io, `IoT Architect at Siemens` → Siemens, `NixOS 开发者` → NixOS.
//! Only an organisation clearly named counts: one with an organisation
//! suffix, one introduced as an employer, or a short description with its job
//! title taken off. A job title alone is never a company.

use std::sync::LazyLock;

use aho_corasick::AhoCorasick;

use super::labels::lowercase;
use super::people::{is_han, offset};

/// Endings that make a name an organisation's.
const SUFFIXES: &[&str] = &[
    "有限公司",
    "公司",
    "集团",
    "大学",
    "学院",
    "科技",
    "研究院",
    "研究所",
    "实验室",
    "社区",
    "基金会",
    "银行",
    "医院",
    "中心",
];

const LATIN_SUFFIXES: &[&str] = &[
    "University",
    "Institute",
    "Inc",
    "Inc.",
    "Ltd",
    "Ltd.",
    "GmbH",
    "Labs",
    "Lab",
    "Foundation",
    "College",
    "Corporation",
    "Corp",
    "Corp.",
    "LLC",
    "AG",
    "SE",
];

/// What people are, as opposed to where they are: their job.
const ROLES: &[&str] = &[
    "开发者",
    "工程师",
    "负责人",
    "专家",
    "架构师",
    "总监",
    "经理",
    "研究员",
    "副教授",
    "教授",
    "讲师",
    "布道师",
    "主任",
    "顾问",
    "分析师",
    "主编",
    "策略师",
    "设计师",
    "科学家",
    "执行官",
    "技术官",
    "运营官",
    "合伙人",
    "董事长",
    "院长",
    "部长",
    "组长",
    "博士",
    "研发",
    "CTO",
    "CEO",
    "COO",
    "VP",
    "DBA",
];

/// Founders and authors: often of a project or a community, so weaker
/// evidence of an employer than a job (`Apache SkyWalking 创始人、比特大陆资深
/// 技术专家` works at 比特大陆).
const FOUNDINGS: &[&str] = &["联合创始人", "创始人", "发起人", "作者"];

/// What people are in a project rather than at an employer: weaker evidence
/// of where they work (`ASF Member，华为技术专家` works at 华为).
const MEMBERSHIPS: &[&str] = &[
    "维护者",
    "贡献者",
    "成员",
    "PMC",
    "Committer",
    "Maintainer",
    "Contributor",
    "Member",
];

/// English job words, matched as whole words in any case.
const LATIN_ROLES: &[&str] = &[
    "engineer",
    "developer",
    "architect",
    "manager",
    "director",
    "founder",
    "co-founder",
    "cofounder",
    "researcher",
    "scientist",
    "professor",
    "lecturer",
    "lead",
    "evangelist",
    "consultant",
    "advocate",
    "editor",
    "editor-in-chief",
    "student",
    "head",
    "chair",
    "president",
    "officer",
    "leader",
    "organizer",
    "organiser",
    "representative",
    "coordinator",
];

/// Words that open a job title: what precedes them is the employer
/// (`华为技术专家`, `京东数科高级 DBA`).
const TITLE_OPENERS: &[&str] = &[
    "高级", "资深", "首席", "技术", "研发", "开发", "软件", "后台", "后端", "前端", "运维", "算法",
    "产品", "数据",
];

/// English words that open a job title (`Senior Software Engineer`).
const LATIN_TITLE_OPENERS: &[&str] = &[
    "senior",
    "principal",
    "staff",
    "chief",
    "software",
    "research",
    "data",
    "cloud",
    "technical",
    "solutions",
    "product",
    "executive",
    "lead",
    "junior",
    "associate",
];

/// `Apache Pulsar Committer` reads like a name but says what someone does.
pub fn has_role(text: &str) -> bool {
    job_at(text).is_some() || founding_at(text).is_some() || membership_at(text).is_some()
}

/// Where the first job word of `text` begins.
fn job_at(text: &str) -> Option<usize> {
    let cjk = chinese_job_at(text);
    let latin = text
        .split(|c: char| c.is_whitespace() || matches!(c, ',' | ';' | '(' | ')'))
        .find(|word| {
            let bare = lowercase(word.trim_end_matches(['.', ':']));
            LATIN_ROLES.contains(&bare.as_ref())
        })
        .map(|word| offset(text, word));
    cjk.into_iter().chain(latin).min()
}

/// A Chinese job word: `华为技术专家` names the employer before the job,
/// while `IoT Field Engineer` is all title.
fn chinese_job_at(text: &str) -> Option<usize> {
    first_at(&ROLE_WORDS, text)
}

/// Where the last Chinese job word of `text` ends: a name written after
/// its job (`研究员方圆`) starts there.
pub fn job_end(text: &str) -> Option<usize> {
    ROLE_WORDS
        .find_overlapping_iter(text)
        .map(|found| found.end())
        .max()
}

fn membership_at(text: &str) -> Option<usize> {
    first_at(&MEMBERSHIP_WORDS, text)
}

fn founding_at(text: &str) -> Option<usize> {
    first_at(&FOUNDING_WORDS, text)
}

/// Every bio line is searched for each of these lists, several times over:
/// one pass for a whole list instead of one per word was most of the
/// reader's speed-up on a 10,000-page site.
static ROLE_WORDS: LazyLock<AhoCorasick> = LazyLock::new(|| finder(ROLES));
static MEMBERSHIP_WORDS: LazyLock<AhoCorasick> = LazyLock::new(|| finder(MEMBERSHIPS));
static FOUNDING_WORDS: LazyLock<AhoCorasick> = LazyLock::new(|| finder(FOUNDINGS));

fn finder(words: &[&str]) -> AhoCorasick {
    AhoCorasick::new(words).expect("a few short fixed words")
}

/// Where the first of the words found by `finder` begins in `text`.
fn first_at(finder: &AhoCorasick, text: &str) -> Option<usize> {
    finder
        .find_overlapping_iter(text)
        .map(|found| found.start())
        .min()
}

/// `驭势科技`, `Acme Labs`: a name that ends like an organisation's.
pub fn has_suffix(text: &str) -> bool {
    let text = text.trim();
    SUFFIXES.iter().any(|suffix| text.ends_with(suffix))
        || LATIN_SUFFIXES
            .iter()
            .any(|suffix| text.split_whitespace().last() == Some(suffix))
}

/// What makes a name a group of people rather than a person, beside the
/// organisation suffixes: a team, a working group, a committee.
const GROUPS: &[&str] = &[
    "小组",
    "团队",
    "委员会",
    "Team",
    "Group",
    "SIG",
    "Committee",
];

/// `Rust 夜读 SIG 小组`: a name that is a group's, never a person's.
pub fn is_group(text: &str) -> bool {
    let text = text.trim();
    has_suffix(text)
        || GROUPS
            .iter()
            .any(|group| text.ends_with(group) || text.split_whitespace().any(|w| w == *group))
}

/// Phrases that introduce an employer.
const EMPLOYED: &[&str] = &["就职于", "任职于", "供职于", "现任职于", "来自"];

/// The organisation the first sentence of `bio` names, if it clearly names one.
pub fn in_bio(bio: &str) -> Option<String> {
    let sentence = first_sentence(bio);
    clauses(sentence)
        .find_map(current)
        .or_else(|| employer(sentence))
        .or_else(|| is_of(sentence))
        .or_else(|| at_organisation(sentence))
        .or_else(|| clauses(sentence).find_map(with_suffix))
}

fn clauses(text: &str) -> impl Iterator<Item = &str> {
    text.split(['，', ',', '、', '；', ';']).map(str::trim)
}

/// The organisation of what a page says about a person after their name
/// (`驭势科技，UISEE 云脑研发总监`, `T3出行, 大数据平台研发工程师`,
/// `ASF Member，华为技术专家`, `7年经验，OPPO，Micro 维护者`). Explicit phrases
/// first, then an organisation suffix, then a clause before a job title,
/// an employer written before its job, a lone brand, and last a project
/// someone is a member of. A job title alone gives none.
pub fn of_description(text: &str) -> Option<String> {
    let sentence = first_sentence(text.trim_start_matches(['：', ':', '，', ',', ' ']));
    if let Some(org) = clauses(sentence)
        .find_map(current)
        .or_else(|| employer(sentence))
        .or_else(|| is_of(sentence))
        .or_else(|| at_organisation(sentence))
        .or_else(|| role_of(sentence))
    {
        return Some(org);
    }
    let clauses: Vec<&str> = clauses(sentence).filter(|c| !c.is_empty()).collect();
    let suffixed = || clauses.iter().filter_map(|clause| with_suffix(clause));
    suffixed()
        .find(|org| !is_community(org))
        .or_else(|| employer_then_job(&clauses))
        .or_else(|| job_then_employer(&clauses))
        .or_else(|| clauses.iter().find_map(|c| before(c, chinese_job_at(c)?)))
        .or_else(|| clauses.iter().find_map(|c| lone_brand(c)))
        .or_else(|| clauses.iter().find_map(|c| before(c, founding_at(c)?)))
        .or_else(|| suffixed().next())
        .or_else(|| {
            // Projects go by Latin names; `开放源代码维护者` is a description.
            clauses
                .iter()
                .find_map(|c| before(c, membership_at(c)?))
                .filter(|org| org.contains(|c: char| c.is_ascii_alphabetic()))
        })
}

/// Words that say what someone is now, after what they were
/// (`来自清华大学物理系，现在为哈佛大学物理系博士生`).
const NOW: &[&str] = &["现在", "目前", "现任", "现为", "现就职于", "现"];

/// The organisation of a clause that says where someone is now: it beats
/// where they came from or what else they do.
fn current(clause: &str) -> Option<String> {
    let rest = NOW.iter().find_map(|now| clause.strip_prefix(now))?;
    let rest = rest.trim_start_matches(['为', '是', '在', '任', '于', ' ']);
    with_suffix(rest)
        .or_else(|| employer(rest))
        .or_else(|| before(rest, chinese_job_at(rest)?))
}

/// Communities and foundations are where people volunteer; an employer
/// named beside one is the better answer.
fn is_community(org: &str) -> bool {
    ["社区", "基金会", "Community", "Foundation"]
        .iter()
        .any(|suffix| org.ends_with(suffix))
}

/// `T3出行, 大数据平台研发工程师`: a first clause naming no role, followed by
/// the job, is the employer.
fn employer_then_job(clauses: &[&str]) -> Option<String> {
    let [first, second, ..] = clauses else {
        return None;
    };
    (!has_role(first) && job_at(second).is_some() && is_org_shaped(first))
        .then(|| short(first))
        .flatten()
}

/// `Organizer, OpenStack Indonesia`: a job, then a capitalised clause that
/// names no role, is where the job is held.
fn job_then_employer(clauses: &[&str]) -> Option<String> {
    let [first, second, ..] = clauses else {
        return None;
    };
    (job_at(first).is_some()
        && !has_role(second)
        && is_capitalised(second)
        && second.starts_with(char::is_uppercase)
        && is_org_shaped(second))
    .then(|| short(second))
    .flatten()
}

/// `华为技术专家` → 华为: the organisation before a job title at `role`.
fn before(clause: &str, role: usize) -> Option<String> {
    let latin_opener = clause
        .split_whitespace()
        .find(|word| LATIN_TITLE_OPENERS.contains(&lowercase(word).as_ref()))
        .map(|word| offset(clause, word));
    let opener = TITLE_OPENERS
        .iter()
        .filter_map(|word| clause.find(word))
        .chain(latin_opener)
        .min()
        .unwrap_or(clause.len());
    let org = clause[..role.min(opener)]
        .trim()
        .trim_end_matches(['&', '和', '与', '的', '-', '—'])
        .trim();
    if !(is_capitalised(&clause[..role]) && is_org_shaped(org)) {
        return None;
    }
    // `Deepin 社区团队系统组负责人`: the organisation ends with its suffix.
    with_suffix(org).or_else(|| short(without_skill(org)))
}

/// `唯品会 Java 资深开发工程师`, `字节跳动 客户端工程师`: a word between a
/// Chinese employer and the title is the title's skill, not part of the
/// employer.
fn without_skill(org: &str) -> &str {
    match org.rsplit_once(' ') {
        Some((head, skill))
            if skill
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || is_han(c))
                && head.chars().any(is_han)
                && !head.contains(|c: char| c.is_ascii_alphabetic()) =>
        {
            head.trim()
        }
        _ => org,
    }
}

/// `OPPO`, `PingCAP`: one capitalised Latin word standing alone.
fn lone_brand(clause: &str) -> Option<String> {
    let brand = clause.len() >= 2
        && clause.starts_with(|c: char| c.is_ascii_uppercase())
        && clause
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '.')
        && !has_role(clause);
    brand.then(|| clause.to_string())
}

/// `Editor-in-Chief of CSDN`: an organisation after a job and `of`.
fn role_of(sentence: &str) -> Option<String> {
    let at = sentence.find(" of ")?;
    job_at(&sentence[..at])?;
    let rest = &sentence[at + 4..];
    let end = rest.find([',', ';', '(', '，']).unwrap_or(rest.len());
    let org = rest[..end].trim().trim_end_matches('.');
    org.starts_with(|c: char| c.is_uppercase())
        .then(|| short(org))
        .flatten()
}

/// A name, not a phrase: short, no former employer (`原…`, `曾…`), no
/// experience or duty (`7年经验`, `负责…`).
fn is_org_shaped(text: &str) -> bool {
    let text = text.trim();
    // Latin names spell out words that Chinese packs into a few characters.
    let longest = if text.chars().any(is_han) { 24 } else { 40 };
    (2..=longest).contains(&text.chars().count())
        && !text.starts_with(['原', '曾', '前'])
        && !["经验", "负责", "参与", "致力", "年"]
            .iter()
            .any(|word| text.contains(word))
}

/// Every Latin word capitalised: what precedes a job title in sentence case
/// is more title (`Big data platform r&d engineer`), not a name.
fn is_capitalised(text: &str) -> bool {
    text.split_whitespace()
        .filter(|w| w.starts_with(|c: char| c.is_ascii_alphabetic()))
        .all(|w| w.starts_with(|c: char| c.is_ascii_uppercase()))
}

fn first_sentence(text: &str) -> &str {
    let end = text
        .char_indices()
        .find(|&(at, c)| {
            matches!(c, '。' | '；' | '\n') || c == '.' && text[at + 1..].starts_with(' ')
        })
        .map_or(text.len(), |(at, _)| at);
    text[..end].trim()
}

/// `就职于腾讯云`, `来自 PingCAP 的…`.
fn employer(sentence: &str) -> Option<String> {
    EMPLOYED.iter().find_map(|phrase| {
        let at = sentence.find(phrase)?;
        let rest = sentence[at + phrase.len()..].trim_start();
        let end = rest
            .find(['，', ',', '。', '、', '的', '；'])
            .unwrap_or(rest.len());
        short(rest[..end].trim())
    })
}

/// `吴晟是 tetrate.io 的创始工程师`: `是 X 的 role`, said at the start: far
/// into a bio (`百度资深研发工程师，…，同时也是 ApacheDoris 的 PPMC 成员`) it
/// adds what else the person is, after the employer was named.
fn is_of(sentence: &str) -> Option<String> {
    let at = sentence.find('是')?;
    if clauses(&sentence[..at]).count() > 2 {
        return None;
    }
    let rest = &sentence[at + '是'.len_utf8()..];
    let end = rest.find('的')?;
    let org = rest[..end].trim();
    let role = &rest[end + '的'.len_utf8()..];
    (ROLE_WORDS.is_match(role) || role.contains("工程") || role.contains("成员"))
        .then(|| short(org))
        .flatten()
}

/// `IoT Architect at Siemens`, `a senior scientist at Google Brain.`
fn at_organisation(sentence: &str) -> Option<String> {
    let at = sentence.find(" at ").or_else(|| sentence.find(" @ "))?;
    let rest = sentence[at + 4..].trim_start();
    let end = rest.find([',', ';', '(', '，']).unwrap_or(rest.len());
    let org = rest[..end].trim().trim_end_matches('.');
    org.starts_with(|c: char| c.is_uppercase() || !c.is_ascii())
        .then(|| short(org))
        .flatten()
}

/// `清华大学副教授` → 清华大学, `武汉斗鱼科技有限公司` whole (the last suffix
/// ends the name), `Engineer, Acme Labs` → Acme Labs.
fn with_suffix(clause: &str) -> Option<String> {
    let cjk = SUFFIXES
        .iter()
        .filter_map(|suffix| clause.rfind(suffix).map(|at| at + suffix.len()))
        .max();
    if let Some(end) = cjk {
        // `目前在德国CISPA…研究院读博`: the organisation starts after `在`.
        let named = &clause[..end];
        let start = named.rfind('在').map_or(0, |at| at + '在'.len_utf8());
        return short(named[start..].trim());
    }
    let words: Vec<&str> = clause.split_whitespace().collect();
    let last = words
        .iter()
        .rposition(|w| LATIN_SUFFIXES.contains(&w.trim_end_matches([',', '.'])))?;
    let first = words[..last]
        .iter()
        .rposition(|w| !w.starts_with(|c: char| c.is_uppercase()))
        .map_or(0, |i| i + 1);
    short(&words[first..=last].join(" "))
}

/// Long text is a sentence, not a name.
/// Neither is `一家公司` or `某初创团队`: a kind of place, not one named.
fn short(org: &str) -> Option<String> {
    let org = org.trim_matches(|c: char| c.is_whitespace() || matches!(c, '“' | '”' | '"'));
    let count = org.chars().count();
    // `开源社区`, `技术社区`: a kind of organisation before its suffix, none named.
    let kind_only = SUFFIXES.iter().any(|suffix| {
        org.strip_suffix(suffix).is_some_and(|head| {
            ["开源", "技术", "本", "该", "我们", "国内", "国外"].contains(&head.trim())
        })
    });
    let unnamed = ["一家", "一所", "一个", "某"]
        .iter()
        .any(|a| org.starts_with(a))
        || org.contains("某")
        || kind_only;
    ((2..=40).contains(&count) && org.split_whitespace().count() <= 6 && !unnamed)
        .then(|| org.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn teams_and_working_groups_are_groups() {
        assert!(is_group("Rust 夜读 SIG 小组"));
        assert!(is_group("云原生社区"));
        assert!(is_group("Platform Team"));
        assert!(!is_group("张伟"));
        assert!(!is_group("Alice Groupman"));
    }

    #[test]
    fn organisations_clearly_named() {
        for (bio, org) in [
            ("清华大学副教授、Gentoo 与 Debian 开发者", "清华大学"),
            ("吴晟是 tetrate.io 的创始工程师，领导团队", "tetrate.io"),
            ("IoT Architect at Siemens", "Siemens"),
            (
                "Zelda is a senior research scientist at Google Brain. She did",
                "Google Brain",
            ),
            (
                "杜旻翔，武汉斗鱼科技有限公司，研发工程师",
                "武汉斗鱼科技有限公司",
            ),
            ("现就职于腾讯云，负责 Serverless", "腾讯云"),
            (
                "来自清华大学物理系，现在为哈佛大学物理系博士生，对电路有兴趣",
                "哈佛大学",
            ),
            ("Deepin 社区团队系统组负责人", "Deepin 社区"),
        ] {
            assert_eq!(in_bio(bio).as_deref(), Some(org), "{bio}");
        }
    }

    #[test]
    fn a_description_without_its_job_title() {
        assert_eq!(of_description("NixOS 开发者").as_deref(), Some("NixOS"));
        assert_eq!(
            of_description("星环科技 Android 架构师").as_deref(),
            Some("星环科技")
        );
        // A word of the job before its title is not part of the employer.
        assert_eq!(
            of_description("字节跳动 客户端工程师").as_deref(),
            Some("字节跳动")
        );
        assert_eq!(
            of_description("Arch Linux 开发者").as_deref(),
            Some("Arch Linux")
        );
    }

    #[test]
    fn descriptions_after_a_name() {
        for (description, org) in [
            ("驭势科技，UISEE 云脑研发总监", "驭势科技"),
            ("T3出行, 大数据平台研发工程师, 负责T3出行计算引擎", "T3出行"),
            ("T3 travel, Big data platform r&d engineer", "T3 travel"),
            (
                "百度资深研发工程师，6年研发经验，主导参与了 Doris 开源，同时也是 ApacheDoris 的 PPMC 成员",
                "百度",
            ),
            ("ASF Member，华为技术专家。他参与过", "华为"),
            ("京东数科高级 DBA & Apache ShardingSphere PMC", "京东数科"),
            (
                "本期资料提供与主讲，7年+金融级微服务开发经验，OPPO，Micro维护者团队成员",
                "OPPO",
            ),
            ("纯白矩阵CEO", "纯白矩阵"),
            ("Westar实验室 技术专家", "Westar实验室"),
            (
                "ASF Member，Apache SkyWalking VP和PMC成员",
                "Apache SkyWalking",
            ),
            ("Executive Editor-in-Chief of CSDN, and the owner", "CSDN"),
            ("是 tetrate.io 的创始工程师", "tetrate.io"),
            ("vivo 互联网，架构师", "vivo 互联网"),
            ("云原生社区创始人、Tetrate 布道师", "Tetrate"),
            (
                "Apache SkyWalking 创始人、Apache Sharding-Sphere 原型作者、比特大陆资深技术专家",
                "比特大陆",
            ),
            ("Deepin 社区团队系统组负责人", "Deepin 社区"),
            ("ServiceMesher 社区联合创始人", "ServiceMesher 社区"),
            ("唯品会 Java 资深开发工程师，内部框架负责人", "唯品会"),
            ("IoT Field Engineer, Canonical", "Canonical"),
            (
                "目前在德国CISPA亥姆霍兹信息安全研究院读博",
                "德国CISPA亥姆霍兹信息安全研究院",
            ),
            ("the founder of FOSSASIA, an organization that", "FOSSASIA"),
            ("Organizer, OpenStack Indonesia", "OpenStack Indonesia"),
            (
                "Community Leader, Ubuntu Korea Community",
                "Ubuntu Korea Community",
            ),
            (
                "Founder and Representative, Japanese Raspberry Pi Users Group",
                "Japanese Raspberry Pi Users Group",
            ),
        ] {
            assert_eq!(
                of_description(description).as_deref(),
                Some(org),
                "{description}"
            );
        }
        for description in [
            "资深开发工程师",
            "Big data platform r&d engineer",
            "原东风畅行架构负责人",
            "开放源代码维护者和倡导者",
            "目前在一家公司做数据分析平台开发",
            "杭州某初创游戏团队技术策划",
        ] {
            assert_eq!(of_description(description), None, "{description}");
        }
    }

    #[test]
    fn job_titles_and_prose_are_not_organisations() {
        for bio in [
            "资深开发工程师",
            "He started using embedded Rust in 2011",
            "Poet and Scholar",
            "Software engineer",
            "Senior Engineer, and a speaker",
        ] {
            assert_eq!(of_description(bio), None, "{bio}");
        }
    }
}
