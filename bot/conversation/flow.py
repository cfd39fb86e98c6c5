"""The conversation flow: one handler per step in `FLOW`, one prompt per step in `PROMPTS`.

A handler takes the turn, the session and the customer's input and returns the new session and the
replies. Every input a step does not expect gets an explicit answer that repeats the step's question
with its buttons, so there is never silence and never a dead end. Inputs that mean the same at every
step (stop, help, language, my appointments, move, cancel) are read first, in `dispatch`.

```
IDLE -> SERVICE -> WHEN -> SLOT -(hold)-> NAME -> EMAIL -> SUMMARY -(confirm)-> IDLE
IDLE -> CHOOSE_APPOINTMENT -> WHEN -> SLOT -> MOVE_CONFIRM -(PATCH)-> IDLE
IDLE -> CHOOSE_APPOINTMENT -> CANCEL_CONFIRM -> CANCEL_REASON -(PATCH)-> IDLE
```
"""

from __future__ import annotations

import logging

from bot.conversation.actions import Verb
from bot.conversation.booking import (
    change_time,
    change_when,
    hold_again,
    on_service,
    on_slot,
    on_when,
    prompt_service,
    prompt_slot,
    prompt_when,
    start_booking,
)
from bot.conversation.changes import (
    list_appointments,
    on_cancel_confirm,
    on_cancel_reason,
    on_choose_appointment,
    on_move_confirm,
    prompt_cancel_confirm,
    prompt_cancel_reason,
    prompt_choose_appointment,
    prompt_move_confirm,
    start_change,
)
from bot.conversation.common import Handler, Input, Outcome, Prompt, ask, drop_hold, greeting, menu
from bot.conversation.contact import (
    on_email,
    on_name,
    on_summary,
    prompt_email,
    prompt_name,
    prompt_summary,
)
from bot.conversation.menus import (
    ask_language,
    on_idle,
    prompt_idle,
    resume,
    set_language,
    show_help,
    stop,
)
from bot.conversation.session import Flow, Session, Step
from bot.conversation.turn import Turn
from bot.understanding import IntentKind

__all__ = ["CONTENT_STEPS", "FLOW", "PROMPTS", "command", "dispatch"]

logger = logging.getLogger(__name__)


PROMPTS: dict[Step, Prompt] = {
    Step.IDLE: prompt_idle,
    Step.SERVICE: prompt_service,
    Step.WHEN: prompt_when,
    Step.SLOT: prompt_slot,
    Step.NAME: prompt_name,
    Step.EMAIL: prompt_email,
    Step.SUMMARY: prompt_summary,
    Step.CHOOSE_APPOINTMENT: prompt_choose_appointment,
    Step.MOVE_CONFIRM: prompt_move_confirm,
    Step.CANCEL_CONFIRM: prompt_cancel_confirm,
    Step.CANCEL_REASON: prompt_cancel_reason,
}


FLOW: dict[Step, Handler] = {
    Step.IDLE: on_idle,
    Step.SERVICE: on_service,
    Step.WHEN: on_when,
    Step.SLOT: on_slot,
    Step.NAME: on_name,
    Step.EMAIL: on_email,
    Step.SUMMARY: on_summary,
    Step.CHOOSE_APPOINTMENT: on_choose_appointment,
    Step.MOVE_CONFIRM: on_move_confirm,
    Step.CANCEL_CONFIRM: on_cancel_confirm,
    Step.CANCEL_REASON: on_cancel_reason,
}


CONTENT_STEPS = frozenset({Step.NAME, Step.EMAIL, Step.CANCEL_REASON})


async def dispatch(turn: Turn, session: Session, event: Input) -> Outcome:
    """Step-independent inputs first, then the step's own handler from `FLOW`."""
    if event.verb is not None:
        if event.verb == Verb.STOP:
            return await stop(turn, session)
        if event.verb == Verb.RESUME:
            return await resume(turn, session)
        if event.verb == Verb.REHOLD:
            return await hold_again(turn, session)
        if event.verb == Verb.CHANGE_TIME and session.flow is not None:
            # The "Cambia orario" button of every step of a flow (and of the hold-expired notice).
            return await change_time(turn, session)
        return await FLOW[session.step](turn, session, event)
    kind = event.kind
    if kind is IntentKind.STOP:
        return await stop(turn, session)
    if kind is IntentKind.HELP:
        return await show_help(turn, session)
    if kind is IntentKind.LANGUAGE:
        language = event.intent.language if event.intent else None
        if language in ("it", "en"):
            return await set_language(turn, session, language)
        return session, ask_language(turn)
    if kind is IntentKind.CANCEL and session.flow is Flow.BOOK:
        # "annulla" in the middle of a booking means "forget this booking"; cancelling an
        # existing appointment stays one tap away in the menu that follows.
        return await stop(turn, session)
    if session.step not in CONTENT_STEPS and session.step is not Step.IDLE:
        if kind is IntentKind.THANKS:
            return await ask(turn, session, session.step, turn.t("idle.thanks"))
        if kind is IntentKind.GREETING and event.wish is None:
            return await ask(turn, session, session.step, turn.t("step.hello"))
    if session.step not in CONTENT_STEPS:
        if kind is IntentKind.LIST:
            return await list_appointments(turn, session)
        if (
            kind is IntentKind.MOVE
            and session.flow is Flow.BOOK
            and session.service_id is not None
            and event.wish is not None
        ):
            # "spostalo a giovedì" in the middle of a booking moves the booking in progress.
            return await change_when(turn, session, event)
        if kind is IntentKind.MOVE and session.step is not Step.MOVE_CONFIRM:
            return await start_change(
                turn, session, Flow.MOVE, wish=event.wish, same_time=event.same_time
            )
        if kind is IntentKind.CANCEL and session.step not in (
            Step.CANCEL_CONFIRM,
            Step.SUMMARY,
            Step.MOVE_CONFIRM,
        ):
            return await start_change(turn, session, Flow.CANCEL, wish=event.wish)
        if kind is IntentKind.BOOK and session.step in (
            Step.CHOOSE_APPOINTMENT,
            Step.MOVE_CONFIRM,
            Step.CANCEL_CONFIRM,
        ):
            return await start_booking(turn, session, wish=event.wish, text=event.text)
    return await FLOW[session.step](turn, session, event)


async def command(turn: Turn, session: Session, name: str, args: str) -> Outcome:
    """Slash commands: start, book, appointments, move, cancel, language, help, stop."""
    name = name.lower().lstrip("/")
    if name == "start":
        if args == "book" or args.startswith("book_"):
            service_id = args[5:] or None
            return await start_booking(turn, session, service_id=service_id)
        session = await drop_hold(turn, session)
        return session.idle(), menu(turn, greeting(turn))
    if name == "book":
        return await start_booking(turn, session)
    if name == "appointments":
        return await list_appointments(turn, session)
    if name == "move":
        return await start_change(turn, session, Flow.MOVE)
    if name == "cancel":
        return await start_change(turn, session, Flow.CANCEL)
    if name == "language":
        return session, ask_language(turn)
    if name == "help":
        return await show_help(turn, session)
    if name == "stop":
        return await stop(turn, session)
    return session, menu(turn, turn.t("command.unknown"))
