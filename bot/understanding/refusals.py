"""Days refused with a reason inside a long message: "Thursday I'm at work all day", "mercoledì
c'è la recita di mia figlia", "tuesday I can't", "…so neither of those will do". These days drop
out and the day asked wins (rule 14). `bot.understanding.when` finds the days; this module only
says which of them the words around refuse, on the tokens `when` makes (days are `WD0`…, "after"
is `AFTER`).
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.understanding.text import word_set as _words

__all__ = ["refused_days"]


# What keeps a customer away on a day said just before it, anywhere in the clause that follows
# the day (up to the next day named).
_REASONS = _words(
    "work working lavoro lavoriamo lavora lavorare turno shift office ufficio school scuola play "
    "recita recital saggio dentist dentista dentists doctor doctors dottore medico visita "
    "appointment appuntamento gym palestra wedding matrimonio funeral funerale exam esame "
    "trip viaggio holiday vacanza vacanze away fuori impegnato impegnata impegni busy occupato "
    "occupata match partita concert concerto"
)
# Words right before a reason that make it a time of day, not a reason ("I finish work at 5",
# "dopo il lavoro", "before my shift"): the schedule gives the window, the day stays.
_SCHEDULE = _words(
    "finish finishing finished finisco finito finire finiamo stacco staccare esco uscire uscita "
    "get off leave leaving dopo after AFTER BEFORE prima before from da dal dalla till until"
)
# "friday at 10 could work", "that would work": the verb "work" says the day suits.
_SUITS = _words("could would will should might may can it that this which")
# The day is wanted after all ("giovedì sono libera", "wednesday works").
_WANTED = _words(
    "libero libera liberi libere free ok bene good fine works perfetto meglio better preferisco "
    "prefer vorrei like want posto room space available disponibile"
)
# "lavoro fino a tardi", "I work till late": the whole day is taken.
_LATE = _words("tardi late")
# "I can't", "won't", "don't think so": the contraction's "t" after a day refuses it.
_CONTRACTED = _words("can won couldn don wouldn")
# "…so neither of those will do", "nessuno dei due va bene": every day named before it.
_NEITHER = (
    ("neither",),
    ("none", "of", "those"),
    ("none", "of", "them"),
    ("nessuno", "dei", "due"),
    ("nessuno", "dei", "tre"),
    ("ne", "l", "uno", "ne", "l", "altro"),
)
_CLAUSE = 8
# Words between an event and the day it is on ("a wedding on sunday", "la recita di sabato").
_TO_THE_DAY = _words("on il the di this next questo questa la lo del della that")


def _reason(clause: Sequence[str], next_day: bool) -> bool:
    for k, w in enumerate(clause):
        if w.startswith("DP") and k <= 2:
            return False  # "the 10th in the morning as I work lates": the reason is for a part
        if w in _REASONS and next_day and set(clause[k + 1 :]) <= _TO_THE_DAY:
            return False  # "…because I have a wedding on sunday": the day after it is the busy one
        if w == "AFTER" and k + 1 < len(clause) and clause[k + 1] in _LATE:
            return True
        suits = w in ("work", "works") and k > 0 and clause[k - 1] in _SUITS
        if w in _REASONS and not suits and not set(clause[max(0, k - 2) : k]) & _SCHEDULE:
            return True
        if w == "t" and k and clause[k - 1] in _CONTRACTED:
            return True
    return False


def _neither_at(tok: Sequence[str]) -> int | None:
    for i in range(len(tok)):
        for phrase in _NEITHER:
            if tuple(tok[i : i + len(phrase)]) == phrase:
                return i
    return None


def refused_days(tok: Sequence[str], spans: Sequence[tuple[int, int]]) -> list[bool]:
    """For each day named (its token span), whether the words after it refuse it with a reason,
    or a "neither of those" after it refuses it with the others. When every day would go, the
    first one (the day asked, with the reasons after it) stays."""
    out: list[bool] = []
    for k, (_, end) in enumerate(spans):
        stop = spans[k + 1][0] if k + 1 < len(spans) else len(tok)
        clause = tok[end:stop]
        reason = _reason(clause[:_CLAUSE], stop < len(tok) and len(clause) <= _CLAUSE)
        out.append(reason and not set(clause[:4]) & _WANTED)
    neither = _neither_at(tok)
    if neither is not None:
        out = [refused or start < neither for refused, (start, _) in zip(out, spans, strict=True)]
    if out and all(out):
        out[0] = False
    return out
