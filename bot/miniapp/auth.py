"""Telegram's signed `initData`: who is asking, checked on every Mini App request.

Telegram Mini Apps documentation, "Validating data received via the Mini App": the data-check-
string is every received field except `hash`, sorted by key, as `key=value` lines joined by "\\n";
the secret key is HMAC-SHA256 of the bot token keyed with "WebAppData"; the data is genuine when
HMAC-SHA256 of the data-check-string under that secret equals `hash` (hex). Nothing is stored:
any instance holding the token can check a request on its own.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import parse_qsl, urlencode

__all__ = ["InvalidInitData", "WebAppUser", "sign_init_data", "verify_init_data"]


class InvalidInitData(Exception):
    """Unsigned, forged, expired or malformed initData; the reason is for logs only."""


@dataclass(frozen=True)
class WebAppUser:
    id: int
    first_name: str | None = None
    last_name: str | None = None
    language_code: str | None = None


def _secret(bot_token: str) -> bytes:
    return hmac.new(b"WebAppData", bot_token.encode(), hashlib.sha256).digest()


def _check_string(fields: dict[str, str]) -> str:
    return "\n".join(f"{key}={fields[key]}" for key in sorted(fields))


def verify_init_data(
    init_data: str, *, bot_token: str, now: datetime, max_age: timedelta
) -> WebAppUser:
    """The user the initData was signed for; InvalidInitData when it is not genuine and fresh."""
    if not init_data:
        raise InvalidInitData("no initData")
    try:
        pairs = parse_qsl(init_data, keep_blank_values=True, strict_parsing=True)
    except ValueError:
        raise InvalidInitData("initData is not a query string") from None
    fields = dict(pairs)
    if len(fields) != len(pairs):
        raise InvalidInitData("a field given twice")
    given = fields.pop("hash", "")
    expected = hmac.new(
        _secret(bot_token), _check_string(fields).encode(), hashlib.sha256
    ).hexdigest()
    if not hmac.compare_digest(given.encode(), expected.encode()):
        raise InvalidInitData("hash does not match")
    try:
        signed_at = int(fields["auth_date"])
        user = json.loads(fields["user"])
        user_id = int(user["id"])
    except (KeyError, TypeError, ValueError):
        raise InvalidInitData("auth_date or user missing") from None
    age = now.timestamp() - signed_at
    if age > max_age.total_seconds() or age < -60:
        raise InvalidInitData("initData expired")

    def text(key: str) -> str | None:
        value = user.get(key)
        return str(value) if value else None

    return WebAppUser(
        id=user_id,
        first_name=text("first_name"),
        last_name=text("last_name"),
        language_code=text("language_code"),
    )


def sign_init_data(
    user: WebAppUser, *, bot_token: str, auth_date: datetime, extra: dict[str, str] | None = None
) -> str:
    """initData as Telegram would sign it: for tests and the sandbox's development signer."""
    profile: dict[str, object] = {"id": user.id}
    for key in ("first_name", "last_name", "language_code"):
        value = getattr(user, key)
        if value:
            profile[key] = value
    fields = {
        "auth_date": str(int(auth_date.timestamp())),
        "query_id": "dev",
        "user": json.dumps(profile, separators=(",", ":"), ensure_ascii=False),
        **(extra or {}),
    }
    digest = hmac.new(_secret(bot_token), _check_string(fields).encode(), hashlib.sha256)
    return urlencode({**fields, "hash": digest.hexdigest()})
