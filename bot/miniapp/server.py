"""Wiring the Mini App to a built `App`, and `python -m bot miniapp --sandbox` for developers.

The development signer makes valid initData for a fake user with a token that is not a bot's;
it refuses to start when TELEGRAM_BOT_TOKEN is set, so it never signs for a real bot.
"""

from __future__ import annotations

import asyncio
import logging
import tempfile
from collections.abc import Sequence
from datetime import datetime, timedelta

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route

from bot.bootstrap import App, SendReplies, bootstrap
from bot.config import ConfigError, Settings
from bot.conversation import Reply
from bot.miniapp.api import MiniAppDeps, miniapp_routes
from bot.miniapp.auth import WebAppUser, sign_init_data

__all__ = ["DEV_TOKEN", "DEV_USER", "create_miniapp", "deps_for", "serve_sandbox"]

logger = logging.getLogger(__name__)

# Not a bot token Telegram could issue (bot ids are positive): initData signed with it is
# worthless anywhere but here.
DEV_TOKEN = "0:sandbox-development-only"
DEV_USER = WebAppUser(id=424242, first_name="Giulia", last_name="Verdi", language_code="it")


def deps_for(
    app: App,
    *,
    bot_token: str,
    deliver: SendReplies | None = None,
    dev_user: WebAppUser | None = None,
) -> MiniAppDeps:
    """The Mini App's dependencies from the composition root: the conversation engine behind the
    staff gateway, the same store (so staff are told of bookings), client and clock."""
    if app.conversation is None:
        raise ValueError("the app has no conversation engine")
    if dev_user is not None and bot_token != DEV_TOKEN:
        raise ConfigError("the development initData signer never runs with a real bot token")
    settings = app.settings
    dev = None
    if dev_user is not None:
        user = dev_user

        def dev() -> str:
            return sign_init_data(user, bot_token=bot_token, auth_date=app.clock.now())

    return MiniAppDeps(
        handle=app.conversation.handle,
        zimun=app.zimun,
        store=app.store,
        clock=app.clock,
        timezone=settings.timezone,
        bot_token=bot_token,
        max_age=timedelta(seconds=settings.mini_app_max_age_seconds),
        default_language=settings.bot_default_language,
        service_id=settings.zimun_service_id,
        deliver=deliver,
        dev_init_data=dev,
    )


def create_miniapp(deps: MiniAppDeps, *, prefix: str = "/app") -> Starlette:
    """The Mini App alone as an ASGI app (tests, the polling runner, the sandbox command)."""

    async def home(_: Request) -> Response:
        return RedirectResponse(f"{prefix}/")

    async def health(_: Request) -> Response:
        return PlainTextResponse("ok")

    routes = [Route("/", home), Route("/healthz", health), *miniapp_routes(deps, prefix=prefix)]
    return Starlette(routes=routes)


def serve_sandbox(settings: Settings, *, host: str, port: int, now: datetime | None) -> int:
    """Serve the page and API on `host:port` against the in-process sandbox."""
    if settings.telegram_bot_token is not None:
        raise ConfigError(
            "TELEGRAM_BOT_TOKEN is set: `miniapp --sandbox` signs initData for a fake user and "
            "never runs beside a real bot token; unset it for this command."
        )
    return asyncio.run(_serve(settings, host=host, port=port, now=now))


async def _serve(settings: Settings, *, host: str, port: int, now: datetime | None) -> int:
    from bot.clock import ShiftedClock, SystemClock
    from bot.sandbox import World, default_seed

    clock = ShiftedClock(now) if now is not None else SystemClock()
    world = World(seed=default_seed(), clock=clock)
    folder = tempfile.mkdtemp(prefix="miniapp-sandbox-")
    settings = settings.model_copy(update={"database_url": f"sqlite:///{folder}/miniapp.sqlite3"})

    async def to_terminal(chat_id: int, replies: Sequence[Reply]) -> None:
        for reply in replies:
            names = ", ".join(a.filename for a in reply.attachments)
            print(f"[chat {chat_id}] {reply.text}" + (f" [{names}]" if names else ""))

    async with await bootstrap(settings, clock=clock, world=world) as app:
        deps = deps_for(app, bot_token=DEV_TOKEN, deliver=to_terminal, dev_user=DEV_USER)
        server = uvicorn.Server(
            uvicorn.Config(create_miniapp(deps), host=host, port=port, log_level="warning")
        )
        print(f"Mini App (sandbox, fake user {DEV_USER.first_name}): http://{host}:{port}/app/")
        await server.serve()
    return 0
