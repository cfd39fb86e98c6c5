"""Booking through Telegram end to end: the real `Application`, the loopback Bot API stub, the
real engine and store built by `bot.bootstrap`, and the Zimun sandbox on a fixed clock.

Customers type and tap as they would on a phone; assertions read what Telegram would show
(texts after HTML parsing, keyboards still on screen, messages as edits left them), the calls the
bot made, and what Zimun holds afterwards.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from botapi_stub import TOKEN, BotApiStub, ChatMessage, parse_html, running, says, without_price

from bot.bootstrap import App, bootstrap
from bot.clock import ManualClock
from bot.config import Settings
from bot.conversation.actions import GLOBAL_VERBS, decode
from bot.i18n import format_datetime, translator_for
from bot.sandbox import Seed, World, default_seed
from bot.telegram.runner import Tuning, serve

# Monday 23 November 2026, 09:00 in Rome.
NOW = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
TOMORROW_11 = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)
TOMORROW_15 = datetime(2026, 11, 24, 14, 0, tzinfo=UTC)
THURSDAY_15 = datetime(2026, 11, 26, 14, 0, tzinfo=UTC)
STAFF_ID = 40
ROME = ZoneInfo("Europe/Rome")
WHEN_IT = format_datetime(TOMORROW_11, "it", ROME)
IT, EN = translator_for("it"), translator_for("en")
FAST = Tuning(due_interval=0.05, due_stagger=0, typing_after=0.3, polling_timeout=1)


class Harness:
    """One business: a sandbox world and a database that outlive any number of bot restarts."""

    def __init__(self, stub: BotApiStub, tmp_path: Path, world: World, clock: ManualClock) -> None:
        self.stub, self.world, self.clock = stub, world, clock
        self.settings = Settings(
            _env_file=None,
            telegram_bot_token=TOKEN,
            telegram_api_base_url=stub.base_url,
            telegram_api_base_file_url=stub.base_file_url,
            database_url=f"sqlite:///{tmp_path / 'bot.sqlite3'}",
            bot_admin_ids=str(STAFF_ID),
        )

    async def build(self, settings: Settings) -> App:
        return await bootstrap(settings, clock=self.clock, world=self.world, warm_up=None)

    def up(self, *, tuning: Tuning = FAST) -> Any:
        return running(
            self.stub,
            lambda stop: serve(self.settings, build=self.build, stop=stop, tuning=tuning),
        )

    def chat(self, chat_id: int, **customer: Any) -> Chat:
        return Chat(self.stub, chat_id, customer)

    def confirmed(self) -> list[Any]:
        return [a for a in self.world.appointments.values() if a.status == "confirmed"]


class Chat:
    """One customer's phone: type, tap, and read what the bot answered."""

    def __init__(self, stub: BotApiStub, chat_id: int, customer: dict[str, Any]) -> None:
        self.stub, self.chat_id, self.customer = stub, chat_id, customer

    async def say(self, text: str) -> list[ChatMessage]:
        seen = len(self.stub.shown_in(self.chat_id))
        self.stub.text(self.chat_id, text, **self.customer)
        return await self._answer(seen)

    async def tap(self, label: str) -> list[ChatMessage]:
        seen = len(self.stub.shown_in(self.chat_id))
        self.stub.tap(self.chat_id, label, **self.customer)
        return await self._answer(seen)

    async def _answer(self, seen: int) -> list[ChatMessage]:
        """The messages that appeared or changed (a pressed message edited into the answer)."""
        await self.stub.wait_shown(self.chat_id, seen + 1)
        await self.stub.settled(quiet=0.15)
        return self.stub.shown_in(self.chat_id)[seen:]

    def text(self) -> str:
        return "\n".join(m.text for m in self.stub.shown_in(self.chat_id))

    async def assert_old_buttons_do_not_act(self, world: World, language: str = "it") -> None:
        """Keyboards left on older messages (no call is spent on removing them) answer
        "expired" (or "already booked") and change nothing at Zimun. Menu-like buttons (book,
        help, my appointments...) work from any message by design and are left out."""
        *old, _newest = self.stub.keyboards(self.chat_id)
        stale = [
            (message.message_id, data)
            for message in old
            for row in message.keyboard
            for _, data in row
            if (action := decode(data)) is not None and action.verb not in GLOBAL_VERBS
        ]
        before = sorted((a.id, a.status, a.start) for a in world.appointments.values())
        for message_id, data in stale:
            seen = len(self.stub.shown_in(self.chat_id))
            self.stub.press(self.chat_id, message_id, data, **self.customer)
            answer = (await self._answer(seen))[0].text
            expired = says(answer, language, "button.expired")
            assert expired or says(answer, language, "booked.already"), answer
        assert sorted((a.id, a.status, a.start) for a in world.appointments.values()) == before


