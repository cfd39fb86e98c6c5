"""The composition root: builds every concrete object of the bot from `Settings`.

Every dependency is a keyword argument with a production default, so tests, the terminal chat, the
replay runner and the Telegram adapter pass what they need (a clock, a sandbox world, a store)
instead of patching. With no Zimun credentials the bot talks to an in-process sandbox.

The staff layer (`bot.staff.wiring`) wraps the store (alerts, metrics), the engine's Zimun client
(hold tracking) and the engine itself (a gateway that routes staff commands), so every transport
serves customers and staff through the same `App.engine`.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from types import TracebackType
from typing import TYPE_CHECKING

import httpx

from bot.clock import Clock, SystemClock
from bot.config import Settings
from bot.conversation import ConversationEngine, Engine, Reply
from bot.conversation.turn import BusinessInfo
from bot.staff.observe import current_chat
from bot.staff.wiring import observe_zimun, with_staff, wrap_store
from bot.storage import Coordination, IntentJournal, StaffStore, Store, open_store
from bot.understanding import warm_up as understanding_warm_up
from bot.zimun import ZimunApi, ZimunClient, ZimunError
from bot.zimun.cache import ChatAvailabilityCache
from bot.zimun.transport import ZimunTransport

if TYPE_CHECKING:
    # The sandbox (and Starlette under it) is imported on use: a bot with Zimun credentials never
    # needs it (issue 11, memory).
    from bot.sandbox import World

logger = logging.getLogger(__name__)

# The sandbox is served in-process; httpx still needs an absolute URL to build requests.
SANDBOX_BASE_URL = "http://sandbox.invalid"
# Passes of `App.deliver_due`: what one pass schedules due at once is handled by the next.
DELIVERY_PASSES = 3

# How long a claim of due messages keeps them from other instances (see bot/telegram/due.py).
DUE_CLAIM_LEASE = timedelta(seconds=60)

SendReplies = Callable[[int, Sequence[Reply]], Awaitable[None]]


@dataclass
class App:
    """Everything a transport needs: the engine and what it runs on. Close it with `aclose`."""

    settings: Settings
    clock: Clock
    engine: ConversationEngine  # the staff gateway in front of the conversation engine
    store: StaffStore  # as the engine sees it (ledger writes also alert staff), update ids too
    zimun: ZimunClient
    organization_id: str
    world: World | None = None
    conversation: Engine | None = field(default=None, repr=False)  # the engine behind `engine`
    _owned_store: bool = field(default=True, repr=False)
    # The store's chat locks and leased claims, for several instances on one database (issue 12).
    coordination: Coordination | None = field(default=None, repr=False)

    async def warm_up(self) -> None:
        """Read now what the first customer would otherwise wait for: the bookable services.

        Best effort: with Zimun unreachable the bot still starts, and the first turn reads them.
        """
        if self.conversation is None:
            return
        try:
            await self.conversation.warm_up()
        except ZimunError as exc:
            logger.warning("services not read at start-up (%r); the first turn will read them", exc)
        await self.recover()

    async def recover(self) -> int:
        """Resolve the Zimun writes a crash left unfinished, telling each customer through a
        message due now (issue 10). Best effort: with Zimun unreachable each chat's next update
        resolves its own. Returns how many chats were resolved."""
        if self.conversation is None:
            return 0
        try:
            chats = await self.conversation.recover()
        except ZimunError as exc:
            logger.warning("unfinished Zimun writes not resolved at start-up (%r)", exc)
            return 0
        if chats:
            logger.info("unfinished Zimun writes of %d chats resolved at start-up", chats)
        return chats

    async def deliver_due(self, send: SendReplies, *, limit: int = 100) -> int:
        """Hand every time-based message that has fallen due to the engine, then to `send`.

        A message is marked sent only after `send` returns, so a crash in between repeats it
        rather than losing it. Messages that handling schedules due at once (a waiting-list check
        that finds a free time schedules its offer, issue 13) are handled too, in a few passes.
        Returns how many messages were handled.
        """
        claims = self.coordination
        handled = 0
        for _ in range(DELIVERY_PASSES):
            now = self.clock.now()
            if claims is None:
                due = await self.store.due_messages(now, limit=limit)
            else:
                # Claimed under a lease, so another instance never sends the same message.
                due = await claims.claim_due(now, DUE_CLAIM_LEASE, limit=limit)
            for index, message in enumerate(due):
                try:
                    replies = await self.engine.scheduled(message)
                    if replies:
                        await send(message.chat_id, replies)
                except BaseException:
                    if claims is not None:
                        for unsent in due[index:]:
                            await claims.release_claim(unsent.key)
                    raise
                await self.store.mark_sent(message.key)
            handled += len(due)
            if not due:
                break
        return handled

    async def aclose(self) -> None:
        await self.zimun.aclose()
        if self._owned_store:
            await self.store.close()

    async def __aenter__(self) -> App:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.aclose()


def sandbox_client(world: World, *, clock: Clock) -> ZimunClient:
    """A Zimun client for an in-process sandbox world, through httpx's ASGI transport."""
    from bot.sandbox import (
        SANDBOX_CLIENT_ID,
        SANDBOX_CLIENT_SECRET,
        SANDBOX_ORGANIZATION_ID,
        create_app,
    )

    return ZimunClient(
        base_url=SANDBOX_BASE_URL,
        client_id=SANDBOX_CLIENT_ID,
        client_secret=SANDBOX_CLIENT_SECRET,
        organization_id=SANDBOX_ORGANIZATION_ID,
        transport=httpx.ASGITransport(app=create_app(world)),
        clock=clock,
    )


