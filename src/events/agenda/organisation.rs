//! The organisation a bio or a short description names, for speakers whose
//! talk line gives none: `清华大学副教授` → 清华大学, `吴晟是 tetrate.io 的创始工程师`
//! → tetrate.io, `IoT Architect at Siemens` → Siemens, `NixOS 开发者` → NixOS.
//! Only an organisation clearly named counts: one with an organisation
//! suffix, one introduced as an employer, or a short description with its job
//! title taken off. A job title alone is never a company.

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

/// What people are, as opposed to where they are.
const ROLES: &[&str] = &[
    "联合创始人",
    "创始人",
    "开发者",
    "工程师",
    "负责人",
    "维护者",
    "专家",
    "架构师",
    "总监",
    "经理",
    "研究员",
    "副教授",
    "教授",
    "讲师",
    "成员",
    "布道师",
    "主任",
    "发起人",
    "贡献者",
    "博士",
    "CTO",
    "CEO",
    "VP",
    "PMC",
    "Committer",
];

/// `Apache Pulsar Committer` reads like a name but says what someone does.
pub fn has_role(text: &str) -> bool {
    ROLES.iter().any(|role| text.contains(role))
}

/// Phrases that introduce an employer.
const EMPLOYED: &[&str] = &["就职于", "任职于", "供职于", "现任职于", "来自"];

/// The organisation the first sentence of `bio` names, if it clearly names one.
pub fn in_bio(bio: &str) -> Option<String> {
    let sentence = first_sentence(bio);
    employer(sentence)
        .or_else(|| is_of(sentence))
        .or_else(|| at_organisation(sentence))
        .or_else(|| clauses(sentence).find_map(with_suffix))
}

fn clauses(text: &str) -> impl Iterator<Item = &str> {
    text.split(['，', ',', '、', '；', ';']).map(str::trim)
}

/// The organisation of a short description such as `Gentoo 开发者` or
/// `Deepin 社区团队系统组负责人`: as a bio, or what is left once the job title
/// is taken off.
pub fn in_description(text: &str) -> Option<String> {
    in_bio(text).or_else(|| without_role(first_clause(text)))
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

fn first_clause(text: &str) -> &str {
    let end = text
        .find(['，', ',', '、', '；', ';', '（', '('])
        .unwrap_or(text.len());
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

/// `吴晟是 tetrate.io 的创始工程师`: `是 X 的 role`.
fn is_of(sentence: &str) -> Option<String> {
    let at = sentence.find('是')?;
    let rest = &sentence[at + '是'.len_utf8()..];
    let end = rest.find('的')?;
    let org = rest[..end].trim();
    let role = &rest[end + '的'.len_utf8()..];
    (ROLES.iter().any(|r| role.contains(r)) || role.contains("工程") || role.contains("成员"))
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
        return short(clause[..end].trim());
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

/// `NixOS 开发者` → NixOS: a description that is an organisation then a role.
fn without_role(clause: &str) -> Option<String> {
    let at = ROLES.iter().filter_map(|role| clause.find(role)).min()?;
    let org = clause[..at].trim();
    // `资深开发工程师` is all title; a product or project keeps its Latin name.
    org.contains(|c: char| c.is_ascii_alphabetic())
        .then(|| short(org))
        .flatten()
}

/// Long text is a sentence, not a name.
fn short(org: &str) -> Option<String> {
    let org = org.trim_matches(|c: char| c.is_whitespace() || matches!(c, '“' | '”' | '"'));
    let count = org.chars().count();
    ((2..=40).contains(&count) && org.split_whitespace().count() <= 6).then(|| org.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

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
            ("Deepin 社区团队系统组负责人", "Deepin 社区"),
        ] {
            assert_eq!(in_bio(bio).as_deref(), Some(org), "{bio}");
        }
    }

    #[test]
    fn a_description_without_its_job_title() {
        assert_eq!(in_description("NixOS 开发者").as_deref(), Some("NixOS"));
        assert_eq!(
            in_description("Arch Linux 开发者").as_deref(),
            Some("Arch Linux")
        );
    }

    #[test]
    fn job_titles_and_prose_are_not_organisations() {
        for bio in [
            "资深开发工程师",
            "He started using embedded Rust in 2011",
            "Poet and Scholar",
            "Software engineer",
        ] {
            assert_eq!(in_description(bio), None, "{bio}");
        }
    }
}
