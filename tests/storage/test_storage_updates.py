"""Processed Telegram updates (issue 10, item 2): an update id is claimed once, its outcome kept,
and claims older than a day pruned."""

from __future__ import annotations

import asyncio
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.storage import UPDATE_MEMORY, StaffStore, UpdateOutcome, open_store
from bot.storage.schema import MIGRATIONS
from bot.storage.sqlite import open_sqlite

NOW = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)


async def test_an_update_is_claimed_the_first_time_only(store: StaffStore) -> None:
    assert await store.claim_update(1001, NOW) is True
    assert await store.claim_update(1001, NOW + timedelta(seconds=5)) is False
    assert await store.claim_update(1002, NOW) is True
    assert await store.update_outcome(1001) == UpdateOutcome.CLAIMED
    assert await store.update_outcome(999) is None


async def test_concurrent_claims_of_one_update_let_exactly_one_through(store: StaffStore) -> None:
    results = await asyncio.gather(*(store.claim_update(7, NOW) for _ in range(5)))

    assert sorted(results) == [False, False, False, False, True]


async def test_the_outcome_is_kept_and_unknown_outcomes_refused(store: StaffStore) -> None:
    await store.claim_update(5, NOW)
    await store.settle_update(5, UpdateOutcome.HANDLED)
    await store.settle_update(6, UpdateOutcome.FAILED)  # never claimed: nothing to settle

    assert await store.update_outcome(5) == UpdateOutcome.HANDLED
    assert await store.update_outcome(6) is None
    assert await store.claim_update(5, NOW) is False
    with pytest.raises(ValueError, match="unknown update outcome"):
        await store.settle_update(5, "maybe")


async def test_claims_older_than_a_day_are_pruned(store: StaffStore) -> None:
    await store.claim_update(1, NOW)
    await store.claim_update(2, NOW + timedelta(hours=12))

    later = NOW + UPDATE_MEMORY + timedelta(minutes=1)
    assert await store.claim_update(3, later) is True

    assert await store.update_outcome(1) is None  # pruned
    assert await store.update_outcome(2) == UpdateOutcome.CLAIMED  # younger than a day
    assert await store.claim_update(2, later) is False


async def test_a_database_at_version_3_gains_the_table_and_keeps_its_data(tmp_path: Path) -> None:
    path = tmp_path / "v3.sqlite3"
    old = await open_sqlite(str(path), migrations=MIGRATIONS[:3])
    await old.save_session(42, {"step": "idle"})
    await old.close()
    with sqlite3.connect(path) as db:
        tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master")}
    assert "processed_updates" not in tables

    store = await open_store(f"sqlite:///{path}")
    try:
        assert await store.load_session(42) == {"step": "idle"}
        assert await store.claim_update(1, NOW) is True
    finally:
        await store.close()
