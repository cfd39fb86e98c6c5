"""Reads a YAML transcript into `bot.replay.format` types, refusing anything it does not know.

Every error names the file and, for a step, its position and line, so whoever wrote the
transcript can find the mistake without reading Python.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml

from bot.replay.format import (
    CustomerProfile,
    ExpectAppointment,
    ExpectEmail,
    ExpectReply,
    FinalExpectations,
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

HEADER_KEYS = frozenset(
    {
        "title",
        "now",
        "timezone",
        "language",
        "service",
        "reminder_hours",
        "staff",
        "customer",
        "sandbox",
        "include",
        "steps",
        "expect",
    }
)
CUSTOMER_KEYS = frozenset({"id", "first_name", "last_name", "language_code"})
REPLY_KEYS = frozenset({"text", "contains", "matches", "buttons", "buttons_include", "attachment"})
SANDBOX_ACTIONS = frozenset({"hold", "book", "fault", "clear_faults"})
SANDBOX_KEYS = SANDBOX_ACTIONS | {"service", "count", "name", "email"}
APPOINTMENT_KEYS = frozenset({"status", "start", "service_id", "contact_name", "contact_email"})
EMAIL_KEYS = frozenset({"to", "kind"})


class _Loader(yaml.SafeLoader):
    """YAML with only true/false as booleans: a customer's "yes", "no" or "on" stays text."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, pattern) for tag, pattern in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)

_DURATION = re.compile(
    r"^\s*(?:(?P<d>\d+)\s*d)?\s*(?:(?P<h>\d+)\s*h)?\s*(?:(?P<m>\d+)\s*m(?:in)?)?\s*"
    r"(?:(?P<s>\d+)\s*s)?\s*$"
)


def parse_duration(value: object) -> timedelta:
    """ "9m", "1h30m", "2d", "45s" or a number of seconds."""
    if isinstance(value, bool):
        raise ValueError(f"{value!r} is not a duration such as 9m, 1h30m or 45s")
    if isinstance(value, int | float):
        return timedelta(seconds=value)
    text = str(value)
    match = _DURATION.match(text)
    if not text.strip() or match is None or not any(match.groupdict().values()):
        raise ValueError(f"{text!r} is not a duration such as 9m, 1h30m or 45s")
    parts = {key: int(number or 0) for key, number in match.groupdict().items()}
    return timedelta(days=parts["d"], hours=parts["h"], minutes=parts["m"], seconds=parts["s"])


def parse_instant(value: object, what: str) -> datetime:
    """An ISO-8601 instant with its UTC offset; YAML may already have parsed it."""
    if isinstance(value, datetime):
        moment = value
    else:
        try:
            moment = datetime.fromisoformat(str(value))
        except ValueError:
            raise ValueError(
                f"{what} {value!r} is not an ISO date and time such as 2026-11-23T09:00+01:00"
            ) from None
    if moment.tzinfo is None:
        raise ValueError(f"{what} {value!r} needs its UTC offset, e.g. 2026-11-23T09:00+01:00")
    return moment


def load_transcript(path: str | Path) -> Transcript:
    """Read and check one transcript file, with its included prefixes."""
    path = Path(path)
    data, written = _read_yaml(path)
    if not isinstance(data, dict):
        raise TranscriptError(f"{path}: a transcript is a mapping with at least 'now' and 'steps'")
    _refuse_unknown(path, "the transcript", data, HEADER_KEYS)
    try:
        if "now" not in data:
            raise ValueError("'now' is missing: the instant the conversation starts")
        now = parse_instant(data["now"], "now")
        timezone = str(data.get("timezone", "Europe/Rome"))
        try:
            ZoneInfo(timezone)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(
                f"timezone {timezone!r} is not an IANA name such as Europe/Rome"
            ) from None
        language = str(data.get("language", "it"))
        if language not in ("it", "en"):
            raise ValueError(f"language {language!r} must be it or en")
        customer = _customer(data.get("customer") or {})
        sandbox = data.get("sandbox") or {}
        if not isinstance(sandbox, dict):
            raise ValueError("'sandbox' must be a mapping of seed overrides")
        reminder = data.get("reminder_hours")
        staff = data.get("staff", False)
        if not isinstance(staff, bool):
            raise ValueError("'staff' must be true or false")
        expect = _final(data.get("expect") or {})
    except ValueError as exc:
        raise TranscriptError(f"{path}: {exc}") from None

    steps: list[Step] = []
    includes = data.get("include") or []
    if isinstance(includes, str):
        includes = [includes]
    if not isinstance(includes, list):
        raise TranscriptError(f"{path}: 'include' must be a list of prefix files")
    for name in includes:
        try:
            steps.extend(_load_prefix(path.parent / str(name), seen=(path,)))
        except TranscriptError as exc:
            raise TranscriptError(f"{path}: in included {name}: {exc}") from None
    raw_steps = data.get("steps")
    if not isinstance(raw_steps, list) or not (raw_steps or steps):
        raise TranscriptError(f"{path}: 'steps' must be a non-empty list")
    steps.extend(_steps(path, raw_steps, written))
    return Transcript(
        path=path,
        title=str(data.get("title") or path.stem),
        now=now,
        timezone=timezone,
        customer=customer,
        language=language,
        service_id=str(data["service"]) if data.get("service") else None,
        reminder_hours=float(reminder) if reminder is not None else None,
        staff=staff,
        sandbox=sandbox,
        steps=tuple(steps),
        expect=expect,
    )


