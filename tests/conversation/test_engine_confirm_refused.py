"""Zimun refuses at confirm what the bot accepted (issue 10, item 6): a 422 about the customer's
e-mail or name leads back to that answer with the hold kept, never a dead end.

The sandbox checks names and e-mails as the bot does, so a stricter Zimun is played at the
transport: confirm requests naming a refused address or name get Zimun's 422 `validation_error`;
everything else reaches the sandbox through the real client.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import httpx
import pytest
from engine_chat import ROME, Chat, Harness, _no_sleep

from bot.conversation import Customer
from bot.sandbox import (
    SANDBOX_CLIENT_ID,
    SANDBOX_CLIENT_SECRET,
    SANDBOX_ORGANIZATION_ID,
    create_app,
)
from bot.zimun import RetryPolicy, ZimunClient


class StricterZimun(httpx.AsyncBaseTransport):
    """Refuses, at confirm, the names and e-mail addresses it is given, as a real Zimun might."""

    def __init__(self, harness: Harness, *, emails: set[str], names: set[str]) -> None:
        self._inner = httpx.ASGITransport(app=create_app(harness.world))
        self._emails, self._names = emails, names
        self.refused = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.method == "POST" and request.url.path.endswith("/appointments/confirm"):
            body = json.loads(request.content)
            refusal = None
            if body.get("contact_email") in self._emails:
                refusal = "contact_email is not a deliverable address"
            elif body.get("contact_name") in self._names:
                refusal = "contact_name contains characters that are not allowed"
            if refusal is not None:
                self.refused += 1
                error = {"error": {"code": "validation_error", "message": refusal}}
                return httpx.Response(422, json=error)
        return await self._inner.handle_async_request(request)


@pytest.fixture
async def stricter(harness: Harness) -> AsyncIterator[tuple[StricterZimun, ZimunClient]]:
    transport = StricterZimun(harness, emails={"mario@rifiutata.it"}, names={"Ada Lovelace"})
    client = ZimunClient(
        base_url="http://sandbox",
        client_id=SANDBOX_CLIENT_ID,
        client_secret=SANDBOX_CLIENT_SECRET,
        organization_id=SANDBOX_ORGANIZATION_ID,
        transport=transport,
        clock=harness.clock,
        retry=RetryPolicy(max_attempts=1),
        sleep=_no_sleep,
    )
    try:
        yield transport, client
    finally:
        await client.aclose()


def chat_for(harness: Harness, client: ZimunClient, customer: Customer) -> Chat:
    engine = harness.engine(zimun=client)
    return Chat(engine, harness.store, harness.world, harness.clock, customer)


async def test_a_refused_email_is_asked_again_with_the_hold_kept(
    harness: Harness, stricter: tuple[StricterZimun, ZimunClient]
) -> None:
    transport, client = stricter
    chat = chat_for(harness, client, Customer(1001, 1001, "Mario", "Rossi", "it"))
    await chat.say("un taglio domani alle 11")
    await chat.say("Mario Rossi")
    await chat.say("mario@rifiutata.it")
    [hold_id] = harness.world.holds

    await chat.say("sì")
    assert chat.text == (
        "Il sistema di prenotazione non ha accettato l'indirizzo mario@rifiutata.it: "
        "scrivimene un altro. Intanto ti tengo da parte l'orario fino alle 9:25."
    )
    assert chat.labels() == ["Cambia orario", "Lascia perdere"]
    assert transport.refused == 1 and not harness.world.appointments

    await chat.say("mario.rossi@example.com")
    assert "E-mail: mario.rossi@example.com" in chat.text
    await chat.press("Conferma")
    assert "Codice prenotazione" in chat.text

    [appointment] = harness.world.appointments.values()
    assert appointment.contact_email == "mario.rossi@example.com"
    assert appointment.start.astimezone(ROME).hour == 11
    assert list(harness.world.holds) == [hold_id]  # the same hold, kept and confirmed


async def test_a_refused_name_is_asked_again_in_english_with_the_hold_kept(
    harness: Harness, stricter: tuple[StricterZimun, ZimunClient]
) -> None:
    transport, client = stricter
    chat = chat_for(harness, client, Customer(1002, 1002, "Ada", "Lovelace", "en"))
    await chat.say("tomorrow at 11")
    await chat.press("Taglio · 30 min · €25")
    await chat.press("Ada Lovelace")
    await chat.say("ada@example.com")

    await chat.say("yes")
    assert chat.text == (
        "The booking system did not accept the name “Ada Lovelace”: write it again, first and "
        "last name. I'm still keeping your time until 9:25."
    )
    assert transport.refused == 1

    await chat.say("Ada King")
    assert "Name: Ada King" in chat.text and "ada@example.com" in chat.text
    await chat.say("yes")

    [appointment] = harness.world.appointments.values()
    assert (appointment.contact_name, appointment.contact_email) == ("Ada King", "ada@example.com")
    assert len(harness.world.holds) == 1


async def test_a_hold_that_ran_out_while_correcting_is_held_again_at_confirm(
    harness: Harness, stricter: tuple[StricterZimun, ZimunClient]
) -> None:
    _, client = stricter
    chat = chat_for(harness, client, Customer(1003, 1003, "Mario", "Rossi", "it"))
    await chat.say("un taglio domani alle 11")
    await chat.say("Mario Rossi")
    await chat.say("mario@rifiutata.it")
    await chat.say("sì")
    harness.clock.set(harness.clock.now().replace(minute=40))  # past 9:25: the hold ran out
    await chat.say("mario@example.com")
    await chat.say("sì")
    assert "Codice prenotazione" in chat.text
    [appointment] = harness.world.appointments.values()
    assert appointment.contact_email == "mario@example.com"
