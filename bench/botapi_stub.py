"""A loopback Telegram Bot API for the load driver, adapted from the end-to-end tests' stub.

It plays Telegram for one bot: answers getMe, hands out the updates the driver feeds through
getUpdates (long polling wakes as soon as one arrives), keeps the bot's messages (text, or file and
caption, and keyboard) so that a press carries the pressed message as Telegram would and an edit
changes it, counts every call (chat-bound ones apart, refused ones too) and tells the driver when a
chat's answer has arrived: the first message with an inline keyboard that appears after the
driver's step, whether sent (`sendMessage`, `sendDocument` with its caption) or edited into place
(`editMessageText`). Like Telegram it refuses text edits of a file, edits that change nothing and
edits of a message it does not know. Bench code only: the tests keep their own, stricter stub
(tests/telegram/botapi_stub.py).
"""

from __future__ import annotations

import asyncio
import contextlib
import email.policy
import html
import itertools
import json
import re
import socket
import time
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.parser import BytesParser
from typing import Any
from urllib.parse import parse_qsl

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

BOT_ID = 123456

# Values PTB sends as plain strings; everything else arrives JSON-encoded.
_STRING_FIELDS = frozenset(
    {"text", "caption", "callback_query_id", "url", "secret_token", "language_code", "action"}
    | {"parse_mode", "filename"}
)
_TAG = re.compile(r"</?[a-zA-Z-]+(?:\s[^<>]*)?>")


Keyboard = list[list[tuple[str, str]]]


@dataclass
class Screen:
    """What a customer sees of their chat: the texts (or captions) the bot sent or edited into
    place since the customer's last step, and the newest keyboard with the message bearing it."""

    texts: list[str] = field(default_factory=list)
    keyboard: Keyboard = field(default_factory=list)
    keyboard_message_id: int = 0


@dataclass
class BotMessage:
    """One message of the bot as it stands now: its text (a file's caption) and keyboard."""

    text: str
    keyboard: Keyboard
    document: bool = False


class _QuietServer(uvicorn.Server):
    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield  # the driver owns the signals


