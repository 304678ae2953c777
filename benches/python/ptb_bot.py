#!/usr/bin/env python3
"""A python-telegram-bot bot answering /next from a folder of event pages,
measured as issue #14 compares herald: resident memory and start-to-ready
time.

    python ptb_bot.py EVENTS_DIR

It imports python-telegram-bot, reads every page with python-frontmatter
(keeping the parsed posts), builds an `Application` with a `/next`
`CommandHandler`, and is then ready to poll; it does not: it never connects
to Telegram (the token is a dummy). It reports its memory and time, then
proves the data is usable by running one `/next` update through the same
handler in a second Application whose requests are answered in-process
(`Application.process_update` needs `initialize`, which calls getMe).
"""

import asyncio
import datetime
import json
import sys

from common import Events, load_posts, next_reply, report, resident, since_start

from telegram import Update
from telegram.ext import Application, CommandHandler, ContextTypes
from telegram.request import BaseRequest

TOKEN = "123:abc"


async def cmd_next(update: Update, context: ContextTypes.DEFAULT_TYPE):
    await update.message.reply_text(next_reply(context.bot_data["events"]))


def build(events, request=None):
    builder = Application.builder().token(TOKEN)
    if request is not None:
        builder = builder.request(request).get_updates_request(request)
    app = builder.build()
    app.bot_data["events"] = events
    app.add_handler(CommandHandler("next", cmd_next))
    return app


class Offline(BaseRequest):
    """The Bot API answered in-process: getMe, and sendMessage recorded."""

    def __init__(self):
        self.sent = []

    @property
    def read_timeout(self):
        return None

    async def initialize(self):
        pass

    async def shutdown(self):
        pass

    async def do_request(self, url, method, request_data=None, **timeouts):
        name = url.rsplit("/", 1)[1]
        params = request_data.parameters if request_data else {}
        if name == "getMe":
            result = {"id": 123, "is_bot": True, "first_name": "Bench", "username": "bench_bot"}
        elif name == "sendMessage":
            self.sent.append(params["text"])
            result = {
                "message_id": 2,
                "date": int(datetime.datetime.now().timestamp()),
                "chat": {"id": params["chat_id"], "type": "private"},
                "text": params["text"],
            }
        else:
            result = True
        return 200, json.dumps({"ok": True, "result": result}).encode()


async def ask_next(events):
    offline = Offline()
    app = build(events, offline)
    await app.initialize()
    update = Update.de_json({
        "update_id": 1,
        "message": {
            "message_id": 1,
            "date": int(datetime.datetime.now().timestamp()),
            "chat": {"id": 42, "type": "private"},
            "from": {"id": 42, "is_bot": False, "first_name": "Member"},
            "text": "/next",
            "entities": [{"type": "bot_command", "offset": 0, "length": 5}],
        },
    }, app.bot)
    await app.process_update(update)
    await app.shutdown()
    return offline.sent[0]


def main():
    folder = sys.argv[1]
    base = resident()
    events = Events(load_posts(folder))
    loaded = resident()
    app = build(events)
    ready_rss, ready_s = resident(), since_start()
    answer = asyncio.run(ask_next(events))
    report("python-telegram-bot", len(events.posts), base, loaded, ready_rss, ready_s, answer)
    del app


if __name__ == "__main__":
    main()
