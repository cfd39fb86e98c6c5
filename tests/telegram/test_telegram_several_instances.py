"""Several bot processes on one PostgreSQL (issue 12, item 6), as a platform runs them.

Three `python -m bot run` processes in webhook mode share the test's PostgreSQL, the loopback Bot
API stub and one Zimun sandbox process (`python -m bot sandbox`). The test plays Telegram and the
platform's balancer: it POSTs each update to the next instance in turn. Six customers book at once,
step by step, then three move and three cancel at once; meanwhile one instance is killed with
SIGKILL, a new one starts and an old one is stopped (a rolling restart), updates are delivered twice
to two instances at once, and the reminders fall due together while the instances poll for them.
Afterwards every chat shows its replies in order and nothing twice, and Zimun's appointments match
the ledger one to one.

The kill lands between a chat's steps: an update an instance had acknowledged (webhooks answer
before handling) dies with it, as with Telegram, and the customer would type it again.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import os
import signal
import socket
import sys
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import asyncpg
import httpx
import pytest
from botapi_stub import TOKEN, BotApiStub, says, without_price

from bot.i18n import translator_for
from bot.sandbox import (
    SANDBOX_CLIENT_ID,
    SANDBOX_CLIENT_SECRET,
    SANDBOX_ORGANIZATION_ID,
    default_seed,
)
from bot.sandbox.seed import italian_holidays
from bot.storage import open_store
from bot.storage.codec import time_to_db
from bot.storage.postgres import asyncpg_dsn
from bot.telegram.webhook import SECRET_HEADER
from bot.zimun import ZimunClient
from tests.conftest import fresh_postgres_schema

ROME = ZoneInfo("Europe/Rome")
IT = translator_for("it")
SECRET = "several-instances-secret"
WEEKDAYS_IT = ("lunedì", "martedì", "mercoledì", "giovedì", "venerdì")
MONTHS_IT = (
    "gennaio", "febbraio", "marzo", "aprile", "maggio", "giugno",
    "luglio", "agosto", "settembre", "ottobre", "novembre", "dicembre",
)  # fmt: skip
CUSTOMERS = (
    (501, "Rossi", 10),
    (502, "Bianchi", 11),
    (503, "Verdi", 12),
    (504, "Russo", 15),
    (505, "Ferrari", 16),
    (506, "Esposito", 17),
)
START_WITHIN = 60.0
MOVE = ("move.confirm", "moved.text")
# The yes cancels and asks the optional reason in the same message; Skip ends without one.
CANCEL = ("cancel.confirm", "cancelled.text", "cancel.reason_skipped")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def booking_day(today: date) -> date:
    """A working day (Monday to Friday, open in the sandbox's default seed) a few days ahead."""
    seed = default_seed()
    day = today + timedelta(days=2)
    while True:
        closed = set(seed.closures) | set(italian_holidays(day.year))
        if day.weekday() < 5 and day not in closed:
            return day
        day += timedelta(days=1)


@dataclass
class Instance:
    """One `python -m bot run` process serving the webhook on its own port."""

    name: str
    port: int
    process: asyncio.subprocess.Process
    log: Path

    def tail(self) -> str:
        return f"--- {self.name} ---\n" + self.log.read_text(errors="replace")[-3000:]


@dataclass
class Platform:
    """The processes, and the balancer in front of the instances (round robin)."""

    stub: BotApiStub
    workdir: Path
    env: dict[str, str]
    client: httpx.AsyncClient
    serving: list[Instance] = field(default_factory=list)
    everyone: list[Instance] = field(default_factory=list)
    _turn: Iterator[int] = field(default_factory=itertools.count)

    async def start(self, name: str) -> Instance:
        port = free_port()
        log = self.workdir / f"{name}.log"
        with log.open("wb") as out:
            process = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "bot", "run",
                cwd=self.workdir, env={**self.env, "PORT": str(port)},
                stdout=out, stderr=asyncio.subprocess.STDOUT, stdin=asyncio.subprocess.DEVNULL,
            )  # fmt: skip
        instance = Instance(name, port, process, log)
        self.everyone.append(instance)
        await self._healthy(instance)
        self.serving.append(instance)
        return instance

    async def _healthy(self, instance: Instance) -> None:
        url = f"http://127.0.0.1:{instance.port}/healthz"
        deadline = asyncio.get_running_loop().time() + START_WITHIN
        while asyncio.get_running_loop().time() < deadline:
            if instance.process.returncode is not None:
                raise AssertionError(f"{instance.name} exited\n{instance.tail()}")
            with contextlib.suppress(httpx.TransportError):
                if (await self.client.get(url)).status_code == 200:
                    return
            await asyncio.sleep(0.1)  # waiting for a process to start, not for time to pass
        raise AssertionError(f"{instance.name} never became healthy\n{instance.tail()}")

    def next(self) -> Instance:
        return self.serving[next(self._turn) % len(self.serving)]

    async def post(self, instance: Instance, update: dict[str, Any]) -> None:
        answer = await self.client.post(
            f"http://127.0.0.1:{instance.port}/hook", json=update, headers={SECRET_HEADER: SECRET}
        )
        assert answer.status_code == 200, instance.tail()

    async def deliver(self, *, twice: bool = False) -> None:
        """Hand the stub's pending updates to the next instance (and, `twice`, to the one after
        it too, at the same moment: a retried delivery landing elsewhere)."""
        for update in self.stub.take_updates():
            targets = [self.next()]
            if twice:
                targets.append(self.next())
            await asyncio.gather(*(self.post(target, update) for target in targets))

    async def kill(self, instance: Instance) -> None:
        instance.process.send_signal(signal.SIGKILL)
        await instance.process.wait()
        self.serving.remove(instance)

    async def stop(self, instance: Instance) -> None:
        """A rolling restart's last step: out of the balancer, then SIGTERM, then gone."""
        self.serving.remove(instance)
        instance.process.send_signal(signal.SIGTERM)
        assert await asyncio.wait_for(instance.process.wait(), 30) == 0, instance.tail()

    async def close(self) -> None:
        for instance in self.everyone:
            if instance.process.returncode is None:
                instance.process.send_signal(signal.SIGTERM)
        for instance in self.everyone:
            try:
                await asyncio.wait_for(instance.process.wait(), 20)
            except TimeoutError:
                instance.process.kill()
                await instance.process.wait()


