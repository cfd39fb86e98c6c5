"""Read when a customer wants to come ("domani alle 11", "next friday afternoon") as a `When`.

A `When` may be a period of days ("la settimana prossima", "entro venerdì": `date` to `last`) and
may be in the past ("lunedì scorso": `past`); the conversation decides what to offer for either.
Parts of a month: the beginning ("inizio mese") is days 1-10, the middle ("metà dicembre") days
11-20, the end ("fine mese", "end of the month") its last seven days.

In a message naming several days, a day after a self-correction ("anzi", "actually", "I mean",
"o meglio", "cioè", "no wait") replaces the one before it, and a day said to be impossible ("we
have a wedding on saturday", "venerdì sono via", "giovedì non posso") gives way to the others.

A fast rule layer over the normalised text follows the rules of shared/dates.md; dateparser is
only asked about what the layer cannot read at all (unusual date formats).
"""

from __future__ import annotations

import calendar
import itertools
import logging
import re
import time as _clock
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from typing import Any

from bot.understanding import _vocab as v
from bot.understanding.alternatives import days_beside, same_week_as_the_last
from bot.understanding.either import either_days, either_window, joined_as_alternatives
from bot.understanding.exclusions import (
    Named,
    Span,
    deadline_span,
    excluded_span,
    this_week_refused,
)
from bot.understanding.refusals import refused_days
from bot.understanding.text import closest, normalize
from bot.understanding.text import word_set as _words
from bot.understanding.weekdays import weekends_left_out, without_weekdays_words

logger = logging.getLogger(__name__)

__all__ = ["When", "parse_when", "warm_up"]


_Date = date
_Time = time


@dataclass(frozen=True)
class When:
    """A date, plus at most one of a point time or a window (a day part or a range)."""

    date: _Date
    time: _Time | None = None
    window: tuple[_Time, _Time] | None = None
    approximate: bool = False
    previous: _Date | None = None
    # A period of days ("la settimana prossima", "entro venerdì"): `date` is its first day still
    # ahead and `last` its last day; None for a single day.
    last: _Date | None = None
    # The customer named a day that is already behind them ("lunedì scorso", "ieri").
    past: bool = False
    # A day of the month said alone and read as next month's (rule 5) while this month's is
    # only a few days behind ("the 20th" on the 23rd): that past day, so it can be said back.
    behind: _Date | None = field(default=None, compare=False)
    # Days inside a period the customer left out ("next week, but not the monday").
    skip: tuple[_Date, ...] = ()


OPEN_START = time(0, 0)
OPEN_END = time(23, 59)
DAY_PARTS: dict[str, tuple[time, time]] = {
    "DPM": (time(8), time(12)),
    "DPL": (time(12), time(14)),
    "DPEA": (time(13), time(15)),
    "DPA": (time(12), time(18)),
    "DPLA": (time(16), time(18)),
    "DPE": (time(18), time(22)),
}
# An open "after" window counts as still ahead today until the evening ends.
_OPEN_AFTER_TODAY_UNTIL = time(22)
# "mattina o pomeriggio" without a day: today until the afternoon ends.
_WHOLE_DAY_UNTIL = time(18)
# A day and month at most this far behind today is the past, not next year (rule 17).
PAST_GRACE_DAYS = 31
# A day of the month said alone that fell at most this many days ago may be that past day.
BEHIND_DAYS = 7
# "after the 10th", "dopo natale": the days after it, for this long.
AFTER_DAY_SPAN = 30


# Words around a day that say the customer cannot come then ("sabato abbiamo una comunione").


_BUSY_AFTER = _words(
    "abbiamo ho c abbiam siamo sono busy impegnato impegnata impegnati occupato occupata "
    "occupati lavoro work working no not non nn cant cannot impossibile impossible niente "
    "out away via fuori tranne except have got"
)
_BUSY_BEFORE = _words(
    "tranne eccetto except not non nn no cant cannot t busy impegnato impegnata lavoro work "
    "working but"
)
# Events that keep the customer away on a day said near them ("we have a wedding on saturday",
# "c'è la comunione sabato"): that day is the impossible one, within a few words either side.
_BUSY_EVENTS = _words(
    "wedding party christening baptism funeral birthday dinner meeting trip holiday holidays "
    "vacation exam concert away busy matrimonio comunione battesimo cresima funerale compleanno "
    "festa cena pranzo riunione impegno impegni viaggio vacanza vacanze esame concerto partita "
    "match game via fuori impegnato impegnata occupato occupata dentist dentista doctor doctors "
    "dottore medico hospital ospedale gym palestra"
)
_NEGATED_GOOD = re.compile(
    r"\b(?:no|not|non|nn) (?:e |is |va |so |very |molto |)(?:good|bene|ok|fine)\b"
)
# Within one message, a day after one of these replaces the day before it ("domani... anzi no,
# meglio venerdì", "tomorrow, I mean friday", "giovedì o meglio venerdì").
_SELF_CORRECTION = (
    ("anzi",),
    ("actually",),
    ("cioe",),
    ("i", "mean"),
    ("wait",),
    ("aspetta",),
    ("aspe",),
    ("o", "meglio"),
    ("no", "meglio"),
    ("or", "rather"),
    ("rather",),
    ("scusa",),
    ("sorry",),
    ("volevo", "dire"),
    ("intendevo",),
    ("make", "that"),
    ("no", "no"),
)
_PREFERRED = _words(
    "ideally idealmente ideale preferably preferibilmente meglio preferirei preferisco prefer "
    "preferred preferito preferita"
)
_ROOM_ASKED = _words("posto posti spazio room space disponibilita available availability free")
_WANTED_NEAR = _words(
    "libero libera liberi libere free ok bene good fine works perfetto meglio better "
    "preferisco prefer vorrei like want tempo time"
)

