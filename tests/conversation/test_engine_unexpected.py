"""A bug of ours is still answered: a friendly sentence, the menu, nothing saved is lost."""

from __future__ import annotations

from typing import Any

import pytest
from engine_chat import Chat, Harness


class _BrokenAvailability:
    """The real client, except that availability fails the way a bug would (not a Zimun error)."""

    def __init__(self, real: Any) -> None:
        self._real = real

    def __getattr__(self, name: str) -> Any:
        return getattr(self._real, name)

    async def get_availability(self, *args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("a bug, not Zimun")


async def test_an_unexpected_error_gets_a_sentence_and_the_menu(
    harness: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    chat = harness.chat(engine=harness.engine(zimun=_BrokenAvailability(harness.zimun)))
    replies = await chat.say("vorrei un taglio domani alle 11")
    assert "qualcosa è andato storto" in chat.text
    assert "Traceback" not in chat.text
    assert "Prenota" in chat.labels()  # a way on
    assert replies[-1].buttons
    assert any("unexpected error in chat 1001" in r.getMessage() for r in caplog.records)


async def test_after_an_unexpected_error_the_chat_goes_on(harness: Harness) -> None:
    broken = harness.chat(engine=harness.engine(zimun=_BrokenAvailability(harness.zimun)))
    await broken.say("vorrei un taglio domani alle 11")
    chat: Chat = harness.chat()  # same chat id, a healthy engine (e.g. after a fix and restart)
    await chat.say("vorrei un taglio domani alle 11")
    assert "martedì 24 novembre alle 11:00" in chat.text
