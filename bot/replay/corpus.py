"""Score whole customer messages end to end: `python -m bot corpus [FILES...] [--failures]`.

Each corpus item starts a new chat in a named situation (`SETUPS`), reached by driving the real
engine with real events against the in-process sandbox on a fixed clock, then sends the
customer's message(s) and checks behaviour: the session step, the hold, the day in play, the times
on screen, the flow, the appointments at the sandbox and (loosely) the words of the reply. It
prints pass counts per language and category. A measurement, not a test: the exit status is 0
unless a file is malformed (2).
"""

from __future__ import annotations

import argparse
import asyncio
import re
import sys
import tempfile
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, TextIO
from zoneinfo import ZoneInfo

import yaml

from bot.bootstrap import App, bootstrap
from bot.clock import ManualClock
from bot.config import Settings
from bot.conversation import Command, Customer, Reply, Text
from bot.conversation import Press as PressEvent
from bot.conversation.session import Session
from bot.replay.render import find_button
from bot.sandbox import World, default_seed

CORPUS_DIR = Path(__file__).resolve().parents[2] / "tests" / "corpus"
DEFAULT_NOW = datetime.fromisoformat("2026-11-23T09:15:00+01:00")
TIMEZONE = ZoneInfo("Europe/Rome")
LANGUAGES = ("it", "en")

CATEGORIES = (
    "booking",  # ordinary whole-message bookings
    "move",  # moves and cancels of an existing appointment, as people type them
    "correction",  # "no, I said the 3rd" with times on screen; bare numbers pick buttons
    "context",  # the day on screen is kept ("around 1pm", "same time", "later that day")
    "vague",  # a day of the month with a vague time ("the 4th around lunchtime")
    "change",  # changes of mind ("anzi no, meglio venerdì")
    "contact",  # names and e-mails ("sono io", "ho sbagliato la mail")
    "period",  # periods and vague days ("next week", "fine mese")
    "past",  # past dates
    "service",  # services by everyday names
    "question",  # price, duration, address, hours, phone, stylist, a person
    "smalltalk",  # greetings, thanks, goodbyes, emoji
    "intent",  # move/cancel/"did I book?" with no appointment
    "closed",  # closed vs full, times outside opening hours
    "yesno",  # typed yes/no; language switches
    "long",  # long, run-on messages
)

# Each situation: the events that reach it, per language (texts, presses by label, commands).
_BOOK_IT = ("/book", "press:Taglio · 30 min · 25\u00a0€")
_BOOK_EN = ("/book", "press:Taglio · 30 min · €25")
_HOLD_IT = (*_BOOK_IT, "martedì 24 novembre alle 11")
_HOLD_EN = (*_BOOK_EN, "tuesday 24 november at 11")
_BOOKED_IT = (
    *_BOOK_IT,
    "giovedì 26 novembre alle 10",
    "press:Mario Rossi",
    "mario.rossi@example.com",
    "press:Conferma",
)
_BOOKED_EN = (
    *_BOOK_EN,
    "thursday 26 november at 10",
    "press:Emma Clarke",
    "emma.clarke@example.org",
    "press:Confirm",
)
SETUPS: dict[str, dict[str, tuple[str, ...]]] = {
    "fresh": {"it": (), "en": ()},
    "menu": {"it": ("/start",), "en": ("/start",)},
    "when_asked": {"it": _BOOK_IT, "en": _BOOK_EN},
    "slots_friday": {
        "it": (*_BOOK_IT, "venerdì 27 novembre"),
        "en": (*_BOOK_EN, "friday 27 november"),
    },
    "name_asked": {"it": _HOLD_IT, "en": _HOLD_EN},
    "email_asked": {
        "it": (*_HOLD_IT, "press:Mario Rossi"),
        "en": (*_HOLD_EN, "press:Emma Clarke"),
    },
    "summary": {
        "it": (*_HOLD_IT, "press:Mario Rossi", "mario.rossi@example.com"),
        "en": (*_HOLD_EN, "press:Emma Clarke", "emma.clarke@example.org"),
    },
    "booked": {
        "it": (*_BOOKED_IT, "press:Menu"),
        "en": (*_BOOKED_EN, "press:Menu"),
    },
    "viewing_booking": {
        "it": (*_BOOKED_IT, "press:I miei appuntamenti"),
        "en": (*_BOOKED_EN, "press:My appointments"),
    },
}
# The step each situation must have reached, or the item fails as "setup not reached".
SETUP_STEPS = {
    "fresh": None,
    "menu": "idle",
    "when_asked": "when",
    "slots_friday": "slot",
    "name_asked": "name",
    "email_asked": "email",
    "summary": "summary",
    "booked": "idle",
    "viewing_booking": "idle",
}
PROFILES = {"it": ("Mario", "Rossi"), "en": ("Emma", "Clarke")}

