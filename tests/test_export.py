"""`kuzet digest` and `kuzet export` on a database the bot filled: verified cases only, never who reported."""

from __future__ import annotations

import csv
import io
import json
import time
from datetime import UTC
from pathlib import Path

import pytest

from bot.app import running
from bot.core.periods import week_of
from bot.i18n import SUPPORTED_LOCALES
from bot.sandbox import FakeTelegram
from tests.databases import Database
from tests.moderation_helpers import say
from tests.test_digest import (
    CAMPAIGN,
    FAKE,
    MENTIONED,
    SATIRIST,
    STABILITY,
    _campaign_with_bystanders,
    _verified_campaign,
)
from tests.test_scan import kuzet

UNVERIFIED = "Foreign agents spread lies about our elections, do not believe the opposition channels"


@pytest.fixture
async def with_bystanders(telegram: FakeTelegram, moderation_settings, db: Database, tmp_path: Path) -> Path:
    async with running(moderation_settings()):
        await _campaign_with_bystanders(telegram, db)
    return tmp_path


@pytest.fixture
async def filled(telegram: FakeTelegram, moderation_settings, db: Database, tmp_path: Path) -> Path:
    async with running(moderation_settings()):
        await _verified_campaign(telegram, db)
        await say(telegram, telegram.user(3), UNVERIFIED)
    return tmp_path


def test_export_writes_verified_cases_with_their_texts_and_accounts_but_no_reporter(filled: Path, db: Database) -> None:
    result = kuzet(["export", "--format", "json"], filled)
    assert result.returncode == 0, result.stderr
    [case] = json.loads(result.stdout)
    assert case["case_id"] == 1 and case["reports"] == "<5" and case["reporters"] == "<5"  # 2 each: small
    assert case["texts"] == [CAMPAIGN, CAMPAIGN + "!"]
    assert case["accounts"] == [{"platform": "telegram", "account": "@nur_news", "link": "https://t.me/nur_news"}]
    assert case["post_links"] == ["https://t.me/nur_news/5"] and case["votes"] == "<5"
    assert case["verified_at"].endswith("+00:00")
    pseudonyms = [row[0] for row in db.rows("SELECT pseudonym FROM reporters")]
    assert pseudonyms and not any(p in result.stdout for p in pseudonyms)
    assert UNVERIFIED not in result.stdout

    table = list(csv.DictReader(io.StringIO(kuzet(["export", "--format", "csv"], filled).stdout)))
    assert [row["case_id"] for row in table] == ["1"] and table[0]["accounts"] == "telegram:@nur_news"
    assert table[0]["account_links"] == "https://t.me/nur_news"
    assert (table[0]["reports"], table[0]["reporters"], table[0]["votes"]) == ("<5", "<5", "<5")
    assert json.loads(kuzet(["export", "--since", "2099-01-01"], filled).stdout) == []


async def test_export_gives_the_line_a_citizen_quoted_never_their_own_words_around_it(
    telegram: FakeTelegram, moderation_settings, db: Database, tmp_path: Path
) -> None:
    own_words = f"Under every post of the akimat I see this: «{CAMPAIGN}» My neighbour Asel says they are bots."
    async with running(moderation_settings()):
        await say(telegram, telegram.user(7), own_words)
        await _verified_campaign(telegram, db)
    assert db.value("SELECT by_quotation FROM reports WHERE id = 1") == 1
    result = kuzet(["export", "--format", "json"], tmp_path)
    [case] = json.loads(result.stdout)
    assert case["texts"] == [CAMPAIGN, CAMPAIGN + "!"]
    assert "Asel" not in result.stdout and "akimat" not in result.stdout


