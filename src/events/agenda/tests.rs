//! The agenda styles, each on a small page body.

use chrono::DateTime;

use super::*;

fn read_body(body: &str) -> Agenda {
    let frame = Frame {
        start: Some(DateTime::parse_from_rfc3339("2024-05-18T13:00:00+08:00").unwrap()),
        end: None,
        title: "",
        authors: &[],
        speakers: &[],
        abstract_: None,
        programme: &[],
        zone: chrono_tz::Asia::Shanghai,
    };
    read(body, 10, &frame)
}

/// Each item as `time title / speaker(company)+…`, or `break time title`.
pub(super) fn outline(agenda: &Agenda) -> Vec<String> {
    agenda
        .items
        .iter()
        .map(|item| match item {
            AgendaItem::Talk(talk) => {
                let who: Vec<String> = talk
                    .speakers
                    .iter()
                    .map(|s| match &s.company {
                        Some(company) => format!("{}({company})", s.name),
                        None => s.name.clone(),
                    })
                    .collect();
                format!(
                    "{}{} / {}",
                    time(talk.slot),
                    talk.title.plain(),
                    who.join("+")
                )
            }
            AgendaItem::Break(pause) => format!("break {}{}", time(pause.slot), pause.title),
        })
        .collect()
}

fn time(slot: Option<Slot>) -> String {
    match slot {
        Some(Slot {
            start,
            end: Some(end),
        }) => format!("{}-{} ", start.format("%H:%M"), end.format("%H:%M")),
        Some(Slot { start, end: None }) => format!("{} ", start.format("%H:%M")),
        None => String::new(),
    }
}

fn talk(agenda: &Agenda, index: usize) -> &Talk {
    agenda
        .items
        .iter()
        .filter_map(|i| match i {
            AgendaItem::Talk(t) => Some(t),
            AgendaItem::Break(_) => None,
        })
        .nth(index)
        .unwrap()
}

#[test]
fn headings_with_labelled_lines_and_values_that_run_on() {
    let agenda = read_body(
        "### 13:00-13:40 使用 Chaos Mesh\n\n**主讲人**：周强\n\n公司：PingCAP\n\n讲师介绍：周强，PingCAP 工程效率负责人。\n\n\
         演讲概要：\n\n在云原生的世界中。\n\n1. 质量问题\n2. 稳定性\n\n听众收益：\n\n- 了解风险\n\n### 13:40 - 14:20 第二个话题\n\n时间：14:00～14:40\n\n嘉宾：王佰平（网易）、Jane Doe (Acme)\n",
    );
    assert_eq!(
        outline(&agenda),
        [
            "13:00-13:40 使用 Chaos Mesh / 周强(PingCAP)",
            "14:00-14:40 第二个话题 / 王佰平(网易)+Jane Doe(Acme)"
        ]
    );
    let first = talk(&agenda, 0);
    assert_eq!(
        first.speakers[0].bio.as_ref().unwrap().plain(),
        "周强，PingCAP 工程效率负责人。"
    );
    assert_eq!(
        first.abstract_.as_ref().unwrap().plain(),
        "在云原生的世界中。\n1. 质量问题\n2. 稳定性"
    );
    assert_eq!(first.takeaways.as_ref().unwrap().plain(), "• 了解风险");
    assert_eq!(first.line, 10, "the talk starts at the body's first line");
    assert!(agenda.warnings.is_empty());
}

#[test]
fn bold_label_alone_with_its_value_below() {
    let agenda = read_body("### 云原生时代的研发效能\n\n讲师：黄国峰\n\n**演讲概要**\n\n云原生时代，软件研发的逻辑彻底改变了。\n\n**听众收益**\n\n- 了解新挑战\n");
    let talk = talk(&agenda, 0);
    assert_eq!(
        talk.abstract_.as_ref().unwrap().plain(),
        "云原生时代，软件研发的逻辑彻底改变了。"
    );
    assert_eq!(talk.takeaways.as_ref().unwrap().plain(), "• 了解新挑战");
}

#[test]
fn a_table_of_talks() {
    let agenda = read_body(
        "| 时间 | 议题 | 讲师 | 公司 |\n|---|---|---|---|\n| 13:00-13:30 | 签到 | | |\n| 13:30-14:10 | Rust 异步实践 | 李雷 | 某科技 |\n| 14:10-14:50 | <b>x</b> & y | 韩梅梅、张三 | |\n",
    );
    assert_eq!(
        outline(&agenda),
        [
            "break 13:00-13:30 签到",
            "13:30-14:10 Rust 异步实践 / 李雷(某科技)",
            "14:10-14:50 x & y / 韩梅梅+张三"
        ]
    );
}

