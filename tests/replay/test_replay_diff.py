"""The failure report: the agreed conversation, then what was expected (-) and what came (+)."""

from __future__ import annotations

from pathlib import Path

from bot.conversation import Attachment, Button, Reply
from bot.replay.diff import Mismatch, describe_expectation, format_failure
from bot.replay.format import ExpectReply, Place
from bot.replay.runner import check_reply

PLACE = Place(Path("tests/conversations/booking.yaml"), 7, 31)
OFFER = Reply(
    "Martedì 24 novembre alle 11:00 è libero. Lo prenoto?",
    buttons=((Button("Sì", "y:1"), Button("No", "n:1")),),
)


def test_the_report_names_the_step_and_marks_expected_and_actual() -> None:
    mismatch = Mismatch(
        PLACE,
        "the bot's reply differs: different text",
        ("bot: Alle 11:00 è libero.",),
        ("bot: Alle 11:00 è occupato.", "     [10:30]  [11:30]"),
    )

    report = format_failure("Taglio domani", ["you: domani alle 11"], mismatch)

    lines = report.splitlines()
    assert lines[0] == (
        "tests/conversations/booking.yaml: step 7 (line 31): "
        "the bot's reply differs: different text"
    )
    assert "--- expected" in lines and "+++ actual" in lines
    assert "  you: domani alle 11" in lines
    assert "- bot: Alle 11:00 è libero." in lines
    assert "+ bot: Alle 11:00 è occupato." in lines
    assert "+      [10:30]  [11:30]" in lines


def test_a_long_conversation_is_cut_to_its_last_lines() -> None:
    conversation = [f"you: message {number}" for number in range(100)]
    mismatch = Mismatch(PLACE, "differs", ("bot: a",), ("bot: b",))

    report = format_failure("long", conversation, mismatch, context=5)

    assert "  … 95 earlier lines agree …" in report
    assert "you: message 94" not in report
    assert "  you: message 99" in report


def test_a_reply_is_checked_on_every_given_field() -> None:
    assert check_reply(ExpectReply(PLACE, text=OFFER.text), OFFER) == []
    assert check_reply(ExpectReply(PLACE, contains=("11:00", "24 novembre")), OFFER) == []
    assert check_reply(ExpectReply(PLACE, matches=r"alle \d\d:\d\d"), OFFER) == []
    assert check_reply(ExpectReply(PLACE, buttons=(("Sì", "No"),)), OFFER) == []
    assert check_reply(ExpectReply(PLACE, buttons_include=("No",)), OFFER) == []

    problems = check_reply(
        ExpectReply(
            PLACE,
            text="Altro",
            contains=("12:00",),
            matches="^Mercoledì",
            buttons=(("Sì",), ("No",)),
            buttons_include=("Annulla",),
            attachment="*.ics",
        ),
        OFFER,
    )
    assert problems == [
        "different text",
        "no '12:00' in the text",
        "the text does not match /^Mercoledì/",
        "different buttons",
        "no button [Annulla]",
        "no attachment like *.ics",
    ]


def test_an_attachment_is_matched_by_its_file_name_pattern() -> None:
    reply = Reply("Ecco", attachments=(Attachment("appuntamento.ics", b"", "text/calendar"),))
    assert check_reply(ExpectReply(PLACE, attachment="*.ics"), reply) == []


def test_an_expectation_reads_like_the_reply_it_wants() -> None:
    lines = describe_expectation(
        ExpectReply(PLACE, contains=("11:00",), buttons=(("Sì", "No"),), attachment="*.ics")
    )
    assert lines == ["bot: … containing '11:00'", "     [Sì]  [No]", "     📎 *.ics"]


def test_lines_both_sides_share_stay_as_context_around_the_change() -> None:
    mismatch = Mismatch(
        PLACE,
        "differs",
        ("bot: Ecco il menu:", "     • prenotare", "     [Prenota]"),
        ("bot: Ecco cosa posso fare:", "     • prenotare", "     [Prenota]"),
    )

    lines = format_failure("help", [], mismatch).splitlines()

    assert lines[-4:] == [
        "- bot: Ecco il menu:",
        "+ bot: Ecco cosa posso fare:",
        "       • prenotare",
        "       [Prenota]",
    ]
