"""Booking the same again (issue 13, item 3): past appointments in "I miei appuntamenti" with
"Prenota di nuovo", typed "come l'ultima volta" / "same as last time", and the message after a
visit with a 1-5 rating in one tap (a `rated` event in the booking's ledger history, the one
place /stats and /export read it from) and the same again.

Booking again starts a booking of the same service with the name of that booking and its e-mail
(as Zimun has it) filled in: only the time is asked, then the summary.
"""

from __future__ import annotations

import logging
import re
from dataclasses import replace

from bot.conversation.actions import Verb
from bot.conversation.booking import choose_service
from bot.conversation.changes import appointment_ref, current_entry
from bot.conversation.common import Outcome, drop_hold, join, menu, menu_rows
from bot.conversation.events import Button, Reply
from bot.conversation.recall import recall_button
from bot.conversation.session import Flow, Session, Wish
from bot.conversation.turn import Turn
from bot.storage import EventKind, LedgerEntry
from bot.understanding.text import normalize
from bot.zimun import ZimunError

__all__ = [
    "PAST_SHOWN",
    "again_press",
    "book_again",
    "past_lines",
    "same_again",
    "scheduled_after_visit",
]

logger = logging.getLogger(__name__)

PAST_SHOWN = 3
SCORES = range(1, 6)

_SAME_AGAIN = re.compile(
    r"\b(come (l )?ultima volta|come la volta scorsa|come l altra volta|stesso dell ultima volta"
    r"|same as (the )?last time|same as before|like last time|the usual"
    # "can i book the same again", "another one of those", "lo stesso anche la settimana
    # prossima", "un altro uguale": one more of what they have booked
    r"|(the )?same (thing )?again|another (one )?of (those|them|these)|one more of (those|them)"
    r"|(prenotare|prenota|prenotami|fare|fammi|rifare|vorrei) (lo stesso|la stessa cosa) "
    r"(anche|di nuovo|ancora|pure)"
    r"|(un|uno|un altro|un altra|un altra volta) ugual[ei]|(un )?altro uguale|(un )?altra uguale)\b"
)


def same_again(text: str) -> bool:
    """ "come l'ultima volta", "same as last time" and their everyday variants."""
    return bool(_SAME_AGAIN.search(normalize(text).replace("'", " ")))


async def _past(turn: Turn) -> list[LedgerEntry]:
    """The chat's last appointments already started (not cancelled), latest first."""
    now = turn.now()
    entries = await turn.store.bookings_for_chat(turn.customer.chat_id)
    past = [e for e in entries if e.start <= now and e.status != "cancelled"]
    return sorted(past, key=lambda e: e.start, reverse=True)[:PAST_SHOWN]


async def past_lines(turn: Turn) -> tuple[list[str], list[list[Button]]]:
    """Lines and "Prenota di nuovo" buttons for "I miei appuntamenti"."""
    lines: list[str] = []
    rows: list[list[Button]] = []
    for number, entry in enumerate(await _past(turn), start=1):
        when = turn.when(entry.start)
        lines.append(
            turn.t("appointments.past_line", number=number, service=entry.service_name, when=when)
        )
        label = turn.t("button.rebook_n", number=number)
        rows.append([turn.button(label, Verb.REBOOK, appointment_ref(entry))])
    return lines, rows


async def _mine(turn: Turn, ref: str) -> LedgerEntry | None:
    if not ref:
        return None
    entry = await turn.store.find_booking(ref)
    if entry is None or entry.chat_id != turn.customer.chat_id:
        return None
    return entry


async def _last(turn: Turn) -> LedgerEntry | None:
    entries = await turn.store.bookings_for_chat(turn.customer.chat_id, include_cancelled=True)
    kept = [e for e in entries if e.status != "cancelled"] or entries
    return max(kept, key=lambda e: e.created_at) if kept else None


async def email_of(turn: Turn, entry: LedgerEntry | None) -> str | None:
    """The e-mail address a booking was made with, when Zimun still has it."""
    if entry is None:
        return None
    try:
        return (await turn.zimun.get_appointment(entry.appointment_id)).contact_email or None
    except ZimunError:
        return None


async def last_email(turn: Turn) -> str | None:
    """The e-mail address of the last booking made from this chat ("same email as last time")."""
    return await email_of(turn, await _last(turn))


async def book_again(
    turn: Turn,
    session: Session,
    entry: LedgerEntry | None,
    wish: Wish | None = None,
    *,
    lead: str | None = None,
) -> Outcome:
    """A booking of `entry`'s service (None: the last booking) with its contact filled in;
    `lead` says why, instead of "as last time"."""
    entry = entry or await _last(turn)
    service = await turn.service(entry.service_id) if entry is not None else None
    if entry is None or service is None:
        return session, menu(turn, turn.t("rebook.nothing"))
    email = await email_of(turn, entry)  # None: asked again, the booking goes on without it
    session = await drop_hold(turn, session)
    session = replace(
        session.start_flow(Flow.BOOK, turn.now()),
        wish=wish,
        contact_name=entry.contact_name or None,
        contact_email=email,
    )
    lead = lead or turn.t("rebook.lead", service=service.name, name=entry.contact_name)
    logger.info("chat %s books the same again", turn.customer.chat_id)
    return await choose_service(turn, session, service, lead)


async def again_press(turn: Turn, session: Session, verb: str, arg: str) -> Outcome:
    """ "Prenota di nuovo" and the rating buttons (step buttons: they act once)."""
    if verb == Verb.REBOOK:
        entry = await _mine(turn, arg)
        if entry is None:
            return session, menu(turn, turn.t("rebook.nothing"))
        return await book_again(turn, session, entry)
    score_s, _, ref = arg.partition(":")
    entry = await _mine(turn, ref)
    if entry is None or not score_s.isdigit() or int(score_s) not in SCORES:
        return session, menu(turn)
    # One rating per appointment: a double tap, or a second score, is not counted again.
    details = {"rating": int(score_s)}
    now = turn.now()
    if await turn.store.record_event_once(entry.appointment_id, EventKind.RATED, now, details):
        logger.info("chat %s rated a visit %s", turn.customer.chat_id, score_s)
        text = turn.t("visit.rated")
    else:
        text = turn.t("visit.rated_already")
    rows = [
        [turn.button(turn.t("button.rebook"), Verb.REBOOK, appointment_ref(entry))],
        [recall_button(turn, entry)],
    ]
    return session, [turn.reply(text, [*rows, *menu_rows(turn)])]


async def scheduled_after_visit(turn: Turn, appointment_id: str) -> list[Reply]:
    """Thanks, a rating and the same again, a few hours after the visit; [] when the
    appointment was cancelled or moved since (the move re-armed it)."""
    entry = await turn.store.find_booking(appointment_id)
    if entry is None or entry.chat_id != turn.customer.chat_id or entry.status == "cancelled":
        return []
    current = await current_entry(turn, entry)
    if current is None or current.start > turn.now():
        return []
    ref = appointment_ref(current)
    t = turn.t
    rows = [
        [turn.button(str(score), Verb.RATE, f"{score}:{ref}") for score in SCORES],
        [turn.button(t("button.rebook"), Verb.REBOOK, ref)],
        [recall_button(turn, current)],
    ]
    text = t("visit.after", service=current.service_name)
    return [turn.reply(join(text), rows)]
