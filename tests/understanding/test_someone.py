"""Who a booking is for, said without a name (dev13 round): in other wordings than
tests/corpus/dev13.yaml and the transcripts."""

from __future__ import annotations

import pytest

from bot.understanding.someone import for_whom


@pytest.mark.parametrize(
    ("text", "who"),
    [
        ("ah no, è per mio marito", "tuo marito"),
        ("te lo volevo dire, serve per la mia compagna", "la tua compagna"),
        ("per mio nonno!", "tuo nonno"),
        ("sorry this one's for my boyfriend", "your boyfriend"),
        ("need it under my dad's name", "your dad"),
        ("just for our kid please", "your kid"),
    ],
)
def test_someone_else_without_a_name_is_said_back(text: str, who: str) -> None:
    assert for_whom(text) == who


@pytest.mark.parametrize(
    "text",
    [
        "Chiara Neri, è per mia nipote",  # the name is there
        "Tom Baker for my brother",
        "per mio figlio Luca Bianchi",
        "sono io",
        "Anna Verdi",
        "per me",
    ],
)
def test_a_name_or_no_one_else_is_not_asked_for(text: str) -> None:
    assert for_whom(text) is None
