"""Nothing lost, nothing doubled: re-delivered updates, restarts, and Bot API faults."""

from __future__ import annotations

from bot.sandbox import FakeTelegram
from tests.conftest import Database, running

CAMPAIGN = "I made a choice for the new Kazakhstan, our family gives four votes for Tokayev"


def _reports(db: Database) -> list[tuple]:
    return [tuple(r) for r in db.rows("SELECT id, text FROM reports ORDER BY id")]


async def test_a_message_telegram_delivers_again_after_a_restart_is_one_report_with_one_receipt(
    telegram: FakeTelegram, settings, db: Database
) -> None:
    citizen = telegram.user(111, language_code="en")
    async with running(settings):
        telegram.send_text(citizen, CAMPAIGN)
        first = telegram.last_update_id
        await telegram.wait_for_messages(citizen["id"], 1)
        telegram.send_text(citizen, CAMPAIGN + " 2")
        second = telegram.last_update_id
        await telegram.wait_for_messages(citizen["id"], 2)
    with db.connect() as conn:  # as if the bot had stopped between storing report 2 and sending its receipt
        conn.execute("UPDATE reports SET receipt_sent_at = NULL WHERE id = 2")
    telegram.redeliver(first)
    telegram.redeliver(second)
    async with running(settings):
        await telegram.wait_until_idle()
        assert telegram.confirmed_update_id >= second
    answers = telegram.sent(citizen["id"])
    assert len(answers) == 3  # two receipts, and for report 2 a confirmation that it is stored
    assert "#\u20682\u2069" in answers[2].plain and "already sent this message" in answers[2].plain
    assert _reports(db) == [(1, CAMPAIGN), (2, CAMPAIGN + " 2")]
