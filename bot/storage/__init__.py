"""Durable state: chat sessions, the bookings ledger with its history, time-based messages, and
the metrics staff read, behind the `Store` protocol (SQLite today; PostgreSQL a sibling backend).
"""

from bot.storage.base import Store
from bot.storage.errors import StorageError, UnknownBooking
from bot.storage.models import (
    CancelledBy,
    EventKind,
    ForgetCounts,
    LedgerEntry,
    LedgerEvent,
    Metric,
    MetricKind,
    ScheduledMessage,
)
from bot.storage.url import open_store, sqlite_path

__all__ = [
    "CancelledBy",
    "EventKind",
    "ForgetCounts",
    "LedgerEntry",
    "LedgerEvent",
    "Metric",
    "MetricKind",
    "ScheduledMessage",
    "StorageError",
    "Store",
    "UnknownBooking",
    "open_store",
    "sqlite_path",
]
