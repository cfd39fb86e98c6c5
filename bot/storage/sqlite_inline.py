"""SQLite on the event loop's own thread, in aiosqlite's shape (issue 11).

aiosqlite runs every call on a thread of its own: each one is a queue put, a wake-up of that
thread, a hand-over of the GIL back and forth and a call back into the loop through its self-pipe.
Profiled under load, those hand-offs were about a third of the bot's CPU per update, for
statements that take SQLite tens of microseconds on a WAL file whose commits are not fsynced. So
`InlineConnection` runs them in place, on the loop's thread, with the calls the store makes of
aiosqlite (`await db.execute(...)`, `async with db.execute(...) as cursor`, `execute_fetchall`,
`executemany`): nothing awaits in between, so a transaction never interleaves with another task.

The one slow call, a commit fsynced before Zimun is called (`synchronous = FULL`, milliseconds),
goes to a thread with `in_thread`, so the other chats go on meanwhile; the store's lock is held
until it is done, even when its caller is cancelled.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Callable, Generator, Iterable, Sequence
from types import TracebackType
from typing import Any, TypeVar

T = TypeVar("T")


class InlineCursor:
    """A sqlite3 cursor that can be awaited, and used in `async with`, like aiosqlite's."""

    __slots__ = ("_cursor",)

    def __init__(self, cursor: sqlite3.Cursor) -> None:
        self._cursor = cursor

    def __await__(self) -> Generator[Any, None, InlineCursor]:
        return self
        yield  # a generator that finishes at once: the statement has already run

    async def __aenter__(self) -> InlineCursor:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._cursor.close()

    @property
    def rowcount(self) -> int:
        return self._cursor.rowcount

    async def fetchone(self) -> Any:
        return self._cursor.fetchone()

    async def fetchall(self) -> list[Any]:
        return self._cursor.fetchall()


class InlineConnection:
    """One sqlite3 connection, used on the loop's thread (and, for `in_thread`, one other)."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self._connection: sqlite3.Connection | None = connection

    @classmethod
    def open(cls, path: str) -> InlineConnection:
        # isolation_level=None: the store issues BEGIN/COMMIT itself. check_same_thread=False:
        # `in_thread` uses the connection from a worker thread, one call at a time.
        return cls(sqlite3.connect(path, isolation_level=None, check_same_thread=False))

    @property
    def conn(self) -> sqlite3.Connection:
        if self._connection is None:
            raise ValueError("Connection closed")
        return self._connection

    @property
    def row_factory(self) -> Any:
        return self.conn.row_factory

    @row_factory.setter
    def row_factory(self, factory: Any) -> None:
        self.conn.row_factory = factory

    def execute(self, sql: str, parameters: Iterable[Any] = ()) -> InlineCursor:
        return InlineCursor(self.conn.execute(sql, tuple(parameters)))

    async def executemany(self, sql: str, parameters: Iterable[Sequence[Any]]) -> InlineCursor:
        return InlineCursor(self.conn.executemany(sql, parameters))

    async def execute_fetchall(self, sql: str, parameters: Iterable[Any] = ()) -> list[Any]:
        return self.conn.execute(sql, tuple(parameters)).fetchall()

    def run(self, work: Callable[[sqlite3.Connection], T]) -> T:
        """`work` on the connection, here and now."""
        return work(self.conn)

    async def in_thread(self, work: Callable[[sqlite3.Connection], T]) -> T:
        """`work` on a worker thread (an fsync); waited for even if the caller is cancelled,
        so no one else uses the connection meanwhile."""
        connection = self.conn
        done = asyncio.get_running_loop().run_in_executor(None, work, connection)
        try:
            return await asyncio.shield(done)
        except asyncio.CancelledError:
            while not done.done():
                try:
                    await asyncio.shield(done)
                except asyncio.CancelledError:
                    continue
                except BaseException:
                    break
            raise

    async def set_trace_callback(self, callback: Callable[[str], object] | None) -> None:
        self.conn.set_trace_callback(callback)

    async def close(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None:
            connection.close()
