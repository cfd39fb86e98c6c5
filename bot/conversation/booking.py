"""Booking, first half: which service, when, the times on offer, and the hold on the chosen one."""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import replace
from datetime import date, datetime, time, timedelta

from bot.conversation.actions import Verb, instant_arg, parse_day_arg, parse_instant_arg
from bot.conversation.common import (
    HOLD_STEPS,
    Input,
    Outcome,
    ask,
    drop_hold,
    join,
    menu,
    schedule_hold_messages,
    stop_button,
    unexpected,
    wish_at,
)
from bot.conversation.events import Button, ButtonKind, Reply
from bot.conversation.offers import (
    NEAREST_COUNT,
    OTHER_DAYS_COUNT,
    PAGE_SIZE,
    Hours,
    Plan,
    PlanKind,
    around,
    clip_window,
    days_with_room,
    has_room,
    page_of,
    plan_offer,
    same_time_elsewhere,
    starts_on,
)
from bot.conversation.place import service_label
from bot.conversation.session import Flow, HeldSlot, Offer, Session, Step, Wish
from bot.conversation.turn import Turn, with_service
from bot.conversation.waitlist import wait_button_rows
from bot.i18n import format_weekday
from bot.storage import MetricKind
from bot.understanding import IntentKind, parse_email
from bot.understanding.contacts import dictation_choices, find_address, looks_like_name
from bot.understanding.figures import by_figure
from bot.understanding.intents import affirms
from bot.understanding.services import ServiceMatch, match_services, service_kinds
from bot.understanding.text import normalize
from bot.zimun import Service, SlotUnavailable

logger = logging.getLogger(__name__)


WHEN_DAYS_AHEAD = 14


QUICK_DAYS = 4


MAX_DAYS_PER_CALL = 8
# How long the service a question was about stays the one a booking without a service means.
ASKED_SERVICE_FOR = timedelta(minutes=30)


def match_service(turn: Turn, text: str, services: Sequence[Service]) -> ServiceMatch[Service]:
    """The services a message names ("un taglio domani", "a trim", "colpi di sole"), in either
    language, with the business's own extra words (SERVICE_ALIASES)."""
    return match_services(text, services, aliases=turn.deps.service_aliases)


async def service_rows(turn: Turn, session: Session) -> list[list[Button]]:
    """One button per service; when the customer's words fit some of them ("piega"), only those
    (`session.choices`) and an "Altri servizi" button that shows the whole list (not when they
    asked for each of them: "taglio e colore" asks which first, between those two)."""
    t = turn.t
    services = await turn.services()
    others = False
    if session.choices:
        chosen = [s for s in services if s.id in session.choices]
        others = bool(chosen) and len(chosen) < len(services) and not session.together
        services = chosen or services
    rows = [[turn.button(service_label(turn, s), Verb.SERVICE, s.id)] for s in services]
    if others:
        # "Altri servizi": a service button without a service shows the whole list.
        rows.append([turn.button(t("button.other_services"), Verb.SERVICE)])
    rows.append([stop_button(turn)])
    return rows


async def prompt_service(turn: Turn, session: Session, lead: str | None) -> list[Reply]:
    question = turn.t("service.ask")
    if len(session.choices) == 1:
        service = await turn.service(session.choices[0])
        question = turn.t("service.ask_one", name=service.name) if service else question
    elif session.choices:
        question = turn.t("service.ask_between")
    return [turn.reply(join(lead, question), await service_rows(turn, session))]


async def ask_between(
    turn: Turn, session: Session, match: ServiceMatch[Service], lead: str | None = None
) -> Outcome:
    """The customer's words fit several services, or one that also has more: ask between those."""
    ids = tuple(s.id for s in match.services)
    session = replace(session, step=Step.SERVICE, choices=ids, together=ids if match.each else ())
    if match.each:
        note = turn.t("service.each")
    elif match.partial and len(match.services) == 1:
        note = closest(turn, match.services[0].name, match.asked)
    else:
        names = ", ".join(s.name for s in match.services)
        note = turn.t("service.several", names=names)
    rows = await service_rows(turn, session)
    return session, [turn.reply(join(lead, note), rows)]


def closest(turn: Turn, name: str, asked: frozenset[str]) -> str:
    """ "Non facciamo solo la piega: il servizio più vicino è Taglio e piega, che comprende anche
    il taglio": what was asked, the one service that has it, and what that service adds."""
    extra = service_kinds(name) - asked
    if len(asked) == 1 and len(extra) == 1:
        (kind,) = asked
        (more,) = extra
        what, also = turn.t(f"service.kind.{kind}"), turn.t(f"service.kind.{more}")
        return turn.t("service.closest_plain", what=what, name=name, also=also)
    return turn.t("service.closest", name=name)


async def prompt_when(turn: Turn, session: Session, lead: str | None) -> list[Reply]:
    """Ask when, with quick buttons for the next days that still have room."""
    t = turn.t
    assert session.service_id is not None
    after = session.offer.day if session.offer and session.offer.day else None
    first = max(turn.today(), after + timedelta(days=1)) if after else turn.today()
    rows: list[list[Button]] = []
    days: tuple[date, ...] = ()
    if first <= turn.last_bookable_day():
        ahead = min(WHEN_DAYS_AHEAD, (turn.last_bookable_day() - first).days + 1)
        availability = await turn.zimun.get_availability(
            session.service_id, first_day=first, days_ahead=ahead
        )
        days = days_with_room(availability, turn.tz, limit=QUICK_DAYS)
    day_buttons = [turn.button(turn.short_day(d), Verb.DAY, d.isoformat()) for d in days]
    rows += [day_buttons[:2], day_buttons[2:]]
    if turn.deps.mini_app_url:
        # Issue 14: the month at a glance, in the Mini App (a web_app button, not a press).
        rows.append([Button(t("button.calendar"), turn.deps.mini_app_url, ButtonKind.WEB_APP)])
    rows.append([stop_button(turn)])
    question = t("when.ask") if days else t("when.ask_no_days")
    return [turn.reply(join(lead, question), rows)]


