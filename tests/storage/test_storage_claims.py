"""Several instances on one database (issue 12, items 2 and 3): due messages claimed once under a
lease, taken over when a claimer dies; one chat's updates one at a time. On both backends; two
stores opened on one URL stand for two instances (on SQLite, two connections of one process,
where a chat lock is the store's own: SQLite serves one process)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest

from bot.storage import ScheduledMessage, SharedStore, open_store
from bot.storage.locks import ChatLocks

NOW = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
LEASE = timedelta(minutes=2)


def message(key: str, minutes: int = 0, chat_id: int = 1) -> ScheduledMessage:
    return ScheduledMessage(key, chat_id, NOW + timedelta(minutes=minutes), "reminder", {"k": key})


@pytest.fixture
async def instances(database_url: str) -> AsyncIterator[tuple[SharedStore, SharedStore]]:
    first = await open_store(database_url)
    second = await open_store(database_url)
    try:
        yield first, second
    finally:
        await first.close()
        await second.close()


async def test_a_claim_takes_due_unsent_messages_earliest_first(store: SharedStore) -> None:
    for key, minutes in (("later", 5), ("now", 0), ("earlier", -5), ("sent", -1)):
        await store.schedule(message(key, minutes))
    await store.mark_sent("sent")
    claimed = await store.claim_due(NOW, LEASE)
    assert [m.key for m in claimed] == ["earlier", "now"]
    assert claimed[0].payload == {"k": "earlier"}
    assert await store.claim_due(NOW, LEASE) == []  # held by the lease
    with pytest.raises(ValueError):
        await store.claim_due(NOW, LEASE, limit=0)


async def test_concurrent_claimers_get_disjoint_messages(
    instances: tuple[SharedStore, SharedStore],
) -> None:
    first, second = instances
    for n in range(40):
        await first.schedule(message(f"m{n:02}", -n % 7, chat_id=n))
    batches = await asyncio.gather(
        *(store.claim_due(NOW + timedelta(minutes=10), LEASE, limit=7) for store in instances * 4)
    )
    keys = [m.key for batch in batches for m in batch]
    assert sorted(keys) == [f"m{n:02}" for n in range(40)]  # every message once, none twice
    assert await second.claim_due(NOW + timedelta(minutes=10), LEASE) == []


async def test_a_dead_claimers_messages_are_taken_over_after_the_lease(
    instances: tuple[SharedStore, SharedStore],
) -> None:
    first, second = instances
    await first.schedule(message("reminder"))
    assert [m.key for m in await first.claim_due(NOW, LEASE)] == ["reminder"]
    # The first instance dies before mark_sent; the second waits out the lease.
    assert await second.claim_due(NOW + LEASE - timedelta(seconds=1), LEASE) == []
    taken = await second.claim_due(NOW + LEASE, LEASE)
    assert [m.key for m in taken] == ["reminder"]
    await second.mark_sent("reminder")
    assert await first.claim_due(NOW + 3 * LEASE, LEASE) == []
    assert await first.pending_count() == 0


async def test_a_released_claim_can_be_claimed_again_at_once(store: SharedStore) -> None:
    await store.schedule(message("alert"))
    assert len(await store.claim_due(NOW, LEASE)) == 1
    await store.release_claim("alert")
    assert [m.key for m in await store.claim_due(NOW, LEASE)] == ["alert"]


async def test_one_chat_runs_one_update_at_a_time_and_other_chats_run_alongside(
    instances: tuple[SharedStore, SharedStore],
) -> None:
    first, second = instances
    events: list[str] = []

    async def update(store: SharedStore, chat_id: int, name: str) -> None:
        async with store.chat_lock(chat_id):
            events.append(f"{name} in")
            await asyncio.sleep(0.05)
            events.append(f"{name} out")

    await asyncio.wait_for(
        asyncio.gather(update(first, 1, "a"), update(second, 2, "b"), update(first, 1, "c")),
        timeout=10,
    )
    a_span = (events.index("a in"), events.index("a out"))
    c_span = (events.index("c in"), events.index("c out"))
    assert a_span[1] < c_span[0] or c_span[1] < a_span[0]  # chat 1: never interleaved
    assert events.index("b in") < events.index("a out")  # chat 2 did not wait for chat 1


async def test_in_process_chat_locks_are_forgotten_when_free() -> None:
    locks = ChatLocks()
    async with locks.hold(1), locks.hold(2):
        assert len(locks) == 2
    assert len(locks) == 0
