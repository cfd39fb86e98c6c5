"""Names taken from mixed text: words about the e-mail are never a name, someone else's first
name after who they are is the name, a month-like first name stays a name, and questions about
the name or the appointment are told apart (the lead's chat of 23 November)."""

from __future__ import annotations

import pytest

from bot.understanding import IntentKind, parse_intent
from bot.understanding.contacts import (
    ContactProblem,
    first_name_for_someone,
    names_a_month,
    parse_name,
    read_contact_change,
    read_name,
    split_name_and_address,
)
from bot.understanding.questions import asks_why_needed


@pytest.mark.parametrize(
    "text",
    [
        "same email as mine",
        "same as my email",
        "use my work one",
        "quella di mia moglie",
        "la mail è",
        "my email is",
        "Work Email Please",
        "usa quella del lavoro",
        "la stessa di sempre",
        "Mail Lavoro",
    ],
)
def test_words_about_the_email_are_never_a_name(text: str) -> None:
    assert read_name(text).value is None


@pytest.mark.parametrize(
    "text",
    [
        "same email as mine - emma.clarke@example.org",
        "use my work one: emma@acme.co.uk",
        "quella di mia moglie giulia.rossi@libero.it",
        "la mia mail e mario.rossi@gmail.com",
    ],
)
def test_an_address_after_words_about_it_brings_no_name(text: str) -> None:
    assert split_name_and_address(text) is None


@pytest.mark.parametrize(
    ("text", "name", "address"),
    [
        ("Emma Clarke, work email emma@acme.com", "Emma Clarke", "emma@acme.com"),
        ("Mario Rossi mail di lavoro m.rossi@ditta.it", "Mario Rossi", "m.rossi@ditta.it"),
        ("Emma Clarke, emma@example.org", "Emma Clarke", "emma@example.org"),
    ],
)
def test_a_name_before_words_about_the_address_is_kept(text: str, name: str, address: str) -> None:
    assert split_name_and_address(text) == (name, address)


def test_a_change_at_the_summary_to_the_same_time_is_no_name() -> None:
    change = read_contact_change("actually make it friday same time")
    assert change is None or change.value is None


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("its actually for my husband, mark", "Mark"),
        ("è per mio marito, Marco", "Marco"),
        ("in realtà è per mia moglie, Giulia", "Giulia"),
        ("booking for my wife - Sarah", "Sarah"),
        ("I'm booking for my wife Sarah", "Sarah"),
        ("lo prenoto per mia mamma, si chiama Anna", "Anna"),
        ("x mio figlio luca", "Luca"),
    ],
)
def test_someone_elses_first_name_after_who_they_are(text: str, name: str) -> None:
    assert read_name(text).value == name
    assert first_name_for_someone(text) == name


@pytest.mark.parametrize(
    "text",
    ["its for my wife, sarah jones", "sono Marco", "Giulia Bianchi, è per mia sorella", "Mark"],
)
def test_a_full_name_or_ones_own_is_not_a_first_name_for_someone(text: str) -> None:
    assert first_name_for_someone(text) is None


@pytest.mark.parametrize(("word", "month"), [("Marco", True), ("June", True), ("Jan", True)])
def test_first_names_that_read_as_a_month(word: str, month: bool) -> None:
    assert names_a_month(word) is month


@pytest.mark.parametrize("word", ["venerdì", "domani", "Luca", "Domenica", "Mario Marzo"])
def test_days_and_other_names_are_no_month(word: str) -> None:
    assert not names_a_month(word)


@pytest.mark.parametrize(
    "text",
    [
        "a cosa vi serve?",
        "why do u need that",
        "perché vi serve il nome?",
        "is it necessary?",
        "devo per forza darvi il cognome?",
        "serve anche il cognome?",
        "do you need my surname too?",
        "what do you need it for?",
    ],
)
def test_why_the_name_is_needed(text: str) -> None:
    assert asks_why_needed(text)


