"""The PostgreSQL backend of `Store`, on an asyncpg pool, for several instances sharing one state.

Each call takes a pooled connection for one statement or one transaction, so different chats run
concurrently. Inside `transaction()` every call of the same task shares that transaction's
connection. Schema migrations are the same list SQLite runs (`schema.MIGRATIONS`, portable SQL),
applied under an advisory lock so instances starting together migrate once.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import asyncpg

from bot.storage.codec import json_from_db, json_to_db, time_from_db, time_to_db
from bot.storage.errors import StorageError, UnknownBooking
from bot.storage.intents import IntentKind, IntentState, ZimunIntent, intent_from_row
from bot.storage.locks import ChatLocks
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
from bot.storage.waitlist import PgWaitlist

logger = logging.getLogger(__name__)

POOL_MIN_SIZE = 1
POOL_MAX_SIZE = 10
# Chats whose lock this instance holds at once: each holds a connection of its own, apart from
# the statement pool, so chats holding their locks can never starve their own statements.
LOCK_POOL_MAX_SIZE = 20
# "postgresql+asyncpg://" is SQLAlchemy's spelling; asyncpg itself wants the plain scheme.
_DRIVER_SUFFIX = "+asyncpg"


def advisory_key(namespace: str, value: int = 0) -> int:
    """A signed 64-bit advisory lock key for (namespace, value).

    Chat ids do not fit the two-int4 form, and keys of different namespaces must not collide.
    """
    digest = hashlib.blake2b(f"{namespace}:{value}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


MIGRATION_LOCK = advisory_key("zimun-bot:migrations")


def asyncpg_dsn(database_url: str) -> str:
    """The URL as asyncpg takes it (asyncpg reads host, port, user, password, database and
    `?host=/socket/dir`; other query options become server settings, e.g. `search_path`)."""
    url = database_url.strip()
    scheme, sep, rest = url.partition("://")
    if scheme.endswith(_DRIVER_SUFFIX):
        scheme = scheme[: -len(_DRIVER_SUFFIX)]
    return f"{scheme}{sep}{rest}"


async def open_postgres(
    database_url: str,
    *,
    migrations: Sequence[Migration] = MIGRATIONS,
    min_size: int = POOL_MIN_SIZE,
    max_size: int = POOL_MAX_SIZE,
    lock_pool_size: int = LOCK_POOL_MAX_SIZE,
) -> PgStore:
    """Connect the pools and migrate; `migrations` is for tests that need an older schema."""
    dsn = asyncpg_dsn(database_url)
    try:
        pool = await asyncpg.create_pool(dsn, min_size=min_size, max_size=max_size)
    except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as exc:
        # Not chained into the message: the URL (and its password) must not reach the logs.
        raise StorageError(f"cannot connect to PostgreSQL: {type(exc).__name__}") from exc
    try:
        version = await _migrate(pool, migrations)
        lock_pool = await asyncpg.create_pool(dsn, min_size=0, max_size=lock_pool_size)
    except BaseException:
        await pool.close()
        raise
    logger.info("storage opened on PostgreSQL (schema version %d)", version)
    return PgStore(pool, lock_pool)


async def _migrate(pool: asyncpg.Pool, migrations: Sequence[Migration]) -> int:
    async with pool.acquire() as conn, conn.transaction():
        # Held until commit: a second instance waits here, then finds the work done. DDL is
        # transactional in PostgreSQL, so a failing migration leaves nothing behind.
        await conn.execute("SELECT pg_advisory_xact_lock($1)", MIGRATION_LOCK)
        await conn.execute(
            "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY)"
        )
        current = int(await conn.fetchval("SELECT COALESCE(MAX(version), 0) FROM schema_version"))
        if current > len(migrations):
            raise StorageError(
                f"the database schema is at version {current}, newer than this bot knows "
                f"({len(migrations)}); upgrade the bot"
            )
        for number in range(current + 1, len(migrations) + 1):
            for statement in migrations[number - 1]:
                await conn.execute(statement)
            await conn.execute("INSERT INTO schema_version (version) VALUES ($1)", number)
            logger.info("storage migrated to schema version %d", number)
    return max(current, len(migrations))


def _affected(status: str) -> int:
    """Rows a command touched, from asyncpg's status string ("DELETE 3", "INSERT 0 1")."""
    return int(status.rsplit(" ", 1)[-1])


