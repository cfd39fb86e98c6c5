"""Fixtures for the engine tests; the harness itself lives in `engine_chat`."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from engine_chat import MONDAY_0915, Chat, Harness

from bot.clock import ManualClock
from bot.sandbox import World
from bot.storage import open_store


@pytest.fixture
async def harness() -> AsyncIterator[Harness]:
    clock = ManualClock(MONDAY_0915)
    world = World(clock=clock)
    store = await open_store("sqlite:///:memory:")
    placeholder = Harness(clock, world, store, None)  # type: ignore[arg-type]
    zimun = placeholder.client()
    harness = Harness(clock, world, store, zimun)
    try:
        yield harness
    finally:
        await zimun.aclose()
        await store.close()


@pytest.fixture
def chat(harness: Harness) -> Chat:
    return harness.chat()
