"""Load benchmark: the booking bot and PTB echo bots, as real processes, on loopback.

    python bench/run.py                                   # burst, limiter off, about a minute
    python bench/run.py --shape both --limiter both       # the whole matrix
    python bench/run.py --customers 2 --steps 4 --rounds 1 --json out.json   # a smoke run

Starts a Bot API stub per bot (in this process), the Zimun sandbox (`python -m bot sandbox`) behind
a request-counting TCP relay, the booking bot (`python -m bot run`, long polling) and the echo bots
(bench/echo_bot.py: bare PTB, and the same on the bot's transport), then runs rounds of A B C A B C
(echo, echo-aio, bot) with N customers per run and prints throughput, latency, CPU, memory and
calls. See bench/README.md.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import platform
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from botapi_stub import BotApiStub
from driver import Result, customers, run_load

from bot import eventloop
from bot.sandbox import SANDBOX_CLIENT_ID, SANDBOX_CLIENT_SECRET, SANDBOX_ORGANIZATION_ID

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
BOT_TOKEN = "111111:bench-booking-bot"
ECHO_TOKEN = "222222:bench-echo-bot"
START_TIMEOUT = 60.0
_REQUEST_LINE = re.compile(rb"(GET|POST|PUT|PATCH|DELETE) (/[^\s?]*)\S* HTTP/1\.[01]\r\n")
# Ids in a path (appointments/a_1f2e, holds/h_9c0d) are folded so requests group by endpoint.
_PATH_ID = re.compile(r"/[a-z]{1,3}_[0-9a-f]+|/\d+")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class CountingRelay:
    """A TCP relay in front of the sandbox that counts the HTTP requests going through it."""

    def __init__(self, target_port: int) -> None:
        self.target_port = target_port
        self.requests = 0
        self.by_endpoint: Counter[str] = Counter()
        self.port = 0
        self._server: asyncio.Server | None = None

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._relay, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()

    async def _relay(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self.target_port)
        except OSError:
            writer.close()
            return
        for stream in (writer, up_writer):
            sock = stream.get_extra_info("socket")
            if sock is not None:
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        await asyncio.gather(
            self._pipe(reader, up_writer, count=True),
            self._pipe(up_reader, writer, count=False),
            return_exceptions=True,
        )

    async def _pipe(
        self, source: asyncio.StreamReader, sink: asyncio.StreamWriter, *, count: bool
    ) -> None:
        tail = b""
        try:
            while data := await source.read(65536):
                if count:
                    # Matches wholly inside the carried-over tail were counted last time.
                    chunk = tail + data
                    old = len(_REQUEST_LINE.findall(tail))
                    found = _REQUEST_LINE.findall(chunk)
                    self.requests += len(found) - old
                    for method, path in found[old:]:
                        endpoint = _PATH_ID.sub("/{id}", path.decode("ascii", "replace"))
                        self.by_endpoint[f"{method.decode()} {endpoint}"] += 1
                    tail = chunk[-512:]
                sink.write(data)
                await sink.drain()
        finally:
            sink.close()


@dataclass
class Process:
    name: str
    popen: subprocess.Popen[bytes]
    log: Path

    def cpu_seconds(self) -> float:
        fields = Path(f"/proc/{self.popen.pid}/stat").read_text().rsplit(")", 1)[1].split()
        ticks = int(fields[11]) + int(fields[12])  # utime, stime
        return ticks / os.sysconf("SC_CLK_TCK")

    def memory_mb(self) -> tuple[float, float]:
        """(RSS now, peak RSS) in MiB."""
        status = Path(f"/proc/{self.popen.pid}/status").read_text()
        values = dict(re.findall(r"^(VmRSS|VmHWM):\s+(\d+) kB", status, re.MULTILINE))
        return int(values["VmRSS"]) / 1024, int(values["VmHWM"]) / 1024

    def check_alive(self) -> None:
        if self.popen.poll() is not None:
            tail = self.log.read_text(errors="replace")[-2000:]
            raise RuntimeError(f"{self.name} exited with {self.popen.returncode}:\n{tail}")

    terminated: bool = False

    def terminate(self) -> None:
        """SIGTERM once: a second one could land after the process left its event loop (where
        the default action kills it), e.g. while cProfile is writing its file."""
        if self.popen.poll() is None and not self.terminated:
            self.terminated = True
            self.popen.send_signal(signal.SIGTERM)

    async def exited(self, within: float) -> None:
        """Wait for the process to exit without blocking the loop: the stubs in this process
        must keep answering (the bot's last getUpdates) while it shuts down."""
        with contextlib.suppress(subprocess.TimeoutExpired):
            await asyncio.to_thread(self.popen.wait, within)

    def stop(self) -> None:
        self.terminate()
        if self.popen.poll() is None:
            try:
                self.popen.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait(timeout=5)


@contextlib.contextmanager
def process(name: str, argv: list[str], env: dict[str, str], workdir: Path) -> Iterator[Process]:
    log = workdir / f"{name}.log"
    with log.open("wb") as out:
        popen = subprocess.Popen(
            argv,
            env=env,
            cwd=workdir,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
    proc = Process(name, popen, log)
    try:
        yield proc
    finally:
        proc.stop()


def base_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "ZIMUN_", "BOT_"))}
    env.pop("DATABASE_URL", None)
    env["PYTHONUNBUFFERED"] = "1"
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH", "")]))
    env.update(extra)
    return env