#[test]
fn a_timed_list_with_dashes_and_breaks() {
    let agenda = read_body(
        "## 日程\n\n- 14:00-14:40 Title one — Jane Doe (Acme)\n- 14:40–15:00 茶歇\n- １５：００～１５：４０ 第二个 — 李雷（某科技）\n- 3:40 - 4:20 Late one - Bob Stone\n",
    );
    assert_eq!(
        outline(&agenda),
        [
            "14:00-14:40 Title one / Jane Doe(Acme)",
            "break 14:40-15:00 茶歇",
            "15:00-15:40 第二个 / 李雷(某科技)",
            "15:40-16:20 Late one / Bob Stone"
        ]
    );
}

#[test]
fn prose_sections_and_link_lists_are_not_talks() {
    let agenda = read_body(
        "Welcome to the meetup.\n\n### What is DataFirst?\n\nCome and hear from mentors.\n\n- 活动介绍：<https://hdxu.cn/ysqsP>\n- [回顾文章](https://mp.weixin.qq.com/s/x)\n- **Venue:** Protea Hotel\n\n### Registration\n\nEmail us.\n",
    );
    assert_eq!(outline(&agenda), Vec::<String>::new());
}

#[test]
fn a_heading_that_groups_talks_and_a_break_between_them() {
    let agenda = read_body(
        "## 讲师与演讲话题\n\n#### 唯品会 Service Mesh 的实践分享\n\n郑德惠 唯品会 Java 资深开发工程师。\n\n#### 合影、中场休息\n\n#### 进击的 Traefik\n\n杨川胡（知群后台负责人）\n\nTraefik 是一个云原生的边缘路由器。\n",
    );
    assert_eq!(
        outline(&agenda),
        [
            "唯品会 Service Mesh 的实践分享 / 郑德惠(唯品会)",
            "break 合影、中场休息",
            "进击的 Traefik / 杨川胡(知群)"
        ]
    );
    let traefik = talk(&agenda, 1);
    assert_eq!(
        traefik.abstract_.as_ref().unwrap().plain(),
        "Traefik 是一个云原生的边缘路由器。"
    );
    assert_eq!(
        talk(&agenda, 0).speakers[0].bio.as_ref().unwrap().plain(),
        "唯品会 Java 资深开发工程师。"
    );
}

#[test]
fn abstract_shortcodes_name_the_talks_of_their_speakers() {
    let agenda = read_body(
        "## Schedule\n  * **10:05 - 10:50**: Jingwei Hu, UW Applied Math {{< slides Hu.pdf >}}\n  * **12:30 - 2:30**: Lunch Break\n\n## Abstracts\n\n{{< abstract\n  title=\"Particle methods\"\n  author=\"Jingwei Hu\"\n>}}\nThe Landau equation.\n{{< /abstract >}}\n",
    );
    assert_eq!(
        outline(&agenda),
        [
            "10:05-10:50 Particle methods / Jingwei Hu(UW Applied Math)",
            "break 12:30-14:30 Lunch Break"
        ]
    );
    assert_eq!(
        talk(&agenda, 0).abstract_.as_ref().unwrap().plain(),
        "The Landau equation."
    );
}

#[test]
fn a_talk_with_no_speaker_is_a_warning_on_its_line() {
    let agenda = read_body("## 话题\n\n- [欢迎来到云原生社区大连站](https://b.tv/x)\n");
    assert_eq!(outline(&agenda), ["欢迎来到云原生社区大连站 / "]);
    assert_eq!(
        agenda.warnings,
        [(
            12,
            "the talk “欢迎来到云原生社区大连站” names no speaker".to_string()
        )]
    );
}

#[test]
fn roster_entries_give_speakers_their_bios() {
    let agenda = read_body(
        "**嘉宾及讲师介绍**\n\n张晓辉：\n\nCNCF ambassador\n\n王青：JFrog 中国技术总监\n\n详情见[活动回顾](https://x)。\n",
    );
    assert!(agenda.items.is_empty());
    let roster: Vec<(String, String)> = agenda
        .roster
        .iter()
        .map(|s| (s.name.clone(), s.bio.as_ref().unwrap().plain()))
        .collect();
    assert_eq!(
        roster,
        [
            ("张晓辉".to_string(), "CNCF ambassador".to_string()),
            ("王青".to_string(), "JFrog 中国技术总监".to_string())
        ]
    );
}

