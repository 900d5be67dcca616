"""PostgreSQL that cannot take a write (another process holds the write lock, the database turned read-only,
the database refusing connections): the citizen hears that nothing was recorded, in their language; nothing
half-written remains; the bot carries on once the cause is gone. (SQLite's faults: test_storage_faults.py.)"""

from __future__ import annotations

import psycopg
import pytest

from bot.app import running
from bot.render import citizen as citizen_texts
from bot.sandbox import FakeTelegram, say
from bot.store.postgres import WRITE_LOCK
from tests.databases import Database, on_postgresql, server_url
from tests.helpers import plain

pytestmark = pytest.mark.skipif(not on_postgresql(), reason="needs a PostgreSQL server (KUZET_TEST_DATABASE_URL)")

CAMPAIGN = "I made a choice for the new Kazakhstan, our family gives four votes for Tokayev"


def _as_admin(*statements: str) -> None:
    server = server_url()
    assert server is not None
    with psycopg.connect(server, autocommit=True) as admin:
        for statement in statements:
            admin.execute(statement)


def _cut_off(name: str) -> str:
    """End every session of the bot on the database (they reconnect as a failover makes them)."""
    return (
        f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}' AND pid <> pg_backend_pid()"
    )


async def test_a_write_lock_held_by_another_process_gets_a_clear_answer_and_a_later_report_is_stored(
    telegram: FakeTelegram, settings, db: Database, translations
) -> None:
    citizen = telegram.user(421, language_code="ar")
    async with running(settings):
        assert "/status 1" in (await say(telegram, citizen, CAMPAIGN)).plain
        with psycopg.connect(db.url.dsn) as other:  # e.g. a `kuzet templates import` stuck mid-transaction
            other.execute("SELECT pg_advisory_xact_lock(%s)", (WRITE_LOCK,))
            refusal = await say(telegram, citizen, CAMPAIGN + " again", timeout=30)
            other.rollback()
        receipt = await say(telegram, citizen, CAMPAIGN + " once more")
    assert refusal.plain == plain(citizen_texts.storage_unavailable(translations("ar")))
    assert "/status 2" in receipt.plain
    assert [r[0] for r in db.rows("SELECT text FROM reports ORDER BY id")] == [CAMPAIGN, CAMPAIGN + " once more"]


async def test_a_read_only_or_refusing_database_gets_a_clear_answer_and_nothing_half_written(
    telegram: FakeTelegram, settings, db: Database, translations
) -> None:
    citizen = telegram.user(422, language_code="kk")
    name = db.url.dsn.rsplit("/", 1)[1]
    expected = plain(citizen_texts.storage_unavailable(translations("kk")))
    async with running(settings):
        assert "/status 1" in (await say(telegram, citizen, CAMPAIGN)).plain
        _as_admin(f'ALTER DATABASE "{name}" SET default_transaction_read_only = on', _cut_off(name))
        read_only = [await say(telegram, citizen, f"{CAMPAIGN} {n}", timeout=30) for n in range(2)]
        _as_admin(f'ALTER DATABASE "{name}" RESET default_transaction_read_only', _cut_off(name))
        _as_admin(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false', _cut_off(name))
        down = await say(telegram, citizen, f"{CAMPAIGN} down", timeout=30)
        _as_admin(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')
        receipt = await say(telegram, citizen, CAMPAIGN + " after", timeout=30)
    assert [m.plain for m in read_only] == [expected, expected]
    assert down.plain == expected
    assert "/status 2" in receipt.plain
    assert [r[0] for r in db.rows("SELECT text FROM reports ORDER BY id")] == [CAMPAIGN, CAMPAIGN + " after"]
    assert db.value("SELECT COUNT(*) FROM receipt_outbox") == 0
