"""What the Telegram side keeps per chat once its updates are handled (issue 11, memory).

python-telegram-bot records each update's chat and user "to be updated in persistence" and empties
those sets only when a persistence saves them; with none configured they grew by every customer
ever seen. Our application records nothing it will never save.
"""

from __future__ import annotations

from botapi_stub import TOKEN, BotApiStub
from telegram import Update
from telegram.ext import TypeHandler

from bot.config import Settings
from bot.telegram.runner import TelegramApplication, build_application
from bot.telegram.turns import ChatTurns


def _message(chat_id: int, update_id: int) -> dict[str, object]:
    user = {"id": chat_id, "is_bot": False, "first_name": "Anna", "language_code": "it"}
    return {
        "update_id": update_id,
        "message": {
            "message_id": 1,
            "date": 1_795_000_000,
            "chat": {"id": chat_id, "type": "private", "first_name": "Anna"},
            "from": user,
            "text": "ciao",
        },
    }


async def test_handled_updates_leave_no_chat_or_user_behind() -> None:
    async with BotApiStub().serving() as stub:
        settings = Settings(
            _env_file=None, telegram_bot_token=TOKEN, telegram_api_base_url=stub.base_url
        )
        application = build_application(settings, turns=ChatTurns(), webhook=True)
        async with application:
            await _handle_200_chats(application)


async def _handle_200_chats(application: TelegramApplication) -> None:
    handled: list[int] = []

    async def note(update: object, context: object) -> None:
        assert isinstance(update, Update) and update.effective_chat is not None
        handled.append(update.effective_chat.id)

    application.add_handler(TypeHandler(Update, note))
    for n, chat_id in enumerate(range(1_000, 1_200), start=1):
        await application.process_update(Update.de_json(_message(chat_id, n), application.bot))
    assert handled == list(range(1_000, 1_200))
    assert application.persistence is None
    assert not application._chat_ids_to_be_updated_in_persistence
    assert not application._user_ids_to_be_updated_in_persistence
