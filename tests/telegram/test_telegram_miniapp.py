"""The Mini App beside the Telegram bot (issue 14): the real runner in polling mode with
MINI_APP_URL set, the loopback Bot API stub, the sandbox on a fixed clock. The menu button opens
the Mini App, the "when" step offers it, and a booking made in it is told in the chat with its
`.ics` through the same adapter as every other message."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from botapi_stub import TOKEN, BotApiStub, running, says, settings_for

from bot.bootstrap import App, bootstrap
from bot.clock import ManualClock
from bot.config import Settings
from bot.miniapp import WebAppUser, sign_init_data
from bot.sandbox import World, default_seed
from bot.telegram.runner import Tuning, serve

NOW = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
URL = "https://bot.example.com/app/"


@pytest.fixture
async def stub() -> AsyncIterator[BotApiStub]:
    async with BotApiStub().serving() as stub:
        yield stub


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


async def test_polling_bot_serves_the_mini_app_and_tells_the_chat(
    stub: BotApiStub, tmp_path: Path
) -> None:
    port = free_port()
    settings = settings_for(stub, tmp_path, mini_app_url=URL, port=port)
    clock = ManualClock(NOW)
    world = World(seed=replace(default_seed(), staff=1), clock=clock)

    async def build(settings: Settings) -> App:
        return await bootstrap(settings, clock=clock, world=world, warm_up=None)

    tuning = Tuning(due_interval=0.05, due_stagger=0, polling_timeout=1, listen_host="127.0.0.1")
    user = WebAppUser(id=7, first_name="Giulia", language_code="it")
    auth = {"Authorization": "tma " + sign_init_data(user, bot_token=TOKEN, auth_date=NOW)}
    async with (
        running(stub, lambda stop: serve(settings, build=build, stop=stop, tuning=tuning)),
        httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as client,
    ):
        [menu] = stub.calls_to("setChatMenuButton")
        assert URL in str(menu.params["menu_button"])
        # The chat's "when" step offers the calendar.
        stub.text(7, "vorrei un taglio", first_name="Giulia")
        [when] = await stub.wait_replies(7, 1)
        assert ("📅 Calendario", f"web_app:{URL}") in [b for row in when.keyboard for b in row]
        page = await client.get("/app/")  # listening since before polling began
        assert page.status_code == 200 and "app.js" in page.text
        assert (await client.get("/app/api/me")).status_code == 401
        start = "20261126T1400"  # Thursday 26 November, 15:00 in Rome
        held = await client.post(
            "/app/api/hold", json={"service": "s_taglio", "start": start}, headers=auth
        )
        assert held.status_code == 200
        contact = {"name": "Giulia Verdi", "email": "giulia@example.org"}
        assert (await client.post("/app/api/contact", json=contact, headers=auth)).is_success
        assert (await client.post("/app/api/confirm", headers=auth)).status_code == 200
        await stub.wait_for(
            lambda: any(m.document for m in stub.bot_messages(7)), what="the .ics in the chat"
        )
    [booked] = [m for m in stub.bot_messages(7) if m.document]
    assert says(booked.text, "it", "booked.text", when="giovedì 26 novembre alle 15:00")
    assert booked.document is not None and booked.document[0].endswith(".ics")


async def test_webhook_server_serves_the_mini_app_beside_the_webhook(tmp_path: Path) -> None:
    from telegram.ext import ApplicationBuilder

    from bot.miniapp import miniapp_routes
    from bot.miniapp.server import deps_for
    from bot.telegram.webhook import create_webhook_app

    settings = Settings(
        _env_file=None,
        telegram_bot_token=TOKEN,
        database_url=f"sqlite:///{tmp_path / 'bot.sqlite3'}",
        mini_app_url=URL,
    )
    clock = ManualClock(NOW)
    world = World(seed=default_seed(), clock=clock)
    application = ApplicationBuilder().token(TOKEN).updater(None).build()
    async with await bootstrap(settings, clock=clock, world=world, warm_up=None) as app:
        routes = miniapp_routes(deps_for(app, bot_token=TOKEN))
        asgi = create_webhook_app(application, path="/hook", secret="s3cret", routes=routes)
        transport = httpx.ASGITransport(app=asgi)
        async with httpx.AsyncClient(transport=transport, base_url="http://bot.test") as client:
            assert (await client.get("/app/")).status_code == 200
            assert (await client.get("/app/api/me")).status_code == 401
            assert (await client.post("/hook", json={})).status_code == 403
