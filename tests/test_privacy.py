"""What Kuzet keeps about a person, for how long, and that /forgetme leaves nothing that points back to them."""

from __future__ import annotations

import asyncio
import time

import pytest

from bot.app import running
from bot.core.periods import DAY, HOUR, WEEK
from bot.handlers.deps import Runtime
from bot.handlers.retention import apply_retention_job
from bot.pseudonyms import Pseudonymizer, load_reporter_key
from bot.sandbox import FakeTelegram, press, say, seen
from tests.databases import Database
from tests.moderation_helpers import ADMIN_ID, GROUP, appoint, card_of, wait_for_card

CAMPAIGN = "I made a choice for the new Kazakhstan, our family gives four votes for Tokayev"


def files_of(db: Database) -> bytes:
    """The bytes of the SQLite database and its WAL: what a copy of the running bot's files would hold.
    (PostgreSQL's files are the server's; it has no secure delete, see the README.)"""
    path = db.path
    return b"".join(p.read_bytes() for p in (path, path.with_name(path.name + "-wal")) if p.exists())


async def forget(telegram: FakeTelegram, citizen: dict) -> None:
    prompt = await say(telegram, citizen, "/forgetme")
    await press(telegram, citizen, prompt, prompt.button("🗑"))


@pytest.fixture
def settings(moderation_settings):
    return moderation_settings()


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

        await forget(telegram, citizen)

    after = db.dump()
    for trace in (str(citizen["id"]), pseudonym, "dana_watch", "Dana", *message_keys):
        assert trace not in after, trace
    assert db.value("SELECT COUNT(*) FROM reports") == 3  # the evidence stays, anonymous
    assert db.value("SELECT COUNT(*) FROM reports WHERE reporter IS NULL") == 2
    assert db.value("SELECT COUNT(*) FROM case_reports") == 3


async def test_retention_purges_rejected_and_quiet_reports_and_unlinks_verified_ones(
    telegram: FakeTelegram, moderation_settings, db: Database
) -> None:
    settings = moderation_settings(RETENTION_DAYS="30")
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
        receipts = {
            name: await say(telegram, telegram.user(300 + n, language_code="en"), text)
            for n, (name, text) in enumerate(texts.items())
        }
        await press(telegram, telegram.user(302), receipts["quiet"], receipts["quiet"].button("🔔"))
        card = await wait_for_card(telegram, db, 1)
        await press(telegram, alice, card, "case:v:1")
        await press(telegram, admin, card, "case:v:1")
        card = await wait_for_card(telegram, db, 2)
        await press(telegram, admin, card, "case:x:2")
        await press(telegram, admin, card_of(telegram, db, 2), "case:r:2:genuine")
        assert db.value("SELECT COUNT(*) FROM follow_ups") == 1

        keys = Pseudonymizer(load_reporter_key(settings))
        rejected_keys = [keys.message(301, m) for m in range(1, 10)]
        on_sqlite = db.url.engine == "sqlite"
        assert not on_sqlite or any(key.encode() in files_of(db) for key in rejected_keys)

        with db.connect() as conn:  # updates the bot gave up on, one from long ago and one from the same day
            conn.execute(
                "INSERT INTO skipped_updates (update_id, kind, error, skipped_at) VALUES (1, 'message', 'old', ?), "
                "(2, 'message', 'recent', ?)",
                (int(time.time()), int(time.time()) + 31 * DAY),
            )
        Runtime.of_application(application).clock = lambda: int(time.time()) + 31 * DAY
        await say(telegram, telegram.user(310, language_code="en"), texts["active"] + "!!")  # the case lives on
        application.job_queue.run_once(apply_retention_job, 0)
        for _ in range(100):
            if db.value("SELECT reporter FROM reports WHERE id = 1") is None:
                break
            await asyncio.sleep(0.05)
        privacy = await say(telegram, telegram.user(300), "/privacy")
        assert not on_sqlite or not [key for key in rejected_keys if key.encode() in files_of(db)]  # nor in the WAL

    rows = {
        r["id"]: (r["text"], r["reporter"] is not None, r["dedupe_key"] is not None)
        for r in db.rows("SELECT id, text, reporter, dedupe_key FROM reports")
    }
    assert rows[1] == (texts["verified"], False, False)  # evidence kept, no longer anyone's
    assert rows[2] == (None, False, False)  # rejected
    assert rows[3] == (None, False, False)  # undecided and quiet for 30 days
    assert rows[4] == (texts["active"], True, True)  # its case still gets reports
    assert rows[5][1:] == (True, True)
    assert db.value("SELECT COUNT(*) FROM follow_ups") == 0
    assert db.value("SELECT COUNT(*) FROM case_reports") == 5  # the cases keep their counts
    assert [r[0] for r in db.rows("SELECT id FROM reports WHERE rate_key IS NOT NULL")] == [5]  # within the hour
    assert [r[0] for r in db.rows("SELECT error FROM skipped_updates")] == ["recent"]
    assert "30 days after it was sent" in seen(privacy)


