"""Days left out of an open choice carry the days to skip (dev14 round), in other wordings than
the corpus and when.yaml: the offer of a period must never land on a day the customer refused."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.understanding.when import parse_when

NOW = datetime(2026, 11, 23, 9, 15, tzinfo=ZoneInfo("Europe/Rome"))


def _weekdays(skip: tuple[date, ...]) -> set[int]:
    return {day.weekday() for day in skip}


@pytest.mark.parametrize(
    ("text", "language", "first", "weekdays"),
    [
        ("mi va bene ogni giorno, il giovedì però lavoro", "it", date(2026, 11, 23), {3}),
        ("la settimana prossima ma non di lunedì né di martedì", "it", date(2026, 12, 2), {0, 1}),
        ("anytime at all, except fridays", "en", date(2026, 11, 23), {4}),
        ("any day next week apart from wednesday", "en", date(2026, 11, 30), {2}),
        # typed fast: a misspelt "except", no accents, "a parte"
        ("cn do any day exept tuesdays", "en", date(2026, 11, 23), {1}),
        ("ogni giorno va bene a parte il sabato", "it", date(2026, 11, 23), {5}),
    ],
)
def test_days_left_out_are_skipped_through_the_period(
    text: str, language: str, first: date, weekdays: set[int]
) -> None:
    when = parse_when(text, now=NOW, language=language)
    assert when is not None and when.last is not None
    assert when.date == first
    assert _weekdays(when.skip) <= weekdays  # only the days inside the period are listed
    # every day of the period that is not skipped is one the customer did not refuse
    span = [date.fromordinal(n) for n in range(when.date.toordinal(), when.last.toordinal() + 1)]
    assert all(day.weekday() not in weekdays for day in span if day not in when.skip)


@pytest.mark.parametrize(
    ("text", "language", "day"),
    [
        # a day refused and another asked: no period, the day asked
        ("giovedì no, venerdì sì", "it", date(2026, 11, 27)),
        ("not tuesday, wednesday", "en", date(2026, 11, 25)),
        # "not" about another of the same weekday, or about a time
        ("non questo sabato, quello dopo", "it", date(2026, 11, 28)),
        ("any time on friday, only not before 4", "en", date(2026, 11, 27)),
    ],
)
def test_a_refusal_beside_a_day_asked_leaves_nothing_out(
    text: str, language: str, day: date
) -> None:
    when = parse_when(text, now=NOW, language=language)
    assert when is not None and when.date == day and when.skip == ()


@pytest.mark.parametrize(
    ("text", "language", "day"),
    [
        # the day left out of a work schedule and then asked for by name is the day asked
        ("sono in ufficio tutti i giorni tranne il mercoledì, quindi mercoledì mattina", "it",
         date(2026, 11, 25)),
        ("faccio turni ogni giorno a parte il sabato, per cui sabato alle 10 andrebbe bene", "it",
         date(2026, 11, 28)),
        ("im at the office every day except tuesdays so tuesday anytime works", "en",
         date(2026, 11, 24)),
        ("busy all week apart from thursday, thursday afternoon then?", "en", date(2026, 11, 26)),
    ],
)  # fmt: skip
def test_a_day_left_out_then_asked_for_is_the_day_asked(
    text: str, language: str, day: date
) -> None:
    when = parse_when(text, now=NOW, language=language)
    assert when is not None and when.date == day and not when.skip
