"""The customer's appointments: listing them, moving one, cancelling one, and their reminders."""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import datetime, timedelta

from bot.conversation.actions import ARG_PATTERN, Verb, instant_arg
from bot.conversation.attendance import reminder_replies
from bot.conversation.booking import (
    change_time,
    change_when,
    says_back_yes,
    search,
    shift,
    shifts,
)
from bot.conversation.common import (
    Input,
    Outcome,
    ask,
    drop_hold,
    expired,
    flow_rows,
    ics_for,
    join,
    menu,
    menu_rows,
    schedule_reminder,
    stop_button,
    unexpected,
    wish_at,
)
from bot.conversation.events import Button, Reply
from bot.conversation.reminders import reminder_keys
from bot.conversation.session import Flow, Session, Step, Wish
from bot.conversation.turn import Turn
from bot.conversation.visits import after_visit_key
from bot.conversation.waitlist import freed, waiting_lines
from bot.storage import LedgerEntry, MetricKind
from bot.understanding import IntentKind
from bot.zimun import AppointmentStatus, Conflict, NotFound, SlotUnavailable, ZimunError

logger = logging.getLogger(__name__)


MAX_REFRESH = 5


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


async def upcoming(turn: Turn, *, refresh: bool = True) -> list[LedgerEntry]:
    """This chat's upcoming appointments from the ledger, refreshed from Zimun where cheap."""
    now = turn.now()
    entries = await turn.store.bookings_for_chat(turn.customer.chat_id, after=now)
    if not refresh:
        return entries
    fresh: list[LedgerEntry] = []
    for index, entry in enumerate(entries):
        if index < MAX_REFRESH:
            # Zimun unknown or down: the ledger is good enough to list.
            current = await current_entry(turn, entry, keep_unknown=True)
            if current is None:
                continue
            entry = current
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
    from bot.conversation.again import past_lines  # `again` imports this module

    waiting, waiting_rows = await waiting_lines(turn)
    past, past_rows = await past_lines(turn)
    if not entries and not waiting and not past:
        return session, menu(turn, t("appointments.none"))
    lines = appointment_lines(turn, entries)
    rows = [
        [
            turn.button(t("button.move_n", number=i), Verb.MOVE, appointment_ref(e)),
            turn.button(t("button.cancel_n", number=i), Verb.CANCEL, appointment_ref(e)),
        ]
        for i, e in enumerate(entries, start=1)
    ]
    rows += waiting_rows + past_rows
    rows.append(
        [turn.button(t("button.book"), Verb.BOOK), turn.button(t("button.menu"), Verb.MENU)]
    )
    title = t("appointments.title") if entries else None
    waiting_title = t("waitlist.title") if waiting else None
    past_title = t("appointments.past_title") if past else None
    text = join(
        title, "\n".join(lines), waiting_title, "\n".join(waiting), past_title, "\n".join(past)
    )
    return session, [turn.reply(text, rows)]


async def list_with_hold(turn: Turn, session: Session) -> Outcome:
    """ "When's my appointment?" in the middle of a booking: the appointments booked already (or
    that none is), the time held said to be not booked yet, and the step's question again."""
    t = turn.t
    assert session.hold is not None
    entries = await upcoming(turn)
    when = turn.when(session.hold.start)
    expires = turn.clock_time(session.hold.expires_at)
    if not entries:
        text = t("appointments.only_held", when=when, expires=expires)
        return await ask(turn, session, session.step, text)
    lines = "\n".join(appointment_lines(turn, entries))
    held = t("appointments.also_held", when=when, expires=expires)
    return await ask(turn, session, session.step, join(t("appointments.title"), lines, held))


def appointment_lines(turn: Turn, entries: list[LedgerEntry]) -> list[str]:
    """One numbered line per upcoming appointment: service, day and time, booking code."""
    return [
        turn.t(
            "appointments.line",
            number=i,
            service=e.service_name,
            when=turn.when(e.start),
            code=e.booking_code or "—",
        )
        for i, e in enumerate(entries, start=1)
    ]


