"""Duplicate deliveries (issue 10, items 2 and 8): the same Telegram update delivered twice, by
long polling (the stub returns it again) or to the webhook (the same JSON POSTed twice), is
answered once and reaches Zimun once; the same button pressed again in a later update acts once.

The real `Application`, engine and store built by `bot.bootstrap`, the loopback Bot API stub, and
the Zimun sandbox behind a transport that counts every write it receives.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import sqlite3
from collections.abc import AsyncIterator
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from botapi_stub import TOKEN, BotApiStub, ChatMessage, running, says, without_price

from bot.bootstrap import SANDBOX_BASE_URL, App, bootstrap
from bot.clock import ManualClock
from bot.config import Settings
from bot.i18n import translator_for
from bot.sandbox import (
    SANDBOX_CLIENT_ID,
    SANDBOX_CLIENT_SECRET,
    SANDBOX_ORGANIZATION_ID,
    World,
    create_app,
    default_seed,
)
from bot.telegram.runner import Tuning, serve
from bot.telegram.webhook import SECRET_HEADER

NOW = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)  # Monday 09:00 in Rome
TOMORROW_11 = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)
IT = translator_for("it")
FAST = Tuning(due_interval=0.05, due_stagger=0, typing_after=60, polling_timeout=1)


class CountingTransport(httpx.AsyncBaseTransport):
    """The sandbox's door: every write (hold, release, confirm, move, cancel) is counted."""

    def __init__(self, world: World) -> None:
        self._inner = httpx.ASGITransport(app=create_app(world))
        self.writes: list[str] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.method != "GET" and request.url.path.startswith("/api/v1/appointments"):
            self.writes.append(f"{request.method} {request.url.path}")
        return await self._inner.handle_async_request(request)

    def count(self, what: str) -> int:
        return sum(1 for write in self.writes if what in write)


class Harness:
    """One business whose database and Zimun outlive bot restarts."""

    def __init__(self, stub: BotApiStub, tmp_path: Path, **settings: Any) -> None:
        self.stub = stub
        self.clock = ManualClock(NOW)
        self.world = World(seed=default_seed(), clock=self.clock)
        self.zimun = CountingTransport(self.world)
        self.settings = Settings(
            _env_file=None,
            telegram_bot_token=TOKEN,
            telegram_api_base_url=stub.base_url,
            telegram_api_base_file_url=stub.base_file_url,
            database_url=f"sqlite:///{tmp_path / 'bot.sqlite3'}",
            zimun_api_url=SANDBOX_BASE_URL,
            zimun_client_id=SANDBOX_CLIENT_ID,
            zimun_client_secret=SANDBOX_CLIENT_SECRET,
            zimun_organization_id=SANDBOX_ORGANIZATION_ID,
            **settings,
        )

    async def build(self, settings: Settings) -> App:
        return await bootstrap(settings, clock=self.clock, zimun_transport=self.zimun, warm_up=None)

    def up(self, *, tuning: Tuning = FAST) -> Any:
        return running(
            self.stub,
            lambda stop: serve(self.settings, build=self.build, stop=stop, tuning=tuning),
        )

    def confirmed(self) -> list[Any]:
        return [a for a in self.world.appointments.values() if a.status == "confirmed"]


@pytest.fixture
async def stub() -> AsyncIterator[BotApiStub]:
    async with BotApiStub().serving() as stub:
        yield stub


@pytest.fixture
def harness(stub: BotApiStub, tmp_path: Path) -> Harness:
    return Harness(stub, tmp_path)


async def say(stub: BotApiStub, chat_id: int, text: str) -> list[ChatMessage]:
    seen = len(stub.shown_in(chat_id))
    stub.text(chat_id, text)
    return await answer(stub, chat_id, seen)


async def tap(stub: BotApiStub, chat_id: int, label: str) -> list[ChatMessage]:
    seen = len(stub.shown_in(chat_id))
    stub.tap(chat_id, label)
    return await answer(stub, chat_id, seen)


async def answer(stub: BotApiStub, chat_id: int, seen: int) -> list[ChatMessage]:
    await stub.wait_shown(chat_id, seen + 1)
    await stub.settled(quiet=0.15)
    return stub.shown_in(chat_id)[seen:]


