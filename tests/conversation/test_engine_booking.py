"""Booking conversations end to end: real engine, ZimunClient, sandbox World and SQLite store."""

from __future__ import annotations

from datetime import UTC, datetime

from engine_chat import Chat, Harness
from icalendar import Calendar

from bot.conversation import Engine

TUESDAY_11 = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)  # 11:00 in Rome


def confirmed(chat: Chat) -> list[object]:
    return [a for a in chat.world.appointments.values() if a.status == "confirmed"]


async def test_typed_booking_in_italian_from_a_greeting_that_says_when(chat: Chat) -> None:
    replies = await chat.say("ciao, vorrei prenotare un taglio domani alle 11")
    assert "Ti tengo da parte martedì 24 novembre alle 11:00: hai tempo fino alle 9:25" in chat.text
    assert "A che nome prenoto?" in replies[-1].text
    assert "Mario Rossi" in chat.labels()  # the profile name as a one-tap choice

    await chat.say("Mario Rossi")
    assert "e-mail" in chat.text
    await chat.say("mario.rossi@example.com")
    for part in ("Taglio (30 minuti)", "martedì 24 novembre alle 11:00", "Mario Rossi"):
        assert part in chat.text
    assert "mario.rossi@example.com" in chat.text

    replies = await chat.say("sì")
    [appointment] = confirmed(chat)
    assert appointment.start == TUESDAY_11
    assert appointment.contact_name == "Mario Rossi"
    assert appointment.booking_code in chat.text
    assert "Ti arriverà anche un'e-mail di conferma" in chat.text
    [ics] = replies[-1].attachments
    assert ics.mime_type == "text/calendar"
    event = Calendar.from_ical(ics.content).walk("VEVENT")[0]
    assert str(event["UID"]) == appointment.id
    assert event.decoded("DTSTART") == TUESDAY_11
    entry = await chat.store.find_booking(appointment.id)
    assert entry is not None and entry.chat_id == chat.customer.chat_id


async def test_pressed_booking_in_english(harness: Harness) -> None:
    chat = harness.chat(language="en-GB")
    await chat.command("start")
    assert chat.text.startswith("Hi Mario!")
    await chat.press("Book")
    await chat.press("Taglio e piega · 60 min · €45")
    assert "When would you like to come?" in chat.text
    await chat.press("Tue 24 Nov")
    assert "Here are the free times on Tuesday 24 November" in chat.text
    await chat.press("9:00")
    kept = "I'm keeping Tuesday 24 November at 9:00 for you: you have until 9:25 to confirm."
    assert kept in chat.text
    await chat.press("Mario Rossi")
    await chat.say("mario@gmial.com")
    assert "Did you mean mario@gmail.com?" in chat.text
    await chat.press("mario@gmail.com")
    assert "Tuesday 24 November at 9:00" in chat.text and "60 minutes" in chat.text
    await chat.press("Confirm")
    assert "Booking code" in chat.text
    [appointment] = confirmed(chat)
    assert appointment.contact_email == "mario@gmail.com"
    assert appointment.duration_minutes == 60


async def test_closed_days_and_holidays_are_named_with_a_way_on(chat: Chat) -> None:
    await chat.say("vorrei un colore l'8 dicembre")
    assert "Martedì 8 dicembre siamo chiusi: Immacolata Concezione." in chat.text
    assert "Mer 9 dic" in chat.labels()
    await chat.say("giovedì 3 dicembre")
    assert "Giovedì 3 dicembre siamo chiusi: Formazione del personale." in chat.text
    await chat.press("Ven 4 dic")
    assert "Ecco gli orari liberi per venerdì 4 dicembre" in chat.text
    assert "9:00" in chat.labels()


async def test_past_and_beyond_the_horizon_get_an_answer_and_a_next_step(chat: Chat) -> None:
    await chat.say("un taglio il 20 marzo")
    assert "Posso prenotare al massimo 60 giorni in anticipo" in chat.text
    assert len(chat.labels()) > 1
    await chat.say("domani")
    assert "martedì 24 novembre" in chat.text


async def test_a_slot_taken_between_offer_and_pick_leads_to_alternatives(harness: Harness) -> None:
    chat = harness.chat()
    await chat.say("un taglio domani verso le 10")
    assert "10:00" in chat.labels()
    other = harness.client()  # another booking channel takes 10:00 with both staff
    start = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
    await other.hold("s_taglio", start, 30, idempotency_key="other-1")
    await other.hold("s_taglio", start, 30, idempotency_key="other-2")
    await other.aclose()
    await chat.press("10:00")
    assert "appena stato preso" in chat.text
    assert "10:00" not in chat.labels() and "9:30" in chat.labels()
    await chat.press("9:30")
    assert "Ti tengo da parte martedì 24 novembre alle 9:30" in chat.text


async def test_an_expired_hold_is_held_again_at_confirm(chat: Chat) -> None:
    await chat.say("un taglio domani alle 11")
    await chat.press("Mario Rossi")
    await chat.say("mario@example.com")
    chat.advance(minutes=8)
    warning = await chat.due()
    assert "ancora per due minuti" in warning[0].text
    assert "Conferma adesso" in chat.labels()
    chat.advance(minutes=3)
    expired = await chat.due()
    assert "Il tempo è scaduto" in expired[0].text
    assert "Tienimelo ancora" in chat.labels()
    await chat.press("Tienimelo ancora")
    assert "Ti tengo da parte martedì 24 novembre alle 11:00: hai tempo fino alle 9:36" in chat.text
    await chat.press("Conferma")
    assert len(confirmed(chat)) == 1


