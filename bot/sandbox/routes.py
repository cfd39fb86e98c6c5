"""Zimun's wire format on top of the world: request parsing, JSON rendering and the route table.

Each handler takes the world and a parsed `Call` and returns a status and a JSON body; errors are
raised as `SandboxError`s and rendered by `app.py`. The route table at the bottom is plain data.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any
from urllib.parse import parse_qsl, unquote
from zoneinfo import ZoneInfo

from bot.sandbox.errors import InvalidRequest, OAuthError, ValidationFailed
from bot.sandbox.seed import WEEKDAYS, Interval, LocationSeed, ServiceSeed
from bot.sandbox.world import SCOPES, AppointmentRecord, HoldRecord, World, iso_utc, paginate

Reply = tuple[int, Any]  # status and JSON body (None for an empty body)


@dataclass(frozen=True)
class Call:
    """One parsed request, as the handlers see it."""

    method: str
    path: str
    params: Mapping[str, str]
    query: Mapping[str, str]
    headers: Mapping[str, str]
    body: bytes

    def json(self) -> dict[str, Any]:
        try:
            data = json.loads(self.body or b"{}")
        except ValueError as exc:
            raise InvalidRequest("the request body is not valid JSON") from exc
        if not isinstance(data, dict):
            raise InvalidRequest("the request body must be a JSON object")
        return data


# --- helpers: wire values ------------------------------------------------------------------


def _parse_instant(
    value: Any, name: str, error: type[InvalidRequest | ValidationFailed]
) -> datetime:
    if not isinstance(value, str):
        raise error(f"{name} must be an ISO-8601 timestamp string")
    try:
        moment = datetime.fromisoformat(value)
    except ValueError as exc:
        raise error(f"{name} is not an ISO-8601 timestamp: {value!r}") from exc
    if moment.tzinfo is None:
        raise error(f"{name} must carry an offset or Z: {value!r}")
    return moment.astimezone(UTC)


def _required_str(data: Mapping[str, Any], name: str) -> str:
    value = data.get(name)
    if not isinstance(value, str) or not value:
        raise ValidationFailed(f"{name} is required and must be a string")
    return value


def _optional_str(data: Mapping[str, Any], name: str) -> str | None:
    value = data.get(name)
    if value is not None and not isinstance(value, str):
        raise ValidationFailed(f"{name} must be a string")
    return value


def _query_int(query: Mapping[str, str], name: str) -> int | None:
    if name not in query:
        return None
    try:
        return int(query[name])
    except ValueError as exc:
        raise InvalidRequest(f"{name} must be an integer") from exc


def _page(call: Call, items: list[Any]) -> Reply:
    size = _query_int(call.query, "page_size")
    if size is not None and size < 0:
        raise InvalidRequest("page_size must not be negative")
    page = paginate(items, page_size=size, page_token=call.query.get("page_token"))
    return 200, {"items": page.items, "next_page_token": page.next_page_token}


def service_json(service: ServiceSeed) -> dict[str, Any]:
    price = (
        {"amount": f"{service.price_amount:.2f}", "currency": service.currency}
        if service.price_amount is not None
        else None
    )
    return {
        "id": service.id,
        "name": service.name,
        "duration_minutes": service.duration_minutes,
        "location_ids": list(service.location_ids),
        "price": price,
    }


def location_json(
    location: LocationSeed, hours: Mapping[int, Sequence[Interval]]
) -> dict[str, Any]:
    return {
        "id": location.id,
        "name": location.name,
        "timezone": location.timezone,
        "address": location.address,
        "opening_hours": {
            WEEKDAYS[weekday]: [
                [start.strftime("%H:%M"), end.strftime("%H:%M")] for start, end in spans
            ]
            for weekday, spans in sorted(hours.items())
        },
    }


def hold_json(hold: HoldRecord) -> dict[str, Any]:
    return {
        "hold_id": hold.id,
        "status": "held",
        "organization_id": hold.organization_id,
        "service_id": hold.service_id,
        "appointment_time": iso_utc(hold.start),
        "appointment_duration": hold.duration_minutes,
        "expires_at": iso_utc(hold.expires_at),
    }


def appointment_json(appointment: AppointmentRecord) -> dict[str, Any]:
    return {
        "appointment_id": appointment.id,
        "status": appointment.status,
        "organization_id": appointment.organization_id,
        "service_id": appointment.service_id,
        "location_id": appointment.location_id,
        "appointment_time": iso_utc(appointment.start),
        "appointment_duration": appointment.duration_minutes,
        "contact_name": appointment.contact_name,
        "contact_email": appointment.contact_email,
        "contact_phone": appointment.contact_phone,
        "notes": appointment.notes,
        "booking_code": appointment.booking_code,
    }


# --- OAuth ---------------------------------------------------------------------------------


def issue_token(world: World, call: Call) -> Reply:
    """RFC 6749 §4.4 client credentials; client auth by HTTP Basic or in the form (§2.3.1)."""
    form = dict(parse_qsl(call.body.decode("utf-8", "replace")))
    header = call.headers.get("authorization", "")
    basic = header.lower().startswith("basic ")
    if basic and "client_secret" in form:
        raise OAuthError("invalid_request", "use one client authentication method, not two")
    if basic:
        try:
            decoded = base64.b64decode(header[6:].strip(), validate=True).decode()
        except (binascii.Error, UnicodeDecodeError) as exc:
            raise OAuthError(
                "invalid_client", "malformed Basic credentials", status=401, challenge=True
            ) from exc
        client_id, _, secret = decoded.partition(":")
        client_id, secret = unquote(client_id), unquote(secret)
    elif "client_id" in form:
        client_id, secret = form["client_id"], form.get("client_secret", "")
    else:
        raise OAuthError(
            "invalid_client", "client authentication is required", status=401, challenge=True
        )
    if not world.check_credentials(client_id, secret):
        raise OAuthError(
            "invalid_client",
            "unknown client or wrong secret",
            status=401 if basic else 400,
            challenge=basic,
        )
    grant = form.get("grant_type")
    if not grant:
        raise OAuthError("invalid_request", "grant_type is required")
    if grant != "client_credentials":
        raise OAuthError("unsupported_grant_type", f"grant_type {grant!r} is not supported")
    scope = form.get("scope")
    if scope and not set(scope.split()) <= set(SCOPES):
        raise OAuthError("invalid_scope", f"known scopes are: {' '.join(SCOPES)}")
    token = world.issue_token(scope)
    return 200, {
        "access_token": token.value,
        "token_type": "Bearer",
        "expires_in": world.seed.token_lifetime_seconds,
        "scope": " ".join(token.scopes),
    }


# --- organization data ---------------------------------------------------------------------


def list_services(world: World, call: Call) -> Reply:
    return _page(call, [service_json(s) for s in world.services()])


def list_locations(world: World, call: Call) -> Reply:
    return _page(call, [location_json(loc, world.seed.opening_hours) for loc in world.locations()])


def get_availability(world: World, call: Call) -> Reply:
    service_id = call.query.get("service_id")
    if not service_id:
        raise InvalidRequest("service_id is required")
    days_ahead = _query_int(call.query, "days_ahead")
    if days_ahead is None:
        days_ahead = 7
    first_day = None
    if "date" in call.query:
        try:
            first_day = date.fromisoformat(call.query["date"])
        except ValueError as exc:
            raise InvalidRequest("date must be YYYY-MM-DD") from exc
    location, day0, slots, closures = world.availability(
        service_id,
        first_day=first_day,
        days_ahead=days_ahead,
        location_id=call.query.get("location_id"),
    )
    zone = ZoneInfo(location.timezone)
    return 200, {
        "service_id": service_id,
        "timezone": location.timezone,
        "date": day0.isoformat(),
        "days_ahead": days_ahead,
        "slots": [
            {"start": s.astimezone(zone).isoformat(), "end": e.astimezone(zone).isoformat()}
            for s, e in slots
        ],
        "holiday_map": {
            day.isoformat(): {"kind": kind, "label": label}
            for day, (kind, label) in sorted(closures.items())
        },
    }


# --- holds and appointments ----------------------------------------------------------------


def place_hold(world: World, call: Call) -> Reply:
    data = call.json()
    duration = data.get("appointment_duration")
    if duration is not None and (not isinstance(duration, int) or isinstance(duration, bool)):
        raise ValidationFailed("appointment_duration must be an integer number of minutes")
    hold = world.hold(
        organization_id=_required_str(data, "organization_id"),
        service_id=_required_str(data, "service_id"),
        start=_parse_instant(data.get("appointment_time"), "appointment_time", ValidationFailed),
        duration_minutes=duration,
    )
    return 201, hold_json(hold)


def release_hold(world: World, call: Call) -> Reply:
    world.release_hold(call.params["hold_id"])
    return 204, None


def confirm(world: World, call: Call) -> Reply:
    data = call.json()
    appointment = world.confirm(
        hold_id=_required_str(data, "hold_id"),
        contact_name=_required_str(data, "contact_name"),
        contact_email=_required_str(data, "contact_email"),
        contact_phone=_optional_str(data, "contact_phone"),
        notes=_optional_str(data, "notes"),
    )
    return 201, appointment_json(appointment)


def _change(world: World, appointment_id: str, data: Mapping[str, Any]) -> Reply:
    has_time, has_status = "appointment_time" in data, "status" in data
    if has_time == has_status:
        raise ValidationFailed("send either appointment_time or status, exactly one of them")
    if has_status:
        if data["status"] != "cancelled":
            raise ValidationFailed('status can only be changed to "cancelled"')
        return 200, appointment_json(world.cancel(appointment_id))
    start = _parse_instant(data["appointment_time"], "appointment_time", ValidationFailed)
    return 200, appointment_json(world.move(appointment_id, start))


def patch_appointment(world: World, call: Call) -> Reply:
    return _change(world, call.params["appointment_id"], call.json())


def reschedule_alias(world: World, call: Call) -> Reply:
    data = call.json()
    booking_id = _required_str(data, "booking_id")
    return _change(world, booking_id, {"appointment_time": data.get("appointment_time")})


def cancel_alias(world: World, call: Call) -> Reply:
    booking_id = _required_str(call.json(), "booking_id")
    return _change(world, booking_id, {"status": "cancelled"})


def get_appointment(world: World, call: Call) -> Reply:
    return 200, appointment_json(world.appointment(call.params["appointment_id"]))


def list_appointments(world: World, call: Call) -> Reply:
    bounds = {
        name: _parse_instant(call.query[name], name, InvalidRequest) if name in call.query else None
        for name in ("from", "to")
    }
    found = world.list_appointments(
        start=bounds["from"], end=bounds["to"], status=call.query.get("status")
    )
    return _page(call, [appointment_json(a) for a in found])


# --- sandbox controls (not Zimun's) --------------------------------------------------------


def get_clock(world: World, call: Call) -> Reply:
    now = world.now()
    local = now.astimezone(ZoneInfo(world.seed.timezone))
    return 200, {"now": iso_utc(now), "local": local.isoformat()}


def set_clock(world: World, call: Call) -> Reply:
    data = call.json()
    if "now" in data:
        world.set_now(_parse_instant(data["now"], "now", InvalidRequest))
    elif "advance_seconds" in data:
        seconds = data["advance_seconds"]
        if not isinstance(seconds, int | float) or isinstance(seconds, bool):
            raise InvalidRequest("advance_seconds must be a number")
        world.advance(timedelta(seconds=seconds))
    else:
        raise InvalidRequest('send {"now": "<ISO-8601>"} or {"advance_seconds": n}')
    return get_clock(world, call)


def get_outbox(world: World, call: Call) -> Reply:
    return 200, {
        "items": [
            {
                "to": mail.to,
                "subject": mail.subject,
                "body": mail.body,
                "kind": mail.kind,
                "appointment_id": mail.appointment_id,
                "sent_at": iso_utc(mail.sent_at),
            }
            for mail in world.outbox
        ]
    }


def set_faults(world: World, call: Call) -> Reply:
    try:
        faults = world.set_faults(**call.json())
    except (ValueError, TypeError, AttributeError) as exc:
        raise InvalidRequest(f"bad faults: {exc}") from exc
    return 200, faults.as_dict()


def get_faults(world: World, call: Call) -> Reply:
    return 200, world.faults.as_dict()


def clear_faults(world: World, call: Call) -> Reply:
    world.clear_faults()
    return 200, world.faults.as_dict()


def reset(world: World, call: Call) -> Reply:
    world.reset()
    return 200, {"reset": True, "now": iso_utc(world.now())}


# --- the route table -----------------------------------------------------------------------

Handler = Callable[[World, Call], Reply]


@dataclass(frozen=True)
class Route:
    """`kind` is "oauth", "api" (bearer token, scope, faults, idempotency) or "control"."""

    method: str
    template: str
    handler: Handler
    kind: str = "api"
    scope: str | None = None
    pattern: re.Pattern[str] = field(init=False, compare=False)

    def __post_init__(self) -> None:
        regex = re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", self.template)
        object.__setattr__(self, "pattern", re.compile(f"^{regex}$"))


ROUTES: tuple[Route, ...] = (
    Route("POST", "/oauth/token", issue_token, kind="oauth"),
    Route("GET", "/api/v1/services", list_services, scope="org:read"),
    Route("GET", "/api/v1/locations", list_locations, scope="org:read"),
    Route("GET", "/api/v1/availability", get_availability, scope="availability:read"),
    Route("POST", "/api/v1/appointments/hold", place_hold, scope="appointments:write"),
    Route(
        "DELETE", "/api/v1/appointments/hold/{hold_id}", release_hold, scope="appointments:write"
    ),
    Route("POST", "/api/v1/appointments/confirm", confirm, scope="appointments:write"),
    Route("POST", "/api/v1/appointments/reschedule", reschedule_alias, scope="appointments:write"),
    Route("POST", "/api/v1/appointments/cancel", cancel_alias, scope="appointments:write"),
    Route("GET", "/api/v1/appointments", list_appointments, scope="appointments:read"),
    Route(
        "GET", "/api/v1/appointments/{appointment_id}", get_appointment, scope="appointments:read"
    ),
    Route(
        "PATCH",
        "/api/v1/appointments/{appointment_id}",
        patch_appointment,
        scope="appointments:write",
    ),
    Route("GET", "/_sandbox/clock", get_clock, kind="control"),
    Route("POST", "/_sandbox/clock", set_clock, kind="control"),
    Route("GET", "/_sandbox/outbox", get_outbox, kind="control"),
    Route("GET", "/_sandbox/faults", get_faults, kind="control"),
    Route("POST", "/_sandbox/faults", set_faults, kind="control"),
    Route("DELETE", "/_sandbox/faults", clear_faults, kind="control"),
    Route("POST", "/_sandbox/reset", reset, kind="control"),
)
