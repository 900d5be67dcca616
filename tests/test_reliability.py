"""Nothing lost, nothing doubled: re-delivered updates, restarts, and Bot API faults."""

from __future__ import annotations

import logging

import pytest

from bot.app import running
from bot.sandbox import FakeTelegram, Faults, press, say
from tests.databases import Database
from tests.helpers import receipted_reports, receipted_reports_in
from tests.moderation_helpers import GROUP

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
    with db.connect() as conn:  # as if the bot had stopped between storing report 2 and queueing its receipt
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


async def test_a_bot_api_unreachable_at_start_is_tried_again_then_reported_in_one_line_each(
    make_settings, caplog
) -> None:
    import socket

    from telegram.error import NetworkError

    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{probe.getsockname()[1]}/bot"
    caplog.set_level(logging.WARNING)
    with pytest.raises(NetworkError):
        async with running(make_settings(BOT_API_URL=dead), bootstrap_retries=2):
            pass
    [warning] = [r for r in caplog.records if r.name == "bot.app"]
    assert warning.getMessage().startswith("cannot reach the Bot API (try 1 of 2:") and warning.exc_info is None


async def test_under_bot_api_faults_every_receipt_and_card_arrives_exactly_once_and_the_bot_keeps_running(
    telegram: FakeTelegram, moderation_settings, db: Database
) -> None:
    telegram.add_group(GROUP, "Kuzet moderators")
    citizens = [telegram.user(500 + n, language_code="en") for n in range(8)]
    async with running(moderation_settings()):
        # Faults are drawn in a fixed order whatever the calls: with seed 2 the first four are the four kinds,
        # so every kind happens however few calls the bot makes (fewer card edits since cards are coalesced).
        telegram.faults = Faults(
            0.3, seed=2, stall_seconds=7.0, methods=frozenset({"getupdates", "sendmessage", "editmessagetext"})
        )
        for round_ in range(3):
            for n, citizen in enumerate(citizens):
                line = CAMPAIGN if n % 2 else f"Citizen {n} saw post {round_}: district {n} roads are praised daily"
                telegram.send_text(citizen, f"{line} {round_}")
        await telegram.wait_until(
            lambda: all(len(receipted_reports(telegram, c["id"])) >= 3 for c in citizens),
            timeout=120,
            what="a receipt for every report",
        )
        telegram.faults.rate = 0.0
        await telegram.wait_until_idle(timeout=30)
        assert set(telegram.faults.counts) == {"429", "500", "drop", "timeout"}, telegram.faults.counts
        status = await say(telegram, citizens[0], "/status")
        assert "#" in status.plain  # still running and answering

    reports_of_chat = {}
    for citizen in citizens:
        reporter_reports = receipted_reports(telegram, citizen["id"])
        assert len(reporter_reports) == len(set(reporter_reports)) == 3, reporter_reports
        reports_of_chat[citizen["id"]] = reporter_reports
    assert sorted(n for ids in reports_of_chat.values() for n in ids) == list(range(1, 25))
    assert db.value("SELECT COUNT(*) FROM reports") == 24
    assert db.value("SELECT COUNT(*) FROM receipt_outbox") == 0
    cases = [row[0] for row in db.rows("SELECT card_message_id FROM cases ORDER BY id")]
    assert cases and None not in cases
    cards = [m.message_id for m in telegram.sent(GROUP)]
    assert sorted(cards) == sorted(cases)  # one card per case: none lost, none doubled


async def test_reports_sent_faster_than_the_bot_may_answer_share_one_receipt_with_a_button_each(
    telegram: FakeTelegram, settings, db: Database
) -> None:
    citizen = telegram.user(121, language_code="en")
    async with running(settings):
        for n in range(12):
            telegram.send_text(citizen, f"{CAMPAIGN} {n}")
        await telegram.wait_until(
            lambda: len(receipted_reports(telegram, citizen["id"])) == 12, what="receipts for all 12 reports"
        )
        messages = telegram.sent(citizen["id"])
        together = next(m for m in messages if len(receipted_reports_in(m)) > 1)
        numbers = receipted_reports_in(together)
        assert together.plain.startswith(f"📬 You sent {len(numbers)} reports in quick succession")
        assert together.reply_to["text"] == f"{CAMPAIGN} {numbers[-1] - 1}"  # it answers the newest of them
        assert [data for _, data in together.buttons] == [f"follow:{n}" for n in numbers]
        await press(telegram, citizen, together, f"follow:{numbers[0]}")
        assert [data for _, data in together.buttons] == [f"follow:{n}" for n in numbers[1:]]
    assert sorted(receipted_reports(telegram, citizen["id"])) == list(range(1, 13))
    assert len(messages) < 12 and all(m.sent_at - p.sent_at >= 1 for p, m in zip(messages, messages[1:], strict=False))


async def test_receipts_sent_together_never_exceed_telegrams_message_length(telegram: FakeTelegram, settings) -> None:
    citizen = telegram.user(122, language_code="en")
    links = " ".join(f"https://x.com/bot_acct_{n:02d}" for n in range(12))
    async with running(settings):
        await say(telegram, citizen, links)  # from now on each receipt warns of 12 known accounts
        for n in range(10):
            telegram.send_text(citizen, f"{links} https://x.com/other_acct_{n}")
        await telegram.wait_until(
            lambda: len(receipted_reports(telegram, citizen["id"])) == 11, what="receipts for all 11 reports"
        )
    messages = telegram.sent(citizen["id"])[1:]
    assert telegram.refused() == []
    assert max(len(m.plain) for m in messages) <= 4096
    assert any(len(receipted_reports_in(m)) > 1 for m in messages)
    assert sum(len(m.plain) for m in messages) > 4096  # all ten would not have fitted in one
