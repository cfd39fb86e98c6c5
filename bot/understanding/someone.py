"""Who a booking is for, said without that person's name ("lo prendo per mia madre", "booking
this one for my daughter"): the bot asks that person's name instead of refusing a short one."""

from __future__ import annotations

import re

from bot.understanding.contacts import _COMMON, _RELATIVES, _plain
from bot.understanding.text import word_set as _word_set

# "… per mia madre", "… for my daughter", "a nome di mio padre", "under my wife's name": who it
# is for, at the end of the message, with the customer's possessive.
_FOR_RELATIVE = re.compile(
    r"(?:^|[\s,;.!-])(?:(?:(?:it'?s|it\s+is|this\s+is|è|e|é)\s+)?(?:per|x|for|a\s+nome\s+d(?:i|el(?:la)?)|in\s+the\s+name\s+of)\s+"
    r"(?:(?P<article>la|il|una|un|a)\s+)?(?P<mine>mia|mio|my|our)\s+(?P<who>" + _RELATIVES + r")"
    r"|under\s+(?P<mine2>my|our)\s+(?P<who2>" + _RELATIVES + r")['’]?s\s+name)"
    r"(?:\s+(?:actually|instead|invece|in\s+realt[aà]|please|pls|per\s+favore))?[\s!.?]*$",
    re.IGNORECASE,
)
# The customer's possessive, said back in the second person.
_YOURS = {"mia": "tua", "mio": "tuo", "my": "your", "our": "your"}
# Words before "per mia madre" that show the rest is no name ("lo prenoto", "booking this one",
# "oh it's actually"), beside the everyday words of the e-mail step.
_NOT_A_NAME = _COMMON | _word_set(
    """
    prenoto prenota prenotare prenotiamo prendo prendiamo fisso fissare serve servirebbe vorrei
    volevo guarda realta realtà actually oh ah its it's booking book booked appointment appt
    appuntamento prenotazione one just this these sorry scusa scusate anzi allora ehm wait
    aspetta want wanted need needed like getting get making make really
    """
)


def for_whom(text: str) -> str | None:
    """Whom the customer books for, said back ("tua madre", "il tuo ragazzo", "your daughter"),
    when the message says it without a name; None when there is a name in it, or no one else."""
    found = _FOR_RELATIVE.search(text.strip())
    if found is None:
        return None
    head = _plain(text[: found.start()]).replace(",", " ").split()
    if head and not any(word.strip("'.!-") in _NOT_A_NAME for word in head):
        return None  # "Giulia Bianchi, per mia sorella": the name is there
    mine = (found.group("mine") or found.group("mine2")).lower()
    who = (found.group("who") or found.group("who2")).lower()
    article = found.group("article")
    article = f"{article.lower()} " if article and article.lower() in ("la", "il") else ""
    return f"{article}{_YOURS[mine]} {who}"
