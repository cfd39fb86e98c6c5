"""Words and phrases the date reader knows, in Italian and English, mapped to canonical tokens.

The reader rewrites a message into a short stream of tokens ("WD3", "REL1", "DPA", "AFTER", "16")
so that its rules are written once for both languages.
"""

from __future__ import annotations

import re

_WEEKDAYS: dict[str, int] = {}
for _i, _names in enumerate(
    [
        "lunedi lun monday mondays mon",
        "martedi mart tuesday tuesdays tue tues",
        "mercoledi mer merc wednesday wednesdays wed weds",
        "giovedi gio giov thursday thursdays thu thur thurs",
        "venerdi ven friday fridays fri",
        "sabato sabati sab saturday saturdays sat",
        "domenica domeniche dom sunday sundays sun",
    ]
):
    for _name in _names.split():
        _WEEKDAYS[_name] = _i

_MONTHS: dict[str, int] = {}
for _i, _names in enumerate(
    [
        "gennaio gen january jan",
        "febbraio feb february",
        "marzo march",
        "aprile apr april",
        "maggio mag may",
        "giugno giu june jun",
        "luglio lug july jul",
        "agosto ago august aug",
        "settembre set sett september sep sept",
        "ottobre ott october oct",
        "novembre nov november",
        "dicembre dic december dec",
    ],
    start=1,
):
    for _name in _names.split():
        _MONTHS[_name] = _i

_CARDINALS: dict[str, int] = {
    "un": 1, "uno": 1, "una": 1, "due": 2, "tre": 3, "quattro": 4, "cinque": 5, "sei": 6,
    "sette": 7, "otto": 8, "nove": 9, "dieci": 10, "undici": 11, "dodici": 12, "tredici": 13,
    "quattordici": 14, "quindici": 15, "sedici": 16, "diciassette": 17, "diciotto": 18,
    "diciannove": 19, "venti": 20, "ventuno": 21, "ventidue": 22, "ventitre": 23,
    "ventiquattro": 24, "venticinque": 25, "ventisei": 26, "ventisette": 27, "ventotto": 28,
    "ventinove": 29, "trenta": 30, "trentuno": 31,
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
    "twenty": 20, "thirty": 30,
}  # fmt: skip

_ORDINALS: dict[str, int] = {
    "primo": 1, "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6,
    "seventh": 7, "eighth": 8, "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12,
    "thirteenth": 13, "fourteenth": 14, "fifteenth": 15, "sixteenth": 16, "seventeenth": 17,
    "eighteenth": 18, "nineteenth": 19, "twentieth": 20, "thirtieth": 30,
}  # fmt: skip

# Single words -> canonical tokens (several tokens separated by spaces).
WORDS: dict[str, str] = {
    "oggi": "REL0", "today": "REL0", "domani": "REL1", "tomorrow": "REL1", "tmrw": "REL1",
    "tmr": "REL1", "tomoz": "REL1", "tommorow": "REL1", "tommorrow": "REL1",
    "tomorrw": "REL1", "2morrow": "REL1", "2moro": "REL1", "2day": "REL0", "tday": "REL0",
    "dopodomani": "REL2", "avantieri": "REL-2", "ieri": "REL-1", "yesterday": "REL-1",
    "yday": "REL-1", "yest": "REL-1", "ystday": "REL-1",
    "stamattina": "REL0 DPM", "stamani": "REL0 DPM", "stamane": "REL0 DPM",
    "stasera": "REL0 DPE", "stanotte": "REL0 DPE", "tonight": "REL0 DPE", "tonite": "REL0 DPE",
    "domattina": "REL1 DPM", "mattina": "DPM", "mattino": "DPM", "mattinata": "DPM",
    "morning": "DPM", "pranzo": "DPL", "lunch": "DPL", "lunchtime": "DPL",
    "pomeriggio": "DPA", "afternoon": "DPA", "sera": "DPE", "serata": "DPE", "evening": "DPE",
    "notte": "DPE", "night": "DPE", "pom": "DPA", "eve": "DPE", "morn": "DPM", "arvo": "DPA",
    "prossimo": "NEXT", "prossima": "NEXT", "next": "NEXT", "coming": "NEXT",
    "questo": "THIS", "questa": "THIS", "this": "THIS",
    "mezzogiorno": "12:00", "mezzodi": "12:00", "noon": "12:00", "midday": "12:00",
    "mezzanotte": "00:00", "midnight": "00:00",
    "alle": "AT", "all": "AT", "delle": "AT", "ore": "AT", "h": "AT", "at": "AT", "@": "AT",
    "ish": "~", "circa": "~",
    "pm": "PM", "am": "AM",
    "scorso": "PASTW", "scorsa": "PASTW", "passato": "PASTW", "passata": "PASTW",
    "last": "PASTW", "by": "BY",
    "weekend": "WEEKEND", "wknd": "WEEKEND", "wkend": "WEEKEND", "weekends": "WEEKEND",
    "mese": "MONTH", "month": "MONTH",
}  # fmt: skip
for _w, _n in _WEEKDAYS.items():
    WORDS[_w] = f"WD{_n}"
