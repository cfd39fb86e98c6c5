"""Conversions between Python values and the portable column formats every backend shares.

Timestamps are fixed-width ISO-8601 UTC text (so text order is time order, in SQLite and
PostgreSQL alike); JSON documents are text.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any


def require_aware(value: datetime, name: str) -> datetime:
    """Return `value` unchanged, refusing naive datetimes (they have no place in storage)."""
    if not isinstance(value, datetime):
        raise TypeError(f"{name} must be a datetime, got {type(value).__name__}")
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware, got naive {value.isoformat()}")
    return value


def time_to_db(value: datetime, name: str = "datetime") -> str:
    """Aware datetime -> '2026-11-24T09:00:00.000000+00:00' (UTC, always the same width)."""
    return require_aware(value, name).astimezone(UTC).isoformat(timespec="microseconds")


def time_from_db(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


def json_to_db(data: dict[str, Any], name: str = "document") -> str:
    if not isinstance(data, dict):
        raise TypeError(f"{name} must be a dict, got {type(data).__name__}")
    # allow_nan=False: NaN is not JSON and PostgreSQL's jsonb would refuse it later.
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False)


def json_from_db(text: str) -> dict[str, Any]:
    value = json.loads(text)
    if not isinstance(value, dict):
        raise ValueError("stored JSON document is not an object")
    return value
