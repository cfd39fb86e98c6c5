"""The waiting list (issue 13, item 2): "Avvisami se si libera" on a full day or time, and the
offer of a freed time, held at Zimun, to the first customer waiting for it.

How a time reaches a waiting customer:
1. `waitlist_check:<day>:<service>:<due>` (chat 0, the business) reads that day's availability
   once, gives each free time to the first entry that wants it (window, not let go before) by
   scheduling a `waitlist_offer` for that chat due at once, and re-arms itself for the next
   `CHECK_EVERY` boundary while anyone waits. A cancellation or move through the bot arms one due
   at once (`freed`). Boundaries make the key deterministic, so joining or freeing twice in the
   same interval arms one check, and a restart finds it in the store.
2. `waitlist_offer` runs in the waiting chat's turn: the hold is placed through the journaled
   client (an intent), the session becomes a booking at `Step.WAIT_OFFER` with the service and
   contact (from the last booking) filled in, and the customer is asked "la vuoi?" with Sì/No.
3. Yes: the entry goes and the booking carries on (summary when the contact is known). No, or
   the hold running out: the time is marked as let go for this customer and a check runs at once,
   so it goes to the next one. A double tap acts once (the second press is of an older keyboard).
"""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import date, datetime, time, timedelta, tzinfo

from bot.conversation.actions import Verb, instant_arg, parse_day_arg, parse_instant_arg
from bot.conversation.common import (
    Input,
    Outcome,
    ask,
    drop_hold,
    join,
    menu,
    menu_rows,
    stop_button,
    unexpected,
)
from bot.conversation.events import Button, Reply
from bot.conversation.offers import Plan, PlanKind, starts_on
from bot.conversation.session import Flow, HeldSlot, Session, Step, Wish
from bot.conversation.turn import Turn, with_service
from bot.storage import MetricKind, ScheduledMessage, Store
from bot.storage.waitlist import WaitEntry, Waitlist, waitlist_in
from bot.understanding import IntentKind
from bot.zimun import SlotUnavailable, ZimunError

__all__ = [
    "CHECK",
    "CHECK_EVERY",
    "OFFER",
    "freed",
    "join_waitlist",
    "leave_waitlist",
    "offer_ran_out",
    "on_wait_offer",
    "prompt_wait_offer",
    "scheduled_check",
    "scheduled_offer",
    "wait_button_rows",
    "waiting_lines",
]

logger = logging.getLogger(__name__)

CHECK = "waitlist_check"
OFFER = "waitlist_offer"
CHECK_EVERY = timedelta(minutes=5)
BUSINESS_CHAT = 0  # the chat a check is scheduled in: it sends nothing itself


def waitlist_of(turn: Turn) -> Waitlist | None:
    return waitlist_in(turn.store)


# -- joining --------------------------------------------------------------------------------


def _window(plan: Plan, wish: Wish) -> tuple[time | None, time | None] | None:
    """What the customer would wait for, or None when "tell me" makes no sense here."""
    if plan.kind is PlanKind.NO_ROOM:
        return wish.window_start, wish.window_end
    if plan.kind is PlanKind.NO_ROOM_IN_WINDOW:
        return wish.window_start, wish.window_end
    if plan.kind is PlanKind.NEAREST and wish.time is not None and not plan.time_past:
        if wish.approximate:
            return None
        return wish.time, wish.time  # an exact time taken: waiting for exactly that time
    return None


def _wall_arg(value: time | None) -> str:
    return value.strftime("%H%M") if value is not None else ""


def wait_button_rows(
    turn: Turn, session: Session, replies: list[Reply], plan: Plan, wish: Wish
) -> list[Reply]:
    """The slot question with "Avvisami se si libera" above its last row, when booking (not
    moving), the day (or the time asked) is full and the store keeps a waiting list."""
    window = _window(plan, wish)
    if window is None or not replies or session.flow is not Flow.BOOK:
        return replies
    if waitlist_of(turn) is None or plan.day < turn.today():
        return replies
    arg = plan.day.isoformat()
    if window != (None, None):
        arg += f".{_wall_arg(window[0])}.{_wall_arg(window[1])}"
    button = turn.button(turn.t("button.waitlist"), Verb.WAIT, arg)
    last = replies[-1]
    rows = list(last.buttons)
    rows.insert(max(len(rows) - 1, 0), (button,))
    return [*replies[:-1], replace(last, buttons=tuple(rows))]


