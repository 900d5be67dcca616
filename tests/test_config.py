"""Configuration: defaults, the .env file, and one clear line for every bad value."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.config import load_settings
from bot.core.networks import NetworkRules
from bot.errors import ConfigError


def test_defaults_apply_when_nothing_is_set() -> None:
    settings = load_settings({}, env_file=None)
    assert settings.bot_token is None
    assert settings.bot_api_url == "https://api.telegram.org/bot"
    assert settings.database.path == Path("kuzet.db")
    assert settings.reporter_key_file == Path("kuzet.key")
    assert settings.moderator_chat_id is None
    assert settings.admin_ids == frozenset()
    assert settings.default_locale == "en"
    assert str(settings.timezone) == "UTC"
    assert settings.reports_per_hour == 30
    assert settings.networks == NetworkRules()  # the measured defaults (benchmarks/bench_networks.py)


def test_the_moderators_language_follows_the_default_language_unless_set() -> None:
    assert load_settings({"DEFAULT_LOCALE": "kk"}, env_file=None).moderator_locale == "kk"
    assert load_settings({"DEFAULT_LOCALE": "kk", "MODERATOR_LOCALE": "ru"}, env_file=None).moderator_locale == "ru"


def test_env_file_is_read_and_the_environment_wins_over_it(tmp_path: Path) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text("DEFAULT_LOCALE=kk\nADMIN_IDS=1, 2,3\nTIMEZONE=Asia/Almaty\n", encoding="utf-8")
    settings = load_settings({"DEFAULT_LOCALE": "ar"}, env_file=env_file)
    assert settings.default_locale == "ar"
    assert settings.admin_ids == frozenset({1, 2, 3})
    assert str(settings.timezone) == "Asia/Almaty"


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("BOT_TOKEN", "not a token"),
        ("BOT_API_URL", "ftp://example.org"),
        ("DATABASE_URL", "mysql://localhost/kuzet"),
        ("DATABASE_URL", "postgresql://localhost"),
        ("DATABASE_URL", "sqlite:///:memory:"),
        ("MODERATOR_CHAT_ID", "moderators"),
        ("ADMIN_IDS", "12,abc"),
        ("DEFAULT_LOCALE", "de"),
        ("TIMEZONE", "Mars/Olympus"),
        ("REPORTER_KEY", "short"),
        ("REPORTS_PER_HOUR", "0"),
        ("LOG_LEVEL", "LOUD"),
        ("SEMANTIC_THRESHOLD", "1.5"),
        ("SEMANTIC_VERIFIER_THRESHOLD", "high"),
        ("MODERATOR_LOCALE", "de"),
        ("LOG_TELEGRAM_PAYLOADS", "yes"),
        ("MATCH_TEMPLATE_THRESHOLD", "0"),
        ("MATCH_CLUSTER_THRESHOLD", "2"),
        ("MATCH_NEGATIVE_THRESHOLD", "low"),
        ("VERIFY_QUORUM", "0"),
        ("SURGE_QUORUM", "many"),
        ("UNDO_SECONDS", "-1"),
        ("CLAIM_MINUTES", "0"),
        ("COORDINATED_ACCOUNTS", "0"),
        ("COORDINATED_WINDOW_HOURS", "0"),
        ("SURGE_REPORTS", "0"),
        ("SURGE_WINDOW_MINUTES", "0"),
        ("NEW_REPORTER_DAYS", "0"),
        ("NETWORK_WINDOW_HOURS", "0"),
        ("NETWORK_EDGE_PERCENTILE", "100"),
        ("NETWORK_MIN_WEIGHT", "heavy"),
        ("NETWORK_SYMMETRY", "0"),
        ("NETWORK_MIN_ACCOUNTS", "1"),
        ("NETWORK_MAX_PARTNERS", "0"),
        ("CARD_REFRESH_SECONDS", "4000"),
        ("DIGEST_WEEKDAY", "someday"),
        ("DIGEST_TIME", "25:99"),
        ("DIGEST_CHANNEL_ID", "channel"),
        ("RETENTION_DAYS", "0"),
        ("CHAT_TRAIL_MINUTES", "30"),
        ("CHAT_TRAIL_MINUTES", "an hour"),
        ("SEMANTIC_ENCODER", "magic"),
        ("RECEIPT_DETAIL", "everything"),
        ("WEBHOOK_URL", "http://kuzet.example.org/tg/hook"),
        ("WEBHOOK_URL", "ftp://kuzet.example.org/tg/hook"),
        ("WEBHOOK_URL", "https://kuzet.example.org/healthz"),
        ("WEBHOOK_LISTEN", "8080"),
        ("WEBHOOK_LISTEN", "0.0.0.0:http"),
        ("WEBHOOK_LISTEN", "0.0.0.0:70000"),
        ("WEBHOOK_SECRET", "a" * 257),
        ("WEBHOOK_SECRET", "base64+/="),
    ],
)
def test_a_malformed_value_is_refused_naming_its_variable(variable: str, value: str) -> None:
    with pytest.raises(ConfigError) as raised:
        load_settings({variable: value}, env_file=None)
    assert raised.value.variable == variable


@pytest.mark.parametrize(("raw", "minutes"), [("", 0), ("off", 0), ("0", 0), ("10", 10), ("60", 60), ("1440", 1440)])
def test_the_chat_trail_default_is_off_or_one_of_the_citizens_choices(raw: str, minutes: int) -> None:
    assert load_settings({"CHAT_TRAIL_MINUTES": raw}, env_file=None).trail_minutes == minutes


def test_the_suggestion_band_must_lie_below_the_automatic_band() -> None:
    band = load_settings({"SEMANTIC_SUGGESTION_THRESHOLD": "0.8"}, env_file=None).semantic_thresholds
    assert (band.suggestion_similarity, band.similarity) == (0.8, 0.89)
    for variable, above_its_automatic_band in (
        ("SEMANTIC_SUGGESTION_THRESHOLD", "0.95"),
        ("SEMANTIC_SUGGESTION_VERIFIER_THRESHOLD", "0.999"),
    ):
        with pytest.raises(ConfigError) as raised:
            load_settings({variable: above_its_automatic_band}, env_file=None)
        assert raised.value.variable == "SEMANTIC_SUGGESTION_THRESHOLD"


def test_webhook_mode_is_set_by_webhook_url_and_needs_the_secret() -> None:
    assert load_settings({}, env_file=None).webhook is None
    with pytest.raises(ConfigError) as raised:
        load_settings({"WEBHOOK_URL": "https://kuzet.example.org/tg/hook"}, env_file=None)
    assert raised.value.variable == "WEBHOOK_SECRET"
    webhook = load_settings(
        {"WEBHOOK_URL": "https://kuzet.example.org/tg/hook?x=1", "WEBHOOK_SECRET": "s3cret_-X"}, env_file=None
    ).webhook
    assert webhook is not None
    assert (webhook.path, webhook.host, webhook.port, webhook.secret) == ("/tg/hook", "0.0.0.0", 8080, "s3cret_-X")
    local = load_settings(
        {"WEBHOOK_URL": "http://127.0.0.1:8081", "WEBHOOK_SECRET": "s", "WEBHOOK_LISTEN": "[::1]:8081"}, env_file=None
    )
    assert local.webhook is not None and (local.webhook.path, local.webhook.host, local.webhook.port) == (
        "/",
        "::1",
        8081,
    )


def test_the_webhook_secret_never_shows_in_settings_or_in_an_error() -> None:
    settings = load_settings({"WEBHOOK_URL": "https://k.example.org/h", "WEBHOOK_SECRET": "TOPsecret42"}, env_file=None)
    assert "TOPsecret42" not in repr(settings)
    with pytest.raises(ConfigError) as raised:
        load_settings({"WEBHOOK_SECRET": "TOPsecret42!"}, env_file=None)
    assert "TOPsecret42" not in str(raised.value)


def _kuzet(args: list[str], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in {"BOT_TOKEN", "DATABASE_URL", "REPORTER_KEY"}}
    return subprocess.run(
        [sys.executable, "-m", "bot", *args], env={**clean, **env}, cwd=cwd, capture_output=True, text=True, timeout=60
    )


@pytest.mark.parametrize(
    ("env", "variable"),
    [
        ({}, "BOT_TOKEN"),
        ({"BOT_TOKEN": "123:abc", "TIMEZONE": "Nowhere/Land"}, "TIMEZONE"),
        ({"BOT_TOKEN": "123:abc", "ADMIN_IDS": "me"}, "ADMIN_IDS"),
        ({"BOT_TOKEN": "123:abc", "SEMANTIC_ENCODER": "word2vec"}, "SEMANTIC_ENCODER"),
        ({"BOT_TOKEN": "123:abc", "WEBHOOK_URL": "https://kuzet.example.org/tg/hook"}, "WEBHOOK_SECRET"),
    ],
)
def test_kuzet_run_with_bad_configuration_says_one_line_and_exits_2(
    tmp_path: Path, env: dict[str, str], variable: str
) -> None:
    result = _kuzet(["run"], env, tmp_path)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert variable in lines[0]
    assert "Traceback" not in result.stderr


def test_kuzet_migrate_creates_the_database_and_a_second_run_changes_nothing(tmp_path: Path) -> None:
    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'data' / 'kuzet.db'}"}
    first = _kuzet(["migrate"], env, tmp_path)
    assert first.returncode == 0, first.stderr
    assert "applied migration 0001_init.sql" in first.stderr
    second = _kuzet(["migrate"], env, tmp_path)
    assert second.returncode == 0, second.stderr
    assert "applied migration" not in second.stderr
    assert (tmp_path / "data" / "kuzet.db").is_file()
