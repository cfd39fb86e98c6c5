"""Issue 13's "Done when", end to end through Telegram: the real `Application` from
`bot.bootstrap`, its due-message loop, SQLite, the loopback Bot API stub and the sandbox (one
person at work, so one booking fills a time) on a fixed clock that only the test moves.

Mario books and confirms at the 24 h reminder; Dana asks for the Thursday time Anna has and waits
for it; Anna cancels through the bot and Dana gets the held offer at once (no clock move: well
within the check interval) and books it; after his visit Mario rates it 5 and books the same again
with one tap plus a time; Dana does not come. Staff see the confirmation, the waiting list, the
rating and the no-show in /today, /waitlist, /stats and /export; Anna's cancelled appointment never
gets a reminder.
"""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from botapi_stub import BotApiStub, says
from test_telegram_booking import IT, NOW, STAFF_ID, TOMORROW_11, WHEN_IT, Harness, book_by_typing

from bot.clock import ManualClock
from bot.sandbox import World, default_seed

MARIO, ANNA, DANA = 61, 62, 63
MONDAY_11 = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)  # 24 h before Mario's Tuesday 11:00
TUESDAY_15 = datetime(2026, 11, 24, 14, 0, tzinfo=UTC)  # his message after the visit
WEDNESDAY_15 = datetime(2026, 11, 25, 14, 0, tzinfo=UTC)  # 24 h before Dana's Thursday 15:00
THURSDAY_1530 = datetime(2026, 11, 26, 14, 30, tzinfo=UTC)  # Dana's 15:00 has begun


@pytest.fixture
async def stub() -> AsyncIterator[BotApiStub]:
    async with BotApiStub().serving() as served:
        yield served


async def arrived(stub: BotApiStub, chat_id: int, seen: int, count: int = 1) -> list[str]:
    """The texts the due loop sent to a chat by itself, once `count` of them are there."""
    await stub.wait_replies(chat_id, seen + count)
    await stub.settled(quiet=0.15)
    return [message.text for message in stub.bot_messages(chat_id)[seen:]]


async def test_reminder_waiting_list_rating_same_again_and_no_show_as_staff_see_them(
    stub: BotApiStub, tmp_path: Path
) -> None:
    clock = ManualClock(NOW)
    harness = Harness(
        stub, tmp_path, World(seed=replace(default_seed(), staff=1), clock=clock), clock
    )
    mario, anna = harness.chat(MARIO), harness.chat(ANNA, first_name="Anna")
    dana, staff = harness.chat(DANA, first_name="Dana"), harness.chat(STAFF_ID, first_name="Giulia")
    async with harness.up():
        # Mario books Tuesday 11:00 and gets the 24 h reminder with its three buttons.
        await book_by_typing(mario)
        seen = len(stub.bot_messages(MARIO))
        clock.set(MONDAY_11)
        [reminder] = await arrived(stub, MARIO, seen)
        assert says(reminder, "it", "reminder.ask", service="Taglio", when=WHEN_IT)
        assert stub.bot_messages(MARIO)[-1].labels == [
            IT("button.attend"),
            IT("button.move"),
            IT("button.cancel"),
        ]
        [confirmed] = await mario.tap(IT("button.attend"))
        assert says(confirmed.text, "it", "attendance.confirmed")

        # Anna has Thursday 15:00; Dana wants it, finds it full and waits for it.
        await anna.say("vorrei un taglio giovedì alle 15")
        await anna.say("Anna Bianchi")
        await anna.say("anna@example.com")
        await anna.tap(IT("button.confirm"))
        [full] = await dana.say("vorrei un taglio giovedì alle 15")
        assert says(full.text, "it", "slot.time_taken")
        [joined] = await dana.tap(IT("button.waitlist"))
        assert says(joined.text, "it", "waitlist.joined")
        [waiting] = await staff.say("/waitlist giovedì")
        assert says(waiting.text, "it", "staff.waitlist.title", count="1")

        # Anna cancels through the bot: Dana gets the held time by herself, and takes it.
        await anna.say("disdici il mio appuntamento")
        seen = len(stub.bot_messages(DANA))
        await anna.tap(IT("button.cancel_yes"))  # the yes cancels: no reason needed
        [offer] = await arrived(stub, DANA, seen)
        assert says(offer, "it", "waitlist.offer") and "le 15:00 di giovedì 26 novembre" in offer
        await dana.tap(IT("button.offer_yes"))
        await dana.say("Dana Verdi")
        await dana.say("dana@example.com")
        booked = await dana.tap(IT("button.confirm"))
        assert any("giovedì 26 novembre alle 15:00" in m.text for m in booked)

        # Tuesday afternoon: the thanks after Mario's visit; staff see he had confirmed.
        seen = len(stub.bot_messages(MARIO))
        clock.set(TUESDAY_15)
        # The 2 h reminder's moment has passed with his visit: only the thanks comes.
        [after] = await arrived(stub, MARIO, seen)
        assert says(after, "it", "visit.after", service="Taglio")
        [today] = await staff.say("/today")
        assert "Mario Rossi" in today.text and IT("staff.attendance.confirmed") in today.text
        [rated] = await mario.tap("5")
        assert says(rated.text, "it", "visit.rated")
        again = await mario.tap(IT("button.rebook"))
        assert says(again[0].text, "it", "rebook.lead", service="Taglio", name="Mario Rossi")
        summary = await mario.say("venerdì alle 10")  # name and e-mail are already known
        assert "mario@example.com" in summary[-1].text
        rebooked = await mario.tap(IT("button.confirm"))
        assert any("venerdì 27 novembre alle 10:00" in m.text for m in rebooked)

        # Dana's 24 h reminder on Wednesday; on Thursday at 15:30 she has not come.
        seen = len(stub.bot_messages(DANA))
        clock.set(WEDNESDAY_15)
        [dana_reminder] = await arrived(stub, DANA, seen)
        assert says(dana_reminder, "it", "reminder.ask", service="Taglio")
        clock.set(THURSDAY_1530)
        [dana_booking] = [a for a in harness.confirmed() if a.contact_name == "Dana Verdi"]
        [marked] = await staff.say(f"/noshow {dana_booking.booking_code}")
        assert says(marked.text, "it", "staff.noshow.done", name="Dana Verdi", count="1")
        [today] = await staff.say("/today")
        assert "Dana Verdi" in today.text and IT("staff.attendance.no_show") in today.text
        [stats] = await staff.say("/stats")
        assert "confermati dal cliente: 1; mancate presenze: 1" in stats.text
        assert says(stats.text, "it", "staff.stats.ratings", average="5,0", count="1")
        [export] = await staff.say("/export")
        assert export.document is not None

    rows = list(csv.reader(io.StringIO(export.document[1].decode("utf-8-sig"))))
    by_name = {row[4]: row for row in rows[1:] if row[7] == IT("staff.export.source.bot")}
    yes = IT("staff.export.yes")
    # columns: date, time, code, service, name, email, status, source, reminded, confirmed,
    # no_show, rating
    assert by_name["Mario Rossi"][9:12] == [yes, IT("staff.export.no"), "5"]
    assert by_name["Dana Verdi"][10] == yes
    assert by_name["Anna Bianchi"][6] == IT("staff.status.cancelled")
    # Anna's cancelled appointment never got a reminder (both of its moments have passed).
    assert not any(
        says(m.text, "it", "reminder.ask") or says(m.text, "it", "reminder.confirmed")
        for m in stub.bot_messages(ANNA)
    )
    assert TOMORROW_11 in [a.start for a in harness.world.appointments.values()]
