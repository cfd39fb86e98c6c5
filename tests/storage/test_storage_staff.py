"""What staff commands rely on: forgetting a chat, metrics for /stats, the /health checks."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.storage import (
    ForgetCounts,
    LedgerEntry,
    Metric,
    MetricKind,
    ScheduledMessage,
    StorageError,
    Store,
    open_store,
)

NOW = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)


def entry(appointment_id: str, chat_id: int) -> LedgerEntry:
    return LedgerEntry(
        appointment_id=appointment_id,
        chat_id=chat_id,
        user_id=chat_id,
        service_id="s_taglio",
        service_name="Taglio",
        start=NOW + timedelta(days=1),
        duration_minutes=30,
        status="confirmed",
        language="en",
        contact_name="Dana",
        booking_code=f"code-{appointment_id}",
        created_at=NOW,
    )


async def fill_chat(store: Store, chat_id: int) -> None:
    await store.save_session(chat_id, {"step": "idle"})
    for n in range(2):
        appointment_id = f"a{chat_id}_{n}"
        await store.record_booking(entry(appointment_id, chat_id))
        await store.schedule(
            ScheduledMessage(f"reminder:{appointment_id}", chat_id, NOW, "reminder", {})
        )
    await store.record_move(f"a{chat_id}_0", NOW + timedelta(days=2), NOW)
    await store.record_metric("first_message", chat_id, NOW)
    await store.record_metric("booked", chat_id, NOW, {"service_id": "s_taglio"})


async def test_forget_chat_erases_only_that_chat_and_counts(store: Store) -> None:
    await fill_chat(store, 1)
    await fill_chat(store, 2)

    counts = await store.forget_chat(1)

    assert counts == ForgetCounts(sessions=1, bookings=2, events=3, scheduled=2, metrics=2)
    assert await store.load_session(1) is None
    assert await store.bookings_for_chat(1, include_cancelled=True) == []
    assert await store.find_booking("code-a1_0") is None
    assert await store.booking_history("a1_0") == []
    assert {m.chat_id for m in await store.due_messages(NOW)} == {2}
    # The other chat is untouched.
    assert await store.load_session(2) == {"step": "idle"}
    assert len(await store.bookings_for_chat(2)) == 2
    assert len(await store.booking_history("a2_0")) == 2
    # Metrics still count for /stats but no longer point at the forgotten chat.
    metrics = await store.metrics_between(NOW, NOW + timedelta(seconds=1))
    assert sorted((m.kind, m.chat_id) for m in metrics if m.chat_id != 2) == [
        ("booked", None),
        ("first_message", None),
    ]


async def test_forget_unknown_chat_erases_nothing(store: Store) -> None:
    await fill_chat(store, 2)
    assert await store.forget_chat(1) == ForgetCounts(0, 0, 0, 0, 0)
    assert await store.pending_count() == 2


async def test_metrics_between_is_half_open_and_in_time_order(store: Store) -> None:
    await store.record_metric(MetricKind.HOLD_PLACED, 5, NOW + timedelta(minutes=2))
    await store.record_metric("first_message", 5, NOW, {"language": "it"})
    await store.record_metric("hold_expired", 5, NOW + timedelta(hours=1))
    await store.record_metric("booked", 6, NOW - timedelta(seconds=1))

    metrics = await store.metrics_between(NOW, NOW + timedelta(hours=1))
    assert metrics == [
        Metric("first_message", 5, NOW, {"language": "it"}),
        Metric("hold_placed", 5, NOW + timedelta(minutes=2), {}),
    ]


async def test_every_stats_kind_is_accepted_and_unknown_ones_refused(store: Store) -> None:
    kinds = ["first_message", "hold_placed", "hold_expired", "hold_released"]
    kinds += ["booked", "moved", "cancelled"]
    for kind in kinds:
        await store.record_metric(kind, 1, NOW)
    with pytest.raises(ValueError):
        await store.record_metric("clicked", 1, NOW)
    with pytest.raises(ValueError):
        await store.record_metric("booked", 1, datetime(2026, 11, 24, 9, 0))
    assert sorted(m.kind for m in await store.metrics_between(NOW, NOW + timedelta(1))) == sorted(
        kinds
    )


async def test_ping_succeeds_on_an_open_store_and_fails_clearly_when_closed(
    database_url: str,
) -> None:
    store = await open_store(database_url)
    await store.ping()
    await store.ping()
    await store.close()
    with pytest.raises(StorageError):
        await store.ping()
    await store.close()  # closing twice is harmless
