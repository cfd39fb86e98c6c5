"""Checking the name and e-mail address a customer types when booking.

Names may come in any alphabet; e-mail syntax is validated by `email-validator` without DNS, and
a slip in a popular provider's domain ("gmial.com") earns a "did you mean" suggestion.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum

from email_validator import EmailNotValidError, validate_email
from rapidfuzz.distance import OSA
from rapidfuzz.process import extractOne

__all__ = ["ContactProblem", "EmailCheck", "NameCheck", "parse_email", "parse_name"]

logger = logging.getLogger(__name__)


class ContactProblem(StrEnum):
    EMPTY = "empty"
    TOO_SHORT = "too_short"
    TOO_LONG = "too_long"
    URL = "url"
    EMAIL_AS_NAME = "email_as_name"
    DIGITS = "digits"
    INVALID_CHARS = "invalid_chars"
    EMAIL_SYNTAX = "email_syntax"
    EMAIL_DOMAIN = "email_domain"


@dataclass(frozen=True)
class NameCheck:
    value: str | None
    problem: ContactProblem | None


@dataclass(frozen=True)
class EmailCheck:
    value: str | None
    problem: ContactProblem | None
    suggestion: str | None = None


NAME_MIN = 2
NAME_MAX = 100

_SPACES = re.compile(r"\s+")
_APOSTROPHES = frozenset("'’ʼ‘")
_HYPHENS = frozenset("-‐‑")
_EMAIL_LIKE = re.compile(r"\S+@\S+")
_URL = re.compile(
    r"(?i)(\b[a-z][a-z0-9+.-]*://|\bwww\.|\b[\w-]{2,}\.(?:com|it|net|org|eu|io|info|biz|co|me|app|"
    r"dev|uk|de|fr|es|ch|ly|gl|to|tv|xyz|site|online|shop)\b)"
)
# Particles that stay lower case when we capitalise an all-lowercase name ("ludwig van beethoven").
_PARTICLES = frozenset({"van", "von", "der", "den", "ter", "du", "des", "dos", "das", "y"})


def _title(name: str) -> str:
    """Capitalise an all-lowercase name: "anne-marie o'brien" -> "Anne-Marie O'Brien"."""
    parts = name.split(" ")
    out = []
    for index, part in enumerate(parts):
        if index > 0 and part in _PARTICLES:
            out.append(part)
        else:
            out.append(part.title())
    return " ".join(out)


def parse_name(text: str) -> NameCheck:
    """A person's name as they typed it, trimmed and with single spaces, or the problem with it.

    Letters of any alphabet (with their combining marks), spaces, apostrophes, hyphens and dots
    after a letter (initials: "J. R. Smith") are allowed. Any digit gives DIGITS. The customer's own
    capitalisation is kept ("de Luca", "McDonald"); only a name typed all in lower case is
    capitalised, since that is a phone keyboard's habit rather than a choice.
    """
    name = _SPACES.sub(" ", unicodedata.normalize("NFC", text)).strip()
    if not name:
        return NameCheck(None, ContactProblem.EMPTY)
    if _EMAIL_LIKE.search(name):
        return NameCheck(None, ContactProblem.EMAIL_AS_NAME)
    if _URL.search(name):
        return NameCheck(None, ContactProblem.URL)
    if any(unicodedata.category(ch) == "Nd" for ch in name):
        return NameCheck(None, ContactProblem.DIGITS)
    previous = " "
    for ch in name:
        category = unicodedata.category(ch)
        allowed = category.startswith(("L", "M")) or ch == " " or ch in _APOSTROPHES
        allowed = allowed or ch in _HYPHENS
        # A dot only ends an initial ("J. R. Smith"), never starts or doubles.
        allowed = allowed or (ch == "." and unicodedata.category(previous).startswith("L"))
        if not allowed:
            return NameCheck(None, ContactProblem.INVALID_CHARS)
        previous = ch
    if not any(unicodedata.category(ch).startswith("L") for ch in name):
        return NameCheck(None, ContactProblem.INVALID_CHARS)
    if len(name) < NAME_MIN:
        return NameCheck(None, ContactProblem.TOO_SHORT)
    if len(name) > NAME_MAX:
        return NameCheck(None, ContactProblem.TOO_LONG)
    if name == name.lower() and name != name.upper():
        name = _title(name)
    return NameCheck(name, None)


# Mail providers people in Italy and abroad actually use; order breaks ties (".com" first).
POPULAR_DOMAINS: tuple[str, ...] = (
    "gmail.com",
    "googlemail.com",
    "hotmail.com",
    "hotmail.it",
    "hotmail.co.uk",
    "hotmail.fr",
    "hotmail.de",
    "hotmail.es",
    "outlook.com",
    "outlook.it",
    "live.com",
    "live.it",
    "msn.com",
    "yahoo.com",
    "yahoo.it",
    "yahoo.co.uk",
    "yahoo.fr",
    "yahoo.de",
    "yahoo.es",
    "ymail.com",
    "icloud.com",
    "me.com",
    "mac.com",
    "aol.com",
    "libero.it",
    "virgilio.it",
    "tiscali.it",
    "alice.it",
    "tim.it",
    "tin.it",
    "fastwebnet.it",
    "email.it",
    "inwind.it",
    "iol.it",
    "teletu.it",
    "vodafone.it",
    "poste.it",
    "pec.it",
    "legalmail.it",
    "katamail.com",
    "gmx.com",
    "gmx.it",
    "gmx.de",
    "web.de",
    "mail.com",
    "email.com",
    "protonmail.com",
    "proton.me",
    "zoho.com",
    "yandex.com",
    "mail.ru",
    "qq.com",
    "btinternet.com",
)
# Plausible-looking domains that are almost always a slip for a provider's real one.
_DOMAIN_ALIASES = {
    "gmail.it": "gmail.com",
    "gmail": "gmail.com",
    "fastweb.it": "fastwebnet.it",
    "fastweb.net": "fastwebnet.it",
    "hotmail": "hotmail.com",
    "outlook": "outlook.com",
    "icloud": "icloud.com",
    "libero": "libero.it",
    "yahoo": "yahoo.com",
}
# Top-level domain slips that no real address uses.
_TLD_TYPOS = {
    "con": "com",
    "cmo": "com",
    "ocm": "com",
    "comm": "com",
    "coom": "com",
    "vom": "com",
    "xom": "com",
    "cpm": "com",
    "cim": "com",
    "clm": "com",
    "ti": "it",
    "itt": "it",
    "iy": "it",
    "nte": "net",
    "ney": "net",
    "ogr": "org",
    "orgg": "org",
}


def _suggest_domain(domain: str) -> str | None:
    """The popular domain this one is a slip of, or None when it looks intended."""
    domain = domain.lower().strip(".")
    if domain in POPULAR_DOMAINS:
        return None
    if domain in _DOMAIN_ALIASES:
        return _DOMAIN_ALIASES[domain]
    undotted = {d.replace(".", ""): d for d in POPULAR_DOMAINS}
    if domain in undotted:  # "gmailcom"
        return undotted[domain]
    # Short domains are too close to one another ("ibm.com" / "me.com") for two edits.
    limit = 1 if len(domain) < 9 else 2
    found = extractOne(domain, POPULAR_DOMAINS, scorer=OSA.distance, score_cutoff=limit)
    if found is not None:
        return str(found[0])
    name, _, tld = domain.rpartition(".")
    if name and tld in _TLD_TYPOS:
        return f"{name}.{_TLD_TYPOS[tld]}"
    return None


def _clean_email(text: str) -> str:
    address = unicodedata.normalize("NFC", text).strip()
    if "<" in address and address.endswith(">"):  # "Mario Rossi <mario@gmail.com>"
        address = address[address.rindex("<") + 1 : -1]
    address = address.strip().strip("<>").strip()
    if address.lower().startswith("mailto:"):
        address = address[len("mailto:") :]
    address = address.split("?", 1)[0]  # mailto query part
    address = re.sub(r"\s*@\s*", "@", address)
    return address.strip().rstrip(".,;:!").strip()


def parse_email(text: str) -> EmailCheck:
    """An e-mail address checked for syntax (never DNS) and normalised, with a typo suggestion.

    The domain is lower-cased and IDN domains are given in Unicode form; the local part keeps the
    customer's spelling. When the domain looks like a slip ("gmial.com", "libero.ti", "x.con"),
    `suggestion` is the whole corrected address; `value` is still set if the typed one is valid.
    """
    address = _clean_email(text)
    if not address:
        return EmailCheck(None, ContactProblem.EMPTY)
    local, at, domain = address.rpartition("@")
    if not at or not local:
        return EmailCheck(None, ContactProblem.EMAIL_SYNTAX)
    suggested = _suggest_domain(domain)
    suggestion = f"{local}@{suggested}" if suggested else None
    try:
        result = validate_email(address, check_deliverability=False)
    except EmailNotValidError:
        try:
            validate_email(f"{local}@example.com", check_deliverability=False)
        except EmailNotValidError:
            problem = ContactProblem.EMAIL_SYNTAX
        else:
            problem = ContactProblem.EMAIL_DOMAIN
        if suggestion is not None:
            try:
                suggestion = validate_email(suggestion, check_deliverability=False).normalized
            except EmailNotValidError:
                suggestion = None
        logger.info("e-mail rejected: %s", problem)
        return EmailCheck(None, problem, suggestion)
    if suggestion is not None:
        suggestion = f"{result.local_part}@{suggested}"
    return EmailCheck(result.normalized, None, suggestion)
