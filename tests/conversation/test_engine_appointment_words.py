"""Asking whether there is an appointment at all lists them (never starts a booking), and a
cancel said with an everyday verb of the appointment ("ditch", "drop", "togli") asks to
cancel it."""

from __future__ import annotations

import pytest
from engine_chat import Chat, Harness


async def _booked(chat: Chat, english: bool) -> None:
    await chat.say("I would like a Taglio tomorrow at 11" if english else "taglio domani alle 11")
    await chat.press("Emma Clarke" if english else "Mario Rossi")
    await chat.say("client@example.com")
    await chat.press("Confirm" if english else "Conferma")
    assert len(chat.world.appointments) == 1


@pytest.mark.parametrize(
    "text",
    ["do we actually have anything booked with you guys", "have I still got a reservation?"],
)
async def test_asking_whether_booked_lists(harness: Harness, text: str) -> None:
    chat = harness.chat(chat_id=1002, language="en", first_name="Emma", last_name="Clarke")
    await chat.say(text)
    assert chat.text.startswith("I don't see any upcoming appointments")
    assert not chat.world.holds
    await _booked(chat, english=True)
    await chat.say(text)
    assert "Your upcoming appointments" in chat.text
    assert "Tuesday 24 November at 11:00" in chat.text


@pytest.mark.parametrize(
    ("language", "text", "question"),
    [
        ("en", "please ditch the appointment", "Do you really want to cancel Taglio"),
        ("en", "can u drop my reservation", "Do you really want to cancel Taglio"),
        ("en", "scratch my booking pls", "Do you really want to cancel Taglio"),
        ("it", "toglimi l'appuntamento", "Vuoi davvero disdire Taglio"),
        ("it", "levate la mia prenotazione per favore", "Vuoi davvero disdire Taglio"),
        ("it", "annullami la prenotazione", "Vuoi davvero disdire Taglio"),
    ],
)
async def test_an_everyday_cancel_verb_asks_to_cancel(
    harness: Harness, language: str, text: str, question: str
) -> None:
    english = language == "en"
    names = ("Emma", "Clarke") if english else ("Mario", "Rossi")
    chat = harness.chat(chat_id=1003, language=language, first_name=names[0], last_name=names[1])
    await _booked(chat, english)
    await chat.say(text)
    assert chat.text.startswith(question)
    assert all(a.status != "cancelled" for a in chat.world.appointments.values())
