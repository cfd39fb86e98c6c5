"""What /stats counts, from metrics (kept even after a chat is forgotten) and the ledger.

Metrics come from the staff wrappers: first messages and expired holds (the gateway), holds placed
and released (`ObservedZimun`), bookings, moves and cancellations (`NotifyingStore`). Busiest days
and hours are ranked from the appointments in the period that are not cancelled.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import tzinfo

from bot.storage import LedgerEntry, Metric, MetricKind
from bot.storage.models import CANCELLED_STATUS


@dataclass(frozen=True)
class Stats:
    booked: int
    moved: int
    cancelled: int
    cancelled_by_staff: int
    holds_placed: int
    holds_expired: int
    holds_released: int
    new_chats: int
    new_chats_booked: int
    busiest_days: tuple[tuple[int, int], ...]  # (ISO weekday 1-7, appointments), busiest first
    busiest_hours: tuple[tuple[int, int], ...]  # (local hour, appointments), busiest first

    @property
    def conversion(self) -> float | None:
        return self.new_chats_booked / self.new_chats if self.new_chats else None


def compute(
    metrics: list[Metric], appointments: list[LedgerEntry], timezone: tzinfo, *, top: int = 3
) -> Stats:
    kinds = Counter(metric.kind for metric in metrics)
    by_staff = sum(
        1
        for metric in metrics
        if metric.kind == MetricKind.CANCELLED and metric.details.get("by") == "staff"
    )
    started = {m.chat_id for m in metrics if m.kind == MetricKind.FIRST_MESSAGE and m.chat_id}
    booked = {m.chat_id for m in metrics if m.kind == MetricKind.BOOKED and m.chat_id}
    kept = [entry for entry in appointments if entry.status != CANCELLED_STATUS]
    local = [entry.start.astimezone(timezone) for entry in kept]
    days = Counter(moment.isoweekday() for moment in local)
    hours = Counter(moment.hour for moment in local)
    return Stats(
        booked=kinds[MetricKind.BOOKED],
        moved=kinds[MetricKind.MOVED],
        cancelled=kinds[MetricKind.CANCELLED],
        cancelled_by_staff=by_staff,
        holds_placed=kinds[MetricKind.HOLD_PLACED],
        holds_expired=kinds[MetricKind.HOLD_EXPIRED],
        holds_released=kinds[MetricKind.HOLD_RELEASED],
        new_chats=len(started),
        new_chats_booked=len(started & booked),
        busiest_days=_ranked(days, top),
        busiest_hours=_ranked(hours, top),
    )


def _ranked(counts: Counter[int], top: int) -> tuple[tuple[int, int], ...]:
    # Ties go to the earlier day or hour, so the answer is stable.
    return tuple(sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:top])
