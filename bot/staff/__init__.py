"""The business's side of the bot: staff commands behind an admin check, customer /forget, staff
notices and alerts, and the observers that feed /stats and /holds.

Compose with `with_staff(engine, ...)`, `wrap_store(store, ...)` and `observe_zimun(zimun, ...)`.
"""

from bot.staff.actions import FORGET_COMMAND, STAFF_COMMANDS
from bot.staff.desk import StaffDesk
from bot.staff.gateway import StaffGateway
from bot.staff.observe import ObservedZimun, current_chat
from bot.staff.store import NotifyingStore
from bot.staff.wiring import observe_zimun, with_staff, wrap_store

__all__ = [
    "FORGET_COMMAND",
    "STAFF_COMMANDS",
    "NotifyingStore",
    "ObservedZimun",
    "StaffDesk",
    "StaffGateway",
    "current_chat",
    "observe_zimun",
    "with_staff",
    "wrap_store",
]
