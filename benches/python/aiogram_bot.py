#!/usr/bin/env python3
"""An aiogram bot answering /next from a folder of event pages, measured as
issue #14 compares herald: resident memory and start-to-ready time.

    python aiogram_bot.py EVENTS_DIR

It imports aiogram, reads every page with python-frontmatter (keeping the
parsed posts), builds `Bot` + `Dispatcher` with a `/next` handler, and is
then ready to poll; it does not: it never connects to Telegram (the token is
a dummy). It reports its memory and time, then proves the data is usable by
feeding one `/next` update through the dispatcher: the handler returns its
`sendMessage` as a webhook reply would, so no request is made.
"""

import asyncio
import datetime
import sys

from common import Events, load_posts, next_reply, report, resident, since_start

from aiogram import Bot, Dispatcher, Router
from aiogram.filters import Command
from aiogram.types import Message, Update

router = Router()


@router.message(Command("next"))
async def cmd_next(message: Message, events: Events):
    # Returned rather than awaited: the method goes back as the webhook
    # reply; `await message.answer(...)` would send it under polling.
    return message.answer(next_reply(events))


def build(events):
    bot = Bot("123:abc")
    dp = Dispatcher()
    dp["events"] = events
    dp.include_router(router)
    return bot, dp


async def ask_next(bot, dp):
    update = Update.model_validate({
        "update_id": 1,
        "message": {
            "message_id": 1,
            "date": int(datetime.datetime.now().timestamp()),
            "chat": {"id": 42, "type": "private"},
            "from": {"id": 42, "is_bot": False, "first_name": "Member"},
            "text": "/next",
            "entities": [{"type": "bot_command", "offset": 0, "length": 5}],
        },
    }, context={"bot": bot})
    method = await dp.feed_update(bot, update)
    await bot.session.close()
    return method.text


def main():
    folder = sys.argv[1]
    base = resident()
    events = Events(load_posts(folder))
    loaded = resident()
    bot, dp = build(events)
    ready_rss, ready_s = resident(), since_start()
    answer = asyncio.run(ask_next(bot, dp))
    report("aiogram", len(events.posts), base, loaded, ready_rss, ready_s, answer)


if __name__ == "__main__":
    main()
