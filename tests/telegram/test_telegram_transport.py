"""The Telegram transport end to end with a scripted engine.

The real `Application` polls the loopback Bot API stub. These tests pin what the adapter itself
promises (escaping, one call per answer, presses edited in place and answered, order per chat,
concurrency across chats, due messages, start-up and webhook checks), independently of the
engine's wording.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import TracebackType
from typing import Any

import httpx
import pytest
from botapi_stub import TOKEN, BotApiStub, running, settings_for
from telegram.ext import AIORateLimiter

from bot.clock import ManualClock
from bot.config import ConfigError, Settings
from bot.conversation import Attachment, Button, Command, Customer, Press, Reply, Text
from bot.staff import STAFF_COMMANDS
from bot.storage import ScheduledMessage, StaffStore, open_store
from bot.telegram.adapter import TelegramAdapter
from bot.telegram.runner import StartupError, Tuning, build_application, serve
from bot.telegram.turns import ChatTurns
from bot.telegram.webhook import SECRET_HEADER, create_webhook_app

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
FAST = Tuning(due_interval=0.05, due_stagger=0, typing_after=0.3, polling_timeout=1)


@dataclass
class ScriptedEngine:
    """Shaped like the real engine: numbered keyboards, stale presses answered as expired."""

    handled: list[tuple[int, Any]] = field(default_factory=list)
    generation: dict[int, int] = field(default_factory=dict)
    slow: dict[str, asyncio.Event] = field(default_factory=dict)
    delay: float = 0.0

    async def handle(self, customer: Customer, event: Text | Press | Command) -> list[Reply]:
        self.handled.append((customer.chat_id, event))
        if isinstance(event, Text) and event.text in self.slow:
            await self.slow[event.text].wait()
        if event == Text("boom"):
            raise RuntimeError("engine bug")
        if event == Text("calendario lungo"):
            ics = Attachment("appuntamento.ics", b"BEGIN:VCALENDAR", "text/calendar")
            long = "Ecco il calendario. " + "Dettagli. " * 110
            return [Reply(long, buttons=self._menu(customer.chat_id).buttons, attachments=(ics,))]
        if event == Text("too long"):
            return [Reply("one"), Reply("two", buttons=((Button("x", "g" * 65),),))]
        if self.delay:
            await asyncio.sleep(self.delay)
        current = self.generation.get(customer.chat_id, 0)
        if isinstance(event, Press):
            stamp, _, choice = event.action.partition(":")
            if stamp != f"g{current}":
                return [Reply("expired"), self._menu(customer.chat_id)]
            if choice == "ics":
                ics = Attachment("appuntamento.ics", b"BEGIN:VCALENDAR", "text/calendar")
                menu = self._menu(customer.chat_id).buttons
                return [Reply("Ecco il calendario", buttons=menu, attachments=(ics,))]
            return [Reply(f"scelto {choice}"), self._menu(customer.chat_id)]
        if isinstance(event, Command):
            return [Reply(f"comando {event.name} [{event.args}]"), self._menu(customer.chat_id)]
        name = customer.first_name or ""
        return [Reply(f"{name} ha scritto: {event.text}"), self._menu(customer.chat_id)]

    def _menu(self, chat_id: int) -> Reply:
        generation = self.generation[chat_id] = self.generation.get(chat_id, 0) + 1
        return Reply(
            "Scegli",
            buttons=(
                (Button("Uno", f"g{generation}:uno"), Button("Due", f"g{generation}:due")),
                (Button("Calendario", f"g{generation}:ics"),),
            ),
        )

    async def scheduled(self, message: ScheduledMessage) -> list[Reply]:
        if message.kind == "obsolete":
            return []
        return [
            Reply(
                f"Promemoria: {message.payload['text']}",
                buttons=self._menu(message.chat_id).buttons,
            )
        ]


@dataclass
class FakeApp:
    engine: ScriptedEngine
    store: StaffStore
    clock: ManualClock
    closed: bool = False
    warmed: bool = False

    async def warm_up(self) -> None:
        self.warmed = True

    async def __aenter__(self) -> FakeApp:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.store.close()
        self.closed = True


@pytest.fixture
async def stub() -> AsyncIterator[BotApiStub]:
    async with BotApiStub().serving() as stub:
        yield stub


class Bot:
    """One bot process: `async with bot.up():` runs it; state survives in the sqlite file."""

    def __init__(self, stub: BotApiStub, settings: Settings, engine: ScriptedEngine) -> None:
        self.stub, self.settings, self.engine = stub, settings, engine
        self.clock = ManualClock(NOW)
        self.apps: list[FakeApp] = []

    async def build(self, settings: Settings) -> FakeApp:
        app = FakeApp(self.engine, await open_store(settings.database_url), self.clock)
        self.apps.append(app)
        return app

    def up(self) -> Any:
        return running(
            self.stub, lambda stop: serve(self.settings, build=self.build, stop=stop, tuning=FAST)
        )


@pytest.fixture
def bot(stub: BotApiStub, tmp_path: Path) -> Bot:
    return Bot(stub, settings_for(stub, tmp_path, bot_admin_ids="7"), ScriptedEngine())


async def test_typed_text_reaches_the_engine_and_the_reply_shows_escaped_input_as_typed(
    stub: BotApiStub, bot: Bot
) -> None:
    async with bot.up():
        stub.text(1, "<i>domani</i> & dopo", first_name="<b>Dana</b> & co")
        messages = await stub.wait_replies(1, 2)
    assert messages[0].text == "<b>Dana</b> & co ha scritto: <i>domani</i> & dopo"
    assert all(call.params.get("parse_mode") == "HTML" for call in stub.calls_to("sendMessage"))
    assert bot.engine.handled == [(1, Text("<i>domani</i> & dopo"))]


async def test_commands_and_deep_links_become_commands_with_arguments(
    stub: BotApiStub, bot: Bot
) -> None:
    async with bot.up():
        stub.text(1, "/start book_s_taglio")
        stub.text(1, "/help@aurora_test_bot")
        await stub.wait_replies(1, 4)
    assert [event for _, event in bot.engine.handled] == [
        Command("start", "book_s_taglio"),
        Command("help"),
    ]


async def test_a_press_edits_the_pressed_message_and_typing_spends_nothing_on_old_keyboards(
    stub: BotApiStub, bot: Bot
) -> None:
    async with bot.up():
        stub.text(1, "ciao")
        await stub.wait_replies(1, 2)
        menu = stub.keyboards(1)[-1]
        query = stub.tap(1, "Uno")
        await stub.wait_replies(1, 3)
        stub.text(1, "e adesso?")
        await stub.wait_replies(1, 5)
        await stub.settled()
    messages = stub.bot_messages(1)
    assert [m.text for m in messages] == [
        "Mario ha scritto: ciao",
        "scelto uno",  # the pressed menu, edited: its buttons are gone with it
        "Scegli",
        "Mario ha scritto: e adesso?",
        "Scegli",
    ]
    assert (messages[1].message_id, messages[1].keyboard) == (menu.message_id, [])
    # One call per message the customer sees: no keyboard tidying, no "typing…" for a quick
    # answer. The keyboard left above is the engine's to expire (its generation is old).
    assert [call.method for call in stub.chat_calls(1)] == [
        "sendMessage",
        "sendMessage",
        "editMessageText",
        "sendMessage",
        "sendMessage",
        "sendMessage",
    ]
    assert len(stub.keyboards(1)) == 2
    assert [c.params["callback_query_id"] for c in stub.calls_to("answerCallbackQuery")] == [query]


async def test_a_press_on_a_message_that_cannot_be_edited_is_answered_with_a_new_message(
    stub: BotApiStub, bot: Bot
) -> None:
    async with bot.up():
        stub.text(1, "ciao")
        await stub.wait_replies(1, 2)
        stub.fail_next("editMessageText", 400)  # e.g. "message can't be edited"
        stub.tap(1, "Due")
        messages = await stub.wait_replies(1, 4)
    assert [m.text for m in messages] == [
        "Mario ha scritto: ciao",
        "Scegli",
        "scelto due",
        "Scegli",
    ]


async def test_a_stale_or_forged_press_is_answered_and_gets_the_engine_expiry_and_a_fresh_menu(
    stub: BotApiStub, bot: Bot
) -> None:
    async with bot.up():
        stub.text(1, "ciao")
        await stub.wait_replies(1, 2)
        forged = stub.press(1, stub.keyboards(1)[-1].message_id, "g999:cancel:a_someone_else")
        messages = await stub.wait_replies(1, 3)
    assert [m.text for m in messages] == ["Mario ha scritto: ciao", "expired", "Scegli"]
    assert messages[2].labels == ["Uno", "Due", "Calendario"]
    assert [c.params["callback_query_id"] for c in stub.calls_to("answerCallbackQuery")] == [forged]


async def test_a_file_carries_its_text_as_caption_or_follows_a_text_too_long_for_one(
    stub: BotApiStub, bot: Bot
) -> None:
    async with bot.up():
        stub.text(1, "ciao")
        await stub.wait_replies(1, 2)
        stub.tap(1, "Calendario")
        await stub.wait_replies(1, 3)
        stub.text(1, "calendario lungo")
        await stub.wait_replies(1, 5)
        # A press on the captioned file answers below it: the file and its text stay as they are.
        stub.press(1, stub.bot_messages(1)[2].message_id, stub.bot_messages(1)[2].keyboard[0][0][1])
        messages = await stub.wait_replies(1, 7)
        await stub.settled()
    captioned, long, bare = messages[2:5]
    assert [m.text for m in messages[5:]] == ["expired", "Scegli"]
    assert (captioned.text, captioned.document) == (
        "Ecco il calendario",
        ("appuntamento.ics", b"BEGIN:VCALENDAR"),
    )
    # A file never replaces the pressed text message: that menu keeps its (now stale) buttons.
    assert messages[1].labels == ["Uno", "Due", "Calendario"]
    assert long.text.startswith("Ecco il calendario.") and long.labels == [
        "Uno",
        "Due",
        "Calendario",
    ]
    assert (bare.text, bare.document) == ("", ("appuntamento.ics", b"BEGIN:VCALENDAR"))
    assert captioned.labels == ["Uno", "Due", "Calendario"]
    assert [call.method for call in stub.chat_calls(1)][2:] == [
        "sendDocument",
        "sendMessage",
        "sendDocument",
        "sendMessage",
        "sendMessage",
    ]


async def test_one_chat_in_order_while_other_chats_run_alongside(
    stub: BotApiStub, bot: Bot
) -> None:
    gate = asyncio.Event()
    bot.engine.slow["lento"] = gate
    async with bot.up():
        stub.text(1, "lento")
        stub.text(1, "secondo")
        stub.text(2, "altra chat")
        # Chat 2 is answered while chat 1 is still stuck on its first message.
        await stub.wait_replies(2, 2)
        assert [event for chat, event in bot.engine.handled if chat == 1] == [Text("lento")]
        gate.set()
        await stub.wait_replies(1, 4)
    assert [event for chat, event in bot.engine.handled if chat == 1] == [
        Text("lento"),
        Text("secondo"),
    ]
    assert [m.text for m in stub.bot_messages(1)][::2] == [
        "Mario ha scritto: lento",
        "Mario ha scritto: secondo",
    ]


async def test_a_slow_answer_shows_typing(stub: BotApiStub, bot: Bot) -> None:
    bot.engine.delay = 0.6
    async with bot.up():
        stub.text(1, "ciao")
        await stub.wait_replies(1, 2)
    [action] = stub.calls_to("sendChatAction")
    assert action.params == {"chat_id": 1, "action": "typing"}


async def test_an_engine_failure_or_an_unsendable_reply_still_gets_an_answer(
    stub: BotApiStub, bot: Bot
) -> None:
    async with bot.up():
        stub.text(1, "boom")
        await stub.wait_replies(1, 1)
        stub.text(1, "too long", language_code="en")
        await stub.wait_replies(1, 2)
        stub.text(1, "ciao")
        await stub.wait_replies(1, 4)
    texts = [m.text for m in stub.bot_messages(1)]
    assert texts[0].startswith("Scusa, qualcosa è andato storto")
    # Nothing of the refused reply went out, not even its first message.
    assert texts[1].startswith("Sorry, something went wrong")
    assert texts[2:] == ["Mario ha scritto: ciao", "Scegli"]


async def test_other_messages_get_a_text_only_hint_in_the_customer_language(
    stub: BotApiStub, bot: Bot
) -> None:
    async with bot.up():
        stub.sticker(1, language_code="en")
        [hint] = await stub.wait_replies(1, 1)
    assert bot.engine.handled == []
    assert hint.text and not hint.keyboard


async def test_commands_menu_in_italian_english_and_default_and_staff_get_theirs(
    stub: BotApiStub, bot: Bot
) -> None:
    async with bot.up():
        pass
    menus = {key: [c["command"] for c in commands] for key, commands in stub.commands.items()}
    customer = ["start", "book", "appointments", "move", "cancel", "language", "help", "stop"]
    staff = [*customer, *STAFF_COMMANDS]
    assert menus == {
        ("default", "it"): customer,
        ("default", "en"): customer,
        ("default", ""): customer,
        ("chat:7", "it"): staff,
        ("chat:7", "en"): staff,
        ("chat:7", ""): staff,
    }
    italian = {c["command"]: c["description"] for c in stub.commands[("default", "it")]}
    english = {c["command"]: c["description"] for c in stub.commands[("default", "en")]}
    assert (italian["book"], english["book"]) == ("Prenota un appuntamento", "Book an appointment")
    # The default menu is in the business's language (Italian unless configured).
    assert stub.commands[("default", "")] == stub.commands[("default", "it")]


async def test_due_messages_are_sent_once_then_marked_and_obsolete_ones_skipped(
    stub: BotApiStub, bot: Bot
) -> None:
    store = await open_store(bot.settings.database_url)
    await store.schedule(
        ScheduledMessage("r1", 5, NOW + timedelta(hours=1), "reminder", {"text": "domani alle 10"})
    )
    await store.schedule(ScheduledMessage("r2", 5, NOW + timedelta(hours=1), "obsolete", {}))
    await store.close()
    async with bot.up():
        await stub.settled()
        assert stub.bot_messages(5) == []  # not due yet
        bot.clock.advance(timedelta(hours=1))
        [reminder] = await stub.wait_replies(5, 1)
        await stub.settled()
    assert reminder.text == "Promemoria: domani alle 10"
    assert reminder.labels == ["Uno", "Due", "Calendario"]
    # A restart sends nothing again: both were marked sent.
    async with bot.up():
        await stub.settled()
    assert len(stub.bot_messages(5)) == 1


async def test_a_due_message_that_fails_to_send_is_retried_not_lost(
    stub: BotApiStub, bot: Bot
) -> None:
    store = await open_store(bot.settings.database_url)
    await store.schedule(ScheduledMessage("r1", 5, NOW, "reminder", {"text": "oggi"}))
    await store.close()
    stub.fail_next("sendMessage", 500)
    async with bot.up():
        [reminder] = await stub.wait_replies(5, 1)
        await stub.settled()
    assert reminder.text == "Promemoria: oggi"
    assert len(stub.calls_to("sendMessage")) == 2


@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")
async def test_flood_control_waits_and_retries_when_telegram_says_retry_after(
    stub: BotApiStub, bot: Bot
) -> None:
    stub.fail_next("sendMessage", 429, retry_after=1)
    async with bot.up():
        stub.text(1, "ciao")
        messages = await stub.wait_replies(1, 2)
    assert messages[0].text == "Mario ha scritto: ciao"
    first, second = stub.calls_to("sendMessage")[:2]
    assert second.at - first.at >= 1.0


async def test_stopping_closes_the_store_and_the_application(stub: BotApiStub, bot: Bot) -> None:
    async with bot.up() as task:
        pass
    assert task.done() and task.exception() is None
    assert bot.apps[0].warmed  # before the first update
    assert bot.apps[0].closed


async def test_a_rejected_token_is_a_configuration_error_that_never_shows_the_token(
    stub: BotApiStub, bot: Bot
) -> None:
    stub.reject_token = True
    with pytest.raises(ConfigError, match="TELEGRAM_BOT_TOKEN was rejected") as error:
        await serve(bot.settings, build=bot.build, stop=asyncio.Event(), tuning=FAST)
    assert TOKEN not in str(error.value)
    assert bot.apps[0].closed


async def test_an_unreachable_bot_api_is_a_startup_error(tmp_path: Path) -> None:
    settings = Settings(
        _env_file=None,
        telegram_bot_token=TOKEN,
        telegram_api_base_url="http://127.0.0.1:9/bot",  # discard port: nothing listens
        database_url=f"sqlite:///{tmp_path / 'bot.sqlite3'}",
    )
    engine = ScriptedEngine()

    async def build(settings: Settings) -> FakeApp:
        return FakeApp(engine, await open_store(settings.database_url), ManualClock(NOW))

    with pytest.raises(StartupError, match=r"127\.0\.0\.1:9 could not be reached"):
        await serve(settings, build=build, stop=asyncio.Event(), tuning=FAST)


async def test_the_webhook_refuses_calls_without_the_secret_and_serves_health(
    stub: BotApiStub, tmp_path: Path
) -> None:
    settings = settings_for(stub, tmp_path)
    engine = ScriptedEngine()
    turns = ChatTurns()
    application = build_application(settings, turns=turns, webhook=True)
    TelegramAdapter(engine=engine).install(application)
    webapp = create_webhook_app(application, path="/telegram", secret="s3cret")
    update = {
        "update_id": 1,
        "message": {
            "message_id": 1,
            "date": 0,
            "chat": {"id": 3, "type": "private"},
            "from": {"id": 3, "is_bot": False, "first_name": "Ada", "language_code": "en"},
            "text": "hello",
        },
    }
    transport = httpx.ASGITransport(app=webapp)
    async with httpx.AsyncClient(transport=transport, base_url="http://bot") as client:
        assert (await client.get("/healthz")).status_code == 503
        async with application:
            await application.start()
            assert (await client.get("/healthz")).status_code == 200
            refused = await client.post("/telegram", json=update)
            wrong = await client.post("/telegram", json=update, headers={SECRET_HEADER: "nope"})
            assert (refused.status_code, wrong.status_code) == (403, 403)
            assert engine.handled == []
            accepted = await client.post(
                "/telegram", json=update, headers={SECRET_HEADER: "s3cret"}
            )
            assert accepted.status_code == 200
            await stub.wait_replies(3, 2)
            garbage = await client.post(
                "/telegram", content=b"{", headers={SECRET_HEADER: "s3cret"}
            )
            assert garbage.status_code == 400
            not_an_update = await client.post(
                "/telegram", json=[1, 2], headers={SECRET_HEADER: "s3cret"}
            )
            assert not_an_update.status_code == 400
            await application.stop()
    assert engine.handled == [(3, Text("hello"))]


def test_the_overall_rate_limit_is_the_setting(stub: BotApiStub, tmp_path: Path) -> None:
    settings = settings_for(stub, tmp_path, telegram_rate_limit_overall=100)
    application = build_application(settings, turns=ChatTurns(), webhook=True)
    limiter = application.bot.rate_limiter
    assert isinstance(limiter, AIORateLimiter)
    # PTB keeps the overall limit in an aiolimiter.AsyncLimiter; no public accessor.
    assert limiter._base_limiter.max_rate == 100
