"""The adapter's per-chat memory: what it keeps about a chat is small, and forgotten when idle."""

from __future__ import annotations

import asyncio
import tracemalloc

from bot.telegram.adapter import RecentPresses
from bot.telegram.turns import ChatTurns


class Ticks:
    """A hand-moved monotonic clock."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_the_same_button_pressed_again_on_the_same_message_is_a_repeat() -> None:
    presses = RecentPresses(clock=Ticks())
    assert not presses.repeated(1, 10, "3|slot|a")
    assert presses.repeated(1, 10, "3|slot|a")
    assert not presses.repeated(1, 10, "3|slot|b")  # another button of the same keyboard
    assert not presses.repeated(1, 11, "3|slot|b")  # the same data on another message
    assert not presses.repeated(2, 11, "3|slot|b")  # another chat


def test_a_press_after_the_chat_was_idle_is_not_a_repeat() -> None:
    ticks = Ticks()
    presses = RecentPresses(keep=30, clock=ticks)
    presses.repeated(1, 10, "3|slot|a")
    ticks.now = 31
    assert not presses.repeated(1, 10, "3|slot|a")


def test_idle_chats_are_forgotten_and_busy_ones_are_capped() -> None:
    ticks = Ticks()
    presses = RecentPresses(keep=30, limit=1000, clock=ticks)
    for chat_id in range(100_000):
        presses.repeated(chat_id, 1, "1|book|")
    assert len(presses) == 1000
    ticks.now = 60  # everyone went quiet; the next press sweeps them out
    presses.repeated(7, 2, "2|menu|")
    assert len(presses) == 1


def test_a_remembered_chat_costs_well_under_400_bytes() -> None:
    presses = RecentPresses(limit=200_000, clock=Ticks())
    chats = 20_000
    tracemalloc.start()
    try:
        before = tracemalloc.take_snapshot()
        for chat_id in range(10**9, 10**9 + chats):
            presses.repeated(chat_id, 123_456, "17|slot|2026-11-24T10:00:00+00:00")
        after = tracemalloc.take_snapshot()
    finally:
        tracemalloc.stop()
    grown = sum(stat.size_diff for stat in after.compare_to(before, "filename"))
    assert grown / chats < 400, grown / chats
    # So 100,000 chats at once fit in a few tens of megabytes, and idle ones cost nothing.


async def test_chat_turns_keep_nothing_for_chats_with_no_work() -> None:
    turns = ChatTurns()

    async def work() -> None:
        await asyncio.sleep(0)

    await asyncio.gather(*(turns.run(chat_id, work()) for chat_id in range(10_000)))
    assert turns.busy() == 0
