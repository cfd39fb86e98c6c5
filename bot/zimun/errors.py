"""The one error tree of the Zimun client; every failure a caller sees is a `ZimunError`.

```
ZimunError                 status, code, message, retry_after
├── AuthError              401/403, token endpoint failures (bad ZIMUN_CLIENT_ID/SECRET)
├── InvalidRequest         400/422 and other 4xx the client caused
├── NotFound               404 (hold_not_found, appointment_not_found, ...)
├── SlotUnavailable        409 slot_unavailable: the time is taken, held or not offered
├── Conflict               other 409: appointment_cancelled, appointment_in_past
├── HoldExpired            410 hold_expired
├── RateLimited            429; retry_after carries Retry-After in seconds
└── Unavailable            5xx, timeouts, connection errors (the httpx error is chained)
```
The status class decides the type; `code` is read leniently (it may be missing or new).
"""

from __future__ import annotations

__all__ = [
    "AuthError",
    "Conflict",
    "HoldExpired",
    "InvalidRequest",
    "NotFound",
    "RateLimited",
    "SlotUnavailable",
    "Unavailable",
    "ZimunError",
    "error_for_status",
]


class ZimunError(Exception):
    """Root of every error raised by the Zimun client."""

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        code: str | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.code = code
        self.retry_after = retry_after

    @property
    def summary(self) -> str:
        """What a log line may say: type, status and code, never the message. A server's message
        may echo what was sent (a name, an e-mail address); ours may quote a malformed body."""
        details = ", ".join(
            part for part in (f"HTTP {self.status}" if self.status else "", self.code or "") if part
        )
        return f"{type(self).__name__} ({details})" if details else type(self).__name__

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}({self.message!r}, status={self.status!r}, "
            f"code={self.code!r}, retry_after={self.retry_after!r})"
        )


class AuthError(ZimunError):
    """Credentials refused or a token not accepted (401/403, token endpoint failures)."""


class InvalidRequest(ZimunError):
    """Zimun rejected the request as malformed or invalid (400/422, other 4xx)."""


class NotFound(ZimunError):
    """The hold, appointment or service does not exist (404)."""


class SlotUnavailable(ZimunError):
    """The time is taken, held by someone else or not offered (409 slot_unavailable)."""


class Conflict(ZimunError):
    """Any other 409: the appointment is cancelled or already in the past."""


class HoldExpired(ZimunError):
    """The hold ran out before it was confirmed (410)."""


class RateLimited(ZimunError):
    """Too many requests (429); `retry_after` says how long Zimun asked us to wait."""


class Unavailable(ZimunError):
    """Zimun could not be reached or failed on its side (5xx, timeout, connection error)."""


def error_for_status(
    status: int, code: str | None, message: str | None, retry_after: float | None = None
) -> ZimunError:
    """The typed error for an HTTP error response, chosen by status class first, then code."""
    text = message or code or f"HTTP {status}"
    kind: type[ZimunError]
    if status in (401, 403):
        kind = AuthError
    elif status == 404:
        kind = NotFound
    elif status == 409:
        # A 409 without a code is most likely the common case, a slot race; any other
        # named code (appointment_cancelled, appointment_in_past, new ones) is a Conflict.
        kind = SlotUnavailable if code is None or "slot" in code else Conflict
    elif status == 410:
        kind = HoldExpired
    elif status == 429:
        kind = RateLimited
    elif status >= 500:
        kind = Unavailable
    elif 400 <= status < 500:
        kind = InvalidRequest
    else:
        kind = ZimunError
    return kind(text, status=status, code=code, retry_after=retry_after)
