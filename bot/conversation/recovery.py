"""Unfinished Zimun intents resolved (issue 10): what Zimun did, the ledger knows, the customer
is told.

An intent left open by a crash (or by Zimun being unreachable) is resolved before the chat's next
update and on start-up: its recorded answer is used, or the same call is replayed with the same
key (Zimun answers with the original result, or does now what was asked). Then whatever the crash
cut off is applied, each step harmless to repeat: the ledger entry, the reminder at the right time
(none for a cancel), the hold notices stopped, the session at rest; and the customer gets a
`Notice` of what really happened. A hold nobody was told of is released. Only then is the intent
settled, after the session is saved, so a crash during resolution resolves again.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from bot.conversation.actions import Verb
from bot.conversation.common import ics_for, record_booked, schedule_reminder
from bot.conversation.events import Reply
from bot.conversation.journal import appointment_from, appointment_to, hold_from, replay
from bot.conversation.reminders import reminder_keys
from bot.conversation.session import Done, Session
from bot.conversation.turn import Turn
from bot.storage import IntentKind, MetricKind, ZimunIntent
from bot.zimun import AppointmentStatus, RateLimited, Unavailable, ZimunError

__all__ = ["NOTICE", "Notice", "notice_replies", "resolve"]

logger = logging.getLogger(__name__)

# Zimun replays a key's answer for 24 hours; after that a replay could act anew.
REPLAY_WINDOW = timedelta(hours=23)

# The kind of the scheduled message that carries a notice found at start-up to its chat.
NOTICE = "intent_resolved"


Deliver = Callable[[str, "Notice"], Awaitable[None]]


@dataclass(frozen=True)
class Notice:
    """What the customer is told about a resolved intent (a booking, a move or a cancel)."""

    kind: str
    appointment_id: str
    service: str
    start: datetime
    duration_minutes: int
    code: str | None = None

    def to_payload(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "appointment_id": self.appointment_id,
            "service": self.service,
            "start": self.start.isoformat(),
            "duration_minutes": self.duration_minutes,
            "code": self.code,
        }

    @classmethod
    def from_payload(cls, payload: dict[str, Any]) -> Notice | None:
        try:
            return cls(
                kind=str(payload["kind"]),
                appointment_id=str(payload["appointment_id"]),
                service=str(payload["service"]),
                start=datetime.fromisoformat(str(payload["start"])),
                duration_minutes=int(payload["duration_minutes"]),
                code=str(payload["code"]) if payload.get("code") else None,
            )
        except (KeyError, TypeError, ValueError):
            return None


async def resolve(
    turn: Turn, session: Session, deliver: Deliver | None = None
) -> tuple[Session, list[Notice]]:
    """Resolve the chat's unfinished intents, oldest first; the session as it now stands and
    what the customer must be told. `deliver` gets each notice before its intent is settled (to
    make it durable). Zimun unreachable raises: the intents stay open."""
    journal = turn.deps.journal
    if journal is None:
        return session, []
    notices: list[Notice] = []
    for intent in await journal.open_intents(turn.customer.chat_id):
        session, notice = await _resolve_one(turn, session, intent)
        if notice is not None:
            notices.append(notice)
            if deliver is not None:
                await deliver(intent.key, notice)
        # Saved before the intent is settled: a crash in between only resolves it again.
        await turn.checkpoint(session)
        await journal.settle_intent(intent.key)
        logger.info("%s intent of chat %s resolved", intent.kind, intent.chat_id)
    return session, notices


async def _resolve_one(
    turn: Turn, session: Session, intent: ZimunIntent
) -> tuple[Session, Notice | None]:
    result = intent.result
    if result is None and turn.now() - intent.created_at >= REPLAY_WINDOW:
        return await _read_back(turn, session, intent)
    if result is None:
        try:
            result = await replay(turn.deps.zimun, intent.kind, intent.key, intent.args)
        except (Unavailable, RateLimited):
            raise
        except ZimunError as exc:
            # Zimun refuses the call now (an expired hold, a taken time): it did nothing, and the
            # session saved before the call is the truth.
            logger.info(
                "%s intent of chat %s refused on replay: %s",
                intent.kind,
                intent.chat_id,
                exc.summary,
            )
            return session, None
    if intent.kind == IntentKind.HOLD:
        return await _held(turn, session, intent, result), None
    if intent.kind == IntentKind.CONFIRM:
        return await _booked(turn, session, intent, result)
    if intent.kind == IntentKind.MOVE:
        return await _moved(turn, session, result)
    if intent.kind == IntentKind.CANCEL:
        return await _cancelled(turn, session, intent, result)
    logger.warning("unknown intent kind %s dropped", intent.kind)
    return session, None


async def _read_back(
    turn: Turn, session: Session, intent: ZimunIntent
) -> tuple[Session, Notice | None]:
    """Past Zimun's memory of keys a replay could act anew, so the appointment is read instead:
    what it shows is what happened. A confirm that old cannot be read back (its hold is long
    gone; a booking made by it is found by staff in Zimun's list)."""
    appointment_id = intent.args.get("appointment_id")
    if intent.kind not in (IntentKind.MOVE, IntentKind.CANCEL) or not appointment_id:
        logger.warning(
            "%s intent of chat %s too old to replay; dropped", intent.kind, intent.chat_id
        )
        return session, None
    try:
        appointment = await turn.deps.zimun.get_appointment(str(appointment_id))
    except (Unavailable, RateLimited):
        raise
    except ZimunError:
        return session, None
    result = appointment_to(appointment)
    if intent.kind == IntentKind.MOVE:
        wanted = datetime.fromisoformat(str(intent.args.get("start")))
        if appointment.status is AppointmentStatus.CANCELLED or appointment.start != wanted:
            return session, None  # not moved; the ledger is refreshed from Zimun when listed
        return await _moved(turn, session, result)
    if appointment.status is not AppointmentStatus.CANCELLED:
        return session, None
    return await _cancelled(turn, session, intent, result)


async def _held(
    turn: Turn, session: Session, intent: ZimunIntent, result: dict[str, Any]
) -> Session:
    hold = hold_from(result)
    if session.hold is not None and session.hold.hold_id == hold.id:
        return session  # the turn saved it: the customer is on with it
    # Placed, but the customer never heard of it: let it go, and never reuse its key.
    await turn.store.cancel_scheduled(f"hold_warning:{hold.id}")
    await turn.store.cancel_scheduled(f"hold_expired:{hold.id}")
    if hold.expires_at > turn.now():
        try:
            await turn.deps.zimun.release_hold(hold.id)
        except ZimunError:
            logger.warning("hold %s not released; it will run out", hold.id)
    return replace(session, hold_seq=session.hold_seq + 1)


async def _booked(
    turn: Turn, session: Session, intent: ZimunIntent, result: dict[str, Any]
) -> tuple[Session, Notice]:
    appointment = appointment_from(result)
    context = intent.context
    service = str(context.get("service_name") or appointment.service_id)
    await record_booked(
        turn,
        appointment,
        service_name=service,
        hold_id=str(intent.args.get("hold_id", "")),
        user_id=int(context.get("user_id") or turn.customer.user_id),
        language=str(context.get("language") or turn.language),
    )
    done = Done(appointment.id, appointment.booking_code, appointment.start, session.generation)
    if session.done is None or session.done.appointment_id != appointment.id:
        session = replace(session.idle(), done=done, hold_seq=session.hold_seq + 1, retry=None)
    notice = Notice(
        IntentKind.CONFIRM,
        appointment.id,
        service,
        appointment.start,
        appointment.duration_minutes,
        appointment.booking_code,
    )
    return session, notice


async def _moved(
    turn: Turn, session: Session, result: dict[str, Any]
) -> tuple[Session, Notice | None]:
    appointment = appointment_from(result)
    entry = await turn.store.find_booking(appointment.id)
    if entry is None:
        return session, None  # not this bot's (forgotten): nothing to keep in step
    if entry.start != appointment.start:
        await turn.store.record_move(appointment.id, appointment.start, turn.now())
        await turn.store.record_metric(MetricKind.MOVED, turn.customer.chat_id, turn.now())
    await schedule_reminder(turn, appointment.id, appointment.start)
    if session.appointment_id == appointment.id:
        session = replace(session.idle(), retry=None)
    notice = Notice(
        IntentKind.MOVE,
        appointment.id,
        entry.service_name,
        appointment.start,
        appointment.duration_minutes,
        entry.booking_code,
    )
    return session, notice


async def _cancelled(
    turn: Turn, session: Session, intent: ZimunIntent, result: dict[str, Any]
) -> tuple[Session, Notice | None]:
    appointment = appointment_from(result)
    entry = await turn.store.find_booking(appointment.id)
    for key in reminder_keys(appointment.id):
        await turn.store.cancel_scheduled(key)
    if entry is None:
        return session, None
    if entry.status != "cancelled":
        reason = intent.context.get("cancel_reason")
        now = turn.now()
        await turn.store.record_cancel(appointment.id, str(reason) if reason else None, now)
        await turn.store.record_metric(MetricKind.CANCELLED, turn.customer.chat_id, now)
    if session.appointment_id == appointment.id:
        session = replace(session.idle(), retry=None)
    notice = Notice(
        IntentKind.CANCEL,
        appointment.id,
        entry.service_name,
        entry.start,
        entry.duration_minutes,
        entry.booking_code,
    )
    return session, notice


def notice_replies(turn: Turn, notice: Notice) -> list[Reply]:
    """The message telling the customer what Zimun really did, with a way on."""
    t = turn.t
    when = turn.when(notice.start)
    rows = [
        [turn.button(t("button.appointments"), Verb.APPOINTMENTS)],
        [turn.button(t("button.menu"), Verb.MENU)],
    ]
    if notice.kind == IntentKind.CANCEL:
        text = t("recovered.cancelled", service=notice.service, when=when)
        return [turn.reply(text, rows)]
    ics = ics_for(
        turn, notice.appointment_id, notice.service, notice.start, notice.duration_minutes
    )
    if notice.kind == IntentKind.MOVE:
        text = t("recovered.moved", service=notice.service, when=when)
    else:
        text = t("recovered.booked", service=notice.service, when=when, code=notice.code or "—")
    return [turn.reply(text, rows, [ics])]
