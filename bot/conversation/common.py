"""Pieces every flow shares: the input and outcome types, the menu, asking a step's question,
holds and reminders being scheduled or released. `ask` finds the step's prompt in the one table,
`bot.conversation.flow.PROMPTS`.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from bot.conversation.actions import Verb
from bot.conversation.calendar import appointment_ics
from bot.conversation.events import Attachment, Button, Reply
from bot.conversation.reminders import reminder_keys, reminder_messages
from bot.conversation.session import HeldSlot, Session, Step, Wish
from bot.conversation.turn import Turn
from bot.conversation.visits import after_visit_key, after_visit_message
from bot.storage import LedgerEntry, MetricKind, ScheduledMessage
from bot.understanding import Intent, IntentKind, parse_name
from bot.understanding.reading import Reading
from bot.zimun import Appointment, ZimunError

logger = logging.getLogger(__name__)


HOLD_WARNING_BEFORE = timedelta(minutes=2)


Outcome = tuple[Session, list[Reply]]


@dataclass(frozen=True)
class Input:
    """One customer event as the flow reads it: a press (verb, arg) or a text with its meaning."""

    text: str | None = None
    verb: str | None = None
    arg: str = ""
    intent: Intent | None = None
    wish: Wish | None = None
    reading: Reading | None = None

    @property
    def kind(self) -> IntentKind | None:
        return self.intent.kind if self.intent else None

    @property
    def negated(self) -> bool:
        """The message says no somewhere ("no, il 2", "anzi"): it never places a hold."""
        return self.reading is not None and self.reading.negated

    @property
    def correction(self) -> bool:
        """A change of mind ("anzi no, meglio venerdì", "no that's wrong, december 3rd")."""
        return self.reading is not None and (self.reading.correction or self.reading.change)

    @property
    def same_time(self) -> bool:
        return self.reading is not None and self.reading.same_time

    @property
    def same_day(self) -> bool:
        """ "Lo stesso giorno", "the same day": the day already in play."""
        return self.reading is not None and self.reading.same_day

    @property
    def dayless(self) -> bool:
        """A time or a part of the day with no day of its own ("at 2 instead", "al pomeriggio")."""
        return self.reading is not None and self.reading.dayless

    @property
    def shift(self) -> int | None:
        """Minutes to move the time by ("posticipa di un'ora", "half an hour earlier")."""
        return self.reading.shift if self.reading is not None else None

    @property
    def change_request(self) -> bool:
        """Asks to change something already settled ("invece", "same time", "no, domani"); a
        polite "scusa, ..." or "sorry, ..." alone is not one."""
        r = self.reading
        return r is not None and (r.change or r.same_time or (r.negated and r.correction))


Handler = Callable[[Turn, Session, Input], Awaitable[Outcome]]


Prompt = Callable[[Turn, Session, str | None], Awaitable[list[Reply]]]


def join(*parts: str | None) -> str:
    return "\n\n".join(p for p in parts if p)


def menu_rows(turn: Turn) -> list[list[Button]]:
    t = turn.t
    return [
        [turn.button(t("button.book"), Verb.BOOK)],
        [turn.button(t("button.appointments"), Verb.APPOINTMENTS)],
        [
            turn.button(t("button.help"), Verb.HELP),
            turn.button(t("button.language"), Verb.LANGUAGE),
        ],
    ]


def stop_button(turn: Turn) -> Button:
    return turn.button(turn.t("button.stop"), Verb.STOP)


def menu(turn: Turn, lead: str | None = None) -> list[Reply]:
    return [turn.reply(join(lead, turn.t("menu.question")), menu_rows(turn))]


def flow_rows(turn: Turn) -> list[Button]:
    return [turn.button(turn.t("button.change_time"), Verb.CHANGE_TIME), stop_button(turn)]


def profile_name(turn: Turn) -> str | None:
    full = " ".join(p for p in (turn.customer.first_name, turn.customer.last_name) if p)
    return parse_name(full).value if full else None


def greeting(turn: Turn) -> str:
    name = turn.customer.first_name
    return turn.t("start.hello_name", name=name) if name else turn.t("start.hello")


def expired(turn: Turn, session: Session) -> list[Reply]:
    rows = menu_rows(turn)
    if session.step is not Step.IDLE:
        rows.insert(0, [turn.button(turn.t("button.resume"), Verb.RESUME)])
    return [turn.reply(turn.t("button.expired"), rows)]


async def ask(turn: Turn, session: Session, step: Step, lead: str | None = None) -> Outcome:
    """Move to `step` and ask its question (the prompt comes from the one table of steps)."""
    from bot.conversation.flow import PROMPTS  # the table imports every flow module

    # Addresses offered as buttons are only on screen in the reply that offered them (contact.py
    # builds it itself); any question asked again leaves none to pick by number.
    session = replace(session, step=step, email_choices=())
    return session, await PROMPTS[step](turn, session, lead)


async def unexpected(turn: Turn, session: Session, lead: str | None = None) -> Outcome:
    """The explicit answer to an input the step did not expect: say so, then ask again."""
    return await ask(turn, session, session.step, lead or turn.t("step.unexpected"))


async def drop_hold(turn: Turn, session: Session) -> Session:
    """Release the hold (best effort: it runs out anyway) and stop its scheduled messages."""
    held = session.hold
    if held is None:
        return session
    await turn.store.cancel_scheduled(f"hold_warning:{held.hold_id}")
    await turn.store.cancel_scheduled(f"hold_expired:{held.hold_id}")
    if held.expires_at > turn.now():
        try:
            await turn.zimun.release_hold(held.hold_id)
            await turn.store.record_metric(
                MetricKind.HOLD_RELEASED, turn.customer.chat_id, turn.now()
            )
        except ZimunError:
            logger.warning("hold %s not released; it will run out", held.hold_id)
    return replace(session, hold=None, hold_seq=session.hold_seq + 1)


async def schedule_hold_messages(turn: Turn, held: HeldSlot) -> None:
    chat_id = turn.customer.chat_id
    payload = {"hold_id": held.hold_id}
    warning_at = held.expires_at - HOLD_WARNING_BEFORE
    if warning_at > turn.now():
        await turn.store.schedule(
            ScheduledMessage(
                f"hold_warning:{held.hold_id}", chat_id, warning_at, "hold_warning", payload
            )
        )
    await turn.store.schedule(
        ScheduledMessage(
            f"hold_expired:{held.hold_id}", chat_id, held.expires_at, "hold_expired", payload
        )
    )


async def schedule_reminder(turn: Turn, appointment_id: str, start: datetime) -> None:
    for key in reminder_keys(appointment_id):  # re-arm after a move
        await turn.store.cancel_scheduled(key)
    for message in reminder_messages(
        appointment_id,
        turn.customer.chat_id,
        start,
        hours=turn.deps.reminder_hours,
        now=turn.now(),
    ):
        await turn.store.schedule(message)
    # issue 13: thanks, a rating and the same again after the visit; re-armed like the reminder
    await turn.store.cancel_scheduled(after_visit_key(appointment_id))
    visit = after_visit_message(appointment_id, turn.customer.chat_id, start, timezone=turn.tz)
    await turn.store.schedule(visit)


async def record_booked(
    turn: Turn,
    appointment: Appointment,
    *,
    service_name: str,
    hold_id: str | None,
    user_id: int | None = None,
    language: str | None = None,
) -> None:
    """What a confirmed booking leaves behind, whether it was answered now or found again after
    a crash: the ledger entry and its metric (once), no more hold notices, the reminders."""
    chat_id = turn.customer.chat_id
    if await turn.store.find_booking(appointment.id) is None:
        await turn.store.record_booking(
            LedgerEntry(
                appointment_id=appointment.id,
                chat_id=chat_id,
                user_id=turn.customer.user_id if user_id is None else user_id,
                service_id=appointment.service_id,
                service_name=service_name,
                start=appointment.start,
                duration_minutes=appointment.duration_minutes,
                status=appointment.status.value,
                language=language or turn.language,
                contact_name=appointment.contact_name,
                booking_code=appointment.booking_code,
                created_at=turn.now(),
            )
        )
        await turn.store.record_metric(MetricKind.BOOKED, chat_id, turn.now())
    if hold_id is not None:
        await turn.store.cancel_scheduled(f"hold_warning:{hold_id}")
        await turn.store.cancel_scheduled(f"hold_expired:{hold_id}")
    await schedule_reminder(turn, appointment.id, appointment.start)


def wish_at(turn: Turn, moment: datetime, *, approximate: bool = True) -> Wish:
    local = moment.astimezone(turn.tz)
    return Wish(day=local.date(), time=local.time(), approximate=approximate)


def ics_for(
    turn: Turn,
    appointment_id: str,
    service_name: str,
    start: datetime,
    minutes: int,
    *,
    location: str = "",
) -> Attachment:
    return appointment_ics(
        appointment_id=appointment_id,
        title=service_name,
        start=start,
        duration_minutes=minutes,
        stamp=turn.now(),
        location=location,
    )


HOLD_STEPS = frozenset({Step.NAME, Step.EMAIL, Step.SUMMARY})
