"""The Mini App beside the bot (issue 14): its menu button, and its page and API on our server.

With MINI_APP_URL set, the chat's menu button opens the Mini App (Bot API `setChatMenuButton`
with a `MenuButtonWebApp`), and its routes are served at the URL's path: on the webhook server,
or, in polling mode, on a small server started for it on PORT.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from telegram import Bot, MenuButtonWebApp, WebAppInfo

from bot.config import Settings
from bot.conversation import Reply
from bot.i18n import translator_for

if TYPE_CHECKING:
    # uvicorn and Starlette are imported on use: without MINI_APP_URL the bot serves no HTTP.
    from starlette.requests import Request
    from starlette.responses import Response
    from starlette.routing import BaseRoute

    from bot.telegram.runner import RunningApp, Tuning

__all__ = ["mini_app_routes", "mini_app_server", "set_mini_app_button"]

logger = logging.getLogger(__name__)

Deliver = Callable[[int, Sequence[Reply]], Awaitable[None]]


def mini_app_prefix(settings: Settings) -> str:
    assert settings.mini_app_url is not None
    return (urlsplit(str(settings.mini_app_url)).path or "/app").rstrip("/") or "/app"


def mini_app_routes(app: RunningApp, settings: Settings, deliver: Deliver) -> list[BaseRoute]:
    """The Mini App's routes for the built app; none without MINI_APP_URL."""
    if settings.mini_app_url is None:
        return []
    # Imported on use: the composition root's types, only needed with the Mini App on.
    from bot.bootstrap import App
    from bot.miniapp import miniapp_routes
    from bot.miniapp.server import deps_for

    if not isinstance(app, App):
        logger.warning("the Mini App needs the bootstrap's App; not served")
        return []
    token = settings.require_telegram().get_secret_value()
    return miniapp_routes(
        deps_for(app, bot_token=token, deliver=deliver), prefix=mini_app_prefix(settings)
    )


async def set_mini_app_button(bot: Bot, settings: Settings) -> None:
    """The menu button beside the text box opens the Mini App (best effort, like the commands)."""
    assert settings.mini_app_url is not None
    label = translator_for(settings.bot_default_language)("button.calendar")
    try:
        await bot.set_chat_menu_button(
            menu_button=MenuButtonWebApp(text=label, web_app=WebAppInfo(str(settings.mini_app_url)))
        )
    except Exception:
        logger.exception("the Mini App menu button could not be set")


@contextlib.asynccontextmanager
async def mini_app_server(
    routes: Sequence[BaseRoute], settings: Settings, tuning: Tuning
) -> AsyncIterator[None]:
    """In polling mode: serve the Mini App on PORT while the body runs."""
    import uvicorn
    from starlette.applications import Starlette
    from starlette.responses import PlainTextResponse
    from starlette.routing import Route

    async def health(_: Request) -> Response:
        return PlainTextResponse("ok")

    server = uvicorn.Server(
        uvicorn.Config(
            Starlette(routes=[Route("/healthz", health), *routes]),
            host=tuning.listen_host,
            port=settings.port,
            log_level="warning",
            lifespan="off",
        )
    )
    # Bound and listening before serving starts: a port in use fails here, at start-up, and
    # the first requests wait in the backlog instead of being refused.
    sock = socket.create_server((tuning.listen_host, settings.port), reuse_port=False)
    serving = asyncio.create_task(server.serve(sockets=[sock]), name="mini-app-server")
    logger.info("mini app listening on port %s", settings.port)
    try:
        yield
    finally:
        server.should_exit = True
        await serving
        sock.close()
