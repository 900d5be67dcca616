"""Campaign labels in the reader's language: receipts, cards and /template label."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from bot.app import running
from bot.database_url import DatabaseUrl
from bot.resources import data_dir
from bot.sandbox import FakeTelegram
from bot.service.matching import TemplateRecord, import_templates, load_starter_pack
from bot.store import Store
from bot.store.db import open_database
from tests.databases import Database
from tests.moderation_helpers import ADMIN_ID, say, seen, snapshot, wait_for_card

CARES_EN = "The President cares and always thinks about the people."
CARES_RU = "Президент заботится и всегда думает о народе."
"""Texts of the starter family nurbot-cares (bot/data/starter_templates.jsonl)."""
CARES_LABELS = {
    "en": "Nurbots 2017: the President cares and always thinks about the people",
    "ru": "Нурботы 2017: Президент заботится о народе и всегда думает о нём",
    "kk": "Нұрботтар 2017: Президент халыққа қамқор, әрдайым халықты ойлайды",
}
LEADER = "Our {glorious|great} leader thinks about every family {*}"
LONE = "Вертолёты привезли гуманитарную помощь в каждый район области за одну ночь"
PAIR = "Новый мост через реку построили за три месяца вместо обещанных трёх лет"


async def test_a_citizen_reads_a_starter_campaigns_label_in_their_own_language(
    telegram: FakeTelegram, settings
) -> None:
    ru, kk = telegram.user(401, language_code="ru"), telegram.user(402, language_code="kk")
    async with running(settings):
        receipts = {"ru": seen(await say(telegram, ru, CARES_EN)), "kk": seen(await say(telegram, kk, CARES_RU))}
    for code, receipt in receipts.items():
        assert f"«{CARES_LABELS[code]}»" in receipt, code
        assert [other for other, label in CARES_LABELS.items() if other != code and label in receipt] == [], code


@pytest.fixture
async def imported(settings) -> None:
    """A family labelled only in English, and one labelled in English and in Russian, its first template's
    language."""
    store = await Store.open(settings.database)
    records = [
        TemplateRecord(LONE, id="lone", lang="ru", family="lone", labels={"en": "Helicopters overnight"}),
        TemplateRecord(PAIR, id="pair", lang="ru", family="pair", labels={"en": "The bridge", "ru": "Мост"}),
    ]
    await import_templates(store, records, "test", 0)
    await store.close()


async def test_a_reader_without_a_label_in_their_language_sees_the_original_language_else_any(
    telegram: FakeTelegram, settings, imported: None
) -> None:
    ar, en = telegram.user(403, language_code="ar"), telegram.user(404, language_code="en")
    async with running(settings):
        lone = seen(await say(telegram, ar, LONE))
        pair = {"ar": seen(await say(telegram, ar, PAIR)), "en": seen(await say(telegram, en, PAIR))}
    assert "«Helicopters overnight»" in lone
    assert "«Мост»" in pair["ar"] and "The bridge" not in pair["ar"]
    assert "“The bridge”" in pair["en"]


async def test_template_label_names_the_campaign_in_the_next_receipt_and_card_and_is_audited(
    telegram: FakeTelegram, team, db: Database
) -> None:
    alice, ru, zh = team.alice, telegram.user(1, language_code="ru"), telegram.user(2, language_code="zh-hant")
    await say(telegram, alice, f"/template add {LEADER}")
    template_id = db.value("SELECT MAX(id) FROM templates")
    assert f"«{LEADER[:20]}" in seen(await say(telegram, ru, "Our great leader thinks about every family here"))
    assert "📌 Template #" in seen(await wait_for_card(telegram, db, 1))

    answer = await say(telegram, alice, f"/template label {template_id} ru  Великий вождь,\n2026 ")
    assert seen(answer) == f"🏷 Template #{template_id}: its campaign is labelled “Великий вождь, 2026” in Russian."
    await say(telegram, alice, f"/template label {template_id} EN Great leader")
    await say(telegram, alice, f"/template label {template_id} zh_Hant 偉大領袖")
    assert "«Великий вождь, 2026»" in seen(await say(telegram, ru, "Our glorious leader thinks about every family"))
    assert "「偉大領袖」" in seen(await say(telegram, zh, "Our great leader thinks about every family in Taipei"))
    assert f"📌 Template #{template_id} Great leader" in seen(await wait_for_card(telegram, db, 1))

    listing = seen(await say(telegram, alice, f"/template label {template_id}"))
    for line in ("English: “Great leader”", "Russian: “Великий вождь, 2026”", "Chinese: “偉大領袖”", "Kazakh: —"):
        assert line in listing
    assert "Readers of the other languages see “Great leader”." in listing
    assert "“Great leader”" in seen(await say(telegram, alice, "/template list"))

    rows = db.rows(
        "SELECT actor_id, subject, before_value, after_value FROM audit_log WHERE action = 'template.label' ORDER BY id"
    )
    assert [(r["actor_id"], r["subject"]) for r in rows] == [(alice["id"], str(template_id))] * 3
    assert [json.loads(r["after_value"])["language"] for r in rows] == ["ru", "en", "zh"]
    assert json.loads(rows[0]["after_value"])["label"] == "Великий вождь, 2026" and rows[0]["before_value"] is None
    audit = seen(await say(telegram, telegram.user(ADMIN_ID), "/audit 3"))
    assert "labelled a template's campaign" in audit and "language: Russian" in audit


async def test_template_label_answers_bad_input_and_changes_nothing(telegram: FakeTelegram, team, db: Database) -> None:
    alice = team.alice
    await say(telegram, alice, f"/template add {LEADER}")
    template_id = db.value("SELECT MAX(id) FROM templates")
    before = snapshot(db)
    answers = {
        "/template label 999 ru Вождь": "There is no template #999.",
        f"/template label {template_id} de Führer": "de is not one of the bot's languages: use en, ru, kk, ar, zh.",
        f"/template label {template_id} ru": "The label is empty.",
        f"/template label {template_id} ru \u200b\u2068 ": "The label is empty.",
        f"/template label {template_id} ru {'в' * 121}": (
            "This label is too long: at most 120 characters, a short name of the campaign."
        ),
    }
    for command, expected in answers.items():
        assert seen(await say(telegram, alice, command)).startswith(expected), command
    stranger = telegram.user(666)
    assert seen(await say(telegram, stranger, f"/template label {template_id} ru Вождь")) == (
        "Only moderators can do this."
    )
    assert seen(await say(telegram, alice, "/template label twelve")).startswith("Usage: /template add")
    assert snapshot(db) == before
    assert seen(await say(telegram, alice, f"/template label {template_id} ru {'в' * 120}")).startswith("🏷")


@pytest.mark.empty_database
async def test_labels_given_before_they_had_languages_are_kept_and_starter_families_get_all_five(
    tmp_path: Path, database_url: str
) -> None:
    """A bank filled before migration 0013: the starter pack (one English label on every row) and a family whose
    second template carried the label; after the upgrade each is in its family's first language."""
    before = tmp_path / "migrations"
    shutil.copytree(data_dir("migrations"), before)
    for later in before.glob("**/001[3-9]_*.sql"):
        later.unlink()
    db = await open_database(DatabaseUrl.parse(database_url))
    await db.migrate(before)
    async with db.transaction() as tx:
        rows = [
            (1, CARES_EN, "en", CARES_LABELS["en"], "nurbot-cares", "starter-pack"),
            (2, CARES_RU, "ru", CARES_LABELS["en"], "nurbot-cares", "starter-pack"),
            (3, PAIR, "ru", None, "pair", "cli"),
            (4, PAIR + "!", "en", "The bridge", "pair", "cli"),
            (5, LONE, "ru", "Вертолёты", None, "cli"),
        ]
        for row in rows:
            await tx.execute(
                "INSERT INTO templates (id, text, language, label, family, created_by, created_at) "
                "VALUES (?, ?, ?, ?, ?, ?, 0)",
                row,
            )
        await tx.execute("INSERT INTO kuzet_meta (name, value) VALUES ('starter_pack', '0')")
    await db.close()

    store = await Store.open(DatabaseUrl.parse(database_url))
    assert await load_starter_pack(store, 1) == 0
    async with store.reading() as tx:
        labels = await tx.template_labels.all()
        cares = await tx.template_labels.of(await tx.templates.get(2))
    await store.close()
    assert labels["pair"] == {"ru": "The bridge"} and labels["#5"] == {"ru": "Вертолёты"}
    assert {code: labels["nurbot-cares"][code] for code in CARES_LABELS} == CARES_LABELS
    assert sorted(labels["nurbot-cares"]) == ["ar", "en", "kk", "ru", "zh"] and "nurbot-salary" not in labels
    assert cares.original == "en" and cares.for_reader("zh_Hant").startswith("努爾網軍 2017")
