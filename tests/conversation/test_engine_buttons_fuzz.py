"""Buttons carry no power (issue 10, item 4): from real states, the real buttons' callback data is
mutated with a seeded random generator and pressed. A press that is not one of the buttons the
chat was shown changes nothing (the stored session stays identical, Zimun sees no write) and gets
the "expired" answer."""

from __future__ import annotations

import random
from collections.abc import Awaitable, Callable

import pytest
from engine_chat import Chat, Harness

from bot.conversation import Press, Reply
from bot.conversation.actions import GLOBAL_VERBS, Verb, decode
from bot.i18n import translator_for

SEED = 10
PRESSES_PER_STATE = 70
VERBS = [v for k, v in vars(Verb).items() if not k.startswith("_")]
ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ|_-:.T "
EXPIRED = translator_for("it")("button.expired")


def actions(replies: list[Reply]) -> list[str]:
    return [b.action for r in replies for row in r.buttons for b in row]


def label_with(chat: Chat, part: str) -> str:
    return next(label for label in chat.labels() if part in label)


async def slot_offer(chat: Chat) -> None:
    await chat.say("vorrei un taglio domani")


async def name_step_with_hold(chat: Chat) -> None:
    await slot_offer(chat)
    await chat.press("11:00")


async def email_suggestion(chat: Chat) -> None:
    await name_step_with_hold(chat)
    await chat.say("Mario Rossi")
    await chat.say("mario.rossi@gmial.com")


async def summary(chat: Chat) -> None:
    await name_step_with_hold(chat)
    await chat.say("Mario Rossi")
    await chat.say("mario.rossi@example.com")


async def appointment_list(chat: Chat) -> None:
    await summary(chat)
    await chat.press("Conferma")
    await chat.say("vorrei un taglio giovedì alle 10")
    await chat.say("Mario Rossi")
    await chat.say("mario.rossi@example.com")
    await chat.press("Conferma")
    await chat.command("appointments")


async def choose_appointment(chat: Chat) -> None:
    await appointment_list(chat)
    await chat.say("vorrei spostare il mio appuntamento")


STATES: dict[str, Callable[[Chat], Awaitable[None]]] = {
    "slot offer": slot_offer,
    "name step with hold": name_step_with_hold,
    "email suggestion": email_suggestion,
    "summary": summary,
    "appointment list": appointment_list,
    "choose appointment": choose_appointment,
}


def mutate(rng: random.Random, action: str, foreign: list[str], args: list[str]) -> str:
    kind = rng.randrange(8)
    if kind == 0 and action:  # flip a character
        i = rng.randrange(len(action))
        return action[:i] + rng.choice(ALPHABET) + action[i + 1 :]
    if kind == 1:  # insert a character
        i = rng.randrange(len(action) + 1)
        return action[:i] + rng.choice(ALPHABET) + action[i:]
    if kind == 2 and action:  # delete a character
        i = rng.randrange(len(action))
        return action[:i] + action[i + 1 :]
    generation, _, rest = action.partition("|")
    verb, _, arg = rest.partition("|")
    if kind == 3:  # another verb
        return f"{generation}|{rng.choice(VERBS)}|{arg}"
    if kind == 4:  # another argument
        return f"{generation}|{verb}|{rng.choice(args)}"
    if kind == 5 and generation.isdigit():  # another generation
        shift = rng.choice([-3, -2, -1, 1, 2, 1000])
        return f"{max(0, int(generation) + shift)}|{verb}|{arg}"
    if kind == 6 and foreign:  # another chat's button
        return rng.choice(foreign)
    # random bytes, as text
    return "".join(chr(rng.randrange(1, 0x2FF)) for _ in range(rng.randrange(0, 70)))


def acts_anywhere(verb: str, arg: str, owned: set[str]) -> bool:
    """Step-independent buttons stay valid on older keyboards, with the arguments they carry."""
    if verb == Verb.SET_LANGUAGE:
        return arg in ("it", "en")
    if verb in (Verb.MOVE, Verb.CANCEL, Verb.ATTEND):
        return arg in owned
    return not arg


