"""The menu and what is the same at every step: greeting, stop, help, language, resume, and the
buttons that stay valid on older keyboards.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import datetime, time, timedelta

from bot.conversation.actions import Verb, parse_day_arg, parse_instant_arg
from bot.conversation.attendance import confirm_attendance
from bot.conversation.booking import match_service, start_booking
from bot.conversation.changes import list_appointments, owned, start_change, upcoming
from bot.conversation.common import (
    Input,
    Outcome,
    ask,
    drop_hold,
    expired,
    greeting,
    menu,
    menu_rows,
    stop_button,
)
from bot.conversation.contact import already_booked
from bot.conversation.events import Reply
from bot.conversation.questions import talk_to_person
from bot.conversation.session import Flow, Session, Step, Wish
from bot.conversation.turn import Turn
from bot.understanding import IntentKind
from bot.understanding.intents import is_acknowledgement, says_see_you

logger = logging.getLogger(__name__)


async def prompt_idle(turn: Turn, session: Session, lead: str | None) -> list[Reply]:
    return menu(turn, lead)


async def on_idle(turn: Turn, session: Session, event: Input) -> Outcome:
    t = turn.t
    kind = event.kind
    if kind is IntentKind.GOODBYE and (event.wish is None or event.wish.time is None):
        # A goodbye gets a goodbye: the menu's buttons stay, without its question.
        return session, quiet_menu(turn, t("goodbye"))
    see_you = await see_you_on_its_day(turn, event)
    if see_you is not None:
        return session, see_you
    nudged = await nudge_on_its_day(turn, session, event) or await day_beside(turn, session, event)
    if nudged is not None:
        return nudged
    # "can we do tuesday same time instead": a change about the booking they have is a move.
    # "could it be half an hour later": a shift by an amount with nothing on screen is about it.
    refused = await refuses_its_day(turn, event)  # one ledger read, used twice below
    if (
        (
            (event.wish is not None and (event.change_request or event.same_day))
            or event.shift is not None
            or refused
        )
        # "anzi, prenotane un altro giovedì" is a new booking; "can I come at 2 instead" is not
        and (
            kind is not IntentKind.BOOK
            or (event.dayless and event.change_request)
            # "… on that very day, so can I come friday instead": about the appointment's day
            or (event.same_day and event.change_request)
            or refused
        )
        and await upcoming(turn, refresh=False)
    ):
        return await start_change(
            turn,
            session,
            Flow.MOVE,
            wish=event.wish,
            same_time=event.same_time,
            by_minutes=event.shift,
            on_its_day=event.dayless,  # a day named beside "that day" wins
        )
    if kind in (IntentKind.BOOK, IntentKind.ASAP) or event.wish is not None:
        asap = kind is IntentKind.ASAP
        return await start_booking(turn, session, wish=event.wish, text=event.text, asap=asap)
    if event.text and match_service(turn, event.text, await turn.services()).services:
        return await start_booking(turn, session, text=event.text)
    if kind is IntentKind.GREETING:
        return session, menu(turn, greeting(turn))
    if kind is IntentKind.THANKS:
        return session, menu(turn, t("idle.thanks"))
    if kind is IntentKind.YES and event.text and is_acknowledgement(event.text):
        # "ok va benissimo", "👍": nothing to do, and nothing to ask.
        return session, quiet_menu(turn, t("idle.ack"))
    if kind is IntentKind.YES and session.done is not None:
        return session, already_booked(turn, session.done)
    if kind is IntentKind.YES:
        # A "sì" with no question pending: nothing to do, said kindly rather than "not understood".
        return session, quiet_menu(turn, t("idle.ack"))
    if kind is IntentKind.NO:
        return session, menu(turn, t("idle.no"))
    return session, menu(turn, t("idle.unknown"))


async def nudge_on_its_day(turn: Turn, session: Session, event: Input) -> Outcome | None:
    """ "could I come a little earlier on thursday?", "giovedì posso venire un po' più tardi?"
    with an appointment that day: a move of it, to the times before (or after) its own."""
    wish = event.wish
    if event.kind not in (IntentKind.EARLIER, IntentKind.LATER):
        return None
    entries = await upcoming(turn, refresh=False)
    if wish is None and event.same_day and len(entries) == 1:
        # "could it be later the same day", "anzi, stesso giorno ma più tardi": its own day
        wish = Wish(day=turn.local_day(entries[0].start))
    if wish is None:
        return None
    if wish.time is not None or wish.window_start is not None or wish.window_end is not None:
        return None
    that_day = [e for e in entries if turn.local_day(e.start) == wish.day]
    if len(that_day) != 1:
        return None
    start = that_day[0].start.astimezone(turn.tz)
    if event.kind is IntentKind.EARLIER:
        wish = replace(wish, window_end=start.time())
    else:
        # from the end of the appointment: "più tardi" is a time it would not overlap
        end = start + timedelta(minutes=that_day[0].duration_minutes)
        wish = replace(wish, window_start=end.time())
    return await start_change(
        turn, session, Flow.MOVE, wish=wish, appointment_id=that_day[0].appointment_id
    )


async def week_on(turn: Turn, session: Session, event: Input) -> Outcome | None:
    """ "can't make thursday, same time the week after?", "stessa ora la settimana dopo?" with
    nothing on screen: the appointment (the one on the day named, or the only one) a week on,
    at its time, even where "can't make it" alone would be a cancel."""
    if event.reading is None or not event.reading.week_on:
        return None
    entries = await upcoming(turn, refresh=False)
    wish = event.wish
    named = None if wish is None else wish.previous or (wish.day if wish.last_day is None else None)
    if named is not None:
        entries = [e for e in entries if turn.local_day(e.start) == named]
    if len(entries) != 1:
        return None
    start = entries[0].start.astimezone(turn.tz)
    wish = Wish(day=start.date() + timedelta(days=7), time=start.time())
    return await start_change(
        turn, session, Flow.MOVE, wish=wish, appointment_id=entries[0].appointment_id
    )


async def refuses_its_day(turn: Turn, event: Input) -> bool:
    """ "thursday no longer works for me, any day next week": the day refused is the day of an
    appointment they have, so the other day asked is where it goes."""
    wish = event.wish
    if wish is None or wish.previous is None:
        return False
    entries = await upcoming(turn, refresh=False)
    return any(turn.local_day(e.start) == wish.previous for e in entries)


async def day_beside(turn: Turn, session: Session, event: Input) -> Outcome | None:
    """ "can we do the day after instead", "meglio il giorno prima" with one appointment: a move
    of it to the day after (before) its own, around its time."""
    beside = event.reading.beside if event.reading is not None else 0
    if not beside or event.wish is not None:
        return None
    entries = await upcoming(turn, refresh=False)
    if len(entries) != 1:
        return None
    start = entries[0].start.astimezone(turn.tz)
    wish = Wish(day=start.date() + timedelta(days=beside), time=start.time(), approximate=True)
    return await start_change(
        turn, session, Flow.MOVE, wish=wish, appointment_id=entries[0].appointment_id
    )


async def see_you_on_its_day(turn: Turn, event: Input) -> list[Reply] | None:
    """ "Ok perfetto, allora ci vediamo giovedì" with Thursday's appointment booked: a goodbye
    that says the appointment back, not a new booking for that day."""
    wish = event.wish
    if wish is None or wish.time is not None or not says_see_you(event.text or ""):
        return None
    for entry in await upcoming(turn, refresh=False):
        if turn.local_day(entry.start) == wish.day:
            line = turn.t(
                "goodbye.on_its_day", day=turn.day(wish.day), time=turn.clock_time(entry.start)
            )
            return quiet_menu(turn, line)
    return None


def quiet_menu(turn: Turn, text: str) -> list[Reply]:
    """A short line with the menu's buttons under it, without asking "what can I do for you?"."""
    return [turn.reply(text, menu_rows(turn))]


