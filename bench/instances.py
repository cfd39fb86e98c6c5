"""Several instances: 1, 2 and 3 booking bots on one PostgreSQL, and one on SQLite, in webhook mode.

    python bench/instances.py                          # 30 customers x 8 steps per configuration
    python bench/instances.py --customers 10 --steps 4 --configs pg1,pg2   # a smoke run

Reuses bench/run.py's pieces: the bench Bot API stub (in this process), the Zimun sandbox behind
the request-counting relay, and bench/driver.py's customers. Every configuration gets its own
processes, a fresh database (a new PostgreSQL schema, or a new SQLite file) and fresh chats. This
process plays Telegram and the platform's balancer: it POSTs each update, one at a time as Telegram
does with max_connections=1, to the next instance in turn. PostgreSQL is `BENCH_DATABASE_URL`, or a
private server `pgserver` (a test dependency) starts in a temporary folder.

Prints per configuration: updates/s, p50/p99 per update, bookings/s, CPU ms per update (all bot
processes), PostgreSQL transactions per update (`pg_stat_database.xact_commit` from before the
instances start to after they exit, start-up and warm-up included: every statement outside a
transaction is one, so this counts the round trips that commit) and the most sessions seen waiting
on a lock at once (sampled every 20 ms from `pg_locks`).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import os
import platform
import shutil
import sys
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import asyncpg
import httpx
from botapi_stub import BotApiStub
from driver import Result, customers, run_load
from run import (
    BOT_TOKEN,
    CountingRelay,
    Process,
    base_env,
    free_port,
    percentile,
    process,
    wait_port,
)

from bot.sandbox import SANDBOX_CLIENT_ID, SANDBOX_CLIENT_SECRET, SANDBOX_ORGANIZATION_ID
from bot.storage.postgres import asyncpg_dsn

SECRET = "bench-instances-secret"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
CONFIGS = {"sqlite1": ("sqlite", 1), "pg1": ("pg", 1), "pg2": ("pg", 2), "pg3": ("pg", 3)}


@contextlib.contextmanager
def postgres_server() -> Iterator[str]:
    configured = os.environ.get("BENCH_DATABASE_URL")
    if configured:
        yield configured
        return
    import pgserver

    folder = Path(tempfile.mkdtemp(prefix="pgb"))
    server = pgserver.get_server(folder, cleanup_mode="stop")
    try:
        yield server.get_uri()
    finally:
        server.cleanup()
        shutil.rmtree(folder, ignore_errors=True)


async def fresh_schema(server_url: str) -> tuple[str, str]:
    """A URL whose tables land in a new schema, and the schema's name (dropped afterwards)."""
    schema = f"bench_{uuid.uuid4().hex[:12]}"
    admin = await asyncpg.connect(asyncpg_dsn(server_url))
    try:
        await admin.execute(f"CREATE SCHEMA {schema}")
    finally:
        await admin.close()
    parts = urlsplit(server_url)
    query = [*parse_qsl(parts.query), ("search_path", schema)]
    return urlunsplit(parts._replace(query=urlencode(query))), schema


@dataclass
class Balancer:
    """Telegram's webhook delivery plus the platform's round robin, in one task."""

    stub: BotApiStub
    ports: list[int]
    client: httpx.AsyncClient
    delivered: int = 0
    _turn: Iterator[int] = field(default_factory=itertools.count)

    async def run(self) -> None:
        while True:
            await self.stub._arrived.wait()
            self.stub._arrived.clear()
            pending, self.stub._updates = self.stub._updates, []
            for update in pending:
                port = self.ports[next(self._turn) % len(self.ports)]
                answer = await self.client.post(
                    f"http://127.0.0.1:{port}/hook", json=update, headers={SECRET_HEADER: SECRET}
                )
                answer.raise_for_status()
                self.delivered += 1


async def healthy(client: httpx.AsyncClient, port: int, proc: Process) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        proc.check_alive()
        with contextlib.suppress(httpx.TransportError):
            if (await client.get(f"http://127.0.0.1:{port}/healthz")).status_code == 200:
                return
        await asyncio.sleep(0.05)
    raise RuntimeError(f"{proc.name} never became healthy")


async def lock_waits(admin: asyncpg.Connection, seen: list[int]) -> None:
    while True:
        seen.append(
            int(await admin.fetchval("SELECT count(*) FROM pg_locks WHERE NOT granted") or 0)
        )
        await asyncio.sleep(0.02)


