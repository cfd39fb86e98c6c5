"""A name is a few name-like words: a sentence typed at the name question (a refusal, a change
of service, a request for a person) is no name, while real names, unusual and foreign ones and
names with particles stay names."""

from __future__ import annotations

import pytest

from bot.understanding.contacts import (
    ContactField,
    ContactProblem,
    find_address,
    looks_like_name,
    read_contact_change,
    read_name,
)


@pytest.mark.parametrize(
    "text",
    [
        # refusals, Italian
        "boh non lo so decidi tu",
        "mah fate voi non saprei proprio",
        "nn saprei che dirti sinceramente",
        # refusals, English
        "idk u pick one",
        "no idea tbh whatever works",
        "dunno really, u decide",
        # a change of service, Italian and English
        "volevo dire una tinta invece del taglio",
        "scusa ma preferisco fare la piega",
        "mettimi pure il colore già che ci sono",
        "wait i'd rather have a trim",
        "hmm make it a colour instead of the cut",
        "sorry i meant a blow dry not a haircut",
        # someone to talk to
        "posso parlare con qualcuno dello staff",
        "voglio sentire un operatore umano",
        "can someone from the staff call me",
        "i need to speak with a human",
    ],
)
def test_a_sentence_is_no_name(text: str) -> None:
    check = read_name(text)
    assert check.value is None
    assert check.problem is ContactProblem.NOT_A_NAME
    assert not looks_like_name(text)


@pytest.mark.parametrize(
    "text",
    [
        "Chiara De Luca",
        "Pieter van der Berg",
        "Rosa La Torre",
        "Nguyễn Văn An",
        "Al Capone",
        "Can Yildiz",
        "Siobhán Ní Bhriain",
        "María José de la Fuente García",
        "Ngozi Okonkwo-Adeyemi",
    ],
)
def test_real_names_stay_names(text: str) -> None:
    assert read_name(text).value == text


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("è per mio figlio, Tommaso", "Tommaso"),
        ("it's for my daughter, Maisie", "Maisie"),
        ("per la mia compagna Ilaria Conti", "Ilaria Conti"),
    ],
)
def test_a_name_said_for_someone_else_stays(text: str, name: str) -> None:
    assert read_name(text).value == name


@pytest.mark.parametrize(
    ("text", "address"),
    [
        ("luca punto verdi 7 chiocciola yahoo punto it", "luca.verdi7@yahoo.it"),
        ("è anna punto neri 1990 chiocciola libero punto it", "anna.neri1990@libero.it"),
        ("sara underscore galli 33 chiocciola gmail punto com", "sara_galli33@gmail.com"),
        ("it's jo dot hart 21 at outlook dot com", "jo.hart21@outlook.com"),
        ("tom dot price 2000 at gmail dot com thanks", "tom.price2000@gmail.com"),
        ("my email is kate dash lee 4 at icloud dot com", "kate-lee4@icloud.com"),
    ],
)
def test_a_number_said_in_a_dictated_address_is_part_of_its_word(text: str, address: str) -> None:
    assert find_address(text) == address


@pytest.mark.parametrize(
    ("text", "surname"),
    [
        ("il cognome è Bianchini", "Bianchini"),
        ("il cognome giusto sarebbe Ferretti", "Ferretti"),
        ("scusa, puoi sistemare il cognome? è Verdini, non Verdi", "Verdini"),
        ("my surname is Clarkson", "Clarkson"),
        ("the last name should be Harte", "Harte"),
        ("can you fix my surname? it's Jonas not Jones", "Jonas"),
    ],
)
def test_a_surname_said_alone_changes_the_surname(text: str, surname: str) -> None:
    change = read_contact_change(text)
    assert change is not None
    assert change.field is ContactField.NAME
    assert change.value == surname
    assert change.surname


@pytest.mark.parametrize(
    "text", ["Anna Colore", "Rosa Taglio", "Sara Price", "Mark Booking", "Grace Cutter"]
)
def test_a_name_written_with_capitals_stays_a_name_with_a_word_of_a_sentence_in_it(
    text: str,
) -> None:
    assert read_name(text).value == text


@pytest.mark.parametrize("text", ["Dunno Lol Ur Call", "Boh Non Saprei", "Idk U Pick"])
def test_a_refusal_written_with_capitals_is_still_no_name(text: str) -> None:
    assert read_name(text).value is None
