"""The conversation flow: one handler per step in `FLOW`, one prompt per step in `PROMPTS`.

A handler takes the turn, the session and the customer's input and returns the new session and the
replies. Every input a step does not expect gets an explicit answer that repeats the step's question
with its buttons, so there is never silence and never a dead end. Inputs that mean the same at every
step (stop, help, language, my appointments, move, cancel) are read first, in `dispatch`.

```
IDLE -> SERVICE -> WHEN -> SLOT -(hold)-> NAME -> EMAIL -> SUMMARY -(confirm)-> IDLE
IDLE -> CHOOSE_APPOINTMENT -> WHEN -> SLOT -> MOVE_CONFIRM -(PATCH)-> IDLE
IDLE -> CHOOSE_APPOINTMENT -> CANCEL_CONFIRM -(yes: PATCH)-> CANCEL_REASON -> IDLE
```
"""

from __future__ import annotations

import logging
import re
from dataclasses import replace

from bot.conversation.actions import Verb
from bot.conversation.again import again_press, book_again, same_again
from bot.conversation.attendance import typed_answer
from bot.conversation.booking import (
    back_to_earlier,
    change_service,
    change_time,
    change_when,
    hold_again,
    on_service,
    on_slot,
    on_when,
    other_service,
    other_times,
    prompt_service,
    prompt_slot,
    prompt_when,
    start_booking,
)
from bot.conversation.cancelled import on_cancel_reason, prompt_cancel_reason, restore
from bot.conversation.changes import (
    list_appointments,
    list_with_hold,
    on_cancel_confirm,
    on_choose_appointment,
    on_move_confirm,
    prompt_cancel_confirm,
    prompt_choose_appointment,
    prompt_move_confirm,
    start_change,
)
from bot.conversation.common import (
    Handler,
    Input,
    Outcome,
    Prompt,
    ask,
    drop_hold,
    greeting,
    join,
    menu,
)
from bot.conversation.contact import (
    already_booked,
    confirm,
    on_email,
    on_name,
    on_summary,
    prompt_email,
    prompt_name,
    prompt_summary,
)
from bot.conversation.events import RESUME_COMMAND, Reply
from bot.conversation.menus import (
    also_wish,
    ask_language,
    booked_wish,
    day_beside,
    on_idle,
    prompt_idle,
    resume,
    set_language,
    show_help,
    stop,
    week_on,
)
from bot.conversation.questions import answer_question, answer_text
from bot.conversation.recall import recall_press, typed_recall
from bot.conversation.repick import repick
from bot.conversation.session import Flow, Session, Step
from bot.conversation.turn import Turn
from bot.conversation.waitlist import (
    join_waitlist,
    leave_waitlist,
    on_wait_offer,
    prompt_wait_offer,
)
from bot.understanding import IntentKind
from bot.understanding.contacts import (
    ContactField,
    find_address,
    is_same_address,
    offers_phone,
    read_contact_change,
    read_name,
)
from bot.understanding.intents import (
    asks_chosen_time,
    asks_to_wait,
    is_acknowledgement,
    is_nod,
)
from bot.understanding.questions import (
    Question,
    QuestionKind,
    asks_about_cancelling,
    asks_for_service,
    parse_question,
    sounds_like_question,
)
from bot.understanding.services import kinds_in_text, service_kinds
from bot.understanding.text import normalize

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
    Step.WAIT_OFFER: prompt_wait_offer,
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
    Step.WAIT_OFFER: on_wait_offer,
}


CONTENT_STEPS = frozenset({Step.NAME, Step.EMAIL})
# Steps that ask no yes-or-no question, where a bare "ok" is only a nod.
ACK_STEPS = frozenset({Step.SERVICE, Step.WHEN, Step.CHOOSE_APPOINTMENT})
# Where the service being booked can still be changed by naming another one.
SERVICE_CHANGE_STEPS = frozenset({Step.WHEN, Step.SLOT, Step.NAME, Step.EMAIL, Step.SUMMARY})
# issue 13: where "come l'ultima volta" starts a booking of the same again.
SAME_AGAIN_STEPS = frozenset({Step.IDLE, Step.SERVICE, Step.WHEN})


