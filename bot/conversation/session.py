"""The state of one chat between two events: a frozen value saved as JSON after every step.

The engine saves it through the store before any Zimun write that depends on it, so a restart (or
a retried event) resumes exactly where the customer was, with the same idempotency keys.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, replace
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from pydantic import TypeAdapter, ValidationError

__all__ = ["Done", "Flow", "HeldSlot", "Offer", "Session", "Step", "Wish"]

logger = logging.getLogger(__name__)


class Step(StrEnum):
    """Where a chat is; each member has one handler in `bot.conversation.flow.FLOW`."""

    IDLE = "idle"
    SERVICE = "service"
    WHEN = "when"
    SLOT = "slot"
    NAME = "name"
    EMAIL = "email"
    SUMMARY = "summary"
    CHOOSE_APPOINTMENT = "choose_appointment"
    MOVE_CONFIRM = "move_confirm"
    CANCEL_CONFIRM = "cancel_confirm"
    CANCEL_REASON = "cancel_reason"
    WAIT_OFFER = "wait_offer"  # a freed time held for this customer (issue 13): yes or no


class Flow(StrEnum):
    BOOK = "book"
    MOVE = "move"
    CANCEL = "cancel"


@dataclass(frozen=True)
class Wish:
    """When the customer asked to come, as understood (local date and wall-clock times)."""

    day: date
    time: dt.time | None = None
    window_start: dt.time | None = None
    window_end: dt.time | None = None
    approximate: bool = False
    previous: date | None = None
    # A period ("la settimana prossima"): the days from `day` to `last_day` (None: one day).
    last_day: date | None = None
    # The customer named a day already behind them ("lunedì scorso").
    past: bool = False
    # "martedì stessa ora" while moving: the time of the appointment being moved, once it is
    # known (the customer may first have to say which of several appointments).
    same_time: bool = False
    # "the 20th" said on the 23rd, read as next month's: this month's day, already behind.
    behind: date | None = None
    # Days of the period the customer left out ("any day but thursday").
    skip: tuple[date, ...] = ()


@dataclass(frozen=True)
class Offer:
    """What the bot last offered: the slot starts (UTC) and the other days with room."""

    day: date | None
    starts: tuple[datetime, ...] = ()
    page: int = 0
    days: tuple[date, ...] = ()


@dataclass(frozen=True)
class HeldSlot:
    hold_id: str
    start: datetime
    expires_at: datetime


@dataclass(frozen=True)
class Done:
    """The last booking this chat confirmed, so a repeated Confirm answers "already booked"."""

    appointment_id: str
    booking_code: str | None
    start: datetime
    generation: int


@dataclass(frozen=True)
class Session:
    step: Step = Step.IDLE
    language: str | None = None
    generation: int = 0
    flow: Flow | None = None
    flow_id: str = ""
    flow_seq: int = 0
    service_id: str | None = None
    service_name: str | None = None
    duration_minutes: int | None = None
    wish: Wish | None = None
    offer: Offer | None = None
    hold: HeldSlot | None = None
    hold_seq: int = 0
    contact_name: str | None = None
    contact_email: str | None = None
    email_typed: str | None = None
    email_suggestion: str | None = None
    email_local: str | None = None
    # The addresses offered as buttons at the e-mail question ("Intendevi …?", "emmaclarke@… o
    # emma.clarke@…?"), in their order on screen: "1", "la seconda", "the first one" pick one.
    email_choices: tuple[str, ...] = ()
    # The services asked for together ("taglio e colore"), booked one at a time: once one is
    # booked, the others are offered.
    together: tuple[str, ...] = ()
    # The one service a question was about ("how much is a colour?") and when: "book me in then"
    asked_service: str | None = None
    asked_at: datetime | None = None  # the part before the @, when the rest comes next message
    appointment_id: str | None = None
    choices: tuple[str, ...] = ()
    new_start: datetime | None = None
    cancel_reason: str | None = None
    done: Done | None = None
    retry: str | None = None
    # "verb|arg" of every step button on the keyboards of `generation`: a press acts only if it
    # is one of them. None for a session saved before the bot kept them (any press is trusted).
    keyboard: tuple[str, ...] | None = None
    asked_time: dt.time | None = None  # the time asked for the day on screen ("same time")
    # The time or part of the day asked with the last day looked at ("verso le 17:30", "di
    # pomeriggio"): a day named alone next keeps it ("lunedì"); a day asked alone clears it.
    asked_point: dt.time | None = None
    asked_window: tuple[dt.time | None, dt.time | None] | None = None
    # The day a question was about ("siete aperti sabato?"): "ok, alle 10 allora" is that day
    asked_day: date | None = None
    # The time held before a change of mind let it go: "va bene l'orario di prima" goes back to it
    earlier: datetime | None = None
    # The times on screen when the time held was picked from them: "no, the 2nd one", "quella
    # dopo", "not that one, the 11:30" pick again among them (None: the time was typed)
    picked_from: Offer | None = None
    reminded: str | None = None  # issue 13: the appointment the last reminder asked "Ci sei?"
    approval: str | None = None  # issue 13: the hold whose booking waits for staff approval
    # When the customer last asked for a person, and whether with words of their own: a second
    # request soon after is not passed on again (unless it brings the words the first lacked).
    person_asked: datetime | None = None
    person_words: bool = False
    # "is anyone free right now" before a service was chosen: once it is, the first free time.
    asap: bool = False

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = _ADAPTER.dump_python(self, mode="json")
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> Session:
        """The saved session, or a fresh one when there is none or it cannot be read."""
        if not data:
            return cls()
        try:
            return _ADAPTER.validate_python(data)
        except ValidationError:
            # A session from an incompatible version: start over rather than crash the chat.
            logger.warning("unreadable session discarded")
            seq = data.get("flow_seq")
            return cls(flow_seq=(seq if isinstance(seq, int) else 0) + 1)

    def idle(self) -> Session:
        """Back to the menu: the flow ends, counters and the language stay."""
        return Session(
            language=self.language,
            generation=self.generation,
            flow_seq=self.flow_seq,
            hold_seq=self.hold_seq,
            done=self.done,
            keyboard=self.keyboard,
            person_asked=self.person_asked,
            person_words=self.person_words,
            asked_service=self.asked_service,
            asked_at=self.asked_at,
        )

    def start_flow(self, flow: Flow, stamp: datetime) -> Session:
        """A new flow with a new id: idempotency keys of an earlier flow are never reused."""
        seq = self.flow_seq + 1
        # A new flow retires the "already booked" answer of the previous booking.
        return replace(
            self.idle(),
            done=None,
            flow=flow,
            flow_seq=seq,
            flow_id=f"{seq}-{int(stamp.timestamp())}",
        )


_ADAPTER: TypeAdapter[Session] = TypeAdapter(Session)
