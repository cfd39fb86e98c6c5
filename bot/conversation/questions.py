"""Answers to questions about the business (price, duration, address, opening hours, phone,
choosing a stylist) and "talk to a person"; then the conversation carries on where it was.

Prices, durations, the address and the opening hours come from Zimun; the phone number and a short
free text from the settings (`BusinessInfo`). What neither knows is said plainly, with the offer to
pass the message to the staff. A request for a person is a scheduled message of kind
`PERSON_REQUEST` in the customer's chat: the staff side (`bot.staff`) turns it into one alert per
staff member, so it travels like every other notice and survives a restart.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import timedelta

from bot.conversation.actions import Verb
from bot.conversation.common import Outcome, ask, menu
from bot.conversation.events import Button, Reply
from bot.conversation.session import Session, Step
from bot.conversation.turn import Turn
from bot.i18n import Translator, format_clock, format_money, format_weekday
from bot.storage import ScheduledMessage
from bot.understanding.questions import Question, QuestionKind, lists_services
from bot.understanding.services import match_services
from bot.understanding.text import normalize
from bot.zimun import Location, OpeningInterval, Service

__all__ = [
    "PERSON_REQUEST",
    "answer_question",
    "answer_text",
    "hours_summary",
    "talk_to_person",
]

logger = logging.getLogger(__name__)

# Words that ask about every service, even while one is being booked.
_ALL = re.compile(r"\b(prezzi|listino|tariffe|servizi|prices|price list|rates|services|charge)\b")

# The scheduled-message kind of a customer's request to talk to a person.
PERSON_REQUEST = "person_request"
# A second request for a person within this time is not passed on again: the staff already know.
PERSON_REPEAT = timedelta(hours=2)


async def answer_question(
    turn: Turn, session: Session, question: Question, text: str | None
) -> Outcome:
    """Answer, then ask the step's question again (with its buttons) so the customer carries on."""
    if question.kind is QuestionKind.PERSON:
        return await talk_to_person(turn, session, text)
    answer, offer_person = await answer_text(turn, session, question, text)
    if text and session.step is Step.IDLE:
        # "how long does a colour take?": a booking that follows may mean that service.
        aliases = turn.deps.service_aliases
        named = match_services(text, await turn.services(), aliases=aliases).services
        if len(named) == 1:
            session = replace(session, asked_service=named[0].id, asked_at=turn.now())
    return await carry_on(turn, session, answer, offer_person=offer_person)


async def answer_text(
    turn: Turn, session: Session, question: Question, text: str | None
) -> tuple[str, bool]:
    """The answer to every question the message asks (not "talk to a person"), and whether to
    offer passing the message to the staff because something is not known here."""
    answers: list[str] = []
    offer_person = False
    kinds = question.kinds
    if QuestionKind.PRICE in kinds and QuestionKind.DURATION in kinds:
        # "how long and how much": one service's price answer says its duration too.
        priced = await _price_or_duration(turn, session, QuestionKind.PRICE, text or "")
        if priced[1]:
            kinds = tuple(k for k in kinds if k is not QuestionKind.DURATION)
    for kind in kinds:
        if kind is QuestionKind.PERSON:
            continue
        answer, offer = await _answer_one(turn, session, kind, question.weekday, text or "")
        answers.append(answer)
        offer_person = offer_person or offer
    logger.info(
        "questions %s answered at step %s",
        ",".join(k.value for k in question.kinds),
        session.step.value,
    )
    return "\n\n".join(answers), offer_person


async def _answer_one(
    turn: Turn, session: Session, kind: QuestionKind, weekday: int | None, text: str
) -> tuple[str, bool]:
    business = turn.deps.business
    if kind in (QuestionKind.PRICE, QuestionKind.DURATION):
        return (await _price_or_duration(turn, session, kind, text))[0], False
    if kind is QuestionKind.ADDRESS:
        location = await turn.location()
        if location is not None and location.address:
            return turn.t("question.address", address=location.address), False
        return turn.t("question.address_unknown"), True
    if kind is QuestionKind.HOURS:
        return _hours_answer(turn, await turn.location(), weekday)
    if kind is QuestionKind.PHONE:
        if business.phone:
            return turn.t("question.phone", phone=business.phone), False
        if business.staff_reachable:
            return turn.t("question.phone_unknown"), True
        return turn.t("question.phone_unknown_alone"), False
    if kind is QuestionKind.OFFER:
        return await _offer(turn, text), False
    # STYLIST, INFO: the business's own short text, else the offer to ask the staff
    info = business.info.get(turn.language)
    if info:
        return info, False
    if business.staff_reachable:
        return turn.t("question.stylist_unknown"), True
    return turn.t("question.stylist_unknown_alone"), False


