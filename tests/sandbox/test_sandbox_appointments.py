"""Appointments: PATCH move and cancel, the POST aliases, reading one and listing with pages."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx

from bot.clock import ManualClock
from bot.sandbox import World


async def _book(client: httpx.AsyncClient, start: str, service: str = "s_taglio") -> dict[str, Any]:
    minutes = {"s_taglio": 30, "s_piega": 60, "s_colore": 90}[service]
    hold = await client.post(
        "/api/v1/appointments/hold",
        json={
            "organization_id": "o_sandbox",
            "service_id": service,
            "appointment_time": start,
            "appointment_duration": minutes,
        },
    )
    assert hold.status_code == 201, hold.text
    confirm = await client.post(
        "/api/v1/appointments/confirm",
        json={
            "hold_id": hold.json()["hold_id"],
            "contact_name": "Dana Lee",
            "contact_email": "dana@example.com",
        },
    )
    assert confirm.status_code == 201, confirm.text
    body: dict[str, Any] = confirm.json()
    return body


async def _patch(client: httpx.AsyncClient, appointment_id: str, **body: Any) -> httpx.Response:
    return await client.patch(f"/api/v1/appointments/{appointment_id}", json=body)


async def test_move_checks_availability_and_emails(client: httpx.AsyncClient, world: World) -> None:
    booked = await _book(client, "2026-11-24T09:00:00Z")
    moved = await _patch(client, booked["appointment_id"], appointment_time="2026-11-25T10:00:00Z")
    assert moved.status_code == 200
    assert moved.json()["appointment_time"] == "2026-11-25T10:00:00Z"
    assert moved.json()["booking_code"] == booked["booking_code"]
    assert [mail.kind for mail in world.outbox] == ["confirmation", "rescheduled"]
    assert "24/11/2026 10:00" in world.outbox[-1].body  # names the previous time


async def test_move_ignores_the_appointments_own_slot(client: httpx.AsyncClient) -> None:
    mine = await _book(client, "2026-11-24T09:00:00Z", "s_piega")  # 10:00-11:00
    await _book(client, "2026-11-24T09:00:00Z", "s_piega")  # the other staff member
    # 10:30-11:30 overlaps both; it is free only because the first one is the one moving.
    moved = await _patch(client, mine["appointment_id"], appointment_time="2026-11-24T09:30:00Z")
    assert moved.status_code == 200, moved.text


async def test_move_to_a_full_or_unoffered_time_is_409(client: httpx.AsyncClient) -> None:
    mine = await _book(client, "2026-11-24T09:00:00Z")
    await _book(client, "2026-11-25T09:00:00Z")
    await _book(client, "2026-11-25T09:00:00Z")
    for start in ("2026-11-25T09:00:00Z", "2026-11-29T09:00:00Z", "2026-11-23T08:00:00Z"):
        response = await _patch(client, mine["appointment_id"], appointment_time=start)
        assert response.status_code == 409, start
        assert response.json()["error"]["code"] == "slot_unavailable"


async def test_cancel_frees_the_slot_and_is_idempotent(
    client: httpx.AsyncClient, world: World
) -> None:
    first = await _book(client, "2026-11-24T09:00:00Z")
    await _book(client, "2026-11-24T09:00:00Z")
    for _ in range(2):
        response = await _patch(client, first["appointment_id"], status="cancelled")
        assert response.status_code == 200
        assert response.json()["status"] == "cancelled"
    assert [mail.kind for mail in world.outbox].count("cancelled") == 1
    await _book(client, "2026-11-24T09:00:00Z")  # the freed place is bookable at once


async def test_a_cancelled_appointment_cannot_be_moved(client: httpx.AsyncClient) -> None:
    booked = await _book(client, "2026-11-24T09:00:00Z")
    await _patch(client, booked["appointment_id"], status="cancelled")
    response = await _patch(
        client, booked["appointment_id"], appointment_time="2026-11-25T09:00:00Z"
    )
    assert (response.status_code, response.json()["error"]["code"]) == (
        409,
        "appointment_cancelled",
    )


async def test_a_past_appointment_cannot_be_moved_or_cancelled(
    client: httpx.AsyncClient, clock: ManualClock
) -> None:
    booked = await _book(client, "2026-11-23T09:00:00Z")  # 10:00 today
    clock.advance(timedelta(minutes=50))  # 10:05: it has started
    for body in ({"appointment_time": "2026-11-25T09:00:00Z"}, {"status": "cancelled"}):
        response = await _patch(client, booked["appointment_id"], **body)
        assert (response.status_code, response.json()["error"]["code"]) == (
            409,
            "appointment_in_past",
        )


async def test_patch_validation_and_not_found(client: httpx.AsyncClient) -> None:
    booked = await _book(client, "2026-11-24T09:00:00Z")
    for body in ({}, {"status": "confirmed"}, {"status": "cancelled", "appointment_time": "x"}):
        response = await _patch(client, booked["appointment_id"], **body)
        assert (response.status_code, response.json()["error"]["code"]) == (
            422,
            "validation_error",
        ), body
    missing = await _patch(client, "a_missing", status="cancelled")
    assert (missing.status_code, missing.json()["error"]["code"]) == (
        404,
        "appointment_not_found",
    )


async def test_post_aliases_take_a_booking_id(client: httpx.AsyncClient) -> None:
    booked = await _book(client, "2026-11-24T09:00:00Z")
    moved = await client.post(
        "/api/v1/appointments/reschedule",
        json={"booking_id": booked["appointment_id"], "appointment_time": "2026-11-24T10:00:00Z"},
    )
    assert moved.json()["appointment_time"] == "2026-11-24T10:00:00Z"
    cancelled = await client.post(
        "/api/v1/appointments/cancel", json={"booking_id": booked["booking_code"]}
    )
    assert cancelled.json()["status"] == "cancelled"


async def test_get_one_appointment(client: httpx.AsyncClient) -> None:
    booked = await _book(client, "2026-11-24T09:00:00Z")
    response = await client.get(f"/api/v1/appointments/{booked['appointment_id']}")
    assert response.json() == booked
    assert (await client.get("/api/v1/appointments/a_missing")).status_code == 404


async def test_list_filters_and_pages(client: httpx.AsyncClient) -> None:
    starts = [f"2026-11-24T{hour:02d}:00:00Z" for hour in (8, 9, 10, 11, 14)]
    booked = [await _book(client, start) for start in starts]
    await _patch(client, booked[0]["appointment_id"], status="cancelled")
    seen: list[str] = []
    token: str | None = None
    while True:
        params: dict[str, Any] = {
            "from": "2026-11-24T00:00:00Z",
            "to": "2026-11-24T14:00:00Z",
            "status": "confirmed",
            "page_size": 2,
        }
        if token:
            params["page_token"] = token
        page = (await client.get("/api/v1/appointments", params=params)).json()
        seen += [item["appointment_time"] for item in page["items"]]
        token = page["next_page_token"]
        if token is None:
            break
    assert seen == starts[1:4]  # by start; cancelled and out-of-range ones left out
    bad = await client.get("/api/v1/appointments", params={"page_token": "garbage!"})
    assert (bad.status_code, bad.json()["error"]["code"]) == (400, "invalid_request")


async def test_services_and_locations(client: httpx.AsyncClient) -> None:
    services = (await client.get("/api/v1/services", params={"page_size": 2})).json()
    assert [s["id"] for s in services["items"]] == ["s_taglio", "s_piega"]
    assert services["items"][0]["price"] == {"amount": "25.00", "currency": "EUR"}
    rest = await client.get("/api/v1/services", params={"page_token": services["next_page_token"]})
    assert [s["id"] for s in rest.json()["items"]] == ["s_colore"]
    assert rest.json()["next_page_token"] is None
    locations = (await client.get("/api/v1/locations")).json()
    weekdays = ("mon", "tue", "wed", "thu", "fri")
    assert locations["items"] == [
        {
            "id": "l_centro",
            "name": "Salone Aurora – Centro",
            "timezone": "Europe/Rome",
            "address": "Via dei Coronari 12, Roma",
            "opening_hours": {
                **{day: [["09:00", "13:00"], ["14:00", "19:00"]] for day in weekdays},
                "sat": [["09:00", "13:00"]],
            },
        }
    ]
