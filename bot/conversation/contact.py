"""Booking, second half: the name and e-mail to book under, the summary, and the confirmation."""

from __future__ import annotations

import logging
import re
from dataclasses import replace
from datetime import timedelta

from bot.conversation.actions import Verb
from bot.conversation.again import last_email
from bot.conversation.approval import ask_approval, needs_approval
from bot.conversation.booking import (
    change_when,
    held_as_asked,
    next_contact_step,
    rehold,
    says_back_yes,
    search,
    shift,
    shifts,
)
from bot.conversation.common import (
    Input,
    Outcome,
    ask,
    drop_hold,
    flow_rows,
    ics_for,
    join,
    menu,
    profile_name,
    record_booked,
    unexpected,
    wish_at,
)
from bot.conversation.events import Button, Reply
from bot.conversation.place import address, price_of, venue
from bot.conversation.session import Done, Session, Step
from bot.conversation.turn import Turn
from bot.understanding import ContactProblem, IntentKind, parse_email
from bot.understanding.contacts import (
    ContactChange,
    ContactField,
    dictation_choices,
    find_address,
    first_name_for_someone,
    is_named,
    is_same_address,
    is_self_reference,
    looks_like_name,
    names_a_month,
    offers_phone,
    parse_name,
    patch_address,
    read_contact_change,
    read_name,
    respell,
    split_name_and_address,
)
from bot.understanding.intents import is_acknowledgement, is_nod
from bot.understanding.questions import asks_why_needed, sounds_like_question
from bot.understanding.someone import for_whom
from bot.zimun import Appointment, HoldExpired, InvalidRequest, NotFound, SlotUnavailable

logger = logging.getLogger(__name__)


async def prompt_name(turn: Turn, session: Session, lead: str | None) -> list[Reply]:
    rows: list[list[Button]] = []
    name = profile_name(turn)
    if name:
        rows.append([turn.button(name, Verb.NAME)])
    rows.append(flow_rows(turn))
    return [turn.reply(join(lead, turn.t("name.ask")), rows)]


async def prompt_email(turn: Turn, session: Session, lead: str | None) -> list[Reply]:
    return [turn.reply(join(lead, turn.t("email.ask")), [flow_rows(turn)])]


async def prompt_summary(turn: Turn, session: Session, lead: str | None) -> list[Reply]:
    t = turn.t
    assert session.hold is not None
    text = t(
        "summary.text",
        service=session.service_name or "",
        when=turn.when(session.hold.start),
        minutes=session.duration_minutes or 0,
        name=session.contact_name or "",
        email=session.contact_email or "",
    )
    price = await price_of(turn, session.service_id)
    if price is not None:  # issue 13: after the "Servizio" line
        first, _, rest = text.partition("\n")
        service_line, _, rest = rest.partition("\n")
        text = "\n".join([first, service_line, t("summary.price", price=price), rest])
    rows = [
        [turn.button(t("button.confirm"), Verb.CONFIRM)],
        [
            turn.button(t("button.edit_name"), Verb.EDIT_NAME),
            turn.button(t("button.edit_email"), Verb.EDIT_EMAIL),
        ],
        flow_rows(turn),
    ]
    return [turn.reply(join(lead, text), rows)]


NAME_PROBLEMS = {
    ContactProblem.EMPTY: "name.problem.empty",
    ContactProblem.TOO_SHORT: "name.problem.too_short",
    ContactProblem.TOO_LONG: "name.problem.too_long",
    ContactProblem.URL: "name.problem.url",
    ContactProblem.EMAIL_AS_NAME: "name.problem.email",
    ContactProblem.DIGITS: "name.problem.digits",
    ContactProblem.INVALID_CHARS: "name.problem.chars",
    ContactProblem.NOT_A_NAME: "name.problem.not_a_name",
}


EMAIL_PROBLEMS = {
    ContactProblem.EMPTY: "email.problem.empty",
    ContactProblem.TOO_LONG: "email.problem.too_long",
    ContactProblem.EMAIL_DOMAIN: "email.problem.domain",
}


