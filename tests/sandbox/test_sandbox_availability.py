"""Availability: the slot grid, opening hours, past times, closures and the holiday map."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import httpx

from bot.clock import ManualClock
from bot.sandbox import Seed, World, create_app

ROME = ZoneInfo("Europe/Rome")


async def _availability(client: httpx.AsyncClient, **params: Any) -> dict[str, Any]:
    response = await client.get("/api/v1/availability", params={"service_id": "s_taglio", **params})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def _local_starts(body: dict[str, Any], day: str) -> list[str]:
    return [s["start"][11:16] for s in body["slots"] if s["start"].startswith(day)]


async def test_response_has_the_documented_shape(client: httpx.AsyncClient) -> None:
    body = await _availability(client, days_ahead=1)
    assert set(body) == {"service_id", "timezone", "date", "days_ahead", "slots", "holiday_map"}
    assert body["date"] == "2026-11-23"  # default: today in Rome
    assert body["timezone"] == "Europe/Rome"
    assert body["slots"][0] == {
        "start": "2026-11-23T09:30:00+01:00",
        "end": "2026-11-23T10:00:00+01:00",
    }


async def test_today_excludes_past_times_and_the_lunch_break(client: httpx.AsyncClient) -> None:
    body = await _availability(client, days_ahead=1)
    starts = _local_starts(body, "2026-11-23")
    assert starts[:2] == ["09:30", "10:00"]  # 09:00 has passed at 09:15
    assert "12:30" in starts
    assert "13:00" not in starts and "13:30" not in starts
    assert starts[-1] == "18:30"
    assert len(starts) == 7 + 10


async def test_long_services_fit_wholly_inside_opening_hours(client: httpx.AsyncClient) -> None:
    body = await _availability(client, service_id="s_colore", date="2026-11-24", days_ahead=1)
    starts = _local_starts(body, "2026-11-24")
    assert starts[:2] == ["09:00", "09:30"]
    assert "11:30" in starts and "12:00" not in starts  # 11:30 + 90 min = 13:00
    assert starts[-1] == "17:30"


async def test_saturday_morning_only_and_sunday_closed(client: httpx.AsyncClient) -> None:
    body = await _availability(client, date="2026-11-28", days_ahead=2)
    assert _local_starts(body, "2026-11-28")[-1] == "12:30"
    assert _local_starts(body, "2026-11-29") == []
    assert body["holiday_map"] == {}  # Sunday is simply closed


async def test_holidays_and_closed_days_are_in_the_holiday_map(client: httpx.AsyncClient) -> None:
    body = await _availability(client, date="2026-12-01", days_ahead=8)
    assert body["holiday_map"] == {
        "2026-12-03": {"kind": "closed", "label": "Formazione del personale"},
        "2026-12-08": {"kind": "holiday", "label": "Immacolata Concezione"},
    }
    assert _local_starts(body, "2026-12-03") == []
    assert _local_starts(body, "2026-12-08") == []
    assert _local_starts(body, "2026-12-04") != []


async def test_easter_monday_is_a_holiday(client: httpx.AsyncClient) -> None:
    body = await _availability(client, date="2027-03-29", days_ahead=1)
    assert body["holiday_map"] == {"2027-03-29": {"kind": "holiday", "label": "Lunedì dell'Angelo"}}
    assert body["slots"] == []


async def test_days_ahead_must_be_between_1_and_60(client: httpx.AsyncClient) -> None:
    for value in (0, 61, "x"):
        response = await client.get(
            "/api/v1/availability", params={"service_id": "s_taglio", "days_ahead": value}
        )
        assert response.status_code == 400
        assert response.json()["error"]["code"] == "invalid_request"
    assert (await _availability(client, days_ahead=60))["days_ahead"] == 60


async def test_unknown_service_is_404(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/v1/availability", params={"service_id": "s_nope"})
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "service_not_found"


async def test_a_time_is_free_until_every_staff_member_is_busy(client: httpx.AsyncClient) -> None:
    start = "2026-11-24T09:00:00Z"  # 10:00 in Rome
    for _ in range(2):
        hold = await client.post(
            "/api/v1/appointments/hold",
            json={
                "organization_id": "o_sandbox",
                "service_id": "s_taglio",
                "appointment_time": start,
                "appointment_duration": 30,
            },
        )
        assert hold.status_code == 201
    taglio = _local_starts(
        await _availability(client, date="2026-11-24", days_ahead=1), "2026-11-24"
    )
    assert "10:00" not in taglio and "09:30" in taglio and "10:30" in taglio
    # A 60-minute service starting at 09:30 would overlap the full 10:00 too.
    piega = await _availability(client, service_id="s_piega", date="2026-11-24", days_ahead=1)
    assert "09:30" not in _local_starts(piega, "2026-11-24")


async def test_seeded_bookings_can_fill_a_day() -> None:
    bookings = [
        {"service_id": "s_taglio", "start": f"2026-11-24T{hour:02d}:{minute:02d}:00"}
        for hour in range(9, 19)
        if hour != 13
        for minute in (0, 30)
    ]
    seed = Seed.from_dict({"staff": 1, "bookings": bookings})
    world = World(seed=seed, clock=ManualClock(datetime(2026, 11, 23, 9, 15, tzinfo=ROME)))
    transport = httpx.ASGITransport(app=create_app(world))
    async with httpx.AsyncClient(transport=transport, base_url="http://sandbox") as http:
        token = await http.post(
            "/oauth/token",
            auth=(seed.client_id, seed.client_secret),
            data={"grant_type": "client_credentials"},
        )
        http.headers["Authorization"] = f"Bearer {token.json()['access_token']}"
        body = await _availability(http, date="2026-11-24", days_ahead=2)
    assert _local_starts(body, "2026-11-24") == []
    assert _local_starts(body, "2026-11-25") != []
