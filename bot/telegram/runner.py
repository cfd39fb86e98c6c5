"""`python -m bot run`: the bot in Telegram, by long polling or behind a webhook.

Start-up checks the settings and the token (getMe) and says in one sentence what is wrong. The whole
lifecycle runs inside `async with`-style blocks, so SIGTERM stops polling (or the web server), lets
running updates and the due-message pass finish, then closes the store and the Zimun client.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from types import TracebackType
from typing import TYPE_CHECKING, Any, Protocol
from urllib.parse import urlsplit

from telegram import Update
from telegram.error import BadRequest, Conflict, InvalidToken, TelegramError
from telegram.ext import AIORateLimiter, Application, ApplicationBuilder, BaseRateLimiter

from bot import eventloop
from bot.clock import Clock
from bot.config import ConfigError, Settings
from bot.conversation import ConversationEngine, Reply
from bot.staff import STAFF_COMMANDS
from bot.storage import Coordination, UpdateLedger
from bot.telegram.adapter import TelegramAdapter
from bot.telegram.due import DueMessageSender, DueMessageStore
from bot.telegram.menu import register_commands
from bot.telegram.miniapp import mini_app_routes, set_mini_app_button
from bot.telegram.once import ProcessedUpdates
from bot.telegram.transport import AiohttpRequest
from bot.telegram.turns import ChatTurns, PerChatUpdateProcessor

if TYPE_CHECKING:
    # uvicorn and Starlette (about 2.5 MB) are imported on use: only a webhook or the Mini App
    # serves HTTP, and a bot on long polling never needs them (issue 11, memory).
    from starlette.routing import BaseRoute

logger = logging.getLogger(__name__)

ALLOWED_UPDATES = [Update.MESSAGE, Update.CALLBACK_QUERY]
DEFAULT_WEBHOOK_PATH = "/telegram"

TelegramApplication = Application[Any, Any, Any, Any, Any, Any]


class BookingApplication(TelegramApplication):
    """python-telegram-bot's Application without its one unbounded set (issue 11, memory).

    After every update PTB records the chat and the user "to be updated in persistence", and only
    `update_persistence` empties those sets, which runs only with a persistence configured. We
    keep our state in our own store and configure none, so the sets grew by every chat and user
    ever seen (about 0.2 KB each). With no persistence there is nothing to record."""

    __slots__ = ()

    def _mark_for_persistence_update(
        self, *, update: object | None = None, job: Any = None
    ) -> None:
        if self.persistence is not None:
            super()._mark_for_persistence_update(update=update, job=job)


class RunningStore(DueMessageStore, UpdateLedger, Protocol):
    """The store as the runner uses it: due messages, and the ids of updates already handled."""


class RunningApp(Protocol):
    """What the runner needs of `bot.bootstrap.App`; closing it closes the store and client."""

    @property
    def engine(self) -> ConversationEngine: ...

    @property
    def store(self) -> RunningStore: ...

    @property
    def clock(self) -> Clock: ...

    async def warm_up(self) -> None: ...

    async def __aenter__(self) -> RunningApp: ...

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None: ...


Builder = Callable[[Settings], Awaitable[RunningApp]]


class StartupError(Exception):
    """The bot cannot start for a reason other than a setting; one sentence saying why."""


# Telegram answers getUpdates with 409 Conflict while another process polls with the same token
# (and while a webhook is set). Retrying would fight that process forever, so the second one exits.
ANOTHER_POLLER = (
    "another instance is already polling with this token: run one poller, or use webhooks for "
    "several instances."
)


@dataclass(frozen=True)
class Tuning:
    """Timings with production defaults; tests shorten them."""

    due_interval: float = 5.0
    due_stagger: float = 0.05
    typing_after: float = 0.6
    warm_up_timeout: float = 10.0
    polling_timeout: float = 10.0
    rate_limit_retries: int = 3
    # Freeze the start-up heap out of the garbage collector's sight once warm (bot/eventloop.py):
    # `python -m bot run` does; tests, which start many bots in one process, do not.
    freeze_heap: bool = False
    # All interfaces: the platform's router sits in front of PORT.
    listen_host: str = "0.0.0.0"


def run(settings: Settings) -> int:
    """Run until SIGINT or SIGTERM; raises ConfigError or StartupError with one sentence."""
    token = settings.require_telegram().get_secret_value()
    _redact_from_logs(token)
    if logging.getLogger().getEffectiveLevel() > logging.INFO:
        # The operator should see that the bot signed in and how it listens.
        logging.getLogger("bot").setLevel(logging.INFO)
    eventloop.run(serve(settings, tuning=Tuning(freeze_heap=True)))
    return 0


def build_application(
    settings: Settings,
    *,
    turns: ChatTurns,
    webhook: bool,
    rate_limiter: BaseRateLimiter[Any] | None = None,
    retries: int = 3,
) -> TelegramApplication:
    """The python-telegram-bot application: our Bot API URLs, per-chat order, flood control."""
    token = settings.require_telegram().get_secret_value()
    builder = (
        ApplicationBuilder()
        .application_class(BookingApplication)
        .token(token)
        .base_url(str(settings.telegram_api_base_url))
        .base_file_url(str(settings.telegram_api_base_file_url))
        .concurrent_updates(PerChatUpdateProcessor(turns))
    )
    if settings.telegram_http_client == "aiohttp":
        # python-telegram-bot's own defaults otherwise: a pool of 256, and 1 for getUpdates.
        builder = builder.request(AiohttpRequest()).get_updates_request(
            AiohttpRequest(connection_pool_size=1)
        )
    if webhook:
        builder = builder.updater(None)
    application: TelegramApplication
    if rate_limiter is None and settings.telegram_rate_limiter == "off":
        application = builder.build()  # benchmarks only: no flood control at all
    else:
        # Retries on RetryAfter after waiting as long as Telegram asks.
        limiter = rate_limiter or AIORateLimiter(
            overall_max_rate=settings.telegram_rate_limit_overall, max_retries=retries
        )
        application = builder.rate_limiter(limiter).build()
    return application


async def serve(
    settings: Settings,
    *,
    build: Builder | None = None,
    stop: asyncio.Event | None = None,
    tuning: Tuning = Tuning(),  # frozen, so one shared default is safe
    rate_limiter: BaseRateLimiter[Any] | None = None,
) -> None:
    """Build everything (`bot.bootstrap` unless `build` is given), run until `stop` is set
    (by SIGINT/SIGTERM when not given), then clean up."""
    if build is None:
        # Imported on use: the composition root pulls in the engine, dateparser and the sandbox.
        from bot.bootstrap import bootstrap

        build = bootstrap
    if stop is None:
        stop = _stop_on_signals()
    webhook = settings.telegram_webhook_url is not None
    async with await build(settings) as app:
        coordination = _coordination_of(app)
        # Each chat's turn holds the store's chat lock too, respected by every instance.
        turns = ChatTurns(coordination.chat_lock if coordination is not None else None)
        application = build_application(
            settings,
            turns=turns,
            webhook=webhook,
            rate_limiter=rate_limiter,
            retries=tuning.rate_limit_retries,
        )
        adapter = TelegramAdapter(
            engine=app.engine,
            default_language=settings.bot_default_language,
            typing_after=tuning.typing_after,
            updates=ProcessedUpdates(app.store, app.clock),
        )
        adapter.install(application)

        async def deliver(chat_id: int, replies: Sequence[Reply]) -> None:
            await adapter.deliver(application.bot, chat_id, replies)

        sender = DueMessageSender(
            store=app.store,
            engine=app.engine,
            clock=app.clock,
            deliver=deliver,
            turns=turns,
            interval=tuning.due_interval,
            stagger=tuning.due_stagger,
            claims=coordination,
        )
        await _check_token(application, settings)
        await _warm_up(app, tuning.warm_up_timeout)
        if tuning.freeze_heap:
            eventloop.freeze_start_up_heap()
        routes = mini_app_routes(app, settings, deliver)
        try:
            await _announce(application, settings)
            if webhook:
                await _run_webhook(application, settings, sender, stop, tuning, routes)
            elif routes:
                from bot.telegram.miniapp import mini_app_server

                async with mini_app_server(routes, settings, tuning):
                    await _run_polling(application, sender, stop, tuning)
            else:
                await _run_polling(application, sender, stop, tuning)
        finally:
            await application.shutdown()
    logger.info("stopped cleanly")


async def _check_token(application: TelegramApplication, settings: Settings) -> None:
    """initialize() calls getMe: turn its failures into sentences that never show the token."""
    where = urlsplit(str(settings.telegram_api_base_url)).netloc
    try:
        await application.initialize()
    except InvalidToken:
        await _close_failed(application)
        raise ConfigError(
            "TELEGRAM_BOT_TOKEN was rejected by Telegram (getMe failed): copy the token again "
            "from @BotFather."
        ) from None
    except TelegramError as exc:
        await _close_failed(application)
        raise StartupError(
            f"the Telegram Bot API at {where} could not be reached ({type(exc).__name__}); "
            "check the network and TELEGRAM_API_BASE_URL."
        ) from None
    logger.info("signed in to Telegram as @%s", application.bot.username)


async def _close_failed(application: TelegramApplication) -> None:
    """After a failed `initialize()`: the application counts as never started and its shutdown
    does nothing, but the bot's HTTP clients were opened; close them."""
    await application.shutdown()
    await application.bot.shutdown()


