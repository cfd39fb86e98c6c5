"""The engine: one event of one chat in, replies out, the chat's session saved in between.

It serialises events per chat, turns texts into meaning (intent, date and time), checks button
generations, runs the flow, and turns Zimun being down into a friendly "try again" that loses
nothing. Time-based messages (hold warnings, reminders) come back through `scheduled`.
"""

from __future__ import annotations

import asyncio
import logging
import weakref
from collections.abc import Mapping
from dataclasses import replace
from datetime import tzinfo
from typing import TYPE_CHECKING

from bot.clock import Clock
from bot.conversation import flow, webapp
from bot.conversation.actions import GLOBAL_VERBS, Action, Verb, decode
from bot.conversation.again import scheduled_after_visit
from bot.conversation.approval import APPROVAL_KINDS, scheduled_approval
from bot.conversation.booking import scheduled_hold
from bot.conversation.changes import appointment_ref, owned, scheduled_reminder
from bot.conversation.common import Input, Outcome, expired, menu, stop_button
from bot.conversation.contact import already_booked
from bot.conversation.events import Command, Customer, Event, Form, Press, Reply, Text
from bot.conversation.menus import global_press, resume
from bot.conversation.offers import page_of
from bot.conversation.recall import RECALL, scheduled_recall
from bot.conversation.recovery import NOTICE, Notice, notice_replies, resolve
from bot.conversation.reminders import REMINDER
from bot.conversation.session import Session, Step, Wish
from bot.conversation.turn import BusinessInfo, Deps, Turn
from bot.conversation.visits import AFTER_VISIT
from bot.conversation.waitlist import CHECK, OFFER, offer_ran_out, scheduled_check, scheduled_offer
from bot.i18n import LANGUAGES, language_for
from bot.storage import IntentJournal, MetricKind, ScheduledMessage
from bot.understanding import When
from bot.understanding.reading import Screen, read
from bot.zimun import RateLimited, Unavailable, ZimunError

if TYPE_CHECKING:
    from bot.storage import Store
    from bot.zimun import ZimunApi

__all__ = ["Engine"]

logger = logging.getLogger(__name__)


def wish_from(when: When | None) -> Wish | None:
    if when is None:
        return None
    start, end = when.window if when.window else (None, None)
    return Wish(
        day=when.date,
        time=when.time,
        window_start=start,
        window_end=end,
        approximate=when.approximate,
        previous=when.previous,
        last_day=when.last,
        past=when.past,
        behind=when.behind,
        skip=when.skip,
    )