class Customer:
    """One customer's phone; each step waits for the one answer the bot gives it."""

    def __init__(self, platform: Platform, chat_id: int, surname: str, hour: int) -> None:
        self.platform, self.chat_id, self.hour = platform, chat_id, hour
        self.name = f"Mario {surname}"
        self.email = f"mario.{surname.lower()}@example.com"
        self.answers: list[str] = []  # each step's answer as it appeared

    async def say(self, text: str, *, twice: bool = False) -> str:
        stub = self.platform.stub
        seen = len(stub.shown_in(self.chat_id))
        stub.text(self.chat_id, text, first_name="Mario", last_name=self.name.split()[1])
        await self.platform.deliver(twice=twice)
        shown = await stub.wait_shown(self.chat_id, seen + 1, within=30)
        self.answers.append(shown[seen].text)
        return shown[seen].text

    async def tap(self, label: str) -> str:
        stub = self.platform.stub
        seen = len(stub.shown_in(self.chat_id))
        stub.tap(self.chat_id, label, first_name="Mario", last_name=self.name.split()[1])
        await self.platform.deliver()
        shown = await stub.wait_shown(self.chat_id, seen + 1, within=30)
        self.answers.append(shown[seen].text)
        return shown[seen].text


@pytest.fixture
async def stub() -> AsyncIterator[BotApiStub]:
    async with BotApiStub().serving() as stub:
        yield stub


@pytest.fixture
async def database_url(postgres_server_url: str) -> AsyncIterator[str]:
    async with fresh_postgres_schema(postgres_server_url) as url:
        yield url