NOT_UNDERSTOOD = (
    "non ho capito",
    "didn't understand",
    "did not understand",
    "not sure i follow",
    "didn't get that",  # the English step.unexpected ("Sorry, I didn't get that.")
)

CHECK_KEYS = frozenset(
    {
        "step",
        "held",
        "day",
        "day_within",
        "offers_include",
        "flow",
        "service",
        "language",
        "contact_name",
        "contact_email",
        "appointments",
        "reply_contains_any",
        "reply_not_contains",
        "understood",
        "no_slot_list",
    }
)
ITEM_KEYS = frozenset({"id", "language", "category", "now", "setup", "say", "expect", "note"})
_TIME_LABEL = re.compile(r"^\d{1,2}[:.]\d\d$")


class CorpusError(Exception):
    """A malformed corpus file or item."""


@dataclass(frozen=True)
class Item:
    id: str
    language: str
    category: str
    setup: str
    now: datetime
    say: tuple[str, ...]
    expect: dict[str, Any]
    source: str = ""


@dataclass
class Result:
    item: Item
    problems: list[str] = field(default_factory=list)
    happened: str = ""

    @property
    def passed(self) -> bool:
        return not self.problems


# ---------------------------------------------------------------------------------------- loading


def _as_date(value: Any, where: str) -> date:
    try:
        return value if isinstance(value, date) else date.fromisoformat(str(value))
    except ValueError:
        raise CorpusError(f"{where}: {value!r} is not a date (YYYY-MM-DD)") from None


def _local_minute(value: Any, where: str) -> datetime:
    try:
        moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    except ValueError:
        raise CorpusError(f"{where}: {value!r} is not a local date and time") from None
    return moment.replace(tzinfo=None) if moment.tzinfo is None else moment.astimezone(TIMEZONE)


def _validate_expect(expect: Any, where: str) -> dict[str, Any]:
    if not isinstance(expect, dict) or not expect:
        raise CorpusError(f"{where}: 'expect' must be a non-empty mapping of checks")
    unknown = set(expect) - CHECK_KEYS
    if unknown:
        raise CorpusError(
            f"{where}: unknown checks {sorted(unknown)} (known: {sorted(CHECK_KEYS)})"
        )
    for key in ("day",):
        if key in expect:
            _as_date(expect[key], where)
    if "day_within" in expect:
        span = expect["day_within"]
        if not isinstance(span, list) or len(span) != 2:
            raise CorpusError(f"{where}: 'day_within' must be [first, last]")
        for value in span:
            _as_date(value, where)
    if "held" in expect and expect["held"] not in ("none", "any"):
        _local_minute(expect["held"], where)
    groups = expect.get("reply_contains_any")
    if isinstance(groups, list) and groups and all(isinstance(g, list) for g in groups):
        expect = {**expect, "reply_contains_any": [str(v) for g in groups for v in g]}
    for key in ("reply_contains_any", "reply_not_contains", "offers_include"):
        if key in expect and not (
            isinstance(expect[key], list) and all(isinstance(v, str) for v in expect[key])
        ):
            raise CorpusError(f"{where}: {key!r} must be a list of strings")
    if "appointments" in expect:
        value = expect["appointments"]
        if not isinstance(value, (int, list)):
            raise CorpusError(f"{where}: 'appointments' must be a count or a list of starts")
        if isinstance(value, list):
            for start in value:
                _local_minute(start, where)
    return dict(expect) if groups is None else {**expect, "reply_contains_any": groups}