@pytest.fixture
async def stub() -> AsyncIterator[BotApiStub]:
    async with BotApiStub().serving() as stub:
        yield stub


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(NOW)


@pytest.fixture
def harness(stub: BotApiStub, tmp_path: Path, clock: ManualClock) -> Harness:
    return Harness(stub, tmp_path, World(seed=default_seed(), clock=clock), clock)


async def book_by_typing(chat: Chat) -> None:
    held = await chat.say("vorrei un taglio domani alle 11")
    assert says(held[0].text, "it", "hold.placed", when=WHEN_IT)
    await chat.say("Mario Rossi")
    summary = await chat.say("mario@example.com")
    assert says(without_price(summary[-1].text), "it", "summary.text")
    await chat.say("sì")


async def test_an_italian_customer_books_by_typing_and_gets_the_calendar_file(
    harness: Harness, stub: BotApiStub
) -> None:
    mario = harness.chat(10)
    async with harness.up():
        [greeting] = await mario.say("/start")
        assert says(greeting.text, "it", "start.hello_name", name="Mario")
        await book_by_typing(mario)
        await mario.assert_old_buttons_do_not_act(harness.world)
    [appointment] = harness.confirmed()
    assert (appointment.start, appointment.contact_name) == (TOMORROW_11, "Mario Rossi")
    # The confirmation is the calendar file, captioned, with the next buttons: one message.
    done = next(m for m in stub.bot_messages(10) if m.document is not None)
    assert says(done.text, "it", "booked.text", service="Taglio", when=WHEN_IT)
    assert done.labels == [IT("button.appointments"), IT("button.menu")]
    assert done.document is not None and done.document[0].endswith(".ics")
    assert b"BEGIN:VCALENDAR" in done.document[1]


# Five steps typed, eight tapped: how many chat-bound Bot API calls (the ones Telegram's flood
# limit and PTB's rate limiter count) the bot spends on each. Typing is left to its own test: a
# slow first answer may rightly show it, so these runs never wait long enough for it.
PATIENT = replace(FAST, typing_after=60)


async def test_a_typed_booking_costs_one_call_per_step_and_never_tidies_old_keyboards(
    harness: Harness, stub: BotApiStub
) -> None:
    mario = harness.chat(23)
    async with harness.up(tuning=PATIENT):
        await mario.say("/start")
        await book_by_typing(mario)
    methods = [call.method for call in stub.chat_calls(23)]
    assert methods == ["sendMessage"] * 4 + ["sendDocument"]
    [confirmation] = stub.calls_to("sendDocument")
    assert confirmation.params["reply_markup"]["inline_keyboard"]
    assert says(parse_html(confirmation.params["caption"]), "it", "booked.text")
    assert len(harness.confirmed()) == 1


async def test_a_tapped_booking_edits_each_pressed_message_into_the_next_question(
    harness: Harness, stub: BotApiStub
) -> None:
    anna = harness.chat(11, first_name="Anna", last_name="Bianchi")
    async with harness.up(tuning=PATIENT):
        await anna.say("/start")
        for label in (IT("button.book"), "Taglio · 30 min · 25\u00a0€", "Mar 24 nov", "11:00"):
            [answer] = await anna.tap(label)
        assert says(answer.text, "it", "hold.placed", when=WHEN_IT)
        [question] = await anna.tap("Anna Bianchi")
        assert says(question.text, "it", "email.ask")
        await anna.say("anna@example.com")
        await anna.tap(IT("button.confirm"))
    [appointment] = harness.confirmed()
    assert (appointment.start, appointment.contact_name) == (TOMORROW_11, "Anna Bianchi")
    assert len(stub.calls_to("answerCallbackQuery")) == 6
    methods = [call.method for call in stub.chat_calls(11)]
    assert methods == (["sendMessage"] + ["editMessageText"] * 5 + ["sendMessage", "sendDocument"])
    assert len(methods) / 8 <= 1.1
    # Every press changed the message it was made on: the greeting became each question in
    # turn, so only the last question, the summary and the confirmation show buttons.
    edited = {call.params["message_id"] for call in stub.calls_to("editMessageText")}
    assert edited == {stub.bot_messages(11)[0].message_id}
    assert len(stub.keyboards(11)) == 3
    async with harness.up(tuning=PATIENT):
        await anna.assert_old_buttons_do_not_act(harness.world)