async def dispatch(turn: Turn, session: Session, event: Input) -> Outcome:
    """Step-independent inputs first, then the step's own handler from `FLOW`."""
    if session.asked_day is not None:
        # The day a question was about counts for the message right after it only (it was
        # read with it); an answer to a question about a day sets it again below.
        session = replace(session, asked_day=None)
    if session.step is Step.CANCEL_REASON and event.verb is None:
        # Free content after a cancel: the step reads it first (a reason, none, taking the
        # cancel back, or a new request it hands back here from the menu).
        return await FLOW[session.step](turn, session, event)
    if event.verb is not None:
        if event.verb == Verb.STOP:
            return await stop(turn, session)
        if event.verb == Verb.RESUME:
            return await resume(turn, session)
        if event.verb == Verb.REHOLD:
            return await hold_again(turn, session)
        if event.verb == Verb.BOOK_DAY:
            return await start_booking(turn, session, wish=booked_wish(turn, event.arg))
        if event.verb == Verb.SERVICE and session.step is Step.IDLE and session.done is not None:
            # "Prenota anche Colore" under a booking made for two services
            service_id, day = also_wish(turn, session.done.start, event.arg or "")
            return await start_booking(turn, session, wish=day, service_id=service_id)
        if event.verb in (Verb.REBOOK, Verb.RATE):
            return await again_press(turn, session, event.verb, event.arg)
        if event.verb == Verb.RESTORE:
            return await restore(turn, session, event.arg)
        if event.verb == Verb.RECALL:
            return await recall_press(turn, session, event.arg)
        if event.verb == Verb.WAIT:
            return await join_waitlist(turn, session, event.arg)
        if event.verb == Verb.UNWAIT:
            return await leave_waitlist(turn, session, event.arg)
        if event.verb == Verb.CHANGE_TIME and session.flow is not None:
            # The "Cambia orario" button of every step of a flow (and of the hold-expired notice).
            return await change_time(turn, session)
        return await FLOW[session.step](turn, session, event)
    kind = event.kind
    repicked = await repick(turn, session, event)
    if repicked is not None:
        return repicked
    moment = session.hold.start if session.hold else session.new_start
    if (
        session.step in HELD_STEPS
        and moment is not None
        and event.wish is None
        and asks_chosen_time(event.text or "")
    ):
        # "scusa a che ora avevo scelto?", "which day was that again?": the time being booked
        # (or moved to), said back, and the step's question again.
        return await ask(turn, session, session.step, turn.t("held.recall", when=turn.when(moment)))
    if session.flow is not None and session.step not in CONTENT_STEPS and _waits(event):
        # "un attimo che controllo l'agenda": take your time (the hold's end said), then the
        # step's question again.
        hold = session.hold
        lead = (
            turn.t("wait.held", until=turn.clock_time(hold.expires_at))
            if hold is not None
            else turn.t("wait.ok")
        )
        return await ask(turn, session, session.step, lead)
    offered = _offer_on_screen(session, event)
    if offered is not None:
        # "would you like to book Friday instead?" answered "sì dai": as a tap on its button
        return await dispatch(turn, session, offered)
    if _about_contact(session, event):
        # Read against what was asked first: at the summary, "can I change the email address",
        # "could you change my email to … thank you" are about the contact, not a question
        # about the salon's address or a thank-you.
        return await FLOW[session.step](turn, session, event)
    question = parse_question(event.text) if event.text else None
    idle = session.step in (Step.IDLE, Step.SERVICE)
    if question is None and idle and asks_for_service(event.text or ""):
        # "mi fate un colore?", "can you do me a trim": the service's price, then its booking
        # (a service not offered on its own, "me la fate una piega?", is said so by the booking)
        asked = kinds_in_text(event.text or "")
        if any(service_kinds(s.name) == asked for s in await turn.services()):
            question = Question(QuestionKind.OFFER)
    if (
        question is not None
        and question.kind is QuestionKind.OFFER
        and session.flow is Flow.BOOK
        and session.service_id is not None
        and session.step in SERVICE_CHANGE_STEPS
    ):
        # "niente taglio, mi fate il colore al posto suo?" mid-booking: a change of service
        other = other_service(turn, session, event.text or "", await turn.services())
        if other is not None:
            return await change_service(turn, session, event, other)
    if question is not None and kind is not IntentKind.LANGUAGE:
        # A question about the business is answered at any step where the customer is not
        # typing free content (a name, an e-mail; a reason after a cancel never gets here: its
        # step reads it first), then the step carries on.
        typed = session.step in CONTENT_STEPS and not _asks(event.text or "", session.step)
        if typed and session.step is Step.NAME and read_name(event.text or "").value is None:
            typed = False  # "fatemi parlare con qualcuno": no name, so the request it makes
        person = question.kind is QuestionKind.PERSON
        if session.step is Step.EMAIL and offers_phone(event.text or ""):
            typed = True  # "posso lasciarti il cellulare?": their own number, not ours
        if session.step is Step.EMAIL and find_address(event.text or ""):
            typed = True  # "tom dot price at gmail dot com": an address, whatever its words
        if session.step is Step.EMAIL and is_same_address(event.text or ""):
            typed = True  # "same address": the e-mail used before, not where the salon is
        if not typed and _yes_and_asks(session, event, question.kind):
            # "sì, e quanto viene?" at the summary: as a receptionist would, confirmed, and the
            # question answered under the confirmation ("sì, ma quanto viene?" only answers).
            answer, _ = await answer_text(turn, session, question, event.text)
            session, replies = await confirm(turn, session)
            return session, with_tail(replies, answer)
        if not typed:
            # "siete aperti sabato?" reads as a (weak) booking too; it is only a question.
            asked_for = kind in ACTIONS or (event.wish is not None and kind is not IntentKind.NO)
            if question.kind is QuestionKind.OFFER and asks_for_service(event.text or ""):
                # "mi fate i capelli più chiari?": said what it is and costs, and booked
                asked_for = session.step in (Step.IDLE, Step.SERVICE)
            if kind is IntentKind.CANCEL and asks_about_cancelling(event.text or ""):
                asked_for = False  # "what's your cancellation policy": asked, not a cancel
            if kind is IntentKind.BOOK and event.wish is None and session.flow is Flow.BOOK:
                # "c'è posto per la macchina?" in the middle of a booking: only a question
                asked_for = False
            # "siete aperti sabato?" is a question only (its day is the one asked about); "do you
            # close for lunch? want a cut wednesday around 1" asks for a service at a time too,
            # and is booked after the answer.
            wish = event.wish
            timed = wish is not None and (wish.time is not None or wish.window_start is not None)
            books = timed and bool(kinds_in_text(event.text or ""))
            hours_only = QuestionKind.HOURS in question.kinds and not books
            if asked_for and not person and not hours_only:
                # "quanto costa un taglio? vorrei prenotare domani alle 10", "how much is a trim,
                # anything monday after 5": the answer, and then what was asked to be done.
                answer, _ = await answer_text(turn, session, question, event.text)
                session, replies = await _by_intent(turn, session, event)
                return session, with_lead(replies, answer)
            session, replies = await answer_question(turn, session, question, event.text)
            wish = event.wish
            if wish is not None and wish.last_day is None and not wish.past:
                # "siete aperti sabato?": a time said next ("ok alle 10 allora") is for that day
                session = replace(session, asked_day=wish.day)
            return session, replies
    return await _by_intent(turn, session, event)


