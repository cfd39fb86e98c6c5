"""Picking again among the times a held time was picked from.

A receptionist who has just read out the times hears "no, the second one", "quella dopo", "not
that one, the 11:30" as another of those times, not as a name, a new day or "non ho capito".
At the name, e-mail and summary steps, with a time held that was picked from a list, such a
message lets the held time go and holds the one meant; name and e-mail stay. With a time typed
(no list), such a message shows the day's times (or those after or before the one held).
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import datetime, time

from bot.conversation.booking import other_times, pick, shift
from bot.conversation.common import HOLD_STEPS, Input, Outcome
from bot.conversation.offers import page_of
from bot.conversation.session import Flow, Session, Step
from bot.conversation.turn import Turn
from bot.understanding import IntentKind
from bot.understanding.text import normalize

__all__ = ["repick"]

# "not 11:30", "non le 11:30": the time itself refused, so no pick of it.
_TIME_REFUSED = re.compile(r"\b(?:not|non|no)(?: (?:at|alle|le|the))? (\d{1,2})(?:[:.](\d{2}))?\b")


def _refused_times(text: str) -> set[time]:
    refused = set()
    for found in _TIME_REFUSED.finditer(normalize(text)):
        hour, minute = int(found.group(1)), int(found.group(2) or 0)
        if hour <= 23 and minute <= 59:
            refused.add(time(hour, minute))
            if hour <= 7:
                refused.add(time(hour + 12, minute))  # "not 4" is 16:00 (rule 8)
    return refused


def _meant(turn: Turn, session: Session, event: Input) -> datetime | None:
    offer, held = session.picked_from, session.hold
    if offer is None or held is None:
        return None
    shown = page_of(offer.starts, offer.page)
    kind = event.kind
    reading = event.reading
    if kind is IntentKind.CHOOSE_ORDINAL and event.intent and event.intent.ordinal and shown:
        index = event.intent.ordinal
        if 1 <= index <= len(shown) or -len(shown) <= index <= -1:
            return shown[index - 1 if index > 0 else index]  # -1 the last, -2 the one before
        return None
    if reading is not None and reading.adjacent and held.start in offer.starts:
        at = offer.starts.index(held.start) + reading.adjacent
        return offer.starts[at] if 0 <= at < len(offer.starts) else None
    wish = event.wish
    if (
        wish is not None
        and wish.time is not None
        and wish.day == turn.local_day(held.start)
        and (event.correction or event.negated or kind is IntentKind.CHOOSE_TIME)
        and wish.time not in _refused_times(event.text or "")
    ):
        # "not that one, the 11:30": a time of the list, taken as a tap on it
        return next((s for s in offer.starts if s.astimezone(turn.tz).time() == wish.time), None)
    return None


async def repick(turn: Turn, session: Session, event: Input) -> Outcome | None:
    """Another of the times on the list the held time came from, or None if none is meant."""
    if session.step not in HOLD_STEPS or session.flow is not Flow.BOOK or session.hold is None:
        return None
    if session.step is Step.EMAIL and session.email_choices:
        return None  # the buttons on screen are addresses: "the 2nd one" is one of them
    if session.picked_from is None:
        # A time typed, not picked: "no, the 2nd one" has no list to pick from, so the day's
        # times are shown to pick from; "the next one" shows the times after the one held.
        reading = event.reading
        if reading is not None and reading.adjacent:
            return await shift(turn, session, later=reading.adjacent > 0)
        if event.kind is IntentKind.CHOOSE_ORDINAL:
            return await other_times(turn, session)
        return None
    start = _meant(turn, session, event)
    if start is None or start == session.hold.start:
        return None
    lead = turn.t("change.released", old=turn.when(session.hold.start))
    # The list stays the one to pick from, for a second "no, the one after".
    return await pick(turn, replace(session, offer=session.picked_from), start, lead)