#[test]
fn book_titles_at_signs_and_a_titled_panel() {
    let body = "**议程**\n\n- 13:30-14:00 签到\n- 14:00-14:45 《Go 泛型实践》 李雷 @ 七牛云\n- 14:45-15:30 《持续剖析》 韩梅梅@字节跳动\n- 15:30-16:10 圆桌讨论：Go 的未来\n- 16:10-16:20 Q&A：大家提问\n";
    let authors = vec!["李雷".to_string()];
    let agenda = read_with(body, "2024-06-15T13:30:00+08:00", "Go", &authors);
    assert_eq!(
        outline(&agenda),
        [
            "break 13:30-14:00 签到",
            "14:00-14:45 Go 泛型实践 / 李雷(七牛云)",
            "14:45-15:30 持续剖析 / 韩梅梅(字节跳动)",
            "15:30-16:10 圆桌讨论：Go 的未来 / ",
            "break 16:10-16:20 Q&A：大家提问"
        ]
    );
}

#[test]
fn a_whole_name_then_one_word_is_the_speaker_and_their_company() {
    let body = "## Saturday\n\n**10:00** *Keynote: The state of Android* — Rita Costa, Google\n\n**11:00** *Compose in anger* — Miguel Santos, OLX\n";
    let agenda = read_with(body, "2024-11-23T10:00:00+00:00", "DevFest", &[]);
    assert_eq!(
        outline(&agenda),
        [
            "10:00 Keynote: The state of Android / Rita Costa(Google)",
            "11:00 Compose in anger / Miguel Santos(OLX)"
        ]
    );
}

#[test]
fn a_programme_in_an_html_table() {
    let body = "<table>\n<tr><th>时间</th><th>议题</th><th>讲师</th><th>单位</th></tr>\n\n<tr><td>10:00-10:40</td><td>eBPF 在可观测性中的应用</td><td>陈杰</td><td>腾讯云</td></tr>\n<tr>\n  <td>10:40-11:20</td>\n  <td><strong>多集群管理</strong></td>\n  <td>刘洋<br>赵敏</td><td>DaoCloud</td>\n</tr>\n<tr><td>11:20-12:00</td><td>午餐</td><td></td><td></td></tr>\n</table>\n";
    let agenda = read_with(body, "2023-08-19T10:00:00+08:00", "KCD", &[]);
    assert_eq!(
        outline(&agenda),
        [
            "10:00-10:40 eBPF 在可观测性中的应用 / 陈杰(腾讯云)",
            "10:40-11:20 多集群管理 / 刘洋(DaoCloud)+赵敏(DaoCloud)",
            "break 11:20-12:00 午餐"
        ]
    );
    // Each row keeps its own line, for warnings and `herald explain`.
    assert_eq!(talk(&agenda, 1).line, 5);
}

#[test]
fn timed_headings_with_a_bold_name_under_each() {
    let body = "### 6:30 PM – Doors open\n\n### 7:00 PM – Generics one year later\n\n**Jane Doe** – Staff Engineer at Stripe\n\n### 7:45 PM – Profiling with pprof\n\n**Bob Stone** (Datadog)\n\n### 8:30 PM – Session 2: Hallway track\n";
    let agenda = read_with(body, "2024-03-05T18:30:00-08:00", "Go", &[]);
    assert_eq!(
        outline(&agenda),
        [
            "break 18:30 Doors open",
            "19:00 Generics one year later / Jane Doe(Stripe)",
            "19:45 Profiling with pprof / Bob Stone(Datadog)",
            "20:30 Session 2: Hallway track / "
        ]
    );
}

#[test]
fn numbered_title_labels_in_headings_are_not_the_title() {
    let body = "#### 议题一：Kotlin 协程原理剖析\n\n**分享嘉宾**：张伟，星环科技 Android 架构师\n\n#### 议题二：KMP 跨平台实战\n\n**分享嘉宾**：李娜，字节跳动 客户端工程师\n\n### Session 1: Graphical models\n\n**Speaker:** Ana Lopes\n";
    let agenda = read_with(body, "2024-07-20T14:00:00+08:00", "Kotlin", &[]);
    assert_eq!(
        outline(&agenda),
        [
            "Kotlin 协程原理剖析 / 张伟(星环科技)",
            "KMP 跨平台实战 / 李娜(字节跳动)",
            "Session 1: Graphical models / Ana Lopes"
        ]
    );
}

#[test]
fn talks_written_as_records_of_labels() {
    let body = "## Line-up\n\nTime: 19:00\nTitle: Vapor mode explained\nSpeaker: Lena Berg (Zalando)\n\nA compiler for Vue templates.\n\nTime: 19:45\nTitle: Nuxt at scale\nSpeaker: Omar Haddad\n\nLocation: Zalando HQ\nTime: 21:00\n";
    let agenda = read_with(body, "2024-05-14T19:00:00+02:00", "Vue", &[]);
    assert_eq!(
        outline(&agenda),
        [
            "19:00 Vapor mode explained / Lena Berg(Zalando)",
            "19:45 Nuxt at scale / Omar Haddad"
        ]
    );
    let abstract_ = talk(&agenda, 0).abstract_.as_ref().map(|a| a.plain());
    assert_eq!(abstract_.as_deref(), Some("A compiler for Vue templates."));
}

