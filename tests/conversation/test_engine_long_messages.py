"""Long messages through the engine and the sandbox: politeness and refused days beside a booking
are not a move (issue 9, the fixb round)."""

from __future__ import annotations

import pytest

from tests.conversation.engine_chat import ROME, Chat, Harness

# How the list of a day's times opens, per language.
FREE_TIMES = {"it": "orari liberi per", "en": "free times on"}


def english(harness: Harness) -> Chat:
    return harness.chat(language="en", first_name="Emma", last_name="Clarke")


@pytest.mark.parametrize(
    ("message", "day"),
    [
        ("salve, un taglio per sabato mattina. Grazie anticipatamente!", "sabato 28 novembre"),
        ("vi ringrazio in anticipo: avrei bisogno di un taglio giovedì", "giovedì 26 novembre"),
        ("un taglio mercoledì 25? anticipatamente ringrazio", "mercoledì 25 novembre"),
        ("un taglio venerdì? lunedì e martedì invece non posso", "venerdì 27 novembre"),
        ("martedì invece non riesco, mi fate un taglio sabato?", "sabato 28 novembre"),
        ("un taglio giovedì, mercoledì invece no", "giovedì 26 novembre"),
    ],
)
async def test_politeness_and_a_refused_day_in_a_fresh_chat_are_a_booking_in_italian(
    harness: Harness, chat: Chat, message: str, day: str
) -> None:
    await chat.say(message)
    assert "da spostare" not in chat.text
    assert f"orari liberi per {day}" in chat.text
    assert "9:00" in chat.labels() or "12:00" in chat.labels()


@pytest.mark.parametrize(
    ("message", "day"),
    [
        ("a taglio on saturday morning please, thanks in advance", "Saturday 28 November"),
        ("many thanks in advance - could I get a taglio thursday?", "Thursday 26 November"),
        ("a taglio wednesday the 25th, thank you in advance!", "Wednesday 25 November"),
    ],
)
async def test_thanks_in_advance_in_a_fresh_chat_is_a_booking_in_english(
    harness: Harness, message: str, day: str
) -> None:
    chat = english(harness)
    await chat.say(message)
    assert "to move" not in chat.text
    assert f"free times on {day}" in chat.text.replace("Free", "free")


@pytest.mark.parametrize(
    ("language", "message", "shown"),
    [
        (
            "en",
            "could I book a taglio for saturday morning? friday I'm stuck at the office and "
            "thursday is my son's recital, so neither works",
            "Saturday 28 November between 9:00 and 12:00",
        ),
        (
            "en",
            "a taglio on thursday please, wednesday I can't as I have the doctor",
            "Thursday 26 November",
        ),
        (
            "en",
            "I get off work at 4. a taglio friday after that? thursday won't do, I'm at the gym",
            "Friday 27 November between 16:00 and 19:00",
        ),
        (
            "en",
            "a taglio monday? saturday is no good because of football and tuesday I'm away",
            "Monday 30 November",
        ),
        (
            "it",
            "vorrei un taglio sabato mattina, venerdì sono in ufficio tutto il giorno",
            "sabato 28 novembre tra le 9:00 e le 12:00",
        ),
        (
            "it",
            "un taglio giovedì pomeriggio? mercoledì ho il dentista e martedì la recita di mio "
            "figlio, quindi nessuno dei due",
            "giovedì 26 novembre tra le 12:00 e le 18:00",
        ),
        (
            "it",
            "stacco dal lavoro alle 4, si può fare un taglio venerdì dopo quell'ora? giovedì "
            "lavoro fino a tardi",
            "venerdì 27 novembre tra le 16:00 e le 19:00",
        ),
        (
            "it",
            "un taglio venerdì? giovedì non va bene perché ho la palestra e sabato sono via",
            "venerdì 27 novembre",
        ),
    ],
)
async def test_days_refused_with_a_reason_give_way_to_the_day_asked(
    harness: Harness, language: str, message: str, shown: str
) -> None:
    chat = english(harness) if language == "en" else harness.chat()
    await chat.say(message)
    assert f"{FREE_TIMES[language]} {shown}:" in chat.text


