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
    "stats",
    "health",
    "notify",
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

# Kinds of pending confirmations.
KIND_CANCEL = "staff_cancel"
KIND_MOVE = "staff_move"
KIND_FORGET = "forget"
STAFF_KINDS = frozenset({KIND_CANCEL, KIND_MOVE})

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
