"""Staff commands end to end: the gateway in front of the real engine, the real ZimunClient over
httpx.ASGITransport to the sandbox World, a real in-memory SQLite store, one ManualClock.

Bookings that a test only needs to exist are made as the engine makes them (hold, confirm, ledger
entry); the booking flow itself is exercised through the engine where staff features depend on it
(/holds, /notify, /stats).
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import httpx
import pytest

from bot.clock import ManualClock
from bot.conversation import Command, Customer, Engine, Press, Reply, Text
from bot.sandbox import (
    SANDBOX_CLIENT_ID,
    SANDBOX_CLIENT_SECRET,
    SANDBOX_ORGANIZATION_ID,
    World,
    create_app,
)
from bot.staff import (
    STAFF_COMMANDS,
    NotifyingStore,
    StaffGateway,
    observe_zimun,
    with_staff,
    wrap_store,
)
from bot.storage import LedgerEntry, open_store
from bot.zimun import AuthError, RetryPolicy, ZimunClient

ROME = ZoneInfo("Europe/Rome")
MONDAY_0915 = datetime(2026, 11, 23, 9, 15, tzinfo=ROME)
STAFF = Customer(7, 7, "Giulia", None, "it")
STAFF_EN = Customer(8, 8, "Anna", None, "en-GB")
MARIO = Customer(1001, 1001, "Mario", "Rossi", "it")
DANA = Customer(1002, 1002, "Dana", None, "en")


async def _no_sleep(_: float) -> None:
    return None


@dataclass
class Bench:
    clock: ManualClock
    world: World
    store: NotifyingStore
    zimun: ZimunClient
    engine: Engine
    gateway: StaffGateway
    admins: set[int]
    last: dict[int, list[Reply]] = field(default_factory=dict)

    async def send(self, who: Customer, event: Text | Press | Command) -> str:
        replies = await self.gateway.handle(who, event)
        assert replies, "every event gets an answer"
        self.last[who.chat_id] = replies
        return "\n".join(reply.text for reply in replies)

    async def command(self, who: Customer, name: str, args: str = "") -> str:
        return await self.send(who, Command(name, args))

    async def press(self, who: Customer, label: str) -> str:
        return await self.send(who, Press(self.action(who, label)))

    def action(self, who: Customer, label: str) -> str:
        for reply in self.last.get(who.chat_id, []):
            for row in reply.buttons:
                for button in row:
                    if button.label == label:
                        return button.action
        raise AssertionError(f"no button {label!r} in chat {who.chat_id}")

    def labels(self, who: Customer) -> list[str]:
        return [b.label for r in self.last.get(who.chat_id, []) for row in r.buttons for b in row]

    async def due(self) -> dict[int, str]:
        """What a transport's runner would deliver now, by chat."""
        sent: dict[int, list[str]] = {}
        for message in await self.store.due_messages(self.clock.now()):
            for reply in await self.gateway.scheduled(message):
                sent.setdefault(message.chat_id, []).append(reply.text)
            await self.store.mark_sent(message.key)
        return {chat: "\n".join(texts) for chat, texts in sent.items()}

    async def book(
        self, who: Customer, local: datetime, *, name: str, language: str = "it"
    ) -> LedgerEntry:
        """An appointment made as the engine makes one: hold, confirm, ledger entry."""
        key = f"test-{who.chat_id}-{name}-{local.isoformat()}"
        hold = await self.zimun.hold(
            "s_taglio", local.astimezone(UTC), 30, idempotency_key=key + "-h"
        )
        appointment = await self.zimun.confirm(
            hold.id, name=name, email=f"{who.chat_id}@example.com", idempotency_key=key + "-c"
        )
        entry = LedgerEntry(
            appointment_id=appointment.id,
            chat_id=who.chat_id,
            user_id=who.user_id,
            service_id="s_taglio",
            service_name="Taglio",
            start=appointment.start,
            duration_minutes=30,
            status="confirmed",
            language=language,
            contact_name=name,
            booking_code=appointment.booking_code,
            created_at=self.clock.now(),
        )
        await self.store.record_booking(entry)
        return entry

    async def book_through_engine(self, who: Customer, text: str, name: str) -> None:
        """A customer books by typing, as in Telegram, through the gateway and the engine."""
        await self.send(who, Text(text))
        await self.send(who, Text(name))
        await self.send(who, Text(f"{who.chat_id}@example.com"))
        await self.send(who, Text("sì" if who.language_code == "it" else "yes"))
        assert await self.store.bookings_for_chat(who.chat_id), self.last[who.chat_id]