def slot_rows(turn: Turn, offer: Offer) -> list[list[Button]]:
    shown = page_of(offer.starts, offer.page)
    # Times of several days (the asked time on the nearest open days) carry their day.
    several = len({turn.local_day(s) for s in offer.starts}) > 1
    times = [
        turn.button(
            turn.t("slot.day_time", day=turn.short_day(turn.local_day(s)), time=turn.clock_time(s))
            if several
            else turn.clock_time(s),
            Verb.SLOT,
            instant_arg(s),
        )
        for s in shown
    ]
    rows = [times[i : i + 3] for i in range(0, len(times), 3)]
    if len(offer.starts) > (offer.page + 1) * PAGE_SIZE:
        rows.append([turn.button(turn.t("button.more"), Verb.MORE)])
    rows.append([turn.button(turn.short_day(d), Verb.DAY, d.isoformat()) for d in offer.days])
    rows.append([turn.button(turn.t("button.other_day"), Verb.OTHER_DAY), stop_button(turn)])
    return rows


async def prompt_slot(turn: Turn, session: Session, lead: str | None) -> list[Reply]:
    offer = session.offer
    if offer is None:
        return await prompt_when(turn, session, lead)
    if offer.starts and len({turn.local_day(s) for s in offer.starts}) > 1:
        question = turn.t("slot.choose_same_time")  # one time on several days: which day
    elif offer.starts:
        question = turn.t("slot.choose")
    elif offer.days:
        question = turn.t("slot.choose_day")
    else:
        question = turn.t("slot.type_day")
    return [turn.reply(join(lead, question), slot_rows(turn, offer))]


_ANOTHER_ONE = re.compile(
    r"\b(another one|one more|another appointment|another booking|un altro|un altra|"
    r"ancora uno|ancora una|un nuovo appuntamento|un altro appuntamento|"
    # "a second slot on tuesday", "me ne serve uno anche per martedì"
    r"a second (one|slot|appointment|appt|booking)|un secondo (appuntamento|posto)|"
    r"(me|ce) ne (serve|servirebbe|vorrei|prenoti|prenota|fai|segni) (anche )?(un|uno|una))\b"
    r"(?! (giorno|volta|cosa|orario|ora|domanda|day|time|thing|question))"
)


def another_one(text: str) -> bool:
    """ "book another one", "ne prenoto un altro": one more of what the customer books."""
    return bool(_ANOTHER_ONE.search(normalize(text).replace("'", " ")))


async def start_booking(
    turn: Turn,
    session: Session,
    *,
    wish: Wish | None = None,
    service_id: str | None = None,
    text: str | None = None,
    asap: bool = False,
) -> Outcome:
    asked = session.asked_service
    if session.asked_at is None or turn.now() - session.asked_at > ASKED_SERVICE_FOR:
        asked = None
    session = await drop_hold(turn, session)
    session = replace(session.start_flow(Flow.BOOK, turn.now()), wish=wish)
    session = replace(session, asked_service=None, asked_at=None)
    if text and "@" in text:
        # "… un taglio martedì alle 9, la mia mail è teresa@gmail.com": the address is kept, so
        # it is not asked again (a slip in it still goes through "Intendevi …?" at its question).
        typed = parse_email(find_address(text) or "")
        if typed.value and not typed.suggestion:
            session = replace(session, contact_email=typed.value)
    services = await turn.services()
    if not services:
        return session.idle(), menu(turn, turn.t("service.none"))
    chosen = next((s for s in services if s.id == service_id), None)
    named = chosen is not None  # a deep link: the first reply names the service
    if chosen is None and text:
        match = match_service(turn, text, services)
        chosen = match.one
        if chosen is None and match.services and len(services) > 1:
            return await ask_between(turn, session, match)
        # "highlights" was read as "Colore": say so, unless the name itself was typed.
        named = chosen is not None and normalize(chosen.name) not in normalize(text)
    if chosen is None and asked is not None:
        # "how much is a cut and blow dry?", then "great, book me in for saturday then"
        chosen = next((s for s in services if s.id == asked), None)
    if chosen is None and text and another_one(text):
        # "book another one for saturday", "ne prenoto un altro": the service the customer
        # already books with us, when it is always the same one; said back.
        entries = await turn.store.bookings_for_chat(turn.customer.chat_id)
        ids = {e.service_id for e in entries if e.status != "cancelled"}
        chosen = next((s for s in services if {s.id} == ids), None)
        named = chosen is not None
    if chosen is None and len(services) == 1:
        chosen = services[0]
    if chosen is None:
        return await ask(turn, replace(session, asap=asap and wish is None), Step.SERVICE)
    lead = turn.t("service.chosen", name=chosen.name) if named else None
    if asap and wish is None:
        # "what's the earliest you have for a colour": the first day with room, at once.
        return await first_free(turn, replace(with_service(session, chosen), choices=()), lead)
    return await choose_service(turn, session, chosen, lead)


async def choose_service(
    turn: Turn, session: Session, service: Service, lead: str | None = None
) -> Outcome:
    session = replace(with_service(session, service), choices=())
    if session.asap and session.wish is None:
        return await first_free(turn, replace(session, asap=False), lead)
    if session.wish is not None:
        return await search(turn, replace(session, wish=None), session.wish, lead)
    return await ask(turn, session, Step.WHEN, lead)