for _w, _n in _MONTHS.items():
    WORDS[_w] = f"MO{_n}"
# Number words become digits before offsets are read ("tra tre ore"), the rest after.
NUMBERS: dict[str, str] = {w: str(n) for w, n in _CARDINALS.items()}
NUMBERS.update({w: f"{n}ORDW" for w, n in _ORDINALS.items()})

_EXTRA_TARGETS = (
    "domani dopodomani today tomorrow tonight stasera stamattina domattina mattina "
    "mattino pomeriggio morning afternoon evening prossimo prossima settimana "
    "settimane mezzogiorno mezzanotte midnight midday between around intorno pranzo "
    "lunchtime giorni minuti minutes quarter tardo"
)
_NO_TYPO = (
    "maggior maggiore match marc mattia mattine giorno minute tardi tarda quarto quarti "
    "prossimi prossime domande domanda sabati mondo mario maria marta aprite aprire aperto "
    "apre aprono giusto agosti"
)
# Words a typo may stand for: long and distinctive enough not to swallow ordinary words.
TYPO_TARGETS: tuple[str, ...] = tuple(
    sorted(
        {w for w in _WEEKDAYS if len(w) >= 6}
        | {w for w in _MONTHS if len(w) >= 5}
        | set(_EXTRA_TARGETS.split())
    )
)
# Ordinary words one edit away from a target, which must stay as they are.
NO_TYPO: frozenset[str] = frozenset(_NO_TYPO.split())

