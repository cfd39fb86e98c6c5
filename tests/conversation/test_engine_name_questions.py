"""A question asked at the name question is answered as at any other step (price, a person),
then the name is asked again with the hold kept; only "why do you need my name" is answered with
why the name is wanted."""

from __future__ import annotations

import pytest
from engine_chat import Chat, Harness


def _english(harness: Harness) -> Chat:
    return harness.chat(chat_id=1002, language="en", first_name="Emma", last_name="Clarke")


@pytest.mark.parametrize(
    ("text", "answer"),
    [
        ("ma il colore quanto costa?", "Colore costa"),
        ("scusa, quanto viene una piega", "costa"),
        ("prima una cosa: per un taglio quanto si spende?", "Taglio costa"),
        ("vorrei parlare con il titolare", "Ho passato il tuo messaggio al salone"),
        ("posso sentire una persona vera?", "Ho passato il tuo messaggio al salone"),
        ("fatemi parlare con qualcuno dello staff", "Ho passato il tuo messaggio al salone"),
    ],
)
async def test_an_italian_question_at_the_name_is_answered(
    chat: Chat, text: str, answer: str
) -> None:
    await chat.say("vorrei un taglio domani alle 11")
    await chat.say(text)
    assert answer in chat.text
    assert "È il nome a cui intestiamo" not in chat.text
    assert chat.text.endswith("A che nome prenoto? Nome e cognome, per favore.")
    assert len(chat.world.holds) == 1


@pytest.mark.parametrize(
    ("text", "answer"),
    [
        ("how much is a colour btw", "Colore costs"),
        ("wait what does a trim cost?", "costs"),
        ("before that, what's the price of a cut", "costs"),
        ("let me speak to a real human", "passed your message on to the salon"),
        ("can i chat with the owner first?", "passed your message on to the salon"),
        ("i'd like to talk to a member of staff pls", "passed your message on to the salon"),
    ],
)
async def test_an_english_question_at_the_name_is_answered(
    harness: Harness, text: str, answer: str
) -> None:
    chat = _english(harness)
    await chat.say("I would like a Taglio tomorrow at 11")
    await chat.say(text)
    assert answer in chat.text
    assert "so the salon knows" not in chat.text
    assert chat.text.endswith("What name should I book under? First and last name, please.")
    assert len(chat.world.holds) == 1


async def test_why_the_name_is_still_said_why(chat: Chat, harness: Harness) -> None:
    await chat.say("vorrei un taglio domani alle 11")
    await chat.say("a che vi serve il mio nome?")
    assert chat.text.startswith("È il nome a cui intestiamo la prenotazione")
    english = _english(harness)
    await english.say("I would like a Taglio tomorrow at 11")
    await english.say("what do you need my name for")
    assert "A che nome" not in english.text
    assert english.text.endswith("What name should I book under? First and last name, please.")
