"""The parsed shape of a conversation transcript: a fixed world, then customer and bot steps.

The YAML form is documented in the README ("Conversation transcripts"); `bot.replay.loader` turns
a file into these types and `bot.replay.runner` plays them against the real engine and sandbox.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any


class TranscriptError(Exception):
    """A transcript file cannot be read; the message names the file and, when known, the step."""


@dataclass(frozen=True)
class Place:
    """Where a step was written, for messages that point a reader at the right line."""

    path: Path
    index: int  # 1-based position among the transcript's steps, prefixes included
    line: int | None = None

    def __str__(self) -> str:
        where = f"{self.path}: step {self.index}"
        return f"{where} (line {self.line})" if self.line else where


@dataclass(frozen=True)
class CustomerProfile:
    id: int = 1
    first_name: str | None = None
    last_name: str | None = None
    language_code: str | None = None


@dataclass(frozen=True)
class Say:
    """The customer types a message."""

    text: str
    place: Place


@dataclass(frozen=True)
class Press:
    """The customer taps a button, found by its label among the buttons offered so far."""

    label: str | None
    place: Place
    action: str | None = None  # a raw action instead of a label, e.g. to forge a press


@dataclass(frozen=True)
class SendCommand:
    """The customer sends a command such as "/start" or "/start book"."""

    name: str
    args: str
    place: Place


@dataclass(frozen=True)
class ExpectReply:
    """What one bot reply must look like; every given field must hold."""

    place: Place
    text: str | None = None
    contains: tuple[str, ...] = ()
    matches: str | None = None
    buttons: tuple[tuple[str, ...], ...] | None = None
    buttons_include: tuple[str, ...] = ()
    attachment: str | None = None  # a glob over the attachments' file names


@dataclass(frozen=True)
class Wait:
    """Time passes: the clock moves on and time-based messages that fall due are delivered."""

    duration: timedelta
    spelled: str
    place: Place


@dataclass(frozen=True)
class Restart:
    """The bot restarts: a new engine on the same store and the same sandbox."""

    place: Place


@dataclass(frozen=True)
class SandboxAction:
    """Something happens at Zimun behind the customer's back: another booking, a fault."""

    spec: dict[str, Any]
    place: Place


Step = Say | Press | SendCommand | ExpectReply | Wait | Restart | SandboxAction
CUSTOMER_STEPS = (Say, Press, SendCommand)


@dataclass(frozen=True)
class ExpectAppointment:
    status: str | None = None
    start: datetime | None = None
    service_id: str | None = None
    contact_name: str | None = None
    contact_email: str | None = None


@dataclass(frozen=True)
class ExpectEmail:
    to: str | None = None
    kind: str | None = None


@dataclass(frozen=True)
class FinalExpectations:
    """Assertions on the sandbox once the conversation is over."""

    appointments: tuple[ExpectAppointment, ...] | None = None
    emails: int | tuple[ExpectEmail, ...] | None = None


@dataclass(frozen=True)
class Transcript:
    path: Path
    title: str
    now: datetime
    timezone: str
    customer: CustomerProfile
    language: str = "it"  # the bot's default language (BOT_DEFAULT_LANGUAGE)
    service_id: str | None = None  # ZIMUN_SERVICE_ID: restrict the bot to one service
    reminder_hours: float | None = None
    staff: bool = False  # the customer is also staff (their id is in BOT_ADMIN_IDS)
    sandbox: dict[str, Any] = field(default_factory=dict)
    steps: tuple[Step, ...] = ()
    expect: FinalExpectations = field(default_factory=FinalExpectations)
