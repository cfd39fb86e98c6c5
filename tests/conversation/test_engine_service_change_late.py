"""A change of service said at the name, e-mail or summary step: the day and time stay, held
anew for the new service (the old hold let go), name and e-mail kept, said back, and nothing is
booked before the confirmation."""

from __future__ import annotations

import pytest
from engine_chat import Chat, Harness


def _english(harness: Harness) -> Chat:
    return harness.chat(chat_id=1002, language="en", first_name="Emma", last_name="Clarke")


def _one_hold_for(chat: Chat, service_id: str) -> None:
    holds = [h for h in chat.world.holds.values() if not h.released]
    assert len(holds) == 1
    assert holds[0].service_id == service_id
    assert not chat.world.appointments


@pytest.mark.parametrize(
    "text",
    [
        "preferisco fare la tinta al posto del taglio",
        "ci ho ripensato, mettete il colore invece del taglio",
        "aspetta, meglio un colore piuttosto che il taglio",
    ],
)
async def test_at_the_italian_name_the_service_changes(chat: Chat, text: str) -> None:
    await chat.say("vorrei un taglio domani alle 11")
    await chat.say(text)
    assert chat.text.startswith("Va bene, allora Colore.")
    assert "martedì 24 novembre alle 11:00" in chat.text
    assert "A che nome prenoto?" in chat.text
    _one_hold_for(chat, "s_colore")


@pytest.mark.parametrize(
    "text",
    [
        "no scusa, fammi un colore al posto del taglio",
        "cambio idea: colore invece del taglio",
        "meglio la tinta piuttosto che il taglio",
    ],
)
async def test_at_the_italian_summary_the_service_changes(chat: Chat, text: str) -> None:
    await chat.say("vorrei un taglio domani alle 11")
    await chat.press("Mario Rossi")
    await chat.say("mario.rossi@example.com")
    await chat.say(text)
    assert chat.text.startswith("Va bene, allora Colore.")
    assert "Servizio: Colore" in chat.text
    assert "Quando: martedì 24 novembre alle 11:00" in chat.text
    assert "Nome: Mario Rossi" in chat.text
    assert "E-mail: mario.rossi@example.com" in chat.text
    _one_hold_for(chat, "s_colore")


@pytest.mark.parametrize(
    "text",
    [
        "hmm make it a colour instead of the cut",
        "sorry, i'd like a colour in place of the haircut",
        "no wait, colour rather than a trim please",
    ],
)
async def test_at_the_english_email_and_summary_the_service_changes(
    harness: Harness, text: str
) -> None:
    chat = _english(harness)
    await chat.say("I would like a Taglio tomorrow at 11")
    await chat.press("Emma Clarke")
    await chat.say(text)
    assert chat.text.startswith("Sure, Colore then.")
    assert "Tuesday 24 November at 11:00" in chat.text
    assert "What's your e-mail address?" in chat.text
    _one_hold_for(chat, "s_colore")
    await chat.say("emma.clarke@example.com")
    assert "Service: Colore" in chat.text


@pytest.mark.parametrize(
    "text",
    [
        "no, a haircut instead of the colour after all",
        "switch it to a trim rather than colour pls",
        "actually a cut in place of the colour",
    ],
)
async def test_at_the_english_summary_the_service_changes_back(harness: Harness, text: str) -> None:
    chat = _english(harness)
    await chat.say("I would like a Colore tomorrow at 11")
    await chat.press("Emma Clarke")
    await chat.say("emma.clarke@example.com")
    assert "Service: Colore" in chat.text
    await chat.say(text)
    assert chat.text.startswith("Sure, Taglio then.")
    assert "Service: Taglio" in chat.text
    assert "When: Tuesday 24 November at 11:00" in chat.text
    assert "Name: Emma Clarke" in chat.text
    assert "E-mail: emma.clarke@example.com" in chat.text
    _one_hold_for(chat, "s_taglio")


async def test_a_new_service_that_does_not_fit_offers_its_times_that_day(chat: Chat) -> None:
    await chat.say("vorrei un taglio domani alle 18:30")
    await chat.say("no, il colore al posto del taglio")
    assert chat.text.startswith("Va bene, allora Colore.")
    assert "martedì 24 novembre" in chat.text
    assert not [h for h in chat.world.holds.values() if not h.released]
    assert not chat.world.appointments