def load_items(path: Path) -> list[Item]:
    """The items of one corpus file (a YAML list, or a mapping with `items`)."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise CorpusError(f"{path}: cannot read: {exc}") from None
    if isinstance(raw, dict):
        raw = raw.get("items")
    if not isinstance(raw, list):
        raise CorpusError(f"{path}: expected a list of items")
    items: list[Item] = []
    seen: set[str] = set()
    for index, entry in enumerate(raw, 1):
        where = f"{path}: item {index}"
        if not isinstance(entry, dict):
            raise CorpusError(f"{where}: not a mapping")
        unknown = set(entry) - ITEM_KEYS
        if unknown:
            raise CorpusError(f"{where}: unknown keys {sorted(unknown)}")
        item_id = str(entry.get("id", ""))
        if not item_id or item_id in seen:
            raise CorpusError(f"{where}: missing or repeated id {item_id!r}")
        seen.add(item_id)
        where = f"{path}: {item_id}"
        language = entry.get("language")
        if language not in LANGUAGES:
            raise CorpusError(f"{where}: language must be one of {LANGUAGES}")
        category = entry.get("category")
        if category not in CATEGORIES:
            raise CorpusError(f"{where}: unknown category {category!r}")
        setup = entry.get("setup", "fresh")
        if setup not in SETUPS:
            raise CorpusError(f"{where}: unknown setup {setup!r} (known: {sorted(SETUPS)})")
        now = entry.get("now", DEFAULT_NOW)
        if not isinstance(now, datetime):
            try:
                now = datetime.fromisoformat(str(now))
            except ValueError:
                raise CorpusError(f"{where}: 'now' is not an ISO date and time") from None
        if now.tzinfo is None:
            now = now.replace(tzinfo=TIMEZONE)
        say = entry.get("say")
        messages = (say,) if isinstance(say, str) else say
        if not isinstance(messages, (list, tuple)) or not messages:
            raise CorpusError(f"{where}: 'say' must be a message or a list of messages")
        items.append(
            Item(
                id=item_id,
                language=language,
                category=category,
                setup=setup,
                now=now,
                say=tuple(str(m) for m in messages),
                expect=_validate_expect(entry.get("expect"), where),
                source=str(path),
            )
        )
    return items


def corpus_paths(arguments: Sequence[str]) -> list[Path]:
    if not arguments:
        return [CORPUS_DIR / "dev.yaml", CORPUS_DIR / "holdout.yaml"]
    paths: list[Path] = []
    for argument in arguments:
        path = Path(argument)
        paths += sorted(path.glob("*.yaml")) if path.is_dir() else [path]
    return paths


# ---------------------------------------------------------------------------------------- running


@dataclass
class _Chat:
    app: App
    customer: Customer
    offered: list[Reply] = field(default_factory=list)
    last: list[Reply] = field(default_factory=list)

    async def send(self, message: str) -> None:
        """A typed text, a `/command`, or `press:LABEL` (a tap on a button on screen)."""
        if message.startswith("press:"):
            label = message.removeprefix("press:")
            button = find_button(self.offered, label)
            if button is None:
                raise _SetupFailed(f"no button [{label}] to press")
            event: Text | Command | PressEvent = PressEvent(button.action)
        elif message.startswith("/"):
            name, _, args = message[1:].partition(" ")
            event = Command(name, args)
        else:
            event = Text(message)
        replies = await self.app.engine.handle(self.customer, event)
        self.last = list(replies)
        self.offered.extend(reply for reply in replies if reply.buttons)


class _SetupFailed(Exception):
    pass


def _settings(database_url: str, language: str) -> Settings:
    return Settings(
        _env_file=None,
        bot_timezone="Europe/Rome",
        bot_default_language=language,
        database_url=database_url,
        bot_admin_ids=frozenset(),
        bot_reminder_hours=Settings.model_fields["bot_reminder_hours"].default,
    )


async def run_item(item: Item, folder: Path) -> Result:
    """Play one item on a fresh sandbox and store; its checks as problems (none = passed)."""
    clock = ManualClock(item.now)
    world = World(seed=default_seed(), clock=clock)
    database = folder / f"{re.sub(r'[^A-Za-z0-9_-]', '_', item.id)}.sqlite3"
    app = await bootstrap(
        _settings(f"sqlite:///{database}", item.language), clock=clock, world=world
    )
    first, last = PROFILES[item.language]
    customer = Customer(
        chat_id=1, user_id=1, first_name=first, last_name=last, language_code=item.language
    )
    chat = _Chat(app, customer)
    result = Result(item)
    try:
        try:
            for message in SETUPS[item.setup][item.language]:
                await chat.send(message)
        except _SetupFailed as exc:
            result.problems.append(f"setup {item.setup!r} could not be reached: {exc}")
            return result
        reached = Session.from_dict(await app.store.load_session(customer.chat_id)).step
        wanted_step = SETUP_STEPS[item.setup]
        if wanted_step is not None and str(reached) != wanted_step:
            result.problems.append(f"setup {item.setup!r} not reached: step {reached}")
            return result
        for message in item.say:
            await chat.send(message)
        stored = await app.store.load_session(customer.chat_id)
        session = Session.from_dict(stored)
        confirmed = sorted(
            a.start.astimezone(TIMEZONE).replace(tzinfo=None)
            for a in world.list_appointments(start=None, end=None, status=None)
            if str(a.status) == "confirmed"
        )
        result.problems = check(item.expect, session, chat.last, confirmed)
        result.happened = describe(session, chat.last, confirmed)
    except Exception as exc:  # a crash of the bot is a failed item, not a broken corpus
        result.problems.append(f"the bot crashed: {exc!r}")
    finally:
        await app.aclose()
    return result


def _local(moment: datetime) -> datetime:
    return moment.astimezone(TIMEZONE).replace(tzinfo=None)


def day_in_play(session: Session) -> date | None:
    """The day the bot is working on: the held time's day, else the day whose times are shown."""
    if session.hold is not None:
        return _local(session.hold.start).date()
    if session.new_start is not None:
        return _local(session.new_start).date()
    if session.offer is not None and session.offer.day is not None:
        return session.offer.day
    return None