#[test]
fn a_kind_of_item_before_a_colon_is_not_a_speaker() {
    let body =
        "## 课程安排\n\n- 13:30-15:00 续本达：Debian 技术分享\n- 15:15-17:00 实战：部署一个应用\n";
    let agenda = read_with(body, "2024-04-13T13:30:00+08:00", "K8s", &[]);
    assert_eq!(
        outline(&agenda),
        [
            "13:30-15:00 Debian 技术分享 / 续本达",
            "15:15-17:00 实战：部署一个应用 / "
        ]
    );
}

#[test]
fn a_slash_before_an_employer_and_a_name_heading_a_talk() {
    let body = "| 时间 | 议题 | 分享嘉宾 |\n| --- | --- | --- |\n| 13:30-14:10 | eBPF 网络观测 | 张三 / 阿里云 |\n| 14:10-14:50 | 冷启动优化 | 李四 / 腾讯云 高级工程师 |\n\n### 孙七：大模型推理加速实践\n\n孙七，华为 2012 实验室 专家。\n\n### Teaching Methodology:\n\nHands-on.\n";
    let agenda = read_with(body, "2024-06-01T13:30:00+08:00", "沙龙", &[]);
    assert_eq!(
        outline(&agenda),
        [
            "13:30-14:10 eBPF 网络观测 / 张三(阿里云)",
            "14:10-14:50 冷启动优化 / 李四(腾讯云)",
            "大模型推理加速实践 / 孙七(华为 2012 实验室)"
        ]
    );
}

#[test]
fn a_table_of_parallel_tracks_is_a_talk_per_track() {
    let body = "| Time | Track A | Track B |\n|---|---|---|\n| 09:00 | Opening keynote — Li Wei (Alibaba) | |\n| 10:00 | GitOps at scale — Jane Doe (Weaveworks) | Chaos 101 — Bob Stone (Gremlin) |\n| 12:00 | Lunch | Lunch |\n";
    let agenda = read_with(body, "2024-05-18T09:00:00+08:00", "DevOpsDays", &[]);
    assert_eq!(
        outline(&agenda),
        [
            "09:00 Opening keynote / Li Wei(Alibaba)",
            "10:00 GitOps at scale / Jane Doe(Weaveworks)",
            "10:00 Chaos 101 / Bob Stone(Gremlin)",
            "break 12:00 Lunch"
        ]
    );
}

#[test]
fn a_kind_of_talk_before_its_title_and_a_speaker_label_after_a_bar() {
    let body = "**Agenda:**\n\n6:00 - Networking & food\n6:30 - Talk: \"Typing in practice\" by Sara Kim\n7:15 - 用 Rust 写一个数据库 | 讲师：林峰（Databend）\n";
    let agenda = read_with(body, "2024-11-14T18:00:00-05:00", "Project Night", &[]);
    assert_eq!(
        outline(&agenda),
        [
            "break 18:00 Networking & food",
            "18:30 Typing in practice / Sara Kim",
            "19:15 用 Rust 写一个数据库 / 林峰(Databend)"
        ]
    );
}

#[test]
fn a_speakers_section_that_names_each_ones_talk() {
    let body = "## Speakers\n\n### Lena Berg\n\nLena is a research engineer at Hugging Face.\n\n**Talk: Small models, big wins**\n\nDistillation tricks.\n";
    let agenda = read_with(body, "2024-12-03T19:00:00+01:00", "ML Paris", &[]);
    assert_eq!(
        outline(&agenda),
        ["Small models, big wins / Lena Berg(Hugging Face)"]
    );
    let lena = &talk(&agenda, 0).speakers[0];
    let bio = lena.bio.as_ref().map(|b| b.plain());
    assert_eq!(
        bio.as_deref(),
        Some("Lena is a research engineer at Hugging Face.")
    );
    let abstract_ = talk(&agenda, 0).abstract_.as_ref().map(|a| a.plain());
    assert_eq!(abstract_.as_deref(), Some("Distillation tricks."));
}

#[test]
fn a_speaker_still_to_be_announced_is_nobody() {
    let body = "| Time | Talk | Speaker |\n|---|---|---|\n| 18:30 | Async Rust | Jane Doe |\n| 19:15 | To be announced | TBA |\n| 20:00 | Drinks | |\n\n### Embedded Rust\n\nSpeaker: 待定\n";
    let agenda = read_with(body, "2024-09-12T18:30:00+02:00", "Rust", &[]);
    assert_eq!(
        outline(&agenda),
        [
            "18:30 Async Rust / Jane Doe",
            "19:15 To be announced / ",
            "break 20:00 Drinks",
            "Embedded Rust / "
        ]
    );
}

