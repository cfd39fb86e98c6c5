"""The Mini App's API (issue 14) through httpx against its ASGI app, on the real engine, store and
sandbox built by `bot.bootstrap`: signed initData on every call, and the chat's own booking code
behind every write (one session, one ledger, the chat told with its `.ics`)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from bot.bootstrap import App, bootstrap
from bot.clock import ManualClock
from bot.config import Settings
from bot.conversation import Command, Customer, Press, Reply, Text
from bot.conversation.actions import instant_arg
from bot.conversation.session import Session, Step
from bot.i18n import translator_for
from bot.miniapp import WebAppUser, sign_init_data
from bot.miniapp.server import DEV_TOKEN, create_miniapp, deps_for
from bot.sandbox import World, default_seed

TOKEN = "123456:TEST-token-for-the-mini-app"
NOW = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)  # Monday 23 November 2026, 09:00 in Rome
THURSDAY_15 = datetime(2026, 11, 26, 14, 0, tzinfo=UTC)
FRIDAY_10 = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
GIULIA = WebAppUser(id=5001, first_name="Giulia", last_name="Verdi", language_code="it")
JANE = WebAppUser(id=5002, first_name="Jane", last_name="Doe", language_code="en")
IT, EN = translator_for("it"), translator_for("en")


@dataclass
class Business:
    app: App
    world: World
    clock: ManualClock
    http: httpx.AsyncClient
    told: list[tuple[int, Reply]] = field(default_factory=list)

    def auth(self, user: WebAppUser, *, token: str = TOKEN, at: datetime | None = None) -> Any:
        init = sign_init_data(user, bot_token=token, auth_date=at or self.clock.now())
        return {"Authorization": f"tma {init}"}

    async def get(self, user: WebAppUser, path: str, **params: str) -> httpx.Response:
        return await self.http.get(f"/app/api/{path}", params=params, headers=self.auth(user))

    async def post(self, user: WebAppUser, path: str, **body: str) -> httpx.Response:
        return await self.http.post(f"/app/api/{path}", json=body, headers=self.auth(user))

    async def book(self, user: WebAppUser, start: datetime, email: str) -> httpx.Response:
        held = await self.post(user, "hold", service="s_taglio", start=instant_arg(start))
        assert held.status_code == 200, held.json()
        contact = await self.post(user, "contact", name="Giulia Verdi", email=email)
        assert contact.status_code == 200, contact.json()
        return await self.post(user, "confirm")

    def confirmed(self) -> list[Any]:
        return [a for a in self.world.appointments.values() if a.status == "confirmed"]

    async def session(self, chat_id: int) -> Session:
        return Session.from_dict(await self.app.store.load_session(chat_id))


@pytest.fixture
async def business(tmp_path: Path) -> AsyncIterator[Business]:
    clock = ManualClock(NOW)
    # One member of staff: a time booked once is gone for everybody.
    world = World(seed=replace(default_seed(), staff=1), clock=clock)
    settings = Settings(
        _env_file=None,
        telegram_bot_token=TOKEN,
        database_url=f"sqlite:///{tmp_path / 'bot.sqlite3'}",
        mini_app_url="https://bot.example.com/app/",
    )
    told: list[tuple[int, Reply]] = []

    async def deliver(chat_id: int, replies: Sequence[Reply]) -> None:
        told.extend((chat_id, reply) for reply in replies)

    async with await bootstrap(settings, clock=clock, world=world, warm_up=None) as app:
        asgi = create_miniapp(deps_for(app, bot_token=TOKEN, deliver=deliver))
        transport = httpx.ASGITransport(app=asgi)
        async with httpx.AsyncClient(transport=transport, base_url="http://miniapp.test") as http:
            yield Business(app, world, clock, http, told)


# -- authentication -----------------------------------------------------------------------------


async def test_signed_init_data_opens_the_app_in_the_users_language(business: Business) -> None:
    answer = await business.get(JANE, "me")
    assert answer.status_code == 200
    body = answer.json()
    assert body["language"] == "en"
    assert body["texts"]["miniapp.confirm"] == EN("miniapp.confirm")
    assert [s["id"] for s in body["services"]] == ["s_taglio", "s_piega", "s_colore"]
    assert body["profile"]["name"] == "Jane Doe"


@pytest.mark.parametrize("path", ["me", "month", "times", "appointments"])
async def test_reads_without_init_data_are_refused(business: Business, path: str) -> None:
    assert (await business.http.get(f"/app/api/{path}")).status_code == 401


async def test_forged_init_data_books_nothing(business: Business) -> None:
    start = instant_arg(THURSDAY_15)
    forged = business.auth(GIULIA, token="654321:another-bot")
    held = await business.http.post(
        "/app/api/hold", json={"service": "s_taglio", "start": start}, headers=forged
    )
    assert held.status_code == 401
    # A genuine initData with one field changed after signing is forged too.
    genuine = business.auth(GIULIA)["Authorization"]
    tampered = {"Authorization": genuine.replace("5001", "5003")}
    held = await business.http.post(
        "/app/api/hold", json={"service": "s_taglio", "start": start}, headers=tampered
    )
    assert held.status_code == 401
    assert business.world.holds == {} or all(
        h.start != THURSDAY_15 for h in business.world.holds.values()
    )
    assert await business.app.store.load_session(GIULIA.id) is None


async def test_expired_init_data_is_refused(business: Business) -> None:
    old = business.auth(GIULIA, at=NOW - timedelta(days=2))
    assert (await business.http.get("/app/api/me", headers=old)).status_code == 401


async def test_the_development_signer_never_runs_with_a_real_token(business: Business) -> None:
    from bot.config import ConfigError
    from bot.miniapp.server import DEV_USER

    with pytest.raises(ConfigError):
        deps_for(business.app, bot_token=TOKEN, dev_user=DEV_USER)
    assert deps_for(business.app, bot_token=DEV_TOKEN, dev_user=DEV_USER).dev_init_data


async def test_another_users_appointment_cannot_be_moved_or_cancelled(business: Business) -> None:
    booked = await business.book(GIULIA, THURSDAY_15, "giulia@example.org")
    assert booked.status_code == 200
    [appointment] = (await business.get(GIULIA, "appointments")).json()["appointments"]
    moved = await business.post(
        JANE, "move", appointment=appointment["id"], start=instant_arg(FRIDAY_10)
    )
    cancelled = await business.post(JANE, "cancel", appointment=appointment["id"])
    assert (moved.status_code, cancelled.status_code) == (401, 401)
    [still] = business.confirmed()
    assert still.start == THURSDAY_15


# -- booking --------------------------------------------------------------------------------------


async def test_month_shows_closed_days_with_their_label(business: Business) -> None:
    month = (await business.get(GIULIA, "month", service="s_taglio", month="2026-12")).json()
    days = {d["date"]: d for d in month["days"]}
    assert days["2026-12-03"]["state"] == "closed"
    assert days["2026-12-03"]["label"] == "Formazione del personale"
    assert days["2026-12-08"]["state"] == "holiday"
    assert days["2026-12-08"]["label"] == "Immacolata Concezione"
    assert days["2026-12-04"]["state"] == "open"
    november = (await business.get(GIULIA, "month", service="s_taglio", month="2026-11")).json()
    assert {d["date"]: d["state"] for d in november["days"]}["2026-11-20"] == "out"


async def test_a_booking_in_the_app_is_the_chats_booking(business: Business) -> None:
    times = (await business.get(GIULIA, "times", service="s_taglio", day="2026-11-26")).json()
    assert {"start": instant_arg(THURSDAY_15), "label": "15:00"} in times["times"]
    held = await business.post(GIULIA, "hold", service="s_taglio", start=instant_arg(THURSDAY_15))
    assert held.status_code == 200
    hold = held.json()["state"]["hold"]
    assert hold["seconds_left"] == 600
    assert hold["label"] == "giovedì 26 novembre alle 15:00"
    # A slip in the address gets the chat's "did you mean", and the suggestion settles it.
    slip = await business.post(GIULIA, "contact", name="Giulia Verdi", email="giulia@gmial.com")
    assert slip.status_code == 422
    assert slip.json()["state"]["suggestion"] == "giulia@gmail.com"
    assert (await business.post(GIULIA, "contact", choice="s")).status_code == 200
    booked = await business.post(GIULIA, "confirm")
    assert booked.status_code == 200
    [appointment] = business.confirmed()
    assert (appointment.start, appointment.contact_email) == (THURSDAY_15, "giulia@gmail.com")
    # The chat is told, with the calendar file, in the chat's own words.
    [(chat_id, reply)] = business.told
    assert chat_id == GIULIA.id
    assert reply.text.startswith(IT("booked.text", service="Taglio", when="", code="")[:10])
    assert [a.filename for a in reply.attachments] and reply.attachments[0].filename.endswith(
        ".ics"
    )
    # /appointments in the chat lists it; the ledger, reminder and session are the chat's.
    listed = await business.app.engine.handle(
        Customer(chat_id=GIULIA.id, user_id=GIULIA.id, language_code="it"), Command("appointments")
    )
    assert "giovedì 26 novembre alle 15:00" in listed[-1].text
    assert (await business.session(GIULIA.id)).step is Step.IDLE
    # Confirming again books nothing more.
    again = await business.post(GIULIA, "confirm")
    assert again.status_code == 409 and len(business.confirmed()) == 1


async def test_invalid_name_is_refused_with_the_chats_words(business: Business) -> None:
    await business.post(GIULIA, "hold", service="s_taglio", start=instant_arg(THURSDAY_15))
    refused = await business.post(GIULIA, "contact", name="asdf", email="giulia@example.org")
    assert refused.status_code == 422
    assert refused.json()["state"]["step"] == "name"
    assert refused.json()["messages"]
    assert business.confirmed() == []


async def test_a_time_taken_meanwhile_offers_the_nearest(business: Business) -> None:
    await business.book(JANE, THURSDAY_15, "jane@example.org")
    taken = await business.post(GIULIA, "hold", service="s_taglio", start=instant_arg(THURSDAY_15))
    assert taken.status_code == 409
    assert (
        IT("slot.just_taken", when="giovedì 26 novembre alle 15:00") in taken.json()["messages"][0]
    )
    assert len(business.confirmed()) == 1


async def test_an_expired_hold_taken_meanwhile_books_nothing(business: Business) -> None:
    await business.post(GIULIA, "hold", service="s_taglio", start=instant_arg(THURSDAY_15))
    await business.post(GIULIA, "contact", name="Giulia Verdi", email="giulia@example.org")
    business.clock.advance(timedelta(minutes=11))
    await business.book(JANE, THURSDAY_15, "jane@example.org")
    late = await business.post(GIULIA, "confirm")
    assert late.status_code == 409
    assert [a.contact_email for a in business.confirmed()] == ["jane@example.org"]


async def test_an_expired_hold_still_free_is_held_again_and_booked(business: Business) -> None:
    await business.post(GIULIA, "hold", service="s_taglio", start=instant_arg(THURSDAY_15))
    await business.post(GIULIA, "contact", name="Giulia Verdi", email="giulia@example.org")
    business.clock.advance(timedelta(minutes=11))
    assert (await business.post(GIULIA, "confirm")).status_code == 200
    assert [a.start for a in business.confirmed()] == [THURSDAY_15]


async def test_move_and_cancel(business: Business) -> None:
    await business.book(GIULIA, THURSDAY_15, "giulia@example.org")
    [appointment] = (await business.get(GIULIA, "appointments")).json()["appointments"]
    business.told.clear()
    moved = await business.post(
        GIULIA, "move", appointment=appointment["id"], start=instant_arg(FRIDAY_10)
    )
    assert moved.status_code == 200
    assert [a.start for a in business.confirmed()] == [FRIDAY_10]
    assert business.told[0][1].attachments  # the updated .ics in the chat
    cancelled = await business.post(GIULIA, "cancel", appointment=appointment["id"], reason="flu")
    assert cancelled.status_code == 200
    assert business.confirmed() == []
    assert (await business.get(GIULIA, "appointments")).json()["appointments"] == []


# -- the chat and the app at once ------------------------------------------------------------------


async def test_chat_and_app_racing_on_one_session_book_once(business: Business) -> None:
    giulia = Customer(chat_id=GIULIA.id, user_id=GIULIA.id, first_name="Giulia", language_code="it")
    engine = business.app.engine
    await engine.handle(giulia, Text("taglio giovedì alle 15"))
    await engine.handle(giulia, Text("Giulia Verdi"))
    summary = await engine.handle(giulia, Text("giulia@example.org"))
    confirm = next(b for row in summary[-1].buttons for b in row if "|confirm|" in b.action)
    assert (await business.session(GIULIA.id)).step is Step.SUMMARY
    chat_press, app_confirm = await asyncio.gather(
        engine.handle(giulia, Press(confirm.action)), business.post(GIULIA, "confirm")
    )
    assert len(business.confirmed()) == 1
    # Exactly one of them booked (the chat's booking brings its .ics); the other was told so.
    chat_booked = any(reply.attachments for reply in chat_press)
    assert (app_confirm.status_code == 200) != chat_booked
    assert app_confirm.status_code in (200, 409)


async def test_a_hold_in_the_app_retires_the_chats_keyboard(business: Business) -> None:
    giulia = Customer(chat_id=GIULIA.id, user_id=GIULIA.id, first_name="Giulia", language_code="it")
    engine = business.app.engine
    await engine.handle(giulia, Text("taglio giovedì alle 15"))
    await engine.handle(giulia, Text("Giulia Verdi"))
    summary = await engine.handle(giulia, Text("giulia@example.org"))
    confirm = next(b for row in summary[-1].buttons for b in row if "|confirm|" in b.action)
    # Meanwhile the app holds Friday instead: the chat's Thursday hold is let go.
    held = await business.post(GIULIA, "hold", service="s_taglio", start=instant_arg(FRIDAY_10))
    assert held.status_code == 200
    await engine.handle(giulia, Press(confirm.action))
    assert business.confirmed() == []
    await business.post(GIULIA, "contact", name="Giulia Verdi", email="giulia@example.org")
    assert (await business.post(GIULIA, "confirm")).status_code == 200
    assert [a.start for a in business.confirmed()] == [FRIDAY_10]


async def test_two_customers_racing_for_one_time_book_it_once(business: Business) -> None:
    jane = Customer(chat_id=JANE.id, user_id=JANE.id, first_name="Jane", language_code="en")
    engine = business.app.engine
    await engine.handle(jane, Text("haircut thursday at 3pm"))
    await engine.handle(jane, Text("Jane Doe"))
    summary = await engine.handle(jane, Text("jane@example.org"))
    confirm = next(b for row in summary[-1].buttons for b in row if "|confirm|" in b.action)
    app_hold = await business.post(
        GIULIA, "hold", service="s_taglio", start=instant_arg(THURSDAY_15)
    )
    assert app_hold.status_code == 409  # Jane's chat holds it
    await engine.handle(jane, Press(confirm.action))
    assert [a.contact_email for a in business.confirmed()] == ["jane@example.org"]


def test_every_text_the_page_shows_is_in_both_catalogs() -> None:
    import re

    from bot.i18n import LANGUAGES

    page = (Path(__file__).parents[2] / "bot/miniapp/static/app.js").read_text(encoding="utf-8")
    used = {f"miniapp.{key}" for key in re.findall(r'\bT\("([a-z_]+)"', page)}
    assert len(used) > 20
    for language in LANGUAGES:
        translator = translator_for(language)
        assert sorted(k for k in used if not translator.has(k)) == [], language


def test_the_page_is_small_and_loads_nothing_from_elsewhere() -> None:
    import re

    static = Path(__file__).parents[2] / "bot/miniapp/static"
    files = {path.name: path.read_text(encoding="utf-8") for path in static.iterdir()}
    assert set(files) == {"index.html", "app.js", "app.css"}
    assert sum(len(text.encode()) for text in files.values()) < 100_000
    # The only address in the page is Telegram Web's origin, for the bridge's postMessage.
    addresses = {m for text in files.values() for m in re.findall(r"https?://[^\s\"')]+", text)}
    assert addresses <= {"https://web.telegram.org"}


@pytest.mark.parametrize("first", ["chat", "app"])
async def test_whichever_face_confirms_second_is_told_it_is_booked(
    business: Business, first: str
) -> None:
    giulia = Customer(chat_id=GIULIA.id, user_id=GIULIA.id, first_name="Giulia", language_code="it")
    engine = business.app.engine
    await engine.handle(giulia, Text("taglio giovedì alle 15"))
    await engine.handle(giulia, Text("Giulia Verdi"))
    summary = await engine.handle(giulia, Text("giulia@example.org"))
    confirm = next(b for row in summary[-1].buttons for b in row if "|confirm|" in b.action)
    if first == "chat":
        await engine.handle(giulia, Press(confirm.action))
        app = await business.post(GIULIA, "confirm")
        assert app.status_code == 409
        assert app.json()["messages"][0].startswith(IT("booked.already", when="", code="")[:12])
        assert business.told == []  # the chat already has its confirmation
    else:
        assert (await business.post(GIULIA, "confirm")).status_code == 200
        [late] = await engine.handle(giulia, Press(confirm.action))
        assert late.text.startswith(IT("booked.already", when="", code="")[:12])
        assert len(business.told) == 1
    assert len(business.confirmed()) == 1
