"""The database cannot take a write (locked by another process, disk full): a clear log line, a clear
answer in the citizen's language, nothing half-stored, and the bot carries on once the cause is gone."""

from __future__ import annotations

import logging

import pytest

from bot.app import running
from bot.handlers.deps import Runtime
from bot.render import citizen as citizen_texts
from bot.sandbox import FakeTelegram, say
from tests.databases import Database
from tests.helpers import plain

CAMPAIGN = "I made a choice for the new Kazakhstan, our family gives four votes for Tokayev"


def _storage_log_lines(caplog: pytest.LogCaptureFixture, reason: str) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.levelno == logging.ERROR and reason in r.getMessage()]


@pytest.mark.sqlite_only("SQLite's exclusive lock; test_postgresql_faults.py holds PostgreSQL's write lock")
async def test_a_database_locked_by_another_process_gets_a_clear_answer_and_a_later_report_is_stored(
    telegram: FakeTelegram, settings, db: Database, caplog: pytest.LogCaptureFixture, translations
) -> None:
    citizen = telegram.user(411, language_code="ru")
    async with running(settings):
        assert "/status 1" in (await say(telegram, citizen, CAMPAIGN)).plain
        with db.connect() as other:  # e.g. `kuzet templates import` holding the write lock too long
            other.execute("BEGIN EXCLUSIVE")
            refusal = await say(telegram, citizen, CAMPAIGN + " again", timeout=30)
            other.execute("ROLLBACK")
        receipt = await say(telegram, citizen, CAMPAIGN + " once more")
    assert refusal.plain == plain(citizen_texts.storage_unavailable(translations("ru")))
    [line] = _storage_log_lines(caplog, "database is locked")
    assert line.exc_info is None and line.getMessage().startswith("update ")
    assert "/status 2" in receipt.plain
    assert [r[0] for r in db.rows("SELECT text FROM reports ORDER BY id")] == [CAMPAIGN, CAMPAIGN + " once more"]


@pytest.mark.sqlite_only("SQLite's page limit; test_postgresql_faults.py makes PostgreSQL read-only and down")
async def test_a_full_disk_gets_a_clear_answer_leaves_the_database_whole_and_the_bot_carries_on(
    telegram: FakeTelegram, settings, db: Database, caplog: pytest.LogCaptureFixture, translations
) -> None:
    citizen = telegram.user(412, language_code="kk")
    async with running(settings) as application:
        assert "/status 1" in (await say(telegram, citizen, CAMPAIGN)).plain
        connection = Runtime.of_application(application).store.db._conn  # noqa: SLF001 - the fault is injected there
        await connection.execute("VACUUM")  # no free pages left inside the file
        pages = (await (await connection.execute("PRAGMA page_count")).fetchone())[0]
        # SQLite's page limit gives exactly the error of a full disk (SQLITE_FULL), without filling one.
        await connection.execute(f"PRAGMA max_page_count = {pages}")
        refusals = [await say(telegram, citizen, f"{CAMPAIGN} {'x' * 3900} {n}") for n in range(3)]
        await connection.execute("PRAGMA max_page_count = 1073741823")
        receipt = await say(telegram, citizen, CAMPAIGN + " after")
    expected = plain(citizen_texts.storage_unavailable(translations("kk")))
    assert [r.plain for r in refusals] == [expected] * 3
    assert len(_storage_log_lines(caplog, "database or disk is full")) == 3
    assert "/status 2" in receipt.plain
    assert db.value("PRAGMA integrity_check") == "ok"
    assert [r[0] for r in db.rows("SELECT text FROM reports ORDER BY id")] == [CAMPAIGN, CAMPAIGN + " after"]
    assert db.value("SELECT COUNT(*) FROM receipt_outbox") == 0
