"""Webhook mode: a small Starlette app that feeds Telegram's POSTs to the application.

Telegram sends the secret given to setWebhook in the `X-Telegram-Bot-Api-Secret-Token` header
(Bot API, setWebhook `secret_token`); anything without it is refused with 403.
"""

from __future__ import annotations

import hmac
import json
import logging
from collections.abc import Sequence
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import BaseRoute, Route
from telegram import Update
from telegram.ext import Application

logger = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
HEALTH_PATH = "/healthz"


def create_webhook_app(
    application: Application[Any, Any, Any, Any, Any, Any],
    *,
    path: str,
    secret: str,
    routes: Sequence[BaseRoute] = (),
) -> Starlette:
    """Routes: POST `path` for updates (secret checked), GET /healthz for the platform, and
    `routes` served beside them (the Mini App's page and API, issue 14)."""
    expected = secret.encode("utf-8")

    async def receive(request: Request) -> Response:
        given = request.headers.get(SECRET_HEADER, "").encode("utf-8")
        if not hmac.compare_digest(given, expected):
            logger.warning("webhook call without the right secret token refused")
            return Response(status_code=403)
        try:
            data = await request.json()
        except (json.JSONDecodeError, UnicodeDecodeError):
            return Response(status_code=400)
        try:
            update = Update.de_json(data, application.bot)
        except (AttributeError, KeyError, TypeError, ValueError):
            update = None
        if update is None:
            return Response(status_code=400)
        # Queue and return at once: Telegram waits for our answer before sending the next update.
        await application.update_queue.put(update)
        return Response(status_code=200)

    async def health(_: Request) -> Response:
        if application.running:
            return PlainTextResponse("ok")
        return PlainTextResponse("starting or stopping", status_code=503)

    return Starlette(
        routes=[
            Route(path, receive, methods=["POST"]),
            Route(HEALTH_PATH, health, methods=["GET"]),
            *routes,
        ]
    )
