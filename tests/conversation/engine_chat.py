"""The chat harness for engine tests: the real engine, the real ZimunClient over ASGITransport
to the sandbox World, a real in-memory SQLite store, and one ManualClock for all of them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import httpx

from bot.clock import ManualClock
from bot.conversation import Command, Customer, Engine, Press, Reply, Text
from bot.sandbox import (
    SANDBOX_CLIENT_ID,
    SANDBOX_CLIENT_SECRET,
    SANDBOX_ORGANIZATION_ID,
    World,
    create_app,
)
from bot.storage import Store
from bot.zimun import RetryPolicy, ZimunClient

ROME = ZoneInfo("Europe/Rome")
MONDAY_0915 = datetime(2026, 11, 23, 9, 15, tzinfo=ROME)


async def _no_sleep(_: float) -> None:
    return None


@dataclass
class Chat:
    """One customer talking to the engine; remembers the last replies to press their buttons."""

    engine: Engine
    store: Store
    world: World
    clock: ManualClock
    customer: Customer
    last: list[Reply] = field(default_factory=list)

    async def say(self, text: str) -> list[Reply]:
        return await self._send(Text(text))

    async def command(self, name: str, args: str = "") -> list[Reply]:
        return await self._send(Command(name, args))

    async def press(self, label: str) -> list[Reply]:
        return await self._send(Press(self.action(label)))

    async def press_action(self, action: str) -> list[Reply]:
        return await self._send(Press(action))

    async def _send(self, event: Text | Press | Command) -> list[Reply]:
        self.last = await self.engine.handle(self.customer, event)
        assert self.last, "the engine must always answer"
        # Never a dead end: every answer offers a way on.
        assert self.last[-1].buttons, f"no buttons after {event!r}: {self.text!r}"
        return self.last

    def action(self, label: str) -> str:
        for reply in reversed(self.last):
            for row in reply.buttons:
                for button in row:
                    if button.label == label:
                        return button.action
        raise AssertionError(f"no button {label!r} in {self.labels()}")

    def labels(self) -> list[str]:
        return [b.label for r in self.last for row in r.buttons for b in row]

    @property
    def text(self) -> str:
        return "\n".join(r.text for r in self.last)

    async def due(self) -> list[Reply]:
        """Run the time-based messages that are due, as a transport's runner would."""
        replies: list[Reply] = []
        for message in await self.store.due_messages(self.clock.now()):
            got = await self.engine.scheduled(message)
            await self.store.mark_sent(message.key)
            replies += got
        if replies:
            self.last = replies
        return replies

    def advance(self, **delta: float) -> None:
        self.clock.advance(timedelta(**delta))


@dataclass
class Harness:
    clock: ManualClock
    world: World
    store: Store
    zimun: ZimunClient

    def engine(self, **overrides: object) -> Engine:
        options: dict[str, object] = {
            "zimun": self.zimun,
            "store": self.store,
            "clock": self.clock,
            "timezone": ROME,
            "default_language": "it",
            "organization_id": SANDBOX_ORGANIZATION_ID,
        }
        options.update(overrides)
        return Engine(**options)  # type: ignore[arg-type]

    def chat(
        self,
        *,
        chat_id: int = 1001,
        language: str | None = "it",
        first_name: str | None = "Mario",
        last_name: str | None = "Rossi",
        engine: Engine | None = None,
    ) -> Chat:
        customer = Customer(chat_id, chat_id, first_name, last_name, language)
        return Chat(engine or self.engine(), self.store, self.world, self.clock, customer)

    def client(self) -> ZimunClient:
        return ZimunClient(
            base_url="http://sandbox",
            client_id=SANDBOX_CLIENT_ID,
            client_secret=SANDBOX_CLIENT_SECRET,
            organization_id=SANDBOX_ORGANIZATION_ID,
            transport=httpx.ASGITransport(app=create_app(self.world)),
            clock=self.clock,
            retry=RetryPolicy(max_attempts=1),
            sleep=_no_sleep,
        )
