"""The door in front of the engine: staff commands reach the desk only from staff.

`StaffGateway` has the engine's interface (`handle`, `scheduled`) and checks `BOT_ADMIN_IDS` on
every call. From anyone else a staff command is handed to the engine untouched, so it is answered
exactly like any unknown command, and the attempt is logged by user id. /forget is everyone's.
Scheduled messages of the kinds staff code schedules are rendered here; the rest go to the engine.
"""

from __future__ import annotations

import asyncio
import logging
import weakref
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.clock import Clock
from bot.conversation.events import Command, ConversationEngine, Customer, Press, Reply, Text
from bot.i18n import LANGUAGES, Translator, format_datetime, translator_for
from bot.staff.actions import (
    FORGET_COMMAND,
    STAFF_ALERT,
    STAFF_APPROVAL,
    STAFF_COMMANDS,
    STAFF_NOTICE,
    STAFF_PERSON,
    STAFF_REPLY,
    AdminIds,
    admin_set,
    chat_code,
    is_staff_action,
)
from bot.staff.desk import StaffDesk
from bot.staff.observe import current_chat
from bot.storage import EventKind, ScheduledMessage, StaffStore

logger = logging.getLogger(__name__)


class StaffGateway:
    """Routes each event to the staff desk or the engine; same interface as the engine."""

    def __init__(
        self,
        engine: ConversationEngine,
        *,
        desk: StaffDesk,
        store: StaffStore,
        clock: Clock,
        timezone: ZoneInfo,
        admin_ids: AdminIds,
        default_language: str = "it",
    ) -> None:
        self.engine = engine
        self.desk = desk
        self._store = store
        self._clock = clock
        self._tz = timezone
        self._admin_ids = admin_ids
        self._default_language = default_language
        # One lock per chat, forgotten once nothing holds or awaits it (as in the engine).
        self._locks: weakref.WeakValueDictionary[int, asyncio.Lock] = weakref.WeakValueDictionary()

    def is_staff(self, user_id: int) -> bool:
        return user_id in admin_set(self._admin_ids)

    async def handle(self, customer: Customer, event: Text | Press | Command) -> list[Reply]:
        if isinstance(event, Command):
            name = event.name.lower()
            if name in STAFF_COMMANDS:
                if self.is_staff(customer.user_id):
                    async with self._lock(customer.chat_id), self._store.transaction():
                        return await self.desk.command(customer, event)
                # Not staff: the command does not exist for them; the engine says so.
                logger.warning("staff command /%s refused for user %s", name, customer.user_id)
            elif name == FORGET_COMMAND:
                async with self._lock(customer.chat_id), self._store.transaction():
                    return await self.desk.command(customer, event)
        elif isinstance(event, Press) and is_staff_action(event.action):
            async with self._lock(customer.chat_id), self._store.transaction():
                replies = await self.desk.press(customer, event.action)
            if replies is not None:
                return replies
            # Forged, foreign or stale: the engine answers it like any button it cannot place.
            logger.warning("staff button refused for user %s", customer.user_id)
        elif isinstance(event, Text):
            # "sì" / "no" typed under a confirmation (staff move or cancel, /forget).
            async with self._lock(customer.chat_id):
                replies = await self.desk.typed(customer, event.text)
            if replies is not None:
                return replies
        else:
            async with self._lock(customer.chat_id):
                await self.desk.interrupted(customer)
        return await self._to_engine(customer, event)

    async def _to_engine(self, customer: Customer, event: Text | Press | Command) -> list[Reply]:
        # A chat's first message is counted by the engine as it loads the session (one read of
        # it per event, not two); /stats counts chats, so staff chats were in it already.
        token = current_chat.set(customer.chat_id)
        try:
            return await self.engine.handle(customer, event)
        finally:
            current_chat.reset(token)

    def _lock(self, chat_id: int) -> asyncio.Lock:
        lock = self._locks.get(chat_id)
        if lock is None:
            lock = self._locks[chat_id] = asyncio.Lock()
        return lock

    # -- time-based messages ----------------------------------------------------------------

    async def scheduled(self, message: ScheduledMessage) -> list[Reply]:
        if message.kind == STAFF_NOTICE:
            return await self._notice(message)
        if message.kind == STAFF_ALERT:
            return await self._alert(message)
        if message.kind == STAFF_PERSON:
            return await self._person(message)
        if message.kind == STAFF_APPROVAL:
            if not self.is_staff(message.chat_id):
                return []
            prefs = {pref.user_id: pref for pref in await self._store.staff_prefs()}
            pref = prefs.get(message.chat_id)
            t = self._translator(pref.language if pref else None)
            return await self.desk.approval_request(message, t)
        if message.kind == STAFF_REPLY:
            t = self._translator(message.payload.get("language"))
            return [Reply(t("staff.reply.customer", text=str(message.payload.get("text", ""))))]
        # The engine counts expired holds itself when it tells the customer.
        token = current_chat.set(message.chat_id)
        try:
            return await self.engine.scheduled(message)
        finally:
            current_chat.reset(token)

    async def _notice(self, message: ScheduledMessage) -> list[Reply]:
        """Tell a customer, in their language, what staff did to their appointment."""
        payload = message.payload
        entry = await self._store.find_booking(str(payload.get("appointment_id", "")))
        if entry is None or entry.chat_id != message.chat_id:
            return []  # forgotten since, or not this chat's: say nothing
        t = self._translator(payload.get("language"))
        event = payload.get("event")
        if event == EventKind.CANCELLED:
            text = t(
                "staff.notice.cancelled",
                service=str(payload.get("service", "")),
                when=self._when(payload.get("start"), t),
            )
            reason = payload.get("reason")
            if reason:
                text += "\n" + t("staff.notice.reason", reason=str(reason))
            return [Reply(text + "\n" + t("staff.notice.cancelled_next"))]
        if event == EventKind.MOVED:
            text = t(
                "staff.notice.moved",
                service=str(payload.get("service", "")),
                old=self._when(payload.get("from"), t),
                new=self._when(payload.get("to"), t),
            )
            return [Reply(text + "\n" + t("staff.notice.moved_next"))]
        logger.warning("staff notice %s of unknown event %r", message.key, event)
        return []

    async def _alert(self, message: ScheduledMessage) -> list[Reply]:
        """A short line for a staff member who asked for them, if they still are staff."""
        if not self.is_staff(message.chat_id):
            return []
        prefs = {pref.user_id: pref for pref in await self._store.staff_prefs()}
        pref = prefs.get(message.chat_id)
        if pref is None or not pref.notify:
            return []
        payload = message.payload
        t = self._translator(pref.language)
        values: dict[str, Any] = {
            "name": str(payload.get("name", "")),
            "service": str(payload.get("service", "")),
            "code": str(payload.get("code") or payload.get("appointment_id", "")),
        }
        event = payload.get("event")
        if event == EventKind.BOOKED:
            return [
                Reply(t("staff.alert.booked", when=self._when(payload.get("start"), t), **values))
            ]
        if event == EventKind.MOVED:
            return [
                Reply(
                    t(
                        "staff.alert.moved",
                        old=self._when(payload.get("from"), t),
                        new=self._when(payload.get("to"), t),
                        **values,
                    )
                )
            ]
        if event == EventKind.CANCELLED:
            key = (
                "staff.alert.cancelled_staff"
                if payload.get("by") == "staff"
                else "staff.alert.cancelled_customer"
            )
            return [Reply(t(key, when=self._when(payload.get("start"), t), **values))]
        return []

    async def _person(self, message: ScheduledMessage) -> list[Reply]:
        """A customer asks for a person: who, what they wrote, and how to answer."""
        if not self.is_staff(message.chat_id):
            return []
        prefs = {pref.user_id: pref for pref in await self._store.staff_prefs()}
        pref = prefs.get(message.chat_id)
        t = self._translator(pref.language if pref else None)
        payload = message.payload
        chat = payload.get("chat_id")
        if not isinstance(chat, int):
            return []
        name = str(payload.get("name") or "") or t("staff.person.someone")
        text = str(payload.get("text") or "")
        code = chat_code(chat)
        if text:
            return [Reply(t("staff.person.request", name=name, code=code, text=text))]
        return [Reply(t("staff.person.request_tap", name=name, code=code))]

    def _translator(self, language: object) -> Translator:
        chosen = language if isinstance(language, str) and language in LANGUAGES else None
        return translator_for(chosen or self._default_language)

    def _when(self, value: object, t: Translator) -> str:
        if not isinstance(value, str):
            return "–"
        try:
            return format_datetime(datetime.fromisoformat(value), t.language, self._tz)
        except ValueError:
            return "–"
