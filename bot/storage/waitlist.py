"""The waiting list (issue 13, item 2): customers waiting for a full day to free up.

One entry per chat, day and service (a second "tell me" for the same day and service replaces the
window). An entry lives until its day has passed (`prune_waiting`), the customer leaves it, or
they book through an offer. `passed` keeps the times the customer was already offered and let go
(declined, or the offer ran out), so the next free time goes to the next one in the queue.
Both backends share the SQL (written with `?`; the PostgreSQL mixin numbers the parameters).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from bot.storage.codec import require_aware, time_from_db, time_to_db

if TYPE_CHECKING:
    import sqlite3
    from collections.abc import Iterable, Mapping

__all__ = ["PgWaitlist", "SqliteWaitlist", "WaitEntry", "Waitlist", "waitlist_in"]


@dataclass(frozen=True)
class WaitEntry:
    """A customer waiting for `day` (local date of the business) for one service; the window
    (local wall-clock times) narrows what they want, None = the whole day."""

    chat_id: int
    service_id: str
    service_name: str
    day: date
    language: str
    created_at: datetime
    window_start: time | None = None
    window_end: time | None = None
    passed: tuple[str, ...] = ()  # UTC instants ("20261126T1400") already offered and let go

    def __post_init__(self) -> None:
        require_aware(self.created_at, "WaitEntry.created_at")

    def wants(self, local: time) -> bool:
        """Whether a start at this local wall-clock time is in the window (start == end: exactly
        that time)."""
        if self.window_start is not None and self.window_start == self.window_end:
            return local == self.window_start
        if self.window_start is not None and local < self.window_start:
            return False
        return self.window_end is None or local < self.window_end


@runtime_checkable
class Waitlist(Protocol):
    """Where the waiting list is kept; both backends implement it."""

    async def add_waiting(self, entry: WaitEntry) -> bool:
        """Insert the entry, or replace the window of the chat's entry for that day and service
        (its place in the queue is kept); True when it is new."""

    async def remove_waiting(self, chat_id: int, day: date, service_id: str) -> bool:
        """Leave the list for that day and service; False when there was no such entry."""

    async def pass_waiting(self, chat_id: int, day: date, service_id: str, instant: str) -> None:
        """Remember that this customer let the time `instant` go (declined or ran out)."""

    async def waiting_for_chat(self, chat_id: int) -> list[WaitEntry]:
        """The chat's entries by day."""

    async def waiting_on(self, day: date, service_id: str | None = None) -> list[WaitEntry]:
        """The queue for a day (of one service, or all), first come first."""

    async def prune_waiting(self, before: date) -> int:
        """Drop entries for days before `before`; how many went."""


def waitlist_in(store: object) -> Waitlist | None:
    """The store's waiting list, looking through wrappers that expose `inner` (the staff's
    notifying store); None when the backend keeps none (a test fake)."""
    for _ in range(5):
        if isinstance(store, Waitlist):
            return store
        store = getattr(store, "inner", None)
        if store is None:
            break
    return None


_COLUMNS = (
    "chat_id, service_id, service_name, day, language, created_at, window_start, window_end, passed"
)


def _wall(value: time | None) -> str | None:
    return value.strftime("%H:%M") if value is not None else None


def _params(entry: WaitEntry) -> tuple[Any, ...]:
    return (
        entry.chat_id,
        entry.service_id,
        entry.service_name,
        entry.day.isoformat(),
        entry.language,
        time_to_db(entry.created_at, "created_at"),
        _wall(entry.window_start),
        _wall(entry.window_end),
        " ".join(entry.passed),
    )


def _entry(row: Mapping[str, Any]) -> WaitEntry:
    def wall(value: str | None) -> time | None:
        return time.fromisoformat(value) if value else None

    return WaitEntry(
        chat_id=int(row["chat_id"]),
        service_id=row["service_id"],
        service_name=row["service_name"],
        day=date.fromisoformat(row["day"]),
        language=row["language"],
        created_at=time_from_db(row["created_at"]),
        window_start=wall(row["window_start"]),
        window_end=wall(row["window_end"]),
        passed=tuple(row["passed"].split()),
    )


