#!/usr/bin/env python3
"""The generated meetup pages of `benches/common/pages.rs`, written to disk
for the Python bots of issue #14.

A line-for-line port of that file and of `write` in `examples/memory.rs`
(page `index` is held on 2019-01-01 + draw(index, 4, 8 * 365) days), so the
folder it writes holds byte-for-byte the pages `cargo run --release
--example memory` writes into its temporary folder (and deletes). Keep it in
step with `pages.rs` if that changes.

    python3 benches/python/pages.py DIR [PAGES]     (default 10,000)

Prints the number of pages and their average size, as the example does.
"""

import datetime
import json
import os
import sys

TALKS_PER_PAGE = 5

SURNAMES = [
    "周", "王", "李", "张", "刘", "陈", "杨", "赵", "黄", "吴", "徐", "孙", "胡", "朱", "高", "林",
    "何", "郭", "马", "罗", "梁", "宋", "郑", "谢", "韩",
]
GIVEN_NAMES = [
    "强", "伟", "芳", "娜", "敏", "静", "磊", "洋", "勇", "艳", "杰", "军", "涛", "明", "超",
    "秀英", "霞", "平", "刚", "桂英", "佰平", "健波", "义飞", "净超", "晓辉", "青", "国峰", "德惠",
    "川胡", "新", "雨", "博", "宇", "浩", "然", "婷", "欣", "琳", "阳", "鹏",
]
FIRST_NAMES = [
    "Jane", "Maria", "Li", "Alex", "Sam", "Priya", "Omar", "Lena", "Chen", "Tom", "Ana", "Ravi",
    "Kenji", "Sara", "Ivan", "Nora", "Diego", "Mei", "Paul", "Zoe", "Hugo", "Aisha", "Finn",
    "Yuki", "Carl",
]
LAST_NAMES = [
    "Doe", "Santos", "Wei", "Stone", "Kim", "Patel", "Novak", "Berg", "Silva", "Okafor", "Rossi",
    "Meyer", "Tanaka", "Haddad", "Costa", "Brown", "Nguyen", "Park", "Olsen", "Duarte", "Ivanova",
    "Moreau", "Fischer", "Walsh", "Reyes", "Lind", "Kowalski", "Sato", "Baker", "Hale", "Quinn",
    "Ward", "Frost", "Lowe", "Price", "Marsh", "Pike", "Reed", "Shaw", "Voss",
]
ZH_COMPANIES = [
    "PingCAP", "网易", "阿里巴巴", "腾讯", "字节跳动", "华为", "蚂蚁集团", "美团", "京东", "百度",
    "Tetrate",
]
EN_COMPANIES = ["Acme", "Ferrous Labs", "Initech", "Globex", "Hooli", "Umbrella", "Cyberdyne"]
CITIES = ["杭州", "上海", "北京", "深圳", "成都", "南京", "Shanghai", "Beijing"]
TOPICS = [
    "Rust", "tokio", "Kubernetes", "Envoy", "Istio", "eBPF", "WebAssembly", "Chaos Mesh", "TiDB",
    "Prometheus", "KubeVela", "gRPC", "OpenTelemetry", "Cilium", "etcd", "Dapr",
]
ZH_TITLES = [
    "{t} 在{c}的落地实践",
    "使用 {t} 构建高可用服务",
    "{t} 源码解读",
    "基于 {t} 的可观测性实践",
    "{t} 性能优化之路",
]
EN_TITLES = [
    "Async {t} in production",
    "{t} at scale",
    "Debugging {t} the hard way",
    "What we learned running {t}",
    "Zero-downtime upgrades with {t}",
]
SLOTS = ["13:00 - 13:40", "13:40 - 14:20", "14:40 - 15:20", "15:20 - 16:00", "16:00 - 16:40"]

MASK = (1 << 64) - 1
FIRST_DAY = datetime.date(2019, 1, 1)


def draw(seed, salt, length):
    """`draw` of pages.rs: splitmix64's finaliser, in u64 arithmetic."""
    x = (seed ^ ((salt * 0x9E3779B97F4A7C15) & MASK)) & MASK
    x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & MASK
    x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & MASK
    return (x ^ (x >> 31)) % length