class BotApiStub:
    """The fake Telegram of one bot token; `push_text`/`push_press` feed it, `answered` waits."""

    def __init__(self, token: str) -> None:
        self.token = token
        self.url = ""
        self.calls: Counter[str] = Counter()
        self.chat_calls = 0  # calls that write into a chat (send, edit, chat action)
        self.refused: Counter[str] = Counter()  # calls answered with an error, by method
        self.screens: dict[int, Screen] = {}
        self.messages: dict[int, dict[int, BotMessage]] = {}  # chat id -> message id -> message
        self._updates: list[dict[str, Any]] = []
        self._update_ids = itertools.count(1)
        self._message_ids: dict[int, Iterator[int]] = {}
        self._query_ids = itertools.count(1)
        self._arrived = asyncio.Event()
        self._waiters: dict[int, asyncio.Future[None]] = {}
        self.app = Starlette(
            routes=[Route("/{path:path}", self._endpoint, methods=["GET", "POST"])]
        )

    @contextlib.asynccontextmanager
    async def serving(self) -> AsyncIterator[BotApiStub]:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
        server = _QuietServer(
            uvicorn.Config(self.app, log_level="warning", access_log=False, lifespan="off")
        )
        task = asyncio.create_task(server.serve(sockets=[sock]))
        while not server.started:
            if task.done():
                task.result()
            await asyncio.sleep(0.005)
        self.url = f"http://127.0.0.1:{port}"
        try:
            yield self
        finally:
            server.should_exit = True
            for waiter in self._waiters.values():
                waiter.cancel()
            await task
            sock.close()

    @property
    def base_url(self) -> str:
        return f"{self.url}/bot"

    @property
    def base_file_url(self) -> str:
        return f"{self.url}/file/bot"

    def reset_counts(self) -> None:
        self.calls.clear()
        self.refused.clear()
        self.chat_calls = 0

    # --- the customer's side ---------------------------------------------------------------

    def expect_answer(self, chat_id: int) -> asyncio.Future[None]:
        """A future resolved by the next message with buttons in `chat_id`; arm it before a step."""
        waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiters[chat_id] = waiter
        self.screens.setdefault(chat_id, Screen()).texts.clear()
        return waiter

    def push_text(self, chat_id: int, text: str, user: dict[str, Any]) -> None:
        message: dict[str, Any] = {
            "message_id": self._next_message_id(chat_id),
            "date": int(time.time()),
            "chat": {"id": chat_id, "type": "private", "first_name": user["first_name"]},
            "from": user,
            "text": text,
        }
        if text.startswith("/"):
            length = len(text.split(" ", 1)[0])
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": length}]
        self._push({"message": message})

    def push_press(self, chat_id: int, data: str, user: dict[str, Any]) -> None:
        """A tap on the newest keyboard; the update carries the pressed message as it stands
        (a file comes with its caption and no text, which the bot must not edit as text)."""
        screen = self.screens.get(chat_id, Screen())
        message_id = screen.keyboard_message_id
        pressed = self.messages.get(chat_id, {}).get(message_id)
        self._push(
            {
                "callback_query": {
                    "id": str(next(self._query_ids)),
                    "from": user,
                    "message": self._message_json(chat_id, message_id, pressed),
                    "chat_instance": f"ci{chat_id}",
                    "data": data,
                }
            }
        )

    # --- the API ---------------------------------------------------------------------------

    async def _endpoint(self, request: Request) -> JSONResponse:
        prefix, _, method = request.url.path.strip("/").rpartition("/")
        if prefix.removeprefix("bot") != self.token:
            return _error(401, "Unauthorized")
        params = await _read_params(request)
        self.calls[method] += 1
        if "chat_id" in params and method not in ("setMyCommands", "getMyCommands"):
            self.chat_calls += 1
        handler = getattr(self, f"_api_{method}", None)
        if handler is None:
            self.refused[method] += 1
            return _error(404, f"Not Found: method {method} is not in the bench stub")
        try:
            result = await handler(params)
        except ValueError as exc:
            self.refused[method] += 1
            return _error(400, str(exc))
        return JSONResponse({"ok": True, "result": result})

    async def _api_getMe(self, params: dict[str, Any]) -> dict[str, Any]:
        return {**self._bot_user(), "can_join_groups": False}

    async def _api_getUpdates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        offset = int(params.get("offset") or 0)
        self._updates = [u for u in self._updates if u["update_id"] >= offset]
        timeout = min(float(params.get("timeout") or 0), 1.0)
        if not self._updates and timeout:
            self._arrived.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._arrived.wait(), timeout)
        return self._updates[: int(params.get("limit") or 100)]

    async def _api_deleteWebhook(self, params: dict[str, Any]) -> bool:
        return True

    async def _api_setWebhook(self, params: dict[str, Any]) -> bool:
        return True

    async def _api_setMyCommands(self, params: dict[str, Any]) -> bool:
        return True

    async def _api_getMyCommands(self, params: dict[str, Any]) -> list[Any]:
        return []

    async def _api_sendMessage(self, params: dict[str, Any]) -> dict[str, Any]:
        chat_id = int(params["chat_id"])
        message = BotMessage(_visible(params, "text"), _keyboard(params))
        if not message.text.strip():
            raise ValueError("Bad Request: message text is empty")
        return self._show(chat_id, self._next_message_id(chat_id), message)

    async def _api_sendDocument(self, params: dict[str, Any]) -> dict[str, Any]:
        chat_id = int(params["chat_id"])
        message = BotMessage(_visible(params, "caption"), _keyboard(params), document=True)
        return self._show(chat_id, self._next_message_id(chat_id), message)

    async def _api_editMessageText(self, params: dict[str, Any]) -> dict[str, Any]:
        chat_id, message_id = int(params["chat_id"]), int(params["message_id"])
        old = self._find(chat_id, message_id)
        if old.document:
            raise ValueError("Bad Request: there is no text in the message to edit")
        message = BotMessage(_visible(params, "text"), _keyboard(params))
        if not message.text.strip():
            raise ValueError("Bad Request: message text is empty")
        if (message.text, message.keyboard) == (old.text, old.keyboard):
            raise ValueError("Bad Request: message is not modified")
        return self._show(chat_id, message_id, message)

    async def _api_editMessageReplyMarkup(self, params: dict[str, Any]) -> dict[str, Any]:
        chat_id, message_id = int(params["chat_id"]), int(params["message_id"])
        message = self._find(chat_id, message_id)
        keyboard = _keyboard(params)
        if keyboard == message.keyboard:
            raise ValueError("Bad Request: message is not modified")
        message.keyboard = keyboard
        screen = self.screens.setdefault(chat_id, Screen())
        if screen.keyboard_message_id == message_id:
            screen.keyboard = keyboard  # the keyboard the customer sees changed (or went)
        return self._message_json(chat_id, message_id, message)

    async def _api_answerCallbackQuery(self, params: dict[str, Any]) -> bool:
        return True

    async def _api_sendChatAction(self, params: dict[str, Any]) -> bool:
        return True

    # --- helpers ---------------------------------------------------------------------------

    def _show(self, chat_id: int, message_id: int, message: BotMessage) -> dict[str, Any]:
        """`message` appears as `message_id` (new, or edited into place): the customer reads its
        text and, when it has buttons, that is the keyboard their next tap uses and the answer
        the driver was waiting for."""
        self.messages.setdefault(chat_id, {})[message_id] = message
        screen = self.screens.setdefault(chat_id, Screen())
        if message.text:
            screen.texts.append(message.text)
        if message.keyboard:
            screen.keyboard = message.keyboard
            screen.keyboard_message_id = message_id
            waiter = self._waiters.pop(chat_id, None)
            if waiter is not None and not waiter.done():
                waiter.set_result(None)
        return self._message_json(chat_id, message_id, message)

    def _find(self, chat_id: int, message_id: int) -> BotMessage:
        message = self.messages.get(chat_id, {}).get(message_id)
        if message is None:
            raise ValueError("Bad Request: message to edit not found")
        return message

    def _push(self, update: dict[str, Any]) -> None:
        self._updates.append({"update_id": next(self._update_ids), **update})
        self._arrived.set()

    def _next_message_id(self, chat_id: int) -> int:
        return next(self._message_ids.setdefault(chat_id, itertools.count(1)))

    def _bot_user(self) -> dict[str, Any]:
        return {"id": BOT_ID, "is_bot": True, "first_name": "Bench", "username": "bench_bot"}

    def _message_json(
        self, chat_id: int, message_id: int, message: BotMessage | None
    ) -> dict[str, Any]:
        """The message as Telegram returns it: text, or a file with its caption; its keyboard."""
        result: dict[str, Any] = {
            "message_id": message_id,
            "date": int(time.time()),
            "chat": {"id": chat_id, "type": "private"},
            "from": self._bot_user(),
        }
        if message is None:  # not one the stub has seen (not expected): a plain text message
            result["text"] = "…"
            return result
        if message.document:
            result["document"] = {
                "file_id": f"d{message_id}",
                "file_unique_id": f"u{message_id}",
                "file_name": "booking.ics",
            }
            if message.text:
                result["caption"] = message.text
        else:
            result["text"] = message.text
        if message.keyboard:
            result["reply_markup"] = {
                "inline_keyboard": [
                    [{"text": label, "callback_data": data} for label, data in row]
                    for row in message.keyboard
                ]
            }
        return result


