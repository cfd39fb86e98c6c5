"""Serving the sandbox over HTTP: `python -m bot sandbox`, and a loopback server for tests.

Dropped connections are real here: a small uvicorn protocol subclass aborts the TCP connection when
the app raises `ConnectionDropped`, so an HTTP client sees the peer vanish without a response.
"""

from __future__ import annotations

import asyncio
import logging
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import uvicorn
from uvicorn.protocols.http.h11_impl import H11Protocol

from bot.clock import Clock, ShiftedClock, SystemClock
from bot.config import ConfigError
from bot.sandbox.app import create_app
from bot.sandbox.errors import ConnectionDropped
from bot.sandbox.seed import default_seed
from bot.sandbox.world import World

logger = logging.getLogger(__name__)

_START_TIMEOUT_SECONDS = 10.0


class _DroppingH11Protocol(H11Protocol):
    """uvicorn's h11 protocol, except that `ConnectionDropped` aborts the socket, unanswered."""

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        inner = self.app

        async def app(scope: Any, receive: Any, send: Any) -> None:
            try:
                await inner(scope, receive, send)
            except ConnectionDropped:
                transport.abort()
                # Let uvicorn notice the lost connection before it would answer 500 itself.
                await asyncio.sleep(0)

        self.app = app


def _config(world: World, host: str, port: int, **options: Any) -> uvicorn.Config:
    return uvicorn.Config(
        create_app(world),
        host=host,
        port=port,
        http=_DroppingH11Protocol,
        lifespan="off",
        ws="none",
        **options,
    )


def _parse_now(now: str, timezone: str) -> datetime:
    try:
        moment = datetime.fromisoformat(now)
    except ValueError as exc:
        raise ConfigError(f"--now must be an ISO-8601 date and time, not {now!r}") from exc
    # A time without an offset is taken as the business's local time.
    return moment if moment.tzinfo else moment.replace(tzinfo=ZoneInfo(timezone))


def serve(host: str, port: int, now: str | None) -> int:
    """Serve the default sandbox until interrupted; prints what a client needs to connect."""
    timezone = default_seed().timezone
    clock: Clock = ShiftedClock(_parse_now(now, timezone)) if now else SystemClock()
    world = World(clock=clock)
    base_url = f"http://{host}:{port}"
    seed = world.seed
    print(f"Zimun sandbox ({seed.organization_name}) at {base_url}")
    print(f"  ZIMUN_API_URL={base_url}")
    print(f"  ZIMUN_CLIENT_ID={seed.client_id}")
    print(f"  ZIMUN_CLIENT_SECRET={seed.client_secret}")
    print(f"  ZIMUN_ORGANIZATION_ID={seed.organization_id}")
    local_now = world.now().astimezone(ZoneInfo(seed.timezone))
    print(f"  clock: {type(clock).__name__}, now {local_now.isoformat(timespec='seconds')}")
    print("  controls: /_sandbox/clock, /_sandbox/outbox, /_sandbox/faults, /_sandbox/reset")
    print("Press Ctrl+C to stop.", flush=True)
    uvicorn.Server(_config(world, host, port, log_level="warning")).run()
    return 0


@contextmanager
def serve_in_thread(world: World, host: str = "127.0.0.1", port: int = 0) -> Iterator[str]:
    """A real uvicorn server for `world` on a loopback port, in a background thread.

    Yields the base URL ("http://127.0.0.1:PORT"); the server stops when the block exits.
    """
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    bound_port = sock.getsockname()[1]
    server = uvicorn.Server(_config(world, host, bound_port, log_level="warning", access_log=False))
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [sock]}, name="zimun-sandbox", daemon=True
    )
    thread.start()
    try:
        deadline = time.monotonic() + _START_TIMEOUT_SECONDS
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the sandbox server did not start")
            time.sleep(0.005)
        logger.info("sandbox serving on %s:%s", host, bound_port)
        yield f"http://{host}:{bound_port}"
    finally:
        server.should_exit = True
        thread.join(timeout=_START_TIMEOUT_SECONDS)
        sock.close()
