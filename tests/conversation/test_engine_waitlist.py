"""The waiting list (issue 13, item 2): a customer who finds Thursday at 15:00 taken asks to be
told; when it frees up through the bot the time is held at Zimun and offered to the first one
waiting, who books it in a tap; a decline or an offer running out passes it to the next one."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from engine_chat import MONDAY_0915, Chat, Harness

from bot.clock import ManualClock
from bot.sandbox import World
from bot.sandbox.seed import Seed
from bot.storage import open_store
from bot.storage.waitlist import Waitlist

THURSDAY_15 = datetime(2026, 11, 26, 14, 0, tzinfo=UTC)


@pytest.fixture
async def harness() -> AsyncIterator[Harness]:
    """One person at work: one booking fills a time."""
    clock = ManualClock(MONDAY_0915)
    world = World(clock=clock, seed=replace(Seed(), staff=1))
    store = await open_store("sqlite:///:memory:")
    zimun = Harness(clock, world, store, None).client()  # type: ignore[arg-type]
    try:
        yield Harness(clock, world, store, zimun)
    finally:
        await zimun.aclose()
        await store.close()


async def book_thursday_15(chat: Chat, name: str, email: str) -> None:
    await chat.say("vorrei un taglio giovedì alle 15")
    assert "giovedì 26 novembre alle 15:00" in chat.text
    await chat.say(name)
    await chat.say(email)
    await chat.press("Conferma")
    assert "Codice prenotazione" in chat.text


async def wait_for_thursday_15(chat: Chat) -> None:
    await chat.say("un taglio giovedì alle 15")
    assert "Avvisami se si libera" in chat.labels()
    await chat.press("Avvisami se si libera")
    assert "se si libera un orario per Taglio giovedì 26 novembre alle 15:00" in chat.text


async def cancel_through_the_bot(chat: Chat) -> None:
    await chat.say("disdici il mio appuntamento")
    await chat.press("Sì, disdici")  # the yes cancels: the time is freed now
    assert "disdett" in chat.text


async def test_a_freed_time_is_held_and_booked_in_one_tap(harness: Harness) -> None:
    anna = harness.chat(chat_id=1002, first_name="Anna", last_name="Bianchi")
    mario = harness.chat()
    await book_thursday_15(anna, "Anna Bianchi", "anna@example.com")
    await wait_for_thursday_15(mario)
    store = harness.store
    assert isinstance(store, Waitlist)
    assert [e.chat_id for e in await store.waiting_on(THURSDAY_15.date())] == [1001]

    await mario.press("I miei appuntamenti")
    assert "Sei in lista d'attesa per:" in mario.text
    assert "1. Taglio, giovedì 26 novembre alle 15:00" in mario.text

    await cancel_through_the_bot(anna)
    assert await mario.due() == []  # the check: one availability read, an offer scheduled
    offer = await mario.due()
    assert len(offer) == 1
    assert "Ti tengo le 15:00 di giovedì 26 novembre (Taglio) per 10 minuti" in offer[0].text
    held = [
        h
        for h in harness.world.holds.values()
        if h.start == THURSDAY_15 and h.appointment_id is None and not h.released
    ]
    assert len(held) == 1

    yes = mario.action("Sì, la prendo")
    await mario.press("Sì, la prendo")
    assert "Come ti chiami?" in mario.text or "nome" in mario.text
    await mario.press_action(yes)  # a double tap acts once
    assert "non è più attivo" in mario.text
    assert await store.waiting_for_chat(1001) == []
    await mario.say("Mario Rossi")
    await mario.say("mario@example.com")
    await mario.press("Conferma")
    booked = [
        a
        for a in harness.world.appointments.values()
        if a.start == THURSDAY_15 and a.status == "confirmed"
    ]
    assert [a.contact_name for a in booked] == ["Mario Rossi"]


async def test_a_decline_and_a_timeout_pass_the_time_to_the_next(harness: Harness) -> None:
    anna = harness.chat(chat_id=1002, first_name="Anna", last_name="Bianchi")
    mario = harness.chat()
    luca = harness.chat(chat_id=1003, first_name="Luca", last_name="Neri")
    sara = harness.chat(chat_id=1004, first_name="Sara", last_name="Gialli")
    await book_thursday_15(anna, "Anna Bianchi", "anna@example.com")
    await wait_for_thursday_15(mario)
    await wait_for_thursday_15(luca)
    await wait_for_thursday_15(sara)
    await cancel_through_the_bot(anna)

    await mario.due()
    await mario.due()
    assert "Ti tengo le 15:00" in mario.text
    await mario.press("No, grazie")
    assert "lo offro a qualcun altro" in mario.text

    await luca.due()
    offered = await luca.due()
    assert "Ti tengo le 15:00" in offered[0].text
    harness.clock.advance(timedelta(minutes=10))
    ran_out = await luca.due()
    assert any("è passato a chi aspetta dopo di te" in r.text for r in ran_out)
    offered = await sara.due()
    assert any("Ti tengo le 15:00" in r.text for r in offered)
    await sara.press("Sì, la prendo")
    assert harness.store is not None
