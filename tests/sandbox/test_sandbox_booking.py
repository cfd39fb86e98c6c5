"""Holds and confirmation: capacity, expiry, release, validation, booking codes and e-mails."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx

from bot.clock import ManualClock
from bot.sandbox import World

TUESDAY_10 = "2026-11-24T09:00:00Z"  # 10:00 in Rome


async def _hold(
    client: httpx.AsyncClient, start: str = TUESDAY_10, **overrides: Any
) -> httpx.Response:
    body = {
        "organization_id": "o_sandbox",
        "service_id": "s_taglio",
        "appointment_time": start,
        "appointment_duration": 30,
        **overrides,
    }
    return await client.post("/api/v1/appointments/hold", json=body)


async def _confirm(client: httpx.AsyncClient, hold_id: str, **overrides: Any) -> httpx.Response:
    body = {"hold_id": hold_id, "contact_name": "Dana Lee", "contact_email": "dana@example.com"}
    return await client.post("/api/v1/appointments/confirm", json={**body, **overrides})


async def test_hold_has_the_documented_shape(client: httpx.AsyncClient) -> None:
    response = await _hold(client)
    assert response.status_code == 201
    body = response.json()
    assert body["hold_id"].startswith("h_")
    assert body["status"] == "held"
    assert body["appointment_time"] == TUESDAY_10
    assert body["appointment_duration"] == 30
    assert body["expires_at"] == "2026-11-23T08:25:00Z"  # ten minutes after 08:15 UTC


async def test_two_staff_means_the_third_hold_on_a_time_is_refused(
    client: httpx.AsyncClient,
) -> None:
    assert (await _hold(client)).status_code == 201
    assert (await _hold(client)).status_code == 201
    third = await _hold(client)
    assert third.status_code == 409
    assert third.json()["error"]["code"] == "slot_unavailable"
    # An overlapping longer service is refused too; another time is not.
    assert (
        await _hold(client, "2026-11-24T08:30:00Z", service_id="s_piega", appointment_duration=60)
    ).status_code == 409
    assert (await _hold(client, "2026-11-24T09:30:00Z")).status_code == 201


async def test_times_not_offered_are_refused(client: httpx.AsyncClient) -> None:
    for start, service, minutes in [
        ("2026-11-24T09:15:00Z", "s_taglio", 30),  # off the 30-minute grid
        ("2026-11-24T11:30:00Z", "s_piega", 60),  # 12:30-13:30 crosses the lunch break
        ("2026-11-29T09:00:00Z", "s_taglio", 30),  # Sunday
        ("2026-12-08T09:00:00Z", "s_taglio", 30),  # Immacolata
        ("2026-11-23T08:00:00Z", "s_taglio", 30),  # 09:00 today, already past
    ]:
        response = await _hold(client, start, service_id=service, appointment_duration=minutes)
        assert response.status_code == 409, start
        assert response.json()["error"]["code"] == "slot_unavailable"


async def test_hold_request_validation(client: httpx.AsyncClient) -> None:
    wrong_org = await _hold(client, organization_id="o_other")
    assert (wrong_org.status_code, wrong_org.json()["error"]["code"]) == (
        403,
        "insufficient_scope",
    )
    naive = await _hold(client, "2026-11-24T10:00:00")
    assert (naive.status_code, naive.json()["error"]["code"]) == (422, "validation_error")
    wrong_length = await _hold(client, appointment_duration=45)
    assert wrong_length.status_code == 422
    unknown = await _hold(client, service_id="s_nope")
    assert (unknown.status_code, unknown.json()["error"]["code"]) == (404, "service_not_found")
    garbage = await client.post("/api/v1/appointments/hold", content=b"{not json")
    assert (garbage.status_code, garbage.json()["error"]["code"]) == (400, "invalid_request")


async def test_confirm_makes_a_confirmed_appointment_and_emails_it(
    client: httpx.AsyncClient, world: World
) -> None:
    hold = (await _hold(client)).json()
    response = await _confirm(client, hold["hold_id"], contact_phone="+39 333 1234567")
    assert response.status_code == 201
    appointment = response.json()
    assert appointment["status"] == "confirmed"
    assert appointment["organization_id"] == "o_sandbox"
    assert appointment["appointment_time"] == TUESDAY_10
    assert appointment["contact_name"] == "Dana Lee"
    assert len(appointment["booking_code"]) == 6 and appointment["booking_code"].isalnum()
    assert world.appointments[appointment["appointment_id"]].status == "confirmed"
    [mail] = world.outbox
    assert (mail.kind, mail.to, mail.appointment_id) == (
        "confirmation",
        "dana@example.com",
        appointment["appointment_id"],
    )
    assert appointment["booking_code"] in mail.body
    assert "24/11/2026 10:00" in mail.body


async def test_an_expired_hold_cannot_be_confirmed_and_frees_the_time(
    client: httpx.AsyncClient, clock: ManualClock
) -> None:
    first = (await _hold(client)).json()
    await _hold(client)
    clock.advance(timedelta(minutes=10))
    response = await _confirm(client, first["hold_id"])
    assert response.status_code == 410
    assert response.json()["error"]["code"] == "hold_expired"
    assert (await _hold(client)).status_code == 201


async def test_confirm_just_before_expiry_works(
    client: httpx.AsyncClient, clock: ManualClock
) -> None:
    hold = (await _hold(client)).json()
    clock.advance(timedelta(minutes=9, seconds=59))
    assert (await _confirm(client, hold["hold_id"])).status_code == 201


async def test_confirm_errors(client: httpx.AsyncClient) -> None:
    missing = await _confirm(client, "h_missing")
    assert (missing.status_code, missing.json()["error"]["code"]) == (404, "hold_not_found")
    hold_id = (await _hold(client)).json()["hold_id"]
    for overrides in ({"contact_name": "  "}, {"contact_email": "dana@"}, {"contact_email": 5}):
        response = await _confirm(client, hold_id, **overrides)
        assert response.status_code == 422, overrides
        assert response.json()["error"]["code"] == "validation_error"
    assert (await _confirm(client, hold_id)).status_code == 201
    again = await _confirm(client, hold_id)  # no Idempotency-Key: the hold is used up
    assert again.status_code == 404


async def test_releasing_a_hold_frees_the_time_and_is_idempotent(
    client: httpx.AsyncClient,
) -> None:
    first = (await _hold(client)).json()["hold_id"]
    await _hold(client)
    assert (await _hold(client)).status_code == 409
    for _ in range(2):
        response = await client.delete(f"/api/v1/appointments/hold/{first}")
        assert response.status_code == 204
        assert response.content == b""
    assert (await client.delete("/api/v1/appointments/hold/h_unknown")).status_code == 204
    assert (await _hold(client)).status_code == 201
    assert (await _confirm(client, first)).status_code == 404
