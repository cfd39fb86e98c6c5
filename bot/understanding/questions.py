"""Questions about the business rather than requests to book: price, duration, address, opening
hours, phone, choosing a stylist, talking to a person.

Pure regex work on normalised text, like `intents`. `parse_question` gives the kind of question and,
for "are you open on Saturday?", the weekday asked about; which service a price or duration question
names is read by `bot.understanding.services` (the services are the business's).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache

from bot.understanding.services import kinds_in_text
from bot.understanding.text import closest, normalize, words

__all__ = [
    "Question",
    "QuestionKind",
    "asks_about_cancelling",
    "asks_for_service",
    "asks_why_needed",
    "lists_services",
    "parse_question",
    "sounds_like_question",
]


class QuestionKind(StrEnum):
    PRICE = "price"
    DURATION = "duration"
    ADDRESS = "address"
    HOURS = "hours"
    PHONE = "phone"
    STYLIST = "stylist"
    PERSON = "person"
    OFFER = "offer"  # "fate anche la barba?", "do you do highlights?"
    INFO = "info"  # anything else about the salon: payment, parking, children...


@dataclass(frozen=True)
class Question:
    kind: QuestionKind
    weekday: int | None = None  # Monday = 0, for "are you open on Saturday?"
    also: tuple[QuestionKind, ...] = ()  # other questions asked in the same message

    @property
    def kinds(self) -> tuple[QuestionKind, ...]:
        return (self.kind, *self.also)


def _words_of(block: str) -> list[str]:
    return block.split()


def _c(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


# Typos of the words that carry these questions; short shorthand first.
_SHORTHAND = {
    "qnt": "quanto",
    "qnto": "quanto",
    "quant": "quanto",
    "cst": "costa",
    "tel": "telefono",
    "cell": "telefono",
    "nr": "numero",
    "num": "numero",
    "pls": "please",
    "u": "you",
    "r": "are",
    "ur": "your",
    "x": "per",
    "nn": "non",
    "wat": "what",
    "ke": "che",
    "kosa": "cosa",
    "hw": "how",
    "wheres": "where is",
    "whens": "when is",
    "4": "for",
    "q": "question",
    "qs": "question",
}
_KEYWORDS = frozenset(
    _words_of("""
    quanto quanta costa costano costo costi prezzo prezzi tariffa tariffe listino price prices
    pricing cost costs charge durata dura durano long indirizzo address located location where
    dove siete trovate orari orario apertura aperti aperto chiusi chiuso open opening closing close
    hours telefono telefonare chiamare chiamarvi numero phone number call ring parrucchiere
    parrucchiera parrucchieri stilista stylist hairdresser barber scegliere choose operatore
    operator umano human persona person qualcuno someone somebody parlare talk speak
    """)
)
_PROTECTED = frozenset(
    _words_of("""
    quanti quante posto posti costume dove doveva case cose come cost orale ora ore aperta
    apri apre aprite chiude chiudete chiama chiamo chiami person persone parla parlo parli
    tempo tempi prego close closer hour your long lunch change changes changed changing chance
    quando yours chose posts hosts prime pride phones dovete doveri aprile parlato parlate
    persone personale charity orario quindi quante corto corta corti corte costa costo posto
    conto conti corso porto there these those
    """)
)


def _fix(token: str) -> str:
    if token in _SHORTHAND:
        return _SHORTHAND[token]
    if not token.isalpha() or token in _KEYWORDS or token in _PROTECTED or len(token) < 5:
        return token
    return closest(token, _KEYWORDS) or token


_PERSON = _c(
    r"\b(parl\w*|sentir\w*|contatt\w*|passami|passarmi|mettimi in contatto) (con )?(qualcuno|"
    r"una persona|persona|un operatore|operatore|un umano|umano|il titolare|la titolare|lo staff|"
    r"staff|voi|qualcuno del salone|il salone|una persona vera|una persona reale|il parrucchiere|"
    r"la parrucchiera|un essere umano)\b|"
    r"\b(operatore|operatrice|persona vera|persona reale|essere umano|un umano|assistenza umana)\b|"
    r"\b(talk|speak|chat|get in touch) (to|with) (a |an |the |some )?"
    r"(actual |real |live |proper |normal |human |member of )?(person|someone|somebody|"
    r"human|real person|real human|staff|salon|owner|manager|operator|agent|representative|"
    r"hairdresser|stylist|people|team|anyone|one of you)\b|"
    r"\b(real person|human being|a human|an operator|live agent|customer service|"
    r"representative)\b|\bis (this|there) a (bot|robot|human)\b|\bsei un (bot|robot)\b|"
    r"\b(persona|qualcuno) con cui parlare\b|\b(someone|somebody|a person) to (talk|speak) to\b|"
    r"\bare (you|u) a (bot|robot|human|real person|machine)\b|"
    r"\b(mi serve|ho bisogno di|voglio|vorrei|i need|need|i want|want) (una persona|un umano|"
    r"un operatore|a human|a person|a real person|an actual person|a human being)\b"
)
_STYLIST = _c(
    r"\b(sceglie\w*|scelgo|chiede\w*|vorrei|voglio|posso avere|avere|prenotare con|con) (il |la |"
    r"l |un |una |lo |mio |mia |la mia |il mio )?(parrucchier\w*|stilist\w*|acconciator\w*|"
    r"operator\w*|ragazz[ao]|barbier\w*|hair stylist)( preferit\w*| di fiducia| solita| solito)?\b|"
    r"\b(parrucchier\w*|stilist\w*) (preferit\w*|di fiducia|solit\w*)\b|"
    # "posso avere sempre la stessa parrucchiera?", "la stessa ragazza dell'altra volta"
    r"\bstess[ao] (parrucchier\w*|stilist\w*|ragazz[ao]|operator\w*|barbier\w*)\b|"
    # "can I pick who does my hair?", "the same person as last time"
    r"\b(pick|choose|request|select|decide) who\b|"
    r"\bsame (person|lady|girl|guy) (as|like) (last time|before|usual|always)\b|"
    r"\bcon chi (sarei|saro|mi|prenoto|faccio)\b|\bchi (mi )?(fa|taglia|fara|tagliera)\b|"
    r"\b(choose|pick|request|ask for|select|have|book with|get) (a |my |the |your |a specific |"
    r"same |particular )?(stylist|hairdresser|hair dresser|barber|person|staff member|"
    r"hairstylist)\b|\b(favourite|favorite|usual|same|specific|particular) (stylist|hairdresser|"
    r"barber)\b|\bwho (will|would|s going to) (do|cut|be doing)\b|"
    r"\b(book|booking|appointment|see) with (?!(you|u|us|me|my|the|a|an|your)\b)[a-z]+\b|"
    # "which stylists do you have?", "quanti parrucchieri siete?", "who works there?"
    r"\b(which|what|how many) (stylists?|hairdressers?|barbers?|staff)\b|"
    r"\bwho works (there|here|at)\b|\b(who s|whos|who is|who are|who ll be) (working|in|on)\b|"
    r"\b(quanti|quante|quali|che) (parrucchier\w*|stilist\w*)\b|\bchi (lavora|ci lavora|c e)\b|"
    r"\b(prenotare|prenoto|appuntamento) con (?!(voi|te|me|mi|mia|mio|la|il|un|una|lei|lui)\b)"
    r"[a-z]+\b"
)
_PRICE = _c(
    r"\b(quanto|quant) (lo |la |li |le |ci |mi |ti |vi )?"
    r"(costa|costano|costerebbe|costerebbero|viene|vengono|verrebbe|si spende|"
    r"spendo|pago|pagherei|fa|e|chiedete|prendete|si paga)\b|\bquanto\b.*\b(costar\w*|pagar\w*)\b|"
    r"\b(prezz\w*|cost[oi]|tariff\w*|listino)\b|"
    r"\bhow much\b(?! time)|\b(price|prices|pricing|cost|costs|rates|fee|fees|charge|charges)\b|"
    r"\bwhat do you charge\b|\b(what s|whats|what is|what would be) the (total|damage|bill)\b|"
    # "a quanto lo fate?", "a quanto viene?" (not "a quanto pare")
    r"\ba quanto (lo |la |li |le )?(fate|fai|viene|vengono|sta|stanno|mettete|fa)\b"
)
_DURATION = _c(
    r"\bci (vuole|mette|mettete) (tanto|molto|poco)\b|\btakes? (long|a while|ages)\b|"
    r"\bquanto (tempo )?(dura|durano|ci (si )?(vuole|mette|metti|mettete|impiega)|impiega\w*|"
    r"tempo ci vuole|ci vorra|durera)\b|\bquanto tempo\b|\bdurata\b|\bquanto ci sta\b|"
    r"\bhow long\b|\bhow much time\b|\bduration\b|\b(takes?|last|lasts) (long|how long)\b|"
    r"\bhow many (minutes|hours)\b|\bquant\w* minuti\b|\bquant\w* ore (dura|ci vuole)\b"
)
_ADDRESS = _c(
    r"\bdove (siete|vi trovo|vi trovate|si trova|sta|state|e il salone|e il negozio|"
    r"vi trovo|e|venire|devo venire|si va)\b|\bindirizz\w*\b|\bcome (ci )?(arrivo|si arriva|"
    r"vi raggiungo|raggiungervi|arrivare)\b|\bin che (via|zona)\b|\bposizione\b|"
    r"\bwhere (exactly |precisely )?(are you|is the (salon|shop|place)|r you|do i (go|come)|are u|"
    r"is it|is that)\b|\bdove (esattamente|di preciso|precisamente) (siete|vi trovate|si trova)\b|"
    r"\bwhere (is|s) (the |your |ur )?(salon|shop|place|hairdresser|hairdressers|studio)\b|"
    r"\baddress\b|\blocated\b|\bwhere ?abouts\b|\blocation\b|\bdirections\b|"
    r"\bhow (do i|to) get (there|to you)\b"
)
# "che orari fate?" asks the opening hours; "che orari avete giovedì?", "altri orari", "orari
# liberi" ask for free times, which the booking flow answers.
_HOURS_WORD = _c(
    r"\b(che|quali|i vostri|vostri|gli) orari\b|\borari (di|d) apertura\b|^orari$|"
    r"\borario (di apertura|d apertura|del salone|del negozio)\b|\bapertura\b"
)
_FREE_TIMES = _c(
    r"\b(liber\w*|disponibil\w*|free|available|posto|slots?|altri|altre|other|more|oggi|domani|"
    r"dopodomani|today|tomorrow|settimana|week|\d+)\b"
)
_HOURS = _c(
    r"\b(a che ora|quando|what time|when) (apr\w*|chiud\w*|do you (open|close|shut|finish)|"
    r"are you open|open|close|shut|siete aperti)\b|\bfino a che ora\b|"
    r"\b(siete|sei|e) (aperti|aperto|chiusi|chiuso)\b|"
    r"\b(are you|r you|are u|you) (open|closed)\b|\bopen(ing)? (hours|times)\b|^hours$|"
    r"\b(your|the|salon|shop) hours\b|"
    r"\b(close|shut|closed|break) (for|at|over|during) lunch\b|\blunch (break|hours?)\b|"
    r"\bopen (at|over|during) lunch(time)?\b|\bclosing time\b|\bpausa pranzo\b|"
    r"\b(chiudete|chiudi|chiusi|chiuso|aperti|aperto) (a|per|durante|all ora di|nell ora di) "
    r"pranzo\b|\bbusiness hours\b|\bdo you (open|work|shut|close) on\b|"
    r"\blavorate (anche )?(il|di|la|lunedi|martedi|mercoledi|giovedi|venerdi|sabato|domenica|a|"
    r"per|durante)\b|\blavorate$|\bdo you work (on )?(sundays?|saturdays?|"
    r"holidays|public holidays|bank holidays)\b|"
    r"\b(che|quali) orari (fate|fai|tenete|hai)\b|\borari (del|di) (lunedi|martedi|mercoledi|"
    r"giovedi|venerdi|sabato|domenica)\b|"
    # "open on the 5th?", "aperti sabato?", "closed monday?": the verb dropped, as people text
    r"^(open|closed|aperti|aperto|chiusi|chiuso)\b(?!.*\b(slots?|times|appointments?|posti)\b)"
)
# "il primo giorno che siete aperti", "the next day you're open": a day asked for, not the hours.
_FIRST_OPEN_DAY = _c(
    r"\b(primo|prossimo|first|next) (giorno|day) (che|in cui|when|that|you)\b.*\b(aperti|aprite|"
    r"lavorate|open|re open|are open)\b|\b(next|first) open day\b|"
    r"\b(prossimo|primo) giorno (di apertura|utile|lavorativo)\b"
)


def asks_first_open_day(text: str) -> bool:
    """Whether a message asks for the first day the business is open ("il primo giorno che
    siete aperti"): a day for a booking, not a question about opening hours."""
    return _FIRST_OPEN_DAY.search(" ".join(words(normalize(text)))) is not None


_PHONE = _c(
    r"\b(numero (di )?(telefono|cellulare|tel|whatsapp)|telefon\w*|cellulare|whatsapp|"
    r"chiamar\w*|vi (posso )?chiamare|posso chiamar\w*|vi chiamo|squillo)\b|"
    r"\b(phone|telephone|phone number|call you|ring you|give you a call|number to call|"
    r"contact number|whatsapp|mobile number)\b|\b(your|ur|vostro|il vostro) (number|numero)\b|"
    # "got a number I can ring?", "un numero per chiamarvi?": a number beside calling, either way
    r"\b(number|numero)\b.*\b(call|ring|reach|phone|text|chiamar\w*|sentir\w*|contattar\w*)\b|"
    r"\b(call|ring|chiamar\w*)\b.*\b(number|numero)\b"
)
# "fate anche la barba?": only about a kind of service ("avete anche sabato?" is a booking).
_OFFER = _c(
    r"\b(fate|fai|avete|offrite|fa) anche\b|\bdo (you|u) (also )?(do|offer)\b|"
    r"\bfate (il|la|i|le|lo|l)\b"
)
# The forms that can only ask about a kind of service, even one we do not know the word for
# ("do you do eyelash extensions?"); "fate il sabato?" or "avete anche sabato?" are not among them.
_OFFER_ONLY = _c(
    r"\bdo (you|u) (also )?(do|offer)\b|\b(fate|fai|offrite) anche\b|\b(fate|fai) (le|i|gli) "
)
# "fate manicure?", "ma voi fate trattamenti alla cheratina": a question that starts with the verb
# (never "mi fate un taglio domani", which books).
_OFFER_START = _c(r"^(ma |e |scusate |scusi |scusa |ciao |salve )?(voi )?(fate|offrite|fai)\b")
# How a question starts when it has no question mark ("can i pay by card", "is there parking").
_QUESTION_START = _c(
    r"^(can|could|do|does|is|are|will|posso|si puo|potete|accettate|avete|c e|ce|ci sono|"
    r"where|dove|what|which|how|come)\b"
)
# "what's your cancellation policy", "c'è una penale se annullo", "what if I have to cancel":
# a question about cancelling, never a request to cancel (answered as `INFO`).
_CANCEL_POLICY = _c(
    r"\b(cancell?ation|cancelling|canceling|no show|late cancel\w*) (policy|fee|fees|charge|"
    r"charges|rules?|terms)\b|\bcharge (you |u )?(for|if i) cancel\w*\b|"
    r"\b(fee|fees|charge|penalty) (for|on|if) (a |you |u |i )?(late |last minute )?cancel\w*\b|"
    r"\bwhat (if|happens if) i (need to |have to |must |want to )?(cancel|can t come|cant come|"
    r"don t show|dont show)\b|\bpenal[ei]\b|\b(politica|regole|condizioni) (di|per|sulla|sulle) "
    r"(cancellazion\w*|disdett\w*|annullament\w*)\b|\bse (poi )?(disdico|annullo|cancello|"
    r"non (posso|riesco a) venire)\b.*\b(pag\w*|cost\w*|succede|penal\w*|problem\w*)\b|"
    r"\b(e )?se poi non (posso|riesco a) venire\b"
)


def asks_about_cancelling(text: str) -> bool:
    """Whether a message asks how cancelling works ("cancellation policy?", "c'è una penale
    se annullo?"): a question to answer, never a cancel."""
    return _CANCEL_POLICY.search(" ".join(words(normalize(text)))) is not None


_SERVICES = _c(r"\b(che|quali) servizi\b|\bwhat services\b|\bservices do (you|u)\b|\bmenu prezzi\b")
_INFO = _c(
    r"\b(parcheggi\w*|parking|park|car park|macchina|macchine|auto|carta|carte|bancomat|pos|"
    r"contanti|satispay|"
    r"paypal|card|cards|cash|pagament\w*|payment|pay by|apple pay|google pay|contactless|amex|"
    r"wifi|cane|animali|animale|pets?|"
    r"cani|dog|dogs|accessibil\w*|wheelchair|sedia a rotelle|ascensore|lift|bagno|toilet|"
    r"gift card|buono regalo|buoni regalo|voucher|sconto|sconti|discount|promo|promozion\w*|"
    r"promotion\w*)\b|"
    # dev13 round: "devo venire qualche minuto prima?", "should I turn up early", "do I need to
    # bring anything": what the salon expects (not "posso venire prima?": an earlier time)
    r"\b(should|shall|need to|have to|must|best to|better to|supposed to) (i |we )?(\w+ )?"
    r"(turn up|arrive|get there|show up|be there|come in|come) (a bit |a few minutes |"
    r"\w+ minutes )?(early|beforehand)\b|"
    r"\b(devo|dovrei|dobbiamo|bisogna|serve|meglio|conviene) (\w+ )?(venire|arrivare|essere li|"
    r"presentarmi|presentarsi) (\w+ ){0,3}(prima|in anticipo)\b(?! (di|delle|del|dell|alle|\w*di))|"
    r"\b(portare|portarmi|bring) (qualcosa|niente|anything|something)\b"
)
_WEEKDAYS = {
    "lunedi": 0,
    "martedi": 1,
    "mercoledi": 2,
    "giovedi": 3,
    "venerdi": 4,
    "sabato": 5,
    "domenica": 6,
    "monday": 0,
    "tuesday": 1,
    "wednesday": 2,
    "thursday": 3,
    "friday": 4,
    "saturday": 5,
    "sunday": 6,
    "sabati": 5,
    "domeniche": 6,
    "saturdays": 5,
    "sundays": 6,
    "mondays": 0,
    "tuesdays": 1,
    "wednesdays": 2,
    "thursdays": 3,
    "fridays": 4,
}
_WEEKDAY = _c(r"\b(" + "|".join(_WEEKDAYS) + r")\b")


@lru_cache(maxsize=2048)
def parse_question(text: str) -> Question | None:
    """The question a message asks about the business, or None when it asks none of these.

    A message may ask several ("quanto costa una piega e siete aperti sabato?"): the first in the
    order below is the question, the others are in `also`.
    """
    tokens = [_fix(t) for t in words(normalize(text).replace("-", " "))]
    if not tokens:
        return None
    s = " ".join(tokens)
    found: list[QuestionKind] = []
    weekday: int | None = None
    if _CANCEL_POLICY.search(s):
        return Question(QuestionKind.INFO)
    if _STYLIST.search(s):
        found.append(QuestionKind.STYLIST)
    elif _PERSON.search(s):
        found.append(QuestionKind.PERSON)
    if _DURATION.search(s):
        found.append(QuestionKind.DURATION)
    if _PRICE.search(s):
        found.append(QuestionKind.PRICE)
    if _ADDRESS.search(s):
        found.append(QuestionKind.ADDRESS)
    day = _WEEKDAY.search(s)
    if _FIRST_OPEN_DAY.search(s):
        pass  # "il primo giorno che siete aperti" asks for a day (bot.understanding.reading)
    elif _HOURS_WORD.search(s) and not _FREE_TIMES.search(s) and day is None:
        found.append(QuestionKind.HOURS)
    elif _HOURS.search(s):
        found.append(QuestionKind.HOURS)
        weekday = _WEEKDAYS[day.group(1)] if day else None
    if _PHONE.search(s):
        found.append(QuestionKind.PHONE)
    offer = _OFFER.search(s) is not None and bool(kinds_in_text(text))
    if not offer and _OFFER_START.search(s) and not _FREE_TIMES.search(s) and day is None:
        offer = bool(kinds_in_text(text))
    if not offer and _OFFER_ONLY.search(s) and not _FREE_TIMES.search(s) and day is None:
        offer = not _INFO.search(s)  # "do you do nails / eyelash extensions?"
    if (offer or _SERVICES.search(s)) and not found:
        found.append(QuestionKind.OFFER)
    # Only as a question, and not about a service ("un taglio per la bimba, pago con carta").
    asked = "?" in text or _QUESTION_START.search(s) is not None or sounds_like_question(text)
    if _INFO.search(s) and not found and asked and not kinds_in_text(text):
        found.append(QuestionKind.INFO)
    if not found:
        return None
    return Question(found[0], weekday, tuple(found[1:]))


# "mi fate i capelli più chiari?", "me la fate una piega?", "could you do me a colour": asked for
# the speaker, a request for the service rather than whether it is offered.
_FOR_ME = _c(
    r"\b(mi|me lo|me la|me li|me le|ce lo|ce la|ci) (fate|fai|fareste|faresti|potete fare|"
    r"puoi fare|potreste fare|potresti fare|sistemate|sistemi)\b|"
    r"\b(potete|puoi|potreste|potresti) farmi\b|\bmi (potete|puoi|potreste|potresti) fare\b|"
    r"\b(can|could|would|will) (you|u|ya) (please |pls )?(do|give|sort|fix|make) (me|my)\b|"
    r"\bdo (you|u) do (me|my)\b|"
    r"\b(do|give|sort) me (a|an|some|the)\b"
)


def asks_for_service(text: str) -> bool:
    """Whether a message that names what a service does asks for it to be done to the speaker
    ("mi fate i capelli più chiari?", "can you do me a trim"), which starts its booking."""
    return _FOR_ME.search(" ".join(words(normalize(text)))) is not None and bool(
        kinds_in_text(text)
    )


def lists_services(text: str) -> bool:
    """Whether a message asks what the services are ("che servizi fate?"), rather than about
    one kind of service ("do you do nails?")."""
    return _SERVICES.search(" ".join(words(normalize(text)))) is not None


# What a message that asks something may start with, once the fillers in front are set aside:
# "sorry quick question, how much is it", "scusa una domanda quanto viene", "why do u need that".
_ASKING_WORDS = frozenset(
    _words_of("""
    dove quanto quanta quanti quante qual quale quali posso potete potrei avete siete fate
    perche come cosa quando where how what whats which who why when can could do does did
    are is will would may should shall
    """)
)
_LEADING_FILLERS = frozenset(
    _words_of("""
    sorry scusa scusate scusami ok okay oh ah eh hmm mmh ma but and e and so quindi allora
    btw by the way a proposito just solo una un quick question domanda veloce domandina prima
    first of all before that di tutto one more ancora also anche hey hi ciao
    """)
)
_ASKING_CUE = _c(r"\b(question|domanda|domandina|by the way|btw|a proposito|a cosa|what for)\b")


def sounds_like_question(text: str) -> bool:
    """Whether a message asks something rather than answers ("a cosa vi serve?", "sorry quick
    question how much is it"): a question mark, a question word once the fillers in front are set
    aside, or words that say a question is coming."""
    if "?" in text:
        return True
    tokens = [_fix(t) for t in words(normalize(text).replace("-", " "))]
    first = next((t for t in tokens if t not in _LEADING_FILLERS), None)
    if first in _ASKING_WORDS:
        return True
    return _ASKING_CUE.search(" ".join(words(normalize(text)))) is not None


# Why the name or the e-mail is wanted: "a cosa vi serve?", "why do u need that", "perché la
# mail?", "is it necessary?", "devo per forza darvi il cognome?", "what do you use it for".
_WHY_NEEDED = _c(
    r"\b(why|perche|xke|xche|how come|come mai|what for|what s (it|that) for|"
    r"a (cosa|che) (vi |ti )?serv\w*|(per|a) (cosa|che cosa|che) (vi |ti )?(serv\w*|lo usate|"
    r"la usate)|what (do|will|would) (you|u) (need|want|use|do with) (it|that|this|them|my)|"
    r"(is|s) (it|that|this) (necessary|needed|required|mandatory|compulsory|obligatory)|"
    r"do (i|you|u) (have|need|really need) to|must i|have i got to|"
    r"(e|sono) (proprio |davvero )?(obbligatori\w*|necessari\w*|indispensabil\w*)|"
    r"(serve|servono) (davvero|proprio|per forza)|devo (proprio |per forza |davvero )?"
    r"(darvi|dartel\w*|dirvi|dirtel\w*|metter\w*|scriver\w*)|per forza|privacy|"
    r"who (sees|will see|can see)|chi (lo|la|li|le) (vede|legge)|cosa ne fate|"
    r"what do you do with)\b"
)


# A question about the name or the e-mail itself: "serve anche il cognome?", "do you need my
# surname too?", "is the email required?", "posso dare solo il nome?".
_CONTACT_WORD = _c(r"\b(nome|cognome|name|surname|e ?mail|mail|indirizzo|address)\b")
_NEED_WORD = _c(
    r"\b(serv\w*|need\w*|requir\w*|necessar\w*|obbligatori\w*|must|have to|want|vuoi|volete|"
    r"solo|only|just|basta|enough|why|perche|ok if|va bene se)\b"
)


def asks_why_needed(text: str) -> bool:
    """Whether a question asks why something is wanted, or whether it is needed ("a cosa vi
    serve?", "why do u need my name", "is it necessary?", "serve anche il cognome?"), rather
    than about anything else."""
    s = " ".join(_fix(t) for t in words(normalize(text)))
    if _WHY_NEEDED.search(s) is not None:
        return True
    return _CONTACT_WORD.search(s) is not None and _NEED_WORD.search(s) is not None