@dataclass(frozen=True)
class _Written:
    """Where a step was written, and its value exactly as typed ("10.30" stays "10.30")."""

    line: int | None
    raw: str | None


def load_yaml(text: str) -> Any:
    """Parse YAML the way transcripts are read (only true/false are booleans)."""
    return yaml.load(text, Loader=_Loader)


def _read_yaml(path: Path) -> tuple[Any, list[_Written]]:
    """The document and, for each entry of its `steps` list (or bare list), how it was written."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise TranscriptError(f"{path}: cannot be read ({exc.strerror})") from None
    try:
        data = yaml.load(text, Loader=_Loader)
        root = yaml.compose(text, Loader=_Loader)
    except yaml.YAMLError as exc:
        raise TranscriptError(f"{path}: not valid YAML: {exc}") from None
    written: list[_Written] = []
    sequence: yaml.Node | None = root
    if isinstance(root, yaml.MappingNode):
        sequence = next(
            (value for key, value in root.value if getattr(key, "value", None) == "steps"), None
        )
    if isinstance(sequence, yaml.SequenceNode):
        for item in sequence.value:
            raw = None
            if isinstance(item, yaml.MappingNode) and len(item.value) == 1:
                value = item.value[0][1]
                if isinstance(value, yaml.ScalarNode):
                    raw = str(value.value)
            written.append(_Written(item.start_mark.line + 1, raw))
    return data, written


def _load_prefix(path: Path, *, seen: tuple[Path, ...]) -> list[Step]:
    if path in seen:
        raise TranscriptError(f"{path}: included from itself")
    data, written = _read_yaml(path)
    if isinstance(data, dict):
        _refuse_unknown(path, "a prefix", data, frozenset({"title", "steps"}))
        data = data.get("steps")
    if not isinstance(data, list) or not data:
        raise TranscriptError(f"{path}: a prefix is a list of steps (or a mapping with 'steps')")
    return _steps(path, data, written)


def _steps(path: Path, raw: list[Any], written: list[_Written]) -> list[Step]:
    steps: list[Step] = []
    for index, item in enumerate(raw, start=1):
        how = written[index - 1] if index <= len(written) else _Written(None, None)
        place = Place(path, index, how.line)
        if isinstance(item, dict) and len(item) == 1 and how.raw is not None:
            ((kind, value),) = item.items()
            if kind in ("user", "press", "command", "bot") and not isinstance(value, str):
                item = {kind: how.raw}  # the text as typed, not YAML's number reading of it
        try:
            steps.extend(_step(item, place))
        except (ValueError, TypeError) as exc:
            raise TranscriptError(f"{place}: {exc}") from None
    return steps


def _step(item: Any, place: Place) -> list[Step]:
    if not isinstance(item, dict) or len(item) != 1:
        raise ValueError(
            "each step is one of user, press, command, bot, wait, restart or sandbox, "
            f"e.g. '- user: domani alle 11'; found {item!r}"
        )
    ((kind, value),) = item.items()
    if kind == "user":
        if not isinstance(value, str | int | float) or not str(value).strip():
            raise ValueError("'user' needs the text the customer types")
        return [Say(str(value), place)]
    if kind == "press":
        if isinstance(value, dict):
            if set(value) - {"label", "action"} or not value:
                raise ValueError("'press' takes a button label, or {label: ...} or {action: ...}")
            label = value.get("label")
            return [Press(str(label) if label is not None else None, place, value.get("action"))]
        if not isinstance(value, str | int) or not str(value).strip():
            raise ValueError("'press' needs the label of a button the bot offered")
        return [Press(str(value), place)]
    if kind == "command":
        text = str(value or "").strip()
        name, _, args = text.removeprefix("/").partition(" ")
        if not name:
            raise ValueError("'command' needs a command such as /start or /help")
        return [SendCommand(name, args.strip(), place)]
    if kind == "bot":
        values = value if isinstance(value, list) else [value]
        if not values:
            raise ValueError("'bot' needs at least one expected reply")
        return [_reply(entry, place) for entry in values]
    if kind == "wait":
        return [Wait(parse_duration(value), str(value), place)]
    if kind == "restart":
        if value is not True:
            raise ValueError("write '- restart: true' to restart the bot")
        return [Restart(place)]
    if kind == "sandbox":
        if not isinstance(value, dict) or not SANDBOX_ACTIONS & set(value):
            raise ValueError(
                "'sandbox' takes one of hold, book, fault or clear_faults, "
                "e.g. {hold: '2026-11-24T10:00+01:00', service: s_taglio}"
            )
        unknown = sorted(set(value) - SANDBOX_KEYS)
        if unknown:
            raise ValueError(f"'sandbox' does not know {', '.join(unknown)}")
        for key in ("hold", "book"):
            if key in value:
                value = {**value, key: parse_instant(value[key], key)}
        return [SandboxAction(dict(value), place)]
    raise ValueError(
        f"unknown step {kind!r}: use user, press, command, bot, wait, restart or sandbox"
    )


def _reply(value: Any, place: Place) -> ExpectReply:
    if isinstance(value, str):
        return ExpectReply(place, text=value)
    if not isinstance(value, dict) or not value:
        raise ValueError(
            "'bot' takes the exact text, or a mapping of text, contains, matches, buttons, "
            "buttons_include, attachment"
        )
    unknown = sorted(set(value) - REPLY_KEYS)
    if unknown:
        raise ValueError(f"'bot' does not know {', '.join(unknown)}")
    contains = value.get("contains", ())
    if isinstance(contains, str):
        contains = (contains,)
    matches = value.get("matches")
    if matches is not None:
        try:
            re.compile(str(matches))
        except re.error as exc:
            raise ValueError(f"'matches' is not a valid pattern: {exc}") from None
    buttons = value.get("buttons")
    rows: tuple[tuple[str, ...], ...] | None = None
    if buttons is not None:
        if not isinstance(buttons, list):
            raise ValueError("'buttons' is a list of rows, e.g. [[Sì, No]]")
        rows = tuple(
            tuple(str(label) for label in row) if isinstance(row, list) else (str(row),)
            for row in buttons
        )
    include = value.get("buttons_include", ())
    if isinstance(include, str):
        include = (include,)
    text = value.get("text")
    attachment = value.get("attachment")
    return ExpectReply(
        place,
        text=str(text) if text is not None else None,
        contains=tuple(str(part) for part in contains),
        matches=str(matches) if matches is not None else None,
        buttons=rows,
        buttons_include=tuple(str(label) for label in include),
        attachment=str(attachment) if attachment is not None else None,
    )


def _customer(value: Any) -> CustomerProfile:
    if not isinstance(value, dict):
        raise ValueError("'customer' is a mapping of id, first_name, last_name, language_code")
    unknown = sorted(set(value) - CUSTOMER_KEYS)
    if unknown:
        raise ValueError(f"'customer' does not know {', '.join(unknown)}")

    def text(key: str) -> str | None:
        return str(value[key]) if value.get(key) is not None else None

    return CustomerProfile(
        id=int(value.get("id", 1)),
        first_name=text("first_name"),
        last_name=text("last_name"),
        language_code=text("language_code"),
    )


def _final(value: Any) -> FinalExpectations:
    if not isinstance(value, dict):
        raise ValueError("'expect' is a mapping with appointments and/or emails")
    unknown = sorted(set(value) - {"appointments", "emails"})
    if unknown:
        raise ValueError(f"'expect' does not know {', '.join(unknown)}")
    appointments: tuple[ExpectAppointment, ...] | None = None
    if "appointments" in value:
        raw = value["appointments"] or []
        if not isinstance(raw, list):
            raise ValueError("'expect.appointments' is a list (use [] for none)")
        appointments = tuple(_appointment(entry) for entry in raw)
    emails: int | tuple[ExpectEmail, ...] | None = None
    if "emails" in value:
        raw = value["emails"]
        if isinstance(raw, int) and not isinstance(raw, bool):
            emails = raw
        elif isinstance(raw, list):
            emails = tuple(_email(entry) for entry in raw)
        else:
            raise ValueError("'expect.emails' is a count or a list of {to, kind}")
    return FinalExpectations(appointments=appointments, emails=emails)


def _appointment(entry: Any) -> ExpectAppointment:
    if not isinstance(entry, dict):
        raise ValueError("each expected appointment is a mapping, e.g. {status: confirmed}")
    unknown = sorted(set(entry) - APPOINTMENT_KEYS)
    if unknown:
        raise ValueError(f"an expected appointment does not know {', '.join(unknown)}")

    def text(key: str) -> str | None:
        return str(entry[key]) if entry.get(key) is not None else None

    start = entry.get("start")
    return ExpectAppointment(
        status=text("status"),
        start=parse_instant(start, "start") if start is not None else None,
        service_id=text("service_id"),
        contact_name=text("contact_name"),
        contact_email=text("contact_email"),
    )


def _email(entry: Any) -> ExpectEmail:
    if not isinstance(entry, dict) or set(entry) - EMAIL_KEYS:
        raise ValueError("each expected e-mail is a mapping of to and/or kind")
    return ExpectEmail(
        to=str(entry["to"]) if entry.get("to") is not None else None,
        kind=str(entry["kind"]) if entry.get("kind") is not None else None,
    )


def _refuse_unknown(path: Path, what: str, data: dict[Any, Any], known: frozenset[str]) -> None:
    unknown = sorted(str(key) for key in set(data) - known)
    if unknown:
        raise TranscriptError(
            f"{path}: {what} does not know {', '.join(unknown)} (known: {', '.join(sorted(known))})"
        )