# Multi-word phrases, applied in order to the typo-corrected text (before single words).
_PHRASE_LIST: list[tuple[str, str]] = [
    # "tomorrow" as typed: tommorow, tomorow, tommorrow, tmrw
    (r"(?:the )?day after (?:to?m+o?r+o?w|tmr|tomoz|2morrow|2moro)|dopo domani", "REL2"),
    (
        r"(?:the )?day before (?:yesterday|yday|yest|ystday)|(?:l )?altro ieri|altroieri"
        r"|ieri l altro",
        "REL-2",
    ),
    # The Christmas holidays as a period (rule 16): "over the holidays", "durante le feste",
    # "xmas hols"; "sotto natale", "the run-up to christmas": the days just before Christmas.
    (
        r"(?:the )?(?:christmas |xmas |festive )(?:holidays|hols|break|season|period)"
        r"|the (?:holidays|hols|festive season|festive period)"
        r"|(?<!buone )(?<!buone le )(?:le )?feste(?: natalizie| di natale| di fine anno)?(?! di )"
        r"|(?:le )?vacanze (?:di natale|natalizie)|(?:il )?periodo (?:natalizio|delle feste)",
        "XMASHOLS",
    ),
    (
        r"sotto natale|a ridosso (?:di|del) natale|(?:in )?the run ?up to (?:christmas|xmas)"
        r"|just before (?:christmas|xmas)|(?:the )?week before (?:christmas|xmas)",
        "PREXMAS",
    ),
    (r"(?:l )?ultimo (?:giorno )?dell anno", "31 MO12"),
    # Named holidays are their dates; the calendar then says whether the salon is closed.
    (r"(?:la )?vigilia di natale|christmas eve|xmas eve", "24 MO12"),
    (r"(?:il giorno di |a |per )?natale|christmas(?: day)?|xmas(?: day)?", "25 MO12"),
    (r"santo stefano|boxing day|(?:st|saint) stephen ?s day", "26 MO12"),
    (r"(?:la )?notte di san silvestro|san silvestro|new year s eve|new years eve", "31 MO12"),
    (r"capodanno|new year s day|new years day|(?<!happy )(?:the )?new years?(?! s)", "1 MO1"),
    (r"(?:l )?epifania|(?:la )?befana|(?:the )?epiphany", "6 MO1"),
    (r"(?:l )?immacolata|(?:the )?(?:feast of the )?immaculate conception", "8 MO12"),
    # The other fixed Italian holidays, by their everyday names
    (r"(?:la )?festa della liberazione|liberation day", "25 MO4"),
    (r"(?:la )?festa dei lavoratori|(?:la )?festa del lavoro|labou?r day|may day", "1 MO5"),
    (r"(?:la )?festa della repubblica|republic day", "2 MO6"),
    (r"ferragosto", "15 MO8"),
    (r"ognissanti|(?:il giorno di )?tutti i santi|all saints(?: day)?", "1 MO11"),
    (r"(?:sta|questa) mattina|this morning", "REL0 DPM"),
    (r"(?:sto|questo) pomeriggio|this afternoon", "REL0 DPA"),
    (r"(?:sta|questa) sera|this evening", "REL0 DPE"),
    (r"primo pomeriggio|early afternoon|inizio pomeriggio|inizio del pomeriggio", "DPEA"),
    (
        r"tardo pomeriggio|late afternoon|pomeriggio tardi|tardi pomeriggio"
        r"|fine pomeriggio|fine del pomeriggio|pomeriggio tardo",
        "DPLA",
    ),
    (r"ora di pranzo|pausa pranzo|lunch time|lunch break|lunchtime", "DPL"),
    (r"dopo (?:il )?pranzo|after lunch", "AFTER 14"),
    # Working hours (rule 18), and "I work until 5" = after 17:00 (rule 14).
    (
        r"dopo (?:il |l )?(?:lavoro|ufficio)|finito (?:di lavorare|il lavoro)"
        r"|after (?:my )?(?:work|office)|after i finish work|when i finish work",
        "AFTER 17:00",
    ),
    (
        r"prima (?:del |di )?(?:lavoro|lavorare|ufficio)|before (?:my )?(?:work|office)",
        "BEFORE 09:00",
    ),
    # School hours: "after school", "all'uscita di scuola" = from about 16:00 (as rule 18).
    (
        r"dopo (?:la |l )?scuola|(?:all |a )?uscita (?:di |da |dalla |della )?scuola"
        r"|(?:quando|appena) (?:esce|escono|esco|usciamo) (?:da |dalla )?scuola"
        r"|finita la scuola|dopo (?:le )?lezioni"
        r"|after (?:the )?(?:school|skool|scool|schl)(?: run| pickup)?"
        r"|(?:when|once|after) (?:school|class(?:es)?) (?:finishes|finish|ends|end|is out|"
        r"gets out|lets out|is over|are over)|after (?:the )?school pick ?up",
        "AFTER 16:00",
    ),
    # A child's age is no time: "she's 6", "ha 6 anni", "my 7 year old", "di 8 anni".
    (
        r"\d{1,2} (?:anni|anno|years? old|yrs? old|yo|year olds?|yr olds?)"
        r"|(?:she|he) (?:s|is) (?:only |just |nearly |almost )?\d{1,2}(?! ?(?:am|pm|o clock)\b)",
        "",
    ),
    (
        r"(?:i )?(?:work|m working|am working|m at work|am at work) (?:until|till|til|to)"
        r"|(?:lavoro|sono al lavoro|sono in ufficio|lavoro fino) (?:fino )?(?:alle|all|a)"
        r"|finisco (?:di lavorare )?(?:alle|all|a)|(?:i )?(?:finish|get off) (?:work )?at"
        r"|(?:esco|stacco|smonto) (?:da |dal |dall |dalla )?(?:ufficio|lavoro|scuola)? ?"
        r"(?:alle|all|a)|(?:(?:i )?(?:get out of|leave)|(?:i ?m|i am) (?:out of|off)) "
        r"(?:work |the office |school )?(?:at|by)",
        "AFTER",
    ),
    # Periods of days (rule 16).
    (
        r"(?:il |lo |the )?(?:week ?end|fine settimana) (?:after next|after this(?: one)?"
        r"|dopo (?:questo|il prossimo))",
        "WEEKEND2",
    ),
    # "prima del weekend", "before the weekend": the days up to Friday (a deadline, rule 19)
    (r"prima del (?:week ?end|fine settimana)|before the (?:week ?end|wknd)", "BY WD4"),
    (
        r"(?:il |lo |nel |questo |sto |this |the |on the )?(?:week ?end|fine settimana)"
        r"(?= (?:prossimo|next|dopo|after))"
        r"|(?:il |lo |nel )?(?:prossimo|next|following|the following|the next)"
        r" (?:week ?end|fine settimana)"
        r"|(?:il |lo |nel )?(?:week ?end|fine settimana) (?:prossimo|dopo|after)",
        "NEXT WEEKEND",
    ),
    (
        r"(?:il |lo |nel |questo |sto |this |the |on the |in the )?"
        r"(?:week ?end|fine settimana|fine sett)(?! (?:prossima|della|di|prox))",
        "WEEKEND",
    ),
    (
        r"(?:il |al )?(?:mese prossimo|prossimo mese)|next month|the following month",
        "NEXTMONTH",
    ),
    (
        r"(?:all |agli |ad |a )?inizi[oa] (?:della |del |di |dell )?"
        r"|(?:at |in )?the (?:beginning|start) of(?: the)?|(?:at )?(?:beginning|start) of(?: the)?"
        r"|early(?: in)?(?: the)?(?= (?:next|this|settimana|prossima|mese|month|week|_MONTHS_|"
        r"_MONTH_ABBR_))",
        "PSTART",
    ),
    # "i primi giorni della settimana prossima", "the first few days of january"
    (
        r"(?:nei |ai |i )?primi (?:(?:due|tre|pochi) )?giorni (?:della |del |di |dell )?"
        r"|(?:in |during |over )?the first (?:few |couple of |two |three |2 |3 )?days (?:of|in)"
        r"(?: the)?",
        "PSTART",
    ),
    # "negli ultimi giorni della prossima settimana", "the last few days of the month"
    (
        r"(?:negli |agli |gli )?ultimi (?:(?:due|tre|pochi) )?giorni (?:della |del |di |dell )?"
        r"|(?:in |during |over )?the (?:last|final) (?:few |couple of |two |three |2 |3 )?days "
        r"(?:of|in)(?: the)?",
        "PEND",
    ),
    (
        r"(?:a |verso )?meta (?:della |del |di |dell )?|(?:in the )?middle of(?: the)?"
        r"|mid(?: in)?(?: the)?|mid ?week(?= (?:next|this|nxt|settimana|della|di|_MONTH_ABBR_))",
        "PMID",
    ),
    (
        r"(?:alla |verso |a )?fine (?:della |del |di |dell )?"
        r"(?=settimana|prossima|mese|questa|questo|_MONTHS_)"
        r"|(?:at |towards |toward |by )?the end of(?: the)?|end of(?: the)?"
        r"|late(?: in)?(?: the)?(?= (?:next|this|_MONTHS_|_MONTH_ABBR_))",
        "PEND",
    ),
    (r"sometime in|some time in|nel mese di|in the month of|durante", ""),
    (r"prima (?:di |del )?pranzo|before lunch", "BEFORE 12"),
    # "prima del 10" is a day ("del" = "di il"); "prima delle 10" is a time
    (r"prima del(?= \d)", "BEFORE il"),
    (
        r"(?:the |a )?week after next|(?:la )?settimana dopo la prossima",
        "WEEKAFTERNEXT",
    ),
    # British "a week on tuesday", "a fortnight on friday", "friday fortnight"
    (r"(?:a |one )?fortnight (?:on|from)|(?<=day )fortnight", "FORTNIGHTON"),
    (r"(?:a |one )week (?:on|from)(?= (?:_WEEKDAYS_))", "WEEKON"),
    # "tuesday just gone", "the friday that's just gone": the latest such day behind today
    (
        r"(?<=day |end )(?:that s |that has |that is )?(?:just )?gone|(?<=day |end )just past",
        "PASTW",
    ),
    # American "this past friday"
    (r"this past(?= (?:_WEEKDAYS_|week ?end))", "PASTW"),
    # "sabato appena passato", "il lunedì appena trascorso": the latest such day behind today
    (r"appena (?:passat[oa]|trascors[oa])", "PASTW"),
    # "in the next fortnight", "nelle prossime 2 settimane": today to two weeks on
    (
        r"(?:(?:sometime |some time |anytime |any time )?(?:in|within|over|during) )?"
        r"(?:the )?(?:next|coming) (?:fortnight|(?:two|2|couple of) weeks)"
        r"|(?:nelle |entro le |per le )?prossime (?:due |2 )settimane",
        "BY REL14",
    ),
    # "nei prossimi giorni", "in the next few days", "over the coming days": today to four days on
    (
        r"(?:(?:sometime |some time |anytime |any time )?(?:in|within|over|during) the "
        r"|(?:nei|entro i|per i|in questi) )?(?:(?:next|coming|following) (?:few |couple of )?days"
        r"|prossimi (?:due |tre |pochi )?giorni)",
        "BY REL4",
    ),
    # "la settimana dopo l'immacolata", "the week after the 8th": the calendar week after that
    # day's (rule 16), not the day itself nor next week.
    (
        r"(?:la |the )?(?:(?:settimana|sett) (?:dopo|successiva|seguente)(?: a| al| all| alla)?"
        r"|(?:week|wk) (?:after|following))"
        r"(?= (?:(?:il|l|lo|la|the|del|dell|della|di) )?(?:\d|_MONTHS_|_HOLIDAYS_"
        r"|(?:jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec|gen|mag|giu|lug|ago|set|ott|dic)"
        r" \d))",
        "WEEKAFTER",
    ),
    (
        r"(?:del|della|di|the|of) (?:settimana prossima|prossima settimana|next week|week after)"
        r"|(?:la )?(?:settimana prossima|prossima settimana|settimana dopo)|next week"
        r"|(?:la )?(?:settimana prox|prox settimana|sett prossima|prossima sett|prox sett)"
        r"|(?:la )?settimana (?:che viene|entrante)|the coming week"
        r"|(?:in )?settimana (?:la |della )?(?:prox|prossima)"
        r"|(?:next|nxt) (?:wk|week)"
        r"|the following week|the week after",
        "NEXTWEEK",
    ),
    # "earlier this week", "nei giorni scorsi": the days of this week already behind today
    (r"earlier (?:this|in the) week|scorsi giorni|nei giorni scorsi", "EARLIERWEEK"),
    (r"(?:di )?(?:questa|sta) settimana|this week|in settimana", "THISWEEK"),
    (r"(?:di |in )?(?:questo|sto) mese|this month", "THISMONTH"),
    # "the last week of december", "l'ultima settimana di dicembre": the month's last seven days
    (
        r"(?:the )?(?:last|final) week (?:of|in)(?= (?:_MONTHS_))"
        r"|(?:l )?ultima settimana (?:di|del mese di)(?= (?:_MONTHS_))",
        "PLASTW",
    ),
    (
        r"(?:della |di |the |of )?(?:settimana scorsa|scorsa settimana|settimana passata"
        r"|last week|the week before|previous week)",
        "LASTWEEK",
    ),
    (r"entro(?! (?:le|l|alle|mezzogiorno|mezzanotte|\d))", "BY"),
    (r"at the latest|al massimo|al piu tardi", ""),
    (r"(?:tra|fra|in) mezz ora|in half an hour|in mezzora", "OFFM 30"),
    (r"(?:tra|fra) (?:un|1) ora|in an hour|in a hour|in 1 hour|in one hour", "OFFM 60"),
    (r"a couple of|a couple|un paio di", "2"),
    (r"e mezza|e mezzo|and a half|thirty|e 30", "+30"),
    (r"e (?:un|1) quarto", "+15"),
    (r"e (?:tre|3) quarti", "+45"),
    (r"meno (?:un|1) quarto", "-15"),
    (r"half past|half after", "HALFPAST"),
    # British "half 9" is 9:30 (the "at" may be missing: "the half 9 one")
    (
        r"half(?= (?:\d{1,2}|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)\b)"
        r"(?! \d{1,2} (?:hours?|hrs?|mins?|minutes?|days?|weeks?)\b)",
        "HALFPAST",
    ),
    (r"(?:a )?quarter (?:past|after)", "QPAST"),
    (r"(?:a )?quarter (?:to|til|till|of)", "QTO"),
    (r"o clock|in punto", ""),
    (
        r"(?:verso|circa|intorno|attorno|tipo|piu o meno|sul|sui) (?:le|l|alle|all|a)"
        r"|verso|intorno|attorno|piu o meno|sulle|sull"
        r"|(?:at )?(?:around|about|abt|approximately|approx|roughly|round about|circa)|or so"
        r"|at like",  # "friday at like 2"
        "~",
    ),
    (r"(?:per|x) (?:le|l)", "AT"),
    (r"(?:tra|fra) (?:le|l)|between", "BETWEEN"),
    (r"a partire dalle|a partire da|dalle|dall|from|starting at|starting from", "FROM"),
    (
        r"non prima (?:delle|dell|di)|non prima|not before|no earlier than|not earlier than"
        r"|(?:any ?time )?after|later than|dopo (?:le|l)|dopo",
        "AFTER",
    ),
    (
        r"non dopo (?:le|l)|not after|no later than|prima (?:delle|dell|di)|before|b4"
        r"|entro (?:le|l)"
        r"|(?:at the latest )?by (?=\d)"
        r"|entro|until|till|til|fino (?:alle|all|a)|up to|earlier than",
        "BEFORE",
    ),
    (r"in poi|onwards|onward|or later|o dopo|and later|or after", "ONW"),
    (
        r"invece (?:di|che|del|della)|anziche|al posto (?:di|del|della)|instead of|rather than",
        "INSTEAD",
    ),
    # "at 10, no wait, make that 12": the number after "make that" is the time corrected to
    (
        r"make (?:that|it)(?= \d{1,2}(?:[:.]\d{2})?(?: ?[ap]m)?"
        r"(?: (?:please|pls|instead|then|thanks|thx|o clock|on|tomorrow|today)\b|$))",
        "make that AT",
    ),
    (r"appuntamento|appuntamenti|prenotazione|appointment|appt|booking|reservation", "APPT"),
]
_MONTH_WORDS = "|".join(sorted((m for m in _MONTHS if len(m) > 3), key=len, reverse=True))
# "late jan", "early feb": short month names, read as months only after early/mid/late
_MONTH_ABBR = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sept|sep|oct|nov|dec)\b"
_WEEKDAY_WORDS = "|".join(sorted(_WEEKDAYS, key=len, reverse=True))
# Holidays named by a word of their own (their dates are the phrases above).
_HOLIDAYS = (
    "natale|christmas|xmas|immacolata|immaculate|epifania|befana|epiphany|capodanno|new year|"
    "santo stefano|boxing day|san silvestro|ferragosto|ognissanti|all saints|vigilia"
)
_PHRASE_LIST = [
    (
        p.replace("_MONTHS_", _MONTH_WORDS)
        .replace("_MONTH_ABBR_", _MONTH_ABBR)
        .replace("_WEEKDAYS_", _WEEKDAY_WORDS)
        .replace("_HOLIDAYS_", _HOLIDAYS),
        r,
    )
    for p, r in _PHRASE_LIST
]
PHRASES: re.Pattern[str] = re.compile(
    "|".join(f"(?P<p{i}>\\b(?:{p})\\b)" for i, (p, _) in enumerate(_PHRASE_LIST))
)
PHRASE_REPLACEMENTS: tuple[str, ...] = tuple(r for _, r in _PHRASE_LIST)

# Offsets, read after numbers became digits: "tra 4 giorni", "in 3 hours", "2 weeks from now".
OFFSET = re.compile(
    r"\b(?:(?:tra|fra|in|entro) (?P<n1>\d+|a|an) (?P<u1>[a-z]+)"
    r"|(?P<n2>\d+|a|an) (?P<u2>[a-z]+) (?:FROM (?:now|today)|da oggi|da adesso|da ora)"
    # "2 days ago", "3 giorni fa", "a week ago": a past day
    r"|(?P<n3>\d+|a|an|un|una) (?P<u3>[a-z]+) (?:ago|fa))\b"
)
OFFSET_UNITS: dict[str, int] = {
    # minutes per unit; days are negative multiples so they stay dates
    "giorno": -1, "giorni": -1, "day": -1, "days": -1, "gg": -1,
    "settimana": -7, "settimane": -7, "week": -7, "weeks": -7,
    "fortnight": -14, "fortnights": -14,
    "ora": 60, "ore": 60, "hour": 60, "hours": 60, "hr": 60, "hrs": 60, "h": 60,
    "minuti": 1, "minuto": 1, "minutes": 1, "minute": 1, "mins": 1, "min": 1,
}  # fmt: skip
