"""The message catalogs: complete in both languages, consistent placeholders, every id used exists;
dates and times formatted as Italians and English speakers write them."""

from __future__ import annotations

import ast
import re
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.i18n import (
    LANGUAGES,
    CatalogError,
    catalog_entries,
    format_date,
    format_datetime,
    language_for,
    placeholders,
    translator_for,
)

ROOT = Path(__file__).resolve().parent.parent
ROME = ZoneInfo("Europe/Rome")
ID = re.compile(r"^[a-z_]+(\.[a-z_0-9]+)+$")
# Texts that are the same in both languages on purpose (labels, names, pure formats).
SAME_IN_BOTH = {"button.menu", "service.label", "service.label_price", "appointment.button"}
# issue 9: QUESTIONS: formats with no words of their own
SAME_IN_BOTH |= {"question.price_line", "question.days_range", "question.hours_part"}
# issue 13: formats with no words of their own
SAME_IN_BOTH |= {"waitlist.line", "appointments.past_line"}


def test_every_message_exists_in_both_catalogs_with_the_same_source_and_placeholders() -> None:
    catalogs = catalog_entries()
    it, en = catalogs["it"], catalogs["en"]
    assert set(it) == set(en) and len(it) > 50
    for message_id in it:
        assert it[message_id].source == en[message_id].source, message_id
        assert en[message_id].text == en[message_id].source, message_id
        expected = placeholders(it[message_id].source)
        assert placeholders(it[message_id].text) == expected, message_id
        assert placeholders(en[message_id].text) == expected, message_id


def test_the_italian_catalog_is_translated() -> None:
    it = catalog_entries()["it"]
    # Staff messages belong to the staff part, which keeps its own list of shared formats.
    untranslated = [
        k
        for k, e in it.items()
        if e.text == e.source and k not in SAME_IN_BOTH and not k.startswith("staff.")
    ]
    assert untranslated == []


def _used_ids() -> set[str]:
    """Dotted string literals in the engine and i18n, and first arguments of `t(...)` anywhere."""
    used: set[str] = set()
    for path in (ROOT / "bot").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        engine_side = "conversation" in path.parts or path.name == "i18n.py"
        for node in ast.walk(tree):
            if (
                engine_side
                and isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and ID.match(node.value)
                and not node.value.endswith((".po", ".py"))
            ):
                used.add(node.value)
            if isinstance(node, ast.Call) and node.args:
                func = node.func
                name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
                first = node.args[0]
                if name == "t" and isinstance(first, ast.Constant) and isinstance(first.value, str):
                    used.add(first.value)
    return used


def test_every_message_id_used_in_the_code_exists() -> None:
    used = _used_ids()
    assert "hold.placed" in used  # the scan sees the engine's ids
    for language in LANGUAGES:
        translator = translator_for(language)
        assert sorted(i for i in used if not translator.has(i)) == [], language


def test_a_missing_id_or_a_wrong_placeholder_fails_loudly() -> None:
    t = translator_for("it")
    with pytest.raises(KeyError):
        t("no.such.message")
    with pytest.raises(KeyError):
        t("hold.placed", when="martedì")
    assert t("hold.placed", when="martedì", expires="10:10") == (
        "Ti tengo da parte martedì: hai tempo fino alle 10:10 per confermare."
    )


def test_loading_catalogs_that_disagree_fails(tmp_path: Path) -> None:
    for language, extra in (("it", ""), ("en", 'msgctxt "x.only"\nmsgid "Only"\nmsgstr "Only"\n')):
        folder = tmp_path / language / "LC_MESSAGES"
        folder.mkdir(parents=True)
        (folder / "bot.po").write_text(
            f'msgctxt "a.b"\nmsgid "Hi {{name}}"\nmsgstr "Ciao {{name}}"\n\n{extra}',
            encoding="utf-8",
        )
    with pytest.raises(CatalogError):
        catalog_entries(tmp_path)


def test_a_placeholder_mismatch_inside_a_catalog_fails(tmp_path: Path) -> None:
    for language in LANGUAGES:
        folder = tmp_path / language / "LC_MESSAGES"
        folder.mkdir(parents=True)
        (folder / "bot.po").write_text(
            'msgctxt "a.b"\nmsgid "Hi {name}"\nmsgstr "Ciao {nome}"\n', encoding="utf-8"
        )
    with pytest.raises(CatalogError):
        catalog_entries(tmp_path)


def test_dates_read_as_people_write_them() -> None:
    moment = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
    assert format_datetime(moment, "it", ROME) == "martedì 24 novembre alle 10:00"
    assert format_datetime(moment, "en", ROME) == "Tuesday 24 November at 10:00"
    assert format_date(date(2026, 12, 8), "it") == "martedì 8 dicembre"
    # After the switch to summer time the same UTC hour is one hour later on the wall clock.
    summer = datetime(2026, 3, 30, 9, 0, tzinfo=UTC)
    assert format_datetime(summer, "it", ROME) == "lunedì 30 marzo alle 11:00"


@pytest.mark.parametrize(
    ("code", "expected"),
    [("it", "it"), ("it-IT", "it"), ("en-GB", "en"), ("EN", "en"), ("de", "it"), (None, "it")],
)
def test_language_comes_from_the_profile_with_a_default(code: str | None, expected: str) -> None:
    assert language_for(code, "it") == expected
