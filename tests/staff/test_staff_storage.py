"""What staff features keep in storage, the alerting store wrapper, /stats arithmetic and the
confirmation buttons' actions; on a real store of each backend."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.clock import ManualClock
from bot.staff import NotifyingStore, wrap_store
from bot.staff.actions import decode, encode, is_staff_action
from bot.staff.stats import compute
from bot.storage import (
    HoldNote,
    LedgerEntry,
    Metric,
    MetricKind,
    StaffAction,
    StaffActionState,
    StaffPref,
    StaffStore,
)

NOW = datetime(2026, 11, 23, 8, 15, tzinfo=UTC)
ROME = ZoneInfo("Europe/Rome")


def entry(appointment_id: str, chat_id: int, start: datetime) -> LedgerEntry:
    return LedgerEntry(
        appointment_id=appointment_id,
        chat_id=chat_id,
        user_id=chat_id,
        service_id="s_taglio",
        service_name="Taglio",
        start=start,
        duration_minutes=30,
        status="confirmed",
        language="it",
        contact_name="Mario Rossi",
        booking_code=f"C{appointment_id}",
        created_at=NOW,
    )


async def test_a_pending_action_is_finished_only_once(store: StaffStore) -> None:
    action = StaffAction("abcdef012345", 7, 7, "staff_cancel", {"appointment_id": "a1"}, NOW)
    await store.save_staff_action(action)

    assert await store.load_staff_action("abcdef012345") == action
    assert await store.finish_staff_action("abcdef012345", StaffActionState.DONE) is True
    assert await store.finish_staff_action("abcdef012345", StaffActionState.DONE) is False
    finished = await store.load_staff_action("abcdef012345")
    assert finished is not None and finished.state == StaffActionState.DONE
    assert await store.load_staff_action("unknown") is None


async def test_holds_are_listed_until_they_expire_or_end(store: StaffStore) -> None:
    def hold(hold_id: str, chat_id: int | None, minutes: int) -> HoldNote:
        return HoldNote(
            hold_id,
            chat_id,
            "s_taglio",
            NOW + timedelta(days=1),
            30,
            NOW + timedelta(minutes=minutes),
            NOW,
        )

    await store.record_hold(hold("h1", 1, 10))
    await store.record_hold(hold("h2", 2, 5))
    await store.record_hold(hold("h3", None, 8))

    assert [h.hold_id for h in await store.active_holds(NOW)] == ["h2", "h3", "h1"]
    assert [h.hold_id for h in await store.active_holds(NOW + timedelta(minutes=6))] == [
        "h3",
        "h1",
    ]
    await store.end_hold("h3")
    await store.end_hold("never-placed")
    assert await store.forget_staff_records(1) == 1
    assert [h.hold_id for h in await store.active_holds(NOW)] == ["h2"]


async def test_events_between_come_with_their_entry_in_time_order(store: StaffStore) -> None:
    await store.record_booking(entry("a1", 1, NOW + timedelta(days=2)))
    await store.record_move("a1", NOW + timedelta(days=3), NOW + timedelta(hours=1))
    await store.record_cancel("a1", "ill", NOW + timedelta(hours=2), by="staff")

    records = await store.events_between(NOW, NOW + timedelta(hours=2))

    assert [(r.event.kind, r.entry.chat_id) for r in records] == [("booked", 1), ("moved", 1)]
    assert records[0].entry.status == "cancelled"  # the entry as it is now


async def test_staff_prefs_are_replaced_not_duplicated(store: StaffStore) -> None:
    await store.set_staff_pref(StaffPref(7, True, "it"), NOW)
    await store.set_staff_pref(StaffPref(7, False, "en"), NOW)
    await store.set_staff_pref(StaffPref(3, True, "it"), NOW)

    assert await store.staff_prefs() == [StaffPref(3, True, "it"), StaffPref(7, False, "en")]


async def test_the_wrapper_alerts_once_per_change_and_only_current_staff(
    store: StaffStore,
) -> None:
    admins = {7}
    wrapped = wrap_store(store, clock=ManualClock(NOW), admin_ids=lambda: admins)
    assert isinstance(wrapped, NotifyingStore)
    assert wrap_store(wrapped, clock=ManualClock(NOW), admin_ids=admins) is wrapped
    await store.set_staff_pref(StaffPref(7, True, "it"), NOW)
    await store.set_staff_pref(StaffPref(9, True, "it"), NOW)  # not (or no longer) staff

    booked = entry("a1", 1, NOW + timedelta(days=2))
    await wrapped.record_booking(booked)
    await wrapped.record_booking(booked)  # a repeated confirm
    await wrapped.record_move("a1", booked.start, NOW)  # a move to where it already is
    await wrapped.record_cancel("a1", None, NOW)
    await wrapped.record_cancel("a1", None, NOW)
    # The reason given after the cancel reaches the history; staff were alerted at the cancel.
    assert await wrapped.set_cancel_reason("a1", "flu") is True
    assert (await wrapped.booking_history("a1"))[-1].details["reason"] == "flu"

    due = await wrapped.due_messages(NOW)
    assert [(m.chat_id, m.kind, m.payload["event"]) for m in due] == [
        (7, "staff_alert", "booked"),
        (7, "staff_alert", "cancelled"),
    ]
    assert due[1].payload["by"] == "customer"


def metric(kind: str, chat_id: int | None, **details: object) -> Metric:
    return Metric(kind, chat_id, NOW, dict(details))


def test_stats_conversion_and_busiest_days_and_hours() -> None:
    metrics = [
        metric(MetricKind.FIRST_MESSAGE, 1),
        metric(MetricKind.FIRST_MESSAGE, 2),
        metric(MetricKind.FIRST_MESSAGE, 3),
        metric(MetricKind.FIRST_MESSAGE, None),  # a forgotten chat counts in no conversion
        metric(MetricKind.BOOKED, 1),
        metric(MetricKind.BOOKED, 4),  # started talking before the period
        metric(MetricKind.CANCELLED, 1),
        metric(MetricKind.CANCELLED, 4, by="staff"),
        metric(MetricKind.HOLD_EXPIRED, 2),
    ]
    tuesday_10 = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
    appointments = [
        entry("a", 1, tuesday_10),
        entry("b", 2, tuesday_10 + timedelta(minutes=30)),
        entry("c", 3, tuesday_10 + timedelta(days=1, hours=5)),
    ]

    stats = compute(metrics, appointments, ROME)

    assert (stats.booked, stats.cancelled, stats.cancelled_by_staff) == (2, 2, 1)
    assert (stats.new_chats, stats.new_chats_booked, stats.holds_expired) == (3, 1, 1)
    assert stats.conversion == pytest.approx(1 / 3)
    assert stats.busiest_days == ((2, 2), (3, 1))
    assert stats.busiest_hours == ((10, 2), (15, 1))


def test_confirmation_actions_are_compact_and_strict() -> None:
    action = encode("0123456789ab", "y")

    assert len(action.encode()) <= 64
    assert is_staff_action(action)
    assert decode(action) == ("0123456789ab", "y")
    for forged in ("sf|0123456789ab|x", "sf|XYZ|y", "sf||y", "3|confirm|", "sf|0123456789ab|y|"):
        assert decode(forged) is None
    with pytest.raises(ValueError):
        encode("not hex!", "y")
