"""Which of the business's services a message names, in everyday words of either language.

The services come from Zimun with the business's own names ("Taglio", "Taglio e piega",
"Colore"). Customers say "a cut", "trim", "tinta", "blow dry", "colpi di sole". Both sides are read
through one small table of *kinds* of service (cut, colour, blow-dry, ...): a service is the set of
kinds its name mentions, a message is the set of kinds it mentions, and the services whose set fits
the message best are the answer. So the table works for any business whose names use ordinary
words, and a business adds its own words per service id (`aliases`, from SERVICE_ALIASES).

`match_services` returns every service that fits equally well: one means "that one", several mean
"ask between these", none means the message named no service.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Generic, Protocol, TypeVar

from bot.understanding.text import closest, normalize, words

__all__ = [
    "KINDS",
    "NamedService",
    "ServiceMatch",
    "kinds_in_text",
    "match_services",
    "service_kinds",
]


class NamedService(Protocol):
    @property
    def id(self) -> str: ...

    @property
    def name(self) -> str: ...


S = TypeVar("S", bound=NamedService)


@dataclass(frozen=True)
class ServiceMatch(Generic[S]):
    """The services a message fits. `partial`: each of them also has something not asked for
    ("piega" when the business only has "Taglio e piega"), so the customer should choose."""

    services: tuple[S, ...] = field(default=())
    partial: bool = False
    # Each service is one of several things asked ("taglio e colore"): all are wanted, not one.
    each: bool = False
    # The kinds of service asked for, when they fit only in part ({"blowdry"} for "una piega")
    asked: frozenset[str] = frozenset()

    @property
    def one(self) -> S | None:
        """The service meant, when exactly one fits fully."""
        return self.services[0] if len(self.services) == 1 and not self.partial else None


# Kind -> the words and phrases (normalised, either language) that mention it, in a service's
# name or in a message. Multi-word phrases are matched whole.
KINDS: dict[str, tuple[str, ...]] = {
    "cut": (
        "taglio",
        "tagli",
        "tagliare",
        "tagliarmi",
        "tagliarli",
        "taglio capelli",
        "sforbiciata",
        "spuntatina",
        "spuntata",
        "spuntare",
        "accorciare",
        "taglietto",
        "tagliettino",
        "cut",
        "cuts",
        "haircut",
        "haircuts",
        "hair cut",
        "trim",
        "trims",
        "trimming",
        "cutting",
        "trimmed",
        "tagliati",
        "tagliata",
        "sistemata ai capelli",
        "sistematina",
        "rinfrescata",
        "snip",
        "tidy up",
        "tidy-up",
        "tidy",
        "short back and sides",
        "buzz cut",
        "fringe trim",
        "fringe",
        "frangia",
        "frangetta",
        "bangs",
        "layers",
        "layered",
        "scalato",
        "scalata",
        "scalatura",
        "fade",
        "skin fade",
        "sfumatura",
        "punte",
        "sistemata alle punte",
        "split ends",
        "the ends",
        "my ends",
        "ends off",
        "ends taken off",
        "le punte",
    ),
    "colour": (
        "colore",
        "colori",
        "colorazione",
        "tinta",
        "tinte",
        "tingere",
        "tingermi",
        "tingerli",
        "tingo",
        "tinture",
        "tintura",
        "colpi di sole",
        "colpi di luce",
        "ritocco",
        "radici",
        "radice",
        "root",
        "root touch up",
        "meches",
        "mesh",
        "shatush",
        "balayage",
        "riflessante",
        "riflessi",
        "riflesso",
        "schiariture",
        "schiarire",
        "decolorazione",
        "babylights",
        "ombre",
        "grey coverage",
        "cover my greys",
        "cover the greys",
        "bleach",
        "bleaching",
        "colour",
        "color",
        "colours",
        "colors",
        "colouring",
        "coloring",
        "dye",
        "dyed",
        "dyeing",
        "highlights",
        "lowlights",
        "tint",
        "roots",
        "haircolour",
        "haircolor",
        "coloured",
        "colored",
        "recolour",
        "recolor",
        "colorare",
        "colorarmi",
        "colorarli",
        "tingermi",
        "tingerli",
        "ricrescita",
        "tinted",
        "highlight",
        "lowlight",
        "foils",
        "go blonde",
        "go blond",
        "going blonde",
        "go lighter",
        "go darker",
        "hair lighter",
        "lighter hair",
        "hair darker",
        "darker hair",
        "schiarirli",
        "schiarirmi",
        "capelli piu chiari",
        "capelli più chiari",
        "lighten",
        "lightened",
        "grays",
        "greys",
        "grey hair",
        "gray hair",
        "grey hairs",
        "gray hairs",
        "white hairs",
        "capelli bianchi",
        "capelli grigi",
        "coprire i bianchi",
        "diventare bionda",
        "farmi bionda",
        "farmi bionde",
    ),
    "blowdry": (
        "piega",
        "pieghe",
        "messa in piega",
        "brushing",
        "asciugatura",
        "styling",
        "blow dry",
        "blowdry",
        "blow dried",
        "styled",
        "blowdried",
        "blow out",
        "blowout",
        "blow",
    ),
    "shave": ("barba", "rasatura", "beard", "shave", "shaving"),
    "wash": ("lavaggio", "shampoo", "wash", "hair wash"),
    "treatment": ("trattamento", "trattamenti", "cheratina", "treatment", "keratin"),
    "perm": ("permanente", "perm", "stiratura", "straightening", "lisciante"),
    "nails": ("manicure", "pedicure", "unghie", "smalto", "nails"),
}


# Words for where, not what ("decolorazione delle punte", "roots"): they name a kind only when
# nothing else in the message does.
_WHERE = frozenset(
    {"punte", "le punte", "radici", "radice", "roots", "root", "split ends", "the ends", "my ends"}
)
# "no colour this time, just a cut", "niente colore, solo taglio": a kind said not to be wanted.
_NOT_WANTED = re.compile(
    r"(?<!\S)(no|niente|senza|not|non|without|nessun|nessuna|scrap|skip|forget|drop|ditch|scratch|"
    r"lascia stare|lascia perdere|lasciamo stare|lasciamo perdere|togli)"
    r"( il| la| lo| l| un| una| a| an| any|"
    r" the)? (?P<word>\S+( \S+)?)"
)

# A service done already or put off to another time ("il taglio l'ho fatto da poco", "il taglio
# lo farò un'altra volta", "had my hair cut recently", "I'll do the cut another time"): not wanted
# now, whatever else is ("… quindi solo il colore").
_NOT_NOW = re.compile(
    r"(?<!\S)(?:(?:il|la|lo|l) )?(?P<word>\S+) (?:l|lo|la) (?:ho|avevo) (?:gia )?fatt[oa]|"
    r"(?<!\S)(?:(?:il|la|lo|l) )?(?P<word2>\S+) (?:lo|la|li|le) (?:faro|faccio|facciamo|faremo|"
    r"rimando|prenoto|prenotero) (?:un altra volta|la prossima volta|piu avanti|dopo|"
    r"in un altro momento|un altro giorno)|"
    r"(?<!\S)(?:had|got|did|have had|just had) (?:my |the |a )?(?:hair )?(?P<word3>\S+)(?: done)? "
    r"(?:recently|already|last week|last month|not long ago|the other day|a while ago)|"
    r"(?<!\S)(?:do|get|have|book) (?:the |a |my )?(?P<word4>\S+) (?:another time|next time|"
    r"later on|some other time|another day)"
)

# Wanting a service done before again ("want it redone", "da rifare", "di nuovo").
_AGAIN = re.compile(
    r"(?<!\S)(again|redone|redo|re do|rifare|rifarlo|rifarla|rifatto|rifatta|"
    r"di nuovo|nuovamente|another one|un altro|un altra)(?!\S)"
)

# Words for the hair itself ("barba e capelli", "men's hair and beard"): a haircut when the
# message names nothing else the business does.
_HAIR = ("capelli", "capello", "hair")
_NOT_ON_HAIR = frozenset({"shave", "nails"})


def _words_of(block: str) -> list[str]:
    return block.split()


# Ordinary words one typo away from a kind word, which must stay themselves.
_PROTECTED = frozenset(
    _words_of("""
    piena pieno tanta tante tanto tinto volte colle colla color1 posti tagliando cute punto punti
    dry blog blue glow flow trip trimestre ritorno radio mask task wash wish below slow allow
    share shape shake slave dolore calore mails emails salto shavings perme prego
    sends tends bends lends
    """)
)

_ALIASES = {
    "x": "per",
    "nn": "non",
    "colro": "colore",
    "coulor": "colour",
    # spelled as said
    "highlites": "highlights",
    "hilites": "highlights",
    "hilights": "highlights",
    "lowlites": "lowlights",
    "blowdries": "blowdry",
    "colur": "colour",
    "colr": "colour",
    "clour": "colour",
}


@lru_cache(maxsize=1)
def _vocabulary() -> tuple[frozenset[str], dict[str, tuple[str, ...]]]:
    single: set[str] = set()
    for phrases in KINDS.values():
        for phrase in phrases:
            single.update(phrase.split())
    return frozenset(single), KINDS


@lru_cache(maxsize=1)
def _word_kinds() -> dict[str, frozenset[str]]:
    """Each single word of the kind phrases, with the kinds it belongs to."""
    kinds: dict[str, set[str]] = {}
    for kind, phrases in KINDS.items():
        for phrase in phrases:
            for word in phrase.split():
                kinds.setdefault(word, set()).add(kind)
    return {word: frozenset(found) for word, found in kinds.items()}


# Everyday words that begin a kind word and stay themselves ("high", "part", "fade").
_NOT_CLIPPED = frozenset(_words_of("high hair part fade tide side back ends with taken"))


def _clipped(token: str) -> str | None:
    """A kind word typed short ("tagl", "colo"): the one kind word it begins, when every word
    it begins is of one kind and at least two letters are missing."""
    if len(token) < 4 or token in _NOT_CLIPPED:
        return None
    kinds = _word_kinds()
    longer = sorted(w for w in kinds if w.startswith(token) and len(w) >= len(token) + 2)
    if not longer or len({kinds[w] for w in longer}) != 1:
        return None
    return longer[0]


def _tokens(text: str, extra: frozenset[str]) -> list[str]:
    vocab, _ = _vocabulary()
    vocab = vocab | extra
    out: list[str] = []
    for token in words(normalize(text).replace("-", " ")):
        token = _ALIASES.get(token, token)
        if token in vocab or token in _PROTECTED or not token.isalpha():
            out.append(token)
            continue
        found = closest(token, vocab)
        # Four-letter words are too close to everyday ones: only swapped letters ("tirm").
        if found is not None and len(token) == 4 and sorted(token) != sorted(found):
            found = None
        out.append(found or _clipped(token) or token)
    return out


def _has(joined: str, phrase: str) -> bool:
    return _whole(phrase).search(joined) is not None


@lru_cache(maxsize=4096)
def _whole(phrase: str) -> re.Pattern[str]:
    """`phrase` as whole words, compiled once: building, escaping and looking up the pattern on
    every call was about 3 % of the bot's samples under load (py-spy, issue 11)."""
    return re.compile(rf"(?<!\S){re.escape(phrase)}(?!\S)")


