"""The SQLite backend of `Store`: one connection on the event loop's thread, WAL, writes serialised.

A single asyncio lock guards every use of the connection, so a transaction is never interleaved
with another caller's statements (which on one shared connection would see or commit its work).
Statements run in place on the loop's thread (`bot.storage.sqlite_inline`, issue 11: aiosqlite's
thread hand-offs cost more than the statements), except a commit that is fsynced.

`transaction()` groups the writes of one update into one commit without holding that lock (and so
without stalling other chats) while the update waits on Zimun: inside it, writes are kept as
pending operations of the current task and run in one BEGIN IMMEDIATE ... COMMIT when it exits.
A read inside it sees those pending writes (they are replayed in a transaction that is then rolled
back); a write whose result the caller needs at once (`finish_staff_action`, `forget_chat`, ...)
and `commit()` (the engine's checkpoint before a Zimun write) commit the writes so far.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import sqlite3
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any, TypeVar, cast

from bot.storage.codec import json_from_db, json_to_db, time_from_db, time_to_db
from bot.storage.errors import StorageError, UnknownBooking
from bot.storage.intents import SqliteIntents
from bot.storage.locks import ChatLocks, InstanceLock
from bot.storage.models import (
    CANCELLED_STATUS,
    UPDATE_MEMORY,
    CancelledBy,
    EventKind,
    ForgetCounts,
    HoldNote,
    LedgerEntry,
    LedgerEvent,
    LedgerRecord,
    Metric,
    MetricKind,
    ScheduledMessage,
    StaffAction,
    StaffActionState,
    StaffPref,
    UpdateOutcome,
)
from bot.storage.rows import (
    B_ENTRY_COLUMNS,
    ENTRY_COLUMNS,
    HOLD_COLUMNS,
    entry_from_row,
    event_from_row,
    hold_from_row,
    message_from_row,
)
from bot.storage.schema import MIGRATIONS, Migration
from bot.storage.sqlite_inline import InlineConnection
from bot.storage.waitlist import SqliteWaitlist

logger = logging.getLogger(__name__)

MEMORY = ":memory:"
BUSY_TIMEOUT_MS = 5000


async def open_sqlite(path: str, *, migrations: Sequence[Migration] = MIGRATIONS) -> SqliteStore:
    """Open (creating the file and its folder if needed) and migrate a SQLite database.

    `migrations` is for tests that need a database at an older schema version.
    """
    instance = None
    if path != MEMORY:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        instance = InstanceLock(path)  # refuses a second process on this file
    # Every statement runs on this thread (`bot.storage.sqlite_inline`), but an fsynced commit.
    try:
        db = InlineConnection.open(path)
    except BaseException:
        if instance is not None:
            instance.release()
        raise
    try:
        db.row_factory = sqlite3.Row
        await db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        await db.execute("PRAGMA foreign_keys = ON")
        # Deleted rows are overwritten with zeros, not just unlinked: /forget must leave no trace.
        await db.execute("PRAGMA secure_delete = ON")
        if path != MEMORY:
            await db.execute("PRAGMA journal_mode = WAL")
            # A commit is written to the WAL file, not fsynced (issue 11: the fsync cost 4 ms of
            # each of an update's commits, serialized across chats). A process crash loses
            # nothing; a power cut may lose the last commits, except that the commit recording a
            # Zimun intent is fsynced (`_write_durable`) with everything before it, so Zimun is
            # never called for a write the journal could forget.
            await db.execute("PRAGMA synchronous = NORMAL")
        version = await _migrate(db, migrations)
    except BaseException:
        await db.close()
        if instance is not None:
            instance.release()
        raise
    logger.info("storage opened at %s (schema version %d)", path, version)
    return SqliteStore(db, instance)


async def _migrate(db: InlineConnection, migrations: Sequence[Migration]) -> int:
    # BEGIN IMMEDIATE takes the write lock first, so two processes opening at once migrate once.
    try:
        await db.execute("BEGIN IMMEDIATE")
        await db.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY)")
        async with db.execute("SELECT COALESCE(MAX(version), 0) FROM schema_version") as cursor:
            row = await cursor.fetchone()
        current = int(row[0]) if row is not None else 0
        if current > len(migrations):
            raise StorageError(
                f"the database schema is at version {current}, newer than this bot knows "
                f"({len(migrations)}); upgrade the bot"
            )
        for number in range(current + 1, len(migrations) + 1):
            for statement in migrations[number - 1]:
                await db.execute(statement)
            await db.execute("INSERT INTO schema_version (version) VALUES (?)", (number,))
            logger.info("storage migrated to schema version %d", number)
        await db.execute("COMMIT")
    except BaseException:
        await _rollback(db)
        raise
    return max(current, len(migrations))


# One write, run against the connection inside a transaction; returns what the caller needs.
Operation = Callable[[InlineConnection], Awaitable[Any]]

_store_numbers = itertools.count(1)

T = TypeVar("T")


@dataclass
class _Pending:
    """The writes of an open `transaction()`, not yet sent to the database."""

    operations: list[Operation] = field(default_factory=list)
    open: bool = True
    flushed: int = 0  # operations committed early (by `commit()` or a write needing its result)


class SqliteStore(SqliteIntents, SqliteWaitlist):
    """`Store` on one SQLite connection; build it with `open_sqlite` or `open_store`."""

    def __init__(self, db: InlineConnection, instance: InstanceLock | None = None) -> None:
        self._db = db
        self._instance = instance
        self._lock = asyncio.Lock()
        self._chat_locks = ChatLocks()
        self._closed = False
        self._commits = 0
        # Per store and per task (asyncio copies the context into each task it starts).
        self._pending: ContextVar[_Pending | None] = ContextVar(
            f"sqlite_pending_{next(_store_numbers)}", default=None
        )

    @property
    def commits(self) -> int:
        """Transactions committed so far (for tests and benchmarks counting round trips)."""
        return self._commits

    async def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        async with self._lock:
            await self._db.close()
        if self._instance is not None:
            self._instance.release()

    # -- plumbing ---------------------------------------------------------------------------

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[None]:
        pending = self._pending.get()
        if pending is not None and pending.open:
            # Nested: part of the outer transaction; an exception drops only its own writes.
            mark = pending.flushed + len(pending.operations)
            try:
                yield
            except BaseException:
                del pending.operations[max(0, mark - pending.flushed) :]
                raise
            return
        pending = _Pending()
        token = self._pending.set(pending)
        try:
            yield
        except BaseException:
            pending.open = False
            pending.operations.clear()  # rolled back: never sent to the database
            raise
        finally:
            self._pending.reset(token)
        pending.open = False
        if pending.operations:
            await self._commit_operations(pending, None)

    async def commit(self) -> None:
        pending = self._pending.get()
        if pending is not None and pending.open and pending.operations:
            await self._commit_operations(pending, None)

    def _open_pending(self) -> _Pending | None:
        pending = self._pending.get()
        return pending if pending is not None and pending.open else None

    async def _commit_operations(
        self,
        pending: _Pending | None,
        last: Operation | None,
        *,
        durable: bool = False,
        before: Sequence[Operation] = (),
    ) -> Any:
        """Run the pending writes, then `last`, in one transaction; returns what `last` returns.

        `durable`: the commit is fsynced, and with it every commit before it (the WAL is one file).
        """
        operations = list(pending.operations) if pending is not None else []
        batch = [*operations, *before, last] if last is not None else operations
        if all(isinstance(operation, _Statement) for operation in batch):
            statements = cast(list[_Statement], batch)
            work = partial(_run_statements, statements, durable=durable)
            async with self._lock:
                # An fsync takes milliseconds: on a thread, so the other chats go on meanwhile.
                rowcount = await self._db.in_thread(work) if durable else self._db.run(work)
                self._commits += 1
            if pending is not None:
                del pending.operations[: len(operations)]
                pending.flushed += len(operations)
            return rowcount if last is not None else None
        result = None
        async with self._lock:
            if durable:
                await self._db.execute("PRAGMA synchronous = FULL")
            try:
                await self._db.execute("BEGIN IMMEDIATE")
                for operation in [*operations, *before]:
                    await operation(self._db)
                if last is not None:
                    result = await last(self._db)
                await self._db.execute("COMMIT")
            except BaseException:
                await _rollback(self._db)
                raise
            finally:
                if durable:
                    await self._db.execute("PRAGMA synchronous = NORMAL")
            self._commits += 1
        if pending is not None:
            del pending.operations[: len(operations)]
            pending.flushed += len(operations)
        return result

    async def _apply(self, operation: Operation) -> None:
        """A write: kept for the end of the open transaction, or committed now if there is none."""
        pending = self._open_pending()
        if pending is not None:
            pending.operations.append(operation)
            return
        await self._commit_operations(None, operation)

    async def _apply_now(self, operation: Operation) -> Any:
        """A write whose result is needed now: commits the open transaction's writes with it."""
        return await self._commit_operations(self._open_pending(), operation)

    async def _select(self, sql: str, params: Iterable[Any] = ()) -> list[sqlite3.Row]:
        pending = self._open_pending()
        operations = list(pending.operations) if pending is not None else []
        async with self._lock:
            if not operations:
                return list(await self._db.execute_fetchall(sql, tuple(params)))
            # Read your own writes: replay them, read, and undo; they stay pending.
            if all(isinstance(operation, _Statement) for operation in operations):
                statements = cast(list[_Statement], operations)
                work = partial(_read_after, statements, sql, tuple(params))
                return self._db.run(work)
            try:
                await self._db.execute("BEGIN IMMEDIATE")
                for operation in operations:
                    await operation(self._db)
                rows = list(await self._db.execute_fetchall(sql, tuple(params)))
            finally:
                await _rollback(self._db)
            return rows

    async def _write(self, sql: str, params: Iterable[Any] = ()) -> None:
        await self._apply(_statement(sql, params))

    async def _write_now(self, sql: str, params: Iterable[Any] = ()) -> int:
        rowcount: int = await self._apply_now(_statement(sql, params))
        return rowcount

    async def _write_durable(self, sql: str, params: Iterable[Any] = ()) -> None:
        """As `_write_now`, and on disk (fsynced) when it returns: before Zimun is called."""
        await self._commit_operations(self._open_pending(), _statement(sql, params), durable=True)

    # -- sessions ---------------------------------------------------------------------------

    async def load_session(self, chat_id: int) -> dict[str, Any] | None:
        rows = await self._select("SELECT data FROM sessions WHERE chat_id = ?", (chat_id,))
        return json_from_db(rows[0]["data"]) if rows else None

    async def save_session(self, chat_id: int, data: dict[str, Any]) -> None:
        document = json_to_db(data, "session")
        await self._write(
            "INSERT INTO sessions (chat_id, data) VALUES (?, ?)"
            " ON CONFLICT (chat_id) DO UPDATE SET data = excluded.data",
            (chat_id, document),
        )

    async def delete_session(self, chat_id: int) -> None:
        await self._write("DELETE FROM sessions WHERE chat_id = ?", (chat_id,))

    # -- bookings ledger --------------------------------------------------------------------

    async def record_booking(self, entry: LedgerEntry) -> None:
        start = time_to_db(entry.start, "start")
        created = time_to_db(entry.created_at, "created_at")

        async def write(db: InlineConnection) -> None:
            async with db.execute(
                "SELECT 1 FROM bookings WHERE appointment_id = ?", (entry.appointment_id,)
            ) as cursor:
                existed = await cursor.fetchone() is not None
            # A repeated confirm updates the entry but keeps its first created_at and history.
            await db.execute(
                f"INSERT INTO bookings ({ENTRY_COLUMNS})"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (appointment_id) DO UPDATE SET"
                " chat_id = excluded.chat_id, user_id = excluded.user_id,"
                " service_id = excluded.service_id, service_name = excluded.service_name,"
                " start_at = excluded.start_at, duration_minutes = excluded.duration_minutes,"
                " status = excluded.status, language = excluded.language,"
                " contact_name = excluded.contact_name, booking_code = excluded.booking_code",
                (
                    entry.appointment_id,
                    entry.chat_id,
                    entry.user_id,
                    entry.service_id,
                    entry.service_name,
                    start,
                    entry.duration_minutes,
                    entry.status,
                    entry.language,
                    entry.contact_name,
                    entry.booking_code,
                    created,
                ),
            )
            if not existed:
                await _append_event(
                    db, entry.appointment_id, EventKind.BOOKED, created, {"start": start}
                )

        await self._apply(write)
        logger.info("booking %s recorded for chat %s", entry.appointment_id, entry.chat_id)

    async def record_move(self, appointment_id: str, new_start: datetime, at: datetime) -> None:
        to = time_to_db(new_start, "new_start")
        when = time_to_db(at, "at")
        # UnknownBooking is the caller's to handle now; the write itself may wait for the commit.
        if not await self._select(
            "SELECT 1 FROM bookings WHERE appointment_id = ?", (appointment_id,)
        ):
            raise UnknownBooking(appointment_id)

        async def write(db: InlineConnection) -> None:
            async with db.execute(
                "SELECT start_at FROM bookings WHERE appointment_id = ?", (appointment_id,)
            ) as cursor:
                row = await cursor.fetchone()
            if row is None:
                return  # forgotten in the meantime
            previous = row["start_at"]
            if previous == to:
                return  # a retried move: history already says so
            await db.execute(
                "UPDATE bookings SET start_at = ? WHERE appointment_id = ?", (to, appointment_id)
            )
            await _append_event(
                db, appointment_id, EventKind.MOVED, when, {"from": previous, "to": to}
            )

        await self._apply(write)
        logger.info("booking %s moved", appointment_id)

    async def record_cancel(
        self, appointment_id: str, reason: str | None, at: datetime, by: str = "customer"
    ) -> None:
        when = time_to_db(at, "at")
        if by not in tuple(CancelledBy):
            raise ValueError(f"by must be 'customer' or 'staff', got {by!r}")
        if not await self._select(
            "SELECT 1 FROM bookings WHERE appointment_id = ?", (appointment_id,)
        ):
            raise UnknownBooking(appointment_id)

        async def write(db: InlineConnection) -> None:
            async with db.execute(
                "SELECT status FROM bookings WHERE appointment_id = ?", (appointment_id,)
            ) as cursor:
                row = await cursor.fetchone()
            if row is None:
                return  # forgotten in the meantime
            if row["status"] == CANCELLED_STATUS:
                return  # a retried cancel: keep the first reason and time
            await db.execute(
                "UPDATE bookings SET status = ? WHERE appointment_id = ?",
                (CANCELLED_STATUS, appointment_id),
            )
            details = {"reason": reason, "by": str(by)}
            await _append_event(db, appointment_id, EventKind.CANCELLED, when, details)

        await self._apply(write)
        logger.info("booking %s cancelled by %s", appointment_id, by)

    async def set_cancel_reason(self, appointment_id: str, reason: str) -> bool:
        if not await self._select(
            "SELECT 1 FROM bookings WHERE appointment_id = ?", (appointment_id,)
        ):
            raise UnknownBooking(appointment_id)
        rows = await self._select(
            "SELECT seq, details FROM booking_events WHERE appointment_id = ? AND kind = ?"
            " ORDER BY seq DESC LIMIT 1",
            (appointment_id, str(EventKind.CANCELLED)),
        )
        if not rows:
            return False  # not cancelled: nothing to give a reason for
        if json_from_db(rows[0]["details"]).get("reason"):
            return False  # the first reason stays, as with a retried cancel
        seq = rows[0]["seq"]

        async def write(db: InlineConnection) -> None:
            # Read again at the commit: a reason written meanwhile stays.
            async with db.execute(
                "SELECT details FROM booking_events WHERE appointment_id = ? AND seq = ?",
                (appointment_id, seq),
            ) as cursor:
                row = await cursor.fetchone()
            if row is None:
                return  # forgotten in the meantime
            details = json_from_db(row["details"])
            if details.get("reason"):
                return
            details["reason"] = reason
            await db.execute(
                "UPDATE booking_events SET details = ? WHERE appointment_id = ? AND seq = ?",
                (json_to_db(details, "details"), appointment_id, seq),
            )

        await self._apply(write)
        logger.info("booking %s: cancel reason kept", appointment_id)
        return True

    async def record_event_once(
        self, appointment_id: str, kind: str, at: datetime, details: dict[str, Any] | None = None
    ) -> bool:
        when = time_to_db(at, "at")
        if not await self._select(
            "SELECT 1 FROM bookings WHERE appointment_id = ?", (appointment_id,)
        ):
            raise UnknownBooking(appointment_id)
        if await self._select(
            "SELECT 1 FROM booking_events WHERE appointment_id = ? AND kind = ?",
            (appointment_id, str(kind)),
        ):
            return False

        async def write(db: InlineConnection) -> None:
            await _append_event(db, appointment_id, kind, when, dict(details or {}))

        await self._apply(write)
        logger.info("booking %s: %s", appointment_id, kind)
        return True

    async def bookings_for_chat(
        self, chat_id: int, *, after: datetime | None = None, include_cancelled: bool = False
    ) -> list[LedgerEntry]:
        sql = f"SELECT {ENTRY_COLUMNS} FROM bookings WHERE chat_id = ?"
        params: list[Any] = [chat_id]
        if after is not None:
            sql += " AND start_at > ?"
            params.append(time_to_db(after, "after"))
        if not include_cancelled:
            sql += " AND status <> ?"
            params.append(CANCELLED_STATUS)
        sql += " ORDER BY start_at, appointment_id"
        return [entry_from_row(row) for row in await self._select(sql, params)]

    async def find_booking(self, appointment_id_or_code: str) -> LedgerEntry | None:
        wanted = appointment_id_or_code.strip()
        if not wanted:
            return None
        # An exact appointment id wins over a booking code that happens to match it.
        rows = await self._select(
            f"SELECT {ENTRY_COLUMNS} FROM bookings"
            " WHERE appointment_id = ? OR lower(booking_code) = lower(?)"
            " ORDER BY CASE WHEN appointment_id = ? THEN 0 ELSE 1 END, created_at"
            " LIMIT 1",
            (wanted, wanted, wanted),
        )
        return entry_from_row(rows[0]) if rows else None

    async def booking_history(self, appointment_id: str) -> list[LedgerEvent]:
        rows = await self._select(
            "SELECT appointment_id, kind, occurred_at, details FROM booking_events"
            " WHERE appointment_id = ? ORDER BY occurred_at, seq",
            (appointment_id,),
        )
        return [event_from_row(row) for row in rows]

    async def bookings_between(self, start: datetime, end: datetime) -> list[LedgerEntry]:
        rows = await self._select(
            f"SELECT {ENTRY_COLUMNS} FROM bookings WHERE start_at >= ? AND start_at < ?"
            " ORDER BY start_at, appointment_id",
            (time_to_db(start, "start"), time_to_db(end, "end")),
        )
        return [entry_from_row(row) for row in rows]

    # -- scheduled messages -----------------------------------------------------------------

    async def schedule(self, message: ScheduledMessage) -> None:
        await self._write(
            "INSERT INTO scheduled_messages (key, chat_id, due_at, kind, payload, sent)"
            " VALUES (?, ?, ?, ?, ?, FALSE)"
            " ON CONFLICT (key) DO UPDATE SET chat_id = excluded.chat_id,"
            " due_at = excluded.due_at, kind = excluded.kind, payload = excluded.payload"
            " WHERE NOT scheduled_messages.sent",
            (
                message.key,
                message.chat_id,
                time_to_db(message.due_at, "due_at"),
                message.kind,
                json_to_db(message.payload, "payload"),
            ),
        )

    async def cancel_scheduled(self, key: str) -> None:
        await self._write("DELETE FROM scheduled_messages WHERE key = ?", (key,))

    async def due_messages(self, now: datetime, limit: int = 100) -> list[ScheduledMessage]:
        if limit < 1:
            raise ValueError(f"limit must be positive, got {limit}")
        rows = await self._select(
            "SELECT key, chat_id, due_at, kind, payload FROM scheduled_messages"
            " WHERE NOT sent AND due_at <= ? ORDER BY due_at, key LIMIT ?",
            (time_to_db(now, "now"), limit),
        )
        return [message_from_row(row) for row in rows]

    async def mark_sent(self, key: str) -> None:
        await self._write("UPDATE scheduled_messages SET sent = TRUE WHERE key = ?", (key,))

    async def pending_count(self) -> int:
        rows = await self._select("SELECT COUNT(*) FROM scheduled_messages WHERE NOT sent")
        return int(rows[0][0])

    # -- several instances (issue 12): SQLite serves one process, so they coordinate tasks ---

    def chat_lock(self, chat_id: int) -> AbstractAsyncContextManager[None]:
        return self._chat_locks.hold(chat_id)

    async def claim_due(
        self, now: datetime, lease: timedelta, limit: int = 100
    ) -> list[ScheduledMessage]:
        if limit < 1:
            raise ValueError(f"limit must be positive, got {limit}")
        when = time_to_db(now, "now")

        async def claim(db: InlineConnection) -> list[sqlite3.Row]:
            async with db.execute(
                "SELECT key, chat_id, due_at, kind, payload FROM scheduled_messages"
                " WHERE NOT sent AND due_at <= ? AND (claimed_until IS NULL OR claimed_until <= ?)"
                " ORDER BY due_at, key LIMIT ?",
                (when, when, limit),
            ) as cursor:
                found = list(await cursor.fetchall())
            await db.executemany(
                "UPDATE scheduled_messages SET claimed_until = ? WHERE key = ?",
                [(time_to_db(now + lease, "now"), row["key"]) for row in found],
            )
            return found

        rows: list[sqlite3.Row] = await self._apply_now(claim)
        return [message_from_row(row) for row in rows]

    async def release_claim(self, key: str) -> None:
        await self._write(
            "UPDATE scheduled_messages SET claimed_until = NULL WHERE key = ? AND NOT sent", (key,)
        )

    # -- staff: privacy, statistics, health -------------------------------------------------

    async def forget_chat(self, chat_id: int) -> ForgetCounts:
        async def erase(db: InlineConnection) -> ForgetCounts:
            sessions = await _count(db, "DELETE FROM sessions WHERE chat_id = ?", chat_id)
            scheduled = await _count(
                db, "DELETE FROM scheduled_messages WHERE chat_id = ?", chat_id
            )
            # Staff alerts about this chat's bookings sit in the staff's chats with its name and
            # code, and staff confirmations awaiting a tap name its appointments: they go too.
            scheduled += await _count(
                db,
                "DELETE FROM scheduled_messages WHERE json_extract(payload, '$.appointment_id')"
                " IN (SELECT appointment_id FROM bookings WHERE chat_id = ?)",
                chat_id,
            )
            await db.execute(
                "DELETE FROM staff_actions WHERE chat_id = ? OR json_extract(payload,"
                " '$.appointment_id') IN (SELECT appointment_id FROM bookings WHERE chat_id = ?)",
                (chat_id, chat_id),
            )
            await db.execute("DELETE FROM holds WHERE chat_id = ?", (chat_id,))
            await db.execute("DELETE FROM zimun_intents WHERE chat_id = ?", (chat_id,))
            await db.execute("DELETE FROM waitlist WHERE chat_id = ?", (chat_id,))
            # A private chat's id is its user's: a staff member forgetting their chat also drops
            # the notification preference it set.
            await db.execute("DELETE FROM staff_prefs WHERE user_id = ?", (chat_id,))
            events = await _count(
                db,
                "DELETE FROM booking_events WHERE appointment_id IN"
                " (SELECT appointment_id FROM bookings WHERE chat_id = ?)",
                chat_id,
            )
            bookings = await _count(db, "DELETE FROM bookings WHERE chat_id = ?", chat_id)
            metrics = await _count(
                db, "UPDATE metrics SET chat_id = NULL WHERE chat_id = ?", chat_id
            )
            return ForgetCounts(
                sessions=sessions,
                bookings=bookings,
                events=events,
                scheduled=scheduled,
                metrics=metrics,
            )

        counts: ForgetCounts = await self._apply_now(erase)
        await self._scrub()
        logger.info("chat %s forgotten: %s", chat_id, counts)
        return counts

    async def _scrub(self) -> None:
        """Leave nothing erased readable in the files: old page versions in the WAL, free pages.

        `secure_delete` zeroes what a DELETE frees, but earlier versions of a row live on in WAL
        frames (a checkpoint resets the WAL without truncating it) and in pages written before.
        """
        async with self._lock:
            # VACUUM writes the rebuilt database through the WAL: fold it in and empty it again.
            for statement in (
                "PRAGMA wal_checkpoint(TRUNCATE)",
                "VACUUM",
                "PRAGMA wal_checkpoint(TRUNCATE)",
            ):
                # Each cursor is read to its end: VACUUM refuses to run beside an unfinished one.
                async with self._db.execute(statement) as cursor:
                    await cursor.fetchall()

    async def record_metric(
        self, kind: str, chat_id: int, at: datetime, details: dict[str, Any] | None = None
    ) -> None:
        if kind not in tuple(MetricKind):
            raise ValueError(f"unknown metric kind {kind!r}")
        await self._write(
            "INSERT INTO metrics (kind, chat_id, occurred_at, details) VALUES (?, ?, ?, ?)",
            (str(kind), chat_id, time_to_db(at, "at"), json_to_db(details or {}, "details")),
        )

    async def metrics_between(self, start: datetime, end: datetime) -> list[Metric]:
        rows = await self._select(
            "SELECT kind, chat_id, occurred_at, details FROM metrics"
            " WHERE occurred_at >= ? AND occurred_at < ? ORDER BY occurred_at, kind, chat_id",
            (time_to_db(start, "start"), time_to_db(end, "end")),
        )
        return [
            Metric(
                kind=row["kind"],
                chat_id=None if row["chat_id"] is None else int(row["chat_id"]),
                at=time_from_db(row["occurred_at"]),
                details=json_from_db(row["details"]),
            )
            for row in rows
        ]

    async def ping(self) -> None:
        try:
            await self._write_now(
                "INSERT INTO heartbeat (id, beats) VALUES (1, 1)"
                " ON CONFLICT (id) DO UPDATE SET beats = heartbeat.beats + 1"
            )
        except (sqlite3.Error, ValueError) as exc:  # ValueError: the connection is closed
            raise StorageError(f"storage is not writable: {exc}") from exc

    # -- staff: events, preferences, confirmations, holds (issue 6) --------------------------

    async def events_between(self, start: datetime, end: datetime) -> list[LedgerRecord]:
        rows = await self._select(
            f"SELECT {B_ENTRY_COLUMNS}, e.kind, e.occurred_at, e.details"
            " FROM booking_events e JOIN bookings b ON b.appointment_id = e.appointment_id"
            " WHERE e.occurred_at >= ? AND e.occurred_at < ?"
            " ORDER BY e.occurred_at, e.appointment_id, e.seq",
            (time_to_db(start, "start"), time_to_db(end, "end")),
        )
        return [
            LedgerRecord(
                entry=entry_from_row(row),
                event=event_from_row(row),
            )
            for row in rows
        ]

    async def set_staff_pref(self, pref: StaffPref, at: datetime) -> None:
        await self._write(
            "INSERT INTO staff_prefs (user_id, notify, language, updated_at) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (user_id) DO UPDATE SET notify = excluded.notify,"
            " language = excluded.language, updated_at = excluded.updated_at",
            (pref.user_id, pref.notify, pref.language, time_to_db(at, "at")),
        )

    async def staff_prefs(self) -> list[StaffPref]:
        rows = await self._select(
            "SELECT user_id, notify, language FROM staff_prefs ORDER BY user_id"
        )
        return [
            StaffPref(
                user_id=int(row["user_id"]), notify=bool(row["notify"]), language=row["language"]
            )
            for row in rows
        ]

    async def save_staff_action(self, action: StaffAction) -> None:
        await self._write(
            "INSERT INTO staff_actions (token, user_id, chat_id, kind, payload, created_at, state)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (token) DO UPDATE SET user_id = excluded.user_id,"
            " chat_id = excluded.chat_id, kind = excluded.kind, payload = excluded.payload,"
            " created_at = excluded.created_at, state = excluded.state",
            (
                action.token,
                action.user_id,
                action.chat_id,
                action.kind,
                json_to_db(action.payload, "payload"),
                time_to_db(action.created_at, "created_at"),
                str(action.state),
            ),
        )

    async def load_staff_action(self, token: str) -> StaffAction | None:
        rows = await self._select(
            "SELECT token, user_id, chat_id, kind, payload, created_at, state"
            " FROM staff_actions WHERE token = ?",
            (token,),
        )
        if not rows:
            return None
        row = rows[0]
        return StaffAction(
            token=row["token"],
            user_id=int(row["user_id"]),
            chat_id=int(row["chat_id"]),
            kind=row["kind"],
            payload=json_from_db(row["payload"]),
            created_at=time_from_db(row["created_at"]),
            state=row["state"],
        )

    async def latest_staff_action(self, chat_id: int) -> StaffAction | None:
        rows = await self._select(
            "SELECT token FROM staff_actions WHERE chat_id = ?"
            " ORDER BY created_at DESC, rowid DESC LIMIT 1",
            (chat_id,),
        )
        return await self.load_staff_action(rows[0]["token"]) if rows else None

    async def finish_staff_action(self, token: str, state: str) -> bool:
        changed = await self._write_now(
            "UPDATE staff_actions SET state = ? WHERE token = ? AND state = ?",
            (state, token, str(StaffActionState.PENDING)),
        )
        return changed > 0

    async def record_hold(self, hold: HoldNote) -> None:
        await self._write(
            "INSERT INTO holds (hold_id, chat_id, service_id, start_at, duration_minutes,"
            " expires_at, placed_at) VALUES (?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (hold_id) DO UPDATE SET chat_id = excluded.chat_id,"
            " service_id = excluded.service_id, start_at = excluded.start_at,"
            " duration_minutes = excluded.duration_minutes, expires_at = excluded.expires_at",
            (
                hold.hold_id,
                hold.chat_id,
                hold.service_id,
                time_to_db(hold.start, "start"),
                hold.duration_minutes,
                time_to_db(hold.expires_at, "expires_at"),
                time_to_db(hold.placed_at, "placed_at"),
            ),
        )

    async def end_hold(self, hold_id: str) -> None:
        await self._write("DELETE FROM holds WHERE hold_id = ?", (hold_id,))

    async def active_holds(self, now: datetime) -> list[HoldNote]:
        rows = await self._select(
            f"SELECT {HOLD_COLUMNS} FROM holds WHERE expires_at > ? ORDER BY expires_at, hold_id",
            (time_to_db(now, "now"),),
        )
        return [hold_from_row(row) for row in rows]

    async def forget_staff_records(self, chat_id: int) -> int:
        async def erase(db: InlineConnection) -> int:
            actions = await _count(db, "DELETE FROM staff_actions WHERE chat_id = ?", chat_id)
            holds = await _count(db, "DELETE FROM holds WHERE chat_id = ?", chat_id)
            return actions + holds

        erased: int = await self._apply_now(erase)
        if erased:
            await self._scrub()
        return erased

    # -- processed Telegram updates (issue 10) -----------------------------------------------

    async def claim_update(self, update_id: int, at: datetime) -> bool:
        when = time_to_db(at, "at")
        oldest = time_to_db(at - UPDATE_MEMORY, "at")

        prune = _Statement("DELETE FROM processed_updates WHERE claimed_at < ?", (oldest,))
        claim = _Statement(
            "INSERT INTO processed_updates (update_id, outcome, claimed_at) VALUES (?, ?, ?)"
            " ON CONFLICT (update_id) DO NOTHING",
            (update_id, str(UpdateOutcome.CLAIMED), when),
        )
        claimed: int = await self._commit_operations(self._open_pending(), claim, before=(prune,))
        return claimed > 0

    async def settle_update(self, update_id: int, outcome: str) -> None:
        if outcome not in tuple(UpdateOutcome):
            raise ValueError(f"unknown update outcome {outcome!r}")
        await self._write(
            "UPDATE processed_updates SET outcome = ? WHERE update_id = ?", (outcome, update_id)
        )

    async def update_outcome(self, update_id: int) -> str | None:
        """How the update ended, or None when it was never claimed (or pruned)."""
        rows = await self._select(
            "SELECT outcome FROM processed_updates WHERE update_id = ?", (update_id,)
        )
        return str(rows[0]["outcome"]) if rows else None