async def on_name(turn: Turn, session: Session, event: Input) -> Outcome:
    if event.verb == Verb.NAME:
        name = profile_name(turn)
        if name:
            return await contact_known(turn, replace(session, contact_name=name))
    if event.text is None:
        return await unexpected(turn, session)
    if is_self_reference(event.text):
        # "sono io", "that's me": the name the profile shows, if it shows one.
        name = profile_name(turn)
        if name:
            return await contact_known(turn, replace(session, contact_name=name))
        return await ask(turn, session, Step.NAME, turn.t("name.no_profile"))
    who = for_whom(event.text)
    if who is not None:
        # "lo prenoto per mia madre": no name in it, so that person's name is asked (without
        # the profile's name to tap); the next answer is read as any name is.
        text = turn.t("name.for_whom", who=who)
        return replace(session, step=Step.NAME), [turn.reply(text, [flow_rows(turn)])]
    if event.kind in (IntentKind.YES, IntentKind.NO) and not is_acknowledgement(event.text):
        # "sì" answers the offered profile name; it is nobody's name.
        name = profile_name(turn) if event.kind is IntentKind.YES else None
        if name:
            return await contact_known(turn, replace(session, contact_name=name))
        if len(event.text.split()) > 1 and read_name(event.text).value is None:
            # "no idea, you pick": a refusal in words, answered as any sentence that is no name
            return await ask(turn, session, Step.NAME, turn.t("name.problem.not_a_name"))
        return await ask(turn, session, Step.NAME)
    if shifts(event) and not is_named(event.text):
        return await shift(turn, session, later=event.kind is IntentKind.LATER)
    both = split_name_and_address(event.text)
    if both is not None:
        # "Emma Clarke, emma@example.org": the name, and the address checked as at its question
        return await take_email(turn, replace(session, contact_name=both[0]), both[1], event)
    # An address typed where the name was asked, alone or in words that are no name ("my email
    # is …", "same email as mine - …"): kept, and the name asked for again.
    typed = parse_email(find_address(event.text) or event.text)
    if typed.value and not typed.suggestion and not session.contact_email:
        session = replace(session, contact_email=typed.value)
        return await ask(turn, session, Step.NAME, turn.t("name.email_kept"))
    check = read_name(event.text)
    if is_acknowledgement(event.text) or not any(ch.isalnum() for ch in event.text):
        # "👍", "ok", "🙂": nobody's name, whatever characters they are made of.
        check = replace(check, value=None, problem=ContactProblem.NOT_A_NAME)
    if wants_other_time(event, check.value):
        return await change_when(turn, session, event)
    if sounds_like_question(event.text):
        if asks_why_needed(event.text) and event.wish is None:
            # "a cosa vi serve?", "why do u need that": said why, and the name asked again.
            return await ask(turn, session, Step.NAME, turn.t("name.why"))
        # Any other question nothing else answered is no name, and not about the name either.
        return await unexpected(turn, session)
    if check.value is None:
        problem = NAME_PROBLEMS.get(
            check.problem or ContactProblem.INVALID_CHARS, "name.problem.chars"
        )
        return await ask(turn, session, Step.NAME, turn.t(problem))
    session = replace(session, contact_name=check.value)
    if first_name_for_someone(event.text):
        # "its actually for my husband, mark": a first name alone is enough; said back, so the
        # customer sees whom it is booked under (a surname typed next is added to it).
        lead = turn.t("email.name_replaced", name=check.value)
        return await ask(turn, session, next_contact_step(session), lead)
    return await contact_known(turn, session)


def wants_other_time(event: Input, value: str | None) -> bool:
    """A new day or time typed where a name or address was expected ("anzi, domani alle 12",
    "no that's wrong, december 3rd please", "venerdì"). A real name that happens to hold a date
    word ("Domenica Rossi", "Mario Marzo") stays a name: two words or more, no correction."""
    wish = event.wish
    if wish is None:
        return False
    timed = wish.time is not None or wish.window_start is not None or wish.window_end is not None
    day_word = event.reading is not None and event.reading.day_word
    if not (timed or event.correction) and first_name_for_someone(event.text or ""):
        # "è per mia moglie, Domenica": said to be someone's name, so a name
        return False
    return (
        value is None
        or timed
        or event.correction
        or event.same_time
        or day_word
        # a lone word is a new day ("venerdì"), unless only a month: "Marco", "June" are names
        or (" " not in value and not names_a_month(value))
    )


