"""Which free times to offer for what a customer asked: pure functions over an `Availability`.

An exact free time is offered directly; otherwise the nearest free times that day, closest first,
and the next days with room; a window shows the free times inside it; a closed day is named.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, tzinfo
from enum import StrEnum

from bot.conversation.session import Wish
from bot.zimun.models import Availability, Closure

__all__ = [
    "NEAREST_COUNT",
    "OTHER_DAYS_COUNT",
    "PAGE_SIZE",
    "Plan",
    "PlanKind",
    "around",
    "days_with_room",
    "page_of",
    "plan_offer",
    "starts_on",
]

PAGE_SIZE = 6
NEAREST_COUNT = 4
OTHER_DAYS_COUNT = 3


class PlanKind(StrEnum):
    EXACT = "exact"  # the asked time is free
    NEAREST = "nearest"  # the asked time is not free (or past): the closest free ones
    LIST = "list"  # a whole day or a window
    CLOSED = "closed"  # a holiday or closed day, with its label
    NO_ROOM = "no_room"  # nothing free that day (full, or simply not an opening day)
    NO_ROOM_IN_WINDOW = "no_room_in_window"


@dataclass(frozen=True)
class Plan:
    kind: PlanKind
    day: date
    starts: tuple[datetime, ...] = ()
    days: tuple[date, ...] = ()
    closure: Closure | None = None
    time_past: bool = False


def days_with_room(
    availability: Availability, timezone: tzinfo, *, exclude: date | None = None, limit: int = 3
) -> tuple[date, ...]:
    """The first days (local) that still have a free slot, in order."""
    seen: list[date] = []
    for slot in availability.slots:
        day = slot.start.astimezone(timezone).date()
        if day != exclude and day not in seen:
            seen.append(day)
            if len(seen) == limit:
                break
    return tuple(seen)


def starts_on(availability: Availability, day: date, timezone: tzinfo) -> list[datetime]:
    """The free slot starts on one local day, in order."""
    return [s.start for s in availability.slots if s.start.astimezone(timezone).date() == day]


def around(starts: list[datetime], target: datetime, count: int) -> tuple[datetime, ...]:
    """The `count` starts closest to `target`, closest first (earlier wins a tie)."""
    ranked = sorted(starts, key=lambda s: (abs((s - target).total_seconds()), s))
    return tuple(ranked[:count])


def page_of(starts: tuple[datetime, ...], page: int) -> tuple[datetime, ...]:
    return starts[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]


def plan_offer(wish: Wish, availability: Availability, *, now: datetime, timezone: tzinfo) -> Plan:
    """What to offer for `wish`, given the availability from `wish.day` onwards."""
    day = wish.day
    others = days_with_room(availability, timezone, exclude=day, limit=OTHER_DAYS_COUNT)
    closure = availability.closures.get(day)
    starts = starts_on(availability, day, timezone)
    if closure is not None and not starts:
        return Plan(PlanKind.CLOSED, day, days=others, closure=closure)
    if not starts:
        return Plan(PlanKind.NO_ROOM, day, days=others)
    if wish.time is not None:
        target = datetime.combine(day, wish.time, tzinfo=timezone)
        if target in starts and not wish.approximate:
            return Plan(PlanKind.EXACT, day, starts=(target,), days=others)
        nearest = around(starts, target, NEAREST_COUNT)
        return Plan(PlanKind.NEAREST, day, nearest, others, time_past=target < now)
    if wish.window_start is not None or wish.window_end is not None:
        low = wish.window_start or time(0, 0)
        high = wish.window_end or time(23, 59)
        inside = tuple(s for s in starts if low <= s.astimezone(timezone).time() < high)
        if not inside:
            middle = datetime.combine(day, low, tzinfo=timezone)
            return Plan(
                PlanKind.NO_ROOM_IN_WINDOW, day, around(starts, middle, NEAREST_COUNT), others
            )
        return Plan(PlanKind.LIST, day, inside, others)
    return Plan(PlanKind.LIST, day, tuple(starts), others)
