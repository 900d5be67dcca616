"""What Kuzet keeps about a person, for how long, and that /forgetme leaves nothing that points back to them."""

from __future__ import annotations

import asyncio
import time

import pytest

from bot.core.periods import DAY
from bot.handlers.deps import Deps
from bot.handlers.retention import apply_retention_job
from bot.pseudonyms import Pseudonymizer, load_reporter_key
from bot.sandbox import FakeTelegram, press, say, seen
from tests.conftest import Database, running
from tests.moderation_helpers import ADMIN_ID, GROUP, MODERATION_SETTINGS, appoint, card_of, wait_for_card


CAMPAIGN = "I made a choice for the new Kazakhstan, our family gives four votes for Tokayev"


@pytest.fixture
def settings(make_settings):
    return make_settings(**MODERATION_SETTINGS)


async def test_forgetme_leaves_neither_the_id_nor_the_pseudonym_anywhere_in_the_database(
    telegram: FakeTelegram, settings, db: Database
) -> None:
    telegram.add_group(GROUP, "Kuzet moderators")
    citizen = telegram.user(5550002091, first_name="Dana", username="dana_watch", language_code="ru")
    other = telegram.user(210, language_code="en")
    async with running(settings):
        receipt = await say(telegram, citizen, CAMPAIGN)
        await press(telegram, citizen, receipt, receipt.button("🔔"))
        await say(telegram, citizen, "https://t.me/nurbot_kz")
        await say(telegram, citizen, "/subscribe")
        menu = await say(telegram, citizen, "/language")
        await press(telegram, citizen, menu, menu.button("Қазақша"))
        await say(telegram, other, CAMPAIGN + "!")
        await wait_for_card(telegram, db, 1)
        keys = Pseudonymizer(load_reporter_key(settings))
        pseudonym = keys.reporter(citizen["id"])
        message_keys = [keys.message(citizen["id"], m) for m in range(1, 10)]
        before = db.dump()
        assert pseudonym in before and str(citizen["id"]) in before  # what there was to forget

        prompt = await say(telegram, citizen, "/forgetme")
        await press(telegram, citizen, prompt, prompt.button("🗑"))

    after = db.dump()
    for trace in (str(citizen["id"]), pseudonym, "dana_watch", "Dana", *message_keys):
        assert trace not in after, trace
    assert db.value("SELECT COUNT(*) FROM reports") == 3  # the evidence stays, anonymous
    assert db.value("SELECT COUNT(*) FROM reports WHERE reporter IS NULL") == 2
    assert db.value("SELECT COUNT(*) FROM case_reports") == 3


async def test_retention_purges_rejected_and_quiet_reports_and_unlinks_verified_ones(
    telegram: FakeTelegram, make_settings, db: Database
) -> None:
    settings = make_settings(**MODERATION_SETTINGS, RETENTION_DAYS="30")
    telegram.add_group(GROUP, "Kuzet moderators")
    admin, alice = telegram.user(ADMIN_ID, language_code="en"), telegram.user(901, language_code="en")
    texts = {
        "verified": CAMPAIGN,
        "rejected": "Foreign agents spread lies about our elections, do not believe the opposition channels",
        "quiet": "The new bridge in Almaty was built in record time thanks to the wise leadership of the akim",
        "active": "Pensions will rise again next year, the government keeps every promise it makes to the people",
    }
    async with running(settings) as application:
        await appoint(telegram, admin, alice)
        receipts = {name: await say(telegram, telegram.user(300 + n, language_code="en"), text)
                    for n, (name, text) in enumerate(texts.items())}
        await press(telegram, telegram.user(302), receipts["quiet"], receipts["quiet"].button("🔔"))
        card = await wait_for_card(telegram, db, 1)
        await press(telegram, alice, card, "case:v:1")
        await press(telegram, admin, card, "case:v:1")
        card = await wait_for_card(telegram, db, 2)
        await press(telegram, admin, card, "case:x:2")
        await press(telegram, admin, card_of(telegram, db, 2), "case:r:2:genuine")
        assert db.value("SELECT COUNT(*) FROM follow_ups") == 1

        Deps.of_application(application).clock = lambda: int(time.time()) + 31 * DAY
        await say(telegram, telegram.user(310, language_code="en"), texts["active"] + "!!")  # the case lives on
        application.job_queue.run_once(apply_retention_job, 0)
        for _ in range(100):
            if db.value("SELECT reporter FROM reports WHERE id = 1") is None:
                break
            await asyncio.sleep(0.05)
        privacy = await say(telegram, telegram.user(300), "/privacy")

    rows = {r["id"]: (r["text"], r["reporter"] is not None, r["dedupe_key"] is not None)
            for r in db.rows("SELECT id, text, reporter, dedupe_key FROM reports")}
    assert rows[1] == (texts["verified"], False, False)  # evidence kept, no longer anyone's
    assert rows[2] == (None, False, False)  # rejected
    assert rows[3] == (None, False, False)  # undecided and quiet for 30 days
    assert rows[4] == (texts["active"], True, True)  # its case still gets reports
    assert rows[5][1:] == (True, True)
    assert db.value("SELECT COUNT(*) FROM follow_ups") == 0
    assert db.value("SELECT COUNT(*) FROM case_reports") == 5  # the cases keep their counts
    assert "30 days after it was sent" in seen(privacy)
