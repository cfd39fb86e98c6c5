"""The sandbox's world: Zimun's state and rules, with no knowledge of HTTP.

Everything takes "now" from the injected clock (plus an offset the control endpoint can move), and
every public method takes one re-entrant lock, so the uvicorn thread and a test thread can share it.
"""

from __future__ import annotations

import base64
import logging
import random
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from email_validator import EmailNotValidError, validate_email

from bot.clock import Clock
from bot.sandbox.errors import (
    AppointmentCancelled,
    AppointmentInPast,
    HoldExpired,
    IdempotencyKeyReused,
    InsufficientScope,
    InvalidRequest,
    InvalidToken,
    NotFound,
    SlotUnavailable,
    ValidationFailed,
)
from bot.sandbox.seed import LocationSeed, Seed, ServiceSeed, default_seed

logger = logging.getLogger(__name__)

SCOPES = ("org:read", "availability:read", "appointments:read", "appointments:write")
BUSY_STATUSES = frozenset({"held", "scheduled", "confirmed"})
IDEMPOTENCY_WINDOW = timedelta(hours=24)
DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 100
# Booking codes avoid look-alikes (0/O, 1/I) because customers read them aloud.
_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


@dataclass
class Token:
    value: str
    scopes: tuple[str, ...]
    expires_at: datetime


@dataclass
class HoldRecord:
    id: str
    organization_id: str
    service_id: str
    location_id: str
    start: datetime
    duration_minutes: int
    created_at: datetime
    expires_at: datetime
    released: bool = False
    appointment_id: str | None = None  # set once confirmed

    @property
    def end(self) -> datetime:
        return self.start + timedelta(minutes=self.duration_minutes)


@dataclass
class AppointmentRecord:
    id: str
    organization_id: str
    service_id: str
    location_id: str
    start: datetime
    duration_minutes: int
    status: str
    contact_name: str
    contact_email: str
    booking_code: str
    created_at: datetime
    updated_at: datetime
    contact_phone: str | None = None
    notes: str | None = None

    @property
    def end(self) -> datetime:
        return self.start + timedelta(minutes=self.duration_minutes)


@dataclass(frozen=True)
class SentEmail:
    """An e-mail Zimun would have sent; kept in `world.outbox` instead."""

    to: str
    subject: str
    body: str
    kind: str  # "confirmation", "rescheduled", "cancelled"
    appointment_id: str
    sent_at: datetime


@dataclass(frozen=True)
class StoredResponse:
    """A response remembered under an Idempotency-Key, replayed verbatim."""

    fingerprint: str
    status: int
    body: Any
    stored_at: datetime


@dataclass
class Faults:
    """Injected misbehaviour, deterministic so tests can count on it.

    `error_rate` accumulates: at 0.5 every second request fails, at 1.0 every request.
    """

    latency_ms: int = 0
    # Held after the request was handled (Zimun acted) and before the answer leaves.
    latency_after_ms: int = 0
    error_rate: float = 0.0
    error_status: int = 503
    rate_limit_count: int = 0
    rate_limit_retry_after: int = 1
    drop_connections: int = 0
    _error_budget: float = field(default=0.0, repr=False)

    def as_dict(self) -> dict[str, Any]:
        return {
            "latency_ms": self.latency_ms,
            "latency_after_ms": self.latency_after_ms,
            "error_rate": self.error_rate,
            "error_status": self.error_status,
            "rate_limit": {
                "count": self.rate_limit_count,
                "retry_after": self.rate_limit_retry_after,
            },
            "drop_connections": self.drop_connections,
        }


@dataclass(frozen=True)
class Page:
    items: list[Any]
    next_page_token: str | None