def _waits(event: Input) -> bool:
    """A message that only asks for a moment: no day or time, no service, no contact change in
    it ("aspetta, il nome è sbagliato" is about the name)."""
    text = event.text or ""
    if event.wish is not None or event.kind is not None or "@" in text:
        return False
    if kinds_in_text(text) or read_contact_change(text) is not None:
        return False
    return asks_to_wait(text)


def _offer_on_screen(session: Session, event: Input) -> Input | None:
    """The one offer button on screen at rest ("book that day instead?", "book Colore too?"), as
    a tap on it, when a typed yes (and nothing else: no day, no question) answers it."""
    if session.step is not Step.IDLE or session.keyboard is None:
        return None
    if event.kind is not IntentKind.YES:
        return None
    if event.wish is not None or not event.text or is_acknowledgement(event.text):
        return None
    prefixes = (f"{Verb.BOOK_DAY}|", f"{Verb.SERVICE}|")
    offers = [k for k in session.keyboard if k.startswith(prefixes)]
    if len(offers) != 1:
        return None
    verb, _, arg = offers[0].partition("|")
    return Input(verb=verb, arg=arg)


# How questions start; a name never does ("dove siete", "how much is it").
QUESTION_STARTS = frozenset(
    {
        *("dove", "quanto", "quanta", "quanti", "quante", "qual", "quali", "posso", "potete"),
        *("avete", "siete", "fate", "where", "how", "what", "whats", "can", "could", "do"),
        *("does", "are", "is", "when"),
    }
)


