"""Idempotency-Key: replays within 24 hours, key reuse, and 5xx never stored."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx

from bot.clock import ManualClock
from bot.sandbox import World

HOLD = {
    "organization_id": "o_sandbox",
    "service_id": "s_taglio",
    "appointment_time": "2026-11-24T09:00:00Z",
    "appointment_duration": 30,
}


async def _hold(client: httpx.AsyncClient, key: str, **overrides: Any) -> httpx.Response:
    return await client.post(
        "/api/v1/appointments/hold", json={**HOLD, **overrides}, headers={"Idempotency-Key": key}
    )


async def test_same_key_and_body_replays_the_first_response(
    client: httpx.AsyncClient, world: World
) -> None:
    first = await _hold(client, "k1")
    second = await _hold(client, "k1")
    assert second.status_code == 201
    assert second.json() == first.json()
    assert second.headers["idempotent-replayed"] == "true"
    assert len(world.holds) == 1


async def test_key_order_in_the_body_does_not_matter(client: httpx.AsyncClient) -> None:
    first = await _hold(client, "k1")
    reordered = dict(reversed(list(HOLD.items())))
    second = await client.post(
        "/api/v1/appointments/hold", json=reordered, headers={"Idempotency-Key": "k1"}
    )
    assert second.json()["hold_id"] == first.json()["hold_id"]


async def test_same_key_with_a_different_body_is_422(client: httpx.AsyncClient) -> None:
    await _hold(client, "k1")
    response = await _hold(client, "k1", appointment_time="2026-11-24T09:30:00Z")
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "idempotency_key_reused"


async def test_a_confirm_retry_books_once_and_emails_once(
    client: httpx.AsyncClient, world: World
) -> None:
    hold_id = (await _hold(client, "k-hold")).json()["hold_id"]
    body = {"hold_id": hold_id, "contact_name": "Dana Lee", "contact_email": "dana@example.com"}
    responses = [
        await client.post(
            "/api/v1/appointments/confirm", json=body, headers={"Idempotency-Key": "k-confirm"}
        )
        for _ in range(3)
    ]
    assert {r.status_code for r in responses} == {201}
    assert len({r.json()["appointment_id"] for r in responses}) == 1
    assert len(world.appointments) == 1
    assert len(world.outbox) == 1


async def test_4xx_is_stored_and_replayed(client: httpx.AsyncClient) -> None:
    await _hold(client, "a")
    await _hold(client, "b")
    refused = await _hold(client, "c")
    assert refused.status_code == 409
    await client.delete(f"/api/v1/appointments/hold/{(await _hold(client, 'a')).json()['hold_id']}")
    replayed = await _hold(client, "c")
    assert replayed.status_code == 409  # the stored answer, although the time is free again
    assert (await _hold(client, "d")).status_code == 201


async def test_5xx_is_not_stored(client: httpx.AsyncClient, world: World) -> None:
    world.set_faults(error_rate=1.0, error_status=500)
    failed = await _hold(client, "k1")
    assert failed.status_code == 500
    world.clear_faults()
    assert (await _hold(client, "k1")).status_code == 201


async def test_keys_are_forgotten_after_24_hours(
    client: httpx.AsyncClient, clock: ManualClock
) -> None:
    await _hold(client, "k1")
    clock.advance(timedelta(hours=24))
    # Re-issue a token: the old one expired meanwhile.
    client.headers.pop("Authorization")
    token = await client.post(
        "/oauth/token",
        auth=("sandbox-client", "sandbox-secret"),
        data={"grant_type": "client_credentials"},
    )
    client.headers["Authorization"] = f"Bearer {token.json()['access_token']}"
    response = await _hold(client, "k1", appointment_time="2026-11-24T09:30:00Z")
    assert response.status_code == 201
