"""Writes what happened in a conversation as a transcript that replays as-is.

Used by `python -m bot chat --record FILE` and by `python -m bot replay --update`, which refreshes
the bot's lines of an existing transcript. Bot replies are written with their exact text.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import yaml

from bot.conversation import Reply
from bot.replay.format import CustomerProfile
from bot.replay.render import button_rows


class _Flow(list[Any]):
    """A list written on one line: a row of button labels."""


class _Dumper(yaml.SafeDumper):
    """Block style for the document, literal blocks for multi-line texts, rows on one line."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        # Indent list items under their key ("steps:\n  - user: ..."), as people write YAML.
        super().increase_indent(flow, False)


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


def _flow(dumper: yaml.SafeDumper, value: _Flow) -> yaml.SequenceNode:
    return dumper.represent_sequence("tag:yaml.org,2002:seq", value, flow_style=True)


_Dumper.add_representer(str, _str)
_Dumper.add_representer(_Flow, _flow)


def dump_yaml(document: dict[str, Any]) -> str:
    return yaml.dump(
        document,
        Dumper=_Dumper,
        allow_unicode=True,
        sort_keys=False,
        width=1000,  # one reply line stays one line, however long
        default_flow_style=False,
    )


def spell_duration(delta: timedelta) -> str:
    """timedelta(minutes=9) -> "9m"; the loader reads it back."""
    seconds = int(delta.total_seconds())
    parts = []
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60), ("s", 1)):
        if seconds >= size:
            parts.append(f"{seconds // size}{unit}")
            seconds %= size
    return "".join(parts) or "0s"


def reply_step(reply: Reply) -> dict[str, Any]:
    """A `bot` step that matches `reply` exactly (text, buttons, attachment names)."""
    if not reply.buttons and not reply.attachments:
        return {"bot": reply.text}
    expected: dict[str, Any] = {"text": reply.text}
    if reply.buttons:
        expected["buttons"] = [_Flow(row) for row in button_rows(reply)]
    if reply.attachments:
        expected["attachment"] = reply.attachments[0].filename
    return {"bot": expected}


class Recorder:
    """Collects the steps of a live conversation and writes them as a transcript."""

    def __init__(
        self,
        *,
        now: datetime,
        timezone: str,
        customer: CustomerProfile,
        language: str = "it",
        title: str = "Recorded conversation",
        service_id: str | None = None,
    ) -> None:
        self.now = now
        self.timezone = timezone
        self.customer = customer
        self.language = language
        self.title = title
        self.service_id = service_id
        self.steps: list[dict[str, Any]] = []

    def said(self, text: str) -> None:
        self.steps.append({"user": text})

    def pressed(self, label: str) -> None:
        self.steps.append({"press": label})

    def commanded(self, name: str, args: str = "") -> None:
        self.steps.append({"command": f"/{name} {args}".rstrip()})

    def waited(self, delta: timedelta) -> None:
        self.steps.append({"wait": spell_duration(delta)})

    def restarted(self) -> None:
        self.steps.append({"restart": True})

    def sandbox(self, spec: dict[str, Any]) -> None:
        self.steps.append({"sandbox": spec})

    def replied(self, replies: Sequence[Reply]) -> None:
        self.steps.extend(reply_step(reply) for reply in replies)

    def document(self) -> dict[str, Any]:
        local_now = self.now.astimezone(ZoneInfo(self.timezone)).isoformat(timespec="seconds")
        customer = {
            key: value
            for key, value in (
                ("id", self.customer.id),
                ("first_name", self.customer.first_name),
                ("last_name", self.customer.last_name),
                ("language_code", self.customer.language_code),
            )
            if value is not None
        }
        document: dict[str, Any] = {
            "title": self.title,
            "now": local_now,
            "timezone": self.timezone,
            "language": self.language,
            "customer": customer,
        }
        if self.service_id:
            document["service"] = self.service_id
        document["steps"] = self.steps
        return document

    def save(self, path: str | Path) -> None:
        Path(path).write_text(dump_yaml(self.document()), encoding="utf-8")
