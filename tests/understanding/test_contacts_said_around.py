"""Names and addresses said with words around them: who someone is before their name, a
surname put right alone, "at" typed for "@", a space after a dot, words that are nobody's name."""

from __future__ import annotations

import pytest

from bot.understanding.contacts import (
    ContactField,
    is_named,
    parse_email,
    read_contact_change,
    read_name,
)


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("it's for my colleague, his name is Tariq Aziz", "Tariq Aziz"),
        ("for my cousin named Ruth Baker", "Ruth Baker"),
        ("è per un mio collega che si chiama Paolo Serra", "Paolo Serra"),
        ("per una mia cugina, si chiama Elena Riva", "Elena Riva"),
        ("put me down as Sal", "Sal"),
        ("scrivi pure Ferri", "Ferri"),
        ("Hart, Lucy", "Lucy Hart"),
        ("per il mio bimbo Tommaso", "Tommaso"),
        # who it is for after the name, and "actually" inside the lead
        ("Paolo Serra, è per mio marito", "Paolo Serra"),
        ("Ruth Baker - it's for my mum", "Ruth Baker"),
        ("it's for my son actually, Noah Hill", "Noah Hill"),
        ("my name is actually Tom Reed", "Tom Reed"),
        ("il mio nome è in realtà Sara Conti", "Sara Conti"),
    ],
)
def test_a_name_after_who_the_person_is_or_how_it_is_put(text: str, name: str) -> None:
    assert read_name(text).value == name


def test_a_name_said_as_one_is_told_from_a_bare_one() -> None:
    # "Priya" is one slip from "prima": after words that give a name, it stays a name
    assert is_named("it's for my friend, her name's Priya Shah")
    assert is_named("si chiama Sara Galli")
    assert not is_named("Priya Shah")
    assert not is_named("prima possibile")


@pytest.mark.parametrize(
    "text", ["lol", "haha ok", "fai tu", "decidete voi", "vedi tu boh", "k", "è per mia sorella"]
)
def test_words_that_are_nobodys_name(text: str) -> None:
    assert read_name(text).value is None


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("could u put it under my niece Chloe", "Chloe"),
        ("fallo a nome di mia nipote Marta", "Marta"),
        ("scusa, usa il nome Anna Bianchi", "Anna Bianchi"),
        ("cambia il nome in Ugo Neri", "Ugo Neri"),
    ],
)
def test_someone_else_at_the_summary_by_first_name_too(text: str, name: str) -> None:
    change = read_contact_change(text)
    assert change is not None and change.field is ContactField.NAME
    assert change.value == name and not change.surname


@pytest.mark.parametrize(
    ("text", "surname"),
    [
        ("my last name is spelt wrong, should be Smyth", "Smyth"),
        ("cognome sbagliato, è Bianchini", "Bianchini"),
    ],
)
def test_a_surname_alone_is_only_the_surname(text: str, surname: str) -> None:
    change = read_contact_change(text)
    assert change is not None and change.value == surname and change.surname


def test_a_word_inside_another_is_no_lead() -> None:
    # "scusa" holds "usa": the name is not "è Marco Rossi"
    change = read_contact_change("scusa il nome giusto è Piero Lodi non Piera")
    assert change is not None and change.value == "Piero Lodi"


@pytest.mark.parametrize(
    ("text", "address"),
    [
        ("luca.neri at libero.it", "luca.neri@libero.it"),
        ("jo_hart at yahoo.co.uk", "jo_hart@yahoo.co.uk"),
        ("anna@hotmail. it", "anna@hotmail.it"),
        ("tom.p@outlook .com", "tom.p@outlook.com"),
    ],
)
def test_at_typed_and_spaces_after_a_dot(text: str, address: str) -> None:
    assert parse_email(text).value == address


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("it's for my dad, he's called Ken", "Ken"),
        ("please put it in my husband's name, Tom", "Tom"),
        ("in my girlfriend's name Ana please", "Ana"),
    ],
)
def test_someone_else_said_as_people_say_it(text: str, name: str) -> None:
    change = read_contact_change(text)
    assert change is not None and change.value == name


@pytest.mark.parametrize("text", ["the email address needs updating", "changing my e-mail pls"])
def test_an_address_to_change_in_other_forms_of_the_verb(text: str) -> None:
    change = read_contact_change(text)
    assert change is not None and change.field is ContactField.EMAIL and change.value is None


def test_spaces_around_dots_only_where_the_address_ends_as_addresses_do() -> None:
    assert parse_email("jo . hart @ yahoo . co . uk").value == "jo.hart@yahoo.co.uk"
    # a word after the address is not glued on to its domain
    assert parse_email("luca.neri@libero.it. grazie mille").value is None


@pytest.mark.parametrize(
    ("text", "name"),
    [("ok but put it under my brother Max", "Max"), ("sì ma a nome di mia cugina Irene", "Irene")],
)
def test_someone_else_after_a_yes_but(text: str, name: str) -> None:
    change = read_contact_change(text)
    assert change is not None and change.value == name


def test_someone_else_instead_at_the_summary() -> None:
    change = read_contact_change("could it be under my wife instead, Kim Lee")
    assert change is not None and change.value == "Kim Lee"


@pytest.mark.parametrize(
    "text", ["jo.hart(at)yahoo.com", "jo.hart [at] yahoo.com", "jo.hart{at}yahoo.com"]
)
def test_an_at_hidden_from_robots(text: str) -> None:
    assert parse_email(text).value == "jo.hart@yahoo.com"


@pytest.mark.parametrize("text", ["ho scritto male l'indirizzo email", "i misspelled my email"])
def test_an_address_typed_wrong_is_to_be_changed(text: str) -> None:
    change = read_contact_change(text)
    assert change is not None and change.field is ContactField.EMAIL
