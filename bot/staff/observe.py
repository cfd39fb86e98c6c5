"""A `ZimunApi` that notes the engine's holds for /holds, changing nothing it passes through.

The chat a call belongs to comes from `current_chat`, which the gateway sets around each event it
hands to the engine; the client's own signature stays untouched. An observation that fails is
logged and never breaks the customer's call.
"""

from __future__ import annotations

import logging
from contextvars import ContextVar
from datetime import datetime

from bot.clock import Clock
from bot.storage import HoldNote, StaffStore
from bot.zimun import Appointment, Hold, ZimunApi, ZimunPassThrough

logger = logging.getLogger(__name__)

current_chat: ContextVar[int | None] = ContextVar("current_chat", default=None)


class ObservedZimun(ZimunPassThrough):
    """Delegates every call to `inner`; notes holds placed, confirmed and released.

    Hold metrics are the engine's to count; this only keeps the list /holds shows.
    """

    def __init__(self, inner: ZimunApi, *, store: StaffStore, clock: Clock) -> None:
        super().__init__(inner)
        self._store = store
        self._clock = clock

    async def hold(
        self, service_id: str, start: datetime, duration_minutes: int, *, idempotency_key: str
    ) -> Hold:
        hold = await self._inner.hold(
            service_id, start, duration_minutes, idempotency_key=idempotency_key
        )
        try:
            await self._store.record_hold(
                HoldNote(
                    hold_id=hold.id,
                    chat_id=current_chat.get(),
                    service_id=hold.service_id,
                    start=hold.start,
                    duration_minutes=hold.duration_minutes,
                    expires_at=hold.expires_at,
                    placed_at=self._clock.now(),
                )
            )
        except Exception:
            logger.exception("hold %s could not be noted", hold.id)
        return hold

    async def release_hold(self, hold_id: str) -> None:
        await self._inner.release_hold(hold_id)
        try:
            await self._store.end_hold(hold_id)
        except Exception:
            logger.exception("release of hold %s could not be noted", hold_id)

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
        appointment = await self._inner.confirm(
            hold_id,
            name=name,
            email=email,
            idempotency_key=idempotency_key,
            phone=phone,
            notes=notes,
        )
        try:
            await self._store.end_hold(hold_id)
        except Exception:
            logger.exception("confirmed hold %s could not be noted", hold_id)
        return appointment
