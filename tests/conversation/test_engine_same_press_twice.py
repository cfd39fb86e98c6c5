"""The same button pressed twice in two events (a double tap that reached the engine twice, a
press repeated after a restart) acts once (issue 10, item 2): the engine's button generations
answer the second press, and Zimun sees one write. Writes are counted at the sandbox's door."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from engine_chat import Chat, Harness, _no_sleep

from bot.conversation import Customer, Reply
from bot.sandbox import (
    SANDBOX_CLIENT_ID,
    SANDBOX_CLIENT_SECRET,
    SANDBOX_ORGANIZATION_ID,
    create_app,
)
from bot.zimun import RetryPolicy, ZimunClient


class CountingDoor(httpx.AsyncBaseTransport):
    def __init__(self, harness: Harness) -> None:
        self._inner = httpx.ASGITransport(app=create_app(harness.world))
        self.writes: list[str] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.method != "GET" and "/appointments" in request.url.path:
            self.writes.append(f"{request.method} {request.url.path.rsplit('/', 1)[-1]}")
        return await self._inner.handle_async_request(request)


@pytest.fixture
async def counted(harness: Harness) -> AsyncIterator[tuple[Chat, CountingDoor]]:
    door = CountingDoor(harness)
    client = ZimunClient(
        base_url="http://sandbox",
        client_id=SANDBOX_CLIENT_ID,
        client_secret=SANDBOX_CLIENT_SECRET,
        organization_id=SANDBOX_ORGANIZATION_ID,
        transport=door,
        clock=harness.clock,
        retry=RetryPolicy(max_attempts=1),
        sleep=_no_sleep,
    )
    customer = Customer(2001, 2001, "Mario", "Rossi", "it")
    chat = Chat(harness.engine(zimun=client), harness.store, harness.world, harness.clock, customer)
    try:
        yield chat, door
    finally:
        await client.aclose()


async def twice(chat: Chat, label: str) -> tuple[list[Reply], str]:
    """Press `label`, then the very same action again; returns both answers (the second as
    text), and leaves the first as the one whose buttons `chat` presses next."""
    action = chat.action(label)
    first = await chat.press_action(action)
    await chat.press_action(action)
    second = chat.text
    chat.last = first
    return first, second


async def book(chat: Chat) -> None:
    await chat.say("un taglio domani alle 11")
    await chat.press("Mario Rossi")
    await chat.say("mario@example.com")


async def test_confirm_pressed_twice_books_once(counted: tuple[Chat, CountingDoor]) -> None:
    chat, door = counted
    await book(chat)
    _, second = await twice(chat, "Conferma")
    assert "già confermata" in second
    assert door.writes.count("POST confirm") == 1
    assert len(chat.world.appointments) == 1


async def test_move_confirmed_twice_moves_once(counted: tuple[Chat, CountingDoor]) -> None:
    chat, door = counted
    await book(chat)
    await chat.press("Conferma")
    await chat.say("sposta il mio appuntamento a giovedì alle 15")
    _, second = await twice(chat, "Sì, spostalo")
    assert "non è più attivo" in second
    assert len([w for w in door.writes if w.startswith("PATCH")]) == 1


async def test_cancel_confirmed_and_skipped_twice_cancels_once(
    counted: tuple[Chat, CountingDoor],
) -> None:
    chat, door = counted
    await book(chat)
    await chat.press("Conferma")
    await chat.say("vorrei disdire il mio appuntamento")
    _, second = await twice(chat, "Sì, disdici")
    assert "non è più attivo" in second
    # The first press cancelled: one PATCH, and the cancel is done before any reason.
    assert len([w for w in door.writes if w.startswith("PATCH")]) == 1
    assert [a.status for a in chat.world.appointments.values()] == ["cancelled"]
    # The reason question of the first press is still on screen; its Skip is pressed twice.
    _, second = await twice(chat, "Salta")
    assert "non è più attivo" in second
    assert len([w for w in door.writes if w.startswith("PATCH")]) == 1
    assert [a.status for a in chat.world.appointments.values()] == ["cancelled"]
