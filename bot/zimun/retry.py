"""Retries for Zimun calls: capped exponential backoff with full jitter, honouring Retry-After.

Only transient failures are retried (`Unavailable`: 5xx, timeouts, connection errors; and
`RateLimited`), within a bounded number of attempts and a bounded total time. The sleep is
injected so tests never wait.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar

from tenacity import AsyncRetrying, RetryCallState, retry_if_exception_type

from bot.zimun.errors import RateLimited, Unavailable, ZimunError

logger = logging.getLogger(__name__)

T = TypeVar("T")
Sleep = Callable[[float], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How hard to try: attempts in all (1 = no retry), delays and the total budget in seconds."""

    max_attempts: int = 4
    base_delay: float = 0.5
    max_delay: float = 8.0
    max_total: float = 30.0

    def __post_init__(self) -> None:
        if self.max_attempts < 1:
            raise ValueError("max_attempts must be at least 1")
        if min(self.base_delay, self.max_delay, self.max_total) < 0:
            raise ValueError("delays must not be negative")

    def backoff(self, retry: int, *, jitter: Callable[[], float] = random.random) -> float:
        """Full-jitter delay before retry number `retry` (1-based): uniform in [0, capped exp]."""
        cap = min(self.max_delay, self.base_delay * 2.0 ** (retry - 1))
        return float(cap * jitter())


NO_RETRY = RetryPolicy(max_attempts=1)

RETRYABLE: tuple[type[ZimunError], ...] = (Unavailable, RateLimited)


async def call_with_retry(
    attempt: Callable[[], Awaitable[T]],
    *,
    policy: RetryPolicy,
    sleep: Sleep = asyncio.sleep,
    operation: str = "call",
    jitter: Callable[[], float] = random.random,
    monotonic: Callable[[], float] = time.monotonic,
) -> T:
    """Run `attempt` until it succeeds, fails for good, or the policy's budget is spent.

    The last error is raised as it is (a `RateLimited` keeps its `retry_after`). Elapsed time
    counts both the wall clock and the delays asked of `sleep`, so a fake sleep still spends
    the budget. The loop itself is tenacity's; the policy decides the waits and when to stop.
    """
    started = monotonic()

    def wait(state: RetryCallState) -> float:
        delay = policy.backoff(state.attempt_number, jitter=jitter)
        error = state.outcome.exception() if state.outcome else None
        if isinstance(error, ZimunError) and error.retry_after is not None:
            delay = max(delay, error.retry_after)
        return delay

    def stop(state: RetryCallState) -> bool:
        if state.attempt_number >= policy.max_attempts:
            return True
        elapsed = max(monotonic() - started, state.idle_for)
        if elapsed + state.upcoming_sleep > policy.max_total:
            logger.warning(
                "%s: giving up after %d attempts (%.1f s, next wait %.1f s)",
                operation,
                state.attempt_number,
                elapsed,
                state.upcoming_sleep,
            )
            return True
        return False

    def before_sleep(state: RetryCallState) -> None:
        error = state.outcome.exception() if state.outcome else None
        logger.info(
            "%s failed (%s, status %s); retry %d in %.2f s",
            operation,
            type(error).__name__,
            getattr(error, "status", None),
            state.attempt_number,
            state.upcoming_sleep,
        )

    retrying = AsyncRetrying(
        retry=retry_if_exception_type(RETRYABLE),
        wait=wait,
        stop=stop,
        sleep=sleep,
        before_sleep=before_sleep,
        reraise=True,
    )
    return await retrying(attempt)
