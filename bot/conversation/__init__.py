"""The conversation engine: booking, moving and cancelling, independent of any transport.

Transports build `Customer` and events (`Text`, `Press`, `Command`), call `Engine.handle`, and
show the `Reply` objects they get back; `Engine.scheduled` answers due time-based messages.
"""

from bot.conversation.engine import Engine
from bot.conversation.events import (
    Attachment,
    Button,
    Command,
    ConversationEngine,
    Customer,
    Event,
    Form,
    Press,
    Reply,
    Text,
)

__all__ = [
    "Attachment",
    "Button",
    "Command",
    "ConversationEngine",
    "Customer",
    "Engine",
    "Event",
    "Form",
    "Press",
    "Reply",
    "Text",
]