class World:
    """One organization's Zimun, offline."""

    def __init__(self, *, seed: Seed | None = None, clock: Clock, rng_seed: int = 0) -> None:
        self.seed = seed or default_seed()
        self.clock = clock
        self.lock = threading.RLock()
        self._rng_seed = rng_seed
        self.faults = Faults()
        self.tokens: dict[str, Token] = {}
        self._reset_state()

    # --- time -------------------------------------------------------------------------------

    def now(self) -> datetime:
        with self.lock:
            return self.clock.now() + self._offset

    def set_now(self, moment: datetime) -> datetime:
        """Move the sandbox's "now" (on top of the injected clock, which keeps running)."""
        if moment.tzinfo is None:
            raise ValueError("the sandbox clock needs an aware datetime")
        with self.lock:
            self._offset = moment.astimezone(UTC) - self.clock.now()
            return self.now()

    def advance(self, delta: timedelta) -> datetime:
        with self.lock:
            self._offset += delta
            return self.now()

    # --- control ----------------------------------------------------------------------------

    def reset(self) -> None:
        """Back to the seed: bookings, holds, outbox, idempotency, faults and clock offset.

        Tokens survive, so a running bot keeps working across a reset.
        """
        with self.lock:
            self._reset_state()
            self.faults = Faults()
            logger.info("sandbox reset to its seed")

    def clear_faults(self) -> None:
        with self.lock:
            self.faults = Faults()

    def set_faults(self, **changes: Any) -> Faults:
        """Change some faults (`latency_ms=`, `latency_after_ms=`, `error_rate=`,
        `rate_limit={"count", ...}`, ...)."""
        with self.lock:
            faults = self.faults
            for key, value in changes.items():
                if key == "rate_limit":
                    faults.rate_limit_count = int(value.get("count", 0))
                    faults.rate_limit_retry_after = int(value.get("retry_after", 1))
                elif key == "expire_tokens":
                    if value:
                        self.expire_all_tokens()
                elif key in ("latency_ms", "latency_after_ms", "drop_connections", "error_status"):
                    setattr(faults, key, int(value))
                elif key == "error_rate":
                    faults.error_rate = float(value)
                    faults._error_budget = 0.0
                else:
                    raise ValueError(f"unknown fault {key!r}")
            if not 500 <= faults.error_status <= 599:
                raise ValueError("error_status must be a 5xx status")
            if not 0.0 <= faults.error_rate <= 1.0:
                raise ValueError("error_rate must be between 0 and 1")
            return faults

    def take_drop(self) -> bool:
        """Whether this request's connection is to be dropped (uses one from the count)."""
        with self.lock:
            if self.faults.drop_connections > 0:
                self.faults.drop_connections -= 1
                return True
            return False

    def take_rate_limit(self) -> int | None:
        """The Retry-After to answer with if this request is rate limited."""
        with self.lock:
            if self.faults.rate_limit_count > 0:
                self.faults.rate_limit_count -= 1
                return self.faults.rate_limit_retry_after
            return None

    def take_error(self) -> int | None:
        """The 5xx status this request fails with, if the error rate says so."""
        with self.lock:
            faults = self.faults
            if faults.error_rate <= 0:
                return None
            faults._error_budget += faults.error_rate
            if faults._error_budget >= 1.0 - 1e-9:
                faults._error_budget -= 1.0
                return faults.error_status
            return None

    def expire_all_tokens(self) -> None:
        with self.lock:
            now = self.now()
            for token in self.tokens.values():
                token.expires_at = min(token.expires_at, now)

    # --- auth -------------------------------------------------------------------------------

    def issue_token(self, scope: str | None = None) -> Token:
        """A new bearer token with `scope` (space-separated; default all four scopes)."""
        with self.lock:
            wanted = tuple(scope.split()) if scope else SCOPES
            token = Token(
                value="sbx_" + self._random_hex(24),
                scopes=wanted,
                expires_at=self.now() + timedelta(seconds=self.seed.token_lifetime_seconds),
            )
            self.tokens[token.value] = token
            logger.info("token issued, scopes %s", " ".join(wanted))
            return token

    def check_credentials(self, client_id: str, client_secret: str) -> bool:
        return client_id == self.seed.client_id and client_secret == self.seed.client_secret

    def authenticate(self, bearer: str | None, scope: str) -> Token:
        with self.lock:
            if not bearer:
                raise InvalidToken("missing bearer token")
            token = self.tokens.get(bearer)
            if token is None:
                raise InvalidToken("unknown access token")
            if token.expires_at <= self.now():
                raise InvalidToken("the access token has expired")
            if scope not in token.scopes:
                raise InsufficientScope(f"this call needs the {scope} scope")
            return token

    # --- idempotency ------------------------------------------------------------------------

    def replay(self, key: str, fingerprint: str) -> StoredResponse | None:
        """The stored response for `key`, or None; a different request under it is an error."""
        with self.lock:
            stored = self._idempotency.get(key)
            if stored is None or stored.stored_at + IDEMPOTENCY_WINDOW <= self.now():
                return None
            if stored.fingerprint != fingerprint:
                raise IdempotencyKeyReused(
                    "this Idempotency-Key was already used with a different request"
                )
            return stored

    def remember(self, key: str, fingerprint: str, status: int, body: Any) -> None:
        # 5xx are not stored: the request did not happen, and a retry must be allowed to succeed.
        if status >= 500:
            return
        with self.lock:
            self._idempotency[key] = StoredResponse(fingerprint, status, body, self.now())

    # --- organization data ------------------------------------------------------------------

    def services(self) -> list[ServiceSeed]:
        return list(self.seed.services)

    def locations(self) -> list[LocationSeed]:
        return list(self.seed.locations)

    def service(self, service_id: str) -> ServiceSeed:
        service = self.seed.service(service_id)
        if service is None:
            raise NotFound("service", f"no service {service_id!r}")
        return service

    def _location_for(self, service: ServiceSeed, location_id: str | None) -> LocationSeed:
        if location_id is None:
            location_id = service.location_ids[0] if service.location_ids else None
        location = self.seed.location(location_id) if location_id else self.seed.locations[0]
        if location is None:
            raise NotFound("location", f"no location {location_id!r}")
        if service.location_ids and location.id not in service.location_ids:
            raise InvalidRequest(f"service {service.id} is not offered at location {location.id}")
        return location

    # --- availability -----------------------------------------------------------------------

    def availability(
        self,
        service_id: str,
        *,
        first_day: date | None,
        days_ahead: int,
        location_id: str | None = None,
    ) -> tuple[LocationSeed, date, list[tuple[datetime, datetime]], dict[date, tuple[str, str]]]:
        """Free slots (UTC start, end) and the closures of the window, from `first_day` on."""
        if not 1 <= days_ahead <= 60:
            raise InvalidRequest("days_ahead must be between 1 and 60")
        with self.lock:
            service = self.service(service_id)
            location = self._location_for(service, location_id)
            zone = ZoneInfo(location.timezone)
            now = self.now()
            day0 = first_day or now.astimezone(zone).date()
            slots: list[tuple[datetime, datetime]] = []
            closures: dict[date, tuple[str, str]] = {}
            length = timedelta(minutes=service.duration_minutes)
            # What is busy in the window, gathered once: a slot is then checked against these
            # few rather than against every hold and appointment the world ever had (which made
            # a read slower with every booking of a long load run).
            window = datetime.combine(day0, time(), zone).astimezone(UTC)
            busy = self._busy_between(window, window + timedelta(days=days_ahead + 1))
            for offset in range(days_ahead):
                day = day0 + timedelta(days=offset)
                closure = self.seed.closure_on(day)
                if closure is not None:
                    closures[day] = (closure.kind, closure.label)
                    continue
                for start in self._grid(day, zone, service.duration_minutes):
                    end = start + length
                    if start > now and self._room_among(busy, start, end):
                        slots.append((start, end))
            return location, day0, slots, closures

    def _grid(self, day: date, zone: ZoneInfo, duration_minutes: int) -> Iterator[datetime]:
        """Every slot start of `day` (UTC) for that duration: each 30 min, wholly inside hours."""
        step = timedelta(minutes=self.seed.slot_step_minutes)
        length = timedelta(minutes=duration_minutes)
        for opens, closes in self.seed.opening_hours.get(day.weekday(), ()):
            start = datetime.combine(day, opens, zone)
            end = datetime.combine(day, closes, zone)
            while start + length <= end:
                yield start.astimezone(UTC)
                start += step

    def _is_offered(self, start: datetime, duration_minutes: int, zone: ZoneInfo) -> bool:
        day = start.astimezone(zone).date()
        if self.seed.closure_on(day) is not None:
            return False
        return start in self._grid(day, zone, duration_minutes)

    def _is_free(
        self, start: datetime, end: datetime, *, ignore_appointment: str | None = None
    ) -> bool:
        """Free while fewer busy holds and appointments overlap it than there are staff."""
        busy = self._busy_between(start, end, ignore_appointment=ignore_appointment)
        return self._room_among(busy, start, end)

    def _room_among(
        self, busy: Sequence[tuple[datetime, datetime]], start: datetime, end: datetime
    ) -> bool:
        """Fewer of these busy spans overlap start–end than there are staff: the one rule of a
        free slot, for a single check and for a day's availability alike."""
        return sum(s < end and start < e for s, e in busy) < self.seed.staff

    def _busy_between(
        self, start: datetime, end: datetime, *, ignore_appointment: str | None = None
    ) -> list[tuple[datetime, datetime]]:
        """(start, end) of the live holds and busy appointments that overlap [start, end)."""
        now = self.now()
        busy = [
            (hold.start, hold.end)
            for hold in self.holds.values()
            if hold.appointment_id is None
            and not hold.released
            and hold.expires_at > now
            and hold.start < end
            and start < hold.end
        ]
        busy.extend(
            (appointment.start, appointment.end)
            for appointment in self.appointments.values()
            if appointment.status in BUSY_STATUSES
            and appointment.id != ignore_appointment
            and appointment.start < end
            and start < appointment.end
        )
        return busy

    def _check_bookable(
        self,
        service: ServiceSeed,
        start: datetime,
        duration_minutes: int,
        *,
        ignore_appointment: str | None = None,
    ) -> LocationSeed:
        location = self._location_for(service, None)
        zone = ZoneInfo(location.timezone)
        if start <= self.now():
            raise SlotUnavailable(f"{iso_utc(start)} is in the past")
        if not self._is_offered(start, duration_minutes, zone):
            raise SlotUnavailable(f"{iso_utc(start)} is not an offered slot for {service.id}")
        end = start + timedelta(minutes=duration_minutes)
        if not self._is_free(start, end, ignore_appointment=ignore_appointment):
            raise SlotUnavailable(f"{iso_utc(start)} is already taken or held")
        return location

    # --- holds ------------------------------------------------------------------------------

    def hold(
        self,
        *,
        organization_id: str,
        service_id: str,
        start: datetime,
        duration_minutes: int | None,
    ) -> HoldRecord:
        with self.lock:
            self._check_organization(organization_id)
            service = self.service(service_id)
            if duration_minutes is None:
                duration_minutes = service.duration_minutes
            if duration_minutes != service.duration_minutes:
                raise ValidationFailed(
                    f"appointment_duration must be {service.duration_minutes} for {service.id}"
                )
            location = self._check_bookable(service, start, duration_minutes)
            now = self.now()
            hold = HoldRecord(
                id="h_" + self._random_hex(12),
                organization_id=organization_id,
                service_id=service.id,
                location_id=location.id,
                start=start.astimezone(UTC),
                duration_minutes=duration_minutes,
                created_at=now,
                expires_at=now + timedelta(minutes=self.seed.hold_minutes),
            )
            self.holds[hold.id] = hold
            logger.info("hold %s placed for %s", hold.id, iso_utc(hold.start))
            return hold

    def release_hold(self, hold_id: str) -> None:
        """Free a hold; unknown, expired or already released holds are a quiet no-op."""
        with self.lock:
            hold = self.holds.get(hold_id)
            if hold is not None and hold.appointment_id is None:
                hold.released = True
                logger.info("hold %s released", hold_id)

    def confirm(
        self,
        *,
        hold_id: str,
        contact_name: str,
        contact_email: str,
        contact_phone: str | None = None,
        notes: str | None = None,
    ) -> AppointmentRecord:
        name = contact_name.strip()
        if not name:
            raise ValidationFailed("contact_name must not be empty")
        if len(name) > 200:
            raise ValidationFailed("contact_name is longer than 200 characters")
        try:
            email = validate_email(contact_email, check_deliverability=False).normalized
        except EmailNotValidError as exc:
            raise ValidationFailed(f"contact_email is not a valid e-mail address: {exc}") from exc
        with self.lock:
            hold = self.holds.get(hold_id)
            if hold is None or hold.released:
                raise NotFound("hold", f"no hold {hold_id!r}")
            if hold.appointment_id is not None:
                raise NotFound("hold", f"hold {hold_id!r} was already confirmed")
            now = self.now()
            if hold.expires_at <= now:
                raise HoldExpired(f"hold {hold_id} expired at {iso_utc(hold.expires_at)}")
            appointment = AppointmentRecord(
                id="a_" + self._random_hex(12),
                organization_id=hold.organization_id,
                service_id=hold.service_id,
                location_id=hold.location_id,
                start=hold.start,
                duration_minutes=hold.duration_minutes,
                status="confirmed",
                contact_name=name,
                contact_email=email,
                booking_code=self._booking_code(),
                created_at=now,
                updated_at=now,
                contact_phone=contact_phone,
                notes=notes,
            )
            hold.appointment_id = appointment.id
            self.appointments[appointment.id] = appointment
            self._send("confirmation", appointment)
            logger.info("hold %s confirmed as %s", hold_id, appointment.id)
            return appointment

    # --- appointments -----------------------------------------------------------------------

    def appointment(self, appointment_id: str) -> AppointmentRecord:
        with self.lock:
            found = self.appointments.get(appointment_id)
            if found is None:
                # The POST aliases take a `booking_id`, which may be the customer's booking code.
                found = next(
                    (a for a in self.appointments.values() if a.booking_code == appointment_id),
                    None,
                )
            if found is None:
                raise NotFound("appointment", f"no appointment {appointment_id!r}")
            return found

    def move(self, appointment_id: str, start: datetime) -> AppointmentRecord:
        with self.lock:
            appointment = self.appointment(appointment_id)
            if appointment.status == "cancelled":
                raise AppointmentCancelled(f"appointment {appointment.id} is cancelled")
            if appointment.start <= self.now():
                raise AppointmentInPast(f"appointment {appointment.id} has already started")
            start = start.astimezone(UTC)
            if start == appointment.start:
                return appointment
            service = self.service(appointment.service_id)
            self._check_bookable(
                service, start, appointment.duration_minutes, ignore_appointment=appointment.id
            )
            previous = appointment.start
            appointment.start = start
            appointment.updated_at = self.now()
            self._send("rescheduled", appointment, previous=previous)
            logger.info("appointment %s moved to %s", appointment.id, iso_utc(start))
            return appointment

    def cancel(self, appointment_id: str) -> AppointmentRecord:
        with self.lock:
            appointment = self.appointment(appointment_id)
            if appointment.status == "cancelled":
                return appointment
            if appointment.start <= self.now():
                raise AppointmentInPast(f"appointment {appointment.id} has already started")
            appointment.status = "cancelled"
            appointment.updated_at = self.now()
            self._send("cancelled", appointment)
            logger.info("appointment %s cancelled", appointment.id)
            return appointment

    def list_appointments(
        self, *, start: datetime | None, end: datetime | None, status: str | None
    ) -> list[AppointmentRecord]:
        """Appointments starting in [start, end), optionally of one status, by start time."""
        with self.lock:
            found = [
                a
                for a in self.appointments.values()
                if (start is None or a.start >= start)
                and (end is None or a.start < end)
                and (status is None or a.status == status)
            ]
            return sorted(found, key=lambda a: (a.start, a.id))

    # --- internals --------------------------------------------------------------------------

    def _reset_state(self) -> None:
        self._offset = timedelta(0)
        self._rng = random.Random(self._rng_seed)
        self.holds: dict[str, HoldRecord] = {}
        self.appointments: dict[str, AppointmentRecord] = {}
        self.outbox: list[SentEmail] = []
        self._idempotency: dict[str, StoredResponse] = {}
        now = self.clock.now()
        for number, booking in enumerate(self.seed.bookings, start=1):
            service = self.service(booking.service_id)
            location = self._location_for(service, None)
            record = AppointmentRecord(
                id=booking.id or f"a_seed{number}",
                organization_id=self.seed.organization_id,
                service_id=service.id,
                location_id=location.id,
                start=booking.start.astimezone(UTC),
                duration_minutes=booking.duration_minutes or service.duration_minutes,
                status=booking.status,
                contact_name=booking.contact_name,
                contact_email=booking.contact_email,
                booking_code=self._booking_code(),
                created_at=now,
                updated_at=now,
            )
            self.appointments[record.id] = record

    def _check_organization(self, organization_id: str) -> None:
        if organization_id != self.seed.organization_id:
            raise InsufficientScope(
                f"the token belongs to organization {self.seed.organization_id}, "
                f"not {organization_id!r}"
            )

    def _random_hex(self, length: int) -> str:
        return "".join(self._rng.choice("0123456789abcdef") for _ in range(length))

    def _booking_code(self) -> str:
        taken = {a.booking_code for a in self.appointments.values()}
        while True:
            code = "".join(self._rng.choice(_CODE_ALPHABET) for _ in range(6))
            if code not in taken:
                return code

    def _send(
        self, kind: str, appointment: AppointmentRecord, *, previous: datetime | None = None
    ) -> None:
        service = self.service(appointment.service_id)
        zone = ZoneInfo(self._location_for(service, appointment.location_id).timezone)
        when = appointment.start.astimezone(zone).strftime("%d/%m/%Y %H:%M")
        organization = self.seed.organization_name
        subjects = {
            "confirmation": f"{organization}: appuntamento confermato",
            "rescheduled": f"{organization}: appuntamento spostato",
            "cancelled": f"{organization}: appuntamento annullato",
        }
        lines = [
            f"Gentile {appointment.contact_name},",
            f"{service.name} – {when} – codice {appointment.booking_code}.",
        ]
        if previous is not None:
            earlier = previous.astimezone(zone).strftime("%d/%m/%Y %H:%M")
            lines.append(f"Orario precedente: {earlier}.")
        if kind != "cancelled":
            link = f"https://sandbox.zimun.invalid/a/{appointment.id}"
            lines.append(f"Sposta: {link}/reschedule  Annulla: {link}/cancel")
        self.outbox.append(
            SentEmail(
                to=appointment.contact_email,
                subject=subjects[kind],
                body="\n".join(lines),
                kind=kind,
                appointment_id=appointment.id,
                sent_at=self.now(),
            )
        )
        logger.info("%s e-mail sent for %s", kind, appointment.id)


def paginate(items: list[Any], *, page_size: int | None, page_token: str | None) -> Page:
    """One page of `items`; page tokens are opaque to clients (an encoded offset here)."""
    size = DEFAULT_PAGE_SIZE if not page_size else min(page_size, MAX_PAGE_SIZE)
    offset = 0
    if page_token:
        try:
            offset = int(base64.urlsafe_b64decode(page_token.encode()).decode().removeprefix("o:"))
        except ValueError as exc:
            raise InvalidRequest("page_token is not valid") from exc
        if offset < 0 or offset > len(items):
            raise InvalidRequest("page_token is not valid")
    end = offset + size
    token = base64.urlsafe_b64encode(f"o:{end}".encode()).decode() if end < len(items) else None
    return Page(items[offset:end], token)


def iso_utc(moment: datetime) -> str:
    """A UTC timestamp with `Z`, as the sandbox writes every instant it answers with."""
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")