@pytest.fixture
async def bench() -> AsyncIterator[Bench]:
    clock = ManualClock(MONDAY_0915)
    world = World(clock=clock)
    raw = await open_store("sqlite:///:memory:")
    admins = {STAFF.user_id, STAFF_EN.user_id}
    store = wrap_store(raw, clock=clock, admin_ids=lambda: admins)
    zimun = ZimunClient(
        base_url="http://sandbox",
        client_id=SANDBOX_CLIENT_ID,
        client_secret=SANDBOX_CLIENT_SECRET,
        organization_id=SANDBOX_ORGANIZATION_ID,
        transport=httpx.ASGITransport(app=create_app(world)),
        clock=clock,
        retry=RetryPolicy(max_attempts=1),
        sleep=_no_sleep,
    )
    engine = Engine(
        zimun=observe_zimun(zimun, store=store, clock=clock),
        store=store,
        clock=clock,
        timezone=ROME,
        default_language="it",
        organization_id=SANDBOX_ORGANIZATION_ID,
    )
    gateway = with_staff(
        engine,
        store=store,
        zimun=zimun,
        clock=clock,
        timezone=ROME,
        admin_ids=lambda: admins,
        version="9.9.9",
    )
    try:
        yield Bench(clock, world, store, zimun, engine, gateway, admins)
    finally:
        await zimun.aclose()
        await store.close()


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=ROME)


# -- agenda ------------------------------------------------------------------------------------


async def test_today_lists_bookings_in_time_order_with_name_service_time_status(
    bench: Bench,
) -> None:
    mario = await bench.book(MARIO, at(23, 11), name="Mario Rossi")
    dana = await bench.book(DANA, at(23, 10), name="Dana Scully", language="en")
    await bench.book(MARIO, at(24, 10), name="Mario Rossi")  # tomorrow: not today

    text = await bench.command(STAFF, "today")

    lines = text.splitlines()
    assert lines[0] == "Agenda, lunedì 23 novembre (2):"
    late = "🔕 nessun promemoria (prenotato troppo tardi)"  # booked today for today (issue 13)
    assert lines[1] == f"10:00 · Taglio · Dana Scully · confermato · {dana.booking_code} · {late}"
    assert lines[2] == f"11:00 · Taglio · Mario Rossi · confermato · {mario.booking_code} · {late}"
    assert len(lines) == 3


async def test_tomorrow_and_agenda_in_words(bench: Bench) -> None:
    entry = await bench.book(MARIO, at(24, 10), name="Mario Rossi")

    assert f"10:00 · Taglio · Mario Rossi · confermato · {entry.booking_code}" in (
        await bench.command(STAFF, "tomorrow")
    )
    assert "Mario Rossi" in await bench.command(STAFF, "agenda", "domani")
    assert await bench.command(STAFF, "agenda", "giovedì") == (
        "Nessun appuntamento per giovedì 26 novembre."
    )
    week = await bench.command(STAFF, "agenda", "settimana")
    assert week.startswith("Agenda, lunedì 23 novembre – domenica 29 novembre (1):")
    assert "Martedì 24 novembre" in week
    assert "non riesco" in (await bench.command(STAFF, "agenda", "boh boh")).lower()


async def test_agenda_also_shows_what_zimun_lists_outside_the_bot(bench: Bench) -> None:
    hold = await bench.zimun.hold(
        "s_taglio", at(23, 15).astimezone(UTC), 30, idempotency_key="phone-h"
    )
    await bench.zimun.confirm(
        hold.id, name="Telefonata Bianchi", email="b@example.com", idempotency_key="phone-c"
    )

    text = await bench.command(STAFF, "today")

    assert "15:00 · Taglio · Telefonata Bianchi · confermato" in text
    assert "(non prenotato tramite il bot)" in text


async def test_staff_read_in_their_own_language(bench: Bench) -> None:
    await bench.book(MARIO, at(23, 11), name="Mario Rossi")

    text = await bench.command(STAFF_EN, "today")

    assert text.startswith("Agenda, Monday 23 November (1):")
    assert "· confirmed ·" in text


