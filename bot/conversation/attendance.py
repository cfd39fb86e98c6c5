"""Reminders that ask (issue 13, item 1): "Ci sei?" with Confermo / Sposta / Disdici.

The reminder names the appointment as Zimun has it now (`changes.current_entry`); "Confermo" (a
global button, so it still acts under a newer keyboard) writes one "attending" event in the
ledger: a second tap, or a typed "confermo" after the tap, is answered "already confirmed" and
writes nothing. A typed answer right after a reminder ("sì ci sono", "spostalo", "cancel it")
acts on the appointment the reminder asked about (`Session.reminded`).
"""

from __future__ import annotations

import logging
from dataclasses import replace

from bot.conversation.actions import Verb
from bot.conversation.common import Input, Outcome, expired, menu_rows
from bot.conversation.events import Button, Reply
from bot.conversation.session import Flow, Session, Step
from bot.conversation.turn import Turn
from bot.storage import EventKind, LedgerEntry, UnknownBooking
from bot.understanding import IntentKind
from bot.understanding.text import normalize

logger = logging.getLogger(__name__)

# Typed ways of saying "I'll be there" once a reminder asked (normalised, accents dropped).
_COMING = (
    "ci sono",
    "ci saro",
    "confermo",
    "confermato",
    "vengo",
    "presente",
    "be there",
    "i will come",
    "ill come",
    "i'll come",
    "coming",
    "confirm",
    "see you",
)
_NOT = ("non ", "not ", "can't", "cant ", "cannot", "won't", "wont ")


def reminder_rows(turn: Turn, ref: str, *, ask: bool) -> list[list[Button]]:
    """Confermo / Sposta / Disdici (without Confermo once the customer has confirmed)."""
    t = turn.t
    row = [
        turn.button(t("button.move"), Verb.MOVE, ref),
        turn.button(t("button.cancel"), Verb.CANCEL, ref),
    ]
    if ask:
        return [[turn.button(t("button.attend"), Verb.ATTEND, ref)], row]
    return [row]


async def reminder_replies(turn: Turn, entry: LedgerEntry, ref: str) -> list[Reply]:
    """The reminder itself; the first one sent is written in the ledger ("reminded")."""
    t = turn.t
    history = await turn.store.booking_history(entry.appointment_id)
    confirmed = any(event.kind == EventKind.ATTENDING for event in history)
    try:
        await turn.store.record_event_once(entry.appointment_id, EventKind.REMINDED, turn.now())
    except UnknownBooking:
        return []
    when = turn.when(entry.start)
    if confirmed:
        text = t("reminder.confirmed", service=entry.service_name, when=when)
    else:
        text = t("reminder.ask", service=entry.service_name, when=when)
    return [turn.reply(text, reminder_rows(turn, ref, ask=not confirmed))]


async def confirm_attendance(turn: Turn, session: Session, entry: LedgerEntry | None) -> Outcome:
    """ "Confermo": one "attending" event, however often it is tapped or typed."""
    t = turn.t
    session = replace(session, reminded=None)
    if entry is None:
        return session, expired(turn, session)
    written = await turn.store.record_event_once(
        entry.appointment_id, EventKind.ATTENDING, turn.now()
    )
    when = turn.when(entry.start)
    if written:
        logger.info("attendance confirmed for %s", entry.appointment_id)
        text = t("attendance.confirmed", service=entry.service_name, when=when)
    else:
        text = t("attendance.already", when=when)
    return session, [turn.reply(text, menu_rows(turn))]


async def typed_answer(turn: Turn, session: Session, event: Input) -> Outcome | None:
    """A typed answer to the last reminder, at rest; None when the text is something else."""
    from bot.conversation.changes import appointment_ref, owned, start_change

    if session.reminded is None or session.step is not Step.IDLE or not event.text:
        return None
    entry = await owned(turn, session.reminded)
    if entry is None:
        return None
    kind = event.kind
    words = f" {normalize(event.text)} "
    if kind is IntentKind.MOVE:
        return await start_change(
            turn,
            replace(session, reminded=None),
            Flow.MOVE,
            wish=event.wish,
            appointment_id=entry.appointment_id,
            same_time=event.same_time,
        )
    if kind is IntentKind.CANCEL:
        return await start_change(
            turn, replace(session, reminded=None), Flow.CANCEL, appointment_id=entry.appointment_id
        )
    negated = any(n in words for n in _NOT) or kind is IntentKind.NO
    if negated:
        rows = reminder_rows(turn, appointment_ref(entry), ask=False)
        return replace(session, reminded=None), [turn.reply(turn.t("attendance.not_coming"), rows)]
    if kind is IntentKind.YES or any(f" {c} " in words or words.strip() == c for c in _COMING):
        return await confirm_attendance(turn, session, entry)
    return None


__all__ = ["confirm_attendance", "reminder_replies", "reminder_rows", "typed_answer"]
