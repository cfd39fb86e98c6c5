"""Talking like a person (issue 9: TALK): the name and e-mail can be fixed at the summary with the
hold kept, obvious non-names are refused, "ok" is not a confirmation, small talk gets a human
answer, and the language can be switched back."""

from __future__ import annotations

import pytest
from engine_chat import ROME, Chat, Harness


async def _at_summary(chat: Chat) -> str:
    await chat.say("vorrei un taglio domani alle 11")
    await chat.press("Mario Rossi")
    await chat.say("mario.rossi@example.com")
    assert "Confermo?" in chat.text
    holds = [h for h in chat.world.holds.values()]
    assert len(holds) == 1
    return holds[0].id


def _held(chat: Chat) -> list[str]:
    return [h.id for h in chat.world.holds.values()]


async def test_the_summary_offers_to_change_name_and_email(chat: Chat) -> None:
    await _at_summary(chat)
    rows = [[b.label for b in row] for row in chat.last[-1].buttons]
    assert rows == [
        ["Conferma"],
        ["Modifica nome", "Modifica e-mail"],
        ["Cambia orario", "Lascia perdere"],
    ]


async def test_change_name_button_asks_the_name_and_comes_back_with_the_hold(chat: Chat) -> None:
    hold = await _at_summary(chat)
    await chat.press("Modifica nome")
    assert "A che nome prenoto?" in chat.text
    await chat.say("Giulia Verdi")
    assert "Nome: Giulia Verdi" in chat.text
    assert "E-mail: mario.rossi@example.com" in chat.text
    assert _held(chat) == [hold]
    await chat.press("Conferma")
    appointment = next(iter(chat.world.appointments.values()))
    assert appointment.contact_name == "Giulia Verdi"


async def test_change_email_button_then_a_slip_gets_did_you_mean(chat: Chat) -> None:
    hold = await _at_summary(chat)
    await chat.press("Modifica e-mail")
    assert "Qual è la tua e-mail?" in chat.text
    await chat.say("giulia@gmial.com")
    assert "Intendevi giulia@gmail.com?" in chat.text
    await chat.press("giulia@gmail.com")
    assert "E-mail: giulia@gmail.com" in chat.text
    assert _held(chat) == [hold]


@pytest.mark.parametrize(
    "text",
    ["ho sbagliato la mail, è anna@libero.it", "anna@libero.it", "la mail giusta è anna@libero.it"],
)
async def test_a_new_address_typed_at_the_summary_replaces_it(chat: Chat, text: str) -> None:
    hold = await _at_summary(chat)
    await chat.say(text)
    assert "Fatto, ho cambiato l'e-mail." in chat.text
    assert "E-mail: anna@libero.it" in chat.text
    assert _held(chat) == [hold]


async def test_a_new_name_typed_at_the_summary_replaces_it(chat: Chat) -> None:
    await _at_summary(chat)
    await chat.say("il nome è Giulia Verdi")
    assert "Fatto, ora il nome è Giulia Verdi." in chat.text
    assert "Nome: Giulia Verdi" in chat.text


@pytest.mark.parametrize("text", ["cambia nome", "il nome è sbagliato"])
async def test_asking_to_change_the_name_asks_it(chat: Chat, text: str) -> None:
    await _at_summary(chat)
    await chat.say(text)
    assert "A che nome prenoto?" in chat.text


@pytest.mark.parametrize("text", ["👍", "👌", "ok grazie", "perfetto grazie mille", "😊"])
async def test_a_reaction_at_the_summary_asks_for_an_explicit_confirm(
    chat: Chat, text: str
) -> None:
    await _at_summary(chat)
    await chat.say(text)
    assert "Per prenotare tocca «Conferma»" in chat.text
    assert not chat.world.appointments


@pytest.mark.parametrize(
    "text",
    [
        "sì",
        "confermo",
        "conferma",
        "sì, va bene",
        "va bene",
        "ok",
        "certo",
        "ok va bene",
        "si grazie",
        "vabbene",
    ],
)
async def test_an_explicit_yes_at_the_summary_books(chat: Chat, text: str) -> None:
    await _at_summary(chat)
    await chat.say(text)
    assert "Codice prenotazione" in chat.text


@pytest.mark.parametrize("text", ["sono io", "sn io", "è il mio", "il mio"])
async def test_sono_io_takes_the_profile_name(chat: Chat, text: str) -> None:
    await chat.say("vorrei un taglio domani alle 11")
    await chat.say(text)
    assert "Qual è la tua e-mail?" in chat.text
    await chat.say("mario.rossi@example.com")
    assert "Nome: Mario Rossi" in chat.text


async def test_thats_me_without_a_profile_name_asks_kindly(harness: Harness) -> None:
    chat = harness.chat(first_name=None, last_name=None, language="en")
    await chat.say("I would like a Taglio tomorrow at 11")
    await chat.say("that's me")
    assert "I can't see a name on your profile." in chat.text
    assert "What name should I book under?" in chat.text


