"""The intent reader against the labelled corpus and the examples the issue insists on."""

from __future__ import annotations

import datetime
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.understanding import Intent, IntentKind, parse_intent

CORPUS = Path(__file__).with_name("intents.yaml")
RULES = {
    "book", "move", "cancel", "list", "help", "stop", "language", "yes", "no", "greeting",
    "thanks", "ordinal", "time_choice", "earlier", "later", "other_day", "asap", "more", "none",
    "typo", "polite", "mixed",
}  # fmt: skip


def _load() -> list[dict[str, Any]]:
    items = yaml.safe_load(CORPUS.read_text(encoding="utf-8"))
    assert isinstance(items, list)
    return items


def _as_expect(intent: Intent | None, expect: dict[str, Any] | None) -> dict[str, Any] | None:
    """The parser's answer in the corpus's shape: the kind plus the keys the item names."""
    if intent is None:
        return None
    found: dict[str, Any] = {"kind": str(intent.kind)}
    keys = set(expect or {})
    if intent.ordinal is not None or "ordinal" in keys:
        found["ordinal"] = intent.ordinal
    if intent.time is not None or "time" in keys:
        found["time"] = intent.time.strftime("%H:%M") if intent.time else None
    if intent.language is not None or "language" in keys:
        found["language"] = intent.language
    return found


def test_corpus_is_well_formed_and_balanced() -> None:
    items = _load()
    assert len(items) >= 200
    languages = Counter(item["language"] for item in items)
    assert set(languages) == {"it", "en"}
    assert abs(languages["it"] - languages["en"]) <= len(items) * 0.1
    kinds = {str(kind) for kind in IntentKind}
    for item in items:
        assert set(item) == {"text", "language", "rule", "expect"}, item
        assert item["rule"] in RULES, item
        if item["expect"] is not None:
            assert item["expect"]["kind"] in kinds, item
    texts = [item["text"] for item in items]
    assert len(texts) == len(set(texts)) or len(texts) - len(set(texts)) < 10


@pytest.mark.parametrize("language", ["it", "en"])
def test_corpus_accuracy_per_language_is_at_least_97_percent(language: str) -> None:
    items = [item for item in _load() if item["language"] == language]
    wrong = []
    for item in items:
        found = _as_expect(parse_intent(item["text"], language=language), item["expect"])
        if found != item["expect"]:
            wrong.append(f"{item['text']!r}: expected {item['expect']}, got {found}")
    accuracy = 1 - len(wrong) / len(items)
    assert accuracy >= 0.97, "\n".join(wrong)


