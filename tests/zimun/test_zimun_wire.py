"""Zimun JSON to models and back: instants, the holiday map, statuses, bodies and pages."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import httpx
import pytest

from bot.clock import ManualClock
from bot.zimun import AppointmentStatus, Closure, ClosureKind, Price, ZimunClient, wire

ROME = ZoneInfo("Europe/Rome")
NOW = datetime(2026, 11, 23, 8, 15, tzinfo=UTC)


def test_chats_reading_the_same_days_share_the_slots_and_the_memo_stays_bounded() -> None:
    """Issue 11, memory: each chat's cached read holds the same Slot objects, not a copy."""

    def read(*starts: str) -> tuple[object, ...]:
        items = [{"start": s, "end": s.replace(":00:00", ":30:00")} for s in starts]
        data = {"service_id": "s", "timezone": "Europe/Rome", "date": "2026-12-07"}
        return wire.parse_availability({**data, "days_ahead": 1, "slots": items}).slots

    one = read("2026-12-07T09:00:00+01:00", "2026-12-07T10:00:00+01:00")
    other = read("2026-12-07T10:00:00+01:00")
    assert other[0] is one[1]
    assert other[0].start == datetime(2026, 12, 7, 9, tzinfo=UTC)
    base = datetime(2027, 1, 1, tzinfo=UTC)
    for minute in range(wire.SLOTS_REMEMBERED + 10):
        read((base + timedelta(minutes=minute)).isoformat())
    assert 0 < len(wire._SLOTS) <= wire.SLOTS_REMEMBERED


def test_availability_keeps_instants_in_utc_and_closures_per_local_date() -> None:
    availability = wire.parse_availability(
        {
            "service_id": "s_taglio",
            "timezone": "Europe/Rome",
            "date": "2026-12-07",
            "days_ahead": 3,
            "slots": [
                {"start": "2026-12-09T09:00:00+01:00", "end": "2026-12-09T09:30:00+01:00"},
                {"start": "2026-12-07T18:30:00+01:00", "end": "2026-12-07T19:00:00+01:00"},
            ],
            "holiday_map": {
                "2026-12-08": {"kind": "holiday", "label": "Immacolata Concezione"},
                "2026-12-03": {"kind": "something-new", "label": "Inventario"},
            },
        }
    )
    first, second = availability.slots
    assert first.start == datetime(2026, 12, 7, 17, 30, tzinfo=UTC)  # sorted, same instant
    assert first.start.tzinfo is UTC and second.end.tzinfo is UTC
    assert availability.first_day == date(2026, 12, 7)
    assert availability.closures == {
        date(2026, 12, 8): Closure(ClosureKind.HOLIDAY, "Immacolata Concezione"),
        date(2026, 12, 3): Closure(ClosureKind.CLOSED, "Inventario"),
    }
    assert list(availability.by_day()) == [date(2026, 12, 7), date(2026, 12, 9)]


def test_appointment_with_an_unknown_status_is_still_read() -> None:
    appointment = wire.parse_appointment(
        {
            "appointment_id": "a_1",
            "status": "no_show",
            "service_id": "s_taglio",
            "appointment_time": "2026-11-24T09:00:00Z",
            "appointment_duration": 30,
            "contact_name": "Dana Lee",
            "contact_email": "dana@example.com",
            "booking_code": "K7Q2XM",
        }
    )
    assert appointment.status is AppointmentStatus.UNKNOWN
    assert appointment.end == datetime(2026, 11, 24, 9, 30, tzinfo=UTC)
    assert appointment.booking_code == "K7Q2XM"


def test_service_price_is_a_decimal_and_may_be_absent() -> None:
    service = wire.parse_service(
        {
            "id": "s_1",
            "name": "Taglio",
            "duration_minutes": 30,
            "price": {"amount": "25.00", "currency": "EUR"},
        }
    )
    assert service.price == Price(Decimal("25.00"), "EUR")
    assert wire.parse_service({"id": "s_2", "name": "X", "duration_minutes": 15}).price is None


def test_times_are_sent_as_utc_with_z_and_naive_times_are_refused() -> None:
    assert wire.format_instant(datetime(2026, 11, 24, 10, 0, tzinfo=ROME)) == "2026-11-24T09:00:00Z"
    with pytest.raises(ValueError):
        wire.format_instant(datetime(2026, 11, 24, 10, 0))


def test_retry_after_reads_seconds_and_http_dates() -> None:
    assert wire.parse_retry_after("7", NOW) == 7.0
    assert wire.parse_retry_after("Mon, 23 Nov 2026 08:15:30 GMT", NOW) == 30.0
    assert wire.parse_retry_after("soon", NOW) is None


class Recorder:
    def __init__(self, pages: dict[str | None, dict[str, object]]) -> None:
        self.pages = pages
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        if request.url.path == "/oauth/token":
            return httpx.Response(200, json={"access_token": "t"})
        self.requests.append(request)
        if request.method == "DELETE":
            return httpx.Response(204)
        if request.method == "POST":
            return httpx.Response(
                201,
                json={
                    "hold_id": "h_1",
                    "service_id": "s_taglio",
                    "appointment_time": "2026-11-24T09:00:00Z",
                    "appointment_duration": 30,
                    "expires_at": "2026-11-23T08:25:00Z",
                },
            )
        return httpx.Response(200, json=self.pages[request.url.params.get("page_token")])


def make_client(recorder: Recorder) -> ZimunClient:
    return ZimunClient(
        base_url="https://zimun.test/",
        client_id="c",
        client_secret="s",
        organization_id="o_sandbox",
        transport=httpx.MockTransport(recorder),
        clock=ManualClock(NOW),
    )


async def test_hold_body_follows_the_documented_example() -> None:
    recorder = Recorder({})
    async with make_client(recorder) as client:
        hold = await client.hold(
            "s_taglio", datetime(2026, 11, 24, 10, 0, tzinfo=ROME), 30, idempotency_key="k1"
        )
    request = recorder.requests[0]
    assert json.loads(request.content) == {
        "organization_id": "o_sandbox",
        "service_id": "s_taglio",
        "appointment_time": "2026-11-24T09:00:00Z",
        "appointment_duration": 30,
    }
    assert request.headers["Idempotency-Key"] == "k1"
    assert hold.expires_at == datetime(2026, 11, 23, 8, 25, tzinfo=UTC)


async def test_every_page_is_followed() -> None:
    def service(n: int) -> dict[str, object]:
        return {"id": f"s_{n}", "name": f"S{n}", "duration_minutes": 30}

    recorder = Recorder(
        {
            None: {"items": [service(1), service(2)], "next_page_token": "p2"},
            "p2": {"items": [service(3)], "next_page_token": "p3"},
            "p3": {"items": [service(4)], "next_page_token": None},
        }
    )
    async with make_client(recorder) as client:
        services = await client.list_services()
    assert [s.id for s in services] == ["s_1", "s_2", "s_3", "s_4"]
    assert [r.url.params.get("page_token") for r in recorder.requests] == [None, "p2", "p3"]


async def test_ids_cannot_change_the_path() -> None:
    recorder = Recorder({})
    async with make_client(recorder) as client:
        await client.release_hold("../../oauth/token")
    assert recorder.requests[0].url.raw_path.startswith(b"/api/v1/appointments/hold/..%2F")
