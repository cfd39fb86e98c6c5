"""Record a conversation, replay it as-is; change one expected line and the replay points at it."""

from __future__ import annotations

import io
from datetime import datetime
from pathlib import Path

import yaml

from bot.bootstrap import bootstrap
from bot.clock import ManualClock
from bot.config import Settings
from bot.console import Console
from bot.conversation import Customer
from bot.replay import Recorder, load_transcript, run_transcript
from bot.replay.format import CustomerProfile
from bot.sandbox import World

NOW = datetime.fromisoformat("2026-11-23T09:00:00+01:00")
LINES = ["/start", "vorrei un taglio domani alle 11", "/help", "/stop"]


async def record(tmp_path: Path, lines: list[str]) -> Path:
    clock = ManualClock(NOW)
    settings = Settings(_env_file=None, database_url=f"sqlite:///{tmp_path / 'bot.sqlite3'}")
    customer = Customer(chat_id=1, user_id=1, first_name="Mario", language_code="it")
    recorder = Recorder(
        now=clock.now(),
        timezone="Europe/Rome",
        customer=CustomerProfile(id=1, first_name="Mario", language_code="it"),
    )
    async with await bootstrap(settings, clock=clock, world=World(clock=clock)) as app:
        console = Console(
            app,
            customer,
            out=io.StringIO(),
            interactive=False,
            attachments_dir=tmp_path / "files",
            recorder=recorder,
        )
        await console.run(io.StringIO("".join(line + "\n" for line in lines)))
    path = tmp_path / "recorded.yaml"
    recorder.save(path)
    return path


async def test_a_recorded_chat_replays_as_it_was(tmp_path: Path) -> None:
    path = await record(tmp_path, LINES)

    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    customer_steps = [step for step in document["steps"] if "bot" not in step]
    assert customer_steps == [
        {"command": "/start"},
        {"user": "vorrei un taglio domani alle 11"},
        {"command": "/help"},
        {"command": "/stop"},
    ]
    assert any("bot" in step for step in document["steps"])
    outcome = await run_transcript(load_transcript(path))
    assert outcome.passed, outcome.report()


async def test_a_changed_reply_fails_at_that_step_with_a_diff(tmp_path: Path) -> None:
    path = await record(tmp_path, LINES)
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    index = next(i for i, step in enumerate(document["steps"]) if "bot" in step)
    original = document["steps"][index]["bot"]
    actual_text = original if isinstance(original, str) else original["text"]
    document["steps"][index] = {"bot": "Un testo che il bot non dice"}
    path.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")

    outcome = await run_transcript(load_transcript(path))

    assert not outcome.passed
    report = outcome.report()
    assert f"step {index + 1}" in report
    assert "- bot: Un testo che il bot non dice" in report
    assert "+ bot: " + actual_text.splitlines()[0] in report