def _reply_text(replies: Sequence[Reply]) -> str:
    parts = [reply.text for reply in replies]
    parts += [button.label for reply in replies for row in reply.buttons for button in row]
    return "\n".join(parts)


def _time_buttons(replies: Sequence[Reply]) -> list[str]:
    return [
        button.label
        for reply in replies
        for row in reply.buttons
        for button in row
        if _TIME_LABEL.match(button.label.strip())
    ]


# A time offered on another day: "Lun 30 nov alle 11:00", "Mon 30 Nov at 11:00".
_DAY_TIME_LABEL = re.compile(r".+ (?:alle|at) (\d{1,2}[:.]\d{2})$")


def _offered_times(replies: Sequence[Reply]) -> list[str]:
    """The times of the slot buttons: on the day shown ("10:30") or on another day."""
    times = []
    for reply in replies:
        for row in reply.buttons:
            for button in row:
                label = button.label.strip()
                other_day = _DAY_TIME_LABEL.match(label)
                if _TIME_LABEL.match(label):
                    times.append(label)
                elif other_day:
                    times.append(other_day.group(1))
    return times


def check(
    expect: dict[str, Any], session: Session, replies: Sequence[Reply], confirmed: list[datetime]
) -> list[str]:
    """What about the outcome differs from `expect`, in words."""
    problems: list[str] = []
    if "step" in expect:
        wanted = expect["step"] if isinstance(expect["step"], list) else [expect["step"]]
        if str(session.step) not in [str(w) for w in wanted]:
            problems.append(f"step {session.step} (wanted {' or '.join(map(str, wanted))})")
    if "held" in expect:
        want = expect["held"]
        held = _local(session.hold.start) if session.hold else None
        if want == "none" and held is not None:
            problems.append(f"a hold was placed at {held:%Y-%m-%d %H:%M} (wanted none)")
        elif want == "any" and held is None:
            problems.append("nothing held (wanted a hold)")
        elif want not in ("none", "any"):
            target = _local_minute(want, "held")
            if held != target:
                have = f"{held:%Y-%m-%d %H:%M}" if held else "nothing"
                problems.append(f"held {have} (wanted {target:%Y-%m-%d %H:%M})")
    day = day_in_play(session)
    if "day" in expect:
        want_day = _as_date(expect["day"], "day")
        if day != want_day:
            problems.append(f"day in play {day or 'none'} (wanted {want_day})")
    if "day_within" in expect:
        first, last = (_as_date(v, "day_within") for v in expect["day_within"])
        if day is None or not first <= day <= last:
            problems.append(f"day in play {day or 'none'} (wanted {first} to {last})")
    if "offers_include" in expect:
        shown = {t.replace(".", ":").zfill(5) for t in _offered_times(replies)}
        missing = [t for t in expect["offers_include"] if t.zfill(5) not in shown]
        if missing:
            problems.append(f"times {missing} not on screen (shown: {sorted(shown) or 'none'})")
    if "flow" in expect:
        flow = str(session.flow) if session.flow else "none"
        if flow != expect["flow"]:
            problems.append(f"flow {flow} (wanted {expect['flow']})")
    if "service" in expect and session.service_id != expect["service"]:
        problems.append(f"service {session.service_id or 'none'} (wanted {expect['service']})")
    if "language" in expect and session.language != expect["language"]:
        problems.append(f"language {session.language} (wanted {expect['language']})")
    contact: tuple[tuple[str, str | None], ...] = (
        ("contact_name", session.contact_name),
        ("contact_email", session.contact_email),
    )
    for key, value in contact:
        if key not in expect:
            continue
        options = expect[key] if isinstance(expect[key], list) else [expect[key]]
        if (value or "none").lower() not in [str(w).lower() for w in options]:
            problems.append(f"{key} {value or 'none'} (wanted {' or '.join(map(str, options))})")
    if "appointments" in expect:
        want_apps = expect["appointments"]
        if isinstance(want_apps, int):
            if len(confirmed) != want_apps:
                problems.append(f"{len(confirmed)} appointments (wanted {want_apps})")
        else:
            starts = sorted(_local_minute(v, "appointments") for v in want_apps)
            if starts != confirmed:
                booked = [f"{s:%Y-%m-%d %H:%M}" for s in confirmed]
                problems.append(
                    f"appointments {booked} (wanted {[f'{s:%Y-%m-%d %H:%M}' for s in starts]})"
                )
    text = _reply_text(replies).lower()
    if "reply_contains_any" in expect:
        # A list of alternatives, or a list of such lists that must each be met.
        groups = expect["reply_contains_any"]
        if not all(isinstance(group, list) for group in groups):
            groups = [groups]
        for options in groups:
            if not any(str(option).lower() in text for option in options):
                problems.append(f"the reply has none of {options}")
    if "reply_not_contains" in expect:
        found = [bad for bad in expect["reply_not_contains"] if bad.lower() in text]
        if found:
            problems.append(f"the reply says {found}")
    if expect.get("understood"):
        found = [bad for bad in NOT_UNDERSTOOD if bad in text]
        if found or not replies:
            problems.append("the bot did not understand" if replies else "no reply")
    if expect.get("no_slot_list") and _time_buttons(replies):
        problems.append(f"a list of times was shown: {_time_buttons(replies)}")
    return problems


