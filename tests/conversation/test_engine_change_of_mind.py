"""Changes of mind at every step (issue 9, items 1, 2, 4 and 14; the dev9 round), through the
engine and the sandbox: what is held, what is only offered, and what is never booked."""

from __future__ import annotations

from datetime import datetime, time

import pytest

from tests.conversation.engine_chat import ROME, Chat, Harness


def english(harness: Harness) -> Chat:
    return harness.chat(language="en", first_name="Emma", last_name="Clarke")


async def typed_booking(chat: Chat, english_words: bool, when: str, confirm: bool) -> None:
    """A Taglio booked (or left at the summary) by typing, with the profile name."""
    if english_words:
        name, email, button, done = (
            "Emma Clarke",
            "emma.clarke@example.org",
            "Confirm",
            "Booking code",
        )
    else:
        name, email, button, done = ("Mario Rossi", "mario.rossi@example.com", "Conferma", "Codice")
    await chat.say(when)
    await chat.press(name)
    await chat.say(email)
    if confirm:
        await chat.press(button)
        assert done in chat.text


async def to_summary(chat: Chat, english_words: bool = False) -> None:
    when = "a taglio tomorrow at 11" if english_words else "un taglio domani alle 11"
    await typed_booking(chat, english_words, when, confirm=False)


async def book_thursday_at_10(chat: Chat, english_words: bool = False) -> None:
    when = "a taglio thursday at 10" if english_words else "un taglio giovedì alle 10"
    await typed_booking(chat, english_words, when, confirm=True)


def starts(harness: Harness) -> list[datetime]:
    return sorted(a.start.astimezone(ROME) for a in harness.world.appointments.values())


@pytest.mark.parametrize(
    ("message", "day"),
    [
        (
            "ok great but honestly tuesday wont work, thursday would be better",
            "Thursday 26 November",
        ),
        ("lovely, only thing is tuesday is awkward, friday same time?", "Friday 27 November"),
    ],
)
async def test_another_day_in_kind_words_at_the_summary_never_confirms(
    harness: Harness, message: str, day: str
) -> None:
    chat = english(harness)
    await to_summary(chat, english_words=True)
    await chat.say(message)
    assert not harness.world.appointments
    assert day in chat.text


async def test_a_change_with_a_yes_word_in_italian_never_confirms(
    harness: Harness, chat: Chat
) -> None:
    await to_summary(chat)
    await chat.say("sì però martedì non va bene, facciamo mercoledì")
    assert not harness.world.appointments
    assert "mercoledì 25 novembre" in chat.text


async def test_another_time_at_the_summary_shows_the_held_day(harness: Harness) -> None:
    chat = english(harness)
    await to_summary(chat, english_words=True)
    [hold] = chat.world.holds.values()
    await chat.say("could I have another time please")
    assert hold.released
    assert chat.text.startswith("Sure, I've let Tuesday 24 November at 11:00 go.")
    assert "Tuesday 24 November" in chat.text and "9:00" in chat.labels()
    assert not harness.world.appointments


async def test_another_time_at_the_email_step_in_italian(chat: Chat) -> None:
    await chat.say("un taglio domani alle 11")
    await chat.press("Mario Rossi")
    await chat.say("mi serve un orario diverso")
    assert chat.text.startswith("Va bene, lascio libero martedì 24 novembre alle 11:00.")
    assert "9:00" in chat.labels()


async def test_back_to_the_time_let_go(harness: Harness) -> None:
    chat = english(harness)
    await chat.say("a taglio tomorrow at 11")
    await chat.say("hmm thursday instead")
    assert "Thursday 26 November" in chat.text
    await chat.say("no lets just keep the original booking time")
    assert chat.text.startswith("Sure, back to Tuesday 24 November at 11:00.")
    [hold] = [h for h in chat.world.holds.values() if not h.released]
    assert hold.start.astimezone(ROME) == datetime(2026, 11, 24, 11, 0, tzinfo=ROME)


async def test_back_to_the_time_let_go_in_italian(chat: Chat) -> None:
    await chat.say("un taglio domani alle 11")
    await chat.press("Mario Rossi")
    await chat.say("anzi giovedì")
    await chat.say("no dai torniamo all'orario di prima")
    assert chat.text.startswith("Va bene, torniamo a martedì 24 novembre alle 11:00.")
    assert any(not h.released for h in chat.world.holds.values())


async def test_the_day_after_the_appointment_is_a_move(harness: Harness, chat: Chat) -> None:
    await book_thursday_at_10(chat)
    await chat.say("ripensandoci si potrebbe il giorno successivo?")
    assert "venerdì 27 novembre" in chat.text
    assert len(harness.world.appointments) == 1
    assert starts(harness) == [datetime(2026, 11, 26, 10, 0, tzinfo=ROME)]


async def test_later_the_same_day_after_booking_is_a_move(harness: Harness, chat: Chat) -> None:
    await book_thursday_at_10(chat)
    await chat.say("è possibile più tardi lo stesso giorno?")
    assert "giovedì 26 novembre" in chat.text
    assert "10:00" not in chat.labels()
    assert len(harness.world.appointments) == 1


async def test_one_more_of_the_same_is_a_new_booking(harness: Harness, chat: Chat) -> None:
    await book_thursday_at_10(chat)
    await chat.say("ne vorrei un altro uguale venerdì 4 dicembre")
    assert "venerdì 4 dicembre" in chat.text
    assert len(harness.world.appointments) == 1  # not moved, not booked yet