async def carry_on(
    turn: Turn, session: Session, answer: str, *, offer_person: bool = False
) -> Outcome:
    """The answer, then the step's own question and buttons (the menu when idle)."""
    extra: list[Reply] = []
    if offer_person and turn.deps.business.staff_reachable:
        extra = [turn.reply(answer, [[person_button(turn)]])]
    if session.step is Step.IDLE:
        if extra:
            return session, [*extra, *menu(turn)]
        return session, menu(turn, answer)
    if extra:
        session, replies = await ask(turn, session, session.step)
        return session, [*extra, *replies]
    return await ask(turn, session, session.step, answer)


async def _price_or_duration(
    turn: Turn, session: Session, kind: QuestionKind, text: str
) -> tuple[str, bool]:
    """The answer, and whether it also says the duration (one service with its price)."""
    t = turn.t
    services = await turn.services()
    if not services:
        return t("question.no_services"), False
    # "how much are a cut and a colour? I'll book the colour": both prices asked
    named: Sequence[Service] = match_services(
        text, services, aliases=turn.deps.service_aliases, booked=False
    ).services
    if not named and session.step is Step.SERVICE and session.choices:
        # "how much is it?" while choosing between the services suggested is about those.
        named = [s for s in services if s.id in session.choices]
    if not named and session.service_id is not None and not _ALL.search(normalize(text)):
        # "quanto dura?" while booking a service is about that service; "prezzi?" is about all.
        named = [s for s in services if s.id == session.service_id]
    if len(named) == 1:
        service = named[0]
        if kind is QuestionKind.PRICE and service.price is not None:
            return t(
                "question.price_one",
                service=service.name,
                price=_money(turn, service),
                minutes=service.duration_minutes,
            ), True
        if kind is QuestionKind.PRICE:
            return t("question.price_unknown_one", service=service.name), False
        minutes = service.duration_minutes
        return t("question.duration_one", service=service.name, minutes=minutes), False
    listed = named or services
    if kind is QuestionKind.PRICE:
        lines = [
            t("question.price_line", service=s.name, price=_money(turn, s))
            if s.price is not None
            else t("question.price_line_unknown", service=s.name)
            for s in listed
        ]
        return "\n".join([t("question.prices"), *lines]), False
    lines = [
        t("question.duration_line", service=s.name, minutes=s.duration_minutes) for s in listed
    ]
    return "\n".join([t("question.durations"), *lines]), False


async def _offer(turn: Turn, text: str) -> str:
    """ "fate anche i colpi di sole?": yes with the services that fit, else what we do."""
    t = turn.t
    services = await turn.services()
    if not services:
        return t("question.no_services")
    match = match_services(text, services, aliases=turn.deps.service_aliases, booked=False)
    named = match.services
    lines = [
        t(
            "question.service_line",
            service=s.name,
            price=_money(turn, s) if s.price is not None else "–",
            minutes=s.duration_minutes,
        )
        for s in (named or services)
    ]
    if named:
        lead = "question.offer_partial" if match.partial else "question.offer_yes"
        return "\n".join([t(lead), *lines])
    lead = "question.services" if lists_services(text) else "question.offer_no"
    return "\n".join([t(lead), *lines])


def _money(turn: Turn, service: Service) -> str:
    assert service.price is not None
    return format_money(service.price.amount, service.price.currency, turn.language)


