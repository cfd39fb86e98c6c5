"""Which free times to offer for what a customer asked: pure functions over an `Availability`.

An exact free time is offered directly; otherwise the nearest free times that day, closest first,
and the next days with room; a window shows the free times inside it; a closed day is named.
A weekly closed day is told apart from a holiday and from a full day; when the customer asked for
a time on a day without room, that same time is offered on the nearest days where it is free.
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
    "Hours",
    "Plan",
    "PlanKind",
    "around",
    "clip_window",
    "days_with_room",
    "has_room",
    "page_of",
    "plan_offer",
    "same_time_elsewhere",
    "starts_on",
]

PAGE_SIZE = 6
NEAREST_COUNT = 4
OTHER_DAYS_COUNT = 3
SAME_TIME_COUNT = 3

# A day's opening intervals (wall clock); () when closed that weekday, None when unknown.
Hours = tuple[tuple[time, time], ...]


class PlanKind(StrEnum):
    EXACT = "exact"  # the asked time is free
    NEAREST = "nearest"  # the asked time is not free (or past): the closest free ones
    LIST = "list"  # a whole day or a window
    CLOSED = "closed"  # a holiday or closed day, with its label
    NO_ROOM = "no_room"  # nothing free that day although it is an opening day: full
    WEEKLY_CLOSED = "weekly_closed"  # no opening hours on that weekday ("la domenica")
    OUTSIDE_HOURS = "outside_hours"  # the asked time is outside the day's opening hours
    NO_ROOM_IN_WINDOW = "no_room_in_window"


@dataclass(frozen=True)
class Plan:
    kind: PlanKind
    day: date
    starts: tuple[datetime, ...] = ()
    days: tuple[date, ...] = ()
    closure: Closure | None = None
    time_past: bool = False
    hours: Hours | None = None
    # The asked time on the nearest other days where it is free (the asked day had no room).
    same_time: tuple[datetime, ...] = ()


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


def same_time_elsewhere(
    availability: Availability, day: date, wall: time, timezone: tzinfo
) -> tuple[datetime, ...]:
    """`wall` on the first days after `day` where it is free ("sunday at 11" -> Monday 11:00)."""
    free = {s.start.astimezone(timezone) for s in availability.slots}
    found: list[datetime] = []
    seen: set[date] = set()
    for slot in availability.slots:
        local_day = slot.start.astimezone(timezone).date()
        if local_day <= day or local_day in seen:
            continue
        seen.add(local_day)
        wanted = datetime.combine(local_day, wall, tzinfo=timezone)
        if wanted in free:
            found.append(wanted)
            if len(found) == SAME_TIME_COUNT:
                break
    return tuple(found)


def clip_window(low: time, high: time, hours: Hours | None) -> tuple[time, time]:
    """A window cut to the day's opening hours ("pomeriggio" on a day open until 19 ends at 19)."""
    if not hours:
        return low, high
    opens, closes = min(h[0] for h in hours), max(h[1] for h in hours)
    clipped = max(low, opens), min(high, closes)
    return clipped if clipped[0] < clipped[1] else (low, high)


def _open_at(wall: time, hours: Hours) -> bool:
    return any(start <= wall < end for start, end in hours)


def plan_offer(
    wish: Wish,
    availability: Availability,
    *,
    now: datetime,
    timezone: tzinfo,
    hours: Hours | None = None,
) -> Plan:
    """What to offer for `wish`, given the availability from `wish.day` onwards and the asked
    day's opening hours (None when unknown)."""
    day = wish.day
    others = days_with_room(availability, timezone, exclude=day, limit=OTHER_DAYS_COUNT)
    closure = availability.closures.get(day)
    starts = starts_on(availability, day, timezone)
    if not starts:
        alternatives = (
            same_time_elsewhere(availability, day, wish.time, timezone)
            if wish.time is not None
            else ()
        )
        if closure is not None:
            kind = PlanKind.CLOSED
        elif hours is not None and not hours:
            kind = PlanKind.WEEKLY_CLOSED
        else:
            kind = PlanKind.NO_ROOM
        return Plan(kind, day, days=others, closure=closure, hours=hours, same_time=alternatives)
    if wish.time is not None:
        target = datetime.combine(day, wish.time, tzinfo=timezone)
        if target in starts and not wish.approximate:
            return Plan(PlanKind.EXACT, day, starts=(target,), days=others, hours=hours)
        nearest = around(starts, target, NEAREST_COUNT)
        if hours and not _open_at(wish.time, hours) and target >= now:
            return Plan(PlanKind.OUTSIDE_HOURS, day, nearest, others, hours=hours)
        return Plan(PlanKind.NEAREST, day, nearest, others, time_past=target < now, hours=hours)
    if wish.window_start is not None or wish.window_end is not None:
        low = wish.window_start or time(0, 0)
        high = wish.window_end or time(23, 59)
        inside = tuple(s for s in starts if low <= s.astimezone(timezone).time() < high)
        if not inside:
            middle = datetime.combine(day, low, tzinfo=timezone)
            if hours and not any(start < high and low < end for start, end in hours):
                # "saturday after 2" on a day open until 13: the hours are said, not "no room"
                return Plan(
                    PlanKind.OUTSIDE_HOURS,
                    day,
                    around(starts, middle, NEAREST_COUNT),
                    others,
                    hours=hours,
                )
            return Plan(
                PlanKind.NO_ROOM_IN_WINDOW,
                day,
                around(starts, middle, NEAREST_COUNT),
                others,
                hours=hours,
            )
        return Plan(PlanKind.LIST, day, inside, others, hours=hours)
    return Plan(PlanKind.LIST, day, tuple(starts), others, hours=hours)


def has_room(wish: Wish, availability: Availability, day: date, timezone: tzinfo) -> bool:
    """Whether `day` has a free time for the wish (inside its window, if it has one)."""
    starts = starts_on(availability, day, timezone)
    if wish.time is not None or (wish.window_start is None and wish.window_end is None):
        return bool(starts)
    low, high = wish.window_start or time(0, 0), wish.window_end or time(23, 59)
    return any(low <= s.astimezone(timezone).time() < high for s in starts)