async def again(stub: BotApiStub, chat_id: int, update_id: int) -> list[ChatMessage]:
    """Deliver `update_id` again, then a /help as a marker: the chat's updates run in order, so
    once /help is answered the duplicate has been through the bot. Returns what the duplicate
    alone made appear (it should be nothing)."""
    seen = len(stub.shown_in(chat_id))
    stub.redeliver(update_id)
    await stub.settled(quiet=0.15)
    stub.text(chat_id, "/help")
    shown = await answer(stub, chat_id, seen)
    assert says(shown[-1].text, "it", "help.text"), shown[-1].text
    return shown[:-1]


async def to_summary(stub: BotApiStub, chat_id: int) -> None:
    await say(stub, chat_id, "vorrei un taglio domani alle 11")
    await say(stub, chat_id, "Mario Rossi")
    [summary] = await say(stub, chat_id, "mario@example.com")
    assert says(without_price(summary.text), "it", "summary.text")


async def test_a_typed_step_delivered_twice_is_answered_once_and_holds_once(
    harness: Harness, stub: BotApiStub
) -> None:
    async with harness.up():
        [held] = await say(stub, 10, "vorrei un taglio domani alle 11")
        assert says(held.text, "it", "hold.placed")
        typed = stub.last_update_id
        assert harness.zimun.count("POST /api/v1/appointments/hold") == 1
        assert await again(stub, 10, typed) == []
    assert harness.zimun.count("POST /api/v1/appointments/hold") == 1
    assert len(harness.world.holds) == 1


async def test_a_confirm_press_delivered_twice_books_once_even_across_a_restart(
    harness: Harness, stub: BotApiStub
) -> None:
    async with harness.up():
        await to_summary(stub, 11)
        [done] = await tap(stub, 11, IT("button.confirm"))
        pressed = stub.last_update_id
        assert says(done.text, "it", "booked.text") and done.document is not None
        assert await again(stub, 11, pressed) == []
    # A deploy: the new instance gets the same update again; the database remembers it.
    async with harness.up():
        assert await again(stub, 11, pressed) == []
    assert harness.zimun.count("POST /api/v1/appointments/confirm") == 1
    assert len(harness.confirmed()) == 1
    assert [m.document is not None for m in stub.bot_messages(11)].count(True) == 1


async def test_a_cancel_confirmed_twice_is_asked_and_cancelled_once(
    harness: Harness, stub: BotApiStub
) -> None:
    async with harness.up():
        await to_summary(stub, 12)
        await tap(stub, 12, IT("button.confirm"))
        await say(stub, 12, "/cancel")
        [cancelled] = await tap(stub, 12, IT("button.cancel_yes"))
        # The yes cancels at once, and the same message asks the optional reason.
        assert says(cancelled.text, "it", "cancelled.text")
        assert says(cancelled.text, "it", "cancel.reason")
        assert [a.status for a in harness.world.appointments.values()] == ["cancelled"]
        stub.redeliver(stub.last_update_id)
        # Had the duplicate acted, it would be answered ("expired") before the Skip's answer.
        [skipped_reply] = await tap(stub, 12, IT("button.skip"))
        skipped = stub.last_update_id
        assert says(skipped_reply.text, "it", "cancel.reason_skipped")
        assert await again(stub, 12, skipped) == []
    async with harness.up():
        assert await again(stub, 12, skipped) == []
    patches = [w for w in harness.zimun.writes if w.startswith("PATCH")]
    assert len(patches) == 1
    assert [a.status for a in harness.world.appointments.values()] == ["cancelled"]


async def test_the_same_button_pressed_again_in_a_new_update_acts_once(
    harness: Harness, stub: BotApiStub
) -> None:
    """Not a redelivery but a second press (a new update id) of the same callback data, after a
    restart, so the adapter's memory of double taps is empty: the engine's generations answer."""
    async with harness.up():
        await to_summary(stub, 13)
        summary = stub.keyboards(13)[-1]
        [confirm] = [data for label, data in summary.keyboard[0] if label == IT("button.confirm")]
        await tap(stub, 13, IT("button.confirm"))
    async with harness.up():
        seen = len(stub.shown_in(13))
        stub.press(13, summary.message_id, confirm)
        [repeat] = await answer(stub, 13, seen)
    assert says(repeat.text, "it", "booked.already")
    assert harness.zimun.count("POST /api/v1/appointments/confirm") == 1
    assert len(harness.confirmed()) == 1


