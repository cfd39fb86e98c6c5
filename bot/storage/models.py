"""The records the store keeps, as frozen dataclasses with aware datetimes.

Every datetime here must be timezone-aware (a naive one is refused with `ValueError` at
construction); the store hands them back in UTC.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from bot.storage.codec import require_aware


class EventKind(StrEnum):
    """What happened to a booking, as kept in its history."""

    BOOKED = "booked"
    MOVED = "moved"
    CANCELLED = "cancelled"
    # issue 13: attendance, written once each (`record_event_once`)
    REMINDED = "reminded"  # the first reminder reached the customer
    ATTENDING = "attending"  # the customer answered "Confermo" to a reminder
    NO_SHOW = "no_show"  # staff marked that the customer did not come
    RATED = "rated"  # the customer's 1-5 rating after the visit, details {"rating": n}


class CancelledBy(StrEnum):
    CUSTOMER = "customer"
    STAFF = "staff"


class MetricKind(StrEnum):
    """Counted moments of a conversation, for /stats."""

    FIRST_MESSAGE = "first_message"
    HOLD_PLACED = "hold_placed"
    HOLD_EXPIRED = "hold_expired"
    HOLD_RELEASED = "hold_released"
    BOOKED = "booked"
    MOVED = "moved"
    CANCELLED = "cancelled"
    WAITLIST_JOINED = "waitlist_joined"  # issue 13


CANCELLED_STATUS = "cancelled"


class UpdateOutcome(StrEnum):
    """How a claimed Telegram update ended, as kept in `processed_updates`."""

    CLAIMED = "claimed"  # taken, not finished (or the process died while handling it)
    HANDLED = "handled"
    FAILED = "failed"


# Telegram keeps an unconfirmed update for 24 hours; a claim older than that can never recur.
UPDATE_MEMORY = timedelta(days=1)


@dataclass(frozen=True)
class LedgerEntry:
    """An appointment booked through the bot, and the chat that owns it."""

    appointment_id: str
    chat_id: int
    user_id: int
    service_id: str
    service_name: str
    start: datetime
    duration_minutes: int
    status: str
    language: str
    contact_name: str
    booking_code: str | None
    created_at: datetime

    def __post_init__(self) -> None:
        require_aware(self.start, "LedgerEntry.start")
        require_aware(self.created_at, "LedgerEntry.created_at")


@dataclass(frozen=True)
class LedgerEvent:
    """One step of a booking's history.

    details: booked {"start": iso}; moved {"from": iso, "to": iso};
    cancelled {"reason": str | None, "by": "customer" | "staff"}. Times are ISO-8601 UTC.
    """

    appointment_id: str
    kind: str
    at: datetime
    details: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        require_aware(self.at, "LedgerEvent.at")


@dataclass(frozen=True)
class ScheduledMessage:
    """A time-based message (hold warning, reminder), unique by `key`."""

    key: str
    chat_id: int
    due_at: datetime
    kind: str
    payload: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        require_aware(self.due_at, "ScheduledMessage.due_at")


@dataclass(frozen=True)
class Metric:
    """A counted moment; `chat_id` is None once the chat asked to be forgotten."""

    kind: str
    chat_id: int | None
    at: datetime
    details: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        require_aware(self.at, "Metric.at")


@dataclass(frozen=True)
class ForgetCounts:
    """How many records `forget_chat` erased (metrics are kept but detached from the chat)."""

    sessions: int
    bookings: int
    events: int
    scheduled: int
    metrics: int


# -- staff (issue 6) ---------------------------------------------------------------------------


class StaffActionState(StrEnum):
    PENDING = "pending"
    DONE = "done"
    DECLINED = "declined"


@dataclass(frozen=True)
class StaffPref:
    """A staff member's preferences: notifications on or off, and the language to write in."""

    user_id: int
    notify: bool
    language: str


@dataclass(frozen=True)
class StaffAction:
    """A destructive action awaiting its confirmation tap (staff cancel or move, /forget).

    `token` is what the button carries; `payload` holds what the action needs (JSON types only).
    """

    token: str
    user_id: int
    chat_id: int
    kind: str
    payload: dict[str, Any]
    created_at: datetime
    state: str = StaffActionState.PENDING

    def __post_init__(self) -> None:
        require_aware(self.created_at, "StaffAction.created_at")


@dataclass(frozen=True)
class HoldNote:
    """A hold the bot placed in Zimun, for /holds; `chat_id` is None when no chat was known."""

    hold_id: str
    chat_id: int | None
    service_id: str
    start: datetime
    duration_minutes: int
    expires_at: datetime
    placed_at: datetime

    def __post_init__(self) -> None:
        require_aware(self.start, "HoldNote.start")
        require_aware(self.expires_at, "HoldNote.expires_at")
        require_aware(self.placed_at, "HoldNote.placed_at")


@dataclass(frozen=True)
class LedgerRecord:
    """A history event together with the ledger entry it belongs to (for /stats)."""

    entry: LedgerEntry
    event: LedgerEvent
