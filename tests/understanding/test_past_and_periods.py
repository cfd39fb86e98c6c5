"""Past days and periods (shared/dates.md rules 5, 16, 17, 19), issue 9, dev10 round: in other
wordings than tests/corpus/dev10.yaml. now = Monday 2026-11-23 09:15 Europe/Rome."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.understanding import When, parse_when
from bot.understanding.reading import Screen, read

ROME = ZoneInfo("Europe/Rome")
NOW = datetime(2026, 11, 23, 9, 15, tzinfo=ROME)
WEDNESDAY = datetime(2026, 11, 25, 12, 0, tzinfo=ROME)
FRIDAY = datetime(2026, 11, 27, 12, 0, tzinfo=ROME)


def when(text: str, now: datetime = NOW) -> When:
    found = parse_when(text, now=now, language="it")
    assert found is not None, text
    return found


def d(day: str) -> date:
    return date.fromisoformat(day)


@pytest.mark.parametrize(
    ("text", "now", "day"),
    [
        ("this past tuesday", NOW, "2026-11-17"),
        ("monday just past", WEDNESDAY, "2026-11-23"),
        ("avantieri alle 10", NOW, "2026-11-21"),
        ("ieri l'altro verso sera", NOW, "2026-11-21"),
    ],
)
def test_past_days(text: str, now: datetime, day: str) -> None:
    found = when(text, now)
    assert (found.date, found.past) == (d(day), True)


@pytest.mark.parametrize(
    ("text", "now", "first", "last"),
    [
        ("la scorsa settimana", NOW, "2026-11-16", "2026-11-22"),
        ("the previous week", NOW, "2026-11-16", "2026-11-22"),
        ("earlier in the week", FRIDAY, "2026-11-23", "2026-11-26"),
        ("il weekend scorso", NOW, "2026-11-21", "2026-11-22"),
        ("last month", NOW, "2026-10-01", "2026-10-31"),
        ("the weekend that's just gone", NOW, "2026-11-21", "2026-11-22"),
    ],
)
def test_past_periods_are_past_not_a_year_ahead(
    text: str, now: datetime, first: str, last: str
) -> None:
    found = when(text, now)
    assert (found.date, found.last, found.past) == (d(first), d(last), True)


@pytest.mark.parametrize(
    ("text", "day", "behind"),
    [
        ("for the 17th", "2026-12-17", "2026-11-17"),
        ("il 22 va bene?", "2026-12-22", "2026-11-22"),
        ("il 16 mattina", "2026-12-16", "2026-11-16"),  # seven days behind: still said
        ("the 9th", "2026-12-09", None),  # two weeks behind: simply next month's
        ("il 27", "2026-11-27", None),
    ],
)
def test_a_day_of_the_month_just_behind_is_next_months_and_says_so(
    text: str, day: str, behind: str | None
) -> None:
    found = when(text)
    assert found.date == d(day) and not found.past
    assert found.behind == (d(behind) if behind else None)


@pytest.mark.parametrize(
    ("text", "first", "last"),
    [
        # the Christmas holidays, and the days just before Christmas
        ("during the festive season", "2026-12-24", "2027-01-06"),
        ("nelle vacanze di natale", "2026-12-24", "2027-01-06"),
        ("in the run-up to christmas", "2026-12-15", "2026-12-24"),
        ("a ridosso di natale", "2026-12-15", "2026-12-24"),
        # between two days
        ("between boxing day and new year's eve", "2026-12-26", "2026-12-31"),
        ("tra il 7 e il 9 dicembre", "2026-12-07", "2026-12-09"),
        ("between the 2nd and the 4th of december", "2026-12-02", "2026-12-04"),
        # after / before a day
        ("any time after the 12th", "2026-12-13", "2027-01-12"),
        ("dopo il 20 dicembre", "2026-12-21", "2027-01-20"),
        ("before the 1st", "2026-11-23", "2026-11-30"),
        # two weeks, the weekend after the coming one, before the weekend
        ("within the next two weeks", "2026-11-23", "2026-12-07"),
        ("entro le prossime due settimane", "2026-11-23", "2026-12-07"),
        ("the weekend after this", "2026-12-05", "2026-12-06"),
        ("il fine settimana dopo il prossimo", "2026-12-05", "2026-12-06"),
        ("prima del fine settimana", "2026-11-23", "2026-11-27"),
        # parts of a week
        ("mid week next week", "2026-12-02", "2026-12-04"),
        ("towards the end of the week", "2026-11-27", "2026-11-29"),
        ("la settimana che viene", "2026-11-30", "2026-12-06"),
        # the last week of a month, this month, around the holidays
        ("the final week in december", "2026-12-25", "2026-12-31"),
        ("l'ultima settimana di gennaio", "2027-01-25", "2027-01-31"),
        ("in questo mese", "2026-11-23", "2026-11-30"),
        ("this month please", "2026-11-23", "2026-11-30"),
        ("after the christmas holidays", "2027-01-07", "2027-02-05"),
        ("prima delle feste", "2026-12-15", "2026-12-24"),
    ],
)
def test_periods(text: str, first: str, last: str) -> None:
    found = when(text)
    assert (found.date, found.last, found.past) == (d(first), d(last), False)


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("the day after the 3rd", "2026-12-04"),
        ("il giorno prima del 10", "2026-12-09"),
        # "the thursday before, the 10th" is the 10th, named twice
        ("a cut the thursday before, the 10th", "2026-12-10"),
    ],
)
def test_one_day_before_or_after_a_date(text: str, day: str) -> None:
    found = when(text)
    assert (found.date, found.last) == (d(day), None)


def test_greetings_and_two_days_named_are_not_periods() -> None:
    assert parse_when("buone feste a tutti!", now=NOW, language="it") is None
    assert parse_when("happy new year!", now=NOW, language="en") is None
    assert when("il 4 e il 5 dicembre").last is None  # no "tra": not a period
    assert when("dopo le 10").last is None  # a time, not the days after the 10th


def test_a_shift_by_days_counts_from_the_date_named() -> None:
    reading = read("due giorni dopo il 10", Screen(), now=NOW, language="it")
    assert reading.when is not None and reading.when.date == d("2026-12-12")


def test_a_day_of_the_month_with_a_time_is_not_a_time_on_the_day_on_screen() -> None:
    screen = Screen(step="slot", day=d("2026-12-19"))
    reading = read("what about the 24th at 11am", screen, now=NOW, language="en")  # Tue 24 Nov
    assert reading.intent is None
    assert reading.when is not None and reading.when.date == d("2026-11-24")


@pytest.mark.parametrize("text", ["the weekend before", "lo scorso fine settimana", "ieri sera"])
def test_a_period_or_past_day_typed_for_a_name_is_a_day_word(text: str) -> None:
    assert read(text, Screen(step="name"), now=NOW, language="en").day_word