async def test_an_english_customer_is_answered_in_english_from_a_deep_link(
    harness: Harness,
) -> None:
    ada = harness.chat(12, first_name="Ada", language_code="en")
    async with harness.up():
        [services] = await ada.say("/start book")
        assert services.text == EN("service.ask")
        await ada.tap("Colore")
        held = await ada.say("tomorrow at 3pm")
        assert says(
            held[0].text, "en", "hold.placed", when=format_datetime(TOMORROW_15, "en", ROME)
        )
        await ada.say("Ada Lovelace")
        await ada.say("ada@example.com")
        await ada.tap(EN("button.confirm"))
    [appointment] = harness.confirmed()
    assert appointment.service_id == "s_colore"
    assert appointment.start == TOMORROW_15
    assert "martedì" not in ada.text()


async def test_a_customer_moves_and_another_cancels(harness: Harness) -> None:
    mario, lucia = harness.chat(13), harness.chat(14, first_name="Lucia")
    async with harness.up():
        await book_by_typing(mario)
        await book_by_typing(lucia)
        await mario.say("/move")
        [question] = await mario.say("giovedì alle 15")
        assert says(
            question.text, "it", "move.confirm", new=format_datetime(THURSDAY_15, "it", ROME)
        )
        await mario.tap(IT("button.move_yes"))
        [question] = await lucia.say("/cancel")
        assert says(question.text, "it", "cancel.confirm", service="Taglio")
        [cancelled] = await lucia.tap(IT("button.cancel_yes"))
        # The yes cancels at once; the same message asks the optional reason.
        assert says(cancelled.text, "it", "cancelled.text", service="Taglio")
        assert says(cancelled.text, "it", "cancel.reason")
        # ... and Lucia says nothing more: the appointment is cancelled all the same.
    statuses = sorted((a.start, a.status) for a in harness.world.appointments.values())
    assert statuses == [
        (TOMORROW_11, "cancelled"),
        (THURSDAY_15, "confirmed"),
    ]


async def test_a_hold_warns_then_expires_on_the_clock(harness: Harness, stub: BotApiStub) -> None:
    mario = harness.chat(15)
    async with harness.up():
        await mario.say("vorrei un taglio domani alle 11")
        seen = len(stub.bot_messages(15))
        harness.clock.advance(timedelta(minutes=8))
        await stub.wait_replies(15, seen + 1)
        harness.clock.advance(timedelta(minutes=2))
        await stub.wait_replies(15, seen + 2)
        await stub.settled(quiet=0.3)
    warning, expired = stub.bot_messages(15)[seen : seen + 2]
    assert says(warning.text, "it", "hold.warning", when=WHEN_IT)
    assert says(expired.text, "it", "hold.expired", when=WHEN_IT)
    assert not harness.confirmed()
    assert all(hold.expires_at <= harness.clock.now() for hold in harness.world.holds.values())
    # Nothing is sent twice: both messages were marked sent.
    assert len(stub.bot_messages(15)) == seen + 2


async def test_a_reminder_comes_a_day_before_with_move_and_cancel(
    harness: Harness, stub: BotApiStub
) -> None:
    mario = harness.chat(16)
    async with harness.up():
        await book_by_typing(mario)
        seen = len(stub.bot_messages(16))
        harness.clock.set(TOMORROW_11 - timedelta(hours=24))
        [reminder] = (await stub.wait_replies(16, seen + 1))[seen:]
        await stub.settled()
        offered, reminded = reminder.labels, reminder.text
        [question] = await mario.tap(IT("button.cancel"))
        assert says(question.text, "it", "cancel.confirm", service="Taglio")
    assert says(reminded, "it", "reminder.ask", service="Taglio", when=WHEN_IT)
    assert offered == [IT("button.attend"), IT("button.move"), IT("button.cancel")]
    # The reminder came as a new message; the press turned it into the question.
    assert question.message_id == reminder.message_id
    assert len(stub.bot_messages(16)) == seen + 1


