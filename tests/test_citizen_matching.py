"""Receipts say what a report matched: a known campaign, a group of similar reports, or nothing yet."""

from __future__ import annotations

import pytest

from bot.app import running
from bot.sandbox import FakeTelegram
from bot.service.matching import TemplateRecord, import_templates
from bot.store import Store
from tests.helpers import plain

CARES = "The President always cares and thinks about the people"
WAVE = "Foreign agents spread lies about our elections, do not believe the opposition channels"


@pytest.fixture
async def with_template(settings) -> int:
    store = await Store.open(settings.database)
    [template] = await import_templates(store, [TemplateRecord(CARES, label="Nurbots: the President cares")], "test", 0)
    await store.close()
    return template.id


async def _receipt(telegram: FakeTelegram, user: dict, text: str) -> str:
    before = len(telegram.sent(user["id"]))
    telegram.send_text(user, text)
    return (await telegram.wait_for_messages(user["id"], before + 1))[-1].plain


def _line(t, singular: str, plural: str, count: int, **values: str) -> str:
    return plain(t.ngettext(singular, plural, count).format(count=t.number(count), **values))


async def test_a_report_matching_a_template_names_the_campaign_in_the_readers_quotes(
    telegram: FakeTelegram, settings, translations, with_template: int, db
) -> None:
    ru, ar = telegram.user(401, language_code="ru"), telegram.user(402, language_code="ar")
    async with running(settings):
        first = await _receipt(telegram, ru, "Согласен! " + CARES.replace("a", "а") + " 👍🇰🇿")
        second = await _receipt(telegram, ar, "THE PRESIDENT always thinks and cares about the people!!!")
    label = "\u2068Nurbots: the President cares\u2069"
    for code, receipt in (("ru", first), ("ar", second)):
        t = translations(code)
        assert plain(t.gettext("🔁 Matches the known campaign {label}.").format(label=t.quote(label))) in receipt
    assert "«" in first and "«" in second
    rows = db.rows("SELECT template_id, cluster_id, language FROM reports ORDER BY id")
    assert [r["template_id"] for r in rows] == [with_template, with_template]
    assert rows[0]["cluster_id"] == rows[1]["cluster_id"] is not None


async def test_similar_reports_from_different_people_form_a_cluster(
    telegram: FakeTelegram, settings, translations, db
) -> None:
    kk, en = telegram.user(403, language_code="kk"), telegram.user(404, language_code="en")
    async with running(settings):
        first = await _receipt(telegram, kk, WAVE)
        second = await _receipt(telegram, en, WAVE.upper() + " #elections @news_kz")
    assert (
        plain(
            translations("kk").gettext(
                "🆕 Nobody has reported this text before: copies that come later will be grouped with it."
            )
        )
        in first
    )
    assert (
        plain(translations("en").gettext("👥 Similar to earlier reports: moderators will review them together."))
        in second
    )
    assert db.value("SELECT COUNT(DISTINCT cluster_id) FROM reports") == 1
    assert db.value("SELECT COUNT(DISTINCT reporter) FROM reports") == 2


async def test_the_cluster_index_survives_a_restart(telegram: FakeTelegram, settings, db) -> None:
    a, b = telegram.user(405), telegram.user(406)
    async with running(settings):
        await _receipt(telegram, a, WAVE)
    async with running(settings):
        await _receipt(
            telegram, b, "Foreign agents spread lies about our elections. Do not believe opposition channels!"
        )
    assert db.value("SELECT COUNT(DISTINCT cluster_id) FROM reports") == 1


async def test_a_generic_text_from_the_negative_bank_is_not_a_campaign(
    telegram: FakeTelegram, settings, translations, db
) -> None:
    generic = "Congratulations to everyone on the holiday, all the best to your families!"
    store = await Store.open(settings.database)
    async with store.transaction() as tx:
        await tx.negatives.add(generic, language="en", created_by="test", now=0)
    await store.close()
    citizen = telegram.user(409)
    async with running(settings):
        receipt = await _receipt(telegram, citizen, generic + " 🎉")
    assert plain(translations("en").gettext("This text is too common to point to a campaign on its own.")) in receipt
    assert db.value("SELECT cluster_id FROM reports") is None


async def test_a_citizen_who_quotes_a_campaign_line_in_their_own_words_is_told_its_campaign(
    telegram: FakeTelegram, settings, translations, with_template: int, db
) -> None:
    citizen = telegram.user(410, language_code="ru")
    async with running(settings):
        receipt = await _receipt(telegram, citizen, f"Под каждым постом Акорды одно и то же: «{CARES}». Это боты?")
    t = translations("ru")
    label = t.quote("\u2068Nurbots: the President cares\u2069")
    assert plain(t.gettext("🔁 Matches the known campaign {label}.").format(label=label)) in receipt
    [row] = db.rows("SELECT template_id, by_quotation FROM reports")
    assert (row["template_id"], row["by_quotation"]) == (with_template, 1)


async def test_a_new_line_a_citizen_quotes_starts_a_cluster_without_the_citizens_own_words(
    telegram: FakeTelegram, settings, translations, db
) -> None:
    first, second = telegram.user(411), telegram.user(412)
    own_words = "Under every post of the akimat in Aktobe I see this: “{}” My neighbour Asel says they are bots."
    async with running(settings):
        await _receipt(telegram, first, own_words.format(WAVE))
        later = await _receipt(telegram, second, WAVE + "!")
    assert db.value("SELECT representative FROM clusters") == WAVE
    assert db.value("SELECT COUNT(DISTINCT cluster_id) FROM reports") == 1
    assert (
        plain(translations("en").gettext("👥 Similar to earlier reports: moderators will review them together."))
        in later
    )


async def test_a_forwarded_post_that_quotes_a_campaign_line_to_mock_it_is_not_the_campaign(
    telegram: FakeTelegram, settings, translations, with_template: int, db
) -> None:
    citizen = telegram.user(413)
    critic = telegram.origin_channel(telegram.channel(-1001234567001, "Critic", username="critic_kz"), 5)
    mocking = f"Every morning the same bots tell us «{CARES}». Pensions say otherwise."
    before = len(telegram.sent(citizen["id"]))
    async with running(settings):
        telegram.forward(citizen, critic, text=mocking)
        receipt = (await telegram.wait_for_messages(citizen["id"], before + 1))[-1].plain
    t = translations("en")
    assert plain(t.gettext("🔁 Matches the known campaign {label}.").split("{")[0]) not in receipt
    [row] = db.rows("SELECT template_id, by_quotation FROM reports")
    assert (row["template_id"], row["by_quotation"]) == (None, 0)
