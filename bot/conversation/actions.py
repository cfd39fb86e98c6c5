"""Button actions: short opaque strings `<generation>|<verb>|<argument>` made and checked here.

The generation is the chat's keyboard counter: a press from an older keyboard is stale, one from a
keyboard never sent is forged. Verbs are constants, so a transport never needs to know them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime

__all__ = [
    "ARG_PATTERN",
    "GLOBAL_VERBS",
    "MAX_ACTION_BYTES",
    "Action",
    "Verb",
    "decode",
    "encode",
    "instant_arg",
    "parse_day_arg",
    "parse_instant_arg",
]

MAX_ACTION_BYTES = 64


class Verb:
    """Every verb a button can carry."""

    MENU = "menu"
    BOOK = "book"
    APPOINTMENTS = "appts"
    HELP = "help"
    LANGUAGE = "lang"
    SET_LANGUAGE = "setlang"
    STOP = "stop"
    MOVE = "move"
    CANCEL = "cancel"
    SERVICE = "svc"
    DAY = "day"
    SLOT = "slot"
    MORE = "more"
    EARLIER = "earlier"
    LATER = "later"
    OTHER_DAY = "otherday"
    NAME = "name"
    EMAIL = "email"
    EDIT_NAME = "edname"
    EDIT_EMAIL = "edmail"
    CONFIRM = "confirm"
    CHANGE_TIME = "chtime"
    YES = "yes"
    NO = "no"
    SKIP = "skip"
    PICK = "pick"
    REHOLD = "rehold"
    RESUME = "resume"
    RETRY = "retry"
    PERSON = "person"
    ATTEND = "attend"  # issue 13: "Confermo" under a reminder (global: checked against the ledger)
    BOOK_DAY = "bookday"  # "Prenota giovedì": a step button, so it acts only while on screen
    # issue 13: the waiting list, booking the same again, the rating after a visit
    WAIT = "wait"
    UNWAIT = "unwait"
    REBOOK = "rebook"
    RATE = "rate"
    RECALL = "recall"  # issue 13: "Ricordamelo tra 4 settimane" under the message after a visit
    RESTORE = "restore"  # the same time again, after "no wait, don't cancel" (already cancelled)


# Verbs that mean the same whatever the step, so a press from an older keyboard still works.
GLOBAL_VERBS = frozenset(
    {
        Verb.MENU,
        Verb.BOOK,
        Verb.APPOINTMENTS,
        Verb.HELP,
        Verb.LANGUAGE,
        Verb.SET_LANGUAGE,
        Verb.MOVE,
        Verb.CANCEL,
        Verb.PERSON,
        Verb.ATTEND,
    }
)
_KNOWN = frozenset(v for k, v in vars(Verb).items() if not k.startswith("_"))
ARG_PATTERN = re.compile(r"^[A-Za-z0-9_.:\-]*$")


@dataclass(frozen=True)
class Action:
    generation: int
    verb: str
    arg: str = ""


def encode(generation: int, verb: str, arg: str = "") -> str:
    text = f"{generation}|{verb}|{arg}"
    if len(text.encode()) > MAX_ACTION_BYTES or not ARG_PATTERN.match(arg):
        raise ValueError(f"button action {verb!r} too long or with bad characters")
    return text


def decode(action: str) -> Action | None:
    """The action, or None when the string is not one this engine could have made."""
    if len(action.encode()) > MAX_ACTION_BYTES:
        return None
    parts = action.split("|")
    if len(parts) != 3 or not parts[0].isdigit() or parts[1] not in _KNOWN:
        return None
    if not ARG_PATTERN.match(parts[2]):
        return None
    return Action(int(parts[0]), parts[1], parts[2])


def instant_arg(moment: datetime) -> str:
    """A UTC instant in 13 characters: 20261124T0900."""
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M")


def parse_instant_arg(arg: str) -> datetime | None:
    try:
        return datetime.strptime(arg, "%Y%m%dT%H%M").replace(tzinfo=UTC)
    except ValueError:
        return None


def parse_day_arg(arg: str) -> date | None:
    try:
        return date.fromisoformat(arg)
    except ValueError:
        return None
