"""Crash points around Zimun writes (issue 10, items 1 and 8): the engine is abandoned at a chosen
await, a new engine is built on the same database (a SQLite file, or a PostgreSQL schema: every
case runs on both backends) and the same sandbox world, and then the customer's next message (or
the start-up resolution) must leave exactly one appointment per confirmed booking, a ledger equal
to Zimun, the reminder for the right time (none for a cancelled appointment), and a customer told
what really happened.

The crash is a `BaseException` raised by wrappers passed to the engine (never patched in), so the
engine's catch-all cannot swallow it, just as it could not swallow the end of the process:
- "before": the intent is recorded, Zimun is not called;
- "answered": Zimun acted, the bot died before recording its answer;
- "recorded": Zimun's answer recorded, the ledger, reminder, session and reply not;
- "saved": everything saved but the intent not yet settled (no reply left the engine).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from engine_chat import MONDAY_0915, ROME, Chat, Harness

from bot.clock import ManualClock
from bot.conversation import Customer, Engine, Text
from bot.sandbox import SANDBOX_ORGANIZATION_ID as ORGANIZATION
from bot.sandbox import World
from bot.storage import IntentJournal, SharedStore, Store, ZimunIntent, open_store
from bot.zimun import Appointment, Availability, Hold, Location, Service, ZimunApi

TUESDAY_11 = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)
THURSDAY_15 = datetime(2026, 11, 26, 14, 0, tzinfo=UTC)
REMINDER_HOURS = 24.0


class Crash(BaseException):
    """The process dies here."""


class CrashingZimun:
    """The real client, dying before or after the write of `kind` reaches the sandbox."""

    def __init__(self, zimun: ZimunApi, kind: str, point: str) -> None:
        self._zimun = zimun
        self._kind = kind
        self._point = point

    async def _write(self, kind: str, call: Callable[[], Awaitable[Any]]) -> Any:
        if kind == self._kind and self._point == "before":
            raise Crash(f"before {kind}")
        result = await call()
        if kind == self._kind and self._point == "answered":
            raise Crash(f"after {kind} reached Zimun")
        return result

    async def list_services(self) -> list[Service]:
        return await self._zimun.list_services()

    async def list_locations(self) -> list[Location]:
        return await self._zimun.list_locations()

    async def get_availability(
        self,
        service_id: str,
        *,
        first_day: date | None = None,
        days_ahead: int = 7,
        location_id: str | None = None,
    ) -> Availability:
        return await self._zimun.get_availability(
            service_id, first_day=first_day, days_ahead=days_ahead, location_id=location_id
        )

    async def get_appointment(self, appointment_id: str) -> Appointment:
        return await self._zimun.get_appointment(appointment_id)

    async def list_appointments(
        self, *, start: datetime, end: datetime, status: str | None = None
    ) -> list[Appointment]:
        return await self._zimun.list_appointments(start=start, end=end, status=status)

    async def release_hold(self, hold_id: str) -> None:
        await self._zimun.release_hold(hold_id)

    async def hold(
        self, service_id: str, start: datetime, duration_minutes: int, *, idempotency_key: str
    ) -> Hold:
        result: Hold = await self._write(
            "hold",
            lambda: self._zimun.hold(
                service_id, start, duration_minutes, idempotency_key=idempotency_key
            ),
        )
        return result

    async def confirm(
        self,
        hold_id: str,
        *,
        name: str,
        email: str,
        idempotency_key: str,
        phone: str | None = None,
        notes: str | None = None,
    ) -> Appointment:
        result: Appointment = await self._write(
            "confirm",
            lambda: self._zimun.confirm(
                hold_id,
                name=name,
                email=email,
                idempotency_key=idempotency_key,
                phone=phone,
                notes=notes,
            ),
        )
        return result

    async def reschedule(
        self, appointment_id: str, start: datetime, *, idempotency_key: str
    ) -> Appointment:
        result: Appointment = await self._write(
            "move",
            lambda: self._zimun.reschedule(appointment_id, start, idempotency_key=idempotency_key),
        )
        return result

    async def cancel(self, appointment_id: str, *, idempotency_key: str) -> Appointment:
        result: Appointment = await self._write(
            "cancel", lambda: self._zimun.cancel(appointment_id, idempotency_key=idempotency_key)
        )
        return result


class CrashingJournal:
    """The store's journal, dying once Zimun's answer is recorded or before an intent settles."""

    def __init__(self, journal: IntentJournal, kind: str, point: str) -> None:
        self._journal = journal
        self._kind = kind
        self._point = point
        self._kinds: dict[str, str] = {}

    async def record_intent(
        self,
        *,
        key: str,
        chat_id: int,
        kind: str,
        args: dict[str, Any],
        context: dict[str, Any],
        at: datetime,
    ) -> None:
        self._kinds[key] = kind
        await self._journal.record_intent(
            key=key, chat_id=chat_id, kind=kind, args=args, context=context, at=at
        )

    async def record_result(self, key: str, result: dict[str, Any]) -> None:
        await self._journal.record_result(key, result)
        if self._kinds.get(key) == self._kind and self._point == "recorded":
            raise Crash("after the answer was recorded")

    async def settle_intent(self, key: str) -> None:
        if self._kinds.get(key) == self._kind and self._point == "saved":
            raise Crash("after the session was saved, before the intent settled")
        await self._journal.settle_intent(key)

    async def open_intents(self, chat_id: int | None = None) -> list[ZimunIntent]:
        return await self._journal.open_intents(chat_id)


@dataclass
class Life:
    """One run of the bot: an engine on its own connection to the shared database."""

    store: SharedStore
    chat: Chat


@dataclass
class World2:
    harness: Harness
    database_url: str
    stores: list[SharedStore]

    async def life(self, *, crash: tuple[str, str] | None = None) -> Life:
        store = await open_store(self.database_url)
        self.stores.append(store)
        zimun: ZimunApi = self.harness.zimun
        journal: IntentJournal = store
        if crash is not None:
            zimun = CrashingZimun(zimun, *crash)
            journal = CrashingJournal(store, *crash)
        engine = Engine(
            zimun=zimun,
            store=store,
            clock=self.harness.clock,
            timezone=ROME,
            default_language="it",
            organization_id=ORGANIZATION,
            reminder_hours=REMINDER_HOURS,
            journal=journal,
        )
        chat = self.harness.chat(engine=engine)
        chat.store = store
        return Life(store, chat)


@pytest.fixture
async def world2(database_url: str) -> AsyncIterator[World2]:
    clock = ManualClock(MONDAY_0915)
    world = World(clock=clock)
    placeholder = Harness(clock, world, None, None)  # type: ignore[arg-type]
    zimun = placeholder.client()
    harness = Harness(clock, world, None, zimun)  # type: ignore[arg-type]
    lives = World2(harness, database_url, [])
    try:
        yield lives
    finally:
        await zimun.aclose()
        for store in lives.stores:
            await store.close()


async def book(chat: Chat) -> None:
    await chat.say("un taglio domani alle 11")
    await chat.press("Mario Rossi")
    await chat.say("mario@example.com")
    await chat.press("Conferma")


async def crash_during(kind: str, chat: Chat) -> None:
    """Run the customer's steps up to the write of `kind`, which dies."""
    with pytest.raises(Crash):
        if kind == "confirm":
            await book(chat)
        elif kind == "move":
            await chat.say("sposta il mio appuntamento a giovedì alle 15")
            await chat.press("Sì, spostalo")
        else:
            await chat.say("vorrei disdire il mio appuntamento")
            await chat.press("Sì, disdici")  # the yes cancels (issue 4): the write is here