def _asks(text: str, step: Step) -> bool:
    """Whether a message typed where a name or an e-mail is expected is rather a question."""
    if "?" in text or sounds_like_question(text):
        return True
    first = normalize(text).split()[:1]
    if first and first[0] in QUESTION_STARTS:
        return True
    return step is Step.EMAIL and "@" not in text


def _about_contact(session: Session, event: Input) -> bool:
    """A message at the summary that changes the name or the e-mail ("wrong email", "change
    the name to …"), however it is wrapped: the summary's own handler reads it first."""
    if not event.text or event.verb is not None:
        return False
    if session.step is Step.EMAIL and "@" not in event.text:
        # "scusa il nome è Marco Rossi non Mario": a name said as one, read before any day a
        # name's word may look like ("Marco" is one slip from "marzo")
        change = read_contact_change(event.text)
        return change is not None and change.field is ContactField.NAME and bool(change.value)
    if session.step is not Step.SUMMARY:
        return False
    return read_contact_change(event.text) is not None


# Intents that ask for something to be done, which a question in the same message does not replace.
ACTIONS = frozenset({IntentKind.BOOK, IntentKind.MOVE, IntentKind.CANCEL, IntentKind.LIST})


# "yes, but ...", "sì, ma ...", "prima": a yes that waits for the answer.
_YES_BUT = re.compile(r"\b(but|ma|pero|before|prima|first|depends|dipende|if|se)\b")


def _yes_and_asks(session: Session, event: Input, kind: QuestionKind) -> bool:
    """A plain yes to the summary's "Shall I confirm?" with a question beside it."""
    if session.step is not Step.SUMMARY or event.kind is not IntentKind.YES or not event.text:
        return False
    if kind is QuestionKind.PERSON or is_acknowledgement(event.text):
        return False
    return _YES_BUT.search(normalize(event.text)) is None


def with_tail(replies: list[Reply], tail: str) -> list[Reply]:
    if not replies or not tail:
        return replies
    return [replace(replies[0], text=join(replies[0].text, tail)), *replies[1:]]


def with_lead(replies: list[Reply], lead: str) -> list[Reply]:
    if not replies or not lead:
        return replies
    return [replace(replies[0], text=join(lead, replies[0].text)), *replies[1:]]


