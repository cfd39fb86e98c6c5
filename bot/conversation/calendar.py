"""The calendar file sent with a confirmed booking: one VEVENT, UTC times, uid = appointment id.

Written by hand (RFC 5545): one event of fixed shape needs a dozen lines, text escaping and line
folding, where the icalendar package cost 3.3 MB of resident memory in every bot process (issue
11, memory). The tests read the files back with icalendar's parser.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.conversation.events import Attachment

__all__ = ["appointment_ics"]

_EPOCH = datetime(2026, 1, 1, tzinfo=UTC)
_FOLD_AT = 75  # octets per line, CRLF excluded (RFC 5545 §3.1)


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
    end = start + timedelta(minutes=duration_minutes)
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Zimun booking bot//EN",
        "METHOD:PUBLISH",
        "BEGIN:VEVENT",
        f"UID:{_text(appointment_id)}",
        f"DTSTAMP:{_utc(stamp)}",
        # A moved appointment keeps its uid; a higher SEQUENCE tells calendar apps to update the
        # event they already have instead of adding a second one (RFC 5545 §3.8.7.4).
        f"SEQUENCE:{max(0, int((stamp - _EPOCH).total_seconds()))}",
        f"DTSTART:{_utc(start)}",
        f"DTEND:{_utc(end)}",
        f"SUMMARY:{_text(title)}",
    ]
    if description:
        lines.append(f"DESCRIPTION:{_text(description)}")
    if location:  # issue 13: where the appointment is
        lines.append(f"LOCATION:{_text(location)}")
    lines += ["END:VEVENT", "END:VCALENDAR"]
    return Attachment(
        filename=f"appointment-{appointment_id}.ics",
        content=b"".join(_folded(line) for line in lines),
        mime_type="text/calendar",
    )


def _utc(moment: datetime) -> str:
    """DATE-TIME in UTC, form 2: 20261124T100000Z."""
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _text(value: str) -> str:
    """A TEXT value (RFC 5545 §3.3.11): backslash, semicolon, comma and line breaks escaped."""
    value = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return value.replace("\r\n", "\\n").replace("\r", "\\n").replace("\n", "\\n")


def _folded(line: str) -> bytes:
    """One content line in UTF-8 and CRLF, folded into lines of at most 75 octets, each
    continuation starting with a space, never inside a character's bytes."""
    encoded = line.encode("utf-8")
    if len(encoded) <= _FOLD_AT:
        return encoded + b"\r\n"
    parts: list[bytes] = []
    current = b""
    for char in line:
        octets = char.encode("utf-8")
        if len(current) + len(octets) > _FOLD_AT:  # a continuation's leading space counts too
            parts.append(current)
            current = b" "
        current += octets
    parts.append(current)
    return b"\r\n".join(parts) + b"\r\n"