@pytest.mark.parametrize(
    "text",
    [
        "when's my appointment again?",
        "quando ho l'appuntamento?",
        "how much is it?",
        "dove siete?",
        "che altri orari avete quel giorno?",
    ],
)
def test_other_questions_are_not_about_the_name(text: str) -> None:
    assert not asks_why_needed(text)


@pytest.mark.parametrize(
    "text",
    [
        "hi I have an appt on thursday i think? can u check",
        "I've got a booking on the 26th right?",
        "can u check if I'm booked thursday",
        "dovrei avere un appuntamento venerdì, giusto?",
        "ho un appuntamento giovedì, mi confermi l'orario?",
        "i think i booked for friday?",
        "avevo preso un appuntamento per venerdì, a che ora era?",
        "mi controlli se sono prenotata giovedì?",
        "we have a reservation on the 3rd dont we",
        "when's my appointment again?",
    ],
)
def test_an_appointment_said_or_thought_to_exist_is_to_be_shown(text: str) -> None:
    intent = parse_intent(text, language="en")
    assert intent is not None and intent.kind is IntentKind.LIST


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("can I have an appointment on thursday?", IntentKind.BOOK),
        ("could i have an appt friday at 10", IntentKind.BOOK),
        ("i have an appointment on thursday but i need to move it", IntentKind.MOVE),
        ("i have a booking for my daughter friday, can i book one for me too", IntentKind.BOOK),
    ],
)
def test_asking_for_one_or_changing_one_is_not_a_look(text: str, kind: IntentKind) -> None:
    intent = parse_intent(text, language="en")
    assert intent is not None and intent.kind is kind


@pytest.mark.parametrize(
    "text",
    [
        # a missed appointment and a new day asked for: not a look at the old one
        "lunedì avevo preso appuntamento ma non sono riuscito a venire, si potrebbe fare giovedì?",
        "avevamo prenotato per ieri ma è saltato tutto, si potrebbe recuperare sabato mattina?",
    ],
)
def test_a_missed_appointment_with_a_new_day_asked_is_not_a_look(text: str) -> None:
    intent = parse_intent(text, language="it")
    assert intent is None or intent.kind is not IntentKind.LIST


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("it's 4 my son Max", "Max"),
        ("for my wife pls - Kate", "Kate"),
    ],
)
def test_someone_else_in_texting_style(text: str, name: str) -> None:
    assert read_name(text).value == name


def test_a_sentence_we_cannot_read_is_not_a_characters_problem() -> None:
    assert read_name("its for my husbnd, mark").problem is ContactProblem.NOT_A_NAME
    assert parse_name("Mario!").problem is ContactProblem.INVALID_CHARS


@pytest.mark.parametrize(
    ("text", "pair"),
    [
        ("its for my husband mark, mark.clarke@gmail.com", ("Mark", "mark.clarke@gmail.com")),
        ("è per mio marito Marco, la mail è marco@libero.it", ("Marco", "marco@libero.it")),
    ],
)
def test_someone_elses_first_name_with_an_address(text: str, pair: tuple[str, str]) -> None:
    assert split_name_and_address(text) == pair


@pytest.mark.parametrize(
    "text",
    [
        "scusa ma qnd ho l'appuntamento?",
        "i think im down for thursday at 10, is that right",
        "I booked a cut last week for the 26th, still on?",
        "got an appt thurs right?",
        "scusate dovrei essere prenotata per venerdì, mi confermate?",
        "buongiorno, risulto prenotata sabato?",
        "wait is this booked already?",
        "ma è già prenotato?",
        "is it confirmed?",
    ],
)
def test_more_ways_of_asking_about_ones_appointment(text: str) -> None:
    intent = parse_intent(text, language="it")
    assert intent is not None and intent.kind is IntentKind.LIST


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("i booked last time with anna, can i book again for friday", IntentKind.BOOK),
        ("vorrei essere prenotata per venerdì", IntentKind.BOOK),
    ],
)
def test_booking_words_still_book(text: str, kind: IntentKind) -> None:
    intent = parse_intent(text, language="it")
    assert intent is not None and intent.kind is kind
