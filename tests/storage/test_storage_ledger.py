"""The bookings ledger: which chat owns which appointment, and each one's history."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.storage import LedgerEntry, LedgerEvent, Store, UnknownBooking, open_store

NOW = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)
ROME = ZoneInfo("Europe/Rome")


def entry(
    appointment_id: str = "a_1",
    *,
    chat_id: int = 100,
    start: datetime = datetime(2026, 11, 24, 9, 0, tzinfo=UTC),
    code: str | None = "AUR-7K2Q",
    status: str = "confirmed",
) -> LedgerEntry:
    return LedgerEntry(
        appointment_id=appointment_id,
        chat_id=chat_id,
        user_id=chat_id + 1,
        service_id="s_taglio",
        service_name="Taglio",
        start=start,
        duration_minutes=30,
        status=status,
        language="it",
        contact_name="Mario Rossi",
        booking_code=code,
        created_at=NOW,
    )


async def test_recorded_booking_is_found_by_id_and_writes_a_booked_event(store: Store) -> None:
    await store.record_booking(entry())
    assert await store.find_booking("a_1") == entry()
    assert await store.booking_history("a_1") == [
        LedgerEvent("a_1", "booked", NOW, {"start": "2026-11-24T09:00:00.000000+00:00"})
    ]


async def test_times_come_back_in_utc_whatever_zone_went_in(store: Store) -> None:
    local = datetime(2026, 11, 24, 10, 0, tzinfo=ROME)
    await store.record_booking(entry(start=local))
    found = await store.find_booking("a_1")
    assert found is not None
    assert found.start == datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
    assert found.start.utcoffset() == timedelta(0)
    assert found.created_at.utcoffset() == timedelta(0)


async def test_find_booking_by_code_ignores_case_and_spaces(store: Store) -> None:
    await store.record_booking(entry())
    assert await store.find_booking("  aur-7k2q ") == entry()
    assert await store.find_booking("AUR-XXXX") is None
    assert await store.find_booking("") is None


async def test_find_booking_prefers_an_exact_appointment_id(store: Store) -> None:
    await store.record_booking(entry("A_2", code="zz"))
    await store.record_booking(entry("a_3", code="a_2"))
    found = await store.find_booking("A_2")
    assert found is not None and found.appointment_id == "A_2"


async def test_repeated_record_booking_keeps_one_entry_and_one_booked_event(store: Store) -> None:
    await store.record_booking(entry())
    await store.record_booking(replace(entry(), created_at=NOW + timedelta(minutes=5)))
    assert [e.kind for e in await store.booking_history("a_1")] == ["booked"]
    assert await store.bookings_for_chat(100) == [entry()]


async def test_bookings_for_chat_are_by_start_and_only_that_chat(store: Store) -> None:
    day = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
    await store.record_booking(entry("late", start=day + timedelta(days=2), code=None))
    await store.record_booking(entry("early", start=day, code=None))
    await store.record_booking(entry("other", chat_id=200, start=day, code=None))
    assert [e.appointment_id for e in await store.bookings_for_chat(100)] == ["early", "late"]
    assert await store.bookings_for_chat(999) == []


async def test_bookings_for_chat_after_and_cancelled_filters(store: Store) -> None:
    day = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
    await store.record_booking(entry("past", start=day - timedelta(days=10), code=None))
    await store.record_booking(entry("now", start=day, code=None))
    await store.record_booking(entry("next", start=day + timedelta(hours=1), code=None))
    await store.record_booking(entry("gone", start=day + timedelta(hours=2), code=None))
    await store.record_cancel("gone", None, NOW)

    upcoming = await store.bookings_for_chat(100, after=day)
    assert [e.appointment_id for e in upcoming] == ["next"]
    everything = await store.bookings_for_chat(100, include_cancelled=True)
    assert [e.appointment_id for e in everything] == ["past", "now", "next", "gone"]


async def test_record_move_updates_start_and_history(store: Store) -> None:
    await store.record_booking(entry())
    new_start = datetime(2026, 11, 26, 14, 30, tzinfo=UTC)
    moved_at = NOW + timedelta(hours=1)
    await store.record_move("a_1", new_start, moved_at)

    found = await store.find_booking("a_1")
    assert found is not None
    assert found.start == new_start
    assert found.status == "confirmed"
    assert (await store.booking_history("a_1"))[1] == LedgerEvent(
        "a_1",
        "moved",
        moved_at,
        {"from": "2026-11-24T09:00:00.000000+00:00", "to": "2026-11-26T14:30:00.000000+00:00"},
    )


async def test_repeated_move_to_the_same_time_adds_no_event(store: Store) -> None:
    await store.record_booking(entry())
    new_start = datetime(2026, 11, 26, 14, 30, tzinfo=UTC)
    await store.record_move("a_1", new_start, NOW)
    await store.record_move("a_1", new_start, NOW + timedelta(minutes=1))
    assert [e.kind for e in await store.booking_history("a_1")] == ["booked", "moved"]


async def test_record_cancel_marks_cancelled_and_keeps_reason_and_who(store: Store) -> None:
    await store.record_booking(entry())
    await store.record_cancel("a_1", "influenza", NOW + timedelta(hours=2), by="staff")
    await store.record_cancel("a_1", "again", NOW + timedelta(hours=3))  # retry: no-op

    found = await store.find_booking("a_1")
    assert found is not None and found.status == "cancelled"
    history = await store.booking_history("a_1")
    assert [e.kind for e in history] == ["booked", "cancelled"]
    assert history[1].details == {"reason": "influenza", "by": "staff"}
    assert history[1].at == NOW + timedelta(hours=2)


async def test_a_reason_given_after_the_cancel_is_kept_in_its_history_once(store: Store) -> None:
    await store.record_booking(entry())
    await store.record_booking(entry("b_2", code="AUR-B2"))
    assert await store.set_cancel_reason("a_1", "too early") is False  # not cancelled yet
    await store.record_cancel("a_1", None, NOW + timedelta(hours=2))
    async with store.transaction():
        assert await store.set_cancel_reason("a_1", "ho l'influenza") is True
        assert await store.set_cancel_reason("a_1", "a second one") is False  # first one stays
    history = await store.booking_history("a_1")
    assert [e.kind for e in history] == ["booked", "cancelled"]
    assert history[1].details == {"reason": "ho l'influenza", "by": "customer"}
    assert history[1].at == NOW + timedelta(hours=2)  # still the time of the cancel itself
    assert [e.kind for e in await store.booking_history("b_2")] == ["booked"]
    with pytest.raises(UnknownBooking):
        await store.set_cancel_reason("nope", "x")


async def test_cancel_defaults_to_customer_and_refuses_unknown_actor(store: Store) -> None:
    await store.record_booking(entry())
    with pytest.raises(ValueError):
        await store.record_cancel("a_1", None, NOW, by="robot")
    await store.record_cancel("a_1", None, NOW)
    assert (await store.booking_history("a_1"))[-1].details == {"reason": None, "by": "customer"}


async def test_history_is_in_time_order_with_moves_and_cancel(store: Store) -> None:
    await store.record_booking(entry())
    await store.record_move("a_1", datetime(2026, 11, 25, 9, 0, tzinfo=UTC), NOW + timedelta(1))
    await store.record_move("a_1", datetime(2026, 11, 27, 9, 0, tzinfo=UTC), NOW + timedelta(2))
    await store.record_cancel("a_1", None, NOW + timedelta(3))
    history = await store.booking_history("a_1")
    assert [e.kind for e in history] == ["booked", "moved", "moved", "cancelled"]
    assert [e.at for e in history] == sorted(e.at for e in history)
    assert history[2].details["from"] == "2026-11-25T09:00:00.000000+00:00"


async def test_move_or_cancel_of_an_unknown_booking_raises(store: Store) -> None:
    with pytest.raises(UnknownBooking):
        await store.record_move("nope", NOW, NOW)
    with pytest.raises(UnknownBooking):
        await store.record_cancel("nope", None, NOW)
    assert await store.booking_history("nope") == []


async def test_bookings_between_is_half_open_across_chats_with_cancelled(store: Store) -> None:
    day = datetime(2026, 11, 24, 0, 0, tzinfo=UTC)
    await store.record_booking(entry("before", start=day - timedelta(minutes=1), code=None))
    await store.record_booking(entry("b", chat_id=200, start=day + timedelta(hours=15), code=None))
    await store.record_booking(entry("a", start=day, code=None))
    await store.record_booking(entry("c", start=day + timedelta(hours=16), code=None))
    await store.record_cancel("c", None, NOW)
    await store.record_booking(entry("next_day", start=day + timedelta(days=1), code=None))

    agenda = await store.bookings_between(day, day + timedelta(days=1))
    assert [(e.appointment_id, e.status) for e in agenda] == [
        ("a", "confirmed"),
        ("b", "confirmed"),
        ("c", "cancelled"),
    ]


async def test_naive_datetimes_are_refused(store: Store) -> None:
    naive = datetime(2026, 11, 24, 9, 0)
    with pytest.raises(ValueError, match="timezone-aware"):
        entry(start=naive)
    await store.record_booking(entry())
    with pytest.raises(ValueError):
        await store.record_move("a_1", naive, NOW)
    with pytest.raises(ValueError):
        await store.record_cancel("a_1", None, naive)
    with pytest.raises(ValueError):
        await store.bookings_for_chat(100, after=naive)
    with pytest.raises(ValueError):
        await store.bookings_between(naive, NOW)
    assert [e.kind for e in await store.booking_history("a_1")] == ["booked"]


async def test_ledger_survives_a_restart(database_url: str) -> None:
    url = database_url
    first = await open_store(url)
    await first.record_booking(entry())
    await first.record_move("a_1", datetime(2026, 11, 25, 9, 0, tzinfo=UTC), NOW)
    await first.close()

    second = await open_store(url)
    try:
        found = await second.find_booking("aur-7k2q")
        assert found is not None and found.start == datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
        assert [e.kind for e in await second.booking_history("a_1")] == ["booked", "moved"]
    finally:
        await second.close()


async def test_an_attendance_event_is_written_once(store: Store) -> None:
    # issue 13: "reminded", "attending", "no_show" once each, however often they are recorded.
    await store.record_booking(entry())
    later = NOW + timedelta(hours=1)
    assert await store.record_event_once("a_1", "attending", later) is True
    assert await store.record_event_once("a_1", "attending", later + timedelta(minutes=1)) is False
    assert await store.record_event_once("a_1", "no_show", later, {"n": 1}) is True
    history = await store.booking_history("a_1")
    assert [e.kind for e in history] == ["booked", "attending", "no_show"]
    assert history[1].at == later and history[2].details == {"n": 1}
    with pytest.raises(UnknownBooking):
        await store.record_event_once("a_unknown", "attending", later)