_ADD = (
    f"INSERT INTO waitlist ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
    " ON CONFLICT (chat_id, day, service_id) DO UPDATE SET window_start = excluded.window_start,"
    " window_end = excluded.window_end, language = excluded.language"
)
_EXISTS = "SELECT chat_id FROM waitlist WHERE chat_id = ? AND day = ? AND service_id = ?"
_REMOVE = "DELETE FROM waitlist WHERE chat_id = ? AND day = ? AND service_id = ?"
_PASSED = "SELECT passed FROM waitlist WHERE chat_id = ? AND day = ? AND service_id = ?"
_SET_PASSED = "UPDATE waitlist SET passed = ? WHERE chat_id = ? AND day = ? AND service_id = ?"
_FOR_CHAT = f"SELECT {_COLUMNS} FROM waitlist WHERE chat_id = ? ORDER BY day, created_at"
_ON_DAY = f"SELECT {_COLUMNS} FROM waitlist WHERE day = ? ORDER BY created_at, chat_id"
_ON_DAY_SERVICE = (
    f"SELECT {_COLUMNS} FROM waitlist WHERE day = ? AND service_id = ? ORDER BY created_at, chat_id"
)
_COUNT_BEFORE = "SELECT count(*) AS n FROM waitlist WHERE day < ?"
_PRUNE = "DELETE FROM waitlist WHERE day < ?"


class _Shared:
    """The methods, on two primitives each backend provides: `_rows` and `_run`."""

    async def _rows(self, sql: str, params: Iterable[Any]) -> list[Mapping[str, Any]]:
        raise NotImplementedError

    async def _run(self, sql: str, params: Iterable[Any]) -> None:
        raise NotImplementedError

    async def add_waiting(self, entry: WaitEntry) -> bool:
        key = (entry.chat_id, entry.day.isoformat(), entry.service_id)
        known = await self._rows(_EXISTS, key)
        await self._run(_ADD, _params(entry))
        return not known

    async def remove_waiting(self, chat_id: int, day: date, service_id: str) -> bool:
        key = (chat_id, day.isoformat(), service_id)
        known = await self._rows(_EXISTS, key)
        if known:
            await self._run(_REMOVE, key)
        return bool(known)

    async def pass_waiting(self, chat_id: int, day: date, service_id: str, instant: str) -> None:
        key = (chat_id, day.isoformat(), service_id)
        rows = await self._rows(_PASSED, key)
        if not rows:
            return
        passed = str(rows[0]["passed"]).split()
        if instant not in passed:
            await self._run(_SET_PASSED, (" ".join([*passed, instant]), *key))

    async def waiting_for_chat(self, chat_id: int) -> list[WaitEntry]:
        return [_entry(row) for row in await self._rows(_FOR_CHAT, (chat_id,))]

    async def waiting_on(self, day: date, service_id: str | None = None) -> list[WaitEntry]:
        if service_id is None:
            rows = await self._rows(_ON_DAY, (day.isoformat(),))
        else:
            rows = await self._rows(_ON_DAY_SERVICE, (day.isoformat(), service_id))
        return [_entry(row) for row in rows]

    async def prune_waiting(self, before: date) -> int:
        rows = await self._rows(_COUNT_BEFORE, (before.isoformat(),))
        count = int(rows[0]["n"]) if rows else 0
        if count:
            await self._run(_PRUNE, (before.isoformat(),))
        return count


class SqliteWaitlist(_Shared):
    """`Waitlist` for `SqliteStore`, on its connection and transactions."""

    if TYPE_CHECKING:

        async def _select(self, sql: str, params: Iterable[Any] = ()) -> list[sqlite3.Row]: ...

        async def _write(self, sql: str, params: Iterable[Any] = ()) -> object: ...

    async def _rows(self, sql: str, params: Iterable[Any]) -> list[Mapping[str, Any]]:
        return [dict(row) for row in await self._select(sql, tuple(params))]

    async def _run(self, sql: str, params: Iterable[Any]) -> None:
        await self._write(sql, tuple(params))


_MARK = re.compile(r"\?")


def _numbered(sql: str) -> str:
    counter = iter(range(1, 100))
    return _MARK.sub(lambda _: f"${next(counter)}", sql)


class PgWaitlist(_Shared):
    """`Waitlist` for `PgStore`: the same SQL with numbered parameters."""

    if TYPE_CHECKING:

        async def _select(self, sql: str, *params: Any) -> list[Any]: ...

        async def _write(self, sql: str, *params: Any) -> int: ...

    async def _rows(self, sql: str, params: Iterable[Any]) -> list[Mapping[str, Any]]:
        return [dict(row) for row in await self._select(_numbered(sql), *params)]

    async def _run(self, sql: str, params: Iterable[Any]) -> None:
        await self._write(_numbered(sql), *params)