def plan(page, talk, chinese):
    seed = page * TALKS_PER_PAGE + talk
    if chinese:
        first, last, companies, titles = SURNAMES, GIVEN_NAMES, ZH_COMPANIES, ZH_TITLES
    else:
        first, last, companies, titles = FIRST_NAMES, LAST_NAMES, EN_COMPANIES, EN_TITLES
    person = draw(seed, 2, len(first) * len(last))
    a, b = first[person // len(last)], last[person % len(last)]
    topic = TOPICS[draw(seed, 1, len(TOPICS))]
    company = companies[person % len(companies)]
    title = titles[draw(seed, 3, len(titles))].replace("{t}", topic).replace("{c}", company)
    name = f"{a}{b}" if chinese else f"{a} {b}"
    return title, topic, name, company


def plans(page, chinese):
    return [plan(page, talk, chinese) for talk in range(TALKS_PER_PAGE)]


def debug_list(items):
    """Rust's `{:?}` of a `Vec<&str>`: none of these strings needs escaping."""
    return json.dumps(items, ensure_ascii=False)


def front_matter(page, day, title, talks):
    authors = [name for _, _, name, _ in talks]
    tags = sorted(set(topic for _, topic, _, _ in talks))
    city = CITIES[draw(page, 5, len(CITIES))]
    return (
        f'---\ntitle: "{title}"\nevent: "{title}"\nlocation: {city}\naddress:\n  city: {city}\n  '
        f"country: 中国\nsummary: 'Talks on {', '.join(tags)}.'\ndate: {day}T13:00:00+08:00\n"
        f"date_end: {day}T18:00:00+08:00\nall_day: false\nauthors: {debug_list(authors)}\n"
        f"tags: {debug_list(tags)}\nurl_slides: ''\n---\n\n"
    )


def chinese_page(page, day):
    talks = plans(page, True)
    out = [front_matter(page, day, f"云原生社区 meetup 第{page}期", talks)]
    for title, topic, name, company in talks:
        out.append(
            f"### {title}\n\n讲师：{name}\n\n公司：{company}\n\n"
            f"讲师介绍：{name}，{company} 资深工程师，专注 {topic} 的开发与性能优化。\n\n"
            f"演讲概要：\n\n本次分享介绍 {topic} 的核心原理，以及我们在生产环境中使用 {topic} 的经验。\n\n"
            f"1. {topic} 架构与关键特性\n2. 生产实践中遇到的问题\n3. 未来规划\n\n"
            f"听众收益：\n\n1. 了解 {topic} 的落地经验\n\n"
        )
    return "".join(out)


def english_page(page, day):
    talks = plans(page, False)
    out = [front_matter(page, day, f"Rust Meetup #{page}", talks)]
    out.append("An afternoon of talks from teams who run this in production.\n\n## Programme\n\n")
    for slot, (title, _, name, company) in zip(SLOTS, talks):
        if slot == SLOTS[2]:
            out.append("- 14:20 - 14:40 Coffee break\n")
        out.append(f"- {slot} {title} — {name} ({company})\n")
    return "".join(out)


def page(index, day):
    """Page `index`: its path relative to the events folder and its text."""
    if index % 2 == 0:
        return f"meetup-{index:05}/index.md", chinese_page(index, day)
    return f"rust-{index:05}.md", english_page(index, day)


def write(folder, pages):
    """Writes pages 0..pages as examples/memory.rs does; returns their bytes."""
    total = 0
    for index in range(pages):
        day = FIRST_DAY + datetime.timedelta(days=draw(index, 4, 8 * 365))
        path, src = page(index, day)
        data = src.encode("utf-8")
        total += len(data)
        path = os.path.join(folder, path)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(data)
    return total


def main():
    if len(sys.argv) not in (2, 3):
        sys.exit(__doc__)
    folder = sys.argv[1]
    pages = int(sys.argv[2]) if len(sys.argv) == 3 else 10_000
    total = write(folder, pages)
    print(f"{pages} pages, {total / pages / 1000:.1f} KB each on average ({total} bytes)")


if __name__ == "__main__":
    main()
