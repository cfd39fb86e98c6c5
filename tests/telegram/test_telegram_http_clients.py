"""Both HTTP clients under python-telegram-bot behave alike: `AiohttpRequest` (the default, issue
11) and PTB's own `HTTPXRequest` (TELEGRAM_HTTP_CLIENT=httpx), through the loopback Bot API stub
and a server that never answers: calls and their parameters, file uploads with a caption and a
keyboard, Telegram's errors as PTB's exceptions (RetryAfter with its delay), timeouts, refused
connections.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest
from botapi_stub import TOKEN, BotApiStub, settings_for
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.constants import ParseMode
from telegram.error import (
    BadRequest,
    Conflict,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)
from telegram.request import BaseRequest, HTTPXRequest

from bot.config import Settings
from bot.telegram.runner import build_application
from bot.telegram.transport import AiohttpRequest
from bot.telegram.turns import ChatTurns

CLIENTS: dict[str, Callable[..., BaseRequest]] = {
    "aiohttp": AiohttpRequest,
    "httpx": HTTPXRequest,
}
KEYBOARD = InlineKeyboardMarkup([[InlineKeyboardButton("Sì", callback_data="g1:yes")]])


@pytest.fixture
async def stub() -> AsyncIterator[BotApiStub]:
    async with BotApiStub().serving() as stub:
        yield stub


@pytest.fixture(params=sorted(CLIENTS))
def client(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@contextlib.asynccontextmanager
async def bot_on(stub: BotApiStub, client: str) -> AsyncIterator[Bot]:
    async with Bot(
        TOKEN,
        base_url=stub.base_url,
        base_file_url=stub.base_file_url,
        request=CLIENTS[client](),
        get_updates_request=CLIENTS[client](connection_pool_size=1),
    ) as bot:
        yield bot


async def test_a_message_goes_out_with_its_text_and_keyboard(stub: BotApiStub, client: str) -> None:
    async with bot_on(stub, client) as bot:
        assert bot.username  # getMe went through at initialize
        sent = await bot.send_message(
            42,
            "<b>Giovedì</b> alle 15 &amp; dopo",
            parse_mode=ParseMode.HTML,
            reply_markup=KEYBOARD,
        )
    [message] = stub.bot_messages(42)
    assert (sent.message_id, sent.chat_id) == (message.message_id, 42)
    assert message.text == "Giovedì alle 15 & dopo"
    assert message.keyboard == [[("Sì", "g1:yes")]]


async def test_an_edit_and_a_callback_answer_go_through(stub: BotApiStub, client: str) -> None:
    async with bot_on(stub, client) as bot:
        sent = await bot.send_message(42, "Scegli", reply_markup=KEYBOARD)
        await bot.edit_message_text(
            "Scelto: sì", chat_id=42, message_id=sent.message_id, reply_markup=KEYBOARD
        )
        assert await bot.answer_callback_query("q1")
    assert [message.text for message in stub.bot_messages(42)] == ["Scelto: sì"]
    assert stub.calls_to("answerCallbackQuery")[0].params["callback_query_id"] == "q1"


async def test_a_file_goes_up_with_its_caption_and_keyboard(stub: BotApiStub, client: str) -> None:
    content = b"BEGIN:VCALENDAR\r\nSUMMARY:Taglio \xc3\xa8 confermato\r\nEND:VCALENDAR\r\n"
    async with bot_on(stub, client) as bot:
        sent = await bot.send_document(
            42,
            document=content,
            filename="appuntamento.ics",
            caption="Prenotato: <b>giovedì</b> alle 15",
            parse_mode=ParseMode.HTML,
            reply_markup=KEYBOARD,
        )
    [message] = stub.bot_messages(42)
    assert message.document == ("appuntamento.ics", content)
    assert message.text == "Prenotato: giovedì alle 15"
    assert message.keyboard == [[("Sì", "g1:yes")]]
    assert sent.document is not None and sent.document.file_name == "appuntamento.ics"


@pytest.mark.parametrize(
    ("status", "parameters", "error"),
    [
        (400, {}, BadRequest),
        (403, {}, Forbidden),
        (401, {}, InvalidToken),
        (409, {}, Conflict),
        (502, {}, NetworkError),
        (429, {"retry_after": 3}, RetryAfter),
    ],
)
async def test_telegram_errors_are_python_telegram_bots(
    stub: BotApiStub,
    client: str,
    status: int,
    parameters: dict[str, int],
    error: type[TelegramError],
) -> None:
    async with bot_on(stub, client) as bot:
        stub.fail_next("sendMessage", status, **parameters)
        with pytest.raises(error) as raised:
            await bot.send_message(42, "ciao")
        # The next call is fine again: the failure did not break the connection pool.
        await bot.send_message(42, "di nuovo")
    if status == 429:
        # The delay Telegram asks for (`retry_after` itself changes type in PTB 23).
        assert "Retry in 3 seconds" in str(raised.value)
    else:
        assert "stub failure for sendMessage" in str(raised.value)
    assert [message.text for message in stub.bot_messages(42)] == ["di nuovo"]


async def test_a_server_that_never_answers_times_out(client: str, silent_port: int) -> None:
    async with CLIENTS[client](read_timeout=0.2) as request:
        with pytest.raises(TimedOut):
            await request.post(f"http://127.0.0.1:{silent_port}/bot{TOKEN}/sendMessage")
        # A timeout given for one call wins over the default.
        with pytest.raises(TimedOut):
            await request.post(
                f"http://127.0.0.1:{silent_port}/bot{TOKEN}/getUpdates", read_timeout=0.1
            )


async def test_a_full_pool_times_out_waiting_for_a_connection(
    client: str, silent_port: int
) -> None:
    request = CLIENTS[client](connection_pool_size=1, read_timeout=2.0, pool_timeout=0.1)
    async with request:
        url = f"http://127.0.0.1:{silent_port}/bot{TOKEN}/sendMessage"
        holding = asyncio.create_task(request.post(url))
        await asyncio.sleep(0.05)
        with pytest.raises(TimedOut):
            await request.post(url)
        holding.cancel()
        with contextlib.suppress(asyncio.CancelledError, TelegramError):
            await holding


async def test_no_server_is_a_network_error_not_a_timeout(client: str, closed_port: int) -> None:
    async with CLIENTS[client]() as request:
        with pytest.raises(NetworkError) as raised:
            await request.post(f"http://127.0.0.1:{closed_port}/bot{TOKEN}/getMe")
    assert not isinstance(raised.value, TimedOut)


@contextlib.asynccontextmanager
async def answering(body: bytes) -> AsyncIterator[str]:
    """A loopback server answering every request with `body` (200, JSON); yields its base URL."""

    async def answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = await reader.readuntil(b"\r\n\r\n")
        length = next(
            (
                int(line.split(b":")[1])
                for line in head.split(b"\r\n")
                if line.lower().startswith(b"content-length:")
            ),
            0,
        )
        await reader.readexactly(length)
        writer.write(
            b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n"
            + f"Content-Length: {len(body)}\r\n\r\n".encode()
            + body
        )
        await writer.drain()
        writer.close()

    server = await asyncio.start_server(answer, "127.0.0.1", 0)
    async with server:
        yield f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}/bot{TOKEN}"


async def test_an_answer_with_bad_bytes_or_no_json_is_read_as_python_telegram_bot_reads_it(
    client: str,
) -> None:
    # A stray byte that is not UTF-8 becomes U+FFFD, as in python-telegram-bot's own reading.
    stray = b'{"ok": true, "result": {"text": "caf\xe8 ok"}}'
    async with answering(stray) as url, CLIENTS[client]() as request:
        assert await request.post(f"{url}/getMe") == {"text": "caf\ufffd ok"}
    async with answering(b"<html>bad gateway</html>") as url, CLIENTS[client]() as request:
        with pytest.raises(TelegramError, match="Invalid server response"):
            await request.post(f"{url}/getMe")


async def test_a_shut_down_client_refuses_to_send(stub: BotApiStub, client: str) -> None:
    request = CLIENTS[client]()
    async with request:
        assert await request.post(f"{stub.base_url}{TOKEN}/getMe")
    with pytest.raises(NetworkError, match="not initialized"):
        await request.post(f"{stub.base_url}{TOKEN}/getMe")
    # Initialized again, it works again (python-telegram-bot may restart an application).
    async with request:
        assert await request.post(f"{stub.base_url}{TOKEN}/getMe")


@pytest.mark.parametrize("webhook", [False, True])
def test_the_application_uses_the_configured_client(
    stub: BotApiStub, tmp_path: Path, client: str, webhook: bool
) -> None:
    settings = settings_for(stub, tmp_path, telegram_http_client=client)
    application = build_application(settings, turns=ChatTurns(), webhook=webhook)
    assert type(application.bot.request) is CLIENTS[client]


def test_the_default_client_is_aiohttp() -> None:
    assert Settings(_env_file=None).telegram_http_client == "aiohttp"
