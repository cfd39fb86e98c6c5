"""SQLite serves one instance (issue 12, item 4): a second process opening the same file is
refused with one sentence pointing at PostgreSQL; a process that dies frees the file."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import pytest

from bot.config import ConfigError
from bot.storage import open_store

HOLDER = """
import asyncio, sys
from bot.storage import open_store

async def main():
    store = await open_store(sys.argv[1])
    print("open", flush=True)
    await asyncio.sleep(3600)

asyncio.run(main())
"""


async def test_a_second_process_is_refused_until_the_first_dies(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'bot.sqlite3'}"
    holder = await asyncio.create_subprocess_exec(
        sys.executable, "-c", HOLDER, url, stdout=asyncio.subprocess.PIPE
    )
    try:
        assert holder.stdout is not None
        assert await asyncio.wait_for(holder.stdout.readline(), 60) == b"open\n"
        with pytest.raises(ConfigError) as refused:
            await open_store(url)
        message = str(refused.value)
        assert message.startswith("DATABASE_URL: another instance of the bot is already using")
        assert "postgresql://" in message and message.count(". ") == 0
    finally:
        holder.kill()  # SIGKILL: no chance to clean up
        await holder.wait()
    store = await open_store(url)  # the dead process left nothing locked
    await store.close()


async def test_one_process_may_open_its_file_twice_and_close_in_any_order(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'bot.sqlite3'}"
    first = await open_store(url)
    second = await open_store(url)
    await first.close()
    await first.close()  # closing twice releases once
    await second.save_session(1, {"step": "idle"})
    await second.close()
    third = await open_store(url)
    assert await third.load_session(1) == {"step": "idle"}
    await third.close()
