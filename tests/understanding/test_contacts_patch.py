"""A part of a name or address put right, and someone else's name at the summary (dev6 round)."""

from __future__ import annotations

import pytest

from bot.understanding.contacts import (
    ContactChange,
    ContactField,
    patch_address,
    read_contact_change,
    respell,
)


@pytest.mark.parametrize(
    ("address", "text", "patched"),
    [
        ("jane.doe@example.net", "oops, .co.uk not .net", None),  # ".net" -> ".co.uk" below
        ("jane.doe@example.org", "it should be .net not .org", "jane.doe@example.net"),
        ("luca.verdi@yahoo.com", "yahoo.it non yahoo.com", "luca.verdi@yahoo.it"),
        ("luca.verdi@hotmail.it", "scusa, non hotmail ma libero", "luca.verdi@libero.it"),
        ("tom@outlook.com", "icloud instead of outlook", "tom@icloud.com"),
        ("tom@outlook.com", "not 11, 12", None),
        ("ada@studio.com", "it's .it not .com", "ada@studio.it"),
        ("ada@studio.com", "non .com, .it", "ada@studio.it"),
        ("tom@outlook.com", "tuesday not monday", None),
        ("tom@outlook.com", "tom@icloud.com not outlook", None),  # a whole address: taken as is
    ],
)
def test_patch_address(address: str, text: str, patched: str | None) -> None:
    if patched is None and "co.uk" in text:
        patched = "jane.doe@example.co.uk"
    assert patch_address(address, text) == patched


@pytest.mark.parametrize(
    ("value", "text", "fixed"),
    [
        ("giulia.ferri@x.it", "ferri con due r", None),  # already right
        ("giulia.feri@x.it", "ferri con due r", "giulia.ferri@x.it"),
        ("Anna Smith", "smyth with a y, sorry", "Anna Smyth"),
        ("anne.philips@x.com", "phillips with two Ls", "anne.phillips@x.com"),
        ("Marco Bianki", "bianchi con la h", "Marco Bianchi"),
        ("Marco Bianchi", "con la h", None),
        ("Marco Bianchi", "verdi con la v", None),  # no word of the value is near it
    ],
)
def test_respell(value: str, text: str, fixed: str | None) -> None:
    assert respell(value, text) == fixed


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("could you put it under my wife's name, Sara Lee", "Sara Lee"),
        ("puoi metterla a nome di mio figlio Luca Verdi?", "Luca Verdi"),
        ("book it for my friend Tom Hardy please", "Tom Hardy"),
        ("intestala a mia madre, Carla Neri, grazie", "Carla Neri"),
    ],
)
def test_someone_elses_name_at_the_summary(text: str, name: str) -> None:
    assert read_contact_change(text) == ContactChange(ContactField.NAME, name)


@pytest.mark.parametrize("text", ["book it for tomorrow", "can you put it under my name"])
def test_not_someone_elses_name(text: str) -> None:
    change = read_contact_change(text)
    assert change is None or change.value is None