async def contact_known(turn: Turn, session: Session) -> Outcome:
    return await ask(turn, session, next_contact_step(session))


async def email_chosen(turn: Turn, session: Session, email: str) -> Outcome:
    """The customer settled "Did you mean …?": keep that address and forget the question."""
    session = replace(
        session, contact_email=email, email_suggestion=None, email_typed=None, email_choices=()
    )
    return await contact_known(turn, session)


async def on_email(turn: Turn, session: Session, event: Input) -> Outcome:
    if event.verb == Verb.EMAIL:
        chosen = session.email_suggestion if event.arg == "s" else session.email_typed
        if event.arg and event.arg.isdigit() and int(event.arg) < len(session.email_choices):
            chosen = session.email_choices[int(event.arg)]
        if chosen:
            return await email_chosen(turn, session, chosen)
    ordinal = (event.intent.ordinal or 0) if event.intent else 0
    if event.kind is IntentKind.CHOOSE_ORDINAL and 0 < ordinal <= len(session.email_choices):
        # "1", "la seconda", "the first one": the address on that button, as if tapped.
        return await email_chosen(turn, session, session.email_choices[ordinal - 1])
    if event.text is None:
        return await unexpected(turn, session)
    if session.email_suggestion and event.kind in (IntentKind.YES, IntentKind.NO):
        # "sì" to "Did you mean …?" takes the suggestion; "no" keeps what was typed.
        yes = event.kind is IntentKind.YES
        chosen = session.email_suggestion if yes else session.email_typed
        if chosen:
            return await email_chosen(turn, session, chosen)
    if shifts(event):
        return await shift(turn, session, later=event.kind is IntentKind.LATER)
    change = read_contact_change(event.text) if "@" not in event.text else None
    if change is not None and change.field is ContactField.NAME and change.value:
        # "oh wait my name is Emma Jones", "aspetta, il nome è Mario Bianchi": said where the
        # e-mail was asked, it replaces the name, and the e-mail is asked again.
        session = replace(session, contact_name=change.value)
        lead = turn.t("email.name_replaced", name=change.value)
        return await ask(turn, session, Step.EMAIL, lead)
    if is_same_address(event.text):
        # "same email as last time": the address of the last booking made from this chat
        known = await last_email(turn)
        if known:
            return await take_email(turn, session, known, event)
        return await ask(turn, session, Step.EMAIL, turn.t("email.none_before"))
    if offers_phone(event.text) and event.wish is None:
        # A phone number instead of an address: the confirmation needs an e-mail, said kindly.
        return await ask(turn, session, Step.EMAIL, turn.t("email.phone_instead"))
    text = event.text.strip()
    if text.startswith("@") and session.email_local:
        # "emma.clarke", then "@outlook.com": one address over two messages.
        return await take_email(turn, session, session.email_local + text, event)
    if _LOCAL_PART.fullmatch(text) and not shifts(event) and event.wish is None:
        full = surname_of(session, event)
        if full is not None:
            # "Emma", then "Clarke" at the e-mail question: the surname of the name given.
            session = replace(session, contact_name=full)
            lead = turn.t("email.name_replaced", name=full)
            return await ask(turn, session, Step.EMAIL, lead)
        if not text.isalpha():
            session = replace(session, email_local=text)
            return await ask(turn, session, Step.EMAIL, turn.t("email.local_only", local=text))
    choices = dictation_choices(event.text, session.contact_name or profile_name(turn))
    if choices is not None:
        # "emma clarke at gmail dot com", "mario rossi@libero.it": emmaclarke@ or emma.clarke@?
        # Asked with both as buttons, never guessed.
        joined, dotted = choices
        session = replace(session, step=Step.EMAIL, email_choices=choices)
        rows = [[turn.button(joined, Verb.EMAIL, "0")], [turn.button(dotted, Verb.EMAIL, "1")]]
        text = turn.t("email.which", joined=joined, dotted=dotted)
        return session, [turn.reply(text, [*rows, flow_rows(turn)])]
    return await take_email(turn, session, event.text, event)


