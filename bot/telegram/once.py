"""Each Telegram update is handled once (issue 10, item 2).

Telegram redelivers an update it thinks unconfirmed (a restart before the next getUpdates, a
webhook answer that got lost), and two instances may overlap during a deploy. Before the adapter
hands an update to the engine it claims the update id in the store's update ledger, inside the
chat's turn; a second claim of the same id is refused, so the update is answered at most once and
never repeats a Zimun write. After handling, the claim is settled with its outcome.
"""

from __future__ import annotations

import logging

from bot.clock import Clock
from bot.storage import UpdateLedger, UpdateOutcome

logger = logging.getLogger(__name__)


class ProcessedUpdates:
    """The adapter's view of the update ledger: claim before handling, settle after."""

    def __init__(self, ledger: UpdateLedger, clock: Clock) -> None:
        self._ledger = ledger
        self._clock = clock

    async def claim(self, update_id: int) -> bool:
        """True when this update is ours to handle; False for a duplicate delivery.

        A store that cannot answer does not silence the customer: the update is handled (the
        idempotency keys of Zimun writes still guard against a second booking).
        """
        try:
            fresh = await self._ledger.claim_update(update_id, self._clock.now())
        except Exception:
            logger.warning(
                "update %s could not be claimed; handled anyway", update_id, exc_info=True
            )
            return True
        if not fresh:
            logger.info("update %s was delivered again; already claimed, not handled", update_id)
        return fresh

    async def orphaned(self, update_id: int) -> bool:
        """Whether a claimed update was never settled: the process handling it died before it
        answered (the chat's turn is held here, so no one is handling it now). Its effects were
        saved or rolled back as one; what the customer lacks is the answer."""
        try:
            outcome = await self._ledger.update_outcome(update_id)
        except Exception:
            logger.warning("update %s: outcome unknown", update_id, exc_info=True)
            return False
        return outcome == UpdateOutcome.CLAIMED

    async def settle(self, update_id: int, *, ok: bool) -> None:
        outcome = UpdateOutcome.HANDLED if ok else UpdateOutcome.FAILED
        try:
            await self._ledger.settle_update(update_id, outcome)
        except Exception:
            logger.warning("update %s not settled as %s", update_id, outcome, exc_info=True)
