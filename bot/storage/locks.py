"""SQLite's locks: per-chat locks inside its one process (`chat_lock`), and the lock on the
database that keeps a second process from using the same file.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from bot.config import ConfigError

try:
    import fcntl
except ImportError:  # Windows: no flock; the one-instance check is skipped there
    fcntl = None  # type: ignore[assignment]


class ChatLocks:
    """One asyncio lock per chat with a waiter, forgotten when nobody holds or awaits it."""

    def __init__(self) -> None:
        self._locks: dict[int, tuple[asyncio.Lock, int]] = {}

    @asynccontextmanager
    async def hold(self, chat_id: int) -> AsyncIterator[None]:
        lock, users = self._locks.get(chat_id, (asyncio.Lock(), 0))
        self._locks[chat_id] = (lock, users + 1)
        try:
            async with lock:
                yield
        finally:
            lock, users = self._locks[chat_id]
            if users == 1:
                del self._locks[chat_id]
            else:
                self._locks[chat_id] = (lock, users - 1)

    def __len__(self) -> int:
        return len(self._locks)


# -- one instance per SQLite file --------------------------------------------------------------

INSTANCE_LOCK_SUFFIX = ".lock"


class AnotherInstance(ConfigError):
    """A second process opened the SQLite file another bot instance is using."""


# Lock file -> (open descriptor, stores of this process using it). flock belongs to an open file,
# so a second open in this process would refuse itself: stores of one process share one lock.
_held: dict[str, tuple[int, int]] = {}


class InstanceLock:
    """An exclusive `flock` on `<database>.lock`, held while the store is open.

    The operating system drops it when the process ends however it ends, so a crash never leaves
    the file locked; a second process (a second instance, or an old one still running during a
    deploy) is refused at start-up instead of sharing a file SQLite cannot share across hosts
    and this bot does not coordinate across processes.
    """

    def __init__(self, database_path: str) -> None:
        self._key = os.path.realpath(database_path + INSTANCE_LOCK_SUFFIX)
        self._released = False
        fd, users = _held.get(self._key, (-1, 0))
        if users == 0 and fcntl is not None:
            fd = os.open(self._key, os.O_RDWR | os.O_CREAT, 0o600)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(fd)
                name = os.path.basename(database_path)
                raise AnotherInstance(
                    f"DATABASE_URL: another instance of the bot is already using {name}; "
                    "SQLite serves one instance, so stop the other one, or point DATABASE_URL "
                    "at PostgreSQL (postgresql://...) to run several."
                ) from None
        _held[self._key] = (fd, users + 1)

    def release(self) -> None:
        if self._released:
            return
        self._released = True
        fd, users = _held.pop(self._key)
        if users > 1:
            _held[self._key] = (fd, users - 1)
        elif fd >= 0:
            os.close(fd)  # closing the file releases the flock