def _parse_wait_arg(arg: str) -> tuple[date, time | None, time | None] | None:
    day_part, _, rest = arg.partition(".")
    day = parse_day_arg(day_part)
    if day is None:
        return None
    start_s, _, end_s = rest.partition(".")
    try:
        start = _wall_from(start_s)
        end = _wall_from(end_s)
    except ValueError:
        return None
    return day, start, end


def _wall_from(text: str) -> time | None:
    if not text:
        return None
    if len(text) != 4 or not text.isdigit():
        raise ValueError(text)
    return time(int(text[:2]), int(text[2:]))


def describe(turn: Turn, entry: WaitEntry) -> str:
    """ "giovedì 26 novembre" or "giovedì 26 novembre, tra le 15:00 e le 16:00"."""
    day = turn.day(entry.day)
    if entry.window_start is None and entry.window_end is None:
        return day
    start = datetime.combine(entry.day, entry.window_start or time(0, 0), tzinfo=turn.tz)
    if entry.window_start is not None and entry.window_start == entry.window_end:
        return turn.when(start)
    if entry.window_end is None:
        return turn.t("waitlist.day_after", day=day, start=turn.clock_time(start))
    end = datetime.combine(entry.day, entry.window_end, tzinfo=turn.tz)
    if entry.window_start is None:
        return turn.t("waitlist.day_before", day=day, end=turn.clock_time(end))
    return turn.t(
        "waitlist.day_between", day=day, start=turn.clock_time(start), end=turn.clock_time(end)
    )


async def join_waitlist(turn: Turn, session: Session, arg: str) -> Outcome:
    """The "Avvisami se si libera" button: the entry is kept and the day watched."""
    store = waitlist_of(turn)
    parsed = _parse_wait_arg(arg)
    if store is None or parsed is None or session.service_id is None:
        return await unexpected(turn, session)
    day, start, end = parsed
    if day < turn.today():
        return await unexpected(turn, session)
    entry = WaitEntry(
        chat_id=turn.customer.chat_id,
        service_id=session.service_id,
        service_name=session.service_name or session.service_id,
        day=day,
        language=turn.language,
        created_at=turn.now(),
        window_start=start,
        window_end=end,
    )
    await store.add_waiting(entry)
    await arm_check(turn, day, session.service_id)
    await turn.store.record_metric(MetricKind.WAITLIST_JOINED, turn.customer.chat_id, turn.now())
    logger.info("chat %s waits for %s", turn.customer.chat_id, day.isoformat())
    session = await drop_hold(turn, session)
    text = turn.t("waitlist.joined", service=entry.service_name, when=describe(turn, entry))
    return session.idle(), [turn.reply(text, menu_rows(turn))]


# -- listing and leaving ----------------------------------------------------------------------


async def waiting_lines(turn: Turn) -> tuple[list[str], list[list[Button]]]:
    """The chat's waiting entries for "I miei appuntamenti": lines and a leave button each."""
    store = waitlist_of(turn)
    if store is None:
        return [], []
    today = turn.today()
    entries = [e for e in await store.waiting_for_chat(turn.customer.chat_id) if e.day >= today]
    lines: list[str] = []
    rows: list[list[Button]] = []
    for number, entry in enumerate(entries, start=1):
        lines.append(
            turn.t(
                "waitlist.line",
                number=number,
                service=entry.service_name,
                when=describe(turn, entry),
            )
        )
        arg = f"{entry.day.isoformat()}:{entry.service_id}"
        if len(arg) <= 50:
            label = turn.t("button.waitlist_leave_n", number=number)
            rows.append([turn.button(label, Verb.UNWAIT, arg)])
    return lines, rows


async def leave_waitlist(turn: Turn, session: Session, arg: str) -> Outcome:
    store = waitlist_of(turn)
    day_s, _, service_id = arg.partition(":")
    day = parse_day_arg(day_s)
    if store is None or day is None or not service_id:
        return await unexpected(turn, session)
    left = await store.remove_waiting(turn.customer.chat_id, day, service_id)
    text = turn.t("waitlist.left", day=turn.day(day)) if left else turn.t("waitlist.not_there")
    return session, menu(turn, text)


# -- watching ------------------------------------------------------------------------------


def next_boundary(now: datetime) -> datetime:
    step = int(CHECK_EVERY.total_seconds())
    stamp = int(now.timestamp())
    return datetime.fromtimestamp(stamp - stamp % step + step, tz=now.tzinfo)


async def arm_check(turn: Turn, day: date, service_id: str, *, because: str = "") -> None:
    """A check of `day` for `service_id` at the next boundary, or at once `because` something
    happened (what, in the key: each event arms its own check, once)."""
    await _schedule_check(turn.store, turn.now(), day, service_id, because)


