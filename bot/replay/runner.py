"""Plays a transcript against the real engine, store and an in-process sandbox on a fixed clock.

Every reply the bot gives must be matched by a `bot` step, in order; the first difference stops
the run and becomes a `Mismatch` that `bot.replay.diff` shows next to the conversation so far.
"""

from __future__ import annotations

import fnmatch
import logging
import re
import tempfile
import traceback
import uuid
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from bot.bootstrap import App, bootstrap, sandbox_client
from bot.clock import ManualClock
from bot.config import Settings
from bot.conversation import Command, Customer, Reply, Text
from bot.conversation import Press as PressEvent
from bot.replay.diff import Mismatch, describe_expectation, format_failure
from bot.replay.format import (
    ExpectAppointment,
    ExpectEmail,
    ExpectReply,
    Place,
    Press,
    Restart,
    SandboxAction,
    Say,
    SendCommand,
    Step,
    Transcript,
    TranscriptError,
    Wait,
)
from bot.replay.loader import load_transcript, load_yaml
from bot.replay.recorder import dump_yaml, reply_step
from bot.replay.render import button_rows, find_button, render_reply, render_row
from bot.sandbox import AppointmentRecord, Seed, World, default_seed
from bot.zimun import ZimunError

logger = logging.getLogger(__name__)

OTHER_CUSTOMER_NAME = "Altra Cliente"
OTHER_CUSTOMER_EMAIL = "altra.cliente@example.com"


@dataclass
class Outcome:
    """The result of one transcript: the conversation as it went, and the first difference."""

    transcript: Transcript
    conversation: list[str] = field(default_factory=list)
    failure: Mismatch | None = None

    @property
    def passed(self) -> bool:
        return self.failure is None

    def report(self) -> str:
        if self.failure is None:
            return f"{self.transcript.path}: ok"
        return format_failure(self.transcript.title, self.conversation, self.failure)


class _Stop(Exception):
    def __init__(self, mismatch: Mismatch) -> None:
        super().__init__(mismatch.reason)
        self.mismatch = mismatch


def make_world(transcript: Transcript, clock: ManualClock) -> World:
    """The sandbox of a transcript: the default seed with the transcript's overrides."""
    try:
        seed = Seed.from_dict(transcript.sandbox) if transcript.sandbox else default_seed()
        return World(seed=seed, clock=clock)
    except Exception as exc:  # any complaint about the seed is the transcript's mistake
        raise TranscriptError(f"{transcript.path}: 'sandbox' is not a valid seed: {exc}") from None


def settings_for(transcript: Transcript, database_url: str) -> Settings:
    values: dict[str, Any] = {
        "bot_timezone": transcript.timezone,
        "bot_default_language": transcript.language,
        "zimun_service_id": transcript.service_id,
        "database_url": database_url,
        "bot_admin_ids": frozenset({transcript.customer.id}) if transcript.staff else frozenset(),
    }
    # Explicit values, so BOT_* variables in the environment cannot change a transcript's outcome.
    values["bot_reminder_hours"] = (
        transcript.reminder_hours
        if transcript.reminder_hours is not None
        else Settings.model_fields["bot_reminder_hours"].default
    )
    return Settings(_env_file=None, **values)


async def _play(transcript: Transcript, *, rewrite: bool = False) -> _Player:
    """Play `transcript` on a throwaway SQLite store; the player holds the outcome."""
    with tempfile.TemporaryDirectory(prefix="zimun-replay-") as folder:
        database_url = f"sqlite:///{Path(folder) / 'replay.sqlite3'}"
        player = _Player(transcript, settings_for(transcript, database_url), rewrite=rewrite)
        await player.play()
    return player


async def run_transcript(transcript: Transcript) -> Outcome:
    """Play `transcript`; a broken transcript raises `TranscriptError`, a wrong bot fails."""
    return (await _play(transcript)).outcome