def surname_of(session: Session, event: Input) -> str | None:
    """The full name when a first name was given alone and the next message is one more word
    that is a name ("Emma", then "Clarke"); None otherwise."""
    text = (event.text or "").strip().rstrip(".!")
    name = session.contact_name or ""
    if not name or " " in name or not text.isalpha() or event.kind is not None:
        return None
    if event.wish is not None or shifts(event):
        return None
    surname = parse_name(text).value
    if surname is None or surname.lower() == name.lower():
        return None
    return f"{name} {surname}"


# What stands before the @ of an address ("emma.clarke", "mario_rossi85"), typed alone.
_LOCAL_PART = re.compile(r"[^\W_][\w.+-]*[^\W_]|[^\W_]", re.UNICODE)


async def take_email(
    turn: Turn, session: Session, text: str, event: Input, lead: str | None = None
) -> Outcome:
    """An address typed at the e-mail question or at the summary: checked, "Did you mean …?"
    on a slip, and the summary (or the next question) once it is settled."""
    t = turn.t
    check = parse_email(text)
    address = find_address(text) if check.value is None else None
    if address and address != text.strip():
        # An address inside a sentence: "la mail è mario@x.it", "my email: jane@example.org".
        text = address
        check = parse_email(text)
    if check.suggestion:
        session = replace(session, step=Step.EMAIL)
        offered = (check.suggestion, check.value) if check.value else (check.suggestion,)
        session = replace(
            session,
            email_suggestion=check.suggestion,
            email_typed=check.value,
            email_choices=offered,
        )
        rows = [[turn.button(check.suggestion, Verb.EMAIL, "s")]]
        if check.value:
            rows.append([turn.button(t("email.keep", email=check.value), Verb.EMAIL, "t")])
        rows.append(flow_rows(turn))
        return session, [turn.reply(t("email.did_you_mean", email=check.suggestion), rows)]
    if check.value is None and wants_other_time(event, None):
        return await change_when(turn, session, event)
    if check.value is None and looks_like_name(text):
        # A name typed where the address was asked: it replaces the name; the address is next.
        name = read_name(text).value
        session = replace(session, contact_name=name)
        return await ask(turn, session, Step.EMAIL, t("email.name_replaced", name=name or ""))
    if check.value is None:
        problem = EMAIL_PROBLEMS.get(
            check.problem or ContactProblem.EMAIL_SYNTAX, "email.problem.syntax"
        )
        return await ask(turn, session, Step.EMAIL, t(problem))
    session = replace(session, contact_email=check.value, email_local=None, email_choices=())
    if lead is not None and next_contact_step(session) is Step.SUMMARY:
        return await ask(turn, session, Step.SUMMARY, lead)
    return await contact_known(turn, session)


