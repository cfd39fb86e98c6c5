"""Yes and no at the contact questions answer what the bot offered: never a name or an e-mail."""

from __future__ import annotations

from engine_chat import Chat, Harness


async def _at_name_question(chat: Chat) -> None:
    await chat.say("vorrei un taglio domani alle 11")
    assert "A che nome prenoto?" in chat.text


async def test_si_at_the_name_question_takes_the_profile_name(chat: Chat) -> None:
    await _at_name_question(chat)
    await chat.say("sì")
    assert "Qual è la tua e-mail?" in chat.text
    await chat.say("mario.rossi@example.com")
    assert "Nome: Mario Rossi" in chat.text


async def test_si_without_a_profile_name_asks_the_name_again(harness: Harness) -> None:
    chat = harness.chat(first_name=None, last_name=None)
    await _at_name_question(chat)
    await chat.say("sì")
    assert "A che nome prenoto?" in chat.text
    assert "Nome: Sì" not in chat.text


async def test_si_to_did_you_mean_takes_the_suggested_address(chat: Chat) -> None:
    await _at_name_question(chat)
    await chat.press("Mario Rossi")
    await chat.say("mario.rossi@gmial.com")
    assert "Intendevi mario.rossi@gmail.com?" in chat.text
    await chat.say("sì")
    assert "E-mail: mario.rossi@gmail.com" in chat.text


async def test_no_to_did_you_mean_keeps_the_typed_address(chat: Chat) -> None:
    await _at_name_question(chat)
    await chat.press("Mario Rossi")
    await chat.say("mario.rossi@gmial.com")
    await chat.say("no")
    assert "E-mail: mario.rossi@gmial.com" in chat.text


async def test_no_then_who_it_is_for_asks_that_persons_name(chat: Chat) -> None:
    await _at_name_question(chat)
    await chat.say("no scusa, è per mio suocero")
    assert "Come si chiama tuo suocero?" in chat.text
    assert "Mario Rossi" not in chat.labels()
