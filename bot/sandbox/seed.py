"""The sandbox's organization data: services, location, opening hours, holidays, staff, bookings.

`default_seed()` is "Salone Aurora" in Rome, which the engine's transcripts rely on;
`Seed.from_dict()` overrides parts of it for one transcript or test.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

SANDBOX_CLIENT_ID = "sandbox-client"
SANDBOX_CLIENT_SECRET = "sandbox-secret"
SANDBOX_ORGANIZATION_ID = "o_sandbox"

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

Interval = tuple[time, time]


@dataclass(frozen=True)
class ServiceSeed:
    id: str
    name: str
    duration_minutes: int
    price_amount: Decimal | None = None
    currency: str = "EUR"
    location_ids: tuple[str, ...] = ("l_centro",)


@dataclass(frozen=True)
class LocationSeed:
    id: str
    name: str
    timezone: str
    address: str | None = None


@dataclass(frozen=True)
class ClosureSeed:
    kind: str  # "holiday" or "closed"
    label: str


@dataclass(frozen=True)
class BookingSeed:
    """An appointment that exists before the story starts (it occupies one staff member)."""

    service_id: str
    start: datetime  # aware
    contact_name: str = "Cliente Esistente"
    contact_email: str = "cliente@example.com"
    status: str = "confirmed"
    duration_minutes: int | None = None  # default: the service's
    id: str | None = None


def easter_sunday(year: int) -> date:
    """Gregorian Easter (the anonymous "Meeus/Jones/Butcher" computus)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    weekday = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * weekday) // 451
    month, day = divmod(h + weekday - 7 * m + 114, 31)
    return date(year, month, day + 1)


def italian_holidays(year: int) -> dict[date, ClosureSeed]:
    """Italy's national public holidays of `year`, with their Italian names."""
    fixed = {
        (1, 1): "Capodanno",
        (1, 6): "Epifania",
        (4, 25): "Festa della Liberazione",
        (5, 1): "Festa dei Lavoratori",
        (6, 2): "Festa della Repubblica",
        (8, 15): "Ferragosto",
        (11, 1): "Ognissanti",
        (12, 8): "Immacolata Concezione",
        (12, 25): "Natale",
        (12, 26): "Santo Stefano",
    }
    days = {date(year, m, d): ClosureSeed("holiday", label) for (m, d), label in fixed.items()}
    days[easter_sunday(year) + timedelta(days=1)] = ClosureSeed("holiday", "Lunedì dell'Angelo")
    return days


_WEEKDAY_HOURS: tuple[Interval, ...] = ((time(9), time(13)), (time(14), time(19)))