@dataclass
class _Scope:
    """The connection of an open `transaction()`; the lock keeps two tasks of one transaction
    (a `gather` inside it) from using the connection at once, which asyncpg refuses."""

    connection: asyncpg.Connection
    tx: Any  # the asyncpg transaction in progress; `commit()` ends it and starts the next
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)


class PgStore(PgWaitlist):
    """`StaffStore` on an asyncpg pool; build it with `open_postgres` or `open_store`."""

    def __init__(self, pool: asyncpg.Pool, lock_pool: asyncpg.Pool) -> None:
        self._pool = pool
        self._lock_pool = lock_pool
        self._local_chats = ChatLocks()
        self._scope: ContextVar[_Scope | None] = ContextVar(f"pg_scope_{id(self)}", default=None)
        self._closed = False

    async def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        await self._lock_pool.close()
        await self._pool.close()

    # -- plumbing ---------------------------------------------------------------------------

    @asynccontextmanager
    async def _connection(self) -> AsyncIterator[asyncpg.Connection]:
        scope = self._scope.get()
        if scope is not None:
            async with scope.lock:
                yield scope.connection
            return
        async with self._pool.acquire() as conn:
            yield conn

    @asynccontextmanager
    async def _transaction(self) -> AsyncIterator[asyncpg.Connection]:
        # Inside `transaction()` this is a savepoint on its connection.
        async with self._connection() as conn, conn.transaction():
            yield conn

    async def _select(self, sql: str, *params: Any) -> list[asyncpg.Record]:
        async with self._connection() as conn:
            return list(await conn.fetch(sql, *params))

    async def _write(self, sql: str, *params: Any) -> int:
        async with self._connection() as conn:
            return _affected(await conn.execute(sql, *params))

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[None]:
        """Every store call of this task inside the block commits together, or none does.

        Nested blocks join the outer transaction. Keep Zimun calls and sends outside: the
        transaction holds a pooled connection and row locks until it ends. Tasks started inside
        share it (the context is copied) and must end before the block does.
        """
        if self._scope.get() is not None:
            yield
            return
        async with self._pool.acquire() as conn:
            scope = _Scope(conn, conn.transaction())
            await scope.tx.start()
            token = self._scope.set(scope)
            try:
                yield
            except BaseException:
                await scope.tx.rollback()
                raise
            else:
                await scope.tx.commit()
            finally:
                self._scope.reset(token)

    async def commit(self) -> None:
        """Commit what the open `transaction()` wrote so far; the block goes on in a new one."""
        scope = self._scope.get()
        if scope is None:
            return
        async with scope.lock:
            await scope.tx.commit()
            scope.tx = scope.connection.transaction()
            await scope.tx.start()

    @asynccontextmanager
    async def chat_lock(self, chat_id: int) -> AsyncIterator[None]:
        """Hold the chat's lock, across every instance on this database, for the block.

        A session-level advisory lock on a connection kept for the block: a crashed instance's
        connection closes and PostgreSQL releases its locks; asyncpg's pool also runs
        `pg_advisory_unlock_all()` on every connection returned to it. Tasks of this instance
        queue on an in-process lock first, so a busy chat takes one connection, not one a task.
        """
        key = advisory_key("chat", chat_id)
        async with self._local_chats.hold(chat_id), self._lock_pool.acquire() as conn:
            await conn.execute("SELECT pg_advisory_lock($1)", key)
            try:
                yield
            finally:
                try:
                    await conn.execute("SELECT pg_advisory_unlock($1)", key)
                except (asyncpg.InterfaceError, asyncpg.PostgresConnectionError, OSError):
                    # The connection is gone, and the server dropped its locks with it.
                    logger.warning("chat %s lock: connection lost before unlocking", chat_id)

    # -- sessions ---------------------------------------------------------------------------

    async def load_session(self, chat_id: int) -> dict[str, Any] | None:
        rows = await self._select("SELECT data FROM sessions WHERE chat_id = $1", chat_id)
        return json_from_db(rows[0]["data"]) if rows else None

    async def save_session(self, chat_id: int, data: dict[str, Any]) -> None:
        document = json_to_db(data, "session")
        await self._write(
            "INSERT INTO sessions (chat_id, data) VALUES ($1, $2)"
            " ON CONFLICT (chat_id) DO UPDATE SET data = excluded.data",
            chat_id,
            document,
        )

    async def delete_session(self, chat_id: int) -> None:
        await self._write("DELETE FROM sessions WHERE chat_id = $1", chat_id)

    # -- bookings ledger --------------------------------------------------------------------

    async def record_booking(self, entry: LedgerEntry) -> None:
        start = time_to_db(entry.start, "start")
        created = time_to_db(entry.created_at, "created_at")
        async with self._transaction() as conn:
            # xmax = 0 only on a freshly inserted row: the "booked" event is written once, even
            # when two instances record the same confirm at the same moment.
            inserted = await conn.fetchval(
                f"INSERT INTO bookings ({ENTRY_COLUMNS})"
                " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)"
                " ON CONFLICT (appointment_id) DO UPDATE SET"
                " chat_id = excluded.chat_id, user_id = excluded.user_id,"
                " service_id = excluded.service_id, service_name = excluded.service_name,"
                " start_at = excluded.start_at, duration_minutes = excluded.duration_minutes,"
                " status = excluded.status, language = excluded.language,"
                " contact_name = excluded.contact_name, booking_code = excluded.booking_code"
                " RETURNING (xmax = 0)",
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
            )
            if inserted:
                await _append_event(
                    conn, entry.appointment_id, EventKind.BOOKED, created, {"start": start}
                )
        logger.info("booking %s recorded for chat %s", entry.appointment_id, entry.chat_id)

    async def record_move(self, appointment_id: str, new_start: datetime, at: datetime) -> None:
        to = time_to_db(new_start, "new_start")
        when = time_to_db(at, "at")
        async with self._transaction() as conn:
            # FOR UPDATE: concurrent changes of one booking queue up, so history numbers stay
            # unique and a retried move sees the first one's result.
            previous = await conn.fetchval(
                "SELECT start_at FROM bookings WHERE appointment_id = $1 FOR UPDATE",
                appointment_id,
            )
            if previous is None:
                raise UnknownBooking(appointment_id)
            if previous == to:
                return  # a retried move: history already says so
            await conn.execute(
                "UPDATE bookings SET start_at = $1 WHERE appointment_id = $2", to, appointment_id
            )
            await _append_event(
                conn, appointment_id, EventKind.MOVED, when, {"from": previous, "to": to}
            )
        logger.info("booking %s moved", appointment_id)

    async def record_cancel(
        self, appointment_id: str, reason: str | None, at: datetime, by: str = "customer"
    ) -> None:
        when = time_to_db(at, "at")
        if by not in tuple(CancelledBy):
            raise ValueError(f"by must be 'customer' or 'staff', got {by!r}")
        async with self._transaction() as conn:
            status = await conn.fetchval(
                "SELECT status FROM bookings WHERE appointment_id = $1 FOR UPDATE",
                appointment_id,
            )
            if status is None:
                raise UnknownBooking(appointment_id)
            if status == CANCELLED_STATUS:
                return  # a retried cancel: keep the first reason and time
            await conn.execute(
                "UPDATE bookings SET status = $1 WHERE appointment_id = $2",
                CANCELLED_STATUS,
                appointment_id,
            )
            details = {"reason": reason, "by": str(by)}
            await _append_event(conn, appointment_id, EventKind.CANCELLED, when, details)
        logger.info("booking %s cancelled by %s", appointment_id, by)

    async def set_cancel_reason(self, appointment_id: str, reason: str) -> bool:
        async with self._transaction() as conn:
            # The booking's row lock queues concurrent writers of its history.
            known = await conn.fetchval(
                "SELECT 1 FROM bookings WHERE appointment_id = $1 FOR UPDATE", appointment_id
            )
            if known is None:
                raise UnknownBooking(appointment_id)
            row = await conn.fetchrow(
                "SELECT seq, details FROM booking_events WHERE appointment_id = $1 AND kind = $2"
                " ORDER BY seq DESC LIMIT 1",
                appointment_id,
                str(EventKind.CANCELLED),
            )
            if row is None:
                return False  # not cancelled: nothing to give a reason for
            details = json_from_db(row["details"])
            if details.get("reason"):
                return False  # the first reason stays, as with a retried cancel
            details["reason"] = reason
            await conn.execute(
                "UPDATE booking_events SET details = $1 WHERE appointment_id = $2 AND seq = $3",
                json_to_db(details, "details"),
                appointment_id,
                row["seq"],
            )
        logger.info("booking %s: cancel reason kept", appointment_id)
        return True

    async def record_event_once(
        self, appointment_id: str, kind: str, at: datetime, details: dict[str, Any] | None = None
    ) -> bool:
        when = time_to_db(at, "at")
        async with self._transaction() as conn:
            # The booking's row lock queues concurrent writers, so the event is written once.
            known = await conn.fetchval(
                "SELECT 1 FROM bookings WHERE appointment_id = $1 FOR UPDATE", appointment_id
            )
            if known is None:
                raise UnknownBooking(appointment_id)
            if await conn.fetchval(
                "SELECT 1 FROM booking_events WHERE appointment_id = $1 AND kind = $2",
                appointment_id,
                str(kind),
            ):
                return False
            await _append_event(conn, appointment_id, kind, when, dict(details or {}))
        logger.info("booking %s: %s", appointment_id, kind)
        return True

    async def bookings_for_chat(
        self, chat_id: int, *, after: datetime | None = None, include_cancelled: bool = False
    ) -> list[LedgerEntry]:
        sql = f"SELECT {ENTRY_COLUMNS} FROM bookings WHERE chat_id = $1"
        params: list[Any] = [chat_id]
        if after is not None:
            params.append(time_to_db(after, "after"))
            sql += f" AND start_at > ${len(params)}"
        if not include_cancelled:
            params.append(CANCELLED_STATUS)
            sql += f" AND status <> ${len(params)}"
        sql += ' ORDER BY start_at, appointment_id COLLATE "C"'
        return [entry_from_row(row) for row in await self._select(sql, *params)]

    async def find_booking(self, appointment_id_or_code: str) -> LedgerEntry | None:
        wanted = appointment_id_or_code.strip()
        if not wanted:
            return None
        # An exact appointment id wins over a booking code that happens to match it.
        rows = await self._select(
            f"SELECT {ENTRY_COLUMNS} FROM bookings"
            " WHERE appointment_id = $1 OR lower(booking_code) = lower($1)"
            " ORDER BY CASE WHEN appointment_id = $1 THEN 0 ELSE 1 END, created_at"
            " LIMIT 1",
            wanted,
        )
        return entry_from_row(rows[0]) if rows else None

    async def booking_history(self, appointment_id: str) -> list[LedgerEvent]:
        rows = await self._select(
            "SELECT appointment_id, kind, occurred_at, details FROM booking_events"
            " WHERE appointment_id = $1 ORDER BY occurred_at, seq",
            appointment_id,
        )
        return [event_from_row(row) for row in rows]

    async def bookings_between(self, start: datetime, end: datetime) -> list[LedgerEntry]:
        rows = await self._select(
            f"SELECT {ENTRY_COLUMNS} FROM bookings WHERE start_at >= $1 AND start_at < $2"
            ' ORDER BY start_at, appointment_id COLLATE "C"',
            time_to_db(start, "start"),
            time_to_db(end, "end"),
        )
        return [entry_from_row(row) for row in rows]

    # -- scheduled messages -----------------------------------------------------------------

    async def schedule(self, message: ScheduledMessage) -> None:
        await self._write(
            "INSERT INTO scheduled_messages (key, chat_id, due_at, kind, payload, sent)"
            " VALUES ($1, $2, $3, $4, $5, FALSE)"
            " ON CONFLICT (key) DO UPDATE SET chat_id = excluded.chat_id,"
            " due_at = excluded.due_at, kind = excluded.kind, payload = excluded.payload"
            " WHERE NOT scheduled_messages.sent",
            message.key,
            message.chat_id,
            time_to_db(message.due_at, "due_at"),
            message.kind,
            json_to_db(message.payload, "payload"),
        )

    async def cancel_scheduled(self, key: str) -> None:
        await self._write("DELETE FROM scheduled_messages WHERE key = $1", key)

    async def due_messages(self, now: datetime, limit: int = 100) -> list[ScheduledMessage]:
        if limit < 1:
            raise ValueError(f"limit must be positive, got {limit}")
        rows = await self._select(
            "SELECT key, chat_id, due_at, kind, payload FROM scheduled_messages"
            ' WHERE NOT sent AND due_at <= $1 ORDER BY due_at, key COLLATE "C" LIMIT $2',
            time_to_db(now, "now"),
            limit,
        )
        return [message_from_row(row) for row in rows]

    async def mark_sent(self, key: str) -> None:
        await self._write("UPDATE scheduled_messages SET sent = TRUE WHERE key = $1", key)

    async def pending_count(self) -> int:
        rows = await self._select("SELECT COUNT(*) FROM scheduled_messages WHERE NOT sent")
        return int(rows[0][0])

    async def claim_due(
        self, now: datetime, lease: timedelta, limit: int = 100
    ) -> list[ScheduledMessage]:
        if limit < 1:
            raise ValueError(f"limit must be positive, got {limit}")
        when = time_to_db(now, "now")
        # SKIP LOCKED: a row another instance is claiming right now is passed over, not waited
        # for, so concurrent claimers get disjoint messages without queueing behind each other.
        rows = await self._select(
            "UPDATE scheduled_messages SET claimed_until = $2 WHERE key IN"
            " (SELECT key FROM scheduled_messages WHERE NOT sent AND due_at <= $1"
            " AND (claimed_until IS NULL OR claimed_until <= $1)"
            ' ORDER BY due_at, key COLLATE "C" LIMIT $3 FOR UPDATE SKIP LOCKED)'
            " RETURNING key, chat_id, due_at, kind, payload",
            when,
            time_to_db(now + lease, "now"),
            limit,
        )
        messages = [message_from_row(row) for row in rows]
        return sorted(messages, key=lambda message: (message.due_at, message.key))

    async def release_claim(self, key: str) -> None:
        await self._write(
            "UPDATE scheduled_messages SET claimed_until = NULL WHERE key = $1 AND NOT sent", key
        )

    # -- staff: privacy, statistics, health -------------------------------------------------

    async def forget_chat(self, chat_id: int) -> ForgetCounts:
        async with self._transaction() as conn:
            sessions = _affected(
                await conn.execute("DELETE FROM sessions WHERE chat_id = $1", chat_id)
            )
            scheduled = _affected(
                await conn.execute("DELETE FROM scheduled_messages WHERE chat_id = $1", chat_id)
            )
            # Staff alerts and confirmations naming this chat's appointments go too (see
            # `SqliteStore.forget_chat`); payloads are JSON text, read here as jsonb.
            scheduled += _affected(
                await conn.execute(
                    "DELETE FROM scheduled_messages WHERE payload::jsonb ->> 'appointment_id'"
                    " IN (SELECT appointment_id FROM bookings WHERE chat_id = $1)",
                    chat_id,
                )
            )
            await conn.execute(
                "DELETE FROM staff_actions WHERE chat_id = $1"
                " OR payload::jsonb ->> 'appointment_id' IN"
                " (SELECT appointment_id FROM bookings WHERE chat_id = $1)",
                chat_id,
            )
            await conn.execute("DELETE FROM holds WHERE chat_id = $1", chat_id)
            await conn.execute("DELETE FROM waitlist WHERE chat_id = $1", chat_id)
            await conn.execute("DELETE FROM zimun_intents WHERE chat_id = $1", chat_id)
            await conn.execute("DELETE FROM staff_prefs WHERE user_id = $1", chat_id)
            events = _affected(
                await conn.execute(
                    "DELETE FROM booking_events WHERE appointment_id IN"
                    " (SELECT appointment_id FROM bookings WHERE chat_id = $1)",
                    chat_id,
                )
            )
            bookings = _affected(
                await conn.execute("DELETE FROM bookings WHERE chat_id = $1", chat_id)
            )
            metrics = _affected(
                await conn.execute("UPDATE metrics SET chat_id = NULL WHERE chat_id = $1", chat_id)
            )
        counts = ForgetCounts(
            sessions=sessions,
            bookings=bookings,
            events=events,
            scheduled=scheduled,
            metrics=metrics,
        )
        # Unlike SQLite's scrub, erased row versions stay in PostgreSQL's heap until VACUUM
        # reuses their space, and in WAL and backups until those are recycled (see README).
        logger.info("chat %s forgotten: %s", chat_id, counts)
        return counts

    async def record_metric(
        self, kind: str, chat_id: int, at: datetime, details: dict[str, Any] | None = None
    ) -> None:
        if kind not in tuple(MetricKind):
            raise ValueError(f"unknown metric kind {kind!r}")
        await self._write(
            "INSERT INTO metrics (kind, chat_id, occurred_at, details) VALUES ($1, $2, $3, $4)",
            str(kind),
            chat_id,
            time_to_db(at, "at"),
            json_to_db(details or {}, "details"),
        )

    async def metrics_between(self, start: datetime, end: datetime) -> list[Metric]:
        rows = await self._select(
            "SELECT kind, chat_id, occurred_at, details FROM metrics"
            " WHERE occurred_at >= $1 AND occurred_at < $2"
            ' ORDER BY occurred_at, kind COLLATE "C", chat_id',
            time_to_db(start, "start"),
            time_to_db(end, "end"),
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
            await self._write(
                "INSERT INTO heartbeat (id, beats) VALUES (1, 1)"
                " ON CONFLICT (id) DO UPDATE SET beats = heartbeat.beats + 1"
            )
        except (asyncpg.PostgresError, asyncpg.InterfaceError, OSError) as exc:
            raise StorageError(f"storage is not writable: {exc}") from exc

    # -- staff: events, preferences, confirmations, holds (issue 6) --------------------------

    async def events_between(self, start: datetime, end: datetime) -> list[LedgerRecord]:
        rows = await self._select(
            f"SELECT {B_ENTRY_COLUMNS}, e.kind, e.occurred_at, e.details"
            " FROM booking_events e JOIN bookings b ON b.appointment_id = e.appointment_id"
            " WHERE e.occurred_at >= $1 AND e.occurred_at < $2"
            ' ORDER BY e.occurred_at, e.appointment_id COLLATE "C", e.seq',
            time_to_db(start, "start"),
            time_to_db(end, "end"),
        )
        return [LedgerRecord(entry=entry_from_row(row), event=event_from_row(row)) for row in rows]

    async def set_staff_pref(self, pref: StaffPref, at: datetime) -> None:
        await self._write(
            "INSERT INTO staff_prefs (user_id, notify, language, updated_at)"
            " VALUES ($1, $2, $3, $4)"
            " ON CONFLICT (user_id) DO UPDATE SET notify = excluded.notify,"
            " language = excluded.language, updated_at = excluded.updated_at",
            pref.user_id,
            pref.notify,
            pref.language,
            time_to_db(at, "at"),
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
            " VALUES ($1, $2, $3, $4, $5, $6, $7)"
            " ON CONFLICT (token) DO UPDATE SET user_id = excluded.user_id,"
            " chat_id = excluded.chat_id, kind = excluded.kind, payload = excluded.payload,"
            " created_at = excluded.created_at, state = excluded.state",
            action.token,
            action.user_id,
            action.chat_id,
            action.kind,
            json_to_db(action.payload, "payload"),
            time_to_db(action.created_at, "created_at"),
            str(action.state),
        )

    async def load_staff_action(self, token: str) -> StaffAction | None:
        rows = await self._select(
            "SELECT token, user_id, chat_id, kind, payload, created_at, state"
            " FROM staff_actions WHERE token = $1",
            token,
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
            "SELECT token FROM staff_actions WHERE chat_id = $1"
            " ORDER BY created_at DESC, token DESC LIMIT 1",
            chat_id,
        )
        return await self.load_staff_action(rows[0]["token"]) if rows else None

    async def finish_staff_action(self, token: str, state: str) -> bool:
        changed = await self._write(
            "UPDATE staff_actions SET state = $1 WHERE token = $2 AND state = $3",
            state,
            token,
            str(StaffActionState.PENDING),
        )
        return changed > 0

    async def record_hold(self, hold: HoldNote) -> None:
        await self._write(
            f"INSERT INTO holds ({HOLD_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7)"
            " ON CONFLICT (hold_id) DO UPDATE SET chat_id = excluded.chat_id,"
            " service_id = excluded.service_id, start_at = excluded.start_at,"
            " duration_minutes = excluded.duration_minutes, expires_at = excluded.expires_at",
            hold.hold_id,
            hold.chat_id,
            hold.service_id,
            time_to_db(hold.start, "start"),
            hold.duration_minutes,
            time_to_db(hold.expires_at, "expires_at"),
            time_to_db(hold.placed_at, "placed_at"),
        )

    async def end_hold(self, hold_id: str) -> None:
        await self._write("DELETE FROM holds WHERE hold_id = $1", hold_id)

    async def active_holds(self, now: datetime) -> list[HoldNote]:
        rows = await self._select(
            f"SELECT {HOLD_COLUMNS} FROM holds WHERE expires_at > $1"
            ' ORDER BY expires_at, hold_id COLLATE "C"',
            time_to_db(now, "now"),
        )
        return [hold_from_row(row) for row in rows]

    async def forget_staff_records(self, chat_id: int) -> int:
        async with self._transaction() as conn:
            actions = _affected(
                await conn.execute("DELETE FROM staff_actions WHERE chat_id = $1", chat_id)
            )
            holds = _affected(await conn.execute("DELETE FROM holds WHERE chat_id = $1", chat_id))
        return actions + holds

    # -- processed Telegram updates (issue 10) -----------------------------------------------

    async def claim_update(self, update_id: int, at: datetime) -> bool:
        when = time_to_db(at, "at")
        oldest = time_to_db(at - UPDATE_MEMORY, "at")
        async with self._transaction() as conn:
            await conn.execute("DELETE FROM processed_updates WHERE claimed_at < $1", oldest)
            claimed = _affected(
                await conn.execute(
                    "INSERT INTO processed_updates (update_id, outcome, claimed_at)"
                    " VALUES ($1, $2, $3) ON CONFLICT (update_id) DO NOTHING",
                    update_id,
                    str(UpdateOutcome.CLAIMED),
                    when,
                )
            )
        return claimed > 0

    async def settle_update(self, update_id: int, outcome: str) -> None:
        if outcome not in tuple(UpdateOutcome):
            raise ValueError(f"unknown update outcome {outcome!r}")
        await self._write(
            "UPDATE processed_updates SET outcome = $1 WHERE update_id = $2", outcome, update_id
        )

    async def update_outcome(self, update_id: int) -> str | None:
        rows = await self._select(
            "SELECT outcome FROM processed_updates WHERE update_id = $1", update_id
        )
        return str(rows[0]["outcome"]) if rows else None

    # -- the journal of Zimun writes (issue 10; `IntentJournal`) ------------------------------

    async def record_intent(
        self,
        *,
        key: str,
        chat_id: int,
        kind: str,
        args: dict[str, Any],
        context: dict[str, Any],
        at: datetime,
    ) -> None:
        if kind not in tuple(IntentKind):
            raise ValueError(f"unknown intent kind {kind!r}")
        await self._write(
            "INSERT INTO zimun_intents"
            " (idempotency_key, chat_id, kind, args, context, state, result, created_at)"
            " VALUES ($1, $2, $3, $4, $5, $6, NULL, $7)"
            " ON CONFLICT (idempotency_key) DO UPDATE SET args = excluded.args,"
            " context = excluded.context, state = excluded.state, result = NULL",
            key,
            chat_id,
            kind,
            json_to_db(args, "args"),
            json_to_db(context, "context"),
            str(IntentState.PENDING),
            time_to_db(at, "at"),
        )
        # The intent must be durable before Zimun is called: inside the update's transaction()
        # this commits what the turn wrote so far with it (outside, the statement committed).
        await self.commit()

    async def record_result(self, key: str, result: dict[str, Any]) -> None:
        # With the rest of the event's writes: lost in a crash, it is got again by replaying the
        # call with the same key, which Zimun answers with the same result.
        await self._write(
            "UPDATE zimun_intents SET state = $1, result = $2 WHERE idempotency_key = $3",
            str(IntentState.ANSWERED),
            json_to_db(result, "result"),
            key,
        )

    async def settle_intent(self, key: str) -> None:
        await self._write("DELETE FROM zimun_intents WHERE idempotency_key = $1", key)

    async def open_intents(self, chat_id: int | None = None) -> list[ZimunIntent]:
        sql = "SELECT * FROM zimun_intents"
        params: tuple[Any, ...] = ()
        if chat_id is not None:
            sql += " WHERE chat_id = $1"
            params = (chat_id,)
        rows = await self._select(
            sql + ' ORDER BY created_at, idempotency_key COLLATE "C"', *params
        )
        return [intent_from_row(row) for row in rows]


async def _append_event(
    conn: asyncpg.Connection, appointment_id: str, kind: str, at: str, details: dict[str, Any]
) -> None:
    # The caller holds the booking's row lock (or just inserted it), so MAX(seq) + 1 is unique.
    await conn.execute(
        "INSERT INTO booking_events (appointment_id, seq, kind, occurred_at, details)"
        " SELECT $1, COALESCE(MAX(seq), 0) + 1, $2, $3, $4 FROM booking_events"
        " WHERE appointment_id = $1",
        appointment_id,
        str(kind),
        at,
        json_to_db(details, "details"),
    )


__all__ = ["PgStore", "advisory_key", "asyncpg_dsn", "open_postgres"]
