"""Alternatives and corrections inside one first message, read as a receptionist would
(now = Monday 23 November 2026, 09:15, Europe/Rome; nothing on screen yet)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.understanding.reading import Screen, read
from bot.understanding.when import When

NOW = datetime(2026, 11, 23, 9, 15, tzinfo=ZoneInfo("Europe/Rome"))
MORNING = (time(8), time(12))


def when(text: str, language: str) -> When:
    found = read(text, Screen(), now=NOW, language=language).when
    assert found is not None, text
    return found


@pytest.mark.parametrize(
    ("text", "language", "day"),
    [
        ("ciao, vorrei prenotare x domani ma nn so se mattina o pomeriggio, cosa avete?", "it",
         date(2026, 11, 24)),
        ("domani mattina o pomeriggio è uguale", "it", date(2026, 11, 24)),
        ("giovedì, mattina oppure pomeriggio, per me è indifferente", "it", date(2026, 11, 26)),
        ("thursday, morning or afternoon idc", "en", date(2026, 11, 26)),
        ("tmrw, not sure if morning or afternoon yet, what have you got", "en", date(2026, 11, 24)),
        ("friday either in the morning or in the afternoon", "en", date(2026, 11, 27)),
    ],
)  # fmt: skip
def test_morning_or_afternoon_is_the_whole_day(text: str, language: str, day: date) -> None:
    found = when(text, language)
    assert (found.date, found.time, found.window, found.last) == (day, None, None, None)


@pytest.mark.parametrize(
    ("text", "language", "window"),
    [
        ("giovedì pomeriggio o sera", "it", (time(12), time(22))),
        ("giovedì mattina o primo pomeriggio", "it", (time(8), time(15))),
        ("thursday afternoon or evening", "en", (time(12), time(22))),
        ("thursday, lunchtime or early afternoon", "en", (time(12), time(15))),
    ],
)
def test_two_parts_of_the_day_offered_as_alternatives_span_both(
    text: str, language: str, window: tuple[time, time]
) -> None:
    found = when(text, language)
    assert (found.date, found.window) == (date(2026, 11, 26), window)


def test_a_part_of_the_day_refused_still_gives_way_to_the_other() -> None:
    found = when("la mattina nn posso, pomeriggio?", "it")
    assert found.window == (time(12), time(18))


FRI, MON = date(2026, 11, 27), date(2026, 11, 30)
WEEKEND = (date(2026, 11, 28), date(2026, 11, 29))


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("ok so thursday doesnt work but friday or monday would, whichever has something around 2",
         "en"),
        ("monday or friday around 2", "en"),
        ("fri or mon, round about 2ish", "en"),
        ("thursday won't suit me, friday or monday at about 2 then", "en"),
        ("giovedì nn riesco, venerdì o lunedì verso le 2", "it"),
        ("lunedi o venerdi verso le 14", "it"),
        ("venerdì oppure lunedì, tipo alle 2", "it"),
    ],
)  # fmt: skip
def test_either_day_offers_the_earlier_first_with_the_time_kept(text: str, language: str) -> None:
    found = when(text, language)
    assert (found.date, found.last, found.time) == (FRI, MON, time(14))
    assert found.approximate
    assert found.skip == WEEKEND  # only the two days named are offered


def test_a_day_preferred_among_alternatives_is_that_day_alone() -> None:
    found = when("either friday or saturday for a trim, saturday ideally", "en")
    assert (found.date, found.last, found.skip) == (date(2026, 11, 28), None, ())


TUE = date(2026, 11, 24)


WEEK = timedelta(days=6)


@pytest.mark.parametrize(
    ("text", "language", "day", "last", "window"),
    [
        # a correction inside the message wins, and the part of the day said before carries
        ("me la fate una piega lunedi mattina? anzi no martedì, lunedì lavoro", "it", TUE, None,
         MORNING),
        ("lunedì mattina... anzi no martedì, il lunedì lavoro", "it", TUE, None, MORNING),
        ("lunedi alle 10 anzi no martedi", "it", TUE, None, None),
        ("can I get a blow dry monday morning? actually no, tuesday, I work mondays", "en", TUE,
         None, MORNING),
        ("monday morning pls... wait make that wednesday", "en", date(2026, 11, 25), None,
         MORNING),
        ("friday 11am, actually no, thursday", "en", date(2026, 11, 26), None, None),
        # a correction that names the same day again says why it is out: the next day wins
        ("una piega giovedì alle 15, anzi no, giovedì lavoro, venerdì alle 15 per favore", "it",
         date(2026, 11, 27), None, None),
        ("giovedi alle 3 anzi no giovedi ho il dentista, facciamo venerdi alle 3", "it",
         date(2026, 11, 27), None, None),
        ("thursday at 3, actually scratch that, thursday im working, friday at 3 please", "en",
         date(2026, 11, 27), None, None),
        ("thursday 3pm, no wait, thursday im busy, friday 3pm works", "en", date(2026, 11, 27),
         None, None),
        # the week after a day is the calendar week after that day's (rule 16)
        ("qualcosa per un colore la settimana dopo l'immacolata?", "it", date(2026, 12, 14),
         date(2026, 12, 14) + WEEK, None),
        ("la settimana dopo il 10 dicembre di pomeriggio", "it", date(2026, 12, 14),
         date(2026, 12, 14) + WEEK, (time(12), time(18))),
        ("la settimana dopo natale", "it", date(2026, 12, 28), date(2026, 12, 28) + WEEK, None),
        ("the week after christmas", "en", date(2026, 12, 28), date(2026, 12, 28) + WEEK, None),
        ("week after the 8th pls", "en", date(2026, 12, 14), date(2026, 12, 14) + WEEK, None),
        ("the week following the 3rd of december, mornings", "en", date(2026, 12, 7),
         date(2026, 12, 7) + WEEK, MORNING),
    ],
)  # fmt: skip
def test_a_correction_wins_and_the_week_after_a_day_is_a_week(
    text: str, language: str, day: date, last: date | None, window: tuple[time, time] | None
) -> None:
    found = when(text, language)
    assert (found.date, found.last, found.window) == (day, last, window)


AFTER_SCHOOL = (time(16), time(23, 59))


@pytest.mark.parametrize(
    ("text", "language", "day", "last"),
    [
        ("hiya could I book my daughter in for a trim, shes 6, any day after school next week",
         "en", MON, date(2026, 12, 6)),
        ("my son is 7, tuesday after school", "en", TUE, None),
        ("he's 8 and can only come after school, thursday", "en", date(2026, 11, 26), None),
        ("my 6 year old, friday when school finishes", "en", FRI, None),
        ("she's 5 so after school tomorrow pls", "en", TUE, None),
        ("mia figlia ha 6 anni, dopo la scuola domani", "it", TUE, None),
        ("x mio figlio di 7 anni, giovedì all'uscita di scuola", "it", date(2026, 11, 26), None),
        ("domani quando esce da scuola, ha 9 anni", "it", TUE, None),
        ("ha 7 anni quindi dopo la scuola, venerdì", "it", FRI, None),
        ("la bimba ha 6 anni, la prossima settimana dopo scuola", "it", MON, date(2026, 12, 6)),
    ],
)  # fmt: skip
def test_after_school_is_from_four_and_a_child_s_age_is_no_time(
    text: str, language: str, day: date, last: date | None
) -> None:
    found = when(text, language)
    assert (found.date, found.last, found.time, found.window) == (day, last, None, AFTER_SCHOOL)


@pytest.mark.parametrize(
    ("text", "first"),
    [("la settimana dopo", date(2026, 11, 30)), ("the week after next", date(2026, 12, 7))],
)
def test_the_week_after_with_no_day_is_still_a_week_from_today(text: str, first: date) -> None:
    assert when(text, "it").date == first


@pytest.mark.parametrize(
    ("text", "language", "first", "last"),
    [
        ("need a colour before xmas, weekdays only, I finish work at 6", "en", NOW.date(),
         date(2026, 12, 24)),
        ("next week, no weekends pls", "en", MON, date(2026, 12, 6)),
        ("in december, mon-fri, mornings", "en", date(2026, 12, 1), date(2026, 12, 31)),
        ("la settimana prossima, solo giorni feriali, dopo le 5", "it", MON, date(2026, 12, 6)),
        ("un colore entro natale, dal lunedì al venerdì", "it", NOW.date(), date(2026, 12, 25)),
        ("prossima settimana ma niente weekend", "it", MON, date(2026, 12, 6)),
    ],
)  # fmt: skip
def test_weekdays_only_leaves_every_weekend_day_of_the_period_out(
    text: str, language: str, first: date, last: date
) -> None:
    found = when(text, language)
    assert (found.date, found.last) == (first, last)
    days = [first + timedelta(days=k) for k in range((last - first).days + 1)]
    assert set(found.skip) == {d for d in days if d.weekday() >= 5}


def test_weekdays_only_keeps_the_time_said_with_it() -> None:
    found = when("need a colour before xmas, weekdays only, I finish work at 6", "en")
    assert found.window == (time(18), time(23, 59))


# Found by probing in the terminal chat around the six cases.
@pytest.mark.parametrize(
    ("text", "language", "day", "last", "moment", "window"),
    [
        ("friday or next monday at like 2", "en", FRI, MON, time(14), None),
        ("mon pm, actually tue pm, mon i work", "en", TUE, None, None, (time(12), time(18))),
        ("tmrw am or pm idc", "en", TUE, None, None, None),
        ("domani am", "it", TUE, None, None, MORNING),
        ("son (8) after skool friday", "en", FRI, None, None, AFTER_SCHOOL),
        ("la sett dopo l immacolata x un taglio", "it", date(2026, 12, 14),
         date(2026, 12, 20), None, None),
        ("settimana successiva all'immacolata di pomeriggio", "it", date(2026, 12, 14),
         date(2026, 12, 20), None, (time(12), time(18))),
        ("anything the week after dec 8th", "en", date(2026, 12, 14), date(2026, 12, 20), None,
         None),
        ("need a colour b4 xmas, mon-fri only, i get off work at 6", "en", NOW.date(),
         date(2026, 12, 24), None, (time(18), time(23, 59))),
    ],
)  # fmt: skip
def test_other_wordings_found_in_the_chat(
    text: str,
    language: str,
    day: date,
    last: date | None,
    moment: time | None,
    window: tuple[time, time] | None,
) -> None:
    found = when(text, language)
    assert (found.date, found.last, found.time, found.window) == (day, last, moment, window)
