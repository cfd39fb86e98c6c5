"""The seed: Easter computus, Italian holidays, Salone Aurora, and overrides for transcripts."""

from __future__ import annotations

from datetime import date, time
from decimal import Decimal

import pytest

from bot.sandbox import Seed, default_seed, easter_sunday, italian_holidays


@pytest.mark.parametrize(
    ("year", "easter"),
    [
        (1818, date(1818, 3, 22)),  # the earliest possible date
        (1943, date(1943, 4, 25)),  # the latest possible date
        (2019, date(2019, 4, 21)),
        (2024, date(2024, 3, 31)),
        (2025, date(2025, 4, 20)),
        (2026, date(2026, 4, 5)),
        (2027, date(2027, 3, 28)),
        (2038, date(2038, 4, 25)),
    ],
)
def test_easter_sunday_matches_the_gregorian_calendar(year: int, easter: date) -> None:
    assert easter_sunday(year) == easter


def test_italian_holidays_have_their_names_and_easter_monday() -> None:
    days = italian_holidays(2026)
    assert len(days) == 11
    assert days[date(2026, 4, 6)].label == "Lunedì dell'Angelo"
    assert days[date(2026, 12, 8)].label == "Immacolata Concezione"
    assert {closure.kind for closure in days.values()} == {"holiday"}


def test_default_seed_is_salone_aurora() -> None:
    seed = default_seed()
    assert seed.organization_name == "Salone Aurora"
    assert seed.timezone == "Europe/Rome"
    assert [(s.id, s.duration_minutes, s.price_amount) for s in seed.services] == [
        ("s_taglio", 30, Decimal("25.00")),
        ("s_piega", 60, Decimal("45.00")),
        ("s_colore", 90, Decimal("70.00")),
    ]
    assert seed.staff == 2
    assert 6 not in seed.opening_hours  # Sunday closed
    closed = seed.closure_on(date(2026, 12, 3))
    assert closed is not None
    assert (closed.kind, closed.label) == ("closed", "Formazione del personale")
    assert seed.closure_on(date(2026, 11, 29)) is None  # Sundays are not in the holiday map


def test_from_dict_overrides_only_what_it_names() -> None:
    seed = Seed.from_dict(
        {
            "staff": 1,
            "opening_hours": {"mon": [["10:00", "12:00"]]},
            "closures": {"2026-11-24": {"kind": "closed", "label": "Inventario"}},
            "bookings": [{"service_id": "s_taglio", "start": "2026-11-23T10:00:00"}],
        }
    )
    assert seed.staff == 1
    assert seed.opening_hours == {0: ((time(10), time(12)),)}
    assert seed.closure_on(date(2026, 12, 3)) is None
    assert seed.closure_on(date(2026, 12, 25)) is not None  # holidays still apply
    assert seed.services == default_seed().services
    # A booking time without an offset is local time in the business's timezone.
    assert seed.bookings[0].start.utcoffset() is not None
    assert seed.bookings[0].start.hour == 10


def test_from_dict_rejects_unknown_keys() -> None:
    with pytest.raises(ValueError, match="stafff"):
        Seed.from_dict({"stafff": 3})


def test_from_dict_replaces_services() -> None:
    seed = Seed.from_dict(
        {"services": [{"id": "s_x", "name": "Barba", "duration_minutes": 20, "price": None}]}
    )
    assert [s.id for s in seed.services] == ["s_x"]
    assert seed.services[0].price_amount is None
