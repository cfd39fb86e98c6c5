"""Issue 13 for staff: who confirmed, who did not answer and who was not reminded in /today and
/agenda; no-shows by /noshow and by the button of /today, counted in /booking and /stats; /export
as a CSV document with headers in the staff member's language."""

from __future__ import annotations

import csv
import io

from test_staff_gateway import DANA, MARIO, STAFF, STAFF_EN, Bench, at

from bot.conversation import Command, Press


async def setup_day(bench: Bench) -> tuple[str, str]:
    """Mario books Tuesday 10:00 by chatting and confirms at the reminder; Dana is booked for
    today 11:00 (too late for a reminder). Returns their booking codes."""
    await bench.book_through_engine(MARIO, "un taglio domani alle 10", "Mario Rossi")
    dana = await bench.book(DANA, at(23, 11), name="Dana Scully", language="en")
    bench.clock.set(at(23, 10, 1))
    sent = await bench.due()
    assert "Ci sei?" in sent[MARIO.chat_id]
    # The bench keeps no scheduled replies: the Confermo button is made as the reminder made it.
    [mario] = await bench.store.bookings_for_chat(MARIO.chat_id)
    confirm = f"{(await bench.store.load_session(MARIO.chat_id) or {})['generation']}|attend|"
    text = await bench.send(MARIO, Press(confirm + mario.appointment_id))
    assert text.startswith("Grazie della conferma!")
    assert mario.booking_code and dana.booking_code
    return mario.booking_code, dana.booking_code


async def test_agenda_and_today_say_who_confirmed_and_who_was_not_reminded(bench: Bench) -> None:
    await setup_day(bench)
    tomorrow = await bench.command(STAFF, "agenda", "domani")
    assert "Mario Rossi" in tomorrow and "ci sarà (ha risposto al promemoria)" in tomorrow
    today = await bench.command(STAFF, "today")
    assert "Dana Scully" in today
    assert "nessun promemoria (prenotato troppo tardi)" in today
    assert bench.labels(STAFF) == []  # nothing has started yet: no no-show button


async def test_noshow_by_button_and_command_counted_once(bench: Bench) -> None:
    mario_code, dana_code = await setup_day(bench)
    assert "inizia" in await bench.command(STAFF, "noshow", mario_code)  # not started yet

    bench.clock.set(at(23, 11, 20))
    await bench.command(STAFF, "today")
    [label] = bench.labels(STAFF)
    assert label == "🚫 Non venuto 11:00 Dana Scully"
    button = bench.action(STAFF, label)
    done = await bench.send(STAFF, Press(button))
    assert done.startswith("Segnato: Dana Scully non si è presentato")
    assert done.endswith("Mancate presenze di questo cliente: 1.")
    again = await bench.send(STAFF, Press(button))  # a double tap
    assert "Segnato" not in again
    typed = await bench.command(STAFF, "noshow", dana_code)
    assert "era già segnata" in typed and typed.endswith("cliente: 1.")

    today = await bench.command(STAFF, "today")
    assert "🚫 non si è presentato" in today
    assert bench.labels(STAFF) == []
    booking = await bench.command(STAFF, "booking", dana_code)
    assert "segnato come non presentato" in booking
    assert "Mancate presenze di questo cliente: 1" in booking
    stats = await bench.command(STAFF, "stats")
    assert "Promemoria inviati: 1; confermati dal cliente: 1; mancate presenze: 1." in stats
    assert "Mancate presenze per cliente: Dana Scully (1)." in stats


async def test_a_customer_cannot_press_a_noshow_button(bench: Bench) -> None:
    await setup_day(bench)
    bench.clock.set(at(23, 11, 20))
    await bench.command(STAFF, "today")
    button = bench.action(STAFF, "🚫 Non venuto 11:00 Dana Scully")
    await bench.send(DANA, Press(button))
    booking = await bench.command(STAFF, "booking", "")  # usage, nothing marked
    assert "segnato" not in booking
    [entry] = await bench.store.bookings_for_chat(DANA.chat_id)
    history = await bench.store.booking_history(entry.appointment_id)
    assert "no_show" not in [event.kind for event in history]


async def test_export_is_a_csv_in_the_staff_language_with_emails(bench: Bench) -> None:
    mario_code, dana_code = await setup_day(bench)
    bench.clock.set(at(24, 18))
    replies = await bench.gateway.handle(STAFF, Command("export", "settimana"))
    [reply] = replies
    assert "Il file contiene le e-mail dei clienti" in reply.text
    [document] = reply.attachments
    assert document.mime_type == "text/csv" and document.filename.endswith(".csv")
    rows = list(csv.reader(io.StringIO(document.content.decode("utf-8-sig"))))
    assert rows[0][:6] == ["Data", "Ora", "Codice", "Servizio", "Nome", "E-mail"]
    by_code = {row[2]: row for row in rows[1:]}
    assert by_code[mario_code][4:] == [
        "Mario Rossi",
        "1001@example.com",
        "confermato",
        "bot",
        "sì",
        "sì",
        "no",
        "",
    ]
    assert by_code[dana_code][1] == "11:00"

    [english] = await bench.gateway.handle(STAFF_EN, Command("export", "week"))
    header = english.attachments[0].content.decode("utf-8-sig").splitlines()[0]
    assert header.startswith("Date,Time,Code,Service,Name,E-mail,Status,Booked via")