async def test_booking_shows_customer_email_and_history(bench: Bench) -> None:
    entry = await bench.book(MARIO, at(24, 10), name="Mario Rossi")
    assert entry.booking_code is not None

    text = await bench.command(STAFF, "booking", entry.booking_code.lower())

    assert text.splitlines()[0] == (
        f"{entry.booking_code} · Taglio · martedì 24 novembre alle 10:00 · confermato"
    )
    assert "Cliente: Mario Rossi <1001@example.com>" in text
    assert "lunedì 23 novembre alle 9:15: prenotato per martedì 24 novembre alle 10:00" in text
    assert await bench.command(STAFF, "booking", "NOPE") == "Non trovo nessuna prenotazione NOPE."


# -- cancel and move on a customer's behalf ----------------------------------------------------


async def test_staff_cancel_after_confirmation_tells_the_customer_in_their_language(
    bench: Bench,
) -> None:
    entry = await bench.book(MARIO, at(24, 10), name="Mario Rossi")

    ask = await bench.command(STAFF, "staff_cancel", f"{entry.booking_code} salone chiuso")
    assert ask.startswith(
        f"Annullo Taglio di Mario Rossi, martedì 24 novembre alle 10:00 "
        f"(prenotazione {entry.booking_code})?"
    )
    assert "Motivo che leggerà il cliente: salone chiuso" in ask
    assert bench.world.appointments[entry.appointment_id].status == "confirmed"
    assert all(len(bench.action(STAFF, label).encode()) <= 64 for label in bench.labels(STAFF))
    yes = bench.action(STAFF, "Sì, annulla")

    done = await bench.send(STAFF, Press(yes))

    assert done == f"Prenotazione {entry.booking_code} annullata: ho avvisato Mario Rossi."
    assert bench.world.appointments[entry.appointment_id].status == "cancelled"
    history = await bench.store.booking_history(entry.appointment_id)
    assert history[-1].kind == "cancelled"
    assert history[-1].details == {"reason": "salone chiuso", "by": "staff"}
    delivered = await bench.due()
    assert delivered[MARIO.chat_id] == (
        "Il tuo appuntamento (Taglio, martedì 24 novembre alle 10:00) è stato annullato dallo "
        "staff.\nMotivo: salone chiuso\nPer prenotare di nuovo scrivi /book."
    )
    # A second tap on the same button acts no more.
    assert await bench.send(STAFF, Press(yes)) == "È già fatto."
    assert await bench.due() == {}


async def test_staff_move_tells_an_english_customer_in_english(bench: Bench) -> None:
    await bench.send(DANA, Text("hello"))  # her chat with the bot, in English
    entry = await bench.book(DANA, at(24, 10), name="Dana Scully", language="en")

    ask = await bench.command(STAFF, "staff_move", f"{entry.booking_code} giovedì alle 15")
    assert "da martedì 24 novembre alle 10:00 a giovedì 26 novembre alle 15:00" in ask
    assert await bench.press(STAFF, "Sì, sposta") == (
        f"Prenotazione {entry.booking_code} spostata: ora è giovedì 26 novembre alle 15:00. "
        "Ho avvisato Dana Scully."
    )

    moved = bench.world.appointments[entry.appointment_id]
    assert moved.start == at(26, 15).astimezone(UTC)
    found = await bench.store.find_booking(entry.appointment_id)
    assert found is not None and found.start == moved.start
    delivered = await bench.due()
    assert delivered[DANA.chat_id].startswith(
        "The staff have moved your appointment (Taglio) from Tuesday 24 November at 10:00 to "
        "Thursday 26 November at 15:00."
    )
    # The reminder follows the appointment to its new time (24 hours before it).
    bench.clock.set(at(25, 14, 59))
    assert await bench.due() == {}
    bench.clock.set(at(25, 15, 1))
    assert "Thursday 26 November at 15:00" in (await bench.due())[DANA.chat_id]


async def test_staff_move_to_a_taken_time_says_so_and_lists_free_times(bench: Bench) -> None:
    await bench.book(MARIO, at(26, 15), name="Primo")
    await bench.book(MARIO, at(26, 15), name="Secondo")  # both staff busy at 15:00
    entry = await bench.book(DANA, at(24, 10), name="Dana Scully", language="en")

    await bench.command(STAFF, "staff_move", f"{entry.booking_code} giovedì alle 15")
    text = await bench.press(STAFF, "Sì, sposta")

    assert text.startswith("giovedì 26 novembre alle 15:00 non è libero. Orari liberi quel giorno:")
    assert "14:30" in text and "15:30" in text
    assert bench.world.appointments[entry.appointment_id].start == at(24, 10).astimezone(UTC)


