"""Handlers that only map and forward: updates become engine events, replies become messages.

The adapter also keeps Telegram tidy: it answers every button press, takes the buttons off its
previous keyboard when the customer moves on, and shows "typing" while the engine is slow. The
second tap of a double tap lands on buttons already taken away and is answered but not echoed;
every other stale or forged press goes to the engine, which answers "expired" with a fresh menu.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import deque
from collections.abc import Sequence
from typing import Any

from telegram import Bot, Message, Update
from telegram.constants import ChatAction, ChatType, ParseMode
from telegram.error import BadRequest, TelegramError
from telegram.ext import Application, CallbackQueryHandler, ContextTypes, MessageHandler, filters

from bot.conversation import Command, ConversationEngine, Customer, Press, Reply, Text
from bot.i18n import language_for, translator_for
from bot.telegram.mapping import CallbackDataTooLong, customer_from, event_from, render

logger = logging.getLogger(__name__)

TEXT_ONLY = "telegram.text_only"
FAILURE = "telegram.failure"
RETIRED_MEMORY = 8


class TelegramAdapter:
    """Forwards one chat's updates to the engine and delivers what it answers."""

    def __init__(
        self,
        *,
        engine: ConversationEngine,
        default_language: str = "it",
        typing_after: float = 0.6,
        typing_every: float = 4.5,
    ) -> None:
        self._engine = engine
        self._default_language = default_language
        self._typing_after = typing_after
        self._typing_every = typing_every
        # Messages of ours that still show buttons, per chat. In memory on purpose: after a restart
        # an old keyboard may linger, but the engine's generation number makes its presses answer
        # "expired", so nothing stale can act.
        self._keyboards: dict[int, list[int]] = {}
        # The last few messages per chat whose buttons we removed (bounded, per chat).
        self._retired: dict[int, deque[int]] = {}

    def install(self, application: Application[Any, Any, Any, Any, Any, Any]) -> None:
        application.add_handler(CallbackQueryHandler(self.on_press))
        application.add_handler(
            MessageHandler(filters.ChatType.PRIVATE & filters.UpdateType.MESSAGE, self.on_message)
        )
        application.add_error_handler(self.on_error)

    async def on_message(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        customer = customer_from(update)
        if customer is None:
            return
        event = event_from(update, bot_username=context.bot.username)
        if event is None:
            # A sticker or a photo: say what works, but keep the keyboard they are looking at.
            notice = translator_for(self.language_for(customer))(TEXT_ONLY)
            await self.deliver(context.bot, customer.chat_id, [Reply(text=notice)], retire=False)
            return
        await self.converse(context.bot, customer, event)

    async def on_press(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        if query is None:
            return
        # Answer first and always, so the button stops spinning whatever happens next.
        with contextlib.suppress(TelegramError):
            await query.answer()
        customer = customer_from(update)
        event = event_from(update)
        chat = update.effective_chat
        if customer is None or event is None or chat is None or chat.type != ChatType.PRIVATE:
            return
        pressed = query.message.message_id if isinstance(query.message, Message) else None
        if pressed is not None and pressed in self._retired.get(customer.chat_id, ()):
            # We already took these buttons away: this is the second tap of a double tap that
            # was on its way meanwhile. The first tap is being answered; say nothing more.
            logger.debug("press on retired keyboard %s in chat %s ignored", pressed, chat.id)
            return
        await self.converse(context.bot, customer, event, pressed=pressed)

    async def on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        logger.error("update could not be handled", exc_info=context.error)

    async def converse(
        self,
        bot: Bot,
        customer: Customer,
        event: Text | Press | Command,
        *,
        pressed: int | None = None,
    ) -> None:
        """Hand one event to the engine and deliver its replies; the customer has moved on."""
        await self.retire_keyboards(bot, customer.chat_id, also=pressed)
        typing = asyncio.create_task(self._keep_typing(bot, customer.chat_id))
        try:
            replies = await self._engine.handle(customer, event)
        except Exception:
            logger.exception(
                "engine failed on a %s in chat %s", type(event).__name__, customer.chat_id
            )
            replies = [Reply(text=translator_for(self.language_for(customer))(FAILURE))]
        finally:
            typing.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await typing
        try:
            await self.deliver(bot, customer.chat_id, replies, retire=False)
        except CallbackDataTooLong:
            # An engine bug, loud in the log; the customer still gets an answer, not silence.
            logger.exception("reply for chat %s not sendable", customer.chat_id)
            failure = Reply(text=translator_for(self.language_for(customer))(FAILURE))
            await self.deliver(bot, customer.chat_id, [failure], retire=False)

    async def deliver(
        self, bot: Bot, chat_id: int, replies: Sequence[Reply], *, retire: bool | None = None
    ) -> None:
        """Send replies in order. `retire=None`: a new keyboard supersedes the previous one."""
        if retire is None:
            retire = any(reply.buttons for reply in replies)
        # Render everything first: a reply Telegram would refuse fails before anything is sent.
        rendered = [(render(reply), reply.attachments) for reply in replies]
        if retire:
            await self.retire_keyboards(bot, chat_id)
        for messages, attachments in rendered:
            for outgoing in messages:
                message = await bot.send_message(
                    chat_id,
                    outgoing.html,
                    parse_mode=ParseMode.HTML,
                    reply_markup=outgoing.keyboard,
                )
                if outgoing.keyboard is not None:
                    self._keyboards.setdefault(chat_id, []).append(message.message_id)
            for attachment in attachments:
                await bot.send_document(
                    chat_id, document=attachment.content, filename=attachment.filename
                )

    async def retire_keyboards(self, bot: Bot, chat_id: int, *, also: int | None = None) -> None:
        """Take the buttons off our earlier messages in this chat, so none can be tapped again."""
        message_ids = self._keyboards.pop(chat_id, [])
        if also is not None and also not in message_ids:
            message_ids.append(also)
        retired = self._retired.setdefault(chat_id, deque(maxlen=RETIRED_MEMORY))
        for message_id in message_ids:
            try:
                await bot.edit_message_reply_markup(chat_id, message_id, reply_markup=None)
            except BadRequest as exc:
                # "message is not modified" or "message to edit not found": already tidy.
                logger.debug("keyboard %s in chat %s left as is: %s", message_id, chat_id, exc)
            except TelegramError:
                # Tidying is best effort: a stale button left behind is answered "expired" by
                # the engine, whereas failing here would lose the customer's message.
                logger.warning(
                    "keyboard %s in chat %s not removed", message_id, chat_id, exc_info=True
                )
                continue
            # Gone from the screen: a press on it can only be a tap that raced the edit.
            retired.append(message_id)

    def language_for(self, customer: Customer) -> str:
        """The language of the adapter's own notices: Telegram's guess, else the business's."""
        return language_for(customer.language_code, self._default_language)

    async def _keep_typing(self, bot: Bot, chat_id: int) -> None:
        # Only a slow answer deserves "typing…"; quick ones would just cost an extra request.
        await asyncio.sleep(self._typing_after)
        while True:
            with contextlib.suppress(TelegramError):
                await bot.send_chat_action(chat_id, ChatAction.TYPING)
            await asyncio.sleep(self._typing_every)