MUST_PASS: list[tuple[str, str, Intent | None]] = [
    ("vorrei spostare il mio appuntamento a giovedì, grazie", "it", Intent(IntentKind.MOVE)),
    ("ciao, posso prenotare un taglio per domani?", "it", Intent(IntentKind.BOOK)),
    ("cancel my booking please", "en", Intent(IntentKind.CANCEL)),
    ("disdici", "it", Intent(IntentKind.CANCEL)),
    ("annulla l'appuntamento", "it", Intent(IntentKind.CANCEL)),
    ("I can't make it on Thursday", "en", Intent(IntentKind.CANCEL)),
    ("che appuntamenti ho?", "it", Intent(IntentKind.LIST)),
    ("my bookings", "en", Intent(IntentKind.LIST)),
    ("aiuto", "it", Intent(IntentKind.HELP)),
    ("help", "en", Intent(IntentKind.HELP)),
    ("?", "it", Intent(IntentKind.HELP)),
    ("lascia perdere", "it", Intent(IntentKind.STOP)),
    ("niente", "it", Intent(IntentKind.STOP)),
    ("basta", "it", Intent(IntentKind.STOP)),
    ("stop", "en", Intent(IntentKind.STOP)),
    ("never mind", "en", Intent(IntentKind.STOP)),
    ("forget it", "en", Intent(IntentKind.STOP)),
    ("in inglese please", "it", Intent(IntentKind.LANGUAGE, language="en")),
    ("parla italiano", "en", Intent(IntentKind.LANGUAGE, language="it")),
    ("english", "it", Intent(IntentKind.LANGUAGE, language="en")),
    ("sì", "it", Intent(IntentKind.YES)),
    ("si", "it", Intent(IntentKind.YES)),
    ("certo", "it", Intent(IntentKind.YES)),
    ("va bene", "it", Intent(IntentKind.YES)),
    ("ok", "it", Intent(IntentKind.YES)),
    ("perfetto", "it", Intent(IntentKind.YES)),
    ("yes", "en", Intent(IntentKind.YES)),
    ("yep", "en", Intent(IntentKind.YES)),
    ("sure", "en", Intent(IntentKind.YES)),
    ("👍", "en", Intent(IntentKind.YES)),
    ("no", "it", Intent(IntentKind.NO)),
    ("nope", "en", Intent(IntentKind.NO)),
    ("no grazie", "it", Intent(IntentKind.NO)),
    ("il secondo", "it", Intent(IntentKind.CHOOSE_ORDINAL, ordinal=2)),
    ("la seconda", "it", Intent(IntentKind.CHOOSE_ORDINAL, ordinal=2)),
    ("the 2nd", "en", Intent(IntentKind.CHOOSE_ORDINAL, ordinal=2)),
    ("second one", "en", Intent(IntentKind.CHOOSE_ORDINAL, ordinal=2)),
    ("2", "it", Intent(IntentKind.CHOOSE_ORDINAL, ordinal=2)),
    ("numero 3", "it", Intent(IntentKind.CHOOSE_ORDINAL, ordinal=3)),
    ("l'ultimo", "it", Intent(IntentKind.CHOOSE_ORDINAL, ordinal=-1)),
    ("the last one", "en", Intent(IntentKind.CHOOSE_ORDINAL, ordinal=-1)),
    ("quello delle 10", "it", Intent(IntentKind.CHOOSE_TIME, time=datetime.time(10, 0))),
    ("alle 10:30 va bene", "it", Intent(IntentKind.CHOOSE_TIME, time=datetime.time(10, 30))),
    ("the 10:30 one", "en", Intent(IntentKind.CHOOSE_TIME, time=datetime.time(10, 30))),
    ("10.30", "it", Intent(IntentKind.CHOOSE_TIME, time=datetime.time(10, 30))),
    ("10:30", "en", Intent(IntentKind.CHOOSE_TIME, time=datetime.time(10, 30))),
    ("prima", "it", Intent(IntentKind.EARLIER)),
    ("più presto", "it", Intent(IntentKind.EARLIER)),
    ("earlier", "en", Intent(IntentKind.EARLIER)),
    ("something earlier", "en", Intent(IntentKind.EARLIER)),
    ("più tardi", "it", Intent(IntentKind.LATER)),
    ("dopo", "it", Intent(IntentKind.LATER)),
    ("later", "en", Intent(IntentKind.LATER)),
    ("un altro giorno", "it", Intent(IntentKind.OTHER_DAY)),
    ("altro giorno", "it", Intent(IntentKind.OTHER_DAY)),
    ("different day", "en", Intent(IntentKind.OTHER_DAY)),
    ("another day", "en", Intent(IntentKind.OTHER_DAY)),
    ("il prima possibile", "it", Intent(IntentKind.ASAP)),
    ("appena possibile", "it", Intent(IntentKind.ASAP)),
    ("asap", "en", Intent(IntentKind.ASAP)),
    ("as soon as possible", "en", Intent(IntentKind.ASAP)),
    ("the earliest you have", "en", Intent(IntentKind.ASAP)),
    # Precedence: the more specific reply wins over a plain yes or no.
    ("no, un altro giorno", "it", Intent(IntentKind.OTHER_DAY)),
    ("sì ma più tardi", "it", Intent(IntentKind.LATER)),
    ("no, lascia perdere", "it", Intent(IntentKind.STOP)),
    # An open range is a window for parse_when, not "earlier"/"later".
    ("prima delle 10", "it", None),
    ("dopo le 15", "it", None),
    # The date part is ignored when an action is named; a named day with a time is a date request.
    ("sposta a giovedì alle 15", "it", Intent(IntentKind.MOVE)),
    ("domani alle 11", "it", None),
    # Case, accents, typos, emoji, mixed languages.
    ("ANNULLA APPUNTAMENTO", "it", Intent(IntentKind.CANCEL)),
    ("spsotare appuntamento 🙏", "it", Intent(IntentKind.MOVE)),
    ("cancle my booking", "en", Intent(IntentKind.CANCEL)),
    ("ok grazie", "en", Intent(IntentKind.YES)),
    ("", "it", None),
]


@pytest.mark.parametrize(("text", "language", "expected"), MUST_PASS)
def test_must_pass_examples(text: str, language: str, expected: Intent | None) -> None:
    assert parse_intent(text, language=language) == expected


def test_language_is_only_a_hint() -> None:
    assert parse_intent("cancel", language="it") == Intent(IntentKind.CANCEL)
    assert parse_intent("annulla", language="en") == Intent(IntentKind.CANCEL)


def test_bare_hours_follow_the_afternoon_rule() -> None:
    assert parse_intent("quello delle 3", language="it") == Intent(
        IntentKind.CHOOSE_TIME, time=datetime.time(15, 0)
    )
    assert parse_intent("the 9am one", language="en") == Intent(
        IntentKind.CHOOSE_TIME, time=datetime.time(9, 0)
    )