async def bootstrap(
    settings: Settings,
    *,
    clock: Clock | None = None,
    world: World | None = None,
    zimun_transport: httpx.AsyncBaseTransport | None = None,
    store: StaffStore | None = None,
    warm_up: Callable[[], None] | None = understanding_warm_up,
) -> App:
    """Build the app. A given `world` (or no Zimun credentials) means the in-process sandbox.

    A `store` passed in stays the caller's to close; one opened here from DATABASE_URL is closed
    by `App.aclose`.
    """
    clock = clock or SystemClock()
    if world is None and settings.uses_sandbox and zimun_transport is None:
        from bot.sandbox import World, default_seed

        world = World(seed=default_seed(), clock=clock)
    if world is not None:
        from bot.sandbox import SANDBOX_ORGANIZATION_ID

        logger.info("using the in-process Zimun sandbox")
        zimun = sandbox_client(world, clock=clock)
        organization_id = SANDBOX_ORGANIZATION_ID
    else:
        settings.require_zimun()
        assert settings.zimun_client_id and settings.zimun_client_secret  # checked just above
        organization_id = settings.zimun_organization_id or ""
        zimun = ZimunClient(
            base_url=str(settings.zimun_api_url).rstrip("/"),
            client_id=settings.zimun_client_id,
            client_secret=settings.zimun_client_secret.get_secret_value(),
            organization_id=organization_id,
            # aiohttp underneath (bot/zimun/transport.py) unless a test brings its own.
            transport=zimun_transport or ZimunTransport(),
            clock=clock,
        )
    owned_store = store is None
    try:
        if store is None:
            store = await open_store(settings.database_url)
        if warm_up is not None:
            # dateparser loads its language data lazily and slowly; pay that once, off the loop.
            await asyncio.to_thread(warm_up)
        admins = settings.bot_admin_ids
        staff_store = wrap_store(store, clock=clock, admin_ids=admins)
        engine = make_engine(
            settings,
            zimun=observe_zimun(
                # A chat's availability reads reused for a few seconds (issue 11).
                ChatAvailabilityCache(zimun, clock=clock, chat=current_chat.get),
                store=staff_store,
                clock=clock,
            ),
            store=staff_store,
            clock=clock,
            organization_id=organization_id,
            journal=store if isinstance(store, IntentJournal) else None,
        )
        gateway = with_staff(
            engine,
            store=staff_store,
            zimun=zimun,
            clock=clock,
            timezone=settings.timezone,
            admin_ids=admins,
            started_at=clock.now(),
            default_language=settings.bot_default_language,
            reminder_hours=settings.reminder_hours,
        )
    except BaseException:
        await zimun.aclose()
        if owned_store and store is not None:
            await store.close()
        raise
    return App(
        settings=settings,
        clock=clock,
        engine=gateway,
        store=staff_store,
        zimun=zimun,
        organization_id=organization_id,
        world=world,
        conversation=engine,
        _owned_store=owned_store,
        coordination=store if isinstance(store, Coordination) else None,
    )


def make_engine(
    settings: Settings,
    *,
    zimun: ZimunApi,
    store: Store,
    clock: Clock,
    organization_id: str,
    journal: IntentJournal | None = None,
) -> Engine:
    """The conversation engine with the business's settings; Zimun writes are journaled in
    `journal` (the store, by default, when it can keep intents)."""
    return Engine(
        zimun=zimun,
        store=store,
        clock=clock,
        timezone=settings.timezone,
        default_language=settings.bot_default_language,
        organization_id=organization_id,
        service_id=settings.zimun_service_id,
        reminder_hours=settings.reminder_hours,
        service_aliases=settings.load_service_aliases(),
        business=BusinessInfo(
            phone=settings.business_phone,
            info=settings.business_info,
            staff_reachable=bool(settings.bot_admin_ids),
            location=settings.business_location,
        ),
        journal=journal,
        mini_app_url=str(settings.mini_app_url) if settings.mini_app_url else None,
        noshow_limit=settings.noshow_limit,
    )
