"""The appointment reminder as a scheduled message, shared by the engine and the staff desk.

Whoever books or moves an appointment re-arms its reminder with these, so the key and payload the
engine's `scheduled` reads back are written in one place.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.storage import ScheduledMessage

REMINDER = "reminder"


def reminder_key(appointment_id: str) -> str:
    return f"{REMINDER}:{appointment_id}"


def reminder_message(
    appointment_id: str, chat_id: int, start: datetime, *, hours: float, now: datetime
) -> ScheduledMessage | None:
    """The reminder `hours` before `start`; None when reminders are off or it would be late."""
    due = start - timedelta(hours=hours)
    if hours <= 0 or due <= now:
        return None
    payload = {"appointment_id": appointment_id, "start": start.isoformat()}
    return ScheduledMessage(reminder_key(appointment_id), chat_id, due, REMINDER, payload)