def _kinds_in(joined: str) -> frozenset[str]:
    found = set()
    where = set()
    for kind, phrases in KINDS.items():
        if any(_has(joined, phrase) for phrase in phrases if phrase not in _WHERE):
            found.add(kind)
        elif any(_has(joined, phrase) for phrase in phrases if phrase in _WHERE):
            where.add(kind)
    return frozenset(found or where)


def _refused_kinds(joined: str) -> frozenset[str]:
    """The kinds said not to be wanted ("no colour", "senza piega")."""
    refused: set[str] = set()
    for found in _NOT_WANTED.finditer(joined):
        # "niente taglio, colore sabato": the first word when it names a kind on its own (the
        # next one is what is wanted); two words for names of two ("no blow dry")
        refused |= _kinds_in(found.group("word").split()[0]) or _kinds_in(found.group("word"))
    for found in _NOT_NOW.finditer(joined):
        done = found.group("word") or found.group("word3")
        if done and _AGAIN.search(joined):
            continue  # "had my colour done last month and want it redone": wanted again
        refused |= _kinds_in(next(word for word in found.groups() if word))
    return frozenset(refused)


def kinds_in_text(text: str) -> frozenset[str]:
    """The kinds of service a message mentions ("fate anche la barba?" -> {shave})."""
    return _kinds_in(" ".join(_tokens(text, frozenset())))


