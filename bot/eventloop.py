"""How `python -m bot run` runs its event loop: on uvloop where it is installed (issue 11, speed).

uvloop (libuv under asyncio's interface) makes the loop's own work, sockets and callbacks, cheaper:
in the load benchmark it is most of the bot's asyncio and transport time. Where it is missing
(another platform, an install without it) the standard loop runs the same code unchanged.
"""

from __future__ import annotations

import asyncio
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
    """`asyncio.run(main)`, on uvloop where installed."""
    with asyncio.Runner(loop_factory=loop_factory()) as runner:
        return runner.run(main)
