"""Days left out and days to come before, inside a message that names them.

"Any day but thursday", "qualsiasi giorno tranne lunedì e martedì", "next week but not the
monday", "la settimana dopo, lunedì escluso": every day named is one the customer cannot do, and
the wish is the days around them (rule 16 with days taken out). "Flying out on the 2nd so it has
to be before that", "il 2 parto, quindi dovrebbe essere prima": the day named is a deadline, and
the wish is the days up to it (rule 19). `bot.understanding.when` reads the tokens and the days
named; these rules turn them into a span of days, or say they do not apply.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from bot.understanding.text import word_set as _words

__all__ = ["Named", "Span", "deadline_span", "excluded_span", "this_week_refused"]

# How far "any day but thursday" looks when no period is named: two weeks from today.
OPEN_SPAN_DAYS = 13


@dataclass(frozen=True)
class Named:
    """A day named in the message: where its tokens are, the day it is, and whether it was
    named as a weekday ("giovedì", which leaves out every Thursday) or as a date ("il 3")."""

    start: int
    end: int
    day: date
    weekday: bool


# Words right before a day that leave it out ("tranne giovedì", "not monday", "apart from the 3rd").
_LEAVE_OUT_BEFORE = _words(
    "tranne eccetto ecceto except exept excpet excluding exclude salvo fuorche apart other not non "
    "nn without senza isn isnt aren arent"
)
# Words right after a day that leave it out ("lunedì escluso", "mondays are bad", "lunedì no").
_LEAVE_OUT_AFTER = _words(
    "escluso esclusa esclusi escluse excluded bad out impossible impossibile no non nn not cant "
    "lavoro work working busy impegnato impegnata occupato occupata don dont doesn doesnt won "
    "wont isn isnt aren arent"
)
# Words between two days that carry the first one's fate to the second ("tranne lunedì e martedì").
_CHAIN = _words("o or e and ne nor il the i di on")
_AND_OR = _words("o or e and ne nor")
# Words that open the choice to many days: only then are the days named the ones left out.
_OPEN = _words(
    "any qualsiasi qualunque ogni tutti whenever anytime anyday everyday every all anything sempre "
    "altri other"
)
# Tokens that name a period ("next week", "questa settimana"): they open the choice too.
_PERIODS = _words("NEXTWEEK THISWEEK WEEKAFTERNEXT NEXTMONTH THISMONTH WEEKEND WEEKEND2")


# Words that carry a time after a "not", so the "not" is about the time ("thursday, not before 3").
_TIME_CUES = _words("BEFORE AFTER AT BETWEEN FROM ~ prima dopo fino until till til")
_ARTICLES = _words("the il di on")
_OPEN_DAY = _OPEN | _words("day days giorno giorni time")


# Right before a day: "not this friday, the next one" is another Friday, not no Friday.
_THIS = _words("THIS this questo questa sto")
# After "not", words that turn to something else ("saturday next week, not this one").
_OTHER = _words("this that questo questa quello quella sto the il la THIS one")


# "lavoro fino a tardi", "I work till late": the whole day is taken, whatever the time cue says.
_LATE = _words("tardi late sera evening night notte DPE")


def _after_leaves_out(after: Sequence[str]) -> bool:
    for k, w in enumerate(after):
        if w == "AFTER" and k + 1 < len(after) and after[k + 1] in _LATE:
            return True  # "lavoro fino a tardi" reads as free only "after late"
        if w in _LEAVE_OUT_AFTER and any(p.startswith("DP") for p in after[:k]):
            return False  # "tuesday in the morning, not the afternoon": the "not" is for a part
        if w in _LEAVE_OUT_AFTER:
            nxt = after[k + 1] if k + 1 < len(after) else ""
            if set(after[k + 1 :]) & _LATE:
                return True
            return not (nxt in _TIME_CUES or nxt in _OTHER or nxt.isdigit() or nxt.startswith("DP"))
    return False


def _asked_again(tok: Sequence[str], d: Named) -> bool:
    """Whether a weekday left out is named again later, this time without a word that leaves it
    out: "lavoro tutti i giorni tranne il venerdì, quindi o venerdì mattina o…", "i work every
    day except fridays so friday morning": left out of the work, and asked for."""
    if not d.weekday:
        return False
    first = next((k for k in range(d.start, d.end) if tok[k].startswith("WD")), None)
    if first is None:
        return False
    # (two mentions of the day close together are one `Named`: look past its first token)
    for k in range(first + 1, len(tok)):
        if tok[k] == tok[first] and not set(tok[max(first + 1, k - 2) : k]) & _LEAVE_OUT_BEFORE:
            return not _after_leaves_out(tok[k + 1 : k + 4])
    return False


def _left_out(tok: Sequence[str], named: Sequence[Named]) -> list[bool]:
    out: list[bool] = []
    for k, d in enumerate(named):
        begin = named[k - 1].end if k else 0
        near = tok[max(begin, d.start - 3) : d.start]
        # "a parte lunedì": "parte" alone is also "leaves" ("parte il 2")
        before = set(near) | ({"apart"} if "a parte" in " ".join(near) else set())
        stop = named[k + 1].start if k + 1 < len(named) else len(tok)
        j = d.start - 1
        while j >= begin and tok[j] in _ARTICLES:
            j -= 1
        # "but" leaves a day out only after an opening word ("any day but thursday"); elsewhere
        # it turns to the day asked ("wednesday is no good but thursday")
        but = j >= begin and tok[j] in ("but", "ma")
        if d.start and tok[d.start - 1] in _THIS:
            out.append(False)  # "not this friday, the next one": another Friday, not none
            continue
        out.append(
            bool(before & _LEAVE_OUT_BEFORE)
            or (but and bool(set(tok[max(0, j - 3) : j]) & _OPEN_DAY))
            or _after_leaves_out(tok[d.end : min(d.end + 4, stop)])
        )
    # "tranne lunedì e martedì", "lunedì e martedì no": the joined days share one fate
    joined = [
        set(tok[a.end : b.start]) <= _CHAIN and bool(set(tok[a.end : b.start]) & _AND_OR)
        for a, b in itertools.pairwise(named)
    ]
    for k in [*range(1, len(named)), *range(len(named) - 1, 0, -1)]:
        if joined[k - 1]:
            out[k] = out[k - 1] = out[k] or out[k - 1]
    return out


