"""What a customer's message asks for: book, move, cancel, yes, "the second one", "later"...

Pure dictionary and regex work on normalised text, so it is fast and predictable. The date part of a
message is left to `parse_when`; here we only read what the customer wants done.

Precedence, highest first (a message gets the single best intent):
1. LANGUAGE ("in inglese please", "parli italiano?", "change language").
2. Actions: CANCEL, MOVE, LIST, strong BOOK ("prenotare", "book"). A cancel verb together with a
   move or re-book verb is MOVE. "I can't make it (on Thursday)" is CANCEL (the cancel step asks for
   confirmation and can offer another day); with "instead"/"invece"/"another day" it is MOVE.
   A bare "annulla"/"cancel" is always CANCEL: the dialogue reads it as "abort" when it is in the
   middle of a booking. A negated action ("non annullare", "don't cancel") is NO. "Book it" /
   "prenotalo" accepts what was offered: YES.
3. HELP, then STOP ("lascia perdere", "never mind"; weak words like "niente", "basta" only alone).
4. Replies to an offer: ASAP, OTHER_DAY, EARLIER, LATER ("no, un altro giorno" is OTHER_DAY,
   "sì ma più tardi" is LATER), then weak BOOK ("avete posto?").
5. An open time range ("prima delle 10", "after 3pm", "verso le 10") is a window for `parse_when`,
   not EARLIER/LATER/CHOOSE_TIME: such a message gives None unless an intent above matched.
6. CHOOSE_TIME ("quello delle 10", "10:30"; not when a day is named: "domani alle 10" is a date
   request for `parse_when`, so None), then CHOOSE_ORDINAL ("il secondo", "2", "l'ultimo" = -1).
   A bare number 1-9 is an ordinal, 10-23 an hour.
7. NO, YES (a conditional "sì, ma ..." whose condition is not understood gives None; "non lo so"
   is None, not NO; "ok, a presto" is GOODBYE), THANKS, GOODBYE ("a presto", "ciao ciao",
   "buona giornata"), GREETING. In Italian chats a bare "fine" is STOP. `is_acknowledgement`
   tells a bare "ok"/"👍"/"perfetto" (a nod) from an explicit "sì"/"conferma"/"go ahead".
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache

from bot.understanding.text import closest, normalize, words

__all__ = ["Intent", "IntentKind", "is_acknowledgement", "parse_intent"]


class IntentKind(StrEnum):
    BOOK = "book"
    MOVE = "move"
    CANCEL = "cancel"
    LIST = "list"
    HELP = "help"
    STOP = "stop"
    LANGUAGE = "language"
    YES = "yes"
    NO = "no"
    GREETING = "greeting"
    THANKS = "thanks"
    GOODBYE = "goodbye"
    CHOOSE_ORDINAL = "choose_ordinal"
    CHOOSE_TIME = "choose_time"
    EARLIER = "earlier"
    LATER = "later"
    OTHER_DAY = "other_day"
    ASAP = "asap"
    MORE = "more"  # "ce ne sono altri?", "any other times?": the next times of the day on screen


@dataclass(frozen=True)
class Intent:
    kind: IntentKind
    ordinal: int | None = None
    time: datetime.time | None = None
    language: str | None = None


def _words_of(block: str) -> list[str]:
    return block.split()


# Words a typo may be corrected to. Whole forms, because regexes below match stems of them.
_KEYWORDS = frozenset(
    _words_of("""
    spostare sposta sposto spostarlo spostarla spostamento spostiamo sposti anticipare posticipare
    rimandare rinviare reschedule rescheduling move moving postpone cambiare cambia modificare
    annulla annullare annullo annullate annullamento disdire disdici disdetta disdico cancella
    cancellare cancel cancelled canceled cancellation
    prenotare prenota prenoto prenotazione prenotazioni booking bookings book appointment
    appointments appuntamento appuntamenti fissare reservation
    prenotato prenotata prenotati prenotate spostato spostata annullato annullata cancellato
    cancellata disdetto confermato confermata booked
    aiuto help funziona capito capisco
    lascia lasciamo perdere stare niente basta stop never mind nevermind forget importa
    inglese italiano english italian lingua language
    certo certamente perfetto perfetta ottimo benissimo esatto giusto confermo conferma confirm
    perfect sure yes yeah okay accordo absolutely correct alright
    nope nessuno negativo
    grazie thanks thank ciao buongiorno buonasera salve hello arrivederci goodbye
    primo prima secondo seconda terzo terza quarto quarta quinto quinta ultimo ultima penultimo
    first second third fourth fifth last numero number option opzione
    presto earlier sooner tardi later dopo altro altra giorno giorni another different
    possibile appena possible earliest soonest disponibile available
    oggi domani dopodomani today tomorrow tonight stasera stamattina
    lunedi martedi mercoledi giovedi venerdi sabato domenica
    monday tuesday wednesday thursday friday saturday sunday
    """)
)

# Ordinary words that sit one edit away from a keyword and must not be "corrected" into it.
_PROTECTED = frozenset(
    _words_of("""
    dove more mode love have look took cook past fast list lost step shop pure none note hope
    held hell prime terra porta posta sposa sposo resto cerco cento certa pasta basso water
    fifty think thinks italia posto posti quanto quanta quante quanti primi sposi
    sposare certi certe attimo least store start stato stata secondi minuti grazia tarda tardo
    parte forte cosa come confermi confermate
    altri altre giorni sopra sotto prego prossimo prossima the they them then there
    avuto avuta avuti avute
    """)
)


# Chat shorthand and short slips that the edit-distance lookup cannot reach.
_ALIASES = {
    "bok": "book",
    "yse": "yes",
    "ye": "yes",
    "ys": "yes",
    "nevr": "never",
    "appt": "appointment",
    "appts": "appointments",
    "apt": "appointment",
    "tmr": "tomorrow",
    "tmrw": "tomorrow",
    "nn": "non",
    "grz": "grazie",
    "tnx": "thanks",
    "tks": "thanks",
    "k": "ok",
    "kk": "ok",
    "oki": "ok",
    "okie": "ok",
    "okkk": "ok",
    "okok": "ok",
    "okey": "ok",
    "dokey": "ok",
    "xke": "perche",
    "prenotaz": "prenotazione",
    "qnd": "quando",
    "qndo": "quando",
    "appuntam": "appuntamento",
}


def _fix(token: str) -> str:
    """The keyword this token is a typo of, or the token itself."""
    if token in _ALIASES:
        return _ALIASES[token]
    if not token.isalpha() or token in _KEYWORDS or token in _PROTECTED or len(token) < 4:
        return token
    found = closest(token, _KEYWORDS)
    if found is None:
        return token
    # Four-letter words are too close to everyday words: only accept swapped letters ("hlep").
    if len(token) == 4 and sorted(token) != sorted(found):
        return token
    return found


_EMOJI = {
    "👍": " ok ",
    "👌": " ok ",
    "✅": " ok ",
    "✔": " ok ",
    "👎": " no ",
    "❌": " no ",
    "🙏": " grazie ",
    "👋": " ciao ",
}
# Smiles carry warmth, not meaning: dropped, and a message of nothing else is a friendly "ok".
_SMILES = frozenset("😊🙂😀😃😄😁☺😉🥰😍❤♥💕🤗")
_THUMBS = frozenset("👍👌")


def _c(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


_LANG_EN = _c(r"\b(inglese|english|ingles|anglais|inglish)\b")
_LANG_IT = _c(r"\b(italiano|italian|italiana|italien)\b")
_LANG_TRIGGER = _c(
    r"\b(back|go back|torn\w*|ritorn\w*|rimett\w*|parl\w*|speak|switch|change|cambia\w*|passa\w*|"
    r"passiamo|in|lingua|language|write|scriv\w*|"
    r"rispond\w*|answer|reply|talk|please|per favore|use|usa)\b"
)
_LANG_ONLY = _c(r"\b(cambia\w* (la )?lingua|change (the )?language|lingua|language)\b")
_NEGATOR = r"(non|don t|dont|do not|not|doesn t|never)"

_CANCEL = _c(
    r"\b(annull\w*|disdic\w*|disdir\w*|disdett\w*|disdic|cancell\w*|cancel\w*|elimin\w*|delete|"
    r"call off|call it off|remove (my|the|it|this|that))\b|"
    # "pls scrap my appointment", "ditch the booking", "togli la prenotazione": a verb that drops
    # something, said of the appointment
    r"\b(scrap|ditch|drop|bin|scratch|toglie\w*|togli\w*|lev\w*) (il |l |la |lo |my |the |this |"
    r"that |mio |mia |quel |quell |quella |questo |questa )?(\w+ )?(appointment|appt|booking|"
    r"reservation|appuntament\w*|prenotazion\w*)\b|"
    r"\bnon (mi )?(serve|servira) piu\b|\bnon ho piu bisogno\b|\bno longer need\b|"
    r"\b(don t|dont|won t|wont|will not|do not) (need|be needing|require) (it( any ?more| after "
    r"all)|(the|my|that) (appointment|booking|appt)( any ?more| after all)?)\b|"
    # "l'appuntamento non mi serve più", "la prenotazione non serve più"
    r"\b(appuntamento|prenotazione) non (mi |ci )?(serve|servira) piu\b"
)
# "I'll rebook later", "riprenoto più avanti": beside a cancel, a booking some other time
_REBOOK_LATER = _c(
    r"\b(re book|rebook\w*|riprenot\w*|book again|prenot\w*)( \w+)? (later|another time|some other "
    r"time|when i can|piu avanti|in seguito|un altra volta|quando posso|prossimamente)\b"
)
_CANCEL_NEGATED = _c(
    rf"\b{_NEGATOR} (lo |la |l |it |my |the )?(annull\w*|disdic\w*|disdir\w*|cancell\w*|cancel\w*)"
)
_CANT_COME = _c(
    r"\b(can t|cannot|can not|cant|won t be able to|wont be able to|will not be able to|"
    r"unable to|not able to|won t|wont|will not|couldn t|couldnt) "
    r"(make it|come|attend|be there|go|do it)\b|"
    r"\b(don t|dont|do not) think i( can| will| ll| could)? (make it|come|be there)\b|"
    r"\bnon (penso|credo) (di )?(farcela|riuscire a venire|poter venire)\b|"
    r"\bnon (posso|riesco|potro|potrei|riusciro|ce la faccio)( piu)?( a)? (venire|esserci|farcela|"
    r"passare|presentarmi)\b|\bnon voglio piu venire\b|\bdon t want to come any ?more\b|"
    r"\bnon ce la (faccio|faro)\b|\bnon vengo\b|\bnon (ci )?saro\b|"
    r"\b(have to|gotta|got to|need to|going to|gonna) bail\b|"
    r"\b(can|could|will) no longer (make|come|attend|do)\b|\bno longer able to (make|come)\b"
)
# "giovedì non riesco", "sabato nn posso più" with no verb after it: about a day; together with
# another day asked ("posso venire venerdì?") it is a move, otherwise it is only a "no".
_EN_DAYS = r"monday|tuesday|wednesday|thursday|friday|saturday|sunday|tomorrow|today|tmrw"
_CANT_BARE = _c(
    r"\bnon (riesco|posso|potro|riusciro)( piu)?\b(?! (a|ad|di|fare|prenotare|trovare|vedere|"
    r"capire|aprire|leggere|usare|pagare|scegliere|cambiare|spostar\w*|cancellar\w*|annullar\w*|"
    r"disdir\w*|mettere|scrivere|inserire|rispondere|premere|cliccare)\b)|"
    # the same in English: "I can't make thursday anymore", "cant do the 26th", "thursday doesn't
    # work for me now", "thursday's no good any more"
    rf"\b(can t|cant|cannot|can not|couldn t|won t|wont|no longer) (make|do|manage)( it)?( on)? "
    rf"(the )?({_EN_DAYS}|\d{{1,2}}(st|nd|rd|th)?)\b|"
    rf"\b({_EN_DAYS})( s| is)? (doesn t|does not|doesnt|won t|wont|isn t) (work|good)\b|"
    rf"\b({_EN_DAYS})( s| is)? no (good|go)\b"
)
# "volevo un taglio", "i'd like a cut": asking for something, so a "can't make it" in the same
# message is about a day, not an appointment to cancel ("volevo dirvi che..." is not this).
_WANTS_ONE = _c(
    r"\b(vorrei|volevo|voglio|vorremmo|mi serve|mi servirebbe|would like|d like|i want|i wanted|"
    r"i need|was hoping for|looking for) (fare |prenotare |to book |to get |get )?"
    r"(un|una|uno|a|an)\b"
)
_INSTEAD = _c(
    r"\b(invece|instead|rather|can we|could we|possiamo|potremmo|si puo fare|altro giorno|"
    r"altra data|another day|different day|other day|another time|un altro orario|altra settimana|"
    r"another week|different week|facciamo|let s do|let s make it|how about|what about|"
    r"can i come|could i come|can i do|could i do|can we do|(?<!non )(?<!nn )posso venire|"
    r"(?<!non )(?<!nn )potrei venire|(?<!non )(?<!nn )posso passare|any good|"
    r"va bene (lo stesso|invece)|(?<!non )si puo|(?<!non )si potrebbe)\b"
)
_INSTEAD_SAID = _c(r"\b(invece|instead)\b")
_MOVE = _c(
    r"\b(spost\w*|(?<!in )anticip\w*|posticip\w*|rimand\w*|rinvi\w*|reschedul\w*|postpon\w*|"
    r"move|moving|moved|bring (\w+ ){0,3}?(forward|fwd)|"
    r"push (it|my (\w+ )?(appointment|appt|booking)|the (\w+ )?(appointment|appt|booking)) "
    r"(back|forward|fwd|later|to|till|until)|"
    r"re book|rebook\w*|riprenot\w*|rearrang\w*|re arrang\w*|slitt\w*)\b|"
    # "make my appt a bit later", "make it an hour earlier"
    r"\bmake (it|my (\w+ )?(appointment|appt|booking)|the (appointment|appt|booking))( a bit| a "
    r"little| an hour| half an hour)? (later|earlier|sooner)\b|"
    # "shift my appointment", "can you shift it to saturday" (not "my shift ends at 5")
    r"\bshift (it|my|the|this|that|me)\b|\bswitch me (to|over)\b|"
    # "me lo porti a venerdì?", "possiamo portarla alle 12?": brought to another day or time
    r"\b(lo|la) (\w+ )?port\w* (a|al|alle|ad|all)\b|\bportarl[oa] (a|al|alle|ad|all)\b|"
    r"\b(change|changing|modify|switch|swap|cambi\w*|modific\w*) (the |my |it |l |il |la |lo |mio |"
    r"mia |di |a )?(\w+day( s)? )?(appuntament\w*|appointment|appt|booking|prenotazion\w*|time|"
    r"date|day|orario|ora|data|giorno|slot|it|to)\b|\b(cambiarlo|cambiarla|modificarlo|modificarla)\b|"
    # "swap thursday for monday": one day given up for another
    r"\bswap (monday|tuesday|wednesday|thursday|friday|saturday|sunday|tomorrow|today) "
    r"(for|to|with)\b"
)
# A change of mind about the customer's own appointment ("cambio idea, meglio venerdì
# l'appuntamento", "changed my mind, friday for my appointment"), or "passare da giovedì a
# venerdì": a move.
_OWNED_APPT = _c(
    r"\b(l appuntamento|il mio appuntamento|la mia prenotazione|la prenotazione|my (appointment|"
    r"appt|booking|slot)|the (appointment|appt|booking))\b"
)
_MIND = _c(
    r"\b(cambio idea|ho cambiato idea|cambiato idea|changed my mind|change of plans?|"
    r"cambio (di )?programma|ripensandoci|on second thought|actually|anzi|meglio|better|instead|"
    r"invece|rather)\b"
)
_FROM_TO_DAY = _c(
    r"\b(pass\w*|switch\w*|go|andare|cambia\w*|change) (l appuntamento |il mio appuntamento |"
    r"my (appointment|appt|booking) |it )?(da|from) (\w+ ){1,2}?(a|to) (lunedi|martedi|mercoledi|"
    r"giovedi|venerdi|sabato|domani|monday|tuesday|wednesday|thursday|friday|saturday|tomorrow|"
    r"\d)"
)
_BOOK_STRONG = _c(
    r"\b(prenot\w*|book|to book|booking a|make a booking|make an appointment|schedule an|"
    r"fissa\w* (un |l |1 )?(appuntament\w*|taglio|piega|colore)|"
    r"new appointment|nuovo appuntamento|un altro appuntamento|another appointment|"
    r"another booking|a new booking|one more booking)\b"
)
# A cancel beside one of these is a move: "annulla giovedì e mettimi un taglio il 30".
_BOOK_VERB = _c(
    r"\b(prenota|prenotare|prenoto|prenotiamo|prenotami|riprenot\w*|book|rebook|"
    r"mett\w*mi|segna\w*mi|fissa\w*mi|put me (in|down)|pop me in|squeeze me in|"
    r"schedule me|fit me in)\b"
)
# "book it" / "prenotalo" at a confirmation step accepts what was offered.
_BOOK_IT = _c(
    r"\b(go ahead and book|book it|book that|book that one|prenotal[oa]|prenota pure|"
    r"prenotamelo|prenotamela|yes book)\b"
)
_BOOK_NOUN_OWNED = _c(r"\b(my|mia|mie|mio|miei) (booking|prenotazion\w*)")
# An appointment the customer says (or thinks) they have: "hi I have an appt on thursday i
# think? can u check", "I've got a booking on the 26th right?", "dovrei avere un appuntamento
# venerdì, giusto?", "can u check if I'm booked thursday": to be shown, never a new booking
# ("can I have an appointment on thursday" asks for one).
_HAVE_ONE = _c(
    r"(?<!\bcan )(?<!\bcould )(?<!\bmay )(?<!\bto )(?<!\bcan u )(?<!\bcan you )\b(i|we) "
    r"(have|ve|ve got|got|should have|should have got) (got )?(an?|my|our|one|the|1) "
    r"(appointment|appt|booking|reservation|slot)s?\b|"
    r"\b(i|we) (think|believe|m pretty sure|m sure|reckon) (i|we) (have|ve|ve got|got|booked)\b|"
    r"^(got|ve got) (an?|my|one) (appointment|appt|booking|reservation|slot)\b|"
    r"\b(i|we) (already )?(booked|ve booked|have booked|made an? (booking|appointment))\b|"
    r"\b(i m|im|i am|we re|we are) (booked|down|scheduled|pencilled in|penciled in) "
    r"(for|on|at|in)\b|"
    r"\b(if|whether) (i m|i am|im|we re|we are|i was) (booked|down|in|scheduled|on)\b|"
    r"\b(dovrei|dovremmo|credo di|penso di|mi sembra di|mi pare di|sono sicur[oa] di) (gia )?"
    r"(avere|aver preso|aver fissato|aver prenotato)\b|"
    # ("preso" comes here as "presto": the typo table's nearest keyword)
    r"\b(avevo|avevamo|abbiamo) (gia )?(preso|presto|fissato|prenotato)\b|"
    r"\b(se|che) (sono|siamo) (gia )?(prenotat[oia]|segnat[oia])\b|"
    # "wait is this booked already?", "ma è già prenotato?": whether it is booked yet
    r"\b(is|s) (this|it|that) (already |actually |really )?(booked|confirmed|confirm)\b|"
    r"\be (gia|davvero|gia stato) (prenotat[oa]|confermat[oa])\b|"
    r"\b((dovrei|dovremmo|credo di|penso di|mi sembra di|mi pare di) (essere|esser)|risult\w*) "
    r"(gia )?(prenotat[oiae]|segnat[oiae]|in agenda)\b"
)
_LIST = _c(
    # "have I actually got anything booked with you?", "have we got a booking?"
    r"\b(have|do) (i|we) (actually |already |still |even |really )?(got|have) (an? |any |anything |"
    r"something |one )?(appointment|appt|booking|reservation|booked)s?\b|"
    r"\bdid (i|we) (actually |already |ever |even )?(get|make|book|have) (an? |any |anything |"
    r"something )?(appointment|appt|booking|reservation)s?\b|"
    r"\b(i miei|miei|my|le mie) (appuntament\w*|appointments|bookings|prenotazioni|reservations)\b|"
    # dev13 round: "risulta qualcosa a nome mio?", "is there a booking under my name",
    # "quand'è che devo venire?", "forgot what time my appt is"
    r"\b(ho|c e|ci sono|risult\w*|avete|trovate|vedete)\b.*\b(appuntament\w*|prenotazion\w*|"
    r"qualcosa|niente|nulla)\b.*\b(a|sotto il|sotto al|al|col|con il) (mio nome|nome mio)\b|"
    r"(\b(is there|are there|have i got|do you have|have you got|do i have)\b.*|^)"
    r"\b(booking|appointment|appt|reservation|anything|something)s?\b.*\b(under|in|for) my name\b|"
    r"\b(quand\w*|a che ora|che giorno) (e che )?(devo|dovrei|dovevo) venire\b|"
    r"\b(what time|when|what day) my (next )?(appointment|appt|booking|reservation) (is|was)\b|"
    r"\b(what|which) (appointments|bookings|reservations) (do|have) i\b|"
    r"\b(che|quali|quanti) (appuntament\w*|prenotazion\w*) (ho|abbiamo|avevo)\b|"
    r"\bho (gia )?(degli |un |qualche |una |delle )?(appuntament\w*|prenotazion\w*)\b|"
    r"\b(do|did) i (have|already have) (an? |any )?(appointment|booking|reservation)s?\b|"
    r"\b(when|what time|what day) (is|s|was) my (appointment|booking|reservation)\b|"
    r"\b(a che ora|che ora|quando|che giorno) (ce l ho|ce l avevo|l ho (preso|fissato)|"
    r"l avevo (preso|fissato)|ce l abbiamo|dovevo venire)\b|"
    r"\b(quando|a che ora|che giorno|che ora) (e|ho|era|avevo|sara|ce l ho|ce l avevo) "
    r"(il mio |l |la mia |il |la )?"
    r"(prossim\w* )?(appuntamento|prenotazione)\b|"
    r"\b(when|what time|what day) (is|s|was) my (next |upcoming )?(appointment|appt|booking)\b|"
    r"\bho (gia )?prenotat\w*\b|\bwhat did i book\b|\bhave i (already )?booked\b|"
    r"\bdid i (already )?(book|reserve|make an? (booking|appointment|reservation))\b|"
    r"\bwhat (have i|do i have) (got )?(booked|scheduled|coming up)\b|"
    r"\b(do|did) i have (anything|something|any appointments?|an appointment|appointments) "
    r"(booked|scheduled|coming up|planned)\b|\bam i (booked|in the system|down)\b|"
    r"\bho (qualcosa|gia qualcosa) (di )?(prenotat\w*|fissat\w*)\b|"
    # "is my appt still on?", "are we still on for thursday?", "ho qualcosa in programma?",
    # "sono prenotata?", "giovedì è confermato vero?", "la data della prenotazione"
    r"\b(is|s) my (appointment|appt|booking|reservation|slot) (still )?(on|happening|going "
    r"ahead|confirmed|booked|in)\b|\bare we still on\b|"
    r"\bho (qualcosa|gia qualcosa|niente|nulla) in (programma|agenda|calendario)\b|"
    r"\b(mi )?risult\w* (un |qualche |l |il mio |la mia )?(appuntament\w*|prenotazion\w*)\b|"
    r"\ba che ora (sono|ero|mi avete messo|mi aspettate)\b|"
    r"\b(volevo|vorrei|chiedo|mi dai|mi date|mi serve) (una )?conferma (dell|della|del|per l) ?"
    r"(appuntament\w*|prenotazion\w*)\b|"
    r"\bsono (gia |ancora )?(prenotat[oa]|segnat[oa]|in agenda|in lista)\b|"
    r"\b(lunedi|martedi|mercoledi|giovedi|venerdi|sabato|appuntamento|prenotazione|tutto) "
    r"(e |resta |rimane )?(ancora )?(confermat[oa]|valid[oa]|in piedi)\b|"
    r"\b(la data|il giorno|l ora|l orario|date|day|time) (della|del|di|of) (mia |mio |my )?"
    r"(prenotazione|appuntamento|booking|appointment|appt)\b|"
    r"\b(what day|what time|when) (was|am|m|were) i (booked|down|in|coming)\b|"
    r"(?:\b(?:have i|do i have|i have) (?:got )?|^got )"
    r"(anything|something|smth|sth|owt|an? (appointment|appt|"
    r"booking)|any (appointments?|appts?|bookings?)) (booked|scheduled|coming up|planned|with|"
    r"w|in)\b|"
    r"\b(il mio|la mia|my) (appuntamento|prenotazione|appointment|booking)\b.*\b(quando|when|"
    r"ora|time|giorno|day|confermat\w*|confirmed)\b|"
    r"\b(show|list|see|vedere|mostra\w*|elenca|fammi vedere)\b.*\b(appointments|bookings|"
    r"appuntament\w*|prenotazion\w*)\b|\b(remind me|ricordami)\b|"
    r"\bricord\w* (quando|a che ora|che giorno|il mio|l appuntamento)\b|"
    r"\b(quando|a che ora|che ora|che giorno|per che ora) (devo|dovrei) (venire|passare|esserci|"
    r"essere li|essere da voi)\b|\b(what time|when|what day) ((do|should|shall) i( need to| have "
    r"to| gotta)?|am i (supposed|meant|due) to|do i need to|have i got to) (come|be there|"
    r"come in|come by|arrive|turn up|show up)\b|\bwhen (am i|do i|should i) (coming|come|"
    r"due)\b"
)
_HELP = _c(
    r"\b(aiut\w*|help|helpp|come funziona|how does (this|it) work|how (does|do) (this|it|you) "
    r"work|what can you do|cosa (puoi|sai|posso) fare|che cosa (fai|puoi fare)|non capisco|"
    r"non ho capito|i don t understand|don t get it|i m confused|istruzioni|info|informazioni|"
    r"assistenza|support|menu|confused|confus[oa]|"
    r"what do you mean|how do i (use|do) (this|it)|come si usa|come faccio|"
    r"cosa intendi|in che senso|che vuol dire)\b"
)
_STOP_STRONG = _c(
    r"\b(nvm|lascia\w* (perdere|stare)|lasciamo (perdere|stare)|never mind|nevermind|"
    r"forget (it|about it|that)|non importa|non fa niente|fa niente|ci ripenso|"
    r"ci (devo )?pens\w*|ti faccio sapere|"
    r"vi faccio sapere|le faccio sapere|i ll think about it|let me think|i ll let you know|"
    r"not now|non ora|adesso no|per ora no|maybe later|magari un altra volta|another time|"
    r"i ll pass|i will pass|i think i ll pass|that s all|that s it|tutto qui|"
    r"e tutto(?! (giusto|corretto|ok|okay|perfetto|esatto|a posto|bene|confermato))|"
    r"a posto cosi|sono a posto|nient altro|nothing else|"
    r"basta cosi|ho cambiato idea|changed my mind|no need|non serve|non c e bisogno|stop it|"
    r"esci|exit|quit|abort|interrompi)\b"
)
# Not booking after all: "non prenoto più", "i don't want to book anymore", "I'll book another
# time". Read before the actions, where "book"/"prenoto" alone would start a booking.
_BOOK_DROPPED = _c(
    r"\b(don t|dont|do not|no longer|non|nn) (really )?(want to |wanna |need to |voglio |vorrei |"
    r"devo |serve )?(book|prenot\w*)( it| nothing| niente| piu)? (anymore|any more|piu|after all|"
    r"per ora|for now|per adesso)\b|"
    r"\b(book|prenot\w*|rebook|ri ?prenot\w*) (another time|some other time|un altra volta|"
    r"un altro momento|piu avanti|later on|in futuro)\b"
)
# One thing put off, not the booking: "I'll do the cut another time", "il taglio lo farò
# un'altra volta" (the rest of the message is what is wanted now).
_ONE_THING_LATER = _c(
    r"\b(do|get|have|book) (the|a|my) \w+ (another time|next time|some other time)\b|"
    r"\b(il|la|lo|l) \w+ (lo|la|li|le) (faro|faccio|facciamo|faremo|rimando|prenoto|prenotero) "
    r"(un altra volta|la prossima volta|piu avanti|in un altro momento)\b"
)
# "changed my mind, I'd rather get it dyed": the change of mind says what is wanted instead.
_MIND_CHANGED_TO = _c(
    r"\b(changed my mind|change of plan|ho cambiato idea|cambio idea|cambiato idea)\b.*"
    r"\b(rather|instead|meglio|invece|piuttosto|prefer\w*|would like|d like|vorrei|fammi|"
    r"let s do|make it)\b"
)
_STOP_WEAK = frozenset({"niente", "nulla", "basta", "stop", "nothing", "no niente", "no nothing"})

_ASAP = _c(
    r"\b(il |al |quanto )?(piu )?prima possibile\b|\bappena possibile\b|\bquanto prima\b|"
    r"\bal piu presto\b|\b(piu )?presto possibile\b|\basap\b|\bas soon as (possible|you can)\b|"
    r"\b(earliest|soonest)\b|"
    r"\bfirst (available|free|opening|slot|possible|one you have|you have)\b|"
    r"\bnext (available|free|opening)\b|\b(whatever|whichever)( s| is)? (first|soonest|earliest)\b|"
    r"\b(il |la )?(primo|prima|prossimo|prossima) "
    r"(posto |orario |ora |data |slot |appuntamento |giorno )?(libero|libera|disponibil\w*|che hai|"
    r"che avete)\b|\b(primo|prima) (posto|data) (utile|che c e)\b|\bil primo posto\b|\bsubito\b|"
    r"\bright away\b|\bstraight away\b|\bsooner the better\b|"
    # rule 20: "appena puoi", "prima che puoi", "whenever you can soonest"
    r"\b(appena|prima che|quanto prima) (puoi|potete|riesci|riuscite|c e posto|hai posto)\b|"
    r"\bprimo buco\b|\bas early as (possible|you can)\b|"
    # "is anyone free right now", "c'è qualcuno libero adesso": the first free time, today
    r"\b(anyone|anybody|someone|somebody|qualcuno|anything|qualcosa|posto) (free|available|"
    r"liber[oa]|disponibil\w*) (right now|now|adesso|ora|subito)\b"
)
_MORE = _c(
    r"\b(altri|altre) (orari|ore|opzioni|posti|slot)\b|"
    r"\b(ce ne|ci|ne) (sono|avete|hai) (altri|altre|ancora)\b|\bnient altro\b|"
    r"\bnessun altro orario\b|\baltro orario\b|^(e )?(altri|altre)$|"
    r"\b(more|other|any other|different) (times|options|slots|hours)\b|\bany (others|more)\b|"
    r"\bis that (all|it)\b|^(more|others)( pls| please)?$"
)
_OTHER_DAY = _c(
    r"\b(un |un altro |un altra |l altro )?(altro|altra|altri|altre) (giorno|giorni|data|date)\b|"
    r"\b(giorno|data|settimana) divers\w*\b|\b(un |l )?altra settimana\b|"
    r"\b(another|different|other|the following) week\b|\b(another|different|other|some other|"
    r"a different) "
    r"(day|date|days|dates)\b|\bnot (that|this) day\b|\bnon (quel|questo) giorno\b|"
    r"\b(quel|questo) giorno no\b|\bnessuno di questi giorni\b"
)
# "prima delle 10", "after 3pm", "verso le 10": a window or approximate time, for parse_when.
_RANGE = _c(
    r"\b(prima|dopo|before|after|earlier than|later than|entro|until|till|fino|tra|fra|between|"
    r"from|dalle|dal|verso|around|circa|about|by|not before|non prima|non dopo|oltre)"
    r"( di| delle| della| dell| del| le| alle| l| the| ore| i)?"
    r" (\d|l una|mezzogiorno|pranzo|noon|lunch|mezzanotte|midday|cena|dinner)"
)
_BYE_LATER = _c(r"\b(catch|see|talk to|speak to) (you|u|ya) later\b")
_TOO_LATE = _c(r"\b(troppo tardi|too late|un po tardi|bit late)\b")
_TOO_EARLY = _c(r"\b(troppo presto|too early|too soon|un po presto|bit early|non cosi presto)\b")
_EARLIER = _c(
    r"\b(piu presto|earlier|sooner|before that|anything before|something before|qualcosa prima|"
    r"niente prima|nulla prima|un po prima|ancora prima|piu prima|anticipo)\b"
)
_PRIMA = _c(r"\bprima\b")
_PRIMA_NOT_EARLIER = _c(
    r"\b(la|il|l|una|per) prima\b|\bprima (volta|visita|opzione|scelta|proposta|cosa|one|data|"
    r"ora|orario|che|di|del|della|delle|dei|degli|dell|settimana)\b"
)
_LATER = _c(
    r"\b(piu tardi|un po tardi|later|later on|after that|anything after|something after|"
    r"qualcosa dopo|niente dopo|nulla dopo|un po dopo|piu avanti|verso sera|piu in la|"
    r"more late|later please|tardi)\b"
)
_DOPO = _c(r"\bdopo\b")
_DOPO_NOT_LATER = _c(
    r"\bdopo (le|l|pranzo|cena|il|la|lo|i|gli|di|che|aver\w*|domani|\d)\b|\ba dopo\b"
)
_BOOK_WEAK = _c(
    r"\b(c e|ce|avete|hai|avresti|avreste|ci sono|c sono) (ancora )?(posto|post[oi] liber\w*|"
    r"disponibilita|orari liberi|qualcosa)\b|\bdisponibilita\b|\bavailability\b|"
    r"\b(are you|r u) (free|open|available)\b|\bsiete (liberi|disponibili|aperti)\b|"
    r"\b(quali|che) orari\b|\bwhat (times|slots)\b|\bfree slots?\b|\bany (slots?|openings?|space|"
    r"room)\b|\b(vorrei|voglio|volevo|posso|potrei|avrei bisogno di|mi serve|mi servirebbe|"
    r"need|want|would like|d like|like to|can i|could i|get|fare|prendere|have)\b.*\b("
    r"appuntament\w*|taglio|tagliare|piega|colore|tinta|haircut|hair cut|cut|trim|blow dry|"
    r"colour|color|slot|posto|appointment|reservation|visit)\b|\b(un |an |one )?"
    r"(appuntamento|appointment) (per|for|on|at|domani|tomorrow|oggi|today)\b|"
    r"^(un )?(appuntamento|appointment|taglio|haircut)$|"
    # "can i come friday", "posso venire domani?": asking to come is asking to book
    r"\b(can|could|may) (i|we) (come|pop|drop|swing) ?(in|by|round|over|down)?\b|"
    r"\b(posso|possiamo|potrei|potremmo|riesco a|riusciamo a) (venire|passare)\b"
)
_DAY_NAMED = _c(
    r"\b(oggi|domani|dopodomani|stasera|stamattina|stanotte|stamani|today|tomorrow|tonight|"
    r"lunedi|martedi|mercoledi|giovedi|venerdi|sabato|domenica|monday|tuesday|wednesday|"
    r"thursday|friday|saturday|sunday|mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun|"
    r"gennaio|febbraio|marzo|aprile|maggio|giugno|luglio|agosto|settembre|ottobre|novembre|"
    r"dicembre|january|february|march|april|june|july|august|september|october|november|"
    r"december|week|settimana)\b|\b\d{1,2}/\d{1,2}\b"
)
# "the 21st at 10am": beside a time, an ordinal number is a day of the month, not a button.
_ORDINAL_DAY = _c(r"\b\d{1,2}(st|nd|rd|th)\b(?! (one|ones|option|slot|time|button))")
_HHMM = _c(r"(?<![\d/])([01]?\d|2[0-3])[:.]([0-5]\d)(?![\d/])( ?(am|pm))?")
_HOUR_WORD = _c(
    r"\b(alle|delle|dalle|le|ore|h|at|for|quello delle|quella delle|the|a|per le|x le)"
    r" ([01]?\d|2[0-3])(?: (e mezza|e mezzo|e trenta|e un quarto|e quarto|o clock|oclock))?"
    r"( ?(am|pm))?(?![\d:./])"
)
_HOUR_AMPM = _c(r"\b([1-9]|1[0-2]) ?(am|pm)\b")
_HALF_PAST = _c(r"\b(half past|quarter past) ([1-9]|1[0-2])\b")
_NOON = _c(r"\b(mezzogiorno|noon|midday)\b")
_ORDINAL_WORDS = {
    "primo": 1,
    "prima": 1,
    "first": 1,
    "1st": 1,
    "secondo": 2,
    "seconda": 2,
    "second": 2,
    "2nd": 2,
    "terzo": 3,
    "terza": 3,
    "third": 3,
    "3rd": 3,
    "quarto": 4,
    "quarta": 4,
    "fourth": 4,
    "4th": 4,
    "quinto": 5,
    "quinta": 5,
    "fifth": 5,
    "5th": 5,
    "sesto": 6,
    "sesta": 6,
    "sixth": 6,
    "6th": 6,
    "settimo": 7,
    "settima": 7,
    "seventh": 7,
    "7th": 7,
    "ottavo": 8,
    "ottava": 8,
    "eighth": 8,
    "8th": 8,
    "ultimo": -1,
    "ultima": -1,
    "last": -1,
    "penultimo": -2,
    "penultima": -2,
}
_ORDINAL = _c(
    r"\b(second (?:to )?last|penultimate|penultim[oa])\b|\b(" + "|".join(_ORDINAL_WORDS) + r")\b"
)
_ORDINAL_NOT = _c(
    r"\b(un|a|just a|one) (secondo|second|quarto)\b|\bsecondo (me|te|lei|voi|noi)\b|"
    r"\b(last|ultim[oa]) (week|month|time|year|night|volta|settimana|mese)\b|"
    r"\b(first|prima|primo) (time|volta|visit|visita)\b|\b(e|and a) (un )?quarto\b|"
    r"\bat first\b|\bfirst thing\b|\bfirst of all\b|\bper prima\b"
)
_NUMBERED = _c(
    r"\b(numero|number|num|nr|n|no|option|opzione|scelta|choice|slot|il|la|l)\s?([1-9])\b(?![:.]\d)"
)
_ONLY_NUMBER = _c(r"^([1-9]|1\d|2[0-3])$")

_YES = _c(
    r"\b(si(?! (puo|potrebbe|possono|fa|chiama|tratta|paga|trova|deve))|sii|sisi|si si|certo|"
    r"certamente|va bene|va benissimo|vabene|vabbene|ok|okay|okey|okk|"
    r"k|perfetto|perfetta|ottimo|benissimo|bene|esatto|esattamente|giusto|confermo|conferma|"
    r"confermato|confermiamo|d accordo|daccordo|volentieri|assolutamente|procedi|vai|andata|"
    r"fatto|yes|yep|yeah|yup|ya|yea|yeh|yh|yessir|yes sir|yass|sure|certainly|absolutely|"
    r"definitely|of course|sounds good|"
    r"looks good|fine|good(?! (morning|afternoon|evening|night|day))|great|perfect|correct|"
    r"right(?! (now|away|after|before))|"
    r"alright|all right|confirm|confirmed|"
    r"go ahead|do it|deal|exactly|why not|perche no|ci sto|works for me|that works|mi va bene|"
    r"go for it|(i )?(guess|suppose|reckon|think) so|(direi|penso|credo) (di )?si|"
    r"mi sta bene|benone|top|cool|lovely|excellent|yes please)\b"
)
_NO = _c(
    r"\b(no|nope|nah|non|negativo|nessuno|nessuna|none|neither|no way|no thanks|not really|"
    r"non proprio|i can t|non posso|not good|doesn t work|don t|non mi va|not for me|nein)\b"
)
_NO_STRONG = _c(
    r"\b((definitely|absolutely|certainly|of course|certo che) not?\b|not (that|this) (one|time|"
    r"slot)|non (quello|questo|quella|questa)|non (mi )?va bene|non va|not (ok|okay|good|fine)|"
    r"doesn t work|that doesn t|"
    r"non confermo|don t confirm|no grazie|no thanks|no thank you|assolutamente no|"
    r"non mi sta bene|not really|none of (them|these)|nessun[oa] (di|dei|delle) )"
)
_UNSURE = _c(r"\b(non (lo )?so|non saprei|i don t know|i dunno|dunno|not sure|non sono sicur\w*)\b")
_BUT = _c(r"\b(ma|pero|but|however|only if|solo se)\b")
# "grazie anticipatamente", "vi ringrazio in anticipo", "thanks in advance": politeness, never a
# wish to come earlier ("anticipare") or a move.
# "mercoledì e giovedì invece non posso": "invece" straight before a refusal (no stop between)
# contrasts the days refused with the one asked; it asks for no change ("venerdì invece? non
# riesco giovedì" keeps its question mark and stays a change).
_INVECE_REFUSED = re.compile(r"\binvece\s+(?=(non|nn)\b)", re.IGNORECASE)
_THANKS_AHEAD = _c(
    r"\b((grazie|ringrazi\w*|thanks?|thank you|thx)( \w+){0,2}? (anticipatamente|in anticipo|"
    r"in advance)|anticipatamente( grazie| ringrazi\w*)?|in anticipo (grazie|ringrazi\w*))\b"
)
_THANKS = _c(
    r"\b(grazie|thanks|thank you|thank u|ta very much|ta|thx|thnx|ty|tks|ringrazio|"
    r"gentilissim\w*|cheers|much appreciated|appreciated|appreciate it|much obliged|"
    # compliments are answered as thanks are
    r"you re (the best|a star|amazing|brilliant|great|stars)|you (guys|all) are (the best|"
    r"amazing|brilliant|great|stars)|(siete|sei) (fantastic\w*|grandi|i migliori|il migliore|"
    r"la migliore|bravissim\w*|un tesoro|dei tesori|mitic\w*)|"
    r"grazie mille|many thanks)\b"
)
_GREETING = _c(
    r"\b(cia+o+|buongiorno+|buon giorno|buonasera+|buona sera|buon pomeriggio|salve+|hel+o+|hi+|"
    r"he+y+|hiy+a+|heya+|"
    r"good morning|good afternoon|good evening|hola|yo|buondi|buon di|bongiorno|howdy|"
    # "come state?", "how are you": a greeting, answered with the menu
    r"come (state|stare|stai|sta|va)|how are (you|u|ya)|how r (you|u)|how s it going|"
    r"hows it going)\b"
)
# Leave-taking, apart from hellos: it is answered with a goodbye, not with the menu.
_GOODBYE = _c(
    r"\b(ciao ciao|bye|bye bye|byee|arrivederci|arrivederla|a presto|see you|see ya|cya|goodbye|"
    r"good bye|buon\w* (giornat\w*|serat\w*|nott\w*|weekend|domenica|fine settimana)|buonanott\w*|"
    r"a dopo|ci vediamo|alla prossima|good night|have a (nice|good|great) (day|evening|weekend)|"
    r"take care|talk soon|ci sentiamo|a risentirci|a domani|see you tomorrow|speak soon|"
    r"speak to you soon|catch you later|ttyl)\b"
)
# What "ok" means and nothing more: an acknowledgement, not an explicit "yes, do it".
_ACK_WORDS = frozenset(
    _words_of("""
    ok okay okey okk k kk perfetto perfetta perfect ottimo ottima benissimo bene va vabene vabbene
    vabbe top cool great fine good nice lovely alright all right benone excellent d accordo
    daccordo bello bellissimo super grande wow fantastico splendido capito understood got it noted
    ricevuto fab fabulous brill brilliant awesome amazing
    """)
)
_THANKS_WORDS = frozenset(
    _words_of(
        "grazie mille thanks thank you u thx ty tks ta cheers ringrazio molto tante a voi te "
        "appreciated appreciate it much"
    )
)
# Words that carry no meaning for the "is this message only X" checks.
_FILLERS = frozenset(
    _words_of("""
    grazie mille please pls plz per favore perfavore thanks thank you thx allora ehm uhm um beh
    dai ecco pure then just oh ah hmm eh mah ciao hi hello hey one quello quella the that
    un po ok
    """)
)


def _core(tokens: list[str]) -> str:
    return " ".join(t for t in tokens if t not in _FILLERS)


def _hour(hour: int, minute: int, meridiem: str | None) -> datetime.time | None:
    """Rule 8 of dates.md: bare 1-7 mean afternoon; am/pm decide when present."""
    if meridiem == "pm" and hour < 12:
        hour += 12
    elif meridiem == "am" and hour == 12:
        hour = 0
    elif meridiem is None and 1 <= hour <= 7:
        hour += 12
    if hour > 23:
        return None
    return datetime.time(hour, minute)


def _choose_time(s: str, core: str) -> datetime.time | None:
    match = _HHMM.search(s)
    if match:
        return _hour(int(match.group(1)), int(match.group(2)), match.group(4))
    match = _HALF_PAST.search(s)
    if match:
        minute = 30 if match.group(1) == "half past" else 15
        return _hour(int(match.group(2)), minute, None)
    match = _HOUR_AMPM.search(s)
    if match:
        return _hour(int(match.group(1)), 0, match.group(2))
    match = _HOUR_WORD.search(s)
    if match and not (match.group(1) in {"the", "il", "la", "a", "for"} and not match.group(5)):
        extra = match.group(3) or ""
        minute = 30 if "mezz" in extra or "trenta" in extra else 15 if "quarto" in extra else 0
        return _hour(int(match.group(2)), minute, match.group(5))
    if _NOON.search(s) and len(core.split()) <= 4:
        return datetime.time(12, 0)
    match = _ONLY_NUMBER.match(core)
    if match and int(match.group(1)) >= 10:
        return _hour(int(match.group(1)), 0, None)
    return None


def _choose_ordinal(s: str, core: str) -> int | None:
    cleaned = _ORDINAL_NOT.sub(" ", s)
    match = _ORDINAL.search(cleaned)
    if match:
        if match.group(1):
            return -2
        word = match.group(2)
        # "prima" alone is "earlier"; it is an ordinal only as "la prima (opzione)".
        if word == "prima" and not re.search(r"\b(la|l) prima\b|\bprima (opzione|one)\b", s):
            return None
        return _ORDINAL_WORDS[word]
    match = _NUMBERED.search(s)
    if match:
        return int(match.group(2))
    match = _ONLY_NUMBER.match(core)
    if match and int(match.group(1)) <= 9:
        return int(match.group(1))
    return None


def _language(s: str, tokens: list[str]) -> Intent | None:
    en = [m.start() for m in _LANG_EN.finditer(s)]
    it = [m.start() for m in _LANG_IT.finditer(s)]
    if not en and not it:
        if _LANG_ONLY.search(s):
            return Intent(IntentKind.LANGUAGE)
        return None
    if not (_LANG_TRIGGER.search(s) or len(_core(tokens).split()) <= 2):
        return None
    negated_en = re.search(rf"\b{_NEGATOR} (\w+ )?(\w+ )?(inglese|english)\b", s)
    negated_it = re.search(rf"\b{_NEGATOR} (\w+ )?(\w+ )?(italiano|italian)\b", s)
    if en and it:
        if negated_en and not negated_it:
            return Intent(IntentKind.LANGUAGE, language="it")
        if negated_it and not negated_en:
            return Intent(IntentKind.LANGUAGE, language="en")
        return Intent(IntentKind.LANGUAGE, language="en" if max(en) > max(it) else "it")
    if en:
        return Intent(IntentKind.LANGUAGE, language="it" if negated_en else "en")
    return Intent(IntentKind.LANGUAGE, language="en" if negated_it else "it")


def _action(s: str) -> Intent | None:
    cancel = _CANCEL.search(s)
    negated = _CANCEL_NEGATED.search(s)
    move = _MOVE.search(s)
    cant_come = _CANT_COME.search(s)
    if cancel and not negated and _REBOOK_LATER.search(s):
        return Intent(IntentKind.CANCEL)  # "cancel thursday, I'll rebook later"
    if move and not re.search(rf"\b{_NEGATOR} (lo |la |it )?(spost\w*|move)\b", s):
        return Intent(IntentKind.MOVE)
    if _FROM_TO_DAY.search(s) or (
        _OWNED_APPT.search(s) and _MIND.search(s) and not cancel and not _BOOK_STRONG.search(s)
    ):
        return Intent(IntentKind.MOVE)
    if cancel and not negated:
        if _BOOK_VERB.search(s):
            return Intent(IntentKind.MOVE)  # "annulla e prenota venerdì"
        return Intent(IntentKind.CANCEL)
    if cant_come:
        if _WANTS_ONE.search(s):
            return Intent(IntentKind.BOOK)  # "volevo un taglio sabato ma nn ce la faccio, lunedì"
        if _INSTEAD.search(s):
            return Intent(IntentKind.MOVE)
        return Intent(IntentKind.CANCEL)
    if _CANT_BARE.search(s) and _INSTEAD.search(s) and not _WANTS_ONE.search(s):
        return Intent(IntentKind.MOVE)
    if negated:
        return Intent(IntentKind.NO)
    if _HAVE_ONE.search(s) and not _BOOK_VERB.search(s) and not _INSTEAD.search(s):
        # ("im booked for thursday … could we do friday instead" is a change, read elsewhere)
        return Intent(IntentKind.LIST)
    if _LIST.search(s):
        return Intent(IntentKind.LIST)
    if _BOOK_IT.search(s):
        return Intent(IntentKind.YES)
    if _BOOK_STRONG.search(s) and not _BOOK_NOUN_OWNED.search(s):
        return Intent(IntentKind.BOOK)
    if _BOOK_NOUN_OWNED.search(s):
        return Intent(IntentKind.LIST)
    return None


@lru_cache(maxsize=2048)
def _parse(text: str, language: str) -> Intent | None:
    raw = text.strip()
    if not raw:
        return None
    if set(raw) <= {"?", "？", " "}:
        return Intent(IntentKind.HELP)
    smiled = any(ch in _SMILES for ch in raw)
    for emoji, word in _EMOJI.items():
        raw = raw.replace(emoji, word)
    raw = _INVECE_REFUSED.sub("", raw)
    tokens = [_fix(t) for t in words(normalize(raw))]
    if not tokens:
        return Intent(IntentKind.YES) if smiled else None
    s = _THANKS_AHEAD.sub("grazie", " ".join(tokens))
    core = _core(tokens)

    if _BOOK_DROPPED.search(s) and not _CANCEL.search(s):
        return Intent(IntentKind.STOP)
    found = _language(s, tokens) or _action(s)
    if found:
        return found
    if _HELP.search(s):
        return Intent(IntentKind.HELP)
    stop = _STOP_STRONG.search(_ONE_THING_LATER.sub(" ", s)) and not _MIND_CHANGED_TO.search(s)
    if stop or core in _STOP_WEAK:
        return Intent(IntentKind.STOP)
    if language == "it" and core == "fine":
        return Intent(IntentKind.STOP)  # Italian "fine" is "the end", not "that's fine".
    if _ASAP.search(s):
        return Intent(IntentKind.ASAP)
    if _OTHER_DAY.search(s):
        return Intent(IntentKind.OTHER_DAY)
    if _MORE.search(s):
        return Intent(IntentKind.MORE)
    if _BYE_LATER.search(s):
        return Intent(IntentKind.GOODBYE)  # "catch you later" is not "a later time"
    if _TOO_LATE.search(s):
        return Intent(IntentKind.EARLIER)
    if _TOO_EARLY.search(s):
        return Intent(IntentKind.LATER)
    in_range = _RANGE.search(s) is not None
    if not in_range:
        if _EARLIER.search(s) or (_PRIMA.search(s) and not _PRIMA_NOT_EARLIER.search(s)):
            return Intent(IntentKind.EARLIER)
        if _LATER.search(s) or (_DOPO.search(s) and not _DOPO_NOT_LATER.search(s)):
            return Intent(IntentKind.LATER)
    if _BOOK_WEAK.search(s) and not _INSTEAD_SAID.search(s):
        # ("could I come saturday instead": a change, read with what is booked or held)
        return Intent(IntentKind.BOOK)
    if in_range:
        return None
    day_named = _DAY_NAMED.search(s) is not None
    chosen = _choose_time(s, core)
    if chosen is not None:
        if day_named or _ORDINAL_DAY.search(s):
            return None
        return Intent(IntentKind.CHOOSE_TIME, time=chosen)
    ordinal = _choose_ordinal(s, core)
    if ordinal is not None:
        return None if day_named else Intent(IntentKind.CHOOSE_ORDINAL, ordinal=ordinal)
    if _UNSURE.search(s):
        return None  # "non lo so" is not a refusal; the dialogue asks again.
    no = _NO_STRONG.search(s) or _NO.search(s)
    yes = _YES.search(s)
    if no and (not yes or no.start() <= yes.start() or _NO_STRONG.search(s)):
        return Intent(IntentKind.NO)
    bye = _GOODBYE.search(s)
    if bye:
        # "ok, a presto" is a goodbye; "grazie a voi, a presto" stays thanks (answered in kind).
        rest = _GOODBYE.sub(" ", s).split()
        if (yes is None and not _THANKS.search(s)) or (yes is not None and _only_ack(rest)):
            return Intent(IntentKind.GOODBYE)
    if yes:
        if _BUT.search(s[yes.end() :]):
            return None  # "sì, ma ..." with a condition we cannot read: not a plain yes.
        return Intent(IntentKind.YES)
    if _THANKS.search(s):
        return Intent(IntentKind.THANKS)
    if _GOODBYE.search(s):
        return Intent(IntentKind.GOODBYE)
    if _GREETING.search(s):
        return Intent(IntentKind.GREETING)
    if smiled and not core:
        return Intent(IntentKind.YES)
    return None


def _only_ack(tokens: list[str]) -> bool:
    return all(t in _ACK_WORDS or t in _FILLERS or t in _THANKS_WORDS for t in tokens)


@lru_cache(maxsize=1024)
def refuses_cancel(text: str) -> bool:
    """Whether a message takes a cancellation back: "non disdire", "don't cancel it"."""
    tokens = [_fix(t) for t in words(normalize(text))]
    return _CANCEL_NEGATED.search(" ".join(tokens)) is not None


def is_acknowledgement(text: str) -> bool:
    """Whether a message only acknowledges ("ok", "👍", "perfetto grazie", "va bene"): no "yes"
    strong enough to book on, no "sì", "conferma", "go ahead"."""
    raw = text.strip()
    smiled = any(ch in _SMILES for ch in raw)
    for emoji, word in _EMOJI.items():
        raw = raw.replace(emoji, word)
    raw = _INVECE_REFUSED.sub("", raw)
    tokens = [_fix(t) for t in words(normalize(raw))]
    if not tokens:
        return smiled
    tokens = _GOODBYE.sub(" ", " ".join(tokens)).split()  # "ok grazie, a presto"
    return _only_ack(tokens) and any(t in _ACK_WORDS for t in tokens)


@lru_cache(maxsize=1024)
def is_small_talk(text: str) -> bool:
    """Whether a message is only a greeting, thanks, a goodbye or a nod ("ciao", "grazie
    mille", "ok, a presto", "👍"): nothing asked and nothing told."""
    raw = text.strip()
    for emoji, word in _EMOJI.items():
        raw = raw.replace(emoji, word)
    raw = _INVECE_REFUSED.sub("", raw)
    tokens = [_fix(t) for t in words(normalize(raw))]
    if not tokens:
        return bool(raw) and not any(ch.isalnum() for ch in raw)
    s = " ".join(tokens)
    for said in (_GOODBYE, _GREETING, _THANKS):
        s = said.sub(" ", s)
    return _only_ack(s.split())


@lru_cache(maxsize=1024)
def is_nod(text: str) -> bool:
    """Whether a message is a reaction, not an answer to a yes/no question: an emoji alone
    ("👍", "👌", "😊") or an acknowledgement with thanks ("ok grazie", "perfetto, thanks") or
    with a smile ("ottimo 😊"). "ok", "va bene", "perfetto" alone answer a question asked."""
    raw = text.strip()
    if raw and not any(ch.isalnum() for ch in raw):
        return True
    tokens = [_fix(t) for t in words(normalize(raw))]
    if not is_acknowledgement(text):
        return False
    # "ottimo 😊", "ok cool 👍": a word of approval with a smile or a thumb is a reaction too
    smiled = any(ch in _SMILES or ch in _THUMBS for ch in raw)
    return smiled or any(t in _THANKS_WORDS and t not in _ACK_WORDS for t in tokens)


# "un attimo che controllo", "aspetta, sento mio marito", "hang on let me check my diary": the
# customer needs a moment; nothing is answered yet.
_WAIT = _c(
    r"^(ok |allora |ah |oh |scusa |sorry )?(un (attimo|attimino|momento|momentino|secondo|"
    r"secondino|minuto|minutino)|"
    r"aspett\w*|attend\w*|hang on|hold on|one sec\w*|just a (sec\w*|moment|minute|mo)|a sec|"
    r"one (moment|minute|mo)|wait|give me a (sec\w*|moment|minute)|"
    r"fammi (controllare|pensare|sentire|vedere)|let me (check|think|ask|see))\b"
)


# "a che ora avevo scelto?", "mi ricordi che giorno è?", "which day was that again?", "what time
# did I go for": the time being booked, asked back in the middle of the booking.
_CHOSEN = _c(
    r"\b(a che ora|che ora|che giorno|quale giorno|quando|what time|which day|what day|when)\b"
    r".*\b(avevo scelto|ho scelto|ho preso|avevo preso|avevamo detto|abbiamo detto|era|e|sara|"
    r"did i (go for|pick|choose|say|book)|was (that|it)|is (that|it)|did we say)\b|"
    r"\b(mi ricordi|ricordami|remind me)\b.*\b(che giorno|che ora|l ora|l orario|quando|"
    r"which day|what day|what time|when)\b"
)


def asks_chosen_time(text: str) -> bool:
    """Whether a message asks back the day or time being booked ("a che ora avevo scelto?")."""
    # The words as typed: the typo fixes would read "ho preso" as "ho presto".
    return _CHOSEN.search(" ".join(words(normalize(text)))) is not None


# "ok perfetto, allora ci vediamo giovedì", "see you thursday then": a goodbye that names a day
_SEE_YOU = _c(r"\b(ci vediamo|ci si vede|see you|see ya|a presto)\b")


def says_see_you(text: str) -> bool:
    """Whether a message takes leave until a day ("ci vediamo giovedì", "see you on the 26th")."""
    return _SEE_YOU.search(" ".join(words(normalize(text)))) is not None


def asks_to_wait(text: str) -> bool:
    """Whether a message only asks for a moment ("un attimo che controllo l'agenda", "one sec
    need to ask my partner"); a day, a time or an answer in it is read as usual by the caller."""
    return _WAIT.search(" ".join(_fix(t) for t in words(normalize(text)))) is not None


@lru_cache(maxsize=1024)
def affirms(text: str) -> bool:
    """Whether a message says yes somewhere, whatever else it names ("sì, venerdì alle 10 va
    bene", "yep 11am on the 24th is fine"): a yes word, no "no" or "but" after it, not a
    question and not a mere reaction. The step decides whether the rest is what it asked."""
    if text.rstrip().endswith(("?", "？")) or is_nod(text):
        return False
    s = " ".join(_fix(t) for t in words(normalize(text)))
    yes = _YES.search(s)
    if yes is None or _NO_STRONG.search(s) or _NO.search(s):
        return False
    return _BUT.search(s[yes.end() :]) is None


def parse_intent(text: str, *, language: str) -> Intent | None:
    """The single best intent of a customer's message, or None when it carries none.

    `language` ("it" or "en") is a hint only: both languages are always understood.
    """
    return _parse(text, language)
