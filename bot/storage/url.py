"""Turning `DATABASE_URL` into a backend, SQLAlchemy-style: `sqlite:///relative.db`,
`sqlite:////absolute/path.db`, `sqlite:///:memory:` (or `sqlite://`), and
`postgresql://user:password@host:5432/db` (also `postgres://`, `postgresql+asyncpg://`).
"""

from __future__ import annotations

from urllib.parse import unquote

from bot.config import ConfigError
from bot.storage.base import SharedStore
from bot.storage.sqlite import MEMORY, open_sqlite

_SQLITE_PREFIX = "sqlite:///"
_POSTGRES_PREFIXES = ("postgresql://", "postgres://", "postgresql+asyncpg://")


def is_postgres(database_url: str) -> bool:
    return database_url.strip().startswith(_POSTGRES_PREFIXES)


def sqlite_path(database_url: str) -> str:
    """The file path (or ":memory:") a sqlite URL names; `ConfigError` for anything else."""
    url = database_url.strip()
    if url == "sqlite://":
        return MEMORY
    if not url.startswith(_SQLITE_PREFIX):
        raise ConfigError(
            "DATABASE_URL must be sqlite:///relative/path.sqlite3, sqlite:////absolute/path "
            "or postgresql://user:password@host/database"
        )
    path = url[len(_SQLITE_PREFIX) :]
    if not path or "?" in path:
        raise ConfigError(
            "DATABASE_URL must name a file (sqlite:///bot.sqlite3) without query options"
        )
    return unquote(path)


async def open_store(database_url: str) -> SharedStore:
    """Open the store `DATABASE_URL` names, creating or migrating its schema."""
    if is_postgres(database_url):
        # Imported on use: asyncpg (about 3 MB) is only for a PostgreSQL DATABASE_URL (issue 11).
        from bot.storage.postgres import open_postgres

        return await open_postgres(database_url)
    return await open_sqlite(sqlite_path(database_url))
