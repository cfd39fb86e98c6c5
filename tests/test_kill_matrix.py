"""Real `kill -9` around every Zimun write (issue 10, item 8): `python -m bot chat` through a pipe,
on a SQLite file, against a sandbox served over loopback; killed while confirming, moving or
cancelling, restarted on the same file, and then: one appointment per confirmed booking at Zimun,
the ledger equal to Zimun, the reminder at the right time (none for a cancelled appointment), no
open intent, and the customer told the truth once.

The three points, each found by polling the database file and the sandbox, never by timing:
- "before": the intent is in the file, and the sandbox holds the request before reading its body
  (`latency_ms`), so Zimun never acts; the restart replays the intent with its key and Zimun acts.
- "during": Zimun acted (the sandbox's world shows it) and holds its answer (`latency_after_ms`);
  the restart replays the key and gets the stored answer.
- "after": Zimun answered at once and the answer reached the bot, which died before any of it
  was durable. On SQLite everything a turn does after the call (the intent "answered", the ledger,
  the reminder, the session, the intent settled) is one commit, so "answered" is never seen on
  disk; instead a trigger put into this test's own database file stalls the bot's ledger write for
  minutes, and the kill comes once Zimun acted and the bot holds the write lock. The file then
  shows the intent pending and the ledger as it was; the restart replays the key.
A finished turn (committed, its reply printed) is not a crash point: nothing is left to resolve.
(The in-process matrix with finer points is `tests/conversation/test_engine_crash.py`.)
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from bot.clock import ManualClock
from bot.sandbox import (
    SANDBOX_CLIENT_ID,
    SANDBOX_CLIENT_SECRET,
    SANDBOX_ORGANIZATION_ID,
    World,
)
from bot.sandbox.server import serve_in_thread

NOW = "2026-11-23T09:00:00+01:00"
DEADLINE = 60.0  # seconds; a healthy cell takes a few
HELD_MS = 1500  # how long the sandbox holds a request or an answer: far longer than one poll
TUESDAY_11 = datetime.fromisoformat("2026-11-24T11:00:00+01:00")
THURSDAY_15 = datetime.fromisoformat("2026-11-26T15:00:00+01:00")

BOOK = "vorrei un taglio domani alle 11"
MOVE = "sposta il mio appuntamento a giovedì alle 15"
CANCEL = "vorrei disdire il mio appuntamento"

# What the restarted bot says when it resolves the intent (locales/it, "recovered.*").
TOLD = {
    "confirm": "La tua prenotazione è andata a buon fine: Taglio, martedì 24 novembre alle 11:00",
    "move": "Il tuo appuntamento è stato spostato: Taglio, ora giovedì 26 novembre alle 15:00",
    "cancel": "Il tuo appuntamento è stato disdetto: Taglio, martedì 24 novembre alle 11:00",
}
# What the bot says when the turn itself finishes.
DONE = {
    "confirm": "Fatto! Taglio, martedì 24 novembre alle 11:00",
    "move": "Fatto: ho spostato Taglio a giovedì 26 novembre alle 15:00",
    "cancel": "Fatto: ho disdetto Taglio di martedì 24 novembre alle 11:00",
}
STATUS = {"confirm": "confirmed", "move": "confirmed", "cancel": "cancelled"}
START = {"confirm": TUESDAY_11, "move": THURSDAY_15, "cancel": TUESDAY_11}


@dataclass(frozen=True)
class Sandbox:
    world: World
    base_url: str


@pytest.fixture(scope="module")
def sandbox() -> Iterator[Sandbox]:
    """One loopback sandbox for the whole matrix; each cell starts from `reset()`."""
    world = World(clock=ManualClock(datetime.fromisoformat(NOW)))
    with serve_in_thread(world) as base_url:
        yield Sandbox(world, base_url)


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


def step(database: Path) -> str | None:
    found = rows(database, "SELECT data FROM sessions")
    return str(json.loads(str(found[0][0]))["step"]) if found else None


def intents(database: Path, kind: str) -> list[str]:
    return [
        str(r[0]) for r in rows(database, f"SELECT state FROM zimun_intents WHERE kind='{kind}'")
    ]


def ledger(database: Path) -> list[tuple[str, str, datetime]]:
    found = rows(database, "SELECT appointment_id, status, start_at FROM bookings")
    return [(str(a), str(s), datetime.fromisoformat(str(t))) for a, s, t in found]


def appointments(world: World) -> list[tuple[str, datetime]]:
    with world.lock:
        return [(a.status, a.start) for a in world.appointments.values()]


def settled(database: Path, kind: str) -> bool:
    """The turn is over: the ledger shows the change and no intent of `kind` is open."""
    return (
        [(s, t) for _, s, t in ledger(database)] == [(STATUS[kind], START[kind])]
        and not intents(database, kind)
        and step(database) == "idle"
    )


class Customer:
    """The first life of the chat: lines typed one by one, each once the bot is ready for it."""

    def __init__(self, process: subprocess.Popen[str], database: Path) -> None:
        self.process = process
        self.database = database

    def type(self, line: str) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(line + "\n")
        self.process.stdin.flush()

    def type_when(self, at: str, line: str) -> None:
        wait_for(lambda: step(self.database) == at, f"step {at}")
        self.type(line)

    def book(self) -> None:
        self.type(BOOK)
        self.type_when("name", "1")
        self.type_when("email", "mario.rossi@example.com")
        wait_for(lambda: step(self.database) == "summary", "the summary")

    def up_to(self, kind: str) -> str:
        """Bring the chat to the line that makes the write of `kind`; that line is returned."""
        self.book()
        if kind == "confirm":
            return "conferma"
        self.type("conferma")
        wait_for(lambda: settled(self.database, "confirm"), "the booking")
        if kind == "move":
            self.type(MOVE)
            wait_for(lambda: step(self.database) == "move_confirm", "the move question")
            return "sì"
        self.type(CANCEL)
        wait_for(lambda: step(self.database) == "cancel_confirm", "the cancel question")
        return "sì"  # the yes cancels at once (issue 4); the reason is asked after


def acted(world: World, kind: str) -> bool:
    return appointments(world) == [(STATUS[kind], START[kind])]


# A stall for the "after" point: triggers, put into this test's own database file, that make the
# bot's ledger write count a billion rows (minutes), so the bot is caught, with certainty, inside
# the transaction that would record Zimun's answer. Removed before the restart.
STALL = (
    "CREATE TABLE kill_stall (x INTEGER)",
    "INSERT INTO kill_stall (x) WITH RECURSIVE n(x) AS"
    " (SELECT 1 UNION ALL SELECT x + 1 FROM n LIMIT 1000) SELECT x FROM n",
    *(
        f"CREATE TRIGGER kill_stall_{event} BEFORE {event} ON bookings BEGIN"
        " SELECT count(*) FROM kill_stall a, kill_stall b, kill_stall c"
        " WHERE a.x + b.x + c.x < 0; END"
        for event in ("insert", "update")
    ),
)
UNSTALL = (
    "DROP TRIGGER kill_stall_insert",
    "DROP TRIGGER kill_stall_update",
    "DROP TABLE kill_stall",
)


def writing(database: Path) -> bool:
    """Whether a transaction holds the database's write lock (this look takes it for no time)."""
    db = sqlite3.connect(str(database), timeout=0, isolation_level=None)
    try:
        db.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError:
        return True  # "database is locked"
    else:
        db.execute("ROLLBACK")
        return False
    finally:
        db.close()