async def commits(admin: asyncpg.Connection) -> int:
    return int(
        await admin.fetchval(
            "SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()"
        )
    )


async def backends_gone(admin: asyncpg.Connection) -> None:
    """Wait (bounded) until the bots' connections have ended and so reported their statistics."""
    for _ in range(200):
        others = await admin.fetchval(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
            " AND backend_type = 'client backend' AND pid <> pg_backend_pid()"
        )
        if not others:
            return
        await asyncio.sleep(0.05)


@contextlib.asynccontextmanager
async def instances(
    name: str, count: int, database_url: str, stub: BotApiStub, relay: CountingRelay, workdir: Path
) -> AsyncIterator[tuple[list[Process], list[int]]]:
    with contextlib.ExitStack() as stack:
        procs, ports = [], []
        for n in range(count):
            port = free_port()
            env = base_env(
                TELEGRAM_BOT_TOKEN=BOT_TOKEN,
                TELEGRAM_API_BASE_URL=stub.base_url,
                TELEGRAM_API_BASE_FILE_URL=stub.base_file_url,
                TELEGRAM_RATE_LIMITER="off",
                TELEGRAM_WEBHOOK_URL="https://bot.example.com/hook",
                TELEGRAM_WEBHOOK_SECRET=SECRET,
                PORT=str(port),
                ZIMUN_API_URL=f"http://127.0.0.1:{relay.port}",
                ZIMUN_CLIENT_ID=SANDBOX_CLIENT_ID,
                ZIMUN_CLIENT_SECRET=SANDBOX_CLIENT_SECRET,
                ZIMUN_ORGANIZATION_ID=SANDBOX_ORGANIZATION_ID,
                DATABASE_URL=database_url,
            )
            argv = [sys.executable, "-m", "bot", "run"]
            procs.append(stack.enter_context(process(f"{name}-{n}", argv, env, workdir)))
            ports.append(port)
        try:
            yield procs, ports
        finally:
            for proc in procs:
                proc.terminate()
            await asyncio.gather(*(proc.exited(15) for proc in procs))


async def one_config(
    name: str,
    args: argparse.Namespace,
    stub: BotApiStub,
    relay: CountingRelay,
    pg_url: str | None,
    workdir: Path,
) -> dict[str, Any]:
    kind, count = CONFIGS[name]
    schema = ""
    if kind == "pg":
        assert pg_url is not None
        database_url, schema = await fresh_schema(pg_url)
    else:
        database_url = f"sqlite:///{workdir / 'bot.sqlite3'}"
    admin = await asyncpg.connect(asyncpg_dsn(pg_url)) if kind == "pg" else None
    # Backends report their statistics when they exit, so these are read with no bot running.
    commits_before = await commits(admin) if admin is not None else 0
    warmup_updates = 0
    chat_ids = itertools.count(10_000_000 * (list(CONFIGS).index(name) + 1), 1_000)
    async with (
        httpx.AsyncClient(timeout=30) as client,
        instances(name, count, database_url, stub, relay, workdir) as (procs, ports),
    ):
        for proc, port in zip(procs, ports, strict=True):
            await healthy(client, port, proc)
        balancer = Balancer(stub, ports, client)
        delivering = asyncio.create_task(balancer.run())
        try:
            if args.warmup:
                warmup = await run_load(
                    stub,
                    customers(2 * count, next(chat_ids), seed=1),
                    args.warmup,
                    rate=None,
                    echo=False,
                    step_timeout=args.step_timeout,
                )
                warmup_updates = warmup.steps + warmup.timeouts
            waits: list[int] = []
            sampler = await asyncpg.connect(asyncpg_dsn(pg_url)) if kind == "pg" else None
            sampling = (
                asyncio.create_task(lock_waits(sampler, waits)) if sampler is not None else None
            )
            cpu_before = sum(p.cpu_seconds() for p in procs)
            zimun_before = relay.requests
            started = time.perf_counter()
            result: Result = await run_load(
                stub,
                customers(args.customers, next(chat_ids), seed=7),
                args.steps,
                rate=None,
                echo=False,
                step_timeout=args.step_timeout,
            )
            wall = time.perf_counter() - started
            cpu = sum(p.cpu_seconds() for p in procs) - cpu_before
            if sampling is not None:
                sampling.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await sampling
            if sampler is not None:
                await sampler.close()
        finally:
            delivering.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await delivering
    transactions = None
    if admin is not None:
        # Start-up and the warm-up are in it too: spread over the updates of both.
        await backends_gone(admin)
        transactions = await commits(admin) - commits_before
        await admin.execute(f"DROP SCHEMA {schema} CASCADE")
        await admin.close()
    updates = max(result.steps + result.timeouts, 1)
    return {
        "config": name,
        "instances": count,
        "backend": "PostgreSQL" if kind == "pg" else "SQLite",
        "updates": result.steps,
        "bookings": result.bookings,
        "timeouts": result.timeouts,
        "updates_per_s": result.steps / wall,
        "bookings_per_s": result.bookings / wall,
        "p50_ms": percentile(result.latencies, 0.5) * 1000,
        "p99_ms": percentile(result.latencies, 0.99) * 1000,
        "cpu_ms_per_update": 1000 * cpu / updates,
        "pg_transactions_per_update": None
        if transactions is None
        else transactions / (updates + warmup_updates),
        "max_lock_waiters": max(waits) if kind == "pg" and waits else None,
        "zimun_per_booking": (relay.requests - zimun_before) / result.bookings
        if result.bookings
        else None,
    }


