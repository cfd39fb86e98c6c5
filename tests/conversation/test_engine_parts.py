"""The engine's pure pieces: session persistence, button actions, what to offer, the flow table."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.conversation.actions import MAX_ACTION_BYTES, Verb, decode, encode, instant_arg
from bot.conversation.flow import FLOW, PROMPTS
from bot.conversation.offers import PlanKind, plan_offer
from bot.conversation.session import Flow, HeldSlot, Offer, Session, Step, Wish
from bot.zimun import Availability, Closure, ClosureKind, Slot

ROME = ZoneInfo("Europe/Rome")
NOW = datetime(2026, 11, 23, 8, 15, tzinfo=UTC)


def test_every_step_has_a_handler_and_a_prompt() -> None:
    assert set(FLOW) == set(Step) == set(PROMPTS)


def test_a_session_survives_a_round_trip_through_json() -> None:
    session = Session(
        step=Step.SUMMARY,
        language="en",
        generation=7,
        flow=Flow.BOOK,
        flow_id="3-1795420500",
        wish=Wish(date(2026, 11, 24), time(11, 0), approximate=True),
        offer=Offer(date(2026, 11, 24), (NOW,), page=1, days=(date(2026, 11, 25),)),
        hold=HeldSlot("h_1", NOW, NOW),
        contact_name="Mario Rossi",
    )
    assert Session.from_dict(json.loads(json.dumps(session.to_dict()))) == session


def test_an_unreadable_session_starts_over() -> None:
    assert Session.from_dict({"step": "nonsense"}).step is Step.IDLE
    assert Session.from_dict(None) == Session()


def test_a_new_flow_keeps_counters_so_keys_never_repeat() -> None:
    first = Session().start_flow(Flow.BOOK, NOW)
    second = first.idle().start_flow(Flow.BOOK, NOW)
    assert first.flow_id != second.flow_id


def test_actions_are_short_and_checked() -> None:
    action = encode(12, Verb.SLOT, instant_arg(NOW))
    assert len(action.encode()) <= MAX_ACTION_BYTES
    decoded = decode(action)
    assert decoded is not None and decoded.generation == 12 and decoded.verb == Verb.SLOT
    assert decode("12|rm -rf|x") is None
    assert decode("x" * 80) is None
    assert decode("1|slot|a b") is None


def _availability(*starts: datetime, closures: dict[date, Closure] | None = None) -> Availability:
    slots = tuple(Slot(s, s + timedelta(minutes=30)) for s in starts)
    return Availability("s", "Europe/Rome", date(2026, 11, 24), 8, slots, closures or {})


def _rome(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=ROME).astimezone(UTC)


def test_an_exact_free_time_is_offered_directly() -> None:
    plan = plan_offer(
        Wish(date(2026, 11, 24), time(11, 0)),
        _availability(_rome(24, 10), _rome(24, 11)),
        now=NOW,
        timezone=ROME,
    )
    assert plan.kind is PlanKind.EXACT and plan.starts == (_rome(24, 11),)


def test_otherwise_the_nearest_times_closest_first_and_other_days() -> None:
    availability = _availability(
        _rome(24, 9), _rome(24, 10), _rome(24, 12), _rome(24, 16), _rome(25, 9), _rome(26, 9)
    )
    plan = plan_offer(Wish(date(2026, 11, 24), time(11, 0)), availability, now=NOW, timezone=ROME)
    assert plan.kind is PlanKind.NEAREST
    assert plan.starts == (_rome(24, 10), _rome(24, 12), _rome(24, 9), _rome(24, 16))
    assert plan.days == (date(2026, 11, 25), date(2026, 11, 26))


def test_a_window_shows_only_the_times_inside_it() -> None:
    availability = _availability(_rome(24, 9), _rome(24, 14), _rome(24, 17, 30))
    wish = Wish(date(2026, 11, 24), window_start=time(12, 0), window_end=time(18, 0))
    plan = plan_offer(wish, availability, now=NOW, timezone=ROME)
    assert plan.kind is PlanKind.LIST and plan.starts == (_rome(24, 14), _rome(24, 17, 30))


def test_a_closed_day_carries_its_label() -> None:
    closure = Closure(ClosureKind.HOLIDAY, "Immacolata Concezione")
    availability = _availability(_rome(25, 9), closures={date(2026, 11, 24): closure})
    plan = plan_offer(Wish(date(2026, 11, 24)), availability, now=NOW, timezone=ROME)
    assert plan.kind is PlanKind.CLOSED and plan.closure == closure
    assert plan.days == (date(2026, 11, 25),)
