"""Settings from the environment and `.env`, validated once at start-up.

This is the only module that reads the environment. Tests build `Settings(...)` directly.
A bad value stops start-up with one sentence naming the variable (`ConfigError`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, HttpUrl, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

DEFAULT_DATABASE_URL = "sqlite:///bot.sqlite3"
SUPPORTED_LANGUAGES = ("it", "en")


class ConfigError(Exception):
    """A setting is missing or wrong; the message is one sentence naming it."""


class Settings(BaseSettings):
    """Every setting the bot knows, named as its environment variable."""

    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", case_sensitive=False
    )

    telegram_bot_token: SecretStr | None = None
    telegram_api_base_url: HttpUrl = HttpUrl("https://api.telegram.org/bot")
    telegram_api_base_file_url: HttpUrl = HttpUrl("https://api.telegram.org/file/bot")
    telegram_webhook_url: HttpUrl | None = None
    telegram_webhook_secret: SecretStr | None = None
    port: int = Field(default=8080, ge=1, le=65535)
    # Messages per second to all chats together (Telegram's free limit is about 30; paid
    # broadcasts allow more). Each chat stays within Telegram's one message per second anyway.
    telegram_rate_limit_overall: float = Field(default=30.0, gt=0, le=1000)
    # For benchmarks only (bench/run.py): "off" drops PTB's AIORateLimiter, to measure its cost.
    # Production keeps it on: it keeps the bot inside Telegram's flood limits.
    telegram_rate_limiter: Literal["on", "off"] = "on"
    # The HTTP client under python-telegram-bot: aiohttp (C parser, cheap pool; issue 11), or
    # httpx, python-telegram-bot's own default, kept as a fallback.
    telegram_http_client: Literal["aiohttp", "httpx"] = "aiohttp"
    # Issue 14: the Mini App's public HTTPS address (the page this bot serves at /app/), and how
    # old a signed initData may be before the Mini App's API refuses it.
    mini_app_url: HttpUrl | None = None
    mini_app_max_age_seconds: int = Field(default=86400, ge=60)

    zimun_api_url: HttpUrl = HttpUrl("https://api.zimun.online")
    zimun_client_id: str | None = None
    zimun_client_secret: SecretStr | None = None
    zimun_organization_id: str | None = None
    zimun_service_id: str | None = None

    bot_timezone: str = "Europe/Rome"
    bot_default_language: str = "it"
    bot_admin_ids: Annotated[frozenset[int], NoDecode] = frozenset()
    bot_reminder_hours: float = Field(default=24.0, ge=0)
    # Issue 13: the reminders before an appointment, e.g. "24h,2h" (also "90m", "1d"; "off").
    # Unset: BOT_REMINDER_HOURS when that is set (one reminder, as before), else 24h and 2h.
    reminders: Annotated[tuple[float, ...] | None, NoDecode] = None
    # Where the business is, for the venue sent with a confirmation (both or neither).
    business_latitude: float | None = Field(default=None, ge=-90, le=90)
    business_longitude: float | None = Field(default=None, ge=-180, le=180)
    # After this many no-shows a customer's new bookings wait for staff approval (0: never).
    noshow_limit: int = Field(default=0, ge=0)
    database_url: str = DEFAULT_DATABASE_URL

    service_aliases: Path | None = None
    business_phone: str | None = None
    business_info_it: str | None = None
    business_info_en: str | None = None

    @field_validator("mini_app_url")
    @classmethod
    def _https_only(cls, value: HttpUrl | None) -> HttpUrl | None:
        # Telegram opens Mini Apps only over HTTPS (Bot API, WebAppInfo.url).
        if value is not None and value.scheme != "https":
            raise ValueError("MINI_APP_URL must be an https:// address")
        return value

    @field_validator("bot_timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"{value!r} is not an IANA timezone such as Europe/Rome") from exc
        return value

    @field_validator("bot_default_language")
    @classmethod
    def _supported_language(cls, value: str) -> str:
        value = value.strip().lower()
        if value not in SUPPORTED_LANGUAGES:
            raise ValueError(f"must be one of {', '.join(SUPPORTED_LANGUAGES)}")
        return value

    @field_validator("bot_admin_ids", mode="before")
    @classmethod
    def _comma_separated_ids(cls, value: Any) -> Any:
        if isinstance(value, str):
            parts = [part.strip() for part in value.split(",") if part.strip()]
            if not all(part.lstrip("-").isdigit() for part in parts):
                raise ValueError("must be Telegram user ids separated by commas, e.g. 12345,67890")
            return frozenset(int(part) for part in parts)
        return value

    @field_validator("reminders", mode="before")
    @classmethod
    def _reminder_times(cls, value: Any) -> Any:
        if not isinstance(value, str):
            return value
        text = value.strip().lower()
        if text in ("", "off", "0", "none"):
            return ()
        units = {"m": 1 / 60, "h": 1.0, "d": 24.0}
        hours: list[float] = []
        for part in (p.strip() for p in text.split(",") if p.strip()):
            number, unit = (part[:-1], part[-1]) if part[-1] in units else (part, "h")
            try:
                amount = float(number) * units[unit]
            except ValueError:
                raise ValueError("must be times before the appointment, e.g. 24h,2h") from None
            if amount <= 0:
                raise ValueError("must be times before the appointment, e.g. 24h,2h")
            hours.append(amount)
        if len(hours) > 4:
            raise ValueError("allows at most 4 reminders")
        return tuple(sorted(set(hours), reverse=True))

    @field_validator("database_url")
    @classmethod
    def _known_database(cls, value: str) -> str:
        if not value.startswith(
            ("sqlite://", "postgresql://", "postgres://", "postgresql+asyncpg://")
        ):
            raise ValueError("must start with sqlite:/// or postgresql://")
        return value

    @field_validator("business_phone", "business_info_it", "business_info_en")
    @classmethod
    def _blank_is_unset(cls, value: str | None) -> str | None:
        return value.strip() or None if value is not None else None

    @property
    def business_info(self) -> dict[str, str]:
        """The short free text for customers, per language ("it", "en"), where set."""
        texts = {"it": self.business_info_it, "en": self.business_info_en}
        return {language: text for language, text in texts.items() if text}

    def load_service_aliases(self) -> dict[str, tuple[str, ...]]:
        """The business's extra words per service id from the SERVICE_ALIASES file ({} if unset).

        The file is YAML: `service_id: [word, "two words", ...]`.
        """
        if self.service_aliases is None:
            return {}
        # Imported on use: PyYAML (about 1 MB) only for a SERVICE_ALIASES file (issue 11).
        import yaml

        path = self.service_aliases
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except OSError as exc:
            raise ConfigError(
                f"SERVICE_ALIASES is invalid: {path} cannot be read ({exc.strerror})."
            ) from None
        except yaml.YAMLError:
            raise ConfigError(f"SERVICE_ALIASES is invalid: {path} is not valid YAML.") from None
        if data is None:
            return {}
        if not isinstance(data, dict):
            raise ConfigError(
                f"SERVICE_ALIASES is invalid: {path} must map each service id to a list of words."
            )
        aliases: dict[str, tuple[str, ...]] = {}
        for key, value in data.items():
            words = [value] if isinstance(value, str) else value
            if not isinstance(words, list) or not all(
                isinstance(w, str | int) and str(w).strip() for w in words
            ):
                raise ConfigError(
                    f"SERVICE_ALIASES is invalid: in {path}, {key!r} must have a list of words."
                )
            aliases[str(key)] = tuple(str(w).strip() for w in words)
        return aliases

    @property
    def reminder_hours(self) -> tuple[float, ...]:
        """The reminders' hours before an appointment, longest first (empty: none)."""
        if self.reminders is not None:
            return self.reminders
        if "bot_reminder_hours" in self.model_fields_set:
            return (self.bot_reminder_hours,) if self.bot_reminder_hours > 0 else ()
        return (24.0, 2.0)

    @property
    def business_location(self) -> tuple[float, float] | None:
        if self.business_latitude is None or self.business_longitude is None:
            return None
        return (self.business_latitude, self.business_longitude)

    @property
    def timezone(self) -> ZoneInfo:
        return ZoneInfo(self.bot_timezone)

    @property
    def uses_sandbox(self) -> bool:
        """No Zimun credentials at all: the bot runs against the built-in sandbox."""
        return not (self.zimun_client_id or self.zimun_client_secret)

    def require_zimun(self) -> None:
        """Half-configured Zimun credentials are a mistake, not a reason to use the sandbox."""
        missing = [
            name
            for name, value in (
                ("ZIMUN_CLIENT_ID", self.zimun_client_id),
                ("ZIMUN_CLIENT_SECRET", self.zimun_client_secret),
                ("ZIMUN_ORGANIZATION_ID", self.zimun_organization_id),
            )
            if not value
        ]
        if missing:
            raise ConfigError(
                f"{missing[0]} is not set: set ZIMUN_CLIENT_ID, ZIMUN_CLIENT_SECRET and "
                "ZIMUN_ORGANIZATION_ID together, or none of them to use the built-in sandbox."
            )

    def require_telegram(self) -> SecretStr:
        if self.telegram_bot_token is None or not self.telegram_bot_token.get_secret_value():
            raise ConfigError(
                "TELEGRAM_BOT_TOKEN is not set: create a bot with @BotFather and put its token "
                "in the environment or in .env."
            )
        if self.telegram_webhook_url is not None and self.telegram_webhook_secret is None:
            raise ConfigError(
                "TELEGRAM_WEBHOOK_SECRET is not set: webhook mode needs a secret token "
                "(1-256 characters A-Z, a-z, 0-9, _ and -)."
            )
        return self.telegram_bot_token


def load_settings(**overrides: Any) -> Settings:
    """Read the settings, turning pydantic's report into one sentence naming the variable."""
    try:
        settings = Settings(**overrides)
    except ValidationError as exc:
        error = exc.errors()[0]
        name = str(error["loc"][0]).upper() if error["loc"] else "a setting"
        reason = str(error["msg"]).removeprefix("Value error, ")
        raise ConfigError(f"{name} is invalid: {reason}.") from None
    settings.load_service_aliases()  # a broken file stops start-up, naming the setting
    return settings
