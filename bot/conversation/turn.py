"""One event's working context: the engine's collaborators, the customer's language, and helpers.

Handlers in `flow` receive a `Turn`; it makes buttons of the next keyboard generation, saves
checkpoints before Zimun writes, derives idempotency keys and formats dates in the business
timezone. It holds no conversation state of its own: that is the `Session`.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta, tzinfo
from typing import TYPE_CHECKING

from bot import i18n
from bot.clock import Clock
from bot.conversation.actions import encode
from bot.conversation.events import Attachment, Button, Customer, Reply
from bot.conversation.journal import JournaledZimun
from bot.conversation.session import Session
from bot.zimun.models import Location, Service

if TYPE_CHECKING:
    from bot.storage import IntentJournal, Store
    from bot.zimun import ZimunApi

__all__ = ["SERVICES_TTL", "BusinessInfo", "Deps", "Turn"]

logger = logging.getLogger(__name__)

SERVICES_TTL = timedelta(minutes=10)
Rows = Sequence[Sequence[Button]]


@dataclass(frozen=True)
class BusinessInfo:
    """What the business tells customers that Zimun does not know (from the settings)."""

    phone: str | None = None
    info: Mapping[str, str] = field(default_factory=dict)  # language -> a short free text
    staff_reachable: bool = True  # someone is in BOT_ADMIN_IDS to read "talk to a person"
    location: tuple[float, float] | None = None  # issue 13: (latitude, longitude) for a venue


@dataclass
class Deps:
    """What every turn shares: set once by the `Engine`."""

    zimun: ZimunApi
    store: Store
    clock: Clock
    timezone: tzinfo
    default_language: str
    organization_id: str
    service_id: str | None
    horizon_days: int
    reminder_hours: float | tuple[float, ...]
    service_aliases: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    business: BusinessInfo = field(default_factory=BusinessInfo)
    services_cache: tuple[datetime, list[Service]] | None = field(default=None)
    location_cache: tuple[datetime, Location | None] | None = field(default=None)
    # Where Zimun writes are journaled as intents (issue 10); None: not journaled.
    journal: IntentJournal | None = field(default=None)
    # The Mini App's https URL (issue 14): the "when" step offers it as a calendar button.
    mini_app_url: str | None = field(default=None)
    # After this many no-shows a customer's bookings wait for staff approval (issue 13; 0: never).
    noshow_limit: int = 0

    async def services(self) -> list[Service]:
        """Every service at Zimun, read at most once per SERVICES_TTL for all chats together."""
        cached = self.services_cache
        now = self.clock.now()
        if cached is None or now - cached[0] > SERVICES_TTL:
            cached = (now, await self.zimun.list_services())
            self.services_cache = cached
        return cached[1]


class Turn:
    def __init__(self, deps: Deps, customer: Customer, session: Session) -> None:
        self.deps = deps
        self.zimun: ZimunApi = deps.zimun
        # The intents Zimun answered this turn; the engine settles them once the session is saved.
        self.journaled: list[str] = []
        if deps.journal is not None:
            self.zimun = JournaledZimun(deps.zimun, deps.journal, self)
        self.store = deps.store
        self.tz = deps.timezone
        self.customer = customer
        self.generation = session.generation + 1
        self.used_buttons = False
        # The actions of the buttons made this turn, so the engine can tell its own from forgeries.
        self.issued: list[str] = []
        self.checkpointed: Session | None = None
        self.language = session.language or deps.default_language
        self.t = i18n.translator_for(self.language)

    def set_language(self, language: str) -> None:
        self.language = language
        self.t = i18n.translator_for(language)

    # time
    def now(self) -> datetime:
        return self.deps.clock.now()

    def today(self) -> date:
        return self.now().astimezone(self.tz).date()

    def last_bookable_day(self) -> date:
        return self.today() + timedelta(days=self.deps.horizon_days)

    # formatting
    def day(self, day: date, *, capital: bool = False) -> str:
        text = i18n.format_date(day, self.language, with_year=day.year != self.today().year)
        return _capitalised(text) if capital else text

    def short_day(self, day: date) -> str:
        return _capitalised(i18n.format_short_date(day, self.language))

    def clock_time(self, moment: datetime) -> str:
        return i18n.format_time(moment, self.language, self.tz)

    def when(self, moment: datetime, *, capital: bool = False) -> str:
        local = moment.astimezone(self.tz)
        text = self.t("format.datetime", date=self.day(local.date()), time=self.clock_time(local))
        return _capitalised(text) if capital else text

    def local_day(self, moment: datetime) -> date:
        return moment.astimezone(self.tz).date()

    # replies
    def button(self, label: str, verb: str, arg: str = "") -> Button:
        self.used_buttons = True
        action = encode(self.generation, verb, arg)
        self.issued.append(action)
        return Button(label, action)

    def reply(self, text: str, rows: Rows = (), attachments: Sequence[Attachment] = ()) -> Reply:
        return Reply(
            text=text,
            buttons=tuple(tuple(row) for row in rows if row),
            attachments=tuple(attachments),
        )

    # durability
    async def checkpoint(self, session: Session) -> None:
        """Save the session before a Zimun write that depends on it (its keys come from it).

        The event runs in one store transaction; a checkpoint commits it so far, so the session
        (and the keys derived from it) is on disk before the call, and the rest of the event's
        writes go on in a new transaction. A crash during the call then resumes with the same
        idempotency keys.
        """
        await self.store.save_session(self.customer.chat_id, session.to_dict())
        if self.deps.journal is None:
            await self.store.commit()
        # else the intent recorded next, before the call, commits the session with it: one
        # round trip instead of two, and the session is still on disk before Zimun is called.
        self.checkpointed = session

    def key(self, session: Session, action: str, target: str, attempt: int = 0) -> str:
        """A deterministic Idempotency-Key: the same action on the same saved state, same key."""
        raw = f"{self.customer.chat_id}|{session.flow_id}|{action}|{target}|{attempt}"
        return hashlib.sha256(raw.encode()).hexdigest()[:48]

    # Zimun reads
    async def services(self) -> list[Service]:
        """The bookable services (only the configured one when the bot is restricted to it)."""
        services = await self.deps.services()
        if self.deps.service_id is not None:
            services = [s for s in services if s.id == self.deps.service_id]
        return services

    async def service(self, service_id: str) -> Service | None:
        return next((s for s in await self.services() if s.id == service_id), None)

    async def location(self) -> Location | None:
        """Where the business is (address, weekly hours): the bookable services' first location,
        else the organization's first; None when Zimun lists none. Cached like the services."""
        cached = self.deps.location_cache
        now = self.now()
        if cached is None or now - cached[0] > SERVICES_TTL:
            locations = await self.zimun.list_locations()
            wanted = {i for s in await self.services() for i in s.location_ids}
            chosen = next((loc for loc in locations if loc.id in wanted), None)
            cached = (now, chosen or (locations[0] if locations else None))
            self.deps.location_cache = cached
        return cached[1]


def _capitalised(text: str) -> str:
    """The first letter upper case, the rest untouched (unlike `str.capitalize`)."""
    return text[:1].upper() + text[1:]


def with_service(session: Session, service: Service) -> Session:
    return replace(
        session,
        service_id=service.id,
        service_name=service.name,
        duration_minutes=service.duration_minutes,
    )
