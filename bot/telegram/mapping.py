"""Pure translation between Telegram objects and the engine's events and replies.

No I/O here: updates in, `Customer` and events out; `Reply` in, HTML text and inline keyboards out
(and the calendar file, with the text as its caption when it fits in one).
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Any, TypeAlias

from telegram import Message, Update
from telegram.constants import InlineKeyboardButtonLimit, MessageLimit

from bot.conversation import Attachment, Button, Command, Customer, Press, Reply, Text
from bot.conversation.events import ButtonKind
from bot.conversation.place import Venue, venue_of

# Telegram refuses callback_data longer than this many bytes (Bot API, InlineKeyboardButton).
CALLBACK_DATA_LIMIT = int(InlineKeyboardButtonLimit.MAX_CALLBACK_DATA)
TEXT_LIMIT = int(MessageLimit.MAX_TEXT_LENGTH)
# A document's caption may be at most this long (after HTML parsing, so the plain text counts).
CAPTION_LIMIT = int(MessageLimit.CAPTION_LENGTH)

Event: TypeAlias = Text | Press | Command
# An inline keyboard as the Bot API reads it (`InlineKeyboardMarkup`'s JSON), built directly: the
# python-telegram-bot objects would only be turned back into this on every call (issue 11).
Keyboard: TypeAlias = dict[str, Any]


class CallbackDataTooLong(ValueError):
    """The engine made a button action Telegram would refuse; a bug, so it fails loudly."""


@dataclass(frozen=True)
class Outgoing:
    """One Telegram message to send: escaped HTML text and an optional keyboard; with a
    `document`, a file whose caption is the text (possibly empty)."""

    html: str
    keyboard: Keyboard | None = None
    document: Attachment | None = None
    venue: Venue | None = None  # issue 13: the business on a map, sent as a Telegram venue


def customer_from(update: Update) -> Customer | None:
    """Who is talking: the chat and the user behind an update, or None for anonymous updates."""
    chat, user = update.effective_chat, update.effective_user
    if chat is None or user is None:
        return None
    return Customer(
        chat_id=chat.id,
        user_id=user.id,
        first_name=user.first_name or None,
        last_name=user.last_name or None,
        language_code=user.language_code or None,
    )


def parse_command(text: str, *, bot_username: str | None = None) -> Command | None:
    """`/start book`, `/Book@MyBot` -> Command; None when not a command or meant for another bot."""
    if not text.startswith("/"):
        return None
    head, _, rest = text[1:].partition(" ")
    name, _, addressee = head.partition("@")
    if addressee and bot_username and addressee.lower() != bot_username.lower():
        return None
    name = name.strip().lower()
    if not name:
        return None
    return Command(name=name, args=rest.strip())


def event_from(update: Update, *, bot_username: str | None = None) -> Event | None:
    """The engine event an update stands for, or None when it carries nothing the engine reads."""
    query = update.callback_query
    if query is not None:
        # The action is passed through untouched: the engine, not the transport, decides if it is
        # current, stale, forged or foreign.
        return Press(action=query.data or "")
    message = update.message
    if message is None:
        return None
    return _message_event(message, bot_username=bot_username)


def _message_event(message: Message, *, bot_username: str | None) -> Event | None:
    text = message.text if message.text is not None else message.caption
    if text is None:
        return None
    command = parse_command(text, bot_username=bot_username)
    if command is not None:
        return command
    text = text.strip()
    return Text(text=text) if text else None


def escape(text: str) -> str:
    """Everything the bot echoes shows as typed: `<b>Dana</b> & co` stays literal in HTML mode."""
    return html.escape(text, quote=False)


def keyboard_for(buttons: tuple[tuple[Button, ...], ...]) -> Keyboard | None:
    """Rows of engine buttons as an inline keyboard; each action becomes the callback data."""
    rows = [row for row in buttons if row]
    if not rows:
        return None
    for row in rows:
        for button in row:
            if button.kind is ButtonKind.WEB_APP:
                continue  # a URL, not callback data
            if len(button.action.encode("utf-8")) > CALLBACK_DATA_LIMIT:
                raise CallbackDataTooLong(
                    f"button action of {len(button.action.encode('utf-8'))} bytes is longer than "
                    f"Telegram's {CALLBACK_DATA_LIMIT}"
                )
    return {"inline_keyboard": [[_inline_button(button) for button in row] for row in rows]}


def _inline_button(button: Button) -> dict[str, Any]:
    """One `InlineKeyboardButton` (https://core.telegram.org/bots/api#inlinekeyboardbutton)."""
    if button.kind is ButtonKind.WEB_APP:
        # web_app: opens the Mini App at this https URL (a `WebAppInfo`).
        return {"text": button.label, "web_app": {"url": button.action}}
    return {"text": button.label, "callback_data": button.action}


def split_text(text: str, limit: int = TEXT_LIMIT) -> list[str]:
    """Cut a long text into pieces Telegram accepts, preferring line breaks, then spaces."""
    pieces: list[str] = []
    rest = text
    while len(rest) > limit:
        cut = rest.rfind("\n", 0, limit)
        if cut <= 0:
            cut = rest.rfind(" ", 0, limit)
        if cut <= 0:
            cut = limit
        pieces.append(rest[:cut])
        rest = rest[cut:].lstrip("\n ")
    if rest:
        pieces.append(rest)
    return pieces


def render(reply: Reply) -> list[Outgoing]:
    """A reply as the messages that carry it, in order.

    One file and a text that fits in a caption make one message: the file, captioned, with the
    keyboard (one request instead of two). Otherwise the text comes first, cut where needed, with
    the keyboard on its last piece, then the files.
    """
    keyboard = keyboard_for(reply.buttons)
    text = reply.text.strip()
    venues = [v for v in (venue_of(a) for a in reply.attachments) if v is not None]
    files = [a for a in reply.attachments if venue_of(a) is None]
    after = [Outgoing(html="", venue=v) for v in venues]  # the map pin after the message
    if len(files) == 1 and len(text) <= CAPTION_LIMIT:
        return [Outgoing(html=escape(text), keyboard=keyboard, document=files[0]), *after]
    pieces = split_text(text)
    outgoing = [Outgoing(html=escape(piece)) for piece in pieces[:-1]]
    if pieces:
        outgoing.append(Outgoing(html=escape(pieces[-1]), keyboard=keyboard))
    outgoing.extend(Outgoing(html="", document=attachment) for attachment in files)
    return outgoing + after
