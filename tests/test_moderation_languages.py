"""The moderators' side in every language: Telegram accepts every text, and a restart posts missing cards."""

from __future__ import annotations

import pytest

from bot.app import running
from bot.i18n import SUPPORTED_LOCALES
from bot.sandbox import FakeTelegram
from tests.databases import Database
from tests.moderation_helpers import ADMIN_ID, GROUP, appoint, press, reply, say, wait_for_card

pytestmark = pytest.mark.no_database("what it checks is that Telegram accepts each text, whatever the engine")

TEXT = "Thank you to our akim, the new hospital in Taraz was built in record time for the people"


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
async def test_every_moderator_text_is_accepted_by_telegram_in_every_language(
    telegram: FakeTelegram, moderation_settings, db: Database, locale: str
) -> None:
    telegram.add_group(GROUP, "Kuzet moderators")
    language = {"zh_Hant": "zh-hant"}.get(locale, locale)
    admin = telegram.user(ADMIN_ID, first_name="<Admin & co>", language_code=language)
    alice = telegram.user(901, first_name="Алия", language_code=language)
    async with running(moderation_settings(MODERATOR_LOCALE=locale, CARD_REFRESH_SECONDS="60")):
        await appoint(telegram, admin, alice)
        citizen = telegram.user(1, language_code=language)
        receipt = await say(telegram, citizen, TEXT)
        await press(telegram, citizen, receipt, receipt.button("🔔"))
        for n in range(2, 25):
            telegram.send_text(telegram.user(n, language_code=language), "https://x.com/critic_voice")
        await telegram.wait_until_idle()
        card = await wait_for_card(telegram, db, 1)
        await press(telegram, alice, card, "case:d:1")
        await press(telegram, alice, card, "case:t:1")
        await reply(telegram, alice, telegram.sent(GROUP)[-1], TEXT + " {*}")
        await press(telegram, alice, card, "case:x:1")
        for command in (
            "/help",
            "/queue",
            "/stats",
            "/template list",
            "/case 2",
            "/template",
            "/verify 99",
            "/mod list",
            "/audit",
        ):
            await say(telegram, admin, command)
        await say(telegram, admin, "/help", chat={"id": GROUP, "type": "supergroup", "title": "Kuzet moderators"})
        await press(telegram, admin, card, "case:r:1:not_enough")
        await say(telegram, admin, "/reopen 1")
        assert telegram.refused() == []


async def test_a_restart_posts_the_cards_of_open_cases_that_have_none(
    telegram: FakeTelegram, make_settings, moderation_settings, db: Database
) -> None:
    async with running(make_settings()):
        await say(telegram, telegram.user(1), TEXT)
    assert db.value("SELECT card_message_id FROM cases WHERE id = 1") is None
    telegram.add_group(GROUP, "Kuzet moderators")
    async with running(moderation_settings()):
        card = await wait_for_card(telegram, db, 1)
        assert TEXT in card.plain