async def _rollback(db: InlineConnection) -> None:
    # "No transaction is active" (a BEGIN that failed) just means nothing to undo.
    try:
        await db.execute("ROLLBACK")
    except sqlite3.OperationalError:
        logger.debug("rollback found no transaction")


async def _append_event(
    db: InlineConnection, appointment_id: str, kind: str, at: str, details: dict[str, Any]
) -> None:
    # seq instead of an autoincrement column: portable, and the caller holds the write lock.
    await db.execute(
        "INSERT INTO booking_events (appointment_id, seq, kind, occurred_at, details)"
        " SELECT ?, COALESCE(MAX(seq), 0) + 1, ?, ?, ? FROM booking_events"
        " WHERE appointment_id = ?",
        (appointment_id, str(kind), at, json_to_db(details, "details"), appointment_id),
    )


@dataclass(frozen=True, slots=True)
class _Statement:
    """A plain write: run like any `Operation`, or batched with others in one call."""

    sql: str
    values: tuple[Any, ...]

    async def __call__(self, db: InlineConnection) -> int:
        return await _count(db, self.sql, *self.values)


def _statement(sql: str, params: Iterable[Any]) -> Operation:
    return _Statement(sql, tuple(params))


def _run_statements(
    statements: list[_Statement], connection: sqlite3.Connection, *, durable: bool
) -> int:
    """One transaction of plain writes, in one call; the last one's row count."""
    if durable:
        connection.execute("PRAGMA synchronous = FULL")
    try:
        connection.execute("BEGIN IMMEDIATE")
        rowcount = 0
        for statement in statements:
            rowcount = connection.execute(statement.sql, statement.values).rowcount
        connection.execute("COMMIT")
        return rowcount
    except BaseException:
        if connection.in_transaction:
            connection.execute("ROLLBACK")
        raise
    finally:
        if durable:
            connection.execute("PRAGMA synchronous = NORMAL")


def _read_after(
    statements: list[_Statement], sql: str, params: tuple[Any, ...], connection: sqlite3.Connection
) -> list[sqlite3.Row]:
    """Run `statements`, read `sql`, and undo the statements, in one call."""
    try:
        connection.execute("BEGIN IMMEDIATE")
        for statement in statements:
            connection.execute(statement.sql, statement.values)
        return list(connection.execute(sql, params).fetchall())
    finally:
        if connection.in_transaction:
            connection.execute("ROLLBACK")


async def _count(db: InlineConnection, sql: str, *params: Any) -> int:
    """Run a write and return its row count: a write's cursor holds nothing once executed (as
    `execute_fetchall`'s), so it is not closed apart."""
    cursor = await db.execute(sql, params)
    return cursor.rowcount


__all__ = ["SqliteStore", "open_sqlite"]