def world_state(harness: Harness) -> str:
    world = harness.world
    return repr((world.holds, world.appointments, world.outbox))


@pytest.mark.parametrize("state", list(STATES))
async def test_a_mutated_or_foreign_press_changes_nothing_and_is_answered_expired(
    harness: Harness, state: str
) -> None:
    # Another chat in the same state: its buttons are the foreign presses.
    other = harness.chat(chat_id=2002, first_name="Dana", last_name="Scully")
    await STATES[state](other)
    chat = harness.chat(chat_id=1001)
    await STATES[state](chat)

    on_screen = set(actions(chat.last))
    foreign = actions(other.last)
    args = [
        *sorted({a.partition("|")[2].partition("|")[2] for a in [*on_screen, *foreign]}),
        "",
        "0",
        "7",
        "-1",
        "20261124T1015",
        "20261124T0600",
        "2026-11-28",
        "2026-11-29",
        "a_000000000000",
        "it",
        "de",
        "mario.rossi@example.com",
    ]
    owned = {e.appointment_id for e in await harness.store.bookings_for_chat(1001)}
    rng = random.Random(f"{SEED}-{state}")
    refused = 0
    for _ in range(PRESSES_PER_STATE):
        raw = mutate(rng, rng.choice(sorted(on_screen)), foreign, args)
        stored = await harness.store.load_session(chat.customer.chat_id)
        assert stored is not None
        parsed = decode(raw)
        if raw in on_screen or (
            parsed is not None
            and parsed.generation <= stored["generation"]
            and (
                (parsed.verb in GLOBAL_VERBS and acts_anywhere(parsed.verb, parsed.arg, owned))
                or (parsed.verb in (Verb.RESUME, Verb.RETRY) and not parsed.arg)
                or (parsed.verb == Verb.CONFIRM and stored["done"] is not None)
            )
        ):
            continue  # a button the chat was shown, or one that acts from any keyboard
        world = world_state(harness)
        ledger = await harness.store.bookings_for_chat(chat.customer.chat_id)

        replies = await chat.engine.handle(chat.customer, Press(raw))

        assert [r.text for r in replies] == [EXPIRED], raw
        assert await harness.store.load_session(chat.customer.chat_id) == stored, raw
        assert world_state(harness) == world, raw
        assert await harness.store.bookings_for_chat(chat.customer.chat_id) == ledger, raw
        on_screen |= set(actions(replies))
        refused += 1
    assert refused > PRESSES_PER_STATE // 2


async def test_the_named_forgeries_change_nothing(harness: Harness) -> None:
    other = harness.chat(chat_id=2002, first_name="Dana", last_name="Scully")
    await appointment_list(other)
    theirs = (await harness.store.bookings_for_chat(2002))[0].appointment_id
    chat = harness.chat(chat_id=1001)
    await slot_offer(chat)
    stored = await harness.store.load_session(1001)
    assert stored is not None
    g = stored["generation"]
    forgeries = [
        f"{g}|slot|20261124T1015",  # a time not in the offer
        f"{g}|slot|20261124T0600",  # before opening
        f"{g}|day|2026-12-25",  # a day not offered
        f"{g}|email|",  # no suggestion was made
        f"{g}|pick|7",  # no list to pick from
        f"{g}|confirm|",  # nothing to confirm on this step
        f"{g}|move|{theirs}",  # another chat's appointment
        f"{g}|cancel|{theirs}",
        f"{g + 1}|slot|20261124T0800",  # a generation from the future
        f"{g}|setlang|de",
        f"{g}|menu|x",
        "\x00\xff|slot|",
        "",
    ]
    for raw in forgeries:
        world = world_state(harness)
        replies = await chat.engine.handle(chat.customer, Press(raw))
        assert [r.text for r in replies] == [EXPIRED], raw
        assert await harness.store.load_session(1001) == stored, raw
        assert world_state(harness) == world, raw
    # The keyboard on screen still works.
    await chat.press("11:00")
    assert chat.text.startswith("Ti tengo da parte martedì 24 novembre alle 11:00")
