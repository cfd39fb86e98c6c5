"""The Mini App's page and JSON API, as Starlette routes mounted on the bot's own server.

Every API call carries Telegram's signed initData (`Authorization: tma <initData>`) and is
checked on its own (`bot.miniapp.auth`); anything unsigned, forged, expired or reaching for
another customer's appointment gets 401 and changes nothing. Reads (services, the month, the
times of a day, the customer's appointments) go to Zimun and the ledger; every write is a
`Form` handed to the conversation engine for the customer's private chat (chat id = user id),
so the chat's session, keys, journal, ledger, reminders and staff notices serve both faces. A
booking, move or cancel made here is also told in the chat, with its `.ics`.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from importlib import resources
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from bot.clock import Clock
from bot.conversation import Customer, Form, Reply
from bot.conversation import webapp as ops
from bot.conversation.actions import instant_arg
from bot.conversation.session import Session, Step
from bot.i18n import (
    LANGUAGES,
    catalog_entries,
    format_date,
    format_datetime,
    format_money,
    format_time,
    language_for,
)
from bot.miniapp.auth import InvalidInitData, WebAppUser, verify_init_data
from bot.storage import LedgerEntry, Store
from bot.zimun import ClosureKind, Service, ZimunApi, ZimunError

__all__ = ["STATIC_FILES", "MiniAppDeps", "miniapp_routes"]

logger = logging.getLogger(__name__)

SendReplies = Callable[[int, Sequence[Reply]], Awaitable[None]]
Handle = Callable[[Customer, Form], Awaitable[list[Reply]]]

# The page: three files, served from the package (no build step, no CDN).
STATIC_FILES = {
    "index.html": "text/html; charset=utf-8",
    "app.js": "text/javascript; charset=utf-8",
    "app.css": "text/css; charset=utf-8",
}
TEXT_PREFIX = "miniapp."


@dataclass(frozen=True)
class MiniAppDeps:
    """What the Mini App runs on; `handle` is the conversation engine's (not the staff
    gateway's), `deliver` sends replies to a chat (None: the chat is not told, e.g. offline)."""

    handle: Handle
    zimun: ZimunApi
    store: Store
    clock: Clock
    timezone: tzinfo
    bot_token: str
    max_age: timedelta
    default_language: str = "it"
    horizon_days: int = 60
    service_id: str | None = None
    deliver: SendReplies | None = None
    # Development only (`python -m bot miniapp --sandbox`): a signed initData for a fake user.
    dev_init_data: Callable[[], str] | None = None


class _Unauthorized(Exception):
    pass


def miniapp_routes(deps: MiniAppDeps, *, prefix: str = "/app") -> list[BaseRoute]:
    """The page at `prefix`/ and the API under `prefix`/api/."""
    api = _Api(deps)

    def static(name: str) -> Callable[[Request], Awaitable[Response]]:
        body = resources.files("bot.miniapp").joinpath("static", name).read_bytes()

        async def serve(_: Request) -> Response:
            headers = {"Cache-Control": "no-cache", "X-Content-Type-Options": "nosniff"}
            return Response(body, media_type=STATIC_FILES[name], headers=headers)

        return serve

    async def texts(request: Request) -> Response:
        # Public: the page's own words, so even a refused visitor reads why in their language.
        language = language_for(request.query_params.get("language"), deps.default_language)
        return JSONResponse({"language": language, "texts": _Api._texts(language)})

    async def to_slash(_: Request) -> Response:
        return RedirectResponse(f"{prefix}/")

    routes: list[BaseRoute] = [
        Route(prefix, to_slash, methods=["GET"]),
        Route(f"{prefix}/", static("index.html"), methods=["GET"]),
        Route(f"{prefix}/app.js", static("app.js"), methods=["GET"]),
        Route(f"{prefix}/app.css", static("app.css"), methods=["GET"]),
        Route(f"{prefix}/api/texts", texts, methods=["GET"]),
        Route(f"{prefix}/api/me", api.guarded(api.me), methods=["GET"]),
        Route(f"{prefix}/api/month", api.guarded(api.month), methods=["GET"]),
        Route(f"{prefix}/api/times", api.guarded(api.times), methods=["GET"]),
        Route(f"{prefix}/api/appointments", api.guarded(api.appointments), methods=["GET"]),
        Route(f"{prefix}/api/hold", api.guarded(api.hold), methods=["POST"]),
        Route(f"{prefix}/api/contact", api.guarded(api.contact), methods=["POST"]),
        Route(f"{prefix}/api/confirm", api.guarded(api.confirm), methods=["POST"]),
        Route(f"{prefix}/api/release", api.guarded(api.release), methods=["POST"]),
        Route(f"{prefix}/api/move", api.guarded(api.move), methods=["POST"]),
        Route(f"{prefix}/api/cancel", api.guarded(api.cancel), methods=["POST"]),
    ]
    if deps.dev_init_data is not None:
        dev = deps.dev_init_data

        async def dev_init(_: Request) -> Response:
            return JSONResponse({"init_data": dev()})

        routes.append(Route(f"{prefix}/dev/init-data", dev_init, methods=["GET"]))
    return routes


