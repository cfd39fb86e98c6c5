"""What the bot knows of Zimun's data, as frozen dataclasses with aware UTC datetimes.

These are the bot's own types; the wire names live only in `bot.zimun.wire`, which turns JSON into
these and back. Callers never see a Zimun field name.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from enum import StrEnum


@dataclass(frozen=True, slots=True)
class Price:
    amount: Decimal
    currency: str


@dataclass(frozen=True, slots=True)
class Service:
    id: str
    name: str
    duration_minutes: int
    location_ids: tuple[str, ...] = ()
    price: Price | None = None


@dataclass(frozen=True, slots=True)
class OpeningInterval:
    """One opening interval of a weekday (Monday = 0), in the location's wall-clock time."""

    weekday: int
    start: time
    end: time


@dataclass(frozen=True, slots=True)
class Location:
    id: str
    name: str
    timezone: str
    address: str | None = None
    opening_hours: tuple[OpeningInterval, ...] = ()

    def hours_on(self, weekday: int) -> tuple[OpeningInterval, ...]:
        """The day's opening intervals in order; () when closed that weekday or not known."""
        return tuple(
            sorted((i for i in self.opening_hours if i.weekday == weekday), key=lambda i: i.start)
        )


@dataclass(frozen=True, slots=True)
class Slot:
    """A bookable interval; `start` and `end` are aware datetimes in UTC."""

    start: datetime
    end: datetime

    @property
    def duration(self) -> timedelta:
        return self.end - self.start


class ClosureKind(StrEnum):
    HOLIDAY = "holiday"
    CLOSED = "closed"


@dataclass(frozen=True, slots=True)
class Closure:
    """A day with no slots and the reason Zimun gives (a public holiday or a closed day)."""

    kind: ClosureKind
    label: str


@dataclass(frozen=True, slots=True)
class Availability:
    """Free slots for one service over `days_ahead` days from `first_day` (local dates)."""

    service_id: str
    timezone: str
    first_day: date
    days_ahead: int
    slots: tuple[Slot, ...]
    closures: dict[date, Closure] = field(default_factory=dict)

    def by_day(self) -> dict[date, tuple[Slot, ...]]:
        """Slots grouped by their local day in the availability's timezone, in order."""
        from zoneinfo import ZoneInfo

        zone = ZoneInfo(self.timezone)
        days: dict[date, list[Slot]] = {}
        for slot in self.slots:
            days.setdefault(slot.start.astimezone(zone).date(), []).append(slot)
        return {day: tuple(slots) for day, slots in days.items()}


@dataclass(frozen=True, slots=True)
class Hold:
    id: str
    service_id: str
    start: datetime
    duration_minutes: int
    expires_at: datetime


class AppointmentStatus(StrEnum):
    CONFIRMED = "confirmed"
    SCHEDULED = "scheduled"
    CANCELLED = "cancelled"
    HELD = "held"
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class Appointment:
    id: str
    status: AppointmentStatus
    service_id: str
    start: datetime
    duration_minutes: int
    contact_name: str
    contact_email: str
    booking_code: str | None = None
    organization_id: str | None = None

    @property
    def end(self) -> datetime:
        return self.start + timedelta(minutes=self.duration_minutes)
