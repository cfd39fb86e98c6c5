"""One chat at a time, in order; different chats side by side.

`ChatTurns` gives each chat a first-come-first-served turn; `PerChatUpdateProcessor` plugs it into
python-telegram-bot's concurrent update processing, and the due-message sender takes turns too, so
a reminder never interleaves with a reply to the same chat. With several instances on one database
(issue 12) a turn also holds the store's `chat_lock`, which every instance respects: the
in-process lock first (this instance's updates of the chat queue in arrival order and hold one
database lock at a time), then the database's. The update ledger's claim (`once.py`) runs inside
the turn, so a duplicate delivery reaching two instances is answered once.
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Awaitable, Callable
from contextlib import AbstractAsyncContextManager
from typing import Any, TypeVar

from telegram import Update
from telegram.ext import BaseUpdateProcessor

T = TypeVar("T")

ChatLock = Callable[[int], AbstractAsyncContextManager[None]]


class ChatTurns:
    """Per-chat FIFO mutual exclusion.

    asyncio.Lock hands itself to waiters in the order they called acquire() and never lets a
    newcomer barge past them, so calling `run` in update order keeps that order per chat.
    """

    def __init__(self, chat_lock: ChatLock | None = None) -> None:
        self._locks: dict[int, asyncio.Lock] = {}
        self._users: dict[int, int] = {}
        self._chat_lock = chat_lock  # the store's lock across instances, when it has one

    async def run(self, chat_id: int, work: Awaitable[T]) -> T:
        lock = self._locks.get(chat_id)
        if lock is None:
            lock = self._locks[chat_id] = asyncio.Lock()
        self._users[chat_id] = self._users.get(chat_id, 0) + 1
        try:
            async with lock:
                if self._chat_lock is None:
                    return await work
                async with self._chat_lock(chat_id):
                    return await work
        except asyncio.CancelledError:
            # Cancelled while waiting for the turn: the work never started, so close it quietly.
            if inspect.iscoroutine(work) and inspect.getcoroutinestate(work) == "CORO_CREATED":
                work.close()
            raise
        finally:
            # Forget idle chats so memory does not grow with every customer ever seen.
            self._users[chat_id] -= 1
            if not self._users[chat_id]:
                del self._users[chat_id]
                del self._locks[chat_id]

    def busy(self) -> int:
        """How many chats have work running or waiting (for health reports and tests)."""
        return len(self._locks)


class PerChatUpdateProcessor(BaseUpdateProcessor):
    """Updates of different chats run concurrently; updates of one chat run one after another."""

    def __init__(self, turns: ChatTurns, max_concurrent_updates: int = 256) -> None:
        super().__init__(max_concurrent_updates)
        self.turns = turns

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        chat = update.effective_chat if isinstance(update, Update) else None
        if chat is None:
            await coroutine
            return
        await self.turns.run(chat.id, coroutine)

    async def initialize(self) -> None:
        """Nothing to allocate: locks are made on demand."""

    async def shutdown(self) -> None:
        """Nothing to free: the application waits for running updates before shutting down."""
