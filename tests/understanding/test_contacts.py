"""Names and e-mail addresses as customers type them while booking."""

from __future__ import annotations

import socket
from typing import Any

import pytest

from bot.understanding import ContactProblem, EmailCheck, NameCheck, parse_email, parse_name
from bot.understanding.contacts import (
    dictation_choices,
    find_address,
    is_same_address,
    offers_phone,
    read_name,
    split_name_and_address,
)


@pytest.mark.parametrize(
    "name",
    ["Zoë", "Nguyễn Văn An", "Дмитрий", "O'Brien", "O’Brien", "Anne-Marie", "张伟", "Mario Rossi",
     "J. R. Smith", "de Luca", "Αλέξανδρος", "محمد علي", "Jo"],
)  # fmt: skip
def test_names_in_any_alphabet_are_kept_as_typed(name: str) -> None:
    assert parse_name(name) == NameCheck(name, None)


def test_name_is_trimmed_and_spaces_collapsed() -> None:
    assert parse_name("  Maria   de  Luca \n") == NameCheck("Maria de Luca", None)


def test_all_lowercase_name_is_capitalised_but_mixed_case_is_respected() -> None:
    assert parse_name("mario rossi").value == "Mario Rossi"
    assert parse_name("anne-marie o'brien").value == "Anne-Marie O'Brien"
    assert parse_name("ludwig van beethoven").value == "Ludwig van Beethoven"
    assert parse_name("McDonald").value == "McDonald"
    assert parse_name("de Luca").value == "de Luca"


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("", ContactProblem.EMPTY),
        ("   ", ContactProblem.EMPTY),
        ("a", ContactProblem.TOO_SHORT),
        ("A" * 101, ContactProblem.TOO_LONG),
        ("http://x.it", ContactProblem.URL),
        ("www.example.com", ContactProblem.URL),
        ("salone.it", ContactProblem.URL),
        ("a@b.it", ContactProblem.EMAIL_AS_NAME),
        ("mario.rossi@gmail.com", ContactProblem.EMAIL_AS_NAME),
        ("12345", ContactProblem.DIGITS),
        ("+39 333 1234567", ContactProblem.DIGITS),
        ("Mario 2", ContactProblem.DIGITS),
        ("Mario!", ContactProblem.INVALID_CHARS),
        ("Mario_Rossi", ContactProblem.INVALID_CHARS),
        ("😀😀", ContactProblem.INVALID_CHARS),
        ("--", ContactProblem.INVALID_CHARS),
        (".Mario", ContactProblem.INVALID_CHARS),
    ],
)
def test_bad_names_are_rejected_with_the_specific_problem(
    text: str, problem: ContactProblem
) -> None:
    assert parse_name(text) == NameCheck(None, problem)


def test_name_of_exactly_100_characters_is_accepted() -> None:
    assert parse_name("A" * 100).problem is None


@pytest.mark.parametrize(
    "address",
    ["mario.rossi@gmail.com", "anna+salone@libero.it", "info@salone-aurora.it", "j@x.io"],
)
def test_valid_addresses_pass_unchanged(address: str) -> None:
    assert parse_email(address) == EmailCheck(address, None, None)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("  mario@Gmail.COM  ", "mario@gmail.com"),
        ("<mario@gmail.com>", "mario@gmail.com"),
        ("mailto:mario@gmail.com", "mario@gmail.com"),
        ("MAILTO:mario@gmail.com", "mario@gmail.com"),
        ("Mario Rossi <mario@libero.it>", "mario@libero.it"),
        ("mario @ gmail.com", "mario@gmail.com"),
        ("mario@gmail.com.", "mario@gmail.com"),
        ("Mario.Rossi@gmail.com", "Mario.Rossi@gmail.com"),
        ("anna@MÜNCHEN.de", "anna@münchen.de"),
        ("anna@xn--mnchen-3ya.de", "anna@münchen.de"),
    ],
)
def test_addresses_are_normalised(text: str, value: str) -> None:
    check = parse_email(text)
    assert (check.value, check.problem) == (value, None)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("", ContactProblem.EMPTY),
        ("mario", ContactProblem.EMAIL_SYNTAX),
        ("mario.gmail.com", ContactProblem.EMAIL_SYNTAX),
        ("@gmail.com", ContactProblem.EMAIL_SYNTAX),
        ("mario rossi@gmail.com", ContactProblem.EMAIL_SYNTAX),
        ("mario..rossi@gmail.com", ContactProblem.EMAIL_SYNTAX),
        ("mario@", ContactProblem.EMAIL_DOMAIN),
        ("mario@localhost", ContactProblem.EMAIL_DOMAIN),
        ("mario@gmail..com", ContactProblem.EMAIL_DOMAIN),
        ("mario@-gmail.com", ContactProblem.EMAIL_DOMAIN),
        ("mario@salone.test", ContactProblem.EMAIL_DOMAIN),
    ],
)
def test_invalid_addresses_name_the_problem(text: str, problem: ContactProblem) -> None:
    check = parse_email(text)
    assert (check.value, check.problem) == (None, problem)