@pytest.mark.parametrize(
    ("message", "shown"),
    [
        (
            "a taglio wednesday after 5, or else saturday morning",
            "Wednesday 25 November between 17:00",
        ),
        (
            "a taglio thursday after 4 if you can, otherwise friday morning",
            "Thursday 26 November between 16:00",
        ),
        ("taglio on friday after six, or monday morning", "Friday 27 November between 18:00"),
    ],
)
async def test_a_fallback_days_part_leaves_the_first_days_hour_in_english(
    harness: Harness, message: str, shown: str
) -> None:
    chat = english(harness)
    await chat.say(message)
    assert f"free times on {shown} and 19:00:" in chat.text


@pytest.mark.parametrize(
    ("message", "shown"),
    [
        (
            "un taglio mercoledì dopo le 5, sennò venerdì mattina",
            "mercoledì 25 novembre tra le 17:00",
        ),
        (
            "vorrei un taglio giovedì dopo le quattro, altrimenti va bene anche lunedì mattina",
            "giovedì 26 novembre tra le 16:00",
        ),
        ("taglio venerdì dopo le sei o se no sabato mattina", "venerdì 27 novembre tra le 18:00"),
    ],
)
async def test_a_fallback_days_part_leaves_the_first_days_hour_in_italian(
    chat: Chat, message: str, shown: str
) -> None:
    await chat.say(message)
    assert f"orari liberi per {shown} e le 19:00:" in chat.text


@pytest.mark.parametrize(
    ("language", "message", "shown"),
    [
        (
            "en",
            "a taglio next week, preferably wednesday 2nd december in the afternoon not the "
            "morning",
            "Wednesday 2 December between 12:00 and 18:00",
        ),
        (
            "en",
            "taglio on monday 30th november please, in the morning, not the afternoon",
            "Monday 30 November between 9:00 and 12:00",
        ),
        (
            "en",
            "sometime next week for a taglio - friday 4 december if poss, afternoon not the "
            "morning",
            "Friday 4 December between 12:00 and 18:00",
        ),
        (
            "it",
            "la settimana prossima un taglio, magari mercoledì 2 dicembre di pomeriggio, non la "
            "mattina",
            "mercoledì 2 dicembre tra le 12:00 e le 18:00",
        ),
        (
            "it",
            "un taglio lunedì 30 novembre, la mattina e non il pomeriggio",
            "lunedì 30 novembre tra le 9:00 e le 12:00",
        ),
        (
            "it",
            "settimana prossima un taglio, meglio venerdì 4 dicembre al pomeriggio, non di mattina",
            "venerdì 4 dicembre tra le 12:00 e le 18:00",
        ),
    ],
)
async def test_a_date_and_a_part_not_refused_win_over_the_week(
    harness: Harness, language: str, message: str, shown: str
) -> None:
    chat = english(harness) if language == "en" else harness.chat()
    await chat.say(message)
    assert f"{FREE_TIMES[language]} {shown}:" in chat.text


@pytest.mark.parametrize(
    ("language", "message", "shown"),
    [
        ("en", "a taglio late dec", "Monday 21 December"),
        ("en", "taglio mid jan please", "Monday 11 January 2027"),
        ("en", "sometime late in jan for a taglio?", "Thursday 21 January 2027"),
        ("it", "un taglio a fine dicembre", "lunedì 21 dicembre"),
        ("it", "verso fine gennaio un taglio", "giovedì 21 gennaio 2027"),
        ("it", "un taglio per metà gennaio", "lunedì 11 gennaio 2027"),
    ],
)
async def test_early_mid_late_month_are_its_thirds(
    harness: Harness, language: str, message: str, shown: str
) -> None:
    chat = english(harness) if language == "en" else harness.chat()
    await chat.say(message)
    assert f"{FREE_TIMES[language]} {shown}:" in chat.text


async def booked_thursday_at_10(chat: Chat, english_words: bool) -> None:
    """A Taglio booked for Thursday 26 November at 10:00, the appointments then on screen."""
    if english_words:
        await chat.say("a taglio thursday 26 november at 10")
        await chat.press("Emma Clarke")
        await chat.say("emma.clarke@example.org")
        await chat.press("Confirm")
        await chat.press("My appointments")
    else:
        await chat.say("un taglio giovedì 26 novembre alle 10")
        await chat.press("Mario Rossi")
        await chat.say("mario.rossi@example.com")
        await chat.press("Conferma")
        await chat.press("I miei appuntamenti")