@dataclass(frozen=True)
class Seed:
    """Everything the sandbox world starts from; immutable, so `reset()` can return to it."""

    organization_id: str = SANDBOX_ORGANIZATION_ID
    organization_name: str = "Salone Aurora"
    client_id: str = SANDBOX_CLIENT_ID
    client_secret: str = SANDBOX_CLIENT_SECRET
    locations: tuple[LocationSeed, ...] = (
        LocationSeed(
            "l_centro", "Salone Aurora – Centro", "Europe/Rome", "Via dei Coronari 12, Roma"
        ),
    )
    services: tuple[ServiceSeed, ...] = (
        ServiceSeed("s_taglio", "Taglio", 30, Decimal("25.00")),
        ServiceSeed("s_piega", "Taglio e piega", 60, Decimal("45.00")),
        ServiceSeed("s_colore", "Colore", 90, Decimal("70.00")),
    )
    # Monday = 0 ... Sunday = 6; a missing weekday is closed.
    opening_hours: dict[int, tuple[Interval, ...]] = field(
        default_factory=lambda: {
            **{weekday: _WEEKDAY_HOURS for weekday in range(5)},
            5: ((time(9), time(13)),),
        }
    )
    closures: dict[date, ClosureSeed] = field(
        default_factory=lambda: {
            date(2026, 12, 3): ClosureSeed("closed", "Formazione del personale"),
        }
    )
    italian_holidays: bool = True
    staff: int = 2
    bookings: tuple[BookingSeed, ...] = ()
    slot_step_minutes: int = 30
    hold_minutes: int = 10
    token_lifetime_seconds: int = 3600

    @property
    def timezone(self) -> str:
        return self.locations[0].timezone

    def closure_on(self, day: date) -> ClosureSeed | None:
        """Why `day` is closed, if it is a holiday or a closed day (explicit closures win)."""
        if day in self.closures:
            return self.closures[day]
        if self.italian_holidays:
            return italian_holidays(day.year).get(day)
        return None

    def service(self, service_id: str) -> ServiceSeed | None:
        return next((s for s in self.services if s.id == service_id), None)

    def location(self, location_id: str) -> LocationSeed | None:
        return next((loc for loc in self.locations if loc.id == location_id), None)

    @classmethod
    def from_dict(cls, data: dict[str, Any], *, base: Seed | None = None) -> Seed:
        """The default seed (or `base`) with the parts named in `data` replaced.

        Keys: organization_id, organization_name, locations, services, opening_hours
        ({"mon": [["09:00", "13:00"]], ...}; weekdays left out are closed), closures
        ({"2026-12-03": {"kind": "closed", "label": "..."}}), italian_holidays, staff, bookings
        ([{"service_id", "start" (ISO; without offset it is local time), "contact_name",
        "contact_email", "status", "duration_minutes", "id"}]), hold_minutes,
        token_lifetime_seconds. Unknown keys are an error, so a typo in a transcript is loud.
        """
        seed = base or default_seed()
        known = {f.name for f in dataclasses.fields(cls)}
        unknown = set(data) - known
        if unknown:
            raise ValueError(f"unknown sandbox seed keys: {', '.join(sorted(unknown))}")
        changes: dict[str, Any] = {}
        for key, value in data.items():
            if key == "locations":
                changes[key] = tuple(LocationSeed(**item) for item in value)
            elif key == "services":
                changes[key] = tuple(_service_from_dict(item) for item in value)
            elif key == "opening_hours":
                changes[key] = _hours_from_dict(value)
            elif key == "closures":
                changes[key] = {
                    date.fromisoformat(str(day)): ClosureSeed(item["kind"], item["label"])
                    for day, item in value.items()
                }
            else:
                changes[key] = value
        seed = dataclasses.replace(seed, **changes)
        if "bookings" in data:
            zone = ZoneInfo(seed.timezone)
            bookings = tuple(_booking_from_dict(item, zone) for item in data["bookings"])
            seed = dataclasses.replace(seed, bookings=bookings)
        return seed


def _service_from_dict(item: dict[str, Any]) -> ServiceSeed:
    price = item.get("price")
    return ServiceSeed(
        id=item["id"],
        name=item["name"],
        duration_minutes=int(item["duration_minutes"]),
        price_amount=Decimal(str(price["amount"])) if price else None,
        currency=price["currency"] if price else "EUR",
        location_ids=tuple(item.get("location_ids", ("l_centro",))),
    )


def _hours_from_dict(value: dict[str, Any]) -> dict[int, tuple[Interval, ...]]:
    hours: dict[int, tuple[Interval, ...]] = {}
    for name, intervals in value.items():
        if name not in WEEKDAYS:
            raise ValueError(f"opening_hours: unknown weekday {name!r} (use {', '.join(WEEKDAYS)})")
        hours[WEEKDAYS.index(name)] = tuple(
            (time.fromisoformat(opens), time.fromisoformat(closes)) for opens, closes in intervals
        )
    return hours


def _booking_from_dict(item: dict[str, Any], zone: ZoneInfo) -> BookingSeed:
    start = item["start"]
    if not isinstance(start, datetime):
        start = datetime.fromisoformat(str(start))
    if start.tzinfo is None:
        start = start.replace(tzinfo=zone)
    fields = {k: v for k, v in item.items() if k != "start"}
    return BookingSeed(start=start, **fields)


def default_seed() -> Seed:
    """Salone Aurora, Rome: the seed every transcript starts from unless it overrides parts."""
    return Seed()