async def reminders(store: Store) -> list[tuple[str, datetime, str]]:
    due = await store.due_messages(datetime(2030, 1, 1, tzinfo=UTC))
    return [(m.key, m.due_at, str(m.payload.get("start"))) for m in due if m.kind == "reminder"]


async def assert_truth(store: SharedStore, world: World, chat_id: int) -> None:
    """Ledger = Zimun, one appointment per booking, reminders only for live ones at their time."""
    entries = await store.bookings_for_chat(chat_id, include_cancelled=True)
    assert {e.appointment_id for e in entries} == set(world.appointments)
    expected = []
    for entry in entries:
        appointment = world.appointments[entry.appointment_id]
        assert (entry.status, entry.start) == (appointment.status, appointment.start)
        if appointment.status != "cancelled":
            due = appointment.start - timedelta(hours=REMINDER_HOURS)
            key = f"reminder:{appointment.id}"
            expected.append((key, due, appointment.start.isoformat()))
    assert sorted(await reminders(store)) == sorted(expected)
    assert await store.open_intents(chat_id) == []


TOLD = {
    "confirm": "La tua prenotazione è andata a buon fine: Taglio, martedì 24 novembre alle 11:00",
    "move": "Il tuo appuntamento è stato spostato: Taglio, ora giovedì 26 novembre alle 15:00",
    "cancel": "Il tuo appuntamento è stato disdetto: Taglio, martedì 24 novembre alle 11:00",
}
STATUS = {"confirm": "confirmed", "move": "confirmed", "cancel": "cancelled"}
START = {"confirm": TUESDAY_11, "move": THURSDAY_15, "cancel": TUESDAY_11}


@pytest.mark.parametrize("resume", ["next message", "start-up"])
@pytest.mark.parametrize("point", ["before", "answered", "recorded", "saved"])
@pytest.mark.parametrize("kind", ["confirm", "move", "cancel"])
async def test_a_crash_at_a_zimun_write_is_resolved_and_told(
    world2: World2, kind: str, point: str, resume: str
) -> None:
    first = await world2.life(crash=(kind, point))
    if kind != "confirm":
        await book(first.chat)
    await crash_during(kind, first.chat)

    second = await world2.life()
    chat = second.chat
    if resume == "start-up":
        assert await chat.engine.recover() == 1
        told = await chat.due()
    else:
        told = await chat.say("ciao")
    text = "\n".join(r.text for r in told)
    assert TOLD[kind] in text
    world = chat.world
    [appointment] = world.appointments.values()
    assert (appointment.status, appointment.start) == (STATUS[kind], START[kind])
    if kind == "confirm":
        assert f"(codice {appointment.booking_code})" in text
    await assert_truth(second.store, world, chat.customer.chat_id)

    # The chat goes on, and nothing is told twice.
    again = await chat.say("ciao")
    assert not any(TOLD[kind] in r.text for r in again)
    assert await chat.due() == []
    assert len(world.appointments) == 1


