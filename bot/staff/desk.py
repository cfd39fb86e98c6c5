"""The staff desk: answers staff commands and the customer's /forget, with confirmations.

The desk trusts its caller (`StaffGateway`) to have checked who is staff, and checks again on every
confirmation tap. Cancelling, moving and forgetting happen only after a tap on a button whose token
names a stored `StaffAction`; the Zimun idempotency key is derived from that token, which is stored
before any call, so a double tap or a retry never acts twice.
"""

from __future__ import annotations

import contextlib
import importlib.metadata
import logging
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from babel.dates import format_timedelta
from babel.numbers import format_decimal

from bot.clock import Clock
from bot.conversation.approval import APPROVAL_DECLINED, APPROVAL_DONE
from bot.conversation.events import Attachment, Button, Command, Customer, Reply
from bot.conversation.reminders import reminder_keys, reminder_messages
from bot.conversation.visits import after_visit_key, after_visit_message
from bot.conversation.waitlist import freed_by_staff
from bot.i18n import (
    LANGUAGES,
    Translator,
    format_date,
    format_datetime,
    format_time,
    language_for,
    translator_for,
)
from bot.staff.actions import (
    FORGET_COMMAND,
    KIND_APPROVE,
    KIND_CANCEL,
    KIND_FORGET,
    KIND_MOVE,
    KIND_NOSHOW,
    NO,
    STAFF_KINDS,
    STAFF_NOTICE,
    STAFF_REPLY,
    YES,
    AdminIds,
    admin_set,
    chat_code,
    chat_from_code,
    decode,
    encode,
)
from bot.staff.attendance import (
    ExportRow,
    attendance,
    attendance_label,
    export_csv,
    is_past_start,
    noshows_of,
)
from bot.staff.stats import compute
from bot.storage import (
    EventKind,
    LedgerEntry,
    LedgerRecord,
    MetricKind,
    ScheduledMessage,
    StaffAction,
    StaffActionState,
    StaffPref,
    StaffStore,
    StorageError,
)
from bot.storage.models import CANCELLED_STATUS
from bot.storage.waitlist import waitlist_in
from bot.understanding.intents import IntentKind, parse_intent
from bot.understanding.when import When, parse_when
from bot.zimun import (
    Appointment,
    AuthError,
    Conflict,
    HoldExpired,
    NotFound,
    SlotUnavailable,
    ZimunApi,
    ZimunError,
)

logger = logging.getLogger(__name__)

CONFIRM_TTL = timedelta(minutes=15)
# Payload flag: the confirmation may still be answered by typing ("sì", "no"). Anything else
# written in the chat clears it, so a later "sì" meant for the booking assistant is never taken.
TYPED = "typed"
# A typed word that repeats the Yes button's own verb ("Sì, annulla", "Sì, sposta") means yes.
_YES_VERBS = {KIND_CANCEL: IntentKind.CANCEL, KIND_MOVE: IntentKind.MOVE}
MAX_AGENDA_DAYS = 31
WEEK_WORDS = frozenset({"settimana", "week", "questa settimana", "this week", "7"})
MONTH_WORDS = frozenset({"mese", "month", "questo mese", "this month", "30"})
TODAY_WORDS = frozenset({"oggi", "today"})
ON_WORDS = frozenset({"on", "si", "sì", "yes", "attiva", "attivo", "accendi"})
OFF_WORDS = frozenset({"off", "no", "disattiva", "spegni", "stop"})

Handler = Callable[[Customer, str, Translator], Awaitable[list[Reply]]]


@dataclass(frozen=True)
class _Line:
    """One appointment as the agenda shows it, from the ledger, Zimun, or both."""

    start: datetime
    service: str
    name: str
    status: str
    code: str | None
    via_bot: bool
    note: str = ""  # issue 13: confirmed, no answer, not reminded, no-show


def package_version() -> str:
    try:
        return importlib.metadata.version("zimun-booking-bot")
    except importlib.metadata.PackageNotFoundError:
        return "dev"


