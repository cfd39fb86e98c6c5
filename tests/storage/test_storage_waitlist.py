"""The waiting list (issue 13): one entry per chat, day and service, first come first served,
gone with its day or when the customer leaves it or is forgotten; on both backends."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from bot.storage import StaffStore
from bot.storage.waitlist import WaitEntry, Waitlist

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
THURSDAY = date(2026, 11, 26)


def entry(chat_id: int, minutes: int = 0, **changes: object) -> WaitEntry:
    values: dict[str, object] = {
        "chat_id": chat_id,
        "service_id": "s_taglio",
        "service_name": "Taglio",
        "day": THURSDAY,
        "language": "it",
        "created_at": NOW + timedelta(minutes=minutes),
    }
    values.update(changes)
    return WaitEntry(**values)  # type: ignore[arg-type]


async def test_the_queue_of_a_day_is_first_come_first_served(store: StaffStore) -> None:
    assert isinstance(store, Waitlist)
    assert await store.add_waiting(entry(2, 5))
    assert await store.add_waiting(entry(1, 0, window_start=time(15), window_end=time(18)))
    assert await store.add_waiting(entry(3, 1, service_id="s_colore", service_name="Colore"))
    queue = await store.waiting_on(THURSDAY, "s_taglio")
    assert [e.chat_id for e in queue] == [1, 2]
    assert queue[0].window_start == time(15) and queue[0].window_end == time(18)
    assert queue[0].wants(time(16, 30)) and not queue[0].wants(time(11))
    assert [e.chat_id for e in await store.waiting_on(THURSDAY)] == [1, 3, 2]


async def test_one_entry_per_chat_day_and_service_keeps_its_place(store: StaffStore) -> None:
    assert isinstance(store, Waitlist)
    await store.add_waiting(entry(1, 0))
    await store.add_waiting(entry(2, 1))
    assert not await store.add_waiting(entry(1, 9, window_start=time(10), window_end=time(12)))
    queue = await store.waiting_on(THURSDAY, "s_taglio")
    assert [e.chat_id for e in queue] == [1, 2]
    assert queue[0].window_start == time(10)


async def test_a_customer_lists_and_leaves_entries(store: StaffStore) -> None:
    assert isinstance(store, Waitlist)
    await store.add_waiting(entry(1))
    await store.add_waiting(entry(1, day=THURSDAY + timedelta(days=1)))
    assert [e.day for e in await store.waiting_for_chat(1)] == [THURSDAY, date(2026, 11, 27)]
    assert await store.remove_waiting(1, THURSDAY, "s_taglio")
    assert not await store.remove_waiting(1, THURSDAY, "s_taglio")
    assert [e.day for e in await store.waiting_for_chat(1)] == [date(2026, 11, 27)]


async def test_times_let_go_are_remembered_once(store: StaffStore) -> None:
    assert isinstance(store, Waitlist)
    await store.add_waiting(entry(1))
    await store.pass_waiting(1, THURSDAY, "s_taglio", "20261126T1400")
    await store.pass_waiting(1, THURSDAY, "s_taglio", "20261126T1400")
    await store.pass_waiting(1, THURSDAY, "s_taglio", "20261126T1500")
    await store.pass_waiting(9, THURSDAY, "s_taglio", "20261126T1500")  # no entry: ignored
    (kept,) = await store.waiting_for_chat(1)
    assert kept.passed == ("20261126T1400", "20261126T1500")


async def test_entries_expire_with_their_day_and_go_with_the_chat(store: StaffStore) -> None:
    assert isinstance(store, Waitlist)
    await store.add_waiting(entry(1))
    await store.add_waiting(entry(2, day=THURSDAY + timedelta(days=1)))
    await store.add_waiting(entry(3, day=THURSDAY + timedelta(days=1)))
    assert await store.prune_waiting(THURSDAY + timedelta(days=1)) == 1
    assert await store.waiting_on(THURSDAY) == []
    await store.forget_chat(2)
    assert [e.chat_id for e in await store.waiting_on(THURSDAY + timedelta(days=1))] == [3]
