"""Reminders that ask (issue 13, item 1): "Ci sei?" with Confermo / Sposta / Disdici, a typed
answer to it, one "attending" event however often it is confirmed, two reminders (24 h and 2 h),
and never a reminder for an appointment cancelled or moved meanwhile."""

from __future__ import annotations

from datetime import UTC, datetime

from engine_chat import ROME, Chat, Harness

WEDNESDAY_11 = datetime(2026, 11, 25, 11, 0, tzinfo=ROME)
DAY_BEFORE = datetime(2026, 11, 24, 10, 5, tzinfo=UTC)  # Tuesday 11:05 in Rome
TWO_HOURS_BEFORE = datetime(2026, 11, 25, 9, 5, tzinfo=ROME)


async def book_wednesday(chat: Chat, *, english: bool = False) -> str:
    if english:
        for text in ("a haircut wednesday at 11", "Mario Rossi", "mario@example.com", "yes"):
            await chat.say(text)
    else:
        for text in ("un taglio mercoledì alle 11", "Mario Rossi", "mario@example.com", "sì"):
            await chat.say(text)
    [entry] = await chat.store.bookings_for_chat(chat.customer.chat_id)
    assert entry.start == WEDNESDAY_11
    return entry.appointment_id


async def kinds(chat: Chat, appointment_id: str) -> list[str]:
    return [e.kind for e in await chat.store.booking_history(appointment_id)]


async def test_the_reminder_asks_and_confirmo_is_recorded_once(chat: Chat) -> None:
    appointment_id = await book_wednesday(chat)
    chat.clock.set(DAY_BEFORE)
    [reminder] = await chat.due()
    assert reminder.text == (
        "Ti ricordo il tuo appuntamento: Taglio, mercoledì 25 novembre alle 11:00. Ci sei?"
    )
    assert [[b.label for b in row] for row in reminder.buttons] == [
        ["Confermo"],
        ["Sposta", "Disdici"],
    ]
    confirm = chat.action("Confermo")

    [thanks] = await chat.press_action(confirm)
    assert thanks.text.startswith("Grazie della conferma!")
    [again] = await chat.press_action(confirm)  # a double tap
    assert again.text == "Mi hai già confermato: ti aspettiamo mercoledì 25 novembre alle 11:00."
    [typed] = await chat.say("confermo")  # and typed after the tap: still once
    assert "Per prenotare" not in typed.text
    assert (await kinds(chat, appointment_id)).count("attending") == 1
    assert (await kinds(chat, appointment_id)).count("reminded") == 1


async def test_confermo_still_acts_under_a_newer_keyboard(chat: Chat) -> None:
    appointment_id = await book_wednesday(chat)
    chat.clock.set(DAY_BEFORE)
    await chat.due()
    confirm = chat.action("Confermo")
    await chat.say("che orari fate?")  # something else in between
    await chat.command("appointments")
    [thanks] = await chat.press_action(confirm)
    assert thanks.text.startswith("Grazie della conferma!")
    assert "attending" in await kinds(chat, appointment_id)


async def test_si_ci_sono_typed_confirms(chat: Chat) -> None:
    appointment_id = await book_wednesday(chat)
    chat.clock.set(DAY_BEFORE)
    await chat.due()
    [thanks] = await chat.say("sì ci sono")
    assert thanks.text.startswith("Grazie della conferma!")
    assert "attending" in await kinds(chat, appointment_id)


async def test_yes_ill_be_there_typed_confirms(harness: Harness) -> None:
    chat = harness.chat(language="en")
    appointment_id = await book_wednesday(chat, english=True)
    chat.clock.set(DAY_BEFORE)
    [reminder] = await chat.due()
    assert reminder.text.endswith("Will you be there?")
    [thanks] = await chat.say("yes I'll be there")
    assert thanks.text.startswith("Thanks for confirming!")
    assert "attending" in await kinds(chat, appointment_id)


async def test_spostalo_typed_moves_the_reminded_appointment(chat: Chat) -> None:
    appointment_id = await book_wednesday(chat)
    chat.clock.set(DAY_BEFORE)
    await chat.due()
    await chat.say("spostalo")
    assert "Quando" in chat.text or "quando" in chat.text
    await chat.say("giovedì alle 15")
    await chat.press("Sì, spostalo")
    assert harness_start(chat, appointment_id) == datetime(2026, 11, 26, 14, 0, tzinfo=UTC)
    assert "attending" not in await kinds(chat, appointment_id)


def harness_start(chat: Chat, appointment_id: str) -> datetime:
    return chat.world.appointments[appointment_id].start


async def test_cancel_it_typed_cancels_the_reminded_appointment(harness: Harness) -> None:
    chat = harness.chat(language="en")
    appointment_id = await book_wednesday(chat, english=True)
    chat.clock.set(DAY_BEFORE)
    await chat.due()
    await chat.say("cancel it")
    await chat.press("Yes, cancel it")
    assert chat.world.appointments[appointment_id].status == "cancelled"


async def test_no_i_cant_offers_move_and_cancel(chat: Chat) -> None:
    await book_wednesday(chat)
    chat.clock.set(DAY_BEFORE)
    await chat.due()
    [answer] = await chat.say("no, non ci sono")
    assert answer.text == "Nessun problema: puoi spostarlo a un altro orario o disdirlo."
    assert chat.labels() == ["Sposta", "Disdici"]


async def test_two_reminders_the_second_without_asking_once_confirmed(harness: Harness) -> None:
    chat = harness.chat(engine=harness.engine(reminder_hours=(24.0, 2.0)))
    appointment_id = await book_wednesday(chat)
    chat.clock.set(DAY_BEFORE)
    [_first] = await chat.due()
    await chat.press("Confermo")
    chat.clock.set(TWO_HOURS_BEFORE)
    [second] = await chat.due()
    assert second.text.startswith("A presto: Taglio, mercoledì 25 novembre alle 11:00.")
    assert [b.label for row in second.buttons for b in row] == ["Sposta", "Disdici"]
    assert (await kinds(chat, appointment_id)).count("reminded") == 1


async def test_two_reminders_follow_a_move_and_stop_at_a_cancel(harness: Harness) -> None:
    chat = harness.chat(engine=harness.engine(reminder_hours=(24.0, 2.0)))
    appointment_id = await book_wednesday(chat)
    await chat.say("spostalo a giovedì alle 15")
    await chat.press("Sì, spostalo")
    chat.clock.set(DAY_BEFORE)
    assert await chat.due() == []  # the old times: both followed the move
    chat.clock.set(datetime(2026, 11, 25, 15, 5, tzinfo=ROME))
    [day_before] = await chat.due()
    assert "giovedì 26 novembre alle 15:00" in day_before.text
    await chat.say("disdici")
    await chat.press("Sì, disdici")
    chat.clock.set(datetime(2026, 11, 26, 13, 5, tzinfo=ROME))
    assert await chat.due() == []
    assert "attending" not in await kinds(chat, appointment_id)


async def test_a_move_at_zimun_before_the_second_reminder_is_said(harness: Harness) -> None:
    chat = harness.chat(engine=harness.engine(reminder_hours=(24.0, 2.0)))
    appointment_id = await book_wednesday(chat)
    chat.clock.set(DAY_BEFORE)
    await chat.due()
    chat.world.cancel(appointment_id)  # cancelled at Zimun's own page in between
    chat.clock.set(TWO_HOURS_BEFORE)
    assert await chat.due() == []
    entry = await chat.store.find_booking(appointment_id)
    assert entry is not None and entry.status == "cancelled"
