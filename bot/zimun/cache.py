"""A chat's availability reads reused for a few seconds (issue 11): one Zimun read per booking.

Booking by taps reads availability twice within seconds: the quick day buttons read the next two
weeks, then the tapped day's times read eight days from that day — days the first read already
holds. `ChatAvailabilityCache` keeps each chat's last reads for `ttl` and answers a read that lies
inside one of them by slicing it, so the tapped day costs no request.

What a customer sees does not change: the cache is per chat (another chat never reads this chat's
copy), short-lived, and dropped whenever the chat writes to Zimun (hold, release, confirm, move,
cancel — succeeded or not), so the chat's own hold or a refused one ("that time was just taken")
is always followed by a fresh read. Another customer's hold placed inside the `ttl` may still be
offered, exactly as it may between any read and the tap that follows it; the hold then fails and
the engine offers other times, as it always has.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.clock import Clock
from bot.zimun import Appointment, Availability, Hold, ZimunApi, ZimunPassThrough

DEFAULT_TTL = timedelta(seconds=10)
# Chats remembered at once; the least recently read is forgotten first (memory stays bounded).
# Reads older than the ttl leave at the next read of any chat, so an idle chat costs nothing.
MAX_CHATS = 1024
# Reads kept per chat.
READS_PER_CHAT = 4


@dataclass(frozen=True, slots=True)
class _Read:
    service_id: str
    location_id: str | None
    availability: Availability
    read_at: datetime


def covers(availability: Availability, first_day: date, days_ahead: int) -> bool:
    """True when `availability` holds every day of [first_day, first_day + days_ahead)."""
    end = availability.first_day + timedelta(days=availability.days_ahead)
    return availability.first_day <= first_day and first_day + timedelta(days=days_ahead) <= end


def narrow(availability: Availability, first_day: date, days_ahead: int) -> Availability:
    """The part of `availability` for [first_day, first_day + days_ahead), as Zimun would answer
    a read of those days: the slots whose local day falls inside, and their closures."""
    zone = ZoneInfo(availability.timezone)
    last = first_day + timedelta(days=days_ahead)
    slots = tuple(
        s for s in availability.slots if first_day <= s.start.astimezone(zone).date() < last
    )
    closures = {d: c for d, c in availability.closures.items() if first_day <= d < last}
    return Availability(
        service_id=availability.service_id,
        timezone=availability.timezone,
        first_day=first_day,
        days_ahead=days_ahead,
        slots=slots,
        closures=closures,
    )


class ChatAvailabilityCache(ZimunPassThrough):
    """Delegates every call to `inner`; a chat's availability reads are reused for `ttl`.

    `chat` names the chat a call belongs to (None: not a chat's call, never cached).
    """

    def __init__(
        self,
        inner: ZimunApi,
        *,
        clock: Clock,
        chat: Callable[[], int | None],
        ttl: timedelta = DEFAULT_TTL,
        max_chats: int = MAX_CHATS,
    ) -> None:
        super().__init__(inner)
        self._clock = clock
        self._chat = chat
        self._ttl = ttl
        self._max_chats = max_chats
        self._reads: OrderedDict[int, list[_Read]] = OrderedDict()
        self.hits = 0  # reads answered from the cache, for tests and benchmarks

    def chats(self) -> int:
        """How many chats have reads kept (for tests and benchmarks)."""
        return len(self._reads)

    def _forget(self) -> None:
        chat_id = self._chat()
        if chat_id is not None:
            self._reads.pop(chat_id, None)

    def _expire(self, now: datetime) -> None:
        """Forget the chats whose newest read is older than the ttl. The dict is ordered by each
        chat's newest read, oldest first, so this stops at the first chat still fresh."""
        while self._reads:
            oldest = next(iter(self._reads.values()))
            if now - oldest[-1].read_at < self._ttl:
                return
            self._reads.popitem(last=False)

    def _cached(
        self, chat_id: int, service_id: str, location_id: str | None, first: date, ahead: int
    ) -> Availability | None:
        now = self._clock.now()
        self._expire(now)
        reads = [r for r in self._reads.get(chat_id, ()) if now - r.read_at < self._ttl]
        if not reads:  # _expire has dropped every chat whose reads are all stale
            return None
        self._reads[chat_id] = reads
        for read in reads:
            if (
                read.service_id == service_id
                and read.location_id == location_id
                and covers(read.availability, first, ahead)
            ):
                self.hits += 1
                return narrow(read.availability, first, ahead)
        return None

    def _remember(
        self, chat_id: int, service_id: str, location_id: str | None, availability: Availability
    ) -> None:
        reads = self._reads.pop(chat_id, [])
        reads.append(_Read(service_id, location_id, availability, self._clock.now()))
        self._reads[chat_id] = reads[-READS_PER_CHAT:]
        while len(self._reads) > self._max_chats:
            self._reads.popitem(last=False)

    async def get_availability(
        self,
        service_id: str,
        *,
        first_day: date | None = None,
        days_ahead: int = 7,
        location_id: str | None = None,
    ) -> Availability:
        chat_id = self._chat()
        if chat_id is not None and first_day is not None:
            found = self._cached(chat_id, service_id, location_id, first_day, days_ahead)
            if found is not None:
                return found
        availability = await self._inner.get_availability(
            service_id, first_day=first_day, days_ahead=days_ahead, location_id=location_id
        )
        if chat_id is not None and first_day is not None:
            self._remember(chat_id, service_id, location_id, availability)
        return availability

    # writes: the chat's copy is dropped first, whatever Zimun answers
    async def hold(
        self, service_id: str, start: datetime, duration_minutes: int, *, idempotency_key: str
    ) -> Hold:
        self._forget()
        return await self._inner.hold(
            service_id, start, duration_minutes, idempotency_key=idempotency_key
        )

    async def release_hold(self, hold_id: str) -> None:
        self._forget()
        await self._inner.release_hold(hold_id)

    async def confirm(
        self,
        hold_id: str,
        *,
        name: str,
        email: str,
        idempotency_key: str,
        phone: str | None = None,
        notes: str | None = None,
    ) -> Appointment:
        self._forget()
        return await self._inner.confirm(
            hold_id,
            name=name,
            email=email,
            idempotency_key=idempotency_key,
            phone=phone,
            notes=notes,
        )

    async def reschedule(
        self, appointment_id: str, start: datetime, *, idempotency_key: str
    ) -> Appointment:
        self._forget()
        return await self._inner.reschedule(appointment_id, start, idempotency_key=idempotency_key)

    async def cancel(self, appointment_id: str, *, idempotency_key: str) -> Appointment:
        self._forget()
        return await self._inner.cancel(appointment_id, idempotency_key=idempotency_key)
