"""What the two Python bots of issue #14 share, so that both do the same
work: read every page of a folder with python-frontmatter, keep the parsed
posts (metadata + content) and an index by start date, answer `/next`, and
measure their own resident memory and the time since the process started.

Linux only: it reads /proc/self/statm and /proc/self/stat.
"""

import bisect
import datetime
import json
import os
import time

import frontmatter

PAGE = os.sysconf("SC_PAGE_SIZE")
TICKS = os.sysconf("SC_CLK_TCK")


def resident():
    """Resident bytes of this process, as benches/common/resident.rs reads them."""
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * PAGE


def peak_resident():
    """The high-water mark of resident bytes (VmHWM)."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    return 0


def since_start():
    """Seconds since this process was started (exec'd), 10 ms resolution:
    the kernel's start time, in clock ticks since boot, against the boot clock."""
    with open("/proc/self/stat") as f:
        # The command name may hold spaces: fields count from after its ')'.
        fields = f.read().rsplit(")", 1)[1].split()
    started = int(fields[19]) / TICKS  # field 22 of stat(5)
    return time.clock_gettime(time.CLOCK_BOOTTIME) - started


def load_posts(folder):
    """Every `*.md` page under `folder`, parsed, in path order."""
    posts = []
    for root, dirs, files in os.walk(folder):
        dirs.sort()
        for name in sorted(files):
            if name.endswith(".md"):
                posts.append(frontmatter.load(os.path.join(root, name)))
    return posts


class Events:
    """The posts and, to answer /next without a scan, their start dates in order."""

    def __init__(self, posts):
        self.posts = posts
        dated = sorted(
            ((post.metadata["date"], i) for i, post in enumerate(posts)),
            key=lambda pair: pair[0],
        )
        self.starts = [start for start, _ in dated]
        self.order = [i for _, i in dated]

    def next_after(self, now):
        at = bisect.bisect_right(self.starts, now)
        if at == len(self.starts):
            return None
        return self.posts[self.order[at]]


def next_reply(events, now=None):
    """The text of the answer to /next."""
    now = now or datetime.datetime.now(datetime.timezone.utc)
    post = events.next_after(now)
    if post is None:
        return "No upcoming event."
    meta = post.metadata
    return "{}\n{} · {}\n{}\n({} characters of programme)".format(
        meta["title"],
        meta["date"].isoformat(),
        meta.get("location", ""),
        ", ".join(meta.get("authors", [])),
        len(post.content),
    )


def report(bot, pages, base, loaded, ready_rss, ready_s, answer):
    """One JSON line for compare.sh, and a readable summary on top."""
    mib = 1 << 20
    added = max(loaded - base, 0)
    print(f"{bot}: {pages} pages")
    print(f"  resident after imports:   {base / mib:8.1f} MiB")
    print(f"  resident after the load:  {loaded / mib:8.1f} MiB "
          f"(+{added / mib:.1f} MiB, {added / 1024 / max(pages, 1):.1f} KiB per page)")
    print(f"  resident when ready:      {ready_rss / mib:8.1f} MiB (peak {peak_resident() / mib:.1f})")
    print(f"  start to ready:           {ready_s:8.2f} s")
    print("  /next answered:", answer.replace("\n", " | "))
    print("RESULT " + json.dumps({
        "bot": bot,
        "pages": pages,
        "rss": ready_rss,
        "load_delta": added,
        "startup": ready_s,
    }))