async def search(turn: Turn, session: Session, wish: Wish, lead: str | None = None) -> Outcome:
    """Offer times for what the customer asked; an exact free time goes straight on."""
    t = turn.t
    # What "same time" means from now on: the last time the customer asked for; and the part of
    # the day asked for, which a day named alone next keeps ("di pomeriggio", then "venerdì").
    window = (wish.window_start, wish.window_end) if wish_window(wish) else None
    session = replace(
        session,
        asked_time=wish.time or session.asked_time,
        asked_point=None if window else wish.time,
        asked_window=window,
        asked_day=None,
    )
    assert session.service_id is not None
    today, last = turn.today(), turn.last_bookable_day()
    if wish.past or (wish.day < today and wish.last_day is None) or wish.day > last:
        # A new question answered with the day buttons: they start from today, not after the
        # day offered before (that is only for "another day" asked at the times on screen).
        session = replace(session, offer=None)
    if wish.past or (wish.day < today and wish.last_day is None):
        # Rule 17: name the past day, then the nearest days with room (the question's buttons).
        note = t("when.past_day", day=turn.day(wish.day, capital=True))
        if wish.last_day is not None:  # "last week", "earlier this week"
            note = t("when.past_days", first=turn.day(wish.day), last=turn.day(wish.last_day))
        if wish.time is not None:
            return await past_with_time(turn, session, wish.time, join(lead, note))
        return await ask(turn, session, Step.WHEN, join(lead, note))
    if wish.day > last:
        note = t("when.beyond", days=turn.deps.horizon_days, last=turn.day(last))
        return await ask(turn, session, Step.WHEN, join(lead, note))
    if wish.last_day is not None:
        return await search_period(turn, session, wish, lead)
    if wish.behind is not None:
        # "the 20th" said on the 23rd: this month's has passed, so next month's is offered, and
        # both are said (rule 3: an ambiguous reading is said back as a concrete date).
        note = t("when.behind", past=turn.day(wish.behind, capital=True), day=turn.day(wish.day))
        lead = join(lead, note)
        # A reading that may not be what was meant is shown, never held at once ("the 21st at
        # 10" on the 23rd): the time asked for comes first among that day's times.
        wish = replace(wish, approximate=True)
    return await offer_day(turn, session, wish, lead)


async def past_with_time(turn: Turn, session: Session, wall: time, lead: str) -> Outcome:
    """A past day asked with a time ("lunedì scorso alle 10"): that time on the nearest days it is
    free, then the days with room; without any, the question with the next days."""
    assert session.service_id is not None
    today = turn.today()
    ahead = min(MAX_DAYS_PER_CALL, (turn.last_bookable_day() - today).days + 1)
    availability = await turn.zimun.get_availability(
        session.service_id, first_day=today, days_ahead=ahead
    )
    now = turn.now()
    alternatives = tuple(
        s
        for s in same_time_elsewhere(availability, today - timedelta(days=1), wall, turn.tz)
        if s > now
    )
    if not alternatives:
        return await ask(turn, session, Step.WHEN, lead)
    days = days_with_room(availability, turn.tz, limit=OTHER_DAYS_COUNT)
    offer = Offer(day=turn.local_day(alternatives[0]), starts=alternatives, days=days)
    moment = alternatives[0].astimezone(turn.tz)
    note = turn.t("slot.same_time", time=turn.clock_time(moment))
    return await ask(turn, replace(session, offer=offer), Step.SLOT, join(lead, note))


async def day_hours(turn: Turn, day: date) -> Hours | None:
    """The opening intervals of `day`'s weekday; None when Zimun does not say."""
    location = await turn.location()
    if location is None or not location.opening_hours:
        return None
    return tuple((i.start, i.end) for i in location.hours_on(day.weekday()))


async def offer_day(
    turn: Turn,
    session: Session,
    wish: Wish,
    lead: str | None,
    period_days: tuple[date, ...] | None = None,
) -> Outcome:
    """Offer the times of one day; `period_days` replaces the other days (a period's days)."""
    assert session.service_id is not None
    last = turn.last_bookable_day()
    ahead = min(MAX_DAYS_PER_CALL, (last - wish.day).days + 1)
    availability = await turn.zimun.get_availability(
        session.service_id, first_day=wish.day, days_ahead=ahead
    )
    hours = await day_hours(turn, wish.day)
    plan = plan_offer(wish, availability, now=turn.now(), timezone=turn.tz, hours=hours)
    if period_days is not None:
        plan = replace(plan, days=period_days)
    if plan.kind is PlanKind.EXACT:
        return await pick(turn, session, plan.starts[0], lead=lead)
    if plan.same_time:
        first_other = turn.local_day(plan.same_time[0])
        offer = Offer(day=first_other, starts=plan.same_time, days=plan.days)
    else:
        offer = Offer(day=plan.day, starts=plan.starts, days=plan.days)
    session = replace(session, step=Step.SLOT, offer=offer)
    replies = await prompt_slot(turn, session, join(lead, headline(turn, plan, wish)))
    return session, wait_button_rows(turn, session, replies, plan, wish)