class Engine:
    """The conversation engine; transports call `handle` for every event and `scheduled` for
    every due time-based message."""

    def __init__(
        self,
        *,
        zimun: ZimunApi,
        store: Store,
        clock: Clock,
        timezone: tzinfo,
        default_language: str = "it",
        organization_id: str,
        service_id: str | None = None,
        booking_horizon_days: int = 60,
        reminder_hours: float | tuple[float, ...] = 24.0,
        service_aliases: Mapping[str, tuple[str, ...]] | None = None,
        business: BusinessInfo | None = None,
        journal: IntentJournal | None = None,
        mini_app_url: str | None = None,
        noshow_limit: int = 0,
    ) -> None:
        """`journal` keeps Zimun writes as intents (issue 10); by default the store, when it
        can (`SqliteStore` does)."""
        if default_language not in LANGUAGES:
            raise ValueError(f"default_language must be one of {LANGUAGES}")
        self._deps = Deps(
            zimun=zimun,
            store=store,
            clock=clock,
            timezone=timezone,
            default_language=default_language,
            organization_id=organization_id,
            service_id=service_id,
            horizon_days=booking_horizon_days,
            reminder_hours=reminder_hours,
            service_aliases=dict(service_aliases or {}),
            business=business or BusinessInfo(),
            journal=journal if journal is not None else _journal_of(store),
            mini_app_url=mini_app_url,
            noshow_limit=noshow_limit,
        )
        # One lock per chat, forgotten once no event of that chat holds or awaits it.
        self._locks: weakref.WeakValueDictionary[int, asyncio.Lock] = weakref.WeakValueDictionary()

    async def warm_up(self) -> None:
        """Read the bookable services now, so the first customer does not wait for Zimun."""
        await self._deps.services()

    def _lock(self, chat_id: int) -> asyncio.Lock:
        lock = self._locks.get(chat_id)
        if lock is None:
            lock = asyncio.Lock()
            self._locks[chat_id] = lock
        return lock

    async def _load(self, customer: Customer, *, count_first: bool = False) -> Session:
        stored = await self._deps.store.load_session(customer.chat_id)
        if stored is None and count_first:
            await self._deps.store.record_metric(
                MetricKind.FIRST_MESSAGE, customer.chat_id, self._deps.clock.now()
            )
        session = Session.from_dict(stored)
        if session.language is None:
            language = language_for(customer.language_code, self._deps.default_language)
            session = replace(session, language=language)
        return session

    async def handle(self, customer: Customer, event: Event | Form) -> list[Reply]:
        """Answer one event; the chat's events are handled one at a time."""
        # One transaction per event, committed before the chat's lock is let go (so the next
        # event of the chat reads what this one wrote); checkpoints commit it early.
        async with self._lock(customer.chat_id), self._deps.store.transaction():
            session = await self._load(customer, count_first=True)
            turn = Turn(self._deps, customer, session)
            told: list[Reply] = []
            try:
                # What an earlier turn left unfinished at Zimun is settled, and told, first.
                session, notices = await resolve(turn, session)
                told = [reply for notice in notices for reply in notice_replies(turn, notice)]
                if told and isinstance(event, Press):
                    # Pressed on a keyboard from before the crash: the truth is the answer.
                    new, replies = session, list[Reply]()
                else:
                    new, replies = await self._route(turn, session, event)
            except (Unavailable, RateLimited) as exc:
                logger.warning("zimun unavailable for chat %s: %s", customer.chat_id, exc.summary)
                turn.issued.clear()  # buttons of a reply never sent
                new = replace(
                    turn.checkpointed or session, retry=_remember(event), language=turn.language
                )
                replies = [_try_again(turn)]
            except ZimunError as exc:
                logger.error(
                    "zimun refused a request for chat %s: %s", customer.chat_id, exc.summary
                )
                turn.issued.clear()  # buttons of a reply never sent
                new = turn.checkpointed or session
                replies = menu(turn, turn.t("error.zimun"))
            except Exception:
                # A bug of ours must still leave the customer a sentence and a way on, and keep
                # the last state that was safely saved.
                logger.exception("unexpected error in chat %s", customer.chat_id)
                turn.issued.clear()  # buttons of a reply never sent
                new = turn.checkpointed or session
                replies = menu(turn, turn.t("error.unexpected"))
            if turn.used_buttons:
                if turn.generation != session.generation:
                    new = replace(new, keyboard=_step_buttons(turn.issued, turn.generation))
                new = replace(new, generation=turn.generation)
            await self._deps.store.save_session(customer.chat_id, new.to_dict())
            # Settled only now that their effects are saved (wrap both in one transaction when
            # the store offers it): a crash before this resolves them again, harmlessly.
            await self._settle(turn)
            return told + replies

    async def _settle(self, turn: Turn) -> None:
        journal = self._deps.journal
        if journal is not None:
            for key in turn.journaled:
                await journal.settle_intent(key)

    async def recover(self) -> int:
        """At start-up: resolve every chat's unfinished Zimun intents; each chat's notice is
        scheduled as a message due now, so the transport's due loop tells the customer.
        Returns how many chats were resolved; Zimun unreachable raises (they stay open)."""
        journal = self._deps.journal
        if journal is None:
            return 0
        chats = sorted({intent.chat_id for intent in await journal.open_intents()})
        for chat_id in chats:
            customer = Customer(chat_id=chat_id, user_id=chat_id)
            async with self._lock(chat_id):
                session = await self._load(customer)
                turn = Turn(self._deps, customer, session)
                turn.generation = session.generation

                async def deliver(key: str, notice: Notice, chat_id: int = chat_id) -> None:
                    await self._deps.store.schedule(
                        ScheduledMessage(
                            f"{NOTICE}:{key}",
                            chat_id,
                            self._deps.clock.now(),
                            NOTICE,
                            notice.to_payload(),
                        )
                    )

                await resolve(turn, session, deliver)
        return len(chats)

    async def _route(self, turn: Turn, session: Session, event: Event | Form) -> Outcome:
        if isinstance(event, Form):
            return await webapp.perform(turn, session, event)
        if isinstance(event, Command):
            return await flow.command(turn, session, event.name, event.args.strip())
        if isinstance(event, Press):
            return await self._press(turn, session, event.action)
        return await flow.dispatch(turn, session, _read(turn, session, event))

    async def _press(self, turn: Turn, session: Session, raw: str) -> Outcome:
        # Whether a press acts is decided here, before any flow code runs: a forged, mutated,
        # foreign or stale press changes nothing, neither the session nor Zimun.
        action = decode(raw)
        if action is None or action.generation > session.generation:
            return _refuse(turn, session, "forged or unknown")
        if action.verb in GLOBAL_VERBS:
            if not await _global_acts(turn, action):
                return _refuse(turn, session, "forged or foreign")
            return await global_press(turn, session, action.verb, action.arg)
        if action.generation != session.generation:
            done = session.done
            if (
                action.verb == Verb.CONFIRM
                and done is not None
                and action.generation == done.generation
                and not action.arg
            ):
                return session, already_booked(turn, done)
            return _refuse(turn, session, "stale")
        if not _on_screen(session, action):
            return _refuse(turn, session, "forged or foreign")
        if action.verb == Verb.RETRY:
            return await self._retry(turn, session)
        return await flow.dispatch(turn, session, Input(verb=action.verb, arg=action.arg))

    async def _retry(self, turn: Turn, session: Session) -> Outcome:
        """Run again the event that met Zimun down, on the session saved at that moment."""
        remembered = session.retry
        session = replace(session, retry=None)
        if not remembered:
            return await resume(turn, session)
        kind, _, body = remembered.partition(":")
        if kind == "t":
            return await flow.dispatch(turn, session, _read(turn, session, Text(body)))
        if kind == "c":
            name, _, args = body.partition(" ")
            return await flow.command(turn, session, name, args)
        verb, _, arg = body.partition("|")
        if verb in GLOBAL_VERBS:
            return await global_press(turn, session, verb, arg)
        return await flow.dispatch(turn, session, Input(verb=verb, arg=arg))

    async def scheduled(self, message: ScheduledMessage) -> list[Reply]:
        """The replies for a due time-based message; [] when it no longer applies."""
        customer = Customer(chat_id=message.chat_id, user_id=message.chat_id)
        async with self._lock(message.chat_id), self._deps.store.transaction():
            session = await self._load(customer)
            turn = Turn(self._deps, customer, session)
            # A notice adds buttons without retiring the keyboard already on screen.
            turn.generation = session.generation
            payload = message.payload
            if message.kind in ("hold_warning", "hold_expired"):
                # A confirm the bot died in may have booked this hold: settle that first, and
                # never say a hold ran out while that is unknown.
                try:
                    session, notices = await resolve(turn, session)
                except ZimunError:
                    logger.warning(
                        "hold notice for chat %s held back: Zimun unreachable", message.chat_id
                    )
                    return []
                if notices:
                    return [r for notice in notices for r in notice_replies(turn, notice)]
                held = session.hold
                if (
                    message.kind == "hold_expired"
                    and session.step is Step.WAIT_OFFER
                    and held is not None
                    and held.hold_id == payload.get("hold_id")
                ):
                    # A waiting-list offer nobody answered: the time goes to the next one.
                    session, replies = await offer_ran_out(turn, session)
                    await self._deps.store.save_session(customer.chat_id, session.to_dict())
                    return replies
                replies = await scheduled_hold(
                    turn, session, message.kind, str(payload.get("hold_id", ""))
                )
            elif message.kind == AFTER_VISIT:
                replies = await scheduled_after_visit(turn, str(payload.get("appointment_id", "")))
            elif message.kind == RECALL:
                replies = await scheduled_recall(turn, str(payload.get("appointment_id", "")))
            elif message.kind == CHECK:
                replies = await scheduled_check(
                    turn, str(payload.get("day", "")), str(payload.get("service_id", ""))
                )
            elif message.kind == OFFER:
                offered, replies = await scheduled_offer(turn, session, payload)
                if offered is not None:
                    await self._deps.store.save_session(customer.chat_id, offered.to_dict())
                    await self._settle(turn)
            elif message.kind == NOTICE:
                notice = Notice.from_payload(payload)
                replies = notice_replies(turn, notice) if notice is not None else []
            elif message.kind == REMINDER:
                appointment_id = str(payload.get("appointment_id", ""))
                replies = await scheduled_reminder(
                    turn, appointment_id, str(payload.get("start", ""))
                )
                if replies:  # typed "sì, ci sono" / "spostalo" now answer this reminder
                    await self._remember_reminder(customer.chat_id, appointment_id)
            elif message.kind in APPROVAL_KINDS:
                session, replies = await scheduled_approval(turn, session, message.kind, payload)
                await self._deps.store.save_session(customer.chat_id, session.to_dict())
            else:
                logger.warning("unknown scheduled message kind %s", message.kind)
                return []
            await self._add_to_keyboard(customer.chat_id, turn.issued)
            return replies

    async def _remember_reminder(self, chat_id: int, appointment_id: str) -> None:
        stored = await self._deps.store.load_session(chat_id)
        session = replace(Session.from_dict(stored), reminded=appointment_id)
        await self._deps.store.save_session(chat_id, session.to_dict())

    async def _add_to_keyboard(self, chat_id: int, issued: list[str]) -> None:
        """A notice's step buttons join the keyboard on screen (same generation), so they act."""
        stored = await self._deps.store.load_session(chat_id)
        session = Session.from_dict(stored)
        added = _step_buttons(issued, session.generation)
        if stored is None or session.keyboard is None or not added:
            return
        keyboard = session.keyboard + tuple(a for a in added if a not in session.keyboard)
        await self._deps.store.save_session(chat_id, replace(session, keyboard=keyboard).to_dict())