@dataclass(frozen=True)
class Span:
    """Days asked for: `first` to `last`, without the days in `skip`."""

    first: date
    last: date
    skip: tuple[date, ...] = ()


# Between "non"/"except" and the weekday it leaves out ("non sia mercoledì", "isn't wednesday").
_BETWEEN = _words("the il lo di on sia e is t a")


def _said_right_before(tok: Sequence[str], start: int) -> bool:
    j = start - 1
    while j >= 0 and tok[j] in _BETWEEN:
        j -= 1
    return j >= 0 and tok[j] in _LEAVE_OUT_BEFORE


def excluded_span(
    tok: Sequence[str], named: Sequence[Named], today: date, period: tuple[date, date] | None
) -> Span | None:
    """The days asked for when every day named is left out of an open choice: the period (or
    the next two weeks) from its first day not left out to its last, without the days left out."""
    if not named or not all(_left_out(tok, named)) or any(_asked_again(tok, d) for d in named):
        return None
    # The choice is open when a word or a period says so, or when the first day is left out
    # by a word before it ("non lunedì né martedì", "basta che non sia mercoledì")
    # (a weekday: "no, il 2" corrects a date, it leaves nothing out)
    said_before = named[0].weekday and _said_right_before(tok, named[0].start)
    if not (set(tok) & _OPEN or set(tok) & _PERIODS or said_before):
        return None
    said = [k for k, t in enumerate(tok) if t in _PERIODS]
    if period is not None and said and named[0].start < said[0]:
        # "mercoledì non ce la faccio, la settimana prossima": the period is what is asked
        # instead of the day refused before it, not a period with that day taken out
        return None
    weekdays = {d.day.weekday() for d in named if d.weekday}
    days = {d.day for d in named if not d.weekday}
    first, last = period or (today, today + timedelta(days=OPEN_SPAN_DAYS))
    every = [first + timedelta(days=k) for k in range((last - first).days + 1)]
    kept = [day for day in every if day not in days and day.weekday() not in weekdays]
    if not kept:
        return None
    skip = tuple(day for day in every if kept[0] < day < kept[-1] and day not in kept)
    return Span(kept[0], kept[-1], skip)


# After "before"/"prima", words that point back at the day named ("before that", "prima di
# allora") or end the thought ("dovrebbe essere prima, anche di sera").
_BACK = _words(
    "that then it this quel quella quello allora quella data date anche ma but se if so quindi "
    "pls please grazie thanks possibly possibilmente magari also pure though pero"
)
_SKIP = _words("di of the il la")
# "qualche giorno prima", "a few days before", "alcuni giorni prima": up to a week before.
FEW_DAYS = 7
_DAYS = _words("giorno giorni days")
_SOME = _words("qualche alcuni pochi few some couple 2 3")
# Before "prima"/"before", words of an amount: it is "earlier", not a deadline.
_AMOUNT = _words(
    "po poco pochino bit little piu un una mezz ora ore hour hours minuti minutes giorno giorni "
    "day days week settimana OFFD OFFM"
)


def deadline_span(
    tok: Sequence[str], named: Sequence[Named], today: date, events: frozenset[str]
) -> Span | None:
    """The days from today to the day before the one named, when "before"/"prima" after it
    points back at it ("on the 2nd I fly out, so before that", "before the wedding")."""
    if len(named) != 1:
        return None
    day = named[0].day
    for j in range(named[0].end, len(tok)):
        if tok[j] not in ("BEFORE", "prima"):
            continue
        if tok[j - 1] in _DAYS and tok[j - 2] in _SOME:
            # "qualche giorno prima", "a few days before": the week before it
            last = day - timedelta(days=1)
            first = max(today, day - timedelta(days=FEW_DAYS))
            return Span(first, last) if last >= first else None
        if any(t[0].isdigit() or t.startswith("DP") for t in tok[named[0].end : j]):
            return None  # "thursday after 6, I'm at work before that": before the time
        if tok[j - 1] in _AMOUNT:
            continue  # "un po' prima", "un giorno prima": earlier, or the day before
        k = j + 1
        while k < len(tok) and tok[k] in _SKIP:
            k += 1
        if k == len(tok) or tok[k] in _BACK or tok[k] in events:
            last = day - timedelta(days=1)
            return Span(today, last) if last >= today else None
    return None


_REFUSING = _words(
    "impossibile impossible no non nn not cant busy pieno piena full impegnato impegnata out "
    "niente nothing"
)
_NEXT_ONE = _words("NEXT prossima prossimo next following dopo successiva seguente")


def this_week_refused(tok: Sequence[str]) -> bool:
    """ "questa settimana impossibile, la prossima va bene", "this week's no good, the next one
    then": this week is refused and the next one, said without its noun, is asked."""
    if "THISWEEK" not in tok or "NEXTWEEK" in tok:
        return False
    k = tok.index("THISWEEK")
    near = set(tok[max(0, k - 2) : k]) | set(tok[k + 1 : k + 4])
    return bool(near & _REFUSING) and any(t in _NEXT_ONE for t in tok[k + 1 :])
