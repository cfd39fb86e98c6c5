"""The commands menu Telegram shows beside the text box, in Italian and English.

Descriptions come from the message catalogs (`telegram.menu.<command>`). Staff get their own menu,
scoped to each admin's private chat, once staff commands exist.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence

from telegram import Bot, BotCommand, BotCommandScopeChat

from bot.i18n import translator_for

logger = logging.getLogger(__name__)

CUSTOMER_COMMANDS = ("start", "book", "appointments", "move", "cancel", "language", "help", "stop")
MENU_LANGUAGES = ("it", "en")


def menu_id(command: str) -> str:
    return f"telegram.menu.{command}"


def commands_in(language: str, names: Sequence[str]) -> list[BotCommand]:
    translate = translator_for(language)
    return [BotCommand(name, translate(menu_id(name))) for name in names]


async def register_commands(
    bot: Bot,
    *,
    default_language: str,
    admin_ids: Iterable[int] = (),
    staff_commands: Sequence[str] = (),
) -> None:
    """Tell Telegram the menu: one per language, a default, and one per admin chat."""
    for language in MENU_LANGUAGES:
        await bot.set_my_commands(commands_in(language, CUSTOMER_COMMANDS), language_code=language)
    # Clients in any other language get the business's own language.
    await bot.set_my_commands(commands_in(default_language, CUSTOMER_COMMANDS))
    admins = sorted(set(admin_ids))
    if not staff_commands or not admins:
        return
    names = (*CUSTOMER_COMMANDS, *staff_commands)
    for admin_id in admins:
        # Admins' chats are private, so the chat id is the user id.
        for language in MENU_LANGUAGES:
            await bot.set_my_commands(
                commands_in(language, names),
                scope=BotCommandScopeChat(admin_id),
                language_code=language,
            )
        await bot.set_my_commands(
            commands_in(default_language, names), scope=BotCommandScopeChat(admin_id)
        )
    logger.info("staff menu registered for %s admins", len(admins))
