"""Issue 9, tuned on whole messages: a date inside a correction, a day corrected within the
message, booking under someone else's name, a busy day said in passing, a service that fits only
some of the list, a typed yes at the summary, periods and same-time offers said naturally."""

from __future__ import annotations

import pytest
from engine_chat import Chat


async def _friday_on_screen(chat: Chat) -> None:
    await chat.say("un taglio venerdì")
    assert "venerdì 27 novembre" in chat.text


@pytest.mark.parametrize(
    "text", ["no aspetta il 4 è meglio", "meglio il 4", "il 4 sarebbe meglio", "nono il 4 dicembre"]
)
async def test_a_correction_with_a_day_of_the_month_looks_at_that_day(
    chat: Chat, text: str
) -> None:
    await _friday_on_screen(chat)
    await chat.say(text)
    assert "venerdì 4 dicembre" in chat.text
    assert not chat.world.holds


async def test_the_4th_would_be_better_in_english(harness_chat_en: Chat) -> None:
    chat = harness_chat_en
    await chat.say("a haircut on friday")
    await chat.say("hmm the 4th would be better")
    assert "Friday 4 December" in chat.text


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("domani... anzi no, meglio venerdì", "venerdì 27 novembre"),
        ("mercoledi o meglio giovedi", "giovedì 26 novembre"),
        ("dopodomani, cioè giovedì", "giovedì 26 novembre"),
    ],
)
async def test_a_day_corrected_inside_the_message_wins(chat: Chat, text: str, day: str) -> None:
    await chat.say("vorrei un taglio")
    assert "Quando vuoi venire?" in chat.text
    await chat.say(text)
    assert day in chat.text


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("a nome di mia moglie, Laura Verdi", "Laura Verdi"),
        ("è per mio figlio luca neri", "Luca Neri"),
        ("intestalo a nome di Anna Bianchi grazie", "Anna Bianchi"),
    ],
)
async def test_a_booking_for_someone_else_takes_their_name(
    chat: Chat, text: str, name: str
) -> None:
    await chat.say("un taglio domani alle 11")
    assert "A che nome prenoto?" in chat.text
    await chat.say(text)
    assert "e-mail" in chat.text
    await chat.say("mario.rossi@example.com")
    assert f"Nome: {name}" in chat.text


async def test_a_busy_day_in_an_english_run_on_is_not_the_one_asked(
    harness_chat_en: Chat,
) -> None:
    chat = harness_chat_en
    await chat.say(
        "hi could i get a trim thursday morning if possible as theres a party on saturday"
    )
    assert "Thursday 26 November" in chat.text
    assert "Saturday" not in chat.text.split("\n")[0]


async def test_a_fitting_service_is_asked_alone_with_the_others_one_tap_away(
    chat: Chat,
) -> None:
    await chat.say("vorrei fare la piega sabato")
    # Labels carry the price after the duration (issue 13): "Taglio e piega · 60 min · 45 €".
    names = [label.split(" · ")[0] for label in chat.labels()]
    assert names == ["Taglio e piega", "Altri servizi", "Lascia perdere"]
    await chat.press("Altri servizi")
    assert {"Taglio", "Colore", "Taglio e piega"} <= {lab.split(" · ")[0] for lab in chat.labels()}
    await chat.press(next(label for label in chat.labels() if label.startswith("Colore ·")))
    assert "sabato 28 novembre" in chat.text


async def _at_summary(chat: Chat) -> None:
    await chat.say("vorrei un taglio domani alle 11")
    await chat.press("Mario Rossi")
    await chat.say("mario.rossi@example.com")
    assert "Confermo?" in chat.text


@pytest.mark.parametrize("text", ["va bene", "sì dai", "ok", "certo!", "vai pure"])
async def test_a_typed_yes_at_the_summary_books(chat: Chat, text: str) -> None:
    await _at_summary(chat)
    await chat.say(text)
    assert "Codice prenotazione" in chat.text


@pytest.mark.parametrize("text", ["👍", "ok grazie", "perfetto grazie mille"])
async def test_a_reaction_at_the_summary_asks_for_a_yes(chat: Chat, text: str) -> None:
    await _at_summary(chat)
    await chat.say(text)
    assert "scrivimi «sì»" in chat.text
    assert not chat.world.appointments


async def test_a_past_day_after_a_later_offer_gets_the_days_from_today(chat: Chat) -> None:
    await chat.say("un taglio mercoledì 2 dicembre")
    assert "mercoledì 2 dicembre" in chat.text
    await chat.say("anzi lunedì scorso")
    assert "già passato" in chat.text
    assert "Lun 23 nov" in chat.labels()


async def test_a_period_that_starts_with_room_just_gives_the_times(chat: Chat) -> None:
    await chat.say("un taglio entro giovedì")
    assert "primo giorno libero" not in chat.text
    assert chat.text.startswith("Ecco gli orari liberi per lunedì 23 novembre")


async def test_one_time_on_several_days_asks_which_day(chat: Chat) -> None:
    await chat.say("un taglio domenica alle 11")
    assert "Alle 11:00 ho posto in questi giorni." in chat.text
    assert "Quale giorno preferisci?" in chat.text
    assert "Quale orario preferisci?" not in chat.text


async def test_the_earliest_for_a_named_service_gives_the_first_day_at_once(
    harness_chat_en: Chat,
) -> None:
    chat = harness_chat_en
    await chat.say("hey whats the earliest u have for a colour")
    assert "Here are the free times on Monday 23 November" in chat.text
    assert "When would you like to come?" not in chat.text


async def test_how_long_and_how_much_for_one_service_is_one_answer(
    harness_chat_en: Chat,
) -> None:
    chat = harness_chat_en
    await chat.say("how long does a colour take and how much is it")
    assert chat.text.count("90 minutes") == 1
    assert "€70.00" in chat.text


async def test_the_one_at_a_time_is_that_time_on_the_day_shown(harness_chat_en: Chat) -> None:
    chat = harness_chat_en
    await chat.say("cut friday")
    await chat.say("the one at half 10")
    assert "Friday 27 November at 10:30" in chat.text


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("un taglio la prossima settimana ma nn lunedì", "martedì 1 dicembre"),
        ("un colore la settimana dopo la prossima", "lunedì 7 dicembre"),
    ],
)
async def test_periods_said_around_a_day(chat: Chat, text: str, day: str) -> None:
    await chat.say(text)
    assert day in chat.text
    assert "lunedì 30 novembre" not in chat.text.split("\n")[0]
