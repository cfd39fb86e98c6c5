"""One store transaction per event, and checkpoints on disk before the Zimun write they guard.

The Zimun client here is the real one over the sandbox, subclassed only to look at the database
file from a second connection at the moment of each write, as a crash there would leave it.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from engine_chat import MONDAY_0915, ROME, Chat, Harness, _no_sleep

from bot.clock import ManualClock
from bot.conversation import Customer
from bot.conversation.actions import instant_arg
from bot.conversation.session import Session
from bot.conversation.turn import Deps, Turn
from bot.sandbox import (
    SANDBOX_CLIENT_ID,
    SANDBOX_CLIENT_SECRET,
    SANDBOX_ORGANIZATION_ID,
    World,
    create_app,
)
from bot.storage.sqlite import SqliteStore, open_sqlite
from bot.zimun import Appointment, Hold, RetryPolicy, ZimunClient

CHAT_ID = 1001


@dataclass
class Seen:
    """What the database file held at the moment of a Zimun write."""

    call: str
    key: str
    session: dict[str, Any] | None
    target: str  # the hold's "service@instant", or the hold id being confirmed


class PeekingZimun(ZimunClient):
    """The real client; before each hold and confirm, reads the session from the file."""

    def __init__(self, path: Path, seen: list[Seen], **options: Any) -> None:
        super().__init__(**options)
        self._path = path
        self._seen = seen

    def _session_on_disk(self) -> dict[str, Any] | None:
        with sqlite3.connect(self._path) as other:
            row = other.execute(
                "SELECT data FROM sessions WHERE chat_id = ?", (CHAT_ID,)
            ).fetchone()
        return None if row is None else dict(json.loads(row[0]))

    async def hold(
        self, service_id: str, start: datetime, duration_minutes: int, *, idempotency_key: str
    ) -> Hold:
        target = f"{service_id}@{instant_arg(start)}"
        self._seen.append(Seen("hold", idempotency_key, self._session_on_disk(), target))
        return await super().hold(
            service_id, start, duration_minutes, idempotency_key=idempotency_key
        )

    async def confirm(self, hold_id: str, **options: Any) -> Appointment:
        seen = Seen("confirm", options["idempotency_key"], self._session_on_disk(), hold_id)
        self._seen.append(seen)
        return await super().confirm(hold_id, **options)


@dataclass
class Setup:
    harness: Harness
    store: SqliteStore
    seen: list[Seen] = field(default_factory=list)


@pytest.fixture
async def setup(tmp_path: Path) -> AsyncIterator[Setup]:
    path = tmp_path / "bot.sqlite3"
    clock = ManualClock(MONDAY_0915)
    world = World(clock=clock)
    store = await open_sqlite(str(path))
    seen: list[Seen] = []
    zimun = PeekingZimun(
        path,
        seen,
        base_url="http://sandbox",
        client_id=SANDBOX_CLIENT_ID,
        client_secret=SANDBOX_CLIENT_SECRET,
        organization_id=SANDBOX_ORGANIZATION_ID,
        transport=httpx.ASGITransport(app=create_app(world)),
        clock=clock,
        retry=RetryPolicy(max_attempts=1),
        sleep=_no_sleep,
    )
    try:
        yield Setup(Harness(clock, world, store, zimun), store, seen)
    finally:
        await zimun.aclose()
        await store.close()


async def book(chat: Chat) -> None:
    await chat.say("ciao, vorrei prenotare un taglio domani alle 11")
    await chat.say("Mario Rossi")
    await chat.say("mario.rossi@example.com")
    await chat.say("sì")
    assert "Codice prenotazione" in chat.text


def key_from(
    session_on_disk: dict[str, Any] | None, harness: Harness, action: str, target: str
) -> str:
    """The idempotency key a restarted bot would derive from the session found on disk."""
    session = Session.from_dict(session_on_disk)
    deps = Deps(
        zimun=harness.zimun,
        store=harness.store,
        clock=harness.clock,
        timezone=ROME,
        default_language="it",
        organization_id=SANDBOX_ORGANIZATION_ID,
        service_id=None,
        horizon_days=60,
        reminder_hours=24.0,
    )
    turn = Turn(deps, Customer(CHAT_ID, CHAT_ID), session)
    attempt = session.hold_seq if action == "hold" else 0
    if action == "confirm":  # the contact is part of a confirm's key (a refused one is not reused)
        target = f"{target}|{session.contact_name or ''}|{session.contact_email or ''}"
    return turn.key(session, action, target, attempt)


async def test_the_checkpoint_is_on_disk_before_each_zimun_write(setup: Setup) -> None:
    await book(setup.harness.chat(chat_id=CHAT_ID))
    assert [s.call for s in setup.seen] == ["hold", "confirm"]
    hold, confirm = setup.seen
    # The first event of a new chat: nothing but the checkpoint can have saved its session.
    assert hold.session is not None
    assert hold.key == key_from(hold.session, setup.harness, "hold", hold.target)
    assert confirm.session is not None and confirm.session["hold"]["hold_id"] == confirm.target
    assert confirm.key == key_from(confirm.session, setup.harness, "confirm", confirm.target)


async def test_a_booking_takes_a_handful_of_commits(setup: Setup) -> None:
    chat = setup.harness.chat(chat_id=CHAT_ID)
    before = setup.store.commits
    await book(chat)
    # One per event (4) plus one per checkpoint (hold, confirm); each write on its own took 18.
    assert setup.store.commits - before == 6
