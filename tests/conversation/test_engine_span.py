"""The asked part of the day is said back in full, open ranges included."""

from __future__ import annotations

import pytest
from engine_chat import Chat


@pytest.mark.parametrize(
    ("typed", "said"),
    [
        ("un taglio martedì pomeriggio", "martedì 24 novembre tra le 12:00 e le 18:00"),
        ("un taglio venerdì dopo le 17", "venerdì 27 novembre tra le 17:00 e le 19:00"),
        ("un taglio giovedì prima delle 10", "giovedì 26 novembre tra le 9:00 e le 10:00"),
    ],
)
async def test_the_window_is_said_back(chat: Chat, typed: str, said: str) -> None:
    await chat.say(typed)
    assert f"Ecco gli orari liberi per {said}:" in chat.text
