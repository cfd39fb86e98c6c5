"""Telegram's initData check (bot.miniapp.auth) against initData made by Telegram's documented
recipe, written out here on its own: fields sorted into a data-check-string, the secret key
HMAC-SHA256("WebAppData", token), the hash HMAC-SHA256(secret, data-check-string) in hex."""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode

import pytest

from bot.miniapp.auth import InvalidInitData, verify_init_data

TOKEN = "123456:TEST-token-for-the-mini-app"
NOW = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
DAY = timedelta(days=1)


def telegram_init_data(fields: dict[str, str], token: str = TOKEN) -> str:
    check = "\n".join(f"{key}={value}" for key, value in sorted(fields.items()))
    secret = hmac.new(b"WebAppData", token.encode(), hashlib.sha256).digest()
    digest = hmac.new(secret, check.encode(), hashlib.sha256).hexdigest()
    return urlencode({**fields, "hash": digest})


def fields(**extra: str) -> dict[str, str]:
    user = {"id": 279058397, "first_name": "Vladislav", "language_code": "en", "is_premium": True}
    return {
        "query_id": "AAHdF6IQAAAAAN0XohDhrOrc",
        "user": json.dumps(user),
        "auth_date": str(int(NOW.timestamp()) - 60),
        "chat_instance": "-5023465234",
        "chat_type": "sender",
        "signature": "abc_def-ghi",
        **extra,
    }


def test_initdata_made_as_telegram_documents_is_accepted() -> None:
    user = verify_init_data(telegram_init_data(fields()), bot_token=TOKEN, now=NOW, max_age=DAY)
    assert (user.id, user.first_name, user.language_code) == (279058397, "Vladislav", "en")


@pytest.mark.parametrize(
    "init_data",
    [
        "",
        "hash=00",
        telegram_init_data(fields(), token="654321:another-bot"),
        telegram_init_data(fields()) + "&auth_date=1",  # a field given twice
        telegram_init_data(fields()).replace("Vladislav", "Vladimir"),
        telegram_init_data({k: v for k, v in fields().items() if k != "user"}),
        telegram_init_data(fields(auth_date=str(int((NOW - 2 * DAY).timestamp())))),
        telegram_init_data(fields(auth_date=str(int((NOW + DAY).timestamp())))),
    ],
    ids=["empty", "no-fields", "other-token", "twice", "tampered", "no-user", "old", "future"],
)
def test_anything_else_is_refused(init_data: str) -> None:
    with pytest.raises(InvalidInitData):
        verify_init_data(init_data, bot_token=TOKEN, now=NOW, max_age=DAY)
