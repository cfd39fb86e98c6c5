"""Long messages through the engine and the sandbox: politeness and refused days beside a booking
are not a move (issue 9, the fixb round)."""

from __future__ import annotations

import pytest

from tests.conversation.engine_chat import Chat, Harness


def english(harness: Harness) -> Chat:
    return harness.chat(language="en", first_name="Emma", last_name="Clarke")


@pytest.mark.parametrize(
    ("message", "day"),
    [
        ("salve, un taglio per sabato mattina. Grazie anticipatamente!", "sabato 28 novembre"),
        ("vi ringrazio in anticipo: avrei bisogno di un taglio giovedì", "giovedì 26 novembre"),
        ("un taglio mercoledì 25? anticipatamente ringrazio", "mercoledì 25 novembre"),
        ("un taglio venerdì? lunedì e martedì invece non posso", "venerdì 27 novembre"),
        ("martedì invece non riesco, mi fate un taglio sabato?", "sabato 28 novembre"),
        ("un taglio giovedì, mercoledì invece no", "giovedì 26 novembre"),
    ],
)
async def test_politeness_and_a_refused_day_in_a_fresh_chat_are_a_booking_in_italian(
    harness: Harness, chat: Chat, message: str, day: str
) -> None:
    await chat.say(message)
    assert "da spostare" not in chat.text
    assert f"orari liberi per {day}" in chat.text
    assert "9:00" in chat.labels() or "12:00" in chat.labels()


@pytest.mark.parametrize(
    ("message", "day"),
    [
        ("a taglio on saturday morning please, thanks in advance", "Saturday 28 November"),
        ("many thanks in advance - could I get a taglio thursday?", "Thursday 26 November"),
        ("a taglio wednesday the 25th, thank you in advance!", "Wednesday 25 November"),
    ],
)
async def test_thanks_in_advance_in_a_fresh_chat_is_a_booking_in_english(
    harness: Harness, message: str, day: str
) -> None:
    chat = english(harness)
    await chat.say(message)
    assert "to move" not in chat.text
    assert f"free times on {day}" in chat.text.replace("Free", "free")