async def _warm_up(app: RunningApp, within: float) -> None:
    """Fill the caches before the first update, so the first customer does not pay for them;
    never for long: updates wait at Telegram meanwhile."""
    try:
        await asyncio.wait_for(app.warm_up(), within)
    except TimeoutError:
        logger.warning(
            "warming up given up after %s s; the first turn will read the services", within
        )


async def _announce(application: TelegramApplication, settings: Settings) -> None:
    """The commands menu; a failure here is worth a warning, not a refusal to start."""
    if settings.mini_app_url is not None:
        await set_mini_app_button(application.bot, settings)
    try:
        await register_commands(
            application.bot,
            default_language=settings.bot_default_language,
            admin_ids=settings.bot_admin_ids,
            staff_commands=STAFF_COMMANDS,
        )
    except Exception:
        # Customers can still type commands; a test guards the catalogs, so this is rare.
        logger.exception("the commands menu could not be registered")


async def _run_polling(
    application: TelegramApplication,
    sender: DueMessageSender,
    stop: asyncio.Event,
    tuning: Tuning,
) -> None:
    updater = application.updater
    assert updater is not None  # built with an updater in polling mode
    conflict = asyncio.Event()

    def polling_failed(exc: TelegramError) -> None:
        if isinstance(exc, Conflict):
            conflict.set()
            return
        logger.error("polling for updates failed; retrying", exc_info=exc)

    # Pending updates are kept: what customers sent while the bot was down is answered now.
    await updater.start_polling(
        allowed_updates=ALLOWED_UPDATES,
        timeout=int(tuning.polling_timeout),
        drop_pending_updates=False,
        error_callback=polling_failed,
    )
    try:
        await application.start()
        sender.start()
        logger.info("polling for updates")
        await _first_of(stop.wait(), conflict.wait())
    finally:
        if conflict.is_set():
            # The updater's last getUpdates (confirming what it took) meets the same 409.
            logging.getLogger("telegram.ext.Updater").setLevel(logging.CRITICAL)
        # Stop taking updates first, then let what is running finish, then stop.
        await updater.stop()
        await sender.stop()
        if application.running:
            await application.stop()
    if conflict.is_set():
        raise StartupError(ANOTHER_POLLER)