async def wait_port(port: int, proc: Process) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        proc.check_alive()
        with contextlib.suppress(OSError):
            _, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.close()
            return
        await asyncio.sleep(0.05)
    raise RuntimeError(f"{proc.name} did not listen on {port}")


async def wait_polling(stub: BotApiStub, proc: Process) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while stub.calls["getUpdates"] == 0:
        proc.check_alive()
        if time.monotonic() > deadline:
            raise RuntimeError(f"{proc.name} never polled for updates")
        await asyncio.sleep(0.05)


# The echo bots, by name: the HTTP client each one's Bot API calls go through (ECHO_HTTP_CLIENT).
# `echo` is the bare python-telegram-bot baseline (its own httpx client); `echo-aio` is the same
# bot on the booking bot's transport (bot/telegram/transport.py), the plumbing the bot runs on.
ECHO_BOTS = {"echo": "httpx", "echo-aio": "aiohttp"}


@dataclass
class Bots:
    """The bots under test, each with its own stub, and the sandbox relay."""

    bot: Process
    bot_stub: BotApiStub
    echoes: dict[str, tuple[Process, BotApiStub]]
    relay: CountingRelay

    @property
    def echo(self) -> Process:
        return self.echoes["echo"][0]

    @property
    def echo_stub(self) -> BotApiStub:
        return self.echoes["echo"][1]

    def side(self, which: str) -> tuple[Process, BotApiStub]:
        return (self.bot, self.bot_stub) if which == "bot" else self.echoes[which]


@contextlib.asynccontextmanager
async def started(
    limiter: str,
    workdir: Path,
    profile: Path | None = None,
    bot_settings: dict[str, str] | None = None,
    echoes: tuple[str, ...] = ("echo",),
) -> AsyncIterator[Bots]:
    sandbox_port = free_port()
    async with contextlib.AsyncExitStack() as stack:
        bot_stub = await stack.enter_async_context(BotApiStub(BOT_TOKEN).serving())
        echo_stubs = {
            name: await stack.enter_async_context(BotApiStub(ECHO_TOKEN).serving())
            for name in echoes
        }
        sandbox_argv = [sys.executable, "-m", "bot", "sandbox", "--port", str(sandbox_port)]
        relay = CountingRelay(sandbox_port)
        await relay.start()
        bot_env = base_env(
            TELEGRAM_BOT_TOKEN=BOT_TOKEN,
            TELEGRAM_API_BASE_URL=bot_stub.base_url,
            TELEGRAM_API_BASE_FILE_URL=bot_stub.base_file_url,
            TELEGRAM_RATE_LIMITER=limiter,
            ZIMUN_API_URL=f"http://127.0.0.1:{relay.port}",
            ZIMUN_CLIENT_ID=SANDBOX_CLIENT_ID,
            ZIMUN_CLIENT_SECRET=SANDBOX_CLIENT_SECRET,
            ZIMUN_ORGANIZATION_ID=SANDBOX_ORGANIZATION_ID,
            DATABASE_URL=f"sqlite:///{workdir / f'bot-{limiter}.sqlite3'}",
            **(bot_settings or {}),
        )
        bot_argv = [sys.executable, "-m", "bot", "run"]
        if profile is not None:  # written when the bot exits on SIGTERM
            bot_argv[1:1] = ["-m", "cProfile", "-o", str(profile.with_suffix(f".{limiter}.prof"))]
        echo_argv = [sys.executable, str(BENCH / "echo_bot.py")]
        try:
            # All start at once; the bot reaches Zimun only with the first customer.
            with contextlib.ExitStack() as processes:
                sandbox = processes.enter_context(
                    process("sandbox", sandbox_argv, base_env(), workdir)
                )
                bot = processes.enter_context(process("bot", bot_argv, bot_env, workdir))
                echo_env = {
                    name: base_env(
                        TELEGRAM_BOT_TOKEN=ECHO_TOKEN,
                        TELEGRAM_API_BASE_URL=stub.base_url,
                        TELEGRAM_RATE_LIMITER=limiter,
                        ECHO_HTTP_CLIENT=ECHO_BOTS[name],
                    )
                    for name, stub in echo_stubs.items()
                }
                echo_bots = {
                    name: (
                        processes.enter_context(process(name, echo_argv, echo_env[name], workdir)),
                        stub,
                    )
                    for name, stub in echo_stubs.items()
                }
                await wait_port(sandbox_port, sandbox)
                await wait_polling(bot_stub, bot)
                for echo, stub in echo_bots.values():
                    await wait_polling(stub, echo)
                everyone = [*(echo for echo, _ in echo_bots.values()), bot, sandbox]
                try:
                    yield Bots(bot, bot_stub, echo_bots, relay)
                finally:
                    for proc in everyone:  # all at once: each takes a while
                        proc.terminate()
                    await asyncio.gather(*(p.exited(15) for p in everyone))
        finally:
            await relay.stop()