async def start_change(
    turn: Turn,
    session: Session,
    flow: Flow,
    *,
    wish: Wish | None = None,
    appointment_id: str | None = None,
    same_time: bool = False,
    by_minutes: int | None = None,
    on_its_day: bool = False,
    lead: str | None = None,
) -> Outcome:
    """Begin a move or a cancel: pick the appointment (only if several), then go on.

    `same_time` ("martedì stessa ora") keeps the appointment's time on the new day; `by_minutes`
    ("posticipalo di un'ora", "push it back an hour") moves its time by so many minutes.
    """
    session = await drop_hold(turn, session)
    if same_time and wish is not None and wish.time is None and wish.window_start is None:
        wish = replace(wish, same_time=True)
    session = replace(session.start_flow(flow, turn.now()), wish=wish)
    entries = await upcoming(turn)
    if appointment_id is not None:
        entries = [e for e in entries if e.appointment_id == appointment_id]
        if not entries:
            return session.idle(), expired(turn, session.idle())
    if not entries:
        return session.idle(), nothing_to_change(turn, flow, wish)
    if len(entries) > 1 and wish is not None and wish.previous is not None:
        same_day = [e for e in entries if turn.local_day(e.start) == wish.previous]
        entries = same_day or entries
    if len(entries) == 1:
        if on_its_day and wish is not None and wish.previous is None:
            # (never when another day was named beside the appointment's: "the appointment I
            # have that day won't work, tuesday 1st instead")
            # "lo stesso giorno ma nel pomeriggio": the appointment's own day
            wish = replace(wish, day=entries[0].start.astimezone(turn.tz).date(), past=False)
            session = replace(session, wish=wish)
        untimed = wish is None or (wish.time is None and wish.window_start is None)
        if by_minutes is not None and untimed:
            moved = entries[0].start.astimezone(turn.tz) + timedelta(minutes=by_minutes)
            if wish is None or wish.day == moved.date():
                session = replace(session, wish=Wish(day=moved.date(), time=moved.time()))
        return await appointment_chosen(turn, session, entries[0], lead)
    choices = tuple(e.appointment_id for e in entries)
    return await ask(turn, replace(session, choices=choices), Step.CHOOSE_APPOINTMENT)


def nothing_to_change(turn: Turn, flow: Flow, wish: Wish | None) -> list[Reply]:
    """No appointment to move or cancel: say which of the two was asked, and for a move to a
    named day offer to book that day instead."""
    t = turn.t
    if flow is Flow.CANCEL:
        return menu(turn, t("cancel.none"))
    if wish is None or wish.day < turn.today():
        return menu(turn, t("move.none"))
    text = t("move.none_book", day=turn.day(wish.day))
    rows = [
        [
            turn.button(
                t("button.book_day", day=turn.short_day(wish.day)),
                Verb.BOOK_DAY,
                book_arg(turn, wish),
            )
        ]
    ]
    return [turn.reply(text, rows + menu_rows(turn)[1:])]


def book_arg(turn: Turn, wish: Wish) -> str:
    """A Book button's argument: the day, or the instant when a time was asked too."""
    if wish.time is not None:
        return instant_arg(datetime.combine(wish.day, wish.time, tzinfo=turn.tz))
    return wish.day.isoformat()