async def test_a_hold_warning_that_fell_due_while_the_bot_was_down_is_sent_once_after(
    harness: Harness, stub: BotApiStub
) -> None:
    mario = harness.chat(22)
    async with harness.up():
        await mario.say("vorrei un taglio domani alle 11")
    seen = len(stub.bot_messages(22))
    harness.clock.advance(timedelta(minutes=8, seconds=30))
    async with harness.up():
        [warning] = (await stub.wait_replies(22, seen + 1))[seen:]
        await stub.settled()
    async with harness.up():
        await stub.settled()
    assert says(warning.text, "it", "hold.warning", when=WHEN_IT)
    assert len(stub.bot_messages(22)) == seen + 1


async def test_the_bot_restarts_in_the_middle_of_a_booking_and_carries_on(
    harness: Harness,
) -> None:
    mario = harness.chat(17)
    async with harness.up():
        await mario.say("vorrei un taglio domani alle 11")
        await mario.say("Mario Rossi")
    # Down and up again on the same database; the customer just goes on typing.
    async with harness.up():
        summary = await mario.say("mario@example.com")
        assert says(without_price(summary[-1].text), "it", "summary.text")
        await mario.tap(IT("button.confirm"))
    [appointment] = harness.confirmed()
    assert appointment.start == TOMORROW_11


async def test_two_customers_race_for_the_last_slot_and_one_gets_it(
    stub: BotApiStub, tmp_path: Path, clock: ManualClock
) -> None:
    # One person at work: 11:00 tomorrow can be given once only.
    world = World(seed=Seed.from_dict({"staff": 1}), clock=clock)
    # Zimun is across a network: its answers take a while, so both chats' reads are out at once.
    # (Answered in place, the in-process sandbox let one chat hold before the other had read.)
    world.set_faults(latency_ms=20)
    harness = Harness(stub, tmp_path, world, clock)
    carla = harness.chat(20, first_name="Carla", last_name="Neri")
    dario = harness.chat(21, first_name="Dario", last_name="Verdi")
    async with harness.up():
        # Both ask at the same moment; their chats are handled concurrently.
        for chat in (carla, dario):
            stub.text(chat.chat_id, "vorrei un taglio domani alle 11", **chat.customer)
        await stub.wait_replies(20, 1)
        await stub.wait_replies(21, 1)
        await stub.settled()
        answers = {chat: stub.bot_messages(chat.chat_id)[0].text for chat in (carla, dario)}
        [winner] = [chat for chat, text in answers.items() if says(text, "it", "hold.placed")]
        [loser] = [chat for chat in (carla, dario) if chat is not winner]
        assert says(answers[loser], "it", "slot.just_taken", when=WHEN_IT)
        await loser.tap("11:30")
        for chat in (winner, loser):
            await chat.tap(f"{chat.customer['first_name']} {chat.customer['last_name']}")
            await chat.say(f"{chat.customer['first_name'].lower()}@example.com")
            await chat.tap(IT("button.confirm"))
    starts = sorted(a.start for a in harness.confirmed())
    assert starts == [TOMORROW_11, TOMORROW_11 + timedelta(minutes=30)]


async def test_a_double_tap_on_confirm_books_once(harness: Harness, stub: BotApiStub) -> None:
    mario = harness.chat(18)
    async with harness.up():
        await mario.say("vorrei un taglio domani alle 11")
        await mario.say("Mario Rossi")
        await mario.say("mario@example.com")
        seen = len(stub.bot_messages(18))
        first = stub.tap(18, "Conferma")
        second = stub.tap(18, "Conferma")
        await stub.wait_replies(18, seen + 1)
        await stub.settled()
    assert len(harness.confirmed()) == 1
    answered = [c.params["callback_query_id"] for c in stub.calls_to("answerCallbackQuery")]
    assert answered == [first, second]
    # The second tap was on its way while the first was answered; it is answered, not echoed.
    [done] = stub.bot_messages(18)[seen:]
    assert says(done.text, "it", "booked.text") and done.document is not None


async def test_a_forged_button_is_expired_and_touches_nothing(
    harness: Harness, stub: BotApiStub
) -> None:
    mario, eve = harness.chat(19), harness.chat(30, first_name="Eve")
    async with harness.up():
        await book_by_typing(mario)
        [appointment] = harness.confirmed()
        await eve.say("/start")
        # Eve replays Mario's cancel-confirm action shape on her own chat.
        seen = len(stub.shown_in(30))
        stub.press(30, stub.keyboards(30)[-1].message_id, f"9|yes|{appointment.id}")
        replies = (await stub.wait_shown(30, seen + 1))[seen:]
        await stub.settled()
    assert harness.confirmed() == [appointment]
    assert says(replies[0].text, "it", "button.expired")
    assert any(m.keyboard for m in replies)  # a fresh menu comes with the polite refusal


