"""Sends the time-based messages the engine schedules in the store (hold warnings, reminders).

Delivery is at-least-once: a message is marked sent only after Telegram accepted it, so a crash
between the two resends it once after a restart rather than losing it. The window is one request
long, and a duplicate reminder is far cheaper than a missed one. A message that fails is retried
with a capped exponential back-off (an outage of minutes delays it, not loses it) and given up
after `max_attempts`, so a poisoned one cannot retry forever.

With a store that claims (`claim_due`, issue 12) each pass claims a small batch under a lease
instead of reading what is due, so of several instances exactly one sends each message; a failed
send releases its claim at once, and the claims of an instance that died run out with the lease and
are taken over by another.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime, timedelta
from typing import Protocol, runtime_checkable

from telegram.error import BadRequest, Forbidden

from bot.clock import Clock
from bot.conversation import Reply
from bot.storage import ScheduledMessage
from bot.telegram.turns import ChatTurns

logger = logging.getLogger(__name__)

MAX_BACKOFF_SECONDS = 600.0
# A claimed batch must be sent well within its lease, or a second instance would take it over and
# send it again: ten messages take seconds, the lease is a minute. An instance that dies delays its
# batch by at most the lease (a hold warning is due minutes before the hold runs out).
CLAIM_LEASE = timedelta(seconds=60)
CLAIM_BATCH = 10


class DueMessageStore(Protocol):
    """The part of `bot.storage.Store` that holds time-based messages."""

    async def due_messages(self, now: datetime, limit: int = 100) -> list[ScheduledMessage]: ...

    async def mark_sent(self, key: str) -> None: ...


@runtime_checkable
class ClaimingStore(Protocol):
    """A store that hands each due message to one of several instances (`Coordination`)."""

    async def claim_due(
        self, now: datetime, lease: timedelta, limit: int = 100
    ) -> list[ScheduledMessage]: ...

    async def release_claim(self, key: str) -> None: ...


class ScheduledEngine(Protocol):
    async def scheduled(self, message: ScheduledMessage) -> list[Reply]: ...


Deliver = Callable[[int, Sequence[Reply]], Awaitable[None]]


class DueMessageSender:
    """Polls the store for due messages, asks the engine what to say, sends it, marks it sent."""

    def __init__(
        self,
        *,
        store: DueMessageStore,
        engine: ScheduledEngine,
        clock: Clock,
        deliver: Deliver,
        turns: ChatTurns,
        interval: float = 5.0,
        stagger: float = 0.05,
        max_attempts: int = 8,
        claims: ClaimingStore | None = None,
    ) -> None:
        self._store = store
        self._claims = claims if claims is not None else _claiming(store)
        self._engine = engine
        self._clock = clock
        self._deliver = deliver
        self._turns = turns
        self._interval = interval
        self._stagger = stagger
        self._max_attempts = max_attempts
        self._failures: dict[str, int] = {}
        self._retry_at: dict[str, float] = {}
        self._task: asyncio.Task[None] | None = None
        self._stopping = asyncio.Event()

    async def send_due(self) -> int:
        """One pass over what is due now; returns how many messages were settled.

        Claimed batch after batch while full ones keep settling something, so a burst of
        reminders is not held to one small batch per interval.
        """
        settled = 0
        while True:
            due = await self._due()
            done = await self._send_batch(due)
            settled += done
            full = self._claims is not None and len(due) >= CLAIM_BATCH
            if not full or not done or self._stopping.is_set():
                return settled

    async def _send_batch(self, due: Sequence[ScheduledMessage]) -> int:
        settled = 0
        loop = asyncio.get_running_loop()
        for index, message in enumerate(due):
            if self._stopping.is_set():
                await self._release(due[index:])
                break
            if self._retry_at.get(message.key, 0.0) > loop.time():
                await self._release([message])  # failed recently here; another may try it
                continue
            try:
                done = await self._send(message)
            except BaseException:
                await self._release(due[index:])
                raise
            if done:
                await self._store.mark_sent(message.key)
                self._failures.pop(message.key, None)
                self._retry_at.pop(message.key, None)
                settled += 1
            else:
                await self._release([message])
            # Spread a burst of reminders out; the rate limiter guards the hard limits.
            await asyncio.sleep(self._stagger)
        return settled

    async def _due(self) -> list[ScheduledMessage]:
        if self._claims is None:
            return await self._store.due_messages(self._clock.now())
        return await self._claims.claim_due(self._clock.now(), CLAIM_LEASE, CLAIM_BATCH)

    async def _release(self, messages: Sequence[ScheduledMessage]) -> None:
        """Give claims back now rather than at the end of their lease; best effort."""
        if self._claims is None:
            return
        for message in messages:
            try:
                await self._claims.release_claim(message.key)
            except Exception:
                logger.warning("claim of %s not released; its lease will end", message.key)

    async def _send(self, message: ScheduledMessage) -> bool:
        """True when the message is settled (sent, obsolete or undeliverable for good)."""

        async def work() -> None:
            replies = await self._engine.scheduled(message)
            if replies:
                await self._deliver(message.chat_id, replies)

        try:
            # Take the chat's turn so a reminder never interleaves with a reply being sent there.
            await self._turns.run(message.chat_id, work())
        except (Forbidden, BadRequest) as exc:
            # Blocked by the customer or chat gone: retrying cannot help.
            logger.warning(
                "%s %s for chat %s dropped: %s", message.kind, message.key, message.chat_id, exc
            )
            return True
        except Exception:
            attempts = self._failures.get(message.key, 0) + 1
            self._failures[message.key] = attempts
            if attempts >= self._max_attempts:
                logger.exception(
                    "%s %s given up after %s attempts", message.kind, message.key, attempts
                )
                return True
            # Back off (capped), so an outage of minutes delays a reminder instead of losing it.
            delay = min(self._interval * 2**attempts, MAX_BACKOFF_SECONDS)
            self._retry_at[message.key] = asyncio.get_running_loop().time() + delay
            logger.warning(
                "%s %s failed (attempt %s), will retry",
                message.kind,
                message.key,
                attempts,
                exc_info=True,
            )
            return False
        logger.info("%s %s delivered to chat %s", message.kind, message.key, message.chat_id)
        return True

    async def run(self) -> None:
        """Poll until stopped; a failing pass is logged and the next one tries again."""
        while not self._stopping.is_set():
            try:
                await self.send_due()
            except Exception:
                logger.exception("due messages could not be read")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), self._interval)

    def start(self) -> None:
        if self._task is None:
            self._stopping.clear()
            self._task = asyncio.create_task(self.run(), name="due-messages")

    async def stop(self, *, grace: float = 10.0) -> None:
        """Stop polling; the message being sent is finished and marked first, so none is lost."""
        task, self._task = self._task, None
        if task is None:
            return
        self._stopping.set()
        try:
            await asyncio.wait_for(task, grace)
        except TimeoutError:
            logger.warning("due messages still sending after %s s; stopped", grace)


def _claiming(store: object) -> ClaimingStore | None:
    return store if isinstance(store, ClaimingStore) else None
