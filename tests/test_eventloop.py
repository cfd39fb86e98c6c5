"""`python -m bot run` runs on uvloop where it is installed, and on asyncio's loop otherwise."""

from __future__ import annotations

import asyncio
import importlib.util

from bot import eventloop


async def _loop_module() -> str:
    await asyncio.sleep(0)
    return type(asyncio.get_running_loop()).__module__


def test_run_returns_the_result_on_uvloop_where_installed() -> None:
    module = eventloop.run(_loop_module())
    if importlib.util.find_spec("uvloop") is not None:
        assert module.startswith("uvloop")
        assert eventloop.loop_factory() is not None
    else:
        assert module.startswith("asyncio")
