"""Issue 4's contract for cancelling: the yes cancels at once, then the optional reason is asked
and kept; what is typed after the cancel is a reason, no reason, a new request, or the cancel
taken back (it is already cancelled: said so, never pretended kept)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from engine_chat import Chat, Harness

TUESDAY_11 = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)
LATER = datetime(2027, 1, 1, tzinfo=UTC)


async def booked_and_cancelled(chat: Chat, yes: str = "Sì, disdici") -> str:
    await chat.say("un taglio domani alle 11")
    await chat.press(chat.labels()[0])  # the profile's name
    await chat.say("mario@example.com" if chat.labels()[0] != "Emma Clarke" else "emma@example.org")
    await chat.press(chat.labels()[0])  # Conferma / Confirm
    [appointment_id] = chat.world.appointments
    await chat.say("vorrei disdire il mio appuntamento")
    if yes in chat.labels():
        await chat.press(yes)
    else:
        await chat.say(yes)
    return appointment_id


async def reason_of(chat: Chat, appointment_id: str) -> object:
    history = await chat.store.booking_history(appointment_id)
    assert history[-1].kind == "cancelled"
    return history[-1].details["reason"]


async def test_the_yes_cancels_at_once_and_asks_the_reason_in_the_same_message(chat: Chat) -> None:
    appointment_id = await booked_and_cancelled(chat)
    # Nothing more is said, and still: cancelled at Zimun and in the ledger, no reminder left.
    assert chat.world.appointments[appointment_id].status == "cancelled"
    entry = await chat.store.find_booking(appointment_id)
    assert entry is not None and entry.status == "cancelled"
    assert await chat.store.due_messages(LATER) == []
    [reply] = chat.last
    assert reply.text.startswith("Fatto: ho disdetto Taglio di martedì 24 novembre alle 11:00.")
    assert "dimmi il motivo" in reply.text
    assert chat.labels() == ["Salta", "Prenota di nuovo", "Menu"]
    assert await reason_of(chat, appointment_id) is None


@pytest.mark.parametrize(
    "reason", ["ho la febbre", "no, ho un impegno giovedì", "motivi di lavoro"]
)
async def test_a_reason_typed_after_the_cancel_is_kept_and_thanked(chat: Chat, reason: str) -> None:
    appointment_id = await booked_and_cancelled(chat)
    await chat.say(reason)
    assert chat.text.startswith("Grazie, ne terremo conto.")
    assert "Prenota" in chat.labels()
    assert await reason_of(chat, appointment_id) == reason
    await chat.say("ho anche la tosse")  # at rest now: not a second reason
    assert await reason_of(chat, appointment_id) == reason


@pytest.mark.parametrize("answer", ["Salta", "no", "niente", "non serve", "no grazie"])
async def test_no_reason_ends_without_one(chat: Chat, answer: str) -> None:
    appointment_id = await booked_and_cancelled(chat)
    if answer == "Salta":
        await chat.press(answer)
    else:
        await chat.say(answer)
    assert chat.text.startswith("Va bene, nessun problema.")
    assert await reason_of(chat, appointment_id) is None
    assert chat.world.appointments[appointment_id].status == "cancelled"


@pytest.mark.parametrize("answer", ["skip", "no thanks", "nothing"])
async def test_no_reason_in_english(harness_chat_en: Chat, answer: str) -> None:
    chat = harness_chat_en
    appointment_id = await booked_and_cancelled(chat, "Yes, cancel it")
    await chat.say(answer)
    assert chat.text.startswith("No problem.")
    assert await reason_of(chat, appointment_id) is None


@pytest.mark.parametrize(
    ("message", "answered"),
    [
        ("un taglio domani alle 15", "martedì 24 novembre alle 15:00"),
        ("domani alle 15", "Per quale servizio?"),
        ("quanto costa un colore?", "Colore costa 70,00"),
        ("ciao", "Cosa vuoi fare?"),
        ("i miei appuntamenti", "Non vedo appuntamenti"),
        ("vorrei prenotare un colore", "Quando vuoi venire?"),
    ],
)
async def test_a_new_request_after_the_cancel_is_handled_not_kept(
    chat: Chat, message: str, answered: str
) -> None:
    appointment_id = await booked_and_cancelled(chat)
    await chat.say(message)
    text = "\n".join(r.text for r in chat.last)
    assert answered in text
    assert "ne terremo conto" not in text
    assert await reason_of(chat, appointment_id) is None


async def test_a_start_command_after_the_cancel_is_the_menu(chat: Chat) -> None:
    appointment_id = await booked_and_cancelled(chat)
    await chat.command("start")
    await chat.say("ho la febbre")  # at rest: not taken for the reason any more
    assert await reason_of(chat, appointment_id) is None


async def test_taking_it_back_offers_the_same_time_in_one_tap(chat: Chat) -> None:
    appointment_id = await booked_and_cancelled(chat)
    await chat.say("no aspetta, non disdire")
    assert chat.text.startswith("Mi dispiace, ormai l'ho disdetto.")
    assert "resta com'è" not in chat.text  # never pretended kept
    assert chat.labels() == ["Riprenota Mar 24 nov alle 11:00", "Altri orari", "Menu"]
    assert chat.world.appointments[appointment_id].status == "cancelled"
    await chat.press("Riprenota Mar 24 nov alle 11:00")
    assert "Mario Rossi" in chat.text and "Confermo?" in chat.text  # same contact, the summary
    await chat.press("Conferma")
    again = [a for a in chat.world.appointments.values() if a.status == "confirmed"]
    assert [(a.start, a.service_id) for a in again] == [(TUESDAY_11, "s_taglio")]


async def test_taking_it_back_when_the_time_went_meanwhile_offers_the_nearest(
    harness: Harness,
) -> None:
    emma = harness.chat(chat_id=1002, language="en", first_name="Emma", last_name="Clarke")
    await booked_and_cancelled(emma, "Yes, cancel it")
    for chat_id, first_name in ((3003, "Eva"), (3004, "Ugo")):  # two staff: two others hold it
        quick = harness.chat(chat_id=chat_id, first_name=first_name, last_name="Neri")
        await quick.say("un taglio domani alle 11")
        assert quick.labels()[0] == f"{first_name} Neri"  # held, the name asked
    await emma.say("wait, don't cancel it")
    assert emma.text.startswith("I'm sorry, it's already cancelled, and Tuesday 24 November")
    assert "stays as it is" not in emma.text
    assert any("10:30" in label or "11:30" in label for label in emma.labels())
