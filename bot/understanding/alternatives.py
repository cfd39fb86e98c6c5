"""Days offered as alternatives in one message share what is said about one of them.

"weds or thurs next week", "mercoledì o giovedì della prossima settimana": the week named after
the last weekday belongs to every weekday joined to it by "or"/"o"/"and"/"e", so Wednesday is
next week's too. `bot.understanding.when` reads the days; this rule moves the earlier ones.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

__all__ = ["same_week_as_the_last"]

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
