"""Zimun's wire format: the only module that knows Zimun's paths and JSON field names.

It turns JSON into `bot.zimun.models` and builds request bodies; every name marked [ASSUMED] in
`zimun-api.md` is here, so correcting one against the live API is a one-file change.
"""

from __future__ import annotations

import email.utils
from collections.abc import Mapping
from datetime import UTC, date, datetime, time
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import quote

import httpx

from bot.zimun.errors import ZimunError, error_for_status
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

# Paths [DOC unless noted].
TOKEN_PATH = "/oauth/token"
SERVICES_PATH = "/api/v1/services"
LOCATIONS_PATH = "/api/v1/locations"
AVAILABILITY_PATH = "/api/v1/availability"
HOLD_PATH = "/api/v1/appointments/hold"
CONFIRM_PATH = "/api/v1/appointments/confirm"
APPOINTMENTS_PATH = "/api/v1/appointments"  # listing is [ASSUMED]

IDEMPOTENCY_HEADER = "Idempotency-Key"
RETRY_AFTER_HEADER = "Retry-After"
PAGE_SIZE = 100  # the assumed maximum; fewer round trips when following pages

JSONObject = Mapping[str, Any]


def _segment(identifier: str) -> str:
    # IDs are opaque: never let one change the path.
    return quote(identifier, safe="")


def release_hold_path(hold_id: str) -> str:
    """[ASSUMED] DELETE path of a hold."""
    return f"{HOLD_PATH}/{_segment(hold_id)}"


def appointment_path(appointment_id: str) -> str:
    return f"{APPOINTMENTS_PATH}/{_segment(appointment_id)}"


# --- token -----------------------------------------------------------------------------------


def token_form() -> dict[str, str]:
    """RFC 6749 §4.4.2 form body of the client-credentials token request."""
    return {"grant_type": "client_credentials"}


def parse_token(data: JSONObject) -> tuple[str, float | None]:
    """The access token and its lifetime in seconds (None when the server does not say)."""
    token = data["access_token"]
    if not isinstance(token, str) or not token:
        raise ValueError("access_token missing or empty")
    expires_in = data.get("expires_in")
    return token, None if expires_in is None else float(expires_in)


# --- errors ----------------------------------------------------------------------------------


def parse_retry_after(value: str | None, now: datetime) -> float | None:
    """Retry-After as seconds: delta-seconds, or an HTTP-date measured from `now` (RFC 9110)."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        moment = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return max(0.0, (moment - now).total_seconds())


def parse_error_body(response: httpx.Response) -> tuple[str | None, str | None]:
    """(code, message) of an error response, read leniently.

    Zimun answers `{"error": {"code", "message"}}`; the token endpoint answers RFC 6749's
    `{"error": "invalid_client", "error_description": ...}`; anything else yields (None, None).
    """
    try:
        data = response.json()
    except ValueError:
        return None, None
    if not isinstance(data, dict):
        return None, None
    error = data.get("error")
    if isinstance(error, dict):
        code, message = error.get("code"), error.get("message")
    elif isinstance(error, str):
        code, message = error, data.get("error_description")
    else:
        code, message = data.get("code"), data.get("message")
    return (
        code if isinstance(code, str) else None,
        message if isinstance(message, str) else None,
    )


def error_from_response(response: httpx.Response, now: datetime) -> ZimunError:
    code, message = parse_error_body(response)
    retry_after = parse_retry_after(response.headers.get(RETRY_AFTER_HEADER), now)
    return error_for_status(response.status_code, code, message, retry_after)


# --- values ----------------------------------------------------------------------------------


def parse_instant(value: Any) -> datetime:
    """An ISO-8601 timestamp with an offset, as an aware UTC datetime (same instant)."""
    if not isinstance(value, str):
        raise ValueError(f"expected a timestamp, got {value!r}")
    moment = datetime.fromisoformat(value)
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"timestamp without an offset: {value!r}")
    return moment.astimezone(UTC)


def format_instant(moment: datetime) -> str:
    """A UTC timestamp with `Z`, as Zimun's examples send it."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("times sent to Zimun must be timezone-aware")
    utc = moment.astimezone(UTC)
    spec = "microseconds" if utc.microsecond else "seconds"
    return utc.replace(tzinfo=None).isoformat(timespec=spec) + "Z"


def _price(data: Any) -> Price | None:
    if not isinstance(data, dict):
        return None
    try:
        return Price(amount=Decimal(str(data["amount"])), currency=str(data["currency"]))
    except (KeyError, InvalidOperation):
        return None


def _optional_str(value: Any) -> str | None:
    return value if isinstance(value, str) else None


# --- pages -----------------------------------------------------------------------------------


def page_params(page_token: str | None) -> dict[str, str | int]:
    params: dict[str, str | int] = {"page_size": PAGE_SIZE}
    if page_token:
        params["page_token"] = page_token
    return params


def parse_page(data: JSONObject) -> tuple[list[JSONObject], str | None]:
    """The items of one page and the token of the next page (None on the last one)."""
    items = data["items"]
    if not isinstance(items, list):
        raise ValueError("items is not a list")
    return items, _optional_str(data.get("next_page_token")) or None


# --- organization ----------------------------------------------------------------------------


def parse_service(data: JSONObject) -> Service:
    return Service(
        id=str(data["id"]),
        name=str(data["name"]),
        duration_minutes=int(data["duration_minutes"]),
        location_ids=tuple(str(item) for item in data.get("location_ids") or ()),
        price=_price(data.get("price")),
    )