async def search_period(turn: Turn, session: Session, wish: Wish, lead: str | None) -> Outcome:
    """A period ("la settimana prossima", "entro venerdì"): the first day inside it with room for
    the wish (its window applied), its times, and the period's other days with room as buttons."""
    t = turn.t
    assert session.service_id is not None and wish.last_day is not None
    first = max(wish.day, turn.today())
    end = min(wish.last_day, turn.last_bookable_day())
    # "weekdays only", "friday or monday": the period said back runs between days asked for
    while first < end and first in wish.skip:
        first += timedelta(days=1)
    while end > first and end in wish.skip:
        end -= timedelta(days=1)
    found: list[date] = []
    latest: list[datetime] = []  # each day's last free time, for a window nothing fits in
    cursor = first
    while cursor <= end and len(found) <= OTHER_DAYS_COUNT:
        ahead = min(MAX_DAYS_PER_CALL, (end - cursor).days + 1)
        availability = await turn.zimun.get_availability(
            session.service_id, first_day=cursor, days_ahead=ahead
        )
        for day in days_with_room(availability, turn.tz, limit=ahead):
            if (
                day <= end
                and day not in found
                and day not in wish.skip
                and has_room(wish, availability, day, turn.tz)
            ):
                found.append(day)
            if day <= end and day not in wish.skip and len(latest) < PAGE_SIZE:
                latest.extend(starts_on(availability, day, turn.tz)[-1:])
        cursor += timedelta(days=ahead)
    between = t("period.between", first=turn.day(first), last=turn.day(end))
    if not found and latest and wish.window_start is not None and wish.window_end == time(23, 59):
        return await latest_times(turn, session, wish, tuple(latest), between, lead)
    if not found:
        if wish_window(wish):
            note = t("period.no_room_window", period=between, span=span(turn, first, wish))
        else:
            note = t("period.no_room", period=between)
        return await ask(turn, replace(session, offer=None), Step.WHEN, join(lead, note))
    # When the period's first day has room, its times say it all ("la settimana prossima" on a
    # Monday); otherwise the day found is named first.
    said = None if found[0] == first else t("period.first", period=between, day=turn.day(found[0]))
    day_wish = replace(wish, day=found[0], last_day=None)
    others = tuple(found[1 : OTHER_DAYS_COUNT + 1])
    return await offer_day(turn, session, day_wish, join(lead, said), period_days=others)


async def latest_times(
    turn: Turn,
    session: Session,
    wish: Wish,
    latest: tuple[datetime, ...],
    period: str,
    lead: str | None,
) -> Outcome:
    """Nothing starts after the time asked ("I finish work at 6") on any day of the period:
    the latest a start can be, and each day's last free time, as a receptionist would offer."""
    assert session.service_id is not None and wish.window_start is not None
    service = await turn.service(session.service_id)
    last = max(latest, key=lambda s: s.astimezone(turn.tz).time())
    asked = datetime.combine(turn.local_day(last), wish.window_start, tzinfo=turn.tz)
    note = turn.t(
        "period.latest_start",
        period=period,
        start=turn.clock_time(asked),
        service=service.name if service else "",
        time=turn.clock_time(last),
    )
    offer = Offer(day=turn.local_day(latest[0]), starts=latest)
    return await ask(turn, replace(session, offer=offer), Step.SLOT, join(lead, note))


def wish_window(wish: Wish) -> bool:
    return wish.window_start is not None or wish.window_end is not None


def headline(turn: Turn, plan: Plan, wish: Wish) -> str:
    """What the bot says about the asked day before listing times."""
    t = turn.t
    day, cap = turn.day(plan.day), turn.day(plan.day, capital=True)
    said: str | None = None
    if plan.kind is PlanKind.CLOSED and plan.closure is not None:
        said = t("slot.closed", day=cap, label=plan.closure.label)
    elif plan.kind is PlanKind.WEEKLY_CLOSED:
        said = t("slot.weekly_closed", weekday=format_weekday(plan.day.weekday(), turn.language))
    elif plan.kind is PlanKind.NO_ROOM:
        said = t("slot.full", day=cap) if plan.hours else t("slot.no_room", day=cap)
    if said is not None:
        if plan.same_time and wish.time is not None:
            moment = datetime.combine(plan.day, wish.time, tzinfo=turn.tz)
            return join(said, t("slot.same_time", time=turn.clock_time(moment)))
        return said
    if plan.kind is PlanKind.OUTSIDE_HOURS and plan.hours:
        return t("slot.outside_hours", day=day, hours=opening_hours(turn, plan.day, plan.hours))
    if plan.kind is PlanKind.NEAREST and wish.time is not None:
        asked = datetime.combine(plan.day, wish.time, tzinfo=turn.tz)
        if plan.time_past:
            return t("slot.time_past", when=turn.when(asked))
        if wish.approximate:
            return t("slot.around", when=turn.when(asked))
        return t("slot.time_taken", when=turn.when(asked))
    if plan.kind is PlanKind.NO_ROOM_IN_WINDOW:
        return t("slot.no_room_window", day=day, span=span(turn, plan.day, wish, plan.hours))
    if wish.window_start is not None or wish.window_end is not None:
        return t("slot.window", day=day, span=span(turn, plan.day, wish, plan.hours))
    return t("slot.day", day=day)


def opening_hours(turn: Turn, day: date, hours: Hours) -> str:
    """A day's opening hours said in full: "dalle 9:00 alle 13:00 e dalle 14:00 alle 19:00"."""
    parts = [
        turn.t(
            "hours.interval",
            start=turn.clock_time(datetime.combine(day, start, tzinfo=turn.tz)),
            end=turn.clock_time(datetime.combine(day, end, tzinfo=turn.tz)),
        )
        for start, end in hours
    ]
    said = parts[0]
    for part in parts[1:]:
        said = turn.t("hours.and", first=said, second=part)
    return said


