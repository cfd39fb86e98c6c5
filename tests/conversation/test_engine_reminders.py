"""Reminders read the truth (issue 10, item 3): before a reminder goes out, the engine reads the
appointment at Zimun and brings the ledger up to date. Moved → the reminder states the new time;
cancelled → nothing is sent; Zimun down → the ledger decides."""

from __future__ import annotations

from datetime import UTC, datetime

from engine_chat import ROME, Chat, Harness

from bot.conversation import Command, Press
from bot.staff import with_staff, wrap_store

# Booked for Wednesday 25 November at 11:00; its reminder falls due a day before.
WEDNESDAY_11 = datetime(2026, 11, 25, 11, 0, tzinfo=ROME)
REMINDER_DUE = datetime(2026, 11, 24, 10, 5, tzinfo=UTC)  # Tuesday 11:05 in Rome


async def book_wednesday(chat: Chat) -> str:
    await chat.say("un taglio mercoledì alle 11")
    await chat.say("Mario Rossi")
    await chat.say("mario@example.com")
    await chat.say("sì")
    [entry] = await chat.store.bookings_for_chat(chat.customer.chat_id)
    assert entry.start == WEDNESDAY_11
    return entry.appointment_id


async def test_a_move_made_at_zimun_is_the_time_the_reminder_states(chat: Chat) -> None:
    appointment_id = await book_wednesday(chat)
    chat.world.move(appointment_id, datetime(2026, 11, 25, 16, 0, tzinfo=ROME))

    chat.clock.set(REMINDER_DUE)
    [reminder] = await chat.due()

    assert "Taglio, mercoledì 25 novembre alle 16:00" in reminder.text
    entry = await chat.store.find_booking(appointment_id)
    assert entry is not None and entry.start == datetime(2026, 11, 25, 16, 0, tzinfo=ROME)
    kinds = [e.kind for e in await chat.store.booking_history(appointment_id)]
    assert kinds[-2:] == ["moved", "reminded"]  # the move read first, then the reminder sent


async def test_a_move_patched_through_the_client_is_the_time_the_reminder_states(
    harness: Harness, chat: Chat
) -> None:
    appointment_id = await book_wednesday(chat)
    other = harness.client()  # another channel (Zimun's own page, a staff tool) moves it
    try:
        await other.reschedule(
            appointment_id,
            datetime(2026, 11, 25, 9, 30, tzinfo=ROME).astimezone(UTC),
            idempotency_key="elsewhere-move",
        )
    finally:
        await other.aclose()

    chat.clock.set(REMINDER_DUE)
    [reminder] = await chat.due()

    assert "Taglio, mercoledì 25 novembre alle 9:30" in reminder.text
    assert "11:00" not in reminder.text
    [entry] = await chat.store.bookings_for_chat(chat.customer.chat_id)
    assert entry.start == datetime(2026, 11, 25, 9, 30, tzinfo=ROME)


async def test_a_cancel_made_at_zimun_sends_no_reminder(chat: Chat) -> None:
    appointment_id = await book_wednesday(chat)
    chat.world.cancel(appointment_id)

    chat.clock.set(REMINDER_DUE)
    assert await chat.due() == []

    entry = await chat.store.find_booking(appointment_id)
    assert entry is not None and entry.status == "cancelled"
    assert await chat.store.due_messages(chat.clock.now()) == []


async def test_with_zimun_down_the_ledger_decides(harness: Harness) -> None:
    zimun = harness.client()
    try:
        chat = harness.chat(engine=harness.engine(zimun=zimun))
        await book_wednesday(chat)
        chat.world.set_faults(error_rate=1.0)
        chat.clock.set(REMINDER_DUE)
        [reminder] = await chat.due()
    finally:
        await zimun.aclose()
    assert "Taglio, mercoledì 25 novembre alle 11:00" in reminder.text


async def test_a_move_by_the_staff_desk_is_the_time_the_reminder_states(harness: Harness) -> None:
    admins = {7}
    store = wrap_store(harness.store, clock=harness.clock, admin_ids=lambda: admins)
    engine = harness.engine(store=store)
    gateway = with_staff(
        engine,
        store=store,
        zimun=harness.zimun,
        clock=harness.clock,
        timezone=ROME,
        admin_ids=lambda: admins,
    )
    mario = harness.chat(engine=engine)
    appointment_id = await book_wednesday(mario)
    [entry] = await harness.store.bookings_for_chat(mario.customer.chat_id)
    staff = harness.chat(chat_id=7, first_name="Giulia", last_name=None)

    ask = await gateway.handle(
        staff.customer, Command("staff_move", f"{entry.booking_code} giovedì alle 15")
    )
    [yes] = [b.action for r in ask for row in r.buttons for b in row if b.label == "Sì, sposta"]
    await gateway.handle(staff.customer, Press(yes))

    async def due_for_mario() -> list[str]:
        texts = []
        for message in await harness.store.due_messages(harness.clock.now()):
            replies = await gateway.scheduled(message)
            await harness.store.mark_sent(message.key)
            if message.chat_id == mario.customer.chat_id:
                texts += [reply.text for reply in replies]
        return texts

    await due_for_mario()  # the staff's notice of the move
    harness.clock.set(REMINDER_DUE)  # the old reminder's moment: it followed the move
    assert await due_for_mario() == []
    harness.clock.set(datetime(2026, 11, 25, 15, 5, tzinfo=ROME))
    [reminder] = await due_for_mario()
    assert "Taglio, giovedì 26 novembre alle 15:00" in reminder
    assert harness.world.appointments[appointment_id].start == datetime(
        2026, 11, 26, 14, 0, tzinfo=UTC
    )
