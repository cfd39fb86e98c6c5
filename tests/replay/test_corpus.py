"""The corpus of whole customer messages: the files are well formed, and the scorer reports
passing and failing items as they are."""

from __future__ import annotations

import io
from collections import Counter
from pathlib import Path

import pytest

from bot.replay.corpus import (
    CATEGORIES,
    CORPUS_DIR,
    DEFAULT_NOW,
    SETUPS,
    CorpusError,
    Item,
    load_items,
    main,
    run_items,
)

# Setups reached through fixed dates (Tue 24 and Thu 26 November): only at the default "now".
DATED_SETUPS = {"slots_friday", "name_asked", "email_asked", "summary", "booked", "viewing_booking"}


@pytest.mark.parametrize(
    "name",
    [
        "dev.yaml",
        "dev2.yaml",
        "dev3.yaml",
        "dev4.yaml",
        "dev6.yaml",
        "holdout.yaml",
        "holdout2.yaml",
        "holdout3.yaml",
        "holdout4.yaml",
        "holdout5.yaml",
        "holdout6.yaml",
        "holdout7.yaml",
        "holdout8.yaml",
    ],
)
def test_each_corpus_file_is_valid_and_balanced(name: str) -> None:
    items = load_items(CORPUS_DIR / name)
    languages = Counter(item.language for item in items)
    assert abs(languages["it"] - languages["en"]) <= len(items) // 10
    for language in ("it", "en"):
        covered = {item.category for item in items if item.language == language}
        assert covered == set(CATEGORIES), f"{name} {language}: missing {set(CATEGORIES) - covered}"
    for item in items:
        assert item.setup in SETUPS
        if item.now != DEFAULT_NOW:
            assert item.setup not in DATED_SETUPS, item.id


def test_the_files_are_big_enough_and_do_not_share_messages() -> None:
    # dev5 covers six categories only, dev7 four, dev8 two, dev9 three, dev10 and dev11 four,
    # dev12 five, dev13 eight and dev14 nine (so they are not in the balance test above), but they
    # must share no sentence with the others either: one of dev5's messages once matched a
    # holdout item.
    names = (
        "dev.yaml",
        "dev2.yaml",
        "dev3.yaml",
        "dev4.yaml",
        "dev5.yaml",
        "dev6.yaml",
        "dev7.yaml",
        "dev8.yaml",
        "dev9.yaml",
        "dev10.yaml",
        "dev11.yaml",
        "dev12.yaml",
        "dev13.yaml",
        "dev14.yaml",
        "holdout.yaml",
        "holdout2.yaml",
        "holdout3.yaml",
        "holdout4.yaml",
        "holdout5.yaml",
        "holdout6.yaml",
        "holdout7.yaml",
        "holdout8.yaml",
    )
    files = {name: load_items(CORPUS_DIR / name) for name in names}
    assert len(files["dev.yaml"]) >= 190
    assert len(files["dev2.yaml"]) >= 160
    assert len(files["dev3.yaml"]) >= 150
    assert len(files["dev4.yaml"]) >= 170
    assert len(files["dev5.yaml"]) >= 150
    assert len(files["dev6.yaml"]) >= 150
    assert len(files["dev7.yaml"]) >= 100
    assert len(files["dev8.yaml"]) >= 55
    assert len(files["dev9.yaml"]) >= 100
    assert len(files["dev10.yaml"]) >= 100
    assert len(files["dev11.yaml"]) >= 100
    assert len(files["dev12.yaml"]) >= 100
    assert len(files["dev13.yaml"]) >= 100
    assert len(files["dev14.yaml"]) >= 100
    assert len(files["holdout.yaml"]) >= 110
    assert len(files["holdout2.yaml"]) >= 240
    assert len(files["holdout3.yaml"]) >= 160
    assert len(files["holdout4.yaml"]) >= 180
    assert len(files["holdout5.yaml"]) >= 160
    assert len(files["holdout6.yaml"]) >= 190
    assert len(files["holdout7.yaml"]) >= 190
    assert len(files["holdout8.yaml"]) >= 190
    # each pair of files
    for i, first in enumerate(names):
        for second in names[i + 1 :]:
            shared = {item.say for item in files[first]} & {item.say for item in files[second]}
            # Bare button numbers ("3") and emoji may repeat; whole sentences must not.
            assert all(len(" ".join(say)) <= 2 for say in shared), (first, second, shared)
            ids = {item.id for item in files[first]} & {item.id for item in files[second]}
            assert not ids, (first, second, ids)


def _item(item_id: str, setup: str, say: str, **expect: object) -> Item:
    return Item(
        id=item_id,
        language="it",
        category="booking",
        setup=setup,
        now=DEFAULT_NOW,
        say=(say,),
        expect=dict(expect),
    )


async def test_the_scorer_passes_what_the_bot_does_and_fails_what_it_does_not() -> None:
    items = [
        _item(
            "plain",
            "fresh",
            "vorrei un taglio domani alle 11",
            step="name",
            held="2026-11-24T11:00",
            service="s_taglio",
            day="2026-11-24",
            flow="book",
        ),
        _item("button", "slots_friday", "2", held="2026-11-27T09:30", step="name"),
        _item("confirm", "summary", "press:Conferma", appointments=["2026-11-24T11:00"]),
        _item("booked", "booked", "/appointments", appointments=1, reply_contains_any=["10:00"]),
        _item("wrong", "fresh", "vorrei un taglio domani alle 11", held="2026-11-24T12:00"),
        # Sunday is closed: 11:00 is offered on the nearest open days ("Lun 30 nov alle 11:00").
        _item(
            "other days", "when_asked", "domenica alle 11", held="none", offers_include=["11:00"]
        ),
    ]
    results = {result.item.id: result for result in await run_items(items)}
    assert [name for name, result in results.items() if not result.passed] == ["wrong"]
    wrong = results["wrong"]
    assert wrong.problems == ["held 2026-11-24 11:00 (wanted 2026-11-24 12:00)"]
    assert "held=2026-11-24 11:00" in wrong.happened


def test_the_command_prints_a_table_and_the_failures(tmp_path: Path) -> None:
    path = tmp_path / "tiny.yaml"
    path.write_text(
        "items:\n"
        "- {id: a, language: it, category: booking, say: vorrei un taglio domani alle 11,"
        " expect: {held: '2026-11-24T11:00'}}\n"
        "- {id: b, language: en, category: booking, say: /start, expect: {held: any}}\n",
        encoding="utf-8",
    )
    out = io.StringIO()
    assert main([str(path), "--failures"], out=out) == 0
    text = out.getvalue()
    assert "booking" in text and "TOTAL" in text
    assert "1/1" in text and "0/1" in text
    assert "FAIL b [en/booking, fresh]" in text
    assert "nothing held (wanted a hold)" in text


def test_a_malformed_file_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("- {id: x, language: it, category: nope, say: ciao, expect: {step: idle}}\n")
    with pytest.raises(CorpusError, match="unknown category"):
        load_items(path)
    out = io.StringIO()
    assert main([str(path)], out=out) == 2
    assert "unknown category" in out.getvalue()