@pytest.mark.parametrize("text", ["boh", "ok", "test", "asdf", "grazie", "ciao", "mah", "👍", "🙏"])
async def test_obvious_non_names_are_refused_in_one_sentence(chat: Chat, text: str) -> None:
    await chat.say("vorrei un taglio domani alle 11")
    await chat.say(text)
    assert chat.text.startswith("Non mi sembra un nome")
    assert "A che nome prenoto?" in chat.text


async def test_a_name_typed_at_the_email_question_replaces_the_name(chat: Chat) -> None:
    await chat.say("vorrei un taglio domani alle 11")
    await chat.press("Mario Rossi")
    hold = _held(chat)
    await chat.say("Giulia Verdi")
    assert chat.text.startswith("Ok, prenoto a nome di Giulia Verdi.")
    assert "Qual è la tua e-mail?" in chat.text
    await chat.say("giulia@example.com")
    assert "Nome: Giulia Verdi" in chat.text
    assert _held(chat) == hold


@pytest.mark.parametrize("text", ["a presto", "ciao ciao", "buona giornata!", "bye"])
async def test_a_goodbye_at_rest_is_a_goodbye_with_no_question(chat: Chat, text: str) -> None:
    await chat.say(text)
    assert chat.text == "A presto! Se ti serve qualcosa, scrivimi pure."
    assert "Prenota" in chat.labels()


@pytest.mark.parametrize("text", ["ok va benissimo", "👍", "😊", "perfetto grazie"])
async def test_an_acknowledgement_at_rest_is_answered_warmly(chat: Chat, text: str) -> None:
    await chat.say(text)
    assert chat.text == "Perfetto! Se ti serve altro, sono qui."


async def test_greeting_and_thanks_at_rest(chat: Chat) -> None:
    await chat.say("buongiorno!")
    assert chat.text.startswith("Ciao Mario!")
    await chat.say("grazie mille")
    assert chat.text.startswith("Figurati!")


async def test_small_talk_mid_flow_keeps_the_place_and_never_books(chat: Chat) -> None:
    await chat.say("vorrei un taglio domani alle 11")
    await chat.press("Mario Rossi")
    await chat.say("a presto")
    assert chat.text.startswith("A presto! Quando vuoi, riprendiamo da qui.")
    assert "Qual è la tua e-mail?" in chat.text
    await chat.say("mario.rossi@example.com")
    await chat.say("grazie")
    assert chat.text.startswith("Figurati!")
    await chat.say("👍")
    assert not chat.world.appointments


async def test_english_small_talk_and_back_to_italian(harness: Harness) -> None:
    chat = harness.chat(language="en", first_name="Emma", last_name="Clarke")
    await chat.say("hey there")
    assert chat.text.startswith("Hi Emma!")
    await chat.say("thx")
    assert chat.text.startswith("You're welcome!")
    await chat.say("scrivimi in italiano")
    assert "ti scrivo in italiano" in chat.text
    await chat.say("back to english please")
    assert "English" in chat.text
    await chat.say("see ya")
    assert chat.text == "See you soon! If you need anything, just write."


async def test_typed_yes_answers_the_cancel_confirmation(chat: Chat) -> None:
    await _at_summary(chat)
    await chat.say("confermo")
    await chat.say("voglio disdire il mio appuntamento")
    await chat.say("va bene")
    appointment = next(iter(chat.world.appointments.values()))
    assert appointment.status == "cancelled"


async def test_ok_where_nothing_was_asked_is_a_nod(chat: Chat) -> None:
    await chat.command("book")
    await chat.say("👍")
    assert chat.text.startswith("Va bene! Quando vuoi, scegli qui sotto o scrivimelo.")
    assert "Per quale servizio?" in chat.text


async def test_small_talk_at_the_email_question_is_not_an_address(chat: Chat) -> None:
    await chat.say("vorrei un taglio domani alle 11")
    await chat.press("Mario Rossi")
    await chat.say("grazie!")
    assert chat.text.startswith("Figurati!")
    await chat.say("ciao")
    assert chat.text.startswith("Ciao! Eravamo rimasti qui.")
    assert "Qual è la tua e-mail?" in chat.text


@pytest.mark.parametrize("text", ["go ahead", "yes", "ok", "sure thing"])
async def test_typed_yes_answers_the_move_confirmation(harness: Harness, text: str) -> None:
    chat = harness.chat(language="en", first_name="Emma", last_name="Clarke")
    await chat.say("I'd like a Taglio tomorrow at 11")
    await chat.press("Emma Clarke")
    await chat.say("emma@example.org")
    await chat.say("confirm")
    await chat.say("move my appointment to thursday at 10")
    assert "Confirm" in " ".join(chat.labels()) or "?" in chat.text
    await chat.say(text)
    appointment = next(iter(chat.world.appointments.values()))
    assert appointment.start.astimezone(ROME).day == 26


@pytest.mark.parametrize(
    "text", ["la mail è giulia@example.com", "my email: giulia@example.com", "giulia@example.com."]
)
async def test_an_address_inside_a_sentence_at_the_email_question(chat: Chat, text: str) -> None:
    await chat.say("vorrei un taglio domani alle 11")
    await chat.press("Mario Rossi")
    await chat.say(text)
    assert "E-mail: giulia@example.com" in chat.text
