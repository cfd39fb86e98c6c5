"""Message catalogs and locale-aware dates for the customer's language (Italian, English).

Catalogs are gettext `.po` files under `locales/<lang>/LC_MESSAGES/bot.po`, read once with Babel:
the msgctxt is the dotted message id used in code, msgid is the English source text (identical in
every catalog) and msgstr the text in that language. Placeholders are str.format names. A catalog
that lacks a message another has, or whose placeholders differ, fails loudly at load time.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, time, tzinfo
from decimal import Decimal
from functools import cache, lru_cache
from pathlib import Path
from string import Formatter

from babel.dates import format_date as babel_format_date
from babel.dates import format_time as babel_format_time
from babel.messages.pofile import read_po
from babel.numbers import format_currency

__all__ = [
    "LANGUAGES",
    "CatalogError",
    "Translator",
    "catalog_entries",
    "format_clock",
    "format_date",
    "format_datetime",
    "format_money",
    "format_short_date",
    "format_time",
    "format_weekday",
    "language_for",
    "placeholders",
    "translator_for",
]

logger = logging.getLogger(__name__)

LANGUAGES = ("it", "en")
LOCALES_DIR = Path(__file__).resolve().parent.parent / "locales"


class CatalogError(Exception):
    """A catalog is missing, incomplete or inconsistent with the others."""


@dataclass(frozen=True)
class Entry:
    source: str
    text: str


@lru_cache(maxsize=1024)  # checked on every message sent; the catalogs never change at run time
def placeholders(text: str) -> frozenset[str]:
    """The str.format field names of a message ("{when} until {expires}" -> {when, expires})."""
    return frozenset(name for _, name, _, _ in Formatter().parse(text) if name is not None)


def _read(language: str, directory: Path) -> dict[str, Entry]:
    path = directory / language / "LC_MESSAGES" / "bot.po"
    try:
        with path.open("rb") as handle:
            catalog = read_po(handle, locale=language)
    except OSError as exc:
        raise CatalogError(f"cannot read the {language} catalog at {path}") from exc
    entries: dict[str, Entry] = {}
    for message in catalog:
        if not message.id:
            continue  # the header
        if not message.context:
            raise CatalogError(f"{path}: message {message.id!r} has no msgctxt id")
        if not isinstance(message.id, str) or not isinstance(message.string, str):
            raise CatalogError(f"{path}: {message.context} must not use plural forms")
        if not message.string:
            raise CatalogError(f"{path}: {message.context} is not translated")
        if placeholders(message.id) != placeholders(message.string):
            raise CatalogError(f"{path}: {message.context} placeholders differ from msgid")
        entries[message.context] = Entry(message.id, message.string)
    return entries


@cache
def catalog_entries(directory: Path = LOCALES_DIR) -> dict[str, dict[str, Entry]]:
    """Every catalog, checked against each other: same ids, same msgid, same placeholders."""
    catalogs = {language: _read(language, directory) for language in LANGUAGES}
    reference_language, reference = next(iter(catalogs.items()))
    for language, entries in catalogs.items():
        missing = set(reference) ^ set(entries)
        if missing:
            raise CatalogError(
                f"catalogs {reference_language} and {language} differ in {sorted(missing)}"
            )
        for message_id, entry in entries.items():
            if entry.source != reference[message_id].source:
                raise CatalogError(f"{message_id}: msgid differs between catalogs")
    logger.debug("catalogs loaded: %s", ", ".join(catalogs))
    return catalogs


class Translator:
    """Turns a message id and its values into text in one language."""

    def __init__(self, language: str, entries: dict[str, Entry]) -> None:
        self.language = language
        self._entries = entries

    def __call__(self, message_id: str, /, **values: object) -> str:
        entry = self._entries.get(message_id)
        if entry is None:
            raise KeyError(f"no message {message_id!r} in the {self.language} catalog")
        needed = placeholders(entry.text)
        if needed != set(values):
            raise KeyError(f"{message_id} takes {sorted(needed)}, got {sorted(values)}")
        return entry.text.format(**values)

    def has(self, message_id: str) -> bool:
        return message_id in self._entries


def translator_for(language: str) -> Translator:
    """The translator for "it" or "en"; anything else is a programming error."""
    if language not in LANGUAGES:
        raise CatalogError(f"no catalog for language {language!r}")
    return Translator(language, catalog_entries()[language])


def language_for(language_code: str | None, default: str) -> str:
    """A Telegram-style language code ("it-IT", "en") to a supported language, else `default`."""
    code = (language_code or "").strip().lower()
    for language in LANGUAGES:
        if code.startswith(language):
            return language
    return default


def format_date(day: date, language: str, *, with_year: bool = False) -> str:
    """ "martedì 24 novembre" / "Tuesday 24 November" (Italian weekdays stay lower case)."""
    pattern = "EEEE d MMMM y" if with_year else "EEEE d MMMM"
    text: str = babel_format_date(day, pattern, locale=language)
    return text


def format_short_date(day: date, language: str) -> str:
    """A button-sized day: "mar 24 nov" / "Tue 24 Nov"."""
    text: str = babel_format_date(day, "EEE d MMM", locale=language)
    return text


def format_time(moment: datetime, language: str, timezone: tzinfo) -> str:
    """The wall-clock time in the business timezone, 24-hour as people write it: "9:30", "10:00"."""
    text: str = babel_format_time(moment.astimezone(timezone), "H:mm", locale=language)
    return text


def format_datetime(moment: datetime, language: str, timezone: tzinfo) -> str:
    """ "martedì 24 novembre alle 10:00" / "Tuesday 24 November at 10:00"."""
    local = moment.astimezone(timezone)
    return translator_for(language)(
        "format.datetime",
        date=format_date(local.date(), language),
        time=format_time(local, language, timezone),
    )


def format_money(amount: Decimal, currency: str, language: str) -> str:
    """A price as people of that language write it: "25,00 €" / "€25.00"."""
    text: str = format_currency(amount, currency, locale=language)
    return text


def format_clock(wall: time) -> str:
    """A wall-clock time of no particular day (opening hours), 24-hour: "9:00", "14:30"."""
    return f"{wall.hour}:{wall.minute:02d}"


def format_weekday(weekday: int, language: str, *, short: bool = False) -> str:
    """The name of a weekday (Monday = 0): "sabato" / "Saturday", short "lun" / "Mon"."""
    day = date(2024, 1, 1 + weekday)  # 2024-01-01 was a Monday
    text: str = babel_format_date(day, "EEE" if short else "EEEE", locale=language)
    return text
