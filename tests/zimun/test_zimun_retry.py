"""Retries and error translation of ZimunClient, against scripted answers at the transport."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime

import httpx
import pytest

from bot.clock import ManualClock
from bot.zimun import (
    Conflict,
    HoldExpired,
    InvalidRequest,
    NotFound,
    RateLimited,
    RetryPolicy,
    SlotUnavailable,
    Unavailable,
    ZimunClient,
    ZimunError,
)

NOW = datetime(2026, 11, 23, 8, 15, tzinfo=UTC)
START = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
HOLD = {
    "hold_id": "h_1",
    "status": "held",
    "service_id": "s_taglio",
    "appointment_time": "2026-11-24T09:00:00Z",
    "appointment_duration": 30,
    "expires_at": "2026-11-23T08:25:00Z",
}
Answer = httpx.Response | Exception


class Script:
    """Answers API calls from a list (the last answer repeats); tokens are always granted."""

    def __init__(self, *answers: Answer) -> None:
        self.answers = list(answers)
        self.calls: list[tuple[str, str, str | None]] = []  # method, path, Idempotency-Key

    def __call__(self, request: httpx.Request) -> httpx.Response:
        if request.url.path == "/oauth/token":
            return httpx.Response(200, json={"access_token": "t", "expires_in": 3600})
        self.calls.append(
            (request.method, request.url.path, request.headers.get("Idempotency-Key"))
        )
        answer = self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]
        if isinstance(answer, Exception):
            raise answer
        return answer


def error(status: int, code: str | None = None, **headers: str) -> httpx.Response:
    body = {"error": {"code": code, "message": f"{code} happened"}} if code else None
    return httpx.Response(status, json=body, headers=headers)


def client_for(
    script: Script, sleeps: list[float], policy: RetryPolicy | None = None
) -> ZimunClient:
    async def sleep(delay: float) -> None:
        sleeps.append(delay)

    return ZimunClient(
        base_url="https://zimun.test",
        client_id="c",
        client_secret="s",
        organization_id="o_1",
        transport=httpx.MockTransport(script),
        clock=ManualClock(NOW),
        retry=policy or RetryPolicy(max_attempts=4, base_delay=0.5, max_delay=2.0, max_total=30),
        sleep=sleep,
    )


async def test_transient_5xx_is_retried_with_capped_jittered_backoff() -> None:
    script, sleeps = (
        Script(error(503), error(500), error(502), httpx.Response(200, json=HOLD)),
        list[float](),
    )
    async with client_for(script, sleeps) as client:
        hold = await client.hold("s_taglio", START, 30, idempotency_key="k-1")
    assert hold.id == "h_1"
    assert len(script.calls) == 4
    assert len(sleeps) == 3
    assert all(0 <= delay <= cap for delay, cap in zip(sleeps, [0.5, 1.0, 2.0], strict=True))


async def test_a_retried_write_sends_the_same_idempotency_key_every_time() -> None:
    script = Script(httpx.RemoteProtocolError("dropped"), httpx.Response(201, json=HOLD))
    async with client_for(script, []) as client:
        await client.hold("s_taglio", START, 30, idempotency_key="hold-chat1-abc")
    assert script.calls == [("POST", "/api/v1/appointments/hold", "hold-chat1-abc")] * 2


async def test_retry_after_is_honoured_and_exhaustion_raises_rate_limited() -> None:
    script, sleeps = Script(error(429, "rate_limited", **{"Retry-After": "3"})), list[float]()
    async with client_for(script, sleeps) as client:
        with pytest.raises(RateLimited) as caught:
            await client.list_services()
    assert caught.value.status == 429
    assert caught.value.retry_after == 3.0
    assert len(script.calls) == 4  # bounded attempts
    assert sleeps and all(delay >= 3.0 for delay in sleeps)


async def test_total_time_is_bounded_even_when_attempts_remain() -> None:
    script, sleeps = Script(error(429, "rate_limited", **{"Retry-After": "120"})), list[float]()
    async with client_for(script, sleeps) as client:
        with pytest.raises(RateLimited) as caught:
            await client.list_services()
    assert caught.value.retry_after == 120.0
    assert len(script.calls) == 1
    assert sleeps == []


async def test_budget_counts_the_delays_it_asked_for() -> None:
    policy = RetryPolicy(max_attempts=10, base_delay=4.0, max_delay=4.0, max_total=10.0)
    script, sleeps = Script(error(503)), list[float]()
    async with client_for(script, sleeps, policy) as client:
        with pytest.raises(Unavailable):
            await client.list_services()
    assert sum(sleeps) <= 10.0
    assert len(script.calls) < 10


@pytest.mark.parametrize(
    ("failure", "cause"),
    [
        (httpx.ConnectError("refused"), httpx.ConnectError),
        (httpx.ReadTimeout("slow"), httpx.ReadTimeout),
    ],
)
async def test_network_failures_become_unavailable_chained_to_the_httpx_error(
    failure: Exception, cause: type[Exception]
) -> None:
    script = Script(failure)
    async with client_for(script, [], RetryPolicy(max_attempts=2)) as client:
        with pytest.raises(Unavailable) as caught:
            await client.get_appointment("a_1")
    assert isinstance(caught.value.__cause__, cause)
    assert len(script.calls) == 2


@pytest.mark.parametrize(
    ("answer", "kind", "code"),
    [
        (error(400, "invalid_request"), InvalidRequest, "invalid_request"),
        (error(422, "validation_error"), InvalidRequest, "validation_error"),
        (error(404, "appointment_not_found"), NotFound, "appointment_not_found"),
        (error(409, "slot_unavailable"), SlotUnavailable, "slot_unavailable"),
        (error(409), SlotUnavailable, None),
        (error(409, "appointment_cancelled"), Conflict, "appointment_cancelled"),
        (error(409, "appointment_in_past"), Conflict, "appointment_in_past"),
        (error(410, "hold_expired"), HoldExpired, "hold_expired"),
        (httpx.Response(418, text="<html>teapot</html>"), InvalidRequest, None),
    ],
)
async def test_client_errors_are_typed_and_never_retried(
    answer: httpx.Response, kind: type[ZimunError], code: str | None
) -> None:
    script, sleeps = Script(answer), list[float]()
    async with client_for(script, sleeps) as client:
        with pytest.raises(kind) as caught:
            await client.reschedule("a_1", START, idempotency_key="k")
    assert type(caught.value) is kind
    assert caught.value.status == answer.status_code
    assert caught.value.code == code
    assert len(script.calls) == 1 and sleeps == []


async def test_a_5xx_without_a_json_body_is_still_unavailable() -> None:
    script = Script(httpx.Response(502, text="Bad Gateway"))
    async with client_for(script, [], RetryPolicy(max_attempts=1)) as client:
        with pytest.raises(Unavailable) as caught:
            await client.list_locations()
    assert caught.value.status == 502


async def test_a_malformed_success_body_is_a_zimun_error() -> None:
    script = Script(httpx.Response(201, json={"unexpected": True}))
    async with client_for(script, []) as client:
        with pytest.raises(ZimunError) as caught:
            await client.hold("s_taglio", START, 30, idempotency_key="k")
    assert isinstance(caught.value.__cause__, KeyError)


@pytest.mark.parametrize(
    ("answer", "level"),
    [
        (error(404, "hold_not_found"), logging.INFO),
        (httpx.Response(405), logging.INFO),
        (error(503, "unavailable"), logging.WARNING),
        (httpx.ConnectError("refused"), logging.WARNING),
    ],
)
async def test_release_hold_is_best_effort_and_never_raises(
    answer: Answer, level: int, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="bot.zimun")
    script, sleeps = Script(answer), list[float]()
    async with client_for(script, sleeps) as client:
        await client.release_hold("h_9")
    assert script.calls == [("DELETE", "/api/v1/appointments/hold/h_9", None)]
    assert sleeps == []
    record = next(r for r in caplog.records if "h_9" in r.getMessage())
    assert record.levelno == level


async def test_release_hold_sends_one_delete_and_returns() -> None:
    script = Script(httpx.Response(204))
    async with client_for(script, []) as client:
        await client.release_hold("h_9")
    assert len(script.calls) == 1


def test_backoff_doubles_up_to_the_cap() -> None:
    policy = RetryPolicy(base_delay=0.5, max_delay=4.0)
    full: Callable[[], float] = lambda: 1.0  # noqa: E731
    assert [policy.backoff(n, jitter=full) for n in range(1, 7)] == [0.5, 1, 2, 4, 4, 4]
    assert policy.backoff(3, jitter=lambda: 0.25) == 0.5


def test_retry_policy_rejects_nonsense() -> None:
    with pytest.raises(ValueError):
        RetryPolicy(max_attempts=0)
