"""Alternatives said in one breath: "mattina o pomeriggio", "friday or monday".

Two parts of the day joined by "o"/"or" leave the time open between them: the span from the
first one's start to the last one's end, and the whole day when that span runs from the morning
into the afternoon ("non so se mattina o pomeriggio" is any time that day). Two or more days
joined the same way are one choice: the earliest is offered first, the others beside it, and the
days between them are left out (`When.skip`). Pure functions over the date reader's tokens.
"""

from __future__ import annotations

from datetime import date, time, timedelta

__all__ = ["either_days", "either_window", "joined_as_alternatives"]

# Between two parts of the day or two days, the words that make them alternatives.
_OR = frozenset({"o", "or", "oppure", "either", "opp"})
# Words that may stand beside the "or" without changing it ("o il pomeriggio", "or in the
# afternoon", "or else monday").
_AROUND_OR = frozenset(
    {"il", "la", "lo", "l", "the", "in", "on", "di", "del", "nel", "della", "al", "else", "maybe",
     "magari", "forse", "anche", "also", ","}
)  # fmt: skip
# A span of day parts that starts this early and ends this late is the whole day.
_WHOLE_DAY = (time(8), time(18))


def joined_as_alternatives(between: tuple[str, ...]) -> bool:
    """Whether the words between two mentions make them alternatives ("o", "or else")."""
    return bool(between) and bool(set(between) & _OR) and set(between) <= _OR | _AROUND_OR


def either_window(windows: list[tuple[time, time]]) -> tuple[time, time] | None:
    """The window of parts of the day offered as alternatives: their span, or None (the whole
    day) when the span covers the morning and the afternoon."""
    start = min(w[0] for w in windows)
    end = max(w[1] for w in windows)
    if start <= _WHOLE_DAY[0] and end >= _WHOLE_DAY[1]:
        return None
    return start, end


def either_days(days: list[date]) -> tuple[date, date, tuple[date, ...]]:
    """Days offered as alternatives: the earliest, the latest, and the days between them that
    were not named (left out of the period from the one to the other)."""
    first, last = min(days), max(days)
    named = set(days)
    between = (first + timedelta(days=k) for k in range(1, (last - first).days))
    return first, last, tuple(d for d in between if d not in named)