async def _schedule_check(
    store: Store, now: datetime, day: date, service_id: str, because: str
) -> None:
    due = now if because else next_boundary(now)
    key = f"{CHECK}:{day.isoformat()}:{service_id}:{instant_arg(due)}"
    if because:
        key += f":{because}"
    payload = {"day": day.isoformat(), "service_id": service_id}
    await store.schedule(ScheduledMessage(key, BUSINESS_CHAT, due, CHECK, payload))


async def freed(turn: Turn, service_id: str, start: datetime) -> None:
    """A time of `service_id` was freed through the bot (cancel, move): check its day now, if
    anyone waits for it."""
    store = waitlist_of(turn)
    if store is None:
        return
    day = turn.local_day(start)
    if await store.waiting_on(day, service_id):
        await arm_check(turn, day, service_id, because=f"freed:{instant_arg(start)}")


async def freed_by_staff(
    store: Store, service_id: str, start: datetime, *, now: datetime, timezone: tzinfo
) -> None:
    """`freed` for a move or cancel made by staff (no customer's turn): the same check, at once."""
    waitlist = waitlist_in(store)
    if waitlist is None:
        return
    day = start.astimezone(timezone).date()
    if await waitlist.waiting_on(day, service_id):
        await _schedule_check(store, now, day, service_id, f"freed:{instant_arg(start)}")


async def scheduled_check(turn: Turn, day_s: str, service_id: str) -> list[Reply]:
    """One availability call for one watched day and service; each free time is offered to the
    first waiting customer who wants it. Sends nothing itself."""
    store = waitlist_of(turn)
    day = parse_day_arg(day_s)
    if store is None or day is None:
        return []
    today = turn.today()
    if day < today:
        await store.prune_waiting(today)
        return []
    queue = await store.waiting_on(day, service_id)
    if not queue:
        return []
    now = turn.now()
    try:
        availability = await turn.zimun.get_availability(service_id, first_day=day, days_ahead=1)
    except ZimunError as exc:
        logger.info("waiting list check of %s put off: %s", day.isoformat(), exc.summary)
        await arm_check(turn, day, service_id)
        return []
    starts = [s for s in starts_on(availability, day, turn.tz) if s > now]
    given: set[datetime] = set()
    for entry in queue:
        free = next(
            (
                s
                for s in starts
                if s not in given
                and instant_arg(s) not in entry.passed
                and entry.wants(s.astimezone(turn.tz).time())
            ),
            None,
        )
        if free is None:
            continue
        given.add(free)
        key = f"{OFFER}:{entry.chat_id}:{instant_arg(free)}:{instant_arg(now)}"
        payload = {"day": day.isoformat(), "service_id": service_id, "start": instant_arg(free)}
        await turn.store.schedule(ScheduledMessage(key, entry.chat_id, now, OFFER, payload))
        logger.info("a freed time goes to chat %s", entry.chat_id)
    await arm_check(turn, day, service_id)
    return []


# -- the offer ----------------------------------------------------------------------------------


async def _prefilled(turn: Turn, session: Session) -> Session:
    """The name and e-mail of the chat's last booking (the e-mail as Zimun has it)."""
    entries = await turn.store.bookings_for_chat(turn.customer.chat_id, include_cancelled=True)
    if not entries:
        return session
    last = max(entries, key=lambda e: e.created_at)
    email: str | None = None
    try:
        email = (await turn.zimun.get_appointment(last.appointment_id)).contact_email or None
    except ZimunError:
        email = None
    return replace(session, contact_name=last.contact_name or None, contact_email=email)


