"""Changes of mind read against what is in play: a day refused by what follows it, a part of
the day kept busy, the same time a week on, the day of the week of the day talked about, "the
original time", "another time". `bot.understanding.reading` applies them to a message read
against the screen; each returns what was read when it does not apply.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date, datetime, time, timedelta

from bot.understanding.when import When, parse_when

__all__ = [
    "asked_over_refused",
    "asks_other_time",
    "goes_back",
    "in_week_of",
    "next_after_held",
    "nudge",
    "same_a_week_on",
]


def _c(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


_WEEKDAYS = (
    r"lunedi|martedi|mercoledi|giovedi|venerdi|sabato|domenica|monday|tuesday|wednesday|"
    r"thursday|friday|saturday|sunday"
)
_DAY_WORDS = rf"{_WEEKDAYS}|oggi|domani|today|tomorrow"
_ANY_WEEKDAY = _c(rf"\b({_WEEKDAYS})\b")

# "same time but the week after", "stessa ora ma la settimana dopo", "uguale ma tra una
# settimana": the day in play a week on, at its time. "Same"/"uguale" is what makes it that day's
# week and not the next calendar week.
_SAME_THING = _c(
    r"\b(same time|same hour|same slot|same|stess[ao] ora|stesso orario|alla stessa ora|uguale|"
    r"identic[ao]|lo stesso|tutto uguale)\b"
)
_A_WEEK_ON = _c(
    r"\b(the week after|a week later|one week later|a week after|the following week|next week|"
    r"in a week|in a week s time|la settimana dopo|la settimana successiva|la settimana seguente|"
    r"la settimana prossima|settimana prossima|prossima settimana|tra una settimana|"
    r"fra una settimana|una settimana dopo|dopo una settimana)\b"
)
# "the original time was fine", "va bene l'orario di prima", "let's go back to what we had": the
# time let go by a change of mind, asked for again.
_BACK = _c(
    r"\b(original|the first (time|one|slot) (was|is) fine|"
    r"(go|going|goes) back to (what|the one|how) (we had|it was|before)|what we had (before)?|"
    r"as (it was|we had it|before)|the one (from )?before|previous (time|one|slot)|"
    r"(orario|ora|giorno|quello|quella|appuntamento) di prima|come (era )?prima|"
    r"torn\w* (a|al|all|alla) (quello|quella|come|l orario|l ora) (di )?prima)\b"
)
# "I need to change the time", "can i pick a different time", "vorrei cambiare orario",
# "posso scegliere un altro orario?": another time of the day in play, not a move or a new day.
_OTHER_TIME = _c(
    r"\b(change (the |my )?(time|hour|slot)|(a )?(different|another|other) (time|slot|hour)|"
    r"cambiare (l |di )?(orario|ora)|cambio (di )?(orario|ora)|cambia (l )?(orario|ora)|"
    r"(un )?altro orario|(un )?altra ora|orario diverso|ora diversa|"
    # "che altri orari avete quel giorno?", "what other times do you have?"
    r"altri orari|orari diversi|other (times|slots)|different (times|slots))\b"
)
# "I have a meeting tuesday morning, any chance of the afternoon", "ho una riunione martedì
# mattina, c'è qualcosa nel pomeriggio?": the part of the day kept busy is not the one asked.
_BUSY_PART = _c(
    r"\b(meeting|riunione|busy|impegnat\w*|impegno|working|lavoro|work|dentist\w*|medic\w*|dottore|"
    r"doctor|school|scuola|class|lezione)\b((?: \w+){0,3}?) "
    r"(?P<part>morning|mattina|mattinata|afternoon|pomeriggio|evening|sera|serata)\b|"
    r"\b(?P<part2>morning|mattina|mattinata|afternoon|pomeriggio|evening|sera|serata|"
    r"(?:alle|at) \d{1,2}(?:[:.]\d\d)?(?: ?[ap]m)?)"
    r"((?: \w+){0,3}?) (meeting|riunione|impegno|lavoro|work|dentist\w*|medic\w*|dottore|doctor|"
    r"school|scuola|lezione)\b"
)
_PART_WORD = _c(r"\b(morning|mattina|mattinata|afternoon|pomeriggio|evening|sera|serata)\b")
# "giovedì nn riesco più", "my thursday appt isnt going to work": the day refused by what
# follows it; the other day (or period) in the message is the one asked.
_REFUSED_BY_VERB = _c(
    rf"\b(?P<day>{_DAY_WORDS})( appt| appointment| one| booking| appuntamento)? "
    r"(nn|non|isnt|isn t|doesnt|doesn t|wont|won t|cant|can t|is no good|no good|not good|"
    r"no longer|not any ?more|mi e capitato|e capitato|ho un impegno|is out)\b"
    # "doesnt work", "won't suit me": the verb refused goes with the refusal, not with what follows
    r"(?: (?:work|works|suit|suits|fit|fits)(?: me| for me| for us)?\b)?"
)
_REASON_AFTER = re.compile(
    r"^ (because|bc|cos|cause|since|as|perche|per via|visto che|dato che)\b"
    # a short reason only, up to the next clause ("…, any day next week would do" stays)
    r"((?: \w+){0,5}? (and|but|e|ma)(?= )|(?: \w+){0,5}$)"
)
# "and the friday?", "e il venerdì?", "the wednesday of that week", "il mercoledì di quella
# settimana": a weekday with an article, while a later day is being talked about, is that
# day's week, not the first such weekday from today.
_THE_WEEKDAY = _c(
    r"\b(the|il|quel|that|lo) (?P<day>lunedi|martedi|mercoledi|giovedi|venerdi|sabato|domenica|"
    r"monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b"
)
_THAT_WEEK = _c(
    r"\b(of that week|that week|that same week|the same week|di quella settimana|"
    r"della stessa settimana|quella settimana|stessa settimana)\b"
)
# "next tuesday" with Tuesday 24th held: the Tuesday after the one held, not the one held.
_NEXT_NAMED = _c(
    r"\b(next|prossim[oa]) (?P<day>lunedi|martedi|mercoledi|giovedi|venerdi|sabato|domenica|"
    r"monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b|"
    r"\b(?P<day2>lunedi|martedi|mercoledi|giovedi|venerdi|sabato|domenica) prossim[oa]\b"
)


def asked_over_refused(s: str, when: When | None, now: datetime, language: str) -> When | None:
    """Rule 14 for what a day or a part of the day is refused by: "giovedì nn riesco più …
    la settimana prossima" is next week (Thursday is the appointment's day), "ho una riunione
    martedì mattina, c'è qualcosa nel pomeriggio?" is Tuesday afternoon."""
    if when is None:
        return None
    refused = _REFUSED_BY_VERB.search(s)
    said = parse_when(refused.group("day"), now=now, language=language) if refused else None
    # "la settimana prossima, ma di lunedì non posso" already read as next week without Monday
    kept_out = said is not None and when.last is not None and when.date != said.date
    if refused is not None and said is not None and not kept_out:
        # "friday is no good because of the gym": the reason goes with the day refused
        after = _REASON_AFTER.sub("", s[refused.end() :], count=1)
        rest = f"{s[: refused.start('day')]} {after}"
        other = parse_when(rest, now=now, language=language)
        if other is not None and (other.date != said.date or other.last is not None):
            when = other if other.previous is not None else replace(other, previous=said.date)
    busy = _BUSY_PART.search(s)
    if busy is not None and _PART_WORD.search(s, busy.end()):
        part = "part" if busy.group("part") else "part2"
        rest = f"{s[: busy.start(part)]} {s[busy.end(part) :]}"
        other = parse_when(rest, now=now, language=language)
        if other is not None and other.window is not None:
            when = other
    return when


