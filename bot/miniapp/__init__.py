"""The Telegram Mini App (issue 14): a booking screen beside the chat, one more face of the engine.

`static/` holds the page (plain HTML, CSS and JavaScript, served by the bot itself); `api` the
JSON endpoints behind it, each authenticated by Telegram's signed initData (`auth`).
"""

from bot.miniapp.api import MiniAppDeps, miniapp_routes
from bot.miniapp.auth import InvalidInitData, WebAppUser, sign_init_data, verify_init_data

__all__ = [
    "InvalidInitData",
    "MiniAppDeps",
    "WebAppUser",
    "miniapp_routes",
    "sign_init_data",
    "verify_init_data",
]