def span(turn: Turn, day: date, wish: Wish, hours: Hours | None = None) -> str:
    """The asked part of the day said back in full: "tra le 12:00 e le 18:00", "dopo le 15:00",
    cut to the day's opening hours when they are known."""
    start, end = wish.window_start or time(0, 0), wish.window_end or time(23, 59)
    if hours:
        start, end = clip_window(start, end, hours)
    first = turn.clock_time(datetime.combine(day, start, tzinfo=turn.tz))
    last = turn.clock_time(datetime.combine(day, end, tzinfo=turn.tz))
    if start == time(0, 0):
        return turn.t("span.before", end=last)
    if end == time(23, 59):
        return turn.t("span.after", start=first)
    return turn.t("span.between", start=first, end=last)


async def pick(turn: Turn, session: Session, start: datetime, lead: str | None = None) -> Outcome:
    """The customer chose a time: hold it (booking) or ask to confirm the move."""
    if session.flow is Flow.MOVE:
        session = replace(session, new_start=start)
        return await ask(turn, session, Step.MOVE_CONFIRM, lead)
    session, alternatives = await place_hold(turn, session, start)
    if alternatives is not None:
        return session, alternatives
    return await ask(
        turn, session, next_contact_step(session), join(lead, hold_placed(turn, session))
    )


def hold_placed(turn: Turn, session: Session) -> str:
    """The note that a time is now held for the customer, and until when."""
    assert session.hold is not None
    held = session.hold
    return turn.t(
        "hold.placed", when=turn.when(held.start), expires=turn.clock_time(held.expires_at)
    )


def next_contact_step(session: Session) -> Step:
    if not session.contact_name:
        return Step.NAME
    if not session.contact_email:
        return Step.EMAIL
    return Step.SUMMARY


async def place_hold(
    turn: Turn, session: Session, start: datetime, *, lead_if_taken: str | None = None
) -> tuple[Session, list[Reply] | None]:
    """Hold `start`; on a slot race answer with the nearest alternatives instead (never a dead end).

    The key comes from the flow id and `hold_seq`, both saved before the call, so a retried event
    replays the same hold instead of making a second one.
    """
    service_id, minutes = session.service_id, session.duration_minutes
    assert service_id is not None and minutes is not None
    session = await drop_hold(turn, session)
    key = turn.key(session, "hold", f"{session.service_id}@{instant_arg(start)}", session.hold_seq)
    await turn.checkpoint(session)
    try:
        hold = await turn.zimun.hold(service_id, start, minutes, idempotency_key=key)
    except SlotUnavailable:
        logger.info("slot taken before the hold")
        session = replace(session, hold_seq=session.hold_seq + 1)
        lead = lead_if_taken or turn.t("slot.just_taken", when=turn.when(start))
        session, replies = await search(turn, session, wish_at(turn, start), lead)
        return session, replies
    held = HeldSlot(hold.id, hold.start, hold.expires_at)
    await schedule_hold_messages(turn, held)
    await turn.store.record_metric(MetricKind.HOLD_PLACED, turn.customer.chat_id, turn.now())
    logger.info("hold %s placed", hold.id)
    # The list the time was picked from, for "no, the 2nd one" later; not a list still on screen
    # that the time typed was not in ("friday at 10" with Wednesday's times shown).
    listed = session.offer if session.offer is not None and start in session.offer.starts else None
    return replace(session, hold=held, offer=None, picked_from=listed), None


async def rehold(turn: Turn, session: Session) -> tuple[Session, list[Reply] | None]:
    """Hold the same time again after the hold ran out (a new hold, so a new key)."""
    assert session.hold is not None
    start = session.hold.start
    session = await drop_hold(turn, session)
    lead = turn.t("hold.expired_taken", when=turn.when(start))
    return await place_hold(turn, session, start, lead_if_taken=lead)


def tentative(event: Input, wish: Wish) -> Wish:
    """A time in a message that says no ("no, alle 4") is asked for, not taken: it is offered
    with its neighbours instead of being held at once."""
    if event.negated and wish.time is not None:
        return replace(wish, approximate=True)
    return wish


def day_only(wish: Wish) -> bool:
    return wish.time is None and not wish_window(wish) and wish.last_day is None


def as_asked(session: Session, wish: Wish) -> Wish:
    """A day named alone after a time or a part of the day was asked ("di pomeriggio", then
    "venerdì"; "verso le 17:30", then "lunedì"): that day, with what was asked before."""
    if not day_only(wish) or wish.past:
        return wish
    if session.asked_window is not None:
        start, end = session.asked_window
        return replace(wish, window_start=start, window_end=end)
    if session.asked_point is not None:
        return replace(wish, time=session.asked_point, approximate=True)
    return wish


async def change_when(turn: Turn, session: Session, event: Input) -> Outcome:
    """A new day or time typed mid-flow (a change of mind): say so, let go of the time held or
    about to be moved to, and look at the new one."""
    assert event.wish is not None
    wish = tentative(event, event.wish)
    look = turn.day(wish.day)
    held = session.hold
    same = wish.time is not None and not wish.past and held_as_asked(turn, session, wish)
    if held is not None and same:
        # "actually, monday at 3" about Monday at 3, the time held: nothing to let go.
        lead = turn.t("change.same", when=turn.when(held.start))
        return await ask(turn, session, session.step, lead)
    if held is not None and turn.local_day(held.start) == wish.day:
        lead = turn.t("change.released", old=turn.when(held.start))
    elif held is not None:
        lead = turn.t("change.look_released", old=turn.when(held.start), day=look)
    else:
        lead = turn.t("change.look", day=look)
    earlier = held.start if held is not None else session.earlier
    session = await drop_hold(turn, replace(session, new_start=None, earlier=earlier))
    return await search(turn, session, wish, lead)