async def _by_intent(turn: Turn, session: Session, event: Input) -> Outcome:
    kind = event.kind
    if session.reminded is not None:  # issue 13: "sì, ci sono" / "spostalo" after a reminder
        answered = await typed_answer(turn, session, event)
        if answered is not None:
            return answered
    changed = await _change_of_mind(turn, session, event)
    if changed is not None:
        return changed
    if (
        kind is IntentKind.STOP
        and event.wish is not None
        and session.flow in (Flow.BOOK, Flow.MOVE)
        and session.service_id is not None
        and session.step in SERVICE_CHANGE_STEPS
    ):
        # "lascia stare, lunedì", "changed my mind, friday works better": dropping what is on
        # screen for another day is a change of mind, not the end of the booking; "forget the
        # cut, a colour on thursday" changes the service too.
        if session.flow is Flow.BOOK and event.text:
            other = other_service(turn, session, event.text, await turn.services())
            if other is not None:
                return await change_service(turn, session, event, other)
        return await change_when(turn, session, event)
    beside = event.reading is not None and event.reading.beside != 0
    if kind is IntentKind.STOP and session.step is Step.IDLE and beside:
        # "changed my mind, can we do the day after instead": about the appointment they have
        return await FLOW[session.step](turn, session, event)
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
    if (
        kind is IntentKind.GOODBYE
        and session.step is not Step.IDLE
        and (event.wish is None or event.wish.time is None)
    ):
        # "a presto" mid-flow: a goodbye, and the question stays where we left it.
        return await ask(turn, session, session.step, turn.t("goodbye.flow"))
    chatty = session.step not in CONTENT_STEPS or (
        session.step is Step.EMAIL
        and "@" not in (event.text or "")
        and not find_address(event.text or "")  # "… at gmail dot com thanks": an address
    )
    nod = kind is IntentKind.YES and is_acknowledgement(event.text or "")
    suggested = session.step is Step.SERVICE and len(session.choices) == 1
    if nod and session.step in ACK_STEPS and not suggested:
        # "ok" / "👍" where no yes-or-no was asked: a nod, answered with the question again
        # ("Va bene Taglio e piega?", one service suggested, is such a question: "ok" takes it).
        return await ask(turn, session, session.step, turn.t("step.ack"))
    if chatty and session.step is not Step.IDLE:
        thanked = kind is IntentKind.YES and session.step is Step.SLOT and is_nod(event.text or "")
        if kind is IntentKind.THANKS or thanked:
            # "ah ok grazie" with times on screen: a reaction, not a choice among them
            return await ask(turn, session, session.step, turn.t("idle.thanks"))
        if kind is IntentKind.GREETING and event.wish is None:
            return await ask(turn, session, session.step, turn.t("step.hello"))
    if (
        session.flow is Flow.BOOK
        and session.service_id is not None
        and session.step in SERVICE_CHANGE_STEPS
        and event.text
        and kind not in (IntentKind.CANCEL, IntentKind.LIST)
        # where a name or an e-mail is typed, only a change said as one ("sorry, I meant ...") or
        # one that names a day too ("niente taglio, fammi la tinta sabato"), or a sentence that
        # is neither a name nor an address ("vorrei la piega al posto del colore")
        and (
            session.step not in CONTENT_STEPS
            or event.correction
            or event.wish is not None
            or ("@" not in event.text and read_name(event.text).value is None)
        )
    ):
        # "actually make it a colour", "si può fare il colore invece del taglio?"
        other = other_service(turn, session, event.text, await turn.services())
        if other is not None:
            return await change_service(turn, session, event, other)
    if session.step in SAME_AGAIN_STEPS:
        # issue 13: "ricordami tra 6 settimane" / "remind me in 6 weeks" after a visit
        recalled = await typed_recall(turn, session, event.text or "")
        if recalled is not None:
            return recalled
    if session.step in SAME_AGAIN_STEPS and same_again(event.text or ""):
        # "come l'ultima volta (giovedì alle 10)": the last booking's service and contact.
        return await book_again(turn, session, None, wish=event.wish)
    if kind is IntentKind.LIST and session.flow is Flow.BOOK and session.hold is not None:
        # "quando ho l'appuntamento?" with a time held: nothing is booked until confirmed
        return await list_with_hold(turn, session)
    if session.step not in CONTENT_STEPS:
        if session.flow is None and kind is not IntentKind.LIST:
            moved = await week_on(turn, session, event)
            if moved is not None:
                return moved
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
        if kind is IntentKind.MOVE and session.flow is None and event.wish is None:
            # "me lo sposti al giorno dopo?": the day after (before) the appointment's own
            moved = await day_beside(turn, session, event)
            if moved is not None:
                return moved
        if kind is IntentKind.MOVE and session.step is not Step.MOVE_CONFIRM:
            return await start_change(
                turn,
                session,
                Flow.MOVE,
                wish=event.wish,
                same_time=event.same_time,
                by_minutes=event.shift,
                # "me lo sposti al pomeriggio?"; a day named ("quel giorno … mercoledì") wins
                on_its_day=event.dayless,
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


# Where a time is held (or about to be moved to) and can be changed by words alone.
HELD_STEPS = frozenset({Step.NAME, Step.EMAIL, Step.SUMMARY, Step.MOVE_CONFIRM})


async def _change_of_mind(turn: Turn, session: Session, event: Input) -> Outcome | None:
    """Changes of mind that name no new day: back to the time let go ("the original time was
    fine", "va bene l'orario di prima"), or another time of the day held ("I need to change the
    time", "posso scegliere un altro orario?")."""
    reading = event.reading
    if reading is None or session.flow not in (Flow.BOOK, Flow.MOVE) or event.wish is not None:
        return None
    if reading.back and session.flow is Flow.BOOK:
        back = await back_to_earlier(turn, session)
        if back is not None:
            return back
    if reading.other_time and session.step in HELD_STEPS:
        return await other_times(turn, session)
    return None


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
    if name == RESUME_COMMAND:
        # Where the chat stands (a transport's answer to an update a crash left unanswered):
        # a booking that went through is said again, else the step's question is asked again.
        if session.step is Step.IDLE and session.done is not None:
            return session, already_booked(turn, session.done)
        return await resume(turn, session)
    return session, menu(turn, turn.t("command.unknown"))
