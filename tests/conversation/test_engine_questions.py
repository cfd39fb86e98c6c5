"""Issue 9: what the business set in its settings (phone, free text, service words) reaches the
customer through the engine; what it did not set is said plainly."""

from __future__ import annotations

from engine_chat import Harness

from bot.conversation.turn import BusinessInfo

INFO = BusinessInfo(
    phone="+39 06 1234567",
    info={"it": "Certo: dicci chi preferisci e te la teniamo.", "en": "Sure: tell us who."},
)


async def test_phone_and_free_text_come_from_the_settings(harness: Harness) -> None:
    chat = harness.chat(engine=harness.engine(business=INFO))
    await chat.say("mi dai il vostro numero di telefono?")
    assert chat.text.startswith("Puoi chiamarci al +39 06 1234567")
    await chat.say("posso scegliere la parrucchiera?")
    assert chat.text.startswith("Certo: dicci chi preferisci e te la teniamo.")
    english = harness.chat(chat_id=7, language="en", engine=harness.engine(business=INFO))
    await english.say("can I choose my stylist?")
    assert english.text.startswith("Sure: tell us who.")


async def test_without_the_settings_the_staff_are_offered(harness: Harness) -> None:
    chat = harness.chat()
    await chat.say("numero di telefono?")
    assert chat.text.startswith("Non ho il numero a portata di mano")
    assert "Parla con qualcuno" in chat.labels()
    await chat.press("Parla con qualcuno")
    assert "Ho passato il tuo messaggio al salone" in chat.text


async def test_the_business_words_for_its_services(harness: Harness) -> None:
    aliases = {"s_colore": ("schiariture",)}
    chat = harness.chat(engine=harness.engine(service_aliases=aliases))
    await chat.say("vorrei delle schiariture giovedì")
    assert chat.text.startswith("Colore, ottima scelta.")
    assert "giovedì 26 novembre" in chat.text


async def test_a_service_answer_not_understood_is_not_the_same_question_again(
    harness: Harness,
) -> None:
    chat = harness.chat()
    await chat.say("vorrei prenotare")
    assert "Per quale servizio?" in chat.text
    await chat.say("boh, qualcosa di carino")
    assert "Per quale servizio?" not in chat.text
    assert chat.text.startswith("Scusa, non ho capito quale servizio.")
    assert "Taglio · 30 min · 25\u00a0€" in chat.labels()


async def test_a_price_question_with_a_request_to_come_gets_both(harness: Harness) -> None:
    chat = harness.chat()
    await chat.say("quanto viene il colore? potrei passare sabato mattina")
    assert "70" in chat.text
    assert "sabato 28 novembre" in chat.text
    english = harness.chat(chat_id=7, language="en")
    await english.say("what does a trim cost, and could i pop in on wednesday")
    assert "25" in english.text
    assert "Wednesday 25 November" in english.text


async def test_hours_asked_beside_a_service_answer_and_book(harness: Harness) -> None:
    chat = harness.chat(language="en", first_name="Emma", last_name="Clarke")
    await chat.say("r u shut over lunch? id like a colour on monday at 2")
    assert "14:00" in chat.text
    assert "Monday 30 November" in chat.text
    italian = harness.chat(chat_id=8)
    await italian.say("fate pausa pranzo?")
    assert "13:00" in italian.text or "14:00" in italian.text
    assert "servizio" not in italian.text


async def test_a_question_about_cancelling_does_not_cancel(harness: Harness) -> None:
    chat = harness.chat(language="en", first_name="Emma", last_name="Clarke")
    await chat.say("whats the cancellation policy?")
    assert "no upcoming appointment to cancel" not in chat.text
    assert "can't tell you that from here" in chat.text
