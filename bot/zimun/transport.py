"""httpx over aiohttp for the Zimun client (issue 11).

The client stays an `httpx.AsyncClient` — its `httpx.Auth` for the token, timeouts, the tests'
`ASGITransport` into the in-process sandbox — but against a real Zimun its requests are carried by
aiohttp (`httpx_aiohttp.AiohttpTransport`, by an httpx maintainer): httpcore's pool scans every
connection, probing each idle socket, on every request, and parses HTTP in Python; aiohttp parses
in C and keeps idle connections in a queue. The few aiohttp errors that library leaves unmapped
are turned into httpx's here, so the client's own error handling (`Unavailable` for a timeout or
a connection that failed, retried) sees httpx errors only.
"""

from __future__ import annotations

import aiohttp
import httpx
from httpx_aiohttp import AiohttpTransport

# httpx's own pool limits, so either transport keeps the same number of connections.
LIMITS = httpx.Limits(max_connections=100, max_keepalive_connections=20, keepalive_expiry=5.0)


class ZimunTransport(AiohttpTransport):
    """`AiohttpTransport` whose every failure is an httpx error."""

    def __init__(self) -> None:
        super().__init__(limits=LIMITS, trust_env=False)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        try:
            return await super().handle_async_request(request)
        except httpx.HTTPError:
            raise
        except TimeoutError as exc:
            raise httpx.TimeoutException(str(exc) or "timed out", request=request) from exc
        except aiohttp.ClientError as exc:
            raise httpx.TransportError(f"{type(exc).__name__}: {exc}", request=request) from exc