def execute(database: Path, statements: tuple[str, ...]) -> None:
    db = sqlite3.connect(str(database), timeout=DEADLINE, isolation_level=None)
    try:
        db.execute("BEGIN IMMEDIATE")
        for statement in statements:
            db.execute(statement)
        db.execute("COMMIT")
    finally:
        db.close()


def first_life(sandbox: Sandbox, tmp_path: Path) -> Customer:
    """A chat started on a fresh file against the sandbox put back to its seed."""
    sandbox.world.reset()
    return Customer(bot_chat(tmp_path, sandbox.base_url), tmp_path / "bot.sqlite3")


def run_cell(
    sandbox: Sandbox, tmp_path: Path, kind: str, point: str, then: str = "ciao"
) -> tuple[str, str]:
    """The first life up to `kind`, killed at `point`; the second life types `then`.
    Returns the two lives' outputs."""
    world = sandbox.world
    customer = first_life(sandbox, tmp_path)
    first, database = customer.process, customer.database
    try:
        line = customer.up_to(kind)
        if point == "before":
            world.set_faults(latency_ms=HELD_MS)  # Zimun holds the request before acting
            customer.type(line)
            wait_for(lambda: bool(intents(database, kind)), f"the {kind} intent")
            os.kill(first.pid, signal.SIGKILL)
            first.wait(timeout=DEADLINE)
            assert not acted(world, kind)
        elif point == "during":
            world.set_faults(latency_after_ms=HELD_MS)  # Zimun acts, its answer waits
            customer.type(line)
            wait_for(lambda: acted(world, kind) and bool(intents(database, kind)), "Zimun acting")
            os.kill(first.pid, signal.SIGKILL)
            first.wait(timeout=DEADLINE)
            assert intents(database, kind) == ["pending"]  # the answer never reached the bot
        else:
            before = ledger(database)
            execute(database, STALL)
            customer.type(line)
            # Zimun acted and answered at once; the bot, answer in hand, is in the transaction
            # that would make it durable (the intent answered, the ledger, the session, the
            # intent settled: one commit), stalled at the ledger write.
            wait_for(lambda: acted(world, kind) and writing(database), "the bot writing the answer")
            os.kill(first.pid, signal.SIGKILL)
            first.wait(timeout=DEADLINE)
            # Died with nothing of the answer durable: the intent open, the ledger as it was.
            assert intents(database, kind) == ["pending"]
            assert ledger(database) == before
            execute(database, UNSTALL)
    finally:
        if first.poll() is None:
            first.kill()
        out_first, _ = first.communicate()
    assert first.returncode == -signal.SIGKILL
    # A request held by the sandbox ends on a connection now gone; nothing more is faulted.
    world.clear_faults()

    second = bot_chat(tmp_path, sandbox.base_url)
    out_second, err = second.communicate(then + "\n", timeout=DEADLINE)
    assert second.returncode == 0, err
    return out_first, out_second


