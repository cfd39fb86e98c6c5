"""The sandbox over a real loopback socket: dropped connections, a race, Zimun's examples."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from zoneinfo import ZoneInfo

import httpx
import pytest

from bot.clock import ManualClock
from bot.sandbox import SANDBOX_CLIENT_ID, SANDBOX_CLIENT_SECRET, World
from bot.sandbox.server import serve_in_thread

ROME = ZoneInfo("Europe/Rome")


@pytest.fixture
def loopback_world() -> World:
    return World(clock=ManualClock(datetime(2026, 11, 23, 9, 15, tzinfo=ROME)))


def _headers(base_url: str) -> dict[str, str]:
    token = httpx.post(
        f"{base_url}/oauth/token",
        auth=(SANDBOX_CLIENT_ID, SANDBOX_CLIENT_SECRET),
        data={"grant_type": "client_credentials"},
    ).json()["access_token"]
    return {"Authorization": f"Bearer {token}"}


def test_a_dropped_connection_gets_no_response_at_all(loopback_world: World) -> None:
    with serve_in_thread(loopback_world) as base_url:
        headers = _headers(base_url)
        loopback_world.set_faults(drop_connections=1)
        with pytest.raises(httpx.TransportError):
            httpx.get(f"{base_url}/api/v1/services", headers=headers)
        assert httpx.get(f"{base_url}/api/v1/services", headers=headers).status_code == 200


def test_twenty_concurrent_holds_give_as_many_winners_as_staff(loopback_world: World) -> None:
    body = {
        "organization_id": "o_sandbox",
        "service_id": "s_taglio",
        "appointment_time": "2026-11-24T09:00:00Z",
        "appointment_duration": 30,
    }
    with serve_in_thread(loopback_world) as base_url:
        headers = _headers(base_url)

        def hold(_: int) -> int:
            with httpx.Client(base_url=base_url, headers=headers) as http:
                return http.post("/api/v1/appointments/hold", json=body).status_code

        with ThreadPoolExecutor(max_workers=20) as pool:
            statuses = list(pool.map(hold, range(20)))
    assert sorted(statuses) == [201, 201] + [409] * 18


def test_the_zimun_usage_examples_work_with_only_the_host_changed(loopback_world: World) -> None:
    """zimun-usage-examples-it.txt, requests-style: token → availability → hold → confirm → PATCH.

    IDs and times are the sandbox's (the examples' s_123 and 2025 dates are placeholders).
    """
    with serve_in_thread(loopback_world) as host, httpx.Client() as requests:
        # 1) token
        token_resp = requests.post(
            f"{host}/oauth/token",
            auth=(SANDBOX_CLIENT_ID, SANDBOX_CLIENT_SECRET),
            data={"grant_type": "client_credentials"},
        )
        token = token_resp.json()["access_token"]
        headers = {"Authorization": f"Bearer {token}"}

        # 2) availability (holiday map / days ahead)
        avail = requests.get(
            f"{host}/api/v1/availability?service_id=s_taglio&days_ahead=7", headers=headers
        ).json()
        assert avail["date"] == "2026-11-23"
        assert "2026-11-24T11:00:00+01:00" in [slot["start"] for slot in avail["slots"]]

        # 3) create hold
        hold = requests.post(
            f"{host}/api/v1/appointments/hold",
            headers=headers,
            json={
                "organization_id": "o_sandbox",
                "service_id": "s_taglio",
                "appointment_time": "2026-11-24T10:00:00Z",
                "appointment_duration": 30,
            },
        ).json()
        assert hold["status"] == "held"

        # 4) confirm
        confirm = requests.post(
            f"{host}/api/v1/appointments/confirm",
            headers=headers,
            json={
                "hold_id": hold["hold_id"],
                "contact_name": "Dana Lee",
                "contact_email": "dana@example.com",
            },
        ).json()
        appointment_id = confirm["appointment_id"]
        assert confirm["status"] == "confirmed"

        # 5) reschedule and cancel
        reschedule = requests.patch(
            f"{host}/api/v1/appointments/{appointment_id}",
            headers=headers,
            json={"appointment_time": "2026-11-25T11:00:00Z"},
        ).json()
        assert reschedule["appointment_time"] == "2026-11-25T11:00:00Z"

        cancel = requests.patch(
            f"{host}/api/v1/appointments/{appointment_id}",
            headers=headers,
            json={"status": "cancelled"},
        ).json()
        assert cancel["status"] == "cancelled"

    assert [mail.kind for mail in loopback_world.outbox] == [
        "confirmation",
        "rescheduled",
        "cancelled",
    ]