async def test_saying_no_changes_nothing(bench: Bench) -> None:
    entry = await bench.book(MARIO, at(24, 10), name="Mario Rossi")

    await bench.command(STAFF, "staff_cancel", str(entry.booking_code))
    assert await bench.press(STAFF, "No") == "D'accordo, non ho cambiato nulla."

    assert bench.world.appointments[entry.appointment_id].status == "confirmed"
    assert await bench.due() == {}


async def test_a_confirmation_left_for_a_quarter_of_an_hour_expires(bench: Bench) -> None:
    entry = await bench.book(MARIO, at(24, 10), name="Mario Rossi")
    await bench.command(STAFF, "staff_cancel", str(entry.booking_code))
    bench.clock.advance(timedelta(minutes=16))

    assert await bench.press(STAFF, "Sì, annulla") == (
        "Questa conferma è scaduta: ripeti il comando."
    )
    assert bench.world.appointments[entry.appointment_id].status == "confirmed"


async def test_staff_move_needs_a_day_and_a_time(bench: Bench) -> None:
    entry = await bench.book(MARIO, at(24, 10), name="Mario Rossi")

    text = await bench.command(STAFF, "staff_move", f"{entry.booking_code} giovedì")

    assert text.startswith("Mi servono giorno e ora")
    assert bench.labels(STAFF) == []


# -- who may use them ----------------------------------------------------------------------------

STAFF_ATTEMPTS = {
    "today": "",
    "tomorrow": "",
    "agenda": "domani",
    "booking": "{code}",
    "staff_cancel": "{code} ciao",
    "staff_move": "{code} giovedì alle 15",
    "holds": "",
    "waitlist": "giovedì",  # issue 13
    "stats": "",
    "health": "",
    "notify": "on",
    "reply": "1 ciao",
    "noshow": "{code}",
    "export": "",
}


async def test_a_customer_cannot_reach_any_staff_command(
    bench: Bench, caplog: pytest.LogCaptureFixture
) -> None:
    assert set(STAFF_ATTEMPTS) == set(STAFF_COMMANDS)
    entry = await bench.book(MARIO, at(24, 10), name="Mario Rossi")
    unknown = await bench.command(DANA, "no_such_command")
    pending_before = await bench.store.pending_count()

    with caplog.at_level(logging.WARNING, logger="bot.staff.gateway"):
        for name, args in STAFF_ATTEMPTS.items():
            text = await bench.command(DANA, name, args.format(code=entry.booking_code))
            assert text == unknown, name
            assert "Mario" not in text

    refused = [r.getMessage() for r in caplog.records if "refused" in r.getMessage()]
    assert len(refused) == len(STAFF_COMMANDS)
    assert all("user 1002" in line for line in refused)
    assert bench.world.appointments[entry.appointment_id].status == "confirmed"
    assert await bench.store.pending_count() == pending_before
    assert await bench.store.staff_prefs() == []
    assert await bench.due() == {}


async def test_a_customer_pressing_a_staff_button_gets_the_generic_expired_answer(
    bench: Bench,
) -> None:
    entry = await bench.book(MARIO, at(24, 10), name="Mario Rossi")
    await bench.command(STAFF, "staff_cancel", str(entry.booking_code))
    stolen = bench.action(STAFF, "Sì, annulla")
    forged_by_engine_standards = await bench.send(DANA, Press("0|nope|"))

    text = await bench.send(DANA, Press(stolen))

    assert text == forged_by_engine_standards
    assert bench.world.appointments[entry.appointment_id].status == "confirmed"
    # The real staff member can still confirm: the stolen press did not use it up.
    assert "annullata" in await bench.press(STAFF, "Sì, annulla")


async def test_staff_removed_from_the_list_lose_access_at_once(bench: Bench) -> None:
    entry = await bench.book(MARIO, at(24, 10), name="Mario Rossi")
    await bench.command(STAFF, "staff_cancel", str(entry.booking_code))
    bench.admins.discard(STAFF.user_id)

    await bench.press(STAFF, "Sì, annulla")

    assert bench.world.appointments[entry.appointment_id].status == "confirmed"
    assert "Agenda" not in await bench.command(STAFF, "today")


