"""A service named by its price or its length ("quello da 45 euro", "the hour long one"): the
one service whose figure it is, among those the business offers."""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation

from bot.understanding.text import normalize

# "45 euro", "€45", "45€", "70 eur", "45,00 €"
_PRICE = re.compile(
    r"(?:€\s*(\d+(?:[.,]\d{1,2})?))|(?:(\d+(?:[.,]\d{1,2})?)\s*(?:€|(?:euro|eur|euros)\b))"
)
# "30 min", "90 minuti", "60 minutes"
_MINUTES = re.compile(r"\b(\d{1,3})\s*(?:min|mins|minuti|minute|minutes)\b")
# Lengths said in words, longest first: "un'ora e mezza" before "un'ora".
_SPOKEN = (
    (r"\b(?:un ora e mezza|un ora e mezzo|an hour and a half|hour and a half|1h30|1 h 30)\b", 90),
    (r"\b(?:mezz ora|mezzora|half an hour|half hour)\b", 30),
    (r"\b(?:un ora|una ora|an hour|one hour|hour long|1 ora|1h)\b", 60),
    (r"\b(?:due ore|two hours|2 hours|2 ore)\b", 120),
)


def by_figure(text: str, figures: Sequence[tuple[str, Decimal | None, int]]) -> str | None:
    """The id among `figures` (id, price, minutes) that the message names by its price or its
    length, when exactly one has it; None otherwise."""
    plain = re.sub(r"['’]", " ", normalize(text))
    for found in _PRICE.finditer(text.lower()):
        amount = _amount(found.group(1) or found.group(2))
        ids = [i for i, price, _ in figures if amount is not None and price == amount]
        if len(ids) == 1:
            return ids[0]
    minutes = [int(m.group(1)) for m in _MINUTES.finditer(plain)]
    minutes += [value for pattern, value in _SPOKEN if re.search(pattern, plain)][:1]
    for length in minutes:
        ids = [i for i, _, duration in figures if duration == length]
        if len(ids) == 1:
            return ids[0]
    return None


def _amount(raw: str) -> Decimal | None:
    try:
        return Decimal(raw.replace(",", "."))
    except InvalidOperation:
        return None
