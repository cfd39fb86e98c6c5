"""The appointment reminders as scheduled messages, shared by the engine and the staff desk.

Whoever books or moves an appointment re-arms its reminders with these, so the keys and payload the
engine's `scheduled` reads back are written in one place. Issue 13: several reminders per
appointment (`REMINDERS=24h,2h`): the first keeps the key `reminder:<id>`, the n-th (n >= 1) is
`reminder:<id>:<n>`; `reminder_keys` lists every key one appointment can have, so a cancel or a
re-arm after a move clears them all, whatever the setting was when they were scheduled.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from bot.storage import ScheduledMessage

REMINDER = "reminder"
MAX_REMINDERS = 4  # the most a setting may ask for; keys beyond it are never made


def reminder_key(appointment_id: str, index: int = 0) -> str:
    return f"{REMINDER}:{appointment_id}" if index == 0 else f"{REMINDER}:{appointment_id}:{index}"


def reminder_keys(appointment_id: str) -> list[str]:
    """Every key a reminder of this appointment can have."""
    return [reminder_key(appointment_id, index) for index in range(MAX_REMINDERS)]


def reminder_hours(hours: float | Iterable[float]) -> tuple[float, ...]:
    """The reminders' hours before the appointment, longest first, positive only."""
    values = [hours] if isinstance(hours, int | float) else list(hours)
    return tuple(sorted({h for h in values if h > 0}, reverse=True))[:MAX_REMINDERS]


def reminder_message(
    appointment_id: str,
    chat_id: int,
    start: datetime,
    *,
    hours: float,
    now: datetime,
    index: int = 0,
) -> ScheduledMessage | None:
    """The reminder `hours` before `start`; None when reminders are off or it would be late."""
    due = start - timedelta(hours=hours)
    if hours <= 0 or due <= now:
        return None
    payload = {"appointment_id": appointment_id, "start": start.isoformat(), "index": index}
    return ScheduledMessage(reminder_key(appointment_id, index), chat_id, due, REMINDER, payload)


def reminder_messages(
    appointment_id: str,
    chat_id: int,
    start: datetime,
    *,
    hours: float | Iterable[float],
    now: datetime,
) -> list[ScheduledMessage]:
    """Every reminder still ahead: one per configured hour (24 h, then 2 h before, ...)."""
    messages = [
        reminder_message(appointment_id, chat_id, start, hours=h, now=now, index=index)
        for index, h in enumerate(reminder_hours(hours))
    ]
    return [m for m in messages if m is not None]
