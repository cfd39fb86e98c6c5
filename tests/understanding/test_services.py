"""Services named in everyday words of either language, mapped onto the business's own names."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from bot.understanding.services import match_services, service_kinds


@dataclass(frozen=True)
class Svc:
    id: str
    name: str


SALONE = (Svc("s_taglio", "Taglio"), Svc("s_piega", "Taglio e piega"), Svc("s_colore", "Colore"))

# message -> the services it fits (ids), and whether they only fit in part
CASES = [
    ("vorrei un taglio", ["s_taglio"], False),
    # issue 9, dev8 round: other wordings than the corpus
    ("could you take my ends off a bit", ["s_taglio"], False),
    ("just tidy the ends please", ["s_taglio"], False),
    ("bleach on the ends", ["s_colore"], False),
    ("a few hilites", ["s_colore"], False),
    ("highlight and lowlight", ["s_colore"], False),
    ("I fancy going blonde for summer", ["s_colore"], False),
    ("want to lighten it a bit", ["s_colore"], False),
    ("need my greys done", ["s_colore"], False),
    ("ho troppi capelli grigi", ["s_colore"], False),
    ("vorrei coprire i bianchi", ["s_colore"], False),
    ("solo le punte", ["s_taglio"], False),
    ("it sends me mad, see you next week", [], False),
    ("I'd like a haircut on friday", ["s_taglio"], False),
    ("just a quick trim pls", ["s_taglio"], False),
    ("can i get a cut tmrw", ["s_taglio"], False),
    ("una sforbiciata veloce", ["s_taglio"], False),
    ("taglio capelli x domani", ["s_taglio"], False),
    ("tagilo", ["s_taglio"], False),
    ("haircutt", ["s_taglio"], False),
    ("colour", ["s_colore"], False),
    ("I want to dye my hair", ["s_colore"], False),
    ("devo rifare la tinta", ["s_colore"], False),
    ("colpi di sole", ["s_colore"], False),
    ("meches", ["s_colore"], False),
    ("some highlights please", ["s_colore"], False),
    ("color", ["s_colore"], False),
    ("need my hair colored", ["s_colore"], False),
    ("vorrei colorarmi i capelli", ["s_colore"], False),
    ("sistemare la ricrescita", ["s_colore"], False),
    ("just want it trimmed", ["s_taglio"], False),
    ("cut and blow dry", ["s_piega"], False),
    ("taglio e piega", ["s_piega"], False),
    ("taglio + messa in piega", ["s_piega"], False),
    ("una piega", ["s_piega"], True),
    ("blow-dry", ["s_piega"], True),
    ("brushing", ["s_piega"], True),
    ("qualche riflesso ramato", ["s_colore"], False),
    ("vorrei schiarire un po i capelli", ["s_colore"], False),
    ("babylights", ["s_colore"], False),
    ("my hair needs a tidy up", ["s_taglio"], False),
    ("short back and sides pls", ["s_taglio"], False),
    ("una sistematina veloce", ["s_taglio"], False),
    # what the salon does not do is left out when something it does remains; the hair itself
    # ("barba e capelli") is a cut when nothing else is named
    ("capelli e barba x sabato", ["s_taglio"], False),
    ("beard trim and a haircut", ["s_taglio"], False),
    ("lavaggio, taglio e asciugatura", ["s_piega"], False),
    ("wash cut and blowdry", ["s_piega"], False),
    ("mi servirebbe sistemare le punte", ["s_taglio"], False),
    # cut styles and techniques by name; "punte"/"roots" say where, so another kind wins
    ("un bel caschetto scalato", ["s_taglio"], False),
    ("fade with a bit off the top", ["s_taglio"], False),
    ("frangetta da accorciare", ["s_taglio"], False),
    ("long layers please", ["s_taglio"], False),
    ("touch up at the root", ["s_colore"], False),
    ("colpi di sole sulle punte", ["s_colore"], False),
    ("schiarire le radici", ["s_colore"], False),
    # a kind said not to be wanted is left out
    ("senza tinta, solo una spuntatina", ["s_taglio"], False),
    ("not the colour, only a trim", ["s_taglio"], False),
    # dropped by a verb: "skip the trim", "forget the colour" (dev9 round)
    ("skip the trim, i'll have a colour", ["s_colore"], False),
    ("forget the colour just cut it", ["s_taglio"], False),
    ("lasciamo perdere il colore, solo una spuntata", ["s_taglio"], False),
    ("niente piega, colore e basta", ["s_colore"], False),
    ("solo la barba", [], False),
    ("lavaggio capelli", [], False),
    ("buongiorno", [], False),
    ("la giornata è piena?", [], False),
    ("tanta gente oggi", [], False),
    ("domani alle 11", [], False),
    # a kind word typed short, as people text (dev12 round): one kind only
    ("colo sabato mattina", ["s_colore"], False),
    ("una spunt venerdi", ["s_taglio"], False),
    ("balay on sat", ["s_colore"], False),
    ("high tea friday", [], False),
    ("vorrei tingermi i capelli", ["s_colore"], False),
]


@pytest.mark.parametrize(("text", "ids", "partial"), CASES)
def test_everyday_words_find_the_business_services(
    text: str, ids: list[str], partial: bool
) -> None:
    match = match_services(text, SALONE)
    assert [s.id for s in match.services] == ids
    assert match.partial is partial


def test_one_word_that_fits_several_services_returns_all_of_them() -> None:
    services = (Svc("a", "Piega corta"), Svc("b", "Piega lunga"), Svc("c", "Taglio uomo"))
    match = match_services("solo una piega", services)
    assert [s.id for s in match.services] == ["a", "b"]
    assert match.one is None


def test_a_service_name_in_english_works_the_same() -> None:
    services = (Svc("1", "Haircut"), Svc("2", "Colour & blow dry"), Svc("3", "Beard trim"))
    assert match_services("un taglio", services).one == services[0]
    assert [s.id for s in match_services("tinta e piega", services).services] == ["2"]
    assert match_services("la barba", services).services == (services[2],)
    # where there is a beard service, "barba e capelli" asks for both
    barber = (Svc("1", "Taglio uomo"), Svc("2", "Barba"), Svc("3", "Colore"))
    assert [s.id for s in match_services("barba e capelli", barber).services] == ["1", "2"]


def test_the_business_words_for_a_service_win() -> None:
    aliases = {"s_colore": ["schiariture", "balayage"]}
    assert match_services("vorrei delle schiariture", SALONE, aliases=aliases).one == SALONE[2]
    assert match_services("just trim", SALONE, aliases=aliases).one == SALONE[0]


def test_kinds_of_a_name() -> None:
    assert service_kinds("Taglio e piega") == {"cut", "blowdry"}
    assert service_kinds("Colore") == {"colour"}
    assert service_kinds("Consulenza") == frozenset()


@pytest.mark.parametrize(
    ("text", "ids"),
    [
        ("what do a cut and a colour cost? I'd like to book just the cut on monday", ["s_taglio"]),
        ("quanto costano taglio e colore? intanto prenoto il taglio", ["s_taglio"]),
        ("colore e taglio quanto? se va bene fammi il colore venerdì", ["s_colore"]),
        # the part after the verb names no one service: the whole message decides
        ("taglio e colore, vorrei prenotare", ["s_taglio", "s_colore"]),
    ],
)
def test_what_follows_the_booking_verb_is_booked(text: str, ids: list[str]) -> None:
    assert [s.id for s in match_services(text, SALONE).services] == ids


@pytest.mark.parametrize(
    ("text", "each"),
    [
        # dev13 round: several services asked, each one of them wanted (booked one at a time)
        ("un colore e anche una spuntatina", True),
        ("tinta più taglio", True),
        ("highlights and a trim", True),
        # one word that fits several, or one service: not "each"
        ("una piega", False),
        ("cut and blow dry", False),
        ("solo il colore", False),
    ],
)
def test_several_services_asked_are_each_wanted(text: str, each: bool) -> None:
    assert match_services(text, SALONE).each is each


@pytest.mark.parametrize(
    ("text", "asked"),
    [("giusto una piega per stasera", {"blowdry"}), ("only a blowout", {"blowdry"})],
)
def test_what_was_asked_is_kept_when_a_service_fits_in_part(text: str, asked: set[str]) -> None:
    found = match_services(text, SALONE)
    assert found.partial and found.asked == asked


@pytest.mark.parametrize(
    ("text", "ids"),
    [
        # dev13 round: a service done already or put off is not the one wanted now
        ("la tinta l'avevo già fatta, stavolta solo una spuntatina", ["s_taglio"]),
        ("il colore lo facciamo la prossima volta, ora taglio", ["s_taglio"]),
        ("got my hair coloured last month so only a trim", ["s_taglio"]),
        ("can we book the colour some other time, today just a cut", ["s_taglio"]),
    ],
)
def test_a_service_done_or_put_off_is_not_wanted_now(text: str, ids: list[str]) -> None:
    assert [s.id for s in match_services(text, SALONE).services] == ids


@pytest.mark.parametrize("text", ["no cut", "niente colore", "without a blow dry"])
def test_a_service_refused_alone_names_nothing_wanted(text: str) -> None:
    assert match_services(text, SALONE).services == ()


@pytest.mark.parametrize(
    ("text", "ids"),
    [
        ("did my colour in october, need it done again saturday", ["s_colore"]),
        ("il colore l'ho fatto un mese fa, va rifatto", ["s_colore"]),
    ],
)
def test_a_service_done_before_and_wanted_again_is_wanted(text: str, ids: list[str]) -> None:
    assert [s.id for s in match_services(text, SALONE).services] == ids
