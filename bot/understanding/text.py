"""Text normalisation shared by every reader of customer messages: case, accents, emoji, typos.

Customers type on phones: "Mercoledi", "venrdì", "DOPODOMANI 🙏". Readers compare against a
normalised form and look words up with a small edit distance, so one slip still means what the
writer obviously meant.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

from rapidfuzz.distance import OSA
from rapidfuzz.process import extractOne

_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "`": "'", "´": "'"})
# Keep letters, digits, apostrophes and the separators that matter inside times and dates.
_NOISE = re.compile(r"[^\w\s':./\-]+", re.UNICODE)
_SPACES = re.compile(r"\s+")
# Sentence punctuation that is not part of a time (10:30, 16.45) or a date (8/12).
_LOOSE_PUNCT = re.compile(r"(?<!\d)[.:/](?!\d)|(?<=\d)[.:/](?!\d)|(?<!\d)[.:/](?=\d)")


def strip_accents(text: str) -> str:
    """'mercoledì' -> 'mercoledi'; letters of other alphabets are kept."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@lru_cache(maxsize=4096)
def normalize(text: str) -> str:
    """Lower case, no accents, no emoji or stray punctuation, single spaces.

    "Vorrei spostare il mio appuntamento a Giovedì, grazie! 🙏" ->
    "vorrei spostare il mio appuntamento a giovedi grazie"
    """
    text = strip_accents(text.translate(_APOSTROPHES)).lower()
    text = _NOISE.sub(" ", text)
    text = _LOOSE_PUNCT.sub(" ", text)
    return _SPACES.sub(" ", text).strip()


def words(text: str) -> list[str]:
    """The words of an already normalised text; apostrophes split Italian elisions ("dell'una")."""
    return [w for w in re.split(r"[\s']+", text) if w]


def allowed_typos(word: str) -> int:
    """How many edits a word of this length may carry and still be recognised."""
    if len(word) <= 3:
        return 0
    if len(word) <= 8:
        return 1
    return 2


def closest(word: str, vocabulary: Iterable[str]) -> str | None:
    """The vocabulary word this one is a typo of (optimal string alignment distance), or None.

    Transpositions count as one edit, so "thrusday" finds "thursday".
    """
    choices = tuple(vocabulary)
    if word in choices:
        return word
    limit = allowed_typos(word)
    if limit == 0:
        return None
    found = extractOne(word, choices, scorer=OSA.distance, score_cutoff=limit)
    if found is None:
        return None
    candidate = found[0]
    # A short word must not match a much longer or shorter one ("mar" vs "martedi").
    if abs(len(candidate) - len(word)) > limit or allowed_typos(candidate) == 0:
        return None
    return str(candidate)


# Chat shorthand every reader may meet, mapped to the word it stands for. Kept to words that
# never mean anything else in a booking chat in either language ("x" is "per" only in Italian
# texting, and is left to the readers that know the language).
SHORTHAND = {
    "nn": "non",
    "sn": "sono",
    "cmq": "comunque",
    "xke": "perche",
    "xche": "perche",
    "pls": "please",
    "plz": "please",
    "pz": "please",
    "thx": "thanks",
    "tnx": "thanks",
    "ty": "thanks",
    "grz": "grazie",
    "u": "you",
    "ur": "your",
    "r": "are",
    "cant": "can t",
    "dont": "don t",
    "wont": "won t",
    "didnt": "didn t",
    "isnt": "isn t",
    "thats": "that s",
    "whats": "what s",
    "names": "name s",
    "emails": "email s",
    "im": "i m",
    "wat": "what",
    "wot": "what",
    "qnt": "quanto",
    "qnto": "quanto",
    "ke": "che",
}


def expand_shorthand(normalized: str) -> str:
    """An already normalised text with chat shorthand written out and apostrophes turned into
    spaces ("the names wrong" -> "the name s wrong", "il nome nn e giusto" -> "... non ...")."""
    out = []
    for word in normalized.replace("'", " ").split():
        out.append(SHORTHAND.get(word, word))
    return " ".join(out)


def word_set(block: str) -> frozenset[str]:
    """The words of a block of vocabulary written one after another, as a set."""
    return frozenset(block.split())