@lru_cache(maxsize=256)
def service_kinds(name: str) -> frozenset[str]:
    """The kinds a service's name mentions: "Taglio e piega" -> {cut, blowdry}."""
    return _kinds_in(" ".join(_tokens(name, frozenset())))


# A verb after which a message says what it books ("... prenoto il colore per mercoledì").
_BOOKED_PART = re.compile(
    r"\b(?:book|prenot\w*|i ?ll (?:have|take|go for|do)|i d like|prendo|faccio|vorrei|"
    r"mettimi|segnami|fammi|(?:can|could) (?:i|u|you) (?:get|have|do me)|i (?:want|need|wanna)|"
    r"voglio|posso (?:fare|avere)|mi fate|mi fai)\b(?P<rest>.+)$"
)


def match_services(
    text: str,
    services: Sequence[S],
    *,
    aliases: Mapping[str, Sequence[str]] | None = None,
    booked: bool = True,
) -> ServiceMatch[S]:
    """The services the message names; all of them when they fit equally; with `booked`, the one
    named after a booking verb when there is one ("... I'll book the colour").

    Order of evidence: the business's own words for a service (`aliases`), a service's full name,
    then the kinds of service mentioned (a service whose kinds equal the message's beats one that
    also has others: "taglio" is "Taglio", not "Taglio e piega"; "piega" alone fits every service
    with a blow-dry in it when none is only a blow-dry).
    """
    aliases = aliases or {}
    verbs = [m for m in _BOOKED_PART.finditer(normalize(text)) if m.start() > 0] if booked else []
    if verbs:
        # "how much is a cut and colour? ... I'll book the colour": what follows the last booking
        # verb is what is booked, when it names one service.
        part = match_services(verbs[-1].group("rest"), services, aliases=aliases)
        if len(part.services) == 1:
            return part
    extra = frozenset(w for ws in aliases.values() for p in ws for w in normalize(p).split())
    names = frozenset(w for s in services for w in normalize(s.name).split())
    joined = " ".join(_tokens(text, extra | names))
    if not joined:
        return ServiceMatch()

    by_alias = [
        s
        for s in services
        if any(_has(joined, normalize(a)) for a in aliases.get(s.id, ()) if normalize(a))
    ]
    if by_alias:
        return ServiceMatch(tuple(by_alias))

    wanted = _kinds_in(joined)
    refused = _refused_kinds(joined)
    if refused and not wanted - refused:
        return ServiceMatch()  # "no cut", "niente colore" alone: nothing said to be wanted
    wanted -= refused  # "no colour this time, just a cut"
    wanted = _offered(wanted, joined, services)
    # A full name counts when the message asks for nothing more ("taglio + piega" is not Taglio).
    named = [
        s
        for s in services
        if normalize(s.name) and _has(joined, normalize(s.name)) and wanted <= service_kinds(s.name)
    ]
    if named:
        longest = max(len(normalize(s.name)) for s in named)
        return ServiceMatch(tuple(s for s in named if len(normalize(s.name)) == longest))
    if not wanted:
        return ServiceMatch()
    kinds = {s.id: service_kinds(s.name) for s in services}
    exact = [s for s in services if kinds[s.id] == wanted]
    if exact:
        return ServiceMatch(tuple(exact))
    wider = [s for s in services if kinds[s.id] and wanted <= kinds[s.id]]
    if wider:
        return ServiceMatch(tuple(wider), partial=True, asked=wanted)
    overlap = {s.id: len(kinds[s.id] & wanted) for s in services}
    best = max(overlap.values())
    if best == 0:
        return ServiceMatch()
    fits = [s for s in services if overlap[s.id] == best]
    # "colore + taglio": the services that are one of the things asked, when there are several.
    inside = [s for s in fits if kinds[s.id] <= wanted]
    if len(inside) > 1:
        return ServiceMatch(tuple(inside), partial=True, each=True)
    return ServiceMatch(tuple(fits), partial=True)


def _offered(wanted: frozenset[str], joined: str, services: Sequence[S]) -> frozenset[str]:
    """What the message asks of what the business does: kinds no service has ("barba" at a salon
    with no beard service) are left out when others remain, and the hair itself ("barba e
    capelli") is a cut when nothing else the business does was named."""
    # "lavaggio capelli" is a wash, not a cut
    if wanted <= _NOT_ON_HAIR and any(_has(joined, w) for w in _HAIR):
        wanted |= {"cut"}
    offered = frozenset(k for s in services for k in service_kinds(s.name))
    return (wanted & offered) or wanted
