"""Storage: migrations run once each, in a transaction; the reporter key is kept safe."""

from __future__ import annotations

import logging
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.config import load_settings
from bot.database_url import DatabaseUrl
from bot.errors import ConfigError, MigrationError
from bot.pseudonyms import Pseudonymizer, load_reporter_key
from bot.resources import data_dir
from bot.service.installation import check_reporter_key
from bot.store import Store
from bot.store.db import Database, open_database


async def _tables(db: Database) -> set[str]:
    sql = {
        "sqlite": "SELECT name FROM sqlite_master WHERE type = 'table'",
        "postgresql": "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'",
    }[db.engine]
    async with db.transaction() as tx:
        return {r[0] for r in await tx.fetch_all(sql)}


@pytest.mark.empty_database
async def test_migrations_apply_in_order_and_a_second_run_applies_nothing(database_url: str) -> None:
    db = await open_database(DatabaseUrl.parse(database_url))
    assert await db.migrate(data_dir("migrations")) == sorted(p.name for p in data_dir("migrations").glob("*.sql"))
    assert await db.migrate(data_dir("migrations")) == []
    assert {"reports", "report_targets", "accounts", "reporters", "schema_migrations"} <= await _tables(db)
    await db.close()


@pytest.mark.empty_database
async def test_a_failing_migration_is_rolled_back_whole(tmp_path: Path, database_url: str) -> None:
    migrations = tmp_path / "migrations"
    migrations.mkdir()
    (migrations / "0001_good.sql").write_text("CREATE TABLE good (id INTEGER PRIMARY KEY);\n")
    (migrations / "0002_bad.sql").write_text(
        "CREATE TABLE half_done (id INTEGER PRIMARY KEY);\nINSERT INTO no_such_table VALUES (1);\n"
    )
    db = await open_database(DatabaseUrl.parse(database_url))
    with pytest.raises(MigrationError, match="0002_bad.sql"):
        await db.migrate(migrations)
    tables = await _tables(db)
    assert "good" in tables
    assert "half_done" not in tables
    async with db.transaction() as tx:
        assert [r[0] for r in await tx.fetch_all("SELECT name FROM schema_migrations")] == ["0001_good.sql"]
    await db.close()


@pytest.mark.sqlite_only("WAL and foreign-key pragmas")
async def test_the_database_runs_in_wal_mode_with_foreign_keys(tmp_path: Path) -> None:
    store = await Store.open(DatabaseUrl.parse(f"sqlite:///{tmp_path / 'k.db'}"))
    async with store.db.transaction() as tx:
        assert await tx.fetch_value("PRAGMA foreign_keys") == 1
        assert await tx.fetch_value("PRAGMA journal_mode") == "wal"
    await store.close()


@pytest.fixture
def usual_umask() -> Iterator[None]:
    """The umask most systems start services with: files are created readable by everyone unless asked not to."""
    previous = os.umask(0o022)
    yield
    os.umask(previous)


@pytest.mark.sqlite_only("the mode of the database file")
@pytest.mark.usefixtures("usual_umask")
async def test_the_database_and_its_wal_and_shm_are_created_readable_by_the_owner_only(tmp_path: Path) -> None:
    store = await Store.open(DatabaseUrl.parse(f"sqlite:///{tmp_path / 'data' / 'k.db'}"))
    async with store.transaction() as tx:
        await tx.meta.put("probe", "1")
    try:
        modes = {p.name: stat.S_IMODE(p.stat().st_mode) for p in (tmp_path / "data").iterdir()}
    finally:
        await store.close()
    assert modes == {"k.db": 0o600, "k.db-wal": 0o600, "k.db-shm": 0o600}


@pytest.mark.sqlite_only("the mode of the database file")
@pytest.mark.usefixtures("usual_umask")
async def test_a_database_readable_by_others_is_reported_at_start(tmp_path: Path, caplog) -> None:
    path = tmp_path / "k.db"
    path.touch(mode=0o644)
    with caplog.at_level(logging.WARNING, logger="bot.store.sqlite"):
        store = await Store.open(DatabaseUrl.parse(f"sqlite:///{path}"))
    await store.close()
    assert f"run: chmod 600 {path}*" in caplog.text
    assert stat.S_IMODE(path.stat().st_mode) == 0o644  # the operator's file: reported, not changed behind their back


def test_the_reporter_key_file_is_created_once_beside_the_database_with_mode_0600(tmp_path: Path) -> None:
    settings = load_settings({"DATABASE_URL": f"sqlite:///{tmp_path}/data/kuzet.db"}, env_file=None)
    key = load_reporter_key(settings)
    key_file = tmp_path / "data" / "kuzet.key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert load_reporter_key(settings) == key
    assert len(key) >= 32


def test_a_key_file_readable_by_others_is_refused(tmp_path: Path) -> None:
    settings = load_settings({"DATABASE_URL": f"sqlite:///{tmp_path}/kuzet.db"}, env_file=None)
    load_reporter_key(settings)
    os.chmod(tmp_path / "kuzet.key", 0o644)
    with pytest.raises(ConfigError, match="chmod 600"):
        load_reporter_key(settings)


def test_pseudonyms_are_stable_per_user_and_differ_between_keys() -> None:
    a, b = Pseudonymizer(b"k" * 32), Pseudonymizer(b"j" * 32)
    assert a.reporter(42) == a.reporter(42)
    assert a.reporter(42) != a.reporter(43)
    assert a.reporter(42) != b.reporter(42)
    assert "42" not in a.reporter(42)


async def test_starting_with_a_different_reporter_key_is_refused(database_url: str) -> None:
    store = await Store.open(DatabaseUrl.parse(database_url))
    await check_reporter_key(store, Pseudonymizer(b"k" * 32).key_check())
    await check_reporter_key(store, Pseudonymizer(b"k" * 32).key_check())
    with pytest.raises(ConfigError) as raised:
        await check_reporter_key(store, Pseudonymizer(b"j" * 32).key_check())
    assert raised.value.variable == "REPORTER_KEY"
    await store.close()
