"""The date reader against its corpus, the examples of shared/dates.md, and awkward clocks."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from bot.understanding import When, parse_when, warm_up
from bot.understanding.evaluate import WhenCase, load_when_corpus, same_when, show
from bot.understanding.when import reaches_dateparser

ROME = ZoneInfo("Europe/Rome")
NOW = datetime(2026, 11, 23, 9, 15, tzinfo=ROME)  # Monday, as in dates.md
CASES = load_when_corpus()


def when(text: str, now: datetime = NOW, language: str = "it") -> When | None:
    return parse_when(text, now=now, language=language)


def d(day: str) -> date:
    return date.fromisoformat(day)


def test_corpus_is_large_and_balanced() -> None:
    by_language = defaultdict(int)
    for case in CASES:
        by_language[case.language] += 1
    assert len(CASES) >= 260
    assert min(by_language.values()) >= 0.4 * len(CASES)


def test_corpus_accuracy_is_at_least_97_percent_per_language() -> None:
    results: dict[str, list[bool]] = defaultdict(list)
    misses = []
    for case in CASES:
        got = when(case.text, case.now, case.language)
        ok = same_when(got, case.expect)
        results[case.language].append(ok)
        if not ok:
            misses.append(f"{case.text!r}: got {show(got)}, want {show(case.expect)}")
    for language, oks in results.items():
        assert sum(oks) / len(oks) >= 0.97, (language, misses)


# The examples of shared/dates.md: each must be read exactly (now = Mon 23 Nov 2026 09:15).
MUST_PASS: list[tuple[str, When | None]] = [
    ("venerdì", When(d("2026-11-27"))),
    ("giovedì", When(d("2026-11-26"))),
    ("Thursday", When(d("2026-11-26"))),
    ("lunedì", When(d("2026-11-30"))),
    ("oggi", When(d("2026-11-23"))),
    ("domani", When(d("2026-11-24"))),
    ("dopodomani", When(d("2026-11-25"))),
    ("the day after tomorrow", When(d("2026-11-25"))),
    ("stasera", When(d("2026-11-23"), window=(time(18), time(22)))),
    ("oggi pomeriggio", When(d("2026-11-23"), window=(time(12), time(18)))),
    ("this morning", When(d("2026-11-23"), window=(time(8), time(12)))),
    ("tonight", When(d("2026-11-23"), window=(time(18), time(22)))),
    ("martedì prossimo", When(d("2026-11-24"))),
    ("next Tuesday", When(d("2026-11-24"))),
    ("questo venerdì", When(d("2026-11-27"))),
    ("venerdì della prossima settimana", When(d("2026-12-04"))),
    ("friday next week", When(d("2026-12-04"))),
    ("7 gennaio", When(d("2027-01-07"))),
    ("il 27", When(d("2026-11-27"))),
    ("the 22nd", When(d("2026-12-22"))),
    ("8/12", When(d("2026-12-08"))),
    ("12/25", When(d("2026-12-25"))),
    ("alle 4", When(d("2026-11-23"), time(16))),
    ("at 2", When(d("2026-11-23"), time(14))),
    ("stasera alle 9", When(d("2026-11-23"), time(21))),
    ("domani mattina", When(d("2026-11-24"), window=(time(8), time(12)))),
    ("a pranzo", When(d("2026-11-23"), window=(time(12), time(14)))),
    ("primo pomeriggio", When(d("2026-11-23"), window=(time(13), time(15)))),
    ("late afternoon", When(d("2026-11-23"), window=(time(16), time(18)))),
    ("sera", When(d("2026-11-23"), window=(time(18), time(22)))),
    ("tra le 15 e le 17", When(d("2026-11-23"), window=(time(15), time(17)))),
    ("between 3 and 5", When(d("2026-11-23"), window=(time(15), time(17)))),
    ("after 6pm", When(d("2026-11-23"), window=(time(18), time(23, 59)))),
    ("prima delle 10", When(d("2026-11-23"), window=(time(0), time(10)))),
    ("before 10am", When(d("2026-11-23"), window=(time(0), time(10)))),
    ("verso le 16:30", When(d("2026-11-23"), time(16, 30), approximate=True)),
    ("around 2", When(d("2026-11-23"), time(14), approximate=True)),
    ("mezzogiorno", When(d("2026-11-23"), time(12))),
    ("noon", When(d("2026-11-23"), time(12))),
    ("alle 4 e mezza", When(d("2026-11-23"), time(16, 30))),
    ("half past 4", When(d("2026-11-23"), time(16, 30))),
    ("alle 10 e un quarto", When(d("2026-11-23"), time(10, 15))),
    ("quarter past 10", When(d("2026-11-23"), time(10, 15))),
    ("16.45", When(d("2026-11-23"), time(16, 45))),
    ("ore 16", When(d("2026-11-23"), time(16))),
    ("h 16", When(d("2026-11-23"), time(16))),
    ("tra 4 giorni", When(d("2026-11-27"))),
    ("in 4 days", When(d("2026-11-27"))),
    ("tra tre ore", When(d("2026-11-23"), time(12, 15), approximate=True)),
    ("in 3 hours", When(d("2026-11-23"), time(12, 15), approximate=True)),
    (
        "sposta giovedì a venerdì alle 11",
        When(d("2026-11-27"), time(11), previous=d("2026-11-26")),
    ),
    ("mercoledi", When(d("2026-11-25"))),
    ("venrdì", When(d("2026-11-27"))),
    ("tomorow", When(d("2026-11-24"))),
    ("thrusday", When(d("2026-11-26"))),
    ("DOPODOMANI", When(d("2026-11-25"))),
    ("la settimana prossima", When(d("2026-11-30"), last=d("2026-12-06"))),
    ("next month", When(d("2026-12-01"), last=d("2026-12-31"))),
    ("il terzo", None),
    ("un po' più tardi", None),
    ("a different day", None),
]


@pytest.mark.parametrize(("text", "expected"), MUST_PASS, ids=[t for t, _ in MUST_PASS])
def test_dates_md_examples_are_read_exactly(text: str, expected: When | None) -> None:
    assert when(text) == expected


@pytest.mark.parametrize("case", CASES, ids=[f"{c.language}:{c.text}" for c in CASES])
def test_corpus_item(case: WhenCase) -> None:
    got = when(case.text, case.now, case.language)
    assert same_when(got, case.expect), f"got {show(got)}, want {show(case.expect)}"


def test_a_weekday_alone_never_gets_a_time() -> None:
    late = datetime(2026, 11, 23, 16, 40, tzinfo=ROME)
    assert when("venerdì", late) == When(d("2026-11-27"))
    assert when("friday", late, "en") == When(d("2026-11-27"))


@pytest.mark.parametrize(
    "text",
    ["ciao", "grazie", "vorrei prenotare un taglio", "yes please", "2", "il secondo", "", "🙏"],
)
def test_messages_without_date_or_time_give_none(text: str) -> None:
    assert when(text) is None


def test_spring_forward_keeps_wall_clock_times() -> None:
    friday = datetime(2027, 3, 26, 10, 0, tzinfo=ROME)
    found = when("domenica alle 10", friday)
    assert found == When(d("2027-03-28"), time(10))
    assert datetime.combine(found.date, found.time, ROME).utcoffset() == timedelta(hours=2)


def test_fall_back_keeps_wall_clock_times() -> None:
    friday = datetime(2026, 10, 23, 12, 0, tzinfo=ROME)
    found = when("sunday at 2:30", friday, "en")
    assert found == When(d("2026-10-25"), time(14, 30))
    assert datetime.combine(found.date, found.time, ROME).utcoffset() == timedelta(hours=1)


def test_hours_from_now_count_real_hours_across_the_change() -> None:
    spring = datetime(2027, 3, 28, 1, 30, tzinfo=ROME)
    assert when("tra 2 ore", spring) == When(d("2027-03-28"), time(4, 30), approximate=True)
    autumn = datetime(2026, 10, 25, 1, 30, tzinfo=ROME)
    assert when("in 2 hours", autumn, "en") == When(d("2026-10-25"), time(2, 30), approximate=True)


def test_dst_days_read_like_any_other_day() -> None:
    for now in (
        datetime(2027, 3, 28, 0, 30, tzinfo=ROME),
        datetime(2027, 3, 28, 3, 30, tzinfo=ROME),
        datetime(2026, 10, 25, 2, 30, tzinfo=ROME, fold=1),
    ):
        assert when("oggi alle 10", now) == When(now.date(), time(10))
        assert when("domani", now) == When(now.date() + timedelta(days=1))


def test_now_is_read_in_its_own_timezone() -> None:
    new_york = datetime(2026, 11, 23, 22, 30, tzinfo=ZoneInfo("America/New_York"))
    # Already 24 Nov in UTC and in Rome; the customer's day is still the 23rd.
    assert when("tomorrow at 10", new_york, "en") == When(d("2026-11-24"), time(10))
    assert when("today", new_york, "en") == When(d("2026-11-23"))
    fixed = datetime(2026, 11, 23, 9, 15, tzinfo=timezone(timedelta(hours=9)))
    assert when("alle 11", fixed) == When(d("2026-11-23"), time(11))


def test_a_time_already_past_today_means_tomorrow() -> None:
    evening = datetime(2026, 11, 23, 22, 30, tzinfo=ROME)
    assert when("alle 9", evening) == When(d("2026-11-24"), time(9))
    assert when("alle 23", evening) == When(d("2026-11-23"), time(23))


def test_naive_now_is_refused() -> None:
    with pytest.raises(ValueError):
        parse_when("domani", now=datetime(2026, 11, 23, 9, 15), language="it")


def test_unusual_formats_fall_back_to_dateparser() -> None:
    warm_up()
    assert reaches_dateparser("2026/12/27", now=NOW)
    assert when("2026/12/27", language="en") == When(d("2026-12-27"))
    assert when("27.12.") == When(d("2026-12-27"))
    assert when("27 dicembre 2026") == When(d("2026-12-27"))


@pytest.mark.parametrize(
    "text", ["domani alle 11", "can I come next friday around 11?", "siamo in 3 persone", "ok"]
)
def test_ordinary_messages_never_reach_dateparser(text: str) -> None:
    assert not reaches_dateparser(text, now=NOW)


def test_utc_now_is_accepted() -> None:
    assert when("domani", datetime(2026, 11, 23, 8, 15, tzinfo=UTC)) == When(d("2026-11-24"))