_MUST_BE = (
    r"(?:(?:ma |pero |perche |che |poi |since |as |cos |because )?(?:io |i )?(?:devo|dovrei|deve|"
    r"need to|have to|must|gotta|ve got to|got to) (?:essere|entrare|andare|stare|iniziare|"
    r"attaccare|be|start|leave|go))"
)
_HOUR = r"(\d{1,2}(?:[:.]\d{2})?(?: e mezza| e mezzo| e un quarto| ?[ap]m)?)"
_PLACE = (
    r"(?:al lavoro|in ufficio|a scuola|a lavoro|in negozio|at work|at the office|at school|"
    r"in work|in the office)"
)
_GLUED = [
    # "alle 11 devo essere al lavoro", "i have to be at work at 11": the visit ends before then
    (re.compile(rf"\b(?:alle|all|per le|at|for) {_HOUR} ({_MUST_BE})\b"), r"entro le \1 \2"),
    (
        re.compile(rf"\b({_MUST_BE} {_PLACE}) (?:alle|all|per le|at|for|by) {_HOUR}"),
        r"\1 entro le \2",
    ),
    # British "I'm after", "we were after": wanting, not a day or time after another
    (
        re.compile(r"\b(i|we)\s?'?\s?(?:m|am|re|are|was|were)\s+(?:really |just |only )?after\b"),
        r"\1 want",
    ),
    (re.compile(r"\b(\d{1,2})h(\d{2})\b"), r"\1:\2"),
    (re.compile(r"\bh\s?(\d{1,2})\b"), r"AT \1"),
    (re.compile(r"\b(\d{1,2})h\b"), r"AT \1"),
    # "l'8", "l'11": the Italian elision of "il" before a vowel sound, a day of the month
    (re.compile(r"(?<![\w'])l\s?'\s?(8|11)\b(?![:.]\d)"), r"il \1"),
    # "the 10 o'clock one": a time (the pronoun "one" goes with it), never the 10th
    (re.compile(r"\b(\d{1,2})\s?o\s?'?\s?clock(?: ones?\b)?"), r"AT \1"),
    # "3pm-5pm" -> "3-5pm": the range shares the second meridiem when that makes sense
    (re.compile(r"\b(\d{1,2}(?::\d{2})?)\s?[ap]\s?m\s?-\s?(\d{1,2})"), r"\1-\2"),
    (re.compile(r"\b(\d{1,2}(?::\d{2})?)\s?-\s?(\d{1,2}(?::\d{2})?)\b"), r"\1-\2"),
    # voice-to-text "2 30 pm": the minutes as a separate word, with the meridiem after them
    (re.compile(r"\b(\d{1,2}) ([0-5]\d)(?= ?[ap]\.?\s?m\b)"), r"\1:\2"),
    (re.compile(r"(\d)\s*([ap])\s?m\b"), r"\1 \2m"),
    (re.compile(r"\b(\d{1,2})(ish)\b"), r"\1 ish"),
    (re.compile(r"\b(noon|midday|lunch|lunchtime|morning|afternoon|evening)ish\b"), r"around \1"),
    (re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)\b"), r"\1ORD"),
    (re.compile(r"(?<=[a-z])-(?=[a-z])|'"), " "),
]
# A weekday with a week named beside it ("martedì della settimana prossima", "tuesday the week
# after next", "a fortnight on tuesday") is that weekday in that week.
_WEEK_MODES = {
    "NEXTWEEK": "next_week",
    "LASTWEEK": "last_week",
    "WEEKAFTERNEXT": "week_after_next",
    "FORTNIGHTON": "fortnight_on",
    "WEEKON": "week_on",
}
_INT = re.compile(r"^\d{1,2}$")
_WEEKDAY_TOKEN = re.compile(r"^WD\d$")
_ORD = re.compile(r"^(\d{1,2})ORDW?$")
_HM = re.compile(r"^(\d{1,2})[:.](\d{2})$")
_NUMERIC_DATE = re.compile(r"^(\d{1,2})([/.\-])(\d{1,2})(?:\2(\d{2}|\d{4}))?$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_DASH_RANGE = re.compile(r"^(\d{1,2})(?::(\d{2}))?-(\d{1,2})(?::(\d{2}))?$")
_YEAR = re.compile(r"^(19|20)\d{2}$")
_TIME_CUES = frozenset({"AT", "~", "BETWEEN", "FROM", "AFTER", "BEFORE", "le", "la"})
_JOINERS = frozenset({"e", "and", "to", "AT", "a", "-", "BEFORE", "till", "le"})
_FILLER = frozenset({"il", "the", "on", "of", "di", "del", "della", "giorno", "day", "per", "for"})


@dataclass
class _Moment:
    """A time read from the text, before day parts decide its half of the day."""

    hour: int
    minute: int
    meridiem: str | None
    written_24h: bool


@dataclass
class _Mention:
    start: int
    end: int
    kind: str  # date | point | range | after | before | part | minutes
    day: date | None = None
    moments: list[_Moment] = field(default_factory=list)
    part: str | None = None
    approximate: bool = False
    previous_hint: bool = False
    minutes: int = 0
    last: date | None = None
    busy: bool = False
    behind: date | None = None


# ---------------------------------------------------------------- tokens


@lru_cache(maxsize=8192)
def _fix_word(word: str) -> str:
    if word in v.WORDS or word in v.NUMBERS or word in v.NO_TYPO or not word.isalpha():
        return word
    return closest(word, v.TYPO_TARGETS) or word


@lru_cache(maxsize=4096)
def _tokens(text: str) -> tuple[str, ...]:
    s = normalize(text)
    for pattern, replacement in _GLUED:
        s = pattern.sub(replacement, s)
    s = " ".join(_fix_word(w) for w in s.split())
    s = v.PHRASES.sub(lambda m: f" {v.PHRASE_REPLACEMENTS[int(str(m.lastgroup)[1:])]} ", s)
    raw_words = s.split()
    words = [
        w
        if (w in _ARTICLES and not _one_here(raw_words, i))
        or (w == "one" and i > 0 and raw_words[i - 1] in _ONE_PRONOUN)
        else v.NUMBERS.get(w, w)
        for i, w in enumerate(raw_words)
    ]
    # "twenty seven" -> 27
    merged: list[str] = []
    for w in words:
        if merged and merged[-1] in ("20", "30") and (_INT.match(w) or _ORD.match(w)):
            last = int(merged.pop())
            m = _ORD.match(w)
            merged.append(f"{last + int(m.group(1))}ORDW" if m else str(last + int(w)))
        else:
            merged.append(w)
    s = v.OFFSET.sub(_offset_token, " ".join(merged))
    out: list[str] = []
    raw = s.split()
    for i, w in enumerate(raw):
        if w == "mar" and any(
            0 <= j < len(raw) and (_INT.match(raw[j]) or _ORD.match(raw[j])) for j in (i - 1, i + 1)
        ):
            out.append("MO3")
            continue
        out.extend(v.WORDS.get(w, w).split())
    return tuple(_lone_meridiem(out))


def _lone_meridiem(tok: list[str]) -> list[str]:
    """ "tue pm", "domani am": a meridiem right after a day, with no hour, is that half of the
    day (the afternoon, the morning)."""
    out: list[str] = []
    for t in tok:
        after_day = bool(out) and out[-1].startswith(("WD", "REL"))
        # "tmrw am or pm": the second one of two halves said as alternatives
        after_half = len(out) > 1 and out[-1] in ("or", "o") and out[-2] in ("DPM", "DPA")
        out.append(
            {"AM": "DPM", "PM": "DPA"}[t] if t in ("AM", "PM") and (after_day or after_half) else t
        )
    return out


# "un", "uno", "una" are articles ("pomeriggio una piega") unless a time or an amount is meant:
# "alle una", "l'una e mezza", "tra un'ora", "una e un quarto".
_ARTICLES = frozenset({"un", "uno", "una"})
_ONE_BEFORE = frozenset(
    {"alle", "all", "l", "la", "le", "ore", "verso", "dopo", "prima", "entro", "tra", "fra", "in",
     "dall", "dalle", "dalla", "per", "AT", "~", "e", "o", "and", "or", "-", "a"}
)  # fmt: skip


# "the one at half 10", "that one": a pronoun, not the 1st.
_ONE_PRONOUN = frozenset(
    {"the", "that", "this", "which", "any", "other", "another", "earlier", "later", "first",
     "last", "next", "same", "no"}
)  # fmt: skip


def _one_here(words: list[str], i: int) -> bool:
    before = words[i - 1] if i > 0 else ""
    after = words[i + 1] if i + 1 < len(words) else ""
    return before in _ONE_BEFORE or after in ("e", "meno", "and") or not after or after.isdigit()


def _offset_token(m: re.Match[str]) -> str:
    n_text = m.group("n1") or m.group("n2") or m.group("n3")
    unit = v.OFFSET_UNITS.get(m.group("u1") or m.group("u2") or m.group("u3") or "")
    if unit is None or (m.group("n3") and unit > 0):
        return m.group(0)
    n = 1 if n_text in ("a", "an", "un", "una") else int(n_text)
    if m.group("n3"):
        n = -n
    return f"OFFD {n * -unit}" if unit < 0 else f"OFFM {n * unit}"


# ---------------------------------------------------------------- dates


def _add_months(day: int, month: int, year: int) -> tuple[int, int]:
    month += 1
    if month > 12:
        return 1, year + 1
    return month, year


def _day_of_month(day: int, today: date) -> date | None:
    """This month if not past, else the next month that has that day."""
    if not 1 <= day <= 31:
        return None
    month, year = today.month, today.year
    if day < today.day:
        month, year = _add_months(day, month, year)
    for _ in range(3):
        if day <= calendar.monthrange(year, month)[1]:
            return date(year, month, day)
        month, year = _add_months(day, month, year)
    return None


def _day_month(day: int, month: int, year: int | None, today: date) -> date | None:
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return None
    if year is not None:
        if year < 100:
            year += 2000
        try:
            return date(year, month, day)
        except ValueError:
            return None
    for y in (today.year - 1, today.year, today.year + 1, today.year + 2):
        try:
            candidate = date(y, month, day)
        except ValueError:
            continue
        # Rule 17: a date up to a month behind is the past; only older ones roll over a year.
        if candidate >= today - timedelta(days=PAST_GRACE_DAYS):
            return candidate
    return None


def _weekday(target: int, today: date, mode: str) -> date:
    if mode == "last_week":  # "lunedì della settimana scorsa": the previous calendar week
        return today - timedelta(days=today.weekday() + 7) + timedelta(days=target)
    if mode == "this":
        ahead = (target - today.weekday()) % 7
        return today + timedelta(days=ahead)
    if mode in ("next_week", "week_after_next"):
        weeks = 1 if mode == "next_week" else 2
        monday = today - timedelta(days=today.weekday()) + timedelta(days=7 * weeks)
        return monday + timedelta(days=target)
    if mode in ("week_on", "fortnight_on"):
        ahead = (target - today.weekday()) % 7 or 7
        return today + timedelta(days=ahead + (7 if mode == "week_on" else 14))
    ahead = (target - today.weekday()) % 7 or 7
    return today + timedelta(days=ahead)


def _number(token: str) -> int | None:
    if _INT.match(token):
        return int(token)
    m = _ORD.match(token)
    return int(m.group(1)) if m else None


def _month_of(token: str) -> int | None:
    return int(token[2:]) if token.startswith("MO") and token[2:].isdigit() else None


def _read_date(tok: tuple[str, ...], i: int, today: date) -> tuple[date, int] | None:
    """An explicit calendar date starting at i ("27 dicembre 2026", "dec 27th", "8/12")."""
    t = tok[i]
    m = _ISO_DATE.match(t)
    if m:
        return _valid(_day_month(int(m.group(3)), int(m.group(2)), int(m.group(1)), today), i + 1)
    m = _NUMERIC_DATE.match(t)
    if m and not (m.group(2) == "." and m.group(4) is None):
        if m.group(2) == "-" and m.group(4) is None:
            return None  # "15-17" is a range of hours
        a, b = int(m.group(1)), int(m.group(3))
        year = int(m.group(4)) if m.group(4) else None
        day_first = b <= 12
        return _valid(_day_month(a if day_first else b, b if day_first else a, year, today), i + 1)
    n = _number(t)
    if n is not None:
        month_after, j = _month_after(tok, i)
        if month_after is not None:
            year, end = _year_after(tok, j + 1)
            return _valid(_day_month(n, month_after, year, today), end)
        return None
    month_first = _month_of(t)
    if month_first is not None:
        j = i + 1
        if j < len(tok) and tok[j] in ("the", "il"):
            j += 1
        day_number = _number(tok[j]) if j < len(tok) else None
        if day_number is not None and not (j + 1 < len(tok) and tok[j + 1] in ("AM", "PM")):
            year, end = _year_after(tok, j + 1)
            return _valid(_day_month(day_number, month_first, year, today), end)
    return None


def _impossible_date(tok: tuple[str, ...], i: int) -> bool:
    """A day number with a month it cannot be in ("31 novembre", "30 febbraio")."""
    n = _number(tok[i])
    month: int | None = None
    if n is not None:  # "31 novembre", "31st of november"
        month = _month_after(tok, i)[0]
    elif _month_of(tok[i]) is not None:  # "november 31", "february the 30th"
        j = i + 2 if i + 1 < len(tok) and tok[i + 1] in ("the", "il") else i + 1
        if j < len(tok) and not (j + 1 < len(tok) and tok[j + 1] in ("AM", "PM")):
            n, month = _number(tok[j]), _month_of(tok[i])
    if n is None or month is None:
        return False
    return not 1 <= n <= 31 or n > (29 if month == 2 else calendar.monthrange(2001, month)[1])


def _month_after(tok: tuple[str, ...], i: int) -> tuple[int | None, int]:
    """The month named right after the day number at i ("27 dicembre", "27th of december"),
    and where it stands."""
    j = i + 1
    if j < len(tok) and tok[j] in ("di", "of", "de"):
        j += 1
    return (_month_of(tok[j]) if j < len(tok) else None), j


def _valid(day: date | None, end: int) -> tuple[date, int] | None:
    return None if day is None else (day, end)


def _year_after(tok: tuple[str, ...], j: int) -> tuple[int | None, int]:
    if j < len(tok) and _YEAR.match(tok[j]):
        return int(tok[j]), j + 1
    return None, j


def _date_mentions(tok: tuple[str, ...], today: date, now: datetime) -> list[_Mention]:
    found: list[_Mention] = []
    i = 0
    while i < len(tok):
        t = tok[i]
        if t.startswith("REL") and _by_before(tok, i):
            # "entro dopodomani", "nei prossimi giorni": the days from today to that one
            last = today + timedelta(days=int(t[3:]))
            found.append(_Mention(i, i + 1, "date", today, last=max(last, today)))
        elif t.startswith("REL"):
            found.append(_Mention(i, i + 1, "date", today + timedelta(days=int(t[3:]))))
        elif t == "OFFD" and i + 1 < len(tok):
            found.append(_Mention(i, i + 2, "date", today + timedelta(days=int(tok[i + 1]))))
            i += 2
            continue
        elif t.startswith("WD") and t[2:].isdigit():
            mode = "plain"
            end = i + 1
            if i > 0 and tok[i - 1] == "THIS":
                mode = "this"
            for week, week_mode in _WEEK_MODES.items():
                if week in tok[max(0, i - 3) : i]:
                    mode = week_mode
            for j in range(i + 1, min(i + 4, len(tok))):
                if tok[j] in _WEEK_MODES:
                    mode, end = _WEEK_MODES[tok[j]], j + 1
                    break
                if j == i + 1 and tok[j] in ("week", "wk"):
                    # British "tuesday week": a week after the coming Tuesday.
                    mode, end = "week_on", j + 1
                    break
                if tok[j] == "THISWEEK":
                    mode, end = "this", j + 1
                    break
                if tok[j] not in _FILLER:
                    break
            day = _weekday(int(t[2:]), today, mode)
            if (i > 0 and tok[i - 1] == "PASTW") or (end < len(tok) and tok[end] == "PASTW"):
                # "lunedì scorso", "last friday": the latest such day before today.
                day = today - timedelta(days=(today.weekday() - int(t[2:])) % 7 or 7)
                end += 1 if end < len(tok) and tok[end] == "PASTW" else 0
            # "venerdì 27", "Thursday, December 3rd": the explicit date decides.
            j = end
            while j < len(tok) and tok[j] in ("il", "the", "on", ","):
                j += 1
            if j < len(tok):
                explicit = _read_date(tok, j, today)
                if explicit is not None:
                    day, end = explicit
                elif _number(tok[j]) is not None and (
                    not _is_time_after(tok, j) or _ORD.match(tok[j]) or _vague_time_next(tok, j)
                ):
                    n = _number(tok[j])
                    by_day = _weekday_date(n or 0, int(t[2:]), today)
                    if (
                        by_day is not None
                        and by_day.weekday() != int(t[2:])
                        and not _ORD.match(tok[j])
                        and (n or 0) <= 23
                    ):
                        by_day = None  # "sunday 11" with no Sunday the 11th near: 11 o'clock
                    if by_day is not None:
                        day, end = by_day, j + 1
            if _by_before(tok, i) and day >= today:
                # "entro venerdì", "by friday": any day from today to that day (rule 19).
                found.append(_Mention(i - 1, end, "date", today, last=day))
                i = end
                continue
            found.append(_Mention(i, end, "date", day))
            i = end
            continue
        else:
            explicit = _read_date(tok, i, today)
            if explicit is not None:
                bounded = _bounded(tok, i, explicit[0], today)
                if _by_before(tok, i) and explicit[0] >= today:
                    found.append(_Mention(i, explicit[1], "date", today, last=explicit[0]))
                elif bounded is not None and explicit[0] >= today:
                    bounded.end = explicit[1]
                    found.append(bounded)
                else:
                    found.append(_Mention(i, explicit[1], "date", explicit[0]))
                i = explicit[1]
                continue
            n = _number(t)
            if n is not None and _is_day_alone(tok, i) and _month_after(tok, i)[0] is None:
                # A day with its month that does not exist ("31 novembre") is no date at all,
                # not "the 31st" of some other month.
                day_alone = _day_of_month(n, today)
                bounded = _bounded(tok, i, day_alone, today) if day_alone else None
                if day_alone is not None and _by_before(tok, i):
                    found.append(_Mention(i, i + 1, "date", today, last=day_alone))
                elif bounded is not None:
                    found.append(bounded)
                elif day_alone is not None:
                    behind = today.replace(day=n) if n < today.day else None
                    if behind is not None and (today - behind).days > BEHIND_DAYS:
                        behind = None
                    found.append(_Mention(i, i + 1, "date", day_alone, behind=behind))
        i += 1
    return found


def _bounded(tok: tuple[str, ...], i: int, day: date, today: date) -> _Mention | None:
    """ "after the 10th", "dopo natale": the days after it; "before the 5th": the days from
    today up to the day before it (rules 16 and 19). None when no such word comes before."""
    j = i - 1
    while j >= 0 and tok[j] in ("il", "the", "on", "di", "del", "l"):
        j -= 1
    if j >= 0 and tok[j] == "WEEKAFTER":
        # "la settimana dopo l'immacolata": the calendar week after that day's (rule 16)
        monday = day - timedelta(days=day.weekday() - 7)
        return _Mention(j, i + 1, "date", monday, last=monday + timedelta(days=6))
    if j < 0 or tok[j] not in ("AFTER", "BEFORE"):
        return None
    if j > 0 and (_WEEKDAY_TOKEN.match(tok[j - 1]) or tok[j - 1] in ("week", "settimana")):
        return None  # "the thursday before, the 10th": that day, named twice
    if tok[max(0, j - 2) : j] in (("the", "day"), ("il", "giorno")):
        # "the day before the 5th", "il giorno dopo il 10": one day, not the days up to or after
        one = day + timedelta(days=1 if tok[j] == "AFTER" else -1)
        beside = day + timedelta(days=-1 if tok[j] == "AFTER" else 1)
        if any(_number(t) == beside.day for t in tok[: max(0, j - 2)]):
            # "on the 12th … the day before, the 11th": the day before the 12th, named again
            return _Mention(i, i + 1, "date", day)
        return _Mention(j - 2, i + 1, "date", one)
    end = i + 1
    while end < len(tok) and (tok[end].startswith("MO") or _YEAR.match(tok[end])):
        end += 1
    if tok[j] == "AFTER":
        first = day + timedelta(days=1)
        return _Mention(j, end, "date", first, last=first + timedelta(days=AFTER_DAY_SPAN))
    if day <= today + timedelta(days=1):
        return None
    return _Mention(j, end, "date", today, last=day - timedelta(days=1))


_BESIDE_FILLERS = frozenset({"il", "the", "l", "lo", "la", "di", "del", "della"})


def _weekday_beside(tok: tuple[str, ...], dates: list[_Mention]) -> list[_Mention]:
    """ "il lunedì dopo natale", "the friday before the 18th": the first such weekday after (the
    last before) the day named, as one mention."""
    out: list[_Mention] = []
    for earlier, later in itertools.pairwise(dates):
        # "can't do thursday, could we try the following tuesday", "il martedì successivo": the
        # first such weekday after the day said before it, not after today
        days = [t for t in tok[later.start : later.end] if _WEEKDAY_TOKEN.match(t)]
        following = (later.start > 0 and tok[later.start - 1] == "following") or (
            later.end < len(tok) and tok[later.end] in ("successivo", "successiva", "seguente")
        )
        if len(days) == 1 and following and earlier.day is not None and later.day is not None:
            day = earlier.day + timedelta(days=1)
            while day.weekday() != int(days[0][2:]):
                day += timedelta(days=1)
            later.day = max(day, later.day)
    k = 0
    while k < len(dates):
        first = dates[k]
        second = dates[k + 1] if k + 1 < len(dates) else None
        weekday = [t for t in tok[first.start : first.end] if _WEEKDAY_TOKEN.match(t)]
        between = (
            [t for t in tok[first.end : second.start] if t not in _BESIDE_FILLERS] if second else []
        )
        if (
            second is not None
            and len(weekday) == 1
            and first.end - first.start <= 2
            and between in (["AFTER"], ["BEFORE"])
            and second.day is not None
            and second.last is None
            # "the thursday before, the 10th" (a Thursday): that day, named twice
            and (second.day.weekday() != int(weekday[0][2:]) or second.end - second.start > 1)
        ):
            wanted = int(weekday[0][2:])
            step = 1 if between == ["AFTER"] else -1
            day = second.day + timedelta(days=step)
            while day.weekday() != wanted:
                day += timedelta(days=step)
            out.append(_Mention(first.start, second.end, "date", day))
            k += 2
            continue
        out.append(first)
        k += 1
    return out


_BETWEEN_CUES = frozenset({"BETWEEN", "tra", "fra"})
_BETWEEN_JOINERS = frozenset({"e", "and", "to", "-", "a", "al", "fino", "BEFORE", "il", "the"})


def _between_days(tok: tuple[str, ...], dates: list[_Mention]) -> list[_Mention]:
    """ "tra natale e capodanno", "between the 1st and the 5th": the days from one to the other,
    as one period (rule 16)."""
    given = dates
    only = dates[0].day if len(dates) == 1 and dates[0].last is None else None
    if only is not None:
        # "between the 28th and the 30th of december": the first day takes the second's month
        k = dates[0].start - 1
        while k >= 0 and tok[k] in _BETWEEN_JOINERS:
            k -= 1
        n = _number(tok[k]) if 0 <= k < dates[0].start - 1 else None
        if n is not None and 1 <= n < only.day:
            dates = [_Mention(k, k + 1, "date", only.replace(day=n)), dates[0]]
    if len(dates) != 2 or any(d.last is not None for d in dates):
        return given
    first, second = dates
    j = first.start - 1
    while j >= 0 and tok[j] in ("il", "the", "i", "giorni", "days", "l"):
        j -= 1
    between = tok[first.end : second.start]
    if (
        j < 0
        or tok[j] not in _BETWEEN_CUES
        or not between
        or not set(between) <= _BETWEEN_JOINERS
        or first.day is None
        or second.day is None
        or second.day <= first.day
    ):
        return given
    return [_Mention(j, second.end, "date", first.day, last=second.day)]


def _by_before(tok: tuple[str, ...], i: int) -> bool:
    """ "entro venerdì", "entro il 5 dicembre", "by the 5th": a deadline, not a day."""
    j = i - 1
    while j >= 0 and tok[j] in ("il", "the", "on", "di", "del"):
        j -= 1
    return j >= 0 and tok[j] == "BY"


def _vague_time_next(tok: tuple[str, ...], j: int) -> bool:
    """ "10 verso le 5", "3 ~ DPL": a number followed by a vague time is a day, not the time."""
    k = j + 1
    if k >= len(tok) or tok[k] != "~":
        return False
    k += 1
    while k < len(tok) and tok[k] in ("AT", "le", "la", "l", "the"):
        k += 1
    return k < len(tok) and (tok[k] in DAY_PARTS or _moment_at(tok, k) is not None)


def _weekday_date(n: int, weekday: int, today: date) -> date | None:
    """ "giovedì 10": the 10th of this or next month; a past 10th only when only it is a Thursday
    (rule 17: "sabato 21" said on the 23rd is last Saturday)."""
    ahead = _day_of_month(n, today)
    if ahead is not None and ahead.weekday() == weekday:
        return ahead
    if 1 <= n < today.day and today - date(today.year, today.month, n) <= timedelta(
        days=PAST_GRACE_DAYS
    ):
        behind = date(today.year, today.month, n)
        if behind.weekday() == weekday:
            return behind
    return ahead


def _is_time_after(tok: tuple[str, ...], j: int) -> bool:
    return j + 1 < len(tok) and tok[j + 1] in ("AM", "PM", "+30", "+15", "+45", "-15", "~")


def _is_day_alone(tok: tuple[str, ...], i: int) -> bool:
    """ "il 27", "the 22nd", "on the 3rd": a day of the month without a month."""
    t = tok[i]
    nxt = tok[i + 1] if i + 1 < len(tok) else ""
    if nxt == "~" and _vague_time_next(tok, i):
        pass  # "il 3 verso ora di pranzo": the day, then a vague time
    elif nxt in ("e", "and"):
        after = tok[i + 2] if i + 2 < len(tok) else ""
        if not after or _number(after) is not None or after in ("il", "the", "AT"):
            return False  # "il 4 e il 5", "il 4 e 30"; "il 4 è meglio" is the 4th
    elif nxt in ("AM", "PM", "+30", "+15", "+45", "-15", "-", "BEFORE", "~"):
        return False
    prev = tok[i - 1] if i > 0 else ""
    if prev in _TIME_CUES or prev.startswith("REL") or prev.startswith("DP"):
        return False
    if t.endswith("ORDW"):
        return False  # "the third one" picks an offer; only "the 3rd" names a day
    if t.endswith("ORD"):
        return prev != "il"
    if prev not in ("il", "the", "giorno", "on", "del", "al"):
        return False
    # "dopo il 10", "before the 5": a day; "dopo le 10" is a time
    return i < 2 or tok[i - 2] not in _TIME_CUES or tok[i - 2] in ("AFTER", "BEFORE")


# ---------------------------------------------------------------- times


def _moment_at(tok: tuple[str, ...], i: int, in_range: bool = False) -> tuple[_Moment, int] | None:
    """A clock time starting at i: "16", "16:30", "4 PM", "4 +30", "HALFPAST 4", "5 -15"."""
    if i >= len(tok):
        return None
    t = tok[i]
    if t in ("HALFPAST", "QPAST", "QTO"):
        inner = _moment_at(tok, i + 1, in_range)
        if inner is None:
            return None
        moment, end = inner
        if t == "QTO":
            moment.hour, moment.minute = (moment.hour - 1) % 24, 45
        else:
            moment.minute = 30 if t == "HALFPAST" else 15
        return moment, end
    if t == "half" and i + 1 < len(tok) and _INT.match(tok[i + 1]):
        inner = _moment_at(tok, i + 1, in_range)
        if inner is not None:
            inner[0].minute = 30
        return inner
    if _INT.match(t) and i + 2 < len(tok) and tok[i + 1] in ("past", "to", "after"):
        minutes = int(t)
        wanted = tok[i + 1] == "past" or minutes in (20, 25)
        inner = _moment_at(tok, i + 2, in_range) if wanted else None
        if inner is not None and 0 < minutes < 60 and tok[i + 1] != "to":
            inner[0].minute = minutes
            return inner
        if inner is not None and 0 < minutes < 60:
            moment = inner[0]
            moment.hour, moment.minute = (moment.hour - 1) % 24, 60 - minutes
            return inner
    m = _HM.match(t)
    if m:
        hour, minute = int(m.group(1)), int(m.group(2))
        written_24h = (len(m.group(1)) == 2 and m.group(1).startswith("0")) or hour >= 13
    elif _INT.match(t):
        hour, minute = int(t), 0
        written_24h = (len(t) == 2 and t.startswith("0")) or hour >= 13
    else:
        return None
    if hour > 24 or minute > 59:
        return None
    end = i + 1
    meridiem: str | None = None
    if end < len(tok) and tok[end] in ("AM", "PM"):
        meridiem = tok[end].lower()
        end += 1
    if end < len(tok):
        nxt = tok[end]
        if nxt in ("+30", "+15", "+45") and minute == 0:
            minute = int(nxt[1:])
            end += 1
        elif nxt == "-15" or (nxt == "meno" and end + 1 < len(tok) and _INT.match(tok[end + 1])):
            less = 15 if nxt == "-15" else int(tok[end + 1])
            if 0 < less < 60 and minute == 0:
                hour, minute = (hour - 1) % 24, 60 - less
                end += 1 if nxt == "-15" else 2
        elif (
            nxt in ("e", "and")
            and not in_range
            and end + 1 < len(tok)
            and _INT.match(tok[end + 1])
            and 10 <= int(tok[end + 1]) <= 55
            and minute == 0
        ):
            minute = int(tok[end + 1])
            end += 2
        elif _INT.match(nxt) and len(nxt) == 2 and 10 <= int(nxt) <= 59 and minute == 0:
            minute = int(nxt)  # "at 10 30"
            end += 1
    if end < len(tok) and tok[end] in ("AM", "PM") and meridiem is None:
        meridiem = tok[end].lower()
        end += 1
    return _Moment(hour % 24 if hour == 24 else hour, minute, meridiem, written_24h), end


def _looks_like_time(tok: tuple[str, ...], i: int) -> bool:
    t = tok[i]
    if _HM.match(t):
        return int(t.split(":")[0].split(".")[0]) <= 24
    # "twenty past 3", "25 to 5"; "10 to 12" stays a range of hours
    if (
        _INT.match(t)
        and i + 2 < len(tok)
        and _INT.match(tok[i + 2])
        and (tok[i + 1] == "past" or (tok[i + 1] == "to" and t in ("20", "25")))
    ):
        return True
    if _INT.match(t) and i > 0 and tok[i - 1] in DAY_PARTS:
        # "stasera 9", "pomeriggio 3"; not "mattina un taglio" (1 is no morning hour)
        start, end = DAY_PARTS[tok[i - 1]]
        return any(start.hour <= h <= end.hour for h in (int(t), int(t) + 12))
    if (
        _INT.match(t)
        and i > 0
        and (tok[i - 1].startswith("REL") or _WEEKDAY_TOKEN.match(tok[i - 1]))
    ):
        return int(t) <= 23  # "domani 11", "sunday 11" (no Sunday the 11th near)
    if _INT.match(t) and i + 1 < len(tok):
        return tok[i + 1] in ("AM", "PM", "+30", "+15", "+45", "-15", "~", "ONW")
    return t in ("HALFPAST", "QPAST", "QTO")


# After "le 3", words that leave it an hour ("no, le 3 dicevo", "meglio le 4 allora", "le 5 del
# pomeriggio"); "le 3 opzioni" is no time.
_AFTER_LE = _words(
    "dicevo intendevo intendo allora va andrebbe vanno meglio ok pls please grazie e o oppure "
    "invece piuttosto se sarebbe magari pero ma di del della che per ~ AT"
)


def _bare_le(tok: tuple[str, ...], j: int) -> bool:
    """ "no, le 3", "facciamo le 4 allora": an hour after the plural article, said alone."""
    if tok[j - 1] != "le" or not _INT.match(tok[j]) or not 1 <= int(tok[j]) <= 23:
        return False
    return (
        j + 1 == len(tok) or tok[j + 1] in _AFTER_LE or tok[j + 1].startswith(("DP", "WD", "REL"))
    )


def _time_mentions(tok: tuple[str, ...], taken: set[int]) -> list[_Mention]:
    found: list[_Mention] = []
    i = 0
    n = len(tok)
    while i < n:
        if i in taken:
            i += 1
            continue
        t = tok[i]
        if t in DAY_PARTS:
            found.append(_Mention(i, i + 1, "part", part=t))
            i += 1
            continue
        if t == "OFFM" and i + 1 < n:
            found.append(_Mention(i, i + 2, "minutes", minutes=int(tok[i + 1])))
            i += 2
            continue
        dash = _DASH_RANGE.match(t)
        if dash and (
            (i > 0 and tok[i - 1] in _TIME_CUES)
            or (i + 1 < n and tok[i + 1] in ("AM", "PM"))
            or dash.group(2)
            or int(dash.group(1)) < int(dash.group(3)) <= 23
        ):
            mer = tok[i + 1].lower() if i + 1 < n and tok[i + 1] in ("AM", "PM") else None
            a = _Moment(int(dash.group(1)), int(dash.group(2) or 0), None, False)
            b = _Moment(int(dash.group(3)), int(dash.group(4) or 0), mer, False)
            a.written_24h = a.hour >= 13
            b.written_24h = b.hour >= 13
            found.append(_Mention(i, i + (2 if mer else 1), "range", moments=[a, b]))
            i += 2 if mer else 1
            continue
        cue = t
        j = i + 1 if cue in _TIME_CUES else i
        approximate = False
        if cue in ("AT", "~"):
            approximate = cue == "~"
            while j < n and tok[j] in ("AT", "~", "le", "la", "l", "the"):
                approximate = approximate or tok[j] == "~"
                j += 1
        elif cue in ("BETWEEN", "FROM", "AFTER", "BEFORE"):
            while j < n and tok[j] in ("le", "la", "l", "AT", "~", "the"):
                j += 1
        if cue in ("AFTER", "BEFORE") and j < n and tok[j] in DAY_PARTS:
            # "any time after lunch": from the end of the part; "before lunch": until its start.
            start, stop = DAY_PARTS[tok[j]]
            edge = stop if cue == "AFTER" else start
            moment = _Moment(edge.hour, edge.minute, None, True)
            kind = "after" if cue == "AFTER" else "before"
            found.append(_Mention(i, j + 1, kind, moments=[moment]))
            i = j + 1
            continue
        if cue not in _TIME_CUES and not _looks_like_time(tok, i):
            i += 1
            continue
        if cue in ("le", "la") and not _looks_like_time(tok, j) and not _bare_le(tok, j):
            i += 1
            continue
        first = _moment_at(tok, j, in_range=cue in ("BETWEEN", "FROM"))
        if first is None:
            i += 1
            continue
        moment, end = first
        if cue in ("BETWEEN", "FROM"):
            k = end
            while k < n and tok[k] in _JOINERS:
                k += 1
            second = _moment_at(tok, k, in_range=True) if k > end else None
            if second is not None:
                found.append(_Mention(i, second[1], "range", moments=[moment, second[0]]))
                i = second[1]
                continue
            if cue == "FROM" or (end < n and tok[end] == "ONW"):
                end += 1 if end < n and tok[end] == "ONW" else 0
                found.append(_Mention(i, end, "after", moments=[moment]))
                i = end
                continue
        if cue == "AFTER":
            found.append(_Mention(i, end, "after", moments=[moment]))
        elif cue == "BEFORE":
            found.append(_Mention(i, end, "before", moments=[moment]))
        elif end < n and tok[end] == "ONW":
            found.append(_Mention(i, end + 1, "after", moments=[moment]))
            end += 1
        else:
            if end < n and tok[end] == "~":
                approximate = True
                end += 1
            found.append(_Mention(i, end, "point", moments=[moment], approximate=approximate))
        i = end
    return found


def _clock_time(moment: _Moment, part: str | None) -> time:
    hour = moment.hour
    if moment.meridiem == "pm" and hour < 12:
        hour += 12
    elif moment.meridiem == "am" and hour == 12:
        hour = 0
    elif moment.meridiem is None and not moment.written_24h:
        if part == "DPE":
            hour = hour + 12 if 1 <= hour < 12 else hour
        elif part in ("DPA", "DPEA", "DPLA", "DPL"):
            hour = hour + 12 if 1 <= hour <= 11 else hour
        elif part != "DPM" and 1 <= hour <= 7:
            hour += 12
    return time(hour % 24, moment.minute)


def _range_times(a: _Moment, b: _Moment, part: str | None) -> tuple[time, time]:
    if a.meridiem is None and b.meridiem is not None and not a.written_24h:
        shared = _Moment(a.hour, a.minute, b.meridiem, False)
        start_shared, end = _clock_time(shared, part), _clock_time(b, part)
        if start_shared < end:
            return start_shared, end
    start, end = _clock_time(a, part), _clock_time(b, part)
    if end <= start and b.meridiem is None and end.hour < 12:
        end = time(end.hour + 12, end.minute)
    return start, end


# ---------------------------------------------------------------- assembly


def _layer(text: str, now: datetime) -> When | None:
    tok = _tokens(text)
    today = now.date()
    if _names_impossible_date(tok):
        return None  # "31 novembre alle 10": the customer named a day that does not exist
    dates = _date_mentions(tok, today, now)
    beside = days_beside(tok, [(m.start, m.end, m.day) for m in dates if m.day is not None])
    if beside:  # "domani o il giorno dopo"
        dates = sorted(dates + [_Mention(a, b, "date", day) for a, b, day in beside], key=_at)
    taken = {k for m in dates for k in range(m.start, m.end)}
    times = _time_mentions(tok, taken)
    # Merge neighbouring mentions of the same day ("domani, giovedì 26").
    merged: list[_Mention] = []
    for m in dates:
        # (not across a sentence: "tutti i giorni tranne mercoledì … quindi mercoledì pomeriggio")
        if merged and merged[-1].day == m.day and m.start - merged[-1].end <= _MERGE_GAP:
            merged[-1].end = m.end
            continue
        merged.append(m)
    for m, day in zip(merged, _shared_week(tok, merged), strict=True):
        m.day = day
    named = _between_days(tok, _weekday_beside(tok, merged))
    dates = _wanted(tok, named)
    if this_week_refused(tok):
        tok = tuple("NEXTWEEK" if t == "THISWEEK" else t for t in tok)
    period = _period(tok, today)
    span = _left_out_or_before(tok, named, today, period)
    if span is not None:
        dates, period = [], (span.first, span.last, False)
    elif dates:
        period = None
    if not dates and not times and period is None:
        return None
    target, previous = _pick_target(tok, dates)
    alternatives = len(dates) > 1 and previous is None
    mine = [m for m in times if _owner(m, dates) is target] if target else times
    if alternatives:
        mine = times  # "giovedì o venerdì pomeriggio": the day part is for either day
    # "alle 10... anzi no, alle 11": a time after a self-correction replaces the one before it.
    mine = [
        m
        for k, m in enumerate(mine)
        if k + 1 == len(mine) or not _corrects(tok[m.end : mine[k + 1].start])
    ]
    parts = [m for m in mine if m.kind == "part"]
    either = len(parts) > 1 and all(
        joined_as_alternatives(tok[a.end : b.start]) for a, b in itertools.pairwise(parts)
    )
    if either:  # "non so se mattina o pomeriggio": any time across both, not one of them
        parts = []
    elif len(parts) > 1 or (parts and any(m.kind in _CLOCK_KINDS for m in mine)):
        # "la mattina nn posso, pomeriggio?": a part of the day refused gives way to the other;
        # "i can't do mornings so after 2": nor does it make the hour a morning one.
        wanted = [m for k, m in enumerate(parts) if not _refused_part(tok, parts, k)]
        parts = wanted or (parts if len(parts) > 1 else [])
    if alternatives and any(m.kind in _CLOCK_KINDS and _owner(m, dates) is dates[0] for m in mine):
        # "giovedì dopo le sei, altrimenti sabato mattina": the fallback's part of the day does
        # not make the first day's hour a morning one
        parts = [m for m in parts if _owner(m, dates) is dates[0]]
    part = parts[0].part if parts else None
    minutes = next((m for m in mine if m.kind == "minutes"), None)
    if minutes is not None:
        moment = (now.astimezone(UTC) + timedelta(minutes=minutes.minutes)).astimezone(now.tzinfo)
        return When(moment.date(), time(moment.hour, moment.minute), approximate=True)
    point = _nearest(mine, "point", target)
    ranged = _nearest(mine, "range", target)
    after = _nearest(mine, "after", target)
    before = _nearest(mine, "before", target)
    when_time: time | None = None
    window: tuple[time, time] | None = None
    approximate = False
    if (
        point is not None
        and after is not None
        and ranged is None
        and before is None
        and _clock_time(point.moments[0], part) >= _clock_time(after.moments[0], part)
    ):
        # "esco alle 6, quindi mercoledì alle 6 e mezza": the time asked for fits inside the
        # bound said around it (a work schedule, "after 4"), so it is the wish.
        after = None
    if ranged is not None:
        window = _range_times(ranged.moments[0], ranged.moments[1], part)
    elif after is not None and before is not None:
        window = _range_times(after.moments[0], before.moments[0], part)
    elif after is not None:
        window = (_clock_time(after.moments[0], part), OPEN_END)
    elif before is not None:
        window = (OPEN_START, _clock_time(before.moments[0], part))
    elif point is not None:
        when_time = _clock_time(point.moments[0], part)
        approximate = point.approximate
    elif part is not None:
        window = DAY_PARTS[part]
    elif either:
        window = either_window([DAY_PARTS[str(m.part)] for m in mine if m.kind == "part"])
    last: date | None = None
    behind: date | None = None
    past_period = False
    skip: tuple[date, ...] = ()
    if alternatives and all(d.day is not None and d.last is None for d in dates):
        # "friday or monday": the earliest first, the others beside it, none of the days between
        day, last, skip = either_days([d.day for d in dates if d.day is not None])
    elif target is not None and target.day is not None:
        day, last, behind = target.day, target.last, target.behind
    elif period is not None:
        day, last, past_period = period
    elif when_time is not None:
        day = today if when_time > now.time().replace(second=0, microsecond=0) else _next(today)
    elif window is not None:
        limit = _OPEN_AFTER_TODAY_UNTIL if window[1] == OPEN_END else window[1]
        day = today if now.time() < limit else _next(today)
    elif either:
        day = today if now.time() < _WHOLE_DAY_UNTIL else _next(today)
    else:
        return None
    if last is not None and day == today and when_time is not None and when_time <= now.time():
        day = _next(today)  # "entro venerdì alle 10" at 11: from tomorrow
    if last is not None and last <= day:
        last = None if last == day else last
    return When(
        day,
        when_time,
        window,
        approximate,
        previous.day if previous else None,
        last=last,
        past=day < today or past_period,
        behind=behind,
        # days left out of a period ("any day but thursday"), or between "friday or monday"
        skip=skip or (span.skip if span is not None and last is not None else ()),
    )


_CLOCK_KINDS = frozenset({"point", "range", "after", "before"})
# Two mentions of the same day at most this many words apart are one ("domani, giovedì 26").
_MERGE_GAP = 3


def _at(m: _Mention) -> int:
    return m.start


def _shared_week(tok: tuple[str, ...], dates: list[_Mention]) -> list[date | None]:
    """ "weds or thurs next week": see `bot.understanding.alternatives`."""
    dated = [d for d in dates if d.day is not None]
    if len(dated) != len(dates) or len(dates) < 2:
        return [d.day for d in dates]
    weekdays = [
        int(w[0][2:])
        if len(w := [t for t in tok[d.start : d.end] if _WEEKDAY_TOKEN.match(t)]) == 1
        and d.last is None
        else None
        for d in dates
    ]
    spans = [(d.start, d.end, d.day) for d in dates if d.day is not None]
    return list(same_week_as_the_last(tok, spans, weekdays))


def _left_out_or_before(
    tok: tuple[str, ...], dates: list[_Mention], today: date, period: tuple[date, date, bool] | None
) -> Span | None:
    """The days asked for when every day named is left out ("any day but thursday") or is a
    deadline pointed back at ("il 2 parto, quindi prima"): see `bot.understanding.exclusions`."""
    named = [
        Named(d.start, d.end, d.day, any(_WEEKDAY_TOKEN.match(t) for t in tok[d.start : d.end]))
        for d in dates
        if d.day is not None and d.last is None and d.day >= today
    ]
    if len(named) != len(dates):
        return None
    open_period = (period[0], period[1]) if period is not None and not period[2] else None
    return excluded_span(tok, named, today, open_period) or deadline_span(
        tok, named, today, _BUSY_EVENTS
    )


def _nearest(mine: list[_Mention], kind: str, target: _Mention | None) -> _Mention | None:
    """The first time of this kind, or, when there are several, the one said with the day
    ("I finish at 6 most days but on fridays at 3, so friday"): nearest to it."""
    found = [m for m in mine if m.kind == kind]
    if len(found) < 2 or target is None:
        return found[0] if found else None

    def distance(m: _Mention) -> int:
        if target.start <= m.start and m.end <= target.end:
            return 0
        return min(abs(m.start - target.end), abs(target.start - m.end))

    return min(found, key=distance)


def _wanted(tok: tuple[str, ...], dates: list[_Mention]) -> list[_Mention]:
    """The days asked for: days said to be impossible ("sabato abbiamo una comunione", "not
    monday") drop out when another day remains (rule 14)."""
    if len(dates) < 2:
        return dates
    pairs = list(itertools.pairwise(dates))
    corrections = [(d, nxt) for d, nxt in pairs if _corrects(tok[d.end : nxt.start])]
    corrected = [d for d, _ in corrections]
    # "lunedì? anzi no martedì": the "no" of the correction is not about the day it brings; a
    # correction that names the same day again ("friday at 10, scratch that, friday im working")
    # brings no day, it says why the first one is out.
    correcting = [nxt for d, nxt in corrections if nxt.day != d.day]
    if corrected:
        dates = [d for d in dates if d not in corrected]
        if len(dates) < 2:
            return dates
    # "free tomorrow or wednesday, ideally wednesday morning": the day preferred is the wish.
    preferred = [
        d
        for k, d in enumerate(dates)
        if set(tok[max(0, d.start - 2) : d.end]) & _PREFERRED
        # "wed would suit me better", "mercoledì sarebbe meglio": said after the day
        or set(tok[d.end : min(d.end + 4, _start_of(dates, k + 1, len(tok)))]) & _BETTER_AFTER
    ]
    if preferred and len(preferred) < len(dates):
        dates = preferred
        if len(dates) < 2:
            return dates
    for k, d in enumerate(dates):
        stop = dates[k + 1].start if k + 1 < len(dates) else len(tok)
        # A "no" right after the previous day is about that day ("mercoledì no, giovedì sì").
        begin = min(dates[k - 1].end + (4 if dates[k - 1].busy else 0), d.start) if k else 0
        after = set(tok[d.end : min(d.end + 3, stop)])
        before = set(tok[max(begin, d.start - 2) : d.start])
        if _contrast_before(tok, d):
            before -= {"but"}  # "wednesday is no good either but thursday": the day asked
        near = set(tok[max(begin, d.start - 5) : d.start]) | set(tok[d.end : min(d.end + 4, stop)])
        refused = _NEGATED_GOOD.search(" ".join(tok[d.end : min(d.end + 4, stop)])) is not None
        # "giovedì pomeriggio c'è posto?": asking for room is wanting the day.
        room = set(tok[d.end : min(d.end + 5, stop)]) & _ROOM_ASKED
        d.busy = (
            (
                bool((after & _BUSY_AFTER) or (before & _BUSY_BEFORE) or (near & _BUSY_EVENTS))
                and not (after & _WANTED_NEAR and not refused)
                and not room
                and not _moved_to(tok, d)
                # "venerdì al posto di giovedì", "friday instead of thursday": the day asked
                and "INSTEAD" not in tok[d.end : min(d.end + 2, stop)]
            )
            or refused
            # "thursday's impossible, friday too": a day refused like the one before it
            or (k > 0 and dates[k - 1].busy and bool(after & _LIKEWISE) and not room)
        )
        if any(d is c for c in correcting):
            # The day a correction brings is the wish; what follows it is about the day after
            # ("actually no, tuesday, I work mondays"), unless it says no to this one outright.
            d.busy = refused or bool(after & _NO_TO_IT)
    # "Thursday I'm at work all day", "tuesday I can't", "neither of those will do"
    for d, by_reason in zip(
        dates, refused_days(tok, [(d.start, d.end) for d in dates]), strict=True
    ):
        mended = any(d is c for c in correcting)  # its reason is about the day it replaces
        d.busy = d.busy or (by_reason and not mended and not _moved_to(tok, d))
    # "lunedì e martedì non posso", "thursday or friday won't work": days joined by "e"/"or"
    # share the refusal said after the last of them.
    for d, nxt in reversed(list(itertools.pairwise(dates))):
        between = tok[d.end : nxt.start]
        if nxt.busy and between and all(w in _JOINED for w in between):
            d.busy = True
    kept = [d for d in dates if not d.busy]
    return kept or dates


_JOINED = _words("e ed and o or ne nor")


def _start_of(dates: list[_Mention], k: int, default: int) -> int:
    return dates[k].start if k < len(dates) else default


_BETTER_AFTER = _words(
    "better best meglio preferibile preferable ideal ideale comodo comoda convenient easier "
    "easiest preferably preferibilmente ideally idealmente"
)
_LIKEWISE = _words("too either neither nor neanche nemmeno neppure pure")
_NO_TO_IT = _words("no non nn not cant cannot")


# "any day but thursday", "anything but monday": "but" excludes; after other words it contrasts.
_EXCLUDING = _words("day days anything everything all any time giorno giorni")


def _contrast_before(tok: tuple[str, ...], d: _Mention) -> bool:
    """Whether the day follows a "but" that turns to it from what came before ("wednesday is no
    good but thursday works") rather than one that leaves it out ("any day but thursday")."""
    if d.start < 2 or tok[d.start - 1] != "but":
        return False
    return tok[d.start - 2] not in _EXCLUDING


# The word before the day an appointment is moved to ("al lunedì", "to monday").
_MOVE_TO = _words("a al all alla allo to till until")


def _moved_to(tok: tuple[str, ...], d: _Mention) -> bool:
    """Whether a day is where an appointment is moved to ("spostare l'appuntamento al lunedì",
    "move it to monday"): the day asked for, whatever keeps the customer busy before it."""
    if d.start == 0 or tok[d.start - 1] not in _MOVE_TO:
        return False
    before = tok[max(0, d.start - 4) : d.start - 1]
    return any(w == "APPT" or w.startswith(("spost", "mov", "push", "switch")) for w in before)


_PART_REFUSED = _words(
    "no not non nn cant cannot nothing niente nessun never mai t impossibile impossible busy "
    "lavoro work working"
)


def _refused_part(tok: tuple[str, ...], parts: list[_Mention], k: int) -> bool:
    """Whether the words right around a part of the day refuse it ("nothing in the morning",
    "la mattina non posso", "mornings I work"); words right after one part belong to it, not
    to the next ("la mattina nn posso, pomeriggio?")."""
    m = parts[k]
    if _not_the(tok, m.start) is not None:
        return True  # "in the morning, not the afternoon"
    low = max(m.start - 3, parts[k - 1].end + 3 if k else 0)
    high = min(m.end + 3, parts[k + 1].start if k + 1 < len(parts) else len(tok))
    if k + 1 < len(parts):
        high = min(high, _not_the(tok, parts[k + 1].start) or high)
    around = set(tok[low : m.start]) | set(tok[m.end : high])
    return bool(around & _PART_REFUSED)


_ARTICLE = _words("the il la in nel nella di of al")


def _not_the(tok: tuple[str, ...], start: int) -> int | None:
    """Where a "not" that refuses the part of the day at `start` stands ("not the afternoon",
    "non il pomeriggio"): a "not" then an article right before it."""
    j = start - 1
    while j >= 0 and start - j <= 2 and tok[j] in _ARTICLE:
        j -= 1
    if j < start - 1 and j >= 0 and tok[j] in ("not", "non", "nn"):
        return j
    return None


def _corrects(between: tuple[str, ...]) -> bool:
    """Whether the words between two days say the second replaces the first."""
    for marks in _SELF_CORRECTION:
        n = len(marks)
        if any(between[k : k + n] == marks for k in range(len(between) - n + 1)):
            return True
    return False


def _period(tok: tuple[str, ...], today: date) -> tuple[date, date, bool] | None:
    """A period without a day (rule 16): a week, part of a week, a weekend, a month or part of
    it, the Christmas holidays, as its first day still ahead, its last day, and False; a period
    wholly behind today ("last week", "earlier this week": rule 17) as its days and True."""
    part = next((t for t in tok if t in ("PSTART", "PMID", "PEND", "PLASTW")), None)
    span: tuple[date, date] | None = None
    monday = today - timedelta(days=today.weekday())
    if "LASTWEEK" in tok:
        return monday - timedelta(days=7), monday - timedelta(days=1), True
    if "EARLIERWEEK" in tok:
        if today == monday:
            return monday - timedelta(days=7), monday - timedelta(days=1), True
        return monday, today - timedelta(days=1), True
    if "XMASHOLS" in tok or "PREXMAS" in tok:
        year = today.year - 1 if today.month == 1 and today.day <= 6 else today.year
        christmas = date(year, 12, 25)
        k = tok.index("PREXMAS") if "PREXMAS" in tok else tok.index("XMASHOLS")
        epiphany = date(year + 1, 1, 6)
        if "PREXMAS" in tok or (k > 0 and tok[k - 1] == "BEFORE"):
            # "sotto natale", "prima delle feste": the days before Christmas
            span = (christmas - timedelta(days=10), christmas - timedelta(days=1))
        elif k > 0 and tok[k - 1] == "AFTER":  # "dopo le feste", "after the holidays"
            span = (epiphany + timedelta(days=1), epiphany + timedelta(days=AFTER_DAY_SPAN))
        else:
            span = (christmas - timedelta(days=1), epiphany)
    elif (
        "NEXTWEEK" in tok
        or "THISWEEK" in tok
        or "WEEKAFTERNEXT" in tok
        or (part is not None and ("week" in tok or "settimana" in tok))
    ):
        # "end of the week", "la fine della settimana": this week
        if "NEXTWEEK" in tok:
            monday += timedelta(days=7)
        if "WEEKAFTERNEXT" in tok:
            monday += timedelta(days=14)
        span = (monday, monday + timedelta(days=6))
        if part is not None:
            offset = {"PSTART": 0, "PMID": 2, "PEND": 4}[part]
            span = (monday + timedelta(days=offset), monday + timedelta(days=offset + 2))
    elif "WEEKEND" in tok or "WEEKEND2" in tok:
        saturday = today + timedelta(days=(5 - today.weekday()) % 7)
        if today.weekday() == 6:
            saturday = today - timedelta(days=1)
        k = tok.index("WEEKEND") if "WEEKEND" in tok else tok.index("WEEKEND2")
        if _beside(tok, k, "PASTW"):
            # "last weekend", "lo scorso fine settimana": the one behind today
            saturday = monday - timedelta(days=2)
            return saturday, saturday + timedelta(days=1), True
        if (k > 0 and tok[k - 1] == "NEXT" and today.weekday() >= 5) or tok[k] == "WEEKEND2":
            saturday += timedelta(days=7)  # "the following weekend" said on a weekend
        span = (saturday, saturday + timedelta(days=1))
    else:
        month_start: date | None = None
        named = next((_month_of(t) for t in tok if _month_of(t) is not None), None)
        if named is not None:
            year = today.year if named >= today.month else today.year + 1
            month_start = date(year, named, 1)
        elif "THISMONTH" in tok:  # "sometime this month": today to its end
            last = today.replace(day=calendar.monthrange(today.year, today.month)[1])
            return today, last, False
        elif "NEXTMONTH" in tok:
            month, year = _add_months(1, today.month, today.year)
            month_start = date(year, month, 1)
        elif "MONTH" in tok and _beside(tok, tok.index("MONTH"), "PASTW"):
            # "last month", "il mese scorso"
            end_of_last = today.replace(day=1) - timedelta(days=1)
            return end_of_last.replace(day=1), end_of_last, True
        elif "MONTH" in tok and part is not None:
            month_start = today.replace(day=1)
            if part == "PSTART" or (part == "PMID" and today.day > 20):
                # "inizio mese", "metà mese" once it is behind: next month's
                month, year = _add_months(1, today.month, today.year)
                month_start = date(year, month, 1)
        if month_start is not None:
            days = calendar.monthrange(month_start.year, month_start.month)[1]
            first, end = 1, days
            if part == "PSTART":
                end = 10
            elif part == "PMID":
                first, end = 11, 20
            elif part == "PEND" and named is not None:
                first = 21  # "fine gennaio", "late jan": the named month's last third
            elif part in ("PEND", "PLASTW"):
                # "fine mese", "the last week of december": the last seven days
                first = days - 6
            span = (month_start.replace(day=first), month_start.replace(day=end))
    if span is None:
        return None
    first_day, last_day = span
    if last_day < today:
        return None
    return max(first_day, today), last_day, False


def _beside(tok: tuple[str, ...], k: int, word: str) -> bool:
    return (k > 0 and tok[k - 1] == word) or (k + 1 < len(tok) and tok[k + 1] == word)


def _next(today: date) -> date:
    return today + timedelta(days=1)


def _owner(m: _Mention, dates: list[_Mention]) -> _Mention | None:
    before = [d for d in dates if d.start <= m.start]
    return before[-1] if before else (dates[0] if dates else None)


# Between two days, words that make the second a fallback ("mercoledì, se no va bene anche
# giovedì", "wednesday or else thursday"): the first one is the wish.
_ALTERNATIVE = _words("o or oppure anche altrimenti otherwise else also sennò senno too")


def _pick_target(
    tok: tuple[str, ...], dates: list[_Mention]
) -> tuple[_Mention | None, _Mention | None]:
    if not dates:
        return None, None
    if len(dates) == 1:
        return dates[0], None
    first, last = dates[0], dates[-1]
    between = tok[first.end : last.start]
    if any(w in _ALTERNATIVE for w in between) and "INSTEAD" not in between:
        return first, None  # alternatives, not a move: the first is the wish
    for d in dates:
        # "l'appuntamento di giovedì", "my thursday appointment", "invece di giovedì"; never
        # the day a move goes to ("spostare l'appuntamento al lunedì", "move my booking to monday")
        near = tok[max(0, d.start - 3) : d.start] + tok[d.end : d.end + 2]
        goes_to = d.start > 0 and tok[d.start - 1] in _MOVE_TO
        if "INSTEAD" in tok[max(0, d.start - 2) : d.start] or ("APPT" in near and not goes_to):
            others = [o for o in dates if o is not d]
            return others[-1], d
    return last, first


# ---------------------------------------------------------------- dateparser


_DATEPARSER_SETTINGS: dict[str, Any] = {
    "PREFER_DATES_FROM": "future",
    # Says whether a time was written ("time") or only a day ("day"), so none is invented.
    "RETURN_TIME_AS_PERIOD": True,
}


def parse_with_dateparser(text: str, *, now: datetime) -> When | None:
    """What dateparser alone makes of the text (used as a fallback and to show what it misses)."""
    from dateparser.date import DateDataParser

    parser = DateDataParser(
        languages=["it", "en"],
        settings={**_DATEPARSER_SETTINGS, "RELATIVE_BASE": now.replace(tzinfo=None)},
    )
    try:
        data = parser.get_date_data(text)
    except (ValueError, OverflowError):
        return None
    found = data.date_obj if data is not None else None
    if found is None:
        return None
    if found.tzinfo is not None:
        found = found.astimezone(now.tzinfo).replace(tzinfo=None)
    if data.period == "time":
        return When(found.date(), time(found.hour, found.minute))
    return When(found.date())


# Only shapes the layer does not read are worth dateparser's time ("27.12.", "2026/12/27").
_WORTH_ASKING = re.compile(r"\d[./\-]\d|\d[./]$|\b(?:19|20)\d\d\b|MO\d")


def _worth_asking(text: str) -> bool:
    tok = _tokens(text)
    return _WORTH_ASKING.search(" ".join(tok)) is not None and not _names_impossible_date(tok)


def _names_impossible_date(tok: tuple[str, ...]) -> bool:
    return any(_impossible_date(tok, i) for i in range(len(tok)))


def reaches_dateparser(text: str, *, now: datetime) -> bool:
    """Whether parse_when would hand this text to dateparser (the slow path)."""
    return _layer(text, now) is None and _worth_asking(text)


def parse_when(text: str, *, now: datetime, language: str) -> When | None:
    """The date and time a message asks for, or None when it names neither.

    `now` is aware and in the business timezone; the result is in that timezone's wall clock.
    `language` is a hint only: both languages are always read.
    """
    if now.tzinfo is None:
        raise ValueError("now must be an aware datetime")
    working_days = without_weekdays_words(text)  # "weekdays only": no weekend day is offered
    found = _layer(text if working_days is None else working_days, now)
    if found is not None:
        return found if working_days is None else weekends_left_out(found)
    if not _worth_asking(text):
        return None
    logger.debug("date layer had no reading, asking dateparser (%d chars)", len(text))
    return parse_with_dateparser(text, now=now)


def warm_up() -> None:
    """Load dateparser's languages and fill the caches, so the first customer waits no longer."""
    started = _clock.perf_counter()
    now = datetime(2026, 11, 23, 9, 15, tzinfo=UTC)
    parse_with_dateparser("27 dicembre 2026", now=now)
    parse_with_dateparser("December 27th 2026 at 4pm", now=now)
    for sample in ("domani alle 11", "next friday afternoon", "tra le 3 e le 5"):
        parse_when(sample, now=now, language="it")
    logger.info("date reader warmed up in %.0f ms", (_clock.perf_counter() - started) * 1000)