# -- holds, stats, health, notify ----------------------------------------------------------------


async def test_holds_lists_times_being_held_until_they_expire(bench: Bench) -> None:
    assert await bench.command(STAFF, "holds") == (
        "In questo momento nessun orario è in attesa di conferma."
    )
    await bench.send(MARIO, Text("vorrei prenotare un taglio domani alle 10"))

    text = await bench.command(STAFF, "holds")

    assert text.splitlines() == [
        "Orari in attesa di conferma (1):",
        "Taglio, martedì 24 novembre alle 10:00: tenuto fino alle 9:25",
    ]
    bench.clock.advance(timedelta(minutes=11))
    assert "nessun orario" in await bench.command(STAFF, "holds")


async def test_notify_alerts_staff_of_bookings_made_in_the_chat(bench: Bench) -> None:
    assert "/notify on" in await bench.command(STAFF, "notify")
    assert await bench.command(STAFF, "notify", "on") == (
        "Notifiche attive: ti scrivo per ogni prenotazione nuova, spostata o annullata."
    )

    await bench.book_through_engine(
        MARIO, "vorrei prenotare un taglio domani alle 10", "Mario Rossi"
    )
    delivered = await bench.due()

    assert delivered[STAFF.chat_id].startswith(
        "Nuova prenotazione: Mario Rossi, Taglio, martedì 24 novembre alle 10:00 ("
    )
    assert STAFF_EN.chat_id not in delivered  # never asked for alerts

    await bench.command(STAFF, "notify", "off")
    entry = (await bench.store.bookings_for_chat(MARIO.chat_id))[0]
    await bench.command(STAFF_EN, "staff_cancel", str(entry.booking_code))
    await bench.press(STAFF_EN, "Yes, cancel it")
    assert STAFF.chat_id not in await bench.due()


async def test_stats_counts_bookings_moves_cancellations_and_conversion(bench: Bench) -> None:
    await bench.book_through_engine(
        MARIO, "vorrei prenotare un taglio domani alle 10", "Mario Rossi"
    )
    await bench.send(DANA, Text("hello"))  # a new chat that does not book
    entry = (await bench.store.bookings_for_chat(MARIO.chat_id))[0]
    await bench.command(STAFF, "staff_cancel", str(entry.booking_code))
    await bench.press(STAFF, "Sì, annulla")

    text = await bench.command(STAFF, "stats", "settimana")

    lines = text.splitlines()
    assert lines[0] == "Statistiche, martedì 17 novembre – lunedì 23 novembre"
    assert lines[1] == "Prenotazioni: 1 · spostamenti: 0 · annullamenti: 1 (dallo staff: 1)"
    assert lines[2].startswith("Orari tenuti da parte: 1 ·")
    assert lines[3] == "Conversione: 1 nuove chat su 2 hanno prenotato (50%)"


async def test_health_reports_zimun_storage_queue_version_and_uptime(bench: Bench) -> None:
    bench.clock.advance(timedelta(hours=2))

    text = await bench.command(STAFF, "health")

    assert "Zimun: raggiungibile, token valido (3 servizi)." in text
    assert "Archivio: scrivibile." in text
    assert "Messaggi programmati in coda: 0 (0 da inviare adesso)." in text
    assert "Versione 9.9.9, in funzione da 2 ore." in text

    bench.world.set_faults(error_rate=1.0)
    assert "Zimun: non raggiungibile (Unavailable, HTTP 503)." in await bench.command(
        STAFF, "health"
    )


# -- /forget, for everyone -----------------------------------------------------------------------


async def test_forget_erases_only_this_chat_and_leaves_zimun_alone(bench: Bench) -> None:
    await bench.book_through_engine(
        MARIO, "vorrei prenotare un taglio domani alle 10", "Mario Rossi"
    )
    dana = await bench.book(DANA, at(24, 11), name="Dana Scully", language="en")
    mario = (await bench.store.bookings_for_chat(MARIO.chat_id))[0]

    ask = await bench.command(MARIO, "forget")
    assert "Gli appuntamenti però NON vengono disdetti" in ask
    assert bench.labels(MARIO) == ["Sì, dimenticami", "No"]
    done = await bench.press(MARIO, "Sì, dimenticami")

    assert done.startswith(
        "Fatto: ho dimenticato questa chat (prenotazioni tolte dal mio elenco: 1)"
    )
    assert await bench.store.bookings_for_chat(MARIO.chat_id, include_cancelled=True) == []
    assert await bench.store.load_session(MARIO.chat_id) is None
    assert bench.world.appointments[mario.appointment_id].status == "confirmed"
    assert await bench.store.find_booking(dana.appointment_id) == dana


