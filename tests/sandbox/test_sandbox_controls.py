"""Faults and the /_sandbox/ control endpoints, in-process; unknown routes answer loudly."""

from __future__ import annotations

import httpx
import pytest

from bot.sandbox import ConnectionDropped, World

HOLD = {
    "organization_id": "o_sandbox",
    "service_id": "s_taglio",
    "appointment_time": "2026-11-24T09:00:00Z",
    "appointment_duration": 30,
}


async def test_rate_limit_answers_429_with_retry_after_for_n_requests(
    client: httpx.AsyncClient,
) -> None:
    response = await client.post(
        "/_sandbox/faults", json={"rate_limit": {"count": 2, "retry_after": 7}}
    )
    assert response.json()["rate_limit"] == {"count": 2, "retry_after": 7}
    for _ in range(2):
        limited = await client.get("/api/v1/services")
        assert limited.status_code == 429
        assert limited.headers["retry-after"] == "7"
        assert limited.json()["error"]["code"] == "rate_limited"
    assert (await client.get("/api/v1/services")).status_code == 200


async def test_error_rate_is_deterministic(client: httpx.AsyncClient, world: World) -> None:
    world.set_faults(error_rate=0.5, error_status=503)
    statuses = [(await client.get("/api/v1/services")).status_code for _ in range(4)]
    assert statuses == [200, 503, 200, 503]
    world.set_faults(error_rate=1.0, error_status=500)
    failed = await client.get("/api/v1/services")
    assert (failed.status_code, failed.json()["error"]["code"]) == (500, "internal_error")


async def test_dropped_connections_raise_a_transport_error_in_process(
    client: httpx.AsyncClient, world: World
) -> None:
    world.set_faults(drop_connections=1)
    with pytest.raises(httpx.TransportError):
        await client.post("/api/v1/appointments/hold", json=HOLD)
    assert world.holds == {}  # the dropped request did nothing
    assert (await client.post("/api/v1/appointments/hold", json=HOLD)).status_code == 201
    assert issubclass(ConnectionDropped, httpx.RemoteProtocolError)


async def test_expire_tokens_fault(client: httpx.AsyncClient) -> None:
    await client.post("/_sandbox/faults", json={"expire_tokens": True})
    assert (await client.get("/api/v1/services")).status_code == 401


async def test_faults_do_not_touch_the_controls_and_delete_clears_them(
    client: httpx.AsyncClient,
) -> None:
    await client.post("/_sandbox/faults", json={"error_rate": 1.0, "latency_ms": 1})
    assert (await client.get("/_sandbox/clock")).status_code == 200
    assert (await client.get("/api/v1/services")).status_code == 503
    cleared = await client.delete("/_sandbox/faults")
    assert cleared.json()["error_rate"] == 0.0
    assert (await client.get("/api/v1/services")).status_code == 200


async def test_bad_faults_are_400(client: httpx.AsyncClient) -> None:
    for body in ({"error_status": 404}, {"error_rate": 2}, {"typo": 1}):
        response = await client.post("/_sandbox/faults", json=body)
        assert response.status_code == 400, body


async def test_clock_control_moves_time(client: httpx.AsyncClient, world: World) -> None:
    assert (await client.get("/_sandbox/clock")).json() == {
        "now": "2026-11-23T08:15:00Z",
        "local": "2026-11-23T09:15:00+01:00",
    }
    advanced = await client.post("/_sandbox/clock", json={"advance_seconds": 600})
    assert advanced.json()["now"] == "2026-11-23T08:25:00Z"
    moved = await client.post("/_sandbox/clock", json={"now": "2026-11-24T12:00:00+01:00"})
    assert moved.json()["now"] == "2026-11-24T11:00:00Z"
    assert world.now().isoformat() == "2026-11-24T11:00:00+00:00"
    bad = await client.post("/_sandbox/clock", json={"now": "2026-11-24T12:00:00"})
    assert bad.status_code == 400


async def test_outbox_and_reset(client: httpx.AsyncClient, world: World) -> None:
    hold = (await client.post("/api/v1/appointments/hold", json=HOLD)).json()
    await client.post(
        "/api/v1/appointments/confirm",
        json={"hold_id": hold["hold_id"], "contact_name": "Dana", "contact_email": "d@example.com"},
    )
    outbox = (await client.get("/_sandbox/outbox")).json()["items"]
    assert [(m["kind"], m["to"]) for m in outbox] == [("confirmation", "d@example.com")]
    assert set(outbox[0]) == {"to", "subject", "body", "kind", "appointment_id", "sent_at"}
    await client.post("/_sandbox/clock", json={"advance_seconds": 60})
    assert (await client.post("/_sandbox/reset")).status_code == 200
    assert world.appointments == {} and world.outbox == [] and world.holds == {}
    assert (await client.get("/_sandbox/clock")).json()["now"] == "2026-11-23T08:15:00Z"
    assert (await client.get("/api/v1/services")).status_code == 200  # tokens survive


async def test_unknown_routes_name_method_and_path(client: httpx.AsyncClient) -> None:
    unknown = await client.get("/api/v1/nothing-here")
    assert unknown.status_code == 404
    assert unknown.json()["error"] == {
        "code": "route_not_found",
        "message": "no route for GET /api/v1/nothing-here",
    }
    wrong_method = await client.put("/api/v1/services")
    assert wrong_method.status_code == 405
    assert wrong_method.headers["allow"] == "GET"


async def test_latency_delays_zimun_calls(client: httpx.AsyncClient, world: World) -> None:
    import time

    world.set_faults(latency_ms=40)
    started = time.monotonic()
    assert (await client.get("/api/v1/services")).status_code == 200
    assert time.monotonic() - started >= 0.04
