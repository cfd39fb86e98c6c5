"""Unit tests of the update/reply mapping, offline in the style of python-telegram-bot's own tests.

Telegram objects are built directly (no bot, no network); the functions under test are pure.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest
from telegram import CallbackQuery, Chat, InlineKeyboardMarkup, Message, PhotoSize, Update, User

from bot.conversation import Attachment, Button, Command, Customer, Press, Reply, Text
from bot.telegram.mapping import (
    CALLBACK_DATA_LIMIT,
    CAPTION_LIMIT,
    CallbackDataTooLong,
    customer_from,
    escape,
    event_from,
    keyboard_for,
    parse_command,
    render,
    split_text,
)
from bot.telegram.turns import ChatTurns

WHEN = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
DANA = User(
    id=42, first_name="<b>Dana</b> & co", is_bot=False, last_name="Rossi", language_code="it"
)
CHAT = Chat(id=42, type=Chat.PRIVATE)


def message_update(text: str | None = None, *, user: User = DANA, **extra: object) -> Update:
    message = Message(message_id=7, date=WHEN, chat=CHAT, from_user=user, text=text, **extra)  # type: ignore[arg-type]
    return Update(update_id=1, message=message)


def press_update(data: str, *, user: User = DANA) -> Update:
    shown = Message(message_id=5, date=WHEN, chat=CHAT, text="Scegli un orario")
    query = CallbackQuery(id="q1", from_user=user, chat_instance="c", data=data, message=shown)
    return Update(update_id=2, callback_query=query)


class TestCustomer:
    def test_the_customer_carries_chat_user_names_and_language(self) -> None:
        assert customer_from(message_update("ciao")) == Customer(
            chat_id=42,
            user_id=42,
            first_name="<b>Dana</b> & co",
            last_name="Rossi",
            language_code="it",
        )

    def test_a_user_without_language_or_surname_gives_none_not_empty_strings(self) -> None:
        user = User(id=9, first_name="Bo", is_bot=False)
        customer = customer_from(message_update("hi", user=user))
        assert customer is not None
        assert (customer.last_name, customer.language_code) == (None, None)

    def test_an_update_without_a_user_has_no_customer(self) -> None:
        message = Message(message_id=1, date=WHEN, chat=CHAT, text="channel post")
        assert customer_from(Update(update_id=3, channel_post=message)) is None


class TestEvents:
    def test_typed_text_becomes_text_trimmed(self) -> None:
        assert event_from(message_update("  domani alle 11 ")) == Text("domani alle 11")

    @pytest.mark.parametrize(
        ("typed", "command"),
        [
            ("/start", Command("start")),
            ("/start book", Command("start", "book")),
            ("/start book_s_taglio", Command("start", "book_s_taglio")),
            ("/Book@aurora_test_bot", Command("book")),
            ("/cancel  il mio appuntamento ", Command("cancel", "il mio appuntamento")),
        ],
    )
    def test_commands_carry_their_lowercase_name_and_arguments(
        self, typed: str, command: Command
    ) -> None:
        assert event_from(message_update(typed), bot_username="aurora_test_bot") == command

    def test_a_command_for_another_bot_is_not_ours(self) -> None:
        assert parse_command("/book@other_bot", bot_username="aurora_test_bot") is None

    def test_a_lone_slash_is_not_a_command(self) -> None:
        assert parse_command("/") is None

    def test_a_photo_caption_is_read_as_text_and_a_bare_photo_as_nothing(self) -> None:
        photo = (PhotoSize("f", "u", 10, 10),)
        assert event_from(message_update(None, photo=photo, caption="va bene?")) == Text("va bene?")
        assert event_from(message_update(None, photo=photo)) is None

    def test_a_button_press_passes_its_data_through_untouched(self) -> None:
        # Forged or stale data is the engine's to judge; the transport must not alter it.
        assert event_from(press_update("g9:confirm:h_x")) == Press("g9:confirm:h_x")


class TestRendering:
    def test_everything_is_escaped_so_it_shows_as_typed(self) -> None:
        assert escape("Ciao <b>Dana</b> & co") == "Ciao &lt;b&gt;Dana&lt;/b&gt; &amp; co"
        [outgoing] = render(Reply(text="Grazie, <b>Dana</b> & co!"))
        assert outgoing.html == "Grazie, &lt;b&gt;Dana&lt;/b&gt; &amp; co!"

    def test_buttons_become_inline_keyboard_rows_with_the_action_as_callback_data(self) -> None:
        markup = keyboard_for(
            (
                (Button("10:00", "g1:slot:0"), Button("10:30", "g1:slot:1")),
                (),
                (Button("Annulla", "g1:stop"),),
            )
        )
        assert markup is not None
        # The Bot API's InlineKeyboardMarkup, as Telegram reads it.
        keyboard = InlineKeyboardMarkup.de_json(markup, None).inline_keyboard
        rows = [[(b.text, b.callback_data) for b in row] for row in keyboard]
        assert rows == [[("10:00", "g1:slot:0"), ("10:30", "g1:slot:1")], [("Annulla", "g1:stop")]]

    def test_no_buttons_means_no_keyboard(self) -> None:
        assert keyboard_for(()) is None
        assert render(Reply(text="ok"))[0].keyboard is None

    def test_callback_data_is_measured_in_bytes_and_refused_over_64(self) -> None:
        fits = "é" * (CALLBACK_DATA_LIMIT // 2)  # 64 bytes
        assert keyboard_for(((Button("ok", fits),),)) is not None
        with pytest.raises(CallbackDataTooLong):
            keyboard_for(((Button("ok", fits + "x"),),))

    def test_a_long_text_is_split_and_the_keyboard_rides_on_the_last_piece(self) -> None:
        line = "Martedì 24 novembre alle 10:00 è libero.\n"
        reply = Reply(text=line * 150, buttons=((Button("Sì", "g1:yes"),),))
        pieces = render(reply)
        assert len(pieces) == 2
        assert all(len(piece.html) <= 4096 for piece in pieces)
        assert [piece.keyboard is not None for piece in pieces] == [False, True]
        assert "".join(split_text(line * 150)).replace("\n", "") == (line * 150).replace("\n", "")

    def test_an_empty_text_renders_no_message(self) -> None:
        assert render(Reply(text="  ")) == []

    def test_a_file_carries_the_text_as_its_caption_with_the_keyboard(self) -> None:
        ics = Attachment("a.ics", b"x", "text/calendar")
        reply = Reply(
            text="Fatto & fatto", buttons=((Button("Menu", "g1:menu"),),), attachments=(ics,)
        )
        [outgoing] = render(reply)
        assert (outgoing.document, outgoing.html) == (ics, "Fatto &amp; fatto")
        assert outgoing.keyboard is not None

    def test_a_text_too_long_for_a_caption_comes_first_then_the_bare_file(self) -> None:
        ics = Attachment("a.ics", b"x", "text/calendar")
        long = "x" * (CAPTION_LIMIT + 1)
        reply = Reply(text=long, buttons=((Button("Menu", "g1:menu"),),), attachments=(ics,))
        text, document = render(reply)
        assert (text.document, text.html, text.keyboard is not None) == (None, long, True)
        assert (document.document, document.html, document.keyboard) == (ics, "", None)


class TestTurns:
    async def test_one_chat_runs_in_order_while_another_runs_alongside(self) -> None:
        turns = ChatTurns()
        log: list[str] = []
        gate = asyncio.Event()

        async def step(name: str, wait: bool = False) -> None:
            log.append(f"start {name}")
            if wait:
                await gate.wait()
            log.append(f"end {name}")

        first = asyncio.create_task(turns.run(1, step("a1", wait=True)))
        second = asyncio.create_task(turns.run(1, step("a2")))
        other = asyncio.create_task(turns.run(2, step("b1")))
        await other  # chat 2 finishes although chat 1 is still busy
        assert "end b1" in log and "start a2" not in log
        gate.set()
        await asyncio.gather(first, second)
        assert [entry for entry in log if entry.endswith(("a1", "a2"))] == [
            "start a1",
            "end a1",
            "start a2",
            "end a2",
        ]
        assert turns.busy() == 0
