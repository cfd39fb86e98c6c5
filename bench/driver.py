"""The load: customers who book by typing or tapping, in Italian or English, one step at a time.

A step is one update (a text or a tap) and ends when the bot's answer with buttons arrives (the
engine always ends an answer with buttons). What to do next is read off the screen, as a person
would: a name or e-mail question, a summary to confirm, times, days or services to tap. Every loop
is bounded: `steps` per customer, and a timeout per step.
"""

from __future__ import annotations

import asyncio
import random
import re
import time
from dataclasses import dataclass, field
from typing import Any

from botapi_stub import BotApiStub, Screen

from bot.i18n import catalog_entries

TIME_LABEL = re.compile(r"^\d{1,2}[:.]\d\d$")
DAY_LABEL = re.compile(r"^\w{3}\.? \d{1,2} \w{3}\.?$")
WEEKDAYS = {
    "it": ["domani", "lunedì", "martedì", "mercoledì", "giovedì", "venerdì", "sabato"],
    "en": ["tomorrow", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"],
}
OPENINGS = {
    "it": "vorrei prenotare un taglio {day} alle {hour}",
    "en": "I would like to book a taglio on {day} at {hour}",
}
YES = {"it": "sì", "en": "yes"}
FIRST_NAMES = ["Mario", "Giulia", "Luca", "Anna", "Paolo", "Sara", "Marco", "Elena", "Davide"]
LAST_NAMES = ["Rossi", "Bianchi", "Ferrari", "Esposito", "Romano", "Colombo", "Ricci", "Greco"]


@dataclass(frozen=True)
class Words:
    """The bot's words the driver reacts to, from the catalogs (so rewording does not rot it)."""

    book: str
    confirm: str
    ask_name: str
    ask_email: str
    booked: str

    @classmethod
    def of(cls, language: str) -> Words:
        entries = catalog_entries()[language]

        def text(message_id: str) -> str:
            return entries[message_id].text

        booked_line = text("booked.text").split("{code}")[0].rsplit("\n", 1)[-1]
        return cls(
            book=text("button.book"),
            confirm=text("button.confirm"),
            ask_name=text("name.ask"),
            ask_email=text("email.ask"),
            booked=booked_line,
        )


@dataclass
class Result:
    """What one run of the load measured on the customers' side."""

    steps: int = 0
    bookings: int = 0
    timeouts: int = 0
    latencies: list[float] = field(default_factory=list)
    # Every answered step: (chat id, kind, value, offered at, answered at, first line of the
    # answer), times on the machine's monotonic clock (which the bot's process shares), so that
    # a slow step can be matched with what the bot was doing then (`run.py --steps-json`).
    log: list[tuple[int, str, str, float, float, str]] = field(default_factory=list)


class Pacer:
    """Spaces steps across all customers at `rate` per second (None: as fast as answered)."""

    def __init__(self, rate: float | None) -> None:
        self._interval = 1.0 / rate if rate else 0.0
        self._next = time.perf_counter()

    async def wait(self) -> None:
        if not self._interval:
            return
        now = time.perf_counter()
        slot = max(now, self._next)
        self._next = slot + self._interval
        if slot > now:
            await asyncio.sleep(slot - now)


@dataclass
class Customer:
    chat_id: int
    language: str
    typing: bool  # types what it can; otherwise taps
    rng: random.Random
    words: Words = field(init=False)

    def __post_init__(self) -> None:
        self.words = Words.of(self.language)
        self.first_name = FIRST_NAMES[self.chat_id % len(FIRST_NAMES)]
        self.last_name = LAST_NAMES[self.chat_id // len(FIRST_NAMES) % len(LAST_NAMES)]

    @property
    def user(self) -> dict[str, Any]:
        return {
            "id": self.chat_id,
            "is_bot": False,
            "first_name": self.first_name,
            "last_name": self.last_name,
            "language_code": self.language,
        }

    def opening(self) -> tuple[str, str]:
        if not self.typing:
            return ("text", "/start")
        day = self.rng.choice(WEEKDAYS[self.language])
        hour = self.rng.randrange(9, 18)
        return ("text", OPENINGS[self.language].format(day=day, hour=hour))

    def next_step(self, screen: Screen | None, echo: bool) -> tuple[str, str]:
        """("text", what to type) or ("press", callback data), read off the screen."""
        if screen is None or not screen.keyboard:
            return ("text", "ciao") if echo else self.opening()
        buttons = [(label, data) for row in screen.keyboard for label, data in row]
        if echo:  # the baseline: alternate typing and tapping its one button
            return ("press", buttons[0][1]) if self.rng.random() < 0.5 else ("text", "ciao")
        shown = "\n".join(screen.texts)
        by_label = dict(buttons)
        w = self.words
        if w.confirm in by_label:
            return ("text", YES[self.language]) if self.typing else ("press", by_label[w.confirm])
        if w.ask_email in shown:
            return ("text", f"cliente{self.chat_id}@example.com")
        if w.ask_name in shown:
            full = f"{self.first_name} {self.last_name}"
            if not self.typing and full in by_label:
                return ("press", by_label[full])
            return ("text", full)
        for pattern in (TIME_LABEL, DAY_LABEL):
            matching = [data for label, data in buttons if pattern.match(label)]
            if matching:
                return ("press", self.rng.choice(matching))
        services = [data for label, data in buttons if "·" in label]
        if services:
            return ("press", self.rng.choice(services))
        if w.book in by_label:
            return ("press", by_label[w.book])
        return self.opening()


async def run_customer(
    stub: BotApiStub,
    customer: Customer,
    steps: int,
    pacer: Pacer,
    result: Result,
    *,
    echo: bool,
    step_timeout: float,
    trace: bool = False,
) -> None:
    screen: Screen | None = None
    for _ in range(steps):
        kind, value = customer.next_step(screen, echo)
        await pacer.wait()
        answered = stub.expect_answer(customer.chat_id)
        started = time.perf_counter()
        if kind == "text":
            stub.push_text(customer.chat_id, value, customer.user)
        else:
            stub.push_press(customer.chat_id, value, customer.user)
        try:
            await asyncio.wait_for(answered, step_timeout)
        except TimeoutError:
            result.timeouts += 1
            screen = None
            continue
        answered_at = time.perf_counter()
        result.latencies.append(answered_at - started)
        result.steps += 1
        screen = stub.screens[customer.chat_id]
        first_line = screen.texts[-1].split("\n", 1)[0] if screen.texts else ""
        result.log.append((customer.chat_id, kind, value, started, answered_at, first_line))
        if trace:
            labels = [label for row in screen.keyboard for label, _ in row]
            took = 1000 * result.latencies[-1]
            print(
                f"[{customer.chat_id}] {took:.1f} ms {kind} {value!r} -> {screen.texts} {labels}",
                flush=True,
            )
        if not echo and customer.words.booked in "\n".join(screen.texts):
            result.bookings += 1


def customers(count: int, first_chat_id: int, seed: int) -> list[Customer]:
    """Half Italian, half English; in each language half type and half tap."""
    return [
        Customer(
            chat_id=first_chat_id + i,
            language=("it", "en")[i % 2],
            typing=(i // 2) % 2 == 0,
            rng=random.Random(seed * 100_003 + i),
        )
        for i in range(count)
    ]


async def run_load(
    stub: BotApiStub,
    people: list[Customer],
    steps: int,
    *,
    rate: float | None,
    echo: bool,
    step_timeout: float,
    trace: bool = False,
) -> Result:
    result = Result()
    pacer = Pacer(rate)
    await asyncio.gather(
        *(
            run_customer(
                stub, c, steps, pacer, result, echo=echo, step_timeout=step_timeout, trace=trace
            )
            for c in people
        )
    )
    return result
