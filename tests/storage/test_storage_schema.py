"""Opening storage: URLs, automatic schema creation and migration, pragmas."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from bot.config import ConfigError
from bot.storage import StorageError, open_store, sqlite_path
from bot.storage.schema import MIGRATIONS, SCHEMA_VERSION
from bot.storage.sqlite import open_sqlite


def versions(path: Path) -> list[int]:
    with sqlite3.connect(path) as db:
        return [row[0] for row in db.execute("SELECT version FROM schema_version ORDER BY 1")]


@pytest.mark.parametrize(
    ("url", "path"),
    [
        ("sqlite:///:memory:", ":memory:"),
        ("sqlite://", ":memory:"),
        ("sqlite:///bot.sqlite3", "bot.sqlite3"),
        ("sqlite:///data/bot.sqlite3", "data/bot.sqlite3"),
        ("sqlite:////var/lib/bot/bot.sqlite3", "/var/lib/bot/bot.sqlite3"),
        ("sqlite:///my%20bot.sqlite3", "my bot.sqlite3"),
    ],
)
def test_sqlite_urls_follow_sqlalchemy(url: str, path: str) -> None:
    assert sqlite_path(url) == path


@pytest.mark.parametrize(
    "url", ["postgresql://bot:s3cret@db/bot", "postgres://db/bot", "postgresql+asyncpg://db/bot"]
)
async def test_an_unreachable_postgres_is_a_storage_error_without_the_password(url: str) -> None:
    # The offline guard refuses the lookup of "db": the same path as a server that is down.
    with pytest.raises(StorageError, match="cannot connect to PostgreSQL") as caught:
        await open_store(url)
    assert "s3cret" not in str(caught.value)


@pytest.mark.parametrize("url", ["mysql://db/bot", "sqlite:///", "sqlite:///x.db?mode=ro", "bot"])
def test_other_urls_are_refused_naming_the_setting(url: str) -> None:
    with pytest.raises(ConfigError, match="DATABASE_URL"):
        sqlite_path(url)


async def test_new_file_gets_the_full_schema_in_wal_mode(tmp_path: Path) -> None:
    path = tmp_path / "nested" / "dir" / "bot.sqlite3"
    store = await open_store(f"sqlite:///{path}")
    await store.close()
    assert versions(path) == list(range(1, SCHEMA_VERSION + 1))
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


async def test_opening_twice_is_a_no_op(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'bot.sqlite3'}"
    first = await open_store(url)
    await first.save_session(1, {"step": "idle"})
    await first.close()
    second = await open_store(url)
    try:
        assert await second.load_session(1) == {"step": "idle"}
    finally:
        await second.close()
    assert versions(tmp_path / "bot.sqlite3") == list(range(1, SCHEMA_VERSION + 1))


async def test_an_older_database_is_migrated_keeping_its_data(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    old = await open_sqlite(str(path), migrations=MIGRATIONS[:1])
    await old.save_session(42, {"step": "ask_email"})
    await old.close()
    assert versions(path) == [1]

    store = await open_store(f"sqlite:///{path}")
    try:
        assert await store.load_session(42) == {"step": "ask_email"}
        await store.ping()  # uses a table that only migration 2 creates
    finally:
        await store.close()
    assert versions(path) == list(range(1, SCHEMA_VERSION + 1))


async def test_a_database_newer_than_the_bot_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "future.sqlite3"
    store = await open_store(f"sqlite:///{path}")
    await store.close()
    with sqlite3.connect(path) as db:
        db.execute("INSERT INTO schema_version (version) VALUES (?)", (SCHEMA_VERSION + 1,))
    with pytest.raises(StorageError, match="upgrade the bot"):
        await open_store(f"sqlite:///{path}")


async def test_a_failing_migration_leaves_the_database_untouched(tmp_path: Path) -> None:
    path = tmp_path / "bot.sqlite3"
    broken = (*MIGRATIONS, ("CREATE TABLE extra (id INTEGER)", "NOT VALID SQL"))
    with pytest.raises(sqlite3.OperationalError):
        await open_sqlite(str(path), migrations=broken)
    with sqlite3.connect(path) as db:
        tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master")}
    assert "extra" not in tables
    assert "sessions" not in tables  # all pending migrations roll back together
