"""Contact data said as people say it: a dictated address with a number in it is read whole, and
a surname corrected at the summary changes the name's surname and keeps the e-mail."""

from __future__ import annotations

import pytest
from engine_chat import Chat, Harness


@pytest.mark.parametrize(
    ("text", "address"),
    [
        ("luca punto verdi 7 chiocciola yahoo punto it", "luca.verdi7@yahoo.it"),
        ("è anna punto neri 1990 chiocciola libero punto it", "anna.neri1990@libero.it"),
        ("sara underscore galli 33 chiocciola gmail punto com", "sara_galli33@gmail.com"),
    ],
)
async def test_an_italian_dictated_address_with_a_number(
    chat: Chat, text: str, address: str
) -> None:
    await chat.say("vorrei un taglio domani alle 11")
    await chat.press("Mario Rossi")
    await chat.say(text)
    assert f"E-mail: {address}" in chat.text


@pytest.mark.parametrize(
    ("text", "address"),
    [
        ("it's jo dot hart 21 at outlook dot com", "jo.hart21@outlook.com"),
        ("tom dot price 2000 at gmail dot com thanks", "tom.price2000@gmail.com"),
        ("my email is kate dash lee 4 at icloud dot com", "kate-lee4@icloud.com"),
    ],
)
async def test_an_english_dictated_address_with_a_number(
    harness: Harness, text: str, address: str
) -> None:
    chat = harness.chat(chat_id=1002, language="en", first_name="Emma", last_name="Clarke")
    await chat.say("I would like a Taglio tomorrow at 11")
    await chat.press("Emma Clarke")
    await chat.say(text)
    assert f"E-mail: {address}" in chat.text


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("il cognome è Rossetti", "Mario Rossetti"),
        ("scusa, puoi sistemare il cognome? è Rossetti, non Rossi", "Mario Rossetti"),
        ("il cognome giusto sarebbe Rossello", "Mario Rossello"),
    ],
)
async def test_an_italian_surname_correction_keeps_the_email(
    chat: Chat, text: str, name: str
) -> None:
    await chat.say("vorrei un taglio domani alle 11")
    await chat.press("Mario Rossi")
    await chat.say("mario.rossi@example.com")
    await chat.say(text)
    assert chat.text.startswith(f"Fatto, ora il nome è {name}.")
    assert "E-mail: mario.rossi@example.com" in chat.text


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("my surname is Clarkson", "Emma Clarkson"),
        ("can you fix my surname? it's Clarkes not Clarke", "Emma Clarkes"),
        ("the last name should be Clark", "Emma Clark"),
    ],
)
async def test_an_english_surname_correction_keeps_the_email(
    harness: Harness, text: str, name: str
) -> None:
    chat = harness.chat(chat_id=1002, language="en", first_name="Emma", last_name="Clarke")
    await chat.say("I would like a Taglio tomorrow at 11")
    await chat.press("Emma Clarke")
    await chat.say("emma.clarke@example.com")
    await chat.say(text)
    assert chat.text.startswith(f"Done, the name is now {name}.")
    assert "E-mail: emma.clarke@example.com" in chat.text
