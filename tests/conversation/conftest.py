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


@pytest.fixture
def harness_chat_en(harness: Harness) -> Chat:
    return harness.chat(chat_id=1002, language="en", first_name="Emma", last_name="Clarke")
