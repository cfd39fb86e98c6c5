"""A message read against what the customer is looking at: the day whose times are on screen,
the numbered choices, the time held or asked, the question asked.

`parse_intent` and `parse_when` read one phrase on its own; people answer what they see. Here a
bare time or a day part ("verso sera", "around 1pm") belongs to the day on screen, "same time" /
"stessa ora" keeps the time on screen, only a bare number or an ordinal ("2", "la seconda", "the
2nd one") picks a button, a number inside a sentence ("no, I said the 3rd") is a date or a time,
and "no" / "anzi" / "I said" mark a correction, which never places a hold. Rule 21 of dates.md.
The conversation step decides what to do with the `Reading`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from functools import lru_cache

from bot.understanding.afterthoughts import (
    asked_over_refused,
    asks_a_week_on,
    asks_other_time,
    goes_back,
    in_week_of,
    next_after_held,
    nudge,
    same_a_week_on,
)
from bot.understanding.intents import Intent, IntentKind, parse_intent
from bot.understanding.questions import asks_first_open_day
from bot.understanding.text import closest, normalize, words
from bot.understanding.when import When, parse_when

__all__ = ["Reading", "Screen", "read"]


# Steps whose screen shows no day, so "il 2" there is a button, not the 2nd of the month.
_PICK_STEPS = frozenset({"service", "choose_appointment"})
# Steps with a time held: a pick there is another time of the list it was picked from.
_HELD_STEPS = frozenset({"name", "email", "summary"})


@dataclass(frozen=True)
class Screen:
    """What the customer is looking at when they write."""

    step: str = "idle"
    day: date | None = None  # the day whose times are on screen (slot step)
    choices: int = 0  # how many numbered choices are on screen
    time: time | None = None  # the time held, about to be moved to, or asked for
    yes_no: bool = False  # a yes/no question is asked
    asked: bool = False  # `day` is the one a question was just about ("open on saturday?")


@dataclass(frozen=True)
class Reading:
    """The meaning of a message in context; the conversation step decides what to do."""

    intent: Intent | None
    when: When | None
    correction: bool = False  # "no, ...", "anzi", "I said", "that's wrong", "meglio"
    negated: bool = False  # the message says no somewhere: it never places a hold
    picks: int | None = None  # a button index (1-based, -1 the last), only from a bare pick
    same_time: bool = False  # "same time", "stessa ora"
    same_day: bool = False  # "that day", "lo stesso giorno", "later that day"
    change: bool = False  # "instead", "invece", "can we do", "possiamo fare": a change request
    day_word: bool = False  # a word that only ever names a day ("venerdì", "tomorrow")
    # "posticipa di un'ora", "push it back an hour", "mezz'ora prima": minutes to add to the
    # time on screen (or to the appointment being moved); negative is earlier.
    shift: int | None = None
    # A time or a part of the day and no day of its own ("at 2 instead", "al pomeriggio"): the
    # step may put it on the day in play (the appointment being moved).
    dayless: bool = False
    # "the latest you've got that day", "l'ultimo orario che avete": the day's last time, not
    # the last button on screen
    latest: bool = False
    # "the day after instead", "il giorno prima" with no day on screen: days from the day of the
    # appointment the message is about (the step knows which one)
    beside: int = 0
    # "the original time was fine", "va bene l'orario di prima": back to the time let go
    back: bool = False
    # "same time the week after" with nothing on screen: about an appointment's day, a week on
    week_on: bool = False
    # "I need to change the time", "posso scegliere un altro orario?": another time, same day
    other_time: bool = False
    # "the next one", "quella dopo" (1), "the one before", "quella prima" (-1): the time listed
    # next to the one held, when the customer picked it from a list
    adjacent: int = 0


def _c(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


_ALIASES = {"nn": "non", "x": "per", "tmrw": "tomorrow", "tmr": "tomorrow", "pls": "please"}

_NEGATION = _c(
    r"\b(no|non|not|no(?:no)+|nope|nah|don t|dont|doesn t|doesnt|isn t|isnt|won t|wont|can t|cant|"
    r"aren t|arent|didn t|didnt|never|nessun[oa])\b"
)
_CORRECTION = _c(
    r"^(ah |oh |eh |ops |oops |uh |hmm |mm |uhm |umm |um |ehm |erm |em |mmm |beh )?"
    r"(no|non|no(?:no)+|no no|nope|anzi+|scusa|scusami|sorry|"
    r"wait|aspetta|actually|in realta|meglio|better|rather|ops|oops)\b|"
    r"\b(wrong (day|date|time|one)|giorno sbagliato|ora sbagliata|orario sbagliato|"
    r"ho detto|avevo detto|intendevo|volevo dire|i said|i meant|i mean|i wrote|ho scritto|"
    r"that s wrong|thats wrong|that is wrong|not what i|non (e )?quello che|e sbagliat\w*|"
    r"sbagliato|ho sbagliato|my mistake|mi sono sbagliat\w*|anzi+|invece|instead|rather|"
    r"piuttosto|change (it|that) to|cambia(lo|la)? (a|in|con)|make it|meglio)\b"
)
_CHANGE = _c(
    r"\b(invece|instead|rather|piuttosto|can we do|could we do|can we make it|could we make it|"
    r"can we go for|possiamo fare|potremmo fare|possiamo farlo|si puo fare|"
    r"make it|change (it |that )?to|switch (it )?to|spostal\w*|spostam\w*|spostarl\w*|"
    r"(change|move|switch) the (time|day|date|hour) to|cambia\w* (l |il |la )?(orario|ora|giorno|"
    r"data)|"
    r"can it be|could it be|can that be|could that be|lo possiamo fare|la possiamo fare|"
    r"possiamo farlo|possiamo farla|si puo fare|si potrebbe fare|"
    r"cambiamo|cambiarlo|cambiarla)\b"
)
_SAME_TIME = _c(
    r"\b(stess[ao] ora|stess[ao] orario|stessa ora|alla stessa ora|allo stesso orario|"
    r"same time|same hour|same slot|solita ora|same as before|stessa fascia|"
    # "sempre quell'ora", "l'orario lo lascerei uguale", "keep the time"
    r"sempre (a |alla )?quell or(a|ario)|orario (\w+ ){0,2}(uguale|invariato|identico)|"
    r"keep the (same )?time|leave the time( as it is)?)\b"
)
_SAME_DAY = _c(
    # "scratch that, day after tomorrow": "that" ends "scratch that", it is no "that day"
    r"(?<!scratch )(?<!forget )(?<!ignore )(?<!strike )"
    r"\b(that day|same day|that same day|that very day|that exact day|quel giorno|"
    r"lo stesso giorno|stesso giorno|"
    r"in giornata|on the day|that afternoon|that morning|that evening|quel pomeriggio|"
    r"quella mattina|quella sera)\b"
)
# Words that are never part of a name, only of a day ("Domenica", "Sabato" can be names).
_DAY_WORDS = _c(
    r"\b(lunedi|martedi|mercoledi|giovedi|venerdi|oggi|domani|dopodomani|stasera|stamattina|"
    r"monday|tuesday|wednesday|thursday|friday|saturday|sunday|today|tomorrow|tonight|"
    r"settimana|week|mattina|pomeriggio|morning|afternoon|evening|weekend|ieri|yesterday|"
    r"avantieri|holidays|feste|fortnight|scorso|scorsa|last|month|mese)\b"
)
# A day or time refused in the message ("non martedì", "not on tuesday"): the other one is meant.
_REFUSED_WORDS = (
    r"lunedi|martedi|mercoledi|giovedi|venerdi|sabato|domenica|oggi|domani|monday|tuesday|"
    r"wednesday|thursday|friday|saturday|sunday|today|tomorrow"
)
# "not monday or tuesday", "non lunedì né martedì": every day after the "not" is refused.
_REFUSED_DAY = _c(
    rf"\b(non|not|nn)( e| is| il| the| on| di)? ({_REFUSED_WORDS})"
    rf"((,| or| nor| ne| o| and| e)( on| il| di)? ({_REFUSED_WORDS}))*\b"
)
_REFUSED_ONE = _c(rf"\b({_REFUSED_WORDS})\b")
# "not 11, 12", "non alle 11, alle 12", "the 25th not the 24th", "il 25 non il 24": a number
# after "not" is the value being replaced (the held time or day), the other one is asked for.
# A comparison says the same: "12 would be better than 11", "meglio le 12 che le 11", "11 rather
# than 10", "alle 12 piuttosto che alle 11": the number after "than" / "che" is the old value.
_REFUSED_NUMBER = _c(
    r"\b((e|and|but|ma) )?(non|not|nn|than|che|piuttosto che|invece (?:che|di))"
    r"( e| is| il| the| on| at| alle| le| a| for| per| del)? "
    r"\d{1,2}(?:[:.]\d\d)?(st|nd|rd|th)?( o clock| pm| am)?(?!\S)"
)
# "not this friday, the next one", "non questo venerdì, quello dopo": that weekday a week later.
_NOT_THIS_NEXT = _c(
    r"\b(non|not|nn|no) (this|questo|questa|sto) (?P<day>lunedi|martedi|mercoledi|giovedi|venerdi|"
    r"sabato|domenica|monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tue|tues|wed|"
    r"thu|thur|thurs|fri|sat|sun)\b,? (but |ma )?(the |il |quello |l |that )?(one )?"
    r"(next|following|after|prossimo|dopo|successivo|seguente)( one| week| settimana)?\b"
)
# "next friday not this one", "venerdì prossimo, non questo": the same, said the other way round.
_NEXT_NOT_THIS = _c(
    r"\b(next|the following|prossimo|il prossimo) (?P<day>lunedi|martedi|mercoledi|giovedi|venerdi|"
    r"sabato|domenica|monday|tuesday|wednesday|thursday|friday|saturday|sunday)( prossimo)?\b,? "
    r"(and |e )?(not|non|nn|no) (this|questo|quello di questa settimana|sto)"
    r"( one| week| settimana)?\b|"
    r"\b(?P<day2>lunedi|martedi|mercoledi|giovedi|venerdi|sabato|domenica) (prossimo|successivo),? "
    r"(e )?(non|nn|no) (questo|sto)\b|"
    # "the friday after this one", "l'altro venerdì, quello della settimana prossima"
    r"\b(?P<day3>lunedi|martedi|mercoledi|giovedi|venerdi|sabato|domenica|monday|tuesday|"
    r"wednesday|thursday|friday|saturday|sunday)\b(?: after (?:this|that) one|(?: \w+){0,2}? "
    r"(?:quell[oa]|the one) (?:della|of|from) (?:settimana prossima|prossima settimana|"
    r"settimana dopo|next week|the week after))\b(?! (?:la prossima|after next|ancora))"
)
# The day after / before the one on screen ("same time the day after").
_NEXT_DAY = _c(
    r"\b(il giorno dopo|giorno dopo|the day after|the next day|next day|the following day|"
    r"il giorno seguente|giorno successivo|l indomani)\b(?! (tomorrow|domani|il \d|the \d|\d))"
)
_PREVIOUS_DAY = _c(
    r"\b(il giorno prima|giorno prima|the day before|the previous day|il giorno precedente)\b"
    r"(?! (tomorrow|domani|yesterday|ieri|il \d|the \d|\d))"
)
# "the same day next week", "lo stesso giorno della settimana dopo": a week after the day on screen.
_WEEK_ON = _c(
    r"\b(same day|stesso giorno)( of| della| la| the)? (next week|the week after|the following "
    r"week|settimana (prossima|dopo|successiva)|prossima settimana)\b"
)
# "any of those", "whichever you like", "uno qualsiasi", "fai tu": the choice is left to us, and
# the first time on screen is as good as any.
_ANY_OF_THEM = _c(
    r"\b(any of (those|them|these|the times)|any (one|is fine|will do|s fine|works)|anyone of|"
    r"whichever|whatever (you like|you want|suits|works|is free|s free)|i m (easy|flexible)|"
    r"you (choose|pick|decide)|up to you|dealer s choice|"
    r"(un|uno|una) qualsiasi|qualsiasi (va bene|orario|ora)|quello che vuoi|quella che vuoi|"
    r"(fai|decidi|scegli) tu|per me (e )?(uguale|indifferente|lo stesso)|vanno tutti bene|"
    r"va bene tutto|uno vale l altro|come preferisci)\b"
)
# The time listed next to the one held: "the next one", "quella dopo", "the one before".
_ADJACENT_NEXT = _c(
    r"\b(the )?(next|following|later) one\b|\bthe one (after|later)\b|"
    r"\b(quell[ao]|l orario|l ora|la|il) (dopo|successiv[ao]|seguente)\b|\bla successiva\b"
)
_ADJACENT_BEFORE = _c(
    r"\b(the )?(previous|earlier) one\b|\bthe one (before|earlier)\b|"
    r"\b(quell[ao]|l orario|l ora) (prima|precedente)\b|\b(la|il) precedente\b"
)


def _adjacent(s: str, tokens: tuple[str, ...]) -> int:
    if len(tokens) > 8:
        return 0
    if _ADJACENT_NEXT.search(s):
        return 1
    if _ADJACENT_BEFORE.search(s):
        return -1
    return 0


# Words that make "the earliest" / "il primo che hai" a pick on screen, not "as soon as possible".
_PICK_WORDS = frozenset(
    str.split("one take grab have ll prendo dammi metti orario slot those them quelli quello")
)
# "11 instead of 10", "alle 11 invece che alle 10": the time after "instead of" is the old one.
_INSTEAD_OF = _c(
    r"\b(instead of|rather than|invece (che|di|delle|della)|piuttosto che)( at| alle| the| le)? "
    r"\d{1,2}([ :.]\d\d)?\b"
)
_WEEKDAY_WORDS = (
    r"lunedi|martedi|mercoledi|giovedi|venerdi|sabato|domenica|monday|tuesday|wednesday|"
    r"thursday|friday|saturday|sunday"
)
# "tuesday or wednesday but wednesday is better", "venerdì o sabato, meglio sabato": of several
# days named, the one said to be preferred.
_PREFERRED = _c(
    rf"\b(?P<a>{_WEEKDAY_WORDS})( would be| is| e| sarebbe| va)? (better|best|ideal|ideally|"
    r"preferably|preferred|meglio|preferibile|ideale|perfetto)\b|"
    rf"\b(ideally|preferably|preferibilmente|meglio|better|rather|possibly|idealmente) (on )?"
    rf"(?P<b>{_WEEKDAY_WORDS})\b"
)
_ANY_WEEKDAY = _c(rf"\b({_WEEKDAY_WORDS})\b")
# "I start work at 10 so something before that", "turno dalle 8 alle 2 quindi dopo": the time
# before or after the last hour said.
_BEFORE_AFTER_THAT = _c(
    r"\b(?P<before>before|prima)( that| then| di quell ora| di allora| di quello)\b"
    r"(?! (day|one|week))"
    r"|\b(?P<after>after|dopo)( that| then| di quell ora| di allora| di quello| di che)\b"
    r"(?! (day|one|week))|\b(quindi|poi|so) (?P<after2>dopo|after)\b(?! (di|del|dell|delle|le|"
    r"pranzo|cena|lunch|work|la scuola|scuola|school|\d))"
)
# "I work before that", "sono impegnata dopo": what the customer cannot do, not a request.
_BUSY_BEFORE = _c(
    r"\b(work|working|busy|lavoro|lavora|impegnat\w*|occupat\w*|away|via|fuori)( \w+)?$"
)
_LAST_HOUR = _c(r"\b(\d{1,2})(?:[:.](\d\d))?\b")
# A shift of the time by an amount: "posticipa di un'ora", "un'ora più tardi", "push it back an
# hour", "half an hour earlier", "anticipa di 30 minuti", "bring it forward 15 mins".
_AMOUNT = (
    r"(?:di |by |of |tipo |about |like |around )?(?P<n>un|una|1|2|3|\d{2}|a|an|one|two|due|tre|"
    r"three|half an|half a|mezz|mezza|un paio di|un paio d|a couple of|a couple|couple of) ?"
    r"(?P<u>ora|ore|oretta|hour|hours|hr|hrs|h|"
    r"minuti|minuto|min|mins|minutes|minute|giorno|giorni|giornata|day|days|settimana|week)"
    r"(?P<h> and a half| e mezza| e mezzo)?"
)
_AMOUNT_2 = _AMOUNT.replace("?P<n>", "?P<n2>").replace("?P<u>", "?P<u2>").replace("?P<h>", "?P<h2>")
# "un'ora prima di pranzo" is not a shift.
_NOT_BEFORE = r"(?! (?:di|del|della|delle|dell|than|of)\b)"
_LATER_WORDS = (
    r"posticip\w*|ritard\w*|rimand\w*|push (?:\w+ ){0,3}?back|push|put (?:\w+ ){0,3}?back|"
    r"move (?:\w+ ){0,3}?back|later|piu tardi|dopo|avanti"
)
_EARLIER_WORDS = (
    r"anticip\w*|bring (?:\w+ ){0,3}?(?:forward|fwd)|move (?:\w+ ){0,3}?(?:forward|up)|earlier|"
    r"prima|indietro"
)
_SHIFT_LATER = _c(
    rf"\b(?:(?:{_LATER_WORDS})(?: \w+){{0,2}}? {_AMOUNT}"
    rf"|{_AMOUNT_2} (?:{_LATER_WORDS}){_NOT_BEFORE})\b"
)
_SHIFT_EARLIER = _c(
    rf"\b(?:(?:{_EARLIER_WORDS})(?: \w+){{0,2}}? {_AMOUNT}"
    rf"|{_AMOUNT_2} (?:{_EARLIER_WORDS}){_NOT_BEFORE})\b"
)


_DAY_MINUTES = 24 * 60
# After a shift by days, a date it is counted from ("un giorno dopo [il 10]").
_DATE_AFTER_SHIFT = _c(r"\b(dopo|after|prima|before) (il|the|del|l) \d")


def _shift(s: str) -> tuple[int, str] | None:
    """Minutes to move the time on screen by, when the message asks for a shift by an amount,
    and the message without the words of the shift ("by 2 hours" is not "before 2")."""
    for pattern, sign in ((_SHIFT_LATER, 1), (_SHIFT_EARLIER, -1)):
        found = pattern.search(s)
        if found is None:
            continue
        n = found.group("n") or found.group("n2")
        unit = found.group("u") or found.group("u2")
        if n in ("mezz", "mezza") or n.startswith("half"):
            amount = 30 if unit.startswith(("o", "h")) else 0
        else:
            count = {"un": 1, "una": 1, "a": 1, "an": 1, "one": 1, "two": 2, "due": 2}.get(n)
            count = {"tre": 3, "three": 3}.get(n, count)
            if count is None:
                count = 2 if "paio" in n or "couple" in n else int(n)
            amount = count * (60 if unit.startswith(("o", "h")) else 1)
            if unit.startswith(("g", "d")):
                amount = count * _DAY_MINUTES
            elif unit.startswith(("s", "w")):
                amount = count * 7 * _DAY_MINUTES
            elif found.group("h") or found.group("h2"):
                amount += 30  # "an hour and a half later", "un'ora e mezza più tardi"
        if 0 < amount <= 6 * 60 or (amount % _DAY_MINUTES == 0 and 0 < amount <= 14 * _DAY_MINUTES):
            return sign * amount, f"{s[: found.start()]} {s[found.end() :]}"
    return None


# Words that name today: the only day names that read the same as "no day" against the screen.
_TODAY = _c(
    r"\b(oggi|ogi|today|tday|tdy|stasera|stamattina|stamani|stanotte|tonight|"
    r"this (morning|afternoon|evening)|questo pomeriggio|questa mattina|questa sera|now|adesso|"
    r"ora stesso|in \d+ (hours?|minutes?|mins?)|tra \d+ (ore|minuti)|fra \d+ (ore|minuti))\b"
)

_ORDINALS = {
    "primo": 1, "prima": 1, "first": 1, "1st": 1,
    "secondo": 2, "seconda": 2, "second": 2, "2nd": 2,
    "terzo": 3, "terza": 3, "third": 3, "3rd": 3,
    "quarto": 4, "quarta": 4, "fourth": 4, "4th": 4,
    "quinto": 5, "quinta": 5, "fifth": 5, "5th": 5,
    "sesto": 6, "sesta": 6, "sixth": 6, "6th": 6,
    "settimo": 7, "settima": 7, "seventh": 7, "7th": 7,
    "ottavo": 8, "ottava": 8, "eighth": 8, "8th": 8,
    "nono": 9, "nona": 9, "ninth": 9, "9th": 9,
    "ultimo": -1, "ultima": -1, "last": -1,
    "penultimo": -2, "penultima": -2, "penultimate": -2,
}  # fmt: skip


def _words_of(block: str) -> list[str]:
    return block.split()


# Words that may stand around a pick without changing it: "la seconda opzione, grazie".
_PICK_FILLERS = frozenset(
    _words_of("""
    il la l lo the one quello quella quel option opzione opzioni scelta choice orario ora slot
    time button bottone tasto numero number num nr n please pls plz thx ty cheers per favore
    perfavore grazie grz thanks ok okay
    va bene allora dai ehm uhm um beh then just oh ah pure fine alright sure si yes yeah
    prendo take scelgo choose vorrei i d like want voglio go with vada for me mi per
    metti prendi dammi give metto facciamo let s do s ll d m ve
    """)
)
# "option 3", "numero 3", "la 3", "n 3", "#3": a number with a word that marks it as a button.
_NUMBER_MARKERS = frozenset(
    {"option", "opzione", "numero", "number", "num", "nr", "n", "la", "scelta", "choice", "slot"}
)


_DAY_MARKERS = frozenset({"il", "the", "on", "del", "for", "dal", "lo", "entro", "by"})


@lru_cache(maxsize=4096)
def _tokens(text: str) -> tuple[str, ...]:
    return tuple(_ALIASES.get(w, w) for w in words(normalize(text.replace("#", " numero "))))


# How many days "the first day you're open" looks at: a week holds every weekday once.
OPEN_DAY_SEARCH_DAYS = 7

# The day's last time asked for ("what's the latest you have", "l'ultimo orario disponibile",
# "il più tardi possibile"): words of accents removed, as `_tokens` gives them.
_LATEST = re.compile(
    r"\b(latest|last (time|slot|appointment|appt) (you|of|that|in|available|free|going)|"
    r"ultim[oa] (orario|ora|posto|appuntamento|buco)|piu tardi possibile|"
    r"il piu tardi (che|possibile))\b"
)

# "l'ultimo orario che hai scritto", "the last time you listed": the last button after all.
_ON_SCREEN = re.compile(
    r"\b(scritt\w*|propost\w*|mostrat\w*|elencat\w*|indicat\w*|sopra|quelli|questi|shown|"
    r"listed|wrote|written|sent|above|those|these|there)\b"
)


# Ordinal words a typo may stand for ("thrid", "la tezra"); not "prima"/"first"/"last", which
# are ordinary words too close to others.
_TYPO_ORDINALS = tuple(
    w for w in _ORDINALS if w.isalpha() and len(w) >= 5 and w not in ("prima", "primo", "first")
)


def _ordinal_typo(token: str) -> str:
    if token in _ORDINALS or token in _PICK_FILLERS or not token.isalpha() or len(token) < 5:
        return token
    return closest(token, _TYPO_ORDINALS) or token


# What may open a correction of a pick without refusing it: "no the 2nd one", "oops no, la
# seconda", "nono la terza" ("not the first one" refuses one, and is no pick).
_LEADING_NO = frozenset(
    _words_of("""
    no nope nah nono oops ops sorry scusa scusami uhm ehm hmm ah oh anzi actually wait aspetta
    wrong sbagliato meant intendevo
    """)
)
# "not that one, the 4th one", "non quella, la quinta": the time held refused, another picked.
_NOT_THAT = frozenset(
    _words_of("not non that this quella quello questa questo one sbagliata sbagliato wrong")
)


def _pick_after_no(tokens: tuple[str, ...], screen: Screen) -> int | None:
    """A pick behind a leading "no" ("no the 2nd one", "no la seconda"): an ordinal word or a
    number marked as a button; a bare number after "no" ("no, 4") is a time, never a button."""
    rest = list(tokens)
    if not rest or (rest[0] not in _LEADING_NO and rest[0] not in ("not", "non")):
        return None
    while rest and rest[0] in _LEADING_NO:
        rest.pop(0)
    if len(rest) > 1 and rest[0] in ("not", "non") and rest[1] in _NOT_THAT:
        while rest and rest[0] in _NOT_THAT:
            rest.pop(0)
    if not rest or any(t in ("not", "non", "no") for t in rest):
        return None
    kept = tuple(rest)
    if not any(_ordinal_typo(t) in _ORDINALS for t in kept) and not (
        {"one", "option", "opzione", "numero", "number"} & set(kept)
    ):
        return None
    return _pick(kept, screen)


def _pick(tokens: tuple[str, ...], screen: Screen) -> int | None:
    """A button index, only when the message is nothing but a number or an ordinal."""
    if not tokens:
        return None
    if len(tokens) > 1 or screen.step not in _HELD_STEPS:
        # a lone "Sesti" where a name is asked is a surname, not "sesto" mistyped
        tokens = tuple(_ordinal_typo(t) for t in tokens)
    if len(tokens) == 1 and tokens[0].isdigit():
        n = int(tokens[0])
        return n if 1 <= n <= 9 else None
    found: list[int] = []
    marked = False
    ordinal_word = False
    for i, token in enumerate(tokens):
        if token in _ORDINALS:
            found.append(_ORDINALS[token])
            ordinal_word = True
        elif token.isdigit():
            if not 1 <= int(token) <= 9:
                return None
            found.append(int(token))
            marked = marked or (i > 0 and tokens[i - 1] in _NUMBER_MARKERS)
        elif token not in _PICK_FILLERS:
            return None
    if len(found) != 1:
        return None
    if ordinal_word:
        word = next(t for t in tokens if t in _ORDINALS)
        marks = ("one", "option", "opzione", "choice", "slot", "time", "take", "prendo", "choose")
        if (
            word[0].isdigit()
            and len(tokens) > 1  # a lone "2nd" answers the numbered times, like "2"
            and screen.step not in _PICK_STEPS
            and not any(t in marks for t in tokens)
        ):
            return None  # "the 3rd" alone is a day of the month; "the 3rd one" is a button
        if word == "prima" and not ({"la", "l", "opzione", "one", "scelta"} & set(tokens)):
            return None  # "prima" alone is "earlier"
        return found[0]
    # "il 3", "the 3", "on the 3" are days of the month wherever a day makes sense; "la 3",
    # "option 3", "3 please" are buttons.
    if marked or screen.step in _PICK_STEPS or not (_DAY_MARKERS & set(tokens)):
        return found[0]
    return None


def _bare_hour(tokens: tuple[str, ...]) -> int | None:
    """The hour of a lone number in a short change request ("could we do 12 instead", "no, 4"),
    read as dates.md rule 8 does (1-7 afternoon, 8-11 morning); None if it may be a day."""
    numbers = [i for i, t in enumerate(tokens) if t.isdigit()]
    if len(numbers) != 1 or len(tokens) > 8:
        return None
    i = numbers[0]
    n = int(tokens[i])
    if not 1 <= n <= 23 or (i > 0 and tokens[i - 1] in _DAY_MARKERS):
        return None
    return n + 12 if n <= 7 else n


def _midnight(day: date, like: datetime) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=like.tzinfo)


def _names_a_day(text: str, s: str, screen_day: date, now: datetime, language: str) -> bool:
    """Whether the message names a day of its own, rather than a time or a part of the day.

    Read against midnight of the day on screen, a message that names no day lands on that day
    (rule 7: a time without a day is the same day if still ahead); one that names a day lands
    elsewhere, except the words for today, which are looked for by name.
    """
    if _TODAY.search(s):
        return True
    anchored = parse_when(text, now=_midnight(screen_day, now), language=language)
    # A period ("entro venerdì", "next week") names days of its own, even when it starts there.
    return anchored is None or anchored.date != screen_day or anchored.last is not None


def _preferred(s: str, when: When | None, now: datetime, language: str) -> When | None:
    """Of several days named, the one said to be preferred, with the time or window said."""
    found = _PREFERRED.search(s)
    if found is None or when is None or len(_ANY_WEEKDAY.findall(s)) < 2:
        return when
    day = parse_when(found.group("a") or found.group("b"), now=now, language=language)
    if when.last is not None and (day is None or not when.date <= day.date <= when.last):
        return when  # a period of days, and the day preferred is not one of them
    if day is None or (day.date.weekday() == when.date.weekday() and when.last is None):
        return when  # "ideally wednesday 2nd": the date read already is that day
    # "friday or saturday, saturday ideally": that day alone, not the choice between them
    return replace(when, date=day.date, last=None, skip=())


def _before_after_that(s: str, when: When | None, now: datetime, language: str) -> When | None:
    """ "I start work at 10 so something before that (on thursday)": a window that ends (or, with
    "after that", starts) at the last hour said before it, on the day named."""
    found = _BEFORE_AFTER_THAT.search(s)
    if found is None or when is None or when.last is not None:
        return when
    if _BUSY_BEFORE.search(s[: found.start()].strip()):
        return when
    hours = list(_LAST_HOUR.finditer(s[: found.start()]))
    if not hours:
        return when
    hour = hours[-1].group(0).replace(".", ":")
    side = "before" if found.group("before") else "after"
    tail = f"{side} {hour} {s[found.end() :]}"
    asked = parse_when(tail, now=now, language="en")
    if asked is None or asked.window is None:
        return when
    if _names_a_day(tail, tail, now.date(), now, language) and asked.date == when.date:
        return replace(asked, approximate=False)
    # "a cut wednesday after that? tuesday's no good": the day read from the whole message (the
    # day refused dropped out) keeps the window
    return replace(when, time=None, window=asked.window, approximate=False)


# "my thursday one", "the friday one at 11": "one" after a day is the appointment, not 1 o'clock
# ("friday one pm", "friday one thirty" keep their time; "the 2nd one" is a button).
_DAY_ONE = re.compile(
    r"\b(monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tue|tues|wed|weds|thu|"
    r"thur|thurs|fri|sat|sun|tomorrow|tmrw|today)(?:'s|s)? one\b"
    r"(?!\s*(?:pm|am|p\.m|a\.m|o'?\s?clock|thirty|fifteen|forty|o\b|[:.]\d))",
    re.IGNORECASE,
)


def read(text: str, screen: Screen, *, now: datetime, language: str) -> Reading:
    """What a message means, given what is on screen. `now` is aware, in the business timezone."""
    text = _DAY_ONE.sub(r"\1", text.strip())
    if not text:
        return Reading(intent=None, when=None)
    tokens = _tokens(text)
    s = " ".join(tokens)
    intent = parse_intent(text, language=language)
    when = parse_when(text, now=now, language=language)
    when = asked_over_refused(s, when, now, language)
    shifted = _shift(s)
    shift = shifted[0] if shifted else None
    if shifted is not None:
        # "bring it forward by 2 hours": the amount is not a time ("by 2" would be "before 2").
        when = parse_when(shifted[1], now=now, language=language)
        if (
            shift is not None
            and shift % _DAY_MINUTES == 0
            and when is not None
            and when.last is None
            and _DATE_AFTER_SHIFT.search(s)
        ):
            # "un giorno dopo il 10", "two days before the 5th": counted from that date
            when = replace(when, date=when.date + timedelta(minutes=shift), past=False)
            shift = None
    not_this = _NOT_THIS_NEXT.search(s) or _NEXT_NOT_THIS.search(s)
    if not_this is not None:
        groups = not_this.groupdict()
        named = groups.get("day") or groups.get("day2") or groups.get("day3") or ""
        this = parse_when(named, now=now, language=language)
        if this is not None and this.date - timedelta(days=7) == now.date():
            this = replace(this, date=now.date())  # "not this monday" said on a Monday: today
        if this is not None and this.date is not None:
            rest = parse_when(
                f"{s[: not_this.start()]} {s[not_this.end() :]}", now=now, language=language
            )
            later = this.date + timedelta(days=7)
            when = replace(rest, date=later, last=None) if rest is not None else When(date=later)
    as_typed = s
    refused_number = _REFUSED_NUMBER.search(s)
    without_refused = _REFUSED_NUMBER.sub(" ", s) if refused_number is not None else s
    if refused_number is not None and re.search(r"\d", without_refused):
        # "make it the 25th not the 24th": read the message without the value refused
        s = " ".join(without_refused.split())
        text = s
        tokens = tuple(s.split())
        when = parse_when(s, now=now, language=language)
        intent = parse_intent(s, language=language)
    else:
        refused_number = None
    refused = _REFUSED_DAY.sub(" ", s)
    if refused != s and when is not None:
        # "volevo dire giovedì, non martedì": the day refused is not the one asked for.
        kept = parse_when(refused, now=now, language=language)
        when = kept if kept is not None else when
        if when.last is not None:
            # "la settimana prossima ma non lunedì", "not monday not tuesday, any other day this
            # week": the period without the days refused.
            weekdays = set()
            for found in _REFUSED_DAY.finditer(s):
                for name in _REFUSED_ONE.findall(found.group(0)):
                    day = parse_when(name, now=now, language=language)
                    if day is not None:
                        weekdays.add(day.date.weekday())
            while when.date.weekday() in weekdays and when.date < when.last:
                when = replace(when, date=when.date + timedelta(days=1))
    when = _preferred(s, when, now, language)
    when = _before_after_that(s, when, now, language)
    negated = bool(_NEGATION.search(as_typed))
    correction = bool(_CORRECTION.search(s)) or refused_number is not None
    same_time = bool(_SAME_TIME.search(s))
    same_day = bool(_SAME_DAY.search(s))
    change = bool(_CHANGE.search(s))

    latest = _LATEST.search(s) is not None and _ON_SCREEN.search(s) is None
    if screen.day is not None and when is None and not negated and latest:
        return Reading(intent=None, when=None, latest=True)
    first_open = when is None and not negated and asks_first_open_day(text)
    if first_open:
        # "il primo giorno che siete aperti" (after "domenica siamo chiusi"): the days after the
        # one on screen, the first with room offered; with no day on screen, from today.
        first = screen.day + timedelta(days=1) if screen.day is not None else now.date()
        when = When(date=first, last=first + timedelta(days=OPEN_DAY_SEARCH_DAYS - 1))
    picks = None if negated or first_open else _pick(tokens, screen)
    if picks is None and not first_open and screen.step in _HELD_STEPS:
        # A time held, picked from a list: "no, the 2nd one" puts the pick right (the steps
        # decide whether there is a list); with the times on screen a "no" never holds.
        picks = _pick_after_no(tokens, screen)
    on_screen = screen.choices > 0 and screen.day is not None and when is None and not negated
    if picks is None and on_screen and _ANY_OF_THEM.search(s):
        picks = 1  # "any of those is fine": the first time on screen
    if (
        picks is None
        and on_screen
        and intent is not None
        and intent.kind is IntentKind.ASAP
        and _PICK_WORDS & set(tokens)
    ):
        picks = 1  # "I'll grab the earliest one" with times on screen: the first of them
    if (
        picks is not None
        and picks > screen.choices > 0
        and screen.day is not None
        and len(tokens) == 1
    ):
        # "9" with six times on screen is nine o'clock (rule 8: 1-7 afternoon, 8-11 morning).
        hour = picks + 12 if picks <= 7 else picks
        return Reading(
            intent=Intent(IntentKind.CHOOSE_TIME, time=time(hour)),
            when=When(date=screen.day, time=time(hour)),
        )
    if (
        picks is None
        and not negated
        and when is None  # "nel primo pomeriggio" is a part of the day
        and (screen.choices > 0 or screen.step in _PICK_STEPS)
        and intent is not None
        and intent.kind is IntentKind.CHOOSE_ORDINAL
        and any(t in _ORDINALS and t.isalpha() for t in tokens)
    ):
        picks = intent.ordinal  # an ordinal word in a sentence: "ok perfetto, il secondo"
    if picks is not None:
        # A pick is a button, not a date: "2" or "the 2nd one" never means the 2nd of the month.
        return Reading(
            intent=Intent(IntentKind.CHOOSE_ORDINAL, ordinal=picks), when=None, picks=picks
        )
    if intent is not None and intent.kind is IntentKind.CHOOSE_ORDINAL:
        intent = None  # a number inside a sentence is a date or a time, never a button
    if intent is not None and intent.kind is IntentKind.NO and when is not None:
        intent = None  # "anzi no, meglio venerdì": the correction carries a new day
    if intent is not None and intent.kind is IntentKind.CHOOSE_TIME and negated:
        intent = None  # "no, alle 4" asks for 16:00, it does not take it

    if (
        when is not None
        and screen.day is not None
        and when.last is None
        and not when.past
        and not_this is None
        and (same_day or not _names_a_day(text, s, screen.day, now, language))
    ):
        when = replace(when, date=screen.day)
    if screen.day is not None and not _WEEK_ON.search(s):
        when = same_a_week_on(s, when, screen.day, screen.time)
    if _WEEK_ON.search(s) and screen.day is not None:
        week_on = screen.day + timedelta(days=7)
        said = when or When(date=week_on)  # its time or part of the day, if one was said
        when = When(date=week_on, time=said.time, window=said.window, approximate=said.approximate)
    step = 1 if _NEXT_DAY.search(s) else -1 if _PREVIOUS_DAY.search(s) else 0
    if first_open:
        step = 0
    when = in_week_of(s, when, screen.day)
    if screen.day is not None and not_this is None and (change or same_time or correction):
        when = next_after_held(s, when, screen.day, now.date())
    if step and screen.day is not None:
        beside = screen.day + timedelta(days=step)
        when = replace(when, date=beside) if when is not None else When(date=beside)
        if intent is not None and intent.kind in (IntentKind.LATER, IntentKind.EARLIER):
            intent = None  # "il giorno dopo" is another day, not a later time
    if intent is not None and intent.kind is IntentKind.MOVE and same_day and when is None:
        # "si può anticipare un pochino lo stesso giorno?": a nudge on the appointment's day
        way = nudge(s)
        if way:
            intent = Intent(IntentKind.EARLIER if way < 0 else IntentKind.LATER)
    dayless = False
    if when is None and screen.day is not None and screen.asked:
        # "are you open saturday?" answered, then "ok 10 then": ten o'clock that day
        bare = _bare_hour(tokens)
        if bare is not None:
            when = When(date=screen.day, time=time(bare))
    picked = (IntentKind.CHOOSE_TIME, IntentKind.CHOOSE_ORDINAL)
    if screen.asked and when is not None and intent is not None and intent.kind in picked:
        intent = None  # the time is for the day asked about, not a button of another day
    if (
        intent is not None
        and intent.kind is IntentKind.CHOOSE_TIME
        and when is not None
        and screen.day is not None
        and when.date != screen.day
    ):
        intent = None  # "what about the epiphany at 10": 10:00 that day, not the button on screen
    held_fix = correction and screen.step in _HELD_STEPS  # "sorry meant 11" with a time held
    if when is None and (
        change or (negated and correction) or held_fix or refused_number is not None
    ):
        # "could we make it 11 instead of 10": 11 is asked, 10 is the time it has now; so in
        # "meglio le 12 che le 11", once the old value is set aside
        bare = _bare_hour(tuple(_INSTEAD_OF.sub(" ", s).split()))
        if bare is not None:
            when = When(date=screen.day or now.date(), time=time(bare))
            dayless = screen.day is None
    elif when is not None and screen.day is None and when.last is None and not when.past:
        dayless = not _names_a_day(text, s, now.date(), now, language)
    if shift is not None and shift % _DAY_MINUTES == 0 and screen.day is not None:
        # "rimandalo di un giorno", "push it back a week": another day, the same time
        when = When(date=screen.day + timedelta(minutes=shift), time=screen.time)
        if intent is not None and intent.kind in (IntentKind.LATER, IntentKind.EARLIER):
            intent = None
    elif shift is not None and screen.time is not None and screen.day is not None:
        moved = datetime.combine(screen.day, screen.time) + timedelta(minutes=shift)
        if moved.date() == screen.day and (when is None or when.date == screen.day):
            when = When(date=screen.day, time=moved.time())
            if intent is not None and intent.kind in (IntentKind.LATER, IntentKind.EARLIER):
                intent = None  # "un'ora più tardi" is that time, not the next times on screen
    if same_time and screen.time is not None:
        if when is None and screen.day is not None:
            when = When(date=screen.day)
        if when is not None and when.time is None and when.window is None:
            when = replace(when, time=screen.time)
    return Reading(
        intent=intent,
        when=when,
        correction=correction,
        negated=negated,
        picks=None,
        same_time=same_time,
        same_day=same_day,
        change=change,
        day_word=bool(_DAY_WORDS.search(s)),
        shift=shift,
        dayless=dayless,
        beside=step if screen.day is None else 0,
        back=goes_back(s),
        other_time=when is None and asks_other_time(s),
        adjacent=_adjacent(s, tokens) if when is None and screen.time is not None else 0,
        week_on=screen.day is None and asks_a_week_on(s),
    )
