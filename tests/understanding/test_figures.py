"""A service named by its price or its length (dev13 round), in other wordings than the corpus."""

from __future__ import annotations

from decimal import Decimal

import pytest

from bot.understanding.figures import by_figure

SALONE = [
    ("s_taglio", Decimal("25.00"), 30),
    ("s_piega", Decimal("45.00"), 60),
    ("s_colore", Decimal("70.00"), 90),
]


@pytest.mark.parametrize(
    ("text", "meant"),
    [
        ("prendo quello a 25€", "s_taglio"),
        ("il servizio da €70", "s_colore"),
        ("quello che dura mezz'ora", "s_taglio"),
        ("the 90 minute one", "s_colore"),
        ("the one that takes an hour and a half", "s_colore"),
        ("one hour one pls", "s_piega"),
        # no figure, or one no service has: nothing chosen
        ("quello delle 10", None),
        ("the 50 euro one", None),
        ("quello da 20 minuti", None),
    ],
)
def test_a_service_by_its_price_or_length(text: str, meant: str | None) -> None:
    assert by_figure(text, SALONE) == meant


def test_a_figure_two_services_share_chooses_none() -> None:
    shared = [("a", Decimal("30"), 30), ("b", Decimal("30"), 45)]
    assert by_figure("the 30 euro one", shared) is None
    assert by_figure("the 45 min one", shared) == "b"