def parse_location(data: JSONObject) -> Location:
    return Location(
        id=str(data["id"]),
        name=str(data["name"]),
        timezone=str(data["timezone"]),
        address=_optional_str(data.get("address")),
        opening_hours=_opening_hours(data.get("opening_hours")),
    )


# [ASSUMED] A location's weekly hours: {"mon": [["09:00", "13:00"], ["14:00", "19:00"]], ...}; a
# weekday left out is closed. Optional: without it the bot simply does not quote opening hours.
WEEKDAY_KEYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def _opening_hours(value: Any) -> tuple[OpeningInterval, ...]:
    if not isinstance(value, Mapping):
        return ()
    intervals: list[OpeningInterval] = []
    for key, spans in value.items():
        if key not in WEEKDAY_KEYS or not isinstance(spans, list):
            continue
        for span in spans:
            try:
                start, end = (time.fromisoformat(str(part)) for part in span)
            except (TypeError, ValueError):
                continue  # one unreadable interval must not hide the others
            if start < end:
                intervals.append(OpeningInterval(WEEKDAY_KEYS.index(key), start, end))
    return tuple(intervals)


# --- availability ----------------------------------------------------------------------------


def availability_params(
    service_id: str, *, first_day: date | None, days_ahead: int, location_id: str | None
) -> dict[str, str | int]:
    params: dict[str, str | int] = {"service_id": service_id, "days_ahead": days_ahead}
    if first_day is not None:
        params["date"] = first_day.isoformat()
    if location_id is not None:
        params["location_id"] = location_id
    return params


def _closure_kind(value: Any) -> ClosureKind:
    try:
        return ClosureKind(value)
    except ValueError:
        # A kind we do not know still means "no slots that day".
        return ClosureKind.CLOSED


# Slots read lately, by their two timestamps as Zimun wrote them (issue 11, memory). Chats that
# read the same days hold the same (immutable) `Slot` objects instead of a copy each: with the
# availability cache keeping each chat's reads for a few seconds, 200 chats at once held 19,000
# slots, a few hundred of them distinct. Bounded: emptied when full. A hit also skips parsing.
_SLOTS: dict[tuple[str, str], Slot] = {}
SLOTS_REMEMBERED = 4096


def parse_slot(item: JSONObject) -> Slot:
    start, end = item["start"], item["end"]
    if not (isinstance(start, str) and isinstance(end, str)):
        return Slot(start=parse_instant(start), end=parse_instant(end))  # refused there
    slot = _SLOTS.get((start, end))
    if slot is None:
        slot = Slot(start=parse_instant(start), end=parse_instant(end))
        if len(_SLOTS) >= SLOTS_REMEMBERED:
            _SLOTS.clear()
        _SLOTS[(start, end)] = slot
    return slot


def parse_availability(data: JSONObject) -> Availability:
    slots = tuple(parse_slot(item) for item in data.get("slots") or ())
    closures = {
        date.fromisoformat(day): Closure(
            kind=_closure_kind(info.get("kind")), label=str(info.get("label") or "")
        )
        for day, info in (data.get("holiday_map") or {}).items()
    }
    return Availability(
        service_id=str(data["service_id"]),
        timezone=str(data["timezone"]),
        first_day=date.fromisoformat(data["date"]),
        days_ahead=int(data["days_ahead"]),
        slots=tuple(sorted(slots, key=lambda slot: slot.start)),
        closures=closures,
    )


# --- holds and appointments ------------------------------------------------------------------


def hold_body(
    organization_id: str, service_id: str, start: datetime, duration_minutes: int
) -> dict[str, Any]:
    return {
        "organization_id": organization_id,
        "service_id": service_id,
        "appointment_time": format_instant(start),
        "appointment_duration": duration_minutes,
    }


def parse_hold(data: JSONObject) -> Hold:
    return Hold(
        id=str(data["hold_id"]),
        service_id=str(data["service_id"]),
        start=parse_instant(data["appointment_time"]),
        duration_minutes=int(data["appointment_duration"]),
        expires_at=parse_instant(data["expires_at"]),
    )


def confirm_body(
    hold_id: str, *, name: str, email: str, phone: str | None, notes: str | None
) -> dict[str, Any]:
    body: dict[str, Any] = {"hold_id": hold_id, "contact_name": name, "contact_email": email}
    if phone is not None:
        body["contact_phone"] = phone
    if notes is not None:
        body["notes"] = notes
    return body


def reschedule_body(start: datetime) -> dict[str, Any]:
    return {"appointment_time": format_instant(start)}


def cancel_body() -> dict[str, Any]:
    return {"status": AppointmentStatus.CANCELLED.value}


def appointments_params(
    *, start: datetime, end: datetime, status: str | None, page_token: str | None
) -> dict[str, str | int]:
    params: dict[str, str | int] = {"from": format_instant(start), "to": format_instant(end)}
    if status is not None:
        params["status"] = status
    params.update(page_params(page_token))
    return params


def _status(value: Any) -> AppointmentStatus:
    try:
        return AppointmentStatus(value)
    except ValueError:
        return AppointmentStatus.UNKNOWN


def parse_appointment(data: JSONObject) -> Appointment:
    return Appointment(
        id=str(data["appointment_id"]),
        status=_status(data.get("status")),
        service_id=str(data["service_id"]),
        start=parse_instant(data["appointment_time"]),
        duration_minutes=int(data["appointment_duration"]),
        contact_name=str(data.get("contact_name") or ""),
        contact_email=str(data.get("contact_email") or ""),
        booking_code=_optional_str(data.get("booking_code")),
        organization_id=_optional_str(data.get("organization_id")),
    )
