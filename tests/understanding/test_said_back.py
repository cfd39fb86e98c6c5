"""A yes said together with what it agrees to (dev13 round), and moves said with "portare" or
"switch me": in other wordings than tests/corpus/dev13.yaml."""

from __future__ import annotations

import pytest

from bot.understanding import IntentKind, parse_intent
from bot.understanding.intents import affirms, asks_chosen_time, asks_to_wait
from bot.understanding.questions import QuestionKind, parse_question


@pytest.mark.parametrize(
    ("text", "yes"),
    [
        ("sì, giovedì alle 15 mi va benissimo", True),
        ("esatto giovedì pomeriggio alle tre, procedi", True),
        ("yeah thursday 3pm is grand, go ahead", True),
        ("that's correct, the 26th at 15:00", True),
        # a question, a "no", a "but" or a bare reaction is not a yes
        ("giovedì alle 15 giusto?", False),
        ("is that thursday at 3?", False),
        ("no, giovedì alle 15 non va bene", False),
        ("ok but thursday at 4 would be better", False),
        ("perfetto grazie 👍", False),
    ],
)
def test_a_yes_beside_a_day_and_time(text: str, yes: bool) -> None:
    assert affirms(text) is yes


@pytest.mark.parametrize(
    "text",
    [
        "lo possiamo portare a sabato?",
        "me la porti alle 12 di venerdì",
        "si può portarlo al 2 dicembre?",
        "could you switch me over to saturday",
    ],
)
def test_bringing_an_appointment_to_another_day_is_a_move(text: str) -> None:
    found = parse_intent(text, language="it")
    assert found is not None and found.kind is IntentKind.MOVE


@pytest.mark.parametrize("text", ["porto mia figlia", "I'll bring my daughter", "switch off"])
def test_bringing_someone_is_no_move(text: str) -> None:
    found = parse_intent(text, language="it")
    assert found is None or found.kind is not IntentKind.MOVE


@pytest.mark.parametrize(
    "text",
    [
        "a colour on monday, we'll get the cut next time",
        "il colore lunedì, il taglio lo faccio più avanti",
    ],
)
def test_one_service_put_off_is_no_stop(text: str) -> None:
    found = parse_intent(text, language="en")
    assert found is None or found.kind is not IntentKind.STOP


def test_putting_the_whole_booking_off_still_stops() -> None:
    found = parse_intent("let's leave it for another time", language="en")
    assert found is not None and found.kind is IntentKind.STOP


@pytest.mark.parametrize(
    ("text", "wait"),
    [
        ("un secondo che guardo il calendario", True),
        ("attendi, sento il capo", True),
        ("just a sec, checking with my wife", True),
        ("give me a minute", True),
        ("sì", False),
        ("I'll wait for your email", False),
    ],
)
def test_asking_for_a_moment(text: str, wait: bool) -> None:
    assert asks_to_wait(text) is wait


@pytest.mark.parametrize(
    "text",
    [
        "c'è una prenotazione a nome mio?",
        "do you have an appointment for my name",
        "a che ora dovevo venire?",
        "can't remember when my booking is",
    ],
)
def test_asking_about_ones_own_booking(text: str) -> None:
    found = parse_intent(text, language="it")
    assert found is not None and found.kind is IntentKind.LIST


@pytest.mark.parametrize(
    ("text", "stop"),
    [
        ("ho cambiato idea, piuttosto una piega", False),
        ("change of plan, I'd like a trim instead", False),
        ("ho cambiato idea, non prenoto più", True),
    ],
)
def test_a_change_of_mind_that_says_what_instead_is_no_stop(text: str, stop: bool) -> None:
    found = parse_intent(text, language="it")
    assert (found is not None and found.kind is IntentKind.STOP) is stop


@pytest.mark.parametrize(
    ("text", "asks"),
    [
        ("aspetta, che ora avevamo detto?", True),
        ("quale giorno ho preso?", True),
        ("remind me what day it is", True),
        ("when did we say", True),
        ("che ore sono?", False),
        ("what time do you open", False),
    ],
)
def test_asking_back_the_time_being_booked(text: str, asks: bool) -> None:
    assert asks_chosen_time(text) is asks


@pytest.mark.parametrize(
    ("text", "info"),
    [
        ("è meglio arrivare in anticipo?", True),
        ("shall I come in a few minutes early", True),
        ("should we arrive early?", True),
        # a time asked for is no question about arriving
        ("can i come early next week?", False),
        ("posso venire prima delle 10?", False),
    ],
)
def test_arriving_early_is_a_question_about_the_salon(text: str, info: bool) -> None:
    found = parse_question(text)
    assert (found is not None and found.kind is QuestionKind.INFO) is info


def test_in_anticipo_is_no_move() -> None:
    found = parse_intent("devo essere lì in anticipo?", language="it")
    assert found is None or found.kind is not IntentKind.MOVE


@pytest.mark.parametrize(
    "text",
    [
        "c'è qualcosa sotto il mio nome?",
        "are there any bookings in my name",
        "something in my name?",
    ],
)
def test_asking_what_is_booked_under_ones_name(text: str) -> None:
    found = parse_intent(text, language="it")
    assert found is not None and found.kind is IntentKind.LIST


def test_wanting_a_booking_in_ones_name_is_no_list() -> None:
    found = parse_intent("vorrei fare una prenotazione a nome mio per sabato", language="it")
    assert found is None or found.kind is not IntentKind.LIST