def free_port() -> int:
    with contextlib.closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


async def test_the_same_update_posted_twice_to_the_webhook_is_handled_once(
    stub: BotApiStub, tmp_path: Path
) -> None:
    port = free_port()
    harness = Harness(
        stub,
        tmp_path,
        telegram_webhook_url=f"http://127.0.0.1:{port}/telegram",
        telegram_webhook_secret="s3cret",
        port=port,
    )
    stop = asyncio.Event()
    tuning = Tuning(due_interval=0.05, typing_after=60, listen_host="127.0.0.1")
    bot = asyncio.create_task(
        serve(harness.settings, build=harness.build, stop=stop, tuning=tuning)
    )
    headers = {SECRET_HEADER: "s3cret"}
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as client:

            async def post(update: dict[str, Any]) -> None:
                response = await client.post("/telegram", json=update, headers=headers)
                assert response.status_code == 200

            async def ready() -> bool:
                with contextlib.suppress(httpx.TransportError):
                    return (await client.get("/healthz")).status_code == 200
                return False

            for _ in range(400):
                assert not bot.done(), bot
                if await ready():
                    break
                await asyncio.sleep(0.025)
            stub.text(14, "vorrei un taglio domani alle 11")
            [typed] = stub.take_updates()
            await post(typed)
            await post(typed)  # Telegram retries: it did not see our 200
            await stub.wait_shown(14, 1)
            await stub.settled(quiet=0.2)
            stub.text(14, "/help")
            [marker] = stub.take_updates()
            await post(marker)
            await stub.wait_shown(14, 2)
            await stub.settled(quiet=0.2)
    finally:
        stop.set()
        await asyncio.wait_for(bot, 20)
    held, helped = stub.shown_in(14)
    assert says(held.text, "it", "hold.placed") and says(helped.text, "it", "help.text")
    assert harness.zimun.count("POST /api/v1/appointments/hold") == 1
    assert harness.world.appointments == {} and len(harness.world.holds) == 1


def left_unanswered(harness: Harness, update_id: int) -> None:
    """What a crash between the engine's commit and the answer leaves in the update ledger: the
    update claimed, never settled (its effects saved, its answer never sent)."""
    database = str(harness.settings.database_url).removeprefix("sqlite:///")
    with closing(sqlite3.connect(database)) as db, db:
        db.execute(
            "UPDATE processed_updates SET outcome = 'claimed' WHERE update_id = ?", (update_id,)
        )


async def test_an_update_a_crash_left_unanswered_is_answered_with_the_truth_once(
    harness: Harness, stub: BotApiStub
) -> None:
    async with harness.up():
        await to_summary(stub, 12)
        await tap(stub, 12, IT("button.confirm"))
        pressed = stub.last_update_id
    # The bot died after saving the booking but before its answer reached Telegram, which then
    # delivers the press again: the customer hears that the booking went through, and no more.
    left_unanswered(harness, pressed)
    async with harness.up():
        [told] = await again(stub, 12, pressed)
        assert says(told.text, "it", "booked.already")
        assert await again(stub, 12, pressed) == []  # answered once: now it is settled
    assert harness.zimun.count("POST /api/v1/appointments/confirm") == 1
    assert len(harness.confirmed()) == 1


async def test_a_typed_step_a_crash_left_unanswered_gets_the_next_question(
    harness: Harness, stub: BotApiStub
) -> None:
    async with harness.up():
        await say(stub, 13, "vorrei un taglio domani alle 11")
        await say(stub, 13, "Mario Rossi")
        typed = stub.last_update_id
    left_unanswered(harness, typed)
    async with harness.up():
        [told] = await again(stub, 13, typed)
        assert says(told.text, "it", "email.ask")  # where the chat stands: the e-mail is next
    assert harness.zimun.count("POST /api/v1/appointments/hold") == 1
