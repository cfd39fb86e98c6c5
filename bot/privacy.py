"""A last line of defence for the logs: e-mail addresses are masked in every record a handler
writes, tracebacks included, whatever code logged them (ours or a library's)."""

from __future__ import annotations

import logging
import re

__all__ = ["EMAIL_PATTERN", "EmailRedactor", "redact_emails", "redact_emails_from_logs"]

EMAIL_PATTERN = re.compile(r"[^\s@<>()\[\]\"',;:]+@[^\s@<>()\[\]\"',;:]+\.[A-Za-z]{2,}")
MASK = "<e-mail>"


def redact_emails(text: str) -> str:
    return EMAIL_PATTERN.sub(MASK, text)


class EmailRedactor(logging.Filter):
    """Masks e-mail addresses in a record's message and traceback; DEBUG records keep them."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno < logging.INFO:
            return True
        message = record.getMessage()
        if EMAIL_PATTERN.search(message):
            record.msg = redact_emails(message)
            record.args = None
        if record.exc_info and not record.exc_text:
            # Formatters reuse exc_text, so the traceback is redacted once, here.
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact_emails(record.exc_text)
        return True


def redact_emails_from_logs() -> None:
    """Put the redactor on every handler of the root logger (call after configuring them)."""
    redactor = EmailRedactor()
    for handler in logging.getLogger().handlers:
        handler.addFilter(redactor)
