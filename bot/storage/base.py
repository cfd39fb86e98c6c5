"""The `Store` protocol: everything the engine, the adapter and staff commands ask of storage.

Backends (SQLite today, PostgreSQL later) are sibling modules implementing it; callers depend on
this protocol only and get an instance from `open_store(DATABASE_URL)`.
"""

from __future__ import annotations

from contextlib import AbstractAsyncContextManager
from datetime import datetime, timedelta
from typing import Any, Protocol, runtime_checkable

from bot.storage.intents import IntentJournal
from bot.storage.models import (
    ForgetCounts,
    HoldNote,
    LedgerEntry,
    LedgerEvent,
    LedgerRecord,
    Metric,
    ScheduledMessage,
    StaffAction,
    StaffPref,
)


class Store(Protocol):
    async def close(self) -> None:
        """Release the connection; safe to call twice."""

    # Transactions: the writes of one update reach the database together.
    def transaction(self) -> AbstractAsyncContextManager[None]:
        """Writes made inside (by this task) are committed together when it exits.

        Until then no other reader sees them; reads inside see them. An exception rolls them
        back. Nested use is harmless: the inner block joins the outer one (an exception leaving
        the inner block drops only the writes made inside it). Writes that return a result
        (`finish_staff_action`, `forget_chat`, `forget_staff_records`, `ping`) commit the writes
        so far together with their own, and the transaction goes on.
        """

    async def commit(self) -> None:
        """Commit the current transaction's writes now; later writes form a new one.

        For checkpoints: what the engine saves before a Zimun write must be on disk before the
        call. Outside a transaction every write is already committed, so this does nothing.
        """

    # Sessions: one JSON document per chat.
    async def load_session(self, chat_id: int) -> dict[str, Any] | None: ...

    async def save_session(self, chat_id: int, data: dict[str, Any]) -> None:
        """Replace the chat's session atomically (JSON types only)."""

    async def delete_session(self, chat_id: int) -> None: ...

    # Bookings ledger: which chat owns which appointment, and its history.
    async def record_booking(self, entry: LedgerEntry) -> None:
        """Add (or, when repeated, update) the entry; the "booked" event is written once."""

    async def record_move(self, appointment_id: str, new_start: datetime, at: datetime) -> None:
        """Set the new start and append a "moved" event; a move to the current start is a no-op.

        Raises `UnknownBooking` when the appointment is not in the ledger.
        """

    async def record_cancel(
        self, appointment_id: str, reason: str | None, at: datetime, by: str = "customer"
    ) -> None:
        """Mark cancelled and append a "cancelled" event; cancelling twice is a no-op.

        `by` is "customer" or "staff". Raises `UnknownBooking` for an unknown appointment.
        """

    async def set_cancel_reason(self, appointment_id: str, reason: str) -> bool:
        """Keep the customer's reason for a cancellation already recorded, given afterwards (the
        cancel happens at "yes"; the reason may follow): it goes into the "cancelled" event's
        details, where `record_cancel` would have put it. A cancellation that has a reason keeps
        it; True when the reason was set. Raises `UnknownBooking` for an unknown appointment."""

    async def record_event_once(
        self, appointment_id: str, kind: str, at: datetime, details: dict[str, Any] | None = None
    ) -> bool:
        """Append a `kind` event unless the booking has one already (issue 13: reminded,
        attending, no-show); True when written. Raises `UnknownBooking` for an unknown one."""

    async def bookings_for_chat(
        self, chat_id: int, *, after: datetime | None = None, include_cancelled: bool = False
    ) -> list[LedgerEntry]:
        """The chat's bookings by start; `after` keeps those starting strictly after it."""

    async def find_booking(self, appointment_id_or_code: str) -> LedgerEntry | None:
        """By appointment id, or by booking code ignoring case."""

    async def booking_history(self, appointment_id: str) -> list[LedgerEvent]:
        """Events in time order (empty for an unknown appointment)."""

    async def bookings_between(self, start: datetime, end: datetime) -> list[LedgerEntry]:
        """Every booking (cancelled included) with start in [start, end), by start."""

    # Time-based messages, durable and de-duplicated by key.
    async def schedule(self, message: ScheduledMessage) -> None:
        """Insert, or replace the unsent message with the same key.

        A key already marked sent stays sent (so re-scheduling after a restart cannot send twice);
        `cancel_scheduled` it first to arm it again.
        """

    async def cancel_scheduled(self, key: str) -> None: ...

    async def due_messages(self, now: datetime, limit: int = 100) -> list[ScheduledMessage]:
        """Unsent messages with due_at <= now, earliest first."""

    async def mark_sent(self, key: str) -> None:
        """The message is never returned by `due_messages` again."""

    async def pending_count(self) -> int:
        """Scheduled messages not yet sent (due or not)."""

    # Staff: privacy, statistics, health.
    async def forget_chat(self, chat_id: int) -> ForgetCounts:
        """Erase the chat's session, ledger entries, their events and its scheduled messages.

        Metrics are kept for statistics but detached from the chat (chat_id becomes None).
        """

    async def record_metric(
        self, kind: str, chat_id: int, at: datetime, details: dict[str, Any] | None = None
    ) -> None:
        """Count a moment (`MetricKind` values); details must hold no personal data."""

    async def metrics_between(self, start: datetime, end: datetime) -> list[Metric]:
        """Metrics with `at` in [start, end), in time order."""

    async def ping(self) -> None:
        """Prove the storage is writable; raises `StorageError` when it is not."""


