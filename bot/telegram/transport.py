"""The Bot API over aiohttp: python-telegram-bot's `BaseRequest`, with a cheaper HTTP client.

Issue 11: with python-telegram-bot's default `HTTPXRequest`, most of the bot's CPU per update was
HTTP plumbing — httpx, httpcore's connection pool (which scans every pooled connection, polling
each idle socket, on every request), anyio and h11's pure-Python parser — for the `getUpdates`
and the answer of every step. aiohttp parses HTTP in C (llhttp) and keeps idle connections in a
queue per host, so a request costs a fraction of that. Everything else is python-telegram-bot's:
`BaseRequest` turns status codes and Telegram's error descriptions into `BadRequest`, `Forbidden`,
`RetryAfter` and the rest, whichever transport carried them.

`AiohttpRequest` keeps `HTTPXRequest`'s defaults and meaning: the same timeouts (5 s, 20 s to
write an upload, 1 s to wait for a free connection), a pool of 256 connections (1 for
`getUpdates`), `TimedOut` for a timeout and `NetworkError` for any other failure to talk to
Telegram. The parameters go as one JSON body (multipart form fields when a file goes along), and
answers are read with orjson: python-telegram-bot's own JSON handling (the standard library, each
nested value encoded apart and then URL-encoded) was a visible share of a step's CPU.

It goes straight to Telegram, never through a proxy: aiohttp's `trust_env` would read the proxy
variables and ~/.netrc again, on a thread, for every call. A bot that must use a proxy sets
`TELEGRAM_HTTP_CLIENT=httpx`, which goes back to `HTTPXRequest` (httpx reads `HTTPS_PROXY` once,
at start-up).
"""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

import aiohttp
import orjson
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

# HTTPXRequest's defaults, so either transport behaves the same.
DEFAULT_POOL_SIZE = 256
DEFAULT_READ_TIMEOUT = 5.0
DEFAULT_WRITE_TIMEOUT = 5.0
DEFAULT_CONNECT_TIMEOUT = 5.0
DEFAULT_POOL_TIMEOUT = 1.0
DEFAULT_MEDIA_WRITE_TIMEOUT = 20.0
# httpx closes a pooled connection after 5 s idle; a long poll's connection is reused long before.
KEEPALIVE_SECONDS = 5.0
# A call without files goes as one JSON body, which the Bot API accepts for every method but
# uploads (https://core.telegram.org/bots/api#making-requests).
JSON_HEADERS = {"Content-Type": "application/json"}

Timeout = float | None