def held_as_asked(turn: Turn, session: Session, wish: Wish) -> bool:
    """Whether a day or time said at the summary (or the move confirmation) is the one held or
    about to be moved to ("sì, a martedì")."""
    moment = session.hold.start if session.hold else session.new_start
    if moment is None:
        return False
    held = moment.astimezone(turn.tz)
    if wish.day != held.date() or wish.last_day is not None:
        return False
    if wish.time is not None:
        return wish.time == held.time()
    start, end = wish.window_start, wish.window_end
    return (start is None or start <= held.time()) and (end is None or held.time() < end)


def says_back_yes(turn: Turn, session: Session, event: Input) -> bool:
    """A yes that says back the time held or about to be moved to ("yes friday 10 is right"):
    restating what is on the table is agreeing with it; another time is a change."""
    return (
        event.wish is not None
        and event.text is not None
        and not (event.negated or event.correction)
        and held_as_asked(turn, session, event.wish)
        and affirms(event.text)
    )


async def other_times(turn: Turn, session: Session) -> Outcome:
    """ "I need to change the time", "posso scegliere un altro orario?" with a time held (or about
    to be moved to): the other times of that day; the time held is let go, and remembered."""
    moment = session.hold.start if session.hold else session.new_start
    if moment is None:
        return await change_time(turn, session)
    lead = turn.t("change.released", old=turn.when(moment)) if session.hold else None
    earlier = session.hold.start if session.hold else session.earlier
    session = await drop_hold(turn, replace(session, new_start=None, earlier=earlier))
    return await search(turn, session, Wish(day=turn.local_day(moment)), lead)


async def back_to_earlier(turn: Turn, session: Session) -> Outcome | None:
    """ "The original time was fine", "va bene l'orario di prima": the time a change of mind let
    go, asked for again (held at once if still free); None when nothing was let go."""
    earlier = session.earlier
    if earlier is None or earlier <= turn.now():
        return None
    local = earlier.astimezone(turn.tz)
    lead = turn.t("change.back", when=turn.when(earlier))
    session = await drop_hold(turn, replace(session, new_start=None, earlier=None))
    return await search(turn, session, Wish(day=local.date(), time=local.time()), lead)


# What follows "instead of" / "invece del" / "not just" names the service being left.
_OLD_SERVICE = re.compile(
    r"\b(instead of|rather than|in place of|al posto (del|della|dello|dell|di)|not just|"
    r"not only|non solo|invece (del|della|dello|di|che)|piuttosto (che|del|della))\b.*$"
)


# The same, for the word right after it only, when the service wanted comes after.
_OLD_SERVICE_WORD = re.compile(
    r"\b(instead of|rather than|in place of|al posto (del|della|dello|dell|di)|not just|"
    r"not only|non solo|invece (del|della|dello|di|che)|piuttosto (che|del|della))"
    r"((?: (?:il|la|lo|l|the|a|an|just|solo|only|my|mio|un|una))* \S+)"
)


_LEADING_NO = re.compile(r"^\s*(?:(?:no|nope|nah)\b\s*)+")


def other_service(
    turn: Turn, session: Session, text: str, services: Sequence[Service]
) -> Service | None:
    """The one service a message mid-booking names, when it is not the one being booked
    ("actually make it a colour", "si può fare il colore invece del taglio?")."""
    said = normalize(text)
    for old in (_OLD_SERVICE, _OLD_SERVICE_WORD):
        # "a colour instead of the cut"; else "invece del taglio facciamo colore venerdì"
        left = old.sub(" ", said)
        if left != said:
            # "no, a colour instead of the cut": the "no" answers what is on screen; the service
            # wanted is the one before "instead of", not one refused
            left = _LEADING_NO.sub("", left)
        chosen = match_service(turn, left, services).one
        if chosen is not None and chosen.id != session.service_id:
            return chosen
    return None


async def change_service(turn: Turn, session: Session, event: Input, service: Service) -> Outcome:
    """A change of service mid-booking: the day (and time held) stay, unless a new one was said."""
    wish = event.wish
    said = wish is not None
    if wish is None and session.hold is not None:
        # The time held stays, held anew for the new service if it fits there ("no, a colour
        # instead of the cut": the "no" is about the service, not the time).
        start = session.hold.start.astimezone(turn.tz)
        wish = Wish(day=start.date(), time=start.time())
    elif wish is None and session.offer is not None and session.offer.day is not None:
        wish = Wish(day=session.offer.day)
    session = await drop_hold(turn, replace(session, new_start=None))
    session = replace(with_service(session, service), offer=None, choices=())
    lead = turn.t("change.service", name=service.name)
    if wish is None:
        return await ask(turn, session, Step.WHEN, lead)
    return await search(turn, session, tentative(event, wish) if said else wish, lead)


async def change_time(turn: Turn, session: Session, lead: str | None = None) -> Outcome:
    session = await drop_hold(turn, session)
    return await ask(turn, replace(session, offer=None, new_start=None), Step.WHEN, lead)


async def first_free(turn: Turn, session: Session, lead: str | None = None) -> Outcome:
    """ "As soon as possible": the first day with room, all its times."""
    assert session.service_id is not None
    availability = await turn.zimun.get_availability(
        session.service_id, first_day=turn.today(), days_ahead=WHEN_DAYS_AHEAD
    )
    days = days_with_room(availability, turn.tz, limit=1)
    if not days:
        return await ask(turn, session, Step.WHEN, lead)
    return await search(turn, session, Wish(day=days[0]), lead)


