"""The due-message sender on its own, with fakes: what is marked sent, retried or given up."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from telegram.error import Forbidden, NetworkError

from bot.clock import ManualClock
from bot.conversation import Reply
from bot.storage import ScheduledMessage
from bot.telegram.due import DueMessageSender
from bot.telegram.turns import ChatTurns

NOW = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)


@dataclass
class FakeStore:
    pending: list[ScheduledMessage]
    sent: list[str] = field(default_factory=list)

    async def due_messages(self, now: datetime, limit: int = 100) -> list[ScheduledMessage]:
        return [m for m in self.pending if m.due_at <= now and m.key not in self.sent][:limit]

    async def mark_sent(self, key: str) -> None:
        self.sent.append(key)


class EchoEngine:
    async def scheduled(self, message: ScheduledMessage) -> list[Reply]:
        return [Reply(message.key)]


def sender_with(
    store: FakeStore, failure: Exception | None, **options: float
) -> tuple[DueMessageSender, list[tuple[int, str]]]:
    delivered: list[tuple[int, str]] = []

    async def deliver(chat_id: int, replies: Sequence[Reply]) -> None:
        if failure is not None:
            raise failure
        delivered.extend((chat_id, reply.text) for reply in replies)

    sender = DueMessageSender(
        store=store,
        engine=EchoEngine(),
        clock=ManualClock(NOW),
        deliver=deliver,
        turns=ChatTurns(),
        interval=0.0,
        stagger=0.0,
        **options,  # type: ignore[arg-type]
    )
    return sender, delivered


async def test_only_due_messages_are_sent_and_each_is_marked_after_sending() -> None:
    store = FakeStore(
        [
            ScheduledMessage("now", 1, NOW, "reminder"),
            ScheduledMessage("later", 2, NOW.replace(hour=9), "reminder"),
        ]
    )
    sender, delivered = sender_with(store, None)
    assert await sender.send_due() == 1
    assert (delivered, store.sent) == ([(1, "now")], ["now"])
    assert await sender.send_due() == 0  # nothing sent twice


async def test_a_transient_failure_is_retried_and_then_given_up_so_it_cannot_loop() -> None:
    store = FakeStore([ScheduledMessage("r", 1, NOW, "reminder")])
    sender, _ = sender_with(store, NetworkError("down"), max_attempts=3)
    assert [await sender.send_due() for _ in range(3)] == [0, 0, 1]
    assert store.sent == ["r"]


async def test_a_customer_who_blocked_the_bot_is_not_retried() -> None:
    store = FakeStore([ScheduledMessage("r", 1, NOW, "reminder")])
    sender, _ = sender_with(store, Forbidden("bot was blocked by the user"))
    assert await sender.send_due() == 1
    assert store.sent == ["r"]
