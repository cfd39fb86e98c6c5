"""The journal of Zimun writes (issue 10): every hold, confirm, move and cancel is an intent first.

An intent is recorded durably before the call, with its idempotency key, the call's arguments and
what the customer will be told; Zimun's answer is recorded as soon as it comes. An intent still in
the table after its turn ended (a crash, Zimun unreachable) is unfinished: the engine resolves it
on start-up and before the chat's next update, by replaying the same call with the same key, and
then deletes it. Settled intents are deleted, so the table holds only unfinished ones (and the
name and e-mail a confirm carries live no longer than the turn).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from bot.storage.codec import json_from_db, json_to_db, time_from_db, time_to_db
from bot.storage.rows import Row

if TYPE_CHECKING:
    import sqlite3
    from collections.abc import Iterable

__all__ = ["IntentJournal", "IntentKind", "IntentState", "SqliteIntents", "ZimunIntent"]


class IntentKind(StrEnum):
    HOLD = "hold"
    CONFIRM = "confirm"
    MOVE = "move"
    CANCEL = "cancel"


class IntentState(StrEnum):
    PENDING = "pending"  # recorded, Zimun's answer unknown (not called yet, or lost with a crash)
    ANSWERED = "answered"  # Zimun's answer recorded; the ledger, reminders, session may lag


@dataclass(frozen=True)
class ZimunIntent:
    """One Zimun write of one chat: `args` replay the call, `context` tells the customer."""

    key: str
    chat_id: int
    kind: str
    args: dict[str, Any]
    context: dict[str, Any]
    state: str
    result: dict[str, Any] | None
    created_at: datetime


@runtime_checkable
class IntentJournal(Protocol):
    """Where intents are kept; `SqliteStore` implements it."""

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
        """Record (or, for the same key again, refresh as pending) the intent, durably."""

    async def record_result(self, key: str, result: dict[str, Any]) -> None:
        """Zimun's answer to the intent's call; an unknown key is ignored."""

    async def settle_intent(self, key: str) -> None:
        """The intent is finished (its effects are saved, or Zimun refused it): forget it."""

    async def open_intents(self, chat_id: int | None = None) -> list[ZimunIntent]:
        """Unfinished intents (of one chat, or of all), oldest first."""


class SqliteIntents:
    """`IntentJournal` for `SqliteStore`, on its connection, lock and transactions."""

    if TYPE_CHECKING:

        async def _select(self, sql: str, params: Iterable[Any] = ()) -> list[sqlite3.Row]: ...

        async def _write(self, sql: str, params: Iterable[Any] = ()) -> object: ...

    async def _journal_write(self, sql: str, params: Iterable[Any]) -> None:
        # An intent must be on disk before Zimun is called. Where the store batches an update's
        # writes into one transaction (`_write` queued until commit), `_write_now` commits the
        # batch so far together with this statement; otherwise `_write` already commits.
        # SQLite fsyncs this commit only (`_write_durable`; its others are not, issue 11).
        write_now = getattr(self, "_write_durable", None) or getattr(self, "_write_now", None)
        if write_now is not None:
            await write_now(sql, params)
        else:
            await self._write(sql, params)

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
        await self._journal_write(
            "INSERT INTO zimun_intents"
            " (idempotency_key, chat_id, kind, args, context, state, result, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?, NULL, ?)"
            " ON CONFLICT (idempotency_key) DO UPDATE SET args = excluded.args,"
            " context = excluded.context, state = excluded.state, result = NULL",
            (
                key,
                chat_id,
                kind,
                json_to_db(args, "args"),
                json_to_db(context, "context"),
                str(IntentState.PENDING),
                time_to_db(at, "at"),
            ),
        )

    async def record_result(self, key: str, result: dict[str, Any]) -> None:
        # With the rest of the event's writes: lost in a crash, it is got again by replaying the
        # call with the same key, which Zimun answers with the same result.
        await self._write(
            "UPDATE zimun_intents SET state = ?, result = ? WHERE idempotency_key = ?",
            (str(IntentState.ANSWERED), json_to_db(result, "result"), key),
        )

    async def settle_intent(self, key: str) -> None:
        await self._write("DELETE FROM zimun_intents WHERE idempotency_key = ?", (key,))

    async def open_intents(self, chat_id: int | None = None) -> list[ZimunIntent]:
        sql = "SELECT * FROM zimun_intents"
        params: tuple[Any, ...] = ()
        if chat_id is not None:
            sql += " WHERE chat_id = ?"
            params = (chat_id,)
        rows = await self._select(sql + " ORDER BY created_at, idempotency_key", params)
        return [intent_from_row(row) for row in rows]


def intent_from_row(row: Row) -> ZimunIntent:
    """A `zimun_intents` row of either backend (both are read by column name)."""
    return ZimunIntent(
        key=str(row["idempotency_key"]),
        chat_id=int(row["chat_id"]),
        kind=str(row["kind"]),
        args=json_from_db(row["args"]),
        context=json_from_db(row["context"]),
        state=str(row["state"]),
        result=json_from_db(row["result"]) if row["result"] is not None else None,
        created_at=time_from_db(row["created_at"]),
    )
