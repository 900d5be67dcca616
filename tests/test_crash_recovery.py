"""SIGKILL in the middle of a burst: after a restart on the same database nothing is lost and nothing doubled,
whether the bot polls or Telegram posts the updates to its webhook (each answered only once handled)."""

from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.sandbox import FakeTelegram
from bot.service.receipts import RECEIPTS_PER_MESSAGE
from bot.telegram.receipts import SENDS_IN_FLIGHT
from tests.helpers import free_port, receipted_reports

WEBHOOK_SECRET = "crash-test-secret"


@pytest.fixture
async def started() -> AsyncIterator[list[asyncio.subprocess.Process]]:
    """The bot processes a test starts; any still running when it ends is killed."""
    processes: list[asyncio.subprocess.Process] = []
    yield processes
    for process in processes:
        if process.returncode is None:
            process.kill()
            await process.wait()


async def _kuzet_run(
    telegram: FakeTelegram, database: Path, started: list, per_user: int, webhook_port: int | None
) -> asyncio.subprocess.Process:
    env = {k: v for k, v in os.environ.items() if k != "REPORTER_KEY"}
    env.update(
        BOT_TOKEN=telegram.token,
        BOT_API_URL=telegram.base_url,
        DATABASE_URL=f"sqlite:///{database}",
        REPORTS_PER_HOUR=str(per_user),
        LOG_LEVEL="WARNING",
    )
    if webhook_port is not None:
        env.update(
            WEBHOOK_URL=f"http://127.0.0.1:{webhook_port}/tg/hook",
            WEBHOOK_LISTEN=f"127.0.0.1:{webhook_port}",
            WEBHOOK_SECRET=WEBHOOK_SECRET,
        )
    process = await asyncio.create_subprocess_exec(sys.executable, "-m", "bot", "run", cwd=database.parent, env=env)
    started.append(process)
    return process


def _count(database: Path, sql: str) -> int:
    try:
        with sqlite3.connect(database, timeout=5) as conn:
            return conn.execute(sql).fetchone()[0]
    except sqlite3.OperationalError:  # not created yet
        return 0


def _text(user: int, k: int) -> str:
    campaign = "I made a choice for the new Kazakhstan, our family gives four votes for Tokayev"
    return f"{campaign} #{user}-{k}" if (user + k) % 2 else f"Citizen {user} saw post {k} praising the akim"


@pytest.mark.parametrize(("mode", "users", "per_user"), [("polling", 50, 20), ("webhook", 20, 15)])
async def test_a_bot_killed_mid_burst_keeps_every_receipted_report_and_handles_the_rest_once_after_restart(
    telegram: FakeTelegram, tmp_path: Path, started: list, mode: str, users: int, per_user: int
) -> None:
    database = tmp_path / "kuzet.db"
    people = [telegram.user(30_000 + u, language_code="en") for u in range(users)]
    port = free_port() if mode == "webhook" else None
    process = await _kuzet_run(telegram, database, started, per_user, port)
    await telegram.wait_for_call("getUpdates" if port is None else "setWebhook", timeout=60)
    sent: dict[tuple[int, int], str] = {}
    for k in range(per_user):
        for u, person in enumerate(people):
            message = telegram.send_text(person, _text(u, k))
            sent[person["id"], message["message_id"]] = _text(u, k)

    while _count(database, "SELECT COUNT(*) FROM reports") < users * per_user * 0.3 or not telegram.sent():
        await asyncio.sleep(0.05)
    process.send_signal(signal.SIGKILL)
    await process.wait()
    receipted_before_kill = {n for p in people for n in receipted_reports(telegram, p["id"])}
    replies_before_kill = [(m.chat_id, m.reply_to["message_id"]) for m in telegram.sent()]
    stored_at_kill = _count(database, "SELECT COUNT(*) FROM reports")
    assert 0 < len(receipted_before_kill) <= stored_at_kill < users * per_user

    process = await _kuzet_run(telegram, database, started, per_user, port)
    await telegram.wait_until(
        lambda: len({n for p in people for n in receipted_reports(telegram, p["id"])}) == users * per_user,
        timeout=240,
        what="a receipt for each report",
    )
    process.send_signal(signal.SIGTERM)
    assert await process.wait() == 0

    with sqlite3.connect(database) as conn:
        reports = dict(conn.execute("SELECT id, text FROM reports").fetchall())
        resent = {row[0] for row in conn.execute("SELECT id FROM reports WHERE receipt_resent = 1")}
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert sorted(reports.values()) == sorted(sent.values())  # every message once: none lost, none doubled
    assert receipted_before_kill <= set(reports)
    for chat_id, message_id in replies_before_kill:  # a receipt sent before the kill answers a stored report
        assert sent[chat_id, message_id] in reports.values()
    announced = [n for p in people for n in receipted_reports(telegram, p["id"])]
    doubled = {n for n in announced if announced.count(n) > 1}
    # only receipts in flight at the kill may come twice, and they are flagged
    assert doubled <= resent and len(resent) <= SENDS_IN_FLIGHT * RECEIPTS_PER_MESSAGE
    assert telegram.confirmed_update_id == telegram.last_update_id
    if mode == "webhook":  # posts cut off by the kill were answered by the restarted bot
        assert any(d.error for d in telegram.deliveries) and not telegram.webhook_info()["pending_update_count"]
        assert not [call for call in telegram.calls if call.method == "getUpdates"]
