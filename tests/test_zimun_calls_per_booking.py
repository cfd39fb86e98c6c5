"""A warm booking costs Zimun three requests (issue 11): availability, hold, confirm.

The bot as built for production (`bootstrap`, the staff gateway in front of the engine) against
the sandbox through the real client. The second customer's requests are counted: the first
booking also reads the location's opening hours, which the bot then keeps. Tapping reads
availability once: the tapped day's times come from the quick day buttons' read.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

from bot.bootstrap import bootstrap
from bot.clock import ManualClock
from bot.config import Settings
from bot.conversation import Command, Customer, Press, Reply, Text
from bot.sandbox import (
    SANDBOX_CLIENT_ID,
    SANDBOX_CLIENT_SECRET,
    SANDBOX_ORGANIZATION_ID,
    World,
    create_app,
    default_seed,
)

NOW = datetime.fromisoformat("2026-11-23T09:00:00+01:00")  # Monday
ANNA = Customer(chat_id=7, user_id=7, first_name="Anna", language_code="it")
# Books first, so Anna's booking is a warm one (the location's opening hours read, too).
LUCA = Customer(chat_id=6, user_id=6, first_name="Luca", language_code="it")


def press(replies: list[Reply], label: str) -> Press:
    for reply in reversed(replies):
        for row in reply.buttons:
            for button in row:
                if button.label == label:
                    return Press(button.action)
    labels = [b.label for r in replies for row in r.buttons for b in row]
    raise AssertionError(f"no button {label!r} in {labels}")


def first_label(replies: list[Reply], prefix: str) -> str:
    labels = [b.label for r in replies for row in r.buttons for b in row]
    return next(label for label in labels if label.startswith(prefix))


async def booking_requests(tmp_path: Path, steps: list[Any]) -> list[str]:
    clock = ManualClock(NOW)
    world = World(seed=default_seed(), clock=clock)
    sent: list[str] = []

    class Counting(httpx.AsyncBaseTransport):
        inner = httpx.ASGITransport(app=create_app(world))

        async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
            sent.append(f"{request.method} {request.url.path}")
            return await self.inner.handle_async_request(request)

    configured = Settings(
        _env_file=None,
        zimun_api_url="http://zimun.example.test",
        zimun_client_id=SANDBOX_CLIENT_ID,
        zimun_client_secret=SANDBOX_CLIENT_SECRET,
        zimun_organization_id=SANDBOX_ORGANIZATION_ID,
        database_url=f"sqlite:///{tmp_path / 'bot.sqlite3'}",
    )
    app = await bootstrap(configured, clock=clock, zimun_transport=Counting(), warm_up=None)
    async with app:
        await app.warm_up()
        for customer in (LUCA, ANNA):
            sent.clear()
            replies: list[Reply] = []
            for step in steps:
                event = step(replies) if callable(step) else step
                replies = await app.engine.handle(customer, event)
                clock.advance(timedelta(seconds=4))  # a customer reading and tapping
            assert any("Codice prenotazione" in r.text for r in replies), replies[0].text
    return sent


WARM = [
    "GET /api/v1/availability",
    "POST /api/v1/appointments/hold",
    "POST /api/v1/appointments/confirm",
]


async def test_a_tapped_booking_reads_availability_once(tmp_path: Path) -> None:
    sent = await booking_requests(
        tmp_path,
        [
            Command("book"),
            lambda r: press(r, first_label(r, "Taglio")),
            lambda r: press(r, first_label(r, "Mar ")),  # a quick day button: Tuesday
            lambda r: press(r, first_label(r, "1")),  # its first time, 10:00 or later
            Text("Anna Rossi"),
            Text("anna@example.com"),
            lambda r: press(r, "Conferma"),
        ],
    )
    assert sent == WARM


async def test_a_typed_booking_costs_the_same_three(tmp_path: Path) -> None:
    sent = await booking_requests(
        tmp_path,
        [
            Text("vorrei prenotare un taglio martedì alle 15"),
            Text("Anna Rossi"),
            Text("anna@example.com"),
            Text("sì"),
        ],
    )
    assert sent == WARM
