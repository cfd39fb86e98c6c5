"""The composition root: sandbox or real Zimun from the settings, fakes by keyword, clean close."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from bot.bootstrap import bootstrap
from bot.clock import ManualClock
from bot.config import ConfigError, Settings
from bot.conversation import Command, Customer, Reply, Text
from bot.sandbox import (
    SANDBOX_CLIENT_ID,
    SANDBOX_CLIENT_SECRET,
    SANDBOX_ORGANIZATION_ID,
    World,
    create_app,
    default_seed,
)
from bot.storage import open_store
from bot.zimun import ZimunError

NOW = datetime.fromisoformat("2026-11-23T09:00:00+01:00")
MARIO = Customer(chat_id=1, user_id=1, first_name="Mario", language_code="it")


def settings(tmp_path: Path, **values: Any) -> Settings:
    base: dict[str, Any] = {
        "zimun_client_id": None,
        "zimun_client_secret": None,
        "zimun_organization_id": None,
        "database_url": f"sqlite:///{tmp_path / 'bot.sqlite3'}",
    }
    return Settings(_env_file=None, **(base | values))


async def test_without_zimun_keys_the_bot_runs_on_the_sandbox_and_delivers_due_messages(
    tmp_path: Path,
) -> None:
    clock = ManualClock(NOW)
    async with await bootstrap(settings(tmp_path), clock=clock, warm_up=None) as app:
        assert app.world is not None
        assert app.organization_id == SANDBOX_ORGANIZATION_ID
        replies = await app.engine.handle(MARIO, Text("vorrei un taglio domani alle 11"))
        assert "martedì 24 novembre alle 11:00" in replies[0].text

        delivered: list[tuple[int, list[Reply]]] = []

        async def send(chat_id: int, replies: Any) -> None:
            delivered.append((chat_id, list(replies)))

        clock.advance(timedelta(minutes=8, seconds=30))
        assert await app.deliver_due(send) == 1
        assert delivered[0][0] == 1 and "due minuti" in delivered[0][1][0].text
        assert await app.deliver_due(send) == 0  # marked sent: never twice


async def test_half_configured_zimun_keys_stop_start_up(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="ZIMUN_CLIENT_SECRET"):
        await bootstrap(settings(tmp_path, zimun_client_id="abc"), warm_up=None)


async def test_with_zimun_keys_the_bot_calls_the_configured_url(tmp_path: Path) -> None:
    seen: list[httpx.URL] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.url)
        return httpx.Response(401, json={"error": "invalid_client"})

    configured = settings(
        tmp_path,
        zimun_api_url="https://zimun.example.test",
        zimun_client_id="client",
        zimun_client_secret="secret",
        zimun_organization_id="o_1",
    )
    app = await bootstrap(configured, zimun_transport=httpx.MockTransport(handler), warm_up=None)
    async with app:
        assert app.world is None
        assert app.organization_id == "o_1"
        with pytest.raises(ZimunError):
            await app.zimun.list_services()
    assert seen and seen[0].host == "zimun.example.test"


async def test_warming_up_reads_the_services_so_the_first_customer_does_not_wait_for_them(
    tmp_path: Path,
) -> None:
    clock = ManualClock(NOW)
    world = World(seed=default_seed(), clock=clock)
    paths: list[str] = []

    class Recording(httpx.AsyncBaseTransport):
        inner = httpx.ASGITransport(app=create_app(world))

        async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
            paths.append(request.url.path)
            return await self.inner.handle_async_request(request)

    configured = settings(
        tmp_path,
        zimun_api_url="http://zimun.example.test",
        zimun_client_id=SANDBOX_CLIENT_ID,
        zimun_client_secret=SANDBOX_CLIENT_SECRET,
        zimun_organization_id=SANDBOX_ORGANIZATION_ID,
    )
    app = await bootstrap(configured, clock=clock, zimun_transport=Recording(), warm_up=None)
    async with app:
        await app.warm_up()
        services_read = [path for path in paths if path.endswith("/services")]
        replies = await app.engine.handle(MARIO, Command("book"))
    assert len(services_read) == 1
    assert [path for path in paths if path.endswith("/services")] == services_read
    assert "Taglio" in str(replies[0].buttons)


async def test_warming_up_with_zimun_refusing_still_starts(tmp_path: Path) -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        return httpx.Response(401, json={"error": "invalid_client"})

    configured = settings(
        tmp_path,
        zimun_client_id="client",
        zimun_client_secret="secret",
        zimun_organization_id="o_1",
    )
    app = await bootstrap(configured, zimun_transport=httpx.MockTransport(refuse), warm_up=None)
    async with app:
        await app.warm_up()  # logged, not raised


async def test_a_store_passed_in_stays_open_after_the_app_closes(tmp_path: Path) -> None:
    store = await open_store("sqlite:///:memory:")
    try:
        async with await bootstrap(settings(tmp_path), store=store, warm_up=None):
            pass
        await store.save_session(5, {"still": "open"})
        assert await store.load_session(5) == {"still": "open"}
    finally:
        await store.close()


async def test_staff_commands_reach_the_staff_desk_only_for_admins(tmp_path: Path) -> None:
    clock = ManualClock(NOW)
    configured = settings(tmp_path, bot_admin_ids=frozenset({1}))
    async with await bootstrap(configured, clock=clock, warm_up=None) as app:
        staff = await app.engine.handle(MARIO, Command("today"))
        stranger = Customer(chat_id=2, user_id=2, language_code="it")
        refused = await app.engine.handle(stranger, Command("today"))

    assert "lunedì 23 novembre" in staff[0].text
    assert "lunedì 23 novembre" not in refused[0].text