def _journal_of(store: Store) -> IntentJournal | None:
    return store if isinstance(store, IntentJournal) else None


def _refuse(turn: Turn, session: Session, why: str) -> Outcome:
    """The "expired" answer, leaving the session as it was: its keyboard on screen stays valid."""
    logger.info("%s button in chat %s", why, turn.customer.chat_id)
    turn.generation = session.generation
    return session, expired(turn, session)


async def _global_acts(turn: Turn, action: Action) -> bool:
    """Whether a press of a step-independent button is one this chat could have been shown."""
    if action.verb == Verb.SET_LANGUAGE:
        return action.arg in LANGUAGES
    if action.verb in (Verb.MOVE, Verb.CANCEL, Verb.ATTEND):
        entry = await owned(turn, action.arg)
        return entry is not None and action.arg == appointment_ref(entry)
    return not action.arg


def _on_screen(session: Session, action: Action) -> bool:
    """Whether a press of the current generation is one of the step buttons last sent."""
    if session.keyboard is None:
        return True  # a session saved before keyboards were kept
    if action.verb in (Verb.RESUME, Verb.RETRY) and not action.arg:
        return True  # harmless everywhere, and offered beside the "expired" answer
    return f"{action.verb}|{action.arg}" in session.keyboard


def _step_buttons(issued: list[str], generation: int) -> tuple[str, ...]:
    """The "verb|arg" of the step buttons among `issued` that carry `generation`."""
    kept: list[str] = []
    for raw in issued:
        action = decode(raw)
        if action is None or action.generation != generation or action.verb in GLOBAL_VERBS:
            continue
        entry = f"{action.verb}|{action.arg}"
        if entry not in kept:
            kept.append(entry)
    return tuple(kept)


