"""Time-based messages: upserted by key, due in order, sent once, durable across restarts."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from bot.storage import ScheduledMessage, Store, open_store

NOW = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)


def message(
    key: str, minutes: int, *, chat_id: int = 1, kind: str = "reminder"
) -> ScheduledMessage:
    return ScheduledMessage(
        key=key,
        chat_id=chat_id,
        due_at=NOW + timedelta(minutes=minutes),
        kind=kind,
        payload={"appointment_id": f"a_{key}"},
    )


async def test_due_messages_returns_only_due_ones_earliest_first(store: Store) -> None:
    await store.schedule(message("later", 30))
    await store.schedule(message("exactly_now", 0))
    await store.schedule(message("earlier", -5))
    due = await store.due_messages(NOW)
    assert due == [message("earlier", -5), message("exactly_now", 0)]


async def test_due_messages_honours_the_limit(store: Store) -> None:
    for n in range(5):
        await store.schedule(message(f"m{n}", -n))
    due = await store.due_messages(NOW, limit=2)
    assert [m.key for m in due] == ["m4", "m3"]
    with pytest.raises(ValueError):
        await store.due_messages(NOW, limit=0)


async def test_same_key_replaces_the_message(store: Store) -> None:
    await store.schedule(message("warn:h1", -1, kind="hold_warning"))
    await store.schedule(message("warn:h1", 10, kind="hold_expired"))
    assert await store.due_messages(NOW) == []
    assert await store.due_messages(NOW + timedelta(minutes=10)) == [
        message("warn:h1", 10, kind="hold_expired")
    ]
    assert await store.pending_count() == 1


async def test_mark_sent_hides_it_forever_even_if_scheduled_again(store: Store) -> None:
    await store.schedule(message("r1", -1))
    await store.mark_sent("r1")
    await store.schedule(message("r1", -1))  # e.g. re-scheduled from the ledger after a restart
    assert await store.due_messages(NOW + timedelta(days=365)) == []
    assert await store.pending_count() == 0
    await store.mark_sent("unknown")  # nothing to do, no error


async def test_cancel_scheduled_deletes_and_lets_the_key_be_armed_again(store: Store) -> None:
    await store.schedule(message("r1", -1))
    await store.schedule(message("r2", -1))
    await store.cancel_scheduled("r1")
    assert [m.key for m in await store.due_messages(NOW)] == ["r2"]

    await store.mark_sent("r2")
    await store.cancel_scheduled("r2")
    await store.schedule(message("r2", 5))  # the appointment moved: a fresh reminder
    assert [m.key for m in await store.due_messages(NOW + timedelta(minutes=5))] == ["r2"]


async def test_pending_count_counts_unsent_whether_due_or_not(store: Store) -> None:
    assert await store.pending_count() == 0
    await store.schedule(message("a", -1))
    await store.schedule(message("b", 60))
    await store.schedule(message("c", 60))
    await store.mark_sent("a")
    assert await store.pending_count() == 2


async def test_naive_due_times_are_refused(store: Store) -> None:
    with pytest.raises(ValueError):
        ScheduledMessage("k", 1, datetime(2026, 11, 24, 9, 0), "reminder", {})
    with pytest.raises(ValueError):
        await store.due_messages(datetime(2026, 11, 24, 9, 0))


async def test_concurrent_schedule_and_mark_sent(store: Store) -> None:
    keys = [f"k{n}" for n in range(40)]
    await asyncio.gather(*(store.schedule(message(key, -1)) for key in keys[:20]))
    # Mark the first twenty sent while the next twenty are being scheduled.
    await asyncio.gather(
        *(store.mark_sent(key) for key in keys[:20]),
        *(store.schedule(message(key, -1)) for key in keys[20:]),
    )
    due = await store.due_messages(NOW, limit=100)
    assert sorted(m.key for m in due) == sorted(keys[20:])
    assert await store.pending_count() == 20


async def test_restart_loses_nothing_and_duplicates_nothing(database_url: str) -> None:
    url = database_url
    first = await open_store(url)
    await first.schedule(message("sent", -10))
    await first.schedule(message("due", -5))
    await first.schedule(message("future", 30))
    await first.mark_sent("sent")
    await first.close()

    second = await open_store(url)
    try:
        # The bot re-schedules everything it knows at start-up; nothing may come back twice.
        await second.schedule(message("sent", -10))
        await second.schedule(message("due", -5))
        assert [m.key for m in await second.due_messages(NOW)] == ["due"]
        assert [m.key for m in await second.due_messages(NOW + timedelta(hours=1))] == [
            "due",
            "future",
        ]
        assert await second.pending_count() == 2
    finally:
        await second.close()
