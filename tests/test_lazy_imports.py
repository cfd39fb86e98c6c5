"""Issue 11, memory: a bot on long polling with SQLite and real Zimun credentials never imports
what only other deployments use: asyncpg (PostgreSQL), uvicorn and Starlette (webhook, Mini App),
the in-process sandbox, PyYAML (SERVICE_ALIASES only) and httpx's command-line client (click).
Each is one to a few MB of resident memory for nothing.

Run in a fresh interpreter, since the test process itself has imported everything."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

NOT_FOR_POLLING = (
    "asyncpg",
    "uvicorn",
    "starlette",
    "bot.sandbox",
    "bot.storage.postgres",
    "yaml",
    "click",  # through httpx's command-line client, see bot/__init__.py
    "icalendar",  # imported by the first booking's calendar file (bot/conversation/calendar.py)
)

SCRIPT = """
import asyncio, json, sys

import bot.telegram.runner  # what `python -m bot run` imports
from bot.bootstrap import bootstrap
from bot.config import Settings


async def main():
    settings = Settings(
        _env_file=None,
        telegram_bot_token="123:abc",
        zimun_api_url="http://127.0.0.1:9",
        zimun_client_id="id",
        zimun_client_secret="secret",
        zimun_organization_id="org",
        database_url=sys.argv[1],
    )
    app = await bootstrap(settings, warm_up=None)
    await app.aclose()


asyncio.run(main())
print(json.dumps(sorted(sys.modules)))
"""


def loaded_after_bootstrap(database_url: str) -> set[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "ZIMUN_", "BOT_"))}
    env.pop("DATABASE_URL", None)
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, database_url],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
        env=env,
    )
    assert done.returncode == 0, done.stderr
    return set(json.loads(done.stdout.splitlines()[-1]))


def test_polling_on_sqlite_imports_no_server_no_postgres_no_sandbox(tmp_path: Path) -> None:
    loaded = loaded_after_bootstrap(f"sqlite:///{tmp_path / 'bot.sqlite3'}")
    assert "telegram.ext" in loaded and "bot.conversation.engine" in loaded
    assert [name for name in NOT_FOR_POLLING if name in loaded] == []
