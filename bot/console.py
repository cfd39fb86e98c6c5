"""The booking conversations in a terminal: `python -m bot chat`, interactive or through a pipe.

Buttons are shown numbered and chosen by number or by typing their label; attachments are saved
to a folder and their path shown; time-based messages (hold warnings, reminders) arrive while the
chat waits for input. With no Zimun credentials it talks to the in-process sandbox.
"""

from __future__ import annotations

import asyncio
import logging
import math
import tempfile
import threading
from collections.abc import Sequence
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import TextIO

from bot.bootstrap import App, bootstrap
from bot.clock import Clock, ShiftedClock, SystemClock
from bot.config import Settings
from bot.conversation import Button, Command, Customer, Event, Press, Reply, Text
from bot.conversation.place import venue_of
from bot.replay.format import CustomerProfile
from bot.replay.recorder import Recorder
from bot.replay.render import INDENT, find_button

logger = logging.getLogger(__name__)

CHAT_ID = 1  # one customer per terminal; a fixed id lets a later session resume the same chat
USER_ID = 1
POLL_SECONDS = 1.0  # how often time-based messages are looked for while waiting for input
RECORD_WAIT_THRESHOLD = timedelta(minutes=1)  # shorter pauses are not worth a `wait` step


@dataclass(frozen=True)
class ChatOptions:
    now: datetime | None = None
    language: str | None = None
    user_name: str | None = None
    record: Path | None = None
    database_url: str | None = None
    staff: bool = False  # the terminal user is staff (added to BOT_ADMIN_IDS for this session)


def customer_for(options: ChatOptions, settings: Settings) -> Customer:
    first, _, last = (options.user_name or "").strip().partition(" ")
    return Customer(
        chat_id=CHAT_ID,
        user_id=USER_ID,
        first_name=first or None,
        last_name=last.strip() or None,
        language_code=options.language or settings.bot_default_language,
    )


def database_url_for(options: ChatOptions, settings: Settings, scratch: ExitStack) -> str:
    """The given URL; else DATABASE_URL if set; else, for the sandbox, a throwaway SQLite file."""
    if options.database_url:
        return options.database_url
    if "database_url" in settings.model_fields_set or not settings.uses_sandbox:
        return settings.database_url
    folder = scratch.enter_context(tempfile.TemporaryDirectory(prefix="zimun-chat-db-"))
    return f"sqlite:///{Path(folder) / 'chat.sqlite3'}"


class _Lines:
    """Input lines delivered to the event loop by a daemon thread, so waiting never blocks time.

    A daemon thread (not the loop's executor) because a blocked read must not hold up exit.
    """

    def __init__(self, stream: TextIO) -> None:
        self._queue: asyncio.Queue[str | None] = asyncio.Queue()
        loop = asyncio.get_running_loop()

        def read() -> None:
            try:
                for line in iter(stream.readline, ""):
                    loop.call_soon_threadsafe(self._queue.put_nowait, line)
            except (OSError, ValueError):
                logger.debug("input closed", exc_info=True)
            finally:
                loop.call_soon_threadsafe(self._queue.put_nowait, None)

        threading.Thread(target=read, name="chat-input", daemon=True).start()

    async def next(self) -> str | None:
        """The next line; None at end of input."""
        return await self._queue.get()


