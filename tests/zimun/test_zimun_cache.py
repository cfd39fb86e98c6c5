"""A chat's availability reads reused for a few seconds: the sandbox, through the real client.

The tapped day's times come from the quick day buttons' read (one Zimun read, not two), exactly as
Zimun would answer them; another chat, an older read and the chat's own writes read afresh.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

import httpx
import pytest

from bot.clock import ManualClock
from bot.sandbox import (
    SANDBOX_CLIENT_ID,
    SANDBOX_CLIENT_SECRET,
    SANDBOX_ORGANIZATION_ID,
    World,
    create_app,
    default_seed,
)
from bot.zimun import ZimunClient, ZimunError
from bot.zimun.cache import ChatAvailabilityCache

NOW = datetime(2026, 11, 23, 8, 15, tzinfo=UTC)  # Monday 09:15 Europe/Rome
TODAY = date(2026, 11, 23)
THURSDAY = date(2026, 11, 26)
SERVICE = "s_taglio"


@dataclass
class Counting(httpx.AsyncBaseTransport):
    inner: httpx.AsyncBaseTransport
    paths: list[str] = field(default_factory=list)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.paths.append(request.url.path)
        return await self.inner.handle_async_request(request)

    def reads(self) -> int:
        return sum(1 for p in self.paths if p.endswith("/availability"))


@dataclass
class Setup:
    clock: ManualClock
    world: World
    transport: Counting
    chat: ContextVar[int | None]
    cache: ChatAvailabilityCache


@pytest.fixture
async def setup() -> AsyncIterator[Setup]:
    clock = ManualClock(NOW)
    world = World(seed=default_seed(), clock=clock)
    transport = Counting(httpx.ASGITransport(app=create_app(world)))
    client = ZimunClient(
        base_url="http://sandbox.invalid",
        client_id=SANDBOX_CLIENT_ID,
        client_secret=SANDBOX_CLIENT_SECRET,
        organization_id=SANDBOX_ORGANIZATION_ID,
        transport=transport,
        clock=clock,
    )
    chat: ContextVar[int | None] = ContextVar("chat", default=None)
    chat.set(1)
    try:
        yield Setup(
            clock,
            world,
            transport,
            chat,
            ChatAvailabilityCache(client, clock=clock, chat=chat.get, ttl=timedelta(seconds=10)),
        )
    finally:
        await client.aclose()


async def test_the_tapped_day_is_read_from_the_quick_days_read_as_zimun_would_answer(
    setup: Setup,
) -> None:
    await setup.cache.get_availability(SERVICE, first_day=TODAY, days_ahead=14)
    setup.clock.advance(timedelta(seconds=3))
    reused = await setup.cache.get_availability(SERVICE, first_day=THURSDAY, days_ahead=8)
    assert setup.transport.reads() == 1
    fresh = await setup.cache._inner.get_availability(SERVICE, first_day=THURSDAY, days_ahead=8)
    assert reused == fresh
    assert reused.slots and all(s.start.date() >= THURSDAY for s in reused.slots)


async def test_another_chat_a_wider_range_and_an_old_read_go_to_zimun(setup: Setup) -> None:
    await setup.cache.get_availability(SERVICE, first_day=TODAY, days_ahead=7)
    await setup.cache.get_availability(SERVICE, first_day=THURSDAY, days_ahead=8)  # past day 7
    assert setup.transport.reads() == 2
    setup.chat.set(2)
    await setup.cache.get_availability(SERVICE, first_day=TODAY, days_ahead=7)
    assert setup.transport.reads() == 3
    setup.chat.set(1)
    setup.clock.advance(timedelta(seconds=10))
    await setup.cache.get_availability(SERVICE, first_day=TODAY, days_ahead=7)
    assert setup.transport.reads() == 4
    setup.chat.set(None)  # not a chat's read (start-up, staff): never cached
    await setup.cache.get_availability(SERVICE, first_day=TODAY, days_ahead=7)
    await setup.cache.get_availability(SERVICE, first_day=TODAY, days_ahead=7)
    assert setup.transport.reads() == 6


async def test_after_a_write_even_a_refused_one_the_chat_reads_afresh(setup: Setup) -> None:
    first = await setup.cache.get_availability(SERVICE, first_day=THURSDAY, days_ahead=1)
    hold = await setup.cache.hold(SERVICE, first.slots[0].start, 30, idempotency_key="k-1")
    await setup.cache.get_availability(SERVICE, first_day=THURSDAY, days_ahead=1)
    await setup.cache.get_availability(SERVICE, first_day=THURSDAY, days_ahead=1)
    assert setup.transport.reads() == 2
    await setup.cache.release_hold(hold.id)
    await setup.cache.get_availability(SERVICE, first_day=THURSDAY, days_ahead=1)
    assert setup.transport.reads() == 3
    with pytest.raises(ZimunError):
        # Refused: Zimun knows no such hold.
        await setup.cache.confirm(
            "h_000000000000", name="Anna Rossi", email="anna@example.com", idempotency_key="k-2"
        )
    await setup.cache.get_availability(SERVICE, first_day=THURSDAY, days_ahead=1)
    assert setup.transport.reads() == 4


async def test_an_idle_chats_reads_leave_when_they_are_too_old_to_reuse(setup: Setup) -> None:
    # Memory per idle chat (issue 11): a chat that read and went quiet is not kept until a
    # thousand other chats push it out; the next read of any chat forgets it once stale.
    for chat in (1, 2, 3):
        setup.chat.set(chat)
        await setup.cache.get_availability(SERVICE, first_day=TODAY, days_ahead=7)
    assert setup.cache.chats() == 3
    setup.clock.advance(timedelta(seconds=6))
    setup.chat.set(4)
    await setup.cache.get_availability(SERVICE, first_day=TODAY, days_ahead=7)
    assert setup.cache.chats() == 4  # none is stale yet
    setup.clock.advance(timedelta(seconds=5))  # chats 1-3 read 11 s ago, chat 4 5 s ago
    setup.chat.set(5)
    await setup.cache.get_availability(SERVICE, first_day=TODAY, days_ahead=7)
    assert setup.cache.chats() == 2
    setup.chat.set(4)
    await setup.cache.get_availability(SERVICE, first_day=TODAY, days_ahead=7)
    assert setup.transport.reads() == 5  # chat 4's read is still reused
