"""Small talk, acknowledgements, language switches and the name/e-mail fixes (issue 9: TALK)."""

from __future__ import annotations

import pytest

from bot.understanding import IntentKind, parse_intent
from bot.understanding.contacts import (
    ContactChange,
    ContactField,
    ContactProblem,
    is_self_reference,
    looks_like_name,
    read_contact_change,
    read_name,
)
from bot.understanding.intents import is_acknowledgement


@pytest.mark.parametrize(
    "text",
    ["a presto", "a prestoo!", "bye", "Bye bye", "ciao ciao", "buona giornata", "buona serata!",
     "buonanotte", "see ya", "cya", "have a nice day", "ok a presto", "perfetto, a presto!",
     "alla prossima", "take care", "ci sentiamo", "a domani"],
)  # fmt: skip
def test_goodbyes(text: str) -> None:
    intent = parse_intent(text, language="it")
    assert intent is not None and intent.kind is IntentKind.GOODBYE


@pytest.mark.parametrize(
    "text",
    ["ciao", "Salve", "buongiorno!", "hey there", "hiya", "hello 👋", "heyyy", "hii", "helloo",
     "salveee"],
)  # fmt: skip
def test_hellos_stay_greetings(text: str) -> None:
    intent = parse_intent(text, language="it")
    assert intent is not None and intent.kind is IntentKind.GREETING


@pytest.mark.parametrize(
    "text", ["grazie mille", "thx", "tnx", "🙏", "ty", "grazie a voi, a presto"]
)
def test_thanks(text: str) -> None:
    intent = parse_intent(text, language="en")
    assert intent is not None and intent.kind is IntentKind.THANKS


@pytest.mark.parametrize(
    ("text", "ack"),
    [("ok", True), ("👍", True), ("ok 👍", True), ("😊", True), ("perfetto grazie", True),
     ("ok va benissimo", True), ("va bene", True), ("kk", True), ("great thanks", True),
     ("sì", False), ("si", False), ("yes", False), ("conferma", False), ("confermo", False),
     ("go ahead", False), ("book it", False), ("sì, va bene", False), ("yes please", False),
     ("certo", False), ("ok conferma", False), ("ok domani", False)],
)  # fmt: skip
def test_an_acknowledgement_is_not_an_explicit_yes(text: str, ack: bool) -> None:
    assert is_acknowledgement(text) is ack


def test_a_smile_alone_is_a_friendly_ok() -> None:
    intent = parse_intent("😊", language="it")
    assert intent is not None and intent.kind is IntentKind.YES


@pytest.mark.parametrize(
    ("text", "language"),
    [("torniamo all'italiano", "it"), ("torna all italiano pls", "it"), ("back to english", "en"),
     ("scrivimi in italiano", "it"), ("can you speak english", "en"),
     ("can we go back to italian?", "it"), ("rimettiamo l'inglese", "en"),
     ("switch back to english please", "en")],
)  # fmt: skip
def test_language_switches(text: str, language: str) -> None:
    intent = parse_intent(text, language="en" if language == "it" else "it")
    assert intent is not None and intent.kind is IntentKind.LANGUAGE
    assert intent.language == language


@pytest.mark.parametrize(
    "text",
    ["sono io", "Sono io!", "sn io", "so io", "that's me", "It's me", "its me", "me", "io",
     "il mio", "use my name", "usa il mio nome", "sì sono io", "myself", "me stesso",
     "al mio nome grazie", "sotto il mio nome", "in my name please", "for me thx", "per me",
     "è per me", "its for me", "ancora io", "sono ancora io", "it's still me", "just me thx",
     "quella va benissimo", "that one is fine", "the one above is ok", "il mio è giusto",
     "use the name from my account", "prendi il nome sul profilo", "my telegram name is fine"],
)  # fmt: skip
def test_self_references(text: str) -> None:
    assert is_self_reference(text)


@pytest.mark.parametrize(
    "text", ["Mario Rossi", "Giulia", "Meo Patacca", "Iole Bianchi", "for my son Luca Rossi"]
)
def test_names_are_not_self_references(text: str) -> None:
    assert not is_self_reference(text)


@pytest.mark.parametrize(
    "text",
    ["boh", "Bho", "ok", "si", "sì", "no", "mah", "non so", "nn so", "test", "asdf", "qwerty",
     "ciao", "grazie", "hello", "me", "sdfg", "xxx", "nome cognome", "mmm", "erm", "umm",
     "nah", "whatever"],
)  # fmt: skip
def test_obvious_non_names_are_refused(text: str) -> None:
    assert read_name(text).problem is ContactProblem.NOT_A_NAME