async def test_forgetme_leaves_no_trace_in_any_table_nor_in_the_files_of_the_running_database(
    telegram: FakeTelegram, settings, db: Database
) -> None:
    telegram.add_group(GROUP, "Kuzet moderators")
    admin = telegram.user(ADMIN_ID, language_code="en")
    citizen = telegram.user(
        5550002093, first_name="Zhuldyz", last_name="Omarova", username="zhuldyz_watch", language_code="en"
    )
    async with running(settings) as application:
        telegram.forward(citizen, telegram.origin_user(citizen), text=CAMPAIGN)  # a post of their own
        await telegram.wait_for_messages(citizen["id"])
        await say(telegram, citizen, "/subscribe")
        Runtime.of_application(application).clock = lambda: int(time.time()) + WEEK
        await say(telegram, admin, "/publish")
        await telegram.wait_for_messages(citizen["id"], 3)
        await telegram.wait_until_idle()
        assert db.value("SELECT state FROM deliveries") == "sent"
        keys = Pseudonymizer(load_reporter_key(settings))
        traces = [
            str(citizen["id"]),
            keys.reporter(citizen["id"]),
            "zhuldyz_watch",
            "Zhuldyz",
            "Omarova",
            *(keys.message(citizen["id"], m) for m in range(1, 10)),
        ]
        on_sqlite = db.url.engine == "sqlite"
        before = db.dump() + (files_of(db).decode("latin-1") if on_sqlite else "")
        assert all(trace in before for trace in traces[:5])  # what there was to forget

        await forget(telegram, citizen)
        running_files = files_of(db) if on_sqlite else b""

    after = db.dump()
    for trace in traces:
        assert trace.encode() not in running_files, trace
        assert trace not in after, trace
    assert [tuple(r) for r in db.rows("SELECT identity, handle, external_id, display_name FROM accounts")] == [
        ("forgotten:1", None, None, None)
    ]
    assert db.value("SELECT COUNT(*) FROM report_targets WHERE account_id = 1") == 1  # the report still names it


async def test_a_reported_account_cannot_erase_itself_from_others_reports_with_forgetme(
    telegram: FakeTelegram, settings, db: Database
) -> None:
    troll = telegram.user(5550002094, first_name="Nurbot", username="nurbot_2017", language_code="en")
    async with running(settings):
        for reporter in (telegram.user(220, language_code="en"), troll):
            telegram.forward(reporter, telegram.origin_user(troll), text=CAMPAIGN)
            await telegram.wait_for_messages(reporter["id"])
        await forget(telegram, troll)
    assert [tuple(r) for r in db.rows("SELECT identity, external_id FROM accounts")] == [
        ("@nurbot_2017", str(troll["id"]))
    ]
    assert db.value("SELECT COUNT(*) FROM reports WHERE reporter IS NULL") == 1


async def test_forgetme_does_not_reset_the_hourly_limit_and_the_key_it_counts_by_lasts_an_hour(
    telegram: FakeTelegram, make_settings, db: Database
) -> None:
    settings = make_settings(REPORTS_PER_HOUR="2")
    citizen = telegram.user(230, language_code="en")
    async with running(settings) as application:
        for n in range(2):
            await say(telegram, citizen, f"Campaign comment number {n} for the new Kazakhstan")
        await forget(telegram, citizen)
        refusal = await say(telegram, citizen, "Campaign comment number 2 for the new Kazakhstan")
        assert seen(refusal).startswith("You have reached the limit of 2 reports per hour")
        assert db.value("SELECT COUNT(*) FROM reports") == 2

        Runtime.of_application(application).clock = lambda: int(time.time()) + HOUR + 1
        application.job_queue.run_once(apply_retention_job, 0)
        await telegram.wait_until(lambda: db.value("SELECT COUNT(rate_key) FROM reports") == 0, what="keys cleared")
        receipt = await say(telegram, citizen, "Campaign comment number 3 for the new Kazakhstan")
        assert "Report #\u20683\u2069 received" in receipt.plain
