"""No personal data in logs (issue 10, item 7): whole transcripts that type names, e-mail
addresses and reasons run with the `bot` logger at DEBUG; nothing at INFO or above may carry an
e-mail address or a text the customer typed."""

from __future__ import annotations

import asyncio
import logging
import re
from pathlib import Path

import pytest

from bot.replay import load_transcript, run_transcript
from bot.replay.format import Say
from bot.sandbox.seed import default_seed
from bot.zimun import InvalidRequest

CONVERSATIONS = Path(__file__).parent.parent / "conversations"
TRANSCRIPTS = [
    "book_typed_it",
    "book_typed_en",
    "book_tapped_it",
    "email_typo_en",
    "email_typo_it",
    "invalid_email_it",
    "invalid_name_it",
    "cancel_with_reason_en",
    "restart_mid_booking_it",
    "reminder_it",
    "staff_day_it",
]
EMAIL = re.compile(r"[^\s@<>()\"']+@[^\s@<>()\"']+\.[A-Za-z]{2,}")


def _logged(record: logging.LogRecord) -> str:
    text = record.getMessage()
    if record.exc_info:
        text += "\n" + logging.Formatter().formatException(record.exc_info)
    return text


@pytest.mark.parametrize("name", TRANSCRIPTS)
def test_no_email_and_no_typed_text_is_logged_at_info_or_above(
    name: str, caplog: pytest.LogCaptureFixture
) -> None:
    transcript = load_transcript(CONVERSATIONS / f"{name}.yaml")
    # What the customer typed that is theirs: anything longer than a yes, a number or an hour,
    # except the business's own service names (ids such as s_colore are logged).
    services = {service.name.lower() for service in default_seed().services}
    typed = [
        step.text
        for step in transcript.steps
        if isinstance(step, Say)
        and len(step.text) > 4
        and not step.text.startswith("/")
        and step.text.lower() not in services
    ]
    names = [n for n in (transcript.customer.first_name, transcript.customer.last_name) if n]
    caplog.set_level(logging.DEBUG, logger="bot")

    outcome = asyncio.run(run_transcript(transcript))

    assert outcome.passed, outcome.report()
    loud = [_logged(r) for r in caplog.records if r.levelno >= logging.INFO]
    assert loud, "the transcript logged nothing: the capture is not working"
    for line in loud:
        assert not EMAIL.search(line), line
        for secret in [*typed, *names]:
            assert secret.lower() not in line.lower(), (secret, line)


def test_a_zimun_error_summary_leaves_out_what_the_server_echoed() -> None:
    error = InvalidRequest(
        "contact_email is not a valid e-mail address: mario@rossi.example",
        status=422,
        code="validation_failed",
    )

    assert error.summary == "InvalidRequest (HTTP 422, validation_failed)"
    assert "mario" not in error.summary
