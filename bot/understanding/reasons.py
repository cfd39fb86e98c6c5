"""What a customer writes right after a cancellation, when the bot asks why: no reason at all
("salta", "niente", "no thanks"), or taking the cancellation back ("no aspetta, non disdire",
"wait, keep it", "l'ho disdetto per sbaglio"). Pure and table-driven, like the other readers;
the conversation step decides what to do with the answer.
"""

from __future__ import annotations

import re
from functools import lru_cache

from bot.understanding.intents import refuses_cancel
from bot.understanding.text import expand_shorthand, normalize, words

__all__ = ["declines_reason", "takes_back_cancel"]


# Words that refuse to give a reason or say nothing by themselves: a message made of these only
# gives no reason ("niente di che", "no grazie", "non serve", "preferisco non dirlo", "skip",
# "nothing really", "sì, disdici"). One word outside them ("no, ho la febbre") makes it a reason.
def _words_of(block: str) -> list[str]:
    return block.split()


_SAYS_NOTHING = frozenset(
    _words_of("""
    no non nope nah niente nulla nessun nessuno nessuna nothing none salta saltiamo skip pass passo
    grazie thanks thank you thx ok okay va bene fine serve need needed bisogno c e ce motivo motivi
    particolare particolari ragione reason reasons special speciale di che in preferisco preferirei
    prefer not to say dirlo dire rather would i d it lo la l importa matter fa lascia lasciamo
    perdere stare really davvero proprio pure please per favore si yes yeah yep sure certo disdici
    disdetto annulla annullato cancel cancella cancelled canceled just solo e and then allora
    mind never nevermind nvm
    """)
)

# Taking the cancellation back: beside "non disdire" / "don't cancel" (`refuses_cancel`), keeping
# it, a change of mind, a cancellation made by mistake.
_TAKES_BACK = re.compile(
    r"\b(lo|la|l) (tengo|teniamo|tenevo|voglio tenere|volevo tenere)\b|\btener(lo|la)\b|"
    r"\b(keep|keeping) (it|that|my|the|this)\b|\b(want|wanted|i d like) to keep\b|"
    r"\b(ci ho|ho) ripensato\b|\bho cambiato idea\b|\bchanged my mind\b|\bchange of heart\b|"
    r"\bper sbaglio\b|\bby (mistake|accident)\b|\bnon volevo (disdir\w*|annull\w*|cancell\w*)|"
    r"\bdidn t (mean|want) to cancel\b|\bundo\b|\brestore it\b|\bripristin\w*\b|"
    r"\bannulla (la )?disdetta\b"
)


@lru_cache(maxsize=1024)
def declines_reason(text: str) -> bool:
    """Whether a message, where a reason for cancelling was asked, gives none."""
    tokens = words(expand_shorthand(normalize(text)))
    return bool(tokens) and all(t in _SAYS_NOTHING for t in tokens)


@lru_cache(maxsize=1024)
def takes_back_cancel(text: str) -> bool:
    """Whether a message takes back a cancellation just made ("no aspetta, non disdire",
    "wait don't cancel it", "ci ho ripensato, lo tengo", "I cancelled by mistake")."""
    if refuses_cancel(text):
        return True
    return _TAKES_BACK.search(normalize(text).replace("'", " ")) is not None
