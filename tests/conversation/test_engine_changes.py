"""My appointments, moving, cancelling, reminders and the language switch, end to end."""

from __future__ import annotations

from datetime import UTC, datetime

from engine_chat import Chat, Harness


async def book(chat: Chat, when: str = "un taglio domani alle 11") -> str:
    await chat.say(when)
    await chat.press("Mario Rossi")
    await chat.say("mario@example.com")
    await chat.press("Conferma")
    done = chat.world.appointments
    return max(done.values(), key=lambda a: a.created_at).id if done else ""


async def test_move_in_one_message_end_to_end(chat: Chat) -> None:
    appointment_id = await book(chat)
    await chat.say("sposta il mio appuntamento a giovedì alle 15")
    assert "Sposto Taglio da martedì 24 novembre alle 11:00 a giovedì 26 novembre alle 15:00?" in (
        chat.text
    )
    await chat.press("Sì, spostalo")
    assert "ho spostato Taglio a giovedì 26 novembre alle 15:00" in chat.text
    thursday_15 = datetime(2026, 11, 26, 14, 0, tzinfo=UTC)
    assert chat.world.appointments[appointment_id].start == thursday_15
    entry = await chat.store.find_booking(appointment_id)
    assert entry is not None and entry.start == thursday_15
    assert [e.kind for e in await chat.store.booking_history(appointment_id)] == [
        "booked",
        "moved",
    ]
    [reminder] = await chat.store.due_messages(datetime(2026, 11, 25, 14, 0, tzinfo=UTC))
    assert reminder.kind == "reminder" and reminder.payload["start"] == thursday_15.isoformat()


async def test_move_picks_the_appointment_named_by_its_old_day(chat: Chat) -> None:
    await book(chat)
    await book(chat, "colore venerdì alle 10")
    friday = next(a.id for a in chat.world.appointments.values() if a.service_id == "s_colore")
    await chat.say("sposta l'appuntamento di venerdì a sabato alle 9")
    assert "Sposto Colore da venerdì 27 novembre alle 10:00 a sabato 28 novembre alle 9:00?" in (
        chat.text
    )
    await chat.say("sì")
    assert chat.world.appointments[friday].start == datetime(2026, 11, 28, 8, 0, tzinfo=UTC)


async def test_cancel_with_a_reason_kept_in_the_ledger(chat: Chat) -> None:
    appointment_id = await book(chat)
    await chat.say("vorrei disdire il mio appuntamento")
    assert "Vuoi davvero disdire Taglio di martedì 24 novembre alle 11:00?" in chat.text
    await chat.press("Sì, disdici")
    assert "ho disdetto Taglio" in chat.text and "Salta" in chat.labels()
    assert chat.world.appointments[appointment_id].status == "cancelled"
    await chat.say("ho la febbre")
    assert "ne terremo conto" in chat.text
    history = await chat.store.booking_history(appointment_id)
    assert history[-1].kind == "cancelled" and history[-1].details["reason"] == "ho la febbre"
    assert await chat.store.due_messages(datetime(2027, 1, 1, tzinfo=UTC)) == []
    await chat.say("sì")
    assert "già confermata" not in chat.text  # the cancelled booking is not "already booked"


async def test_cancel_can_be_called_off(chat: Chat) -> None:
    appointment_id = await book(chat)
    await chat.command("cancel")
    await chat.press("No, lo tengo")
    assert "resta com'è" in chat.text
    assert chat.world.appointments[appointment_id].status == "confirmed"


async def test_my_appointments_shows_only_this_chats_bookings(harness: Harness) -> None:
    mine = harness.chat()
    await book(mine)
    other = harness.chat(chat_id=3003, first_name="Eva", last_name="Neri")
    await other.command("appointments")
    assert "Non vedo appuntamenti" in other.text
    await mine.press("I miei appuntamenti")
    assert "1. Taglio, martedì 24 novembre alle 11:00" in mine.text
    assert {"Sposta n. 1", "Disdici n. 1"} <= set(mine.labels())


