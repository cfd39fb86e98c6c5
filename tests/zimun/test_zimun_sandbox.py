"""The real ZimunClient against the offline sandbox, mostly over a real loopback socket.

The sandbox's world and the client share one ManualClock, so token and hold expiry are driven by
advancing it. A recording transport wraps the real one to see what went over the wire.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

import httpx
import pytest

from bot.clock import ManualClock
from bot.sandbox import (
    SANDBOX_CLIENT_ID,
    SANDBOX_CLIENT_SECRET,
    SANDBOX_ORGANIZATION_ID,
    Seed,
    World,
    create_app,
    default_seed,
)
from bot.sandbox.server import serve_in_thread
from bot.zimun import (
    AppointmentStatus,
    AuthError,
    Closure,
    ClosureKind,
    Conflict,
    HoldExpired,
    NotFound,
    RateLimited,
    RetryPolicy,
    SlotUnavailable,
    ZimunClient,
)
from bot.zimun.transport import ZimunTransport

NOW = datetime(2026, 11, 23, 8, 15, tzinfo=UTC)  # Monday 09:15 Europe/Rome
TUESDAY_10 = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)  # 10:00 in Rome, inside opening hours


@dataclass
class Sent:
    method: str
    path: str
    idempotency_key: str | None
    status: int | None = None


@dataclass
class Recording(httpx.AsyncBaseTransport):
    """Delegates to a real transport and notes every request and its status (None: no answer)."""

    inner: httpx.AsyncBaseTransport
    sent: list[Sent] = field(default_factory=list)

    lose_answers: int = 0  # answers to read and then throw away, as if the line went dead

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        entry = Sent(request.method, request.url.path, request.headers.get("Idempotency-Key"))
        self.sent.append(entry)
        response = await self.inner.handle_async_request(request)
        entry.status = response.status_code
        if self.lose_answers and request.method == "POST" and "oauth" not in request.url.path:
            self.lose_answers -= 1
            await response.aread()
            await response.aclose()
            raise httpx.ReadError("connection lost after the server answered", request=request)
        return response

    async def aclose(self) -> None:
        await self.inner.aclose()

    def to(self, method: str, path: str) -> list[Sent]:
        return [s for s in self.sent if s.method == method and s.path == path]


@dataclass
class Harness:
    world: World
    clock: ManualClock
    wire: Recording
    client: ZimunClient
    sleeps: list[float]


def build(
    world: World, clock: ManualClock, transport: httpx.AsyncBaseTransport, base_url: str
) -> Harness:
    recording = Recording(transport)
    sleeps: list[float] = []

    async def sleep(delay: float) -> None:
        sleeps.append(delay)
        world.clear_faults()  # a fault injected for "the first attempt" is over once we back off

    client = ZimunClient(
        base_url=base_url,
        client_id=SANDBOX_CLIENT_ID,
        client_secret=SANDBOX_CLIENT_SECRET,
        organization_id=SANDBOX_ORGANIZATION_ID,
        transport=recording,
        clock=clock,
        retry=RetryPolicy(max_attempts=3, base_delay=0.01, max_delay=0.05, max_total=30),
        sleep=sleep,
    )
    return Harness(world, clock, recording, client, sleeps)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(NOW)


@pytest.fixture
def world(clock: ManualClock) -> World:
    return World(seed=default_seed(), clock=clock)


@pytest.fixture
def served(world: World) -> Iterator[str]:
    with serve_in_thread(world, host="127.0.0.1", port=0) as base_url:
        yield base_url


# Over loopback, both transports the bot may use: httpx's own, and aiohttp underneath (the
# default against a real Zimun, `bot.zimun.transport`), with the same outcomes and errors.
TRANSPORTS: dict[str, Callable[[], httpx.AsyncBaseTransport]] = {
    "httpx": httpx.AsyncHTTPTransport,
    "aiohttp": ZimunTransport,
}


@pytest.fixture(params=sorted(TRANSPORTS))
async def loopback(
    world: World, clock: ManualClock, served: str, request: pytest.FixtureRequest
) -> AsyncIterator[Harness]:
    harness = build(world, clock, TRANSPORTS[request.param](), served)
    async with harness.client:
        yield harness


async def in_process(seed: Seed, clock: ManualClock) -> Harness:
    world = World(seed=seed, clock=clock)
    return build(world, clock, httpx.ASGITransport(app=create_app(world)), "http://sandbox")


# --- tokens ----------------------------------------------------------------------------------


async def test_one_token_serves_many_calls(loopback: Harness) -> None:
    client = loopback.client
    await client.list_services()
    await client.list_locations()
    await client.get_availability("s_taglio")
    hold = await client.hold("s_taglio", TUESDAY_10, 30, idempotency_key="k-reuse")
    await client.release_hold(hold.id)
    assert len(loopback.world.tokens) == 1
    assert len(loopback.wire.to("POST", "/oauth/token")) == 1


async def test_token_is_refreshed_before_it_expires_without_a_401(loopback: Harness) -> None:
    await loopback.client.list_services()
    loopback.clock.advance(timedelta(seconds=3600 - 59))  # inside the last minute of its life
    await loopback.client.list_services()
    assert len(loopback.world.tokens) == 2
    assert all(s.status != 401 for s in loopback.wire.sent)


async def test_expired_tokens_are_recovered_from_with_one_refresh(loopback: Harness) -> None:
    await loopback.client.list_services()
    loopback.world.expire_all_tokens()
    services = await loopback.client.list_services()
    assert [s.id for s in services] == ["s_taglio", "s_piega", "s_colore"]
    assert [s.status for s in loopback.wire.to("GET", "/api/v1/services")] == [200, 401, 200]
    assert len(loopback.wire.to("POST", "/oauth/token")) == 2


async def test_twenty_concurrent_calls_on_a_fresh_client_make_one_token_request(
    loopback: Harness,
) -> None:
    await asyncio.gather(*(loopback.client.list_services() for _ in range(20)))
    assert len(loopback.wire.to("POST", "/oauth/token")) == 1
    assert len(loopback.world.tokens) == 1


async def test_wrong_credentials_are_an_auth_error(world: World, served: str) -> None:
    async with ZimunClient(
        base_url=served,
        client_id=SANDBOX_CLIENT_ID,
        client_secret="wrong",
        organization_id=SANDBOX_ORGANIZATION_ID,
        clock=world.clock,
    ) as client:
        with pytest.raises(AuthError, match="ZIMUN_CLIENT_SECRET"):
            await client.list_services()


# --- retries and idempotency -----------------------------------------------------------------


@pytest.mark.parametrize(
    "fault",
    [
        {"error_rate": 1.0, "error_status": 503},  # refused before it was done
        {"drop_connections": 1},  # connection dropped before it was done
        {"lose_answers": 1},  # done, but the answer never arrived: only the key saves us
    ],
)
async def test_a_retried_hold_reuses_its_key_and_holds_once(
    loopback: Harness, fault: dict[str, object]
) -> None:
    await loopback.client.list_services()  # the token first, so the fault hits the hold
    if "lose_answers" in fault:
        loopback.wire.lose_answers = 1
    else:
        loopback.world.set_faults(**fault)
    hold = await loopback.client.hold("s_taglio", TUESDAY_10, 30, idempotency_key="hold-42")
    attempts = loopback.wire.to("POST", "/api/v1/appointments/hold")
    assert [a.idempotency_key for a in attempts] == ["hold-42", "hold-42"]
    assert attempts[-1].status == 201
    assert len(loopback.sleeps) == 1
    assert list(loopback.world.holds) == [hold.id]


async def test_rate_limit_honours_retry_after_then_raises_rate_limited(
    world: World, clock: ManualClock, served: str
) -> None:
    sleeps: list[float] = []

    async def sleep(delay: float) -> None:
        sleeps.append(delay)

    async with ZimunClient(
        base_url=served,
        client_id=SANDBOX_CLIENT_ID,
        client_secret=SANDBOX_CLIENT_SECRET,
        organization_id=SANDBOX_ORGANIZATION_ID,
        clock=clock,
        retry=RetryPolicy(max_attempts=3, base_delay=0.01, max_delay=0.05, max_total=30),
        sleep=sleep,
    ) as client:
        await client.list_services()  # the token first, so the limit hits the call
        world.set_faults(rate_limit={"count": 1, "retry_after": 2})
        await client.get_availability("s_taglio")  # one 429, then the answer
        assert sleeps == [2.0]
        world.set_faults(rate_limit={"count": 10, "retry_after": 3})
        with pytest.raises(RateLimited) as caught:
            await client.get_availability("s_taglio")
    assert caught.value.status == 429
    assert caught.value.retry_after == 3.0
    assert sleeps == [2.0, 3.0, 3.0]


# --- error mapping ---------------------------------------------------------------------------


async def test_holds_beyond_the_staff_are_slot_unavailable(loopback: Harness) -> None:
    client = loopback.client
    await client.hold("s_taglio", TUESDAY_10, 30, idempotency_key="a")
    await client.hold("s_taglio", TUESDAY_10, 30, idempotency_key="b")
    with pytest.raises(SlotUnavailable) as caught:
        await client.hold("s_taglio", TUESDAY_10, 30, idempotency_key="c")
    assert caught.value.status == 409 and caught.value.code == "slot_unavailable"


async def test_confirming_an_expired_hold_is_hold_expired(loopback: Harness) -> None:
    hold = await loopback.client.hold("s_taglio", TUESDAY_10, 30, idempotency_key="h")
    assert hold.expires_at == NOW + timedelta(minutes=10)
    loopback.clock.advance(timedelta(minutes=11))
    with pytest.raises(HoldExpired) as caught:
        await loopback.client.confirm(
            hold.id, name="Dana Lee", email="dana@example.com", idempotency_key="c"
        )
    assert caught.value.status == 410


async def test_unknown_ids_are_not_found(loopback: Harness) -> None:
    with pytest.raises(NotFound):
        await loopback.client.get_appointment("a_missing")
    with pytest.raises(NotFound):
        await loopback.client.reschedule("a_missing", TUESDAY_10, idempotency_key="m")


async def test_book_move_cancel_and_conflicts_after_cancel(loopback: Harness) -> None:
    client = loopback.client
    hold = await client.hold("s_piega", TUESDAY_10, 60, idempotency_key="h1")
    booked = await client.confirm(
        hold.id, name="Dana Lee", email="dana@example.com", idempotency_key="c1"
    )
    assert booked.status is AppointmentStatus.CONFIRMED and booked.start == TUESDAY_10
    assert booked.booking_code
    later = TUESDAY_10 + timedelta(hours=1)
    moved = await client.reschedule(booked.id, later, idempotency_key="m1")
    assert moved.start == later
    assert (await client.get_appointment(booked.id)).start == later
    cancelled = await client.cancel(booked.id, idempotency_key="x1")
    assert cancelled.status is AppointmentStatus.CANCELLED
    with pytest.raises(Conflict) as caught:
        await client.reschedule(booked.id, TUESDAY_10, idempotency_key="m2")
    assert caught.value.code == "appointment_cancelled"
    assert [mail.kind for mail in loopback.world.outbox] == [
        "confirmation",
        "rescheduled",
        "cancelled",
    ]


async def test_a_released_hold_frees_the_time(loopback: Harness) -> None:
    client = loopback.client
    first = await client.hold("s_taglio", TUESDAY_10, 30, idempotency_key="r1")
    await client.hold("s_taglio", TUESDAY_10, 30, idempotency_key="r2")
    await client.release_hold(first.id)
    await client.release_hold(first.id)  # twice is harmless
    await client.release_hold("h_unknown")  # and so is nonsense
    await client.hold("s_taglio", TUESDAY_10, 30, idempotency_key="r3")


# --- the race --------------------------------------------------------------------------------


async def test_twenty_concurrent_holds_on_one_time_have_exactly_two_winners(
    loopback: Harness,
) -> None:
    outcomes = await asyncio.gather(
        *(
            loopback.client.hold("s_taglio", TUESDAY_10, 30, idempotency_key=f"race-{n}")
            for n in range(20)
        ),
        return_exceptions=True,
    )
    winners = [o for o in outcomes if not isinstance(o, BaseException)]
    losers = [o for o in outcomes if isinstance(o, BaseException)]
    assert len(winners) == default_seed().staff == 2
    assert len(losers) == 18 and all(isinstance(o, SlotUnavailable) for o in losers)
    assert len({w.id for w in winners}) == 2
    assert len(loopback.world.holds) == 2


# --- in process: pages and the holiday map ---------------------------------------------------


async def test_every_page_of_services_and_appointments_is_read(clock: ManualClock) -> None:
    many = 130  # more than the largest page (100)
    seed = Seed.from_dict(
        {
            "services": [
                {"id": f"s_{n:03}", "name": f"Servizio {n}", "duration_minutes": 30}
                for n in range(many)
            ],
            "staff": many,
            "bookings": [
                {"service_id": "s_000", "start": "2026-11-24T10:00:00", "id": f"a_{n:03}"}
                for n in range(many)
            ],
        }
    )
    harness = await in_process(seed, clock)
    async with harness.client as client:
        services = await client.list_services()
        appointments = await client.list_appointments(
            start=NOW, end=NOW + timedelta(days=7), status="confirmed"
        )
    assert [s.id for s in services] == [f"s_{n:03}" for n in range(many)]
    assert sorted(a.id for a in appointments) == [f"a_{n:03}" for n in range(many)]
    assert len(harness.wire.to("GET", "/api/v1/services")) >= 2
    assert len(harness.wire.to("GET", "/api/v1/appointments")) >= 2


async def test_holidays_and_closed_days_are_named_in_the_map(clock: ManualClock) -> None:
    harness = await in_process(default_seed(), clock)
    async with harness.client as client:
        availability = await client.get_availability(
            "s_taglio", first_day=date(2026, 12, 1), days_ahead=14
        )
    assert availability.timezone == "Europe/Rome"
    assert availability.first_day == date(2026, 12, 1)
    assert availability.closures[date(2026, 12, 8)] == Closure(
        ClosureKind.HOLIDAY, "Immacolata Concezione"
    )
    assert availability.closures[date(2026, 12, 3)] == Closure(
        ClosureKind.CLOSED, "Formazione del personale"
    )
    days = availability.by_day()
    assert date(2026, 12, 8) not in days and date(2026, 12, 6) not in days  # holiday, Sunday
    assert date(2026, 12, 7) in days
    assert all(slot.start.tzinfo is UTC for slot in availability.slots)
    first = days[date(2026, 12, 1)][0]
    assert first.start == datetime(2026, 12, 1, 8, 0, tzinfo=UTC)  # 09:00 in Rome
    assert first.duration == timedelta(minutes=30)


# --- locations ---------------------------------------------------------------------------------


async def test_a_location_carries_its_address_and_weekly_hours(clock: ManualClock) -> None:
    harness = await in_process(default_seed(), clock)
    async with harness.client:
        (location,) = await harness.client.list_locations()
    assert location.address == "Via dei Coronari 12, Roma"
    monday = [(i.start.hour, i.end.hour) for i in location.hours_on(0)]
    assert monday == [(9, 13), (14, 19)]  # the lunch break is a gap, not open time
    assert [(i.start.hour, i.end.hour) for i in location.hours_on(5)] == [(9, 13)]
    assert location.hours_on(6) == ()  # Sunday is closed
