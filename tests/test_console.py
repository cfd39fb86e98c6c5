"""`python -m bot chat` through a pipe: a customer books in Italian against the built-in sandbox."""

from __future__ import annotations

import asyncio
import io
import os
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path

from bot.bootstrap import bootstrap
from bot.clock import ManualClock
from bot.config import Settings
from bot.console import Console
from bot.conversation import Customer

NOW = "2026-11-23T09:00:00+01:00"


def chat(tmp_path: Path, lines: list[str], *options: str) -> subprocess.CompletedProcess[str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("ZIMUN_", "DATABASE_URL", "BOT_", "TELEGRAM_"))
    }
    env["TMPDIR"] = str(tmp_path)  # attachments and scratch files land in the test's folder
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "bot",
            "chat",
            "--now",
            NOW,
            "--database-url",
            f"sqlite:///{tmp_path / 'chat.sqlite3'}",
            *options,
        ],
        input="".join(line + "\n" for line in lines),
        capture_output=True,
        text=True,
        cwd=tmp_path,  # no stray .env with Zimun credentials
        env=env,
        timeout=120,
        check=False,
    )


BOOKING = [
    "/start",
    "vorrei un taglio domani alle 11",
    "1",  # the first button: the name from the profile
    "mario.rossi@example.com",
    "conferma",  # a button chosen by typing its label
    "/appointments",
]


def test_a_customer_books_in_italian_through_a_pipe(tmp_path: Path) -> None:
    result = chat(tmp_path, BOOKING, "--language", "it", "--user-name", "Mario Rossi")

    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "bot: Ciao Mario!" in out
    assert "[1] Mario Rossi" in out
    assert "Ti tengo da parte martedì 24 novembre alle 11:00" in out
    assert "Nome: Mario Rossi" in out
    assert "Codice prenotazione:" in out
    assert "1. Taglio, martedì 24 novembre alle 11:00" in out
    # No prompts or terminal colours when the input is a pipe.
    assert "> " not in out and "\033[" not in out
    saved = [line.split(" saved to ", 1)[1] for line in out.splitlines() if " saved to " in line]
    assert len(saved) == 1 and saved[0].endswith(".ics")
    calendar = Path(saved[0]).read_text(encoding="utf-8")
    assert "BEGIN:VCALENDAR" in calendar
    assert "DTSTART:20261124T100000Z" in calendar  # 11:00 in Rome


def test_a_recorded_session_replays_as_it_was(tmp_path: Path) -> None:
    record = tmp_path / "session.yaml"
    result = chat(tmp_path, BOOKING, "--user-name", "Mario Rossi", "--record", str(record))
    assert result.returncode == 0, result.stderr

    replay = subprocess.run(
        [sys.executable, "-m", "bot", "replay", str(record)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert replay.returncode == 0, replay.stdout + replay.stderr
    assert "1 passed, 0 failed" in replay.stdout


def test_english_and_an_empty_input_end_cleanly(tmp_path: Path) -> None:
    english = chat(tmp_path, ["/start"], "--language", "en", "--user-name", "Emma")
    assert english.returncode == 0, english.stderr
    assert "bot: Hi Emma!" in english.stdout
    assert "[1] Book" in english.stdout

    empty = chat(tmp_path, [])
    assert empty.returncode == 0
    assert empty.stdout == ""
    assert "Traceback" not in empty.stderr


class Screen(io.StringIO):
    """The console's output, telling waiters whenever something is written."""

    def __init__(self) -> None:
        super().__init__()
        self.written = asyncio.Event()

    def write(self, text: str) -> int:
        self.written.set()
        return super().write(text)

    async def shows(self, wanted: str, seconds: float = 5.0) -> None:
        # The input thread and the poll loop run on their own time: wait for the text itself.
        async with asyncio.timeout(seconds):
            while wanted not in self.getvalue():
                self.written.clear()
                await self.written.wait()


async def test_a_hold_warning_arrives_while_the_chat_waits_for_input(tmp_path: Path) -> None:
    clock = ManualClock(datetime.fromisoformat(NOW))
    settings = Settings(
        _env_file=None,
        zimun_client_id=None,
        zimun_client_secret=None,
        database_url=f"sqlite:///{tmp_path / 'chat.sqlite3'}",
    )
    out = Screen()
    reading, writing = os.pipe()
    async with await bootstrap(settings, clock=clock, warm_up=None) as app:
        customer = Customer(chat_id=1, user_id=1, first_name="Mario", language_code="it")
        console = Console(
            app, customer, out=out, interactive=False, attachments_dir=tmp_path, poll_seconds=0.02
        )
        with os.fdopen(reading, encoding="utf-8") as stream:
            running = asyncio.create_task(console.run(stream))
            os.write(writing, b"vorrei un taglio domani alle 11\n")
            await out.shows("Ti tengo da parte")

            clock.advance(timedelta(minutes=8, seconds=30))  # no input meanwhile
            await out.shows("ancora per due minuti")

            os.close(writing)
            await asyncio.wait_for(running, 5)
    assert out.getvalue().count("ancora per due minuti") == 1
