"""Messages read against what is on screen (issue 9, items 1, 2, 4, 11), through the engine and
the sandbox: which time is held, which is only offered, and what happens to the hold."""

from __future__ import annotations

from datetime import time

from tests.conversation.engine_chat import ROME, Chat, Harness


async def test_a_number_inside_a_sentence_is_a_date_and_never_holds(chat: Chat) -> None:
    await chat.say("un taglio venerdì")
    await chat.say("no, il 2")
    assert not chat.world.holds
    assert "mercoledì 2 dicembre" in chat.text
    await chat.say("2")
    [hold] = chat.world.holds.values()
    assert "Ti tengo da parte mercoledì 2 dicembre alle 9:30" in chat.text
    assert hold.start.astimezone(ROME).time() == time(9, 30)


async def test_a_time_in_a_message_that_says_no_is_offered_not_held(chat: Chat) -> None:
    await chat.say("un taglio venerdì")
    await chat.say("no, alle 10")
    assert not chat.world.holds
    assert "10:00" in chat.labels()


async def test_a_day_part_applies_to_the_day_on_screen(chat: Chat) -> None:
    await chat.say("un taglio venerdì")
    await chat.say("nel pomeriggio")
    assert "venerdì 27 novembre tra le 12:00 e le 18:00" in chat.text
    await chat.say("alle 15")
    assert "Ti tengo da parte venerdì 27 novembre alle 15:00" in chat.text


async def test_same_time_after_a_hold_keeps_the_held_time(harness: Harness) -> None:
    chat = harness.chat(language="en", first_name="Emma", last_name="Clarke")
    await chat.say("a taglio tomorrow at 11")
    [first] = chat.world.holds.values()
    await chat.say("same time on friday")
    assert first.released
    assert "I'm keeping Friday 27 November at 11:00" in chat.text


async def test_a_date_only_correction_at_the_name_step_releases_the_hold(chat: Chat) -> None:
    await chat.say("un taglio domani alle 11")
    [first] = chat.world.holds.values()
    await chat.say("ah no scusa, giovedì")
    assert first.released
    assert chat.text.startswith("Va bene, lascio libero martedì 24 novembre alle 11:00")
    assert "giovedì 26 novembre" in chat.text


async def test_a_two_word_name_with_a_date_word_stays_a_name(chat: Chat) -> None:
    await chat.say("un taglio domani alle 11")
    await chat.say("Domenica Rossi")
    [hold] = chat.world.holds.values()
    assert not hold.released
    assert "e-mail" in chat.text


async def test_moving_with_no_appointment_offers_to_book_that_day(chat: Chat) -> None:
    await chat.say("me lo sposti a giovedì?")
    assert "da spostare" in chat.text
    await chat.press("Prenota Gio 26 nov")
    await chat.press("Taglio · 30 min · 25\u00a0€")
    assert "giovedì 26 novembre" in chat.text


async def test_cancel_and_move_with_no_appointment_say_different_things(chat: Chat) -> None:
    await chat.say("sposta il mio appuntamento")
    moved = chat.text
    await chat.say("disdici il mio appuntamento")
    cancelled = chat.text
    await chat.say("ho prenotato qualcosa?")
    assert len({moved, cancelled, chat.text}) == 3


async def test_with_only_days_on_screen_an_ordinal_picks_a_day(chat: Chat) -> None:
    await chat.say("un taglio il 3 dicembre")
    assert "chiusi" in chat.text
    days = [label for label in chat.labels() if label[:3] in ("Ven", "Sab", "Lun")]
    await chat.say("ok la seconda")
    assert not chat.world.holds
    assert "Ecco gli orari liberi per" in chat.text
    assert days[1].split()[1] in chat.text


async def test_a_change_request_with_an_appointment_is_a_move_a_polite_question_is_not(
    harness: Harness,
) -> None:
    chat = harness.chat(language="en", first_name="Emma", last_name="Clarke")
    await chat.say("a taglio tomorrow at 11")
    await chat.press("Emma Clarke")
    await chat.say("emma@example.org")
    await chat.press("Confirm")
    await chat.say("sorry, is friday at 10 free?")
    assert "Shall I move" not in chat.text
    await chat.say("never mind")
    await chat.say("can we do thursday same time instead")
    assert (
        "Shall I move Taglio from Tuesday 24 November at 11:00 to Thursday 26 November at 11:00?"
        in chat.text
    )


async def test_a_new_day_at_the_summary_is_never_a_name(harness: Harness) -> None:
    """ "Actually make it saturday" at the summary moves the booking to Saturday."""
    chat = harness.chat(language="en", first_name="Emma", last_name="Clarke")
    await chat.say("a taglio tomorrow at 11")
    await chat.press("Emma Clarke")
    await chat.say("emma@example.org")
    await chat.say("hmm actually make it saturday")
    assert "Saturday 28 November" in chat.text
    assert "name is now" not in chat.text
    assert not chat.world.appointments


async def test_asking_for_other_times_turns_the_page_of_the_day_on_screen(chat: Chat) -> None:
    await chat.say("un taglio venerdì")
    assert "9:00" in chat.labels()
    await chat.say("ne avete altri?")
    assert not chat.world.holds
    assert "9:00" not in chat.labels()
    assert "14:00" in chat.labels()


async def test_a_shift_by_days_moves_the_held_time_to_another_day(harness: Harness) -> None:
    chat = harness.chat(language="en", first_name="Emma", last_name="Clarke")
    await chat.say("a taglio tomorrow at 11")
    await chat.say("could we push it a day later")
    assert "Wednesday 25 November at 11:00" in chat.text
