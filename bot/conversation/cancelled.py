"""After a cancellation (issue 4's contract): the cancel is made at the customer's "yes"
(`changes.do_cancel`), and the same message asks the optional reason. Here is what comes next.

What the customer writes then is read, in this order, with the understanding the rest of the bot
uses:
1. taking it back ("no aspetta, non disdire", "wait, keep it", `takes_back_cancel`): it is
   already cancelled, said so; the same service at the same time is offered in one tap when that
   time is still free, else the nearest times;
2. a new request, handled as it would be from the menu and never kept as a reason: an intent to
   book, list, get help or switch language; a move or a cancel while another appointment is
   upcoming (without one, "devo disdire per lavoro" explains); a question about the business;
   small talk alone ("ciao", "grazie", "👍"); a day with a time or a part of the day to come,
   said without a "no";
3. no reason ("Salta", "no", "niente", "non serve", "skip", "no thanks": `declines_reason`);
4. anything else is the reason, kept against the appointment (`Store.set_cancel_reason`).
"""

from __future__ import annotations

import logging

from bot.conversation.actions import Verb
from bot.conversation.again import book_again
from bot.conversation.changes import after_cancel_row, appointment_ref, upcoming
from bot.conversation.common import Input, Outcome, join, menu, unexpected, wish_at
from bot.conversation.events import Reply
from bot.conversation.session import Session
from bot.conversation.turn import Turn
from bot.storage import LedgerEntry
from bot.understanding import IntentKind
from bot.understanding.intents import is_small_talk
from bot.understanding.questions import parse_question
from bot.understanding.reasons import declines_reason, takes_back_cancel

__all__ = ["on_cancel_reason", "prompt_cancel_reason", "restore"]

logger = logging.getLogger(__name__)

MAX_REASON = 500

# Intents that ask the bot for something, whatever the step.
_REQUESTS = frozenset({IntentKind.BOOK, IntentKind.LIST, IntentKind.HELP, IntentKind.LANGUAGE})


async def prompt_cancel_reason(turn: Turn, session: Session, lead: str | None) -> list[Reply]:
    rows = [[turn.button(turn.t("button.skip"), Verb.SKIP)], after_cancel_row(turn)]
    return [turn.reply(join(lead, turn.t("cancel.reason")), rows)]


async def on_cancel_reason(turn: Turn, session: Session, event: Input) -> Outcome:
    """The answer to "why?", asked after the appointment `session.appointment_id` was cancelled."""
    if event.verb == Verb.SKIP:
        return session.idle(), menu(turn, turn.t("cancel.reason_skipped"))
    text = (event.text or "").strip()
    if event.verb is not None or not text:
        return await unexpected(turn, session)
    entry = await _cancelled_entry(turn, session)
    if entry is not None and takes_back_cancel(text):
        return await _take_back(turn, session, entry)
    if entry is None or await _new_request(turn, event):
        from bot.conversation.flow import dispatch  # the table imports every flow module

        return await dispatch(turn, session.idle(), event)
    if declines_reason(text):
        return session.idle(), menu(turn, turn.t("cancel.reason_skipped"))
    await turn.store.set_cancel_reason(entry.appointment_id, text[:MAX_REASON])
    logger.info("chat %s gave a reason for cancelling", turn.customer.chat_id)
    return session.idle(), menu(turn, turn.t("cancel.reason_thanks"))


async def _cancelled_entry(turn: Turn, session: Session) -> LedgerEntry | None:
    """The appointment just cancelled, if it is this chat's (and not forgotten since)."""
    if not session.appointment_id:
        return None
    entry = await turn.store.find_booking(session.appointment_id)
    if entry is None or entry.chat_id != turn.customer.chat_id:
        return None
    return entry


async def _new_request(turn: Turn, event: Input) -> bool:
    """Whether the message asks for something new rather than giving a reason (the module's
    docstring, rule 2)."""
    text = event.text or ""
    kind = event.kind
    if kind in _REQUESTS or is_small_talk(text) or parse_question(text) is not None:
        return True
    if kind in (IntentKind.MOVE, IntentKind.CANCEL):
        return bool(await upcoming(turn, refresh=False))
    wish = event.wish
    timed = wish is not None and (wish.time is not None or wish.window_start is not None)
    return timed and not event.negated


async def _take_back(turn: Turn, session: Session, entry: LedgerEntry) -> Outcome:
    """ "No wait, don't cancel": it is cancelled, and never said to be kept. The same time in one
    tap when it is still free; else the nearest times of the same service."""
    t = turn.t
    when = turn.when(entry.start)
    if entry.start <= turn.now() or await turn.service(entry.service_id) is None:
        return session.idle(), menu(turn, t("cancel.already"))
    if await _still_free(turn, entry):
        local = entry.start.astimezone(turn.tz)
        label = t("button.restore", day=turn.short_day(local.date()), time=turn.clock_time(local))
        ref = appointment_ref(entry)
        rows = [
            [turn.button(label, Verb.RESTORE, ref)],
            [turn.button(t("button.other_times"), Verb.REBOOK, ref)],
            [turn.button(t("button.menu"), Verb.MENU)],
        ]
        return session.idle(), [turn.reply(t("cancel.already_free", when=when), rows)]
    lead = t("cancel.already_taken", when=when)
    return await book_again(turn, session.idle(), entry, wish_at(turn, entry.start), lead=lead)


async def _still_free(turn: Turn, entry: LedgerEntry) -> bool:
    day = turn.local_day(entry.start)
    availability = await turn.zimun.get_availability(entry.service_id, first_day=day, days_ahead=1)
    return any(slot.start == entry.start for slot in availability.slots)


async def restore(turn: Turn, session: Session, ref: str) -> Outcome:
    """The one-tap button of a take-back: the same service, time and contact, booked anew (held
    at once when still free, then the summary; else the nearest times)."""
    entry = await turn.store.find_booking(ref) if ref else None
    if entry is None or entry.chat_id != turn.customer.chat_id or entry.start <= turn.now():
        return session, menu(turn, turn.t("cancel.already"))
    wish = wish_at(turn, entry.start, approximate=False)
    name = entry.contact_name or ""
    lead = turn.t("rebook.restore_lead", service=entry.service_name, name=name)
    return await book_again(turn, session, entry, wish, lead=lead)