async def test_forget_can_be_declined(bench: Bench) -> None:
    entry = await bench.book(DANA, at(24, 11), name="Dana Scully", language="en")

    await bench.command(DANA, "forget")
    assert await bench.press(DANA, "No") == "All right, I have kept everything as it was."

    assert await bench.store.find_booking(entry.appointment_id) == entry


class NoListing:
    """Zimun credentials without appointments:read: listing answers 403, the rest works."""

    def __init__(self, inner: ZimunClient) -> None:
        self.inner = inner

    def __getattr__(self, name: str) -> object:
        return getattr(self.inner, name)

    async def list_appointments(
        self, *, start: datetime, end: datetime, status: str | None = None
    ) -> list[object]:
        raise AuthError("insufficient_scope", status=403, code="insufficient_scope")


async def test_without_appointments_read_the_agenda_says_it_shows_bot_bookings_only(
    bench: Bench,
) -> None:
    await bench.book(MARIO, at(23, 11), name="Mario Rossi")
    gateway = with_staff(
        bench.engine,
        store=bench.store,
        zimun=NoListing(bench.zimun),  # type: ignore[arg-type]
        clock=bench.clock,
        timezone=ROME,
        admin_ids={STAFF.user_id},
    )

    agenda = "\n".join(r.text for r in await gateway.handle(STAFF, Command("today")))
    health = "\n".join(r.text for r in await gateway.handle(STAFF, Command("health")))

    assert "11:00 · Taglio · Mario Rossi · confermato" in agenda
    assert "manca appointments:read" in agenda
    assert "Zimun: raggiungibile, token valido (3 servizi)." in health
    assert "l'elenco degli appuntamenti non è consentito" in health


# -- issue 9: talking to a person, /reply --------------------------------------------------------


async def test_a_request_for_a_person_reaches_every_staff_member_and_reply_reaches_the_customer(
    bench: Bench,
) -> None:
    await bench.command(STAFF_EN, "notify", "off")  # no booking alerts, English
    await bench.send(MARIO, Text("vorrei un taglio domani pomeriggio"))
    text = await bench.send(MARIO, Text("posso parlare con una persona? ho una domanda"))
    assert "qualcuno ti risponderà qui in chat" in text
    assert "Quale orario preferisci?" in text  # and the booking carries on where it was

    delivered = await bench.due()
    assert set(delivered) == {STAFF.chat_id, STAFF_EN.chat_id}  # alerts on or off
    assert "Mario Rossi chiede di parlare con qualcuno" in delivered[STAFF.chat_id]
    assert "«posso parlare con una persona? ho una domanda»" in delivered[STAFF.chat_id]
    assert "Mario Rossi asks to talk to someone" in delivered[STAFF_EN.chat_id]
    code = delivered[STAFF.chat_id].split("/reply ")[1].split()[0]

    sent = await bench.command(STAFF, "reply", f"{code} Ciao Mario, certo: dimmi pure.")
    assert sent.startswith("Inviato")
    assert await bench.due() == {MARIO.chat_id: "Dal salone: Ciao Mario, certo: dimmi pure."}


async def test_reply_in_the_customers_language_and_by_chat_id(bench: Bench) -> None:
    await bench.send(DANA, Text("hi, can I talk to a human?"))
    await bench.due()
    await bench.command(STAFF, "reply", f"{DANA.chat_id} Hi Dana!")
    assert await bench.due() == {DANA.chat_id: "From the salon: Hi Dana!"}


async def test_reply_to_an_unknown_chat_or_without_text_explains(bench: Bench) -> None:
    assert "Non conosco una chat" in await bench.command(STAFF, "reply", "C9ZZ ciao")
    assert "/reply C3F9" in await bench.command(STAFF, "reply", "C1")
    assert await bench.due() == {}


async def test_a_customer_cannot_use_reply(bench: Bench) -> None:
    await bench.send(DANA, Text("hello"))
    text = await bench.command(DANA, "reply", f"{MARIO.chat_id} hi")
    assert "From the salon" not in text
    assert await bench.due() == {}


