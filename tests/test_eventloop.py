"""`python -m bot run` runs on uvloop where it is installed, and on asyncio's loop otherwise."""

from __future__ import annotations

import asyncio
import importlib.util
import subprocess
import sys
from pathlib import Path

from bot import eventloop

ROOT = Path(__file__).resolve().parents[1]


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


def test_ctrl_c_cancels_the_main_coroutine_and_raises_keyboard_interrupt() -> None:
    script = (
        "import asyncio, os, signal\n"
        "from bot import eventloop\n"
        "async def main():\n"
        "    asyncio.get_running_loop().call_later(0.2, os.kill, os.getpid(), signal.SIGINT)\n"
        "    try:\n"
        "        await asyncio.sleep(60)\n"
        "    finally:\n"
        "        print('cleaned up', flush=True)\n"
        "try:\n"
        "    eventloop.run(main())\n"
        "except KeyboardInterrupt:\n"
        "    print('interrupted', flush=True)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=30, cwd=ROOT
    )
    assert done.stdout.split() == ["cleaned", "up", "interrupted"], done.stderr
