"""The optional recall after a visit (issue 13, item 3): "Ricordamelo tra 4 settimane" under the
message after the visit, or typed "ricordami tra 6 settimane" / "remind me in 6 weeks", arms one
durable scheduled message in the customer's chat that offers "Prenota di nuovo" for the same
service. One recall per appointment: asking again moves it. It is not sent when the customer has
already booked that service again for a day still to come. Pure: the store and the clock only.
"""

from __future__ import annotations

import logging
import re
from datetime import datetime, time, timedelta

from bot.conversation.actions import Verb
from bot.conversation.changes import appointment_ref
from bot.conversation.common import Outcome, menu, menu_rows
from bot.conversation.events import Button, Reply
from bot.conversation.session import Session
from bot.conversation.turn import Turn
from bot.storage import LedgerEntry, ScheduledMessage
from bot.understanding.text import normalize

__all__ = [
    "RECALL",
    "RECALL_WEEKS",
    "recall_button",
    "recall_key",
    "recall_press",
    "recall_weeks",
    "scheduled_recall",
    "typed_recall",
]

logger = logging.getLogger(__name__)

RECALL = "recall"
RECALL_WEEKS = 4  # the button's; typed, any number from 1 to MAX_WEEKS
MAX_WEEKS = 26
MORNING = time(10, 0)  # the recall comes at this local time of its day

_NUMBERS = {
    "un": 1, "una": 1, "a": 1, "one": 1, "due": 2, "two": 2, "tre": 3, "three": 3,
    "quattro": 4, "four": 4, "cinque": 5, "five": 5, "sei": 6, "six": 6, "sette": 7,
    "seven": 7, "otto": 8, "eight": 8, "nove": 9, "nine": 9, "dieci": 10, "ten": 10,
}  # fmt: skip
_TYPED = re.compile(
    r"\b(?:ricordami|ricordamelo|ricordarmi|richiamami|avvisami|remind me|ping me)\b"
    r".*?\b(?:tra|fra|in)\s+(\d{1,2}|" + "|".join(_NUMBERS) + r")\s+(?:settiman[ae]|weeks?)\b"
)


def recall_key(appointment_id: str) -> str:
    return f"{RECALL}:{appointment_id}"


def recall_weeks(text: str) -> int | None:
    """N of "ricordami tra N settimane" / "remind me in N weeks" (1..MAX_WEEKS), else None."""
    found = _TYPED.search(normalize(text).replace("'", " "))
    if found is None:
        return None
    word = found.group(1)
    weeks = int(word) if word.isdigit() else _NUMBERS[word]
    return weeks if 1 <= weeks <= MAX_WEEKS else None


def recall_button(turn: Turn, entry: LedgerEntry) -> Button:
    label = turn.t("button.recall", weeks=RECALL_WEEKS)
    return turn.button(label, Verb.RECALL, f"{RECALL_WEEKS}:{appointment_ref(entry)}")


async def _arm(turn: Turn, session: Session, entry: LedgerEntry, weeks: int) -> Outcome:
    day = turn.today() + timedelta(weeks=weeks)
    due = datetime.combine(day, MORNING, tzinfo=turn.tz)
    key = recall_key(entry.appointment_id)
    await turn.store.cancel_scheduled(key)  # asking again moves it (a sent one can be re-armed)
    payload = {"appointment_id": entry.appointment_id}
    await turn.store.schedule(ScheduledMessage(key, turn.customer.chat_id, due, RECALL, payload))
    logger.info("chat %s asked for a recall in %d weeks", turn.customer.chat_id, weeks)
    text = turn.t("recall.set", day=turn.day(day), service=entry.service_name)
    return session, menu(turn, text)


async def recall_press(turn: Turn, session: Session, arg: str) -> Outcome:
    """ "Ricordamelo tra 4 settimane" under the message after a visit."""
    weeks_s, _, ref = arg.partition(":")
    entry = await turn.store.find_booking(ref) if ref else None
    if entry is None or entry.chat_id != turn.customer.chat_id or not weeks_s.isdigit():
        return session, menu(turn, turn.t("rebook.nothing"))
    return await _arm(turn, session, entry, min(max(int(weeks_s), 1), MAX_WEEKS))


async def typed_recall(turn: Turn, session: Session, text: str) -> Outcome | None:
    """Typed "ricordami tra 6 settimane": a recall for the last visit; None when not asked."""
    weeks = recall_weeks(text)
    if weeks is None:
        return None
    now = turn.now()
    entries = await turn.store.bookings_for_chat(turn.customer.chat_id)
    past = [e for e in entries if e.start <= now and e.status != "cancelled"]
    if not past:
        return session, menu(turn, turn.t("rebook.nothing"))
    return await _arm(turn, session, max(past, key=lambda e: e.start), weeks)


async def scheduled_recall(turn: Turn, appointment_id: str) -> list[Reply]:
    """The recall itself, with "Prenota di nuovo"; [] when the booking is unknown to this chat or
    the customer already booked the same service again."""
    entry = await turn.store.find_booking(appointment_id)
    if entry is None or entry.chat_id != turn.customer.chat_id:
        return []
    coming = await turn.store.bookings_for_chat(turn.customer.chat_id, after=turn.now())
    if any(e.service_id == entry.service_id for e in coming):
        logger.info("recall for chat %s skipped: already booked again", turn.customer.chat_id)
        return []
    rows = [[turn.button(turn.t("button.rebook"), Verb.REBOOK, appointment_ref(entry))]]
    text = turn.t("recall.due", service=entry.service_name)
    return [turn.reply(text, [*rows, *menu_rows(turn)])]
