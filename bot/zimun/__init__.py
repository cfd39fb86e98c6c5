"""The Zimun API client: typed models, the error tree, auth, retries and the `ZimunApi` protocol.

The engine depends on `ZimunApi` only, so it can be given `ZimunClient` or any fake with the
same async methods.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Protocol

from bot.zimun.client import ZimunClient
from bot.zimun.errors import (
    AuthError,
    Conflict,
    HoldExpired,
    InvalidRequest,
    NotFound,
    RateLimited,
    SlotUnavailable,
    Unavailable,
    ZimunError,
)
from bot.zimun.models import (
    Appointment,
    AppointmentStatus,
    Availability,
    Closure,
    ClosureKind,
    Hold,
    Location,
    OpeningInterval,
    Price,
    Service,
    Slot,
)
from bot.zimun.retry import RetryPolicy


class ZimunApi(Protocol):
    """What the bot asks of Zimun; `ZimunClient` is the real implementation."""

    async def list_services(self) -> list[Service]: ...

    async def list_locations(self) -> list[Location]: ...

    async def get_availability(
        self,
        service_id: str,
        *,
        first_day: date | None = None,
        days_ahead: int = 7,
        location_id: str | None = None,
    ) -> Availability: ...

    async def hold(
        self, service_id: str, start: datetime, duration_minutes: int, *, idempotency_key: str
    ) -> Hold: ...

    async def release_hold(self, hold_id: str) -> None: ...

    async def confirm(
        self,
        hold_id: str,
        *,
        name: str,
        email: str,
        idempotency_key: str,
        phone: str | None = None,
        notes: str | None = None,
    ) -> Appointment: ...

    async def reschedule(
        self, appointment_id: str, start: datetime, *, idempotency_key: str
    ) -> Appointment: ...

    async def cancel(self, appointment_id: str, *, idempotency_key: str) -> Appointment: ...

    async def get_appointment(self, appointment_id: str) -> Appointment: ...

    async def list_appointments(
        self, *, start: datetime, end: datetime, status: str | None = None
    ) -> list[Appointment]: ...


class ZimunPassThrough:
    """A `ZimunApi` that hands every call to `inner`: wrappers (the staff's hold tracking, the
    intent journal, the availability cache) subclass it and override only what they add to."""

    def __init__(self, inner: ZimunApi) -> None:
        self._inner = inner

    async def list_services(self) -> list[Service]:
        return await self._inner.list_services()

    async def list_locations(self) -> list[Location]:
        return await self._inner.list_locations()

    async def get_availability(
        self,
        service_id: str,
        *,
        first_day: date | None = None,
        days_ahead: int = 7,
        location_id: str | None = None,
    ) -> Availability:
        return await self._inner.get_availability(
            service_id, first_day=first_day, days_ahead=days_ahead, location_id=location_id
        )

    async def hold(
        self, service_id: str, start: datetime, duration_minutes: int, *, idempotency_key: str
    ) -> Hold:
        return await self._inner.hold(
            service_id, start, duration_minutes, idempotency_key=idempotency_key
        )

    async def release_hold(self, hold_id: str) -> None:
        await self._inner.release_hold(hold_id)

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
        return await self._inner.confirm(
            hold_id,
            name=name,
            email=email,
            idempotency_key=idempotency_key,
            phone=phone,
            notes=notes,
        )

    async def reschedule(
        self, appointment_id: str, start: datetime, *, idempotency_key: str
    ) -> Appointment:
        return await self._inner.reschedule(appointment_id, start, idempotency_key=idempotency_key)

    async def cancel(self, appointment_id: str, *, idempotency_key: str) -> Appointment:
        return await self._inner.cancel(appointment_id, idempotency_key=idempotency_key)

    async def get_appointment(self, appointment_id: str) -> Appointment:
        return await self._inner.get_appointment(appointment_id)

    async def list_appointments(
        self, *, start: datetime, end: datetime, status: str | None = None
    ) -> list[Appointment]:
        return await self._inner.list_appointments(start=start, end=end, status=status)


__all__ = [
    "Appointment",
    "AppointmentStatus",
    "AuthError",
    "Availability",
    "Closure",
    "ClosureKind",
    "Conflict",
    "Hold",
    "HoldExpired",
    "InvalidRequest",
    "Location",
    "NotFound",
    "OpeningInterval",
    "Price",
    "RateLimited",
    "RetryPolicy",
    "Service",
    "Slot",
    "SlotUnavailable",
    "Unavailable",
    "ZimunApi",
    "ZimunClient",
    "ZimunError",
    "ZimunPassThrough",
]
