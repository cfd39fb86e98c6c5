"""How a conversation reads as plain lines, and how a typed label finds the button it names.

Shared by the replay diff and the terminal chat, so both show a conversation the same way.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from bot.conversation import Button, Reply
from bot.understanding.text import normalize

BOT = "bot: "
INDENT = " " * len(BOT)


def label_key(label: str) -> str:
    """Case, accents and emoji do not matter when a customer types a button's label."""
    return normalize(label) or label.strip().casefold()


def find_button(replies: Sequence[Reply], typed: str) -> Button | None:
    """The button labelled `typed`, newest reply first; exact spelling wins over a loose match."""
    buttons = [button for reply in reversed(replies) for row in reply.buttons for button in row]
    for button in buttons:
        if button.label == typed:
            return button
    wanted = label_key(typed)
    for button in buttons:
        if label_key(button.label) == wanted:
            return button
    return None


def button_rows(reply: Reply) -> list[list[str]]:
    return [[button.label for button in row] for row in reply.buttons]


def render_reply(reply: Reply, *, prefix: str = BOT) -> list[str]:
    """A reply as lines: its text, then a line per row of buttons, then its attachments."""
    text_lines = reply.text.splitlines() or [""]
    lines = [prefix + text_lines[0]] + [(INDENT + line).rstrip() for line in text_lines[1:]]
    lines += [INDENT + render_row(row) for row in button_rows(reply)]
    lines += [f"{INDENT}📎 {attachment.filename}" for attachment in reply.attachments]
    return lines


def render_row(labels: Iterable[str]) -> str:
    return "  ".join(f"[{label}]" for label in labels)
