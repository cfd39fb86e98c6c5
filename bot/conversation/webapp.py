"""The Mini App's operations (issue 14): structured requests run on the chat's own session.

The Mini App is a second face of the engine, not a second engine: each `Form` it sends runs
inside `Engine.handle` (the chat's lock, its transaction, its recovery, its checkpoints) and
calls the very functions the chat's buttons call: `pick` holds with the same idempotency keys,
`on_name`/`on_email` check the contact with the same rules and "did you mean", `confirm`,
`do_move` and `cancel_now` write the same ledger, reminders and metrics. Because the session is
the chat's, a hold placed in the app retires whatever the chat had on screen (its buttons become
stale) and a chat that moved on makes the app's next step refused: one time is never booked twice.

An operation that does not fit the session (nothing held, an appointment not this chat's) changes
nothing and returns no replies; the face reads the saved session to tell what happened.
"""

from __future__ import annotations

import logging
from dataclasses import replace

from bot.conversation.actions import Verb, parse_instant_arg
from bot.conversation.booking import pick, search
from bot.conversation.changes import after_cancel_row, cancel_now, cancelled_text, do_move, owned
from bot.conversation.common import HOLD_STEPS, Input, Outcome, drop_hold, menu, wish_at
from bot.conversation.contact import already_booked, confirm, on_email, on_name
from bot.conversation.events import Form
from bot.conversation.session import Flow, Session, Step
from bot.conversation.turn import Turn, with_service

__all__ = ["CANCEL", "CONFIRM", "CONTACT", "HOLD", "MOVE", "OPERATIONS", "RELEASE", "perform"]

logger = logging.getLogger(__name__)

HOLD = "hold"  # service, start (UTC, as a button's instant argument)
CONTACT = "contact"  # name, email; or choice "s"/"t" to answer "did you mean"
CONFIRM = "confirm"
RELEASE = "release"
MOVE = "move"  # appointment, start
CANCEL = "cancel"  # appointment, reason (optional)
OPERATIONS = frozenset({HOLD, CONTACT, CONFIRM, RELEASE, MOVE, CANCEL})


async def perform(turn: Turn, session: Session, form: Form) -> Outcome:
    """Run one Mini App operation on the chat's session."""
    if form.operation == HOLD:
        return await _hold(turn, session, form)
    if form.operation == CONTACT:
        return await _contact(turn, session, form)
    if form.operation == CONFIRM:
        if session.step is Step.SUMMARY:
            return await confirm(turn, session)
        if session.step is Step.IDLE and session.done is not None:
            return session, already_booked(turn, session.done)
        return session, []
    if form.operation == RELEASE:
        if session.hold is None:
            return session, []
        return (await drop_hold(turn, session)).idle(), []
    if form.operation in (MOVE, CANCEL):
        return await _change(turn, session, form)
    logger.info("unknown mini app operation in chat %s", turn.customer.chat_id)
    return session, []


async def _hold(turn: Turn, session: Session, form: Form) -> Outcome:
    service = await turn.service(form.get("service"))
    start = parse_instant_arg(form.get("start"))
    if service is None or start is None:
        return session, []
    session = await drop_hold(turn, session)
    session = with_service(session.start_flow(Flow.BOOK, turn.now()), service)
    if start <= turn.now() or turn.local_day(start) > turn.last_bookable_day():
        # Gone while the page was open: the chat's own answer (the nearest times) instead.
        lead = turn.t("slot.just_taken", when=turn.when(start))
        return await search(turn, session, wish_at(turn, start), lead)
    return await pick(turn, session, start)


async def _contact(turn: Turn, session: Session, form: Form) -> Outcome:
    if session.hold is None or session.step not in HOLD_STEPS:
        return session, []
    choice = form.get("choice")
    if choice in ("s", "t") and session.step is Step.EMAIL and session.email_suggestion:
        return await on_email(turn, session, Input(verb=Verb.EMAIL, arg=choice))
    # Both fields are answered again, as the chat would ask them, so the same checks apply.
    session = replace(
        session,
        step=Step.NAME,
        contact_name=None,
        contact_email=None,
        email_suggestion=None,
        email_typed=None,
    )
    session, replies = await on_name(turn, session, Input(text=form.get("name").strip()))
    if session.step is not Step.EMAIL:
        return session, replies
    return await on_email(turn, session, Input(text=form.get("email").strip()))


async def _change(turn: Turn, session: Session, form: Form) -> Outcome:
    entry = await owned(turn, form.get("appointment"))
    if entry is None:
        return session, []
    flow = Flow.MOVE if form.operation == MOVE else Flow.CANCEL
    start = parse_instant_arg(form.get("start")) if flow is Flow.MOVE else None
    if flow is Flow.MOVE and start is None:
        return session, []
    session = (await drop_hold(turn, session)).start_flow(flow, turn.now())
    session = replace(
        session,
        appointment_id=entry.appointment_id,
        service_id=entry.service_id,
        service_name=entry.service_name,
        duration_minutes=entry.duration_minutes,
        new_start=start,
        cancel_reason=form.get("reason").strip()[:500] or None,
    )
    if flow is Flow.MOVE:
        return await do_move(turn, session)
    # The app asked the reason in its own form, before the cancel: the chat is told it is done.
    cancelled = await cancel_now(turn, session)
    if cancelled is None:
        return session.idle(), menu(turn, turn.t("move.gone"))
    return session.idle(), [turn.reply(cancelled_text(turn, cancelled), [after_cancel_row(turn)])]
