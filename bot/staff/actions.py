"""Staff command names, scheduled-message kinds and the confirmation buttons' compact actions.

A staff button's action is `sf|<token>|<answer>`: the token names a stored `StaffAction`, so the
button itself carries nothing worth forging. The engine's own actions start with a number, so the
prefix never collides with them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

STAFF_COMMANDS = (
    "today",
    "tomorrow",
    "agenda",
    "booking",
    "staff_cancel",
    "staff_move",
    "holds",
    "waitlist",  # issue 13
    "stats",
    "health",
    "notify",
    "reply",
    "noshow",
    "export",
)
FORGET_COMMAND = "forget"

# Who is staff: a fixed set of user ids, or a callable read afresh on every check.
AdminIds = Iterable[int] | Callable[[], Iterable[int]]


def admin_set(admin_ids: AdminIds) -> frozenset[int]:
    """The staff user ids right now."""
    return frozenset(admin_ids() if callable(admin_ids) else admin_ids)


# Scheduled-message kinds the gateway renders itself (everything else goes to the engine).
STAFF_NOTICE = "staff_notice"
STAFF_ALERT = "staff_alert"
STAFF_PERSON = "staff_person"  # a customer asks for a person: one per staff member
STAFF_REPLY = "staff_reply"  # a staff member's /reply, delivered in the customer's chat

# Kinds of pending confirmations.
KIND_CANCEL = "staff_cancel"
KIND_MOVE = "staff_move"
KIND_FORGET = "forget"
KIND_NOSHOW = "staff_noshow"  # issue 13: the no-show button of /today (one tap, no question)
KIND_APPROVE = "staff_approve"  # issue 13: a booking waiting for staff after NOSHOW_LIMIT
STAFF_KINDS = frozenset({KIND_CANCEL, KIND_MOVE, KIND_NOSHOW, KIND_APPROVE})
STAFF_APPROVAL = "staff_approval"  # a booking to approve: one per staff member

YES = "y"
NO = "n"
PREFIX = "sf"
MAX_ACTION_BYTES = 64
_ACTION = re.compile(rf"^{PREFIX}\|([0-9a-f]{{8,32}})\|([{YES}{NO}])$")


def encode(token: str, answer: str) -> str:
    action = f"{PREFIX}|{token}|{answer}"
    if len(action.encode()) > MAX_ACTION_BYTES or _ACTION.match(action) is None:
        raise ValueError(f"invalid staff action for token {token!r}")
    return action


def is_staff_action(action: str) -> bool:
    """Whether the press was meant for the staff desk (valid or not)."""
    return action.startswith(PREFIX + "|")


def decode(action: str) -> tuple[str, str] | None:
    """(token, answer) of a well-formed staff action, else None."""
    match = _ACTION.match(action)
    return (match.group(1), match.group(2)) if match else None


_CODE_DIGITS = "0123456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no I or O: read aloud, copied by hand


def chat_code(chat_id: int) -> str:
    """A short code for a customer's chat, for /reply: "K3F9". Reversible, so nothing is stored;
    it is only ever shown to staff."""
    value, digits = abs(chat_id), ""
    while True:
        value, rest = divmod(value, len(_CODE_DIGITS))
        digits = _CODE_DIGITS[rest] + digits
        if value == 0:
            break
    return ("X" if chat_id < 0 else "C") + digits


def chat_from_code(text: str) -> int | None:
    """The chat a /reply names: a code from `chat_code` ("C3F9", any case) or a chat id."""
    text = text.strip().upper()
    if text.lstrip("-").isdigit():
        return int(text)
    if len(text) < 2 or text[0] not in "CX":
        return None
    value = 0
    for char in text[1:]:
        index = _CODE_DIGITS.find(char)
        if index < 0:
            return None
        value = value * len(_CODE_DIGITS) + index
    return -value if text[0] == "X" else value