@pytest.mark.parametrize(
    ("typed", "suggested"),
    [
        ("mario@gmial.com", "mario@gmail.com"),
        ("mario@gmal.com", "mario@gmail.com"),
        ("mario@gmail.co", "mario@gmail.com"),
        ("mario@gmai.com", "mario@gmail.com"),
        ("mario@gmail.con", "mario@gmail.com"),
        ("mario@gmail.it", "mario@gmail.com"),
        ("mario@hotmial.com", "mario@hotmail.com"),
        ("mario@hotmal.it", "mario@hotmail.it"),
        ("mario@hotmail.ti", "mario@hotmail.it"),
        ("mario@yaho.com", "mario@yahoo.com"),
        ("mario@yahooo.it", "mario@yahoo.it"),
        ("mario@libro.it", "mario@libero.it"),
        ("mario@liberi.it", "mario@libero.it"),
        ("mario@outlok.com", "mario@outlook.com"),
        ("mario@icloud.con", "mario@icloud.com"),
        ("mario@virgilo.it", "mario@virgilio.it"),
        ("mario@tiscali.ti", "mario@tiscali.it"),
        ("mario@alcie.it", "mario@alice.it"),
        ("mario@fastweb.it", "mario@fastwebnet.it"),
        ("mario@fastwebnet.ti", "mario@fastwebnet.it"),
        ("mario@lvie.it", "mario@live.it"),
        ("mario@salone.con", "mario@salone.com"),
        ("mario@salone.cmo", "mario@salone.com"),
    ],
)
def test_domain_typos_get_a_suggestion_and_keep_the_typed_value(typed: str, suggested: str) -> None:
    assert parse_email(typed) == EmailCheck(typed, None, suggested)


def test_invalid_address_with_an_obvious_fix_gets_the_suggestion() -> None:
    assert parse_email("mario@gmailcom") == EmailCheck(
        None, ContactProblem.EMAIL_DOMAIN, "mario@gmail.com"
    )


@pytest.mark.parametrize("address", ["a@tin.it", "a@tim.it", "a@me.com", "a@ibm.com", "a@mail.com"])
def test_real_short_domains_get_no_suggestion(address: str) -> None:
    assert parse_email(address).suggestion is None


def test_checking_an_address_never_looks_up_the_domain(monkeypatch: pytest.MonkeyPatch) -> None:
    lookups: list[Any] = []

    def record(*args: Any, **kwargs: Any) -> Any:
        lookups.append(args)
        raise OSError("no DNS in tests")

    monkeypatch.setattr(socket, "getaddrinfo", record)
    monkeypatch.setattr(socket, "gethostbyname", record)
    check = parse_email("someone@a-domain-that-does-not-exist-zz9.it")
    assert check.value == "someone@a-domain-that-does-not-exist-zz9.it"
    assert lookups == []


# ---- dev5 round: dictation, name and address together, "same as last time", name in parts


@pytest.mark.parametrize(
    ("text", "address"),
    [
        ("anna underscore bell at outlook dot com", "anna_bell@outlook.com"),
        ("g dash ferri chiocciola tiscali punto it", "g-ferri@tiscali.it"),
        ("mia mail è paolo trattino basso neri chiocciola gmail punto com", "paolo_neri@gmail.com"),
    ],
)
def test_dictated_separators_are_written(text: str, address: str) -> None:
    assert find_address(text) == address
    assert dictation_choices(text) is None


