"""/forget forgets on disk: after it, the customer's name, e-mail and booking code are not in the
bytes of the SQLite database file, its WAL or its shared-memory index (issue 10, item 5).

The customer books through the gateway and the real engine, the real ZimunClient over
httpx.ASGITransport to the sandbox World, on a SQLite *file*, with a staff member who gets alerts.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
import pytest

from bot.clock import ManualClock
from bot.conversation import Command, Customer, Engine, Press, Reply, Text
from bot.sandbox import (
    SANDBOX_CLIENT_ID,
    SANDBOX_CLIENT_SECRET,
    SANDBOX_ORGANIZATION_ID,
    World,
    create_app,
)
from bot.staff import StaffGateway, with_staff, wrap_store
from bot.storage import StaffPref, open_store
from bot.zimun import RetryPolicy, ZimunClient

ROME = ZoneInfo("Europe/Rome")
MONDAY_0915 = datetime(2026, 11, 23, 9, 15, tzinfo=ROME)
STAFF = Customer(7, 7, "Giulia", None, "it")
ZENO = Customer(4242, 4242, "Zeno", None, "it")
NAME = "Zenobia Quarantotti"
EMAIL = "zenobia.quarantotti@example.org"


async def _no_sleep(_: float) -> None:
    return None


def _files(database: Path) -> bytes:
    """Every byte SQLite keeps for this database: the file, its WAL and its shared memory."""
    found = b""
    for suffix in ("", "-wal", "-shm", "-journal"):
        path = Path(f"{database}{suffix}")
        if path.exists():
            found += path.read_bytes()
    return found


def _action(replies: list[Reply], label: str) -> str:
    for reply in replies:
        for row in reply.buttons:
            for button in row:
                if button.label == label:
                    return button.action
    raise AssertionError(f"no button {label!r} in {replies}")


@pytest.fixture
async def database(tmp_path: Path) -> Path:
    return tmp_path / "data" / "bot.sqlite3"


@pytest.fixture
async def gateway(database: Path) -> AsyncIterator[StaffGateway]:
    clock = ManualClock(MONDAY_0915)
    world = World(clock=clock)
    raw = await open_store(f"sqlite:///{database}")
    admins = {STAFF.user_id}
    store = wrap_store(raw, clock=clock, admin_ids=lambda: admins)
    await store.set_staff_pref(StaffPref(STAFF.user_id, notify=True, language="it"), clock.now())
    zimun = ZimunClient(
        base_url="http://sandbox",
        client_id=SANDBOX_CLIENT_ID,
        client_secret=SANDBOX_CLIENT_SECRET,
        organization_id=SANDBOX_ORGANIZATION_ID,
        transport=httpx.ASGITransport(app=create_app(world)),
        clock=clock,
        retry=RetryPolicy(max_attempts=1),
        sleep=_no_sleep,
    )
    engine = Engine(
        zimun=zimun,
        store=store,
        clock=clock,
        timezone=ROME,
        default_language="it",
        organization_id=SANDBOX_ORGANIZATION_ID,
    )
    try:
        yield with_staff(
            engine, store=store, zimun=zimun, clock=clock, timezone=ROME, admin_ids=lambda: admins
        )
    finally:
        await zimun.aclose()
        await store.close()


async def test_after_forget_no_name_email_or_code_is_left_in_the_database_files(
    gateway: StaffGateway, database: Path
) -> None:
    for typed in ("vorrei prenotare un taglio domani alle 10", NAME, EMAIL, "sì"):
        await gateway.handle(ZENO, Text(typed))
    store = gateway.desk._store
    [entry] = await store.bookings_for_chat(ZENO.chat_id)
    assert entry.booking_code
    # The staff member was alerted (a row naming the customer), and a reminder is scheduled.
    assert await store.pending_count() >= 2
    before = _files(database)
    assert NAME.encode() in before and entry.booking_code.encode() in before

    ask = await gateway.handle(ZENO, Command("forget"))
    done = await gateway.handle(ZENO, Press(_action(ask, "Sì, dimenticami")))
    assert done[0].text.startswith("Fatto: ho dimenticato questa chat")

    after = _files(database)
    for secret in (NAME, EMAIL, entry.booking_code, entry.appointment_id, "Zenobia", "zenobia"):
        assert secret.encode() not in after, secret
    assert await store.pending_count() == 0