async def test_a_press_on_the_keyboard_left_by_the_crash_gets_the_truth_once(
    world2: World2,
) -> None:
    first = await world2.life(crash=("confirm", "answered"))
    await crash_during("confirm", first.chat)
    second = await world2.life()
    chat = second.chat
    confirm = first.chat.action("Conferma")
    await chat.press_action(confirm)
    assert TOLD["confirm"] in chat.text
    await chat.press_action(confirm)
    assert "già confermata" in chat.text
    assert len(chat.world.appointments) == 1


@pytest.mark.parametrize("point", ["before", "answered", "recorded", "saved"])
async def test_a_crash_at_a_hold_leaves_the_customer_one_hold_and_the_chat_going_on(
    world2: World2, point: str
) -> None:
    first = await world2.life(crash=("hold", point))
    with pytest.raises(Crash):
        await first.chat.say("un taglio domani alle 11")
    before = dict(first.chat.world.holds)
    second = await world2.life()
    chat = second.chat
    await chat.say("un taglio domani alle 11")
    assert "Ti tengo da parte martedì 24 novembre alle 11:00" in chat.text
    live = [h for h in chat.world.holds.values() if not h.released]
    if point in ("answered", "recorded"):
        # Placed, never told: released, and its key never used again.
        [orphan] = before.values()
        assert orphan.released
    assert len(live) == 1
    await chat.press("Mario Rossi")
    await chat.say("mario@example.com")
    await chat.press("Conferma")
    assert len(chat.world.appointments) == 1
    await assert_truth(second.store, chat.world, chat.customer.chat_id)


async def test_zimun_down_while_resolving_keeps_the_intent_and_says_try_again(
    world2: World2,
) -> None:
    first = await world2.life(crash=("confirm", "answered"))
    await crash_during("confirm", first.chat)
    second = await world2.life()
    chat = second.chat
    chat.world.set_faults(error_rate=1.0)
    await chat.say("ciao")
    assert "Riprova" in chat.labels()
    assert len(await second.store.open_intents(chat.customer.chat_id)) == 1
    chat.world.clear_faults()
    await chat.press("Riprova")
    assert TOLD["confirm"] in chat.text
    await assert_truth(second.store, chat.world, chat.customer.chat_id)


async def test_an_intent_replayed_after_the_hold_ran_out_books_nothing_and_the_chat_goes_on(
    world2: World2,
) -> None:
    first = await world2.life(crash=("confirm", "before"))
    await crash_during("confirm", first.chat)
    first.chat.advance(minutes=30)  # the hold ran out while the bot was down
    second = await world2.life()
    chat = second.chat
    await chat.say("ciao")
    assert "buon fine" not in chat.text
    assert [a for a in chat.world.appointments.values()] == []
    assert await second.store.open_intents(chat.customer.chat_id) == []


def _customer(chat_id: int) -> Customer:
    return Customer(chat_id, chat_id, "Mario", "Rossi", "it")


async def test_the_journal_is_empty_after_a_whole_booking(world2: World2) -> None:
    life = await world2.life()
    await book(life.chat)
    await life.chat.engine.handle(_customer(1001), Text("ciao"))
    assert await life.store.open_intents() == []


@pytest.mark.parametrize("point", ["before", "answered"])
async def test_a_move_older_than_zimuns_key_memory_is_read_back_not_replayed(
    world2: World2, point: str
) -> None:
    first = await world2.life(crash=("move", point))
    await book(first.chat)
    await crash_during("move", first.chat)
    first.chat.advance(hours=24)  # a replay now could move it anew: it is read instead
    second = await world2.life()
    chat = second.chat
    await chat.say("ciao")
    [appointment] = chat.world.appointments.values()
    if point == "before":
        assert appointment.start == TUESDAY_11  # never moved, and not moved now
        assert "spostato" not in chat.text
    else:
        assert appointment.start == THURSDAY_15
        assert TOLD["move"] in chat.text
    [entry] = await second.store.bookings_for_chat(chat.customer.chat_id)
    assert entry.start == appointment.start
    assert await second.store.open_intents() == []


async def test_a_hold_notice_due_after_the_crash_tells_the_booking_not_the_hold_ran_out(
    world2: World2,
) -> None:
    first = await world2.life(crash=("confirm", "answered"))
    await crash_during("confirm", first.chat)
    first.chat.advance(minutes=11)  # the hold notices fall due before the customer writes
    second = await world2.life()
    chat = second.chat
    told = await chat.due()
    text = "\n".join(r.text for r in told)
    assert TOLD["confirm"] in text
    assert text.count(TOLD["confirm"]) == 1
    assert "scadut" not in text
    await assert_truth(second.store, chat.world, chat.customer.chat_id)
