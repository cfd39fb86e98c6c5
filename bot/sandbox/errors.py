"""Domain errors of the sandbox, each carrying the HTTP shape Zimun would answer with.

The rules in `world.py` raise these; `app.py` renders every one of them in a single place.
"""

from __future__ import annotations

import httpx


class SandboxError(Exception):
    """An API error rendered as `{"error": {"code": ..., "message": ...}}` with `status`."""

    status = 400
    code = "invalid_request"

    def __init__(
        self, message: str, *, code: str | None = None, headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        self.headers = headers or {}

    def body(self) -> dict[str, object]:
        return {"error": {"code": self.code, "message": self.message}}


class InvalidRequest(SandboxError):
    status, code = 400, "invalid_request"


class InvalidToken(SandboxError):
    status, code = 401, "invalid_token"

    def __init__(self, message: str) -> None:
        # RFC 6750 §3: a Bearer challenge names the error.
        super().__init__(message, headers={"WWW-Authenticate": 'Bearer error="invalid_token"'})


class InsufficientScope(SandboxError):
    status, code = 403, "insufficient_scope"


class NotFound(SandboxError):
    """404 with a `<thing>_not_found` code."""

    status = 404

    def __init__(self, thing: str, message: str) -> None:
        super().__init__(message, code=f"{thing}_not_found")


class RouteNotFound(SandboxError):
    """No such route at all: the answer names method and path, loudly."""

    status, code = 404, "route_not_found"


class MethodNotAllowed(SandboxError):
    status, code = 405, "method_not_allowed"


class SlotUnavailable(SandboxError):
    status, code = 409, "slot_unavailable"


class AppointmentCancelled(SandboxError):
    status, code = 409, "appointment_cancelled"


class AppointmentInPast(SandboxError):
    status, code = 409, "appointment_in_past"


class HoldExpired(SandboxError):
    status, code = 410, "hold_expired"


class ValidationFailed(SandboxError):
    status, code = 422, "validation_error"


class IdempotencyKeyReused(SandboxError):
    status, code = 422, "idempotency_key_reused"


class RateLimited(SandboxError):
    status, code = 429, "rate_limited"

    def __init__(self, retry_after: int) -> None:
        super().__init__(
            f"too many requests; retry after {retry_after} s",
            headers={"Retry-After": str(retry_after)},
        )


class ServerFault(SandboxError):
    """An injected 5xx: 500 internal_error, 503 (and any other 5xx) unavailable."""

    def __init__(self, status: int) -> None:
        super().__init__(
            f"injected fault: HTTP {status}",
            code="internal_error" if status == 500 else "unavailable",
        )
        self.status = status


class OAuthError(Exception):
    """A token endpoint error in RFC 6749 §5.2 form: `{"error": "invalid_client", ...}`."""

    def __init__(
        self, error: str, description: str, *, status: int = 400, challenge: bool = False
    ) -> None:
        super().__init__(description)
        self.error = error
        self.description = description
        self.status = status
        # §5.2: a client that tried HTTP Basic gets 401 with a Basic challenge.
        self.headers = {"WWW-Authenticate": 'Basic realm="zimun"'} if challenge else {}

    def body(self) -> dict[str, str]:
        return {"error": self.error, "error_description": self.description}


class ConnectionDropped(httpx.RemoteProtocolError):
    """An injected dropped connection.

    Over a real socket the server aborts the TCP connection instead; in-process (ASGITransport)
    this exception reaches the caller, and being an httpx transport error it looks the same to it.
    """
