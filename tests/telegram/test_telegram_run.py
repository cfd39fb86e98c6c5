"""`python -m bot run` as an operator meets it: start-up sentences, SIGTERM, webhook mode.

The process tests start the real command against the loopback Bot API stub (and the built-in
sandbox, since no Zimun credentials are set).
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import socket
import sys
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from botapi_stub import TOKEN, BotApiStub, says

from bot.bootstrap import App, bootstrap
from bot.clock import ManualClock
from bot.config import ConfigError, Settings
from bot.sandbox import World, default_seed
from bot.telegram.runner import TokenRedactor, Tuning, serve
from bot.telegram.webhook import SECRET_HEADER

NOW = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)


@pytest.fixture
async def stub() -> AsyncIterator[BotApiStub]:
    async with BotApiStub().serving() as stub:
        yield stub


def command_env(tmp_path: Path, **variables: str) -> dict[str, str]:
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'bot.sqlite3'}",
        **variables,
    }


async def start_bot(tmp_path: Path, env: dict[str, str]) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run",
        cwd=tmp_path,  # no stray .env file is read
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip


async def test_without_a_token_it_says_so_in_one_sentence_and_exits_2(tmp_path: Path) -> None:
    process = await start_bot(tmp_path, command_env(tmp_path))
    _, stderr = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode == 2
    assert stderr.decode().strip().splitlines() == [
        "Configuration error: TELEGRAM_BOT_TOKEN is not set: create a bot with @BotFather and "
        "put its token in the environment or in .env."
    ]


async def test_a_rejected_token_is_named_without_showing_it(
    stub: BotApiStub, tmp_path: Path
) -> None:
    stub.reject_token = True
    env = command_env(tmp_path, TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_API_BASE_URL=stub.base_url)
    process = await start_bot(tmp_path, env)
    _, stderr = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode == 2
    assert "TELEGRAM_BOT_TOKEN was rejected by Telegram" in stderr.decode()
    assert TOKEN not in stderr.decode()


async def test_sigterm_stops_the_bot_cleanly_after_it_has_answered(
    stub: BotApiStub, tmp_path: Path
) -> None:
    env = command_env(tmp_path, TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_API_BASE_URL=stub.base_url)
    process = await start_bot(tmp_path, env)
    try:
        await stub.wait_for(
            lambda: bool(stub.calls_to("getUpdates")), within=60, what="the bot to poll"
        )
        stub.text(1, "/start")
        [greeting] = await stub.wait_replies(1, 1, within=30)
        assert says(greeting.text, "it", "start.hello_name", name="Mario")
        process.send_signal(signal.SIGTERM)
        _, stderr = await asyncio.wait_for(process.communicate(), 30)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    assert process.returncode == 0, stderr.decode()
    log = stderr.decode()
    assert "stopped cleanly" in log
    assert TOKEN not in log
    # The conversation was saved in the database the next start will read.
    assert (tmp_path / "bot.sqlite3").stat().st_size > 0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


async def test_webhook_mode_registers_the_secret_and_serves_updates_and_health(
    stub: BotApiStub, tmp_path: Path
) -> None:
    port = free_port()
    settings = Settings(
        _env_file=None,
        telegram_bot_token=TOKEN,
        telegram_api_base_url=stub.base_url,
        telegram_webhook_url="https://bot.example.com/hook",
        telegram_webhook_secret="s3cret_token",
        port=port,
        database_url=f"sqlite:///{tmp_path / 'bot.sqlite3'}",
    )
    clock = ManualClock(NOW)
    world = World(seed=default_seed(), clock=clock)

    async def build(settings: Settings) -> App:
        return await bootstrap(settings, clock=clock, world=world, warm_up=None)

    stop = asyncio.Event()
    tuning = Tuning(due_interval=0.05, listen_host="127.0.0.1")
    task = asyncio.create_task(serve(settings, build=build, stop=stop, tuning=tuning))
    update = {
        "update_id": 1,
        "message": {
            "message_id": 1,
            "date": 0,
            "chat": {"id": 5, "type": "private"},
            "from": {"id": 5, "is_bot": False, "first_name": "Ada", "language_code": "en"},
            "text": "/start",
        },
    }
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as client:
            for _ in range(200):
                try:
                    health = await client.get("/healthz")
                    if health.status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                await asyncio.sleep(0.05)
            assert health.status_code == 200
            refused = await client.post("/hook", json=update)
            assert refused.status_code == 403
            accepted = await client.post(
                "/hook", json=update, headers={SECRET_HEADER: "s3cret_token"}
            )
            assert accepted.status_code == 200
            [greeting] = await stub.wait_replies(5, 1)
    finally:
        stop.set()
        await asyncio.wait_for(task, 20)
    assert says(greeting.text, "en", "start.hello_name", name="Ada")
    [registration] = stub.calls_to("setWebhook")
    assert registration.params["url"] == "https://bot.example.com/hook"
    assert registration.params["secret_token"] == "s3cret_token"
    assert registration.params["allowed_updates"] == ["message", "callback_query"]
    assert registration.params["max_connections"] == 1
    assert stub.calls_to("getUpdates") == []


def test_the_token_never_reaches_the_log_not_even_in_a_traceback() -> None:
    redactor = TokenRedactor(TOKEN)
    try:
        raise RuntimeError(f"POST https://api.telegram.org/bot{TOKEN}/getMe failed")
    except RuntimeError:
        record = logging.LogRecord(
            "httpx",
            logging.INFO,
            __file__,
            1,
            "HTTP Request: %s",
            (f"/bot{TOKEN}/getMe",),
            sys.exc_info(),
        )
    assert redactor.filter(record)
    text = logging.Formatter().format(record)
    assert TOKEN not in text
    assert "/bot<token>/getMe" in text


async def test_a_webhook_url_telegram_refuses_is_named_in_one_sentence(
    stub: BotApiStub, tmp_path: Path
) -> None:
    settings = Settings(
        _env_file=None,
        telegram_bot_token=TOKEN,
        telegram_api_base_url=stub.base_url,
        telegram_webhook_url="http://bot.example.com/hook",
        telegram_webhook_secret="s3cret_token",
        port=free_port(),
        database_url=f"sqlite:///{tmp_path / 'bot.sqlite3'}",
    )
    stub.fail_next("setWebhook", 400)
    clock = ManualClock(NOW)

    async def build(settings: Settings) -> App:
        world = World(seed=default_seed(), clock=clock)
        return await bootstrap(settings, clock=clock, world=world, warm_up=None)

    with pytest.raises(ConfigError, match="TELEGRAM_WEBHOOK_URL was refused by Telegram"):
        await serve(settings, build=build, stop=asyncio.Event(), tuning=Tuning())
