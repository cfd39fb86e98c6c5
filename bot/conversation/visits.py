"""The message after a visit (issue 13, item 3) as a scheduled message, like the reminder: whoever
books or moves an appointment re-arms it, a cancel drops it. Pure: key, payload and due time."""

from __future__ import annotations

from datetime import datetime, time, timedelta, tzinfo

from bot.storage import ScheduledMessage

AFTER_VISIT = "after_visit"
AFTER_VISIT_DELAY = timedelta(hours=4)  # after the start: the visit is over, the day not yet
LATEST = time(20, 0)  # not later in the evening: then the next morning at MORNING
MORNING = time(10, 0)


def after_visit_key(appointment_id: str) -> str:
    return f"{AFTER_VISIT}:{appointment_id}"


def after_visit_message(
    appointment_id: str, chat_id: int, start: datetime, *, timezone: tzinfo
) -> ScheduledMessage:
    due = (start + AFTER_VISIT_DELAY).astimezone(timezone)
    if due.time() > LATEST:
        due = datetime.combine(due.date() + timedelta(days=1), MORNING, tzinfo=timezone)
    payload = {"appointment_id": appointment_id}
    return ScheduledMessage(after_visit_key(appointment_id), chat_id, due, AFTER_VISIT, payload)