class _Player:
    def __init__(
        self, transcript: Transcript, settings: Settings, *, rewrite: bool = False
    ) -> None:
        self.transcript = transcript
        # In rewrite mode `bot` steps are ignored and the actual replies written in their place.
        self.rewritten: list[dict[str, Any]] | None = [] if rewrite else None
        self.settings = settings
        self.clock = ManualClock(transcript.now)
        self.world = make_world(transcript, self.clock)
        profile = transcript.customer
        self.customer = Customer(
            chat_id=profile.id,
            user_id=profile.id,
            first_name=profile.first_name,
            last_name=profile.last_name,
            language_code=profile.language_code,
        )
        self.outcome = Outcome(transcript)
        self.pending: deque[Reply] = deque()
        self.offered: list[Reply] = []

    async def play(self) -> Outcome:
        app = await bootstrap(self.settings, clock=self.clock, world=self.world)
        try:
            for step in self.transcript.steps:
                app = await self._step(app, step)
            if self.rewritten is not None:
                return self.outcome
            if self.pending:
                self._fail_extra(None)
            await self._final_checks()
        except _Stop as stop:
            self.outcome.failure = stop.mismatch
        finally:
            await app.aclose()
        return self.outcome

    async def _step(self, app: App, step: Step) -> App:
        if isinstance(step, ExpectReply):
            if self.rewritten is None:
                self._expect(step)
            return app
        if self.rewritten is not None:
            app = await self._act(app, step)
            self.outcome.conversation.extend(
                line for reply in self.pending for line in render_reply(reply)
            )
            if step.place.path == self.transcript.path:  # steps of prefixes stay in the prefix
                self.rewritten.append(step_document(step))
                self.rewritten.extend(reply_step(reply) for reply in self.pending)
            self.pending.clear()
            return app
        if self.pending:
            self._fail_extra(step.place)
        return await self._act(app, step)

    async def _act(self, app: App, step: Step) -> App:
        log = self.outcome.conversation
        try:
            if isinstance(step, Say):
                log.append(f"you: {step.text}")
                self._received(await app.engine.handle(self.customer, Text(step.text)))
            elif isinstance(step, SendCommand):
                log.append(f"you: /{step.name} {step.args}".rstrip())
                event = Command(step.name, step.args)
                self._received(await app.engine.handle(self.customer, event))
            elif isinstance(step, Press):
                action = self._resolve(step)
                log.append(f"you tap: [{step.label}]" if step.label else f"you tap: <{action}>")
                self._received(await app.engine.handle(self.customer, PressEvent(action)))
            elif isinstance(step, Wait):
                log.append(f"({step.spelled} later)")
                self.clock.advance(step.duration)
                await app.deliver_due(self._deliver)
            elif isinstance(step, Restart):
                log.append("(the bot restarts)")
                await app.aclose()
                app = await bootstrap(self.settings, clock=self.clock, world=self.world)
            elif isinstance(step, SandboxAction):
                log.append(f"(at Zimun: {_describe_action(step.spec)})")
                try:
                    await self._sandbox(step.spec)
                except ZimunError as exc:
                    # e.g. the other customer cannot take a time the bot should have released
                    raise _Stop(
                        Mismatch(
                            step.place,
                            "the sandbox action failed",
                            (f"(at Zimun: {_describe_action(step.spec)})",),
                            (f"(Zimun answered: {exc!r})",),
                        )
                    ) from exc
        except (_Stop, TranscriptError):
            raise
        except Exception as exc:
            logger.debug("step failed", exc_info=True)
            trace = traceback.format_exception(exc)[-6:]
            lines = [line.rstrip() for chunk in trace for line in chunk.splitlines()]
            raise _Stop(
                Mismatch(step.place, "the bot crashed", ("(a reply)",), ("(crash)", *lines))
            ) from exc
        return app

    def _received(self, replies: Sequence[Reply]) -> None:
        self.pending.extend(replies)
        self.offered.extend(reply for reply in replies if reply.buttons)

    async def _deliver(self, chat_id: int, replies: Sequence[Reply]) -> None:
        if chat_id == self.customer.chat_id:
            self._received(replies)

    def _resolve(self, step: Press) -> str:
        if step.action is not None:
            return step.action
        assert step.label is not None
        button = find_button(self.offered, step.label)
        if button is None:
            offered = [
                button.label
                for reply in self.offered[-1:]
                for row in reply.buttons
                for button in row
            ]
            raise _Stop(
                Mismatch(
                    step.place,
                    f"no button labelled {step.label!r} was offered",
                    (f"you tap: [{step.label}]",),
                    (f"(last buttons offered: {render_row(offered) or 'none'})",),
                )
            )
        return button.action

    def _expect(self, expect: ExpectReply) -> None:
        if not self.pending:
            raise _Stop(
                Mismatch(
                    expect.place,
                    "the bot said nothing more",
                    tuple(describe_expectation(expect)),
                    ("(no reply)",),
                )
            )
        reply = self.pending.popleft()
        problems = check_reply(expect, reply)
        if problems:
            actual = render_reply(reply) + [
                line for later in self.pending for line in render_reply(later)
            ]
            raise _Stop(
                Mismatch(
                    expect.place,
                    "the bot's reply differs: " + "; ".join(problems),
                    tuple(describe_expectation(expect)),
                    tuple(actual),
                )
            )
        self.outcome.conversation.extend(render_reply(reply))

    def _fail_extra(self, place: Place | None) -> None:
        actual = tuple(line for reply in self.pending for line in render_reply(reply))
        where = place or (self.transcript.steps[-1].place if self.transcript.steps else None)
        raise _Stop(
            Mismatch(
                where, "the bot said more than the transcript expects", ("(no reply)",), actual
            )
        )

    async def _sandbox(self, spec: dict[str, Any]) -> None:
        if spec.get("clear_faults"):
            self.world.clear_faults()
        if "fault" in spec:
            fault = spec["fault"]
            if not isinstance(fault, dict):
                raise TranscriptError("'fault' must be a mapping, e.g. {error_rate: 1.0}")
            try:
                self.world.set_faults(**fault)
            except (ValueError, TypeError) as exc:
                raise TranscriptError(f"the sandbox refused the fault {fault!r}: {exc}") from None
        for key in ("hold", "book"):
            if key not in spec:
                continue
            async with sandbox_client(self.world, clock=self.clock) as other:
                services = {service.id: service for service in await other.list_services()}
                service_id = str(spec.get("service") or next(iter(services)))
                duration = services[service_id].duration_minutes
                for _ in range(int(spec.get("count", 1))):
                    hold = await other.hold(
                        service_id, spec[key], duration, idempotency_key=str(uuid.uuid4())
                    )
                    if key == "book":
                        await other.confirm(
                            hold.id,
                            name=str(spec.get("name", OTHER_CUSTOMER_NAME)),
                            email=str(spec.get("email", OTHER_CUSTOMER_EMAIL)),
                            idempotency_key=str(uuid.uuid4()),
                        )

    async def _final_checks(self) -> None:
        expect = self.transcript.expect
        if expect.appointments is not None:
            # The sandbox's appointments (not bare holds) by start, the other customers' too.
            actual = self.world.list_appointments(start=None, end=None, status=None)
            if not _appointments_match(expect.appointments, actual):
                raise _Stop(
                    Mismatch(
                        None,
                        "the sandbox does not hold the expected appointments",
                        tuple(_describe_expected_appointment(a) for a in expect.appointments)
                        or ("(no appointments)",),
                        tuple(_describe_appointment(a, self.transcript.timezone) for a in actual)
                        or ("(no appointments)",),
                    )
                )
        if expect.emails is not None:
            sent = [(str(mail.to), str(mail.kind)) for mail in self.world.outbox]
            if not _emails_match(expect.emails, sent):
                wanted = (
                    (f"{expect.emails} e-mails",)
                    if isinstance(expect.emails, int)
                    else tuple(f"e-mail to {e.to or '*'} ({e.kind or '*'})" for e in expect.emails)
                )
                raise _Stop(
                    Mismatch(
                        None,
                        "the sandbox did not send the expected e-mails",
                        wanted,
                        tuple(f"e-mail to {to} ({kind})" for to, kind in sent) or ("(no e-mails)",),
                    )
                )