pub(super) fn read_with(body: &str, start: &str, title: &str, authors: &[String]) -> Agenda {
    let frame = Frame {
        start: Some(DateTime::parse_from_rfc3339(start).unwrap()),
        end: None,
        title,
        authors,
        speakers: &[],
        abstract_: None,
        programme: &[],
        zone: chrono_tz::Asia::Shanghai,
    };
    read(body, 1, &frame)
}

#[test]
fn a_session_table_with_speakers_in_parentheses_and_shortcode_times() {
    let body = "## Day 1 - Room 1\n\n| Time | Session |\n| -- | -- |\n\
        | {{< timedisplay datetime=\"2021-10-09 01:00:00 UTC\" >}} | [Welcome (Youngbin Han)](https://v/1) |\n\
        | {{< timedisplay datetime=\"2021-10-09 05:45:00 UTC\" >}} | [Engaging contributors (Bokmi Han, Joowon Jung)](https://v/2) |\n";
    let agenda = read_with(body, "2021-10-09T00:00:00Z", "Ubucon", &[]);
    assert_eq!(
        outline(&agenda),
        [
            "01:00 Welcome / Youngbin Han",
            "05:45 Engaging contributors / Bokmi Han+Joowon Jung"
        ]
    );
}

#[test]
fn a_table_with_an_instructor_column_makes_unstaffed_rows_breaks() {
    let body = "### Monday (Nov. 23rd 2020)\n\n| Time | Session | Instructor |\n|---|---|---|\n\
        | 9:00-12:00 | **[Intro to Python](x)** | Tobias L. Jensen & Thomas Arildsen |\n\
        | 12:00-13:00 | *LUNCH* | |\n| 16:00-17:00 | **Portfolio work** | |\n\n\
        ### Tuesday (Nov. 24th 2020)\n\n| Time | Session | Instructor |\n|---|---|---|\n\
        | 9:00-10:30 | Clustering | Rolf L. Lund |\n";
    let agenda = read_with(body, "2020-11-23T00:00:00+01:00", "Course", &[]);
    assert_eq!(
        outline(&agenda),
        [
            "09:00-12:00 Intro to Python / Tobias L. Jensen+Thomas Arildsen",
            "break 12:00-13:00 LUNCH",
            "break 16:00-17:00 Portfolio work",
            "09:00-10:30 Clustering / Rolf L. Lund"
        ]
    );
    let tuesday = talk(&agenda, 1).slot.unwrap().start;
    assert_eq!(
        tuesday.format("%d").to_string(),
        "24",
        "a weekday heading is the next day"
    );
}

#[test]
fn bold_timed_lines_under_a_heading_with_by_speakers() {
    let body = "### 活动详情\n\n**15:00 - 15:10 开场介绍 by kimming & 崔**\n\n**15:10 - 15:25 Soul 数据同步 by 婷**\n";
    let agenda = read_with(body, "2021-01-24T15:00:00+08:00", "Soul", &[]);
    assert_eq!(
        outline(&agenda),
        [
            "15:00-15:10 开场介绍 / kimming+崔",
            "15:10-15:25 Soul 数据同步 / 婷"
        ]
    );
}

#[test]
fn an_evening_schedule_in_twelve_hour_times() {
    let body = "### Schedule\n\n- 7:15pm :: Doors open, introductions\n- 7:30pm :: Building a Community by Hussein Al Abry\n";
    let agenda = read_with(body, "2023-07-26T00:00:00+04:00", "Community", &[]);
    assert_eq!(
        outline(&agenda),
        [
            "break 19:15 Doors open, introductions",
            "19:30 Building a Community / Hussein Al Abry"
        ]
    );
}

#[test]
fn a_page_without_a_programme_is_one_talk_by_its_labelled_speaker() {
    let body = "大语言模型的介绍。\n\n* 主讲人：姚沛然\n* 时间：**2024/04/27（周六） 19:00-21:00** UTC +08:00\n";
    let authors = ["Meow-meow Liu".to_string()];
    let agenda = read_with(
        body,
        "2024-04-27T00:00:00+08:00",
        "金枪鱼之夜：怎样编程",
        &authors,
    );
    assert_eq!(
        outline(&agenda),
        ["19:00-21:00 金枪鱼之夜：怎样编程 / 姚沛然"]
    );

    let by_author = read_with(
        "A talk about WSL.\n",
        "2021-04-21T18:00:00+02:00",
        "WSL",
        &["杜旻翔@斗鱼".to_string()],
    );
    assert_eq!(outline(&by_author), ["18:00 WSL / 杜旻翔(斗鱼)"]);

    let many = [
        "A".to_string(),
        "B".to_string(),
        "C".to_string(),
        "D".to_string(),
    ];
    let summit = read_with(
        "Photos of the day.\n",
        "2021-04-21T18:00:00+02:00",
        "Summit",
        &many,
    );
    assert!(
        summit.items.is_empty(),
        "many authors are not one talk's speakers"
    );

    let recap = read_with(
        "Thanks to everyone who came!\n",
        "2024-02-10T18:00:00+01:00",
        "Recap: our first meetup of 2024",
        &["Maria Santos".to_string()],
    );
    assert!(
        recap.items.is_empty(),
        "a recap's author wrote it, not presented it"
    );
}