Endpoint = Callable[[Request, WebAppUser], Awaitable[Response]]


class _Api:
    def __init__(self, deps: MiniAppDeps) -> None:
        self.deps = deps

    def guarded(self, endpoint: Endpoint) -> Callable[[Request], Awaitable[Response]]:
        async def call(request: Request) -> Response:
            header = request.headers.get("Authorization", "")
            scheme, _, init_data = header.partition(" ")
            try:
                if scheme.lower() != "tma":
                    raise InvalidInitData("no tma authorization")
                user = verify_init_data(
                    init_data.strip(),
                    bot_token=self.deps.bot_token,
                    now=self.deps.clock.now(),
                    max_age=self.deps.max_age,
                )
                return await endpoint(request, user)
            except (InvalidInitData, _Unauthorized) as exc:
                logger.info("mini app request refused: %s", exc)
                return JSONResponse({"error": "unauthorized"}, status_code=401)
            except ZimunError as exc:
                logger.warning("mini app: Zimun unavailable: %s", exc.summary)
                language = self._language(None)
                text = self._texts(language).get("miniapp.error", "")
                return JSONResponse({"error": "unavailable", "messages": [text]}, status_code=503)

        return call

    # helpers
    def _language(self, user: WebAppUser | None, session: Session | None = None) -> str:
        if session is not None and session.language in LANGUAGES:
            return session.language
        code = user.language_code if user else None
        return language_for(code, self.deps.default_language)

    @staticmethod
    def _texts(language: str) -> dict[str, str]:
        entries = catalog_entries()[language]
        return {k: e.text for k, e in entries.items() if k.startswith(TEXT_PREFIX)}

    async def _session(self, user: WebAppUser) -> Session:
        return Session.from_dict(await self.deps.store.load_session(user.id))

    async def _services(self) -> list[Service]:
        services = await self.deps.zimun.list_services()
        if self.deps.service_id is not None:
            services = [s for s in services if s.id == self.deps.service_id]
        return services

    def _today(self) -> date:
        return self.deps.clock.now().astimezone(self.deps.timezone).date()

    def _when(self, moment: datetime, language: str) -> str:
        return format_datetime(moment, language, self.deps.timezone)

    def _state(self, session: Session, language: str) -> dict[str, Any]:
        hold = session.hold
        done = session.done
        return {
            "step": session.step.value,
            "flow": session.flow.value if session.flow else None,
            "service": session.service_name,
            "hold": None
            if hold is None
            else {
                "start": instant_arg(hold.start),
                "label": self._when(hold.start, language),
                "expires_at": hold.expires_at.isoformat(),
                "seconds_left": max(
                    0, int((hold.expires_at - self.deps.clock.now()).total_seconds())
                ),
            },
            "name": session.contact_name,
            "email": session.contact_email,
            "suggestion": session.email_suggestion,
            "typed": session.email_typed,
            "done": None
            if done is None
            else {"code": done.booking_code, "label": self._when(done.start, language)},
        }

    def _entry(self, entry: LedgerEntry, language: str) -> dict[str, Any]:
        return {
            "id": entry.appointment_id,
            "service_id": entry.service_id,
            "service": entry.service_name,
            "start": instant_arg(entry.start),
            "label": self._when(entry.start, language),
            "code": entry.booking_code,
        }

    async def _run(self, user: WebAppUser, form: Form) -> tuple[Session, list[Reply]]:
        customer = Customer(
            chat_id=user.id,
            user_id=user.id,
            first_name=user.first_name,
            last_name=user.last_name,
            language_code=user.language_code,
        )
        replies = await self.deps.handle(customer, form)
        return await self._session(user), replies

    def _answer(
        self, ok: bool, session: Session, replies: list[Reply], *, refused: int = 409
    ) -> Response:
        language = self._language(None, session)
        body = {
            "ok": ok,
            "state": self._state(session, language),
            "messages": [reply.text for reply in replies],
        }
        return JSONResponse(body, status_code=200 if ok else refused)

    async def _tell_chat(self, chat_id: int, replies: list[Reply]) -> None:
        if self.deps.deliver is None or not replies:
            return
        try:
            await self.deps.deliver(chat_id, replies)
        except Exception:
            # Booked all the same: it shows in /appointments and in the app.
            logger.exception("mini app result not delivered to chat %s", chat_id)

    @staticmethod
    async def _body(request: Request) -> dict[str, str]:
        try:
            data = await request.json()
        except ValueError:
            return {}
        if not isinstance(data, dict):
            return {}
        return {str(k): str(v) for k, v in data.items() if isinstance(v, str | int)}

    # reads
    async def me(self, request: Request, user: WebAppUser) -> Response:
        session = await self._session(user)
        language = self._language(user, session)
        services = [
            {
                "id": s.id,
                "name": s.name,
                "minutes": s.duration_minutes,
                "price": format_money(s.price.amount, s.price.currency, language)
                if s.price
                else None,
            }
            for s in await self._services()
        ]
        name = " ".join(p for p in (user.first_name, user.last_name) if p) or None
        email = None
        history = await self.deps.store.bookings_for_chat(user.id, include_cancelled=True)
        if history:
            last = max(history, key=lambda e: e.created_at)
            name = last.contact_name or name
            try:
                email = (await self.deps.zimun.get_appointment(last.appointment_id)).contact_email
            except ZimunError:
                email = None
        return JSONResponse(
            {
                "language": language,
                "texts": self._texts(language),
                "services": services,
                "profile": {"name": name, "email": email},
                "today": self._today().isoformat(),
                "last_day": (self._today() + timedelta(days=self.deps.horizon_days)).isoformat(),
                "state": self._state(session, language),
            }
        )

    async def month(self, request: Request, user: WebAppUser) -> Response:
        service = request.query_params.get("service", "")
        try:
            first = date.fromisoformat(request.query_params.get("month", "") + "-01")
        except ValueError:
            return JSONResponse({"error": "month"}, status_code=400)
        if service not in {s.id for s in await self._services()}:
            return JSONResponse({"error": "service"}, status_code=400)
        language = self._language(user, await self._session(user))
        today, last = self._today(), self._today() + timedelta(days=self.deps.horizon_days)
        end = (first.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
        start, stop = max(first, today), min(end, last)
        free: set[date] = set()
        closures = {}
        if start <= stop:
            availability = await self.deps.zimun.get_availability(
                service, first_day=start, days_ahead=(stop - start).days + 1
            )
            free = {s.start.astimezone(self.deps.timezone).date() for s in availability.slots}
            closures = availability.closures
        texts = self._texts(language)
        days = []
        day = first
        while day <= end:
            closure = closures.get(day)
            if day < today or day > last:
                state, label = "out", ""
            elif closure is not None:
                state = "holiday" if closure.kind is ClosureKind.HOLIDAY else "closed"
                label = closure.label or texts.get("miniapp.closed", "")
            elif day in free:
                state, label = "open", ""
            else:
                state, label = "full", texts.get("miniapp.full", "")
            days.append(
                {
                    "date": day.isoformat(),
                    "state": state,
                    "label": label,
                    "title": format_date(day, language),
                }
            )
            day += timedelta(days=1)
        return JSONResponse({"month": first.isoformat()[:7], "days": days})

    async def times(self, request: Request, user: WebAppUser) -> Response:
        service = request.query_params.get("service", "")
        try:
            day = date.fromisoformat(request.query_params.get("day", ""))
        except ValueError:
            return JSONResponse({"error": "day"}, status_code=400)
        if service not in {s.id for s in await self._services()}:
            return JSONResponse({"error": "service"}, status_code=400)
        language = self._language(user, await self._session(user))
        now = self.deps.clock.now()
        availability = await self.deps.zimun.get_availability(service, first_day=day, days_ahead=1)
        starts = sorted(
            s.start
            for s in availability.slots
            if s.start.astimezone(self.deps.timezone).date() == day and s.start > now
        )
        return JSONResponse(
            {
                "day": day.isoformat(),
                "title": format_date(day, language),
                "times": [
                    {"start": instant_arg(s), "label": format_time(s, language, self.deps.timezone)}
                    for s in starts
                ],
            }
        )

    async def appointments(self, request: Request, user: WebAppUser) -> Response:
        language = self._language(user, await self._session(user))
        entries = await self.deps.store.bookings_for_chat(user.id, after=self.deps.clock.now())
        return JSONResponse({"appointments": [self._entry(e, language) for e in entries]})

    # writes, each through the engine
    async def hold(self, request: Request, user: WebAppUser) -> Response:
        body = await self._body(request)
        form = Form(
            ops.HOLD, (("service", body.get("service", "")), ("start", body.get("start", "")))
        )
        session, replies = await self._run(user, form)
        held = session.hold is not None and instant_arg(session.hold.start) == body.get("start")
        return self._answer(held, session, replies)

    async def contact(self, request: Request, user: WebAppUser) -> Response:
        body = await self._body(request)
        fields = tuple((k, body.get(k, "")) for k in ("name", "email", "choice"))
        session, replies = await self._run(user, Form(ops.CONTACT, fields))
        ok = session.step is Step.SUMMARY and session.hold is not None
        return self._answer(ok, session, replies, refused=422 if session.hold else 409)

    async def confirm(self, request: Request, user: WebAppUser) -> Response:
        session, replies = await self._run(user, Form(ops.CONFIRM))
        # Booked by this request: the chat's confirmation, which carries the .ics ("already
        # booked", after a chat that was quicker, carries none).
        booked = session.done is not None and _with_calendar(replies)
        if booked:
            await self._tell_chat(user.id, replies)
        return self._answer(booked, session, replies)

    async def release(self, request: Request, user: WebAppUser) -> Response:
        session, replies = await self._run(user, Form(ops.RELEASE))
        return self._answer(True, session, replies)

    async def _owned(self, user: WebAppUser, appointment_id: str) -> LedgerEntry:
        entry = await self.deps.store.find_booking(appointment_id) if appointment_id else None
        if entry is not None and entry.chat_id != user.id:
            raise _Unauthorized("appointment of another chat")
        if entry is None:
            raise _Unauthorized("unknown appointment")
        return entry

    async def move(self, request: Request, user: WebAppUser) -> Response:
        body = await self._body(request)
        entry = await self._owned(user, body.get("appointment", ""))
        fields = (("appointment", entry.appointment_id), ("start", body.get("start", "")))
        session, replies = await self._run(user, Form(ops.MOVE, fields))
        after = await self.deps.store.find_booking(entry.appointment_id)
        moved = after is not None and instant_arg(after.start) == body.get("start")
        moved = moved and _with_calendar(replies)  # the chat's "moved", with the new .ics
        if moved:
            await self._tell_chat(user.id, replies)
        return self._answer(moved, session, replies)

    async def cancel(self, request: Request, user: WebAppUser) -> Response:
        body = await self._body(request)
        entry = await self._owned(user, body.get("appointment", ""))
        fields = (("appointment", entry.appointment_id), ("reason", body.get("reason", "")))
        session, replies = await self._run(user, Form(ops.CANCEL, fields))
        after = await self.deps.store.find_booking(entry.appointment_id)
        cancelled = (
            after is not None and after.status == "cancelled" and entry.status != "cancelled"
        )
        if cancelled:
            await self._tell_chat(user.id, replies)
        return self._answer(cancelled, session, replies)


def _with_calendar(replies: list[Reply]) -> bool:
    return any(reply.attachments for reply in replies)
