"""OAuth2 client-credentials authentication for Zimun, as an `httpx.Auth` flow.

The token is fetched (RFC 6749 §4.4, HTTP Basic) through the same client and transport as the
calls it authorizes, cached, refreshed a minute before it expires by the injected clock, and
refreshed once more after a 401. A lock makes concurrent callers share one token request.
"""

from __future__ import annotations

import asyncio
import base64
import logging
from collections.abc import AsyncGenerator, Generator
from datetime import datetime, timedelta

import httpx

from bot.clock import Clock
from bot.zimun import wire
from bot.zimun.errors import AuthError, ZimunError

logger = logging.getLogger(__name__)

REFRESH_MARGIN = timedelta(seconds=60)
DEFAULT_LIFETIME = timedelta(seconds=300)  # when the token response has no expires_in


class ClientCredentialsAuth(httpx.Auth):
    """Bearer tokens from Zimun's token endpoint, shared by every request of one client."""

    # Overriding async_auth_flow bypasses httpx's own body reading, so responses are read below.
    requires_response_body = True

    def __init__(
        self,
        *,
        token_url: str,
        client_id: str,
        client_secret: str,
        clock: Clock,
        timeout: httpx.Timeout | None = None,
    ) -> None:
        self._token_url = token_url
        self._client_id = client_id
        pair = f"{client_id}:{client_secret}".encode()
        # As Zimun's own examples do (requests' auth=(id, secret)): plain Basic, not form-encoded.
        self._basic = "Basic " + base64.b64encode(pair).decode("ascii")
        self._clock = clock
        self._timeout = timeout
        self._lock = asyncio.Lock()
        self._token: str | None = None
        self._refresh_at: datetime | None = None
        self.token_requests = 0  # how many times a token was asked for (for health and tests)

    def __repr__(self) -> str:  # never show the secret or the token
        return (
            f"ClientCredentialsAuth(token_url={self._token_url!r}, client_id={self._client_id!r})"
        )

    def invalidate(self) -> None:
        """Forget the cached token: the next request fetches a new one."""
        self._token = None
        self._refresh_at = None

    def _fresh_token(self) -> str | None:
        if self._token is None or self._refresh_at is None:
            return None
        return self._token if self._clock.now() < self._refresh_at else None

    def _token_request(self) -> httpx.Request:
        extensions = {"timeout": self._timeout.as_dict()} if self._timeout is not None else {}
        return httpx.Request(
            "POST",
            self._token_url,
            data=wire.token_form(),
            headers={"Authorization": self._basic, "Accept": "application/json"},
            extensions=extensions,
        )

    def _accept(self, response: httpx.Response) -> str:
        """Cache the token of a token response, or raise the error it carries."""
        if response.status_code in (400, 401, 403):
            code, _ = wire.parse_error_body(response)
            raise AuthError(
                "Zimun refused the client credentials "
                f"({code or 'HTTP ' + str(response.status_code)}): "
                "check ZIMUN_CLIENT_ID and ZIMUN_CLIENT_SECRET",
                status=response.status_code,
                code=code,
            )
        if not response.is_success:
            raise wire.error_from_response(response, self._clock.now())
        try:
            token, expires_in = wire.parse_token(response.json())
        except (ValueError, KeyError, TypeError) as exc:
            raise ZimunError(
                "malformed token response from Zimun", status=response.status_code
            ) from exc
        lifetime = DEFAULT_LIFETIME if expires_in is None else timedelta(seconds=expires_in)
        # A very short-lived token is still used; refresh it halfway rather than never caching.
        margin = min(REFRESH_MARGIN, lifetime / 2)
        self._token = token
        self._refresh_at = self._clock.now() + lifetime - margin
        logger.info("Zimun token obtained, valid for %.0f s", lifetime.total_seconds())
        return token

    async def async_auth_flow(
        self, request: httpx.Request
    ) -> AsyncGenerator[httpx.Request, httpx.Response]:
        token = self._fresh_token()
        if token is None:
            async with self._lock:
                # Someone else may have refreshed while we waited for the lock.
                token = self._fresh_token()
                if token is None:
                    self.token_requests += 1
                    token_response = yield self._token_request()
                    await token_response.aread()
                    token = self._accept(token_response)
        request.headers["Authorization"] = f"Bearer {token}"
        response = yield request
        if response.status_code != 401:
            return
        await response.aread()
        # The token was revoked or expired early: refresh once and try again.
        async with self._lock:
            current = self._fresh_token()
            if current is None or current == token:
                self.invalidate()
                self.token_requests += 1
                token_response = yield self._token_request()
                await token_response.aread()
                current = self._accept(token_response)
        logger.info(
            "Zimun answered 401; retrying %s %s with a new token", request.method, request.url.path
        )
        request.headers["Authorization"] = f"Bearer {current}"
        yield request

    def sync_auth_flow(
        self, request: httpx.Request
    ) -> Generator[httpx.Request, httpx.Response, None]:
        raise RuntimeError("ClientCredentialsAuth works only with httpx.AsyncClient")


__all__ = ["DEFAULT_LIFETIME", "REFRESH_MARGIN", "ClientCredentialsAuth"]