async def appointment_chosen(
    turn: Turn, session: Session, entry: LedgerEntry, lead: str | None = None
) -> Outcome:
    session = replace(
        session,
        appointment_id=entry.appointment_id,
        service_id=entry.service_id,
        service_name=entry.service_name,
        duration_minutes=entry.duration_minutes,
        choices=(),
        asked_time=entry.start.astimezone(turn.tz).time(),  # "stessa ora" = its time
    )
    if session.flow is Flow.CANCEL:
        return await ask(turn, session, Step.CANCEL_CONFIRM)
    if session.wish is not None:
        wish = session.wish
        if wish.same_time:
            start = entry.start.astimezone(turn.tz)
            wish = replace(wish, time=start.time(), approximate=False, same_time=False)
            if wish.last_day is not None:
                # "same time next week": the appointment's own weekday in that week, even when
                # the salon is closed then (said so, with that time on the nearest open days)
                weeks = -(-(wish.day - start.date()).days // 7)
                day = start.date() + timedelta(days=7 * max(weeks, 1))
                if wish.day <= day <= wish.last_day:
                    wish = replace(wish, day=day, last_day=None)
        return await search(turn, replace(session, wish=None), wish, lead)
    intro = turn.t("move.when", service=entry.service_name, when=turn.when(entry.start))
    return await ask(turn, session, Step.WHEN, join(lead, intro))


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
    return [turn.reply(join(lead, question), rows)]


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
    return [turn.reply(join(lead, text), rows)]


async def prompt_cancel_confirm(turn: Turn, session: Session, lead: str | None) -> list[Reply]:
    t = turn.t
    entry = await owned(turn, session.appointment_id)
    when = turn.when(entry.start) if entry else ""
    text = t("cancel.confirm", service=session.service_name or "", when=when)
    rows = [[turn.button(t("button.cancel_yes"), Verb.YES), turn.button(t("button.keep"), Verb.NO)]]
    return [turn.reply(join(lead, text), rows)]


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
    if says_back_yes(turn, session, event):
        return await do_move(turn, session)  # "sì, venerdì alle 10 va bene"
    if event.wish is not None and event.verb is None:
        # "anzi, giovedì": another day, even with "no" or "sposta" in the sentence.
        return await change_when(turn, session, event)
    if shifts(event):
        return await shift(turn, session, later=event.kind is IntentKind.LATER)
    if event.verb == Verb.CONFIRM or event.kind in (IntentKind.YES, IntentKind.MOVE):
        return await do_move(turn, session)
    if event.kind is IntentKind.NO:
        return await change_time(turn, session)
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
    await freed(turn, entry.service_id, entry.start)
    logger.info("appointment %s moved", appointment.id)
    text = t("moved.text", service=entry.service_name, when=turn.when(appointment.start))
    ics = ics_for(
        turn, appointment.id, entry.service_name, appointment.start, appointment.duration_minutes
    )
    return session.idle(), [turn.reply(text, menu_rows(turn), [ics])]


async def on_cancel_confirm(turn: Turn, session: Session, event: Input) -> Outcome:
    if event.wish is not None and event.verb is None and session.appointment_id:
        # "anzi, fammi venire venerdì": another day for this appointment is a move, not a cancel.
        return await start_change(
            turn,
            session,
            Flow.MOVE,
            wish=event.wish,
            appointment_id=session.appointment_id,
            same_time=event.same_time,
            lead=turn.t("cancel.to_move"),
        )
    if event.verb in (Verb.YES, Verb.CONFIRM) or event.kind in (IntentKind.YES, IntentKind.CANCEL):
        # The yes cancels at once (issue 4); the optional reason is asked afterwards.
        return await do_cancel(turn, session)
    if event.verb == Verb.NO or event.kind is IntentKind.NO:
        return session.idle(), menu(turn, turn.t("cancel.kept"))
    return await unexpected(turn, session)


async def do_cancel(turn: Turn, session: Session) -> Outcome:
    """The chat's cancel: made now, said so, and in the same message the optional reason asked
    (`Step.CANCEL_REASON`, read in `bot.conversation.cancelled`) beside Book again and Menu."""
    entry = await cancel_now(turn, session)
    if entry is None:
        return session.idle(), menu(turn, turn.t("move.gone"))
    done = replace(session, cancel_reason=None)
    return await ask(turn, done, Step.CANCEL_REASON, cancelled_text(turn, entry))


async def cancel_now(turn: Turn, session: Session) -> LedgerEntry | None:
    """PATCH the appointment `session.appointment_id` cancelled (its key and checkpoint from the
    session, as every write) and apply what follows: the ledger with `session.cancel_reason`, the
    metric, reminders dropped, the time freed for the waiting list. None when it is no longer
    this chat's to cancel (gone, or already cancelled at Zimun)."""
    entry = await owned(turn, session.appointment_id)
    if entry is None:
        return None
    key = turn.key(session, "cancel", entry.appointment_id)
    await turn.checkpoint(session)
    try:
        await turn.zimun.cancel(entry.appointment_id, idempotency_key=key)
    except (Conflict, NotFound):
        return None
    now = turn.now()
    await turn.store.record_cancel(entry.appointment_id, session.cancel_reason, now)
    await turn.store.record_metric(MetricKind.CANCELLED, turn.customer.chat_id, now)
    for key in reminder_keys(entry.appointment_id):
        await turn.store.cancel_scheduled(key)
    await turn.store.cancel_scheduled(after_visit_key(entry.appointment_id))
    await freed(turn, entry.service_id, entry.start)
    logger.info("appointment %s cancelled", entry.appointment_id)
    return entry


def cancelled_text(turn: Turn, entry: LedgerEntry) -> str:
    return turn.t("cancelled.text", service=entry.service_name, when=turn.when(entry.start))


def after_cancel_row(turn: Turn) -> list[Button]:
    """The next steps under a cancellation: book again, or the menu."""
    return [
        turn.button(turn.t("button.book_again"), Verb.BOOK),
        turn.button(turn.t("button.menu"), Verb.MENU),
    ]


async def scheduled_reminder(turn: Turn, appointment_id: str, start: str) -> list[Reply]:
    entry = await owned(turn, appointment_id)
    try:
        planned = datetime.fromisoformat(start)
    except ValueError:
        return []
    if entry is None:
        return []  # cancelled since, or no longer this chat's
    entry = await current_entry(turn, entry)
    if entry is None or entry.start <= turn.now():
        return []  # cancelled at Zimun behind the ledger's back, or moved into the past
    if entry.start != planned:
        # Moved since without the reminder following (at Zimun, or a crash between the move and
        # re-arming it): say the new time now rather than stay silent or state the old one.
        logger.info("reminder for %s states its new time", entry.appointment_id)
    return await reminder_replies(turn, entry, appointment_ref(entry))


async def current_entry(
    turn: Turn, entry: LedgerEntry, *, keep_unknown: bool = False
) -> LedgerEntry | None:
    """The ledger entry as Zimun has it now, the ledger brought up to date (issue 10, item 3):
    None when Zimun says cancelled or (unless `keep_unknown`) does not know it; the entry as it
    is when Zimun cannot be asked (the ledger is the best truth then)."""
    try:
        appointment = await turn.zimun.get_appointment(entry.appointment_id)
    except NotFound:
        logger.warning("appointment %s unknown at Zimun", entry.appointment_id)
        return entry if keep_unknown else None
    except ZimunError as exc:
        logger.info(
            "appointment %s not read (%s); the ledger decides", entry.appointment_id, exc.summary
        )
        return entry
    now = turn.now()
    if appointment.status is AppointmentStatus.CANCELLED:
        await turn.store.record_cancel(entry.appointment_id, None, now, by="staff")
        return None
    if appointment.start != entry.start:
        await turn.store.record_move(entry.appointment_id, appointment.start, now)
        return replace(entry, start=appointment.start)
    return entry
