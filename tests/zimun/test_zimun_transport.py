"""Zimun over aiohttp (`ZimunTransport`, the default against a real Zimun) fails as httpx does:
a server that never answers and a port nobody listens on are `Unavailable` to the client, which
the engine answers with "try again". (Its successes and the sandbox's faults over a real socket
are in test_zimun_sandbox.py, run through both transports.)"""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest

from bot.sandbox import SANDBOX_CLIENT_ID, SANDBOX_CLIENT_SECRET, SANDBOX_ORGANIZATION_ID
from bot.zimun import RetryPolicy, Unavailable, ZimunClient
from bot.zimun.transport import ZimunTransport

TRANSPORTS: dict[str, Callable[[], httpx.AsyncBaseTransport]] = {
    "httpx": httpx.AsyncHTTPTransport,
    "aiohttp": ZimunTransport,
}


@pytest.fixture(params=sorted(TRANSPORTS))
def transport(request: pytest.FixtureRequest) -> httpx.AsyncBaseTransport:
    return TRANSPORTS[request.param]()


def client_for(port: int, transport: httpx.AsyncBaseTransport) -> ZimunClient:
    return ZimunClient(
        base_url=f"http://127.0.0.1:{port}",
        client_id=SANDBOX_CLIENT_ID,
        client_secret=SANDBOX_CLIENT_SECRET,
        organization_id=SANDBOX_ORGANIZATION_ID,
        transport=transport,
        timeout=httpx.Timeout(0.3),
        retry=RetryPolicy(max_attempts=1),
    )


async def test_a_server_that_never_answers_is_unavailable(
    transport: httpx.AsyncBaseTransport, silent_port: int
) -> None:
    async with client_for(silent_port, transport) as client:
        with pytest.raises(Unavailable):
            await client.list_services()


async def test_nobody_listening_is_unavailable(
    transport: httpx.AsyncBaseTransport, closed_port: int
) -> None:
    async with client_for(closed_port, transport) as client:
        with pytest.raises(Unavailable):
            await client.list_services()