class AiohttpRequest(BaseRequest):
    """`BaseRequest` on an `aiohttp.ClientSession`, made in `initialize()` and closed in
    `shutdown()` (python-telegram-bot calls both, as for `HTTPXRequest`)."""

    __slots__ = (
        "_connect_timeout",
        "_media_write_timeout",
        "_pool_size",
        "_pool_timeout",
        "_read_timeout",
        "_session",
        "_write_timeout",
    )

    def __init__(
        self,
        connection_pool_size: int = DEFAULT_POOL_SIZE,
        read_timeout: Timeout = DEFAULT_READ_TIMEOUT,
        write_timeout: Timeout = DEFAULT_WRITE_TIMEOUT,
        connect_timeout: Timeout = DEFAULT_CONNECT_TIMEOUT,
        pool_timeout: Timeout = DEFAULT_POOL_TIMEOUT,
        media_write_timeout: Timeout = DEFAULT_MEDIA_WRITE_TIMEOUT,
    ) -> None:
        if connection_pool_size < 1:
            raise ValueError(f"connection_pool_size must be positive, got {connection_pool_size}")
        self._pool_size = connection_pool_size
        self._read_timeout = read_timeout
        self._write_timeout = write_timeout
        self._connect_timeout = connect_timeout
        self._pool_timeout = pool_timeout
        self._media_write_timeout = media_write_timeout
        self._session: aiohttp.ClientSession | None = None

    @property
    def read_timeout(self) -> float | None:
        return self._read_timeout

    @staticmethod
    def parse_json_payload(payload: bytes) -> dict[str, Any]:
        """Telegram's answer, read by orjson; what it cannot read (invalid UTF-8, not JSON) goes
        to python-telegram-bot's own reading, which replaces bad bytes or says why it failed."""
        try:
            parsed: dict[str, Any] = orjson.loads(payload)
        except orjson.JSONDecodeError:
            return BaseRequest.parse_json_payload(payload)
        return parsed

    async def initialize(self) -> None:
        if self._session is None or self._session.closed:
            connector = aiohttp.TCPConnector(
                limit=self._pool_size, limit_per_host=0, keepalive_timeout=KEEPALIVE_SECONDS
            )
            self._session = aiohttp.ClientSession(
                connector=connector,
                headers={"User-Agent": self.USER_AGENT},
                timeout=aiohttp.ClientTimeout(total=None),
                trust_env=False,  # no proxy, no ~/.netrc: see the module's docstring
                # Telegram's answers are JSON to hand over as bytes: no cookies to keep.
                cookie_jar=aiohttp.DummyCookieJar(),
            )

    async def shutdown(self) -> None:
        session, self._session = self._session, None
        if session is not None and not session.closed:
            await session.close()

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = BaseRequest.DEFAULT_NONE,
        write_timeout: Any = BaseRequest.DEFAULT_NONE,
        connect_timeout: Any = BaseRequest.DEFAULT_NONE,
        pool_timeout: Any = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        session = self._session
        if session is None or session.closed:
            raise RuntimeError("This AiohttpRequest is not initialized!")
        files = request_data.multipart_data if request_data else None
        timeout = self._timeout(
            read=self._read_timeout if read_timeout is BaseRequest.DEFAULT_NONE else read_timeout,
            write=(
                (self._media_write_timeout if files else self._write_timeout)
                if write_timeout is BaseRequest.DEFAULT_NONE
                else write_timeout
            ),
            connect=(
                self._connect_timeout
                if connect_timeout is BaseRequest.DEFAULT_NONE
                else connect_timeout
            ),
            pool=self._pool_timeout if pool_timeout is BaseRequest.DEFAULT_NONE else pool_timeout,
        )
        body: aiohttp.FormData | bytes | None = None
        headers = None
        if files:
            assert request_data is not None  # files come only with request data
            body = _multipart(request_data.json_parameters, files)
        elif request_data is not None:
            body, headers = _json_body(request_data.parameters), JSON_HEADERS
        try:
            async with session.request(
                method, url, data=body, headers=headers, timeout=timeout
            ) as response:
                return response.status, await response.read()
        except TimeoutError as exc:  # aiohttp's timeouts are TimeoutErrors too
            raise TimedOut from exc
        except aiohttp.ClientError as exc:
            raise NetworkError(f"aiohttp.{type(exc).__name__}: {exc}") from exc

    @staticmethod
    @lru_cache(maxsize=64)
    def _timeout(*, read: Timeout, write: Timeout, connect: Timeout, pool: Timeout) -> Any:
        """httpx's four timeouts in aiohttp's terms: `sock_connect` is the connect timeout,
        `connect` adds the wait for a pooled connection, `sock_read` bounds each wait for the
        answer. aiohttp has no write timeout; the whole request is bounded by the sum of the four
        instead (when all are finite), so a stalled upload still ends.

        Cached: almost every call uses the defaults, and `ClientTimeout` is immutable (frozen),
        so one object serves them all instead of one built per call."""
        parts = (read, write, connect, pool)
        total = None if any(part is None for part in parts) else sum(p or 0.0 for p in parts)
        return aiohttp.ClientTimeout(
            total=total,
            connect=None if connect is None or pool is None else connect + pool,
            sock_connect=connect,
            sock_read=read,
        )


def _json_body(parameters: dict[str, Any]) -> bytes:
    """The parameters as one JSON object (orjson: a single C call, where python-telegram-bot's
    form body JSON-encodes each nested value with the standard library, twice, then URL-encodes
    the lot). What orjson refuses (an integer beyond 64 bits) goes through the standard library."""
    try:
        return orjson.dumps(parameters, option=orjson.OPT_NON_STR_KEYS)
    except orjson.JSONEncodeError:
        return json.dumps(parameters).encode()


def _multipart(fields: dict[str, str], files: dict[str, Any]) -> aiohttp.FormData:
    """The parameters and the files in one multipart body, as `HTTPXRequest` sends them."""
    form = aiohttp.FormData(quote_fields=False)
    for name, value in fields.items():
        form.add_field(name, value)
    for name, (filename, content, mimetype) in files.items():
        form.add_field(name, content, filename=filename, content_type=mimetype)
    return form