async def stop(turn: Turn, session: Session) -> Outcome:
    had_flow = session.flow is not None
    session = await drop_hold(turn, session)
    lead = turn.t("stop.done") if had_flow else turn.t("stop.nothing")
    return session.idle(), menu(turn, lead)


async def show_help(turn: Turn, session: Session) -> Outcome:
    text = turn.t("help.text")
    if session.step is Step.IDLE:
        return session, menu(turn, text)
    rows = [[turn.button(turn.t("button.resume"), Verb.RESUME), stop_button(turn)]]
    return session, [turn.reply(text, rows)]


def ask_language(turn: Turn) -> list[Reply]:
    rows = [
        [
            turn.button("Italiano", Verb.SET_LANGUAGE, "it"),
            turn.button("English", Verb.SET_LANGUAGE, "en"),
        ]
    ]
    return [turn.reply(turn.t("language.ask"), rows)]


async def set_language(turn: Turn, session: Session, language: str) -> Outcome:
    session = replace(session, language=language)
    turn.set_language(language)
    return await ask(turn, session, session.step, turn.t("language.set"))


async def resume(turn: Turn, session: Session) -> Outcome:
    return await ask(turn, session, session.step)


def booked_wish(turn: Turn, arg: str) -> Wish | None:
    """What a Book button carries: nothing, a day ("Prenota giovedì") or a day and time."""
    day = parse_day_arg(arg)
    if day is not None:
        return Wish(day=day)
    moment = parse_instant_arg(arg)
    if moment is not None:
        local = moment.astimezone(turn.tz)
        return Wish(day=local.date(), time=local.time())
    return None


def also_wish(turn: Turn, booked: datetime, arg: str) -> tuple[str, Wish]:
    """What "Prenota anche Colore" carries ("s_colore:1030"): the other service, and the day of
    the one booked (`booked`) from the end of it."""
    head, colon, after = arg.rpartition(":")
    service_id, after = (head, after) if colon else (arg, "")
    hour, minute = (int(after[:2]), int(after[2:])) if after.isdigit() else (24, 0)
    start = time(hour, minute) if len(after) == 4 and hour < 24 and minute < 60 else None
    return service_id, Wish(day=turn.local_day(booked), window_start=start)


async def global_press(turn: Turn, session: Session, verb: str, arg: str) -> Outcome:
    """Buttons that mean the same whatever the step (they stay valid on older keyboards)."""
    if verb == Verb.MENU:
        if session.step is Step.CANCEL_REASON:
            session = session.idle()  # the reason was optional: what is typed next is not one
        return session, menu(turn)
    if verb == Verb.BOOK:
        return await start_booking(turn, session)
    if verb == Verb.APPOINTMENTS:
        return await list_appointments(turn, session)
    if verb == Verb.HELP:
        return await show_help(turn, session)
    if verb == Verb.LANGUAGE:
        return session, ask_language(turn)
    if verb == Verb.SET_LANGUAGE and arg in ("it", "en"):
        return await set_language(turn, session, arg)
    if verb == Verb.PERSON:
        return await talk_to_person(turn, session, None)
    if verb == Verb.ATTEND:
        return await confirm_attendance(turn, session, await owned(turn, arg))
    entry = await owned(turn, arg) if verb in (Verb.MOVE, Verb.CANCEL) else None
    if entry is not None:
        flow = Flow.MOVE if verb == Verb.MOVE else Flow.CANCEL
        return await start_change(turn, session, flow, appointment_id=entry.appointment_id)
    return session, expired(turn, session)