@pytest.fixture
async def platform(stub: BotApiStub, database_url: str, tmp_path: Path) -> AsyncIterator[Platform]:
    sandbox_port = free_port()
    sandbox_log = tmp_path / "sandbox.log"
    base = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        "PYTHONUNBUFFERED": "1",
    }
    with sandbox_log.open("wb") as out:
        sandbox = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "sandbox", "--port", str(sandbox_port),
            cwd=tmp_path, env=base, stdout=out, stderr=asyncio.subprocess.STDOUT,
        )  # fmt: skip
    env = {
        **base,
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_API_BASE_URL": stub.base_url,
        "TELEGRAM_API_BASE_FILE_URL": stub.base_file_url,
        "TELEGRAM_WEBHOOK_URL": "https://bot.example.com/hook",
        "TELEGRAM_WEBHOOK_SECRET": SECRET,
        "ZIMUN_API_URL": f"http://127.0.0.1:{sandbox_port}",
        "ZIMUN_CLIENT_ID": SANDBOX_CLIENT_ID,
        "ZIMUN_CLIENT_SECRET": SANDBOX_CLIENT_SECRET,
        "ZIMUN_ORGANIZATION_ID": SANDBOX_ORGANIZATION_ID,
        "DATABASE_URL": database_url,
        "REMINDERS": "24h",  # one reminder a booking, so "sent once" is one message a chat
    }
    async with httpx.AsyncClient(timeout=30) as client:
        result = Platform(stub, tmp_path, env, client)
        try:
            yield result
        finally:
            await result.close()
            sandbox.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(sandbox.wait(), 20)
            except TimeoutError:
                sandbox.kill()
                await sandbox.wait()


async def lockstep(customers: list[Customer], step: Callable[[Customer], Any]) -> list[str]:
    answers: list[str] = await asyncio.gather(*(step(customer) for customer in customers))
    return answers


