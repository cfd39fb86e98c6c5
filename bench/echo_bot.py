"""The baseline: a bare python-telegram-bot echo bot with one button, driven like the real bot.

Text comes back as text with an "Echo" button; a tap is answered and sends a message with the
same button. Same Bot API stub, same PTB, same rate limiter setting: what is left of the booking
bot's cost per step is ours. Run by bench/run.py: `python bench/echo_bot.py` with
TELEGRAM_BOT_TOKEN, TELEGRAM_API_BASE_URL and TELEGRAM_RATE_LIMITER (on/off) in the environment.

ECHO_HTTP_CLIENT picks the Bot API's HTTP client: `httpx` (the default, PTB's own `HTTPXRequest`:
the bare baseline) or `aiohttp` (the booking bot's `bot/telegram/transport.py`, with the same
pools): the same echo bot on our transport, a second baseline, so the booking bot's cost can be
set against the plumbing it actually runs on. Either way it runs on asyncio's own loop.
"""

from __future__ import annotations

import os
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

KEYBOARD = InlineKeyboardMarkup([[InlineKeyboardButton("Echo", callback_data="echo")]])


async def on_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.effective_message is not None and update.effective_message.text is not None
    await update.effective_message.reply_text(update.effective_message.text, reply_markup=KEYBOARD)


async def on_press(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    assert query is not None and update.effective_chat is not None
    await query.answer()
    await context.bot.send_message(update.effective_chat.id, "Echo!", reply_markup=KEYBOARD)


def main() -> None:
    builder = (
        ApplicationBuilder()
        .token(os.environ["TELEGRAM_BOT_TOKEN"])
        .base_url(os.environ["TELEGRAM_API_BASE_URL"])
        .concurrent_updates(True)
    )
    if os.environ.get("ECHO_HTTP_CLIENT", "httpx") == "aiohttp":
        from bot.telegram.transport import AiohttpRequest

        # As the booking bot builds it (bot/telegram/runner.py): a pool of 256, 1 for getUpdates.
        builder = builder.request(AiohttpRequest()).get_updates_request(
            AiohttpRequest(connection_pool_size=1)
        )
    application: Application[Any, Any, Any, Any, Any, Any]
    if os.environ.get("TELEGRAM_RATE_LIMITER", "on") == "off":
        application = builder.build()
    else:
        application = builder.rate_limiter(AIORateLimiter(max_retries=3)).build()
    application.add_handler(MessageHandler(filters.TEXT, on_text))
    application.add_handler(CallbackQueryHandler(on_press))
    application.run_polling(allowed_updates=[Update.MESSAGE, Update.CALLBACK_QUERY], timeout=10)


if __name__ == "__main__":
    main()