def in_week_of(s: str, when: When | None, focus: date | None) -> When | None:
    """ "and the friday?" / "e il venerdì?" after Thursday 3rd, "the wednesday of that week":
    the weekday in the week of the day being talked about, when that day is further ahead."""
    if when is None or focus is None or when.last is not None or when.date >= focus:
        return when
    that_week = _THAT_WEEK.search(s) is not None
    named = _THE_WEEKDAY.search(s) if not that_week else _ANY_WEEKDAY.search(s)
    if named is None or len(_ANY_WEEKDAY.findall(s)) != 1:
        return when
    weekday = when.date.weekday()
    if that_week:
        day = focus - timedelta(days=focus.weekday()) + timedelta(days=weekday)
    else:
        day = focus + timedelta(days=(weekday - focus.weekday()) % 7 or 7)
    return replace(when, date=day)


def asks_a_week_on(s: str) -> bool:
    """ "same time the week after", "stessa ora la settimana dopo": the day in play a week on."""
    return _A_WEEK_ON.search(s) is not None and _SAME_THING.search(s) is not None


def same_a_week_on(s: str, when: When | None, day: date, held: time | None) -> When | None:
    """ "same time but the week after", "uguale ma tra una settimana": a week after the day in
    play, at its time unless another one was said."""
    if not asks_a_week_on(s):
        return when
    if when is not None and when.last is None and when.date <= day:
        return when
    said = when or When(date=day)
    if said.time is None and said.window is None:
        said = replace(said, time=held)
    week_on = day + timedelta(days=7)
    return When(date=week_on, time=said.time, window=said.window, approximate=said.approximate)


def next_after_held(s: str, when: When | None, day: date, today: date) -> When | None:
    """ "alla stessa ora ma martedì prossimo" said of Tuesday 24th held: Tuesday 1st (rule 3
    reads "next tuesday" as the first one after today, which is the one being changed)."""
    if when is None or when.date != day or day <= today or _NEXT_NAMED.search(s) is None:
        return when
    return replace(when, date=day + timedelta(days=7))


# "si può anticipare un pochino lo stesso giorno?", "can you push it back on the day": which way
# a move on the appointment's own day goes.
_EARLIER = _c(r"\b(anticip\w*|earlier|bring (it )?forward|sooner|prima)\b")
_LATER = _c(r"\b(posticip\w*|ritard\w*|later|piu tardi|push (it )?back|put (it )?back)\b")


def nudge(s: str) -> int:
    """-1 for a move to earlier the same day, +1 for later, 0 when the message does not say."""
    earlier, later = _EARLIER.search(s) is not None, _LATER.search(s) is not None
    return -1 if earlier and not later else 1 if later and not earlier else 0


def goes_back(s: str) -> bool:
    """ "the original time was fine", "va bene l'orario di prima": back to the time let go."""
    return _BACK.search(s) is not None


def asks_other_time(s: str) -> bool:
    """ "I need to change the time", "posso scegliere un altro orario?"."""
    return _OTHER_TIME.search(s) is not None