#[test]
fn a_programme_kept_in_the_front_matter() {
    let listed = |time: &str, text: &str, line| Listed {
        time: Some(time.to_string()),
        text: text.to_string(),
        line,
    };
    let programme = [
        listed("13:00-13:30", "签到", 5),
        listed("13:30-14:00", "Jenkins 社区在国内的发展——赵晓杰", 7),
        listed(
            "14:45-15:45",
            "Panel 开源社区的发展和维护（赵晓杰、刘天栋）",
            9,
        ),
    ];
    let frame = Frame {
        start: Some(DateTime::parse_from_rfc3339("2019-08-24T00:00:00+08:00").unwrap()),
        end: None,
        title: "开源人线下见面会",
        authors: &[],
        speakers: &[],
        abstract_: None,
        programme: &programme,
        zone: chrono_tz::Asia::Shanghai,
    };
    let agenda = read("", 20, &frame);
    assert_eq!(
        outline(&agenda),
        [
            "break 13:00-13:30 签到",
            "13:30-14:00 Jenkins 社区在国内的发展 / 赵晓杰",
            "14:45-15:45 Panel 开源社区的发展和维护 / 赵晓杰+刘天栋"
        ]
    );
    assert_eq!(talk(&agenda, 0).line, 7);
}

#[test]
fn a_linked_title_then_by_its_speaker() {
    let body = "**20:10 - 20:25 [SPI 介绍](https://blog.example/spi) by 朱明**\n";
    let agenda = read_with(body, "2021-02-06T00:00:00+08:00", "Soul", &[]);
    assert_eq!(outline(&agenda), ["20:10-20:25 SPI 介绍 / 朱明"]);
}

#[test]
fn by_lists_end_where_the_people_end() {
    let body = "## Agenda\n\n- \"Introduction to Nix\", a presentation by `@niklashh`, [link](https://x.y/z).\n- \"Niksi\", a presentation by Matias Z and Luukas P, (link TBA).\n";
    let agenda = read_with(body, "2024-08-28T18:00:00+03:00", "Nix", &[]);
    assert_eq!(
        outline(&agenda),
        [
            "Introduction to Nix / @niklashh",
            "Niksi / Matias Z+Luukas P"
        ]
    );
}

#[test]
fn an_undated_page_takes_its_talk_times_from_dated_headings() {
    let frame = Frame {
        start: None,
        end: None,
        title: "Course schedule",
        authors: &[],
        speakers: &[],
        abstract_: None,
        programme: &[],
        zone: chrono_tz::Europe::Copenhagen,
    };
    let body = "\
| Time | Session | Instructor |
| --- | --- | --- |
| 8:00-9:00 | Before any date | Ann Lee |

### Monday (Nov. 23rd 2020)

| Time | Session | Instructor |
| --- | --- | --- |
| 9:00-12:00 | **Python I** | Kristian Kjelmann |
| 13:00-16:00 | **Python II** | Kristian Kjelmann |

### Tuesday (Nov. 24th 2020)

| Time | Session | Instructor |
| --- | --- | --- |
| 9:00-10:30 | **Clustering** | Roman Jurowetzki |
";
    let agenda = read(body, 5, &frame);
    let slots: Vec<Option<String>> = agenda
        .items
        .iter()
        .map(|item| item.slot().map(|s| s.start.to_rfc3339()))
        .collect();
    assert_eq!(
        slots,
        [
            None,
            Some("2020-11-23T09:00:00+01:00".to_string()),
            Some("2020-11-23T13:00:00+01:00".to_string()),
            Some("2020-11-24T09:00:00+01:00".to_string()),
        ]
    );
}

#[test]
fn the_events_details_under_an_agenda_heading_are_not_talks() {
    let agenda = read_body(
        "**分享议程**\n\n- 时间：2019-11-06 14:30-17:00\n- 地点：北京嘉里大酒店2F-大宴会厅C\n- Serverless 落地实践\n",
    );
    assert_eq!(outline(&agenda), ["Serverless 落地实践 / "]);
    assert_eq!(agenda.skipped.len(), 2, "{:?}", agenda.skipped);
}

