"""Days offered as alternatives in one message share what is said about one of them.

"weds or thurs next week", "mercoledì o giovedì della prossima settimana": the week named after
the last weekday belongs to every weekday joined to it by "or"/"o"/"and"/"e", so Wednesday is
next week's too. `bot.understanding.when` reads the days; this rule moves the earlier ones.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

__all__ = ["days_beside", "same_week_as_the_last"]

_JOINED = frozenset(["o", "or", "oppure", "and", "e", "ne", "nor"])
_WEEKS = frozenset(["NEXTWEEK", "WEEKAFTERNEXT"])


def same_week_as_the_last(
    tok: Sequence[str], spans: Sequence[tuple[int, int, date]], weekdays: Sequence[int | None]
) -> list[date]:
    """The days of `spans` (start, end, day), with a run of weekdays joined by "or"/"and" that
    ends in a weekday carrying a week ("thurs next week") put in that weekday's week. A span
    that is no bare weekday (`weekdays[k]` None) is left as it is."""
    days = [day for _, _, day in spans]
    for k in range(len(spans) - 1, 0, -1):
        start, end, day = spans[k]
        if weekdays[k] is None or not _WEEKS & set(tok[start:end]):
            continue
        monday = day - timedelta(days=day.weekday())
        j = k - 1
        while j >= 0 and weekdays[j] is not None:
            between = set(tok[spans[j][1] : spans[j + 1][0]])
            if not between or not between <= _JOINED:
                break
            days[j] = monday + timedelta(days=weekdays[j] or 0)
            j -= 1
    return days


_DAY_WORDS = frozenset(["day", "giorno"])
_SIDE = {"AFTER": 1, "BEFORE": -1, "dopo": 1, "prima": -1}
# After "the day after", words that name what it is counted from ("the day after christmas",
# "il giorno dopo il 10"): then it is not the day said before it.
_FROM = ("WD", "REL", "MO", "OFF")
_SOME = frozenset(["qualche", "alcuni", "pochi", "few", "some", "couple"])


def days_beside(
    tok: Sequence[str], spans: Sequence[tuple[int, int, date]]
) -> list[tuple[int, int, date]]:
    """ "tmrw or the day after", "domani o il giorno dopo", "friday or the day before": the day
    next to the one named before it, as (start, end, day)."""
    out: list[tuple[int, int, date]] = []
    for k in range(len(tok) - 1):
        if tok[k] not in _DAY_WORDS or tok[k + 1] not in _SIDE or (k and tok[k - 1] in _SOME):
            continue  # ("qualche giorno prima" is a deadline: bot.understanding.exclusions)
        nxt = tok[k + 2] if k + 2 < len(tok) else ""
        if nxt[:1].isdigit() or nxt.startswith(_FROM) or nxt in ("the", "il", "that", "quel"):
            continue
        earlier = [span for span in spans if span[1] <= k]
        if earlier:
            out.append((k, k + 2, earlier[-1][2] + timedelta(days=_SIDE[tok[k + 1]])))
    return out
