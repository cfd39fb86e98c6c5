"""NOSHOW_LIMIT (issue 13, item 5): after that many no-shows a customer's new booking is passed to
staff with the hold kept; one tap approves it (booked once, even if two staff members approve) or
declines it (the hold released); the customer is told politely either way."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from test_staff_gateway import DANA, MONDAY_0915, ROME, STAFF, STAFF_EN, Bench, _no_sleep, at

from bot.clock import ManualClock
from bot.conversation import Engine, Press, Reply, Text
from bot.sandbox import (
    SANDBOX_CLIENT_ID,
    SANDBOX_CLIENT_SECRET,
    SANDBOX_ORGANIZATION_ID,
    World,
    create_app,
)
from bot.staff import observe_zimun, with_staff, wrap_store
from bot.storage import open_store
from bot.zimun import RetryPolicy, ZimunClient


@pytest.fixture
async def strict() -> AsyncIterator[Bench]:
    """The staff bench with NOSHOW_LIMIT=1."""
    clock = ManualClock(MONDAY_0915)
    world = World(clock=clock)
    raw = await open_store("sqlite:///:memory:")
    admins = {STAFF.user_id, STAFF_EN.user_id}
    store = wrap_store(raw, clock=clock, admin_ids=lambda: admins)
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
        zimun=observe_zimun(zimun, store=store, clock=clock),
        store=store,
        clock=clock,
        timezone=ROME,
        default_language="it",
        organization_id=SANDBOX_ORGANIZATION_ID,
        noshow_limit=1,
    )
    gateway = with_staff(
        engine, store=store, zimun=zimun, clock=clock, timezone=ROME, admin_ids=lambda: admins
    )
    try:
        yield Bench(clock, world, store, zimun, engine, gateway, admins)
    finally:
        await zimun.aclose()
        await store.close()


async def due(bench: Bench) -> dict[int, list[Reply]]:
    sent: dict[int, list[Reply]] = {}
    for message in await bench.store.due_messages(bench.clock.now()):
        sent.setdefault(message.chat_id, []).extend(await bench.gateway.scheduled(message))
        await bench.store.mark_sent(message.key)
    return sent


def button(replies: list[Reply], label: str) -> str:
    return next(b.action for r in replies for row in r.buttons for b in row if b.label == label)


async def dana_after_a_no_show(bench: Bench) -> str:
    missed = await bench.book(DANA, at(23, 10), name="Dana Scully", language="en")
    bench.clock.set(at(23, 10, 30))
    assert "did not come" in await bench.command(STAFF_EN, "noshow", missed.booking_code or "")
    await bench.send(DANA, _text("a haircut tomorrow at 11"))
    await bench.send(DANA, _text("Dana Scully"))
    await bench.send(DANA, _text("dana@example.com"))
    return await bench.send(DANA, _text("yes"))


def _text(text: str) -> Text:
    return Text(text)


async def test_an_approved_booking_is_booked_once_and_the_customer_told(strict: Bench) -> None:
    answer = await dana_after_a_no_show(strict)
    assert answer.startswith("Thanks! For this booking the salon confirms it personally")
    assert len([a for a in strict.world.appointments.values() if a.status == "confirmed"]) == 1
    # The hold is kept while staff decide.
    assert len([h for h in strict.world.holds.values() if h.appointment_id is None]) == 1

    requests = await due(strict)
    italian, english = requests[STAFF.chat_id], requests[STAFF_EN.chat_id]
    assert italian[0].text.startswith("Prenotazione da approvare: Dana Scully, Taglio,")
    assert "(1 mancate presenze)" in italian[0].text
    approved = await strict.gateway.handle(STAFF, Press(button(italian, "Approva")))
    assert approved[0].text.startswith("Approvata: Dana Scully è prenotato")
    # Scheduled staff messages are in the /notify language, else the business's: Italian here.
    again = await strict.gateway.handle(STAFF_EN, Press(button(english, "Approva")))
    assert again[0].text.startswith("Approved: Dana Scully is booked")  # the same booking

    confirmed = [a for a in strict.world.appointments.values() if a.status == "confirmed"]
    assert len(confirmed) == 2  # the missed one and the approved one: booked once
    told = (await due(strict))[DANA.chat_id]
    assert told[0].text.startswith("Good news: the salon confirmed your booking!")
    assert told[0].attachments[0].filename.endswith(".ics")
    assert len(await strict.store.bookings_for_chat(DANA.chat_id)) == 2


async def test_a_declined_booking_releases_the_hold_and_says_so(strict: Bench) -> None:
    await dana_after_a_no_show(strict)
    requests = await due(strict)
    declined = await strict.gateway.handle(STAFF, Press(button(requests[STAFF.chat_id], "Rifiuta")))
    assert declined[0].text.startswith("Rifiutata: l'orario è di nuovo libero")
    told = (await due(strict))[DANA.chat_id]
    assert told[0].text.startswith("I'm sorry: the salon can't confirm")
    assert all(h.released for h in strict.world.holds.values() if h.appointment_id is None)
    assert len(await strict.store.bookings_for_chat(DANA.chat_id)) == 1


async def test_without_the_limit_nothing_waits(bench: Bench) -> None:
    missed = await bench.book(DANA, at(23, 10), name="Dana Scully", language="en")
    bench.clock.set(at(23, 10, 30))
    await bench.command(STAFF_EN, "noshow", missed.booking_code or "")
    await bench.book_through_engine(DANA, "a haircut tomorrow at 11", "Dana Scully")
    assert len(await bench.store.bookings_for_chat(DANA.chat_id)) == 2
