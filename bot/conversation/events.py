"""What goes in and out of the engine: customers, their events, and the bot's replies.

These types are the whole contract with the transports (terminal, Telegram, transcripts); they carry
no transport detail. Reply text is plain text: a transport escapes it for its own markup.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from bot.storage import ScheduledMessage

# The command a transport sends for "where are we?" (an update a crash left unanswered).
RESUME_COMMAND = "resume"

__all__ = [
    "RESUME_COMMAND",
    "Attachment",
    "Button",
    "ButtonKind",
    "Command",
    "Customer",
    "Event",
    "Form",
    "Press",
    "Reply",
    "Text",
]


@dataclass(frozen=True)
class Customer:
    """The person behind a chat, as the transport knows them."""

    chat_id: int
    user_id: int
    first_name: str | None = None
    last_name: str | None = None
    language_code: str | None = None


@dataclass(frozen=True)
class Text:
    """A message the customer typed."""

    text: str


@dataclass(frozen=True)
class Press:
    """A tap on a button: `action` is the opaque string of that `Button` (at most 64 bytes)."""

    action: str


@dataclass(frozen=True)
class Command:
    """A slash command without the slash: start, book, appointments, move, cancel, language..."""

    name: str
    args: str = ""


Event = Text | Press | Command


@dataclass(frozen=True)
class Form:
    """A structured request from another face of the engine (the Mini App, issue 14): an
    operation of `bot.conversation.webapp` and its fields, run on the chat's own session."""

    operation: str
    fields: tuple[tuple[str, str], ...] = ()

    def get(self, name: str) -> str:
        return next((value for key, value in self.fields if key == name), "")


class ButtonKind(StrEnum):
    CALLBACK = "callback"  # `action` comes back as a `Press`
    WEB_APP = "web_app"  # `action` is the https URL of the Mini App, opened inside Telegram


@dataclass(frozen=True)
class Button:
    label: str
    action: str
    kind: ButtonKind = ButtonKind.CALLBACK


@dataclass(frozen=True)
class Attachment:
    filename: str
    content: bytes
    mime_type: str


@dataclass(frozen=True)
class Reply:
    """One message from the bot; `buttons` are rows of buttons."""

    text: str
    buttons: tuple[tuple[Button, ...], ...] = ()
    attachments: tuple[Attachment, ...] = ()


class ConversationEngine(Protocol):
    """What a transport calls: the `Engine`, or anything standing in front of it with the same
    two methods (the staff gateway)."""

    async def handle(self, customer: Customer, event: Event) -> list[Reply]: ...

    async def scheduled(self, message: ScheduledMessage) -> list[Reply]: ...