def _read(turn: Turn, session: Session, event: Text) -> Input:
    """A typed text with its meaning (intent, date and time) read against what is on screen."""
    text = event.text.strip()
    now = turn.now().astimezone(turn.tz)
    reading = read(text, screen_of(turn, session), now=now, language=turn.language)
    return Input(text=text, intent=reading.intent, wish=wish_from(reading.when), reading=reading)


YES_NO_STEPS = frozenset({Step.SUMMARY, Step.MOVE_CONFIRM, Step.CANCEL_CONFIRM})
# Steps where a question about a day can make it the day of the next message (no time is held).
ASKED_STEPS = frozenset({Step.IDLE, Step.SERVICE, Step.WHEN, Step.SLOT})


def screen_of(turn: Turn, session: Session) -> Screen:
    """What the customer is looking at: the day whose times are shown (or of the time held or
    about to be moved to), the numbered choices, the time held (or moved to, or asked for)."""
    offer = session.offer if session.step is Step.SLOT else None
    moment = session.hold.start if session.hold else session.new_start
    wall = moment.astimezone(turn.tz).time() if moment else None
    choices = 0
    if offer is not None:
        # The times shown, or the days when there is no time to show (a closed or full day).
        choices = len(page_of(offer.starts, offer.page)) or len(offer.days)
    elif session.step is Step.CHOOSE_APPOINTMENT:
        choices = len(session.choices)
    elif session.step is Step.EMAIL:
        choices = len(session.email_choices)
    day = offer.day if offer else (moment.astimezone(turn.tz).date() if moment else None)
    asked = session.asked_day is not None and session.step in ASKED_STEPS
    if asked:
        # "siete aperti sabato?" answered: "ok alle 10" is Saturday, even with Wednesday's
        # times on screen, and a number in it is an hour, not one of Wednesday's buttons.
        day, choices = session.asked_day, 0
    return Screen(
        step=session.step.value,
        day=day,
        choices=choices,
        time=wall or session.asked_time,
        yes_no=session.step in YES_NO_STEPS,
        asked=asked,
    )


def _remember(event: Event | Form) -> str | None:
    if isinstance(event, Form):
        return None  # the Mini App asks again itself; the chat's Retry resumes the step
    if isinstance(event, Text):
        return f"t:{event.text}"
    if isinstance(event, Command):
        return f"c:{event.name} {event.args}"
    action = decode(event.action)
    return f"p:{action.verb}|{action.arg}" if action else "p:"


def _try_again(turn: Turn) -> Reply:
    rows = [
        [turn.button(turn.t("button.retry"), Verb.RETRY)],
        [stop_button(turn)],
    ]
    return turn.reply(turn.t("error.unavailable"), rows)
