"""The e-mail redactor on the log handlers: messages and tracebacks at INFO or above are masked."""

from __future__ import annotations

import io
import logging

from bot.privacy import EmailRedactor, redact_emails


def test_addresses_are_masked_and_the_rest_kept() -> None:
    assert redact_emails("refused: mario.rossi+x@gmail.com, then <a@b.it>") == (
        "refused: <e-mail>, then <<e-mail>>"
    )
    assert redact_emails("hold h_1 placed at 10:00 @ s_taglio") == (
        "hold h_1 placed at 10:00 @ s_taglio"
    )


def test_a_handler_with_the_redactor_writes_no_address_above_debug() -> None:
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.addFilter(EmailRedactor())
    log = logging.getLogger("bot.tests.privacy")
    log.addHandler(handler)
    log.setLevel(logging.DEBUG)
    log.propagate = False
    try:
        log.warning("zimun said %s", "dana@example.org is not valid")
        try:
            raise ValueError("bad address dana@example.org")
        except ValueError:
            log.exception("unexpected")
        log.debug("debugging dana@example.org")
    finally:
        log.removeHandler(handler)

    lines = out.getvalue()
    assert "zimun said <e-mail> is not valid" in lines
    assert "ValueError: bad address <e-mail>" in lines
    assert lines.count("dana@example.org") == 1  # the DEBUG line only