async def test_confirming_after_expiry_re_holds_without_being_asked(chat: Chat) -> None:
    await chat.say("un taglio domani alle 11")
    await chat.press("Mario Rossi")
    await chat.say("mario@example.com")
    chat.advance(minutes=15)
    await chat.say("confermo")
    [appointment] = confirmed(chat)
    assert appointment.start == TUESDAY_11


async def test_a_restart_mid_booking_resumes_where_the_customer_was(harness: Harness) -> None:
    chat = harness.chat()
    await chat.say("un taglio domani alle 11")
    await chat.press("Mario Rossi")
    restarted = harness.chat(engine=harness.engine())  # a new Engine on the same store
    await restarted.say("mario@example.com")
    assert "Ecco la tua prenotazione" in restarted.text
    await restarted.press("Conferma")
    assert len(confirmed(restarted)) == 1


async def test_a_repeated_confirm_books_once_and_says_so(chat: Chat) -> None:
    await chat.say("un taglio domani alle 11")
    await chat.press("Mario Rossi")
    await chat.say("mario@example.com")
    confirm = chat.action("Conferma")
    await chat.press_action(confirm)
    [appointment] = confirmed(chat)
    await chat.press_action(confirm)
    assert "già confermata" in chat.text and appointment.booking_code in chat.text
    await chat.say("sì")
    assert "già confermata" in chat.text
    assert len(chat.world.appointments) == 1


async def test_stop_releases_the_hold(chat: Chat) -> None:
    await chat.say("un taglio domani alle 11")
    [hold] = chat.world.holds.values()
    await chat.say("lascia perdere")
    assert hold.released
    assert "lasciamo perdere" in chat.text
    assert "Prenota" in chat.labels()
    assert await chat.store.due_messages(datetime(2027, 1, 1, tzinfo=UTC)) == []


async def test_zimun_down_gets_a_friendly_retry_and_loses_nothing(chat: Chat) -> None:
    await chat.say("un taglio domani verso le 10")
    chat.world.set_faults(error_rate=1.0)
    await chat.press("10:00")
    assert "non risponde" in chat.text
    assert "Riprova" in chat.labels()
    chat.world.clear_faults()
    await chat.press("Riprova")
    assert "Ti tengo da parte martedì 24 novembre alle 10:00" in chat.text
    assert len(chat.world.holds) == 1


async def test_stale_forged_and_foreign_buttons_are_refused_with_a_fresh_menu(
    harness: Harness,
) -> None:
    chat = harness.chat()
    await chat.say("un taglio domani verso le 10")
    stale = chat.action("10:00")
    await chat.press("9:30")
    await chat.press_action(stale)
    assert "non è più attivo" in chat.text and "Prenota" in chat.labels()
    await chat.press_action("999|slot|20261124T0900")
    assert "non è più attivo" in chat.text
    await chat.press_action("not an action")
    assert "non è più attivo" in chat.text

    await chat.press("Continuiamo")  # back to the step the customer was at
    await chat.press("Mario Rossi")
    await chat.say("mario@example.com")
    await chat.press("Conferma")
    [appointment] = confirmed(chat)
    await chat.press("I miei appuntamenti")
    cancel = chat.action("Disdici n. 1")
    stranger = harness.chat(chat_id=2002, first_name="Eva", last_name="Neri")
    await stranger.command("start")
    forged = cancel.replace(cancel.split("|")[0], "0", 1)
    await stranger.press_action(forged)
    assert "non è più attivo" in stranger.text
    assert appointment.status == "confirmed"


async def test_engine_refuses_an_unknown_default_language(harness: Harness) -> None:
    try:
        harness.engine(default_language="fr")
    except ValueError:
        return
    raise AssertionError("expected ValueError")


def test_public_api_is_importable() -> None:
    assert Engine.handle and Engine.scheduled


async def test_a_lost_save_after_confirm_still_books_once(chat: Chat) -> None:
    """Zimun answered but the bot died before saving: the same event replays, never rebooks."""
    await chat.say("un taglio domani alle 11")
    await chat.press("Mario Rossi")
    await chat.say("mario@example.com")
    before = await chat.store.load_session(chat.customer.chat_id)
    confirm = chat.action("Conferma")
    await chat.press_action(confirm)
    [first] = confirmed(chat)
    assert before is not None
    await chat.store.save_session(chat.customer.chat_id, before)  # as if never saved
    await chat.press_action(confirm)
    assert first.booking_code in chat.text
    assert len(chat.world.appointments) == 1


async def test_a_repeated_pick_holds_once(chat: Chat) -> None:
    await chat.say("un taglio domani verso le 10")
    before = await chat.store.load_session(chat.customer.chat_id)
    pick = chat.action("10:00")
    await chat.press_action(pick)
    assert before is not None
    await chat.store.save_session(chat.customer.chat_id, before)
    await chat.press_action(pick)
    assert "Ti tengo da parte martedì 24 novembre alle 10:00" in chat.text
    assert len(chat.world.holds) == 1


async def test_a_bot_restricted_to_one_service_never_asks_which(harness: Harness) -> None:
    chat = harness.chat(engine=harness.engine(service_id="s_colore"))
    await chat.say("vorrei prenotare domani alle 11")
    assert "Per quale servizio?" not in chat.text
    assert "Ti tengo da parte martedì 24 novembre alle 11:00" in chat.text
    [hold] = chat.world.holds.values()
    assert hold.service_id == "s_colore"


async def test_a_new_time_typed_instead_of_a_name_changes_the_time(chat: Chat) -> None:
    await chat.say("un taglio domani alle 11")
    [first] = chat.world.holds.values()
    await chat.say("anzi, mercoledì alle 12")
    assert first.released
    assert "Ti tengo da parte mercoledì 25 novembre alle 12:00" in chat.text
