"""Working days only: "weekdays only", "no weekends", "solo giorni feriali", "dal lunedì al
venerdì". The words are taken out before the days are read (they name weekdays and weekends
that are not asked for), and the weekend days of the period asked for are left out
(`When.skip`), so they are never offered.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import timedelta
from typing import TYPE_CHECKING

from bot.understanding.text import normalize

if TYPE_CHECKING:
    from bot.understanding.when import When

__all__ = ["weekends_left_out", "without_weekdays_words"]

_WEEKDAYS_ONLY = re.compile(
    r"\b(?:(?:only |just |solo |soltanto )?(?:on |in |nei |di )?(?:weekdays?|week days?|"
    r"giorni feriali|feriali|giorni lavorativi|working days|workdays)(?: only| solo)?"
    r"|(?:no|not|non|niente|nada|never|mai) (?:on |at |il |nel |di |the |a )*(?:week ?ends?|"
    r"fine settimana|sabato e domenica|saturday or sunday|saturdays? or sundays?)"
    r"|(?:dal |from )?(?:lunedi|lun|monday|mon) (?:al|a|to|through|thru|-) ?"
    r"(?:venerdi|ven|friday|fri)"
    r"|lun-ven|mon-fri)\b"
)


def without_weekdays_words(text: str) -> str | None:
    """The message without its "weekdays only" words, or None when it has none."""
    out, found = _WEEKDAYS_ONLY.subn(" ", normalize(text))
    return " ".join(out.split()) if found else None


def weekends_left_out(when: When) -> When:
    """The period with its Saturdays and Sundays left out (a single day is left as it is)."""
    if when.last is None:
        return when
    span = (when.date + timedelta(days=k) for k in range((when.last - when.date).days + 1))
    weekend = {d for d in span if d.weekday() >= 5}
    return replace(when, skip=tuple(sorted(weekend | set(when.skip))))
