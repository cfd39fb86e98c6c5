"""Who is coming, for staff (issue 13, items 1, 5, 6): the attendance mark of an appointment in
/today and /agenda, no-show counts per customer, and the CSV of /export.

Everything is read from the ledger's history: "reminded" (a reminder reached the customer),
"attending" (they tapped or typed Confermo), "no_show" (staff marked it), and "rated" when the
customer rated the visit (issue 13, item 3: details {"rating": 1-5}).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo

from bot.i18n import Translator
from bot.storage import EventKind, LedgerEntry, LedgerEvent, Store
from bot.storage.models import CANCELLED_STATUS


class Attendance:
    CONFIRMED = "confirmed"  # answered Confermo
    NO_ANSWER = "no_answer"  # reminded, no answer yet
    NOT_REMINDED = "not_reminded"  # booked after the last reminder's moment
    NO_SHOW = "no_show"
    PENDING = "pending"  # its reminder is still to come (nothing to show)


def attendance(
    entry: LedgerEntry, history: Sequence[LedgerEvent], hours: float | Iterable[float]
) -> str:
    """Where an appointment booked through the bot stands between reminder and visit."""
    kinds = {event.kind for event in history}
    if EventKind.NO_SHOW in kinds:
        return Attendance.NO_SHOW
    if EventKind.ATTENDING in kinds:
        return Attendance.CONFIRMED
    if EventKind.REMINDED in kinds:
        return Attendance.NO_ANSWER
    values = [hours] if isinstance(hours, int | float) else list(hours)
    shortest = min((h for h in values if h > 0), default=None)
    if shortest is None:
        return Attendance.PENDING  # reminders are off: nothing to say
    if entry.created_at >= entry.start - timedelta(hours=shortest):
        return Attendance.NOT_REMINDED
    return Attendance.PENDING


def attendance_label(state: str, t: Translator) -> str:
    """The mark after an agenda line ("" when there is nothing to say)."""
    if state == Attendance.PENDING:
        return ""
    return t(f"staff.attendance.{state}")


async def noshows_of(store: Store, chat_id: int) -> int:
    """How many of this customer's appointments staff marked as no-shows."""
    count = 0
    for entry in await store.bookings_for_chat(chat_id, include_cancelled=True):
        history = await store.booking_history(entry.appointment_id)
        count += any(event.kind == EventKind.NO_SHOW for event in history)
    return count


@dataclass(frozen=True)
class ExportRow:
    """One appointment as /export writes it."""

    start: datetime
    code: str
    service: str
    name: str
    email: str
    status: str
    source: str  # "bot" or "zimun"
    history: tuple[LedgerEvent, ...] = ()


COLUMNS = (
    "date",
    "time",
    "code",
    "service",
    "name",
    "email",
    "status",
    "source",
    "reminded",
    "confirmed",
    "no_show",
    "rating",
)


def _cell(value: str) -> str:
    # A spreadsheet runs a cell starting with = + - @ as a formula: a name or an e-mail typed by a
    # customer must stay text.
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def export_csv(rows: Sequence[ExportRow], t: Translator, timezone: tzinfo) -> bytes:
    """The CSV (UTF-8 with BOM, so spreadsheet programs read the accents), headers in the staff
    member's language, one line per appointment by start."""
    yes, no = t("staff.export.yes"), t("staff.export.no")
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([t(f"staff.export.column.{column}") for column in COLUMNS])
    for row in sorted(rows, key=lambda r: (r.start, r.code)):
        local = row.start.astimezone(timezone)
        kinds = {event.kind for event in row.history}
        ratings = [e.details.get("rating") for e in row.history if e.kind == EventKind.RATED]
        rating = str(ratings[-1]) if ratings and ratings[-1] is not None else ""
        source = t(
            "staff.export.source.bot" if row.source == "bot" else "staff.export.source.zimun"
        )
        status = (
            t(f"staff.status.{row.status}") if t.has(f"staff.status.{row.status}") else row.status
        )
        writer.writerow(
            [
                local.date().isoformat(),
                local.strftime("%H:%M"),
                _cell(row.code),
                _cell(row.service),
                _cell(row.name),
                _cell(row.email),
                status,
                source,
                yes if EventKind.REMINDED in kinds else no,
                yes if EventKind.ATTENDING in kinds else no,
                yes if EventKind.NO_SHOW in kinds else no,
                rating,
            ]
        )
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def is_past_start(entry: LedgerEntry, now: datetime) -> bool:
    return entry.status != CANCELLED_STATUS and entry.start <= now