async def test_three_instances_serve_one_bot_through_a_kill_a_restart_and_duplicates(
    platform: Platform, stub: BotApiStub, database_url: str
) -> None:
    first, second, third = await asyncio.gather(
        *(platform.start(name) for name in ("first", "second", "third"))
    )
    day = booking_day(datetime.now(ROME).date())
    when = f"{WEEKDAYS_IT[day.weekday()]} {day.day} {MONTHS_IT[day.month - 1]}"
    customers = [Customer(platform, *values) for values in CUSTOMERS]
    try:
        held = await lockstep(customers, lambda c: c.say(f"vorrei un taglio {when} alle {c.hour}"))
        assert all(says(text, "it", "hold.placed") for text in held), held

        # SIGKILL mid-conversation: its chats carry on through the other two.
        await platform.kill(first)
        asked = await lockstep(customers, lambda c: c.say(c.name))
        assert all(says(text, "it", "email.ask") for text in asked), asked

        # A rolling restart: the new instance joins the balancer, then an old one is stopped.
        await platform.start("fourth")
        await platform.stop(second)
        # Each e-mail delivered to two instances at the same moment: answered once.
        summaries = await lockstep(customers, lambda c: c.say(c.email, twice=True))
        assert all(says(without_price(text), "it", "summary.text") for text in summaries)

        booked = await lockstep(customers, lambda c: c.say("sì"))
        assert all(says(text, "it", "booked.text", service="Taglio") for text in booked), booked

        # Half move theirs, half cancel it, at once.
        movers, cancellers = customers[:3], customers[3:]

        async def move(c: Customer) -> list[str]:
            return [
                await c.say(f"sposta il mio appuntamento a {when} alle {c.hour}:30"),
                await c.tap(IT("button.move_yes")),
            ]

        async def cancel(c: Customer) -> list[str]:
            return [
                await c.say("vorrei disdire il mio appuntamento"),
                await c.tap(IT("button.cancel_yes")),
                await c.tap(IT("button.skip")),
            ]

        changes = await asyncio.gather(*map(move, movers), *map(cancel, cancellers))
        for texts in changes[: len(movers)]:
            assert [says(t, "it", k) for t, k in zip(texts, MOVE, strict=True)] == [True] * 2
        for texts in changes[len(movers) :]:
            assert [says(t, "it", k) for t, k in zip(texts, CANCEL, strict=True)] == [True] * 3
            assert says(texts[1], "it", "cancel.reason")

        # Every reminder falls due at once while the instances poll for due messages.
        admin = await asyncpg.connect(asyncpg_dsn(database_url))
        try:
            past = time_to_db(datetime.now(UTC) - timedelta(minutes=1), "due")
            moved = await admin.execute(
                "UPDATE scheduled_messages SET due_at = $1 WHERE kind = 'reminder'", past
            )
            assert moved == f"UPDATE {len(movers)}"  # a cancelled booking has none
            for customer in movers:
                await stub.wait_for(
                    lambda c=customer: any(
                        says(m.text, "it", "reminder.ask") for m in stub.shown_in(c.chat_id)
                    ),
                    within=30,
                    what=f"the reminder in chat {customer.chat_id}",
                )
            await stub.settled(quiet=0.5, within=30)
            # Marked sent right after Telegram took it (the stub shows it a moment before).
            deadline = asyncio.get_running_loop().time() + 30
            while await admin.fetchval(
                "SELECT count(*) FROM scheduled_messages WHERE kind = 'reminder' AND NOT sent"
            ):
                assert asyncio.get_running_loop().time() < deadline, "reminders never marked sent"
                await asyncio.sleep(0.05)  # waiting for the other processes, not for time
        finally:
            await admin.close()
        for customer in movers:
            shown = stub.shown_in(customer.chat_id)
            customer.answers += [m.text for m in shown if says(m.text, "it", "reminder.ask")]
    except BaseException:
        print("\n".join(instance.tail() for instance in platform.everyone))
        raise
    assert third.process.returncode is None
    logs = "".join(instance.log.read_text(errors="replace") for instance in platform.everyone)
    # Each duplicate reached a second instance, which found the update claimed and let it be.
    assert logs.count("was delivered again; already claimed, not handled") == len(customers)

    # Every chat: each answer once, in the order of its steps.
    booking = ["hold.placed", "email.ask", "summary.text", "booked.text"]
    for customer in customers:
        changed = [*MOVE, "reminder.ask"] if customer in movers else [*CANCEL]
        expected = [*booking, *changed]
        # What appeared or changed (a tapped message edited into the answer counts again).
        assert len(stub.shown_in(customer.chat_id)) == len(expected), customer.answers
        for text, key in zip(customer.answers, expected, strict=True):
            assert says(without_price(text), "it", key), (customer.chat_id, key, text)

    # Zimun and the ledger agree: one confirmed appointment per customer, none twice.
    store = await open_store(database_url)
    zimun = ZimunClient(
        base_url=platform.env["ZIMUN_API_URL"],
        client_id=SANDBOX_CLIENT_ID,
        client_secret=SANDBOX_CLIENT_SECRET,
        organization_id=SANDBOX_ORGANIZATION_ID,
    )
    try:
        start = datetime.combine(day, datetime.min.time(), ROME)
        appointments = [
            a
            for a in await zimun.list_appointments(start=start, end=start + timedelta(days=1))
            if a.contact_email.endswith("@example.com")
        ]
        ledger = await store.bookings_between(start, start + timedelta(days=1))
        assert await store.open_intents() == []
    finally:
        await zimun.aclose()
        await store.close()
    assert sorted(a.contact_email for a in appointments) == sorted(c.email for c in customers)
    assert sorted((e.appointment_id, e.start, e.status) for e in ledger) == sorted(
        (a.id, a.start, str(a.status)) for a in appointments
    )
    for customer in customers:
        [entry] = [e for e in ledger if e.chat_id == customer.chat_id]
        local = entry.start.astimezone(ROME)
        if customer in movers:
            assert (entry.status, local.hour, local.minute) == ("confirmed", customer.hour, 30)
        else:
            assert (entry.status, local.hour, local.minute) == ("cancelled", customer.hour, 0)
