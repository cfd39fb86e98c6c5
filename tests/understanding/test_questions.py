"""Questions about the business, told apart from booking requests."""

from __future__ import annotations

import pytest

from bot.understanding.questions import QuestionKind, asks_about_cancelling, parse_question

K = QuestionKind
CASES = [
    ("quanto costa un colore?", K.PRICE),
    # issue 9, dev8 round: other wordings than the corpus
    ("hw much would a colour be", K.PRICE),
    ("trim 4 how much", K.PRICE),
    ("la piega a quanto la fate?", K.PRICE),
    ("il colore a quanto viene", K.PRICE),
    ("wheres your shop", K.ADDRESS),
    ("when do u shut", K.HOURS),
    ("what time do you finish on thursdays", K.HOURS),
    ("fino a che ora siete aperti sabato?", K.HOURS),
    ("how many hairdressers do you have", K.STYLIST),
    ("what staff work there", K.STYLIST),
    ("quante parrucchiere avete?", K.STYLIST),
    ("chi lavora da voi", K.STYLIST),
    ("fate ceretta o manicure?", K.OFFER),
    ("ma voi fate la cheratina", K.OFFER),
    ("qnt costa la piega", K.PRICE),
    ("prezzi?", K.PRICE),
    ("mi dici il listino", K.PRICE),
    ("how much is a cut", K.PRICE),
    ("whats the price for highlights", K.PRICE),
    ("quanto dura il colore", K.DURATION),
    ("quanto ci vuole x un taglio?", K.DURATION),
    ("how long does a colour take", K.DURATION),
    ("dove siete?", K.ADDRESS),
    ("mi dai l'indirizzo", K.ADDRESS),
    ("whereabouts is the salon", K.ADDRESS),
    ("where r u located", K.ADDRESS),
    ("che orari fate?", K.HOURS),
    ("a che ora aprite", K.HOURS),
    ("what are your opening hours", K.HOURS),
    ("orari?", K.HOURS),
    ("what r your hours", K.HOURS),
    ("a che ora chiudete il sabato", K.HOURS),
    ("numero di telefono?", K.PHONE),
    ("can i call you", K.PHONE),
    ("posso scegliere il parrucchiere?", K.STYLIST),
    ("can I choose my stylist?", K.STYLIST),
    ("vorrei la mia parrucchiera di fiducia", K.STYLIST),
    ("ci tengo ad avere la stessa parrucchiera", K.STYLIST),
    ("can we decide who colours it", K.STYLIST),
    ("could i have the same lady as before", K.STYLIST),
    ("voglio parlare con qualcuno", K.PERSON),
    ("operatore", K.PERSON),
    ("talk to a person", K.PERSON),
    ("can i speak with a human pls", K.PERSON),
    ("are u a bot?", K.PERSON),
    ("c'è una persona con cui parlare", K.PERSON),
    ("mi serve una persona, non un bot", K.PERSON),
    ("i need a real person please", K.PERSON),
    ("quanto mi viene a costare un colore", K.PRICE),
    ("ci vuole tanto per la tinta?", K.DURATION),
    ("what's your number", K.PHONE),
    ("can I book with Sara?", K.STYLIST),
    ("fate anche la barba?", K.OFFER),
    ("do you do highlights", K.OFFER),
    ("che servizi fate", K.OFFER),
    ("c'è parcheggio?", K.INFO),
    ("accettate carte?", K.INFO),
    ("can I pay by card?", K.INFO),
    # dev12 round: where exactly, paying by card and parking the car in Italian, "quick q"
    ("dove di preciso vi trovate", K.ADDRESS),
    ("where precisely are u", K.ADDRESS),
    ("accettate la carta?", K.INFO),
    ("si puo lasciare l'auto da qualche parte?", K.INFO),
    ("quick q whats the cost of a colour", K.PRICE),
    ("are pets ok?", K.INFO),
    ("r u shut over lunch", K.HOURS),
    ("what happens if i have to cancel", K.INFO),
    ("ci sono penali per la disdetta?", K.INFO),
    ("any fee for late cancellation", K.INFO),
    ("who's in on monday", K.STYLIST),
    ("first of all, can i pay with apple pay", K.INFO),
]


@pytest.mark.parametrize(("text", "kind"), CASES)
def test_questions_are_recognised(text: str, kind: QuestionKind) -> None:
    question = parse_question(text)
    assert question is not None and question.kind is kind


