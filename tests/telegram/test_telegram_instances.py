"""Several instances on one database (issue 12), at the transport's level: the due-message sender
claims what it sends, so two instances send each reminder once and a failed send is taken over at
once; a chat's turn holds the store's chat lock, so two instances never run one chat together."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence
from datetime import UTC, datetime, timedelta

import asyncpg
import pytest
from telegram.error import NetworkError

from bot.clock import ManualClock
from bot.conversation import Reply
from bot.storage import ScheduledMessage, SharedStore, open_store
from bot.storage.postgres import asyncpg_dsn
from bot.telegram.due import DueMessageSender
from bot.telegram.turns import ChatTurns
from tests.conftest import fresh_postgres_schema

NOW = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)


class EchoEngine:
    async def scheduled(self, message: ScheduledMessage) -> list[Reply]:
        return [Reply(message.key)]


def sender(
    store: SharedStore, delivered: list[tuple[str, str]], name: str, *, failing: bool = False
) -> DueMessageSender:
    async def deliver(chat_id: int, replies: Sequence[Reply]) -> None:
        if failing:
            raise NetworkError("Telegram unreachable")
        delivered.extend((name, reply.text) for reply in replies)

    return DueMessageSender(
        store=store,
        engine=EchoEngine(),
        clock=ManualClock(NOW),
        deliver=deliver,
        turns=ChatTurns(store.chat_lock),
        interval=0.0,
        stagger=0.0,
    )


@pytest.fixture
async def instances(database_url: str) -> AsyncIterator[tuple[SharedStore, SharedStore]]:
    first = await open_store(database_url)
    second = await open_store(database_url)
    try:
        yield first, second
    finally:
        await first.close()
        await second.close()


async def test_two_instances_send_every_due_message_once(
    instances: tuple[SharedStore, SharedStore],
) -> None:
    first, second = instances
    keys = [f"reminder:{n:02}" for n in range(25)]
    for n, key in enumerate(keys):
        await first.schedule(ScheduledMessage(key, 100 + n, NOW - timedelta(minutes=n), "reminder"))
    delivered: list[tuple[str, str]] = []
    a, b = sender(first, delivered, "a"), sender(second, delivered, "b")
    while sum(await asyncio.gather(a.send_due(), b.send_due())):
        pass
    assert sorted(text for _, text in delivered) == keys  # each once, none lost
    assert await first.pending_count() == 0


async def test_a_burst_of_due_messages_is_sent_in_one_pass_batch_after_batch(
    instances: tuple[SharedStore, SharedStore],
) -> None:
    first, _ = instances
    for n in range(25):
        await first.schedule(ScheduledMessage(f"r{n:02}", n, NOW, "reminder"))
    delivered: list[tuple[str, str]] = []
    assert await sender(first, delivered, "a").send_due() == 25
    assert len(delivered) == 25


async def test_a_send_that_failed_is_given_back_and_sent_by_another_instance_at_once(
    instances: tuple[SharedStore, SharedStore],
) -> None:
    first, second = instances
    await first.schedule(ScheduledMessage("hold-warning:h1", 7, NOW, "hold_warning"))
    delivered: list[tuple[str, str]] = []
    assert await sender(first, delivered, "a", failing=True).send_due() == 0
    # No lease to wait out: the failing instance released its claim.
    assert await sender(second, delivered, "b").send_due() == 1
    assert delivered == [("b", "hold-warning:h1")]


async def test_one_chats_turns_on_two_instances_never_overlap(postgres_server_url: str) -> None:
    async with fresh_postgres_schema(postgres_server_url) as url:
        first, second = await open_store(url), await open_store(url)
        watcher = await asyncpg.connect(asyncpg_dsn(postgres_server_url))
        try:
            turns_a, turns_b = ChatTurns(first.chat_lock), ChatTurns(second.chat_lock)
            events: list[str] = []
            inside, release = asyncio.Event(), asyncio.Event()

            async def long_turn() -> None:
                events.append("a in")
                inside.set()
                await release.wait()
                events.append("a out")

            async def short_turn(name: str) -> None:
                events.append(f"{name} in")

            a = asyncio.create_task(turns_a.run(42, long_turn()))
            await inside.wait()
            b = asyncio.create_task(turns_b.run(42, short_turn("b")))
            other_chat = await turns_b.run(43, short_turn("other chat"))
            # Wait (on the database, not the clock) until b queues on the chat's advisory lock.
            while not await watcher.fetchval(
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted"
            ):
                pass
            assert events == ["a in", "other chat in"]  # another chat did not wait
            release.set()
            await asyncio.wait_for(asyncio.gather(a, b), timeout=10)
            assert other_chat is None
            assert events == ["a in", "other chat in", "a out", "b in"]
        finally:
            await watcher.close()
            await first.close()
            await second.close()