@pytest.mark.parametrize(
    ("text", "choices"),
    [
        ("sarah jones at icloud dot com", ("sarahjones@icloud.com", "sarah.jones@icloud.com")),
        ("allora è paola neri chiocciola alice punto it",
         ("paolaneri@alice.it", "paola.neri@alice.it")),
    ],
)  # fmt: skip
def test_a_two_word_dictated_local_part_is_asked_not_guessed(
    text: str, choices: tuple[str, str]
) -> None:
    assert dictation_choices(text) == choices


def test_a_lead_word_before_a_dictated_address_is_not_part_of_it() -> None:
    assert dictation_choices("my email is paola at alice dot it") is None
    assert dictation_choices("write to paola at alice dot it") is None
    assert dictation_choices("scrivimi paola chiocciola alice punto it") is None
    assert dictation_choices("paola.neri@alice.it") is None


@pytest.mark.parametrize(
    ("text", "name", "choices"),
    [
        ("paola neri@alice.it", "Paola Neri", ("paolaneri@alice.it", "paola.neri@alice.it")),
        ("ecco: Sarah Jones@icloud.com", "Sarah Jones",
         ("sarahjones@icloud.com", "sarah.jones@icloud.com")),
        # a word that is not the name's, before the space, is no part of the address
        ("scrivetemi a neri@alice.it", "Paola Neri", None),
        ("reach me on jones@icloud.com", "Sarah Jones", None),
        ("paola neri@alice.it", None, None),
        ("paola.neri@alice.it", "Paola Neri", None),
    ],
)  # fmt: skip
def test_a_name_typed_with_a_space_before_the_at_is_asked(
    text: str, name: str | None, choices: tuple[str, str] | None
) -> None:
    assert dictation_choices(text, name) == choices


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Paolo, cognome Neri", "Paolo Neri"),
        ("first name Sam, surname O'Neil", "Sam O'Neil"),
        ("name: Tom last name: Hardy", "Tom Hardy"),
    ],
)
def test_first_name_and_surname_said_apart(text: str, name: str) -> None:
    assert read_name(text).value == name


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Paola Neri - paola.neri@alice.it", ("Paola Neri", "paola.neri@alice.it")),
        ("it's Sam Hardy, email sam.h@gmail.com", ("Sam Hardy", "sam.h@gmail.com")),
        ("Paola Neri e la mia mail è paola.neri@alice.it", ("Paola Neri", "paola.neri@alice.it")),
        ("paola.neri@alice.it", None),
        ("la mail è paola.neri@alice.it", None),
    ],
)
def test_a_name_and_an_address_in_one_message(text: str, expected: tuple[str, str] | None) -> None:
    assert split_name_and_address(text) == expected


@pytest.mark.parametrize(
    ("text", "same"),
    [
        ("use the same address as before", True),
        ("la solita mail", True),
        ("quella di sempre", True),
        ("same as last time please", True),
        ("sam@x.org", False),
        ("the same day", False),
    ],
)
def test_same_address_as_last_time(text: str, same: bool) -> None:
    assert is_same_address(text) is same


@pytest.mark.parametrize(
    ("text", "phone"),
    [
        ("i'd rather leave my mobile", True),
        ("ti lascio il numero: 333 987 6543", True),
        ("sam.h@gmail.com", False),
        ("sam dot h at gmail dot com", False),
        ("what's your phone number?", False),
    ],
)
def test_a_phone_number_offered_instead_of_an_address(text: str, phone: bool) -> None:
    assert offers_phone(text) is phone


@pytest.mark.parametrize(
    ("text", "name"),
    [
        # dev13 round: who it is for, then a word of politeness or "instead" before the name
        ("intestatela a mia sorella grazie: Marta Galli", "Marta Galli"),
        ("under my son's name please - Leo Hart", "Leo Hart"),
        ("names Olga Petrova", "Olga Petrova"),
    ],
)
def test_the_name_after_who_it_is_for_and_a_courtesy(text: str, name: str) -> None:
    assert read_name(text).value == name
