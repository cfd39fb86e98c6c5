"""A `StaffStore` decorator: every ledger write that changes something alerts staff who asked.

The engine is given this store instead of the plain one, so new, moved and cancelled bookings are
seen wherever they come from (a customer or staff) without the engine knowing staff exist. Alerts
are scheduled messages of kind `staff_alert` to each staff member's private chat (chat id = user
id); the gateway renders them, re-checking that the reader is still staff.
"""

from __future__ import annotations

import logging
from contextlib import AbstractAsyncContextManager
from datetime import datetime
from typing import Any

from bot.clock import Clock
from bot.conversation.approval import APPROVAL_REQUEST
from bot.conversation.questions import PERSON_REQUEST
from bot.staff.actions import STAFF_ALERT, STAFF_APPROVAL, STAFF_PERSON, AdminIds, admin_set
from bot.storage import (
    EventKind,
    ForgetCounts,
    HoldNote,
    LedgerEntry,
    LedgerEvent,
    LedgerRecord,
    Metric,
    ScheduledMessage,
    StaffAction,
    StaffPref,
    StaffStore,
)
from bot.storage.models import CANCELLED_STATUS

logger = logging.getLogger(__name__)


class NotifyingStore:
    """Delegates everything to `inner`; ledger writes that change something are also announced.

    Metrics are not counted here: the engine counts its own, the desk counts staff actions.
    """

    def __init__(
        self,
        inner: StaffStore,
        *,
        clock: Clock,
        admin_ids: AdminIds,
    ) -> None:
        self._inner = inner
        self._clock = clock
        self._admin_ids = admin_ids

    @property
    def inner(self) -> StaffStore:
        return self._inner

    def admins(self) -> frozenset[int]:
        return admin_set(self._admin_ids)

    # -- the announced writes ---------------------------------------------------------------

    async def record_booking(self, entry: LedgerEntry) -> None:
        known = await self._inner.find_booking(entry.appointment_id)
        await self._inner.record_booking(entry)
        if known is not None and known.appointment_id == entry.appointment_id:
            return  # a repeated confirm: nothing new to count or announce
        await self._alert(EventKind.BOOKED, entry, {"start": entry.start.isoformat()})

    async def record_move(self, appointment_id: str, new_start: datetime, at: datetime) -> None:
        before = await self._inner.find_booking(appointment_id)
        await self._inner.record_move(appointment_id, new_start, at)
        if before is None or before.start == new_start:
            return
        details = {"from": before.start.isoformat(), "to": new_start.isoformat()}
        await self._alert(EventKind.MOVED, before, details)

    async def record_cancel(
        self, appointment_id: str, reason: str | None, at: datetime, by: str = "customer"
    ) -> None:
        before = await self._inner.find_booking(appointment_id)
        await self._inner.record_cancel(appointment_id, reason, at, by)
        if before is None or before.status == CANCELLED_STATUS:
            return
        details = {"start": before.start.isoformat(), "by": str(by), "reason": reason}
        await self._alert(EventKind.CANCELLED, before, details)

    async def _alert(self, event: str, entry: LedgerEntry, details: dict[str, Any]) -> None:
        try:
            admins = self.admins()
            now = self._clock.now()
            payload = {
                "event": event,
                "appointment_id": entry.appointment_id,
                "service": entry.service_name,
                "name": entry.contact_name,
                "code": entry.booking_code,
                **details,
            }
            for pref in await self._inner.staff_prefs():
                if not pref.notify or pref.user_id not in admins:
                    continue
                await self._inner.schedule(
                    ScheduledMessage(
                        key=f"{STAFF_ALERT}:{pref.user_id}:{entry.appointment_id}:{event}:"
                        f"{now.isoformat()}",
                        chat_id=pref.user_id,  # a private chat's id is its user's id
                        due_at=now,
                        kind=STAFF_ALERT,
                        payload=payload,
                    )
                )
        except Exception:
            logger.exception("staff alert for %s not scheduled", entry.appointment_id)

    # -- plain delegation -------------------------------------------------------------------

    async def close(self) -> None:
        await self._inner.close()

    def transaction(self) -> AbstractAsyncContextManager[None]:
        return self._inner.transaction()

    async def commit(self) -> None:
        await self._inner.commit()

    async def load_session(self, chat_id: int) -> dict[str, Any] | None:
        return await self._inner.load_session(chat_id)

    async def save_session(self, chat_id: int, data: dict[str, Any]) -> None:
        await self._inner.save_session(chat_id, data)

    async def delete_session(self, chat_id: int) -> None:
        await self._inner.delete_session(chat_id)

    async def set_cancel_reason(self, appointment_id: str, reason: str) -> bool:
        # Staff were alerted at the cancel itself; the reason is read in the booking's history.
        return await self._inner.set_cancel_reason(appointment_id, reason)

    async def record_event_once(
        self, appointment_id: str, kind: str, at: datetime, details: dict[str, Any] | None = None
    ) -> bool:
        return await self._inner.record_event_once(appointment_id, kind, at, details)

    async def bookings_for_chat(
        self, chat_id: int, *, after: datetime | None = None, include_cancelled: bool = False
    ) -> list[LedgerEntry]:
        return await self._inner.bookings_for_chat(
            chat_id, after=after, include_cancelled=include_cancelled
        )

    async def find_booking(self, appointment_id_or_code: str) -> LedgerEntry | None:
        return await self._inner.find_booking(appointment_id_or_code)

    async def booking_history(self, appointment_id: str) -> list[LedgerEvent]:
        return await self._inner.booking_history(appointment_id)

    async def bookings_between(self, start: datetime, end: datetime) -> list[LedgerEntry]:
        return await self._inner.bookings_between(start, end)

    async def schedule(self, message: ScheduledMessage) -> None:
        if message.kind in (PERSON_REQUEST, APPROVAL_REQUEST):
            await self._to_every_staff_member(message)
            return
        await self._inner.schedule(message)

    async def _to_every_staff_member(self, message: ScheduledMessage) -> None:
        """A customer's request for a person reaches every staff member, /notify or not."""
        admins = sorted(self.admins())
        kind = STAFF_APPROVAL if message.kind == APPROVAL_REQUEST else STAFF_PERSON
        if not admins:
            logger.warning("chat %s asked for a person, but no staff is set", message.chat_id)
        for admin in admins:
            await self._inner.schedule(
                ScheduledMessage(
                    key=f"{kind}:{admin}:{message.key}",
                    chat_id=admin,  # a private chat's id is its user's id
                    due_at=message.due_at,
                    kind=kind,
                    payload={**message.payload, "chat_id": message.chat_id},
                )
            )

    async def cancel_scheduled(self, key: str) -> None:
        await self._inner.cancel_scheduled(key)

    async def due_messages(self, now: datetime, limit: int = 100) -> list[ScheduledMessage]:
        return await self._inner.due_messages(now, limit)

    async def mark_sent(self, key: str) -> None:
        await self._inner.mark_sent(key)

    async def pending_count(self) -> int:
        return await self._inner.pending_count()

    async def forget_chat(self, chat_id: int) -> ForgetCounts:
        return await self._inner.forget_chat(chat_id)

    async def record_metric(
        self, kind: str, chat_id: int, at: datetime, details: dict[str, Any] | None = None
    ) -> None:
        await self._inner.record_metric(kind, chat_id, at, details)

    async def metrics_between(self, start: datetime, end: datetime) -> list[Metric]:
        return await self._inner.metrics_between(start, end)

    async def ping(self) -> None:
        await self._inner.ping()

    async def events_between(self, start: datetime, end: datetime) -> list[LedgerRecord]:
        return await self._inner.events_between(start, end)

    async def set_staff_pref(self, pref: StaffPref, at: datetime) -> None:
        await self._inner.set_staff_pref(pref, at)

    async def staff_prefs(self) -> list[StaffPref]:
        return await self._inner.staff_prefs()

    async def save_staff_action(self, action: StaffAction) -> None:
        await self._inner.save_staff_action(action)

    async def load_staff_action(self, token: str) -> StaffAction | None:
        return await self._inner.load_staff_action(token)

    async def finish_staff_action(self, token: str, state: str) -> bool:
        return await self._inner.finish_staff_action(token, state)

    async def latest_staff_action(self, chat_id: int) -> StaffAction | None:
        return await self._inner.latest_staff_action(chat_id)

    async def record_hold(self, hold: HoldNote) -> None:
        await self._inner.record_hold(hold)

    async def end_hold(self, hold_id: str) -> None:
        await self._inner.end_hold(hold_id)

    async def active_holds(self, now: datetime) -> list[HoldNote]:
        return await self._inner.active_holds(now)

    async def forget_staff_records(self, chat_id: int) -> int:
        return await self._inner.forget_staff_records(chat_id)

    async def claim_update(self, update_id: int, at: datetime) -> bool:
        return await self._inner.claim_update(update_id, at)

    async def settle_update(self, update_id: int, outcome: str) -> None:
        await self._inner.settle_update(update_id, outcome)

    async def update_outcome(self, update_id: int) -> str | None:
        return await self._inner.update_outcome(update_id)
