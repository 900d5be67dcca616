"""`kuzet db copy`: a SQLite deployment moves into an empty PostgreSQL database, and the bot runs on the copy."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.app import running
from bot.database_url import DatabaseUrl
from bot.sandbox import FakeTelegram, say
from tests.databases import Database, on_postgresql, throwaway_database
from tests.helpers import plain

pytestmark = pytest.mark.skipif(not on_postgresql(), reason="needs a PostgreSQL server (KUZET_TEST_DATABASE_URL)")

KEY = "a-reporter-key-of-the-old-deployment-0123456789"
CAMPAIGN = "I made a choice for the new Kazakhstan, our family gives four votes for Tokayev"


def _copy(source: str, target: str, folder: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REPORTER_KEY"}}
    return subprocess.run(
        [sys.executable, "-m", "bot", "db", "copy", source, target],
        env=env,
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


async def test_a_populated_sqlite_database_is_copied_whole_and_the_bot_runs_on_the_copy(
    telegram: FakeTelegram, make_settings, tmp_path: Path
) -> None:
    source = f"sqlite:///{tmp_path / 'old.db'}"
    citizen = telegram.user(501, language_code="ru")
    async with running(make_settings(DATABASE_URL=source, REPORTER_KEY=KEY)):
        for k in range(3):
            await say(telegram, citizen, f"{CAMPAIGN} {'!' * k}")
        await say(telegram, telegram.user(502), "@nurbot_4041 posts this every hour")
    with throwaway_database() as target:
        copied = _copy(source, target, tmp_path)
        assert copied.returncode == 0, copied.stderr
        assert "every count matches" in copied.stderr
        old, new = Database(DatabaseUrl.parse(source)), Database(DatabaseUrl.parse(target))
        for table in ("reports", "report_targets", "clusters", "cases", "audit_log", "kuzet_meta", "id_sequences"):
            assert sorted(map(tuple, old.rows(f"SELECT * FROM {table}"))) == sorted(
                map(tuple, new.rows(f"SELECT * FROM {table}"))
            ), table
        # analysed at once: the planner knows the copied rows (a table never analysed has reltuples -1)
        assert new.value("SELECT reltuples FROM pg_class WHERE relname = 'reports'") == 4
        again = _copy(source, target, tmp_path)
        assert again.returncode == 1 and "already holds data" in again.stderr

        # the same key (the operator sets REPORTER_KEY to the old key file's content): the copy's check accepts it
        async with running(make_settings(DATABASE_URL=target, REPORTER_KEY=KEY)):
            status = plain((await say(telegram, citizen, "/status 1")).text)
            fifth = plain((await say(telegram, citizen, f"{CAMPAIGN} ???")).text)
        assert CAMPAIGN in status
        assert "\u2068/status 5\u2069" in fifth  # four reports were copied: numbering goes on from the source
        clusters = dict(map(tuple, new.rows("SELECT id, cluster_id FROM reports")))
        assert clusters[5] == clusters[1] is not None  # the copied cluster is in the matcher built from the copy