def check_reply(expect: ExpectReply, reply: Reply) -> list[str]:
    """Everything about `reply` that does not match `expect`, in words."""
    problems: list[str] = []
    if expect.text is not None and reply.text.strip() != expect.text.strip():
        problems.append("different text")
    problems += [f"no {part!r} in the text" for part in expect.contains if part not in reply.text]
    if expect.matches is not None and not re.search(expect.matches, reply.text, re.DOTALL):
        problems.append(f"the text does not match /{expect.matches}/")
    labels = button_rows(reply)
    if expect.buttons is not None and [list(row) for row in expect.buttons] != labels:
        problems.append("different buttons")
    flat = {label for row in labels for label in row}
    problems += [f"no button [{label}]" for label in expect.buttons_include if label not in flat]
    if expect.attachment is not None and not any(
        fnmatch.fnmatch(attachment.filename, expect.attachment) for attachment in reply.attachments
    ):
        problems.append(f"no attachment like {expect.attachment}")
    return problems


def _appointments_match(
    expected: Sequence[ExpectAppointment], actual: Sequence[AppointmentRecord]
) -> bool:
    if len(expected) != len(actual):
        return False
    for want, have in zip(expected, actual, strict=True):
        checks = (
            (want.status, str(have.status)),
            (want.service_id, have.service_id),
            (want.contact_name, have.contact_name),
            (want.contact_email, have.contact_email),
        )
        if any(value is not None and value != real for value, real in checks):
            return False
        if want.start is not None and want.start != have.start:
            return False
    return True