def describe(session: Session, replies: Sequence[Reply], confirmed: list[datetime]) -> str:
    held = f"{_local(session.hold.start):%Y-%m-%d %H:%M}" if session.hold else "none"
    day = day_in_play(session)
    times = " ".join(_time_buttons(replies)) or "none"
    text = " | ".join(reply.text for reply in replies).replace("\n", " ")
    apps = ", ".join(f"{s:%m-%d %H:%M}" for s in confirmed) or "none"
    return (
        f"step={session.step} flow={session.flow or 'none'} service={session.service_id or 'none'}"
        f" held={held} day={day or 'none'} times={times} appointments={apps}"
        f" name={session.contact_name or 'none'} email={session.contact_email or 'none'}"
        f" language={session.language}\n      reply: {text[:200]}"
    )


async def run_items(items: Sequence[Item]) -> list[Result]:
    with tempfile.TemporaryDirectory(prefix="zimun-corpus-") as folder:
        return [await run_item(item, Path(folder)) for item in items]


# ---------------------------------------------------------------------------------------- report


def _percent(passed: int, total: int) -> str:
    return f"{passed:>3}/{total:<3} {100 * passed / total:5.1f}%" if total else "      -      "


def report(results: Sequence[Result], *, title: str, failures: bool, out: TextIO) -> None:
    counts: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    for result in results:
        for key in ((result.item.category, result.item.language), ("TOTAL", result.item.language)):
            counts[key][0] += int(result.passed)
            counts[key][1] += 1
    print(f"{title}: {len(results)} items", file=out)
    print(f"  {'category':<12} {'it':^15} {'en':^15} {'all':^15}", file=out)
    for category in (*CATEGORIES, "TOTAL"):
        rows = [counts.get((category, lang), [0, 0]) for lang in LANGUAGES]
        if not any(total for _, total in rows):
            continue
        both = [sum(r[0] for r in rows), sum(r[1] for r in rows)]
        cells = " ".join(f"{_percent(*r):<15}" for r in (*rows, both))
        print(f"  {category:<12} {cells}", file=out)
    if failures:
        for result in results:
            if result.passed:
                continue
            item = result.item
            print(f"\nFAIL {item.id} [{item.language}/{item.category}, {item.setup}]", file=out)
            for message in item.say:
                print(f"      you: {message}", file=out)
            print(f"      expected: {item.expect}", file=out)
            for problem in result.problems:
                print(f"      - {problem}", file=out)
            if result.happened:
                print(f"      got: {result.happened}", file=out)


def main(argv: Sequence[str] | None = None, out: TextIO = sys.stdout) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot corpus", description=__doc__)
    parser.add_argument("paths", nargs="*", metavar="FILE", help="corpus files (default: both)")
    parser.add_argument("--failures", action="store_true", help="list each failing item")
    args = parser.parse_args(argv)
    try:
        loaded = [(path, load_items(path)) for path in corpus_paths(args.paths)]
    except CorpusError as exc:
        print(f"ERROR {exc}", file=out)
        return 2
    for path, items in loaded:
        results = asyncio.run(run_items(items))
        report(results, title=str(path), failures=args.failures, out=out)
        print(file=out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
