"""`python -m bot chat --staff`: the terminal user is staff; without the flag staff commands do not
exist. Drives the real composition root (bootstrap) against the in-process sandbox."""

from __future__ import annotations

import io
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.config import Settings
from bot.console import ChatOptions, chat

MONDAY_0915 = datetime(2026, 11, 23, 9, 15, tzinfo=ZoneInfo("Europe/Rome"))


async def converse(tmp_path: Path, lines: str, *, staff: bool) -> str:
    settings = Settings(_env_file=None, database_url=f"sqlite:///{tmp_path / 'chat.sqlite3'}")
    out = io.StringIO()
    options = ChatOptions(now=MONDAY_0915, language="it", staff=staff)
    assert await chat(settings, options, stdin=io.StringIO(lines), stdout=out) == 0
    return out.getvalue()


async def test_with_staff_the_terminal_user_reads_the_agenda_and_health(tmp_path: Path) -> None:
    text = await converse(tmp_path, "/today\n/health\n", staff=True)

    assert "Nessun appuntamento per lunedì 23 novembre." in text
    assert "Zimun: raggiungibile, token valido (3 servizi)." in text


async def test_without_staff_the_same_commands_are_unknown(tmp_path: Path) -> None:
    text = await converse(tmp_path, "/today\n/health\n", staff=False)

    assert "Agenda" not in text and "Zimun:" not in text
    assert text.count("Non conosco questo comando.") == 2