class Console:
    """One terminal conversation: shows replies, reads lines, turns them into events."""

    def __init__(
        self,
        app: App,
        customer: Customer,
        *,
        out: TextIO,
        interactive: bool,
        attachments_dir: Path | None = None,
        recorder: Recorder | None = None,
        poll_seconds: float = POLL_SECONDS,
    ) -> None:
        self.app = app
        self.poll_seconds = poll_seconds
        self.customer = customer
        self.out = out
        self.interactive = interactive
        self.attachments_dir = attachments_dir
        self.recorder = recorder
        self.current: list[Button] = []  # the numbered buttons of the latest replies
        self.latest: list[Reply] = []
        self._mark = app.clock.now()  # the instant up to which the recording accounts for time

    async def run(self, stream: TextIO) -> None:
        lines = _Lines(stream)
        await self.app.recover()  # what a crash left unfinished is told first, as due messages
        while True:
            await self.deliver_due()
            self.prompt()
            line = await self._wait_for_line(lines)
            if line is None:
                if self.interactive:
                    self.out.write("\n")
                return
            line = line.strip()
            if line:
                await self.send(line)

    async def _wait_for_line(self, lines: _Lines) -> str | None:
        while True:
            try:
                async with asyncio.timeout(self.poll_seconds):
                    return await lines.next()
            except TimeoutError:
                if await self.deliver_due():
                    self.prompt()

    def prompt(self) -> None:
        if self.interactive:
            self.out.write("> ")
            self.out.flush()

    def event_for(self, line: str) -> tuple[Event, str | None]:
        """The event a typed line means, and the label of the button it chose, if any."""
        if line.startswith("/"):
            name, _, args = line[1:].partition(" ")
            return Command(name.split("@")[0].lower(), args.strip()), None
        if line.isdigit() and 1 <= int(line) <= len(self.current):
            button = self.current[int(line) - 1]
            return Press(button.action), button.label
        found = find_button(self.latest, line)
        if found is not None:
            return Press(found.action), found.label
        return Text(line), None

    async def send(self, line: str) -> None:
        event, label = self.event_for(line)
        if self.recorder is not None:
            self._record_pause()
            if isinstance(event, Command):
                self.recorder.commanded(event.name, event.args)
            elif label is not None:
                self.recorder.pressed(label)
            else:
                self.recorder.said(line)
        try:
            replies = await self.app.engine.handle(self.customer, event)
        except Exception:
            # The engine answers every input itself; this is a bug, shown but not fatal.
            logger.exception("the engine failed on an event")
            self.out.write("(the bot failed on this message; see the log)\n")
            return
        self.show(replies)

    async def deliver_due(self) -> int:
        async def send(chat_id: int, replies: Sequence[Reply]) -> None:
            if chat_id != self.customer.chat_id:
                return
            if self.recorder is not None:
                self._record_pause(always=True)
            if self.interactive:
                self.out.write("\n")
            self.show(replies)

        try:
            return await self.app.deliver_due(send)
        except Exception:
            logger.exception("time-based messages could not be delivered")
            return 0

    def _record_pause(self, *, always: bool = False) -> None:
        assert self.recorder is not None
        now = self.app.clock.now()
        elapsed = now - self._mark
        if elapsed >= RECORD_WAIT_THRESHOLD or (always and elapsed > timedelta(0)):
            # Rounded up: a replayed wait must reach the instant a message fell due.
            self.recorder.waited(timedelta(seconds=math.ceil(elapsed.total_seconds())))
            self._mark = now

    def show(self, replies: Sequence[Reply]) -> None:
        if self.recorder is not None:
            self.recorder.replied(replies)
        self.latest = list(replies)
        self.current = []
        for reply in replies:
            self.out.write(self._label("bot: "))
            lines = reply.text.splitlines() or [""]
            self.out.write(
                "\n".join([lines[0], *(f"{INDENT}{line}".rstrip() for line in lines[1:])])
            )
            self.out.write("\n")
            for row in reply.buttons:
                cells = []
                for button in row:
                    self.current.append(button)
                    cells.append(f"[{len(self.current)}] {button.label}")
                self.out.write(INDENT + "  ".join(cells) + "\n")
            for attachment in reply.attachments:
                pin = venue_of(attachment)
                if pin is not None:  # issue 13: the business on a map
                    where = f"{pin.title}, {pin.address}" if pin.address else pin.title
                    self.out.write(f"{INDENT}📍 {where} ({pin.latitude}, {pin.longitude})\n")
                    continue
                path = self._save(attachment.filename, attachment.content)
                self.out.write(f"{INDENT}📎 {attachment.filename} saved to {path}\n")
        self.out.flush()

    def _label(self, text: str) -> str:
        return f"\033[1m{text}\033[0m" if self.interactive and self.out.isatty() else text

    def _save(self, filename: str, content: bytes) -> Path:
        if self.attachments_dir is None:
            # Made on the first attachment only, and kept: the customer opens the file later.
            self.attachments_dir = Path(tempfile.mkdtemp(prefix="zimun-chat-"))
        self.attachments_dir.mkdir(parents=True, exist_ok=True)
        path = self.attachments_dir / Path(filename).name  # never outside the folder
        path.write_bytes(content)
        return path


def clock_for(options: ChatOptions) -> Clock:
    return ShiftedClock(options.now) if options.now else SystemClock()


async def chat(
    settings: Settings,
    options: ChatOptions,
    *,
    stdin: TextIO,
    stdout: TextIO,
    clock: Clock | None = None,
) -> int:
    """Run one terminal conversation until end of input; 0 when it ended normally."""
    clock = clock or clock_for(options)
    interactive = stdin.isatty()
    with ExitStack() as scratch:
        url = database_url_for(options, settings, scratch)
        language = options.language or settings.bot_default_language
        settings = settings.model_copy(
            update={"database_url": url, "bot_default_language": language}
        )
        if options.staff:
            settings = settings.model_copy(
                update={"bot_admin_ids": settings.bot_admin_ids | {USER_ID}}
            )
        customer = customer_for(options, settings)
        app = await bootstrap(settings, clock=clock)
        recorder = None
        if options.record is not None:
            recorder = Recorder(
                now=clock.now(),
                timezone=settings.bot_timezone,
                language=language,
                customer=CustomerProfile(
                    id=customer.chat_id,
                    first_name=customer.first_name,
                    last_name=customer.last_name,
                    language_code=customer.language_code,
                ),
                service_id=settings.zimun_service_id,
            )
        console = Console(app, customer, out=stdout, interactive=interactive, recorder=recorder)
        if interactive:
            where = "the built-in sandbox" if app.world is not None else "Zimun"
            stdout.write(
                f"Chatting with the booking bot ({where}). Type a message, a button's number "
                "or label, or /help. Ctrl-D leaves.\n"
            )
        try:
            await console.run(stdin)
        finally:
            if recorder is not None and options.record is not None:
                recorder.save(options.record)
                if interactive:
                    stdout.write(f"Transcript written to {options.record}\n")
            await app.aclose()
    return 0
