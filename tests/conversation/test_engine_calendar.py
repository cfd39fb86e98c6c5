"""The calendar file: correct UTC times, and a moved appointment updates the same event."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from icalendar import Calendar

from bot.conversation.calendar import appointment_ics

START = datetime(2026, 11, 24, 11, 0, tzinfo=UTC) - timedelta(hours=1)  # 11:00 in Rome


def _event(stamp: datetime, start: datetime = START) -> object:
    attachment = appointment_ics(
        appointment_id="a_1", title="Taglio", start=start, duration_minutes=30, stamp=stamp
    )
    assert attachment.mime_type == "text/calendar"
    return Calendar.from_ical(attachment.content).walk("VEVENT")[0]


def test_times_are_the_appointment_in_utc() -> None:
    event = _event(datetime(2026, 11, 23, 8, 15, tzinfo=UTC))
    assert event["DTSTART"].dt == datetime(2026, 11, 24, 10, 0, tzinfo=UTC)  # type: ignore[index]
    assert event["DTEND"].dt == datetime(2026, 11, 24, 10, 30, tzinfo=UTC)  # type: ignore[index]
    assert str(event["UID"]) == "a_1"  # type: ignore[index]


def test_a_later_file_for_the_same_appointment_has_a_higher_sequence() -> None:
    booked = _event(datetime(2026, 11, 23, 8, 15, tzinfo=UTC))
    moved = _event(datetime(2026, 11, 23, 8, 20, tzinfo=UTC), START + timedelta(days=1))
    assert int(moved["SEQUENCE"]) > int(booked["SEQUENCE"])  # type: ignore[index]


def test_text_is_escaped_and_long_lines_fold_without_splitting_a_character() -> None:
    title = "Taglio, piega; colore \\ " + "è" * 60
    description = "Prima riga\nSeconda riga, con virgola"
    location = "Via Roma 1; scala B, 20121 Milano"
    attachment = appointment_ics(
        appointment_id="a_1",
        title=title,
        start=START,
        duration_minutes=30,
        stamp=datetime(2026, 11, 23, 8, 15, tzinfo=UTC),
        description=description,
        location=location,
    )
    lines = attachment.content.split(b"\r\n")
    assert lines[-1] == b"" and all(len(line) <= 75 for line in lines)
    for line in lines:
        line.decode("utf-8")  # no character cut in two by a fold
    event = Calendar.from_ical(attachment.content).walk("VEVENT")[0]
    assert str(event["SUMMARY"]) == title  # type: ignore[index]
    assert str(event["DESCRIPTION"]) == description  # type: ignore[index]
    assert str(event["LOCATION"]) == location  # type: ignore[index]
    calendar = Calendar.from_ical(attachment.content)
    assert str(calendar["VERSION"]) == "2.0" and str(calendar["METHOD"]) == "PUBLISH"