def assert_truth(world: World, database: Path, kind: str) -> None:
    """One appointment, the ledger equal to Zimun, the right reminder, no open intent."""
    [appointment] = world.appointments.values()
    assert (appointment.status, appointment.start) == (STATUS[kind], START[kind])
    assert ledger(database) == [(appointment.id, appointment.status, appointment.start)]
    due = [
        (str(key), datetime.fromisoformat(str(at)))
        for key, at in rows(
            database, "SELECT key, due_at FROM scheduled_messages WHERE kind = 'reminder'"
        )
    ]
    if appointment.status == "cancelled":
        assert due == []
    else:
        # REMINDERS defaults to 24h,2h (issue 13): both armed, for the right time.
        assert sorted(due) == [
            (f"reminder:{appointment.id}", appointment.start - timedelta(hours=24)),
            (f"reminder:{appointment.id}:1", appointment.start - timedelta(hours=2)),
        ]
    assert rows(database, "SELECT * FROM zimun_intents") == []
    # Zimun's own e-mails: one per thing it did.
    kinds = {"confirm": ["confirmation"], "move": ["confirmation", "rescheduled"]}
    expected = kinds.get(kind, ["confirmation", "cancelled"])
    assert [mail.kind for mail in world.outbox] == expected


@pytest.mark.parametrize("point", ["before", "during", "after"])
@pytest.mark.parametrize("kind", ["confirm", "move", "cancel"])
def test_kill_9_around_a_zimun_write(
    sandbox: Sandbox, tmp_path: Path, kind: str, point: str
) -> None:
    out_first, out_second = run_cell(sandbox, tmp_path, kind, point)
    world = sandbox.world
    assert_truth(world, tmp_path / "bot.sqlite3", kind)
    # The first life died before telling; the second tells the truth once, then goes on.
    assert DONE[kind] not in out_first
    assert out_second.count(TOLD[kind]) == 1, out_second
    if kind == "confirm":
        [appointment] = world.appointments.values()
        assert f"(codice {appointment.booking_code})" in out_second
    # The customer's "ciao" is answered after the notice: the chat goes on.
    assert out_second.count("bot:") == 2, out_second
    assert "Cosa vuoi fare?" in out_second.split(TOLD[kind])[1]


@pytest.mark.parametrize("point", ["before", "during"])
def test_a_customer_who_confirms_again_after_the_restart_still_has_one_booking(
    sandbox: Sandbox, tmp_path: Path, point: str
) -> None:
    out_first, out_second = run_cell(sandbox, tmp_path, "confirm", point, "conferma\nsì")
    assert_truth(sandbox.world, tmp_path / "bot.sqlite3", "confirm")
    assert out_second.count(TOLD["confirm"]) == 1
    assert DONE["confirm"] not in out_first + out_second


def test_yes_then_silence_leaves_the_appointment_cancelled(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    """Issue 4's contract: the customer says yes to the cancel and walks away without answering
    the reason question; the appointment is cancelled at Zimun all the same, the slot free."""
    customer = first_life(sandbox, tmp_path)
    chat, database = customer.process, customer.database
    try:
        customer.type(customer.up_to("cancel"))
        wait_for(lambda: step(database) == "cancel_reason", "the reason question")
        # Silence: nothing more is ever typed (the input ends, and the chat with it).
        out, err = chat.communicate("", timeout=DEADLINE)
    finally:
        if chat.poll() is None:
            chat.kill()
            chat.wait(timeout=DEADLINE)
    assert chat.returncode == 0, err
    assert DONE["cancel"] in out
    assert_truth(sandbox.world, database, "cancel")