@dataclass
class Run:
    """One measured run of one bot."""

    bot: str
    shape: str
    limiter: str
    customers: int
    wall: float
    result: Result
    cpu: float
    rss_mb: float
    peak_rss_mb: float
    calls: Counter[str]
    chat_calls: int
    refused: Counter[str]
    zimun_requests: int
    zimun_by_endpoint: Counter[str]


async def measure(
    bots: Bots,
    which: str,
    *,
    shape: str,
    limiter: str,
    count: int,
    steps: int,
    rate: float,
    first_chat_id: int,
    step_timeout: float,
    trace: bool = False,
) -> Run:
    echo = which != "bot"
    proc, stub = bots.side(which)
    people = customers(count, first_chat_id, seed=first_chat_id)
    stub.reset_counts()
    zimun_before = bots.relay.requests
    endpoints_before = Counter(bots.relay.by_endpoint)
    cpu_before = proc.cpu_seconds()
    started_at = time.perf_counter()
    result = await run_load(
        stub,
        people,
        steps,
        rate=rate if shape == "paced" else None,
        echo=echo,
        step_timeout=step_timeout,
        trace=trace,
    )
    wall = time.perf_counter() - started_at
    proc.check_alive()
    rss, peak = proc.memory_mb()
    return Run(
        bot=which,
        shape=shape,
        limiter=limiter,
        customers=count,
        wall=wall,
        result=result,
        cpu=proc.cpu_seconds() - cpu_before,
        rss_mb=rss,
        peak_rss_mb=peak,
        calls=Counter(stub.calls),
        chat_calls=stub.chat_calls,
        refused=Counter(stub.refused),
        zimun_requests=bots.relay.requests - zimun_before,
        zimun_by_endpoint=bots.relay.by_endpoint - endpoints_before,
    )


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def summarise(runs: list[Run]) -> dict[str, Any]:
    """Pooled over the rounds of one (bot, shape, limiter)."""
    steps = sum(r.result.steps for r in runs)
    bookings = sum(r.result.bookings for r in runs)
    wall = sum(r.wall for r in runs)
    latencies = [x for r in runs for x in r.result.latencies]
    calls: Counter[str] = Counter()
    refused: Counter[str] = Counter()
    for r in runs:
        calls.update(r.calls)
        refused.update(r.refused)
    api = sum(calls.values()) - calls["getUpdates"]
    zimun = sum(r.zimun_requests for r in runs)
    endpoints: Counter[str] = Counter()
    for r in runs:
        endpoints.update(r.zimun_by_endpoint)
    # Calls and CPU are per update offered: a step that timed out still cost what it made.
    per_update = max(steps + sum(r.result.timeouts for r in runs), 1)
    return {
        "bot": runs[0].bot,
        "shape": runs[0].shape,
        "limiter": runs[0].limiter,
        "customers": runs[0].customers,
        "runs": len(runs),
        "steps": steps,
        "bookings": bookings,
        "timeouts": sum(r.result.timeouts for r in runs),
        "steps_per_s": steps / wall if wall else 0.0,
        "bookings_per_s": bookings / wall if wall else 0.0,
        "p50_ms": percentile(latencies, 0.50) * 1000,
        "p95_ms": percentile(latencies, 0.95) * 1000,
        "p99_ms": percentile(latencies, 0.99) * 1000,
        "cpu_ms_per_update": 1000 * sum(r.cpu for r in runs) / per_update,
        "rss_mb": max(r.rss_mb for r in runs),
        "peak_rss_mb": max(r.peak_rss_mb for r in runs),
        "api_calls_per_step": api / per_update,
        "chat_calls_per_step": sum(r.chat_calls for r in runs) / per_update,
        "get_updates_per_step": calls["getUpdates"] / per_update,
        "calls_by_method": dict(sorted(calls.items())),
        "refused_by_method": dict(sorted(refused.items())),
        "zimun_calls_per_booking": zimun / bookings if bookings else None,
        "zimun_calls": zimun,
        # Per booking, by endpoint: what a booking costs beyond its availability, hold, confirm.
        "zimun_per_booking_by_endpoint": {
            k: round(v / bookings, 2) for k, v in sorted(endpoints.items()) if bookings
        },
    }


