"""Bookings that wait for staff (issue 13, item 5): after NOSHOW_LIMIT no-shows, a customer's new
booking is not confirmed by the bot but passed to staff, who approve or decline it with one tap.

The hold stays while staff decide (Zimun keeps it 10 minutes; the usual warning is not sent, the
expiry notice is): the engine schedules an `approval_request` in the customer's chat, which the
staff side (`bot.staff`) turns into one message with Approva / Rifiuta per staff member. Staff's
answer comes back as an `approval_done` or `approval_declined` message in the customer's chat,
which `scheduled_approval` turns into the customer's answer and the session's next step.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import datetime

from bot.conversation.common import Outcome, flow_rows, ics_for, menu_rows
from bot.conversation.events import Reply
from bot.conversation.session import Done, Session
from bot.conversation.turn import Turn
from bot.storage import EventKind, ScheduledMessage

logger = logging.getLogger(__name__)

APPROVAL_REQUEST = "approval_request"
APPROVAL_DONE = "approval_done"
APPROVAL_DECLINED = "approval_declined"
APPROVAL_KINDS = frozenset({APPROVAL_DONE, APPROVAL_DECLINED})


async def noshows(turn: Turn) -> int:
    count = 0
    for entry in await turn.store.bookings_for_chat(turn.customer.chat_id, include_cancelled=True):
        history = await turn.store.booking_history(entry.appointment_id)
        count += any(event.kind == EventKind.NO_SHOW for event in history)
    return count


async def needs_approval(turn: Turn) -> bool:
    limit = turn.deps.noshow_limit
    return limit > 0 and await noshows(turn) >= limit


async def ask_approval(turn: Turn, session: Session) -> Outcome:
    """Pass the held booking to staff and tell the customer, politely, that it waits for them."""
    held = session.hold
    assert held is not None
    t = turn.t
    if session.approval != held.hold_id:
        now = turn.now()
        await turn.store.schedule(
            ScheduledMessage(
                key=f"{APPROVAL_REQUEST}:{held.hold_id}",
                chat_id=turn.customer.chat_id,
                due_at=now,
                kind=APPROVAL_REQUEST,
                payload={
                    "hold_id": held.hold_id,
                    "start": held.start.isoformat(),
                    "expires_at": held.expires_at.isoformat(),
                    "service_id": session.service_id or "",
                    "service": session.service_name or "",
                    "minutes": session.duration_minutes or 0,
                    "name": session.contact_name or "",
                    "email": session.contact_email or "",
                    "language": turn.language,
                    "user_id": turn.customer.user_id,
                },
            )
        )
        # "Hurry, two minutes left" would ask for a tap that does nothing now.
        await turn.store.cancel_scheduled(f"hold_warning:{held.hold_id}")
        logger.info("booking of chat %s passed to staff for approval", turn.customer.chat_id)
        session = replace(session, approval=held.hold_id)
        text = t("approval.asked", when=turn.when(held.start))
    else:
        text = t("approval.waiting", when=turn.when(held.start))
    return session, [turn.reply(text, [flow_rows(turn)[1:]])]


async def scheduled_approval(
    turn: Turn, session: Session, kind: str, payload: dict[str, object]
) -> tuple[Session, list[Reply]]:
    """Staff's answer, told to the customer; the session leaves the summary if it waited there."""
    t = turn.t
    hold_id = str(payload.get("hold_id", ""))
    waiting = session.hold is not None and session.hold.hold_id == hold_id
    if kind == APPROVAL_DECLINED:
        if not waiting:
            return session, []
        text = t("approval.declined", when=turn.when(session.hold.start))  # type: ignore[union-attr]
        return session.idle(), [turn.reply(text, menu_rows(turn))]
    start = datetime.fromisoformat(str(payload.get("start")))
    appointment_id = str(payload.get("appointment_id", ""))
    code = str(payload.get("code") or "—")
    service = str(payload.get("service", ""))
    if waiting:
        done = Done(appointment_id, code, start, session.generation)
        session = replace(session.idle(), done=done, hold_seq=session.hold_seq + 1)
    text = t("approval.approved", service=service, when=turn.when(start), code=code)
    minutes = payload.get("minutes")
    ics = ics_for(turn, appointment_id, service, start, minutes if isinstance(minutes, int) else 30)
    return session, [turn.reply(text, menu_rows(turn), [ics])]