def _visible(params: dict[str, Any], name: str) -> str:
    """The text (or caption) a customer reads: HTML tags dropped and entities resolved."""
    text = str(params.get(name) or "")
    if params.get("parse_mode") == "HTML":
        text = html.unescape(_TAG.sub("", text))
    return text


def _keyboard(params: dict[str, Any]) -> Keyboard:
    markup = params.get("reply_markup") or {}
    if isinstance(markup, str):  # PTB sends it JSON-encoded; tolerate a second encoding
        markup = json.loads(markup)
    return [
        [(str(b["text"]), str(b.get("callback_data", ""))) for b in row]
        for row in markup.get("inline_keyboard", [])
    ]


async def _read_params(request: Request) -> dict[str, Any]:
    """Form fields (urlencoded or multipart) and JSON bodies; uploads are read and dropped."""
    fields: list[tuple[str, str]] = []
    content_type = request.headers.get("content-type", "")
    body = await request.body()
    if content_type.startswith("application/json"):
        return dict(json.loads(body or b"{}"))
    if content_type.startswith("application/x-www-form-urlencoded"):
        fields = parse_qsl(body.decode("utf-8"), keep_blank_values=True)
    elif content_type.startswith("multipart/form-data"):
        head = f"Content-Type: {content_type}\r\n\r\n".encode()
        form = BytesParser(policy=email.policy.HTTP).parsebytes(head + body)
        assert isinstance(form, EmailMessage)
        for part in form.iter_parts():
            if part.get_filename() is not None:
                continue
            payload = part.get_payload(decode=True)
            assert isinstance(payload, bytes)
            name = str(part.get_param("name", header="content-disposition"))
            fields.append((name, payload.decode("utf-8")))
    fields.extend(request.query_params.items())
    params: dict[str, Any] = {}
    for name, value in fields:
        if name in _STRING_FIELDS:
            params[name] = value
            continue
        try:
            params[name] = json.loads(value)
        except ValueError:
            params[name] = value
    return params


def _error(status: int, description: str) -> JSONResponse:
    body = {"ok": False, "error_code": status, "description": description}
    return JSONResponse(body, status_code=status)
