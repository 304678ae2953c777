#!/usr/bin/env python3
"""Whole-process memory and start-to-ready time of a real `herald run`, for
the comparison of issue #14, without Telegram: the Bot API is answered by a
stand-in on 127.0.0.1 (TELOXIDE_API_URL), which says yes to getMe,
setMyCommands and deleteWebhook and returns no updates to getUpdates.

    python3 herald_run.py HERALD_BINARY EVENTS_DIR [SETTLE_SECONDS]

herald is ready when it first asks for updates: by then it has read every
page, opened its state file and built its catalog. The figure reported is
its resident memory SETTLE_SECONDS (default 2) after that, and its
high-water mark, read from /proc/PID/status; then it is sent SIGTERM.
Standard library only.
"""

import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ME = {
    "id": 123,
    "is_bot": True,
    "first_name": "Bench",
    "username": "bench_bot",
    "can_join_groups": True,
    "can_read_all_group_messages": False,
    "supports_inline_queries": False,
    "can_connect_to_business": False,
    "has_main_web_app": False,
}

first_poll = threading.Event()
polled_at = []
calls = []


class BotApi(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        method = self.path.rstrip("/").rsplit("/", 1)[-1].lower()
        calls.append(method)
        if method == "getme":
            result = ME
        elif method == "getupdates":
            if not first_poll.is_set():
                polled_at.append(time.monotonic())
                first_poll.set()
            time.sleep(0.5)  # a short long poll: nothing new
            result = []
        else:
            result = True
        body = json.dumps({"ok": True, "result": result}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        try:
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # herald stopped while polling

    do_GET = do_POST

    def log_message(self, *args):
        pass


def status(pid):
    fields = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            key, _, value = line.partition(":")
            fields[key] = value.strip()
    return fields


def kib(value):
    return int(value.split()[0]) * 1024


def main():
    binary, events = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    settle = float(sys.argv[3]) if len(sys.argv) > 3 else 2.0
    server = ThreadingHTTPServer(("127.0.0.1", 0), BotApi)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    with tempfile.TemporaryDirectory() as tmp:
        config = os.path.join(tmp, "bot.toml")
        with open(config, "w") as f:
            f.write(f'events = "{events}"\nstate = "{tmp}/herald.db"\n')
        env = dict(
            os.environ,
            TELOXIDE_TOKEN="123:abc",
            TELOXIDE_API_URL=f"http://127.0.0.1:{server.server_port}/",
            RUST_LOG="warn",
        )
        env.pop("HERALD_STATE", None)
        log = open(os.environ.get("HERALD_RUN_LOG") or os.path.join(tmp, "herald.log"), "w+")
        started = time.monotonic()
        child = subprocess.Popen([binary, "run", "--config", config], env=env,
                                 stdout=log, stderr=subprocess.STDOUT)
        try:
            if not first_poll.wait(120) or child.poll() is not None:
                log.seek(0)
                sys.exit(f"herald run never polled (exit {child.poll()}):\n{log.read()[-3000:]}")
            ready = polled_at[0] - started
            time.sleep(settle)
            fields = status(child.pid)
            rss, peak = kib(fields["VmRSS"]), kib(fields["VmHWM"])
        finally:
            child.send_signal(signal.SIGTERM)
            try:
                child.wait(15)
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()
    server.shutdown()
    mib = 1 << 20
    print(f"herald run (whole process): resident {rss / mib:.1f} MiB "
          f"(peak {peak / mib:.1f}) {settle:g} s after ready; start to ready {ready:.2f} s")
    print(f"  Bot API calls seen: {sorted(set(calls))}")
    print("RESULT " + json.dumps({"bot": "herald run (process)", "rss": rss,
                                  "peak": peak, "startup": ready}))


if __name__ == "__main__":
    main()
