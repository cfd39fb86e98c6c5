"""Dates in the conversation: a full day is not a closed one, periods, past days (issue 9)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import datetime

import pytest
from engine_chat import MONDAY_0915, ROME, Chat, Harness

from bot.clock import ManualClock
from bot.sandbox import BookingSeed, World
from bot.sandbox.seed import default_seed
from bot.storage import open_store

SATURDAY_9 = datetime(2026, 11, 28, 9, 0, tzinfo=ROME)


@pytest.fixture
async def full_saturday() -> AsyncIterator[Chat]:
    """Both staff members busy all Saturday morning (the salon's only Saturday hours)."""
    clock = ManualClock(MONDAY_0915)
    bookings = tuple(
        BookingSeed("s_taglio", SATURDAY_9, duration_minutes=240, id=f"busy{n}") for n in (1, 2)
    )
    world = World(clock=clock, seed=replace(default_seed(), bookings=bookings))
    store = await open_store("sqlite:///:memory:")
    placeholder = Harness(clock, world, store, None)  # type: ignore[arg-type]
    zimun = placeholder.client()
    try:
        yield Harness(clock, world, store, zimun).chat()
    finally:
        await zimun.aclose()
        await store.close()


async def test_a_full_day_is_full_and_the_asked_time_is_offered_on_the_next_days(
    full_saturday: Chat,
) -> None:
    chat = full_saturday
    await chat.say("vorrei un taglio")
    await chat.say("sabato alle 10")
    assert "Sabato 28 novembre non ho più posto." in chat.text
    assert "chiusi" not in chat.text
    assert "Lun 30 nov alle 10:00" in chat.labels()


async def test_a_weekly_closed_day_is_not_called_full(chat: Chat) -> None:
    await chat.say("vorrei un taglio")
    await chat.say("domenica alle 11")
    assert "Di domenica siamo chiusi." in chat.text
    assert "Lun 30 nov alle 11:00" in chat.labels()


async def test_a_period_offers_its_first_day_with_room_in_the_window(chat: Chat) -> None:
    await chat.say("vorrei un taglio")
    await chat.say("inizio settimana prossima dopo le 16")
    assert "lunedì 30 novembre tra le 16:00 e le 19:00" in chat.text
    assert "16:00" in chat.labels()
    assert "Lun 23 nov" not in chat.labels()  # never today for a period next week


async def test_a_past_day_is_named_and_never_booked_a_year_ahead(chat: Chat) -> None:
    await chat.say("vorrei un taglio")
    await chat.say("il 19 novembre")
    assert "Giovedì 19 novembre è un giorno già passato." in chat.text
    assert "2027" not in chat.text
    assert "Lun 23 nov" in chat.labels()


async def test_a_past_day_with_a_time_offers_that_time_on_the_next_days(chat: Chat) -> None:
    await chat.say("vorrei un taglio")
    await chat.say("lunedì scorso alle 11")
    assert "Lunedì 16 novembre è un giorno già passato." in chat.text
    assert "Mar 24 nov alle 11:00" in chat.labels()