class StaffDesk:
    """Staff commands and /forget; see `StaffGateway` for who may reach which."""

    def __init__(
        self,
        *,
        zimun: ZimunApi,
        store: StaffStore,
        clock: Clock,
        timezone: ZoneInfo,
        admin_ids: AdminIds,
        started_at: datetime | None = None,
        version: str | None = None,
        default_language: str = "it",
        reminder_hours: float | tuple[float, ...] = 24.0,
        new_token: Callable[[], str] | None = None,
    ) -> None:
        self._zimun = zimun
        self._store = store
        self._clock = clock
        self._tz = timezone
        self._admin_ids = admin_ids
        self._started_at = started_at or clock.now()
        self._version = version or package_version()
        self._default_language = default_language
        self._reminder_hours = reminder_hours
        self._new_token = new_token or (lambda: secrets.token_hex(6))
        self._handlers: dict[str, Handler] = {
            "today": self._today,
            "tomorrow": self._tomorrow,
            "agenda": self._agenda,
            "booking": self._booking,
            "staff_cancel": self._cancel,
            "staff_move": self._move,
            "holds": self._holds,
            "waitlist": self._waitlist,
            "stats": self._stats,
            "health": self._health,
            "notify": self._notify,
            "reply": self._reply,
            "noshow": self._noshow,
            "export": self._export,
            FORGET_COMMAND: self._forget,
        }

    # -- entry points -----------------------------------------------------------------------

    def is_staff(self, user_id: int) -> bool:
        return user_id in admin_set(self._admin_ids)

    def language(self, customer: Customer) -> str:
        return language_for(customer.language_code, self._default_language)

    async def command(self, customer: Customer, command: Command) -> list[Reply]:
        """Answer a staff command (the caller has checked the user is staff) or /forget."""
        handler = self._handlers[command.name.lower()]
        t = translator_for(self.language(customer))
        return await handler(customer, command.args.strip(), t)

    async def press(self, customer: Customer, action: str) -> list[Reply] | None:
        """Answer a confirmation tap; None when it is not this user's to make (forged, foreign)."""
        decoded = decode(action)
        if decoded is None:
            return None
        token, answer = decoded
        pending = await self._store.load_staff_action(token)
        if pending is None or pending.user_id != customer.user_id:
            return None
        if pending.chat_id != customer.chat_id:
            return None
        staff_kind = pending.kind in STAFF_KINDS
        if staff_kind and not self.is_staff(customer.user_id):
            return None
        t = translator_for(self.language(customer))
        if pending.state == StaffActionState.DONE:
            return [Reply(t("staff.confirm.already_done"))]
        if pending.state != StaffActionState.PENDING:
            return [Reply(t("staff.confirm.expired"))]
        if self._clock.now() - pending.created_at > CONFIRM_TTL:
            await self._store.finish_staff_action(token, StaffActionState.DECLINED)
            if not staff_kind:
                return None  # the customer gets the engine's own "this button has expired"
            return [Reply(t("staff.confirm.expired"))]
        if pending.kind == KIND_APPROVE:
            return await self._answer_approval(pending, answer == YES, t)
        if answer == NO:
            await self._store.finish_staff_action(token, StaffActionState.DECLINED)
            key = "staff.forget.kept" if pending.kind == KIND_FORGET else "staff.confirm.dropped"
            return [Reply(t(key))]
        if pending.kind == KIND_CANCEL:
            return await self._do_cancel(pending, t)
        if pending.kind == KIND_MOVE:
            return await self._do_move(pending, t)
        if pending.kind == KIND_FORGET:
            return await self._do_forget(pending, t)
        if pending.kind == KIND_NOSHOW:
            return await self._do_noshow(pending, t)
        return None

    async def typed(self, customer: Customer, text: str) -> list[Reply] | None:
        """A typed answer to the confirmation on screen ("sì", "ok", "go ahead", "no", "annulla"),
        acting exactly like its button, once; None when the text is not for the desk."""
        latest = await self._store.latest_staff_action(customer.chat_id)
        if latest is None or latest.user_id != customer.user_id:
            return None
        if not latest.payload.get(TYPED):
            return None
        intent = parse_intent(text, language=self.language(customer))
        kind = intent.kind if intent else None
        if kind is IntentKind.YES or (kind is not None and kind is _YES_VERBS.get(latest.kind)):
            answer = YES
        elif kind in (IntentKind.NO, IntentKind.STOP, IntentKind.CANCEL):
            answer = NO
        else:
            await self.interrupted(customer)
            return None
        if latest.state == StaffActionState.DONE and answer == YES:
            # A second "sì" after the action was carried out: said so, never done twice.
            t = translator_for(self.language(customer))
            return [Reply(t("staff.confirm.already_done"))]
        if latest.state != StaffActionState.PENDING:
            return None
        replies = await self.press(customer, encode(latest.token, answer))
        if replies is None:
            await self.interrupted(customer)
        return replies

    async def interrupted(self, customer: Customer) -> None:
        """Something else was written: the confirmation on screen now takes its buttons only."""
        latest = await self._store.latest_staff_action(customer.chat_id)
        if latest is not None and latest.payload.get(TYPED):
            payload = {**latest.payload, TYPED: False}
            await self._store.save_staff_action(replace(latest, payload=payload))

    # -- agenda -----------------------------------------------------------------------------

    def _today_local(self) -> date:
        return self._clock.now().astimezone(self._tz).date()

    async def _today(self, customer: Customer, args: str, t: Translator) -> list[Reply]:
        day = self._today_local()
        return await self._agenda_for(day, day, t, marker=customer)

    async def _tomorrow(self, customer: Customer, args: str, t: Translator) -> list[Reply]:
        day = self._today_local() + timedelta(days=1)
        return await self._agenda_for(day, day, t)

    async def _agenda(self, customer: Customer, args: str, t: Translator) -> list[Reply]:
        days = self._days(args, t.language, forward=True)
        if days is None:
            return [Reply(t("staff.agenda.unclear", text=args))]
        return await self._agenda_for(*days, t)

    def _days(self, args: str, language: str, *, forward: bool) -> tuple[date, date] | None:
        """The local days (first, last) that `args` names: empty is today, a week, a month."""
        today = self._today_local()
        words = " ".join(args.lower().split())
        if not words or words in TODAY_WORDS:
            return today, today
        for span, names in ((7, WEEK_WORDS), (30, MONTH_WORDS)):
            if words in names:
                if forward:
                    return today, today + timedelta(days=span - 1)
                return today - timedelta(days=span - 1), today
        when = self._parse_when(args, language)
        if when is None:
            return None
        first, last = when.date, when.date
        if when.previous is not None and when.previous < when.date:
            first = when.previous
        if (last - first).days >= MAX_AGENDA_DAYS:
            last = first + timedelta(days=MAX_AGENDA_DAYS - 1)
        return first, last

    def _parse_when(self, text: str, language: str) -> When | None:
        now = self._clock.now()
        # Staff may type in either language whatever their Telegram is set to.
        for candidate in (language, *(other for other in LANGUAGES if other != language)):
            when = parse_when(text, now=now, language=candidate)
            if when is not None:
                return when
        return None

    def _bounds(self, first: date, last: date) -> tuple[datetime, datetime]:
        start = datetime.combine(first, time(0), tzinfo=self._tz)
        end = datetime.combine(last + timedelta(days=1), time(0), tzinfo=self._tz)
        return start.astimezone(UTC), end.astimezone(UTC)

    def _period_label(self, first: date, last: date, t: Translator) -> str:
        if first == last:
            return format_date(first, t.language)
        return t(
            "staff.period.range",
            first=format_date(first, t.language),
            last=format_date(last, t.language),
        )

    async def _agenda_for(
        self, first: date, last: date, t: Translator, *, marker: Customer | None = None
    ) -> list[Reply]:
        """The period's appointments; with `marker` (/today) a no-show button under each
        appointment booked through the bot that has started and is not marked yet."""
        start, end = self._bounds(first, last)
        lines: dict[str, _Line] = {}
        markable: list[LedgerEntry] = []
        now = self._clock.now()
        for entry in await self._store.bookings_between(start, end):
            history = await self._store.booking_history(entry.appointment_id)
            state = attendance(entry, history, self._reminder_hours)
            lines[entry.appointment_id] = _Line(
                start=entry.start,
                service=entry.service_name,
                name=entry.contact_name,
                status=entry.status,
                code=entry.booking_code,
                via_bot=True,
                note="" if entry.status == CANCELLED_STATUS else attendance_label(state, t),
            )
            if is_past_start(entry, now) and state != "no_show":
                markable.append(entry)
        note: str | None = None
        try:
            listed = await self._zimun.list_appointments(start=start, end=end)
        except AuthError:
            note = t("staff.agenda.zimun_forbidden")
        except ZimunError as error:
            logger.warning("agenda: Zimun list unavailable: %s", error.summary)
            note = t("staff.agenda.zimun_unavailable")
        else:
            services = await self._service_names()
            for appointment in listed:
                known = lines.get(appointment.id)
                # Zimun is the truth for time and status; the ledger adds how it was booked.
                lines[appointment.id] = _Line(
                    start=appointment.start,
                    service=known.service
                    if known
                    else services.get(appointment.service_id, appointment.service_id),
                    name=known.name if known else appointment.contact_name,
                    status=str(appointment.status),
                    code=appointment.booking_code or (known.code if known else None),
                    via_bot=known is not None,
                    note=known.note if known and str(appointment.status) != "cancelled" else "",
                )
        period = self._period_label(first, last, t)
        ordered = sorted(lines.values(), key=lambda line: (line.start, line.name))
        if not ordered:
            text = t("staff.agenda.empty", period=period)
        else:
            rows = [t("staff.agenda.title", period=period, count=len(ordered))]
            day: date | None = None
            for line in ordered:
                local_day = line.start.astimezone(self._tz).date()
                if first != last and local_day != day:
                    rows.append("")
                    rows.append(format_date(local_day, t.language).capitalize())
                    day = local_day
                rows.append(self._agenda_line(line, t))
            text = "\n".join(rows)
        if note:
            text += "\n\n" + note
        buttons: list[tuple[Button, ...]] = []
        for entry in markable if marker is not None else []:
            if lines[entry.appointment_id].status == CANCELLED_STATUS:
                continue
            assert marker is not None
            token = await self._mark_token(marker, entry)
            label = t(
                "staff.noshow.button",
                time=format_time(entry.start, t.language, self._tz),
                name=entry.contact_name,
            )
            buttons.append((Button(label[:60], encode(token, YES)),))
        return [Reply(text, tuple(buttons))]

    def _agenda_line(self, line: _Line, t: Translator) -> str:
        text = t(
            "staff.agenda.line",
            time=format_time(line.start, t.language, self._tz),
            service=line.service,
            name=line.name,
            status=self._status(line.status, t),
            code=line.code or "–",
        )
        if line.note:
            text += " · " + line.note
        return text if line.via_bot else text + " " + t("staff.agenda.external")

    @staticmethod
    def _status(status: str, t: Translator) -> str:
        key = f"staff.status.{status}"
        return t(key) if t.has(key) else status

    async def _service_names(self) -> dict[str, str]:
        try:
            return {service.id: service.name for service in await self._zimun.list_services()}
        except ZimunError:
            return {}

    # -- one booking --------------------------------------------------------------------------

    async def _booking(self, customer: Customer, args: str, t: Translator) -> list[Reply]:
        if not args:
            return [Reply(t("staff.booking.usage"))]
        wanted = args.split()[0]
        entry = await self._store.find_booking(wanted)
        appointment = await self._zimun_appointment(entry.appointment_id if entry else wanted)
        if entry is None and appointment is None:
            return [Reply(t("staff.booking.not_found", code=wanted))]
        if entry is None:
            assert appointment is not None
            services = await self._service_names()
            rows = [
                t(
                    "staff.booking.header",
                    code=appointment.booking_code or appointment.id,
                    service=services.get(appointment.service_id, appointment.service_id),
                    when=self._when(appointment.start, t),
                    status=self._status(str(appointment.status), t),
                ),
                t(
                    "staff.booking.customer",
                    name=appointment.contact_name,
                    email=appointment.contact_email,
                ),
                t("staff.booking.external"),
            ]
            return [Reply("\n".join(rows))]
        status = str(appointment.status) if appointment else entry.status
        start = appointment.start if appointment else entry.start
        rows = [
            t(
                "staff.booking.header",
                code=entry.booking_code or entry.appointment_id,
                service=entry.service_name,
                when=self._when(start, t),
                status=self._status(status, t),
            )
        ]
        if appointment is not None:
            rows.append(
                t(
                    "staff.booking.customer",
                    name=entry.contact_name,
                    email=appointment.contact_email,
                )
            )
        else:
            rows.append(t("staff.booking.customer_no_email", name=entry.contact_name))
        rows.append(t("staff.booking.history"))
        for event in await self._store.booking_history(entry.appointment_id):
            rows.append(self._history_line(event.kind, event.at, event.details, t))
        missed = await noshows_of(self._store, entry.chat_id)
        if missed:  # issue 13: said only when there is one, so a clean record stays short
            rows.append(t("staff.booking.noshows", count=missed))
        return [Reply("\n".join(rows))]

    def _history_line(
        self, kind: str, at: datetime, details: dict[str, object], t: Translator
    ) -> str:
        stamp = self._when(at, t)
        if kind == EventKind.BOOKED:
            start = _parse_time(details.get("start"))
            return t("staff.history.booked", at=stamp, when=self._when(start, t) if start else "–")
        if kind == EventKind.MOVED:
            old, new = _parse_time(details.get("from")), _parse_time(details.get("to"))
            return t(
                "staff.history.moved",
                at=stamp,
                old=self._when(old, t) if old else "–",
                new=self._when(new, t) if new else "–",
            )
        if kind == EventKind.CANCELLED:
            key = (
                "staff.history.cancelled_staff"
                if details.get("by") == "staff"
                else "staff.history.cancelled_customer"
            )
            line = t(key, at=stamp)
            reason = details.get("reason")
            if reason:
                line += " " + t("staff.history.reason", reason=str(reason))
            return line
        if kind in (EventKind.REMINDED, EventKind.ATTENDING, EventKind.NO_SHOW):
            return t(f"staff.history.{kind}", at=stamp)
        if kind == EventKind.RATED:
            return t("staff.history.rated", at=stamp, rating=str(details.get("rating", "–")))
        return f"{stamp}: {kind}"

    async def _zimun_appointment(self, appointment_id: str) -> Appointment | None:
        try:
            return await self._zimun.get_appointment(appointment_id)
        except ZimunError as error:
            logger.info("appointment %s not read from Zimun: %s", appointment_id, error.summary)
            return None

    def _when(self, moment: datetime, t: Translator) -> str:
        return format_datetime(moment, t.language, self._tz)

    # -- cancel and move on a customer's behalf -------------------------------------------------

    async def _target(
        self, customer: Customer, args: str, t: Translator, usage: str
    ) -> tuple[LedgerEntry, str] | list[Reply]:
        """The booking the first word names and the rest of the text, or the replies to send."""
        parts = args.split(maxsplit=1)
        if not parts:
            return [Reply(t(usage))]
        entry = await self._store.find_booking(parts[0])
        if entry is None:
            return [Reply(t("staff.booking.not_found", code=parts[0]))]
        if entry.status == CANCELLED_STATUS:
            return [Reply(t("staff.action.already_cancelled", code=self._code(entry)))]
        if entry.start <= self._clock.now():
            return [Reply(t("staff.action.in_past", code=self._code(entry)))]
        return entry, parts[1].strip() if len(parts) > 1 else ""

    @staticmethod
    def _code(entry: LedgerEntry) -> str:
        return entry.booking_code or entry.appointment_id

    async def _cancel(self, customer: Customer, args: str, t: Translator) -> list[Reply]:
        target = await self._target(customer, args, t, "staff.cancel.usage")
        if isinstance(target, list):
            return target
        entry, reason = target
        token = await self._pending(
            customer, KIND_CANCEL, {"appointment_id": entry.appointment_id, "reason": reason}
        )
        text = t(
            "staff.cancel.confirm",
            service=entry.service_name,
            name=entry.contact_name,
            when=self._when(entry.start, t),
            code=self._code(entry),
        )
        if reason:
            text += "\n" + t("staff.cancel.reason", reason=reason)
        return [Reply(text, self._yes_no(token, t("staff.button.cancel"), t))]

    async def _move(self, customer: Customer, args: str, t: Translator) -> list[Reply]:
        target = await self._target(customer, args, t, "staff.move.usage")
        if isinstance(target, list):
            return target
        entry, words = target
        if not words:
            return [Reply(t("staff.move.usage"))]
        when = self._parse_when(words, t.language)
        if when is None or when.time is None:
            return [Reply(t("staff.move.need_time", text=words))]
        start = datetime.combine(when.date, when.time, tzinfo=self._tz).astimezone(UTC)
        if start <= self._clock.now():
            return [Reply(t("staff.move.past", when=self._when(start, t)))]
        if start == entry.start:
            return [Reply(t("staff.move.same", when=self._when(start, t)))]
        token = await self._pending(
            customer,
            KIND_MOVE,
            {"appointment_id": entry.appointment_id, "start": start.isoformat()},
        )
        text = t(
            "staff.move.confirm",
            service=entry.service_name,
            name=entry.contact_name,
            old=self._when(entry.start, t),
            new=self._when(start, t),
            code=self._code(entry),
        )
        return [Reply(text, self._yes_no(token, t("staff.button.move"), t))]

    async def _pending(self, customer: Customer, kind: str, payload: dict[str, object]) -> str:
        token = self._new_token()
        await self._store.save_staff_action(
            StaffAction(
                token=token,
                user_id=customer.user_id,
                chat_id=customer.chat_id,
                kind=kind,
                payload={**payload, TYPED: True},
                created_at=self._clock.now(),
            )
        )
        return token

    @staticmethod
    def _yes_no(token: str, yes_label: str, t: Translator) -> tuple[tuple[Button, ...], ...]:
        return (
            (
                Button(yes_label, encode(token, YES)),
                Button(t("staff.button.no"), encode(token, NO)),
            ),
        )

    async def _do_cancel(self, pending: StaffAction, t: Translator) -> list[Reply]:
        appointment_id = str(pending.payload["appointment_id"])
        reason = pending.payload.get("reason") or None
        entry = await self._store.find_booking(appointment_id)
        if entry is None:
            await self._store.finish_staff_action(pending.token, StaffActionState.DECLINED)
            return [Reply(t("staff.booking.not_found", code=appointment_id))]
        try:
            await self._zimun.cancel(
                appointment_id, idempotency_key=f"staff-cancel-{pending.token}"
            )
        except Conflict as error:
            if error.code != "appointment_cancelled":
                await self._store.finish_staff_action(pending.token, StaffActionState.DECLINED)
                return [Reply(t("staff.action.in_past", code=self._code(entry)))]
            # Already cancelled in Zimun (by a retry or elsewhere): the ledger catches up below.
        except NotFound:
            await self._store.finish_staff_action(pending.token, StaffActionState.DECLINED)
            return [Reply(t("staff.action.not_in_zimun", code=self._code(entry)))]
        except ZimunError as error:
            logger.warning("staff cancel of %s failed: %s", appointment_id, error.summary)
            return [
                Reply(
                    t("staff.action.zimun_failed"),
                    self._yes_no(pending.token, t("staff.button.cancel"), t),
                )
            ]
        now = self._clock.now()
        await self._store.record_cancel(appointment_id, reason, now, by="staff")
        await self._count(MetricKind.CANCELLED, entry.chat_id)
        for key in reminder_keys(appointment_id):
            await self._store.cancel_scheduled(key)
        await self._after_staff_change(entry, None)
        await self._notify_customer(
            pending.token,
            entry,
            {"event": EventKind.CANCELLED, "start": entry.start.isoformat(), "reason": reason},
        )
        await self._store.finish_staff_action(pending.token, StaffActionState.DONE)
        logger.info("staff user %s cancelled %s", pending.user_id, appointment_id)
        return [Reply(t("staff.cancel.done", code=self._code(entry), name=entry.contact_name))]

    async def _do_move(self, pending: StaffAction, t: Translator) -> list[Reply]:
        appointment_id = str(pending.payload["appointment_id"])
        start = datetime.fromisoformat(str(pending.payload["start"]))
        entry = await self._store.find_booking(appointment_id)
        if entry is None:
            await self._store.finish_staff_action(pending.token, StaffActionState.DECLINED)
            return [Reply(t("staff.booking.not_found", code=appointment_id))]
        try:
            moved = await self._zimun.reschedule(
                appointment_id, start, idempotency_key=f"staff-move-{pending.token}"
            )
        except SlotUnavailable:
            await self._store.finish_staff_action(pending.token, StaffActionState.DECLINED)
            free = await self._free_times(entry, start, t)
            return [Reply(t("staff.move.taken", when=self._when(start, t), free=free))]
        except Conflict:
            await self._store.finish_staff_action(pending.token, StaffActionState.DECLINED)
            return [Reply(t("staff.action.not_movable", code=self._code(entry)))]
        except NotFound:
            await self._store.finish_staff_action(pending.token, StaffActionState.DECLINED)
            return [Reply(t("staff.action.not_in_zimun", code=self._code(entry)))]
        except ZimunError as error:
            logger.warning("staff move of %s failed: %s", appointment_id, error.summary)
            return [
                Reply(
                    t("staff.action.zimun_failed"),
                    self._yes_no(pending.token, t("staff.button.move"), t),
                )
            ]
        now = self._clock.now()
        await self._store.record_move(appointment_id, moved.start, now)
        await self._count(MetricKind.MOVED, entry.chat_id)
        await self._rearm_reminder(entry, moved.start)
        await self._after_staff_change(entry, moved.start)
        await self._notify_customer(
            pending.token,
            entry,
            {
                "event": EventKind.MOVED,
                "from": entry.start.isoformat(),
                "to": moved.start.isoformat(),
            },
        )
        await self._store.finish_staff_action(pending.token, StaffActionState.DONE)
        logger.info("staff user %s moved %s", pending.user_id, appointment_id)
        return [
            Reply(
                t(
                    "staff.move.done",
                    code=self._code(entry),
                    name=entry.contact_name,
                    when=self._when(moved.start, t),
                )
            )
        ]

    async def _rearm_reminder(self, entry: LedgerEntry, start: datetime) -> None:
        """The engine's reminder follows its own moves only; after ours it would stay silent."""
        for key in reminder_keys(entry.appointment_id):
            await self._store.cancel_scheduled(key)
        messages = reminder_messages(
            entry.appointment_id,
            entry.chat_id,
            start,
            hours=self._reminder_hours,
            now=self._clock.now(),
        )
        for message in messages:
            await self._store.schedule(message)

    async def _after_staff_change(self, entry: LedgerEntry, start: datetime | None) -> None:
        """Issue 13: the message after the visit follows a staff move (dropped on a cancel), and
        the time freed goes to the waiting list, as when the customer moves or cancels."""
        await self._store.cancel_scheduled(after_visit_key(entry.appointment_id))
        if start is not None:
            chat = entry.chat_id
            visit = after_visit_message(entry.appointment_id, chat, start, timezone=self._tz)
            await self._store.schedule(visit)
        now = self._clock.now()
        await freed_by_staff(self._store, entry.service_id, entry.start, now=now, timezone=self._tz)

    async def _count(self, kind: str, chat_id: int) -> None:
        # The engine counts what customers do; staff actions are counted here, marked as such.
        try:
            await self._store.record_metric(kind, chat_id, self._clock.now(), {"by": "staff"})
        except Exception:
            logger.exception("staff %s metric not recorded", kind)

    async def _free_times(self, entry: LedgerEntry, start: datetime, t: Translator) -> str:
        day = start.astimezone(self._tz).date()
        try:
            availability = await self._zimun.get_availability(
                entry.service_id, first_day=day, days_ahead=1
            )
        except ZimunError:
            return "–"
        times = [
            format_time(slot.start, t.language, self._tz)
            for slot in availability.slots
            if slot.start.astimezone(self._tz).date() == day
        ]
        return ", ".join(times[:12]) if times else t("staff.move.no_free")

    async def _notify_customer(
        self, token: str, entry: LedgerEntry, details: dict[str, object]
    ) -> None:
        payload: dict[str, object] = {
            "appointment_id": entry.appointment_id,
            "service": entry.service_name,
            "code": entry.booking_code,
            "language": entry.language,
            **details,
        }
        await self._store.schedule(
            ScheduledMessage(
                key=f"{STAFF_NOTICE}:{entry.appointment_id}:{token}",
                chat_id=entry.chat_id,
                due_at=self._clock.now(),
                kind=STAFF_NOTICE,
                payload=payload,
            )
        )

    # -- holds, stats, health, notify -------------------------------------------------------

    async def _holds(self, customer: Customer, args: str, t: Translator) -> list[Reply]:
        holds = await self._store.active_holds(self._clock.now())
        if not holds:
            return [Reply(t("staff.holds.empty"))]
        services = await self._service_names()
        rows = [t("staff.holds.title", count=len(holds))]
        for hold in holds:
            rows.append(
                t(
                    "staff.holds.line",
                    service=services.get(hold.service_id, hold.service_id),
                    when=self._when(hold.start, t),
                    expires=format_time(hold.expires_at, t.language, self._tz),
                )
            )
        return [Reply("\n".join(rows))]

    async def _waitlist(self, customer: Customer, args: str, t: Translator) -> list[Reply]:
        """Who waits for a day (default today), first come first, with their window."""
        days = self._days(args, t.language, forward=True)
        if days is None:
            return [Reply(t("staff.agenda.unclear", text=args))]
        store = waitlist_in(self._store)
        day = days[0]
        entries = await store.waiting_on(day) if store is not None else []
        when = format_date(day, t.language)
        if not entries:
            return [Reply(t("staff.waitlist.empty", day=when))]
        rows = [t("staff.waitlist.title", day=when, count=len(entries))]
        for number, entry in enumerate(entries, start=1):
            booked = await self._store.bookings_for_chat(entry.chat_id, include_cancelled=True)
            name = booked[-1].contact_name if booked else t("staff.waitlist.no_name")
            start, end = entry.window_start, entry.window_end
            if start is None and end is None:
                span = t("staff.waitlist.whole_day")
            elif start == end and start is not None:
                span = start.strftime("%H:%M")
            else:
                span = "–".join(v.strftime("%H:%M") if v else "" for v in (start, end))
            rows.append(
                t(
                    "staff.waitlist.line",
                    number=number,
                    service=entry.service_name,
                    name=name,
                    span=span,
                )
            )
        return [Reply("\n".join(rows))]

    async def _stats(self, customer: Customer, args: str, t: Translator) -> list[Reply]:
        days = self._days(args, t.language, forward=False) if args else None
        if args and days is None:
            return [Reply(t("staff.agenda.unclear", text=args))]
        if days is None:
            today = self._today_local()
            days = (today - timedelta(days=6), today)
        start, end = self._bounds(*days)
        stats = compute(
            await self._store.metrics_between(start, end),
            await self._store.bookings_between(start, end),
            self._tz,
        )
        rows = [
            t("staff.stats.title", period=self._period_label(*days, t)),
            t(
                "staff.stats.bookings",
                booked=stats.booked,
                moved=stats.moved,
                cancelled=stats.cancelled,
                by_staff=stats.cancelled_by_staff,
            ),
            t(
                "staff.stats.holds",
                placed=stats.holds_placed,
                expired=stats.holds_expired,
                released=stats.holds_released,
            ),
        ]
        if stats.conversion is None:
            rows.append(t("staff.stats.conversion_none"))
        else:
            rows.append(
                t(
                    "staff.stats.conversion",
                    booked=stats.new_chats_booked,
                    started=stats.new_chats,
                    percent=f"{round(stats.conversion * 100)}%",
                )
            )
        rows.extend(await self._attendance_stats(start, end, t))
        if stats.busiest_days:
            weekdays = ", ".join(
                f"{_weekday_name(day, t.language)} ({count})" for day, count in stats.busiest_days
            )
            hours = ", ".join(f"{hour:02d}:00 ({count})" for hour, count in stats.busiest_hours)
            rows.append(t("staff.stats.busiest", days=weekdays, hours=hours))
        else:
            rows.append(t("staff.stats.busiest_none"))
        return [Reply("\n".join(rows))]

    async def _health(self, customer: Customer, args: str, t: Translator) -> list[Reply]:
        now = self._clock.now()
        rows: list[str] = []
        try:
            services = await self._zimun.list_services()
        except AuthError as error:
            rows.append(t("staff.health.zimun_auth", error=_describe(error)))
        except ZimunError as error:
            rows.append(t("staff.health.zimun_down", error=_describe(error)))
        else:
            rows.append(t("staff.health.zimun_ok", services=len(services)))
            try:
                await self._zimun.list_appointments(start=now, end=now + timedelta(hours=1))
            except ZimunError:
                rows.append(t("staff.health.zimun_no_list"))
        try:
            await self._store.ping()
        except StorageError as error:
            logger.error("health: storage not writable: %s", error)
            rows.append(t("staff.health.storage_down"))
        else:
            rows.append(t("staff.health.storage_ok"))
        try:
            pending = await self._store.pending_count()
            due = len(await self._store.due_messages(now, limit=1000))
            rows.append(t("staff.health.queue", pending=pending, due=due))
        except Exception:
            logger.exception("health: queue not readable")
        uptime = format_timedelta(now - self._started_at, locale=t.language, threshold=1.1)
        rows.append(t("staff.health.version", version=self._version, uptime=uptime))
        return [Reply("\n".join(rows))]

    async def _notify(self, customer: Customer, args: str, t: Translator) -> list[Reply]:
        word = args.lower().strip()
        if word in ON_WORDS or word in OFF_WORDS:
            on = word in ON_WORDS
            await self._store.set_staff_pref(
                StaffPref(user_id=customer.user_id, notify=on, language=t.language),
                self._clock.now(),
            )
            return [Reply(t("staff.notify.on" if on else "staff.notify.off"))]
        prefs = {pref.user_id: pref for pref in await self._store.staff_prefs()}
        current = prefs.get(customer.user_id)
        key = "staff.notify.usage_on" if current and current.notify else "staff.notify.usage_off"
        return [Reply(t(key))]

    # -- /reply: answer a customer who asked for a person -------------------------------------

    async def _reply(self, customer: Customer, args: str, t: Translator) -> list[Reply]:
        target, _, text = args.partition(" ")
        text = text.strip()
        if not target or not text:
            return [Reply(t("staff.reply.usage"))]
        chat_id = chat_from_code(target)
        session = await self._store.load_session(chat_id) if chat_id is not None else None
        if chat_id is None or session is None:
            return [Reply(t("staff.reply.unknown", code=target))]
        language = session.get("language")
        now = self._clock.now()
        await self._store.schedule(
            ScheduledMessage(
                key=f"{STAFF_REPLY}:{chat_id}:{customer.user_id}:{now.isoformat()}",
                chat_id=chat_id,
                due_at=now,
                kind=STAFF_REPLY,
                payload={
                    "text": text,
                    "language": language if language in LANGUAGES else self._default_language,
                },
            )
        )
        logger.info("staff %s answered chat %s", customer.user_id, chat_id)
        return [Reply(t("staff.reply.sent", code=chat_code(chat_id)))]

    # -- /forget, for everyone ----------------------------------------------------------------

    async def _forget(self, customer: Customer, args: str, t: Translator) -> list[Reply]:
        token = await self._pending(customer, KIND_FORGET, {})
        return [
            Reply(
                t("staff.forget.confirm"),
                self._yes_no(token, t("staff.button.forget"), t),
            )
        ]

    async def _do_forget(self, pending: StaffAction, t: Translator) -> list[Reply]:
        counts = await self._store.forget_chat(pending.chat_id)
        await self._store.forget_staff_records(pending.chat_id)
        logger.info("chat %s forgotten at its own request", pending.chat_id)
        return [Reply(t("staff.forget.done", bookings=counts.bookings))]

    # -- issue 13: no-shows and the export ----------------------------------------------------

    async def _attendance_stats(self, start: datetime, end: datetime, t: Translator) -> list[str]:
        """Issue 13: confirmations and no-shows in the period, in total and per customer."""
        events = await self._store.events_between(start, end)
        kinds = [record.event.kind for record in events]
        rows = [
            t(
                "staff.stats.attendance",
                reminded=kinds.count(EventKind.REMINDED),
                confirmed=kinds.count(EventKind.ATTENDING),
                noshows=kinds.count(EventKind.NO_SHOW),
            )
        ]
        missed: dict[int, tuple[str, int]] = {}
        for record in events:
            if record.event.kind == EventKind.NO_SHOW:
                name, count = missed.get(record.entry.chat_id, (record.entry.contact_name, 0))
                missed[record.entry.chat_id] = (name, count + 1)
        if missed:
            ranked = sorted(missed.values(), key=lambda item: (-item[1], item[0]))
            names = ", ".join(f"{name} ({count})" for name, count in ranked[:5])
            rows.append(t("staff.stats.noshows_by_customer", customers=names))
        rows.extend(_rating_stats(events, t))
        return rows

    # -- issue 13: bookings waiting for staff approval ---------------------------------------

    async def approval_request(self, message: ScheduledMessage, t: Translator) -> list[Reply]:
        """One staff member's copy of a booking to approve, with Approva / Rifiuta."""
        payload = message.payload
        token = self._new_token()
        await self._store.save_staff_action(
            StaffAction(
                token=token,
                user_id=message.chat_id,  # a private chat: the staff member's own
                chat_id=message.chat_id,
                kind=KIND_APPROVE,
                payload=dict(payload),
                created_at=self._clock.now(),
            )
        )
        chat = payload.get("chat_id")
        count = await noshows_of(self._store, chat) if isinstance(chat, int) else 0
        text = t(
            "staff.approval.request",
            name=str(payload.get("name", "")),
            service=str(payload.get("service", "")),
            when=self._when(datetime.fromisoformat(str(payload.get("start"))), t),
            count=count,
            expires=format_time(
                datetime.fromisoformat(str(payload.get("expires_at"))), t.language, self._tz
            ),
        )
        buttons = (
            (
                Button(t("staff.approval.approve"), encode(token, YES)),
                Button(t("staff.approval.decline"), encode(token, NO)),
            ),
        )
        return [Reply(text, buttons)]

    async def _answer_approval(
        self, pending: StaffAction, approve: bool, t: Translator
    ) -> list[Reply]:
        """Approve: confirm the hold at Zimun (one key per hold, so two staff members approving
        book once), write the ledger and the reminders, tell the customer. Decline: release it."""
        payload = pending.payload
        hold_id = str(payload.get("hold_id", ""))
        chat = payload.get("chat_id")
        name = str(payload.get("name", ""))
        if not isinstance(chat, int):
            return [Reply(t("staff.confirm.expired"))]
        now = self._clock.now()
        if not approve:
            with contextlib.suppress(ZimunError):
                await self._zimun.release_hold(hold_id)
            await self._store.schedule(
                ScheduledMessage(
                    f"{APPROVAL_DECLINED}:{hold_id}",
                    chat,
                    now,
                    APPROVAL_DECLINED,
                    {"hold_id": hold_id},
                )
            )
            await self._store.finish_staff_action(pending.token, StaffActionState.DECLINED)
            return [Reply(t("staff.approval.declined", name=name))]
        try:
            appointment = await self._zimun.confirm(
                hold_id,
                name=name,
                email=str(payload.get("email", "")),
                idempotency_key=f"staff-approve-{hold_id}",
            )
        except (HoldExpired, NotFound, SlotUnavailable):
            await self._store.finish_staff_action(pending.token, StaffActionState.DECLINED)
            return [Reply(t("staff.approval.too_late", name=name))]
        except ZimunError as error:
            logger.warning("approval of hold %s failed: %s", hold_id, error.summary)
            return [Reply(t("staff.action.zimun_failed"))]
        if await self._store.find_booking(appointment.id) is None:
            await self._store.record_booking(
                LedgerEntry(
                    appointment_id=appointment.id,
                    chat_id=chat,
                    user_id=int(str(payload.get("user_id") or chat)),
                    service_id=appointment.service_id,
                    service_name=str(payload.get("service") or appointment.service_id),
                    start=appointment.start,
                    duration_minutes=appointment.duration_minutes,
                    status=appointment.status.value,
                    language=str(payload.get("language") or self._default_language),
                    contact_name=appointment.contact_name,
                    booking_code=appointment.booking_code,
                    created_at=now,
                )
            )
            await self._count(MetricKind.BOOKED, chat)
        await self._store.cancel_scheduled(f"hold_expired:{hold_id}")
        for key in reminder_keys(appointment.id):
            await self._store.cancel_scheduled(key)
        for message in reminder_messages(
            appointment.id, chat, appointment.start, hours=self._reminder_hours, now=now
        ):
            await self._store.schedule(message)
        # issue 13: an approved booking gets its message after the visit like any other
        visit = after_visit_message(appointment.id, chat, appointment.start, timezone=self._tz)
        await self._store.schedule(visit)
        await self._store.schedule(
            ScheduledMessage(
                f"{APPROVAL_DONE}:{hold_id}",
                chat,
                now,
                APPROVAL_DONE,
                {
                    "hold_id": hold_id,
                    "appointment_id": appointment.id,
                    "code": appointment.booking_code,
                    "start": appointment.start.isoformat(),
                    "service": str(payload.get("service", "")),
                    "minutes": appointment.duration_minutes,
                },
            )
        )
        await self._store.finish_staff_action(pending.token, StaffActionState.DONE)
        logger.info("staff user %s approved a booking of chat %s", pending.user_id, chat)
        return [Reply(t("staff.approval.done", name=name, code=appointment.booking_code or "–"))]

    async def _mark_token(self, marker: Customer, entry: LedgerEntry) -> str:
        """A no-show button's token: one tap marks it (no typed "sì" acts on it)."""
        token = self._new_token()
        await self._store.save_staff_action(
            StaffAction(
                token=token,
                user_id=marker.user_id,
                chat_id=marker.chat_id,
                kind=KIND_NOSHOW,
                payload={"appointment_id": entry.appointment_id},
                created_at=self._clock.now(),
            )
        )
        return token

    async def _noshow(self, customer: Customer, args: str, t: Translator) -> list[Reply]:
        if not args:
            return [Reply(t("staff.noshow.usage"))]
        entry = await self._store.find_booking(args.split()[0])
        if entry is None:
            return [Reply(t("staff.noshow.not_found", code=args.split()[0]))]
        return [Reply(await self._mark_noshow(entry, t))]

    async def _do_noshow(self, pending: StaffAction, t: Translator) -> list[Reply]:
        entry = await self._store.find_booking(str(pending.payload.get("appointment_id", "")))
        await self._store.finish_staff_action(pending.token, StaffActionState.DONE)
        if entry is None:
            return [Reply(t("staff.confirm.expired"))]
        return [Reply(await self._mark_noshow(entry, t))]

    async def _mark_noshow(self, entry: LedgerEntry, t: Translator) -> str:
        """Mark once; an appointment not started yet, or cancelled, is not a no-show."""
        now = self._clock.now()
        code = self._code(entry)
        if entry.status == CANCELLED_STATUS:
            return t("staff.noshow.cancelled", code=code)
        if entry.start > now:
            return t("staff.noshow.not_yet", code=code, when=self._when(entry.start, t))
        written = await self._store.record_event_once(entry.appointment_id, EventKind.NO_SHOW, now)
        count = await noshows_of(self._store, entry.chat_id)
        if not written:
            return t("staff.noshow.already", code=code, name=entry.contact_name, count=count)
        logger.info("appointment %s marked as a no-show", entry.appointment_id)
        return t(
            "staff.noshow.done",
            code=code,
            name=entry.contact_name,
            when=self._when(entry.start, t),
            count=count,
        )

    async def _export(self, customer: Customer, args: str, t: Translator) -> list[Reply]:
        """The period's appointments as a CSV document (default: the last 30 days)."""
        days = self._days(args, t.language, forward=False) if args else None
        if args and days is None:
            return [Reply(t("staff.agenda.unclear", text=args))]
        if days is None:
            today = self._today_local()
            days = (today - timedelta(days=29), today)
        start, end = self._bounds(*days)
        rows: dict[str, ExportRow] = {}
        for entry in await self._store.bookings_between(start, end):
            rows[entry.appointment_id] = ExportRow(
                start=entry.start,
                code=entry.booking_code or entry.appointment_id,
                service=entry.service_name,
                name=entry.contact_name,
                email="",
                status=entry.status,
                source="bot",
                history=tuple(await self._store.booking_history(entry.appointment_id)),
            )
        note = ""
        try:
            listed = await self._zimun.list_appointments(start=start, end=end)
        except ZimunError as error:
            logger.warning("export: Zimun list unavailable: %s", error.summary)
            note = t("staff.export.zimun_unavailable")
        else:
            services = await self._service_names()
            for appointment in listed:
                known = rows.get(appointment.id)
                rows[appointment.id] = ExportRow(
                    start=appointment.start,
                    code=appointment.booking_code or appointment.id,
                    service=known.service
                    if known
                    else services.get(appointment.service_id, appointment.service_id),
                    name=known.name if known else appointment.contact_name,
                    email=appointment.contact_email,
                    status=str(appointment.status),
                    source="bot" if known else "zimun",
                    history=known.history if known else (),
                )
        first, last = days
        content = export_csv(list(rows.values()), t, self._tz)
        name = f"{t('staff.export.file')}-{first.isoformat()}-{last.isoformat()}.csv"
        text = t("staff.export.caption", period=self._period_label(first, last, t), count=len(rows))
        if note:
            text += "\n" + note
        logger.info("staff user %s exported %d appointments", customer.user_id, len(rows))
        return [Reply(text, (), (Attachment(name, content, "text/csv"),))]


def _parse_time(value: object) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None


def _weekday_name(iso_weekday: int, language: str) -> str:
    # 2024-01-01 was a Monday: day N of that week has ISO weekday N.
    from babel.dates import format_date as babel_format_date

    day = date(2024, 1, iso_weekday)
    return str(babel_format_date(day, "EEEE", locale=language))


def _describe(error: ZimunError) -> str:
    # Type and status only: messages from a server are not ours to echo, and never a secret.
    return f"{type(error).__name__}" + (f", HTTP {error.status}" if error.status else "")


def _rating_stats(events: list[LedgerRecord], t: Translator) -> list[str]:
    """Issue 13: the average of the ratings customers gave in the period, and how many."""
    ratings = [
        value
        for record in events
        if record.event.kind == EventKind.RATED
        and isinstance(value := record.event.details.get("rating"), int)
    ]
    if not ratings:
        return []
    average = format_decimal(sum(ratings) / len(ratings), "0.0", locale=t.language)
    return [t("staff.stats.ratings", average=average, count=len(ratings))]
