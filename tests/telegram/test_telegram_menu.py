"""The commands menu: every command Telegram is told about is valid and described in it and en."""

from __future__ import annotations

import re

import pytest

from bot.staff import STAFF_COMMANDS
from bot.telegram.menu import CUSTOMER_COMMANDS, MENU_LANGUAGES, commands_in

# Bot API, BotCommand: 1-32 characters of a-z, 0-9 and _; a description of 1-256 characters.
COMMAND = re.compile(r"^[a-z0-9_]{1,32}$")


@pytest.mark.parametrize("language", MENU_LANGUAGES)
def test_every_command_is_valid_for_telegram_and_described(language: str) -> None:
    for command in commands_in(language, (*CUSTOMER_COMMANDS, *STAFF_COMMANDS)):
        assert COMMAND.match(command.command), command.command
        assert 1 <= len(command.description) <= 256, command.command


def test_the_customer_menu_is_translated() -> None:
    italian, english = (
        {c.command: c.description for c in commands_in(language, CUSTOMER_COMMANDS)}
        for language in ("it", "en")
    )
    assert italian.keys() == english.keys()
    assert all(italian[name] != english[name] for name in ("book", "appointments", "cancel"))
