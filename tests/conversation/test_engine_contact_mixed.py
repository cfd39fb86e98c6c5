"""The lead's chat of 23 November: names from mixed text, questions at the name question, an
appointment the customer thinks they have, and a name or an e-mail typed before a time."""

from __future__ import annotations

import pytest
from engine_chat import Chat, Harness


async def _held(chat: Chat, text: str = "vorrei un taglio domani alle 11") -> None:
    await chat.say(text)
    held = (["Cambia orario", "Lascia perdere"], ["Change time", "Never mind"])
    assert chat.labels()[-2:] in held


async def _book_thursday_at_10(chat: Chat) -> None:
    await _held(chat, "a cut on thursday at 10")
    await chat.press("Emma Clarke")
    await chat.say("emma.clarke@example.org")
    await chat.say("yes")
    assert "Booking code" in chat.text


async def _summary_name(chat: Chat, email: str = "mario.rossi@example.com") -> str:
    if "Qual è la tua e-mail?" in chat.text:
        await chat.say(email)
    line = next(x for x in chat.text.splitlines() if x.startswith(("Nome:", "Name:")))
    return line.split(":", 1)[1].strip()


@pytest.mark.parametrize(
    "text",
    [
        "same email as mine - emma.clarke@example.org",
        "my email's emma.clarke@example.org btw",
        "use my work one pls: emma.clarke@example.org",
    ],
)
async def test_words_about_the_email_keep_it_and_ask_the_name(
    harness_chat_en: Chat, text: str
) -> None:
    chat = harness_chat_en
    await _held(chat, "a cut tomorrow at 11")
    await chat.say(text)
    assert "Thanks, I've got the e-mail." in chat.text
    assert "What name should I book under?" in chat.text
    await chat.say("Emma Clarke")
    assert "Name: Emma Clarke" in chat.text
    assert "E-mail: emma.clarke@example.org" in chat.text


async def test_la_mail_della_moglie_is_no_name(chat: Chat) -> None:
    await _held(chat)
    await chat.say("quella di mia moglie giulia.rossi@libero.it")
    assert "l'e-mail me la segno" in chat.text
    assert "A che nome prenoto?" in chat.text


@pytest.mark.parametrize(
    ("text", "name"),
    [("è per mio marito, Marco", "Marco"), ("lo prenoto per mia mamma, si chiama Anna", "Anna")],
)
async def test_someone_elses_first_name_is_the_name(chat: Chat, text: str, name: str) -> None:
    await _held(chat)
    await chat.say(text)
    assert f"Ok, prenoto a nome di {name}." in chat.text
    assert "Qual è la tua e-mail?" in chat.text
    assert "caratteri" not in chat.text
    assert await _summary_name(chat) == name


async def test_husband_mark_and_his_surname_at_the_email_question(harness_chat_en: Chat) -> None:
    chat = harness_chat_en
    await _held(chat, "a cut tomorrow at 11")
    await chat.say("its actually for my husband, mark")
    assert "OK, I'll book under Mark." in chat.text
    assert "characters" not in chat.text
    await chat.say("Clarke")
    await chat.say("emma.clarke@example.org")
    assert "Name: Mark Clarke" in chat.text


@pytest.mark.parametrize("text", ["Marco", "June"])
async def test_a_first_name_like_a_month_keeps_the_time(chat: Chat, text: str) -> None:
    await _held(chat)
    await chat.say(text)
    assert "Qual è la tua e-mail?" in chat.text
    assert await _summary_name(chat) == text
    assert "martedì 24 novembre alle 11:00" in chat.text


async def test_when_is_my_appointment_with_a_time_held_and_nothing_booked(chat: Chat) -> None:
    await _held(chat)
    await chat.say("quando ho l'appuntamento?")
    assert "Non hai ancora niente di prenotato" in chat.text
    assert "martedì 24 novembre alle 11:00" in chat.text
    assert "È il nome a cui intestiamo" not in chat.text
    assert "A che nome prenoto?" in chat.text
    assert not chat.world.appointments


async def test_when_is_my_appointment_with_one_booked_and_another_held(
    harness_chat_en: Chat,
) -> None:
    chat = harness_chat_en
    await _book_thursday_at_10(chat)
    await _held(chat, "a cut tomorrow at 11")
    await chat.say("when's my appointment again?")
    assert "Thursday 26 November at 10:00" in chat.text
    assert "I'm also keeping Tuesday 24 November at 11:00 for you" in chat.text
    assert "What name should I book under?" in chat.text


async def test_only_why_questions_get_why_the_name_is_needed(chat: Chat) -> None:
    await _held(chat)
    await chat.say("serve anche il cognome?")
    assert "È il nome a cui intestiamo" in chat.text
    await chat.say("quanto costa?")
    assert "25,00" in chat.text
    assert "È il nome a cui intestiamo" not in chat.text
    assert "A che nome prenoto?" in chat.text


@pytest.mark.parametrize(
    "text",
    [
        "hi I have an appt on thursday i think? can u check",
        "I've got a booking on the 26th right?",
        "can u check if I'm booked thursday",
    ],
)
async def test_an_appointment_thought_to_exist_is_looked_up(harness: Harness, text: str) -> None:
    chat = harness.chat(chat_id=1003, language="en", first_name="Emma", last_name="Clarke")
    await chat.say(text)
    assert "I don't see any upcoming appointments" in chat.text
    assert "Which service" not in chat.text
    await _book_thursday_at_10(chat)
    await chat.say(text)
    assert "Taglio, Thursday 26 November at 10:00" in chat.text
    assert len(chat.world.appointments) == 1


async def test_dovrei_avere_un_appuntamento(chat: Chat) -> None:
    await chat.say("dovrei avere un appuntamento venerdì, giusto?")
    assert "Non vedo appuntamenti in programma" in chat.text
    assert "Per quale servizio?" not in chat.text


async def test_a_name_before_a_time_is_chosen(chat: Chat) -> None:
    await chat.say("un taglio domani")
    assert "Quale orario preferisci?" in chat.text
    await chat.say("Luca Verdi")
    assert "Prima scegli un orario, poi ti chiedo nome ed e-mail." in chat.text
    assert "9:00" in chat.labels()
    assert "non ho capito" not in chat.text


async def test_an_email_before_a_time_is_kept_for_later(chat: Chat) -> None:
    await chat.say("un taglio domani")
    await chat.say("luca.verdi@gmail.com")
    assert "l'e-mail me la segno" in chat.text
    assert "9:00" in chat.labels()
    await chat.press("9:00")
    assert "A che nome prenoto?" in chat.text
    await chat.say("Luca Verdi")
    assert "E-mail: luca.verdi@gmail.com" in chat.text
    assert "Confermo?" in chat.text


async def test_is_it_booked_at_the_summary_says_not_yet(chat: Chat) -> None:
    await _held(chat)
    await chat.say("Mario Rossi")
    await chat.say("mario.rossi@example.com")
    await chat.say("ma è già prenotato?")
    assert "Non hai ancora niente di prenotato" in chat.text
    assert "Confermo?" in chat.text
    assert not chat.world.appointments