async def earlier_or_later(turn: Turn, session: Session, later: bool) -> Outcome:
    offer = session.offer
    assert session.service_id is not None
    if offer is None or offer.day is None:
        return await ask(turn, session, Step.WHEN)
    shown = page_of(offer.starts, offer.page)
    availability = await turn.zimun.get_availability(
        session.service_id, first_day=offer.day, days_ahead=1
    )
    day_starts = starts_on(availability, offer.day, turn.tz)
    if shown:
        anchor = max(shown) if later else min(shown)
    else:
        anchor = datetime.combine(offer.day, time(12, 0), tzinfo=turn.tz)
    side = [s for s in day_starts if (s > anchor if later else s < anchor)]
    day = turn.day(offer.day)
    if not side:
        key = "slot.no_later" if later else "slot.no_earlier"
        return await ask(turn, session, Step.SLOT, turn.t(key, day=day))
    # The closest ones, but listed in the order of the day, so "the second" reads naturally.
    chosen = tuple(sorted(around(side, anchor, NEAREST_COUNT)))
    session = replace(session, offer=replace(offer, starts=chosen, page=0))
    key = "slot.later" if later else "slot.earlier"
    return await ask(turn, session, Step.SLOT, turn.t(key, day=day))


async def shift(turn: Turn, session: Session, later: bool) -> Outcome:
    """ "Un po' più tardi" / "a bit earlier" with a time held (or about to be moved to): the
    times just after (before) it on the same day; the hold is let go."""
    moment = session.hold.start if session.hold else session.new_start
    if moment is None:
        return await ask(turn, session, Step.WHEN)
    session = await drop_hold(turn, replace(session, new_start=None))
    offer = Offer(day=turn.local_day(moment), starts=(moment,))
    return await earlier_or_later(turn, replace(session, step=Step.SLOT, offer=offer), later)


def shifts(event: Input) -> bool:
    """ "più tardi", "earlier", "later that day": a nudge of the time on screen, no new day."""
    return event.kind in (IntentKind.EARLIER, IntentKind.LATER) and event.wish is None


async def on_service(turn: Turn, session: Session, event: Input) -> Outcome:
    services = await turn.services()
    chosen: Service | None = None
    if event.verb == Verb.SERVICE and not event.arg:
        session = replace(session, choices=())
        return session, [turn.reply(turn.t("service.ask"), await service_rows(turn, session))]
    shown = [s for s in services if s.id in session.choices] if session.choices else services
    shown = shown or services
    match: ServiceMatch[Service] = ServiceMatch()
    if event.verb == Verb.SERVICE:
        chosen = next((s for s in services if s.id == event.arg), None)
    elif event.text:
        match = match_service(turn, event.text, services)
        chosen = match.one
        if chosen is None and session.choices:
            # Among the services on screen, a word that fits one of them only is enough.
            among = [s for s in match.services if s.id in session.choices]
            chosen = among[0] if len(among) == 1 else None
        if chosen is None and event.kind is IntentKind.YES and len(session.choices) == 1:
            chosen = shown[0]  # "ok" to the one service suggested
        ordinal = event.intent.ordinal if event.intent else None
        if chosen is None and not match.services and ordinal is not None:
            if ordinal == -1:
                chosen = shown[-1]
            elif 1 <= ordinal <= len(shown):
                chosen = shown[ordinal - 1]
        if chosen is None and not match.services:
            # "quello da 45 euro", "the hour long one": the one service with that figure
            figures = [
                (s.id, s.price.amount if s.price else None, s.duration_minutes) for s in shown
            ]
            meant = by_figure(event.text, figures)
            chosen = next((s for s in shown if s.id == meant), None)
            if chosen is not None:  # said back: the customer named a figure, not the service
                if event.wish is not None:
                    session = replace(session, wish=event.wish)
                return await choose_service(
                    turn, session, chosen, turn.t("service.chosen", name=chosen.name)
                )
    if event.wish is not None:
        session = replace(session, wish=event.wish)
    if chosen is None and match.services and set(session.choices) != {s.id for s in match.services}:
        lead = turn.t("service.noted") if event.wish else None
        return await ask_between(turn, session, match, lead)
    if chosen is None:
        # Never the same question twice in a row: say what went wrong and show the buttons.
        key = "service.noted_pick" if event.wish else "service.not_understood"
        if match.services:
            key = "service.pick_one"
        return session, [turn.reply(turn.t(key), await service_rows(turn, session))]
    return await choose_service(turn, session, chosen)


async def on_when(turn: Turn, session: Session, event: Input) -> Outcome:
    if event.verb == Verb.DAY:
        day = parse_day_arg(event.arg)
        if day is not None:
            return await search(turn, session, Wish(day=day))
    if event.wish is not None:
        return await search(turn, session, as_asked(session, tentative(event, event.wish)))
    if event.kind is IntentKind.ASAP:
        return await first_free(turn, session)
    if event.kind is IntentKind.OTHER_DAY:
        return await ask(turn, session, Step.WHEN)
    early = await contact_too_soon(turn, session, event)
    if early is not None:
        return early
    return await unexpected(turn, session, turn.t("when.not_understood"))


async def contact_too_soon(turn: Turn, session: Session, event: Input) -> Outcome | None:
    """A name or an e-mail typed before a time is chosen ("Luca Verdi", "luca@x.it"): said
    kindly that the time comes first, the question (and the times on screen) kept; an address is
    kept too, so it is not asked again. None for anything else."""
    text = event.text
    if not text or event.wish is not None or event.kind is not None:
        return None
    if session.flow is not Flow.BOOK:
        return None
    address = find_address(text)
    # "emma clarke at gmail dot com" is emmaclarke@ or emma.clarke@: asked at its question
    typed = parse_email(address) if address and dictation_choices(text) is None else None
    if typed is not None and typed.value and not typed.suggestion:
        session = replace(session, contact_email=typed.value)
        return await ask(turn, session, session.step, turn.t("slot.email_kept"))
    if address or looks_like_name(text):
        return await ask(turn, session, session.step, turn.t("slot.contact_first"))
    return None