@pytest.mark.parametrize(
    ("text", "name"),
    [("Giulia Verdi", "Giulia Verdi"), ("ciao, sono Giulia Verdi", "Giulia Verdi"),
     ("mi chiamo anna bianchi", "Anna Bianchi"), ("my name is John Smith", "John Smith"),
     ("I'm Emma Clarke", "Emma Clarke"), ("Nguyen Van Thi", "Nguyen Van Thi"),
     ("Io Bianchi", "Io Bianchi"), ("Bo Svensson", "Bo Svensson")],
)  # fmt: skip
def test_names_are_read_without_their_lead_in(text: str, name: str) -> None:
    assert read_name(text).value == name


@pytest.mark.parametrize(
    ("text", "name"),
    [("Giulia Verdi", True), ("mario rossi", True), ("Anna Maria De Luca", True),
     ("non ce l'ho", False), ("ho sbagliato", False), ("no grazie", False), ("anna", False),
     ("mario@gmail", False), ("domani alle 12", False), ("la mail è quella", False),
     # the profile's name meant, not a name typed: never booked as "Thats Me"
     ("thats me", False), ("yep that's me", False), ("sì sono proprio io", False)],
)  # fmt: skip
def test_a_name_at_the_email_question(text: str, name: bool) -> None:
    assert looks_like_name(text) is name


@pytest.mark.parametrize(
    ("text", "change"),
    [("cambia nome", ContactChange(ContactField.NAME)),
     ("Modifica nome", ContactChange(ContactField.NAME)),
     ("il nome è sbagliato", ContactChange(ContactField.NAME)),
     ("wrong name", ContactChange(ContactField.NAME)),
     ("change my email", ContactChange(ContactField.EMAIL)),
     ("wrong email", ContactChange(ContactField.EMAIL)),
     ("l'e-mail non è giusta", ContactChange(ContactField.EMAIL)),
     ("vorrei cambiare indirizzo mail", ContactChange(ContactField.EMAIL)),
     ("ho sbagliato la mail, è mario@x.it", ContactChange(ContactField.EMAIL, "mario@x.it")),
     ("my email is actually giulia @ gmail.com",
      ContactChange(ContactField.EMAIL, "giulia@gmail.com")),
     ("anna.b@libero.it", ContactChange(ContactField.EMAIL, "anna.b@libero.it")),
     ("il nome è Giulia Verdi", ContactChange(ContactField.NAME, "Giulia Verdi")),
     ("name should be Anna Bianchi please", ContactChange(ContactField.NAME, "Anna Bianchi")),
     ("mi chiamo Luca Neri", ContactChange(ContactField.NAME, "Luca Neri")),
     ("ok", None), ("conferma", None), ("domani alle 11", None),
     ("hmm actually make it saturday", None), ("metti lunedì prossimo", None),
     ("make it two hours earlier", None), ("mettila un'oretta più tardi", None),
     ("make it Sara Conti", ContactChange(ContactField.NAME, "Sara Conti")),
     ("nome sbagliato: Laura Neri", ContactChange(ContactField.NAME, "Laura Neri")),
     ("the name is wrong - Jane Doe", ContactChange(ContactField.NAME, "Jane Doe")),
     ("wrong name, should be Anna Po", ContactChange(ContactField.NAME, "Anna Po")),
     ("nome sbagliato, scusa", ContactChange(ContactField.NAME)),
     ("voglio cambiare nome, grazie", ContactChange(ContactField.NAME))],
)  # fmt: skip
def test_contact_changes_at_the_summary(text: str, change: ContactChange | None) -> None:
    assert read_contact_change(text) == change


@pytest.mark.parametrize(
    ("text", "name"),
    [("sono Giulia Verdi, grazie", "Giulia Verdi"), ("Giulia Verdi grazie mille!", "Giulia Verdi"),
     ("Grazia Bianchi", "Grazia Bianchi")],
)  # fmt: skip
def test_a_thank_you_after_the_name_is_not_part_of_it(text: str, name: str) -> None:
    assert read_name(text).value == name


@pytest.mark.parametrize("text", ["ok grazie mille, a presto!", "perfetto ciao ciao", "oki, bye"])
def test_an_ok_with_a_goodbye_is_a_goodbye(text: str) -> None:
    intent = parse_intent(text, language="it")
    assert intent is not None and intent.kind is IntentKind.GOODBYE


@pytest.mark.parametrize("text", ["oki", "okey dokey", "ok grazie mille, a presto!", "ok thx"])
def test_more_acknowledgements(text: str) -> None:
    assert is_acknowledgement(text)
