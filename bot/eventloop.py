"""How `python -m bot run` runs its event loop: on uvloop where it is installed (issue 11, speed).

uvloop (libuv under asyncio's interface) makes the loop's own work, sockets and callbacks, cheaper:
in the load benchmark it is most of the bot's asyncio and transport time. Where it is missing
(another platform, an install without it) the standard loop runs the same code unchanged.
"""

from __future__ import annotations

import asyncio
import gc
import signal
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

T = TypeVar("T")


def loop_factory() -> Callable[[], asyncio.AbstractEventLoop] | None:
    """uvloop's loop factory, or None (asyncio's own loop) where uvloop cannot be imported."""
    try:
        import uvloop
    except ImportError:
        return None
    return uvloop.new_event_loop


def run(main: Coroutine[Any, Any, T]) -> T:
    """`asyncio.run(main)`, on uvloop where installed; Ctrl+C cancels `main` and raises
    KeyboardInterrupt, as `asyncio.run` does."""
    factory = loop_factory()
    with asyncio.Runner(loop_factory=factory) as runner:
        if factory is None:
            return runner.run(main)
        # asyncio.Runner's own Ctrl+C handler is a Python signal handler, which uvloop does not
        # get to run while it waits in libuv: the loop's handler does.
        return runner.run(_cancelled_by_sigint(main))


async def _cancelled_by_sigint(main: Coroutine[Any, Any, T]) -> T:
    loop = asyncio.get_running_loop()
    task = asyncio.current_task()
    assert task is not None
    interrupted = False

    def interrupt() -> None:
        nonlocal interrupted
        interrupted = True
        task.cancel()

    try:
        loop.add_signal_handler(signal.SIGINT, interrupt)
    except (NotImplementedError, RuntimeError, ValueError):  # not the main thread
        return await main
    try:
        return await main
    except asyncio.CancelledError:
        if interrupted:
            raise KeyboardInterrupt from None
        raise
    finally:
        loop.remove_signal_handler(signal.SIGINT)


def freeze_start_up_heap() -> None:
    """Once started (imports, settings, catalogs, warm caches): move every object alive now out
    of the collector's sight.

    A full collection walks every tracked object, and after start-up those are several hundred
    thousand that live as long as the process (modules, functions, PTB's classes, dateparser's
    data): in the load benchmark a full collection stopped the loop for about 40 ms, the worst
    step of a paced run. Frozen, they are never walked again (`gc.freeze`); what the chats
    allocate later is collected as before. Start-up garbage is collected first, so nothing
    frozen is waste. The thresholds stay Python's: collecting the young generation every 10,000
    allocations instead of 700 cost 1.3-2.6 MB of resident memory in `bench/memory.py`."""
    gc.collect()
    gc.freeze()