class UpdateLedger(Protocol):
    """Telegram update ids already taken (issue 10): a duplicate delivery, a webhook retry or a
    second instance claims an update once. `SqliteStore` implements it."""

    async def claim_update(self, update_id: int, at: datetime) -> bool:
        """True the first time `update_id` is claimed, False ever after (within `UPDATE_MEMORY`
        of `at`: older claims are pruned, as Telegram never redelivers after a day)."""

    async def settle_update(self, update_id: int, outcome: str) -> None:
        """Record how a claimed update ended (`UpdateOutcome`); unknown ids are ignored."""

    async def update_outcome(self, update_id: int) -> str | None:
        """How the update ended, or None when it was never claimed (or its claim was pruned)."""


@runtime_checkable
class Coordination(Protocol):
    """What lets several instances share one database (issue 12): one update per chat at a time
    across instances, and each due scheduled message claimed by one instance.

    `PgStore` coordinates every instance on the database; `SqliteStore` only its own process,
    which is all SQLite serves.
    """

    def chat_lock(self, chat_id: int) -> AbstractAsyncContextManager[None]:
        """Hold the chat's lock for the block; a crashed holder never leaves it locked."""
        ...

    async def claim_due(
        self, now: datetime, lease: timedelta, limit: int = 100
    ) -> list[ScheduledMessage]:
        """Claim unsent messages with due_at <= now that no live lease holds, until now + lease.

        Concurrent claimers get disjoint messages, earliest first; a claim not followed by
        `mark_sent` (the claimer died) can be claimed again once its lease has run out.
        """
        ...

    async def release_claim(self, key: str) -> None:
        """Give up a claim (the send failed): the message can be claimed again at once."""


class StaffStore(Store, UpdateLedger, Protocol):
    """`Store` plus what staff commands keep (issue 6) and the processed update ids (issue 10);
    `SqliteStore` implements it.

    A separate protocol so that fakes of `Store` written for the engine need not grow these.
    """

    async def events_between(self, start: datetime, end: datetime) -> list[LedgerRecord]:
        """History events with `at` in [start, end), each with its entry, in time order."""

    async def set_staff_pref(self, pref: StaffPref, at: datetime) -> None:
        """Insert or replace the staff member's preferences."""

    async def staff_prefs(self) -> list[StaffPref]:
        """Every staff member's preferences, by user id."""

    async def save_staff_action(self, action: StaffAction) -> None:
        """Insert or replace the action with this token."""

    async def load_staff_action(self, token: str) -> StaffAction | None: ...

    async def finish_staff_action(self, token: str, state: str) -> bool:
        """Move a pending action to `state`; False when it was no longer pending."""

    async def latest_staff_action(self, chat_id: int) -> StaffAction | None:
        """The chat's most recent action, whatever its state (typed yes/no answers it)."""

    async def record_hold(self, hold: HoldNote) -> None:
        """Remember a hold placed (the same hold id again replaces it)."""

    async def end_hold(self, hold_id: str) -> None:
        """The hold was confirmed or released; unknown ids are ignored."""

    async def active_holds(self, now: datetime) -> list[HoldNote]:
        """Holds not ended that expire after `now`, by expiry."""

    async def forget_staff_records(self, chat_id: int) -> int:
        """Erase the chat's pending actions and holds (what `forget_chat` does not know of)."""


class SharedStore(StaffStore, Coordination, IntentJournal, Protocol):
    """What `open_store` returns: every backend implements all of it."""
