"""Contact messages read word by word rather than against one wording (issue 9, dev7 round).

The sentences here are other wordings than the corpus's: the rules must not depend on word order,
fillers, politeness or chat shorthand.
"""

from __future__ import annotations

import pytest

from bot.understanding.contacts import ContactField, is_self_reference, read_contact_change
from bot.understanding.questions import parse_question, sounds_like_question
from bot.understanding.text import expand_shorthand


@pytest.mark.parametrize(
    "text",
    [
        "obviously me haha",
        "ovviamente io",
        "yes just me thanks",
        "use the account name please",
        "prendi pure il nome del mio profilo",
        "certo, il mio",
        "for me of course",
        "sono sempre io ahah",
        "the name on my telegram is fine",
    ],
)
def test_the_profile_name_in_any_order_and_with_fillers(text: str) -> None:
    assert is_self_reference(text)


@pytest.mark.parametrize(
    "text",
    [
        "my wife",
        "per mia sorella",
        "my name is Laura Hart",
        "Marta Io",
        "il mio nome è Carla Neri",
        "for my friend Jo Hart",
    ],
)
def test_someone_elses_name_is_not_the_profile_name(text: str) -> None:
    assert not is_self_reference(text)


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("could you change the name to Ada Byron, thanks", "Ada Byron"),
        ("modifica il nome in Carla Neri per piacere", "Carla Neri"),
        ("put the name as Jo Hart pls it's for my sister", "Jo Hart"),
        ("the name would be Tom Price really", None),
        ("il nome dovrebbe essere Luca Bassi in effetti", "Luca Bassi"),
        ("nome: Anna Di Stefano", "Anna Di Stefano"),
        ("cambia il nome con Rosa La Torre grazie", "Rosa La Torre"),
        ("name should be Kate Moss instead", "Kate Moss"),
    ],
)
def test_a_new_name_inside_a_sentence_ends_where_ordinary_words_start(
    text: str, name: str | None
) -> None:
    change = read_contact_change(text)
    assert change is not None and change.field is ContactField.NAME
    if name is not None:
        assert change.value == name


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("ur names wrong", ContactField.NAME),
        ("nome nn corretto", ContactField.NAME),
        ("i'd like to change my email address please", ContactField.EMAIL),
        ("vorrei modificare l'indirizzo di posta", ContactField.EMAIL),
        ("emails wrong", ContactField.EMAIL),
    ],
)
def test_a_change_asked_for_in_shorthand(text: str, field: ContactField) -> None:
    change = read_contact_change(text)
    assert change is not None and change.field is field and change.value is None


@pytest.mark.parametrize(
    "text",
    [
        "actually make it a colour not a cut",
        "just use the one you've already got",
        "make it friday at 3",
        "put it on thursday",
        "usa quella che avete già",
    ],
)
def test_no_name_read_into_other_requests(text: str) -> None:
    change = read_contact_change(text)
    assert change is None or change.field is not ContactField.NAME or change.value is None


@pytest.mark.parametrize(
    "text",
    [
        "what do you need it for",
        "perche vi serve",
        "ok but why",
        "scusa ma a cosa serve",
        "one more question, how long is it",
        "btw how much",
        "e quanto costa",
    ],
)
def test_a_question_is_never_a_name(text: str) -> None:
    assert sounds_like_question(text)


@pytest.mark.parametrize("text", ["Laura Hart", "Mario Di Stefano", "ok Carla Neri", "Chi Wong"])
def test_a_name_is_not_a_question(text: str) -> None:
    assert not sounds_like_question(text)


@pytest.mark.parametrize(
    "text",
    [
        "is there a number to ring you on",
        "posso avere un numero per chiamarvi",
        "a number to call?",
    ],
)
def test_a_phone_number_asked_without_your(text: str) -> None:
    question = parse_question(text)
    assert question is not None and question.kind.value == "phone"


def test_shorthand_written_out() -> None:
    assert expand_shorthand("il nome nn e giusto") == "il nome non e giusto"
    assert expand_shorthand("the names wrong pls") == "the name s wrong please"
    assert expand_shorthand("i cant make it") == "i can t make it"
