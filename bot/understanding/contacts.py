"""Checking the name and e-mail address a customer types when booking.

Names may come in any alphabet; e-mail syntax is validated by `email-validator` without DNS, and
a slip in a popular provider's domain ("gmial.com") earns a "did you mean" suggestion.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from dataclasses import dataclass, replace
from enum import StrEnum

from email_validator import EmailNotValidError, validate_email
from rapidfuzz.distance import OSA
from rapidfuzz.process import extractOne

from bot.understanding._vocab import WORDS
from bot.understanding.text import closest, expand_shorthand
from bot.understanding.text import word_set as _word_set

__all__ = [
    "ContactChange",
    "ContactField",
    "ContactProblem",
    "EmailCheck",
    "NameCheck",
    "dictation_choices",
    "find_address",
    "first_name_for_someone",
    "is_same_address",
    "is_self_reference",
    "looks_like_name",
    "names_a_month",
    "offers_phone",
    "parse_email",
    "parse_name",
    "patch_address",
    "read_contact_change",
    "read_name",
    "respell",
    "split_name_and_address",
]

logger = logging.getLogger(__name__)


class ContactProblem(StrEnum):
    EMPTY = "empty"
    TOO_SHORT = "too_short"
    TOO_LONG = "too_long"
    URL = "url"
    EMAIL_AS_NAME = "email_as_name"
    DIGITS = "digits"
    INVALID_CHARS = "invalid_chars"
    NOT_A_NAME = "not_a_name"
    EMAIL_SYNTAX = "email_syntax"
    EMAIL_DOMAIN = "email_domain"


@dataclass(frozen=True)
class NameCheck:
    value: str | None
    problem: ContactProblem | None


@dataclass(frozen=True)
class EmailCheck:
    value: str | None
    problem: ContactProblem | None
    suggestion: str | None = None


NAME_MIN = 2
NAME_MAX = 100

_SPACES = re.compile(r"\s+")
_APOSTROPHES = frozenset("'’ʼ‘")
_HYPHENS = frozenset("-‐‑")
_EMAIL_LIKE = re.compile(r"\S+@\S+")
_URL = re.compile(
    r"(?i)(\b[a-z][a-z0-9+.-]*://|\bwww\.|\b[\w-]{2,}\.(?:com|it|net|org|eu|io|info|biz|co|me|app|"
    r"dev|uk|de|fr|es|ch|ly|gl|to|tv|xyz|site|online|shop)\b)"
)
# Particles that stay lower case when we capitalise an all-lowercase name ("ludwig van beethoven").
_PARTICLES = frozenset({"van", "von", "der", "den", "ter", "du", "des", "dos", "das", "y"})


def _title(name: str) -> str:
    """Capitalise an all-lowercase name: "anne-marie o'brien" -> "Anne-Marie O'Brien"."""
    parts = name.split(" ")
    out = []
    for index, part in enumerate(parts):
        if index > 0 and part in _PARTICLES:
            out.append(part)
        else:
            out.append(part.title())
    return " ".join(out)


def parse_name(text: str) -> NameCheck:
    """A person's name as they typed it, trimmed and with single spaces, or the problem with it.

    Letters of any alphabet (with their combining marks), spaces, apostrophes, hyphens and dots
    after a letter (initials: "J. R. Smith") are allowed. Any digit gives DIGITS. The customer's own
    capitalisation is kept ("de Luca", "McDonald"); only a name typed all in lower case is
    capitalised, since that is a phone keyboard's habit rather than a choice.
    """
    name = _SPACES.sub(" ", unicodedata.normalize("NFC", text)).strip()
    if not name:
        return NameCheck(None, ContactProblem.EMPTY)
    if _EMAIL_LIKE.search(name):
        return NameCheck(None, ContactProblem.EMAIL_AS_NAME)
    if _URL.search(name):
        return NameCheck(None, ContactProblem.URL)
    if any(unicodedata.category(ch) == "Nd" for ch in name):
        return NameCheck(None, ContactProblem.DIGITS)
    previous = " "
    for ch in name:
        category = unicodedata.category(ch)
        allowed = category.startswith(("L", "M")) or ch == " " or ch in _APOSTROPHES
        allowed = allowed or ch in _HYPHENS
        # A dot only ends an initial ("J. R. Smith"), never starts or doubles.
        allowed = allowed or (ch == "." and unicodedata.category(previous).startswith("L"))
        if not allowed:
            # Letters and a sentence's punctuation ("its for my husbnd, mark") are words we could
            # not read as a name, not characters a name cannot hold.
            words_only = " " in name and all(
                c.isalpha() or c.isspace() or c in _SENTENCE_MARKS for c in name
            )
            problem = ContactProblem.NOT_A_NAME if words_only else ContactProblem.INVALID_CHARS
            return NameCheck(None, problem)
        previous = ch
    if not any(unicodedata.category(ch).startswith("L") for ch in name):
        return NameCheck(None, ContactProblem.INVALID_CHARS)
    if len(name) < NAME_MIN:
        return NameCheck(None, ContactProblem.TOO_SHORT)
    if len(name) > NAME_MAX:
        return NameCheck(None, ContactProblem.TOO_LONG)
    if _not_a_name(name):
        return NameCheck(None, ContactProblem.NOT_A_NAME)
    if name == name.lower() and name != name.upper():
        name = _title(name)
    return NameCheck(name, None)


def _plain(text: str) -> str:
    """Lower case, no accents, words separated by single spaces (for the word lists below)."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    bare = re.sub(r"[’ʼ‘`]", "'", bare)
    return _SPACES.sub(" ", re.sub(r"[^\w'@.+-]+", " ", bare)).strip()


# Words that are nobody's name: fillers, answers, greetings, keyboard tests, pronouns.


_NOT_NAMES = _word_set(
    """
    boh bho bo mah mha beh bah eh ehm uhm hmm ok okay okk si no non so nn lo sap saprei idk dunno
    test testing prova asdf asd qwerty qwe abc aaa xxx xx yyy zzz ciao salve buongiorno buonasera
    hello hi hey hiya grazie thanks thx grz me io mio mia my mine myself you tu nessuno niente
    nulla nobody nothing anonimo anonima anonymous nome cognome name surname first last boo
    perfetto bene yes yeah yep nope sure certo prego please the a il la nn
    meh mmm mm mmh uh uhh umm um erm ehh hm bof vabbe vabbè nah whatever sorry scusa scusate oops
    tbh idc dno honestly really know clue idea saprei sapere sure forse maybe not
    per for di of mia mio miei mie our moglie marito figlio figlia wife husband son daughter
    lol lool haha ahah ahahah xd k kk vedi fai decidi decidete scegli scegliete voi you choose pick
    """
)
_VOWELS = frozenset("aeiouyàèéìòùáíóú")
_SENTENCE_MARKS = frozenset(",;:!?.'’-–")
# Words no name is ever made of, wherever they stand: the words of a sentence about the e-mail
# ("same email as mine", "quella di mia moglie", "use my work one", "la mail è") or about whose
# name it is. Particles that do start surnames ("di", "la", "de") and first names ("Mia") are not
# here.
_NEVER_IN_NAME = _word_set(
    """
    email e-mail mail mails emails gmail hotmail outlook libero yahoo icloud indirizzo address
    posta pec inbox account same usual stessa stesso solita solito identica identico mine yours
    your our ours their theirs his her hers its it it's is are was be use using usa usate uso
    quella quello quelle quelli questa questo this that these those one ones the tuo tua suo
    sua nostro nostra vostro vostra miei mie work lavoro ufficio office personal personale
    """
)


# Words of a sentence, never of a name: verbs, conjunctions, question words, the words of a
# refusal ("dunno", "ur call", "non saprei"), of a service or of a request for a person. One of
# them anywhere makes the message a sentence to read for its meaning, not a name to save. Words
# that are also names or particles ("Al", "Can", "Chi", "Ma", "Do", "Del", "Oh") are not here.
_SENTENCE_WORDS = _word_set(
    """
    and or but not just also actually instead than then what which who whom how why where
    want wanna need would could should cant can't don't dont does did have has had got
    get i i'm im i'd i'll we you're ur u call talk speak know think guess like prefer rather
    pick choose decide sorry pls plz lol lmao haha whatever dunno idk idc
    anzi invece pero però che cosa come perche perché quando quanto quanta quanti
    vorrei voglio vuoi volevo potrei posso puoi potete fate fai fatemi mettimi metti metterti
    mettere parlare parlo dire dirti dirvi sapere saprei sai decidete decidi scegli
    scegliete boh mah bho beh vabbe vabbè nn non niente nulla forse tipo
    taglio colore tinta piega colpi meches schiarire cut haircut colour color trim
    blow dry booking appointment appt appuntamento prenotazione prenotare book
    persona human umano operatore operator staff qualcuno someone somebody
    prezzo much
    posto con senza with without
    """
)


# Words of a refusal or of texting: not a name even typed with capitals ("Dunno Lol Ur Call").
_NEVER_TITLED = _word_set(
    """
    i i'm im i'd i'll ur u pls plz lol lmao haha whatever dunno idk idc sorry boh mah bho beh
    vabbe vabbè nn non niente nulla forse tipo just actually instead anzi invece
    """
)


def _not_a_name(name: str) -> bool:
    tokens = [t.strip("'.-") for t in _plain(name).split()]
    tokens = [t for t in tokens if t]
    if not tokens or all(t in _NOT_NAMES for t in tokens):
        return True
    if any(t in _NEVER_IN_NAME for t in tokens):
        return True
    # "Anna Colore", "Will Cutts", "Rosa Taglio": two to four words each typed with a capital,
    # as a name is written, stay a name even when one of them is also a word of a sentence.
    typed = name.split()
    titled = 2 <= len(typed) <= 4 and all(
        w[:1].isupper() and w.replace("'", "").replace("-", "").isalpha() for w in typed
    )
    if any(t in _SENTENCE_WORDS and (not titled or t in _NEVER_TITLED) for t in tokens):
        return True
    # A name is a few words: beyond six, or three or more with an everyday word among them
    # ("ok allora Mario Rossi va"), it is a sentence.
    if len(tokens) > 6:
        return True
    everyday = [t for t in tokens if len(t) > 2 and t in _COMMON and t not in _NAME_PARTICLES]
    if len(tokens) >= 3 and everyday:
        return True
    # Keyboard mash ("sdfg", "hjkl"): Latin letters with no vowel at all.
    latin = [t for t in tokens if t.isascii() and t.isalpha()]
    return (
        bool(latin)
        and len(latin) == len(tokens)
        and all(len(t) >= 3 and not (set(t) & _VOWELS) for t in latin)
    )


_SELF = re.compile(
    r"^(?:(?:si|yes|ok|okay|si si)\s+)?(?:sono io|sn io|so io|io|me|it'?s me|its me|that'?s me|"
    r"thats me|"
    r"this is me|me stesso|me stessa|myself|il mio|la mia|mio|mine|il mio nome|my name|my own name|"
    r"usa(?:te)? il mio(?: nome)?|use my(?: own)? name|use mine|quello del profilo|"
    # "just use the name on my profile", "metti pure il nome del profilo", "my telegram name"
    r"(?:(?:just |pure )?(?:use|usa|metti|put|take|prendi|keep|tieni)(?: pure)? )?"
    r"(?:(?:the|il) )?(?:(?:name|nome) (?:on|in|from|of|del|dal|sul|nel|che c e nel) "
    r"(?:(?:my|il mio|mio|il) )?(?:profile|account|telegram|profilo)(?: telegram)?|"
    r"(?:my )?(?:profile|telegram|account) name|nome (?:del|sul) (?:mio )?profilo)|"
    r"quell[oa](?: li| la| sopra)?|that one|the one above|same|lo stesso|stesso|quello che vedi|"
    r"(?:e )?il mio|(?:sono )?(?:sempre|ancora) io|(?:it'?s |its )?(?:still|just|only) me|"
    # "a mio nome", "under my name", "in my name", "col mio nome": the booking is for them
    r"(?:a|al|col|con il|sotto|in|under|with|on|for)\s+(?:il\s+)?(?:mio|my)(?:\s+(?:own\s+)?"
    r"(?:nome|name))?|(?:(?:e|è|it'?s|its|it is|is|sarebbe|it would be)\s+)?(?:per|for)\s+"
    r"(?:me|myself|me stess[oa]))"
    # "quello va bene", "that one's fine", "il mio è giusto": the name shown is right
    r"(?:\s+(?:va bene|va benissimo|e giusto|e corretto|ok|okay|is fine|'s fine|s fine|is ok|"
    r"is good|is right|is correct|works|fine))?"
    r"(?:\s+(?:grazie|thanks|thx|please|pls|plz|per favore|per piacere|stesso|stessa))?$"
)


# Read word by word, a message that only says "me" in other words: a word pointing at the
# customer (or their profile) and nothing but the words around such a reference. Word order,
# fillers and laughter do not matter ("me obviously lol", "its for me, the name on my account",
# "metti pure il mio nome", "just use my name pls").
_SELF_ANCHORS = _word_set(
    """
    me io myself mine mio mia my profile profilo account telegram stesso stessa
    """
)
_SELF_WORDS = _SELF_ANCHORS | _word_set(
    """
    sono so is it s its it's this that that's thats e é è sempre ancora still just only
    use usa usate usi metti mettete put take prendi prendete keep tieni tenete write scrivi
    the il lo la l a al col con in on under with for per from of del dal sul nel da di
    name nome nominativo one quello quella same
    va bene benissimo fine ok okay good right giusto corretto correct works
    yes yeah yep yup si sure certo certamente of course ovvio ovviamente obviously course
    pure just pls please per favore piacere grazie thanks thank you
    lol haha ahah ahaha ahahah xd eh oh ah beh well
    """
)


def is_self_reference(text: str) -> bool:
    """Whether the customer means the name their profile shows ("sono io", "use my name")."""
    plain = _plain(text).strip(" .!?")
    if _SELF.match(plain) is not None:
        return True
    tokens = expand_shorthand(plain).split()
    return (
        bool(tokens)
        and len(tokens) <= 10
        and any(t in _SELF_ANCHORS for t in tokens)
        and all(t.strip(".,!?") in _SELF_WORDS for t in tokens)
    )


# "mi chiamo Giulia Verdi", "sono Giulia Verdi", "my name is ...": the name after the lead-in.
_NAME_LEAD = re.compile(
    r"^\s*(?:(?:ciao|salve|buongiorno|buonasera|hi|hello|hey)[\s,!.]+)?(?:(?:allora|ok|okay|"
    r"si|sì|yes|no|sorry|scusa|anzi)[\s,!.]+)?"
    r"(?:(?:il\s+(?:mio\s+)?nome\s+(?:è|e|é)|il\s+nome\s+giusto\s+(?:è|e)|mi\s+chiamo|"
    r"chiamami|sono|my\s+name\s+is|my\s+name'?s|name(?:\s+is|\s+should\s+be|'?s)|"
    r"the\s+name\s+(?:is|should\s+be)|i'?m|i\s+am|it'?s|call\s+me|nome|"
    # "si chiama Sara Galli", "her name's Priya Shah": someone else, by the name alone
    r"(?:che\s+)?si\s+chiama|(?:her|his)\s+name(?:'?s|\s+is)|(?:she|he)\s*'?s\s+called|"
    # "put me down as Jo", "segna pure Rossi", "scrivi Bianchi"
    r"put\s+(?:me|it)\s+(?:down\s+)?(?:as|under)|(?:segna|scrivi|metti)(?:mi|lo|la)?(?:\s+pure)?)"
    # "my name's actually Emma Walsh", "mi chiamo in realtà Anna Verdi"
    r"(?:\s+(?:actually|really|in\s+realt[aà]|invece))?"
    r"\s*[:,]?\s+)",
    re.IGNORECASE,
)


_RELATIVES = (
    r"moglie|marito|figli[oa]|madre|mamma|padre|pap[aà]|fratello|sorella|nonn[oa]|compagn[oa]|"
    r"fidanzat[oa]|amic[oa]|ragazz[oa]|zi[oa]|suocer[oa]|cugin[oa]|collega|nipote|"
    r"wife|husband|son|daughter|mother|mom|mum|father|dad|brother|sister|grandma|grandmother|"
    r"grandpa|grandfather|partner|girlfriend|boyfriend|friend|fianc[ée]e?|aunt|uncle|cousin|"
    r"colleague|niece|nephew|kid|child|bimb[oa]|bambin[oa]|piccol[oa]|little\s+one|hubby|"
    r"husbands?"
)
# Booking for someone else: "a nome di mia moglie, Laura Verdi", "per mio marito Marco Bianchi",
# "it's for my husband, James Clarke", "under the name Jane Doe", "book it for Jane Doe".
_FOR_LEAD = re.compile(
    r"^\s*(?:(?:ciao|salve|hi|hello|hey|allora|ok|okay|si|sì|yes|no|sorry|scusa|anzi|actually|"
    r"oh|ah|wait|aspetta|invece|in\s+realtà|in\s+realta|please|pls|plz|per\s+favore|but|ma|però|"
    r"pero)[\s,!.]+)*"
    r"(?:(?:can|could|would)\s+(?:you|u|ya)\s+(?:please\s+|pls\s+)?|(?:puoi|potete|potresti|potreste)\s+|"
    r"(?:can|could)\s+it\s+be\s+|(?:può|puo)\s+essere\s+)?"
    r"(?:(?:it'?s|it\s+is|è|e|é|this\s+is|the\s+(?:booking|appointment|appt)(?:'?s|\s+is)|"
    r"la\s+prenotazione\s+(?:è|e)|l'?appuntamento\s+(?:è|e))\s+)?"
    # "its actually for my husband", "è in realtà per mia madre", "it's really under"
    r"(?:(?:actually|really|in\s+realt[aà]|invece|pure|just)\s+)?"
    r"(?:"
    r"(?:(?:intesta\w*|mett\w*|prenota\w*|segna\w*|fall[oa]|fai)\s+)?"
    r"(?:(?:a|al|in|sotto)\s+(?:il\s+)?nome\s+d(?:i|el(?:la)?)|"
    r"(?<=\s)(?:il\s+)?nome\s+d(?:i|el(?:la)?)(?=\s+(?:mia|mio|tua|suo|sua)\s)|"
    r"intesta\w*\s+a|"
    r"(?:(?:put\s+it|book\s+it|it)\s+)?(?:under|in)\s+(?:my|our)\s+(?:"
    + _RELATIVES
    + r")['’]?s\s+name|"
    r"(?:(?:put\s+it|book\s+it|it)\s+)?under(?:\s+the\s+name)?(?:\s+of)?|in\s+the\s+name\s+of|"
    r"book\s+it\s+for|prenota(?:lo|la|re)?\s+(?:per|a\s+nome\s+di))"
    r"(?:\s+(?:(?:la\s+|il\s+)?(?:mia|mio|my|our)\s+)?(?:" + _RELATIVES + r")"
    r"(?:\s+(?:instead|invece))?)?"
    r"|(?:per|x|for|4)\s+(?:(?:la\s+|il\s+|una\s+|un\s+|a\s+)?(?:mia|mio|my|our)\s+)(?:"
    + _RELATIVES
    + r")(?:\s+(?:actually|instead|invece|in\s+realt[aà]))?"
    r")"
    # "... for my friend, her name's Priya Shah", "per una mia amica, si chiama Sara Galli"
    r"(?:\s*[:,]?\s+(?:(?:her|his|their)\s+name(?:'?s|\s+is)?|(?:che\s+)?si\s+chiama|named|"
    r"(?:(?:she|he)\s*'?s\s+|(?:she|he)\s+is\s+)?called))?"
    # "… please, Kate Clarke", "… instead - Jean Clarke", "… per favore: Franco Rossi"
    r"(?:\s+(?:instead|invece|please|pls|per\s+favore|grazie))?"
    r"\s*[:,\-–]?\s+",
    re.IGNORECASE,
)


# "Giulia Bianchi, è per mia sorella", "Lily Clarke, it's for my daughter": who it is for, said
# after the name.
_FOR_TAIL = re.compile(
    r"[\s,;.!-]+(?:(?:it'?s|it\s+is|è|e|é)\s+)?(?:per|x|for)\s+(?:(?:la|il|una|un|a)\s+)?"
    r"(?:mia|mio|my|our)\s+(?:" + _RELATIVES + r")(?:\s+(?:actually|instead|invece))?[\s!.]*$",
    re.IGNORECASE,
)


# Who it is for, inside a longer sentence, with the name after: "booking for my wife - Sarah",
# "I'm booking for my wife Sarah", "lo prenoto per mia figlia, si chiama Sofia".
_FOR_INSIDE = re.compile(
    r"\b(?:per|x|for|4|a\s+nome\s+d(?:i|el(?:la)?))\s+(?:(?:la|il|una|un|a)\s+)?"
    r"(?:mia|mio|my|our)\s+(?:" + _RELATIVES + r")\b\s*[,:;–-]?\s*"
    r"(?:(?:(?:her|his)\s+name(?:'?s|\s+is)|(?:che\s+)?si\s+chiama|named|called)\s*[:,]?\s*)?",
    re.IGNORECASE,
)


_NAME_TAIL = re.compile(
    r"[\s,;.!]*\b(?:grazie(?: mille| tante)?|thanks(?: a lot| very much)?|thank you|thank u|thx|"
    r"cheers|many thanks|please|pls|plz|per favore|cordiali saluti)"
    r"[\s!.]*$",
    re.IGNORECASE,
)


# "Emma, surname Watson", "first name lucy last name hart", "nome Giulia cognome Ferri".
_NAME_PARTS = re.compile(
    r"^\s*(?:(?:my\s+)?(?:first\s+name|name|nome)\s*(?:is|è|e|:)?\s+)?(?P<first>[^\W\d_]+)"
    r"\s*[,;]?\s*(?:and\s+|e\s+)?(?:(?:my\s+|il\s+)?(?:last\s+name|surname|family\s+name|"
    r"cognome)\s*(?:is|è|e|:)?\s+)(?P<last>[^\W\d_]+(?:[\s'-][^\W\d_]+)?)\s*$",
    re.IGNORECASE,
)


# "Clarke, Emma", "Rossi, Mario": the surname first, as forms write it.
_SURNAME_FIRST = re.compile(r"^\s*([^\W\d_][\w'’-]*)\s*,\s*([^\W\d_][\w'’-]*)\s*$")


_BEFORE_NAME = re.compile(
    r"^(?:(?:pls|plz|please|per\s+favore|grazie|thanks|thx)\b)?[\s,:;.!–-]*", re.IGNORECASE
)


def read_name(text: str) -> NameCheck:
    """`parse_name` of what a customer typed at the name question, without the lead-in
    ("ciao, sono Giulia Verdi") and the trailing punctuation."""
    cleaned = _NAME_TAIL.sub("", text.strip()).rstrip("!.?,;") or text.strip()
    cleaned = _FOR_TAIL.sub("", cleaned) or cleaned
    reversed_ = _SURNAME_FIRST.match(cleaned)
    if reversed_ is not None and not _not_a_name(cleaned.replace(",", " ")):
        return parse_name(f"{reversed_.group(2)} {reversed_.group(1)}")
    parts = _NAME_PARTS.match(cleaned)
    if parts is not None:
        return parse_name(f"{parts.group('first')} {parts.group('last')}")
    inside = _FOR_INSIDE.search(cleaned)
    if inside is not None and inside.start() > 0 and not _FOR_LEAD.match(cleaned):
        run = _name_run(cleaned[inside.end() :])
        if run:
            return parse_name(run)
    for lead in (_FOR_LEAD, _NAME_LEAD):
        match = lead.match(cleaned)
        if match and match.end() < len(cleaned):
            # "for my wife pls - Kate": a "please" or a dash before the name is not part of it
            rest = _BEFORE_NAME.sub("", cleaned[match.end() :].strip())
            # "… my niece Chloe instead": the name ends where ordinary words start again
            return parse_name(_name_run(rest) or rest)
    return parse_name(cleaned)


def is_named(text: str) -> bool:
    """Whether a message gives a name after words that say so ("my name is …", "it's for my
    friend, her name's …", "si chiama …"): the words after them are a name, even one that looks
    like an ordinary word ("Priya" is one slip from "prima")."""
    cleaned = _NAME_TAIL.sub("", text.strip()).rstrip("!.?,;") or text.strip()
    lead = _FOR_LEAD.match(cleaned) or _NAME_LEAD.match(cleaned)
    return lead is not None and lead.end() < len(cleaned) and read_name(text).value is not None


def first_name_for_someone(text: str) -> str | None:
    """The first name alone of someone else the booking is for ("its actually for my husband,
    mark" -> "Mark", "è per mio marito, Marco" -> "Marco"); None for a full name, for the
    customer's own name, or when no name is given."""
    cleaned = _NAME_TAIL.sub("", text.strip()).rstrip("!.?,;") or text.strip()
    lead = _FOR_LEAD.match(cleaned) or _FOR_INSIDE.search(cleaned)
    if lead is None or not re.search(rf"\b(?:{_RELATIVES})\b", lead.group(0), re.IGNORECASE):
        return None
    value = read_name(text).value
    return value if value and " " not in value else None


def names_a_month(value: str) -> bool:
    """Whether one word would be read as a month alone, exactly or by a slip ("Marco" is one slip
    from "marzo"; "June", "May", "Jan"): at the name question such a word is a name."""
    found = _plain(value).split()
    if len(found) != 1:
        return False
    word = closest(found[0], WORDS)
    return word is not None and WORDS[word].startswith("MO")


# Everyday words that a two-word "name" typed at the e-mail step would never contain.
_COMMON = _word_set(
    """
    non no si ho ce c e è ma ma il lo la le gli un una di da in con per su tra fra mi ti ci vi
    mail email e-mail indirizzo address posta ok grazie thanks please the a an of is are my your
    i have don't dont do not it that this what mio mia tuo tua sono sei io tu lui lei noi voi loro
    domani oggi dopo prima quando come cosa perche perché why when how where dove anche ancora
    niente nulla boh mah test ciao hello hi hey yes sure certo quale quello quella at to for from
    """
)


def looks_like_name(text: str) -> bool:
    """Whether a message typed at the e-mail question is a person's name ("Giulia Verdi") rather
    than an address or a sentence: two to four words, none an everyday word."""
    if "@" in text or is_self_reference(text):
        return False
    check = read_name(text)
    if check.value is None:
        return False
    tokens = _plain(check.value).split()
    if not 2 <= len(tokens) <= 4:
        return False
    return not any(t.strip("'.-") in _COMMON for t in tokens)


class ContactField(StrEnum):
    NAME = "name"
    EMAIL = "email"


@dataclass(frozen=True)
class ContactChange:
    """The customer wants to change their name or e-mail; `value` is the new one when typed."""

    field: ContactField
    value: str | None = None
    # "typo in my surname, should be Clark": only the surname is new, the first name stays
    surname: bool = False


_ADDRESS = re.compile(r"[^\s<>()\[\],;:\"']+\s*@\s*[^\s<>()\[\],;:\"']+")
_NAME_WORD = r"(?:nome|name|nominativo|cognome|surname)"
_MAIL_WORD = r"(?:e ?mail|mail|email|indirizzo(?: e ?mail)?|address|posta)"
_CHANGE_WORD = (
    r"(?:cambi\w*|modific\w*|corregg\w*|sistem\w*|aggiust\w*|corretto|sbagliat\w*|sbagliat|"
    r"errat\w*|chang\w*|edit|fix|"
    r"wrong|correct|updat\w*|scritt\w* male|misspel\w*|spel\w* wrong|typed wrong|different|"
    r"altr[oa]|nuov[oa]|new|typo|mistake|errore|actually|invece|"
    r"not right|non (?:e )?giust\w*|non va)"
)
_CHANGE = re.compile(rf"\b{_CHANGE_WORD}\b")
_WANTS_NAME = re.compile(
    rf"\b{_CHANGE_WORD}\b.*\b{_NAME_WORD}\b|\b{_NAME_WORD}\b.*\b{_CHANGE_WORD}\b"
)
_WANTS_MAIL = re.compile(
    rf"\b{_CHANGE_WORD}\b.*\b{_MAIL_WORD}\b|\b{_MAIL_WORD}\b.*\b{_CHANGE_WORD}\b"
)
_NEW_NAME = re.compile(
    r"\b(?:(?:il\s+)?(?:mio\s+)?(?:cog)?nome\s+(?:giusto\s+|corretto\s+)?(?:è|e|é|sarebbe|"
    r"dovrebbe\s+essere|era)|mi\s+chiamo|"
    r"(?:my\s+)?(?:sur|last\s+|family\s+)?name(?:\s+(?:is|should\s+be|would\s+be)|\s*['’]s)|"
    r"the\s+(?:sur|last\s+|family\s+)?name\s+(?:is|should\s+be|would\s+be)|"
    r"(?:metti|scrivi|usa|put|use|make\s+it)\s+(?:it\s+)?(?:il\s+nome\s+)?)\s*(?:actually\s+|invece\s+)?:?\s*"
    r"(?P<name>[^\d@,;:.!?]+?)\s*(?:,?\s*(?:grazie|please|pls|thanks|per favore))?[.!]*$",
    re.IGNORECASE,
)


# A dictated address (voice to text): "mario punto rossi chiocciola gmail punto com",
# "jane dot doe at gmail dot com"; the domain needs at least one "dot".
# "underscore", "trattino basso", "dash", "trattino" are spoken too.
_SEPARATOR = r"(?:punto|dot|underscore|trattino\s+basso|under\s+score|dash|hyphen|trattino)"
_DICTATED = re.compile(
    # a number said after a word is part of it ("mario punto rossi 62": rossi62)
    rf"([\w+-]+(?:\s+\d+)?(?:(?:\s+{_SEPARATOR}\s+|\.)[\w+-]+(?:\s+\d+)?)*)\s+"
    r"(?:chiocciola|at)\s+"
    # the domain dictated or typed ("at gmail dot com", "at outlook.com")
    r"([\w-]+(?:(?:\s+(?:punto|dot)\s+|\.)[\w-]+)+)",
    re.IGNORECASE,
)
_SPOKEN_DOT = re.compile(r"\s+(?:punto|dot)\s+", re.IGNORECASE)
_SPOKEN_UNDERSCORE = re.compile(r"\s+(?:underscore|trattino\s+basso|under\s+score)\s+", re.I)
_SPOKEN_DASH = re.compile(r"\s+(?:dash|hyphen|trattino)\s+", re.IGNORECASE)
# Words that may stand right before a dictated address: anything else there is a second word of
# the local part ("emma clarke at gmail dot com"), which cannot be told apart from one.
_BEFORE_ADDRESS = frozenset(
    w.lower()
    for w in re.split(
        r"\s+",
        "is its it s e è é la mia mail email e-mail indirizzo address my me use usa scrivi it "
        "sorry ok okay yes yeah si sì allora then thanks grazie ciao hi hello sure certo ecco "
        "here to a an the di del della l lo ed and oh ah no anzi actually invece sarebbe would "
        "be should write send put try mail contact reach scrivi scrivete manda mandate metti "
        "prova contattami scrivimi mandami",
    )
)


def _spoken_local(local: str) -> str:
    local = re.sub(r"\s+(?=\d)", "", local)
    local = _SPOKEN_UNDERSCORE.sub("_", local)
    local = _SPOKEN_DASH.sub("-", local)
    return _SPOKEN_DOT.sub(".", local)


def _undictate(text: str) -> str:
    return _DICTATED.sub(
        lambda m: _spoken_local(m.group(1)) + "@" + _SPOKEN_DOT.sub(".", m.group(2)), text
    )


def dictation_choices(text: str, name: str | None = None) -> tuple[str, str] | None:
    """The two readings of a dictated address whose local part is two words with nothing between
    them ("emma clarke at gmail dot com": emmaclarke@ or emma.clarke@): which one, only the
    customer knows. With an @ typed, the same when the word before a space is a word of `name`,
    the name booked under ("mario rossi@libero.it" from Mario Rossi); any other word there is
    not part of the address ("scrivete a rossi@libero.it"). None when it is not ambiguous."""
    if "@" in text:
        return _spaced_choices(text, name)
    found = _DICTATED.search(text)
    if found is None:
        return None
    before = text[: found.start()].split()
    if not before:
        return None
    word = before[-1].lower().strip(",.:;!?'")
    if not word.isalpha() or len(word) < 2 or word in _BEFORE_ADDRESS:
        return None
    local = _spoken_local(found.group(1)).lower()
    domain = _SPOKEN_DOT.sub(".", found.group(2)).lower()
    return f"{word}{local}@{domain}", f"{word}.{local}@{domain}"


# "mario rossi@libero.it": two words, a space between them, then the @ and a domain
_SPACED_ADDRESS = re.compile(
    r"(?<![\w.+-])([^\W\d_]{2,})\s+([^\W\d_]{2,})\s*@\s*([\w-]+(?:\.[\w-]+)+)", re.UNICODE
)


def _spaced_choices(text: str, name: str | None) -> tuple[str, str] | None:
    found = _SPACED_ADDRESS.search(text)
    if found is None or not name:
        return None
    first, second, domain = (part.lower() for part in found.groups())
    if first not in {word.lower() for word in name.split()}:
        return None
    return f"{first}{second}@{domain}", f"{first}.{second}@{domain}"


def find_address(text: str) -> str | None:
    """The e-mail address inside a sentence ("la mail è mario@x.it, grazie"), spaces around @
    removed; None when there is none."""
    if "@" not in text:
        text = _undictate(text)
    found = _ADDRESS.search(text)
    return found.group(0).replace(" ", "").rstrip(".") if found else None


# Words that only say when ("make it friday", "metti domani"): never a new name at the summary.
_WHEN_WORDS = frozenset(
    w for w, token in WORDS.items() if token.split()[0].startswith(("WD", "MO", "REL", "DP"))
) | frozenset(
    re.split(
        r"\s+",
        "the il lo la l on di del a al next this prossimo prossima questo questa morning "
        "afternoon evening instead invece then allora "
        # a shift of the time ("make it an hour and a half later"), never a name
        "an and a half hour hours hr mins minutes ora ore oretta mezza mezz minuti e un una "
        "later earlier sooner tardi prima dopo piu two three couple of due tre paio di",
    )
)


def _only_when(value: str) -> bool:
    """Whether a would-be name is only words of a day or a time ("Friday", "next monday")."""
    found = _plain(value).split()
    return bool(found) and all(w in _WHEN_WORDS for w in found)


# A name inside a sentence ends where ordinary words start again: "Emma Clarke-Jones actually",
# "Giulia Rossi x favore è per mia figlia", "Mario Rossi Bianchi in realtà". Particles ("di",
# "la", "van") stay when a name word follows them ("Anna Di Stefano", "Rosa La Torre").
_NAME_PARTICLES = _word_set("di de da del della dei dello van von der den la le lo d y mc")
_NAME_STOP = (
    _COMMON
    | _NOT_NAMES
    | _NEVER_IN_NAME
    | _word_set(
        """
        actually realta realtà x favore piacere its it's tbh instead invece now adesso because
        perche since thank you thanks cheers ty thx and or o oppure anche also too as well
        sarebbe would should be was era please pls plz lol giusto giusta corretto corretta
        sbagliato sbagliata wrong right correct fine bene under sotto
        """
    )
)


def _name_run(value: str) -> str:
    """The words of a name at the start of `value`, up to the first ordinary word."""
    words = value.split()
    kept: list[str] = []
    for index, word in enumerate(words):
        bare = _plain(word).strip("'.-")
        if bare in _NAME_PARTICLES and kept and index + 1 < len(words):
            following = _plain(words[index + 1]).strip("'.-")
            if following and following not in _NAME_STOP:
                kept.append(word)
                continue
        if not bare or bare in _NAME_STOP:
            break
        kept.append(word)
    return " ".join(kept).rstrip(",;:.!?")


# "change the name to Lucy Clarke", "cambia il nome in Giulia Rossi", "put the name as Jo Hart",
# "nome: Anna Bianchi", in any politeness ("pls", "potreste", "per favore").
_NAME_TO = re.compile(
    r"\b(?:nome|name|nominativo)\s*(?:(?:to|in|into|as|a|con|with|come)\s+|(?::|->|=)\s*)"
    r"(?P<name>[^\W\d_][^\d@,;:!?]*)",
    re.IGNORECASE,
)


_SET_WORD = re.compile(r"\b(?:put|set|write|use|make|metti\w*|scrivi\w*|usa|intesta\w*|segna\w*)\b")


def _read_contact_change(text: str) -> ContactChange | None:
    address = find_address(text)
    if address:
        return ContactChange(ContactField.EMAIL, address)
    plain = _plain(text)
    cleaned = _NAME_TAIL.sub("", text.strip()).rstrip("!.?,;")
    other = _FOR_LEAD.match(cleaned)
    if other is not None:
        # "mettila a nome di mia moglie, Anna Rossi", "put it under my husband's name, Paul
        # Clarke": someone else's full name replaces the one on the summary.
        run = _name_run(cleaned[other.end() :])
        value = parse_name(run).value if run else None
        # A relative said by who they are takes a first name alone ("my son Oliver")
        relative = re.search(
            rf"\b(?:{_RELATIVES})(?:['’]?s)?\b", cleaned[: other.end()], re.IGNORECASE
        )
        if value and (relative or len(value.split()) >= 2) and not _only_when(value):
            return ContactChange(ContactField.NAME, value)
    expanded = expand_shorthand(plain)  # "the names wrong", "il nome nn è giusto"
    to = _NAME_TO.search(text.strip())
    if to is not None and (
        _WANTS_NAME.search(expanded)
        or _SET_WORD.search(plain)
        or re.search(r"\b(?:nome|name)\s*:", text, re.IGNORECASE)
    ):
        value = parse_name(_name_run(to.group("name"))).value
        if value and len(value.split()) >= 2 and not _only_when(value):
            return ContactChange(ContactField.NAME, value)
    named = _NEW_NAME.search(text.strip())
    if named:
        raw = named.group("name").strip()
        run = _name_run(raw)
        value = parse_name(run).value if run else None
        if (
            value
            and not is_self_reference(raw)
            and not is_self_reference(value)
            and not _CHANGE.search(_plain(value))
            and not _only_when(value)
        ):
            return ContactChange(ContactField.NAME, value)
    if _WANTS_MAIL.search(expanded):
        return ContactChange(ContactField.EMAIL)
    if _WANTS_NAME.search(expanded):
        return ContactChange(ContactField.NAME, _name_after_request(text))
    return None


_SURNAME_WORD = re.compile(r"\b(?:cognome|surname|last name|family name)\b")


def read_contact_change(text: str) -> ContactChange | None:
    """What the customer wants changed at the summary: "cambia nome", "wrong email", "ho
    sbagliato la mail, è mario@x.it", "il nome è Giulia Verdi", or a bare new address; one word
    said of the surname ("typo in my surname, should be Clark") is the surname only."""
    change = _read_contact_change(text)
    if (
        change is not None
        and change.field is ContactField.NAME
        and change.value is not None
        and " " not in change.value
        and _SURNAME_WORD.search(_plain(text))
    ):
        return replace(change, surname=True)
    return change


# "ho sbagliato nome, è Marco Rossi", "wrong name: it's Emily Clarke": the name after the request.
_AFTER_REQUEST = re.compile(
    r"[,:;]|\s[-–>]+\s|\s(?=(?:è|é|it'?s|it\s+is|should\s+be|sarebbe)\s)", re.IGNORECASE
)
_NAME_IS = re.compile(
    r"^\s*(?:(?:invece|actually|ma|but)\s+)?(?:(?:è|e|é|it'?s|its|it\s+is|should\s+be|sarebbe|"
    r"quello\s+giusto\s+è|the\s+right\s+one\s+is)\s+)?",
    re.IGNORECASE,
)


def _name_after_request(text: str) -> str | None:
    parts = _AFTER_REQUEST.split(_NAME_TAIL.sub("", text.strip()).rstrip("!.?"))
    if len(parts) < 2:
        return None
    # "è Verdini, non Verdi": the part that says what the name is not is left out
    said = [p for p in parts[1:] if not re.match(r"\s*(?:non|not)\b", p, re.IGNORECASE)]
    if not said:
        return None
    tail = _name_run(_NAME_IS.sub("", said[-1]).strip())
    if not tail or _CHANGE.search(_plain(tail)) or re.search(r"\d|@", tail):
        return None
    value = parse_name(tail).value
    if not value or is_self_reference(value) or _only_when(value) or _not_a_name(value):
        return None
    if re.search(rf"\b(?:{_NAME_WORD}|{_MAIL_WORD})\b", _plain(value)):
        return None
    return value


# Mail providers people in Italy and abroad actually use; order breaks ties (".com" first).
POPULAR_DOMAINS: tuple[str, ...] = (
    "gmail.com",
    "googlemail.com",
    "hotmail.com",
    "hotmail.it",
    "hotmail.co.uk",
    "hotmail.fr",
    "hotmail.de",
    "hotmail.es",
    "outlook.com",
    "outlook.it",
    "live.com",
    "live.it",
    "msn.com",
    "yahoo.com",
    "yahoo.it",
    "yahoo.co.uk",
    "yahoo.fr",
    "yahoo.de",
    "yahoo.es",
    "ymail.com",
    "icloud.com",
    "me.com",
    "mac.com",
    "aol.com",
    "libero.it",
    "virgilio.it",
    "tiscali.it",
    "alice.it",
    "tim.it",
    "tin.it",
    "fastwebnet.it",
    "email.it",
    "inwind.it",
    "iol.it",
    "teletu.it",
    "vodafone.it",
    "poste.it",
    "pec.it",
    "legalmail.it",
    "katamail.com",
    "gmx.com",
    "gmx.it",
    "gmx.de",
    "web.de",
    "mail.com",
    "email.com",
    "protonmail.com",
    "proton.me",
    "zoho.com",
    "yandex.com",
    "mail.ru",
    "qq.com",
    "btinternet.com",
)
# Plausible-looking domains that are almost always a slip for a provider's real one.
_DOMAIN_ALIASES = {
    "gmail.it": "gmail.com",
    "gmail": "gmail.com",
    "fastweb.it": "fastwebnet.it",
    "fastweb.net": "fastwebnet.it",
    "hotmail": "hotmail.com",
    "outlook": "outlook.com",
    "icloud": "icloud.com",
    "libero": "libero.it",
    "yahoo": "yahoo.com",
}
# Top-level domain slips that no real address uses.
_TLD_TYPOS = {
    "con": "com",
    "cmo": "com",
    "ocm": "com",
    "comm": "com",
    "coom": "com",
    "vom": "com",
    "xom": "com",
    "cpm": "com",
    "cim": "com",
    "clm": "com",
    "ti": "it",
    "itt": "it",
    "iy": "it",
    "nte": "net",
    "ney": "net",
    "ogr": "org",
    "orgg": "org",
}


def _suggest_domain(domain: str) -> str | None:
    """The popular domain this one is a slip of, or None when it looks intended."""
    domain = domain.lower().strip(".")
    if domain in POPULAR_DOMAINS:
        return None
    if domain in _DOMAIN_ALIASES:
        return _DOMAIN_ALIASES[domain]
    undotted = {d.replace(".", ""): d for d in POPULAR_DOMAINS}
    if domain in undotted:  # "gmailcom"
        return undotted[domain]
    # Short domains are too close to one another ("ibm.com" / "me.com") for two edits.
    limit = 1 if len(domain) < 9 else 2
    found = extractOne(domain, POPULAR_DOMAINS, scorer=OSA.distance, score_cutoff=limit)
    if found is not None:
        return str(found[0])
    name, _, tld = domain.rpartition(".")
    if name and tld in _TLD_TYPOS:
        return f"{name}.{_TLD_TYPOS[tld]}"
    return None


_TLDS = _word_set(
    "com it org net co uk de fr es eu me io info biz ch at us ca nl be pt ie au edu gov"
)


def _clean_email(text: str) -> str:
    address = unicodedata.normalize("NFC", text).strip()
    if "<" in address and address.endswith(">"):  # "Mario Rossi <mario@gmail.com>"
        address = address[address.rindex("<") + 1 : -1]
    address = address.strip().strip("<>").strip()
    if address.lower().startswith("mailto:"):
        address = address[len("mailto:") :]
    address = address.split("?", 1)[0]  # mailto query part
    # "emma(at)gmail.com", "mario [at] libero.it": the @ written as people hide it from robots
    address = re.sub(r"\s*[(\[{<]\s*(?:at|chiocciola)\s*[)\]}>]\s*", "@", address, flags=re.I)
    if "@" not in address:
        address = _undictate(address)
    address = re.sub(r"\s*@\s*", "@", address)
    closed = re.sub(r"\s*([.@])\s*", r"\1", address)
    # "emma.clarke@gmail. com", "emma . clarke @ gmail . com": spaces around the dots of an
    # address that ends as addresses do; never "x@libero.it. grazie" (a word after it)
    ends_well = closed.rpartition(".")[2].lower() in _TLDS
    if " " in address and " " not in closed and "@" in closed and ends_well:
        address = closed
    return address.strip().rstrip(".,;:!").strip()


def parse_email(text: str) -> EmailCheck:
    """An e-mail address checked for syntax (never DNS) and normalised, with a typo suggestion.

    The domain is lower-cased and IDN domains are given in Unicode form; the local part keeps the
    customer's spelling. When the domain looks like a slip ("gmial.com", "libero.ti", "x.con"),
    `suggestion` is the whole corrected address; `value` is still set if the typed one is valid.
    """
    address = _clean_email(text)
    if not address:
        return EmailCheck(None, ContactProblem.EMPTY)
    local, at, domain = address.rpartition("@")
    if not at or not local:
        return EmailCheck(None, ContactProblem.EMAIL_SYNTAX)
    suggested = _suggest_domain(domain)
    suggestion = f"{local}@{suggested}" if suggested else None
    try:
        result = validate_email(address, check_deliverability=False)
    except EmailNotValidError:
        try:
            validate_email(f"{local}@example.com", check_deliverability=False)
        except EmailNotValidError:
            problem = ContactProblem.EMAIL_SYNTAX
        else:
            problem = ContactProblem.EMAIL_DOMAIN
        if suggestion is not None:
            try:
                suggestion = validate_email(suggestion, check_deliverability=False).normalized
            except EmailNotValidError:
                suggestion = None
        logger.info("e-mail rejected: %s", problem)
        return EmailCheck(None, problem, suggestion)
    if suggestion is not None:
        suggestion = f"{result.local_part}@{suggested}"
    return EmailCheck(result.normalized, None, suggestion)


# "same email as last time", "la stessa mail dell'altra volta", "use the one you've got".
_SAME_ADDRESS = re.compile(
    r"\b(same|usual|stessa|solita|identica)( e ?mail| mail| address| one| indirizzo)?"
    r"( as| di| del| dell| della)? ?(last time|before|sempre|prima|l altra volta|altra volta|"
    r"ultima volta|usual)?\b"
    r"|\b(the one|quella|quello) (you ve|you have|che (avete|hai))( already)?( got)?\b"
    r"|\b(as|come) (last time|before|l altra volta|l ultima volta)\b"
    r"|\b(quella|quello|the one|the usual one) (di sempre|solita|as usual|i always use)\b"
)


def is_same_address(text: str) -> bool:
    """Whether a message at the e-mail question asks to use the address used before."""
    if "@" in text:
        return False
    plain = _plain(text).replace("'", " ")
    found = _SAME_ADDRESS.search(plain)
    if found is None:
        return False
    return bool(
        re.search(
            r"\b(mail|email|address|indirizzo|one|quella|last|before|prima|volta|"
            r"sempre|solita|usual|stessa)\b",
            plain,
        )
    )


# What may join a name and an address in one message: "Emma Clarke, emma@x.org", "sono Chiara
# Conti e la mail è chiara@x.it", "its Grace Miller and my email is grace@x.com".
_NAME_ADDRESS_JOIN = re.compile(
    r"[\s,;:-]*(?:(?:and|e|ed)\s+)?(?:(?:my|la\s+mia|mia|la|the)\s+)?"
    r"(?:(?:e-?\s?mail|mail|email\s+address|address|indirizzo(?:\s+e-?mail)?)\s*)?"
    r"(?:(?:is|è|e|é)\s*|:\s*)?$",
    re.IGNORECASE,
)


def split_name_and_address(text: str) -> tuple[str, str] | None:
    """A name and an e-mail address typed together at the name question, or None."""
    source = text if "@" in text else _undictate(text)
    found = _ADDRESS.search(source)
    if found is None or source[found.end() :].strip(" .!,;") not in ("", "grazie", "thanks"):
        return None
    before = _NAME_ADDRESS_JOIN.sub("", source[: found.start()])
    if not before.strip():
        return None
    check = read_name(before)
    if check.value is None:
        # "Emma Clarke, work email emma@acme.com": the name ends where the words about the
        # address begin
        check = parse_name(_name_run(before))
    if check.value is None:
        return None
    if len(check.value.split()) < 2 and not first_name_for_someone(before):
        return None  # "its for my husband mark, mark@x.com": his first name is enough
    return check.value, found.group(0).replace(" ", "").rstrip(".")


# "can I give you my mobile instead", "non ho la mail, vi lascio il cell 347 1234567".
_PHONE_OFFER = re.compile(
    r"\b(phone|mobile|cell|telefono|cellulare|numero|number|whatsapp)\b|(?:\d[\s.-]?){7,}"
)


# "what's your number?", "posso chiamarvi?": the customer asks for the salon's phone instead.
_THEIR_PHONE = re.compile(r"\b(your|ur|vostro|vostra|vostri|tuo|salone|salon|chiamarvi|call you)\b")


def offers_phone(text: str) -> bool:
    """Whether a message typed at the e-mail question offers a phone number instead."""
    plain = _plain(text)
    return "@" not in text and bool(_PHONE_OFFER.search(plain)) and not _THEIR_PHONE.search(plain)


# One part of an address corrected: ".com not .org", "è .it non .com", "gmail not hotmail",
# "not .org, .com", "non hotmail ma gmail". The old part must be in the address.
_TOKEN = r"@?\.?[\w][\w.+-]*(?![\w.+-])"
_NEW_NOT_OLD = re.compile(
    rf"(?:^|\s)(?P<new>{_TOKEN})\s*,?\s+(?:and\s+|e\s+)?(?:not|non|instead\s+of|invece\s+di|"
    rf"anziche|anziché|rather\s+than)\s+(?:il\s+|the\s+)?(?P<old>{_TOKEN})",
    re.IGNORECASE,
)
_NOT_OLD_NEW = re.compile(
    rf"(?:^|\s)(?:not|non)\s+(?P<old>{_TOKEN})(?:\s*[,;]\s*|\s+)(?:but\s+|ma\s+|it'?s\s+|è\s+)?"
    rf"(?P<new>{_TOKEN})",
    re.IGNORECASE,
)


_FILLERS = _BEFORE_ADDRESS | _word_set("scusa scusami sorry thanks grazie please pls oops ops")


def patch_address(address: str, text: str) -> str | None:
    """The address with the part the customer corrected replaced (".com not .org" on
    jane@x.org gives jane@x.com), or None when the message corrects no part of it."""
    if "@" in text.replace("@", "", 1) or find_address(text):
        return None
    lowered = address.lower()
    for pattern in (_NEW_NOT_OLD, _NOT_OLD_NEW):
        for found in pattern.finditer(text.strip().rstrip("!?")):
            old = found.group("old").lower().rstrip(".,;")
            new = found.group("new").lower().rstrip(".,;")
            if old == new or not re.search(r"[a-z]", old) or not re.search(r"[a-z]", new):
                continue
            if {old, new} & _FILLERS:
                continue
            at = lowered.rfind(old)
            if at < 0 or (old[0] not in ".@" and at > 0 and lowered[at - 1] not in ".@_-+"):
                continue
            if old[0] == "." and not new.startswith("."):
                new = "." + new
            patched = address[:at] + new + address[at + len(old) :]
            value = parse_email(patched).value
            if value and value != address:
                return value
    return None


# A spelling fix: "clarke with an e", "rossi con due s", "smyth with a y", "with two Ls".
_SPELLED = re.compile(
    r"(?P<word>[^\W\d_]{2,})\s*,?\s+(?:is\s+|è\s+)?(?:(?:spelt|spelled|scritto|scritta)\s+)?"
    r"(?:with|con)\s+(?:an?|one|una?|two|2|double|due|doppia|la|il|l'|the)?\s*"
    r"(?P<letter>[^\W\d_])(?:'?s)?\b",
    re.IGNORECASE,
)


def respell(value: str, text: str) -> str | None:
    """`value` (a name or an address) with the word the customer spelled out put right ("clarke
    with an e" turns emma.clark@x.org into emma.clarke@x.org), or None when no word of it is
    a near miss of the one spelled."""
    found = _SPELLED.search(text)
    if found is None:
        return None
    word = found.group("word")
    if found.group("letter").lower() not in word.lower():
        return None
    parts = re.split(r"([^\w]+|_)", value)
    for i, part in enumerate(parts):
        if not part.isalpha() or part.lower() == word.lower():
            continue
        if OSA.distance(part.lower(), word.lower()) <= 2 and part[0].lower() == word[0].lower():
            fixed = word.lower() if part.islower() else word[:1].upper() + word[1:].lower()
            parts[i] = fixed
            return "".join(parts)
    return None