def print_table(summaries: list[dict[str, Any]]) -> None:
    header = (
        f"{'shape':6} {'limiter':7} {'bot':8} {'steps':>5} {'book':>4} {'steps/s':>8} "
        f"{'book/s':>7} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} {'CPU ms/upd':>10} "
        f"{'RSS MB':>7} {'API/step':>8} {'chat/step':>9} {'Zimun/book':>10} {'t/o':>4}"
    )
    print(header)
    for s in summaries:
        zimun = s["zimun_calls_per_booking"]
        print(
            f"{s['shape']:6} {s['limiter']:7} {s['bot']:8} {s['steps']:>5} {s['bookings']:>4} "
            f"{s['steps_per_s']:>8.1f} {s['bookings_per_s']:>7.2f} {s['p50_ms']:>7.1f} "
            f"{s['p95_ms']:>7.1f} {s['p99_ms']:>7.1f} {s['cpu_ms_per_update']:>10.2f} "
            f"{s['rss_mb']:>7.1f} {s['api_calls_per_step']:>8.2f} {s['chat_calls_per_step']:>9.2f} "
            f"{'-' if zimun is None else f'{zimun:.1f}':>10} {s['timeouts']:>4}"
        )
    pairs: dict[tuple[str, str], dict[str, dict[str, Any]]] = {}
    for s in summaries:
        pairs.setdefault((s["shape"], s["limiter"]), {})[s["bot"]] = s
    for (shape, limiter), pair in pairs.items():
        for name in ECHO_BOTS:
            if {"bot", name} <= pair.keys():
                bot, echo = pair["bot"], pair[name]
                print(
                    f"{shape}/{limiter}: bot vs {name}: "
                    f"steps/s x{bot['steps_per_s'] / echo['steps_per_s']:.2f}, "
                    f"p50 x{bot['p50_ms'] / echo['p50_ms']:.1f}, "
                    f"CPU/update x{bot['cpu_ms_per_update'] / echo['cpu_ms_per_update']:.2f}"
                )


