"""Where and how much (issue 13, item 4): prices on the service buttons and in the summary, the
address with the confirmation and as the `.ics` LOCATION, as the sandbox's Zimun gives them."""

from __future__ import annotations

from engine_chat import Chat


async def test_service_buttons_summary_and_confirmation_say_price_and_place(chat: Chat) -> None:
    await chat.command("book")
    assert chat.labels()[:3] == [
        "Taglio · 30 min · 25\u00a0€",
        "Taglio e piega · 60 min · 45\u00a0€",
        "Colore · 90 min · 70\u00a0€",
    ]
    await chat.press("Taglio · 30 min · 25\u00a0€")
    await chat.say("domani alle 11")
    await chat.say("Mario Rossi")
    await chat.say("mario@example.com")
    assert "Servizio: Taglio (30 minuti)\nPrezzo: 25,00\u00a0€\nQuando:" in chat.text
    [done] = await chat.say("sì")
    assert done.text.endswith("Ci trovi in Via dei Coronari 12, Roma.")
    [ics] = done.attachments
    assert b"LOCATION:Via dei Coronari 12\\, Roma" in ics.content


async def test_english_prices_are_written_the_english_way(chat: Chat) -> None:
    await chat.say("in inglese please")
    await chat.command("book")
    assert "Colore · 90 min · €70" in chat.labels()