async def scheduled_offer(
    turn: Turn, session: Session, payload: dict[str, object]
) -> tuple[Session | None, list[Reply]]:
    """Hold the freed time and offer it; (None, []) when it no longer applies (the session is
    then left as it was)."""
    store = waitlist_of(turn)
    day = parse_day_arg(str(payload.get("day", "")))
    start = parse_instant_arg(str(payload.get("start", "")))
    service_id = str(payload.get("service_id", ""))
    if store is None or day is None or start is None or start <= turn.now():
        return None, []
    chat_id = turn.customer.chat_id
    entry = next(
        (
            e
            for e in await store.waiting_for_chat(chat_id)
            if e.day == day and e.service_id == service_id
        ),
        None,
    )
    if entry is None:
        return None, []
    if session.step is not Step.IDLE or session.hold is not None:
        # Busy with something else: the time goes to the next one, the entry stays.
        await let_go(turn, entry, start)
        return None, []
    service = await turn.service(service_id)
    if service is None:
        return None, []
    session = with_service(session.start_flow(Flow.BOOK, turn.now()), service)
    language = session.language or entry.language
    session = replace(await _prefilled(turn, session), language=language)
    turn.set_language(language)
    key = turn.key(session, "hold", f"{service.id}@{instant_arg(start)}", session.hold_seq)
    await turn.checkpoint(session)
    try:
        hold = await turn.zimun.hold(
            service.id, start, service.duration_minutes, idempotency_key=key
        )
    except SlotUnavailable:
        logger.info("freed time taken before the waiting list's hold")
        return session.idle(), []
    held = HeldSlot(hold.id, hold.start, hold.expires_at)
    await turn.store.schedule(
        ScheduledMessage(
            f"hold_expired:{hold.id}",
            chat_id,
            hold.expires_at,
            "hold_expired",
            {"hold_id": hold.id},
        )
    )
    await turn.store.record_metric(MetricKind.HOLD_PLACED, chat_id, turn.now())
    logger.info("hold %s placed for the waiting list", hold.id)
    wish = Wish(day=day, time=entry.window_start, window_end=entry.window_end)
    session = replace(session, hold=held, wish=wish, step=Step.WAIT_OFFER)
    return session, await prompt_wait_offer(turn, session, None)


async def prompt_wait_offer(turn: Turn, session: Session, lead: str | None) -> list[Reply]:
    held = session.hold
    if held is None:
        return menu(turn, lead)
    minutes = max(1, round((held.expires_at - turn.now()).total_seconds() / 60))
    text = turn.t(
        "waitlist.offer",
        service=session.service_name or "",
        time=turn.clock_time(held.start),
        day=turn.day(turn.local_day(held.start)),
        minutes=minutes,
        expires=turn.clock_time(held.expires_at),
    )
    rows = [
        [
            turn.button(turn.t("button.offer_yes"), Verb.YES),
            turn.button(turn.t("button.offer_no"), Verb.NO),
        ],
        [stop_button(turn)],
    ]
    return [turn.reply(join(lead, text), rows)]


async def on_wait_offer(turn: Turn, session: Session, event: Input) -> Outcome:
    from bot.conversation.booking import next_contact_step  # booking imports this module

    held = session.hold
    if held is None:
        return session.idle(), menu(turn)
    yes = event.verb == Verb.YES or (event.verb is None and event.kind is IntentKind.YES)
    no = event.verb == Verb.NO or (event.verb is None and event.kind is IntentKind.NO)
    store = waitlist_of(turn)
    day = turn.local_day(held.start)
    if yes:
        if store is not None and session.service_id is not None:
            await store.remove_waiting(turn.customer.chat_id, day, session.service_id)
        lead = turn.t("waitlist.taken", when=turn.when(held.start))
        return await ask(turn, session, next_contact_step(session), lead)
    if no:
        entry = await _entry_of(turn, session, day)
        session = await drop_hold(turn, session)
        if entry is not None:
            await let_go(turn, entry, held.start)
        return session.idle(), menu(turn, turn.t("waitlist.declined", day=turn.day(day)))
    return await unexpected(turn, session)


async def _entry_of(turn: Turn, session: Session, day: date) -> WaitEntry | None:
    store = waitlist_of(turn)
    if store is None:
        return None
    return next(
        (
            e
            for e in await store.waiting_for_chat(turn.customer.chat_id)
            if e.day == day and e.service_id == session.service_id
        ),
        None,
    )


async def let_go(turn: Turn, entry: WaitEntry, start: datetime) -> None:
    """This customer let `start` go: remembered, and the next one gets a chance at once."""
    store = waitlist_of(turn)
    if store is None:
        return
    await store.pass_waiting(entry.chat_id, entry.day, entry.service_id, instant_arg(start))
    because = f"passed:{entry.chat_id}:{instant_arg(start)}"
    await arm_check(turn, entry.day, entry.service_id, because=because)


async def offer_ran_out(turn: Turn, session: Session) -> tuple[Session, list[Reply]]:
    """The hold of an unanswered offer expired: the time goes to the next one."""
    held = session.hold
    assert held is not None
    day = turn.local_day(held.start)
    entry = await _entry_of(turn, session, day)
    if entry is not None:
        await let_go(turn, entry, held.start)
    text = turn.t("waitlist.ran_out", time=turn.clock_time(held.start), day=turn.day(day))
    session = replace(session, hold=None, hold_seq=session.hold_seq + 1)
    return session.idle(), menu(turn, text)
