"""A time held from a list, put right at the name, e-mail or summary step (dev12 round): "no, the
second one", "quella dopo", "not that one, the 11:30" hold another time of that list; and a typed
yes to "would you like to book Friday instead?" acts as its button."""

from __future__ import annotations

from datetime import time

from tests.conversation.engine_chat import ROME, Chat, Harness


def _held(chat: Chat) -> list[time]:
    return [h.start.astimezone(ROME).time() for h in chat.world.holds.values() if not h.released]


async def test_an_ordinal_after_no_holds_that_time_of_the_list(chat: Chat) -> None:
    await chat.say("un taglio venerdì")
    await chat.press("9:00")
    await chat.say("nono, prendo la terza")
    assert _held(chat) == [time(10, 0)]
    assert chat.text.startswith("Va bene, lascio libero venerdì 27 novembre alle 9:00")


async def test_the_next_and_the_previous_time_of_the_list(harness: Harness) -> None:
    chat = harness.chat(language="en", first_name="Emma", last_name="Clarke")
    await chat.say("a taglio on friday")
    await chat.press("10:30")
    await chat.press("Emma Clarke")
    await chat.say("hmm the one after please")
    assert _held(chat) == [time(11, 0)]
    await chat.say("actually the previous one")
    assert _held(chat) == [time(10, 30)]
    assert "e-mail" in chat.text  # the name stays; the e-mail is still asked


async def test_a_listed_time_after_not_that_one_is_taken(chat: Chat) -> None:
    await chat.say("un taglio venerdì")
    await chat.press("9:30")
    await chat.say("no aspetta, meglio le 11")
    assert _held(chat) == [time(11, 0)]


async def test_a_time_refused_or_not_listed_is_not_taken(chat: Chat) -> None:
    await chat.say("un taglio venerdì")
    await chat.press("9:30")
    await chat.say("no alle 4")
    assert _held(chat) == []
    assert "16:00" in chat.labels()


async def test_a_typed_time_has_no_list_to_pick_from(chat: Chat) -> None:
    await chat.say("un taglio domani alle 11")
    await chat.say("no la seconda")
    assert "No La Seconda" not in chat.text
    assert chat.text.startswith("Va bene, lascio libero martedì 24 novembre alle 11:00")
    await chat.say("quella dopo")  # nothing held now: the times after, on screen
    assert _held(chat) == []


async def test_a_time_typed_for_another_day_does_not_pick_from_the_list_on_screen(
    chat: Chat,
) -> None:
    await chat.say("un taglio mercoledì")  # Wednesday's times on screen
    await chat.say("venerdì alle 10")  # held straight away, not from Wednesday's list
    await chat.say("no, la seconda")
    assert _held(chat) == []  # never Wednesday's second time
    assert chat.text.startswith("Va bene, lascio libero venerdì 27 novembre alle 10:00")


async def test_a_typed_yes_books_the_day_offered_instead_of_a_move(harness: Harness) -> None:
    chat = harness.chat(language="en", first_name="Emma", last_name="Clarke")
    await chat.say("could you shift my appt to saturday")
    await chat.say("yes please")
    assert "Which service" in chat.text
    await chat.say("colour")
    assert "Saturday 28 November" in chat.text


async def test_a_thank_you_does_not_take_the_day_offered(chat: Chat) -> None:
    await chat.say("spostami a sabato")
    await chat.say("ok grazie")
    assert "servizio" not in chat.text


async def test_a_question_about_parking_in_a_booking_is_only_answered(chat: Chat) -> None:
    await chat.say("un taglio domani alle 11")
    await chat.say("sono io")
    await chat.say("mario.rossi@example.com")
    await chat.say("ma c'è posto per l'auto lì vicino?")
    assert "non ho capito" not in chat.text
    assert "Confermo?" in chat.text
    assert _held(chat) == [time(11, 0)]


async def test_the_last_but_one_is_picked_on_screen_and_after_a_hold(harness: Harness) -> None:
    chat = harness.chat(language="en", first_name="Emma", last_name="Clarke")
    await chat.say("a taglio on friday")
    await chat.say("the penultimate one")
    assert _held(chat) == [time(11, 0)]
    await chat.say("no sorry, 9:30 not 11")
    assert _held(chat) == [time(9, 30)]


async def test_with_a_typed_time_an_ordinal_shows_the_days_times(harness: Harness) -> None:
    chat = harness.chat(language="en", first_name="Emma", last_name="Clarke")
    await chat.say("a taglio on wednesday at 3pm")
    await chat.say("nope the third one")
    assert _held(chat) == []
    assert "Wednesday 25 November" in chat.text
    assert "9:00" in chat.labels()
    await chat.say("3")
    assert _held(chat) == [time(10, 0)]


async def test_a_bare_hour_in_a_correction_with_a_time_held(chat: Chat) -> None:
    await chat.say("un taglio venerdì")
    await chat.press("10:00")
    await chat.say("ops volevo dire le 11")
    assert _held(chat) == [time(11, 0)]