@pytest.mark.parametrize(
    ("text", "weekday"),
    [
        ("siete aperti sabato?", 5),
        ("are you open on sundays", 6),
        ("che orari fate", None),
        ("when do you shut on fridays", 4),
    ],
)
def test_the_weekday_of_an_opening_hours_question(text: str, weekday: int | None) -> None:
    question = parse_question(text)
    assert question is not None and question.kind is K.HOURS
    assert question.weekday == weekday


@pytest.mark.parametrize(
    "text",
    [
        "vorrei un taglio domani alle 11",
        "mi fate un colore venerdì?",
        "fate un taglio domani alle 10?",
        "a quanto pare giovedì non posso",
        "sposta il mio appuntamento a giovedì",
        "cancel my booking",
        "un altro orario",
        "cambia orario",
        "domani pomeriggio",
        "ok grazie",
        "il secondo",
        "avete posto sabato?",
        "Mario Rossi",
        "ho un appuntamento?",
        "the first one please",
        "altri orari",
        "che orari avete giovedì?",
        "orari liberi domani?",
        "can you do it in two hours",
        "Anna Bianchi",
        "prenotare con mia figlia",
        "book with you tomorrow",
        "a haircut for my kids",
        "mi mandi un promemoria?",
        "un taglio per mio figlio, pago con carta",
        "avete anche sabato?",
        "do you do saturdays?",
        "the same one as before please",
        "stessa ora della volta scorsa",
        "same time as last time",
    ],
)
def test_booking_messages_are_not_questions(text: str) -> None:
    assert parse_question(text) is None


def test_several_questions_in_one_message() -> None:
    question = parse_question("ciao volevo sapere quanto viene una piega e se siete aperti sabato")
    assert question is not None
    assert question.kinds == (K.PRICE, K.HOURS) and question.weekday == 5
    question = parse_question("how much is a colour and where are you")
    assert question is not None and question.kinds == (K.PRICE, K.ADDRESS)


@pytest.mark.parametrize(
    "text",
    [
        "can we change it to friday?",
        "I'd like to change my booking",
        "change language",
        "Quando è il mio prossimo appuntamento?",
        "quando posso venire?",
        "taglio corto x domani",
        "un taglio un po piu corto",
    ],
)
def test_words_one_typo_away_are_not_questions(text: str) -> None:
    # "change" is not "charge", "quando" is not "quanto".
    assert parse_question(text) is None


@pytest.mark.parametrize(
    ("text", "weekday"),
    [("ke orari fate il sabato?", 5), ("che orari fate di lunedi", 0), ("orari del venerdì?", 4)],
)
def test_opening_hours_of_a_day_asked_with_orari(text: str, weekday: int) -> None:
    question = parse_question(text)
    assert question is not None
    assert question.kind is QuestionKind.HOURS
    assert question.weekday == weekday


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("do you do waxing", K.OFFER),
        ("fate anche le sopracciglia?", K.OFFER),
        ("do you take apple pay", K.INFO),
        ("accettate il bancomat", K.INFO),
        ("is there somewhere to park", K.INFO),
    ],
)
def test_offers_and_salon_questions_without_a_question_mark(text: str, kind: QuestionKind) -> None:
    question = parse_question(text)
    assert question is not None and question.kind is kind


def test_do_you_do_with_a_day_is_not_an_offer_question() -> None:
    question = parse_question("do you do saturdays")
    assert question is None or question.kind is not K.OFFER


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("open on the 12th?", QuestionKind.HOURS),
        ("chiusi lunedì?", QuestionKind.HOURS),
        ("open slots on friday?", None),
        ("allora il primo giorno in cui siete aperti", None),
        ("whats the next day you are open", None),
    ],
)
def test_dev6_hours_or_a_day(text: str, kind: QuestionKind | None) -> None:
    question = parse_question(text)
    assert (question.kind if question else None) == kind


def test_asking_how_cancelling_works_is_not_cancelling() -> None:
    assert asks_about_cancelling("is there a cancellation charge?")
    assert asks_about_cancelling("se annullo all'ultimo pago qualcosa?")
    assert not asks_about_cancelling("i need to cancel my appointment")
    assert not asks_about_cancelling("annulla l'appuntamento di giovedì")


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("il 26 dicembre lavorate?", QuestionKind.HOURS),
        ("lavorate anche la domenica?", QuestionKind.HOURS),
        ("do you work on bank holidays", QuestionKind.HOURS),
        ("lavorate bene, complimenti", None),
    ],
)
def test_whether_the_salon_works_a_day_is_about_the_hours(
    text: str, kind: QuestionKind | None
) -> None:
    question = parse_question(text)
    assert (question.kind if question else None) == kind
