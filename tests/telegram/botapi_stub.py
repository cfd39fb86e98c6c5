"""A small Telegram Bot API served on loopback for end-to-end tests.

It plays Telegram's part for the real python-telegram-bot `Application`: answers getMe, hands out
updates the test feeds through getUpdates, keeps every chat's messages (with their texts and
keyboards, as edits change them) and records every call. Like Telegram it refuses HTML it cannot
parse, callback data over 64 bytes, texts over 4096 characters, captions over 1024, edits that
change nothing and text edits of a file, so mistakes fail here as they would in production.
Unknown methods answer 404 naming the method.
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
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from bot.config import Settings

TOKEN = "123456:TEST-token-for-the-stub"
BOT_ID = 123456
BOT_USERNAME = "aurora_test_bot"
CONFLICT_DESCRIPTION = (
    "Conflict: terminated by other getUpdates request; make sure that only one bot instance is "
    "running"
)

# Values PTB sends as plain strings; everything else arrives JSON-encoded.
_STRING_FIELDS = frozenset(
    {
        "text",
        "caption",
        "callback_query_id",
        "url",
        "secret_token",
        "language_code",
        "action",
        "parse_mode",
        "filename",
    }
)
# Telegram's HTML parse mode knows only these tags (Bot API, "HTML style").
_ALLOWED_TAGS = frozenset(
    {
        "b",
        "strong",
        "i",
        "em",
        "u",
        "ins",
        "s",
        "strike",
        "del",
        "a",
        "code",
        "pre",
        "span",
        "tg-spoiler",
        "tg-emoji",
        "blockquote",
    }
)


@dataclass
class Call:
    """One request the bot made."""

    method: str
    params: dict[str, Any]
    files: dict[str, tuple[str, bytes]] = field(default_factory=dict)
    at: float = field(default_factory=time.monotonic)


@dataclass
class ChatMessage:
    """A message in a chat as the customer sees it (bot messages: text after HTML parsing; for a
    file, its caption)."""

    message_id: int
    from_bot: bool
    text: str
    keyboard: list[list[tuple[str, str]]] = field(default_factory=list)
    document: tuple[str, bytes] | None = None

    @property
    def labels(self) -> list[str]:
        return [label for row in self.keyboard for label, _ in row]


_TAG = re.compile(r"</?([a-zA-Z-]+)(?:\s[^<>]*)?>")
_ENTITY = re.compile(r"&(?:lt|gt|amp|quot|#\d+|#x[0-9a-fA-F]+);")


def parse_html(text: str) -> str:
    """The visible text of an HTML message, or ValueError where Telegram would refuse it.

    Telegram: every <, > and & that is not part of a tag or an entity must be escaped.
    """

    def tag(match: re.Match[str]) -> str:
        if match.group(1).lower() not in _ALLOWED_TAGS:
            raise ValueError(f"Bad Request: can't parse entities: unsupported tag {match[0]}")
        return ""

    stripped = _TAG.sub(tag, text)
    bare = _ENTITY.sub("", stripped)
    if any(symbol in bare for symbol in "<>&"):
        raise ValueError("Bad Request: can't parse entities: unescaped <, > or &")
    return html.unescape(stripped)


class _QuietServer(uvicorn.Server):
    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        # The test runner owns the signals; the stub must not take SIGINT from pytest.
        yield


class BotApiStub:
    """The fake Telegram: feed updates with `text`/`press`/`tap`, read chats and `calls`."""

    def __init__(self, *, token: str = TOKEN) -> None:
        self.token = token
        self.url = ""
        self.calls: list[Call] = []
        self.chats: dict[int, list[ChatMessage]] = {}
        # Every bot message that appeared or changed, in order: (chat id, message).
        self.shown: list[tuple[int, ChatMessage]] = []
        self.venues: list[tuple[int, float, float, str]] = []  # sendVenue: chat, lat, lon, title
        self.commands: dict[tuple[str, str], list[dict[str, str]]] = {}
        self.reject_token = False
        # Another process is long polling with this token: getUpdates answers 409, as Telegram does.
        self.other_poller = False
        self.failures: dict[str, list[tuple[int, dict[str, Any]]]] = {}
        self._updates: list[dict[str, Any]] = []
        # Every update ever fed, by id, and those to deliver again (see `redeliver`).
        self.fed: dict[int, dict[str, Any]] = {}
        self._again: list[dict[str, Any]] = []
        self._update_ids = itertools.count(1)
        self._message_ids: dict[int, Iterator[int]] = {}
        self._query_ids = itertools.count(1)
        self._changed = asyncio.Condition()
        self.app = Starlette(
            routes=[Route("/{path:path}", self._endpoint, methods=["GET", "POST"])]
        )

    # --- running -----------------------------------------------------------------------------

    @contextlib.asynccontextmanager
    async def serving(self) -> AsyncIterator[BotApiStub]:
        """Serve on a free loopback port in the running event loop."""
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        # Accepted connections inherit it: without it, Nagle and delayed ACKs cost ~40 ms a call.
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
            await task
            sock.close()

    @property
    def base_url(self) -> str:
        return f"{self.url}/bot"

    @property
    def base_file_url(self) -> str:
        return f"{self.url}/file/bot"

    # --- feeding updates ---------------------------------------------------------------------

    def text(
        self,
        chat_id: int,
        text: str,
        *,
        first_name: str = "Mario",
        last_name: str | None = None,
        language_code: str | None = "it",
        user_id: int | None = None,
    ) -> int:
        """The customer sends `text`; returns its message id."""
        message_id = self._next_message_id(chat_id)
        message: dict[str, Any] = {
            "message_id": message_id,
            "date": int(time.time()),
            "chat": {"id": chat_id, "type": "private", "first_name": first_name},
            "from": self._user(
                chat_id if user_id is None else user_id, first_name, last_name, language_code
            ),
            "text": text,
        }
        if text.startswith("/"):
            length = len(text.split(" ", 1)[0])
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": length}]
        self.chats.setdefault(chat_id, []).append(ChatMessage(message_id, False, text))
        self._push({"message": message})
        return message_id

    def sticker(self, chat_id: int, *, language_code: str | None = "it") -> None:
        message_id = self._next_message_id(chat_id)
        self._push(
            {
                "message": {
                    "message_id": message_id,
                    "date": int(time.time()),
                    "chat": {"id": chat_id, "type": "private", "first_name": "Mario"},
                    "from": self._user(chat_id, "Mario", None, language_code),
                    "sticker": {
                        "file_id": "s1",
                        "file_unique_id": "s1",
                        "type": "regular",
                        "width": 512,
                        "height": 512,
                        "is_animated": False,
                        "is_video": False,
                    },
                }
            }
        )

    def press(
        self,
        chat_id: int,
        message_id: int,
        data: str,
        *,
        first_name: str = "Mario",
        last_name: str | None = None,
        language_code: str | None = "it",
        user_id: int | None = None,
    ) -> str:
        """The customer taps a button whose callback data is `data`; returns the query id."""
        query_id = str(next(self._query_ids))
        pressed = next(
            (m for m in self.chats.get(chat_id, []) if m.message_id == message_id),
            ChatMessage(message_id, True, "…"),
        )
        content: dict[str, Any] = {"text": pressed.text}
        if pressed.document is not None:
            content = {
                "caption": pressed.text,
                "document": {"file_id": f"d{message_id}", "file_unique_id": "u"},
            }
        self._push(
            {
                "callback_query": {
                    "id": query_id,
                    "from": self._user(
                        chat_id if user_id is None else user_id,
                        first_name,
                        last_name,
                        language_code,
                    ),
                    "message": {
                        "message_id": message_id,
                        "date": int(time.time()),
                        "chat": {"id": chat_id, "type": "private", "first_name": first_name},
                        "from": self._bot_user(),
                        **content,
                    },
                    "chat_instance": f"ci{chat_id}",
                    "data": data,
                }
            }
        )
        return query_id

    def tap(self, chat_id: int, label: str, **customer: Any) -> str:
        """Tap the button labelled `label` (or containing it) on the newest keyboard showing it."""
        for message in reversed(self.chats.get(chat_id, [])):
            for row in message.keyboard:
                for text, data in row:
                    if text == label or label in text:
                        return self.press(chat_id, message.message_id, data, **customer)
        shown = [m.labels for m in self.chats.get(chat_id, []) if m.keyboard]
        raise AssertionError(f"no button {label!r} in chat {chat_id}; keyboards: {shown}")

    def redeliver(self, update_id: int) -> None:
        """Deliver update `update_id` again, as Telegram does when it thinks the bot never got it
        (a restart before the next getUpdates confirmed it, a deploy overlap): the same JSON, the
        same update id, returned by the next getUpdates whatever its offset."""
        self._again.append(self.fed[update_id])
        with contextlib.suppress(RuntimeError):
            asyncio.get_running_loop().create_task(self._notify())

    def take_updates(self) -> list[dict[str, Any]]:
        """The pending updates, taken out of the queue (for a test that POSTs them to a webhook)."""
        taken, self._updates = self._updates, []
        return taken

    @property
    def last_update_id(self) -> int:
        return max(self.fed)

    # --- looking -----------------------------------------------------------------------------

    def bot_messages(self, chat_id: int) -> list[ChatMessage]:
        return [m for m in self.chats.get(chat_id, []) if m.from_bot]

    def keyboards(self, chat_id: int) -> list[ChatMessage]:
        """Bot messages that still show buttons."""
        return [m for m in self.bot_messages(chat_id) if m.keyboard]

    def calls_to(self, method: str) -> list[Call]:
        return [call for call in self.calls if call.method == method]

    def chat_calls(self, chat_id: int) -> list[Call]:
        """Calls bound to this chat: the ones Telegram's flood limits (and PTB's rate limiter)
        count, i.e. every call with a chat_id (answering a button press has none)."""
        return [call for call in self.calls if call.params.get("chat_id") == chat_id]

    def shown_in(self, chat_id: int) -> list[ChatMessage]:
        """The bot messages of this chat that appeared or changed, in order (an edited message
        once per edit, as it is now)."""
        return [message for chat, message in self.shown if chat == chat_id]

    async def wait_shown(
        self, chat_id: int, count: int, *, within: float = 10.0
    ) -> list[ChatMessage]:
        """Wait until `count` bot messages appeared or changed in the chat; returns them all."""
        await self.wait_for(
            lambda: len(self.shown_in(chat_id)) >= count,
            within=within,
            what=f"{count} bot messages shown in chat {chat_id}",
        )
        return self.shown_in(chat_id)

    async def wait_for(
        self, condition: Callable[[], bool], *, within: float = 10.0, what: str = ""
    ) -> None:
        """Wait (bounded) until `condition()` holds; it is checked after every request."""
        async with self._changed:
            try:
                await asyncio.wait_for(self._changed.wait_for(condition), within)
            except TimeoutError:
                raise AssertionError(f"timed out waiting for {what or condition}") from None

    async def wait_replies(
        self, chat_id: int, count: int, *, within: float = 10.0
    ) -> list[ChatMessage]:
        """Wait until the chat holds at least `count` bot messages; returns them all."""
        await self.wait_for(
            lambda: len(self.bot_messages(chat_id)) >= count,
            within=within,
            what=f"{count} bot messages in chat {chat_id}",
        )
        return self.bot_messages(chat_id)

    async def settled(self, *, quiet: float = 0.3, within: float = 10.0) -> None:
        """Wait until no update is pending and the bot sent nothing for `quiet` seconds."""
        deadline = time.monotonic() + within
        while time.monotonic() < deadline:
            sent = [call.at for call in self.calls if call.method != "getUpdates"]
            last = sent[-1] if sent else 0.0
            if not self._updates and not self._again and time.monotonic() - last >= quiet:
                return
            await asyncio.sleep(quiet / 3)
        raise AssertionError("the bot never went quiet")

    def fail_next(self, method: str, status: int, **parameters: Any) -> None:
        """The next call of `method` fails with `status` (e.g. 429 with retry_after=1)."""
        self.failures.setdefault(method, []).append((status, parameters))

    # --- the API -----------------------------------------------------------------------------

    async def _endpoint(self, request: Request) -> JSONResponse:
        path = request.url.path.strip("/")
        prefix, _, method = path.rpartition("/")
        if prefix.removeprefix("bot") != self.token or self.reject_token:
            return _error(401, "Unauthorized")
        params, files = await _read_params(request)
        self.calls.append(Call(method, params, files))
        try:
            if method == "getUpdates" and self.other_poller:
                return _error(409, CONFLICT_DESCRIPTION)
            failures = self.failures.get(method)
            if failures:
                status, parameters = failures.pop(0)
                return _error(status, f"stub failure for {method}", parameters or None)
            handler = getattr(self, f"_api_{method}", None)
            if handler is None:
                return _error(404, f"Not Found: method {method} is not in the stub")
            try:
                result = await handler(params, files)
            except ValueError as exc:
                return _error(400, str(exc))
            return JSONResponse({"ok": True, "result": result})
        finally:
            async with self._changed:
                self._changed.notify_all()

    async def _api_getMe(self, params: dict[str, Any], files: Any) -> dict[str, Any]:
        return {
            **self._bot_user(),
            "can_join_groups": False,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }

    async def _api_getUpdates(self, params: dict[str, Any], files: Any) -> list[dict[str, Any]]:
        offset = int(params.get("offset") or 0)
        # Updates below the offset are confirmed by the bot; Telegram forgets them.
        self._updates = [u for u in self._updates if u["update_id"] >= offset]
        # Long polling, but capped so that the bot stops quickly at the end of a test.
        timeout = min(float(params.get("timeout") or 0), 0.1)
        if not self._updates and not self._again and timeout:
            async with self._changed:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(
                        self._changed.wait_for(lambda: bool(self._updates or self._again)),
                        timeout,
                    )
        if self._again:
            again, self._again = self._again, []
            return again
        limit = int(params.get("limit") or 100)
        return self._updates[:limit]

    async def _api_deleteWebhook(self, params: dict[str, Any], files: Any) -> bool:
        return True

    async def _api_setWebhook(self, params: dict[str, Any], files: Any) -> bool:
        return True

    async def _api_setMyCommands(self, params: dict[str, Any], files: Any) -> bool:
        commands = params["commands"]
        for command in commands:
            if not 1 <= len(command["description"]) <= 256:
                raise ValueError("Bad Request: command description is invalid")
        scope = params.get("scope") or {"type": "default"}
        scope_key = scope["type"] + (f":{scope['chat_id']}" if "chat_id" in scope else "")
        self.commands[(scope_key, params.get("language_code") or "")] = commands
        return True

    async def _api_setChatMenuButton(self, params: dict[str, Any], files: Any) -> bool:
        return True

    async def _api_getMyCommands(self, params: dict[str, Any], files: Any) -> list[Any]:
        scope = params.get("scope") or {"type": "default"}
        return self.commands.get((scope["type"], params.get("language_code") or ""), [])

    async def _api_sendMessage(self, params: dict[str, Any], files: Any) -> dict[str, Any]:
        chat_id = int(params["chat_id"])
        text = params["text"]
        visible = parse_html(text) if params.get("parse_mode") == "HTML" else text
        if not visible.strip():
            raise ValueError("Bad Request: message text is empty")
        if len(visible) > 4096:
            raise ValueError("Bad Request: message is too long")
        keyboard = _keyboard(params.get("reply_markup"))
        message = ChatMessage(self._next_message_id(chat_id), True, visible, keyboard)
        self.chats.setdefault(chat_id, []).append(message)
        self.shown.append((chat_id, message))
        return self._message_json(chat_id, message, params.get("reply_markup"))

    async def _api_sendDocument(
        self, params: dict[str, Any], files: dict[str, tuple[str, bytes]]
    ) -> dict[str, Any]:
        chat_id = int(params["chat_id"])
        if "document" not in files:
            raise ValueError("Bad Request: there is no document in the request")
        caption = params.get("caption") or ""
        visible = parse_html(caption) if params.get("parse_mode") == "HTML" else caption
        if len(visible) > 1024:
            raise ValueError("Bad Request: message caption is too long")
        keyboard = _keyboard(params.get("reply_markup"))
        message = ChatMessage(
            self._next_message_id(chat_id), True, visible, keyboard, document=files["document"]
        )
        self.chats.setdefault(chat_id, []).append(message)
        self.shown.append((chat_id, message))
        result = self._message_json(chat_id, message, params.get("reply_markup"))
        result["document"] = {
            "file_id": f"d{message.message_id}",
            "file_unique_id": "u",
            "file_name": files["document"][0],
        }
        return result

    async def _api_sendVenue(self, params: dict[str, Any], files: Any) -> dict[str, Any]:
        chat_id = int(params["chat_id"])
        for field_name in ("latitude", "longitude", "title", "address"):
            if field_name not in params:
                raise ValueError(f"Bad Request: {field_name} is required")
        text = f"📍 {params['title']}, {params['address']}"
        message = ChatMessage(self._next_message_id(chat_id), True, text)
        self.chats.setdefault(chat_id, []).append(message)
        self.shown.append((chat_id, message))
        self.venues.append(
            (chat_id, float(params["latitude"]), float(params["longitude"]), params["title"])
        )
        return self._message_json(chat_id, message, None)

    async def _api_editMessageReplyMarkup(
        self, params: dict[str, Any], files: Any
    ) -> dict[str, Any]:
        message = self._find(params)
        keyboard = _keyboard(params.get("reply_markup"))
        if keyboard == message.keyboard:
            raise ValueError("Bad Request: message is not modified")
        message.keyboard = keyboard
        return self._message_json(int(params["chat_id"]), message, params.get("reply_markup"))

    async def _api_editMessageText(self, params: dict[str, Any], files: Any) -> dict[str, Any]:
        message = self._find(params)
        if message.document is not None:
            raise ValueError("Bad Request: there is no text in the message to edit")
        text = params["text"]
        visible = parse_html(text) if params.get("parse_mode") == "HTML" else text
        keyboard = _keyboard(params.get("reply_markup"))
        if not visible.strip():
            raise ValueError("Bad Request: message text is empty")
        if (visible, keyboard) == (message.text, message.keyboard):
            raise ValueError("Bad Request: message is not modified")
        message.text, message.keyboard = visible, keyboard
        self.shown.append((int(params["chat_id"]), message))
        return self._message_json(int(params["chat_id"]), message, params.get("reply_markup"))

    async def _api_answerCallbackQuery(self, params: dict[str, Any], files: Any) -> bool:
        return True

    async def _api_sendChatAction(self, params: dict[str, Any], files: Any) -> bool:
        return True

    # --- helpers -----------------------------------------------------------------------------

    def _find(self, params: dict[str, Any]) -> ChatMessage:
        chat_id, message_id = int(params["chat_id"]), int(params["message_id"])
        for message in self.chats.get(chat_id, []):
            if message.message_id == message_id and message.from_bot:
                return message
        raise ValueError("Bad Request: message to edit not found")

    def _push(self, update: dict[str, Any]) -> None:
        fed = {"update_id": next(self._update_ids), **update}
        self.fed[fed["update_id"]] = fed
        self._updates.append(fed)
        # Wake a waiting getUpdates; a plain notify needs the lock, so do it from a task.
        with contextlib.suppress(RuntimeError):
            asyncio.get_running_loop().create_task(self._notify())

    async def _notify(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    def _next_message_id(self, chat_id: int) -> int:
        return next(self._message_ids.setdefault(chat_id, itertools.count(1)))

    def _bot_user(self) -> dict[str, Any]:
        return {"id": BOT_ID, "is_bot": True, "first_name": "Aurora", "username": BOT_USERNAME}

    @staticmethod
    def _user(
        user_id: int, first_name: str, last_name: str | None, language_code: str | None
    ) -> dict[str, Any]:
        user: dict[str, Any] = {"id": user_id, "is_bot": False, "first_name": first_name}
        if last_name:
            user["last_name"] = last_name
        if language_code:
            user["language_code"] = language_code
        return user

    def _message_json(
        self, chat_id: int, message: ChatMessage, markup: dict[str, Any] | None
    ) -> dict[str, Any]:
        result: dict[str, Any] = {
            "message_id": message.message_id,
            "date": int(time.time()),
            "chat": {"id": chat_id, "type": "private"},
            "from": self._bot_user(),
        }
        if message.text:
            result["caption" if message.document is not None else "text"] = message.text
        if markup:
            result["reply_markup"] = markup
        return result


def _keyboard(markup: dict[str, Any] | None) -> list[list[tuple[str, str]]]:
    if not markup:
        return []
    rows: list[list[tuple[str, str]]] = []
    for row in markup.get("inline_keyboard", []):
        buttons = []
        for button in row:
            if "web_app" in button:  # a Mini App button carries a URL, not callback data
                buttons.append((button["text"], f"web_app:{button['web_app']['url']}"))
                continue
            data = button.get("callback_data", "")
            if not 1 <= len(data.encode("utf-8")) <= 64:
                raise ValueError("Bad Request: BUTTON_DATA_INVALID")
            buttons.append((button["text"], data))
        rows.append(buttons)
    return rows


async def _read_params(request: Request) -> tuple[dict[str, Any], dict[str, tuple[str, bytes]]]:
    """Form fields (urlencoded or multipart, parsed with the standard library) and uploads."""
    fields: list[tuple[str, str]] = []
    files: dict[str, tuple[str, bytes]] = {}
    content_type = request.headers.get("content-type", "")
    body = await request.body()
    if content_type.startswith("application/json"):
        return dict(json.loads(body or b"{}")), files
    if content_type.startswith("application/x-www-form-urlencoded"):
        fields = parse_qsl(body.decode("utf-8"), keep_blank_values=True)
    elif content_type.startswith("multipart/form-data"):
        head = f"Content-Type: {content_type}\r\n\r\n".encode()
        form = BytesParser(policy=email.policy.HTTP).parsebytes(head + body)
        assert isinstance(form, EmailMessage)
        for part in form.iter_parts():
            name = str(part.get_param("name", header="content-disposition"))
            payload = part.get_payload(decode=True)
            assert isinstance(payload, bytes)
            filename = part.get_filename()
            if filename is not None:
                files[name] = (filename, payload)
            else:
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
    # PTB may send an upload as an attach:// reference to another multipart field.
    for name, value in list(params.items()):
        if isinstance(value, str) and value.startswith("attach://"):
            field_name = value.removeprefix("attach://")
            if field_name in files:
                files[name] = files.pop(field_name)
    return params, files


def _error(status: int, description: str, parameters: dict[str, Any] | None = None) -> JSONResponse:
    body: dict[str, Any] = {"ok": False, "error_code": status, "description": description}
    if parameters:
        body["parameters"] = parameters
    return JSONResponse(body, status_code=status)


@contextlib.asynccontextmanager
async def running(
    stub: BotApiStub, serve: Callable[[asyncio.Event], Any], *, within: float = 20.0
) -> AsyncIterator[asyncio.Task[None]]:
    """Run `serve(stop)` (the bot) until the block ends; ready once it polls for updates.

    On exit the bot is stopped as SIGTERM would stop it, and any error it raised is re-raised.
    """
    stop = asyncio.Event()
    polls = len(stub.calls_to("getUpdates"))
    task: asyncio.Task[None] = asyncio.create_task(serve(stop))
    try:
        await stub.wait_for(
            lambda: task.done() or len(stub.calls_to("getUpdates")) > polls,
            within=within,
            what="the bot to start polling",
        )
        if task.done():
            task.result()
        yield task
    finally:
        stop.set()
        await asyncio.wait_for(task, within)


def says(text: str, language: str, message_id: str, **values: str) -> bool:
    """Whether `text` contains the catalog message `message_id`: its fixed words in order, with
    `values` where given and anything where not. Tests stay true to the catalogs' wording."""
    from string import Formatter

    from bot.i18n import catalog_entries

    template = catalog_entries()[language][message_id].text
    pattern = ""
    for literal, field_name, _, _ in Formatter().parse(template):
        pattern += re.escape(literal)
        if field_name is not None:
            pattern += re.escape(values[field_name]) if field_name in values else ".*?"
    return re.search(pattern, text, re.DOTALL) is not None


def without_price(summary: str) -> str:
    """A summary without its price line (added when Zimun gives a price, issue 13), to compare
    with the catalog's summary template, which has none."""
    return re.sub(r"\nPrezzo: [^\n]*", "", summary)


def settings_for(stub: BotApiStub, tmp_path: Path, **extra: Any) -> Settings:
    """The bot's settings for talking to `stub`, with a SQLite file in `tmp_path`."""
    return Settings(
        _env_file=None,
        telegram_bot_token=stub.token,
        telegram_api_base_url=stub.base_url,
        telegram_api_base_file_url=stub.base_file_url,
        database_url=f"sqlite:///{tmp_path / 'bot.sqlite3'}",
        **extra,
    )
