"""Screenshots of the Mini App for the README, made the same way every time (not by hand).

    .venv/bin/python bench/miniapp_screenshots.py [--out docs/miniapp]

Serves the Mini App over loopback against the sandbox on a fixed day (Monday 23 November 2026),
opens it in headless Chromium (Debian's `chromium`, driven by Playwright) at a phone's width with
signed initData, as Telegram would, books Thursday afternoon and saves the main screens, in Italian
(light theme) and English (dark theme). It also prints how long the first screen took to appear
on loopback (a measurement, not a test).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import shutil
import socket
import sys
import tempfile
import time
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote

import uvicorn
from playwright.async_api import Page, async_playwright

from bot.bootstrap import bootstrap
from bot.clock import ManualClock
from bot.config import Settings
from bot.miniapp import WebAppUser, sign_init_data
from bot.miniapp.server import DEV_TOKEN, create_miniapp, deps_for
from bot.sandbox import World, default_seed

NOW = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
PHONE = {"width": 390, "height": 760}
DARK = {
    "bg_color": "#17212b",
    "text_color": "#f5f5f5",
    "hint_color": "#708499",
    "link_color": "#6ab3f3",
    "button_color": "#5288c1",
    "button_text_color": "#ffffff",
    "secondary_bg_color": "#232e3c",
}


async def shoot(page: Page, out: Path, name: str) -> None:
    await page.screenshot(path=str(out / f"{name}.png"))
    print(f"  {out / name}.png")


async def run(out: Path) -> int:
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        print("no Chromium found: apt-get install chromium", file=sys.stderr)
        return 1
    clock = ManualClock(NOW)
    world = World(seed=replace(default_seed(), staff=1), clock=clock)
    folder = tempfile.mkdtemp(prefix="miniapp-shots-")
    settings = Settings(_env_file=None, database_url=f"sqlite:///{folder}/bot.sqlite3")
    listening = socket.create_server(("127.0.0.1", 0))
    base = f"http://127.0.0.1:{listening.getsockname()[1]}"
    async with await bootstrap(settings, clock=clock, world=world, warm_up=None) as app:
        asgi = create_miniapp(deps_for(app, bot_token=DEV_TOKEN))
        server = uvicorn.Server(uvicorn.Config(asgi, log_level="warning", lifespan="off"))
        serving = asyncio.create_task(server.serve(sockets=[listening]))
        try:
            async with async_playwright() as playwright:
                browser = await playwright.chromium.launch(
                    executable_path=chromium, args=["--no-sandbox"]
                )
                people = (
                    (WebAppUser(1, "Giulia", "Verdi", "it"), None, "it", "15:00"),
                    (WebAppUser(2, "Jane", "Doe", "en"), DARK, "en-dark", "16:00"),
                )
                for user, theme, tag, wall in people:
                    page = await browser.new_page(viewport=PHONE)
                    page.set_default_timeout(10_000)
                    init = sign_init_data(user, bot_token=DEV_TOKEN, auth_date=clock.now())
                    url = f"{base}/app/#tgWebAppData={quote(init, safe='')}"
                    if theme:
                        url += f"&tgWebAppThemeParams={quote(json.dumps(theme), safe='')}"
                    started = time.perf_counter()
                    await page.goto(url)
                    await page.locator('[data-service="s_taglio"]').wait_for()
                    elapsed = (time.perf_counter() - started) * 1000
                    print(f"{tag}: first screen after {elapsed:.0f} ms on loopback")
                    await shoot(page, out, f"{tag}-1-services")
                    await page.locator('[data-service="s_taglio"]').click()
                    await page.locator('[data-date="2026-11-26"]').wait_for()
                    await shoot(page, out, f"{tag}-2-month")
                    await page.locator('[data-date="2026-11-26"]').click()
                    await page.locator(".times button").first.wait_for()
                    await shoot(page, out, f"{tag}-3-times")
                    await page.locator(".times button", has_text=wall).click()
                    await page.locator("#email").fill(f"{user.first_name.lower()}@example.org")
                    await shoot(page, out, f"{tag}-4-hold")
                    await page.locator("#confirm").click()
                    await page.locator("#booked").wait_for()
                    await shoot(page, out, f"{tag}-5-booked")
                    await page.close()
                await browser.close()
        finally:
            server.should_exit = True
            await serving
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("docs/miniapp"))
    out: Path = parser.parse_args().out
    out.mkdir(parents=True, exist_ok=True)
    return asyncio.run(run(out))


if __name__ == "__main__":
    sys.exit(main())
