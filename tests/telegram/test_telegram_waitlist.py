"""The waiting list end to end (issue 13, item 2): through the loopback Bot API stub, the real
`Application` from `bot.bootstrap`, its due-message loop, SQLite and the sandbox. Mario waits for
Thursday at 15:00, Anna cancels it through the bot, and Mario gets the held offer by himself and
books it; a double tap on the offer acts once and Zimun sees one hold for it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path

import pytest
from botapi_stub import BotApiStub, says
from test_telegram_duplicates import IT, CountingTransport, Harness, answer, say, tap

from bot.sandbox import World, default_seed

ANNA, MARIO = 21, 22


@pytest.fixture
async def stub() -> AsyncIterator[BotApiStub]:
    async with BotApiStub().serving() as served:
        yield served


def one_person_at_work(stub: BotApiStub, tmp_path: Path) -> Harness:
    harness = Harness(stub, tmp_path)
    harness.world = World(seed=replace(default_seed(), staff=1), clock=harness.clock)
    harness.zimun = CountingTransport(harness.world)
    return harness


async def test_a_time_freed_by_a_cancel_is_held_offered_and_booked_by_the_one_waiting(
    stub: BotApiStub, tmp_path: Path
) -> None:
    harness = one_person_at_work(stub, tmp_path)
    async with harness.up():
        await say(stub, ANNA, "vorrei un taglio giovedì alle 15")
        await say(stub, ANNA, "Anna Bianchi")
        await say(stub, ANNA, "anna@example.com")
        await tap(stub, ANNA, IT("button.confirm"))

        [full] = await say(stub, MARIO, "vorrei un taglio giovedì alle 15")
        assert says(full.text, "it", "slot.time_taken")
        [joined] = await tap(stub, MARIO, IT("button.waitlist"))
        assert says(joined.text, "it", "waitlist.joined")

        await say(stub, ANNA, "disdici il mio appuntamento")
        seen = len(stub.shown_in(MARIO))
        await tap(stub, ANNA, IT("button.cancel_yes"))  # the yes cancels and frees the time
        [offer] = await answer(stub, MARIO, seen)  # sent by the due loop, unprompted
        assert says(offer.text, "it", "waitlist.offer")
        assert "le 15:00 di giovedì 26 novembre" in offer.text

        keyboard = stub.keyboards(MARIO)[-1]
        [yes] = [data for label, data in keyboard.keyboard[0] if label == IT("button.offer_yes")]
        seen = len(stub.shown_in(MARIO))
        stub.press(MARIO, keyboard.message_id, yes)
        stub.press(MARIO, keyboard.message_id, yes)  # a double tap
        shown = await answer(stub, MARIO, seen)
        assert any(says(m.text, "it", "name.ask") for m in shown) or "nome" in shown[0].text

        await say(stub, MARIO, "Mario Rossi")
        await say(stub, MARIO, "mario@example.com")
        [booked] = await tap(stub, MARIO, IT("button.confirm"))
        assert "giovedì 26 novembre alle 15:00" in booked.text

    assert [a.contact_name for a in harness.confirmed()] == ["Mario Rossi"]
    assert harness.zimun.count("POST /api/v1/appointments/hold") == 2  # Anna's, Mario's offer
    assert harness.zimun.count("POST /api/v1/appointments/confirm") == 2