def _hours_answer(turn: Turn, location: Location | None, weekday: int | None) -> tuple[str, bool]:
    """The opening hours (of one weekday when asked), and whether to offer a person instead."""
    t = turn.t
    if location is None or not location.opening_hours:
        return t("question.hours_unknown"), True
    if weekday is not None:
        day = format_weekday(weekday, turn.language)
        hours = location.hours_on(weekday)
        if not hours:
            return t("question.closed_on", day=_capital(day)), False
        return t("question.open_on", day=_capital(day), hours=_intervals(turn, hours)), False
    return t("question.hours", hours=hours_summary(location, turn.language, t)), False


@dataclass(frozen=True)
class _Run:
    first: int
    last: int
    hours: tuple[OpeningInterval, ...]


def hours_summary(location: Location, language: str, t: Translator) -> str:
    """The week in one line, consecutive days with the same hours together:
    "lun–ven 9:00–13:00 e 14:00–19:00, sabato 9:00–13:00, domenica chiuso"."""
    runs: list[_Run] = []
    for weekday in range(7):
        hours = location.hours_on(weekday)
        key = tuple((i.start, i.end) for i in hours)
        if runs and tuple((i.start, i.end) for i in runs[-1].hours) == key:
            runs[-1] = _Run(runs[-1].first, weekday, runs[-1].hours)
        else:
            runs.append(_Run(weekday, weekday, hours))
    parts = []
    for run in runs:
        if run.first == run.last:
            days = format_weekday(run.first, language)
        elif run.last == run.first + 1:
            days = t(
                "question.days_pair",
                first=format_weekday(run.first, language),
                last=format_weekday(run.last, language),
            )
        else:
            days = t(
                "question.days_range",
                first=format_weekday(run.first, language, short=True),
                last=format_weekday(run.last, language, short=True),
            )
        if run.hours:
            parts.append(t("question.hours_part", days=days, hours=_join_intervals(run.hours, t)))
        else:
            parts.append(t("question.closed_part", days=days))
    return ", ".join(parts)


def _intervals(turn: Turn, hours: Sequence[OpeningInterval]) -> str:
    return _join_intervals(hours, turn.t)


def _join_intervals(hours: Sequence[OpeningInterval], t: Translator) -> str:
    spans = [f"{format_clock(i.start)}–{format_clock(i.end)}" for i in hours]
    if len(spans) == 1:
        return spans[0]
    return t("question.and", first=", ".join(spans[:-1]), last=spans[-1])


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


async def talk_to_person(turn: Turn, session: Session, text: str | None) -> Outcome:
    """Pass the customer's message to the staff, say someone will answer here, carry on.

    Asked again soon after, the staff are not alerted twice: the customer hears that they already
    know (or, with no staff to reach, that there is still nobody to put them through to). Typed
    words after a tapped request are new to the staff, so they are passed on."""
    now = turn.now()
    recent = session.person_asked is not None and now - session.person_asked < PERSON_REPEAT
    again = recent and (session.person_words or not text)
    session = replace(
        session, person_asked=now, person_words=bool(text) or (recent and session.person_words)
    )
    if not turn.deps.business.staff_reachable:
        phone = turn.deps.business.phone
        if phone:
            answer = turn.t(
                "person.unavailable_phone_again" if again else "person.unavailable_phone",
                phone=phone,
            )
        else:
            answer = turn.t("person.unavailable_again" if again else "person.unavailable")
        return await carry_on(turn, session, answer)
    if again:
        logger.info("chat %s asked for a person again", turn.customer.chat_id)
        return await carry_on(turn, session, turn.t("person.already_passed_on"))
    customer = turn.customer
    name = " ".join(p for p in (customer.first_name, customer.last_name) if p)
    await turn.store.schedule(
        ScheduledMessage(
            key=f"{PERSON_REQUEST}:{customer.chat_id}:{now.isoformat()}",
            chat_id=customer.chat_id,
            due_at=now,
            kind=PERSON_REQUEST,
            payload={
                "name": name or session.contact_name or "",
                "text": text or "",
                "language": turn.language,
                "step": session.step.value,
                "service": session.service_name or "",
            },
        )
    )
    logger.info("chat %s asked for a person", customer.chat_id)
    return await carry_on(turn, session, turn.t("person.passed_on"))


def person_button(turn: Turn) -> Button:
    return turn.button(turn.t("button.person"), Verb.PERSON)
