"""The Mini App in a real browser (issue 14): headless Chromium (Debian's `chromium`, driven by
Playwright for Python) opens the page served over loopback with signed initData in the launch
parameters, as Telegram opens it, and taps through a booking, a move, a cancel, an expired hold
and a time taken meanwhile; the page is also checked in dark theme and at a phone's width.

Skipped, saying so, when no Chromium is installed (`apt-get install chromium`); Playwright cannot
download its own browsers here.
"""

from __future__ import annotations

import asyncio
import json
import shutil
import socket
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import pytest
import uvicorn

from bot.bootstrap import bootstrap
from bot.clock import ManualClock
from bot.config import Settings
from bot.conversation import Reply
from bot.conversation.actions import instant_arg
from bot.i18n import translator_for
from bot.miniapp import WebAppUser, sign_init_data
from bot.miniapp.server import create_miniapp, deps_for
from bot.sandbox import World, default_seed

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
try:
    from playwright.async_api import Browser, Page, async_playwright, expect
except ImportError:  # pragma: no cover - the [test] extra installs it
    async_playwright = None  # type: ignore[assignment]

pytestmark = pytest.mark.skipif(
    CHROMIUM is None or async_playwright is None,
    reason="browser tests skipped: no Chromium found (apt-get install chromium) "
    "or Playwright missing (pip install -e '.[test]')",
)

TOKEN = "123456:TEST-token-for-the-mini-app"
NOW = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)  # Monday 23 November 2026, 09:00 in Rome
THURSDAY_15 = datetime(2026, 11, 26, 14, 0, tzinfo=UTC)
GIULIA = WebAppUser(id=6001, first_name="Giulia", last_name="Verdi", language_code="it")
JANE = WebAppUser(id=6002, first_name="Jane", last_name="Doe", language_code="en")
DARK = {
    "bg_color": "#17212b",
    "text_color": "#f5f5f5",
    "hint_color": "#708499",
    "link_color": "#6ab3f3",
    "button_color": "#5288c1",
    "button_text_color": "#ffffff",
    "secondary_bg_color": "#232e3c",
}
PHONE = {"width": 360, "height": 740}


@dataclass
class Site:
    base: str
    world: World
    clock: ManualClock
    browser: Browser
    told: list[tuple[int, Reply]] = field(default_factory=list)

    def url(
        self, user: WebAppUser, *, token: str = TOKEN, theme: dict[str, str] | None = None
    ) -> str:
        init = sign_init_data(user, bot_token=token, auth_date=self.clock.now())
        launch = f"tgWebAppData={quote(init, safe='')}"
        if theme:
            launch += f"&tgWebAppThemeParams={quote(json.dumps(theme), safe='')}"
        return f"{self.base}/app/#{launch}"

    async def open(self, user: WebAppUser, **kwargs: Any) -> Page:
        page = await self.browser.new_page(viewport=PHONE)
        page.set_default_timeout(5000)
        await page.goto(self.url(user, **kwargs))
        return page

    def confirmed(self) -> list[Any]:
        return [a for a in self.world.appointments.values() if a.status == "confirmed"]

    async def book_elsewhere(self, start: datetime) -> None:
        """Another customer takes `start` through the API, as another phone would."""
        auth = {
            "Authorization": "tma "
            + sign_init_data(
                WebAppUser(id=6099, first_name="Ada", last_name="Lovelace"),
                bot_token=TOKEN,
                auth_date=self.clock.now(),
            )
        }
        async with httpx.AsyncClient(base_url=self.base, headers=auth) as client:
            body = {"service": "s_taglio", "start": instant_arg(start)}
            assert (await client.post("/app/api/hold", json=body)).status_code == 200
            contact = {"name": "Ada Lovelace", "email": "ada@example.org"}
            assert (await client.post("/app/api/contact", json=contact)).status_code == 200
            assert (await client.post("/app/api/confirm")).status_code == 200


@pytest.fixture
async def site(tmp_path: Path) -> AsyncIterator[Site]:
    assert async_playwright is not None and CHROMIUM is not None
    clock = ManualClock(NOW)
    world = World(seed=replace(default_seed(), staff=1), clock=clock)
    settings = Settings(
        _env_file=None,
        telegram_bot_token=TOKEN,
        database_url=f"sqlite:///{tmp_path / 'bot.sqlite3'}",
    )
    told: list[tuple[int, Reply]] = []

    async def deliver(chat_id: int, replies: Sequence[Reply]) -> None:
        told.extend((chat_id, reply) for reply in replies)

    # Listening before the server task runs: the browser's first request waits in the backlog.
    listening = socket.create_server(("127.0.0.1", 0))
    port = listening.getsockname()[1]
    async with await bootstrap(settings, clock=clock, world=world, warm_up=None) as app:
        asgi = create_miniapp(deps_for(app, bot_token=TOKEN, deliver=deliver))
        config = uvicorn.Config(
            asgi, host="127.0.0.1", port=port, log_level="warning", lifespan="off"
        )
        server = uvicorn.Server(config)
        serving = asyncio.create_task(server.serve(sockets=[listening]))
        try:
            async with async_playwright() as playwright:
                browser = await playwright.chromium.launch(
                    executable_path=CHROMIUM, args=["--no-sandbox"]
                )
                try:
                    yield Site(f"http://127.0.0.1:{port}", world, clock, browser, told)
                finally:
                    await browser.close()
        finally:
            server.should_exit = True
            await serving
            listening.close()


