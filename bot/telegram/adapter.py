"""Handlers that only map and forward: updates become engine events, replies become messages.

The adapter spends one Bot API call per customer step where one is enough: a button press edits
the pressed message into the answer (text and keyboard), a typed answer just gets the answer, and
a calendar file carries its text as caption. Keyboards left on older messages are not tidied up
(that would cost a call each): the engine's button generations answer their presses "expired",
so nothing stale can act. The second tap of a double tap, on its way while the first was being
answered, is answered but not echoed. "typing…" is shown only while the engine is slow. With an
update ledger, every update is claimed by its id before it is handled (`bot.telegram.once`): a
redelivered update is not handled again.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import logging
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from telegram import Bot, InlineKeyboardMarkup, Message, Update
from telegram.constants import ChatAction, ChatType, ParseMode
from telegram.error import BadRequest, TelegramError
from telegram.ext import Application, CallbackQueryHandler, ContextTypes, MessageHandler, filters

from bot.conversation import Command, ConversationEngine, Customer, Press, Reply, Text
from bot.conversation.events import RESUME_COMMAND
from bot.i18n import language_for, translator_for
from bot.telegram.mapping import CallbackDataTooLong, Outgoing, customer_from, event_from, render
from bot.telegram.once import ProcessedUpdates

logger = logging.getLogger(__name__)

TEXT_ONLY = "telegram.text_only"
FAILURE = "telegram.failure"


class RecentPresses:
    """The last button press of each chat, remembered for `keep` seconds and for at most `limit`
    chats: enough to recognise the second tap of a double tap, while idle chats cost nothing."""

    def __init__(
        self,
        *,
        keep: float = 30.0,
        limit: int = 10_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._keep = keep
        self._limit = limit
        self._clock = clock
        # chat id -> (message id, hash of the callback data, when); oldest first.
        self._last: OrderedDict[int, tuple[int, int, float]] = OrderedDict()

    def repeated(self, chat_id: int, message_id: int, data: str) -> bool:
        """Record this press; True when it repeats the chat's previous one (same button, same
        message) within `keep` seconds."""
        now = self._clock()
        while self._last:
            oldest, (_, _, at) = next(iter(self._last.items()))
            if now - at <= self._keep and len(self._last) < self._limit:
                break
            del self._last[oldest]
        previous = self._last.pop(chat_id, None)
        self._last[chat_id] = (message_id, hash(data), now)
        return previous is not None and previous[:2] == (message_id, hash(data))

    def __len__(self) -> int:
        return len(self._last)


class TelegramAdapter:
    """Forwards one chat's updates to the engine and delivers what it answers."""

    def __init__(
        self,
        *,
        engine: ConversationEngine,
        default_language: str = "it",
        typing_after: float = 0.6,
        typing_every: float = 4.5,
        presses: RecentPresses | None = None,
        updates: ProcessedUpdates | None = None,
    ) -> None:
        self._engine = engine
        self._default_language = default_language
        self._typing_after = typing_after
        self._typing_every = typing_every
        # The only per-chat state, bounded: after a restart it is empty, and a repeated tap then
        # reaches the engine, which answers it as any stale press.
        self.presses = presses or RecentPresses()
        # The durable memory of handled update ids; None handles every delivery (tests, fakes).
        self._updates = updates

    def install(self, application: Application[Any, Any, Any, Any, Any, Any]) -> None:
        application.add_handler(CallbackQueryHandler(self.on_press))
        application.add_handler(
            MessageHandler(filters.ChatType.PRIVATE & filters.UpdateType.MESSAGE, self.on_message)
        )
        application.add_error_handler(self.on_error)

    async def on_message(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await self._once(update, context, self._message(update, context))

    async def _message(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
        customer = customer_from(update)
        if customer is None:
            return True
        event = event_from(update, bot_username=context.bot.username)
        if event is None:
            # A sticker or a photo: say what works, but keep the keyboard they are looking at.
            notice = translator_for(self.language_for(customer))(TEXT_ONLY)
            await self.deliver(context.bot, customer.chat_id, [Reply(text=notice)])
            return True
        return await self.converse(context.bot, customer, event)

    async def on_press(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        if query is None:
            return
        # Answer first and always, so the button stops spinning whatever happens next.
        with contextlib.suppress(TelegramError):
            await query.answer()
        await self._once(update, context, self._press(update, context))

    async def _press(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
        query = update.callback_query
        assert query is not None  # checked by on_press
        customer = customer_from(update)
        event = event_from(update)
        chat = update.effective_chat
        if customer is None or event is None or chat is None or chat.type != ChatType.PRIVATE:
            return True
        message = query.message
        # Telegram sends an InaccessibleMessage for one too old to show: nothing to edit then.
        pressed = message if isinstance(message, Message) else None
        if pressed is not None and self.presses.repeated(
            chat.id, pressed.message_id, query.data or ""
        ):
            # The second tap of a double tap, sent before the first was answered: the first
            # one's answer is what the customer is waiting for; say nothing more.
            logger.debug(
                "repeated press on message %s in chat %s ignored", pressed.message_id, chat.id
            )
            return True
        # The answer replaces the pressed message, unless that is a file with a caption (the
        # booking confirmation, with its code and calendar file, stays as it is).
        edit = pressed.message_id if pressed is not None and pressed.text is not None else None
        return await self.converse(context.bot, customer, event, edit=edit)

    async def _once(
        self, update: Update, context: ContextTypes.DEFAULT_TYPE, work: Awaitable[bool]
    ) -> None:
        """Run `work` (the handling of `update`, already inside the chat's turn) unless the
        update was claimed before; settle the claim with how it went."""
        if self._updates is None:
            await work
            return
        if not await self._updates.claim(update.update_id):
            if inspect.iscoroutine(work):
                work.close()
            customer = customer_from(update)
            if customer is not None and await self._updates.orphaned(update.update_id):
                # Redelivered after the bot died between saving this update's effects and
                # answering it: the effects stand (never done twice), and the customer is told
                # where the chat stands now instead of waiting for an answer that never comes.
                logger.info(
                    "update %s was left unanswered by a crash; answered now", update.update_id
                )
                ok = await self.converse(context.bot, customer, Command(RESUME_COMMAND, ""))
                await self._updates.settle(update.update_id, ok=ok)
            return
        ok = False
        try:
            ok = await work
        finally:
            await self._updates.settle(update.update_id, ok=ok)

    async def on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        logger.error("update could not be handled", exc_info=context.error)

    async def converse(
        self,
        bot: Bot,
        customer: Customer,
        event: Text | Press | Command,
        *,
        edit: int | None = None,
    ) -> bool:
        """Hand one event to the engine and deliver its replies (the first one into the pressed
        message `edit`, when given); False when the engine failed (the customer was told)."""
        answered = True
        # Only a slow answer deserves "typing…": a quick one costs neither a call nor a task.
        typing: asyncio.Task[None] | None = None

        def start_typing() -> None:
            nonlocal typing
            typing = asyncio.create_task(self._keep_typing(bot, customer.chat_id))

        timer = asyncio.get_running_loop().call_later(self._typing_after, start_typing)
        try:
            replies = await self._engine.handle(customer, event)
        except Exception:
            logger.exception(
                "engine failed on a %s in chat %s", type(event).__name__, customer.chat_id
            )
            replies = [Reply(text=translator_for(self.language_for(customer))(FAILURE))]
            # The pressed message keeps its buttons: the customer may simply try again.
            edit = None
            answered = False
        finally:
            timer.cancel()
            if typing is not None:
                typing.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await typing
        try:
            await self.deliver(bot, customer.chat_id, replies, edit=edit)
        except CallbackDataTooLong:
            # An engine bug, loud in the log; the customer still gets an answer, not silence.
            logger.exception("reply for chat %s not sendable", customer.chat_id)
            failure = Reply(text=translator_for(self.language_for(customer))(FAILURE))
            await self.deliver(bot, customer.chat_id, [failure])
            return False
        return answered

    async def deliver(
        self, bot: Bot, chat_id: int, replies: Sequence[Reply], *, edit: int | None = None
    ) -> None:
        """Send replies in order. With `edit` (a pressed message of ours), the first message
        replaces that one instead of being sent; the rest follow as new messages. Time-based
        notices never pass `edit`: they must appear as new messages."""
        # Render everything first: a reply Telegram would refuse fails before anything is sent.
        outgoing = [message for reply in replies for message in render(reply)]
        for index, message in enumerate(outgoing):
            if (
                index == 0
                and edit is not None
                and message.document is None  # a text message cannot become a file
                and message.venue is None
                and await self._edit(bot, chat_id, edit, message)
            ):
                continue
            await self._send(bot, chat_id, message)

    async def _edit(self, bot: Bot, chat_id: int, message_id: int, message: Outgoing) -> bool:
        """Turn our message `message_id` into `message`; False when Telegram will not."""
        try:
            await _post_unread(
                bot,
                "editMessageText",
                {
                    "chat_id": chat_id,
                    "message_id": message_id,
                    "text": message.html,
                    "parse_mode": ParseMode.HTML,
                    "reply_markup": message.keyboard,
                },
            )
        except BadRequest as exc:
            # "message is not modified", "message can't be edited" (too old), "message to edit
            # not found" (deleted): the answer goes out as a new message instead.
            logger.debug("message %s in chat %s not edited: %s", message_id, chat_id, exc)
            return False
        return True

    async def _send(self, bot: Bot, chat_id: int, message: Outgoing) -> None:
        if message.venue is not None:
            venue = message.venue
            await bot.send_venue(
                chat_id,
                latitude=venue.latitude,
                longitude=venue.longitude,
                title=venue.title,
                address=venue.address,
            )
            return
        if message.document is None:
            await _post_unread(
                bot,
                "sendMessage",
                {
                    "chat_id": chat_id,
                    "text": message.html,
                    "parse_mode": ParseMode.HTML,
                    "reply_markup": message.keyboard,
                },
            )
            return
        await bot.send_document(
            chat_id,
            document=message.document.content,
            filename=message.document.filename,
            caption=message.html or None,
            parse_mode=ParseMode.HTML if message.html else None,
            # Once per booking: the keyboard as python-telegram-bot's object, as its upload wants.
            reply_markup=(
                InlineKeyboardMarkup.de_json(message.keyboard, bot) if message.keyboard else None
            ),
        )

    def language_for(self, customer: Customer) -> str:
        """The language of the adapter's own notices: Telegram's guess, else the business's."""
        return language_for(customer.language_code, self._default_language)

    async def _keep_typing(self, bot: Bot, chat_id: int) -> None:
        while True:
            with contextlib.suppress(TelegramError):
                await bot.send_chat_action(chat_id, ChatAction.TYPING)
            await asyncio.sleep(self._typing_every)


async def _post_unread(bot: Bot, endpoint: str, data: dict[str, Any]) -> None:
    """Call `endpoint` as `bot.send_message` and `bot.edit_message_text` do, without turning
    Telegram's answer into python-telegram-bot objects: the adapter never reads it (issue 11:
    building the `Message`, our own keyboard included, from every answer was a visible share of
    a step's CPU).

    `Bot._post` is the path those methods take themselves: it inserts `Defaults`, drops `None`
    parameters, goes through `ExtBot`'s rate limiter and `BaseRequest`'s translation of errors
    (`BadRequest`, `Forbidden`, `RetryAfter`, ...); only the `Message.de_json` after it is left
    out. `Bot.do_api_request`, its public twin, warns on every call to a method PTB knows."""
    await bot._post(endpoint, data)  # private, see above; pinned by python-telegram-bot<23
