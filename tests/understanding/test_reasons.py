"""What is typed where a reason for cancelling was asked: none, a take-back, or small talk."""

from __future__ import annotations

import pytest

from bot.understanding.intents import is_small_talk
from bot.understanding.reasons import declines_reason, takes_back_cancel

NO_REASON = [
    *("Salta", "no", "niente", "non serve", "no grazie", "niente di che", "nn serve grazie"),
    *("preferisco non dirlo", "skip", "no thanks", "nothing", "nah", "no reason"),
    *("prefer not to say", "nothing really, thanks"),
]
REASONS = [
    *("ho l'influenza", "no, ho la febbre", "motivi di lavoro", "l'orario non mi va più bene"),
    *("ho un impegno giovedì", "just busy", "work thing", "car broke down", "ill rebook later"),
]
TAKE_BACK = [
    *("no aspetta, non disdire", "ci ho ripensato, lo tengo", "l'ho disdetto per sbaglio"),
    *("wait don't cancel it", "no wait, keep it", "I cancelled by mistake", "changed my mind"),
]


@pytest.mark.parametrize("text", NO_REASON)
def test_no_reason(text: str) -> None:
    assert declines_reason(text)
    assert not takes_back_cancel(text)


@pytest.mark.parametrize("text", REASONS)
def test_a_reason(text: str) -> None:
    assert not declines_reason(text)
    assert not takes_back_cancel(text)
    assert not is_small_talk(text)


@pytest.mark.parametrize("text", TAKE_BACK)
def test_taking_the_cancel_back(text: str) -> None:
    assert takes_back_cancel(text)
    assert not declines_reason(text)


@pytest.mark.parametrize(
    "text", ["ciao", "grazie", "ok", "👍", "hi", "bye", "thank you", "grazie mille"]
)
def test_small_talk_alone(text: str) -> None:
    assert is_small_talk(text)


@pytest.mark.parametrize("text", ["ciao, ho l'influenza", "thanks, car broke down", "sì"])
def test_small_talk_with_something_said_is_not(text: str) -> None:
    assert not is_small_talk(text)
