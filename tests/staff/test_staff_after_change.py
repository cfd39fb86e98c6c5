"""Issue 13 after a staff move or cancel: the message after the visit follows the appointment to
its new time (and is dropped with a cancel), and the time freed goes to the waiting list at once,
as when the customer moves or cancels through the bot."""

from __future__ import annotations

from test_staff_gateway import DANA, MARIO, STAFF, Bench, at

from bot.storage.waitlist import WaitEntry, waitlist_in


async def test_the_message_after_the_visit_follows_a_staff_move(bench: Bench) -> None:
    await bench.book_through_engine(MARIO, "un taglio domani alle 10", "Mario Rossi")
    [entry] = await bench.store.bookings_for_chat(MARIO.chat_id)
    await bench.command(STAFF, "staff_move", f"{entry.booking_code} giovedì alle 15")
    await bench.press(STAFF, "Sì, sposta")

    bench.clock.set(at(24, 18))  # four hours after the old time: the visit has not happened
    assert "Grazie della visita" not in (await bench.due()).get(MARIO.chat_id, "")
    bench.clock.set(at(26, 19))  # four hours after the new one
    assert "Grazie della visita di oggi per Taglio!" in (await bench.due())[MARIO.chat_id]


async def test_a_staff_cancel_drops_the_message_after_the_visit(bench: Bench) -> None:
    await bench.book_through_engine(MARIO, "un taglio domani alle 10", "Mario Rossi")
    [entry] = await bench.store.bookings_for_chat(MARIO.chat_id)
    await bench.command(STAFF, "staff_cancel", str(entry.booking_code))
    await bench.press(STAFF, "Sì, annulla")
    bench.clock.set(at(25, 10))
    assert "Grazie della visita" not in (await bench.due()).get(MARIO.chat_id, "")


async def test_a_time_freed_by_staff_is_offered_to_the_waiting_list(bench: Bench) -> None:
    entry = await bench.book(MARIO, at(24, 10), name="Mario Rossi")
    waitlist = waitlist_in(bench.store)
    assert waitlist is not None
    waiting = WaitEntry(
        DANA.chat_id, "s_taglio", "Taglio", at(24, 0).date(), "it", bench.clock.now()
    )
    assert await waitlist.add_waiting(waiting)
    assert await bench.due() == {}  # nobody checks the day until something happens

    await bench.command(STAFF, "staff_cancel", str(entry.booking_code))
    await bench.press(STAFF, "Sì, annulla")
    offers = [await bench.due(), await bench.due()]
    told = "".join(sent.get(DANA.chat_id, "") for sent in offers)
    assert "Buone notizie: si è liberato un orario!" in told
