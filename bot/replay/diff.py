"""The report of a failed transcript: the conversation so far, then expected (-) against actual (+).

It reads like a unified diff of two conversations that agree up to the first difference, so a
non-developer sees at once where the bot stopped saying what the transcript expects.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import dataclass

from bot.replay.format import ExpectReply, Place
from bot.replay.render import BOT, INDENT, render_row

# Lines of the agreed conversation shown before the difference; older ones are elided.
CONTEXT_LINES = 40


@dataclass(frozen=True)
class Mismatch:
    """Where and how the actual conversation left the transcript."""

    place: Place | None  # None for the final checks on the sandbox
    reason: str
    expected: tuple[str, ...]
    actual: tuple[str, ...]


def describe_expectation(expect: ExpectReply) -> list[str]:
    """An expected reply written like a reply, with the loose parts spelled out."""
    lines: list[str] = []
    if expect.text is not None:
        text_lines = expect.text.splitlines() or [""]
        lines.append(BOT + text_lines[0])
        lines += [(INDENT + line).rstrip() for line in text_lines[1:]]
    for part in expect.contains:
        lines.append(f"{BOT if not lines else INDENT}… containing {part!r}")
    if expect.matches is not None:
        lines.append(f"{BOT if not lines else INDENT}… matching /{expect.matches}/")
    if not lines:
        lines.append(BOT + "(any text)")
    if expect.buttons is not None:
        lines += [INDENT + render_row(row) for row in expect.buttons] or [INDENT + "(no buttons)"]
    if expect.buttons_include:
        lines.append(INDENT + "… with buttons " + render_row(expect.buttons_include))
    if expect.attachment is not None:
        lines.append(f"{INDENT}📎 {expect.attachment}")
    return lines


def format_failure(
    title: str, conversation: Sequence[str], mismatch: Mismatch, *, context: int = CONTEXT_LINES
) -> str:
    where = str(mismatch.place) if mismatch.place else "final checks"
    out = [f"{where}: {mismatch.reason}", f"  ({title})", "--- expected", "+++ actual"]
    shown = list(conversation)
    if len(shown) > context:
        out.append(f"  … {len(shown) - context} earlier lines agree …")
        shown = shown[-context:]
    out += ["  " + line for line in shown]
    out += _merge(mismatch.expected, mismatch.actual)
    return "\n".join(out)


def _merge(expected: Sequence[str], actual: Sequence[str]) -> list[str]:
    """Lines both sides share stay as context, so one changed word points at its line."""
    merged: list[str] = []
    matcher = difflib.SequenceMatcher(a=expected, b=actual, autojunk=False)
    for tag, first, last, start, end in matcher.get_opcodes():
        if tag == "equal":
            merged += ["  " + line for line in expected[first:last]]
            continue
        merged += ["- " + line for line in expected[first:last]]
        merged += ["+ " + line for line in actual[start:end]]
    return merged
