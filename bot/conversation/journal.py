"""Zimun writes as intents (issue 10): a `ZimunApi` that journals every hold, confirm, move and
cancel of one turn around the real call, so the flow code calls `turn.zimun` as before.

Before the call the intent (key, arguments, and what the customer will be told: service, language,
the session's generation and hold) is recorded durably; Zimun's answer is recorded as soon as it
comes; the engine settles the turn's intents once its session is saved. What a crash leaves
unsettled, `bot.conversation.recovery` resolves. Reads pass straight through.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypeVar

from bot.storage import IntentJournal, IntentKind
from bot.zimun import (
    Appointment,
    AppointmentStatus,
    Hold,
    RateLimited,
    Unavailable,
    ZimunApi,
    ZimunError,
    ZimunPassThrough,
)

if TYPE_CHECKING:
    from bot.conversation.turn import Turn

__all__ = [
    "JournaledZimun",
    "appointment_from",
    "appointment_to",
    "hold_from",
    "hold_to",
    "replay",
]

logger = logging.getLogger(__name__)

T = TypeVar("T")


def hold_to(hold: Hold) -> dict[str, Any]:
    return {
        "id": hold.id,
        "service_id": hold.service_id,
        "start": hold.start.isoformat(),
        "duration_minutes": hold.duration_minutes,
        "expires_at": hold.expires_at.isoformat(),
    }


def hold_from(data: dict[str, Any]) -> Hold:
    return Hold(
        id=str(data["id"]),
        service_id=str(data["service_id"]),
        start=datetime.fromisoformat(data["start"]),
        duration_minutes=int(data["duration_minutes"]),
        expires_at=datetime.fromisoformat(data["expires_at"]),
    )


def appointment_to(appointment: Appointment) -> dict[str, Any]:
    # No e-mail address: what the ledger and the customer's message need, nothing more.
    return {
        "id": appointment.id,
        "status": appointment.status.value,
        "service_id": appointment.service_id,
        "start": appointment.start.isoformat(),
        "duration_minutes": appointment.duration_minutes,
        "contact_name": appointment.contact_name,
        "booking_code": appointment.booking_code,
    }


def appointment_from(data: dict[str, Any]) -> Appointment:
    code = data.get("booking_code")
    return Appointment(
        id=str(data["id"]),
        status=AppointmentStatus(str(data["status"])),
        service_id=str(data["service_id"]),
        start=datetime.fromisoformat(data["start"]),
        duration_minutes=int(data["duration_minutes"]),
        contact_name=str(data.get("contact_name") or ""),
        contact_email="",
        booking_code=str(code) if code else None,
    )


async def replay(zimun: ZimunApi, kind: str, key: str, args: dict[str, Any]) -> dict[str, Any]:
    """Make the intent's call again with the same key and body: Zimun answers what it did."""
    if kind == IntentKind.HOLD:
        hold = await zimun.hold(
            str(args["service_id"]),
            datetime.fromisoformat(args["start"]),
            int(args["duration_minutes"]),
            idempotency_key=key,
        )
        return hold_to(hold)
    if kind == IntentKind.CONFIRM:
        appointment = await zimun.confirm(
            str(args["hold_id"]),
            name=str(args["name"]),
            email=str(args["email"]),
            idempotency_key=key,
            phone=args.get("phone"),
            notes=args.get("notes"),
        )
    elif kind == IntentKind.MOVE:
        appointment = await zimun.reschedule(
            str(args["appointment_id"]), datetime.fromisoformat(args["start"]), idempotency_key=key
        )
    elif kind == IntentKind.CANCEL:
        appointment = await zimun.cancel(str(args["appointment_id"]), idempotency_key=key)
    else:
        raise ValueError(f"unknown intent kind {kind!r}")
    return appointment_to(appointment)


class JournaledZimun(ZimunPassThrough):
    """The turn's `ZimunApi`: writes journaled in `journal`, everything else passed through."""

    def __init__(self, zimun: ZimunApi, journal: IntentJournal, turn: Turn) -> None:
        super().__init__(zimun)
        self._journal = journal
        self._turn = turn

    # writes
    async def hold(
        self, service_id: str, start: datetime, duration_minutes: int, *, idempotency_key: str
    ) -> Hold:
        args = {
            "service_id": service_id,
            "start": start.isoformat(),
            "duration_minutes": duration_minutes,
        }
        call = self._inner.hold(
            service_id, start, duration_minutes, idempotency_key=idempotency_key
        )
        return await self._journaled(IntentKind.HOLD, idempotency_key, args, call, hold_to)

    async def confirm(
        self,
        hold_id: str,
        *,
        name: str,
        email: str,
        idempotency_key: str,
        phone: str | None = None,
        notes: str | None = None,
    ) -> Appointment:
        args = {"hold_id": hold_id, "name": name, "email": email, "phone": phone, "notes": notes}
        call = self._inner.confirm(
            hold_id,
            name=name,
            email=email,
            idempotency_key=idempotency_key,
            phone=phone,
            notes=notes,
        )
        return await self._journaled(
            IntentKind.CONFIRM, idempotency_key, args, call, appointment_to
        )

    async def reschedule(
        self, appointment_id: str, start: datetime, *, idempotency_key: str
    ) -> Appointment:
        args = {"appointment_id": appointment_id, "start": start.isoformat()}
        call = self._inner.reschedule(appointment_id, start, idempotency_key=idempotency_key)
        return await self._journaled(IntentKind.MOVE, idempotency_key, args, call, appointment_to)

    async def cancel(self, appointment_id: str, *, idempotency_key: str) -> Appointment:
        args = {"appointment_id": appointment_id}
        call = self._inner.cancel(appointment_id, idempotency_key=idempotency_key)
        return await self._journaled(IntentKind.CANCEL, idempotency_key, args, call, appointment_to)

    async def _journaled(
        self,
        kind: IntentKind,
        key: str,
        args: dict[str, Any],
        call: Awaitable[T],
        encode: Callable[[T], dict[str, Any]],
    ) -> T:
        turn = self._turn
        try:
            await self._journal.record_intent(
                key=key,
                chat_id=turn.customer.chat_id,
                kind=kind,
                args=args,
                context=self._context(),
                at=turn.now(),
            )
        except BaseException:
            _close(call)
            raise
        try:
            result = await call
        except (Unavailable, RateLimited):
            # Zimun may or may not have acted: the intent stays open and is replayed later. Not
            # a hold: the customer is told to try again, which asks for it with the same key.
            if kind == IntentKind.HOLD:
                await self._journal.settle_intent(key)
            raise
        except ZimunError:
            # Zimun answered and refused: nothing was done, nothing to resolve.
            await self._journal.settle_intent(key)
            raise
        await self._journal.record_result(key, encode(result))
        turn.journaled.append(key)
        logger.debug("%s intent of chat %s answered", kind, turn.customer.chat_id)
        return result

    def _context(self) -> dict[str, Any]:
        """What resolving the intent needs to tell the customer, from the checkpointed session."""
        turn = self._turn
        session = turn.checkpointed
        context: dict[str, Any] = {"language": turn.language, "user_id": turn.customer.user_id}
        if session is not None:
            context.update(
                service_name=session.service_name,
                generation=session.generation,
                flow_id=session.flow_id,
                cancel_reason=session.cancel_reason,
            )
        return context


def _close(call: Awaitable[Any]) -> None:
    close = getattr(call, "close", None)
    if close is not None:
        close()  # the coroutine was never awaited: close it quietly
