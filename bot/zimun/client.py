"""The async Zimun client: typed methods for every endpoint of the contract, on httpx.

Each call goes through one path: authenticate (`ClientCredentialsAuth`), send with explicit
timeouts, translate httpx's exceptions and error responses into `ZimunError`s at this boundary,
and retry transient failures. A write is retried only with its caller's `Idempotency-Key`.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping
from datetime import date, datetime
from types import TracebackType
from typing import Any, Self, TypeVar

import httpx

from bot.clock import Clock, SystemClock
from bot.zimun import wire
from bot.zimun.auth import ClientCredentialsAuth
from bot.zimun.errors import InvalidRequest, NotFound, Unavailable, ZimunError
from bot.zimun.models import Appointment, Availability, Hold, Location, Service
from bot.zimun.retry import NO_RETRY, RetryPolicy, call_with_retry

logger = logging.getLogger(__name__)

DEFAULT_TIMEOUT = httpx.Timeout(10.0, connect=5.0)
DEFAULT_RETRY = RetryPolicy()
USER_AGENT = "zimun-booking-bot/0.1"

T = TypeVar("T")


class ZimunClient:
    """One organization's view of Zimun. Use `async with`, or call `aclose()` when done."""

    def __init__(
        self,
        *,
        base_url: str,
        client_id: str,
        client_secret: str,
        organization_id: str,
        transport: httpx.AsyncBaseTransport | None = None,
        clock: Clock | None = None,
        timeout: httpx.Timeout | None = None,
        retry: RetryPolicy | None = None,
        sleep: Callable[[float], Awaitable[None]] | None = None,
    ) -> None:
        root = base_url.rstrip("/")
        self._organization_id = organization_id
        self._clock: Clock = clock or SystemClock()
        self._retry = retry or DEFAULT_RETRY
        self._sleep = sleep or asyncio.sleep
        timeout = timeout or DEFAULT_TIMEOUT
        self.auth = ClientCredentialsAuth(
            token_url=root + wire.TOKEN_PATH,
            client_id=client_id,
            client_secret=client_secret,
            clock=self._clock,
            timeout=timeout,
        )
        self._http = httpx.AsyncClient(
            base_url=root,
            transport=transport,
            timeout=timeout,
            auth=self.auth,
            headers={"Accept": "application/json", "User-Agent": USER_AGENT},
            follow_redirects=False,
        )

    async def aclose(self) -> None:
        await self._http.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.aclose()

    # --- the one way out -------------------------------------------------------------------

    async def _send_once(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, str | int] | None,
        json: Any,
        headers: Mapping[str, str],
    ) -> httpx.Response:
        try:
            response = await self._http.request(
                method, path, params=params, json=json, headers=headers
            )
        except httpx.TimeoutException as exc:
            raise Unavailable(f"Zimun timed out on {method} {path}") from exc
        except httpx.TransportError as exc:
            raise Unavailable(f"could not reach Zimun for {method} {path}: {exc}") from exc
        except httpx.HTTPError as exc:
            raise ZimunError(f"HTTP error on {method} {path}: {exc}") from exc
        if response.is_success:
            return response
        raise wire.error_from_response(response, self._clock.now())

    async def _call(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, str | int] | None = None,
        json: Any = None,
        idempotency_key: str | None = None,
        retry: bool = True,
    ) -> httpx.Response:
        headers: dict[str, str] = {}
        if method != "GET":
            if idempotency_key:
                headers[wire.IDEMPOTENCY_HEADER] = idempotency_key
            else:
                # A write without a key could be applied twice if retried after a lost answer.
                retry = False
        policy = self._retry if retry else NO_RETRY

        async def attempt() -> httpx.Response:
            # The same headers (and so the same Idempotency-Key) on every attempt.
            return await self._send_once(method, path, params=params, json=json, headers=headers)

        return await call_with_retry(
            attempt, policy=policy, sleep=self._sleep, operation=f"{method} {path}"
        )

    @staticmethod
    def _parse(response: httpx.Response, parse: Callable[[Any], T]) -> T:
        try:
            return parse(response.json())
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise ZimunError(
                f"malformed response from Zimun for {response.request.method} "
                f"{response.request.url.path}: {exc}",
                status=response.status_code,
            ) from exc

    async def _all_pages(
        self, path: str, params: Callable[[str | None], Mapping[str, str | int]]
    ) -> list[Any]:
        items: list[Any] = []
        token: str | None = None
        seen: set[str] = set()
        while True:
            response = await self._call("GET", path, params=params(token))
            page, token = self._parse(response, wire.parse_page)
            items.extend(page)
            if token is None:
                return items
            if token in seen:  # a server bug must not loop us forever
                raise ZimunError(f"Zimun repeated page token on {path}", status=200)
            seen.add(token)

    # --- organization ----------------------------------------------------------------------

    async def list_services(self) -> list[Service]:
        items = await self._all_pages(wire.SERVICES_PATH, wire.page_params)
        services = [self._parse_item(item, wire.parse_service) for item in items]
        logger.debug("listed %d services", len(services))
        return services

    async def list_locations(self) -> list[Location]:
        items = await self._all_pages(wire.LOCATIONS_PATH, wire.page_params)
        return [self._parse_item(item, wire.parse_location) for item in items]

    @staticmethod
    def _parse_item(item: Any, parse: Callable[[Any], T]) -> T:
        try:
            return parse(item)
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise ZimunError(f"malformed item from Zimun: {exc}") from exc

    # --- availability ----------------------------------------------------------------------

    async def get_availability(
        self,
        service_id: str,
        *,
        first_day: date | None = None,
        days_ahead: int = 7,
        location_id: str | None = None,
    ) -> Availability:
        params = wire.availability_params(
            service_id, first_day=first_day, days_ahead=days_ahead, location_id=location_id
        )
        response = await self._call("GET", wire.AVAILABILITY_PATH, params=params)
        availability = self._parse(response, wire.parse_availability)
        logger.debug(
            "availability of %s from %s for %d days: %d slots, %d closures",
            service_id,
            availability.first_day,
            days_ahead,
            len(availability.slots),
            len(availability.closures),
        )
        return availability

    # --- holds -----------------------------------------------------------------------------

    async def hold(
        self, service_id: str, start: datetime, duration_minutes: int, *, idempotency_key: str
    ) -> Hold:
        body = wire.hold_body(self._organization_id, service_id, start, duration_minutes)
        response = await self._call(
            "POST", wire.HOLD_PATH, json=body, idempotency_key=idempotency_key
        )
        hold = self._parse(response, wire.parse_hold)
        logger.info(
            "hold %s placed on %s at %s until %s", hold.id, service_id, hold.start, hold.expires_at
        )
        return hold

    async def release_hold(self, hold_id: str) -> None:
        """Let a hold go early; best effort, never raises (an unreleased hold simply runs out)."""
        try:
            await self._call("DELETE", wire.release_hold_path(hold_id), retry=False)
        except (NotFound, InvalidRequest) as error:
            if error.status in (404, 405):
                logger.info("hold %s not released (HTTP %s); it will expire", hold_id, error.status)
            else:
                logger.warning("hold %s not released: %s", hold_id, error.summary)
        except ZimunError as error:
            logger.warning("hold %s not released: %s", hold_id, error.summary)
        else:
            logger.info("hold %s released", hold_id)

    # --- appointments ----------------------------------------------------------------------

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
        body = wire.confirm_body(hold_id, name=name, email=email, phone=phone, notes=notes)
        response = await self._call(
            "POST", wire.CONFIRM_PATH, json=body, idempotency_key=idempotency_key
        )
        appointment = self._parse(response, wire.parse_appointment)
        logger.info("hold %s confirmed as appointment %s", hold_id, appointment.id)
        return appointment

    async def reschedule(
        self, appointment_id: str, start: datetime, *, idempotency_key: str
    ) -> Appointment:
        response = await self._call(
            "PATCH",
            wire.appointment_path(appointment_id),
            json=wire.reschedule_body(start),
            idempotency_key=idempotency_key,
        )
        appointment = self._parse(response, wire.parse_appointment)
        logger.info("appointment %s moved to %s", appointment_id, appointment.start)
        return appointment

    async def cancel(self, appointment_id: str, *, idempotency_key: str) -> Appointment:
        response = await self._call(
            "PATCH",
            wire.appointment_path(appointment_id),
            json=wire.cancel_body(),
            idempotency_key=idempotency_key,
        )
        appointment = self._parse(response, wire.parse_appointment)
        logger.info("appointment %s cancelled", appointment_id)
        return appointment

    async def get_appointment(self, appointment_id: str) -> Appointment:
        response = await self._call("GET", wire.appointment_path(appointment_id))
        return self._parse(response, wire.parse_appointment)

    async def list_appointments(
        self, *, start: datetime, end: datetime, status: str | None = None
    ) -> list[Appointment]:
        items = await self._all_pages(
            wire.APPOINTMENTS_PATH,
            lambda token: wire.appointments_params(
                start=start, end=end, status=status, page_token=token
            ),
        )
        appointments = [self._parse_item(item, wire.parse_appointment) for item in items]
        logger.debug("listed %d appointments from %s to %s", len(appointments), start, end)
        return appointments
