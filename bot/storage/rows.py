"""Rows -> records, shared by the backends: an `sqlite3.Row` and an `asyncpg.Record` are both
read by column name, and both hold the portable column formats of `codec`.
"""

from __future__ import annotations

from typing import Any, Protocol

from bot.storage.codec import json_from_db, time_from_db
from bot.storage.models import HoldNote, LedgerEntry, LedgerEvent, ScheduledMessage

ENTRY_COLUMNS = (
    "appointment_id, chat_id, user_id, service_id, service_name, start_at, duration_minutes,"
    " status, language, contact_name, booking_code, created_at"
)
# The same columns of `bookings b`, for joins.
B_ENTRY_COLUMNS = ", ".join(f"b.{column.strip()}" for column in ENTRY_COLUMNS.split(","))
HOLD_COLUMNS = "hold_id, chat_id, service_id, start_at, duration_minutes, expires_at, placed_at"


class Row(Protocol):
    def __getitem__(self, key: str, /) -> Any: ...


def entry_from_row(row: Row) -> LedgerEntry:
    return LedgerEntry(
        appointment_id=row["appointment_id"],
        chat_id=int(row["chat_id"]),
        user_id=int(row["user_id"]),
        service_id=row["service_id"],
        service_name=row["service_name"],
        start=time_from_db(row["start_at"]),
        duration_minutes=int(row["duration_minutes"]),
        status=row["status"],
        language=row["language"],
        contact_name=row["contact_name"],
        booking_code=row["booking_code"],
        created_at=time_from_db(row["created_at"]),
    )


def event_from_row(row: Row) -> LedgerEvent:
    return LedgerEvent(
        appointment_id=row["appointment_id"],
        kind=row["kind"],
        at=time_from_db(row["occurred_at"]),
        details=json_from_db(row["details"]),
    )


def message_from_row(row: Row) -> ScheduledMessage:
    return ScheduledMessage(
        key=row["key"],
        chat_id=int(row["chat_id"]),
        due_at=time_from_db(row["due_at"]),
        kind=row["kind"],
        payload=json_from_db(row["payload"]),
    )


def hold_from_row(row: Row) -> HoldNote:
    return HoldNote(
        hold_id=row["hold_id"],
        chat_id=None if row["chat_id"] is None else int(row["chat_id"]),
        service_id=row["service_id"],
        start=time_from_db(row["start_at"]),
        duration_minutes=int(row["duration_minutes"]),
        expires_at=time_from_db(row["expires_at"]),
        placed_at=time_from_db(row["placed_at"]),
    )
