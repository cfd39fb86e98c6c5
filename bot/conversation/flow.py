"""The conversation flow: one handler per step in `FLOW`, one prompt per step in `PROMPTS`.

A handler takes the turn, the session and the customer's input and returns the new session and the
replies. Every input a step does not expect gets an explicit answer that repeats the step's question
with its buttons, so there is never silence and never a dead end. Inputs that mean the same at every
step (stop, help, language, my appointments, move, cancel) are read first, in `dispatch`.

```
IDLE -> SERVICE -> WHEN -> SLOT -(hold)-> NAME -> EMAIL -> SUMMARY -(confirm)-> IDLE
IDLE -> CHOOSE_APPOINTMENT -> WHEN -> SLOT -> MOVE_CONFIRM -(PATCH)-> IDLE
IDLE -> CHOOSE_APPOINTMENT -> CANCEL_CONFIRM -> CANCEL_REASON -(PATCH)-> IDLE
```
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta

from bot.conversation.actions import (
    ARG_PATTERN,
    Verb,
    instant_arg,
    parse_day_arg,
    parse_instant_arg,
)
from bot.conversation.calendar import appointment_ics
from bot.conversation.events import Attachment, Button, Reply
from bot.conversation.offers import (
    NEAREST_COUNT,
    PAGE_SIZE,
    Plan,
    PlanKind,
    around,
    days_with_room,
    page_of,
    plan_offer,
    starts_on,
)
from bot.conversation.reminders import reminder_key, reminder_message
from bot.conversation.session import Done, Flow, HeldSlot, Offer, Session, Step, Wish
from bot.conversation.turn import Turn, with_service
from bot.storage import LedgerEntry, MetricKind, ScheduledMessage
from bot.understanding import (
    ContactProblem,
    Intent,
    IntentKind,
    parse_email,
    parse_name,
)
from bot.understanding.text import normalize
from bot.zimun import (
    Appointment,
    AppointmentStatus,
    Conflict,
    HoldExpired,
    NotFound,
    Service,
    SlotUnavailable,
    ZimunError,
)

__all__ = ["FLOW", "PROMPTS", "Input", "Outcome", "dispatch"]

logger = logging.getLogger(__name__)

HOLD_WARNING_BEFORE = timedelta(minutes=2)
WHEN_DAYS_AHEAD = 14
QUICK_DAYS = 4
MAX_DAYS_PER_CALL = 8
MAX_REFRESH = 5

Outcome = tuple[Session, list[Reply]]


@dataclass(frozen=True)
class Input:
    """One customer event as the flow reads it: a press (verb, arg) or a text with its meaning."""

    text: str | None = None
    verb: str | None = None
    arg: str = ""
    intent: Intent | None = None
    wish: Wish | None = None

    @property
    def kind(self) -> IntentKind | None:
        return self.intent.kind if self.intent else None


Handler = Callable[[Turn, Session, Input], Awaitable[Outcome]]
Prompt = Callable[[Turn, Session, str | None], Awaitable[list[Reply]]]


def _join(*parts: str | None) -> str:
    return "\n\n".join(p for p in parts if p)


# --- shared pieces -------------------------------------------------------------------------


def menu_rows(turn: Turn) -> list[list[Button]]:
    t = turn.t
    return [
        [turn.button(t("button.book"), Verb.BOOK)],
        [turn.button(t("button.appointments"), Verb.APPOINTMENTS)],
        [
            turn.button(t("button.help"), Verb.HELP),
            turn.button(t("button.language"), Verb.LANGUAGE),
        ],
    ]


def stop_button(turn: Turn) -> Button:
    return turn.button(turn.t("button.stop"), Verb.STOP)


def menu(turn: Turn, lead: str | None = None) -> list[Reply]:
    return [turn.reply(_join(lead, turn.t("menu.question")), menu_rows(turn))]


async def drop_hold(turn: Turn, session: Session) -> Session:
    """Release the hold (best effort: it runs out anyway) and stop its scheduled messages."""
    held = session.hold
    if held is None:
        return session
    await turn.store.cancel_scheduled(f"hold_warning:{held.hold_id}")
    await turn.store.cancel_scheduled(f"hold_expired:{held.hold_id}")
    if held.expires_at > turn.now():
        try:
            await turn.zimun.release_hold(held.hold_id)
            await turn.store.record_metric(
                MetricKind.HOLD_RELEASED, turn.customer.chat_id, turn.now()
            )
        except ZimunError:
            logger.warning("hold %s not released; it will run out", held.hold_id)
    return replace(session, hold=None, hold_seq=session.hold_seq + 1)


async def schedule_hold_messages(turn: Turn, held: HeldSlot) -> None:
    chat_id = turn.customer.chat_id
    payload = {"hold_id": held.hold_id}
    warning_at = held.expires_at - HOLD_WARNING_BEFORE
    if warning_at > turn.now():
        await turn.store.schedule(
            ScheduledMessage(
                f"hold_warning:{held.hold_id}", chat_id, warning_at, "hold_warning", payload
            )
        )
    await turn.store.schedule(
        ScheduledMessage(
            f"hold_expired:{held.hold_id}", chat_id, held.expires_at, "hold_expired", payload
        )
    )


async def schedule_reminder(turn: Turn, appointment_id: str, start: datetime) -> None:
    await turn.store.cancel_scheduled(reminder_key(appointment_id))  # re-arm after a move
    message = reminder_message(
        appointment_id,
        turn.customer.chat_id,
        start,
        hours=turn.deps.reminder_hours,
        now=turn.now(),
    )
    if message is not None:
        await turn.store.schedule(message)


def wish_at(turn: Turn, moment: datetime, *, approximate: bool = True) -> Wish:
    local = moment.astimezone(turn.tz)
    return Wish(day=local.date(), time=local.time(), approximate=approximate)


def match_service(text: str, services: Sequence[Service]) -> Service | None:
    """The service named in the text ("un taglio domani"), longest name first."""
    wanted = f" {normalize(text)} "
    for service in sorted(services, key=lambda s: -len(s.name)):
        if f" {normalize(service.name)} " in wanted:
            return service
    return None


def ics_for(
    turn: Turn, appointment_id: str, service_name: str, start: datetime, minutes: int
) -> Attachment:
    return appointment_ics(
        appointment_id=appointment_id,
        title=service_name,
        start=start,
        duration_minutes=minutes,
        stamp=turn.now(),
    )


# --- prompts: each step's question with its buttons ----------------------------------------


async def prompt_idle(turn: Turn, session: Session, lead: str | None) -> list[Reply]:
    return menu(turn, lead)


async def prompt_service(turn: Turn, session: Session, lead: str | None) -> list[Reply]:
    t = turn.t
    rows = [
        [
            turn.button(
                t("service.label", name=s.name, minutes=s.duration_minutes), Verb.SERVICE, s.id
            )
        ]
        for s in await turn.services()
    ]
    rows.append([stop_button(turn)])
    return [turn.reply(_join(lead, t("service.ask")), rows)]


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
    rows.append([stop_button(turn)])
    question = t("when.ask") if days else t("when.ask_no_days")
    return [turn.reply(_join(lead, question), rows)]


def slot_rows(turn: Turn, offer: Offer) -> list[list[Button]]:
    shown = page_of(offer.starts, offer.page)
    times = [turn.button(turn.clock_time(s), Verb.SLOT, instant_arg(s)) for s in shown]
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
    if offer.starts:
        question = turn.t("slot.choose")
    elif offer.days:
        question = turn.t("slot.choose_day")
    else:
        question = turn.t("slot.type_day")
    return [turn.reply(_join(lead, question), slot_rows(turn, offer))]


def profile_name(turn: Turn) -> str | None:
    full = " ".join(p for p in (turn.customer.first_name, turn.customer.last_name) if p)
    return parse_name(full).value if full else None


def flow_rows(turn: Turn) -> list[Button]:
    return [turn.button(turn.t("button.change_time"), Verb.CHANGE_TIME), stop_button(turn)]


async def prompt_name(turn: Turn, session: Session, lead: str | None) -> list[Reply]:
    rows: list[list[Button]] = []
    name = profile_name(turn)
    if name:
        rows.append([turn.button(name, Verb.NAME)])
    rows.append(flow_rows(turn))
    return [turn.reply(_join(lead, turn.t("name.ask")), rows)]


async def prompt_email(turn: Turn, session: Session, lead: str | None) -> list[Reply]:
    return [turn.reply(_join(lead, turn.t("email.ask")), [flow_rows(turn)])]


async def prompt_summary(turn: Turn, session: Session, lead: str | None) -> list[Reply]:
    t = turn.t
    assert session.hold is not None
    text = t(
        "summary.text",
        service=session.service_name or "",
        when=turn.when(session.hold.start),
        minutes=session.duration_minutes or 0,
        name=session.contact_name or "",
        email=session.contact_email or "",
    )
    rows = [[turn.button(t("button.confirm"), Verb.CONFIRM)], flow_rows(turn)]
    return [turn.reply(_join(lead, text), rows)]


def appointment_ref(entry: LedgerEntry) -> str:
    """What a Move/Cancel button carries: the appointment id, or the booking code if the id is
    too long for a button (both are looked up in this chat's ledger before anything happens)."""
    if len(entry.appointment_id) <= 40 and ARG_PATTERN.match(entry.appointment_id):
        return entry.appointment_id
    return entry.booking_code or entry.appointment_id[:40]


def appointment_label(turn: Turn, entry: LedgerEntry) -> str:
    local = entry.start.astimezone(turn.tz)
    return turn.t(
        "appointment.button",
        service=entry.service_name,
        day=turn.short_day(local.date()),
        time=turn.clock_time(local),
    )


async def prompt_choose_appointment(turn: Turn, session: Session, lead: str | None) -> list[Reply]:
    entries = [
        e for e in await upcoming(turn, refresh=False) if e.appointment_id in session.choices
    ]
    rows = [
        [turn.button(appointment_label(turn, e), Verb.PICK, str(i))]
        for i, e in enumerate(entries, start=1)
    ]
    rows.append([stop_button(turn)])
    question = (
        turn.t("choose.which_move") if session.flow is Flow.MOVE else turn.t("choose.which_cancel")
    )
    return [turn.reply(_join(lead, question), rows)]


async def prompt_move_confirm(turn: Turn, session: Session, lead: str | None) -> list[Reply]:
    t = turn.t
    entry = await owned(turn, session.appointment_id)
    assert session.new_start is not None
    text = t(
        "move.confirm",
        service=session.service_name or "",
        old=turn.when(entry.start) if entry else "",
        new=turn.when(session.new_start),
    )
    rows = [[turn.button(t("button.move_yes"), Verb.CONFIRM)], flow_rows(turn)]
    return [turn.reply(_join(lead, text), rows)]


async def prompt_cancel_confirm(turn: Turn, session: Session, lead: str | None) -> list[Reply]:
    t = turn.t
    entry = await owned(turn, session.appointment_id)
    when = turn.when(entry.start) if entry else ""
    text = t("cancel.confirm", service=session.service_name or "", when=when)
    rows = [[turn.button(t("button.cancel_yes"), Verb.YES), turn.button(t("button.keep"), Verb.NO)]]
    return [turn.reply(_join(lead, text), rows)]


async def prompt_cancel_reason(turn: Turn, session: Session, lead: str | None) -> list[Reply]:
    rows = [[turn.button(turn.t("button.skip"), Verb.SKIP)]]
    return [turn.reply(_join(lead, turn.t("cancel.reason")), rows)]


PROMPTS: dict[Step, Prompt] = {
    Step.IDLE: prompt_idle,
    Step.SERVICE: prompt_service,
    Step.WHEN: prompt_when,
    Step.SLOT: prompt_slot,
    Step.NAME: prompt_name,
    Step.EMAIL: prompt_email,
    Step.SUMMARY: prompt_summary,
    Step.CHOOSE_APPOINTMENT: prompt_choose_appointment,
    Step.MOVE_CONFIRM: prompt_move_confirm,
    Step.CANCEL_CONFIRM: prompt_cancel_confirm,
    Step.CANCEL_REASON: prompt_cancel_reason,
}


async def ask(turn: Turn, session: Session, step: Step, lead: str | None = None) -> Outcome:
    """Move to `step` and ask its question."""
    session = replace(session, step=step)
    return session, await PROMPTS[step](turn, session, lead)


async def unexpected(turn: Turn, session: Session, lead: str | None = None) -> Outcome:
    """The explicit answer to an input the step did not expect: say so, then ask again."""
    return await ask(turn, session, session.step, lead or turn.t("step.unexpected"))


# --- booking: service, when, slots, hold ---------------------------------------------------


async def start_booking(
    turn: Turn,
    session: Session,
    *,
    wish: Wish | None = None,
    service_id: str | None = None,
    text: str | None = None,
) -> Outcome:
    session = await drop_hold(turn, session)
    session = replace(session.start_flow(Flow.BOOK, turn.now()), wish=wish)
    services = await turn.services()
    if not services:
        return session.idle(), menu(turn, turn.t("service.none"))
    chosen = next((s for s in services if s.id == service_id), None)
    if chosen is None and text:
        chosen = match_service(text, services)
    if chosen is None and len(services) == 1:
        chosen = services[0]
    if chosen is None:
        return await ask(turn, session, Step.SERVICE)
    return await choose_service(turn, session, chosen)


async def choose_service(turn: Turn, session: Session, service: Service) -> Outcome:
    session = with_service(session, service)
    if session.wish is not None:
        return await search(turn, replace(session, wish=None), session.wish)
    return await ask(turn, session, Step.WHEN)


async def search(turn: Turn, session: Session, wish: Wish, lead: str | None = None) -> Outcome:
    """Offer times for what the customer asked; an exact free time goes straight on."""
    t = turn.t
    assert session.service_id is not None
    today, last = turn.today(), turn.last_bookable_day()
    if wish.day < today:
        return await ask(turn, session, Step.WHEN, _join(lead, t("when.past")))
    if wish.day > last:
        note = t("when.beyond", days=turn.deps.horizon_days, last=turn.day(last))
        return await ask(turn, session, Step.WHEN, _join(lead, note))
    ahead = min(MAX_DAYS_PER_CALL, (last - wish.day).days + 1)
    availability = await turn.zimun.get_availability(
        session.service_id, first_day=wish.day, days_ahead=ahead
    )
    plan = plan_offer(wish, availability, now=turn.now(), timezone=turn.tz)
    if plan.kind is PlanKind.EXACT:
        return await pick(turn, session, plan.starts[0], lead=lead)
    offer = Offer(day=plan.day, starts=plan.starts, days=plan.days)
    session = replace(session, step=Step.SLOT, offer=offer)
    return session, await prompt_slot(turn, session, _join(lead, headline(turn, plan, wish)))


def headline(turn: Turn, plan: Plan, wish: Wish) -> str:
    """What the bot says about the asked day before listing times."""
    t = turn.t
    day, cap = turn.day(plan.day), turn.day(plan.day, capital=True)
    if plan.kind is PlanKind.CLOSED and plan.closure is not None:
        return t("slot.closed", day=cap, label=plan.closure.label)
    if plan.kind is PlanKind.NO_ROOM:
        return t("slot.no_room", day=cap)
    if plan.kind is PlanKind.NEAREST and wish.time is not None:
        asked = datetime.combine(plan.day, wish.time, tzinfo=turn.tz)
        if plan.time_past:
            return t("slot.time_past", when=turn.when(asked))
        if wish.approximate:
            return t("slot.around", when=turn.when(asked))
        return t("slot.time_taken", when=turn.when(asked))
    if plan.kind is PlanKind.NO_ROOM_IN_WINDOW:
        return t("slot.no_room_window", day=day, span=span(turn, plan.day, wish))
    if wish.window_start is not None or wish.window_end is not None:
        return t("slot.window", day=day, span=span(turn, plan.day, wish))
    return t("slot.day", day=day)


def span(turn: Turn, day: date, wish: Wish) -> str:
    """The asked part of the day said back in full: "tra le 12:00 e le 18:00", "dopo le 15:00"."""
    start, end = wish.window_start or time(0, 0), wish.window_end or time(23, 59)
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
        turn, session, next_contact_step(session), _join(lead, hold_placed(turn, session))
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
    return replace(session, hold=held, offer=None), None


async def rehold(turn: Turn, session: Session) -> tuple[Session, list[Reply] | None]:
    """Hold the same time again after the hold ran out (a new hold, so a new key)."""
    assert session.hold is not None
    start = session.hold.start
    session = await drop_hold(turn, session)
    lead = turn.t("hold.expired_taken", when=turn.when(start))
    return await place_hold(turn, session, start, lead_if_taken=lead)


async def change_time(turn: Turn, session: Session, lead: str | None = None) -> Outcome:
    session = await drop_hold(turn, session)
    return await ask(turn, replace(session, offer=None, new_start=None), Step.WHEN, lead)


async def first_free(turn: Turn, session: Session) -> Outcome:
    """ "As soon as possible": the first day with room, all its times."""
    assert session.service_id is not None
    availability = await turn.zimun.get_availability(
        session.service_id, first_day=turn.today(), days_ahead=WHEN_DAYS_AHEAD
    )
    days = days_with_room(availability, turn.tz, limit=1)
    if not days:
        return await ask(turn, session, Step.WHEN)
    return await search(turn, session, Wish(day=days[0]))


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


# --- handlers: one per step -----------------------------------------------------------------


async def on_idle(turn: Turn, session: Session, event: Input) -> Outcome:
    t = turn.t
    kind = event.kind
    if kind in (IntentKind.BOOK, IntentKind.ASAP) or event.wish is not None:
        return await start_booking(turn, session, wish=event.wish, text=event.text)
    if event.text and match_service(event.text, await turn.services()):
        return await start_booking(turn, session, text=event.text)
    if kind is IntentKind.GREETING:
        return session, menu(turn, greeting(turn))
    if kind is IntentKind.THANKS:
        return session, menu(turn, t("idle.thanks"))
    if kind is IntentKind.YES and session.done is not None:
        return session, already_booked(turn, session.done)
    if kind is IntentKind.NO:
        return session, menu(turn, t("idle.no"))
    return session, menu(turn, t("idle.unknown"))


async def on_service(turn: Turn, session: Session, event: Input) -> Outcome:
    services = await turn.services()
    chosen: Service | None = None
    if event.verb == Verb.SERVICE:
        chosen = next((s for s in services if s.id == event.arg), None)
    elif event.text:
        chosen = match_service(event.text, services)
        ordinal = event.intent.ordinal if event.intent else None
        if chosen is None and ordinal is not None and services:
            if ordinal == -1:
                chosen = services[-1]
            elif 1 <= ordinal <= len(services):
                chosen = services[ordinal - 1]
    if event.wish is not None:
        session = replace(session, wish=event.wish)
    if chosen is None:
        lead = turn.t("service.noted") if event.wish else None
        return await unexpected(turn, session, lead)
    return await choose_service(turn, session, chosen)


async def on_when(turn: Turn, session: Session, event: Input) -> Outcome:
    if event.verb == Verb.DAY:
        day = parse_day_arg(event.arg)
        if day is not None:
            return await search(turn, session, Wish(day=day))
    if event.wish is not None:
        return await search(turn, session, event.wish)
    if event.kind is IntentKind.ASAP:
        return await first_free(turn, session)
    if event.kind is IntentKind.OTHER_DAY:
        return await ask(turn, session, Step.WHEN)
    return await unexpected(turn, session, turn.t("when.not_understood"))


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
    if event.verb == Verb.MORE:
        more = offer.page + 1 if len(offer.starts) > (offer.page + 1) * PAGE_SIZE else 0
        return await ask(turn, replace(session, offer=replace(offer, page=more)), Step.SLOT)
    if event.verb == Verb.OTHER_DAY or event.kind is IntentKind.OTHER_DAY:
        return await ask(turn, session, Step.WHEN)
    kind = event.kind
    if kind is IntentKind.CHOOSE_ORDINAL and event.intent and event.intent.ordinal:
        index = event.intent.ordinal
        if shown and (1 <= index <= len(shown) or index == -1):
            return await pick(turn, session, shown[index - 1 if index > 0 else -1])
    if kind is IntentKind.CHOOSE_TIME and event.intent and event.intent.time and offer.day:
        chosen = offered_at(turn, offer.starts, event.intent.time)
        if chosen is not None:
            return await pick(turn, session, chosen)
        return await search(turn, session, Wish(day=offer.day, time=event.intent.time))
    if event.wish is not None:
        wish = event.wish
        if wish.time is not None and wish.day in (turn.today(), turn.today() + timedelta(days=1)):
            # A bare time ("alle 11") is read by the parser as today or tomorrow; while times
            # of another day are on screen, it means one of those.
            chosen = offered_at(turn, offer.starts, wish.time)
            if chosen is not None:
                return await pick(turn, session, chosen)
        return await search(turn, session, wish)
    if kind in (IntentKind.EARLIER, IntentKind.LATER):
        return await earlier_or_later(turn, session, later=kind is IntentKind.LATER)
    if kind is IntentKind.YES and len(shown) == 1:
        return await pick(turn, session, shown[0])
    if kind is IntentKind.NO:
        return await ask(turn, session, Step.WHEN)
    if kind is IntentKind.ASAP:
        return await first_free(turn, session)
    return await unexpected(turn, session)


def offered_at(turn: Turn, starts: Sequence[datetime], wall: time) -> datetime | None:
    return next((s for s in starts if s.astimezone(turn.tz).time() == wall), None)


NAME_PROBLEMS = {
    ContactProblem.EMPTY: "name.problem.empty",
    ContactProblem.TOO_SHORT: "name.problem.too_short",
    ContactProblem.TOO_LONG: "name.problem.too_long",
    ContactProblem.URL: "name.problem.url",
    ContactProblem.EMAIL_AS_NAME: "name.problem.email",
    ContactProblem.DIGITS: "name.problem.digits",
    ContactProblem.INVALID_CHARS: "name.problem.chars",
}
EMAIL_PROBLEMS = {
    ContactProblem.EMPTY: "email.problem.empty",
    ContactProblem.TOO_LONG: "email.problem.too_long",
    ContactProblem.EMAIL_DOMAIN: "email.problem.domain",
}


async def on_name(turn: Turn, session: Session, event: Input) -> Outcome:
    if event.verb == Verb.NAME:
        name = profile_name(turn)
        if name:
            return await contact_known(turn, replace(session, contact_name=name))
    if event.text is None:
        return await unexpected(turn, session)
    if event.kind in (IntentKind.YES, IntentKind.NO):
        # "sì" answers the offered profile name; it is nobody's name.
        name = profile_name(turn) if event.kind is IntentKind.YES else None
        if name:
            return await contact_known(turn, replace(session, contact_name=name))
        return await ask(turn, session, Step.NAME)
    check = parse_name(event.text)
    if check.value is None and wants_other_time(event):
        return await retime(turn, session, event)
    if check.value is None:
        problem = NAME_PROBLEMS.get(
            check.problem or ContactProblem.INVALID_CHARS, "name.problem.chars"
        )
        return await ask(turn, session, Step.NAME, turn.t(problem))
    return await contact_known(turn, replace(session, contact_name=check.value))


def wants_other_time(event: Input) -> bool:
    """A day and a time typed where a name or address was expected ("anzi, domani alle 12")."""
    wish = event.wish
    return wish is not None and (wish.time is not None or wish.window_start is not None)


async def retime(turn: Turn, session: Session, event: Input) -> Outcome:
    assert event.wish is not None
    session = await drop_hold(turn, session)
    return await search(turn, session, event.wish)


async def contact_known(turn: Turn, session: Session) -> Outcome:
    return await ask(turn, session, next_contact_step(session))


async def email_chosen(turn: Turn, session: Session, email: str) -> Outcome:
    """The customer settled "Did you mean …?": keep that address and forget the question."""
    session = replace(session, contact_email=email, email_suggestion=None, email_typed=None)
    return await contact_known(turn, session)


async def on_email(turn: Turn, session: Session, event: Input) -> Outcome:
    t = turn.t
    if event.verb == Verb.EMAIL:
        chosen = session.email_suggestion if event.arg == "s" else session.email_typed
        if chosen:
            return await email_chosen(turn, session, chosen)
    if event.text is None:
        return await unexpected(turn, session)
    if session.email_suggestion and event.kind in (IntentKind.YES, IntentKind.NO):
        # "sì" to "Did you mean …?" takes the suggestion; "no" keeps what was typed.
        yes = event.kind is IntentKind.YES
        chosen = session.email_suggestion if yes else session.email_typed
        if chosen:
            return await email_chosen(turn, session, chosen)
    check = parse_email(event.text)
    if check.suggestion:
        session = replace(session, email_suggestion=check.suggestion, email_typed=check.value)
        rows = [[turn.button(check.suggestion, Verb.EMAIL, "s")]]
        if check.value:
            rows.append([turn.button(t("email.keep", email=check.value), Verb.EMAIL, "t")])
        rows.append(flow_rows(turn))
        return session, [turn.reply(t("email.did_you_mean", email=check.suggestion), rows)]
    if check.value is None and wants_other_time(event):
        return await retime(turn, session, event)
    if check.value is None:
        problem = EMAIL_PROBLEMS.get(
            check.problem or ContactProblem.EMAIL_SYNTAX, "email.problem.syntax"
        )
        return await ask(turn, session, Step.EMAIL, t(problem))
    return await contact_known(turn, replace(session, contact_email=check.value))


async def on_summary(turn: Turn, session: Session, event: Input) -> Outcome:
    if event.verb == Verb.CONFIRM or event.kind is IntentKind.YES:
        return await confirm(turn, session)
    if event.wish is not None:
        session = await drop_hold(turn, session)
        return await search(turn, session, event.wish)
    if event.kind is IntentKind.NO:
        return await ask(turn, session, Step.SUMMARY, turn.t("summary.not_confirmed"))
    return await unexpected(turn, session)


async def confirm(turn: Turn, session: Session) -> Outcome:
    """Confirm the held time; an expired hold is held again first, a lost slot re-offered."""
    if session.hold is None:
        return await ask(turn, session, Step.WHEN, turn.t("hold.lost"))
    if turn.now() >= session.hold.expires_at:
        session, alternatives = await rehold(turn, session)
        if alternatives is not None:
            return session, alternatives
    for attempt in range(2):
        assert session.hold is not None
        key = turn.key(session, "confirm", session.hold.hold_id)
        await turn.checkpoint(session)
        try:
            appointment = await turn.zimun.confirm(
                session.hold.hold_id,
                name=session.contact_name or "",
                email=session.contact_email or "",
                idempotency_key=key,
            )
        except (HoldExpired, NotFound):
            if attempt:
                raise
            session, alternatives = await rehold(turn, session)
            if alternatives is not None:
                return session, alternatives
            continue
        except SlotUnavailable:
            assert session.hold is not None
            start = session.hold.start
            session = await drop_hold(turn, session)
            lead = turn.t("slot.just_taken", when=turn.when(start))
            return await search(turn, session, wish_at(turn, start), lead)
        return await booked(turn, session, appointment)
    raise AssertionError("unreachable")


async def booked(turn: Turn, session: Session, appointment: Appointment) -> Outcome:
    t = turn.t
    chat_id = turn.customer.chat_id
    if await turn.store.find_booking(appointment.id) is None:
        await turn.store.record_booking(
            LedgerEntry(
                appointment_id=appointment.id,
                chat_id=chat_id,
                user_id=turn.customer.user_id,
                service_id=appointment.service_id,
                service_name=session.service_name or appointment.service_id,
                start=appointment.start,
                duration_minutes=appointment.duration_minutes,
                status=appointment.status.value,
                language=turn.language,
                contact_name=appointment.contact_name,
                booking_code=appointment.booking_code,
                created_at=turn.now(),
            )
        )
        await turn.store.record_metric(MetricKind.BOOKED, chat_id, turn.now())
    if session.hold is not None:
        await turn.store.cancel_scheduled(f"hold_warning:{session.hold.hold_id}")
        await turn.store.cancel_scheduled(f"hold_expired:{session.hold.hold_id}")
    await schedule_reminder(turn, appointment.id, appointment.start)
    logger.info("appointment %s booked", appointment.id)
    service_name = session.service_name or appointment.service_id
    done = Done(appointment.id, appointment.booking_code, appointment.start, turn.generation - 1)
    session = replace(session.idle(), done=done, hold_seq=session.hold_seq + 1)
    text = t(
        "booked.text",
        service=service_name,
        when=turn.when(appointment.start),
        code=appointment.booking_code or "—",
    )
    ics = ics_for(
        turn, appointment.id, service_name, appointment.start, appointment.duration_minutes
    )
    rows = [
        [turn.button(t("button.appointments"), Verb.APPOINTMENTS)],
        [turn.button(t("button.menu"), Verb.MENU)],
    ]
    return session, [turn.reply(text, rows, [ics])]


def already_booked(turn: Turn, done: Done) -> list[Reply]:
    text = turn.t("booked.already", when=turn.when(done.start), code=done.booking_code or "—")
    return menu(turn, text)


# --- my appointments, move, cancel ----------------------------------------------------------


async def upcoming(turn: Turn, *, refresh: bool = True) -> list[LedgerEntry]:
    """This chat's upcoming appointments from the ledger, refreshed from Zimun where cheap."""
    now = turn.now()
    entries = await turn.store.bookings_for_chat(turn.customer.chat_id, after=now)
    if not refresh:
        return entries
    fresh: list[LedgerEntry] = []
    for index, entry in enumerate(entries):
        if index >= MAX_REFRESH:
            fresh.append(entry)
            continue
        try:
            current = await turn.zimun.get_appointment(entry.appointment_id)
        except ZimunError:
            fresh.append(entry)  # Zimun slow or down: the ledger is good enough to list
            continue
        if current.status is AppointmentStatus.CANCELLED:
            await turn.store.record_cancel(entry.appointment_id, None, now, by="staff")
            continue
        if current.start != entry.start:
            await turn.store.record_move(entry.appointment_id, current.start, now)
            entry = replace(entry, start=current.start)
        if entry.start > now:
            fresh.append(entry)
    return sorted(fresh, key=lambda e: e.start)


async def owned(turn: Turn, appointment_id: str | None) -> LedgerEntry | None:
    """The ledger entry if this chat booked it and it is still upcoming; else None."""
    if not appointment_id:
        return None
    entry = await turn.store.find_booking(appointment_id)
    if (
        entry is None
        or entry.chat_id != turn.customer.chat_id
        or entry.status == "cancelled"
        or entry.start <= turn.now()
    ):
        return None
    return entry


async def list_appointments(turn: Turn, session: Session) -> Outcome:
    t = turn.t
    entries = await upcoming(turn)
    if not entries:
        return session, menu(turn, t("appointments.none"))
    lines = [
        t(
            "appointments.line",
            number=i,
            service=e.service_name,
            when=turn.when(e.start),
            code=e.booking_code or "—",
        )
        for i, e in enumerate(entries, start=1)
    ]
    rows = [
        [
            turn.button(t("button.move_n", number=i), Verb.MOVE, appointment_ref(e)),
            turn.button(t("button.cancel_n", number=i), Verb.CANCEL, appointment_ref(e)),
        ]
        for i, e in enumerate(entries, start=1)
    ]
    rows.append(
        [turn.button(t("button.book"), Verb.BOOK), turn.button(t("button.menu"), Verb.MENU)]
    )
    return session, [turn.reply(_join(t("appointments.title"), "\n".join(lines)), rows)]


async def start_change(
    turn: Turn,
    session: Session,
    flow: Flow,
    *,
    wish: Wish | None = None,
    appointment_id: str | None = None,
) -> Outcome:
    """Begin a move or a cancel: pick the appointment (only if several), then go on."""
    session = await drop_hold(turn, session)
    session = replace(session.start_flow(flow, turn.now()), wish=wish)
    entries = await upcoming(turn)
    if appointment_id is not None:
        entries = [e for e in entries if e.appointment_id == appointment_id]
        if not entries:
            return session.idle(), expired(turn, session.idle())
    if not entries:
        return session.idle(), menu(turn, turn.t("appointments.none"))
    if len(entries) > 1 and wish is not None and wish.previous is not None:
        same_day = [e for e in entries if turn.local_day(e.start) == wish.previous]
        entries = same_day or entries
    if len(entries) == 1:
        return await appointment_chosen(turn, session, entries[0])
    choices = tuple(e.appointment_id for e in entries)
    return await ask(turn, replace(session, choices=choices), Step.CHOOSE_APPOINTMENT)


async def appointment_chosen(turn: Turn, session: Session, entry: LedgerEntry) -> Outcome:
    session = replace(
        session,
        appointment_id=entry.appointment_id,
        service_id=entry.service_id,
        service_name=entry.service_name,
        duration_minutes=entry.duration_minutes,
        choices=(),
    )
    if session.flow is Flow.CANCEL:
        return await ask(turn, session, Step.CANCEL_CONFIRM)
    lead = turn.t("move.when", service=entry.service_name, when=turn.when(entry.start))
    if session.wish is not None:
        wish = session.wish
        return await search(turn, replace(session, wish=None), wish)
    return await ask(turn, session, Step.WHEN, lead)


async def on_choose_appointment(turn: Turn, session: Session, event: Input) -> Outcome:
    choices = session.choices
    index: int | None = None
    if event.verb == Verb.PICK and event.arg.isdigit():
        index = int(event.arg)
    elif event.kind is IntentKind.CHOOSE_ORDINAL and event.intent and event.intent.ordinal:
        index = event.intent.ordinal if event.intent.ordinal > 0 else len(choices)
    elif event.wish is not None:
        entries = [e for e in await upcoming(turn, refresh=False) if e.appointment_id in choices]
        days = [e for e in entries if turn.local_day(e.start) == event.wish.day]
        if len(days) == 1:
            index = choices.index(days[0].appointment_id) + 1
    if index is not None and 1 <= index <= len(choices):
        entry = await owned(turn, choices[index - 1])
        if entry is not None:
            return await appointment_chosen(turn, session, entry)
    return await unexpected(turn, session)


async def on_move_confirm(turn: Turn, session: Session, event: Input) -> Outcome:
    if event.verb == Verb.CONFIRM or event.kind in (IntentKind.YES, IntentKind.MOVE):
        return await do_move(turn, session)
    if event.kind is IntentKind.NO:
        return await change_time(turn, session)
    if event.wish is not None:
        return await search(turn, session, event.wish)
    return await unexpected(turn, session)


async def do_move(turn: Turn, session: Session) -> Outcome:
    t = turn.t
    entry = await owned(turn, session.appointment_id)
    new_start = session.new_start
    if entry is None or new_start is None:
        return session.idle(), menu(turn, t("move.gone"))
    key = turn.key(session, "move", f"{entry.appointment_id}@{instant_arg(new_start)}")
    await turn.checkpoint(session)
    try:
        appointment = await turn.zimun.reschedule(
            entry.appointment_id, new_start, idempotency_key=key
        )
    except SlotUnavailable:
        lead = t("slot.just_taken", when=turn.when(new_start))
        return await search(turn, replace(session, new_start=None), wish_at(turn, new_start), lead)
    except (Conflict, NotFound):
        return session.idle(), menu(turn, t("move.gone"))
    await turn.store.record_move(entry.appointment_id, appointment.start, turn.now())
    await turn.store.record_metric(MetricKind.MOVED, turn.customer.chat_id, turn.now())
    await schedule_reminder(turn, appointment.id, appointment.start)
    logger.info("appointment %s moved", appointment.id)
    text = t("moved.text", service=entry.service_name, when=turn.when(appointment.start))
    ics = ics_for(
        turn, appointment.id, entry.service_name, appointment.start, appointment.duration_minutes
    )
    return session.idle(), [turn.reply(text, menu_rows(turn), [ics])]


async def on_cancel_confirm(turn: Turn, session: Session, event: Input) -> Outcome:
    if event.verb in (Verb.YES, Verb.CONFIRM) or event.kind in (IntentKind.YES, IntentKind.CANCEL):
        return await ask(turn, session, Step.CANCEL_REASON)
    if event.verb == Verb.NO or event.kind is IntentKind.NO:
        return session.idle(), menu(turn, turn.t("cancel.kept"))
    return await unexpected(turn, session)


async def on_cancel_reason(turn: Turn, session: Session, event: Input) -> Outcome:
    if event.verb == Verb.SKIP:
        return await do_cancel(turn, replace(session, cancel_reason=None))
    if event.text and event.text.strip():
        return await do_cancel(turn, replace(session, cancel_reason=event.text.strip()[:500]))
    return await unexpected(turn, session)


async def do_cancel(turn: Turn, session: Session) -> Outcome:
    t = turn.t
    entry = await owned(turn, session.appointment_id)
    if entry is None:
        return session.idle(), menu(turn, t("move.gone"))
    key = turn.key(session, "cancel", entry.appointment_id)
    await turn.checkpoint(session)
    try:
        await turn.zimun.cancel(entry.appointment_id, idempotency_key=key)
    except (Conflict, NotFound):
        return session.idle(), menu(turn, t("move.gone"))
    now = turn.now()
    await turn.store.record_cancel(entry.appointment_id, session.cancel_reason, now)
    await turn.store.record_metric(MetricKind.CANCELLED, turn.customer.chat_id, now)
    await turn.store.cancel_scheduled(reminder_key(entry.appointment_id))
    logger.info("appointment %s cancelled", entry.appointment_id)
    text = t("cancelled.text", service=entry.service_name, when=turn.when(entry.start))
    rows = [
        [turn.button(t("button.book_again"), Verb.BOOK), turn.button(t("button.menu"), Verb.MENU)]
    ]
    return session.idle(), [turn.reply(text, rows)]


FLOW: dict[Step, Handler] = {
    Step.IDLE: on_idle,
    Step.SERVICE: on_service,
    Step.WHEN: on_when,
    Step.SLOT: on_slot,
    Step.NAME: on_name,
    Step.EMAIL: on_email,
    Step.SUMMARY: on_summary,
    Step.CHOOSE_APPOINTMENT: on_choose_appointment,
    Step.MOVE_CONFIRM: on_move_confirm,
    Step.CANCEL_CONFIRM: on_cancel_confirm,
    Step.CANCEL_REASON: on_cancel_reason,
}


# --- inputs that mean the same at every step ------------------------------------------------

# Steps where the customer types free content (a name, an address, a reason): only the
# unmistakable escapes (stop, help, language) are read as intents there.
CONTENT_STEPS = frozenset({Step.NAME, Step.EMAIL, Step.CANCEL_REASON})
HOLD_STEPS = frozenset({Step.NAME, Step.EMAIL, Step.SUMMARY})


def greeting(turn: Turn) -> str:
    name = turn.customer.first_name
    return turn.t("start.hello_name", name=name) if name else turn.t("start.hello")


async def stop(turn: Turn, session: Session) -> Outcome:
    had_flow = session.flow is not None
    session = await drop_hold(turn, session)
    lead = turn.t("stop.done") if had_flow else turn.t("stop.nothing")
    return session.idle(), menu(turn, lead)


async def show_help(turn: Turn, session: Session) -> Outcome:
    text = turn.t("help.text")
    if session.step is Step.IDLE:
        return session, menu(turn, text)
    rows = [[turn.button(turn.t("button.resume"), Verb.RESUME), stop_button(turn)]]
    return session, [turn.reply(text, rows)]


def ask_language(turn: Turn) -> list[Reply]:
    rows = [
        [
            turn.button("Italiano", Verb.SET_LANGUAGE, "it"),
            turn.button("English", Verb.SET_LANGUAGE, "en"),
        ]
    ]
    return [turn.reply(turn.t("language.ask"), rows)]


async def set_language(turn: Turn, session: Session, language: str) -> Outcome:
    session = replace(session, language=language)
    turn.set_language(language)
    return await ask(turn, session, session.step, turn.t("language.set"))


def expired(turn: Turn, session: Session) -> list[Reply]:
    rows = menu_rows(turn)
    if session.step is not Step.IDLE:
        rows.insert(0, [turn.button(turn.t("button.resume"), Verb.RESUME)])
    return [turn.reply(turn.t("button.expired"), rows)]


async def resume(turn: Turn, session: Session) -> Outcome:
    return await ask(turn, session, session.step)


async def hold_again(turn: Turn, session: Session) -> Outcome:
    if session.hold is None or session.step not in HOLD_STEPS:
        return await ask(turn, session, session.step)
    session, alternatives = await rehold(turn, session)
    if alternatives is not None:
        return session, alternatives
    return await ask(turn, session, session.step, hold_placed(turn, session))


async def global_press(turn: Turn, session: Session, verb: str, arg: str) -> Outcome:
    """Buttons that mean the same whatever the step (they stay valid on older keyboards)."""
    if verb == Verb.MENU:
        return session, menu(turn)
    if verb == Verb.BOOK:
        return await start_booking(turn, session)
    if verb == Verb.APPOINTMENTS:
        return await list_appointments(turn, session)
    if verb == Verb.HELP:
        return await show_help(turn, session)
    if verb == Verb.LANGUAGE:
        return session, ask_language(turn)
    if verb == Verb.SET_LANGUAGE and arg in ("it", "en"):
        return await set_language(turn, session, arg)
    entry = await owned(turn, arg) if verb in (Verb.MOVE, Verb.CANCEL) else None
    if entry is not None:
        flow = Flow.MOVE if verb == Verb.MOVE else Flow.CANCEL
        return await start_change(turn, session, flow, appointment_id=entry.appointment_id)
    return session, expired(turn, session)


async def dispatch(turn: Turn, session: Session, event: Input) -> Outcome:
    """Step-independent inputs first, then the step's own handler from `FLOW`."""
    if event.verb is not None:
        if event.verb == Verb.STOP:
            return await stop(turn, session)
        if event.verb == Verb.RESUME:
            return await resume(turn, session)
        if event.verb == Verb.REHOLD:
            return await hold_again(turn, session)
        if event.verb == Verb.CHANGE_TIME and session.flow is not None:
            # The "Cambia orario" button of every step of a flow (and of the hold-expired notice).
            return await change_time(turn, session)
        return await FLOW[session.step](turn, session, event)
    kind = event.kind
    if kind is IntentKind.STOP:
        return await stop(turn, session)
    if kind is IntentKind.HELP:
        return await show_help(turn, session)
    if kind is IntentKind.LANGUAGE:
        language = event.intent.language if event.intent else None
        if language in ("it", "en"):
            return await set_language(turn, session, language)
        return session, ask_language(turn)
    if kind is IntentKind.CANCEL and session.flow is Flow.BOOK:
        # "annulla" in the middle of a booking means "forget this booking"; cancelling an
        # existing appointment stays one tap away in the menu that follows.
        return await stop(turn, session)
    if session.step not in CONTENT_STEPS and session.step is not Step.IDLE:
        if kind is IntentKind.THANKS:
            return await ask(turn, session, session.step, turn.t("idle.thanks"))
        if kind is IntentKind.GREETING and event.wish is None:
            return await ask(turn, session, session.step, turn.t("step.hello"))
    if session.step not in CONTENT_STEPS:
        if kind is IntentKind.LIST:
            return await list_appointments(turn, session)
        if kind is IntentKind.MOVE and session.step is not Step.MOVE_CONFIRM:
            return await start_change(turn, session, Flow.MOVE, wish=event.wish)
        if kind is IntentKind.CANCEL and session.step not in (
            Step.CANCEL_CONFIRM,
            Step.SUMMARY,
            Step.MOVE_CONFIRM,
        ):
            return await start_change(turn, session, Flow.CANCEL, wish=event.wish)
        if kind is IntentKind.BOOK and session.step in (
            Step.CHOOSE_APPOINTMENT,
            Step.MOVE_CONFIRM,
            Step.CANCEL_CONFIRM,
        ):
            return await start_booking(turn, session, wish=event.wish, text=event.text)
    return await FLOW[session.step](turn, session, event)


async def command(turn: Turn, session: Session, name: str, args: str) -> Outcome:
    """Slash commands: start, book, appointments, move, cancel, language, help, stop."""
    name = name.lower().lstrip("/")
    if name == "start":
        if args == "book" or args.startswith("book_"):
            service_id = args[5:] or None
            return await start_booking(turn, session, service_id=service_id)
        session = await drop_hold(turn, session)
        return session.idle(), menu(turn, greeting(turn))
    if name == "book":
        return await start_booking(turn, session)
    if name == "appointments":
        return await list_appointments(turn, session)
    if name == "move":
        return await start_change(turn, session, Flow.MOVE)
    if name == "cancel":
        return await start_change(turn, session, Flow.CANCEL)
    if name == "language":
        return session, ask_language(turn)
    if name == "help":
        return await show_help(turn, session)
    if name == "stop":
        return await stop(turn, session)
    return session, menu(turn, turn.t("command.unknown"))


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


async def scheduled_reminder(turn: Turn, appointment_id: str, start: str) -> list[Reply]:
    t = turn.t
    entry = await owned(turn, appointment_id)
    try:
        planned = datetime.fromisoformat(start)
    except ValueError:
        return []
    if entry is None or entry.start != planned:
        return []  # cancelled or moved since (a move schedules its own reminder)
    text = t("reminder.text", service=entry.service_name, when=turn.when(entry.start))
    rows = [
        [
            turn.button(t("button.move"), Verb.MOVE, appointment_ref(entry)),
            turn.button(t("button.cancel"), Verb.CANCEL, appointment_ref(entry)),
        ]
    ]
    return [turn.reply(text, rows)]