async def test_reminder_comes_with_move_and_cancel_buttons(chat: Chat) -> None:
    await book(chat, "un taglio mercoledì alle 11")
    chat.clock.set(datetime(2026, 11, 24, 10, 5, tzinfo=UTC))  # a day before, minus a bit
    replies = await chat.due()
    assert "Ti ricordo il tuo appuntamento: Taglio, mercoledì 25 novembre alle 11:00" in (
        replies[0].text
    )
    await chat.press("Disdici")
    assert "Vuoi davvero disdire" in chat.text


async def test_language_switch_by_text_and_button(chat: Chat) -> None:
    await chat.say("in inglese please")
    assert "I'll write in English" in chat.text
    await chat.say("tomorrow at 11")
    assert "Which service would you like?" in chat.text
    await chat.command("language")
    await chat.press("Italiano")
    assert "da ora ti scrivo in italiano" in chat.text
    assert "Per quale servizio?" in chat.text


async def test_anything_unexpected_gets_an_answer_and_the_same_question(chat: Chat) -> None:
    await chat.say("un taglio domani alle 11")
    await chat.say("123")
    assert "numeri" in chat.text and "A che nome prenoto?" in chat.text
    await chat.press("Mario Rossi")
    await chat.say("non lo so")
    assert "e-mail" in chat.text
    await chat.say("aiuto")
    assert "Ecco cosa posso fare" in chat.text and "Continuiamo" in chat.labels()
    await chat.press("Continuiamo")
    assert "Qual è la tua e-mail?" in chat.text
    await chat.command("boh")
    assert "Non conosco questo comando" in chat.text


async def test_annulla_during_a_booking_drops_it_and_releases_the_hold(chat: Chat) -> None:
    await chat.say("un taglio domani alle 11")
    [hold] = chat.world.holds.values()
    await chat.say("annulla")
    assert hold.released and "lasciamo perdere" in chat.text
    assert "I miei appuntamenti" in chat.labels()


async def test_thanks_and_greetings_mid_flow_get_a_kind_answer_and_the_question(chat: Chat) -> None:
    await chat.say("un taglio giovedì")
    await chat.say("grazie")
    assert "Figurati!" in chat.text and "Quale orario preferisci?" in chat.text
    await chat.say("ciao")
    assert "Eravamo rimasti qui" in chat.text and "9:00" in chat.labels()


async def test_moving_by_an_amount_shifts_the_appointment_on_its_day(chat: Chat) -> None:
    """ "Mezz'ora più tardi" / "an hour earlier" about a booking moves it by that much."""
    appointment_id = await book(chat)
    await chat.say("riesci a spostarlo mezz'ora più tardi?")
    assert "Sposto Taglio da martedì 24 novembre alle 11:00 a martedì 24 novembre alle 11:30?" in (
        chat.text
    )
    await chat.press("Sì, spostalo")
    eleven_thirty = datetime(2026, 11, 24, 10, 30, tzinfo=UTC)
    assert chat.world.appointments[appointment_id].start == eleven_thirty


async def test_moving_earlier_by_an_amount_in_english(harness: Harness) -> None:
    chat = harness.chat(language="en", first_name="Emma", last_name="Clarke")
    await chat.say("a taglio tomorrow at 11")
    await chat.press("Emma Clarke")
    await chat.say("emma@example.org")
    await chat.press("Confirm")
    await chat.say("could u bring it forward by 2 hours")
    assert "24 November at 9:00" in chat.text
    assert len(chat.world.appointments) == 1


async def test_a_shift_with_nothing_on_screen_is_about_the_booking(chat: Chat) -> None:
    """ "Si può fare un'ora prima?" from the menu, with one booking: move it an hour earlier."""
    await book(chat)
    await chat.say("si puo fare un'oretta prima?")
    assert "a martedì 24 novembre alle 10:00?" in chat.text
    assert len(chat.world.appointments) == 1


async def test_the_same_day_from_the_menu_is_the_appointments_day(chat: Chat) -> None:
    """ "Stesso giorno ma verso sera?" with one booking: a move on the booking's own day."""
    await book(chat, "un taglio giovedì alle 10")
    await chat.say("stesso giorno ma verso sera?")
    assert "giovedì 26 novembre" in chat.text
    assert len(chat.world.appointments) == 1