async def _first_of(*waits: Awaitable[object]) -> None:
    """Wait until one of `waits` is done; the others are cancelled."""
    tasks = {asyncio.ensure_future(wait) for wait in waits}
    try:
        await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in tasks:
            task.cancel()


async def _run_webhook(
    application: TelegramApplication,
    settings: Settings,
    sender: DueMessageSender,
    stop: asyncio.Event,
    tuning: Tuning,
    routes: Sequence[BaseRoute] = (),
) -> None:
    assert settings.telegram_webhook_url is not None and settings.telegram_webhook_secret
    secret = settings.telegram_webhook_secret.get_secret_value()
    url = str(settings.telegram_webhook_url)
    path = urlsplit(url).path or DEFAULT_WEBHOOK_PATH
    try:
        await application.bot.set_webhook(
            url=url,
            secret_token=secret,
            allowed_updates=ALLOWED_UPDATES,
            drop_pending_updates=False,
            # One connection: Telegram then delivers updates strictly one after another, so a
            # chat's messages reach the queue in the order they were sent. Each call only
            # enqueues, so one connection is plenty for a business's traffic.
            max_connections=1,
        )
    except BadRequest as exc:
        # Telegram says why (e.g. "bad webhook: HTTPS url must be provided"); no secret in it.
        raise ConfigError(f"TELEGRAM_WEBHOOK_URL was refused by Telegram: {exc.message}.") from None
    import uvicorn

    from bot.telegram.webhook import create_webhook_app

    server = uvicorn.Server(
        uvicorn.Config(
            create_webhook_app(application, path=path, secret=secret, routes=routes),
            host=tuning.listen_host,
            port=settings.port,
            log_level="warning",
            lifespan="off",
        )
    )
    await application.start()
    try:
        sender.start()
        serving = asyncio.create_task(server.serve(), name="webhook-server")
        stopping = asyncio.create_task(stop.wait(), name="webhook-stop")
        logger.info("webhook listening on port %s at %s", settings.port, path)
        # uvicorn also ends on SIGTERM by itself; either way the same clean-up follows.
        await asyncio.wait({serving, stopping}, return_when=asyncio.FIRST_COMPLETED)
        server.should_exit = True
        stopping.cancel()
        await serving
    finally:
        # The webhook stays registered: Telegram keeps updates queued until we are back.
        await sender.stop()
        if application.running:
            await application.stop()


def _coordination_of(app: RunningApp) -> Coordination | None:
    """The store's chat locks and claims (`bootstrap.App.coordination`), when it has them."""
    coordination = getattr(app, "coordination", None)
    return coordination if isinstance(coordination, Coordination) else None


def _stop_on_signals() -> asyncio.Event:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):  # Windows has no add_signal_handler
            loop.add_signal_handler(sig, stop.set)
    return stop


class TokenRedactor(logging.Filter):
    """Libraries log request URLs, which contain the bot token; replace it before output."""

    def __init__(self, token: str) -> None:
        super().__init__()
        self._token = token

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if self._token in message:
            record.msg = message.replace(self._token, "<token>")
            record.args = None
        if record.exc_info and not record.exc_text:
            # Formatters reuse exc_text, so the traceback is redacted once, here.
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text and self._token in record.exc_text:
            record.exc_text = record.exc_text.replace(self._token, "<token>")
        return True


def _redact_from_logs(token: str) -> None:
    redactor = TokenRedactor(token)
    for handler in logging.getLogger().handlers:
        handler.addFilter(redactor)
    # httpx logs every request URL at INFO; that detail is only useful when debugging.
    logging.getLogger("httpx").setLevel(logging.WARNING)
