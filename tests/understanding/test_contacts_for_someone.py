"""Booking under someone else's name: the name after "a nome di mia moglie", "for my husband"."""

from __future__ import annotations

import pytest

from bot.understanding.contacts import ContactProblem, find_address, parse_email, read_name


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("a nome di mia moglie, Laura Verdi", "Laura Verdi"),
        ("è x mio marito: marco bianchi", "Marco Bianchi"),
        ("per mio figlio Luca Neri grazie", "Luca Neri"),
        ("intestato a Paolo Neri", "Paolo Neri"),
        ("it's for my husband, James Clarke", "James Clarke"),
        ("under the name Jane Doe please", "Jane Doe"),
        ("book it for Tom Price", "Tom Price"),
        ("its for my daughter emma stone", "Emma Stone"),
        ("in the name of Sarah Connor", "Sarah Connor"),
        ("oh put it under Lucy Gray cheers", "Lucy Gray"),
        ("invece metti il nome di mio figlio, Pietro Gallo", "Pietro Gallo"),
        ("actually it's for my mum, Carol Hughes", "Carol Hughes"),
    ],
)
def test_the_name_after_the_person_it_is_for(text: str, name: str) -> None:
    assert read_name(text).value == name


@pytest.mark.parametrize("text", ["per mia moglie", "for my wife", "not sure tbh", "no idea"])
def test_the_person_without_a_name_is_not_a_name(text: str) -> None:
    assert read_name(text).problem is ContactProblem.NOT_A_NAME


def test_under_a_relatives_name() -> None:
    assert read_name("put it under my wife's name, Kate Moss").value == "Kate Moss"


@pytest.mark.parametrize(
    ("text", "address"),
    [
        ("mario punto rossi chiocciola gmail punto com", "mario.rossi@gmail.com"),
        ("jane dot doe at outlook dot co dot uk", "jane.doe@outlook.co.uk"),
    ],
)
def test_a_dictated_address_is_read(text: str, address: str) -> None:
    assert parse_email(text).value == address
    assert find_address(f"la mia mail è {text} grazie") == address


def test_at_in_a_sentence_is_no_address() -> None:
    assert find_address("i am at home") is None
