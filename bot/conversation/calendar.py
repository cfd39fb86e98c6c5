"""The calendar file sent with a confirmed booking: one VEVENT, UTC times, uid = appointment id."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.conversation.events import Attachment

__all__ = ["appointment_ics"]

_EPOCH = datetime(2026, 1, 1, tzinfo=UTC)


def appointment_ics(
    *,
    appointment_id: str,
    title: str,
    start: datetime,
    duration_minutes: int,
    stamp: datetime,
    description: str = "",
    location: str = "",
) -> Attachment:
    """An `.ics` attachment; times are UTC (RFC 5545 form 2), so every calendar reads them right."""
    # Imported on the first booking, not at start-up: a bot that has not confirmed anything yet
    # does not carry the package (about 3 MB).
    from icalendar import Calendar, Event

    calendar = Calendar()
    calendar.add("prodid", "-//Zimun booking bot//EN")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    event = Event()
    event.add("uid", appointment_id)
    event.add("dtstamp", stamp.astimezone(UTC))
    # A moved appointment keeps its uid; a higher SEQUENCE tells calendar apps to update the event
    # they already have instead of adding a second one (RFC 5545 §3.8.7.4).
    event.add("sequence", max(0, int((stamp - _EPOCH).total_seconds())))
    event.add("dtstart", start.astimezone(UTC))
    event.add("dtend", (start + timedelta(minutes=duration_minutes)).astimezone(UTC))
    event.add("summary", title)
    if description:
        event.add("description", description)
    if location:  # issue 13: where the appointment is
        event.add("location", location)
    calendar.add_component(event)
    return Attachment(
        filename=f"appointment-{appointment_id}.ics",
        content=calendar.to_ical(),
        mime_type="text/calendar",
    )
