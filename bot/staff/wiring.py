"""How the composition root puts staff features around the engine, the store and the client.

```python
store = wrap_store(plain_store, clock=clock, admin_ids=admins)      # alerts and metrics
zimun_for_engine = observe_zimun(zimun, store=store, clock=clock)    # holds for /holds, /stats
engine = Engine(zimun=zimun_for_engine, store=store, ...)
gateway = with_staff(engine, store=store, zimun=zimun, clock=clock, timezone=tz, admin_ids=admins)
```
The gateway then stands wherever the engine stood (terminal chat, Telegram, due messages).
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from bot.clock import Clock
from bot.conversation import ConversationEngine
from bot.staff.actions import AdminIds
from bot.staff.desk import StaffDesk
from bot.staff.gateway import StaffGateway
from bot.staff.observe import ObservedZimun
from bot.staff.store import NotifyingStore
from bot.storage import StaffStore
from bot.zimun import ZimunApi


def wrap_store(store: StaffStore, *, clock: Clock, admin_ids: AdminIds) -> NotifyingStore:
    """The store to give the engine (and the desk): ledger writes also alert and count."""
    if isinstance(store, NotifyingStore):
        return store
    return NotifyingStore(store, clock=clock, admin_ids=admin_ids)


def observe_zimun(zimun: ZimunApi, *, store: StaffStore, clock: Clock) -> ObservedZimun:
    """The client to give the engine: holds are noted for /holds and /stats."""
    return ObservedZimun(zimun, store=store, clock=clock)


def with_staff(
    engine: ConversationEngine,
    *,
    store: StaffStore,
    zimun: ZimunApi,
    clock: Clock,
    timezone: ZoneInfo,
    admin_ids: AdminIds,
    started_at: datetime | None = None,
    version: str | None = None,
    default_language: str = "it",
    reminder_hours: float | tuple[float, ...] = 24.0,
) -> StaffGateway:
    """The engine behind the staff gateway; use the result wherever the engine was used."""
    desk = StaffDesk(
        zimun=zimun,
        store=store,
        clock=clock,
        timezone=timezone,
        admin_ids=admin_ids,
        started_at=started_at,
        version=version,
        default_language=default_language,
        reminder_hours=reminder_hours,
    )
    return StaffGateway(
        engine,
        desk=desk,
        store=store,
        clock=clock,
        timezone=timezone,
        admin_ids=admin_ids,
        default_language=default_language,
    )
