"""Booking the same again (issue 13, item 3): the message after the visit with a one-tap rating
and "Prenota di nuovo"; past appointments in "I miei appuntamenti"; "come l'ultima volta"; the
"ricordami tra N settimane" recall."""

from __future__ import annotations

from datetime import datetime

from engine_chat import ROME, Chat, Harness

from bot.storage import EventKind


async def book_tomorrow_at_11(chat: Chat) -> None:
    await chat.say("vorrei un taglio domani alle 11")
    await chat.press("Mario Rossi")
    await chat.say("mario.rossi@example.com")
    await chat.press("Conferma")
    assert "Codice prenotazione" in chat.text


async def due_texts(chat: Chat) -> list[str]:
    return [r.text for r in await chat.due()]


async def test_after_the_visit_one_tap_rates_and_one_tap_plus_a_time_books_again(
    harness: Harness, chat: Chat
) -> None:
    await book_tomorrow_at_11(chat)
    harness.clock.set(datetime(2026, 11, 24, 14, 59, tzinfo=ROME))
    assert not any("Grazie della visita" in t for t in await due_texts(chat))
    chat.advance(minutes=1)
    (after,) = await chat.due()
    assert after.text.startswith("Grazie della visita di oggi per Taglio!")
    assert chat.labels()[:5] == ["1", "2", "3", "4", "5"]

    five = chat.action("5")
    await chat.press("5")
    assert chat.text == "Grazie per il tuo voto!"
    await chat.press_action(five)  # a double tap counts once
    (appointment_id,) = harness.world.appointments
    history = await harness.store.booking_history(appointment_id)
    assert [e.details for e in history if e.kind == EventKind.RATED] == [{"rating": 5}]

    await chat.press("I miei appuntamenti")
    assert "I tuoi ultimi appuntamenti:\n\n1. Taglio, martedì 24 novembre alle 11:00" in chat.text
    await chat.press("Prenota di nuovo 1")
    assert chat.text.startswith("Come l'ultima volta: Taglio, a nome di Mario Rossi.")
    await chat.say("giovedì alle 10")
    assert "Nome: Mario Rossi" in chat.text and "mario.rossi@example.com" in chat.text
    await chat.press("Conferma")
    assert "Codice prenotazione" in chat.text
    starts = sorted(a.start for a in harness.world.appointments.values())
    assert starts[-1] == datetime(2026, 11, 26, 10, 0, tzinfo=ROME)


async def test_same_as_last_time_typed_in_both_languages(harness: Harness, chat: Chat) -> None:
    await book_tomorrow_at_11(chat)
    await chat.say("vorrei prenotare come l'ultima volta venerdì alle 10")
    assert chat.text.startswith("Come l'ultima volta: Taglio, a nome di Mario Rossi.")
    assert "Nome: Mario Rossi" in chat.text
    await chat.command("stop")
    english = harness.chat(chat_id=1001, language="en")
    await english.command("language")
    await english.press("English")
    await english.say("same as last time please")
    assert english.text.startswith("Same as last time: Taglio, in the name of Mario Rossi.")


async def test_a_cancelled_appointment_gets_no_message_after_it(
    harness: Harness, chat: Chat
) -> None:
    await book_tomorrow_at_11(chat)
    await chat.say("disdici il mio appuntamento")
    await chat.press("Sì, disdici")  # and no reason given: cancelled all the same
    chat.advance(days=2)
    assert not any("Grazie della visita" in t for t in await due_texts(chat))


async def test_nothing_to_book_again_is_said(chat: Chat) -> None:
    await chat.say("come l'ultima volta")
    assert "Non vedo un appuntamento passato" in chat.text


async def test_remind_me_in_weeks_comes_back_offering_the_same_again(
    harness: Harness, chat: Chat
) -> None:
    await book_tomorrow_at_11(chat)
    harness.clock.set(datetime(2026, 11, 24, 15, 0, tzinfo=ROME))
    await chat.due()
    await chat.press("Ricordamelo tra 4 settimane")
    assert chat.text.startswith(
        "Va bene: martedì 22 dicembre ti ricordo di prenotare di nuovo Taglio."
    )
    await chat.say("anzi, ricordami tra 6 settimane")  # asking again moves the one recall
    assert chat.text.startswith("Va bene: martedì 5 gennaio 2027 ti ricordo")
    harness.clock.set(datetime(2026, 12, 22, 10, 0, tzinfo=ROME))
    assert await due_texts(chat) == []
    harness.clock.set(datetime(2027, 1, 5, 10, 0, tzinfo=ROME))
    (recall,) = await chat.due()
    assert recall.text.startswith("È di nuovo il momento per Taglio! Vuoi prenotare?")
    await chat.press("Prenota di nuovo")
    assert chat.text.startswith("Come l'ultima volta: Taglio, a nome di Mario Rossi.")


async def test_no_recall_when_the_same_service_is_booked_again(
    harness: Harness, chat: Chat
) -> None:
    await book_tomorrow_at_11(chat)
    harness.clock.set(datetime(2026, 11, 24, 15, 0, tzinfo=ROME))
    await chat.due()
    await chat.say("remind me in 2 weeks")
    assert "8 dicembre" in chat.text
    await chat.say("come l'ultima volta mercoledì 9 dicembre alle 16")
    await chat.press("Conferma")
    assert "Codice prenotazione" in chat.text
    harness.clock.set(datetime(2026, 12, 8, 10, 0, tzinfo=ROME))
    assert not any("di nuovo il momento" in text for text in await due_texts(chat))