#[test]
fn a_programme_slot_named_talk_is_the_pages_one_talk() {
    let frame = Frame {
        start: Some(DateTime::parse_from_rfc3339("2023-07-26T00:00:00+04:00").unwrap()),
        end: None,
        title: "Building a Community",
        authors: &[],
        speakers: &[],
        abstract_: None,
        programme: &[],
        zone: chrono_tz::Asia::Muscat,
    };
    let body = "This month, our speaker [Hussein Al Abry](https://x.tech) will share his insights.\n\n### Schedule\n\n- 7:15pm :: Doors open, introductions\n- 7:30pm :: Talk starts\n- 8:00pm :: Q&A\n";
    let agenda = read(body, 5, &frame);
    let outline = outline(&agenda);
    assert!(
        outline.contains(&"19:30 Building a Community / Hussein Al Abry".to_string()),
        "{outline:?}"
    );
    assert!(
        !outline.iter().any(|item| item.contains("Talk starts")),
        "{outline:?}"
    );
}

#[test]
fn a_bold_title_by_a_handle_is_a_talk_named_by_its_speaker_details() {
    let agenda = read_body(
        "## 日程\n\n> **Modern C++** by @lancern\n>\n> C++ 是一门古老的编程语言。\n>\n> 讲者信息：牟思睿/Lancern，目前在一家公司做数据分析平台开发。\n\n> **New stuffs in Trait** by @CircuitCoder\n>\n> 讲者信息：刘晓义/喵喵，目前在清华读研究生。\n",
    );
    assert_eq!(
        outline(&agenda),
        ["Modern C++ / 牟思睿", "New stuffs in Trait / 刘晓义"]
    );
    let AgendaItem::Talk(first) = &agenda.items[0] else {
        panic!("a talk");
    };
    assert_eq!(first.speakers[0].alias.as_deref(), Some("@lancern"));
    assert_eq!(
        first.abstract_.as_ref().map(|a| a.plain()).as_deref(),
        Some("C++ 是一门古老的编程语言。")
    );
}

#[test]
fn the_one_talk_of_a_programme_takes_the_speaker_running_text_names() {
    let agenda = read_body(
        "This month [Hussein Al Abry](https://example.org) will help us spot patterns.\n\n\
         - 6:40pm :: Doors open\n\
         - 7:00pm :: Talk - Writing better code\n\
         - 7:45pm :: Q&A\n",
    );
    let talks: Vec<String> = outline(&agenda)
        .into_iter()
        .filter(|line| !line.starts_with("break"))
        .collect();
    assert_eq!(
        talks,
        ["19:00 Talk - Writing better code / Hussein Al Abry"]
    );
}

#[test]
fn people_listed_under_a_talk_heading_give_it() {
    let agenda = read_body(
        "## 议程\n\n### 议题四：云原生数据工厂\n\n\
         - 郭杨斌，中海庭云端平台科室经理，原东风畅行架构负责人；\n\
         - 刘亮，中海庭云端平台架构师；\n\n\
         ### 议题五：总结\n\n本次分享的要点：\n\n- 数据工厂的三层架构\n- 迁移中遇到的挑战\n",
    );
    let talk = talk(&agenda, 0);
    let names: Vec<&str> = talk.speakers.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["郭杨斌", "刘亮"]);
}

#[test]
fn the_one_person_a_page_introduces_gives_its_one_talk() {
    let agenda = read_body(
        "## 分享人简介\n\n严松，蚂蚁集团技术专家\n\n## 分享主题介绍\n\n镜像是容器基础设施中的一个重要部分。\n",
    );
    let talk = talk(&agenda, 0);
    let who: Vec<(&str, Option<&str>)> = talk
        .speakers
        .iter()
        .map(|s| (s.name.as_str(), s.company.as_deref()))
        .collect();
    assert_eq!(who, [("严松", Some("蚂蚁集团"))]);
}

#[test]
fn a_seminar_titled_with_its_speaker_and_a_title_label() {
    let agenda = read_with(
        "__Title:__ A Bayesian model of TF activation\n\n__Abstract:__\n",
        "2024-05-18T13:00:00+08:00",
        "Nov 09th - Argenis Arriojas",
        &[],
    );
    assert_eq!(
        outline(&agenda),
        ["13:00 A Bayesian model of TF activation / Argenis Arriojas"]
    );
}

#[test]
fn a_quoted_title_over_its_abstract_is_the_pages_talk_even_with_no_speaker() {
    let agenda = read_with(
        "The Foundation will be sharing a talk with Jabil.\n\n\
         \"Large Memory Server Design Overview\"\nAbstract:\nWith the advancement of AI workloads…\n",
        "2024-04-24T00:00:00+01:00",
        "Open Compute Regional Summit 2024 - Future Technologies Symposium",
        &[],
    );
    assert_eq!(outline(&agenda), ["Large Memory Server Design Overview / "]);
    assert_eq!(agenda.warnings.len(), 1, "{:?}", agenda.warnings);
}