async def on_slot(turn: Turn, session: Session, event: Input) -> Outcome:
    offer = session.offer
    if offer is None:
        return await ask(turn, session, Step.WHEN)
    shown = page_of(offer.starts, offer.page)
    if event.verb == Verb.SLOT:
        start = parse_instant_arg(event.arg)
        if start is not None and start in offer.starts:
            return await pick(turn, session, start)
        return await unexpected(turn, session)
    if event.verb == Verb.DAY:
        day = parse_day_arg(event.arg)
        if day is not None:
            return await search(turn, session, Wish(day=day))
    if event.verb == Verb.MORE or (event.kind is IntentKind.MORE and event.wish is None):
        more = offer.page + 1 if len(offer.starts) > (offer.page + 1) * PAGE_SIZE else 0
        return await ask(turn, replace(session, offer=replace(offer, page=more)), Step.SLOT)
    if event.verb == Verb.OTHER_DAY or event.kind is IntentKind.OTHER_DAY:
        return await ask(turn, session, Step.WHEN)
    if event.reading is not None and event.reading.latest and offer.starts and offer.day:
        # "the latest you've got that day": its last time said, and the page that shows it.
        last = offer.starts[-1]
        page = (len(offer.starts) - 1) // PAGE_SIZE
        lead = turn.t("slot.latest", time=turn.clock_time(last))
        return await ask(turn, replace(session, offer=replace(offer, page=page)), Step.SLOT, lead)
    kind = event.kind
    if kind is IntentKind.CHOOSE_ORDINAL and event.intent and event.intent.ordinal:
        index = event.intent.ordinal
        if shown and (1 <= index <= len(shown) or -len(shown) <= index <= -1):
            # -1 the last, -2 "la penultima"
            return await pick(turn, session, shown[index - 1 if index > 0 else index])
        if not shown and offer.days and (1 <= index <= len(offer.days) or index == -1):
            # Only days on screen (a closed or full day): "the second one" is the second day.
            return await search(turn, session, Wish(day=offer.days[index - 1 if index > 0 else -1]))
    if kind is IntentKind.CHOOSE_TIME and event.intent and event.intent.time and offer.day:
        chosen = offered_at(turn, offer.starts, event.intent.time)
        if chosen is not None:
            return await pick(turn, session, chosen)
        return await search(turn, session, Wish(day=offer.day, time=event.intent.time))
    if event.wish is not None:
        # A bare time or day part was read against the day on screen (bot.understanding.reading).
        wish = tentative(event, event.wish)
        if wish.day != offer.day:
            wish = as_asked(session, wish)
        if wish.time is not None and wish.day == offer.day and not event.negated:
            chosen = offered_at(turn, offer.starts, wish.time)
            if chosen is not None:
                return await pick(turn, session, chosen)
        return await search(turn, session, wish)
    if kind in (IntentKind.EARLIER, IntentKind.LATER):
        return await earlier_or_later(turn, session, later=kind is IntentKind.LATER)
    if kind is IntentKind.YES and len(shown) == 1:
        return await pick(turn, session, shown[0])
    first = shown[0].astimezone(turn.tz).time() if shown else None
    if kind is IntentKind.YES and first is not None and first == session.asked_point:
        # "no, lunedì alle 10" showed Monday's times with 10:00 first: "sì" takes 10:00.
        return await pick(turn, session, shown[0])
    if kind is IntentKind.NO:
        return await ask(turn, session, Step.WHEN)
    if kind is IntentKind.ASAP:
        return await first_free(turn, session)
    early = await contact_too_soon(turn, session, event)
    if early is not None:
        return early
    return await unexpected(turn, session)


def offered_at(turn: Turn, starts: Sequence[datetime], wall: time) -> datetime | None:
    return next((s for s in starts if s.astimezone(turn.tz).time() == wall), None)


async def hold_again(turn: Turn, session: Session) -> Outcome:
    if session.hold is None or session.step not in HOLD_STEPS:
        return await ask(turn, session, session.step)
    session, alternatives = await rehold(turn, session)
    if alternatives is not None:
        return session, alternatives
    return await ask(turn, session, session.step, hold_placed(turn, session))


async def scheduled_hold(turn: Turn, session: Session, kind: str, hold_id: str) -> list[Reply]:
    """The hold warning or expiry notice, if that hold is still the one being booked."""
    t = turn.t
    held = session.hold
    if held is None or held.hold_id != hold_id or session.step not in HOLD_STEPS:
        return []
    if kind == "hold_warning":
        text = t(
            "hold.warning", when=turn.when(held.start), expires=turn.clock_time(held.expires_at)
        )
        rows: list[list[Button]] = []
        if session.step is Step.SUMMARY:
            rows.append([turn.button(t("button.confirm_now"), Verb.CONFIRM)])
        rows.append([turn.button(t("button.keep_going"), Verb.RESUME), stop_button(turn)])
        return [turn.reply(text, rows)]
    await turn.store.record_metric(MetricKind.HOLD_EXPIRED, turn.customer.chat_id, turn.now())
    rows = [
        [turn.button(t("button.hold_again"), Verb.REHOLD)],
        [turn.button(t("button.other_times"), Verb.CHANGE_TIME), stop_button(turn)],
    ]
    return [turn.reply(t("hold.expired", when=turn.when(held.start)), rows)]
