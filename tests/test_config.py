"""Settings: defaults, parsing, and one clear sentence for each mistake."""

from __future__ import annotations

import pytest

from bot.config import ConfigError, Settings, load_settings


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: pytest.TempPathFactory) -> None:
    monkeypatch.chdir(tmp_path)  # no stray .env
    for name in list(Settings.model_fields):
        monkeypatch.delenv(name.upper(), raising=False)


def test_defaults_run_against_the_sandbox() -> None:
    settings = load_settings()
    assert settings.uses_sandbox
    assert settings.bot_timezone == "Europe/Rome"
    assert settings.bot_default_language == "it"
    assert str(settings.zimun_api_url) == "https://api.zimun.online/"
    assert settings.database_url.startswith("sqlite:///")
    assert settings.telegram_rate_limit_overall == 30


def test_the_overall_rate_limit_can_be_raised_for_paid_broadcasts(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("TELEGRAM_RATE_LIMIT_OVERALL", "100")
    assert load_settings().telegram_rate_limit_overall == 100


def test_admin_ids_are_comma_separated(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BOT_ADMIN_IDS", " 12345, 67890 ,")
    assert load_settings().bot_admin_ids == frozenset({12345, 67890})


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("BOT_TIMEZONE", "Mars/Olympus"),
        ("BOT_DEFAULT_LANGUAGE", "de"),
        ("BOT_ADMIN_IDS", "alice,bob"),
        ("DATABASE_URL", "mysql://x"),
        ("ZIMUN_API_URL", "not a url"),
        ("PORT", "99999"),
        ("TELEGRAM_RATE_LIMIT_OVERALL", "0"),
        ("TELEGRAM_RATE_LIMIT_OVERALL", "lots"),
    ],
)
def test_a_bad_value_is_one_sentence_naming_the_variable(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str
) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(ConfigError) as caught:
        load_settings()
    message = str(caught.value)
    assert message.startswith(f"{variable} is invalid")
    assert "\n" not in message


def test_secrets_are_never_printed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ZIMUN_CLIENT_SECRET", "s3cr3t-value")
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "123:ABC-token")
    settings = load_settings()
    assert "s3cr3t-value" not in repr(settings)
    assert "123:ABC-token" not in str(settings)


def test_half_configured_zimun_names_the_missing_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ZIMUN_CLIENT_ID", "abc")
    settings = load_settings()
    assert not settings.uses_sandbox
    with pytest.raises(ConfigError, match=r"^ZIMUN_CLIENT_SECRET is not set"):
        settings.require_zimun()


def test_telegram_token_is_required_to_run() -> None:
    with pytest.raises(ConfigError, match=r"^TELEGRAM_BOT_TOKEN is not set"):
        load_settings().require_telegram()


def test_reminders_setting_reads_hours_and_keeps_bot_reminder_hours() -> None:
    # issue 13: REMINDERS=24h,2h; unset, the old BOT_REMINDER_HOURS still means one reminder.
    assert Settings(reminders="24h, 2h").reminder_hours == (24.0, 2.0)
    assert Settings(reminders="90m,1d").reminder_hours == (24.0, 1.5)
    assert Settings(reminders="off").reminder_hours == ()
    assert Settings().reminder_hours == (24.0, 2.0)
    assert Settings(bot_reminder_hours=12).reminder_hours == (12.0,)
    assert Settings(bot_reminder_hours=0).reminder_hours == ()
    with pytest.raises(ConfigError, match="REMINDERS is invalid"):
        load_settings(reminders="tomorrow")
