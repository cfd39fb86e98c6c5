"""Suite-wide guards (no test may reach the real network, only loopback), the storage backends
every store test runs on, and loopback servers that fail (for the HTTP clients' tests)."""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import os
import shutil
import socket
import tempfile
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import pytest

from bot.storage import StaffStore, open_store

_real_connect = socket.socket.connect
_real_connect_ex = socket.socket.connect_ex
_real_getaddrinfo = socket.getaddrinfo


def _is_local(address: Any) -> bool:
    if isinstance(address, str | bytes):  # AF_UNIX path
        return True
    host = address[0]
    if host in ("localhost", ""):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _guarded_connect(self: socket.socket, address: Any) -> None:
    if not _is_local(address):
        raise OSError(f"tests must not reach the network: connect to {address!r} refused")
    _real_connect(self, address)


def _guarded_connect_ex(self: socket.socket, address: Any) -> int:
    if not _is_local(address):
        raise OSError(f"tests must not reach the network: connect to {address!r} refused")
    return _real_connect_ex(self, address)


def _guarded_getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
    name = host.decode() if isinstance(host, bytes) else host
    if name not in (None, "localhost") and not _is_local((name, 0)):
        raise OSError(f"tests must not reach the network: lookup of {name!r} refused")
    return _real_getaddrinfo(host, *args, **kwargs)


@pytest.fixture(autouse=True, scope="session")
def _offline() -> Iterator[None]:
    patcher = pytest.MonkeyPatch()
    patcher.setattr(socket.socket, "connect", _guarded_connect)
    patcher.setattr(socket.socket, "connect_ex", _guarded_connect_ex)
    patcher.setattr(socket, "getaddrinfo", _guarded_getaddrinfo)
    yield
    patcher.undo()


# -- storage backends ----------------------------------------------------------------------------
# Store tests take `database_url` (or `store`, in tests/storage) and run once per backend. The
# PostgreSQL server is `TEST_DATABASE_URL` when set, else a private one `pgserver` starts once per
# session in a temporary folder (a unix socket, no TCP port); each test gets a fresh schema.

BACKENDS = ("sqlite", "postgres")


@pytest.fixture(scope="session")
def postgres_server_url() -> Iterator[str]:
    configured = os.environ.get("TEST_DATABASE_URL")
    if configured:
        yield configured
        return
    import pgserver  # a test dependency; imported here so SQLite-only runs never start it

    # A short path: the server's unix socket lives in it, and socket paths are capped at ~100.
    folder = Path(tempfile.mkdtemp(prefix="pg"))
    server = pgserver.get_server(folder, cleanup_mode="stop")
    try:
        yield server.get_uri()
    finally:
        server.cleanup()
        shutil.rmtree(folder, ignore_errors=True)


def with_search_path(url: str, schema: str) -> str:
    """The URL with `search_path` set (asyncpg passes unknown query options as settings)."""
    parts = urlsplit(url)
    query = [*parse_qsl(parts.query), ("search_path", schema)]
    return urlunsplit(parts._replace(query=urlencode(query)))


@asynccontextmanager
async def fresh_postgres_schema(server_url: str) -> AsyncIterator[str]:
    """A URL whose tables land in a new, empty schema, dropped afterwards."""
    import asyncpg

    from bot.storage.postgres import asyncpg_dsn

    schema = f"test_{uuid.uuid4().hex[:16]}"
    admin = await asyncpg.connect(asyncpg_dsn(server_url))
    try:
        await admin.execute(f"CREATE SCHEMA {schema}")
        yield with_search_path(server_url, schema)
    finally:
        await admin.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
        await admin.close()


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
async def database_url(
    backend: str, tmp_path: Path, request: pytest.FixtureRequest
) -> AsyncIterator[str]:
    """A URL to an empty database of the backend, the same one however often it is opened."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'bot.sqlite3'}"
        return
    async with fresh_postgres_schema(request.getfixturevalue("postgres_server_url")) as url:
        yield url


@pytest.fixture
async def store(database_url: str) -> AsyncIterator[StaffStore]:
    """A freshly opened store of the backend (a test module may define its own `store`)."""
    opened = await open_store(database_url)
    try:
        yield opened
    finally:
        await opened.close()


@pytest.fixture
async def silent_port() -> AsyncIterator[int]:
    """The port of a loopback server that takes connections and requests and never answers."""
    connections: list[asyncio.StreamWriter] = []

    async def swallow(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        connections.append(writer)
        with contextlib.suppress(ConnectionError):
            while await reader.read(65536):
                pass

    server = await asyncio.start_server(swallow, "127.0.0.1", 0)
    try:
        yield server.sockets[0].getsockname()[1]
    finally:
        for writer in connections:
            writer.close()
        server.close()
        await server.wait_closed()


@pytest.fixture
def closed_port() -> int:
    """A loopback port nobody listens on (it was free a moment ago)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
