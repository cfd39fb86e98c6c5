"""Fixtures for the sandbox tests: a world with a fixed clock, and an in-process client for it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime
from zoneinfo import ZoneInfo

import httpx
import pytest

from bot.clock import ManualClock
from bot.sandbox import SANDBOX_CLIENT_ID, SANDBOX_CLIENT_SECRET, World, create_app

ROME = ZoneInfo("Europe/Rome")
# Monday 23 November 2026, 09:15 in Rome (08:15 UTC).
MONDAY_0915 = datetime(2026, 11, 23, 9, 15, tzinfo=ROME)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(MONDAY_0915)


@pytest.fixture
def world(clock: ManualClock) -> World:
    return World(clock=clock)


@pytest.fixture
async def client(world: World) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=create_app(world))
    async with httpx.AsyncClient(transport=transport, base_url="http://sandbox") as http:
        response = await http.post(
            "/oauth/token",
            auth=(SANDBOX_CLIENT_ID, SANDBOX_CLIENT_SECRET),
            data={"grant_type": "client_credentials"},
        )
        http.headers["Authorization"] = f"Bearer {response.json()['access_token']}"
        yield http
