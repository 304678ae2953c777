#!/usr/bin/env bash
# Issue #14: herald's memory and start-up against two Python bots (aiogram
# and python-telegram-bot, reading the pages with python-frontmatter), all
# on the same generated meetup pages (benches/common/pages.rs, ported
# byte-for-byte by pages.py).
#
#   benches/python/compare.sh            # 1,000 and 10,000 pages, 3 runs each
#   PAGES="1000" RUNS=1 benches/python/compare.sh
#
# Needs Linux (/proc), python3 (3.11 was used) with venv and pip reaching
# PyPI, cargo, and GNU time at /usr/bin/time (else it falls back to
# Python's getrusage). The venv is target/python-venv (VENV= to change);
# each run's raw output is kept in target/python-bench/.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
venv="${VENV:-$root/target/python-venv}"
pages_list="${PAGES:-1000 10000}"
runs="${RUNS:-3}"
logs="$root/target/python-bench"
mkdir -p "$logs"
results="$logs/results.jsonl"
: > "$results"

if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
fi
"$venv/bin/pip" install -q -r "$here/requirements.txt"
py="$venv/bin/python"
export PYTHONDONTWRITEBYTECODE=1  # no __pycache__ in benches/python

(cd "$root" && cargo build --release --bin herald --example memory)
herald="$root/target/release/herald"
example="$root/target/release/examples/memory"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/empty"

# Peak RSS (KiB) and wall seconds of a command, its output to $2.
timed() {
    local out="$1"; shift
    if [ -x /usr/bin/time ]; then
        /usr/bin/time -f "TIMED %M %e" -o "$out.time" "$@" > "$out" 2>&1
        cat "$out.time" >> "$out"
    else
        python3 - "$out" "$@" <<'EOF'
import resource, subprocess, sys, time
out, cmd = sys.argv[1], sys.argv[2:]
start = time.monotonic()
with open(out, "w") as f:
    subprocess.run(cmd, stdout=f, stderr=subprocess.STDOUT, check=True)
wall = time.monotonic() - start
with open(out, "a") as f:
    f.write(f"TIMED {resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss} {wall:.2f}\n")
EOF
    fi
}

record() { echo "$1" >> "$results"; }

# The bots on an empty folder: what each process holds before any page.
for run in $(seq "$runs"); do
    for bot in aiogram ptb; do
        (cd "$here" && "$py" "${bot}_bot.py" "$work/empty") > "$logs/$bot-0-$run.log" 2>&1
        record "$(grep '^RESULT ' "$logs/$bot-0-$run.log" | cut -c8-)"
    done
    python3 "$here/herald_run.py" "$herald" "$work/empty" > "$logs/herald-run-0-$run.log" 2>&1
    record "$(grep '^RESULT ' "$logs/herald-run-0-$run.log" | cut -c8- | sed 's/}$/, "pages": 0}/')"
    printf 'events = "%s"\nstate = "%s"\n' "$work/empty" "$work/h0.db" > "$work/bot0.toml"
    timed "$logs/herald-check-0-$run.log" "$herald" check --config "$work/bot0.toml" || true
    read -r _ kib wall < <(grep '^TIMED ' "$logs/herald-check-0-$run.log")
    record "{\"bot\": \"herald check (process)\", \"pages\": 0, \"rss\": $((kib * 1024)), \"startup\": $wall}"
done

for n in $pages_list; do
    dir="$work/pages-$n"
    python3 "$here/pages.py" "$dir" "$n" | tee "$logs/pages-$n.log"
    printf 'events = "%s"\nstate = "%s"\n' "$dir" "$work/h-$n.db" > "$work/bot-$n.toml"
    for run in $(seq "$runs"); do
        echo "  $n pages, run $run of $runs"
        for bot in aiogram ptb; do
            (cd "$here" && "$py" "${bot}_bot.py" "$dir") > "$logs/$bot-$n-$run.log" 2>&1
            record "$(grep '^RESULT ' "$logs/$bot-$n-$run.log" | cut -c8-)"
        done
        python3 "$here/herald_run.py" "$herald" "$dir" > "$logs/herald-run-$n-$run.log" 2>&1
        record "$(grep '^RESULT ' "$logs/herald-run-$n-$run.log" | cut -c8- | sed "s/}\$/, \"pages\": $n}/")"
        timed "$logs/herald-check-$n-$run.log" "$herald" check --config "$work/bot-$n.toml"
        read -r _ kib wall < <(grep '^TIMED ' "$logs/herald-check-$n-$run.log")
        record "{\"bot\": \"herald check (process)\", \"pages\": $n, \"rss\": $((kib * 1024)), \"startup\": $wall}"
        for mode in run check; do
            "$example" "$mode" "$n" > "$logs/example-$mode-$n-$run.log" 2>&1
            # "herald run (the catalog in service): 90.2 MiB resident, 9.2 KiB per page"
            read -r mib per < <(sed -n 's/.*: \([0-9.]*\) MiB resident, \([0-9.]*\) KiB per page/\1 \2/p' \
                "$logs/example-$mode-$n-$run.log")
            record "{\"bot\": \"example memory $mode (library delta)\", \"pages\": $n, \"delta_mib\": $mib, \"per_page\": $per}"
        done
    done
done

python3 - "$results" "$runs" <<'EOF'
import json, statistics, sys
rows = [json.loads(line) for line in open(sys.argv[1]) if line.strip()]
runs = int(sys.argv[2])
names = {
    "aiogram": "aiogram 3 (whole process)",
    "python-telegram-bot": "python-telegram-bot (whole process)",
    "herald run (process)": "herald run (whole process)",
    "herald check (process)": "herald check (whole process, peak)",
}
def med(values):
    return statistics.median(values) if values else None
by = {}
for r in rows:
    by.setdefault((r["bot"], r["pages"]), []).append(r)
mib = 1 << 20
print()
print(f"Median of {runs} run(s). KiB/page: whole-process rows, (RSS at N - RSS at 0 pages) / N;")
print("example rows, the RSS the library adds around its load / N (examples/memory.rs).")
print(f"{'pages':>6}  {'bot':<46} {'RSS MiB':>8} {'KiB/page':>9} {'startup s':>10}")
for n in sorted({p for _, p in by if p}):
    for bot in ["aiogram", "python-telegram-bot", "herald run (process)", "herald check (process)",
                "example memory run (library delta)", "example memory check (library delta)"]:
        got = by.get((bot, n))
        if not got:
            continue
        if bot.startswith("example"):
            rss = med([r["delta_mib"] for r in got])
            per = med([r["per_page"] for r in got])
            print(f"{n:>6}  {'herald ' + bot:<46} {rss:>8.1f} {per:>9.1f} {'-':>10}")
            continue
        rss = med([r["rss"] for r in got]) / mib
        base = by.get((bot, 0))
        per = (rss - med([r["rss"] for r in base]) / mib) * 1024 / n if base else float("nan")
        start = med([r["startup"] for r in got])
        print(f"{n:>6}  {names[bot]:<46} {rss:>8.1f} {per:>9.1f} {start:>10.2f}")
print()
print(f"{'0':>6}  (empty folder: what each process holds before any page)")
for bot in ["aiogram", "python-telegram-bot", "herald run (process)", "herald check (process)"]:
    got = by.get((bot, 0))
    if got:
        print(f"{0:>6}  {names[bot]:<46} {med([r['rss'] for r in got]) / mib:>8.1f} {'-':>9} "
              f"{med([r['startup'] for r in got]):>10.2f}")
EOF