# -- typed answers to a confirmation (issue 9, item 13) ------------------------------------------


@pytest.mark.parametrize("answer", ["sì", "ok", "certo", "va bene", "Sì, annulla", "si dai"])
async def test_a_typed_yes_cancels_like_the_button_and_only_once(bench: Bench, answer: str) -> None:
    entry = await bench.book(MARIO, at(24, 10), name="Mario Rossi")
    await bench.command(STAFF, "staff_cancel", f"{entry.booking_code} salone chiuso")

    done = await bench.send(STAFF, Text(answer))

    assert done == f"Prenotazione {entry.booking_code} annullata: ho avvisato Mario Rossi."
    assert bench.world.appointments[entry.appointment_id].status == "cancelled"
    assert "salone chiuso" in (await bench.due())[MARIO.chat_id]
    # A second "sì" acts no more, and says so.
    assert await bench.send(STAFF, Text("sì")) == "È già fatto."
    assert await bench.due() == {}


@pytest.mark.parametrize("answer", ["yes", "go ahead", "yes move it", "sure"])
async def test_a_typed_yes_moves_like_the_button(bench: Bench, answer: str) -> None:
    entry = await bench.book(DANA, at(24, 10), name="Dana Scully", language="en")
    await bench.command(STAFF_EN, "staff_move", f"{entry.booking_code} thursday at 3pm")

    done = await bench.send(STAFF_EN, Text(answer))

    assert "moved" in done.lower() or "spostata" in done
    moved = bench.world.appointments[entry.appointment_id]
    assert moved.start == at(26, 15).astimezone(UTC)


@pytest.mark.parametrize("answer", ["no", "annulla", "no grazie", "lascia perdere"])
async def test_a_typed_no_drops_a_staff_move(bench: Bench, answer: str) -> None:
    entry = await bench.book(MARIO, at(24, 10), name="Mario Rossi")
    await bench.command(STAFF, "staff_move", f"{entry.booking_code} giovedì alle 15")
    no_button = await bench.gateway.handle(STAFF, Press(bench.action(STAFF, "No")))

    await bench.command(STAFF, "staff_move", f"{entry.booking_code} giovedì alle 15")
    typed = await bench.gateway.handle(STAFF, Text(answer))

    assert [r.text for r in typed] == [r.text for r in no_button]
    assert bench.world.appointments[entry.appointment_id].start == at(24, 10).astimezone(UTC)


async def test_something_else_typed_leaves_the_confirmation_to_its_buttons(bench: Bench) -> None:
    entry = await bench.book(MARIO, at(24, 10), name="Mario Rossi")
    await bench.command(STAFF, "staff_cancel", entry.booking_code or "")
    yes = bench.action(STAFF, "Sì, annulla")

    await bench.send(STAFF, Text("vorrei un taglio domani alle 11"))  # the assistant answers
    await bench.send(STAFF, Text("sì"))  # meant for the assistant, not for the cancel

    assert bench.world.appointments[entry.appointment_id].status == "confirmed"
    # The button still works.
    await bench.send(STAFF, Press(yes))
    assert bench.world.appointments[entry.appointment_id].status == "cancelled"


async def test_forget_takes_a_typed_yes(bench: Bench) -> None:
    await bench.book_through_engine(MARIO, "vorrei un taglio domani alle 10", "Mario Rossi")
    await bench.command(MARIO, "forget")

    done = await bench.send(MARIO, Text("sì, certo"))

    assert done.startswith("Fatto: ho dimenticato questa chat")
    assert await bench.store.bookings_for_chat(MARIO.chat_id, include_cancelled=True) == []


async def test_forget_takes_a_typed_no(bench: Bench) -> None:
    entry = await bench.book(DANA, at(24, 11), name="Dana Scully", language="en")
    await bench.command(DANA, "forget")

    assert await bench.send(DANA, Text("no thanks")) == (
        "All right, I have kept everything as it was."
    )
    assert await bench.store.find_booking(entry.appointment_id) == entry


async def test_a_customer_cannot_answer_a_staff_confirmation_by_typing(bench: Bench) -> None:
    entry = await bench.book(MARIO, at(24, 10), name="Mario Rossi")
    await bench.command(STAFF, "staff_cancel", entry.booking_code or "")

    await bench.send(MARIO, Text("sì"))

    assert bench.world.appointments[entry.appointment_id].status == "confirmed"
