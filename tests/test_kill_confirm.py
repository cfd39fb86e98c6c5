"""A real `kill -9` while a confirm is in flight (issue 10, item 8): `python -m bot chat` through a
pipe, on a SQLite file, against a sandbox served over loopback; restarted on the same file, the bot
tells the customer the booking went through, and the ledger and the reminder match Zimun.

Deterministic: the kill happens once the confirm intent is in the database file and the sandbox is
holding the request (injected latency, before it reads the body, so it never acts on it); the
restart replays the intent with its key. (Zimun acting before the crash is the in-process suite's
"answered" point, `tests/conversation/test_engine_crash.py`.)
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

from bot.clock import ManualClock
from bot.sandbox import (
    SANDBOX_CLIENT_ID,
    SANDBOX_CLIENT_SECRET,
    SANDBOX_ORGANIZATION_ID,
    World,
)
from bot.sandbox.server import serve_in_thread

NOW = "2026-11-23T09:00:00+01:00"
DEADLINE = 60.0  # seconds; a healthy run takes a few


def bot_chat(tmp_path: Path, base_url: str) -> subprocess.Popen[str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("ZIMUN_", "DATABASE_URL", "BOT_", "TELEGRAM_"))
    }
    env.update(
        TMPDIR=str(tmp_path),
        ZIMUN_API_URL=base_url,
        ZIMUN_CLIENT_ID=SANDBOX_CLIENT_ID,
        ZIMUN_CLIENT_SECRET=SANDBOX_CLIENT_SECRET,
        ZIMUN_ORGANIZATION_ID=SANDBOX_ORGANIZATION_ID,
    )
    command = [sys.executable, "-m", "bot", "chat", "--now", NOW, "--language", "it"]
    command += ["--user-name", "Mario Rossi"]
    command += ["--database-url", f"sqlite:///{tmp_path / 'bot.sqlite3'}"]
    return subprocess.Popen(
        command,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=tmp_path,
        env=env,
    )


def rows(path: Path, sql: str) -> list[tuple[object, ...]]:
    if not path.exists():
        return []
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5)
    try:
        return list(db.execute(sql))
    except sqlite3.OperationalError:
        return []  # not migrated yet
    finally:
        db.close()


def wait_for(condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + DEADLINE
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.02)


def test_kill_9_while_a_confirm_is_in_flight(tmp_path: Path) -> None:
    world = World(clock=ManualClock(datetime.fromisoformat(NOW)))
    database = tmp_path / "bot.sqlite3"
    with serve_in_thread(world) as base_url:
        first = bot_chat(tmp_path, base_url)
        try:
            assert first.stdin is not None
            first.stdin.write("vorrei un taglio domani alle 11\n1\nmario.rossi@example.com\n")
            first.stdin.flush()

            def at_summary() -> bool:
                found = rows(database, "SELECT data FROM sessions")
                return bool(found) and json.loads(str(found[0][0]))["step"] == "summary"

            wait_for(at_summary, "the summary")
            world.set_faults(latency_ms=1500)  # Zimun holds the confirm before acting
            first.stdin.write("conferma\n")
            first.stdin.flush()
            wait_for(
                lambda: bool(rows(database, "SELECT 1 FROM zimun_intents WHERE kind='confirm'")),
                "the confirm intent",
            )
            os.kill(first.pid, signal.SIGKILL)
            first.wait(timeout=DEADLINE)
        finally:
            if first.poll() is None:
                first.kill()
            first.communicate()
        assert first.returncode == -signal.SIGKILL
        # The sandbox reads the request's body after the latency, from a connection now gone:
        # Zimun never acted, and only the intent in the file knows the customer pressed Confirm.
        world.clear_faults()

        second = bot_chat(tmp_path, base_url)
        out, err = second.communicate("ciao\n", timeout=DEADLINE)
        assert second.returncode == 0, err

    [appointment] = world.appointments.values()
    assert appointment.status == "confirmed"
    told = "La tua prenotazione è andata a buon fine: Taglio, martedì 24 novembre alle 11:00"
    assert f"{told} (codice {appointment.booking_code})" in out
    assert out.count(told) == 1
    ledger = rows(database, "SELECT appointment_id, status, start_at FROM bookings")
    start = datetime.fromisoformat(str(ledger[0][2]))
    assert [(ledger[0][0], ledger[0][1])] == [(appointment.id, "confirmed")]
    assert start == appointment.start
    # REMINDERS defaults to 24h,2h (issue 13): both armed, at the right times.
    dues = rows(database, "SELECT due_at FROM scheduled_messages WHERE kind = 'reminder'")
    assert sorted(datetime.fromisoformat(str(due)) for (due,) in dues) == [
        appointment.start - timedelta(hours=24),
        appointment.start - timedelta(hours=2),
    ]
    assert rows(database, "SELECT * FROM zimun_intents") == []
    assert len(world.outbox) == 1  # one confirmation e-mail: one booking
