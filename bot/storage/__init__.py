"""Durable state: chat sessions, the bookings ledger with its history, time-based messages, and
the metrics staff read, behind the `Store` protocol (SQLite by default; PostgreSQL for several
instances).
"""

from bot.storage.base import Coordination, SharedStore, StaffStore, Store, UpdateLedger
from bot.storage.errors import StorageError, UnknownBooking
from bot.storage.intents import IntentJournal, IntentKind, IntentState, ZimunIntent
from bot.storage.models import (
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
from bot.storage.url import open_store, sqlite_path

__all__ = [
    "UPDATE_MEMORY",
    "CancelledBy",
    "Coordination",
    "EventKind",
    "ForgetCounts",
    "HoldNote",
    "IntentJournal",
    "IntentKind",
    "IntentState",
    "LedgerEntry",
    "LedgerEvent",
    "LedgerRecord",
    "Metric",
    "MetricKind",
    "ScheduledMessage",
    "SharedStore",
    "StaffAction",
    "StaffActionState",
    "StaffPref",
    "StaffStore",
    "StorageError",
    "Store",
    "UnknownBooking",
    "UpdateLedger",
    "UpdateOutcome",
    "ZimunIntent",
    "open_store",
    "sqlite_path",
]