async def test_export_gives_the_campaigns_label_in_every_language_it_has(
    telegram: FakeTelegram, moderation_settings, db: Database, tmp_path: Path
) -> None:
    async with running(moderation_settings()):
        await _verified_campaign(telegram, db, text=STABILITY)
    [case] = json.loads(kuzet(["export", "--format", "json"], tmp_path).stdout)
    assert case["template_label"] == "Nurbots 2017: our President provides the necessary stability and peace"
    assert sorted(case["template_labels"]) == ["ar", "en", "kk", "ru", "zh"]
    assert case["template_labels"]["ru"] == "Нурботы 2017: наш Президент обеспечивает необходимую стабильность и мир"
    [row] = csv.DictReader(io.StringIO(kuzet(["export", "--format", "csv"], tmp_path).stdout))
    assert [c for c in row if c.startswith("label_")] == ["label_en", "label_ru", "label_kk", "label_ar", "label_zh"]
    assert row["template_label"] == case["template_label"] and row["label_zh"] == case["template_labels"]["zh"]


def test_export_names_accounts_by_handle_and_link_never_a_hidden_users_name_nor_a_protected_account(
    with_bystanders: Path,
) -> None:
    exported = {format: kuzet(["export", "--format", format], with_bystanders) for format in ("json", "csv")}
    for format, result in exported.items():
        assert result.returncode == 0, result.stderr
        assert "dana" not in result.stdout.casefold() and SATIRIST not in result.stdout, format
    cases = {case["case_id"]: case for case in json.loads(exported["json"].stdout)}
    assert sorted(cases) == [1, 2, 4]  # case 3, the protected satirist's account case, is left out
    assert sorted(cases[1]["accounts"], key=lambda a: a["account"]) == [
        {"platform": "x", "account": f"@{FAKE}", "link": f"https://x.com/{FAKE}"},  # it linked its own post
        {"platform": "telegram", "account": "@nur_news", "link": "https://t.me/nur_news"},
    ]
    assert cases[1]["accounts_unnamed"] == "<5"  # 3: the hidden user, the protected satirist, the mentioned account
    assert sorted(cases[1]["post_links"]) == ["https://t.me/nur_news/5", f"https://x.com/{FAKE}/status/9"]
    assert (cases[2]["accounts"], cases[2]["accounts_unnamed"]) == ([], "<5")
    assert cases[4]["accounts"] == [{"platform": "x", "account": f"@{FAKE}", "link": f"https://x.com/{FAKE}"}]
    rows = {row["case_id"]: row for row in csv.DictReader(io.StringIO(exported["csv"].stdout))}
    assert set(rows["1"]["accounts"].split(" | ")) == {"telegram:@nur_news", f"x:@{FAKE}"}
    assert rows["1"]["accounts_unnamed"] == "<5"
    assert rows["4"]["account_links"] == f"https://x.com/{FAKE}"


def test_digest_names_neither_a_hidden_user_nor_a_protected_or_mentioned_account_in_any_language(
    with_bystanders: Path,
) -> None:
    week = week_of(int(time.time()), UTC)
    for lang in SUPPORTED_LOCALES:
        result = kuzet(["digest", "--week", week, "--lang", lang], with_bystanders)
        assert result.returncode == 0, result.stderr
        assert f"@{FAKE}" in result.stdout and f"https://x.com/{FAKE}" in result.stdout, lang
        assert "dana" not in result.stdout.casefold() and SATIRIST not in result.stdout, lang
        assert MENTIONED not in result.stdout, lang


def test_digest_prints_the_weeks_draft_in_the_chosen_language(filled: Path) -> None:
    week = week_of(int(time.time()), UTC)
    result = kuzet(["digest", "--week", week, "--lang", "ru"], filled)
    assert result.returncode == 0, result.stderr
    assert CAMPAIGN[:40] in result.stdout and "@nur_news" in result.stdout and "<b>" not in result.stdout


@pytest.mark.parametrize(
    ("args", "problem"),
    [
        (["digest", "--week", "2026-W99"], "--week"),
        (["digest", "--lang", "fr"], "--lang"),
        (["export", "--since", "yesterday"], "--since"),
    ],
)
def test_bad_arguments_are_named_in_one_line(tmp_path: Path, args: list[str], problem: str) -> None:
    result = kuzet(args, tmp_path)
    assert result.returncode == 2 and problem in result.stderr and "Traceback" not in result.stderr
