"""What only the PostgreSQL backend does: migrating once under a lock when instances start
together, transactions spanning calls, and per-chat locks every instance respects."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import asyncpg
import pytest

from bot.storage import StorageError, open_store
from bot.storage.postgres import PgStore, asyncpg_dsn, open_postgres
from bot.storage.schema import MIGRATIONS, SCHEMA_VERSION
from tests.conftest import fresh_postgres_schema


@pytest.fixture
async def pg_url(postgres_server_url: str) -> AsyncIterator[str]:
    async with fresh_postgres_schema(postgres_server_url) as url:
        yield url


async def versions(url: str) -> list[int]:
    conn = await asyncpg.connect(asyncpg_dsn(url))
    try:
        rows = await conn.fetch("SELECT version FROM schema_version ORDER BY 1")
    finally:
        await conn.close()
    return [row[0] for row in rows]


async def test_instances_starting_together_migrate_once(pg_url: str) -> None:
    stores = await asyncio.gather(*(open_postgres(pg_url) for _ in range(3)))
    try:
        await stores[0].save_session(1, {"step": "idle"})
        assert await stores[2].load_session(1) == {"step": "idle"}
    finally:
        for store in stores:
            await store.close()
    assert await versions(pg_url) == list(range(1, SCHEMA_VERSION + 1))


async def test_an_older_database_is_migrated_keeping_its_data(pg_url: str) -> None:
    old = await open_postgres(pg_url, migrations=MIGRATIONS[:1])
    await old.save_session(42, {"step": "ask_email"})
    await old.close()
    assert await versions(pg_url) == [1]
    store = await open_store(pg_url)
    try:
        assert await store.load_session(42) == {"step": "ask_email"}
        await store.ping()  # a table only migration 2 creates
    finally:
        await store.close()
    assert await versions(pg_url) == list(range(1, SCHEMA_VERSION + 1))


async def test_a_database_newer_than_the_bot_is_refused(pg_url: str) -> None:
    await (await open_store(pg_url)).close()
    conn = await asyncpg.connect(asyncpg_dsn(pg_url))
    await conn.execute("INSERT INTO schema_version (version) VALUES ($1)", SCHEMA_VERSION + 1)
    await conn.close()
    with pytest.raises(StorageError, match="upgrade the bot"):
        await open_store(pg_url)


async def test_a_failing_migration_leaves_the_database_untouched(pg_url: str) -> None:
    broken = (*MIGRATIONS, ("CREATE TABLE extra (id INTEGER)", "NOT VALID SQL"))
    with pytest.raises(asyncpg.PostgresSyntaxError):
        await open_postgres(pg_url, migrations=broken)
    conn = await asyncpg.connect(asyncpg_dsn(pg_url))
    try:
        tables = {
            row[0]
            for row in await conn.fetch(
                "SELECT table_name FROM information_schema.tables"
                " WHERE table_schema = current_schema()"
            )
        }
    finally:
        await conn.close()
    assert tables == set()  # every pending migration rolled back together


async def test_a_transaction_commits_every_call_together_or_none(pg_url: str) -> None:
    store = await open_postgres(pg_url)
    try:
        async with store.transaction():
            await store.save_session(1, {"step": "a"})
            async with store.transaction():  # nested: joins the outer one
                await store.save_session(2, {"step": "b"})
            await asyncio.gather(*(store.save_session(n, {"n": n}) for n in range(3, 6)))
        assert await store.load_session(2) == {"step": "b"}
        assert await store.load_session(5) == {"n": 5}

        with pytest.raises(RuntimeError):
            async with store.transaction():
                await store.save_session(1, {"step": "changed"})
                await store.delete_session(2)
                raise RuntimeError("the update failed half-way")
        assert await store.load_session(1) == {"step": "a"}
        assert await store.load_session(2) == {"step": "b"}
    finally:
        await store.close()


@pytest.fixture
async def two_instances(pg_url: str) -> AsyncIterator[tuple[PgStore, PgStore]]:
    first, second = await open_postgres(pg_url), await open_postgres(pg_url)
    try:
        yield first, second
    finally:
        await first.close()
        await second.close()


async def test_a_chat_lock_holds_off_another_instance_but_not_other_chats(
    two_instances: tuple[PgStore, PgStore],
) -> None:
    first, second = two_instances
    order: list[str] = []
    entered = asyncio.Event()

    async def hold_chat() -> None:
        async with first.chat_lock(7):
            order.append("first in")
            entered.set()
            # Another chat is free meanwhile, on the other instance.
            async with second.chat_lock(8):
                order.append("other chat")
            await asyncio.sleep(0.2)
            order.append("first out")

    async def wait_for_chat() -> None:
        await entered.wait()
        async with second.chat_lock(7):
            order.append("second in")

    await asyncio.wait_for(asyncio.gather(hold_chat(), wait_for_chat()), timeout=10)
    assert order == ["first in", "other chat", "first out", "second in"]


async def test_a_crashed_instance_leaves_no_chat_locked(
    two_instances: tuple[PgStore, PgStore], pg_url: str
) -> None:
    first, second = two_instances
    held = asyncio.Event()

    async def hold_forever() -> None:
        async with first.chat_lock(7):
            held.set()
            await asyncio.Event().wait()

    task = asyncio.create_task(hold_forever())
    await held.wait()
    # The crash: every server connection of the first instance is cut, as when its process dies.
    admin = await asyncpg.connect(asyncpg_dsn(pg_url))
    try:
        await admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_locks"
            " WHERE locktype = 'advisory' AND granted AND pid <> pg_backend_pid()"
        )
    finally:
        await admin.close()
    async with asyncio.timeout(10), second.chat_lock(7):
        pass
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task


async def test_chats_holding_their_locks_never_starve_their_own_statements(pg_url: str) -> None:
    store = await open_postgres(pg_url, max_size=2)
    try:

        async def update(chat_id: int) -> None:
            async with store.chat_lock(chat_id):
                await store.save_session(chat_id, {"step": "idle"})
                await asyncio.sleep(0.01)
                assert await store.load_session(chat_id) == {"step": "idle"}

        # More chats at once than the statement pool has connections; one chat three times.
        await asyncio.wait_for(asyncio.gather(*(update(n % 6) for n in range(8))), timeout=10)
    finally:
        await store.close()
