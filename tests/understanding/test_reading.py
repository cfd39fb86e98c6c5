"""Reading in context: the table in reading.yaml, each message against the screen it names."""

from __future__ import annotations

from datetime import date, datetime, time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import yaml

from bot.understanding.reading import Reading, Screen, read

NOW = datetime(2026, 11, 23, 9, 15, tzinfo=ZoneInfo("Europe/Rome"))
SCREENS = {
    "idle": Screen(),
    "service": Screen(step="service", choices=3),
    "slot_fri": Screen(step="slot", day=date(2026, 11, 27), choices=6),
    "slot_fri_10": Screen(step="slot", day=date(2026, 11, 27), choices=4, time=time(10, 0)),
    "held_tue_11": Screen(step="name", time=time(11, 0)),
    "held_tue_11_day": Screen(step="name", day=date(2026, 11, 24), time=time(11, 0)),
    # a closed Thursday 3 December answered with day buttons only
    "closed_thu_3": Screen(step="slot", day=date(2026, 12, 3), choices=3),
    # "are you open saturday?" answered: the day asked about, no times on screen
    "asked_sat": Screen(step="when", day=date(2026, 11, 28), asked=True),
}
ITEMS: list[dict[str, Any]] = yaml.safe_load(
    Path(__file__).with_name("reading.yaml").read_text(encoding="utf-8")
)


def _hm(value: time | None) -> str | None:
    return value.strftime("%H:%M") if value else None


def _found(reading: Reading, keys: set[str]) -> dict[str, Any]:
    when = reading.when
    found: dict[str, Any] = {
        "pick": reading.picks,
        "day": when.date if when else None,
        "time": _hm(when.time) if when else None,
        "window": f"{_hm(when.window[0])}-{_hm(when.window[1])}" if when and when.window else None,
        "correction": reading.correction,
        "negated": reading.negated,
        "same_time": reading.same_time,
        "change": reading.change,
        "intent": str(reading.intent.kind) if reading.intent else None,
        "shift": reading.shift,
        "dayless": reading.dayless,
        "latest": reading.latest,
        "beside": reading.beside,
        "back": reading.back,
        "other_time": reading.other_time,
        "week_on": reading.week_on,
        "previous": when.previous if when else None,
        "last": when.last if when else None,
    }
    return {key: found[key] for key in keys}


@pytest.mark.parametrize("item", ITEMS, ids=[f"{i['screen']}: {i['text']}" for i in ITEMS])
def test_message_read_against_the_screen(item: dict[str, Any]) -> None:
    expect = item["expect"]
    reading = read(item["text"], SCREENS[item["screen"]], now=NOW, language="it")
    assert _found(reading, set(expect)) == expect


def test_a_pick_is_never_a_date_and_an_empty_message_means_nothing() -> None:
    assert read("3", SCREENS["slot_fri"], now=NOW, language="en").when is None
    empty = read("   ", SCREENS["slot_fri"], now=NOW, language="en")
    assert empty.intent is None and empty.when is None and empty.picks is None


def test_reading_needs_an_aware_now() -> None:
    with pytest.raises(ValueError):
        read("domani", Screen(), now=datetime(2026, 11, 23, 9, 15), language="it")