/// People named together on one line under a speaker heading, on a page
/// with no programme, present its one talk together; a group among them
/// (`… 小组`) is not a person.
#[test]
fn people_introduced_together_give_the_one_talk_together() {
    let authors: Vec<String> = ["Rust 夜读 SIG 小组", "张伟", "Alice", "Bob"]
        .iter()
        .map(|a| a.to_string())
        .collect();
    let agenda = read_with(
        "## 【Rust 夜读】#9 聊聊我们的故事\n\n## 分享者自我介绍\n\n\
         Rust 夜读 SIG 小组，张伟，Alice，Bob\n\n## 分享时间\n\n2020-03-21 21:00:00 UTC+8\n",
        "2020-03-21T21:00:00+08:00",
        "第 9 期聊聊我们的故事",
        &authors,
    );
    assert_eq!(outline(&agenda), ["21:00 聊聊我们的故事 / 张伟+Alice+Bob"]);
}

/// A section headed by a person's name whose title comes from a label is
/// that person's talk.
#[test]
fn a_section_headed_by_a_person_with_a_title_label_is_their_talk() {
    let agenda = read_body(
        "## 主题分享嘉宾\n\n### 郭伟\n\n> 开源社区发起人\n\n分享的主题是：从多个视角来看待开源\n",
    );
    assert_eq!(outline(&agenda), ["从多个视角来看待开源 / 郭伟"]);
}

#[test]
fn a_description_after_a_word_before_the_name_says_where_the_speaker_is_now() {
    let body = "线上的金枪鱼之夜又恢复啦！\n\n讲者鲍亦澄，来自清华大学物理系，现在为哈佛大学物理系博士生。\n\n活动信息：\n\n* 主讲人：鲍亦澄\n* 主题：X 射线探测器\n";
    assert_eq!(
        outline(&read_body(body)),
        vec!["13:00 X 射线探测器 / 鲍亦澄(哈佛大学)"]
    );
}

#[test]
fn talks_told_as_prose_with_bylines() {
    let body = "Dear all,\n\nThe talks:\n\nRust's Future in 2019\n\nAn introduction to async/await.\n\nby Andreas Monitzer\n";
    assert_eq!(
        outline(&read_body(body)),
        vec!["Rust's Future in 2019 / Andreas Monitzer"]
    );
}

#[test]
fn a_list_of_links_in_prose_is_not_talks_even_where_one_looks_like_one() {
    let body = "Other meetups:\n\n- [Rust Paris](https://example.org/rust-paris/)\n- [Rust TLV (Tel Aviv)](https://example.org/rust-tlv/)\n- [Rust Munich](https://example.org/rust-munich/)\n- 地点：北京\n";
    let agenda = read_body(body);
    assert_eq!(outline(&agenda), Vec::<String>::new());
    // Its details are still reported as the event's.
    assert_eq!(agenda.skipped.len(), 1, "{:?}", agenda.skipped);
    assert!(agenda.skipped[0].1.contains("is a detail of the event"));
    let recordings = "Recordings:\n\n- [Async Rust (Jane Doe)](https://example.org/v/1)\n- [Embedded Rust (John Roe)](https://example.org/v/2)\n- [Photos](https://example.org/photos)\n";
    assert_eq!(
        outline(&read_body(recordings)),
        vec!["Async Rust / Jane Doe", "Embedded Rust / John Roe"]
    );
}

#[test]
fn a_sentence_under_the_agenda_is_not_a_talk() {
    let body = "## Agenda\n\n- \"Niksi\", a presentation by Matias Z\n- Retro: feedback collected in the pad and offline. The most recurring item was the need for meetings.\n";
    let agenda = read_body(body);
    assert_eq!(outline(&agenda), vec!["Niksi / Matias Z"]);
    assert!(agenda
        .skipped
        .iter()
        .any(|(_, why)| why.contains("reads as a sentence")));
}

#[test]
fn a_time_among_the_page_details_times_its_one_talk() {
    let body = "- Date: **Tuesday, 19 March, 2024**\n- Time: [**12:00 - 13:00 UTC**](https://example.org/tz)\n  - **13:00 - 14:00 CET** (e.g. Berlin)\n\n### Formal verification for Rust\n\n#### Speaker: [Guillaume Claret](https://example.org/gc)\n\nWith formal verification, we can assert things.\n";
    assert_eq!(
        outline(&read_body(body)),
        vec!["12:00-13:00 Formal verification for Rust / Guillaume Claret"]
    );
}