async def test_a_part_of_the_day_said_first_stays_with_the_day_said_next(chat: Chat) -> None:
    await chat.say("un taglio")
    await chat.say("verso sera se possibile")
    await chat.say("mercoledì")
    assert "mercoledì 25 novembre tra le 18:00" in chat.text


async def test_a_time_said_first_stays_with_each_day_named_alone(harness: Harness) -> None:
    chat = english(harness)
    await chat.say("a taglio")
    await chat.say("around half 5 ideally")
    await chat.say("tuesday")
    assert "17:30" in chat.labels()
    await chat.say("the 3rd of december")  # closed: only days on screen
    await chat.say("friday")
    assert "17:30" in chat.labels() and "9:00" not in chat.labels()
    await chat.say("friday morning")  # a part of the day of its own replaces it
    assert "9:00" in chat.labels()


async def test_a_time_after_a_question_about_a_day_is_that_day(harness: Harness) -> None:
    chat = english(harness)
    await chat.say("a taglio")
    await chat.say("do you open on saturdays?")
    await chat.say("great, 11 then")
    [hold] = chat.world.holds.values()
    assert hold.start.astimezone(ROME) == datetime(2026, 11, 28, 11, 0, tzinfo=ROME)


async def test_another_service_and_a_day_at_the_name_step_are_not_a_name(chat: Chat) -> None:
    await chat.say("un taglio domani alle 11")
    await chat.say("lascia stare il taglio, il colore giovedì")
    assert "Colore" in chat.text and "giovedì 26 novembre" in chat.text
    assert "e-mail" not in chat.text


async def test_a_move_to_the_following_weekday_with_a_reason(harness: Harness, chat: Chat) -> None:
    await book_thursday_at_10(chat)
    await chat.say(
        "giovedì mi è capitato un imprevisto, potete spostarmi l'appuntamento al martedì?"
    )
    assert "martedì 24 novembre" in chat.text
    assert starts(harness) == [datetime(2026, 11, 26, 10, 0, tzinfo=ROME)]


async def test_a_week_later_same_time_from_the_name_step(harness: Harness) -> None:
    chat = english(harness)
    await chat.say("a taglio tomorrow at 11")
    await chat.say("identical but a week later")
    [hold] = [h for h in chat.world.holds.values() if not h.released]
    assert hold.start.astimezone(ROME).time() == time(11, 0)
    assert hold.start.astimezone(ROME).date().isoformat() == "2026-12-01"


async def test_move_it_to_the_day_before_names_no_day_of_its_own(
    harness: Harness, chat: Chat
) -> None:
    await book_thursday_at_10(chat)
    await chat.say("spostamelo al giorno prima")
    assert "mercoledì 25 novembre" in chat.text
    assert starts(harness) == [datetime(2026, 11, 26, 10, 0, tzinfo=ROME)]


async def test_a_refused_day_with_a_booking_word_is_still_a_move(harness: Harness) -> None:
    chat = english(harness)
    await book_thursday_at_10(chat, english_words=True)
    await chat.say("thursday no longer suits, can you book me in friday afternoon instead")
    assert "Friday 27 November" in chat.text
    assert "Which service" not in chat.text
    assert len(harness.world.appointments) == 1


async def test_the_old_service_first_and_the_new_one_after(harness: Harness) -> None:
    chat = english(harness)
    await chat.say("a taglio tomorrow at 11")
    await chat.press("Emma Clarke")
    await chat.say("hold on, rather than the taglio lets do a colour on monday")
    assert "Colore" in chat.text and "Monday 30 November" in chat.text


async def test_later_on_its_own_day_with_a_move_verb(harness: Harness, chat: Chat) -> None:
    await book_thursday_at_10(chat)
    await chat.say("me lo posticipi un po' lo stesso giorno?")
    assert "giovedì 26 novembre" in chat.text
    assert "10:00" not in chat.labels()
    assert starts(harness) == [datetime(2026, 11, 26, 10, 0, tzinfo=ROME)]


@pytest.mark.parametrize(
    ("message", "english_words", "day"),
    [
        (
            "the school concert got put on that very day so can i come friday morning instead",
            True,
            "Friday 27 November",
        ),
        (
            "purtroppo quel giorno c'è il saggio di danza di mia figlia, martedì 1 pomeriggio va?",
            False,
            "martedì 1 dicembre",
        ),
    ],
)
async def test_that_day_beside_another_day_named_moves_to_the_one_named(
    harness: Harness, message: str, english_words: bool, day: str
) -> None:
    chat = english(harness) if english_words else harness.chat()
    await book_thursday_at_10(chat, english_words)
    await chat.say(message)
    assert day in chat.text
    assert starts(harness) == [datetime(2026, 11, 26, 10, 0, tzinfo=ROME)]


async def test_same_time_the_week_after_a_closed_day_is_offered_on_open_days(
    harness: Harness,
) -> None:
    chat = english(harness)
    await book_thursday_at_10(chat, True)
    await chat.say("can't do thursday after all, same slot the week after?")
    assert "closed on Thursday 3 December" in chat.text
    assert "Fri 4 Dec at 10:00" in chat.labels()
    assert starts(harness) == [datetime(2026, 11, 26, 10, 0, tzinfo=ROME)]
