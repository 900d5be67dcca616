"""Outputs that identify no one: a count below SMALL_COUNT_K is only ever "fewer than K" in the digest (text and
chart) and the export, and an account only reporters named never appears in them."""

from __future__ import annotations

import csv
import io
import json
import time
from datetime import UTC
from pathlib import Path

from bot.app import running
from bot.core.digest import Digest, Totals
from bot.core.periods import week_of
from bot.i18n import SUPPORTED_LOCALES
from bot.render import as_plain_text
from bot.render.chart import chart as chart_figure
from bot.render.digest import digest_text
from bot.sandbox import FakeTelegram
from tests.databases import Database
from tests.moderation_helpers import say, seen, wait_for_card
from tests.test_digest import STABILITY, _subscribe, _verified_campaign, _verify, next_week
from tests.test_scan import kuzet

LONELY = "lonely_critic"
"""An account that citizens reported, and nothing else: no verified campaign text of its own."""


async def test_small_counts_show_only_as_fewer_than_k_in_the_digest_and_the_export(
    telegram: FakeTelegram, moderation_settings, db: Database, tmp_path: Path
) -> None:
    async with running(moderation_settings()) as application:
        admin, alice = await _verified_campaign(telegram, db)  # case 1: 2 reports, 2 votes
        for reporter in range(21, 27):
            await say(telegram, telegram.user(reporter), STABILITY)  # case 2: 6 reports
        await _verify(telegram, db, 2, admin, alice)
        readers = {code: await _subscribe(telegram, 310 + i, code) for i, code in enumerate(("en", "ru"))}
        next_week(application)
        await say(telegram, admin, "/publish")
        texts = {code: seen((await telegram.wait_for_messages(r["id"], 3))[1]) for code, r in readers.items()}
    exported = {format: kuzet(["export", "--format", format], tmp_path) for format in ("json", "csv")}

    english = texts["en"]
    assert "Reports in verified campaigns: 8" in english and "Cases verified: fewer than 5" in english
    assert "New templates: 0" in english  # zero points at no one
    assert "6 reports" in english and "fewer than 5 reports" in english and "2 reports" not in english
    assert english.count("by fewer than 5 moderators") == 2
    assert "меньше 5 жалоб" in texts["ru"] and "голосов модераторов: меньше 5" in texts["ru"]

    frozen = Digest.from_json(db.value("SELECT data FROM digests"))
    assert frozen.small_count_k == 5 and frozen.campaigns[1].reports == 2  # the exact count stays inside
    ticks = [label.get_text() for label in chart_figure(frozen, UTC).axes[0].get_yticklabels()]
    assert "<5" in ticks and not {"1", "2", "3", "4"} & set(ticks), ticks

    cases = {case["case_id"]: case for case in json.loads(exported["json"].stdout)}
    assert (cases[1]["reports"], cases[1]["reporters"], cases[1]["votes"]) == ("<5", "<5", "<5")
    assert (cases[2]["reports"], cases[2]["reporters"], cases[2]["votes"]) == (6, 6, "<5")
    rows = {row["case_id"]: row for row in csv.DictReader(io.StringIO(exported["csv"].stdout))}
    assert (rows["1"]["reports"], rows["2"]["reports"], rows["2"]["votes"]) == ("<5", "6", "<5")


def test_no_change_from_the_week_before_is_shown_where_either_week_is_small(translations) -> None:
    digest = Digest("2026-W49", 0, 7 * 86400, Totals(12, 3, 0), Totals(4, 6, 0), small_count_k=5)
    text = as_plain_text(digest_text(translations("en"), digest))
    assert "Reports in verified campaigns: 12\n" in text  # +200% would tell the 4 of the week before
    assert "Cases verified: fewer than 5\n" in text
    wide = Digest("2026-W49", 0, 7 * 86400, Totals(12, 3, 0), Totals(6, 6, 0), small_count_k=2)
    assert "Reports in verified campaigns: 12 (▲ +100% vs. the week before)" in digest_text(translations("en"), wide)


async def test_an_account_only_reporters_named_never_appears_in_public_outputs(
    telegram: FakeTelegram, moderation_settings, db: Database, tmp_path: Path
) -> None:
    async with running(moderation_settings()):
        admin, alice = await _verified_campaign(telegram, db)
        for reporter in (41, 42, 43):
            await say(telegram, telegram.user(reporter), f"https://t.me/{LONELY}")
        card = await wait_for_card(telegram, db, 2)
        assert "case:v:2" not in str(card.reply_markup)  # no ⚠️ Campaign account button without evidence
        refused = seen(await say(telegram, admin, "/verify 2"))
        assert refused.startswith("Case #2 cannot be marked as a campaign account")
        assert db.value("SELECT status FROM cases WHERE id = 2") == "open"
    for format in ("json", "csv"):
        result = kuzet(["export", "--format", format], tmp_path)
        assert result.returncode == 0 and "@nur_news" in result.stdout and LONELY not in result.stdout, format
    for lang in SUPPORTED_LOCALES:
        result = kuzet(["digest", "--week", week_of(int(time.time()), UTC), "--lang", lang], tmp_path)
        assert result.returncode == 0 and "@nur_news" in result.stdout and LONELY not in result.stdout, lang
