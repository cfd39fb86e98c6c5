"""ClientCredentialsAuth against a fake Zimun at the transport: caching, refresh, 401, failures."""

from __future__ import annotations

import asyncio
import base64
import logging
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from bot.clock import ManualClock
from bot.zimun import AuthError, RetryPolicy, ZimunClient

NOW = datetime(2026, 11, 23, 8, 15, tzinfo=UTC)  # Monday 09:15 in Rome
SECRET = "s3cr3t-value"


class FakeZimun:
    """Just enough of Zimun: a token endpoint and one list endpoint, counting what it sees."""

    def __init__(self, *, expires_in: int | None = 3600, token_status: int = 200) -> None:
        self.expires_in = expires_in
        self.token_status = token_status
        self.token_requests: list[httpx.Request] = []
        self.api_requests: list[httpx.Request] = []
        self.bearers: list[str] = []  # as sent: httpx re-sends the same Request object after a 401
        self.revoked: set[str] = set()
        self.reject_all = False
        self.token_outages = 0  # token answers to fail with 503 before granting
        self.token_drops = 0  # token requests to fail with a connection error before granting

    async def __call__(self, request: httpx.Request) -> httpx.Response:
        await asyncio.sleep(0)  # let concurrent callers interleave as on a real socket
        if request.url.path == "/oauth/token":
            self.token_requests.append(request)
            if self.token_drops:
                self.token_drops -= 1
                raise httpx.ConnectError("connection refused", request=request)
            if self.token_outages:
                self.token_outages -= 1
                return httpx.Response(503, json={"error": {"code": "unavailable"}})
            if self.token_status != 200:
                return httpx.Response(self.token_status, json={"error": "invalid_client"})
            body: dict[str, object] = {"access_token": f"tok-{len(self.token_requests)}"}
            if self.expires_in is not None:
                body["expires_in"] = self.expires_in
            return httpx.Response(200, json=body)
        self.api_requests.append(request)
        self.bearers.append(request.headers.get("Authorization", ""))
        token = self.bearers[-1].removeprefix("Bearer ")
        if self.reject_all or token in self.revoked:
            return httpx.Response(401, json={"error": {"code": "invalid_token"}})
        return httpx.Response(200, json={"items": [], "next_page_token": None})


async def _no_sleep(_: float) -> None:
    return None


def make_client(fake: FakeZimun, clock: ManualClock) -> ZimunClient:
    return ZimunClient(
        base_url="https://zimun.test",
        client_id="bot-client",
        client_secret=SECRET,
        organization_id="o_1",
        transport=httpx.MockTransport(fake),
        clock=clock,
        retry=RetryPolicy(max_attempts=3),
        sleep=_no_sleep,
    )


async def test_token_uses_basic_auth_and_is_reused_for_many_calls() -> None:
    fake, clock = FakeZimun(), ManualClock(NOW)
    async with make_client(fake, clock) as client:
        for _ in range(5):
            await client.list_services()
    assert len(fake.token_requests) == 1
    token_request = fake.token_requests[0]
    expected = base64.b64encode(f"bot-client:{SECRET}".encode()).decode()
    assert token_request.headers["Authorization"] == f"Basic {expected}"
    assert token_request.content == b"grant_type=client_credentials"
    assert set(fake.bearers) == {"Bearer tok-1"}


async def test_token_is_refreshed_sixty_seconds_before_it_expires() -> None:
    fake, clock = FakeZimun(expires_in=3600), ManualClock(NOW)
    async with make_client(fake, clock) as client:
        await client.list_services()
        clock.advance(timedelta(seconds=3539))
        await client.list_services()
        assert len(fake.token_requests) == 1
        clock.advance(timedelta(seconds=2))
        await client.list_services()
    assert len(fake.token_requests) == 2
    assert fake.bearers[-1] == "Bearer tok-2"


async def test_missing_expires_in_is_taken_as_five_minutes() -> None:
    fake, clock = FakeZimun(expires_in=None), ManualClock(NOW)
    async with make_client(fake, clock) as client:
        await client.list_services()
        clock.advance(timedelta(seconds=239))
        await client.list_services()
        assert len(fake.token_requests) == 1
        clock.advance(timedelta(seconds=2))
        await client.list_services()
    assert len(fake.token_requests) == 2


async def test_twenty_concurrent_calls_on_a_fresh_client_make_one_token_request() -> None:
    fake = FakeZimun()
    async with make_client(fake, ManualClock(NOW)) as client:
        await asyncio.gather(*(client.list_services() for _ in range(20)))
    assert len(fake.token_requests) == 1
    assert len(fake.api_requests) == 20


async def test_a_401_refreshes_the_token_once_and_retries() -> None:
    fake, clock = FakeZimun(), ManualClock(NOW)
    async with make_client(fake, clock) as client:
        await client.list_services()
        fake.revoked.add("tok-1")  # revoked server-side although our clock says it is fresh
        await client.list_services()
    assert len(fake.token_requests) == 2
    assert fake.bearers == [
        "Bearer tok-1",
        "Bearer tok-1",
        "Bearer tok-2",
    ]


async def test_a_second_401_is_an_auth_error_not_a_loop() -> None:
    fake = FakeZimun()
    fake.reject_all = True
    async with make_client(fake, ManualClock(NOW)) as client:
        with pytest.raises(AuthError) as caught:
            await client.list_services()
    assert caught.value.status == 401
    assert len(fake.token_requests) == 2
    assert len(fake.api_requests) == 2


@pytest.mark.parametrize("status", [400, 401])
async def test_refused_credentials_name_the_settings_and_hide_the_secret(
    status: int, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    fake = FakeZimun(token_status=status)
    async with make_client(fake, ManualClock(NOW)) as client:
        with pytest.raises(AuthError) as caught:
            await client.list_services()
        assert SECRET not in repr(client.auth)
    message = str(caught.value)
    assert "ZIMUN_CLIENT_ID" in message and "ZIMUN_CLIENT_SECRET" in message
    assert caught.value.code == "invalid_client"
    assert SECRET not in message and SECRET not in caplog.text
    assert len(fake.token_requests) == 1  # a refusal is not retried


async def test_tokens_and_secrets_never_reach_the_log(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    fake = FakeZimun()
    fake.revoked.add("tok-1")
    async with make_client(fake, ManualClock(NOW)) as client:
        await client.list_services()
    assert "token obtained" in caplog.text
    for secret in (SECRET, "tok-1", "tok-2"):
        assert secret not in caplog.text


@pytest.mark.parametrize("outage", ["token_outages", "token_drops"])
async def test_a_token_endpoint_outage_is_retried_and_frees_the_lock(outage: str) -> None:
    fake = FakeZimun()
    setattr(fake, outage, 1)
    async with make_client(fake, ManualClock(NOW)) as client:
        assert await client.list_services() == []
    assert len(fake.token_requests) == 2
    assert len(fake.api_requests) == 1
