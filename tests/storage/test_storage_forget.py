"""Forgetting a chat reaches what other chats keep about it and leaves no bytes behind
(issue 10, item 5)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.storage import (
    HoldNote,
    LedgerEntry,
    ScheduledMessage,
    StaffAction,
    StaffPref,
    StaffStore,
    open_store,
    sqlite_path,
)

NOW = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
STAFF_CHAT = 7


def database_bytes(path: Path) -> bytes:
    """The database file, its WAL and its shared-memory index, as raw bytes."""
    parts = [Path(f"{path}{suffix}") for suffix in ("", "-wal", "-shm")]
    return b"".join(part.read_bytes() for part in parts if part.exists())


def entry(appointment_id: str, chat_id: int, name: str) -> LedgerEntry:
    return LedgerEntry(
        appointment_id=appointment_id,
        chat_id=chat_id,
        user_id=chat_id,
        service_id="s_taglio",
        service_name="Taglio",
        start=NOW + timedelta(days=1),
        duration_minutes=30,
        status="confirmed",
        language="it",
        contact_name=name,
        booking_code=f"CODE{appointment_id.upper()}",
        created_at=NOW,
    )


def alert(appointment_id: str, name: str) -> ScheduledMessage:
    payload = {"event": "booked", "appointment_id": appointment_id, "name": name}
    return ScheduledMessage(
        f"staff_alert:7:{appointment_id}", STAFF_CHAT, NOW, "staff_alert", payload
    )


async def fill(store: StaffStore, chat_id: int, name: str) -> None:
    appointment_id = f"a{chat_id}"
    for n in range(30):  # many versions of the session, as a real conversation writes
        await store.save_session(chat_id, {"step": "email", "contact_name": name, "n": n})
    await store.record_booking(entry(appointment_id, chat_id, name))
    await store.schedule(alert(appointment_id, name))
    await store.mark_sent(f"staff_alert:7:{appointment_id}")  # sent alerts are kept too
    await store.save_staff_action(
        StaffAction(
            f"tok{chat_id}",
            STAFF_CHAT,
            STAFF_CHAT,
            "staff_cancel",
            {"appointment_id": appointment_id, "reason": name},
            NOW,
        )
    )
    await store.save_staff_action(StaffAction(f"fgt{chat_id}", chat_id, chat_id, "forget", {}, NOW))
    await store.record_hold(
        HoldNote(
            f"h{chat_id}",
            chat_id,
            "s_taglio",
            NOW + timedelta(days=2),
            30,
            NOW + timedelta(minutes=10),
            NOW,
        )
    )


async def test_forget_erases_staff_alerts_confirmations_and_holds_about_the_chat(
    database_url: str, backend: str
) -> None:
    store = await open_store(database_url)
    try:
        await fill(store, 1, "Ottavia Pellegrinotti")
        await fill(store, 2, "Dana Scully")

        await store.set_staff_pref(StaffPref(1, notify=True, language="it"), NOW)
        await store.set_staff_pref(StaffPref(STAFF_CHAT, notify=True, language="it"), NOW)

        counts = await store.forget_chat(1)

        assert counts.scheduled == 1  # the alert in the staff chat
        assert await store.load_staff_action("tok1") is None
        assert await store.load_staff_action("fgt1") is None
        assert [h.hold_id for h in await store.active_holds(NOW)] == ["h2"]
        assert [p.user_id for p in await store.staff_prefs()] == [STAFF_CHAT]
        # The other chat keeps everything.
        assert await store.load_staff_action("tok2") is not None
        assert await store.load_staff_action("fgt2") is not None
        assert await store.find_booking("a2") is not None
    finally:
        await store.close()

    if backend != "sqlite":
        return  # PostgreSQL keeps dead row versions until vacuum: see README, "Backups"
    files = database_bytes(Path(sqlite_path(database_url)))
    assert b"Ottavia" not in files and b"CODEA1" not in files
    assert b"Dana Scully" in files and b"CODEA2" in files