@pytest.mark.parametrize(
    ("message", "target"),
    [
        ("could we come friday instead? at the same time", "Friday 27 November at 10:00"),
        ("can I pop in on wednesday instead, same time please", "Wednesday 25 November at 10:00"),
        ("could i come saturday the 28th instead - same hour", "Saturday 28 November at 10:00"),
    ],
)
async def test_coming_another_day_instead_is_a_move_in_english(
    harness: Harness, message: str, target: str
) -> None:
    chat = english(harness)
    await booked_thursday_at_10(chat, english_words=True)
    await chat.say(message)
    assert f"from Thursday 26 November at 10:00 to {target}?" in chat.text
    assert len(harness.world.appointments) == 1


@pytest.mark.parametrize(
    ("message", "target"),
    [
        ("potrei passare venerdì invece? alla stessa ora", "venerdì 27 novembre alle 10:00"),
        ("posso venire sabato invece, stessa ora", "sabato 28 novembre alle 10:00"),
        ("possiamo venire mercoledì invece? sempre quell'ora", "mercoledì 25 novembre alle 10:00"),
    ],
)
async def test_coming_another_day_instead_is_a_move_in_italian(
    harness: Harness, chat: Chat, message: str, target: str
) -> None:
    await booked_thursday_at_10(chat, english_words=False)
    await chat.say(message)
    assert f"da giovedì 26 novembre alle 10:00 a {target}?" in chat.text
    assert len(harness.world.appointments) == 1


@pytest.mark.parametrize(
    "message",
    ["great, see you thursday!", "perfect, see you on the 26th then", "lovely see ya thurs"],
)
async def test_see_you_on_the_appointments_day_is_a_goodbye_in_english(
    harness: Harness, message: str
) -> None:
    chat = english(harness)
    await booked_thursday_at_10(chat, english_words=True)
    await chat.say(message)
    assert chat.text == "See you on Thursday 26 November! We'll be expecting you at 10:00."
    assert "Book" in chat.labels()
    assert len(harness.world.appointments) == 1


@pytest.mark.parametrize(
    "message",
    [
        "va benissimo, ci vediamo giovedì",
        "ottimo allora ci vediamo il 26",
        "ok ci si vede giovedi!",
    ],
)
async def test_see_you_on_the_appointments_day_is_a_goodbye_in_italian(
    harness: Harness, chat: Chat, message: str
) -> None:
    await booked_thursday_at_10(chat, english_words=False)
    await chat.say(message)
    assert chat.text == "A giovedì 26 novembre, allora! Ti aspettiamo alle 10:00."
    assert "Prenota" in chat.labels()
    assert len(harness.world.appointments) == 1


@pytest.mark.parametrize(
    "message",
    [
        "a taglio wednesday at 9, no wait, make that 11",
        "taglio on wednesday 25th at 9.. actually make it 11 please",
        "wednesday at 9 for a taglio - sorry, make that 11",
    ],
)
async def test_a_time_corrected_in_the_same_message_is_the_one_held_in_english(
    harness: Harness, message: str
) -> None:
    chat = english(harness)
    await chat.say(message)
    [hold] = harness.world.holds.values()
    assert "Wednesday 25 November at 11:00" in chat.text
    assert hold.start.astimezone(ROME).hour == 11


@pytest.mark.parametrize(
    "message",
    [
        "un taglio mercoledì alle 9... no aspe, meglio le 11",
        "mercoledì alle 9 un taglio, anzi no le 11",
        "taglio mercoledì 25 alle 9, aspe no, meglio le 11",
    ],
)
async def test_a_time_corrected_in_the_same_message_is_the_one_held_in_italian(
    harness: Harness, chat: Chat, message: str
) -> None:
    await chat.say(message)
    [hold] = harness.world.holds.values()
    assert "mercoledì 25 novembre alle 11:00" in chat.text
    assert hold.start.astimezone(ROME).hour == 11