async def bench(args: argparse.Namespace) -> tuple[list[dict[str, Any]], list[Run]]:
    shapes = ["burst", "paced"] if args.shape == "both" else [args.shape]
    limiters = ["on", "off"] if args.limiter == "both" else [args.limiter]
    runs: list[Run] = []
    chat_ids = iter(range(1_000_000, 10**9, 10_000))
    with tempfile.TemporaryDirectory(prefix="zimun-bench-") as tmp:
        workdir = Path(tmp)
        for limiter in limiters:
            echoes = tuple(args.echoes)
            async with started(limiter, workdir, args.profile, dict(args.bot_env), echoes) as bots:
                options: dict[str, Any] = {
                    "limiter": limiter,
                    "rate": args.rate,
                    "step_timeout": args.step_timeout,
                    "trace": args.trace,
                }
                if args.warmup:
                    for which in (*echoes, "bot"):  # untimed: first imports, first connections
                        await measure(
                            bots,
                            which,
                            shape="burst",
                            count=2,
                            steps=args.warmup,
                            first_chat_id=next(chat_ids),
                            **options,
                        )
                for shape in shapes:
                    for round_number in range(args.rounds):
                        for which in (*echoes, "bot"):  # interleaved: A B A B (A B C A B C)
                            run = await measure(
                                bots,
                                which,
                                shape=shape,
                                count=args.customers,
                                steps=args.steps,
                                first_chat_id=next(chat_ids),
                                **options,
                            )
                            runs.append(run)
                            r = run.result
                            print(
                                f"  {shape}/{limiter} round {round_number + 1} {which:8}: "
                                f"{r.steps} steps, {r.bookings} bookings in {run.wall:.1f} s",
                                file=sys.stderr,
                            )
    groups: dict[tuple[str, str, str], list[Run]] = {}
    for run in runs:
        groups.setdefault((run.shape, run.limiter, run.bot), []).append(run)
    return [summarise(group) for group in groups.values()], runs


def _setting(text: str) -> tuple[str, str]:
    name, equals, value = text.partition("=")
    if not equals or not name:
        raise argparse.ArgumentTypeError(f"expected NAME=VALUE, got {text!r}")
    return name, value


def _echoes(text: str) -> list[str]:
    names = [name for name in text.split(",") if name]
    unknown = set(names) - ECHO_BOTS.keys()
    if not names or unknown:
        raise argparse.ArgumentTypeError(f"expected some of {', '.join(ECHO_BOTS)}, got {text!r}")
    return names


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=50, help="customers per run (default 50)")
    parser.add_argument(
        "--steps", type=int, default=8, help="steps per customer per run (default 8)"
    )
    parser.add_argument("--shape", choices=("burst", "paced", "both"), default="burst")
    parser.add_argument(
        "--limiter",
        choices=("on", "off", "both"),
        default="off",
        help="PTB's AIORateLimiter in both bots (default off: on caps both near 30 calls/s)",
    )
    parser.add_argument(
        "--rate", type=float, default=10.0, help="paced: steps/s in all (default 10)"
    )
    parser.add_argument(
        "--rounds", type=int, default=2, help="A B pairs per configuration (default 2)"
    )
    parser.add_argument(
        "--warmup", type=int, default=4, help="untimed steps per bot first (0: none)"
    )
    parser.add_argument("--step-timeout", type=float, default=30.0)
    parser.add_argument(
        "--profile", type=Path, help="run the bot under cProfile, writing PATH.<limiter>.prof"
    )
    parser.add_argument(
        "--bot-env",
        type=_setting,
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="a setting for the booking bot only, e.g. TELEGRAM_HTTP_CLIENT=httpx (repeatable)",
    )
    parser.add_argument(
        "--echoes",
        type=_echoes,
        default=list(ECHO_BOTS),
        metavar="NAME[,NAME]",
        help="the echo bots beside the booking bot, interleaved with it: echo (bare PTB, its "
        "httpx client), echo-aio (the same on the bot's aiohttp transport); default both",
    )
    parser.add_argument("--trace", action="store_true", help="print every step (debugging)")
    parser.add_argument("--json", type=Path, help="also write the summaries here")
    parser.add_argument(
        "--steps-json",
        type=Path,
        help="write every step (bot, shape, chat, kind, value, offered and answered on the "
        "monotonic clock, the answer's first line): to find what the slowest steps are",
    )
    args = parser.parse_args(argv)
    print(
        f"# {platform.python_implementation()} {platform.python_version()}, "
        f"{os.cpu_count()} CPUs, {platform.platform()}",
        flush=True,
    )
    # The driver, both Bot API stubs and the relay share this process and two cores with the
    # bots: on uvloop (and httptools under the stubs' uvicorn) they take less of them. The echo
    # bot stays the bare python-telegram-bot baseline, on asyncio's own loop.
    summaries, runs = eventloop.run(bench(args))
    if args.steps_json:
        steps = [
            {"bot": r.bot, "shape": r.shape, "limiter": r.limiter, "chat": chat, "kind": kind}
            | {"value": value, "offered": offered, "answered": answered, "answer": answer}
            for r in runs
            for chat, kind, value, offered, answered, answer in r.result.log
        ]
        args.steps_json.write_text(json.dumps(steps))
    print_table(summaries)
    if args.json:
        args.json.write_text(json.dumps(summaries, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
