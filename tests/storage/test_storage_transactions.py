"""One transaction per update: writes inside `transaction()` reach the database together."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from bot.storage import ScheduledMessage, StaffAction, open_store
from bot.storage.sqlite import SqliteStore, open_sqlite

NOW = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[SqliteStore]:
    opened = await open_sqlite(str(tmp_path / "bot.sqlite3"))
    yield opened
    await opened.close()


def on_disk(path: Path, sql: str, *params: Any) -> list[tuple[Any, ...]]:
    """What another process would read right now (its own connection to the file)."""
    with sqlite3.connect(path) as other:
        return list(other.execute(sql, params).fetchall())


def sessions_on_disk(path: Path) -> list[tuple[Any, ...]]:
    return on_disk(path, "SELECT chat_id FROM sessions ORDER BY chat_id")


def reminder(key: str) -> ScheduledMessage:
    return ScheduledMessage(key=key, chat_id=1, due_at=NOW, kind="reminder", payload={})


async def test_writes_are_invisible_to_another_connection_until_the_transaction_ends(
    store: SqliteStore, tmp_path: Path
) -> None:
    path = tmp_path / "bot.sqlite3"
    commits = store.commits
    async with store.transaction():
        await store.save_session(1, {"step": "a"})
        await store.schedule(reminder("r1"))
        await store.record_metric("first_message", 1, NOW)
        assert sessions_on_disk(path) == []
        assert on_disk(path, "SELECT key FROM scheduled_messages") == []
        # This task reads its own writes.
        assert await store.load_session(1) == {"step": "a"}
        assert [m.key for m in await store.due_messages(NOW)] == ["r1"]
    assert sessions_on_disk(path) == [(1,)]
    assert on_disk(path, "SELECT key FROM scheduled_messages") == [("r1",)]
    assert store.commits == commits + 1


async def test_an_exception_rolls_the_transaction_back(store: SqliteStore, tmp_path: Path) -> None:
    await store.save_session(1, {"step": "before"})
    with pytest.raises(RuntimeError):
        async with store.transaction():
            await store.save_session(1, {"step": "after"})
            await store.save_session(2, {"step": "new"})
            raise RuntimeError("a bug half way through an update")
    assert await store.load_session(1) == {"step": "before"}
    assert await store.load_session(2) is None
    assert sessions_on_disk(tmp_path / "bot.sqlite3") == [(1,)]


async def test_nested_transactions_join_the_outer_one(store: SqliteStore, tmp_path: Path) -> None:
    path = tmp_path / "bot.sqlite3"
    async with store.transaction():
        await store.save_session(1, {"step": "a"})
        async with store.transaction():
            await store.save_session(2, {"step": "b"})
        assert sessions_on_disk(path) == []  # the inner block's end commits nothing
        with pytest.raises(RuntimeError):
            async with store.transaction():
                await store.save_session(3, {"step": "c"})
                raise RuntimeError("dropped with its own writes only")
    assert sessions_on_disk(path) == [(1,), (2,)]


async def test_commit_makes_the_writes_so_far_durable_and_the_rest_goes_on(
    store: SqliteStore, tmp_path: Path
) -> None:
    path = tmp_path / "bot.sqlite3"
    with pytest.raises(RuntimeError):
        async with store.transaction():
            await store.save_session(1, {"step": "checkpoint"})
            await store.commit()
            assert sessions_on_disk(path) == [(1,)]
            await store.save_session(2, {"step": "after the call"})
            raise RuntimeError("the rest is rolled back, the checkpoint stays")
    assert sessions_on_disk(path) == [(1,)]
    assert await store.load_session(1) == {"step": "checkpoint"}


async def test_a_write_with_a_result_commits_the_writes_before_it(
    store: SqliteStore, tmp_path: Path
) -> None:
    action = StaffAction(
        token="t1", user_id=5, chat_id=5, kind="cancel", payload={}, created_at=NOW
    )
    await store.save_staff_action(action)
    async with store.transaction():
        await store.save_session(1, {"step": "a"})
        assert await store.finish_staff_action("t1", "done") is True
        assert sessions_on_disk(tmp_path / "bot.sqlite3") == [(1,)]
        assert await store.finish_staff_action("t1", "done") is False


async def test_without_a_transaction_every_write_commits_at_once(
    store: SqliteStore, tmp_path: Path
) -> None:
    commits = store.commits
    await store.save_session(1, {"step": "a"})
    await store.commit()  # nothing pending: nothing to do
    assert sessions_on_disk(tmp_path / "bot.sqlite3") == [(1,)]
    assert store.commits == commits + 1


async def test_other_tasks_do_not_see_or_join_a_transaction(store: SqliteStore) -> None:
    inside = asyncio.Event()
    release = asyncio.Event()

    async def update() -> None:
        async with store.transaction():
            await store.save_session(1, {"step": "pending"})
            inside.set()
            await release.wait()

    task = asyncio.create_task(update())
    await inside.wait()
    # Another chat's write goes through at once, and does not carry chat 1's with it.
    await store.save_session(2, {"step": "other chat"})
    assert await store.load_session(1) is None
    release.set()
    await task
    assert await store.load_session(1) == {"step": "pending"}


async def test_memory_store_has_transactions_too() -> None:
    store = await open_store("sqlite:///:memory:")
    try:
        async with store.transaction():
            await store.save_session(1, {"step": "a"})
        assert await store.load_session(1) == {"step": "a"}
    finally:
        await store.close()


async def test_only_the_commit_recording_a_zimun_intent_waits_for_the_disk(
    store: SqliteStore, tmp_path: Path
) -> None:
    # Issue 11: commits are not fsynced (a process crash loses nothing, a power cut the last
    # few), except the one recording an intent, which is, with every commit before it, before
    # Zimun is called. Observed as SQLite runs it: the synchronous level of each COMMIT.
    seen: list[str] = []
    await store._db.set_trace_callback(seen.append)
    async with store.transaction():
        await store.save_session(1, {"step": "a"})
    async with store.transaction():
        await store.save_session(2, {"step": "b"})
        await store.record_intent(
            key="k1", chat_id=2, kind="cancel", args={"appointment_id": "a"}, context={}, at=NOW
        )
        await store.save_session(2, {"step": "c"})
    await store._db.set_trace_callback(None)
    level = "NORMAL"
    commits: list[tuple[str, bool]] = []
    holds_intent = False
    for sql in seen:
        if sql.startswith("PRAGMA synchronous"):
            level = sql.split("=")[1].strip()
        holds_intent = holds_intent or "zimun_intents" in sql
        if sql == "COMMIT":
            commits.append((level, holds_intent))
            holds_intent = False
    assert commits == [("NORMAL", False), ("FULL", True), ("NORMAL", False)]
    assert on_disk(tmp_path / "bot.sqlite3", "PRAGMA journal_mode") == [("wal",)]
    assert sessions_on_disk(tmp_path / "bot.sqlite3") == [(1,), (2,)]
