"""At the name question a sentence is never saved as the name: it is refused kindly with the
profile's name offered again as a button, and a real name typed next is taken."""

from __future__ import annotations

import pytest
from engine_chat import Chat, Harness


def _labels(chat: Chat) -> list[str]:
    return [b.label for row in chat.last[-1].buttons for b in row]


@pytest.mark.parametrize(
    "text",
    ["boh non lo so decidi tu", "nn saprei che dirti sinceramente", "mah fate voi non saprei"],
)
async def test_an_italian_sentence_is_refused_with_the_profile_name(chat: Chat, text: str) -> None:
    await chat.say("vorrei un taglio domani alle 11")
    await chat.say(text)
    assert chat.text.startswith("Non mi sembra un nome")
    assert "A che nome prenoto?" in chat.text
    assert "Mario Rossi" in _labels(chat)
    await chat.say("Chiara De Luca")
    assert "Qual è la tua e-mail?" in chat.text
    await chat.say("chiara.deluca@example.com")
    assert "Nome: Chiara De Luca" in chat.text


@pytest.mark.parametrize(
    "text",
    ["idk u pick one", "up to you mate idc", "wait i'd rather have a trim"],
)
async def test_an_english_sentence_is_refused_with_the_profile_name(
    harness: Harness, text: str
) -> None:
    chat = harness.chat(chat_id=1002, language="en", first_name="Emma", last_name="Clarke")
    await chat.say("I would like a Taglio tomorrow at 11")
    await chat.say(text)
    assert chat.text.startswith("That doesn't look like a name")
    assert "What name should I book under?" in chat.text
    assert "Emma Clarke" in _labels(chat)
    await chat.say("Pieter van der Berg")
    assert "What's your e-mail address?" in chat.text
    await chat.say("pieter@example.com")
    assert "Pieter van der Berg" in chat.text