async def test_names_are_shown_exactly_as_typed(harness: Harness) -> None:
    dana = harness.chat(31, first_name="<b>Dana</b> & co")
    async with harness.up():
        [greeting] = await dana.say("/start")
    assert says(greeting.text, "it", "start.hello_name", name="<b>Dana</b> & co")


async def test_updates_sent_while_the_bot_was_down_are_answered_when_it_is_back(
    harness: Harness, stub: BotApiStub
) -> None:
    stub.text(32, "/start")
    async with harness.up():
        [greeting] = await stub.wait_replies(32, 1)
        await stub.settled()
    assert says(greeting.text, "it", "start.hello_name", name="Mario")
    await asyncio.sleep(0)


async def test_staff_run_their_day_from_their_own_chat_and_customers_cannot(
    harness: Harness, stub: BotApiStub
) -> None:
    mario, staff = harness.chat(41), harness.chat(STAFF_ID, first_name="Giulia")
    async with harness.up():
        await book_by_typing(mario)
        tomorrow = await staff.say("/tomorrow")
        refused = await mario.say("/tomorrow")
    assert "Mario Rossi" in "\n".join(m.text for m in tomorrow)
    assert "Mario Rossi" not in "\n".join(m.text for m in refused)
    assert ("chat:40", "it") in stub.commands


async def test_questions_a_person_and_a_staff_reply_through_telegram(harness: Harness) -> None:
    """Issue 9: a question is answered and the booking carries on; "talk to a person" reaches the
    staff's own chat, and their /reply reaches the customer's."""
    mario, staff = harness.chat(41, first_name="Mario"), harness.chat(STAFF_ID, first_name="Giulia")
    async with harness.up():
        first = await mario.say("/start book_s_colore")
        assert first[0].text.startswith(IT("service.chosen", name="Colore"))
        await mario.say("domani pomeriggio")
        answer = await mario.say("quanto dura?")
        assert answer[0].text.startswith(IT("question.duration_one", service="Colore", minutes=90))
        assert IT("slot.choose") in answer[0].text
        await mario.say("vorrei parlare con una persona x favore")
        await staff.stub.wait_replies(STAFF_ID, 1)
        await staff.stub.settled(quiet=0.15)
        alert = staff.text()
        assert "«vorrei parlare con una persona x favore»" in alert
        code = alert.split("/reply ")[1].split()[0]
        seen = len(mario.stub.bot_messages(41))
        await staff.say(f"/reply {code} Ciao Mario, ti chiamo io.")
        await mario.stub.wait_replies(41, seen + 1)
    assert mario.text().endswith(IT("staff.reply.customer", text="Ciao Mario, ti chiamo io."))


async def test_corrections_and_the_day_on_screen_through_telegram(harness: Harness) -> None:
    """Issue 9: with Friday's times on screen "no, il 2" is 2 December and holds nothing; "verso
    sera" stays on the day shown; only a bare "2" takes the second time; "sono io" is the
    profile's name; after booking, "can we do ... same time instead" is a move, not a booking."""
    mario = harness.chat(42, first_name="Mario", last_name="Rossi")
    async with harness.up():
        await mario.say("vorrei un taglio venerdì")
        corrected = (await mario.say("no, il 2"))[-1].text
        assert "mercoledì 2 dicembre" in corrected and IT("slot.choose") in corrected
        assert not harness.world.holds
        evening = (await mario.say("verso sera"))[-1].text
        assert "mercoledì 2 dicembre" in evening
        held = (await mario.say("2"))[-1].text
        assert says(held, "it", "hold.placed")
        assert len(harness.world.holds) == 1
        assert says((await mario.say("sono io"))[-1].text, "it", "email.ask")
        await mario.say("mario@example.com")
        await mario.say("sì")
        [booked] = harness.confirmed()
        moving = (await mario.say("possiamo fare giovedì alla stessa ora invece?"))[-1].text
        assert says(moving, "it", "move.confirm")
        held_time = booked.start.astimezone(ROME).strftime("%H:%M").lstrip("0")
        assert f"giovedì 26 novembre alle {held_time}" in moving  # the same time, Thursday
    assert [a.id for a in harness.confirmed()] == [booked.id]  # still one booking, not two
