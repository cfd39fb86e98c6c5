"""A request for what a service does ("mi fate…?", "can you do me…?") is answered with the
service's price and starts its booking (the day is asked), never the general menu."""

from __future__ import annotations

import pytest
from engine_chat import Chat, Harness


@pytest.mark.parametrize(
    ("text", "price"),
    [
        ("mi fate un po' di colpi di sole?", "Colore: 70,00\xa0€"),
        ("me la fate una tinta alle radici?", "Colore: 70,00\xa0€"),
        ("potete farmi le meches? vorrei schiarirmi un po'", "Colore: 70,00\xa0€"),
    ],
)
async def test_an_italian_request_starts_the_booking(chat: Chat, text: str, price: str) -> None:
    await chat.say(text)
    assert price in chat.text
    assert "Quando vuoi venire?" in chat.text
    assert "Cosa vuoi fare?" not in chat.text


@pytest.mark.parametrize(
    ("text", "price"),
    [
        ("do you do me some highlights?", "Colore: €70.00"),
        ("can you do me a root touch up?", "Colore: €70.00"),
        ("do u do my roots? they need covering", "Colore: €70.00"),
    ],
)
async def test_an_english_request_starts_the_booking(
    harness: Harness, text: str, price: str
) -> None:
    chat = harness.chat(chat_id=1002, language="en", first_name="Emma", last_name="Clarke")
    await chat.say(text)
    assert price in chat.text
    assert "When would you like to come?" in chat.text
    assert "What would you like to do?" not in chat.text
