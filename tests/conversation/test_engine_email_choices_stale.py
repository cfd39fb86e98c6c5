"""Addresses offered as buttons can be chosen by number only while they are on screen: once the
e-mail is asked again without them, "the second" picks nothing (found in the final review)."""

from __future__ import annotations

from engine_chat import Harness


async def test_an_ordinal_picks_no_address_once_the_addresses_are_off_screen(
    harness: Harness,
) -> None:
    chat = harness.chat(language="en", first_name="Emma", last_name="Clarke")
    await chat.say("a cut thursday at 3pm")
    await chat.say("yes")
    await chat.say("emma clarke at gmail dot com")
    assert "emma.clarke@gmail.com" in chat.labels()
    await chat.say("hmm")
    assert "emma.clarke@gmail.com" not in chat.labels()
    await chat.say("the second")
    assert "Here's your booking" not in chat.text
    assert "emma.clarke@gmail.com" not in chat.text
