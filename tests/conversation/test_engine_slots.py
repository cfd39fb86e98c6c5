"""Choosing among offered times, hold races, rate limits, double taps and staff-side changes."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from engine_chat import Chat, Harness

from bot.conversation import Press


async def test_long_lists_are_paged(chat: Chat) -> None:
    await chat.say("un taglio giovedì")
    first_page = chat.labels()
    assert "Altri orari" in first_page and "9:00" in first_page
    await chat.press("Altri orari")
    assert "9:00" not in chat.labels() and "12:00" in chat.labels()


async def test_earlier_later_and_ordinals_work_on_what_was_offered(chat: Chat) -> None:
    await chat.say("un taglio domani verso le 11")
    assert chat.labels()[:4] == ["11:00", "10:30", "11:30", "10:00"]
    await chat.say("più tardi")
    assert chat.labels()[0] == "12:00"
    await chat.say("il secondo")
    assert "Ti tengo da parte martedì 24 novembre alle 12:30" in chat.text


async def test_a_window_offers_only_times_inside_it(chat: Chat) -> None:
    await chat.say("un taglio venerdì tra le 15 e le 17")
    times = [label for label in chat.labels() if ":" in label]
    assert times == ["15:00", "15:30", "16:00", "16:30"]


async def test_expired_hold_whose_time_was_taken_offers_alternatives(harness: Harness) -> None:
    chat = harness.chat()
    await chat.say("un taglio domani alle 11")
    await chat.press("Mario Rossi")
    await chat.say("mario@example.com")
    harness.clock.advance(timedelta(minutes=11))
    other = harness.client()
    start = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)
    await other.hold("s_taglio", start, 30, idempotency_key="x-1")
    await other.hold("s_taglio", start, 30, idempotency_key="x-2")
    await other.aclose()
    await chat.press("Conferma")
    assert "qualcun altro l'ha preso" in chat.text
    assert "11:00" not in chat.labels() and "11:30" in chat.labels()
    await chat.press("11:30")
    assert "Ecco la tua prenotazione" in chat.text  # name and e-mail are kept
    await chat.press("Conferma")
    assert [a.start.hour for a in chat.world.appointments.values()] == [10]  # 11:30 Rome


async def test_rate_limited_zimun_gets_the_same_friendly_retry(chat: Chat) -> None:
    chat.world.set_faults(rate_limit={"count": 5, "retry_after": 1})
    await chat.say("vorrei un taglio domani alle 11")
    assert "non risponde" in chat.text and "Riprova" in chat.labels()
    chat.world.clear_faults()
    await chat.press("Riprova")
    assert "Ti tengo da parte martedì 24 novembre alle 11:00" in chat.text


async def test_a_double_tap_on_confirm_books_once(chat: Chat) -> None:
    await chat.say("un taglio domani alle 11")
    await chat.press("Mario Rossi")
    await chat.say("mario@example.com")
    confirm = Press(chat.action("Conferma"))
    first, second = await asyncio.gather(
        chat.engine.handle(chat.customer, confirm), chat.engine.handle(chat.customer, confirm)
    )
    assert "Codice prenotazione" in first[0].text
    assert "già confermata" in second[0].text
    assert len(chat.world.appointments) == 1


async def test_an_appointment_cancelled_by_staff_leaves_my_list(harness: Harness) -> None:
    chat = harness.chat()
    await chat.say("un taglio domani alle 11")
    await chat.press("Mario Rossi")
    await chat.say("mario@example.com")
    await chat.press("Conferma")
    [appointment] = chat.world.appointments.values()
    staff = harness.client()
    await staff.cancel(appointment.id, idempotency_key="staff-cancel")
    await staff.aclose()
    await chat.say("i miei appuntamenti")
    assert "Non vedo appuntamenti" in chat.text
    history = await chat.store.booking_history(appointment.id)
    assert history[-1].details["by"] == "staff"


async def test_choosing_by_time_and_another_day(chat: Chat) -> None:
    await chat.say("un taglio domani verso le 11")
    await chat.say("quello delle 10:30")
    assert "Ti tengo da parte martedì 24 novembre alle 10:30" in chat.text
    await chat.press("Cambia orario")
    [hold] = chat.world.holds.values()
    assert hold.released
    await chat.say("giovedì")
    await chat.press("Un altro giorno")
    assert "Quando vuoi venire?" in chat.text
    assert "Gio 26 nov" not in chat.labels() and "Ven 27 nov" in chat.labels()


async def test_service_by_ordinal_keeps_the_time_already_said(chat: Chat) -> None:
    await chat.say("vorrei prenotare mercoledì alle 10")
    await chat.say("il secondo")
    assert "Ti tengo da parte mercoledì 25 novembre alle 10:00" in chat.text
    [hold] = chat.world.holds.values()
    assert hold.service_id == "s_piega" and hold.duration_minutes == 60


async def test_as_soon_as_possible_offers_the_first_free_day(chat: Chat) -> None:
    await chat.command("book")
    await chat.press("Taglio · 30 min · 25\u00a0€")
    await chat.say("il prima possibile")
    assert "lunedì 23 novembre" in chat.text
    assert "9:30" in chat.labels()


async def test_typed_booking_in_english(harness: Harness) -> None:
    chat = harness.chat(language="en", first_name="Dana", last_name=None)
    await chat.say("hi, can I book a haircut for next friday afternoon?")  # "haircut": Taglio
    assert "Here are the free times on Friday 27 November" in chat.text
    await chat.say("the first one")
    assert "I'm keeping Friday 27 November at 12:00 for you" in chat.text
    await chat.say("Dana Lee")
    await chat.say("dana@example.com")
    assert "Shall I confirm?" in chat.text
    await chat.say("yes")
    assert "Booking code" in chat.text and "confirmation e-mail" in chat.text
    [appointment] = chat.world.appointments.values()
    assert appointment.contact_name == "Dana Lee"


async def test_start_with_a_service_deep_link_skips_the_service_question(chat: Chat) -> None:
    await chat.command("start", "book_s_colore")
    assert "Quando vuoi venire?" in chat.text
    await chat.press("Mar 24 nov")
    assert "Ecco gli orari liberi per martedì 24 novembre" in chat.text


async def test_confirm_now_from_the_hold_warning_books(chat: Chat) -> None:
    await chat.say("un taglio domani alle 11")
    await chat.press("Mario Rossi")
    await chat.say("mario@example.com")
    chat.advance(minutes=8, seconds=30)
    await chat.due()
    await chat.press("Conferma adesso")
    assert "Codice prenotazione" in chat.text
    assert len(chat.world.appointments) == 1
    chat.advance(minutes=5)
    assert await chat.due() == []  # the expiry notice no longer applies