def _emails_match(expected: int | Sequence[ExpectEmail], sent: Sequence[tuple[str, str]]) -> bool:
    if isinstance(expected, int):
        return expected == len(sent)
    if len(expected) != len(sent):
        return False
    return all(
        (want.to is None or want.to == to) and (want.kind is None or want.kind == kind)
        for want, (to, kind) in zip(expected, sent, strict=True)
    )


def _describe_expected_appointment(want: ExpectAppointment) -> str:
    parts = [
        f"{key}={value}"
        for key, value in (
            ("status", want.status),
            ("start", want.start.isoformat() if want.start else None),
            ("service_id", want.service_id),
            ("contact_name", want.contact_name),
            ("contact_email", want.contact_email),
        )
        if value is not None
    ]
    return "appointment " + " ".join(parts)


def _describe_appointment(have: AppointmentRecord, timezone: str) -> str:
    start = have.start.astimezone(ZoneInfo(timezone)).isoformat(timespec="minutes")
    return (
        f"appointment status={have.status} start={start} service_id={have.service_id} "
        f"contact_name={have.contact_name} contact_email={have.contact_email}"
    )


def _describe_action(spec: dict[str, Any]) -> str:
    parts = []
    for key in ("hold", "book"):
        if key in spec:
            what = "holds" if key == "hold" else "books"
            count = f" {spec['count']}×" if spec.get("count") else ""
            parts.append(
                f"another customer {what}{count} {spec.get('service', '')} at "
                f"{spec[key].isoformat(timespec='minutes')}".replace("  ", " ")
            )
    if "fault" in spec:
        parts.append(f"fault {spec['fault']}")
    if spec.get("clear_faults"):
        parts.append("faults cleared")
    return "; ".join(parts)


def step_document(step: Step) -> dict[str, Any]:
    """A customer or action step written back as YAML data."""
    if isinstance(step, Say):
        return {"user": step.text}
    if isinstance(step, SendCommand):
        return {"command": f"/{step.name} {step.args}".rstrip()}
    if isinstance(step, Press):
        return {"press": step.label if step.label is not None else {"action": step.action}}
    if isinstance(step, Wait):
        return {"wait": step.spelled}
    if isinstance(step, Restart):
        return {"restart": True}
    if isinstance(step, SandboxAction):
        spec = {
            key: value.isoformat() if isinstance(value, datetime) else value
            for key, value in step.spec.items()
        }
        return {"sandbox": spec}
    raise TypeError(f"not a customer or action step: {step!r}")


async def rewrite_transcript(transcript: Transcript) -> str:
    """The transcript's YAML with every `bot` step replaced by what the bot says today.

    Header, includes and final expectations are kept as written. Meant for writing new
    transcripts quickly; read every reply before keeping the result.
    """
    player = await _play(transcript, rewrite=True)
    outcome = player.outcome
    if outcome.failure is not None:
        raise TranscriptError(outcome.report())
    raw = load_yaml(transcript.path.read_text(encoding="utf-8"))
    document = {key: value for key, value in raw.items() if key not in ("steps", "expect")}
    document["steps"] = player.rewritten or []
    if "expect" in raw:
        document["expect"] = raw["expect"]
    return dump_yaml(document)


async def run_paths(paths: Sequence[Path]) -> list[Outcome | TranscriptError]:
    """Run each file, collecting broken files as errors instead of stopping."""
    results: list[Outcome | TranscriptError] = []
    for path in paths:
        try:
            results.append(await run_transcript(load_transcript(path)))
        except TranscriptError as exc:
            results.append(exc)
    return results
