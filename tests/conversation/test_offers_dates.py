"""What to offer when the asked day is closed weekly, a holiday, full, or the time is outside the
opening hours; windows clipped to opening hours (issue 9 item 12)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.conversation.offers import PlanKind, clip_window, has_room, plan_offer
from bot.conversation.session import Wish
from bot.zimun import Availability, Closure, ClosureKind, Slot

ROME = ZoneInfo("Europe/Rome")
NOW = datetime(2026, 11, 23, 8, 15, tzinfo=UTC)
WEEKDAY = ((time(9), time(13)), (time(14), time(19)))
SUNDAY = date(2026, 11, 29)


def _rome(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=ROME).astimezone(UTC)


def _availability(*starts: datetime, closures: dict[date, Closure] | None = None) -> Availability:
    slots = tuple(Slot(s, s + timedelta(minutes=30)) for s in starts)
    return Availability("s", "Europe/Rome", SUNDAY, 8, slots, closures or {})


def test_a_weekday_without_opening_hours_is_closed_weekly_not_full() -> None:
    availability = _availability(_rome(30, 9), _rome(30, 11))
    plan = plan_offer(Wish(SUNDAY), availability, now=NOW, timezone=ROME, hours=())
    assert plan.kind is PlanKind.WEEKLY_CLOSED
    assert plan.days == (date(2026, 11, 30),)


def test_an_opening_day_without_free_times_is_full() -> None:
    saturday = date(2026, 11, 28)
    availability = _availability(_rome(30, 9))
    plan = plan_offer(
        Wish(saturday), availability, now=NOW, timezone=ROME, hours=((time(9), time(13)),)
    )
    assert plan.kind is PlanKind.NO_ROOM and plan.hours


def test_a_holiday_keeps_its_label_even_on_an_opening_weekday() -> None:
    holiday = Closure(ClosureKind.HOLIDAY, "Immacolata Concezione")
    availability = _availability(_rome(30, 9), closures={SUNDAY: holiday})
    plan = plan_offer(Wish(SUNDAY), availability, now=NOW, timezone=ROME, hours=WEEKDAY)
    assert plan.kind is PlanKind.CLOSED and plan.closure == holiday


def test_a_time_asked_on_a_day_without_room_is_offered_on_the_nearest_days_it_is_free() -> None:
    tuesday = datetime(2026, 12, 1, 11, tzinfo=ROME).astimezone(UTC)
    wednesday = datetime(2026, 12, 2, 9, tzinfo=ROME).astimezone(UTC)
    availability = _availability(
        _rome(28, 11), _rome(30, 10), _rome(30, 11), _rome(30, 12), tuesday, wednesday
    )
    plan = plan_offer(Wish(SUNDAY, time(11)), availability, now=NOW, timezone=ROME, hours=())
    # Monday 11:00 and Tuesday 11:00; Wednesday has room but not at 11; Saturday is before.
    assert plan.same_time == (_rome(30, 11), tuesday)


def test_a_time_outside_opening_hours_says_so_with_the_nearest_times() -> None:
    availability = _availability(_rome(24, 18), _rome(24, 18, 30), _rome(24, 9))
    wish = Wish(date(2026, 11, 24), time(20))
    plan = plan_offer(wish, availability, now=NOW, timezone=ROME, hours=WEEKDAY)
    assert plan.kind is PlanKind.OUTSIDE_HOURS
    assert plan.starts[0] == _rome(24, 18, 30)
    # The lunch break is outside the opening hours too.
    lunch = plan_offer(
        Wish(date(2026, 11, 24), time(13, 30)), availability, now=NOW, timezone=ROME, hours=WEEKDAY
    )
    assert lunch.kind is PlanKind.OUTSIDE_HOURS


def test_a_window_wholly_outside_the_hours_says_the_hours_not_no_room() -> None:
    saturday = date(2026, 11, 28)
    morning = ((time(9), time(13)),)
    availability = _availability(_rome(28, 11), _rome(28, 12, 30))
    evening = Wish(saturday, window_start=time(15))
    plan = plan_offer(evening, availability, now=NOW, timezone=ROME, hours=morning)
    assert plan.kind is PlanKind.OUTSIDE_HOURS and plan.starts[0] == _rome(28, 12, 30)
    # a window the hours overlap, with no room inside, is still "no room then"
    early = Wish(saturday, window_start=time(9), window_end=time(10))
    plan = plan_offer(early, availability, now=NOW, timezone=ROME, hours=morning)
    assert plan.kind is PlanKind.NO_ROOM_IN_WINDOW


def test_without_known_hours_a_day_without_room_is_just_without_room() -> None:
    plan = plan_offer(Wish(SUNDAY), _availability(_rome(30, 9)), now=NOW, timezone=ROME)
    assert plan.kind is PlanKind.NO_ROOM and plan.hours is None


def test_windows_are_clipped_to_opening_hours() -> None:
    assert clip_window(time(12), time(18), ((time(14), time(19)),)) == (time(14), time(18))
    assert clip_window(time(17), time(23, 59), WEEKDAY) == (time(17), time(19))
    assert clip_window(time(0), time(9), WEEKDAY) == (time(0), time(9))  # nothing left: as asked
    assert clip_window(time(8), time(12), None) == (time(8), time(12))


def test_a_day_has_room_for_a_window_only_with_a_time_inside_it() -> None:
    availability = _availability(_rome(30, 9), _rome(30, 10))
    monday = date(2026, 11, 30)
    assert has_room(Wish(monday), availability, monday, ROME)
    afternoon = Wish(monday, window_start=time(12), window_end=time(18))
    assert not has_room(afternoon, availability, monday, ROME)
