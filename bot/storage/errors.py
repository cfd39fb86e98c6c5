"""Errors the store raises beyond the standard ones (ValueError for naive datetimes)."""

from __future__ import annotations


class StorageError(Exception):
    """The storage cannot be used: not writable, or its schema is newer than this bot."""


class UnknownBooking(LookupError):
    """No ledger entry has this appointment id."""

    def __init__(self, appointment_id: str) -> None:
        super().__init__(f"no booking {appointment_id!r} in the ledger")
        self.appointment_id = appointment_id