async def on_summary(turn: Turn, session: Session, event: Input) -> Outcome:
    t = turn.t
    if event.verb == Verb.CONFIRM:
        return await confirm(turn, session)
    if event.verb == Verb.EDIT_NAME:
        return await ask(turn, replace(session, contact_name=None), Step.NAME, t("name.fix"))
    if event.verb == Verb.EDIT_EMAIL:
        return await ask(turn, replace(session, contact_email=None), Step.EMAIL, t("email.fix"))
    change = read_contact_change(event.text) if event.text else None
    about_name = change is not None and change.field is ContactField.NAME
    if event.text and session.contact_email and not about_name:
        # ".com not .org", "rossi con due s": a part of the address put right (not when the
        # name is said to be wrong: "il cognome è Bianchini, non Bianchi" leaves the address).
        patched = patch_address(session.contact_email, event.text) or respell(
            session.contact_email, event.text
        )
        if patched:
            name = respell(session.contact_name or "", event.text) or session.contact_name
            session = replace(session, contact_name=name)
            return await take_email(turn, session, patched, event, t("summary.email_changed"))
    if event.text and session.contact_name:
        respelled = respell(session.contact_name, event.text)
        if respelled:
            session = replace(session, contact_name=respelled)
            lead = t("summary.name_changed", name=respelled)
            return await ask(turn, session, Step.SUMMARY, lead)
    surname = surname_of(session, event)
    if surname is not None:
        session = replace(session, contact_name=surname)
        return await ask(turn, session, Step.SUMMARY, t("summary.name_changed", name=surname))
    if change is not None and change.field is ContactField.NAME:
        if change.value is None:
            return await ask(turn, replace(session, contact_name=None), Step.NAME, t("name.fix"))
        name = with_surname(session.contact_name, change)
        session = replace(session, contact_name=name)
        return await ask(turn, session, Step.SUMMARY, t("summary.name_changed", name=name))
    if change is not None:
        if change.value is None:
            return await ask(turn, replace(session, contact_email=None), Step.EMAIL, t("email.fix"))
        lead = t("summary.email_changed")
        return await take_email(turn, session, change.value, event, lead)
    if event.wish is not None and (
        event.negated or event.correction or not held_as_asked(turn, session, event.wish)
    ):
        # "tuesday actually isn't great, could we do wednesday instead", "perfect except tuesday
        # is bad, monday same time?": another day or time is a change of mind, never a yes,
        # whatever else it says ("great", "ok"); "sì, martedì alle 11 va bene" is a yes.
        return await change_when(turn, session, event)
    if says_back_yes(turn, session, event):
        # "perfetto martedì alle 11, confermo": the time held said back with a yes is a yes.
        return await confirm(turn, session)
    if event.kind is IntentKind.YES:
        if event.text and is_nod(event.text):
            # The summary asks "Confermo?": "ok", "va bene", "sì" answer it; a thumbs-up alone
            # or "ok grazie" is a reaction, so the customer is asked to tap or write "sì".
            return await ask(turn, session, Step.SUMMARY, t("summary.say_confirm"))
        return await confirm(turn, session)
    if event.wish is not None:
        return await change_when(turn, session, event)
    if shifts(event):
        return await shift(turn, session, later=event.kind is IntentKind.LATER)
    if event.kind is IntentKind.NO:
        return await ask(turn, session, Step.SUMMARY, turn.t("summary.not_confirmed"))
    return await unexpected(turn, session)


def with_surname(name: str | None, change: ContactChange) -> str:
    """The name after a change: a surname alone replaces the last word of the name held."""
    value = change.value or ""
    if change.surname and name and " " in name.strip():
        return f"{name.strip().rsplit(' ', 1)[0]} {value}"
    return value


async def confirm(turn: Turn, session: Session) -> Outcome:
    """Confirm the held time; an expired hold is held again first, a lost slot re-offered."""
    if session.hold is None:
        return await ask(turn, session, Step.WHEN, turn.t("hold.lost"))
    if turn.now() >= session.hold.expires_at:
        session, alternatives = await rehold(turn, session)
        if alternatives is not None:
            return session, alternatives
    if session.approval is not None or await needs_approval(turn):
        return await ask_approval(turn, session)  # issue 13: after NOSHOW_LIMIT no-shows
    for attempt in range(2):
        assert session.hold is not None
        # The contact is part of the key: after Zimun refused an address, the corrected one is a
        # new request (the refusal is stored under the old key, which must not be reused).
        contact = f"{session.contact_name or ''}|{session.contact_email or ''}"
        key = turn.key(session, "confirm", f"{session.hold.hold_id}|{contact}")
        await turn.checkpoint(session)
        try:
            appointment = await turn.zimun.confirm(
                session.hold.hold_id,
                name=session.contact_name or "",
                email=session.contact_email or "",
                idempotency_key=key,
            )
        except (HoldExpired, NotFound):
            if attempt:
                raise
            session, alternatives = await rehold(turn, session)
            if alternatives is not None:
                return session, alternatives
            continue
        except InvalidRequest as exc:
            field = refused_field(exc)
            if field is None:
                raise
            return contact_refused(turn, session, field)
        except SlotUnavailable:
            assert session.hold is not None
            start = session.hold.start
            session = await drop_hold(turn, session)
            lead = turn.t("slot.just_taken", when=turn.when(start))
            return await search(turn, session, wish_at(turn, start), lead)
        return await booked(turn, session, appointment)
    raise AssertionError("unreachable")


