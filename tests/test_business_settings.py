"""Issue 9 settings: SERVICE_ALIASES (validated at start-up), BUSINESS_PHONE, BUSINESS_INFO_*."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import ConfigError, load_settings
from bot.staff.actions import chat_code, chat_from_code


def test_service_aliases_file_is_read(tmp_path: Path) -> None:
    path = tmp_path / "aliases.yaml"
    path.write_text("s_colore: [schiariture, 'colpi di sole']\ns_taglio: spuntatina\n")
    settings = load_settings(_env_file=None, service_aliases=str(path))
    assert settings.load_service_aliases() == {
        "s_colore": ("schiariture", "colpi di sole"),
        "s_taglio": ("spuntatina",),
    }


@pytest.mark.parametrize(
    "content", ["- just\n- a list\n", "s_colore: {a: b}\n", "s_colore: [ok, '']\n", ": : :\n"]
)
def test_a_broken_aliases_file_stops_start_up_naming_the_setting(
    tmp_path: Path, content: str
) -> None:
    path = tmp_path / "aliases.yaml"
    path.write_text(content)
    with pytest.raises(ConfigError, match=r"^SERVICE_ALIASES is invalid: .*\.$"):
        load_settings(_env_file=None, service_aliases=str(path))


def test_a_missing_aliases_file_stops_start_up(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="SERVICE_ALIASES is invalid"):
        load_settings(_env_file=None, service_aliases=str(tmp_path / "nope.yaml"))


def test_business_texts_per_language() -> None:
    settings = load_settings(
        _env_file=None, business_phone=" ", business_info_it="Scegli pure la parrucchiera."
    )
    assert settings.business_phone is None
    assert settings.business_info == {"it": "Scegli pure la parrucchiera."}


@pytest.mark.parametrize("chat_id", [1, 35, 123456789, 7012345678, -1001234567890])
def test_a_chat_code_names_its_chat(chat_id: int) -> None:
    code = chat_code(chat_id)
    assert len(code) <= 9 and code.isalnum()
    assert chat_from_code(code) == chat_id
    assert chat_from_code(code.lower()) == chat_id


def test_a_chat_id_or_nonsense_for_reply() -> None:
    assert chat_from_code("123") == 123
    assert chat_from_code("hello!") is None
    assert chat_from_code("Z12") is None