def print_table(rows: list[dict[str, Any]]) -> None:
    print(
        f"{'config':8} {'inst':>4} {'backend':10} {'upd':>5} {'book':>4} {'upd/s':>7} "
        f"{'p50 ms':>7} {'p99 ms':>7} {'book/s':>7} {'CPU ms/upd':>10} {'PG tx/upd':>9} "
        f"{'lock wait':>9} {'t/o':>4}"
    )
    for r in rows:
        tx = r["pg_transactions_per_update"]
        waits = r["max_lock_waiters"]
        print(
            f"{r['config']:8} {r['instances']:>4} {r['backend']:10} {r['updates']:>5} "
            f"{r['bookings']:>4} {r['updates_per_s']:>7.1f} {r['p50_ms']:>7.1f} "
            f"{r['p99_ms']:>7.1f} {r['bookings_per_s']:>7.2f} {r['cpu_ms_per_update']:>10.1f} "
            f"{'-' if tx is None else f'{tx:.1f}':>9} {'-' if waits is None else waits:>9} "
            f"{r['timeouts']:>4}"
        )


async def bench(args: argparse.Namespace) -> list[dict[str, Any]]:
    names = args.configs.split(",")
    unknown = [n for n in names if n not in CONFIGS]
    if unknown:
        raise SystemExit(f"unknown configurations {unknown}; choose from {', '.join(CONFIGS)}")
    rows = []
    with (
        tempfile.TemporaryDirectory(prefix="bench-instances-") as tmp,
        postgres_server() if any(CONFIGS[n][0] == "pg" for n in names) else _none() as pg_url,
    ):
        workdir = Path(tmp)
        sandbox_port = free_port()
        relay = CountingRelay(sandbox_port)
        await relay.start()
        sandbox_argv = [sys.executable, "-m", "bot", "sandbox", "--port", str(sandbox_port)]
        try:
            with process("sandbox", sandbox_argv, base_env(), workdir) as sandbox:
                await wait_port(sandbox_port, sandbox)
                for name in names:
                    async with BotApiStub(BOT_TOKEN).serving() as stub:
                        folder = workdir / name
                        folder.mkdir()
                        row = await one_config(name, args, stub, relay, pg_url, folder)
                    rows.append(row)
                    print(
                        f"  {name}: {row['updates']} updates, {row['bookings']} bookings",
                        file=sys.stderr,
                    )
        finally:
            await relay.stop()
    return rows


@contextlib.contextmanager
def _none() -> Iterator[None]:
    yield None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=30)
    parser.add_argument("--steps", type=int, default=8)
    parser.add_argument("--warmup", type=int, default=3, help="untimed steps first (0: none)")
    parser.add_argument("--configs", default=",".join(CONFIGS))
    parser.add_argument("--step-timeout", type=float, default=30.0)
    args = parser.parse_args(argv)
    print(
        f"# {platform.python_implementation()} {platform.python_version()}, "
        f"{os.cpu_count()} CPUs, {platform.platform()}",
        flush=True,
    )
    print_table(asyncio.run(bench(args)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