def refused_field(exc: InvalidRequest) -> Step | None:
    """Which of the customer's answers Zimun refused at confirm (issue 10, item 6): a 422 about the
    data is about the name when it says so, else about the e-mail (what Zimun checks hardest);
    None for a refusal that is not about the customer's data (a reused key, a 400)."""
    if exc.status != 422 or (exc.code is not None and "valid" not in exc.code):
        return None
    said = f"{exc.code or ''} {exc.message}".lower()
    if "mail" not in said and "name" in said:
        return Step.NAME
    return Step.EMAIL


def contact_refused(turn: Turn, session: Session, field: Step) -> Outcome:
    """Back to the refused answer with the hold kept: the customer corrects it and confirms."""
    assert session.hold is not None
    expires = turn.clock_time(session.hold.expires_at)
    logger.info("zimun refused the %s at confirm in chat %s", field.value, turn.customer.chat_id)
    if field is Step.NAME:
        text = turn.t("confirm.refused_name", name=session.contact_name or "", expires=expires)
        session = replace(session, contact_name=None, step=Step.NAME)
    else:
        text = turn.t("confirm.refused_email", email=session.contact_email or "", expires=expires)
        session = replace(
            session, contact_email=None, email_suggestion=None, email_typed=None, step=Step.EMAIL
        )
    return session, [turn.reply(text, [flow_rows(turn)])]


async def booked(turn: Turn, session: Session, appointment: Appointment) -> Outcome:
    t = turn.t
    hold_id = session.hold.hold_id if session.hold is not None else None
    service = session.service_name or appointment.service_id
    await record_booked(turn, appointment, service_name=service, hold_id=hold_id)
    logger.info("appointment %s booked", appointment.id)
    service_name = session.service_name or appointment.service_id
    done = Done(appointment.id, appointment.booking_code, appointment.start, turn.generation - 1)
    others = [await turn.service(s) for s in session.together if s != appointment.service_id]
    session = replace(session.idle(), done=done, hold_seq=session.hold_seq + 1)
    text = t(
        "booked.text",
        service=service_name,
        when=turn.when(appointment.start),
        code=appointment.booking_code or "—",
    )
    where = await address(turn)
    if where is not None:  # issue 13: the confirmation carries the address
        text = join(text, t("booked.where", address=where))
    ics = ics_for(
        turn,
        appointment.id,
        service_name,
        appointment.start,
        appointment.duration_minutes,
        location=where or "",
    )
    rows = [
        [turn.button(t("button.appointments"), Verb.APPOINTMENTS)],
        [turn.button(t("button.menu"), Verb.MENU)],
    ]
    end = appointment.start + timedelta(minutes=appointment.duration_minutes)
    for other in filter(None, others):
        # "taglio e colore", booked one at a time: the other one next, from the end of this one.
        text = join(text, t("booked.also", name=other.name))
        label = t("button.book_service", name=other.name)
        after = f"{other.id}:{end.astimezone(turn.tz):%H%M}"
        rows.insert(0, [turn.button(label, Verb.SERVICE, after)])
    pin = await venue(turn, where)
    return session, [turn.reply(text, rows, [ics] if pin is None else [ics, pin])]


def already_booked(turn: Turn, done: Done) -> list[Reply]:
    text = turn.t("booked.already", when=turn.when(done.start), code=done.booking_code or "—")
    return menu(turn, text)
