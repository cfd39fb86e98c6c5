"""Reminders that ask, through Telegram end to end (issue 13, item 1): the real `Application`, the
loopback Bot API stub, the engine and store built by `bot.bootstrap`, the sandbox on a fixed
clock. The 24 h reminder comes with Confermo / Sposta / Disdici; a double tap on Confermo is
recorded once; the 2 h reminder no longer asks; an appointment cancelled at Zimun meanwhile gets
no reminder at all."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest
from botapi_stub import BotApiStub, says
from test_telegram_booking import IT, NOW, TOMORROW_11, WHEN_IT, Harness, book_by_typing

from bot.clock import ManualClock
from bot.sandbox import World, default_seed
from bot.storage import open_store


@pytest.fixture
async def stub() -> AsyncIterator[BotApiStub]:
    async with BotApiStub().serving() as stub:
        yield stub


@pytest.fixture
def harness(stub: BotApiStub, tmp_path: Path) -> Harness:
    clock = ManualClock(NOW)
    return Harness(stub, tmp_path, World(seed=default_seed(), clock=clock), clock)


async def history(harness: Harness, chat_id: int) -> list[str]:
    store = await open_store(harness.settings.database_url)
    try:
        [entry] = await store.bookings_for_chat(chat_id, include_cancelled=True)
        return [event.kind for event in await store.booking_history(entry.appointment_id)]
    finally:
        await store.close()


async def test_the_reminder_asks_and_a_double_tap_on_confermo_counts_once(
    harness: Harness, stub: BotApiStub
) -> None:
    mario = harness.chat(31)
    async with harness.up():
        await book_by_typing(mario)
        seen = len(stub.bot_messages(31))
        harness.clock.set(TOMORROW_11 - timedelta(hours=24))
        [reminder] = (await stub.wait_replies(31, seen + 1))[seen:]
        await stub.settled()
        assert says(reminder.text, "it", "reminder.ask", service="Taglio", when=WHEN_IT)
        assert reminder.labels == [IT("button.attend"), IT("button.move"), IT("button.cancel")]

        first = stub.tap(31, IT("button.attend"))
        second = stub.tap(31, IT("button.attend"))
        await stub.wait_replies(31, seen + 1)
        await stub.settled()
        answered = [c.params["callback_query_id"] for c in stub.calls_to("answerCallbackQuery")]
        assert answered[-2:] == [first, second]
        texts = [m.text for m in stub.shown_in(31)]
        assert any(says(text, "it", "attendance.confirmed") for text in texts)

        seen = len(stub.bot_messages(31))
        harness.clock.set(TOMORROW_11 - timedelta(hours=2))
        [second_reminder] = (await stub.wait_replies(31, seen + 1))[seen:]
        await stub.settled()
    assert says(second_reminder.text, "it", "reminder.confirmed", service="Taglio")
    assert IT("button.attend") not in second_reminder.labels
    kinds = await history(harness, 31)
    assert kinds.count("attending") == 1 and kinds.count("reminded") == 1


async def test_a_typed_si_ci_sono_confirms_through_telegram(
    harness: Harness, stub: BotApiStub
) -> None:
    mario = harness.chat(32)
    async with harness.up():
        await book_by_typing(mario)
        seen = len(stub.bot_messages(32))
        harness.clock.set(TOMORROW_11 - timedelta(hours=24))
        await stub.wait_replies(32, seen + 1)
        await stub.settled()
        [thanks] = await mario.say("sì ci sono")
    assert says(thanks.text, "it", "attendance.confirmed", service="Taglio", when=WHEN_IT)
    assert "attending" in await history(harness, 32)


async def test_no_reminder_for_an_appointment_cancelled_at_zimun(
    harness: Harness, stub: BotApiStub
) -> None:
    dana, mario = harness.chat(33), harness.chat(34)
    async with harness.up():
        held = await dana.say("vorrei un taglio domani alle 10")
        assert held
        await dana.say("Dana Neri")
        await dana.say("dana@example.com")
        await dana.say("sì")
        await book_by_typing(mario)
        [cancelled] = [a for a in harness.confirmed() if a.contact_name == "Dana Neri"]
        harness.world.cancel(cancelled.id)  # at Zimun's own page, behind the bot's back
        before = len(stub.bot_messages(33))
        seen = len(stub.bot_messages(34))
        # Past both reminders' moments: Dana's (earlier) is handled first, then Mario's comes.
        harness.clock.set(TOMORROW_11 - timedelta(hours=23))
        await stub.wait_replies(34, seen + 1)
        await stub.settled()
    assert len(stub.bot_messages(33)) == before
    assert (await history(harness, 33))[-1] == "cancelled"


async def test_with_coordinates_the_confirmation_comes_with_a_venue(
    harness: Harness, stub: BotApiStub
) -> None:
    # issue 13, item 4: BUSINESS_LATITUDE/LONGITUDE set: the calendar file, then the map pin.
    harness.settings = harness.settings.model_copy(
        update={"business_latitude": 41.8986, "business_longitude": 12.4708}
    )
    mario = harness.chat(35)
    async with harness.up():
        await book_by_typing(mario)
        await stub.settled()
    *_, confirmation, pin = stub.bot_messages(35)
    assert says(confirmation.text, "it", "booked.text") and confirmation.document is not None
    assert "Ci trovi in Via dei Coronari 12, Roma." in confirmation.text
    assert stub.venues == [(35, 41.8986, 12.4708, "Salone Aurora – Centro")]
    assert pin.text == "📍 Salone Aurora – Centro, Via dei Coronari 12, Roma"