async def test_a_whole_booking_in_italian_in_four_taps_and_an_email(site: Site) -> None:
    it = translator_for("it")
    page = await site.open(GIULIA)
    await expect(page.locator("h1")).to_have_text(it("miniapp.title"))
    await page.locator('[data-service="s_taglio"]').click()  # 1
    # Closed days and holidays are named, and cannot be chosen.
    await page.get_by_role("button", name=it("miniapp.next_month")).click()
    holiday = page.locator('[data-date="2026-12-08"]')
    await expect(holiday).to_be_disabled()
    await expect(holiday).to_contain_text("Immacolata Concezione")
    await page.get_by_role("button", name=it("miniapp.previous_month")).click()
    await page.locator('[data-date="2026-11-26"]').click()  # 2
    await page.get_by_role("button", name="giovedì 26 novembre 15:00").click()  # 3
    await expect(page.locator(".countdown")).to_have_text("10:00")
    await expect(page.get_by_label(it("miniapp.name"))).to_have_value("Giulia Verdi")
    await page.get_by_label(it("miniapp.email")).fill("giulia@example.org")
    await page.get_by_role("button", name=it("miniapp.confirm")).click()  # 4
    await expect(page.locator("#booked")).to_contain_text("giovedì 26 novembre alle 15:00")
    [appointment] = site.confirmed()
    assert (appointment.start, appointment.contact_email) == (THURSDAY_15, "giulia@example.org")
    # The chat got the same booking, with its calendar file.
    [(chat_id, told)] = site.told
    assert chat_id == GIULIA.id and told.attachments[0].filename.endswith(".ics")


async def test_english_dark_theme_at_phone_width_then_move_and_cancel(site: Site) -> None:
    en = translator_for("en")
    page = await site.open(JANE, theme=DARK)
    await expect(page.locator("h1")).to_have_text(en("miniapp.title"))
    background = await page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert background == "rgb(23, 33, 43)"
    # Telegram switching theme while the app is open (the event its clients send).
    switch = "(p) => window.Telegram.WebView.receiveEvent('theme_changed', {theme_params: p})"
    await page.evaluate(switch, {"bg_color": "#fffffe"})
    await expect(page.locator("body")).to_have_css("background-color", "rgb(255, 255, 254)")
    await page.evaluate(switch, DARK)
    assert await page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    # Keyboard only: from the screen's title, Tab reaches "My appointments", then the services.
    await page.keyboard.press("Tab")
    await page.keyboard.press("Tab")
    await expect(page.locator('[data-service="s_taglio"]')).to_be_focused()
    await page.keyboard.press("Enter")
    await page.locator('[data-date="2026-11-26"]').click()
    await page.get_by_role("button", name="Thursday 26 November 15:00").click()
    await expect(page.get_by_label(en("miniapp.name"))).to_have_value("Jane Doe")
    # Keyboard only: type the address and press Enter in the form.
    await page.get_by_label(en("miniapp.email")).fill("jane@example.org")
    await page.keyboard.press("Enter")
    await expect(page.locator("#booked")).to_contain_text("Thursday 26 November at 15:00")
    assert await page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    # Move it to Friday at 10:00.
    await page.get_by_role("button", name=en("miniapp.my_appointments")).first.click()
    await page.get_by_role("button", name=f"{en('miniapp.move')}: Taglio").click()
    await page.locator('[data-date="2026-11-27"]').click()
    await page.get_by_role("button", name="Friday 27 November 10:00").click()
    await page.get_by_role("button", name=en("miniapp.move_yes")).click()
    await expect(page.locator(".card").first).to_contain_text("Friday 27 November at 10:00")
    assert [a.start.hour for a in site.confirmed()] == [9]  # 10:00 in Rome
    # And cancel it.
    await page.get_by_role("button", name=f"{en('miniapp.cancel')}: Taglio").click()
    await page.get_by_role("button", name=en("miniapp.cancel_yes")).click()
    await expect(page.get_by_text(en("miniapp.none"))).to_be_visible()
    assert site.confirmed() == []


async def test_a_time_taken_meanwhile_and_an_expired_hold_book_nothing(site: Site) -> None:
    page = await site.open(GIULIA)
    await page.locator('[data-service="s_taglio"]').click()
    await page.locator('[data-date="2026-11-26"]').click()
    await site.book_elsewhere(THURSDAY_15)  # while the times are on screen
    await page.get_by_role("button", name="giovedì 26 novembre 15:00").click()
    await expect(page.locator("#alert")).to_contain_text("15:00")
    await expect(page.get_by_role("button", name="giovedì 26 novembre 15:00")).to_have_count(0)
    # Hold 16:00, let the hold run out while someone else takes it, then confirm.
    await page.get_by_role("button", name="giovedì 26 novembre 16:00").click()
    await page.get_by_label(translator_for("it")("miniapp.email")).fill("giulia@example.org")
    site.clock.advance(timedelta(minutes=11))
    await site.book_elsewhere(THURSDAY_15 + timedelta(hours=1))
    await page.get_by_role("button", name=translator_for("it")("miniapp.confirm")).click()
    await expect(page.locator("#alert")).to_contain_text("16:00")
    assert {a.contact_email for a in site.confirmed()} == {"ada@example.org"}


async def test_a_forged_init_data_books_nothing(site: Site) -> None:
    it = translator_for("it")
    page = await site.open(GIULIA, token="654321:another-bot")
    await expect(page.locator("h1")).to_have_text(it("miniapp.unauthorized"))
    assert await page.locator('[data-service="s_taglio"]').count() == 0
    assert site.confirmed() == []
