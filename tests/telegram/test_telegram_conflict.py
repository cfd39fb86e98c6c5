"""A second long-polling instance (issue 12, item 4): Telegram answers its getUpdates with 409
Conflict; it says so in one sentence and exits, instead of fighting the first one forever."""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from botapi_stub import TOKEN, BotApiStub


@pytest.fixture
async def stub() -> AsyncIterator[BotApiStub]:
    async with BotApiStub().serving() as stub:
        yield stub


async def test_a_second_poller_says_another_instance_polls_and_exits(
    stub: BotApiStub, tmp_path: Path
) -> None:
    stub.other_poller = True
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'bot.sqlite3'}",
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_API_BASE_URL": stub.base_url,
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run",
        cwd=tmp_path, env=env, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    try:
        _, stderr = await asyncio.wait_for(process.communicate(), 60)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    log = stderr.decode()
    assert process.returncode == 1, log
    assert log.strip().splitlines()[-1] == (
        "Cannot start: another instance is already polling with this token: run one poller, "
        "or use webhooks for several instances."
    )
    assert "Traceback" not in log
    # It gave up at the first conflict (and the updater's closing call), not in a loop.
    assert len(stub.calls_to("getUpdates")) <= 2
