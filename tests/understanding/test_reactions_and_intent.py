"""Small talk that is a reaction, and questions about one's own booking (issue 9 items 10-11),
dev10 round: in other wordings than tests/corpus/dev10.yaml."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from bot.conversation.booking import another_one
from bot.understanding import IntentKind, parse_intent
from bot.understanding.intents import is_nod
from bot.understanding.services import match_services


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("is my slot still on for thursday", "en"),
        ("are we still on for friday?", "en"),
        ("whats the time of my appointment", "en"),
        ("ho niente in agenda da voi?", "it"),
        ("sono già segnata?", "it"),
        ("venerdì resta confermato?", "it"),
        ("mi dici l'orario della prenotazione?", "it"),
        ("mi risulta qualche prenotazione?", "it"),
        ("vorrei una conferma della prenotazione", "it"),
        ("a che ora ero giovedì?", "it"),
    ],
)
def test_asking_about_ones_own_booking_lists_it(text: str, language: str) -> None:
    found = parse_intent(text, language=language)
    assert found is not None and found.kind is IntentKind.LIST


@pytest.mark.parametrize(
    "text",
    ["really appreciate it", "much obliged!", "appreciated, bye", "you're a star", "sei un tesoro"],
)
def test_appreciation_and_compliments_are_thanks(text: str) -> None:
    found = parse_intent(text, language="en")
    assert found is not None and found.kind in (IntentKind.THANKS, IntentKind.GOODBYE)


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("can I make a new booking", IntentKind.BOOK),
        ("i could no longer come on friday", IntentKind.CANCEL),
    ],
)
def test_booking_again_and_no_longer_coming(text: str, kind: IntentKind) -> None:
    found = parse_intent(text, language="en")
    assert found is not None and found.kind is kind


@pytest.mark.parametrize(
    ("text", "nod"),
    [
        ("perfetto 😊", True),
        ("ok 🙂", True),
        ("great 👌", True),
        ("fab, thanks", True),
        ("yes 😊", False),  # an explicit yes with a smile is still a yes
        ("sì grazie", False),
        ("ok", False),  # a bare "ok" answers a question that was asked
    ],
)
def test_an_acknowledgement_with_thanks_or_a_smile_is_a_reaction(text: str, nod: bool) -> None:
    assert is_nod(text) is nod


@pytest.mark.parametrize(
    ("text", "meant"),
    [
        ("book me another one", True),
        ("ne voglio prenotare un'altra", True),
        ("one more for saturday please", True),
        ("un altro giorno", False),
        ("another day please", False),
        ("un'altra cosa: quanto costa?", False),
        # dev13 round
        ("ce ne prenoti una anche sabato?", True),
        ("could I get a second appointment next week", True),
        ("a second question", False),
    ],
)
def test_another_one(text: str, meant: bool) -> None:
    assert another_one(text) is meant


@dataclass(frozen=True)
class Svc:
    id: str
    name: str


SALONE = (Svc("s_taglio", "Taglio"), Svc("s_piega", "Taglio e piega"), Svc("s_colore", "Colore"))


@pytest.mark.parametrize(
    "text",
    [
        "had a cut here last month, could i get highlights saturday",
        "ho fatto il taglio da voi, voglio fare il colore",
    ],
)
def test_the_service_asked_for_wins_over_one_mentioned_before(text: str) -> None:
    assert [s.id for s in match_services(text, SALONE).services] == ["s_colore"]


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("speak to you soon!", IntentKind.GOODBYE),
        ("catch you later", IntentKind.GOODBYE),
        ("come stai?", IntentKind.GREETING),
        ("how r u", IntentKind.GREETING),
    ],
)
def test_small_talk_without_a_greeting_word(text: str, kind: IntentKind) -> None:
    found = parse_intent(text, language="it")
    assert found is not None and found.kind is kind
