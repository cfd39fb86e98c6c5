"""The sandbox as an ASGI app: route matching, faults, bearer auth, idempotency, error rendering.

This is the one place where domain errors become HTTP responses. Unknown routes answer 404 naming
the method and path, so a client that calls a wrong URL finds out at once.
"""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import Receive, Scope, Send

from bot.sandbox.errors import (
    ConnectionDropped,
    MethodNotAllowed,
    OAuthError,
    RateLimited,
    RouteNotFound,
    SandboxError,
    ServerFault,
)
from bot.sandbox.routes import ROUTES, Call, Route
from bot.sandbox.world import World

logger = logging.getLogger(__name__)

_IDEMPOTENT_METHODS = frozenset({"POST", "PATCH"})


class SandboxApp:
    """An ASGI application serving one `World` (use `create_app`)."""

    def __init__(self, world: World, routes: tuple[Route, ...] = ROUTES) -> None:
        self.world = world
        self.routes = routes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await _lifespan(receive, send)
            return
        if scope["type"] != "http":
            return
        request = Request(scope, receive)
        response = await self._respond(request)
        await response(scope, receive, send)

    async def _respond(self, request: Request) -> Response:
        method, path = request.method, request.url.path
        try:
            route, params = self._match(method, path)
            if route.kind != "control":
                await self._inject_faults()
            call = Call(
                method=method,
                path=path,
                params=params,
                query=dict(request.query_params),
                headers=dict(request.headers),
                body=await request.body(),
            )
            response = self._handle(route, call)
            if route.kind != "control":
                await self._delay_answer()
            return response
        except SandboxError as error:
            return _error_response(error)
        except OAuthError as error:
            return JSONResponse(
                error.body(),
                status_code=error.status,
                headers={**error.headers, "Cache-Control": "no-store"},
            )

    def _match(self, method: str, path: str) -> tuple[Route, dict[str, str]]:
        allowed: list[str] = []
        for route in self.routes:
            found = route.pattern.match(path)
            if found is None:
                continue
            if route.method == method:
                return route, found.groupdict()
            allowed.append(route.method)
        if allowed:
            raise MethodNotAllowed(
                f"{method} is not allowed on {path}", headers={"Allow": ", ".join(allowed)}
            )
        logger.warning("no sandbox route for %s %s", method, path)
        raise RouteNotFound(f"no route for {method} {path}")

    async def _inject_faults(self) -> None:
        latency = self.world.faults.latency_ms
        if latency > 0:
            await asyncio.sleep(latency / 1000)
        if self.world.take_drop():
            logger.info("dropping a connection (injected fault)")
            raise ConnectionDropped("the sandbox dropped the connection (injected fault)")
        retry_after = self.world.take_rate_limit()
        if retry_after is not None:
            raise RateLimited(retry_after)
        status = self.world.take_error()
        if status is not None:
            raise ServerFault(status)

    async def _delay_answer(self) -> None:
        """`latency_after_ms`: Zimun has acted (and stored the answer under the key); the answer
        waits before it leaves, so a client that dies meanwhile never hears what was done."""
        latency = self.world.faults.latency_after_ms
        if latency > 0:
            await asyncio.sleep(latency / 1000)

    def _handle(self, route: Route, call: Call) -> Response:
        world = self.world
        # One lock around check, action and storing the response: concurrent retries under one
        # Idempotency-Key, and concurrent holds on one slot, are decided one at a time.
        with world.lock:
            if route.kind == "api":
                bearer = call.headers.get("authorization", "")
                token = bearer[7:].strip() if bearer.lower().startswith("bearer ") else None
                world.authenticate(token, route.scope or "")
            key = call.headers.get("idempotency-key")
            if route.kind != "api" or call.method not in _IDEMPOTENT_METHODS:
                key = None
            fingerprint = f"{call.method} {call.path} {_canonical(call.body)}"
            if key:
                stored = world.replay(key, fingerprint)
                if stored is not None:
                    logger.info("replaying the stored response for an Idempotency-Key")
                    return _json(stored.status, stored.body, {"Idempotent-Replayed": "true"})
            try:
                status, body = route.handler(world, call)
            except SandboxError as error:
                if key:
                    world.remember(key, fingerprint, error.status, error.body())
                raise
            if key:
                world.remember(key, fingerprint, status, body)
            # RFC 6749 §5.1: token responses must not be cached.
            no_store = {"Cache-Control": "no-store"} if route.kind == "oauth" else None
            return _json(status, body, no_store)


def create_app(world: World) -> SandboxApp:
    """The sandbox's ASGI app over `world`; for `httpx.ASGITransport(app=...)` or uvicorn."""
    return SandboxApp(world)


def _canonical(body: bytes) -> str:
    """The body as compared for idempotency: JSON regardless of key order or spacing."""
    try:
        return json.dumps(json.loads(body or b"null"), sort_keys=True, separators=(",", ":"))
    except ValueError:
        return body.decode("utf-8", "replace")


def _json(status: int, body: Any, headers: dict[str, str] | None = None) -> Response:
    if body is None:
        return Response(status_code=status, headers=headers)
    return JSONResponse(body, status_code=status, headers=headers)


def _error_response(error: SandboxError) -> Response:
    if error.status >= 500 or error.status in (404, 405):
        logger.info("answering %s %s", error.status, error.code)
    return _json(error.status, error.body(), error.headers)


async def _lifespan(receive: Receive, send: Send) -> None:
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return
