"""SIGKILL in the middle of a burst: after a restart on the same database nothing is lost and nothing doubled."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.database_url import DatabaseUrl
from bot.sandbox import FakeTelegram
from bot.service.receipts import RECEIPTS_PER_MESSAGE
from bot.telegram.receipts import SENDS_IN_FLIGHT
from tests.databases import Database
from tests.helpers import receipted_reports

USERS = 50
PER_USER = 20


@pytest.fixture
async def started() -> AsyncIterator[list[asyncio.subprocess.Process]]:
    """The bot processes a test starts; any still running when it ends is killed."""
    processes: list[asyncio.subprocess.Process] = []
    yield processes
    for process in processes:
        if process.returncode is None:
            process.kill()
            await process.wait()


async def _kuzet_run(telegram: FakeTelegram, db: Database, folder: Path, started: list) -> asyncio.subprocess.Process:
    env = {k: v for k, v in os.environ.items() if k != "REPORTER_KEY"}
    env.update(
        BOT_TOKEN=telegram.token,
        BOT_API_URL=telegram.base_url,
        DATABASE_URL=db.url.dsn,
        DATA_DIR=str(folder),
        REPORTS_PER_HOUR=str(PER_USER),
        LOG_LEVEL="WARNING",
    )
    process = await asyncio.create_subprocess_exec(sys.executable, "-m", "bot", "run", cwd=folder, env=env)
    started.append(process)
    return process


def _text(user: int, k: int) -> str:
    campaign = "I made a choice for the new Kazakhstan, our family gives four votes for Tokayev"
    return f"{campaign} #{user}-{k}" if (user + k) % 2 else f"Citizen {user} saw post {k} praising the akim"


async def test_a_bot_killed_mid_burst_keeps_every_receipted_report_and_handles_the_rest_once_after_restart(
    telegram: FakeTelegram, tmp_path: Path, database_url: str, started: list
) -> None:
    db = Database(DatabaseUrl.parse(database_url))
    people = [telegram.user(30_000 + u, language_code="en") for u in range(USERS)]
    process = await _kuzet_run(telegram, db, tmp_path, started)
    await telegram.wait_for_call("getUpdates", timeout=60)
    sent: dict[tuple[int, int], str] = {}
    for k in range(PER_USER):
        for u, person in enumerate(people):
            message = telegram.send_text(person, _text(u, k))
            sent[person["id"], message["message_id"]] = _text(u, k)

    while db.count("SELECT COUNT(*) FROM reports") < 300 or not telegram.sent():
        await asyncio.sleep(0.05)
    process.send_signal(signal.SIGKILL)
    await process.wait()
    receipted_before_kill = {n for p in people for n in receipted_reports(telegram, p["id"])}
    replies_before_kill = [(m.chat_id, m.reply_to["message_id"]) for m in telegram.sent()]
    stored_at_kill = db.count("SELECT COUNT(*) FROM reports")
    assert 0 < len(receipted_before_kill) <= stored_at_kill < USERS * PER_USER

    process = await _kuzet_run(telegram, db, tmp_path, started)
    await telegram.wait_until(
        lambda: len({n for p in people for n in receipted_reports(telegram, p["id"])}) == USERS * PER_USER,
        timeout=240,
        what="a receipt for each of the 1,000 reports",
    )
    process.send_signal(signal.SIGTERM)
    assert await process.wait() == 0

    reports = {row[0]: row[1] for row in db.rows("SELECT id, text FROM reports")}
    resent = {row[0] for row in db.rows("SELECT id FROM reports WHERE receipt_resent = 1")}
    assert db.intact()
    assert sorted(reports.values()) == sorted(sent.values())  # every message once: none lost, none doubled
    assert receipted_before_kill <= set(reports)
    for chat_id, message_id in replies_before_kill:  # a receipt sent before the kill answers a stored report
        assert sent[chat_id, message_id] in reports.values()
    announced = [n for p in people for n in receipted_reports(telegram, p["id"])]
    doubled = {n for n in announced if announced.count(n) > 1}
    # only receipts in flight at the kill may come twice, and they are flagged
    assert doubled <= resent and len(resent) <= SENDS_IN_FLIGHT * RECEIPTS_PER_MESSAGE
    assert telegram.confirmed_update_id == telegram.last_update_id
